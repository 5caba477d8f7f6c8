import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Edition, EditionBlock } from '../entities/edition.entity';

const emptyToNull = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? null : value.trim()) : value;

export const EDITION_BLOCK_TYPES = ['heading', 'paragraph', 'link', 'image'] as const;
export type EditionBlockType = (typeof EDITION_BLOCK_TYPES)[number];

export class EditionBlockDto implements EditionBlock {
  @ApiProperty({ enum: EDITION_BLOCK_TYPES })
  @IsIn(EDITION_BLOCK_TYPES, { message: `type must be one of ${EDITION_BLOCK_TYPES.join(', ')}` })
  type!: EditionBlockType;

  @ApiPropertyOptional({ description: 'Russian text (for an image: its alt text)', example: 'Новый каталог' })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  ru?: string;

  @ApiPropertyOptional({
    description: 'English text (for an image: its alt text)',
    example: 'The new catalogue',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  en?: string;

  @ApiPropertyOptional({
    description: 'Required for link and image: an http(s) URL',
    example: 'https://example.com/catalogue',
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'url must be an http(s) URL' })
  @MaxLength(2000)
  url?: string;
}

export class PutEditionDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Новости ноября' })
  @IsOptional()
  @Transform(emptyToNull)
  @IsString()
  @MaxLength(300)
  subjectRu?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'November news' })
  @IsOptional()
  @Transform(emptyToNull)
  @IsString()
  @MaxLength(300)
  subjectEn?: string | null;

  @ApiProperty({ type: [EditionBlockDto], description: 'The body, in order' })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => EditionBlockDto)
  blocks!: EditionBlockDto[];
}

export class EditionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty({ example: '2026-11' }) periodKey!: string;
  @ApiProperty({ nullable: true, type: String }) subjectRu!: string | null;
  @ApiProperty({ nullable: true, type: String }) subjectEn!: string | null;
  @ApiProperty({ type: [EditionBlockDto] }) blocks!: EditionBlock[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdBy!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(e: Edition): EditionDto {
    return {
      id: e.id,
      campaignId: e.campaignId,
      periodKey: e.periodKey,
      subjectRu: e.subjectRu,
      subjectEn: e.subjectEn,
      blocks: e.blocks,
      createdBy: e.createdBy,
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    };
  }
}

export class EditionListDto {
  @ApiProperty({ type: [EditionDto], description: 'By period key, newest first' }) items!: EditionDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null at the end',
  })
  nextCursor!: string | null;
}
