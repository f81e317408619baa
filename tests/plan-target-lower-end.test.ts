/**
 * A target ROAS met by the lower end of the plan's ROAS 80% interval (plan --target-lower-end,
 * plan_budget target_lower_end; docs/planner.md "Targets instead of a budget"): the budget is the
 * largest whose checked plan reports a lower end at or above the target, where the point target
 * takes a budget whose ROAS the refits do not agree reaches it (outside probe s71 C: ROAS 3 "met"
 * at 350.1k, true 2.65).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSpec } from '../src/core/data/catalog.js';
import { generateTenant } from '../src/core/data/index.js';
import type { SyntheticTenant } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  makePlan,
  planReplicateModels,
  planSummaryLines,
  revenueModelOf,
  scenarioOutlook,
  type PlanRequest,
  type PlanResult,
  type RevenueModel,
} from '../src/plan/index.js';
import { tempStateDir, wv } from './cli-helpers.js';

const ID = 'high_summer_clothing';
const H = 14;

/** The ROAS interval's 80% lower end the plan reports (its incremental revenue's, per unit spent). */
const lowerEnd = (p: PlanResult): number =>
  p.uncertainty!.incremental_revenue_interval.p80[0] / (p.budget - (p.held?.spend ?? 0));

describe('a target ROAS met by the lower end of its interval', () => {
  let tenant: SyntheticTenant;
  let model: RevenueModel;
  let replicates: RevenueModel[];
  const plan = (req: Omit<PlanRequest, 'horizon'>, checked = true): PlanResult =>
    makePlan(
      {
        series: tenant.series,
        model,
        outlook: scenarioOutlook(tenant.series, 'typical', model.weather, H),
        truth: { tenant, mix: builtinSpec(ID).mix },
        replicates: checked ? replicates : [],
      },
      { horizon: H, ...req },
    );

  beforeAll(() => {
    tenant = generateTenant(ID);
    const fit = fitFinalModel(tenant.series, 3);
    model = revenueModelOf(fit);
    replicates = planReplicateModels(tenant.series, fit, 10).models.map(revenueModelOf);
  });

  it('spends the largest budget whose reported lower end reaches it, below the point target', () => {
    const target = Number((0.9 * plan({}).roas).toFixed(3));
    const point = plan({ objective: { kind: 'target_roas', value: target } });
    const sure = plan({ objective: { kind: 'target_roas', value: target, lowerEnd: true } });
    // The point target meets it by the point and not by the lower end; the lower-end target
    // meets it by the lower end the plan reports, at a smaller budget.
    // (Within the search's bisection, 0.04% of the budget: the plan is solved again there.)
    expect(point.roas).toBeGreaterThanOrEqual(target * (1 - 1e-3));
    expect(lowerEnd(point)).toBeLessThan(target);
    expect(lowerEnd(sure)).toBeGreaterThanOrEqual(target * (1 - 1e-3));
    expect(sure.budget).toBeLessThan(point.budget);
    // Larger budgets up to the point target's do not reach it by the lower end (their own plans,
    // made with the same refits; 1% above, beyond the search's 0.04% bisection).
    expect(lowerEnd(plan({ budget: 1.01 * sure.budget }))).toBeLessThan(target);
    // Under the generator's truth (independent of the model): the point target's plan misses the
    // target on this tenant, the lower end's meets it.
    const trueRoas = (p: PlanResult): number => p.truth!.plan_incremental / p.budget;
    expect(trueRoas(point)).toBeLessThan(target);
    expect(trueRoas(sure)).toBeGreaterThanOrEqual(target);
    const first = planSummaryLines(sure).join('\n');
    expect(first).toContain(
      `largest budget whose ROAS has the lower end of its 80% interval >= ${target}`,
    );
  });

  it('refuses a target no checked plan is sure of, and a plan without refits', () => {
    // ROAS 2.8: the point reaches it up to about 0.8x the historical budget (2.78 there), the
    // lower end at most about 2.58 (at 0.6x; wider intervals below, lower ROAS above).
    const top = 2.8;
    expect(plan({ objective: { kind: 'target_roas', value: top } }).roas).toBeGreaterThan(
      top * (1 - 1e-3),
    );
    expect(() => plan({ objective: { kind: 'target_roas', value: top, lowerEnd: true } })).toThrow(
      /no checked plan has a ROAS whose 80% interval's lower end reaches/,
    );
    expect(() =>
      plan({ objective: { kind: 'target_roas', value: 1, lowerEnd: true } }, false),
    ).toThrow(/needs the plan checked against at least 10 refits/);
  });
});

describe('--target-lower-end in the CLI', () => {
  it('goes with --target-roas and with the refits, in the CLI words', () => {
    const state = tempStateDir();
    try {
      const alone = wv(state.dir, ['plan', '--tenant', ID, '--target-lower-end']);
      expect(alone.code).toBe(2);
      expect(alone.stderr).toContain('--target-lower-end goes with --target-roas');
      const marginal = wv(state.dir, [
        'plan',
        '--tenant',
        ID,
        '--target-marginal-roas',
        '1.5',
        '--target-lower-end',
      ]);
      expect(marginal.code).toBe(2);
      expect(marginal.stderr).toContain('--target-lower-end goes with --target-roas');
      const unchecked = wv(state.dir, [
        'plan',
        '--tenant',
        ID,
        '--target-roas',
        '2',
        '--target-lower-end',
        '--replicates',
        '0',
      ]);
      expect(unchecked.code).toBe(2);
      expect(unchecked.stderr).toContain(
        '--target-lower-end needs the refits that give the ROAS interval: leave --replicates at its default',
      );
    } finally {
      state.remove();
    }
  });
});
