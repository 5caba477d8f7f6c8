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
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AnyStaff, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors, PageQueryDto } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import { CampaignsService } from './campaigns.service';
import {
  ActivateCampaignDto,
  CampaignDto,
  CampaignListDto,
  CreateCampaignDto,
  DeleteCampaignQueryDto,
  ListCampaignsQueryDto,
  UpdateCampaignDto,
} from './dto/campaign.dto';
import { EditionDto, EditionListDto, PutEditionDto } from './dto/edition.dto';
import { EditionsService } from './editions.service';
import { Campaign } from './entities/campaign.entity';
import { HolidayCalendarService } from './holiday-calendar.service';

// Marketers (and admins) write campaigns and editions; every staff role reads them.
@ApiTags('campaigns')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly editions: EditionsService,
    private readonly holidays: HolidayCalendarService,
  ) {}

  /** With its next occurrences by the workspace's holiday calendar. */
  private async dto(c: Campaign): Promise<CampaignDto> {
    return CampaignDto.from(c, new Date(), await this.holidays.get());
  }

  @Get()
  @AnyStaff()
  @ApiOperation({ summary: 'List campaigns by name (archived ones only when asked), with cursor pagination' })
  @ApiOkResponse({ type: CampaignListDto })
  async list(@Query() query: ListCampaignsQueryDto): Promise<CampaignListDto> {
    const page = await this.campaigns.list(query);
    const now = new Date();
    const calendar = await this.holidays.get();
    return {
      items: page.items.map((c) => CampaignDto.from(c, now, calendar)),
      nextCursor: page.nextCursor,
    };
  }

  @Post()
  @Roles(StaffRole.Marketer)
  @ApiOperation({
    summary: 'Create a campaign (as a draft; activate it to start its schedule)',
    description:
      'Kind rules: a ceo-letter is must-send about company-letters (both filled in when left out) and needs a ' +
      'signer to be activated; a service campaign is about the service topic and is never promotional.',
  })
  @ApiErrors(409)
  @ApiCreatedResponse({ type: CampaignDto })
  async create(@Body() dto: CreateCampaignDto, @CurrentStaff() staff: StaffMember): Promise<CampaignDto> {
    return this.dto(await this.campaigns.create(dto, staff.id));
  }

  @Get(':id')
  @AnyStaff()
  @ApiOperation({ summary: 'Get a campaign, with its next occurrences' })
  @ApiErrors(404)
  @ApiOkResponse({ type: CampaignDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<CampaignDto> {
    return this.dto(await this.campaigns.get(id));
  }

  @Patch(':id')
  @Roles(StaffRole.Marketer)
  @ApiOperation({ summary: 'Change a campaign (an active one must stay able to run)' })
  @ApiErrors(404, 409)
  @ApiOkResponse({ type: CampaignDto })
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateCampaignDto): Promise<CampaignDto> {
    return this.dto(await this.campaigns.update(id, dto));
  }

  @Delete(':id')
  @Roles(StaffRole.Marketer)
  @ApiOperation({
    summary:
      'Archive a campaign (its pending runs are cancelled); ?permanent=true deletes one that never ran',
  })
  @ApiErrors(404, 409)
  @ApiOkResponse({ type: CampaignDto, description: 'Archived' })
  @ApiNoContentResponse({ description: 'Deleted for good (permanent=true)' })
  async remove(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: DeleteCampaignQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CampaignDto | void> {
    if (query.permanent === 'true') {
      await this.campaigns.remove(id);
      res.status(204);
      return;
    }
    return this.dto(await this.campaigns.archive(id));
  }

  @Post(':id/activate')
  @HttpCode(200)
  @Roles(StaffRole.Marketer)
  @ApiOperation({
    summary: 'Start the schedule; 409 lists what is missing (templates for every channel, a signer)',
    description:
      'Occurrences before activation never run and are never marked missed. `warnings` says what to look at ' +
      '(letters that would print without a signature image); a must-send campaign with such letters is ' +
      'refused (409, confirmUnsigned) unless the body says `{ "confirmUnsigned": true }`.',
  })
  @ApiErrors(404, 409)
  @ApiOkResponse({ type: CampaignDto })
  async activate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ActivateCampaignDto,
  ): Promise<CampaignDto> {
    const { campaign, warnings } = await this.campaigns.activate(id, new Date(), dto);
    return { ...(await this.dto(campaign)), warnings };
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Roles(StaffRole.Marketer)
  @ApiOperation({
    summary: 'Pause the schedule; activate again to resume (what fell due meanwhile is skipped)',
  })
  @ApiErrors(404, 409)
  @ApiOkResponse({ type: CampaignDto })
  async pause(@Param('id', ParseUUIDPipe) id: string): Promise<CampaignDto> {
    return this.dto(await this.campaigns.pause(id));
  }

  @Get(':id/editions')
  @AnyStaff()
  @ApiOperation({ summary: "A campaign's editions, newest period first" })
  @ApiErrors(404)
  @ApiOkResponse({ type: EditionListDto })
  async editionsOf(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<EditionListDto> {
    const result = await this.editions.list(id, page.limit, page.cursor);
    return { items: result.items.map(EditionDto.from), nextCursor: result.nextCursor };
  }

  @Get(':id/editions/:periodKey')
  @AnyStaff()
  @ApiOperation({ summary: 'The edition of one period (2026-11, 2026-Q4 or 2026-11-05T10:00)' })
  @ApiErrors(404)
  @ApiOkResponse({ type: EditionDto })
  async edition(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('periodKey') key: string,
  ): Promise<EditionDto> {
    return EditionDto.from(await this.editions.get(id, key));
  }

  @Put(':id/editions/:periodKey')
  @Roles(StaffRole.Marketer)
  @ApiOperation({
    summary: 'Create or replace the edition of a period (201 created, 200 replaced)',
    description:
      'The period key must be one of the schedule (YYYY-MM monthly, YYYY-Qn quarterly, else the local occurrence time).',
  })
  @ApiErrors(404, 409)
  @ApiOkResponse({ type: EditionDto, description: 'Replaced' })
  @ApiCreatedResponse({ type: EditionDto, description: 'Created' })
  async putEdition(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('periodKey') key: string,
    @Body() dto: PutEditionDto,
    @CurrentStaff() staff: StaffMember,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EditionDto> {
    const { edition, created } = await this.editions.put(id, key, dto, staff.id);
    res.status(created ? 201 : 200);
    return EditionDto.from(edition);
  }

  @Delete(':id/editions/:periodKey')
  @HttpCode(204)
  @Roles(StaffRole.Marketer)
  @ApiOperation({ summary: 'Delete the edition of a period (409 once its run is planned)' })
  @ApiErrors(404, 409)
  @ApiNoContentResponse({ description: 'Deleted' })
  async removeEdition(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('periodKey') key: string,
  ): Promise<void> {
    await this.editions.remove(id, key);
  }
}
