/** Feature importance of a trained model: how often and how profitably each feature splits. */

import type { GbmModel } from './model.js';

export interface GbmFeatureImportance {
  /** Feature names (model's names, else x0, x1, ...), indexed by feature. */
  names: string[];
  /** Number of splits on each feature over all kept trees. */
  splits: number[];
  /** Sum of split gains S(L) + S(R) - S(parent) on each feature over all kept trees. */
  gain: number[];
}

/** Split-count and total-gain importance per feature (LightGBM importance_type split / gain). */
export function featureImportance(model: GbmModel): GbmFeatureImportance {
  const p = model.nFeatures;
  const splits = new Array<number>(p).fill(0);
  const gain = new Array<number>(p).fill(0);
  const nNodes = model.treeStart[model.nTrees];
  for (let node = 0; node < nNodes; node++) {
    const f = model.feature[node];
    if (f >= 0) {
      splits[f]++;
      gain[f] += model.gain[node];
    }
  }
  const names = model.featureNames ? [...model.featureNames] : splits.map((_, f) => `x${f}`);
  return { names, splits, gain };
}
