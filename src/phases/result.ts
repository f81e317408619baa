/**
 * Shared assembly of a tenant's phase result from per-fold predictions: metrics, pass bar,
 * extended checks, baseline comparison and human-readable failures. Phases 0-3 all feed it.
 */
import { BASELINE_NAMES, baselineLabel, type BaselineName } from '../core/baselines.js';
import type { Fold } from '../core/folds.js';
import {
  mae,
  mape,
  mean,
  nrmse,
  populationStd,
  r2,
  rmse,
  standardErrorOfMean,
} from '../core/metrics.js';
import type { TenantSeries } from '../core/types.js';
import { levelShift, type LevelShift } from '../core/level-shift.js';
import type {
  BaselineComparison,
  ChannelParams,
  ExplainedModelCv,
  FallbackRecord,
  FoldLevelGap,
  FoldResult,
  ModelKind,
  PhaseId,
  ProtocolRecord,
  TenantResult,
} from './types.js';

/** Pass bar: mean test-fold R² at or above this passes. */
export const PASS_THRESHOLD = 0.5;

/**
 * Checks the options every phase shares and returns the pass bar: passThreshold (default 0.5)
 * must be a number <= 1, and an oracle, when given, must have one value per row.
 */
export function checkCommonOptions(
  series: TenantSeries,
  options: { passThreshold?: number; oracle?: { expected: Float64Array } },
): number {
  const threshold = options.passThreshold ?? PASS_THRESHOLD;
  if (!(Number.isFinite(threshold) && threshold <= 1)) {
    throw new RangeError(`passThreshold must be a number <= 1 (got ${threshold})`);
  }
  const n = series.target.length;
  if (options.oracle && options.oracle.expected.length !== n) {
    throw new RangeError(
      `oracle expected has ${options.oracle.expected.length} rows but the target has ${n}`,
    );
  }
  return threshold;
}
/** Extended checks: population std of fold R² at most this. */
export const MAX_FOLD_R2_STD = 0.15;
/** Extended checks: mean fold RMSE at most this percent of mean test revenue. */
export const MAX_RMSE_PCT = 20;
/** Extended checks: at least this many folds. */
export const MIN_FOLDS = 3;
/** Extended checks: baseline RMSE / model RMSE at least this for every baseline. */
export const MIN_BASELINE_RATIO = 1.1;

/** What a phase computed on one outer fold. */
export interface FoldEvaluation {
  fold: Fold;
  /** Model predictions for the test rows [testStart, testEnd). */
  predicted: Float64Array;
  /** R² on the fold's own training rows (the overfit gap is train_r2 - r2). */
  trainR2: number;
  alpha: number | null;
  model: ModelKind;
  blendWeight?: number | null;
  reason?: string | null;
  gbmTrees?: number | null;
  channelParams?: Record<string, ChannelParams> | null;
  fallback?: FallbackRecord | null;
  droppedTerms?: string[];
  heldTerms?: string[];
  /** The log growth rate a year of the fold model's trend curve (ladder.ts growth); null: straight. */
  growthTrend?: number | null;
  /** Baseline forecasts for the same test rows (core/baselines.ts baselineForecasts). */
  baselines: Record<BaselineName, Float64Array>;
}

export interface AssembleInput {
  series: TenantSeries;
  phase: PhaseId;
  modelKind: string;
  featureNames: string[];
  evaluations: FoldEvaluation[];
  /** Noise-free expected target per row (synthetic tenants): oracle R² per fold. */
  oracleExpected?: Float64Array;
  passThreshold?: number;
  seconds: number;
  topFeatures?: { feature: string; gain: number }[] | null;
  /**
   * Called with every outer fold's evaluation (test-row predictions included) before the result
   * is assembled: how a report gets the out-of-sample predictions without storing them in runs.
   */
  onEvaluations?: (evaluations: readonly FoldEvaluation[]) => void;
  protocol?: ProtocolRecord | null;
  /** Weekly phase 3: the explained model's own fold R² (TenantResult.explained_model). */
  explainedModel?: ExplainedModelCv;
}

const fmt2 = (x: number): string => x.toFixed(2);

/**
 * A fold R² below this is far off: its result says how far the block's level is (FoldResult.level_gap).
 * -1 until session 63: an outside practitioner's daily fold at -0.61, 70% of its squared error the
 * block's level (a holiday season at the end of its one-year window lifting the forecast), said
 * nothing. Below -0.5 the fold's errors are 1.5 times its block's own spread.
 */
export const FAR_OFF_R2 = -0.5;
/** Share of a far-off fold's squared error at or above which its level offset is named the cause. */
export const LEVEL_OFFSET_SHARE = 0.5;

/** "+97%" of a against b (b's sign ignored), or "" when b is 0. */
function percentFrom(a: number, b: number): string {
  if (b === 0) return '';
  const d = Math.round(((a - b) / Math.abs(b)) * 100);
  return `${d >= 0 ? '+' : ''}${d}%`;
}

const sig3 = (x: number): string => String(Number(x.toPrecision(3)) || 0);

/**
 * A fold with R² below FAR_OFF_R2: its test block's mean beside the forecast's mean and the
 * training rows' mean, and the share of its squared error that the offset of the means is. Where
 * the offset is most of it the block runs at another level than the model forecast (a level shift
 * in the target when the import's level_shift warning finds one before the block's end, else the
 * season, the trend or a change no warning names); elsewhere the block's own variation is what
 * the model misses (R² divides by the block's variance, small in a quiet block). On a made-up daily
 * file whose revenue doubles from row 547, fold 2 scored -22.7 and nothing said why.
 */
export function foldLevelGap(
  series: TenantSeries,
  fold: Fold,
  predicted: Float64Array,
  foldR2: number,
  shiftOf: () => LevelShift | null = () => levelShift(series),
): FoldLevelGap | null {
  if (!(foldR2 < FAR_OFF_R2)) return null;
  const y = series.target;
  const actual = y.subarray(fold.testStart, fold.testEnd);
  const testMean = mean(actual);
  const predictedMean = mean(predicted);
  const trainMean = mean(y.subarray(0, fold.trainEnd));
  let mse = 0;
  for (let i = 0; i < actual.length; i++) mse += (actual[i] - predicted[i]) ** 2;
  mse /= actual.length;
  const offset = testMean - predictedMean;
  const share = mse > 0 ? Math.min(1, (offset * offset) / mse) : 0;
  const cause = share >= LEVEL_OFFSET_SHARE ? 'level_offset' : 'variation';
  const name = series.targetName;
  const per = series.frequency === 'weekly' ? 'a week' : 'a day';
  const block = `fold ${fold.index + 1}'s test block (${series.dates[fold.testStart]}..${series.dates[fold.testEnd - 1]})`;
  const figures =
    `${block} averages ${sig3(testMean)} ${name} ${per}, ${percentFrom(testMean, predictedMean)} against its forecast's mean (${sig3(predictedMean)}) ` +
    `and ${percentFrom(testMean, trainMean)} against the mean of its ${fold.trainEnd} training rows (${sig3(trainMean)}); ` +
    `that offset is ${Math.round(share * 100)}% of its squared error`;
  // The level_shift data warning's date, when it falls before the block's end: only then is the
  // offset a shift the warnings name. Without one the block's level is as likely the season or the
  // trend forecast off (a weekly file's summer peak on a growing trend was told "not the model" and
  // pointed to a date no warning named).
  const shift = cause === 'level_offset' ? shiftOf() : null;
  const shiftDate = shift !== null && shift.row < fold.testEnd ? shift.date : null;
  const note =
    cause === 'variation'
      ? `${figures}, so its R² of ${foldR2.toFixed(2)} is not a level offset: the model misses the block's own variation ` +
        `(R² compares the errors with the block's variance, small in a quiet block): an event or change the training rows do not hold?`
      : shiftDate !== null
        ? `${figures}, so its R² of ${foldR2.toFixed(2)} is the block running at another level than the training rows, not the model missing its ups and downs: ` +
          `the data warnings (import, train) find a level shift in ${name} from about ${shiftDate} (a relaunch, a price, shop or market change, or a change in what the column counts?); ` +
          `if the change is real, a control column that is 0 before it and 1 from it on (a 0/1 step) lets the model learn it`
        : `${figures}, so its R² of ${foldR2.toFixed(2)} is mostly the block running at another level than the model forecast, more than its ups and downs within the block: ` +
          `the season, the trend or a change in ${name} that the training rows do not show (no data warning finds a level shift)`;
  return {
    test_mean: testMean,
    predicted_mean: predictedMean,
    train_mean: trainMean,
    offset_share: share,
    cause,
    note,
  };
}
/**
 * x against a bar it was compared with, in as many decimals (2 to 4) as it takes not to read
 * equal to the bar's 2 (a ridge R² of 0.4996 printed "ridge 0.50 < 0.50"; a fold std of 0.1504
 * "fold R² std 0.15 > 0.15").
 */
export const f2vs = (x: number, bar: number): string => {
  for (let d = 2; d < 4; d++) if (x.toFixed(d) !== bar.toFixed(d)) return x.toFixed(d);
  return x.toFixed(4);
};

/**
 * Builds the TenantResult. Tenant-level rmse / mae / mape / nrmse / train_r2 are means over folds;
 * rmse_pct = 100 * mean fold RMSE / mean actual over all test rows; std_r2 is the population std
 * of fold R²; se_r2 its standard error of the mean (sample std / sqrt(folds): the folds overlap in
 * training rows, so it is a rough guide, not an exact SE); baseline rmse is its mean fold RMSE and error_ratio = baseline rmse / model rmse.
 */
export function assembleTenantResult(input: AssembleInput): TenantResult {
  const { series, evaluations } = input;
  const y = series.target;
  const threshold = input.passThreshold ?? PASS_THRESHOLD;
  if (evaluations.length === 0) throw new RangeError('no fold evaluations to assemble');
  input.onEvaluations?.(evaluations);
  if (input.oracleExpected && input.oracleExpected.length !== y.length) {
    throw new RangeError(
      `oracle expected has ${input.oracleExpected.length} rows but the target has ${y.length}`,
    );
  }
  const folds: FoldResult[] = [];
  const baselineRmse: Record<BaselineName, number[]> = {
    training_mean: [],
    same_weekday_last_week: [],
    spend_only_linear: [],
  };
  let testSum = 0;
  let testCount = 0;
  // The level_shift test reads the whole series: once per result, however many folds are far off.
  let shift: LevelShift | null | undefined;
  const shiftOnce = (): LevelShift | null =>
    shift === undefined ? (shift = levelShift(series)) : shift;
  for (const ev of evaluations) {
    const { fold } = ev;
    const actual = y.subarray(fold.testStart, fold.testEnd);
    if (ev.predicted.length !== actual.length) {
      throw new RangeError(
        `fold ${fold.index}: ${ev.predicted.length} predictions for ${actual.length} test rows`,
      );
    }
    for (let i = 0; i < actual.length; i++) testSum += actual[i];
    testCount += actual.length;
    for (const b of BASELINE_NAMES) baselineRmse[b].push(rmse(actual, ev.baselines[b]));
    const oracle = input.oracleExpected
      ? r2(actual, input.oracleExpected.subarray(fold.testStart, fold.testEnd))
      : null;
    folds.push({
      fold: fold.index,
      train_rows: fold.trainEnd,
      test_rows: actual.length,
      test_start: series.dates[fold.testStart],
      test_end: series.dates[fold.testEnd - 1],
      r2: r2(actual, ev.predicted),
      train_r2: ev.trainR2,
      rmse: rmse(actual, ev.predicted),
      mae: mae(actual, ev.predicted),
      mape: mape(actual, ev.predicted),
      nrmse: nrmse(actual, ev.predicted),
      oracle_r2: oracle,
      alpha: ev.alpha,
      model: ev.model,
      blend_weight: ev.blendWeight ?? null,
      reason: ev.reason ?? null,
      gbm_trees: ev.gbmTrees ?? null,
      channel_params: ev.channelParams ?? null,
      fallback: ev.fallback ?? null,
      dropped_terms: ev.droppedTerms ?? [],
      held_terms: ev.heldTerms ?? [],
      growth_trend: ev.growthTrend ?? null,
    });
    const gap = foldLevelGap(series, fold, ev.predicted, folds[folds.length - 1].r2, shiftOnce);
    if (gap !== null) folds[folds.length - 1].level_gap = gap;
  }
  const foldR2 = folds.map((f) => f.r2);
  const meanR2 = mean(foldR2);
  const stdR2 = populationStd(foldR2);
  const modelRmse = mean(folds.map((f) => f.rmse));
  const rmsePct = (100 * modelRmse) / (testSum / testCount);
  const oracleR2 = input.oracleExpected ? mean(folds.map((f) => f.oracle_r2 as number)) : null;

  const baselines = {} as Record<BaselineName, BaselineComparison>;
  for (const b of BASELINE_NAMES) {
    const bRmse = mean(baselineRmse[b]);
    baselines[b] = { rmse: bRmse, error_ratio: bRmse / modelRmse };
  }

  const passes = meanR2 >= threshold;
  const checks = {
    fold_std_ok: stdR2 <= MAX_FOLD_R2_STD,
    rmse_pct_ok: rmsePct <= MAX_RMSE_PCT,
    enough_folds: folds.length >= MIN_FOLDS,
    beats_baselines: BASELINE_NAMES.every((b) => baselines[b].error_ratio >= MIN_BASELINE_RATIO),
  };
  const failures: string[] = [];
  if (!passes) failures.push(`mean R² ${f2vs(meanR2, threshold)} < ${fmt2(threshold)}`);
  if (!checks.fold_std_ok) {
    failures.push(`fold R² std ${f2vs(stdR2, MAX_FOLD_R2_STD)} > ${fmt2(MAX_FOLD_R2_STD)}`);
  }
  if (!checks.rmse_pct_ok) {
    failures.push(`RMSE ${rmsePct.toFixed(1)}% of mean ${series.targetName} > ${MAX_RMSE_PCT}%`);
  }
  if (!checks.enough_folds) failures.push(`${folds.length} folds < ${MIN_FOLDS}`);
  for (const b of BASELINE_NAMES) {
    if (!(baselines[b].error_ratio >= MIN_BASELINE_RATIO)) {
      failures.push(
        `error ratio vs the ${baselineLabel(b, series.frequency)} baseline ${f2vs(baselines[b].error_ratio, MIN_BASELINE_RATIO)} < ${fmt2(MIN_BASELINE_RATIO)}`,
      );
    }
  }

  return {
    tenant: series.tenant,
    phase: input.phase,
    model_kind: input.modelKind,
    fold_r2: foldR2,
    mean_r2: meanR2,
    std_r2: stdR2,
    se_r2: standardErrorOfMean(foldR2),
    train_r2: mean(folds.map((f) => f.train_r2)),
    rmse: modelRmse,
    rmse_pct: rmsePct,
    mae: mean(folds.map((f) => f.mae)),
    mape: mean(folds.map((f) => f.mape)),
    nrmse: mean(folds.map((f) => f.nrmse)),
    alphas: folds.map((f) => f.alpha),
    feature_names: input.featureNames,
    oracle_r2: oracleR2,
    oracle_gap: oracleR2 === null ? null : meanR2 - oracleR2,
    passes,
    checks,
    failures,
    baselines,
    folds,
    top_features: input.topFeatures ?? null,
    protocol: input.protocol ?? null,
    ...(input.explainedModel ? { explained_model: input.explainedModel } : {}),
    seconds: input.seconds,
  };
}

/** How many of a result's folds forecast with which models (foldModelUse). */
export interface FoldModelUse {
  /** Folds that forecast with this phase's own model alone. */
  own: number;
  /** Folds that forecast with a mix of it and a simpler phase's (averaged or stacked). */
  mixed: number;
  /** Folds that forecast with a simpler phase's model alone (fallen back). */
  simpler: number;
}

/**
 * Which model each fold of a result forecast with, counted: the phase's own, a mix with a simpler
 * phase's, or a simpler phase's alone (its FallbackRecord). A run's rows gave only the mean R² and
 * the model kind, so a phase 2 whose five folds all fell back to phase 0 read as a phase 2 model
 * that was "sufficient for product release" (an MCP probe of session 66). Phase 0, and folds
 * without a record (the peer-parity mode), count as the phase's own.
 */
export function foldModelUse(result: Pick<TenantResult, 'phase' | 'folds'>): FoldModelUse {
  const out: FoldModelUse = { own: 0, mixed: 0, simpler: 0 };
  for (const f of result.folds) {
    const fb = f.fallback;
    if (!fb || result.phase === 0) out.own++;
    // Stacked (daily phases 1-2): the share of this phase's forecast in the fold's.
    else if (fb.weight !== undefined)
      out[fb.weight >= 1 ? 'own' : fb.weight <= 0 ? 'simpler' : 'mixed']++;
    else if (fb.used_phase === result.phase) out[fb.averaged_with ? 'mixed' : 'own']++;
    else out[fb.averaged_with?.phase === result.phase ? 'mixed' : 'simpler']++;
  }
  return out;
}
