/**
 * 80% and 95% intervals for every figure of an explanation (ROAS, marginal ROAS, contribution,
 * weather-state ROAS, response curves), from a moving-block residual bootstrap that refits the
 * whole phase pipeline, hyperparameter search included, on every replicate, combined (phase 3)
 * with the spread of the point's own window refits, with factors calibrated on generated tenants
 * (never on the tenants coverage is reported on).
 *
 * Replicate b (b = 1..B):
 *   y*_t = yhat_t + e*_t, yhat = the all-rows model's fitted values, e = y - yhat centred, and e*
 *   a circular moving-block resample of e (blocks of L consecutive rows, Kunsch 1989; Politis &
 *   Romano 1992): blocks keep the residuals' autocorrelation (weekly cycle, weather spells,
 *   carry-over misfit) that an i.i.d. bootstrap would destroy. Spend, weather and controls stay
 *   as observed, so adstock runs over the real spend history.
 *   The replicate model is the phase's own pipeline on y*: phase 3 re-runs the adstock/Hill
 *   search on all rows (one full coordinate sweep over the whole grid plus one local refinement,
 *   instead of the point model's median over six two-sweep searches; REPLICATE_SEARCH), then, as
 *   the point model, decides the delayed carry-over on all rows where the point model has one
 *   (final.ts allRowsDelays; none by default, ALL_ROWS_LAGS) and
 *   fits the Ridge/GBM/blend choice with every channel's contribution held >= 0
 *   (nonNegativeContributions); phases 0-2 refit with fitFinalModel. A daily phase-3 model whose
 *   curves are the profile least-squares fit (FinalModel.curveFit, INTERVALS_VERSION 36) has them
 *   refitted instead as its window fits are made: one sweep of the window grid from the point's
 *   curves, then the local rounds (refitReplicate). The replicate's figures are
 *   computed on the observed series exactly as the point figures are.
 * Block length L: daily data 28 rows (4 weeks: covers the weekly cycle and the carry-over of
 *   decay up to 0.9, whose half-life is 6.6 days); weekly data max(4, round(n^(1/3))) weeks (the
 *   n^(1/3) rate of Hall, Horowitz & Jing 1995, at least a month). Always <= n / 2.
 * Interval of a figure with point estimate p at level 1 - a:
 *   lo = p - sqrt((c max(0, p - q_{a/2}))^2 + (z_{1-a/2} tau |p|)^2 + (z_{1-a/2} b m)^2)
 *   hi = p + sqrt((c max(0, q_{1-a/2} - p))^2 + (z_{1-a/2} tau |p|)^2 + (z_{1-a/2} b m)^2)
 *   q = bootstrap quantiles (linear interpolation), z = standard normal quantile, m = the window
 *   spread (below; 0 for phases 0-2). A calibrated model adds (z t d)^2 under each root, the
 *   test term (below; t = CALIBRATED_WIDTH_SCALE.tests = 1). Since INTERVALS_VERSION 12 a daily
 *   phase-3 model adds (z d' m')^2, m' the data-window spread (dataWindowFigures: the point's
 *   parameters refitted on each fold's training rows; d' = DATA_WINDOW_FACTOR), a weekly one's
 *   95% level adds (k |median(q) - p|)^2 (WEEKLY_OFFSET_95), and a channel whose replicates sit
 *   at the non-negativity bound at a level's lower quantile takes the held channel's factor c
 *   there (nearBoundScale). docs/intervals.md, INTERVALS_VERSION 12.
 * Test term (calibrated models; docs/calibration.md): each replicate redraws each lift test within
 *   its standard error, but the replicate's recalibration (16 candidate shapes, coefficients as
 *   the posterior mode) follows a redrawn test far less than the calibration does (a 1-SE move of
 *   a test moved the calibrated ROAS by up to 14% and the replicate estimator's by about 3% on
 *   held-out tenants), so the experiment's own error was only partly carried. The test term
 *   carries it by the delta method with finite differences: each used test's measured lift moved
 *   by -1 and +1 SE and the calibration redone (testShiftCalibration: a local search from the
 *   calibrated shapes); d_lo / d_hi = over the tests, in quadrature, the figure's largest move
 *   down / up. No tuned constant: a 1-SE move of the measurement maps to the figure's 1-SE move.
 * Window spread (phase 3, WINDOW_WIDTH_SCALE): the point model's adstock/Hill parameters are the
 *   median of six searches on nested training windows (the five CV folds' training rows and all
 *   rows; final.ts pooledSearchRuns). Each search's parameters, their delays decided on all rows
 *   and refitted on all rows as the point's, give the figure a value w_i (windowFigures); m = median_i |w_i - p|. Where the windows agree, the
 *   data pin the response down; where they disagree (one window's decay 0.1 where the median is
 *   0.9), the estimate moves with the data it sees, which the bootstrap measures badly: its
 *   replicates run one search each (a noisier estimator than the median of six: too wide where
 *   many channels make the search land on different ridges, e.g. 275% of the estimate on 10-12
 *   channel tenants) and its world's truth is the point model (it cannot see the point's own
 *   error). Measured on the calibration sets: the window spread predicts a channel's ROAS error
 *   better than the bootstrap spread does; with it the bootstrap factor c falls to about 0.2 and
 *   the 80% intervals are about a third narrower at the same coverage. Marginal ROAS has its own
 *   pair (MARGINAL_WINDOW_WIDTH_SCALE, the same rule on its records): the windows' spread of a
 *   curve's slope guides its error less than that of its average.
 *   The bootstrap part is the sampling spread, hyperparameter choice included. c (WIDTH_SCALE;
 *   CALIBRATED_WIDTH_SCALE for a calibrated model) corrects for the replicate estimator not being
 *   the point estimator: an uncalibrated replicate runs one search where the point takes the
 *   median of six, a calibrated one chooses among 16 candidate shapes instead of re-running the
 *   calibration, and neither bootstrap sees the point's own bias (its world's truth is the fitted
 *   model). The ratio of the replicates' spread to the point's error has no closed form, so c is
 *   measured where the truth is known: the smallest c (step 0.01) whose 80% ROAS intervals cover
 *   the truth on 80% of the channels of generated tenants of seeds 7, 13, 17 and 19 (calibrated
 *   models: the calibrated tenants of those seeds): a confidence level calibrated by
 *   simulation (Loh 1987) with the generator's truth in place of a double bootstrap, never on a
 *   set coverage is reported on. With a window term (b > 0) the pair (c, b) is the one with the
 *   narrowest 80% ROAS intervals among those covering 80% there (bench/intervals.ts
 *   calibrateWindowScale). The 95% level takes the same pair stretched by WINDOW_95_STRETCH
 *   (chosen on development shape sets, whose errors have heavier tails than z assumes); a channel
 *   held at 0 by the constraint takes the bootstrap-only factor (heldAtZeroScale).
 *   tau (MODEL_ERROR) is an older relative model-error term, kept at 0: with the search chosen on
 *   gen_s7_* it came out 0 (bench/intervals.ts --calibrate).
 * Cost: about B x (search + fit + explain) ~ B x 0.15-0.2 s for phase 3 on 1,095 daily rows,
 * plus six window refits (fit + explain, no search); see DEFAULT_REPLICATES.
 * Deterministic: the resampling draws come from SeededRandom seeded by the tenant id and seed.
 */
import { checkCancelled, rethrowCancelled } from '../core/cancel.js';
import { liftSpend, liftWindow, withChannelSpend, type LiftTest } from '../core/lift.js';
import { seriesPrefix } from '../core/folds.js';
import { randomKeyOf, SeededRandom, seedFromString } from '../core/random.js';
import {
  columnVariances,
  JAMES_STEIN_MIN,
  jamesStein,
  jamesSteinLog,
} from '../core/james-stein.js';
import { median } from '../core/stats.js';
import { constantSpendChannels, lowSpendChannels } from '../core/data-warnings.js';
import { extremeStatePair } from '../core/weather-names.js';
import {
  recalibrateReplicate,
  testShiftCalibration,
  type ModelLift,
  type ReplicateCalibration,
} from './calibration.js';
import type { Frequency, SyntheticTenant, TenantSeries } from '../core/types.js';
import { explainFinalModel, quantile, relError, usualSpend } from './explain.js';
import {
  BOOTSTRAP_LOCAL_ROUNDS,
  fitProfileCurves,
  ProfileCurveCache,
  WINDOW_GRID,
  WINDOW_SWEEPS,
} from './curve-fit.js';
import {
  allRowsDelays,
  allRowsSearch,
  allRowsSharedMedia,
  fitFinalModel,
  poolSearchRuns,
  pooledSearchEnds,
  pooledSearchRuns,
  predictFinal,
  ridgeForm,
  type FinalModel,
  type FinalModelOptions,
} from './final.js';
import { PHASE_DEFAULTS } from './defaults.js';
import { SearchTrialCache, type MediaSearchOptions } from './search.js';
import {
  foldKindsPhrase,
  EXPLAINED_MODEL_CAVEAT_GAP,
  forecastWithWeeklyMix,
  modelKindWords,
  WEEKLY_FORECAST_WITH,
  type Caveat,
  type ChannelParams,
  type Explanation,
  type FigureInterval,
  type UncertaintyInfo,
  type ChannelIntervals,
  type WeatherContrast,
} from './types.js';

/** Most bootstrap replicates by default (2 channels; defaultReplicates). */
export const DEFAULT_REPLICATES = 60;
/** Fewest bootstrap replicates by default (10 or more channels; defaultReplicates). */
export const FEWEST_DEFAULT_REPLICATES = 10;
/**
 * Default bootstrap replicates for a tenant with `channels` channels: round(120 / channels),
 * within 10..60 (2 channels 60, 3: 40, 4: 30, 6: 20, 10: 12, 12 or more: 10). A replicate's
 * search sweeps every channel, so its cost grows about linearly with the channels; the count
 * keeps channels x replicates, the search work, about constant (one phase-3 tenant near or under
 * 10 CPU-s). Fewer replicates barely change the intervals since the window term carries most of
 * their width (WINDOW_WIDTH_SCALE's bootstrap factor is about 0.2): measured on the shape suites,
 * docs/intervals.md.
 */
export function defaultReplicates(channels: number): number {
  const perChannel = Math.round((2 * DEFAULT_REPLICATES) / Math.max(1, channels));
  return Math.max(FEWEST_DEFAULT_REPLICATES, Math.min(DEFAULT_REPLICATES, perChannel));
}
/**
 * The channels that count toward the default replicates: those with spend. A channel without any
 * has no search (nothing to sweep) and no figures; counting it cut a new analyst's 3 channels and
 * an all-zero fourth from 40 replicates to 30, and moved the other channels' intervals.
 */
export function spentChannelCount(series: Pick<TenantSeries, 'spend'>): number {
  return series.spend.filter((x) => x.some((v) => v !== 0)).length;
}

/**
 * An interval whose lower ends reach down to the part of the figure above the spend the data
 * show: point x (1 - share), where `share` of the channel's modeled effect lies below its lowest
 * usual spend (ChannelDecomposition.below_spend_share). Below that spend the channel's effect is
 * a near-constant addition the base can absorb as well, so the data do not tell how much of it is
 * the channel's: a true response that is increasing and flat below that spend gives the part
 * above, its least. The bootstrap refits share the point's curve form and did not show it: a new
 * analyst's 4-year daily file read google's ROAS 16.9 (80% 8.3 to 25.0) for a true 3.0, 83% of
 * its effect below its 5th-percentile spend (the part above: 2.9).
 */
export function belowSpendLowerEnd(
  iv: FigureInterval,
  point: number,
  share: number,
): FigureInterval {
  if (!(share > 0 && share < 1) || !(point > 0)) return iv;
  const floor = point * (1 - share);
  return {
    p80: [Math.min(iv.p80[0], floor), iv.p80[1]],
    p95: [Math.min(iv.p95[0], floor), iv.p95[1]],
  };
}

/**
 * An interval whose lower ends stop at 0 where the point and every refit behind it (bootstrap
 * replicates, window, test-shift and data-window refits) are >= 0. The width factors stretch the
 * refits' spread around the point, so a wide interval of a figure the estimator keeps >= 0 (a
 * channel's contribution and ROAS, held >= 0 in the phase-3 model; a Hill curve's revenue) reached
 * below 0: a value no refit and no model of this form takes (an outside probe's 12-channel file:
 * a ROAS of 95% -4.47 to 16.57 for a channel whose contribution the model holds >= 0). The
 * interval still includes 0 (interval_spans_zero reads a lower end <= 0). Coverage is unchanged:
 * the true figures are >= 0.
 */
export function zeroFloor(
  iv: FigureInterval,
  point: number,
  refits: readonly number[],
): FigureInterval {
  if (!(point >= 0) || refits.some((v) => !(v >= 0))) return iv;
  return {
    p80: [Math.max(0, iv.p80[0]), iv.p80[1]],
    p95: [Math.max(0, iv.p95[0]), iv.p95[1]],
  };
}

/**
 * The ROAS and contribution intervals of channels with a below_spend_share (belowSpendLowerEnd),
 * overall and in every weather state. Not for channels a used lift test calibrates: the test
 * measures the effect's level. A channel without one keeps them when other channels' tests are
 * recorded, or its own are left out as conflicts (an outside MCP probe, session 70: a conflicting
 * test on social took search's 80% lower end from 0.91 to 2.07, while its caveat still said 0.91).
 */
export function belowSpendLowerEnds(e: Explanation): void {
  const calibrated = new Set(
    e.calibration?.applied ? e.calibration.tests.filter((t) => t.used).map((t) => t.channel) : [],
  );
  for (const ch of e.channels) {
    const share = ch.below_spend_share;
    if (share === undefined || calibrated.has(ch.channel)) continue;
    const rows = [
      ch,
      ...e.weather_states.flatMap((s) => s.channels.filter((x) => x.channel === ch.channel)),
    ];
    for (const row of rows) {
      if (!row.intervals) continue;
      row.intervals.contribution = belowSpendLowerEnd(
        row.intervals.contribution,
        row.contribution,
        share,
      );
      if (row.roas !== null)
        row.intervals.roas = belowSpendLowerEnd(row.intervals.roas, row.roas, share);
    }
  }
}

/** Search of a phase-3 replicate: one full sweep over the grid plus one local refinement. */
export const REPLICATE_SEARCH: ReplicateSearch = {
  sweeps: 1,
  refineRounds: 1,
  fromPoint: false,
};

/** How a phase-3 replicate searches: sweeps and refinements, from the point model's parameters or the default start. */
export interface ReplicateSearch extends Pick<MediaSearchOptions, 'sweeps' | 'refineRounds'> {
  fromPoint: boolean;
  /**
   * The point model's pooled estimator with this search depth: one search per pooled training
   * prefix (final.ts pooledSearchEnds) and the per-channel median; with `fromPoint` each prefix's
   * search starts at the point model's choice on that prefix.
   */
  pooled?: boolean;
  /**
   * Refit with the point model's own estimator (fitFinalModel: the median of six searches),
   * about 6x the cost; for measuring what the cheaper replicate search changes.
   */
  pointEstimator?: boolean;
}
/**
 * Relative model error tau (see the module comment): calibrated on generated tenants
 * gen_s7_0..19 by `node dist/bench/intervals.js --calibrate`; 0 would be the bare bootstrap.
 */
export const MODEL_ERROR = 0;
/**
 * Factor on the bootstrap's deviations from the point, per level (module comment): the
 * replicate estimator's spread measured against the point estimator's error on generated
 * tenants with a known truth.
 */
export interface WidthScale {
  p80: number;
  p95: number;
  /**
   * Factor b on the window spread (module comment): the median distance of the window refits'
   * figures from the point, times the level's z. Absent or 0: no window term.
   */
  window?: number;
  /**
   * Window factor at the 95% level (absent: `window`): the errors have heavier tails than the
   * normal z ratio of the levels assumes (WINDOW_95_STRETCH).
   */
  window95?: number;
  /**
   * Factor on the data-window spread (dataWindowFigures): the median distance of the data-window
   * refits' figures from the point, times the level's z. Absent or 0: no data-window term.
   */
  data?: number;
  /** Data-window factor at the 95% level (absent: `data`). */
  data95?: number;
  /**
   * Factor k on the bootstrap's offset at the 95% level: k |median(replicates) - point| is added
   * in quadrature to both sides of the 95% interval (WEEKLY_WIDTH_SCALE). Absent or 0: none.
   */
  offset95?: number;
  /**
   * Factor on the test term of a calibrated model (module comment): each used lift test moved by
   * -1 and +1 standard error and the calibration redone (testShiftFigures); the figure's largest
   * move each way per test, summed in quadrature over the tests, times the level's z. Absent or
   * 0: no test term.
   */
  tests?: number;
}
/** The bare bootstrap percentiles. */
export const UNSCALED: WidthScale = { p80: 1, p95: 1 };
/**
 * Stretch of the 95% level's factors (bootstrap and window) over the 80% level's on daily
 * phase-3 models with window refits (WINDOW_WIDTH_SCALE, MARGINAL_WINDOW_WIDTH_SCALE). One pair
 * served both levels through z, which assumes normal tails; on generated tenants of the shape
 * suite's kinds (2-12 channels, weekly/daily, 1-3 years, correlated spend, other forms) the
 * errors in units of the 80% half-width reach 1.55 at their 80th percentile but 3.1 at their
 * 95th (normal: 1.28 and 1.96), so the 95% intervals covered 86-87%. The stretch is the
 * smallest k (step 0.05) whose 95% ROAS intervals cover the truth on >= 95% of the daily
 * channels of the development sets (`node dist/bench/intervals.js --from FILES
 * --calibrate-95`; suite seeds 211, 223, 227, 229 and generated shape sets 7001-7003,
 * docs/intervals.md); the 80% level is unchanged.
 */
export const WINDOW_95_STRETCH = 1.35;
/** A pair of 80% factors with the 95% level's stretched by WINDOW_95_STRETCH. */
function stretch95(scale: WidthScale): WidthScale {
  const r = (x: number): number => Math.round(x * WINDOW_95_STRETCH * 1000) / 1000;
  return {
    ...scale,
    p95: r(scale.p95),
    window95: r(scale.window ?? 0),
    ...(scale.data !== undefined ? { data95: r(scale.data) } : {}),
  };
}
/**
 * Width scale of an uncalibrated model's intervals (module comment): chosen on the generated
 * tenants gen_sS_0..19, S = 7, 13, 17, 19 (160 channels; `node dist/bench/intervals.js --from
 * s7.json,s13.json,s17.json,s19.json --calibrate-scale` on their --coverage --heldout records of
 * main 1541581; seeds 7 and 13 alone also gave 1.09).
 */
export const WIDTH_SCALE: WidthScale = { p80: 1.09, p95: 1.09 };
/**
 * Factor on the data-window spread of daily phase-3 figures (dataWindowFigures, WidthScale.data;
 * INTERVALS_VERSION 12), on top of the window and bootstrap terms (their factors unchanged).
 * Chosen on the development sets only (docs/intervals.md): the value, step 0.25, whose 80% ROAS
 * coverage keeps every development set furthest inside the 70-90% band (the largest smallest
 * distance to either edge); the 95% level takes it times WINDOW_95_STRETCH.
 */
export const DATA_WINDOW_FACTOR = 0.75;
/**
 * Width scale of a phase-3 model with window refits (module comment): bootstrap factor a (both
 * levels) and window factor b, chosen on the generated tenants gen_sS_0..19, S = 7, 13, 17, 19
 * (160 channels) as the pair with the narrowest 80% ROAS intervals (mean log width relative to
 * the estimate) among those covering the truth on >= 80% of the channels: `node
 * dist/bench/intervals.js --from s7.json,s13.json,s17.json,s19.json --calibrate-scale` on their
 * `--coverage --heldout S --out` records. Since INTERVALS_VERSION 36 (daily curves by profile
 * least squares, final.ts profileCurves; replicates refitted as window fits are) a was chosen
 * again on the same sets with b, the data-window term and the 95% stretch kept: the smallest a
 * (step 0.01) covering the truth on >= 80% of the channels at 80% (0.21 -> 0.54; the pair rule's
 * narrowest widths lie within 2 points of each other for b from 0 to 1.5, docs/intervals.md).
 */
export const WINDOW_WIDTH_SCALE: WidthScale = stretch95({
  p80: 0.54,
  p95: 0.54,
  window: 1.15,
  data: DATA_WINDOW_FACTOR,
});
/**
 * Width scale of marginal ROAS (per channel and per weather state) with window refits: the same
 * rule on the marginal-ROAS records of the same calibration sets (`--calibrate-scale --figure
 * marginal_roas`). The window spread of a curve's slope guides its error less than that of its
 * average, so its factor is larger. Bootstrap factor chosen again as WINDOW_WIDTH_SCALE's
 * (INTERVALS_VERSION 36: 0.21 -> 0.79).
 */
export const MARGINAL_WINDOW_WIDTH_SCALE: WidthScale = stretch95({
  p80: 0.79,
  p95: 0.79,
  window: 1.6,
  data: DATA_WINDOW_FACTOR,
});
/**
 * Factor on the bootstrap's offset |median(replicates) - point| added to both sides of a weekly
 * phase-3 model's 95% ROAS intervals (WidthScale.offset95; INTERVALS_VERSION 12). The weekly
 * replicates (one shared media shape per search) often sit far from the point on one side (a
 * 12-channel tenant: point 5.84, replicate median 26.9): the estimator moves that far when the
 * data are redrawn from the point model, but the 95% percentile interval, scaled around the
 * point, then has almost no width on the other side, where the truth was in 11 of the 21 weekly
 * misses of the development sets. The offset's size says how far the estimator is from
 * centred, its direction on the real data is unknown, so it widens both sides. k is the smallest
 * (step 0.05) whose 95% ROAS intervals cover the truth on >= 95% of the weekly channels of the
 * development sets (`node dist/bench/intervals.js --from FILES --calibrate-offset95`;
 * docs/intervals.md); the 80% level is unchanged.
 */
export const WEEKLY_OFFSET_95 = 1;
/**
 * Width scale of a weekly phase-3 model with window refits (uncalibrated): its searches fit one
 * media shape shared by the channels (final.ts allRowsSharedMedia), so its window refits and
 * replicates agree more than the daily factors assume (WINDOW_WIDTH_SCALE left 57% / 74% of the
 * ROAS of 33 weekly tenants inside their 80% / 95% intervals). The same rule as
 * WINDOW_WIDTH_SCALE's (`--calibrate-scale`) on the `--out` records of 33 generated weekly
 * tenants (166 channels; seeds 5301-5317, 2-4 years, 2-10 channels) chose the bootstrap alone,
 * factor 0.98 (window factor 0: the windows' spread did not narrow the intervals at the same
 * coverage). Checked on 97 other weekly tenants (600 channels, seeds 5421-5457, 5501-5579,
 * 5601-5607): docs/intervals.md.
 */
export const WEEKLY_WIDTH_SCALE: WidthScale = { p80: 0.98, p95: 0.98, offset95: WEEKLY_OFFSET_95 };
/** Width scale of a weekly phase-3 model's marginal ROAS: the same rule on its records. */
export const WEEKLY_MARGINAL_WIDTH_SCALE: WidthScale = { p80: 1.2, p95: 1.2 };
/**
 * Width scale of a calibrated model's intervals: the test term's factor is 1 (the delta method,
 * no tuning); the bootstrap factor is the same rule as WIDTH_SCALE's, re-run with the window
 * factor 1.15 and the test term in place: the smallest c whose 80% ROAS intervals cover the truth
 * on 80% of the calibrated tenants of the development seeds 7, 11, 13, 17, 19, 23 and 29, every
 * channel tested (148 channels; `node dist/bench/intervals.js --from FILES --calibrate-scale
 * --calibrated 1.15,1` on bench/calibration.ts --heldout S --out records; 0.95-1.07 left one seed
 * out). Before the test term it was 1.16 (seeds 7-19).
 */
export const CALIBRATED_WIDTH_SCALE: WidthScale = { p80: 1.02, p95: 1.02, tests: 1 };
/**
 * Width scale of a calibrated model with window refits (calibratedWindowFigures): the calibrated
 * bootstrap factor and test factor (CALIBRATED_WIDTH_SCALE) and the window factor of
 * WINDOW_WIDTH_SCALE (chosen on the calibration seeds 7, 13, 17 and 19, not re-tuned). With a test on every
 * channel the window refits agree with the point (the tests pin the shapes), so this is the
 * bootstrap alone; a channel without a test gets its window spread as an uncalibrated one does.
 */
export const CALIBRATED_WINDOW_WIDTH_SCALE: WidthScale = {
  ...CALIBRATED_WIDTH_SCALE,
  window: WINDOW_WIDTH_SCALE.window,
};
/** Interval levels and their two-sided standard normal quantiles. */
export const LEVELS = [
  { level: 0.8, key: 'p80', z: 1.2815515655446004 },
  { level: 0.95, key: 'p95', z: 1.959963984540054 },
] as const;
/**
 * Version of the interval method; a stored explanation is reused only under the same version
 * (2: calibrated replicates choose among 16 candidates spread over the profile region;
 * 3: width scales per level, stored in `uncertainty.width_scale`; 4: phase 3 adds the window
 * refits' spread, `width_scale.window` and `window_refits`; 5: marginal ROAS has its own factors,
 * `marginal_width_scale`; 6: a calibrated model holds the contribution of channels without a
 * test and its intervals add the spread of its window refits recalibrated with the tests;
 * 7: an explanation's `validation` carries the weekly explained model's own fold R² and its
 * caveat, and the ladder's fallback rules changed the fold R² it reports, so an explanation stored
 * before would show neither; 8: a calibrated model's intervals add the test term, each lift test
 * moved by -1 and +1 SE and the calibration redone, `width_scale.tests` and `test_shifts`;
 * 9: the all-rows model, its window refits and its replicates decide the delayed carry-over on
 * all rows and hold every channel's contribution non-negative, as the point model does;
 * 10: on weekly data the all-rows model, its replicates and its window refits search one media
 * shape shared by the channels, as the weekly fold models do: final.ts allRowsSharedMedia;
 * 11: daily phase-3 95% factors stretched by WINDOW_95_STRETCH (`width_scale.window95`), and the
 * figures of a channel held at 0 take the bootstrap-only factor (heldAtZeroScale, `held_at_zero`);
 * 12: a channel whose replicates sit at the bound at a level's lower quantile takes the held
 * channel's bootstrap factor at that level (nearBoundScale, `near_bound`), and weekly 95%
 * intervals add the bootstrap's offset from the point on both sides (WEEKLY_OFFSET_95,
 * `width_scale.offset95`); 13: with 4 or more channels the explanation adds each channel's ROAS
 * pooled with the others', poolRoas; 14: and its marginal ROAS; 15: a channel of almost no spend
 * gets the low_spend_channel caveat, explain.ts; 16: weekly phases 0-2 keep the fitted series'
 * spend scale in their counterfactuals, FinalModel.weeklyScales: their marginal ROAS and response
 * curves were flat before; 17: explanations of phases 0-2 carry the no_carry_over caveat,
 * explain.ts carryOverCaveats; 18: poolRoas leaves out the channels of almost no spend or
 * constant spend, unpooledChannels; 19: a phase-3 point that is a GBM or a Ridge/GBM blend adds
 * the distance of each figure from the same design refitted as Ridge on both sides (kindFigures,
 * `uncertainty.kind_refit`); 20: poolRoas leaves out the channels the point model holds at 0
 * (FinalModel.heldAtZero), whose 0 entered the mean; 21: a channel's or the media total's 80%
 * contribution interval whose upper end is above the revenue of the data gets the
 * interval_beyond_revenue caveat (intervalBeyondRevenueCaveats), and a negative contribution
 * (phases 0-2, tree models) is the negative_media_effect caveat, not a note (explain.ts);
 * 22: figures of spend that did not happen are null (unspent.ts): the ROAS, marginal ROAS and
 * intervals of a channel in a weather state it never spent in, and the response curve, carry-over
 * and intervals of a channel without spend; 23: a weather column of unrecognised name with one
 * value on more than a third of its rows is split at that value, not into terciles (explain.ts
 * tiedStates); 24: revenue at another level from one date on is the level_shift caveat
 * (data-caveats.ts), first with the other data caveats; 25: caveats about some channels name them
 * (Caveat.channels), so readers need not parse the message; 26: imported data's replicates are
 * seeded by its content, not its tenant id (TenantSeries.seedKey); 27: channels whose spend
 * correlates above 0.7 are the channels_correlated caveat with their combined ROAS (explain.ts
 * correlatedChannelCaveats; a note before), a model whose channels share one media shape says so
 * in a note, and interval_beyond_revenue no longer reads the lower end as holding; 28: with lift
 * tests, a channel without a used test keeps the uncalibrated explanation's intervals
 * (completeCalibratedIntervals), a test left out is the lift_test_conflict caveat (several tests on
 * a channel judged one by one, calibration.ts) and a calibrated ROAS beyond 2x its test window's
 * is the calibrated_beyond_window caveat (explain.ts); 29: explanations carry the controls'
 * contributions and effects per unit with their intervals (Explanation.controls,
 * CONTROL_STRETCH) and the caveat control_interval_spans_zero; 30: each channel's ROAS ratio
 * between a weather column's extreme states with intervals from the paired refits
 * (Explanation.weather_contrasts, weatherContrasts), and the caveat roas_below_spend_seen (explain.ts);
 * 31: that caveat's channels carry below_spend_share and their ROAS and contribution intervals
 * reach down to the part of the effect above their lowest usual spend (belowSpendLowerEnd);
 * 32: the caveat media_split_below_spend (explain.ts), so that explanations kept before it are
 * made again; 33: the calibration's shape test (calibration.ts SHAPE_LEVEL), so
 * calibrated explanations kept before it are made again; 34: the calibrated channels'
 * information floor (addInformationFloor); 35: pooled ROAS on the log scale toward the
 * channels' geometric mean (poolRoas); 36: daily curves by profile least squares on all rows
 * (final.ts profileCurves), replicates refitted as window fits are, bootstrap factors chosen
 * again (WINDOW_WIDTH_SCALE, MARGINAL_WINDOW_WIDTH_SCALE); 37: the low-spend rule's share with
 * many channels and late launches (data-warnings.ts lowSpendChannels), which decides the
 * low_spend_channel caveat and the channels left out of pooled ROAS, and lower ends not below 0
 * where the point and every refit are >= 0 (zeroFloor), and the lift-test check's reference with
 * the part below a channel's usual spend (belowSpendLift; caveat lift_test_below_spend); 38: the
 * roas_below_spend_seen caveat of a channel whose used go-dark test measured that part says so
 * (explain.ts measuredBelowSpend); 39: lift tests on a phase-3 tree model (GBM, blend) calibrate
 * the same design fitted as Ridge, which the explanation then is, with the caveat
 * lift_tests_ridge_form (compute.ts, final.ts ridgeForm), negative_media_effect says what phase 3
 * does with such an effect as it is true of the model, and calibrated_beyond_window says a ROAS
 * below 0 is of the opposite sign (probe s70); 40: a weather contrast's intervals hold its own
 * ratio (weatherContrasts); 41: a calibration keeps the uncalibrated curves where its best shapes
 * beat them by no more than the one-standard-error rule's tolerance (calibration.ts searchShapes);
 * 42: a channel without a used lift test keeps its below-spend lower ends when tests are recorded
 * (belowSpendLowerEnds); 43: the conflict test's LR is divided by the residuals' lag-1
 * autocorrelation factor (calibration.ts lr_residual_factor); 44: roas_below_spend_seen says the
 * curve below the usual spend is unchecked both ways, channels_correlated that the combined ROAS is
 * firmer, not firm (probe s71); 45: a figure beyond its refits' band takes the other side's
 * distance on the side without refits, and the 95% interval holds the 80% one (figureInterval,
 * weatherContrasts; probe s71); 46: the conflict statistics add the model's discrepancy
 * (calibration.ts MODEL_DISCREPANCY) to each test's variance, the below-spend caveat's ROAS is a
 * bound (probe s74); 47: a phase-3 weather contrast's intervals add half the distance to phase 1's
 * ratio at z (weatherContrasts CONTRAST_FORM_FACTOR; probe s74); 48: the caveat spend_follows_baseline
 * (data-caveats.ts), and no "firmer" marginal ROAS for such a channel (probe s75).
 */
export const INTERVALS_VERSION = 48;
/** Fewest successful replicates for intervals to be reported. */
export const MIN_REPLICATES = 10;

export interface IntervalOptions extends FinalModelOptions {
  /** Bootstrap replicates (default defaultReplicates of the series' channels; 0 = no intervals). */
  replicates?: number;
  /** Block length in rows (default blockLengthFor). */
  blockLength?: number;
  /** Relative model error tau (default MODEL_ERROR). */
  modelError?: number;
  /** Width scale (default WIDTH_SCALE, or CALIBRATED_WIDTH_SCALE with `calibration`). */
  widthScale?: WidthScale;
  /** Phase-3 replicate search (default REPLICATE_SEARCH). */
  replicateSearch?: ReplicateSearch;
  /**
   * The model is calibrated with lift tests (calibrateFinalModel's `replicate`): each replicate
   * redraws the tests and is recalibrated (module comment).
   */
  calibration?: ReplicateCalibration | null;
  /**
   * Trials shared by the replicates' phase-3 searches (one cache per series: the replicates
   * differ only in their target); speed only, bit-identical models (search.ts SearchTrialCache).
   */
  trialCache?: SearchTrialCache;
  /**
   * Design-only work shared by the replicates' profile curve fits (curve-fit.ts
   * ProfileCurveCache); speed only, bit-identical models.
   */
  curveCache?: ProfileCurveCache;
}

/** Block length rule of the moving-block bootstrap (module comment). */
export function blockLengthFor(rows: number, frequency: 'daily' | 'weekly'): number {
  const rule = frequency === 'daily' ? 28 : Math.max(4, Math.round(Math.cbrt(rows)));
  return Math.max(1, Math.min(rule, Math.floor(rows / 2)));
}

/** Circular moving-block resample of x: ceil(n / L) blocks of L rows at uniform random starts. */
export function movingBlockResample(
  x: Float64Array,
  blockLength: number,
  rng: SeededRandom,
): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let t = 0; t < n;) {
    const start = rng.int(n);
    for (let j = 0; j < blockLength && t < n; j++, t++) out[t] = x[(start + j) % n];
  }
  return out;
}

/**
 * Visits every figure that gets an interval, in a fixed order: per channel contribution, ROAS,
 * marginal ROAS; per weather state and channel the same three; per response curve each level's
 * contribution. `put` stores an interval for the figure visited.
 */
function visitFigures(
  e: Explanation,
  visit: (
    value: number,
    put: (iv: FigureInterval) => void,
    marginal: boolean,
    channel: string,
  ) => void,
): void {
  // A channel's three figures, the same for the whole period and for each weather state. A state
  // figure is null only after the intervals (unspent.ts): 0, as explainFinalModel computes it.
  const visitChannel = (ch: {
    channel: string;
    contribution: number;
    roas: number | null;
    marginal_roas: number | null;
    intervals: ChannelIntervals | null;
  }): void => {
    const ivs: Partial<ChannelIntervals> = {};
    visit(ch.contribution, (iv) => (ivs.contribution = iv), false, ch.channel);
    visit(ch.roas ?? 0, (iv) => (ivs.roas = iv), false, ch.channel);
    visit(
      ch.marginal_roas ?? 0,
      (iv) => {
        ivs.marginal_roas = iv;
        ch.intervals = ivs as ChannelIntervals;
      },
      true,
      ch.channel,
    );
  };
  for (const ch of e.channels) visitChannel(ch);
  for (const s of e.weather_states) for (const ch of s.channels) visitChannel(ch);
  for (const curve of e.response_curves) {
    const band = {
      p80: { lo: [] as number[], hi: [] as number[] },
      p95: { lo: [] as number[], hi: [] as number[] },
    };
    curve.contribution.forEach((v, i) =>
      visit(
        v,
        (iv) => {
          band.p80.lo[i] = iv.p80[0];
          band.p80.hi[i] = iv.p80[1];
          band.p95.lo[i] = iv.p95[0];
          band.p95.hi[i] = iv.p95[1];
          if (i === curve.contribution.length - 1) curve.contribution_interval = band;
        },
        false,
        curve.channel,
      ),
    );
  }
  // The controls' figures last (contribution, effect per unit), so that the channels' positions
  // do not depend on them (a channel's contribution is figure 3c: addIntervalsFromFigures).
  // Their channel is '' (no channel's): the scale without a channel's held or near-bound factors.
  for (const k of e.controls) {
    const ivs: Partial<NonNullable<typeof k.intervals>> = {};
    visit(k.contribution, (iv) => (ivs.contribution = iv), false, '');
    visit(
      k.effect_per_unit,
      (iv) => {
        ivs.effect_per_unit = iv;
        k.intervals = ivs as NonNullable<typeof k.intervals>;
      },
      false,
      '',
    );
  }
}

/**
 * The explanation of the uncalibrated model with its intervals, as explain computes it without
 * lift tests (before its unspent figures are taken out): what completeCalibratedIntervals copies the
 * held channels' intervals from.
 */
export function uncalibratedExplanation(
  series: TenantSeries,
  uncalibrated: FinalModel,
  synthetic: SyntheticTenant | null,
  options: IntervalOptions = {},
): Explanation {
  const plain = explainFinalModel(series, uncalibrated, synthetic);
  addIntervals(plain, series, uncalibrated, { ...options, calibration: null });
  return plain;
}

/**
 * Completes a calibrated explanation's intervals from the uncalibrated explanation's (its figures
 * with intervals, as explain computes it without tests: uncalibratedExplanation):
 *
 * - The channels a calibrated model holds at the uncalibrated fit (no used lift test:
 *   calibration.held_channels) take its intervals, as they have its figures. Before, a held
 *   channel's intervals were the calibrated bootstrap's (its replicates held at their own
 *   uncalibrated fit, scaled by CALIBRATED_WIDTH_SCALE and without the data-window term), so one
 *   test on google changed untested meta's 80% width by x0.5 to x4.4 while its point did not
 *   move (probe s53; docs/calibration.md).
 * - The channels with a used test get the information floor (addInformationFloor): none of their
 *   intervals is narrower than what the data and the tests support together.
 *
 * `uncalibrated` is the model before calibration. `kept`: that explanation as explain kept it for
 * the same data, model and replicates without tests (its unspent figures already taken out:
 * unspent.ts), used instead of computing it again when it pairs with this one (keptPairs): the
 * intervals read are the same numbers (a figure the kept one has no interval for is one
 * withoutUnspentFigures takes out of this explanation too). Nothing is done without a
 * calibration applied or without intervals. Returns the explanation computed here, or null when
 * none was (nothing to complete, no intervals, or `kept` served), so that the caller can keep it.
 */
export function completeCalibratedIntervals(
  explanation: Explanation,
  series: TenantSeries,
  uncalibrated: FinalModel,
  synthetic: SyntheticTenant | null,
  options: IntervalOptions = {},
  kept: Explanation | null = null,
): Explanation | null {
  const held = new Set(explanation.calibration?.held_channels ?? []);
  const tested = testInformation(explanation);
  if (!explanation.calibration?.applied || !explanation.uncertainty) return null;
  if (held.size === 0 && tested.size === 0) return null;
  const read = new Set([...held, ...tested.keys()]);
  // A kept explanation of another model kind (a tree model's, where the tests calibrate its Ridge
  // form: compute.ts) has the same layout and other figures.
  const reuse =
    kept !== null && kept.model_kind === uncalibrated.kind && keptPairs(explanation, kept, read);
  const plain = reuse ? kept : uncalibratedExplanation(series, uncalibrated, synthetic, options);
  if (!plain.uncertainty || plain.channels.every((c) => c.intervals === null)) {
    return reuse ? null : plain;
  }
  if (!reuse) {
    // The two explanations are of one series (the same channels, states and curve levels), so
    // their figures pair by position; a count that differs is a bug, not data to pair anyway.
    const count = figureVector(explanation).length;
    const from = figureVector(plain).length;
    if (count !== from) {
      throw new RangeError(
        `the uncalibrated explanation has ${from} figures, the calibrated ${count}: cannot pair their intervals`,
      );
    }
  }
  if (held.size > 0) copyHeldIntervals(explanation, plain, held);
  addInformationFloor(explanation, plain, tested);
  return reuse ? null : plain;
}

/** The held channels' intervals and contrasts copied from the uncalibrated explanation. */
function copyHeldIntervals(
  explanation: Explanation,
  plain: Explanation,
  held: ReadonlySet<string>,
): void {
  const copy = <T>(x: T): T => structuredClone(x);
  const take = (
    to: { channel: string; intervals: ChannelIntervals | null },
    from: { intervals: ChannelIntervals | null } | undefined,
  ): void => {
    if (held.has(to.channel) && from?.intervals) to.intervals = copy(from.intervals);
  };
  explanation.channels.forEach((ch, c) => take(ch, plain.channels[c]));
  explanation.weather_states.forEach((s, i) =>
    s.channels.forEach((ch, c) => take(ch, plain.weather_states[i].channels[c])),
  );
  for (const curve of explanation.response_curves) {
    if (!held.has(curve.channel)) continue;
    const band = plain.response_curves.find(
      (r) => r.channel === curve.channel,
    )?.contribution_interval;
    if (band) curve.contribution_interval = copy(band);
  }
  // A held channel's contrasts are the uncalibrated explanation's, as its figures are.
  if (explanation.weather_contrasts && plain.weather_contrasts) {
    explanation.weather_contrasts = [
      ...explanation.weather_contrasts.filter((w) => !held.has(w.channel)),
      ...plain.weather_contrasts.filter((w) => held.has(w.channel)).map(copy),
    ];
  }
  explanation.uncertainty!.uncalibrated_intervals = {
    channels: explanation.channels.map((c) => c.channel).filter((c) => held.has(c)),
    method: plain.uncertainty!.method,
    width_scale: plain.uncertainty!.width_scale,
  };
}

/**
 * Each channel with a used lift test (and not held) and the information its tests add to the
 * data's: Q = sum over the tests of (r_data / r_test)^2, where r_data = the model check's standard
 * deviation of the window's lift over that lift (the uncalibrated model's own interval for it:
 * modelLiftSpread) and r_test = the test's standard error over its measured lift. Tests without
 * the model check's reference (no intervals) add nothing, so the floor is at its widest there.
 */
function testInformation(explanation: Explanation): Map<string, number> {
  const out = new Map<string, number>();
  const calibration = explanation.calibration;
  if (!calibration?.applied) return out;
  const held = new Set(calibration.held_channels);
  for (const t of calibration.tests) {
    if (!t.used || held.has(t.channel)) continue;
    const ref = t.model_lift;
    const rTest = t.standard_error / Math.abs(t.incremental_revenue);
    const rData = ref && ref.lift !== 0 ? ref.sd / Math.abs(ref.lift) : NaN;
    const q = Number.isFinite(rData) && rTest > 0 ? (rData / rTest) ** 2 : 0;
    out.set(t.channel, (out.get(t.channel) ?? 0) + q);
  }
  return out;
}

/**
 * The information floor of a calibrated channel's intervals (issue 15; probe s63: calibrated 80%
 * intervals held the true ROAS on 12 of 21 tested channels of another simulator, the
 * uncalibrated ones on 18). For a figure g of the channel with the data's variance v_g (the
 * uncalibrated interval), a lift test that measures the window's lift h (the data's variance v_h)
 * with variance s^2 leaves g a posterior variance of at least v_g / (1 + v_h / s^2): in the
 * linear-Gaussian model var(g | data, test) = v_g - cov(g, h)^2 / (v_h + s^2), smallest when g and
 * h are perfectly correlated (Cauchy-Schwarz), and several tests of one channel with perfectly
 * correlated windows add their v_h / s^2. In relative terms (the ratio of the window's lift to its
 * figure is what the test cannot see) Q = testInformation's. So each end of each interval of the
 * channel (whole data, weather states, response curve; a weather contrast by its own ratio's
 * change) is moved out, when it is nearer, to the calibrated point -/+ the uncalibrated 80%
 * half-width on that side (times z95 / z80 at 95%: the uncalibrated 95% ends carry a heavy-tail
 * stretch that the test's Gaussian likelihood cuts off, and the bound is Gaussian) times
 * factor = (calibrated / uncalibrated ROAS) / sqrt(1 + Q): the calibration's change of the
 * channel's level carries its half-widths with it, as a multiplicative model's would. A bound, not
 * an estimate: the bootstrap of the calibrated model gives the interval wherever it is wider.
 */
export function addInformationFloor(
  explanation: Explanation,
  plain: Explanation,
  tested: ReadonlyMap<string, number> = testInformation(explanation),
): void {
  if (tested.size === 0 || !explanation.uncertainty) return;
  const rows: { channel: string; tests_information: number; factor: number; widened: number }[] =
    [];
  for (const [channel, q] of tested) {
    const cal = explanation.channels.find((c) => c.channel === channel);
    const unc = plain.channels.find((c) => c.channel === channel);
    if (!cal || !unc?.intervals || !cal.intervals) continue;
    const level =
      cal.roas !== null && unc.roas !== null && cal.roas > 0 && unc.roas > 0
        ? cal.roas / unc.roas
        : 1;
    const factor = level / Math.sqrt(1 + q);
    let widened = 0;
    const floor = (
      point: number,
      iv: FigureInterval,
      from: number,
      by: FigureInterval,
      f: number = factor,
    ): void => {
      for (const { key, z } of LEVELS) {
        // Both levels from the 80% half-widths (z-scaled): the uncalibrated 95% ends carry a
        // heavy-tail stretch (WINDOW_95_STRETCH) that a Gaussian test's likelihood cuts off.
        const lo = point - (f * z * Math.max(0, from - by.p80[0])) / LEVELS[0].z;
        const hi = point + (f * z * Math.max(0, by.p80[1] - from)) / LEVELS[0].z;
        if (lo < iv[key][0]) {
          iv[key][0] = lo;
          widened++;
        }
        if (hi > iv[key][1]) {
          iv[key][1] = hi;
          widened++;
        }
      }
    };
    const floorChannel = (
      to: { roas: number | null; contribution: number; marginal_roas: number | null },
      toIv: ChannelIntervals,
      from: { roas: number | null; contribution: number; marginal_roas: number | null },
      fromIv: ChannelIntervals,
    ): void => {
      floor(to.contribution, toIv.contribution, from.contribution, fromIv.contribution);
      if (to.roas !== null && from.roas !== null) floor(to.roas, toIv.roas, from.roas, fromIv.roas);
      if (to.marginal_roas !== null && from.marginal_roas !== null)
        floor(to.marginal_roas, toIv.marginal_roas, from.marginal_roas, fromIv.marginal_roas);
    };
    floorChannel(cal, cal.intervals, unc, unc.intervals);
    explanation.weather_states.forEach((s) => {
      const sc = s.channels.find((c) => c.channel === channel);
      const su = plain.weather_states
        .find((x) => x.state === s.state)
        ?.channels.find((c) => c.channel === channel);
      if (sc?.intervals && su?.intervals) floorChannel(sc, sc.intervals, su, su.intervals);
    });
    const curve = explanation.response_curves.find((r) => r.channel === channel);
    const curveU = plain.response_curves.find((r) => r.channel === channel);
    const band = curve?.contribution_interval;
    const bandU = curveU?.contribution_interval;
    if (
      curve &&
      curveU &&
      band &&
      bandU &&
      curveU.contribution.length === curve.contribution.length
    ) {
      curve.contribution.forEach((v, i) => {
        const iv: FigureInterval = {
          p80: [band.p80.lo[i], band.p80.hi[i]],
          p95: [band.p95.lo[i], band.p95.hi[i]],
        };
        const by: FigureInterval = {
          p80: [bandU.p80.lo[i], bandU.p80.hi[i]],
          p95: [bandU.p95.lo[i], bandU.p95.hi[i]],
        };
        floor(v, iv, curveU.contribution[i], by);
        band.p80.lo[i] = iv.p80[0];
        band.p80.hi[i] = iv.p80[1];
        band.p95.lo[i] = iv.p95[0];
        band.p95.hi[i] = iv.p95[1];
      });
    }
    // A weather contrast is a ratio, which the channel's level cancels from: its own calibrated
    // over uncalibrated ratio carries its half-widths (the same bound, log scale).
    for (const w of explanation.weather_contrasts ?? []) {
      if (w.channel !== channel) continue;
      const u = plain.weather_contrasts?.find(
        (x) =>
          x.channel === channel &&
          x.variable === w.variable &&
          x.state === w.state &&
          x.reference === w.reference,
      );
      if (!u || !(u.ratio > 0) || !(w.ratio > 0)) continue;
      floor(w.ratio, w, u.ratio, u, w.ratio / u.ratio / Math.sqrt(1 + q));
    }
    rows.push({ channel, tests_information: q, factor, widened });
  }
  if (rows.length === 0) return;
  explanation.uncertainty.information_floor = {
    method:
      "each end of a calibrated channel's intervals is at least the uncalibrated explanation's 80% half-width on that side (times z95 / z80 at 95%) times factor = (calibrated / uncalibrated ROAS) / sqrt(1 + tests_information) from the calibrated point, tests_information = sum over the channel's used tests of (the data's relative sd of the window's lift / the test's relative standard error)^2: the narrowest the data and the tests support together (a linear-Gaussian bound)",
    channels: rows,
  };
}

/**
 * Whether a kept uncalibrated explanation pairs figure by figure with this one (the same
 * channels, weather states and response-curve levels in the same order, a curve missing only for
 * a channel without spend, which withoutUnspentFigures takes out of both) and says whether its
 * bootstrap gave intervals: at least one channel with spend, whose intervals are null only when
 * it gave none (the condition completeCalibratedIntervals reads on a fresh explanation). The
 * interval ends of the channels it is read for (held and tested) must be numbers: JSON keeps a NaN or an infinity as null, which the
 * fresh explanation would not have had.
 */
function keptPairs(
  explanation: Explanation,
  kept: Explanation,
  read: ReadonlySet<string>,
): boolean {
  const names = (xs: readonly { channel: string }[]): string => xs.map((x) => x.channel).join('\n');
  if (names(kept.channels) !== names(explanation.channels)) return false;
  if (!kept.channels.some((c) => c.spend > 0 && !c.no_spend)) return false;
  if (kept.weather_states.length !== explanation.weather_states.length) return false;
  const statesPair = explanation.weather_states.every((s, i) => {
    const k = kept.weather_states[i];
    return k.state === s.state && names(k.channels) === names(s.channels);
  });
  if (!statesPair) return false;
  const spent = new Set(explanation.channels.filter((c) => c.spend > 0).map((c) => c.channel));
  const curvesPair = explanation.response_curves.every((curve) => {
    const k = kept.response_curves.find((r) => r.channel === curve.channel);
    if (!k) return !spent.has(curve.channel);
    return k.contribution.length === curve.contribution.length;
  });
  if (!curvesPair) return false;
  const numbers = (x: unknown): boolean =>
    Array.isArray(x)
      ? x.every(numbers)
      : x !== null && typeof x === 'object'
        ? Object.values(x).every(numbers)
        : typeof x === 'number' && Number.isFinite(x);
  const rows = [...kept.channels, ...kept.weather_states.flatMap((s) => s.channels)];
  return (
    rows.every((r) => !read.has(r.channel) || r.intervals === null || numbers(r.intervals)) &&
    kept.response_curves.every(
      (r) => !read.has(r.channel) || !r.contribution_interval || numbers(r.contribution_interval),
    )
  );
}

/** The figures of an explanation as one vector (visitFigures order). */
export function figureVector(e: Explanation): number[] {
  const out: number[] = [];
  visitFigures(e, (v) => out.push(v));
  return out;
}

/** Interval of one figure from its point estimate and bootstrap values (module comment). */
export function figureInterval(
  point: number,
  replicates: readonly number[],
  modelError: number,
  scale: WidthScale = UNSCALED,
  windows: readonly number[] = [],
  testShifts: readonly number[] = [],
  dataWindows: readonly number[] = [],
  kindRefit?: number,
): FigureInterval {
  // Window spread: median distance of the window refits' values from the point (0 without them).
  const spread = windows.length > 0 ? median(windows.map((w) => Math.abs(w - point))) : 0;
  // Data-window spread: the same for the data-window refits (dataWindowFigures).
  const dataSpread =
    dataWindows.length > 0 ? median(dataWindows.map((w) => Math.abs(w - point))) : 0;
  // Test term: per test (values at -1 and +1 SE), its largest move down and up, in quadrature.
  let down = 0;
  let up = 0;
  for (let i = 0; i + 1 < testShifts.length; i += 2) {
    const lo = Math.min(testShifts[i], testShifts[i + 1]);
    const hi = Math.max(testShifts[i], testShifts[i + 1]);
    down = Math.hypot(down, Math.max(0, point - lo));
    up = Math.hypot(up, Math.max(0, hi - point));
  }
  const t = scale.tests ?? 0;
  const bound = (level: (typeof LEVELS)[number]): [number, number] => {
    const a = 1 - level.level;
    const qLo = quantile(replicates, a / 2);
    const qHi = quantile(replicates, 1 - a / 2);
    const m = level.z * modelError * Math.abs(point);
    const b = level.key === 'p95' ? (scale.window95 ?? scale.window ?? 0) : (scale.window ?? 0);
    const w = level.z * b * spread;
    const c = scale[level.key];
    const below = c * Math.max(0, point - qLo);
    const above = c * Math.max(0, qHi - point);
    // The point beyond its refits' band at this level (every refit at this level's quantile on
    // one side of it): the side without refits takes the other side's distance, the hull of the
    // percentile and the basic bootstrap intervals. Refits that all read the figure lower than
    // the model they were drawn from show an estimator that reads low, the basic bootstrap's
    // reason to read the figure higher, not a bound at the point (probe s71: an 80% interval
    // 0.07 to 3.26 for a ROAS of 3.265, truth 4.04).
    const dLo = qLo > point ? above : below;
    const dHi = qHi < point ? below : above;
    const tLo = level.z * t * down;
    const tHi = level.z * t * up;
    // Terms on both sides: the 95% level's offset term (WidthScale.offset95) and the
    // data-window term (WidthScale.data, data95).
    const k = level.key === 'p95' ? (scale.offset95 ?? 0) : 0;
    const d = level.key === 'p95' ? (scale.data95 ?? scale.data ?? 0) : (scale.data ?? 0);
    const both: number[] = [];
    if (k > 0) both.push(k * Math.abs(median(replicates) - point));
    if (d > 0 && dataWindows.length > 0) both.push(level.z * d * dataSpread);
    // Model-kind term (kindFigures): the figure's distance from the Ridge refit, at z.
    if (kindRefit !== undefined && Number.isFinite(kindRefit)) {
      both.push(level.z * Math.abs(kindRefit - point));
    }
    // (without a test term and the two-sided terms the three-term form: bit-identical to the
    // intervals before them)
    if (t === 0 && both.length === 0) {
      return [point - Math.hypot(dLo, m, w), point + Math.hypot(dHi, m, w)];
    }
    const lo = t === 0 ? [dLo, m, w] : [dLo, m, w, tLo];
    const hi = t === 0 ? [dHi, m, w] : [dHi, m, w, tHi];
    return [point - Math.hypot(...lo, ...both), point + Math.hypot(...hi, ...both)];
  };
  // Nested: a side mirrored at 80% only could reach past the 95% end.
  return nested(bound(LEVELS[0]), bound(LEVELS[1]));
}

/** The two levels' intervals with the 95% one made to hold the 80% one. */
function nested(p80: [number, number], p95: [number, number]): FigureInterval {
  return { p80, p95: [Math.min(p95[0], p80[0]), Math.max(p95[1], p80[1])] };
}

/**
 * One replicate model: the phase pipeline refitted on y* (module comment). A calibrated model's
 * replicate is recalibrated with the replicate tests (recalibrateReplicate) instead of refitted.
 * The planner refits its replicates with it too (src/plan/replicates.ts, no tests).
 */
export function refitReplicate(
  series: TenantSeries,
  point: FinalModel,
  options: IntervalOptions,
  tests: readonly LiftTest[] | null,
  pointRuns: readonly Record<string, ChannelParams>[] | null = null,
): FinalModel {
  if (point.phase !== 3) return fitFinalModel(series, point.phase, options);
  const n = series.target.length;
  const search = options.replicateSearch ?? REPLICATE_SEARCH;
  if (search.pointEstimator && !options.calibration) {
    const { channelParams: _ignored, ...rest } = options;
    return fitFinalModel(series, 3, rest);
  }
  const candidates = options.calibration?.candidates;
  if (candidates && tests && point.channels.every((c) => candidates[c] !== undefined)) {
    // Every channel is calibrated: its shape is chosen among its candidates, no search needed.
    return recalibrateReplicate(series, point, point.channelParams!, tests, candidates);
  }
  if (point.curveFit === 'profile' && point.channelParams) {
    // The point's curves are the profile least-squares fit (final.ts profileCurves): the
    // replicate refits them as a window fit is made, from the point's curves (the bootstrap
    // world's truth): one sweep of the window grid, then the local rounds.
    const params = fitProfileCurves(series, point.channelParams, {
      calendar: point.calendar,
      weather: point.weather,
      growthLogRate: point.growth,
      sweeps: WINDOW_SWEEPS,
      grid: WINDOW_GRID,
      localRounds: BOOTSTRAP_LOCAL_ROUNDS,
      kWithinSpend: true,
      cache: options.curveCache,
    }).params;
    if (options.calibration && tests) {
      return recalibrateReplicate(series, point, params, tests, options.calibration.candidates);
    }
    return fitFinalModel(series, 3, { ...options, channelParams: params });
  }
  // The point model's search rule: one shape shared by the channels on weekly data (final.ts).
  const shared = allRowsSharedMedia(series, options.lags);
  const searchOptions = {
    ...options.search,
    sweeps: search.sweeps,
    refineRounds: search.refineRounds,
    calendar: options.calendar ?? PHASE_DEFAULTS.calendar,
    gap: options.gap ?? PHASE_DEFAULTS.gap,
  };
  const searched =
    search.pooled && !options.calibration
      ? poolSearchRuns(
          series,
          pooledSearchRuns(
            series,
            searchOptions,
            shared,
            search.fromPoint ? (pointRuns ?? undefined) : undefined,
          ),
          shared ? undefined : pooledSearchEnds(n),
        )
      : allRowsSearch(
          series,
          n,
          {
            ...searchOptions,
            start: search.fromPoint && point.channelParams ? point.channelParams : undefined,
            trialCache: options.trialCache,
          },
          shared,
        );
  // The point model's procedure after its search (final.ts): the delayed carry-over decided on
  // all rows; the non-negative media effects follow in fitFinalModel.
  const params = replicateDelays(series, searched, point, options);
  if (options.calibration && tests) {
    return recalibrateReplicate(series, point, params, tests, options.calibration.candidates);
  }
  return fitFinalModel(series, 3, { ...options, channelParams: params });
}

/**
 * The delay decision of a replicate or window refit (final.ts allRowsDelays, the point model's
 * rule: lag scan on the blocked inner folds of all rows, kept only beyond one standard error),
 * offered for each channel the point's own delay (none where the point has none). The bootstrap
 * world's truth is the point model, so its delays are the ones a replicate has to recover or
 * lose; offering every lag 1-7 to every replicate and window made a 12-channel tenant's intervals
 * cost 12.5 CPU-s instead of 7.4 (docs/intervals.md).
 */
function replicateDelays(
  series: TenantSeries,
  params: Record<string, ChannelParams>,
  point: FinalModel,
  options: FinalModelOptions,
  trainEnd?: number,
): Record<string, ChannelParams> {
  if (options.lags !== undefined && options.lags.length === 0) return params;
  const lags = Object.fromEntries(
    point.channels.map((c) => {
      const lag = point.channelParams?.[c]?.lag ?? 0;
      return [c, lag > 0 ? [lag] : []];
    }),
  );
  return allRowsDelays(series, params, {
    calendar: options.calendar ?? PHASE_DEFAULTS.calendar,
    gap: options.gap ?? PHASE_DEFAULTS.gap,
    alpha: options.search?.alpha,
    lags,
    trainEnd,
  });
}

/**
 * A window refit's parameters (module comment): the pooled search's run i, its delays decided on
 * its own training rows (pooledSearchEnds order) as a fold model's are, then k re-derived on all
 * rows (poolSearchRuns). Decided on all rows instead, the lag scan's local rounds moved every
 * window to the same all-rows optimum and the window spread of a delayed tenant vanished
 * (shape_daily_2y_delayed meta: 80% interval 3.11..3.45 against a truth of 2.85).
 */
function windowParams(
  series: TenantSeries,
  model: FinalModel,
  run: Record<string, ChannelParams>,
  i: number,
  options: FinalModelOptions,
): Record<string, ChannelParams> {
  const end = pooledSearchEnds(series.target.length)[i];
  return poolSearchRuns(series, [replicateDelays(series, run, model, options, end)]);
}

/**
 * The bootstrap world of a fitted model (module comment): y* = fitted + a circular moving-block
 * resample of the centred residuals. Shared by the intervals and the planner's replicates.
 */
export function residualBootstrap(
  series: TenantSeries,
  model: FinalModel,
  blockLength: number,
): { draw: (rng: SeededRandom) => Float64Array } {
  const n = series.target.length;
  const fitted = predictFinal(model, series);
  const resid = new Float64Array(n);
  let meanResid = 0;
  for (let t = 0; t < n; t++) meanResid += series.target[t] - fitted[t];
  meanResid /= n;
  for (let t = 0; t < n; t++) resid[t] = series.target[t] - fitted[t] - meanResid;
  return {
    draw: (rng) => {
      const e = movingBlockResample(resid, blockLength, rng);
      return Float64Array.from(fitted, (v, t) => v + e[t]);
    },
  };
}

/**
 * The point model's pooled search runs (final.ts pooledSearchRuns), recomputed on the observed
 * series, where a pooled replicate search warm-starts from them; null otherwise, or when they
 * do not pool to the point's parameters (a model fitted with given parameters).
 */
function pointSearchRuns(
  series: TenantSeries,
  model: FinalModel,
  options: IntervalOptions,
): Record<string, ChannelParams>[] | null {
  const search = options.replicateSearch ?? REPLICATE_SEARCH;
  if (model.phase !== 3 || !search.pooled || !search.fromPoint || options.calibration) return null;
  if (!model.channelParams) return null;
  const shared = allRowsSharedMedia(series, options.lags);
  const runs = pooledSearchRuns(
    series,
    {
      ...options.search,
      calendar: options.calendar ?? PHASE_DEFAULTS.calendar,
      gap: options.gap ?? PHASE_DEFAULTS.gap,
    },
    shared,
  );
  const pooled = poolSearchRuns(
    series,
    runs,
    shared ? undefined : pooledSearchEnds(series.target.length),
  );
  const same = model.channels.every((c) => {
    const a = pooled[c];
    const b = model.channelParams![c];
    return a.decay === b.decay && a.k_mult === b.k_mult && a.s === b.s;
  });
  return same ? runs : null;
}

/**
 * The figure vectors (figureVector order) of the window refits of a phase-3 model fitted by the
 * pooled search (module comment): the model refitted on all rows with each search run's
 * parameters (k re-derived on all rows, as the point's). Empty for phases 0-2 and for models
 * without search runs (fitted with given parameters, or stored before runs were kept).
 */
export function windowFigures(
  series: TenantSeries,
  model: FinalModel,
  options: FinalModelOptions = {},
): number[][] {
  if (model.phase !== 3 || !model.searchRuns || model.searchRuns.length === 0) return [];
  return model.searchRuns.map((run, i) => {
    const m = fitFinalModel(series, 3, {
      ...options,
      calendar: model.calendar,
      channelParams: windowParams(series, model, run, i, { ...options, calendar: model.calendar }),
    });
    return figureVector(explainFinalModel(series, m, null, { figuresOnly: true }));
  });
}

/**
 * The figure vectors (figureVector order) of the data-window refits of a daily phase-3 model
 * (module comment, INTERVALS_VERSION 12): the point's own adstock/Hill parameters (delays
 * included), the model refitted on each CV fold's training rows (pooledSearchEnds without all
 * rows: the windows of the point's pooled search), the figures computed on the observed series.
 * The window refits move the searched parameters and refit on all rows; these keep the
 * parameters (and a Ridge point's alpha) and move the rows, so their spread is how far the fitted effects move with the
 * history they are fitted on (a trend or season the media columns absorb on some windows and not
 * on others), which neither the window refits nor the bootstrap (its world's base is the point
 * model's) can see. Empty for phases 0-2, weekly models (their width scale has no such term:
 * WEEKLY_WIDTH_SCALE) and models without search runs (fitted with given parameters).
 */
export function dataWindowFigures(
  series: TenantSeries,
  model: FinalModel,
  options: FinalModelOptions = {},
): number[][] {
  if (model.phase !== 3 || !model.channelParams) return [];
  if (series.frequency === 'weekly' || !model.searchRuns || model.searchRuns.length === 0) {
    return [];
  }
  const n = series.target.length;
  // The point's model as it is: its kind and Ridge alpha held (a Ridge point stays Ridge at its
  // alpha; only a GBM or blend point re-chooses, having no single alpha to hold).
  const held: FinalModelOptions =
    model.kind === 'ridge' && model.alpha !== null
      ? { alphas: [model.alpha], keepRidge: 'the point model: Ridge at its alpha' }
      : {};
  return pooledSearchEnds(n)
    .filter((end) => end < n)
    .map((end) => {
      const m = fitFinalModel(seriesPrefix(series, end), 3, {
        ...options,
        ...held,
        calendar: model.calendar,
        channelParams: model.channelParams!,
      });
      return figureVector(explainFinalModel(series, m, null, { figuresOnly: true }));
    });
}

/**
 * The figure vector (figureVector order) of an uncalibrated phase-3 point that is a GBM or a
 * Ridge/GBM blend refitted as Ridge on the same design (its adstock/Hill parameters and delays,
 * all rows, contributions held >= 0 as any phase-3 Ridge), or null for a Ridge point, phases 0-2
 * and models without searched parameters. The Ridge / GBM / blend rule takes a tree model when
 * the Ridge misses the pass bar on the inner validation rows, a choice the bootstrap and the
 * window refits make again around the tree model's own fitted values; a tree model's ROAS sits
 * below the truth (measured on generated tenants: 49 of 52 channels, median 0.34x the truth for
 * a GBM, 0.50x for a blend) and its intervals covered 62% at 80%. The distance of each figure
 * from the Ridge alternative, at z, is added on both sides (figureInterval kindRefit):
 * docs/intervals.md, INTERVALS_VERSION 19.
 */
export function kindFigures(
  series: TenantSeries,
  model: FinalModel,
  options: FinalModelOptions = {},
): number[] | null {
  if (model.phase !== 3 || model.kind === 'ridge' || !model.channelParams) return null;
  try {
    const m = ridgeForm(series, model, options, 'the model-kind term: the point design as Ridge')!;
    return figureVector(explainFinalModel(series, m, null, { figuresOnly: true }));
  } catch (e) {
    rethrowCancelled(e);
    return null;
  }
}

/**
 * The figures of phase 1's model fitted on all rows (linear in spend, log spend on weekly data, no
 * carry-over, with its spend x weather interactions), for a phase-3 point: the simpler form's
 * reading of each channel's ROAS by weather state, whose distance from the point's widens the
 * weather contrasts (weatherContrasts). Null for other phases or when the fit fails.
 */
export function formFigures(
  series: TenantSeries,
  model: FinalModel,
  options: FinalModelOptions = {},
): number[] | null {
  if (model.phase !== 3) return null;
  try {
    const m = fitFinalModel(series, 1, options);
    return figureVector(explainFinalModel(series, m, null, { figuresOnly: true }));
  } catch (e) {
    rethrowCancelled(e);
    return null;
  }
}

/**
 * The bootstrap figure vectors of a fitted model (figureVector order, one per successful
 * replicate), the number of replicates whose refit failed, and the window refits' figure
 * vectors (windowFigures; none for a calibrated model, whose width has no window term).
 */
export function bootstrapFigures(
  series: TenantSeries,
  model: FinalModel,
  options: IntervalOptions = {},
): BootstrapFigures {
  const replicates = options.replicates ?? defaultReplicates(spentChannelCount(series));
  if (!(Number.isInteger(replicates) && replicates >= 0 && replicates <= 10_000)) {
    throw new RangeError(`replicates must be an integer in 0..10000 (got ${replicates})`);
  }
  const n = series.target.length;
  const blockLength = options.blockLength ?? blockLengthFor(n, series.frequency);
  if (!(Number.isInteger(blockLength) && blockLength >= 1 && blockLength <= n)) {
    throw new RangeError(`blockLength must be an integer in 1..${n} (got ${blockLength})`);
  }
  const world = residualBootstrap(series, model, blockLength);
  const rng = new SeededRandom(
    seedFromString(`intervals:${randomKeyOf(series)}`, options.seed ?? 0),
  );
  const figures: number[][] = [];
  let failed = 0;
  const calibration = options.calibration ?? null;
  const pointRuns = pointSearchRuns(series, model, options);
  // The replicates keep the series' design (only the target is redrawn): their phase-3 searches
  // share the candidates' trials (bit-identical figures, about half the search time).
  const shared = {
    ...options,
    trialCache: options.trialCache ?? new SearchTrialCache(),
    curveCache: options.curveCache ?? new ProfileCurveCache(),
  };
  for (let b = 0; b < replicates; b++) {
    checkCancelled();
    const target = world.draw(rng);
    // A calibrated model's world also redraws each test: L* = implied lift + SE z.
    const tests = calibration
      ? calibration.tests.map((t, i) => ({
          ...t,
          incremental_revenue: calibration.implied_lifts[i] + t.standard_error * rng.normal(),
        }))
      : null;
    try {
      const m = refitReplicate({ ...series, target }, model, shared, tests, pointRuns);
      figures.push(figureVector(explainFinalModel(series, m, null, { figuresOnly: true })));
    } catch (e) {
      rethrowCancelled(e);
      failed++;
    }
  }
  const windows = calibration
    ? calibratedWindowFigures(series, model, calibration)
    : windowFigures(series, model, options);
  const dataWindows = calibration ? [] : dataWindowFigures(series, model, options);
  const kindRefit = calibration ? null : kindFigures(series, model, options);
  const form = formFigures(series, model, options);
  const testShifts = calibration ? testShiftFigures(series, model, calibration) : [];
  const heldAtZero = calibration ? [] : (model.heldAtZero ?? []);
  const notPooled = unpooledChannels(series);
  return {
    figures,
    failed,
    blockLength,
    frequency: series.frequency,
    windows,
    testShifts,
    ...(heldAtZero.length > 0 ? { heldAtZero: [...heldAtZero] } : {}),
    ...(dataWindows.length > 0 ? { dataWindows } : {}),
    ...(notPooled.length > 0 ? { notPooled } : {}),
    ...(kindRefit ? { kindRefit } : {}),
    ...(form ? { form } : {}),
    ...(model.curveFit ? { curveFit: model.curveFit } : {}),
    revenue: series.target.reduce((a, v) => a + v, 0),
  };
}

/**
 * The channels poolRoas leaves out: those of almost no spend or of the same spend on every row,
 * whose ROAS is the model's extrapolation or the baseline's, not a measurement (the planner's
 * pooling leaves out the same low-spend channels: plan.ts `held`). Their replicate variance is
 * huge, so pooling them with the others moved every channel's ROAS 100% of the way to one mean.
 */
export function unpooledChannels(series: TenantSeries): string[] {
  const low = lowSpendChannels(series).map((l) => l.channel);
  return [...low, ...constantSpendChannels(series).filter((c) => !low.includes(c))];
}

/**
 * The test term's figure vectors of a calibrated model (module comment): for each used test, the
 * calibration redone with that test's measured lift moved by -1 and then +1 standard error
 * (testShiftCalibration), the figures computed on the observed series; two vectors per test, in
 * that order.
 */
export function testShiftFigures(
  series: TenantSeries,
  model: FinalModel,
  calibration: ReplicateCalibration,
): number[][] {
  if (model.phase !== 3) return [];
  return calibration.tests.flatMap((_, i) =>
    [-1, 1].map((dir) => {
      const moved = calibration.tests.map((t, k) =>
        k === i ? { ...t, incremental_revenue: t.incremental_revenue + dir * t.standard_error } : t,
      );
      const m = testShiftCalibration(series, model, calibration, moved);
      return figureVector(explainFinalModel(series, m, null, { figuresOnly: true }));
    }),
  );
}

/**
 * The window refits of a calibrated model (module comment): each of the point's search runs
 * recalibrated on the observed series with the used tests as measured (recalibrateReplicate: a
 * tested channel takes, among its candidates and the run's shape, the one minimizing the
 * calibration objective; a channel without a test keeps the run's shape and that fit's
 * contribution), the figures computed on the observed series. Empty without search runs.
 */
export function calibratedWindowFigures(
  series: TenantSeries,
  model: FinalModel,
  calibration: ReplicateCalibration,
): number[][] {
  if (model.phase !== 3 || !model.searchRuns || model.searchRuns.length === 0) return [];
  return model.searchRuns.map((run, i) => {
    const m = recalibrateReplicate(
      series,
      model,
      windowParams(series, model, run, i, { calendar: model.calendar }),
      calibration.tests,
      calibration.candidates,
    );
    return figureVector(explainFinalModel(series, m, null, { figuresOnly: true }));
  });
}

/** The lift a model implies for a lift test on the observed series (the window's rows). */
export function modelImpliedLift(series: TenantSeries, model: FinalModel, test: LiftTest): number {
  const w = liftWindow(series, test);
  const base = predictFinal(model, series);
  const moved = predictFinal(
    model,
    withChannelSpend(series, test.channel, liftSpend(series, test, w)),
  );
  let lift = 0;
  for (let r = w.from; r < w.to; r++) lift += moved[r] - base[r];
  return lift;
}

/**
 * The part of the lift a model implies for a test (modelImpliedLift) that comes from spend below
 * the channel's lowest usual spend (explain.ts usualSpend: its 5th percentile, where it never spent
 * near zero): the predictions at the test's spend against those at the test's spend raised, on each
 * window row, to the lower of the actual spend and that level. 0 when the test keeps the spend at
 * or above that level, or the channel has spent near zero. Below that level the data have no rows
 * of the channel, so its effect there is the curve's shape alone (roas_below_spend_seen): the model
 * does not know it, in either direction, and a go-dark test measures exactly it.
 */
export function belowSpendLift(series: TenantSeries, model: FinalModel, test: LiftTest): number {
  const c = series.channels.indexOf(test.channel);
  const usual = c < 0 ? null : usualSpend(series.spend[c]);
  if (!usual) return 0;
  const w = liftWindow(series, test);
  const tested = liftSpend(series, test, w);
  const actual = series.spend[c];
  const floor = Float64Array.from(tested);
  let below = false;
  for (let i = w.from; i < w.to; i++) {
    floor[i] = Math.max(tested[i], Math.min(actual[i], usual.low));
    if (floor[i] > tested[i]) below = true;
  }
  if (!below) return 0;
  const atTest = predictFinal(model, withChannelSpend(series, test.channel, tested));
  const atFloor = predictFinal(model, withChannelSpend(series, test.channel, floor));
  let lift = 0;
  for (let r = w.from; r < w.to; r++) lift += atTest[r] - atFloor[r];
  return lift;
}

/**
 * The reference of calibration's model check (calibration.ts module comment): for each test, the
 * uncalibrated model's own lift over the test's window and the spread of its 95% interval for
 * that lift, computed as every figure's interval is (figureInterval: the bootstrap replicates and
 * the window refits, with the uncalibrated width scale), on the side of the test's measured lift,
 * as a standard deviation (half-width / z). The replicate models are fitted once, at the first
 * call, and serve every later set of tests. Phase-3 models only (others: no check, []).
 */
export function modelLiftSpread(
  series: TenantSeries,
  model: FinalModel,
  options: IntervalOptions = {},
): (tests: readonly LiftTest[]) => ModelLift[] {
  let fitted: { replicates: FinalModel[]; windows: FinalModel[] } | null = null;
  const fit = (): { replicates: FinalModel[]; windows: FinalModel[] } => {
    const count = options.replicates ?? defaultReplicates(spentChannelCount(series));
    const world = residualBootstrap(
      series,
      model,
      options.blockLength ?? blockLengthFor(series.target.length, series.frequency),
    );
    const rng = new SeededRandom(
      seedFromString(`lift-check:${randomKeyOf(series)}`, options.seed ?? 0),
    );
    const shared = {
      ...options,
      trialCache: options.trialCache ?? new SearchTrialCache(),
      curveCache: options.curveCache ?? new ProfileCurveCache(),
    };
    const replicates: FinalModel[] = [];
    for (let b = 0; b < count; b++) {
      checkCancelled();
      const target = world.draw(rng);
      try {
        replicates.push(refitReplicate({ ...series, target }, model, shared, null, null));
      } catch (e) {
        rethrowCancelled(e);
        // a failed refit is left out, as in bootstrapFigures
      }
    }
    const windows = (model.searchRuns ?? []).map((run, i) =>
      fitFinalModel(series, 3, {
        ...options,
        calendar: model.calendar,
        channelParams: windowParams(series, model, run, i, {
          ...options,
          calendar: model.calendar,
        }),
      }),
    );
    return { replicates, windows };
  };
  return (tests) => {
    if (model.phase !== 3) return [];
    fitted ??= fit();
    const { replicates, windows } = fitted;
    // Too few replicates for an interval (as addIntervals): no check.
    if (replicates.length < MIN_REPLICATES) return [];
    // The spread is a normal-theory sd (half-width / z95), so the 95% level's heavier-tail
    // stretch (WINDOW_95_STRETCH, a coverage correction) and the weekly offset term
    // (WEEKLY_OFFSET_95) are left out: the 80% pair at z95, the reference the conflict level was
    // set with.
    const base = defaultWidthScale(false, windows.length > 0, series.frequency);
    const scale = options.widthScale ?? {
      ...base,
      p95: base.p80,
      window95: base.window,
      offset95: undefined,
    };
    const z95 = LEVELS[1].z;
    return tests.map((t) => {
      const lift = modelImpliedLift(series, model, t);
      const iv = figureInterval(
        lift,
        replicates.map((m) => modelImpliedLift(series, m, t)),
        0,
        scale,
        windows.map((m) => modelImpliedLift(series, m, t)),
      ).p95;
      const half = t.incremental_revenue < lift ? lift - iv[0] : iv[1] - lift;
      // The part of the lift below the channel's lowest usual spend (belowSpendLift) is the
      // curve's shape alone, which no refit measures (they share the curve's form): its own size
      // is added in quadrature, so a go-dark test on an always-on channel is judged by the data's
      // likelihood (the LR) more than by the model's guess of that part (docs/calibration.md,
      // "Tests below the spend the data show").
      const below = belowSpendLift(series, model, t);
      return { lift, sd: Math.hypot(half / z95, below), ...(below !== 0 ? { below } : {}) };
    });
  };
}

/** What bootstrapFigures returns. */
export interface BootstrapFigures {
  figures: number[][];
  failed: number;
  blockLength: number;
  /** The point's FinalModel.curveFit: how its replicates and windows refit the curves (the method's words). */
  curveFit?: 'profile';
  /** The series' frequency (the default width scale depends on it: defaultWidthScale). */
  frequency?: Frequency;
  /** Figure vectors of the window refits (windowFigures); empty when there are none. */
  windows: number[][];
  /**
   * A calibrated model's test term (testShiftFigures): two figure vectors per used test (its
   * lift moved by -1 and +1 SE); empty for an uncalibrated model.
   */
  testShifts: number[][];
  /**
   * Channels the point model holds at 0 (FinalModel.heldAtZero) when it is uncalibrated; their
   * figures take heldAtZeroScale. Absent or empty: none.
   */
  heldAtZero?: string[];
  /** Figure vectors of the data-window refits (dataWindowFigures); absent or empty: none. */
  dataWindows?: number[][];
  /**
   * Channels whose figures are not measurements, left out of poolRoas: almost no spend
   * (lowSpendChannels) or the same spend on every row (constantSpendChannels). Absent: none.
   */
  notPooled?: string[];
  /** A tree-model point's figures refitted as Ridge (kindFigures); absent: none. */
  kindRefit?: number[];
  /** A phase-3 point's figures read by phase 1's model on all rows (formFigures); absent: none. */
  form?: number[];
  /**
   * The revenue of the explained rows (the sum of the target), which no contribution can exceed
   * (intervalBeyondRevenueCaveats); absent: not judged.
   */
  revenue?: number;
}

/**
 * Width scale of the figures of a channel the point model holds at 0 (nonNegativeContributions),
 * when the scale has a window term: the bootstrap factors raised to the bootstrap-only method's
 * (WIDTH_SCALE), the 95% stretch kept. At the bound the window refits sit at the bound too
 * (their spread is 0: the constraint, not the data, pins them), so the window term, which lets
 * WINDOW_WIDTH_SCALE scale the bootstrap down to 0.21, carries nothing there, and the interval
 * collapsed to about [0, 0.3] while the truths of such channels sat at 2-4.5 (38 of 597 channels
 * of the development shape sets, 11 inside their 80% interval, 27 with this scale). The
 * bootstrap is the one measure of how far the effect could be (though not a consistent one at a
 * bound: Andrews 2000), so its factor is the one calibrated without a
 * window term, no new constant. A scale without a window term is returned unchanged.
 */
export function heldAtZeroScale(scale: WidthScale): WidthScale {
  if (!((scale.window ?? 0) > 0) || scale.p80 >= WIDTH_SCALE.p80) return scale;
  const f = WIDTH_SCALE.p80 / scale.p80;
  const r = (x: number): number => Math.round(x * f * 1000) / 1000;
  return { ...scale, p80: r(scale.p80), p95: r(scale.p95) };
}

/** A replicate's ROAS this close to 0 is the constraint's bound (its contribution held at 0). */
export const AT_BOUND = 1e-9;
/** Lower tail of each level (1 - level) / 2, written out (the subtraction is not exact). */
const LOWER_TAIL = { p80: 0.1, p95: 0.025 } as const;

/**
 * Share of the bootstrap replicates that hold each channel at the non-negativity bound (their
 * ROAS within AT_BOUND of 0), from the figure vectors (figureVector order: a channel's ROAS is
 * figure 3c + 1 of the explanation's channels).
 */
export function boundShares(e: Explanation, figures: readonly number[][]): Map<string, number> {
  const out = new Map<string, number>();
  if (figures.length === 0) return out;
  e.channels.forEach((ch, c) => {
    let at = 0;
    for (const f of figures) if (Math.abs(f[3 * c + 1]) < AT_BOUND) at++;
    out.set(ch.channel, at / figures.length);
  });
  return out;
}

/**
 * Width scale of the figures of a channel near the bound (INTERVALS_VERSION 12): at each level
 * whose lower bootstrap quantile sits at the bound (at least (1 - level) / 2 of the replicates
 * hold the channel at 0: 10% at 80%, 2.5% at 95%), that level's bootstrap factor is the held
 * channel's (heldAtZeroScale); the other level keeps the scale's. The rule of channels held at 0
 * (heldAtZeroScale), carried from the point to the bootstrap: where the data redrawn from the
 * point model often push the effect onto the bound, the estimate is near it, and near a bound
 * neither the window refits (the constraint pins them) nor a bootstrap scaled down to 0.21 say how
 * far the effect could be (development sets: 29 of the 106 80% misses, truths of 1.8-4.5 for
 * points of 0.1-1.6). No new constant: the quantile is the level's, the factor the held one.
 */
export function nearBoundScale(scale: WidthScale, share: number): WidthScale {
  const held = heldAtZeroScale(scale);
  if (held === scale) return scale;
  const p80 = share >= LOWER_TAIL.p80;
  const p95 = share >= LOWER_TAIL.p95;
  if (!p80 && !p95) return scale;
  return { ...scale, p80: p80 ? held.p80 : scale.p80, p95: p95 ? held.p95 : scale.p95 };
}

/**
 * The default width scale (module comment): a calibrated model's, a phase-3 model's with window
 * refits (weekly data: WEEKLY_WIDTH_SCALE), or the bootstrap-only one.
 */
export function defaultWidthScale(
  calibrated: boolean,
  hasWindows: boolean,
  frequency: Frequency = 'daily',
): WidthScale {
  if (calibrated) return hasWindows ? CALIBRATED_WINDOW_WIDTH_SCALE : CALIBRATED_WIDTH_SCALE;
  if (hasWindows && frequency === 'weekly') return WEEKLY_WIDTH_SCALE;
  return hasWindows ? WINDOW_WIDTH_SCALE : WIDTH_SCALE;
}

/**
 * The default width scale of marginal ROAS: a phase-3 model's with window refits has its own
 * (MARGINAL_WINDOW_WIDTH_SCALE; weekly data: WEEKLY_MARGINAL_WIDTH_SCALE); otherwise that of
 * the other figures (defaultWidthScale).
 */
export function defaultMarginalWidthScale(
  calibrated: boolean,
  hasWindows: boolean,
  frequency: Frequency = 'daily',
): WidthScale {
  if (calibrated || !hasWindows) return defaultWidthScale(calibrated, hasWindows, frequency);
  return frequency === 'weekly' ? WEEKLY_MARGINAL_WIDTH_SCALE : MARGINAL_WINDOW_WIDTH_SCALE;
}

/**
 * Adds intervals (module comment) to an explanation of `model` on `series`, in place, and
 * returns it with `uncertainty` filled. Fewer than MIN_REPLICATES successful replicates leave
 * the intervals null and say so in a caveat.
 */
export function addIntervals(
  explanation: Explanation,
  series: TenantSeries,
  model: FinalModel,
  options: IntervalOptions = {},
): Explanation {
  const replicates = options.replicates ?? defaultReplicates(spentChannelCount(series));
  if (replicates === 0) return explanation;
  const modelError = options.modelError ?? MODEL_ERROR;
  if (!(Number.isFinite(modelError) && modelError >= 0)) {
    throw new RangeError(`modelError must be a finite number >= 0 (got ${modelError})`);
  }
  const scale = options.widthScale;
  if (scale && !(scale.p80 > 0 && scale.p95 > 0 && Number.isFinite(scale.p80 + scale.p95))) {
    throw new RangeError(`widthScale must be finite and > 0 (got ${scale.p80}, ${scale.p95})`);
  }
  // The optional factors (window, data-window, offset and test terms): each finite and >= 0.
  for (const key of ['window', 'window95', 'data', 'data95', 'offset95', 'tests'] as const) {
    const v = scale?.[key];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v))) {
      throw new RangeError(`widthScale.${key} must be finite and >= 0 (got ${v})`);
    }
  }
  const withCount = { ...options, replicates };
  return addIntervalsFromFigures(
    explanation,
    bootstrapFigures(series, model, withCount),
    withCount,
  );
}

/** addIntervals from bootstrap figures already computed (bootstrapFigures with the same options). */
export function addIntervalsFromFigures(
  explanation: Explanation,
  boot: BootstrapFigures,
  options: IntervalOptions = {},
): Explanation {
  const { figures, failed, blockLength } = boot;
  const replicates = options.replicates ?? figures.length + failed;
  const modelError = options.modelError ?? MODEL_ERROR;
  const hasWindows = boot.windows.length > 0;
  const scale =
    options.widthScale ?? defaultWidthScale(!!options.calibration, hasWindows, boot.frequency);
  // The window term needs window refits; without them it is dropped (and not recorded).
  const windows = (scale.window ?? 0) > 0 ? boot.windows : [];
  // The same for the test term of a calibrated model, and for the data-window term.
  const testShifts = (scale.tests ?? 0) > 0 ? boot.testShifts : [];
  const dataWindows = (scale.data ?? 0) > 0 ? (boot.dataWindows ?? []) : [];
  // The model-kind term of a tree-model point (kindFigures); never for a calibrated model.
  const kindRefit = options.calibration ? undefined : boot.kindRefit;
  // Marginal ROAS has its own factors when the default window scale applies.
  const marginalScale =
    options.widthScale === undefined && hasWindows && !options.calibration
      ? defaultMarginalWidthScale(false, true, boot.frequency)
      : scale;
  // A channel held at 0 by the constraint: bootstrap factors of the bootstrap-only method
  // (heldAtZeroScale), under the default scale of an uncalibrated model with window refits.
  const held = new Set(
    options.widthScale === undefined && windows.length > 0 && !options.calibration
      ? (boot.heldAtZero ?? [])
      : [],
  );
  const heldScale = heldAtZeroScale(scale);
  const heldMarginalScale = heldAtZeroScale(marginalScale);
  const heldChanges = held.size > 0 && heldScale !== scale;
  // Channels near the bound in the bootstrap (nearBoundScale), under the same conditions.
  const nearBound = new Map<string, { scale: WidthScale; marginal: WidthScale; share: number }>();
  if (options.widthScale === undefined && windows.length > 0 && !options.calibration) {
    for (const [channel, share] of boundShares(explanation, figures)) {
      if (held.has(channel)) continue;
      const near = nearBoundScale(scale, share);
      if (near === scale) continue;
      nearBound.set(channel, {
        scale: near,
        marginal: nearBoundScale(marginalScale, share),
        share,
      });
    }
  }
  const info: UncertaintyInfo = {
    method: options.calibration
      ? 'moving-block residual bootstrap of the calibrated model: search refit per replicate, lift tests redrawn within their standard errors and the tested channels recalibrated' +
        (windows.length > 0
          ? `, combined with the spread of the ${windows.length} window refits recalibrated with the tests`
          : '') +
        (testShifts.length > 0
          ? `, and with the moves of ${testShifts.length} recalibrations with one test moved by -1 or +1 standard error`
          : '')
      : windows.length > 0
        ? (boot.curveFit === 'profile'
            ? `moving-block residual bootstrap, curves refitted by profile least squares per replicate (from the point's), combined with the spread of the ${windows.length} window refits (the point's profile fit on nested training windows)`
            : `moving-block residual bootstrap, full phase refit (search included) per replicate, combined with the spread of the ${windows.length} window refits (the point's searches on nested training windows)`) +
          (dataWindows.length > 0
            ? ` and of the ${dataWindows.length} data-window refits (the point's parameters fitted on each fold's training rows)`
            : '') +
          (kindRefit
            ? ", and with each figure's distance from the same design refitted as Ridge (the point is a tree model)"
            : '')
        : 'moving-block residual bootstrap, full phase refit (search included) per replicate',
    replicates,
    failed_replicates: failed,
    block_length: blockLength,
    model_error: modelError,
    width_scale: {
      p80: scale.p80,
      p95: scale.p95,
      ...(windows.length > 0 ? { window: scale.window } : {}),
      ...(windows.length > 0 && scale.window95 !== undefined ? { window95: scale.window95 } : {}),
      ...(testShifts.length > 0 ? { tests: scale.tests } : {}),
      ...((scale.offset95 ?? 0) > 0 ? { offset95: scale.offset95 } : {}),
      ...(dataWindows.length > 0 ? { data: scale.data, data95: scale.data95 } : {}),
    },
    ...(heldChanges
      ? {
          held_at_zero: {
            channels: [...held],
            width_scale: { p80: heldScale.p80, p95: heldScale.p95 },
          },
        }
      : {}),
    ...(nearBound.size > 0
      ? {
          near_bound: [...nearBound].map(([channel, v]) => ({
            channel,
            share_at_bound: v.share,
            width_scale: { p80: v.scale.p80, p95: v.scale.p95 },
          })),
        }
      : {}),
    ...(marginalScale !== scale ? { marginal_width_scale: { ...marginalScale } } : {}),
    window_refits: windows.length,
    ...(dataWindows.length > 0 ? { data_window_refits: dataWindows.length } : {}),
    ...(kindRefit ? { kind_refit: 'ridge' as const } : {}),
    ...(testShifts.length > 0 ? { test_shifts: testShifts.length } : {}),
    levels: [0.8, 0.95],
  };
  explanation.uncertainty = info;
  if (figures.length < MIN_REPLICATES) {
    explanation.caveats.push({
      code: 'no_intervals',
      message: `only ${figures.length} of ${replicates} bootstrap refits succeeded: no intervals reported`,
    });
    return explanation;
  }
  if (!options.calibration)
    poolRoas(explanation, figures, boot.notPooled ?? [], boot.heldAtZero ?? []);
  let i = 0;
  visitFigures(explanation, (point, put, marginal, channel) => {
    const k = i++;
    const isHeld = heldChanges && held.has(channel);
    const near = nearBound.get(channel);
    const own = marginal
      ? isHeld
        ? heldMarginalScale
        : (near?.marginal ?? marginalScale)
      : isHeld
        ? heldScale
        : (near?.scale ?? scale);
    const reps = figures.map((f) => f[k]);
    const wins = windows.map((w) => w[k]);
    const shifts = testShifts.map((v) => v[k]);
    const datas = dataWindows.map((v) => v[k]);
    put(
      zeroFloor(
        figureInterval(point, reps, modelError, own, wins, shifts, datas, kindRefit?.[k]),
        point,
        [...reps, ...wins, ...shifts, ...datas],
      ),
    );
  });
  belowSpendLowerEnds(explanation);
  explanation.weather_contrasts = weatherContrasts(explanation, figures, boot.form);
  if (boot.form && explanation.weather_contrasts.length > 0) {
    info.contrast_form_factor = CONTRAST_FORM_FACTOR;
  }
  if (explanation.controls.length > 0) {
    info.control_stretch = { ...CONTROL_STRETCH };
    for (const k of explanation.controls) {
      if (!k.intervals) continue;
      k.intervals.contribution = stretchControlInterval(k.contribution, k.intervals.contribution);
      k.intervals.effect_per_unit = stretchControlInterval(
        k.effect_per_unit,
        k.intervals.effect_per_unit,
      );
    }
  }
  if (boot.revenue !== undefined) {
    // The media total's interval by the same rule, on the sum of the channels' contributions
    // (each channel's contribution is figure 3c of a vector: visitFigures).
    const total = (v: readonly number[]): number =>
      explanation.channels.reduce((acc, _ch, c) => acc + v[3 * c], 0);
    const media = figureInterval(
      explanation.channels.reduce((acc, ch) => acc + ch.contribution, 0),
      figures.map(total),
      modelError,
      scale,
      windows.map(total),
      testShifts.map(total),
      dataWindows.map(total),
      kindRefit ? total(kindRefit) : undefined,
    );
    explanation.caveats.push(...intervalBeyondRevenueCaveats(explanation, media, boot.revenue));
  }
  return explanation;
}

/**
 * The share of the log distance between phase 3's and phase 1's ratio of a weather contrast that
 * widens its intervals, at z (weatherContrasts). Two readings of equal standing d apart on the log
 * scale spread d / 2 about their middle (the standard deviation of a two-point distribution), and
 * phase 1 is the model the weekly folds average phase 3 with. Its reading is left out where phase
 * 1's ROAS is not positive in both states. On an analyst's simulator (probe s74) where spend and
 * temperature share the season, the refits alone made 5 firm claims (95% interval leaving 1), 4
 * of them on the wrong side, and covered 64% / 75% of 36 true ratios; with the term no claim and
 * 69% / 92%; on the built-in 20 and gen_s13 (80 and 78 contrasts) 75% / 90% -> 82% / 94% and 69%
 * / 87% -> 81% / 95%, wrong claims 0 and 1 -> 0 and 0, true effects beyond 1.2x found 23 -> 19
 * and 26 -> 21 (docs/intervals.md "The simpler form's reading").
 */
export const CONTRAST_FORM_FACTOR = 0.5;

/**
 * Each channel's ROAS ratio between a weather column's two extreme states (hot / cold, rain /
 * dry, high / low), with intervals from the same refits' ratios: the 10th-90th and 2.5th-97.5th
 * percentiles of the replicates' ratios (log scale, linear interpolation), no width factor.
 * Each state's own interval holds the uncertainty of the channel's whole level, which moves both
 * states in a refit together: on the built-in 20 meta's hot and cold intervals of a 1.79x true
 * ratio overlapped while the paired ratio's did not. The percentiles alone reached the nominal
 * coverage of the true ratio on the development sets (built-in 20, 80 contrasts: 88% / 95%; shape
 * suite 80% / 89%; gen_s13 79% / 97%) and on the checks run once (gen_s17 85% / 96%; 20 random
 * shape tenants of seed 15020, 134 contrasts, 85% / 96%), where plain-spread and window-widened
 * forms covered more than nominal (docs/intervals.md "Weather contrasts"). Left out: a channel
 * whose ROAS is not positive in either state, or whose refits' ROAS is not positive in both on
 * more than a tenth of them (no ratio to read).
 *
 * With `form` (a phase-3 point: phase 1's figures, formFigures), each end also moves by
 * CONTRAST_FORM_FACTOR times the log distance between the two models' ratios, at z, in quadrature
 * with the refits' distance: the refits redraw the noise around the point's model and so share
 * its form's bias (docs/intervals.md "The simpler form's reading").
 */
export function weatherContrasts(
  e: Explanation,
  figures: readonly (readonly number[])[],
  form?: readonly number[],
): WeatherContrast[] {
  const C = e.channels.length;
  const out: WeatherContrast[] = [];
  const variables = [...new Set(e.weather_states.map((s) => s.variable))];
  for (const variable of variables) {
    const pair = extremeStatePair(e.weather_states, variable);
    if (!pair) continue;
    const [ia, ib] = [pair.high, pair.low];
    e.channels.forEach((ch, c) => {
      const a = e.weather_states[ia].channels[c];
      const b = e.weather_states[ib].channels[c];
      if (a?.channel !== ch.channel || b?.channel !== ch.channel) return;
      if (!(a.roas !== null && a.roas > 0 && b.roas !== null && b.roas > 0)) return;
      // visitFigures order: 3 figures per channel, then 3 per state and channel; ROAS second.
      const roasAt = (s: number): number => 3 * C + 3 * (s * C + c) + 1;
      const logs: number[] = [];
      for (const f of figures) {
        const [x, y] = [f[roasAt(ia)], f[roasAt(ib)]];
        if (x > 0 && y > 0 && Number.isFinite(x / y)) logs.push(Math.log(x / y));
      }
      if (logs.length < Math.max(MIN_REPLICATES, 0.9 * figures.length)) return;
      const q = (p: number): number => Math.exp(quantile(logs, p));
      const ratio = a.roas / b.roas;
      const formRatio = form ? form[roasAt(ia)] / form[roasAt(ib)] : NaN;
      const formDistance =
        form && formRatio > 0 && Number.isFinite(formRatio)
          ? Math.abs(Math.log(formRatio / ratio))
          : 0;
      // Never without its own point, as every figure's interval (figureInterval): where the
      // refits' ratios all sit on one side of it, a percentile interval left it out (probe s70:
      // tv hot / cold 1.74x, 80% 1.13 to 1.67; 7 of 40 contrasts); and, as there, the side
      // without refits takes the other side's distance (on the log scale), not an end at the
      // point (the suite's contrasts: 67% / 82% -> 68% / 84% of the true ratios).
      const around = (lo: number, hi: number): [number, number] => [
        lo > ratio ? (ratio * ratio) / hi : lo,
        hi < ratio ? (ratio * ratio) / lo : hi,
      ];
      // The form term on the log scale, in quadrature with each end's distance from the ratio.
      const widened = ([lo, hi]: [number, number], z: number): [number, number] => {
        const f = CONTRAST_FORM_FACTOR * z * formDistance;
        return [
          ratio * Math.exp(-Math.hypot(Math.log(ratio / lo), f)),
          ratio * Math.exp(Math.hypot(Math.log(hi / ratio), f)),
        ];
      };
      const [z80, z95] = [LEVELS[0].z, LEVELS[1].z];
      out.push({
        channel: ch.channel,
        variable,
        state: e.weather_states[ia].state,
        reference: e.weather_states[ib].state,
        ratio,
        ...nested(widened(around(q(0.1), q(0.9)), z80), widened(around(q(0.025), q(0.975)), z95)),
        ...(form
          ? { phase1_ratio: formRatio > 0 && Number.isFinite(formRatio) ? formRatio : null }
          : {}),
        true_ratio:
          a.true_roas !== null && b.true_roas !== null && a.true_roas > 0 && b.true_roas > 0
            ? a.true_roas / b.true_roas
            : null,
      });
    });
  }
  return out;
}

/**
 * Factors that stretch a control's contribution and effect-per-unit intervals about their points
 * (each end's distance from it), 80% and 95%. A control's coefficient is penalized by the Ridge like every column, so
 * its contribution is shrunk toward 0 by about n / (n + alpha) of its variance (alpha 10-100:
 * the generator's events read a median 0.88-0.96 of their true revenue), and the bootstrap
 * replicates, shrunk alike, centre their interval on the shrunk point: before the stretch the
 * true event revenue was above the 80% interval on 34 of 120 events and below it on 7 (seed
 * 14800, 60 generated event tenants of random shapes: coverage 66% / 91%). The factors are the
 * narrowest that reach the nominal coverage on that development set (docs/intervals.md
 * "Controls' contributions"); the channels' factors are not used for them (chosen on ROAS).
 */
export const CONTROL_STRETCH = { p80: 1.35, p95: 1.09 } as const;

/**
 * An interval stretched about its point by CONTROL_STRETCH, the 95% one made to hold the 80% one
 * (the two factors differ).
 */
export function stretchControlInterval(point: number, iv: FigureInterval): FigureInterval {
  const at = (x: number, f: number): number => point + f * (x - point);
  return nested(
    [at(iv.p80[0], CONTROL_STRETCH.p80), at(iv.p80[1], CONTROL_STRETCH.p80)],
    [at(iv.p95[0], CONTROL_STRETCH.p95), at(iv.p95[1], CONTROL_STRETCH.p95)],
  );
}

/** A sum of money in 3 significant digits with k / M / B (1.55, 36.2M). */
function compactMoney(x: number): string {
  const a = Math.abs(x);
  const [d, u] = a >= 1e9 ? [1e9, 'B'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${Number((x / d).toPrecision(3))}${u}`;
}

/**
 * Channels (and the media total) whose 80% contribution interval reaches above the revenue of
 * the explained rows. A contribution is a part of that revenue: above all of it, the revenue the
 * model expects without any advertising would be negative, which no shop has. An interval that
 * reaches there is not set by what the data say about the channel but by refits that cannot
 * separate the media from the baseline (a trend, a season or a launch the spend follows): the
 * same non-identification media_beyond_revenue names for the point (explain.ts) and the planner
 * for its refits (plan curves.ts), seen in the interval. A weekly 4-channel import: revenue
 * 36.2M, search's contribution 4.86M with an 80% interval [3.6M, 545.7M] (ROAS [1.55, 234.4]),
 * and no caveat said so. The rule: the interval's 80% upper end (the level the faces quote)
 * above the data's revenue, for a channel or for the media total (the same interval rule on the
 * sum of the channels' contributions, refit by refit). Not when media_beyond_revenue is there:
 * the point is beyond already and that caveat says more. docs/intervals.md.
 */
export function intervalBeyondRevenueCaveats(
  e: Explanation,
  media: FigureInterval | null,
  revenue: number,
): Caveat[] {
  if (!(revenue > 0) || e.caveats.some((c) => c.code === 'media_beyond_revenue')) return [];
  const beyond = e.channels
    .filter((ch) => (ch.intervals?.contribution.p80[1] ?? -Infinity) > revenue)
    .map((ch) => ({ name: ch.channel, hi: ch.intervals!.contribution.p80[1] }));
  if (media && e.channels.length > 1 && media.p80[1] > revenue) {
    beyond.push({ name: 'the media together', hi: media.p80[1] });
  }
  if (beyond.length === 0) return [];
  const named = beyond.filter((b) => b.name !== 'the media together').map((b) => b.name);
  const who = named.length === 0 ? 'the channels' : named.join(', ');
  const items = beyond
    .map((b) => `${b.name} up to ${compactMoney(b.hi)} (${(b.hi / revenue).toFixed(1)}x)`)
    .join(', ');
  return [
    {
      code: 'interval_beyond_revenue',
      ...(named.length > 0 ? { channels: named } : {}),
      message: `the 80% contribution interval reaches beyond the whole revenue of the data (${compactMoney(revenue)} over ${e.start}..${e.end}): ${items}. A contribution above all the revenue would leave a negative revenue without advertising, so the upper end is set by refits that cannot separate the media from the baseline (a trend, a season or a launch the spend follows), not by the data: read the upper ends of the contribution, ROAS and marginal ROAS of ${who} as unbounded by the data, and the point and the lower end as possibly too high as well (the same confusion with the baseline lifts the whole interval); a lift test per channel or a longer history with spend that varies on its own can bound them`,
    },
  ];
}

/**
 * Many channels: each channel's ROAS and marginal ROAS pooled with the others' (core/james-stein.ts,
 * Efron & Morris), the variance of the figure over the bootstrap replicates as its noise. The
 * ROAS are pooled on the log scale toward the channels' geometric mean (a ROAS is a ratio: its
 * errors multiply, and on the linear scale one channel's wild figure drew the mean and every pooled
 * figure toward it, a probe's five channels all to 9.66 for truths of 0.90-4.32 after one of 36.6),
 * with the delta method's variance var(log r) = var(r) / r^2; the marginal ROAS, which a
 * saturated channel holds near or below 0, on the linear scale toward their mean. With 4 or more
 * channels the pooled figures have a lower total squared error (on their scale) than the model's
 * own; the model's figures, which add up to its predicted revenue, stay as they are. Channels
 * without spend are left out, and those in `leaveOut` (unpooledChannels: almost no spend or
 * constant spend, whose figures are not measurements), `heldAtZero` (the point model holds their
 * contribution at 0, FinalModel.heldAtZero: their ROAS of 0 means not identified, and in the mean
 * it pulled every other channel toward 0; since INTERVALS_VERSION 20) and those whose ROAS is at
 * or below 0 (no log; since 35). Calibrated models are not pooled (a lift test is better
 * information about its channel than the others' mean).
 */
export function poolRoas(
  e: Explanation,
  figures: readonly (readonly number[])[],
  leaveOut: readonly string[] = [],
  heldAtZero: readonly string[] = [],
): void {
  const out = (name: string): boolean => leaveOut.includes(name) || heldAtZero.includes(name);
  // visitFigures' order: per channel contribution, ROAS, marginal ROAS.
  const marginalPool = e.channels
    .map((_, c) => c)
    .filter((c) => e.channels[c].spend > 0 && !out(e.channels[c].channel));
  const pool = marginalPool.filter((c) => e.channels[c].roas > 0);
  const left = e.channels.filter(
    (ch) => ch.spend > 0 && leaveOut.includes(ch.channel) && !heldAtZero.includes(ch.channel),
  );
  const held = e.channels.filter((ch) => ch.spend > 0 && heldAtZero.includes(ch.channel));
  const negative = e.channels.filter((ch) => ch.spend > 0 && !out(ch.channel) && !(ch.roas > 0));
  const notPooled = [
    ...(left.length > 0
      ? [
          `${left.map((ch) => ch.channel).join(', ')} (almost no spend, or the same spend on every row: ${left.length === 1 ? 'its figures are' : 'their figures are'} not measurements)`,
        ]
      : []),
    ...(held.length > 0
      ? [
          `${held.map((ch) => ch.channel).join(', ')} (held at 0: ${held.length === 1 ? 'its ROAS is' : 'their ROAS are'} not identified, not measured at 0)`,
        ]
      : []),
    ...(negative.length > 0
      ? [
          `${negative.map((ch) => ch.channel).join(', ')}'s ROAS (at or below 0, which the log scale of the pooling cannot take; ${negative.length === 1 ? 'its' : 'their'} marginal ROAS ${negative.length === 1 ? 'is' : 'are'} pooled)`,
        ]
      : []),
  ];
  const replicateColumn = (channels: number[], offset: number) =>
    figures.map((f) => channels.map((c) => f[3 * c + offset]));
  const js = jamesSteinLog(
    pool.map((c) => e.channels[c].roas),
    columnVariances(replicateColumn(pool, 1), pool.length),
  );
  const jm = jamesStein(
    marginalPool.map((c) => e.channels[c].marginal_roas),
    columnVariances(replicateColumn(marginalPool, 2), marginalPool.length),
  );
  if (!jm) return;
  // Fewer than 4 channels with a ROAS above 0 (js null): their marginal ROAS alone are pooled.
  if (js) {
    pool.forEach((c, i) => {
      const ch = e.channels[c];
      ch.pooled_roas = js.shrunk[i];
      ch.pooled_roas_error = ch.truth ? relError(js.shrunk[i], ch.truth.roas) : null;
    });
  }
  marginalPool.forEach((c, i) => {
    const ch = e.channels[c];
    const trueMarginal = ch.truth?.marginal_roas ?? null;
    ch.pooled_marginal_roas = jm.shrunk[i];
    ch.pooled_marginal_roas_error =
      trueMarginal === null ? null : relError(jm.shrunk[i], trueMarginal);
  });
  const roasWords = js
    ? `pooled_roas moves each channel's ROAS ${(js.factor * 100).toFixed(0)}% of the way to their geometric mean ${js.mean.toFixed(2)} on the log scale (a ROAS is a ratio: one channel's wild figure does not draw the others up)`
    : `no pooled_roas (fewer than ${JAMES_STEIN_MIN} channels with a ROAS above 0, which the log scale of the pooling needs)`;
  e.roas_pooling = {
    channels: js ? pool.map((c) => e.channels[c].channel) : [],
    marginal_channels: marginalPool.map((c) => e.channels[c].channel),
    factor: js ? js.factor : null,
    mean_roas: js ? js.mean : null,
    marginal_factor: jm.factor,
    mean_marginal_roas: jm.mean,
    text: `with ${marginalPool.length} channels the spread of their estimates is partly noise: ${roasWords}, pooled_marginal_roas its marginal ROAS ${(jm.factor * 100).toFixed(0)}% of the way to their mean ${jm.mean.toFixed(2)} (James-Stein, the bootstrap refits' variance as the noise), which on average have a lower total squared error than each channel's own figures${js && js.factor >= 1 ? " (all the way: the refits cannot tell these channels' ROAS apart, so the pooled figure keeps no ranking between them; read the channels' own figures for that, with their intervals)" : ''}; the contributions and ROAS above are the model's own and add up to its prediction${notPooled.length > 0 ? `; not pooled: ${notPooled.join('; ')}` : ''}`,
  };
}

const spansZero = (iv: FigureInterval | null | undefined): boolean =>
  iv !== null && iv !== undefined && iv.p95[0] <= 0 && iv.p95[1] >= 0;

/**
 * Every caveat of an explanation in reading order: those about the whole model (the pass bar,
 * the CV's model, and the explanation's own: no_carry_over, low_spend_channel...), then the
 * figures whose interval includes zero.
 */
export function orderedCaveats(e: Explanation, validation: ValidationSummary | null): Caveat[] {
  const computed = explanationCaveats(e, validation);
  const figureCodes = new Set(['interval_spans_zero', 'control_interval_spans_zero']);
  const perFigure = computed.filter((c) => figureCodes.has(c.code));
  return [...computed.filter((c) => !figureCodes.has(c.code)), ...e.caveats, ...perFigure];
}

/** What the explanation's model scored under time-series CV (from the phase's run). */
export type ValidationSummary = NonNullable<Explanation['validation']>;

/**
 * Caveats that must come first in any rendering: a model below the pass bar, and figures whose
 * 95% interval includes zero (one caveat per channel, listing the figures).
 */
export function explanationCaveats(e: Explanation, validation: ValidationSummary | null): Caveat[] {
  const out: Caveat[] = [];
  if (validation === null) {
    out.push({
      code: 'not_validated',
      message: `no cross-validated run of phase ${e.phase} covers this tenant's data: its fold R² is unknown, so these figures are unchecked`,
    });
  } else if (validation.explained_model_r2 !== undefined) {
    // The figures are the explained model's: it is judged by its own fold R², not the mix's.
    if (!(validation.explained_model_r2 >= validation.pass_threshold)) {
      out.push({
        code: 'model_fails_threshold',
        message: `this phase ${e.phase} model fails the pass bar: mean fold R² of this model alone ${validation.explained_model_r2.toFixed(3)} < ${validation.pass_threshold}; its ROAS and contributions are not reliable`,
      });
    }
  } else if (!(validation.mean_r2 >= validation.pass_threshold)) {
    const se = validation.se_r2 === null ? '' : ` ± ${validation.se_r2.toFixed(3)}`;
    out.push({
      code: 'model_fails_threshold',
      message: `this phase ${e.phase} model fails the pass bar: mean fold R² ${validation.mean_r2.toFixed(3)}${se} < ${validation.pass_threshold}; its ROAS and contributions are not reliable`,
    });
  }
  if (
    validation?.explained_model_r2 !== undefined &&
    (forecastWithWeeklyMix(validation.explained_model_forecast_with) ||
      validation.explained_model_r2 < validation.mean_r2 - EXPLAINED_MODEL_CAVEAT_GAP)
  ) {
    // The folds fit the adstock/Hill terms by the same Ridge / GBM / blend rule as the all-rows
    // model, on fewer rows: where a fold took another kind, the figure is of that kind there.
    const kinds = validation.explained_model_fold_models;
    const otherKind =
      kinds !== undefined && kinds.some((k) => k !== e.model_kind)
        ? `, fitted there as ${foldKindsPhrase(kinds)}; this all-rows model is ${modelKindWords(e.model_kind)} (the same Ridge / GBM / blend rule, on all rows)`
        : '';
    out.push({
      code: 'cv_of_another_model',
      message: `the cross-validated mean fold R² ${validation.mean_r2.toFixed(3)} is that of ${validation.explained_model_forecast_with ?? WEEKLY_FORECAST_WITH} (what the folds forecast with); this model alone, whose contributions and ROAS these are, scored ${validation.explained_model_r2.toFixed(3)} on the same folds${otherKind}`,
    });
  }
  for (const ch of e.channels) {
    const figs: string[] = [];
    if (spansZero(ch.intervals?.roas)) figs.push('ROAS');
    if (spansZero(ch.intervals?.marginal_roas)) figs.push('marginal ROAS');
    for (const s of e.weather_states) {
      const row = s.channels.find((c) => c.channel === ch.channel);
      if (spansZero(row?.intervals?.roas)) figs.push(`ROAS in ${s.state}`);
    }
    if (figs.length > 0) {
      out.push({
        code: 'interval_spans_zero',
        channels: [ch.channel],
        message: `${ch.channel}: the 95% interval of ${figs.join(', ')} includes zero: the data cannot tell this effect from none`,
      });
    }
  }
  for (const k of e.controls) {
    // A control counted from its mean sums departures on both sides (near 0 for any linear
    // effect): its effect per unit says whether the data see an effect.
    const fromZero = k.reference === 0;
    if (!spansZero(fromZero ? k.intervals?.contribution : k.intervals?.effect_per_unit)) continue;
    out.push({
      code: 'control_interval_spans_zero',
      message: `control ${k.control}: the 95% interval of its ${fromZero ? 'contribution' : 'effect per unit'} includes zero: the data cannot tell its effect from none`,
    });
  }
  return out;
}
