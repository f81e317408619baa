/**
 * A plan whose check was asked for but could not be made (fewer than MIN_PLAN_REPLICATES refits
 * could be planned with) stays at baseline (a). It was the model's unchecked optimum: an outside
 * probe's model below the pass bar, one year since a channel's launch, 9 of 32 refits planned,
 * put 99.9% of the budget into that channel and lost 71% of (a)'s incremental revenue under its
 * truth (session 76, probe M).
 */
import { describe, expect, it } from 'vitest';
import { MIN_PLAN_REPLICATES, type RevenueModel } from '../src/plan/index.js';
import { makePlan, scenarioOutlook } from '../src/plan/index.js';
import { builtinPlanner } from './plan-helpers.js';

describe('a plan whose refits mostly cannot be planned', () => {
  it('stays at baseline (a), says so, and names the optimum it did not take', () => {
    const p = builtinPlanner('extreme_ski_gear', 28, MIN_PLAN_REPLICATES);
    // A refit reading a weather column the data lack cannot be planned (extendSeries refuses it).
    const broken: RevenueModel = { ...p.model, weather: [...p.model.weather, 'no_such_column'] };
    const usable = MIN_PLAN_REPLICATES - 1;
    const replicates = [
      ...p.replicates.slice(0, usable),
      ...Array.from({ length: 5 }, () => broken),
    ];
    const request = {
      budget: 200_000,
      horizon: 28,
      bounds: [],
      objective: { kind: 'revenue' as const },
    };
    const outlook = scenarioOutlook(p.tenant.series, 'typical', p.model.weather, 28);
    const plan = makePlan(
      { series: p.tenant.series, model: p.model, outlook, replicates },
      request,
    );
    const unchecked = makePlan(
      { series: p.tenant.series, model: p.model, outlook, replicates: [] },
      request,
    );
    const a = plan.baselines.find((b) => b.name === 'historical_even')!;
    for (const c of plan.channels) {
      expect(c.spend).toBeCloseTo(a.spend[c.channel]!, 6);
    }
    expect(plan.uncertainty).toBeNull();
    // The optimum it did not take lies elsewhere: the hold is a change, not a coincidence.
    const moved = unchecked.channels.reduce(
      (s, c) => s + Math.abs(c.spend - a.spend[c.channel]!),
      0,
    );
    expect(moved / 200_000).toBeGreaterThan(0.005);
    const note = plan.notes.find((n) => n.startsWith(`only ${usable} of ${usable + 5} replicate`))!;
    expect(note).toContain('the plan stays at baseline (a), without intervals');
    const top = [...unchecked.channels].sort((x, y) => y.spend - x.spend)[0]!;
    expect(note).toContain(`${top.channel} ${((100 * top.spend) / 200_000).toFixed(1)}%`);
  });
});
