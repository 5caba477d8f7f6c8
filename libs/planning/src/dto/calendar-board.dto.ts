import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CampaignKind, CampaignStatus, Priority } from '@touchbase/campaigns';
import { Channel } from '@touchbase/core';

export enum BoardStatus {
  Upcoming = 'upcoming',
  Held = 'held',
  Missed = 'missed',
  Running = 'running',
  Done = 'done',
  Cancelled = 'cancelled',
  Failed = 'failed',
}

export class CalendarBoardQueryDto {
  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'ISO date (start of that day in the workspace zone) or date-time; default: today',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @ApiPropertyOptional({
    example: '2026-12-31',
    description:
      'ISO date (through the end of that day) or date-time; default: from + 31 days; at most 400 days',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'true',
    description: 'false: skip the collision simulation (collisions are then null unless cached)',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'collisions must be true or false' })
  collisions?: 'true' | 'false';
}

export class BoardOccurrenceDto {
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty() campaignName!: string;
  @ApiProperty({ enum: CampaignKind }) campaignKind!: CampaignKind;
  @ApiProperty({ enum: [CampaignStatus.Active, CampaignStatus.Paused] }) campaignStatus!: CampaignStatus;
  @ApiProperty({ example: '2026-11' }) periodKey!: string;
  @ApiProperty({ description: 'UTC' }) occurrenceAt!: string;
  @ApiProperty({ description: 'Wall time in the campaign zone', example: '2026-11-01T10:00' })
  localTime!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({
    enum: BoardStatus,
    description:
      'upcoming: not started yet (or due within its grace hours); held: waiting for its edition; ' +
      'missed: not sent (past its grace hours, or missed by the scheduler); running: planned, planning or ' +
      'dispatching; done: completed; cancelled; failed',
  })
  status!: BoardStatus;
  @ApiProperty({ enum: Priority }) priority!: Priority;
  @ApiProperty({ enum: Channel, isArray: true, description: 'In order of preference' }) channels!: Channel[];
  @ApiProperty({ enum: ['ready', 'missing', 'not-required'] }) editionStatus!: string;
  @ApiProperty({ description: 'Upcoming, and its edition is required but missing: it would be held' })
  willBeHeld!: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) runId!: string | null;
  @ApiProperty({ nullable: true, type: String }) runStatus!: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'Upcoming occurrences of active campaigns: the clients the simulation shows hitting a cap (frequency-cap ' +
      'suppressions); null otherwise or when not simulated',
  })
  collisions!: number | null;
}

export class CalendarBoardDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ description: 'The frequency policy the collisions were simulated under (a hash of it)' })
  policyVersion!: string;
  @ApiPropertyOptional({ description: 'Why collisions are missing, when the simulation could not run' })
  collisionsMessage?: string;
  @ApiProperty({ type: [BoardOccurrenceDto], description: 'By occurrence time, then campaign name' })
  items!: BoardOccurrenceDto[];
}
