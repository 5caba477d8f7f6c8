import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Channel, Locale } from '@touchbase/core';
import { ChannelsDto, Frequency, QuietHoursDto } from '@touchbase/preferences';
import type { PortalView } from '../portal.service';

export class PortalTopicDto {
  @ApiProperty({ example: 'promotions' }) key!: string;
  @ApiProperty() nameRu!: string;
  @ApiProperty() nameEn!: string;
  @ApiProperty() descriptionRu!: string;
  @ApiProperty() descriptionEn!: string;
  @ApiProperty() subscribed!: boolean;
}

export class PortalPreferencesDto {
  @ApiProperty({ description: 'Unsubscribed from everything (service messages still arrive)' })
  optedOut!: boolean;
  @ApiProperty({ type: ChannelsDto }) channels!: Required<ChannelsDto>;
  @ApiProperty({ enum: Channel, nullable: true }) preferredChannel!: Channel | null;
  @ApiProperty({ enum: Frequency }) frequency!: Frequency;
  @ApiProperty({ type: QuietHoursDto, nullable: true }) quietHours!: QuietHoursDto | null;
  @ApiProperty({ enum: Locale, description: 'The language of messages' }) locale!: Locale;
  @ApiProperty({ description: 'Clicks on links (and email opens) are recorded' }) clickTracking!: boolean;
  @ApiProperty({
    type: [PortalTopicDto],
    description: 'Every topic the client can choose (not service messages)',
  })
  topics!: PortalTopicDto[];
  @ApiProperty() updatedAt!: string;

  static from(v: PortalView): PortalPreferencesDto {
    return {
      optedOut: v.optedOut,
      channels: v.channels,
      preferredChannel: v.preferredChannel,
      frequency: v.frequency,
      quietHours: v.quietHours,
      locale: v.locale,
      clickTracking: v.clickTracking,
      topics: v.topics,
      updatedAt: v.updatedAt,
    };
  }
}

export class PortalAddressDto {
  @ApiPropertyOptional({ nullable: true, type: String, example: 'ООО «Альфа»' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  recipient?: string | null;

  @ApiPropertyOptional({
    type: [String],
    example: ['ул. Ленина, д. 1, офис 5'],
    description: 'Up to 4 lines',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  lines?: string[];

  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(200) city?:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(200) region?:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  postalCode?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'RU', description: 'ISO 3166-1 alpha-2' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  country?: string | null;
}

/** Fields left out stay; null or an empty string clears. Saving marks the details verified. */
export class UpdatePortalContactDto {
  @ApiPropertyOptional({ nullable: true, type: String, example: 'ivan@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: '+7 912 345-67-89' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string | null;

  @ApiPropertyOptional({ type: PortalAddressDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PortalAddressDto)
  address?: PortalAddressDto;
}

export class PortalAddressViewDto {
  @ApiProperty({ nullable: true, type: String }) recipient!: string | null;
  @ApiProperty({ type: [String] }) lines!: string[];
  @ApiProperty({ nullable: true, type: String }) city!: string | null;
  @ApiProperty({ nullable: true, type: String }) region!: string | null;
  @ApiProperty({ nullable: true, type: String }) postalCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) country!: string | null;
}

export class PortalContactDto {
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'E.164' }) phone!: string | null;
  @ApiProperty({ type: PortalAddressViewDto }) address!: PortalAddressViewDto;
  @ApiProperty({ nullable: true, type: String, description: 'When the client last confirmed the details' })
  contactVerifiedAt!: string | null;

  static from(v: PortalView): PortalContactDto {
    return { ...v.contact, contactVerifiedAt: v.contactVerifiedAt };
  }
}

export class PortalSurveyDto {
  @ApiProperty({ description: 'Whether a survey campaign (topic `surveys`) reached the client' })
  invited!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The run of the latest invitation' })
  runId!: string | null;
  @ApiProperty() answered!: boolean;
  @ApiProperty({ description: 'What do you value in working with us?' }) valued!: string;
  @ApiProperty({ description: 'What should we improve?' }) improve!: string;
  @ApiProperty({ nullable: true, type: Number, minimum: 0, maximum: 10 }) rating!: number | null;
}

export class SurveyAnswerDto {
  @ApiPropertyOptional({ description: 'What do you value in working with us?', maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  valued?: string;

  @ApiPropertyOptional({ description: 'What should we improve?', maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  improve?: string;

  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    minimum: 0,
    maximum: 10,
    description: 'Optional 0–10 rating',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  rating?: number | null;
}

export class LinkRequestDto {
  @ApiProperty({
    example: 'ivan@example.com',
    description: 'The email address or phone number of the client',
  })
  @IsString()
  @MaxLength(320)
  address!: string;

  @ApiPropertyOptional({
    enum: Locale,
    description: 'The language of the email and the link (default: the client’s)',
  })
  @IsOptional()
  @IsEnum(Locale)
  locale?: Locale;
}

export class LinkRequestAcceptedDto {
  @ApiProperty({
    example: 'If the address is known, a new link is on its way to the email address on file.',
    description: 'The same answer whether or not the address is known',
  })
  message!: string;
}
