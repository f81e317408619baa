/**
 * Naive forecasts a model must beat on each test fold. Each uses only the fold's training rows
 * for anything fitted; the seasonal naive forecast reads the actual value one season back, which
 * is what a naive forecaster with yesterday's books would do.
 */
import type { Fold } from './folds.js';
import { fitRidge, predictRidge } from './ridge.js';
import type { Frequency, TenantSeries } from './types.js';

export const BASELINE_NAMES = [
  'training_mean',
  'same_weekday_last_week',
  'spend_only_linear',
] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

function trainingMean(y: ArrayLike<number>, fold: Fold): number {
  let s = 0;
  for (let t = 0; t < fold.trainEnd; t++) s += y[t];
  return s / fold.trainEnd;
}

/** Training-mean forecast: yhat_t = mean(y[0, trainEnd)) for every test row. */
export function trainingMeanForecast(y: ArrayLike<number>, fold: Fold): Float64Array {
  return new Float64Array(fold.testEnd - fold.testStart).fill(trainingMean(y, fold));
}

/**
 * How a baseline reads in text. The seasonal naive one is "same weekday last week" on daily data
 * and "last week" on weekly data (its key stays `same_weekday_last_week` in results).
 */
export function baselineLabel(name: BaselineName, frequency: Frequency): string {
  if (name === 'same_weekday_last_week')
    return frequency === 'daily' ? 'same weekday last week' : 'last week';
  return name === 'training_mean' ? 'training mean' : 'spend-only linear model';
}

/** Season length of the seasonal naive forecast: 7 for daily data (same weekday), 1 for weekly. */
export function seasonalLag(frequency: Frequency): number {
  return frequency === 'daily' ? 7 : 1;
}

/**
 * Seasonal naive forecast yhat_t = y_(t - lag) (lag 7 on daily data: same weekday last week),
 * using the actual lagged value; rows with t - lag < 0 fall back to the training mean.
 */
export function seasonalNaiveForecast(y: ArrayLike<number>, fold: Fold, lag: number): Float64Array {
  if (!(Number.isInteger(lag) && lag >= 1))
    throw new RangeError(`lag must be an integer >= 1 (got ${lag})`);
  const out = new Float64Array(fold.testEnd - fold.testStart);
  const fallback = trainingMean(y, fold);
  for (let t = fold.testStart, i = 0; t < fold.testEnd; t++, i++)
    out[i] = t - lag >= 0 ? y[t - lag] : fallback;
  return out;
}

/** Spend-only linear forecast: standardized Ridge (alpha 1 by default) on the spend columns, fitted on the training rows. */
export function spendOnlyForecast(
  spend: readonly Float64Array[],
  y: ArrayLike<number>,
  fold: Fold,
  alpha = 1,
): Float64Array {
  if (spend.length === 0) return trainingMeanForecast(y, fold);
  const model = fitRidge(spend, y, { start: 0, end: fold.trainEnd }, alpha);
  return predictRidge(model, spend, { start: fold.testStart, end: fold.testEnd });
}

/** All baseline forecasts of one fold's test rows. */
export function baselineForecasts(
  series: TenantSeries,
  fold: Fold,
): Record<BaselineName, Float64Array> {
  const y = series.target;
  return {
    training_mean: trainingMeanForecast(y, fold),
    same_weekday_last_week: seasonalNaiveForecast(y, fold, seasonalLag(series.frequency)),
    spend_only_linear: spendOnlyForecast(series.spend, y, fold),
  };
}
