/**
 * The model's error in the level of revenue over a horizon, out of sample: what the refits cannot
 * show. The plan's intervals come from refits of the model on the same rows (replicates.ts): they
 * carry the estimator's sampling noise, not its error when it forecasts days it has not seen (a
 * trend held flat while revenue grows, a holiday peak the yearly terms smooth). Measured on the
 * built-in tenants (bench/plan-forecast.ts: 28 days cut off at four points of the year and planned
 * with their actual weather and spend), the refits' 80% interval of the plan's expected revenue
 * held the truth on 31 of 80 and the 95% interval on 47 of 80.
 *
 * The estimate, from the data the plan is made on (no later row): at origins o_j = n - H - (j - 1)
 * step (j = 1..14 over the last year, none before half the rows; step about four weeks: 28 days, 4
 * weeks; longer horizons overlap), the plan model's design and curves are fitted on rows [0, o_j)
 * and predict the H rows after o_j with their actual spend, weather and controls; e_j = sum of
 * predictions - sum of observed revenue over those rows. The observed sums carry the noise of
 * revenue about its expectation, which the expected revenue's interval must not: v_noise = H s²,
 * with s² half the mean squared difference of the all-rows model's consecutive residuals (white
 * noise per period; a slow misfit cancels in the differences and stays in the level error, where
 * it belongs; the residuals' sums over blocks of H rows hold it, and left extreme_ski_gear no
 * level error at all). Pooled: v = max(0, mean e_j² - v_noise), a bias shared by the origins
 * included. The level error depends on the season (a retail holiday the yearly terms smooth is
 * missed every December), so the backtest of the same dates a year before the plan's counts too:
 * the level error is the larger of the pooled one and that backtest's own, sqrt(max(0, e² -
 * v_noise)). The interval adds its normal quantiles in quadrature to the refits' half widths
 * (combineLevelError). The curves are the plan model's (fitted on all rows): the backtests
 * measure the level (base, trend, season, weather terms and coefficients refitted), not the
 * curves' own error, which the refits carry. A plan calibrated with lift tests: the backtests
 * refit its coefficients on the data alone (the tests move the media, not the level).
 */
import type { TenantSeries } from '../core/types.js';
import { rethrowCancelled } from '../core/cancel.js';
import { periodsPerYear, seriesPrefix } from '../core/folds.js';
import { fitFinalModel, predictFinal, type FinalModel } from '../phases/final.js';
import type { FigureInterval } from '../phases/types.js';
import { PLAN_MODEL_FIT } from './curves.js';

/** Fewest origins for an estimate (fewer: no level error is added, and the plan says so). */
export const MIN_LEVEL_ORIGINS = 4;

export interface LevelError {
  /** Periods summed (the plan's horizon). */
  horizon: number;
  /** Origins fitted and scored. */
  origins: number;
  /** Mean of e_j (prediction minus observed, currency over the horizon). */
  bias: number;
  /** sqrt(mean e_j²). */
  rmse_observed: number;
  /** sqrt(v_noise): the noise of an observed sum over the horizon. */
  noise_sd: number;
  /** sqrt(max(0, mean e_j² - v_noise)): the level error pooled over the year's origins. */
  pooled_sd: number;
  /**
   * The backtest of the same dates a year before the plan's (its first period a year before the
   * horizon's), and its level error alone, sqrt(max(0, e² - v_noise)); null when the data do
   * not reach back so far.
   */
  same_season: { start: string; error: number; sd: number } | null;
  /** The level error's standard deviation over the horizon: the larger of the two above. */
  level_sd: number;
  /** Each backtest: the first period it forecast and its error e_j (newest first). */
  backtests: { start: string; error: number }[];
}

function sumRange(x: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i];
  return s;
}

/** A year in this many steps between origins: about four weeks each (28 days, 4 weeks). */
const STEPS_PER_YEAR = 13;

/**
 * The level error of `model` (a phase-3 model with its curves: the plan model) over `horizon`
 * periods, or null when the data hold fewer than MIN_LEVEL_ORIGINS origins (module comment).
 */
export function horizonLevelError(
  series: TenantSeries,
  model: FinalModel,
  horizon: number,
  keepRidge?: string,
): LevelError | null {
  const n = series.target.length;
  const H = horizon;
  if (!(H >= 1) || !model.channelParams) return null;
  const year = periodsPerYear(series.frequency);
  // Origins about four weeks apart over a year back from the last whole horizon in the data (a
  // 7-day plan does not pay for 53 fits; a horizon longer than the step overlaps its neighbours',
  // which a 13-week plan on two years of weeks needs to have origins at all); the origin
  // `sameSeason` steps back forecast the same dates a year before the plan's.
  const step = Math.max(1, Math.round(year / STEPS_PER_YEAR));
  const J = Math.ceil(year / step);
  const sameSeason = H <= year ? 1 + Math.round((year - H) / step) : 0;
  const errors: number[] = [];
  const starts: string[] = [];
  let seasonal: { start: string; error: number } | null = null;
  for (let j = 1; j <= J; j++) {
    const o = n - H - (j - 1) * step;
    if (o < n / 2) break;
    let fit: FinalModel;
    try {
      fit = fitFinalModel(seriesPrefix(series, o), 3, {
        calendar: model.calendar,
        channelParams: model.channelParams,
        ...PLAN_MODEL_FIT,
        // The plan model's Ridge form at every origin, without the Ridge / GBM choice (a GBM
        // trained per origin cost 0.3 s of the 0.34 s per call on extreme_ski_gear).
        keepRidge: keepRidge ?? 'the level error of the plan model (its Ridge form)',
      });
    } catch (e) {
      // An origin whose rows cannot be fitted (a column constant on them, say) is left out.
      rethrowCancelled(e);
      continue;
    }
    const pred = predictFinal(fit, seriesPrefix(series, o + H));
    const error = sumRange(pred, o, o + H) - sumRange(series.target, o, o + H);
    errors.push(error);
    starts.push(series.dates[o]);
    if (j === sameSeason) seasonal = { start: series.dates[o], error };
  }
  if (errors.length < MIN_LEVEL_ORIGINS) return null;
  // The noise of one period: half the mean squared difference of consecutive residuals (a misfit
  // that moves slowly, such as a season the yearly terms smooth, cancels in the differences and
  // stays in the level error), times H periods for their sum.
  const fitted = predictFinal(model, series);
  let d2 = 0;
  for (let t = 1; t < n; t++) {
    const d = series.target[t] - fitted[t] - (series.target[t - 1] - fitted[t - 1]);
    d2 += d * d;
  }
  const noise = n > 1 ? (H * d2) / (2 * (n - 1)) : 0;
  const mse = errors.reduce((a, e) => a + e * e, 0) / errors.length;
  const pooled = Math.sqrt(Math.max(0, mse - noise));
  const seasonSd = seasonal ? Math.sqrt(Math.max(0, seasonal.error ** 2 - noise)) : null;
  return {
    horizon: H,
    origins: errors.length,
    bias: errors.reduce((a, e) => a + e, 0) / errors.length,
    rmse_observed: Math.sqrt(mse),
    noise_sd: Math.sqrt(noise),
    pooled_sd: pooled,
    same_season: seasonal && seasonSd !== null ? { ...seasonal, sd: seasonSd } : null,
    level_sd: Math.max(pooled, seasonSd ?? 0),
    backtests: errors.map((error, j) => ({ start: starts[j], error })),
  };
}

/** Two-sided normal quantiles of the 80% and 95% intervals. */
const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;

/**
 * The interval `iv` of a figure whose point is `point`, widened by an independent level error of
 * standard deviation `sd`: each side's distance from the point and z sd added in quadrature.
 */
export function combineLevelError(iv: FigureInterval, point: number, sd: number): FigureInterval {
  const side = (lo: number, hi: number, z: number): [number, number] => [
    point - Math.hypot(point - lo, z * sd),
    point + Math.hypot(hi - point, z * sd),
  ];
  return { p80: side(iv.p80[0], iv.p80[1], Z80), p95: side(iv.p95[0], iv.p95[1], Z95) };
}
