import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
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
import { HeaderMapping, IMPORT_FIELDS, mapHeaders, TopicRef } from './mapping/header-mapping';
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
  /** How far into the file it has read, of totalBytes (all of it once finished). */
  bytesRead: number;
  totalBytes: number;
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

/** The rows `inspect` shows of a file. */
export const INSPECTED_ROWS = 5;

/** How often a running import records how far it has read (and that it is alive). */
export const PROGRESS_EVERY_MS = 250;

/** A processing import silent this long was interrupted (its process stopped). */
export const INTERRUPTED_AFTER_SECONDS = 300;

const INTERRUPTED_MESSAGE =
  'The import was interrupted (touchbase stopped while it ran); the rows before it were imported. Import the file again: rows already written are matched, not duplicated / ' +
  'Импорт прерван остановкой touchbase; строки до этого места импортированы. Загрузите файл ещё раз: уже записанные строки будут сопоставлены, а не задублированы';

export interface ImportInspectionColumn {
  index: number;
  header: string;
  /** The field this column feeds; null: ignored. */
  field: string | null;
  /** Its values in the first rows. */
  samples: string[];
}

export interface ImportInspection {
  kind: ImportKind;
  fileName: string;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  totalBytes: number;
  columns: ImportInspectionColumn[];
  /** Every field an import of this kind fills. */
  fields: string[];
  /** Why this file cannot be imported as mapped (a required column is missing), else null. */
  problem: string | null;
}

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
export class ImportsService implements OnApplicationBootstrap {
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

  /** Runs an import to its end: the final report. */
  async run(options: RunImportOptions): Promise<ImportReport> {
    const { summary, done } = await this.start(options);
    await done;
    return this.get(summary.id);
  }

  /**
   * Starts an import: once the file is open, its header mapped and its record made (status
   * processing), the rows are read, validated and written in the background. `done` settles when the
   * import has ended (it rejects on an internal error, the record marked failed); the file is read
   * until then.
   */
  async start(options: RunImportOptions): Promise<{ summary: ImportSummary; done: Promise<void> }> {
    const handler = this.handlerOf(options.kind);
    const source = await this.openSource(options.filePath, options.fileName);
    let record: Import;
    let importer: KindImport<{ rowNumber: number }>;
    try {
      const opened = await this.openImport(handler, source, options);
      if ('problem' in opened) {
        throw new UnreadableImportFileException(
          `${opened.problem}. Столбцы файла / Columns in the file: ${source.header.filter((h) => h).join(', ')}`,
        );
      }
      const { mapping } = opened;
      importer = opened.importer;
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
          totalBytes: source.totalBytes,
          heartbeatAt: new Date(),
          createdBy: options.staffId ?? null,
        }),
      );
    } catch (e) {
      await source.close();
      throw e instanceof UnreadableFileError ? new UnreadableImportFileException(e.message) : e;
    }
    this.logger.log(
      { importId: record.id, kind: record.kind, file: record.fileName, dryRun: record.dryRun },
      'Import started',
    );
    const done = this.complete(record, source, importer, handler, options);
    return { summary: toSummary(record), done };
  }

  /**
   * What an import of this file would do before it runs: the file's format, each column with the
   * field it feeds (the automatic Russian/English mapping, or `mapping`) and its first values, the
   * fields there are, and what is missing for the import to run at all. Nothing is written.
   */
  async inspect(
    options: Pick<RunImportOptions, 'filePath' | 'fileName' | 'kind' | 'mapping'>,
  ): Promise<ImportInspection> {
    const handler = this.handlerOf(options.kind);
    const source = await this.openSource(options.filePath, options.fileName);
    try {
      const opened = await this.openImport(handler, source, { ...options, staffId: null });
      const { mapping, topics } = opened;
      const sample: SourceRow[] = [];
      for await (const chunk of source.rows()) {
        sample.push(...chunk.slice(0, INSPECTED_ROWS - sample.length));
        if (sample.length >= INSPECTED_ROWS) break;
      }
      const fieldAt = new Map(mapping.columns.map((c) => [c.index, c.field]));
      return {
        kind: options.kind,
        fileName: options.fileName,
        format: source.format,
        encoding: source.encoding,
        delimiter: source.delimiter,
        totalBytes: source.totalBytes,
        columns: source.header.map((header, index) => ({
          index,
          header,
          field: fieldAt.get(index) ?? null,
          samples: sample.map((row) => row.cells[index] ?? ''),
        })),
        fields: [
          ...IMPORT_FIELDS[options.kind].map((f) => f.field),
          ...(options.kind === ImportKind.Preferences ? topics.map((t) => `topic.${t.key}`) : []),
        ],
        problem: 'problem' in opened ? opened.problem : null,
      };
    } catch (e) {
      throw e instanceof UnreadableFileError ? new UnreadableImportFileException(e.message) : e;
    } finally {
      await source.close();
    }
  }

  /**
   * Imports still "processing" whose process has given no sign of life for a while (it was stopped or
   * crashed): failed, saying so, with what they had written kept.
   */
  async failInterrupted(): Promise<number> {
    const result = await this.imports
      .createQueryBuilder()
      .update()
      .set({ status: ImportStatus.Failed, message: INTERRUPTED_MESSAGE, finishedAt: () => 'now()' })
      .where('status = :processing', { processing: ImportStatus.Processing })
      .andWhere(`coalesce(heartbeat_at, created_at) < now() - make_interval(secs => :seconds)`, {
        seconds: INTERRUPTED_AFTER_SECONDS,
      })
      .execute();
    const count = result.affected ?? 0;
    if (count > 0) this.logger.warn({ count }, 'Imports interrupted by a stop were marked failed');
    return count;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.failInterrupted();
  }

  /** The file's header mapped, and the handler opened on it — or why it cannot be (a column missing). */
  private async openImport(
    handler: ImportHandler,
    source: TableSource,
    options: Pick<RunImportOptions, 'kind' | 'mapping' | 'staffId'>,
  ): Promise<
    { mapping: HeaderMapping; topics: TopicRef[] } & (
      { importer: KindImport<{ rowNumber: number }> } | { problem: string }
    )
  > {
    const topics = options.kind === ImportKind.Preferences ? await this.topics.list() : [];
    const mapping = mapHeaders(options.kind, source.header, options.mapping, topics);
    try {
      const importer = await handler.open({
        columns: new ColumnSet(mapping.columns),
        actor: { staffId: options.staffId ?? null },
      });
      return { mapping, topics, importer };
    } catch (e) {
      if (!(e instanceof MissingColumnsError)) throw e;
      return { mapping, topics, problem: e.message };
    }
  }

  private handlerOf(kind: ImportKind): ImportHandler {
    const handler = this.handlers.get(kind);
    if (!handler) {
      throw new ValidationException(`Unknown import kind ${kind}`, [
        { field: 'kind', messages: [`kind must be one of ${Object.values(ImportKind).join(', ')}`] },
      ]);
    }
    return handler;
  }

  private async complete(
    record: Import,
    source: TableSource,
    importer: KindImport<{ rowNumber: number }>,
    handler: ImportHandler,
    options: RunImportOptions,
  ): Promise<void> {
    try {
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
        bytesRead: source.totalBytes,
        status: ImportStatus.Completed,
        finishedAt: new Date(),
      });
      this.logger.log({ importId: record.id, ...counts }, 'Import completed');
    } catch (e) {
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
    let beat = Date.now();
    const progress = async () => {
      options.onProgress?.({
        rows: counts.total,
        failed: counts.failed,
        bytesRead: source.bytesRead(),
        totalBytes: source.totalBytes,
      });
      // How far it has read, and that it is alive: for whoever watches it (the console's progress bar).
      if (Date.now() - beat >= PROGRESS_EVERY_MS) {
        beat = Date.now();
        await this.imports.update(record.id, { bytesRead: source.bytesRead(), heartbeatAt: new Date() });
      }
    };

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
        await progress();
      }
    } catch (e) {
      // The file broke off: let the batch being written finish, so the counts say what was written.
      await (writing as Promise<void> | null)?.catch(() => undefined);
      throw e;
    }
    if (batch.sources.size > 0) await submit(batch);
    if (writing) await writing;
    await progress();
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
    await this.imports.update(record.id, { ...counts, heartbeatAt: new Date() });
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
    bytesRead: record.status === ImportStatus.Completed ? record.totalBytes : record.bytesRead,
    totalBytes: record.totalBytes,
    ignoredColumns: Object.entries(record.mapping ?? {})
      .filter(([, field]) => field === null)
      .map(([column]) => column),
    message: record.message,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    finishedAt: record.finishedAt?.toISOString() ?? null,
  };
}
