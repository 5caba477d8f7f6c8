import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '@touchbase/http';
import { LetterBatchStatus } from '../entities/letter-batch.entity';
import { downloadFileName } from '../letter-file-name';

export class ListLetterBatchesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: LetterBatchStatus })
  @IsOptional()
  @IsEnum(LetterBatchStatus)
  status?: LetterBatchStatus;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() runId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() campaignId?: string;
}

export class MarkReturnedDto {
  @ApiPropertyOptional({ description: 'What the post office wrote on the envelope', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class LetterBatchDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty({ nullable: true, type: String }) campaignName!: string | null;
  @ApiProperty({ example: '2026-Q4' }) periodKey!: string;
  @ApiProperty({ enum: LetterBatchStatus }) status!: LetterBatchStatus;
  @ApiProperty({ description: 'Letters in the batch (so far, while building)' }) letters!: number;
  @ApiProperty({ description: 'Pages of the PDF (0 until ready)' }) pages!: number;
  @ApiProperty({ description: 'Letters that print without a signature image (their signer has none)' })
  unsignedLetters!: number;
  @ApiProperty({
    type: [String],
    description: 'What to look at before printing, in Russian and English (e.g. letters without a signature)',
  })
  warnings!: string[];
  @ApiProperty({ nullable: true, type: Number, description: 'Size of the PDF in bytes' })
  fileBytes!: number | null;
  @ApiProperty({ description: 'The name the PDF downloads under', example: 'letters-ceo-letter-2026-Q4.pdf' })
  fileName!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why the last build failed, while it is retried',
  })
  message!: string | null;
  @ApiProperty({ nullable: true, type: String }) mailedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) mailedBy!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class LetterBatchListDto {
  @ApiProperty({ type: [LetterBatchDto] }) items!: LetterBatchDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class BatchLetterReturnDto {
  @ApiProperty() at!: string;
  @ApiProperty({ format: 'uuid' }) by!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
}

export class BatchLetterDto {
  @ApiProperty({ description: 'The delivery id, printed on the letter (Ref. / Исх. №)' }) deliveryId!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() clientName!: string;
  @ApiProperty({ description: 'The delivery status (sending until the batch is mailed, then sent)' })
  status!: string;
  @ApiProperty({ nullable: true, type: String }) sentAt!: string | null;
  @ApiProperty({ nullable: true, type: BatchLetterReturnDto, description: 'When the letter came back' })
  returned!: BatchLetterReturnDto | null;
  @ApiProperty({
    type: [String],
    description: "The client's contact flags now (address-returned among them)",
  })
  contactFlags!: string[];
}

export class BatchLetterListDto {
  @ApiProperty({ type: [BatchLetterDto] }) items!: BatchLetterDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** A letter row as BATCH_LETTERS_SQL returns it. */
export interface BatchLetterRow {
  id: string;
  client_id: string;
  client_name: string;
  status: string;
  sent_at: Date | null;
  returned: { at: string; by: string; note: string | null } | null;
  contact_flags: string[];
}

export function toBatchLetterDto(r: BatchLetterRow): BatchLetterDto {
  return {
    deliveryId: r.id,
    clientId: r.client_id,
    clientName: r.client_name,
    status: r.status,
    sentAt: r.sent_at?.toISOString() ?? null,
    returned: r.returned ? { at: r.returned.at, by: r.returned.by, note: r.returned.note ?? null } : null,
    contactFlags: r.contact_flags,
  };
}

export class ReturnedLetterDto {
  @ApiProperty() deliveryId!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() clientName!: string;
  @ApiProperty() returnedAt!: string;
  @ApiProperty({ format: 'uuid' }) returnedBy!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({
    type: [String],
    description: "The client's contact flags now (address-returned among them)",
  })
  contactFlags!: string[];
}

/** A batch row as BATCH_SELECT returns it. */
export interface LetterBatchRow {
  id: string;
  run_id: string;
  status: LetterBatchStatus;
  letters: number;
  unsigned: number;
  pages: number;
  file_path: string | null;
  file_bytes: string | null;
  message: string | null;
  mailed_at: Date | null;
  mailed_by: string | null;
  created_at: Date;
  updated_at: Date;
  /** created_at to the microsecond, for the cursor. */
  created_key: string;
  period_key: string;
  campaign_id: string;
  campaign_name: string | null;
  seq: number;
}

export function batchDownloadName(r: LetterBatchRow): string {
  return downloadFileName(r.campaign_name ?? 'letters', r.period_key, r.seq);
}

export function toLetterBatchDto(r: LetterBatchRow): LetterBatchDto {
  return {
    id: r.id,
    runId: r.run_id,
    campaignId: r.campaign_id,
    campaignName: r.campaign_name,
    periodKey: r.period_key,
    status: r.status,
    letters: r.letters,
    pages: r.pages,
    unsignedLetters: r.unsigned,
    warnings:
      r.unsigned > 0
        ? [
            `${r.unsigned} из ${r.letters} писем напечатаны без подписи: у подписанта нет изображения подписи / ` +
              `${r.unsigned} of ${r.letters} letters print without a signature: the signer has no signature image`,
          ]
        : [],
    fileBytes: r.file_bytes === null ? null : Number(r.file_bytes),
    fileName: batchDownloadName(r),
    message: r.message,
    mailedAt: r.mailed_at?.toISOString() ?? null,
    mailedBy: r.mailed_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
