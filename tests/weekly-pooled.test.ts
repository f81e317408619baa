/**
 * Weekly phases 0-1: each window's Ridge averaged with a pooled Ridge whose channels' returns per
 * unit of spend are shrunk toward their common value and whose trend is damped (core/ridge.ts
 * solvePooledRidge / selectPooledRidge, phases/ladder.ts weeklyPooledPenalty / pooledMean).
 * docs/modeling.md, "Weekly phases 0-1: the channels' returns pooled".
 */
import { describe, expect, it } from 'vitest';
import { generateShape, generateTenant, shapeSpecOf } from '../src/core/data/index.js';
import {
  DEFAULT_ALPHAS,
  POOL_GRID,
  POOLED_TREND_PENALTY,
  averageRidgeModels,
  fitRidge,
  predictRidge,
  ridgeSystem,
  selectPooledRidge,
  solvePooledRidge,
} from '../src/core/ridge.js';
import { momentsOf } from '../src/core/standardize.js';
import { SeededRandom } from '../src/core/random.js';
import type { TenantSeries } from '../src/core/types.js';
import { PhaseLadder, predictFold, weeklyPooledPenalty } from '../src/phases/ladder.js';
import { garbledAfter } from './garble.js';

/**
 * The pooled fit solved on the raw scale, written out: minimize over (a, b)
 *   sum_t (y_t - a - x_t'b)^2 + sum_base alpha n s_j^2 b_j^2 (x trendPenalty for the trend,
 *   POOLED_TREND_PENALTY unless given)
 *   + pool yy sum_media (u_j b_j - mean_k u_k b_k)^2
 * (s_j the population std of column j on the rows, yy the target's centered sum of squares, u_j the
 * raw weight): the normal equations of the centered system by Gauss-Jordan. No code shared with
 * core/ridge.ts.
 */
function pooledByHand(
  cols: Float64Array[],
  y: Float64Array,
  n: number,
  media: number[],
  u: number[],
  trend: number,
  alpha: number,
  pool: number,
  trendPenalty = POOLED_TREND_PENALTY,
): { coef: number[]; intercept: number } {
  const p = cols.length;
  const mean = (c: ArrayLike<number>): number => {
    let m = 0;
    for (let t = 0; t < n; t++) m += c[t] / n;
    return m;
  };
  const mx = cols.map(mean);
  const my = mean(y);
  let yy = 0;
  for (let t = 0; t < n; t++) yy += (y[t] - my) ** 2;
  const a = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p + 1 }, (_, j) => {
      let s = 0;
      for (let t = 0; t < n; t++)
        s += (cols[i][t] - mx[i]) * ((j < p ? cols[j][t] - mx[j] : y[t] - my) as number);
      return s;
    }),
  );
  for (let j = 0; j < p; j++) {
    if (media.includes(j)) continue;
    let v = 0;
    for (let t = 0; t < n; t++) v += (cols[j][t] - mx[j]) ** 2 / n;
    a[j][j] += alpha * n * v * (j === trend ? trendPenalty : 1);
  }
  const J = media.length;
  media.forEach((i, ui) =>
    media.forEach((k, vi) => {
      a[i][k] += pool * yy * u[ui] * u[vi] * ((ui === vi ? 1 : 0) - 1 / J);
    }),
  );
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    [a[c], a[piv]] = [a[piv], a[c]];
    const d = a[c][c];
    for (let j = 0; j <= p; j++) a[c][j] /= d;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let j = 0; j <= p; j++) a[r][j] -= f * a[c][j];
    }
  }
  const coef = a.map((row) => row[p]);
  let intercept = my;
  for (let j = 0; j < p; j++) intercept -= coef[j] * mx[j];
  return { coef, intercept };
}

/** Three channels sharing a return of about 2, two base columns and a trend; rows after n are garbage. */
function problem(garble = false): {
  cols: Float64Array[];
  y: Float64Array;
  n: number;
  media: number[];
  u: number[];
  trend: number;
} {
  const rng = new SeededRandom(17);
  const n = 60;
  const len = n + 15;
  const spend = [0, 1, 2].map(() => Float64Array.from({ length: len }, () => rng.uniform(50, 150)));
  const season = Float64Array.from({ length: len }, (_, t) => Math.sin((2 * Math.PI * t) / 52));
  const other = Float64Array.from({ length: len }, () => rng.uniform(-1, 1));
  const trend = Float64Array.from({ length: len }, (_, t) => t / len);
  const y = Float64Array.from(
    { length: len },
    (_, t) =>
      1000 +
      1.8 * spend[0][t] +
      2.2 * spend[1][t] +
      2 * spend[2][t] +
      80 * season[t] +
      30 * other[t] +
      200 * trend[t] +
      rng.uniform(-60, 60),
  );
  const cols = [...spend, season, other, trend];
  if (garble) {
    for (let t = n; t < len; t++) {
      y[t] = rng.uniform(-1e7, 1e7);
      for (const c of cols) c[t] = rng.uniform(-1e5, 1e5);
    }
  }
  // Raw weights: coefficient -> revenue per unit of spend (the columns are spend itself: 1).
  return { cols, y, n, media: [0, 1, 2], u: [1, 1, 1], trend: 5 };
}

describe('solvePooledRidge', () => {
  it('solves the pooled penalty as the normal equations written out on the raw scale', () => {
    const { cols, y, n, media, u, trend } = problem();
    const sys = ridgeSystem(momentsOf(cols, y, { start: 0, end: n }));
    let yy = 0;
    for (let t = 0; t < n; t++) yy += (y[t] - sys.yMean) ** 2;
    for (const [alpha, pool] of [
      [0.01, 0.0001],
      [1, 0.01],
      [10, 1],
    ]) {
      const got = solvePooledRidge(sys, { media, weights: u, trend }, alpha, pool, yy);
      expect(got).not.toBeNull();
      const want = pooledByHand(cols, y, n, media, u, trend, alpha, pool);
      got!.model.coef.forEach((c, j) => expect(c).toBeCloseTo(want.coef[j], 6));
      expect(got!.model.intercept).toBeCloseTo(want.intercept, 4);
    }
  });

  it("solves a trend penalty other than the default (daily windows' 100x) as written out", () => {
    const { cols, y, n, media, u, trend } = problem();
    const sys = ridgeSystem(momentsOf(cols, y, { start: 0, end: n }));
    let yy = 0;
    for (let t = 0; t < n; t++) yy += (y[t] - sys.yMean) ** 2;
    for (const [alpha, pool] of [
      [0.1, 0.001],
      [3, 0.1],
    ]) {
      const got = solvePooledRidge(sys, { media, weights: u, trend }, alpha, pool, yy, 100);
      const want = pooledByHand(cols, y, n, media, u, trend, alpha, pool, 100);
      got!.model.coef.forEach((c, j) => expect(c).toBeCloseTo(want.coef[j], 6));
      expect(got!.model.intercept).toBeCloseTo(want.intercept, 4);
      // Stiffer than the default: the trend's coefficient is smaller in size.
      const soft = solvePooledRidge(sys, { media, weights: u, trend }, alpha, pool, yy)!;
      expect(Math.abs(got!.model.coef[trend])).toBeLessThan(Math.abs(soft.model.coef[trend]));
    }
  });

  it('a strong pool gives every channel the same return; the trend is damped', () => {
    const { cols, y, n, media, u, trend } = problem();
    const sys = ridgeSystem(momentsOf(cols, y, { start: 0, end: n }));
    let yy = 0;
    for (let t = 0; t < n; t++) yy += (y[t] - sys.yMean) ** 2;
    const strong = solvePooledRidge(sys, { media, weights: u, trend }, 1, 1e6, yy)!.model;
    const r = media.map((j) => strong.coef[j] * u[j]);
    for (const v of r) expect(v).toBeCloseTo(r[0], 3);
    // The common return is still estimated (not shrunk toward zero): near the true 2.
    expect(r[0]).toBeGreaterThan(1.5);
    expect(r[0]).toBeLessThan(2.5);
    // Against a Ridge of the same alpha on every column, the trend coefficient is smaller.
    const weak = solvePooledRidge(sys, { media, weights: u, trend: -1 }, 1, 1e6, yy)!.model;
    expect(Math.abs(strong.coef[trend])).toBeLessThan(Math.abs(weak.coef[trend]));
  });
});

describe('selectPooledRidge', () => {
  it("takes the grid point of least GCV and reads no row at or after the window's end", () => {
    const clean = problem();
    const dirty = problem(true);
    const penalty = { media: clean.media, weights: clean.u, trend: clean.trend };
    const got = selectPooledRidge(clean.cols, clean.y, clean.n, penalty);
    const garbled = selectPooledRidge(dirty.cols, dirty.y, dirty.n, penalty);
    expect(got).not.toBeNull();
    expect(garbled!.alpha).toBe(got!.alpha);
    expect(garbled!.pool).toBe(got!.pool);
    garbled!.model.coef.forEach((c, j) => expect(c).toBeCloseTo(got!.model.coef[j], 9));
    // GCV of every grid point, from the fit and its degrees of freedom.
    const { cols, y, n } = clean;
    const sys = ridgeSystem(momentsOf(cols, y, { start: 0, end: n }));
    let yy = 0;
    for (let t = 0; t < n; t++) yy += (y[t] - sys.yMean) ** 2;
    let best = Infinity;
    let at: [number, number] = [NaN, NaN];
    for (const alpha of DEFAULT_ALPHAS) {
      for (const pool of POOL_GRID) {
        const fit = solvePooledRidge(sys, penalty, alpha, pool, yy)!;
        const pred = predictRidge(fit.model, cols, { start: 0, end: n });
        let rss = 0;
        for (let t = 0; t < n; t++) rss += (y[t] - pred[t]) ** 2;
        const gcv = (n * rss) / (n - fit.df) ** 2;
        if (gcv < best) [best, at] = [gcv, [alpha, pool]];
      }
    }
    expect([got!.alpha, got!.pool]).toEqual(at);
    expect(got!.gcv).toBeCloseTo(best, 6);
  });
});

/** A weekly tenant of correlated channels without weather (a dev shape, seeds 4301-4312 of this work). */
function weekly(): TenantSeries {
  const spec = { frequency: 'weekly', years: 2, channels: 4, correlation: 0.5 } as const;
  return generateShape(shapeSpecOf('c_s4303_0', 4303, spec), { seed: 4303 }).series;
}

describe('weekly phases 0-1: the pooled mean', () => {
  it("weights each log-spend column by the window's sums: half a channel's return each", () => {
    const s = weekly();
    const T = 70;
    const fit = new PhaseLadder(s, { horizon: 17 }).own(0, T);
    const penalty = weeklyPooledPenalty(s, fit.names, fit.columns, T);
    expect(penalty.media.length).toBe(2 * s.channels.length);
    expect(penalty.trend).toBe(fit.names.indexOf('trend'));
    penalty.media.forEach((j, i) => {
      const c = s.channels.findIndex((ch) => fit.names[j].startsWith(`${ch}_log_spend`));
      let col = 0;
      let spend = 0;
      for (let t = 0; t < T; t++) {
        col += fit.columns[j][t];
        spend += s.spend[c][t];
      }
      expect(penalty.weights[i]).toBeCloseTo((2 * col) / spend, 12);
    });
  });

  it('forecasts with the mean of the Ridge and the pooled Ridge, phases 0 and 1', () => {
    const s = weekly();
    for (const k of [0, 1] as const) {
      for (const T of [53, 70, 87]) {
        const pooled = new PhaseLadder(s, { horizon: 17 }).own(k, T);
        const plain = new PhaseLadder(s, { horizon: 17, weeklyPooled: false }).own(k, T);
        expect(pooled.alpha).toBe(plain.alpha);
        const penalty = weeklyPooledPenalty(s, plain.names, plain.columns, T);
        const other = selectPooledRidge(plain.columns, s.target, T, penalty, DEFAULT_ALPHAS)!;
        const want = averageRidgeModels(
          fitRidge(plain.columns, s.target, { start: 0, end: T }, plain.alpha!),
          other.model,
        );
        const got = predictFold(pooled, T, T + 17);
        const ref = predictRidge(want, plain.columns, { start: T, end: T + 17 });
        const a = predictFold(plain, T, T + 17);
        const b = predictRidge(other.model, plain.columns, { start: T, end: T + 17 });
        got.forEach((v, i) => {
          expect(v).toBeCloseTo(ref[i], 4);
          expect(v).toBeCloseTo((a[i] + b[i]) / 2, 4);
        });
      }
    }
  });

  it("reads no row at or after the window's end", () => {
    const s = weekly();
    const T = 70;
    const garbled = garbledAfter(s, T, 9);
    for (const k of [0, 1] as const) {
      const clean = new PhaseLadder(s, { horizon: 17 }).own(k, T);
      const dirty = new PhaseLadder(garbled, { horizon: 17 }).own(k, T);
      Array.from(dirty.ridge!.coef).forEach((c, j) =>
        expect(c).toBeCloseTo(clean.ridge!.coef[j], 9),
      );
    }
  });

  it('daily data is left as it was', () => {
    const s = generateTenant('none_kitchen').series;
    const on = new PhaseLadder(s, { horizon: 182 }).own(1, 367);
    const off = new PhaseLadder(s, { horizon: 182, weeklyPooled: false }).own(1, 367);
    expect(Array.from(on.ridge!.coef)).toEqual(Array.from(off.ridge!.coef));
  });
});
