/**
 * Weekly phase 3's media effects kept non-negative and its log-spend partner (phases/ladder.ts
 * nonNegativeMediaColumns, own(3)); docs/modeling.md, "Weekly phase 3: media effects kept
 * non-negative".
 */
import { describe, expect, it } from 'vitest';
import { generateShape, generateTenant, shapeSpecOf } from '../src/core/data/index.js';
import { fitRidge } from '../src/core/ridge.js';
import type { TenantSeries } from '../src/core/types.js';
import { nonNegativeMediaColumns, PhaseLadder, predictFold } from '../src/phases/ladder.js';
import { mediaColumnName } from '../src/phases/media.js';

/** A weekly tenant of many correlated channels (the dev shape of this rule, not a held-out seed). */
function correlatedWeekly(i = 1): TenantSeries {
  const spec = {
    frequency: 'weekly',
    years: 2,
    channels: 8,
    correlation: 0.6,
    weather: 'none',
    events: true,
    saturation: 'logistic',
  } as const;
  return generateShape(shapeSpecOf(`a_s3001_${i}`, 3001, spec), { seed: 3001 }).series;
}

const mainCoefficients = (
  fit: { names: string[]; ridge: { coef: Float64Array } | null },
  channels: readonly string[],
) => channels.map((c) => fit.ridge!.coef[fit.names.indexOf(mediaColumnName(c))]);

describe('weekly phase 3: media effects kept non-negative', () => {
  it('leaves out a channel whose effect the Ridge makes negative, with its interactions', () => {
    // b is a with some noise; y rises with a and falls with b, so the Ridge gives b
    // a negative coefficient. Left out, a alone carries the effect, with a positive slope.
    const n = 60;
    const a = Float64Array.from({ length: n }, (_, t) => 1 + Math.sin(t / 3) + (t % 7) / 7);
    const b = Float64Array.from(a, (v, t) => v + 0.4 * Math.cos(t * 1.7));
    const temp = Float64Array.from({ length: n }, (_, t) => 10 + 8 * Math.sin(t / 9));
    const bx = Float64Array.from(b, (v, t) => v * temp[t]);
    const y = Float64Array.from(a, (v, t) => 100 + 30 * v - 12 * b[t] + 0.5 * temp[t]);
    const names = ['a_adstock_hill', 'b_adstock_hill', 'b_adstock_hill_x_temp', 'temp'];
    const columns = [a, b, bx, temp];
    const free = fitRidge(columns, y, { start: 0, end: n }, 1);
    expect(free.coef[1]).toBeLessThan(0);
    const out = nonNegativeMediaColumns(names, columns, y, n, 1, ['a', 'b']);
    expect(out.left).toEqual(['b']);
    expect(out.columns[0]).toBe(a);
    expect(out.columns[3]).toBe(temp);
    expect(out.columns[1].every((v) => v === 0)).toBe(true);
    expect(out.columns[2].every((v) => v === 0)).toBe(true);
    const refit = fitRidge(out.columns, y, { start: 0, end: n }, 1);
    // y = 100 + 18 a + 0.5 temp + 12 (a - b): a's slope alone is close to 30 - 12 = 18.
    expect(refit.coef[0]).toBeGreaterThan(15);
    expect(refit.coef[0]).toBeLessThan(21);
    // Nothing negative: nothing left out, the columns are the same arrays.
    const none = nonNegativeMediaColumns(names.slice(0, 1), [a], y, n, 1, ['a']);
    expect(none.left).toEqual([]);
    expect(none.columns[0]).toBe(a);
  });

  it("a weekly fold's adstock/Hill model has no negative channel effect; the explained model is the free one", () => {
    const wk = correlatedWeekly();
    const ladder = new PhaseLadder(wk, { horizon: 10, search: { scheme: 'blocked' } });
    let leftOut = 0;
    let freeNegative = 0;
    for (const T of [54, 64, 74, 84, 94]) {
      const own = ladder.own(3, T);
      for (const c of mainCoefficients(own, wk.channels)) expect(c).toBeGreaterThanOrEqual(0);
      if (/left out for a negative effect/.test(own.reason ?? '')) leftOut++;
      const free = ladder.adstockHillAlone(T)!;
      if (mainCoefficients(free, wk.channels).some((c) => c < 0)) freeNegative++;
      expect(free.mixed).toBeNull();
    }
    // The correlated channels do offset each other in the unconstrained fits (measured on the
    // old code: negative adstock/Hill coefficients in every window of this tenant).
    expect(freeNegative).toBeGreaterThan(0);
    expect(leftOut).toBe(freeNegative);
  });

  it("the weekly mix's log-spend half is phase 1's decision (before phase 1's mean with phase 0), not phase 2's own", () => {
    const wk = correlatedWeekly();
    const ladder = new PhaseLadder(wk, { horizon: 10, search: { scheme: 'blocked' } });
    for (const T of [54, 74, 94]) {
      const own = ladder.own(3, T);
      const hill = predictFold({ ...own, mixed: null }, T, T + 10);
      const p1 = ladder.fit(1, T);
      const decided = p1.fallback!.kept ? ladder.own(1, T) : p1;
      const logSpend = predictFold(decided, T, T + 10);
      const mix = predictFold(own, T, T + 10);
      mix.forEach((v, i) => {
        const want = (hill[i] + logSpend[i]) / 2;
        expect(Math.abs(v - want)).toBeLessThanOrEqual(1e-9 * Math.abs(want));
      });
      expect(own.mixed!.phase).toBe(p1.phase);
    }
  });

  it('a kept weekly phase-1 fold (on its validation blocks or unchecked) forecasts with the mean of phase 1 and phase 0', () => {
    // Tenant 0: phase 1 is kept on the blocks of four of its folds (tenant 1's phase 0, with its
    // alpha by generalized cross-validation, wins every block).
    const wk = correlatedWeekly(0);
    const ladder = new PhaseLadder(wk, { horizon: 10 });
    const plain = new PhaseLadder(wk, { horizon: 10, weeklyPhase1Mix: false });
    let hedged = 0;
    for (const T of [54, 64, 74, 84, 94]) {
      const fit = ladder.fit(1, T);
      const rec = fit.fallback!;
      const p1 = predictFold(ladder.own(1, T), T, T + 10);
      const p0 = predictFold(ladder.own(0, T), T, T + 10);
      const got = predictFold(fit, T, T + 10);
      if (rec.kept) {
        // Kept on blocks, or unchecked (the first, 54-week fold; tests/weekly-hedge.test.ts).
        if (rec.validation_blocks > 0) hedged++;
        got.forEach((v, i) => {
          const want = (p1[i] + p0[i]) / 2;
          expect(Math.abs(v - want)).toBeLessThanOrEqual(1e-9 * Math.abs(want));
        });
        expect(rec.reason).toMatch(/averaged with phase 0's model$/);
        expect(predictFold(plain.fit(1, T), T, T + 10)).toEqual(p1);
      } else {
        // Fallen back: as before.
        expect(got).toEqual(predictFold(plain.fit(1, T), T, T + 10));
      }
    }
    expect(hedged).toBeGreaterThan(0);
    // Daily data is not hedged this way: its checked phase 1 is stacked on its blocks instead
    // (ladder.ts stacking), with the share of phase 1 the blocks support, not a fixed half.
    const daily = new PhaseLadder(generateTenant('high_umbrella_rain').series, { horizon: 182 });
    const d = daily.fit(1, 732);
    expect(d.fallback!.validation_blocks).toBeGreaterThan(0);
    expect(d.fallback!.reason).not.toMatch(/averaged with phase 0's model/);
    expect(d.fallback!.weight).toBeDefined();
    const unstacked = new PhaseLadder(generateTenant('high_umbrella_rain').series, {
      horizon: 182,
      stacking: false,
    }).fit(1, 732);
    if (unstacked.fallback!.kept) expect(unstacked.mixed).toBeNull();
  });

  it('reads no row after the window: garbage there leaves the channels left out and the forecast unchanged', () => {
    const wk = correlatedWeekly();
    const clean = new PhaseLadder(wk, { horizon: 10, search: { scheme: 'blocked' } });
    for (const T of [54, 74, 84]) {
      const garbled: TenantSeries = {
        ...wk,
        target: Float64Array.from(wk.target, (v, t) => (t >= T ? -v * 7 + 1e5 : v)),
        spend: wk.spend.map((x) => Float64Array.from(x, (v, t) => (t >= T ? 1e6 - v : v))),
      };
      const dirty = new PhaseLadder(garbled, { horizon: 10, search: { scheme: 'blocked' } });
      const a = clean.own(3, T);
      const b = dirty.own(3, T);
      expect(b.reason).toBe(a.reason);
      expect(Array.from(b.ridge!.coef)).toEqual(Array.from(a.ridge!.coef));
      expect(predictFold(b, 0, T)).toEqual(predictFold(a, 0, T));
      expect(dirty.fit(3, T).fallback).toEqual(clean.fit(3, T).fallback);
      expect(dirty.fit(1, T).fallback).toEqual(clean.fit(1, T).fallback);
      expect(predictFold(dirty.fit(1, T), 0, T)).toEqual(predictFold(clean.fit(1, T), 0, T));
    }
  });
});
