/**
 * The unit of work a pool worker does: resolve one tenant's data and train or explain it.
 * Runs in worker threads (src/app/worker.ts); `resolveTenant` also runs in-thread for the
 * app's describe and export use cases.
 */
import {
  generateFromSpec,
  generateShape,
  generateTenant,
  generatedSpec,
  type ShapeSpec,
} from '../core/data/index.js';
import { parseTenantCsv, type RoleOverrides } from '../core/csv.js';
import { contentHash } from '../store/hash.js';
import type { SyntheticTenant, TenantSeries } from '../core/types.js';
import type { LiftTest } from '../core/lift.js';
import { decomposeOverTime, type DecompositionOverTime } from '../phases/decompose.js';
import { explainCalibratedFit } from '../phases/explain.js';
import {
  completeCalibratedIntervals,
  addIntervals,
  orderedCaveats,
  modelLiftSpread,
} from '../phases/intervals.js';
import { withoutUnspentFigures } from '../phases/unspent.js';
import { PASS_THRESHOLD } from '../phases/result.js';
import { finalFromJSON, finalToJSON, type FinalModelJSON } from '../phases/final-json.js';
import { fitFinalModel, ridgeForm, withFitScales, type FinalModel } from '../phases/final.js';
import { LIFT_TESTS_RIDGE_FORM, ridgeFormCaveat } from '../phases/calibration.js';
import { trainPhase } from '../phases/index.js';
import type { FoldEvaluation } from '../phases/result.js';
import type { Explanation, PhaseId, TenantResult } from '../phases/types.js';
import {
  computePlan,
  computePlanRefits,
  type PlanRefits,
  type PlanRefitsTaskResult,
  type PlanTaskRequest,
  type PlanTaskResult,
} from './plan-task.js';
import type { PhaseConfig } from './types.js';

/** Where a tenant's data comes from; small enough to post to a worker. */
export type TenantSource =
  | { kind: 'builtin'; tenant: string }
  | { kind: 'generated'; tenant: string; seed: number; index: number; days: number; prefix: string }
  | { kind: 'shape'; tenant: string; seed: number; shape: ShapeSpec }
  /** Imported data: its canonical CSV and the roles that read it back (names kept as imported). */
  | { kind: 'csv'; tenant: string; csv: string; roles?: RoleOverrides };

export type ComputeTask =
  | { kind: 'train'; phase: PhaseId; config: PhaseConfig; source: TenantSource }
  | {
      kind: 'explain';
      phase: PhaseId;
      config: PhaseConfig;
      source: TenantSource;
      /** A stored all-rows model (finalToJSON): explain it without retraining. */
      model?: FinalModelJSON;
      /** Bootstrap replicates of the intervals (0 = none; default DEFAULT_REPLICATES). */
      replicates?: number;
      /** Cross-validate the phase for the caveats (default true; false when only the model is wanted). */
      validate?: boolean;
      /** The tenant's lift tests: phase 3 explanations are calibrated with them. */
      liftTests?: LiftTest[];
      /**
       * The uncalibrated explanation explain (or a report) kept for the same data, model and
       * replicates without lift tests: the channels a calibration holds take their intervals from
       * it, and the tested channels their information floor, instead of a bootstrap of the
       * uncalibrated model (completeCalibratedIntervals `kept`).
       */
      uncalibrated?: Explanation;
    }
  | {
      /** Everything a tenant report shows: CV with test predictions, explanation, decomposition. */
      kind: 'report';
      phase: PhaseId;
      config: PhaseConfig;
      source: TenantSource;
      model?: FinalModelJSON;
      /** CV result and predictions kept from an earlier report of the same data: no retraining. */
      cached?: { result: TenantResult; fit: FoldPredictions[] };
      /** The tenant's lift tests: a phase 3 report shows the calibrated model. */
      liftTests?: LiftTest[];
      /** Bootstrap replicates of the intervals (0 = none; default DEFAULT_REPLICATES). */
      replicates?: number;
      /**
       * An uncalibrated explanation of `model` kept beside the run (by explain or an earlier report)
       * for the same data, replicates and lift tests: shown as it is, without its bootstrap.
       */
      explanation?: Explanation;
      /** As the explain task's: the kept uncalibrated explanation for the held channels. */
      uncalibrated?: Explanation;
    }
  | {
      kind: 'plan';
      source: TenantSource;
      /** The stored phase-3 all-rows model. */
      model: FinalModelJSON;
      request: PlanTaskRequest;
      /** The model's bootstrap refits kept in the store (same count and seed), or null. */
      refits?: PlanRefits | null;
    }
  | {
      /** The plan model and its refits alone (computePlanRefits), kept before the plan is made. */
      kind: 'plan-refits';
      source: TenantSource;
      model: FinalModelJSON;
      request: PlanTaskRequest;
    };

/** Out-of-sample predictions of one outer fold, for the report. */
export interface FoldPredictions {
  fold: number;
  dates: string[];
  actual: number[];
  predicted: number[];
  expected: number[] | null;
}

export type ComputeResult =
  | { kind: 'train'; result: TenantResult }
  | {
      kind: 'explain';
      explanation: Explanation;
      model: FinalModelJSON;
      /**
       * The uncalibrated explanation computed for the held channels' intervals, completed as
       * explain completes one without lift tests (the same figures, intervals, validation and
       * caveats), for the app to keep; absent when none was computed.
       */
      uncalibrated?: Explanation;
    }
  | {
      kind: 'report';
      result: TenantResult;
      fit: FoldPredictions[];
      explanation: Explanation;
      decomposition: DecompositionOverTime;
      model: FinalModelJSON;
      /** True adstock decay per channel (synthetic tenants). */
      truthDecay: Record<string, number> | null;
      /** As explain's: the uncalibrated explanation computed for the held channels, completed. */
      uncalibrated?: Explanation;
    }
  | { kind: 'plan'; result: PlanTaskResult }
  | { kind: 'plan-refits'; result: PlanRefitsTaskResult };

/**
 * Explains a tenant's all-rows model with intervals and caveats: the model (stored or fitted),
 * its decomposition, the bootstrap intervals (src/phases/intervals.ts), and the phase's
 * cross-validated fold R² under the same config, so that the caveats can say whether the model
 * passes (the explanation is judged by the same CV as a run, never by its in-sample fit).
 */
function explainTask(
  task: Extract<ComputeTask, { kind: 'explain' }>,
  series: TenantSeries,
  synthetic: SyntheticTenant | null,
): ComputeResult {
  const config = task.config;
  const model = task.model
    ? withFitScales(finalFromJSON(task.model), series)
    : fitFinalModel(series, task.phase, {
        calendar: config.calendar,
        alphas: config.alphas,
        blend: config.blend,
        seed: config.seed,
        gap: config.gap,
        passThreshold: config.passThreshold,
      });
  const { explanation, uncalibrated } = explainWithIntervals(series, model, synthetic, config, {
    liftTests: task.liftTests,
    replicates: task.replicates,
    uncalibrated: task.uncalibrated,
  });
  if (task.validate !== false) {
    const cv = trainPhase(series, task.phase, config, null);
    explanation.validation = validationOf(cv, config.passThreshold);
    // The same CV validates the uncalibrated explanation, as a plain explain's.
    if (uncalibrated) uncalibrated.validation = structuredClone(explanation.validation);
  }
  explanation.caveats = orderedCaveats(explanation, explanation.validation);
  if (uncalibrated) uncalibrated.caveats = orderedCaveats(uncalibrated, uncalibrated.validation);
  return {
    kind: 'explain',
    explanation,
    model: task.model ?? finalToJSON(model),
    ...(uncalibrated && task.validate !== false ? { uncalibrated } : {}),
  };
}

/**
 * What the caveats judge an explanation by: the phase's CV result, and where its folds forecast
 * with another model than the one explained (weekly phase 3's mix, daily folds hedged or fallen
 * back), that model's own fold R².
 */
function validationOf(
  cv: TenantResult,
  passThreshold: number | undefined,
): NonNullable<Explanation['validation']> {
  return {
    mean_r2: cv.mean_r2,
    se_r2: cv.se_r2,
    pass_threshold: passThreshold ?? PASS_THRESHOLD,
    ...(cv.explained_model
      ? {
          explained_model_r2: cv.explained_model.mean_r2,
          explained_model_fold_models: cv.explained_model.fold_models,
          ...(cv.explained_model.forecast_with !== undefined
            ? { explained_model_forecast_with: cv.explained_model.forecast_with }
            : {}),
        }
      : {}),
  };
}

/**
 * The explanation of a model with its intervals: calibrated with the tenant's lift tests when
 * there are any (phase 3; explainCalibratedFit), and the intervals are those of the model the
 * figures describe (a calibrated model's bootstrap redraws the tests too: intervals.ts).
 * Returns the model the figures describe, for the decomposition of a report, and the
 * uncalibrated explanation with intervals when one was computed for the held channels (as a
 * plain explain computes it, its unspent figures taken out; validation and caveats are the
 * caller's), null otherwise (none held, or `extra.uncalibrated`, a kept one, served).
 */
function explainWithIntervals(
  series: TenantSeries,
  model: FinalModel,
  synthetic: SyntheticTenant | null,
  config: PhaseConfig,
  extra: { liftTests?: LiftTest[]; replicates?: number; uncalibrated?: Explanation },
): { explanation: Explanation; model: FinalModel; uncalibrated: Explanation | null } {
  const fitOptions = {
    calendar: config.calendar,
    alphas: config.alphas,
    blend: config.blend,
    seed: config.seed,
    gap: config.gap,
    passThreshold: config.passThreshold,
  };
  const intervalOptions = { ...fitOptions, replicates: extra.replicates };
  // A tree model (GBM, blend) is piecewise constant in spend, so lift tests calibrate the same
  // design fitted as Ridge, and the explanation is of that model (ridgeFormCaveat).
  const tests = extra.liftTests ?? [];
  const form =
    tests.length > 0 && model.kind !== 'ridge'
      ? ridgeForm(series, model, fitOptions, LIFT_TESTS_RIDGE_FORM)
      : null;
  const explained = form ?? model;
  // A lift test is also checked against the uncalibrated model's own interval for its window's
  // lift (calibration.ts, model check), bootstrapped as the explanation's intervals are (with the
  // default replicate count when the explanation asks for no intervals).
  const fit = explainCalibratedFit(series, explained, synthetic, tests, {
    modelLifts: modelLiftSpread(series, explained, {
      ...intervalOptions,
      replicates: extra.replicates || undefined,
    }),
  });
  if (form) fit.explanation.caveats.unshift(ridgeFormCaveat(model.kind));
  addIntervals(fit.explanation, series, fit.model, {
    ...intervalOptions,
    calibration: fit.replicate,
  });
  // Channels held at the uncalibrated fit keep its intervals too, as they keep its figures, and
  // the tested channels' intervals are kept as wide as the data and the tests support together:
  // from the uncalibrated explanation kept by an explain without tests, else computed here.
  const uncalibrated = completeCalibratedIntervals(
    fit.explanation,
    series,
    explained,
    synthetic,
    intervalOptions,
    extra.uncalibrated ?? null,
  );
  // As a plain explain takes them out of its explanation (explainTask completes the rest).
  if (uncalibrated) withoutUnspentFigures(uncalibrated);
  // Figures of spend that did not happen (a state or a whole channel without spend) are null,
  // after the intervals so that no other figure moves.
  withoutUnspentFigures(fit.explanation);
  if (fit.replicate && fit.explanation.uncertainty) {
    fit.explanation.notes.push(
      'the intervals are those of the calibrated model (bootstrap refits with the lift tests redrawn within their standard errors); uncalibrated_roas is the point ROAS before calibration',
    );
    const kept = fit.explanation.uncertainty.uncalibrated_intervals?.channels ?? [];
    if (kept.length > 0)
      fit.explanation.notes.push(
        `the channels without a used lift test (${kept.join(', ')}) keep the uncalibrated model's intervals as they keep its figures (uncertainty.uncalibrated_intervals)`,
      );
    const floored = (fit.explanation.uncertainty.information_floor?.channels ?? []).filter(
      (c) => c.widened > 0,
    );
    if (floored.length > 0)
      fit.explanation.notes.push(
        `the intervals of ${floored.map((c) => c.channel).join(', ')} were widened to the narrowest the data and the lift tests support together (uncertainty.information_floor)`,
      );
  }
  return { explanation: fit.explanation, model: fit.model, uncalibrated };
}

const cache = new Map<string, { series: TenantSeries; synthetic: SyntheticTenant | null }>();

/** Resolves a tenant's series (and ground truth for synthetic tenants), cached per thread. */
export function resolveTenant(source: TenantSource): {
  series: TenantSeries;
  synthetic: SyntheticTenant | null;
} {
  // The whole spec is the key: a generated tenant regenerated with other days (by another
  // process on the same state directory) must not be served from the old entry.
  const key = source.kind === 'csv' ? null : JSON.stringify(source);
  if (key !== null) {
    const hit = cache.get(key);
    if (hit) return hit;
  }
  let value: { series: TenantSeries; synthetic: SyntheticTenant | null };
  if (source.kind === 'builtin') {
    const t = generateTenant(source.tenant);
    value = { series: t.series, synthetic: t };
  } else if (source.kind === 'generated') {
    const spec = generatedSpec(source.index, source.seed, source.prefix);
    const t = generateFromSpec(spec, 'generated', { seed: source.seed, days: source.days });
    value = { series: t.series, synthetic: t };
  } else if (source.kind === 'shape') {
    const t = generateShape(source.shape, { seed: source.seed });
    value = { series: t.series, synthetic: t };
  } else {
    // Seeded by its content, not its id: the same file imported under another id draws the same
    // bootstrap replicates (a probe: one CSV under six ids gave one plan step of 90% beside five
    // of 85%, and a 95% ROAS interval ended at 1.87 under one id and 4.74 under another).
    const series = parseTenantCsv(source.csv, {
      tenant: source.tenant,
      roles: source.roles,
    }).series;
    value = { series: { ...series, seedKey: `data:${contentHash(source.csv)}` }, synthetic: null };
  }
  if (key !== null) {
    // Bounded: a worker sees many generated tenants in a large run; keep only recent ones.
    if (cache.size >= 64) cache.delete(cache.keys().next().value as string);
    cache.set(key, value);
  }
  return value;
}

export function compute(task: ComputeTask): ComputeResult {
  const { series, synthetic } = resolveTenant(task.source);
  if (task.kind === 'train') {
    return { kind: 'train', result: trainPhase(series, task.phase, task.config, synthetic) };
  }
  if (task.kind === 'report') return reportData(task, series, synthetic);
  if (task.kind === 'plan') {
    return {
      kind: 'plan',
      result: computePlan(
        task.source,
        series,
        synthetic,
        task.model,
        task.request,
        task.refits ?? null,
      ),
    };
  }
  if (task.kind === 'plan-refits') {
    return { kind: 'plan-refits', result: computePlanRefits(series, task.model, task.request) };
  }
  return explainTask(task, series, synthetic);
}

function reportData(
  task: Extract<ComputeTask, { kind: 'report' }>,
  series: TenantSeries,
  synthetic: SyntheticTenant | null,
): Extract<ComputeResult, { kind: 'report' }> {
  const { result, fit } = task.cached ?? crossValidated(task, series, synthetic);
  const model: FinalModel = task.model
    ? withFitScales(finalFromJSON(task.model), series)
    : fitFinalModel(series, task.phase, {
        calendar: task.config.calendar,
        alphas: task.config.alphas,
        blend: task.config.blend,
        seed: task.config.seed,
        gap: task.config.gap,
        passThreshold: task.config.passThreshold,
      });
  const truthDecay = synthetic
    ? Object.fromEntries(synthetic.truth.channels.map((c) => [c.channel, c.decay]))
    : null;
  // A kept explanation is explain's for the same data, model, replicates and tests: its validation
  // is the same CV's and its caveats are ordered by it (explainTask).
  const shown = task.explanation
    ? { explanation: task.explanation, model, uncalibrated: null }
    : explainWithIntervals(series, model, synthetic, task.config, {
        liftTests: task.liftTests,
        replicates: task.replicates,
        uncalibrated: task.uncalibrated,
      });
  const explanation = shown.explanation;
  const uncalibrated = shown.uncalibrated;
  if (!task.explanation) {
    // The report's own CV result is the validation (the same CV as a run).
    explanation.validation = validationOf(result, task.config.passThreshold);
    explanation.caveats = orderedCaveats(explanation, explanation.validation);
    if (uncalibrated) {
      uncalibrated.validation = structuredClone(explanation.validation);
      uncalibrated.caveats = orderedCaveats(uncalibrated, uncalibrated.validation);
    }
  }
  return {
    kind: 'report',
    result,
    fit,
    explanation,
    decomposition: decomposeOverTime(series, shown.model, synthetic),
    model: task.model ?? finalToJSON(model),
    truthDecay,
    ...(uncalibrated ? { uncalibrated } : {}),
  };
}

/** The phase's CV result with each outer fold's test predictions (and the truth, when known). */
function crossValidated(
  task: Extract<ComputeTask, { kind: 'report' }>,
  series: TenantSeries,
  synthetic: SyntheticTenant | null,
): { result: TenantResult; fit: FoldPredictions[] } {
  let evaluations: readonly FoldEvaluation[] = [];
  const result = trainPhase(series, task.phase, task.config, synthetic, {
    onEvaluations: (e) => (evaluations = e),
  });
  const expected = synthetic ? synthetic.truth.expected : null;
  const fit = evaluations.map((e) => {
    const { testStart, testEnd } = e.fold;
    return {
      fold: e.fold.index,
      dates: series.dates.slice(testStart, testEnd),
      actual: Array.from(series.target.subarray(testStart, testEnd)),
      predicted: Array.from(e.predicted),
      expected: expected ? Array.from(expected.subarray(testStart, testEnd)) : null,
    };
  });
  return { result, fit };
}
