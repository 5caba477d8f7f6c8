import * as fs from 'node:fs';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { Response } from 'express';
import { Roles, StaffRole, ValidationException } from '@touchbase/core';
import { ApiErrors, PageQueryDto } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import {
  CreateImportDto,
  ImportInspectionDto,
  ImportListDto,
  ImportReportDto,
  ImportSummaryDto,
  InspectImportDto,
} from './dto/import.dto';
import { ImportKind } from './entities/import.entity';
import { ImportErrorsExport } from './import-errors-export';
import {
  ImportFileInterceptor,
  ImportUploadInterceptor,
  MAX_IMPORT_BYTES,
} from './import-upload.interceptor';
import { ImportsService } from './imports.service';

/** The multipart body of an upload: the file, its kind, and the fields of the operation. */
function uploadBody(fields: Record<string, SchemaObject>): { schema: SchemaObject } {
  return {
    schema: {
      type: 'object',
      required: ['file', 'kind'],
      properties: {
        file: { type: 'string', format: 'binary' },
        kind: { type: 'string', enum: Object.values(ImportKind) },
        ...fields,
      },
    },
  };
}

function requireFile(file: UploadedImportFile | undefined): UploadedImportFile {
  if (!file) {
    throw new ValidationException(
      'No file: send it as the multipart field "file" / Файл не передан (поле «file»)',
      [{ field: 'file', messages: ['file is required'] }],
    );
  }
  return file;
}

/** What multer's disk storage leaves on the request. */
interface UploadedImportFile {
  path: string;
  originalname: string;
  size: number;
}

@ApiTags('imports')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/imports')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly errorsExport: ImportErrorsExport,
  ) {}

  @Post()
  @Roles(StaffRole.SalesOps)
  @UseInterceptors(ImportUploadInterceptor, ImportFileInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary: 'Import clients, purchases or preferences from CSV or XLSX',
    description:
      `CSV (UTF-8 with or without BOM, or Windows-1251; delimiter ; , or tab, found from the header) or the first ` +
      `worksheet of an .xlsx; up to ${MAX_IMPORT_BYTES / 1024 / 1024} MB (the CLI takes any size). Headers are ` +
      'recognised in Russian and English; `mapping` overrides them (POST /imports/inspect shows what they map to). ' +
      'Processed synchronously — the response is the final report — or, with `background`, answered 202 at once ' +
      'and followed with GET /imports/{id}. Rows are validated one by one and written in batches of thousands; a bad row is reported ' +
      '(row, column, message) and never blocks the good ones. Empty cells keep the stored value. Clients are ' +
      'matched by external reference, then email, then phone. Preference changes go to the consent log (source ' +
      '`import`); «Темы» is the full list of subscribed topics. A dry run writes nothing but the report.',
  })
  @ApiBody(
    uploadBody({
      dryRun: { type: 'boolean' },
      background: { type: 'boolean' },
      mapping: {
        type: 'string',
        description: 'JSON object: file column → field',
        example: '{"Код 1С":"externalRef"}',
      },
    }),
  )
  @ApiResponse({ status: 201, type: ImportReportDto, description: 'The import ran: its report' })
  @ApiResponse({
    status: 202,
    type: ImportSummaryDto,
    description: 'background: the import is processing; follow it with GET /imports/{id}',
  })
  @ApiErrors(413, 415)
  async create(
    @UploadedFile() file: UploadedImportFile | undefined,
    @Body() dto: CreateImportDto,
    @CurrentStaff() staff: StaffMember,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportReportDto | ImportSummaryDto> {
    const upload = requireFile(file);
    const options = {
      filePath: upload.path,
      fileName: upload.originalname,
      kind: dto.kind,
      dryRun: dto.dryRun ?? false,
      mapping: dto.mapping,
      staffId: staff.id,
    };
    if (!dto.background) return this.imports.run(options);
    // The upload's temp file is removed when the request ends: the background import reads its own.
    const own = `${upload.path}.import`;
    await fs.promises.rename(upload.path, own);
    let started: Awaited<ReturnType<ImportsService['start']>>;
    try {
      started = await this.imports.start({ ...options, filePath: own });
    } catch (e) {
      await fs.promises.rm(own, { force: true });
      throw e;
    }
    // An internal failure is logged and recorded on the import by the service.
    void started.done.catch(() => undefined).finally(() => fs.promises.rm(own, { force: true }));
    res.status(202);
    return started.summary;
  }

  @Post('inspect')
  @Roles(StaffRole.SalesOps)
  @HttpCode(200)
  @UseInterceptors(ImportUploadInterceptor, ImportFileInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary: 'What importing a file would map: each column with its field and first values; writes nothing',
    description:
      'For an import wizard: the file format found, every column with the field it feeds (the automatic ' +
      'Russian/English header mapping, or `mapping`) and its values in the first rows, the fields there ' +
      'are, and `problem` when a required column is missing. Then POST /imports with the mapping chosen.',
  })
  @ApiBody(uploadBody({ mapping: { type: 'string', description: 'JSON object: file column → field' } }))
  @ApiOkResponse({ type: ImportInspectionDto })
  @ApiErrors(413, 415)
  inspect(
    @UploadedFile() file: UploadedImportFile | undefined,
    @Body() dto: InspectImportDto,
  ): Promise<ImportInspectionDto> {
    const upload = requireFile(file);
    return this.imports.inspect({
      filePath: upload.path,
      fileName: upload.originalname,
      kind: dto.kind,
      mapping: dto.mapping,
    });
  }

  @Get()
  @Roles(StaffRole.SalesOps)
  @ApiOperation({ summary: 'Imports, newest first (cursor pagination)' })
  async list(@Query() page: PageQueryDto): Promise<ImportListDto> {
    return this.imports.list(page.limit, page.cursor);
  }

  @Get(':id')
  @Roles(StaffRole.SalesOps)
  @ApiOperation({ summary: 'An import and its report (the first 1,000 errors)' })
  @ApiErrors(404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ImportReportDto> {
    return this.imports.get(id);
  }

  @Get(':id/errors.csv')
  @Roles(StaffRole.SalesOps)
  @ApiOperation({
    summary:
      'The failed rows as CSV (original columns + «Ошибка / Error»), UTF-8 with BOM: fix and import again',
  })
  @ApiProduces('text/csv')
  @ApiErrors(404)
  async errorsCsv(@Param('id', ParseUUIDPipe) id: string, @Res() res: Response): Promise<void> {
    const { fileName, lines } = await this.errorsExport.open(id);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${fileName.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    );
    for await (const chunk of lines) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  }
}
