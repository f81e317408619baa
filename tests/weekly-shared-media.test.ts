/**
 * Weekly phase 3: one decay, k_mult and Hill shape shared by every channel (phases/search.ts
 * searchSharedMediaParams, phases/ladder.ts weeklySharedMedia); docs/modeling.md, "Weekly phase 3:
 * one shared media shape".
 */
import { describe, expect, it } from 'vitest';
import { generateShape, generateTenant, shapeSpecOf } from '../src/core/data/index.js';
import { geometricAdstock } from '../src/core/transforms.js';
import type { TenantSeries } from '../src/core/types.js';
import { PhaseLadder, SEARCHED_PARAMETERS_PER_CHANNEL } from '../src/phases/ladder.js';
import { hillKFor } from '../src/phases/media.js';
import {
  DECAY_GRID,
  K_MULT_GRID,
  SHAPE_GRID,
  scoreMediaParams,
  searchSharedMediaParams,
} from '../src/phases/search.js';

/** A weekly tenant of correlated channels with delayed carry-over (own dev seed 3101). */
function correlatedWeekly(): TenantSeries {
  const spec = {
    frequency: 'weekly',
    years: 2,
    channels: 4,
    correlation: 0.7,
    weather: 'renamed',
    adstock: 'delayed',
  } as const;
  return generateShape(shapeSpecOf('ws_s3101_0', 3101, spec), { seed: 3101 }).series;
}

describe('searchSharedMediaParams', () => {
  const series = correlatedWeekly();
  const T = 80;
  const options = { scheme: 'blocked' } as const;

  it('gives every channel the same shape, k from its own adstocked training spend', () => {
    const found = searchSharedMediaParams(series, T, options);
    const first = found.params[series.channels[0]];
    series.channels.forEach((c, i) => {
      const p = found.params[c];
      expect([p.decay, p.k_mult, p.s]).toEqual([first.decay, first.k_mult, first.s]);
      const k = hillKFor(geometricAdstock(series.spend[i], p.decay), T, p.k_mult);
      expect(Math.abs(p.k - k)).toBeLessThanOrEqual(1e-9 * k);
    });
  });

  it('scores its result as scoreMediaParams does, at least as well as every shared grid point', () => {
    const found = searchSharedMediaParams(series, T, options);
    expect(
      Math.abs(scoreMediaParams(series, T, found.params, options) - found.innerR2),
    ).toBeLessThan(1e-12);
    // Brute force over the shared grid (points whose k lies beyond a channel's largest adstocked
    // training spend are not candidates).
    let bestGrid = Number.NEGATIVE_INFINITY;
    for (const decay of DECAY_GRID)
      for (const kMult of K_MULT_GRID)
        for (const s of SHAPE_GRID) {
          const inRange = series.spend.every((x) => {
            const a = geometricAdstock(x.subarray(0, T), decay);
            const max = Math.max(...a);
            return max <= 0 || hillKFor(a, T, kMult) <= max;
          });
          if (!inRange) continue;
          const p = Object.fromEntries(
            series.channels.map((c) => [c, { decay, k_mult: kMult, s }]),
          );
          bestGrid = Math.max(bestGrid, scoreMediaParams(series, T, p, options));
        }
    expect(found.innerR2).toBeGreaterThanOrEqual(bestGrid - 1e-12);
    expect(found.innerR2).toBeGreaterThanOrEqual(found.startR2);
  });

  it('reads no row at or after trainEnd', () => {
    const found = searchSharedMediaParams(series, T, options);
    const changed: TenantSeries = {
      ...series,
      target: Float64Array.from(series.target, (v, t) => (t >= T ? v * 3 + 1e5 : v)),
      spend: series.spend.map((x) => Float64Array.from(x, (v, t) => (t >= T ? v * 7 : v))),
    };
    expect(searchSharedMediaParams(changed, T, options)).toEqual(found);
  });
});

describe('weekly ladder: phase 3 shares one media shape', () => {
  it('weekly windows share decay, k_mult and s; weeklySharedMedia false and daily data do not', () => {
    const series = correlatedWeekly();
    const T = 80;
    const shapeOf = (p: { decay: number; k_mult: number; s: number }) =>
      `${p.decay}|${p.k_mult}|${p.s}`;
    const shapes = (ladder: PhaseLadder, n: number) =>
      new Set(Object.values(ladder.own(3, n).channelParams!).map(shapeOf));
    const opts = { horizon: 20, search: { scheme: 'blocked' as const } };
    expect(shapes(new PhaseLadder(series, opts), T).size).toBe(1);
    // The per-channel search picks different shapes on this window (the old procedure).
    expect(
      shapes(new PhaseLadder(series, { ...opts, weeklySharedMedia: false }), T).size,
    ).toBeGreaterThan(1);
    // The unchecked-fold count (degreesOfFreedom): 3 searched numbers in all, not 3 per channel.
    const C = series.channels.length;
    const perChannel = new PhaseLadder(series, { ...opts, weeklySharedMedia: false });
    expect(new PhaseLadder(series, opts).degreesOfFreedom(3, T)).toBe(
      perChannel.degreesOfFreedom(3, T) - SEARCHED_PARAMETERS_PER_CHANNEL * (C - 1),
    );
    const daily = generateTenant('medium_clothing').series;
    const dailyLadder = new PhaseLadder(daily, { horizon: 90, search: { scheme: 'blocked' } });
    expect(shapes(dailyLadder, 500).size).toBeGreaterThan(1);
  });
});
