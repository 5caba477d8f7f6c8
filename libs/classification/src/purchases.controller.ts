import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyStaff, FieldError, Roles, StaffRole, ValidationException } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { Idempotent } from '@touchbase/idempotency';
import {
  CreatePurchasesDto,
  ListPurchasesQueryDto,
  PurchaseBatchResultDto,
  PurchaseDto,
  PurchaseListDto,
  PurchaseRemovalResultDto,
  RemovePurchasesDto,
} from './dto/purchase.dto';
import { parseDateBound } from './purchase-item.parser';
import { PurchasesService } from './purchases.service';

@ApiTags('purchases')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/purchases')
export class PurchasesController {
  constructor(private readonly purchases: PurchasesService) {}

  @Post()
  @HttpCode(200)
  @Roles(StaffRole.SalesOps)
  @Idempotent()
  @ApiOperation({
    summary:
      'Add or update purchases in bulk (idempotent by externalId); bad items are reported, good ones kept',
    description:
      'Each item is validated on its own: the response counts created, updated (known externalId, new data), ' +
      'unchanged (known externalId, same data) and failed items, with one error per bad field and item index. ' +
      "The affected clients' purchase statistics, category and stage are recomputed in the same transaction. " +
      'Revenue counts purchases in the workspace currency only.',
  })
  ingest(@Body() dto: CreatePurchasesDto): Promise<PurchaseBatchResultDto> {
    return this.purchases.ingest(dto.items);
  }

  @Post('bulk-delete')
  @HttpCode(200)
  @Roles(StaffRole.SalesOps)
  @Idempotent()
  @ApiOperation({
    summary: 'Delete purchases by externalId (cancelled in the ERP); their clients are reclassified',
  })
  @ApiOkResponse({ type: PurchaseRemovalResultDto })
  removeMany(@Body() dto: RemovePurchasesDto): Promise<PurchaseRemovalResultDto> {
    return this.purchases.removeByExternalIds(dto.externalIds);
  }

  @Get()
  @AnyStaff()
  @ApiOperation({ summary: 'Purchases, newest first, by client and date range, cursor pagination' })
  async list(@Query() query: ListPurchasesQueryDto): Promise<PurchaseListDto> {
    const { timeZone } = this.purchases.parseContext();
    const problems: FieldError[] = [];
    const bound = (field: 'from' | 'to') => {
      const text = query[field];
      if (text === undefined) return undefined;
      const date = parseDateBound(text, timeZone, field);
      if (!date) problems.push({ field, messages: [`${field} is not a valid date`] });
      return date ?? undefined;
    };
    const from = bound('from');
    const to = bound('to');
    if (problems.length > 0) throw new ValidationException('The request is invalid: from, to', problems);
    const page = await this.purchases.list({ ...query, from, to });
    return { items: page.items.map(PurchaseDto.from), nextCursor: page.nextCursor };
  }
}
