/**
 * Shortcuts that must not move a bit (docs/intervals.md "Cost"): predictRidge adding four columns
 * per pass, hillSaturation reusing the previous row's value for a repeated input, and the
 * explanation's DesignMemo sharing the product columns (media x weather, weather squared) between
 * counterfactual designs. Each is compared with Object.is against the computation written out
 * here the plain way (one column per pass, one power per row, a fresh design per prediction).
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../src/core/random.js';
import { fitRidge, predictRidge } from '../src/core/ridge.js';
import { hillSaturation } from '../src/core/transforms.js';
import { fitFinalModel, predictFinal } from '../src/phases/final.js';
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
