/**
 * parseLiftCsv: lift-test CSV text -> validated LiftTest rows (docs/calibration.md).
 *
 *   channel,start_date,end_date,spend_change,incremental_revenue,standard_error
 *   meta,2024-03-04,2024-03-31,-42000,-96000,15000
 *
 * Same reader and the same kind of errors as the tenant CSV (file, row, column, what to do).
 * When the tenant's series is given, each channel must be one of its channels, each window must
 * hold rows of its data, and a cut may not exceed what the channel spent in the window.
 */
import {
  channelHint,
  checkLiftPrecision,
  dataSpan,
  liftScaleProblem,
  liftNoSpendProblem,
  liftSpend,
  liftWindow,
  liftWindowOutsideData,
  weeklyRowsHint,
  type LiftTest,
} from '../lift.js';
import { canonicalChannel } from '../channel-names.js';
import type { TenantSeries } from '../types.js';
import { dateHint, parseIsoDay } from './dates.js';
import { CSV_LIMITS, DataError, quoteValue, separatorHint } from './errors.js';
import { readNumber } from './numbers.js';
import { checkRowWidth, readSmallCsv } from './records.js';

/** The columns of a lift-test file, in canonical order. */
export const LIFT_COLUMNS = [
  'channel',
  'start_date',
  'end_date',
  'spend_change',
  'incremental_revenue',
  'standard_error',
] as const;

/** At most this many tests per file. */
export const MAX_LIFT_ROWS = 1000;

export interface ParseLiftCsvOptions {
  /** Name used in error messages (default `lift.csv`). */
  fileName?: string;
  /** The tenant's series: channels, windows and cuts are checked against it when given. */
  series?: TenantSeries;
}

/**
 * Parses and validates lift-test CSV text. Throws a DataError naming the file, row and column of
 * the first problem; nothing is returned for invalid input.
 */
export function parseLiftCsv(text: string, options: ParseLiftCsvOptions = {}): LiftTest[] {
  const file = options.fileName ?? 'lift.csv';
  const { cells, lines } = readSmallCsv(
    text,
    file,
    `expected a header line ${LIFT_COLUMNS.join(',')} and one row per test`,
  );
  if (cells[0].length < 2) {
    throw new DataError(
      'not_csv',
      file,
      lines[0],
      null,
      `the header has a single column ${quoteValue(cells[0][0])}; expected comma-separated columns ${LIFT_COLUMNS.join(',')}${separatorHint(cells[0][0], { cells, lines })}`,
    );
  }
  const header = cells[0].map((h) => h.toLowerCase());
  const index = new Map<string, number>();
  header.forEach((h, j) => {
    if (h === '') return;
    if (index.has(h)) {
      throw new DataError(
        'duplicate_column',
        file,
        lines[0],
        cells[0][j],
        `this column name appears twice (columns ${index.get(h)! + 1} and ${j + 1}); keep one`,
      );
    }
    if (!(LIFT_COLUMNS as readonly string[]).includes(h)) {
      throw new DataError(
        'unknown_column',
        file,
        lines[0],
        cells[0][j],
        `unknown column; a lift-test file has exactly the columns ${LIFT_COLUMNS.join(', ')}`,
      );
    }
    index.set(h, j);
  });
  for (const c of LIFT_COLUMNS) {
    if (!index.has(c)) {
      throw new DataError(
        'missing_column',
        file,
        lines[0],
        null,
        `the header has no "${c}" column; a lift-test file has the columns ${LIFT_COLUMNS.join(', ')}`,
      );
    }
  }
  const n = cells.length - 1;
  if (n === 0) {
    throw new DataError('too_few_rows', file, null, null, 'the file has a header but no test rows');
  }
  if (n > MAX_LIFT_ROWS) {
    throw new DataError(
      'too_many_rows',
      file,
      null,
      null,
      `${n} test rows; the limit is ${MAX_LIFT_ROWS} per file; split the file`,
    );
  }
  const tests: LiftTest[] = [];
  for (let i = 1; i <= n; i++) {
    const row = cells[i];
    const line = lines[i];
    checkRowWidth(row, header.length, file, line);
    const cell = (c: (typeof LIFT_COLUMNS)[number]): string => row[index.get(c)!];
    const channel = cell('channel');
    if (channel === '')
      throw new DataError(
        'empty_cell',
        file,
        line,
        'channel',
        'empty channel; name the tested channel (e.g. meta)',
      );
    if (channel.length > CSV_LIMITS.maxCellChars) {
      throw new DataError(
        'cell_too_long',
        file,
        line,
        'channel',
        `a channel name of ${channel.length} characters; the limit is ${CSV_LIMITS.maxCellChars}`,
      );
    }
    const date = (c: 'start_date' | 'end_date'): string => {
      const text = cell(c);
      if (Number.isNaN(parseIsoDay(text))) {
        throw new DataError(
          'bad_date',
          file,
          line,
          c,
          `${quoteValue(text)} is not a date; write dates as YYYY-MM-DD (e.g. 2024-03-31)${dateHint(text)}`,
        );
      }
      return text;
    };
    const start = date('start_date');
    const end = date('end_date');
    if (end < start) {
      throw new DataError(
        'bad_window',
        file,
        line,
        'end_date',
        `end_date ${end} is before start_date ${start}; the window is [start_date, end_date], both included`,
      );
    }
    const num = (c: 'spend_change' | 'incremental_revenue' | 'standard_error'): number => {
      const text = cell(c);
      const v = readNumber(text);
      if (v === 'empty')
        throw new DataError(
          'empty_cell',
          file,
          line,
          c,
          'empty cell; every test needs a number here',
        );
      if (v === 'not_number') {
        throw new DataError(
          'bad_number',
          file,
          line,
          c,
          `${quoteValue(text)} is not a number; write plain decimals such as -42000 or 1.5e4 (no currency signs or thousands separators)`,
        );
      }
      if (v === 'non_finite')
        throw new DataError(
          'non_finite',
          file,
          line,
          c,
          `${quoteValue(text)} is not a finite number`,
        );
      return v;
    };
    const spendChange = num('spend_change');
    if (spendChange === 0) {
      throw new DataError(
        'bad_number',
        file,
        line,
        'spend_change',
        'spend_change is 0; a lift test changes spend (negative for a hold-out, positive for a boost)',
      );
    }
    const lift = num('incremental_revenue');
    const se = num('standard_error');
    if (!(se > 0)) {
      throw new DataError(
        'bad_number',
        file,
        line,
        'standard_error',
        `standard_error ${se} must be > 0 (the experiment's standard error of incremental_revenue, in currency)`,
      );
    }
    const test: LiftTest = {
      channel,
      start,
      end,
      spend_change: spendChange,
      incremental_revenue: lift,
      standard_error: se,
    };
    if (options.series) {
      // "tv" for the channel "TV", as plan bounds read it (core/channel-names.ts).
      test.channel = canonicalChannel(test.channel, options.series.channels);
      checkAgainstSeries(options.series, test, file, line);
    }
    tests.push(test);
  }
  return tests;
}

function checkAgainstSeries(series: TenantSeries, t: LiftTest, file: string, line: number): void {
  if (!series.channels.includes(t.channel)) {
    throw new DataError(
      'unknown_channel',
      file,
      line,
      'channel',
      `${quoteValue(t.channel)} is not a channel of tenant ${series.tenant}; its channels are ${series.channels.join(', ')}${channelHint(t.channel, series.channels)}`,
    );
  }
  let w;
  try {
    w = liftWindow(series, t);
  } catch {
    const hint = weeklyRowsHint(series, t);
    const { first, last } = dataSpan(series);
    throw new DataError(
      'bad_window',
      file,
      line,
      'start_date',
      `the window ${t.start}..${t.end} holds no date of tenant ${series.tenant}'s data (${first}..${last}); the model can only be compared with tests inside the data${hint}`,
    );
  }
  const outside = liftWindowOutsideData(series, t, w);
  if (outside) throw new DataError('bad_window', file, line, outside.column, outside.message);
  const unspent = liftNoSpendProblem(series, t, w);
  if (unspent) {
    const code = unspent.column === 'channel' ? 'no_spend_channel' : 'bad_number';
    throw new DataError(code, file, line, unspent.column, unspent.message);
  }
  try {
    liftSpend(series, t, w);
  } catch (e) {
    throw new DataError(
      'bad_number',
      file,
      line,
      'spend_change',
      `${(e as Error).message}; a hold-out can at most remove the spend of the window`,
    );
  }
  const scale = liftScaleProblem(series, t, w);
  if (scale) throw new DataError('bad_number', file, line, scale.column, scale.message);
  try {
    checkLiftPrecision(series, t, w);
  } catch (e) {
    throw new DataError('bad_number', file, line, 'standard_error', (e as Error).message);
  }
}

/** Lift tests as canonical CSV text (LF, trailing newline, shortest round-trip numbers). */
export function liftTestsToCsv(tests: readonly LiftTest[]): string {
  const q = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [LIFT_COLUMNS.join(',')];
  for (const t of tests) {
    lines.push(
      [
        q(t.channel),
        t.start,
        t.end,
        String(t.spend_change),
        String(t.incremental_revenue),
        String(t.standard_error),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}
