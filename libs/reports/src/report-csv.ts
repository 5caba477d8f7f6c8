import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '@touchbase/core';
import { ReportRow } from './report-tables';

/** One table of a report as CSV (UTF-8 with a BOM, so that spreadsheets read Cyrillic right). */
export function reportTableCsv(columns: readonly string[], rows: ReportRow[]): string {
  return stringify(rows, {
    header: true,
    bom: true,
    columns: [...columns],
    cast: {
      date: (value) => value.toISOString(),
      boolean: (value) => (value ? 'true' : 'false'),
      string: (value) => neutraliseFormula(value),
    },
  });
}
