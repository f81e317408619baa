/**
 * Design matrices of the linear phases, column-major, in the Python peer's column order
 * (bench_peers.py design()): spend, weather, spend x weather (channel-major), weather squared,
 * then controls, then calendar. Raw values: standardization happens per training fold in the Ridge.
 */
import { daysFromCivil, parseIsoDay } from './csv/dates.js';
import { periodsPerYear } from './folds.js';
import type { Frequency, TenantSeries } from './types.js';
import { modeledWeather, weatherKindOf } from './weather-names.js';

export interface DesignSpec {
  /** Add `<channel>_spend_x_<weather>` (raw product) and `<weather>_squared` (phase 1+). */
  interactions: boolean;
  /** Weather columns to model; default every weather column of the series except wind (modeledWeather). */
  weather?: readonly string[];
  /** Add day-of-week dummies, yearly Fourier(2) and a trend, as the peer's calendar_cols (default true). */
  calendar?: boolean;
  /** Include the series' control columns (default true; the peer has none). */
  controls?: boolean;
  /**
   * Day-of-week dummies: 'auto' (default) adds them for daily data only; 'always' adds them for
   * weekly data too, as the peer does (they are then constant and drop out of the Ridge).
   */
  dayOfWeek?: 'auto' | 'always';
  /**
   * Per-channel media columns that replace the raw spend (phase 3: adstocked, saturated spend),
   * with their base names; interactions are then `<name>_x_<weather>`. Default: the raw spend,
   * named `<channel>_spend`.
   */
  media?: { names: readonly string[]; columns: readonly Float64Array[] };
  /**
   * Weekly spend terms (default true; used only for weekly series with the raw spend, i.e. phases
   * 0-2): each channel's spend enters as log(1 + spend / c) and again as last week's value of
   * that (`<channel>_log_spend`, `<channel>_log_spend_lag1`), c = the channel's median positive
   * spend over the first WEEKLY_SCALE_ROWS rows. Why in docs/modeling.md ("Weekly spend terms").
   * The peer-parity mode sets it false (the plan's raw spend).
   */
  weeklySpend?: boolean;
  /**
   * The weekly spend terms' scale c per channel (weeklySpendScale of the series a model was fitted
   * on): a model's design on another series (explain's counterfactuals and response curves) keeps
   * its own c. Default: computed from this series.
   */
  weeklyScales?: readonly number[];
  /**
   * Add `<temperature>_above_<k>` = max(0, temperature - k) for each knot k of TEMPERATURE_KNOTS_C
   * (converted for a Fahrenheit column), for every modeled weather column recognised as a
   * temperature (default false: the peer's and the all-rows model's design). With the linear term
   * they make temperature a piecewise-linear curve, flat where demand no longer moves with it.
   */
  temperatureHinges?: boolean;
  /**
   * Calendar columns already built for these dates (calendarColumns with the same day-of-week
   * choice), shared instead of rebuilt: repeated predictions on the same dates (explain).
   */
  calendarColumns?: Design;
  /**
   * The log growth rate a year whose curve is the calendar's trend (core/growth.ts
   * growthTrendColumn) instead of the straight t / n: the all-rows model of a tenant whose revenue
   * compounds (phases/support.ts windowGrowth). Absent or null: the straight trend.
   */
  growthLogRate?: number | null;
  /**
   * Product columns a * b (media x weather, weather squared) already built, by the identities of
   * a and b: `make` computes one when it is not kept. Repeated designs of one model whose series
   * differ in one channel's spend (explain's counterfactuals, the planner's probes) share the
   * other channels' products instead of recomputing them (the same values, so the same bits).
   */
  productColumn?: (
    a: ArrayLike<number>,
    b: ArrayLike<number>,
    make: () => Float64Array,
  ) => Float64Array;
}

/**
 * Rows whose spend sets the scale c of the weekly log spend: the least first training window of
 * weekly data (core/folds.ts PROTOCOL_RULE.minFirstTrain.weekly, also the least a user's minTrain
 * may be), so every fold's training window holds them and no fold's columns depend on its test
 * rows.
 */
export const WEEKLY_SCALE_ROWS = 26;

/**
 * Knots (deg C) of the temperature hinges (DesignSpec.temperatureHinges): every 10 degrees over the
 * range daily temperatures take. Fixed in degrees, not read off the data, so a fold's columns do not
 * depend on any rows. Why: docs/modeling.md, "Temperature as a piecewise-linear curve".
 */
export const TEMPERATURE_KNOTS_C: readonly number[] = [0, 10, 20, 30];

/**
 * Hinge columns max(0, temperature - k) of the weather columns among `weather` recognised as a
 * temperature (weather-names.ts), one per knot of TEMPERATURE_KNOTS_C on the column in deg C
 * (modelWeatherColumn), named `<column>_above_<k>` with k in the column's unit (deg F columns:
 * 9k/5 + 32).
 */
export function temperatureHingeColumns(series: TenantSeries, weather: readonly string[]): Design {
  const names: string[] = [];
  const columns: Float64Array[] = [];
  for (const w of weather) {
    const info = weatherKindOf(w);
    if (info?.kind !== 'temperature') continue;
    const v = modelWeatherColumn(series, w);
    for (const knot of TEMPERATURE_KNOTS_C) {
      const col = new Float64Array(v.length);
      for (let t = 0; t < v.length; t++) col[t] = v[t] > knot ? v[t] - knot : 0;
      names.push(`${w}_above_${info.unit === 'degF' ? (knot * 9) / 5 + 32 : knot}`);
      columns.push(col);
    }
  }
  return { names, columns };
}

/** Fahrenheit columns in deg C, by the identity of the column (modelWeatherColumn). */
const celsiusOf = new WeakMap<Float64Array, Float64Array>();

/**
 * A weather column as the models use it: its values, except that a temperature recognised as deg
 * F (weather-names.ts) is put in deg C, (F - 32) x 5 / 9. The squared weather and media x weather
 * terms are products of raw values, and standardizing a product afterwards does not undo an
 * offset of its factors: the same file in deg F and in deg C gave different phase-3 fold models
 * (fold R² 0.614 / 0.732 / 0.806 against 0.623 / 0.821 / 0.807). A unit that differs by a factor
 * alone (inches, mph) needs nothing: standardizing removes it. Every model design reads its
 * weather here (buildDesign, the hinges, the phase-3 search, the planner's curves, calibration),
 * so fit and prediction agree. A conversion is kept per column array: the design caches key
 * products by their columns' identity.
 */
export function modelWeatherColumn(
  series: Pick<TenantSeries, 'weather' | 'weatherNames'>,
  name: string,
): Float64Array {
  const j = series.weatherNames.indexOf(name);
  if (j < 0) throw new RangeError(`no weather column ${name}`);
  const raw = series.weather[j];
  if (weatherKindOf(name)?.unit !== 'degF') return raw;
  let c = celsiusOf.get(raw);
  if (!c) {
    c = Float64Array.from(raw, (f) => ((f - 32) * 5) / 9);
    celsiusOf.set(raw, c);
  }
  return c;
}

/** Median of the positive values of x over rows [0, end); 1 when none is positive. */
function headScale(x: ArrayLike<number>, end: number): number {
  const pos: number[] = [];
  for (let t = 0; t < Math.min(end, x.length); t++) if (x[t] > 0) pos.push(x[t]);
  if (pos.length === 0) return 1;
  pos.sort((a, b) => a - b);
  const h = pos.length >> 1;
  return pos.length % 2 === 1 ? pos[h] : (pos[h - 1] + pos[h]) / 2;
}

/**
 * A weekly channel's spend scale c: the median of its positive spend over the first
 * WEEKLY_SCALE_ROWS rows (1 when none is positive). A model keeps the c of the series it was
 * fitted on (FinalModel.weeklyScales): computed again on a counterfactual series (every week at
 * one spend, or every week 1% more) c would move with the spend and cancel it.
 */
export function weeklySpendScale(spend: ArrayLike<number>): number {
  return headScale(spend, WEEKLY_SCALE_ROWS);
}

/**
 * A weekly channel's spend terms: log(1 + spend / c) (a week's effect saturates: a week of twice
 * the spend does not bring twice the revenue) and the same one week earlier (a carry-over of a few
 * days moves part of a week's effect into the next row). Row 0 has no earlier week: it repeats its
 * own value. Causal: row t reads spend of rows <= t and the scale rows only. `scale`: c
 * (default weeklySpendScale of this spend).
 */
export function weeklySpendTerms(
  spend: ArrayLike<number>,
  scale: number = weeklySpendScale(spend),
): [Float64Array, Float64Array] {
  const n = spend.length;
  const c = scale;
  const log = new Float64Array(n);
  for (let t = 0; t < n; t++) log[t] = Math.log1p(Math.max(0, spend[t]) / c);
  const lag = new Float64Array(n);
  for (let t = 0; t < n; t++) lag[t] = log[t > 0 ? t - 1 : 0];
  return [log, lag];
}

export interface Design {
  names: string[];
  columns: Float64Array[];
}

/**
 * Weather columns used for modeling: the explicit list (all must exist) or, by default, every weather column of
 * the series whatever its name except wind (for the built-in tenants: temperature_c, precipitation_mm,
 * humidity_pct, as before).
 */
export function modelWeatherNames(series: TenantSeries, weather?: readonly string[]): string[] {
  if (weather === undefined) return modeledWeather(series.weatherNames);
  const missing = weather.filter((w) => !series.weatherNames.includes(w));
  if (missing.length > 0) {
    throw new RangeError(
      `weather column(s) ${missing.join(', ')} not in the series (has ${series.weatherNames.join(', ') || 'none'})`,
    );
  }
  return [...weather];
}

/** True when x holds one value on rows [0, end) (and end >= 1). */
export function constantOnRows(x: ArrayLike<number>, end: number = x.length): boolean {
  if (end < 1) return false;
  const v = x[0];
  for (let t = 1; t < end; t++) if (x[t] !== v) return false;
  return true;
}

/**
 * The modeled weather columns (modelWeatherNames) less those holding one value on rows
 * [0, end) (default all rows): a model fitted on those rows leaves them out. A constant column
 * explains nothing, but its products with each channel's spend are copies of the spend column, which
 * the standardized Ridge then fits twice at a lower penalty (a daily file with humidity 55 on every
 * row: meta's ROAS 8.32, and 6.99 with the column left out). Decided from the fitted rows only.
 */
export function variedWeatherNames(
  series: TenantSeries,
  weather?: readonly string[],
  end: number = series.target.length,
): string[] {
  return modelWeatherNames(series, weather).filter(
    (w) => !constantOnRows(series.weather[series.weatherNames.indexOf(w)], end),
  );
}

/** The day number of a strict YYYY-MM-DD date (csv/dates.ts parseIsoDay); throws on any other. */
function isoDay(date: string): number {
  const day = parseIsoDay(date);
  if (Number.isNaN(day)) throw new RangeError(`date must be YYYY-MM-DD (got "${date}")`);
  return day;
}

/** pandas dayofweek (Monday = 0 ... Sunday = 6) of an ISO date. */
export function dayOfWeek(date: string): number {
  // 1970-01-01 was a Thursday (dayofweek 3).
  return (((isoDay(date) + 3) % 7) + 7) % 7;
}

/** Day of the year, 1-based (pandas dayofyear). */
export function dayOfYear(date: string): number {
  const day = isoDay(date);
  return day - daysFromCivil(Number(date.slice(0, 4)), 1, 1) + 1;
}

/**
 * Calendar columns already computed, by dates array: one tenant's designs are built for the same
 * dates many times (each bootstrap replicate's refit, each counterfactual and planner probe), and
 * the columns depend on the dates alone. The array's length and end dates are checked too, so an
 * array grown in place is computed again.
 */
const calendarCache = new WeakMap<
  readonly string[],
  { n: number; first: string | undefined; last: string | undefined; designs: Design[] }
>();

/**
 * Calendar controls as the peer's calendar_cols: dow_1..dow_6 (1 when pandas dayofweek == k,
 * Monday dropped), sin_k / cos_k(2 pi k doy / 365.25) for k = 1, 2, trend = row / n. Fresh
 * columns on every call (copies of the cached ones: callers may write into them, as rescaleTrend
 * does), with the values of computing them again.
 */
export function calendarColumns(dates: readonly string[], includeDayOfWeek: boolean): Design {
  const n = dates.length;
  let entry = calendarCache.get(dates);
  if (!entry || entry.n !== n || entry.first !== dates[0] || entry.last !== dates[n - 1]) {
    entry = { n, first: dates[0], last: dates[n - 1], designs: [] };
    calendarCache.set(dates, entry);
  }
  const slot = includeDayOfWeek ? 1 : 0;
  const design = (entry.designs[slot] ??= computeCalendarColumns(dates, includeDayOfWeek));
  return { names: [...design.names], columns: design.columns.map((c) => c.slice()) };
}

function computeCalendarColumns(dates: readonly string[], includeDayOfWeek: boolean): Design {
  const n = dates.length;
  const names: string[] = [];
  const columns: Float64Array[] = [];
  if (includeDayOfWeek) {
    const dow = dates.map(dayOfWeek);
    for (let k = 1; k <= 6; k++) {
      const c = new Float64Array(n);
      for (let t = 0; t < n; t++) c[t] = dow[t] === k ? 1 : 0;
      names.push(`dow_${k}`);
      columns.push(c);
    }
  }
  const doy = dates.map(dayOfYear);
  for (const k of [1, 2]) {
    const s = new Float64Array(n);
    const c = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const angle = (2 * Math.PI * k * doy[t]) / 365.25;
      s[t] = Math.sin(angle);
      c[t] = Math.cos(angle);
    }
    names.push(`sin${k}`, `cos${k}`);
    columns.push(s, c);
  }
  const trend = new Float64Array(n);
  for (let t = 0; t < n; t++) trend[t] = t / n;
  names.push('trend');
  columns.push(trend);
  return { names, columns };
}

/**
 * The trend as a compounding growth curve over n rows, (exp(g t / P) - 1) / g with P the periods
 * of a year: the straight line t / P as g goes to 0, and a level growing by the factor exp(g) a
 * year otherwise, which an additive model's straight trend falls behind. Its scale does not matter
 * to the standardized Ridge, only its shape; rows past the fitted ones continue the curve.
 */
export function growthTrendColumn(n: number, logRate: number, frequency: Frequency): Float64Array {
  const per = periodsPerYear(frequency);
  return Float64Array.from({ length: n }, (_, t) => Math.expm1((logRate * t) / per) / logRate);
}

/** Builds the design of a phase-0 (interactions false) or phase-1 (true) linear model. */
export function buildDesign(series: TenantSeries, spec: DesignSpec): Design {
  const n = series.target.length;
  const names: string[] = [];
  const columns: Float64Array[] = [];
  const add = (name: string, col: Float64Array): void => {
    if (col.length !== n)
      throw new RangeError(`column ${name} has ${col.length} rows, target has ${n}`);
    names.push(name);
    columns.push(col);
  };
  const weeklyTerms =
    spec.media === undefined && (spec.weeklySpend ?? true) && series.frequency === 'weekly';
  if (spec.weeklyScales && spec.weeklyScales.length !== series.channels.length) {
    throw new RangeError(
      `weeklyScales must give one scale per channel (${series.channels.length}), got ${spec.weeklyScales.length}`,
    );
  }
  const weeklyPairs = weeklyTerms
    ? series.spend.map((x, c) => weeklySpendTerms(x, spec.weeklyScales?.[c]))
    : null;
  const mediaNames =
    spec.media?.names ??
    series.channels.map((c) => (weeklyPairs ? `${c}_log_spend` : `${c}_spend`));
  const media = spec.media?.columns ?? weeklyPairs?.map((p) => p[0]) ?? series.spend;
  if (mediaNames.length !== series.channels.length || media.length !== series.channels.length) {
    throw new RangeError(
      `media columns must give one column per channel (${series.channels.length})`,
    );
  }
  mediaNames.forEach((name, i) => add(name, media[i] as Float64Array));
  weeklyPairs?.forEach((p, i) => add(`${mediaNames[i]}_lag1`, p[1]));
  const weather = modelWeatherNames(series, spec.weather);
  const weatherCols = weather.map((w) => modelWeatherColumn(series, w));
  weather.forEach((w, i) => add(w, weatherCols[i]));
  if (spec.interactions) {
    const product = (a: ArrayLike<number>, b: ArrayLike<number>): Float64Array => {
      const make = (): Float64Array => {
        const col = new Float64Array(n);
        for (let t = 0; t < n; t++) col[t] = a[t] * b[t];
        return col;
      };
      return spec.productColumn ? spec.productColumn(a, b, make) : make();
    };
    mediaNames.forEach((name, i) => {
      const s = media[i];
      weather.forEach((w, k) => add(`${name}_x_${w}`, product(s, weatherCols[k])));
    });
    weather.forEach((w, k) => add(`${w}_squared`, product(weatherCols[k], weatherCols[k])));
  }
  if (spec.temperatureHinges ?? false) {
    const hinges = temperatureHingeColumns(series, weather);
    hinges.names.forEach((name, i) => add(name, hinges.columns[i]));
  }
  if (spec.controls ?? true)
    series.controlNames.forEach((name, i) => add(name, series.controls[i]));
  if (spec.calendar ?? true) {
    const dow = (spec.dayOfWeek ?? 'auto') === 'always' || series.frequency === 'daily';
    const cal = spec.calendarColumns ?? calendarColumns(series.dates, dow);
    const growth = spec.growthLogRate ?? null;
    cal.names.forEach((name, i) =>
      add(
        name,
        name === 'trend' && growth !== null
          ? growthTrendColumn(n, growth, series.frequency)
          : cal.columns[i],
      ),
    );
  }
  return { names, columns };
}
