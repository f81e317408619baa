/**
 * The pooled Ridge's shortcuts (core/ridge.ts solvePooledRidge / selectPooledRidge): its degrees
 * of freedom from the inverse Cholesky factor (core/linalg.ts choleskyInverseFactor) and its
 * residual sum of squares from the moments (residualSumOfSquares), each against the quantity
 * written out without the core's code, and the rows summed where the moments' form cancels.
 */
import { describe, expect, it } from 'vitest';
import { choleskyInPlace, choleskyInverseFactor } from '../src/core/linalg.js';
import {
  POOL_GRID,
  POOLED_TREND_PENALTY,
  RSS_FROM_MOMENTS_ABOVE,
  predictRidge,
  residualSumOfSquares,
  ridgeSystem,
  selectPooledRidge,
  solvePooledRidge,
} from '../src/core/ridge.js';
import { SeededRandom } from '../src/core/random.js';
import { momentsOf } from '../src/core/standardize.js';
import { inverseByGaussJordan } from './reference-stats.js';

/** Three channels, a season, a noise column and a trend (the trend last); n rows. */
function problem(noise: number, returns = [1.8, 2.2, 2], n = 90) {
  const rng = new SeededRandom(29);
  const spend = [0, 1, 2].map(() => Float64Array.from({ length: n }, () => rng.uniform(50, 150)));
  const season = Float64Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * t) / 52));
  const other = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
  const trend = Float64Array.from({ length: n }, (_, t) => t / n);
  const y = Float64Array.from(
    { length: n },
    (_, t) =>
      1000 +
      returns[0] * spend[0][t] +
      returns[1] * spend[1][t] +
      returns[2] * spend[2][t] +
      80 * season[t] +
      30 * other[t] +
      200 * trend[t] +
      noise * rng.uniform(-1, 1),
  );
  return { cols: [...spend, season, other, trend], y, n, media: [0, 1, 2], u: [1, 1, 1], trend: 5 };
}

/**
 * 1 + tr((X'X + P)^-1 X'X) on the raw centered scale (the trace is scale-invariant): the base
 * columns' penalty alpha n var_j (trendPenalty times for the trend), the media block
 * pool yy u_i u_k (delta_ik - 1/J); no code shared with core/ridge.ts.
 */
function dfByHand(
  { cols, y, n, media, u, trend }: ReturnType<typeof problem>,
  alpha: number,
  pool: number,
): number {
  const p = cols.length;
  const mean = (c: ArrayLike<number>) => Array.from(c).reduce((s, v) => s + v, 0) / n;
  const mx = cols.map(mean);
  const my = mean(y);
  let yy = 0;
  for (let t = 0; t < n; t++) yy += (y[t] - my) ** 2;
  const gram = cols.map((ci, i) =>
    cols.map((ck, k) => {
      let s = 0;
      for (let t = 0; t < n; t++) s += (ci[t] - mx[i]) * (ck[t] - mx[k]);
      return s;
    }),
  );
  const a = gram.map((row) => [...row]);
  for (let j = 0; j < p; j++) {
    if (media.includes(j)) continue;
    a[j][j] += alpha * (gram[j][j] / n) * n * (j === trend ? POOLED_TREND_PENALTY : 1);
  }
  media.forEach((i, ui) =>
    media.forEach((k, vi) => {
      a[i][k] += pool * yy * u[ui] * u[vi] * ((ui === vi ? 1 : 0) - 1 / media.length);
    }),
  );
  const inv = inverseByGaussJordan(a);
  let trace = 0;
  for (let i = 0; i < p; i++) for (let k = 0; k < p; k++) trace += inv[i][k] * gram[k][i];
  return 1 + trace;
}

describe('choleskyInverseFactor', () => {
  it("gives Z = L^-1: Z L = I, and Z'Z is the inverse of A", () => {
    const rng = new SeededRandom(5);
    const p = 7;
    const b = Array.from({ length: p * p }, () => rng.uniform(-1, 1));
    const a = new Float64Array(p * p);
    for (let i = 0; i < p; i++)
      for (let k = 0; k < p; k++) {
        let s = i === k ? p : 0;
        for (let r = 0; r < p; r++) s += b[i * p + r] * b[k * p + r];
        a[i * p + k] = s;
      }
    const l = Float64Array.from(a);
    expect(choleskyInPlace(l, p)).toBe(true);
    const z = choleskyInverseFactor(l, p);
    const rows = Array.from({ length: p }, (_, i) => Array.from(a.subarray(i * p, i * p + p)));
    const inv = inverseByGaussJordan(rows);
    for (let i = 0; i < p; i++) {
      for (let k = 0; k < p; k++) {
        let zl = 0;
        for (let r = 0; r < p; r++) zl += z[i * p + r] * l[r * p + k];
        expect(Math.abs(zl - (i === k ? 1 : 0))).toBeLessThan(1e-12);
        let ztz = 0;
        for (let r = 0; r < p; r++) ztz += z[r * p + i] * z[r * p + k];
        expect(Math.abs(ztz - inv[i][k])).toBeLessThan(1e-12);
        if (k > i) expect(z[i * p + k]).toBe(0);
      }
    }
  });
});

describe('the pooled Ridge', () => {
  const d = problem(60);
  const sys = ridgeSystem(momentsOf(d.cols, d.y, { start: 0, end: d.n }));
  let yy = 0;
  for (let t = 0; t < d.n; t++) yy += (d.y[t] - sys.yMean) ** 2;
  // Raw weights: the media columns are spend itself, so a coefficient is the return (1 each).
  const penalty = { media: d.media, weights: d.u, trend: d.trend };

  it('counts its degrees of freedom as 1 + tr((G + P)^-1 G) written out', () => {
    for (const alpha of [0.01, 1, 100]) {
      for (const pool of [POOL_GRID[0], POOL_GRID[POOL_GRID.length - 1]]) {
        const fit = solvePooledRidge(sys, penalty, alpha, pool, yy)!;
        const hand = dfByHand(d, alpha, pool);
        expect(hand).toBeGreaterThan(1);
        expect(Math.abs(fit.df - hand)).toBeLessThan(1e-9 * hand);
      }
    }
  });

  it('takes its residual sum of squares from the moments as it is summed over the rows', () => {
    const fit = solvePooledRidge(sys, penalty, 1, 0.01, yy)!;
    const pred = predictRidge(fit.model, d.cols, { start: 0, end: d.n });
    let rss = 0;
    for (let t = 0; t < d.n; t++) rss += (d.y[t] - pred[t]) ** 2;
    const fromMoments = residualSumOfSquares(sys, fit.model.coefStandardized, yy);
    expect(rss / yy).toBeGreaterThan(RSS_FROM_MOMENTS_ABOVE);
    expect(Math.abs(fromMoments - rss)).toBeLessThan(1e-9 * rss);
  });

  it('refuses moments of other rows than the ones it scores', () => {
    const other = momentsOf(d.cols, d.y, { start: 0, end: d.n - 1 });
    expect(() => selectPooledRidge(d.cols, d.y, d.n, penalty, [1], other)).toThrow(
      /moments of 89 rows given for rows \[0, 90\)/,
    );
  });

  it("scores each grid point's GCV with the rows' own residuals where the moments' form cancels", () => {
    // One return for every channel and noise 1e-6 of revenue near 1e3: a fit with almost no
    // penalty leaves a residual sum of squares near 1e-17 of yy.
    const exact = problem(1e-6, [2, 2, 2]);
    const rows = { start: 0, end: exact.n };
    const s = ridgeSystem(momentsOf(exact.cols, exact.y, rows));
    let total = 0;
    for (let t = 0; t < exact.n; t++) total += (exact.y[t] - s.yMean) ** 2;
    const pen = penalty;
    const best = selectPooledRidge(exact.cols, exact.y, exact.n, pen, [1e-9])!;
    const fit = solvePooledRidge(s, pen, 1e-9, best.pool, total)!;
    const pred = predictRidge(fit.model, exact.cols, rows);
    let rss = 0;
    for (let t = 0; t < exact.n; t++) rss += (exact.y[t] - pred[t]) ** 2;
    expect(rss / total).toBeLessThan(RSS_FROM_MOMENTS_ABOVE);
    const gcv = (exact.n * rss) / (exact.n - fit.df) ** 2;
    expect(Math.abs(best.gcv - gcv)).toBeLessThan(1e-9 * gcv);
    // The moments' form alone is off by far more than that here.
    const fromMoments = residualSumOfSquares(s, fit.model.coefStandardized, total);
    expect(Math.abs(fromMoments - rss)).toBeGreaterThan(1e-3 * rss);
  });
});
