/**
 * How far a plan over many channels may move from baseline (a): the James-Stein shrinkage of the
 * channels' marginal returns (docs/planner.md, "Many channels: the step no larger than the signal
 * in the channels' marginal returns"). A plan moves budget from the channels whose marginal ROAS
 * at (a) the model puts lowest to those it puts highest, and with many channels the extremes are
 * partly the estimates' noise (the optimizer's curse): over 24 generated tenants of 8-15 channels
 * the model put the loss of the plans' cuts at a third of what they lost under the truth. With
 * K >= 4 channels the positive-part James-Stein estimator toward the spend-weighted mean (Efron &
 * Morris 1973, toward an estimated mean: B = min(1, (K - 3) sigma^2 / sum_c (m_c - mean)^2),
 * sigma^2 the mean over the channels of the variance of m_c over the plan model's refits) has a
 * lower total squared error than the channels' own estimates; 1 - B is the share of the channels'
 * spread in marginal return that is signal, and the plan goes at most that share of the way from
 * (a) to the model's optimum (rounded to the trust region's 5% steps). With fewer than 4 channels
 * (every 2-channel tenant) no cap. sigma^2 is the refits' variance times PLAN_NOISE_INFLATION: the
 * refits share the model's estimator, and on generated tenants of many channels its errors are
 * larger than their spread.
 */
import { columnVariances, JAMES_STEIN_MIN, jamesStein } from '../core/james-stein.js';
import { evaluateResponse, type SeparableResponse } from './response.js';

/** Least channels in the pool for the James-Stein estimator (K - 3 > 0). */
export const MIN_SHRINK_CHANNELS = JAMES_STEIN_MIN;

/**
 * How much larger the squared error of the model's marginal ROAS at (a) is than its variance over
 * the plan model's refits (sigma^2 of the estimator is this times the refits' variance). Calibrated
 * on generated tenants, as the intervals' width scales are (phases/intervals.ts): 16 tenants of
 * 8-15 daily channels, correlation 0.3-0.6, 2-3 years (seeds 4101, 4103, 4107, 4109; 180
 * channels), z = ((m_c - mean m) - (true_c - mean true)) / sd of m_c over the refits: mean z^2
 * 1.78, median z^2 / median of chi-square(1) 1.71. Checked on 16 other tenants (seeds 4201-4209):
 * 1.40 and 1.26. The refits start from the model's curves and share its estimator, so a split of
 * credit between correlated channels that the data cannot show is in every one of them.
 * docs/planner.md "Many channels: the refits' noise inflated".
 */
export const PLAN_NOISE_INFLATION = 1.75;

export interface MarginalShrinkage {
  /**
   * Channels in the pool: spend at (a), a positive marginal ROAS there (a channel the model has
   * losing money at the margin is the losing-channels rule's, plan.ts) and not pinned.
   */
  pool: string[];
  /** Shrinkage factor B in [0, 1] (0: the model's own marginals, 1: all at the mean). */
  factor: number;
  /** Spend-weighted mean marginal ROAS at (a) over the pool. */
  mean: number;
  /** The plan's step from (a) towards the model's optimum is at most this: 1 - factor. */
  maxStep: number;
  /** sigma^2 = this times the refits' variance (PLAN_NOISE_INFLATION unless given). */
  inflation: number;
  /**
   * Per channel (every channel, in the pool or not), the marginal ROAS at (a) and its shrunk
   * estimate (1 - B) m_c + B mean.
   */
  marginal: number[];
  shrunk: number[];
}

/** Marginal ROAS of each channel at `at` along a proportional increase of its spend. */
export function marginalAt(r: SeparableResponse, at: readonly Float64Array[]): number[] {
  const g = evaluateResponse(r, at, true).gradient!;
  return at.map((x, c) => {
    let num = 0;
    let den = 0;
    for (let t = 0; t < x.length; t++) {
      num += g[c][t] * x[t];
      den += x[t];
    }
    return den > 0 ? num / den : 0;
  });
}

/**
 * The James-Stein shrinkage of the channels' marginal ROAS at `at` (baseline (a) at the historical
 * budget) toward their spend-weighted mean, sigma^2 = `inflation` x their variance over the
 * replicates. Null when fewer than MIN_SHRINK_CHANNELS channels qualify or fewer than 2
 * replicates.
 */
export function marginalShrinkage(
  r: SeparableResponse,
  replicates: readonly SeparableResponse[],
  at: readonly Float64Array[],
  excluded: readonly boolean[] = [],
  inflation = PLAN_NOISE_INFLATION,
): MarginalShrinkage | null {
  if (replicates.length < 2 || r.channels.length < MIN_SHRINK_CHANNELS) return null;
  const m = marginalAt(r, at);
  const spend = at.map((x) => x.reduce((a, b) => a + b, 0));
  const pool = m.map((_, c) => c).filter((c) => !excluded[c] && spend[c] > 0 && m[c] > 0);
  if (pool.length < MIN_SHRINK_CHANNELS) return null;
  const reps = replicates.map((q) => marginalAt(q, at));
  const variances = columnVariances(reps, m.length);
  const js = jamesStein(
    pool.map((c) => m[c]),
    pool.map((c) => inflation * variances[c]),
    pool.map((c) => spend[c]),
  );
  if (!js) return null;
  return {
    pool: pool.map((c) => r.channels[c]),
    factor: js.factor,
    maxStep: 1 - js.factor,
    inflation,
    mean: js.mean,
    marginal: m,
    shrunk: m.map((v) => (1 - js.factor) * v + js.factor * js.mean),
  };
}

/**
 * The pinned channels (gain not positive under the model) whose shrunk marginal ROAS at (a),
 * (1 - B) m_c + B mean, is positive: with K >= 4 channels the model's estimate at or below zero is
 * one of K noisy ones, and the plan treats the channel as the others (its step capped by 1 - B)
 * instead of holding it at its lower bound.
 */
export function unpinnedByShrinkage(s: MarginalShrinkage, pinned: readonly boolean[]): boolean[] {
  return pinned.map((p, c) => p && s.shrunk[c] > 0);
}
