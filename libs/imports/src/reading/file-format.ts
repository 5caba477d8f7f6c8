import * as fs from 'node:fs';
import * as path from 'node:path';
import { ImportFormat } from '../import.types';

/** The file is not CSV or XLSX: the API answers 415. */
export class UnsupportedFileFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedFileFormatError';
  }
}

const SUPPORTED =
  'Поддерживаются CSV (UTF-8 или Windows-1251) и Excel .xlsx / Supported: CSV (UTF-8 or Windows-1251) and Excel .xlsx';

const SIGNATURES: { bytes: number[]; what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image / изображение PNG' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image / изображение JPEG' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image / изображение GIF' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document / документ PDF' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive / архив gzip' },
  { bytes: [0x52, 0x61, 0x72, 0x21], what: 'a RAR archive / архив RAR' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], what: 'a 7-Zip archive / архив 7-Zip' },
];

// Zip containers that are not workbooks, told apart by extension.
const OTHER_ZIPS = new Set(['.docx', '.pptx', '.ods', '.odt', '.zip', '.jar', '.epub']);

/** CSV or XLSX, from the first bytes (and the extension only where bytes cannot tell). */
export async function detectFormat(filePath: string, fileName: string): Promise<ImportFormat> {
  const handle = await fs.promises.open(filePath, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const ext = path.extname(fileName).toLowerCase();
  const startsWith = (bytes: number[]) => bytes.every((b, i) => head[i] === b);

  if (head.length === 0) throw new UnsupportedFileFormatError(`The file is empty / Файл пуст. ${SUPPORTED}`);
  if (startsWith([0x50, 0x4b, 0x03, 0x04])) {
    if (OTHER_ZIPS.has(ext)) {
      throw new UnsupportedFileFormatError(
        `${fileName} is a ${ext} file, not a workbook / не таблица. ${SUPPORTED}`,
      );
    }
    return 'xlsx';
  }
  if (startsWith([0xd0, 0xcf, 0x11, 0xe0])) {
    throw new UnsupportedFileFormatError(
      `Old Excel .xls files are not supported: save it as .xlsx or CSV / Старый формат .xls не поддерживается: сохраните файл как .xlsx или CSV`,
    );
  }
  for (const signature of SIGNATURES) {
    if (startsWith(signature.bytes)) {
      throw new UnsupportedFileFormatError(`${fileName} is ${signature.what}. ${SUPPORTED}`);
    }
  }
  if (startsWith([0xff, 0xfe]) || startsWith([0xfe, 0xff])) {
    throw new UnsupportedFileFormatError(
      `UTF-16 text is not supported: save as "CSV UTF-8" / Кодировка UTF-16 не поддерживается: сохраните как «CSV UTF-8»`,
    );
  }
  if (head.includes(0)) {
    throw new UnsupportedFileFormatError(
      `${fileName} is a binary file, not a table / двоичный файл, не таблица. ${SUPPORTED}`,
    );
  }
  if (ext === '.xlsx' || ext === '.xls') {
    throw new UnsupportedFileFormatError(
      `${fileName} is not a valid Excel file / не является файлом Excel. ${SUPPORTED}`,
    );
  }
  return 'csv';
}
