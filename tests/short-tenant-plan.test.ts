/**
 * A tenant the import accepts but cross-validation cannot take (100 daily rows; the least is
 * 147), over MCP: plan_budget says first, in planning's words, that the history is too short (it
 * asked for a forecast first, then refused with run_phase's "or run the phase without it");
 * add_lift_test records the test and its next step says how many rows explain needs (it sent the
 * agent to explain_tenant, which refuses the tenant). The import with a weather column marked by
 * the person (RelHum) does not say the model has no humidity effects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { call, connect, text, type Connected } from './mcp-helpers.js';

/** `days` daily rows from 2021-01-01 with renamed weather columns (°F, mm, relative humidity). */
function renamedDaily(days: number): string {
  const rows = ['Day,Meta Spend,Google Spend,Temp (°F),Rain [mm],RelHum,Sales'];
  for (let i = 0; i < days; i++) {
    const d = new Date(Date.UTC(2021, 0, 1 + i)).toISOString().slice(0, 10);
    const meta = 800 + 300 * Math.sin(i / 5);
    const google = 600 + 200 * Math.cos(i / 7);
    const temp = 55 + 25 * Math.sin((2 * Math.PI * (i - 100)) / 365);
    const rain = i % 4 === 0 ? 6.5 : 0;
    const hum = 60 + (i % 15);
    const sales = 12000 + 40 * temp - (rain > 1 ? 900 : 0) + 3 * meta + 2 * google + (i % 7) * 90;
    rows.push(
      [d, meta, google, temp, rain, hum, sales]
        .map((v) => (typeof v === 'number' ? v.toFixed(2) : v))
        .join(','),
    );
  }
  return rows.join('\n') + '\n';
}

describe('a tenant too short to train, over MCP', () => {
  let dir: string;
  let app: App;
  let c: Connected;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-short-plan-'));
    app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    c = await connect(app);
  });
  afterAll(async () => {
    await c?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the import counts a weather column the person marked: no "no humidity effects"', async () => {
    const r = await call(c, 'import_tenant_data', {
      tenant: 'short100',
      csv: renamedDaily(100),
      roles: {
        date_column: 'Day',
        target: 'Sales',
        weather_columns: ['Temp (°F)', 'Rain [mm]', 'RelHum'],
      },
    });
    expect(r.isError, text(r)).toBeFalsy();
    const sc = r.structuredContent as { weather: string[]; warnings: string[] };
    expect(sc.weather).toContain('RelHum');
    expect(sc.warnings.filter((w) => /no humidity|humidity effects/.test(w))).toEqual([]);
    // what a marked column of no listed name lacks, over MCP too (weather_kind_unknown)
    expect(
      sc.warnings.filter((w) => w.startsWith('weather column "RelHum" has no name')),
    ).toHaveLength(1);
    // the length is still said at import
    expect(sc.warnings.some((w) => w.includes('at least 147 rows'))).toBe(true);
  });

  it('plan_budget says first that the history is too short, in planning words', async () => {
    const expected =
      "plan_budget: tenant 'short100' cannot be planned yet: a plan spends with the tenant's phase 3 model, fitted and validated on its history, and 100 days are too few";
    const plain = await call(c, 'plan_budget', { tenant: 'short100' });
    expect(plain.isError).toBe(true);
    expect(text(plain)).toContain(expected);
    expect(text(plain)).toContain(
      'import a longer history (at least 147 rows, 47 more than now: import_tenant_data with tenant "short100" and replace: true), then plan again',
    );
    expect(text(plain)).not.toMatch(/forecast_csv|typical scenario|run the phase without it/);
    // with a forecast for the 28 days after the data: the same refusal
    let f = 'date,Temp (°F),Rain [mm],RelHum\n';
    for (let i = 0; i < 28; i++) {
      f += `${new Date(Date.UTC(2021, 3, 11 + i)).toISOString().slice(0, 10)},60,0,60\n`;
    }
    const forecast = await call(c, 'plan_budget', { tenant: 'short100', forecast_csv: f });
    expect(text(forecast)).toContain(expected);
    expect(text(forecast)).not.toContain('run the phase without it');
    // nothing was run or stored
    expect(app.listRuns().total).toBe(0);
    expect(app.listPlans().total).toBe(0);
  });

  it('add_lift_test records the test; its next step says how many rows explain needs', async () => {
    const r = await call(c, 'add_lift_test', {
      tenant: 'short100',
      tests: [
        {
          channel: 'meta',
          start_date: '2021-01-10',
          end_date: '2021-01-20',
          spend_change: -1000,
          incremental_revenue: -3000,
          standard_error: 1000,
        },
      ],
    });
    expect(r.isError, text(r)).toBeFalsy();
    const sc = r.structuredContent as {
      added: unknown[];
      rows_needed_to_explain: number | null;
      next_step: string;
    };
    expect(sc.added).toHaveLength(1);
    expect(sc.rows_needed_to_explain).toBe(147);
    expect(sc.next_step).toContain(
      'explain_tenant cannot use them yet: short100 holds 100 rows and explain needs at least 147 (47 more)',
    );
    expect(sc.next_step).toContain('import_tenant_data with tenant "short100" and replace: true');
    expect(text(r)).toContain(`Next: ${sc.next_step}`);
    // what the next step says about explain is so
    const e = await call(c, 'explain_tenant', { tenant: 'short100' });
    expect(e.isError).toBe(true);
    expect(text(e)).toContain('at least 147 days of data');
  });
});
