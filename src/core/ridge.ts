/**
 * Ridge regression on standardized features with an unpenalized intercept, the recipe of
 * scikit-learn's make_pipeline(StandardScaler(), Ridge(alpha)):
 *   x~_j = (x_j - mean_j) / scale_j   (training mean, population std; constant column -> scale 1)
 *   b = (X~'X~ + alpha I)^-1 X~'(y - mean(y)),  intercept = mean(y) on the training rows
 * solved in closed form by Cholesky. X~'X~ and X~'y come from centered co-moments
 * (standardize.ts): G_jk = C_jk / (s_j s_k), r_j = C_jy / s_j, so a fit costs O(p^3) once the
 * moments of its training rows are known, and prefix moments make every expanding-window fit cheap.
 */
import { choleskyInPlace, choleskySolveInPlace } from './linalg.js';
import { r2 } from './metrics.js';
import { timeSeriesFolds } from './folds.js';
import {
  isRowRange,
  momentsOf,
  PrefixMoments,
  rowCount,
  standardScale,
  type Moments,
  type Rows,
} from './standardize.js';

/** The default alpha grid of the plan and of the peer's GridSearchCV. */
export const DEFAULT_ALPHAS: readonly number[] = [0.01, 0.1, 1, 10, 100];

/** A fitted standardized Ridge model. */
export interface RidgeModel {
  alpha: number;
  /** Training rows the model was fitted on. */
  n: number;
  /** Training means and scales of the feature columns (the standardization). */
  means: Float64Array;
  scales: Float64Array;
  /** Coefficients on the standardized features. */
  coefStandardized: Float64Array;
  /** Coefficients on the raw features: coefStandardized_j / scale_j. */
  coef: Float64Array;
  /** Raw-scale intercept: mean(y) - sum_j coef_j mean_j. */
  intercept: number;
  /** Training mean of the target (the intercept on the standardized scale). */
  yMean: number;
}

/** Standardized normal equations of one training set, reusable across alphas. */
export interface RidgeSystem {
  p: number;
  n: number;
  means: Float64Array;
  scales: Float64Array;
  yMean: number;
  /** X~'X~, p x p row-major. */
  gram: Float64Array;
  /** X~'(y - mean(y)). */
  xty: Float64Array;
}

/** Builds the standardized normal equations from moments (G_jk = C_jk / (s_j s_k), r_j = C_jy / s_j). */
export function ridgeSystem(m: Moments): RidgeSystem {
  const { n, p } = m;
  const q = p + 1;
  const means = m.mean.slice(0, p);
  const scales = new Float64Array(p);
  for (let j = 0; j < p; j++) scales[j] = standardScale(m.comoment[j * q + j] / n, means[j], n);
  const gram = new Float64Array(p * p);
  const xty = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    for (let k = 0; k < p; k++) gram[j * p + k] = m.comoment[j * q + k] / (scales[j] * scales[k]);
    xty[j] = m.comoment[j * q + p] / scales[j];
  }
  return { p, n, means, scales, yMean: m.mean[p], gram, xty };
}

function checkAlpha(alpha: number): void {
  if (!(Number.isFinite(alpha) && alpha >= 0)) {
    throw new RangeError(`Ridge alpha must be a finite number >= 0 (got ${alpha})`);
  }
}

/** Solves (G + alpha I) b = r by Cholesky and returns the model on both scales. */
export function solveRidge(sys: RidgeSystem, alpha: number): RidgeModel {
  checkAlpha(alpha);
  const { p } = sys;
  const a = Float64Array.from(sys.gram);
  for (let j = 0; j < p; j++) a[j * p + j] += alpha;
  if (!choleskyInPlace(a, p)) {
    throw new RangeError(
      `Ridge normal equations are not positive definite at alpha ${alpha} (collinear columns?)`,
    );
  }
  const b = choleskySolveInPlace(a, p, Float64Array.from(sys.xty));
  const coef = new Float64Array(p);
  let intercept = sys.yMean;
  for (let j = 0; j < p; j++) {
    coef[j] = b[j] / sys.scales[j];
    intercept -= coef[j] * sys.means[j];
  }
  return {
    alpha,
    n: sys.n,
    means: sys.means,
    scales: sys.scales,
    coefStandardized: b,
    coef,
    intercept,
    yMean: sys.yMean,
  };
}

/** Fits standardized Ridge on the training rows (a range or row indices). */
export function fitRidge(
  columns: readonly Float64Array[],
  y: ArrayLike<number>,
  train: Rows,
  alpha: number,
): RidgeModel {
  checkAlpha(alpha);
  return solveRidge(ridgeSystem(momentsOf(columns, y, train)), alpha);
}

/**
 * Predictions yhat_t = mean(y) + sum_j b_j (x_tj - mean_j) / scale_j for the given rows, in row
 * order (the centered form avoids the cancellation of intercept + raw coefficients).
 */
export function predictRidge(
  model: RidgeModel,
  columns: readonly Float64Array[],
  rows: Rows,
  out: Float64Array = new Float64Array(rowCount(rows)),
): Float64Array {
  const p = model.coef.length;
  if (columns.length !== p)
    throw new RangeError(`model has ${p} coefficients but ${columns.length} columns given`);
  const len = rowCount(rows);
  if (out.length < len) throw new RangeError(`output holds ${out.length} values, ${len} needed`);
  out.fill(model.yMean, 0, len);
  for (let j = 0; j < p; j++) {
    const x = columns[j];
    const w = model.coefStandardized[j] / model.scales[j];
    const m = model.means[j];
    if (w === 0) continue;
    if (isRowRange(rows)) {
      for (let t = rows.start, i = 0; t < rows.end; t++, i++) out[i] += w * (x[t] - m);
    } else {
      for (let i = 0; i < len; i++) out[i] += w * (x[rows[i]] - m);
    }
  }
  return out;
}

/** Validates an alpha grid: non-empty, every value finite and >= 0. */
export function checkAlphaGrid(grid: readonly number[]): void {
  if (grid.length === 0) throw new RangeError('alpha grid is empty: give at least one alpha > 0');
  for (const a of grid) checkAlpha(a);
}

/** Training-prefix ends of the inner time-series folds of an outer training set [0, trainEnd). */
export function innerTrainEnds(trainEnd: number, innerFolds = 3, gap = 0): number[] {
  return timeSeriesFolds(trainEnd, innerFolds, gap).map((f) => f.trainEnd);
}

export interface AlphaSelection {
  /** The grid alpha with the best mean inner R² (first in grid order on ties). */
  alpha: number;
  /** Mean inner-fold R² of every grid alpha, in grid order. */
  meanScores: number[];
}

export interface SelectAlphaOptions {
  /** Rows left out between inner training and validation blocks (default 0). */
  gap?: number;
  /** Precomputed prefix moments covering the inner training ends (from innerTrainEnds). */
  moments?: PrefixMoments;
}

/**
 * Chooses Ridge alpha as scikit-learn's GridSearchCV(cv=TimeSeriesSplit(innerFolds), scoring='r2')
 * restricted to the outer training rows [0, trainEnd): for each inner fold fit on its prefix,
 * score R² on its validation block; pick the highest mean R², first in grid order on ties.
 * Uses no row at or after trainEnd.
 */
export function selectAlpha(
  columns: readonly Float64Array[],
  y: ArrayLike<number>,
  trainEnd: number,
  grid: readonly number[] = DEFAULT_ALPHAS,
  innerFolds = 3,
  options: SelectAlphaOptions = {},
): AlphaSelection {
  checkAlphaGrid(grid);
  if (!(Number.isInteger(trainEnd) && trainEnd >= 1 && trainEnd <= y.length)) {
    throw new RangeError(`trainEnd must be an integer in 1..${y.length} (got ${trainEnd})`);
  }
  const gap = options.gap ?? 0;
  const inner = timeSeriesFolds(trainEnd, innerFolds, gap);
  const moments =
    options.moments && inner.every((f) => options.moments!.has(f.trainEnd))
      ? options.moments
      : new PrefixMoments(
          columns,
          y,
          inner.map((f) => f.trainEnd),
        );
  const sums = new Array<number>(grid.length).fill(0);
  const pred = new Float64Array(inner[0].testEnd - inner[0].testStart);
  const yv = y instanceof Float64Array ? y : Float64Array.from(y);
  for (const f of inner) {
    const sys = ridgeSystem(moments.at(f.trainEnd));
    const rows = { start: f.testStart, end: f.testEnd };
    const actual = yv.subarray(f.testStart, f.testEnd);
    for (let g = 0; g < grid.length; g++) {
      predictRidge(solveRidge(sys, grid[g]), columns, rows, pred);
      sums[g] += r2(actual, pred.subarray(0, actual.length));
    }
  }
  const meanScores = sums.map((s) => s / inner.length);
  let best = 0;
  for (let g = 1; g < grid.length; g++) if (meanScores[g] > meanScores[best]) best = g;
  return { alpha: grid[best], meanScores };
}

/** A Ridge alpha chosen by generalized cross-validation on the training rows. */
export interface GcvSelection {
  /** The grid alpha with the least GCV score (first in grid order on ties). */
  alpha: number;
  /** GCV score of every grid alpha, in grid order (Infinity where the fit leaves no residual degrees of freedom). */
  scores: number[];
}

/**
 * Chooses Ridge alpha by generalized cross-validation (Golub, Heath & Wahba 1979) on the training
 * rows [0, trainEnd): GCV(alpha) = n RSS(alpha) / (n - df(alpha))^2, with df = 1 (the intercept) +
 * tr(G (G + alpha I)^-1) = 1 + p - alpha tr((G + alpha I)^-1) on the standardized Gram matrix G.
 * It approximates leave-one-out error from the whole window's fit, so unlike an inner
 * TimeSeriesSplit no candidate is judged by a model of a shorter window that cannot identify the
 * window's terms (docs/modeling.md, "Weekly phase 0: alpha by generalized cross-validation").
 * Uses no row at or after trainEnd.
 */
export function selectAlphaGcv(
  columns: readonly Float64Array[],
  y: ArrayLike<number>,
  trainEnd: number,
  grid: readonly number[] = DEFAULT_ALPHAS,
  moments?: Moments,
): GcvSelection {
  checkAlphaGrid(grid);
  if (!(Number.isInteger(trainEnd) && trainEnd >= 1 && trainEnd <= y.length)) {
    throw new RangeError(`trainEnd must be an integer in 1..${y.length} (got ${trainEnd})`);
  }
  const rows = { start: 0, end: trainEnd };
  const sys = ridgeSystem(moments ?? momentsOf(columns, y, rows));
  const { p } = sys;
  const pred = new Float64Array(trainEnd);
  const scores = grid.map((alpha) => {
    const a = Float64Array.from(sys.gram);
    for (let j = 0; j < p; j++) a[j * p + j] += alpha;
    if (!choleskyInPlace(a, p)) return Infinity;
    let traceInverse = 0;
    for (let j = 0; j < p; j++) {
      const e = new Float64Array(p);
      e[j] = 1;
      traceInverse += choleskySolveInPlace(a, p, e)[j];
    }
    const df = 1 + p - alpha * traceInverse;
    if (!(trainEnd - df > 0)) return Infinity;
    predictRidge(solveRidge(sys, alpha), columns, rows, pred);
    let rss = 0;
    for (let t = 0; t < trainEnd; t++) rss += (y[t] - pred[t]) ** 2;
    return (trainEnd * rss) / (trainEnd - df) ** 2;
  });
  let best = 0;
  for (let g = 1; g < grid.length; g++) if (scores[g] < scores[best]) best = g;
  return { alpha: grid[best], scores };
}
