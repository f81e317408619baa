/**
 * The budget curve (plan --budget-curve, plan_budget budget_curve): the plan at 0.5x-2x its
 * budget, each planned and checked as the plan is, against plans made at those budgets on their
 * own, baseline (a) at each budget, the truth, and the bounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { budgetCurveChart } from '../src/report/channel-charts.js';
import type { TenantReportData } from '../src/report/types.js';
import {
  BUDGET_CURVE_MULTIPLES,
  parseBounds,
  type PlanRequest,
  type PlanResult,
} from '../src/plan/index.js';
import { call, connect, text, type Connected } from './mcp-helpers.js';
import { builtinPlanner, type BuiltinPlanner } from './plan-helpers.js';

const ID = 'high_summer_clothing';
const H = 14;

describe('the budget curve', () => {
  let planner: BuiltinPlanner;
  const plan = (req: Omit<PlanRequest, 'horizon'>, checked: boolean): PlanResult =>
    planner.plan(req, checked);

  beforeAll(() => {
    planner = builtinPlanner(ID, H);
  });

  for (const checked of [false, true]) {
    it(`${checked ? 'checked' : 'unchecked'}: each point is the plan made at that budget, and beats baseline (a) there`, () => {
      const p = plan({ budgetCurve: true }, checked);
      const curve = p.budget_curve!;
      expect(curve.map((c) => c.multiple)).toEqual([...BUDGET_CURVE_MULTIPLES]);
      // The 1x point is the plan itself.
      const one = curve.find((c) => c.multiple === 1)!;
      expect(one.budget).toBe(p.budget);
      expect(one.incremental_revenue).toBe(p.incremental_revenue);
      expect(one.roas).toBe(p.roas);
      expect(one.marginal_roas).toBe(p.marginal_roas);
      expect(one.true_incremental_revenue).toBe(p.truth!.plan_incremental);
      expect(one.step).toBe(checked ? p.uncertainty!.step : null);
      // The plan does not depend on being asked for a curve.
      const plain = plan({}, checked);
      expect(plain.budget_curve).toBeUndefined();
      expect(p.channels.map((c) => c.spend_by_period)).toEqual(
        plain.channels.map((c) => c.spend_by_period),
      );
      for (const c of curve.filter((x) => x.multiple !== 1)) {
        // A plan of its own at that budget (its optimizer started from the baselines only, the
        // curve's also from the plan's optimum: the response is not concave, so the curve's
        // optimum can be the better one, 0.4% at 0.75x here): within 0.5%, and unchecked never
        // below it.
        const own = plan({ budget: c.budget }, checked);
        expect(c.budget).toBeCloseTo(c.multiple * p.budget, 6);
        expect(Math.abs(c.incremental_revenue! - own.incremental_revenue)).toBeLessThan(
          5e-3 * own.incremental_revenue,
        );
        if (!checked)
          expect(c.incremental_revenue!).toBeGreaterThanOrEqual(
            own.incremental_revenue * (1 - 1e-9),
          );
        expect(c.roas).toBeCloseTo(c.incremental_revenue! / c.budget, 9);
        // The model's view: at least baseline (a) at that budget (the anchor of a checked plan).
        expect(c.incremental_revenue!).toBeGreaterThanOrEqual(
          own.baselines[0].incremental_revenue - 1e-6 * own.baselines[0].incremental_revenue,
        );
        expect(c.true_incremental_revenue).toBeGreaterThan(0);
        if (checked) {
          expect(c.step).not.toBeNull();
          const [lo, hi] = c.incremental_revenue_interval!.p80;
          expect(lo).toBeLessThanOrEqual(c.incremental_revenue!);
          expect(hi).toBeGreaterThanOrEqual(c.incremental_revenue!);
        } else expect(c.incremental_revenue_interval).toBeNull();
      }
      // What each slice of budget returns, from the points themselves.
      for (let i = 1; i < curve.length; i++) {
        const [a, b] = [curve[i - 1], curve[i]];
        expect(b.return_on_increment).toBeCloseTo(
          (b.incremental_revenue! - a.incremental_revenue!) / (b.budget - a.budget),
          9,
        );
      }
      expect(curve[0].return_on_increment).toBeNull();
    });
  }

  it('says where the bounds cannot be met and skips the slices beside it', () => {
    const p = plan(
      { budgetCurve: true, bounds: parseBounds('meta=0.7x:,google=0.7x:', 'daily') },
      false,
    );
    const half = p.budget_curve![0];
    expect(half.multiple).toBe(0.5);
    expect(half.incremental_revenue).toBeNull();
    expect(half.infeasible).toMatch(/minimum spends add up to .* more than the budget/);
    expect(p.budget_curve![1].return_on_increment).toBeNull();
    expect(p.budget_curve![2].return_on_increment).not.toBeNull();
  });
});

describe("the report's budget curve chart", () => {
  const point = (
    multiple: number,
    inc: number,
    truth: number | null,
    return_on_increment: number | null = null,
  ) => ({
    multiple,
    budget: 1000 * multiple,
    incremental_revenue: inc,
    p80: [inc - 100, inc + 100] as [number, number],
    truth,
    return_on_increment,
  });
  const data = (curve: ReturnType<typeof point>[]) =>
    ({ plan: { id: 7, budget_curve: curve } }) as unknown as TenantReportData;

  it("reads what each slice returns (the plan's figures) and where it stops paying", () => {
    // Slices: (3000 - 1000) / 500 = 4, (3500 - 3000) / 500 = 1, (3800 - 3500) / 1000 = 0.3.
    const chart = budgetCurveChart(
      data([
        point(1, 1000, 1100),
        point(1.5, 3000, 3100, 4),
        point(2, 3500, 3600, 1),
        point(3, 3800, 3900, 0.3),
      ]),
    )!;
    expect(chart.id).toBe('budget-curve');
    expect(chart.reading).toContain(
      'Each extra 1 of budget returns 4.00 up to 1.5x, 1.00 up to 2x, 0.30 up to 3x: the slice up to 3x returns less revenue than it costs.',
    );
    expect(chart.reading).toContain('Under the truth the same plans make');
    expect(chart.reading).toContain('read the line, not the band’s top, as what to expect');
    // No slice at 1 or more: said of them all (a probe's read -0.13 to 0.43).
    expect(
      budgetCurveChart(
        data([point(1, 1000, null), point(2, 1400, null, 0.4), point(3, 1500, null, 0.1)]),
      )!.reading,
    ).toContain(
      'returns 0.40 up to 2x, 0.10 up to 3x: no slice returns as much revenue as it costs.',
    );
    expect(chart.rows).toHaveLength(4);
    expect(chart.title).toContain('dashed: the same plans under the truth');
    // Without the truth (imported data): no truth line; a curve of one point: no chart.
    expect(
      budgetCurveChart(data([point(1, 1000, null), point(2, 1800, null)]))!.title,
    ).not.toContain('truth');
    expect(budgetCurveChart(data([point(1, 1000, null)]))).toBeNull();
    // A budget the bounds could not meet is left out of the curve; the slice across the gap has
    // no figure (the plan's return_on_increment is null there) and is not read as one.
    const gap = budgetCurveChart(data([point(1, 1000, null), point(3, 3800, null, null)]))!;
    expect(gap.reading).not.toContain('1.40');
    expect(gap.reading).toMatch(/^No two neighbouring budgets of the curve could both be planned/);
    const partial = budgetCurveChart(
      data([point(1, 1000, null), point(3, 3800, null, null), point(4, 4000, null, 0.2)]),
    )!;
    expect(partial.reading).toMatch(
      /^Each extra 1 of budget returns 0\.20 up to 4x: the slice up to 4x returns less/,
    );
  });
});

describe('the budget curve through the faces', () => {
  let dir: string;
  let app: App;
  let c: Connected;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-curve-'));
    app = createApp({ stateDir: path.join(dir, 'state'), workers: 1, log: () => undefined });
    await app.startPhaseRun({ phase: 3, tenants: [ID] }).done;
    c = await connect(app);
  });

  afterAll(async () => {
    await c?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('over MCP: budget_curve true adds it, stored with the plan and its inputs', async () => {
    const r = await call(c, 'plan_budget', {
      tenant: ID,
      days: 7,
      replicates: 0,
      budget_curve: true,
    });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as {
      id: number;
      inputs: Record<string, unknown>;
      plan: { budget_curve: { multiple: number }[] };
    };
    expect(s.plan.budget_curve.map((p) => p.multiple)).toEqual([...BUDGET_CURVE_MULTIPLES]);
    expect(s.inputs.budget_curve).toBe(true);
    expect(text(r)).toMatch(/budget curve \(incremental revenue of the plan at other budgets/);
    expect(app.getPlan(s.id).plan.budget_curve).toHaveLength(BUDGET_CURVE_MULTIPLES.length);
    // The tenant report draws the newest plan's curve.
    const report = await app.writeReport({ tenant: ID, phase: 3, out: path.join(dir, 'r.html') });
    const drawn = report.charts.find((x) => x.id === 'budget-curve');
    expect(drawn?.title).toContain(`Budget curve of plan ${s.id}`);
    // Each slice is read with the plan's own figure.
    for (const pt of app.getPlan(s.id).plan.budget_curve!.slice(1)) {
      expect(drawn?.reading).toContain(
        `${(pt.return_on_increment as number).toFixed(2)} up to ${pt.multiple}x`,
      );
    }
    const plain = await call(c, 'plan_budget', { tenant: ID, days: 7, replicates: 0 });
    expect(
      (plain.structuredContent as { plan: Record<string, unknown> }).plan.budget_curve,
    ).toBeUndefined();
    expect(text(plain)).not.toMatch(/budget curve/);
  });
});
