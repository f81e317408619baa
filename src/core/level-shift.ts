/**
 * A likely level shift in the target: a date from which the target runs at another level than
 * before, by more than the spend, weather, controls, yearly season, weekday and a linear trend
 * explain. The test is the sup-F change-point test of Andrews (1993) for one break in the mean of
 * a regression: the target is regressed on those columns, and for every candidate date tau (at
 * least LEVEL_SHIFT_MIN_SEGMENT periods from either end) a step column 1{t >= tau} is added; the
 * statistic of tau is the step's partial R², the share of the residual variance it explains. A
 * shift is reported where the largest partial R² reaches LEVEL_SHIFT_MIN_PARTIAL_R2 and the step is
 * at least LEVEL_SHIFT_MIN_SIZE of the level before it. The thresholds are effect sizes, not
 * p-values: daily residuals are autocorrelated (carry-over, weather), which makes the textbook
 * critical values fire on clean data. Why and what was measured: docs/csv-format.md, "Warnings at
 * import".
 *
 * Cost: one least-squares fit (p columns), then O(p²) per candidate date from suffix sums of the
 * columns (the step's projection on the columns needs only sum_{t >= tau} x_t).
 */
import { parseIsoDay } from './csv/dates.js';
import { choleskyInPlace, choleskySolveInPlace } from './linalg.js';
import { calendarColumns, modelWeatherColumn, modelWeatherNames } from './features.js';
import type { TenantSeries } from './types.js';

/** Least periods on each side of a candidate date (8 weeks of days, or 8 weeks). */
export const LEVEL_SHIFT_MIN_SEGMENT = { daily: 56, weekly: 8 } as const;
/** Least share of the residual variance the step must explain. */
export const LEVEL_SHIFT_MIN_PARTIAL_R2 = 0.3;
/** Least size of the step, as a share of the mean target before it. */
export const LEVEL_SHIFT_MIN_SIZE = 0.2;

export interface LevelShift {
  /** Row of the first period at the new level. */
  row: number;
  date: string;
  /** The step's coefficient (target units per period), beside the other columns. */
  step: number;
  /** Mean target on the rows before `row`. */
  before: number;
  /** step / before. */
  relative: number;
  /** The step's partial R² at `row` (the test's statistic). */
  partialR2: number;
}

/** The regressors the step is judged beside (each column centred and scaled; intercept apart). */
function regressors(series: TenantSeries): Float64Array[] {
  const n = series.target.length;
  // Trend, yearly season and (daily) weekday: the calendar columns of phases 0-1 (every imported
  // and generated series has YYYY-MM-DD dates; a series without them gets the trend alone).
  const iso = series.dates.every((d) => !Number.isNaN(parseIsoDay(d)));
  const trend = Float64Array.from({ length: n }, (_, t) => t / n);
  const cols: Float64Array[] = iso
    ? calendarColumns(series.dates, series.frequency === 'daily').columns
    : [trend];
  for (const x of series.spend) cols.push(x);
  for (const w of modelWeatherNames(series)) {
    const x = modelWeatherColumn(series, w);
    cols.push(
      x,
      Float64Array.from(x, (v) => v * v),
    );
  }
  for (const x of series.controls) cols.push(x);
  return standardizedColumns(cols, n);
}

/**
 * Columns centred and scaled to unit variance (z = (x - mean) / sd, sd over n), constant ones (the
 * intercept's) left out: the regressors of the least-squares fits here and in spend-follows.ts.
 */
export function standardizedColumns(cols: readonly Float64Array[], n: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (const x of cols) {
    let m = 0;
    for (let t = 0; t < n; t++) m += x[t];
    m /= n;
    let ss = 0;
    for (let t = 0; t < n; t++) ss += (x[t] - m) ** 2;
    if (!(ss > 1e-12 * n * (1 + m * m))) continue;
    const sd = Math.sqrt(ss / n);
    out.push(Float64Array.from(x, (v) => (v - m) / sd));
  }
  return out;
}

/** The least-squares fit of the target on the regressors: its residuals and what the step test reuses. */
interface BaseFit {
  cols: Float64Array[];
  /** Cholesky factor of the regressors' (slightly ridged) Gram matrix. */
  chol: Float64Array;
  /** Residuals: the target less its mean and the regressors' fit. */
  residuals: Float64Array;
  /** Sum of squared residuals. */
  ss: number;
}

function fitBase(series: TenantSeries, minRowsPerColumn = 0): BaseFit | null {
  const y = series.target;
  const n = y.length;
  const cols = regressors(series);
  const p = cols.length;
  if (p * minRowsPerColumn > n) return null;
  // Centred target and normal equations (a tiny ridge for collinear columns: the step's
  // projection, not the coefficients, is what is needed).
  let ym = 0;
  for (let t = 0; t < n; t++) ym += y[t];
  ym /= n;
  const e = Float64Array.from(y, (v) => v - ym);
  const gram = new Float64Array(p * p);
  const xty = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    for (let k = 0; k <= j; k++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += cols[j][t] * cols[k][t];
      gram[j * p + k] = s;
      gram[k * p + j] = s;
    }
    gram[j * p + j] += 1e-8 * n;
    let s = 0;
    for (let t = 0; t < n; t++) s += cols[j][t] * e[t];
    xty[j] = s;
  }
  const l = Float64Array.from(gram);
  if (p > 0 && !choleskyInPlace(l, p)) return null;
  const b = p > 0 ? choleskySolveInPlace(l, p, Float64Array.from(xty)) : new Float64Array(0);
  for (let t = 0; t < n; t++) {
    let f = 0;
    for (let j = 0; j < p; j++) f += b[j] * cols[j][t];
    e[t] -= f;
  }
  let ee = 0;
  for (let t = 0; t < n; t++) ee += e[t] * e[t];
  return { cols, chol: l, residuals: e, ss: ee };
}

/**
 * What the target's regression on the columns levelShift judges a step beside (spend, modeled
 * weather and its square, controls, the yearly season, weekdays and a linear trend) forecasts for
 * each row: the rows' target less the fit's residuals. Null when the fit cannot be made, or when
 * the series has fewer than `minRowsPerColumn` rows per column. The import's spike warning
 * (core/csv/parse.ts targetSpikes) reads it to leave out rows those columns explain (a rain-gear
 * shop's rainy days).
 */
export function explainedTarget(series: TenantSeries, minRowsPerColumn = 0): Float64Array | null {
  const fit = fitBase(series, minRowsPerColumn);
  return fit === null ? null : Float64Array.from(series.target, (v, t) => v - fit.residuals[t]);
}

/** A column's least-squares coefficient beside the regressors, and the share of the residual variance it takes. */
export interface PartialColumnFit {
  /** The column's coefficient (target units per unit of the column) with the regressors in the fit. */
  coefficient: number;
  /** Its partial R²: the residual variance the column explains beyond the regressors. */
  partialR2: number;
}

/**
 * Each of `columns` added alone to the regression levelShift judges a step beside: its
 * coefficient and partial R² by Frisch-Waugh-Lovell, b = e'x / ||x_res||² and partial R² =
 * (e'x)² / (||x_res||² e'e), with e the regression's residuals and x_res the column less its mean
 * and its projection on the regressors. The column is projected too: where it moves with them (a
 * December bump beside a fourth-quarter spend push and cold weather) the residuals alone show only
 * part of its effect. Null when the fit cannot be made; a column the regressors explain whole gets
 * coefficient 0.
 */
export function partialColumnFits(
  series: TenantSeries,
  columns: readonly ArrayLike<number>[],
): PartialColumnFit[] | null {
  const fit = fitBase(series);
  if (fit === null) return null;
  const { cols, chol, residuals: e, ss: ee } = fit;
  const n = e.length;
  const p = cols.length;
  return columns.map((x) => {
    let m = 0;
    for (let t = 0; t < n; t++) m += x[t];
    m /= n;
    let xx = 0;
    let ex = 0;
    const s = new Float64Array(p);
    for (let t = 0; t < n; t++) {
      const v = x[t] - m;
      xx += v * v;
      ex += e[t] * v;
      for (let j = 0; j < p; j++) s[j] += cols[j][t] * v;
    }
    const c = Float64Array.from(s);
    if (p > 0) choleskySolveInPlace(chol, p, c);
    let proj = 0;
    for (let j = 0; j < p; j++) proj += s[j] * c[j];
    const res = xx - proj;
    if (!(res > 1e-9 * (xx + 1e-300)) || !(ee > 0)) return { coefficient: 0, partialR2: 0 };
    return { coefficient: ex / res, partialR2: (ex * ex) / (res * ee) };
  });
}

/**
 * The candidate date with the largest partial R² of a step, with its size; null when the series is
 * too short for two segments or the fit cannot be made. Every candidate is reported, whether it
 * passes the thresholds or not (levelShift applies them).
 */
export function strongestLevelStep(series: TenantSeries): LevelShift | null {
  const y = series.target;
  const n = y.length;
  const m = LEVEL_SHIFT_MIN_SEGMENT[series.frequency];
  if (n < 2 * m + 1) return null;
  const fit = fitBase(series);
  if (fit === null) return null;
  const { cols, chol: l, residuals: e, ss: ee } = fit;
  const p = cols.length;
  if (!(ee > 0)) return null;
  // Suffix sums from the end: S = sum_{t >= tau} x_t (centred columns), r = sum_{t >= tau} e_t.
  const suffix = new Float64Array(p);
  let r = 0;
  let best: { tau: number; stat: number; step: number } | null = null;
  const c = new Float64Array(p);
  for (let tau = n - 1; tau >= m; tau--) {
    for (let j = 0; j < p; j++) suffix[j] += cols[j][tau];
    r += e[tau];
    if (tau > n - m) continue;
    // The step centred (the intercept's part removed) and projected on the columns:
    // ||s_res||² = k (n - k) / n - S' G^-1 S, with k = n - tau rows at 1.
    const k = n - tau;
    c.set(suffix);
    if (p > 0) choleskySolveInPlace(l, p, c);
    let proj = 0;
    for (let j = 0; j < p; j++) proj += suffix[j] * c[j];
    const ss = (k * (n - k)) / n - proj;
    if (!(ss > 1e-9 * k)) continue;
    const stat = (r * r) / (ss * ee);
    if (best === null || stat > best.stat) best = { tau, stat, step: r / ss };
  }
  if (best === null) return null;
  let before = 0;
  for (let t = 0; t < best.tau; t++) before += y[t];
  before /= best.tau;
  return {
    row: best.tau,
    date: series.dates[best.tau],
    step: best.step,
    before,
    relative: before !== 0 ? best.step / Math.abs(before) : Infinity,
    partialR2: best.stat,
  };
}

/** The strongest step when it passes both thresholds (a likely level shift), else null. */
export function levelShift(series: TenantSeries): LevelShift | null {
  const s = strongestLevelStep(series);
  if (s === null) return null;
  return s.partialR2 >= LEVEL_SHIFT_MIN_PARTIAL_R2 && Math.abs(s.relative) >= LEVEL_SHIFT_MIN_SIZE
    ? s
    : null;
}
