/**
 * The plan's expected revenue against the truth, out of sample (issues 15 and 16): how often the
 * plan's 80% / 95% interval of its expected revenue in the horizon covers what the truth makes of
 * the same spend.
 *
 * For each tenant the last `horizon` days of the data are cut off; the phase-3 model and its refits
 * are fitted on the rows before them, as the app fits them (planCurveFit, planReplicateModels), and
 * the plan spends the cut days' actual total with the cut days' actual weather as its forecast. The
 * truth of the plan's spend: the generator's noise-free revenue over the cut days with the plan's
 * spend in place of the actual one (the non-media baseline, every channel's media effect of the
 * whole spend history with the plan's spend in those days, the true weather driver of those days).
 * So the figure compared is the one a user reads (`expected revenue in the horizon` and its
 * intervals), on days the model never saw; and, where the data reach past the plan's tail, the
 * plan's incremental revenue interval against the truth's (truthIncrementalOf).
 *
 * Standalone: `node dist/bench/plan-forecast.js [--heldout S | --weekly S] [--tenants a,b] [--days N]
 * [--backs a,b] [--json]` (built-in 20 by default; `--heldout S`: the 20 generated tenants gen_sS_*;
 * `--weekly S`: 10 weekly shape tenants, horizon 4 weeks, `--backs` in weeks; `--backs`: cuts that
 * many periods before the data's end, one run each).
 */
import { BUILTIN_TENANT_IDS, generateTenant, generateTenantSet } from '../src/core/data/index.js';
import { mediaEffect } from '../src/core/data/revenue.js';
import { generateShape, shapeSpecOf } from '../src/core/data/shapes.js';
import { seriesPrefix } from '../src/core/folds.js';
import type { SyntheticTenant } from '../src/core/types.js';
import { combineLevelError, horizonLevelError } from '../src/plan/level-error.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  DEFAULT_PLAN_REPLICATES,
  makePlan,
  planCurveFit,
  planKeepRidge,
  planPointOf,
  planReplicateModels,
  plannableRefits,
  revenueModelOf,
  type Outlook,
} from '../src/plan/index.js';

/** Cuts of `npm run bench -- --plan-forecast`: the data's end and 3, 6 and 9 months before it. */
export const PLAN_FORECAST_BACKS = [0, 91, 182, 273];

export interface PlanForecastRow {
  tenant: string;
  /** Rows the model was fitted on, and the cut days planned. */
  rows: number;
  horizon: number;
  budget: number;
  /** The plan's expected revenue in the horizon, its intervals, and the truth of its spend. */
  expected: number;
  p80: [number, number];
  p95: [number, number];
  truth: number;
  /** The revenue observed on the cut days (with the actual spend and the noise). */
  observed: number;
  /** (expected - truth) / truth. */
  error: number;
  in80: boolean;
  in95: boolean;
  step: number | null;
  /**
   * The same intervals with the out-of-sample level error added as the plan adds it
   * (plan/level-error.ts; makePlan's PlanContext.levelError).
   */
  level_sd: number | null;
  w80: [number, number];
  w95: [number, number];
  win80: boolean;
  win95: boolean;
  /**
   * The plan's incremental revenue (horizon and its tail, nothing spent after), its intervals
   * and the truth's (daily tenants whose data reach past the tail, no held channels; else null).
   */
  incremental: {
    plan: number;
    p80: [number, number];
    p95: [number, number];
    truth: number;
    in80: boolean;
    in95: boolean;
  } | null;
  /** The variant with the pooled level error alone (without the same season's backtest). */
  sin80: boolean;
  sin95: boolean;
}

export interface PlanForecastBench {
  tenants: string;
  rows: PlanForecastRow[];
  summary: {
    tenants: number;
    in80: number;
    in95: number;
    win80: number;
    win95: number;
    sin80: number;
    sin95: number;
    /** Incremental revenue intervals against the truth, over the rows that have one. */
    incremental: { rows: number; in80: number; in95: number; median_true_over_plan: number };
    median_abs_error: number;
    /** Median half width of the 80% interval over the truth, as a share. */
    median_half_width_80: number;
  };
}

function sum(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i];
  return s;
}

/** The truth's revenue over rows [cut, cut + H) with `spend[c][h]` in place of the actual spend there. */
export function truthRevenueOf(
  t: SyntheticTenant,
  cut: number,
  spend: readonly ArrayLike<number>[],
): number {
  const H = spend[0].length;
  const end = cut + H;
  // The non-media baseline: expected revenue less every channel's contribution (additive channels).
  let total = sum(t.truth.expected, cut, end);
  for (const c of t.truth.contributions) total -= sum(c, cut, end);
  t.truth.channels.forEach((ch, c) => {
    const x = Float64Array.from(t.series.spend[c].subarray(0, end));
    x.set(Float64Array.from(spend[c]), cut);
    total += sum(mediaEffect(ch, x, t.truth.driverIndex.subarray(0, end)), cut, end);
  });
  return total;
}

/**
 * The truth's incremental revenue of `spend` over rows [cut, cut + H) and the `tail` rows after
 * them, nothing spent after the horizon (the plan's default count): the media effects of the
 * history then `spend` then nothing, less those of the history then nothing (the baseline cancels;
 * the true weather of those rows). Null when the data end before the tail does.
 */
export function truthIncrementalOf(
  t: SyntheticTenant,
  cut: number,
  spend: readonly ArrayLike<number>[],
  tail: number,
): number | null {
  const H = spend[0].length;
  const end = cut + H + tail;
  if (end > t.truth.expected.length) return null;
  let total = 0;
  t.truth.channels.forEach((ch, c) => {
    const withPlan = new Float64Array(end);
    withPlan.set(t.series.spend[c].subarray(0, cut));
    const without = Float64Array.from(withPlan);
    withPlan.set(Float64Array.from(spend[c]), cut);
    const d = t.truth.driverIndex.subarray(0, end);
    total +=
      sum(mediaEffect(ch, withPlan, d), cut, end) - sum(mediaEffect(ch, without, d), cut, end);
  });
  return total;
}

/**
 * A weekly tenant's truth over weeks [cut, cut + H) with `spend[c][h]` in place of the actual: the
 * daily tenant it was summed from (week i is days 7i..7i+6), each planned week's spend over its
 * days in the proportions the actual spend of that week had (evenly where it spent nothing): the
 * intra-week pattern the weekly rows the model learned from were made of, so that the actual
 * spend scores exactly the weeks' expected revenue (spread evenly instead, it scored 0.8-1.3% above).
 */
export function weeklyTruthRevenueOf(
  t: SyntheticTenant,
  cut: number,
  spend: readonly ArrayLike<number>[],
): number {
  const d = t.daily!;
  const H = spend[0].length;
  const daily = spend.map((x, c) => {
    const actual = d.series.spend[c];
    const out = new Float64Array(7 * H);
    for (let h = 0; h < H; h++) {
      const from = 7 * (cut + h);
      const week = sum(actual, from, from + 7);
      for (let k = 0; k < 7; k++) {
        out[7 * h + k] = week > 0 ? (x[h] * actual[from + k]) / week : x[h] / 7;
      }
    }
    return out;
  });
  return truthRevenueOf(d, 7 * cut, daily);
}

/** Weekly shape tenants of varied shape (2-3 years, 2-6 channels, with or without weather and events). */
export function weeklyForecastTenants(seed: number, count = 10): SyntheticTenant[] {
  return Array.from({ length: count }, (_, i) =>
    generateShape(
      shapeSpecOf(`pfw_s${seed}_${i}`, seed, {
        frequency: 'weekly',
        years: 2 + (i % 2),
        channels: 2 + (i % 5),
        weather: i % 3 === 2 ? 'none' : 'canonical',
        events: i % 4 === 1,
      }),
      { seed },
    ),
  );
}

export function runPlanForecastBench(
  options: {
    heldout?: number;
    tenants?: string[];
    days?: number;
    /** Weekly shape tenants of this seed instead (weeklyForecastTenants); horizon and backs in weeks. */
    weekly?: number;
    /** Days between the end of the data and the end of the planned days, one run each (default [0]). */
    backs?: number[];
    log?: (line: string) => void;
  } = {},
): PlanForecastBench {
  const log = options.log ?? (() => undefined);
  const weekly = options.weekly !== undefined;
  const H = options.days ?? (weekly ? 4 : 28);
  let all: SyntheticTenant[] =
    options.weekly !== undefined
      ? weeklyForecastTenants(options.weekly)
      : options.heldout === undefined
        ? BUILTIN_TENANT_IDS.map((id) => generateTenant(id))
        : generateTenantSet(20, { seed: options.heldout });
  if (options.tenants) all = all.filter((t) => options.tenants!.includes(t.series.tenant));
  const rows: PlanForecastRow[] = [];
  for (const t of all)
    for (const back of options.backs ?? [0]) {
      const id = t.series.tenant;
      if ((t.series.frequency === 'weekly') !== weekly) continue;
      log(`plan-forecast: ${id} ${back}`);
      const n = t.series.dates.length - back;
      const cut = n - H;
      const series = seriesPrefix(t.series, cut);
      const phase3 = fitFinalModel(series, 3);
      const keepRidge = planKeepRidge(phase3);
      const { model: final, doubt } = planCurveFit(series, planPointOf(series, phase3), {
        keepRidge,
      });
      const model = revenueModelOf(final);
      const outlook: Outlook = {
        source: 'forecast:actual',
        dates: t.series.dates.slice(cut, n),
        weatherNames: model.weather,
        weather: model.weather.map((w) =>
          t.series.weather[t.series.weatherNames.indexOf(w)].slice(cut, n),
        ),
        forecastRows: H,
        ...(t.series.controlNames.length > 0
          ? {
              controlNames: t.series.controlNames,
              controls: t.series.controls.map((x) => x.slice(cut, n)),
            }
          : {}),
      };
      const refits = planReplicateModels(
        series,
        final,
        DEFAULT_PLAN_REPLICATES,
        0,
        'plan',
        phase3,
        keepRidge,
      );
      const budget = t.series.spend.reduce((s, x) => s + sum(x, cut, n), 0);
      // The level error as the app passes it (plan-task.ts): the plan reports the widened
      // interval and keeps the refits' own beside it.
      const level = horizonLevelError(series, final, H, keepRidge);
      const p = makePlan(
        {
          series,
          model,
          outlook,
          curveDoubt: doubt,
          ...plannableRefits(refits.models, refits.roles),
          levelError: level,
        },
        { horizon: H, budget },
      );
      const x = t.series.channels.map(
        (c) => p.channels.find((pc) => pc.channel === c)!.spend_by_period,
      );
      const truth = weekly ? weeklyTruthRevenueOf(t, cut, x) : truthRevenueOf(t, cut, x);
      const incTruth =
        weekly || p.held || !p.uncertainty
          ? null
          : truthIncrementalOf(t, cut, x, p.horizon.tail_periods);
      const incIv = p.uncertainty?.incremental_revenue_interval;
      const incremental =
        incTruth === null || !incIv
          ? null
          : {
              plan: p.incremental_revenue,
              p80: incIv.p80,
              p95: incIv.p95,
              truth: incTruth,
              in80: incTruth >= incIv.p80[0] && incTruth <= incIv.p80[1],
              in95: incTruth >= incIv.p95[0] && incTruth <= incIv.p95[1],
            };
      const w = p.uncertainty?.expected_revenue_interval;
      if (!w) throw new Error(`${id}: the plan has no interval`);
      const iv = p.uncertainty!.expected_revenue_interval_refits ?? w;
      const expected = p.expected_revenue.horizon;
      // Variant (measured, not what the plan reports): the pooled level error alone.
      const ws = level ? combineLevelError(iv, expected, level.pooled_sd) : iv;
      rows.push({
        tenant: back > 0 ? `${id} (${t.series.dates[cut]})` : id,
        rows: cut,
        horizon: H,
        budget,
        expected,
        p80: iv.p80,
        p95: iv.p95,
        truth,
        observed: sum(t.series.target, cut, n),
        error: (expected - truth) / truth,
        in80: truth >= iv.p80[0] && truth <= iv.p80[1],
        in95: truth >= iv.p95[0] && truth <= iv.p95[1],
        step: p.uncertainty?.step ?? null,
        level_sd: level?.level_sd ?? null,
        w80: w.p80,
        w95: w.p95,
        win80: truth >= w.p80[0] && truth <= w.p80[1],
        win95: truth >= w.p95[0] && truth <= w.p95[1],
        incremental,
        sin80: truth >= ws.p80[0] && truth <= ws.p80[1],
        sin95: truth >= ws.p95[0] && truth <= ws.p95[1],
      });
    }
  const med = (v: number[]): number => {
    const s = [...v].sort((a, b) => a - b);
    return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
  };
  return {
    tenants: weekly
      ? `weekly shapes pfw_s${options.weekly}_*`
      : options.heldout === undefined
        ? 'built-in'
        : `gen_s${options.heldout}_*`,
    rows,
    summary: {
      tenants: rows.length,
      in80: rows.filter((r) => r.in80).length,
      in95: rows.filter((r) => r.in95).length,
      win80: rows.filter((r) => r.win80).length,
      win95: rows.filter((r) => r.win95).length,
      sin80: rows.filter((r) => r.sin80).length,
      sin95: rows.filter((r) => r.sin95).length,
      incremental: (() => {
        const inc = rows.flatMap((r) => (r.incremental ? [r.incremental] : []));
        return {
          rows: inc.length,
          in80: inc.filter((i) => i.in80).length,
          in95: inc.filter((i) => i.in95).length,
          median_true_over_plan: med(inc.map((i) => i.truth / i.plan)),
        };
      })(),
      median_abs_error: med(rows.map((r) => Math.abs(r.error))),
      median_half_width_80: med(rows.map((r) => (r.p80[1] - r.p80[0]) / 2 / r.truth)),
    },
  };
}

export function formatPlanForecastBench(b: PlanForecastBench): string {
  const k = (v: number): string => `${(v / 1000).toFixed(1)}k`;
  const pct = (v: number): string => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}%`;
  const lines = [
    `The plan's expected revenue in the horizon against the truth, out of sample (${b.tenants}; the last ${b.rows[0]?.horizon ?? '-'} periods cut off, planned with their actual weather and total spend):`,
    '',
    '| tenant | expected | 80% interval | 95% interval | truth | error | in 80% | in 95% | observed | level sd | with it: 80% | 95% | in 80% | in 95% |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...b.rows.map(
      (r) =>
        `| ${r.tenant} | ${k(r.expected)} | ${k(r.p80[0])} to ${k(r.p80[1])} | ${k(r.p95[0])} to ${k(r.p95[1])} | ${k(r.truth)} | ${pct(r.error)} | ${r.in80 ? 'yes' : 'no'} | ${r.in95 ? 'yes' : 'no'} | ${k(r.observed)} | ${r.level_sd === null ? '-' : k(r.level_sd)} | ${k(r.w80[0])} to ${k(r.w80[1])} | ${k(r.w95[0])} to ${k(r.w95[1])} | ${r.win80 ? 'yes' : 'no'} | ${r.win95 ? 'yes' : 'no'} |`,
    ),
    '',
    `covered: 80% interval ${b.summary.in80}/${b.summary.tenants}, 95% interval ${b.summary.in95}/${b.summary.tenants}; with the level error: ${b.summary.win80}/${b.summary.tenants}, ${b.summary.win95}/${b.summary.tenants}; with the pooled level error alone: ${b.summary.sin80}/${b.summary.tenants}, ${b.summary.sin95}/${b.summary.tenants}; median |error| ${(100 * b.summary.median_abs_error).toFixed(1)}%, median 80% half width ${(100 * b.summary.median_half_width_80).toFixed(1)}% of the truth`,
    `incremental revenue (horizon and tail, nothing spent after; ${b.summary.incremental.rows} cuts whose data reach past the tail): the 80% interval held the truth on ${b.summary.incremental.in80}, the 95% on ${b.summary.incremental.in95}; median true / planned ${Number.isNaN(b.summary.incremental.median_true_over_plan) ? '-' : b.summary.incremental.median_true_over_plan.toFixed(2)}`,
  ];
  return lines.join('\n');
}

if (process.argv[1] && /bench[\\/]plan-forecast\.js$/.test(process.argv[1])) {
  const argv = process.argv;
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const heldout = value('--heldout');
  const tenants = value('--tenants');
  const days = value('--days');
  const backs = value('--backs');
  const weeklySeed = value('--weekly');
  const b = runPlanForecastBench({
    ...(heldout !== undefined ? { heldout: Number(heldout) } : {}),
    ...(tenants !== undefined ? { tenants: tenants.split(',') } : {}),
    ...(days !== undefined ? { days: Number(days) } : {}),
    ...(backs !== undefined ? { backs: backs.split(',').map(Number) } : {}),
    ...(weeklySeed !== undefined ? { weekly: Number(weeklySeed) } : {}),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(
    argv.includes('--json') ? `${JSON.stringify(b, null, 2)}\n` : `${formatPlanForecastBench(b)}\n`,
  );
}
