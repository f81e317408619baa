/**
 * Reading CSV text into checked records, shared by the tenant, lift-test and forecast readers:
 * the cheap checks on the raw text, the RFC 4180 split, and one cell per header column in every
 * row, each refused with the file, line and what to change.
 */
import { DataError, decimalCommaHint } from './errors.js';
import { readCsvRecords, type CsvRecords } from './rfc4180.js';
import { checkEncoding, checkSize, isBlank } from './text-checks.js';

/** RFC 4180 records with their start lines; a syntax problem becomes a DataError. */
export function readRecords(text: string, file: string): CsvRecords {
  const result = readCsvRecords(text);
  if ('problem' in result) {
    const what =
      result.problem === 'unclosed_quote'
        ? 'a quoted cell is never closed'
        : 'a closing quote is followed by other characters';
    throw new DataError(
      'malformed',
      file,
      result.line,
      null,
      `malformed CSV: ${what}; wrap cells that contain commas in double quotes and write a quote inside a quoted cell as ""`,
    );
  }
  return result;
}

/**
 * The records of a small CSV file (lift tests, a forecast): size and encoding checked, at least a
 * header. `emptyHint` says what the file should hold (after "file is empty; ").
 */
export function readSmallCsv(text: string, file: string, emptyHint: string): CsvRecords {
  checkSize(text, file);
  const empty = () => new DataError('empty', file, null, null, `file is empty; ${emptyHint}`);
  if (isBlank(text)) throw empty();
  checkEncoding(text, file);
  const records = readRecords(text, file);
  if (records.cells.length === 0) throw empty();
  return records;
}

/** Refuses a row whose number of cells is not the header's. */
export function checkRowWidth(
  row: readonly string[],
  headerLength: number,
  file: string,
  line: number,
): void {
  if (row.length !== headerLength) {
    throw new DataError(
      'ragged_row',
      file,
      line,
      null,
      `this row has ${row.length} cell${row.length === 1 ? '' : 's'} but the header has ${headerLength} columns; every row needs one cell per column` +
        decimalCommaHint(row, headerLength),
    );
  }
}
