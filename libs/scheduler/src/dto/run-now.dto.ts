import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Run, RunStatus } from '@touchbase/runs';

export class RunNowDto {
  @ApiPropertyOptional({
    example: '2026-11',
    description:
      'The edition to send. Default, when the campaign requires an edition: the current period of its schedule',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(/^[0-9A-Za-z:-]+$/, { message: 'periodKey must look like 2026-11, 2026-Q4 or 2026-11-05T10:00' })
  periodKey?: string;

  @ApiPropertyOptional({
    description: 'Run a must-send campaign even though its letters would print without a signature image',
  })
  @IsOptional()
  @IsBoolean()
  confirmUnsigned?: boolean;
}

export class RunNowResultDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty({ example: 'manual-2026-11-05T07:00:00.000Z' }) periodKey!: string;
  @ApiProperty() occurrenceAt!: string;
  @ApiProperty({
    enum: RunStatus,
    description: 'dispatching or completed when planned; failed with a message otherwise',
  })
  status!: RunStatus;
  @ApiProperty({ enum: ['manual'] }) trigger!: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-11', description: 'The edition the run sends' })
  editionPeriodKey!: string | null;
  @ApiProperty({ nullable: true, type: Number }) audience!: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Counts: byStatus, byChannel (channel → status → n), byReason, displaced',
  })
  stats!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) message!: string | null;
  @ApiProperty({ nullable: true, type: String }) plannedAt!: string | null;
  @ApiProperty() createdAt!: string;

  static from(r: Run, editionPeriodKey: string | null): RunNowResultDto {
    return {
      id: r.id,
      campaignId: r.campaignId,
      periodKey: r.periodKey,
      occurrenceAt: r.occurrenceAt.toISOString(),
      status: r.status,
      trigger: r.trigger,
      editionPeriodKey,
      audience: r.audience,
      stats: r.stats as Record<string, unknown>,
      message: r.message,
      plannedAt: r.plannedAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
    };
  }
}
