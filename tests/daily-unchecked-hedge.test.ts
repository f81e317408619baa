/**
 * Daily phase 3 where no validation block can check it (the first fold of a year, 367 rows, of data
 * of two or more years) forecasts with the mean of its own model and phase 2's laddered model
 * (phases/ladder.ts dailyUncheckedHedge; docs/modeling.md, "Daily phase 3: the unchecked first fold
 * averages with phase 2"), as a phase 3 whose gain its blocks cannot tell from noise does.
 */
import { describe, expect, it } from 'vitest';
import { generateShape, suiteShape } from '../src/core/data/index.js';
import type { TenantSeries } from '../src/core/types.js';
import { PhaseLadder, predictFold } from '../src/phases/ladder.js';
import { trainPhase } from '../src/phases/index.js';

/** The suite's correlated daily shape (3 years, 4 channels, spend correlated at 0.8), seed 19. */
const tenant = generateShape(suiteShape('shape_daily_3y_correlated'), { seed: 19 });

describe('daily phase 3: the unchecked first fold averages with phase 2', () => {
  it("forecasts the 367-row fold with the mean of phase 3's own model and phase 2's laddered one", () => {
    const T = 367;
    const horizon = 182;
    const options = { horizon, search: { scheme: 'blocked' as const } };
    const ladder = new PhaseLadder(tenant.series, options);
    const plain = new PhaseLadder(tenant.series, { ...options, dailyUncheckedHedge: false });
    const fit = ladder.fit(3, T);
    expect(fit.fallback).toMatchObject({ kept: true, validation_blocks: 0 });
    expect(fit.fallback!.reason).toMatch(
      /^no fallback check: .*yearly terms.*; averaged with phase \d's laddered model$/,
    );
    const own = predictFold(ladder.own(3, T), T, T + horizon);
    const simpler = predictFold(ladder.fit(2, T), T, T + horizon);
    const got = predictFold(fit, T, T + horizon);
    got.forEach((v, i) => {
      const want = (own[i] + simpler[i]) / 2;
      expect(Math.abs(v - want)).toBeLessThanOrEqual(1e-9 * Math.abs(want));
    });
    // The option off: phase 3's own model, kept outright (the rule before).
    const old = plain.fit(3, T);
    expect(old.fallback!.reason).not.toMatch(/averaged/);
    expect(predictFold(old, T, T + horizon)).toEqual(own);
  });

  it('reads no row after the window: garbage there leaves the hedged fold unchanged', () => {
    const T = 367;
    const options = { horizon: 182, search: { scheme: 'blocked' as const } };
    const s = tenant.series;
    const garbled: TenantSeries = {
      ...s,
      target: Float64Array.from(s.target, (v, t) => (t >= T ? -v * 7 + 1e5 : v)),
      spend: s.spend.map((x) => Float64Array.from(x, (v, t) => (t >= T ? 1e6 - v : v))),
    };
    const a = new PhaseLadder(s, options).fit(3, T);
    const b = new PhaseLadder(garbled, options).fit(3, T);
    expect(b.fallback).toEqual(a.fallback);
    // The forecast rows' own spend differs (garbled); the in-window fit must not.
    expect(predictFold(b, 0, T)).toEqual(predictFold(a, 0, T));
  });

  it('keeps phase 3 within 0.01 of phase 2 where its unchecked first fold lost to it', () => {
    // Before the rule: phase 3 0.594 against phase 2's 0.621 (first fold 0.445 against 0.576).
    const p2 = trainPhase(tenant.series, 2, {}, tenant);
    const p3 = trainPhase(tenant.series, 3, {}, tenant);
    expect(p3.folds[0].train_rows).toBe(367);
    expect(p3.mean_r2).toBeGreaterThanOrEqual(p2.mean_r2 - 0.01);
  });
});
