import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsObject,
  IsOptional,
  IsString,
  IsTimeZone,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Channel, Locale } from '@touchbase/core';
import { Frequency } from '../frequency.enum';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class ChannelsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() email?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() sms?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() call?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() letter?: boolean;
}

export class QuietHoursDto {
  @ApiProperty({ example: '21:00', description: 'Local time HH:MM when the quiet period starts' })
  @Matches(HHMM, { message: 'start must be HH:MM' })
  start!: string;

  @ApiProperty({ example: '09:00', description: 'Local time HH:MM when it ends (may be the next day)' })
  @Matches(HHMM, { message: 'end must be HH:MM' })
  end!: string;
}

/** A change of preferences: fields left out stay as they are. */
export class UpdatePreferencesDto {
  @ApiPropertyOptional({ description: 'Unsubscribe from everything (service messages still arrive)' })
  @IsOptional()
  @IsBoolean()
  optedOut?: boolean;

  @ApiPropertyOptional({ type: ChannelsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelsDto)
  channels?: ChannelsDto;

  @ApiPropertyOptional({ enum: Channel, nullable: true })
  @IsOptional()
  @IsEnum(Channel)
  preferredChannel?: Channel | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'boolean' },
    example: { promotions: false, news: true },
    description: 'topic key → subscribed',
  })
  @IsOptional()
  @IsObject()
  topics?: Record<string, boolean>;

  @ApiPropertyOptional({ enum: Frequency })
  @IsOptional()
  @IsEnum(Frequency)
  frequency?: Frequency;

  @ApiPropertyOptional({ type: QuietHoursDto, nullable: true, description: 'null: the channel defaults' })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;

  @ApiPropertyOptional({ enum: Locale })
  @IsOptional()
  @IsEnum(Locale)
  locale?: Locale;

  @ApiPropertyOptional({ example: 'Asia/Vladivostok' })
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({
    description:
      'Record the client’s clicks on links (and email opens); false: links still work, nothing is counted',
  })
  @IsOptional()
  @IsBoolean()
  clickTracking?: boolean;

  @ApiPropertyOptional({ description: 'Version of the wording shown to the person who made the change' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  wordingVersion?: string;
}

export class TopicPreferenceDto {
  @ApiProperty() key!: string;
  @ApiProperty() subscribed!: boolean;
  @ApiProperty({ description: 'false: the topic default applies (no explicit choice)' }) explicit!: boolean;
}

export class PreferencesDto {
  @ApiProperty() clientId!: string;
  @ApiProperty() optedOut!: boolean;
  @ApiProperty({ type: ChannelsDto }) channels!: Required<ChannelsDto>;
  @ApiProperty({ enum: Channel, nullable: true }) preferredChannel!: Channel | null;
  @ApiProperty({ type: [TopicPreferenceDto] }) topics!: TopicPreferenceDto[];
  @ApiProperty({ enum: Frequency }) frequency!: Frequency;
  @ApiProperty({ type: QuietHoursDto, nullable: true }) quietHours!: QuietHoursDto | null;
  @ApiProperty({ enum: Locale }) locale!: Locale;
  @ApiProperty({ nullable: true, type: String }) timeZone!: string | null;
  @ApiProperty({ description: 'Clicks (and email opens) are recorded' }) clickTracking!: boolean;
  @ApiProperty() updatedAt!: string;
}

export class PreferenceDefaultsDto {
  @ApiProperty() @IsBoolean() emailAllowed!: boolean;
  @ApiProperty() @IsBoolean() smsAllowed!: boolean;
  @ApiProperty() @IsBoolean() callAllowed!: boolean;
  @ApiProperty() @IsBoolean() letterAllowed!: boolean;
  @ApiProperty({ enum: Frequency }) @IsEnum(Frequency) frequency!: Frequency;
}

export class ConsentLogEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty() changedAt!: string;
  @ApiProperty({ enum: ['client', 'staff', 'system'] }) actorType!: string;
  @ApiProperty({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty() source!: string;
  @ApiProperty({ example: 'channel.sms' }) item!: string;
  @ApiProperty({ nullable: true }) oldValue!: unknown;
  @ApiProperty({ nullable: true }) newValue!: unknown;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent!: string | null;
  @ApiProperty({ nullable: true, type: String }) wordingVersion!: string | null;
}

export class ConsentLogDto {
  @ApiProperty({ type: [ConsentLogEntryDto] }) items!: ConsentLogEntryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export const QUIET_HOURS_FORMAT = HHMM;
