import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsNumber,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Category } from '@touchbase/clients';
import { Channel } from '@touchbase/core';
import { IsOmittable, PageQueryDto } from '@touchbase/http';
import { CampaignKind, CampaignStatus, Priority } from '../campaign.enums';
import { Campaign, CampaignTemplates, ChannelRule } from '../entities/campaign.entity';
import { DEFAULT_BUSINESS_CALENDAR } from '../business-calendar';
import { MAX_HOLDOUT_SHARE } from '../campaign-rules';
import { describeSchedule, localTime, nextOccurrences, periodKey, scheduleRRule } from '../schedule';
import type { ScheduleSpec } from '../schedule.types';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const emptyToNull = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? null : value.trim()) : value;

const SCHEDULE_DOC =
  'One of: `{ "type": "monthly", "day": 1..31, "time": "HH:MM" }` (a shorter month runs on its last day); ' +
  '`{ "type": "quarterly", "time": "HH:MM" }` (first business day of January, April, July and ' +
  'October by the holiday calendar, /api/v1/holiday-calendar); `{ "type": "once", "at": "2026-11-05T10:00" }` (campaign zone unless an offset is given); ' +
  '`{ "type": "rrule", "rrule": "FREQ=WEEKLY;BYDAY=MO", "dtstart": "2026-11-02T09:00" }` (RFC 5545, ' +
  'daily at most; dtstart is wall time in the campaign zone). Times are wall-clock times in the campaign ' +
  'zone, so 10:00 stays 10:00 across DST changes.';

export const SCHEDULE_PROPERTY = {
  type: 'object',
  additionalProperties: true,
  description: SCHEDULE_DOC,
  example: { type: 'monthly', day: 1, time: '10:00' },
} as const;

export class ChannelRuleDto implements ChannelRule {
  @ApiProperty({ enum: Category, isArray: true, example: ['VIP', 'A'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(Object.values(Category), { each: true, message: 'each category must be one of A, B, C, VIP' })
  categories!: Category[];

  @ApiProperty({ enum: Channel, isArray: true, example: ['letter', 'email'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsEnum(Channel, { each: true, message: 'each channel must be one of email, sms, call, letter' })
  channels!: Channel[];
}

export class CreateCampaignDto {
  @ApiProperty({ example: 'Monthly news', description: 'Unique, ignoring case' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'What is new with us, once a month, to the whole base' })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({ enum: CampaignKind })
  @IsEnum(CampaignKind, { message: 'kind must be one of broadcast, ceo-letter, plan, service' })
  kind!: CampaignKind;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null or absent: the whole base',
  })
  @IsOptional()
  @IsUUID('all', { message: 'segmentId must be a segment id (a UUID)' })
  segmentId?: string | null;

  @ApiPropertyOptional({
    example: 'news',
    description:
      'Required for broadcast and plan; ceo-letter defaults to company-letters, service to service',
  })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(63)
  topicKey?: string;

  @ApiProperty({
    enum: Channel,
    isArray: true,
    example: ['email', 'sms'],
    description: 'In order of preference',
  })
  @IsArray()
  @ArrayNotEmpty({ message: 'channels must list at least one channel' })
  @ArrayUnique({ message: 'channels must not repeat a channel' })
  @IsEnum(Channel, { each: true, message: 'each channel must be one of email, sms, call, letter' })
  channels!: Channel[];

  @ApiPropertyOptional({
    type: [ChannelRuleDto],
    description:
      'Channel order for the clients of some categories; the first matching rule wins, others use channels',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ChannelRuleDto)
  channelRules?: ChannelRuleDto[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { email: 'monthly-broadcast', sms: 'monthly-broadcast' },
    description: 'channel → template name; each named template must exist for that channel (any locale)',
  })
  @IsOmittable()
  @IsObject()
  templates?: CampaignTemplates;

  @ApiPropertyOptional({ enum: Priority, default: Priority.Normal })
  @IsOmittable()
  @IsEnum(Priority, { message: 'priority must be one of normal, high, must-send' })
  priority?: Priority;

  @ApiProperty(SCHEDULE_PROPERTY)
  @IsObject()
  schedule!: ScheduleSpec;

  @ApiPropertyOptional({ example: 'Europe/Moscow', description: 'IANA zone; defaults to the workspace zone' })
  @IsOmittable()
  @IsString()
  timeZone?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 2160,
    default: 72,
    description: 'Deliveries may go out this long after the occurrence',
  })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(2160)
  deadlineHours?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 720,
    default: 24,
    description: 'A late occurrence still runs this long; later it is marked missed',
  })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(720)
  graceHours?: number;

  @ApiPropertyOptional({ default: false, description: 'Hold an occurrence until its edition exists' })
  @IsOmittable()
  @IsBoolean()
  requiresEdition?: boolean;

  @ApiPropertyOptional({
    default: true,
    description: 'Links through short links that count clicks; false sends them as written (untracked)',
  })
  @IsOmittable()
  @IsBoolean()
  clickTracking?: boolean;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_HOLDOUT_SHARE,
    default: 0,
    example: 0.1,
    description:
      'Share of the eligible audience held out to measure the campaign (0 to 0.5): the same clients on every ' +
      'run, by a hash of client and campaign, recorded as suppressed with reason holdout. Not for service or ' +
      'must-send campaigns (400).',
  })
  @IsOmittable()
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'holdoutShare must be a number from 0 to 0.5' },
  )
  @Min(0, { message: 'holdoutShare must be a number from 0 to 0.5' })
  @Max(MAX_HOLDOUT_SHARE, { message: 'holdoutShare must be a number from 0 to 0.5' })
  holdoutShare?: number;

  @ApiPropertyOptional({
    default: false,
    description:
      'Emails carry a 1×1 open pixel (with open and click tracking on for the workspace — engagement settings — and click tracking on); machine opens are counted apart',
  })
  @IsOmittable()
  @IsBoolean()
  openTracking?: boolean;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Needed by ceo-letter campaigns and the letter channel',
  })
  @IsOptional()
  @IsUUID('all', { message: 'signerId must be a signer id (a UUID)' })
  signerId?: string | null;

  @ApiPropertyOptional({ type: String, example: 'news@example.com', nullable: true })
  @IsOptional()
  @Transform(emptyToNull)
  @IsEmail({}, { message: 'fromAddress must be an email address' })
  @MaxLength(320)
  fromAddress?: string | null;
}

// Every field optional; the non-nullable ones still refuse null.
export class UpdateCampaignDto extends PartialType(CreateCampaignDto, { skipNullProperties: false }) {}

export class ListCampaignsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CampaignStatus, description: 'Default: every status but archived' })
  @IsOptional()
  @IsEnum(CampaignStatus)
  status?: CampaignStatus;

  @ApiPropertyOptional({ enum: CampaignKind })
  @IsOptional()
  @IsEnum(CampaignKind)
  kind?: CampaignKind;
}

export class DeleteCampaignQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: delete for good (only a campaign that never ran); default: archive',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  permanent?: 'true' | 'false';
}

export class OccurrenceDto {
  @ApiProperty({ description: 'UTC' }) at!: string;
  @ApiProperty({ example: '2026-11-01T10:00', description: 'Wall time in the campaign zone' }) local!: string;
  @ApiProperty({ example: '2026-11' }) periodKey!: string;
}

export class ActivateCampaignDto {
  @ApiPropertyOptional({
    description:
      'Activate a must-send campaign even though its letters would print without a signature image',
  })
  @IsOptional()
  @IsBoolean()
  confirmUnsigned?: boolean;
}

export class CampaignDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: CampaignKind }) kind!: CampaignKind;
  @ApiProperty({ enum: CampaignStatus }) status!: CampaignStatus;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) segmentId!: string | null;
  @ApiProperty() topicKey!: string;
  @ApiProperty({ enum: Channel, isArray: true }) channels!: Channel[];
  @ApiProperty({ type: [ChannelRuleDto] }) channelRules!: ChannelRule[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) templates!: CampaignTemplates;
  @ApiProperty({ enum: Priority }) priority!: Priority;
  @ApiProperty(SCHEDULE_PROPERTY) schedule!: ScheduleSpec;
  @ApiProperty({ description: 'The schedule in words' }) scheduleText!: string;
  @ApiProperty({ description: 'The RFC 5545 recurrence the schedule compiles to' }) rrule!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty() deadlineHours!: number;
  @ApiProperty() graceHours!: number;
  @ApiProperty() requiresEdition!: boolean;
  @ApiProperty({ description: 'Links through short links that count clicks' }) clickTracking!: boolean;
  @ApiProperty({ description: 'Share of the eligible audience held out (0: none)' }) holdoutShare!: number;
  @ApiProperty({ description: 'Emails carry an open pixel' }) openTracking!: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) signerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) fromAddress!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Set on the programs touchbase proposes' })
  playbookKey!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdBy!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When it last became active; earlier occurrences never run',
  })
  activatedAt!: string | null;
  @ApiProperty({ type: [OccurrenceDto], description: 'The next three occurrences (none when archived)' })
  nextOccurrences!: OccurrenceDto[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'On activation: what to look at, in Russian and English (letters without a signature image)',
  })
  warnings?: string[];

  static from(c: Campaign, now = new Date(), calendar = DEFAULT_BUSINESS_CALENDAR): CampaignDto {
    // A stored schedule is valid; should one not be, the campaign still lists (without occurrences).
    const safely = <T>(fn: () => T, fallback: T): T => {
      try {
        return fn();
      } catch {
        return fallback;
      }
    };
    const upcoming =
      c.status === CampaignStatus.Archived
        ? []
        : safely(() => nextOccurrences(c.schedule, c.timeZone, now, 3, calendar), []);
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      kind: c.kind,
      status: c.status,
      segmentId: c.segmentId,
      topicKey: c.topicKey,
      channels: c.channels,
      channelRules: c.channelRules,
      templates: c.templates,
      priority: c.priority,
      schedule: c.schedule,
      scheduleText: safely(() => describeSchedule(c.schedule, c.timeZone), 'invalid schedule'),
      rrule: safely(() => scheduleRRule(c.schedule, c.timeZone), ''),
      timeZone: c.timeZone,
      deadlineHours: c.deadlineHours,
      graceHours: c.graceHours,
      requiresEdition: c.requiresEdition,
      clickTracking: c.clickTracking,
      holdoutShare: c.holdoutShare,
      openTracking: c.openTracking,
      signerId: c.signerId,
      fromAddress: c.fromAddress,
      playbookKey: c.playbookKey,
      createdBy: c.createdBy,
      activatedAt: c.activatedAt?.toISOString() ?? null,
      nextOccurrences: upcoming.map((at) => ({
        at: at.toISOString(),
        local: localTime(at, c.timeZone),
        periodKey: periodKey(c.schedule, at, c.timeZone),
      })),
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }
}

export class CampaignListDto {
  @ApiProperty({ type: [CampaignDto] }) items!: CampaignDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null at the end',
  })
  nextCursor!: string | null;
}
