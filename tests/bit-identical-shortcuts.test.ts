/**
 * Shortcuts that must not move a bit (docs/intervals.md "Cost", docs/scaling.md "Many channels"):
 * predictRidge adding four columns per pass, hillSaturation reusing the previous row's value for a
 * repeated input, the explanation's DesignMemo sharing the product columns (media x weather,
 * weather squared) between counterfactual designs, medianPositive selecting its middle values
 * instead of sorting, and the GBM's histograms built two features per pass. Each is compared with
 * Object.is against the computation written out here the plain way (one column per pass, one power
 * per row, a fresh design per prediction, a full sort, one feature per pass).
 */
import { describe, expect, it } from 'vitest';
import { binTrainingRows } from '../src/core/gbm/index.js';
import { buildHistogram, histogramOffsets, newHistogram } from '../src/core/gbm/histogram.js';
import { SeededRandom } from '../src/core/random.js';
import { medianPositive, selectInPlace } from '../src/core/stats.js';
import { fitRidge, predictRidge } from '../src/core/ridge.js';
import { hillSaturation } from '../src/core/transforms.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { fitFinalModel, predictFinal } from '../src/phases/final.js';
import { figureVector } from '../src/phases/intervals.js';
import { DesignMemo } from '../src/phases/media.js';
import { constructedTenant } from './phase3-helpers.js';

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): void => {
  expect(a.length).toBe(b.length);
  let differ = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differ++;
  expect(differ).toBe(0);
};

describe('predictRidge, four columns per pass', () => {
  const rng = new SeededRandom(41);
  const n = 200;
  // 11 columns (two passes of four and three single ones), one with a zero weight.
  const columns = Array.from({ length: 11 }, () =>
    Float64Array.from({ length: n }, () => rng.normal(3, 2)),
  );
  const y = Float64Array.from(
    { length: n },
    (_, t) => columns[0][t] - 2 * columns[5][t] + rng.normal(),
  );
  const model = fitRidge(columns, y, { start: 0, end: n }, 0.5);
  model.coefStandardized[7] = 0;
  /** yhat_t = mean(y) + sum_j b_j (x_tj - mean_j) / scale_j, one column at a time. */
  const plain = (rows: readonly number[]): Float64Array => {
    const out = new Float64Array(rows.length).fill(model.yMean);
    for (let j = 0; j < columns.length; j++) {
      const w = model.coefStandardized[j] / model.scales[j];
      if (w === 0) continue;
      for (let i = 0; i < rows.length; i++) out[i] += w * (columns[j][rows[i]] - model.means[j]);
    }
    return out;
  };

  it('gives the one-column-per-pass sums to the bit, on a row range and on row indices', () => {
    const range = Array.from({ length: 120 }, (_, i) => 40 + i);
    sameBits(predictRidge(model, columns, { start: 40, end: 160 }), plain(range));
    const picked = [199, 3, 17, 17, 150, 0];
    sameBits(predictRidge(model, columns, picked), plain(picked));
  });
});

describe('hillSaturation of repeated values', () => {
  it('gives every row the value of its own power, runs of equal inputs included', () => {
    // A constant spend's adstock reaches a fixed point: long runs of one value, as in the
    // explanation's response curves; zeros and a negative in between.
    const x = new Float64Array(300);
    let a = 0;
    for (let t = 0; t < 300; t++) {
      a = (t % 97 === 50 ? 0 : 1800) + 0.6 * a;
      x[t] = t === 120 ? -1 : t % 97 === 51 ? 0 : a;
    }
    for (const s of [0.37, 1, 1.4, 2, 0.5]) {
      const k = 2100;
      const plain = Float64Array.from(x, (v) => {
        if (v <= 0) return 0;
        const r = Math.pow(v / k, s);
        return r / (1 + r);
      });
      sameBits(hillSaturation(x, k, s), plain);
      // In place (mediaTransform writes the Hill values over the adstock).
      const inPlace = Float64Array.from(x);
      sameBits(hillSaturation(inPlace, k, s, inPlace), plain);
    }
  });
});

describe("the explanation's DesignMemo", () => {
  it('predicts every counterfactual of one channel to the bit of a design built afresh', () => {
    const { series } = constructedTenant(
      [
        { decay: 0.4, kMult: 1, s: 1.3, beta: 2500 },
        { decay: 0.2, kMult: 0.7, s: 0.8, beta: 1500 },
        { decay: 0.6, kMult: 1.5, s: 1.8, beta: 3000 },
      ],
      { days: 400, noiseSd: 200, seed: 17 },
    );
    const model = fitFinalModel(series, 3);
    const memo = new DesignMemo();
    const n = series.target.length;
    const spends = [
      series.spend[1],
      new Float64Array(n),
      Float64Array.from(series.spend[1], (v) => v * 1.01),
      new Float64Array(n).fill(900),
    ];
    for (const spend of spends) {
      const s = { ...series, spend: series.spend.map((x, j) => (j === 1 ? spend : x)) };
      sameBits(predictFinal(model, s, memo), predictFinal(model, s));
    }
  });
});

describe('explanations of the figures alone (the bootstrap and window refits)', () => {
  it('give every figure of the full explanation to the bit, without caveats and notes', () => {
    const { series } = constructedTenant(
      [
        { decay: 0.4, kMult: 1, s: 1.3, beta: 2500 },
        { decay: 0.2, kMult: 0.7, s: 0.8, beta: 1500 },
        { decay: 0.6, kMult: 1.5, s: 1.8, beta: 3000 },
      ],
      { days: 400, noiseSd: 200, seed: 19 },
    );
    const model = fitFinalModel(series, 3);
    const full = explainFinalModel(series, model, null);
    const figures = explainFinalModel(series, model, null, { figuresOnly: true });
    sameBits(figureVector(figures), figureVector(full));
    expect(figureVector(full).length).toBeGreaterThan(50);
    // Everything but the caveats and notes is the same.
    expect({ ...figures, caveats: full.caveats, notes: full.notes }).toEqual(full);
    expect(figures.caveats).toEqual([]);
    expect(figures.notes).toEqual([]);
    expect(full.caveats.length + full.notes.length).toBeGreaterThan(0);
  });
});

describe('medianPositive by selection', () => {
  /** The positive values sorted, the middle one or the mean of the two middle ones. */
  const sortedMedian = (values: ArrayLike<number>, end: number): number => {
    const pos: number[] = [];
    for (let t = 0; t < end; t++) if (values[t] > 0) pos.push(values[t]);
    if (pos.length === 0) return Number.NaN;
    pos.sort((a, b) => a - b);
    const mid = pos.length >> 1;
    return pos.length % 2 ? pos[mid] : (pos[mid - 1] + pos[mid]) / 2;
  };

  it('gives the sorted median to the bit: ties, zeros, negatives, odd and even counts', () => {
    const rng = new SeededRandom(43);
    // Spend-like values: continuous, few distinct levels (many ties), on/off, and a wide range.
    const draws: (() => number)[] = [
      () => rng.normal(1, 1),
      () => Math.floor(rng.uniform(0, 5)),
      () => (rng.uniform(0, 1) < 0.5 ? 0 : 3),
      () => Math.exp(rng.uniform(-10, 10)),
    ];
    let cases = 0;
    for (let i = 0; i < 400; i++) {
      const n = 1 + Math.floor(rng.uniform(0, 260));
      const draw = draws[i % draws.length];
      const x = Float64Array.from({ length: n }, draw);
      const end = Math.floor(rng.uniform(0, n + 1));
      const copy = x.slice();
      expect(Object.is(medianPositive(x, end), sortedMedian(x, end))).toBe(true);
      sameBits(x, copy); // the input is not rearranged
      cases++;
    }
    expect(cases).toBe(400);
  });

  it('selectInPlace leaves the k-th smallest at k, no larger value before it, no smaller after', () => {
    const rng = new SeededRandom(47);
    for (let i = 0; i < 200; i++) {
      const n = 1 + Math.floor(rng.uniform(0, 120));
      // Many ties; + 0 turns a rounded -0 into 0 (selection, like <, does not order -0 before 0).
      const a = Float64Array.from({ length: n }, () => Math.round(rng.normal(0, 3)) + 0);
      const k = Math.floor(rng.uniform(0, n));
      const sorted = a.slice().sort();
      expect(Object.is(selectInPlace(a, k), sorted[k])).toBe(true);
      for (let j = 0; j < k; j++) expect(a[j] <= a[k]).toBe(true);
      for (let j = k + 1; j < n; j++) expect(a[j] >= a[k]).toBe(true);
      sameBits(a.slice().sort(), sorted); // a permutation of the input
    }
    expect(() => selectInPlace(new Float64Array(3), 3)).toThrow(RangeError);
  });
});

describe('GBM histograms, two features per pass over the rows', () => {
  it('give every bin the sums of one feature per pass, to the bit', () => {
    const rng = new SeededRandom(5);
    const m = 240;
    // Continuous, 2-level and 5-level features: bins shared by many rows and by few.
    const cols = Array.from({ length: 7 }, (_, f) =>
      Float64Array.from({ length: m }, () =>
        f % 3 === 0
          ? rng.normal()
          : f % 3 === 1
            ? Math.floor(rng.uniform(0, 2))
            : Math.floor(rng.uniform(0, 5)),
      ),
    );
    const all = Int32Array.from({ length: m }, (_, i) => i);
    const data = binTrainingRows(cols, all, 64);
    const offsets = histogramOffsets(data.binCounts);
    const total = offsets[cols.length];
    // A node's rows in a partitioned order and their gradients, as the grower holds them.
    const rows = Int32Array.from(all).sort((a, b) => ((a * 37) % m) - ((b * 37) % m));
    const grad = Float64Array.from({ length: m }, () => rng.normal(0, 1e3));
    for (const features of [Int32Array.of(0, 2, 3, 5, 6), Int32Array.of(1, 4), Int32Array.of(6)]) {
      const fast = newHistogram(total);
      // Stale values of a reused pool slot, which the build must overwrite.
      fast.grad.fill(Number.NaN);
      fast.count.fill(7);
      buildHistogram(fast, offsets, data.bins, m, features, features.length, rows, grad, 30, 200);
      const plain = newHistogram(total);
      plain.grad.fill(Number.NaN);
      plain.count.fill(7);
      for (const f of features) {
        for (let b = offsets[f]; b < offsets[f + 1]; b++) {
          plain.grad[b] = 0;
          plain.count[b] = 0;
        }
        for (let i = 30; i < 200; i++) {
          const b = offsets[f] + data.bins[f * m + rows[i]];
          plain.grad[b] += grad[i];
          plain.count[b]++;
        }
      }
      sameBits(fast.grad, plain.grad);
      sameBits(fast.count, plain.count);
    }
  });
});
