/**
 * Plans calibrated to a tenant's lift tests (docs/planner.md, "Plans calibrated to lift tests").
 *
 * The plan-curve model (curves.ts planCurveFit: the phase-3 design with the planner's own curve
 * fit) is calibrated as explain calibrates the phase-3 model (phases/calibration.ts
 * calibrateFinalModel): the tested channels' adstock/Hill shapes searched with the tests'
 * Gaussian term, the coefficients refitted as the posterior mode with the tests as observations,
 * the channels without a used test held at the plan model's fit, conflicting tests reported and
 * left out. The conflict's model check asks the plan model's own refits (its bootstrap refits and
 * window refits, uncalibrated, planReplicateModels): each test's measured lift against the plan
 * model's lift of the same window, with the standard deviation of that lift over the refits as
 * the model's spread (explain asks the phase-3 model's intervals). Without refits (an unchecked
 * plan) only the likelihood-ratio test decides.
 *
 * The refits the plan is checked against are then those of the calibrated model, recalibrated
 * (replicates.ts, `calibration`): bootstrap refits on the calibrated model's residual world with
 * the tests redrawn within their standard errors, window refits with the tests as measured. An
 * uncalibrated refit would disagree with the calibrated point on every tested channel by
 * construction, and the check would hold the plan back for that alone.
 *
 * Cost: the uncalibrated refits (for the model check), one calibration search, and the
 * calibrated refits (each a curve refit plus at most REPLICATE_CANDIDATES shapes per calibrated
 * channel); when no test is used the uncalibrated refits are the plan's.
 */
import type { LiftTest } from '../core/lift.js';
import type { TenantSeries } from '../core/types.js';
import { calibrateFinalModel, usableLiftTests, type ModelLift } from '../phases/calibration.js';
import type { FinalModel } from '../phases/final.js';
import { modelImpliedLift } from '../phases/intervals.js';
import { planReplicateModels, type ReplicateRole } from './replicates.js';

/** What a plan says of the lift tests it was calibrated with (PlanResult.lift_calibration). */
export interface PlanLiftCalibration {
  /** True when the plan model differs from the uncalibrated one (some test used). */
  applied: boolean;
  tests: PlanLiftTest[];
  /** One line per channel whose tests conflict with the data or the plan model's refits. */
  conflicts: string[];
  /** Tests whose window or channel does not fit the data (not used). */
  skipped: string[];
  /** Channels without a used test: their curves are the uncalibrated plan model's. */
  held_channels: string[];
}

export interface PlanLiftTest extends LiftTest {
  /** The uncalibrated plan model's lift of the test's window. */
  uncalibrated_lift: number;
  /** The calibrated plan model's. */
  calibrated_lift: number;
  conflict: boolean;
  /**
   * Why a test is left out (calibration.ts CalibratedTest): 'data', or 'tests' when it is out of
   * line with its channel's other tests (`out_of_line_with`), which are used; absent in plans
   * stored before session 53.
   */
  conflict_with?: 'data' | 'tests' | null;
  out_of_line_with?: string[];
  used: boolean;
}

export interface CalibratedPlanModels {
  point: FinalModel;
  models: FinalModel[];
  roles: ReplicateRole[];
  failed: number;
  calibration: PlanLiftCalibration | null;
}

/** Sample standard deviation (0 for fewer than 2 values). */
function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

/**
 * The plan model calibrated with `tests` and its refits (module comment); without tests the
 * uncalibrated point and its refits (planReplicateModels), exactly as before.
 */
export function calibratedPlanModels(
  series: TenantSeries,
  point: FinalModel,
  tests: readonly LiftTest[],
  count: number,
  seed: number,
  phase3: FinalModel,
  keepRidge?: string,
): CalibratedPlanModels {
  const refit = (p: FinalModel, cal: Parameters<typeof planReplicateModels>[7]) =>
    planReplicateModels(series, p, count, seed, 'plan', phase3, keepRidge, cal);
  const plain = refit(point, null);
  if (tests.length === 0) return { point, ...plain, calibration: null };
  // Tests recorded against other data may not fit this series (explain skips them too).
  const { usable, skipped } = usableLiftTests(series, tests);
  const uncalibratedOnly = (notes: string[] = []): CalibratedPlanModels => ({
    point,
    ...plain,
    calibration: {
      applied: false,
      tests: [],
      conflicts: notes,
      skipped,
      held_channels: [...series.channels],
    },
  });
  if (usable.length === 0) return uncalibratedOnly();
  // The model check's reference: the plan model's lift of each test and its spread over the
  // plan model's own refits (module comment); none without refits.
  const modelLifts =
    plain.models.length > 1
      ? (ts: readonly LiftTest[]): ModelLift[] =>
          ts.map((t) => ({
            lift: modelImpliedLift(series, point, t),
            sd: sd(plain.models.map((m) => modelImpliedLift(series, m, t))),
          }))
      : undefined;
  const cal = calibrateFinalModel(series, point, usable, modelLifts ? { modelLifts } : {});
  const report = cal.report;
  const calibration: PlanLiftCalibration = {
    applied: report.applied,
    tests: report.tests.map((t) => ({
      channel: t.channel,
      start: t.start,
      end: t.end,
      spend_change: t.spend_change,
      incremental_revenue: t.incremental_revenue,
      standard_error: t.standard_error,
      ...(t.id !== undefined ? { id: t.id } : {}),
      uncalibrated_lift: t.uncalibrated_lift,
      calibrated_lift: t.calibrated_lift,
      conflict: t.conflict,
      conflict_with: t.conflict_with,
      out_of_line_with: t.out_of_line_with,
      used: t.used,
    })),
    conflicts: report.conflicts,
    skipped,
    held_channels: report.applied ? report.held_channels : [...series.channels],
  };
  if (!cal.replicate) return { point, ...plain, calibration };
  const calibrated = refit(cal.model, cal.replicate);
  return { point: cal.model, ...calibrated, calibration };
}
