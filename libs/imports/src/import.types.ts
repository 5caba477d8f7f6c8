export type ImportFormat = 'csv' | 'xlsx';

/** One data row as read from the file: cells aligned with the header, untouched. */
export interface SourceRow {
  /** As the user sees it: the header is row 1, the first data row is row 2. */
  rowNumber: number;
  cells: string[];
  /** A problem the reader found with the row itself (unclosed quote, more cells than columns). */
  problem?: string;
}

export interface RowError {
  row: number;
  /** The file's header text, or null when the problem is with the whole row. */
  column: string | null;
  message: string;
}

/** What a handler made of one row: a value to write, or the reasons it cannot be written. */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: RowError[] };

/** The result of writing one batch. `errors` are rows the database step refused. */
export interface BatchOutcome {
  created: number;
  updated: number;
  unchanged: number;
  errors: RowError[];
}

/** Who runs the import: the staff member who uploaded (null from the CLI without --staff). */
export interface ImportActor {
  staffId: string | null;
}

/** A column of the file and the field it feeds. */
export interface MappedColumn {
  index: number;
  header: string;
  field: string;
}
