/**
 * The date column of a file of future periods (a weather forecast, a spend plan): one row per day
 * or week from the period after the data, oldest first, no gaps, each refused with the file, row
 * and what to change.
 */
import { classifySteps, dateHint, isoFromDays, parseIsoDay } from './dates.js';
import { columnNameProblem, CSV_LIMITS, DataError, quoteValue, separatorHint } from './errors.js';
import { MISSING_MARKER, readNumber } from './numbers.js';
import { checkRowWidth } from './records.js';

export interface PeriodDatesOptions {
  file: string;
  /** What the file is, in messages: "the forecast", "the spend plan". */
  noun: string;
  /** The first date must be this one (the period after the data). */
  firstDate: string;
  /** Days between rows: 1 (daily) or 7 (weekly), as the data. */
  stepDays: 1 | 7;
  /**
   * Added to the message of a daily file for weekly data (what a weekly row of this file holds),
   * after ": this <noun> has a row per day and the tenant's data are weekly; make one row per week
   * dated ...".
   */
  weeklyRowHint: string;
}

/**
 * The dates of rows 1.. of `cells` (row 0 is the header), checked: real dates, the first one
 * `firstDate`, then one step apart. Rows are also checked to have the header's width.
 */
export function readPeriodDates(
  cells: readonly (readonly string[])[],
  lines: readonly number[],
  header: readonly string[],
  dateCol: number,
  o: PeriodDatesOptions,
): string[] {
  const file = o.file;
  const n = cells.length - 1;
  const days = new Float64Array(n);
  const dates: string[] = [];
  for (let i = 0; i < n; i++) {
    const row = cells[i + 1];
    checkRowWidth(row, header.length, file, lines[i + 1]);
    const d = parseIsoDay(row[dateCol]);
    if (Number.isNaN(d)) {
      throw new DataError(
        'bad_date',
        file,
        lines[i + 1],
        header[dateCol],
        `${quoteValue(row[dateCol])} is not a date; write dates as YYYY-MM-DD${dateHint(row[dateCol])}`,
      );
    }
    days[i] = d;
    dates.push(row[dateCol]);
  }
  const unit = o.stepDays === 1 ? 'day' : 'week';
  const first = parseIsoDay(o.firstDate);
  if (n > 0 && days[0] !== first) {
    throw new DataError(
      'forecast_start',
      file,
      lines[1],
      header[dateCol],
      `${o.noun} starts on ${dates[0]}, but the plan starts on ${o.firstDate}, the ${unit} after the data ends; give one row per ${unit} from ${o.firstDate}`,
    );
  }
  for (let i = 1; i < n; i++) {
    // A date given twice is said as such (it read "after 2025-01-09 the next row must be
    // 2025-01-10 (got 2025-01-09)").
    if (days[i] === days[i - 1]) {
      throw new DataError(
        'duplicate_date',
        file,
        lines[i + 1],
        header[dateCol],
        `duplicate date: ${dates[i]} is also on row ${lines[i]}; keep one row per ${unit}`,
      );
    }
    if (days[i] - days[i - 1] !== o.stepDays) {
      // A daily file (what weather services and spreadsheets give) for weekly data: say how to
      // make weeks of it, as the data's weekly rows hold them, not only that the step is off.
      const dailyForWeekly =
        o.stepDays === 7 && days[i] - days[i - 1] === 1
          ? `: this ${o.noun.replace(/^the /, '')} has a row per day and the tenant's data are weekly; make one row per week dated ${o.firstDate}, ${isoFromDays(first + 7)}, ... ${o.weeklyRowHint}`
          : '';
      throw new DataError(
        days[i] <= days[i - 1] ? 'unsorted_dates' : 'date_gap',
        file,
        lines[i + 1],
        header[dateCol],
        `after ${dates[i - 1]} the next row must be ${isoFromDays(days[i - 1] + o.stepDays)} (got ${dates[i]}); one row per ${unit}, oldest first, no gaps${dailyForWeekly}`,
      );
    }
  }
  if (n > 1 && classifySteps(days).kind !== 'ok') {
    throw new DataError('irregular_frequency', file, null, header[dateCol], 'irregular date steps');
  }
  return dates;
}

/**
 * The header of such a file checked (more than one column, within the column limit, each name
 * printable in messages as the data file's are) and its date column's index. `columns`: the
 * columns it should have after the date, as the messages show them ("temperature_c,...").
 */
export function readPeriodHeader(
  header: readonly string[],
  lines: readonly number[],
  file: string,
  columns: string,
  what: string,
): number {
  if (header.length < 2) {
    throw new DataError(
      'not_csv',
      file,
      lines[0],
      null,
      `the header has a single column ${quoteValue(header[0])}; expected comma-separated columns date,${columns}${separatorHint(header[0])}`,
    );
  }
  if (header.length > CSV_LIMITS.maxColumns) {
    throw new DataError(
      'too_many_columns',
      file,
      1,
      null,
      `the header has ${header.length} columns; the limit is ${CSV_LIMITS.maxColumns}`,
    );
  }
  // Names printed in messages and the plan's notes: the data file's rule (parse.ts).
  header.forEach((name, j) => {
    const problem = name === '' ? null : columnNameProblem(name);
    if (problem !== null)
      throw new DataError(
        'bad_column_name',
        file,
        1,
        null,
        `column ${j + 1}'s name ${quoteValue(name)} ${problem}`,
      );
  });
  const dateCol = header.map((h) => h.toLowerCase()).indexOf('date');
  if (dateCol < 0) {
    throw new DataError(
      'no_date_column',
      file,
      1,
      null,
      `no "date" column; the header must name date and ${what}`,
    );
  }
  return dateCol;
}

/** What a period file says of a cell that holds no number (each after the quoted cell, but `empty`). */
export interface CellWords {
  empty: string;
  missing: string;
  nonFinite: string;
  notNumber: string;
}

/** A cell of a period file as a number, or a DataError in that file's words (`words`). */
export function periodCellNumber(
  cell: string,
  file: string,
  line: number,
  column: string,
  words: CellWords,
): number {
  const x = readNumber(cell);
  if (typeof x === 'number') return x;
  throw new DataError(
    x === 'empty' ? 'empty_cell' : x === 'non_finite' ? 'non_finite' : 'bad_number',
    file,
    line,
    column,
    x === 'empty'
      ? words.empty
      : MISSING_MARKER.test(cell)
        ? `${quoteValue(cell)} ${words.missing}`
        : x === 'non_finite'
          ? `${quoteValue(cell)} ${words.nonFinite}`
          : `${quoteValue(cell)} ${words.notNumber}`,
  );
}
