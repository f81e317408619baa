/**
 * The phase ladder: phase k's model of one outer fold, with a per-fold fallback to what phase k-1
 * would fit there when validation inside the fold's training window does not support phase k.
 *
 *   fit(k, T): own(k, T) if k = 0; otherwise judge phase k on the validation blocks of [0, T)
 *              (validationBlocks: the last min(horizon, T / 3) rows [V, T), at least
 *              MIN_VALIDATION_ROWS, then the same rule on the rows before V - gap, and so on while the
 *              rows before a block number at least T / MIN_WINDOW_DIVISOR; on the outer folds these
 *              are the earlier folds' test blocks). On each block fit own(k, V - gap) and
 *              fit(k-1, V - gap) on the rows before it; keep phase k (refitted as own(k, T)) only
 *              when its R² minus phase k-1's, averaged over the blocks, is positive; else use
 *              fit(k-1, T) (daily phase 3: the mean of fit(2, T) and own(3, T), fallbackMix).
 *              Daily phase 3 is kept outright only where its mean gain exceeds
 *              KEEP_STANDARD_ERRORS standard errors of the blocks' noise (noiseAwareKeep); a
 *              smaller gain takes the same mean as a failed check. Weekly phase 3 is kept
 *              outright only where a one-sided paired t-test over its blocks' R² gains rejects
 *              "no gain" at WEEKLY_KEEP_LEVEL (two blocks at least); else the same mean.
 *              Daily phases 1-2 (stacking) are not kept or dropped but stacked: fit(k-1, T) +
 *              w x (own(k, T) - fit(k-1, T)), w in [0, 1] the share that maximizes the blocks'
 *              mean R² (stackingWeight); a block whose phase-2 candidate keeps Ridge is judged
 *              with phase 1's laddered model, as the whole window is.
 *              Daily phases 1-2 that no block can judge (the rows before the latest block
 *              cannot identify the window's yearly terms) use fit(k-1, T) (uncheckedFallsBack).
 *              Phase 2 whose model of [0, T) is Ridge (phase 1's model) uses fit(1, T) without a
 *              check. One block of 10-20 weeks is noisy: judged on it alone, phase k was kept
 *              by luck. The simpler candidate is itself laddered, so a phase is judged against the
 *              chain below it.
 *   own(k, T): phase k's procedure on rows [0, T), with the calendar terms the window cannot
 *              identify left out (support.ts):
 *              0: Ridge on spend, weather, controls, calendar; alpha 1 (weekly data: by
 *                 generalized cross-validation on the window's rows, phase0Alpha)
 *              1: + spend x weather, weather squared; alpha by inner TimeSeriesSplit(3)
 *              Weekly phases 0-1: the mean of that Ridge and a Ridge whose channels' returns
 *              per unit of spend are shrunk toward their common value and whose trend is
 *              damped (pooledMeanFit, weeklyPooled); daily windows of one to two years the
 *              same, the trend damped more unless it is strong (dailyPooled,
 *              dailyPooledWindow, dailyPooledFit)
 *              2: chooseAndFit (Ridge / GBM / blend) on the phase-1 design
 *              3: adstock/Hill search, then chooseAndFit on the phase-3 design; on daily data
 *                 its weather terms are held within the window's range on later rows (weatherHeld);
 *                 on weekly data the search fits one shape shared by the channels
 *                 (weeklySharedMedia),
 *                 channels with a negative adstock/Hill effect are left out, its predictions are
 *                 averaged with phase 1's laddered model of the same window (the log-spend
 *                 terms), and an unchecked window keeps it where it holds 2 rows per
 *                 coefficient, as phases 2-3 of any data (else phase 2's laddered model)
 *              Weekly data (docs/modeling.md, "Weekly data: unchecked phases average with the
 *              phase below, phase 2 keeps Ridge"): phase 2 keeps Ridge (its model is phase 1's); a
 *              kept phase 1 (checked or not) forecasts with the mean of its model and phase 0's; a
 *              phase 3 kept unchecked, turned down by its blocks, or won on them within their
 *              noise (weeklyKeepTest), with the mean of its model and phase 2's laddered one
 *              (phase 3 kept on its blocks beyond their noise: its own model).
 * Reads no row at or after T: every candidate, validation and refit lives inside [0, T).
 */
import { baselineForecasts } from '../core/baselines.js';
import {
  buildDesign,
  growthTrendColumn,
  modelWeatherNames,
  type Design,
} from '../core/features.js';
import { PROTOCOL_RULE, type Fold } from '../core/folds.js';
import { mean, r2 } from '../core/metrics.js';
import { pairedTTestLess } from '../core/paired-t.js';
import {
  DEFAULT_ALPHAS,
  fitRidge,
  innerTrainEnds,
  predictRidge,
  ridgeSystem,
  selectAlpha,
  selectAlphaGcv,
  selectPooledRidge,
  averageRidgeModels,
  POOLED_TREND_PENALTY,
  type PooledPenalty,
  type PooledRidgeFit,
  trendPartialR2,
  solveRidge,
  type RidgeModel,
} from '../core/ridge.js';
import { PrefixMoments, type Moments } from '../core/standardize.js';
import type { TenantSeries } from '../core/types.js';
import {
  ALPHA_INNER_FOLDS,
  chooseAndFit,
  DEFAULT_VALIDATION_FRACTION,
  innerSplit,
  predictChosen,
  type ChooseOptions,
  type ChosenModel,
} from './choose.js';
import { buildMediaDesign, mediaColumnName } from './media.js';
import {
  searchMediaParams,
  searchSharedMediaParams,
  sharedMediaShapeFits,
  type MediaSearchOptions,
  type MediaSearchResult,
} from './search.js';
import {
  clampedBeyondWindow,
  heldTerms,
  isWeatherTerm,
  singleRowTerms,
  windowPulses,
  trendHeldFlat,
  unsupportedTerms,
  windowColumns,
  windowGrowth,
  GROWTH_RIDGE,
} from './support.js';
import type { FoldEvaluation } from './result.js';
import type { ChannelParams, FallbackRecord, ModelKind, PhaseId } from './types.js';

/**
 * Why weekly phase 2 keeps Ridge (chooseAndFit keepRidge): the reason its model records.
 * docs/modeling.md, "Weekly data: unchecked phases average with the phase below, phase 2 keeps Ridge".
 */
export const WEEKLY_PHASE2_RIDGE =
  'ridge kept: on weekly windows of 1-3 years a GBM or blend kept on 10-20-week validation blocks lost more often than it gained';

/**
 * Why weekly phase 3 keeps Ridge: the reason its model records. A GBM or blend chosen on the inner
 * split of a 52-103-week window forecast the next weeks far worse than the Ridge of the same
 * columns (docs/modeling.md, "Weekly phase 3 keeps Ridge under two years").
 */
export const WEEKLY_PHASE3_RIDGE =
  'ridge kept: on weekly windows under two years a GBM or blend chosen on the inner split forecast worse than the Ridge';
/** Weekly windows shorter than this (two years of weeks) keep phase 3's Ridge (WEEKLY_PHASE3_RIDGE). */
export const WEEKLY_PHASE3_RIDGE_ROWS = 104;

/** Least validation rows of a fallback decision; below it the fold keeps the simpler phase. */
export const MIN_VALIDATION_ROWS = 4;
/** One validation block [start, end) of a training window, judged by models of rows [0, candEnd). */
export interface ValidationBlock {
  start: number;
  end: number;
  candEnd: number;
  /** The candidate window leaves out the same calendar terms as the whole window. */
  sameTerms: boolean;
}

/**
 * Earliest validation block of a T-row window: the rows before it (its candidates' training rows)
 * number at least T / MIN_WINDOW_DIVISOR, and at least the protocol's least first training window
 * (PROTOCOL_RULE.minFirstTrain: 91 daily, 26 weekly rows). Earlier blocks judge models of much less
 * data than the fold's (and on the first fold each deeper block would cost one more phase-3
 * search); a candidate of fewer rows than any outer fold may train on is a model the protocol
 * itself would not validate: on a year of daily rows the phase-3 search on 77 rows scored -42 on
 * its block and alone turned the mean against a phase that won the two later blocks
 * (docs/modeling.md, "Daily data of one year and a half").
 */
export const MIN_WINDOW_DIVISOR = 3;

/** Least training rows per coefficient of phase k's design for phase k to be kept without a check. */
export const MIN_ROWS_PER_COEFFICIENT = 2;

/** Mean validation R² gain that counts as no gain (rounding between equal models). */
export const GAIN_ROUNDING = 1e-9;
/** Noise factor of a stacking share (stackingNoiseFactor) that counts as 0 (rounding of se / gain = 1). */
export const NOISE_FACTOR_ROUNDING = 1e-9;

/**
 * What one validation block says of the stacked forecast p + w (q - p) of a simpler model's
 * forecast p and a phase's own q: its R² is 1 - sum((r - w d)^2) / SST with r = y - p and
 * d = q - p, so it is a concave quadratic in w given by the two sums r.d / SST and d.d / SST.
 */
export interface StackingTerms {
  /** sum over the block of (y - p)(q - p), over the block's total sum of squares. */
  rd: number;
  /** sum over the block of (q - p)^2, over the block's total sum of squares. */
  dd: number;
}

/** stackingTerms of one block (actual y, simpler forecast p, the phase's own q); null when y is constant. */
export function stackingTerms(
  actual: ArrayLike<number>,
  simpler: ArrayLike<number>,
  own: ArrayLike<number>,
): StackingTerms | null {
  const n = actual.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += actual[i];
  m /= n;
  let sst = 0;
  let rd = 0;
  let dd = 0;
  for (let i = 0; i < n; i++) {
    sst += (actual[i] - m) ** 2;
    const d = own[i] - simpler[i];
    rd += (actual[i] - simpler[i]) * d;
    dd += d * d;
  }
  if (!(sst > 0)) return null;
  return { rd: rd / sst, dd: dd / sst };
}

/**
 * Rows per batch of the standard error of a daily validation gain (blockGainError): a week.
 * Neighbouring rows share carry-over, weather spells and the weekday cycle, so single rows are
 * not independent; batches of a week are treated as independent. Weekly data judge their blocks
 * as units instead (weeklyKeepTest: 4-week batches were measured and not kept). docs/modeling.md,
 * "Phase 3 kept only beyond the blocks' noise".
 */
export const NOISE_BATCH_ROWS = 7;

/**
 * Standard errors by which phase 3's mean validation gain must exceed zero for the fold to keep
 * phase 3's own model outright (noiseAwareKeep); below it the fold takes the hedge of a failed
 * check. Measured at 1 and 2 (docs/modeling.md, "Phase 3 kept only beyond the blocks' noise").
 */
export const KEEP_STANDARD_ERRORS = 2;

/**
 * Weekly phase 3 (noiseAwareKeep): the one-sided level of the paired t-test over the validation
 * blocks' R² gains (core/paired-t.ts; the blocks are the units, df = blocks - 1) below which the
 * fold keeps phase 3's own model outright; otherwise, and with one block, it takes the hedge of a
 * failed check (the mean with phase 2's laddered model). A weekly block's rows share one level
 * error of the base (10-20 rows from one forecast origin), so its rows or 4-week batches are not
 * independent and their standard error is too small (measured: 2 standard errors of 4-week
 * batches still kept phase 3 where it then lost); blocks from different origins are the units
 * whose spread is the check's noise, and with 2-4 of them the t quantile, not 2, is the honest
 * threshold. docs/modeling.md, "Weekly phase 3 kept only beyond its blocks' noise".
 */
export const WEEKLY_KEEP_LEVEL = 0.025;

/**
 * The weekly keep test (WEEKLY_KEEP_LEVEL): one-sided paired t-test of phase 3's validation R²
 * against the simpler phase's, block by block. null with fewer than 2 blocks (no spread to judge
 * the gain by). p_value: the chance of a mean gain this large where phase 3 is no better.
 */
export function weeklyKeepTest(
  phaseR2: readonly number[],
  previousR2: readonly number[],
): { gain: number; standardError: number; pValue: number } | null {
  if (phaseR2.length < 2) return null;
  // pairedTTestLess(before, after) tests after < before: here the simpler phase below phase 3.
  const t = pairedTTestLess(phaseR2, previousR2);
  return { gain: -t.mean_difference, standardError: t.standard_error, pValue: t.p_value };
}

/**
 * Per-row terms of a block's R² gain of a phase's own forecast q over a simpler forecast p:
 * ((y - p)^2 - (y - q)^2) / SST, which sum to R²(q) - R²(p) over the block. All 0 when y is
 * constant on the block.
 */
export function pairedGainRows(
  actual: ArrayLike<number>,
  simpler: ArrayLike<number>,
  own: ArrayLike<number>,
): Float64Array {
  const n = actual.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += actual[i];
  m /= n;
  let sst = 0;
  for (let i = 0; i < n; i++) sst += (actual[i] - m) ** 2;
  const out = new Float64Array(n);
  if (!(sst > 0)) return out;
  for (let i = 0; i < n; i++) {
    out[i] = ((actual[i] - simpler[i]) ** 2 - (actual[i] - own[i]) ** 2) / sst;
  }
  return out;
}

/**
 * The mean R² gain over validation blocks (pairedGainRows of each block) and its standard error:
 * each block is cut into consecutive batches of `batch` rows (the last may be shorter), a batch's
 * terms summed and divided by the number of blocks, so the gain is the sum of the m batch sums;
 * with the batches taken as independent its standard error is sqrt(m) times their standard
 * deviation. Infinite with fewer than 2 batches (no evidence of noise: no gain stands out).
 */
export function blockGainError(
  blocks: readonly Float64Array[],
  batch: number,
): { gain: number; standardError: number } {
  if (!(Number.isInteger(batch) && batch >= 1)) {
    throw new RangeError(`batch must be a positive integer (got ${batch})`);
  }
  const sums: number[] = [];
  for (const b of blocks) {
    for (let s = 0; s < b.length; s += batch) {
      let v = 0;
      for (let i = s; i < Math.min(b.length, s + batch); i++) v += b[i];
      sums.push(v / blocks.length);
    }
  }
  const m = sums.length;
  const gain = sums.reduce((a, v) => a + v, 0);
  if (m < 2) return { gain, standardError: Infinity };
  const avg = gain / m;
  const variance = sums.reduce((a, v) => a + (v - avg) ** 2, 0) / (m - 1);
  return { gain, standardError: Math.sqrt(m * variance) };
}

/**
 * The factor by which the noise of its validation gain shrinks a stacking share (LadderOptions
 * stackingNoise): max(0, 1 - (se / gain)^2), where gain is the blocks' mean R² gain of the stacked
 * forecast p + w0 (q - p) over p at the blocks' maximizer w0 (stackingWeight without shrink) and se
 * its standard error: the larger of the one from week batches of the blocks' rows (blockGainError,
 * NOISE_BATCH_ROWS) and, with two blocks or more, the one from the blocks as units (sample deviation
 * of their gains over sqrt(blocks)). A block's rows share its forecast origin, so a level error
 * moves all its batches together and the batches alone understate the noise (the weekly check takes
 * the blocks as units for that reason: weeklyKeepTest); with two to six blocks their own deviation is
 * itself rough, so neither is taken alone. With gain ~ N(G, se^2), E[gain^2] = G^2 + se^2, so
 * (gain^2 - se^2) / gain^2 estimates the share of the observed gain that is signal: the positive-part
 * James-Stein factor (Efron and Morris 1973), pulling the share toward the simpler model as far as the
 * blocks' own noise says. 0 where the gain is not positive or has no estimable noise (fewer than 2
 * batches).
 */
export function stackingNoiseFactor(
  blocks: readonly {
    actual: ArrayLike<number>;
    simpler: ArrayLike<number>;
    own: ArrayLike<number>;
  }[],
  w0: number,
): { factor: number; gain: number; standardError: number } {
  const rows = blocks.map(({ actual, simpler, own }) =>
    pairedGainRows(
      actual,
      simpler,
      Float64Array.from(
        { length: actual.length },
        (_, i) => simpler[i] + w0 * (own[i] - simpler[i]),
      ),
    ),
  );
  const batches = blockGainError(rows, NOISE_BATCH_ROWS);
  const { gain } = batches;
  let standardError = batches.standardError;
  if (rows.length >= 2) {
    // The blocks as units: the paired test's standard error of their gains (each block's rows sum
    // to its R² gain), as weeklyKeepTest takes it.
    const gains = rows.map((r) => r.reduce((a, v) => a + v, 0));
    const units = pairedTTestLess(
      gains.map(() => 0),
      gains,
    ).standard_error;
    standardError = Math.max(standardError, units);
  }
  // A block whose two forecasts agree (a phase-2 candidate that keeps Ridge there) has gain 0, and
  // with one other block the blocks' standard error is then the mean gain itself (se / gain = 1):
  // 1 - 1 in floating point left a factor of 1e-16 about half the time, which kept the phase (its
  // model named, its GBM trained) for a share of 1e-16 that another currency unit made 0.
  const raw =
    gain > 0 && Number.isFinite(standardError) ? Math.max(0, 1 - (standardError / gain) ** 2) : 0;
  const factor = raw > NOISE_FACTOR_ROUNDING ? raw : 0;
  return { factor, gain, standardError };
}

/**
 * The share w in [0, 1] of a phase's own forecast in p + w (q - p) that maximizes the mean R² of
 * the validation blocks: the mean is 1 - mean(SSE_b(w) / SST_b), a concave quadratic in w, whose
 * maximum is at sum(rd) / sum(dd), clipped to [0, 1]. With `shrink` (the ladder's default,
 * LadderOptions.stackingShrink) that share is taken times n / (n + 1) for n blocks: a prior toward
 * the simpler model worth one block (one block: half the share, as an unchecked fold's mean with
 * phase 0; four blocks: 0.8 of it). 0 where the two forecasts agree on every
 * block (nothing shown for the phase). One number chosen on the training window's own blocks: a
 * keep/fall-back switch (w = 0 or 1) is its special case, and the mean R² of the blocks at w is at
 * least that of either model alone (docs/modeling.md, "Daily phases 1-2 stacked on their blocks").
 */
export function stackingWeight(
  terms: readonly StackingTerms[],
  options: { shrink?: boolean } = {},
): number {
  let rd = 0;
  let dd = 0;
  for (const t of terms) {
    rd += t.rd;
    dd += t.dd;
  }
  if (!(dd > 0)) return 0;
  const w = Math.min(1, Math.max(0, rd / dd));
  // shrink: the blocks' share in [0, 1] times n / (n + 1), pulled toward the simpler model as if
  // one more block had shown nothing for phase k.
  const n = terms.length;
  return options.shrink ? (w * n) / (n + 1) : w;
}

/** Parameters the phase-3 search chooses per channel: decay, Hill k and Hill s. */
export const SEARCHED_PARAMETERS_PER_CHANNEL = 3;

/**
 * Weight of phase 1's laddered model (log-spend terms) in weekly phase 3's model; the adstock/Hill
 * model has the rest. Equal weights: nothing is tuned (docs/modeling.md, "Weekly phase 3").
 */
export const WEEKLY_MIX_WEIGHT = 0.5;

/**
 * Weight of phase 3's own model when a daily fold's validation blocks do not support it: the fold
 * forecasts with the mean of that model and phase 2's laddered one (predictFold's equal weights,
 * as WEEKLY_MIX_WEIGHT; nothing is tuned). docs/modeling.md, "Daily phase 3: a failed check
 * averages".
 */
export const FALLBACK_MIX_WEIGHT = WEEKLY_MIX_WEIGHT;

/**
 * Weekly phase 3: channels whose adstock/Hill term gets a negative coefficient are left out of the
 * model of the window (its main term and its weather interactions), one Ridge refit after another
 * at the window's chosen alpha, until every channel left has a non-negative effect. Correlated
 * channels otherwise offset each other (one channel +1.6e5, its correlated neighbour -3.3e5), and
 * such pairs forecast badly once the budget shares move; a media effect below zero is not a media
 * effect (Robyn and most MMMs constrain it the same way). Decided on the window's rows only
 * (docs/modeling.md, "Weekly phase 3: media effects kept non-negative").
 */
export function nonNegativeMediaColumns(
  names: readonly string[],
  columns: readonly Float64Array[],
  y: Float64Array,
  T: number,
  alpha: number,
  channels: readonly string[],
): { columns: Float64Array[]; left: string[] } {
  const mains = channels.map((c) => names.indexOf(mediaColumnName(c)));
  const left: string[] = [];
  let cols = columns.slice();
  for (let round = 0; round < channels.length; round++) {
    const model = fitRidge(cols, y, { start: 0, end: T }, alpha);
    const negative = channels.filter(
      (c, i) => mains[i] >= 0 && cols[mains[i]] === columns[mains[i]] && model.coef[mains[i]] < 0,
    );
    if (negative.length === 0) break;
    const prefixes = negative.map(mediaColumnName);
    cols = cols.map((col, j) =>
      prefixes.some((m) => names[j] === m || names[j].startsWith(`${m}_x_`))
        ? new Float64Array(col.length)
        : col,
    );
    left.push(...negative);
  }
  return { columns: cols, left };
}

/**
 * Whether the fold models of data of this frequency get temperature hinges (core/features.ts
 * temperatureHinges): daily data. Weekly rows average a week's temperature, which moves the
 * curve's kinks; not measured there (docs/modeling.md, "Temperature as a piecewise-linear curve").
 */
export function temperatureHingesFor(frequency: 'daily' | 'weekly'): boolean {
  return frequency === 'daily';
}

/** Phase 0's fixed Ridge alpha (the plan's; linear.ts PHASE0_ALPHA). */
const PHASE0_ALPHA = 1;

/**
 * Phase 0's Ridge alpha of a T-row window. Daily data: the plan's fixed alpha 1 (PHASE0_ALPHA; the
 * built-in tenants' figures). Weekly data: chosen on the window's rows by generalized
 * cross-validation over the alpha grid (selectAlphaGcv). At alpha 1 a year of weeks with
 * channels, weather and the calendar (25-45 columns for 52-56 rows) is nearly unshrunk (a weekly
 * dev tenant's phase-0 mean fold R² was -2.07); phase 1's inner TimeSeriesSplit would judge
 * alphas by models of 14-42 rows that cannot identify the yearly terms (docs/modeling.md, "Weekly phase 0: alpha by generalized
 * cross-validation").
 */
export function phase0Alpha(
  frequency: TenantSeries['frequency'],
  columns: readonly Float64Array[],
  y: Float64Array,
  T: number,
  alphas: readonly number[],
  moments: PrefixMoments,
): number {
  if (frequency !== 'weekly') return PHASE0_ALPHA;
  return selectAlphaGcv(columns, y, T, alphas, moments.at(T)).alpha;
}

/**
 * The pooled penalty of a weekly log-spend design (core/ridge.ts solvePooledRidge): every
 * `<channel>_log_spend` and `<channel>_log_spend_lag1` column, weighted so that its coefficient
 * becomes the channel's revenue per unit of spend over rows [0, T) (each column half of it: the
 * week and the one after), and the trend. A column that sums to 0 on the window (a channel that
 * never spent) is left to the base penalty. Reads no row at or after T.
 */
export function weeklyPooledPenalty(
  series: TenantSeries,
  names: readonly string[],
  columns: readonly Float64Array[],
  T: number,
): PooledPenalty {
  const media: number[] = [];
  const weights: number[] = [];
  series.channels.forEach((channel, c) => {
    const spend = sumBefore(series.spend[c], T);
    const own = [`${channel}_log_spend`, `${channel}_log_spend_lag1`];
    for (const name of own) {
      const j = names.indexOf(name);
      if (j < 0) continue;
      const sum = sumBefore(columns[j], T);
      if (!(spend > 0 && sum > 0)) continue;
      media.push(j);
      weights.push((own.length * sum) / spend);
    }
  });
  return { media, weights, trend: names.indexOf('trend') };
}

/**
 * The pooled penalty of a daily design (core/ridge.ts solvePooledRidge): every `<channel>_spend`
 * column (raw spend, so its coefficient is already the channel's revenue per unit of spend:
 * weight 1) of a channel that spent on rows [0, T), and the trend. Reads no row at or after T.
 */
export function dailyPooledPenalty(
  series: TenantSeries,
  names: readonly string[],
  columns: readonly Float64Array[],
  T: number,
): PooledPenalty {
  const media: number[] = [];
  const weights: number[] = [];
  for (const channel of series.channels) {
    const j = names.indexOf(`${channel}_spend`);
    if (j < 0) continue;
    if (!(sumBefore(columns[j], T) > 0)) continue;
    media.push(j);
    weights.push(1);
  }
  return { media, weights, trend: names.indexOf('trend') };
}

/**
 * Daily windows whose phase-0 and phase-1 models are pooled (pooledMeanFit): from a year (the first
 * window with a trend, support.ts) to under two years. Under a year the pooled fit did not move
 * the forecasts (no trend to damp); from two years the trend is identified by the rows
 * (docs/modeling.md, "Daily phases 0-1 of one to two years: the pooled Ridge").
 */
export const DAILY_POOLED_WINDOW = { from: 365, below: 730 } as const;
/**
 * The trend's penalty multiple in a daily pooled fit unless the trend is strong (dailyPooledFit): a
 * daily window of one to two years cannot tell a moderate trend from its season and its spend plan
 * (docs/modeling.md, same section; weekly windows use POOLED_TREND_PENALTY).
 */
export const DAILY_POOLED_TREND_PENALTY = 100;
/**
 * Least partial R² of the trend (core/ridge.ts trendPartialR2) on a daily pooled window for its
 * penalty multiple to be chosen from DAILY_TREND_PENALTIES instead of DAILY_POOLED_TREND_PENALTY:
 * the trend explains more than half of what the rest of the design leaves. On generated tenants
 * (growth -2..+15 % a year) it stayed at or below 0.40; on data whose level grows 60-120 % in
 * 600 days it was 0.72-0.95 (docs/modeling.md, "Daily pooled windows: a strong trend's penalty
 * chosen from the rows").
 */
export const STRONG_TREND_PARTIAL_R2 = 0.5;
/** Penalty multiples of a strong trend in a daily pooled fit, chosen by GCV with alpha and pool. */
export const DAILY_TREND_PENALTIES: readonly number[] = [1, 10, 100];

/** Whether a daily window of T rows gets the pooled mean (DAILY_POOLED_WINDOW). */
export function dailyPooledWindow(T: number): boolean {
  return T >= DAILY_POOLED_WINDOW.from && T < DAILY_POOLED_WINDOW.below;
}

/**
 * Whether a phase-0 or phase-1 model of T rows is the pooled mean (pooledMeanFit): every weekly
 * window, daily ones of DAILY_POOLED_WINDOW rows. The fold models (PhaseLadder, each switchable
 * by its option) and the all-rows models (final.ts) follow the same rule.
 */
export function pooledWindow(frequency: TenantSeries['frequency'], T: number): boolean {
  return frequency === 'weekly' || dailyPooledWindow(T);
}

/** What a pooled model's reason adds (pooledMeanFit). */
export const POOLED_REASON =
  "averaged with the pooled Ridge (channels' returns shrunk toward their common value, trend damped)";

/**
 * What a pooled model's reason adds, given the trend's penalty multiple it used (pooledMeanFit):
 * POOLED_REASON, or, where a strong daily trend's penalty was chosen below
 * DAILY_POOLED_TREND_PENALTY (dailyPooledFit), the multiple kept.
 */
export function pooledReason(trendPenalty: number | null): string {
  if (trendPenalty === null || trendPenalty >= DAILY_POOLED_TREND_PENALTY) return POOLED_REASON;
  return `averaged with the pooled Ridge (channels' returns shrunk toward their common value; a strong trend, its penalty ${trendPenalty}x chosen by generalized cross-validation)`;
}

/**
 * What a daily phase-3 model of a year adds to its reason (dailyPhase3TrendDamped), given the
 * trend's penalty multiple of the damped Ridge.
 */
export function phase3TrendDampedReason(trendPenalty: number): string {
  return trendPenalty >= DAILY_POOLED_TREND_PENALTY
    ? `Ridge averaged with the Ridge whose trend is damped (${trendPenalty}x: a year cannot tell its trend from its season)`
    : `Ridge averaged with the Ridge whose trend's penalty is ${trendPenalty}x (a strong trend, chosen by generalized cross-validation)`;
}

/** Sum of a column over rows [0, T). */
function sumBefore(column: ArrayLike<number>, T: number): number {
  let sum = 0;
  for (let t = 0; t < T; t++) sum += column[t];
  return sum;
}

/** A pooled fit (core/ridge.ts selectPooledRidge) and the trend's penalty multiple it used. */
export interface TrendPooledFit {
  fit: PooledRidgeFit | null;
  /** Penalty multiple of the trend (times alpha n). */
  trendPenalty: number;
  /** Partial R² of the trend on the window (daily windows with a trend), else null. */
  trendPartialR2: number | null;
}

/**
 * The pooled fit of a daily window's rows [0, T): the trend penalized DAILY_POOLED_TREND_PENALTY
 * times, unless the trend's partial R² on those rows exceeds STRONG_TREND_PARTIAL_R2; then the
 * multiple is chosen among DAILY_TREND_PENALTIES jointly with alpha and pool by GCV on the same
 * rows. A fixed 100x kills a trend that carries the level (60-120 % growth over the data: folds
 * at R² -3.9 where 1x scores 0.37), while on moderate growth it is what gains (docs/modeling.md,
 * "Daily pooled windows: a strong trend's penalty chosen from the rows"). Reads no row at or after T.
 */
export function dailyPooledFit(
  series: TenantSeries,
  names: readonly string[],
  columns: readonly Float64Array[],
  y: Float64Array,
  T: number,
  alphas: readonly number[],
  moments?: Moments,
): TrendPooledFit {
  const penalty = dailyPooledPenalty(series, names, columns, T);
  const fixed = (): TrendPooledFit => ({
    fit: selectPooledRidge(columns, y, T, penalty, alphas, moments, DAILY_POOLED_TREND_PENALTY),
    trendPenalty: DAILY_POOLED_TREND_PENALTY,
    trendPartialR2: null,
  });
  if (penalty.trend < 0) return fixed();
  const share = trendPartialR2(columns, y, T, penalty.trend);
  if (!(share > STRONG_TREND_PARTIAL_R2)) return { ...fixed(), trendPartialR2: share };
  let best: TrendPooledFit | null = null;
  for (const multiple of DAILY_TREND_PENALTIES) {
    const fit = selectPooledRidge(columns, y, T, penalty, alphas, moments, multiple);
    if (fit && (!best?.fit || fit.gcv < best.fit.gcv)) {
      best = { fit, trendPenalty: multiple, trendPartialR2: share };
    }
  }
  return best ?? { ...fixed(), trendPartialR2: share };
}

/**
 * A phase-0 or phase-1 window's model (weekly: WEEKLY_POOLED; daily: dailyPooledWindow): the mean
 * of its Ridge and the pooled Ridge of the same columns (core/ridge.ts selectPooledRidge, its
 * alpha and pool strength by generalized cross-validation on rows [0, T); the trend's penalty
 * POOLED_TREND_PENALTY weekly, dailyPooledFit's daily), one linear model on the same standardized
 * columns, and the trend's penalty multiple. The Ridge alone where no pooled fit can be solved.
 */
export function pooledMeanFit(
  series: TenantSeries,
  names: readonly string[],
  columns: readonly Float64Array[],
  y: Float64Array,
  T: number,
  ridge: RidgeModel,
  alphas: readonly number[],
  moments?: Moments,
): { model: RidgeModel; trendPenalty: number | null } {
  const pooled =
    series.frequency === 'daily'
      ? dailyPooledFit(series, names, columns, y, T, alphas, moments)
      : {
          fit: selectPooledRidge(
            columns,
            y,
            T,
            weeklyPooledPenalty(series, names, columns, T),
            alphas,
            moments,
            POOLED_TREND_PENALTY,
          ),
          trendPenalty: POOLED_TREND_PENALTY,
        };
  return pooled.fit
    ? { model: averageRidgeModels(ridge, pooled.fit.model), trendPenalty: pooled.trendPenalty }
    : { model: ridge, trendPenalty: null };
}

export interface LadderOptions {
  /** Calendar controls (default true). */
  calendar?: boolean;
  /** Weather columns to model (default DEFAULT_WEATHER present in the series). */
  weather?: readonly string[];
  /**
   * Temperature hinge columns in every phase's design and search (core/features.ts
   * temperatureHinges). Default: daily data (temperatureHingesFor).
   */
  temperatureHinges?: boolean;
  /** Inner folds of the phase-1 alpha search (default 3). */
  innerFolds?: number;
  /** Rows dropped between training and validation blocks (default 0). */
  gap?: number;
  /** Ridge alpha grid of phases 1-3 (default 0.01 .. 100). */
  alphas?: readonly number[];
  /** Phases 2-3: chooseAndFit options (blend, passBar, gbm, seed). */
  choose?: Omit<ChooseOptions, 'featureNames' | 'gap' | 'alphas'>;
  /**
   * Daily data: a phase-3 fold whose validation blocks do not support phase 3 forecasts with the
   * mean of phase 3's own model and phase 2's laddered model instead of phase 2's alone, and a
   * phase-1 or phase-2 fold kept where no block can check it (uncheckedFallsBack false) with the
   * mean of its own and phase 0's models (default true; ignored for weekly data). false: the plain
   * ladder.
   */
  fallbackMix?: boolean;
  /**
   * Daily phases 1-2 where no validation block can judge them (the rows before the latest block
   * cannot identify the yearly terms of the window's model: the 367-row window of daily data of two
   * years or more) fall back to phase k-1's laddered model, as a phase turned down by its blocks
   * (default true; ignored for weekly data, whose unchecked first fold keeps phase 1 averaged with
   * phase 0). Kept there, their mean with phase 0 gained on average but was the whole of every
   * daily phase-1 drop of the dev sets (docs/modeling.md, "Daily phases 1-2: an unchecked fold
   * falls back"). false: kept, averaged with phase 0's model (fallbackMix).
   */
  uncheckedFallsBack?: boolean;
  /**
   * Daily phase 3 where no validation block can judge it (the first fold of 367 rows of data of
   * two years or more) forecasts with the mean of its own model and phase 2's laddered model, as a
   * phase 3 whose gain its blocks cannot tell from noise (noiseAwareKeep): no evidence is not
   * evidence of a gain (default true; ignored for weekly data, which has its own hedge). false:
   * kept outright.
   */
  dailyUncheckedHedge?: boolean;
  /**
   * Daily phases 1-2 judged on validation blocks: the fold forecasts with phase k-1's laddered
   * model plus the share stackingWeight of phase k's own model's difference from it, instead of
   * one of the two; a block whose phase-2 candidate keeps Ridge judges phase 1's laddered model
   * (default true; ignored for weekly data). false: keep or fall back as before.
   */
  stacking?: boolean;
  /**
   * Daily phases 1-2 stacked on n blocks take stackingWeight's share times n / (n + 1) (default
   * true): the share that maximizes the mean R² of one to four 28-185-row blocks follows their noise
   * and was 0.9-1 on folds where phase 1 then lost 0.1-0.3 to phase 0 (10-12 correlated channels;
   * docs/modeling.md, "Daily phases 1-2: the stacking share shrunk by its blocks"). false: the
   * blocks' maximizer as is.
   */
  stackingShrink?: boolean;
  /**
   * Daily phases 1-2 stacked on blocks: the share (after stackingShrink) times stackingNoiseFactor,
   * the positive-part James-Stein factor of the gain it buys on the blocks (default true). The
   * blocks' maximizer follows their noise: on daily data of one year (windows of 185-329 rows, two
   * to six 36-row blocks) phase 2 kept shares of 0.3-0.7 on gains of 0.002-0.03 and then lost up to
   * 0.25 on the test block (docs/modeling.md, "Daily phases 1-2: the stacking share shrunk by the
   * noise of its gain"). false: as before.
   */
  stackingNoise?: boolean;
  /**
   * Daily phase 3: every weather term of a window's model (weather, its squares, temperature
   * hinges, spend x weather) held within the range it takes on the window's rows when the model
   * forecasts later rows (clampedBeyondWindow; default true; ignored for weekly data). false: as
   * before. docs/modeling.md, "Daily phase 3: weather held within the window's range".
   */
  weatherHeld?: boolean;
  /**
   * Daily phase 1 (and phase 2 where it keeps phase 1's Ridge): the same hold of its weather
   * terms on the rows after a window (default true; ignored for weekly data). false: as before.
   * docs/modeling.md, "Daily phase 1: weather held within the window's range".
   */
  phase1WeatherHeld?: boolean;
  /**
   * Phase 3's refit alpha by generalized cross-validation where its inner folds cannot identify
   * the window's calendar terms and choose the grid's largest alpha (phase3RefitAlpha; default
   * true; false: the inner folds' alpha everywhere, as before).
   */
  phase3AlphaGuard?: boolean;
  /**
   * A window's temperature knots with too few training rows above (below) them moved to the
   * window's own top (bottom) knot (support.ts windowHinges; default true; false: left out, as
   * before). docs/modeling.md, "The window's top and bottom knots".
   */
  windowKnots?: boolean;
  /**
   * Phase 3 kept on its validation blocks only where its mean R² gain there stands out of the
   * blocks' noise; a smaller gain takes the hedge of a failed check: the fold forecasts with the
   * mean of phase 3's own model and phase 2's laddered one (default true). Daily data (with
   * fallbackMix): the gain exceeds KEEP_STANDARD_ERRORS standard errors (blockGainError, batches
   * of NOISE_BATCH_ROWS). Weekly data (with weeklyMix and weeklyHedge): a one-sided paired t-test
   * over the blocks' R² gains rejects "no gain" at WEEKLY_KEEP_LEVEL (weeklyKeepTest; one block:
   * not kept outright). false: kept on any gain, as before.
   * docs/modeling.md, "Phase 3 kept only beyond the blocks' noise" and "Weekly phase 3 kept only
   * beyond its blocks' noise".
   */
  noiseAwareKeep?: boolean;
  /** Phase 3: search settings. */
  search?: Pick<
    MediaSearchOptions,
    'sweeps' | 'refineRounds' | 'alpha' | 'innerFolds' | 'scheme' | 'blocks' | 'lags'
  >;
  /** Per-fold fallback to the previous phase (default true). */
  fallback?: boolean;
  /**
   * Weekly data: phase 3's model averages its adstock/Hill model with phase 1's laddered model of
   * the same window (default true; ignored for daily data). false: the adstock/Hill model alone.
   */
  weeklyMix?: boolean;
  /**
   * Weekly phase 3 (with weeklyMix): channels with a negative adstock/Hill coefficient are left
   * out of the window's adstock/Hill model (nonNegativeMediaColumns; default true). false: as before.
   */
  nonNegativeMedia?: boolean;
  /**
   * Weekly data: a kept phase-1 fold (on its validation blocks, or unchecked) forecasts with the
   * mean of phase 1's and phase 0's models of the window (default true; ignored for daily data).
   * false: phase 1's own.
   */
  weeklyPhase1Mix?: boolean;
  /**
   * Weekly data: phase 2 keeps Ridge (its model is then phase 1's, and the fold uses phase 1's
   * decision), and a phase-3 fold kept without a check (the first fold) or turned down by its
   * validation blocks forecasts with the mean of phase 3's model and phase 2's laddered one
   * (default true; ignored for daily data). false: phase 2 may take a GBM or blend, an unchecked
   * phase 3 forecasts with its own model and a turned-down one with phase 2's.
   */
  weeklyHedge?: boolean;
  /**
   * Weekly phase 3 (with weeklyMix and weeklyHedge): a fold whose validation blocks turn phase 3
   * down, or show its gain within their noise (noiseAwareKeep), forecasts with phase 2's laddered
   * model instead of the mean of that and phase 3's own (default false: the mean; measured and
   * not kept: docs/modeling.md, "Weekly phase 3: falling back instead of hedging, counted per
   * tenant").
   */
  weeklyFailedFallsBack?: boolean;
  /**
   * Weekly phase 3 (with weeklyMix and weeklyHedge): a fold that no validation block can check
   * (the first folds) forecasts with phase 2's laddered model instead of the mean of that and
   * phase 3's own (default false: the mean; measured and not kept, as weeklyFailedFallsBack).
   */
  weeklyUncheckedFallsBack?: boolean;
  /**
   * Weekly data: phase 3's model of a window under two years (WEEKLY_PHASE3_RIDGE_ROWS) keeps
   * Ridge (chooseAndFit keepRidge WEEKLY_PHASE3_RIDGE) instead of the Ridge / GBM / blend rule of
   * its inner split (default true; ignored for daily data).
   */
  weeklyPhase3Ridge?: boolean;
  /**
   * Weekly data: phase 3's search fits one decay, k_mult and Hill shape shared by every channel
   * (search.ts searchSharedMediaParams) instead of three per channel (default true; ignored for
   * daily data). On 52-150 weekly rows with correlated channels the per-channel search fitted the
   * inner folds' noise (docs/modeling.md, "Weekly phase 3: one shared media shape"). false: the
   * per-channel search, which a search offered delays (`search.lags`) also keeps.
   */
  weeklySharedMedia?: boolean;
  /**
   * Weekly data: each phase-0 and phase-1 window's Ridge is averaged with a Ridge whose channels'
   * returns are shrunk toward their common value and whose trend is damped (pooledMeanFit; default
   * true; ignored for daily data). false: the Ridge alone.
   */
  weeklyPooled?: boolean;
  /**
   * Daily data: each phase-0 and phase-1 window of DAILY_POOLED_WINDOW rows (one to two years) is
   * pooled as weekly windows are, its trend's penalty DAILY_POOLED_TREND_PENALTY (pooledMeanFit;
   * default true; ignored for weekly data). false: the Ridge alone.
   */
  dailyPooled?: boolean;
  /**
   * Daily phase 3: the Ridge of a window whose trend is held after it (support.ts trendHeldFlat:
   * 365-398 rows) is averaged with the Ridge of the same columns whose trend is damped, as phases
   * 0-1 damp it (pooledMeanFit: DAILY_POOLED_TREND_PENALTY unless the trend is strong; the
   * adstock/Hill columns are not pooled). Default false (opt-in): it gained on the generated
   * tenants and lost on an outside recipe whose growth is real (bench/external.ts seasonalDaily:
   * phase 3 0.551 -> 0.507); ignored for weekly data. docs/modeling.md, "Daily phase 3 of one
   * year: the trend damped as in phases 0-1 (measured, not landed)".
   */
  dailyPhase3TrendDamped?: boolean;
  /**
   * Daily windows under a year keep a trend whose partial R² on their rows is above
   * STRONG_TREND_PARTIAL_R2 (strongTrendKept; default true). false: left out as support.ts says.
   */
  strongTrendUnderYear?: boolean;
  /**
   * Windows of 1.2 years or more whose target grows (or shrinks) fast on the log scale take the
   * growth curve as their trend (support.ts windowGrowth, core/features.ts growthTrendColumn;
   * default true).
   */
  growthTrend?: boolean;
  /** Rows of the outer test block: the validation block aims for it (default: a third of T). */
  horizon?: number;
  /** Milliseconds clock for the phase-3 search timings (default performance.now). */
  clock?: () => number;
}

/** One phase's model of one training window. */
export interface FoldFit {
  /** Daily phase 1: the columns without the weather hold, which its check judges. */
  unheldColumns?: Float64Array[];
  /** Phase whose procedure produced this model. */
  phase: PhaseId;
  trainEnd: number;
  names: string[];
  columns: Float64Array[];
  ridge: RidgeModel | null;
  chosen: ChosenModel | null;
  alpha: number | null;
  kind: ModelKind;
  blendWeight: number | null;
  reason: string | null;
  gbmTrees: number | null;
  channelParams: Record<string, ChannelParams> | null;
  search: MediaSearchResult | null;
  /** Calendar terms left out because the window cannot identify them. */
  dropped: string[];
  /**
   * Columns that move on one training row, with the terms built from them (support.ts
   * singleRowTerms): left out of the window's model too; listed with `dropped` in the fold's
   * record, kept apart here because `dropped` also steers the phase-3 search.
   */
  singleRow?: string[];
  /** Terms used inside the window and held at their last training value after it (support.ts). */
  held: string[];
  /** The log growth rate a year of the window's trend curve (growth), or null for a straight trend. */
  growth?: number | null;
  fallback: FallbackRecord | null;
  /**
   * Weekly phase 3: phase 1's laddered model of the same window, whose predictions are averaged
   * with this model's (WEEKLY_MIX_WEIGHT); a daily phase-1 or phase-2 fold kept without a check:
   * phase 0's model of the window (the same weights); null otherwise. (A daily phase-3 fold that
   * fell back averages with phase 3's own model through averagedWith, FALLBACK_MIX_WEIGHT.)
   */
  mixed: FoldFit | null;
  /**
   * Weekly phase 3 kept without a check: phase 2's laddered model of the window; weekly or daily
   * phase 3 whose check failed: phase 3's own model of the window. The fold forecasts with the mean
   * of this model's forecast (its own mix and stacking included) and that one's. Absent otherwise.
   */
  averagedWith?: FoldFit;
  /**
   * A daily phase-1 or phase-2 fold stacked on its validation blocks (stacking): phase k-1's
   * laddered model of the window; the fold forecasts with its forecast plus stackWeight times this
   * model's difference from it. Absent otherwise.
   */
  stackedOn?: FoldFit;
  /** The share w of this model's own forecast over stackedOn's (stackingWeight). */
  stackWeight?: number;
  /** Milliseconds in the phase-3 search (0 otherwise). */
  searchMs: number;
}

/** Predictions of a fold model for rows [start, end) (weekly phase 3: with its mixed partner's). */
export function predictFold(fit: FoldFit, start: number, end: number): Float64Array {
  if (fit.averagedWith) {
    const mine = predictFold({ ...fit, averagedWith: undefined }, start, end);
    const simpler = predictFold(fit.averagedWith, start, end);
    const w = FALLBACK_MIX_WEIGHT;
    for (let i = 0; i < mine.length; i++) mine[i] = (1 - w) * mine[i] + w * simpler[i];
    return mine;
  }
  if (fit.stackedOn) {
    const w = fit.stackWeight ?? 1;
    const mine = predictFold({ ...fit, stackedOn: undefined }, start, end);
    const simpler = predictFold(fit.stackedOn, start, end);
    for (let i = 0; i < mine.length; i++) mine[i] = simpler[i] + w * (mine[i] - simpler[i]);
    return mine;
  }
  const rows = { start, end };
  let own: Float64Array;
  if (fit.chosen) own = predictChosen(fit.chosen, fit.columns, rows);
  else if (fit.ridge) own = predictRidge(fit.ridge, fit.columns, rows);
  else throw new Error('fold model has neither a Ridge nor a chosen model');
  if (!fit.mixed) return own;
  const other = predictFold(fit.mixed, start, end);
  const out = new Float64Array(own.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = (1 - WEEKLY_MIX_WEIGHT) * own[i] + WEEKLY_MIX_WEIGHT * other[i];
  }
  return out;
}

const f3 = (x: number): string => x.toFixed(3);

export class PhaseLadder {
  private readonly y: Float64Array;
  private readonly calendar: boolean;
  private readonly gap: number;
  private readonly alphas: readonly number[];
  private readonly fallback: boolean;
  private readonly weeklyMix: boolean;
  private readonly nonNegative: boolean;
  private readonly weeklyPhase1Mix: boolean;
  private readonly weeklyHedge: boolean;
  private readonly weeklyFailedFallsBack: boolean;
  private readonly weeklyUncheckedFallsBack: boolean;
  private readonly weeklyPhase3Ridge: boolean;
  private readonly dailyUncheckedHedge: boolean;
  private readonly weeklySharedMedia: boolean;
  private readonly weeklyPooled: boolean;
  private readonly dailyPooled: boolean;
  private readonly dailyPhase3TrendDamped: boolean;
  private readonly strongTrendUnderYear: boolean;
  private readonly trendKept = new Map<number, boolean>();
  private readonly growthTrend: boolean;
  private readonly growthOf = new Map<number, number | null>();
  private readonly fallbackMix: boolean;
  private readonly uncheckedFallsBack: boolean;
  private readonly stacking: boolean;
  private readonly stackingShrink: boolean;
  private readonly stackingNoise: boolean;
  private readonly hinges: boolean;
  private readonly weatherHeld: boolean;
  private readonly phase1WeatherHeld: boolean;
  private readonly phase3AlphaGuard: boolean;
  private readonly windowKnots: boolean;
  private readonly noiseAwareKeep: boolean;
  private readonly clock: () => number;
  private design0: Design | null = null;
  private design1: Design | null = null;
  private mediaNames: string[] | null = null;
  private readonly owned = new Map<string, FoldFit>();
  /** Weekly phase 3: the adstock/Hill model of a window before its negative channels are left out. */
  private readonly adstockHillFree = new Map<number, FoldFit>();
  /** Weekly phase 1 kept on its blocks: its own model, before the mean with phase 0's. */
  private readonly phase1Unmixed = new Map<number, FoldFit>();
  private readonly fitted = new Map<string, FoldFit>();
  /** Milliseconds spent in phase-3 searches so far (validation searches included). */
  searchMsTotal = 0;

  constructor(
    private readonly series: TenantSeries,
    private readonly options: LadderOptions = {},
  ) {
    this.y = series.target;
    this.calendar = options.calendar ?? true;
    this.gap = options.gap ?? 0;
    this.alphas = options.alphas ?? DEFAULT_ALPHAS;
    this.fallback = options.fallback ?? true;
    this.weeklyMix = (options.weeklyMix ?? true) && series.frequency === 'weekly';
    this.nonNegative = options.nonNegativeMedia ?? true;
    this.weeklyPhase1Mix = (options.weeklyPhase1Mix ?? true) && series.frequency === 'weekly';
    this.weeklyHedge = (options.weeklyHedge ?? true) && series.frequency === 'weekly';
    this.weeklyFailedFallsBack = options.weeklyFailedFallsBack ?? false;
    this.weeklyUncheckedFallsBack = options.weeklyUncheckedFallsBack ?? false;
    this.weeklyPhase3Ridge = (options.weeklyPhase3Ridge ?? true) && series.frequency === 'weekly';
    this.dailyUncheckedHedge =
      (options.dailyUncheckedHedge ?? true) && series.frequency === 'daily';
    this.weeklySharedMedia =
      (options.weeklySharedMedia ?? true) && sharedMediaShapeFits(series, options.search?.lags);
    this.weeklyPooled = (options.weeklyPooled ?? true) && series.frequency === 'weekly';
    this.dailyPooled = (options.dailyPooled ?? true) && series.frequency === 'daily';
    this.dailyPhase3TrendDamped =
      (options.dailyPhase3TrendDamped ?? false) && series.frequency === 'daily';
    this.strongTrendUnderYear = options.strongTrendUnderYear ?? true;
    this.growthTrend = options.growthTrend ?? true;
    this.fallbackMix = (options.fallbackMix ?? true) && series.frequency === 'daily';
    this.uncheckedFallsBack = (options.uncheckedFallsBack ?? true) && series.frequency === 'daily';
    this.stacking = (options.stacking ?? true) && series.frequency === 'daily';
    this.stackingShrink = options.stackingShrink ?? true;
    this.stackingNoise = options.stackingNoise ?? true;
    this.hinges = options.temperatureHinges ?? temperatureHingesFor(series.frequency);
    this.weatherHeld = (options.weatherHeld ?? true) && series.frequency === 'daily';
    this.phase1WeatherHeld = (options.phase1WeatherHeld ?? true) && series.frequency === 'daily';
    this.phase3AlphaGuard = options.phase3AlphaGuard ?? true;
    this.windowKnots = options.windowKnots ?? true;
    // Where a failed check has its hedge: daily data (fallbackMix) and weekly data (weeklyHedge,
    // whose blocks are judged as units by a t-test: weeklyKeepTest).
    this.noiseAwareKeep =
      (options.noiseAwareKeep ?? true) &&
      (this.fallbackMix || (this.weeklyMix && this.weeklyHedge));
    this.clock = options.clock ?? (() => performance.now());
  }

  /** The design of phases 0 (no interactions) and 1-2 (interactions). */
  linearDesign(interactions: boolean): Design {
    if (interactions) {
      this.design1 ??= buildDesign(this.series, {
        interactions: true,
        calendar: this.calendar,
        weather: this.options.weather,
        temperatureHinges: this.hinges,
      });
      return this.design1;
    }
    this.design0 ??= buildDesign(this.series, {
      interactions: false,
      calendar: this.calendar,
      weather: this.options.weather,
      temperatureHinges: this.hinges,
    });
    return this.design0;
  }

  /**
   * What phase k fits on a T-row window, counted for the unchecked-fold rule (fit): phases 1-2 the
   * columns of the phase-1 design, phase 3 the columns of its own design (one transformed spend
   * per channel, with its weather interactions) plus the SEARCHED_PARAMETERS_PER_CHANNEL that its
   * search chose on the same rows; less the calendar terms the window cannot identify. A search of
   * decay, k and s for each of six channels is 18 more numbers fitted to 54 weekly rows (3 in all
   * where the channels share them: weeklySharedMedia).
   */
  degreesOfFreedom(k: PhaseId, T: number): number {
    const names =
      k === 3
        ? (this.mediaNames ??= buildDesign(this.series, {
            interactions: true,
            calendar: this.calendar,
            weather: this.options.weather,
            temperatureHinges: this.hinges,
            media: {
              names: this.series.channels.map(mediaColumnName),
              columns: this.series.spend,
            },
          }).names)
        : this.linearDesign(true).names;
    const columns = names.length - this.unsupported(names, T).length;
    return k === 3
      ? columns +
          SEARCHED_PARAMETERS_PER_CHANNEL *
            (this.weeklySharedMedia ? 1 : this.series.channels.length)
      : columns;
  }

  /**
   * Whether rows [0, T) of a window under a year keep the trend that support.ts leaves out: its
   * partial R² on those rows (phase 0's design without the terms the window cannot identify, the
   * trend put back; core/ridge.ts trendPartialR2) above STRONG_TREND_PARTIAL_R2. Such a trend
   * carries the level (60-120 % growth over the data) and leaving it out forecast the next months
   * at R² -3 to -9; a season's slope over part of a year stayed far below (docs/modeling.md, "Under
   * a year: a strong trend kept"). Daily data only. Reads no row at or after T.
   */
  /**
   * A window's columns with its weather terms held, on the rows after T, within the range they
   * take on rows [0, T) (support.ts clampedBeyondWindow): the daily phase-1 and phase-3 forecasts.
   */
  private heldWeather(
    names: readonly string[],
    columns: Float64Array[],
    T: number,
  ): Float64Array[] {
    const weather = modelWeatherNames(this.series, this.options.weather);
    return clampedBeyondWindow(names, columns, T, (n) => isWeatherTerm(n, weather));
  }

  strongTrendKept(T: number): boolean {
    if (!this.strongTrendUnderYear || this.series.frequency !== 'daily') return false;
    const hit = this.trendKept.get(T);
    if (hit !== undefined) return hit;
    const design = this.linearDesign(false);
    const j = design.names.indexOf('trend');
    let kept = false;
    if (j >= 0 && unsupportedTerms(design.names, T, this.series.frequency).includes('trend')) {
      const columns = windowColumns(
        design,
        T,
        this.series.frequency,
        this.windowKnots,
        this.series.controlNames,
      ).slice();
      columns[j] = design.columns[j];
      kept = trendPartialR2(columns, this.y, T, j) > STRONG_TREND_PARTIAL_R2;
    }
    this.trendKept.set(T, kept);
    return kept;
  }

  /** support.ts unsupportedTerms of a T-row window, less a strong trend (strongTrendKept). */
  private unsupported(names: readonly string[], T: number): string[] {
    const terms = unsupportedTerms(names, T, this.series.frequency);
    return this.strongTrendKept(T) ? terms.filter((n) => n !== 'trend') : terms;
  }

  /**
   * support.ts singleRowTerms of a T-row window less the one-off events it keeps in its fit
   * (windowPulses): what the window's model leaves out for moving on one training row.
   */
  private singleRowLeftOut(design: Design, T: number): string[] {
    const pulses = windowPulses(design, T, this.series.frequency, this.series.controlNames);
    return singleRowTerms(design, T).filter((name) => !pulses.includes(name));
  }

  /** support.ts windowColumns of a T-row window, a strong trend's column kept (strongTrendKept). */
  private windowed(design: Design, T: number): Float64Array[] {
    const columns = windowColumns(
      design,
      T,
      this.series.frequency,
      this.windowKnots,
      this.series.controlNames,
    );
    const j = design.names.indexOf('trend');
    if (j < 0) return columns;
    const g = this.growth(T);
    if (g !== null && !this.unsupported(design.names, T).includes('trend')) {
      const out = columns === design.columns ? columns.slice() : columns;
      out[j] = growthTrendColumn(this.y.length, g, this.series.frequency);
      return out;
    }
    if (!this.strongTrendKept(T) || columns[j] === design.columns[j]) return columns;
    const out = columns === design.columns ? columns.slice() : columns;
    out[j] = design.columns[j];
    return out;
  }

  /**
   * The window's compounding growth rate (support.ts windowGrowth) where its trend is the growth
   * curve, else null. Rows [0, T) only.
   */
  growth(T: number): number | null {
    if (!this.growthTrend) return null;
    let hit = this.growthOf.get(T);
    if (hit === undefined) {
      hit = windowGrowth(this.series, T);
      this.growthOf.set(T, hit);
    }
    return hit;
  }

  /**
   * chooseAndFit options of a T-row window. When the inner-training rows of its inner split cannot
   * identify calendar terms that the T rows can (the 367-row second fold of three daily years: its
   * inner validation is the holiday season, after 312 inner-training rows), the inner Ridge would be
   * judged with a yearly cycle and trend fitted on part of a year, and the GBM won by default there;
   * Ridge is kept instead, as the ladder keeps a phase it cannot check.
   */
  private chooseOpts(names: string[], T: number): ChooseOptions {
    const opts: ChooseOptions = {
      ...this.options.choose,
      alphas: [...this.alphas],
      gap: this.gap,
      featureNames: names,
    };
    const fraction = this.options.choose?.validationFraction ?? DEFAULT_VALIDATION_FRACTION;
    const { innerTrainEnd } = innerSplit(T, fraction, this.gap);
    const inner = this.unsupported(names, innerTrainEnd);
    const whole = this.unsupported(names, T);
    if (inner.length > whole.length) {
      opts.keepRidge = `ridge kept: the ${innerTrainEnd} inner-training rows cannot identify ${inner
        .filter((n) => !whole.includes(n))
        .join(', ')} of the ${T}-row model, so the inner split cannot judge a GBM`;
    }
    if (this.growth(T) !== null) opts.keepRidge ??= GROWTH_RIDGE;
    return opts;
  }

  /**
   * chooseAndFit options of phase 3's model of a T-row window: chooseOpts, and on weekly windows
   * under two years Ridge kept (weeklyPhase3Ridge): their inner split's validation rows (15%: under 16
   * weeks) cannot tell a GBM or blend from the Ridge, as phase 2's blocks could not.
   */
  private phase3ChooseOpts(names: string[], T: number): ChooseOptions {
    const opts = this.chooseOpts(names, T);
    if (this.weeklyPhase3Ridge && T < WEEKLY_PHASE3_RIDGE_ROWS)
      opts.keepRidge ??= WEEKLY_PHASE3_RIDGE;
    return opts;
  }

  /**
   * Phase 3's refit alpha on a T-row window. Its inner alpha folds train on T/4 to 3T/4 rows; where
   * the first cannot identify calendar terms the T rows can (a yearly cycle from part of a year),
   * every candidate is judged with that cycle extrapolated, the largest alpha wins for taming it,
   * and the refit then shrinks the window's own season: a first daily fold of a year with 8-15
   * channels forecast its next four months at R² -1.3 to -1.9 against phase 0's 0.4
   * (docs/modeling.md, "Phase 3's alpha on windows its inner folds cannot read"). Where the inner
   * folds choose the grid's largest alpha there, generalized cross-validation on the whole
   * window's fit chooses instead (GCV everywhere on such windows lost on the suite).
   */
  private phase3RefitAlpha(names: string[], T: number): Pick<ChooseOptions, 'refitAlpha'> {
    if (!this.phase3AlphaGuard) return {};
    const first = innerTrainEnds(T, ALPHA_INNER_FOLDS, this.gap)[0];
    return this.unsupported(names, first).length > this.unsupported(names, T).length
      ? { refitAlpha: 'gcvAtMax' }
      : {};
  }

  /** Phase k's own procedure on rows [0, T) (no fallback). */
  own(k: PhaseId, T: number): FoldFit {
    const key = `${k}:${T}`;
    const hit = this.owned.get(key);
    if (hit) return hit;
    const base = {
      phase: k,
      trainEnd: T,
      ridge: null,
      chosen: null,
      blendWeight: null,
      reason: null,
      gbmTrees: null,
      channelParams: null,
      search: null,
      fallback: null,
      mixed: null,
      searchMs: 0,
      growth: this.growth(T),
      // The trend held flat after a one-year window, and one-off events (windowPulses) held at
      // their common value after the window.
      held: [
        ...heldTerms(this.linearDesign(false).names, T, this.series.frequency),
        ...windowPulses(
          this.linearDesign(false),
          T,
          this.series.frequency,
          this.series.controlNames,
        ),
      ],
    };
    let out: FoldFit;
    if (k === 0 || k === 1) {
      const design = this.linearDesign(k === 1);
      const dropped = this.unsupported(design.names, T);
      const singleRow = this.singleRowLeftOut(design, T);
      const columns = this.windowed(design, T);
      const inner = this.options.innerFolds ?? 3;
      const ends = k === 1 ? [T, ...innerTrainEnds(T, inner, this.gap)] : [T];
      const moments = new PrefixMoments(columns, this.y, ends);
      const alpha =
        k === 1
          ? selectAlpha(columns, this.y, T, this.alphas, inner, { gap: this.gap, moments }).alpha
          : phase0Alpha(this.series.frequency, columns, this.y, T, this.alphas, moments);
      let ridge = solveRidge(ridgeSystem(moments.at(T)), alpha);
      // Weekly windows: the mean with a Ridge whose channels share one return per unit of spend
      // and whose trend is damped; estimated alone, base and media trade on 52-90 weeks and the
      // forecast's level on the next weeks is what they get wrong (docs/modeling.md, "Weekly
      // phases 0-1: the channels' returns pooled").
      // Daily windows of one to two years: the same mean, the trend damped more (its first year
      // or two cannot tell it from the season; docs/modeling.md, "Daily phases 0-1 of one to two
      // years: the pooled Ridge"), unless it explains most of what the rest leaves
      // (dailyPooledFit).
      const pooledOn = this.series.frequency === 'weekly' ? this.weeklyPooled : this.dailyPooled;
      if (pooledOn && pooledWindow(this.series.frequency, T))
        ridge = pooledMeanFit(
          this.series,
          design.names,
          columns,
          this.y,
          T,
          ridge,
          this.alphas,
          moments.at(T),
        ).model;
      // Daily phase 1: its weather terms held within the window's range on the forecast rows, as
      // phase 3's (weatherHeld); the squares and spend x weather terms fitted on a window's
      // weather carried their curvature into later seasons (docs/modeling.md, "Daily phase 1:
      // weather held within the window's range"). Applied after the fit: rows [0, T) unchanged.
      // The check judges the unheld columns: holding its candidates too kept phase 1 on folds
      // its test blocks then lost.
      const forecastColumns =
        k === 1 && this.phase1WeatherHeld ? this.heldWeather(design.names, columns, T) : columns;
      out = {
        ...base,
        names: design.names,
        columns: forecastColumns,
        unheldColumns: forecastColumns === columns ? undefined : columns,
        ridge,
        alpha,
        kind: 'ridge',
        dropped,
        singleRow,
      };
    } else if (k === 2) {
      const design = this.linearDesign(true);
      const dropped = this.unsupported(design.names, T);
      const singleRow = this.singleRowLeftOut(design, T);
      const columns = this.windowed(design, T);
      const opts = this.chooseOpts(design.names, T);
      // Weekly windows: a GBM or blend that phase 2's check kept on blocks of 10-20 weeks lost
      // more than it gained on the test blocks (docs/modeling.md, "Weekly data: unchecked
      // phases average with the phase below, phase 2 keeps Ridge").
      if (this.weeklyHedge) opts.keepRidge ??= WEEKLY_PHASE2_RIDGE;
      const chosen = chooseAndFit(columns, this.y, T, opts);
      out = {
        ...base,
        ...chosenFields(chosen),
        names: design.names,
        columns,
        dropped,
        singleRow,
      };
    } else {
      const names = this.linearDesign(true).names;
      const dropped = this.unsupported(names, T);
      const t0 = this.clock();
      // Weekly windows: one media shape shared by the channels (weeklySharedMedia).
      const searchFn = this.weeklySharedMedia ? searchSharedMediaParams : searchMediaParams;
      const search = searchFn(this.series, T, {
        ...this.options.search,
        calendar: this.calendar,
        weather: this.options.weather,
        temperatureHinges: this.hinges,
        gap: this.gap,
        dropTerms: dropped,
      });
      const searchMs = this.clock() - t0;
      this.searchMsTotal += searchMs;
      const design = buildMediaDesign(this.series, search.params, {
        calendar: this.calendar,
        weather: this.options.weather,
        temperatureHinges: this.hinges,
      });
      const windowed = this.windowed(design, T);
      // Daily phase 3: weather terms held within the window's range on the forecast rows; its
      // adstock/Hill fit took the curvature of squared and spend x weather terms on the weather it
      // saw, and a first fold of a daily year forecast its monsoon at R² -3.28 (weatherHeld).
      const columns = this.weatherHeld ? this.heldWeather(design.names, windowed, T) : windowed;
      let chosen = chooseAndFit(columns, this.y, T, {
        ...this.phase3ChooseOpts(design.names, T),
        ...this.phase3RefitAlpha(design.names, T),
      });
      if (
        this.dailyPhase3TrendDamped &&
        chosen.ridgeWeight > 0 &&
        design.names.includes('trend') &&
        trendHeldFlat(T, this.series.frequency)
      ) {
        // A daily year: its trend, held after the window, can be the sawtooth of the one season
        // it saw, and the held level carried the forecast of the next half-year 10-15 % above
        // the base (suite daily_3y_noweather, first fold); the mean with the Ridge whose trend is
        // damped, as phases 0-1 take it on the same windows. Opt-in: where the growth is real it
        // costs as much (docs/modeling.md, "Daily phase 3 of one year: the trend damped as in
        // phases 0-1 (measured, not landed)"). Rows [0, T) only.
        const damped = pooledMeanFit(
          this.series,
          design.names,
          columns,
          this.y,
          T,
          chosen.ridge,
          this.alphas,
        );
        if (damped.trendPenalty !== null) {
          chosen = {
            ...chosen,
            ridge: damped.model,
            reason: `${chosen.reason}; ${phase3TrendDampedReason(damped.trendPenalty)}`,
          };
        }
      }
      out = {
        ...base,
        ...chosenFields(chosen),
        names: design.names,
        columns,
        dropped,
        singleRow: this.singleRowLeftOut(design, T),
        channelParams: search.params,
        search,
        searchMs,
      };
      if (this.weeklyMix) {
        this.adstockHillFree.set(T, out);
        if (this.nonNegative) {
          const nn = nonNegativeMediaColumns(
            design.names,
            columns,
            this.y,
            T,
            chosen.alpha,
            this.series.channels,
          );
          if (nn.left.length > 0) {
            // At the alpha the channels were judged at, so the refitted Ridge is the last fit of
            // nonNegativeMediaColumns: no channel left has a negative coefficient.
            const kept = chooseAndFit(nn.columns, this.y, T, {
              ...this.phase3ChooseOpts(design.names, T),
              alphas: [chosen.alpha],
            });
            out = {
              ...out,
              ...chosenFields(kept),
              columns: nn.columns,
              reason: `${kept.reason ?? kept.kind}; left out for a negative effect: ${nn.left.join(', ')}`,
            };
          }
        }
        // A weekly row sums 7 days of a daily carry-over and saturation: the searched curve and the
        // log-spend terms each miss part of it, and their mean forecast better than either on
        // weekly windows (docs/modeling.md, "Weekly phase 3").
        // The partner is the log-spend Ridge that phase 1 uses on the window (its own, or phase 0's
        // where phase 1 fell back): phase 2's own model there could be a GBM or blend that phase
        // 2's own check had turned down (k3_s1311_0 fold 3: -0.33 on the test block, in the mix).
        const laddered = this.fit(1, T);
        const partner = this.phase1Unmixed.get(T) ?? laddered;
        out.mixed = { ...partner, fallback: null };
        out.reason = `${out.reason ?? out.kind}; averaged with phase ${partner.phase}'s ${partner.kind} model on the weekly log-spend terms`;
      }
    }
    this.owned.set(key, out);
    return out;
  }

  /**
   * The adstock/Hill model of rows [0, T) alone, unladdered, the kind of model explain and the
   * planner fit on all rows: weekly phase 3 (weeklyMix) without its log-spend partner; otherwise
   * phase 3's own model of the window (own(3, T)), which a fold's hedge or fallback may average
   * with or replace by phase 2's.
   */
  adstockHillAlone(T: number): FoldFit | null {
    // Daily (no mix): phase 3's own model of the window is the adstock/Hill model alone.
    if (!this.weeklyMix) return this.own(3, T);
    this.own(3, T);
    const free = this.adstockHillFree.get(T);
    if (!free) throw new Error(`no adstock/Hill model of the ${T}-row window`);
    return { ...free, mixed: null };
  }

  /**
   * The validation blocks of a T-row window, latest first: the last min(horizon, T / 3) rows (at
   * least MIN_VALIDATION_ROWS), then the same rule on the rows before that block (less the gap), and
   * so on; on the outer folds these are the earlier folds' test blocks. A block is used while the rows
   * before it number at least 2 x MIN_VALIDATION_ROWS, and (after the latest block) at least
   * T / MIN_WINDOW_DIVISOR and the protocol's least first training window.
   */
  validationBlocks(T: number): ValidationBlock[] {
    const horizon = this.options.horizon ?? Math.floor(T / 3);
    const names = this.linearDesign(true).names;
    const whole = this.unsupported(names, T);
    const out: ValidationBlock[] = [];
    const leastWindow = PROTOCOL_RULE.minFirstTrain[this.series.frequency];
    let end = T;
    for (;;) {
      const nValid = Math.max(MIN_VALIDATION_ROWS, Math.min(horizon, Math.floor(end / 3)));
      const start = end - nValid;
      const candEnd = start - this.gap;
      if (candEnd < 2 * MIN_VALIDATION_ROWS) break;
      if (out.length > 0 && candEnd < Math.max(T / MIN_WINDOW_DIVISOR, leastWindow)) break;
      const inner = this.unsupported(names, candEnd);
      const sameTerms = inner.length === whole.length && inner.every((x, i) => x === whole[i]);
      out.push({ start, end, candEnd, sameTerms });
      end = candEnd;
    }
    return out;
  }

  /** Phase k's model of rows [0, T) with the per-fold fallback (see the module comment). */
  fit(k: PhaseId, T: number): FoldFit {
    if (k === 0 || !this.fallback) return this.own(k, T);
    const key = `${k}:${T}`;
    const hit = this.fitted.get(key);
    if (hit) return hit;
    const prev = (k - 1) as PhaseId;
    if (k === 2) {
      // Phase 2 adds the GBM and the blend to phase 1's design. Where it keeps Ridge on the whole
      // window its model is phase 1's own, and the fold is what phase 1 decided: judged against
      // phase 1's laddered track instead, phase 2 could keep the phase-1 model that phase 1 had
      // just rejected for phase 0 (docs/modeling.md, "Weekly data: phase 2 keeping Ridge").
      const own2 = this.own(2, T);
      if (own2.kind === 'ridge') {
        const p1 = this.fit(1, T);
        const out: FoldFit = {
          ...p1,
          fallback: {
            used_phase: p1.phase,
            kept: false,
            fell_back_to: 1,
            validation_rows: p1.fallback?.validation_rows ?? 0,
            validation_blocks: 0,
            phase_r2: null,
            previous_r2: null,
            reason: `phase 2 keeps ridge on the ${T}-row window, which is phase 1's model: phase 1's decision used (phase ${p1.phase})`,
          },
        };
        this.fitted.set(key, out);
        return out;
      }
    }
    const all = this.validationBlocks(T);
    // A block whose candidates cannot identify terms the fold's model has (a yearly cycle from
    // under a year) would judge other models than the fold's: it is not used.
    const blocks = all.filter((b) => b.sameTerms);
    const horizon = this.options.horizon ?? Math.floor(T / 3);
    // Rows of the latest block (the record's when no block is judged), then of the blocks judged.
    let nValid = Math.max(MIN_VALIDATION_ROWS, Math.min(horizon, Math.floor(T / 3)));
    let nBlocks = 0;
    let phaseR2: number | null = null;
    let previousR2: number | null = null;
    let kept = true;
    let withinNoise = false;
    let noiseWords = '';
    let gainSe: number | null = null;
    let why: string;
    const stacks: StackingTerms[] = [];
    const pairedRows: Float64Array[] = [];
    const stackedBlocks: { actual: Float64Array; simpler: Float64Array; own: Float64Array }[] = [];
    let weight: number | null = null;
    if (all.length === 0) {
      kept = false;
      why = `${T} training rows are too few to validate phase ${k}: phase ${prev} used`;
    } else if (blocks.length === 0) {
      // No block can judge phase k. Phases 2-3 are kept unchecked only where the window holds
      // MIN_ROWS_PER_COEFFICIENT rows per coefficient (degreesOfFreedom): a year of weeks with
      // many channels (8 x (1 + 4 weather) spend terms on 56 rows) cannot identify them. Weekly
      // phase 1 is kept: what it adds is shrinkage chosen on inner folds as much as columns, and
      // its fallback, phase 0's Ridge, is the less shrunk fit of such a window (measured in
      // docs/modeling.md, "Unchecked wide windows"). With weekly phase 0's alpha by GCV, falling
      // back here still lost (weekly dev phase 1 0.515 -> 0.447; docs/modeling.md, "Phase-1 drops:
      // where they come from, and the rules measured"). Daily phases 1-2 fall back
      // (uncheckedFallsBack): kept there (averaged with phase 0), they were every daily phase-1
      // drop of the dev sets (docs/modeling.md, "Daily phases 1-2: an unchecked fold falls
      // back").
      const coefficients = this.degreesOfFreedom(k, T);
      const unchecked = `no fallback check: the ${all[0].candEnd} rows before the validation block cannot identify the yearly terms of the ${T}-row model`;
      // Weekly phase 3 is half phase 1's model (weeklyMix): kept (averaged with phase 2 below)
      // where the window holds MIN_ROWS_PER_COEFFICIENT rows per coefficient, as phases 2-3 of
      // any data. Exempt from that count (weather tenants with many channels: 28-56 coefficients
      // on 52-53 weeks) it lost there to phase 2 on more dev tenants than it gained
      // (docs/modeling.md, "Weekly phase 3: the unchecked fold counts its coefficients").
      const mixKept = k === 3 && this.weeklyMix;
      if (k < 3 && this.uncheckedFallsBack) {
        kept = false;
        why = `${unchecked}: phase ${prev} used (a daily phase ${k} is kept only where validation supports it)`;
      } else if (k > 1 && T < MIN_ROWS_PER_COEFFICIENT * coefficients) {
        kept = false;
        why = `${unchecked}, and its ${T} rows are fewer than ${MIN_ROWS_PER_COEFFICIENT} per coefficient (${coefficients}): phase ${prev} used`;
      } else if (mixKept && this.weeklyHedge && this.weeklyUncheckedFallsBack) {
        kept = false;
        why = `${unchecked}: phase ${prev} used (a weekly phase 3 is kept only where validation supports it)`;
      } else {
        why = mixKept ? `${unchecked}; kept: weekly phase 3 is half phase 1's model` : unchecked;
      }
    } else {
      const mine: number[] = [];
      const theirs: number[] = [];
      let failed: number | null = null;
      for (const b of blocks) {
        let candidate: FoldFit | null = null;
        try {
          candidate = this.own(k, b.candEnd);
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
        }
        if (candidate === null) {
          // The latest block decides alone whether phase k can be fitted; a deeper block that
          // cannot (fewer rows) only ends the list.
          if (mine.length === 0) failed = b.candEnd;
          break;
        }
        if (k === 2 && this.stacking && candidate.kind === 'ridge') {
          // Phase 2 keeping Ridge on the block's window is phase 1's model there: the block judges
          // phase 1's decision (its laddered model), as fit(2, T) does on the whole window. Judged
          // as phase 1's own model against phase 1's laddered one, it kept a GBM that no block had
          // tested (none_home_decor fold 1: 0.212 against phase 0's -0.129, then the GBM scored
          // 0.031 against phase 1's 0.132; docs/modeling.md, "Daily phases 1-2 stacked").
          candidate = this.fit(1, b.candEnd);
        }
        const actual = this.y.subarray(b.start, b.end);
        const simplerPred = predictFold(this.fit(prev, b.candEnd), b.start, b.end);
        const judged =
          k === 1 && candidate.unheldColumns
            ? { ...candidate, columns: candidate.unheldColumns }
            : candidate;
        const pred = predictFold(judged, b.start, b.end);
        theirs.push(r2(actual, simplerPred));
        mine.push(r2(actual, pred));
        const terms = stackingTerms(actual, simplerPred, pred);
        if (terms) {
          stacks.push(terms);
          if (k < 3 && this.stacking && this.stackingNoise)
            stackedBlocks.push({ actual, simpler: simplerPred, own: pred });
        }
        if (k === 3 && this.noiseAwareKeep && this.fallbackMix)
          pairedRows.push(pairedGainRows(actual, simplerPred, pred));
      }
      if (failed === null) {
        nBlocks = mine.length;
        nValid = blocks.slice(0, nBlocks).reduce((a, b) => a + b.end - b.start, 0);
      }
      if (failed !== null) {
        kept = false;
        why = `phase ${k} cannot be fitted on ${failed} rows: phase ${prev} used`;
      } else {
        phaseR2 = mean(mine);
        previousR2 = mean(theirs);
        // Paired per block; kept only when the mean gain is positive beyond rounding. Where the
        // candidates of phase k are the same models as phase k-1's (phase 2 keeping Ridge on every
        // block: the two Ridge fits differ in the last bits), nothing was shown for phase k,
        // whose own model on the whole window may still differ (a GBM).
        kept = mean(mine.map((m, i) => m - theirs[i])) > GAIN_ROUNDING;
        if (kept && k === 3 && this.noiseAwareKeep && this.fallbackMix) {
          // Phase 3 kept outright only where its gain stands out of the blocks' noise; else it
          // takes the hedge of a failed check (the mean with phase 2's laddered model). One
          // 61-row block won by 0.017 (suite daily_3y_exponential fold 1) or two won against a
          // phase 2 that scored -2.7 on them (seed 11 daily_1y fold 1) then lost on the test block
          // (docs/modeling.md, "Phase 3 kept only beyond the blocks' noise").
          const { gain, standardError } = blockGainError(pairedRows, NOISE_BATCH_ROWS);
          gainSe = Number.isFinite(standardError) ? standardError : null;
          if (!(gain > KEEP_STANDARD_ERRORS * standardError)) {
            kept = false;
            withinNoise = true;
            noiseWords =
              gainSe === null
                ? 'too few rows to tell its gain from noise'
                : `a gain within ${KEEP_STANDARD_ERRORS} standard errors (${f3(gainSe)})`;
          }
        } else if (kept && k === 3 && this.noiseAwareKeep) {
          // Weekly: the blocks, each a forecast from its own origin, are the units of a paired
          // t-test. Kept on one 20-week block by 0.02 of R² (a five-channel tenant's second fold),
          // phase 3 then scored 0.18 where phase 2 scored 0.45; over the weekly dev folds kept
          // on their blocks, the mean with phase 2 forecast better than phase 3 alone
          // (docs/modeling.md, "Weekly phase 3 kept only beyond its blocks' noise").
          const test = weeklyKeepTest(mine, theirs);
          gainSe = test === null ? null : test.standardError;
          if (test === null || !(test.pValue < WEEKLY_KEEP_LEVEL)) {
            kept = false;
            withinNoise = true;
            noiseWords =
              test === null
                ? 'one validation block cannot tell its gain from noise'
                : `a gain not beyond its blocks' noise (paired t-test over the blocks: one-sided p = ${f3(test.pValue)}, kept outright below ${WEEKLY_KEEP_LEVEL})`;
          }
        }
        const cmp = kept ? '>' : '<=';
        const over = `on ${nBlocks} validation block${nBlocks > 1 ? 's' : ''} (${nValid} training rows)`;
        why = kept
          ? `phase ${k} validation R² ${f3(phaseR2)} ${cmp} phase ${prev} ${f3(previousR2)} ${over}`
          : withinNoise
            ? `phase ${k} validation R² ${f3(phaseR2)} > phase ${prev} ${f3(previousR2)} ${over}, ${noiseWords}: not kept outright, fell back to phase ${prev}`
            : `phase ${k} validation R² ${f3(phaseR2)} ${cmp} phase ${prev} ${f3(previousR2)} ${over}: fell back to phase ${prev}`;
      }
    }
    if (this.stacking && k < 3 && nBlocks > 0 && phaseR2 !== null) {
      // Daily phases 1-2: not a switch but a share of what phase k adds, chosen on the same blocks.
      // A switch judged on one or two noisy blocks keeps all of a phase that won them by a little
      // (suite daily_2y_renamed_weather: phase 1 kept whole on four folds, 0.697 against phase
      // 0's 0.712; stacked 0.704); docs/modeling.md, "Daily phases 1-2 stacked on their blocks".
      weight = stackingWeight(stacks, { shrink: this.stackingShrink });
      let noiseWordsStack = '';
      if (this.stackingNoise && weight > 0) {
        const noise = stackingNoiseFactor(stackedBlocks, stackingWeight(stacks));
        gainSe = Number.isFinite(noise.standardError) ? noise.standardError : null;
        noiseWordsStack = ` (the blocks' share x ${noise.factor.toFixed(3)} for the noise of its gain ${f3(noise.gain)}, standard error ${gainSe === null ? 'unknown' : f3(gainSe)})`;
        weight *= noise.factor;
      }
      kept = weight > 0;
      const over = `on ${nBlocks} validation block${nBlocks > 1 ? 's' : ''} (${nValid} training rows)`;
      why = `phase ${k} validation R² ${f3(phaseR2)}, phase ${prev} ${f3(previousR2 ?? NaN)} ${over}: stacked, phase ${prev}'s forecast + ${weight.toFixed(3)} x (phase ${k}'s - phase ${prev}'s)${noiseWordsStack}`;
    }
    let chosen = kept ? this.own(k, T) : this.fit(prev, T);
    // The other half of a fold that forecasts with the mean of two models (predictFold).
    let averaged: FallbackRecord['averaged_with'] | null = null;
    if (weight !== null && weight > 0 && weight < 1) {
      const own = this.own(k, T);
      chosen = { ...own, stackedOn: this.fit(prev, T), stackWeight: weight };
    } else if (kept && k < 3 && this.fallbackMix && all.length > 0 && blocks.length === 0) {
      // No block can judge phase 1 or 2 here (nor can their inner alpha folds and inner split
      // identify the window's yearly terms): the mean of the phase's and phase 0's forecasts keeps
      // half of what it adds without support, and phase 2 keeping Ridge then forecasts as phase 1
      // does (docs/modeling.md, "Daily phases 1-2: an unchecked fold averages with phase 0").
      chosen = { ...chosen, mixed: this.own(0, T) };
      averaged = { phase: 0, model: 'own', share: WEEKLY_MIX_WEIGHT };
      why = `${why}; averaged with phase 0's model`;
    } else if (kept && k === 1 && this.weeklyPhase1Mix) {
      this.phase1Unmixed.set(T, chosen);
      // Weekly blocks of 10-20 rows keep phase 1 by luck about as often as on merit (docs/modeling.md,
      // "Weekly data: phase 2 keeping Ridge"), and a kept phase 1 then lost up to 1.5 on its test
      // block: the mean of its forecast and phase 0's hedges the check (docs/modeling.md, "Weekly
      // phase 1: a kept check averages with phase 0"). The unchecked first fold (52-56 weeks)
      // likewise (docs/modeling.md, "Weekly data: unchecked phases average with the phase
      // below, phase 2 keeps Ridge").
      chosen = { ...chosen, mixed: this.own(0, T) };
      averaged = { phase: 0, model: 'own', share: WEEKLY_MIX_WEIGHT };
      why = `${why}; averaged with phase 0's model`;
    } else if (
      kept &&
      k === 3 &&
      nBlocks === 0 &&
      ((this.weeklyMix && this.weeklyHedge) || (this.dailyUncheckedHedge && this.fallbackMix))
    ) {
      // No block can check phase 3 on the first fold: 52-56 weeks, where weekly phase 3 is kept as
      // half phase 1's model and lost to phase 2 on more tenants than it gained ("Weekly data:
      // unchecked phases average with the phase below, phase 2 keeps Ridge"), or a daily year of
      // 367 rows, where kept outright it was most of daily phase 3's drops below phase 2 (suite
      // draws of 3-12 channels, correlated spend: 0.19-0.30 below phase 2 on that fold; "Daily
      // phase 3: the unchecked first fold averages with phase 2"). A gain its blocks cannot tell
      // from noise takes the mean with phase 2's laddered model (noiseAwareKeep); a gain no block
      // saw takes it too (docs/modeling.md).
      const simpler = this.fit(2, T);
      chosen = { ...chosen, averagedWith: simpler };
      averaged = { phase: simpler.phase, model: 'laddered', share: FALLBACK_MIX_WEIGHT };
      why = `${why}; averaged with phase ${simpler.phase}'s laddered model`;
    } else if (
      !kept &&
      k === 3 &&
      this.weeklyMix &&
      this.weeklyHedge &&
      nBlocks > 0 &&
      !this.weeklyFailedFallsBack
    ) {
      // A weekly check on blocks of 10-20 weeks turns phase 3 down about as often by luck as on
      // merit: the fold forecasts with the mean of phase 2's laddered model (its own mix kept) and
      // phase 3's own, as a daily fold whose check fails (fallbackMix; docs/modeling.md, "Weekly
      // data: unchecked phases average with the phase below, phase 2 keeps Ridge").
      const mine = this.own(3, T);
      chosen = { ...chosen, averagedWith: mine };
      averaged = { phase: 3, model: 'own', share: FALLBACK_MIX_WEIGHT };
      why = `${why}, averaged with phase 3's own ${mine.kind} model`;
    } else if (!kept && k === 3 && this.fallbackMix && nBlocks > 0) {
      // The blocks judged phase 3 by models of fewer rows than the fold's (the first daily fold:
      // one 61-row block, 124-row candidates), which turned it down on folds where its own model
      // forecast better more often than not; the mean of the two forecasts is never worse than
      // their mean R² and hedges a check that noisy (docs/modeling.md, "Daily phase 3: a failed
      // check averages").
      const mine = this.own(3, T);
      // averagedWith: the fallback may itself be stacked (daily phase 2), and is kept whole.
      chosen = { ...chosen, averagedWith: mine };
      averaged = { phase: 3, model: 'own', share: FALLBACK_MIX_WEIGHT };
      why = `${why}, averaged with phase 3's own ${mine.kind} model`;
    }
    const out: FoldFit = {
      ...chosen,
      fallback: {
        used_phase: chosen.phase,
        kept,
        ...(kept ? {} : { fell_back_to: prev }),
        ...(averaged === null ? {} : { averaged_with: averaged }),
        validation_rows: nValid,
        validation_blocks: nBlocks,
        phase_r2: phaseR2,
        previous_r2: previousR2,
        ...(weight === null ? {} : { weight }),
        ...(gainSe === null ? {} : { gain_se: gainSe }),
        reason: why,
      },
    };
    this.fitted.set(key, out);
    return out;
  }
}

function chosenFields(
  chosen: ChosenModel,
): Pick<FoldFit, 'chosen' | 'ridge' | 'alpha' | 'kind' | 'blendWeight' | 'reason' | 'gbmTrees'> {
  return {
    chosen,
    ridge: chosen.ridge,
    alpha: chosen.ridgeWeight > 0 ? chosen.alpha : null,
    kind: chosen.kind,
    blendWeight: chosen.ridgeWeight,
    reason: chosen.reason,
    gbmTrees: chosen.gbmTrees,
  };
}

/** What a laddered fold model gives on its outer fold: test predictions, training R², records. */
export function evaluateFoldFit(series: TenantSeries, fold: Fold, fit: FoldFit): FoldEvaluation {
  if (fit.trainEnd !== fold.trainEnd) {
    throw new RangeError(`fold model trained on ${fit.trainEnd} rows, fold has ${fold.trainEnd}`);
  }
  return {
    fold,
    predicted: predictFold(fit, fold.testStart, fold.testEnd),
    trainR2: r2(series.target.subarray(0, fold.trainEnd), predictFold(fit, 0, fold.trainEnd)),
    alpha: fit.alpha,
    model: fit.kind,
    blendWeight: fit.chosen ? fit.blendWeight : null,
    reason: fit.reason,
    gbmTrees: fit.gbmTrees,
    channelParams: fit.channelParams,
    fallback: fit.fallback,
    droppedTerms: [...new Set([...fit.dropped, ...(fit.singleRow ?? [])])],
    heldTerms: fit.held,
    growthTrend: fit.growth ?? null,
    baselines: baselineForecasts(series, fold),
  };
}
