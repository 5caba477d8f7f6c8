import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CampaignKind, CampaignStatus } from '../campaign.enums';

export const EDITION_STATUSES = ['ready', 'missing', 'not-required'] as const;
export type EditionStatus = (typeof EDITION_STATUSES)[number];

export class CalendarQueryDto {
  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'ISO date (start of that day in the workspace zone) or date-time; default: today',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @ApiPropertyOptional({
    example: '2026-11-30',
    description:
      'ISO date (through the end of that day) or date-time; default: from + 31 days; at most 400 days after from',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this campaign' })
  @IsOptional()
  @IsUUID()
  campaignId?: string;
}

export class CalendarItemDto {
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty() campaignName!: string;
  @ApiProperty({ enum: CampaignKind }) campaignKind!: CampaignKind;
  @ApiProperty({ enum: [CampaignStatus.Active, CampaignStatus.Paused] }) campaignStatus!: CampaignStatus;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null: the whole base' })
  segmentId!: string | null;
  @ApiProperty({ nullable: true, type: String }) segmentName!: string | null;
  @ApiProperty({ example: '2026-11' }) periodKey!: string;
  @ApiProperty({ description: 'UTC', example: '2026-11-01T07:00:00.000Z' }) occurrenceAt!: string;
  @ApiProperty({ description: 'Wall time in the campaign zone', example: '2026-11-01T10:00' })
  localTime!: string;
  @ApiProperty({ example: 'Europe/Moscow' }) timeZone!: string;
  @ApiProperty({
    enum: EDITION_STATUSES,
    description:
      'ready: an edition exists; missing: required but absent (the run would be held); not-required',
  })
  editionStatus!: EditionStatus;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) runId!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'planned' }) runStatus!: string | null;
}

export class CalendarDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: [CalendarItemDto], description: 'By occurrence time, then campaign name' })
  items!: CalendarItemDto[];
}
