/**
 * planCurveDoubt (src/plan/curves.ts): a plan-curve fit whose curves stop at the search's bounds or
 * that gives the media more than the revenue is in doubt, and the plan says so; the fit is still
 * the plan model (keeping the phase-3 model instead lost more on check tenants), and a checked
 * plan on it stays at baseline (a) (tests/plan-doubt-hold.test.ts). Weekly generated tenants of
 * docs/planner.md "Weekly plans under the truth".
 */
import { describe, expect, it } from 'vitest';
import { fitFinalModel, predictFinal } from '../src/phases/final.js';
import type { ChannelParams } from '../src/phases/types.js';
import { DECAY_BOUNDS, K_MULT_BOUNDS } from '../src/phases/search.js';
import { historicalAttribution } from '../src/plan/attribution.js';
import { planCurveDoubt, planCurveFit, planCurveModel } from '../src/plan/curves.js';
import { computePlan } from '../src/app/plan-task.js';
import { finalToJSON } from '../src/phases/final.js';
import { weeklyPlanTenant } from './plan-helpers.js';

const weekly = weeklyPlanTenant;

/** computePlan of a weekly tenant's phase 3 model: 4 weeks, typical outlook, `extra` on top. */
function planOf(w: ReturnType<typeof weekly>, extra: Partial<Parameters<typeof computePlan>[4]>) {
  return computePlan(
    { kind: 'shape', tenant: w.id, seed: w.seed, shape: w.spec },
    w.series,
    w.tenant,
    finalToJSON(w.phase3),
    {
      horizon: 4,
      bounds: [],
      objective: { kind: 'revenue' },
      outlook: { scenario: 'typical' },
      replicates: 20,
      ...extra,
    },
  );
}

describe('planCurveDoubt', () => {
  it('names a channel whose decay or k_mult sits at a bound of the search, else null', () => {
    const { series, phase3 } = weekly(9700);
    // The phase-3 model's shared curve is inside the bounds and gives the media under the revenue.
    const share = historicalAttribution(series, (s) => predictFinal(phase3, s)).media_share;
    expect(share).toBeLessThan(1);
    expect(planCurveDoubt(series, phase3)).toBeNull();
    const [first, second] = series.channels;
    const at = (ch: string, p: { decay?: number; k_mult?: number }) => ({
      ...phase3,
      channelParams: {
        ...phase3.channelParams!,
        [ch]: { ...phase3.channelParams![ch], ...p },
      },
    });
    expect(planCurveDoubt(series, at(second, { decay: DECAY_BOUNDS[1] }))).toBe(
      `curves at the search's bounds: ${second}`,
    );
    expect(planCurveDoubt(series, at(first, { k_mult: K_MULT_BOUNDS[1] }))).toBe(
      `curves at the search's bounds: ${first}`,
    );
    expect(planCurveDoubt(series, at(first, { k_mult: K_MULT_BOUNDS[0] }))).toBe(
      `curves at the search's bounds: ${first}`,
    );
    expect(planCurveDoubt(series, at(first, { decay: 0.89, k_mult: 7.9 }))).toBeNull();
  });

  it('leaves out a channel of almost no or constant spend (the plan holds it, its curve is not identified)', () => {
    const { series, phase3 } = weekly(9700);
    const n = series.target.length;
    // A third channel spent on 5 of the weeks (a probe shop's tiktok: 15.4 on 5 of 156 weeks),
    // and a fourth of the same spend every week; both with curves at a bound of the search.
    const thin = new Float64Array(n);
    for (const t of [3, 40, 77, 100, 101]) thin[t] = 3;
    const flat = new Float64Array(n).fill(500);
    const s = {
      ...series,
      channels: [...series.channels, 'tiktok', 'radio'],
      spend: [...series.spend, thin, flat],
    };
    const edge = { decay: DECAY_BOUNDS[1], k_mult: K_MULT_BOUNDS[0], s: 1, k: 1 };
    const params: Record<string, ChannelParams> = {
      ...phase3.channelParams!,
      tiktok: edge,
      radio: edge,
    };
    const fit = (p: Record<string, ChannelParams>) =>
      fitFinalModel(s, 3, { calendar: phase3.calendar, channelParams: p });
    expect(planCurveDoubt(s, fit(params))).toBeNull();
    // A channel that spent as the others did is still named.
    const [first] = series.channels;
    expect(planCurveDoubt(s, fit({ ...params, [first]: { ...params[first], ...edge } }))).toBe(
      `curves at the search's bounds: ${first}`,
    );
  });

  it('planCurveFit names the doubt of a fit that stops at a bound and plans with that fit', () => {
    // qw_s9709_0: the fit put meta at k_mult 8; its plan lost 10-16% of (a) under the truth.
    const doubted = weekly(9709);
    const fit = planCurveFit(doubted.series, doubted.phase3);
    expect(fit.doubt).toBe("curves at the search's bounds: meta");
    expect(fit.model).not.toBe(doubted.phase3);
    expect(fit.model.channelParams!.meta.k_mult).toBe(K_MULT_BOUNDS[1]);
    // qw_s9702_0: curves inside the bounds, media 45% of the revenue (truth 44%): its own fit.
    const kept = weekly(9702);
    const model = planCurveModel(kept.series, kept.phase3);
    expect(model).not.toBe(kept.phase3);
    expect(planCurveDoubt(kept.series, model)).toBeNull();
    expect(model.channelParams).not.toEqual(kept.phase3.channelParams);
  });

  it('the plan says when its curve fit is in doubt, and only then', () => {
    const plan = (w: ReturnType<typeof weekly>) => {
      const out = planOf(w, { replicates: 0 });
      if (!out.ok) throw new Error(out.error);
      return out.plan.notes.filter((n) => n.includes("the planner's own curve fit is in doubt"));
    };
    expect(plan(weekly(9709))).toEqual([
      expect.stringContaining("(curves at the search's bounds: meta)"),
    ]);
    expect(plan(weekly(9702))).toEqual([]);
  });

  it('a compared outlook is checked as the plan is: held at baseline (a) where the curves are in doubt', () => {
    // A probe's --compare hot moved 80% of the way to its model's optimum (+887k "under a hot
    // outlook") while --scenario hot alone stayed at (a): the compared plan had no doubt hold.
    const w = weekly(9709);
    const out = planOf(w, { compare: { scenario: 'hot' } });
    if (!out.ok) throw new Error(out.error);
    const compared = out.comparison!.plan;
    for (const p of [out.plan, compared]) {
      expect(p.uncertainty!.doubt_hold).toMatch(/curve fit is in doubt/);
      expect(p.uncertainty!.step).toBe(0);
    }
    expect(compared.outlook.source).toBe('scenario:hot');
  });

  it('a target no checked plan reaches is refused, not answered with the optimum budget', () => {
    // A probe's --target-roas 1.2 got 2x the history's budget, stored, at a checked ROAS of 0.56.
    const w = weekly(9709);
    const target = (value: number) => planOf(w, { objective: { kind: 'target_roas', value } });
    // The held plan (the historical split) reaches ROAS 20 at no budget; the model's optimum does.
    const refused = target(20);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error).toMatch(
      /^no checked plan reaches a ROAS of 20: the model's own optimum does up to a budget of .*stays at the historical split.*reaches at most (\d+\.\d{3}).*lower the target to at most \1, or plan a budget instead$/,
    );
    const most = Number(/at most (\d+\.\d{3})/.exec(refused.error)![1]);
    expect(most).toBeLessThan(20);
    // A target the held plan reaches: its checked budget, meeting it.
    const met = target(3);
    if (!met.ok) throw new Error(met.error);
    expect(met.plan.roas).toBeGreaterThanOrEqual(3 * (1 - 1e-6));
    expect(met.plan.target_search!.checked_budget).toBe(met.plan.budget);
  });
});
