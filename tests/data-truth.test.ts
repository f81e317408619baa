import { beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_TENANT_IDS,
  expectedRevenueFor,
  generateTenant,
  trueConditionalRoas,
  trueResponseCurve,
} from '../src/core/data/index.js';
import type { SyntheticTenant } from '../src/core/types.js';
import { pearson } from './reference-stats.js';

let tenants: SyntheticTenant[] = [];
beforeAll(() => {
  tenants = BUILTIN_TENANT_IDS.map((id) => generateTenant(id));
});

const sum = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};

/** R² written out from its definition, independent of the generator's helper. */
function r2(y: ArrayLike<number>, yhat: ArrayLike<number>, from: number, to: number): number {
  const ys = Array.from(y).slice(from, to);
  const hs = Array.from(yhat).slice(from, to);
  const mean = ys.reduce((s, v) => s + v, 0) / ys.length;
  const ssTot = ys.reduce((s, v) => s + (v - mean) ** 2, 0);
  const ssRes = ys.reduce((s, v, i) => s + (v - hs[i]) ** 2, 0);
  return 1 - ssRes / ssTot;
}

describe('weather', () => {
  it('is physically plausible', () => {
    for (const t of tenants) {
      const [temp, precip, hum, wind] = t.series.weather;
      const min = (a: Float64Array) => a.reduce((m, v) => Math.min(m, v), Infinity);
      const max = (a: Float64Array) => a.reduce((m, v) => Math.max(m, v), -Infinity);
      expect(min(temp)).toBeGreaterThan(-40);
      expect(max(temp)).toBeLessThan(50);
      expect(min(precip)).toBeGreaterThanOrEqual(0);
      expect(max(precip)).toBeLessThanOrEqual(150);
      expect(min(hum)).toBeGreaterThanOrEqual(5);
      expect(max(hum)).toBeLessThanOrEqual(100);
      expect(min(wind)).toBeGreaterThanOrEqual(0);
      expect(max(wind)).toBeLessThan(150);
      // Some rain and some dry days everywhere; summer warmer than winter (northern hemisphere).
      const wet = Array.from(precip).filter((p) => p > 0).length / precip.length;
      expect(wet).toBeGreaterThan(0.03);
      expect(wet).toBeLessThan(0.7);
      const month = (m: string) =>
        t.series.dates
          .map((d, i) => [d, temp[i]] as const)
          .filter(([d]) => d.slice(5, 7) === m)
          .map(([, v]) => v);
      const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
      expect(mean(month('07'))).toBeGreaterThan(mean(month('01')) + 4);
    }
  });

  it('gives Phoenix the hottest and Minneapolis the coldest winters, and Seattle more wet days than Phoenix', () => {
    const by = new Map(tenants.map((t) => [t.info.tenant, t]));
    const janMean = (id: string) => {
      const t = by.get(id)!;
      const v = t.series.dates.flatMap((d, i) =>
        d.slice(5, 7) === '01' ? [t.series.weather[0][i]] : [],
      );
      return v.reduce((s, x) => s + x, 0) / v.length;
    };
    expect(janMean('extreme_sunscreen')).toBeGreaterThan(janMean('extreme_heating') + 15);
    const wetDays = (id: string) =>
      Array.from(by.get(id)!.series.weather[1]).filter((p) => p > 0).length;
    expect(wetDays('extreme_rain_gear')).toBeGreaterThan(3 * wetDays('extreme_sunscreen'));
  });
});

describe('spend', () => {
  it('is non-negative and every channel has some zero-spend days and many live days', () => {
    for (const t of tenants) {
      for (const s of t.series.spend) {
        const zeros = Array.from(s).filter((v) => v === 0).length;
        expect(s.every((v) => v >= 0)).toBe(true);
        expect(zeros).toBeGreaterThan(0);
        expect(zeros).toBeLessThan(s.length * 0.25);
      }
    }
  });

  it('does not depend on revenue: other ROAS and noise leave spend and weather unchanged', () => {
    for (const id of ['extreme_heating', 'none_books']) {
      const a = generateTenant(id);
      const b = generateTenant(id, { trueRoas: [1.2, 6], oracleR2Target: 0.6 });
      expect(Array.from(b.series.target)).not.toEqual(Array.from(a.series.target));
      expect(b.truth.channels[0].roas).toBeCloseTo(1.2, 9);
      expect(b.truth.noiseSd).not.toBe(a.truth.noiseSd);
      for (let c = 0; c < 2; c++)
        expect(Array.from(b.series.spend[c])).toEqual(Array.from(a.series.spend[c]));
      for (let w = 0; w < 4; w++)
        expect(Array.from(b.series.weather[w])).toEqual(Array.from(a.series.weather[w]));
    }
  });
});

describe('revenue and ground truth', () => {
  it('carry-over is causal: changing spend from day 500 on leaves expected revenue before day 500 unchanged', () => {
    const t = tenants.find((x) => x.info.tenant === 'high_gym_activity')!;
    const base = expectedRevenueFor(t, t.series.spend);
    const changed = t.series.spend.map((s) => {
      const c = Float64Array.from(s);
      for (let i = 500; i < c.length; i++) c[i] = c[i] * 3 + 1000;
      return c;
    });
    const after = expectedRevenueFor(t, changed);
    for (let i = 0; i < 500; i++) expect(after[i]).toBe(base[i]);
    // ...and it does change day 500 and, through the adstock, later days.
    expect(after[500]).toBeGreaterThan(base[500]);
    expect(after[700]).toBeGreaterThan(base[700]);
  });

  it('contributions equal expected minus expected with the channel zeroed, and totals/ROAS add up', () => {
    for (const t of tenants) {
      const n = t.truth.expected.length;
      const full = expectedRevenueFor(t, t.series.spend);
      for (let i = 0; i < n; i += 97) expect(full[i]).toBeCloseTo(t.truth.expected[i], 6);
      t.truth.channels.forEach((ch, c) => {
        const zeroed = t.series.spend.map((s, j) => (j === c ? new Float64Array(n) : s));
        const without = expectedRevenueFor(t, zeroed);
        for (let i = 0; i < n; i += 13) {
          expect(t.truth.contributions[c][i]).toBeCloseTo(t.truth.expected[i] - without[i], 6);
        }
        // Carry-over: a dark day right after spending still gets a positive contribution when decay > 0.
        const s = t.series.spend[c];
        const darkAfterSpend = Array.from(s).findIndex((v, i) => i > 0 && v === 0 && s[i - 1] > 0);
        expect(t.truth.contributions[c][darkAfterSpend]).toBeGreaterThan(0);
        expect(ch.totalSpend).toBeCloseTo(sum(s), 4);
        expect(ch.totalContribution).toBeCloseTo(sum(t.truth.contributions[c]), 4);
        expect(ch.roas).toBeCloseTo(ch.totalContribution / ch.totalSpend, 12);
      });
    }
  });

  it('has realistic media parameters: ROAS 1.5..5, decay 0.1..0.8, Hill shape 0.7..2.5, k near typical adstock', () => {
    for (const t of tenants) {
      t.truth.channels.forEach((ch, c) => {
        expect(ch.roas).toBeGreaterThanOrEqual(1.5);
        expect(ch.roas).toBeLessThanOrEqual(5);
        expect(ch.decay).toBeGreaterThanOrEqual(0.1);
        expect(ch.decay).toBeLessThanOrEqual(0.8);
        expect(ch.hillS).toBeGreaterThanOrEqual(0.7);
        expect(ch.hillS).toBeLessThanOrEqual(2.5);
        // k within 0.5..1.5 x the median positive adstocked spend, recomputed here from the spend.
        const a: number[] = [];
        let prev = 0;
        for (const x of t.series.spend[c]) {
          prev = x + ch.decay * prev;
          if (prev > 0) a.push(prev);
        }
        a.sort((x, y) => x - y);
        const med =
          a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
        expect(ch.hillK / med).toBeGreaterThanOrEqual(0.5 - 1e-9);
        expect(ch.hillK / med).toBeLessThanOrEqual(1.5 + 1e-9);
        if (t.info.tier === 'none') expect(ch.gamma).toBe(0);
      });
    }
  });

  it('oracle R², recomputed from expected and observed, lies in [0.55, 0.95] on the 5-fold mean for all 20', () => {
    const testSize = Math.floor(1095 / 6);
    for (const t of tenants) {
      // sklearn TimeSeriesSplit: the 5 test blocks are the last 5 x 182 rows (rows 0..184 only ever train).
      const folds = [0, 1, 2, 3, 4].map((i) => {
        const start = 1095 - (5 - i) * testSize;
        return r2(t.series.target, t.truth.expected, start, start + testSize);
      });
      folds.forEach((v, i) => expect(t.truth.oracleFoldR2[i]).toBeCloseTo(v, 9));
      const mean = folds.reduce((s, v) => s + v, 0) / 5;
      expect(t.truth.oracleMeanR2).toBeCloseTo(mean, 9);
      expect(mean).toBeGreaterThanOrEqual(0.55);
      expect(mean).toBeLessThanOrEqual(0.95);
      expect(t.truth.oracleR2).toBeCloseTo(r2(t.series.target, t.truth.expected, 0, 1095), 9);
    }
  });

  it('noise is mean-preserving: observed / expected averages ~1', () => {
    for (const t of tenants) {
      let s = 0;
      for (let i = 0; i < 1095; i++) s += t.series.target[i] / t.truth.expected[i];
      expect(Math.abs(s / 1095 - 1)).toBeLessThan(4 * (t.truth.noiseSd / Math.sqrt(1095)) + 1e-3);
    }
  });

  it('revenue moves with the weather in the driver direction for the extreme and high tiers', () => {
    for (const t of tenants.filter((x) => x.info.tier === 'extreme' || x.info.tier === 'high')) {
      const [temp, precip] = t.series.weather;
      const y = t.series.target;
      if (t.info.driver === 'cold') expect(pearson(y, temp)).toBeLessThan(-0.3);
      if (t.info.driver === 'heat') expect(pearson(y, temp)).toBeGreaterThan(0.3);
      if (t.info.driver === 'rain') expect(pearson(y, precip)).toBeGreaterThan(0.2);
    }
  });

  it('the none tier has no weather in its truth', () => {
    for (const t of tenants.filter((x) => x.info.tier === 'none')) {
      expect(t.truth.weatherAmplitude).toBe(0);
      expect(t.truth.driverIndex.every((v) => v === 0)).toBe(true);
    }
  });
});

describe('truth queries', () => {
  it('conditional ROAS over all rows is the channel ROAS, and over a mask is sum(contribution)/sum(spend) there', () => {
    const t = tenants.find((x) => x.info.tenant === 'extreme_sunscreen')!;
    const all = new Array<boolean>(1095).fill(true);
    expect(trueConditionalRoas(t, 1, all)).toBeCloseTo(t.truth.channels[1].roas, 10);
    const hot = Array.from(t.series.weather[0], (v) => v > 30);
    const cool = hot.map((h) => !h);
    let c = 0;
    let s = 0;
    hot.forEach((h, i) => {
      if (h) {
        c += t.truth.contributions[0][i];
        s += t.series.spend[0][i];
      }
    });
    expect(trueConditionalRoas(t, 0, hot)).toBeCloseTo(c / s, 10);
    // Heat driver with gamma > 0: ads work better on hot days.
    expect(trueConditionalRoas(t, 0, hot)).toBeGreaterThan(trueConditionalRoas(t, 0, cool));
    expect(trueConditionalRoas(t, 0, new Array<boolean>(1095).fill(false))).toBeNaN();
    expect(() => trueConditionalRoas(t, 2, all)).toThrow(RangeError);
    expect(() => trueConditionalRoas(t, 0, [true])).toThrow(RangeError);
  });

  it('the response curve is 0 at 0, increasing, saturating, and matches a simulated sustained spend', () => {
    const t = tenants.find((x) => x.info.tenant === 'high_winter_clothing')!;
    const ch = t.truth.channels[0];
    const levels = [0, 500, 1000, 2000, 4000, 8000, 1e7];
    const curve = trueResponseCurve(t, 0, levels);
    expect(curve[0]).toBe(0);
    for (let i = 1; i < curve.length; i++) expect(curve[i]).toBeGreaterThan(curve[i - 1]);
    const meanFactor = sum(Array.from(t.truth.driverIndex, (d) => 1 + ch.gamma * d)) / 1095;
    expect(Math.abs(curve[curve.length - 1] / (ch.beta * meanFactor) - 1)).toBeLessThan(0.01);
    // Independent check: run a constant spend of 2000/day through the true model and average its contribution
    // after a warm-up of 100 days (the adstock is then at its steady state), over the same rows.
    const n = 1095;
    const constant = t.series.spend.map((s, j) => (j === 0 ? new Float64Array(n).fill(2000) : s));
    const zero = t.series.spend.map((s, j) => (j === 0 ? new Float64Array(n) : s));
    const withSpend = expectedRevenueFor(t, constant);
    const without = expectedRevenueFor(t, zero);
    const mask = Array.from({ length: n }, (_, i) => i >= 100);
    let acc = 0;
    for (let i = 100; i < n; i++) acc += withSpend[i] - without[i];
    const [atMask] = trueResponseCurve(t, 0, [2000], mask);
    expect(Math.abs(atMask / (acc / (n - 100)) - 1)).toBeLessThan(1e-6);
    expect(() => trueResponseCurve(t, 0, [-1])).toThrow(RangeError);
  });
});
