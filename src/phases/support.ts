/**
 * What a training window can identify. A yearly cycle cannot be learned from less than a year of
 * rows: yearly Fourier terms fitted on six months are a curve through half a cycle, and
 * extrapolating them over the next months is where the first folds went wildly wrong; the same
 * holds for a trend fitted on part of a cycle. Such terms
 * are left out of a fold's model (their column is zeroed for that fold, which the standardized
 * Ridge turns into a zero coefficient and a GBM never splits on). From one year to about 13
 * months the season and the trend are both kept but cannot be told apart (a trend over one cycle
 * is mostly the cycle's sawtooth): the trend is used inside the window and held at its last value
 * after it, so the model does not extrapolate a slope that is partly the season's. Decided from
 * the number of training rows only.
 */
import { periodsPerYear } from '../core/folds.js';
import { constantOnRows, type Design } from '../core/features.js';
import { solveSpd } from '../core/linalg.js';
import { yearlyGrowth } from '../core/growth.js';
import type { Frequency, TenantSeries } from '../core/types.js';
import { firstSpendRow, LATE_START_TRAIN_PERIODS, spendPeriods } from '../core/data-warnings.js';
import { DEFAULT_VALIDATION_FRACTION, innerSplit } from './choose.js';

/** Yearly Fourier columns of the calendar (features.ts calendarColumns). */
export const YEARLY_TERMS: readonly string[] = ['sin1', 'cos1', 'sin2', 'cos2'];

/**
 * Calendar terms that training rows [0, trainEnd) cannot identify, in design order: under a year
 * of rows, the yearly Fourier terms and the trend (a slope fitted on part of a yearly cycle is
 * mostly the season's slope, and extrapolating it over the next months adds the error back). The
 * ladder keeps a daily trend that dominates the window's rows (ladder.ts strongTrendKept).
 */
export function unsupportedTerms(
  names: readonly string[],
  trainEnd: number,
  frequency: Frequency,
): string[] {
  if (trainEnd >= periodsPerYear(frequency)) return [];
  return names.filter((n) => YEARLY_TERMS.includes(n) || n === 'trend');
}

/**
 * Share of a linear trend's variance over `rows` evenly spaced periods that the yearly Fourier
 * terms explain (R² of the trend regressed on sin/cos k = 1, 2 of the year, with an intercept).
 * Over exactly one year it is 0.76 (the trend is a sawtooth of the cycle: 6/pi² + 6/(4 pi²)); it
 * falls to 0.49 at 400 days and 0.07 at 18 months (0.19 at two years). Depends on the row count
 * and the frequency only.
 */
export function trendSeasonShare(rows: number, frequency: Frequency): number {
  const key = `${frequency}:${rows}`;
  const hit = shareCache.get(key);
  if (hit !== undefined) return hit;
  const period = frequency === 'daily' ? DAYS_PER_YEAR : DAYS_PER_YEAR / 7;
  const p = 4;
  const mid = (rows - 1) / 2;
  const cols: Float64Array[] = [];
  for (const k of [1, 2]) {
    const s = new Float64Array(rows);
    const c = new Float64Array(rows);
    for (let t = 0; t < rows; t++) {
      const angle = (2 * Math.PI * k * t) / period;
      s[t] = Math.sin(angle);
      c[t] = Math.cos(angle);
    }
    cols.push(s, c);
  }
  // Centered columns: the intercept is then implicit.
  for (const col of cols) {
    let m = 0;
    for (let t = 0; t < rows; t++) m += col[t];
    m /= rows;
    for (let t = 0; t < rows; t++) col[t] -= m;
  }
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  let total = 0;
  for (let t = 0; t < rows; t++) total += (t - mid) * (t - mid);
  for (let i = 0; i < p; i++) {
    for (let t = 0; t < rows; t++) rhs[i] += cols[i][t] * (t - mid);
    for (let j = 0; j < p; j++) {
      let v = 0;
      for (let t = 0; t < rows; t++) v += cols[i][t] * cols[j][t];
      gram[i * p + j] = v;
    }
  }
  let share = 1;
  if (total > 0) {
    try {
      const beta = solveSpd(gram, rhs, p);
      let explained = 0;
      for (let i = 0; i < p; i++) explained += beta[i] * rhs[i];
      share = Math.min(1, explained / total);
    } catch {
      // Fewer rows than independent yearly columns: the trend is all season.
      share = 1;
    }
  }
  shareCache.set(key, share);
  return share;
}

const DAYS_PER_YEAR = 365.25;
const shareCache = new Map<string, number>();

/**
 * Largest share of the trend that the yearly terms may explain on a window for the trend to be
 * extrapolated (a variance inflation of 2).
 */
export const MAX_TREND_SEASON_SHARE = 0.5;

/**
 * True when a window of trainEnd rows keeps its yearly terms and trend but cannot tell the two
 * apart: from a year up to about 13 months the yearly terms explain more than half of the trend
 * (trendSeasonShare), so the fitted slope is partly the season's. Such a window's model uses the
 * trend inside the window and holds it at its last training value after it (windowColumns).
 */
export function trendHeldFlat(trainEnd: number, frequency: Frequency): boolean {
  return (
    trainEnd >= periodsPerYear(frequency) &&
    trendSeasonShare(trainEnd, frequency) > MAX_TREND_SEASON_SHARE
  );
}

/** Terms a model of rows [0, trainEnd) holds at their last training value after the window. */
export function heldTerms(
  names: readonly string[],
  trainEnd: number,
  frequency: Frequency,
): string[] {
  return trendHeldFlat(trainEnd, frequency) && names.includes('trend') ? ['trend'] : [];
}

/**
 * The columns a model of rows [0, trainEnd) uses: the design less the terms the window cannot
 * identify (unsupportedTerms, zeroed), and, where trendHeldFlat, the trend held at its value on the
 * window's last row for every later row. Rows before trainEnd are the design's own values.
 */
export function windowColumns(
  design: Design,
  trainEnd: number,
  frequency: Frequency,
  windowKnots = true,
  controls: readonly string[] = [],
): Float64Array[] {
  const pulses = windowPulses(design, trainEnd, frequency, controls);
  const masked = maskedColumns(design, [
    ...unsupportedTerms(design.names, trainEnd, frequency),
    ...constantTerms(design, trainEnd),
    ...singleRowTerms(design, trainEnd).filter((name) => !pulses.includes(name)),
  ]);
  const columns = pulsesEnded(
    design,
    windowHinges(design.names, masked, trainEnd, windowKnots),
    pulses,
    trainEnd,
  );
  const j = design.names.indexOf('trend');
  if (j < 0 || !trendHeldFlat(trainEnd, frequency)) return columns;
  const held = Float64Array.from(columns[j]);
  held.fill(columns[j][trainEnd - 1], trainEnd);
  const out = columns === design.columns ? columns.slice() : columns;
  out[j] = held;
  return out;
}

/**
 * Least yearly growth of a window's target on the log scale (core/growth.ts yearlyGrowth: |b| of
 * 0.2 is +22% or -18% a year) from which the window's trend is the growth curve instead of a
 * straight line (growthTrendColumn), for windows of GROWTH_TREND_FULL_YEARS or more; shorter
 * windows, from core/growth.ts GROWTH_MIN_YEARS, need GROWTH_TREND_SHORT_MIN_LOG_RATE, as their
 * slope is more of the season's. The fixtures' windows stay under both (at most 0.18 from a year
 * and a half, 0.25 from 1.2 years, over the built-in 20, the shape suite's six draws and four
 * generated sets), so their models are unchanged; data simulated at +30% to +60% a year reads
 * 0.19-0.49 (docs/modeling.md, "Strong growth: the trend as a growth curve").
 */
export const GROWTH_TREND_MIN_LOG_RATE = 0.2;
/** Windows of this many years or more take GROWTH_TREND_MIN_LOG_RATE. */
export const GROWTH_TREND_FULL_YEARS = 1.5;
/** Windows of GROWTH_MIN_YEARS up to GROWTH_TREND_FULL_YEARS take this least rate (+35% or -26%). */
export const GROWTH_TREND_SHORT_MIN_LOG_RATE = 0.3;

/**
 * Why a window whose trend is the growth curve keeps Ridge (chooseAndFit keepRidge): a tree's
 * forecast stays within the levels of its training rows, so a GBM or blend cannot carry the growth
 * past the window (a daily three-year fold at +30% a year: a blend chosen on a 0.46 / 0.32 inner
 * split scored 0.22 where the Ridge scored 0.81).
 */
export const GROWTH_RIDGE =
  'ridge kept: revenue compounds on these rows (the trend a growth curve), and a tree model cannot carry growth past its training levels';

/**
 * The log growth rate a year of rows [0, trainEnd) where it is at least the window's least rate
 * (GROWTH_TREND_MIN_LOG_RATE, or GROWTH_TREND_SHORT_MIN_LOG_RATE under GROWTH_TREND_FULL_YEARS) in
 * size and the window spans core/growth.ts GROWTH_MIN_YEARS, else null. Reads no row at or after
 * trainEnd.
 */
export function windowGrowth(
  series: Pick<TenantSeries, 'dates' | 'target'>,
  trainEnd: number,
): number | null {
  const g = yearlyGrowth({
    dates: series.dates.slice(0, trainEnd),
    target: series.target.subarray(0, trainEnd),
  });
  if (g === null) return null;
  const least =
    g.years >= GROWTH_TREND_FULL_YEARS
      ? GROWTH_TREND_MIN_LOG_RATE
      : GROWTH_TREND_SHORT_MIN_LOG_RATE;
  return Math.abs(g.logRate) >= least ? g.logRate : null;
}

/**
 * Least training rows above a temperature hinge's knot (core/features.ts temperatureHingeColumns)
 * for the hinge to be in a window's model: a month of days. A slope fitted on a few hot days of a
 * window's end and carried over a summer the window has not seen forecast a daily two-year
 * tenant's first fold at R² -65 (docs/modeling.md, "Temperature as a piecewise-linear curve").
 */
export const MIN_HINGE_ROWS = 30;

/** True for a temperature hinge column's name (`<column>_above_<knot>`). */
export function isTemperatureHinge(name: string): boolean {
  return /_above_-?\d+(\.\d+)?$/.test(name);
}

/**
 * Rows t < trainEnd on the thinner side of the hinge's knot: the fewer of the rows above it (column
 * > 0) and the rows at or below it. Under MIN_HINGE_ROWS the window cannot fit a bend there: a
 * knot below every training temperature makes the hinge the linear term itself, and one with a few
 * rows above it a slope of a few days.
 */
export function hingeSupport(column: ArrayLike<number>, trainEnd: number): number {
  const above = rowsAbove(column, trainEnd);
  return Math.min(above, trainEnd - above);
}

/**
 * The columns with each temperature hinge the rows [0, trainEnd) cannot fit (hingeSupport under
 * MIN_HINGE_ROWS) zeroed, as a term the window cannot identify: the standardized Ridge gives it a
 * zero coefficient and a GBM never splits on it. Two exceptions, the window's own knots: the lowest
 * knot of a temperature column with too few rows above it (a window whose hottest days lie between
 * two fixed knots) gives its column to the hinge at the window's MIN_HINGE_ROWS-th hottest
 * temperature (topKnotHinge), and the highest knot with too few rows at or below it to the hinge at
 * the MIN_HINGE_ROWS-th coldest (bottomKnotHinge), so a bend beyond the last fixed knot the window
 * supports is not lost. Decided from the training rows only. Why: docs/modeling.md, "The window's
 * top and bottom knots" (`windowKnots` false: left out too, as before).
 */
export function windowHinges(
  names: readonly string[],
  columns: Float64Array[],
  trainEnd: number,
  windowKnots = true,
): Float64Array[] {
  // Each temperature column's hinges (in ascending knot order, core/features.ts) with their
  // training rows above the knot.
  const byColumn = new Map<string, { j: number; above: number }[]>();
  names.forEach((name, j) => {
    if (!isTemperatureHinge(name)) return;
    const base = name.slice(0, name.lastIndexOf('_above_'));
    const list = byColumn.get(base) ?? [];
    list.push({ j, above: rowsAbove(columns[j], trainEnd) });
    byColumn.set(base, list);
  });
  let out: Float64Array[] | null = null;
  for (const [base, hinges] of byColumn) {
    const kept = hinges.filter((h) => Math.min(h.above, trainEnd - h.above) >= MIN_HINGE_ROWS);
    const thin = hinges.filter((h) => !kept.includes(h));
    if (thin.length === 0) continue;
    out ??= columns.slice();
    for (const h of thin) out[h.j] = new Float64Array(columns[h.j].length);
    const k = names.indexOf(base);
    if (!windowKnots || k < 0) continue;
    const temperature = columns[k];
    // Top: the lowest knot with too few rows above it.
    const top = thin.find((h) => h.above < trainEnd - h.above);
    const keptAbove = kept.length > 0 ? kept[kept.length - 1].above : trainEnd;
    const topColumn = top ? topKnotHinge(temperature, trainEnd, keptAbove) : null;
    if (top && topColumn) out[top.j] = topColumn;
    // Bottom: the highest knot with too few rows at or below it.
    const bottom = thin.filter((h) => h.above >= trainEnd - h.above).pop();
    const keptBelow =
      kept.length > 0
        ? trainEnd - kept[0].above
        : topColumn
          ? trainEnd - rowsAbove(topColumn, trainEnd)
          : trainEnd;
    const bottomColumn = bottom ? bottomKnotHinge(temperature, trainEnd, keptBelow) : null;
    if (bottom && bottomColumn) out[bottom.j] = bottomColumn;
  }
  return out ?? columns;
}

/** Rows t < trainEnd where the column is above 0 (a hinge's rows above its knot). */
function rowsAbove(column: ArrayLike<number>, trainEnd: number): number {
  let above = 0;
  for (let t = 0; t < trainEnd; t++) if (column[t] > 0) above++;
  return above;
}

/**
 * The window's top knot: max(0, T - q) with q the window's MIN_HINGE_ROWS-th hottest temperature
 * (MIN_HINGE_ROWS training rows above it), when at least MIN_HINGE_ROWS training rows lie between
 * q and the column's highest kept knot (`aboveKeptKnot` rows above that knot; all rows when none is
 * kept), so that both new segments have the support any hinge needs; null otherwise.
 */
export function topKnotHinge(
  temperature: ArrayLike<number>,
  trainEnd: number,
  aboveKeptKnot: number,
): Float64Array | null {
  return windowKnotHinge(temperature, trainEnd, aboveKeptKnot, 'top');
}

/**
 * The window's bottom knot, topKnotHinge's twin: max(0, T - q) with q the window's
 * MIN_HINGE_ROWS-th coldest temperature (MIN_HINGE_ROWS training rows at or below it), when at
 * least MIN_HINGE_ROWS training rows lie between q and the column's lowest kept knot
 * (`belowKeptKnot` rows at or below that knot; without one, below the top knot or all rows); null
 * otherwise. With the linear term it bends the curve at q: heating demand in a window whose
 * coldest days lie between two fixed knots.
 */
export function bottomKnotHinge(
  temperature: ArrayLike<number>,
  trainEnd: number,
  belowKeptKnot: number,
): Float64Array | null {
  return windowKnotHinge(temperature, trainEnd, belowKeptKnot, 'bottom');
}

/**
 * The hinge at the window's MIN_HINGE_ROWS-th hottest ('top': that many training rows above the
 * knot) or coldest ('bottom': that many at or below it) temperature, when `keptSide` (the training
 * rows on the same side of the nearest kept knot) leaves MIN_HINGE_ROWS more between them.
 */
function windowKnotHinge(
  temperature: ArrayLike<number>,
  trainEnd: number,
  keptSide: number,
  side: 'top' | 'bottom',
): Float64Array | null {
  if (trainEnd <= MIN_HINGE_ROWS) return null;
  // A typed array sorts numerically without a comparator call per pair (the comparator took about
  // 14% of phase 0's time). Ascending: the top knot is MIN_HINGE_ROWS from the end.
  const sorted = new Float64Array(trainEnd);
  for (let t = 0; t < trainEnd; t++) sorted[t] = temperature[t];
  sorted.sort();
  const knot = sorted[side === 'top' ? trainEnd - 1 - MIN_HINGE_ROWS : MIN_HINGE_ROWS - 1];
  const col = new Float64Array(temperature.length);
  for (let t = 0; t < col.length; t++) col[t] = temperature[t] > knot ? temperature[t] - knot : 0;
  const above = rowsAbove(col, trainEnd);
  const support = side === 'top' ? above : trainEnd - above;
  return support >= MIN_HINGE_ROWS && keptSide - support >= MIN_HINGE_ROWS ? col : null;
}

/**
 * Columns of a design that hold one value on the rows [0, trainEnd) (a weather column or control
 * that does not move there), each with the terms built from it: its square (`<c>_squared`), its
 * temperature hinges (`<c>_above_<k>`) and its products with the channels' media (`<m>_x_<c>`), a
 * product with a constant being a copy of the media column. They explain nothing on those rows,
 * and the copies change the Ridge's penalty on the media (a daily file with humidity 55 on every
 * row: meta's ROAS 8.32, 6.99 with the column left out), so the window's model leaves them out
 * (zeroed, as terms the window cannot identify). Decided from the training rows only.
 */
export function constantTerms(design: Design, trainEnd: number): string[] {
  const out: string[] = [];
  design.names.forEach((c, j) => {
    if (!constantOnRows(design.columns[j], trainEnd)) return;
    out.push(c, ...termsBuiltFrom(design.names, c, false));
  });
  return [...new Set(out)];
}

/**
 * The terms of a design built from column `c`: its square, temperature hinges and its products
 * with the channels' media (`<m>_x_<c>`); with `ownProducts`, also the products it heads
 * (`<c>_x_<w>`: a channel's spend times each weather column).
 */
function termsBuiltFrom(names: readonly string[], c: string, ownProducts: boolean): string[] {
  return names.filter(
    (name) =>
      name === `${c}_squared` ||
      name.endsWith(`_x_${c}`) ||
      (ownProducts && name.startsWith(`${c}_x_`)) ||
      (name.startsWith(`${c}_above_`) && isTemperatureHinge(name)),
  );
}

/**
 * True when the column holds one value on every row t < trainEnd but one: it moves on a single
 * row of the window. Such a column is a dummy of that row: the fit gives it that row's whole
 * residual, whatever part of it is the event's, and the forecast carries that amount, scaled by
 * the column's value, to every later row where it moves. A weekly one-year tenant's holiday
 * control (2 event days in one week of its first 44) took 119,000 a day (the true effect: about
 * 16,000 a day in July, 4,300 at Black Friday) and forecast the Black Friday week (3 event days)
 * 346,000 too high: fold R² -8.27 where the oracle scores 0.79 (docs/modeling.md, "Short windows:
 * a column that moves on one training row"). Reads no row at or after trainEnd.
 */
export function movesOnOneRow(column: ArrayLike<number>, trainEnd: number): boolean {
  if (trainEnd < 3) return false;
  // With at most one row off the common value, that value is the first row's or the second's.
  for (const v of [column[0], column[1]]) {
    let off = 0;
    for (let t = 0; t < trainEnd && off < 2; t++) if (column[t] !== v) off++;
    if (off === 1) return true;
  }
  return false;
}

/**
 * Columns of a design that move on a single row of rows [0, trainEnd) (movesOnOneRow), each with
 * the terms built from it (its square, hinges, products with the channels' media or the weather).
 * Terms built from other columns are judged on their own. The window's model leaves them out
 * (zeroed, as terms it cannot identify), as it leaves out those that never move (constantTerms).
 * Decided from the training rows only.
 */
export function singleRowTerms(design: Design, trainEnd: number): string[] {
  const out: string[] = [];
  design.names.forEach((c, j) => {
    if (!movesOnOneRow(design.columns[j], trainEnd)) return;
    out.push(c, ...termsBuiltFrom(design.names, c, true));
  });
  return [...new Set(out)];
}

/**
 * Controls (`controls`: the series' control names) that move on one row of a window of at least a
 * year (periodsPerYear rows): one-off events the window saw once in a year or more of rows (a
 * launch, an outage, the two one-week events of PyMC-Marketing's example, or the first of a
 * yearly one). windowColumns keeps them in the window's fit, so that the event row's residual goes
 * to them rather than to the other coefficients, and holds them at their common value after the
 * window, so that nothing of that one row is carried to a forecast (pulsesEnded), except where the
 * column takes the event row's value again: the same event recurring (a Black Friday week seen
 * once in a window of 87 weeks forecast at 0 the next year: fold R² 0.25 where the oracle scores
 * 0.85; 0.83 carried; docs/modeling.md). Left out instead (singleRowTerms, as in
 * shorter windows and for other columns), the residual of a one-week event spread over the
 * other coefficients: on 40 draws of the PyMC recipe phase 3 fell from 0.828 to 0.804 and the
 * draws meeting every target from 21 to 10 (docs/modeling.md, "One-off events in windows of a
 * year or more"). Under a year the column is left out: there a single mover is as often the first
 * occurrence of a yearly event (a holiday's July week), and keeping it cost our generator's
 * one-year weekly tenants 0.02 of phase 3. Decided from rows [0, trainEnd) only.
 */
export function windowPulses(
  design: Design,
  trainEnd: number,
  frequency: Frequency,
  controls: readonly string[],
): string[] {
  if (controls.length === 0 || trainEnd < periodsPerYear(frequency)) return [];
  return design.names.filter(
    (name, j) => controls.includes(name) && movesOnOneRow(design.columns[j], trainEnd),
  );
}

/** The value a column moving on one row of [0, trainEnd) holds on the others (movesOnOneRow). */
function commonValue(column: ArrayLike<number>, trainEnd: number): number {
  let same = 0;
  for (let t = 0; t < trainEnd; t++) if (column[t] === column[0]) same++;
  return same > 1 ? column[0] : column[1];
}

/**
 * `columns` with each pulse column (windowPulses) held at its common value on rows t >= trainEnd,
 * except the rows where it takes its one training row's value again (the event recurring).
 */
function pulsesEnded(
  design: Design,
  columns: Float64Array[],
  pulses: readonly string[],
  trainEnd: number,
): Float64Array[] {
  if (pulses.length === 0) return columns;
  const out = columns === design.columns ? columns.slice() : columns;
  for (const name of pulses) {
    const j = design.names.indexOf(name);
    const held = Float64Array.from(out[j]);
    const common = commonValue(held, trainEnd);
    let event = common;
    for (let t = 0; t < trainEnd; t++) if (held[t] !== common) event = held[t];
    // A later row with the event's own value is the same event again (next year's Black Friday
    // week of an `events` column): it keeps its value, and the forecast the window's one
    // estimate of it. Any other value is held at the common value (a count of event days the
    // window never saw is not scaled from one row).
    for (let t = trainEnd; t < held.length; t++) if (held[t] !== event) held[t] = common;
    out[j] = held;
  }
  return out;
}

/** The design's columns with the named ones replaced by zeros (shared arrays otherwise). */
export function maskedColumns(design: Design, drop: readonly string[]): Float64Array[] {
  if (drop.length === 0) return design.columns;
  const set = new Set(drop);
  return design.columns.map((c, j) => (set.has(design.names[j]) ? new Float64Array(c.length) : c));
}

/**
 * True for a weather-derived column of a design whose modeled weather columns are `weather`: a
 * weather column itself, its square (`<w>_squared`), a temperature hinge, or a spend x weather
 * interaction (`<media>_x_<w>`).
 */
export function isWeatherTerm(name: string, weather: readonly string[]): boolean {
  return (
    weather.includes(name) ||
    isTemperatureHinge(name) ||
    weather.some((w) => name === `${w}_squared` || name.endsWith(`_x_${w}`))
  );
}

/**
 * The columns with every column that `clamped` names held, on the rows from trainEnd on, within
 * the range [min, max] it takes on rows [0, trainEnd); rows before trainEnd are unchanged, so
 * the fit is the same and only the forecasts differ. A squared or spend x weather term fitted on a
 * window that never saw the monsoon's rain or the summer's heat carries its curvature as far as
 * the forecast rows reach: a daily one-year tenant's first fold (185 rows, January to July; rain
 * up to 10 mm, 35 mm in its test block) forecast at R² -3.28 with phase 3 (docs/modeling.md,
 * "Daily phase 3: weather held within the window's range"). Decided from the training rows only.
 */
export function clampedBeyondWindow(
  names: readonly string[],
  columns: readonly Float64Array[],
  trainEnd: number,
  clamped: (name: string) => boolean,
): Float64Array[] {
  return columns.map((column, j) => {
    if (!clamped(names[j]) || trainEnd >= column.length || trainEnd < 1) return column;
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = 0; t < trainEnd; t++) {
      if (column[t] < lo) lo = column[t];
      if (column[t] > hi) hi = column[t];
    }
    const out = Float64Array.from(column);
    for (let t = trainEnd; t < out.length; t++) out[t] = Math.min(hi, Math.max(lo, out[t]));
    return out;
  });
}

/**
 * Why a model of rows [0, n) keeps Ridge without the Ridge / GBM / blend choice (chooseAndFit), or
 * undefined: a channel that first spends in the choice's inner-validation rows (fewer than
 * LATE_START_TRAIN_PERIODS periods of its spend in the inner-training rows, some after them).
 * The inner fits cannot learn its effect, so the validation R² measures the launch, not the model
 * class, while the Ridge of all n rows sees the launch. A probe's channel launched 120 days before
 * the end of three daily years: the all-rows model's Ridge -1.91 and GBM -1.99 on those rows, a
 * 0.4 / 0.6 blend chosen, and every channel's ROAS 0.37-0.61x the truth. The all-rows model's
 * choice only (final.ts); the fold models' are not judged so (docs/modeling.md, "A channel
 * launched late").
 */
export function launchInValidation(
  series: TenantSeries,
  n: number,
  gap: number,
  validationFraction: number = DEFAULT_VALIDATION_FRACTION,
): string | undefined {
  const { innerTrainEnd, validStart } = innerSplit(n, validationFraction, gap);
  const need = LATE_START_TRAIN_PERIODS[series.frequency];
  const launched = series.channels.filter((_, c) => {
    const spend = series.spend[c];
    return (
      spendPeriods(spend, innerTrainEnd) < need &&
      spendPeriods(spend, n) > spendPeriods(spend, validStart)
    );
  });
  if (launched.length === 0) return undefined;
  const first = (c: string): string =>
    series.dates[firstSpendRow(series.spend[series.channels.indexOf(c)])];
  return (
    `ridge kept without the ridge / gbm choice: ${launched.map((c) => `${c} (first spend ${first(c)})`).join(', ')} ` +
    `${launched.length === 1 ? 'spends' : 'spend'} in the choice's inner-validation rows (from ${series.dates[validStart]}) ` +
    `but on under ${need} ${series.frequency === 'daily' ? 'days' : 'weeks'} of its inner-training rows, so those rows measure the launch, not the model`
  );
}
