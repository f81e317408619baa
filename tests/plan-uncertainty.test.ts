/** Planning under uncertainty: the trust-region step, the bootstrap refits and the plan's intervals. */
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSpec } from '../src/core/data/catalog.js';
import { generateTenant } from '../src/core/data/index.js';
import type { SyntheticTenant } from '../src/core/types.js';
import { finalToJSON, fitFinalModel, type FinalModel } from '../src/phases/final.js';
import {
  incrementalRevenue,
  makePlan,
  MAX_TRUST_STEP,
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

  it('goes halfway, and no further, when every replicate agrees and the uplift keeps rising', () => {
    // Channel b earns nothing: moving its spend to a raises revenue all the way to the optimum.
    const point = response(3, 0);
    const reps = Array.from({ length: 10 }, () => response(3, 0));
    const s = trustStep(point, reps, anchor, optimum);
    expect(MAX_TRUST_STEP).toBe(0.5);
    expect(s.step).toBe(0.5);
    // Halfway: a gets 150/day, b 50/day; uplift 7 * 3 * (150/250 - 100/200) = 2.1.
    expect(s.uplift).toBeCloseTo(7 * 3 * (150 / 250 - 100 / 200), 9);
    expect(Array.from(s.spend[0])).toEqual(new Array(7).fill(150));
    expect(s.optimum_uplift).toBeCloseTo(7 * 3 * (200 / 300 - 100 / 200), 9);
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
    let best = 0;
    let bestL = 0;
    for (let i = 1; i <= TRUST_STEPS * MAX_TRUST_STEP; i++) {
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
    point = fitFinalModel(tenant.series, 3);
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
    // A model fitted with given parameters has no windows; no refits asked, none made.
    const given = fitFinalModel(tenant.series, 3, { channelParams: point.channelParams! });
    expect(given.searchRuns).toBeUndefined();
    expect(planReplicateModels(tenant.series, given, 2).windows).toBe(0);
    expect(planReplicateModels(tenant.series, point, 0)).toEqual({
      models: [],
      failed: 0,
      windows: 0,
    });
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
      expect(u.uplift_interval.p80[0]).toBeGreaterThan(0);
    }
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
      /only 3 of 3 replicate models .* unchecked and without intervals/,
    );
  });
});
