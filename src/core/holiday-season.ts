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
import { partialColumnFits } from './level-shift.js';
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
  /**
   * The season column's fitted effect averaged over the rows from 15 November to 24 December, as a
   * share of the mean target.
   */
  relative: number;
  /** The column's partial R² beside the regressors. */
  partialR2: number;
  /** Each year whose whole season the rows hold: the same, with that year's part fitted alone. */
  years: { year: string; relative: number }[];
}

/**
 * Whether the data show the season the column draws beyond what spend, weather, controls, the
 * yearly season (two harmonics), weekdays and a trend explain: the column holidaySeasonColumn added
 * to that regression (level-shift.ts partialColumnFits, by Frisch-Waugh-Lovell), its coefficient
 * read as the mean excess over the rows from 15 November to 24 December (weekly: the rows whose
 * week's middle day falls there) at least HOLIDAY_SEASON_MIN_SIZE of the mean target, with a
 * partial R² of at least HOLIDAY_SEASON_MIN_PARTIAL_R2, and positive in every year whose season the
 * rows hold whole (that year's part of the column fitted alone). Null otherwise, or where no season
 * is whole in the rows, or the series has a control of that name. Why the column is fitted beside
 * the others rather than read off their residuals: a fourth-quarter spend push and cold weather
 * move with the season, and the residuals keep only what they leave of it (an outside probe's
 * Christmas files: 11 of 41 found that way, 36 of 41 now). Thresholds are effect sizes: where the
 * test fires on the generator's tenants (a holiday lift of 4-10%), the column lifts phase 3 or
 * leaves it (docs/csv-format.md, "A holiday season").
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
  let mean = 0;
  for (let t = 0; t < n; t++) mean += series.target[t];
  mean /= n;
  if (!(mean > 0)) return null;
  // The season's column, and each whole year's part of it apart, each fitted beside the
  // regressors: the season's own effect, not what is left of it after spend pushed in the fourth
  // quarter and cold weather have taken their share.
  const ramp = holidaySeasonColumn(series.dates, series.frequency);
  const yearOf = series.dates.map((d) => middle(d).slice(0, 4));
  const yearList = [...whole].filter((y) => yearOf.some((v, t) => v === y && inSeason[t]));
  const columns = [
    ramp,
    ...yearList.map((y) =>
      Float64Array.from({ length: n }, (_, t) => (yearOf[t] === y ? ramp[t] : 0)),
    ),
  ];
  const fits = partialColumnFits(series, columns);
  if (fits === null) return null;
  let level = 0;
  let count = 0;
  for (let t = 0; t < n; t++)
    if (inSeason[t]) {
      level += ramp[t];
      count++;
    }
  if (count === 0 || count === n) return null;
  level /= count;
  const relative = (fits[0].coefficient * level) / mean;
  const partialR2 = fits[0].partialR2;
  const years = yearList.map((year, j) => ({
    year,
    relative: (fits[j + 1].coefficient * level) / mean,
  }));
  if (
    relative < HOLIDAY_SEASON_MIN_SIZE ||
    partialR2 < HOLIDAY_SEASON_MIN_PARTIAL_R2 ||
    years.length === 0 ||
    years.some((y) => !(y.relative > 0))
  )
    return null;
  return { relative, partialR2, years };
}
