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
 */
import { isoFromDays, parseIsoDay } from '../core/csv.js';
import { mean } from '../core/metrics.js';
import type { TenantSeries } from '../core/types.js';
import { sameDateIn } from './outlook.js';

/** Where a control's typical year comes from: its mean over the data, or its past years' calendar. */
export type ControlAlignment = 'mean' | 'calendar';

/** A calendar alignment's leave-one-year-out squared error must be below this share of the mean's. */
export const CALENDAR_ERROR_SHARE = 0.9;

/** A weekly row's middle day, after its first (the date that places the week in the year). */
const MIDWEEK_DAYS = 3;

export interface TypicalControl {
  name: string;
  alignment: ControlAlignment;
  /** The control's values for the future dates asked for. */
  values: Float64Array;
  /** Its mean over the data (the value of `mean`, and of dates no past year has). */
  mean: number;
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
 * Whether the control's history follows the calendar, by leave-one-year-out error (module
 * comment): each row is predicted from the rows of the other years, so no row predicts itself.
 */
export function controlAlignment(
  series: Pick<TenantSeries, 'dates' | 'frequency'>,
  x: ArrayLike<number>,
): ControlAlignment {
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

/** The control's typical values on `dates` (after the data): its calendar's, or its mean. */
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
  const values = new Float64Array(dates.length).fill(average);
  if (alignment !== 'mean') {
    const weekly = series.frequency === 'weekly';
    const h = historyOf(series.dates);
    dates.forEach((date, i) => {
      const v = alignedMean(h, x, date, weekly, () => true);
      if (!Number.isNaN(v)) values[i] = v;
    });
  }
  return { name, alignment, values, mean: average };
}
