/**
 * Joint search of every channel's adstock decay and Hill (k_mult, s) on one outer training fold
 * [0, trainEnd), scored by the mean R² of Ridge (alpha fixed, 1 by default as the peer) on the
 * full phase-3 design, over inner folds of the training rows: scheme 'expanding' (default, the
 * peer's inner TimeSeriesSplit(3)) or 'blocked' (8 contiguous blocks, each held out in turn while
 * the Ridge fits on the 7 others), which the phase-3 fold models use (phase3.ts). Why blocked
 * there: the expanding folds fit on a quarter of the window (46 rows in the first outer fold of a
 * built-in tenant; 92 rows with yearly terms in the second, which then extrapolate), so their
 * scores are mostly noise; blocked folds fit on 7/8 of the rows and interpolate the calendar.
 * A gap between training and validation rows keeps the expanding scheme. Measured in
 * docs/modeling.md (phase-3 search).
 * Candidates whose Hill k lies beyond the largest adstocked training spend are not scored: there
 * the curve is the power (x/k)^s, which for s > 1 is convex and extrapolates a later burst without
 * bound (a first fold of the built-in tenants scored -4.8 so).
 *
 * Search: coordinate descent over channels. Each visit of channel c scores its full grid
 * decay {0, .1, ..., .9} x k_mult {.25, .5, 1, 2, 4} x s {.5, 1, 2} with the other channels fixed
 * and keeps the best; `sweeps` (default 2) passes over the channels start from the peer's point
 * (decay .5, k_mult 1, s 1). Then `refineRounds` (default 2) local passes score the 3 x 3 x 3
 * neighbourhood decay +- 0.05 (then 0.025), k_mult and s x 2^(+-1/2) (then 2^(+-1/4)) of each
 * channel. Deterministic: fixed visiting order, strict improvement, first best on ties.
 * Beyond JOINT_SEARCH_MAX_CHANNELS channels the blocked scheme (the phase-3 fold models) searches
 * less: a sweep after the first scores only each channel's LATER_SWEEP_CANDIDATES best grid
 * candidates by their latest scores, and MANY_CHANNEL_REFINE_ROUNDS (1) local rounds follow.
 * Delayed carry-over (`lags`, the daily phase-3 fold models: FOLD_MODEL_LAGS): after that, each
 * channel's candidate lags (the peak of a peaked adstock, media.ts peakedOrGeometric) are
 * scanned on a coarse grid from the geometric result, the channels that moved are refined (their
 * peak moved by half a period with the rest: LAG_REFINE_STEP), and
 * the lagged result is kept only where its inner-fold gain exceeds one standard error of the
 * foldwise gains (clearGain); otherwise the geometric result, bit for bit.
 * Why coordinate descent: channels interact only through the shared Ridge, so the per-channel
 * grid captures each channel's shape at the cost of C x 150 scores per sweep instead of 150^C
 * for the joint grid, and a second sweep corrects for the other channels having moved.
 *
 * Cost: scoring a candidate needs the inner folds' moments. Only the 1 + W columns of the
 * channel being searched change (its transformed spend and its spend x weather), so the scorer
 * keeps per-segment centered co-moments of every column (segments = the row blocks between inner
 * training ends and validation bounds) and recomputes just the changed rows/columns: O(n q (1+W))
 * per candidate instead of O(n q^2). The inner-fold training moments are merges of segments
 * (Chan, Golub & LeVeque) and the validation R² comes from the validation segment's moments:
 *   SS_res = C_yy - 2 w'C_xy + w'C_xx w + n_V (mean residual)^2,
 * so no validation row is revisited. Adstock per (channel, decay) is computed once per fold.
 * Blocked scheme: within one coordinate step only the searched group changes, so each held-out
 * segment's Ridge system of the other columns is factored once per step and a candidate is
 * solved through the Schur complement of its group (blocked-trial.ts): O(p^2 (1+W)) per segment
 * instead of a fresh O(p^3) Cholesky; the current point of the step is scored the same way, so
 * ties stay ties; where a column is constant to rounding on a segment's training rows the full
 * refit is kept. Same solution to rounding (tests/search-fast-path.test.ts).
 * Reads no row at or after trainEnd.
 * Above 450 lines on purpose: the search and its incremental scorer share the segment moments
 * and are only correct together; the media transforms and Hill k are apart (media.ts).
 */
import {
  calendarColumns,
  modelWeatherColumn,
  constantOnRows,
  variedWeatherNames,
  temperatureHingeColumns,
} from '../core/features.js';
import { checkCancelled } from '../core/cancel.js';
import { timeSeriesFolds } from '../core/folds.js';
import { choleskyInPlace, choleskySolveInPlace } from '../core/linalg.js';
import { BlockedTrialSolver, type SavedSchur, savedSchurLength } from './blocked-trial.js';
import { ExpandingTrialSolver } from './expanding-trial.js';
import { standardScale } from '../core/standardize.js';
import type { TenantSeries } from '../core/types.js';
import { medianPositive, peakedOrGeometric } from './media.js';
import { hingeSupport, MIN_HINGE_ROWS, movesOnOneRow } from './support.js';
import type { ChannelParams } from './types.js';

/** Decay grid of the sweeps. */
export const DECAY_GRID: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/** k_mult grid of the sweeps (k = k_mult x median positive adstocked training spend). */
export const K_MULT_GRID: readonly number[] = [0.25, 0.5, 1, 2, 4];
/** Hill shape grid of the sweeps. */
export const SHAPE_GRID: readonly number[] = [0.5, 1, 2];
/** Starting point of every channel (the peer's). */
export const SEARCH_START = { decay: 0.5, k_mult: 1, s: 1 } as const;
/**
 * Up to this many channels every candidate is scored on the joint phase-3 design (all channels'
 * transformed spend and spend x weather). Beyond it a channel's candidates are scored with the
 * other channels entering as one column each (their current transformed spend, no interactions):
 * the joint design grows by 1 + W columns per channel and every candidate pays for all of them,
 * which made the search quadratic in channels (docs/scaling.md). The final models of the fold use
 * the full design either way.
 */
export const JOINT_SEARCH_MAX_CHANNELS = 4;
/**
 * Beyond JOINT_SEARCH_MAX_CHANNELS, blocked scheme: grid candidates per channel that a sweep after
 * the first scores again, the channel's best by their latest scores (a fifth of the grid). The
 * second sweep corrects a channel for the others having moved since its first visit; the
 * candidates that scored worst then rarely win after that correction, and rescoring all 150 cost
 * a 10-channel phase 3 about a third of its time (docs/modeling.md, Many channels).
 */
export const LATER_SWEEP_CANDIDATES = 30;
/**
 * Beyond JOINT_SEARCH_MAX_CHANNELS, blocked scheme: local refinement rounds after the sweeps (the
 * first, decay +- 0.05 and x 2^(+-1/2); the second, half as far, fine-tuned what the fold's
 * final Ridge refits anyway and cost a 10-channel phase 3 about a quarter of its time; the CV
 * figures of 28 held-out daily tenants of 5-12 channels moved by +-0.01 without it: docs/modeling.md).
 */
export const MANY_CHANNEL_REFINE_ROUNDS = 1;
/**
 * Candidate delays of the phase-3 fold models' search, in periods (MediaSearchOptions.lags): daily
 * data 1..7 days (a peak up to a week after the spend); weekly data none. Weekly rows sum 7 days, so
 * a delay of a few days falls mostly in the same week: lags of half a week and a week moved the
 * phase-3 mean fold R² of 9 delayed weekly tenants by -0.007..+0.007 (mean +0.001), so they are
 * not offered. docs/modeling.md, "Delayed carry-over".
 */
export const FOLD_MODEL_LAGS: Readonly<Record<'daily' | 'weekly', readonly number[]>> = {
  daily: [1, 2, 3, 4, 5, 6, 7],
  weekly: [],
};
/**
 * Coarse decay and k_mult grids of the lag scan: k_mult the middle and the ends of the sweeps' grid,
 * decay 0.4 and 0.8 (a peaked adstock about one and three periods wide either side of its peak).
 * Decay 0, a pure delay, is not scanned: without it the delayed daily dev and check tenants scored
 * higher and the scan costs a third less (docs/modeling.md, "Delayed carry-over: the peaked form").
 */
export const LAG_SCAN_DECAYS: readonly number[] = [0.4, 0.8];
export const LAG_SCAN_K_MULTS: readonly number[] = [0.25, 1, 4];
/**
 * Hill shapes of the lag scan: s = 1 (concave) and s = 3 (the S-shape at the top of
 * SHAPE_BOUNDS). Scanned at s = 1 only, a channel whose response is S-shaped (logistic saturation)
 * often kept its geometric imitation of the delay. With s 3 too and the fractional peaks below,
 * phase 3 of delayed daily dev and check tenants scored +0.010 / +0.020 higher (docs/modeling.md,
 * "Delayed carry-over: S-shapes and fractional peaks").
 */
export const LAG_SCAN_SHAPES: readonly number[] = [1, 3];
/**
 * Refinement rounds of the channels the lag scan moved, and how far they move their peak (half
 * a period either side, never to 0): a delayed response peaks between days as often as on one
 * (Jin et al.'s theta is continuous); an integer peak was the scan's grid. A second round (a
 * quarter period) gained on the delayed tenants but kept more delays on geometric ones of 8-12
 * channels and dropped an outside recipe's phase 3 below phase 2 (docs/modeling.md).
 */
export const LAG_REFINE_ROUNDS = 1;
export const LAG_REFINE_STEP = 0.5;
/** Default scoring scheme of the search and its number of blocks (see MediaSearchOptions). */
export const DEFAULT_SCHEME: 'blocked' | 'expanding' = 'expanding';
export const DEFAULT_BLOCKS = 8;
/** Bounds the refinement stays within. */
export const DECAY_BOUNDS: readonly [number, number] = [0, 0.9];
export const K_MULT_BOUNDS: readonly [number, number] = [0.125, 8];
/**
 * Hill shape bounds of the refinement: the range the issue sets (about 0.3..3). Kept there
 * although raising the lower bound to 0.5 would add 0.007 to phase 3's mean R²: that figure came
 * from the outer test folds (high_umbrella_rain, first fold), so choosing the bound by it would be
 * tuning on test data.
 */
export const SHAPE_BOUNDS: readonly [number, number] = [0.3, 3];

export interface MediaSearchOptions {
  /** Weather columns to model (default: every weather column except wind, modelWeatherNames). */
  weather?: readonly string[];
  /** Calendar controls (default true). */
  calendar?: boolean;
  /** Temperature hinge columns in the fixed design (core/features.ts; default false). */
  temperatureHinges?: boolean;
  /** Control columns of the series (default true). */
  controls?: boolean;
  /** Inner time-series folds (default 3; scheme 'expanding' only). */
  innerFolds?: number;
  /**
   * How candidates are scored on the training rows: 'expanding' (default) is the inner
   * TimeSeriesSplit(innerFolds) of the peer; 'blocked' holds out each of `blocks` contiguous
   * blocks in turn and fits on all the others (the phase-3 fold models, phase3.ts).
   */
  scheme?: 'blocked' | 'expanding';
  /** Contiguous blocks of the 'blocked' scheme (default 8). */
  blocks?: number;
  /** Rows dropped between inner training and validation blocks (default 0). */
  gap?: number;
  /** Ridge alpha of the scoring fits (default 1). */
  alpha?: number;
  /** Starting point per channel (default SEARCH_START for every channel). */
  start?: Readonly<Record<string, Pick<ChannelParams, 'decay' | 'k_mult' | 's' | 'lag'>>>;
  /**
   * Candidate delays, in periods: the peak of a channel's peaked adstock (peakedOrGeometric): the
   * same list for every channel, or a list per channel name (default [0]: geometric only). 0 is
   * always added.
   */
  lags?: readonly number[] | Readonly<Record<string, readonly number[]>>;
  /** Coordinate-descent sweeps over the grid (default 2). */
  sweeps?: number;
  /**
   * Local refinement rounds after the sweeps (default 2; MANY_CHANNEL_REFINE_ROUNDS beyond
   * JOINT_SEARCH_MAX_CHANNELS channels in the blocked scheme).
   */
  refineRounds?: number;
  /**
   * Beyond JOINT_SEARCH_MAX_CHANNELS: grid candidates per channel scored by each sweep after the
   * first, its best by their latest scores (default LATER_SWEEP_CANDIDATES for the blocked scheme,
   * the whole grid for the expanding one).
   */
  laterSweepCandidates?: number;
  /** Calendar columns left out (terms the training window cannot identify: support.ts). */
  dropTerms?: readonly string[];
  /**
   * Blocked scheme: score a channel's candidates through the Schur complement of its column group
   * against the other columns' factored systems (default true; blocked-trial.ts). false refits
   * the whole system per candidate: the reference the fast path is tested against.
   */
  fastTrials?: boolean;
  /**
   * Reduced fast path: keep what a grid candidate's score needs that the other channels' columns
   * do not change, and reuse it when the next sweep scores the candidate again (default true).
   * false recomputes it: the reference the reuse is tested against (the same bits). The reduced
   * expanding search likewise keeps its grid candidates (in the `trialCache` given, else in slabs
   * of its own as the blocked one) and one scorer for all its visits; false leaves that out too
   * (a fresh scorer per visit).
   */
  reuseTrials?: boolean;
  /**
   * Expanding scheme: score a channel's candidates from what the other columns' inner folds give
   * (merged moments, scales, the Cholesky rows before the group), computed once per coordinate
   * step (default true; expanding-trial.ts). false recomputes it per candidate: the reference it
   * is tested against (the same bits).
   */
  expandingTrials?: boolean;
  /**
   * Trials shared with other searches of the same design that differ only in their target (the
   * bootstrap replicates of the planner and the intervals; SearchTrialCache). Speed only: the
   * result is bit-identical with or without it. Used by the joint search (<= 4 channels) and by
   * the reduced expanding one (the co-moments with the fixed columns; those with the other
   * channels, which differ between replicates, are recomputed).
   */
  trialCache?: SearchTrialCache;
}

export interface MediaSearchResult {
  /** Chosen parameters per channel; k is fixed on rows [0, trainEnd). */
  params: Record<string, ChannelParams>;
  /** Mean inner-fold R² of the chosen parameters. */
  innerR2: number;
  /** Mean inner-fold R² of the starting point. */
  startR2: number;
  /** Number of candidate scores computed (including the start). */
  candidates: number;
}

interface Triple {
  decay: number;
  kMult: number;
  s: number;
  /** Periods the spend is delayed before the adstock (0: geometric). */
  lag: number;
}

/** Cache key of channel c at point p (SearchTrialCache entries, pairs and point ids). */
function pointKeyOf(c: number, p: Triple): string {
  return `${c}|${p.decay}|${p.kMult}|${p.s}|${p.lag}`;
}

/** Rounds a searched value so that grid keys compare exactly (1e-9 resolution). */
function tidy(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

function clamp(x: number, [lo, hi]: readonly [number, number]): number {
  return Math.min(hi, Math.max(lo, x));
}

/** sum_{t in [a, b)} x[xo + t] y[yo + t] with four accumulators. */
function dotAt(
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
  a: number,
  b: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = a;
  for (; t + 3 < b; t += 4) {
    s0 += x[xo + t] * y[yo + t];
    s1 += x[xo + t + 1] * y[yo + t + 1];
    s2 += x[xo + t + 2] * y[yo + t + 2];
    s3 += x[xo + t + 3] * y[yo + t + 3];
  }
  for (; t < b; t++) s0 += x[xo + t] * y[yo + t];
  return s0 + s1 + (s2 + s3);
}

/**
 * Four dot products at once: out[o + g stride] = sum_{t in [a, b)} y[yo + t] x[xo + g T + t],
 * g = 0..3 (one load of y per row serves four products).
 */
function dot4(
  y: Float64Array,
  yo: number,
  x: Float64Array,
  xo: number,
  T: number,
  a: number,
  b: number,
  out: Float64Array,
  o: number,
  stride: number,
): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const x1 = xo + T;
  const x2 = xo + 2 * T;
  const x3 = xo + 3 * T;
  for (let t = a; t < b; t++) {
    const v = y[yo + t];
    s0 += v * x[xo + t];
    s1 += v * x[x1 + t];
    s2 += v * x[x2 + t];
    s3 += v * x[x3 + t];
  }
  out[o] = s0;
  out[o + stride] = s1;
  out[o + 2 * stride] = s2;
  out[o + 3 * stride] = s3;
}

/**
 * Eight dot products at once: for the coordinates at xa and xb and the four columns at y, y + T,
 * y + 2T, y + 3T, out[o + g stride + ja] = sum_t x[xa + t] y[yo + g T + t] and likewise at jb.
 */
function dot2x4(
  x: Float64Array,
  xa: number,
  xb: number,
  y: Float64Array,
  yo: number,
  T: number,
  a: number,
  b: number,
  out: Float64Array,
  o: number,
  ja: number,
  jb: number,
  stride: number,
): void {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let b3 = 0;
  const y1 = yo + T;
  const y2 = yo + 2 * T;
  const y3 = yo + 3 * T;
  for (let t = a; t < b; t++) {
    const u = x[xa + t];
    const v = x[xb + t];
    const g0 = y[yo + t];
    const g1 = y[y1 + t];
    const g2 = y[y2 + t];
    const g3 = y[y3 + t];
    a0 += u * g0;
    a1 += u * g1;
    a2 += u * g2;
    a3 += u * g3;
    b0 += v * g0;
    b1 += v * g1;
    b2 += v * g2;
    b3 += v * g3;
  }
  out[o + ja] = a0;
  out[o + stride + ja] = a1;
  out[o + 2 * stride + ja] = a2;
  out[o + 3 * stride + ja] = a3;
  out[o + jb] = b0;
  out[o + stride + jb] = b1;
  out[o + 2 * stride + jb] = b2;
  out[o + 3 * stride + jb] = b3;
}

/**
 * Inner-CV Ridge scorer over the phase-3 design restricted to rows [0, T), with cheap updates of
 * one channel's column group. Coordinates: fixed columns (weather, weather squared, controls,
 * calendar), then per channel [h_c, h_c x w_1 .. h_c x w_W], then the target last.
 */
class GroupScorer {
  /** While scoresByFold runs: each inner fold's R², in order. */
  private foldScores: number[] | null = null;
  readonly T: number;
  readonly q: number;
  readonly p: number;
  readonly groupSize: number;
  private readonly fixedCount: number;
  private readonly weather: Float64Array[];
  private readonly segStart: Int32Array;
  private readonly segEnd: Int32Array;
  private readonly segN: Float64Array;
  /** Inner folds: training segments are the first trainCount segments; validation segments. */
  private readonly folds: { trainCount: number; valid: number[] }[];
  /** Centered data, coordinate-major (j * T + t), centered by the mean of each row's segment. */
  private readonly cen: Float64Array;
  /** Per segment: means (q) and full symmetric co-moments (q x q). */
  private readonly segMean: Float64Array;
  private readonly segCo: Float64Array;
  // Trial buffers (one channel group).
  private readonly trialCen: Float64Array;
  private readonly trialMean: Float64Array;
  private readonly trialCo: Float64Array;
  /** Coordinates outside the trial group (scratch of trial()). */
  private readonly otherCoords: Int32Array;
  // Scoring buffers.
  private readonly workMean: Float64Array;
  private readonly workCo: Float64Array;
  private readonly pMean: Float64Array;
  private readonly pCo: Float64Array;
  private readonly vMean: Float64Array;
  private readonly vCo: Float64Array;
  private readonly scales: Float64Array;
  private readonly gram: Float64Array;
  private readonly rhs: Float64Array;
  private readonly alpha: number;
  /** Blocked scheme: every segment is held out in turn, the model fits on all the others. */
  private readonly blocked: boolean;
  /** Blocked scheme: candidates are scored through the Schur complement of their group. */
  readonly fastTrials: boolean;
  /**
   * A coordinate whose column is zero on every row (the reduced search's visited channel), or -1:
   * trials and the fast solver leave it out (its co-moments are exact zeros either way).
   */
  private zero = -1;
  /** The factored systems of the other columns for one channel's trials (until a commit). */
  private solver: { channel: number; solver: BlockedTrialSolver } | null = null;
  /** The last solver made, kept for its buffers when `solver` is dropped. */
  private spareSolver: BlockedTrialSolver | null = null;
  /**
   * Expanding scheme: candidates are scored from the other columns' fold work, computed once per
   * coordinate step (expanding-trial.ts); false recomputes it per candidate (the reference).
   */
  private readonly expandingTrials: boolean;
  /** That fold work for one channel's trials (until the committed state changes). */
  private expanding: { channel: number; solver: ExpandingTrialSolver } | null = null;

  constructor(
    fixed: readonly Float64Array[],
    weather: readonly Float64Array[],
    channels: number,
    y: Float64Array,
    T: number,
    innerFolds: number,
    gap: number,
    alpha: number,
    blocks: number | null = null,
    fastTrials = true,
    expandingTrials = true,
  ) {
    this.T = T;
    this.fastTrials = fastTrials && blocks !== null;
    this.fixedCount = fixed.length;
    this.weather = weather.map((w) => w.subarray(0, T));
    this.groupSize = 1 + weather.length;
    this.q = fixed.length + channels * this.groupSize + 1;
    this.p = this.q - 1;
    this.alpha = alpha;
    const inner = blocks === null ? timeSeriesFolds(T, innerFolds, gap) : [];
    const cuts = new Set<number>([0, T]);
    for (const f of inner) for (const b of [f.trainEnd, f.testStart, f.testEnd]) cuts.add(b);
    if (blocks !== null) for (let k = 1; k < blocks; k++) cuts.add(Math.floor((k * T) / blocks));
    this.blocked = blocks !== null;
    const sorted = [...cuts].sort((a, b) => a - b);
    const nSeg = sorted.length - 1;
    this.segStart = Int32Array.from(sorted.slice(0, nSeg));
    this.segEnd = Int32Array.from(sorted.slice(1));
    this.segN = Float64Array.from({ length: nSeg }, (_, k) => this.segEnd[k] - this.segStart[k]);
    this.folds = inner.map((f) => {
      // Segments tile [0, T) in order, so the training segments (end <= trainEnd) are a prefix.
      let trainCount = 0;
      while (trainCount < nSeg && this.segEnd[trainCount] <= f.trainEnd) trainCount++;
      const valid: number[] = [];
      for (let k = 0; k < nSeg; k++) {
        if (this.segStart[k] >= f.testStart && this.segEnd[k] <= f.testEnd) valid.push(k);
      }
      return { trainCount, valid };
    });
    this.expandingTrials =
      expandingTrials && blocks === null && this.folds.every((f) => f.valid.length === 1);
    const { q, p } = this;
    this.cen = new Float64Array(q * T);
    this.segMean = new Float64Array(nSeg * q);
    this.segCo = new Float64Array(nSeg * q * q);
    const G = this.groupSize;
    this.trialCen = new Float64Array(G * T);
    this.trialMean = new Float64Array(nSeg * G);
    this.trialCo = new Float64Array(nSeg * G * q);
    this.otherCoords = new Int32Array(q);
    this.workMean = new Float64Array(nSeg * q);
    this.workCo = new Float64Array(nSeg * q * q);
    this.pMean = new Float64Array(q);
    this.pCo = new Float64Array(q * q);
    this.vMean = new Float64Array(q);
    this.vCo = new Float64Array(q * q);
    this.scales = new Float64Array(p);
    this.gram = new Float64Array(p * p);
    this.rhs = new Float64Array(p);
    // Fixed columns and the target: centered per segment now; channel groups come via setGroup.
    fixed.forEach((col, j) => this.loadCoordinate(j, col));
    this.loadCoordinate(q - 1, y);
  }

  /** Copies rows [0, T) of a column into coordinate j, centered per segment. */
  private loadCoordinate(j: number, col: ArrayLike<number>): void {
    const { T, q, cen } = this;
    for (let k = 0; k < this.segN.length; k++) {
      const a = this.segStart[k];
      const b = this.segEnd[k];
      let s = 0;
      for (let t = a; t < b; t++) s += col[t];
      const m = s / (b - a);
      this.segMean[k * q + j] = m;
      for (let t = a; t < b; t++) cen[j * T + t] = col[t] - m;
    }
  }

  /**
   * Replaces fixed coordinate j by rows [0, T) of col and recomputes its co-moments with every
   * coordinate (the same sums, in the same order, as computeAllMoments).
   */
  setFixedColumn(j: number, col: ArrayLike<number>): void {
    const { T, q, cen } = this;
    this.solver = null;
    this.expanding = null;
    this.loadCoordinate(j, col);
    for (let k = 0; k < this.segN.length; k++) {
      const a = this.segStart[k];
      const b = this.segEnd[k];
      const base = k * q * q;
      for (let l = 0; l < q; l++) {
        const v =
          j <= l ? dotAt(cen, j * T, cen, l * T, a, b) : dotAt(cen, l * T, cen, j * T, a, b);
        this.segCo[base + j * q + l] = v;
        this.segCo[base + l * q + j] = v;
      }
    }
  }

  /** Number of fixed coordinates (before the channel groups). */
  get fixedColumns(): number {
    return this.fixedCount;
  }

  /** Co-moments of every pair of coordinates in every segment (once, after all groups are set). */
  computeAllMoments(): void {
    const { T, q, cen } = this;
    this.solver = null;
    this.expanding = null;
    for (let k = 0; k < this.segN.length; k++) {
      const a = this.segStart[k];
      const b = this.segEnd[k];
      const base = k * q * q;
      for (let j = 0; j < q; j++) {
        for (let l = j; l < q; l++) {
          const v = dotAt(cen, j * T, cen, l * T, a, b);
          this.segCo[base + j * q + l] = v;
          this.segCo[base + l * q + j] = v;
        }
      }
    }
  }

  /** Coordinate index of channel c's first column. */
  private groupOffset(c: number): number {
    return this.fixedCount + c * this.groupSize;
  }

  /**
   * Writes channel c's group [h, h x w_1, ...] for the transformed spend h (rows [0, T)) into the
   * trial buffers, with its per-segment means and its co-moments against every coordinate.
   */
  trial(c: number, h: Float64Array): void {
    const off = this.groupOffset(c);
    this.centerTrial(h);
    const js = this.otherCoords;
    let n = 0;
    const z = this.zero;
    for (let j = 0; j < this.q; j++)
      if ((j < off || j >= off + this.groupSize) && j !== z) js[n++] = j;
    this.trialMoments(off, js, n, true);
    if (z >= 0) {
      // What the dot products with a zero column give (each product +-0 added to +0).
      const { q, groupSize: G } = this;
      for (let r = 0; r < this.segN.length * G; r++) this.trialCo[r * q + z] = 0;
    }
  }

  /** The design-only part of the last trial, for SearchTrialCache (copies). */
  trialSnapshot(): CachedTrial {
    return {
      cen: this.trialCen.slice(),
      mean: this.trialMean.slice(),
      co: this.trialCo.slice(),
    };
  }

  /**
   * As trial(c, h), for a trial of channel c saved by trialSnapshot on a scorer of the same
   * design (the target aside): the centered group, its means and its co-moments with the fixed
   * columns and within the group are restored, and those with the coordinates that are not fixed
   * (the other channels' groups and the target) are computed, the same sums as trial() computes
   * (trialMoments), so the buffers end bit for bit as trial(c, h) leaves them.
   */
  restoreTrial(c: number, saved: CachedTrial, pairs?: TrialPairs): void {
    const { q, groupSize: G } = this;
    this.trialCen.set(saved.cen);
    this.trialMean.set(saved.mean);
    this.trialCo.set(saved.co);
    const off = this.groupOffset(c);
    const js = this.otherCoords;
    let n = 0;
    if (!pairs || this.zero >= 0) {
      for (let j = this.fixedCount; j < q; j++)
        if ((j < off || j >= off + G) && j !== this.zero) js[n++] = j;
      this.trialMoments(off, js, n, false);
      return;
    }
    // The same coordinates (the other channels' groups, then the target), those of a channel
    // whose co-moments with this candidate were kept read back instead of summed again.
    const channels = (q - 1 - this.fixedCount) / G;
    const missing: number[] = [];
    for (let c2 = 0; c2 < channels; c2++) {
      if (c2 === c) continue;
      const kept = pairs.get(c2);
      if (kept) this.setTrialPair(c2, kept);
      else {
        missing.push(c2);
        for (let g = 0; g < G; g++) js[n++] = this.groupOffset(c2) + g;
      }
    }
    js[n++] = q - 1;
    this.trialMoments(off, js, n, false);
    for (const c2 of missing) pairs.set(c2, this.trialPair(c2));
  }

  /**
   * The last trial's co-moments with channel c2's group, per segment (G x G each): sums of the
   * two centred columns alone (trialMoments computes each the same way in any pass), so a later
   * trial of the same candidate against the same column of c2 can read them back.
   */
  trialPair(c2: number): Float64Array {
    const { q, groupSize: G } = this;
    const nSeg = this.segN.length;
    const off2 = this.groupOffset(c2);
    const out = new Float64Array(nSeg * G * G);
    for (let r = 0; r < nSeg * G; r++)
      for (let h = 0; h < G; h++) out[r * G + h] = this.trialCo[r * q + off2 + h];
    return out;
  }

  /** Writes co-moments saved by trialPair(c2) into the trial buffers. */
  private setTrialPair(c2: number, kept: Float64Array): void {
    const { q, groupSize: G } = this;
    const nSeg = this.segN.length;
    const off2 = this.groupOffset(c2);
    for (let r = 0; r < nSeg * G; r++)
      for (let h = 0; h < G; h++) this.trialCo[r * q + off2 + h] = kept[r * G + h];
  }

  /**
   * The design-only part of the last trial of a reduced scorer (one group, the other channels
   * appended to the fixed columns), for SearchTrialCache: the transformed spend h and the
   * co-moments (those against the first `stable` coordinates and within the group are design
   * alone; the rest are recomputed by restoreReduced).
   */
  reducedSnapshot(h: Float64Array, stable: number, pairs?: ReducedPairs): ReducedTrial {
    const saved: ReducedTrial = {
      h: h.slice(0, this.T),
      co: this.trialCo.slice(),
      pairs: new Map(),
    };
    // The co-moments with the other channels' columns at their current points, for a later
    // restore against the same points (restoreReduced).
    if (pairs && this.zero < 0) {
      const off = this.groupOffset(0);
      for (let j = stable; j < off; j++) {
        if (!pairs.canKeep()) break;
        saved.pairs.set(pairs.ids[j - stable], this.trialColumn(j));
      }
    }
    return saved;
  }

  /**
   * As trial(0, saved.h) on a reduced scorer whose first `stable` coordinates are the columns of
   * the scorer that saved it: the group is centred again from h (the same sums) and its
   * co-moments with the coordinates from `stable` on (the other channels and the target) are
   * computed, the same sums as trial() computes, so the buffers end bit for bit as trial leaves
   * them. With `pairs` (the other channels' current points, coordinates stable.. before the
   * group), those co-moments already kept for a channel at the same point are read back instead
   * (each is a sum of the two centred columns alone, the same bits in any pass), and the ones
   * computed are kept.
   */
  restoreReduced(saved: ReducedTrial, stable: number, pairs?: ReducedPairs): void {
    const { q, groupSize: G } = this;
    this.trialCo.set(saved.co);
    this.centerTrial(saved.h);
    const off = this.groupOffset(0);
    const js = this.otherCoords;
    let n = 0;
    if (!pairs || this.zero >= 0) {
      for (let j = stable; j < q; j++)
        if ((j < off || j >= off + G) && j !== this.zero) js[n++] = j;
      this.trialMoments(off, js, n, false);
      return;
    }
    for (let j = stable; j < off; j++) {
      const kept = saved.pairs.get(pairs.ids[j - stable]);
      if (kept) this.setTrialColumn(j, kept);
      else js[n++] = j;
    }
    const missing = n;
    pairs.read(off - stable - missing);
    for (let j = off + G; j < q; j++) js[n++] = j;
    this.trialMoments(off, js, n, false);
    for (let i = 0; i < missing && pairs.canKeep(); i++) {
      const j = js[i];
      saved.pairs.set(pairs.ids[j - stable], this.trialColumn(j));
    }
  }

  /** The last trial's co-moments with coordinate j, per segment and group column. */
  private trialColumn(j: number): Float64Array {
    const { q } = this;
    const rows = this.segN.length * this.groupSize;
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) out[r] = this.trialCo[r * q + j];
    return out;
  }

  /** Writes co-moments saved by trialColumn(j) into the trial buffers. */
  private setTrialColumn(j: number, kept: Float64Array): void {
    const { q } = this;
    for (let r = 0; r < kept.length; r++) this.trialCo[r * q + j] = kept[r];
  }

  /** Marks coordinate j as a column that is zero on every row (see `zero`). */
  setZeroCoordinate(j: number): void {
    this.zero = j;
    this.solver = null;
    this.expanding = null;
  }

  /**
   * As trial(c, h), for a candidate whose co-moments were saved (saveTrialCo) when it was
   * scored before: they are restored and only those against the coordinates coords[0, nCoords)
   * (the columns that may have changed since) are recomputed. Each co-moment is the same sum in
   * the same order as in trial(), so the buffers end bit for bit as trial(c, h) leaves them.
   * h's rows start at hAt and the saved co-moments at savedAt (offsets into the caller's slabs:
   * this runs once per candidate, and views would be allocated as often).
   */
  trialFrom(
    c: number,
    h: Float64Array,
    saved: Float64Array,
    coords: Int32Array,
    hAt = 0,
    savedAt = 0,
    nCoords = coords.length,
  ): void {
    const tc = this.trialCo;
    for (let i = 0; i < tc.length; i++) tc[i] = saved[savedAt + i];
    this.centerTrial(h, hAt);
    this.trialMoments(this.groupOffset(c), coords, nCoords, false);
  }

  /** Copies the last trial's co-moments into out from `at` on (trialCoLength values). */
  saveTrialCo(out: Float64Array, at = 0): void {
    out.set(this.trialCo, at);
  }

  /** Number of a trial's co-moments (segments x group size x coordinates). */
  get trialCoLength(): number {
    return this.trialCo.length;
  }

  /** Number of row segments of the inner folds. */
  get segments(): number {
    return this.segN.length;
  }

  /**
   * The group of h (rows from ho on) into trialCen, centered per segment, and its segment means
   * into trialMean.
   */
  private centerTrial(h: Float64Array, ho = 0): void {
    const { T, groupSize: G, trialCen, weather } = this;
    const nSeg = this.segN.length;
    for (let g = 0; g < G; g++) {
      const base = g * T;
      const w = g === 0 ? null : weather[g - 1];
      for (let k = 0; k < nSeg; k++) {
        const a = this.segStart[k];
        const b = this.segEnd[k];
        // The column and its segment sum in one pass (the same sum, in the same order).
        let s = 0;
        if (w === null) {
          for (let t = a; t < b; t++) {
            const v = h[ho + t];
            trialCen[base + t] = v;
            s += v;
          }
        } else {
          for (let t = a; t < b; t++) {
            const v = h[ho + t] * w[t];
            trialCen[base + t] = v;
            s += v;
          }
        }
        const m = s / (b - a);
        this.trialMean[k * G + g] = m;
        for (let t = a; t < b; t++) trialCen[base + t] -= m;
      }
    }
  }

  /**
   * Co-moments of the centered trial group (at coordinate off) against the coordinates js[0, n)
   * in every segment, and within the group when withinGroup. Each value is a sequential sum over
   * the segment's rows whichever coordinates share a pass, so computing a subset gives the same
   * bits as computing all.
   */
  private trialMoments(off: number, js: Int32Array, n: number, withinGroup: boolean): void {
    const { T, q, groupSize: G, cen, trialCen } = this;
    const nSeg = this.segN.length;
    const tc = this.trialCo;
    for (let k = 0; k < nSeg; k++) {
      const a = this.segStart[k];
      const b = this.segEnd[k];
      const rows = k * G * q;
      // Within the group: each pair once.
      if (withinGroup) {
        for (let g = 0; g < G; g++) {
          for (let h = 0; h <= g; h++) {
            const v = dotAt(trialCen, g * T, trialCen, h * T, a, b);
            tc[rows + g * q + off + h] = v;
            tc[rows + h * q + off + g] = v;
          }
        }
      }
      // The other coordinates: two per pass against four trial columns (then one), so one load
      // of each serves several products.
      let i = 0;
      for (; i + 3 < n; i += 4) {
        const j0 = js[i];
        const j1 = js[i + 1];
        const j2 = js[i + 2];
        const j3 = js[i + 3];
        let g = 0;
        for (; g + 3 < G; g += 4) {
          // Two coordinates per pass: eight sums stay in registers (sixteen spill, measured 35%
          // slower); each sum is the same sequential sum either way.
          dot2x4(cen, j0 * T, j1 * T, trialCen, g * T, T, a, b, tc, rows + g * q, j0, j1, q);
          dot2x4(cen, j2 * T, j3 * T, trialCen, g * T, T, a, b, tc, rows + g * q, j2, j3, q);
        }
        for (; g < G; g++) {
          const r = rows + g * q;
          tc[r + j0] = dotAt(trialCen, g * T, cen, j0 * T, a, b);
          tc[r + j1] = dotAt(trialCen, g * T, cen, j1 * T, a, b);
          tc[r + j2] = dotAt(trialCen, g * T, cen, j2 * T, a, b);
          tc[r + j3] = dotAt(trialCen, g * T, cen, j3 * T, a, b);
        }
      }
      for (; i + 1 < n; i += 2) {
        const j0 = js[i];
        const j1 = js[i + 1];
        let g = 0;
        for (; g + 3 < G; g += 4)
          dot2x4(cen, j0 * T, j1 * T, trialCen, g * T, T, a, b, tc, rows + g * q, j0, j1, q);
        for (; g < G; g++) {
          tc[rows + g * q + j0] = dotAt(trialCen, g * T, cen, j0 * T, a, b);
          tc[rows + g * q + j1] = dotAt(trialCen, g * T, cen, j1 * T, a, b);
        }
      }
      for (; i < n; i++) {
        const j = js[i];
        let g = 0;
        for (; g + 3 < G; g += 4)
          dot4(cen, j * T, trialCen, g * T, T, a, b, tc, rows + g * q + j, q);
        for (; g < G; g++) tc[rows + g * q + j] = dotAt(trialCen, g * T, cen, j * T, a, b);
      }
    }
  }

  /**
   * Loads channel c's group for the transformed spend h (rows [0, T)) into the current state
   * without its co-moments: for a design whose co-moments computeAllMoments computes next, which
   * overwrites every co-moment (so trial + commit would compute the group's for nothing).
   */
  load(c: number, h: Float64Array): void {
    const { T, q, groupSize: G } = this;
    this.solver = null;
    this.expanding = null;
    const off = this.groupOffset(c);
    this.centerTrial(h);
    this.cen.set(this.trialCen.subarray(0, G * T), off * T);
    for (let k = 0; k < this.segN.length; k++)
      for (let g = 0; g < G; g++) this.segMean[k * q + off + g] = this.trialMean[k * G + g];
  }

  /** Makes the last trial of channel c the current state. */
  commit(c: number): void {
    const { T, q, groupSize: G } = this;
    this.solver = null;
    this.expanding = null;
    const off = this.groupOffset(c);
    this.cen.set(this.trialCen.subarray(0, G * T), off * T);
    for (let k = 0; k < this.segN.length; k++) {
      const base = k * q * q;
      for (let g = 0; g < G; g++) {
        this.segMean[k * q + off + g] = this.trialMean[k * G + g];
        const row = (k * G + g) * q;
        for (let j = 0; j < q; j++) {
          const v = this.trialCo[row + j];
          this.segCo[base + (off + g) * q + j] = v;
          this.segCo[base + j * q + off + g] = v;
        }
      }
    }
  }

  /** Mean inner-fold R² of the current state, or with the trial of channel c when given. */
  score(trialChannel: number | null, saved?: SavedSchur): number {
    // Each candidate of every search is scored here: a cancelled task stops within one.
    checkCancelled();
    const { q } = this;
    const nSeg = this.segN.length;
    let means = this.segMean;
    let co = this.segCo;
    if (trialChannel !== null && this.fastTrials) {
      // Only this channel's group differs from the committed state: reuse the other columns'
      // factored systems (blocked-trial.ts).
      if (this.solver?.channel !== trialChannel) {
        // The last solver's buffers serve the next coordinate step (BlockedTrialSolver.retarget).
        const off = this.groupOffset(trialChannel);
        let solver = this.spareSolver;
        if (!solver?.retarget(off, this.zero)) {
          solver = new BlockedTrialSolver(
            { segN: this.segN, segMean: this.segMean, segCo: this.segCo },
            q,
            off,
            this.groupSize,
            this.alpha,
            this.zero,
          );
          this.spareSolver = solver;
        }
        this.solver = { channel: trialChannel, solver };
      }
      const fast = this.solver.solver.usable
        ? this.solver.solver.score({ mean: this.trialMean, co: this.trialCo }, saved)
        : null;
      if (fast !== null) return fast;
    }
    if (trialChannel !== null && this.expandingTrials && this.zero < 0) {
      if (this.expanding?.channel !== trialChannel) {
        const solver = new ExpandingTrialSolver(
          { segN: this.segN, segMean: this.segMean, segCo: this.segCo },
          this.folds,
          q,
          this.groupOffset(trialChannel),
          this.groupSize,
          this.alpha,
        );
        this.expanding = { channel: trialChannel, solver };
      }
      return this.expanding.solver.score({ mean: this.trialMean, co: this.trialCo });
    }
    if (trialChannel !== null) {
      const G = this.groupSize;
      const off = this.groupOffset(trialChannel);
      this.workMean.set(this.segMean);
      this.workCo.set(this.segCo);
      for (let k = 0; k < nSeg; k++) {
        const base = k * q * q;
        for (let g = 0; g < G; g++) {
          this.workMean[k * q + off + g] = this.trialMean[k * G + g];
          const row = (k * G + g) * q;
          for (let j = 0; j < q; j++) {
            const v = this.trialCo[row + j];
            this.workCo[base + (off + g) * q + j] = v;
            this.workCo[base + j * q + off + g] = v;
          }
        }
      }
      means = this.workMean;
      co = this.workCo;
    }
    if (this.blocked) return this.blockedScore(means, co);
    // Expanding windows: each fold's training moments extend the previous fold's by merging
    // the new segments; a single validation segment is read in place.
    let sum = 0;
    let nP = 0;
    let merged = 0;
    for (const f of this.folds) {
      for (; merged < f.trainCount; merged++)
        nP = this.mergeInto(merged, nP, means, co, this.pMean, this.pCo);
      if (f.valid.length === 1) {
        const k = f.valid[0];
        const r = this.foldR2(nP, this.segN[k], means, k * q, co, k * q * q);
        this.foldScores?.push(r);
        sum += r;
      } else {
        let nV = 0;
        for (const k of f.valid) nV = this.mergeInto(k, nV, means, co, this.vMean, this.vCo);
        const r = this.foldR2(nP, nV, this.vMean, 0, this.vCo, 0);
        this.foldScores?.push(r);
        sum += r;
      }
    }
    return sum / this.folds.length;
  }

  /** R² of each inner fold (each block) of the committed state; their mean is score(null). */
  scoresByFold(): number[] {
    this.foldScores = [];
    try {
      this.score(null);
      return this.foldScores;
    } finally {
      this.foldScores = null;
    }
  }

  /**
   * Blocked cross-validation: for each segment k, the Ridge fitted on the moments of every other
   * segment is scored on segment k; the mean R² over the segments.
   */
  private blockedScore(means: Float64Array, co: Float64Array): number {
    const { q, pMean, pCo, vMean, vCo } = this;
    const nSeg = this.segN.length;
    // Moments of all rows once (vMean, vCo), then each fold's training moments are all rows minus
    // its block: n_r = n - n_k, mean_r = (n mean - n_k mean_k) / n_r,
    // C_r = C - C_k - d d' n_r n_k / n with d = mean_k - mean_r (Chan et al.'s merge, inverted).
    let n = 0;
    for (let k = 0; k < nSeg; k++) n = this.mergeInto(k, n, means, co, vMean, vCo);
    let sum = 0;
    for (let k = 0; k < nSeg; k++) {
      const nK = this.segN[k];
      const nR = n - nK;
      const mK = k * q;
      const cK = k * q * q;
      for (let j = 0; j < q; j++) pMean[j] = (n * vMean[j] - nK * means[mK + j]) / nR;
      const w = (nR * nK) / n;
      for (let j = 0; j < q; j++) {
        const dj = means[mK + j] - pMean[j];
        for (let l = j; l < q; l++) {
          const v = vCo[j * q + l] - co[cK + j * q + l] - dj * (means[mK + l] - pMean[l]) * w;
          pCo[j * q + l] = v;
          pCo[l * q + j] = v;
        }
      }
      const r = this.foldR2(nR, nK, means, mK, co, cK);
      this.foldScores?.push(r);
      sum += r;
    }
    return sum / nSeg;
  }

  /**
   * Merges segment k into running moments of n rows (n = 0: copies it):
   * n' = n + n_k, delta = mean_k - mean, C' = C + C_k + delta delta' n n_k / n',
   * mean' = mean + delta n_k / n' (Chan, Golub & LeVeque 1979). Returns n'.
   */
  private mergeInto(
    k: number,
    n: number,
    means: Float64Array,
    co: Float64Array,
    outMean: Float64Array,
    outCo: Float64Array,
  ): number {
    const { q } = this;
    const qq = q * q;
    const nB = this.segN[k];
    const mB = k * q;
    const cB = k * qq;
    if (n === 0) {
      for (let j = 0; j < q; j++) outMean[j] = means[mB + j];
      for (let i = 0; i < qq; i++) outCo[i] = co[cB + i];
      return nB;
    }
    const nTot = n + nB;
    const w = (n * nB) / nTot;
    for (let j = 0; j < q; j++) {
      const dj = means[mB + j] - outMean[j];
      for (let l = j; l < q; l++) {
        const v = outCo[j * q + l] + co[cB + j * q + l] + dj * (means[mB + l] - outMean[l]) * w;
        outCo[j * q + l] = v;
        outCo[l * q + j] = v;
      }
    }
    for (let j = 0; j < q; j++) outMean[j] += ((means[mB + j] - outMean[j]) * nB) / nTot;
    return nTot;
  }

  /**
   * Standardized Ridge on the training moments (pMean, pCo), R² on the validation moments:
   * w = raw-scale coefficients, residual mean = (ybar_V - ybar_P) - w'(mean_V - mean_P),
   * SS_res = C_yy - 2 w'C_xy + w'C_xx w + n_V residual mean^2, R² = 1 - SS_res / C_yy.
   */
  private foldR2(
    nP: number,
    nV: number,
    vMean: Float64Array,
    vm: number,
    vCo: Float64Array,
    vc: number,
  ): number {
    const { p, q, pMean, pCo, scales, gram, rhs } = this;
    for (let j = 0; j < p; j++) scales[j] = standardScale(pCo[j * q + j] / nP, pMean[j], nP);
    for (let j = 0; j < p; j++) {
      for (let l = 0; l <= j; l++) gram[j * p + l] = pCo[j * q + l] / (scales[j] * scales[l]);
      gram[j * p + j] += this.alpha;
      rhs[j] = pCo[j * q + p] / scales[j];
    }
    if (!choleskyInPlace(gram, p)) return Number.NEGATIVE_INFINITY;
    choleskySolveInPlace(gram, p, rhs);
    for (let j = 0; j < p; j++) rhs[j] /= scales[j];
    const w = rhs;
    let resMean = vMean[vm + p] - pMean[p];
    let cross = 0;
    let quad = 0;
    for (let j = 0; j < p; j++) {
      const wj = w[j];
      if (wj === 0) continue;
      resMean -= wj * (vMean[vm + j] - pMean[j]);
      const r = vc + j * q;
      cross += wj * vCo[r + p];
      let row = 0;
      for (let l = 0; l < p; l++) row += vCo[r + l] * w[l];
      quad += wj * row;
    }
    const ssTot = vCo[vc + p * q + p];
    const ssRes = Math.max(0, ssTot - 2 * cross + quad + nV * resMean * resMean);
    if (ssTot === 0) return ssRes === 0 ? 1 : 0;
    return 1 - ssRes / ssTot;
  }
}

/** Kept co-moments of one candidate with other channels' groups at their current points. */
interface TrialPairs {
  get(c2: number): Float64Array | undefined;
  set(c2: number, kept: Float64Array): void;
}

/**
 * A reduced scorer's candidate as reducedSnapshot saves it; `pairs`: its co-moments with another
 * channel's column (per segment and group column) by the id of that channel's point
 * (SearchTrialCache.pointId).
 */
interface ReducedTrial {
  h: Float64Array;
  co: Float64Array;
  pairs: Map<number, Float64Array>;
}

/**
 * The points of the other channels of a reduced visit, for the kept co-moments of ReducedTrial:
 * ids[i] = the point id of the channel at coordinate stable + i; canKeep() says whether another
 * pair may be kept (the cache's bound).
 */
interface ReducedPairs {
  ids: Int32Array;
  canKeep(): boolean;
  /** Counts pairs read back (SearchTrialCache.pairReads). */
  read(count: number): void;
}

/** A channel candidate's trial as trialSnapshot saves it. */
interface CachedTrial {
  cen: Float64Array;
  mean: Float64Array;
  co: Float64Array;
}

/**
 * Trials shared by searches of one design whose targets differ: the bootstrap replicates of the
 * planner (src/plan/replicates.ts) and of the intervals refit y* = fitted + resampled residuals
 * with spend, weather, calendar and controls as observed. A candidate's transformed group (its
 * adstocked, saturated spend and spend x weather), centered per segment, with its co-moments
 * against the fixed columns and within the group, depends on the design alone; a later search
 * reads them here and computes only the co-moments with the other channels' groups and the
 * target (GroupScorer.restoreTrial). Every replicate search visits the same 150-point grid per
 * channel, so from the second replicate on most trials are read back. A reduced search (more
 * than JOINT_SEARCH_MAX_CHANNELS channels, expanding scheme) keeps its grid candidates' spend
 * transform and co-moments apart (GroupScorer.reducedSnapshot / restoreReduced: about 13 KB per
 * candidate at 1,095 rows, 150 per channel) and, given to several searches, their co-moments
 * with the other channels' columns by those channels' points (ReducedTrial.pairs, at most 16 x
 * maxEntries pairs): a replicate's visit meets the points another replicate's did. Speed only: the
 * search's result is bit-identical with or without the cache (tests/search-fast-path.test.ts).
 * Bound to the first design it serves (the very arrays of spend, weather, controls and dates,
 * and the scorer's settings): serving another design throws.
 */
export class SearchTrialCache {
  private readonly entries = new Map<string, CachedTrial>();
  private readonly reduced = new Map<string, ReducedTrial>();
  private readonly pairs = new Map<string, Float64Array>();
  /** Ids of the channels' points (reduced pairs), by channel and point. */
  private readonly pointIds = new Map<string, number>();
  /** Co-moment pairs kept by the reduced trials (bounded by 16 x maxEntries). */
  private reducedPairs = 0;
  /** Co-moment pairs of reduced trials read back instead of summed (for tests). */
  pairReads = 0;
  private design: { arrays: readonly unknown[]; settings: string } | null = null;
  private adstockCaches: AdstockCache[] | null = null;
  /** Trials read back and trials computed (counts, for benchmarks and tests). */
  hits = 0;
  misses = 0;

  /** maxEntries bounds memory (each entry holds (1 + W) x rows numbers); beyond it trials are computed. */
  constructor(readonly maxEntries = 4096) {}

  /** Checks that the search of `series` with `settings` is the design this cache serves. */
  bind(series: TenantSeries, settings: string): void {
    const arrays = [
      series.dates,
      ...series.spend,
      ...series.weather,
      ...series.controls,
      series.channels,
      series.weatherNames,
      series.controlNames,
    ];
    if (this.design === null) {
      this.design = { arrays, settings };
      return;
    }
    const same =
      this.design.settings === settings &&
      this.design.arrays.length === arrays.length &&
      this.design.arrays.every((a, i) => a === arrays[i]);
    if (!same) {
      throw new RangeError(
        'SearchTrialCache serves searches of one design (the same spend, weather, calendar and controls arrays and search settings); make one cache per design',
      );
    }
  }

  /** The adstocked training spend per channel and decay, shared too (it is design alone). */
  adstock(make: () => AdstockCache[]): AdstockCache[] {
    this.adstockCaches ??= make();
    return this.adstockCaches;
  }

  get(key: string): CachedTrial | undefined {
    const e = this.entries.get(key);
    if (e) this.hits++;
    return e;
  }

  set(key: string, trial: CachedTrial): void {
    this.misses++;
    if (this.entries.size < this.maxEntries) this.entries.set(key, trial);
  }

  /**
   * Co-moments of a candidate's group with another channel's group at a given point (key names
   * both), per segment (GroupScorer.trialPair): the joint search reads them back when a replicate
   * scores the candidate against the same point of that channel (its grid visit of the first
   * channel always does: the others are still at the start).
   */
  getPair(key: string): Float64Array | undefined {
    return this.pairs.get(key);
  }

  setPair(key: string, kept: Float64Array): void {
    if (this.pairs.size < 16 * this.maxEntries) this.pairs.set(key, kept);
  }

  /** A reduced search's trial (searches of more than JOINT_SEARCH_MAX_CHANNELS channels). */
  getReduced(key: string): ReducedTrial | undefined {
    const e = this.reduced.get(key);
    if (e) this.hits++;
    return e;
  }

  setReduced(key: string, trial: ReducedTrial): void {
    this.misses++;
    if (this.reduced.size < this.maxEntries) this.reduced.set(key, trial);
  }

  /** A number naming channel c's point `key` (the same number for the same key). */
  pointId(key: string): number {
    let id = this.pointIds.get(key);
    if (id === undefined) this.pointIds.set(key, (id = this.pointIds.size));
    return id;
  }

  /** Whether a reduced trial may keep one more co-moment pair (and counts it when so). */
  keepReducedPair(): boolean {
    if (this.reducedPairs >= 16 * this.maxEntries) return false;
    this.reducedPairs++;
    return true;
  }
}

/**
 * Float64 slabs of SavedGrid kept from one search to the next. A 10-channel search keeps about
 * 3 MB of grid candidates per channel for its second sweep; allocated afresh for each of the
 * half dozen searches of a phase-3 run, that was ~170 MB of zeroed pages and their collection. A
 * slab at least as long as asked serves (candidates are read by offset). No value of a slab is
 * read before the search that took it wrote it (SavedGrid.schur marks the candidates it saved, and
 * a SavedSchur that is not ready is written before it is read), so reuse cannot move a result. At
 * most SLAB_POOL_BYTES are kept.
 */
const SLAB_POOL_BYTES = 40 * 2 ** 20;
const slabPool: Float64Array[] = [];

function takeSlab(length: number): Float64Array {
  let best = -1;
  for (let i = 0; i < slabPool.length; i++) {
    const n = slabPool[i].length;
    if (n >= length && (best < 0 || n < slabPool[best].length)) best = i;
  }
  return best < 0 ? new Float64Array(length) : slabPool.splice(best, 1)[0];
}

function giveSlab(slab: Float64Array): void {
  let bytes = slab.byteLength;
  for (const s of slabPool) bytes += s.byteLength;
  if (bytes <= SLAB_POOL_BYTES) slabPool.push(slab);
}

/**
 * One channel's saved grid candidates in the reduced searches (searchMediaParams): for grid
 * candidate i its transformed spend, its co-moments, every channel's move count when those were
 * computed, whether it was saved, and (the blocked fast path) its saved Schur parts, in slabs
 * allocated once, at the channel's first save.
 */
class SavedGrid {
  readonly h: Float64Array;
  readonly co: Float64Array;
  readonly coLength: number;
  readonly seen: Int32Array;
  /** 1 for a candidate saved (its h, co and seen written). */
  readonly has: Uint8Array;
  readonly schur: (SavedSchur | undefined)[] = [];
  private readonly schurData: Float64Array;
  private readonly schurLength: number;
  constructor(
    candidates: number,
    T: number,
    scorer: GroupScorer,
    private readonly stable: number,
    channels: number,
    withSchur = true,
  ) {
    this.h = takeSlab(candidates * T);
    this.coLength = scorer.trialCoLength;
    this.co = takeSlab(candidates * this.coLength);
    this.seen = new Int32Array(candidates * channels);
    this.has = new Uint8Array(candidates);
    this.schurLength = withSchur ? savedSchurLength(scorer.segments, scorer.groupSize, stable) : 0;
    this.schurData = takeSlab(candidates * this.schurLength);
  }

  /** Gives the slabs back to the pool (the grid is not read again). */
  release(): void {
    giveSlab(this.h);
    giveSlab(this.co);
    giveSlab(this.schurData);
  }

  /** A fresh SavedSchur of candidate i, backed by the slab. */
  schurFor(i: number): SavedSchur {
    const n = this.schurLength;
    return { stable: this.stable, data: this.schurData.subarray(i * n, (i + 1) * n), ready: false };
  }
}

/** Per-channel cache of adstocked training spend and its positive median, by decay and lag. */
class AdstockCache {
  private readonly cache = new Map<string, { a: Float64Array; median: number; max: number }>();
  /** The last decay asked for and its entry: a visit asks for the same few decays in a row. */
  private lastDecay = Number.NaN;
  private lastLag = Number.NaN;
  private lastEntry: { a: Float64Array; median: number; max: number } | null = null;
  constructor(
    private readonly spend: Float64Array,
    private readonly T: number,
  ) {}
  get(decay: number, lag = 0): { a: Float64Array; median: number; max: number } {
    if (decay === this.lastDecay && lag === this.lastLag && this.lastEntry) return this.lastEntry;
    const e = this.lookup(decay, lag);
    this.lastDecay = decay;
    this.lastLag = lag;
    this.lastEntry = e;
    return e;
  }
  private lookup(decay: number, lag: number): { a: Float64Array; median: number; max: number } {
    const key = `${decay}|${lag}`;
    let e = this.cache.get(key);
    if (!e) {
      // Only rows [0, T): adstock is causal, so these equal the full series' first T values.
      const a = peakedOrGeometric(this.spend.subarray(0, this.T), decay, lag);
      const med = medianPositive(a, this.T);
      let max = 0;
      for (let t = 0; t < a.length; t++) if (a[t] > max) max = a[t];
      e = { a, median: Number.isFinite(med) && med > 0 ? med : 1, max };
      this.cache.set(key, e);
    }
    return e;
  }
}

/** Hill(a; k, s) into out (x <= 0 -> 0), as transforms.ts hillSaturation. */
function hillInto(a: Float64Array, k: number, s: number, out: Float64Array): void {
  for (let t = 0; t < a.length; t++) {
    const v = a[t];
    if (v <= 0) out[t] = 0;
    else {
      // Math.pow(x, 1) === x, so skipping it for s = 1 changes no bit.
      const r = s === 1 ? v / k : Math.pow(v / k, s);
      out[t] = r / (1 + r);
    }
  }
}

/** Mean of the inner folds' R², summed in order as GroupScorer.score sums them. */
function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/**
 * True when `after` beats `before` on the same inner folds by more than one standard error of the
 * foldwise gains (mean gain > sd / sqrt(n)): the one-standard-error rule applied to the paired gains.
 */
export function clearGain(after: readonly number[], before: readonly number[]): boolean {
  const n = after.length;
  if (n < 2 || before.length !== n) return false;
  const gains = after.map((r, k) => r - before[k]);
  const m = mean(gains);
  let ss = 0;
  for (const g of gains) ss += (g - m) ** 2;
  return m > Math.sqrt(ss / (n - 1) / n);
}

function sameTriple(a: Triple, b: Triple): boolean {
  return a.decay === b.decay && a.kMult === b.kMult && a.s === b.s && a.lag === b.lag;
}

/** A channel's candidate lags, ascending, 0 always among them (MediaSearchOptions.lags). */
function lagCandidates(lags: MediaSearchOptions['lags'], channel: string): number[] {
  const given =
    lags === undefined
      ? []
      : Array.isArray(lags)
        ? lags
        : ((lags as Readonly<Record<string, readonly number[]>>)[channel] ?? []);
  for (const l of given) {
    if (!(l >= 0 && Number.isFinite(l))) {
      throw new RangeError(`search lags must be finite numbers >= 0 (got ${l} for ${channel})`);
    }
  }
  return [...new Set([0, ...given])].sort((a, b) => a - b);
}

function checkInt(name: string, v: number, min: number): void {
  if (!(Number.isInteger(v) && v >= min)) {
    throw new RangeError(`${name} must be an integer >= ${min} (got ${v})`);
  }
}

/**
 * Searches decay, k_mult and s of every channel on rows [0, trainEnd) of the series (see the
 * module comment for the algorithm). Returns the chosen parameters with k in spend units.
 */
export function searchMediaParams(
  series: TenantSeries,
  trainEnd: number,
  options: MediaSearchOptions = {},
): MediaSearchResult {
  const innerFolds = options.innerFolds ?? 3;
  const gap = options.gap ?? 0;
  const alpha = options.alpha ?? 1;
  const sweeps = options.sweeps ?? 2;
  // Many channels, blocked scheme (the phase-3 fold models): a cheaper search, measured in
  // docs/modeling.md (Many channels).
  const manyBlocked =
    options.scheme === 'blocked' && series.channels.length > JOINT_SEARCH_MAX_CHANNELS;
  const refineRounds = options.refineRounds ?? (manyBlocked ? MANY_CHANNEL_REFINE_ROUNDS : 2);
  const laterSweep =
    options.laterSweepCandidates ??
    (options.scheme === 'blocked' ? LATER_SWEEP_CANDIDATES : Number.POSITIVE_INFINITY);
  checkInt('sweeps', sweeps, 0);
  checkInt('refineRounds', refineRounds, 0);
  if (laterSweep !== Number.POSITIVE_INFINITY) checkInt('laterSweepCandidates', laterSweep, 1);
  checkSearchBasics(series, trainEnd, innerFolds, gap, alpha, options);
  const T = trainEnd;
  const C = series.channels.length;
  const scorerOptions = { ...options, innerFolds, gap, alpha };
  const makeScorerOf = scorerFactory(series, T, scorerOptions);
  const scorer = makeScorerOf(null);
  const joint = C <= JOINT_SEARCH_MAX_CHANNELS;
  // The reduced expanding search keeps its grid candidates' design-only work in the cache given
  // (the bootstrap replicates share one); given none, it keeps its grid candidates in slabs as the
  // reduced blocked search does (SavedGrid: its second sweep scores the grid again, summing only
  // the co-moments with the channels that moved since; the same sums, so the same bits). Until
  // session 55 it kept them in a SearchTrialCache of its own: about 13 KB allocated per
  // candidate and every co-moment with the other channels and the target summed again.
  const reducedCached = !joint && !makeScorerOf.fastTrials;
  const ownGrid = reducedCached && !options.trialCache && options.reuseTrials !== false;
  const trialCache = joint || reducedCached ? options.trialCache : undefined;
  trialCache?.bind(
    series,
    JSON.stringify([
      T,
      innerFolds,
      gap,
      alpha,
      options.scheme ?? null,
      options.blocks ?? null,
      options.weather ?? null,
      options.calendar ?? true,
      options.controls ?? true,
      options.dropTerms ?? null,
      options.lags ?? null,
    ]),
  );
  const newCaches = (): AdstockCache[] => series.spend.map((s) => new AdstockCache(s, T));
  const caches = trialCache ? trialCache.adstock(newCaches) : newCaches();
  const h = new Float64Array(T);
  const current: Triple[] = series.channels.map((name) => {
    const p: Pick<ChannelParams, 'decay' | 'k_mult' | 's' | 'lag'> =
      options.start?.[name] ?? SEARCH_START;
    return {
      decay: tidy(clamp(p.decay, DECAY_BOUNDS)),
      kMult: tidy(clamp(p.k_mult, K_MULT_BOUNDS)),
      s: tidy(clamp(p.s, SHAPE_BOUNDS)),
      lag: p.lag ?? 0,
    };
  });
  const transformed = (c: number, p: Triple, out: Float64Array): Float64Array => {
    const e = caches[c].get(p.decay, p.lag);
    hillInto(e.a, p.kMult * e.median, p.s, out);
    return out;
  };
  /**
   * A candidate whose half-saturation point lies beyond the largest adstocked training spend is
   * skipped: there the Hill curve is a power x^s that never bends inside the data, and with s > 1
   * it extrapolates convexly, so a burst after the window gets an unbounded effect.
   */
  const inRange = (c: number, p: Triple): boolean => {
    const e = caches[c].get(p.decay, p.lag);
    return e.max <= 0 || p.kMult * e.median <= e.max;
  };
  /**
   * Candidate p of channel c into the scorer's trial buffers; with the trial cache, its kept
   * co-moments read back (`pairs`: also those with the other channels' groups at their current
   * points, which must then be the scorer's committed columns).
   */
  const setTrial = (c: number, p: Triple, pairs = true): void => {
    if (!trialCache) {
      scorer.trial(c, transformed(c, p, h));
      return;
    }
    const key = pointKeyOf(c, p);
    const saved = trialCache.get(key);
    const pairKey = (c2: number): string => `${key}>${pointKeyOf(c2, current[c2])}`;
    if (saved) {
      scorer.restoreTrial(
        c,
        saved,
        pairs
          ? {
              get: (c2) => trialCache.getPair(pairKey(c2)),
              set: (c2, kept) => trialCache.setPair(pairKey(c2), kept),
            }
          : undefined,
      );
    } else {
      scorer.trial(c, transformed(c, p, h));
      trialCache.set(key, scorer.trialSnapshot());
      if (pairs) {
        for (let c2 = 0; c2 < C; c2++)
          if (c2 !== c) trialCache.setPair(pairKey(c2), scorer.trialPair(c2));
      }
    }
  };
  for (let c = 0; c < C; c++) {
    if (trialCache && joint) {
      // The later channels' columns are not loaded yet: no co-moments with them are kept.
      setTrial(c, current[c], false);
      scorer.commit(c);
    } else scorer.load(c, transformed(c, current[c], h));
  }
  scorer.computeAllMoments();
  let best = scorer.score(null);
  const startR2 = best;
  let candidates = 1;

  /** Scores the candidates of channel c, commits the best if it beats the current score. */
  const visitJoint = (c: number, cands: Triple[]): boolean => {
    let bestCand: Triple | null = null;
    let bestScore = best;
    const cur = current[c];
    if (scorer.fastTrials) {
      // Candidates are scored through the Schur complement of the group: the current point is
      // scored the same way, so that a candidate with the same columns (a channel without spend)
      // ties with it exactly instead of differing in the last digit.
      setTrial(c, cur);
      bestScore = scorer.score(c);
    }
    for (const cand of cands) {
      if (sameTriple(cand, cur)) continue;
      if (!inRange(c, cand)) continue;
      setTrial(c, cand);
      const sc = scorer.score(c);
      candidates++;
      if (sc > bestScore) {
        bestScore = sc;
        bestCand = cand;
      }
    }
    if (bestCand === null) return false;
    setTrial(c, bestCand);
    scorer.commit(c);
    current[c] = bestCand;
    best = bestScore;
    return true;
  };

  /**
   * Many channels: channel c's candidates are scored on a reduced design (the fixed columns, the
   * other channels' current transformed spend as one column each, and channel c's full group), so
   * a candidate costs the same whatever the number of channels (see JOINT_SEARCH_MAX_CHANNELS).
   */
  /**
   * Fast path: one reduced scorer for the whole search, holding every channel's current
   * transformed spend as one fixed column, the visited channel's column zero. A zero column gets
   * a zero coefficient and adds exact zeros to every other sum, so this scores exactly as the
   * design without that column, and a visit updates two columns instead of rebuilding the
   * moments of all of them.
   */
  let shared: GroupScorer | null = null;
  let zeroed = -1;
  const sharedScorerFor = (c: number): GroupScorer => {
    if (shared === null) {
      const columns = series.channels.map((_, j) =>
        j === c ? new Float64Array(T) : transformed(j, current[j], new Float64Array(T)),
      );
      shared = makeScorerOf(columns);
      shared.computeAllMoments();
    } else if (zeroed !== c) {
      const first = shared.fixedColumns - C;
      shared.setFixedColumn(first + zeroed, transformed(zeroed, current[zeroed], h));
      shared.setFixedColumn(first + c, new Float64Array(T));
    }
    if (zeroed !== c) shared.setZeroCoordinate(shared.fixedColumns - C + c);
    zeroed = c;
    return shared;
  };

  /**
   * Fast path: what scoring a grid candidate of channel c needs that the other channels' columns
   * do not change (its transformed spend, its co-moments with the fixed columns, the target and
   * its own group, and the fixed-column part of its Schur solve), kept from one sweep to the next,
   * where the same candidates are scored again against the other channels' new columns. Only the
   * co-moments with the columns of channels that moved since and the rest of the solve are then
   * computed, the same sums in the same order: the scores are the same to the bit.
   */
  const saved: (SavedGrid | null)[] = series.channels.map(() => null);
  /** How many times each channel's current point has changed. */
  const channelMoves = new Int32Array(C);
  /** Scratch: the shared scorer's coordinates of the channels that moved since a save. */
  const movedCoords = new Int32Array(C);

  /**
   * Reduced expanding search: candidate `cand` of channel c into the trial buffers of its
   * visit's scorer, its design-only work read from the trial cache when there (grid candidates
   * are kept: the next sweep and the other replicates of the design score them again).
   */
  const reducedTrial = (local: GroupScorer, c: number, cand: Triple, kept: boolean): void => {
    if (!trialCache) {
      local.trial(0, transformed(c, cand, h));
      return;
    }
    const key = pointKeyOf(c, cand);
    const hit = trialCache.getReduced(key);
    const stable = local.fixedColumns - (C - 1);
    if (hit) local.restoreReduced(hit, stable, visitPairs ?? undefined);
    else {
      local.trial(0, transformed(c, cand, h));
      if (kept)
        trialCache.setReduced(key, local.reducedSnapshot(h, stable, visitPairs ?? undefined));
    }
  };
  /** The other channels' points of the current reduced visit (reducedTrial's kept pairs). */
  let visitPairs: ReducedPairs | null = null;
  const keepPair = (): boolean => trialCache?.keepReducedPair() ?? false;
  const countReads = (count: number): void => {
    if (trialCache) trialCache.pairReads += count;
  };

  /**
   * Reduced expanding search: channel j's transformed spend at its current point, kept until the
   * channel moves (each visit reads every other channel's; scorers copy, never write, it).
   */
  const currentColumns: ({ at: Triple; column: Float64Array } | null)[] = series.channels.map(
    () => null,
  );
  const currentColumn = (j: number): Float64Array => {
    const kept = currentColumns[j];
    if (kept?.at === current[j]) return kept.column;
    const column = transformed(j, current[j], new Float64Array(T));
    currentColumns[j] = { at: current[j], column };
    return column;
  };

  /**
   * Reduced expanding search: one scorer for the whole search. A visit of channel c holds the
   * other channels' current columns in order as fixed columns and c's group at its current
   * point; from one visit to the next only the columns that differ are replaced (setFixedColumn,
   * then the group by trial and commit), each co-moment the same sum of the same centred columns
   * as a fresh scorer's computeAllMoments, so the scores are the same to the bit.
   */
  let reducedScorer: GroupScorer | null = null;
  let slotColumns: Float64Array[] = [];
  const reducedScorerFor = (c: number, others: Float64Array[]): GroupScorer => {
    if (options.reuseTrials === false) {
      // The reference: a fresh scorer per visit (tests/search-fast-path.test.ts).
      const fresh = makeScorerOf(others);
      fresh.load(0, transformed(c, current[c], h));
      fresh.computeAllMoments();
      return fresh;
    }
    if (reducedScorer === null) {
      reducedScorer = makeScorerOf(others);
      reducedScorer.load(0, transformed(c, current[c], h));
      reducedScorer.computeAllMoments();
      slotColumns = others;
      return reducedScorer;
    }
    const first = reducedScorer.fixedColumns - (C - 1);
    for (let i = 0; i < C - 1; i++) {
      if (slotColumns[i] === others[i]) continue;
      reducedScorer.setFixedColumn(first + i, others[i]);
      slotColumns[i] = others[i];
    }
    reducedScorer.trial(0, transformed(c, current[c], h));
    reducedScorer.commit(0);
    return reducedScorer;
  };

  const visitReduced = (
    c: number,
    cands: Triple[],
    keep: 'none' | 'save' | 'use',
    isGrid: boolean,
    slots: readonly number[] | null,
  ): boolean => {
    let local: GroupScorer;
    let base: number;
    const fastTrials = makeScorerOf.fastTrials;
    if (fastTrials) {
      // The group's coordinates stay zero in the committed moments: every score, the current
      // point's included, comes from the Schur-complement path (see visitJoint).
      local = sharedScorerFor(c);
      local.trial(0, transformed(c, current[c], h));
      base = local.score(0);
    } else {
      const others: Float64Array[] = [];
      for (let j = 0; j < C; j++) if (j !== c) others.push(currentColumn(j));
      // Only a cache shared by searches of one design (the bootstrap replicates) keeps the pairs:
      // a search's own cache meets the same points of the other channels too rarely (a 15-channel
      // point fit measured about 10% slower with them).
      if (reducedCached && trialCache && options.trialCache) {
        const ids = new Int32Array(C - 1);
        for (let j = 0, i = 0; j < C; j++)
          if (j !== c) ids[i++] = trialCache.pointId(pointKeyOf(j, current[j]));
        visitPairs = { ids, canKeep: keepPair, read: countReads };
      }
      local = reducedScorerFor(c, others);
      base = local.score(null);
    }
    let bestCand: Triple | null = null;
    let bestScore = base;
    const cur = current[c];
    for (let i = 0; i < cands.length; i++) {
      const cand = cands[i];
      if (sameTriple(cand, cur)) continue;
      if (!inRange(c, cand)) continue;
      let sc: number;
      let slab = keep === 'none' ? null : saved[c];
      if (keep === 'save' && slab === null) {
        slab = new SavedGrid(grid.length, T, local, local.fixedColumns - C, C, fastTrials);
        saved[c] = slab;
      }
      // The candidate's place in the grid: where its saved work and its latest score live.
      const slot = slots ? slots[i] : i;
      if (slab?.has[slot]) {
        // Offsets into the slabs (no views: this runs once per candidate).
        const seen = slab.seen;
        const at = slot * C;
        // Channel j's column in the scorer: the shared scorer holds every channel's (first + j),
        // the expanding one the others' in channel order (one less after c). The target is the
        // same for the whole search.
        const first = fastTrials ? local.fixedColumns - C : local.fixedColumns - (C - 1);
        let n = 0;
        for (let j = 0; j < C; j++) {
          if (j !== c && seen[at + j] !== channelMoves[j])
            movedCoords[n++] = first + (fastTrials || j < c ? j : j - 1);
        }
        const coAt = slot * slab.coLength;
        local.trialFrom(0, slab.h, slab.co, movedCoords, slot * T, coAt, n);
        if (keep === 'save') {
          local.saveTrialCo(slab.co, coAt);
          seen.set(channelMoves, at);
        }
        sc = fastTrials ? local.score(0, slab.schur[slot]) : local.score(0);
      } else if (keep === 'save' && slab) {
        const hc = transformed(c, cand, slab.h.subarray(slot * T, (slot + 1) * T));
        local.trial(0, hc);
        local.saveTrialCo(slab.co, slot * slab.coLength);
        slab.seen.set(channelMoves, slot * C);
        slab.has[slot] = 1;
        if (fastTrials) {
          const schur = slab.schurFor(slot);
          slab.schur[slot] = schur;
          sc = local.score(0, schur);
        } else sc = local.score(0);
      } else {
        if (reducedCached) reducedTrial(local, c, cand, isGrid);
        else local.trial(0, transformed(c, cand, h));
        sc = local.score(0);
      }
      candidates++;
      if (isGrid) gridScores[c][slot] = Number.isNaN(sc) ? Number.NEGATIVE_INFINITY : sc;
      if (sc > bestScore) {
        bestScore = sc;
        bestCand = cand;
      }
    }
    if (bestCand === null) return false;
    current[c] = bestCand;
    channelMoves[c]++;
    return true;
  };
  const fastReduced = !joint && makeScorerOf.fastTrials && (options.reuseTrials ?? true);
  /** Grid visits: `slots` are the visited candidates' places in the grid (null: all of it). */
  const visit = (
    c: number,
    cands: Triple[],
    keep: 'none' | 'save' | 'use' = 'none',
    slots: readonly number[] | null = null,
  ): boolean =>
    joint
      ? visitJoint(c, cands)
      : visitReduced(c, cands, fastReduced || ownGrid ? keep : 'none', keep !== 'none', slots);

  const grid: Triple[] = [];
  for (const decay of DECAY_GRID)
    for (const kMult of K_MULT_GRID)
      for (const s of SHAPE_GRID) grid.push({ decay, kMult, s, lag: 0 });
  /** Reduced search: each grid candidate's latest score per channel (-Infinity: not scored). */
  const gridScores = joint
    ? []
    : series.channels.map(() => new Float64Array(grid.length).fill(Number.NEGATIVE_INFINITY));
  /**
   * Places in the grid of channel c's `laterSweep` best candidates by their latest scores, in grid
   * order (ties: the earlier place); null when that is the whole grid.
   */
  const laterSlots = (c: number): number[] | null => {
    if (joint || laterSweep >= grid.length) return null;
    const scores = gridScores[c];
    const ranked: number[] = [];
    for (let i = 0; i < grid.length; i++) if (scores[i] > Number.NEGATIVE_INFINITY) ranked.push(i);
    ranked.sort((a, b) => scores[b] - scores[a] || a - b);
    return ranked.slice(0, laterSweep).sort((a, b) => a - b);
  };
  // A channel's grid visit is skipped when no channel has moved since its last visit: the same
  // candidates against the same other columns give the same scores, so it could not move.
  // (Identical result to visiting, at 150 fewer scores per skipped visit.)
  let moves = 0;
  const lastVisit = new Array<number>(C).fill(-1);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let moved = false;
    for (let c = 0; c < C; c++) {
      if (lastVisit[c] === moves) continue;
      // Grid candidates are saved in every sweep but the last, and reused when scored again.
      const keep = sweep < sweeps - 1 ? 'save' : 'use';
      const slots = sweep > 0 ? laterSlots(c) : null;
      const didMove = slots
        ? visit(
            c,
            slots.map((i) => grid[i]),
            keep,
            slots,
          )
        : visit(c, grid, keep);
      if (sweep === sweeps - 1) {
        saved[c]?.release();
        saved[c] = null;
      }
      if (didMove) {
        moves++;
        moved = true;
      }
      lastVisit[c] = moves;
    }
    if (!moved) break;
  }
  for (const slab of saved) slab?.release();
  saved.length = 0;
  /**
   * `rounds` local rounds over `channels`. With `lagStep` > 0 a delayed channel's peak moves too,
   * by lagStep, then half as far (staying > 0: lag 0 is the geometric form); 0 keeps it, and
   * the candidates are then those of the geometric refinement, in the same order.
   */
  const refine = (rounds: number, channels: readonly number[], lagStep = 0): void => {
    for (let round = 0; round < rounds; round++) {
      const step = 0.05 / 2 ** round;
      const factor = 2 ** (0.5 / 2 ** round);
      for (const c of channels) {
        const cur = current[c];
        const local: Triple[] = [];
        const ls = cur.lag > 0 ? lagStep / 2 ** round : 0;
        const lagMoves = ls > 0 ? [-ls, 0, ls].filter((d) => cur.lag + d > 0) : [0];
        // A neighbour clamped onto a bound (decay 0 - step = 0) repeats an earlier one: the same
        // columns score the same, and only a strictly better score moves, so it is left out.
        const seen = new Set<string>();
        for (const dd of [-step, 0, step]) {
          for (const fk of [1 / factor, 1, factor]) {
            for (const fs of [1 / factor, 1, factor]) {
              for (const dl of lagMoves) {
                const cand = {
                  decay: tidy(clamp(cur.decay + dd, DECAY_BOUNDS)),
                  kMult: tidy(clamp(cur.kMult * fk, K_MULT_BOUNDS)),
                  s: tidy(clamp(cur.s * fs, SHAPE_BOUNDS)),
                  lag: tidy(cur.lag + dl),
                };
                const key = `${cand.decay}|${cand.kMult}|${cand.s}|${cand.lag}`;
                if (seen.has(key)) continue;
                seen.add(key);
                local.push(cand);
              }
            }
          }
        }
        visit(c, local);
      }
    }
  };
  const allChannels = series.channels.map((_, c) => c);
  refine(refineRounds, allChannels);
  /** Loads the current point of every channel into the joint scorer (its state after a reduced search). */
  const loadCurrent = (): void => {
    for (let c = 0; c < C; c++) scorer.load(c, transformed(c, current[c], h));
    scorer.computeAllMoments();
  };
  if (!joint) {
    // The reported score is the joint design's, as in the joint search.
    loadCurrent();
    best = scorer.score(null);
    candidates++;
  }
  const lagSets = series.channels.map((name) =>
    lagCandidates(options.lags, name).filter((l) => l > 0),
  );
  if (lagSets.some((l) => l.length > 0)) {
    // Delayed carry-over (docs/modeling.md, "Delayed carry-over"), from the geometric result A:
    // per channel, its candidate lags (the peak of the peaked adstock) are scanned on a coarse
    // (decay, k_mult, s) grid (LAG_SCAN_SHAPES); a channel that moves to a lag then scores the
    // decay grid at its point and the coarse (decay, k_mult, s) grid at that lag, and
    // LAG_REFINE_ROUNDS refinement round(s) follow, which move its peak too (fractional
    // peaks). The lagged result B is kept only where its gain over A on the inner folds exceeds one standard error of the
    // foldwise gains (the one-standard-error rule on the paired gains): otherwise A, exactly as
    // without lags. Why not lags x the whole grid in the sweeps: that scored 6x the candidates
    // for the same inner scores to 0.003 (docs/modeling.md).
    const geometric = current.slice();
    const geometricBest = best;
    const geometricFolds = scorer.scoresByFold();
    const lagged: number[] = [];
    for (let c = 0; c < C; c++) {
      if (lagSets[c].length === 0) continue;
      const scan: Triple[] = [];
      for (const lag of lagSets[c])
        for (const decay of LAG_SCAN_DECAYS)
          for (const kMult of LAG_SCAN_K_MULTS)
            for (const s of LAG_SCAN_SHAPES) scan.push({ decay, kMult, s, lag });
      if (!visit(c, scan)) continue;
      lagged.push(c);
      const at = current[c];
      const local: Triple[] = [];
      for (const decay of DECAY_GRID) local.push({ ...at, decay });
      for (const decay of LAG_SCAN_DECAYS)
        for (const kMult of LAG_SCAN_K_MULTS)
          for (const s of SHAPE_GRID) local.push({ decay, kMult, s, lag: at.lag });
      visit(c, local);
    }
    if (lagged.length > 0) {
      refine(LAG_REFINE_ROUNDS, lagged, LAG_REFINE_STEP);
      // The joint search's scorer holds the committed points; the reduced one's is loaded.
      if (!joint) loadCurrent();
      const folds = scorer.scoresByFold();
      candidates++;
      if (clearGain(folds, geometricFolds)) best = mean(folds);
      else {
        for (let c = 0; c < C; c++) current[c] = geometric[c];
        best = geometricBest;
      }
    }
  }
  const params: Record<string, ChannelParams> = {};
  series.channels.forEach((name, c) => {
    const p = current[c];
    const e = caches[c].get(p.decay, p.lag);
    params[name] = { decay: p.decay, k_mult: p.kMult, k: p.kMult * e.median, s: p.s };
    // Absent when 0, so geometric parameters read and print as before.
    if (p.lag !== 0) params[name].lag = p.lag;
  });
  return { params, innerR2: best, startR2, candidates };
}

/** The scorer of rows [0, T) with the fixed columns loaded (channel groups not yet set). */
function makeScorer(
  series: TenantSeries,
  T: number,
  options: MediaSearchOptions & { innerFolds: number; gap: number; alpha: number },
): GroupScorer {
  return scorerFactory(series, T, options)(null);
}

/**
 * Builds the fixed columns of rows [0, T) once and returns a maker of scorers: the joint design
 * (others null) or a reduced design with the given other-channel columns appended to the fixed
 * ones (one group). The reduced search makes one scorer per channel visit.
 */
function scorerFactory(
  series: TenantSeries,
  T: number,
  options: MediaSearchOptions & { innerFolds: number; gap: number; alpha: number },
): ((others: readonly Float64Array[] | null) => GroupScorer) & { fastTrials: boolean } {
  // A gap between training and validation rows is the user's: the expanding scheme keeps it.
  const scheme = options.scheme ?? (options.gap > 0 ? 'expanding' : DEFAULT_SCHEME);
  const blocks = scheme === 'blocked' ? (options.blocks ?? DEFAULT_BLOCKS) : null;
  // Weather and controls constant on rows [0, T) are left out with their terms (features.ts
  // variedWeatherNames, support.ts constantTerms), and so are controls that move on one row only
  // (support.ts movesOnOneRow), as the window's model leaves them out.
  const weatherNames = variedWeatherNames(series, options.weather, T);
  const weather = weatherNames.map((w) => modelWeatherColumn(series, w));
  // Fixed columns on training rows only (the calendar trend stays t / n, as buildDesign).
  const fixed: Float64Array[] = [];
  for (const w of weather) fixed.push(w.subarray(0, T));
  for (const w of weather) {
    const sq = new Float64Array(T);
    for (let t = 0; t < T; t++) sq[t] = w[t] * w[t];
    fixed.push(sq);
  }
  if (options.temperatureHinges ?? false)
    for (const h of temperatureHingeColumns(series, weatherNames).columns)
      if (hingeSupport(h, T) >= MIN_HINGE_ROWS) fixed.push(h.subarray(0, T));
  if (options.controls ?? true)
    for (const c of series.controls)
      if (!constantOnRows(c, T) && !movesOnOneRow(c, T)) fixed.push(c.subarray(0, T));
  if (options.calendar ?? true) {
    const cal = calendarColumns(series.dates, series.frequency === 'daily');
    const drop = new Set(options.dropTerms ?? []);
    cal.columns.forEach((c, i) => {
      if (!drop.has(cal.names[i])) fixed.push(c.subarray(0, T));
    });
  }
  const make = (others: readonly Float64Array[] | null): GroupScorer =>
    new GroupScorer(
      others ? [...fixed, ...others] : fixed,
      weather,
      others ? 1 : series.channels.length,
      series.target,
      T,
      options.innerFolds,
      options.gap,
      options.alpha,
      blocks,
      options.fastTrials ?? true,
      options.expandingTrials ?? true,
    );
  return Object.assign(make, { fastTrials: blocks !== null && (options.fastTrials ?? true) });
}

/**
 * The search's inner-CV score (mean inner-fold R² of Ridge at the search alpha) of given
 * parameters on rows [0, trainEnd); exposed so tests can check it against a direct refit.
 */
export function scoreMediaParams(
  series: TenantSeries,
  trainEnd: number,
  params: Readonly<Record<string, Pick<ChannelParams, 'decay' | 'k_mult' | 's' | 'lag'>>>,
  options: MediaSearchOptions = {},
): number {
  const scorer = makeScorer(series, trainEnd, {
    ...options,
    innerFolds: options.innerFolds ?? 3,
    gap: options.gap ?? 0,
    alpha: options.alpha ?? 1,
  });
  const h = new Float64Array(trainEnd);
  series.channels.forEach((name, c) => {
    const p = params[name];
    if (!p) throw new RangeError(`no parameters for channel ${name}`);
    const e = new AdstockCache(series.spend[c], trainEnd).get(p.decay, p.lag ?? 0);
    hillInto(e.a, p.k_mult * e.median, p.s, h);
    scorer.load(c, h);
  });
  scorer.computeAllMoments();
  return scorer.score(null);
}

/**
 * The search's inner-CV scores of candidates for one channel, the other channels held at
 * `params`, scored as a coordinate step of the joint search scores them (the Schur-complement
 * path unless options.fastTrials is false); exposed so tests can hold the two paths together.
 */
export function scoreChannelCandidates(
  series: TenantSeries,
  trainEnd: number,
  params: Readonly<Record<string, Pick<ChannelParams, 'decay' | 'k_mult' | 's' | 'lag'>>>,
  channel: string,
  candidates: readonly Pick<ChannelParams, 'decay' | 'k_mult' | 's' | 'lag'>[],
  options: MediaSearchOptions = {},
): number[] {
  const scorer = makeScorer(series, trainEnd, {
    ...options,
    innerFolds: options.innerFolds ?? 3,
    gap: options.gap ?? 0,
    alpha: options.alpha ?? 1,
  });
  const c = series.channels.indexOf(channel);
  if (c < 0) throw new RangeError(`unknown channel ${channel}`);
  const h = new Float64Array(trainEnd);
  const load = (i: number, p: Pick<ChannelParams, 'decay' | 'k_mult' | 's' | 'lag'>): void => {
    const e = new AdstockCache(series.spend[i], trainEnd).get(p.decay, p.lag ?? 0);
    hillInto(e.a, p.k_mult * e.median, p.s, h);
    scorer.trial(i, h);
  };
  series.channels.forEach((name, i) => {
    const p = params[name];
    if (!p) throw new RangeError(`no parameters for channel ${name}`);
    load(i, p);
    scorer.commit(i);
  });
  scorer.computeAllMoments();
  return candidates.map((p) => {
    load(c, p);
    return scorer.score(c);
  });
}

/**
 * The options every media search reads (inner folds, gap, blocks, alpha) and its training end,
 * checked alike for the per-channel and the shared search: a RangeError naming the bad one.
 */
function checkSearchBasics(
  series: TenantSeries,
  trainEnd: number,
  innerFolds: number,
  gap: number,
  alpha: number,
  options: MediaSearchOptions,
): void {
  checkInt('innerFolds', innerFolds, 2);
  checkInt('gap', gap, 0);
  checkInt('blocks', options.blocks ?? DEFAULT_BLOCKS, 2);
  if (!(Number.isFinite(alpha) && alpha > 0)) {
    throw new RangeError(`search alpha must be a finite number > 0 (got ${alpha})`);
  }
  const n = series.target.length;
  if (!(Number.isInteger(trainEnd) && trainEnd >= 1 && trainEnd <= n)) {
    throw new RangeError(`trainEnd must be an integer in 1..${n} (got ${trainEnd})`);
  }
}

/**
 * Whether a search on this series may fit one media shape shared by the channels
 * (searchSharedMediaParams): weekly data only, and not where delays are offered (`lags` with a
 * delay > 0, as a list or per channel), since the shared search is geometric only. The one rule
 * of the weekly fold models (ladder.ts weeklySharedMedia) and the all-rows model (final.ts
 * allRowsSharedMedia).
 */
export function sharedMediaShapeFits(
  series: TenantSeries,
  lags: MediaSearchOptions['lags'] = [],
): boolean {
  const lists: (readonly number[])[] = Array.isArray(lags)
    ? [lags as readonly number[]]
    : Object.values(lags as Readonly<Record<string, readonly number[]>>);
  return series.frequency === 'weekly' && !lists.some((l) => l.some((x) => x > 0));
}

/** Local refinement of searchSharedMediaParams: decay +- step, k_mult and s x factor^(+-1). */
const SHARED_REFINE_STEPS: readonly (readonly [number, number])[] = [
  [0.05, Math.SQRT2],
  [0.025, 2 ** 0.25],
];

/**
 * One decay, k_mult and Hill shape shared by every channel (each channel's k is k_mult x its own
 * median adstocked training spend), searched on rows [0, trainEnd) by the inner-CV score of
 * searchMediaParams: the full grid DECAY_GRID x K_MULT_GRID x SHAPE_GRID (candidates whose k lies
 * beyond a channel's largest adstocked training spend skipped, as there), then two local rounds
 * around the best (decay +- 0.05, then 0.025; k_mult and s x 2^(+-1/2), then 2^(+-1/4)).
 * Deterministic: fixed order, strict improvement, first best on ties. Geometric carry-over only
 * (options.lags, sweeps, refineRounds and the speed options are not read).
 * Why (the weekly fold models, ladder.ts weeklySharedMedia): 3 searched numbers instead of 3 per
 * channel on 52-150 weekly rows. With correlated channels the per-channel search fits the inner
 * folds' noise: on 33 weekly dev tenants the adstock/Hill model's mean fold R² rose 0.466 -> 0.509
 * and on 80 others 0.408 -> 0.461 (docs/modeling.md, "Weekly phase 3: one shared media shape").
 */
export function searchSharedMediaParams(
  series: TenantSeries,
  trainEnd: number,
  options: MediaSearchOptions = {},
): MediaSearchResult {
  const innerFolds = options.innerFolds ?? 3;
  const gap = options.gap ?? 0;
  const alpha = options.alpha ?? 1;
  checkSearchBasics(series, trainEnd, innerFolds, gap, alpha, options);
  const T = trainEnd;
  const scorer = scorerFactory(series, T, { ...options, innerFolds, gap, alpha })(null);
  const caches = series.spend.map((s) => new AdstockCache(s, T));
  const h = new Float64Array(T);
  const inRange = (p: Triple): boolean =>
    caches.every((cache) => {
      const e = cache.get(p.decay, 0);
      return e.max <= 0 || p.kMult * e.median <= e.max;
    });
  let candidates = 0;
  const scoreOf = (p: Triple): number => {
    caches.forEach((cache, c) => {
      const e = cache.get(p.decay, 0);
      hillInto(e.a, p.kMult * e.median, p.s, h);
      scorer.load(c, h);
    });
    scorer.computeAllMoments();
    candidates++;
    return scorer.score(null);
  };
  let at: Triple = {
    decay: SEARCH_START.decay,
    kMult: SEARCH_START.k_mult,
    s: SEARCH_START.s,
    lag: 0,
  };
  let best = scoreOf(at);
  const startR2 = best;
  const visit = (list: readonly Triple[]): void => {
    for (const p of list) {
      if (sameTriple(p, at) || !inRange(p)) continue;
      const v = scoreOf(p);
      if (v > best) {
        best = v;
        at = p;
      }
    }
  };
  const grid: Triple[] = [];
  for (const decay of DECAY_GRID)
    for (const kMult of K_MULT_GRID)
      for (const s of SHAPE_GRID) grid.push({ decay, kMult, s, lag: 0 });
  visit(grid);
  for (const [step, factor] of SHARED_REFINE_STEPS) {
    const c0 = at;
    const local: Triple[] = [];
    for (const dd of [-step, 0, step])
      for (const kf of [1 / factor, 1, factor])
        for (const sf of [1 / factor, 1, factor])
          local.push({
            decay: tidy(clamp(c0.decay + dd, DECAY_BOUNDS)),
            kMult: tidy(clamp(c0.kMult * kf, K_MULT_BOUNDS)),
            s: tidy(clamp(c0.s * sf, SHAPE_BOUNDS)),
            lag: 0,
          });
    visit(local);
  }
  const params: Record<string, ChannelParams> = {};
  series.channels.forEach((name, c) => {
    const e = caches[c].get(at.decay, 0);
    params[name] = { decay: at.decay, k_mult: at.kMult, k: at.kMult * e.median, s: at.s };
  });
  return { params, innerR2: best, startR2, candidates };
}
