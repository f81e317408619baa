/**
 * Phase 2: the plan's Ridge -> GBM -> blend fallback on the phase-1 design (spend, weather,
 * spend x weather, weather squared, controls, calendar), under expanding-window time-series CV.
 * Per outer fold, chooseAndFit (choose.ts) picks the model on the last 15% of the training rows
 * and refits it on the whole training fold; the outer test fold is only predicted.
 */
import { baselineForecasts } from '../core/baselines.js';
import { type Fold } from '../core/folds.js';
import { protocolForSeries } from '../core/protocol.js';
import { featureImportance, type GbmOptions } from '../core/gbm/index.js';
import { r2 } from '../core/metrics.js';
import type { TenantSeries } from '../core/types.js';
import { predictChosen, resolveChooseOptions, type ChosenModel } from './choose.js';
import {
  assembleTenantResult,
  checkCommonOptions,
  PASS_THRESHOLD,
  type FoldEvaluation,
} from './result.js';
import { evaluateFoldFit, PhaseLadder, type LadderOptions } from './ladder.js';
import type { ModelKind, ProtocolRecord, TenantResult } from './types.js';

/** Number of features listed in top_features. */
export const TOP_FEATURES = 10;

export interface Phase2Options {
  /** Outer time-series folds (default 5). */
  folds?: number;
  /** Rows dropped between training and test blocks, outer and inner (default 0). */
  gap?: number;
  /** Calendar controls: day-of-week dummies, yearly Fourier(2), trend (default true). */
  calendar?: boolean;
  /** Ridge alpha grid (default 0.01, 0.1, 1, 10, 100). */
  alphas?: number[];
  /** 'rule' (default) or 'tuned' Ridge/GBM weight (choose.ts). */
  blend?: 'rule' | 'tuned';
  /** Seed of the GBM sampling (default 0). */
  seed?: number;
  /** Noise-free expected target per row (synthetic tenants): adds oracle R² and the gap to it. */
  oracle?: { expected: Float64Array };
  /** Pass bar on mean fold R² (default 0.5). Also the inner-validation bar of the model rule. */
  passThreshold?: number;
  /** Milliseconds clock for `seconds` (default performance.now). */
  clock?: () => number;
  /** GBM hyper-parameters over GBM_DEFAULTS. */
  gbm?: Partial<GbmOptions>;
  /**
   * Called with every outer fold's evaluation (test-row predictions included) before the result
   * is assembled: how a report gets the out-of-sample predictions without storing them in runs.
   */
  onEvaluations?: (evaluations: readonly FoldEvaluation[]) => void;
  /** Protocol: rows per test block (default by the rule of core/folds.ts chooseProtocol). */
  testSize?: number;
  /** Protocol: least rows of the first training window (default by frequency). */
  minTrain?: number;
  /** Per-fold fallback to the previous phase on validation inside the training window (default true). */
  fallback?: boolean;
}

/** The fitted choice of one outer fold (exposed for tests and phase-3 reuse). */
export interface Phase2Fold {
  /** The fold's Ridge / GBM / blend; null when the fold fell back to phase 1 or 0 (a Ridge). */
  chosen: ChosenModel | null;
  evaluation: FoldEvaluation;
}

/**
 * Summary of the fold choices: the kind when all folds agree, else
 * 'mixed: ridge x3, blend x2' (most frequent first, then ridge, gbm, blend order).
 */
export function summarizeKinds(kinds: readonly ModelKind[]): string {
  const order: ModelKind[] = ['ridge', 'gbm', 'blend'];
  const counts = order.map((k) => ({ k, n: kinds.filter((x) => x === k).length }));
  const used = counts.filter((c) => c.n > 0);
  if (used.length === 1) return used[0].k;
  used.sort((a, b) => b.n - a.n || order.indexOf(a.k) - order.indexOf(b.k));
  return `mixed: ${used.map((c) => `${c.k} x${c.n}`).join(', ')}`;
}

/**
 * Top features by total split gain summed over the folds' refitted GBMs (descending gain, ties by
 * design order); features that never split are left out. Null when no fold used a GBM.
 */
export function topFeaturesByGain(
  models: readonly (ChosenModel | null)[],
  names: readonly string[],
  limit = TOP_FEATURES,
): { feature: string; gain: number }[] | null {
  const total = new Float64Array(names.length);
  let any = false;
  for (const m of models) {
    if (!m?.gbm) continue;
    any = true;
    const imp = featureImportance(m.gbm);
    for (let f = 0; f < names.length; f++) total[f] += imp.gain[f];
  }
  if (!any) return null;
  const idx = names.map((_, f) => f).filter((f) => total[f] > 0);
  idx.sort((a, b) => total[b] - total[a] || a - b);
  return idx.slice(0, limit).map((f) => ({ feature: names[f], gain: total[f] }));
}

/**
 * What a chosen model (phases 2 and 3) gives on one outer fold: predictions of the test rows,
 * R² on the training rows, the choice record and the baselines.
 */
export function evaluateChosenFold(
  series: TenantSeries,
  columns: Float64Array[],
  fold: Fold,
  chosen: ChosenModel,
): FoldEvaluation {
  const trainPred = predictChosen(chosen, columns, { start: 0, end: fold.trainEnd });
  return {
    fold,
    predicted: predictChosen(chosen, columns, { start: fold.testStart, end: fold.testEnd }),
    trainR2: r2(series.target.subarray(0, fold.trainEnd), trainPred),
    alpha: chosen.ridgeWeight > 0 ? chosen.alpha : null,
    model: chosen.kind,
    blendWeight: chosen.ridgeWeight,
    reason: chosen.reason,
    gbmTrees: chosen.gbmTrees,
    baselines: baselineForecasts(series, fold),
  };
}

function defaultClock(): number {
  return performance.now();
}

/** The protocol of a phase run from its options (core/folds.ts chooseProtocol). */
export function protocolOf(
  series: TenantSeries,
  options: Pick<Phase2Options, 'folds' | 'gap' | 'testSize' | 'minTrain'>,
): { folds: Fold[]; protocol: ProtocolRecord } {
  return protocolForSeries(series, {
    folds: options.folds,
    gap: options.gap ?? 0,
    testSize: options.testSize,
    minTrain: options.minTrain,
  });
}

/** The phase ladder of a phase-2/3 run (ladder.ts), from the run's options. */
export function ladderOf(
  series: TenantSeries,
  options: Phase2Options,
  horizon: number,
  extra: Pick<
    LadderOptions,
    'search' | 'clock' | 'weeklySharedMedia' | 'weeklyFailedFallsBack' | 'weeklyUncheckedFallsBack'
  > = {},
): PhaseLadder {
  return new PhaseLadder(series, {
    calendar: options.calendar ?? true,
    gap: options.gap ?? 0,
    alphas: options.alphas,
    choose: {
      blend: options.blend,
      passBar: options.passThreshold ?? PASS_THRESHOLD,
      gbm: options.gbm,
      seed: options.seed,
    },
    fallback: options.fallback ?? true,
    horizon,
    ...extra,
  });
}

/** Fits and evaluates every outer fold of phase 2; returns the folds' models and evaluations. */
export function fitPhase2Folds(
  series: TenantSeries,
  options: Phase2Options = {},
): {
  names: string[];
  folds: Phase2Fold[];
  protocol: ProtocolRecord;
} {
  const y = series.target;
  if (series.dates.length !== y.length) {
    throw new RangeError(`series has ${series.dates.length} dates but ${y.length} target values`);
  }
  resolveChooseOptions({
    alphas: options.alphas,
    blend: options.blend,
    passBar: options.passThreshold ?? PASS_THRESHOLD,
    gbm: options.gbm,
    seed: options.seed,
    gap: options.gap ?? 0,
  }); // fail fast on bad options, before any fit
  const { folds, protocol } = protocolOf(series, options);
  const ladder = ladderOf(series, options, protocol.test_rows);
  const out = folds.map((fold): Phase2Fold => {
    const fit = ladder.fit(2, fold.trainEnd);
    return { chosen: fit.chosen, evaluation: evaluateFoldFit(series, fold, fit) };
  });
  return { names: ladder.linearDesign(true).names, folds: out, protocol };
}

/** Runs phase 2 on one tenant and assembles its TenantResult. */
export function trainPhase2(series: TenantSeries, options: Phase2Options = {}): TenantResult {
  const clock = options.clock ?? defaultClock;
  const started = clock();
  const threshold = checkCommonOptions(series, options);
  const { names, folds, protocol } = fitPhase2Folds(series, options);
  return assembleTenantResult({
    series,
    phase: 2,
    protocol,
    modelKind: summarizeKinds(folds.map((f) => f.evaluation.model)),
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
}
