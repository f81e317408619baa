/** ISO calendar dates as integer day numbers, and daily/weekly frequency checks. */
import type { Frequency } from '../types.js';

/**
 * Days since 1970-01-01 of a proleptic Gregorian date, by Howard Hinnant's days_from_civil
 * (http://howardhinnant.github.io/date_algorithms.html): shift the year to start in March so
 * the leap day is last, then day = era * 146097 + day-of-era - 719468.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil (Hinnant's civil_from_days), formatted YYYY-MM-DD. */
export function isoFromDays(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Day number of a strict YYYY-MM-DD date, or NaN when it is not one (including 2023-02-29). */
export function parseIsoDay(text: string): number {
  const m = ISO_DATE.exec(text);
  if (m === null) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  return day > maxDay ? NaN : daysFromCivil(year, month, day);
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * Day number of the Monday of ISO 8601 week 1 of `year`: the week that holds the year's first
 * Thursday, so the Monday on or before 4 January (day 0, 1970-01-01, was a Thursday).
 */
function isoWeekOneMonday(year: number): number {
  const jan4 = daysFromCivil(year, 1, 4);
  const weekday = (((jan4 + 3) % 7) + 7) % 7; // Monday 0
  return jan4 - weekday;
}

/**
 * Day number of the Monday of ISO week `week` of `year`, or NaN when the year has no such week
 * (every year has 52; 53 when it starts on a Thursday, or is a leap year starting on a Wednesday).
 */
export function isoWeekMonday(year: number, week: number): number {
  const monday = isoWeekOneMonday(year) + 7 * (week - 1);
  return week >= 1 && monday < isoWeekOneMonday(year + 1) ? monday : NaN;
}

/** The hint for an ISO week (2022-W05, 2022W05) or week date (2022-W05-3); null for another form. */
function isoWeekHint(text: string): string | null {
  const m = /^(\d{4})-?[Ww](\d{2})(?:-?([1-7]))?$/.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  const monday = isoWeekMonday(year, week);
  const name = `${m[1]}-W${m[2]}`;
  if (Number.isNaN(monday)) {
    const weeks = Number.isNaN(isoWeekMonday(year, 53)) ? 52 : 53;
    return `; it looks like an ISO week (${name}), but ${year} has ISO weeks 01 to ${weeks}`;
  }
  if (m[3] !== undefined) {
    const day = Number(m[3]);
    return `; it is an ISO week date (the ${WEEKDAYS[day - 1]} of ${name}): write it ${isoFromDays(monday + day - 1)}`;
  }
  return (
    `; it is an ISO week, which starts on Monday ${isoFromDays(monday)}: write that date ` +
    `(date each row by its week's Monday)`
  );
}

/** The hint for a range of two dates (2022-01-03/2022-01-09, 2022-01-03 - 2022-01-09); null else. */
function dateRangeHint(text: string): string | null {
  const m =
    /^(\d{4}-\d{2}-\d{2})(?:\s*(?:\/|-{1,2}|\u2013|\u2014)\s*|\s+to\s+)(\d{4}-\d{2}-\d{2})$/i.exec(
      text,
    );
  if (m === null) return null;
  const from = parseIsoDay(m[1]);
  const to = parseIsoDay(m[2]);
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) return null;
  return `; it is a range of dates: keep its first date only (${m[1]})`;
}

/**
 * What to write instead of a cell that is not a YYYY-MM-DD date, when its form says so: a date
 * with a time of day ("; it holds a time of day too: keep the date only (2024-01-31)"), an ISO
 * week (2022-W05 names its Monday, 2022-01-31; the import still takes dates only), a range of
 * two dates or "Week of 2022-01-03" (keep the first date), or a date with slashes or dots, whose
 * day-month order is read from a part above 12 or else named as ambiguous, or read in the
 * column's `order` (slashedDateOrder) when a cell of the column shows it. '' when the form says
 * nothing more.
 */
export function dateHint(text: string, order?: SlashedOrder | null): string {
  const week = isoWeekHint(text) ?? dateRangeHint(text);
  if (week !== null) return week;
  const weekOf = /^week\s+(?:of|starting|beginning|from|ending)\s+(\d{4}-\d{2}-\d{2})$/i.exec(text);
  if (weekOf !== null && !Number.isNaN(parseIsoDay(weekOf[1]))) {
    return `; keep the date only (${weekOf[1]})`;
  }
  const timed = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    text,
  );
  if (timed !== null && !Number.isNaN(parseIsoDay(timed[1]))) {
    return `; it holds a time of day too: keep the date only (${timed[1]})`;
  }
  // 2024/1/31, 2024.01.31, and 2024-1-31 (a date whose month and day lost their leading zeros).
  const yearFirst = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/.exec(text);
  if (yearFirst !== null) {
    const t = `${yearFirst[1]}-${yearFirst[3].padStart(2, '0')}-${yearFirst[4].padStart(2, '0')}`;
    if (!Number.isNaN(parseIsoDay(t))) return `; write it ${t}`;
  }
  // A spreadsheet's day number (days since 1899-12-30) where the column lost its date format:
  // 36526..73050 are the years 2000-2099.
  if (/^\d{5}$/.test(text) && Number(text) >= 36526 && Number(text) <= 73050) {
    const t = isoFromDays(Number(text) + daysFromCivil(1899, 12, 30));
    return `; it looks like a spreadsheet's day number (${text} is ${t}): format the column as a date (YYYY-MM-DD) before saving`;
  }
  if (/^(total|totals|sum|grand total|average|mean)\b/i.test(text.trim())) {
    return '; it looks like a totals row: remove it (the import sums nothing)';
  }
  const named = monthNameDate(text);
  if (named !== null) return named;
  const slashed = slashedParts(text);
  if (slashed === null) return '';
  const { a, b, year } = slashed;
  const iso = (month: number, day: number): string | null => {
    const t = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    return Number.isNaN(parseIsoDay(t)) ? null : t;
  };
  // What the cell has beside a slashed date: a time of day (Excel's US date-time, "1/2/2023 0:00"),
  // a year of two digits ("02/01/23"). Each got only "write dates as YYYY-MM-DD" (session 62).
  const extra =
    (slashed.timed ? '; it holds a time of day too: keep the date only' : '') +
    (slashed.twoDigitYear ? '; its year has two digits: write years in four' : '');
  const dayFirst = iso(b, a);
  const monthFirst = iso(a, b);
  const inOrder = order ? (order.order === 'day/month' ? dayFirst : monthFirst) : null;
  if (order && inOrder !== null) {
    return (
      `${extra}; the column's dates are ${order.order}/year (${quoteCell(order.example)} on row ${order.row} ` +
      `can be read no other way): this one is ${inOrder}`
    );
  }
  if (dayFirst !== null && monthFirst !== null && dayFirst !== monthFirst) {
    return `${extra}; its day and month cannot be told apart (${dayFirst} or ${monthFirst})`;
  }
  const one = dayFirst ?? monthFirst;
  return one === null
    ? extra
    : `${extra}; read as ${dayFirst !== null ? 'day/month' : 'month/day'}/year it is ${one}`;
}

/**
 * The parts of a date written D/M/YYYY or M/D/YYYY (slashes or dots), its year also of two digits
 * (`02/01/23`, read as 20YY) and a time of day after it (`01/02/2023 0:00`, `1/2/2023 12:00:00 AM`);
 * null for another form. Dashes are not taken with a two-digit year: `23-01-02` may be year first.
 */
function slashedParts(
  text: string,
): { a: number; b: number; year: string; twoDigitYear: boolean; timed: boolean } | null {
  const m =
    /^(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})(\s*[ T]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)?$/.exec(
      text,
    );
  if (m === null) return null;
  const twoDigitYear = m[4].length === 2;
  return {
    a: Number(m[1]),
    b: Number(m[3]),
    year: twoDigitYear ? `20${m[4]}` : m[4],
    twoDigitYear,
    timed: m[5] !== undefined,
  };
}

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** Month 1-12 of an English month name or its abbreviation of 3 letters or more (`Jan`, `Sept`). */
function monthOfName(word: string): number | null {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return null;
  const i = MONTH_NAMES.findIndex((name) => name.startsWith(w));
  return i >= 0 ? i + 1 : w === 'sept' ? 9 : null;
}

/**
 * The hint for a date whose month is a name (`02-Jan-2023`, `2 January 2023`, `Jan 2, 2023`,
 * `Monday, January 2, 2023`, `2023-Jan-02`): the date it names, which has one reading; a year of
 * two digits read as 20YY. Null for another form or a day the month does not have.
 */
function monthNameDate(text: string): string | null {
  const t = text.replace(/^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+/i, '');
  const sep = '[-\\s./,]+';
  const dayFirst = new RegExp(`^(\\d{1,2})${sep}([A-Za-z]+\\.?)${sep}(\\d{4}|\\d{2})$`).exec(t);
  const monthFirst = new RegExp(
    `^([A-Za-z]+\\.?)${sep}(\\d{1,2})(?:st|nd|rd|th)?${sep}(\\d{4}|\\d{2})$`,
  ).exec(t);
  const yearFirst = new RegExp(`^(\\d{4})${sep}([A-Za-z]+\\.?)${sep}(\\d{1,2})$`).exec(t);
  const parts =
    dayFirst !== null
      ? { day: dayFirst[1], month: dayFirst[2], year: dayFirst[3] }
      : monthFirst !== null
        ? { day: monthFirst[2], month: monthFirst[1], year: monthFirst[3] }
        : yearFirst !== null
          ? { day: yearFirst[3], month: yearFirst[2], year: yearFirst[1] }
          : null;
  if (parts === null) return null;
  const month = monthOfName(parts.month);
  if (month === null) return null;
  const twoDigitYear = parts.year.length === 2;
  const iso = `${twoDigitYear ? '20' : ''}${parts.year}-${String(month).padStart(2, '0')}-${parts.day.padStart(2, '0')}`;
  if (Number.isNaN(parseIsoDay(iso))) return null;
  return `; write it ${iso} (the month as a number${twoDigitYear ? ', the year in four digits' : ''})`;
}

/** The day-month order of a column of slashed or dotted dates, and the cell that shows it. */
export interface SlashedOrder {
  order: 'day/month' | 'month/day';
  example: string;
  /** The example's row, as the messages count rows. */
  row: number;
}

function quoteCell(text: string): string {
  return `"${text}"`;
}

/**
 * The day-month order of a column of dates written D/M/YYYY or M/D/YYYY (or with dots): read from
 * the first cell whose first or second part is above 12, so that it has one reading only. Null
 * when no cell tells (every date has day and month <= 12) or the cells disagree.
 */
export function slashedDateOrder(
  cells: readonly string[],
  rows: readonly number[],
): SlashedOrder | null {
  let found: SlashedOrder | null = null;
  for (let i = 0; i < cells.length; i++) {
    const m = slashedParts(cells[i]);
    if (m === null) continue;
    const { a, b } = m;
    const order = a > 12 && b <= 12 ? 'day/month' : b > 12 && a <= 12 ? 'month/day' : null;
    if (order === null) continue;
    if (found === null) found = { order, example: cells[i], row: rows[i] };
    else if (found.order !== order) return null;
  }
  return found;
}

/** Outcome of classifying the steps between consecutive, strictly increasing day numbers. */
export type StepVerdict =
  | { kind: 'ok'; frequency: Frequency }
  /** Step `index` -> `index + 1` skips at least one period of `frequency`. */
  | { kind: 'gap'; frequency: Frequency; index: number }
  /** Both 1-day and 7-day steps occur repeatedly; `index` is the first step of the minority. */
  | { kind: 'mixed'; index: number; daily: number; weekly: number }
  /** Steps are neither mostly 1 nor mostly 7 days, or a weekly step is not a multiple of 7. */
  | { kind: 'irregular'; index: number; step: number };

/**
 * Frequency from the date steps: all 1 day -> daily, all 7 -> weekly. Otherwise the majority
 * step (1 or 7, more than half of all steps) sets the frequency and the first other step is
 * reported: a multiple of it is a gap, anything else is irregular.
 */
export function classifySteps(days: ArrayLike<number>): StepVerdict {
  const steps = days.length - 1;
  let ones = 0;
  let sevens = 0;
  for (let i = 0; i < steps; i++) {
    const s = days[i + 1] - days[i];
    if (s === 1) ones++;
    else if (s === 7) sevens++;
  }
  if (ones === steps) return { kind: 'ok', frequency: 'daily' };
  if (sevens === steps) return { kind: 'ok', frequency: 'weekly' };
  const firstStep = (want: number, equal: boolean): number => {
    for (let i = 0; i < steps; i++) {
      if ((days[i + 1] - days[i] === want) === equal) return i;
    }
    return -1;
  };
  if (ones >= 2 && sevens >= 2) {
    const minority = ones >= sevens ? 7 : 1;
    return { kind: 'mixed', index: firstStep(minority, true), daily: ones, weekly: sevens };
  }
  const period = ones * 2 > steps ? 1 : sevens * 2 > steps ? 7 : 0;
  if (period === 0) {
    const index = firstStep(ones >= sevens ? 1 : 7, false);
    return { kind: 'irregular', index, step: days[index + 1] - days[index] };
  }
  const index = firstStep(period, false);
  const step = days[index + 1] - days[index];
  const frequency: Frequency = period === 1 ? 'daily' : 'weekly';
  return step % period === 0
    ? { kind: 'gap', frequency, index }
    : { kind: 'irregular', index, step };
}
