// A cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(…), @SUM(…), +cmd|…),
// and the text of our CSV files comes from imports, clients and the portal.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEUTRALISED = /^'[=+\-@\t\r]/;

/** Text a spreadsheet shows as text: a leading formula character is preceded by an apostrophe. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse, for files of ours that come back (an import's errors file, fixed and imported again). */
export function restoreFormulaText(text: string): string {
  return NEUTRALISED.test(text) ? text.slice(1) : text;
}
