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
  | 'bad_window';

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

/** Quote a cell value for a message, cut to CSV_LIMITS.quoteChars characters. */
export function quoteValue(value: string): string {
  const max = CSV_LIMITS.quoteChars;
  return value.length > max ? `"${value.slice(0, max)}..."` : `"${value}"`;
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

/**
 * For a header read as a single column: the separator it looks written with (a spreadsheet set to
 * another locale writes ";"), as a clause of the refusal, or '' when none shows.
 */
export function separatorHint(cell: string): string {
  const sep = /;/.test(cell) ? ';' : /\t/.test(cell) ? '\\t' : /\|/.test(cell) ? '|' : null;
  return sep === null ? '' : `; it looks separated by "${sep}": save it with commas as separators`;
}
