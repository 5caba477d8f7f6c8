import * as path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';
import { StaffService } from '@touchbase/staff';
import { ImportKind } from '../entities/import.entity';
import { ImportProgress, ImportReport, ImportsService } from '../imports.service';

interface ImportOptions {
  kind: ImportKind;
  dryRun?: boolean;
  staff?: string;
  mapping?: Record<string, string | null>;
}

const SHOWN_ERRORS = 20;

@Command({
  name: 'import',
  arguments: '<file>',
  description:
    'Import clients, purchases or preferences from a CSV or XLSX file (any size). Exit code 0 when the import ran, even with bad rows; 1 when the file could not be read',
})
export class ImportCommand extends CommandRunner {
  constructor(
    private readonly imports: ImportsService,
    private readonly staff: StaffService,
  ) {
    super();
  }

  async run([file]: string[], options: ImportOptions): Promise<void> {
    const filePath = path.resolve(file);
    const staffId = options.staff ? (await this.staff.find(options.staff)).id : null;
    const progress = new ProgressView();
    let report: ImportReport;
    try {
      report = await this.imports.run({
        filePath,
        fileName: path.basename(filePath),
        kind: options.kind ?? ImportKind.Clients,
        dryRun: options.dryRun ?? false,
        mapping: options.mapping,
        staffId,
        onProgress: (p) => progress.update(p),
      });
    } finally {
      progress.stop();
    }
    process.stdout.write(formatReport(report));
    if (report.status === 'failed') process.exitCode = 1;
  }

  @Option({
    flags: '-k, --kind <kind>',
    description: `What the file holds: ${Object.values(ImportKind).join(', ')} (default clients)`,
  })
  parseKind(value: string): ImportKind {
    if (!Object.values(ImportKind).includes(value as ImportKind)) {
      throw new Error(`Unknown kind "${value}": use one of ${Object.values(ImportKind).join(', ')}`);
    }
    return value as ImportKind;
  }

  @Option({ flags: '--dry-run', description: 'Validate and report; write nothing but the report' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({
    flags: '-s, --staff <email>',
    description: "The staff member who imports (the consent log's actor); default: the system",
  })
  parseStaff(value: string): string {
    return value.trim();
  }

  @Option({
    flags: '-m, --mapping <json>',
    description: 'JSON object file column → field, over the automatic header mapping',
  })
  parseMapping(value: string): Record<string, string | null> {
    const parsed = JSON.parse(value) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('--mapping must be a JSON object of file column → field');
    }
    return parsed as Record<string, string | null>;
  }
}

/** A progress bar on stderr when it is a terminal; otherwise one final line. */
class ProgressView {
  private bar: SingleBar | null = null;
  private last: ImportProgress | null = null;
  private readonly started = Date.now();

  update(p: ImportProgress): void {
    this.last = p;
    if (!process.stderr.isTTY) return;
    if (!this.bar) {
      this.bar = new SingleBar({
        stream: process.stderr,
        format: 'Importing [{bar}] {percentage}% | {rows} rows, {failed} failed | {duration_formatted}',
        hideCursor: true,
      });
      this.bar.start(p.totalBytes, 0, { rows: 0, failed: 0 });
    }
    this.bar.update(p.bytesRead, { rows: p.rows, failed: p.failed });
  }

  stop(): void {
    if (this.bar && this.last)
      this.bar.update(this.last.totalBytes, { rows: this.last.rows, failed: this.last.failed });
    this.bar?.stop();
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(
      `Read ${this.last?.rows ?? 0} rows (${this.last?.failed ?? 0} failed) in ${seconds} s\n`,
    );
  }
}

export function formatReport(r: ImportReport): string {
  const lines = [
    `Import ${r.id}${r.dryRun ? ' (dry run: nothing written)' : ''}: ${r.status}`,
    `File: ${r.fileName} (${r.format}${r.encoding ? `, ${r.encoding}` : ''}${r.delimiter ? `, delimiter ${JSON.stringify(r.delimiter)}` : ''})`,
    `Rows: ${r.total}  ${r.dryRun ? 'would create' : 'created'}: ${r.created}  ${r.dryRun ? 'would update' : 'updated'}: ${r.updated}  unchanged: ${r.unchanged}  failed: ${r.failed}`,
  ];
  if (r.message) lines.push(`Stopped: ${r.message}`);
  if (r.ignoredColumns.length > 0) lines.push(`Ignored columns: ${r.ignoredColumns.join(', ')}`);
  if (r.errors.length > 0) {
    lines.push(`Errors (first ${Math.min(SHOWN_ERRORS, r.errors.length)} of ${r.failed} failed rows):`);
    for (const e of r.errors.slice(0, SHOWN_ERRORS)) {
      lines.push(`  row ${e.row}${e.column ? `, ${e.column}` : ''}: ${e.message}`);
    }
    lines.push(`All failed rows: GET /api/v1/imports/${r.id}/errors.csv`);
  }
  return `${lines.join('\n')}\n`;
}
