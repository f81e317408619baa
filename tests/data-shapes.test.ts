/**
 * The shape suite's ground truth, checked against formulas re-implemented here (not the generator's helpers):
 * media effects per form, weather driver, weekly sums of the daily twin, counterfactuals, oracle fold R² on
 * TimeSeriesSplit folds written out by hand, determinism and a committed fixture.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_TENANT_IDS,
  SHAPE_SUITE,
  expectedRevenueFor,
  generateShape,
  generateTenant,
  shapeSpecOf,
  trueResponseCurve,
} from '../src/core/data/index.js';
import type { ShapeSpec } from '../src/core/data/index.js';
import type { ChannelTruth, SyntheticTenant } from '../src/core/types.js';
import { pearson } from './reference-stats.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/shapes-first-rows.json', import.meta.url), 'utf8'),
) as {
  tenants: Record<
    string,
    {
      rows: number;
      noiseSd: number;
      oracleMeanR2: number;
      first: Record<string, number | string>[];
      last: Record<string, number | string>;
    }
  >;
};

const suite = new Map<string, SyntheticTenant>();
beforeAll(() => {
  for (const spec of SHAPE_SUITE) suite.set(spec.id, generateShape(spec));
});
const get = (id: string): SyntheticTenant => suite.get(id)!;
const specOf = (id: string): ShapeSpec => SHAPE_SUITE.find((s) => s.id === id)!;

const sum = (a: ArrayLike<number>, from = 0, to = a.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i];
  return s;
};
const relClose = (a: number, b: number, tol: number): boolean =>
  Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

/** Adstock written from its definition: geometric sum_{l>=0} decay^l x_(t-l); delayed normalized decay^((l-theta)^2). */
function adstockByDefinition(x: ArrayLike<number>, ch: ChannelTruth): number[] {
  const out: number[] = [];
  if (ch.adstock === 'delayed') {
    const L = ch.maxLag!;
    const w = Array.from({ length: L + 1 }, (_, l) => ch.decay ** ((l - ch.theta!) ** 2));
    const ws = w.reduce((a, b) => a + b, 0);
    for (let t = 0; t < x.length; t++) {
      let a = 0;
      for (let l = 0; l <= Math.min(L, t); l++) a += (w[l] / ws) * x[t - l];
      out.push(a);
    }
  } else {
    for (let t = 0; t < x.length; t++) {
      let a = 0;
      let f = 1;
      for (let l = 0; l <= t && f > 1e-18; l++, f *= ch.decay) a += f * x[t - l];
      out.push(a);
    }
  }
  return out;
}

function saturationByDefinition(a: number, ch: ChannelTruth): number {
  if (a <= 0) return 0;
  const k = ch.hillK;
  const s = ch.hillS;
  if (ch.saturation === 'exponential') return 1 - Math.exp(-a / k);
  if (ch.saturation === 'logistic') {
    const sig = (z: number): number => 1 / (1 + Math.exp(-z));
    return (sig(s * (a / k - 1)) - sig(-s)) / (1 - sig(-s));
  }
  return a ** s / (k ** s + a ** s);
}

/** The weather driver index from the documented formulas and the template's mix. */
function driverByDefinition(t: SyntheticTenant, spec: ShapeSpec): number[] {
  const n = t.series.dates.length;
  if (spec.weather === 'none') return new Array<number>(n).fill(0);
  const names = t.truth.shape!.weatherColumns;
  const col = (canonical: string): Float64Array =>
    t.series.weather[t.series.weatherNames.indexOf(names[canonical])];
  const temp = col('temperature_c');
  const mm = col('precipitation_mm');
  const hum = col('humidity_pct');
  const mix = {
    extreme_sunscreen: { cold: 0, heat: 1, rain: 0 },
    high_umbrella_rain: { cold: 0, heat: 0, rain: 1 },
    medium_clothing: { cold: 0.6, heat: 0, rain: 0.4 },
    high_summer_clothing: { cold: 0, heat: 1, rain: 0 },
    medium_beauty: { cold: 0, heat: 1, rain: 0 },
    extreme_heating: { cold: 1, heat: 0, rain: 0 },
    medium_sports: { cold: 0, heat: 0.6, rain: -0.4 },
    high_gym_activity: { cold: 0, heat: 1, rain: 0 },
    extreme_cooling: { cold: 0, heat: 1, rain: 0 },
    high_outdoor_gear: { cold: 0, heat: 1, rain: 0 },
    extreme_rain_gear: { cold: 0, heat: 0, rain: 1 },
    extreme_ski_gear: { cold: 1, heat: 0, rain: 0 },
  }[spec.template]!;
  return Array.from(
    { length: n },
    (_, i) =>
      mix.cold * Math.tanh((15 - temp[i]) / 15) +
      mix.heat * Math.tanh((temp[i] - 18) / 12) +
      mix.rain * Math.tanh(0.15 * mm[i] + 0.03 * (hum[i] - 65)),
  );
}

/** R² from its definition on rows [from, to). */
function r2(y: ArrayLike<number>, yhat: ArrayLike<number>, from: number, to: number): number {
  const ys = Array.from(y).slice(from, to);
  const hs = Array.from(yhat).slice(from, to);
  const mean = ys.reduce((s, v) => s + v, 0) / ys.length;
  const ssTot = ys.reduce((s, v) => s + (v - mean) ** 2, 0);
  const ssRes = ys.reduce((s, v, i) => s + (v - hs[i]) ** 2, 0);
  return 1 - ssRes / ssTot;
}

describe('shape suite coverage', () => {
  it('has at least 12 shapes spanning the shapes issue 13 names', () => {
    expect(SHAPE_SUITE.length).toBeGreaterThanOrEqual(12);
    const has = (f: (s: ShapeSpec, t: SyntheticTenant) => boolean): boolean =>
      SHAPE_SUITE.some((s) => f(s, get(s.id)));
    expect(
      has(
        (s, t) => s.frequency === 'weekly' && t.series.dates.length === 104 && s.weather === 'none',
      ),
    ).toBe(true);
    expect(has((s) => s.frequency === 'weekly' && s.years === 3)).toBe(true);
    for (const years of [1, 2, 3])
      expect(has((s) => s.frequency === 'daily' && s.years === years)).toBe(true);
    for (const ch of [2, 6, 10, 12])
      expect(has((s, t) => t.series.channels.length === ch)).toBe(true);
    expect(has((s) => s.correlation >= 0.7)).toBe(true);
    expect(has((s, t) => s.events && t.series.controlNames.length === 2)).toBe(true);
    expect(has((s) => s.saturation !== 'hill')).toBe(true);
    expect(has((s) => s.adstock !== 'geometric')).toBe(true);
    expect(has((s, t) => s.frequency === 'daily' && t.series.weatherNames.length === 0)).toBe(true);
    expect(
      has(
        (s, t) =>
          t.series.weatherNames.includes('temp') && t.series.weatherNames.includes('rain_mm'),
      ),
    ).toBe(true);
  });

  it('gives each shape the rows, dates, channels and columns its spec asks for', () => {
    for (const spec of SHAPE_SUITE) {
      const t = get(spec.id);
      const n = spec.frequency === 'weekly' ? spec.years * 52 : spec.years * 365;
      expect(t.series.dates.length).toBe(n);
      expect(t.info.rows).toBe(n);
      expect(t.series.frequency).toBe(spec.frequency);
      const step = spec.frequency === 'weekly' ? 7 : 1;
      for (let i = 1; i < n; i++) {
        const gap =
          (Date.parse(t.series.dates[i]) - Date.parse(t.series.dates[i - 1])) / 86_400_000;
        expect(gap).toBe(step);
      }
      expect(t.series.channels.length).toBe(spec.channels);
      expect(t.series.weatherNames).toEqual(
        spec.weather === 'none'
          ? []
          : spec.weather === 'renamed'
            ? ['temp', 'rain_mm', 'humidity', 'wind']
            : ['temperature_c', 'precipitation_mm', 'humidity_pct', 'wind_kph'],
      );
      expect(t.series.controlNames).toEqual(spec.events ? ['promo', 'holiday'] : []);
      for (const s of t.series.spend) {
        expect(s.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
        expect(sum(s)).toBeGreaterThan(0);
      }
      expect(t.series.target.every((v) => v > 0)).toBe(true);
      for (const ch of t.truth.channels) {
        expect(ch.saturation).toBe(spec.saturation);
        expect(ch.adstock).toBe(spec.adstock);
      }
    }
  });
});

describe('shape truth', () => {
  it('daily: every contribution equals beta (1 + gamma driver) saturation(adstock(spend)) from the formulas', () => {
    for (const spec of SHAPE_SUITE.filter((s) => s.frequency === 'daily')) {
      const t = get(spec.id);
      const driver = driverByDefinition(t, spec);
      driver.forEach((d, i) => expect(Math.abs(d - t.truth.driverIndex[i])).toBeLessThan(1e-12));
      t.truth.channels.forEach((ch, c) => {
        const a = adstockByDefinition(t.series.spend[c], ch);
        const contrib = t.truth.contributions[c];
        for (let i = 0; i < a.length; i++) {
          const want = ch.beta * (1 + ch.gamma * driver[i]) * saturationByDefinition(a[i], ch);
          expect(relClose(contrib[i], want, 1e-9)).toBe(true);
        }
      });
    }
  });

  it('expected = baseline + contributions; ROAS = contribution / spend; zeroing a channel removes exactly its contribution', () => {
    for (const spec of SHAPE_SUITE) {
      const t = get(spec.id);
      const tr = t.truth;
      const n = tr.expected.length;
      for (let i = 0; i < n; i++) {
        let s = tr.shape!.baseline[i];
        for (const c of tr.contributions) s += c[i];
        expect(relClose(s, tr.expected[i], 1e-9)).toBe(true);
      }
      tr.channels.forEach((ch, c) => {
        expect(relClose(ch.totalSpend, sum(t.series.spend[c]), 1e-9)).toBe(true);
        expect(relClose(ch.totalContribution, sum(tr.contributions[c]), 1e-9)).toBe(true);
        expect(ch.roas).toBeCloseTo(ch.totalContribution / ch.totalSpend, 12);
        expect(ch.roas).toBeGreaterThan(1.5);
        expect(ch.roas).toBeLessThan(5);
      });
      // Counterfactual for the first and last channel (weekly tenants go through the daily twin).
      for (const c of [0, tr.channels.length - 1]) {
        const spend = t.series.spend.map((x, j) => (j === c ? new Float64Array(n) : x));
        const cf = expectedRevenueFor(t, spend);
        for (let i = 0; i < n; i++) {
          expect(relClose(cf[i], tr.expected[i] - tr.contributions[c][i], 1e-9)).toBe(true);
        }
      }
    }
  });

  it('weekly: spend, expected revenue and contributions are the sums of the daily twin, weather its means', () => {
    for (const spec of SHAPE_SUITE.filter((s) => s.frequency === 'weekly')) {
      const t = get(spec.id);
      const d = t.daily!;
      expect(d.series.dates.length).toBe(t.series.dates.length * 7);
      expect(t.series.dates[0]).toBe(d.series.dates[0]);
      expect(new Date(t.series.dates[0]).getUTCDay()).toBe(1);
      for (let w = 0; w < t.series.dates.length; w++) {
        const from = 7 * w;
        t.series.spend.forEach((s, c) =>
          expect(s[w]).toBeCloseTo(sum(d.series.spend[c], from, from + 7), 6),
        );
        expect(relClose(t.truth.expected[w], sum(d.truth.expected, from, from + 7), 1e-12)).toBe(
          true,
        );
        t.truth.contributions.forEach((x, c) =>
          expect(relClose(x[w], sum(d.truth.contributions[c], from, from + 7), 1e-12)).toBe(true),
        );
        t.series.weather.forEach((x, k) =>
          expect(Math.abs(x[w] - sum(d.series.weather[k], from, from + 7) / 7)).toBeLessThanOrEqual(
            0.005 + 1e-9,
          ),
        );
        t.series.controls.forEach((x, k) =>
          expect(x[w]).toBe(sum(d.series.controls[k], from, from + 7)),
        );
      }
      // The daily curve summed over a week: 7 x the daily response to x/7 a day.
      const weekly = trueResponseCurve(t, 0, [7000]);
      const daily = trueResponseCurve(d, 0, [1000]);
      expect(weekly[0]).toBeCloseTo(7 * daily[0], 6);
    }
  });

  it('oracle fold R² equals the R² of expected vs observed revenue on 5 TimeSeriesSplit folds written out here', () => {
    for (const spec of SHAPE_SUITE) {
      const t = get(spec.id);
      const n = t.series.target.length;
      const size = Math.floor(n / 6);
      const folds = [1, 2, 3, 4, 5].map((k) => [n - (6 - k) * size, n - (5 - k) * size]);
      const want = folds.map(([a, b]) => r2(t.series.target, t.truth.expected, a, b));
      want.forEach((w, k) => expect(t.truth.oracleFoldR2[k]).toBeCloseTo(w, 10));
      expect(t.truth.oracleMeanR2).toBeCloseTo(want.reduce((a, b) => a + b, 0) / 5, 10);
      expect(t.truth.oracleMeanR2).toBeGreaterThan(0.6);
      expect(t.truth.oracleMeanR2).toBeLessThan(0.95);
      expect(t.truth.oracleR2).toBeCloseTo(r2(t.series.target, t.truth.expected, 0, n), 10);
      // Noise: log(observed / expected) has sd close to the calibrated noise sd.
      const logs = Array.from(t.series.target, (y, i) => Math.log(y / t.truth.expected[i]));
      const m = logs.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
      expect(sd / t.truth.noiseSd).toBeGreaterThan(0.8);
      expect(sd / t.truth.noiseSd).toBeLessThan(1.2);
    }
  });

  it('correlated channels correlate at about the asked strength; independent ones do not', () => {
    for (const spec of SHAPE_SUITE) {
      const t = get(spec.id);
      const s = t.series.spend;
      let total = 0;
      let pairs = 0;
      for (let a = 0; a < s.length; a++) {
        for (let b = a + 1; b < s.length; b++) {
          total += pearson(s[a], s[b]);
          pairs++;
        }
      }
      const measured = total / pairs;
      expect(t.truth.shape!.spendCorrelation).toBeCloseTo(measured, 9);
      if (spec.correlation > 0) expect(Math.abs(measured - spec.correlation)).toBeLessThan(0.12);
      else expect(Math.abs(measured)).toBeLessThan(0.35);
    }
  });

  it('no-weather shapes have no weather effect; weather shapes follow their driver; events lift their days', () => {
    for (const spec of SHAPE_SUITE) {
      const t = get(spec.id);
      if (spec.weather === 'none') {
        expect(t.truth.driverIndex.every((v) => v === 0)).toBe(true);
        expect(t.truth.weatherAmplitude).toBe(0);
        expect(t.truth.channels.every((c) => c.gamma === 0)).toBe(true);
      }
      if (spec.events) {
        for (const e of t.truth.shape!.events) {
          expect(e.lift).toBeGreaterThan(0.05);
          expect(e.totalContribution).toBeGreaterThan(0);
        }
      }
    }
    // True response curves follow each form's steady state: x / (1 - decay) geometric, x delayed.
    for (const id of [
      'shape_daily_3y_logistic',
      'shape_daily_3y_exponential',
      'shape_daily_2y_delayed',
    ]) {
      const t = get(id);
      const ch = t.truth.channels[0];
      const meanFactor =
        t.truth.driverIndex.reduce((a, d) => a + 1 + ch.gamma * d, 0) / t.truth.driverIndex.length;
      const x = 2000;
      const steady = ch.adstock === 'delayed' ? x : x / (1 - ch.decay);
      const want = ch.beta * meanFactor * saturationByDefinition(steady, ch);
      expect(trueResponseCurve(t, 0, [x])[0]).toBeCloseTo(want, 6);
    }
    // Delayed adstock: an isolated unit of spend peaks theta days later, not on the day.
    const delayed = get('shape_daily_2y_delayed').truth.channels[0];
    const a = adstockByDefinition([1, ...new Array<number>(25).fill(0)], delayed);
    const peak = a.indexOf(Math.max(...a));
    expect(peak).toBe(Math.round(delayed.theta!));
  });
});

describe('shape determinism', () => {
  it('matches the committed first and last rows of every suite tenant (catches generator or engine drift)', () => {
    expect(Object.keys(fixture.tenants).sort()).toEqual(SHAPE_SUITE.map((s) => s.id).sort());
    for (const [id, want] of Object.entries(fixture.tenants)) {
      const t = get(id);
      const s = t.series;
      expect(s.dates.length).toBe(want.rows);
      const check = (row: Record<string, number | string>, i: number): void => {
        expect(s.dates[i]).toBe(row.date);
        s.channels.forEach((c, j) => expect(s.spend[j][i]).toBe(row[`${c}_spend`]));
        s.weatherNames.forEach((w, j) => expect(s.weather[j][i]).toBe(row[w]));
        s.controlNames.forEach((w, j) => expect(s.controls[j][i]).toBe(row[w]));
        expect(s.target[i]).toBe(row.revenue);
        expect(t.truth.expected[i]).toBeCloseTo(row.expected as number, 6);
      };
      want.first.forEach((row, i) => check(row, i));
      check(want.last, want.rows - 1);
      expect(t.truth.noiseSd).toBeCloseTo(want.noiseSd, 9);
      expect(t.truth.oracleMeanR2).toBeCloseTo(want.oracleMeanR2, 9);
    }
  });

  it('regenerates identically, moves with the base seed, and leaves the built-in tenants alone', () => {
    const spec = specOf('shape_daily_3y_correlated');
    const a = generateShape(spec);
    const b = generateShape(spec);
    expect(Array.from(b.series.target)).toEqual(Array.from(a.series.target));
    b.series.spend.forEach((s, c) => expect(Array.from(s)).toEqual(Array.from(a.series.spend[c])));
    expect(b.truth.channels).toEqual(a.truth.channels);
    const c = generateShape(spec, { seed: 7 });
    expect(Array.from(c.series.target)).not.toEqual(Array.from(a.series.target));
    // Forms change the response, never the spend or the weather.
    const hill = generateShape({ ...spec, saturation: 'hill', id: spec.id });
    const expo = generateShape({ ...spec, saturation: 'exponential', id: spec.id });
    expect(Array.from(expo.series.spend[0])).toEqual(Array.from(hill.series.spend[0]));
    expect(Array.from(expo.series.target)).not.toEqual(Array.from(hill.series.target));
    // A generated shape's spec depends on its id and seed only; options are validated.
    expect(shapeSpecOf('x_1', 5, { channels: 6 })).toEqual(shapeSpecOf('x_1', 5, { channels: 6 }));
    expect(() => shapeSpecOf('x_1', 5, { channels: 16 })).toThrow(/channels must be/);
    expect(() => generateShape({ ...spec, saturation: 'cubic' as 'hill' })).toThrow(/saturation/);
    // The built-in tenants are generated by their own path (no forms, no shape truth).
    const builtin = generateTenant(BUILTIN_TENANT_IDS[0]);
    expect(builtin.truth.shape).toBeUndefined();
    expect(builtin.truth.channels[0].adstock).toBeUndefined();
  });
});
