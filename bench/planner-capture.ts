/**
 * Where the truth-optimal uplift comes from and where the plan loses it (issue 16; analysis for
 * the regret benchmark, `node dist/bench/planner.js --analyze`). The truth is used here only to
 * score: every plan below is made without it, except the truth-optimal plans themselves and the
 * "best step" and "precision" columns, which are diagnostics of what the planner could reach.
 *
 * Sources of the attainable uplift (each as a share of the truth-optimal uplift over baseline (a),
 * all under the true response):
 *   split        best channel split with spend even over time (grid of 0.1% steps; 2 channels);
 *   timing       best timing with (a)'s channel totals;
 *   carry-over   the timing that is best for the truth with its gains held at their mean over time
 *                (no weather: what the adstock left by past spend and the counted tail ask for),
 *                scored under the truth; weather timing = timing - carry-over.
 * Where the plan loses it:
 *   optimum      the model's unchecked optimum x* (replicates 0); its split part (x*'s channel
 *                totals, even over time) and its timing part ((a)'s totals with x*'s time profile
 *                per channel);
 *   best step    the step l in {0, 0.05, ..., 1} along the checked plan's segment (a) -> optimum
 *                with the highest true uplift (what a perfect step rule would get on it);
 *   mROAS error  how far the model's marginal ROAS at (a) is from the truth's, relative between
 *                channels: max_c(m_c / t_c) / min_c(m_c / t_c) - 1 (this decides the split);
 *   precision    capture of a plan made on the truth itself with each channel's gain scaled by
 *                1 + d or 1 - d (alternating signs; the worse of the two patterns): how precise the
 *                relative curves must be for a given capture (d = 10% is a relative error of 22%).
 * Which part of the model loses it (diagnostics: the truth builds these models, no plan uses them):
 *   flat gains    the model's optimum with each channel's gain held at its mean over the horizon
 *                 and tail (the model without its weather interactions' timing);
 *   true curves   the optimum of the phase-3 Ridge refitted on all rows with the truth's adstock
 *                 decay and Hill k and s (the same design and estimator; only the search's choice
 *                 is replaced), and that optimum's halfway point (the furthest the checked plan
 *                 went before its step was capped by the refits' own best steps): what exact
 *                 curve parameters would give;
 *   curves        each channel's decay, Hill shape and k, ROAS and marginal ROAS at (a) and gain
 *                 range over the horizon beside the truth's (ChannelCurves);
 *   truth check   the truth-optimal plan against the best of TRUTH_CHECK_STARTS seeded random
 *                 starts of the same optimizer under the truth (shortfall as a share of the
 *                 truth-optimal uplift; > 0 means the reported truth-optimal is not the optimum).
 */
import type { DriverMix } from '../src/core/data/index.js';
import { SeededRandom } from '../src/core/random.js';
import { geometricAdstock } from '../src/core/transforms.js';
import type { SyntheticTenant } from '../src/core/types.js';
import { fitFinalModel, type FinalModel } from '../src/phases/final.js';
import { hillKFor } from '../src/phases/media.js';
import type { ChannelParams } from '../src/phases/types.js';
import {
  evaluateResponse,
  extendOutlook,
  incrementalRevenue,
  optimizePlan,
  revenueModelOf,
  resolveBounds,
  responseOf,
  scenarioOutlook,
  tailLength,
  truthResponse,
  type PlanConstraints,
  type PlanResult,
  type RevenueModel,
  type SeparableResponse,
} from '../src/plan/index.js';
import { blend } from '../src/plan/uncertainty.js';

export interface CaptureAnalysis {
  tenant: string;
  /** Truth-optimal uplift over (a), % of (a)'s true incremental revenue. */
  attainable_pct: number;
  /** Shares of the truth-optimal uplift (module comment); split is null for more than 2 channels. */
  split: number | null;
  timing: number;
  carry_over_timing: number;
  weather_timing: number;
  optimum: number;
  optimum_split_part: number;
  optimum_timing_part: number;
  plan: number;
  plan_step: number | null;
  best_step: number;
  best_step_capture: number;
  /** Capture of each step along the checked plan's segment (l = 0, 0.05, ..., 1). */
  steps: number[];
  mroas_relative_error: number;
  precision: { d: number; capture: number }[];
  /** The model's optimum with its gains flat over time (module comment). */
  flat_gain_optimum: number;
  /** The optimum of the Ridge refitted with the truth's curve parameters, and its halfway point (null: not separable). */
  true_curves_optimum: number | null;
  true_curves_halfway: number | null;
  /** Shortfall of the truth-optimal plan behind the best random start, share of its uplift (<= 0: none). */
  truth_check_shortfall: number;
  /** Each channel's curve beside the truth's (module comment). */
  curves: ChannelCurves[];
}

/**
 * One channel's response beside the truth's: adstock/Hill parameters, ROAS at (a) (the channel's
 * incremental revenue over the horizon and tail with the other channels at zero, per unit of its
 * spend), marginal ROAS at (a) (per extra unit when its spend grows by 1%), and its gain per Hill
 * unit over the horizon, lowest and highest over its mean (the weather interaction).
 */
export interface ChannelCurves {
  channel: string;
  decay: [number, number];
  s: [number, number];
  /** The model's Hill k over the truth's. */
  k_ratio: number;
  roas: [number, number];
  marginal_roas: [number, number];
  gain_range: [[number, number], [number, number]];
}

/** Seeded random starts of the truth-optimum check. */
export const TRUTH_CHECK_STARTS = 20;

/** The phase-3 all-rows model refitted with the truth's adstock decay and Hill k and s. */
export function trueCurveModel(tenant: SyntheticTenant, final: FinalModel): FinalModel {
  const series = tenant.series;
  const n = series.dates.length;
  const params: Record<string, ChannelParams> = {};
  series.channels.forEach((c, i) => {
    const t = tenant.truth.channels[i];
    const unit = hillKFor(geometricAdstock(series.spend[i], t.decay), n, 1);
    params[c] = { decay: t.decay, k_mult: t.hillK / unit, k: t.hillK, s: t.hillS };
  });
  return fitFinalModel(series, 3, { calendar: final.calendar, channelParams: params });
}

export const PRECISION_LEVELS = [0.02, 0.05, 0.1, 0.2];

const sum = (x: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
};

/** The capture analysis of one tenant (module comment). `unchecked` and `checked` are its plans. */
export function analyzeCapture(
  tenant: SyntheticTenant,
  mix: DriverMix,
  model: RevenueModel,
  replicates: readonly RevenueModel[],
  unchecked: PlanResult,
  checked: PlanResult,
  final?: FinalModel,
): CaptureAnalysis {
  const series = tenant.series;
  const H = unchecked.horizon.periods;
  const budget = unchecked.budget;
  // The same response construction as makePlan (plan.ts): tails from the model and its refits.
  const tail = tailLength(
    [...model.media, ...replicates.flatMap((m) => m.media)].map((m) => m.decay),
    365,
  );
  const truthTail = tailLength(
    tenant.truth.channels.map((c) => c.decay),
    365,
  );
  const outlook = extendOutlook(
    series,
    scenarioOutlook(series, 'typical', model.weather, H),
    H + Math.max(tail, truthTail),
  );
  const r = responseOf(model, series, outlook, H, tail);
  const tr = truthResponse(tenant, mix, outlook, H, truthTail);
  const n = series.dates.length;
  const rows = Math.min(n, 365);
  const perPeriod = series.spend.map((x) => sum(x.subarray(n - rows)) / rows);
  const split0 = perPeriod.map((v) => v / sum(perPeriod));
  const a = split0.map((w) => new Float64Array(H).fill((budget * w) / H));
  const C = a.length;
  const U = (q: SeparableResponse, x: readonly Float64Array[]): number =>
    incrementalRevenue(q, x) - incrementalRevenue(q, a);
  const cons = resolveBounds([], tr.channels, H, perPeriod, budget);
  const starts = [
    a,
    ...a.map((_, c) =>
      a.map((__, j) => new Float64Array(H).fill((budget * (j === c ? 0.6 : 0.4 / (C - 1))) / H)),
    ),
  ];
  const full = Math.max(
    U(tr, optimizePlan(tr, cons, starts).spend),
    (unchecked.truth?.optimal_incremental ?? -Infinity) - incrementalRevenue(tr, a),
  );
  const capture = (x: readonly Float64Array[]): number => U(tr, x) / full;
  const even = (shares: readonly number[]): Float64Array[] =>
    shares.map((w) => new Float64Array(H).fill((budget * w) / H));
  let split: number | null = null;
  if (C === 2) {
    split = -Infinity;
    for (let i = 0; i <= 1000; i++)
      split = Math.max(split, capture(even([i / 1000, 1 - i / 1000])));
  }
  const totals = a.map((x) => sum(x));
  const fixed: PlanConstraints = { ...cons, totalLower: totals, totalUpper: totals };
  const timingOf = (q: SeparableResponse): Float64Array[] => optimizePlan(q, fixed, [a]).spend;
  const flatGains = (q: SeparableResponse): SeparableResponse => ({
    ...q,
    gain: q.gain.map((g) => new Float64Array(g.length).fill(sum(g) / g.length)),
  });
  const timing = capture(timingOf(tr));
  const carry = capture(timingOf(flatGains(tr)));
  const xs = unchecked.channels.map((c) => Float64Array.from(c.spend_by_period));
  const xsTotals = xs.map((x) => sum(x));
  // The checked plan's segment ends at the model's optimum under the response with the refits'
  // (longer) tail, which differs slightly from the unchecked plan's.
  const target = optimizePlan(r, cons, [xs, ...starts]).spend;
  const steps = Array.from({ length: 21 }, (_, i) => capture(blend(a, target, i / 20)));
  const best = steps.indexOf(Math.max(...steps));
  const slope = (q: SeparableResponse): number[] =>
    evaluateResponse(q, a, true).gradient!.map((g) => sum(g) / H);
  const mt = slope(tr);
  const ratios = slope(r).map((m, c) => m / mt[c]);
  const precision = PRECISION_LEVELS.map((d) => ({
    d,
    capture: Math.min(
      ...[1, -1].map((sign) => {
        const off: SeparableResponse = {
          ...tr,
          gain: tr.gain.map((g, c) =>
            Float64Array.from(g, (v) => v * (1 + (c % 2 === 0 ? sign : -sign) * d)),
          ),
        };
        return capture(optimizePlan(off, cons, starts).spend);
      }),
    ),
  }));
  const flat = capture(optimizePlan(flatGains(r), cons, [xs, ...starts]).spend);
  let trueCurves: number | null = null;
  let trueHalf: number | null = null;
  if (final) {
    try {
      const q = responseOf(revenueModelOf(trueCurveModel(tenant, final)), series, outlook, H, tail);
      const xq = optimizePlan(q, cons, starts).spend;
      trueCurves = capture(xq);
      trueHalf = capture(blend(a, xq, 0.5));
    } catch {
      // A GBM or blend was chosen on the refit: not a plannable model.
    }
  }
  const only = (x: readonly Float64Array[], c: number): Float64Array[] =>
    x.map((v, j) => (j === c ? v : new Float64Array(H)));
  const roasAt = (q: SeparableResponse, c: number): number =>
    incrementalRevenue(q, only(a, c)) / sum(a[c]);
  const marginalAt = (q: SeparableResponse, c: number): number =>
    (incrementalRevenue(
      q,
      a.map((v, j) => (j === c ? Float64Array.from(v, (z) => z * 1.01) : v)),
    ) -
      incrementalRevenue(q, a)) /
    (0.01 * sum(a[c]));
  const range = (g: Float64Array): [number, number] => {
    const h = g.subarray(0, H);
    const m = sum(h) / H;
    return [Math.min(...h) / m, Math.max(...h) / m];
  };
  const curves: ChannelCurves[] = r.channels.map((channel, c) => {
    const t = tenant.truth.channels[c];
    return {
      channel,
      decay: [t.decay, r.decay[c]],
      s: [t.hillS, r.s[c]],
      k_ratio: r.k[c] / t.hillK,
      roas: [roasAt(tr, c), roasAt(r, c)],
      marginal_roas: [marginalAt(tr, c), marginalAt(r, c)],
      gain_range: [range(tr.gain[c]), range(r.gain[c])],
    };
  });
  const rng = new SeededRandom(16);
  let bestRandom = -Infinity;
  for (let k = 0; k < TRUTH_CHECK_STARTS; k++) {
    const raw = a.map(() =>
      Float64Array.from({ length: H }, () => (rng.uniform(0, 1) < 0.3 ? 0 : rng.uniform(0, 1))),
    );
    const scale = budget / raw.reduce((s2, x) => s2 + sum(x), 0);
    const start = raw.map((x) => Float64Array.from(x, (v) => v * scale));
    bestRandom = Math.max(bestRandom, U(tr, optimizePlan(tr, cons, [start]).spend));
  }
  return {
    tenant: series.tenant,
    curves,
    flat_gain_optimum: flat,
    true_curves_optimum: trueCurves,
    true_curves_halfway: trueHalf,
    truth_check_shortfall: (bestRandom - full) / full,
    attainable_pct: (100 * full) / incrementalRevenue(tr, a),
    split,
    timing,
    carry_over_timing: carry,
    weather_timing: timing - carry,
    optimum: capture(xs),
    optimum_split_part: capture(even(xsTotals.map((v) => v / budget))),
    optimum_timing_part: capture(
      xs.map((x, c) =>
        Float64Array.from(x, (v) =>
          xsTotals[c] > 0 ? (v * totals[c]) / xsTotals[c] : totals[c] / H,
        ),
      ),
    ),
    plan: capture(checked.channels.map((c) => Float64Array.from(c.spend_by_period))),
    plan_step: checked.uncertainty ? checked.uncertainty.step : null,
    best_step: best / 20,
    best_step_capture: steps[best],
    steps,
    mroas_relative_error: Math.max(...ratios) / Math.min(...ratios) - 1,
    precision,
  };
}

const pct = (v: number | null): string => (v === null ? '-' : `${(100 * v).toFixed(0)}%`);

export function formatCaptureAnalysis(rows: readonly CaptureAnalysis[]): string {
  const lines = [
    '',
    'Capture analysis (shares of the truth-optimal uplift over (a), scored under the truth; bench/planner-capture.ts):',
    '',
    '| tenant | attainable vs (a) | split | timing | of which carry-over | of which weather | optimum | optimum: split part | optimum: timing part | plan (step) | best step on the segment | mROAS relative error at (a) | ' +
      PRECISION_LEVELS.map((d) => `plan on truth, gains ±${100 * d}%`).join(' | ') +
      ' |',
    '|' + '---|'.repeat(12 + PRECISION_LEVELS.length),
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.tenant} | +${r.attainable_pct.toFixed(2)}% | ${pct(r.split)} | ${pct(r.timing)} | ${pct(r.carry_over_timing)} | ${pct(r.weather_timing)} | ${pct(r.optimum)} | ${pct(r.optimum_split_part)} | ${pct(r.optimum_timing_part)} | ${pct(r.plan)} (${r.plan_step === null ? '-' : r.plan_step.toFixed(2)}) | ${pct(r.best_step_capture)} (${r.best_step.toFixed(2)}) | ${pct(r.mroas_relative_error)} | ${r.precision.map((p) => pct(p.capture)).join(' | ')} |`,
    );
  }
  const median = (v: number[]): number => {
    const s = [...v].sort((x, y) => x - y);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const at80 = (v: number[]): string => `${v.filter((x) => x >= 0.8).length}/${v.length}`;
  lines.push(
    '',
    'Which part of the model loses it (the truth builds the last three models; no plan uses them):',
    '',
    '| tenant | optimum | optimum, model gains flat over time | optimum, Ridge with the true curve parameters | its halfway point | truth-optimal vs best of ' +
      `${TRUTH_CHECK_STARTS} random starts |`,
    '|' + '---|'.repeat(6),
  );
  for (const r of rows) {
    lines.push(
      `| ${r.tenant} | ${pct(r.optimum)} | ${pct(r.flat_gain_optimum)} | ${pct(r.true_curves_optimum)} | ${pct(r.true_curves_halfway)} | ${r.truth_check_shortfall > 1e-9 ? `${(100 * r.truth_check_shortfall).toFixed(3)}% short` : 'not beaten'} |`,
    );
  }
  const f2 = (v: number): string => v.toFixed(2);
  const pair = (v: [number, number]): string => `${f2(v[0])} / ${f2(v[1])}`;
  lines.push(
    '',
    "The curves beside the truth's (at (a): the channel alone, over the horizon and tail; gain: per Hill unit over the horizon, lowest-highest over its mean):",
    '',
    '| tenant | channel | decay truth / model | Hill s truth / model | Hill k model / truth | ROAS at (a) truth / model | marginal ROAS at (a) truth / model | gain over the horizon truth / model |',
    '|' + '---|'.repeat(8),
  );
  for (const r of rows) {
    for (const c of r.curves) {
      lines.push(
        `| ${r.tenant} | ${c.channel} | ${pair(c.decay)} | ${pair(c.s)} | ${f2(c.k_ratio)} | ${pair(c.roas)} | ${pair(c.marginal_roas)} | ${c.gain_range.map((g) => `${f2(g[0])}-${f2(g[1])}`).join(' / ')} |`,
      );
    }
  }
  const known = (v: (number | null)[]): number[] => v.filter((x): x is number => x !== null);
  lines.push(
    '',
    `optimum with flat gains: >= 80% on ${at80(rows.map((r) => r.flat_gain_optimum))}; with the true curve parameters: >= 80% on ${at80(known(rows.map((r) => r.true_curves_optimum)))}, its halfway point on ${at80(known(rows.map((r) => r.true_curves_halfway)))}`,
  );
  lines.push(
    '',
    `best step on the segment (a perfect step rule): >= 80% on ${at80(rows.map((r) => r.best_step_capture))}, median ${pct(median(rows.map((r) => r.best_step_capture)))}; ` +
      `median mROAS relative error at (a) ${pct(median(rows.map((r) => r.mroas_relative_error)))}; ` +
      PRECISION_LEVELS.map(
        (d, i) =>
          `plan on the truth with gains ±${100 * d}%: >= 80% on ${at80(rows.map((r) => r.precision[i].capture))}`,
      ).join(', '),
  );
  return lines.join('\n');
}
