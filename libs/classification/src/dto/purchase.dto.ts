import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageQueryDto } from '@touchbase/http';
import { Purchase } from '../entities/purchase.entity';
import { ISO_DATE_OR_DATE_TIME } from '../purchase-item.parser';
import { MAX_PURCHASES_PER_REQUEST } from '../purchases.service';

/**
 * One purchase of a batch. Documents the shape only: items are validated one by one in the service
 * (parsePurchaseItem), so that a bad item is reported by index and never rejects the good ones.
 */
export class PurchaseItemDto {
  @ApiPropertyOptional({
    example: 'ERP-INV-2025-000123',
    description: 'The id in the ERP; makes the item idempotent',
  })
  externalId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The client; or give clientExternalRef' })
  clientId?: string;

  @ApiPropertyOptional({
    example: 'ERP-000123',
    description: "The client's external reference; or give clientId",
  })
  clientExternalRef?: string;

  @ApiProperty({
    example: '2025-03-31',
    description:
      'ISO 8601 date or date-time; without an offset, in the workspace time zone; not in the future',
  })
  purchasedAt!: string;

  @ApiProperty({
    example: 12500.5,
    description: 'Not zero; negative for a return; at most 2 decimals (a decimal string is accepted too)',
  })
  amount!: number;

  @ApiPropertyOptional({ example: 'RUB', description: 'ISO 4217; default: the workspace currency' })
  currency?: string;

  @ApiPropertyOptional({ example: 'Насос ЦН-200' })
  product?: string;

  @ApiPropertyOptional({ example: 'Насосы' })
  productCategory?: string;
}

export class CreatePurchasesDto {
  @ApiProperty({
    type: [PurchaseItemDto],
    maxItems: MAX_PURCHASES_PER_REQUEST,
    description: `Up to ${MAX_PURCHASES_PER_REQUEST} purchases; for more, send several batches or use an import`,
  })
  @IsArray()
  @ArrayMaxSize(MAX_PURCHASES_PER_REQUEST, {
    message: `items may hold at most ${MAX_PURCHASES_PER_REQUEST} purchases; send several batches`,
  })
  items!: unknown[];
}

export class PurchaseItemErrorDto {
  @ApiProperty({ description: 'Position of the item in `items`, from 0' }) index!: number;
  @ApiProperty({ example: 'currency' }) field!: string;
  @ApiProperty({ example: 'currency must be an ISO 4217 code such as RUB, USD, EUR' }) message!: string;
}

export class PurchaseBatchResultDto {
  @ApiProperty() total!: number;
  @ApiProperty() created!: number;
  @ApiProperty({ description: 'Known externalId, different data' }) updated!: number;
  @ApiProperty({ description: 'Known externalId, same data' }) unchanged!: number;
  @ApiProperty({ description: 'Items not written; each has one or more entries in errors' }) failed!: number;
  @ApiProperty({ type: [PurchaseItemErrorDto] }) errors!: PurchaseItemErrorDto[];
}

export class RemovePurchasesDto {
  @ApiProperty({ type: [String], example: ['ERP-INV-2025-000123'], maxItems: MAX_PURCHASES_PER_REQUEST })
  @IsArray()
  @ArrayNotEmpty({ message: 'externalIds must hold at least one id' })
  @ArrayMaxSize(MAX_PURCHASES_PER_REQUEST, {
    message: `externalIds may hold at most ${MAX_PURCHASES_PER_REQUEST} ids per call`,
  })
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  externalIds!: string[];
}

export class PurchaseRemovalResultDto {
  @ApiProperty() total!: number;
  @ApiProperty() deleted!: number;
  @ApiProperty({ description: 'Ids no purchase has; each has an entry in errors' }) failed!: number;
  @ApiProperty({ type: [PurchaseItemErrorDto] }) errors!: PurchaseItemErrorDto[];
}

export class ListPurchasesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  clientId?: string;

  @ApiPropertyOptional({ example: '2025-01-01', description: 'Inclusive; date or date-time' })
  @IsOptional()
  @Matches(ISO_DATE_OR_DATE_TIME, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({
    example: '2025-03-31',
    description: 'A date includes that whole day; a date-time is exclusive',
  })
  @IsOptional()
  @Matches(ISO_DATE_OR_DATE_TIME, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;
}

export class PurchaseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) externalId!: string | null;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() purchasedAt!: string;
  @ApiProperty() amount!: number;
  @ApiProperty({ example: 'RUB' }) currency!: string;
  @ApiProperty({ nullable: true, type: String }) product!: string | null;
  @ApiProperty({ nullable: true, type: String }) productCategory!: string | null;
  @ApiProperty() createdAt!: string;

  static from(p: Purchase): PurchaseDto {
    return {
      id: p.id,
      externalId: p.externalId,
      clientId: p.clientId,
      purchasedAt: p.purchasedAt.toISOString(),
      amount: p.amount,
      currency: p.currency,
      product: p.product,
      productCategory: p.productCategory,
      createdAt: p.createdAt.toISOString(),
    };
  }
}

export class PurchaseListDto {
  @ApiProperty({ type: [PurchaseDto] }) items!: PurchaseDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null at the end',
  })
  nextCursor!: string | null;
}
