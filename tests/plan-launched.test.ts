/**
 * A channel launched inside the plan's reference year: its historical spend is its rate since its
 * first spend (probe s66: tiktok, launched 120 days before the end, read "+39% on history" at a
 * third of what it spent in the last 28 days).
 */
import { describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import type { TenantSeries } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import { makePlan, revenueModelOf, scenarioOutlook } from '../src/plan/index.js';

const H = 28;

describe('the historical spend of a channel launched inside the reference year', () => {
  const base = generateTenant('high_summer_clothing').series;
  const n = base.dates.length;
  const launch = n - 200;
  const g = base.channels.indexOf('google');
  const series: TenantSeries = {
    ...base,
    spend: base.spend.map((s, c) =>
      Float64Array.from(s, (v, t) => (c === g && t < launch ? 0 : v)),
    ),
  };
  // Zeroing google's spend leaves the revenue it made: the model choice takes a blend, which the
  // planner plans with its Ridge form (the app's planPointOf); the Ridge directly here.
  const model = revenueModelOf(fitFinalModel(series, 3, { keepRidge: 'the Ridge form' }));
  const outlook = scenarioOutlook(series, 'typical', model.weather, H);
  const sum = (x: ArrayLike<number>, from: number) => {
    let s = 0;
    for (let t = from; t < n; t++) s += x[t];
    return s;
  };

  it('is its mean per day since its first spend; the others keep the year', () => {
    const p = makePlan({ series, model, outlook }, { horizon: H });
    const meta = sum(series.spend[series.channels.indexOf('meta')], n - 365) / 365;
    const google = sum(series.spend[g], launch) / 200;
    expect(p.historical.budget).toBeCloseTo((meta + google) * H, 6);
    expect(p.historical.split.google).toBeCloseTo(google / (meta + google), 12);
    expect(p.historical.launched).toEqual([
      {
        channel: 'google',
        first_spend: series.dates[launch],
        periods: 200,
        per_period_over_window: sum(series.spend[g], n - 365) / 365,
      },
    ]);
    expect(p.notes.join('\n')).toContain(
      `launched inside the reference year (${series.dates[n - 365]}..${series.dates[n - 1]})`,
    );
    expect(p.notes.join('\n')).toMatch(
      /google [\d.]+k a day over the 200 days \(7 months\) since \d{4}-\d\d-\d\d \([\d.]+k a day over the year\)/,
    );
  });

  it('is absent where every channel spends before the year', () => {
    const m = revenueModelOf(fitFinalModel(base, 3));
    const p = makePlan(
      { series: base, model: m, outlook: scenarioOutlook(base, 'typical', m.weather, H) },
      { horizon: H },
    );
    expect(p.historical.launched).toBeUndefined();
    expect(p.notes.join('\n')).not.toContain('launched inside the reference year');
  });
});
