import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '@touchbase/config';
import { AnyStaff, Channel, NotFoundException, ValidationException } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { TemplatePreviewService, TemplateRenderer, TemplatesService } from '@touchbase/templates';
import { TemplateSmsPreviewDto, TemplateSmsPreviewRequestDto } from './dto/template-sms-preview.dto';
import { smsCost } from './sms-message';
import { countSegments } from './sms-segments';

@ApiTags('templates')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403, 404)
@Controller('api/v1/templates')
export class TemplateSmsPreviewController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly previews: TemplatePreviewService,
    private readonly renderer: TemplateRenderer,
    private readonly config: AppConfig,
  ) {}

  @Post(':id/preview/sms')
  @HttpCode(200)
  @AnyStaff()
  @ApiOperation({
    summary: 'An SMS template rendered, with its encoding, segments and estimated cost',
    description:
      'For a real client (as it would be sent) or a complete sample client, in the template’s locale or ' +
      'the sibling template of another locale. Segments are counted as carriers bill them.',
  })
  @ApiOkResponse({ type: TemplateSmsPreviewDto })
  async preview(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: TemplateSmsPreviewRequestDto,
  ): Promise<TemplateSmsPreviewDto> {
    let template = await this.templates.get(id);
    if (template.channel !== Channel.Sms) {
      throw new ValidationException(`Template ${id} is a ${template.channel} template, not an SMS one`, [
        { field: 'id', messages: ['the template must be an SMS template'] },
      ]);
    }
    if (dto.locale && dto.locale !== template.locale) {
      const [sibling] = await this.templates.list({
        name: template.name,
        channel: Channel.Sms,
        locale: dto.locale,
      });
      if (!sibling) throw new NotFoundException('Template', `${template.name} (sms, ${dto.locale})`);
      template = sibling;
    }
    const rendered = dto.clientId
      ? await this.previews.preview(template.id, { clientId: dto.clientId })
      : this.renderer.render(template, this.templates.sampleContext(template.locale));
    const text = rendered.text;
    const { segments, encoding, units } = countSegments(text);
    return {
      templateId: template.id,
      locale: template.locale,
      text,
      segments,
      encoding,
      characters: [...text].length,
      units,
      costEstimate: smsCost(segments, this.config.sms.segmentCost),
      currency: this.config.workspace.currency,
    };
  }
}
