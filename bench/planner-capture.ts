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
 */
import type { DriverMix } from '../src/core/data/index.js';
import type { SyntheticTenant } from '../src/core/types.js';
import {
  evaluateResponse,
  extendOutlook,
  incrementalRevenue,
  optimizePlan,
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
  return {
    tenant: series.tenant,
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
    `best step on the segment (a perfect step rule): >= 80% on ${at80(rows.map((r) => r.best_step_capture))}, median ${pct(median(rows.map((r) => r.best_step_capture)))}; ` +
      `median mROAS relative error at (a) ${pct(median(rows.map((r) => r.mroas_relative_error)))}; ` +
      PRECISION_LEVELS.map(
        (d, i) =>
          `plan on the truth with gains ±${100 * d}%: >= 80% on ${at80(rows.map((r) => r.precision[i].capture))}`,
      ).join(', '),
  );
  return lines.join('\n');
}
