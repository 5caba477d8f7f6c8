import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { neutraliseFormula, NotFoundException } from '@touchbase/core';
import { Import } from './entities/import.entity';
import { FAILED_ROWS_PAGE } from './import.sql';

const PAGE = 1000;
export const ERROR_COLUMN = 'Ошибка / Error';

/** One CSV field, quoted when it has to be; a formula is neutralised (people open this in a spreadsheet). */
export function csvField(cell: string, delimiter: string): string {
  const value = neutraliseFormula(cell);
  return value.includes(delimiter) || /["\r\n]/.test(value) || /^\s|\s$/.test(value)
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

/**
 * The failed rows of an import as CSV: the original columns as read, plus an error column. UTF-8 with
 * a BOM (so Excel shows Cyrillic), the file's own delimiter (`;` for .xlsx: Excel's in Russian
 * locales). Fix the rows and import this file again.
 */
@Injectable()
export class ImportErrorsExport {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Import) private readonly imports: Repository<Import>,
  ) {}

  async open(importId: string): Promise<{ fileName: string; lines: AsyncGenerator<string> }> {
    const record = await this.imports.findOneBy({ id: importId });
    if (!record) throw new NotFoundException('Import', importId);
    const base = record.fileName.replace(/\.[^.]+$/, '') || 'import';
    return { fileName: `${base}-errors.csv`, lines: this.lines(record) };
  }

  private async *lines(record: Import): AsyncGenerator<string> {
    const delimiter = record.delimiter ?? ';';
    const line = (fields: string[]) => `${fields.map((f) => csvField(f, delimiter)).join(delimiter)}\r\n`;
    let header: string[] | null = null;
    let after = 0;
    yield '\uFEFF';
    for (;;) {
      const rows: { row_number: number; raw: [string, string][] | null; messages: string[] }[] =
        await this.dataSource.query(FAILED_ROWS_PAGE, [record.id, after, PAGE]);
      if (rows.length === 0) break;
      for (const row of rows) {
        const raw = row.raw ?? [];
        if (header === null) {
          header = raw.map(([h]) => h);
          yield line([...header, ERROR_COLUMN]);
        }
        yield line([...header.map((_, i) => raw[i]?.[1] ?? ''), row.messages.join('; ')]);
      }
      after = rows[rows.length - 1].row_number;
    }
    if (header === null) yield line([ERROR_COLUMN]);
  }
}
