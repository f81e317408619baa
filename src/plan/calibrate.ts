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
import {
  LIFT_TESTS_RIDGE_FORM,
  calibrateFinalModel,
  usableLiftTests,
  type ModelLift,
} from '../phases/calibration.js';
import { ridgeForm, type FinalModel } from '../phases/final.js';
import {
  belowSpendLift,
  modelImpliedLift,
  modelLiftSpread,
  type IntervalOptions,
} from '../phases/intervals.js';
import { planReplicateModels, type ReplicateRole } from './replicates.js';

/** What a plan says of the lift tests it was calibrated with (PlanResult.lift_calibration). */
export interface PlanLiftCalibration {
  /** True when the plan model differs from the uncalibrated one (some test used). */
  applied: boolean;
  tests: PlanLiftTest[];
  /** One line per channel whose tests conflict with the data or the plan model's refits. */
  conflicts: string[];
  /**
   * One line per channel whose used tests the data cannot check (calibration.ts
   * CalibrationReport.below_spend). Absent: none, or a plan stored before it.
   */
  below_spend?: string[];
  /** Tests whose window or channel does not fit the data (not used). */
  skipped: string[];
  /** Channels without a used test: their curves are the uncalibrated plan model's. */
  held_channels: string[];
}

/**
 * Explain's verdict on each of the given tests (its calibration of the phase-3 model with the
 * model check's reference: app/plan-task.ts explainVerdicts): null where explain uses it, else
 * explain's conflict line for its channel.
 */
export type ExplainVerdicts = (tests: readonly LiftTest[]) => readonly (string | null)[];

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
  /**
   * True when the test is left out because explain leaves it out (its check of the phase-3
   * model: calibratedPlanModels `explainVerdicts`), whatever the plan model's own check says;
   * absent otherwise.
   */
  left_out_by_explain?: boolean;
}

export interface CalibratedPlanModels {
  point: FinalModel;
  models: FinalModel[];
  roles: ReplicateRole[];
  failed: number;
  calibration: PlanLiftCalibration | null;
}

/**
 * Explain's verdicts on lift tests (ExplainVerdicts), as explain gives them with these options
 * (its config's calendar, alphas, blend, seed, gap and pass threshold: compute.ts
 * explainWithIntervals): the phase-3 model calibrated with the tests and the model check's
 * reference, the uncalibrated model's own bootstrap interval for each window's lift
 * (modelLiftSpread, default replicates); a blend or GBM by its Ridge form, as explain calibrates
 * it (final.ts ridgeForm). Undefined for phases 0-2 and models without searched curves.
 */
export function explainVerdicts(
  series: TenantSeries,
  phase3: FinalModel,
  options: Pick<
    IntervalOptions,
    'calendar' | 'alphas' | 'blend' | 'seed' | 'gap' | 'passThreshold'
  > = {},
): ExplainVerdicts | undefined {
  const { calendar, alphas, blend, seed, gap, passThreshold } = options;
  const spreadOptions = { calendar, alphas, blend, seed, gap, passThreshold };
  if (phase3.phase !== 3 || !phase3.channelParams) return undefined;
  // A tree model's tests calibrate its Ridge form, as explain's do (compute.ts
  // explainWithIntervals), fitted at the first call: a plan without tests asks for none.
  let explained: FinalModel | null = null;
  return (tests) => {
    explained ??= ridgeForm(series, phase3, spreadOptions, LIFT_TESTS_RIDGE_FORM)!;
    const { report } = calibrateFinalModel(series, explained, tests, {
      modelLifts: modelLiftSpread(series, explained, spreadOptions),
    });
    return report.tests.map((t) =>
      t.used
        ? null
        : (report.conflicts.find((line) => line.startsWith(`${t.channel}:`)) ??
          `${t.channel}: not used by explain`),
    );
  };
}

/** A lift test's own fields (its id when stored), without what a calibration added. */
function testFields(t: LiftTest): LiftTest {
  return {
    channel: t.channel,
    start: t.start,
    end: t.end,
    spend_change: t.spend_change,
    incremental_revenue: t.incremental_revenue,
    standard_error: t.standard_error,
    ...(t.id !== undefined ? { id: t.id } : {}),
  };
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
  explainVerdicts?: ExplainVerdicts,
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
  // A test explain leaves out (in conflict with the data as the phase-3 model reads them, or out
  // of line with its channel's other tests) is not used by the plan either: the plan model's
  // refits share its errors, so its own check passed biased tests that explain's flags (a 2x
  // go-dark on extreme_ski_gear meta, 1.5x on extreme_heating google; docs/planner.md).
  const explained = explainVerdicts ? explainVerdicts(usable) : usable.map(() => null);
  // A verdict missing (no report row for the test) counts as used: the plan's own check judges it.
  const leftOut = (i: number): boolean => typeof explained[i] === 'string';
  const byExplain = usable.filter((_, i) => leftOut(i));
  const judged = usable.filter((_, i) => !leftOut(i));
  const explainLines = [
    ...new Set(explained.filter((x): x is string => typeof x === 'string')),
  ].map(
    (line) => `as explain judges it (the phase-3 model and its interval for the window): ${line}`,
  );
  const leftOutEntry = (t: LiftTest, calibrated: FinalModel): PlanLiftTest => ({
    ...testFields(t),
    uncalibrated_lift: modelImpliedLift(series, point, t),
    calibrated_lift: modelImpliedLift(series, calibrated, t),
    conflict: true,
    conflict_with: 'data',
    out_of_line_with: [],
    used: false,
    left_out_by_explain: true,
  });
  if (judged.length === 0) {
    return {
      point,
      ...plain,
      calibration: {
        applied: false,
        tests: byExplain.map((t) => leftOutEntry(t, point)),
        conflicts: explainLines,
        skipped,
        held_channels: [...series.channels],
      },
    };
  }
  // The model check's reference: the plan model's lift of each test and its spread over the
  // plan model's own refits (module comment); none without refits.
  const modelLifts =
    plain.models.length > 1
      ? (ts: readonly LiftTest[]): ModelLift[] =>
          ts.map((t) => {
            // The part below the channel's usual spend, as explain's reference (intervals.ts
            // modelLiftSpread): the refits share the curve's form there and do not show it.
            const below = belowSpendLift(series, point, t);
            return {
              lift: modelImpliedLift(series, point, t),
              sd: Math.hypot(sd(plain.models.map((m) => modelImpliedLift(series, m, t))), below),
              ...(below !== 0 ? { below } : {}),
            };
          })
      : undefined;
  const cal = calibrateFinalModel(series, point, judged, modelLifts ? { modelLifts } : {});
  const report = cal.report;
  const ownVerdicts: PlanLiftTest[] = report.tests.map((t) => ({
    ...testFields(t),
    uncalibrated_lift: t.uncalibrated_lift,
    calibrated_lift: t.calibrated_lift,
    conflict: t.conflict,
    conflict_with: t.conflict_with,
    out_of_line_with: t.out_of_line_with,
    used: t.used,
  }));
  // In the order the tests were given.
  const calibration: PlanLiftCalibration = {
    applied: report.applied,
    tests: usable.map((t, i) =>
      leftOut(i) ? leftOutEntry(t, cal.model) : ownVerdicts[judged.indexOf(t)],
    ),
    conflicts: [...explainLines, ...report.conflicts],
    ...(report.below_spend?.length ? { below_spend: report.below_spend } : {}),
    skipped,
    held_channels: report.applied ? report.held_channels : [...series.channels],
  };
  if (!cal.replicate) return { point, ...plain, calibration };
  const calibrated = refit(cal.model, cal.replicate);
  return { point: cal.model, ...calibrated, calibration };
}
