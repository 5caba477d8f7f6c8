import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsOmittable } from '@touchbase/http';
import { Signer } from '../entities/signer.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimToNull = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? null : value.trim()) : value;
const emptyToNull = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? null : value.trim().toLowerCase()) : value;

/**
 * An English variant of a Russian field, for English-speaking clients (optional, trimmed, empty →
 * null: they then see the Russian one).
 */
function EnglishVariantProperty(russianField: 'name' | 'title', example: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      example,
      nullable: true,
      maxLength: 200,
      description: `What English-speaking clients see; null or empty: they see \`${russianField}\``,
    }),
    IsOptional(),
    Transform(trimToNull),
    IsString(),
    MaxLength(200),
  );
}

export class UpdateSignerDto {
  @ApiPropertyOptional({ example: 'Иван Петров' })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @EnglishVariantProperty('name', 'Ivan Petrov')
  nameEn?: string | null;

  @ApiPropertyOptional({ example: 'Генеральный директор' })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title?: string;

  @EnglishVariantProperty('title', 'Chief Executive Officer')
  titleEn?: string | null;

  @ApiPropertyOptional({
    example: 'ceo@example.com',
    nullable: true,
    description: 'Replies to CEO mail go here',
  })
  @IsOptional()
  @Transform(emptyToNull)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email?: string | null;
}

export class CreateSignerDto {
  @ApiProperty({ example: 'Иван Петров' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @EnglishVariantProperty('name', 'Ivan Petrov')
  nameEn?: string | null;

  @ApiProperty({ example: 'Генеральный директор' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  @EnglishVariantProperty('title', 'Chief Executive Officer')
  titleEn?: string | null;

  @ApiPropertyOptional({
    example: 'ceo@example.com',
    nullable: true,
    description: 'Replies to CEO mail go here',
  })
  @IsOptional()
  @Transform(emptyToNull)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email?: string | null;
}

export class SignerDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'In Russian; what clients see unless they read English and nameEn is set' })
  name!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Ivan Petrov' }) nameEn!: string | null;
  @ApiProperty({ description: 'In Russian; what clients see unless they read English and titleEn is set' })
  title!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Chief Executive Officer' }) titleEn!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty() hasSignature!: boolean;
  @ApiProperty({ nullable: true, enum: ['image/png', 'image/jpeg'] }) signatureMime!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '/api/v1/signers/…/signature' }) signatureUrl!:
    string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(s: Signer): SignerDto {
    return {
      id: s.id,
      name: s.name,
      nameEn: s.nameEn,
      title: s.title,
      titleEn: s.titleEn,
      email: s.email,
      hasSignature: s.signatureMime !== null,
      signatureMime: s.signatureMime,
      signatureUrl: s.signatureMime ? `/api/v1/signers/${s.id}/signature` : null,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    };
  }
}

export class SignerListDto {
  @ApiProperty({ type: [SignerDto] }) items!: SignerDto[];
}
