/**
 * Planning under model uncertainty. The attainable gain of a plan over the historical split is
 * small (0.2-16% of incremental revenue on synthetic tenants), often smaller than the error of
 * the fitted response curves, so the model's own optimum is checked against the same model
 * refitted on bootstrap replicates and against the model refitted with each training window's
 * curve parameters (replicates.ts, curves.ts; both are "replicates" below) before it is trusted:
 *
 *   anchor  = baseline (a) projected onto the bounds (baseline (a) itself when the bounds allow it)
 *   x(l)    = anchor + l (x* - anchor), l in {0, 0.05, ..., 0.5}, x* = the point model's optimum
 *   U_b(l)  = incremental revenue of x(l) minus the anchor's under replicate b (point: U_0(l))
 *   L(l)    = lower end of the 80% interval of the uplift, from U_0(l) and the U_b(l) exactly as
 *             the explanation's intervals (figureInterval: min(U_0, 10% quantile of U_b))
 *   plan    = x(l*) with l* = argmax L(l) when L(l*) > 0, else the anchor.
 *
 * A trust region along the segment from the safe plan to the model's optimum, sized by the
 * replicates' disagreement: the plan moves only as far as the uplift stays significantly positive
 * (one-sided 10%), and the whole segment is a convex combination of feasible plans, so bounds
 * hold. Bootstrap replicates share the point model's estimator bias (the bootstrap world's truth
 * is the fitted model), so they guard against sampling noise and poorly identified shapes, not
 * bias; the window refits show part of it (how the estimator's choice moves with the window it
 * sees), not all; the step is therefore capped at halfway (MAX_TRUST_STEP): an error that the model and
 * every refit share costs more the further the plan moves from the anchor (the true uplift along
 * the segment is concave, so when the model's optimum is worse than the anchor the halfway point
 * loses less, and often still gains). Measured on 60 synthetic tenants (docs/planner.md,
 * "Where the uplift comes from and where the plan loses it"): worse than (a) under the truth on
 * 4 instead of 6, median captured share higher on 4 of 6 tenant sets and equal on 2.
 */
import { figureInterval } from '../phases/intervals.js';
import type { FigureInterval } from '../phases/types.js';
import { evaluateResponse, zeroPlan, type SeparableResponse } from './response.js';

/** Steps of the trust region along the segment anchor -> model optimum (5% each). */
export const TRUST_STEPS = 20;
/** Furthest step the plan takes towards the model's optimum (module comment). */
export const MAX_TRUST_STEP = 0.5;

/** Incremental revenue of a plan (horizon + tail) relative to spending nothing in the horizon. */
export function incrementalRevenue(r: SeparableResponse, x: readonly ArrayLike<number>[]): number {
  return evaluateResponse(r, x).total - evaluateResponse(r, zeroPlan(r)).total;
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
  spend: Float64Array[];
  /** Uplift over the anchor: point model, and its 80%/95% interval over the replicates. */
  uplift: number;
  uplift_interval: FigureInterval;
  /** The same for the model's own optimum (step 1, which the plan itself never takes). */
  optimum_uplift: number;
  optimum_uplift_interval: FigureInterval;
}

/** The trust-region step (module comment). `replicates` are the replicate models' responses. */
export function trustStep(
  point: SeparableResponse,
  replicates: readonly SeparableResponse[],
  anchor: readonly Float64Array[],
  optimum: readonly Float64Array[],
): TrustStep {
  const anchorPoint = incrementalRevenue(point, anchor);
  const anchorReps = replicates.map((r) => incrementalRevenue(r, anchor));
  const at = (l: number): { x: Float64Array[]; u: number; iv: FigureInterval } => {
    const x = blend(anchor, optimum, l);
    const u = incrementalRevenue(point, x) - anchorPoint;
    const reps = replicates.map((r, b) => incrementalRevenue(r, x) - anchorReps[b]);
    return { x, u, iv: figureInterval(u, reps, 0) };
  };
  const full = at(1);
  let best: { l: number; x: Float64Array[]; u: number; iv: FigureInterval } = {
    l: 0,
    x: anchor.map((a) => Float64Array.from(a)),
    u: 0,
    iv: figureInterval(0, [0], 0),
  };
  let bestLower = 0;
  for (let i = 1; i <= Math.round(TRUST_STEPS * MAX_TRUST_STEP); i++) {
    const l = i / TRUST_STEPS;
    const s = at(l);
    // Strictly better only: ties keep the smaller step (closer to the anchor).
    if (s.iv.p80[0] > bestLower * (1 + 1e-9) + 1e-9) {
      bestLower = s.iv.p80[0];
      best = { l, ...s };
    }
  }
  return {
    step: best.l,
    spend: best.x,
    uplift: best.u,
    uplift_interval: best.iv,
    optimum_uplift: full.u,
    optimum_uplift_interval: full.iv,
  };
}
