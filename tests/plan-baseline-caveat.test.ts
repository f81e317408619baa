/**
 * The plan's `media_beyond_revenue` caveat (src/app/plan.ts planBaselineCaveats): a plan model,
 * or refits, that put the revenue without advertising below zero over the plan's window. Before,
 * a plan printed an incremental revenue 95% interval up to 329.5k beside an expected revenue
 * whose 95% interval ended at 50.1k, and nothing said why.
 */
import { describe, expect, it } from 'vitest';
import { planBaselineCaveats } from '../src/app/plan.js';
import type { PlanResult } from '../src/plan/index.js';

const iv = (lo: number, hi: number) => ({ p80: [lo, hi], p95: [lo, hi] }) as never;

function plan(
  b: { point: boolean; refits: number; of: number } | undefined,
  incrementalHigh: number,
): PlanResult {
  return {
    expected_revenue: { horizon: 49_886, carry_over_after: 9, total: 49_895 },
    uncertainty: {
      baseline_below_zero: b,
      expected_revenue_interval: iv(49_488, 50_147),
      incremental_revenue_interval: iv(7_536, incrementalHigh),
    },
  } as unknown as PlanResult;
}

describe('media_beyond_revenue on a plan', () => {
  it('is given when refits carry the incremental interval above the expected revenue', () => {
    const caveats = planBaselineCaveats(plan({ point: false, refits: 2, of: 31 }, 329_519));
    expect(caveats.map((c) => c.code)).toEqual(['media_beyond_revenue']);
    expect(caveats[0].message).toMatch(/^2 of the plan model's 31 refits put the revenue/);
  });

  it('is given when the plan model itself has a negative baseline, whatever the intervals', () => {
    const caveats = planBaselineCaveats(plan({ point: true, refits: 0, of: 20 }, 20_000));
    expect(caveats[0].message).toMatch(/^the plan model puts the revenue/);
  });

  it('is not given when such refits stay inside what the expected revenue allows', () => {
    // 50,147 + 9 of carry-over: an incremental revenue up to there is possible.
    expect(planBaselineCaveats(plan({ point: false, refits: 1, of: 32 }, 50_150))).toEqual([]);
    expect(planBaselineCaveats(plan({ point: false, refits: 0, of: 32 }, 329_519))).toEqual([]);
    // Plans stored before the field, and unchecked plans.
    expect(planBaselineCaveats(plan(undefined, 329_519))).toEqual([]);
    expect(planBaselineCaveats({ uncertainty: null } as unknown as PlanResult)).toEqual([]);
  });

  it('revenue_below_zero: an expected-revenue interval reaching below zero is said', () => {
    const p = plan(undefined, 20_000);
    p.uncertainty!.expected_revenue_interval = {
      p80: [1.31e6, 1.62e6],
      p95: [-3.97e6, 1.64e6],
    } as never;
    (p as { expected_revenue: PlanResult['expected_revenue'] }).expected_revenue = {
      horizon: 1.59e6,
      carry_over_after: 110_100,
      total: 1.7e6,
    };
    const caveats = planBaselineCaveats(p);
    expect(caveats.map((c) => c.code)).toEqual(['revenue_below_zero']);
    expect(caveats[0].message).toMatch(
      /^the 95% interval of the expected revenue in the horizon reaches below zero \(-3\.97M to 1\.64M, the plan model 1\.59M\)/,
    );
    expect(caveats[0].message).toMatch(/refits of the model on resampled data/);
    // Above zero: nothing.
    expect(planBaselineCaveats(plan(undefined, 20_000))).toEqual([]);
  });

  it("revenue_below_zero: below zero only with the backtests' level error names them", () => {
    const p = plan(undefined, 20_000);
    const u = p.uncertainty!;
    u.expected_revenue_interval_refits = iv(40_000, 60_000);
    u.expected_revenue_interval = { p80: [20_000, 80_000], p95: [-5_000, 105_000] } as never;
    u.level_error = { level_sd: 28_000 } as never;
    (p as { horizon: unknown }).horizon = { unit: 'day' };
    const caveats = planBaselineCaveats(p);
    expect(caveats.map((c) => c.code)).toEqual(['revenue_below_zero']);
    expect(caveats[0].message).toMatch(
      /the model's backtests over the last year of the data missed the revenue over as many days by 28\.0k \(sd\) out of sample/,
    );
  });

  it("media_beyond_revenue reads the refits' own expected revenue interval, not the widened one", () => {
    // The incremental interval's top (60k) is above the refits' expected revenue (50,147 + 9) but
    // not above the interval widened by the level error: the refits still credit the media with
    // more than the revenue.
    const p = plan({ point: false, refits: 2, of: 31 }, 60_000);
    const u = p.uncertainty!;
    u.expected_revenue_interval_refits = u.expected_revenue_interval;
    u.expected_revenue_interval = iv(30_000, 70_000);
    expect(planBaselineCaveats(p).map((c) => c.code)).toEqual(['media_beyond_revenue']);
  });
});
