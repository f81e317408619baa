/**
 * The planning work a pool worker does (compute.ts): read the outlook (scenario or forecast),
 * put the stored all-rows model behind the planner's interface and make the plan, with the ground
 * truth of synthetic tenants for regret. Input errors come back as data, not exceptions, so their
 * messages survive the trip from the worker thread.
 */
import { builtinSpec } from '../core/data/catalog.js';
import { generatedSpec, type DriverMix } from '../core/data/index.js';
import { DataError } from '../core/csv.js';
import { parseForecastCsv } from '../core/csv/forecast.js';
import type { LiftTest } from '../core/lift.js';
import type { SyntheticTenant, TenantSeries } from '../core/types.js';
import { finalFromJSON, finalToJSON, predictFinal, type FinalModelJSON } from '../phases/final.js';
import {
  compareOutlooks,
  futureDates,
  makePlan,
  PlanInputError,
  PLAN_WORDS,
  calibratedPlanModels,
  planCurveFit,
  horizonLevelError,
  MIN_PLAN_REPLICATES,
  planKeepRidge,
  plannableRefits,
  planPointOf,
  revenueModelOf,
  scenarioOutlook,
  type AfterHorizon,
  type ChannelBound,
  type GivenPlan,
  type Outlook,
  type OutlookComparison,
  type PlanContext,
  type PlanLiftCalibration,
  type PlanObjective,
  type PlanResult,
  type PlanWords,
  type ReplicateRole,
  type ScenarioName,
} from '../plan/index.js';
import { explainVerdicts } from '../plan/calibrate.js';
import { normalizeConfig } from './config.js';
import { isModelMismatch } from './model-mismatch.js';
import type { TenantSource } from './compute.js';

export type OutlookSpec =
  { scenario: ScenarioName } | { forecast: { csv: string; fileName: string } };

export interface PlanTaskRequest {
  /**
   * Why the phase-3 model fails its pass bar (app/plan.ts), when it does: a checked plan stays at
   * baseline (a) (plan.ts PlanContext.failsBar). Absent: it passes, or no run judged it.
   */
  failsBar?: string | null;
  horizon: number;
  budget?: number;
  bounds: ChannelBound[];
  objective: PlanObjective;
  outlook: OutlookSpec;
  /** A second outlook to compare with (same budget, horizon and bounds). */
  compare?: OutlookSpec;
  /** Bootstrap refits of the model the plan is checked against (0 = none). */
  replicates: number;
  /** A spend plan to score beside the plan (baseline (c)), parsed and checked by the app. */
  given?: GivenPlan;
  /** Also plan other budgets (PlanRequest.budgetCurve). */
  budgetCurve?: boolean;
  /** What is spent after the horizon (PlanRequest.afterHorizon; default 'stop'). */
  afterHorizon?: AfterHorizon;
  /**
   * The tenant's lift tests: the plan model is calibrated with them (plan/calibrate.ts); absent
   * or empty: the uncalibrated plan model.
   */
  liftTests?: LiftTest[];
}

/**
 * The model a plan is made with (planCurveModel: the phase-3 model with the planner's own curve
 * fit) and its refits (planReplicateModels), as kept in the store beside the phase-3 model.
 */
export interface PlanRefits {
  count: number;
  seed: number;
  failed: number;
  /**
   * What each of `models` is (planReplicateModels); absent in refits stored before the trust
   * region told them apart (PLAN_REFIT_METHOD v3, not reused).
   */
  roles?: ReplicateRole[];
  /** The plan-curve model (absent in refits stored before it existed: those are not reused). */
  point?: FinalModelJSON;
  /** Why the curve fit `point` is in doubt (curves.ts planCurveDoubt), or null. */
  curveDoubt?: string | null;
  /** The lift tests the point and the refits were calibrated with (null or absent: none given). */
  calibration?: PlanLiftCalibration | null;
  models: FinalModelJSON[];
}

/**
 * The plan model and its refits, made as a step of their own (app/plan.ts keeps them before the
 * plan is made, so a first checked plan cancelled after this step, by a client's timeout say,
 * does not make them again when asked again).
 */
export type PlanRefitsTaskResult = { ok: true; refits: PlanRefits } | { ok: false; error: string };

export type PlanTaskResult =
  | {
      ok: true;
      plan: PlanResult;
      comparison: { plan: PlanResult; comparison: OutlookComparison } | null;
    }
  | { ok: false; error: string };

/** Seed of the planner's bootstrap draws (planReplicateModels). */
export const PLAN_REFIT_SEED = 0;

/**
 * The plan-curve model and the refits a plan is checked against: the stored ones when given
 * (same model, count and seed), else made now (the app makes and keeps them first, as a task of
 * their own: computePlanRefits). Fresh ones go through their JSON form too, so a plan made with
 * stored refits is byte-identical to one made with fresh ones.
 */
function refitsFor(
  series: TenantSeries,
  phase3: ReturnType<typeof finalFromJSON>,
  count: number,
  stored: PlanRefits | null,
  liftTests: readonly LiftTest[],
): PlanRefits & { point: FinalModelJSON } {
  // The app keys stored refits by the lift tests too (app/plan.ts refitKey).
  if (stored?.point && stored.count === count && stored.seed === PLAN_REFIT_SEED) {
    return { ...stored, point: stored.point };
  }
  // A blend or GBM is planned with its Ridge form (plan/ridge-form.ts); its window searches too.
  const keepRidge = planKeepRidge(phase3);
  const fit = planCurveFit(series, planPointOf(series, phase3), { keepRidge });
  // With lift tests: the plan model calibrated with them and its refits recalibrated
  // (plan/calibrate.ts); without: the plan model and its refits (planReplicateModels).
  const out = calibratedPlanModels(
    series,
    fit.model,
    liftTests,
    count,
    PLAN_REFIT_SEED,
    phase3,
    keepRidge,
    // As an explain with the default config judges the tests (compute.ts explainWithIntervals).
    explainVerdicts(series, phase3, normalizeConfig({})),
  );
  return {
    count,
    seed: PLAN_REFIT_SEED,
    failed: out.failed,
    roles: out.roles,
    point: finalToJSON(out.point),
    curveDoubt: fit.doubt,
    ...(out.calibration ? { calibration: out.calibration } : {}),
    models: out.models.map(finalToJSON),
  };
}

/**
 * The outlook of a request for the model's weather columns: a scenario from the data, or the
 * forecast parsed and checked (starts the period after the data, has every column the model
 * uses, one row per period of the horizon at least). Cheap: the app runs it before any fit.
 */
export function outlookOf(
  spec: OutlookSpec,
  series: TenantSeries,
  weather: readonly string[],
  horizon: number,
  words: PlanWords = PLAN_WORDS,
  controls: readonly string[] = [],
): Outlook {
  if ('scenario' in spec) return scenarioOutlook(series, spec.scenario, weather, horizon, words);
  if (weather.length === 0 && controls.length === 0) {
    // A forecast's columns would change nothing: say so rather than ask for a header of "date,".
    throw new PlanInputError(
      `${words.forecast} was given, but this tenant's model uses no weather columns (none were imported as weather), so a forecast has nothing to change: plan without it (${words.typicalScenario} is then the outlook)`,
    );
  }
  const f = parseForecastCsv(spec.forecast.csv, {
    fileName: spec.forecast.fileName,
    required: weather,
    controls,
    firstDate: futureDates(series, 1)[0],
    stepDays: series.frequency === 'weekly' ? 7 : 1,
    minRows: horizon,
  });
  return {
    source: `forecast:${spec.forecast.fileName}`,
    dates: f.dates,
    weatherNames: f.weatherNames,
    weather: f.weather,
    forecastRows: f.dates.length,
    ignored: f.ignored,
    ...(f.readAs.length > 0 ? { readAs: f.readAs } : {}),
    ...(f.controlNames.length > 0 ? { controlNames: f.controlNames, controls: f.controls } : {}),
    ...(f.categories.length > 0 ? { controlCategories: f.categories } : {}),
  };
}

/**
 * The compared outlook with the plan's planned controls when it has none of its own: the outlooks
 * compare weather, and next month's promotions are the same under either (a `--compare hot` of a
 * forecast with promotion days held them at their means, so the comparison mixed the two).
 */
function withPlannedControls(other: Outlook, main: Outlook): Outlook {
  if (other.controlNames || !main.controlNames || !main.controls) return other;
  return { ...other, controlNames: main.controlNames, controls: main.controls };
}

/** The generator's weather mix of a synthetic tenant (null for imported data). */
function mixOf(source: TenantSource): DriverMix | null {
  if (source.kind === 'builtin') return builtinSpec(source.tenant).mix;
  if (source.kind === 'generated')
    return generatedSpec(source.index, source.seed, source.prefix).mix;
  return null;
}

/**
 * The plan-curve model and `req.replicates` refits of it (calibrated to `req.liftTests`), as
 * computePlan makes them when none are given: a plan given these is byte-identical to the plan
 * that makes them itself.
 */
export function computePlanRefits(
  series: TenantSeries,
  modelJson: FinalModelJSON,
  req: PlanTaskRequest,
): PlanRefitsTaskResult {
  try {
    const phase3 = usablePhase3(modelJson);
    return {
      ok: true,
      refits: refitsFor(series, phase3, req.replicates, null, req.liftTests ?? []),
    };
  } catch (e) {
    return { ok: false, error: taskErrorMessage(e) };
  }
}

/** The stored phase-3 model, refused before any refit when the planner cannot use it. */
function usablePhase3(modelJson: FinalModelJSON): ReturnType<typeof finalFromJSON> {
  const phase3 = finalFromJSON(modelJson);
  // A Ridge the planner cannot use is refused before any refit (a blend or GBM is planned
  // with its Ridge form, which always can be).
  if (phase3.kind === 'ridge') revenueModelOf(phase3);
  return phase3;
}

/** An input error's message, to return as data (it survives the trip from the worker thread). */
function taskErrorMessage(e: unknown): string {
  // A stored model that no longer fits the tenant's data is no input problem of the plan:
  // thrown, it reaches the caller as a conflict (errors.ts knownAppError), not as "fix the
  // argument".
  if (e instanceof RangeError && isModelMismatch(e.message)) throw e;
  if (e instanceof PlanInputError || e instanceof DataError || e instanceof RangeError) {
    return e.message;
  }
  throw e;
}

export function computePlan(
  source: TenantSource,
  series: TenantSeries,
  synthetic: SyntheticTenant | null,
  modelJson: FinalModelJSON,
  req: PlanTaskRequest,
  storedRefits: PlanRefits | null = null,
): PlanTaskResult {
  try {
    const phase3 = usablePhase3(modelJson);
    const mix = mixOf(source);
    const truth = synthetic && mix ? { tenant: synthetic, mix } : null;
    const refits = refitsFor(series, phase3, req.replicates, storedRefits, req.liftTests ?? []);
    const liftCalibration = refits.calibration ?? null;
    const point = finalFromJSON(refits.point);
    const model = revenueModelOf(point);
    // Models the planner cannot use (a GBM or blend refit) are left out, with their roles.
    const { replicates, replicateRoles } = plannableRefits(
      refits.models.map(finalFromJSON),
      refits.roles ?? [],
    );
    // The phase-3 model explain reports, beside the plan's own curve fit (plan/attribution.ts).
    const explained = (s: TenantSeries): Float64Array => predictFinal(phase3, s);
    const given = req.given ?? null;
    const outlook = outlookOf(
      req.outlook,
      series,
      model.weather,
      req.horizon,
      PLAN_WORDS,
      model.controls,
    );
    // The plan model's out-of-sample level error over the horizon (plan/level-error.ts), for the
    // expected revenue's interval: measured only for a checked plan (one with intervals).
    const levelError =
      replicates.length >= MIN_PLAN_REPLICATES
        ? horizonLevelError(series, point, req.horizon, planKeepRidge(phase3))
        : undefined;
    // One context for the plan and the compared one: the compared plan is checked as the plan
    // is (a --compare hot plan of a model whose curves are in doubt moved 80% of the way to its
    // optimum while the same outlook planned alone stayed at baseline (a)).
    const contextFor = (o: Outlook): PlanContext => ({
      series,
      model,
      outlook: o,
      truth,
      replicates,
      replicateRoles,
      explained,
      // explain calibrates the phase-3 model with the same tests; `explained` is the model before.
      explainedUncalibrated: (liftCalibration?.tests.length ?? 0) > 0,
      curveDoubt: refits.curveDoubt ?? null,
      failsBar: req.failsBar ?? null,
      given,
      ...(levelError !== undefined ? { levelError } : {}),
    });
    const one = (budget?: number): PlanResult =>
      makePlan(contextFor(outlook), {
        horizon: req.horizon,
        budget,
        bounds: req.bounds,
        objective: req.objective,
        budgetCurve: req.budgetCurve,
        afterHorizon: req.afterHorizon,
      });
    const withCalibration = (p: PlanResult): PlanResult =>
      liftCalibration ? { ...p, lift_calibration: liftCalibration } : p;
    const plan = withCalibration(one(req.budget));
    let comparison = null;
    if (req.compare) {
      // Same budget as the first plan (a target objective picks it there), revenue objective.
      const other = makePlan(
        contextFor(
          withPlannedControls(
            outlookOf(req.compare, series, model.weather, req.horizon, PLAN_WORDS, model.controls),
            outlook,
          ),
        ),
        {
          horizon: req.horizon,
          budget: plan.budget,
          bounds: req.bounds,
          afterHorizon: req.afterHorizon,
        },
      );
      comparison = { plan: withCalibration(other), comparison: compareOutlooks(plan, other) };
    }
    return { ok: true, plan, comparison };
  } catch (e) {
    return { ok: false, error: taskErrorMessage(e) };
  }
}
