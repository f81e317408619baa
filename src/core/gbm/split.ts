/** Leaf values and split gains of second-order boosting with L1/L2 penalties. */

import type { Histogram } from './histogram.js';

/** Soft threshold T(g, alpha) = sign(g) * max(|g| - alpha, 0) (XGBoost/LightGBM L1 penalty). */
export function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

/**
 * Optimal leaf weight w = -T(G, alpha) / (H + lambda) (before shrinkage); exactly +0 when
 * T = 0, so no -0 appears (JSON would write it as 0 and break the bit-exact round trip).
 */
export function leafWeight(g: number, h: number, alpha: number, lambda: number): number {
  const t = thresholdL1(g, alpha);
  return t === 0 ? 0 : -t / (h + lambda);
}

/** Best split of one node found by `findBestSplit`; feature -1 when nothing beats the minimum. */
export interface SplitChoice {
  feature: number;
  /** Rows with bin <= bin go left. */
  bin: number;
  gain: number;
  /** Gradient sum and row count (= hessian sum, hess is 1) on the left side. */
  leftG: number;
  leftCount: number;
}

export interface SplitConstraints {
  lambdaL1: number;
  lambdaL2: number;
  minDataInLeaf: number;
  minSumHessianInLeaf: number;
  minGainToSplit: number;
}

/**
 * Scans the histogram of a node over the given features (ascending) and bins (ascending) for
 * the split with the largest gain = S(L) + S(R) - S(parent), with the structure score
 * S = T(G, alpha)^2 / (H + lambda); only gains strictly
 * above minGainToSplit (and above the best so far) count, so ties go to the lowest feature index
 * and then the lowest bin. Rows with bin <= b go left. Squared error has hess = 1, so a side's
 * hessian sum is its row count and S = T(G)^2 * inverseCount[count] with
 * inverseCount[c] = 1 / (c + lambdaL2) (a table lookup instead of a division per bin).
 * Empty bins are not skipped: they repeat the previous partition, whose gain is not strictly
 * larger, and a data-dependent skip branch costs more than the arithmetic.
 */
export function findBestSplit(
  hist: Histogram,
  offsets: Int32Array,
  binCounts: Int32Array,
  features: Int32Array,
  nFeatures: number,
  totalG: number,
  totalCount: number,
  c: SplitConstraints,
  inverseCount: Float64Array,
  out: SplitChoice,
): void {
  const alpha = c.lambdaL1;
  // hess = 1 per row, so a child's hessian sum is its count: the larger bound wins.
  const minCount = Math.max(c.minDataInLeaf, Math.ceil(c.minSumHessianInLeaf));
  const tp = thresholdL1(totalG, alpha);
  const parentScore = tp * tp * inverseCount[totalCount];
  const grad = hist.grad;
  const count = hist.count;
  let bestGain = c.minGainToSplit;
  let bestFeature = -1;
  let bestBin = -1;
  let bestLeftG = 0;
  let bestLeftCount = 0;
  for (let k = 0; k < nFeatures; k++) {
    const f = features[k];
    const nb = binCounts[f];
    if (nb < 2) continue;
    const off = offsets[f];
    const last = off + nb - 1;
    let gl = 0;
    let cl = 0;
    for (let i = off; i < last; i++) {
      gl += grad[i];
      cl += count[i];
      if (cl < minCount) continue;
      const cr = totalCount - cl;
      if (cr < minCount) break;
      const gr = totalG - gl;
      const tl = gl > alpha ? gl - alpha : gl < -alpha ? gl + alpha : 0;
      const tr = gr > alpha ? gr - alpha : gr < -alpha ? gr + alpha : 0;
      const gain = tl * tl * inverseCount[cl] + tr * tr * inverseCount[cr] - parentScore;
      if (gain > bestGain) {
        bestGain = gain;
        bestFeature = f;
        bestBin = i - off;
        bestLeftG = gl;
        bestLeftCount = cl;
      }
    }
  }
  out.feature = bestFeature;
  out.bin = bestBin;
  out.gain = bestFeature >= 0 ? bestGain : 0;
  out.leftG = bestLeftG;
  out.leftCount = bestLeftCount;
}

/** Table 1 / (c + lambda) for counts c = 0..n, so the split scan multiplies instead of divides. */
export function inverseCountTable(n: number, lambda: number): Float64Array {
  const t = new Float64Array(n + 1);
  for (let c = 0; c <= n; c++) t[c] = 1 / (c + lambda);
  return t;
}
