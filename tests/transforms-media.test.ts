import { describe, expect, it } from 'vitest';
import { geometricAdstock, hill, hillSaturation } from '../src/core/transforms.js';

const close = (actual: ArrayLike<number>, expected: number[], tol = 1e-12): void => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++)
    expect(actual[i]).toBeCloseTo(expected[i], -Math.log10(tol));
};

describe('geometricAdstock', () => {
  it('matches hand-computed values a_t = x_t + decay a_(t-1)', () => {
    // [1, 0, 0, 2] at decay 0.5: 1, 0.5, 0.25, 2 + 0.125.
    close(geometricAdstock([1, 0, 0, 2], 0.5), [1, 0.5, 0.25, 2.125]);
    // decay 0 is the identity.
    close(geometricAdstock([3, 1, 4, 1, 5], 0), [3, 1, 4, 1, 5]);
  });

  it('normalizes by 1 / (1 - decay) so a constant spend tends to itself', () => {
    close(geometricAdstock([1, 0, 0, 2], 0.5, { normalize: true }), [0.5, 0.25, 0.125, 1.0625]);
    const constant = new Float64Array(400).fill(10);
    const a = geometricAdstock(constant, 0.8, { normalize: true });
    // Partial sum after t + 1 terms: 10 (1 - 0.8^(t+1)).
    expect(a[0]).toBeCloseTo(2, 12);
    expect(a[399]).toBeCloseTo(10, 10);
  });

  it('truncates the window at maxLag', () => {
    // lags 0..1 at decay 0.5: a_t = x_t + 0.5 x_(t-1).
    close(geometricAdstock([1, 0, 0, 2], 0.5, { maxLag: 1 }), [1, 0.5, 0, 2]);
    // lags 0..2: [4, 2, 0, 0, 8] -> 4, 2+2, 0+1+1, 0+0+0.5, 8+0+0.
    close(geometricAdstock([4, 2, 0, 0, 8], 0.5, { maxLag: 2 }), [4, 4, 2, 0.5, 8]);
    // maxLag 0 is the identity.
    close(geometricAdstock([4, 2, 0, 0, 8], 0.9, { maxLag: 0 }), [4, 2, 0, 0, 8]);
  });

  it('normalizes a truncated window by the truncated sum (1 - d^(L+1)) / (1 - d)', () => {
    // sum 1 + 0.5 = 1.5
    close(geometricAdstock([1, 0, 0, 2], 0.5, { maxLag: 1, normalize: true }), [
      2 / 3,
      1 / 3,
      0,
      4 / 3,
    ]);
    const constant = new Float64Array(20).fill(7);
    const a = geometricAdstock(constant, 0.6, { maxLag: 4, normalize: true });
    for (let t = 4; t < 20; t++) expect(a[t]).toBeCloseTo(7, 12);
  });

  it('gives exactly 0 once the truncated window holds only zero spend', () => {
    const x = new Float64Array(40);
    x[0] = 1e6;
    x[1] = 123456.78;
    x[2] = 3.3;
    const a = geometricAdstock(x, 0.9, { maxLag: 3 });
    expect(a[5]).toBeCloseTo(3.3 * 0.9 ** 3, 9);
    for (let t = 6; t < 40; t++) expect(a[t]).toBe(0);
  });

  it('is causal: changing future spend never changes past values', () => {
    const x = Float64Array.from({ length: 60 }, (_, t) => (t * 37) % 11);
    for (const opts of [{}, { maxLag: 5 }, { normalize: true }, { maxLag: 3, normalize: true }]) {
      const base = geometricAdstock(x, 0.7, opts);
      const changed = Float64Array.from(x);
      for (let t = 30; t < 60; t++) changed[t] = 1000 + t;
      const after = geometricAdstock(changed, 0.7, opts);
      for (let t = 0; t < 30; t++) expect(after[t]).toBe(base[t]);
      expect(after[30]).not.toBe(base[30]);
    }
  });

  it('may write in place (out aliasing x)', () => {
    const x = Float64Array.from([4, 2, 0, 0, 8]);
    geometricAdstock(x, 0.5, { maxLag: 2 }, x);
    close(x, [4, 4, 2, 0.5, 8]);
    const y = Float64Array.from([1, 0, 0, 2]);
    geometricAdstock(y, 0.5, {}, y);
    close(y, [1, 0.5, 0.25, 2.125]);
  });

  it('rejects a decay outside [0, 1) and a bad maxLag', () => {
    expect(() => geometricAdstock([1], 1)).toThrow(RangeError);
    expect(() => geometricAdstock([1], -0.1)).toThrow(/decay/);
    expect(() => geometricAdstock([1], 0.5, { maxLag: 1.5 })).toThrow(/maxLag/);
  });
});

describe('hillSaturation', () => {
  it('is 1/2 at the half-saturation point for any shape', () => {
    for (const s of [0.3, 1, 2.5]) {
      expect(hill(7, 7, s)).toBeCloseTo(0.5, 15);
      expect(hillSaturation([7], 7, s)[0]).toBeCloseTo(0.5, 15);
    }
  });

  it('matches hand-computed x^s / (k^s + x^s)', () => {
    // s 2, x = 2k: 4 / 5; s 1, x = k/2: 1/3; s 0.5, x = 4k: 2/3; s 3, x = k/2: 1/9.
    close(hillSaturation([20, 5, 40, 5], 10, 2), [0.8, 0.2, 16 / 17, 0.2]);
    close(hillSaturation([5], 10, 1), [1 / 3]);
    close(hillSaturation([40], 10, 0.5), [2 / 3]);
    close(hillSaturation([5], 10, 3), [1 / 9]);
    expect(hill(5, 10, 3)).toBeCloseTo(1 / 9, 15);
  });

  it('maps x <= 0 to 0, stays below 1 and increases with x', () => {
    const h = hillSaturation([-3, 0, 1, 10, 100, 1e12], 10, 1.5);
    expect(h[0]).toBe(0);
    expect(h[1]).toBe(0);
    for (let i = 2; i < h.length; i++) {
      expect(h[i]).toBeGreaterThan(h[i - 1]);
      expect(h[i]).toBeLessThanOrEqual(1);
    }
    expect(hill(0, 10, 2)).toBe(0);
  });

  it('gives the bits of Math.pow for the shapes it computes without it (1, 2, 1/2)', () => {
    // Values over 600 orders of magnitude (tiny ratios, subnormal squares, overflow to Infinity).
    const x = Array.from(
      { length: 4001 },
      (_, i) => 10 ** (-310 + (i * 620) / 4000) * (1 + i / 7e3),
    );
    for (const s of [1, 2, 0.5]) {
      const h = hillSaturation(x, 3.7, s);
      x.forEach((v, i) => {
        const r = Math.pow(v / 3.7, s);
        expect(Object.is(h[i], r / (1 + r))).toBe(true);
      });
    }
  });

  it('rejects k <= 0 and s <= 0', () => {
    expect(() => hillSaturation([1], 0, 1)).toThrow(/k must be > 0/);
    expect(() => hillSaturation([1], 1, 0)).toThrow(/shape s must be > 0/);
  });
});
