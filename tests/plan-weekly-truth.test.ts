/**
 * weeklyTruth (src/plan/truth.ts): the true incremental revenue of a weekly plan on a weekly shape
 * tenant, checked against an independent day-by-day computation written here from the generator's
 * documented formulas (geometric adstock from the daily history, Hill, beta (1 + gamma driver),
 * cold/heat/rain indices), with the week's spend spread evenly over its 7 days.
 */
import { describe, expect, it } from 'vitest';
import { builtinSpec } from '../src/core/data/catalog.js';
import { generateShape, type ShapeSpec } from '../src/core/data/index.js';
import type { DriverMix } from '../src/core/data/index.js';
import type { SyntheticTenant } from '../src/core/types.js';
import type { Outlook } from '../src/plan/outlook.js';
import { truthTailDays, weeklyTruth } from '../src/plan/truth.js';

const spec = (over: Partial<ShapeSpec>): ShapeSpec => ({
  id: 'wt_test',
  frequency: 'weekly',
  years: 2,
  channels: 3,
  correlation: 0,
  weather: 'canonical',
  events: false,
  saturation: 'hill',
  adstock: 'geometric',
  template: 'high_winter_clothing',
  city: 'Chicago',
  ...over,
});

/** An outlook of `weeks` rows with weather that varies week to week (cold, wet and dry weeks). */
function outlookFor(t: SyntheticTenant, weeks: number, renamed: boolean): Outlook {
  const names = renamed
    ? ['temp', 'rain_mm', 'humidity']
    : ['temperature_c', 'precipitation_mm', 'humidity_pct'];
  return {
    source: 'test',
    dates: Array.from({ length: weeks }, (_, w) => `w${w}`),
    weatherNames: names,
    weather: [
      Float64Array.from({ length: weeks }, (_, w) => -5 + 4 * w),
      Float64Array.from({ length: weeks }, (_, w) => (w % 3) * 4),
      Float64Array.from({ length: weeks }, (_, w) => 50 + 5 * (w % 5)),
    ],
    forecastRows: 0,
  };
}

/** Independent: the generator's formulas day by day (geometric adstock, Hill). */
function byHand(t: SyntheticTenant, mix: DriverMix, o: Outlook, spend: number[][]): number {
  const d = t.daily!;
  const H = spend[0].length;
  const days = 7 * H + truthTailDays(t);
  const drv = (day: number): number => {
    const w = Math.floor(day / 7);
    const T = o.weather[0][w];
    const P = o.weather[1][w];
    const U = o.weather[2][w];
    return (
      mix.cold * Math.tanh((15 - T) / 15) +
      mix.heat * Math.tanh((T - 18) / 12) +
      mix.rain * Math.tanh(0.15 * P + 0.03 * (U - 65))
    );
  };
  let total = 0;
  d.truth.channels.forEach((p, c) => {
    let a0 = 0;
    for (const x of d.series.spend[c]) a0 = x + p.decay * a0;
    let a = a0;
    let z = a0;
    for (let day = 0; day < days; day++) {
      const x = day < 7 * H ? spend[c][Math.floor(day / 7)] / 7 : 0;
      a = x + p.decay * a;
      z = p.decay * z;
      const hill = (v: number): number => (v <= 0 ? 0 : 1 / (1 + Math.pow(p.hillK / v, p.hillS)));
      total += p.beta * (1 + p.gamma * drv(day)) * (hill(a) - hill(z));
    }
  });
  return total;
}

describe('weeklyTruth', () => {
  const plan = [
    [9000, 0, 4000, 12000, 6000, 6000],
    [3000, 3000, 3000, 3000, 3000, 3000],
    [0, 15000, 500, 0, 8000, 2000],
  ];

  for (const renamed of [false, true]) {
    it(`matches a day-by-day computation of the generator's formulas (${renamed ? 'renamed' : 'canonical'} weather)`, () => {
      const t = generateShape(spec({ weather: renamed ? 'renamed' : 'canonical' }), {
        seed: 9701,
      });
      const mix = builtinSpec('high_winter_clothing').mix;
      const o = outlookFor(t, 6 + Math.ceil(truthTailDays(t) / 7), renamed);
      const want = byHand(t, mix, o, plan);
      const got = weeklyTruth(t, mix, o, 6).incremental(plan);
      expect(want).toBeGreaterThan(1000);
      expect(Math.abs(got - want)).toBeLessThan(1e-9 * want);
    });
  }

  it('reads the weather: a colder outlook changes a cold-driven tenant truth', () => {
    const t = generateShape(spec({}), { seed: 9701 });
    const mix = builtinSpec('high_winter_clothing').mix;
    const rows = 6 + Math.ceil(truthTailDays(t) / 7);
    const o = outlookFor(t, rows, false);
    const cold = { ...o, weather: [o.weather[0].map((v) => v - 20), o.weather[1], o.weather[2]] };
    const a = weeklyTruth(t, mix, o, 6).incremental(plan);
    const b = weeklyTruth(t, mix, cold, 6).incremental(plan);
    expect(Math.abs(b - a)).toBeGreaterThan(0.01 * a);
  });

  it('carries the history: zero spend on the plan earns nothing, the week-spread matters', () => {
    const t = generateShape(spec({}), { seed: 9702 });
    const mix = builtinSpec('high_winter_clothing').mix;
    const o = outlookFor(t, 6 + Math.ceil(truthTailDays(t) / 7), false);
    const wt = weeklyTruth(t, mix, o, 6);
    expect(wt.incremental(plan.map((r) => r.map(() => 0)))).toBe(0);
    // Same total, all of it in the first week vs spread: saturation makes them differ.
    const total = plan.map((r) => r.reduce((a, b) => a + b, 0));
    const front = total.map((s) => [s, 0, 0, 0, 0, 0]);
    const even = total.map((s) => Array(6).fill(s / 6) as number[]);
    expect(wt.incremental(even)).not.toBeCloseTo(wt.incremental(front), 0);
  });

  it('refuses a daily tenant', () => {
    const t = generateShape(spec({ frequency: 'daily' }), { seed: 9701 });
    const o = outlookFor(t, 60, false);
    expect(() => weeklyTruth(t, { cold: 1, heat: 0, rain: 0 }, o, 6)).toThrow(/weekly/);
  });
});
