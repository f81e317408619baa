// The plan-curve fit's sums in WebAssembly SIMD and its four-column passes (session 55, issue 16):
// result-preserving changes, so each is compared bit for bit with the direct computation.
import { afterEach, describe, expect, it } from 'vitest';
import { generateShape, shapeSpecOf } from '../src/core/data/index.js';
import { CancelledError, runCancellable } from '../src/core/cancel.js';
import { SeededRandom } from '../src/core/random.js';
import {
  acquireDotArena,
  blockDotsInto,
  dotsInto,
  releaseDotArena,
  useSimdDots,
} from '../src/core/simd-dots.js';
import { hillSaturation } from '../src/core/transforms.js';
import { centredTrialColumns, fitPlanCurves } from '../src/plan/curves.js';

/** The sum over t < n of a[t] b[t] with two accumulators (even, odd rows), as the fit sums it. */
function twoAccumulatorDot(a: Float64Array, b: Float64Array, n: number): number {
  let even = 0;
  let odd = 0;
  for (let t = 0; t < n; t++) {
    if (t % 2 === 0) even += a[t] * b[t];
    else odd += a[t] * b[t];
  }
  return even + odd;
}

/** Values over many magnitudes and both signs, so that rounding differs between sum orders. */
function fill(x: Float64Array, rng: SeededRandom): void {
  for (let t = 0; t < x.length; t++)
    x[t] = (rng.uniform(0, 1) - 0.5) * 10 ** (6 * rng.uniform(0, 1) - 3);
}

afterEach(() => {
  useSimdDots(true);
});

describe('the SIMD dot kernels', () => {
  it('sum with the bits of the two-accumulator loop, in every shape the fit uses', () => {
    const rng = new SeededRandom(13_300);
    let orderMatters = false;
    for (const n of [1, 2, 3, 8, 101, 1_095, 3_651]) {
      const cols = acquireDotArena(12, n);
      expect(cols).not.toBeNull();
      try {
        for (const c of cols!) fill(c, rng);
        // Sanity: on these values a single accumulator would give other bits somewhere.
        let single = 0;
        for (let t = 0; t < n; t++) single += cols![0][t] * cols![1][t];
        if (single !== twoAccumulatorDot(cols![0], cols![1], n)) orderMatters = true;
        for (let m = 1; m <= 9; m++) {
          const out = new Float64Array(m);
          expect(dotsInto(cols![0], cols!.slice(1, 1 + m), n, out)).toBe(true);
          for (let k = 0; k < m; k++)
            expect(Object.is(out[k], twoAccumulatorDot(cols![0], cols![1 + k], n))).toBe(true);
        }
        for (let I = 1; I <= 5; I++) {
          for (let L = 1; L <= 6; L++) {
            const as = cols!.slice(0, I);
            const bs = cols!.slice(6, 6 + L);
            for (const [si, sl] of [
              [L, 1],
              [1, I],
            ]) {
              const out = new Float64Array(3 + I * L).fill(Number.NaN);
              expect(blockDotsInto(as, bs, n, out, 3, si, sl)).toBe(true);
              for (let i = 0; i < I; i++)
                for (let l = 0; l < L; l++) {
                  const want = twoAccumulatorDot(as[i], bs[l], n);
                  expect(Object.is(out[3 + i * si + l * sl], want)).toBe(true);
                }
            }
          }
        }
      } finally {
        releaseDotArena();
      }
    }
    expect(orderMatters).toBe(true);
  });

  it('sums nothing for columns outside the arena, gives one arena at a time, none when off', () => {
    const n = 10;
    const cols = acquireDotArena(2, n);
    expect(cols).not.toBeNull();
    expect(acquireDotArena(2, n)).toBeNull();
    const outside = new Float64Array(n).fill(1);
    const out = new Float64Array(2).fill(7);
    expect(dotsInto(cols![0], [outside], n, out)).toBe(false);
    expect(dotsInto(outside, [cols![0]], n, out)).toBe(false);
    expect(blockDotsInto([cols![0]], [outside], n, out, 0, 1, 1)).toBe(false);
    expect(Array.from(out)).toEqual([7, 7]);
    releaseDotArena();
    // Released: its columns are no arena's any more.
    expect(dotsInto(cols![0], [cols![1]], n, out)).toBe(false);
    useSimdDots(false);
    try {
      expect(acquireDotArena(2, n)).toBeNull();
    } finally {
      useSimdDots(true);
    }
    const again = acquireDotArena(2, n);
    expect(again).not.toBeNull();
    expect(Array.from(again![0])).toEqual(new Array(n).fill(0));
    releaseDotArena();
  });
});

describe('the plan-curve fit with the SIMD sums and four-column passes', () => {
  it("makes a trial's centred columns with the bits of one column at a time", () => {
    const rng = new SeededRandom(13_301);
    const n = 733;
    const adstock = new Float64Array(n);
    for (let t = 0; t < n; t++) adstock[t] = t % 17 === 0 ? 0 : 50 * rng.uniform(0, 1);
    const weather = Array.from({ length: 6 }, () => {
      const w = new Float64Array(n);
      fill(w, rng);
      return w;
    });
    for (let g = 1; g <= 7; g++) {
      const cols = Array.from({ length: g }, () => new Float64Array(n));
      const means = new Float64Array(g);
      centredTrialColumns(adstock, 12.5, 1.5, new Float64Array(n), weather, cols, means, n, g);
      const h = hillSaturation(adstock, 12.5, 1.5);
      for (let i = 0; i < g; i++) {
        const v = Float64Array.from(h, (x, t) => (i === 0 ? x : x * weather[i - 1][t]));
        let m = 0;
        for (let t = 0; t < n; t++) m += v[t];
        m /= n;
        expect(Object.is(means[i], m)).toBe(true);
        for (let t = 0; t < n; t++) expect(Object.is(cols[i][t], v[t] - m)).toBe(true);
      }
    }
  });

  it('fits the same curves, to the bit, with the SIMD sums as with JavaScript loops', () => {
    const spec = shapeSpecOf('simd_s13302_0', 13_302, {
      frequency: 'daily',
      years: 1,
      channels: 4,
      correlation: 0.5,
    });
    const series = generateShape(spec, { seed: 13_302 }).series;
    const start = Object.fromEntries(
      series.channels.map((c) => [c, { decay: 0.5, k_mult: 1, s: 1 }]),
    );
    // Groups of 1, 2, 4 and 5 columns (0, 1, 3 and 4 weather columns): the kernels' 2 x 4, 2 x 1,
    // 1 x 4 and 1 x 1 blocks and the four-column passes with and without a remainder.
    for (const w of [0, 1, 3, 4]) {
      const options = {
        weather: series.weatherNames.slice(0, w),
        sweeps: 1,
        localRounds: 1,
        simplify: 1,
      };
      const simd = fitPlanCurves(series, start, options);
      useSimdDots(false);
      let plain;
      try {
        plain = fitPlanCurves(series, start, options);
      } finally {
        // Back on whatever happens: the file's later tests use the kernels.
        useSimdDots(true);
      }
      expect(JSON.stringify(simd)).toBe(JSON.stringify(plain));
      expect(Object.is(simd.score, plain.score)).toBe(true);
    }
  });

  it('gives its arena back when the fit stops (a cancelled plan)', () => {
    const spec = shapeSpecOf('simd_s13303_0', 13_303, {
      frequency: 'weekly',
      years: 1,
      channels: 3,
      correlation: 0.5,
    });
    const series = generateShape(spec, { seed: 13_303 }).series;
    const start = Object.fromEntries(
      series.channels.map((c) => [c, { decay: 0.5, k_mult: 1, s: 1 }]),
    );
    const raised = new Int32Array(new SharedArrayBuffer(4));
    raised[0] = 1;
    expect(() => runCancellable(raised, () => fitPlanCurves(series, start))).toThrow(
      CancelledError,
    );
    const cols = acquireDotArena(1, 4);
    expect(cols).not.toBeNull();
    releaseDotArena();
  });
});
