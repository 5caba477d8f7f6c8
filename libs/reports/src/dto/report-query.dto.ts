import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { DEFAULT_ATTRIBUTION_WINDOW_DAYS, MAX_ATTRIBUTION_WINDOW_DAYS } from '../attribution.sql';
import { PERIOD_MESSAGE, PERIOD_PATTERN } from '../report-period';

export enum ReportFormat {
  Json = 'json',
  Csv = 'csv',
}

const CATEGORIES = ['VIP', 'A', 'B', 'C'];
const OWNER_PATTERN = /^(unassigned|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
export const MAX_LIST_LIMIT = 100_000;

/** The filters and output options every report takes. */
export class ReportFilterQueryDto {
  @ApiPropertyOptional({ enum: CATEGORIES, description: 'Only clients of this category' })
  @IsOptional()
  @IsIn(CATEGORIES, { message: `category must be one of ${CATEGORIES.join(', ')}` })
  category?: string;

  @ApiPropertyOptional({ description: 'Only the clients of this owner (a staff member id), or `unassigned`' })
  @IsOptional()
  @Matches(OWNER_PATTERN, { message: 'owner must be a staff member id or unassigned' })
  owner?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only the clients in this saved segment (its rules now)',
  })
  @IsOptional()
  @IsUUID('all', { message: 'segment must be a segment id' })
  segment?: string;

  @ApiPropertyOptional({
    enum: ReportFormat,
    description: 'csv: one table as CSV (also chosen by `Accept: text/csv`). Default json.',
  })
  @IsOptional()
  @IsIn(Object.values(ReportFormat), { message: 'format must be json or csv' })
  format?: ReportFormat;

  @ApiPropertyOptional({ description: "CSV only: which of the report's tables (default: the first)" })
  @IsOptional()
  @Matches(/^[a-zA-Z]{1,40}$/, { message: 'table must be the name of one of the report tables' })
  table?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_LIST_LIMIT,
    default: 1000,
    description: 'Rows of the list tables (missed clients, most capped, backlog …)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(MAX_LIST_LIMIT)
  limit?: number;
}

export class PeriodReportQueryDto extends ReportFilterQueryDto {
  @ApiPropertyOptional({
    description:
      'A month (2026-11), a quarter (2026-Q4) or a year (2026), in the workspace time zone. Default: this month.',
    example: '2026-Q4',
  })
  @IsOptional()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period?: string;
}

export class VipCoolingQueryDto extends ReportFilterQueryDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 730,
    description: 'Days without a touch or a purchase (default VIP_COOLING_DAYS)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'days must be a whole number' })
  @Min(1)
  @Max(730)
  days?: number;
}

export class HoldoutQueryDto extends ReportFilterQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: "The campaign whose holdout is compared; absent: the workspace's control group",
  })
  @IsOptional()
  @IsUUID('all', { message: 'campaignId must be a campaign id (a UUID)' })
  campaignId?: string;

  @ApiPropertyOptional({
    description:
      "Only the runs with an occurrence in this month (2026-11), quarter (2026-Q4) or year (2026). Default: all the campaign's runs; for the control group this month.",
    example: '2026-Q4',
  })
  @IsOptional()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 365,
    default: 30,
    description: 'Purchases count from the occurrence of a run to this many days after it',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'days must be a whole number from 1 to 365' })
  @Min(1, { message: 'days must be a whole number from 1 to 365' })
  @Max(365, { message: 'days must be a whole number from 1 to 365' })
  days?: number;
}

export class WinBackQueryDto extends PeriodReportQueryDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 730,
    default: 90,
    description: 'A purchase within this many days after the first win-back touch counts as coming back',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'windowDays must be a whole number' })
  @Min(1)
  @Max(730)
  windowDays?: number;
}

/** The groupings of the attribution report, each one of its tables. */
export enum AttributionGrouping {
  Campaign = 'campaign',
  Channel = 'channel',
}

export const ATTRIBUTION_TABLE_OF: Record<AttributionGrouping, string> = {
  [AttributionGrouping.Campaign]: 'byCampaign',
  [AttributionGrouping.Channel]: 'byChannel',
};

export class AttributionQueryDto extends PeriodReportQueryDto {
  @ApiPropertyOptional({
    enum: AttributionGrouping,
    description: 'CSV: the grouping to give, the same as `table=byCampaign` or `table=byChannel`',
  })
  @IsOptional()
  @IsIn(Object.values(AttributionGrouping), { message: 'by must be campaign or channel' })
  by?: AttributionGrouping;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_ATTRIBUTION_WINDOW_DAYS,
    default: DEFAULT_ATTRIBUTION_WINDOW_DAYS,
    description:
      "Days a touch is credited with the client's purchases: a purchase at t goes to the last touch with " +
      't − windowDays < sent_at ≤ t. Default: the workspace’s attribution window (engagement settings; 30 days ' +
      'unless set)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'windowDays must be a whole number' })
  @Min(1, { message: 'windowDays must be at least 1' })
  @Max(MAX_ATTRIBUTION_WINDOW_DAYS, { message: `windowDays must be at most ${MAX_ATTRIBUTION_WINDOW_DAYS}` })
  windowDays?: number;
}

export class ClientAttributionQueryDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_ATTRIBUTION_WINDOW_DAYS,
    default: DEFAULT_ATTRIBUTION_WINDOW_DAYS,
    description: 'The attribution window',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'windowDays must be a whole number' })
  @Min(1, { message: 'windowDays must be at least 1' })
  @Max(MAX_ATTRIBUTION_WINDOW_DAYS, { message: `windowDays must be at most ${MAX_ATTRIBUTION_WINDOW_DAYS}` })
  windowDays?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_LIST_LIMIT,
    default: 1000,
    description: 'Purchases listed',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(MAX_LIST_LIMIT)
  limit?: number;
}
