/** GBM quantile binning and the histogram subtraction trick. */
import { describe, expect, it } from 'vitest';
import { binOf, binTrainingRows, featureBinsFromSorted } from '../src/core/gbm/index.js';
import {
  buildHistogram,
  histogramOffsets,
  newHistogram,
  subtractHistogram,
} from '../src/core/gbm/histogram.js';
import { SeededRandom } from '../src/core/random.js';

describe('binning', () => {
  it('gives one bin per distinct value with midpoint bounds when few values', () => {
    const fb = featureBinsFromSorted(Float64Array.of(1, 1, 2, 4, 4, 4), 255);
    expect(Array.from(fb.upper)).toEqual([1.5, 3, Infinity]);
    expect([0, 1, 1.5, 1.6, 2, 3, 3.1, 4, 99].map((x) => binOf(fb.upper, x))).toEqual([
      0, 0, 0, 1, 1, 1, 2, 2, 2,
    ]);
  });

  it('a constant feature has a single bin', () => {
    expect(Array.from(featureBinsFromSorted(Float64Array.of(3, 3, 3), 255).upper)).toEqual([
      Infinity,
    ]);
  });

  it('uses at most maxBins quantile bins of near-equal counts when values are many', () => {
    const n = 10_000;
    const rng = new SeededRandom(1);
    const values = Float64Array.from({ length: n }, () => rng.normal());
    const data = binTrainingRows(
      [values],
      Int32Array.from({ length: n }, (_, i) => i),
      255,
    );
    expect(data.binCounts[0]).toBe(255);
    const counts = new Array<number>(255).fill(0);
    for (const b of data.bins) counts[b]++;
    // Equal-frequency: each bin holds n / 255 = 39.2 values, give or take one.
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(39);
    expect(Math.max(...counts)).toBeLessThanOrEqual(40);
    // Raw-value bin lookup agrees with the stored bins.
    for (let i = 0; i < n; i += 97)
      expect(binOf(data.features[0].upper, values[i])).toBe(data.bins[i]);
  });

  it('keeps heavy ties in one bin and never exceeds maxBins', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => (i < 600 ? 0 : i));
    const fb = featureBinsFromSorted(values.slice().sort(), 16);
    expect(fb.upper.length).toBeLessThanOrEqual(16);
    expect(binOf(fb.upper, 0)).toBe(0);
    expect(binOf(fb.upper, 600)).toBeGreaterThan(0);
  });

  it('computes thresholds on the training rows only', () => {
    const col = Float64Array.of(5, 1, 100, 2, 7);
    const data = binTrainingRows([col], Int32Array.of(1, 3), 255);
    expect(data.nRows).toBe(2);
    expect(Array.from(data.features[0].upper)).toEqual([1.5, Infinity]);
    expect(Array.from(data.bins)).toEqual([0, 1]);
  });
});

describe('histograms', () => {
  it('parent minus the smaller child equals the larger child built directly', () => {
    const m = 300;
    const rng = new SeededRandom(4);
    const cols = Array.from({ length: 4 }, () =>
      Float64Array.from({ length: m }, () => rng.normal()),
    );
    const data = binTrainingRows(
      cols,
      Int32Array.from({ length: m }, (_, i) => i),
      32,
    );
    const offsets = histogramOffsets(data.binCounts);
    const total = offsets[4];
    const features = Int32Array.of(0, 1, 2, 3);
    const rows = Int32Array.from({ length: m }, (_, i) => i);
    const grad = Float64Array.from({ length: m }, () => rng.normal());
    const build = (start: number, end: number) => {
      const h = newHistogram(total);
      buildHistogram(h, offsets, data.bins, m, features, 4, rows, grad, start, end);
      return h;
    };
    const parent = build(0, m);
    const small = build(0, 100);
    const large = build(100, m);
    subtractHistogram(parent, small, offsets, features, 4);
    expect(Array.from(parent.count)).toEqual(Array.from(large.count));
    for (let i = 0; i < total; i++) expect(parent.grad[i]).toBeCloseTo(large.grad[i], 12);
    let sum = 0;
    for (let b = offsets[2]; b < offsets[3]; b++) sum += large.count[b];
    expect(sum).toBe(200);
  });
});
