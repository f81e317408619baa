/**
 * plan_budget's answer and plan://{id} sized for an agent's context (session 52): a 371-day plan
 * of 12 channels was 137 KB of structured JSON (about 34,000 tokens, above the 25,000 Claude Code
 * takes from a tool), 85 KB of it the spend per day of each channel, which plan://{id}/spend
 * serves as CSV, and compare_scenario repeated the whole second plan. The per-period series now
 * come only with per_period: true, the compared plan leaves out what it shares with the plan,
 * estimates are given to 6 significant digits and the budget and spend amounts exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App, type StoredPlan } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { jsonSafe } from '../src/mcp/results.js';
import { call, connect, text, type Connected } from './mcp-helpers.js';

const TENANT = 'high_summer_clothing';
const DAYS = 120;
let dir: string;
let app: App;
let c: Connected;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'wv-plan-size-'));
  app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
  expect((await app.startPhaseRun({ phase: 3, tenants: [TENANT] }).done).status).toBe('done');
  c = await connect(app);
});

afterAll(async () => {
  await c?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The keys whose numbers the answer gives exactly: the money of the spend. */
const EXACT = new Set([
  'budget',
  'spend',
  'spend_by_period',
  'historical_spend',
  'anchor_spend',
  'optimum_spend',
  'optimal_spend',
  'optimum_budget',
  'checked_budget',
  'spend_a',
  'spend_b',
  'difference',
]);

/**
 * Checks `shown` against `stored` leaf by leaf: under an EXACT key the very number, elsewhere a
 * non-integer to 6 significant digits (by toPrecision, within 5e-6 of it relative), strings and
 * integers as stored. Keys of `stored` missing from `shown` are returned (the caller says which
 * may be).
 */
function compareFigures(stored: unknown, shown: unknown, at: string, exact: boolean): string[] {
  if (typeof stored === 'number') {
    if (!Number.isFinite(stored)) {
      expect(shown, at).toBeNull();
    } else if (exact || Number.isInteger(stored)) {
      expect(shown, at).toBe(stored);
    } else {
      expect(shown, at).toBe(Number(stored.toPrecision(6)));
      expect(Math.abs((shown as number) - stored), at).toBeLessThanOrEqual(5e-6 * Math.abs(stored));
    }
    return [];
  }
  if (stored === null || typeof stored !== 'object') {
    expect(shown, at).toEqual(stored);
    return [];
  }
  if (Array.isArray(stored)) {
    expect(Array.isArray(shown), at).toBe(true);
    expect((shown as unknown[]).length, at).toBe(stored.length);
    return stored.flatMap((x, i) =>
      compareFigures(x, (shown as unknown[])[i], `${at}[${i}]`, exact),
    );
  }
  const missing: string[] = [];
  for (const [k, v] of Object.entries(stored)) {
    if (v === undefined) continue;
    const key = /^\[\d+\]$/.test(k) ? k : `.${k}`;
    if (!(k in (shown as object))) {
      missing.push(`${at}${key}`.replace(/\[\d+\]/g, '[]'));
      continue;
    }
    missing.push(
      ...compareFigures(
        v,
        (shown as Record<string, unknown>)[k],
        `${at}${key}`,
        exact || EXACT.has(k),
      ),
    );
  }
  return [...new Set(missing)];
}

const bytes = (x: unknown) => Buffer.byteLength(JSON.stringify(x));

describe('plan_budget answers sized for an agent', () => {
  let plain: StoredPlan;
  let plainAnswer: unknown;
  let compared: StoredPlan;

  it('leaves out the per-period series, names their CSV, and rounds estimates with the spend exact', async () => {
    const r = await call(c, 'plan_budget', { tenant: TENANT, days: DAYS, replicates: 0 });
    expect(r.isError, text(r)).toBeFalsy();
    const sc = r.structuredContent as Record<string, unknown> & {
      id: number;
      plan: Record<string, unknown> & { channels: Record<string, unknown>[]; budget: number };
      selection: Record<string, unknown>;
    };
    plain = app.getPlan(sc.id);
    plainAnswer = sc;
    const stored = jsonSafe(plain);
    // The per-period series are gone from the answer, and only they (with the weather's names added).
    expect(sc.plan.channels.every((ch) => !('spend_by_period' in ch))).toBe(true);
    expect(sc.plan.outlook).toEqual({
      source: 'scenario:typical',
      forecast_rows: stored.plan.outlook.forecast_rows,
      weather_columns: Object.keys(stored.plan.outlook.weather),
      // Scalars about the past years the typical outlook averages over stay in the answer
      // (shares rounded to 6 digits as every share is).
      past_years: stored.plan.outlook.past_years,
      rainy_share: {
        column: 'precipitation_mm',
        mean_weather: expect.closeTo(stored.plan.outlook.rainy_share!.mean_weather, 6),
        past_years: expect.closeTo(stored.plan.outlook.rainy_share!.past_years, 6),
      },
    });
    expect((sc.plan.outlook as { past_years: number }).past_years).toBeGreaterThan(1);
    const missing = compareFigures(stored.plan, sc.plan, 'plan', false);
    expect(missing.sort()).toEqual([
      'plan.channels[].spend_by_period',
      'plan.outlook.dates',
      'plan.outlook.weather',
    ]);
    // Not one array of the horizon's length is left (a per-period series added later would be).
    const longArrays: string[] = [];
    JSON.stringify(sc, (k, v: unknown) => {
      if (Array.isArray(v) && v.length === DAYS) longArrays.push(k);
      return v;
    });
    expect(longArrays).toEqual([]);
    // The spend is the stored spend to the last digit: it sums to the budget as stored.
    const total = sc.plan.channels.reduce((a, ch) => a + (ch.spend as number), 0);
    expect(sc.plan.budget).toBe(plain.plan.budget);
    expect(Math.abs(total - sc.plan.budget)).toBeLessThanOrEqual(1e-9 * sc.plan.budget);
    expect(sc.selection).toEqual({
      per_period: false,
      left_out: ['plan.channels[].spend_by_period', 'plan.outlook.dates', 'plan.outlook.weather'],
      per_period_csv: [`plan://${sc.id}/spend`],
      comparison_same_as_plan: [],
      figures: expect.stringMatching(/^estimates to 6 significant digits; the budget and spend/),
    });
    expect(text(r).trimEnd().split('\n').at(-1)).toBe(
      `Shown: the spend per day of each channel and the outlook's weather per day left out: plan://${sc.id}/spend holds them as CSV (per_period: true adds them); estimates to 6 significant digits, the budget and spend amounts exact.`,
    );
    // Under half the stored plan (by hand: 6.8 of 16.9 KB for these 3 channels over 120 days;
    // the per-period series grow with channels x periods, the rest with channels alone).
    expect(bytes(sc)).toBeLessThan(bytes(stored) / 2);
    // What is left out is in the CSV: each channel's spend per day to the cent, and the weather.
    const csv = (await c.client.readResource({ uri: `plan://${sc.id}/spend` })).contents[0] as {
      text: string;
    };
    const rows = csv.text.trimEnd().split('\n');
    const header = rows[0].split(',');
    expect(rows).toHaveLength(1 + DAYS);
    plain.plan.channels.forEach((ch) => {
      const k = header.indexOf(ch.channel);
      rows
        .slice(1)
        .forEach((row, t) =>
          expect(Math.abs(Number(row.split(',')[k]) - ch.spend_by_period[t])).toBeLessThanOrEqual(
            0.005,
          ),
        );
    });
    for (const [name, values] of Object.entries(plain.plan.outlook.weather)) {
      const k = header.indexOf(name);
      rows
        .slice(1)
        .forEach((row, t) => expect(Number(row.split(',')[k])).toBeCloseTo(values[t], 4));
    }
    expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual(plain.plan.outlook.dates);
  });

  it('includes the per-period series with per_period: true, the spend exact', async () => {
    const r = await call(c, 'plan_budget', {
      tenant: TENANT,
      days: DAYS,
      replicates: 0,
      per_period: true,
    });
    expect(r.isError, text(r)).toBeFalsy();
    const sc = r.structuredContent as { id: number; plan: unknown; selection: unknown };
    const stored = jsonSafe(app.getPlan(sc.id));
    // Every field, the spend per day to the last digit, the weather to 6 significant digits.
    expect(compareFigures(stored.plan, sc.plan, 'plan', false)).toEqual([]);
    expect(sc.selection).toMatchObject({ per_period: true, left_out: [] });
    // The same plan as without per_period (deterministic), so the same figures.
    expect(stored.plan.channels.map((ch) => ch.spend_by_period)).toEqual(
      plain.plan.channels.map((ch) => ch.spend_by_period),
    );
  });

  it('leaves out of the compared plan what it shares with the plan, and serves its spend as CSV', async () => {
    const r = await call(c, 'plan_budget', {
      tenant: TENANT,
      days: DAYS,
      replicates: 0,
      scenario: 'hot',
      compare_scenario: 'cold',
    });
    expect(r.isError, text(r)).toBeFalsy();
    const sc = r.structuredContent as {
      id: number;
      comparison: { plan: Record<string, unknown>; comparison: unknown };
      selection: { comparison_same_as_plan: string[]; per_period_csv: string[] };
    };
    compared = app.getPlan(sc.id);
    const stored = jsonSafe(compared);
    const same = sc.selection.comparison_same_as_plan;
    // What both plans share by construction (the same tenant, horizon, budget and model) ...
    expect(same).toEqual(
      expect.arrayContaining(['tenant', 'horizon', 'budget', 'historical', 'model']),
    );
    // ... each equal in the stored plans, and the outlooks' own fields kept.
    const storedOther = stored.comparison!.plan as unknown as Record<string, unknown>;
    const storedPlan = stored.plan as unknown as Record<string, unknown>;
    for (const key of same) expect(storedOther[key], key).toEqual(storedPlan[key]);
    expect(same).not.toContain('outlook');
    expect(same).not.toContain('channels');
    const missing = compareFigures(storedOther, sc.comparison.plan, 'comparison.plan', false);
    expect(missing.sort()).toEqual(
      [
        ...same.map((k) => `comparison.plan.${k}`),
        'comparison.plan.channels[].spend_by_period',
        'comparison.plan.outlook.dates',
        'comparison.plan.outlook.weather',
      ].sort(),
    );
    expect(
      compareFigures(stored.comparison!.comparison, sc.comparison.comparison, 'c', false),
    ).toEqual([]);
    expect(sc.selection.per_period_csv).toEqual([
      `plan://${sc.id}/spend`,
      `plan://${sc.id}/comparison/spend`,
    ]);
    expect(r.content.slice(-3)).toMatchObject([
      { type: 'resource_link', uri: `plan://${sc.id}` },
      { type: 'resource_link', uri: `plan://${sc.id}/spend` },
      { type: 'resource_link', uri: `plan://${sc.id}/comparison/spend`, mimeType: 'text/csv' },
    ]);
    // The compared plan's spend per day, to the cent, under its own outlook's weather.
    const csv = (
      (await c.client.readResource({ uri: `plan://${sc.id}/comparison/spend` })).contents[0] as {
        text: string;
      }
    ).text;
    const rows = csv.trimEnd().split('\n');
    const header = rows[0].split(',');
    compared.comparison!.plan.channels.forEach((ch) => {
      const k = header.indexOf(ch.channel);
      rows
        .slice(1)
        .forEach((row, t) =>
          expect(Math.abs(Number(row.split(',')[k]) - ch.spend_by_period[t])).toBeLessThanOrEqual(
            0.005,
          ),
        );
    });
    const [name, values] = Object.entries(compared.comparison!.plan.outlook.weather)[0];
    rows
      .slice(1)
      .forEach((row, t) =>
        expect(Number(row.split(',')[header.indexOf(name)])).toBeCloseTo(values[t], 4),
      );
    // A plan without a comparison has none to serve.
    await expect(
      c.client.readResource({ uri: `plan://${plain.id}/comparison/spend` }),
    ).rejects.toThrow(new RegExp(`plan ${plain.id} has no comparison`));
  });

  it('serves plan://{id} as plan_budget answers, valid under its output schema', async () => {
    const tool = (await c.client.listTools()).tools.find((t) => t.name === 'plan_budget')!;
    const validate = new AjvJsonSchemaValidator().getValidator(
      tool.outputSchema as Record<string, unknown>,
    );
    for (const p of [plain, compared]) {
      const served = (
        (await c.client.readResource({ uri: `plan://${p.id}` })).contents[0] as { text: string }
      ).text;
      // One line: indentation was a fifth of a 15-channel plan's resource.
      expect(served).not.toContain('\n');
      const body = JSON.parse(served) as Record<string, unknown>;
      if (p === plain) expect(body).toEqual(plainAnswer);
      expect(validate(body).valid).toBe(true);
      expect(body.selection).toMatchObject({ per_period: false });
      expect(compareFigures(jsonSafe(p.plan), body.plan, 'plan', false).sort()).toEqual([
        'plan.channels[].spend_by_period',
        'plan.outlook.dates',
        'plan.outlook.weather',
      ]);
      // Under half the stored plan, as the tool's answer.
      expect(bytes(body)).toBeLessThan(bytes(jsonSafe(p)) / 2);
    }
  });
});
