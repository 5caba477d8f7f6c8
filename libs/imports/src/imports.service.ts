import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import {
  decodeCursor,
  encodeCursor,
  isUuid,
  NotFoundException,
  Page,
  ValidationException,
} from '@touchbase/core';
import { refreshStaleStatistics } from '@touchbase/database';
import { TopicsService } from '@touchbase/preferences';
import { ImportError } from './entities/import-error.entity';
import { Import, ImportKind, ImportStatus } from './entities/import.entity';
import { ClientImportHandler } from './handlers/client-import.handler';
import { ImportHandler, KindImport } from './handlers/import-handler';
import { PreferenceImportHandler } from './handlers/preference-import.handler';
import { PurchaseImportHandler } from './handlers/purchase-import.handler';
import { UnreadableImportFileException, UnsupportedImportFileException } from './import.exceptions';
import { INSERT_IMPORT_ERRORS } from './import.sql';
import { BatchOutcome, RowError, SourceRow } from './import.types';
import { ColumnSet, MissingColumnsError } from './mapping/column-set';
import { mapHeaders } from './mapping/header-mapping';
import { openCsv } from './reading/csv-reader';
import { detectFormat, UnsupportedFileFormatError } from './reading/file-format';
import { TableSource, UnreadableFileError } from './reading/table-source';
import { openXlsx } from './reading/xlsx-reader';

export interface RunImportOptions {
  /** The file on disk (an upload's temp file, or the CLI's argument). */
  filePath: string;
  /** The name the user knows it by (extension included). */
  fileName: string;
  kind: ImportKind;
  dryRun?: boolean;
  /** file column → field, over the automatic header mapping; null or '' skips a column. */
  mapping?: Record<string, string | null>;
  /** The staff member who imports: the consent log's actor and the record's author. */
  staffId?: string | null;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  rows: number;
  failed: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ImportRowError {
  row: number;
  column: string | null;
  message: string;
}

export interface ImportSummary {
  id: string;
  kind: ImportKind;
  status: ImportStatus;
  dryRun: boolean;
  fileName: string;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  ignoredColumns: string[];
  /** Why the whole import failed, if it did. */
  message: string | null;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface ImportReport extends ImportSummary {
  /** The first 1,000 errors, by row. */
  errors: ImportRowError[];
}

export const REPORTED_ERRORS = 1000;

/** From this many written rows on, an import refreshes the statistics of the tables it wrote. */
export const STATISTICS_AFTER_ROWS = 1000;

interface Counts {
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

/** The rows of one batch: the valid values to write, the errors so far, the rows as read. */
interface Batch {
  values: { rowNumber: number }[];
  errors: RowError[];
  failedRows: number;
  sources: Map<number, SourceRow>;
}

/** A dry run's batch is rolled back: this carries its outcome out of the transaction. */
class DryRunRollback extends Error {
  constructor(readonly outcome: BatchOutcome) {
    super('dry run');
  }
}

/**
 * Imports a CSV or XLSX file: streamed, validated row by row, written in batches (one transaction
 * each, set-based SQL in the handlers), reported row by row. Reading and validating the next batch
 * overlaps with the database writing the previous one, so both cores work.
 */
@Injectable()
export class ImportsService {
  private readonly logger = new Logger(ImportsService.name);
  private readonly handlers: Map<ImportKind, ImportHandler>;

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Import) private readonly imports: Repository<Import>,
    @InjectRepository(ImportError) private readonly importErrors: Repository<ImportError>,
    private readonly topics: TopicsService,
    clients: ClientImportHandler,
    preferences: PreferenceImportHandler,
    purchases: PurchaseImportHandler,
  ) {
    this.handlers = new Map<ImportKind, ImportHandler>(
      [clients, preferences, purchases].map((h) => [h.kind, h]),
    );
  }

  async run(options: RunImportOptions): Promise<ImportReport> {
    const handler = this.handlers.get(options.kind);
    if (!handler) {
      throw new ValidationException(`Unknown import kind ${options.kind}`, [
        { field: 'kind', messages: [`kind must be one of ${Object.values(ImportKind).join(', ')}`] },
      ]);
    }
    const source = await this.openSource(options.filePath, options.fileName);
    let record: Import | undefined;
    try {
      const topics = options.kind === ImportKind.Preferences ? await this.topics.list() : [];
      const mapping = mapHeaders(options.kind, source.header, options.mapping, topics);
      let importer: KindImport<{ rowNumber: number }>;
      try {
        importer = await handler.open({
          columns: new ColumnSet(mapping.columns),
          actor: { staffId: options.staffId ?? null },
        });
      } catch (e) {
        if (!(e instanceof MissingColumnsError)) throw e;
        throw new UnreadableImportFileException(
          `${e.message}. Столбцы файла / Columns in the file: ${source.header.filter((h) => h).join(', ')}`,
        );
      }
      record = await this.imports.save(
        this.imports.create({
          kind: options.kind,
          fileName: options.fileName,
          format: source.format,
          encoding: source.encoding,
          delimiter: source.delimiter,
          mapping: mapping.stored,
          dryRun: options.dryRun ?? false,
          status: ImportStatus.Processing,
          createdBy: options.staffId ?? null,
        }),
      );
      const counts = await this.process(record, source, importer, options);
      if (!options.dryRun) {
        // A bulk load into a fresh base leaves the tables without statistics: the statements after it
        // (the purchases' reclassification, planning) would run on nested-loop plans until autovacuum.
        const written = counts.created + counts.updated;
        if (written >= STATISTICS_AFTER_ROWS) {
          await refreshStaleStatistics(this.dataSource.manager, handler.tables, { justChanged: written });
        }
        await importer.finish?.();
      }
      await this.imports.update(record.id, {
        ...counts,
        status: ImportStatus.Completed,
        finishedAt: new Date(),
      });
    } catch (e) {
      if (!record) throw e instanceof UnreadableFileError ? new UnreadableImportFileException(e.message) : e;
      // Batches written before the failure stay written; the record says where it stopped.
      const message =
        e instanceof UnreadableFileError
          ? e.message
          : 'The import stopped on an internal error; the rows before it were imported / Импорт прерван внутренней ошибкой';
      await this.imports.update(record.id, { status: ImportStatus.Failed, message, finishedAt: new Date() });
      if (!(e instanceof UnreadableFileError)) {
        this.logger.error({ err: e, importId: record.id }, 'Import failed');
        throw e;
      }
    } finally {
      await source.close();
    }
    return this.get(record.id);
  }

  async get(id: string): Promise<ImportReport> {
    const record = await this.imports.findOneBy({ id });
    if (!record) throw new NotFoundException('Import', id);
    const errors = await this.importErrors.find({
      where: { importId: id },
      order: { rowNumber: 'ASC', id: 'ASC' },
      take: REPORTED_ERRORS,
      select: { rowNumber: true, columnName: true, message: true },
    });
    return {
      ...toSummary(record),
      errors: errors.map((e) => ({ row: e.rowNumber, column: e.columnName, message: e.message })),
    };
  }

  /** Newest first, with a keyset cursor (microsecond timestamps: a millisecond Date would skip rows). */
  async list(limit = 50, cursor?: string): Promise<Page<ImportSummary>> {
    const qb = this.imports
      .createQueryBuilder('i')
      .addSelect(`to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, 'created_key')
      .orderBy('i.created_at', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .limit(limit + 1);
    if (cursor) {
      const [createdAt, id] = decodeCursor(cursor, 2);
      if (
        typeof createdAt !== 'string' ||
        typeof id !== 'string' ||
        !isUuid(id) ||
        Number.isNaN(Date.parse(createdAt))
      ) {
        throw new ValidationException('The cursor is invalid; use nextCursor from the previous page', [
          { field: 'cursor', messages: ['cursor is not a cursor this list returned'] },
        ]);
      }
      qb.where('(i.created_at, i.id) < (CAST(:createdAt AS timestamptz), CAST(:id AS uuid))', {
        createdAt,
        id,
      });
    }
    const { entities, raw } = await qb.getRawAndEntities<{ created_key: string }>();
    const items = entities.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toSummary),
      nextCursor:
        entities.length > limit && last ? encodeCursor([raw[items.length - 1].created_key, last.id]) : null,
    };
  }

  private async openSource(filePath: string, fileName: string): Promise<TableSource> {
    try {
      const format = await detectFormat(filePath, fileName);
      return format === 'xlsx' ? await openXlsx(filePath) : await openCsv(filePath);
    } catch (e) {
      if (e instanceof UnsupportedFileFormatError) throw new UnsupportedImportFileException(e.message);
      if (e instanceof UnreadableFileError) throw new UnreadableImportFileException(e.message);
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') {
        throw new UnreadableImportFileException(
          `Cannot read ${fileName}: ${(e as Error).message} / Файл не читается`,
        );
      }
      throw e;
    }
  }

  private async process(
    record: Import,
    source: TableSource,
    importer: KindImport<{ rowNumber: number }>,
    options: RunImportOptions,
  ): Promise<Counts> {
    const counts: Counts = { total: 0, created: 0, updated: 0, unchanged: 0, failed: 0 };
    const newBatch = (): Batch => ({ values: [], errors: [], failedRows: 0, sources: new Map() });
    let batch = newBatch();
    // At most one batch is being written while the next one is read: bounded memory, both cores busy.
    let writing: Promise<void> | null = null;
    const submit = async (full: Batch) => {
      if (writing) await writing;
      writing = this.flush(record, source.header, importer, full, counts, options.dryRun ?? false);
      writing.catch(() => undefined); // awaited on the next submit or at the end
    };
    const progress = () =>
      options.onProgress?.({
        rows: counts.total,
        failed: counts.failed,
        bytesRead: source.bytesRead(),
        totalBytes: source.totalBytes,
      });

    try {
      for await (const chunk of source.rows()) {
        for (const row of chunk) {
          counts.total += 1;
          const result = importer.validate(row);
          batch.sources.set(row.rowNumber, row);
          if (result.ok) batch.values.push(result.value);
          else {
            batch.errors.push(...result.errors);
            batch.failedRows += 1;
          }
          if (batch.values.length >= importer.batchSize || batch.sources.size >= 4 * importer.batchSize) {
            await submit(batch);
            batch = newBatch();
          }
        }
        progress();
      }
    } catch (e) {
      // The file broke off: let the batch being written finish, so the counts say what was written.
      await (writing as Promise<void> | null)?.catch(() => undefined);
      throw e;
    }
    if (batch.sources.size > 0) await submit(batch);
    if (writing) await writing;
    progress();
    return counts;
  }

  private async flush(
    record: Import,
    header: string[],
    importer: KindImport<{ rowNumber: number }>,
    batch: Batch,
    counts: Counts,
    dryRun: boolean,
  ): Promise<void> {
    const outcome = batch.values.length > 0 ? await this.write(importer, batch.values, dryRun) : undefined;
    const errors = outcome ? [...batch.errors, ...outcome.errors] : batch.errors;
    if (errors.length > 0) await this.saveErrors(record.id, header, errors, batch.sources);
    counts.created += outcome?.created ?? 0;
    counts.updated += outcome?.updated ?? 0;
    counts.unchanged += outcome?.unchanged ?? 0;
    counts.failed += batch.failedRows + new Set(outcome?.errors.map((e) => e.row)).size;
    await this.imports.update(record.id, { ...counts });
  }

  /** One transaction per batch; a dry run rolls it back after the handler has counted. */
  private async write(
    importer: KindImport<{ rowNumber: number }>,
    values: { rowNumber: number }[],
    dryRun: boolean,
  ): Promise<BatchOutcome> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const outcome = await importer.write(manager, values);
        if (dryRun) throw new DryRunRollback(outcome);
        return outcome;
      });
    } catch (e) {
      if (e instanceof DryRunRollback) return e.outcome;
      throw e;
    }
  }

  private async saveErrors(
    importId: string,
    header: string[],
    errors: RowError[],
    sources: Map<number, SourceRow>,
  ): Promise<void> {
    const withRaw = new Set<number>();
    const rows = errors
      .sort((a, b) => a.row - b.row)
      .map((e) => {
        const source = sources.get(e.row);
        const first = !withRaw.has(e.row);
        withRaw.add(e.row);
        return {
          row_number: e.row,
          column_name: e.column,
          message: e.message,
          raw: first && source ? header.map((h, i) => [h, source.cells[i] ?? '']) : null,
        };
      });
    await this.dataSource.query(INSERT_IMPORT_ERRORS, [importId, JSON.stringify(rows)]);
  }
}

export function toSummary(record: Import): ImportSummary {
  return {
    id: record.id,
    kind: record.kind,
    status: record.status,
    dryRun: record.dryRun,
    fileName: record.fileName,
    format: record.format,
    encoding: record.encoding,
    delimiter: record.delimiter,
    total: record.total,
    created: record.created,
    updated: record.updated,
    unchanged: record.unchanged,
    failed: record.failed,
    ignoredColumns: Object.entries(record.mapping ?? {})
      .filter(([, field]) => field === null)
      .map(([column]) => column),
    message: record.message,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    finishedAt: record.finishedAt?.toISOString() ?? null,
  };
}
