/**
 * A spend plan of the user's scored beside the planner's plan (baseline (c) `given_plan`): the
 * spend plan CSV's reading and refusals, its figures against the same spend scored as baseline (a)
 * and under the truth, and the CLI, app and MCP faces (horizon and budget taken from the file,
 * nothing stored on a bad file).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { builtinSpec } from '../src/core/data/catalog.js';
import { generateTenant } from '../src/core/data/index.js';
import { parseSpendPlanCsv } from '../src/core/csv/spend-plan.js';
import type { SyntheticTenant } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  futureDates,
  makePlan,
  planReplicateModels,
  revenueModelOf,
  scenarioOutlook,
  type PlanResult,
  type RevenueModel,
} from '../src/plan/index.js';
import { call, connect, text, type Connected } from './mcp-helpers.js';

const ID = 'high_summer_clothing';
const H = 14;

/** A spend plan CSV of per-period spend rows (channel -> amounts) from `first`. */
function csvOf(dates: readonly string[], spend: Record<string, readonly number[]>): string {
  const names = Object.keys(spend);
  const rows = dates.map((d, t) => [d, ...names.map((c) => String(spend[c][t]))].join(','));
  return [['date', ...names.map((c) => `${c}_spend`)].join(','), ...rows].join('\n') + '\n';
}

describe('the spend plan CSV', () => {
  const base = {
    fileName: 'mine.csv',
    channels: ['meta', 'google'],
    weather: ['temperature_c'],
    firstDate: '2025-01-01',
    stepDays: 1 as const,
    rows: null,
    maxRows: 371,
    horizonWords: '--days or --weeks',
  };

  it('reads <channel>_spend, a bare channel name or a spreadsheet heading, in any order, and skips the weather', () => {
    const p = parseSpendPlanCsv(
      'Date,Google Spend ($),META,temperature_c\n2025-01-01,10,1.5,3\n2025-01-02,0,2,4\n',
      base,
    );
    expect(p.dates).toEqual(['2025-01-01', '2025-01-02']);
    expect(Array.from(p.spend[0])).toEqual([1.5, 2]);
    expect(Array.from(p.spend[1])).toEqual([10, 0]);
    expect(p.ignored).toEqual(['temperature_c']);
    // The planner's CSV of a tenant with controls holds them too (the values it assumed).
    const withControls = parseSpendPlanCsv(
      'date,meta,google,temperature_c,promo,holiday\n2025-01-01,1,2,3,0.12,1\n2025-01-02,1,2,4,0.12,0\n',
      { ...base, controls: ['promo', 'holiday'] },
    );
    expect(withControls.ignored).toEqual(['temperature_c', 'promo', 'holiday']);
    expect(() => parseSpendPlanCsv('date,meta,google,promo\n2025-01-01,1,2,0\n', base)).toThrow(
      /"promo" is not a channel of this tenant/,
    );
  });

  it('refuses what it cannot score, naming the file, row, column and what to do', () => {
    const bad =
      (text: string, rows: number | null = null) =>
      () =>
        parseSpendPlanCsv(text, { ...base, rows });
    expect(bad('date,meta_spend\n2025-01-01,1\n')).toThrow(
      'mine.csv, row 1: the spend plan has no column for google; add google_spend (0 in every row for a channel the plan does not use)',
    );
    expect(bad('date,meta_spend,google_spend,tv_spend\n2025-01-01,1,1,1\n')).toThrow(
      /column "tv_spend": "tv_spend" is not a channel of this tenant \(its channels: meta, google\)/,
    );
    expect(bad('date,meta_spend,meta,google\n2025-01-01,1,1,1\n')).toThrow(
      /columns meta_spend and meta both hold meta's spend; keep one/,
    );
    expect(bad('date,meta_spend,google_spend\n2025-01-02,1,1\n')).toThrow(
      /row 2, column "date": the spend plan starts on 2025-01-02, but the plan starts on 2025-01-01, the day after the data ends/,
    );
    expect(bad('date,meta_spend,google_spend\n2025-01-01,1,1\n2025-01-03,1,1\n')).toThrow(
      /row 3, column "date": after 2025-01-01 the next row must be 2025-01-02 \(got 2025-01-03\)/,
    );
    expect(bad('date,meta_spend,google_spend\n2025-01-01,1,-2\n')).toThrow(
      /row 2, column "google_spend": spend -2 is negative/,
    );
    expect(bad('date,meta_spend,google_spend\n2025-01-01,1,$2\n')).toThrow(
      /"\$2" is not a number; write plain numbers/,
    );
    expect(bad('date,meta_spend,google_spend\n2025-01-01,0,0\n')).toThrow(
      /the spend plan spends nothing on any channel/,
    );
    expect(bad('date,meta_spend,google_spend\n')).toThrow(/a header and no rows/);
    expect(bad('date,meta_spend,google_spend\n2025-01-01,1,1\n2025-01-02,1,1\n', 3)).toThrow(
      '2 spend plan rows, but the horizon asked for is 3 days; give one row per period of the horizon, or leave out --days or --weeks',
    );
  });

  it('says how to make weekly rows of a daily plan', () => {
    expect(() =>
      parseSpendPlanCsv('date,meta_spend,google_spend\n2025-01-06,1,1\n2025-01-07,1,1\n', {
        ...base,
        firstDate: '2025-01-06',
        stepDays: 7,
      }),
    ).toThrow(
      /this spend plan has a row per day and the tenant's data are weekly; make one row per week dated 2025-01-06, 2025-01-13, \.\.\. with each channel's spend over the week/,
    );
  });
});

describe('a given plan scored beside the plan', () => {
  let tenant: SyntheticTenant;
  let model: RevenueModel;
  let replicates: RevenueModel[];
  const plan = (spend: Float64Array[] | null): PlanResult =>
    makePlan(
      {
        series: tenant.series,
        model,
        outlook: scenarioOutlook(tenant.series, 'typical', model.weather, H),
        truth: { tenant, mix: builtinSpec(ID).mix },
        replicates,
        given: spend ? { source: 'mine.csv', channels: tenant.series.channels, spend } : null,
      },
      { horizon: H },
    );
  let without: PlanResult;

  beforeAll(() => {
    tenant = generateTenant(ID);
    const fit = fitFinalModel(tenant.series, 3);
    model = revenueModelOf(fit);
    replicates = planReplicateModels(tenant.series, fit, 10).models.map(revenueModelOf);
    without = plan(null);
  });

  it('scores baseline (a) spend given as a plan exactly as baseline (a), under the model and the truth', () => {
    const a = without.baselines[0];
    expect(a.name).toBe('historical_even');
    // (a) spreads each channel's total evenly over the periods.
    const spend = tenant.series.channels.map((c) => new Float64Array(H).fill(a.spend[c] / H));
    const p = plan(spend);
    expect(p.baselines.map((b) => b.name)).toEqual([
      'historical_even',
      'historical_calendar',
      'given_plan',
    ]);
    const g = p.baselines[2];
    expect(g.description).toBe('the given spend plan (mine.csv)');
    const rel = (x: number, y: number) => Math.abs(x - y) / Math.abs(y);
    expect(rel(g.expected_revenue, a.expected_revenue)).toBeLessThan(1e-9);
    expect(rel(g.incremental_revenue, a.incremental_revenue)).toBeLessThan(1e-9);
    expect(rel(g.roas, a.roas)).toBeLessThan(1e-9);
    expect(Math.abs(g.plan_uplift - a.plan_uplift)).toBeLessThan(1e-6 * a.incremental_revenue);
    for (const k of ['p80', 'p95'] as const) {
      g.plan_uplift_interval![k].forEach((v, i) =>
        expect(Math.abs(v - a.plan_uplift_interval![k][i])).toBeLessThan(
          1e-6 * a.incremental_revenue,
        ),
      );
    }
    expect(
      rel(p.truth!.given_plan_incremental!, p.truth!.historical_even_incremental),
    ).toBeLessThan(1e-9);
    // The plan itself does not depend on what it is compared with.
    expect(p.channels.map((c) => c.spend_by_period)).toEqual(
      without.channels.map((c) => c.spend_by_period),
    );
    expect(without.truth!.given_plan_incremental).toBeUndefined();
  });

  it('the plan given back as a plan: no uplift, and no margin for the optimizer against itself', () => {
    // A probe gave the plan's own --csv back with --spend-plan: "plan -0.01 (80% -3.0k to +0)".
    const own = without.channels.map((c) => Float64Array.from(c.spend_by_period));
    const a = without.baselines[0];
    // The plan moved from (a), so (a)'s lower ends carry the optimizer's margin...
    expect(without.uncertainty!.selection_margin!.p80).toBeGreaterThan(0);
    const g = plan(own).baselines[2];
    expect(Math.abs(g.plan_uplift)).toBeLessThan(1e-6 * a.incremental_revenue);
    // ...and against itself the interval is the refits' own: nothing either side.
    for (const k of ['p80', 'p95'] as const)
      for (const v of g.plan_uplift_interval![k])
        expect(Math.abs(v)).toBeLessThan(1e-6 * a.incremental_revenue);
  });

  it("counts the plan's uplift over a lopsided plan, which the truth confirms", () => {
    // Everything on one channel: the model and the truth both see a loss against the plan.
    const total = without.budget;
    const spend = [new Float64Array(H).fill(total / H), new Float64Array(H)];
    const g = plan(spend).baselines[2];
    expect(Object.values(g.spend).reduce((x, y) => x + y, 0)).toBeCloseTo(total, 6);
    expect(g.plan_uplift).toBeGreaterThan(0);
    expect(g.plan_uplift_interval!.p80[0]).toBeGreaterThan(0);
    const t = plan(spend).truth!;
    expect(t.plan_incremental).toBeGreaterThan(t.given_plan_incremental!);
  });
});

describe('the faces: app, MCP and CLI', () => {
  let dir: string;
  let app: App;
  let c: Connected;
  let first: string;
  const cli = path.resolve('dist/src/cli/main.js');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-given-'));
    mkdirSync(path.join(dir, 'imports'));
    app = createApp({
      stateDir: path.join(dir, 'state'),
      workers: 1,
      log: () => undefined,
      importDirs: [path.join(dir, 'imports')],
    });
    await app.startPhaseRun({ phase: 3, tenants: [ID] }).done;
    c = await connect(app);
    first = futureDates(generateTenant(ID).series, 1)[0];
  });

  afterAll(async () => {
    await c?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sevenDays = (): string[] => futureDates(generateTenant(ID).series, 7);

  it('takes the horizon from the rows and the budget from the total, and keeps the file name', async () => {
    const dates = sevenDays();
    const csv = csvOf(dates, { meta: dates.map(() => 1000), google: dates.map(() => 500) });
    const p = await app.planBudget({
      tenant: ID,
      replicates: 0,
      spendPlan: { csv, fileName: 'week.csv' },
    });
    expect(p.plan.horizon.periods).toBe(7);
    expect(p.plan.budget).toBe(10_500);
    expect(p.inputs.spend_plan).toBe('week.csv');
    const g = p.plan.baselines.find((b) => b.name === 'given_plan')!;
    expect(g.spend).toEqual({ meta: 7000, google: 3500 });
    expect(p.summary.join('\n')).toMatch(
      /vs \(c\) the given spend plan \(week\.csv\): spend 10\.5k, expected revenue .*plan [+-]/,
    );
    // A budget given is the plan's; the given plan keeps its own total and ROAS.
    const q = await app.planBudget({
      tenant: ID,
      replicates: 0,
      budget: 20_000,
      spendPlan: { csv, fileName: 'week.csv' },
    });
    expect(q.plan.budget).toBe(20_000);
    const g2 = q.plan.baselines.find((b) => b.name === 'given_plan')!;
    expect(g2.roas).toBeCloseTo(g.roas, 9);
  });

  it('scores it under a compared outlook too, and the listing shows the uplift over it', async () => {
    const dates = sevenDays();
    // Baseline (a)'s own spend given as a plan: under each outlook it must score as that outlook's (a).
    const first = await app.planBudget({ tenant: ID, replicates: 0, days: 7 });
    const a = first.plan.baselines[0];
    const csv = csvOf(
      dates,
      Object.fromEntries(Object.entries(a.spend).map(([ch, v]) => [ch, dates.map(() => v / 7)])),
    );
    const p = await app.planBudget({
      tenant: ID,
      replicates: 0,
      compareScenario: 'hot',
      spendPlan: { csv, fileName: 'even.csv' },
    });
    const other = p.comparison!.plan;
    const given = p.comparison!.comparison.given!;
    const rel = (x: number, y: number) => Math.abs(x - y) / Math.abs(y);
    expect(rel(given.incremental_a, p.plan.baselines[0].incremental_revenue)).toBeLessThan(1e-9);
    expect(rel(given.incremental_b, other.baselines[0].incremental_revenue)).toBeLessThan(1e-9);
    // The hot outlook changes what the same spend earns.
    expect(given.incremental_b).not.toBeCloseTo(given.incremental_a, 0);
    expect(given.plan_uplift_b).toBeCloseTo(other.incremental_revenue - given.incremental_b, 6);
    expect(p.summary.join('\n')).toMatch(
      /the given spend plan \(even\.csv\) \(c\), the same spend under both: incremental .* vs .* \([+-].*\); each outlook's plan [+-].* vs [+-].* over it/,
    );
    const listed = app.listPlans({ tenant: ID }).plans[0];
    expect(listed.id).toBe(p.id);
    expect(listed.figures.given_plan).toBe('even.csv');
    expect(listed.figures.uplift_vs_given).toBe(
      p.plan.baselines.find((b) => b.name === 'given_plan')!.plan_uplift,
    );
    expect(listed.headline).toMatch(
      /, [+-][^,;]* vs the given spend plan \(even\.csv\); under scenario:hot/,
    );
    const plain = app.listPlans({ tenant: ID }).plans.find((q) => q.id === first.id)!;
    expect(plain.figures.uplift_vs_given).toBeNull();
    expect(plain.headline).not.toContain('given');
  });

  it('refuses a bad file before any work and stores nothing', async () => {
    const before = app.listPlans().total;
    const dates = sevenDays();
    await expect(
      app.planBudget({
        tenant: ID,
        spendPlan: { csv: csvOf(dates, { meta: dates.map(() => 1) }), fileName: 'short.csv' },
      }),
    ).rejects.toThrow(/short\.csv, row 1: the spend plan has no column for google/);
    await expect(
      app.planBudget({
        tenant: ID,
        days: 14,
        spendPlan: {
          csv: csvOf(dates, { meta: dates.map(() => 1), google: dates.map(() => 1) }),
          fileName: 'seven.csv',
        },
      }),
    ).rejects.toThrow(/7 spend plan rows, but the horizon asked for is 14 days/);
    expect(app.listPlans().total).toBe(before);
  });

  it('over MCP: spend_plan_csv in, baseline (c) out; a bad one names the argument', async () => {
    const dates = sevenDays();
    const csv = csvOf(dates, { meta: dates.map(() => 800), google: dates.map(() => 800) });
    const r = await call(c, 'plan_budget', { tenant: ID, replicates: 0, spend_plan_csv: csv });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as { plan: { budget: number; baselines: { name: string }[] } };
    expect(s.plan.budget).toBe(11_200);
    expect(s.plan.baselines.map((b) => b.name)).toContain('given_plan');
    expect(text(r)).toContain('vs (c) the given spend plan (spend_plan_csv)');
    const bad = await call(c, 'plan_budget', {
      tenant: ID,
      spend_plan_csv: csv.replace(first, '1999-01-01'),
    });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/spend_plan_csv, row 2, column "date": the spend plan starts on/);
    // A file inside the import directories (spend_plan_path), named by its base name; one
    // outside them is refused, as forecast_path is.
    writeFileSync(path.join(dir, 'imports', 'mine.csv'), csv);
    writeFileSync(path.join(dir, 'outside.csv'), csv);
    const before = app.listPlans().total;
    const fromFile = await call(c, 'plan_budget', {
      tenant: ID,
      replicates: 0,
      spend_plan_path: 'mine.csv',
    });
    expect(fromFile.isError, text(fromFile)).toBeFalsy();
    expect(text(fromFile)).toContain('vs (c) the given spend plan (mine.csv)');
    const outside = await call(c, 'plan_budget', {
      tenant: ID,
      spend_plan_path: path.join(dir, 'outside.csv'),
    });
    expect(outside.isError).toBe(true);
    expect(text(outside)).toMatch(/outside the directories allowed for import/);
    expect(app.listPlans().total).toBe(before + 1);
    const both = await call(c, 'plan_budget', {
      tenant: ID,
      spend_plan_csv: csv,
      spend_plan_path: 'x.csv',
    });
    expect(both.isError).toBe(true);
    expect(text(both)).toMatch(/give the spend plan as CSV text or as a file path, not both/);
  });

  it("in the CLI: the plan's own --csv output reads back as a spend plan, scored equal to it", () => {
    const env = { ...process.env, WV_MMM_STATE_DIR: path.join(dir, 'state') };
    const out = path.join(dir, 'plan.csv');
    execFileSync(
      process.execPath,
      [cli, 'plan', '--tenant', ID, '--days', '7', '--replicates', '0', '--csv', out],
      { env, encoding: 'utf8' },
    );
    expect(readFileSync(out, 'utf8').split('\n')[0]).toMatch(/^date,meta,google,/);
    const again = execFileSync(
      process.execPath,
      [cli, 'plan', '--tenant', ID, '--replicates', '0', '--spend-plan', out],
      { env, encoding: 'utf8' },
    );
    // Its own optimum again, same budget and horizon: no uplift over it.
    expect(again).toMatch(/vs \(c\) the given spend plan \(plan\.csv\): .*plan \+0\b/);
    // The listing's "vs given" column: the uplift over it and its file.
    const listed = execFileSync(process.execPath, [cli, 'plans', '--tenant', ID, '--limit', '1'], {
      env,
      encoding: 'utf8',
    });
    expect(listed.split('\n')[0]).toMatch(/vs historical +vs given +caveats/);
    expect(listed.split('\n')[2]).toMatch(/ [+-][\d.,]+ \(plan\.csv\) /);
    const badFile = path.join(dir, 'neg.csv');
    writeFileSync(badFile, readFileSync(out, 'utf8').replace(/\n(\d{4}-\d\d-\d\d),/, '\n$1,-'));
    const r = spawnSync(process.execPath, [cli, 'plan', '--tenant', ID, '--spend-plan', badFile], {
      env,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/neg\.csv, row 2, column "meta": spend -[\d.]+ is negative/);
  });
});
