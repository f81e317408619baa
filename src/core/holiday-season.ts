/**
 * The retail holiday season as a column, and a test of whether the data show one that the models'
 * yearly terms cannot draw. Revenue that climbs from mid-November to Christmas and drops after it
 * (Black Friday, gift shopping) is a bump of five or six weeks; two yearly harmonics draw a season
 * of months, so a model without the bump forecasts every December low and credits the media spent
 * then (a fourth-quarter push) with it. A probe's simulator with a bump of up to +35% (the form
 * Meridian and PyMC-Marketing users simulate) scored phase 3 at -0.32 where its oracle scored
 * 0.83, and 0.73 with the bump as a control (docs/csv-format.md, "A holiday season").
 */
import { isoFromDays, parseIsoDay } from './csv/dates.js';
import { dayOfYear } from './features.js';
import { explainedTarget } from './level-shift.js';
import type { Frequency, TenantSeries } from './types.js';

/** The name of the control column `import --holiday-season` adds. */
export const HOLIDAY_SEASON_COLUMN = 'holiday_season';
/** Day of the year the season starts (15 November; 16 November in a leap year). */
export const HOLIDAY_SEASON_START_DAY = 319;
/** Day of the year it peaks (24 December; 25 December in a leap year); 0 again the day after. */
export const HOLIDAY_SEASON_PEAK_DAY = 358;

/** The season's value on one day: 0, a straight rise from HOLIDAY_SEASON_START_DAY to 1 at the peak, 0 after. */
export function holidaySeasonOnDay(date: string): number {
  const k = dayOfYear(date);
  if (k < HOLIDAY_SEASON_START_DAY || k > HOLIDAY_SEASON_PEAK_DAY) return 0;
  return (k - HOLIDAY_SEASON_START_DAY) / (HOLIDAY_SEASON_PEAK_DAY - HOLIDAY_SEASON_START_DAY);
}

/**
 * The season's column for rows at `dates`: a daily row its day's value, a weekly row the mean over
 * the 7 days from its date (a week dated by its first day).
 */
export function holidaySeasonColumn(dates: readonly string[], frequency: Frequency): Float64Array {
  return Float64Array.from(dates, (date) => {
    if (frequency === 'daily') return holidaySeasonOnDay(date);
    const first = parseIsoDay(date);
    let sum = 0;
    for (let k = 0; k < 7; k++) sum += holidaySeasonOnDay(isoFromDays(first + k));
    return Math.round((sum / 7) * 1e6) / 1e6;
  });
}

/** Least excess of the season's rows over the others, as a share of the mean target. */
export const HOLIDAY_SEASON_MIN_SIZE = 0.05;
/** Least share of the unexplained variation the season's rows take (their excess's partial R²). */
export const HOLIDAY_SEASON_MIN_PARTIAL_R2 = 0.015;

export interface HolidaySeasonFinding {
  /** Mean residual on the season's rows less the others', as a share of the mean target. */
  relative: number;
  partialR2: number;
  /** Each year whose whole season the rows hold: its season rows' mean residual over the mean target. */
  years: { year: string; relative: number }[];
}

/**
 * Whether the target runs above what spend, weather, controls, the yearly season (two harmonics),
 * weekdays and a trend explain (level-shift.ts explainedTarget) on the rows from 15 November to 24
 * December (weekly: the rows whose week's middle day falls there): by at least
 * HOLIDAY_SEASON_MIN_SIZE of the mean target, with a partial R² of at least
 * HOLIDAY_SEASON_MIN_PARTIAL_R2, and above it in every year whose season the rows hold whole. Null
 * otherwise, or where no season is whole in the rows, or the series has a control of that name.
 * Thresholds are effect sizes read off a probe's season data (4.2-9.1%, partial R² 0.014-0.13) and
 * the generator's tenants, whose own holiday lift of 4-10% passes on 4 of 228 (docs/csv-format.md,
 * "A holiday season").
 */
export function holidaySeason(series: TenantSeries): HolidaySeasonFinding | null {
  if (series.controlNames.includes(HOLIDAY_SEASON_COLUMN)) return null;
  if (!series.dates.every((d) => !Number.isNaN(parseIsoDay(d)))) return null;
  const n = series.target.length;
  const middle = (d: string) =>
    series.frequency === 'weekly' ? isoFromDays(parseIsoDay(d) + 3) : d;
  const inSeason = series.dates.map((d) => {
    const k = dayOfYear(middle(d));
    return k >= HOLIDAY_SEASON_START_DAY && k <= HOLIDAY_SEASON_PEAK_DAY;
  });
  // Years whose whole season lies inside the rows.
  const first = parseIsoDay(series.dates[0]);
  const last = parseIsoDay(series.dates[n - 1]);
  const whole = new Set<string>();
  for (
    let y = Number(series.dates[0].slice(0, 4));
    y <= Number(series.dates[n - 1].slice(0, 4));
    y++
  ) {
    if (first <= parseIsoDay(`${y}-11-15`) && last >= parseIsoDay(`${y}-12-24`))
      whole.add(String(y));
  }
  if (whole.size === 0) return null;
  const fitted = explainedTarget(series);
  if (fitted === null) return null;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += series.target[t];
  mean /= n;
  if (!(mean > 0)) return null;
  let inSum = 0;
  let inCount = 0;
  let outSum = 0;
  let ss = 0;
  const byYear = new Map<string, { sum: number; count: number }>();
  for (let t = 0; t < n; t++) {
    const r = series.target[t] - fitted[t];
    ss += r * r;
    if (!inSeason[t]) {
      outSum += r;
      continue;
    }
    inSum += r;
    inCount++;
    const year = middle(series.dates[t]).slice(0, 4);
    if (!whole.has(year)) continue;
    const y = byYear.get(year) ?? { sum: 0, count: 0 };
    y.sum += r;
    y.count++;
    byYear.set(year, y);
  }
  const outCount = n - inCount;
  if (inCount === 0 || outCount === 0 || !(ss > 0)) return null;
  const excess = inSum / inCount - outSum / outCount;
  const partialR2 = (excess * excess * inCount * outCount) / n / ss;
  const years = [...byYear].map(([year, y]) => ({ year, relative: y.sum / y.count / mean }));
  const relative = excess / mean;
  if (
    relative < HOLIDAY_SEASON_MIN_SIZE ||
    partialR2 < HOLIDAY_SEASON_MIN_PARTIAL_R2 ||
    years.length === 0 ||
    years.some((y) => !(y.relative > 0))
  )
    return null;
  return { relative, partialR2, years };
}
