import { ApiProperty } from '@nestjs/swagger';
import { Channel } from '@touchbase/core';

class ReportPeriodDto {
  @ApiProperty({ example: '2026-Q4' }) key!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time', description: 'Exclusive' }) to!: string;
}

class ReportFiltersDto {
  @ApiProperty({ nullable: true, type: String }) category!: string | null;
  @ApiProperty({ nullable: true, type: String }) owner!: string | null;
  @ApiProperty({ nullable: true, type: String }) segment!: string | null;
}

/** Every report: a summary and named tables of flat rows (the same rows `?format=csv` gives). */
export class ReportDto {
  @ApiProperty({ example: 'coverage' }) report!: string;
  @ApiProperty({ type: ReportPeriodDto, nullable: true }) period!: ReportPeriodDto | null;
  @ApiProperty({ type: ReportFiltersDto }) filters!: ReportFiltersDto;
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Headline figures of the report',
  })
  summary!: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'object' } },
    description: 'The tables, each an array of flat rows; the operation describes their columns',
  })
  tables!: Record<string, Record<string, unknown>[]>;
}

export class VipCoolingPassDto {
  @ApiProperty() days!: number;
  @ApiProperty({ description: 'Episodes that ended: the client was touched or bought again' }) ended!: number;
  @ApiProperty({
    description:
      'New cooling episodes, each with one owner call planned (the call task appears when it is due)',
  })
  started!: number;
  @ApiProperty({
    description:
      'Cooling clients whose call could not be planned today (caps, calling hours): tried again later',
  })
  suppressed!: number;
  @ApiProperty({ type: [String], description: 'The planned call deliveries' }) deliveryIds!: string[];
}

export class AttributedTouchDto {
  @ApiProperty({ description: 'The delivery (touch) credited with the purchase' }) deliveryId!: string;
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty({ nullable: true, type: String }) campaignName!: string | null;
  @ApiProperty({ enum: Channel, enumName: 'Channel' }) channel!: Channel;
  @ApiProperty({ format: 'date-time', description: 'When the touch went out' }) sentAt!: string;
}

export class ClientPurchaseAttributionDto {
  @ApiProperty({ format: 'uuid' }) purchaseId!: string;
  @ApiProperty({ format: 'date-time' }) purchasedAt!: string;
  @ApiProperty() amount!: number;
  @ApiProperty({ example: 'RUB' }) currency!: string;
  @ApiProperty({ nullable: true, type: String }) product!: string | null;
  @ApiProperty({
    type: AttributedTouchDto,
    nullable: true,
    description: 'The last touch within the window before the purchase; null: unattributed',
  })
  attributedTo!: AttributedTouchDto | null;
}

export class ClientAttributionDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() windowDays!: number;
  @ApiProperty({ type: [ClientPurchaseAttributionDto], description: 'Newest first' })
  items!: ClientPurchaseAttributionDto[];
}
