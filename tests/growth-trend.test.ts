/**
 * Revenue that compounds (a young brand's +50% a year): the trend of windows of 1.2 years or more
 * whose rows grow fast enough becomes a growth curve read from those rows (core/growth.ts, phases/support.ts
 * windowGrowth, ladder.ts growth), as does the all-rows model's (final.ts FinalModel.growth). A
 * probe's simulator at +60% a year scored phase 3 at 0.10 against an oracle of 0.70.
 */
import { describe, expect, it } from 'vitest';
import { GROWTH_MIN_YEARS, growthPercent, yearlyGrowth } from '../src/core/growth.js';
import { growthTrendColumn } from '../src/core/features.js';
import { BUILTIN_TENANT_IDS, generateTenant } from '../src/core/data/index.js';
import {
  GROWTH_TREND_FULL_YEARS,
  GROWTH_TREND_MIN_LOG_RATE,
  GROWTH_TREND_SHORT_MIN_LOG_RATE,
  windowGrowth,
} from '../src/phases/support.js';
import { PhaseLadder, predictFold } from '../src/phases/ladder.js';
import { trainPhase } from '../src/phases/index.js';
import { finalFromJSON, finalToJSON } from '../src/phases/final-json.js';
import { fitFinalModel, predictFinal } from '../src/phases/final.js';
import type { TenantSeries } from '../src/core/types.js';
import { seriesPrefix } from '../src/core/folds.js';
import { fitPlanCurves, planCurveFit } from '../src/plan/curves.js';

const DAY = 86_400_000;
const isoDays = (n: number, start = '2021-01-01'): string[] =>
  Array.from({ length: n }, (_, t) =>
    new Date(Date.parse(`${start}T00:00:00Z`) + t * DAY).toISOString().slice(0, 10),
  );

/** A built-in tenant's revenue compounded by exp(g t / 365): its media and weather effects too. */
function compounded(id: string, g: number): TenantSeries {
  const s = generateTenant(id).series;
  return { ...s, target: Float64Array.from(s.target, (v, t) => v * Math.exp((g * t) / 365)) };
}

describe('yearlyGrowth: the log-scale slope net of the yearly season', () => {
  it('reads a known rate from revenue with a yearly season and weekly noise-free swings', () => {
    for (const g of [-0.3, 0, 0.2, 0.45]) {
      const dates = isoDays(913);
      // exp of a yearly sine: its log is exactly the regression's first harmonic.
      const target = Float64Array.from(
        dates,
        (_, t) => 1000 * Math.exp((g * t) / 365.25 + 0.15 * Math.sin((2 * Math.PI * t) / 365.25)),
      );
      const got = yearlyGrowth({ dates, target })!;
      // Day of year restarts each January (365 or 366 days): the harmonic is off by under a day.
      expect(got.logRate).toBeCloseTo(g, 3);
      expect(got.years).toBeCloseTo(912 / 365.25, 12);
    }
  });

  it('is null under 1.2 years, or where more than a tenth of the rows are not positive', () => {
    const short = isoDays(Math.floor(GROWTH_MIN_YEARS * 365.25));
    expect(yearlyGrowth({ dates: short, target: new Float64Array(short.length).fill(5) })).toBe(
      null,
    );
    const dates = isoDays(700);
    const target = Float64Array.from(dates, (_, t) => (t % 9 === 0 ? 0 : 100 + t));
    expect(yearlyGrowth({ dates, target })).toBe(null);
    target.forEach((_, t) => (target[t] = t % 11 === 0 ? 0 : 100 + t));
    expect(yearlyGrowth({ dates, target })).not.toBe(null);
  });

  it('says a rate as a yearly percentage', () => {
    expect(growthPercent(Math.log(1.6))).toBe('+60%');
    expect(growthPercent(Math.log(0.75))).toBe('-25%');
  });
});

describe('growthTrendColumn: (exp(g t / P) - 1) / g', () => {
  it('matches the closed form and tends to the straight t / P as g goes to 0', () => {
    const col = growthTrendColumn(800, 0.4, 'daily');
    for (const t of [0, 1, 365, 799])
      expect(col[t]).toBeCloseTo(Math.expm1((0.4 * t) / 365) / 0.4, 12);
    const flat = growthTrendColumn(800, 1e-9, 'daily');
    for (const t of [0, 100, 799]) expect(flat[t]).toBeCloseTo(t / 365, 6);
    const weekly = growthTrendColumn(120, -0.3, 'weekly');
    expect(weekly[52]).toBeCloseTo(Math.expm1(-0.3) / -0.3, 12);
  });
});

describe('the trend as a growth curve in fold models', () => {
  const s = compounded('medium_beauty', 0.5);

  it("takes the windows' own rate where it is fast enough for their length, a straight trend else", () => {
    const r = trainPhase(s, 0, {}, null);
    for (const f of r.folds) {
      const T = f.train_rows;
      const own = yearlyGrowth({ dates: s.dates.slice(0, T), target: s.target.subarray(0, T) });
      const least =
        own === null
          ? Infinity
          : own.years >= GROWTH_TREND_FULL_YEARS
            ? GROWTH_TREND_MIN_LOG_RATE
            : GROWTH_TREND_SHORT_MIN_LOG_RATE;
      if (own === null || Math.abs(own.logRate) < least) expect(f.growth_trend).toBe(null);
      else expect(f.growth_trend, `fold ${f.fold}`).toBeCloseTo(own.logRate, 12);
    }
    expect(r.folds.filter((f) => f.growth_trend !== null).length).toBeGreaterThan(0);
  });

  it('asks more of windows under a year and a half', () => {
    const dates = isoDays(700);
    const target = Float64Array.from(dates, (_, t) => 500 * Math.exp((0.25 * t) / 365.25));
    const series = { dates, target };
    expect(windowGrowth(series, Math.floor(1.1 * 365.25))).toBe(null);
    expect(windowGrowth(series, Math.floor(1.3 * 365.25))).toBe(null);
    expect(windowGrowth(series, Math.ceil(1.55 * 365.25))).toBeCloseTo(0.25, 2);
    const fast = {
      dates,
      target: Float64Array.from(dates, (_, t) => 500 * Math.exp((0.4 * t) / 365.25)),
    };
    expect(windowGrowth(fast, Math.floor(1.3 * 365.25))).toBeCloseTo(0.4, 2);
    expect(windowGrowth(fast, Math.floor(1.1 * 365.25))).toBe(null);
  });

  it('forecasts the last fold closer than the straight trend', () => {
    const r2 = (growthTrend: boolean): number => {
      const T = 913;
      const fit = new PhaseLadder(s, { horizon: 182, growthTrend }).own(0, T);
      const pred = predictFold(fit, T, T + 182);
      const y = s.target.subarray(T, T + 182);
      const mean = y.reduce((a, v) => a + v, 0) / y.length;
      let ss = 0;
      let st = 0;
      y.forEach((v, i) => {
        ss += (v - pred[i]) ** 2;
        st += (v - mean) ** 2;
      });
      return 1 - ss / st;
    };
    expect(r2(true)).toBeGreaterThan(r2(false) + 0.05);
  });

  it("reads no row at or after the window's end", () => {
    const T = 731;
    const garbled = {
      ...s,
      target: Float64Array.from(s.target, (v, t) => (t < T ? v : ((t * 7919) % 1000) * 1e3)),
    };
    expect(windowGrowth(garbled, T)).toBe(windowGrowth(s, T));
    for (const k of [0, 3] as const) {
      const clean = new PhaseLadder(s, { horizon: 182 }).own(k, T);
      const dirty = new PhaseLadder(garbled, { horizon: 182 }).own(k, T);
      expect(dirty.growth).toBe(clean.growth);
      expect(Array.from(predictFold(dirty, T, T + 182))).toEqual(
        Array.from(predictFold(clean, T, T + 182)),
      );
    }
  });

  it('leaves the built-in tenants on a straight trend (their windows grow under the threshold)', () => {
    for (const id of BUILTIN_TENANT_IDS) {
      const t = generateTenant(id).series;
      for (const T of [440, 500, 549, 731, 913, t.target.length]) {
        expect(windowGrowth(t, T), `${id} ${T}`).toBe(null);
      }
    }
  });
});

describe('the all-rows model of compounding revenue', () => {
  it('keeps its rate, says so, and predicts the same after a JSON round trip', () => {
    const s = compounded('high_gym_activity', 0.45);
    const m = fitFinalModel(s, 1);
    expect(m.growth).toBeCloseTo(yearlyGrowth(s)!.logRate, 12);
    expect(m.reason).toContain(`the trend a growth curve of ${growthPercent(m.growth!)} a year`);
    const back = finalFromJSON(JSON.parse(JSON.stringify(finalToJSON(m))));
    expect(back.growth).toBe(m.growth);
    expect(Array.from(predictFinal(back, s))).toEqual(Array.from(predictFinal(m, s)));
    const plain = fitFinalModel(s, 1, { growthTrend: false });
    expect(plain.growth).toBeUndefined();
    expect(plain.reason).not.toContain('growth curve');
  });

  it('continues the curve past the fitted rows', () => {
    const s = compounded('high_gym_activity', 0.45);
    const n = 900;
    const head = seriesPrefix(s, n);
    const m = fitFinalModel(head, 0);
    expect(m.growth).toBeDefined();
    const all = predictFinal(m, s);
    const first = predictFinal(m, head);
    for (let t = 0; t < n; t++) expect(all[t]).toBeCloseTo(first[t], 6);
    // The forecast keeps compounding: rows past the fitted ones are forecast closer than by the
    // straight trend's model of the same rows.
    const straight = predictFinal(fitFinalModel(head, 0, { growthTrend: false }), s);
    const error = (p: ArrayLike<number>) => {
      let e = 0;
      for (let t = n; t < s.target.length; t++) e += Math.abs(s.target[t] - p[t]);
      return e;
    };
    expect(error(all)).toBeLessThan(error(straight));
  });
});

describe("the planner's curve search on compounding revenue", () => {
  it("scores its candidates with the model's growth curve, which fits better than the straight trend", () => {
    const s = compounded('high_gym_activity', 0.45);
    const point = fitFinalModel(s, 3);
    expect(point.growth).toBeDefined();
    const start = Object.fromEntries(s.channels.map((c) => [c, { ...point.channelParams![c] }]));
    const curved = fitPlanCurves(s, start, { sweeps: 0, growthLogRate: point.growth });
    const straight = fitPlanCurves(s, start, { sweeps: 0 });
    // score = (n / 2) log(SSE / n): lower fits better.
    expect(curved.score).toBeLessThan(straight.score);
    const plan = planCurveFit(s, point);
    expect(plan.model.growth).toBe(point.growth);
  });
});
