import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import { AnyStaff, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import {
  AddSuppressionDto,
  ImportSuppressionsDto,
  ImportSuppressionsResultDto,
  ListSuppressionsQueryDto,
  RemoveSuppressionDto,
  SuppressionDto,
  SuppressionListDto,
} from './dto/suppression.dto';
import { SuppressionReason } from './suppression.enums';
import { ImportRow, SuppressionService } from './suppression.service';

const CSV_COLUMNS = [
  'channel',
  'address',
  'reason',
  'source',
  'note',
  'createdAt',
  'removedAt',
  'removedReason',
];

@ApiTags('suppressions')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/suppressions')
export class SuppressionController {
  constructor(private readonly suppressions: SuppressionService) {}

  @Get()
  @AnyStaff()
  @ApiOperation({
    summary: 'The suppression list: addresses and numbers never planned nor sent, with reason and date',
    description: 'Newest first. Removed entries only with includeRemoved=true (they keep why and by whom).',
  })
  @ApiOkResponse({ type: SuppressionListDto })
  async list(@Query() q: ListSuppressionsQueryDto): Promise<SuppressionListDto> {
    const page = await this.suppressions.list(q, { limit: q.limit, cursor: q.cursor });
    return { items: page.items.map((r) => SuppressionDto.of(r)), nextCursor: page.nextCursor };
  }

  @Get('export.csv')
  @AnyStaff()
  @ApiOperation({ summary: 'The list (same filters) as CSV, UTF-8 with BOM; importable again' })
  @ApiProduces('text/csv')
  async export(@Query() q: ListSuppressionsQueryDto, @Res() res: Response): Promise<void> {
    const rows = (await this.suppressions.all(q)).map((r) => SuppressionDto.of(r));
    const csv = stringify(
      rows.map((r) => [
        r.channel,
        r.address,
        r.reason,
        r.source,
        r.note,
        r.createdAt,
        r.removedAt,
        r.removedReason,
      ]),
      { header: true, columns: CSV_COLUMNS },
    );
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="suppressions.csv"');
    res.end(`\ufeff${csv}`);
  }

  @Post()
  @Roles(StaffRole.Admin)
  @ApiOperation({ summary: 'Suppress an address or number by hand (reason manual)' })
  @ApiCreatedResponse({ type: SuppressionDto })
  @ApiErrors(409)
  async add(@Body() dto: AddSuppressionDto, @CurrentStaff() staff: StaffMember): Promise<SuppressionDto> {
    const address = this.suppressions.normalizeAddress(dto.channel, dto.address);
    if (!address.ok) throw new BadRequestException(`address: ${address.message}`);
    const [row] = await this.suppressions.add([
      {
        channel: dto.channel,
        address: address.value,
        reason: SuppressionReason.Manual,
        note: dto.note?.trim() || null,
        source: `staff ${staff.email}`,
        createdBy: staff.id,
      },
    ]);
    if (!row) throw new BadRequestException(`address: ${address.value} is already on the suppression list`);
    return SuppressionDto.of(row);
  }

  @Post('import')
  @Roles(StaffRole.Admin)
  @HttpCode(200)
  @ApiOperation({
    summary: "Import a previous provider's list (CSV text or JSON rows)",
    description:
      'Bad rows are reported with their number (1 = the first data row) and the good ones kept; ' +
      'addresses already suppressed count as duplicates, so importing twice changes nothing.',
  })
  @ApiOkResponse({ type: ImportSuppressionsResultDto })
  async import(
    @Body() dto: ImportSuppressionsDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<ImportSuppressionsResultDto> {
    if ((dto.csv === undefined) === (dto.rows === undefined))
      throw new BadRequestException('Pass either csv (text with a header row) or rows');
    const rows = dto.rows ?? parseCsv(dto.csv ?? '');
    if (rows.length === 0) throw new BadRequestException('The list has no rows');
    return this.suppressions.import(rows, staff.id, `import: ${dto.source?.trim() || 'file'}`);
  }

  @Post(':id/remove')
  @Roles(StaffRole.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove an entry, with a required reason: the address may be contacted again' })
  @ApiOkResponse({ type: SuppressionDto })
  @ApiErrors(404)
  async remove(
    @Param('id') id: string,
    @Body() dto: RemoveSuppressionDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<SuppressionDto> {
    return SuppressionDto.of(await this.suppressions.remove(id, dto.reason, staff.id));
  }
}

function parseCsv(text: string): ImportRow[] {
  const body = text.replace(/^\ufeff/, '');
  const firstLine = body.split(/\r?\n/, 1)[0];
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: Record<string, string>[];
  try {
    records = parse(body, {
      columns: (header: string[]) => header.map((h) => h.trim()),
      delimiter,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    });
  } catch (e) {
    throw new BadRequestException(`csv: ${(e as Error).message}`);
  }
  const columns = records.length ? Object.keys(records[0]) : [];
  if (records.length && (!columns.includes('channel') || !columns.includes('address')))
    throw new BadRequestException('csv: the header row needs the columns channel and address');
  return records.map((r) => ({
    channel: r.channel,
    address: r.address,
    reason: r.reason,
    note: r.note,
    createdAt: r.createdAt,
  }));
}
