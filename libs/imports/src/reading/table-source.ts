import { ImportFormat, SourceRow } from '../import.types';

/** A readable table: the header row, then the data rows in chunks, streamed from a file. */
export interface TableSource {
  readonly format: ImportFormat;
  /** csv: 'utf-8' or 'windows-1251'; null for xlsx. */
  readonly encoding: string | null;
  /** csv: ';', ',' or '\t'; null for xlsx. */
  readonly delimiter: string | null;
  readonly header: string[];
  readonly totalBytes: number;
  /** How far into the file reading has got, for progress. */
  bytesRead(): number;
  /** The data rows after the header, a chunk at a time; blank rows are skipped (but counted). */
  rows(): AsyncGenerator<SourceRow[]>;
  close(): Promise<void>;
}

/** The file cannot be read as a table at all (as opposed to a bad row): nothing is imported. */
export class UnreadableFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

export function isBlank(cells: string[]): boolean {
  for (const c of cells) if (c.trim().length > 0) return false;
  return true;
}
