/**
 * Phases 0 and 1: standardized Ridge under expanding-window time-series cross-validation.
 *   phase 0: spend + weather (+ controls, + calendar), alpha fixed at 1
 *   phase 1: + spend x weather interactions + weather squared, alpha tuned per outer fold by inner
 *            TimeSeriesSplit(3) on that fold's training rows only (GridSearchCV semantics)
 * All fits of a tenant share one pass of prefix moments (core/standardize.ts): every training set
 * is a prefix of the rows, so the moments of each prefix are snapshots of one accumulation.
 */
import { baselineForecasts } from '../core/baselines.js';
import { buildDesign, type Design } from '../core/features.js';
import { timeSeriesFolds, type Fold } from '../core/folds.js';
import { protocolForSeries } from '../core/protocol.js';
import { r2 } from '../core/metrics.js';
import {
  checkAlphaGrid,
  DEFAULT_ALPHAS,
  innerTrainEnds,
  predictRidge,
  ridgeSystem,
  selectAlpha,
  solveRidge,
  type RidgeModel,
} from '../core/ridge.js';
import { PrefixMoments } from '../core/standardize.js';
import type { TenantSeries } from '../core/types.js';
import { assembleTenantResult, PASS_THRESHOLD, type FoldEvaluation } from './result.js';
import { evaluateFoldFit, PhaseLadder } from './ladder.js';
import type { ProtocolRecord, TenantResult } from './types.js';

/** Alpha of phase 0 (fixed, as the plan's starting point and the peer's phase0). */
export const PHASE0_ALPHA = 1;

export interface LinearPhaseOptions {
  phase: 0 | 1;
  /** Outer time-series folds (default 5). */
  folds?: number;
  /** Rows dropped between training and test blocks, outer and inner (default 0). */
  gap?: number;
  /** Calendar controls: day-of-week dummies, yearly Fourier(2), trend (default true). */
  calendar?: boolean;
  /** Phase-1 alpha grid (default 0.01, 0.1, 1, 10, 100). */
  alphas?: readonly number[];
  /** Inner folds of the alpha search (default 3). */
  innerFolds?: number;
  /** Weather columns to model (default: every weather column except wind, modelWeatherNames). */
  weather?: readonly string[];
  /** Noise-free expected target per row (synthetic tenants): adds oracle R² and the gap to it. */
  oracle?: { expected: Float64Array };
  /** Pass bar on mean fold R² (default 0.5). */
  passThreshold?: number;
  /**
   * The peer's exact recipe (bench_peers.py phase0/phase1, with --calendar when calendar is
   * true, the default): no control columns, day-of-week dummies even on weekly data, gap 0,
   * 3 inner folds and the default alpha grid. Our defaults equal the peer's on daily data without
   * controls, so parity differs only there; conflicting gap / innerFolds / alphas are errors.
   */
  parity?: boolean;
  /** Milliseconds clock for `seconds` (default performance.now). */
  clock?: () => number;
  /**
   * Called with every outer fold's evaluation (test-row predictions included) before the result
   * is assembled: how a report gets the out-of-sample predictions without storing them in runs.
   */
  onEvaluations?: (evaluations: readonly FoldEvaluation[]) => void;
  /** Protocol: rows per test block (default by the rule of core/folds.ts chooseProtocol). */
  testSize?: number;
  /** Protocol: least rows of the first training window (default by frequency). */
  minTrain?: number;
  /** Phase 1: per-fold fallback to phase 0 on validation inside the training window (default true). */
  fallback?: boolean;
  /** Temperature hinges in the fold models (ladder.ts; default: daily data). */
  temperatureHinges?: boolean;
  /**
   * Daily windows of one to two years: phases 0-1 averaged with the pooled Ridge (ladder.ts
   * dailyPooled; default true). false: the Ridge alone.
   */
  dailyPooled?: boolean;
  /** Daily phase 1: weather terms held on the forecast rows (ladder.ts phase1WeatherHeld; default true). */
  phase1WeatherHeld?: boolean;
}

/** Fitting configuration of the outer folds. */
export interface LinearFitConfig {
  /** Tune alpha on each outer training set (phase 1) or use fixedAlpha (phase 0). */
  tuneAlpha: boolean;
  fixedAlpha?: number;
  alphas?: readonly number[];
  innerFolds?: number;
  gap?: number;
}

/** The model fitted on one outer fold's training rows. */
export interface LinearFoldFit {
  fold: Fold;
  alpha: number;
  /** Mean inner R² per grid alpha (null when alpha is fixed). */
  alphaScores: number[] | null;
  model: RidgeModel;
}

/**
 * Fits Ridge on every outer fold's training rows [0, trainEnd), tuning alpha there when asked.
 * Reads no row at or after a fold's trainEnd for that fold's model.
 */
export function fitLinearFolds(
  design: Design,
  y: Float64Array,
  folds: readonly Fold[],
  config: LinearFitConfig,
): LinearFoldFit[] {
  const grid = config.alphas ?? DEFAULT_ALPHAS;
  const innerFolds = config.innerFolds ?? 3;
  if (config.tuneAlpha && !(Number.isInteger(innerFolds) && innerFolds >= 2)) {
    throw new RangeError(`innerFolds must be an integer >= 2 (got ${innerFolds})`);
  }
  const gap = config.gap ?? 0;
  if (config.tuneAlpha) checkAlphaGrid(grid);
  const ends: number[] = [];
  for (const f of folds) {
    ends.push(f.trainEnd);
    if (config.tuneAlpha) ends.push(...innerTrainEnds(f.trainEnd, innerFolds, gap));
  }
  const moments = new PrefixMoments(design.columns, y, ends);
  return folds.map((fold) => {
    const sys = ridgeSystem(moments.at(fold.trainEnd));
    if (!config.tuneAlpha) {
      const alpha = config.fixedAlpha ?? PHASE0_ALPHA;
      return { fold, alpha, alphaScores: null, model: solveRidge(sys, alpha) };
    }
    const sel = selectAlpha(design.columns, y, fold.trainEnd, grid, innerFolds, { gap, moments });
    return {
      fold,
      alpha: sel.alpha,
      alphaScores: sel.meanScores,
      model: solveRidge(sys, sel.alpha),
    };
  });
}

function defaultClock(): number {
  return performance.now();
}

/** Runs phase 0 or 1 on one tenant and assembles its TenantResult. */
export function trainLinearPhase(series: TenantSeries, options: LinearPhaseOptions): TenantResult {
  const clock = options.clock ?? defaultClock;
  const started = clock();
  const phase = options.phase;
  if (phase !== 0 && phase !== 1) {
    throw new RangeError(`linear phase must be 0 or 1 (got ${String(phase)})`);
  }
  const parity = options.parity ?? false;
  if (parity) {
    if ((options.gap ?? 0) !== 0)
      throw new RangeError('parity mode uses gap 0 (the peer has no gap)');
    if ((options.innerFolds ?? 3) !== 3) throw new RangeError('parity mode uses 3 inner folds');
    if (
      options.alphas !== undefined &&
      (options.alphas.length !== DEFAULT_ALPHAS.length ||
        options.alphas.some((a, i) => a !== DEFAULT_ALPHAS[i]))
    ) {
      throw new RangeError(`parity mode uses the peer's alpha grid ${DEFAULT_ALPHAS.join(', ')}`);
    }
  }
  const alphas = options.alphas ?? DEFAULT_ALPHAS;
  if (phase === 1) checkAlphaGrid(alphas);
  const innerFolds = options.innerFolds ?? 3;
  if (phase === 1 && !(Number.isInteger(innerFolds) && innerFolds >= 2)) {
    throw new RangeError(`innerFolds must be an integer >= 2 (got ${innerFolds})`);
  }
  const threshold = options.passThreshold ?? PASS_THRESHOLD;
  if (!(Number.isFinite(threshold) && threshold <= 1)) {
    throw new RangeError(`passThreshold must be a number <= 1 (got ${threshold})`);
  }
  const y = series.target;
  if (series.dates.length !== y.length) {
    throw new RangeError(`series has ${series.dates.length} dates but ${y.length} target values`);
  }
  if (options.oracle && options.oracle.expected.length !== y.length) {
    throw new RangeError(
      `oracle expected has ${options.oracle.expected.length} rows but the target has ${y.length}`,
    );
  }
  const gap = options.gap ?? 0;
  let evaluations: FoldEvaluation[];
  let featureNames: string[];
  let protocol: ProtocolRecord | null = null;
  if (parity) {
    // The peer's exact recipe: TimeSeriesSplit folds, no identifiability rule, no fallback.
    const folds = timeSeriesFolds(y.length, options.folds ?? 5, gap);
    const design = buildDesign(series, {
      interactions: phase === 1,
      weather: options.weather,
      calendar: options.calendar ?? true,
      controls: false,
      dayOfWeek: 'always',
      weeklySpend: false,
    });
    const fits = fitLinearFolds(design, y, folds, {
      tuneAlpha: phase === 1,
      fixedAlpha: PHASE0_ALPHA,
      alphas,
      innerFolds: options.innerFolds ?? 3,
      gap,
    });
    featureNames = design.names;
    evaluations = fits.map(({ fold, alpha, model }) => {
      const train = { start: 0, end: fold.trainEnd };
      const trainPred = predictRidge(model, design.columns, train);
      return {
        fold,
        predicted: predictRidge(model, design.columns, {
          start: fold.testStart,
          end: fold.testEnd,
        }),
        trainR2: r2(y.subarray(0, fold.trainEnd), trainPred),
        alpha,
        model: 'ridge',
        baselines: baselineForecasts(series, fold),
      };
    });
  } else {
    const chosen = protocolForSeries(series, {
      folds: options.folds,
      gap,
      testSize: options.testSize,
      minTrain: options.minTrain,
    });
    protocol = chosen.protocol;
    const ladder = new PhaseLadder(series, {
      calendar: options.calendar ?? true,
      weather: options.weather,
      innerFolds: options.innerFolds ?? 3,
      gap,
      alphas,
      fallback: options.fallback ?? true,
      temperatureHinges: options.temperatureHinges,
      dailyPooled: options.dailyPooled,
      phase1WeatherHeld: options.phase1WeatherHeld,
      horizon: protocol.test_rows,
    });
    featureNames = ladder.linearDesign(phase === 1).names;
    evaluations = chosen.folds.map((fold) =>
      evaluateFoldFit(series, fold, ladder.fit(phase, fold.trainEnd)),
    );
  }
  return assembleTenantResult({
    series,
    phase,
    modelKind: 'ridge',
    featureNames,
    evaluations,
    protocol,
    oracleExpected: options.oracle?.expected,
    onEvaluations: options.onEvaluations,
    passThreshold: threshold,
    seconds: (clock() - started) / 1000,
    topFeatures: null,
  });
}
