/**
 * A marketing manager's probe of `wv-mmm plan` (session 50): the last period's burst said and
 * explained, the weather line of a plan held at the historical split, caveats in the listings,
 * the outlook comparison read, a target met by the checked plan, and amounts, dates, bounds and
 * Ctrl-C in plain words.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent, StoredPlan } from '../src/app/types.js';
import { plan as planCommand } from '../src/cli/commands/plan.js';
import { commandHelp } from '../src/cli/help.js';
import { generateTenant } from '../src/core/data/index.js';
import type { SyntheticTenant } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import { multipleLikeBoundNotes } from '../src/plan/bounds.js';
import {
  checkFeasible,
  compareOutlooks,
  makePlan,
  moneyRange,
  parseBounds,
  planHeadline,
  planSummaryLines,
  revenueModelOf,
  scenarioOutlook,
  type PlanResult,
  type RevenueModel,
} from '../src/plan/index.js';
import { LAST_PERIOD_BURST, lastPeriodBursts } from '../src/plan/last-period.js';
import type { ReplicateRole } from '../src/plan/replicates.js';
import { responseOf } from '../src/plan/model.js';
import { openStore } from '../src/store/index.js';
import { tempStateDir, wv } from './cli-helpers.js';

const ID = 'extreme_ski_gear';
let tenant: SyntheticTenant;
let model: RevenueModel;

beforeAll(() => {
  tenant = generateTenant(ID);
  model = revenueModelOf(fitFinalModel(tenant.series, 3));
});

const outlook = () => scenarioOutlook(tenant.series, 'typical', model.weather, 28);
/** A checked plan held at baseline (a): ten copies of the model as refits, its curves in doubt. */
const held = (roles?: ReplicateRole[]) => ({
  series: tenant.series,
  model,
  outlook: outlook(),
  replicates: Array.from({ length: 10 }, () => model),
  replicateRoles: roles ?? null,
  curveDoubt: 'a test doubt',
});

describe("the last period's burst", () => {
  it('is noted with the ratio, why (the carry-over after the horizon) and the bound that avoids it', () => {
    const p = makePlan({ series: tenant.series, model, outlook: outlook() }, { horizon: 28 });
    const google = p.channels.find((c) => c.channel === 'google')!;
    const days = google.spend_by_period;
    const others = [...days.slice(0, -1)].sort((a, b) => a - b);
    const median = 0.5 * (others[13] + others[14]);
    expect(days[27]).toBeGreaterThan(LAST_PERIOD_BURST * median);
    const note = p.notes.find((n) => n.startsWith('the last day of the horizon'));
    expect(note).toBeDefined();
    expect(note).toContain(`the last day of the horizon (${p.horizon.end})`);
    expect(note).toMatch(/google [\d.]+k, \d+\.\dx its median day of the plan \([\d.]+k\)/);
    expect(note).toMatch(/\d+% of the return on it earned after the horizon/);
    expect(note).toContain(
      `counts the revenue of the ${p.horizon.tail_periods} days after the horizon as if nothing more were spent then`,
    );
    expect(note).toContain('It is not counted twice: the next plan starts from the adstock');
    const bound = /bounds: CLI --bounds (\S+); MCP bounds \[(.+)\]\)$/.exec(note!)![1];
    expect(bound).toMatch(/^(meta=:\d+\/day,)?google=:\d+\/day$/);
    // The same caps in plan_budget's argument (the note is read over MCP too).
    const mcp = JSON.parse(`[${/MCP bounds \[(.+)\]\)$/.exec(note!)![1]}]`) as {
      channel: string;
      max: number;
      per_period: boolean;
    }[];
    expect(mcp.map((b) => `${b.channel}=:${b.max}/day`).join(',')).toBe(bound);
    expect(mcp.every((b) => b.per_period)).toBe(true);
    // The bound it gives caps the last day at the largest other day, and the note goes.
    const capped = makePlan(
      { series: tenant.series, model, outlook: outlook() },
      { horizon: 28, bounds: parseBounds(bound, 'daily') },
    );
    const cap = Number(/google=:(\d+)/.exec(bound)![1]);
    expect(Math.max(...capped.channels[1].spend_by_period)).toBeLessThanOrEqual(cap + 1e-6);
    expect(capped.budget).toBe(p.budget);
  });

  it('is not noted for an even plan, a burst the tail does not pay for, or a horizon under 3 periods', () => {
    const long = scenarioOutlook(tenant.series, 'typical', model.weather, 40);
    const r = responseOf(model, tenant.series, long, 28, 12);
    const even = r.channels.map(() => new Float64Array(28).fill(1000));
    expect(lastPeriodBursts(r, even, 1e-6)).toEqual([]);
    const burst = even.map((x) => Float64Array.from(x, (v, t) => (t === 27 ? 3000 : v)));
    // A channel without carry-over (meta's decay set to 0; this model's is 0.21 since its curves
    // are the profile fit on all rows, the truth's 0.26, and 0.11 before): the tail earns nothing
    // of the return on its burst, which is not the tail's doing.
    expect(r.decay[1]).toBeGreaterThan(0.3);
    const shortMeta = { ...r, decay: r.decay.map((d, c) => (c === 0 ? 0 : d)) };
    expect(lastPeriodBursts(shortMeta, burst, 1e-6).map((b) => b.channel)).toEqual(['google']);
    // Without a tail nothing after the horizon pays for it: the weather's, not this note's.
    const noTail = responseOf(model, tenant.series, long, 28, 0);
    expect(lastPeriodBursts(noTail, burst, 1e-6)).toEqual([]);
    const short = responseOf(model, tenant.series, long, 2, 12);
    expect(
      lastPeriodBursts(short, [new Float64Array([1, 9]), new Float64Array([1, 9])], 0),
    ).toEqual([]);
  });
});

describe('the weather line of a plan that stays at the historical split', () => {
  it('says the plan stays there and why, and what the weather does to the model optimum', () => {
    const p = makePlan(held(), { horizon: 28 });
    expect(p.uncertainty?.step).toBe(0);
    for (const s of p.weather_shift) {
      expect(s.text).toMatch(
        new RegExp(
          `^${s.channel}: the plan stays at the historical split, baseline \\(a\\), because the planner's curves are in doubt \\(see the note\\), so the weather moves none of its budget \\(the \\d+ [a-z ]+ days get \\d+% of it\\); the model's own optimum would put \\d+% there \\(\\d+% with the weather held at its average\\)$`,
        ),
      );
      expect(s.model_optimum).toBeDefined();
      expect(s.text).not.toContain('either way');
    }
  });
});

describe('the weather line of an outlook with the same weather every day', () => {
  it('says it moves no budget between days and that its level may move the split, which it does', () => {
    // A forecast of one temperature every day (with the typical outlook's other columns held at
    // their first values): the timing line read "barely changes its return" beside a split the
    // weather's level had moved.
    const constant = (temperature: number) => {
      const o = outlook();
      return {
        ...o,
        weather: o.weather.map((w, j) =>
          new Float64Array(w.length).fill(
            o.weatherNames[j] === 'temperature_c' ? temperature : w[0],
          ),
        ),
      };
    };
    const cold = makePlan({ series: tenant.series, model, outlook: constant(-5) }, { horizon: 28 });
    const mild = makePlan({ series: tenant.series, model, outlook: constant(15) }, { horizon: 28 });
    for (const s of cold.weather_shift) {
      expect(s.effect).toBe('same_weather_every_period');
      expect(s.text).toBe(
        `${s.channel}: the outlook has the same weather on every day, so it moves none of its budget between days; its level may still move the split between channels, which this line does not measure (plan the same budget under another outlook, such as the typical one, to see how much)`,
      );
    }
    // The ski shop's split at -5 °C and at 15 °C: the level moved it.
    const share = (p: PlanResult) => p.channels[0].spend / p.budget;
    expect(Math.abs(share(cold) - share(mild))).toBeGreaterThan(0.01);
    // The typical outlook's weather varies: the timing line.
    const typical = makePlan({ series: tenant.series, model, outlook: outlook() }, { horizon: 28 });
    for (const s of typical.weather_shift) expect(s.effect).not.toBe('same_weather_every_period');
  });
});

describe("a scenario's weather beyond the history", () => {
  it('is noted as a forecast file is: the cold outlook of extreme_cooling goes below its coldest day', () => {
    const cooling = generateTenant('extreme_cooling');
    const m = revenueModelOf(fitFinalModel(cooling.series, 3));
    const plan = (scenario: 'cold' | 'hot') =>
      makePlan(
        {
          series: cooling.series,
          model: m,
          outlook: scenarioOutlook(cooling.series, scenario, m.weather, 28),
        },
        { horizon: 28 },
      );
    const cold = plan('cold');
    const k = cooling.series.weatherNames.indexOf('temperature_c');
    const history = cooling.series.weather[k];
    const j = cold.outlook.weather.temperature_c;
    const fmt = (x: number) => String(Number(x.toPrecision(3)));
    const [lo, hi] = [Math.min(...j), Math.max(...j)];
    // The outlook's coldest day, computed here, is below the history's.
    expect(lo).toBeLessThan(Math.min(...history));
    expect(cold.notes).toContain(
      `the cold outlook's weather leaves the range of the data's history, where the model's weather terms are extrapolations: ` +
        `temperature_c ${fmt(lo)} to ${fmt(hi)} (history ${fmt(Math.min(...history))} to ${fmt(Math.max(...history))}); ` +
        `the cold outlook adds the cold days' departure to the typical year, so it can go past the history where that year is already cold`,
    );
    // The hot outlook stays inside the history.
    expect(plan('hot').notes.join('\n')).not.toContain('leaves the range');
  });
});

describe('amounts in one unit, refits by kind', () => {
  it('moneyRange writes both ends in the larger end’s unit', () => {
    expect(moneyRange(28.6, 26_200)).toEqual(['0.0286k', '26.2k']);
    expect(moneyRange(9.23, 1_300)).toEqual(['0.00923k', '1.3k']);
    expect(moneyRange(945_400, 1_700_000)).toEqual(['0.945M', '1.70M']);
    expect(moneyRange(-4_300, 27_100)).toEqual(['-4.3k', '27.1k']);
    expect(moneyRange(0, 12_000)).toEqual(['0', '12.0k']);
    expect(moneyRange(5, 50)).toEqual(['5', '50']);
    expect(moneyRange(150, 950)).toEqual(['150', '950']);
  });

  it('the summary says what the refits are, and every interval has one unit', () => {
    const roles: ReplicateRole[] = [...Array(6).fill('bootstrap'), 'window', 'window'];
    roles.push('estimator', 'estimator');
    const p = makePlan(held(roles), { horizon: 28 });
    const lines = planSummaryLines(p);
    expect(lines.find((l) => l.startsWith('80% / 95% intervals'))).toContain(
      "over 10 refits of the model (6 on bootstrap replicates of the data, 2 on its training windows, 2 with the phase 3 search's window curves)",
    );
    const unit = (v: string) => /[kMBT]$/.exec(v)?.[0] ?? '';
    for (const m of lines.join('\n').matchAll(/([+-]?[\d.]+[kMBT]?) to ([+-]?[\d.]+[kMBT]?)/g)) {
      expect(unit(m[1]), m[0]).toBe(unit(m[2]));
    }
    // Bootstrap refits alone: the count as before.
    const plain = makePlan({ ...held(), replicateRoles: null }, { horizon: 28 });
    expect(planSummaryLines(plain).find((l) => l.startsWith('80% / 95%'))).toMatch(
      /^80% \/ 95% intervals over 10 refits of the model[:( ]/,
    );
    expect(planSummaryLines(plain).join('\n')).not.toContain('on bootstrap replicates');
  });
});

describe('a target met by the checked plan', () => {
  it('spends the largest budget whose checked plan reaches the target, and names the optimum’s', () => {
    const p = makePlan(held(), { horizon: 28, objective: { kind: 'target_roas', value: 5 } });
    expect(p.roas).toBeGreaterThanOrEqual(5 * (1 - 1e-6));
    expect(p.target_search?.checked_budget).toBe(p.budget);
    expect(p.target_search!.optimum_budget).toBeGreaterThan(p.budget);
    expect(planSummaryLines(p)[0]).toMatch(
      /largest budget with ROAS >= 5: [\d.]+k \(the model's own optimum reaches it up to [\d.]+k; the plan, checked against the model's refits, up to this budget\)/,
    );
    expect(p.notes.join('\n')).not.toContain('the checked plan stops short of it');
    // Met by the point: the line gives the plan's ROAS interval (incremental over the budget).
    const iv = p.uncertainty!.incremental_revenue_interval.p80;
    const spent = p.budget - (p.held?.spend ?? 0);
    expect(planSummaryLines(p)[0]).toContain(
      `; met by the point estimate: the plan's ROAS ${p.roas.toFixed(2)}, 80% interval ${(iv[0] / spent).toFixed(2)} to ${(iv[1] / spent).toFixed(2)}`,
    );
    // (here the lower end reaches the target too: nothing more said)
    expect(iv[0] / spent).toBeGreaterThanOrEqual(5);
    expect(planSummaryLines(p)[0]).not.toContain('whose lower end is below');
    const m = makePlan(held(), {
      horizon: 28,
      objective: { kind: 'target_marginal_roas', value: 3 },
    });
    expect(m.marginal_roas).toBeGreaterThanOrEqual(3 * (1 - 1e-6));
    expect(m.target_search!.optimum_budget).toBeGreaterThan(m.budget);
  });

  it('no budget reaches the target: amounts in the plan’s form', () => {
    expect(() =>
      makePlan(
        { series: tenant.series, model, outlook: outlook() },
        { horizon: 28, objective: { kind: 'target_roas', value: 500 } },
      ),
    ).toThrow(
      /^no budget up to \d+(\.\d+)?[kM] reaches a ROAS of 500: the best is \d+\.\d{3} at a budget of \d+(\.\d+)?[kM]?; lower/,
    );
  });
});

describe('bounds and forecasts in plain words', () => {
  it('a bound of 0 gets no "read as currency" note; 0 beside an amount that reads like a multiple does', () => {
    const notes = (b: string) => multipleLikeBoundNotes(parseBounds(b), ['meta'], 28, [5000]);
    expect(notes('meta=0:0')).toEqual([]);
    expect(notes('meta=0:')).toEqual([]);
    expect(notes('meta=:0/day')).toEqual([]);
    expect(notes('meta=0:2')).toHaveLength(1);
    expect(notes('meta=0:2')[0]).toContain('write meta=0x:2x');
  });

  it('infeasible bounds name the amounts as the plan does, to the cent only where they would read alike', () => {
    const cons = (upper: number) => ({
      budget: 259_579.89,
      lower: [new Float64Array(2)],
      upper: [new Float64Array(2).fill(Infinity)],
      totalLower: [0],
      totalUpper: [upper],
    });
    expect(() => checkFeasible(cons(0), ['meta'])).toThrow(
      /^the maximum spends add up to 0, less than the budget 259\.6k;/,
    );
    expect(() => checkFeasible(cons(259_560), ['meta'])).toThrow(
      /^the maximum spends add up to 259,560\.00, less than the budget 259,579\.89;/,
    );
  });
});

/** A plan with only the fields compareOutlooks reads. */
function outlookPlan(source: string, incremental: number, evenIncremental: number): PlanResult {
  return {
    outlook: { source },
    budget: 259_580,
    incremental_revenue: incremental,
    expected_revenue: { horizon: 3.7e6, carry_over_after: 0, total: 3.7e6 },
    channels: [{ channel: 'meta', spend: 134_500 }],
    baselines: [
      {
        name: 'historical_even',
        incremental_revenue: evenIncremental,
        plan_uplift: incremental - evenIncremental,
      },
    ],
  } as unknown as PlanResult;
}

describe('two outlooks compared', () => {
  it("says when the difference is mostly the weather's, and when mostly the splits'", () => {
    const weather = compareOutlooks(
      outlookPlan('forecast:f.csv', 1_241_978, 1_241_978),
      outlookPlan('scenario:cold', 1_307_386, 1_298_150),
    );
    expect(weather.lines[0]).toBe(
      "forecast:f.csv vs scenario:cold: incremental revenue 1.24M vs 1.31M (+65.4k, mostly the outlook's weather, not a better split: the historical split, the same spend under both, earns 56.2k more under scenario:cold, and the plans' uplifts over it differ by +9.2k (+0 vs +9.2k)); budget 259.6k vs 259.6k",
    );
    const split = compareOutlooks(
      outlookPlan('scenario:typical', 1_200_000, 1_190_000),
      outlookPlan('scenario:cold', 1_260_000, 1_195_000),
    );
    expect(split.lines[0]).toContain("(+60.0k, mostly the plans' splits, not the weather:");
    // The same split as numbers: (a) earns 56,172 more under cold (1,298,150 - 1,241,978); cold's
    // plan gains 9,236 over its (a), the forecast's 0; they add up to the difference.
    expect(weather.parts).toEqual({ weather: 56_172, split: 9_236 });
    expect(weather.parts!.weather + weather.parts!.split).toBe(1_307_386 - 1_241_978);
    expect(split.parts).toEqual({ weather: 5_000, split: 55_000 });
  });

  it('the help says that --csv holds the plan’s own outlook only', () => {
    expect(commandHelp(planCommand)).toMatch(/with --compare, the plan's own outlook only/);
  });
});

describe('caveats in the listings', () => {
  it('the headline ends with the caveats to read first; none said for plans without or before them', () => {
    const f = {
      unit: 'day',
      outlook: 'forecast:fc.csv',
      budget: 259_580,
      incremental_revenue: 660_982,
      roas: 2.55,
      uplift_vs_historical: 68_695,
      compare_outlook: null,
      compare_incremental_revenue: null,
    };
    expect(planHeadline({ ...f, caveats: ['forecast_beyond_history'] }, 28)).toBe(
      '259.6k over 28 days, forecast:fc.csv: incremental 661.0k (ROAS 2.55), +68.7k vs the historical split; read its caveats first (1 caveat: forecast_beyond_history)',
    );
    expect(planHeadline({ ...f, caveats: [] }, 28)).not.toContain('caveat');
    expect(planHeadline({ ...f, caveats: null }, 28)).not.toContain('caveat');
    // A plan made without refits (replicates 0) says so before its figures (probe s71).
    expect(planHeadline({ ...f, caveats: [], unchecked: true }, 28)).toBe(
      '259.6k over 28 days, forecast:fc.csv (unchecked: the model optimum, no refits): incremental 661.0k (ROAS 2.55), +68.7k vs the historical split',
    );
  });

  it('the store lists the codes (null for a plan stored before caveats); `plans` shows them', () => {
    const state = tempStateDir();
    try {
      const store = openStore(state.dir);
      const result = (caveats?: { code: string; message: string }[]) => ({
        plan: { horizon: { unit: 'day' }, budget: 1000, outlook: { source: 'scenario:typical' } },
        comparison: null,
        ...(caveats ? { caveats } : {}),
      });
      const inputs = {
        budget: 1000,
        horizon_periods: 28,
        outlook: { scenario: 'typical' },
        objective: { kind: 'revenue' },
      };
      const save = (r: unknown) =>
        store.savePlan({ tenant: ID, modelRunId: null, inputs, model: {}, result: r });
      save(result());
      save(result([]));
      save({
        plan: {
          horizon: { unit: 'day' },
          budget: 1000,
          outlook: { source: 'scenario:typical' },
          uplift: 5,
          uncertainty: null,
        },
        comparison: null,
        caveats: [],
      });
      save(
        result([
          { code: 'model_fails_threshold', message: 'm' },
          { code: 'forecast_beyond_history', message: 'f' },
        ]),
      );
      expect(store.listPlans().plans.map((p) => p.figures.caveats)).toEqual([
        ['model_fails_threshold', 'forecast_beyond_history'],
        [],
        [],
        null,
      ]);
      // uncertainty null: made without refits.
      expect(store.listPlans().plans.map((p) => p.figures.unchecked)).toEqual([
        false,
        true,
        false,
        false,
      ]);
      store.close();
      const out = wv(state.dir, ['plans']);
      expect(out.code, out.stderr).toBe(0);
      const rows = out.stdout.split('\n');
      const col = rows[0].indexOf('caveats');
      expect(col).toBeGreaterThan(0);
      const cell = (id: number) =>
        rows
          .find((r) => r.startsWith(`${' '.repeat(3)}${id} `))!
          .slice(col)
          .split(/\s{2,}/)[0];
      expect(cell(4)).toBe('2: model_fails_threshold, forecast_beyond_history');
      expect(cell(3)).toBe('-');
      expect(cell(2)).toBe('-');
      expect(cell(1)).toBe('?');
      expect(rows.find((r) => r.startsWith(`${' '.repeat(3)}3 `))).toContain('(unchecked)');
      expect(rows.find((r) => r.startsWith(`${' '.repeat(3)}2 `))).not.toContain('(unchecked)');
    } finally {
      state.remove();
    }
  });
});

describe('Ctrl-C during a plan', () => {
  it('says the phase 3 run is cancelled while the plan runs it, else the plan alone', async () => {
    const said: string[] = [];
    await planCommand.run({
      flags: { tenant: ID },
      positionals: [],
      app: () =>
        ({
          planBudget: (_req: unknown, opts: { onProgress?: (e: ProgressEvent) => void }) => {
            const event = (runId: number | null) =>
              opts.onProgress?.({ runId, done: 0, total: 3, message: 'x' });
            event(null);
            event(7);
            event(null);
            return Promise.resolve({ plan: {} } as StoredPlan);
          },
        }) as never,
      signal: new AbortController().signal,
      print: () => undefined,
      note: () => undefined,
      cancelling: (what: string) => said.push(what),
    });
    expect(said).toEqual([
      'the plan is cancelled and no plan is stored (steps it finished are kept for the next plan)',
      'the plan is cancelled and no plan is stored (steps it finished are kept for the next plan)',
      'the phase 3 run 7 the plan started is recorded as cancelled, and no plan is stored',
      'the plan is cancelled and no plan is stored (steps it finished are kept for the next plan)',
    ]);
  });
});
