/**
 * Spend after the horizon (PlanRequest.afterHorizon, docs/planner.md "After the horizon"): with
 * 'continue' the tail after the horizon carries each channel's historical spend per period, so a
 * last-period burst meets that spend on the Hill curve instead of landing on unsaturated periods
 * (outside probe s71 C: a bounded plan's last-day burst claimed +53.4k and earned +23.1k with the
 * spend going on).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StoredPlan } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { builtinSpec } from '../src/core/data/catalog.js';
import { generateTenant } from '../src/core/data/index.js';
import { hill } from '../src/core/transforms.js';
import type { SyntheticTenant } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  makePlan,
  parseBounds,
  planHeadline,
  planSummaryLines,
  revenueModelOf,
  scenarioOutlook,
  type RevenueModel,
} from '../src/plan/index.js';
import { LAST_PERIOD_BURST } from '../src/plan/last-period.js';
import { evaluateResponse, type SeparableResponse } from '../src/plan/response.js';
import { tempStateDir, wv } from './cli-helpers.js';
import { call, connect, text } from './mcp-helpers.js';

/** One channel, constant gain, 4 planned periods and 6 after them. */
function oneChannel(tailSpend?: number[]): SeparableResponse {
  return {
    channels: ['tv'],
    horizon: 4,
    tail: 6,
    base: new Float64Array(10).fill(100),
    gain: [new Float64Array(10).fill(5_000)],
    decay: [0.6],
    k: [1_000],
    s: [1.3],
    start: [400],
    ...(tailSpend ? { tailSpend } : {}),
  };
}

describe('the response with spend after the horizon', () => {
  it('carries the tail spend in the adstock, by hand', () => {
    const x = [Float64Array.from([300, 0, 900, 200])];
    const spendOf = (t: number): number => (t < 4 ? x[0][t] : 250);
    let a = 400;
    let want = 0;
    for (let t = 0; t < 10; t++) {
      a = spendOf(t) + 0.6 * a;
      want += 100 + 5_000 * hill(a, 1_000, 1.3);
    }
    expect(evaluateResponse(oneChannel([250]), x).total).toBeCloseTo(want, 6);
    // Without tail spend the tail holds the carry-over alone.
    a = 400;
    let stopped = 0;
    for (let t = 0; t < 10; t++) {
      a = (t < 4 ? x[0][t] : 0) + 0.6 * a;
      stopped += 100 + 5_000 * hill(a, 1_000, 1.3);
    }
    expect(evaluateResponse(oneChannel(), x).total).toBeCloseTo(stopped, 6);
  });

  it('has a gradient that matches central finite differences', () => {
    const r = oneChannel([250]);
    const x = [Float64Array.from([300, 100, 900, 200])];
    const g = evaluateResponse(r, x, true).gradient![0];
    for (let t = 0; t < 4; t++) {
      const h = 1e-3;
      const up = [Float64Array.from(x[0])];
      const down = [Float64Array.from(x[0])];
      up[0][t] += h;
      down[0][t] -= h;
      const fd = (evaluateResponse(r, up).total - evaluateResponse(r, down).total) / (2 * h);
      expect(g[t]).toBeCloseTo(fd, 4);
    }
  });
});

describe('a plan with the spend going on after the horizon', () => {
  const ID = 'extreme_ski_gear';
  let tenant: SyntheticTenant;
  let model: RevenueModel;
  beforeAll(() => {
    tenant = generateTenant(ID);
    model = revenueModelOf(fitFinalModel(tenant.series, 3));
  });
  const ctx = () => ({
    series: tenant.series,
    model,
    outlook: scenarioOutlook(tenant.series, 'typical', model.weather, 28),
  });
  const lastOverMedian = (days: readonly number[]): number => {
    const others = [...days.slice(0, -1)].sort((a, b) => a - b);
    return days.at(-1)! / (0.5 * (others[13] + others[14]));
  };

  it('prices the last-day burst in, states the spend it assumes, and says so', () => {
    const stop = makePlan(ctx(), { horizon: 28 });
    const going = makePlan(ctx(), { horizon: 28, afterHorizon: 'continue' });
    // The stopped plan bursts google on its last day (tests/plan-wording.test.ts); the plan with
    // the spend going on does not, and has no burst note.
    const google = (p: typeof stop) => p.channels.find((c) => c.channel === 'google')!;
    expect(lastOverMedian(google(stop).spend_by_period)).toBeGreaterThan(LAST_PERIOD_BURST);
    expect(lastOverMedian(google(going).spend_by_period)).toBeLessThan(LAST_PERIOD_BURST);
    expect(going.notes.some((n) => n.startsWith('the last day of the horizon'))).toBe(false);
    // The spend it assumes: each channel's mean over the data's last 365 days.
    expect(stop.horizon.after_horizon).toBe('stop');
    expect(stop.horizon.after_horizon_spend).toBeNull();
    expect(going.horizon.after_horizon).toBe('continue');
    tenant.series.channels.forEach((c, i) => {
      const x = tenant.series.spend[i];
      const mean = x.slice(-365).reduce((a, b) => a + b, 0) / 365;
      expect(going.horizon.after_horizon_spend![c]).toBeCloseTo(mean, 6);
    });
    const tail = going.notes.find((n) => n.startsWith('carry-over:'))!;
    expect(tail).toContain("with each channel's spend going on at its historical rate per day");
    // The model's own objective: each plan is best under its own assumption (the optimizer's
    // answer, not a stored figure), and the budget is the same.
    expect(going.budget).toBeCloseTo(stop.budget, 6);
    expect(going.incremental_revenue).toBeLessThan(stop.incremental_revenue);
  });

  it('keeps a channel its bounds keep off at 0 after the horizon too, and says which assumption', () => {
    const off = makePlan(ctx(), {
      horizon: 28,
      afterHorizon: 'continue',
      bounds: parseBounds('meta=0:0', 'daily'),
    });
    expect(off.horizon.after_horizon_spend!.meta).toBe(0);
    expect(off.horizon.after_horizon_spend!.google).toBeGreaterThan(0);
    expect(off.notes.find((n) => n.startsWith('carry-over:'))).toContain(
      'meta 0, kept off by its bounds',
    );
    const lines = (p: typeof off) => planSummaryLines(p).join('\n');
    expect(lines(off)).toMatch(/carry-over after it \(\d+ days, with the spend going on\)/);
    const stop = makePlan(ctx(), { horizon: 28 });
    expect(lines(stop)).toMatch(/carry-over after it \(\d+ days, with nothing more spent\)/);
  });

  it("scores the plan under the truth with the other assumption too, the truth's optimum on top", () => {
    const t = { tenant, mix: builtinSpec(ID).mix };
    const stop = makePlan({ ...ctx(), truth: t }, { horizon: 28 });
    const going = makePlan({ ...ctx(), truth: t }, { horizon: 28, afterHorizon: 'continue' });
    expect(stop.truth!.other_after_horizon.after_horizon).toBe('continue');
    expect(going.truth!.other_after_horizon.after_horizon).toBe('stop');
    // The same truth, the same baseline (a): the stopped plan's figures under 'continue' are the
    // continued plan's baseline and optimum.
    const a = stop.truth!.other_after_horizon;
    expect(a.historical_even_incremental).toBeCloseTo(going.truth!.historical_even_incremental, 6);
    for (const p of [stop, going]) {
      expect(p.truth!.optimal_incremental).toBeGreaterThanOrEqual(p.truth!.plan_incremental);
      const o = p.truth!.other_after_horizon;
      expect(o.optimal_incremental).toBeGreaterThanOrEqual(o.plan_incremental);
    }
  });
});

describe('--after-horizon in the CLI', () => {
  it('is stored with the plan, and a wrong value says which ones there are', () => {
    const state = tempStateDir();
    const dir = state.dir;
    const bad = wv(dir, ['plan', '--tenant', 'extreme_ski_gear', '--after-horizon', 'later']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--after-horizon must be one of stop, continue (got later)');
    const ok = wv(dir, [
      'plan',
      '--tenant',
      'extreme_ski_gear',
      '--replicates',
      '0',
      '--after-horizon',
      'continue',
      '--json',
    ]);
    expect(ok.code).toBe(0);
    const stored = JSON.parse(ok.stdout) as {
      inputs: { after_horizon: string };
      plan: { horizon: { after_horizon: string } };
    };
    expect(stored.inputs.after_horizon).toBe('continue');
    expect(stored.plan.horizon.after_horizon).toBe('continue');
    // The listing says which plans were counted with the spend going on.
    const listed = wv(dir, ['plans']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/28 days \(continue\)/);
    expect(listed.stdout).toContain('horizon (continue): the carry-over after the horizon counted');
    state.remove();
  });
});

describe('after_horizon over MCP (real app)', () => {
  it('plans a weekly tenant with the spend going on, in the structured answer and the text', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wv-after-horizon-'));
    const app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    try {
      const [tenant] = app.generateTenants({
        count: 1,
        seed: 14805,
        prefix: 'ah',
        shape: { frequency: 'weekly', years: 2, channels: 2, weather: 'none' },
      }).tenants;
      const c = await connect(app);
      try {
        const r = await call(c, 'plan_budget', {
          tenant,
          weeks: 4,
          replicates: 0,
          after_horizon: 'continue',
        });
        expect(r.isError, text(r)).toBeFalsy();
        const stored = r.structuredContent as unknown as StoredPlan;
        expect(stored.plan.horizon.after_horizon).toBe('continue');
        expect(Object.keys(stored.plan.horizon.after_horizon_spend!)).toEqual(
          stored.plan.channels.map((ch) => ch.channel),
        );
        expect(text(r)).toContain(
          "with each channel's spend going on at its historical rate per week",
        );
      } finally {
        await c.close();
      }
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("a stored plan's headline", () => {
  it('says when the spend goes on after the horizon and what target chose the budget', () => {
    const figures = {
      unit: 'day',
      outlook: 'scenario:typical',
      budget: 393_500,
      incremental_revenue: 1_270_000,
      roas: 3.23,
      uplift_vs_historical: 84_300,
      compare_outlook: null,
      compare_incremental_revenue: null,
    };
    expect(planHeadline(figures, 28)).toBe(
      '393.5k over 28 days, scenario:typical: incremental 1.27M (ROAS 3.23), +84.3k vs the historical split',
    );
    expect(
      planHeadline(
        {
          ...figures,
          after_horizon: 'continue',
          objective: { kind: 'target_roas', value: 2.8, lowerEnd: true },
        },
        28,
      ),
    ).toBe(
      'ROAS >= 2.8 by its 80% lower end: 393.5k over 28 days (spend going on after them), scenario:typical: incremental 1.27M (ROAS 3.23), +84.3k vs the historical split',
    );
    expect(
      planHeadline({ ...figures, after_horizon: 'stop', objective: { kind: 'revenue' } }, 28),
    ).toBe(planHeadline(figures, 28));
  });
});
