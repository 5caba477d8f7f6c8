import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyStaff, Locale, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import {
  CreateTemplateDto,
  ListTemplatesQueryDto,
  PreviewTemplateDto,
  TemplateDto,
  TemplateListDto,
  TemplatePreviewDto,
  TemplateVariablesDto,
  TemplateVariablesQueryDto,
  TemplateValidationDto,
  UpdateTemplateDto,
  ValidateTemplateDto,
} from './dto/template.dto';
import { TemplatePreviewService } from './template-preview.service';
import { TEMPLATE_HELPERS, TRUSTED_RAW_VARIABLES } from './template-renderer';
import { TemplatesService } from './templates.service';

@ApiTags('templates')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/templates')
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly previews: TemplatePreviewService,
  ) {}

  @Get()
  @AnyStaff()
  @ApiOperation({ summary: 'Templates, by name, channel and locale' })
  @ApiOkResponse({ type: TemplateListDto })
  async list(@Query() query: ListTemplatesQueryDto): Promise<TemplateListDto> {
    return { items: (await this.templates.list(query)).map(TemplateDto.from) };
  }

  // Before ':id', which would take "variables" for an id.
  @Get('variables')
  @AnyStaff()
  @ApiOperation({ summary: 'What templates can use: variables (with sample values), helpers, raw values' })
  @ApiOkResponse({ type: TemplateVariablesDto })
  variables(@Query() query: TemplateVariablesQueryDto): TemplateVariablesDto {
    const sample = this.templates.sampleContext(query.locale ?? Locale.Ru);
    return {
      variables: flatten(sample, ''),
      helpers: [...TEMPLATE_HELPERS],
      raw: [...TRUSTED_RAW_VARIABLES],
    };
  }

  @Post('validate')
  @HttpCode(200)
  @AnyStaff()
  @ApiOperation({
    summary: 'Check an unsaved template: every problem at once, with its line and column',
    description:
      'Syntax and compile errors (handlebars, strict), raw output, partials, unknown helpers, and every ' +
      'variable the message does not have (the variables: GET /api/v1/templates/variables), then a ' +
      'render of a complete sample message in the locale. `ok` is true when creating it would succeed.',
  })
  @ApiOkResponse({ type: TemplateValidationDto })
  validate(@Body() dto: ValidateTemplateDto): TemplateValidationDto {
    const errors = this.templates.diagnose(
      { channel: dto.channel, subject: dto.subject ?? null, body: dto.body },
      dto.locale ?? Locale.Ru,
    );
    return { ok: errors.length === 0, errors };
  }

  @Post()
  @Roles(StaffRole.Marketer)
  @ApiOperation({
    summary: 'Create a template',
    description:
      'Refused with 400 when the body or subject does not compile (the line is given), uses `{{{…}}}` ' +
      '(other than `{{{edition.html}}}` in email), an unknown helper, or a variable a message does not have.',
  })
  @ApiErrors(409)
  @ApiCreatedResponse({ type: TemplateDto })
  async create(@Body() dto: CreateTemplateDto): Promise<TemplateDto> {
    return TemplateDto.from(await this.templates.create(dto));
  }

  @Get(':id')
  @AnyStaff()
  @ApiErrors(404)
  @ApiOkResponse({ type: TemplateDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<TemplateDto> {
    return TemplateDto.from(await this.templates.get(id));
  }

  @Patch(':id')
  @Roles(StaffRole.Marketer)
  @ApiOperation({
    summary: 'Change subject, body or description (built-in templates too); checked as on create',
  })
  @ApiErrors(404)
  @ApiOkResponse({ type: TemplateDto })
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateTemplateDto): Promise<TemplateDto> {
    return TemplateDto.from(await this.templates.update(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(StaffRole.Marketer)
  @ApiOperation({ summary: 'Delete a template that is not built in and no (non-archived) campaign uses' })
  @ApiErrors(404, 409)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.templates.remove(id);
  }

  @Post(':id/preview')
  @HttpCode(200)
  @AnyStaff()
  @ApiOperation({
    summary: 'Render for a real client: its owner, the campaign’s signer and latest edition',
    description:
      'Email → `{ subject, html, text }`; SMS, call, letter → `{ text }`. A variable the message lacks is ' +
      'a 400 naming it. The links in the result are real, signed links of that client.',
  })
  @ApiErrors(404)
  @ApiOkResponse({ type: TemplatePreviewDto })
  async preview(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: PreviewTemplateDto,
  ): Promise<TemplatePreviewDto> {
    return TemplatePreviewDto.from(await this.previews.preview(id, dto));
  }
}

/** `client.name`, `client.address.lines`, `edition.blocks[].text`… with their sample values. */
function flatten(value: unknown, prefix: string): { name: string; example: string }[] {
  if (Array.isArray(value)) {
    if (value.length > 0 && typeof value[0] === 'object' && value[0] !== null)
      return flatten(value[0], `${prefix}[]`);
    return [{ name: prefix, example: value.join(' / ') }];
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [{ name: prefix, example: value === null || value === undefined ? '' : String(value) }];
}
