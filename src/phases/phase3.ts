/**
 * Phase 3: adstock + Hill saturation per channel under expanding-window time-series CV.
 * Per outer fold: search every channel's (decay, k_mult, s) jointly on the training rows
 * (search.ts), build the phase-3 design with those parameters (k from the training rows), then
 * choose and fit Ridge / GBM / blend by the phase-2 rule (choose.ts) on the training rows, and
 * predict the outer test block. No row at or after a fold's trainEnd influences its model.
 */
import { timeSeriesFolds } from '../core/folds.js';
import type { TenantSeries } from '../core/types.js';
import { chooseAndFit, resolveChooseOptions, type ChosenModel } from './choose.js';
import { buildMediaDesign } from './media.js';
import {
  evaluateChosenFold,
  summarizeKinds,
  topFeaturesByGain,
  type Phase2Options,
} from './phase2.js';
import {
  assembleTenantResult,
  checkCommonOptions,
  PASS_THRESHOLD,
  type FoldEvaluation,
} from './result.js';
import { searchMediaParams, type MediaSearchOptions, type MediaSearchResult } from './search.js';
import type { TenantResult } from './types.js';

/** Phase 2's options (the final model of each fold follows the phase 2 rule), plus the search's. */
export interface Phase3Options extends Phase2Options {
  /** Search settings (sweeps, refinement rounds, search alpha); weather/calendar/gap come from above. */
  search?: Pick<MediaSearchOptions, 'sweeps' | 'refineRounds' | 'alpha' | 'innerFolds'>;
}

/** One outer fold of phase 3: the search, the chosen model and its evaluation. */
export interface Phase3Fold {
  search: MediaSearchResult;
  chosen: ChosenModel;
  evaluation: FoldEvaluation;
  /** Milliseconds spent in the search and in the final model of this fold. */
  searchMs: number;
  modelMs: number;
}

function defaultClock(): number {
  return performance.now();
}

/** Fits and evaluates every outer fold of phase 3. */
export function fitPhase3Folds(
  series: TenantSeries,
  options: Phase3Options = {},
): { names: string[]; folds: Phase3Fold[] } {
  const y = series.target;
  if (series.dates.length !== y.length) {
    throw new RangeError(`series has ${series.dates.length} dates but ${y.length} target values`);
  }
  const clock = options.clock ?? defaultClock;
  const gap = options.gap ?? 0;
  const calendar = options.calendar ?? true;
  const chooseOptions = {
    alphas: options.alphas,
    blend: options.blend,
    passBar: options.passThreshold ?? PASS_THRESHOLD,
    gbm: options.gbm,
    seed: options.seed,
    gap,
  };
  resolveChooseOptions(chooseOptions); // fail fast on bad options, before any search
  const folds = timeSeriesFolds(y.length, options.folds ?? 5, gap);
  let names: string[] = [];
  const out = folds.map((fold): Phase3Fold => {
    const t0 = clock();
    const search = searchMediaParams(series, fold.trainEnd, { ...options.search, calendar, gap });
    const t1 = clock();
    const design = buildMediaDesign(series, search.params, { calendar });
    names = design.names;
    const chosen = chooseAndFit(design.columns, y, fold.trainEnd, {
      ...chooseOptions,
      featureNames: design.names,
    });
    const evaluation: FoldEvaluation = {
      ...evaluateChosenFold(series, design.columns, fold, chosen),
      channelParams: search.params,
    };
    return { search, chosen, evaluation, searchMs: t1 - t0, modelMs: clock() - t1 };
  });
  return { names, folds: out };
}

/** Runs phase 3 on one tenant: the TenantResult and the per-fold details (search, timings). */
export function runPhase3(
  series: TenantSeries,
  options: Phase3Options = {},
): { result: TenantResult; folds: Phase3Fold[] } {
  const clock = options.clock ?? defaultClock;
  const started = clock();
  const threshold = checkCommonOptions(series, options);
  const { names, folds } = fitPhase3Folds(series, options);
  const result = assembleTenantResult({
    series,
    phase: 3,
    modelKind: summarizeKinds(folds.map((f) => f.chosen.kind)),
    featureNames: names,
    evaluations: folds.map((f) => f.evaluation),
    oracleExpected: options.oracle?.expected,
    onEvaluations: options.onEvaluations,
    passThreshold: threshold,
    seconds: (clock() - started) / 1000,
    topFeatures: topFeaturesByGain(
      folds.map((f) => f.chosen),
      names,
    ),
  });
  return { result, folds };
}

/** Runs phase 3 on one tenant and assembles its TenantResult. */
export function trainPhase3(series: TenantSeries, options: Phase3Options = {}): TenantResult {
  return runPhase3(series, options).result;
}
