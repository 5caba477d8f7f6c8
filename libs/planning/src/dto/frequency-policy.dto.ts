import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Frequency } from '@touchbase/preferences';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class CapDto {
  @ApiProperty({ example: 2 }) @IsInt() @Min(1) @Max(1000) maxTouches!: number;
  @ApiProperty({ example: 7 }) @IsInt() @Min(1) @Max(365) windowDays!: number;
}

export class ChannelCapsDto {
  @ApiProperty({ type: [CapDto] })
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => CapDto)
  email!: CapDto[];
  @ApiProperty({ type: [CapDto] })
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => CapDto)
  sms!: CapDto[];
  @ApiProperty({ type: [CapDto] })
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => CapDto)
  call!: CapDto[];
  @ApiProperty({ type: [CapDto] })
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => CapDto)
  letter!: CapDto[];
}

export class SendingWindowDto {
  @ApiProperty({ example: '09:00' }) @Matches(HHMM, { message: 'start must be HH:MM' }) start!: string;
  @ApiProperty({ example: '21:00' }) @Matches(HHMM, { message: 'end must be HH:MM' }) end!: string;
  @ApiProperty() @IsBoolean() businessDaysOnly!: boolean;
}

export class SendingWindowsDto {
  @ApiProperty({ type: SendingWindowDto, nullable: true })
  @ValidateIf((_, v) => v !== null)
  @ValidateNested()
  @Type(() => SendingWindowDto)
  email!: SendingWindowDto | null;

  @ApiProperty({ type: SendingWindowDto, nullable: true })
  @ValidateIf((_, v) => v !== null)
  @ValidateNested()
  @Type(() => SendingWindowDto)
  sms!: SendingWindowDto | null;

  @ApiProperty({ type: SendingWindowDto, nullable: true })
  @ValidateIf((_, v) => v !== null)
  @ValidateNested()
  @Type(() => SendingWindowDto)
  call!: SendingWindowDto | null;

  @ApiProperty({ type: SendingWindowDto, nullable: true })
  @ValidateIf((_, v) => v !== null)
  @ValidateNested()
  @Type(() => SendingWindowDto)
  letter!: SendingWindowDto | null;
}

const SUNSET_FREQUENCIES = Object.values(Frequency).filter((f) => f !== Frequency.Unlimited);

export class SunsetPolicyDto {
  @ApiProperty({ example: 180, description: 'Days without a click, a human open or a purchase' })
  @IsInt()
  @Min(30)
  @Max(3650)
  afterDays!: number;

  @ApiProperty({
    enum: SUNSET_FREQUENCIES,
    example: Frequency.Quarterly,
    description: 'The frequency such clients are capped at, unless their own is stricter',
  })
  @IsIn(SUNSET_FREQUENCIES, { message: `frequency must be one of ${SUNSET_FREQUENCIES.join(', ')}` })
  frequency!: Exclude<Frequency, Frequency.Unlimited>;
}

export class FrequencyPolicyDto {
  @ApiProperty({ type: [CapDto], description: 'Caps over all channels, e.g. 2 in 7 days and 4 in 30 days' })
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => CapDto)
  overall!: CapDto[];

  @ApiProperty({ type: ChannelCapsDto, description: 'Caps per channel, e.g. SMS 2 in 30 days' })
  @ValidateNested()
  @Type(() => ChannelCapsDto)
  perChannel!: ChannelCapsDto;

  @ApiProperty({
    type: SendingWindowsDto,
    description: 'Daily sending window per channel, client local time',
  })
  @ValidateNested()
  @Type(() => SendingWindowsDto)
  sendingWindows!: SendingWindowsDto;

  @ApiProperty({
    type: SunsetPolicyDto,
    nullable: true,
    required: false,
    description: 'Lower caps for clients who stopped engaging; null (the default) turns it off',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => SunsetPolicyDto)
  sunset?: SunsetPolicyDto | null;
}
