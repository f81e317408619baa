/** Strict numeric cells and their exact text form. */

/** Plain decimal or scientific notation: 12, -3.5, .5, 1.5e3, 1E-7. No hex, no separators. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE_WORD = /^[+-]?(?:nan|inf|infinity)$/i;

/** What spreadsheets and data tools write for a missing value (pandas NaN, Excel #N/A, R NA). */
export const MISSING_MARKER = /^\s*(nan|n\/?a|#n\/a|null|none|nil|missing|-|--|\?)\s*$/i;

/** Result of reading one numeric cell: the value, or why it is not one. */
export type CellReading = number | 'empty' | 'not_number' | 'non_finite';

/** Reads a trimmed cell: decimal text to its double, or the reason it is refused. */
export function readNumber(cell: string): CellReading {
  if (cell === '') return 'empty';
  if (DECIMAL.test(cell)) {
    const x = Number(cell);
    return Number.isFinite(x) ? x : 'non_finite';
  }
  return NON_FINITE_WORD.test(cell) ? 'non_finite' : 'not_number';
}

/**
 * Shortest text that reads back to the same double: ECMAScript Number::toString gives the
 * shortest round-trip digits (e.g. 0.1, 1e+21, 5e-324); negative zero is written "-0",
 * which toString would print as "0".
 */
export function formatNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/**
 * x rounded to `digits` significant digits, as its shortest text (negative zero and values that
 * round to 0 read "0"): figures for people's spreadsheets, not for reading back bit for bit.
 */
export function formatSignificant(x: number, digits: number): string {
  return String(Number(x.toPrecision(digits)) || 0);
}
