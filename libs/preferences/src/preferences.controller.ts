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
  Req,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AnyStaff, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors, PageQueryDto } from '@touchbase/http';
import { SettingsService } from '@touchbase/settings';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import { staffContext } from './consent-context';
import {
  ConsentLogDto,
  PreferenceDefaultsDto,
  PreferencesDto,
  UpdatePreferencesDto,
} from './dto/preferences.dto';
import { CreateTopicDto, TopicDto, TopicListDto, UpdateTopicDto } from './dto/topic.dto';
import { PREFERENCE_DEFAULTS, PREFERENCE_DEFAULTS_KEY } from './preference-defaults';
import { PreferencesService } from './preferences.service';
import { TopicsService } from './topics.service';

@ApiTags('preferences')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403, 404)
@Controller('api/v1')
export class PreferencesController {
  constructor(
    private readonly preferences: PreferencesService,
    private readonly settings: SettingsService,
  ) {}

  @Get('clients/:id/preferences')
  @AnyStaff()
  @ApiOperation({ summary: "A client's preferences: opt-out, channels, topics, frequency, quiet hours" })
  @ApiOkResponse({ type: PreferencesDto })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<PreferencesDto> {
    return this.preferences.get(id);
  }

  @Put('clients/:id/preferences')
  @Roles(StaffRole.SalesOps)
  @ApiOperation({
    summary:
      "Change a client's preferences (fields left out stay); each changed item is written to the consent log",
  })
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdatePreferencesDto,
    @CurrentStaff() staff: StaffMember,
    @Req() req: Request,
  ): Promise<PreferencesDto> {
    const { wordingVersion, ...changes } = dto;
    return this.preferences.update(id, changes, {
      ...staffContext(staff.id),
      ip: req.ip ?? null,
      userAgent: req.get('user-agent') ?? null,
      wordingVersion: wordingVersion ?? null,
    });
  }

  @Get('clients/:id/consent-log')
  @AnyStaff()
  @ApiOperation({ summary: 'The append-only consent log of a client, newest first' })
  @ApiOkResponse({ type: ConsentLogDto })
  async consentLog(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<ConsentLogDto> {
    const result = await this.preferences.consentLog(id, page.limit, page.cursor);
    return {
      items: result.items.map((e) => ({
        id: e.id,
        changedAt: e.changedAt.toISOString(),
        actorType: e.actorType,
        actorId: e.actorId,
        source: e.source,
        item: e.item,
        oldValue: e.oldValue,
        newValue: e.newValue,
        ip: e.ip,
        userAgent: e.userAgent,
        wordingVersion: e.wordingVersion,
      })),
      nextCursor: result.nextCursor,
    };
  }

  @Get('preferences/defaults')
  @AnyStaff()
  @ApiOperation({ summary: 'Preferences given to new clients' })
  @ApiOkResponse({ type: PreferenceDefaultsDto })
  defaults(): Promise<PreferenceDefaultsDto> {
    return this.settings.get(PREFERENCE_DEFAULTS_KEY, PREFERENCE_DEFAULTS);
  }

  @Put('preferences/defaults')
  @Roles(StaffRole.Admin)
  @ApiOperation({ summary: 'Change the preferences given to new clients (existing clients keep theirs)' })
  setDefaults(
    @Body() dto: PreferenceDefaultsDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<PreferenceDefaultsDto> {
    return this.settings.set(PREFERENCE_DEFAULTS_KEY, { ...dto }, staff.id);
  }
}

@ApiTags('topics')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/topics')
export class TopicsController {
  constructor(private readonly topics: TopicsService) {}

  @Get()
  @AnyStaff()
  @ApiOperation({ summary: 'Topics messages are about, with Russian and English names' })
  @ApiOkResponse({ type: TopicListDto })
  async list(): Promise<TopicListDto> {
    return { items: (await this.topics.list()).map(TopicDto.from) };
  }

  @Get(':key')
  @AnyStaff()
  @ApiErrors(404)
  @ApiOkResponse({ type: TopicDto })
  async get(@Param('key') key: string): Promise<TopicDto> {
    return TopicDto.from(await this.topics.get(key));
  }

  @Post()
  @Roles(StaffRole.Admin)
  @ApiErrors(409)
  @ApiOperation({ summary: 'Create a topic' })
  @ApiOkResponse({ type: TopicDto })
  async create(@Body() dto: CreateTopicDto): Promise<TopicDto> {
    return TopicDto.from(await this.topics.create(dto));
  }

  @Patch(':key')
  @Roles(StaffRole.Admin)
  @ApiErrors(404)
  @ApiOperation({ summary: 'Rename or re-describe a topic, or change its default' })
  @ApiOkResponse({ type: TopicDto })
  async update(@Param('key') key: string, @Body() dto: UpdateTopicDto): Promise<TopicDto> {
    return TopicDto.from(await this.topics.update(key, dto));
  }

  @Delete(':key')
  @HttpCode(204)
  @Roles(StaffRole.Admin)
  @ApiErrors(404, 409)
  @ApiOperation({ summary: 'Delete a topic that is not built in and not used by a campaign' })
  async remove(@Param('key') key: string): Promise<void> {
    await this.topics.remove(key);
  }
}
