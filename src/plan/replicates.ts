/**
 * Models for planning under uncertainty, two kinds:
 * - bootstrap refits: the phase-3 pipeline refitted on moving-block bootstrap replicates of the
 *   series, exactly as the explanation's intervals refit it (src/phases/intervals.ts: y* = fitted
 *   + a circular moving-block resample of the centred residuals, then the adstock/Hill search and
 *   the Ridge/GBM/blend choice on all rows of y*). Spend, weather and controls stay as observed.
 *   Deterministic: the draws come from SeededRandom seeded by the tenant id and `seed`. They see
 *   the sampling noise of the estimator, not its bias: the bootstrap world's truth is the model.
 * - window refits: the point model's own estimator is the median of six searches on nested
 *   windows of the data (final.ts pooledSearchRuns, FinalModel.searchRuns); each of them, refitted
 *   on all rows, is a model the data supports as well. Where the windows disagree on the
 *   response (one window's decay 0.13 where the median is 0.89, gen_s13_1), the estimator's choice
 *   is not stable over time: a plan the check lets through should gain under them too.
 * The planner plans with a plan-curve model (curves.ts planCurveModel: the phase-3 model with its
 * curves fitted by profile least squares on all rows) and checks it the same way (curves 'plan'):
 * each bootstrap replicate refits the curves locally from the plan model's, and the window refits
 * are its curves fitted on the 5 standard training windows. Beside them, the phase-3 model's own
 * window refits (its search's six runs, refitted on all rows) are a second estimator's view of the
 * curves (inner-fold R² instead of profile least squares): they enter the plan's intervals as
 * refits of role 'estimator' (gen_s17_19: every plan-curve refit agreed that the model's optimum
 * gains, the truth loses 28% of (a)'s incremental revenue there; the phase-3 windows disagree).
 * Cost: one phase-3 search + fit per bootstrap replicate (~0.03-0.05 s for 1,095 daily rows and 2
 * channels, the replicates sharing their searches' trials), one Ridge fit per window.
 */
import { checkCancelled, rethrowCancelled } from '../core/cancel.js';
import { randomKeyOf, SeededRandom, seedFromString } from '../core/random.js';
import type { TenantSeries } from '../core/types.js';
import { fitFinalModel, type FinalModel } from '../phases/final.js';
import { SearchTrialCache } from '../phases/search.js';
import { PLAN_MODEL_FIT, PlanCurveCache, refitPlanCurveModel } from './curves.js';
import { blockLengthFor, refitReplicate, residualBootstrap } from '../phases/intervals.js';
import { recalibrateReplicate, type ReplicateCalibration } from '../phases/calibration.js';
import type { LiftTest } from '../core/lift.js';

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
// v11: imported data's refits are seeded by its content (TenantSeries.seedKey), not its id;
// v10: planCurveDoubt leaves out the channels of almost no or constant spend (the plan holds
// them); v8: the bootstrap refits' curve fits take the first two local rounds (curves.ts
// BOOTSTRAP_LOCAL_ROUNDS); v7: the plan-curve model's all-rows fit takes the least curved Hill
// shapes within one standard error of the best fit (curves.ts PLAN_CURVE_SIMPLIFY), its window
// fits and the bootstrap refits do not. Plan models and refits stored under earlier versions are
// made again.
export const PLAN_REFIT_METHOD = `v11 plan-curve model (profile least squares on all rows, then the least curved Hill shapes within one standard error, curves.ts; a note when those curves stop at the search's bounds, channels of almost no or constant spend apart, or give the media more than the revenue, curves.ts planCurveDoubt; window fits on a coarser sweep grid, without that rule); moving-block residual bootstrap of it, seeded plan:<tenant id, or data:<content hash> for imported data>, curves refitted locally without that rule (the first two local rounds); then its window fits, then the phase-3 search's window fits; their roles kept`;

/**
 * What a refit is to the plan's check (uncertainty.ts trustStep): a bootstrap refit, a window
 * refit of the model planned with, or a window refit of the other estimator of the curves (the
 * phase-3 search's, beside the plan-curve model): all three enter the uplift's interval; the
 * first two also cap the plan's step by their own best steps.
 */
export type ReplicateRole = 'bootstrap' | 'window' | 'estimator';

/**
 * The phase-3 model refitted on `count` bootstrap replicates of the series, then (count > 0) on
 * all rows with each of its pooled search's parameters when the model keeps them (module
 * comment), then (count > 0) on all rows with each of `other`'s pooled search's parameters when
 * given (the phase-3 model whose curves a plan-curve `point` replaced); refits that fail are
 * skipped. `windows` counts the point's window refits; `roles` says what each model is.
 */
export function planReplicateModels(
  series: TenantSeries,
  point: FinalModel,
  count: number,
  seed = 0,
  /**
   * 'plan': `point` is a plan-curve model (curves.ts planCurveModel): each bootstrap replicate
   * refits its curves by the same profile fit, locally from the point's. 'search' (default): the
   * phase-3 pipeline as the explanation's intervals refit it.
   */
  curves: 'search' | 'plan' = 'search',
  other: FinalModel | null = null,
  /** Plan refits: fit the Ridge form whatever the inner split says, with this reason (the point is the Ridge form of a blend). */
  keepRidge?: string,
  /**
   * `point` is calibrated with lift tests (plan/calibrate.ts): every refit is recalibrated with
   * them (calibration.ts recalibrateReplicate), a bootstrap refit with the tests redrawn
   * (L* = the point's implied lift + SE z, from their own seeded draws), a window refit with the
   * tests as measured, as explain's intervals do (intervals.ts).
   */
  calibration: ReplicateCalibration | null = null,
): { models: FinalModel[]; failed: number; windows: number; roles: ReplicateRole[] } {
  const ridgeForm = keepRidge !== undefined ? { keepRidge } : {};
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
  const rng = new SeededRandom(seedFromString(`plan:${randomKeyOf(series)}`, seed));
  const models: FinalModel[] = [];
  const roles: ReplicateRole[] = [];
  let failed = 0;
  // Every replicate keeps the series' design (only the target is redrawn), so their searches
  // share the candidates' trials: same models, about half the time (docs/planner.md, Speed).
  const trialCache = new SearchTrialCache();
  const curveCache = new PlanCurveCache();
  // The tests' draws come from their own generator, so the bootstrap targets are those of the
  // uncalibrated refits (the same seed and tenant).
  const testRng = new SeededRandom(seedFromString(`plan-lift:${randomKeyOf(series)}`, seed));
  const recalibrated = (s: TenantSeries, m: FinalModel, tests: readonly LiftTest[]): FinalModel =>
    calibration
      ? recalibrateReplicate(s, point, m.channelParams!, tests, calibration.candidates, false)
      : m;
  for (let b = 0; b < count; b++) {
    checkCancelled();
    const target = world.draw(rng);
    const tests = calibration
      ? calibration.tests.map((t, i) => ({
          ...t,
          incremental_revenue: calibration.implied_lifts[i] + t.standard_error * testRng.normal(),
        }))
      : [];
    try {
      models.push(
        curves === 'plan'
          ? recalibrated(
              { ...series, target },
              refitPlanCurveModel({ ...series, target }, point, {
                cache: curveCache,
                ...ridgeForm,
              }),
              tests,
            )
          : refitReplicate({ ...series, target }, point, { trialCache }, null),
      );
      roles.push('bootstrap');
    } catch (e) {
      // A cancelled task stops here rather than counting every later refit as failed.
      rethrowCancelled(e);
      failed++;
    }
  }
  const windowsOf = (m: FinalModel | null, role: ReplicateRole): number => {
    let made = 0;
    if (count > 0 && m?.phase === 3) {
      for (const params of m.searchRuns ?? []) {
        try {
          models.push(
            calibration
              ? recalibrateReplicate(
                  series,
                  point,
                  params,
                  calibration.tests,
                  calibration.candidates,
                  false,
                )
              : fitFinalModel(series, 3, {
                  calendar: m.calendar,
                  channelParams: params,
                  ...PLAN_MODEL_FIT,
                  ...ridgeForm,
                }),
          );
          roles.push(role);
          made++;
        } catch (e) {
          rethrowCancelled(e);
          failed++;
        }
      }
    }
    return made;
  };
  const windows = windowsOf(point, 'window');
  windowsOf(other, 'estimator');
  return { models, failed, windows, roles };
}
