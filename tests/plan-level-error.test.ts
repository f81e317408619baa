/**
 * The plan model's out-of-sample level error (src/plan/level-error.ts): the noise of a sum over
 * the horizon against the generator's own noise, the level error against a level shift of known
 * size that no model can forecast, and the interval widened by hand.
 */
import { describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import { SeededRandom } from '../src/core/random.js';
import type { TenantSeries } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  combineLevelError,
  horizonLevelError,
  MIN_LEVEL_ORIGINS,
  planCurveFit,
  planKeepRidge,
  planPointOf,
} from '../src/plan/index.js';

const H = 28;

function planModel(series: TenantSeries) {
  const phase3 = fitFinalModel(series, 3);
  const keepRidge = planKeepRidge(phase3);
  return {
    model: planCurveFit(series, planPointOf(series, phase3), { keepRidge }).model,
    keepRidge,
  };
}

describe('combineLevelError', () => {
  it('adds z sd to each side in quadrature (by hand)', () => {
    const iv = { p80: [90, 120] as [number, number], p95: [80, 130] as [number, number] };
    const w = combineLevelError(iv, 100, 10);
    // 80%: z = 1.28155; below sqrt(10² + 12.8155²) = 16.2556, above sqrt(20² + 12.8155²) = 23.7536.
    expect(w.p80[0]).toBeCloseTo(100 - 16.2556, 3);
    expect(w.p80[1]).toBeCloseTo(100 + 23.7536, 3);
    // 95%: z = 1.95996; below sqrt(20² + 19.5996²) = 28.0025, above sqrt(30² + 19.5996²) = 35.8346.
    expect(w.p95[0]).toBeCloseTo(100 - 28.0025, 3);
    expect(w.p95[1]).toBeCloseTo(100 + 35.8346, 3);
    // No level error: the interval as it was.
    expect(combineLevelError(iv, 100, 0)).toEqual(iv);
  });
});

describe('horizonLevelError', () => {
  const t = generateTenant('none_books');
  const series = t.series;
  const { model, keepRidge } = planModel(series);

  it("measures the noise of a sum over the horizon as the generator's noise", () => {
    const e = horizonLevelError(series, model, H, keepRidge)!;
    expect(e.origins).toBe(Math.ceil(365 / H));
    // The generator's noise: y = expected exp(sd z - sd²/2), independent per day, so a sum over
    // H days has variance H mean(expected²) (exp(sd²) - 1) (the mean over the data's days).
    const sd = t.truth.noiseSd;
    let m2 = 0;
    for (const v of t.truth.expected) m2 += v * v;
    m2 /= t.truth.expected.length;
    const truthNoise = Math.sqrt(H * m2 * (Math.exp(sd * sd) - 1));
    expect(Math.abs(e.noise_sd / truthNoise - 1)).toBeLessThan(0.1);
    expect(e.rmse_observed).toBeGreaterThan(0);
    // The same season: the backtest of the 28 days 364 days before the plan's (whose first day is
    // the day after the data), its level error alone by hand, and the larger of the two used.
    const n = series.dates.length;
    const same = e.same_season!;
    expect(same.start).toBe(series.dates[n - 364]);
    expect(e.backtests.find((b) => b.start === same.start)!.error).toBe(same.error);
    expect(same.sd).toBeCloseTo(Math.sqrt(Math.max(0, same.error ** 2 - e.noise_sd ** 2)), 6);
    expect(e.level_sd).toBe(Math.max(e.pooled_sd, same.sd));
    const mse = e.backtests.reduce((a, b) => a + b.error ** 2, 0) / e.origins;
    expect(e.pooled_sd).toBeCloseTo(Math.sqrt(Math.max(0, mse - e.noise_sd ** 2)), 6);
  });

  it('finds a level that moves by a known amount every horizon, which no model forecasts', () => {
    // Revenue moved by a constant d_b per block of H days at the data's end (blocks aligned to the
    // backtest origins), d_b ~ N(0, D²): each origin's error over its block gains H d_b, so the
    // level error is about H D (14 draws: within 35%), where the series without it has far less.
    const D = 2500;
    const rng = new SeededRandom(7);
    const n = series.target.length;
    const target = Float64Array.from(series.target);
    for (let end = n; end - H >= 0; end -= H) {
      const d = D * rng.normal();
      for (let i = end - H; i < end; i++) target[i] += d;
    }
    const shifted = { ...series, target };
    const before = horizonLevelError(series, model, H, keepRidge)!;
    const e = horizonLevelError(shifted, planModel(shifted).model, H, keepRidge)!;
    expect(before.pooled_sd).toBeLessThan(0.5 * H * D);
    expect(e.pooled_sd / (H * D)).toBeGreaterThan(0.65);
    expect(e.pooled_sd / (H * D)).toBeLessThan(1.35);
  });

  it('is not measured on data too short for its origins', () => {
    // Half the rows of a 1.2-year history hold fewer than MIN_LEVEL_ORIGINS horizons of 100 days.
    const rows = 440;
    const short: TenantSeries = {
      ...series,
      dates: series.dates.slice(0, rows),
      spend: series.spend.map((x) => x.slice(0, rows)),
      weather: series.weather.map((x) => x.slice(0, rows)),
      controls: series.controls.map((x) => x.slice(0, rows)),
      target: series.target.slice(0, rows),
    };
    expect(Math.floor(rows / 2 / 100)).toBeLessThan(MIN_LEVEL_ORIGINS);
    expect(horizonLevelError(short, planModel(short).model, 100, keepRidge)).toBeNull();
  });
});
