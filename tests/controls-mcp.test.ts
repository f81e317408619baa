/**
 * Controls over MCP with the real app: explain_tenant gives each control's contribution and
 * effect per unit with intervals (structured and in the text), and plan_budget reads a forecast
 * of planned controls alone for a tenant without weather (docs/planner.md "Planned controls in
 * the forecast").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App, type Explanation, type StoredPlan } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { call, connect, text } from './mcp-helpers.js';

describe('controls over MCP (real app)', () => {
  let dir: string;
  let app: App;
  let tenant: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-controls-mcp-'));
    app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    [tenant] = app.generateTenants({
      count: 1,
      seed: 14804,
      prefix: 'ev',
      shape: { frequency: 'weekly', years: 2, channels: 2, weather: 'none', events: true },
    }).tenants;
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('explain_tenant: each control with its contribution, effect per unit and intervals', async () => {
    const c = await connect(app);
    try {
      const r = await call(c, 'explain_tenant', { tenant, replicates: 10 });
      expect(r.isError, text(r)).toBeFalsy();
      const e = r.structuredContent as unknown as Explanation;
      expect(e.controls.map((k) => k.control)).toEqual(['promo', 'holiday']);
      for (const k of e.controls) {
        expect(k.reference).toBe(0);
        expect(k.truth).not.toBeNull();
        const iv = k.intervals!.contribution;
        expect(iv.p95[0]).toBeLessThanOrEqual(iv.p80[0]);
        expect(iv.p80[0]).toBeLessThanOrEqual(iv.p80[1]);
        expect(k.intervals!.effect_per_unit.p80[0]).toBeLessThanOrEqual(k.effect_per_unit);
      }
      expect(text(r)).toMatch(/Controls \(revenue each added against its reference.*\): promo /);
      expect(text(r)).toMatch(/per row per unit \[/);
    } finally {
      await c.close();
    }
  }, 120_000);

  it('plan_budget: a forecast of planned promotion weeks alone moves the expected revenue, not the split', async () => {
    const c = await connect(app);
    try {
      const base = { tenant, budget: 60_000, weeks: 4, replicates: 0 };
      const plain = await call(c, 'plan_budget', base);
      expect(plain.isError, text(plain)).toBeFalsy();
      const first = (plain.structuredContent as unknown as StoredPlan).plan;
      // The week after the data, then three more.
      const end = (await app.explainTenant({ tenant, replicates: 0 })).end;
      const week = (i: number) =>
        new Date(Date.parse(end) + (i + 1) * 7 * 86_400_000).toISOString().slice(0, 10);
      const forecast_csv = `date,promo\n${[3, 0, 5, 0].map((v, i) => `${week(i)},${v}`).join('\n')}\n`;
      const r = await call(c, 'plan_budget', { ...base, forecast_csv });
      expect(r.isError, text(r)).toBeFalsy();
      const p = (r.structuredContent as unknown as StoredPlan).plan;
      expect(p.expected_revenue.horizon).not.toBeCloseTo(first.expected_revenue.horizon, 0);
      expect(p.incremental_revenue).toBeCloseTo(first.incremental_revenue, 6);
      expect(text(r)).toContain('the planned values of promo come from the forecast, for the');
      // The answer names the controls it assumed per week and leaves their series to the CSV,
      // which carries the planned promotion weeks.
      const view = r.structuredContent as unknown as {
        id: number;
        plan: { outlook: Record<string, unknown> };
        selection: { left_out: string[] };
      };
      expect(view.plan.outlook.control_columns).toEqual(['promo', 'holiday']);
      expect(view.plan.outlook.controls).toBeUndefined();
      expect(view.selection.left_out).toContain('plan.outlook.controls');
      expect(text(r)).toContain("the outlook's weather and controls per week left out");
      expect(app.getPlan(view.id).plan.outlook.controls!.promo).toEqual([3, 0, 5, 0]);
      const csv = (await c.client.readResource({ uri: `plan://${view.id}/spend` })).contents[0] as {
        text: string;
      };
      const rows = csv.text.trimEnd().split('\n');
      const k = rows[0].split(',').indexOf('promo');
      expect(rows.slice(1).map((row) => Number(row.split(',')[k]))).toEqual([3, 0, 5, 0]);
      // A compared scenario keeps the planned promotions: without weather the two outlooks are
      // the same, and so are their expected revenues (it held promo at its mean before).
      const both = await call(c, 'plan_budget', {
        ...base,
        forecast_csv,
        compare_scenario: 'typical',
      });
      expect(both.isError, text(both)).toBeFalsy();
      const sp = both.structuredContent as unknown as StoredPlan;
      const other = app.getPlan(sp.id).comparison!.plan;
      const main = app.getPlan(sp.id).plan.expected_revenue.horizon;
      expect(Math.abs(other.expected_revenue.horizon - main)).toBeLessThan(1e-9 * main);
      // Neither weather nor a control: refused, naming the controls.
      const bad = await call(c, 'plan_budget', {
        ...base,
        forecast_csv: `date,other\n${[0, 1, 2, 3].map((i) => `${week(i)},1`).join('\n')}\n`,
      });
      expect(bad.isError).toBe(true);
      expect(text(bad)).toMatch(
        /none of the columns the model reads: .*controls are promo, holiday/,
      );
    } finally {
      await c.close();
    }
  }, 240_000);

  it("the tenant report draws the controls the latest plan assumed (the forecast's promotions)", async () => {
    // The latest stored plan is the compared one above: promo 3, 0, 5, 0 from its forecast.
    const r = await app.writeReport({ tenant, phase: 3 });
    const chart = r.charts.find((ch) => ch.id === 'plan')!;
    expect(chart.title).toContain('spend per week and channel, with the controls it assumed');
    expect(chart.reading).toContain(
      'Controls as the plan assumed them: promo 8.00 in all, the most on',
    );
  }, 240_000);
});
