/** Made-up daily CSV files for the import's message tests, and the parse and refusal they get. */
import { DataError, isoFromDays, parseIsoDay, parseTenantCsv } from '../src/core/csv.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';

/** Rows of a made-up file. */
export const ROWS = 120;

/** A made-up daily file from 2024-01-01: the header as given, cells by `cell`, joined by `sep`. */
export function csv(
  header: string[],
  cell: (column: number, row: number) => string = (j, t) => defaultCell(header, j, t),
  sep = ',',
): string {
  const lines = [header.join(sep)];
  for (let t = 0; t < ROWS; t++) lines.push(header.map((_, j) => cell(j, t)).join(sep));
  return lines.join('\n') + '\n';
}

/** The date in column 0, revenue in the last column, spend-like numbers between. */
export function defaultCell(header: string[], j: number, t: number): string {
  if (j === 0) return isoFromDays(parseIsoDay('2024-01-01') + t);
  if (j === header.length - 1) return (5000 + 40 * Math.sin(t / 4) + 3 * t).toFixed(2);
  return (100 + 10 * j + 30 * Math.sin(t / (2 + j))).toFixed(2);
}

/** The CSV parsed as the CLI's import parses it (tenant x, file f.csv). */
export function parse(text: string) {
  return parseTenantCsv(text, { tenant: 'x', fileName: 'f.csv', words: CLI_OPTION_WORDS });
}

/** The DataError the file is refused with; throws when it is accepted. */
export function refusal(text: string): DataError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('the file was accepted');
}
