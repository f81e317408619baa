/**
 * Each channel's adstock decay and Hill (k, s) by a profile least-squares fit on ALL rows of the
 * phase-3 design: the curves of the daily all-rows phase-3 model (final.ts, from the pooled
 * search's choice: what explain, the intervals and the planner describe) and of the planner's plan
 * model (plan/curves.ts). The phase-3 search scores a candidate by the mean R² of inner expanding
 * folds, which fit on a quarter of the rows and extrapolate the calendar, so its scores are mostly
 * noise and its curves were far from the truth (Hill shape 1.9-3 where the truth's is 0.9-1.6 on
 * 6 of the 10 built-in regret tenants, decay 0.12-0.27 too high on 8 of 10; Hill k a fifth of the
 * truth's on always-on channels, which put most of their effect below the spend the data show:
 * docs/modeling.md, "The all-rows model's curves: profile least squares"). Here a candidate is
 * scored by the fit of the same Ridge (same columns, all rows) to the data it is fitted on,
 * (n / 2) log(SSE / n), the profile log-likelihood of the curve parameters under Gaussian noise.
 * The CV fold models keep the phase-3 search (they are judged on forecasts).
 *
 * Search: the phase-3 search's pattern (search.ts) on a finer shape grid: coordinate descent over
 * channels, each visit scoring decay {0, .1, ..., .9} x k_mult {.25, .5, 1, 2, 4} x s {.5, .75,
 * 1, 1.5, 2, 3} with the other channels fixed, `sweeps` passes from `start`, then local rounds of
 * the 3 x 3 x 3 neighbourhood (decay +-0.05, 0.025, 0.0125; k_mult and s x 2^(+-1/2, 1/4, 1/8)),
 * bounds as the search's. Deterministic: fixed order, strict improvement, first best on ties.
 *
 * Cost: only a channel's 1 + W columns (its transformed spend and spend x weather) change with its
 * candidate, so the centred co-moments of the other columns are kept and a candidate costs
 * O(n p (1 + W)) for its new co-moments plus a block solve (trialSse). The co-moments are summed
 * by WebAssembly SIMD kernels (core/simd-dots.ts, the same bits as the JavaScript loops) on the
 * fit's columns, which live in the kernels' memory for the fit.
 * Above 450 lines on purpose: the fit, its kept co-moments and its incremental scorer are only
 * correct together.
 */
import { checkCancelled } from '../core/cancel.js';
import { modelWeatherColumn, modelWeatherNames } from '../core/features.js';
import { choleskyInPlace, choleskySolveInPlace } from '../core/linalg.js';
import { acquireDotArena, blockDotsInto, dotsInto, releaseDotArena } from '../core/simd-dots.js';
import { standardScale } from '../core/standardize.js';
import { geometricAdstock, hillSaturation } from '../core/transforms.js';
import type { TenantSeries } from '../core/types.js';
import { buildMediaDesign, hillKFor } from './media.js';
import { DECAY_BOUNDS, K_MULT_BOUNDS, SHAPE_BOUNDS } from './search.js';
import type { ChannelParams } from './types.js';

export const CURVE_DECAYS: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
export const CURVE_K_MULTS: readonly number[] = [0.25, 0.5, 1, 2, 4];
export const CURVE_SHAPES: readonly number[] = [0.5, 0.75, 1, 1.5, 2, 3];
/** A sweep's grid of candidates per channel. */
export interface CurveGrid {
  decays: readonly number[];
  kMults: readonly number[];
  shapes: readonly number[];
}
export const CURVE_GRID: CurveGrid = {
  decays: CURVE_DECAYS,
  kMults: CURVE_K_MULTS,
  shapes: CURVE_SHAPES,
};
/** Local rounds after the sweeps: decay step and the factor of k_mult and s. */
const REFINE: readonly [number, number][] = [
  [0.05, Math.SQRT2],
  [0.025, 2 ** 0.25],
  [0.0125, 2 ** 0.125],
];

export interface CurveFitOptions {
  /** Calendar columns (the model's; default true). */
  calendar?: boolean;
  /** Weather columns (the model's; default modelWeatherNames). */
  weather?: readonly string[];
  /** The trend's growth curve (the model's FinalModel.growth; default the straight trend). */
  growthLogRate?: number;
  /** Ridge alpha of the scoring fit on standardized columns (default 1, the search's). */
  alpha?: number;
  /** Coordinate-descent sweeps over the grid (default 2; 0 refines `start` locally only). */
  sweeps?: number;
  /** The sweeps' grid (default CURVE_DECAYS x CURVE_K_MULTS x CURVE_SHAPES). */
  grid?: CurveGrid;
  /**
   * Prior on each Hill shape: adds (log s)^2 / (2 shapePrior^2) to the score (0 = none, the
   * default). Measured in docs/planner.md.
   */
  shapePrior?: number;
  /**
   * The one-standard-error rule on the Hill shapes (docs/planner.md "Curves the data cannot tell
   * apart"): after the fit, each channel in turn moves to its least curved candidate (Hill shape
   * nearest 1 in log terms; ties: the better score) while the score stays within `simplify` x
   * SIMPLIFY_TOLERANCE x the residuals' autocorrelation factor per channel of the best score
   * (0 = off, the default of fitProfileCurves; the all-rows fits use
   * PROFILE_SIMPLIFY).
   */
  simplify?: number;
  /** Local rounds after the sweeps, coarsest first (default all 3). */
  localRounds?: number;
  /**
   * Keep each channel's Hill k within its largest adstocked spend on the fit's rows, as the
   * phase-3 search does (withinSpend; default false: the planner's plan model, whose fit may take
   * k beyond it, which its doubt then names at the k_mult bound). The phase-3 all-rows model's
   * fit and its refits keep it (final.ts profileCurves): its figures are explained, and with s > 1
   * a k beyond the data extrapolates a later burst convexly.
   */
  kWithinSpend?: boolean;
  /**
   * Design-only work kept from earlier fits on the same design (ProfileCurveCache); the fit's result
   * is the same with or without it.
   */
  cache?: ProfileCurveCache;
}

/**
 * What fitProfileCurves computes from the design alone, kept across fits whose series differ only in
 * the target (the bootstrap replicates, planReplicateModels) and across the sweeps of one fit:
 * each channel's adstock and Hill k unit by decay, and each candidate's co-moments of its group
 * columns with the columns no candidate of another channel changes (weather, calendar, controls
 * and its own group). A fit with a cache computes exactly what it computes without one, in the
 * same order, so its results are bit-identical; a candidate's co-moments with the other channels'
 * groups and with the target are still computed per fit. Bound to one design: a fit on another
 * (another series object's spend, weather, controls, dates..., or other options) starts it afresh.
 */
interface KeptTrial {
  moments: Float64Array;
  /** Its centred group columns (views of one g x n block), or none (empty: not kept). */
  columns: Float64Array[];
  /** Their means once computed (empty before). */
  means: Float64Array;
}
/**
 * The empty values of KeptTrial's fields (not null: a field that held null and later an array
 * changed its objects' hidden class, and V8 deoptimized the code that read them).
 */
const NO_COLUMNS: Float64Array[] = [];
const NO_MEANS = new Float64Array(0);

/** The design-only state a fit starts from: centred columns, their means and co-moments. */
interface KeptStart {
  columns: Float64Array[];
  means: Float64Array;
  moments: Float64Array;
}

export class ProfileCurveCache {
  private design: readonly unknown[] | null = null;
  adstocks: Map<number, Float64Array>[] = [];
  units: Map<number, number>[] = [];
  /** By channel, then decay: the largest adstocked spend (withinSpend). */
  maxima: Map<number, number>[] = [];
  /**
   * By channel, then candidate key: its group's co-moments, g x p row-major (NaN: not kept), and
   * while `columnBudget` lasts its centred group columns (g x n) and their means.
   */
  trials: Map<string, KeptTrial>[] = [];
  /** By channel, then candidate key: the candidate's number (0, 1, ... in the order first seen). */
  ids: Map<string, number>[] = [];
  /**
   * By the pair of channels (c, c2), c < c2, at c * C + c2, then the candidates' numbers id *
   * PAIR_ID_SPAN + id2: where in pairData the co-moments of c's group at candidate id with
   * channel c2's at id2 start (g x g, c's columns by rows). A sum does not depend on which side
   * computed it (dot products of the same columns in the same order). Not kept by a cache for
   * window fits (columns 0), whose pairs were found again 1 time in 170,000 (10-year
   * 15-channel tenant): there the key, the map and the sums' storage only cost.
   */
  pairs: Map<number, number>[] = [];
  /** The kept pairs' sums, g x g each, from 0 to pairUsed. */
  pairData = new Float64Array(0);
  pairUsed = 0;
  /** Whether pairs are kept (columns > 0). */
  readonly keepsPairs: boolean;
  /** By the starting candidates of every channel: the start's design-only state (a few). */
  starts = new Map<string, KeptStart>();
  /** Values of kept columns left (beyond it columns are recomputed). */
  columnBudget: number;

  /**
   * `columns`: how many column values (doubles) may be kept, 8M (64 MB) by default; 0 for a fit
   * that visits each candidate once (the window fits), where keeping them only costs copies.
   */
  constructor(private readonly columns = 8_000_000) {
    this.columnBudget = columns;
    this.keepsPairs = columns > 0;
  }

  /** The number of channel c's candidate `key`. */
  idOf(c: number, key: string): number {
    const ids = this.ids[c];
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  }

  /** Room in pairData for one more pair's `size` sums: their offset (pairUsed moves on). */
  pairSlot(size: number): number {
    if (this.pairUsed + size > this.pairData.length) {
      const grown = new Float64Array(Math.max(2 * this.pairData.length, 4096 * size));
      grown.set(this.pairData.subarray(0, this.pairUsed));
      this.pairData = grown;
    }
    const at = this.pairUsed;
    this.pairUsed += size;
    return at;
  }

  /** Binds the cache to the design of `series` (every field but the target, by identity). */
  bind(
    series: TenantSeries,
    calendar: boolean,
    weather: readonly string[],
    growthLogRate?: number,
  ): void {
    const fields = Object.keys(series)
      .filter((key) => key !== 'target')
      .sort();
    const design: unknown[] = [
      calendar,
      weather.join('\u0000'),
      growthLogRate,
      series.target.length,
      fields.join('\u0000'),
      ...fields.map((key) => (series as unknown as Record<string, unknown>)[key]),
    ];
    if (
      this.design &&
      this.design.length === design.length &&
      design.every((v, i) => v === this.design![i])
    )
      return;
    this.design = design;
    this.adstocks = series.channels.map(() => new Map());
    this.units = series.channels.map(() => new Map());
    this.maxima = series.channels.map(() => new Map());
    this.trials = series.channels.map(() => new Map());
    this.ids = series.channels.map(() => new Map());
    this.pairs = Array.from({ length: series.channels.length ** 2 }, () => new Map());
    this.pairData = new Float64Array(0);
    this.pairUsed = 0;
    this.starts = new Map();
    this.columnBudget = this.columns;
  }
}

export interface CurveFit {
  params: Record<string, ChannelParams>;
  /** (n / 2) log(SSE / n) + the prior's penalty at `params`. */
  score: number;
  /** Candidates scored. */
  candidates: number;
  /** The best score before the one-standard-error rule (= score without it). */
  bestScore: number;
  /** The parameters of that best score (= params without the rule). */
  bestParams: Record<string, ChannelParams>;
  /** The rule's tolerance in score units (0 without it). */
  tolerance: number;
}

type Triple = Pick<ChannelParams, 'decay' | 'k_mult' | 's'>;

const clamp = (x: number, [lo, hi]: readonly [number, number]): number =>
  Math.min(hi, Math.max(lo, x));
const tidy = (x: number): number => Math.round(x * 1e9) / 1e9;

/**
 * out[m] = the sum over t < n of a[t] * bs[m][t], each summed exactly as dot (two
 * accumulators, even and odd rows, added at the end): the same bits, with a[t] read once for four
 * columns.
 */
function dotMany(a: Float64Array, bs: readonly Float64Array[], n: number, out: Float64Array): void {
  // Columns in the SIMD kernels' memory (a fit's arena): the same sums, bit for bit, 5-7x faster.
  if (dotsInto(a, bs, n, out)) return;
  let m = 0;
  for (; m + 3 < bs.length; m += 4) {
    const b0 = bs[m];
    const b1 = bs[m + 1];
    const b2 = bs[m + 2];
    const b3 = bs[m + 3];
    let e0 = 0;
    let o0 = 0;
    let e1 = 0;
    let o1 = 0;
    let e2 = 0;
    let o2 = 0;
    let e3 = 0;
    let o3 = 0;
    let t = 0;
    for (; t + 1 < n; t += 2) {
      const x = a[t];
      const y = a[t + 1];
      e0 += x * b0[t];
      o0 += y * b0[t + 1];
      e1 += x * b1[t];
      o1 += y * b1[t + 1];
      e2 += x * b2[t];
      o2 += y * b2[t + 1];
      e3 += x * b3[t];
      o3 += y * b3[t + 1];
    }
    if (t < n) {
      const x = a[t];
      e0 += x * b0[t];
      e1 += x * b1[t];
      e2 += x * b2[t];
      e3 += x * b3[t];
    }
    out[m] = e0 + o0;
    out[m + 1] = e1 + o1;
    out[m + 2] = e2 + o2;
    out[m + 3] = e3 + o3;
  }
  for (; m < bs.length; m++) {
    const b = bs[m];
    let e = 0;
    let o = 0;
    let t = 0;
    for (; t + 1 < n; t += 2) {
      e += a[t] * b[t];
      o += a[t + 1] * b[t + 1];
    }
    if (t < n) e += a[t] * b[t];
    out[m] = e + o;
  }
}

/** The sum over t < n of a[t] * b[t], two accumulators (even and odd rows) added at the end. */
function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let t = 0;
  for (; t + 1 < n; t += 2) {
    s0 += a[t] * b[t];
    s1 += a[t + 1] * b[t + 1];
  }
  if (t < n) s0 += a[t] * b[t];
  return s0 + s1;
}

/**
 * SSE of the standardized Ridge (penalty `alpha` on standardized columns) on all n rows, from the
 * centred co-moments m (p x p, symmetric), my (with the target) and yy (of the target) and the
 * columns' means mu; gram, rhs, scales, chol and coef are work arrays (p x p, p, p, p x p, p),
 * left holding the fit. A module-level function rather than a closure of each fit: V8 compiled
 * the closures of every fitProfileCurves call anew (this one, with the Cholesky inlined, three
 * times per first plan, `node --trace-opt`).
 */
function ridgeSse(
  m: Float64Array,
  my: Float64Array,
  mu: Float64Array,
  yy: number,
  n: number,
  p: number,
  alpha: number,
  gram: Float64Array,
  rhs: Float64Array,
  scales: Float64Array,
  chol: Float64Array,
  coef: Float64Array,
): number {
  for (let j = 0; j < p; j++) scales[j] = standardScale(m[j * p + j] / n, mu[j], n);
  // m is symmetric (every write sets both halves) and so is the gram: one division per pair.
  for (let j = 0; j < p; j++) {
    for (let k = j; k < p; k++)
      gram[j * p + k] = gram[k * p + j] = m[j * p + k] / (scales[j] * scales[k]);
    rhs[j] = my[j] / scales[j];
  }
  chol.set(gram);
  for (let j = 0; j < p; j++) chol[j * p + j] += alpha;
  if (!choleskyInPlace(chol, p)) return Infinity;
  coef.set(rhs);
  const b = choleskySolveInPlace(chol, p, coef);
  let sse = yy;
  for (let j = 0; j < p; j++) {
    let gb = 0;
    for (let k = 0; k < p; k++) gb += gram[j * p + k] * b[k];
    sse += b[j] * (gb - 2 * rhs[j]);
  }
  return Math.max(sse, 1e-300);
}

/**
 * A trial's centred group columns into cols[0..g): the Hill transform of `adstock` (k, s) into h,
 * then h and h x each weather column, each less its mean (means[i]). Four columns share a pass
 * over the rows: each mean is the same sequential sum as one column's loop makes (so the same
 * bits), and the four sums run side by side instead of each waiting on its previous addition.
 * Exported for its test.
 */
export function centredTrialColumns(
  adstock: Float64Array,
  k: number,
  s: number,
  h: Float64Array,
  weatherCols: readonly Float64Array[],
  cols: readonly Float64Array[],
  means: Float64Array,
  n: number,
  g: number,
): void {
  hillSaturation(adstock, k, s, h);
  let i = 0;
  if (g >= 4) {
    // h and its first three weather products.
    const w1 = weatherCols[0];
    const w2 = weatherCols[1];
    const w3 = weatherCols[2];
    const c0 = cols[0];
    const c1 = cols[1];
    const c2 = cols[2];
    const c3 = cols[3];
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    for (let t = 0; t < n; t++) {
      const x = h[t];
      const v1 = x * w1[t];
      const v2 = x * w2[t];
      const v3 = x * w3[t];
      c0[t] = x;
      c1[t] = v1;
      c2[t] = v2;
      c3[t] = v3;
      m0 += x;
      m1 += v1;
      m2 += v2;
      m3 += v3;
    }
    m0 /= n;
    m1 /= n;
    m2 /= n;
    m3 /= n;
    means[0] = m0;
    means[1] = m1;
    means[2] = m2;
    means[3] = m3;
    for (let t = 0; t < n; t++) {
      c0[t] -= m0;
      c1[t] -= m1;
      c2[t] -= m2;
      c3[t] -= m3;
    }
    i = 4;
  }
  for (; i < g; i++) {
    const col = cols[i];
    const w = i === 0 ? null : weatherCols[i - 1];
    let m = 0;
    for (let t = 0; t < n; t++) {
      const v = w ? h[t] * w[t] : h[t];
      col[t] = v;
      m += v;
    }
    m /= n;
    means[i] = m;
    for (let t = 0; t < n; t++) col[t] -= m;
  }
}

/**
 * The co-moments of channel c's trial columns (group column indices idx, centred columns cols,
 * means trialMeans) with the target and the columns no other channel's candidate changes, into
 * tM / tMy / tMu (copies of the fit's M / My / means): summed when `fresh` (and kept in `moments`,
 * g x p), else read from `moments` (the target's still summed).
 */
function trialGroupMoments(
  c: number,
  idx: readonly number[],
  cols: readonly Float64Array[],
  trialMeans: Float64Array,
  fresh: boolean,
  moments: Float64Array,
  Z: readonly Float64Array[],
  zy: Float64Array,
  groupOf: Int32Array,
  tM: Float64Array,
  tMy: Float64Array,
  tMu: Float64Array,
  against: Float64Array[],
  targets: number[],
  sums: Float64Array,
  n: number,
  p: number,
  g: number,
): void {
  for (let i = 0; i < g; i++) {
    const j = idx[i];
    const col = cols[i];
    tMu[j] = trialMeans[i];
    // What is summed for this column: the target; when fresh, the fixed columns (kept) and its
    // own group from column i on (the earlier ones are the transposed sums, already made);
    // other channels' group columns unless the pair is kept.
    against.length = 0;
    targets.length = 0;
    against.push(zy);
    targets.push(-1);
    if (fresh) {
      for (let k = 0; k < p; k++) {
        const gk = groupOf[k];
        if (gk < 0) {
          against.push(Z[k]);
          targets.push(k);
        } else if (gk === c) {
          const l = idx.indexOf(k);
          if (l >= i) {
            against.push(cols[l]);
            targets.push(k);
          }
        }
      }
    } else {
      for (let k = 0; k < p; k++) {
        const gk = groupOf[k];
        if (gk < 0 || gk === c) tM[j * p + k] = tM[k * p + j] = moments[i * p + k];
      }
    }
    dotMany(col, against, n, sums);
    tMy[j] = sums[0];
    for (let a = 1; a < targets.length; a++) {
      const k = targets[a];
      const v = sums[a];
      tM[j * p + k] = tM[k * p + j] = v;
      moments[i * p + k] = v;
      if (groupOf[k] === c) moments[idx.indexOf(k) * p + j] = v;
    }
  }
}

/**
 * A pair's co-moments: the trial's column i against the other channel's current column l (other
 * = its group's column indices) into pair[at + i * si + l * sl].
 */
function pairSums(
  cols: readonly Float64Array[],
  Z: readonly Float64Array[],
  other: readonly number[],
  at: number,
  si: number,
  sl: number,
  pair: Float64Array,
  sums: Float64Array,
  n: number,
  g: number,
): void {
  // Pushed, not mapped: a packed array like loadTrial's work list (map makes a holey one, and
  // dotMany, fed one kind first, deoptimized on the other).
  const cols2: Float64Array[] = [];
  for (const k of other) cols2.push(Z[k]);
  if (blockDotsInto(cols, cols2, n, pair, at, si, sl)) return;
  for (let i = 0; i < g; i++) {
    dotMany(cols[i], cols2, n, sums);
    for (let l = 0; l < g; l++) pair[at + i * si + l * sl] = sums[l];
  }
}

/** Channel c's adstock at `decay`, kept in the cache. */
function adstockOf(
  cache: ProfileCurveCache,
  spend: Float64Array,
  c: number,
  decay: number,
): Float64Array {
  let a = cache.adstocks[c].get(decay);
  if (!a) cache.adstocks[c].set(decay, (a = geometricAdstock(spend, decay)));
  return a;
}

/**
 * Candidate p of channel c with its k: k per unit k_mult (hillKFor: the median positive adstock)
 * kept in the cache by decay.
 */
function fullParams(
  cache: ProfileCurveCache,
  spend: Float64Array,
  n: number,
  c: number,
  p: Triple,
): ChannelParams {
  const units = cache.units[c];
  let unit = units.get(p.decay);
  if (unit === undefined)
    units.set(p.decay, (unit = hillKFor(adstockOf(cache, spend, c, p.decay), n, 1)));
  return { decay: p.decay, k_mult: p.k_mult, k: p.k_mult * unit, s: p.s };
}

const keyOf = (q: Triple): string => `${q.decay}|${q.k_mult}|${q.s}`;

/**
 * Whether candidate q's Hill k lies within channel c's largest adstocked spend on the fit's rows,
 * as the phase-3 search requires of its candidates (search.ts): beyond it the curve is the power
 * (x / k)^s inside the data, which for s > 1 extrapolates a later burst convexly. A candidate
 * beyond it is not scored (a fit's start may lie beyond it and is kept until a candidate wins).
 */
function withinSpend(
  cache: ProfileCurveCache,
  spend: Float64Array,
  c: number,
  q: ChannelParams,
): boolean {
  const maxima = cache.maxima[c];
  let max = maxima.get(q.decay);
  if (max === undefined) {
    max = 0;
    for (const v of adstockOf(cache, spend, c, q.decay)) if (v > max) max = v;
    maxima.set(q.decay, max);
  }
  return max <= 0 || q.k <= max;
}

/** Candidate numbers below this make a pair's key id * PAIR_ID_SPAN + id2 (exact in a double). */
const PAIR_ID_SPAN = 2 ** 21;

/**
 * One fitProfileCurves call's state, read and written by the module-level steps below (loadTrial,
 * commitTrial, tryCandidate, scoreOf). Module-level functions rather than closures of each fit:
 * V8 compiled the closures of every fit (the all-rows fit, its 5 window fits, each refit) anew,
 * which in a fresh process cost about as much CPU as the fits' arithmetic (a first plan compiled
 * the trial loader 6 times, the SSE 3 times, `node --trace-opt`); these are compiled for all the
 * fits of a process. Made by one object literal with every field set, so that every fit's state
 * has the same hidden class. The arithmetic is the same, in the same order.
 */
interface FitState {
  n: number;
  p: number;
  /** CurveFitOptions.kWithinSpend. */
  kWithinSpend: boolean;
  g: number;
  C: number;
  alpha: number;
  prior: number;
  cache: ProfileCurveCache;
  spend: Float64Array[];
  weatherCols: Float64Array[];
  current: ChannelParams[];
  currentKey: string[];
  /** The current candidates' numbers (ProfileCurveCache.idOf). */
  currentId: number[];
  /** The loaded trial's candidate number. */
  trialId: number;
  /** A pair's sums when the cache does not keep them (g x g). */
  pairScratch: Float64Array;
  /** Column indices of channel c's group: its media column, then its spend x weather columns. */
  groups: number[][];
  /** The channel whose group holds each column (-1: weather, calendar, controls). */
  groupOf: Int32Array;
  /** The current candidates' centred columns, their means and co-moments (p x p). */
  Z: Float64Array[];
  means: Float64Array;
  M: Float64Array;
  /** The centred target, its co-moments with the columns and its sum of squares. */
  zy: Float64Array;
  My: Float64Array;
  yy: number;
  /** Work arrays of ridgeSse. */
  gram: Float64Array;
  rhs: Float64Array;
  scales: Float64Array;
  chol: Float64Array;
  coef: Float64Array;
  /**
   * Whether Z, zy and scratch are columns of the SIMD kernels' arena (simd-dots.ts): a trial's
   * columns are then always made or copied into scratch, so that its sums run there.
   */
  simd: boolean;
  /** The trial: channel c's group columns for a candidate, centred, with their co-moments. */
  scratch: Float64Array[];
  trialCols: Float64Array[];
  trialMeans: Float64Array;
  tM: Float64Array;
  tMy: Float64Array;
  tMu: Float64Array;
  h: Float64Array;
  /**
   * Work lists of trialGroupMoments: the columns summed against (the target first), and where
   * each sum goes.
   */
  against: Float64Array[];
  targets: number[];
  sums: Float64Array;
  visited: Set<string>[];
  best: number;
  candidates: number;
  /**
   * The trial's solve by blocks (trialSse): the channel whose group is the trial block (-1: none
   * factored), the other columns' indices, their scales, the Cholesky factor of their
   * standardized gram + alpha (pF x pF), the forward-solved target co-moments and its squared
   * norm. Kept while no other channel's candidate is committed (the channel's own commits do not
   * change them).
   */
  fixedFor: number;
  /** The channel whose trial tM holds (-1: none; tM equals M elsewhere). */
  loadedFor: number;
  fixedIdx: Int32Array;
  fixedScales: Float64Array;
  fixedChol: Float64Array;
  fixedZ: Float64Array;
  fixedZZ: number;
  /** Work arrays of trialSse: W = LF^-1 A_FT (pF x g), the g x g system and vectors. */
  work: Float64Array;
  small: Float64Array;
  smallR: Float64Array;
  trialScales: Float64Array;
  backF: Float64Array;
}

/** SSE of the standardized Ridge on all rows for co-moments (m, my) and means mu. */
const sseOf = (st: FitState, m: Float64Array, my: Float64Array, mu: Float64Array): number =>
  ridgeSse(m, my, mu, st.yy, st.n, st.p, st.alpha, st.gram, st.rhs, st.scales, st.chol, st.coef);

/**
 * Factors the columns outside channel c's group (the fixed block F of every candidate of c):
 * their scales, the Cholesky factor of their standardized gram + alpha, and the forward solve of
 * their target co-moments, from the fit's current co-moments (which hold the same F x F block
 * as every trial of c). False when that block is not positive definite.
 */
function factorFixed(st: FitState, c: number): boolean {
  const { p, n, g, M, My, means, alpha } = st;
  const pF = p - g;
  const idx = st.fixedIdx;
  let f = 0;
  for (let j = 0; j < p; j++) if (st.groupOf[j] !== c) idx[f++] = j;
  const sc = st.fixedScales;
  for (let a = 0; a < pF; a++) {
    const j = idx[a];
    sc[a] = standardScale(M[j * p + j] / n, means[j], n);
  }
  const L = st.fixedChol;
  for (let a = 0; a < pF; a++) {
    const ja = idx[a];
    for (let b = 0; b <= a; b++) L[a * pF + b] = M[ja * p + idx[b]] / (sc[a] * sc[b]);
    L[a * pF + a] += alpha;
  }
  st.fixedFor = -1;
  if (!choleskyInPlace(L, pF)) return false;
  const z = st.fixedZ;
  let zz = 0;
  for (let a = 0; a < pF; a++) {
    let v = My[idx[a]] / sc[a];
    const ra = a * pF;
    for (let b = 0; b < a; b++) v -= L[ra + b] * z[b];
    v /= L[ra + a];
    z[a] = v;
    zz += v * v;
  }
  st.fixedZZ = zz;
  st.fixedFor = c;
  return true;
}

/**
 * SSE of the standardized Ridge on the loaded trial of channel c (the same fit as sseOf on the
 * trial's co-moments, to rounding), solved by blocks: the columns outside c's group (F) are the
 * same for every candidate of c, so their Cholesky factor LF is made once (factorFixed) and a
 * candidate costs the forward solve of its g columns' co-moments with F (pF^2 g / 2) and a g x g
 * Cholesky of the Schur complement, instead of a p x p Cholesky (p^3 / 6; p ~ 70 on 15 channels
 * with 3 weather columns). SSE = yy - rhs'b - alpha |b|^2 at the Ridge solution b.
 */
function trialSse(st: FitState, c: number): number {
  if (st.fixedFor !== c && !factorFixed(st, c)) return sseOf(st, st.tM, st.tMy, st.tMu);
  const { p, n, g, alpha, tM, tMy, tMu } = st;
  const pF = p - g;
  const idx = st.fixedIdx;
  const sc = st.fixedScales;
  const L = st.fixedChol;
  const zF = st.fixedZ;
  const T = st.groups[c];
  const sT = st.trialScales;
  for (let i = 0; i < g; i++) {
    const j = T[i];
    sT[i] = standardScale(tM[j * p + j] / n, tMu[j], n);
  }
  // W = LF^-1 A_FT, column by column (W[a * g + i]); four columns share a pass over LF, each
  // column's sums in the same order as alone (the same bits), four running side by side.
  const W = st.work;
  let i0 = 0;
  for (; i0 + 3 < g; i0 += 4) {
    const s0 = sT[i0];
    const s1 = sT[i0 + 1];
    const s2 = sT[i0 + 2];
    const s3 = sT[i0 + 3];
    const j0 = T[i0];
    const j1 = T[i0 + 1];
    const j2 = T[i0 + 2];
    const j3 = T[i0 + 3];
    for (let a = 0; a < pF; a++) {
      const ka = idx[a] * p;
      const sa = sc[a];
      let v0 = tM[ka + j0] / (sa * s0);
      let v1 = tM[ka + j1] / (sa * s1);
      let v2 = tM[ka + j2] / (sa * s2);
      let v3 = tM[ka + j3] / (sa * s3);
      const ra = a * pF;
      for (let b = 0; b < a; b++) {
        const l = L[ra + b];
        const wb = b * g + i0;
        v0 -= l * W[wb];
        v1 -= l * W[wb + 1];
        v2 -= l * W[wb + 2];
        v3 -= l * W[wb + 3];
      }
      const d = L[ra + a];
      const wa = a * g + i0;
      W[wa] = v0 / d;
      W[wa + 1] = v1 / d;
      W[wa + 2] = v2 / d;
      W[wa + 3] = v3 / d;
    }
  }
  for (let i = i0; i < g; i++) {
    const j = T[i];
    const si = sT[i];
    for (let a = 0; a < pF; a++) {
      let v = tM[idx[a] * p + j] / (sc[a] * si);
      const ra = a * pF;
      for (let b = 0; b < a; b++) v -= L[ra + b] * W[b * g + i];
      W[a * g + i] = v / L[ra + a];
    }
  }
  // The Schur complement S = A_TT + alpha - W'W and its right-hand side r = rhs_T - W' zF.
  const S = st.small;
  const r = st.smallR;
  for (let i = 0; i < g; i++) {
    const ji = T[i];
    for (let l = 0; l <= i; l++) {
      let v = tM[ji * p + T[l]] / (sT[i] * sT[l]);
      for (let a = 0; a < pF; a++) v -= W[a * g + i] * W[a * g + l];
      S[i * g + l] = v;
    }
    S[i * g + i] += alpha;
    let v = tMy[ji] / sT[i];
    for (let a = 0; a < pF; a++) v -= W[a * g + i] * zF[a];
    r[i] = v;
  }
  if (!choleskyInPlace(S, g)) return Infinity;
  // zT = LS^-1 r; rhs'b = |zF|^2 + |zT|^2.
  let zz = st.fixedZZ;
  for (let i = 0; i < g; i++) {
    let v = r[i];
    for (let l = 0; l < i; l++) v -= S[i * g + l] * r[l];
    v /= S[i * g + i];
    r[i] = v;
    zz += v * v;
  }
  // bT = LS^-T zT, bF = LF^-T (zF - W bT).
  let bb = 0;
  for (let i = g - 1; i >= 0; i--) {
    let v = r[i];
    for (let l = i + 1; l < g; l++) v -= S[l * g + i] * r[l];
    v /= S[i * g + i];
    r[i] = v;
    bb += v * v;
  }
  const bF = st.backF;
  for (let a = 0; a < pF; a++) {
    let v = zF[a];
    for (let i = 0; i < g; i++) v -= W[a * g + i] * r[i];
    bF[a] = v;
  }
  for (let a = pF - 1; a >= 0; a--) {
    let v = bF[a];
    for (let b = a + 1; b < pF; b++) v -= L[b * pF + a] * bF[b];
    v /= L[a * pF + a];
    bF[a] = v;
    bb += v * v;
  }
  return Math.max(st.yy - zz - alpha * bb, 1e-300);
}

/**
 * (n / 2) log(SSE / n) + the prior's penalty on the current shapes with channel c's replaced by s
 * (c = -1: none), summed in channel order from 0 (as a reduce over those shapes sums them).
 */
function scoreOf(st: FitState, sse: number, c: number, s: number): number {
  const prior = st.prior;
  let sum = 0;
  for (let j = 0; j < st.C; j++) {
    const sj = j === c ? s : st.current[j].s;
    sum = sum + (prior > 0 ? Math.log(sj) ** 2 / (2 * prior * prior) : 0);
  }
  return (st.n / 2) * Math.log(sse / st.n) + sum;
}

/** Loads channel c's candidate q (key `key`) as the trial: its columns and co-moments. */
function loadTrial(st: FitState, c: number, q: ChannelParams, key: string): void {
  // Every candidate of the plan-curve fits (the point's, its windows' and each refit's, the
  // simplifying scan's too) is loaded here: a cancelled plan stops within one.
  checkCancelled();
  const { n, p, g, C, cache, tM, Z, groups } = st;
  const trials = cache.trials[c];
  let kept = trials.get(key);
  const fresh = !kept;
  if (!kept) {
    let columns = NO_COLUMNS;
    if (cache.columnBudget >= g * n) {
      cache.columnBudget -= g * n;
      const block = new Float64Array(g * n);
      columns = Array.from({ length: g }, (_, i) => block.subarray(i * n, (i + 1) * n));
    }
    kept = { moments: new Float64Array(g * p).fill(NaN), columns, means: NO_MEANS };
    trials.set(key, kept);
  }
  let trialCols: Float64Array[];
  if (kept.columns.length > 0 && kept.means.length > 0) {
    trialCols = kept.columns;
    st.trialMeans.set(kept.means);
    if (st.simd) {
      for (let i = 0; i < g; i++) st.scratch[i].set(kept.columns[i]);
      trialCols = st.scratch;
    }
  } else {
    trialCols = kept.columns.length > 0 && !st.simd ? kept.columns : st.scratch;
    const a = adstockOf(cache, st.spend[c], c, q.decay);
    centredTrialColumns(a, q.k, q.s, st.h, st.weatherCols, trialCols, st.trialMeans, n, g);
    if (kept.columns.length > 0) {
      if (st.simd) for (let i = 0; i < g; i++) kept.columns[i].set(st.scratch[i]);
      kept.means = Float64Array.from(st.trialMeans);
    }
  }
  st.trialCols = trialCols;
  // tM equals M but in the rows and columns of the last loaded trial's group (every entry of
  // which a trial writes): put back those of another channel's trial instead of copying all p^2.
  const last = st.loadedFor;
  if (last >= 0 && last !== c) {
    const M = st.M;
    for (const j of groups[last]) {
      for (let k = 0; k < p; k++) {
        tM[j * p + k] = M[j * p + k];
        tM[k * p + j] = M[k * p + j];
      }
    }
  }
  st.loadedFor = c;
  st.tMy.set(st.My);
  st.tMu.set(st.means);
  const idx = groups[c];
  trialGroupMoments(
    c,
    idx,
    trialCols,
    st.trialMeans,
    fresh,
    kept.moments,
    Z,
    st.zy,
    st.groupOf,
    tM,
    st.tMy,
    st.tMu,
    st.against,
    st.targets,
    st.sums,
    n,
    p,
    g,
  );
  // Co-moments with the other channels' groups at their current candidates: kept by pair.
  const id = cache.idOf(c, key);
  st.trialId = id;
  const keep = cache.keepsPairs && id < PAIR_ID_SPAN;
  for (let c2 = 0; c2 < C; c2++) {
    if (c2 === c) continue;
    // One expression for both orders, and the pair's sums at i * si + l * sl either way: code
    // in one branch only had no type feedback when loadTrial was first optimized (on channel
    // 0's visit), and every fit after it re-entered that optimized code and deoptimized there
    // (100-500 times per first plan, `node --trace-deopt`).
    const otherId = st.currentId[c2];
    const pairKey = c < c2 ? id * PAIR_ID_SPAN + otherId : otherId * PAIR_ID_SPAN + id;
    // The pair's sums are stored with the lower channel's columns as rows: the trial's column
    // i against the other's column l.
    const si = c < c2 ? g : 1;
    const sl = c < c2 ? 1 : g;
    const other = groups[c2];
    let pair = st.pairScratch;
    let at = 0;
    if (keep && otherId < PAIR_ID_SPAN) {
      const pairs = cache.pairs[c < c2 ? c * C + c2 : c2 * C + c];
      const found = pairs.get(pairKey);
      if (found === undefined) {
        at = cache.pairSlot(g * g);
        pair = cache.pairData;
        pairSums(trialCols, Z, other, at, si, sl, pair, st.sums, n, g);
        pairs.set(pairKey, at);
      } else {
        at = found;
        pair = cache.pairData;
      }
    } else pairSums(trialCols, Z, other, 0, si, sl, pair, st.sums, n, g);
    for (let i = 0; i < g; i++) {
      const j = idx[i];
      for (let l = 0; l < g; l++) {
        const k = other[l];
        tM[j * p + k] = tM[k * p + j] = pair[at + i * si + l * sl];
      }
    }
  }
}

/** The loaded trial of channel c (its current candidate) becomes the fit's state. */
function commitTrial(st: FitState, c: number): void {
  // Channel c's columns change: every other channel's fixed block holds them.
  if (st.fixedFor !== c) st.fixedFor = -1;
  // M takes the trial's rows and columns (tM equals M elsewhere, loadTrial).
  const { p, M, tM } = st;
  for (const j of st.groups[c]) {
    for (let k = 0; k < p; k++) {
      M[j * p + k] = tM[j * p + k];
      M[k * p + j] = tM[k * p + j];
    }
  }
  st.My.set(st.tMy);
  st.means.set(st.tMu);
  const idx = st.groups[c];
  for (let i = 0; i < idx.length; i++) st.Z[idx[i]].set(st.trialCols[i]);
  st.currentKey[c] = keyOf(st.current[c]);
  st.currentId[c] = st.trialId;
}

/** Channel c's candidate t (clamped to the search's bounds), taken when it improves the score. */
function tryCandidate(st: FitState, c: number, t: Triple): void {
  const q = fullParams(st.cache, st.spend[c], st.n, c, {
    decay: tidy(clamp(t.decay, DECAY_BOUNDS)),
    k_mult: tidy(clamp(t.k_mult, K_MULT_BOUNDS)),
    s: tidy(clamp(t.s, SHAPE_BOUNDS)),
  });
  const key = `${q.decay}|${q.k_mult}|${q.s}`;
  const visited = st.visited[c];
  if (visited.has(key) || (st.kWithinSpend && !withinSpend(st.cache, st.spend[c], c, q))) return;
  visited.add(key);
  loadTrial(st, c, q, key);
  st.candidates++;
  const score = scoreOf(st, trialSse(st, c), c, q.s);
  const best = st.best;
  if (score < best - 1e-9 * Math.abs(best)) {
    st.best = score;
    st.current[c] = q;
    commitTrial(st, c);
  }
}

/** Profile least-squares curve parameters on all rows (module comment), starting from `start`. */
export function fitProfileCurves(
  series: TenantSeries,
  start: Readonly<Record<string, Triple>>,
  options: CurveFitOptions = {},
): CurveFit {
  const arena = { held: false };
  try {
    return fitCurves(series, start, options, arena);
  } finally {
    if (arena.held) releaseDotArena();
  }
}

/** fitProfileCurves; `arena.held` is set once the fit holds the SIMD kernels' arena. */
function fitCurves(
  series: TenantSeries,
  start: Readonly<Record<string, Triple>>,
  options: CurveFitOptions,
  arena: { held: boolean },
): CurveFit {
  const n = series.target.length;
  const C = series.channels.length;
  const alpha = options.alpha ?? 1;
  const sweeps = options.sweeps ?? 2;
  const prior = options.shapePrior ?? 0;
  const grid = options.grid ?? CURVE_GRID;
  const weather = modelWeatherNames(series, options.weather);
  const W = weather.length;
  const weatherCols = weather.map((w) => modelWeatherColumn(series, w));
  const calendar = options.calendar ?? true;
  const cache = options.cache ?? new ProfileCurveCache();
  cache.bind(series, calendar, weather, options.growthLogRate);
  const full = (c: number, p: Triple): ChannelParams => fullParams(cache, series.spend[c], n, c, p);
  const current: ChannelParams[] = series.channels.map((name, c) => {
    const p = start[name];
    if (!p) throw new RangeError(`no starting curve parameters for channel ${name}`);
    return full(c, p);
  });
  const currentKey = current.map(keyOf);
  // Centred columns, their means and co-moments (p x p): design-only, so kept by starting point
  // (the bootstrap replicates all start from the point's curves).
  const startKey = currentKey.join('#');
  let kept0 = cache.starts.get(startKey);
  if (!kept0) {
    const design = buildMediaDesign(
      series,
      Object.fromEntries(series.channels.map((name, c) => [name, current[c]])),
      { calendar, weather, growthLogRate: options.growthLogRate },
    );
    const p0 = design.columns.length;
    const mu = new Float64Array(p0);
    const columns = design.columns.map((col, j) => {
      let m = 0;
      for (let t = 0; t < n; t++) m += col[t];
      m /= n;
      mu[j] = m;
      const z = new Float64Array(n);
      for (let t = 0; t < n; t++) z[t] = col[t] - m;
      return z;
    });
    const moments = new Float64Array(p0 * p0);
    for (let j = 0; j < p0; j++)
      for (let k = j; k < p0; k++)
        moments[j * p0 + k] = moments[k * p0 + j] = dot(columns[j], columns[k], n);
    kept0 = { columns, means: mu, moments };
    if (cache.starts.size >= 4) cache.starts.clear();
    cache.starts.set(startKey, kept0);
  }
  const p = kept0.means.length;
  // Column indices of channel c's group: its media column, then its spend x weather columns
  // (buildDesign's order: media, weather, media x weather channel-major, ...).
  const groups = Array.from({ length: C }, (_, c) => [
    c,
    ...Array.from({ length: W }, (_, w) => C + W + c * W + w),
  ]);
  const g = 1 + W;
  // The channel whose group holds each column (-1: weather, calendar, controls).
  const groupOf = new Int32Array(p).fill(-1);
  for (let c = 0; c < C; c++) for (const j of groups[c]) groupOf[j] = c;
  const means = Float64Array.from(kept0.means);
  // The columns summed against (Z, the target's, the trial's) in the SIMD kernels' arena when
  // there is one: the same values, summed there (dotMany, pairSums).
  const columns = acquireDotArena(p + 1 + g, n);
  arena.held = columns !== null;
  const Z = columns
    ? kept0.columns.map((z, j) => {
        columns[j].set(z);
        return columns[j];
      })
    : kept0.columns.map((z) => Float64Array.from(z));
  const M = Float64Array.from(kept0.moments);
  let yMean = 0;
  for (let t = 0; t < n; t++) yMean += series.target[t];
  yMean /= n;
  const zy = columns ? columns[p] : new Float64Array(n);
  for (let t = 0; t < n; t++) zy[t] = series.target[t] - yMean;
  const My = new Float64Array(p);
  for (let j = 0; j < p; j++) My[j] = dot(Z[j], zy, n);
  const yy = dot(zy, zy, n);
  const scratch: Float64Array[] = [];
  for (let i = 0; i < g; i++) scratch.push(columns ? columns[p + 1 + i] : new Float64Array(n));
  // The spend columns in an array made the same way for every series (a window's, mapped, is
  // holey where the series' own may be packed: a state field that held both kinds deoptimized
  // the code that read it when the first window fit began).
  const spend: Float64Array[] = [];
  for (const x of series.spend) spend.push(x);
  const st: FitState = {
    n,
    p,
    kWithinSpend: options.kWithinSpend ?? false,
    g,
    C,
    alpha,
    prior,
    cache,
    spend,
    weatherCols,
    current,
    currentKey,
    currentId: currentKey.map((key, c) => cache.idOf(c, key)),
    trialId: -1,
    pairScratch: new Float64Array(g * g),
    groups,
    groupOf,
    Z,
    means,
    M,
    zy,
    My,
    yy,
    gram: new Float64Array(p * p),
    rhs: new Float64Array(p),
    scales: new Float64Array(p),
    chol: new Float64Array(p * p),
    coef: new Float64Array(p),
    simd: columns !== null,
    scratch,
    trialCols: scratch,
    trialMeans: new Float64Array(g),
    tM: Float64Array.from(M),
    tMy: new Float64Array(p),
    tMu: new Float64Array(p),
    h: new Float64Array(n),
    // (Made holding a column: an empty literal starts as an array of small integers, and code
    // fed the arrays of earlier fits deoptimized on the first push.)
    against: [zy],
    targets: [],
    sums: new Float64Array(p + 1),
    visited: series.channels.map(() => new Set<string>()),
    best: 0,
    candidates: 1,
    fixedFor: -1,
    loadedFor: -1,
    fixedIdx: new Int32Array(p - g),
    fixedScales: new Float64Array(p - g),
    fixedChol: new Float64Array((p - g) * (p - g)),
    fixedZ: new Float64Array(p - g),
    fixedZZ: 0,
    work: new Float64Array((p - g) * g),
    small: new Float64Array(g * g),
    smallR: new Float64Array(g),
    trialScales: new Float64Array(g),
    backF: new Float64Array(p - g),
  };
  st.best = scoreOf(st, sseOf(st, M, My, means), -1, 0);
  const visited = st.visited;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let c = 0; c < C; c++) {
      visited[c].clear();
      visited[c].add(`${current[c].decay}|${current[c].k_mult}|${current[c].s}`);
      for (const decay of grid.decays)
        for (const k_mult of grid.kMults)
          for (const s of grid.shapes) tryCandidate(st, c, { decay, k_mult, s });
    }
  }
  for (const [dd, f] of REFINE.slice(0, options.localRounds ?? REFINE.length)) {
    for (let c = 0; c < C; c++) {
      const p0 = current[c];
      visited[c].clear();
      visited[c].add(`${p0.decay}|${p0.k_mult}|${p0.s}`);
      for (const a of [-1, 0, 1])
        for (const b of [-1, 0, 1])
          for (const e of [-1, 0, 1])
            tryCandidate(st, c, {
              decay: p0.decay + a * dd,
              k_mult: p0.k_mult * f ** b,
              s: p0.s * f ** e,
            });
    }
  }
  const bestScore = st.best;
  const bestParams = Object.fromEntries(series.channels.map((name, c) => [name, current[c]]));
  let tolerance = 0;
  const simplify = options.simplify ?? 0;
  if (simplify > 0) {
    // Residuals of the best fit (centred): their lag-1 autocorrelation says how many independent
    // rows the n rows are worth (AR(1): n (1 - rho) / (1 + rho)), which widens the tolerance.
    sseOf(st, M, My, means);
    const r = Float64Array.from(zy);
    for (let j = 0; j < p; j++) {
      const bj = st.coef[j] / st.scales[j];
      const z = Z[j];
      for (let t = 0; t < n; t++) r[t] -= bj * z[t];
    }
    tolerance = simplify * SIMPLIFY_TOLERANCE * autocorrelationInflation(r);
    const complexity = (q: Triple): number => Math.abs(Math.log(q.s));
    let limit = bestScore;
    for (let c = 0; c < C; c++) {
      limit += tolerance;
      const seen = new Set<string>([keyOf(current[c])]);
      // The least curved candidate of `cands` within the limit (ties: the better score); only
      // candidates at most as curved as the best so far are scored.
      const scan = (cands: Triple[]): void => {
        let choice: { q: ChannelParams; key: string; score: number } | null = null;
        let least = complexity(current[c]);
        let chosenScore = st.best;
        for (const t of cands) {
          const q = full(c, {
            decay: tidy(clamp(t.decay, DECAY_BOUNDS)),
            k_mult: tidy(clamp(t.k_mult, K_MULT_BOUNDS)),
            s: tidy(clamp(t.s, SHAPE_BOUNDS)),
          });
          const cx = complexity(q);
          if (cx > least + 1e-9 || (st.kWithinSpend && !withinSpend(cache, series.spend[c], c, q)))
            continue;
          const key = keyOf(q);
          if (seen.has(key)) continue;
          seen.add(key);
          loadTrial(st, c, q, key);
          st.candidates++;
          const score = scoreOf(st, trialSse(st, c), c, q.s);
          if (score > limit) continue;
          if (cx < least - 1e-9 || score < chosenScore) {
            choice = { q, key, score };
            least = Math.min(least, cx);
            chosenScore = score;
          }
        }
        if (choice) {
          loadTrial(st, c, choice.q, choice.key);
          current[c] = choice.q;
          commitTrial(st, c);
          st.best = choice.score;
        }
      };
      if (sweeps > 0) {
        const cands: Triple[] = [];
        for (const decay of grid.decays)
          for (const k_mult of grid.kMults)
            for (const s of grid.shapes) cands.push({ decay, k_mult, s });
        scan(cands);
      }
      for (const [dd, f] of REFINE) {
        const p0 = current[c];
        const cands: Triple[] = [];
        for (const a of [-1, 0, 1])
          for (const b of [-1, 0, 1])
            for (const e of [-1, 0, 1])
              cands.push({
                decay: p0.decay + a * dd,
                k_mult: p0.k_mult * f ** b,
                s: p0.s * f ** e,
              });
        seen.clear();
        seen.add(keyOf(current[c]));
        scan(cands);
      }
    }
  }
  return {
    params: Object.fromEntries(series.channels.map((name, c) => [name, current[c]])),
    score: st.best,
    candidates: st.candidates,
    bestScore,
    bestParams,
    tolerance,
  };
}

/**
 * The one-standard-error rule's tolerance in profile log-likelihood units for independent rows:
 * a one-parameter likelihood-ratio interval at about 68% (chi-square(1) 0.68 quantile / 2 = 0.5).
 */
export const SIMPLIFY_TOLERANCE = 0.5;
/** Largest residual lag-1 autocorrelation the tolerance is widened for (factor 19). */
const MAX_RESIDUAL_RHO = 0.9;

/**
 * How many rows a series of (centred) residuals is worth fewer than its count, as a factor on a
 * likelihood tolerance: (1 + rho) / (1 - rho), rho = sum r_t r_(t-1) / sum r_t^2 clamped to
 * [0, MAX_RESIDUAL_RHO] (AR(1): n (1 - rho) / (1 + rho) independent rows).
 */
export function autocorrelationInflation(r: ArrayLike<number>): number {
  let r0 = 0;
  let r1 = 0;
  for (let t = 0; t < r.length; t++) {
    r0 += r[t] * r[t];
    if (t > 0) r1 += r[t] * r[t - 1];
  }
  const rho = Math.min(MAX_RESIDUAL_RHO, Math.max(0, r0 > 0 ? r1 / r0 : 0));
  return (1 + rho) / (1 - rho);
}
/**
 * The all-rows fits (the phase-3 model's, final.ts, and the plan model's) apply the
 * one-standard-error rule at its stated tolerance (1 x SIMPLIFY_TOLERANCE); window fits and
 * bootstrap refits do not.
 */
export const PROFILE_SIMPLIFY = 1;

/**
 * Sweeps of each window's fit (from the all-rows fit): one gave the same checked plans as two on
 * the built-in tiers and seeds 7 and 13 at half the cost; none moved one more tenant below (a)
 * on seed 13 (docs/planner.md). None (the local rounds only) is not enough: the windows then stay
 * near the all-rows fit, and on gen_s13_7 the check let a plan through that loses 2% of (a).
 */
export const WINDOW_SWEEPS = 1;

/**
 * The window fits' sweep grid: every other decay of CURVE_DECAYS and the shapes 0.5, 1, 2, 3 (100
 * candidates per channel instead of 300), then the same local rounds. It finds the windows'
 * distant optima that the full grid finds (gen_s13_7: meta decay 0 and 0.65-0.69 against the
 * all-rows fit's 0.23) and gave the same checked plans on the built-in tiers and seeds 7, 13,
 * 17 and 19 (docs/planner.md, "Speed").
 */
export const WINDOW_GRID: CurveGrid = {
  decays: [0, 0.2, 0.4, 0.6, 0.8],
  kMults: CURVE_K_MULTS,
  shapes: [0.5, 1, 2, 3],
};

/**
 * Local rounds of a bootstrap replicate's curve refit: the first two of the three (decay +-0.05
 * and 0.025, k and s x 2^(+-1/2) and 2^(+-1/4)). The finest round made each replicate wander
 * over ~70 more candidates for a shape or decay step the check does not need: without it the 20
 * refits cost about a third less CPU, and with the one-standard-error rule the regret tables
 * did not lose (docs/planner.md "Speed"; under the rule's absence it had moved the built-in
 * median 52% -> 50%, which is why it was kept until then).
 */
export const BOOTSTRAP_LOCAL_ROUNDS = 2;
