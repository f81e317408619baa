/**
 * The plan model's out-of-sample level error (src/plan/level-error.ts): the noise of a sum over
 * the horizon against the generator's own noise, the level error against a level shift of known
 * size that no model can forecast, and the interval widened by hand.
 */
import { describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import { SeededRandom } from '../src/core/random.js';
import { seriesPrefix } from '../src/core/folds.js';
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
import { levelErrorWords } from '../src/plan/summary.js';

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
    // 200 days and a 60-day horizon: origins 28 days apart from day 140 down to day 100 (half
    // the rows) are 2, fewer than MIN_LEVEL_ORIGINS.
    const rows = 200;
    const short = seriesPrefix(series, rows);
    expect(Math.floor((rows - 60 - rows / 2) / 28) + 1).toBeLessThan(MIN_LEVEL_ORIGINS);
    expect(horizonLevelError(short, model, 60, keepRidge)).toBeNull();
  });

  it('has origins for a horizon longer than their step, overlapping', () => {
    // 13 weeks' worth of days on the data: origins every 28 days from the last whole horizon.
    const e = horizonLevelError(series, model, 91, keepRidge)!;
    const n = series.dates.length;
    expect(e.origins).toBe(14);
    expect(e.backtests[0].start).toBe(series.dates[n - 91]);
    expect(e.backtests[1].start).toBe(series.dates[n - 91 - 28]);
    // The same season: 1 + round((365 - 91) / 28) = 11 origins back, 91 + 280 = 371 days.
    expect(e.same_season!.start).toBe(series.dates[n - 371]);
  });
});

describe('levelErrorWords', () => {
  const money = (v: number) => `${(v / 1000).toFixed(1)}k`;
  const base = {
    horizon: 28,
    origins: 14,
    bias: 0,
    rmse_observed: 90_000,
    noise_sd: 80_000,
    pooled_sd: 30_700,
    backtests: [],
  };
  const words = (level_error: unknown) =>
    levelErrorWords(
      { level_error } as unknown as Parameters<typeof levelErrorWords>[0],
      money,
      'day',
    );

  it('names the pooled backtests when they set the figure', () => {
    expect(
      words({
        ...base,
        same_season: { start: '2023-12-05', error: -60_000, sd: 10_000 },
        level_sd: 30_700,
      }),
    ).toBe(
      " (with the model's error out of sample: its level off by 30.7k (sd) over 28 days in its 14 backtests over the last year)",
    );
  });

  it('names the same-season backtest when it set the figure, the pooled one beside it', () => {
    // Probe s73 F: the line read "in 14 backtests" over 84.4k that one backtest had set.
    expect(
      words({
        ...base,
        same_season: { start: '2023-12-05', error: -163_000, sd: 141_000 },
        level_sd: 141_000,
      }),
    ).toBe(
      " (with the model's error out of sample: its level off by 141.0k (sd) over 28 days, set by its backtest on the same dates a year before, from 2023-12-05: off by 163.0k, low; its 14 backtests over the last year pooled: 30.7k)",
    );
  });

  it('says when no backtest reaches a year back, and when none could be made', () => {
    expect(words({ ...base, same_season: null, level_sd: 30_700 })).toMatch(
      /in its 14 backtests over the last year; none reaches the same dates a year before\)$/,
    );
    expect(words(null)).toMatch(/^ \(the refits' alone: the data hold too few periods/);
    // Backtests within the noise: not "off by 0 (sd)" (probe s76 M read it as an exact level).
    expect(
      words({
        ...base,
        rmse_observed: 8_265,
        noise_sd: 11_111,
        pooled_sd: 0,
        same_season: { start: '2023-12-05', error: -5_000, sd: 0 },
        level_sd: 0,
      }),
    ).toBe(
      " (the model's error out of sample adds nothing: its 14 backtests over the last year missed over 28 days by 8.3k (root mean square), no more than the revenue's own noise over that span explains (11.1k, sd))",
    );
    expect(words(undefined)).toBe('');
  });
});
