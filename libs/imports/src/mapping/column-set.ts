import { restoreFormulaText } from '@touchbase/core';
import { MappedColumn, RowError, SourceRow } from '../import.types';

/** The mapped columns of one import: a row's value for a field, and the header to blame for it. */
export class ColumnSet {
  private readonly byField = new Map<string, MappedColumn>();

  constructor(readonly columns: MappedColumn[]) {
    for (const c of columns) this.byField.set(c.field, c);
  }

  has(field: string): boolean {
    return this.byField.has(field);
  }

  fields(): string[] {
    return [...this.byField.keys()];
  }

  header(field: string): string | null {
    return this.byField.get(field)?.header ?? null;
  }

  /**
   * The trimmed cell of `field`, '' when the column is absent or the cell empty. A formula our
   * errors file neutralised ('+7 912…) reads as what it was, so that file can be imported again.
   */
  value(row: SourceRow, field: string): string {
    const column = this.byField.get(field);
    if (!column) return '';
    const cell = row.cells[column.index];
    return cell === undefined ? '' : restoreFormulaText(cell.trim());
  }
}

/** Collects the problems of one row, each tied to the column of its field. */
export class RowProblems {
  readonly errors: RowError[] = [];

  constructor(
    private readonly columns: ColumnSet,
    private readonly row: SourceRow,
  ) {
    if (row.problem) this.errors.push({ row: row.rowNumber, column: null, message: row.problem });
  }

  add(field: string | null, message: string): void {
    this.errors.push({ row: this.row.rowNumber, column: field ? this.columns.header(field) : null, message });
  }

  get any(): boolean {
    return this.errors.length > 0;
  }
}

/** Thrown by a handler when the file lacks the columns it needs: nothing can be imported. */
export class MissingColumnsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingColumnsError';
  }
}
