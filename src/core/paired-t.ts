/**
 * One-sided paired Student's t-test (the textbook test; p-value from @stdlib's t CDF) and the
 * Student t quantile it needs for a confidence bound.
 */

import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export interface PairedTTest {
  /** Number of pairs. */
  n: number;
  /** Mean of the differences d_i = after_i - before_i. */
  mean_difference: number;
  /** Sample standard deviation of the differences (n - 1 in the denominator). */
  sd_difference: number;
  /** Standard error of the mean difference, sd / sqrt(n). */
  standard_error: number;
  /** t = mean(d) / (sd(d) / sqrt(n)); ±Infinity when every difference is equal and non-zero. */
  t: number;
  /** Degrees of freedom n - 1. */
  df: number;
  /** One-sided p-value for H1 "after < before": P(T_{n-1} <= t). */
  p_value: number;
}

/**
 * Paired t-test of H0 mean(after - before) >= 0 against H1 mean(after - before) < 0:
 * t = d̄ / (s_d / √n), df = n - 1, p = F_t(t; n - 1) (Student, 1908; e.g. NIST/SEMATECH
 * e-Handbook 7.3.1). When the differences have no spread (s_d = 0) the drop is exact, not noisy:
 * p = 0 for a negative d̄, p = 1 otherwise.
 * `zeroBelow`: differences of at most this size (absolute) count as 0. A caller whose values carry
 * no information below some size says so, or rounding-level shifts of the same size on every pair
 * (a column reorder moves an R² by 1e-15) would read as an exact drop with p = 0.
 */
export function pairedTTestLess(
  before: readonly number[],
  after: readonly number[],
  zeroBelow = 0,
): PairedTTest {
  if (before.length !== after.length) {
    throw new RangeError(
      `a paired test needs as many values after (${after.length}) as before (${before.length})`,
    );
  }
  const n = before.length;
  if (n < 2) throw new RangeError(`a paired t-test needs at least 2 pairs, got ${n}`);
  const raw = before.map((b, i) => after[i] - b);
  if (!raw.every(Number.isFinite)) throw new RangeError('paired values must be finite numbers');
  const d = raw.map((x) => (Math.abs(x) <= zeroBelow ? 0 : x));
  let sum = 0;
  for (const x of d) sum += x;
  const m = sum / n;
  let ss = 0;
  for (const x of d) ss += (x - m) * (x - m);
  const sd = Math.sqrt(ss / (n - 1));
  const se = sd / Math.sqrt(n);
  // Differences equal to within rounding carry no noise estimate: treat as exact.
  const exact = sd <= 1e-12 * Math.max(1, Math.abs(m));
  let t: number;
  let p: number;
  if (exact) {
    t = m < 0 ? Number.NEGATIVE_INFINITY : m > 0 ? Number.POSITIVE_INFINITY : 0;
    p = m < 0 ? 0 : 1;
  } else {
    t = m / se;
    p = tCdf(t, n - 1);
  }
  return {
    n,
    mean_difference: m,
    sd_difference: sd,
    standard_error: se,
    t,
    df: n - 1,
    p_value: p,
  };
}

/**
 * The Student t quantile: q with P(T_df <= q) = prob, for 0 < prob < 1 and df >= 1 (@stdlib's
 * inverse of the t CDF): the t table's figures, e.g. t(0.95, 4) = 2.131847, t(0.95, 1) = 6.313752.
 */
export function studentTQuantile(prob: number, df: number): number {
  if (!(prob > 0 && prob < 1)) throw new RangeError(`a quantile needs 0 < prob < 1, got ${prob}`);
  if (!(df >= 1) || !Number.isFinite(df)) {
    throw new RangeError(`a t quantile needs degrees of freedom >= 1, got ${df}`);
  }
  return tQuantile(prob, df);
}
