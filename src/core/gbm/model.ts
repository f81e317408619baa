/** The trained boosting model as flat typed arrays, and fast batch prediction on raw values. */

import type { GbmOptions } from './options.js';

/**
 * A trained model. Trees are stored back to back: tree t owns nodes
 * [treeStart[t], treeStart[t + 1]), its root first; child indices are absolute node indices.
 * A node is a leaf when feature[node] < 0. An internal node sends a row left when
 * x[feature] <= threshold, right otherwise (NaN goes right).
 */
export interface GbmModel {
  format: 'weathervane-gbm';
  version: 1;
  nFeatures: number;
  featureNames: string[] | null;
  /** Mean of y on the training rows; every prediction starts from it. */
  baseScore: number;
  /** Options the model was trained with (after defaults). */
  options: GbmOptions;
  nTrees: number;
  treeStart: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf output with shrinkage applied; internal nodes hold the value they would have as leaves. */
  value: Float64Array;
  /** Split gain S(L) + S(R) - S(parent) of internal nodes, 0 on leaves. */
  gain: Float64Array;
  /** Sampled training rows that reached the node while the tree was grown. */
  count: Int32Array;
  /** 0-based round kept last: the model has bestIteration + 1 trees. */
  bestIteration: number;
  /** RMSE on all training rows after each round that was run (before truncation). */
  trainRmse: Float64Array;
  /** Validation RMSE after each round that was run, or null without a validation set. */
  validRmse: Float64Array | null;
}

/** Number of nodes of tree t and its depth (longest root-to-leaf path in edges). */
export function treeDepth(model: GbmModel, t: number): number {
  const root = model.treeStart[t];
  let maxDepth = 0;
  const stack: number[] = [root, 0];
  while (stack.length > 0) {
    const d = stack.pop() as number;
    const node = stack.pop() as number;
    if (model.feature[node] < 0) {
      if (d > maxDepth) maxDepth = d;
    } else {
      stack.push(model.left[node], d + 1, model.right[node], d + 1);
    }
  }
  return maxDepth;
}

/** Number of leaves of tree t. */
export function treeLeafCount(model: GbmModel, t: number): number {
  let leaves = 0;
  for (let node = model.treeStart[t]; node < model.treeStart[t + 1]; node++) {
    if (model.feature[node] < 0) leaves++;
  }
  return leaves;
}

/**
 * Prediction = baseScore + sum over trees of the leaf value each row reaches, for the given
 * rows (original indices into the columns; all rows when omitted). Trees are the outer loop so
 * one tree's nodes stay in cache while every row walks it; the sum is taken in tree order,
 * which is also the order used during training, so results are bit-identical to it.
 */
export function predictGbm(
  model: GbmModel,
  columns: Float64Array[],
  rows?: Int32Array,
): Float64Array {
  if (columns.length !== model.nFeatures) {
    throw new RangeError(
      `model has ${model.nFeatures} features but ${columns.length} columns were given`,
    );
  }
  const n = rows ? rows.length : columns.length > 0 ? columns[0].length : 0;
  const out = new Float64Array(n).fill(model.baseScore);
  const { feature, threshold, left, right, value, treeStart } = model;
  for (let t = 0; t < model.nTrees; t++) {
    const root = treeStart[t];
    for (let i = 0; i < n; i++) {
      const row = rows ? rows[i] : i;
      let node = root;
      let f = feature[node];
      while (f >= 0) {
        node = columns[f][row] <= threshold[node] ? left[node] : right[node];
        f = feature[node];
      }
      out[i] += value[node];
    }
  }
  return out;
}
