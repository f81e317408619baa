/** Errors and limits of tenant CSV import. */
import { LEAST_ROWS_TO_TRAIN } from '../folds.js';

/** Hard limits of CSV import; every limit error message quotes the value it hit. */
export const CSV_LIMITS = Object.freeze({
  /**
   * Maximum input size in bytes of UTF-8 (a file's size; text is measured as its UTF-8 encoding,
   * utf8Bytes): 20 MiB. It counted UTF-16 code units of the decoded text, so 11 Mi "é" (22 MiB of
   * UTF-8) passed.
   */
  maxChars: 20 * 1024 * 1024,
  /** Maximum number of data rows (the header is not counted). */
  maxRows: 200_000,
  /** Maximum number of columns in the header. */
  maxColumns: 64,
  /** Maximum characters in one cell (after trimming). */
  maxCellChars: 1024,
  /**
   * Least data rows of a daily file. Daily files from here up to the least its cross-validation
   * takes (core/folds.ts LEAST_ROWS_TO_TRAIN.daily, 147) are imported with a `too_short` warning and refused
   * by training with the rows it needs.
   */
  minRows: 60,
  /**
   * Least data rows of a weekly file: the least any cross-validation protocol takes (core/folds.ts
   * PROTOCOL_RULE: a first window of 26 weeks and two test blocks of 8), so a weekly file that
   * training can use (a year of weeks, say) is not refused at import.
   */
  minWeeklyRows: LEAST_ROWS_TO_TRAIN.weekly,
  /** Bad values are quoted in messages up to this many characters. */
  quoteChars: 40,
});

/** Stable machine-readable kind of a DataError (the message is for people). */
export type DataErrorCode =
  | 'too_large'
  | 'too_many_rows'
  | 'empty'
  | 'utf16'
  | 'binary'
  | 'not_utf8'
  | 'not_csv'
  | 'no_header'
  | 'malformed'
  | 'too_many_columns'
  | 'duplicate_column'
  | 'bad_column_name'
  | 'ragged_row'
  | 'cell_too_long'
  | 'unknown_role_column'
  | 'role_conflict'
  | 'no_date_column'
  | 'no_target_column'
  | 'no_spend_column'
  | 'duplicate_channel'
  | 'reserved_channel'
  | 'too_few_rows'
  | 'bad_date'
  | 'duplicate_date'
  | 'unsorted_dates'
  | 'date_gap'
  | 'mixed_frequency'
  | 'irregular_frequency'
  | 'empty_cell'
  | 'bad_number'
  | 'non_finite'
  | 'negative_spend'
  | 'constant_target'
  | 'missing_column'
  | 'forecast_start'
  | 'unknown_column'
  | 'unknown_channel'
  | 'no_spend_channel'
  | 'bad_window'
  | 'too_many_levels';

/**
 * A problem in the data of an imported file. `row` is the 1-based line in the file
 * (header = row 1, blank lines counted), null when the problem is not on one line;
 * `column` is the header name, null when not about one column.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    readonly code: DataErrorCode,
    readonly file: string,
    readonly row: number | null,
    readonly column: string | null,
    problem: string,
  ) {
    super(`${locate(file, row, column)}: ${problem}`);
  }
}

function locate(file: string, row: number | null, column: string | null): string {
  let where = file;
  if (row !== null) where += `, row ${row}`;
  if (column !== null) where += `, column "${column}"`;
  return where;
}

/**
 * Characters a message must not print raw: C0 and C1 controls, line and paragraph separators,
 * bidirectional marks and overrides (a file's cell or name with ESC sequences recoloured the
 * analyst's terminal; a line break forged a line of the server's own text).
 */
export const CONTROL_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- control characters are what it finds
  /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `value` with every CONTROL_CHARACTERS character written as a \uXXXX escape (\n, \t, \r as such). */
export function escapeControls(value: string): string {
  return value.replace(CONTROL_CHARACTERS, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\r'
        ? '\\r'
        : c === '\t'
          ? '\\t'
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Quote a cell value for a message, cut to CSV_LIMITS.quoteChars characters, its control
 * characters escaped (escapeControls).
 */
export function quoteValue(value: string): string {
  const max = CSV_LIMITS.quoteChars;
  const cut = value.length > max ? `${value.slice(0, max)}...` : value;
  return `"${escapeControls(cut)}"`;
}

/** Tenant ids name files and database rows, so they are kept to a safe alphabet. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Returns `id` unchanged when it is a valid tenant id; throws a RangeError saying why otherwise. */
export function validateTenantId(id: string): string {
  if (typeof id !== 'string' || !TENANT_ID_PATTERN.test(id)) {
    const shown = typeof id === 'string' ? quoteValue(id) : String(id);
    throw new RangeError(
      `invalid tenant id ${shown}: use 1 to 64 characters from a-z, 0-9, "_" and "-", ` +
        `starting with a letter or digit (e.g. "acme-shoes")`,
    );
  }
  return id;
}

/** A number written with a decimal comma (and maybe "." between thousands): `1650,37`, `-0,1`, `1.650,37`. */
const DECIMAL_COMMA = /^[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+$/;

/** `1.650,37` written with "." for decimals: `1650.37`. */
function withDecimalPoint(cell: string): string {
  return cell.replace(/\./g, '').replace(',', '.');
}

/**
 * A cell written with a decimal comma (`1650,37`, `1.650,37`) written with "." for decimals, or
 * null: also null for `1,650`, which is as likely a thousands separator.
 */
export function decimalCommaReading(cell: string): string | null {
  const t = cell.trim();
  return DECIMAL_COMMA.test(t) && !/^[-+]?\d{1,3},\d{3}$/.test(t) ? withDecimalPoint(t) : null;
}

/** Data rows a header's separator hint looks through for a decimal comma. */
const SEPARATOR_ROWS = 20;

/**
 * For a header read as a single column: the separator it looks written with (a spreadsheet set to
 * another locale writes ";"), as a clause of the refusal, or '' when none shows. With ";", the first
 * data rows (`records`, split at commas as the reader splits them) are looked through for a number
 * written with a decimal comma (`1650,37`), which gets the same clause: a European Excel file took
 * two refusals, and the obvious fix (";" to ",") split every such number in two.
 */
export function separatorHint(
  cell: string,
  records?: { cells: readonly (readonly string[])[]; lines: readonly number[] },
): string {
  const sep = /;/.test(cell) ? ';' : /\t/.test(cell) ? '\\t' : /\|/.test(cell) ? '|' : null;
  if (sep === null) return '';
  const decimal = sep === ';' && records !== undefined ? decimalCommaCell(records) : null;
  if (decimal !== null) {
    return (
      `; it looks separated by ";" and writes decimals with a comma (${quoteValue(decimal.cell)} on row ${decimal.row}): ` +
      `save it with commas as separators and "." for decimals (${withDecimalPoint(decimal.cell)}); ` +
      `replacing ";" with "," alone would split each such number in two`
    );
  }
  return `; it looks separated by "${sep}": save it with commas as separators`;
}

/** The first cell of the first data rows of a ";"-separated file written with a decimal comma. */
function decimalCommaCell(records: {
  cells: readonly (readonly string[])[];
  lines: readonly number[];
}): { cell: string; row: number } | null {
  for (let i = 1; i < Math.min(records.cells.length, SEPARATOR_ROWS + 1); i++) {
    const line = records.cells[i].join(',');
    const cell = line
      .split(';')
      .map((c) => c.trim())
      .find((c) => DECIMAL_COMMA.test(c));
    if (cell !== undefined) return { cell, row: records.lines[i] };
  }
  return null;
}

/**
 * For a row with more cells than the header: a number that looks written with a decimal comma and
 * so read as two cells (`1650,37` unquoted, as a ";"-separated file whose ";" were replaced by ","
 * has it), as a clause of the refusal, or '' when the cells show none: the row must hold at least
 * as many such pairs (an integer cell, then a cell of digits) as it has cells too many.
 */
export function decimalCommaHint(row: readonly string[], headerLength: number): string {
  const extra = row.length - headerLength;
  if (extra <= 0) return '';
  const pairs: number[] = [];
  for (let i = 0; i + 1 < row.length; i++) {
    if (/^[-+]?\d+$/.test(row[i]) && /^\d+$/.test(row[i + 1])) {
      pairs.push(i);
      i++;
    }
  }
  if (pairs.length < extra) return '';
  // A pair whose second cell has two digits (cents) shows it best.
  const i = pairs.find((k) => row[k + 1].length === 2) ?? pairs[0];
  const number = `${row[i]},${row[i + 1]}`;
  return (
    `; "${number}" looks like a number with a decimal comma, read as two cells (${quoteValue(row[i])} and ${quoteValue(row[i + 1])}): ` +
    `write decimals with "." (${withDecimalPoint(number)})`
  );
}

/** A formula's first character in a spreadsheet (OWASP's CSV injection list). */
const FORMULA_START = /^[=+\-@]/;

/**
 * Why a column name cannot be imported, or null. Names are printed in tool and terminal text and
 * written into every CSV the product writes (exports, plans' spend, decompositions): a probe's
 * file forged a "Next: delete_tenant ..." line in the import's MCP text with a line break, sent
 * ESC sequences to the analyst's terminal, and put =HYPERLINK(...) into a plan's spend CSV, which
 * a spreadsheet runs as a formula. Refused, not escaped, so an exported file imports back as the
 * same data.
 */
export function columnNameProblem(name: string): string | null {
  if (new RegExp(CONTROL_CHARACTERS.source).test(name)) {
    return 'holds a line break or another control character, which would forge lines or move the cursor where the name is printed; rename the column (letters, digits, spaces, "_" and punctuation)';
  }
  if (FORMULA_START.test(name)) {
    return `starts with "${name[0]}", which spreadsheets run as a formula in the CSV files the product writes (exports, plans' spend, decompositions); rename the column so it starts with a letter or a digit`;
  }
  return null;
}
