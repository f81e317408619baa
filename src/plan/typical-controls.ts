/**
 * The typical year of a control (an event, a promotion, a price) for the periods after the data,
 * where no forecast gives its planned values, as the typical weather scenario is built: the mean
 * of its values on the same calendar date in the past years (29 February uses 28 February; weekly
 * rows, dated by their first day: the week of each year that holds the date of the week's
 * middle), for a control whose history follows the calendar (a sale on 11-12 July every year);
 * a control without such a calendar (promotions on dates of no pattern, a price walk) is held at
 * its mean over the data. A holiday on moving dates (the Black Friday weekend, 23 November to 2
 * December) is spread as the share of past years it fell on each date: the horizon holds the
 * days a year held, not their exact dates. Alignments by weekday (the n-th Friday of the month,
 * counted from its start or its end) were measured and left out: they place a one-day holiday
 * of that kind exactly, but the history cannot show where they fail (three years of Black Fridays
 * are each the fourth and the last Friday of November; in 2024 it was the last, not the fourth,
 * and its Monday fell in December), and a weekend placed a week early is worse than one spread.
 *
 * The choice is made on the history alone, by leave-one-year-out error: every row predicted from
 * the other years only, by their mean on its calendar date and by their mean over all rows. The
 * calendar is used when its squared error is below CALENDAR_ERROR_SHARE of the mean's, over at
 * least half a year of rows that other years' dates can predict (so one year of data keeps the
 * mean). For a control of no calendar pattern the calendar's error is about 1 + 1/k times the
 * mean's (k other years: 1.5 for three years of data), so the share leaves a margin. Over a whole
 * year the calendar's values sum to about the mean's: they place the history's events, they do
 * not add any.
 *
 * A control that stays where it ended is held at its last value instead: a step that has not
 * ended (a new store's 0/1 column, 1 for the last year: at its mean a plan put the store a third
 * open and forecast revenue 11% low) or a price that walks. The history decides, before the
 * calendar: from every origin after its first quarter year, the next quarter year's rows are
 * predicted by the origin's value and by the mean up to the origin; the last value is held when
 * its squared error is below LAST_ERROR_SHARE of the mean's. Measured on made-up daily columns of
 * three years, the error ratio is 0.17 and 0.24 for steps 13 and 31 months before the end, 0.13
 * for a random-walk price, 0.75 for a slowly mean-reverting one (AR(1), 0.99 a day), and 1.2-2.0
 * for a summer season, holidays, promotions every 35-90 days, a weekend flag or a price that
 * alternates every 120 days (for independent 0/1 days the last value's error is twice the
 * mean's). A step in the last two months (0.68) is not told from a pulse and keeps its mean.
 */
import { isoFromDays, parseIsoDay } from '../core/csv.js';
import { mean } from '../core/metrics.js';
import type { TenantSeries } from '../core/types.js';
import { sameDateIn } from './outlook.js';

/**
 * Where a control's typical year comes from: its mean over the data, its past years' calendar,
 * or its last value (a step that has not ended, a price that walks).
 */
export type ControlAlignment = 'mean' | 'calendar' | 'last';

/** A calendar alignment's leave-one-year-out squared error must be below this share of the mean's. */
export const CALENDAR_ERROR_SHARE = 0.9;

/** The last value's rolling-origin squared error must be below this share of the mean's. */
export const LAST_ERROR_SHARE = 0.5;

/** A weekly row's middle day, after its first (the date that places the week in the year). */
const MIDWEEK_DAYS = 3;

export interface TypicalControl {
  name: string;
  alignment: ControlAlignment;
  /** The control's values for the future dates asked for. */
  values: Float64Array;
  /** Its mean over the data (the value of `mean`, and of dates no past year has). */
  mean: number;
  /** Its value on the data's last row (the value of `last`). */
  last: number;
}

interface History {
  years: Int32Array;
  rowOfDay: Map<number, number>;
  firstYear: number;
  lastYear: number;
}

function historyOf(dates: readonly string[]): History {
  const rowOfDay = new Map<number, number>();
  dates.forEach((d, i) => rowOfDay.set(parseIsoDay(d), i));
  const years = Int32Array.from(dates, (d) => Number(d.slice(0, 4)));
  return {
    years,
    rowOfDay,
    firstYear: years[0] ?? 0,
    lastYear: years[years.length - 1] ?? 0,
  };
}

/**
 * The history row of `year` on `date`'s calendar date, or -1. Weekly rows (dated by their first day):
 * the row of `year` whose week holds the calendar date of the middle of `date`'s week.
 */
function alignedRow(h: History, date: string, year: number, weekly: boolean): number {
  if (!weekly) return h.rowOfDay.get(sameDateIn(date, year)) ?? -1;
  const middle = sameDateIn(isoFromDays(parseIsoDay(date) + MIDWEEK_DAYS), year);
  for (let back = 0; back < 7; back++) {
    const row = h.rowOfDay.get(middle - back);
    if (row !== undefined) return row;
  }
  return -1;
}

/** Mean of `x` over the rows aligned to `date` in each year that `include` accepts; NaN when none. */
function alignedMean(
  h: History,
  x: ArrayLike<number>,
  date: string,
  weekly: boolean,
  include: (row: number) => boolean,
): number {
  let sum = 0;
  let count = 0;
  for (let y = h.firstYear; y <= h.lastYear; y++) {
    const row = alignedRow(h, date, y, weekly);
    if (row < 0 || !include(row)) continue;
    sum += x[row];
    count++;
  }
  return count > 0 ? sum / count : Number.NaN;
}

/**
 * Whether the control stays where it ended (module comment): the next quarter year's rows from
 * every origin after the first quarter, predicted by the origin's value and by the mean up to it.
 */
export function holdsLastValue(
  series: Pick<TenantSeries, 'frequency'>,
  x: ArrayLike<number>,
): boolean {
  const n = x.length;
  const quarter = series.frequency === 'weekly' ? 13 : 91;
  if (n < 2 * quarter) return false;
  let sum = 0;
  let lastError = 0;
  let meanError = 0;
  for (let o = 0; o < n - 1; o++) {
    sum += x[o];
    if (o + 1 < quarter) continue;
    const flat = sum / (o + 1);
    const end = Math.min(n, o + 1 + quarter);
    for (let t = o + 1; t < end; t++) {
      lastError += (x[t] - x[o]) ** 2;
      meanError += (x[t] - flat) ** 2;
    }
  }
  return meanError > 0 && lastError < LAST_ERROR_SHARE * meanError;
}

/**
 * Where the control's typical year comes from (module comment): its last value when it stays
 * where it ended; else its calendar when the history follows one, by leave-one-year-out error
 * (each row predicted from the rows of the other years, so no row predicts itself); else its mean.
 */
export function controlAlignment(
  series: Pick<TenantSeries, 'dates' | 'frequency'>,
  x: ArrayLike<number>,
): ControlAlignment {
  if (holdsLastValue(series, x)) return 'last';
  const weekly = series.frequency === 'weekly';
  const h = historyOf(series.dates);
  const n = series.dates.length;
  if (h.lastYear - h.firstYear < 1) return 'mean';
  // The mean of the other years: per-year sums.
  const yearSum = new Map<number, [number, number]>();
  let total = 0;
  for (let t = 0; t < n; t++) {
    const acc = yearSum.get(h.years[t]) ?? [0, 0];
    acc[0] += x[t];
    acc[1] += 1;
    yearSum.set(h.years[t], acc);
    total += x[t];
  }
  let calendarError = 0;
  let meanError = 0;
  let scored = 0;
  for (let t = 0; t < n; t++) {
    const own = h.years[t];
    // Rows of the other years only: a week that straddles the new year, dated in the old one,
    // holds the middle date its own week is aligned to in the new one.
    const calendar = alignedMean(h, x, series.dates[t], weekly, (row) => h.years[row] !== own);
    const [s, c] = yearSum.get(own)!;
    if (Number.isNaN(calendar) || n - c === 0) continue;
    const flat = (total - s) / (n - c);
    meanError += (x[t] - flat) ** 2;
    calendarError += (x[t] - calendar) ** 2;
    scored++;
  }
  const perYear = weekly ? 52 : 365;
  if (scored < perYear / 2 || !(meanError > 0)) return 'mean';
  return calendarError < CALENDAR_ERROR_SHARE * meanError ? 'calendar' : 'mean';
}

/** Alignments chosen, by the history's control column and its dates array. */
const chosen = new WeakMap<
  Float64Array,
  { dates: readonly string[]; alignment: ControlAlignment }
>();

/** The control's typical values on `dates` (after the data): its last value, its calendar's, or its mean. */
export function typicalControl(
  series: Pick<TenantSeries, 'dates' | 'frequency' | 'controlNames' | 'controls'>,
  name: string,
  dates: readonly string[],
): TypicalControl {
  const j = series.controlNames.indexOf(name);
  if (j < 0) throw new RangeError(`the data has no control ${name}`);
  const x = series.controls[j];
  const average = mean(x);
  // The same history's control again (a plan probes its model and each refit): chosen once.
  let alignment = chosen.get(x)?.dates === series.dates ? chosen.get(x)!.alignment : undefined;
  if (alignment === undefined) {
    alignment = controlAlignment(series, x);
    chosen.set(x, { dates: series.dates, alignment });
  }
  const values = new Float64Array(dates.length).fill(
    alignment === 'last' && x.length > 0 ? x[x.length - 1] : average,
  );
  if (alignment === 'calendar') {
    const weekly = series.frequency === 'weekly';
    const h = historyOf(series.dates);
    dates.forEach((date, i) => {
      const v = alignedMean(h, x, date, weekly, () => true);
      if (!Number.isNaN(v)) values[i] = v;
    });
  }
  return { name, alignment, values, mean: average, last: x.length > 0 ? x[x.length - 1] : average };
}
