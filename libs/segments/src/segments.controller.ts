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
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AnyStaff, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors, PageQueryDto } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import {
  CreateSegmentDto,
  PreviewSegmentDto,
  SegmentCountDto,
  SegmentDto,
  SegmentFieldsDto,
  SegmentListDto,
  SegmentMemberListDto,
  SegmentPreviewDto,
  UpdateSegmentDto,
} from './dto/segment.dto';
import { describeSegmentFields } from './segment-compiler';
import { SegmentCountService } from './segment-count.service';
import { SegmentsService } from './segments.service';

// Marketers (and admins) write segments; every staff role reads and previews them.
@ApiTags('segments')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/segments')
export class SegmentsController {
  constructor(
    private readonly segments: SegmentsService,
    private readonly counts: SegmentCountService,
  ) {}

  @Get()
  @AnyStaff()
  @ApiOperation({ summary: 'List segments by name, with cursor pagination' })
  @ApiOkResponse({ type: SegmentListDto })
  async list(@Query() page: PageQueryDto): Promise<SegmentListDto> {
    const result = await this.segments.list(page.limit, page.cursor);
    return { items: result.items.map(SegmentDto.from), nextCursor: result.nextCursor };
  }

  // Declared before :id so that "fields" is never read as an id.
  @Get('fields')
  @AnyStaff()
  @ApiOperation({ summary: 'The fields a rule may use, with their operators and value types' })
  @ApiOkResponse({ type: SegmentFieldsDto })
  fields(): SegmentFieldsDto {
    return { items: describeSegmentFields() };
  }

  @Post('preview')
  @HttpCode(200)
  @AnyStaff()
  @ApiOperation({ summary: 'Count the clients that unsaved rules match now, with the first 20 by name' })
  @ApiOkResponse({ type: SegmentPreviewDto })
  async preview(@Body() dto: PreviewSegmentDto): Promise<SegmentPreviewDto> {
    return this.segments.preview(dto.rules);
  }

  @Post('count')
  @HttpCode(200)
  @AnyStaff()
  @ApiOperation({
    summary: 'The live count of unsaved rules, with ten matching clients',
    description:
      'Exact when it can be counted within SEGMENT_COUNT_EXACT_MS (or was counted in the last five ' +
      'minutes); otherwise an estimate from a sample of the client table, `exact: false`, while the ' +
      'exact count is taken in the background: read it with `GET /api/v1/segments/counts/{ruleHash}`.',
  })
  @ApiOkResponse({ type: SegmentCountDto })
  async count(@Body() dto: PreviewSegmentDto): Promise<SegmentCountDto> {
    return this.counts.count(dto.rules);
  }

  @Get('counts/:ruleHash')
  @AnyStaff()
  @ApiOperation({
    summary: 'The count under a rule hash: exact when ready, else the estimate it started from',
  })
  @ApiErrors(404)
  @ApiOkResponse({ type: SegmentCountDto })
  async countByHash(@Param('ruleHash') hash: string): Promise<SegmentCountDto> {
    return this.counts.byHash(hash);
  }

  @Post()
  @Roles(StaffRole.Marketer)
  @ApiOperation({ summary: 'Create a segment (the name is unique, ignoring case)' })
  @ApiErrors(409)
  @ApiCreatedResponse({ type: SegmentDto })
  async create(@Body() dto: CreateSegmentDto, @CurrentStaff() staff: StaffMember): Promise<SegmentDto> {
    return SegmentDto.from(await this.segments.create(dto, staff.id));
  }

  @Get(':id')
  @AnyStaff()
  @ApiOperation({ summary: 'Get a segment' })
  @ApiErrors(404)
  @ApiOkResponse({ type: SegmentDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<SegmentDto> {
    return SegmentDto.from(await this.segments.get(id));
  }

  @Patch(':id')
  @Roles(StaffRole.Marketer)
  @ApiOperation({ summary: 'Change the name, description or rules of a segment' })
  @ApiErrors(404, 409)
  @ApiOkResponse({ type: SegmentDto })
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateSegmentDto): Promise<SegmentDto> {
    return SegmentDto.from(await this.segments.update(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(StaffRole.Marketer)
  @ApiOperation({ summary: 'Delete a segment (409 while a campaign uses it)' })
  @ApiErrors(404, 409)
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.segments.remove(id);
  }

  @Get(':id/count')
  @AnyStaff()
  @ApiOperation({ summary: "The live count of a saved segment's rules (as POST /segments/count)" })
  @ApiErrors(404)
  @ApiOkResponse({ type: SegmentCountDto })
  async countSegment(@Param('id', ParseUUIDPipe) id: string): Promise<SegmentCountDto> {
    return this.counts.countSegment(id);
  }

  @Get(':id/members')
  @AnyStaff()
  @ApiOperation({ summary: 'The clients in a segment now, by name then id, with cursor pagination' })
  @ApiErrors(404)
  @ApiOkResponse({ type: SegmentMemberListDto })
  async members(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<SegmentMemberListDto> {
    return this.segments.members(id, page.limit, page.cursor);
  }
}
