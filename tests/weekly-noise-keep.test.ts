/**
 * Weekly phase 3 kept outright only beyond its blocks' noise (phases/ladder.ts noiseAwareKeep on
 * weekly data, weeklyKeepTest, WEEKLY_KEEP_LEVEL; docs/modeling.md, "Weekly phase 3 kept only
 * beyond its blocks' noise"): a one-sided paired t-test over the validation blocks' R² gains,
 * the blocks as units; one block, or a gain within the noise, takes the hedge of a failed check
 * (the mean of phase 3's own model and phase 2's laddered one).
 */
import { describe, expect, it } from 'vitest';
import { generateShape, shapeSpecOf } from '../src/core/data/index.js';
import { chooseProtocol } from '../src/core/folds.js';
import { r2 } from '../src/core/metrics.js';
import type { TenantSeries } from '../src/core/types.js';
import {
  PhaseLadder,
  predictFold,
  WEEKLY_KEEP_LEVEL,
  weeklyKeepTest,
} from '../src/phases/ladder.js';

/** Three weekly years, five channels of spend correlation 0.7, renamed weather, delayed carry-over. */
function correlatedWeekly(id: string, seed: number): TenantSeries {
  const spec = {
    frequency: 'weekly',
    years: 3,
    channels: 5,
    correlation: 0.7,
    weather: 'renamed',
    adstock: 'delayed',
  } as const;
  return generateShape(shapeSpecOf(id, seed, spec), { seed }).series;
}

/**
 * One-sided p-value P(T_df >= t) of Student's t in closed form (df 1: the Cauchy distribution;
 * df 2 and 3: e.g. Abramowitz & Stegun 26.7.3), independent of the library the code uses.
 */
function upperTail(t: number, df: 1 | 2 | 3): number {
  if (df === 1) return 0.5 - Math.atan(t) / Math.PI;
  if (df === 2) return 0.5 - t / (2 * Math.sqrt(2 + t * t));
  const u = t / Math.sqrt(3);
  return 0.5 - (Math.atan(u) + u / (1 + u * u)) / Math.PI;
}

/** |got - want| within 1e-9 of want, element by element. */
function expectClose(got: Float64Array, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) =>
    expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-9 * Math.abs(want[i])),
  );
}

/** The blocks' R² of phase 3's own candidates and of phase 2's laddered ones, recomputed. */
function blockR2(ladder: PhaseLadder, series: TenantSeries, T: number) {
  const blocks = ladder.validationBlocks(T).filter((b) => b.sameTerms);
  const mine: number[] = [];
  const theirs: number[] = [];
  for (const b of blocks) {
    const actual = series.target.subarray(b.start, b.end);
    mine.push(r2(actual, predictFold(ladder.own(3, b.candEnd), b.start, b.end)));
    theirs.push(r2(actual, predictFold(ladder.fit(2, b.candEnd), b.start, b.end)));
  }
  return { mine, theirs };
}

describe('weeklyKeepTest', () => {
  it('is the one-sided paired t-test over the blocks, by the closed-form t distribution', () => {
    // Gains 0.05, 0.07, 0.06: mean 0.06, sd 0.01, standard error 0.01 / sqrt(3), df 2.
    const test = weeklyKeepTest([0.55, 0.47, 0.66], [0.5, 0.4, 0.6])!;
    expect(test.gain).toBeCloseTo(0.06, 12);
    expect(test.standardError).toBeCloseTo(0.01 / Math.sqrt(3), 12);
    expect(test.pValue).toBeCloseTo(upperTail(0.06 / (0.01 / Math.sqrt(3)), 2), 10);
    // Two blocks, gains 0.1 and 0.3: t = 0.2 / 0.1 = 2 on 1 df, p = 0.5 - atan(2) / pi = 0.1476.
    const two = weeklyKeepTest([0.6, 0.8], [0.5, 0.5])!;
    expect(two.pValue).toBeCloseTo(upperTail(2, 1), 10);
    expect(two.pValue).toBeGreaterThan(WEEKLY_KEEP_LEVEL);
    // A loss is no gain: p above one half.
    expect(weeklyKeepTest([0.4, 0.45, 0.3], [0.5, 0.5, 0.5])!.pValue).toBeGreaterThan(0.5);
    // One block has no spread to judge its gain by.
    expect(weeklyKeepTest([0.9], [0.1])).toBeNull();
  });
});

describe('weekly phase 3 kept only beyond its blocks noise', () => {
  it('a fold won on one block forecasts with the mean of phase 3 and phase 2', () => {
    // Dev tenant wc_s401_1, second fold (76 weeks): phase 3 wins its one 20-week block by 0.020
    // of R² and was kept outright; it then scored 0.510 on the test block against phase 2's 0.607.
    const s = correlatedWeekly('wc_s401_1', 401);
    // Five 20-week blocks (three weekly years before the year-window rule), where the case arose.
    const { folds, protocol } = chooseProtocol(s.target.length, 'weekly', { testSize: 20 });
    const horizon = protocol.test_rows;
    const T = folds[1].trainEnd;
    const ladder = new PhaseLadder(s, { horizon, search: { scheme: 'blocked' } });
    const fit = ladder.fit(3, T);
    const fb = fit.fallback!;
    // used_phase: phase 2's laddered model's (weekly phase 2 keeps Ridge: phase 1's decision).
    expect(fb).toMatchObject({
      kept: false,
      validation_blocks: 1,
      used_phase: ladder.fit(2, T).phase,
    });
    expect(fb.phase_r2!).toBeGreaterThan(fb.previous_r2!);
    expect(fb.gain_se).toBeUndefined();
    expect(fb.reason).toMatch(
      /one validation block cannot tell its gain from noise: not kept outright, fell back to phase 2, averaged with phase 3's own \w+ model$/,
    );
    const end = folds[1].testEnd;
    const own = predictFold(ladder.own(3, T), T, end);
    const p2 = predictFold(ladder.fit(2, T), T, end);
    expectClose(
      predictFold(fit, T, end),
      Float64Array.from(own, (v, i) => (v + p2[i]) / 2),
    );
    // noiseAwareKeep false: kept on any gain, phase 3's own model (the rule before).
    const plain = new PhaseLadder(s, {
      horizon,
      search: { scheme: 'blocked' },
      noiseAwareKeep: false,
    }).fit(3, T);
    expect(plain.fallback).toMatchObject({ kept: true, used_phase: 3 });
    expect(predictFold(plain, T, end)).toEqual(own);
  });

  it('keeps phase 3 outright where the t-test over its blocks rejects no gain, and not where it does not', () => {
    // Dev tenant wc_s409_0: its last fold (136 weeks) wins all four blocks (gains 0.02-0.10);
    // its third (96 weeks) wins two blocks by a little.
    const s = correlatedWeekly('wc_s409_0', 409);
    // Five 20-week blocks (three weekly years before the year-window rule), where it was measured.
    const { folds, protocol } = chooseProtocol(s.target.length, 'weekly', { testSize: 20 });
    const horizon = protocol.test_rows;
    // weeklyPooled false: measured with phases 0-1 as Ridge alone (the pooled mean,
    // tests/weekly-pooled.test.ts, moves the blocks' phase-2 track).
    const ladder = new PhaseLadder(s, {
      horizon,
      search: { scheme: 'blocked' },
      weeklyPooled: false,
    });
    const seen = { outright: 0, hedged: 0 };
    for (const fold of folds.slice(2)) {
      const T = fold.trainEnd;
      const { mine, theirs } = blockR2(ladder, s, T);
      const gains = mine.map((m, i) => m - theirs[i]);
      const n = gains.length as 2 | 3 | 4;
      const g = gains.reduce((a, v) => a + v, 0) / n;
      const sd = Math.sqrt(gains.reduce((a, v) => a + (v - g) ** 2, 0) / (n - 1));
      const se = sd / Math.sqrt(n);
      const p = upperTail(g / se, (n - 1) as 1 | 2 | 3);
      const fb = ladder.fit(3, T).fallback!;
      expect(fb.validation_blocks).toBe(n);
      if (!(g > 0)) continue;
      expect(fb.gain_se!).toBeCloseTo(se, 9);
      const own = predictFold(ladder.own(3, T), T, fold.testEnd);
      const got = predictFold(ladder.fit(3, T), T, fold.testEnd);
      if (p < WEEKLY_KEEP_LEVEL) {
        seen.outright++;
        expect(fb).toMatchObject({ kept: true, used_phase: 3 });
        expect(got).toEqual(own);
      } else {
        seen.hedged++;
        expect(fb.kept).toBe(false);
        expect(fb.reason).toContain(`one-sided p = ${p.toFixed(3)}, kept outright below 0.025`);
        const p2 = predictFold(ladder.fit(2, T), T, fold.testEnd);
        expectClose(
          got,
          Float64Array.from(own, (v, i) => (v + p2[i]) / 2),
        );
      }
    }
    expect(seen).toEqual({ outright: 1, hedged: 2 });
  });

  it('reads no row after the window', () => {
    const s = correlatedWeekly('wc_s409_0', 409);
    const { folds, protocol } = chooseProtocol(s.target.length, 'weekly');
    const T = folds[3].trainEnd;
    const garbled: TenantSeries = {
      ...s,
      target: Float64Array.from(s.target, (v, t) => (t >= T ? -3 * v + 1e5 : v)),
    };
    const opts = { horizon: protocol.test_rows, search: { scheme: 'blocked' } } as const;
    const a = new PhaseLadder(s, opts).fit(3, T);
    const b = new PhaseLadder(garbled, opts).fit(3, T);
    expect(b.fallback).toEqual(a.fallback);
    expect(predictFold(b, T, folds[3].testEnd)).toEqual(predictFold(a, T, folds[3].testEnd));
  });
});
