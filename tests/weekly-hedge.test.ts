/**
 * Weekly data: every kept phase averages with the phase below (phases/ladder.ts weeklyHedge,
 * weeklyPhase1Mix; docs/modeling.md, "Weekly data: every kept phase averages with the phase
 * below"). Phase 2 keeps Ridge; a kept phase 1 (checked or unchecked) forecasts with the mean of
 * its model and phase 0's; a kept phase 3 with the mean of its model and phase 2's laddered one.
 * An unchecked phase 3 is kept only with 2 rows per coefficient (docs/modeling.md, "Weekly phase 3:
 * the unchecked fold counts its coefficients").
 */
import { describe, expect, it } from 'vitest';
import { generateShape, generateTenant, shapeSpecOf } from '../src/core/data/index.js';
import { chooseProtocol } from '../src/core/folds.js';
import type { TenantSeries } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import { PhaseLadder, predictFold, WEEKLY_PHASE2_RIDGE } from '../src/phases/ladder.js';

/** Two weekly years, two channels, no weather (a dev tenant of this rule, seed 5501). */
function twoChannelWeekly(): TenantSeries {
  const spec = {
    frequency: 'weekly',
    years: 2,
    channels: 2,
    correlation: 0,
    weather: 'none',
    events: false,
    saturation: 'hill',
    adstock: 'geometric',
  } as const;
  return generateShape(shapeSpecOf('ba_s5501_0', 5501, spec), { seed: 5501 }).series;
}

/** Two weekly years, two correlated channels, weather, events (dev tenant, seed 5521). */
function eventsWeekly(): TenantSeries {
  const spec = {
    frequency: 'weekly',
    years: 2,
    channels: 2,
    correlation: 0.5,
    weather: 'canonical',
    events: true,
    saturation: 'logistic',
    adstock: 'delayed',
  } as const;
  return generateShape(shapeSpecOf('bk_s5521_0', 5521, spec), { seed: 5521 }).series;
}

/** |a - b| within 1e-9 of b, element by element. */
function expectClose(got: Float64Array, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) =>
    expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-9 * Math.abs(want[i])),
  );
}

const meanOf = (a: Float64Array, b: Float64Array): Float64Array =>
  Float64Array.from(a, (v, i) => (v + b[i]) / 2);

describe('weekly data: every kept phase averages with the phase below', () => {
  const wk = twoChannelWeekly();
  // The windows of five 10-week blocks (two weekly years before the year-window rule), where the
  // cases below arose; the ladder's logic does not depend on which protocol chose them.
  const { folds, protocol } = chooseProtocol(wk.target.length, 'weekly', { testSize: 10 });
  const horizon = protocol.test_rows;
  const ends = folds.map((f) => f.trainEnd);

  it('phase 2 keeps Ridge on weekly windows, where it had taken a GBM or blend', () => {
    const ladder = new PhaseLadder(wk, { horizon });
    const old = new PhaseLadder(wk, { horizon, weeklyHedge: false });
    let gbmBefore = 0;
    for (const T of ends) {
      const own = ladder.own(2, T);
      expect(own.kind).toBe('ridge');
      // The first window keeps Ridge anyway (its inner split cannot identify the yearly terms).
      expect([WEEKLY_PHASE2_RIDGE, old.own(2, T).reason]).toContain(own.reason);
      if (old.own(2, T).kind !== 'ridge') expect(own.reason).toBe(WEEKLY_PHASE2_RIDGE);
      // Its model is phase 1's, so the fold is phase 1's decision.
      const fit = ladder.fit(2, T);
      expect(fit.fallback).toMatchObject({ kept: false, used_phase: ladder.fit(1, T).phase });
      expect(predictFold(fit, T, T + horizon)).toEqual(
        predictFold(ladder.fit(1, T), T, T + horizon),
      );
      if (old.own(2, T).kind !== 'ridge') gbmBefore++;
    }
    // Measured on the old rule: phase 2 took a GBM or blend in some window of this tenant.
    expect(gbmBefore).toBeGreaterThan(0);
    // The all-rows phase-2 model follows the fold models.
    const final = fitFinalModel(wk, 2, {});
    expect(final.kind).toBe('ridge');
    // Daily data is left alone: the option changes nothing there.
    const daily = generateTenant('high_umbrella_rain').series;
    const d = new PhaseLadder(daily, { horizon: 182 }).own(2, 367);
    const dOld = new PhaseLadder(daily, { horizon: 182, weeklyHedge: false }).own(2, 367);
    expect(d.reason).toBe(dOld.reason);
    expect(d.reason).not.toBe(WEEKLY_PHASE2_RIDGE);
  });

  it("an unchecked phase 1 (the first fold) forecasts with the mean of phase 1's and phase 0's models", () => {
    const ladder = new PhaseLadder(wk, { horizon });
    const T = ends[0];
    expect(ladder.validationBlocks(T).filter((b) => b.sameTerms)).toEqual([]);
    const fit = ladder.fit(1, T);
    expect(fit.fallback).toMatchObject({ kept: true, validation_blocks: 0, used_phase: 1 });
    expect(fit.fallback!.reason).toMatch(
      /cannot identify the yearly terms.*averaged with phase 0's model$/,
    );
    const p1 = predictFold(ladder.own(1, T), T, T + horizon);
    const p0 = predictFold(ladder.own(0, T), T, T + horizon);
    expectClose(predictFold(fit, T, T + horizon), meanOf(p1, p0));
    // Without the rule (weeklyPhase1Mix false): phase 1's own model, as the old code kept it.
    const plain = new PhaseLadder(wk, { horizon, weeklyPhase1Mix: false });
    expect(predictFold(plain.fit(1, T), T, T + horizon)).toEqual(p1);
    // Phase 3's log-spend half stays phase 1's own model there (not the mean with phase 0).
    const mix = ladder.own(3, T);
    expect(predictFold(mix.mixed!, T, T + horizon)).toEqual(p1);
  });

  it("phase 3 kept unchecked, or turned down by its blocks, forecasts with the mean of its model and phase 2's laddered one", () => {
    const ev = eventsWeekly();
    // Five 10-week blocks (two weekly years before the year-window rule).
    const { folds: evFolds, protocol: evProtocol } = chooseProtocol(ev.target.length, 'weekly', {
      testSize: 10,
    });
    const h = evProtocol.test_rows;
    // The per-channel search (weeklySharedMedia false): on this tenant its checks keep one later
    // fold and turn three down, so every branch of the rule is exercised. noiseAwareKeep false:
    // a fold kept on its blocks keeps its own model whatever the blocks' noise (the weekly noise
    // rule: tests/weekly-noise-keep.test.ts).
    const ladder = new PhaseLadder(ev, {
      horizon: h,
      search: { scheme: 'blocked' },
      weeklySharedMedia: false,
      noiseAwareKeep: false,
      // Phases 0-1 as Ridge alone: the pooled mean (tests/weekly-pooled.test.ts) moves which
      // folds the checks keep on this tenant.
      weeklyPooled: false,
      // Phase 3's model by the Ridge / GBM / blend rule: with its Ridge kept under two years
      // (tests/weekly-phase3-ridge.test.ts) no fold's check keeps it here.
      weeklyPhase3Ridge: false,
    });
    const plain = new PhaseLadder(ev, {
      horizon: h,
      search: { scheme: 'blocked' },
      weeklyHedge: false,
      weeklySharedMedia: false,
      weeklyPooled: false,
    });
    const seen = { unchecked: 0, checked: 0, failed: 0 };
    for (const T of evFolds.map((f) => f.trainEnd)) {
      const horizon = h;
      const fit = ladder.fit(3, T);
      const rec = fit.fallback!;
      const got = predictFold(fit, T, T + horizon);
      const p2 = predictFold(ladder.fit(2, T), T, T + horizon);
      const own3 = predictFold(ladder.own(3, T), T, T + horizon);
      // The old rule (weeklyHedge false): phase 3's own model where kept, phase 2's where not.
      const oldFit = plain.fit(3, T);
      const old = predictFold(oldFit, T, T + horizon);
      expect(old).toEqual(
        predictFold(oldFit.fallback!.kept ? plain.own(3, T) : plain.fit(2, T), T, T + horizon),
      );
      if (rec.kept && rec.validation_blocks === 0) {
        seen.unchecked++;
        expect(fit.phase).toBe(3);
        expect(rec.reason).toMatch(
          /cannot identify the yearly terms.*averaged with phase \d's laddered model$/,
        );
        expect(rec.averaged_with).toEqual({
          phase: ladder.fit(2, T).phase,
          model: 'laddered',
          share: 0.5,
        });
        expectClose(got, meanOf(own3, p2));
      } else if (rec.kept) {
        // Kept on its blocks: its own model (the mix of the adstock/Hill and log-spend models).
        seen.checked++;
        expect(got).toEqual(own3);
        expect(rec.averaged_with).toBeUndefined();
      } else {
        seen.failed++;
        expect(rec.used_phase).toBe(ladder.fit(2, T).phase);
        expect(rec.reason).toMatch(/fell back to phase 2, averaged with phase 3's own \w+ model$/);
        expect(rec.averaged_with).toEqual({ phase: 3, model: 'own', share: 0.5 });
        expectClose(got, meanOf(p2, own3));
      }
    }
    // The first fold cannot be checked; of the later four, one is kept and three turned down.
    expect(seen).toEqual({ unchecked: 1, checked: 1, failed: 3 });
  });

  it('reads no row after the window: garbage there leaves the hedged forecasts unchanged', () => {
    const clean = new PhaseLadder(wk, { horizon, search: { scheme: 'blocked' } });
    for (const T of [ends[0], ends[2]]) {
      const garbled: TenantSeries = {
        ...wk,
        target: Float64Array.from(wk.target, (v, t) => (t >= T ? -v * 7 + 1e5 : v)),
        spend: wk.spend.map((x) => Float64Array.from(x, (v, t) => (t >= T ? 1e6 - v : v))),
      };
      const dirty = new PhaseLadder(garbled, { horizon, search: { scheme: 'blocked' } });
      for (const k of [1, 2, 3] as const) {
        const a = clean.fit(k, T);
        const b = dirty.fit(k, T);
        expect(b.fallback).toEqual(a.fallback);
        // The forecast rows' own spend differs (garbled); the in-window fit must not: compare the
        // fitted values on the training rows.
        expect(predictFold(b, 0, T)).toEqual(predictFold(a, 0, T));
      }
    }
  });
});

describe('weekly phase 3 on an unchecked fold counts its coefficients', () => {
  // A dev tenant of the rule (docs/modeling.md, "Weekly phase 3: the unchecked fold counts its
  // coefficients"): two weekly years, five channels, renamed weather, delayed carry-over.
  const spec = {
    frequency: 'weekly',
    years: 2,
    channels: 5,
    correlation: 0.3,
    weather: 'renamed',
    events: false,
    saturation: 'hill',
    adstock: 'delayed',
  } as const;
  const wide = generateShape(shapeSpecOf('de_s6605_0', 6605, spec), { seed: 6605 }).series;
  const { folds, protocol } = chooseProtocol(wide.target.length, 'weekly');
  const horizon = protocol.test_rows;

  it("uses phase 2's laddered model where the window holds fewer than 2 rows per coefficient", () => {
    const ladder = new PhaseLadder(wide, { horizon });
    const T = folds[0].trainEnd;
    // The first fold: no block can judge it, and its coefficients outnumber half its rows.
    expect(ladder.validationBlocks(T).every((b) => !b.sameTerms)).toBe(true);
    const coefficients = ladder.degreesOfFreedom(3, T);
    expect(T).toBeLessThan(2 * coefficients);
    const fit = ladder.fit(3, T);
    expect(fit.fallback).toMatchObject({ kept: false, validation_blocks: 0 });
    expect(fit.fallback!.reason).toContain(
      `its ${T} rows are fewer than 2 per coefficient (${coefficients}): phase 2 used`,
    );
    expect(fit.averagedWith ?? null).toBeNull();
    expect(predictFold(fit, T, T + horizon)).toEqual(predictFold(ladder.fit(2, T), T, T + horizon));
    // A later, checked fold is judged on its blocks as before.
    const later = ladder.fit(3, folds[folds.length - 1].trainEnd);
    expect(later.fallback!.validation_blocks).toBeGreaterThan(0);
  });

  it('keeps the hedged phase 3 where the window has the rows (two channels, no weather)', () => {
    const wk = twoChannelWeekly();
    const p = chooseProtocol(wk.target.length, 'weekly');
    const ladder = new PhaseLadder(wk, { horizon: p.protocol.test_rows });
    const T = p.folds[0].trainEnd;
    expect(T).toBeGreaterThanOrEqual(2 * ladder.degreesOfFreedom(3, T));
    const fit = ladder.fit(3, T);
    expect(fit.fallback).toMatchObject({ kept: true, validation_blocks: 0 });
    // Phase 2 keeps Ridge, so its laddered model is phase 1's decision.
    expect(fit.fallback!.reason).toMatch(
      /kept: weekly phase 3 is half phase 1's model; averaged with phase \d's laddered model$/,
    );
  });
});
