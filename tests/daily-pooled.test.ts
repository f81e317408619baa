/**
 * Daily phases 0-1 on windows of one to two years: each window's Ridge averaged with a pooled Ridge
 * whose channels' returns per unit of spend are shrunk toward their common value and whose trend is
 * penalized DAILY_POOLED_TREND_PENALTY times (phases/ladder.ts dailyPooledPenalty,
 * dailyPooledWindow, pooledMean). docs/modeling.md, "Daily phases 0-1 of one to two years: the
 * pooled Ridge".
 */
import { describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import {
  DEFAULT_ALPHAS,
  averageRidgeModels,
  fitRidge,
  predictRidge,
  selectPooledRidge,
} from '../src/core/ridge.js';
import type { TenantSeries } from '../src/core/types.js';
import {
  DAILY_POOLED_TREND_PENALTY,
  DAILY_POOLED_WINDOW,
  PhaseLadder,
  dailyPooledPenalty,
  dailyPooledWindow,
  predictFold,
} from '../src/phases/ladder.js';
import { garbledAfter } from './garble.js';

const H = 30;

function daily(): TenantSeries {
  return generateTenant('none_kitchen').series;
}

describe('daily pooled penalty', () => {
  it("takes each channel's raw spend column at weight 1, and the trend", () => {
    const s = daily();
    const T = 400;
    const fit = new PhaseLadder(s, { horizon: H }).own(1, T);
    const penalty = dailyPooledPenalty(s, fit.names, fit.columns, T);
    expect(penalty.media.map((j) => fit.names[j])).toEqual(s.channels.map((c) => `${c}_spend`));
    expect(penalty.weights).toEqual(s.channels.map(() => 1));
    expect(penalty.trend).toBe(fit.names.indexOf('trend'));
    expect(penalty.trend).toBeGreaterThanOrEqual(0);
  });

  it('leaves out a channel that did not spend on the window', () => {
    const s = daily();
    const T = 400;
    const silent: TenantSeries = {
      ...s,
      spend: s.spend.map((x, c) => (c === 0 ? Float64Array.from(x, (v, t) => (t < T ? 0 : v)) : x)),
    };
    const fit = new PhaseLadder(silent, { horizon: H }).own(0, T);
    const penalty = dailyPooledPenalty(silent, fit.names, fit.columns, T);
    expect(penalty.media.map((j) => fit.names[j])).toEqual(
      s.channels.slice(1).map((c) => `${c}_spend`),
    );
  });

  it('applies from a year to under two years of rows', () => {
    expect(DAILY_POOLED_WINDOW).toEqual({ from: 365, below: 730 });
    expect([364, 365, 729, 730].map(dailyPooledWindow)).toEqual([false, true, true, false]);
  });
});

describe('daily phases 0-1: the pooled mean', () => {
  it('forecasts with the mean of the Ridge and the pooled Ridge inside the window range', () => {
    const s = daily();
    for (const k of [0, 1] as const) {
      for (const T of [365, 548, 729]) {
        const pooled = new PhaseLadder(s, { horizon: H }).own(k, T);
        const plain = new PhaseLadder(s, { horizon: H, dailyPooled: false }).own(k, T);
        expect(pooled.alpha).toBe(plain.alpha);
        const penalty = dailyPooledPenalty(s, plain.names, plain.columns, T);
        const other = selectPooledRidge(
          plain.columns,
          s.target,
          T,
          penalty,
          DEFAULT_ALPHAS,
          undefined,
          DAILY_POOLED_TREND_PENALTY,
        )!;
        const want = averageRidgeModels(
          fitRidge(plain.columns, s.target, { start: 0, end: T }, plain.alpha!),
          other.model,
        );
        const got = predictFold(pooled, T, T + H);
        const ref = predictRidge(want, plain.columns, { start: T, end: T + H });
        const a = predictFold(plain, T, T + H);
        const b = predictRidge(other.model, plain.columns, { start: T, end: T + H });
        got.forEach((v, i) => {
          expect(v).toBeCloseTo(ref[i], 4);
          expect(v).toBeCloseTo((a[i] + b[i]) / 2, 4);
        });
        // The pooled half moves the forecast: not the Ridge alone.
        expect(got.some((v, i) => Math.abs(v - a[i]) > 1e-6 * Math.abs(a[i]))).toBe(true);
      }
    }
  });

  it('leaves windows under a year and from two years as they were', () => {
    const s = daily();
    for (const k of [0, 1] as const) {
      for (const T of [185, 364, 730, 913]) {
        const on = new PhaseLadder(s, { horizon: H }).own(k, T);
        const off = new PhaseLadder(s, { horizon: H, dailyPooled: false }).own(k, T);
        expect(Array.from(on.ridge!.coef)).toEqual(Array.from(off.ridge!.coef));
      }
    }
  });

  it("reads no row at or after the window's end", () => {
    const s = daily();
    const T = 450;
    const garbled = garbledAfter(s, T, 11);
    for (const k of [0, 1] as const) {
      const clean = new PhaseLadder(s, { horizon: H }).own(k, T);
      const dirty = new PhaseLadder(garbled, { horizon: H }).own(k, T);
      Array.from(dirty.ridge!.coef).forEach((c, j) =>
        expect(c).toBeCloseTo(clean.ridge!.coef[j], 9),
      );
    }
  });
});
