/** Gradient boosting of regression trees for squared error, with early stopping on a validation set. */

import { checkCancelled } from '../cancel.js';
import { rmse } from '../metrics.js';
import { SeededRandom } from '../random.js';
import { binTrainingRows } from './binning.js';
import type { GbmModel } from './model.js';
import { validateGbmOptions, type GbmOptions } from './options.js';
import { ForestBuffer, TreeGrower } from './tree.js';

/** A validation set: its own columns (same features) and targets, optionally a row subset. */
export interface GbmValidationSet {
  columns: Float64Array[];
  y: Float64Array;
  rows?: Int32Array;
}

export interface GbmTrainInput {
  /** Original row indices to train on (default: all rows, or 0..trainEnd-1). */
  trainRows?: Int32Array;
  /** Train on rows [0, trainEnd) (a time-series prefix) without copying. */
  trainEnd?: number;
  valid?: GbmValidationSet;
  featureNames?: string[];
}

export type GbmTrainOptions = Partial<GbmOptions> & GbmTrainInput;

function checkRows(rows: Int32Array, n: number, what: string): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r < 0 || r >= n) throw new RangeError(`${what} row index ${r} is outside [0, ${n - 1}]`);
  }
}

function checkColumns(columns: Float64Array[], y: Float64Array, what: string): number {
  if (columns.length === 0) throw new RangeError(`${what} needs at least one feature column`);
  const n = y.length;
  for (let f = 0; f < columns.length; f++) {
    if (columns[f].length !== n) {
      throw new RangeError(`${what} column ${f} has ${columns[f].length} rows but y has ${n}`);
    }
  }
  return n;
}

function allRows(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/**
 * Selection sampling (Knuth's Algorithm S): k of 0..n-1 without replacement, in ascending
 * order, each subset equally likely; row i is taken with probability (still needed)/(left).
 */
function sampleSorted(rng: SeededRandom, n: number, k: number, out: Int32Array): void {
  let need = k;
  let s = 0;
  for (let i = 0; i < n && need > 0; i++) {
    if (rng.next() * (n - i) < need) {
      out[s++] = i;
      need--;
    }
  }
}

/**
 * Fits baseScore + sum_t tree_t(x) to y by gradient boosting on squared error
 * (grad = prediction - y, hess = 1; Friedman 2001, with the second-order leaf weights and
 * gains of XGBoost, Chen & Guestrin 2016, and LightGBM's histogram and leaf-wise growth,
 * Ke et al. 2017). Each tree sees a seeded sample of rows (subsample) and features
 * (colsampleByTree). With `valid`, training stops after earlyStoppingRounds rounds without a
 * strictly lower validation RMSE and the model keeps the trees up to the best round.
 */
export function trainGbm(
  columns: Float64Array[],
  y: Float64Array,
  options: GbmTrainOptions = {},
): GbmModel {
  const { trainRows, trainEnd, valid, featureNames, ...hyper } = options;
  const o = validateGbmOptions(hyper);
  const n = checkColumns(columns, y, 'training data');
  const p = columns.length;
  if (featureNames !== undefined && featureNames.length !== p) {
    throw new RangeError(
      `featureNames has ${featureNames.length} names but there are ${p} columns`,
    );
  }
  if (trainRows !== undefined && trainEnd !== undefined) {
    throw new RangeError('give either trainRows or trainEnd, not both');
  }
  let rows: Int32Array;
  if (trainRows !== undefined) {
    checkRows(trainRows, n, 'training');
    rows = trainRows;
  } else if (trainEnd !== undefined) {
    if (!Number.isInteger(trainEnd) || trainEnd < 1 || trainEnd > n) {
      throw new RangeError(`trainEnd must be an integer in [1, ${n}] (got ${trainEnd})`);
    }
    rows = allRows(trainEnd);
  } else {
    rows = allRows(n);
  }
  const m = rows.length;
  if (m < 1) throw new RangeError('training needs at least one row');
  const yTrain = new Float64Array(m);
  let ySum = 0;
  for (let r = 0; r < m; r++) {
    const v = y[rows[r]];
    if (!Number.isFinite(v))
      throw new RangeError(`y at training row ${rows[r]} is not finite (got ${v})`);
    yTrain[r] = v;
    ySum += v;
  }
  const baseScore = ySum === 0 ? 0 : ySum / m; // +0, never -0 (JSON cannot carry -0)

  let validRows: Int32Array | null = null;
  if (valid) {
    if (valid.columns.length !== p) {
      throw new RangeError(
        `validation set has ${valid.columns.length} columns but training has ${p}`,
      );
    }
    const nv = checkColumns(valid.columns, valid.y, 'validation data');
    validRows = valid.rows ?? allRows(nv);
    checkRows(validRows, nv, 'validation');
    if (validRows.length < 1) throw new RangeError('validation set needs at least one row');
  }

  const data = binTrainingRows(columns, rows, o.maxBins);
  const grower = new TreeGrower(data, o);
  const forest = new ForestBuffer(o.nEstimators * (2 * o.numLeaves - 1));
  const rng = new SeededRandom(o.seed);
  const nSampledRows = Math.max(1, Math.round(o.subsample * m));
  const nSampledFeatures = Math.max(1, Math.round(o.colsampleByTree * p));
  const features = new Int32Array(p);
  const pred = new Float64Array(m).fill(baseScore);
  const grad = new Float64Array(m);
  const bins = data.bins;
  const validPred = validRows ? new Float64Array(validRows.length).fill(baseScore) : null;
  // The validation targets in validPred's order, gathered once (core/metrics rmse is aligned).
  const validY = validRows && valid ? Float64Array.from(validRows, (r) => valid.y[r]) : null;
  const trainCurve: number[] = [];
  const validCurve: number[] = [];
  let bestIteration = 0;
  let bestValid = Infinity;

  for (let t = 0; t < o.nEstimators; t++) {
    checkCancelled();
    for (let r = 0; r < m; r++) grad[r] = pred[r] - yTrain[r];
    if (nSampledFeatures < p) sampleSorted(rng, p, nSampledFeatures, features);
    else for (let f = 0; f < p; f++) features[f] = f;
    const sampled = grower.rows;
    if (nSampledRows < m) sampleSorted(rng, m, nSampledRows, sampled);
    else for (let r = 0; r < m; r++) sampled[r] = r;
    for (let i = 0; i < nSampledRows; i++) grower.orderedGrad[i] = grad[sampled[i]];

    const root = grower.grow(nSampledRows, features, nSampledFeatures, forest);

    // Every training row (sampled or not) walks the new tree on its bins.
    const { feature, binThreshold, left, right, value } = forest;
    for (let r = 0; r < m; r++) {
      let node = root;
      let f = feature[node];
      while (f >= 0) {
        node = bins[f * m + r] <= binThreshold[node] ? left[node] : right[node];
        f = feature[node];
      }
      pred[r] += value[node];
    }
    trainCurve.push(rmse(yTrain, pred));

    if (valid && validRows && validPred && validY) {
      const vc = valid.columns;
      const th = thresholdsOf(forest, data.features, root);
      for (let i = 0; i < validRows.length; i++) {
        const row = validRows[i];
        let node = root;
        let f = feature[node];
        while (f >= 0) {
          node = vc[f][row] <= th[node - root] ? left[node] : right[node];
          f = feature[node];
        }
        validPred[i] += value[node];
      }
      const score = rmse(validY, validPred);
      validCurve.push(score);
      if (score < bestValid) {
        bestValid = score;
        bestIteration = t;
      } else if (t - bestIteration >= o.earlyStoppingRounds) {
        break;
      }
    } else {
      bestIteration = t;
    }
  }

  const nTrees = bestIteration + 1;
  const nNodes = forest.treeStart[nTrees];
  const threshold = new Float64Array(nNodes);
  for (let node = 0; node < nNodes; node++) {
    const f = forest.feature[node];
    threshold[node] = f >= 0 ? data.features[f].upper[forest.binThreshold[node]] : 0;
  }
  return {
    format: 'weathervane-gbm',
    version: 1,
    nFeatures: p,
    featureNames: featureNames ? [...featureNames] : null,
    baseScore,
    options: o,
    nTrees,
    treeStart: Int32Array.from(forest.treeStart.slice(0, nTrees + 1)),
    feature: forest.feature.slice(0, nNodes),
    threshold,
    left: forest.left.slice(0, nNodes),
    right: forest.right.slice(0, nNodes),
    value: forest.value.slice(0, nNodes),
    gain: forest.gain.slice(0, nNodes),
    count: forest.count.slice(0, nNodes),
    bestIteration,
    trainRmse: Float64Array.from(trainCurve),
    validRmse: valid ? Float64Array.from(validCurve) : null,
  };
}

/** Raw-value thresholds of the nodes of the tree rooted at `root` (the last tree of the forest). */
function thresholdsOf(
  forest: ForestBuffer,
  features: { upper: Float64Array }[],
  root: number,
): Float64Array {
  const th = new Float64Array(forest.nNodes - root);
  for (let node = root; node < forest.nNodes; node++) {
    const f = forest.feature[node];
    th[node - root] = f >= 0 ? features[f].upper[forest.binThreshold[node]] : 0;
  }
  return th;
}
