/**
 * The optimizer's-optimism margin on a moved plan's intervals (uncertainty.ts planSelectionMargin,
 * widenLower; docs/planner.md "The plan's uplift interval against the truth"), by hand.
 */
import { describe, expect, it } from 'vitest';
import { planSelectionMargin, SELECTION_FACTORS, widenLower } from '../src/plan/uncertainty.js';

const iv = { p80: [60, 150] as [number, number], p95: [40, 170] as [number, number] };

describe('planSelectionMargin', () => {
  it('is (factor - 1) x the distance from the uplift to the lower end, by frequency and level', () => {
    // Daily: 0.4 x (100 - 60) = 16 and 0.25 x (100 - 40) = 15; weekly: 0.75 x 40 = 30, 0.4 x 60 = 24.
    expect(SELECTION_FACTORS.daily).toEqual({ p80: 1.4, p95: 1.25 });
    expect(SELECTION_FACTORS.weekly).toEqual({ p80: 1.75, p95: 1.4 });
    const d = planSelectionMargin(100, iv, 'daily');
    expect(d.p80).toBeCloseTo(16, 12);
    expect(d.p95).toBeCloseTo(15, 12);
    const w = planSelectionMargin(100, iv, 'weekly');
    expect(w.p80).toBeCloseTo(30, 12);
    expect(w.p95).toBeCloseTo(24, 12);
  });

  it('is 0 where the lower end is at or above the uplift (the anchor: uplift 0, interval 0)', () => {
    expect(planSelectionMargin(0, { p80: [0, 0], p95: [0, 0] }, 'weekly')).toEqual({
      p80: 0,
      p95: 0,
    });
    expect(planSelectionMargin(50, iv, 'daily')).toEqual({ p80: 0, p95: 0.25 * 10 });
  });
});

describe('widenLower', () => {
  it('moves the lower ends only', () => {
    expect(widenLower(iv, { p80: 16, p95: 15 })).toEqual({ p80: [44, 150], p95: [25, 170] });
    // The input is left as it was.
    expect(iv).toEqual({ p80: [60, 150], p95: [40, 170] });
  });

  it('keeps the 95% interval around the 80% one', () => {
    // outdoor-shop's weekly plan (docs/own-data.md): uplift 12.1k, 80% from 2.0k, 95% from 0.118k;
    // margins 0.75 x 10.1 = 7.575 and 0.4 x 11.982 = 4.7928 would put the 95% end (-4.67) above
    // the 80% one (-5.575): it goes to -5.575 too.
    const m = planSelectionMargin(12.1, { p80: [2, 17.5], p95: [0.118, 44.9] }, 'weekly');
    const w = widenLower({ p80: [2, 17.5], p95: [0.118, 44.9] }, m);
    expect(w.p80[0]).toBeCloseTo(-5.575, 9);
    expect(w.p95[0]).toBeCloseTo(-5.575, 9);
    expect(w.p95[1]).toBe(44.9);
  });
});
