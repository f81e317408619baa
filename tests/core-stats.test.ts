import { describe, expect, it } from 'vitest';
import {
  byCodeUnits,
  correlation,
  interpolate,
  median,
  medianPositive,
  quantile,
} from '../src/core/stats.js';

// Reference values computed by hand (and as numpy.median / numpy.quantile / numpy.corrcoef give).
describe('core/stats', () => {
  it('interpolate: linear between points (numpy.interp), held at the ends, a repeated x, no points -> NaN', () => {
    expect(interpolate([0, 10, 20], [0, 5, 25], 15)).toBe(15);
    expect(interpolate([0, 10, 20], [0, 5, 25], 2.5)).toBe(1.25);
    expect(interpolate([0, 10, 20], [0, 5, 25], -3)).toBe(0);
    expect(interpolate([0, 10, 20], [0, 5, 25], 30)).toBe(25);
    expect(interpolate([0, 10, 10, 20], [0, 5, 7, 9], 10)).toBe(5);
    expect(interpolate([], [], 1)).toBeNaN();
  });

  it('median of odd and even counts, unsorted input, empty -> NaN', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median(new Float64Array([10, -5]))).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('medianPositive ignores zeros and negatives, and rows from `end` on', () => {
    expect(medianPositive([0, 5, -1, 1, 3, 0])).toBe(3);
    expect(medianPositive([0, 5, -1, 1, 3, 100], 5)).toBe(3);
    expect(medianPositive([2, 4, 100], 2)).toBe(3);
    expect(medianPositive([0, -2, 0])).toBeNaN();
  });

  it('quantile interpolates linearly (numpy default)', () => {
    const v = [4, 1, 3, 2];
    expect(quantile(v, 0)).toBe(1);
    expect(quantile(v, 1)).toBe(4);
    expect(quantile(v, 0.25)).toBeCloseTo(1.75, 12); // numpy.quantile([1,2,3,4], .25)
    expect(quantile(v, 0.5)).toBeCloseTo(2.5, 12);
    expect(quantile([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.95)).toBeCloseTo(95, 12);
    expect(quantile(v, 1 / 3)).toBeCloseTo(2, 12);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('correlation: Pearson r, sign, and 0 for a constant column', () => {
    // dx = [-2,-1,0,1,2], dy = [-2,0,1,0,1]: r = 6 / sqrt(10 * 6)
    expect(correlation([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 12);
    expect(correlation([1, 2, 3], [6, 4, 2])).toBeCloseTo(-1, 12);
    expect(correlation([1, 2, 3], [5, 5, 5])).toBe(0);
    expect(() => correlation([1, 2], [1, 2, 3])).toThrow(/equal lengths/);
  });
});

describe('byCodeUnits', () => {
  it('orders by UTF-16 code units, whatever the locale', () => {
    // Code units: '-' (45) < '0' (48) < '_' (95) < 'a' (97); 'iz' < 'y' (Lithuanian collation
    // puts 'y' first, which localeCompare follows under LANG=lt_LT).
    expect(['y', 'iz', 'a_b', 'a-b', 'a0'].sort(byCodeUnits)).toEqual([
      'a-b',
      'a0',
      'a_b',
      'iz',
      'y',
    ]);
    expect(byCodeUnits('meta', 'meta')).toBe(0);
    expect(byCodeUnits('B', 'a')).toBe(-1);
  });
});
