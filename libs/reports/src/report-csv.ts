import { stringify } from 'csv-stringify/sync';
import { ReportRow } from './report-tables';

// A cell starting with one of these is a formula to a spreadsheet: client names come from imports.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One table of a report as CSV (UTF-8 with a BOM, so that spreadsheets read Cyrillic right). */
export function reportTableCsv(columns: readonly string[], rows: ReportRow[]): string {
  return stringify(rows, {
    header: true,
    bom: true,
    columns: [...columns],
    cast: {
      date: (value) => value.toISOString(),
      boolean: (value) => (value ? 'true' : 'false'),
      string: (value) => (FORMULA_START.test(value) ? `'${value}` : value),
    },
  });
}
