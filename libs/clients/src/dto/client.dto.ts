import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Locale } from '@touchbase/core';
import { IsOmittable } from '@touchbase/http';
import { Category, ClientKind, Stage } from '../client.enums';
import { Client } from '../entities/client.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const emptyToNull = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? null : value.trim()) : value;

/** Stages a person may set; client, key and lapsed follow from purchases. */
export const MANUAL_STAGES = [Stage.Potential, Stage.Probable, Stage.Prospect] as const;

export class AddressDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'ООО «Ромашка», отдел закупок' })
  @IsOptional()
  @Transform(emptyToNull)
  @IsString()
  @MaxLength(300)
  recipient?: string | null;

  @ApiPropertyOptional({ example: ['ул. Ленина, д. 1, оф. 5'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  lines?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Екатеринбург' })
  @IsOptional()
  @Transform(emptyToNull)
  @IsString()
  @MaxLength(200)
  city?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Свердловская область' })
  @IsOptional()
  @Transform(emptyToNull)
  @IsString()
  @MaxLength(200)
  region?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '620014' })
  @IsOptional()
  @Transform(emptyToNull)
  @IsString()
  @MaxLength(20)
  postalCode?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'RU', description: 'ISO 3166-1 alpha-2' })
  @IsOptional()
  @Transform(emptyToNull)
  @IsString()
  @MaxLength(60)
  country?: string | null;
}

export class UpdateClientDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'ERP-000123',
    description: 'The id in the ERP/CRM; unique',
  })
  @IsOptional()
  @Transform(emptyToNull)
  @IsString()
  @MaxLength(200)
  externalRef?: string | null;

  @ApiPropertyOptional({ example: 'ООО «Ромашка»' })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({ enum: ClientKind })
  @IsOmittable()
  @IsEnum(ClientKind)
  kind?: ClientKind;

  @ApiPropertyOptional({
    type: String,
    example: 'Петрова Анна Сергеевна',
    nullable: true,
    description: 'A company’s contact person, «Фамилия Имя Отчество»: letters and emails greet them by name',
  })
  @IsOptional()
  @Transform(emptyToNull)
  @IsString()
  @MaxLength(300)
  contactName?: string | null;

  @ApiPropertyOptional({ type: String, example: 'info@romashka.ru', nullable: true })
  @IsOptional()
  @Transform(emptyToNull)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({
    type: String,
    example: '+7 912 345-67-89',
    description: 'Any format; stored as E.164',
    nullable: true,
  })
  @IsOptional()
  @Transform(emptyToNull)
  @IsString()
  @MaxLength(40)
  phone?: string | null;

  @ApiPropertyOptional({ type: AddressDto })
  @IsOmittable()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;

  @ApiPropertyOptional({ enum: Locale })
  @IsOmittable()
  @IsEnum(Locale)
  locale?: Locale;

  @ApiPropertyOptional({ type: String, example: 'Asia/Yekaterinburg', nullable: true })
  @IsOptional()
  @Transform(emptyToNull)
  @IsTimeZone()
  timeZone?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The account manager (a staff member)',
  })
  @IsOptional()
  @IsUUID()
  ownerId?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['dealer', 'ural'] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'Manual VIP flag' })
  @IsOmittable()
  @IsBoolean()
  vip?: boolean;

  @ApiPropertyOptional({ enum: Category, nullable: true, description: 'Wins over the computed category' })
  @IsOptional()
  @IsEnum(Category)
  categoryOverride?: Category | null;

  @ApiPropertyOptional({
    enum: MANUAL_STAGES,
    description: 'Only the stages before the first purchase are set by hand',
  })
  @IsOmittable()
  @IsIn(MANUAL_STAGES, {
    message: `stage can be set to ${MANUAL_STAGES.join(', ')}; client, key and lapsed follow from purchases`,
  })
  stage?: Stage;

  @ApiPropertyOptional({ description: 'true: the contact data was just verified (sets contactVerifiedAt)' })
  @IsOmittable()
  @IsBoolean()
  contactVerified?: boolean;
}

export class CreateClientDto extends OmitType(UpdateClientDto, ['name'] as const) {
  @ApiProperty({ example: 'ООО «Ромашка»' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name!: string;
}

export class OwnerSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
}

export class ClientAddressDto {
  @ApiProperty({ nullable: true, type: String }) recipient!: string | null;
  @ApiProperty({ type: [String] }) lines!: string[];
  @ApiProperty({ nullable: true, type: String }) city!: string | null;
  @ApiProperty({ nullable: true, type: String }) region!: string | null;
  @ApiProperty({ nullable: true, type: String }) postalCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) country!: string | null;
}

export type CategorySource = 'override' | 'vip-flag' | 'vip-rule' | 'computed';

export class ClientResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) externalRef!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ClientKind }) kind!: ClientKind;
  @ApiProperty({ nullable: true, type: String }) contactName!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '+79123456789' }) phone!: string | null;
  @ApiProperty({ type: ClientAddressDto }) address!: ClientAddressDto;
  @ApiProperty({ enum: Locale }) locale!: Locale;
  @ApiProperty({ nullable: true, type: String }) timeZone!: string | null;
  @ApiProperty({ type: OwnerSummaryDto, nullable: true }) owner!: OwnerSummaryDto | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ enum: Category, nullable: true }) category!: Category | null;
  @ApiProperty({ enum: ['override', 'vip-flag', 'vip-rule', 'computed'], nullable: true })
  categorySource!: CategorySource | null;
  @ApiProperty({ enum: Category, nullable: true }) computedCategory!: Category | null;
  @ApiProperty({ enum: Category, nullable: true }) categoryOverride!: Category | null;
  @ApiProperty() vip!: boolean;
  @ApiProperty({ enum: Stage }) stage!: Stage;
  @ApiProperty() stageChangedAt!: string;
  @ApiProperty({ nullable: true, type: String }) firstPurchaseAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastPurchaseAt!: string | null;
  @ApiProperty() purchaseCount!: number;
  @ApiProperty() revenueTotal!: number;
  @ApiProperty({ description: 'Revenue over the classification window' }) revenueWindow!: number;
  @ApiProperty({ nullable: true, type: String }) lastTouchAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) contactVerifiedAt!: string | null;
  @ApiProperty({ type: [String] }) contactFlags!: string[];
  @ApiProperty({ nullable: true, type: String }) archivedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) erasedAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(c: Client): ClientResponseDto {
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    return {
      id: c.id,
      externalRef: c.externalRef,
      name: c.name,
      kind: c.kind,
      contactName: c.contactName,
      email: c.email,
      phone: c.phone,
      address: {
        recipient: c.addressRecipient,
        lines: c.addressLines,
        city: c.addressCity,
        region: c.addressRegion,
        postalCode: c.addressPostalCode,
        country: c.addressCountry,
      },
      locale: c.locale,
      timeZone: c.timeZone,
      owner: c.owner ? { id: c.owner.id, name: c.owner.name, email: c.owner.email } : null,
      tags: c.tags,
      category: c.category,
      categorySource: categorySource(c),
      computedCategory: c.computedCategory as Category | null,
      categoryOverride: c.categoryOverride,
      vip: c.vipFlag,
      stage: c.stage,
      stageChangedAt: c.stageChangedAt.toISOString(),
      firstPurchaseAt: iso(c.firstPurchaseAt),
      lastPurchaseAt: iso(c.lastPurchaseAt),
      purchaseCount: c.purchaseCount,
      revenueTotal: c.revenueTotal,
      revenueWindow: c.revenueWindow,
      lastTouchAt: iso(c.lastTouchAt),
      contactVerifiedAt: iso(c.contactVerifiedAt),
      contactFlags: c.contactFlags,
      archivedAt: iso(c.archivedAt),
      erasedAt: iso(c.erasedAt),
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }
}

function categorySource(c: Client): CategorySource | null {
  if (c.categoryOverride) return 'override';
  if (c.vipFlag) return 'vip-flag';
  if (c.vipByRule) return 'vip-rule';
  return c.computedCategory ? 'computed' : null;
}

export class ClientListDto {
  @ApiProperty({ type: [ClientResponseDto] }) items!: ClientResponseDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null at the end',
  })
  nextCursor!: string | null;
}

export const CLIENT_SORTS = ['name', 'createdAt', 'revenue', 'lastPurchaseAt'] as const;
export type ClientSortField = (typeof CLIENT_SORTS)[number];

export class ListClientsQueryDto {
  @ApiPropertyOptional({ enum: Category })
  @IsOptional()
  @IsEnum(Category)
  category?: Category;

  @ApiPropertyOptional({ enum: Stage })
  @IsOptional()
  @IsEnum(Stage)
  stage?: Stage;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string;

  @ApiPropertyOptional({
    description: 'The city of the postal address (any letter case)',
    example: 'Екатеринбург',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  city?: string;

  @ApiPropertyOptional({
    description:
      'Free text over name, email, phone and reference (a substring; a phone may be written with spaces, dashes or a leading 8)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    enum: ['false', 'true', 'all'],
    description: 'Archived clients (default: not archived)',
  })
  @IsOptional()
  @IsIn(['false', 'true', 'all'])
  archived?: 'false' | 'true' | 'all';

  @ApiPropertyOptional({
    description: `One of ${CLIENT_SORTS.join(', ')}; prefix with - for descending (default name)`,
    example: '-revenue',
  })
  @IsOptional()
  @IsIn([...CLIENT_SORTS, ...CLIENT_SORTS.map((s) => `-${s}`)])
  sort?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export class ClientHistoryEntryDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['category', 'stage'] }) field!: 'category' | 'stage';
  @ApiProperty({ nullable: true, type: String, example: 'B' }) from!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'A' }) to!: string | null;
  @ApiProperty({
    example: 'manual',
    description:
      'category: manual (override or VIP flag) or recompute (classification); stage: created, manual, import, recompute:…',
  })
  source!: string;
  @ApiPropertyOptional({ description: 'Who made a manual change' }) staffName?: string;
}

/** The most clients one reassignment lists by id (everything an owner has goes by fromOwnerId). */
export const MAX_REASSIGNED_IDS = 10_000;

export class ReassignOwnerDto {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The new owner (an active staff member), or null: no owner',
  })
  @IsUUID('all', { message: 'toOwnerId must be a staff member id (or null)' })
  @ValidateIf((_, v) => v !== null)
  toOwnerId!: string | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'These clients (a selection)' })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_REASSIGNED_IDS)
  @IsUUID('all', { each: true })
  clientIds?: string[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Every client this staff member owns, archived ones too (someone who leaves)',
  })
  @IsOptional()
  @IsUUID()
  fromOwnerId?: string;
}

export class ReassignOwnerResultDto {
  @ApiProperty({ description: 'Clients whose owner changed (their open call tasks moved with them)' })
  clients!: number;
}
