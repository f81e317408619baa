/** Phases 0/1: design columns, result assembly, options validation, oracle, determinism. */
import { describe, expect, it } from 'vitest';
import { BASELINE_NAMES } from '../src/core/baselines.js';
import { buildDesign, calendarColumns, dayOfWeek, dayOfYear } from '../src/core/features.js';
import { rmse } from '../src/core/metrics.js';
import { trainLinearPhase } from '../src/phases/linear.js';
import { assembleTenantResult } from '../src/phases/result.js';
import type { TenantSeries } from '../src/core/types.js';
import { loadPeerTenant } from './fixtures/peer/load.js';

const series = loadPeerTenant('peer_strong');

describe('design', () => {
  it("phase 1 columns in the peer's order with the peer's names", () => {
    const d = buildDesign(series, { interactions: true });
    const w = ['temperature_c', 'precipitation_mm', 'humidity_pct'];
    expect(d.names).toEqual([
      'meta_spend',
      'google_spend',
      ...w,
      ...w.map((x) => `meta_spend_x_${x}`),
      ...w.map((x) => `google_spend_x_${x}`),
      ...w.map((x) => `${x}_squared`),
      'dow_1',
      'dow_2',
      'dow_3',
      'dow_4',
      'dow_5',
      'dow_6',
      'sin1',
      'cos1',
      'sin2',
      'cos2',
      'trend',
    ]);
    const t = 10;
    expect(d.columns[d.names.indexOf('google_spend_x_humidity_pct')][t]).toBe(
      series.spend[1][t] * series.weather[series.weatherNames.indexOf('humidity_pct')][t],
    );
    expect(buildDesign(series, { interactions: false, calendar: false }).names).toEqual([
      'meta_spend',
      'google_spend',
      ...w,
    ]);
  });

  it('weekday and day of the year agree with the UTC calendar over four centuries; impossible dates throw', () => {
    // Independent: Date.UTC's calendar, every 37th day from 1899 (1900 and 2100 are not leap
    // years, 2000 is) to 2301.
    const DAY_MS = 86_400_000;
    const from = Date.UTC(1899, 0, 1);
    for (let ms = from; ms < Date.UTC(2301, 0, 1); ms += 37 * DAY_MS) {
      const d = new Date(ms);
      const iso = d.toISOString().slice(0, 10);
      expect(dayOfWeek(iso), iso).toBe((d.getUTCDay() + 6) % 7);
      expect(dayOfYear(iso), iso).toBe((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS + 1);
    }
    for (const bad of ['2023-02-29', '2023-04-31', '2024-13-01', '2024-1-01', '2024-01-01x']) {
      expect(() => dayOfWeek(bad), bad).toThrow(`date must be YYYY-MM-DD (got "${bad}")`);
      expect(() => dayOfYear(bad), bad).toThrow(RangeError);
    }
  });

  it('calendar columns by hand', () => {
    expect(dayOfWeek('2022-01-01')).toBe(5); // a Saturday; pandas Monday = 0
    expect(dayOfWeek('2024-02-29')).toBe(3); // a Thursday
    expect(dayOfYear('2024-12-31')).toBe(366);
    expect(dayOfYear('2023-03-01')).toBe(60);
    const cal = calendarColumns(['2022-01-01', '2022-01-03', '2022-01-04'], true);
    expect(Array.from(cal.columns[cal.names.indexOf('dow_5')])).toEqual([1, 0, 0]);
    expect(Array.from(cal.columns[cal.names.indexOf('dow_1')])).toEqual([0, 0, 1]);
    expect(cal.columns[cal.names.indexOf('sin1')][0]).toBeCloseTo(
      Math.sin((2 * Math.PI) / 365.25),
      15,
    );
    expect(cal.columns[cal.names.indexOf('cos2')][1]).toBeCloseTo(
      Math.cos((2 * Math.PI * 2 * 3) / 365.25),
      15,
    );
    expect(Array.from(cal.columns[cal.names.indexOf('trend')])).toEqual([0, 1 / 3, 2 / 3]);
    expect(calendarColumns(['2022-01-01'], false).names).toEqual([
      'sin1',
      'cos1',
      'sin2',
      'cos2',
      'trend',
    ]);
  });

  it('calendar columns of the same dates again: fresh copies of the same values', () => {
    const dates = ['2022-01-01', '2022-01-03', '2022-01-04', '2022-01-05'];
    const first = calendarColumns(dates, true);
    const again = calendarColumns(dates, true);
    expect(again).toEqual(first);
    again.columns[again.names.indexOf('trend')][1] = 99; // a caller may write (rescaleTrend)
    expect(calendarColumns(dates, true).columns[first.names.indexOf('trend')][1]).toBe(1 / 4);
    expect(calendarColumns(dates, false).names).not.toContain('dow_1');
    // An array grown in place is a new calendar (trend t / n of its own length).
    dates.push('2022-01-06');
    expect(Array.from(calendarColumns(dates, true).columns[first.names.indexOf('trend')])).toEqual(
      [0, 1, 2, 3, 4].map((t) => t / 5),
    );
  });

  it('weekly data skips day-of-week dummies unless asked; unknown weather is an error', () => {
    const weekly: TenantSeries = { ...series, frequency: 'weekly' };
    expect(buildDesign(weekly, { interactions: false }).names).not.toContain('dow_1');
    expect(buildDesign(weekly, { interactions: false, dayOfWeek: 'always' }).names).toContain(
      'dow_1',
    );
    expect(() => buildDesign(series, { interactions: false, weather: ['snow_cm'] })).toThrow(
      /snow_cm/,
    );
  });
});

describe('trainLinearPhase', () => {
  it('fills every field consistently', () => {
    const res = trainLinearPhase(series, { phase: 1 });
    expect(res.phase).toBe(1);
    expect(res.model_kind).toBe('ridge');
    expect(res.folds).toHaveLength(4);
    expect(res.top_features).toBeNull();
    expect(res.oracle_r2).toBeNull();
    // 25 design columns + 4 temperature hinges (daily fold models, temperature-hinges.test.ts).
    expect(res.feature_names).toHaveLength(29);
    const f = res.folds[0];
    // Three daily years of a tenant that is not built-in: TimeSeriesSplit(5)'s 182-row blocks
    // over 4 folds, so that the first window has a year (367 rows; core/folds.ts chooseProtocol).
    expect([f.train_rows, f.test_rows, f.test_start, f.test_end]).toEqual([
      367,
      182,
      '2023-01-03',
      '2023-07-03',
    ]);
    expect(f.model).toBe('ridge');
    expect([f.blend_weight, f.reason, f.gbm_trees, f.channel_params]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(res.alphas.every((a) => [0.01, 0.1, 1, 10, 100].includes(a as number))).toBe(true);
    // The model's RMSE is recomputable from the fold values.
    expect(res.rmse).toBeCloseTo(res.folds.reduce((s, x) => s + x.rmse, 0) / res.folds.length, 12);
    for (const b of BASELINE_NAMES) {
      expect(res.baselines[b].error_ratio).toBeCloseTo(res.baselines[b].rmse / res.rmse, 12);
    }
    expect(res.passes).toBe(res.mean_r2 >= 0.5);
    expect(res.train_r2).toBeGreaterThan(res.mean_r2); // in-sample fit beats out-of-sample here
  });

  it('oracle R² per fold and the gap', () => {
    const expected = Float64Array.from(series.target, (v, t) => v + (t % 2 ? 100 : -100));
    const res = trainLinearPhase(series, { phase: 0, oracle: { expected } });
    const f = res.folds[1];
    const actual = series.target.subarray(549, 731);
    const ss = actual.reduce((s, v) => s + (v - actual.reduce((a, b) => a + b, 0) / 182) ** 2, 0);
    expect(f.oracle_r2).toBeCloseTo(1 - (182 * 100 * 100) / ss, 12);
    expect(res.oracle_gap).toBeCloseTo(res.mean_r2 - (res.oracle_r2 as number), 15);
  });

  it('is deterministic (same input, same JSON)', () => {
    const a = trainLinearPhase(series, { phase: 1, clock: () => 0 });
    const b = trainLinearPhase(series, { phase: 1, clock: () => 0 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('rejects bad options with clear messages', () => {
    expect(() => trainLinearPhase(series, { phase: 2 as unknown as 0 })).toThrow(
      /phase must be 0 or 1/,
    );
    expect(() => trainLinearPhase(series, { phase: 0, folds: 1 })).toThrow(
      /folds must be an integer >= 2/,
    );
    // Folds are at most: the data holds fewer, and the protocol says so.
    const few = trainLinearPhase(series, { phase: 0, folds: 2000 }).protocol!;
    expect(few.folds).toBeLessThan(2000);
    expect(few.reason).toMatch(/2000 folds asked/);
    expect(() => trainLinearPhase(series, { phase: 0, minTrain: series.target.length })).toThrow(
      /too few for an honest time-series validation/,
    );
    expect(() => trainLinearPhase(series, { phase: 1, alphas: [] })).toThrow(/alpha grid is empty/);
    expect(() => trainLinearPhase(series, { phase: 1, alphas: [-1] })).toThrow(/alpha must be/);
    expect(() => trainLinearPhase(series, { phase: 1, parity: true, gap: 3 })).toThrow(
      /parity mode/,
    );
    expect(() => trainLinearPhase(series, { phase: 1, innerFolds: 1 })).toThrow(
      /innerFolds must be/,
    );
    expect(() =>
      trainLinearPhase(series, { phase: 0, oracle: { expected: new Float64Array(3) } }),
    ).toThrow(/oracle expected has 3 rows/);
  });
});

describe('assembleTenantResult', () => {
  it('computes checks and failure messages from predictions', () => {
    // Tiny series: 12 rows, 3 folds of 3 test rows; predictions off by a known amount.
    const n = 12;
    const y = Float64Array.from({ length: n }, (_, t) => 100 + 10 * (t % 3));
    const s: TenantSeries = {
      ...series,
      tenant: 'tiny',
      dates: Array.from({ length: n }, (_, t) => `2022-01-${String(t + 1).padStart(2, '0')}`),
      target: y,
    };
    const folds = [0, 1, 2].map((i) => ({
      index: i,
      trainEnd: 3 + 3 * i,
      testStart: 3 + 3 * i,
      testEnd: 6 + 3 * i,
    }));
    const evaluations = folds.map((fold) => {
      const actual = y.subarray(fold.testStart, fold.testEnd);
      const predicted = Float64Array.from(actual, (v) => v + 30);
      const perfect = Float64Array.from(actual);
      return {
        fold,
        predicted,
        trainR2: 0.9,
        alpha: 1,
        model: 'ridge' as const,
        baselines: {
          training_mean: perfect,
          same_weekday_last_week: predicted,
          spend_only_linear: perfect,
        },
      };
    });
    const res = assembleTenantResult({
      series: s,
      phase: 0,
      modelKind: 'ridge',
      featureNames: ['x'],
      evaluations,
      seconds: 0,
    });
    // Every fold: actual (100, 110, 120), SStot 200, SSres 3 * 900 = 2700 -> R² = 1 - 13.5 = -12.5
    expect(res.fold_r2).toEqual([-12.5, -12.5, -12.5]);
    expect(res.std_r2).toBe(0);
    expect(res.rmse).toBe(30);
    expect(res.rmse_pct).toBeCloseTo((100 * 30) / 110, 12);
    expect(res.baselines.same_weekday_last_week).toEqual({ rmse: 30, error_ratio: 1 });
    expect(res.baselines.training_mean.rmse).toBe(rmse([1], [1]));
    expect(res.passes).toBe(false);
    expect(res.checks).toEqual({
      fold_std_ok: true,
      rmse_pct_ok: false,
      enough_folds: true,
      beats_baselines: false,
    });
    expect(res.failures).toEqual([
      'mean R² -12.50 < 0.50',
      'RMSE 27.3% of mean revenue > 20%',
      'error ratio vs the training mean baseline 0.00 < 1.10',
      'error ratio vs the same weekday last week baseline 1.00 < 1.10',
      'error ratio vs the spend-only linear model baseline 0.00 < 1.10',
    ]);
  });
});
