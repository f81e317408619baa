/**
 * Planning under model uncertainty. The attainable gain of a plan over the historical split is
 * small (0.2-16% of incremental revenue on synthetic tenants), often smaller than the error of
 * the fitted response curves, so the model's own optimum is checked against the same model
 * refitted on bootstrap replicates and against the model refitted with each training window's
 * curve parameters (replicates.ts, curves.ts; both are "replicates" below) before it is trusted:
 *
 *   anchor  = baseline (a) projected onto the bounds (baseline (a) itself when the bounds allow it)
 *   x(l)    = anchor + l (x* - anchor), l in {0.05, 0.1, ..., 1}, x* = the point model's optimum
 *   U_b(l)  = incremental revenue of x(l) minus the anchor's under replicate b (point: U_0(l))
 *   l_b     = replicate b's own best step: argmax_l U_b(l) (0 when no step gains under it)
 *   cap     = min(10% quantile of l_b over the bootstrap refits, l_b of every window refit of
 *             the model planned with), rounded to the grid
 *   L(l)    = lower end of the 80% interval of the uplift, from U_0(l) and the U_b(l) of every
 *             replicate (bootstrap, window, and the other estimator's windows: replicates.ts)
 *             exactly as the explanation's intervals (figureInterval: min(U_0, 10% quantile))
 *   plan    = x(l*) with l* = argmax_{l <= cap} L(l) when L(l*) > 0, else the anchor.
 *
 * A trust region along the segment from the safe plan to the model's optimum, sized by the
 * replicates' disagreement: the plan moves only as far as the uplift stays significantly positive
 * (one-sided 10%), and the whole segment is a convex combination of feasible plans, so bounds
 * hold. Bootstrap replicates share the point model's estimator bias (the bootstrap world's truth
 * is the fitted model), so they guard against sampling noise and poorly identified shapes, not
 * bias; the window refits show part of it (how the estimator's choice moves with the window it
 * sees), not all. An error that the model and every refit share costs more the further the plan
 * moves, so the step is capped, by the refits themselves: the plan goes no further than the best
 * step of any window refit (a model the data of a window support that says going further loses),
 * nor than 90% of the bootstrap refits' best steps. Where they all agree that the optimum itself
 * is best (an S-shaped uplift along the segment, which gives little halfway), the plan may go all
 * the way; where one window turns down early (gen_s13_1: its first window's uplift peaks at 0.15)
 * it stops there. The other estimator's windows (replicates.ts, role 'estimator') enter the
 * interval only: as a cap they kept (a) on every built-in tenant. This replaced a fixed cap at
 * halfway (main 38ef33e and before); chosen on the built-in tiers and generated seeds 7 and 13,
 * checked on seeds 17, 19, 23 and (once, fresh) 37, 41, 43: not worse than (a) on 88 of 90
 * tenants instead of 86, >= 80% of the truth-optimal uplift captured on 22 instead of 12, the
 * median capture lower on 4 of the 9 sets (docs/planner.md, "A step capped by the refits' own
 * best steps").
 */
import { quantile } from '../core/stats.js';
import { figureInterval } from '../phases/intervals.js';
import type { FigureInterval } from '../phases/types.js';
import type { ReplicateRole } from './replicates.js';
import { evaluateResponse, zeroTotal, type SeparableResponse } from './response.js';

/** Steps of the trust region along the segment anchor -> model optimum (5% each, up to the optimum). */
export const TRUST_STEPS = 20;
/**
 * Quantile of the bootstrap refits' own best steps that caps the plan's step (module comment):
 * the step at most 90% of them would still take.
 */
export const BOOTSTRAP_STEP_QUANTILE = 0.1;

/** Incremental revenue of a plan (horizon + tail) relative to spending nothing in the horizon. */
export function incrementalRevenue(r: SeparableResponse, x: readonly ArrayLike<number>[]): number {
  return evaluateResponse(r, x).total - zeroTotal(r);
}

export function blend(
  anchor: readonly Float64Array[],
  target: readonly Float64Array[],
  l: number,
): Float64Array[] {
  return anchor.map((a, c) => Float64Array.from(a, (v, t) => v + l * (target[c][t] - v)));
}

export interface TrustStep {
  /** Share of the way from the anchor to the model's optimum (0 = the anchor). */
  step: number;
  /** The furthest step the refits allow (module comment); the plan's step is at most this. */
  step_cap: number;
  spend: Float64Array[];
  /** Uplift over the anchor: point model, and its 80%/95% interval over the replicates. */
  uplift: number;
  uplift_interval: FigureInterval;
  /** The same for the model's own optimum (step 1). */
  optimum_uplift: number;
  optimum_uplift_interval: FigureInterval;
}

/**
 * The trust-region step (module comment). `replicates` are the replicate models' responses,
 * `roles[b]` what replicate b is (replicates.ts; 'bootstrap' when not given).
 */
export function trustStep(
  point: SeparableResponse,
  replicates: readonly SeparableResponse[],
  anchor: readonly Float64Array[],
  optimum: readonly Float64Array[],
  roles: readonly ReplicateRole[] = [],
  maxStep = 1,
  /**
   * Factor on the lower side of each step's 80% interval before the steps are judged: 1 judges
   * the refits' own interval, a larger one the interval with the optimizer's optimism allowed for
   * (TRUST_LOWER_FACTORS).
   */
  lowerFactor = 1,
): TrustStep {
  const anchorPoint = incrementalRevenue(point, anchor);
  const anchorReps = replicates.map((r) => incrementalRevenue(r, anchor));
  const steps = Array.from({ length: TRUST_STEPS }, (_, i) => {
    const l = (i + 1) / TRUST_STEPS;
    const x = blend(anchor, optimum, l);
    const u = incrementalRevenue(point, x) - anchorPoint;
    const reps = replicates.map((r, b) => incrementalRevenue(r, x) - anchorReps[b]);
    return { l, x, u, reps, iv: figureInterval(u, reps, 0) };
  });
  // Each refit's own best step on the segment (0 when no step gains under it; ties: the smaller).
  const own = replicates.map((_, b) => {
    let best = 0;
    let bestU = 0;
    for (const s of steps) {
      if (s.reps[b] > bestU) {
        bestU = s.reps[b];
        best = s.l;
      }
    }
    return best;
  });
  const role = (b: number): ReplicateRole => roles[b] ?? 'bootstrap';
  const boot = own.filter((_, b) => role(b) === 'bootstrap');
  const win = own.filter((_, b) => role(b) === 'window');
  const cap = Math.min(
    boot.length > 0 ? quantile(boot, BOOTSTRAP_STEP_QUANTILE) : 1,
    ...win,
    maxStep,
  );
  const last = Math.round(TRUST_STEPS * cap);
  let best: { l: number; x: Float64Array[]; u: number; iv: FigureInterval } = {
    l: 0,
    x: anchor.map((a) => Float64Array.from(a)),
    u: 0,
    iv: figureInterval(0, [0], 0),
  };
  let bestLower = 0;
  for (const s of steps.slice(0, last)) {
    const lower = s.u - lowerFactor * Math.max(0, s.u - s.iv.p80[0]);
    // Strictly better only: ties keep the smaller step (closer to the anchor).
    if (lower > bestLower * (1 + 1e-9) + 1e-9) {
      bestLower = lower;
      best = s;
    }
  }
  const full = steps[TRUST_STEPS - 1];
  return {
    step: best.l,
    step_cap: last / TRUST_STEPS,
    spend: best.x,
    uplift: best.u,
    uplift_interval: best.iv,
    optimum_uplift: full.u,
    optimum_uplift_interval: full.iv,
  };
}

/**
 * The factor on the lower side of a moved plan's uplift interval (planSelectionMargin), by the
 * data's frequency and level. The plan is the point model's best step, so its uplift is measured
 * on the model that chose it: where the model errs, it errs in the plan's favour (the optimizer's
 * curse), and the refits, which share the point's estimator and start from its curves, do not
 * see that. Measured under the generator's truth (docs/planner.md "The plan's uplift interval
 * against the truth"): the true uplift over (a) fell below the refits' 80% interval on 20% of
 * moved daily plans and 48% of weekly ones, above it on 2-10%. Factors chosen on development
 * tenants (daily seeds 10500-10511, weekly 9700-9749 at 4 and 13 weeks: the least that leaves the
 * true uplift below on about 10% / 2.5%) and checked on tenants drawn afterwards (daily
 * 10512-10531: 80% coverage 70% -> 81%, 95% 90% -> 94%; weekly 10600-10699: 38% -> 79%, 69% ->
 * 93%).
 */
export const SELECTION_FACTORS = {
  daily: { p80: 1.4, p95: 1.25 },
  weekly: { p80: 1.75, p95: 1.4 },
} as const;

/**
 * The factor trustStep judges each step's 80% interval with, by frequency: weekly plans move only
 * where the uplift's 80% interval with the optimizer's optimism allowed for (SELECTION_FACTORS,
 * the interval the plan reports) is above zero; daily plans on the refits' own interval. Measured
 * under the generator's truth (docs/planner.md "Weekly plans judged on the interval they report"):
 * on 11 weekly sets of 50 tenants (4 and 13 weeks; 4 of them drawn after the rule was chosen) plans
 * worse than (a) 49 -> 5 of 550, summed true uplift over (a) +466 -> +498 points; on the built-in
 * daily tiers the same rule gave up most of the capture (captured >= 80% 3 -> 0 of 10, median 71%
 * -> 6%) and on 60 held-out daily tenants it avoided no loss, so daily plans keep the refits'.
 */
export const TRUST_LOWER_FACTORS = {
  daily: 1,
  weekly: SELECTION_FACTORS.weekly.p80,
} as const;

/**
 * What the plans that moved from (a) delivered under the generator's truth, by frequency, for the
 * plan's words (the same measurement as SELECTION_FACTORS: daily seeds 10500-10531, weekly
 * 9700-9749 and 10600-10699): the median of true / claimed uplift, and how often the true uplift
 * fell below the refits' own 80% interval.
 */
export const SELECTION_MEASURED = {
  daily: { medianTrueOverClaimed: 0.77, belowRefits80: 'about a fifth' },
  weekly: { medianTrueOverClaimed: 0.53, belowRefits80: 'about half' },
} as const;

/**
 * How much further down the lower ends of a moved plan's intervals go: (factor - 1) x the uplift's
 * own distance from its point to its lower end, per level (0 where the plan is the anchor). Every
 * figure whose point holds the plan's uplift over the anchor (the uplift itself, over (a) and (b),
 * the plan's incremental and expected revenue) takes the same margin, the plan's optimism being in
 * that uplift.
 */
export function planSelectionMargin(
  uplift: number,
  interval: FigureInterval,
  frequency: keyof typeof SELECTION_FACTORS,
): { p80: number; p95: number } {
  const f = SELECTION_FACTORS[frequency];
  return {
    p80: (f.p80 - 1) * Math.max(0, uplift - interval.p80[0]),
    p95: (f.p95 - 1) * Math.max(0, uplift - interval.p95[0]),
  };
}

/**
 * `interval` with its lower ends moved down by `margin` (planSelectionMargin); the 95% lower end
 * stays at or below the 80% one (the levels' factors differ, so a narrow 95% tail could otherwise
 * end above the widened 80% end).
 */
export function widenLower(
  interval: FigureInterval,
  margin: { p80: number; p95: number },
): FigureInterval {
  const lo80 = interval.p80[0] - margin.p80;
  return {
    p80: [lo80, interval.p80[1]],
    p95: [Math.min(interval.p95[0] - margin.p95, lo80), interval.p95[1]],
  };
}
