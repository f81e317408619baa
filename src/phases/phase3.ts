/**
 * Phase 3: adstock + Hill saturation per channel under expanding-window time-series CV.
 * Per outer fold: search every channel's (decay, k_mult, s) jointly on the training rows
 * (search.ts), build the phase-3 design with those parameters (k from the training rows), then
 * choose and fit Ridge / GBM / blend by the phase-2 rule (choose.ts) on the training rows, and
 * predict the outer test block. No row at or after a fold's trainEnd influences its model.
 */
import type { TenantSeries } from '../core/types.js';
import { resolveChooseOptions, type ChosenModel } from './choose.js';
import type { Fold } from '../core/folds.js';
import { mean, r2, standardErrorOfMean } from '../core/metrics.js';
import {
  evaluateFoldFit,
  predictFold,
  temperatureHingesFor,
  type FoldFit,
  type PhaseLadder,
} from './ladder.js';
import { nonNegativeContributions } from './final.js';
import { buildMediaDesign } from './media.js';
import {
  ladderOf,
  protocolOf,
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
import { FOLD_MODEL_LAGS, type MediaSearchOptions, type MediaSearchResult } from './search.js';
import {
  foldKindsPhrase,
  WEEKLY_FORECAST_WITH,
  type ExplainedModelCv,
  type ModelKind,
  type ProtocolRecord,
  type TenantResult,
} from './types.js';

/** Phase 2's options (the final model of each fold follows the phase 2 rule), plus the search's. */
export interface Phase3Options extends Phase2Options {
  /** Search settings (sweeps, refinement rounds, search alpha); weather/calendar/gap come from above. */
  search?: Pick<
    MediaSearchOptions,
    'sweeps' | 'refineRounds' | 'alpha' | 'innerFolds' | 'scheme' | 'blocks' | 'lags'
  >;
  /** Weekly data: one media shape shared by the channels (default true; ladder.ts). */
  weeklySharedMedia?: boolean;
  /** Weekly phase 3: a failed or within-noise check falls back to phase 2 (ladder.ts). */
  weeklyFailedFallsBack?: boolean;
  /** Weekly phase 3: an unchecked fold falls back to phase 2 (ladder.ts). */
  weeklyUncheckedFallsBack?: boolean;
}

/** One outer fold of phase 3: the search, the chosen model and its evaluation. */
export interface Phase3Fold {
  /** The search of the fold's model; null when the fold fell back to phase 2 or below. */
  search: MediaSearchResult | null;
  /** The fold's Ridge / GBM / blend; null when it fell back to a phase-0/1 Ridge. */
  chosen: ChosenModel | null;
  evaluation: FoldEvaluation;
  /** Milliseconds spent in searches (the fold's and its validation's) and in everything else. */
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
): {
  names: string[];
  folds: Phase3Fold[];
  protocol: ProtocolRecord;
  explainedModel: ExplainedModelCv | undefined;
} {
  const y = series.target;
  if (series.dates.length !== y.length) {
    throw new RangeError(`series has ${series.dates.length} dates but ${y.length} target values`);
  }
  const clock = options.clock ?? defaultClock;
  resolveChooseOptions({
    alphas: options.alphas,
    blend: options.blend,
    passBar: options.passThreshold ?? PASS_THRESHOLD,
    gbm: options.gbm,
    seed: options.seed,
    gap: options.gap ?? 0,
  }); // fail fast on bad options, before any search
  const { folds, protocol } = protocolOf(series, options);
  let searchMs = 0;
  const timed = (): number => clock();
  const ladder = ladderOf(series, options, protocol.test_rows, {
    // Blocked inner folds and candidate delays for the fold models' search (search.ts): measured
    // in docs/modeling.md ("Where phase 3 loses to the oracle", "Delayed carry-over").
    search: { scheme: 'blocked', lags: FOLD_MODEL_LAGS[series.frequency], ...options.search },
    clock: timed,
    weeklySharedMedia: options.weeklySharedMedia,
    weeklyFailedFallsBack: options.weeklyFailedFallsBack,
    weeklyUncheckedFallsBack: options.weeklyUncheckedFallsBack,
  });
  const names = buildMediaDesign(
    series,
    Object.fromEntries(series.channels.map((c) => [c, { decay: 0, k_mult: 1, k: 1, s: 1 }])),
    {
      calendar: options.calendar ?? true,
      temperatureHinges: temperatureHingesFor(series.frequency),
    },
  ).names;
  const out = folds.map((fold): Phase3Fold => {
    const t0 = clock();
    const before = ladder.searchMsTotal;
    const fit = ladder.fit(3, fold.trainEnd);
    const evaluation = evaluateFoldFit(series, fold, fit);
    searchMs = ladder.searchMsTotal - before;
    return {
      search: fit.search,
      chosen: fit.chosen,
      evaluation,
      searchMs,
      modelMs: clock() - t0 - searchMs,
    };
  });
  // The explained model has no delay (final.ts): its figure comes from a ladder whose search offers
  // none, made only when a fold's own model chose one. Its search is per channel, as that of the
  // ladder whose delays it replaces (a search offered delays is: ladder.ts weeklySharedMedia).
  let geometric: PhaseLadder | null = null;
  const geometricLadder = (): PhaseLadder =>
    (geometric ??= ladderOf(series, options, protocol.test_rows, {
      search: { scheme: 'blocked', ...options.search, lags: [] },
      clock: timed,
      weeklySharedMedia: false,
      weeklyFailedFallsBack: options.weeklyFailedFallsBack,
      weeklyUncheckedFallsBack: options.weeklyUncheckedFallsBack,
    }));
  return {
    names,
    folds: out,
    protocol,
    explainedModel: explainedModelCv(
      series,
      folds,
      ladder,
      geometricLadder,
      out.map((f) => f.evaluation),
    ),
  };
}

/**
 * Whether a fold forecast with phase 3's own model alone: not fallen back, not averaged with
 * another model, not stacked at a share below 1.
 */
function forecastWithOwnModel(e: FoldEvaluation): boolean {
  const f = e.fallback;
  return !f || (f.kept && f.used_phase === 3 && !f.averaged_with && (f.weight ?? 1) === 1);
}

/**
 * The fold R² of the adstock/Hill model alone (no log-spend partner, no fallback, contributions
 * held non-negative), the kind of model that explain and the planner fit on all rows, where the
 * folds' own figures are those of another forecast: weekly phase 3's mix (ladder.ts
 * WEEKLY_MIX_WEIGHT), and daily folds that a hedge averaged with phase 2's model or that fell
 * back to it (a new user's daily file: every fold half phase 0's model, the model alone 0.40 and
 * 0.46 where phase 0 scored 0.59 and 0.56, and explain said "mean fold R² 0.613, passes").
 * A fold that fell back fits it here (one search on the fold's training rows; the others are the
 * ladder's), and so does a fold whose own model delays a channel's spend (search.ts
 * FOLD_MODEL_LAGS), from a search without delays: the all-rows model has none. undefined for
 * daily data whose every fold forecast with phase 3's own model: its figures are the model's.
 */
function explainedModelCv(
  series: TenantSeries,
  folds: readonly Fold[],
  ladder: PhaseLadder,
  geometricLadder: () => PhaseLadder,
  evaluations: readonly FoldEvaluation[],
): ExplainedModelCv | undefined {
  const weekly = series.frequency === 'weekly';
  if (!weekly && evaluations.every(forecastWithOwnModel)) return undefined;
  const foldR2: number[] = [];
  const foldModels: ModelKind[] = [];
  for (const fold of folds) {
    let alone: FoldFit | null;
    try {
      alone = ladder.adstockHillAlone(fold.trainEnd);
      // A fold model with a delayed channel is not the kind of model explain fits (no delay).
      if (alone && Object.values(alone.channelParams ?? {}).some((p) => (p.lag ?? 0) > 0)) {
        alone = geometricLadder().adstockHillAlone(fold.trainEnd);
      }
    } catch (e) {
      // A window the search cannot fit (the fold fell back for that reason): no figure.
      if (e instanceof RangeError) return undefined;
      throw e;
    }
    if (alone === null) return undefined;
    alone = heldNonNegative(series, alone);
    foldModels.push(alone.kind);
    const actual = series.target.subarray(fold.testStart, fold.testEnd);
    foldR2.push(r2(actual, predictFold(alone, fold.testStart, fold.testEnd)));
  }
  if (foldR2.length === 0) return undefined;
  const meanR2 = mean(foldR2);
  return {
    model: 'adstock/Hill model alone (the kind of model explain and the planner fit on all rows)',
    fold_r2: foldR2,
    fold_models: foldModels,
    mean_r2: meanR2,
    se_r2: standardErrorOfMean(foldR2),
    // The kinds are named because the Ridge / GBM / blend rule may pick another kind on a fold's
    // rows than on all rows (explain names the all-rows model's kind).
    forecast_with: weekly ? WEEKLY_FORECAST_WITH : dailyForecastWith(evaluations),
    note: `${weekly ? "on weekly data the folds forecast with the average of the adstock/Hill model and the log-spend Ridge that phase 1 uses (averaged again with phase 2's model where no validation block checks a fold or its blocks do not show phase 3 better beyond their noise, and phase 2's model alone on an unchecked fold with fewer than 2 rows per coefficient)" : `the folds forecast with ${dailyForecastWith(evaluations)}`}; the adstock/Hill model alone, the kind of model explain and the planner fit on all rows, scored mean fold R² ${meanR2.toFixed(3)} on the same folds (${foldKindsPhrase(foldModels)}, by the Ridge / GBM / blend rule that the all-rows model follows too)`,
  };
}

/**
 * What daily phase 3's folds forecast with where some did not use phase 3's model alone: which
 * folds were averaged with phase 2's model (a hedge of a missing or noisy check) and which fell
 * back to it (ExplainedModelCv.forecast_with).
 */
function dailyForecastWith(evaluations: readonly FoldEvaluation[]): string {
  const averaged: number[] = [];
  const replaced: number[] = [];
  evaluations.forEach((e, i) => {
    if (forecastWithOwnModel(e)) return;
    const f = e.fallback!;
    if (f.kept || f.averaged_with) averaged.push(i + 1);
    else replaced.push(i + 1);
  });
  const folds = (xs: number[]) => `fold${xs.length > 1 ? 's' : ''} ${xs.join(', ')}`;
  const parts = [
    ...(averaged.length > 0
      ? [
          `averaged with phase 2's model on ${folds(averaged)} (a check that was missing or did not show phase 3 better)`,
        ]
      : []),
    ...(replaced.length > 0 ? [`replaced by phase 2's model on ${folds(replaced)}`] : []),
  ];
  return `this adstock/Hill model ${parts.join(' and ')} of ${evaluations.length}`;
}

/**
 * A fold's adstock/Hill model with every channel's contribution on its training rows held >= 0,
 * as the all-rows model's (final.ts nonNegativeContributions): the explained model's fold R² is
 * that of the kind of model explain fits.
 */
function heldNonNegative(series: TenantSeries, fit: FoldFit): FoldFit {
  if (!fit.chosen || fit.chosen.ridgeWeight === 0) return fit;
  const held = nonNegativeContributions(
    series.channels,
    fit,
    series.target,
    fit.chosen.ridge,
    fit.trainEnd,
  );
  if (!held) return fit;
  return { ...fit, ridge: held.ridge, chosen: { ...fit.chosen, ridge: held.ridge } };
}

/** Runs phase 3 on one tenant: the TenantResult and the per-fold details (search, timings). */
export function runPhase3(
  series: TenantSeries,
  options: Phase3Options = {},
): { result: TenantResult; folds: Phase3Fold[] } {
  const clock = options.clock ?? defaultClock;
  const started = clock();
  const threshold = checkCommonOptions(series, options);
  const { names, folds, protocol, explainedModel } = fitPhase3Folds(series, options);
  const result = assembleTenantResult({
    series,
    phase: 3,
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
    explainedModel,
  });
  return { result, folds };
}

/** Runs phase 3 on one tenant and assembles its TenantResult. */
export function trainPhase3(series: TenantSeries, options: Phase3Options = {}): TenantResult {
  return runPhase3(series, options).result;
}
