/**
 * CSV injection (OWASP): a text cell a spreadsheet would read as a formula (or, for tab and
 * carriage return, one that Excel trims and then reads as a formula) starts with `=`, `+`, `-`,
 * `@`, `\t` or `\r`. Exports prefix such a cell with a single quote, which every spreadsheet
 * shows as text; readers of our own exports (training on a corrections file) take it off again.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const GUARDED = /^'[=+\-@\t\r]/;

/** The text as an exported cell: prefixed with `'` when it would start a formula. */
export function guardFormulaCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse of `guardFormulaCell`, for a cell read back from one of our exports. */
export function unguardFormulaCell(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell;
}
