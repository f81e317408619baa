/**
 * Final models: one model per tenant and phase fitted on ALL rows with the phase's own procedure,
 * kept as plain data so that the store can save it and explain can use it later without
 * retraining. predictFinal rebuilds the design from a (possibly modified) series, so a
 * counterfactual spend path flows through adstock, saturation, interactions and the fitted
 * standardization exactly as the observed one does.
 *   phase 0: Ridge alpha 1 (weekly data: by generalized cross-validation) on spend + weather (+ controls, calendar)
 *   phase 1: + spend x weather, weather squared; alpha by inner TimeSeriesSplit(3)
 *   phase 2: chooseAndFit (Ridge / GBM / blend) on the phase-1 design, all rows (weekly data:
 *            Ridge, as the fold models: ladder.ts WEEKLY_PHASE2_RIDGE)
 *   phase 3: adstock/Hill search on all rows (the median of six searches, pooledSearchRuns; weekly
 *            data: one shape shared by the channels, as the fold models: allRowsSharedMedia), then
 *            the delayed carry-over when lags are offered (allRowsDelays; none by default,
 *            ALL_ROWS_LAGS), then, daily data with per-channel geometric curves, the curves
 *            fitted by profile least squares on all rows from that start (profileCurves,
 *            curve-fit.ts), then chooseAndFit on the phase-3 design, its Ridge part re-solved
 *            with every channel's contribution held >= 0 (nonNegativeContributions; the weekly
 *            fold models leave such channels out). docs/modeling.md, "The all-rows model".
 */
import {
  buildDesign,
  variedWeatherNames,
  weeklySpendScale,
  type Design,
} from '../core/features.js';
import type { GbmOptions } from '../core/gbm/index.js';
import {
  DEFAULT_ALPHAS,
  fitRidge,
  predictRidge,
  ridgeSystem,
  selectAlpha,
  selectAlphaGcv,
  solveRidge,
  solveRidgeConstrained,
  type RidgeModel,
} from '../core/ridge.js';
import { momentsOf } from '../core/standardize.js';
import { median } from '../core/stats.js';
import type { Frequency, TenantSeries } from '../core/types.js';
import { chooseAndFit, predictChosen, type ChosenModel } from './choose.js';
import {
  fitProfileCurves,
  PROFILE_SIMPLIFY,
  ProfileCurveCache,
  WINDOW_GRID,
  WINDOW_SWEEPS,
  type CurveFitOptions,
} from './curve-fit.js';
import {
  WEEKLY_PHASE2_RIDGE,
  WEEKLY_PHASE3_RIDGE,
  WEEKLY_PHASE3_RIDGE_ROWS,
  pooledMeanFit,
  pooledReason,
  pooledWindow,
} from './ladder.js';
import { PHASE0_ALPHA } from './linear.js';
import {
  DesignMemo,
  buildMediaDesign,
  hillKFor,
  mediaColumnName,
  peakedOrGeometric,
  rescaleTrend,
} from './media.js';
import { LATE_START_TRAIN_PERIODS, spendPeriods } from '../core/data-warnings.js';
import { seriesPrefix, timeSeriesFolds } from '../core/folds.js';
import { geometricAdstock } from '../core/transforms.js';
import { GROWTH_RIDGE, launchInValidation, windowGrowth } from './support.js';
import { growthPercent } from '../core/growth.js';
import { PHASE_DEFAULTS } from './defaults.js';
import { PASS_THRESHOLD } from './result.js';
import {
  FOLD_MODEL_LAGS,
  searchMediaParams,
  searchSharedMediaParams,
  sharedMediaShapeFits,
  type MediaSearchOptions,
} from './search.js';
import { parsePhase, type ChannelParams, type ModelKind, type PhaseId } from './types.js';

// The JSON form of a final model lives in final-json.ts (serialization apart from fitting).
export { finalFromJSON, finalToJSON, type FinalModelJSON } from './final-json.js';

/**
 * Candidate delays of the all-rows phase-3 model by default: none. Offered the fold models' lags
 * (FOLD_MODEL_LAGS, kept by the same one-standard-error rule), the all-rows model's intervals fell
 * out of their coverage band on the shape suite (80% / 95%: 77% / 89% -> 62% / 82%; delayed fits
 * whose window refits agree, and delays creating offsetting channels that the non-negativity then
 * holds at 0), and extreme_ski_gear google's ROAS error rose from 0.6% to 29.8%. Without them, with
 * the non-negativity kept, the suite is back at 77% / 89% with no negative ROAS (docs/modeling.md,
 * "The all-rows model follows the fold models' rules"). The fold models keep their delays.
 */
export const ALL_ROWS_LAGS: readonly number[] = [];

export interface FinalModelOptions {
  /** Calendar controls (default true). */
  calendar?: boolean;
  /** Ridge alpha grid (phases 1-3; default 0.01, 0.1, 1, 10, 100). */
  alphas?: readonly number[];
  /** 'rule' (default) or 'tuned' Ridge/GBM weight (phases 2-3). */
  blend?: 'rule' | 'tuned';
  /** Seed of the GBM sampling (default 0). */
  seed?: number;
  /** Rows dropped between inner training and validation blocks (default 0). */
  gap?: number;
  /** Inner-validation R² bar of the Ridge -> GBM -> blend rule (default 0.5). */
  passThreshold?: number;
  /** GBM hyper-parameters over GBM_DEFAULTS. */
  gbm?: Partial<GbmOptions>;
  /** Phase-3 search settings. */
  search?: Pick<MediaSearchOptions, 'sweeps' | 'refineRounds' | 'alpha' | 'innerFolds'>;
  /** Phase 3: use these adstock/Hill parameters instead of searching (bootstrap replicates). */
  channelParams?: Record<string, ChannelParams>;
  /**
   * Phase 3, searched parameters: candidate delays of the all-rows delay decision (allRowsDelays;
   * default ALL_ROWS_LAGS, none; FOLD_MODEL_LAGS[frequency] offers the fold models' lags).
   */
  lags?: readonly number[];
  /**
   * Phases 2-3: fit Ridge without the Ridge / GBM / blend choice, with this reason (chooseAndFit
   * keepRidge; the data-window refits of a Ridge model: intervals.ts dataWindowFigures).
   */
  keepRidge?: string;
  /**
   * Phase 3: the Ridge part holds every channel's contribution >= 0 (nonNegativeContributions;
   * default true). false: the unconstrained model.
   */
  nonNegativeMedia?: boolean;
  /** The trend as the growth curve where revenue compounds (FinalModel.growth; default true). */
  growthTrend?: boolean;
  /**
   * Phase 3, searched parameters on daily data: the curves refitted by profile least squares on
   * all rows from the pooled search's choice (profileCurves; default true). false: the pooled
   * search's curves, as before (docs/modeling.md, "The all-rows model's curves: profile least
   * squares").
   */
  profileCurves?: boolean;
}

/** A phase's model fitted on all rows of a tenant, with what is needed to rebuild its design. */
export interface FinalModel {
  tenant: string;
  phase: PhaseId;
  /** Training rows; the calendar trend of any series predicted is t / rows. */
  rows: number;
  frequency: Frequency;
  channels: string[];
  weather: string[];
  controls: string[];
  calendar: boolean;
  featureNames: string[];
  /** Phase 3: adstock/Hill parameters per channel (k in spend units), else null. */
  channelParams: Record<string, ChannelParams> | null;
  kind: ModelKind;
  /** Ridge alpha (null when the model is a GBM alone). */
  alpha: number | null;
  reason: string;
  /** Phases 0-1: the Ridge model; phases 2-3: the chosen model's Ridge part. */
  ridge: RidgeModel;
  /** Phases 2-3: the chosen Ridge / GBM / blend; null for phases 0-1. */
  chosen: ChosenModel | null;
  /**
   * Phase 3 fitted by the pooled search: each search's parameters (pooledSearchEnds order, k on
   * that search's rows) whose median channelParams is; with profile curves (curveFit), the
   * window fits instead: the profile fit on each of the 5 standard folds' training rows (k on all
   * rows), then the all-rows fit without the one-standard-error rule where that rule moved a
   * curve. Absent when the parameters were given. The intervals' window spread (intervals.ts
   * windowFigures) and the planner (src/plan/replicates.ts) refit the model with each of them.
   */
  searchRuns?: Record<string, ChannelParams>[];
  /**
   * Phase 3: 'profile' when channelParams are the profile least-squares fit on all rows
   * (profileCurves); absent for the pooled search's curves or given parameters. Its bootstrap
   * replicates refit the curves the same way (intervals.ts refitReplicate).
   */
  curveFit?: 'profile';
  /**
   * Phase 3: channels whose contribution the non-negativity constraint holds at 0
   * (nonNegativeContributions); absent when none.
   */
  heldAtZero?: string[];
  /**
   * Weekly phases 0-2: each channel's spend scale c of the log(1 + spend / c) terms, from the
   * fitted series (features.ts weeklySpendScale); predictions on other spend keep it. Absent on
   * daily and phase-3 models, and on models stored before it was kept (withFitScales fills it).
   */
  weeklyScales?: number[];
  /**
   * The log growth rate a year whose curve is the model's trend (support.ts windowGrowth on all
   * rows; core/features.ts growthTrendColumn): revenue that compounds fast enough on the log scale,
   * as the fold models take it. Absent: the straight trend.
   */
  growth?: number;
}

/** Whether a model's design has the weekly log-spend terms (weekly phases 0-2). */
function hasWeeklySpendTerms(phase: PhaseId, frequency: Frequency): boolean {
  return phase < 3 && frequency === 'weekly';
}

/**
 * The model with the weekly spend scales of `series`, the series it was fitted on, when it needs
 * them and lacks them (a model stored before they were kept): unchanged otherwise.
 */
export function withFitScales(model: FinalModel, series: TenantSeries): FinalModel {
  if (!hasWeeklySpendTerms(model.phase, model.frequency) || model.weeklyScales) return model;
  return { ...model, weeklyScales: series.spend.map(weeklySpendScale) };
}

/**
 * The Ridge part of a phase-3 all-rows model with every channel's contribution held >= 0: a
 * media effect below zero is not a media effect, and correlated channels otherwise offset each
 * other (a daily 12-channel tenant with correlation 0.85: email ROAS 29 against a truth of 4.3,
 * three channels negative). A channel's contribution (its columns' effect summed over the rows:
 * zero spend zeroes its adstock/Hill column and its weather interactions) is linear in the
 * coefficients, so this is Ridge under one linear constraint per channel (solveRidgeConstrained),
 * at the alpha chosen; its weather interactions may still tilt the effect by weather. Why a
 * constraint rather than leaving the channel out, as the weekly fold models do
 * (ladder.ts nonNegativeMediaColumns): left out, a channel loses its weather interactions too,
 * and leaving out every negative channel at once took out 7 of 12 channels of that tenant, where
 * the constraint holds fewer at 0 (docs/modeling.md, "The all-rows model"). Fitted on rows
 * [0, n) (default all) as `ridge` was. null when every contribution is already >= 0 (the model
 * is unchanged).
 */
export function nonNegativeContributions(
  channels: readonly string[],
  design: Pick<Design, 'names' | 'columns'>,
  y: Float64Array,
  ridge: RidgeModel,
  n = y.length,
): { ridge: RidgeModel; atZero: string[] } | null {
  const groups = channels.map((c) => {
    const m = mediaColumnName(c);
    const cols: number[] = [];
    design.names.forEach((name, j) => {
      if (name === m || name.startsWith(`${m}_x_`)) cols.push(j);
    });
    return cols;
  });
  const sums = design.columns.map((col) => {
    let sum = 0;
    for (let t = 0; t < n; t++) sum += col[t];
    return sum;
  });
  const contribution = (g: number[]): number => g.reduce((a, j) => a + ridge.coef[j] * sums[j], 0);
  if (groups.every((g) => contribution(g) >= 0)) return null;
  const sys = ridgeSystem(momentsOf(design.columns, y, { start: 0, end: n }));
  // Standardized coordinates: coef_j = b_j / scale_j, so the contribution is sum_j b_j sums_j / scale_j.
  const constraints = groups.map((g) => {
    const a = new Float64Array(design.names.length);
    for (const j of g) a[j] = sums[j] / sys.scales[j];
    return a;
  });
  const { model, active } = solveRidgeConstrained(sys, ridge.alpha, constraints);
  return { ridge: model, atZero: channels.filter((_, c) => active[c]) };
}

/** The design of a final model for the given series (phase 0-2: buildDesign; 3: media design). */
function designFor(
  series: TenantSeries,
  phase: PhaseId,
  calendar: boolean,
  weather: readonly string[],
  channelParams: Record<string, ChannelParams> | null,
  memo?: DesignMemo,
  weeklyScales?: readonly number[],
  growthLogRate?: number,
): Design {
  if (phase === 3) {
    if (!channelParams) throw new Error('phase-3 final model has no channel parameters');
    return buildMediaDesign(series, channelParams, { calendar, weather, growthLogRate }, memo);
  }
  return buildDesign(series, {
    interactions: phase >= 1,
    calendar,
    weather,
    weeklyScales,
    growthLogRate,
  });
}

/**
 * Adstock/Hill parameters for the all-rows model: the per-channel median of the parameters the
 * search picks on each standard training prefix (the 5 CV folds' training rows) and on all rows
 * (k_mult by its geometric median). One search on all rows can land on a flat ridge of the
 * score surface (decay 0.9 with a saturated curve fits as well as the true 0.3) and then ROAS is
 * an extrapolation; the median over six searches on nested data is much steadier (measured on
 * the extreme and high tiers: see the phase 3 issue note). k is re-derived on all rows.
 *
 * Training ends of the pooled search: the 5 standard CV folds' training rows, then all rows.
 */
export function pooledSearchEnds(rows: number): number[] {
  return [...timeSeriesFolds(rows, 5).map((f) => f.trainEnd), rows];
}

/**
 * Whether the all-rows searches (the point model's, its bootstrap replicates' and so its window
 * refits') fit one decay, k_mult and Hill shape shared by the channels: on weekly data, as the
 * weekly fold models do (ladder.ts weeklySharedMedia), so that `explain` describes the model whose
 * fold R² it reports; per channel on daily data and where delays are offered (`lags` with a
 * delay > 0: the shared search is geometric only, as for the fold models).
 */
export function allRowsSharedMedia(
  series: TenantSeries,
  lags: readonly number[] = ALL_ROWS_LAGS,
): boolean {
  return sharedMediaShapeFits(series, lags);
}

/**
 * One all-rows search on rows [0, end): the shared shape (searchSharedMediaParams, which reads
 * neither `start`, `sweeps`, `refineRounds` nor `trialCache`) or the per-channel search.
 */
export function allRowsSearch(
  series: TenantSeries,
  end: number,
  search: MediaSearchOptions,
  shared: boolean,
): Record<string, ChannelParams> {
  return (shared ? searchSharedMediaParams : searchMediaParams)(series, end, search).params;
}

/**
 * The pooled search's runs (pooledSearchEnds order), shared or per channel (allRowsSharedMedia).
 * `starts[i]` warm-starts run i of a per-channel search (the bootstrap replicates start each
 * prefix's search at the point model's choice on that prefix).
 */
export function pooledSearchRuns(
  series: TenantSeries,
  search: MediaSearchOptions,
  shared: boolean,
  starts?: readonly Record<string, ChannelParams>[],
): Record<string, ChannelParams>[] {
  return pooledSearchEnds(series.target.length).map((end, i) =>
    allRowsSearch(series, end, { ...search, start: starts?.[i] ?? search.start }, shared),
  );
}

/**
 * Per-channel median of the runs' parameters (k_mult geometric), k re-derived on all rows. With
 * `ends` (each run's training rows [0, end), pooledSearchEnds) a run votes on a channel only when
 * its rows hold at least LATE_START_TRAIN_PERIODS periods of the channel's spend, as long as one
 * run does: a run on rows before a channel's launch leaves it at the search's start, and five such
 * prefixes of six outvoted the all-rows run (a probe's channel launched 120 days before the end
 * was explained with decay 0.5, k_mult 1, s 1, the start, on two seeds). Not for a shape shared
 * by the channels (weekly), which every run estimates from the channels it sees.
 */
export function poolSearchRuns(
  series: TenantSeries,
  runs: readonly Record<string, ChannelParams>[],
  ends?: readonly number[],
): Record<string, ChannelParams> {
  const n = series.target.length;
  const out: Record<string, ChannelParams> = {};
  const need = LATE_START_TRAIN_PERIODS[series.frequency];
  series.channels.forEach((c, i) => {
    const voting =
      ends && ends.length === runs.length
        ? runs.filter((_, r) => spendPeriods(series.spend[i], ends[r]) >= need)
        : runs;
    const counted = voting.length > 0 ? voting : runs;
    const decay = median(counted.map((r) => r[c].decay));
    const kMult = Math.exp(median(counted.map((r) => Math.log(r[c].k_mult))));
    const s = median(counted.map((r) => r[c].s));
    // Runs with a delay (a window refit's run, its delays decided on its rows: intervals.ts).
    const lag = median(counted.map((r) => r[c].lag ?? 0));
    const k = hillKFor(peakedOrGeometric(series.spend[i], decay, lag), n, kMult);
    out[c] = lag > 0 ? { decay, k_mult: kMult, k, s, lag } : { decay, k_mult: kMult, k, s };
  });
  return out;
}

/**
 * The all-rows model's delayed carry-over, decided as the daily fold models decide theirs
 * (search.ts, "Delayed carry-over"): from the given geometric parameters, each channel's lags are
 * scanned on the coarse grid, the channels that moved are refined, and the lags are kept only
 * where their gain on the blocked inner folds of all rows exceeds one standard error of the
 * foldwise gains (clearGain); otherwise the parameters come back unchanged, bit for bit. The same
 * scheme (8 blocked inner folds) and lags (FOLD_MODEL_LAGS: daily 1-7 days, weekly none) as the
 * fold models; the sweeps are not re-run (the geometric point is the pooled one). Channels
 * without a kept lag keep their given parameters exactly.
 */
export function allRowsDelays(
  series: TenantSeries,
  params: Record<string, ChannelParams>,
  options: {
    calendar: boolean;
    gap: number;
    alpha?: number;
    /** Candidate lags: one list for every channel or a list per channel (default FOLD_MODEL_LAGS). */
    lags?: MediaSearchOptions['lags'];
    /** Rows the decision is made on, [0, trainEnd) (default all); k of a delayed channel on them. */
    trainEnd?: number;
  },
): Record<string, ChannelParams> {
  const lags = options.lags ?? FOLD_MODEL_LAGS[series.frequency];
  const offered = Array.isArray(lags)
    ? lags.length > 0
    : Object.values(lags as Readonly<Record<string, readonly number[]>>).some((l) => l.length > 0);
  if (!offered) return params;
  const found = searchMediaParams(series, options.trainEnd ?? series.target.length, {
    scheme: 'blocked',
    lags,
    sweeps: 0,
    refineRounds: 0,
    start: params,
    calendar: options.calendar,
    gap: options.gap,
    alpha: options.alpha,
  }).params;
  if (series.channels.every((c) => (found[c].lag ?? 0) === (params[c].lag ?? 0))) return params;
  const out: Record<string, ChannelParams> = {};
  for (const c of series.channels) {
    out[c] = (found[c].lag ?? 0) === (params[c].lag ?? 0) ? params[c] : found[c];
  }
  return out;
}

/**
 * The all-rows model's curves by profile least squares (curve-fit.ts fitProfileCurves) from the
 * pooled search's choice, and its window fits (FinalModel.searchRuns). Why: the pooled search
 * scores its candidates on inner expanding folds, whose scores are mostly noise on all rows; it
 * chose Hill k a fifth to a half of the truth's on always-on channels, putting most of their
 * effect below the spend the data show, where the profile fit on all rows, with the
 * one-standard-error rule on the Hill shapes (PROFILE_SIMPLIFY), reads ROAS within 25% of the
 * truth on 34 of 40 built-in channels instead of 28, and on probe data of 6-12 channels took the
 * media's share of the revenue from up to 170% back below it (docs/modeling.md, "The all-rows
 * model's curves: profile least squares"). Daily data only: on weekly data, per-channel curves
 * on 104-208 rows read wild ROAS, and the channels share one shape (allRowsSharedMedia).
 */
function profileCurves(
  series: TenantSeries,
  start: Record<string, ChannelParams>,
  spec: { calendar: boolean; weather: readonly string[]; growthLogRate: number | undefined },
): { params: Record<string, ChannelParams>; windows: Record<string, ChannelParams>[] } {
  const fit = fitProfileCurves(series, start, {
    ...spec,
    simplify: PROFILE_SIMPLIFY,
    kWithinSpend: true,
  });
  const windows = profileWindowFits(series, fit.params, { ...spec, kWithinSpend: true });
  const moved = JSON.stringify(fit.bestParams) !== JSON.stringify(fit.params);
  return { params: fit.params, windows: moved ? [...windows, fit.bestParams] : windows };
}

/**
 * The window fits of a profile curve fit: the same fit (WINDOW_SWEEPS sweeps of WINDOW_GRID, from
 * `params`) on the training rows of the 5 standard folds (pooledSearchEnds), k re-derived on all
 * rows. The phase-3 model's (profileCurves) and the plan model's (plan/curves.ts) searchRuns.
 */
export function profileWindowFits(
  series: TenantSeries,
  params: Readonly<Record<string, ChannelParams>>,
  spec: Pick<
    CurveFitOptions,
    'calendar' | 'weather' | 'growthLogRate' | 'shapePrior' | 'kWithinSpend'
  >,
): Record<string, ChannelParams>[] {
  const n = series.target.length;
  return pooledSearchEnds(n)
    .slice(0, -1)
    .map((end) => {
      const w = fitProfileCurves(seriesPrefix(series, end), params, {
        ...spec,
        sweeps: WINDOW_SWEEPS,
        grid: WINDOW_GRID,
        // A window fit visits each candidate once: keeping its columns only costs copies.
        cache: new ProfileCurveCache(0),
      }).params;
      return Object.fromEntries(
        series.channels.map((c, i) => [
          c,
          { ...w[c], k: hillKFor(geometricAdstock(series.spend[i], w[c].decay), n, w[c].k_mult) },
        ]),
      );
    });
}

/** Fits the phase's model on all rows of the series. */
export function fitFinalModel(
  series: TenantSeries,
  phase: PhaseId,
  options: FinalModelOptions = {},
): FinalModel {
  parsePhase(phase);
  const y = series.target;
  const n = y.length;
  if (series.dates.length !== n) {
    throw new RangeError(`series has ${series.dates.length} dates but ${n} target values`);
  }
  const calendar = options.calendar ?? PHASE_DEFAULTS.calendar;
  const gap = options.gap ?? PHASE_DEFAULTS.gap;
  // Weather columns constant over the rows are left out with their terms (variedWeatherNames).
  const weather = variedWeatherNames(series);
  // Revenue that compounds: the trend is its growth curve, as in the fold models (ladder.ts growth).
  const growth =
    calendar && (options.growthTrend ?? true) ? (windowGrowth(series, n) ?? undefined) : undefined;
  let channelParams: Record<string, ChannelParams> | null = null;
  let searchRuns: Record<string, ChannelParams>[] | undefined;
  let curveFit: 'profile' | undefined;
  if (phase === 3) {
    if (options.channelParams) channelParams = options.channelParams;
    else {
      const shared = allRowsSharedMedia(series, options.lags);
      searchRuns = pooledSearchRuns(series, { ...options.search, calendar, gap }, shared);
      const ends = shared ? undefined : pooledSearchEnds(n);
      channelParams = allRowsDelays(series, poolSearchRuns(series, searchRuns, ends), {
        calendar,
        gap,
        alpha: options.search?.alpha,
        lags: options.lags ?? ALL_ROWS_LAGS,
      });
      const geometric = Object.values(channelParams).every((p) => (p.lag ?? 0) === 0);
      if (!shared && geometric && series.frequency === 'daily' && (options.profileCurves ?? true)) {
        const fitted = profileCurves(series, channelParams, {
          calendar,
          weather,
          growthLogRate: growth,
        });
        channelParams = fitted.params;
        searchRuns = fitted.windows;
        curveFit = 'profile';
      }
    }
  }
  const design = designFor(
    series,
    phase,
    calendar,
    weather,
    channelParams,
    undefined,
    undefined,
    growth,
  );
  let ridge: RidgeModel;
  let chosen: ChosenModel | null = null;
  let alpha: number | null;
  let kind: ModelKind = 'ridge';
  let reason: string;
  let heldAtZero: string[] = [];
  if (phase === 0) {
    // Weekly data: alpha by generalized cross-validation on all rows, as the fold models
    // (ladder.ts phase0Alpha).
    alpha =
      series.frequency === 'weekly'
        ? selectAlphaGcv(design.columns, y, n, options.alphas ?? DEFAULT_ALPHAS).alpha
        : PHASE0_ALPHA;
    ridge = fitRidge(design.columns, y, { start: 0, end: n }, alpha);
    reason =
      series.frequency === 'weekly'
        ? `phase 0: Ridge alpha ${alpha} chosen by generalized cross-validation on all ${n} rows`
        : `phase 0: Ridge alpha ${PHASE0_ALPHA} on all ${n} rows`;
    if (pooledWindow(series.frequency, n)) {
      // As the fold models (ladder.ts pooledMeanFit).
      const pooled = pooledMeanFit(
        series,
        design.names,
        design.columns,
        y,
        n,
        ridge,
        options.alphas ?? DEFAULT_ALPHAS,
      );
      ridge = pooled.model;
      reason = `${reason}, ${pooledReason(pooled.trendPenalty)}`;
    }
  } else if (phase === 1) {
    const grid = options.alphas ?? DEFAULT_ALPHAS;
    alpha = selectAlpha(design.columns, y, n, grid, 3, { gap }).alpha;
    ridge = solveRidge(ridgeSystem(momentsOf(design.columns, y, { start: 0, end: n })), alpha);
    reason = `phase 1: Ridge alpha ${alpha} chosen by inner TimeSeriesSplit(3) on all ${n} rows`;
    if (pooledWindow(series.frequency, n)) {
      // As the fold models (ladder.ts pooledMeanFit).
      const pooled = pooledMeanFit(series, design.names, design.columns, y, n, ridge, grid);
      ridge = pooled.model;
      reason = `${reason}, ${pooledReason(pooled.trendPenalty)}`;
    }
  } else {
    chosen = chooseAndFit(design.columns, y, n, {
      alphas: options.alphas ? [...options.alphas] : undefined,
      blend: options.blend,
      passBar: options.passThreshold ?? PASS_THRESHOLD,
      gbm: options.gbm,
      seed: options.seed,
      gap,
      featureNames: design.names,
      // Weekly phase 2 keeps Ridge, as its fold models do (ladder.ts).
      keepRidge:
        options.keepRidge ??
        (phase === 2 && series.frequency === 'weekly'
          ? WEEKLY_PHASE2_RIDGE
          : phase === 3 && series.frequency === 'weekly' && n < WEEKLY_PHASE3_RIDGE_ROWS
            ? WEEKLY_PHASE3_RIDGE
            : (launchInValidation(series, n, gap) ??
              (growth !== undefined ? GROWTH_RIDGE : undefined))),
    });
    if (phase === 3 && (options.nonNegativeMedia ?? true) && chosen.ridgeWeight > 0) {
      const held = nonNegativeContributions(series.channels, design, y, chosen.ridge);
      if (held) {
        heldAtZero = held.atZero;
        chosen = {
          ...chosen,
          ridge: held.ridge,
          reason: `${chosen.reason}; contributions held non-negative (at 0: ${held.atZero.join(', ')})`,
        };
      }
    }
    ridge = chosen.ridge;
    alpha = chosen.ridgeWeight > 0 ? chosen.alpha : null;
    kind = chosen.kind;
    reason = chosen.reason;
  }
  if (growth !== undefined) reason += growthReason(growth);
  return {
    tenant: series.tenant,
    phase,
    rows: n,
    frequency: series.frequency,
    channels: [...series.channels],
    weather,
    controls: [...series.controlNames],
    calendar,
    featureNames: design.names,
    channelParams,
    kind,
    alpha,
    reason,
    ridge,
    chosen,
    ...(searchRuns ? { searchRuns } : {}),
    ...(heldAtZero.length > 0 ? { heldAtZero } : {}),
    ...(hasWeeklySpendTerms(phase, series.frequency)
      ? { weeklyScales: series.spend.map(weeklySpendScale) }
      : {}),
    ...(growth !== undefined ? { growth } : {}),
    ...(curveFit ? { curveFit } : {}),
  };
}

/**
 * The same phase-3 design fitted as Ridge: a GBM's or blend's channel curves and calendar, its
 * coefficients by Ridge on all rows (keepRidge `why`). What lift tests calibrate in place of a tree
 * model, which is piecewise constant in spend (calibration.ts), and the model-kind term of the
 * intervals (intervals.ts kindFigures). The model itself when it is a Ridge; null for phases 0-2
 * and models without searched curves.
 */
export function ridgeForm(
  series: TenantSeries,
  model: FinalModel,
  options: FinalModelOptions,
  why: string,
): FinalModel | null {
  if (model.phase !== 3 || !model.channelParams) return null;
  if (model.kind === 'ridge') return model;
  return fitFinalModel(series, 3, {
    ...options,
    calendar: model.calendar,
    channelParams: model.channelParams,
    keepRidge: why,
  });
}

/** ", the trend a growth curve of +60% a year (revenue compounds)": a model reason's tail. */
export function growthReason(logRate: number): string {
  return `, the trend a growth curve of ${growthPercent(logRate)} a year (revenue compounds)`;
}

/**
 * Predictions of a final model for every row of `series` (same channels, weather and controls
 * as the training series; spend may differ). The design is rebuilt from the series, so spend
 * changes flow through every transform; the calendar trend continues as t / model.rows.
 */
export function predictFinal(
  model: FinalModel,
  series: TenantSeries,
  memo?: DesignMemo,
): Float64Array {
  const same = (a: readonly string[], b: readonly string[]): boolean =>
    a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(model.channels, series.channels)) {
    throw new RangeError(
      `series channels ${series.channels.join(', ')} differ from the model's ${model.channels.join(', ')}`,
    );
  }
  if (!same(model.controls, series.controlNames)) {
    throw new RangeError(
      `series controls ${series.controlNames.join(', ') || 'none'} differ from the model's ${model.controls.join(', ') || 'none'}`,
    );
  }
  if (series.frequency !== model.frequency) {
    throw new RangeError(
      `series is ${series.frequency} but the model was fitted on ${model.frequency} data`,
    );
  }
  const design = designFor(
    series,
    model.phase,
    model.calendar,
    model.weather,
    model.channelParams,
    memo,
    model.weeklyScales,
    model.growth,
  );
  if (!same(design.names, model.featureNames)) {
    throw new RangeError('the series does not rebuild the model features (different columns?)');
  }
  // The growth curve is a function of the row alone, so it continues past the fitted rows as is.
  if (model.growth === undefined) rescaleTrend(design, model.rows);
  const rows = { start: 0, end: series.target.length };
  return model.chosen
    ? predictChosen(model.chosen, design.columns, rows)
    : predictRidge(model.ridge, design.columns, rows);
}
