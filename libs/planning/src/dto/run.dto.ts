import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { Channel } from '@touchbase/core';
import { PageQueryDto } from '@touchbase/http';
import { Delivery, DeliveryReason, DeliveryStatus, Run, RunStatus } from '@touchbase/runs';

export class RunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty({ required: false }) campaignName?: string;
  @ApiProperty({ example: '2026-11' }) periodKey!: string;
  @ApiProperty() occurrenceAt!: string;
  @ApiProperty({ enum: RunStatus }) status!: RunStatus;
  @ApiProperty({ enum: ['schedule', 'manual'] }) trigger!: string;
  @ApiProperty({ nullable: true, type: Number }) audience!: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Counts: byStatus, byChannel (channel → status → n), byReason, displaced',
  })
  stats!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) message!: string | null;
  @ApiProperty({ nullable: true, type: String }) plannedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) completedAt!: string | null;
  @ApiProperty() createdAt!: string;

  static from(r: Run, campaignName?: string): RunDto {
    return {
      id: r.id,
      campaignId: r.campaignId,
      ...(campaignName !== undefined && { campaignName }),
      periodKey: r.periodKey,
      occurrenceAt: r.occurrenceAt.toISOString(),
      status: r.status,
      trigger: r.trigger,
      audience: r.audience,
      stats: r.stats as Record<string, unknown>,
      message: r.message,
      plannedAt: r.plannedAt?.toISOString() ?? null,
      completedAt: r.completedAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
    };
  }
}

export class RunListDto {
  @ApiProperty({ type: [RunDto] }) items!: RunDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class ListRunsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() campaignId?: string;
  @ApiPropertyOptional({ enum: RunStatus }) @IsOptional() @IsEnum(RunStatus) status?: RunStatus;
}

export class ListDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DeliveryStatus })
  @IsOptional()
  @IsEnum(DeliveryStatus)
  status?: DeliveryStatus;
  @ApiPropertyOptional({ enum: DeliveryReason, example: DeliveryReason.FrequencyCap })
  @IsOptional()
  @IsEnum(DeliveryReason)
  reason?: DeliveryReason;
  @ApiPropertyOptional({ enum: Channel }) @IsOptional() @IsEnum(Channel) channel?: Channel;
  @ApiPropertyOptional({ description: "Part of the client's name, any case", maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class DeliveryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ required: false }) clientName?: string;
  @ApiProperty({ enum: Channel, nullable: true }) channel!: Channel | null;
  @ApiProperty({ enum: DeliveryStatus }) status!: DeliveryStatus;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() scheduledAt!: string;
  @ApiProperty({ nullable: true, type: String }) deadlineAt!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) providerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: String }) sentAt!: string | null;

  static from(d: Delivery, clientName?: string): DeliveryDto {
    return {
      id: d.id,
      runId: d.runId,
      clientId: d.clientId,
      ...(clientName !== undefined && { clientName }),
      channel: d.channel,
      status: d.status,
      reason: d.reason,
      scheduledAt: d.scheduledAt.toISOString(),
      deadlineAt: d.deadlineAt?.toISOString() ?? null,
      attempts: d.attempts,
      providerId: d.providerId,
      error: d.error,
      sentAt: d.sentAt?.toISOString() ?? null,
    };
  }
}

export class DeliveryListDto {
  @ApiProperty({ type: [DeliveryDto] }) items!: DeliveryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CapTouchDto {
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty() campaign!: string;
  @ApiProperty({ enum: Channel }) channel!: string;
  @ApiProperty() scheduledAt!: string;
}

export class CapHitDto {
  @ApiProperty({
    enum: ['workspace', 'channel', 'client', 'sunset'],
    description:
      "workspace: over all channels; channel: that channel's cap; client: the client's own frequency; " +
      'sunset: the frequency of the sunset policy, for a client who has not engaged since `engagedSince`',
  })
  scope!: 'workspace' | 'channel' | 'client' | 'sunset';
  @ApiProperty({ enum: Channel, nullable: true, type: String }) channel!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'monthly' }) frequency!: string | null;
  @ApiProperty() maxTouches!: number;
  @ApiProperty() windowDays!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'sunset only: the last engagement (or the creation of a client who never engaged)',
  })
  engagedSince!: string | null;
  @ApiProperty({ type: [CapTouchDto], description: "The client's other touches in the cap's window" })
  touches!: CapTouchDto[];
}

export class ExplanationDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ nullable: true, type: DeliveryDto }) delivery!: DeliveryDto | null;
  @ApiProperty({ description: 'In words: what the client got and why' }) explanation!: string;
  @ApiProperty({ type: [String], description: 'The facts behind it' }) details!: string[];
  @ApiProperty() clientName!: string;
  @ApiProperty() campaignName!: string;
  @ApiProperty() periodKey!: string;
  @ApiProperty({ type: [CapHitDto], description: 'The caps a frequency-cap suppression would exceed' })
  caps!: CapHitDto[];
  @ApiProperty({ nullable: true, type: String, description: 'The campaign that displaced the delivery' })
  displacedBy!: string | null;
}
