import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDateString, IsOptional, IsUUID } from 'class-validator';
import { CapHitDto } from './run.dto';

export class SimulationRequestDto {
  @ApiProperty({ example: '2026-12-01T00:00:00Z' })
  @IsDateString({ strict: true })
  from!: string;

  @ApiProperty({ example: '2027-03-01T00:00:00Z' })
  @IsDateString({ strict: true })
  to!: string;

  @ApiPropertyOptional({ type: [String], description: 'Default: every active campaign' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  campaignIds?: string[];
}

export class CappedClientDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({
    type: [CapHitDto],
    description: 'The caps the delivery would exceed, with the touches in them',
  })
  caps!: CapHitDto[];
}

export class CappedClientsDto {
  @ApiProperty() count!: number;
  @ApiProperty({ type: [CappedClientDto] })
  clients!: CappedClientDto[];
}

export class SimulatedOccurrenceDto {
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty() campaignName!: string;
  @ApiProperty({ example: '2026-12' }) periodKey!: string;
  @ApiProperty() occurrenceAt!: string;
  @ApiProperty({ description: 'The campaign requires an edition and none exists yet: the run would be held' })
  editionMissing!: boolean;
  @ApiProperty() audience!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { email: 812, sms: 40 } })
  deliveries!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { 'frequency-cap': 12 } })
  suppressions!: Record<string, number>;
  @ApiProperty({ type: CappedClientsDto, description: 'Clients who would hit a cap (first 50)' })
  capped!: CappedClientsDto;
}

export class SimulationResultDto {
  @ApiProperty({ type: [SimulatedOccurrenceDto] }) occurrences!: SimulatedOccurrenceDto[];
}
