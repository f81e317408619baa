/**
 * Weekly phase 0: the Ridge alpha of each window chosen by generalized cross-validation on the
 * window's rows (core/ridge.ts selectAlphaGcv, phases/ladder.ts own(0)); daily phase 0 keeps the
 * plan's alpha 1. docs/modeling.md, "Weekly phase 0: alpha by generalized cross-validation".
 */
import { describe, expect, it } from 'vitest';
import { generateShape, generateTenant, shapeSpecOf } from '../src/core/data/index.js';
import { DEFAULT_ALPHAS, fitRidge, selectAlphaGcv, selectPooledRidge } from '../src/core/ridge.js';
import { SeededRandom } from '../src/core/random.js';
import type { TenantSeries } from '../src/core/types.js';
import { buildDesign, modelWeatherNames } from '../src/core/features.js';
import { fitFinalModel } from '../src/phases/final.js';
import { PhaseLadder, predictFold, weeklyPooledPenalty } from '../src/phases/ladder.js';
import { garbledAfter } from './garble.js';
import { inverseByGaussJordan } from './reference-stats.js';

/**
 * GCV by the hat matrix, written out: standardize X on the rows (population std; a column constant
 * on the rows is left at zero), form
 * H = 11'/n + X~ (X~'X~ + alpha I)^-1 X~' by Gauss-Jordan inversion, and return
 * n ||(I - H) y||^2 / (n - tr H)^2. No code shared with core/ridge.ts.
 */
function gcvByHatMatrix(cols: Float64Array[], y: Float64Array, n: number, alpha: number): number {
  const p = cols.length;
  const z = cols.map((c) => {
    let m = 0;
    for (let t = 0; t < n; t++) m += c[t] / n;
    let v = 0;
    for (let t = 0; t < n; t++) v += (c[t] - m) ** 2 / n;
    const constant = Array.from({ length: n }, (_, t) => c[t]).every((x) => x === c[0]);
    return Array.from({ length: n }, (_, t) => (constant ? 0 : (c[t] - m) / Math.sqrt(v)));
  });
  // (Z'Z + alpha I)^-1 by Gauss-Jordan with partial pivoting.
  const inv = inverseByGaussJordan(
    Array.from({ length: p }, (_, i) =>
      Array.from({ length: p }, (_, j) => {
        let s = 0;
        for (let t = 0; t < n; t++) s += z[i][t] * z[j][t];
        return s + (i === j ? alpha : 0);
      }),
    ),
  );
  let trace = 0;
  let rss = 0;
  for (let s = 0; s < n; s++) {
    let fitted = 0;
    for (let t = 0; t < n; t++) {
      let h = 1 / n;
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) h += z[i][s] * inv[i][j] * z[j][t];
      if (s === t) trace += h;
      fitted += h * y[t];
    }
    rss += (y[s] - fitted) ** 2;
  }
  return (n * rss) / (n - trace) ** 2;
}

/** A weekly tenant of many correlated channels and weather (a dev shape, not a held-out seed). */
function weeklyWithWeather(): TenantSeries {
  const spec = {
    frequency: 'weekly',
    years: 3,
    channels: 5,
    correlation: 0.7,
    weather: 'renamed',
    adstock: 'delayed',
  } as const;
  return generateShape(shapeSpecOf('b_s3003_0', 3003, spec), { seed: 3003 }).series;
}

describe('selectAlphaGcv', () => {
  it('scores every alpha as the hat-matrix GCV and picks the least', () => {
    const rng = new SeededRandom(11);
    const n = 40;
    const x1 = Float64Array.from({ length: n }, () => rng.uniform(0, 10));
    const x2 = Float64Array.from(x1, (v) => v + rng.uniform(-1, 1));
    const x3 = Float64Array.from({ length: n }, (_, t) => Math.sin(t / 4));
    const constant = new Float64Array(n).fill(3);
    const y = Float64Array.from({ length: n + 5 }, (_, t) =>
      t < n ? 2 * x1[t] - x2[t] + 5 * x3[t] + rng.uniform(-4, 4) : 1e9,
    );
    const cols = [x1, x2, x3, constant].map((c) =>
      Float64Array.from({ length: n + 5 }, (_, t) => (t < n ? c[t] : -1e9)),
    );
    const grid = [0.01, 0.1, 1, 10, 100, 1000];
    const got = selectAlphaGcv(cols, y, n, grid);
    const want = grid.map((a) => gcvByHatMatrix(cols, y, n, a));
    got.scores.forEach((s, i) => expect(s).toBeCloseTo(want[i], 6));
    expect(got.alpha).toBe(grid[want.indexOf(Math.min(...want))]);
    // The rows after trainEnd (1e9 above) are never read.
    expect(Number.isFinite(got.scores[0])).toBe(true);
  });

  it('refuses a bad grid or training end', () => {
    const c = [Float64Array.from({ length: 10 }, (_, t) => t)];
    const y = Float64Array.from({ length: 10 }, (_, t) => t * 2);
    expect(() => selectAlphaGcv(c, y, 10, [])).toThrow(/alpha grid is empty/);
    expect(() => selectAlphaGcv(c, y, 11)).toThrow(/trainEnd/);
  });
});

describe('weekly phase 0: alpha by generalized cross-validation', () => {
  it("chooses each window's alpha by GCV on the window's rows", () => {
    const s = weeklyWithWeather();
    // The Ridge alone (weeklyPooled false): its mean with the pooled Ridge is tested in
    // tests/weekly-pooled.test.ts.
    const ladder = new PhaseLadder(s, { horizon: 20, weeklyPooled: false });
    const alphas: number[] = [];
    for (const T of [56, 76, 96, 116, 136]) {
      const fit = ladder.own(0, T);
      const want = selectAlphaGcv(fit.columns, s.target, T, DEFAULT_ALPHAS).alpha;
      expect(fit.alpha).toBe(want);
      // The model is the Ridge at that alpha on the window's rows.
      const ridge = fitRidge(fit.columns, s.target, { start: 0, end: T }, want);
      const got = predictFold(fit, T, T + 20);
      const ref = Float64Array.from({ length: 20 }, (_, i) => {
        let v = ridge.intercept;
        for (let j = 0; j < fit.columns.length; j++) v += ridge.coef[j] * fit.columns[j][T + i];
        return v;
      });
      got.forEach((v, i) => expect(v).toBeCloseTo(ref[i], 4));
      alphas.push(want);
    }
    // Not the plan's fixed alpha 1 everywhere: these windows of 5 channels and 4 weather columns
    // take more shrinkage.
    expect(alphas.some((a) => a !== 1)).toBe(true);
  });

  it("reads no row at or after the window's end", () => {
    const s = weeklyWithWeather();
    const T = 76;
    const garbled = garbledAfter(s, T, 5, { weather: true });
    const clean = new PhaseLadder(s, { horizon: 20 }).own(0, T);
    const dirty = new PhaseLadder(garbled, { horizon: 20 }).own(0, T);
    expect(dirty.alpha).toBe(clean.alpha);
    expect(Array.from(dirty.ridge!.coef)).toEqual(Array.from(clean.ridge!.coef));
  });

  it("daily phase 0 keeps the plan's alpha 1 (built-in tenants)", () => {
    const s = generateTenant('none_kitchen').series;
    const ladder = new PhaseLadder(s, { horizon: 182 });
    for (const T of [185, 367, 549]) expect(ladder.own(0, T).alpha).toBe(1);
  });

  it('the all-rows phase-0 model (explain) takes its alpha by GCV on all rows too', () => {
    const s = weeklyWithWeather();
    const model = fitFinalModel(s, 0);
    const design = buildDesign(s, { interactions: false, weather: modelWeatherNames(s) });
    const n = s.target.length;
    const want = selectAlphaGcv(design.columns, s.target, n, DEFAULT_ALPHAS).alpha;
    expect(model.alpha).toBe(want);
    expect(model.reason).toMatch(/generalized cross-validation/);
    // Averaged with the pooled Ridge of all rows, as the fold models (ladder.ts pooledMean).
    const ridge = fitRidge(design.columns, s.target, { start: 0, end: n }, want);
    const penalty = weeklyPooledPenalty(s, design.names, design.columns, n);
    const pooled = selectPooledRidge(design.columns, s.target, n, penalty, DEFAULT_ALPHAS)!;
    model.ridge.coef.forEach((c, j) =>
      expect(c).toBeCloseTo((ridge.coef[j] + pooled.model.coef[j]) / 2, 6),
    );
    expect(model.reason).toMatch(/averaged with the pooled Ridge/);
  });
});
