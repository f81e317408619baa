/** Forecast accuracy metrics on paired actual / predicted arrays of equal length. */

function checkPair(actual: ArrayLike<number>, predicted: ArrayLike<number>): void {
  if (actual.length !== predicted.length) {
    throw new RangeError(
      `actual has ${actual.length} values but predicted has ${predicted.length}`,
    );
  }
  if (actual.length === 0) throw new RangeError('metrics need at least one value');
}

/** Arithmetic mean sum(x) / n. */
export function mean(x: ArrayLike<number>): number {
  if (x.length === 0) throw new RangeError('mean of an empty array');
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Population standard deviation sqrt(sum (x - mean)^2 / n) (ddof = 0, two-pass). */
export function populationStd(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) * (x[i] - m);
  return Math.sqrt(s / x.length);
}

/**
 * Coefficient of determination R² = 1 - SS_res / SS_tot with SS_tot = sum (y - mean(y))^2,
 * as scikit-learn's r2_score (force_finite): a constant actual gives 1 if predicted exactly, else 0.
 */
export function r2(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair(actual, predicted);
  const m = mean(actual);
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = actual[i] - predicted[i];
    ssRes += e * e;
    ssTot += (actual[i] - m) * (actual[i] - m);
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/** Root mean squared error sqrt(sum (y - yhat)^2 / n). */
export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair(actual, predicted);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (actual[i] - predicted[i]) ** 2;
  return Math.sqrt(s / actual.length);
}

/** Mean absolute error sum |y - yhat| / n. */
export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair(actual, predicted);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i] - predicted[i]);
  return s / actual.length;
}

/**
 * Mean absolute percentage error in PERCENT: 100 * mean |y - yhat| / |y| over the rows where
 * y != 0. Rows with a zero actual are skipped (the ratio is undefined there); NaN when every
 * actual is zero.
 */
export function mape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair(actual, predicted);
  let s = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === 0) continue;
    s += Math.abs((actual[i] - predicted[i]) / actual[i]);
    n++;
  }
  return n === 0 ? Number.NaN : (100 * s) / n;
}

/**
 * Range-normalized RMSE: rmse / (max(y) - min(y)) of the actual values (the NRMSE of Robyn and
 * hydrology), scale free and defined even when the mean is near zero. NaN for a constant actual.
 */
export function nrmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const e = rmse(actual, predicted);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] < lo) lo = actual[i];
    if (actual[i] > hi) hi = actual[i];
  }
  return hi > lo ? e / (hi - lo) : Number.NaN;
}

/**
 * Standard error of a mean: sample std (n - 1 denominator) / sqrt(n); 0 for fewer than 2 values.
 *   SE = sqrt(sum (x_i - mean)^2 / (n - 1)) / sqrt(n)
 */
export function standardErrorOfMean(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return 0;
  const m = mean(x);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - m) ** 2;
  return Math.sqrt(ss / (n - 1) / n);
}
