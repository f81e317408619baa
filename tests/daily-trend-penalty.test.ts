/**
 * Daily pooled windows: a strong trend's penalty multiple chosen from the window's rows
 * (phases/ladder.ts dailyPooledFit, core/ridge.ts trendPartialR2). docs/modeling.md, "Daily pooled
 * windows: a strong trend's penalty chosen from the rows".
 */
import { describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import { solveSpd } from '../src/core/linalg.js';
import { SeededRandom } from '../src/core/random.js';
import {
  DEFAULT_ALPHAS,
  averageRidgeModels,
  fitRidge,
  predictRidge,
  selectPooledRidge,
  trendPartialR2,
} from '../src/core/ridge.js';
import type { TenantSeries } from '../src/core/types.js';
import {
  DAILY_POOLED_TREND_PENALTY,
  DAILY_TREND_PENALTIES,
  PhaseLadder,
  STRONG_TREND_PARTIAL_R2,
  dailyPooledFit,
  dailyPooledPenalty,
  predictFold,
} from '../src/phases/ladder.js';
import { garbledAfter } from './garble.js';

const H = 30;

function tenant(): TenantSeries {
  return generateTenant('none_kitchen').series;
}

/** The same tenant whose level grows by `growth` (a share of its mean revenue) over `rows` days. */
function growing(growth: number, rows: number): TenantSeries {
  const s = tenant();
  let level = 0;
  for (const v of s.target) level += v / s.target.length;
  return { ...s, target: Float64Array.from(s.target, (v, t) => v + (level * growth * t) / rows) };
}

/** Residual sum of squares of least squares with an intercept, by the normal equations. */
function leastSquaresRss(columns: readonly Float64Array[], y: Float64Array, n: number): number {
  const p = columns.length + 1;
  const x = (t: number, j: number): number => (j === 0 ? 1 : columns[j - 1][t]);
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < p; i++) {
      b[i] += x(t, i) * y[t];
      for (let j = 0; j < p; j++) a[i * p + j] += x(t, i) * x(t, j);
    }
  }
  const beta = solveSpd(a, b, p);
  let rss = 0;
  for (let t = 0; t < n; t++) {
    let f = 0;
    for (let j = 0; j < p; j++) f += beta[j] * x(t, j);
    rss += (y[t] - f) ** 2;
  }
  return rss;
}

describe('trendPartialR2', () => {
  it("is the share of the other columns' residual sum of squares that the trend removes", () => {
    const rng = new SeededRandom(5);
    const n = 200;
    const trend = Float64Array.from({ length: n }, (_, t) => t / n);
    const season = Float64Array.from({ length: n }, (_, t) => Math.sin(t / 20) + 0.3 * (t / n));
    const spend = Float64Array.from({ length: n }, () => rng.uniform(0, 10));
    for (const slope of [0, 2, 20]) {
      const y = Float64Array.from(
        { length: n },
        (_, t) => 5 + slope * trend[t] + 3 * season[t] + 0.5 * spend[t] + rng.normal(0, 1),
      );
      const without = leastSquaresRss([season, spend], y, n);
      const withTrend = leastSquaresRss([season, spend, trend], y, n);
      const want = (without - withTrend) / without;
      expect(trendPartialR2([season, spend, trend], y, n, 2)).toBeCloseTo(want, 3);
    }
  });

  it('reads no row at or after trainEnd', () => {
    const n = 120;
    const T = 90;
    const rng = new SeededRandom(9);
    const trend = Float64Array.from({ length: n }, (_, t) => t);
    const x = Float64Array.from({ length: n }, () => rng.uniform(0, 1));
    const y = Float64Array.from({ length: n }, (_, t) => t * 0.1 + x[t] + rng.normal(0, 1));
    const garbled = Float64Array.from(y, (v, t) => (t >= T ? rng.uniform(-1e6, 1e6) : v));
    const xg = Float64Array.from(x, (v, t) => (t >= T ? 1e5 : v));
    expect(trendPartialR2([xg, trend], garbled, T, 1)).toBe(trendPartialR2([x, trend], y, T, 1));
  });
});

describe('daily pooled windows: the trend penalty', () => {
  it("keeps 100x where the trend is moderate (a built-in tenant's growth)", () => {
    const s = tenant();
    for (const T of [400, 549]) {
      const fit = new PhaseLadder(s, { horizon: H }).own(0, T);
      const got = dailyPooledFit(s, fit.names, fit.columns, s.target, T, DEFAULT_ALPHAS);
      expect(got.trendPartialR2!).toBeLessThanOrEqual(STRONG_TREND_PARTIAL_R2);
      expect(got.trendPenalty).toBe(DAILY_POOLED_TREND_PENALTY);
    }
  });

  it("keeps a strong trend in the window's rows: its penalty chosen by GCV, below 100x", () => {
    // Level +120 % over 600 days (the made-up file): the trend is most of what the
    // rest of the design leaves.
    const s = growing(1.2, 600);
    const T = 420;
    const fit = new PhaseLadder(s, { horizon: H }).own(0, T);
    const got = dailyPooledFit(s, fit.names, fit.columns, s.target, T, DEFAULT_ALPHAS);
    expect(got.trendPartialR2!).toBeGreaterThan(STRONG_TREND_PARTIAL_R2);
    expect(got.trendPenalty).toBeLessThan(DAILY_POOLED_TREND_PENALTY);
    // The chosen multiple has the least GCV score of the grid (each with its best alpha, pool).
    const penalty = dailyPooledPenalty(s, fit.names, fit.columns, T);
    const scores = DAILY_TREND_PENALTIES.map((m) =>
      selectPooledRidge(fit.columns, s.target, T, penalty, DEFAULT_ALPHAS, undefined, m)!,
    );
    const least = Math.min(...scores.map((f) => f.gcv));
    expect(got.fit!.gcv).toBe(least);
    expect(got.trendPenalty).toBe(DAILY_TREND_PENALTIES[scores.findIndex((f) => f.gcv === least)]);
    // The fold model forecasts with the mean of the window's Ridge and that pooled fit.
    const plain = new PhaseLadder(s, { horizon: H, dailyPooled: false }).own(0, T);
    const want = averageRidgeModels(
      fitRidge(plain.columns, s.target, { start: 0, end: T }, plain.alpha!),
      got.fit!.model,
    );
    const ref = predictRidge(want, plain.columns, { start: T, end: T + H });
    predictFold(fit, T, T + H).forEach((v, i) => expect(v).toBeCloseTo(ref[i], 4));
    // Its trend is not damped as the fixed rule damps it: the slope of the forecast follows the
    // growth (the 100x model's slope over the next H days is smaller).
    const fixed = selectPooledRidge(
      fit.columns,
      s.target,
      T,
      penalty,
      DEFAULT_ALPHAS,
      undefined,
      DAILY_POOLED_TREND_PENALTY,
    )!;
    const j = fit.names.indexOf('trend');
    expect(got.fit!.model.coef[j]).toBeGreaterThan(fixed.model.coef[j]);
  });

  it("reads no row at or after the window's end, the choice included", () => {
    const s = growing(1.2, 600);
    const T = 420;
    const garbled = garbledAfter(s, T, 11);
    for (const k of [0, 1] as const) {
      const clean = new PhaseLadder(s, { horizon: H }).own(k, T);
      const dirty = new PhaseLadder(garbled, { horizon: H }).own(k, T);
      const a = dailyPooledFit(s, clean.names, clean.columns, s.target, T, DEFAULT_ALPHAS);
      const b = dailyPooledFit(
        garbled,
        dirty.names,
        dirty.columns,
        garbled.target,
        T,
        DEFAULT_ALPHAS,
      );
      expect(b.trendPenalty).toBe(a.trendPenalty);
      expect(b.trendPartialR2).toBe(a.trendPartialR2);
      Array.from(dirty.ridge!.coef).forEach((c, j) =>
        expect(c).toBeCloseTo(clean.ridge!.coef[j], 9),
      );
    }
  });
});

describe('daily windows under a year: a strong trend kept', () => {
  it('keeps the trend of a window whose rows it dominates, with the yearly terms still left out', () => {
    const s = growing(1.2, 600);
    const T = 360;
    const ladder = new PhaseLadder(s, { horizon: H });
    const plain = new PhaseLadder(s, { horizon: H, strongTrendUnderYear: false });
    expect(ladder.strongTrendKept(T)).toBe(true);
    for (const k of [0, 1, 2] as const) {
      const fit = ladder.own(k, T);
      const off = plain.own(k, T);
      expect(off.dropped).toContain('trend');
      expect(fit.dropped).toEqual(off.dropped.filter((n) => n !== 'trend'));
      expect(fit.dropped).toEqual(expect.arrayContaining(['sin1', 'cos1', 'sin2', 'cos2']));
      const j = fit.names.indexOf('trend');
      // The trend column is the design's own (extrapolated after the window), not zeroed.
      expect(fit.columns[j][T + H - 1]).toBeGreaterThan(fit.columns[j][T - 1]);
      expect(off.columns[j].every((v) => v === 0)).toBe(true);
    }
    // The decision is the trend's partial R² on the window's phase-0 columns, trend put back.
    const fit0 = ladder.own(0, T);
    const j = fit0.names.indexOf('trend');
    expect(trendPartialR2(fit0.columns, s.target, T, j)).toBeGreaterThan(STRONG_TREND_PARTIAL_R2);
  });

  it("leaves out a built-in tenant's trend under a year, and never reads a row after the window", () => {
    const s = tenant();
    const ladder = new PhaseLadder(s, { horizon: H });
    for (const T of [185, 300, 364]) {
      expect(ladder.strongTrendKept(T)).toBe(false);
      expect(ladder.own(0, T).dropped).toContain('trend');
    }
    const grow = growing(1.2, 600);
    const T = 360;
    const rng = new SeededRandom(13);
    const garbled: TenantSeries = {
      ...grow,
      // After the window: no growth at all, and noise.
      target: Float64Array.from(grow.target, (v, i) => (i >= T ? rng.uniform(0, 1e3) : v)),
      spend: grow.spend.map((x) => Float64Array.from(x, (v, i) => (i >= T ? 1e6 - v : v))),
    };
    const clean = new PhaseLadder(grow, { horizon: H });
    const dirty = new PhaseLadder(garbled, { horizon: H });
    expect(dirty.strongTrendKept(T)).toBe(clean.strongTrendKept(T));
    for (const k of [0, 1] as const) {
      Array.from(dirty.own(k, T).ridge!.coef).forEach((c, i) =>
        expect(c).toBeCloseTo(clean.own(k, T).ridge!.coef[i], 9),
      );
    }
  });
});
