import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import * as iconv from 'iconv-lite';
import { SourceRow } from '../import.types';
import { CsvRecord, CsvTokenizer } from './csv-tokenizer';
import { isBlank, TableSource, UnreadableFileError } from './table-source';

const CHUNK_BYTES = 256 * 1024;
const DELIMITERS = [';', '\t', ','] as const;
// The header line must fit in this much text: a longer one is not a table header.
const MAX_HEADER_CHARS = 64 * 1024;

export type CsvEncoding = 'utf-8' | 'windows-1251';

/**
 * UTF-8 when the whole file is valid UTF-8, else Windows-1251 (what Excel for Russian Windows saves).
 * One streaming pass that stops at the first invalid sequence; the file is never held in memory.
 */
export async function detectEncoding(path: string): Promise<CsvEncoding> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stream = fs.createReadStream(path, { highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return 'utf-8';
  } catch (e) {
    // By code, not instanceof: under jest the decoder's TypeError comes from another realm.
    if ((e as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return 'windows-1251';
    throw e;
  } finally {
    stream.destroy();
  }
}

/** The delimiter that occurs most often in the header line outside quotes (`;` wins ties). */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: string = ';';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

interface TextDecoderLike {
  write(chunk: Buffer): string;
  end(): string;
}

function textDecoder(encoding: CsvEncoding): TextDecoderLike {
  if (encoding === 'windows-1251') {
    const d = iconv.getDecoder('win1251');
    return { write: (b) => d.write(b), end: () => d.end() ?? '' };
  }
  const d = new StringDecoder('utf8');
  return { write: (b) => d.write(b), end: () => d.end() };
}

export async function openCsv(path: string): Promise<TableSource> {
  const totalBytes = (await fs.promises.stat(path)).size;
  const encoding = await detectEncoding(path);
  const stream = fs.createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const decoder = textDecoder(encoding);
  let bytesRead = 0;
  let ended = false;

  const nextText = async (): Promise<string | null> => {
    if (ended) return null;
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      return decoder.end();
    }
    bytesRead += next.value.length;
    return decoder.write(next.value);
  };

  // Read until the header line is complete, to choose the delimiter before tokenizing.
  let head = '';
  for (;;) {
    const text = await nextText();
    if (text === null) break;
    head += text;
    if (/[\r\n]/.test(head) || head.length > MAX_HEADER_CHARS) break;
  }
  if (head.charCodeAt(0) === 0xfeff) head = head.slice(1);
  const firstLine = head.split(/\r\n|\r|\n/, 1)[0] ?? '';
  if (firstLine.length > MAX_HEADER_CHARS || firstLine.includes('\u0000')) {
    stream.destroy();
    throw new UnreadableFileError('The file does not look like a CSV table / Файл не похож на CSV-таблицу');
  }
  const delimiter = detectDelimiter(firstLine);
  const tokenizer = new CsvTokenizer(delimiter);

  // Records come out in order; the header is the first non-blank one, counted as a row like any other.
  let recordNumber = 0;
  let header: string[] | null = null;
  let records = tokenizer.push(head);
  let finished = false;
  while (header === null) {
    let i = 0;
    for (; i < records.length && header === null; i++) {
      recordNumber += 1;
      if (!isBlank(records[i].fields)) header = records[i].fields.map((h) => h.trim());
    }
    records = records.slice(i);
    if (header !== null || finished) break;
    const text = await nextText();
    finished = text === null;
    records = text === null ? tokenizer.end() : tokenizer.push(text);
  }
  if (header === null) {
    stream.destroy();
    throw new UnreadableFileError('The file is empty: no header row / Файл пуст: нет строки заголовка');
  }
  const headerCells: string[] = header;
  const take = (batch: CsvRecord[]): SourceRow[] => {
    const rows: SourceRow[] = [];
    for (const record of batch) {
      recordNumber += 1;
      if (!isBlank(record.fields)) rows.push(toRow(recordNumber, record, headerCells.length));
    }
    return rows;
  };
  const firstRecords = records;

  return {
    format: 'csv',
    encoding,
    delimiter,
    header: headerCells,
    totalBytes,
    bytesRead: () => bytesRead,
    async *rows() {
      try {
        const first = take(firstRecords);
        if (first.length > 0) yield first;
        if (finished) return;
        for (;;) {
          const text = await nextText();
          const records = text === null ? tokenizer.end() : tokenizer.push(text);
          const rows = take(records);
          if (rows.length > 0) yield rows;
          if (text === null) return;
        }
      } finally {
        stream.destroy();
      }
    },
    close: async () => {
      stream.destroy();
    },
  };
}

function toRow(rowNumber: number, record: CsvRecord, width: number): SourceRow {
  const row: SourceRow = { rowNumber, cells: record.fields };
  if (record.unclosedQuote) {
    row.problem =
      'Незакрытая кавычка: строка продолжается до конца файла / Unclosed quote: the row runs to the end of the file';
  } else if (record.fields.length > width && !isBlank(record.fields.slice(width))) {
    row.problem = `В строке ${record.fields.length} значений, а столбцов в заголовке ${width}: проверьте разделитель и кавычки / The row has ${record.fields.length} values but the header has ${width} columns: check the delimiter and quotes`;
  }
  return row;
}
