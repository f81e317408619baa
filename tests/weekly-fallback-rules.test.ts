/**
 * Weekly phase 3 where its check fails or cannot be made: the measured alternatives to the hedge
 * (phases/ladder.ts weeklyFailedFallsBack, weeklyUncheckedFallsBack; off by default, measured and
 * not kept: docs/modeling.md, "Weekly phase 3: falling back instead of hedging, counted per
 * tenant"). Each option replaces the mean of phase 3's and phase 2's models by phase 2's laddered
 * model on its own kind of fold only, and leaves daily data alone.
 */
import { describe, expect, it } from 'vitest';
import { generateShape, suiteShape } from '../src/core/data/index.js';
import { PhaseLadder, predictFold } from '../src/phases/ladder.js';
import { protocolOf } from '../src/phases/phase2.js';

/** |a - b| within 1e-9 of b, element by element. */
function expectClose(got: Float64Array, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) =>
    expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-9 * Math.abs(want[i])),
  );
}

describe('weekly phase 3: falling back instead of the hedge (options)', () => {
  const series = generateShape(suiteShape('shape_weekly_3y')).series;
  const { folds, protocol } = protocolOf(series, {});
  const horizon = protocol.test_rows;
  const ladder = (more: object = {}): PhaseLadder =>
    new PhaseLadder(series, { horizon, search: { scheme: 'blocked' }, ...more });

  it('each option turns its own kind of fold to phase 2, the others keep the mean', () => {
    const base = ladder();
    const failed = ladder({ weeklyFailedFallsBack: true });
    const unchecked = ladder({ weeklyUncheckedFallsBack: true });
    const seen = { unchecked: 0, failed: 0 };
    for (const { trainEnd: T, testEnd } of folds) {
      const rec = base.fit(3, T).fallback!;
      const hedged = predictFold(base.fit(3, T), T, testEnd);
      const p2 = predictFold(base.fit(2, T), T, testEnd);
      const own3 = predictFold(base.own(3, T), T, testEnd);
      // Today's rule on this tenant: every fold hedges (unchecked first fold, three turned down).
      expect(rec.kept && rec.validation_blocks > 0).toBe(false);
      expectClose(
        hedged,
        Float64Array.from(p2, (v, i) => (v + own3[i]) / 2),
      );
      const a = failed.fit(3, T);
      const b = unchecked.fit(3, T);
      if (rec.validation_blocks === 0) {
        seen.unchecked++;
        expect(predictFold(a, T, testEnd)).toEqual(hedged);
        expect(predictFold(b, T, testEnd)).toEqual(p2);
        expect(b.fallback).toMatchObject({ kept: false, fell_back_to: 2, validation_blocks: 0 });
        expect(b.fallback!.reason).toMatch(/cannot identify the yearly terms.*: phase 2 used/);
      } else {
        seen.failed++;
        expect(predictFold(a, T, testEnd)).toEqual(p2);
        // The same check, without the mean: the record as today's, its reason without the hedge,
        // and without averaged_with (the hedged record says the other half is phase 3's own).
        expect(rec.averaged_with).toEqual({ phase: 3, model: 'own', share: 0.5 });
        expect(a.fallback!.averaged_with).toBeUndefined();
        expect({ ...a.fallback, reason: '' }).toEqual({
          ...rec,
          averaged_with: undefined,
          reason: '',
        });
        expect(rec.reason).toBe(`${a.fallback!.reason}, averaged with phase 3's own ridge model`);
        expect(predictFold(b, T, testEnd)).toEqual(hedged);
      }
    }
    expect(seen).toEqual({ unchecked: 1, failed: folds.length - 1 });
  });

  it('daily data: the options change nothing', () => {
    const daily = generateShape(suiteShape('shape_daily_1y')).series;
    const p = protocolOf(daily, {});
    const T = p.folds[0].trainEnd;
    const end = p.folds[0].testEnd;
    const opts = { horizon: p.protocol.test_rows, search: { scheme: 'blocked' as const } };
    const plain = new PhaseLadder(daily, opts).fit(3, T);
    const both = new PhaseLadder(daily, {
      ...opts,
      weeklyFailedFallsBack: true,
      weeklyUncheckedFallsBack: true,
    }).fit(3, T);
    expect(both.fallback).toEqual(plain.fallback);
    expect(predictFold(both, T, end)).toEqual(predictFold(plain, T, end));
  });
});
