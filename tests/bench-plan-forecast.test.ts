/**
 * The plan-forecast bench's truth (bench/plan-forecast.ts): the revenue the generator makes of a
 * plan's spend over cut-off days. With the actual spend it must give back the generator's own
 * expected revenue of those days (stored with the tenant, computed by other code).
 */
import { describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import {
  truthIncrementalOf,
  truthRevenueOf,
  weeklyForecastTenants,
  weeklyTruthRevenueOf,
} from '../bench/plan-forecast.js';

const sum = (x: ArrayLike<number>, from: number, to: number): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i];
  return s;
};

describe('plan-forecast truth', () => {
  it("gives the generator's expected revenue for the actual spend (daily)", () => {
    const t = generateTenant('high_umbrella_rain');
    const cut = t.series.dates.length - 120;
    const actual = t.series.spend.map((x) => x.slice(cut, cut + 28));
    const expected = sum(t.truth.expected, cut, cut + 28);
    expect(Math.abs(truthRevenueOf(t, cut, actual) / expected - 1)).toBeLessThan(1e-12);
    // More spend on a day earns more (every channel's true effect rises with its spend).
    const more = actual.map((x) => Float64Array.from(x, (v, i) => (i === 3 ? v + 5000 : v)));
    expect(truthRevenueOf(t, cut, more)).toBeGreaterThan(truthRevenueOf(t, cut, actual));
    // Nothing spent in the horizon: no incremental revenue; the actual spend earns some.
    const none = actual.map((x) => new Float64Array(x.length));
    expect(truthIncrementalOf(t, cut, none, 10)).toBe(0);
    expect(truthIncrementalOf(t, cut, actual, 10)!).toBeGreaterThan(0);
    // The tail past the data's end: no truth.
    expect(truthIncrementalOf(t, t.series.dates.length - 28, actual, 10)).toBeNull();
  });

  it("gives the generator's expected revenue for the actual spend (weekly, from its days)", () => {
    const [t] = weeklyForecastTenants(7301, 1);
    expect(t.series.frequency).toBe('weekly');
    const cut = t.series.dates.length - 10;
    const actual = t.series.spend.map((x) => x.slice(cut, cut + 4));
    const expected = sum(t.truth.expected, cut, cut + 4);
    expect(Math.abs(weeklyTruthRevenueOf(t, cut, actual) / expected - 1)).toBeLessThan(1e-12);
  });
});
