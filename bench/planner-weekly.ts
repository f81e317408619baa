/**
 * Weekly planner under the truth: on weekly generated shape tenants (which the regret table of
 * planner.ts cannot score: their truth is daily), makes the checked plan as `wv-mmm plan` does
 * (phase-3 all-rows model, plan-curve fit, refits, typical outlook, historical budget) and scores
 * it, baseline (a) and baseline (b) under the generator's daily truth (truth.ts weeklyTruth: each
 * week's spend spread evenly over its 7 days). Prints a markdown table.
 * Usage: `node dist/bench/planner-weekly.js [--weeks 4] [--seeds 9700-9709] [--replicates 20] [--scenario typical|hot|cold|wet|dry]`
 */
import { builtinSpec } from '../src/core/data/catalog.js';
import { generateShape, shapeSpecOf } from '../src/core/data/index.js';
import { computePlan } from '../src/app/plan-task.js';
import { finalToJSON, fitFinalModel } from '../src/phases/final.js';
import {
  DEFAULT_PLAN_REPLICATES,
  extendOutlook,
  SCENARIOS,
  scenarioOutlook,
  type ScenarioName,
} from '../src/plan/index.js';
import { historicalBaselines } from '../src/plan/plan.js';
import { truthTailDays, weeklyTruth } from '../src/plan/truth.js';

export interface WeeklyTruthRow {
  tenant: string;
  years: number;
  channels: number;
  budget: number;
  /** Why the plan's curve fit is in doubt (plan.curve_doubt), or null. */
  curve_doubt: string | null;
  /** Channels whose plan-model curve is convex over nearly all the data (plan.convex_channels). */
  convex: string[];
  /**
   * The plan's claimed uplift over (a) (point and 80% / 95% intervals over the refits) where it
   * moves from (a) (step > 0), else null.
   */
  claimed_uplift: { point: number; p80: [number, number]; p95: [number, number] } | null;
  claimed: {
    plan: number;
    even: number;
    roas: number;
    media_share: number | null;
    explain_media_share: number | null;
  };
  truth: {
    plan: number;
    even: number;
    calendar: number;
    roas: number;
    even_roas: number;
    media_share: number;
  };
}

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : process.argv[i + 1];
};

export function weeklyTruthRow(
  seed: number,
  years: number,
  channels: number,
  weeks: number,
  replicates: number,
  budget?: number,
  scenario: ScenarioName = 'typical',
): WeeklyTruthRow {
  const id = `qw_s${seed}_0`;
  const spec = shapeSpecOf(id, seed, { frequency: 'weekly', years, channels });
  const t = generateShape(spec, { seed });
  const series = t.series;
  const model = finalToJSON(fitFinalModel(series, 3, {}));
  const out = computePlan({ kind: 'shape', tenant: id, seed, shape: spec }, series, t, model, {
    horizon: weeks,
    budget,
    bounds: [],
    objective: { kind: 'revenue' },
    outlook: { scenario },
    replicates,
  });
  if (!out.ok) throw new Error(`${id}: ${out.error}`);
  const p = out.plan;
  const mix =
    spec.weather === 'none' ? { cold: 0, heat: 0, rain: 0 } : builtinSpec(spec.template).mix;
  const rows = weeks + Math.ceil(truthTailDays(t) / 7);
  const o = extendOutlook(
    series,
    scenarioOutlook(series, scenario, series.weatherNames, weeks),
    rows,
  );
  const wt = weeklyTruth(t, mix, o, weeks);
  const base = historicalBaselines(series, p.budget, weeks);
  const x = series.channels.map((c) => p.channels.find((k) => k.channel === c)!.spend_by_period);
  const planTrue = wt.incremental(x);
  const evenTrue = wt.incremental(base.historical_even);
  const even = p.baselines.find((b) => b.name === 'historical_even')!;
  return {
    tenant: id,
    years,
    channels,
    budget: p.budget,
    curve_doubt: p.curve_doubt ?? null,
    convex: (p.convex_channels ?? []).map((c) => c.channel),
    claimed_uplift:
      p.uncertainty && p.uncertainty.step > 0
        ? {
            point: p.uncertainty.uplift,
            p80: p.uncertainty.uplift_interval.p80,
            p95: p.uncertainty.uplift_interval.p95,
          }
        : null,
    claimed: {
      plan: p.incremental_revenue,
      even: even.incremental_revenue,
      roas: p.roas,
      media_share: p.attribution?.media_share.plan_model ?? null,
      explain_media_share: p.attribution?.media_share.explained_model ?? null,
    },
    truth: {
      plan: planTrue,
      even: evenTrue,
      calendar: wt.incremental(base.historical_calendar),
      roas: planTrue / p.budget,
      even_roas: evenTrue / p.budget,
      media_share:
        t.truth.contributions.reduce((a, c) => a + c.reduce((u, v) => u + v, 0), 0) /
        t.truth.expected.reduce((a, v) => a + v, 0),
    },
  };
}

const k = (v: number): string => `${(v / 1000).toFixed(1)}k`;
const sh = (v: number | null): string => (v === null ? '-' : `${(v * 100).toFixed(0)}%`);
const pct = (a: number, b: number): string => `${(((a - b) / Math.abs(b)) * 100).toFixed(1)}%`;

export function formatWeeklyTruth(rows: WeeklyTruthRow[], weeks: number): string {
  const lines = [
    `Weekly plans under the generator's truth (${weeks} weeks, typical outlook, historical budget; true incremental revenue over the horizon and its carry-over):`,
    '',
    '| tenant | years | ch | budget | media share: plan model / phase 3 / truth | claimed: plan (ROAS) | claimed: plan vs (a) | true: (a) | true: (b) | true: plan (ROAS) | true: plan vs (a) | curve doubt / convex |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.tenant} | ${r.years} | ${r.channels} | ${k(r.budget)} | ${sh(r.claimed.media_share)} / ${sh(r.claimed.explain_media_share)} / ${sh(r.truth.media_share)} | ${k(r.claimed.plan)} (${r.claimed.roas.toFixed(2)}) | ${pct(r.claimed.plan, r.claimed.even)} | ${k(r.truth.even)} | ${k(r.truth.calendar)} | ${k(r.truth.plan)} (${r.truth.roas.toFixed(2)}) | ${pct(r.truth.plan, r.truth.even)} | ${r.curve_doubt ?? '-'} / ${r.convex.join(', ') || '-'} |`,
    );
  }
  const worse = rows.filter((r) => r.truth.plan < r.truth.even).length;
  lines.push('', `plan worse than (a) under the truth: ${worse}/${rows.length}`);
  // The claimed uplift's intervals against the true uplift, over the plans that move from (a).
  const moved = rows.flatMap((r) =>
    r.claimed_uplift ? [{ ...r.claimed_uplift, truth: r.truth.plan - r.truth.even }] : [],
  );
  const inside = (v: number, [lo, hi]: [number, number]): boolean => v >= lo && v <= hi;
  lines.push(
    `plan's uplift over (a) against the truth, ${moved.length} ${moved.length === 1 ? 'plan that moves' : 'plans that move'} from (a): inside the 80% interval ${moved.filter((m) => inside(m.truth, m.p80)).length} (below ${moved.filter((m) => m.truth < m.p80[0]).length}), inside the 95% interval ${moved.filter((m) => inside(m.truth, m.p95)).length} (below ${moved.filter((m) => m.truth < m.p95[0]).length})`,
  );
  return lines.join('\n');
}

if (process.argv[1] && /bench[\\/]planner-weekly\.js$/.test(process.argv[1])) {
  const weeks = Number(arg('--weeks', '4'));
  const [lo, hi] = arg('--seeds', '9700-9709').split('-').map(Number);
  const replicates = Number(arg('--replicates', String(DEFAULT_PLAN_REPLICATES)));
  const scenario = arg('--scenario', 'typical') as ScenarioName;
  if (!SCENARIOS.includes(scenario))
    throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')}`);
  const rows: WeeklyTruthRow[] = [];
  for (let seed = lo; seed <= hi; seed++) {
    const years = 2 + (seed % 2);
    const channels = 2 + (seed % 5);
    process.stderr.write(`planner-weekly: seed ${seed} (${years}y, ${channels} ch)\n`);
    rows.push(weeklyTruthRow(seed, years, channels, weeks, replicates, undefined, scenario));
    process.stderr.write(JSON.stringify(rows[rows.length - 1]) + '\n');
  }
  process.stdout.write(formatWeeklyTruth(rows, weeks) + '\n');
}
