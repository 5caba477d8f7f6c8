import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles, StaffRole } from '@touchbase/core';
import { ApiErrors, PageQueryDto } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import {
  BatchLetterListDto,
  LetterBatchDto,
  LetterBatchListDto,
  ListLetterBatchesQueryDto,
  MarkReturnedDto,
  ReturnedLetterDto,
  toBatchLetterDto,
  toLetterBatchDto,
} from './dto/letter-batch.dto';
import { LetterBatchesService } from './letter-batches.service';

@ApiTags('letter batches')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/letter-batches')
export class LetterBatchesController {
  constructor(private readonly batches: LetterBatchesService) {}

  @Get()
  @Roles(StaffRole.SalesOps, StaffRole.Marketer)
  @ApiOperation({ summary: 'Letter batches (one per run on the letter channel), newest first' })
  @ApiOkResponse({ type: LetterBatchListDto })
  async list(@Query() query: ListLetterBatchesQueryDto): Promise<LetterBatchListDto> {
    const page = await this.batches.list(query);
    return { items: page.items.map(toLetterBatchDto), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Roles(StaffRole.SalesOps, StaffRole.Marketer)
  @ApiOperation({ summary: 'A letter batch: its letters, pages, PDF and status' })
  @ApiOkResponse({ type: LetterBatchDto })
  @ApiErrors(404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<LetterBatchDto> {
    return toLetterBatchDto(await this.batches.get(id));
  }

  @Get(':id/letters')
  @Roles(StaffRole.SalesOps, StaffRole.Marketer)
  @ApiOperation({
    summary: "A batch's letters: each one's reference (the delivery id), client, status and return",
  })
  @ApiOkResponse({ type: BatchLetterListDto })
  @ApiErrors(404)
  async letters(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<BatchLetterListDto> {
    const page = await this.batches.letters(id, query);
    return { items: page.items.map(toBatchLetterDto), nextCursor: page.nextCursor };
  }

  @Get(':id/pdf')
  @Roles(StaffRole.SalesOps, StaffRole.Marketer)
  @ApiOperation({
    summary: 'The print-ready PDF: A4, every letter from a new page, address in the window (DIN 5008 form B)',
  })
  @ApiProduces('application/pdf')
  @ApiResponse({ status: 200, description: 'The PDF', schema: { type: 'string', format: 'binary' } })
  @ApiErrors(404, 409)
  async pdf(@Param('id', ParseUUIDPipe) id: string): Promise<StreamableFile> {
    const { stream, size, fileName } = await this.batches.pdf(id);
    return new StreamableFile(stream, {
      type: 'application/pdf',
      length: size,
      disposition: `attachment; filename="${fileName}"`,
    });
  }

  @Post(':id/mailed')
  @HttpCode(200)
  @Roles(StaffRole.SalesOps)
  @ApiOperation({ summary: 'The batch is printed and posted: its letters are sent (touches)' })
  @ApiOkResponse({ type: LetterBatchDto })
  @ApiErrors(404, 409)
  async mailed(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentStaff() staff: StaffMember,
  ): Promise<LetterBatchDto> {
    return toLetterBatchDto(await this.batches.markMailed(id, staff));
  }
}

@ApiTags('letter batches')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/deliveries')
export class DeliveryReturnsController {
  constructor(private readonly batches: LetterBatchesService) {}

  @Post(':id/returned')
  @HttpCode(200)
  @Roles(StaffRole.SalesOps)
  @ApiOperation({
    summary: "A mailed letter came back: the client's address is flagged for verification",
    description:
      'The delivery id is printed on the letter (Ref. / Исх. №). Recording the same return again changes nothing.',
  })
  @ApiOkResponse({ type: ReturnedLetterDto })
  @ApiErrors(404, 409)
  async returned(
    @Param('id') id: string,
    @Body() dto: MarkReturnedDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<ReturnedLetterDto> {
    const r = await this.batches.markReturned(id, dto, staff);
    return {
      deliveryId: r.deliveryId,
      clientId: r.clientId,
      clientName: r.clientName,
      returnedAt: r.returned.at,
      returnedBy: r.returned.by,
      note: r.returned.note,
      contactFlags: r.contactFlags,
    };
  }
}
