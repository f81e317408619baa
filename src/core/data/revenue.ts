/** Revenue of the DGP: weather-scaled baseline plus weather-modulated adstock/Hill media effects, and noise calibration. */

import type { Fold } from '../folds.js';
import type { SeededRandom } from '../random.js';
import {
  delayedAdstockWeights,
  exponentialSaturation,
  geometricAdstock,
  hillSaturation,
  lagConvolve,
  logisticSaturation,
} from '../transforms.js';
import type { DailyCalendar } from './calendar.js';
import { yearPhase } from './calendar.js';

export interface BaselinePlan {
  /** Revenue level without media, USD/day. */
  level: number;
  /** Linear growth per year (0.1 = +10 % a year). */
  growth: number;
  /** Multiplier per weekday (0 = Sunday), mean 1. */
  weekday: number[];
  /** Yearly seasonality amplitude and its peak day of year. */
  seasonalAmp: number;
  seasonalPeak: number;
  /** Holiday lift of the late-November..December season. */
  holidayLift: number;
}

/** Draws a baseline plan (level 20k-60k USD/day, growth -2..+15 %/year, weekend-heavy week). */
export function drawBaselinePlan(rng: SeededRandom): BaselinePlan {
  const shape = [1.08, 0.94, 0.95, 0.97, 1.0, 1.05, 1.12];
  const raw = shape.map((v) => v * (1 + rng.uniform(-0.03, 0.03)));
  const mean = raw.reduce((a, b) => a + b, 0) / 7;
  return {
    level: rng.uniform(20_000, 60_000),
    growth: rng.uniform(-0.02, 0.15),
    weekday: raw.map((v) => v / mean),
    seasonalAmp: rng.uniform(0.02, 0.06),
    seasonalPeak: rng.uniform(0, 365),
    holidayLift: rng.uniform(0.04, 0.1),
  };
}

/**
 * Holiday shape in [0, 1]: exp(-((doy - 345)/18)^2 / 2), a broad late-November..December season
 * (broad enough for yearly Fourier terms to capture much of it; a narrow spike would be unlearnable
 * without holiday dummies).
 */
export function holidayShape(dayOfYear: number): number {
  const a = (dayOfYear - 345) / 18;
  return Math.exp(-0.5 * a * a);
}

/**
 * Non-media expected revenue: level (1 + growth t/365.25) weekday_d (1 + amp cos(2 pi (doy - peak)/365.25))
 * (1 + lift holiday(doy)) x (1 + A x driver_t).
 */
export function baselineRevenue(
  plan: BaselinePlan,
  cal: DailyCalendar,
  weatherAmplitude: number,
  driverIndex: ArrayLike<number>,
): Float64Array {
  const n = cal.dayOfYear.length;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const doy = cal.dayOfYear[t];
    out[t] =
      plan.level *
      (1 + (plan.growth * t) / 365.25) *
      plan.weekday[cal.dayOfWeek[t]] *
      (1 + plan.seasonalAmp * Math.cos(yearPhase(doy, plan.seasonalPeak))) *
      (1 + plan.holidayLift * holidayShape(doy)) *
      (1 + weatherAmplitude * driverIndex[t]);
  }
  return out;
}

/** Carry-over forms of the DGP: the built-in tenants use geometric; shape tenants may use delayed (Jin et al.). */
export type AdstockForm = 'geometric' | 'delayed';
/** Saturation forms of the DGP: the built-in tenants use Hill; shape tenants may use the others. */
export type SaturationForm = 'hill' | 'logistic' | 'exponential';

export interface MediaParams {
  /** Geometric: a_t = x_t + decay a_(t-1). Delayed: the decay of the lag weights decay^((l - theta)^2). */
  decay: number;
  /** Saturation scale k: Hill half-saturation point, logistic inflection point, exponential 1 - e^(-x/k). */
  hillK: number;
  /** Saturation shape: Hill exponent, logistic steepness; 1 (unused) for exponential. */
  hillS: number;
  beta: number;
  gamma: number;
  /** Carry-over form; absent means geometric (the built-in tenants). */
  adstock?: AdstockForm;
  /** Delayed adstock: lag of the peak effect, in days. */
  theta?: number;
  /** Delayed adstock: longest lag, in days. */
  maxLag?: number;
  /** Saturation form; absent means Hill (the built-in tenants). */
  saturation?: SaturationForm;
}

/** Adstocked spend of a channel under its carry-over form (daily rows). */
export function adstockOf(p: MediaParams, spend: ArrayLike<number>): Float64Array {
  if ((p.adstock ?? 'geometric') === 'geometric') return geometricAdstock(spend, p.decay);
  return lagConvolve(spend, delayedAdstockWeights(p.decay, p.theta ?? 0, p.maxLag ?? 0));
}

/** Adstock of a sustained constant spend x, divided by x: 1 / (1 - decay) for geometric, 1 for delayed (normalized). */
export function steadyStateGain(p: MediaParams): number {
  return (p.adstock ?? 'geometric') === 'geometric' ? 1 / (1 - p.decay) : 1;
}

/** Saturation of one adstocked value under the channel's form, in [0, 1). */
export function saturate(p: MediaParams, a: number): number {
  switch (p.saturation ?? 'hill') {
    case 'hill':
      return a <= 0 ? 0 : Math.pow(a / p.hillK, p.hillS) / (1 + Math.pow(a / p.hillK, p.hillS));
    case 'exponential':
      return exponentialSaturation(a, p.hillK);
    case 'logistic':
      return logisticSaturation(a, p.hillK, p.hillS);
  }
}

/**
 * Media effect of one channel per row: beta (1 + gamma driver_t) Hill(adstock(spend; decay)_t; k, s),
 * with the unnormalized geometric adstock a_t = x_t + decay a_(t-1), or the channel's other carry-over
 * and saturation forms when set (shape tenants). Causal: row t uses spend 0..t only.
 */
export function mediaEffect(
  p: MediaParams,
  spend: ArrayLike<number>,
  driverIndex: ArrayLike<number>,
  out: Float64Array = new Float64Array(spend.length),
): Float64Array {
  if (p.adstock === undefined && p.saturation === undefined) {
    // The built-in tenants' path, kept exactly as it was so their data stays byte-identical.
    hillSaturation(geometricAdstock(spend, p.decay), p.hillK, p.hillS, out);
  } else {
    const adstocked = adstockOf(p, spend);
    for (let t = 0; t < out.length; t++) out[t] = saturate(p, adstocked[t]);
  }
  for (let t = 0; t < out.length; t++) out[t] *= p.beta * (1 + p.gamma * driverIndex[t]);
  return out;
}

/** Expected revenue: non-media baseline + sum over channels of mediaEffect. */
export function expectedRevenue(
  nonMedia: ArrayLike<number>,
  media: readonly MediaParams[],
  spend: readonly ArrayLike<number>[],
  driverIndex: ArrayLike<number>,
): Float64Array {
  const n = nonMedia.length;
  const out = Float64Array.from(nonMedia);
  const tmp = new Float64Array(n);
  for (let c = 0; c < media.length; c++) {
    mediaEffect(media[c], spend[c], driverIndex, tmp);
    for (let t = 0; t < n; t++) out[t] += tmp[t];
  }
  return out;
}

/** Coefficient of determination 1 - sum (y - yhat)^2 / sum (y - mean y)^2 over rows [from, to). */
export function rSquared(
  y: ArrayLike<number>,
  yhat: ArrayLike<number>,
  from = 0,
  to = y.length,
): number {
  let mean = 0;
  for (let t = from; t < to; t++) mean += y[t];
  mean /= to - from;
  let ssRes = 0;
  let ssTot = 0;
  for (let t = from; t < to; t++) {
    const r = y[t] - yhat[t];
    const d = y[t] - mean;
    ssRes += r * r;
    ssTot += d * d;
  }
  return 1 - ssRes / ssTot;
}

/** Observed revenue y_t = expected_t exp(sd z_t - sd^2/2) (mean-preserving lognormal noise), rounded to cents when asked. */
export function applyNoise(
  expected: ArrayLike<number>,
  shocks: ArrayLike<number>,
  sd: number,
  roundCents: boolean,
  out: Float64Array = new Float64Array(expected.length),
): Float64Array {
  const shift = (sd * sd) / 2;
  for (let t = 0; t < out.length; t++) {
    const v = expected[t] * Math.exp(sd * shocks[t] - shift);
    out[t] = roundCents ? Math.round(v * 100) / 100 : v;
  }
  return out;
}

/** Mean over folds of the R² of `expected` against `observed` on each fold's test rows. */
export function foldMeanR2(
  observed: ArrayLike<number>,
  expected: ArrayLike<number>,
  folds: readonly Fold[],
): number {
  let s = 0;
  for (const f of folds) s += rSquared(observed, expected, f.testStart, f.testEnd);
  return s / folds.length;
}

/**
 * Noise sd whose fold-mean oracle R² equals `target`: root of R²(sd) - target on sd in [0, 2] by the Illinois
 * variant of regula falsi (R² falls monotonically as the fixed shocks are scaled up; ~10 evaluations).
 */
export function calibrateNoiseSd(
  expected: Float64Array,
  shocks: Float64Array,
  folds: readonly Fold[],
  target: number,
): number {
  const buf = new Float64Array(expected.length);
  const f = (sd: number): number =>
    foldMeanR2(applyNoise(expected, shocks, sd, false, buf), expected, folds) - target;
  let a = 0;
  let fa = 1 - target;
  let b = 2;
  let fb = f(b);
  if (fb > 0) return b;
  let side = 0;
  for (let i = 0; i < 100; i++) {
    const c = (a * fb - b * fa) / (fb - fa);
    const fc = f(c);
    if (Math.abs(fc) < 1e-10 || b - a < 1e-12) return c;
    if (fc > 0) {
      a = c;
      fa = fc;
      if (side === -1) fb /= 2;
      side = -1;
    } else {
      b = c;
      fb = fc;
      if (side === 1) fa /= 2;
      side = 1;
    }
  }
  return (a + b) / 2;
}
