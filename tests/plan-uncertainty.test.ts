/** Planning under uncertainty: the trust-region step, the bootstrap refits and the plan's intervals. */
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSpec } from '../src/core/data/catalog.js';
import { generateTenant } from '../src/core/data/index.js';
import type { SyntheticTenant } from '../src/core/types.js';
import { finalToJSON, fitFinalModel, type FinalModel } from '../src/phases/final.js';
import {
  compareOutlooks,
  incrementalRevenue,
  makePlan,
  MIN_PLAN_REPLICATES,
  planReplicateModels,
  revenueModelOf,
  scenarioOutlook,
  trustStep,
  TRUST_STEPS,
  type RevenueModel,
  type SeparableResponse,
} from '../src/plan/index.js';

/** 2 channels x 7 days, concave (s = 1), no carry-over in, gains per channel as given. */
function response(gainA: number, gainB: number): SeparableResponse {
  const H = 7;
  return {
    channels: ['a', 'b'],
    horizon: H,
    tail: 0,
    base: new Float64Array(H),
    gain: [new Float64Array(H).fill(gainA), new Float64Array(H).fill(gainB)],
    decay: [0, 0],
    k: [100, 100],
    s: [1, 1],
    start: [0, 0],
  };
}

const flat = (a: number, b: number): Float64Array[] => [
  new Float64Array(7).fill(a),
  new Float64Array(7).fill(b),
];
const sum = (x: Float64Array): number => x.reduce((s, v) => s + v, 0);
/** numpy's linear quantile, written out here independently of the code under test. */
function q(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const i = p * (s.length - 1);
  const lo = Math.floor(i);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
}

describe('trustStep', () => {
  // Anchor: 100/day on each channel; the optimum moves everything to channel a.
  const anchor = flat(100, 100);
  const optimum = flat(200, 0);

  it('goes all the way when every replicate agrees and the uplift keeps rising', () => {
    // Channel b earns nothing: moving its spend to a raises revenue all the way to the optimum,
    // under the model and every refit, so every refit's own best step is the optimum itself.
    const point = response(3, 0);
    const reps = Array.from({ length: 10 }, () => response(3, 0));
    const s = trustStep(point, reps, anchor, optimum);
    expect(s.step_cap).toBe(1);
    expect(s.step).toBe(1);
    expect(Array.from(s.spend[0])).toEqual(new Array(7).fill(200));
    expect(s.uplift).toBeCloseTo(7 * 3 * (200 / 300 - 100 / 200), 9);
    expect(s.optimum_uplift).toBeCloseTo(7 * 3 * (200 / 300 - 100 / 200), 9);
  });

  it("goes no further than a window refit's own best step", () => {
    // Under gains (3, g) with Hill(x; 100, 1) the uplift along the segment peaks where
    // 3 / (2 + l)^2 = g / (2 - l)^2; g = 3 (1.7 / 2.3)^2 puts the peak at l = 0.3.
    const point = response(3, 0);
    const boot = Array.from({ length: 10 }, () => response(3, 0));
    const window = response(3, 3 * (1.7 / 2.3) ** 2);
    const roles = [...boot.map(() => 'bootstrap' as const), 'window' as const];
    const s = trustStep(point, [...boot, window], anchor, optimum, roles);
    expect(s.step_cap).toBeCloseTo(0.3, 12);
    // The lower end (the point or the 10% quantile of 11 refits, the second lowest: a bootstrap
    // refit that agrees with the point) rises up to the cap.
    expect(s.step).toBeCloseTo(0.3, 12);
    expect(Array.from(s.spend[0])).toEqual(new Array(7).fill(130));
    // Counted as a bootstrap refit it is one of 11, and the 10% quantile of their best steps
    // (position 1 of 0..10) is the second lowest, 1: no cap.
    const t = trustStep(point, [...boot, window], anchor, optimum);
    expect(t.step_cap).toBe(1);
    expect(t.step).toBe(1);
  });

  it("lets the other estimator's refits into the interval, not into the cap", () => {
    // 3 refits of role 'estimator' peak at l = 0.3 and are below the point everywhere on the way
    // (channel b still earns under them): with 10 bootstrap refits that agree with the point, the
    // 10% quantile of the 13 uplifts (position 1.2) is theirs, so the lower end peaks at 0.3; the
    // cap, from the bootstrap refits alone, stays at the optimum.
    const point = response(3, 0);
    const boot = Array.from({ length: 10 }, () => response(3, 0));
    const other = Array.from({ length: 3 }, () => response(3, 3 * (1.7 / 2.3) ** 2));
    const roles = [
      ...boot.map(() => 'bootstrap' as const),
      ...other.map(() => 'estimator' as const),
    ];
    const s = trustStep(point, [...boot, ...other], anchor, optimum, roles);
    expect(s.step_cap).toBe(1);
    expect(s.step).toBeCloseTo(0.3, 12);
    const x = anchor.map((a, c) => Float64Array.from(a, (v, t) => v + 0.3 * (optimum[c][t] - v)));
    const u = incrementalRevenue(other[0], x) - incrementalRevenue(other[0], anchor);
    expect(s.uplift_interval.p80[0]).toBeCloseTo(u, 9);
  });

  it("goes no further than 90% of the bootstrap refits' own best steps", () => {
    // 2 of 10 refits peak at l = 0.3 (as above), 8 agree with the point: the 10% quantile of
    // their best steps (linear, position 0.9) is 0.3.
    const point = response(3, 0);
    const reps = [
      ...Array.from({ length: 2 }, () => response(3, 3 * (1.7 / 2.3) ** 2)),
      ...Array.from({ length: 8 }, () => response(3, 0)),
    ];
    const s = trustStep(point, reps, anchor, optimum);
    expect(s.step_cap).toBeCloseTo(0.3, 12);
    expect(s.step).toBeLessThanOrEqual(0.3 + 1e-12);
    expect(s.step).toBeGreaterThan(0);
  });

  it('goes towards the optimum when every replicate agrees with the model', () => {
    const point = response(3, 1);
    const reps = Array.from({ length: 10 }, () => response(3, 1));
    const s = trustStep(point, reps, anchor, optimum);
    // Uplift under a = 3, b = 1 with Hill(x; 100, 1) = x / (x + 100), 7 days:
    const expected = 7 * (3 * (200 / 300) - (3 * 0.5 + 1 * 0.5));
    expect(s.optimum_uplift).toBeCloseTo(expected, 9);
    // Concave in the step, so the largest uplift on the grid may be short of 1; with no spread
    // the lower end of the 80% interval is the uplift itself.
    expect(s.uplift_interval.p80[0]).toBeCloseTo(s.uplift, 9);
    expect(s.step).toBeGreaterThan(0);
  });

  it('stays at the anchor when the replicates disagree on the sign', () => {
    const point = response(3, 1);
    // 4 of 10 replicates say channel b is the better one: the 10% quantile of the uplift is < 0.
    const reps = [
      ...Array.from({ length: 6 }, () => response(3, 1)),
      ...Array.from({ length: 4 }, () => response(1, 3)),
    ];
    const s = trustStep(point, reps, anchor, optimum);
    expect(s.step).toBe(0);
    expect(s.uplift).toBe(0);
    expect(Array.from(s.spend[0])).toEqual(Array.from(anchor[0]));
    expect(s.optimum_uplift_interval.p80[0]).toBeLessThan(0);
  });

  it('picks the step whose 80% lower end is highest', () => {
    const point = response(3, 1);
    const reps = Array.from({ length: 12 }, (_, i) => response(1.6 + 0.25 * i, 1 + 0.05 * i));
    const s = trustStep(point, reps, anchor, optimum);
    const lower = (l: number): number => {
      const x = anchor.map((a, c) => Float64Array.from(a, (v, t) => v + l * (optimum[c][t] - v)));
      const u = incrementalRevenue(point, x) - incrementalRevenue(point, anchor);
      const us = reps.map((r) => incrementalRevenue(r, x) - incrementalRevenue(r, anchor));
      return Math.min(u, q(us, 0.1));
    };
    // The cap: each refit's own best step on the grid, their 10% quantile (all are bootstrap).
    const grid = Array.from({ length: TRUST_STEPS }, (_, i) => (i + 1) / TRUST_STEPS);
    const own = reps.map((r) => {
      let bl = 0;
      let bu = 0;
      for (const l of grid) {
        const x = anchor.map((a, c) => Float64Array.from(a, (v, t) => v + l * (optimum[c][t] - v)));
        const u = incrementalRevenue(r, x) - incrementalRevenue(r, anchor);
        if (u > bu) {
          bu = u;
          bl = l;
        }
      }
      return bl;
    });
    const cap = Math.round(TRUST_STEPS * q(own, 0.1)) / TRUST_STEPS;
    expect(s.step_cap).toBeCloseTo(cap, 12);
    let best = 0;
    let bestL = 0;
    for (let i = 1; i <= Math.round(TRUST_STEPS * cap); i++) {
      const v = lower(i / TRUST_STEPS);
      if (v > best + 1e-9) {
        best = v;
        bestL = i / TRUST_STEPS;
      }
    }
    expect(s.step).toBeCloseTo(bestL, 12);
    expect(s.uplift_interval.p80[0]).toBeCloseTo(best, 6);
    expect(sum(s.spend[0]) + sum(s.spend[1])).toBeCloseTo(1400, 9);
  });
});

describe('plans checked against bootstrap refits', () => {
  const ID = 'high_summer_clothing';
  let tenant: SyntheticTenant;
  let point: FinalModel;
  let model: RevenueModel;
  let replicates: RevenueModel[];

  beforeAll(() => {
    tenant = generateTenant(ID);
    // A model of the pooled search (its six runs: the weekly all-rows models' estimator; daily
    // models fit their curves by profile least squares since session 68, final.ts profileCurves).
    point = fitFinalModel(tenant.series, 3, { profileCurves: false });
    model = revenueModelOf(point);
    replicates = planReplicateModels(tenant.series, point, MIN_PLAN_REPLICATES).models.map(
      revenueModelOf,
    );
  });

  it('refits deterministically', () => {
    const again = planReplicateModels(tenant.series, point, 2).models.map(finalToJSON);
    const first = planReplicateModels(tenant.series, point, 2).models.map(finalToJSON);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(planReplicateModels(tenant.series, point, 0).models).toEqual([]);
    expect(() => planReplicateModels(tenant.series, point, -1)).toThrow(RangeError);
  });

  it("adds one refit per window of the model's pooled search, with that window's parameters", () => {
    const runs = point.searchRuns!;
    expect(runs).toHaveLength(6); // the 5 standard folds' training rows, then all rows
    // The point's parameters are the runs' median (by hand: the mean of the 3rd and 4th of 6).
    for (const c of tenant.series.channels) {
      const d = runs.map((r) => r[c].decay).sort((a, b) => a - b);
      expect(point.channelParams![c].decay).toBeCloseTo((d[2] + d[3]) / 2, 12);
    }
    const out = planReplicateModels(tenant.series, point, 2);
    expect(out.windows).toBe(6);
    expect(out.models).toHaveLength(2 + 6 - out.failed);
    out.models.slice(-6).forEach((m, i) => expect(m.channelParams).toEqual(runs[i]));
    expect(out.roles).toEqual([
      ...new Array(out.models.length - 6).fill('bootstrap'),
      ...new Array(6).fill('window'),
    ]);
    // Another model's windows (the phase-3 model beside a plan-curve model) follow, role 'estimator'.
    const both = planReplicateModels(tenant.series, point, 2, 0, 'search', point);
    expect(both.windows).toBe(6);
    expect(both.roles.slice(-12)).toEqual([
      ...new Array(6).fill('window'),
      ...new Array(6).fill('estimator'),
    ]);
    both.models.slice(-6).forEach((m, i) => expect(m.channelParams).toEqual(runs[i]));
    // A model fitted with given parameters has no windows; no refits asked, none made.
    const given = fitFinalModel(tenant.series, 3, { channelParams: point.channelParams! });
    expect(given.searchRuns).toBeUndefined();
    expect(planReplicateModels(tenant.series, given, 2).windows).toBe(0);
    expect(planReplicateModels(tenant.series, point, 0)).toEqual({
      models: [],
      failed: 0,
      windows: 0,
      roles: [],
    });
  });

  it('compares two outlooks refit by refit: the same outlook by nothing, another within the paired spread', () => {
    // An autopilot's hot-versus-typical plan read -2.9k (the truth +7.8k) with no interval.
    const plan = (scenario: 'typical' | 'hot') =>
      makePlan(
        {
          series: tenant.series,
          model,
          outlook: scenarioOutlook(tenant.series, scenario, model.weather, 28),
          replicates,
        },
        { horizon: 28, budget: 100_000 },
      );
    const typical = plan('typical');
    const same = compareOutlooks(typical, plan('typical'));
    expect(same.difference_interval).toEqual({ p80: [0, 0], p95: [0, 0] });
    // Refits the planner cannot use (u.used of u.replicates) are left out of the pairs.
    expect(same.lines[0]).toContain(
      `(+0, 80% +0 to +0 over the same ${typical.uncertainty!.used} refits of the model: not clear which outlook earns more`,
    );
    const hot = plan('hot');
    const cmp = compareOutlooks(typical, hot);
    const iv = cmp.difference_interval!;
    expect(iv.p95[0]).toBeLessThanOrEqual(iv.p80[0]);
    expect(iv.p95[1]).toBeGreaterThanOrEqual(iv.p80[1]);
    // Paired, what the refits share cancels: narrower than the two plans' own intervals together.
    const width = (x: { p80: [number, number] }) => x.p80[1] - x.p80[0];
    expect(width(iv)).toBeLessThan(
      0.5 *
        (width(typical.uncertainty!.incremental_revenue_interval) +
          width(hot.uncertainty!.incremental_revenue_interval)),
    );
    // Unchecked plans (no refits) have no interval to give.
    const unchecked = (scenario: 'typical' | 'hot') =>
      makePlan(
        {
          series: tenant.series,
          model,
          outlook: scenarioOutlook(tenant.series, scenario, model.weather, 28),
        },
        { horizon: 28, budget: 100_000 },
      );
    expect(compareOutlooks(unchecked('typical'), unchecked('hot')).difference_interval).toBeNull();
  });

  it('carries intervals and never goes where the refits do not agree', () => {
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 28);
    const truth = { tenant, mix: builtinSpec(ID).mix };
    const p = makePlan(
      { series: tenant.series, model, outlook, truth, replicates },
      { horizon: 28, budget: 100_000 },
    );
    const u = p.uncertainty!;
    expect(u).not.toBeNull();
    expect(u.replicates).toBe(MIN_PLAN_REPLICATES + 6); // + the pooled search's 6 windows
    expect(p.channels.reduce((a, c) => a + c.spend, 0)).toBeCloseTo(100_000, 4);
    const inside = (v: number, iv: { p80: number[]; p95: number[] }): void => {
      expect(iv.p95[0]).toBeLessThanOrEqual(iv.p80[0]);
      expect(iv.p80[0]).toBeLessThanOrEqual(v + 1e-6);
      expect(iv.p80[1]).toBeGreaterThanOrEqual(v - 1e-6);
      expect(iv.p95[1]).toBeGreaterThanOrEqual(iv.p80[1]);
    };
    inside(p.expected_revenue.horizon, u.expected_revenue_interval);
    inside(p.incremental_revenue, u.incremental_revenue_interval);
    inside(u.uplift, u.uplift_interval);
    const even = p.baselines.find((b) => b.name === 'historical_even')!;
    inside(even.incremental_revenue, even.incremental_revenue_interval!);
    // Uplift over (a) in the model's view is the plan's uplift of the trust step.
    expect(even.plan_uplift).toBeCloseTo(u.uplift, 4);
    if (u.step === 0) {
      expect(even.plan_uplift).toBeCloseTo(0, 6);
      expect(p.notes.join('\n')).toMatch(/the plan is baseline \(a\)/);
    } else {
      // The refits' own 80% lower end (before the optimizer's-optimism margin) is above zero.
      expect(u.uplift_interval.p80[0] + u.selection_margin!.p80).toBeGreaterThan(0);
    }
    // The margin is (factor - 1) x the refits' distance from the uplift to their lower end, daily
    // factors 1.4 / 1.25 (SELECTION_FACTORS), and every figure holding the uplift takes it.
    const m = u.selection_margin!;
    const raw80 = u.uplift_interval.p80[0] + m.p80;
    const raw95 = u.uplift_interval.p95[0] + m.p95;
    expect(m.p80).toBeCloseTo(0.4 * Math.max(0, u.uplift - raw80), 6);
    // (The 95% end is the 80% one where the widened 95% tail would end above it: widenLower.)
    if (u.uplift_interval.p95[0] < u.uplift_interval.p80[0])
      expect(m.p95).toBeCloseTo(0.25 * Math.max(0, u.uplift - raw95), 6);
    if (u.step > 0) expect(m.p80).toBeGreaterThan(0);
    // Uplift over (a), with (a) the anchor: the same interval as the step's.
    expect(even.plan_uplift_interval!.p80[0]).toBeCloseTo(u.uplift_interval.p80[0], 4);
    expect(even.plan_uplift_interval!.p95[0]).toBeCloseTo(u.uplift_interval.p95[0], 4);
    // The unchecked optimum is at least as good in the model's own view.
    const unchecked = makePlan(
      { series: tenant.series, model, outlook, truth },
      { horizon: 28, budget: 100_000 },
    );
    expect(unchecked.uncertainty).toBeNull();
    expect(unchecked.incremental_revenue).toBeGreaterThanOrEqual(p.incremental_revenue - 1e-6);
    expect(u.model_optimum.uplift).toBeCloseTo(
      unchecked.incremental_revenue - even.incremental_revenue,
      0,
    );
  });

  it('says so when too few refits can be planned with', () => {
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 28);
    const p = makePlan(
      { series: tenant.series, model, outlook, replicates: replicates.slice(0, 3) },
      { horizon: 28, budget: 100_000 },
    );
    expect(p.uncertainty).toBeNull();
    expect(p.notes.join('\n')).toMatch(
      /only 3 of 3 replicate models .* the plan stays at baseline \(a\), without intervals/,
    );
  });
});
