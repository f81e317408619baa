/**
 * Plan requests the planner read other than they were written, or refused in another face's
 * words: per-period bounds in the other frequency's unit, a forecast with a missing date, the
 * targets' messages, and the first line of a target plan that does not reach its target.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { parseForecastCsv } from '../src/core/csv/forecast.js';
import { isoFromDays, parseIsoDay } from '../src/core/csv.js';
import { geometricAdstock, hill } from '../src/core/transforms.js';
import type { TenantSeries } from '../src/core/types.js';
import {
  makePlan,
  parseBounds,
  planSummaryLines,
  scenarioOutlook,
  type PlanResult,
  type RevenueModel,
} from '../src/plan/index.js';
import { tempStateDir, wv } from './cli-helpers.js';

describe('per-period bounds in the unit of the data', () => {
  it('refuses /day on weekly data and /week on daily data (they were read as per week / per day)', () => {
    // Until then google=:3000/day on weekly data capped google at 3,000 a week, 7 times tighter.
    expect(() => parseBounds('google=:3000/day', 'weekly')).toThrow(
      /bound "google=:3000\/day": the data is weekly, so a bound per period holds for each week; write the amount per week with \/week/,
    );
    expect(() => parseBounds('meta=0.5x:2x,google=:3000/week', 'daily')).toThrow(
      /bound "google=:3000\/week": the data is daily.*each day/,
    );
    // The data's own unit, /period and totals stay as they were.
    expect(parseBounds('google=:3000/week', 'weekly')).toEqual([
      { channel: 'google', min: undefined, max: { value: 3000, multiple: false }, perPeriod: true },
    ]);
    expect(parseBounds('google=1.5x:/PERIOD,meta=:2x', 'daily')).toEqual([
      { channel: 'google', min: { value: 1.5, multiple: true }, max: undefined, perPeriod: true },
      { channel: 'meta', min: undefined, max: { value: 2, multiple: true }, perPeriod: false },
    ]);
    // A malformed bound's example is in the data's unit.
    expect(() => parseBounds('google=3000', 'weekly')).toThrow(
      'bound "google=3000" is not channel=min:max (e.g. meta=0.5x:2x, google=:20000/week; either side may be empty)',
    );
    expect(() => parseBounds('google=3000', 'daily')).toThrow('google=:3000/day;');
    // Without the data's frequency (the pure planner's callers) every unit is a period.
    expect(parseBounds('google=:3000/week')[0].perPeriod).toBe(true);
  });
});

describe('a forecast with a missing date', () => {
  const opts = {
    fileName: 'f.csv',
    required: ['temperature_c'],
    firstDate: '2025-01-01',
    stepDays: 1 as const,
    minRows: 3,
  };
  it('names the gap, not the row count the gap makes one short', () => {
    // It said "2 forecast rows; the plan needs at least 3", which sent the user to extend a
    // forecast that had every row but one.
    expect(() =>
      parseForecastCsv('date,temperature_c\n2025-01-01,3\n2025-01-03,4\n', opts),
    ).toThrow(/f\.csv, row 3, column "date": after 2025-01-01 the next row must be 2025-01-02/);
    // A forecast in order that is too short, or empty, is still told so.
    expect(() =>
      parseForecastCsv('date,temperature_c\n2025-01-01,3\n2025-01-02,4\n', opts),
    ).toThrow(/2 forecast rows; the plan needs at least 3/);
    expect(() => parseForecastCsv('date,temperature_c\n', opts)).toThrow(
      /0 forecast rows; the plan needs at least 3 \(one per period of the horizon\): the file has a header and no rows; add one row per day from 2025-01-01$/,
    );
  });

  it('calls a date given twice a duplicate date', () => {
    expect(() =>
      parseForecastCsv('date,temperature_c\n2025-01-01,3\n2025-01-02,4\n2025-01-02,4\n', opts),
    ).toThrow(
      /f\.csv, row 4, column "date": duplicate date: 2025-01-02 is also on row 3; keep one row per day/,
    );
  });
});

describe("the plan request's messages in the face's words", () => {
  let dir: string;
  const apps: App[] = [];
  const appFor = (face: 'cli' | 'mcp'): App => {
    const app = createApp({
      stateDir: path.join(dir, face),
      workers: 1,
      face,
      log: () => undefined,
    });
    apps.push(app);
    return app;
  };
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-plan-words-'));
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the tool arguments over MCP and the flags in the CLI, and stores nothing', async () => {
    const tenant = 'extreme_heating';
    const cases: [Parameters<App['planBudget']>[0], RegExp, RegExp][] = [
      [
        { tenant, targetRoas: 3, targetMarginalRoas: 2 },
        /^give target_roas or target_marginal_roas, not both$/,
        /^give --target-roas or --target-marginal-roas, not both$/,
      ],
      [{ tenant, targetRoas: -1 }, /^target_roas must be/, /^--target-roas must be/],
      [
        { tenant, targetMarginalRoas: 0 },
        /^target_marginal_roas must be/,
        /^--target-marginal-roas must be/,
      ],
      [{ tenant, days: 7, weeks: 1 }, /^give days or weeks, not both$/, /^give --days or --weeks/],
      // A 53-week retail year is planned in one go (the limit was 52 weeks, 366 days).
      [
        { tenant, weeks: 54 },
        /weeks must be a whole number from 1 to 53 \(got 54\)/,
        /weeks must be a whole number from 1 to 53 \(got 54\)/,
      ],
      [
        { tenant, days: 372 },
        /days must be a whole number from 1 to 371 \(got 372\)/,
        /days must be a whole number from 1 to 371 \(got 372\)/,
      ],
      [
        { tenant, scenario: 'hot', forecast: { csv: 'date\n', fileName: 'f.csv' } },
        /^give scenario or forecast_csv \(or forecast_path\), not both$/,
        /^give --scenario or --forecast, not both$/,
      ],
      [
        { tenant, targetLowerEnd: true },
        /^target_lower_end goes with target_roas/,
        /^--target-lower-end goes with --target-roas/,
      ],
      [
        { tenant, targetRoas: 2, targetLowerEnd: true, replicates: 0 },
        /^target_lower_end needs the refits that give the ROAS interval: leave replicates at its default/,
        /^--target-lower-end needs the refits that give the ROAS interval: leave --replicates at its default/,
      ],
      [
        { tenant, afterHorizon: 'later' as 'stop' },
        /^after_horizon must be one of stop, continue \(got later\)/,
        /^--after-horizon must be one of stop, continue \(got later\)/,
      ],
      [
        { tenant, compareScenario: 'typical' },
        /^compare_scenario typical is the plan's own outlook/,
        /^--compare typical is the plan's own outlook/,
      ],
    ];
    const mcp = appFor('mcp');
    const cli = appFor('cli');
    for (const [req, inMcp, inCli] of cases) {
      await expect(mcp.planBudget(req)).rejects.toThrow(inMcp);
      await expect(cli.planBudget(req)).rejects.toThrow(inCli);
    }
    expect(mcp.listPlans().total).toBe(0);
    expect(cli.listPlans().total).toBe(0);
  });

  it('refuses a compared outlook on a tenant without weather, naming the argument to leave out', async () => {
    for (const [face, name] of [
      ['mcp', 'compare_scenario'],
      ['cli', '--compare'],
    ] as const) {
      const app = appFor(face);
      const [tenant] = app.generateTenants({
        count: 1,
        seed: 9,
        prefix: 'nw',
        shape: { frequency: 'daily', years: 1, channels: 2, weather: 'none' },
      }).tenants;
      // It said "use scenario typical", which then compared the outlook with itself.
      await expect(app.planBudget({ tenant, compareScenario: 'hot' })).rejects.toThrow(
        `${name} hot ranks the periods by their weather, and this tenant's model uses no weather columns: leave ${name} out`,
      );
      expect(app.listPlans().total).toBe(0);
    }
  });

  it('wv-mmm plans names --id and --limit', () => {
    const state = tempStateDir();
    try {
      const id = wv(state.dir, ['plans', '--id', '0']);
      expect(id.code).toBe(2);
      expect(id.stderr).toMatch(/--id must be a whole number >= 1 \(got 0\)/);
      const limit = wv(state.dir, ['plans', '--limit', '0']);
      expect(limit.code).toBe(2);
      expect(limit.stderr).toMatch(/--limit must be a whole number from 1 to \d+ \(got 0\)/);
    } finally {
      state.remove();
    }
  });
});

describe("a weekly plan's horizon in the first line", () => {
  it("runs to the last day of the last week (end is that week's first day)", () => {
    // It read "4 weeks from 2024-12-30 to 2025-01-20" of a horizon that runs to 2025-01-26.
    const n = 104;
    const dates = Array.from({ length: n }, (_, t) =>
      isoFromDays(parseIsoDay('2023-01-02') + 7 * t),
    );
    const spend = [Float64Array.from({ length: n }, (_, t) => 1000 + 100 * (t % 5))];
    const temperature = Float64Array.from({ length: n }, (_, t) => 12 + 8 * Math.sin(t / 8));
    const model: RevenueModel = {
      channels: ['meta'],
      weather: ['temperature_c'],
      controls: [],
      media: [{ decay: 0.3, k: 1500, s: 1 }],
      predict: (s) => {
        const a = geometricAdstock(s.spend[0], 0.3);
        return Float64Array.from(a, (v) => 50_000 + 20_000 * hill(v, 1500, 1));
      },
      describe: { kind: 'test' },
    };
    const series: TenantSeries = {
      tenant: 'wk',
      frequency: 'weekly',
      dates,
      channels: ['meta'],
      spend,
      weatherNames: ['temperature_c'],
      weather: [temperature],
      controlNames: [],
      controls: [],
      targetName: 'revenue',
      target: new Float64Array(n),
    };
    series.target = model.predict(series);
    const outlook = scenarioOutlook(series, 'typical', ['temperature_c'], 4 + 60);
    const p = makePlan({ series, model, outlook }, { horizon: 4, budget: 4400 });
    expect(dates.at(-1)).toBe('2024-12-23');
    expect(p.horizon).toMatchObject({
      periods: 4,
      unit: 'week',
      start: '2024-12-30',
      end: '2025-01-20',
      last_day: '2025-01-26',
    });
    expect(planSummaryLines(p)[0]).toMatch(/^wk: 4 weeks from 2024-12-30 to 2025-01-26, /);
    // A 53-week retail year: nothing beyond the request's limit depends on 52.
    const year = makePlan({ series, model, outlook }, { horizon: 53, budget: 53 * 1100 });
    expect(year.horizon).toMatchObject({ periods: 53, end: '2025-12-29', last_day: '2026-01-04' });
    expect(year.channels.map((c) => c.spend)).toEqual([53 * 1100]);
    expect(Number.isFinite(year.incremental_revenue)).toBe(true);
    // A plan stored before last_day existed reads the same.
    const stored = { ...p, horizon: { ...p.horizon, last_day: undefined } };
    expect(planSummaryLines(stored as unknown as PlanResult)[0]).toContain(
      '4 weeks from 2024-12-30 to 2025-01-26',
    );
  });
});

describe("a target plan's first line", () => {
  /** The fields planSummaryLines reads of a target-ROAS plan with the given ROAS. */
  const plan = (kind: 'target_roas' | 'target_marginal_roas', roas: number, marginal: number) =>
    ({
      tenant: 't',
      horizon: {
        periods: 28,
        unit: 'day',
        start: '2025-01-01',
        end: '2025-01-28',
        tail_periods: 0,
      },
      objective: { kind, value: 3.5 },
      budget: 154_451,
      outlook: { source: 'scenario:typical' },
      channels: [],
      expected_revenue: { horizon: 1e6, carry_over_after: 1e4, total: 1.01e6 },
      incremental_revenue: roas * 154_451,
      roas,
      marginal_roas: marginal,
      uncertainty: null,
      baselines: [],
      weather_shift: [],
      truth: null,
      notes: [],
    }) as unknown as PlanResult;

  it('says when the checked plan stops short of the target its budget was chosen for', () => {
    // It read "largest budget with ROAS >= 3.5: 154.5k" above a plan whose ROAS was 3.489.
    expect(planSummaryLines(plan('target_roas', 3.4894, 4))[0]).toBe(
      't: 28 days from 2025-01-01 to 2025-01-28, largest budget whose model-optimal plan has ROAS >= 3.5: 154.5k (the checked plan below reaches 3.489), outlook scenario:typical',
    );
    expect(planSummaryLines(plan('target_marginal_roas', 4, 1.745))[0]).toMatch(
      /largest budget whose model-optimal plan has marginal ROAS >= 3\.5: 154\.5k \(the checked plan below reaches 1\.745\)/,
    );
    // A plan that meets its target keeps the short line.
    expect(planSummaryLines(plan('target_roas', 3.5002, 2))[0]).toMatch(
      /, largest budget with ROAS >= 3\.5: 154\.5k, outlook/,
    );
    // With refits: the ROAS's 80% interval (the incremental revenue's over the budget), and a
    // lower end below the target said (probe s71: ROAS 3 met at 350.1k, true 2.65).
    const checked = plan('target_roas', 3.5002, 2) as unknown as Record<string, unknown>;
    checked.uncertainty = {
      replicates: 20,
      used: 20,
      step: 1,
      anchor: 'historical_even',
      expected_revenue_interval: { p80: [9e5, 1.1e6], p95: [8e5, 1.2e6] },
      incremental_revenue_interval: { p80: [3.0 * 154_451, 4.0 * 154_451], p95: [0, 1e9] },
    };
    expect(planSummaryLines(checked as unknown as PlanResult)[0]).toContain(
      ", largest budget with ROAS >= 3.5: 154.5k; met by the point estimate: the plan's ROAS 3.50, 80% interval 3.00 to 4.00, whose lower end is below 3.5: a smaller budget meets the target with more certainty, outlook",
    );
  });
});
