import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsEnum,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '@touchbase/http';
import { SUPPRESSION_CHANNELS, SuppressionChannel, SuppressionReason } from '../suppression.enums';
import type { SuppressionRow } from '../suppression.service';

export class SuppressionDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: SUPPRESSION_CHANNELS }) channel!: SuppressionChannel;
  @ApiProperty({ description: 'Lower-cased email or E.164 phone number' }) address!: string;
  @ApiProperty({ enum: SuppressionReason, enumName: 'SuppressionReason' }) reason!: SuppressionReason;
  @ApiProperty({ nullable: true, type: String, description: 'A delivery, a webhook, an import, staff' })
  source!: string | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) createdBy!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) removedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) removedReason!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) removedBy!: string | null;

  static of(r: SuppressionRow): SuppressionDto {
    return {
      id: r.id,
      channel: r.channel,
      address: r.address,
      reason: r.reason,
      source: r.source,
      note: r.note,
      createdAt: new Date(r.created_at).toISOString(),
      createdBy: r.created_by,
      removedAt: r.removed_at ? new Date(r.removed_at).toISOString() : null,
      removedReason: r.removed_reason,
      removedBy: r.removed_by,
    };
  }
}

export class SuppressionListDto {
  @ApiProperty({ type: [SuppressionDto] }) items!: SuppressionDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null at the end',
  })
  nextCursor!: string | null;
}

export class ListSuppressionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SUPPRESSION_CHANNELS })
  @IsOptional()
  @IsIn(SUPPRESSION_CHANNELS)
  channel?: SuppressionChannel;

  @ApiPropertyOptional({ enum: SuppressionReason, enumName: 'SuppressionReason' })
  @IsOptional()
  @IsEnum(SuppressionReason)
  reason?: SuppressionReason;

  @ApiPropertyOptional({ description: 'A substring of the address or the note' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ description: 'Also removed entries (the history)', default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeRemoved?: boolean;
}

export class AddSuppressionDto {
  @ApiProperty({ enum: SUPPRESSION_CHANNELS })
  @IsIn(SUPPRESSION_CHANNELS)
  channel!: SuppressionChannel;

  @ApiProperty({ description: 'An email address or a phone number (read in the workspace region)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  address!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class RemoveSuppressionDto {
  @ApiProperty({ description: 'Why the address may be contacted again (required)', maxLength: 1000 })
  @IsString()
  @IsNotEmpty({ message: 'reason: say why the address may be contacted again' })
  @MaxLength(1000)
  reason!: string;
}

export class ImportSuppressionRowDto {
  @ApiPropertyOptional({ enum: SUPPRESSION_CHANNELS })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  channel?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(320) address?: string;
  @ApiPropertyOptional({ enum: SuppressionReason, description: 'Default: imported' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  reason?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) note?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the previous provider suppressed it' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  createdAt?: string;
}

export class ImportSuppressionsDto {
  @ApiPropertyOptional({
    description:
      'CSV text with a header row: channel, address, and optionally reason, note, createdAt (comma or semicolon)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20_000_000)
  csv?: string;

  @ApiPropertyOptional({ type: [ImportSuppressionRowDto], description: 'Or the rows as JSON' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100_000)
  @ValidateNested({ each: true })
  @Type(() => ImportSuppressionRowDto)
  rows?: ImportSuppressionRowDto[];

  @ApiPropertyOptional({ description: 'Where the list comes from (e.g. the file name or the provider)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  source?: string;
}

export class ImportErrorDto {
  @ApiProperty({ description: '1 = the first data row' }) row!: number;
  @ApiProperty() message!: string;
}

export class ImportSuppressionsResultDto {
  @ApiProperty() added!: number;
  @ApiProperty({ description: 'Rows whose address was already suppressed' }) duplicates!: number;
  @ApiProperty({ type: [ImportErrorDto] }) errors!: ImportErrorDto[];
}
