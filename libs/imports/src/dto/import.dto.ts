import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsObject, IsOptional } from 'class-validator';
import { ImportKind, ImportStatus } from '../entities/import.entity';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off', '']);

// Multipart fields arrive as strings.
const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  return TRUE.has(v) ? true : FALSE.has(v) ? false : value;
};

const toMapping = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  try {
    const parsed = JSON.parse(value) as unknown;
    const ok =
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      Object.values(parsed).every((v) => v === null || typeof v === 'string');
    return ok ? parsed : value;
  } catch {
    return value;
  }
};

export class CreateImportDto {
  @ApiProperty({ enum: ImportKind, description: 'What the file holds' })
  @IsEnum(ImportKind, {
    message: `kind must be one of ${Object.values(ImportKind).join(', ')} / тип импорта: ${Object.values(ImportKind).join(', ')}`,
  })
  kind!: ImportKind;

  @ApiPropertyOptional({
    description: 'Validate and report (with would-create/would-update counts); write nothing',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;

  @ApiPropertyOptional({
    type: 'string',
    description:
      'JSON object file column → field, over the automatic Russian/English header mapping; "" or null skips a column. ' +
      'Fields — clients: externalRef, name, kind, email, phone, addressLine1, addressLine2, city, region, postalCode, ' +
      'country, recipient, owner, tags, locale, timeZone, vip; purchases: externalId, clientRef, clientEmail, date, ' +
      'amount, currency, product, productCategory; preferences: clientRef, clientEmail, clientPhone, optedOut, ' +
      'channel.email, channel.sms, channel.call, channel.letter, preferredChannel, frequency, topics, topic.<key>, ' +
      'locale, timeZone.',
    example: '{"Код 1С":"externalRef","Комментарий":null}',
  })
  @IsOptional()
  @Transform(toMapping)
  @IsObject({ message: 'mapping must be a JSON object of file column → field name (or null to skip)' })
  mapping?: Record<string, string | null>;

  @ApiPropertyOptional({
    description:
      'Answer 202 as soon as the file is open and mapped, with the import processing; follow it with ' +
      'GET /imports/{id} (bytesRead of totalBytes, the counts so far) until it is completed or failed',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'background must be true or false' })
  background?: boolean;
}

export class InspectImportDto {
  @ApiProperty({ enum: ImportKind, description: 'What the file holds' })
  @IsEnum(ImportKind, {
    message: `kind must be one of ${Object.values(ImportKind).join(', ')} / тип импорта: ${Object.values(ImportKind).join(', ')}`,
  })
  kind!: ImportKind;

  @ApiPropertyOptional({ type: 'string', description: 'As for POST /imports: the mapping to try' })
  @IsOptional()
  @Transform(toMapping)
  @IsObject({ message: 'mapping must be a JSON object of file column → field name (or null to skip)' })
  mapping?: Record<string, string | null>;
}

export class ImportInspectionColumnDto {
  @ApiProperty({ description: 'Position in the file, from 0' }) index!: number;
  @ApiProperty({ description: 'The header text' }) header!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The field it feeds; null: ignored' })
  field!: string | null;
  @ApiProperty({ type: [String], description: 'Its values in the first rows' }) samples!: string[];
}

export class ImportInspectionDto {
  @ApiProperty({ enum: ImportKind }) kind!: ImportKind;
  @ApiProperty() fileName!: string;
  @ApiProperty({ enum: ['csv', 'xlsx'] }) format!: 'csv' | 'xlsx';
  @ApiProperty({ nullable: true, type: String, example: 'windows-1251' }) encoding!: string | null;
  @ApiProperty({ nullable: true, type: String, example: ';' }) delimiter!: string | null;
  @ApiProperty() totalBytes!: number;
  @ApiProperty({ type: [ImportInspectionColumnDto] }) columns!: ImportInspectionColumnDto[];
  @ApiProperty({ type: [String], description: 'Every field an import of this kind fills' }) fields!: string[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why the file cannot be imported as mapped (a required column is missing), else null',
  })
  problem!: string | null;
}

export class ImportRowErrorDto {
  @ApiProperty({ description: 'The row as the user sees it: the header is row 1' }) row!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "The file's header text; null for the whole row",
  })
  column!: string | null;
  @ApiProperty({ description: 'Russian / English' }) message!: string;
}

export class ImportSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ImportKind }) kind!: ImportKind;
  @ApiProperty({ enum: ImportStatus }) status!: ImportStatus;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty() fileName!: string;
  @ApiProperty({ enum: ['csv', 'xlsx'] }) format!: 'csv' | 'xlsx';
  @ApiProperty({ nullable: true, type: String, example: 'windows-1251' }) encoding!: string | null;
  @ApiProperty({ nullable: true, type: String, example: ';' }) delimiter!: string | null;
  @ApiProperty({ description: 'Data rows read (blank rows are skipped)' }) total!: number;
  @ApiProperty({ description: 'New records (a dry run: would be created)' }) created!: number;
  @ApiProperty({ description: 'Changed records (a dry run: would be updated)' }) updated!: number;
  @ApiProperty({ description: 'Rows that match a record and change nothing' }) unchanged!: number;
  @ApiProperty({ description: 'Rows not imported; see errors' }) failed!: number;
  @ApiProperty({ description: 'How far into the file it has read (its progress while processing)' })
  bytesRead!: number;
  @ApiProperty({ description: 'The size of the file' }) totalBytes!: number;
  @ApiProperty({ type: [String], description: 'Columns no field was found for' }) ignoredColumns!: string[];
  @ApiProperty({ nullable: true, type: String, description: 'Why the whole import failed, if it did' })
  message!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) createdBy!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
}

export class ImportReportDto extends ImportSummaryDto {
  @ApiProperty({
    type: [ImportRowErrorDto],
    description: 'The first 1,000 errors by row; all of them in errors.csv',
  })
  errors!: ImportRowErrorDto[];
}

export class ImportListDto {
  @ApiProperty({ type: [ImportSummaryDto] }) items!: ImportSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
