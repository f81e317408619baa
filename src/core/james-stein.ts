/**
 * Positive-part James-Stein shrinkage toward an estimated mean (Efron & Morris 1973):
 * B = min(1, (K - 3) sigma^2 / sum_i (x_i - mean)^2), shrunk_i = mean + (1 - B) (x_i - mean), with
 * sigma^2 the mean of the estimates' variances. For K >= 4 estimates it has a lower total squared
 * error than the estimates themselves whatever their true values; with K <= 3 the factor is 0.
 * Used where many channels' figures are estimated from one data set (docs/planner.md and
 * docs/intervals.md, "James-Stein").
 */

/** Fewest estimates for which the estimator shrinks (K - 3 > 0). */
export const JAMES_STEIN_MIN = 4;

export interface JamesStein {
  /** B in [0, 1]: 0 keeps the estimates, 1 sets every one to the mean. */
  factor: number;
  /** The mean shrunk toward (weighted when weights are given). */
  mean: number;
  /** The shrunk estimates, in the input order. */
  shrunk: number[];
}

/**
 * The positive-part James-Stein estimate of `values` given each one's sampling `variances`,
 * toward their mean (weighted by `weights` when given, e.g. spend). Null with fewer than
 * JAMES_STEIN_MIN values or when a value or variance is not finite. When the values are all equal
 * the factor is 1.
 */
export function jamesStein(
  values: readonly number[],
  variances: readonly number[],
  weights?: readonly number[],
): JamesStein | null {
  const K = values.length;
  if (variances.length !== K || (weights && weights.length !== K)) {
    throw new RangeError('values, variances and weights must have the same length');
  }
  if (K < JAMES_STEIN_MIN) return null;
  let w = 0;
  let mean = 0;
  values.forEach((v, i) => {
    const wi = weights ? weights[i] : 1;
    w += wi;
    mean += wi * v;
  });
  mean /= w;
  let spread = 0;
  for (const v of values) spread += (v - mean) ** 2;
  const sigma2 = variances.reduce((a, b) => a + b, 0) / K;
  // A value or variance that is not a finite number (a failed replicate's figure) gives no
  // estimate rather than a NaN factor.
  if (!Number.isFinite(sigma2) || !Number.isFinite(spread) || !(sigma2 >= 0)) return null;
  const factor = spread > 0 ? Math.min(1, ((K - 3) * sigma2) / spread) : 1;
  return { factor, mean, shrunk: values.map((v) => mean + (1 - factor) * (v - mean)) };
}

/**
 * jamesStein of positive ratios on the log scale: log values, the delta method's variances
 * var(log x) = var(x) / x^2, the shrunk values and the mean back on the ratio scale (the mean is
 * then the geometric mean). Null as jamesStein, or when a value is not above 0.
 */
export function jamesSteinLog(
  values: readonly number[],
  variances: readonly number[],
): JamesStein | null {
  if (values.some((v) => !(v > 0))) return null;
  const js = jamesStein(
    values.map(Math.log),
    variances.map((v, i) => v / values[i] ** 2),
  );
  return js && { factor: js.factor, mean: Math.exp(js.mean), shrunk: js.shrunk.map(Math.exp) };
}

/** Sample variance (n - 1) of each column of `rows` (rows x columns). */
export function columnVariances(rows: readonly (readonly number[])[], columns: number): number[] {
  const n = rows.length;
  return Array.from({ length: columns }, (_, j) => {
    let mu = 0;
    for (const r of rows) mu += r[j];
    mu /= n;
    let ss = 0;
    for (const r of rows) ss += (r[j] - mu) ** 2;
    return n > 1 ? ss / (n - 1) : 0;
  });
}
