/**
 * Each plan's incremental revenue under each replicate model, by the model's index in the plan
 * context's replicates (null where it could not be planned with). Kept beside the result, not in
 * it: it serves a comparison made together with the plan (summary.ts compareOutlooks pairs two
 * outlooks' plans refit by refit), not the stored plan.
 */
const REFIT_INCREMENTALS = new WeakMap<object, readonly (number | null)[]>();

/** Keeps a plan's incremental revenue per replicate model (plan.ts makePlan). */
export function keepRefitIncrementals(plan: object, byRefit: readonly (number | null)[]): void {
  REFIT_INCREMENTALS.set(plan, byRefit);
}

/** The plan's incremental revenue under each replicate model; null when none was kept. */
export function refitIncrementals(plan: object): readonly (number | null)[] | null {
  return REFIT_INCREMENTALS.get(plan) ?? null;
}
