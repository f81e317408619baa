/**
 * A figure whose refits all lie on one side of it (at an interval level's quantile): the side
 * without refits takes the other side's distance, the hull of the percentile and the basic
 * bootstrap intervals (intervals.ts figureInterval), and the 95% interval holds the 80% one. An
 * outside probe (session 71, weekly 78 weeks, 15 replicates) read search's ROAS 3.265 with the 80%
 * interval 0.07 to 3.26: an end at its own point, as if the figure could not be higher (truth 4.04).
 */
import { describe, expect, it } from 'vitest';
import { figureInterval } from '../src/phases/intervals.js';

const tens = Array.from({ length: 11 }, (_, i) => i); // 0, 1, ..., 10: type-7 quantiles by hand

describe('a point beyond its refits', () => {
  it('above all of them: the upper end mirrors the lower distance', () => {
    // q10 = 1, q90 = 9 < 12; q2.5 = 0.25, q97.5 = 9.75 < 12.
    const iv = figureInterval(12, tens, 0);
    expect(iv.p80[0]).toBeCloseTo(1, 12);
    expect(iv.p80[1]).toBeCloseTo(12 + 11, 12);
    expect(iv.p95[0]).toBeCloseTo(0.25, 12);
    expect(iv.p95[1]).toBeCloseTo(12 + 11.75, 12);
  });

  it('below all of them: the lower end mirrors the upper distance', () => {
    // q10 = 1 > -2, q90 = 9: upper 9, lower -2 - 11.
    const iv = figureInterval(-2, tens, 0);
    expect(iv.p80[1]).toBeCloseTo(9, 12);
    expect(iv.p80[0]).toBeCloseTo(-2 - 11, 12);
  });

  it('the 95% interval holds the 80% one when only the 80% side is mirrored', () => {
    // 0..9 and 20: q90 = 9 < 12 (mirrored: 12 + (12 - 1) = 23), q97.5 = 17.25 > 12 (not).
    const iv = figureInterval(12, [...tens.slice(0, 10), 20], 0);
    expect(iv.p80[1]).toBeCloseTo(23, 12);
    expect(iv.p95[1]).toBeCloseTo(23, 12);
    expect(iv.p95[0]).toBeCloseTo(0.25, 12);
  });

  it('a point inside its refits keeps its percentile distances', () => {
    const iv = figureInterval(5, tens, 0);
    expect(iv.p80).toEqual([1, 9]);
    expect(iv.p95[0]).toBeCloseTo(0.25, 12);
    expect(iv.p95[1]).toBeCloseTo(9.75, 12);
  });
});
