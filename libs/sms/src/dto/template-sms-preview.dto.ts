import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { Locale } from '@touchbase/core';

export class TemplateSmsPreviewRequestDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Render for this client (its data, owner, links); without it, for a complete sample client',
  })
  @IsOptional()
  @IsUUID()
  clientId?: string;

  @ApiPropertyOptional({
    enum: Locale,
    description:
      "The template of the same name in this locale (the template's own when absent); the sample client speaks it",
  })
  @IsOptional()
  @IsEnum(Locale)
  locale?: Locale;
}

export class TemplateSmsPreviewDto {
  @ApiProperty({ format: 'uuid', description: 'The template rendered (the one in the locale asked for)' })
  templateId!: string;
  @ApiProperty({ enum: Locale }) locale!: Locale;
  @ApiProperty({ description: 'The message as it would be sent' }) text!: string;
  @ApiProperty({ description: 'Billable parts (153 GSM-7 / 67 UCS-2 characters each once it is split)' })
  segments!: number;
  @ApiProperty({ enum: ['GSM-7', 'UCS-2'], description: 'UCS-2 as soon as one character is not GSM-7' })
  encoding!: 'GSM-7' | 'UCS-2';
  @ApiProperty({ description: 'Characters (code points) of the text' }) characters!: number;
  @ApiProperty({
    description: 'Septets (GSM-7, extension characters count two) or UTF-16 code units (UCS-2)',
  })
  units!: number;
  @ApiProperty({ description: 'segments × SMS_SEGMENT_COST, in the workspace currency' })
  costEstimate!: number;
  @ApiProperty({ example: 'RUB', description: 'The workspace currency (ISO 4217) the cost is in' })
  currency!: string;
}
