import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { Channel, Locale } from '@touchbase/core';
import { IsOmittable } from '@touchbase/http';
import { Template } from '../entities/template.entity';
import type { RenderedMessage } from '../template-renderer';
import { TEMPLATE_NAME_PATTERN } from '../template-files';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const MAX_TEMPLATE_BODY = 100_000;

export class ListTemplatesQueryDto {
  @ApiPropertyOptional({ example: 'monthly-broadcast' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: Channel })
  @IsOptional()
  @IsEnum(Channel)
  channel?: Channel;

  @ApiPropertyOptional({ enum: Locale })
  @IsOptional()
  @IsEnum(Locale)
  locale?: Locale;
}

export class UpdateTemplateDto {
  @ApiPropertyOptional({
    example: 'Новости {{company.name}}: {{edition.subject}}',
    description: 'Email only (required there); Handlebars, rendered as one line of plain text',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  subject?: string | null;

  @ApiPropertyOptional({
    description:
      'Handlebars (strict). Email: HTML; SMS, call, letter: plain text. Values are always escaped; ' +
      '`{{{…}}}` is refused except `{{{edition.html}}}` in email. Helpers: formatDate, formatMoney, eq.',
  })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TEMPLATE_BODY)
  body?: string;

  @ApiPropertyOptional({ example: 'Monthly news, with the edition of the month' })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  description?: string;
}

export class CreateTemplateDto {
  @ApiProperty({
    example: 'spring-promo',
    description: 'lower-case letters, digits and -; campaigns refer to it',
  })
  @Matches(TEMPLATE_NAME_PATTERN, { message: 'name must be lower-case letters, digits and - (up to 100)' })
  name!: string;

  @ApiProperty({ enum: Channel })
  @IsEnum(Channel)
  channel!: Channel;

  @ApiProperty({ enum: Locale })
  @IsEnum(Locale)
  locale!: Locale;

  @ApiPropertyOptional({ description: 'Required for email, refused otherwise', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  subject?: string | null;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TEMPLATE_BODY)
  body!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  description?: string;
}

export class TemplateDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'monthly-broadcast' }) name!: string;
  @ApiProperty({ enum: Channel }) channel!: Channel;
  @ApiProperty({ enum: Locale }) locale!: Locale;
  @ApiProperty({ nullable: true, type: String }) subject!: string | null;
  @ApiProperty() body!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'Shipped with touchbase (templates/): can be edited, not deleted' })
  builtin!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(t: Template): TemplateDto {
    return {
      id: t.id,
      name: t.name,
      channel: t.channel,
      locale: t.locale,
      subject: t.subject,
      body: t.body,
      description: t.description,
      builtin: t.builtin,
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    };
  }
}

export class TemplateListDto {
  @ApiProperty({ type: [TemplateDto] }) items!: TemplateDto[];
}

export class PreviewTemplateDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  clientId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Its signer and its latest edition are used' })
  @IsOptional()
  @IsUUID()
  campaignId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Instead of the campaign's latest edition" })
  @IsOptional()
  @IsUUID()
  editionId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Instead of the campaign's signer" })
  @IsOptional()
  @IsUUID()
  signerId?: string;
}

export class TemplatePreviewDto {
  @ApiPropertyOptional({ description: 'Email only' }) subject?: string;
  @ApiPropertyOptional({ description: 'Email only' }) html?: string;
  @ApiProperty({ description: 'Email: the plain-text part; otherwise the message (plain text, not HTML)' })
  text!: string;

  static from(r: RenderedMessage): TemplatePreviewDto {
    return r.channel === Channel.Email
      ? { subject: r.subject, html: r.html, text: r.text }
      : { text: r.text };
  }
}

export class TemplateVariablesQueryDto {
  @ApiPropertyOptional({ enum: Locale, default: Locale.Ru, description: 'The language of the sample values' })
  @IsOptional()
  @IsEnum(Locale)
  locale?: Locale;
}

export class TemplateVariableDto {
  @ApiProperty({ example: 'client.name' }) name!: string;
  @ApiProperty({ example: 'ООО «Ромашка»', description: 'From a sample message' }) example!: string;
}

export class TemplateVariablesDto {
  @ApiProperty({ type: [TemplateVariableDto] }) variables!: TemplateVariableDto[];
  @ApiProperty({ example: ['formatDate', 'formatMoney', 'eq'] }) helpers!: string[];
  @ApiProperty({
    example: ['edition.html'],
    description: 'The only values that may be written {{{raw}}} (email)',
  })
  raw!: string[];
}

/** What a template would be saved with (channel, subject, body), checked before it is saved. */
export class ValidateTemplateDto extends PickType(CreateTemplateDto, ['channel', 'subject', 'body'] as const) {
  @ApiPropertyOptional({ enum: Locale, default: Locale.Ru, description: 'The sample message checked against' })
  @IsOptional()
  @IsEnum(Locale)
  locale?: Locale;
}

export class TemplateProblemDto {
  @ApiProperty({ enum: ['subject', 'body'] }) field!: 'subject' | 'body';
  @ApiProperty({ nullable: true, type: Number, description: '1-based' }) line!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: '1-based' }) column!: number | null;
  @ApiProperty({ example: '"client.firstName" is not available; available: client.name, client.email' })
  message!: string;
  @ApiPropertyOptional({ description: 'For an unknown variable: its path as written' }) variable?: string;
}

export class TemplateValidationDto {
  @ApiProperty({ description: 'true: the template would be accepted (no problems)' }) ok!: boolean;
  @ApiProperty({ type: [TemplateProblemDto] }) errors!: TemplateProblemDto[];
}
