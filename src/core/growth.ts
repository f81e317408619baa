/**
 * The target's yearly growth, read on the log scale: compounding growth (a young brand's +50% a
 * year) that the phases' additive, straight trend cannot follow (docs/modeling.md, "Strong growth:
 * the additive trend falls behind"). The rate is the slope b of the least-squares regression
 *   log y_t = a + b * years_t + sum_{k=1,2} (c_k sin(2 pi k doy_t / 365.25) + d_k cos(...)) + e_t
 * over the rows with a positive target, so exp(b) - 1 is the growth per year net of the yearly
 * season. A season cannot be told from a trend over one cycle (docs/modeling.md, "One yearly
 * cycle"), so the rate is read only from GROWTH_MIN_YEARS of data on.
 */
import { parseIsoDay } from './csv/dates.js';
import { dayOfYear } from './features.js';
import { choleskyInPlace, choleskySolveInPlace } from './linalg.js';
import type { TenantSeries } from './types.js';

/**
 * Least span of the data, in years, for the rate to be read: over a year and a bit a straight
 * slope is still partly the season's (support.ts asks more of such windows).
 */
export const GROWTH_MIN_YEARS = 1.2;
/** Least share of the rows with a positive target (the log needs them). */
export const GROWTH_MIN_POSITIVE_SHARE = 0.9;

export interface YearlyGrowth {
  /** The slope b of log target on years: exp(b) - 1 a year (growthPercent says it). */
  logRate: number;
  /** Years from the first to the last row. */
  years: number;
}

/**
 * The target's yearly growth rate on the log scale (the regression above), or null where the
 * series spans under GROWTH_MIN_YEARS, has non-ISO dates, or has a positive target on fewer than
 * GROWTH_MIN_POSITIVE_SHARE of its rows.
 */
export function yearlyGrowth(series: Pick<TenantSeries, 'dates' | 'target'>): YearlyGrowth | null {
  const n = series.target.length;
  if (n < 2) return null;
  const first = parseIsoDay(series.dates[0]);
  const last = parseIsoDay(series.dates[n - 1]);
  if (Number.isNaN(first) || Number.isNaN(last)) return null;
  const years = (last - first) / 365.25;
  if (years < GROWTH_MIN_YEARS) return null;
  const p = 6;
  const gram = new Float64Array(p * p);
  const xty = new Float64Array(p);
  const x = new Float64Array(p);
  let used = 0;
  for (let t = 0; t < n; t++) {
    const y = series.target[t];
    if (!(y > 0)) continue;
    const day = parseIsoDay(series.dates[t]);
    if (Number.isNaN(day)) return null;
    const angle = (2 * Math.PI * dayOfYear(series.dates[t])) / 365.25;
    x[0] = 1;
    x[1] = (day - first) / 365.25;
    x[2] = Math.sin(angle);
    x[3] = Math.cos(angle);
    x[4] = Math.sin(2 * angle);
    x[5] = Math.cos(2 * angle);
    const ly = Math.log(y);
    for (let j = 0; j < p; j++) {
      for (let k = 0; k <= j; k++) gram[j * p + k] += x[j] * x[k];
      xty[j] += x[j] * ly;
    }
    used++;
  }
  if (used < GROWTH_MIN_POSITIVE_SHARE * n) return null;
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) gram[k * p + j] = gram[j * p + k];
  if (!choleskyInPlace(gram, p)) return null;
  const b = choleskySolveInPlace(gram, p, xty);
  return { logRate: b[1], years };
}

/** A log growth rate a year as a yearly percentage, exp(g) - 1 rounded: 0.47 -> "+60%". */
export function growthPercent(logRate: number): string {
  const pct = Math.round(Math.expm1(logRate) * 100);
  return `${pct >= 0 ? '+' : ''}${pct}%`;
}
