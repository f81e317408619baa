/**
 * Lower ends of intervals not below 0 where the point and every refit are >= 0 (intervals.ts
 * zeroFloor, INTERVALS_VERSION 37).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import type { TenantSeries } from '../src/core/types.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { fitFinalModel } from '../src/phases/final.js';
import { addIntervals, orderedCaveats, zeroFloor } from '../src/phases/intervals.js';
import type { Explanation } from '../src/phases/types.js';

describe('zeroFloor', () => {
  const iv = { p80: [-0.2, 3] as [number, number], p95: [-1.5, 4.2] as [number, number] };

  it('stops the lower ends at 0 when the point and every refit are >= 0', () => {
    expect(zeroFloor(iv, 1.4, [0, 0.9, 2.1, 1.3])).toEqual({ p80: [0, 3], p95: [0, 4.2] });
  });

  it('keeps the interval when a refit or the point is below 0, or a refit is not a number', () => {
    expect(zeroFloor(iv, 1.4, [0.9, -0.01, 2.1])).toBe(iv);
    expect(zeroFloor(iv, -0.1, [0.9, 2.1])).toBe(iv);
    expect(zeroFloor(iv, 1.4, [0.9, Number.NaN])).toBe(iv);
  });

  it('leaves lower ends already above 0 alone', () => {
    const above = { p80: [0.5, 3] as [number, number], p95: [0.1, 4.2] as [number, number] };
    expect(zeroFloor(above, 1.4, [1, 2])).toEqual(above);
  });
});

describe('a phase-3 explanation whose wide interval reached below 0', () => {
  // medium_footwear google: the phase-3 Ridge holds each channel's contribution >= 0, so no refit
  // gives it a negative ROAS; before zeroFloor its 95% ROAS interval started at -0.59 (measured on
  // main 255f9eb, 2026-12-07).
  let series: TenantSeries;
  let e: Explanation;
  beforeAll(() => {
    series = generateTenant('medium_footwear').series;
    const model = fitFinalModel(series, 3);
    e = addIntervals(explainFinalModel(series, model, null), series, model, {});
  });

  it('starts at 0, still counts as including zero, and keeps its upper ends', () => {
    const google = e.channels.find((c) => c.channel === 'google')!;
    expect(google.intervals!.roas.p95[0]).toBe(0);
    expect(google.intervals!.contribution.p95[0]).toBe(0);
    expect(google.intervals!.roas.p95[1]).toBeGreaterThan(google.roas!);
    expect(
      orderedCaveats(e, null).some(
        (c) => c.code === 'interval_spans_zero' && c.message.startsWith('google:'),
      ),
    ).toBe(true);
    for (const c of e.channels) {
      for (const f of ['roas', 'contribution'] as const) {
        expect(c.intervals![f].p80[0]).toBeGreaterThanOrEqual(0);
        expect(c.intervals![f].p95[0]).toBeGreaterThanOrEqual(0);
      }
    }
  });
});
