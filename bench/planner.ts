/**
 * Planner benchmark (issue 16): speed of one plan, and ground-truth regret on the extreme and
 * high tiers of the built-in tenants.
 *
 * Speed: a 28-day plan for a built-in 2-channel tenant with its fitted phase-3 model, and a
 * 13-week plan for 10 channels (a weekly synthetic series whose model is an exact
 * baseline-plus-adstock/Hill response with weather-dependent gains: the planner probes and
 * optimizes it exactly as a fitted model), single thread, median of several runs.
 * Regret: for each tenant, the phase-3 all-rows model (fitFinalModel, as explain stores it), the
 * typical outlook and the historical budget for 28 days; the plan, both baselines and the
 * truth-optimal plan are scored under the true data-generating process.
 *
 * Standalone: `node dist/bench/planner.js [--quick]`; also part of `npm run bench`.
 */
import { builtinSpec } from '../src/core/data/catalog.js';
import { BUILTIN_TENANT_IDS, generateTenant } from '../src/core/data/index.js';
import { geometricAdstock, hill } from '../src/core/transforms.js';
import type { TenantSeries } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  makePlan,
  revenueModelOf,
  scenarioOutlook,
  type PlanResult,
  type RevenueModel,
} from '../src/plan/index.js';
import { SeededRandom } from '../src/core/random.js';
import { isoFromDays, parseIsoDay } from '../src/core/csv.js';

export interface PlannerRegretRow {
  tenant: string;
  budget: number;
  plan_channels: Record<string, number>;
  optimal_channels: Record<string, number>;
  true_incremental: {
    historical_even: number;
    historical_calendar: number;
    plan: number;
    optimal: number;
  };
  captured_share: number | null;
  plan_minus_even_pct: number;
  model_uplift_pct: number;
}

export interface PlannerBench {
  speed: { name: string; channels: number; periods: number; median_ms: number; runs: number }[];
  regret: PlannerRegretRow[];
  summary: {
    tenants: number;
    captured_at_least_80pct: number;
    not_worse_than_even: number;
    median_captured_share: number | null;
  };
}

function median(v: number[]): number {
  const a = [...v].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

function timeRuns(runs: number, f: () => void): number {
  f(); // warm-up (JIT)
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

/** A weekly series with `channels` channels and 3 years of weather, plus an exact separable model of it. */
export function syntheticWeekly(channels: number): { series: TenantSeries; model: RevenueModel } {
  const rng = new SeededRandom(16);
  const n = 156;
  const start = parseIsoDay('2022-01-03');
  const dates = Array.from({ length: n }, (_, t) => isoFromDays(start + 7 * t));
  const temp = Float64Array.from(
    { length: n },
    (_, t) => 12 + 10 * Math.sin((2 * Math.PI * (t - 13)) / 52) + rng.normal() * 2,
  );
  const rain = Float64Array.from({ length: n }, () => Math.max(0, rng.normal() * 10 + 12));
  const names = Array.from({ length: channels }, (_, c) => `ch${c + 1}`);
  const spend = names.map(() =>
    Float64Array.from({ length: n }, () => Math.max(0, 20_000 * (1 + 0.3 * rng.normal()))),
  );
  const media = names.map(() => ({
    decay: rng.uniform(0.1, 0.6),
    k: rng.uniform(20_000, 50_000),
    s: rng.uniform(0.8, 2),
  }));
  const beta = names.map(() => rng.uniform(40_000, 120_000));
  const gamma = names.map(() => rng.uniform(-0.04, 0.04));
  const predict = (s: TenantSeries): Float64Array => {
    const t = s.weather[0];
    const out = Float64Array.from(t, (v, i) => 500_000 + 2_000 * v + 100 * i);
    media.forEach((p, c) => {
      const a = geometricAdstock(s.spend[c], p.decay);
      for (let i = 0; i < out.length; i++)
        out[i] += beta[c] * (1 + gamma[c] * (t[i] - 12)) * hill(a[i], p.k, p.s);
    });
    return out;
  };
  const series: TenantSeries = {
    tenant: 'bench_weekly_10',
    frequency: 'weekly',
    dates,
    channels: names,
    spend,
    weatherNames: ['temperature_c', 'precipitation_mm'],
    weather: [temp, rain],
    controlNames: [],
    controls: [],
    targetName: 'revenue',
    target: new Float64Array(n),
  };
  series.target = predict(series);
  return {
    series,
    model: {
      channels: names,
      weather: ['temperature_c', 'precipitation_mm'],
      controls: [],
      media,
      predict,
      describe: { kind: 'bench' },
    },
  };
}

const REGRET_TIERS = ['extreme', 'high'];

export function runPlannerBench(
  options: { quick?: boolean; log?: (line: string) => void } = {},
): PlannerBench {
  const log = options.log ?? (() => undefined);
  const runs = options.quick ? 3 : 7;
  const speed: PlannerBench['speed'] = [];

  log('planner: speed of a 28-day 2-channel plan');
  const ski = generateTenant('extreme_ski_gear');
  const skiModel = revenueModelOf(fitFinalModel(ski.series, 3));
  const skiOutlook = scenarioOutlook(ski.series, 'typical', skiModel.weather, 28);
  const ms2 = timeRuns(runs, () => {
    makePlan(
      { series: ski.series, model: skiModel, outlook: skiOutlook },
      { horizon: 28, budget: 250_000 },
    );
  });
  speed.push({
    name: '28-day plan, 2 channels (fitted phase-3 model)',
    channels: 2,
    periods: 28,
    median_ms: ms2,
    runs,
  });

  log('planner: speed of a 13-week 10-channel plan');
  const weekly = syntheticWeekly(10);
  const wOutlook = scenarioOutlook(weekly.series, 'typical', weekly.model.weather, 13);
  const ms10 = timeRuns(runs, () => {
    makePlan(
      { series: weekly.series, model: weekly.model, outlook: wOutlook },
      { horizon: 13, budget: 2_600_000 },
    );
  });
  speed.push({
    name: '13-week plan, 10 channels (weekly synthetic model)',
    channels: 10,
    periods: 13,
    median_ms: ms10,
    runs,
  });

  const ids = BUILTIN_TENANT_IDS.filter((id) => REGRET_TIERS.some((t) => id.startsWith(`${t}_`)));
  const regret: PlannerRegretRow[] = [];
  for (const id of options.quick ? ids.slice(0, 2) : ids) {
    log(`planner: regret on ${id}`);
    const t = generateTenant(id);
    const model = revenueModelOf(fitFinalModel(t.series, 3));
    const outlook = scenarioOutlook(t.series, 'typical', model.weather, 28);
    const ctx = {
      series: t.series,
      model,
      outlook,
      truth: { tenant: t, mix: builtinSpec(id).mix },
    };
    // The historical budget for 28 days: mean daily spend over the last year x 28.
    const reference =
      t.series.spend.reduce((s, x) => s + x.slice(-365).reduce((a, b) => a + b, 0), 0) / 365;
    const p: PlanResult = makePlan(ctx, { horizon: 28, budget: reference * 28 });
    const tr = p.truth!;
    const even = p.baselines.find((b) => b.name === 'historical_even')!;
    regret.push({
      tenant: id,
      budget: p.budget,
      plan_channels: Object.fromEntries(p.channels.map((c) => [c.channel, c.spend])),
      optimal_channels: tr.optimal_spend,
      true_incremental: {
        historical_even: tr.historical_even_incremental,
        historical_calendar: tr.historical_calendar_incremental,
        plan: tr.plan_incremental,
        optimal: tr.optimal_incremental,
      },
      captured_share: tr.captured_share,
      plan_minus_even_pct:
        (100 * (tr.plan_incremental - tr.historical_even_incremental)) /
        tr.historical_even_incremental,
      model_uplift_pct:
        (100 * (p.incremental_revenue - even.incremental_revenue)) / even.incremental_revenue,
    });
  }
  const shares = regret.map((r) => r.captured_share).filter((v): v is number => v !== null);
  return {
    speed,
    regret,
    summary: {
      tenants: regret.length,
      captured_at_least_80pct: shares.filter((s) => s >= 0.8).length,
      not_worse_than_even: regret.filter(
        (r) => r.true_incremental.plan >= r.true_incremental.historical_even,
      ).length,
      median_captured_share: shares.length ? median(shares) : null,
    },
  };
}

const k = (v: number): string => `${(v / 1000).toFixed(1)}k`;

export function formatPlannerBench(b: PlannerBench): string {
  const lines = [
    '',
    '## Planner',
    '',
    '| plan | channels x periods | median ms |',
    '|---|---|---|',
  ];
  for (const s of b.speed)
    lines.push(`| ${s.name} | ${s.channels} x ${s.periods} | ${s.median_ms.toFixed(0)} |`);
  lines.push(
    '',
    'Ground-truth regret, typical outlook, historical budget, 28 days (true incremental revenue over the horizon and its carry-over):',
    '',
    '| tenant | budget | (a) even | (b) calendar | our plan | truth-optimal | captured | plan vs (a) | model says |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of b.regret) {
    const t = r.true_incremental;
    lines.push(
      `| ${r.tenant} | ${k(r.budget)} | ${k(t.historical_even)} | ${k(t.historical_calendar)} | ${k(t.plan)} | ${k(t.optimal)} | ${r.captured_share === null ? '-' : `${(100 * r.captured_share).toFixed(0)}%`} | ${r.plan_minus_even_pct >= 0 ? '+' : ''}${r.plan_minus_even_pct.toFixed(2)}% | +${r.model_uplift_pct.toFixed(2)}% |`,
    );
  }
  const s = b.summary;
  lines.push(
    '',
    `captured >= 80%: ${s.captured_at_least_80pct}/${s.tenants}; not worse than (a) under the truth: ${s.not_worse_than_even}/${s.tenants}; median captured share ${s.median_captured_share === null ? '-' : `${(100 * s.median_captured_share).toFixed(0)}%`}`,
  );
  return lines.join('\n');
}

if (process.argv[1] && /bench[\\/]planner\.js$/.test(process.argv[1])) {
  const quick = process.argv.includes('--quick');
  const b = runPlannerBench({ quick, log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(formatPlannerBench(b) + '\n');
}
