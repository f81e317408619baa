/**
 * Ridge regression on standardized features with an unpenalized intercept, the recipe of
 * scikit-learn's make_pipeline(StandardScaler(), Ridge(alpha)):
 *   x~_j = (x_j - mean_j) / scale_j   (training mean, population std; constant column -> scale 1)
 *   b = (X~'X~ + alpha I)^-1 X~'(y - mean(y)),  intercept = mean(y) on the training rows
 * solved in closed form by Cholesky. X~'X~ and X~'y come from centered co-moments
 * (standardize.ts): G_jk = C_jk / (s_j s_k), r_j = C_jy / s_j, so a fit costs O(p^3) once the
 * moments of its training rows are known, and prefix moments make every expanding-window fit cheap.
 */
import { checkCancelled } from './cancel.js';
import { choleskyInPlace, choleskyInverseFactor, choleskySolveInPlace } from './linalg.js';
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
  // Every search, refit and bootstrap replicate solves here: a cancelled task stops within one.
  checkCancelled();
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
  return ridgeModelOf(sys, alpha, b);
}

/** The model of standardized coefficients b: raw coefficients and intercept. */
export function ridgeModelOf(sys: RidgeSystem, alpha: number, b: Float64Array): RidgeModel {
  const { p } = sys;
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

/**
 * The minimum of 0.5 x'Qx - r'x subject to x_j >= 0 for every j (Q symmetric positive definite,
 * m x m row-major), by the active-set method of Lawson & Hanson (1974, NNLS) on the normal
 * equations: start with every x_j held at 0; release the held one whose release lowers the
 * objective most; solve with the others held; where a released x_j would turn negative, move
 * only as far as feasible and hold the ones that reach 0. A strictly convex problem, so the
 * result is its unique minimum (the KKT conditions hold to `tolerance` of the gradient).
 */
export function nonNegativeQuadratic(q: Float64Array, r: Float64Array, m: number): Float64Array {
  const tolerance = 1e-12 * Math.max(1, ...Array.from(r, Math.abs));
  /** The minimum with the x_j in `held` at 0 and the others free. */
  const solveFree = (held: readonly boolean[]): Float64Array => {
    const free: number[] = [];
    for (let j = 0; j < m; j++) if (!held[j]) free.push(j);
    const f = free.length;
    const out = new Float64Array(m);
    if (f === 0) return out;
    const a = new Float64Array(f * f);
    const rhs = new Float64Array(f);
    free.forEach((j, u) => {
      rhs[u] = r[j];
      free.forEach((k, v) => (a[u * f + v] = q[j * m + k]));
    });
    if (!choleskyInPlace(a, f)) throw new RangeError('constrained system is not positive definite');
    const z = choleskySolveInPlace(a, f, rhs);
    free.forEach((j, u) => (out[j] = z[u]));
    return out;
  };
  const held = new Array<boolean>(m).fill(true);
  let x: Float64Array = new Float64Array(m);
  for (let iteration = 0; iteration < 3 * m + 10; iteration++) {
    let release = -1;
    let steepest = tolerance;
    for (let j = 0; j < m; j++) {
      if (!held[j]) continue;
      let w = r[j];
      for (let k = 0; k < m; k++) w -= q[j * m + k] * x[k];
      if (w > steepest) {
        steepest = w;
        release = j;
      }
    }
    if (release < 0) break;
    held[release] = false;
    for (;;) {
      const z = solveFree(held);
      const blocked: number[] = [];
      for (let j = 0; j < m; j++) if (!held[j] && z[j] <= 0) blocked.push(j);
      if (blocked.length === 0) {
        x = z;
        break;
      }
      let step = 1;
      for (const j of blocked) step = Math.min(step, x[j] / (x[j] - z[j]));
      x = x.map((v, j) => v + step * (z[j] - v));
      for (let j = 0; j < m; j++) {
        if (!held[j] && x[j] <= 0) {
          held[j] = true;
          x[j] = 0;
        }
      }
    }
  }
  return x;
}

/**
 * Ridge subject to linear constraints a_c'b >= 0 on its standardized coefficients b (one per
 * row of `constraints`, length p each): the minimum of ||y~ - X~ b||^2 + alpha ||b||^2 under
 * them, through the dual, a non-negative quadratic problem in the multipliers l >= 0:
 *   b = b0 + H^-1 A'l,  l = argmin 0.5 l'(A H^-1 A')l + l'(A b0),  H = X~'X~ + alpha I,
 * b0 the unconstrained solution (solveRidge), which is returned as is (the same bits) when it
 * meets every constraint. `active[c]`: constraint c binds (l_c > 0: a_c'b = 0 to rounding).
 */
export function solveRidgeConstrained(
  sys: RidgeSystem,
  alpha: number,
  constraints: readonly Float64Array[],
): { model: RidgeModel; active: boolean[] } {
  const plain = solveRidge(sys, alpha);
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let sum = 0;
    for (let j = 0; j < a.length; j++) sum += a[j] * b[j];
    return sum;
  };
  const c0 = constraints.map((a) => dot(a, plain.coefStandardized));
  if (c0.every((v) => v >= 0)) return { model: plain, active: constraints.map(() => false) };
  const { p } = sys;
  const h = Float64Array.from(sys.gram);
  for (let j = 0; j < p; j++) h[j * p + j] += alpha;
  if (!choleskyInPlace(h, p)) {
    throw new RangeError(
      `Ridge normal equations are not positive definite at alpha ${alpha} (collinear columns?)`,
    );
  }
  const u = constraints.map((a) => choleskySolveInPlace(h, p, Float64Array.from(a)));
  const m = constraints.length;
  const q = new Float64Array(m * m);
  for (let c = 0; c < m; c++) for (let d = 0; d < m; d++) q[c * m + d] = dot(constraints[c], u[d]);
  const l = nonNegativeQuadratic(
    q,
    Float64Array.from(c0, (v) => -v),
    m,
  );
  const b = Float64Array.from(plain.coefStandardized);
  for (let c = 0; c < m; c++) {
    if (l[c] === 0) continue;
    for (let j = 0; j < p; j++) b[j] += l[c] * u[c][j];
  }
  return { model: ridgeModelOf(sys, alpha, b), active: Array.from(l, (v) => v > 0) };
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
  // The columns with a non-zero weight, in order; four are added per pass over the rows, each
  // row's sum still in column order (the same additions as one column per pass, so the same
  // bits), with a quarter of the loads and stores of the running sums.
  const xs: Float64Array[] = [];
  const ws: number[] = [];
  const ms: number[] = [];
  for (let j = 0; j < p; j++) {
    const w = model.coefStandardized[j] / model.scales[j];
    if (w === 0) continue;
    xs.push(columns[j]);
    ws.push(w);
    ms.push(model.means[j]);
  }
  const q = xs.length;
  // Row t of output i: rows.start + i for a range, rows[i] otherwise (an identity index then).
  const index = isRowRange(rows) ? null : rows;
  const start = isRowRange(rows) ? rows.start : 0;
  let j = 0;
  for (; j + 3 < q; j += 4) {
    const x0 = xs[j];
    const x1 = xs[j + 1];
    const x2 = xs[j + 2];
    const x3 = xs[j + 3];
    const w0 = ws[j];
    const w1 = ws[j + 1];
    const w2 = ws[j + 2];
    const w3 = ws[j + 3];
    const m0 = ms[j];
    const m1 = ms[j + 1];
    const m2 = ms[j + 2];
    const m3 = ms[j + 3];
    if (index === null) {
      for (let i = 0, t = start; i < len; i++, t++) {
        let v = out[i];
        v += w0 * (x0[t] - m0);
        v += w1 * (x1[t] - m1);
        v += w2 * (x2[t] - m2);
        v += w3 * (x3[t] - m3);
        out[i] = v;
      }
    } else {
      for (let i = 0; i < len; i++) {
        const t = index[i];
        let v = out[i];
        v += w0 * (x0[t] - m0);
        v += w1 * (x1[t] - m1);
        v += w2 * (x2[t] - m2);
        v += w3 * (x3[t] - m3);
        out[i] = v;
      }
    }
  }
  for (; j < q; j++) {
    const x = xs[j];
    const w = ws[j];
    const m = ms[j];
    if (index === null) for (let i = 0, t = start; i < len; i++, t++) out[i] += w * (x[t] - m);
    else for (let i = 0; i < len; i++) out[i] += w * (x[index[i]] - m);
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

/**
 * Where a pooled fit's penalty applies (solvePooledRidge): the media columns with their weights
 * w_j, which turn a standardized coefficient into the channel's return in revenue per unit of
 * spend over the training rows (r_j = w_j b_j), and the trend column.
 */
export interface PooledPenalty {
  /** Indices of the media columns in the design. */
  media: readonly number[];
  /** Per media column: raw coefficient -> revenue per unit of spend over the training rows (same order). */
  weights: readonly number[];
  /** Index of the trend column, -1 when none. */
  trend: number;
}

/** A pooled fit and the GCV score it was chosen by. */
export interface PooledRidgeFit {
  model: RidgeModel;
  alpha: number;
  pool: number;
  gcv: number;
}

/** Penalty multiple of the trend in a pooled fit (solvePooledRidge). */
export const POOLED_TREND_PENALTY = 10;
/** Pool strengths of a pooled fit, times the target's sum of squares (selectPooledRidge). */
export const POOL_GRID: readonly number[] = [0.0001, 0.001, 0.01, 0.1, 1];

/**
 * Ridge whose media coefficients are shrunk toward their common value instead of toward zero,
 * in revenue per unit of spend: penalty alpha n (|b_base|^2 + trendPenalty b_trend^2) +
 * pool yy sum_j (r_j - mean r)^2 with r_j = w_j b_j, yy the target's centered sum of squares. The
 * base columns get alpha n per standardized coefficient (the trend trendPenalty times that,
 * POOLED_TREND_PENALTY by default: it is extrapolated), the media columns no shrinkage toward
 * zero. Returns null when the system is not positive definite.
 */
export function solvePooledRidge(
  sys: RidgeSystem,
  penalty: PooledPenalty,
  alpha: number,
  pool: number,
  yy: number,
  trendPenalty: number = POOLED_TREND_PENALTY,
): { model: RidgeModel; df: number } | null {
  const { p, n } = sys;
  const a = Float64Array.from(sys.gram);
  const isMedia = new Uint8Array(p);
  for (const j of penalty.media) isMedia[j] = 1;
  // The penalty P, kept apart for the degrees of freedom: a diagonal for the base columns...
  const base = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    if (isMedia[j]) continue;
    base[j] = alpha * n * (j === penalty.trend ? trendPenalty : 1);
    a[j * p + j] += base[j];
  }
  // ...and a J x J block for the media columns.
  const J = penalty.media.length;
  const block = new Float64Array(J * J);
  if (J > 1) {
    for (let u = 0; u < J; u++) {
      for (let v = 0; v < J; v++) {
        const i = penalty.media[u];
        const k = penalty.media[v];
        const wi = penalty.weights[u] / sys.scales[i];
        const wk = penalty.weights[v] / sys.scales[k];
        block[u * J + v] = pool * yy * wi * wk * ((u === v ? 1 : 0) - 1 / J);
        a[i * p + k] += block[u * J + v];
      }
    }
  }
  if (!choleskyInPlace(a, p)) return null;
  const b = choleskySolveInPlace(a, p, Float64Array.from(sys.xty));
  // df = 1 + tr(A^-1 G) = 1 + p - tr(A^-1 P) for A = G + P: with Z = L^-1 and A^-1 = Z'Z only
  // A^-1's diagonal and media block are needed (about p^3/6 work, where p solves cost p^3).
  const z = choleskyInverseFactor(a, p);
  const inverseAt = (i: number, k: number): number => {
    let s = 0;
    for (let r = Math.max(i, k); r < p; r++) s += z[r * p + i] * z[r * p + k];
    return s;
  };
  let trace = 0;
  for (let j = 0; j < p; j++) if (base[j] !== 0) trace += base[j] * inverseAt(j, j);
  for (let u = 0; u < J; u++) {
    for (let v = 0; v < J; v++) {
      const w = block[v * J + u];
      if (w !== 0) trace += inverseAt(penalty.media[u], penalty.media[v]) * w;
    }
  }
  return { model: ridgeModelOf(sys, alpha, b), df: 1 + p - trace };
}

/**
 * Below this share of the target's sum of squares the residual sum of squares is summed over the
 * rows (selectPooledRidge): the moments' form loses about log10(yy / rss) of its 16 digits.
 */
export const RSS_FROM_MOMENTS_ABOVE = 1e-6;

/**
 * The residual sum of squares of standardized coefficients b on the rows of a system, from its
 * moments: |y~ - X~b|^2 = y~'y~ - 2 b'X~'y~ + b'X~'X~b (y~ the centered target, yy its sum of
 * squares). O(p^2) where summing the residuals costs O(n p).
 */
export function residualSumOfSquares(sys: RidgeSystem, b: ArrayLike<number>, yy: number): number {
  const { p, gram, xty } = sys;
  let cross = 0;
  let quadratic = 0;
  for (let i = 0; i < p; i++) {
    cross += b[i] * xty[i];
    let row = 0;
    for (let k = 0; k < p; k++) row += gram[i * p + k] * b[k];
    quadratic += b[i] * row;
  }
  return yy - 2 * cross + quadratic;
}

/**
 * The pooled fit (solvePooledRidge) of rows [0, trainEnd) whose alpha and pool strength have the
 * least generalized cross-validation score over the alpha grid x POOL_GRID (the trend's penalty
 * trendPenalty times alpha n). Uses no row at or after trainEnd. null when no grid point can be
 * fitted.
 */
export function selectPooledRidge(
  columns: readonly Float64Array[],
  y: ArrayLike<number>,
  trainEnd: number,
  penalty: PooledPenalty,
  grid: readonly number[] = DEFAULT_ALPHAS,
  moments?: Moments,
  trendPenalty: number = POOLED_TREND_PENALTY,
): PooledRidgeFit | null {
  const rows = { start: 0, end: trainEnd };
  // The residuals are read from the moments: they must be those of rows [0, trainEnd).
  if (moments && moments.n !== trainEnd) {
    throw new RangeError(`moments of ${moments.n} rows given for rows [0, ${trainEnd})`);
  }
  const sys = ridgeSystem(moments ?? momentsOf(columns, y, rows));
  let yy = 0;
  for (let t = 0; t < trainEnd; t++) yy += (y[t] - sys.yMean) ** 2;
  const pred = new Float64Array(trainEnd);
  let best: PooledRidgeFit | null = null;
  for (const alpha of grid) {
    for (const pool of POOL_GRID) {
      const fit = solvePooledRidge(sys, penalty, alpha, pool, yy, trendPenalty);
      if (!fit || !(trainEnd - fit.df > 0)) continue;
      let rss = residualSumOfSquares(sys, fit.model.coefStandardized, yy);
      if (!(rss > RSS_FROM_MOMENTS_ABOVE * yy)) {
        // A near-perfect fit: the moments' form cancels, so sum the residuals themselves.
        predictRidge(fit.model, columns, rows, pred);
        rss = 0;
        for (let t = 0; t < trainEnd; t++) rss += (y[t] - pred[t]) ** 2;
      }
      const gcv = (trainEnd * rss) / (trainEnd - fit.df) ** 2;
      if (!best || gcv < best.gcv) best = { model: fit.model, alpha, pool, gcv };
    }
  }
  return best;
}

/** Alpha of the near-least-squares fits of trendPartialR2 (standardized columns). */
const PARTIAL_R2_ALPHA = 0.01;

/**
 * Share of what the other columns leave unexplained of the target on rows [0, trainEnd) that the
 * column `trend` explains (its partial R²: by Frisch-Waugh-Lovell, (r'y)^2 / r'r over that plus
 * the residual sum of squares of the fit with every column, r the trend's residual on the other
 * columns; both fits Ridge at alpha PARTIAL_R2_ALPHA, nearly least squares). 0 when the other
 * columns explain the trend column entirely. Uses no row at or after trainEnd.
 */
export function trendPartialR2(
  columns: readonly Float64Array[],
  y: ArrayLike<number>,
  trainEnd: number,
  trend: number,
): number {
  if (!(trend >= 0 && trend < columns.length)) throw new RangeError(`no column ${trend}`);
  const rows = { start: 0, end: trainEnd };
  const others = columns.filter((_, j) => j !== trend);
  const column = columns[trend];
  const trendFit = predictRidge(fitRidge(others, column, rows, PARTIAL_R2_ALPHA), others, rows);
  const fitted = predictRidge(fitRidge(columns, y, rows, PARTIAL_R2_ALPHA), columns, rows);
  let columnMean = 0;
  for (let t = 0; t < trainEnd; t++) columnMean += column[t] / trainEnd;
  let total = 0;
  let rr = 0;
  let ry = 0;
  let rss = 0;
  for (let t = 0; t < trainEnd; t++) {
    const r = column[t] - trendFit[t];
    total += (column[t] - columnMean) ** 2;
    rr += r * r;
    ry += r * y[t];
    rss += (y[t] - fitted[t]) ** 2;
  }
  if (!(rr > 1e-9 * total)) return 0;
  const explained = (ry * ry) / rr;
  return explained + rss > 0 ? explained / (explained + rss) : 0;
}

/** The model whose forecast is the mean of two Ridge models' forecasts on the same standardized columns. */
export function averageRidgeModels(a: RidgeModel, b: RidgeModel): RidgeModel {
  const p = a.coef.length;
  const coefStandardized = new Float64Array(p);
  const coef = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    coefStandardized[j] = (a.coefStandardized[j] + b.coefStandardized[j]) / 2;
    coef[j] = (a.coef[j] + b.coef[j]) / 2;
  }
  return { ...a, coefStandardized, coef, intercept: (a.intercept + b.intercept) / 2 };
}
