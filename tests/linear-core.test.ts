/** Numerical core of the linear phases against hand-computed values and independent references. */
import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  seasonalNaiveForecast,
  spendOnlyForecast,
  trainingMeanForecast,
} from '../src/core/baselines.js';
import { timeSeriesFolds } from '../src/core/folds.js';
import { choleskyInPlace, choleskySolveInPlace, solveSpd } from '../src/core/linalg.js';
import { mae, mape, mean, nrmse, populationStd, r2, rmse } from '../src/core/metrics.js';
import { SeededRandom } from '../src/core/random.js';
import { fitRidge, predictRidge, selectAlpha } from '../src/core/ridge.js';
import { momentsOf, PrefixMoments, standardScale } from '../src/core/standardize.js';
import { loadPeerJson } from './fixtures/peer/load.js';

describe('Cholesky', () => {
  it('factors the textbook matrix [[4,12,-16],[12,37,-43],[-16,-43,98]] into L = [[2,0,0],[6,1,0],[-8,5,3]]', () => {
    const a = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
    expect(choleskyInPlace(a, 3)).toBe(true);
    expect(Array.from(a)).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
    // A x = b with x = (1, 2, 3): b = A x = (-20, -43, 192)
    const x = choleskySolveInPlace(a, 3, Float64Array.from([-20, -43, 192]));
    [1, 2, 3].forEach((v, i) => expect(x[i]).toBeCloseTo(v, 12));
  });

  it('rejects a matrix that is not positive definite', () => {
    expect(choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
    expect(() => solveSpd(Float64Array.from([1, 1, 1, 1]), Float64Array.from([1, 1]), 2)).toThrow(
      /not positive definite/,
    );
  });
});

describe('Ridge', () => {
  it('matches the hand-computed one-feature fit', () => {
    // x = (1,2,3), y = (1,3,2): mean x 2, var 2/3, x~ = (-1,0,1)/s, X~'X~ = 3, X~'yc = 1/s,
    // b = 1/(s (3 + alpha)); alpha 1: raw coef = 1/(4 s^2) = 3/8, intercept = 2 - 2 * 3/8 = 1.25.
    const m = fitRidge(
      [Float64Array.from([1, 2, 3])],
      Float64Array.from([1, 3, 2]),
      { start: 0, end: 3 },
      1,
    );
    expect(m.coef[0]).toBeCloseTo(3 / 8, 14);
    expect(m.intercept).toBeCloseTo(1.25, 14);
    expect(m.scales[0]).toBeCloseTo(Math.sqrt(2 / 3), 14);
    const pred = predictRidge(m, [Float64Array.from([0, 4])], [0, 1]);
    expect(pred[0]).toBeCloseTo(1.25, 12);
    expect(pred[1]).toBeCloseTo(1.25 + 4 * (3 / 8), 12);
  });

  it('matches ml-matrix solve of the standardized normal equations', () => {
    const rng = new SeededRandom(7);
    const n = 60;
    const p = 4;
    const cols = Array.from({ length: p }, (_, j) =>
      Float64Array.from({ length: n }, () => rng.normal(j * 10, 1 + j)),
    );
    const y = Float64Array.from(
      { length: n },
      (_, t) => 3 * cols[0][t] - 2 * cols[2][t] + rng.normal(0, 2),
    );
    const alpha = 0.7;
    const train = { start: 0, end: 45 };
    const model = fitRidge(cols, y, train, alpha);
    // Independent reference: explicit two-pass standardization, dense matrices, ml-matrix LU solve.
    const rows = 45;
    const xs = new Matrix(rows, p);
    for (let j = 0; j < p; j++) {
      const c = cols[j].subarray(0, rows);
      const m = mean(c);
      const s = populationStd(c);
      for (let t = 0; t < rows; t++) xs.set(t, j, (c[t] - m) / s);
    }
    const ym = mean(y.subarray(0, rows));
    const yc = Matrix.columnVector(Array.from(y.subarray(0, rows), (v) => v - ym));
    const lhs = xs.transpose().mmul(xs).add(Matrix.eye(p).mul(alpha));
    const b = solve(lhs, xs.transpose().mmul(yc));
    for (let j = 0; j < p; j++) expect(model.coefStandardized[j]).toBeCloseTo(b.get(j, 0), 10);
    // Index rows give the same model as the range.
    const byIndex = fitRidge(
      cols,
      y,
      Array.from({ length: rows }, (_, i) => i),
      alpha,
    );
    for (let j = 0; j < p; j++) expect(byIndex.coef[j]).toBeCloseTo(model.coef[j], 12);
  });

  it('gives a constant column scale 1 and coefficient 0 (StandardScaler semantics)', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5]);
    const c = new Float64Array(5).fill(7);
    const m = fitRidge([x, c], Float64Array.from([2, 4, 6, 8, 10]), { start: 0, end: 5 }, 0.1);
    expect(m.scales[1]).toBe(1);
    expect(m.coef[1]).toBe(0);
    expect(standardScale(0, 7, 5)).toBe(1);
    expect(standardScale(4, 0, 5)).toBe(2);
  });

  it('prefix moments equal direct two-pass moments', () => {
    const rng = new SeededRandom(3);
    const cols = [Float64Array.from({ length: 100 }, () => 1e6 + rng.normal(0, 1))];
    const y = Float64Array.from({ length: 100 }, () => rng.normal(5, 2));
    const pm = new PrefixMoments(cols, y, [40, 100]);
    const direct = momentsOf(cols, y, { start: 0, end: 40 });
    expect(pm.at(40)).toEqual(direct);
    // Two-pass blocks keep the variance of a column with mean 1e6 and sd 1 accurate.
    const c = cols[0].subarray(0, 40);
    const m = mean(c);
    let ss = 0;
    for (const v of c) ss += (v - m) ** 2;
    expect(pm.at(40).comoment[0] / ss).toBeCloseTo(1, 10);
    expect(() => pm.at(41)).toThrow(/no prefix moments/);
  });

  it('selectAlpha rejects an empty grid and picks the better of two alphas on pure noise', () => {
    const rng = new SeededRandom(11);
    const cols = Array.from({ length: 10 }, () =>
      Float64Array.from({ length: 200 }, () => rng.normal()),
    );
    const y = Float64Array.from({ length: 200 }, () => rng.normal());
    expect(() => selectAlpha(cols, y, 200, [])).toThrow(/alpha grid is empty/);
    const sel = selectAlpha(cols, y, 200, [0.001, 1e6]);
    // Noise: heavy shrinkage wins (it predicts ~ the training mean).
    expect(sel.alpha).toBe(1e6);
    expect(sel.meanScores[1]).toBeGreaterThan(sel.meanScores[0]);
  });
});

describe('metrics by hand', () => {
  const actual = [1, 2, 3, 4];
  const pred = [1, 3, 2, 5];
  it('r2, rmse, mae, mape, nrmse', () => {
    // residuals 0, -1, 1, -1: SSres 3; SStot 5
    expect(r2(actual, pred)).toBeCloseTo(0.4, 15);
    expect(rmse(actual, pred)).toBeCloseTo(Math.sqrt(0.75), 15);
    expect(mae(actual, pred)).toBeCloseTo(0.75, 15);
    expect(mape(actual, pred)).toBeCloseTo((100 * (0 + 1 / 2 + 1 / 3 + 1 / 4)) / 4, 12);
    expect(nrmse(actual, pred)).toBeCloseTo(Math.sqrt(0.75) / 3, 15);
  });
  it('edge cases: zero actuals skipped in mape, constant actual in r2, length mismatch', () => {
    expect(mape([0, 2], [1, 1])).toBeCloseTo(50, 12);
    expect(Number.isNaN(mape([0, 0], [1, 1]))).toBe(true);
    expect(r2([2, 2], [2, 2])).toBe(1);
    expect(r2([2, 2], [2, 3])).toBe(0);
    expect(() => r2([1, 2], [1])).toThrow(/2 values but predicted has 1/);
    expect(populationStd([1, 3])).toBe(1);
  });
});

describe('folds match scikit-learn TimeSeriesSplit', () => {
  const sk = loadPeerJson<{ time_series_split: Record<string, number[][]> }>(
    'peer_alphas.json',
  ).time_series_split;
  for (const gap of [0, 7]) {
    it(`n=1095, 5 folds, gap ${gap}`, () => {
      const ours = timeSeriesFolds(1095, 5, gap).map((f) => [f.trainEnd, f.testStart, f.testEnd]);
      expect(ours).toEqual(sk[`n1095_k5_gap${gap}`]);
      expect(ours[0][2] - ours[0][1]).toBe(182);
    });
  }
});

describe('baselines by hand', () => {
  const y = Float64Array.from({ length: 30 }, (_, t) => t);
  const fold = { index: 0, trainEnd: 20, testStart: 20, testEnd: 25 };
  it('training mean and same weekday last week', () => {
    expect(Array.from(trainingMeanForecast(y, fold))).toEqual([9.5, 9.5, 9.5, 9.5, 9.5]);
    expect(Array.from(seasonalNaiveForecast(y, fold, 7))).toEqual([13, 14, 15, 16, 17]);
    const early = { index: 0, trainEnd: 4, testStart: 4, testEnd: 9 };
    // rows 4..6 have no value a week back: training mean (0+1+2+3)/4 = 1.5
    expect(Array.from(seasonalNaiveForecast(y, early, 7))).toEqual([1.5, 1.5, 1.5, 0, 1]);
  });
  it('spend-only linear recovers an exact linear relation with alpha 0', () => {
    const spend = Float64Array.from({ length: 30 }, (_, t) => (t * 7) % 11);
    const yy = Float64Array.from(spend, (s) => 2 * s + 3);
    const pred = spendOnlyForecast([spend], yy, fold, 0);
    for (let i = 0; i < 5; i++) expect(pred[i]).toBeCloseTo(yy[20 + i], 9);
  });
});
