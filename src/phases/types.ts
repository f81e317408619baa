/** Result shapes of the phases: the public JSON shape (snake_case keys, as the plan's artifacts). */

import type { CalibrationReport } from './calibration.js';
import type { RoasStatus } from './roas-status.js';

export type PhaseId = 0 | 1 | 2 | 3;
export const PHASES: readonly PhaseId[] = [0, 1, 2, 3];

/** The one message for a bad phase id, in every layer and both faces. */
export const PHASE_MESSAGE =
  'phase must be one of 0, 1, 2, 3 (0 = baseline Ridge, 1 = tuned Ridge, 2 = GBM/blend, 3 = adstock+Hill)';

/** True for a phase id (the numbers 0-3, never their strings). */
export function isPhaseId(x: unknown): x is PhaseId {
  return PHASES.includes(x as PhaseId);
}

/** Returns `x` as a phase id, or throws a RangeError with PHASE_MESSAGE and the value given. */
export function parsePhase(x: unknown): PhaseId {
  if (!isPhaseId(x)) throw new RangeError(`${PHASE_MESSAGE}; got ${String(x)}`);
  return x;
}

export type ModelKind = 'ridge' | 'gbm' | 'blend';

const KIND_WORDS: Record<ModelKind, string> = {
  ridge: 'a Ridge',
  gbm: 'a GBM',
  blend: 'a Ridge/GBM blend',
};

/** 'a Ridge', 'a GBM', 'a Ridge/GBM blend'. */
export function modelKindWords(kind: ModelKind): string {
  return KIND_WORDS[kind];
}

/**
 * The kinds of a model fold by fold, in words: 'a Ridge on every fold', or 'a Ridge on folds 1, 2,
 * 3, 5 and a GBM on fold 4' (kinds in order of their first fold).
 */
export function foldKindsPhrase(kinds: readonly ModelKind[]): string {
  const order = [...new Set(kinds)];
  if (order.length === 1) return `${modelKindWords(order[0])} on every fold`;
  return order
    .map((k) => {
      const at = kinds.flatMap((x, i) => (x === k ? [i + 1] : []));
      return `${modelKindWords(k)} on fold${at.length > 1 ? 's' : ''} ${at.join(', ')}`;
    })
    .join(' and ');
}

export interface BaselineComparison {
  /** RMSE of the baseline on the test folds (mean over folds). */
  rmse: number;
  /** baseline RMSE / model RMSE: > 1 means the model beats the baseline. */
  error_ratio: number;
}

export interface ChannelParams {
  decay: number;
  /** Hill k as a multiple of the channel's median positive adstocked training spend. */
  k_mult: number;
  /** Hill k in spend units. */
  k: number;
  s: number;
  /**
   * Periods from the spend to the peak of its delayed carry-over: the peaked adstock with weights
   * decay^((l - lag)^2) (core/transforms.ts peakedAdstock, media.ts peakedOrGeometric); absent or
   * 0: the geometric adstock. The phase-3 search chooses it (search.ts `lags`) for the fold models
   * and the all-rows model (final.ts).
   */
  lag?: number;
}

/** Why a fold uses its phase's model or a simpler phase's (ladder.ts), decided on training rows. */
export interface FallbackRecord {
  /** Phase whose model the fold uses: this phase, or the simpler one it fell back to. */
  used_phase: PhaseId;
  /** True when this phase's own model was kept. */
  kept: boolean;
  /**
   * The phase the fold fell back to when its own model was not kept; its laddered model may be
   * a simpler phase's (used_phase): phase 3 falls back to phase 2, whose model there is phase 0's.
   * Absent when kept, and in runs stored before it (their reason says it).
   */
  fell_back_to?: PhaseId;
  /**
   * The fold forecasts with the mean of the model of used_phase and another model of the same
   * window (ladder.ts hedges of a noisy or missing check): that model's phase, whether it is the
   * phase's own fit of the window or its laddered model, and its share of each prediction. A daily
   * phase-3 fold that fell back forecasts half with phase 2's laddered model and half with phase
   * 3's own: `used_phase` alone would read as a whole fallback. Absent when the fold forecasts
   * with one model (or a stacked share: weight), and in runs stored before it (their reason says it).
   */
  averaged_with?: { phase: PhaseId; model: 'own' | 'laddered'; share: number };
  /** The last rows of the fold's training window that decided it. */
  validation_rows: number;
  /** Validation blocks the decision pooled (0: no check). */
  validation_blocks: number;
  /** Validation R² of this phase's procedure and of the previous phase's (null: not fitted). */
  phase_r2: number | null;
  previous_r2: number | null;
  /**
   * Daily phases 1-2 checked on blocks (ladder.ts stacking): the share w of this phase's own
   * forecast in the fold's, phase k-1's + w x (phase k's - phase k-1's); absent otherwise.
   */
  weight?: number;
  /**
   * Phase 3 that won its validation blocks (ladder.ts noiseAwareKeep): the standard error of its
   * mean R² gain there; daily data keeps it outright only above KEEP_STANDARD_ERRORS of them,
   * weekly data where a paired t-test over the blocks rejects "no gain" at WEEKLY_KEEP_LEVEL.
   * Daily phases 1-2 stacked on blocks: the standard error of the blocks' mean R² gain at their
   * share, which shrinks the share (ladder.ts stackingNoiseFactor). Absent otherwise (and with one
   * weekly block, which has no spread to judge by).
   */
  gain_se?: number;
  reason: string;
}

/** The cross-validation protocol of a result (core/folds.ts chooseProtocol). */
export interface ProtocolRecord {
  rule: 'timeseriessplit' | 'year-window' | 'min-window' | 'user';
  folds: number;
  test_rows: number;
  first_train_rows: number;
  min_train_rows: number;
  gap: number;
  frequency: 'daily' | 'weekly';
  reason: string;
}

export interface FoldResult {
  fold: number;
  train_rows: number;
  test_rows: number;
  test_start: string;
  test_end: string;
  r2: number;
  train_r2: number;
  rmse: number;
  mae: number;
  mape: number;
  nrmse: number;
  oracle_r2: number | null;
  /** Ridge alpha used in this fold (phase 0: 1; phase 1+: tuned on training rows). */
  alpha: number | null;
  model: ModelKind;
  /** Weight of Ridge in a blend (1 = ridge only, 0 = GBM only). */
  blend_weight: number | null;
  /** Why this model was chosen (phase 2+). */
  reason: string | null;
  /** Early-stopped GBM tree count (phase 2+). */
  gbm_trees: number | null;
  /** Phase 3: chosen adstock/Hill parameters per channel. */
  channel_params: Record<string, ChannelParams> | null;
  /** Phases 1-3: the per-fold fallback decision (null for phase 0 and the peer-parity mode). */
  fallback: FallbackRecord | null;
  /**
   * Terms left out of the fold's model because its training rows cannot identify them (support.ts):
   * calendar terms of a window under a year, and columns that move on one training row with the
   * terms built from them (singleRowTerms).
   */
  dropped_terms: string[];
  /**
   * Terms used inside the training window and held after it: the trend of a window of about one
   * year, at its value on the window's last row, where it cannot be told apart from the season;
   * and controls that move on one row of a window of a year or more (one-off events, support.ts
   * windowPulses), at their value on the window's other rows except where they take that row's
   * value again (the event recurring).
   */
  held_terms: string[];
  /**
   * Where the training rows' revenue compounds (phases/support.ts windowGrowth: a log growth
   * rate of at least 0.2 a year over a year and a half or more, 0.3 from 1.2 years): the log growth
   * rate a year of the trend's curve, exp(growth_trend) - 1 a year; null (or absent, on results
   * stored before it was kept) where the trend is a straight line.
   */
  growth_trend?: number | null;
  /**
   * A fold whose R² is below FAR_OFF_R2 (result.ts): how far its test block's mean is from what
   * the model predicted there on average and from the training rows' mean, and what that points
   * at. Absent on other folds (and on results stored before it was kept).
   */
  level_gap?: FoldLevelGap;
}

/** FoldResult.level_gap: a far-off fold's level against its forecast and its training rows. */
export interface FoldLevelGap {
  /** Mean target over the test block. */
  test_mean: number;
  /** Mean of the fold's forecast over the test block. */
  predicted_mean: number;
  /** Mean target over the fold's training rows. */
  train_mean: number;
  /** (test_mean - predicted_mean)² / the block's mean squared error: the share of the error that is a level offset. */
  offset_share: number;
  /** 'level_offset' when the offset is most of the error (offset_share >= 0.5), else 'variation'. */
  cause: 'level_offset' | 'variation';
  /** The same in words, with what to do. */
  note: string;
}

export interface ExtendedChecks {
  fold_std_ok: boolean;
  rmse_pct_ok: boolean;
  enough_folds: boolean;
  beats_baselines: boolean;
}

export interface TenantResult {
  tenant: string;
  phase: PhaseId;
  model_kind: string;
  fold_r2: number[];
  mean_r2: number;
  std_r2: number;
  /** Standard error of mean_r2: sample std of fold R² / sqrt(folds). */
  se_r2: number;
  train_r2: number;
  rmse: number;
  /** RMSE as % of mean revenue over the test folds. */
  rmse_pct: number;
  mae: number;
  mape: number;
  nrmse: number;
  alphas: (number | null)[];
  feature_names: string[];
  oracle_r2: number | null;
  /** mean_r2 minus oracle_r2 (negative: below the oracle). */
  oracle_gap: number | null;
  passes: boolean;
  checks: ExtendedChecks;
  /** Human-readable reasons for every failed check (pass bar and extended checks). */
  failures: string[];
  baselines: Record<
    'training_mean' | 'same_weekday_last_week' | 'spend_only_linear',
    BaselineComparison
  >;
  folds: FoldResult[];
  /** Phase 2+: top features by total gain of the GBM (when a GBM was fitted). */
  top_features: { feature: string; gain: number }[] | null;
  /** The cross-validation protocol the folds follow (null: folds given by the caller). */
  protocol: ProtocolRecord | null;
  /**
   * Weekly phase 3: the same folds forecast by the model explain and the planner describe (the
   * adstock/Hill model alone), where the folds' figures above are those of its average with phase
   * 2's log-spend model; absent otherwise (the folds forecast with the explained kind of model).
   */
  explained_model?: ExplainedModelCv;
  seconds: number;
}

/** What weekly phase 3's folds forecast with (ExplainedModelCv.forecast_with). */
export const WEEKLY_FORECAST_WITH =
  'the weekly average of this adstock/Hill model and the log-spend Ridge that phase 1 uses';

/**
 * Whether the folds forecast with weekly phase 3's mix (ExplainedModelCv.forecast_with; absent in
 * results kept before it, when the weekly mix was the only case).
 */
export function forecastWithWeeklyMix(forecastWith: string | undefined): boolean {
  return forecastWith === undefined || forecastWith === WEEKLY_FORECAST_WITH;
}

/**
 * How far below the folds' own mean fold R² the explained model alone must score for a daily
 * explanation to say so first (caveat cv_of_another_model): daily folds averaged with phase 2's
 * model moved the built-in 20 by -0.024 to +0.017 and the shape suite's daily tenants by -0.073 to
 * +0.010, and a caveat on every daily explanation for a difference of 0.001 would bury the ones
 * that matter. The header's clause gives the figure always; a model alone below the pass bar gets
 * model_fails_threshold whatever the gap.
 */
export const EXPLAINED_MODEL_CAVEAT_GAP = 0.02;

/** Fold R² of the explained model where a result's folds forecast with another (TenantResult). */
export interface ExplainedModelCv {
  /** What the explained model is. */
  model: string;
  fold_r2: number[];
  /**
   * The kind of the explained model on each fold: the adstock/Hill terms are fitted by the Ridge /
   * GBM / blend rule (choose.ts) on the fold's training rows, as the all-rows model is on all rows,
   * so a fold may be a GBM where the all-rows model is a Ridge.
   */
  fold_models: ModelKind[];
  /**
   * What the result's folds forecast with instead, after "the cross-validated mean fold R² is that
   * of": weekly phase 3's mix, or daily folds averaged with or replaced by phase 2's model. Absent
   * in results stored before it (weekly only then).
   */
  forecast_with?: string;
  mean_r2: number;
  /** Sample std of fold_r2 / sqrt(folds), as se_r2. */
  se_r2: number;
  /** One sentence for readers: which model the result's mean_r2 describes and which this one. */
  note: string;
}

export interface PhaseSummary {
  phase: PhaseId;
  total: number;
  pass_count: number;
  pass_rate: number;
  mean_r2: number;
  mean_oracle_r2: number | null;
  mean_oracle_gap: number | null;
}

/** Interval bounds [lo, hi] of a figure at the 80% and 95% levels (src/phases/intervals.ts). */
export interface FigureInterval {
  p80: [number, number];
  p95: [number, number];
}

/** Intervals of a channel's (or a weather state's) contribution, ROAS and marginal ROAS. */
export interface ChannelIntervals {
  contribution: FigureInterval;
  roas: FigureInterval;
  marginal_roas: FigureInterval;
}

/** Something the reader must know before trusting the figures; listed first in every rendering. */
export interface Caveat {
  /**
   * model_fails_threshold, not_validated, interval_spans_zero, cv_of_another_model, lift_test_conflict,
   * lift_test_below_spend, lift_test_judged_differently, lift_tests_ridge_form, no_intervals,
   * units_mismatch, channels_not_separable, level_shift, channels_correlated, no_carry_over, tree_model, low_spend_channel, constant_spend_channel, curve_not_estimated, media_effect_held_at_zero,
   * negative_media_effect, media_beyond_revenue, interval_beyond_revenue, convex_curve, roas_below_spend_seen,
   * calibrated_beyond_window, calibration_mostly_refit, roas_moved_since_previous, target_met_by_point (plans).
   */
  code: string;
  message: string;
  /**
   * The channels the caveat is about, when it is about some channels and not the whole model or
   * plan (a reader or an agent can act on them without parsing the message); absent otherwise.
   */
  channels?: string[];
}

/** How the intervals of an explanation were made. */
export interface UncertaintyInfo {
  method: string;
  replicates: number;
  failed_replicates: number;
  /** Rows per block of the moving-block bootstrap. */
  block_length: number;
  /** Relative model error tau added in quadrature (calibrated on generated tenants). */
  model_error: number;
  /** Factor on the bootstrap deviations per level (calibrated on generated tenants; intervals.ts). */
  /**
   * Factor on the bootstrap deviations per level, and (phase 3 with window refits) the factor on
   * the window refits' spread (calibrated on generated tenants; intervals.ts).
   */
  width_scale: {
    p80: number;
    p95: number;
    window?: number;
    window95?: number;
    tests?: number;
    offset95?: number;
    data?: number;
    data95?: number;
  };
  /**
   * Channels the point model holds at 0 and the bootstrap factors of their figures
   * (intervals.ts heldAtZeroScale); absent when none or when the scale has no window term.
   */
  held_at_zero?: { channels: string[]; width_scale: { p80: number; p95: number } };
  /**
   * Channels a calibrated model holds at the uncalibrated fit (no used lift test), whose
   * intervals are the uncalibrated explanation's (intervals.ts completeCalibratedIntervals), with
   * that explanation's method and width scale; absent otherwise.
   */
  uncalibrated_intervals?: {
    channels: string[];
    method: string;
    width_scale: UncertaintyInfo['width_scale'];
  };
  /**
   * The calibrated channels' information floor (intervals.ts addInformationFloor): no interval of
   * a channel with a used lift test is narrower than what the data and its tests can support
   * together. Per channel: `tests_information` = sum over its used tests of (the data's relative
   * sd of the test window's lift / the test's relative standard error)^2, `factor` = the
   * calibrated over the uncalibrated ROAS / sqrt(1 + tests_information), the share of the
   * uncalibrated explanation's half-widths the floor keeps, and `widened` how many of the
   * channel's interval ends it moved; absent when no channel has one.
   */
  information_floor?: {
    method: string;
    channels: { channel: string; tests_information: number; factor: number; widened: number }[];
  };
  /**
   * Channels whose bootstrap replicates hold them at 0 at least (1 - level) / 2 of the time at
   * some level, with that share and their bootstrap factors (intervals.ts nearBoundScale);
   * absent when none or when the scale has no window term.
   */
  near_bound?: {
    channel: string;
    share_at_bound: number;
    width_scale: { p80: number; p95: number };
  }[];
  /** Factors of marginal ROAS when they differ from width_scale (phase 3 with window refits). */
  marginal_width_scale?: {
    p80: number;
    p95: number;
    window?: number;
    window95?: number;
    data?: number;
    data95?: number;
  };
  /**
   * Controls' contributions and effects per unit: their intervals stretched about the point by
   * these factors (intervals.ts CONTROL_STRETCH); absent without controls.
   */
  control_stretch?: { p80: number; p95: number };
  /** Window refits whose spread widens the intervals (0: none; intervals.ts windowFigures). */
  window_refits?: number;
  /**
   * Data-window refits whose spread widens the intervals (intervals.ts dataWindowFigures); absent:
   * none.
   */
  data_window_refits?: number;
  /**
   * 'ridge' when the point is a GBM or blend and each figure's distance from the same design
   * refitted as Ridge widens its intervals on both sides (intervals.ts kindFigures); absent: none.
   */
  kind_refit?: 'ridge';
  /**
   * The share of the distance between phase 3's and phase 1's weather contrast (its log ratio)
   * added to the contrast's intervals at z (intervals.ts CONTRAST_FORM_FACTOR); absent: not used.
   */
  contrast_form_factor?: number;
  /**
   * Calibrated models: recalibrations with a lift test moved by -1 or +1 standard error whose
   * moves widen the intervals (two per used test; intervals.ts testShiftFigures).
   */
  test_shifts?: number;
  levels: number[];
}

/** Decomposition of a fitted model: what each channel is worth, overall and by weather state. */
export interface ChannelDecomposition {
  channel: string;
  /**
   * How far `roas` reads as a measurement, from the explanation's caveats and intervals
   * (roas-status.ts): rank channels on it only where 'measured'. Set by the faces' view of an
   * explanation (app/explain-view.ts); absent in stored explanations.
   */
  roas_status?: RoasStatus;
  spend: number;
  /** Sum over the period of prediction minus prediction with this channel's spend zeroed (carry-over included). */
  contribution: number;
  roas: number;
  /** Extra revenue per extra dollar from a small (1%) spend increase on every day. */
  marginal_roas: number;
  share_of_predicted: number;
  truth: { contribution: number; roas: number; marginal_roas: number | null } | null;
  /** (estimate - truth) / |truth|, for synthetic tenants. */
  roas_error: number | null;
  /** 80% / 95% intervals (null when not computed, or when the channel has no spend). */
  intervals: ChannelIntervals | null;
  /**
   * True when the channel has no spend in the data: nothing to estimate (its contribution, ROAS
   * and marginal ROAS are 0 by construction; it has no response curve, carry-over, ROAS by
   * weather state or intervals: unspent.ts). Absent otherwise.
   */
  no_spend?: true;
  /**
   * With lift tests: the ROAS of the same model before calibration (the figures above are
   * calibrated); null when no lift test applies.
   */
  uncalibrated_roas?: number | null;
  uncalibrated_roas_error?: number | null;
  /**
   * With lift tests, a calibrated channel: the ROAS of the same all-rows refit of its curve
   * without the tests' weight (calibration.ts CalibrationResult.refit); the tests moved the
   * figure from here, the refit from uncalibrated_roas to here.
   */
  refit_roas?: number | null;
  /**
   * With 4 or more channels and intervals: the channel's ROAS pooled with the others' (the
   * James-Stein estimate toward their mean, Explanation.roas_pooling); absent otherwise.
   */
  pooled_roas?: number;
  /** (pooled_roas - truth) / |truth|, for synthetic tenants. */
  pooled_roas_error?: number | null;
  /** The same for the marginal ROAS (its own James-Stein factor). */
  pooled_marginal_roas?: number;
  pooled_marginal_roas_error?: number | null;
  /**
   * Phase 3, a channel that never spent near zero: the share of its modeled effect at an average
   * period that lies below its 5th percentile of spend, where the data have no rows (explain.ts
   * belowSpendShare), when at least BELOW_SPEND_SHARE (caveat roas_below_spend_seen); the lower
   * ends of its ROAS and contribution intervals reach down to the part above (intervals.ts
   * belowSpendLowerEnd). Absent otherwise.
   */
  below_spend_share?: number;
}

/**
 * What one control column (events, promotions, prices) added to the all-rows model's prediction:
 * the sum over the rows of prediction minus prediction with the control moved to its reference
 * (decompose.ts controlReference: 0 when it is 0 on at least half the rows, else its mean).
 */
export interface ControlDecomposition {
  control: string;
  /** The value the counterfactual moves the control to. */
  reference: number;
  /** Rows where the control is not at its reference (an event's days, a price's every row). */
  active_rows: number;
  contribution: number;
  share_of_predicted: number;
  /**
   * Revenue per row per unit of the control: the mean change of the prediction when every row's
   * control rises by one standard deviation, over that step (a linear model's coefficient; 0 for
   * a constant control). The figure to read for a control counted from its mean (a price), whose
   * contribution sums departures on both sides and is near 0 for a linear effect.
   */
  effect_per_unit: number;
  /** Synthetic shape tenants with events: the revenue the generator's event added; else null. */
  truth: { contribution: number } | null;
  /** (estimate - truth) / |truth|, for synthetic tenants. */
  contribution_error: number | null;
  /** 80% / 95% intervals of the contribution and the effect per unit (null when not computed). */
  intervals: { contribution: FigureInterval; effect_per_unit: FigureInterval } | null;
}

export interface WeatherStateRoas {
  /**
   * `<column>:<state>`, e.g. 'temperature_c:cold' / 'mild' / 'hot', 'precipitation_mm:rain' / 'dry' (the tenant's
   * own column names, e.g. 'temp:cold', 'rain_mm:rain'); 'low' / 'mid' / 'high' for weather of unrecognised name.
   */
  state: string;
  variable: string;
  /** Human description of the state's bounds, e.g. 'temperature_c <= 4.2'. */
  definition: string;
  rows: number;
  channels: {
    channel: string;
    spend: number;
    contribution: number;
    /** Null when the channel has no spend in this state (x / 0: unspent.ts). */
    roas: number | null;
    /** Per unit of the state's spend: null likewise. */
    marginal_roas: number | null;
    true_roas: number | null;
    roas_error: number | null;
    intervals: ChannelIntervals | null;
  }[];
}

/**
 * A channel's ROAS in one weather state over its ROAS in the other extreme of the same column
 * (hot over cold, rain over dry, high over low), with 80% and 95% intervals from the ratios of the
 * same bootstrap refits (paired: each refit's level moves both states together, so the ratio is
 * firmer than the two states' own intervals show). docs/intervals.md "Weather contrasts".
 */
export interface WeatherContrast {
  channel: string;
  variable: string;
  /** The numerator's state ('temperature_c:hot') and the reference state ('temperature_c:cold'). */
  state: string;
  reference: string;
  /** ROAS in `state` / ROAS in `reference` (the explanation's points). */
  ratio: number;
  p80: [number, number];
  p95: [number, number];
  /** Synthetic tenants: the true ROAS ratio; else null. */
  true_ratio: number | null;
  /**
   * Phase 3: the same ratio read by phase 1's model on all rows (no carry-over, no saturation;
   * intervals.ts formFigures), whose distance widens the intervals; null where phase 1's ROAS is
   * not positive in both states. Absent for other phases and for explanations kept before
   * INTERVALS_VERSION 47.
   */
  phase1_ratio?: number | null;
}

export interface ResponseCurve {
  channel: string;
  /** Constant daily spend levels. */
  spend_levels: number[];
  /** Mean predicted daily contribution at each level, in the tenant's observed weather mix. */
  contribution: number[];
  /** The same within each weather state. */
  by_state: Record<string, number[]>;
  true_contribution: number[] | null;
  /** 80% / 95% bands of `contribution`, level by level (null when not computed). */
  contribution_interval: {
    p80: { lo: number[]; hi: number[] };
    p95: { lo: number[]; hi: number[] };
  } | null;
}

/** One channel's ROAS in the previous explanation and now. */
export interface ChannelSincePrevious {
  channel: string;
  roas_then: number;
  roas_now: number;
  /** roas_now / roas_then; null when roas_then is 0. */
  ratio: number | null;
  /** The previous explanation's 80% interval of the ROAS (null: it had none). */
  roas_then_p80: [number, number] | null;
  /**
   * Each reading lies outside the other's 80% interval and they differ by MOVED_RATIO or more;
   * null when either has no interval (not judged).
   */
  moved: boolean | null;
}

/**
 * The tenant's previous explanation (same phase, other data) against this one; set by the app
 * layer (app/explain-history.ts) from the explanations kept with earlier runs.
 */
export interface SincePrevious {
  /** The run the previous explanation was kept with. */
  run_id: number;
  /** The previous explanation's data: first and last date, rows. */
  start: string;
  end: string;
  rows: number;
  /** Whether lift tests calibrated the previous explanation. */
  calibrated_then: boolean;
  /** Whether lift tests calibrate this one. */
  calibrated_now: boolean;
  /** The channels with spend in both, in this explanation's order. */
  channels: ChannelSincePrevious[];
}

export interface Explanation {
  tenant: string;
  phase: PhaseId;
  model_kind: ModelKind;
  rows: number;
  start: string;
  end: string;
  channels: ChannelDecomposition[];
  weather_states: WeatherStateRoas[];
  /**
   * Per channel and weather column, the ratio of its ROAS in the column's two extreme states with
   * paired intervals (intervals.ts weatherContrasts); absent without intervals.
   */
  weather_contrasts?: WeatherContrast[];
  response_curves: ResponseCurve[];
  /**
   * One per control column of the data, in its order (empty without controls): what each added
   * to the prediction, with its interval from the same refits as the channels' figures.
   */
  controls: ControlDecomposition[];
  /** A channel without spend in the data has null: its carry-over is not estimated (unspent.ts). */
  channel_params: Record<string, ChannelParams | null> | null;
  /** Read first: model below the pass bar, figures whose interval includes zero. */
  caveats: Caveat[];
  /** The phase's cross-validated fold R² for this tenant (null when no CV result was at hand). */
  validation: {
    mean_r2: number;
    se_r2: number | null;
    pass_threshold: number;
    /**
     * Mean fold R² of the explained model itself where the phase's folds forecast with another
     * model (weekly phase 3, daily folds hedged or fallen back: TenantResult.explained_model);
     * absent otherwise.
     */
    explained_model_r2?: number;
    /** The explained model's kind on each of those folds (ExplainedModelCv.fold_models). */
    explained_model_fold_models?: ModelKind[];
    /**
     * What the folds forecast with instead (ExplainedModelCv.forecast_with); absent: weekly phase
     * 3's mix (explanations kept before it).
     */
    explained_model_forecast_with?: string;
  } | null;
  /** How the intervals were made (null when no intervals were computed). */
  uncertainty: UncertaintyInfo | null;
  notes: string[];
  /** Lift-test calibration (phase 3 with recorded lift tests), else null or absent. */
  calibration?: CalibrationReport | null;
  /**
   * The previous explanation of the tenant (same phase, other data) against this one: absent when
   * there is none; never stored with the explanation (explain computes it on every call).
   */
  since_previous?: SincePrevious;
  /**
   * With 4 or more channels with spend and intervals (uncalibrated models): the channels' ROAS
   * shrunk toward their mean by the James-Stein factor, the bootstrap replicates' variance as
   * their noise (intervals.ts poolRoas; docs/intervals.md "Many channels: ROAS pooled"); absent
   * otherwise.
   */
  roas_pooling?: {
    /** The channels whose ROAS are pooled (none with fewer than 4 ROAS above 0). */
    channels: string[];
    /** The channels whose marginal ROAS are pooled (every channel of `channels`, and those of a ROAS at or below 0). */
    marginal_channels: string[];
    /** B in [0, 1]: the share of each channel's distance from the mean that pooling removes (null: no ROAS pooled). */
    factor: number | null;
    /** The ROAS pooled toward: the channels' geometric mean (log scale; INTERVALS_VERSION 35; null: none pooled). */
    mean_roas: number | null;
    /** The marginal ROAS's factor and mean. */
    marginal_factor: number;
    mean_marginal_roas: number;
    text: string;
  };
}

/** A tenant's fold protocol in two compared runs (PhaseComparison.protocol_changed). */
export interface ProtocolChange {
  tenant: string;
  a: Pick<ProtocolRecord, 'rule' | 'folds' | 'first_train_rows' | 'test_rows'>;
  b: Pick<ProtocolRecord, 'rule' | 'folds' | 'first_train_rows' | 'test_rows'>;
}

export interface PhaseComparison {
  a: { run_id: number; phase: PhaseId; mean_r2: number; pass_count: number; total: number };
  b: { run_id: number; phase: PhaseId; mean_r2: number; pass_count: number; total: number };
  /** b minus a over the whole runs when they hold the same tenants, else over `common` (NaN when none). */
  mean_r2_delta: number;
  /** b minus a over the same tenants as mean_r2_delta (NaN when they share none). */
  pass_count_delta: number;
  /** The tenants both runs hold: how many, and each run's mean R² and pass count over them. */
  common: {
    tenants: number;
    a_mean_r2: number;
    b_mean_r2: number;
    a_pass_count: number;
    b_pass_count: number;
  };
  /** Tenants in both runs, sorted by delta (b - a) descending. */
  tenants: {
    tenant: string;
    a_r2: number;
    b_r2: number;
    delta: number;
    a_passes: boolean;
    b_passes: boolean;
  }[];
  newly_passing: string[];
  newly_failing: string[];
  /** Tenants whose R² dropped by more than 0.01. */
  regressions: string[];
  /** Tenants only in one run. */
  only_in_a: string[];
  only_in_b: string[];
  /**
   * Tenants in both runs whose results were computed on other data in each (the tenant imported
   * again between the runs; or not known, for results saved before schema 5 on data changed since):
   * their deltas compare two datasets. Empty when the caller does not know the data (pure use).
   */
  other_data: string[];
  /**
   * Tenants in both runs whose results follow other fold protocols (fold count, first training
   * rows, test rows; a history grown past a protocol bound changes them), with each run's: their
   * deltas compare other test blocks. Empty when results carry no protocol.
   */
  protocol_changed: ProtocolChange[];
  verdict: string;
  /**
   * Which runs were compared and why (a phase side: the run check_gates would match); set by the
   * app's comparePhases, absent from a run report's comparison.
   */
  chosen?: string;
}
