/** Histogram GBM engine: hand-computed leaves, known functions, and tree-shape constraints. */
import { describe, expect, it } from 'vitest';
import {
  featureImportance,
  predictGbm,
  trainGbm,
  treeDepth,
  treeLeafCount,
  type GbmModel,
} from '../src/core/gbm/index.js';
import { SeededRandom } from '../src/core/random.js';

/** Exact single-tree settings: every row and feature, no shrinkage unless asked. */
const EXACT = { subsample: 1, colsampleByTree: 1, learningRate: 1, nEstimators: 1 } as const;

function columnsOf(n: number, p: number, draw: (f: number, i: number) => number): Float64Array[] {
  return Array.from({ length: p }, (_, f) =>
    Float64Array.from({ length: n }, (_, i) => draw(f, i)),
  );
}

function range(start: number, end: number): Int32Array {
  return Int32Array.from({ length: end - start }, (_, i) => start + i);
}

function r2(y: Float64Array, rows: Int32Array, pred: Float64Array): number {
  let mean = 0;
  for (const r of rows) mean += y[r];
  mean /= rows.length;
  let sse = 0;
  let sst = 0;
  rows.forEach((r, i) => {
    sse += (y[r] - pred[i]) ** 2;
    sst += (y[r] - mean) ** 2;
  });
  return 1 - sse / sst;
}

function rmse(y: Float64Array, pred: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i] - pred[i]) ** 2;
  return Math.sqrt(s / y.length);
}

/** Every leaf of every tree (node indices). */
function leaves(model: GbmModel): number[] {
  const out: number[] = [];
  for (let node = 0; node < model.feature.length; node++)
    if (model.feature[node] < 0) out.push(node);
  return out;
}

describe('hand-computed tree', () => {
  // x = 1..4, y = 0,0,10,10: base 5, grads (pred - y) = 5,5,-5,-5. Best split x <= 2.5:
  // left G = 10, H = 2, w = -T(10, 0.1) / (2 + 1) = -3.3; right w = +3.3;
  // gain = 2 * 9.9^2 / 3 - T(0)^2 / (4 + 1) = 65.34.
  const columns = [Float64Array.from([1, 2, 3, 4])];
  const y = Float64Array.from([0, 0, 10, 10]);
  const opts = { ...EXACT, minDataInLeaf: 1, lambdaL1: 0.1, lambdaL2: 1 };

  it('one split at the midpoint with the L1/L2 leaf values', () => {
    const model = trainGbm(columns, y, opts);
    expect(model.baseScore).toBe(5);
    expect(model.nTrees).toBe(1);
    expect(Array.from(model.feature)).toEqual([0, -1, -1]);
    expect(model.threshold[0]).toBe(2.5);
    expect(model.value[1]).toBe(-(10 - 0.1) / (2 + 1));
    expect(model.value[2]).toBe((10 - 0.1) / (2 + 1));
    expect(model.value[1]).toBeCloseTo(-3.3, 14);
    expect(model.gain[0]).toBeCloseTo((2 * 9.9 * 9.9) / 3, 12);
    expect(Array.from(model.count)).toEqual([4, 2, 2]);
    const pred = predictGbm(model, columns);
    expect(Array.from(pred)).toEqual([1, 1, 2, 2].map((node) => 5 + model.value[node]));
    pred.forEach((v, i) => expect(v).toBeCloseTo([1.7, 1.7, 8.3, 8.3][i], 14));
  });

  it('second round fits the residuals: 1.7 -> 1.7 - 3.3/3', () => {
    // Round 2 grads = +-1.7, G = +-3.4 per side, w = -T(3.4, 0.1) / 3 = -1.1.
    const model = trainGbm(columns, y, { ...opts, nEstimators: 2 });
    const pred = predictGbm(model, columns);
    const expected = [0.6, 0.6, 9.4, 9.4];
    pred.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  });

  it('L1 larger than |G| gives zero leaves and no split gain', () => {
    const model = trainGbm(columns, y, { ...opts, lambdaL1: 100 });
    expect(model.nTrees).toBe(1);
    expect(Array.from(model.feature)).toEqual([-1]);
    expect(predictGbm(model, columns)[0]).toBe(5);
  });
});

describe('known functions', () => {
  it('recovers a step y = [x0 > 0.3] with one depth-1 tree and boosting', () => {
    const n = 200;
    const rng = new SeededRandom(7);
    const columns = columnsOf(n, 3, (f, i) => (f === 0 ? (i + 0.5) / n : rng.uniform(0, 1)));
    const y = Float64Array.from(columns[0], (x) => (x > 0.3 ? 1 : 0));
    const stump = trainGbm(columns, y, { ...EXACT, maxDepth: 1 });
    expect(stump.feature[0]).toBe(0);
    expect(stump.threshold[0]).toBeGreaterThan(59.5 / n);
    expect(stump.threshold[0]).toBeLessThan(60.5 / n);
    expect(stump.threshold[0]).toBeCloseTo(0.3, 12);
    expect(Array.from(stump.count)).toEqual([200, 60, 140]);
    // All rows and features per tree (with row sampling a tree whose sample misses x = 0.2975
    // may cut one row early): every root splits at the step, and the residual of each side
    // shrinks by 1 - 0.05 H / (H + 1) per round until the L1 floor |G| <= 0.1, i.e. a mean
    // residual of at most 0.1 / 60 < 2e-3.
    const boosted = trainGbm(columns, y, { subsample: 1, colsampleByTree: 1 });
    for (let t = 0; t < boosted.nTrees; t++) {
      expect(boosted.feature[boosted.treeStart[t]]).toBe(0);
      expect(boosted.threshold[boosted.treeStart[t]]).toBe(stump.threshold[0]);
    }
    const pred = predictGbm(boosted, columns);
    for (let i = 0; i < n; i++) expect(Math.abs(pred[i] - y[i])).toBeLessThan(2e-3);
    // With the default sampling the fit is still near exact.
    expect(rmse(y, predictGbm(trainGbm(columns, y), columns))).toBeLessThan(0.03);
  });

  it('fits an additive y = sin(x0) + x1^2 (held-out R² > 0.95, importance on x0, x1)', () => {
    const n = 1000;
    const rng = new SeededRandom(11);
    const columns = columnsOf(n, 6, (f) => (f === 1 ? rng.uniform(-2, 2) : rng.uniform(-3, 3)));
    const y = Float64Array.from(
      { length: n },
      (_, i) => Math.sin(columns[0][i]) + columns[1][i] ** 2,
    );
    const names = ['x0', 'x1', 'n2', 'n3', 'n4', 'n5'];
    const model = trainGbm(columns, y, { trainEnd: 800, featureNames: names });
    const test = range(800, n);
    expect(r2(y, test, predictGbm(model, columns, test))).toBeGreaterThan(0.95);
    const imp = featureImportance(model);
    expect(imp.names).toEqual(names);
    const totalGain = imp.gain.reduce((a, b) => a + b, 0);
    expect((imp.gain[0] + imp.gain[1]) / totalGain).toBeGreaterThan(0.95);
    for (let f = 2; f < 6; f++) {
      expect(imp.gain[f]).toBeLessThan(imp.gain[0]);
      expect(imp.gain[f]).toBeLessThan(imp.gain[1]);
    }
    const totalSplits = imp.splits.reduce((a, b) => a + b, 0);
    expect(totalSplits).toBe(model.feature.filter((f) => f >= 0).length);
  });

  it('an XOR-like interaction needs depth 2: stumps fail, depth 2 succeeds', () => {
    const n = 1000;
    const rng = new SeededRandom(5);
    const columns = columnsOf(n, 3, () => rng.uniform(-1, 1));
    const y = Float64Array.from({ length: n }, (_, i) =>
      columns[0][i] * columns[1][i] > 0 ? 1 : -1,
    );
    const test = range(800, n);
    const fit = (maxDepth: number): number => {
      const model = trainGbm(columns, y, { trainEnd: 800, maxDepth, colsampleByTree: 1 });
      return r2(y, test, predictGbm(model, columns, test));
    };
    expect(fit(1)).toBeLessThan(0.1);
    expect(fit(2)).toBeGreaterThan(0.8);
  });
});

describe('tree constraints', () => {
  const n = 600;
  const rng = new SeededRandom(3);
  const columns = columnsOf(n, 8, () => rng.normal());
  const y = Float64Array.from(
    { length: n },
    (_, i) => columns[0][i] * columns[1][i] + Math.sin(3 * columns[2][i]) + rng.normal(0, 0.3),
  );

  it('respects maxDepth, numLeaves and minDataInLeaf in every tree', () => {
    const model = trainGbm(columns, y, {
      nEstimators: 30,
      maxDepth: 3,
      numLeaves: 6,
      minDataInLeaf: 30,
    });
    let reachedDepth = 0;
    let reachedLeaves = 0;
    for (let t = 0; t < model.nTrees; t++) {
      expect(treeDepth(model, t)).toBeLessThanOrEqual(3);
      expect(treeLeafCount(model, t)).toBeLessThanOrEqual(6);
      reachedDepth = Math.max(reachedDepth, treeDepth(model, t));
      reachedLeaves = Math.max(reachedLeaves, treeLeafCount(model, t));
    }
    expect(reachedDepth).toBe(3); // the limits bind, so the checks above are not vacuous
    expect(reachedLeaves).toBe(6);
    for (const leaf of leaves(model)) expect(model.count[leaf]).toBeGreaterThanOrEqual(30);
    // Each tree is grown on round(0.8 * 600) sampled rows.
    for (let t = 0; t < model.nTrees; t++) expect(model.count[model.treeStart[t]]).toBe(480);
  });

  it('numLeaves alone limits a deep leaf-wise tree', () => {
    const model = trainGbm(columns, y, {
      nEstimators: 5,
      maxDepth: 20,
      numLeaves: 4,
      minDataInLeaf: 5,
    });
    for (let t = 0; t < model.nTrees; t++) expect(treeLeafCount(model, t)).toBe(4);
  });

  it('children partition their parent and internal values are consistent', () => {
    const model = trainGbm(columns, y, { nEstimators: 10 });
    for (let node = 0; node < model.feature.length; node++) {
      if (model.feature[node] >= 0) {
        expect(model.count[model.left[node]] + model.count[model.right[node]]).toBe(
          model.count[node],
        );
        expect(model.gain[node]).toBeGreaterThan(0);
      }
    }
  });

  it('trainRows trains on a subset exactly as on copied rows', () => {
    const rows = Int32Array.from({ length: n / 2 }, (_, i) => 2 * i);
    const subset = trainGbm(columns, y, { nEstimators: 20, trainRows: rows });
    const copied = trainGbm(
      columns.map((c) => Float64Array.from(rows, (r) => c[r])),
      Float64Array.from(rows, (r) => y[r]),
      { nEstimators: 20 },
    );
    expect(Array.from(subset.value)).toEqual(Array.from(copied.value));
    expect(Array.from(subset.threshold)).toEqual(Array.from(copied.threshold));
    const prefix = trainGbm(columns, y, { nEstimators: 20, trainEnd: 300 });
    const prefixRows = trainGbm(columns, y, { nEstimators: 20, trainRows: range(0, 300) });
    expect(Array.from(prefix.value)).toEqual(Array.from(prefixRows.value));
  });

  it('breaks exact gain ties by the lowest feature index', () => {
    // Column 1 duplicates column 2 and column 3 duplicates column 0: equal gains everywhere.
    const dup = [columns[0], columns[2], columns[2], columns[0]];
    const model = trainGbm(dup, y, { nEstimators: 10, colsampleByTree: 1 });
    for (let node = 0; node < model.feature.length; node++) {
      expect([-1, 0, 1]).toContain(model.feature[node]);
    }
  });

  it('thresholds come from training rows only', () => {
    // Test rows hold huge values: a split threshold never exceeds the largest training value.
    const cols = columns.map((c) => Float64Array.from(c, (v, i) => (i >= 400 ? v * 1e6 : v)));
    const model = trainGbm(cols, y, { nEstimators: 10, trainEnd: 400 });
    for (let node = 0; node < model.feature.length; node++) {
      const f = model.feature[node];
      if (f >= 0) expect(Math.abs(model.threshold[node])).toBeLessThan(10);
    }
  });
});
