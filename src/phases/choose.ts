/**
 * Phase 2 model choice on one outer training fold: Ridge, gradient boosting, or a blend of the two.
 *
 * The outer training rows [0, trainEnd) are split in time: the first 85% (inner training) fit the
 * candidates, the last 15% (inner validation) early-stop the GBM and score the choice. The plan's
 * rule, applied on inner-validation R² (never on training R²):
 *   Ridge R² >= passBar                 -> Ridge
 *   else GBM R² >= passBar              -> GBM
 *   else                                -> ruleWeight x Ridge + (1 - ruleWeight) x GBM
 * In 'tuned' mode the Ridge weight w in {0, 0.1, ..., 1} maximizing inner-validation R² is used
 * (ties go to the larger Ridge weight). The chosen combination is then refitted on all rows
 * [0, trainEnd): Ridge with alpha re-selected there as phase 1 does (so a Ridge fold equals the
 * phase-1 model of that fold), GBM with the early-stopped tree count and no validation set.
 * No row at or after trainEnd is read.
 */
import {
  GBM_DEFAULTS,
  predictGbm,
  trainGbm,
  validateGbmOptions,
  type GbmModel,
  type GbmOptions,
} from '../core/gbm/index.js';
import { r2 } from '../core/metrics.js';
import {
  checkAlphaGrid,
  DEFAULT_ALPHAS,
  innerTrainEnds,
  predictRidge,
  ridgeSystem,
  selectAlpha,
  selectAlphaGcv,
  solveRidge,
  type RidgeModel,
} from '../core/ridge.js';
import { isRowRange, PrefixMoments, rowCount, type Rows } from '../core/standardize.js';
import { PHASE_DEFAULTS } from './defaults.js';
import { f2vs, PASS_THRESHOLD } from './result.js';

export { f2vs } from './result.js';
import type { ModelKind } from './types.js';

// The JSON form of a chosen model lives in choose-json.ts (serialization apart from fitting).
export {
  chosenFromJSON,
  chosenToJSON,
  ridgeToJSON,
  type ChosenModelJSON,
  type RidgeModelJSON,
} from './choose-json.js';

/** Inner expanding folds of the Ridge alpha search (selectAlpha; as phase 1). */
export const ALPHA_INNER_FOLDS = 3;
/** Fraction of the training rows held out last in time as inner validation (ChooseOptions). */
export const DEFAULT_VALIDATION_FRACTION = 0.15;
/**
 * The target's training standard deviation at which the GBM's L1 penalty is the plan's (XGBoost
 * reg_alpha 0.1, in revenue units): 2^14, about the built-in tenants' daily revenue (their first
 * half-year's sd is 2^11.7 to 2^17.2).
 */
export const L1_REFERENCE_SD = 2 ** 14;

/**
 * The GBM's L1 penalty for a target whose training rows [0, end) have standard deviation sd:
 * lambdaL1 * sd / L1_REFERENCE_SD. The plan's penalty is in revenue units (leaf values shrink by
 * alpha over the leaf's rows), so the same data in other units got other trees (phase 3 moved a
 * fold's R² by 1.5e-3 with the revenue and spend at 1/1000); in units of the sd it does not
 * depend on the currency (an L1 penalty c*alpha on c*y gives c times the trees of alpha on y).
 */
export function scaledL1(lambdaL1: number, y: Float64Array, end: number): number {
  let mean = 0;
  for (let t = 0; t < end; t++) mean += y[t];
  mean /= end;
  let ss = 0;
  for (let t = 0; t < end; t++) ss += (y[t] - mean) ** 2;
  const sd = Math.sqrt(ss / end);
  return sd > 0 ? lambdaL1 * (sd / L1_REFERENCE_SD) : lambdaL1;
}

/** Step of the Ridge weight grid of the tuned blend: w in {0, 0.1, ..., 1}. */
const TUNED_STEPS = 10;

export interface ChooseOptions {
  /** Ridge alpha grid (default 0.01, 0.1, 1, 10, 100). */
  alphas?: number[];
  /** 'rule' (default): the plan's fallback rule; 'tuned': Ridge weight chosen on inner validation. */
  blend?: 'rule' | 'tuned';
  /** Inner-validation R² a single model needs to be chosen alone (default 0.5). */
  passBar?: number;
  /** Ridge weight of the rule's blend (default 0.4, i.e. 0.4 Ridge + 0.6 GBM). */
  ruleWeight?: number;
  /** Fraction of the training rows held out, last in time, as inner validation (default 0.15). */
  validationFraction?: number;
  /** GBM hyper-parameters over GBM_DEFAULTS (early stopping: earlyStoppingRounds, default 10). */
  gbm?: Partial<GbmOptions>;
  /** Seed of the GBM's row and feature sampling (default gbm.seed, else GBM_DEFAULTS.seed). */
  seed?: number;
  /** Feature names stored in the GBM (for importance). */
  featureNames?: string[];
  /** Rows dropped between inner training and inner validation, and in the alpha search (default 0). */
  gap?: number;
  /**
   * Set when the inner split cannot judge the candidates (the ladder: the inner-training rows
   * cannot identify calendar terms that the whole window can, so the inner Ridge would extrapolate
   * a yearly cycle fitted on part of one): Ridge is kept without training a GBM, and this is the
   * reason recorded.
   */
  keepRidge?: string;
  /**
   * How the refit on all of [0, trainEnd) chooses its Ridge alpha: 'inner' (default) by
   * ALPHA_INNER_FOLDS expanding inner folds; 'gcvAtMax' the same unless they choose the grid's
   * largest alpha, then by generalized cross-validation on the whole window (the ladder's phase 3
   * on windows whose inner folds cannot identify terms the window can: ladder.ts phase3RefitAlpha).
   */
  refitAlpha?: 'inner' | 'gcvAtMax';
}

export interface ChosenModel {
  kind: ModelKind;
  /** Ridge refitted on [0, trainEnd) (always fitted: cheap, and the fallback of every choice). */
  ridge: RidgeModel;
  /** GBM refitted on [0, trainEnd) when it carries weight (ridgeWeight < 1), else null. */
  gbm: GbmModel | null;
  /** Prediction = ridgeWeight x Ridge + (1 - ridgeWeight) x GBM. */
  ridgeWeight: number;
  /** Ridge alpha of the refit (re-selected on the full training rows). */
  alpha: number;
  /** Trees of the refitted GBM (the inner early-stopped count), null without a GBM. */
  gbmTrees: number | null;
  /** Why this model: the rule and the inner-validation figures. */
  reason: string;
  /** Inner-validation R² of each candidate (null when not computed). */
  innerR2: { ridge: number; gbm: number | null; blend: number | null };
}

export interface ResolvedChoose {
  alphas: readonly number[];
  blend: 'rule' | 'tuned';
  passBar: number;
  ruleWeight: number;
  validationFraction: number;
  gbm: GbmOptions;
  featureNames: string[] | undefined;
  gap: number;
}

/** Merges defaults and checks every option; GBM options are checked by validateGbmOptions. */
export function resolveChooseOptions(options: ChooseOptions = {}): ResolvedChoose {
  const alphas = options.alphas ?? DEFAULT_ALPHAS;
  checkAlphaGrid(alphas);
  const blend = options.blend ?? PHASE_DEFAULTS.blend;
  if (blend !== 'rule' && blend !== 'tuned') {
    throw new RangeError(`blend must be 'rule' or 'tuned' (got ${String(blend)})`);
  }
  const passBar = options.passBar ?? PASS_THRESHOLD;
  if (!(Number.isFinite(passBar) && passBar <= 1)) {
    throw new RangeError(`passBar must be a finite number <= 1 (got ${passBar})`);
  }
  const ruleWeight = options.ruleWeight ?? 0.4;
  if (!(Number.isFinite(ruleWeight) && ruleWeight >= 0 && ruleWeight <= 1)) {
    throw new RangeError(`ruleWeight must be in [0, 1] (got ${ruleWeight})`);
  }
  const validationFraction = options.validationFraction ?? DEFAULT_VALIDATION_FRACTION;
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new RangeError(`validationFraction must be in (0, 1) (got ${validationFraction})`);
  }
  const gap = options.gap ?? PHASE_DEFAULTS.gap;
  if (!(Number.isInteger(gap) && gap >= 0)) {
    throw new RangeError(`gap must be an integer >= 0 (got ${gap})`);
  }
  const gbmSeed = options.gbm?.seed;
  if (options.seed !== undefined && gbmSeed !== undefined && options.seed !== gbmSeed) {
    throw new RangeError(`seed ${options.seed} conflicts with gbm.seed ${gbmSeed}: give one`);
  }
  const gbm = validateGbmOptions({
    ...options.gbm,
    seed: options.seed ?? gbmSeed ?? GBM_DEFAULTS.seed,
  });
  return {
    alphas,
    blend,
    passBar,
    ruleWeight,
    validationFraction,
    gbm,
    featureNames: options.featureNames,
    gap,
  };
}

/**
 * Inner split of the training rows [0, trainEnd): validation = the last
 * max(1, floor(fraction x trainEnd)) rows, inner training = the rows before it minus `gap`.
 */
export function innerSplit(
  trainEnd: number,
  validationFraction: number,
  gap = 0,
): { innerTrainEnd: number; validStart: number } {
  const nValid = Math.max(1, Math.floor(validationFraction * trainEnd));
  const validStart = trainEnd - nValid;
  return { innerTrainEnd: validStart - gap, validStart };
}

function rowIndices(start: number, end: number): Int32Array {
  const rows = new Int32Array(end - start);
  for (let i = 0; i < rows.length; i++) rows[i] = start + i;
  return rows;
}

/** w a + (1 - w) b elementwise (w = 1 or 0 return a copy of one side, bit for bit). */
function mix(
  a: Float64Array,
  b: Float64Array,
  w: number,
  out: Float64Array = new Float64Array(a.length),
): Float64Array {
  if (w === 1) out.set(a);
  else if (w === 0) out.set(b);
  else for (let i = 0; i < a.length; i++) out[i] = w * a[i] + (1 - w) * b[i];
  return out;
}

const f2 = (x: number): string => x.toFixed(2);
const f1 = (x: number): string => x.toFixed(1);

/** Kind of a Ridge weight: 1 Ridge, 0 GBM, otherwise a blend. */
function kindOf(w: number): ModelKind {
  return w === 1 ? 'ridge' : w === 0 ? 'gbm' : 'blend';
}

/**
 * Chooses Ridge / GBM / blend on the inner split of [0, trainEnd) and refits the choice on all
 * of [0, trainEnd). Ridge alpha is tuned (selectAlpha, 3 inner folds) on the inner-training rows
 * for the choice and again on the full training rows for the refit; the GBM is trained only
 * when the rule needs it (Ridge below passBar) or in 'tuned' mode.
 */
export function chooseAndFit(
  columns: Float64Array[],
  y: Float64Array,
  trainEnd: number,
  options: ChooseOptions = {},
): ChosenModel {
  const o = resolveChooseOptions(options);
  if (columns.length === 0) throw new RangeError('chooseAndFit needs at least one feature column');
  for (let j = 0; j < columns.length; j++) {
    if (columns[j].length !== y.length) {
      throw new RangeError(`column ${j} has ${columns[j].length} rows but y has ${y.length}`);
    }
  }
  if (o.featureNames !== undefined && o.featureNames.length !== columns.length) {
    throw new RangeError(
      `featureNames has ${o.featureNames.length} names but there are ${columns.length} columns`,
    );
  }
  if (!(Number.isInteger(trainEnd) && trainEnd >= 1 && trainEnd <= y.length)) {
    throw new RangeError(`trainEnd must be an integer in 1..${y.length} (got ${trainEnd})`);
  }
  const { innerTrainEnd, validStart } = innerSplit(trainEnd, o.validationFraction, o.gap);
  // The alpha search needs ALPHA_INNER_FOLDS + 1 blocks of at least 1 row plus gaps.
  const minInner = ALPHA_INNER_FOLDS + 1 + o.gap;
  if (innerTrainEnd < minInner) {
    throw new RangeError(
      `${trainEnd} training rows leave ${Math.max(0, innerTrainEnd)} inner-training rows after ` +
        `holding out ${trainEnd - validStart} for validation (gap ${o.gap}); need at least ${minInner}`,
    );
  }

  // One pass of prefix moments serves the four Ridge fits (inner and full alpha searches, both fits).
  const ends = [
    innerTrainEnd,
    trainEnd,
    ...innerTrainEnds(innerTrainEnd, ALPHA_INNER_FOLDS, o.gap),
    ...innerTrainEnds(trainEnd, ALPHA_INNER_FOLDS, o.gap),
  ];
  const moments = new PrefixMoments(columns, y, ends);
  const selOpts = { gap: o.gap, moments };

  // Inner fit and validation of Ridge.
  const validRange = { start: validStart, end: trainEnd };
  const yValid = y.subarray(validStart, trainEnd);
  const innerAlpha = selectAlpha(
    columns,
    y,
    innerTrainEnd,
    o.alphas,
    ALPHA_INNER_FOLDS,
    selOpts,
  ).alpha;
  const innerRidge = solveRidge(ridgeSystem(moments.at(innerTrainEnd)), innerAlpha);
  const ridgeValid = predictRidge(innerRidge, columns, validRange);
  const ridgeR2 = r2(yValid, ridgeValid);

  let weight: number;
  let reason: string;
  let gbmR2: number | null = null;
  let blendR2: number | null = null;
  let gbmRounds = 0;
  const needGbm = options.keepRidge === undefined && (o.blend === 'tuned' || ridgeR2 < o.passBar);
  if (options.keepRidge !== undefined) {
    weight = 1;
    reason = options.keepRidge;
  } else if (!needGbm) {
    weight = 1;
    reason = `ridge inner-validation R² ${f2vs(ridgeR2, o.passBar)} >= ${f2(o.passBar)}`;
  } else {
    const validRows = rowIndices(validStart, trainEnd);
    const innerGbm = trainGbm(columns, y, {
      ...o.gbm,
      lambdaL1: scaledL1(o.gbm.lambdaL1, y, innerTrainEnd),
      trainEnd: innerTrainEnd,
      valid: { columns, y, rows: validRows },
      featureNames: o.featureNames,
    });
    gbmRounds = innerGbm.nTrees;
    const gbmValid = predictGbm(innerGbm, columns, validRows);
    gbmR2 = r2(yValid, gbmValid);
    if (o.blend === 'rule') {
      if (gbmR2 >= o.passBar) {
        weight = 0;
        reason = `ridge ${f2vs(ridgeR2, o.passBar)} < ${f2(o.passBar)}, gbm inner-validation R² ${f2vs(gbmR2, o.passBar)} >= ${f2(o.passBar)}`;
      } else {
        weight = o.ruleWeight;
        blendR2 = r2(yValid, mix(ridgeValid, gbmValid, weight));
        reason =
          `ridge ${f2vs(ridgeR2, o.passBar)} < ${f2(o.passBar)}, gbm ${f2vs(gbmR2, o.passBar)} < ${f2(o.passBar)}: ` +
          `blend ${f1(weight)} ridge + ${f1(1 - weight)} gbm (inner-validation R² ${f2(blendR2)})`;
      }
      // Added complexity stays only where inner validation supports it: a GBM or blend that
      // does not beat Ridge on the inner-validation rows falls back to Ridge.
      const ruleR2 = weight === 0 ? gbmR2 : (blendR2 as number);
      if (!(ruleR2 > ridgeR2)) {
        reason =
          `ridge ${f2(ridgeR2)} < ${f2(o.passBar)}, but the rule's ${weight === 0 ? 'gbm' : 'blend'} ` +
          `(inner-validation R² ${f2(ruleR2)}) is not better: ridge kept`;
        weight = 1;
      }
    } else {
      // Largest Ridge weight first, so a tie keeps the larger Ridge weight (strict >).
      const buf = new Float64Array(yValid.length);
      weight = 1;
      let best = -Infinity;
      for (let k = TUNED_STEPS; k >= 0; k--) {
        const w = k / TUNED_STEPS;
        const score = r2(yValid, mix(ridgeValid, gbmValid, w, buf));
        if (score > best) {
          best = score;
          weight = w;
        }
      }
      blendR2 = best;
      reason =
        `tuned: ${f1(weight)} ridge + ${f1(1 - weight)} gbm maximizes inner-validation R² ` +
        `${f2(best)} (ridge ${f2(ridgeR2)}, gbm ${f2(gbmR2)})`;
    }
    reason += `; gbm early-stopped at ${gbmRounds} trees`;
  }

  // Refit on all training rows.
  let alpha = selectAlpha(columns, y, trainEnd, o.alphas, ALPHA_INNER_FOLDS, selOpts).alpha;
  if (options.refitAlpha === 'gcvAtMax' && alpha === Math.max(...o.alphas)) {
    const innerAlpha = alpha;
    alpha = selectAlphaGcv(columns, y, trainEnd, o.alphas, moments.at(trainEnd)).alpha;
    reason +=
      `; refit alpha ${alpha} by generalized cross-validation (the inner folds, which cannot ` +
      `identify the window's yearly terms, chose the grid's largest, ${innerAlpha})`;
  }
  const ridge = solveRidge(ridgeSystem(moments.at(trainEnd)), alpha);
  let gbm: GbmModel | null = null;
  if (weight < 1) {
    gbm = trainGbm(columns, y, {
      ...o.gbm,
      lambdaL1: scaledL1(o.gbm.lambdaL1, y, trainEnd),
      nEstimators: gbmRounds,
      trainEnd,
      featureNames: o.featureNames,
    });
  }
  return {
    kind: kindOf(weight),
    ridge,
    gbm,
    ridgeWeight: weight,
    alpha,
    gbmTrees: gbm ? gbm.nTrees : null,
    reason,
    innerR2: { ridge: ridgeR2, gbm: gbmR2, blend: blendR2 },
  };
}

/** Predictions of a chosen model on the given rows: w x Ridge + (1 - w) x GBM. */
export function predictChosen(
  model: ChosenModel,
  columns: Float64Array[],
  rows: Rows,
): Float64Array {
  const w = model.ridgeWeight;
  const ridgePred = w > 0 ? predictRidge(model.ridge, columns, rows) : null;
  if (w === 1 && ridgePred) return ridgePred;
  if (!model.gbm) throw new Error(`chosen model has Ridge weight ${w} < 1 but no GBM`);
  const idx = isRowRange(rows)
    ? rowIndices(rows.start, rows.end)
    : rows instanceof Int32Array
      ? rows
      : Int32Array.from(rows as ArrayLike<number>);
  if (idx.length !== rowCount(rows)) throw new RangeError('row selection is inconsistent');
  const gbmPred = predictGbm(model.gbm, columns, idx);
  if (!ridgePred) return gbmPred;
  return mix(ridgePred, gbmPred, w, gbmPred);
}
