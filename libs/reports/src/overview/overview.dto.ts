import { ApiProperty } from '@nestjs/swagger';
import { CampaignKind, CampaignStatus } from '@touchbase/campaigns';
import { Channel } from '@touchbase/core';
import { RunStatus } from '@touchbase/runs';

export class RunInFlightDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty() campaignName!: string;
  @ApiProperty({ enum: Channel, nullable: true, description: "The campaign's first (preferred) channel" })
  channel!: Channel | null;
  @ApiProperty({ enum: Channel, isArray: true }) channels!: Channel[];
  @ApiProperty({ enum: [RunStatus.Planning, RunStatus.Dispatching] }) status!: RunStatus;
  @ApiProperty({ description: 'Deliveries of the run, suppressed ones included' }) total!: number;
  @ApiProperty({ description: 'Deliveries no longer queued or sending' }) done!: number;
  @ApiProperty({ description: 'Sent or delivered' }) sent!: number;
  @ApiProperty() suppressed!: number;
  @ApiProperty({ description: 'Failed or bounced' }) failed!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When planning ended' })
  startedAt!: string | null;
}

export class SentTodayDto {
  @ApiProperty() email!: number;
  @ApiProperty() sms!: number;
  @ApiProperty() call!: number;
  @ApiProperty() letter!: number;
}

export class UpcomingOccurrenceDto {
  @ApiProperty({ example: '2026-12-08', description: 'The day in the campaign’s time zone' }) date!: string;
  @ApiProperty({ format: 'date-time' }) occurrenceAt!: string;
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty() campaignName!: string;
  @ApiProperty({ enum: Channel, nullable: true }) channel!: Channel | null;
  @ApiProperty({ enum: CampaignKind }) kind!: CampaignKind;
  @ApiProperty({ enum: [CampaignStatus.Active, CampaignStatus.Paused] }) campaignStatus!: CampaignStatus;
}

export class SuppressionCountDto {
  @ApiProperty({ example: 'frequency-cap' }) reason!: string;
  @ApiProperty() count!: number;
}

export class CeoLetterCoverageDto {
  @ApiProperty({ example: '2026-Q4' }) quarter!: string;
  @ApiProperty({ description: 'Clients in scope (the coverage report’s base)' }) eligible!: number;
  @ApiProperty() reached!: number;
  @ApiProperty({ example: 42.5, description: 'reached / eligible × 100, two decimals' }) percent!: number;
}

export class CountDto {
  @ApiProperty() count!: number;
}

export class CallsDueDto {
  @ApiProperty({ description: 'Open call tasks due today (workspace zone)' }) count!: number;
  @ApiProperty({ description: 'Open call tasks past due' }) overdue!: number;
}

export class OverviewDto {
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ type: [RunInFlightDto] }) runsInFlight!: RunInFlightDto[];
  @ApiProperty({ type: SentTodayDto, description: 'Sent or delivered since local midnight (workspace zone)' })
  sentToday!: SentTodayDto;
  @ApiProperty({
    type: [UpcomingOccurrenceDto],
    description: 'Occurrences of the next 7 days (the calendar)',
  })
  upcoming!: UpcomingOccurrenceDto[];
  @ApiProperty({
    type: [SuppressionCountDto],
    description: 'Suppressed deliveries of the last 30 days by reason',
  })
  suppressions30d!: SuppressionCountDto[];
  @ApiProperty({ type: CeoLetterCoverageDto }) ceoLetterCoverage!: CeoLetterCoverageDto;
  @ApiProperty({ type: CountDto, description: 'The VIP cooling report’s clients' }) vipsCooling!: CountDto;
  @ApiProperty({ type: CallsDueDto, description: 'Among the call tasks the member sees by default' })
  callsDueToday!: CallsDueDto;
}
