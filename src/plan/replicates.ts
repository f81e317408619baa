/**
 * Models for planning under uncertainty: the phase-3 pipeline refitted on moving-block bootstrap
 * replicates of the series, exactly as the explanation's intervals refit it (src/phases/intervals.ts:
 * y* = fitted + a circular moving-block resample of the centred residuals, then the adstock/Hill
 * search and the Ridge/GBM/blend choice on all rows of y*). Spend, weather and controls stay as
 * observed. Deterministic: the draws come from SeededRandom seeded by the tenant id and `seed`.
 * Cost: one phase-3 search + fit per replicate (~0.1-0.2 s for 1,095 daily rows, 2 channels).
 */
import { SeededRandom, seedFromString } from '../core/random.js';
import type { TenantSeries } from '../core/types.js';
import type { FinalModel } from '../phases/final.js';
import { SearchTrialCache } from '../phases/search.js';
import {
  blockLengthFor,
  refitReplicate,
  REPLICATE_SEARCH,
  residualBootstrap,
} from '../phases/intervals.js';

/** Replicates a plan is checked against by default (see docs/planner.md, "Planning under uncertainty"). */
export const DEFAULT_PLAN_REPLICATES = 20;
/** Fewest separable replicate models for the uncertainty step and the plan's intervals. */
export const MIN_PLAN_REPLICATES = 10;
/** Largest replicate count accepted. */
export const MAX_PLAN_REPLICATES = 200;
/**
 * What the refits are, for keeping them beside their model: stored refits are reused only when
 * this text is unchanged (bump the version when planReplicateModels changes what it draws).
 */
export const PLAN_REFIT_METHOD = `v1 moving-block residual bootstrap, seeded plan:<tenant>, phase-3 replicate search ${JSON.stringify(REPLICATE_SEARCH)}`;

/** The phase-3 model refitted on `count` bootstrap replicates of the series (refits that fail are skipped). */
export function planReplicateModels(
  series: TenantSeries,
  point: FinalModel,
  count: number,
  seed = 0,
): { models: FinalModel[]; failed: number } {
  if (!(Number.isInteger(count) && count >= 0 && count <= MAX_PLAN_REPLICATES)) {
    throw new RangeError(
      `replicates must be a whole number from 0 to ${MAX_PLAN_REPLICATES} (got ${count})`,
    );
  }
  const world = residualBootstrap(
    series,
    point,
    blockLengthFor(series.target.length, series.frequency),
  );
  const rng = new SeededRandom(seedFromString(`plan:${series.tenant}`, seed));
  const models: FinalModel[] = [];
  let failed = 0;
  // Every replicate keeps the series' design (only the target is redrawn), so their searches
  // share the candidates' trials: same models, about half the time (docs/planner.md, Speed).
  const trialCache = new SearchTrialCache();
  for (let b = 0; b < count; b++) {
    const target = world.draw(rng);
    try {
      models.push(refitReplicate({ ...series, target }, point, { trialCache }, null));
    } catch {
      failed++;
    }
  }
  return { models, failed };
}
