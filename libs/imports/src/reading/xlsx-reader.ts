import * as fs from 'node:fs';
import { Transform } from 'node:stream';
import * as ExcelJS from 'exceljs';
import { SourceRow } from '../import.types';
import { isBlank, TableSource, UnreadableFileError } from './table-source';

type WorksheetReader = ExcelJS.stream.xlsx.WorksheetReader;

/** A cell as text, the way the user sees it (dates as YYYY-MM-DD[ HH:MM:SS], formulas by their result). */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return excelDateText(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('formula' in value || 'sharedFormula' in value)
    return cellText((value.result ?? null) as ExcelJS.CellValue);
  if ('hyperlink' in value) {
    const text = value.text as unknown;
    return typeof text === 'string' ? text : cellText(text as ExcelJS.CellValue);
  }
  if ('error' in value) return '';
  return String(value);
}

// exceljs gives the wall-clock time of a date cell as a UTC instant.
function excelDateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

function rowCells(row: ExcelJS.Row): string[] {
  // row.values is 1-based and sparse.
  const values = row.values as ExcelJS.CellValue[];
  const cells: string[] = [];
  for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
  return cells;
}

/** The first worksheet of an .xlsx, streamed with exceljs (shared strings cached, styles for dates). */
export async function openXlsx(path: string): Promise<TableSource> {
  const totalBytes = (await fs.promises.stat(path)).size;
  const file = fs.createReadStream(path, { highWaterMark: 256 * 1024 });
  let bytesRead = 0;
  // Counts what exceljs has taken, for progress.
  const input = file.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytesRead += chunk.length;
        done(null, chunk);
      },
    }),
  );
  input.on('close', () => file.destroy());
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const sheets = workbook[Symbol.asyncIterator]();
  const rowsOf = async (): Promise<AsyncIterator<ExcelJS.Row> | null> => {
    const sheet = await sheets.next();
    return sheet.done ? null : (sheet.value as WorksheetReader)[Symbol.asyncIterator]();
  };
  let rowIterator: AsyncIterator<ExcelJS.Row> | null;
  try {
    rowIterator = await rowsOf();
  } catch (e) {
    input.destroy();
    throw new UnreadableFileError(
      `The .xlsx file cannot be read (${e instanceof Error ? e.message : String(e)}) / Файл .xlsx не читается`,
    );
  }
  if (!rowIterator) {
    input.destroy();
    throw new UnreadableFileError('The workbook has no worksheet / В книге нет листов');
  }
  const rows = rowIterator;
  const nextRow = async (): Promise<IteratorResult<ExcelJS.Row>> => {
    try {
      return await rows.next();
    } catch (e) {
      throw new UnreadableFileError(
        `The .xlsx file is damaged (${e instanceof Error ? e.message : String(e)}) / Файл .xlsx повреждён`,
      );
    }
  };

  let header: string[] | null = null;
  for (;;) {
    const next = await nextRow().catch((e: unknown) => {
      input.destroy();
      throw e;
    });
    if (next.done) break;
    const cells = rowCells(next.value);
    if (!isBlank(cells)) {
      header = cells.map((h) => h.trim());
      break;
    }
  }
  if (!header) {
    input.destroy();
    throw new UnreadableFileError(
      'The first worksheet is empty: no header row / Первый лист пуст: нет строки заголовка',
    );
  }
  const width = header.length;

  return {
    format: 'xlsx',
    encoding: null,
    delimiter: null,
    header,
    totalBytes,
    bytesRead: () => bytesRead,
    async *rows() {
      try {
        let chunk: SourceRow[] = [];
        for (;;) {
          const next = await nextRow();
          if (next.done) break;
          const cells = rowCells(next.value);
          if (isBlank(cells)) continue;
          const row: SourceRow = { rowNumber: next.value.number, cells };
          if (cells.length > width && !isBlank(cells.slice(width))) {
            row.problem = `В строке заполнены ячейки правее последнего столбца заголовка (${width}) / The row has values right of the last header column (${width})`;
          }
          chunk.push(row);
          if (chunk.length >= 500) {
            yield chunk;
            chunk = [];
          }
        }
        if (chunk.length > 0) yield chunk;
      } finally {
        input.destroy();
      }
    },
    close: async () => {
      input.destroy();
    },
  };
}
