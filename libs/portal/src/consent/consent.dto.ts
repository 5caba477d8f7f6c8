import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsEnum,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { Channel, CHANNELS, Locale } from '@touchbase/core';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A consent a company's form collected: confirmed by the person through the email it triggers. */
export class ConsentRequestDto {
  @ApiProperty({ example: 'ivan@example.com', description: 'Where the confirmation email goes' })
  @IsString()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ enum: Channel, isArray: true, example: ['email', 'sms'] })
  @IsArray()
  @ArrayNotEmpty({ message: 'channels must name at least one channel' })
  @ArrayMaxSize(CHANNELS.length)
  @IsEnum(Channel, { each: true, message: `each channel must be one of: ${CHANNELS.join(', ')}` })
  channels!: Channel[];

  @ApiPropertyOptional({ type: [String], example: ['promotions'], description: 'Topics to subscribe to' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  topics?: string[];

  @ApiProperty({ example: 'site-form/2026-11', description: 'The version of the wording the form showed' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'wordingVersion must name the version of the form’s wording' })
  @MaxLength(200)
  wordingVersion!: string;

  @ApiPropertyOptional({ enum: Locale, description: 'The language of the email (default: the client’s)' })
  @IsOptional()
  @IsEnum(Locale)
  locale?: Locale;

  @ApiPropertyOptional({ description: 'The person’s name, for a client created on confirmation' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class ConsentRequestAcceptedDto {
  @ApiProperty({ example: 'A confirmation email is on its way; the consent counts once it is confirmed.' })
  message!: string;
}

/** A consent (or its withdrawal) recorded by staff, e.g. from a signed paper form. */
export class RecordConsentDto {
  @ApiProperty({ enum: Channel, isArray: true })
  @IsArray()
  @ArrayNotEmpty({ message: 'channels must name at least one channel' })
  @ArrayMaxSize(CHANNELS.length)
  @IsEnum(Channel, { each: true, message: `each channel must be one of: ${CHANNELS.join(', ')}` })
  channels!: Channel[];

  @ApiProperty({ description: 'true: consent given; false: withdrawn' })
  @IsBoolean()
  granted!: boolean;

  @ApiPropertyOptional({ description: 'The version of the wording the client agreed to' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  wordingVersion?: string;
}

export class ConsentStateDto {
  @ApiProperty({ nullable: true, type: Boolean }) email!: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean }) sms!: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean }) call!: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean }) letter!: boolean | null;
}

export class ConsentEvidenceQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'pdf'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'pdf'], { message: 'format must be csv or pdf' })
  format?: 'csv' | 'pdf';

  @ApiPropertyOptional({ enum: Locale, description: 'The language of the PDF (default: the workspace’s)' })
  @IsOptional()
  @IsEnum(Locale)
  lang?: Locale;
}

/** One consent-log row of the evidence: a consent or a withdrawal. */
export class ConsentEvidenceRowDto {
  @ApiProperty() id!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ description: 'consent, channel, topic or opt-out' }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) channel!: string | null;
  @ApiProperty({ nullable: true, type: String }) topic!: string | null;
  @ApiProperty({ enum: ['granted', 'withdrawn'] }) action!: 'granted' | 'withdrawn';
  @ApiProperty() source!: string;
  @ApiProperty() actorType!: string;
  @ApiProperty({ nullable: true, type: String }) wordingVersion!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent!: string | null;
}

export class ConsentEvidenceDto {
  @ApiProperty({
    type: ConsentStateDto,
    description: 'Per channel: consent recorded now, withdrawn, or never',
  })
  state!: ConsentStateDto;
  @ApiProperty({ type: [ConsentEvidenceRowDto], description: 'Every consent and withdrawal, oldest first' })
  items!: ConsentEvidenceRowDto[];
}
