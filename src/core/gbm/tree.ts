/**
 * Best-first (leaf-wise) growth of one regression tree on binned data, as LightGBM: the leaf
 * whose best split has the largest gain is split next, until numLeaves leaves exist or no leaf
 * has a split above minGainToSplit; leaves at maxDepth or with fewer than 2 * minDataInLeaf
 * rows are never split. Histograms use the subtraction trick: only the child with fewer rows
 * is built from its rows; the other is parent - sibling.
 */

import type { BinnedMatrix } from './binning.js';
import {
  buildHistogram,
  histogramOffsets,
  newHistogram,
  subtractHistogram,
  type Histogram,
} from './histogram.js';
import type { GbmOptions } from './options.js';
import { findBestSplit, inverseCountTable, leafWeight, type SplitChoice } from './split.js';

/** Growable flat storage of all trees' nodes (same layout as GbmModel). */
export class ForestBuffer {
  nNodes = 0;
  treeStart: number[] = [0];
  feature: Int32Array;
  binThreshold: Int32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  gain: Float64Array;
  count: Int32Array;

  constructor(capacity: number) {
    this.feature = new Int32Array(capacity);
    this.binThreshold = new Int32Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
    this.gain = new Float64Array(capacity);
    this.count = new Int32Array(capacity);
  }

  /** Appends a leaf node and returns its absolute index. */
  addLeaf(value: number, count: number): number {
    const i = this.nNodes++;
    this.feature[i] = -1;
    this.binThreshold[i] = -1;
    this.left[i] = -1;
    this.right[i] = -1;
    this.value[i] = value;
    this.gain[i] = 0;
    this.count[i] = count;
    return i;
  }

  endTree(): void {
    this.treeStart.push(this.nNodes);
  }
}

/** Reusable buffers for growing trees on one binned training matrix. */
export class TreeGrower {
  private readonly m: number;
  private readonly offsets: Int32Array;
  private readonly pool: Histogram[] = [];
  private readonly freeSlots: number[] = [];
  /** Rows of the current tree, partitioned so each leaf owns a contiguous range. */
  readonly rows: Int32Array;
  /** Gradient of rows[i], moved along with rows during partitioning. */
  readonly orderedGrad: Float64Array;
  private readonly scratchRows: Int32Array;
  private readonly scratchGrad: Float64Array;
  // Per-leaf state, indexed by leaf number 0..numLeaves-1.
  private readonly leafNode: Int32Array;
  private readonly leafStart: Int32Array;
  private readonly leafEnd: Int32Array;
  private readonly leafDepth: Int32Array;
  private readonly leafSlot: Int32Array;
  private readonly leafG: Float64Array;
  private readonly splitFeature: Int32Array;
  private readonly splitBin: Int32Array;
  private readonly splitGain: Float64Array;
  private readonly splitLeftG: Float64Array;
  private readonly splitLeftCount: Int32Array;
  private readonly inverseCount: Float64Array;
  private readonly choice: SplitChoice = { feature: -1, bin: -1, gain: 0, leftG: 0, leftCount: 0 };

  constructor(
    private readonly data: BinnedMatrix,
    private readonly o: GbmOptions,
  ) {
    this.m = data.nRows;
    this.offsets = histogramOffsets(data.binCounts);
    this.inverseCount = inverseCountTable(this.m, o.lambdaL2);
    const L = o.numLeaves;
    this.rows = new Int32Array(this.m);
    this.orderedGrad = new Float64Array(this.m);
    this.scratchRows = new Int32Array(this.m);
    this.scratchGrad = new Float64Array(this.m);
    this.leafNode = new Int32Array(L);
    this.leafStart = new Int32Array(L);
    this.leafEnd = new Int32Array(L);
    this.leafDepth = new Int32Array(L);
    this.leafSlot = new Int32Array(L);
    this.leafG = new Float64Array(L);
    this.splitFeature = new Int32Array(L);
    this.splitBin = new Int32Array(L);
    this.splitGain = new Float64Array(L);
    this.splitLeftG = new Float64Array(L);
    this.splitLeftCount = new Int32Array(L);
  }

  private takeSlot(): number {
    const s = this.freeSlots.pop();
    if (s !== undefined) return s;
    this.pool.push(newHistogram(this.offsets[this.offsets.length - 1]));
    return this.pool.length - 1;
  }

  private canSplit(depth: number, count: number): boolean {
    return depth < this.o.maxDepth && count >= 2 * this.o.minDataInLeaf;
  }

  private findSplit(leaf: number, features: Int32Array, nFeatures: number): void {
    const c = this.choice;
    const count = this.leafEnd[leaf] - this.leafStart[leaf];
    findBestSplit(
      this.pool[this.leafSlot[leaf]],
      this.offsets,
      this.data.binCounts,
      features,
      nFeatures,
      this.leafG[leaf],
      count,
      this.o,
      this.inverseCount,
      c,
    );
    this.splitFeature[leaf] = c.feature;
    this.splitBin[leaf] = c.bin;
    this.splitGain[leaf] = c.gain;
    this.splitLeftG[leaf] = c.leftG;
    this.splitLeftCount[leaf] = c.leftCount;
  }

  private build(slot: number, leaf: number, features: Int32Array, nFeatures: number): void {
    buildHistogram(
      this.pool[slot],
      this.offsets,
      this.data.bins,
      this.m,
      features,
      nFeatures,
      this.rows,
      this.orderedGrad,
      this.leafStart[leaf],
      this.leafEnd[leaf],
    );
  }

  /** Stable partition of rows[start..end) (and their gradients): bin <= threshold first. */
  private partition(start: number, end: number, feature: number, bin: number): number {
    const bins = this.data.bins;
    const base = feature * this.m;
    const rows = this.rows;
    const grad = this.orderedGrad;
    let nl = start;
    let nr = 0;
    for (let i = start; i < end; i++) {
      const r = rows[i];
      if (bins[base + r] <= bin) {
        rows[nl] = r;
        grad[nl] = grad[i];
        nl++;
      } else {
        this.scratchRows[nr] = r;
        this.scratchGrad[nr] = grad[i];
        nr++;
      }
    }
    rows.set(this.scratchRows.subarray(0, nr), nl);
    grad.set(this.scratchGrad.subarray(0, nr), nl);
    return nl;
  }

  /**
   * Grows one tree on rows[0..nSampled) (with orderedGrad filled for them) using the sampled
   * features, appends its nodes to `forest`, and returns the root's node index.
   */
  grow(nSampled: number, features: Int32Array, nFeatures: number, forest: ForestBuffer): number {
    const o = this.o;
    const alpha = o.lambdaL1;
    const lambda = o.lambdaL2;
    const lr = o.learningRate;

    let g = 0;
    for (let i = 0; i < nSampled; i++) g += this.orderedGrad[i];
    const root = forest.addLeaf(lr * leafWeight(g, nSampled, alpha, lambda), nSampled);
    let nLeaves = 1;
    this.leafNode[0] = root;
    this.leafStart[0] = 0;
    this.leafEnd[0] = nSampled;
    this.leafDepth[0] = 0;
    this.leafG[0] = g;
    this.leafSlot[0] = -1;
    this.splitFeature[0] = -1;
    if (this.canSplit(0, nSampled)) {
      this.leafSlot[0] = this.takeSlot();
      this.build(this.leafSlot[0], 0, features, nFeatures);
      this.findSplit(0, features, nFeatures);
    }

    while (nLeaves < o.numLeaves) {
      // Leaf with the largest gain; strict > keeps the lowest leaf number on ties.
      let best = -1;
      let bestGain = -Infinity;
      for (let l = 0; l < nLeaves; l++) {
        if (this.splitFeature[l] >= 0 && this.splitGain[l] > bestGain) {
          bestGain = this.splitGain[l];
          best = l;
        }
      }
      if (best < 0) break;

      const f = this.splitFeature[best];
      const bin = this.splitBin[best];
      const start = this.leafStart[best];
      const end = this.leafEnd[best];
      const mid = this.partition(start, end, f, bin);
      const leftCount = mid - start;
      const rightCount = end - mid;
      const gl = this.splitLeftG[best];
      const gr = this.leafG[best] - gl;
      const depth = this.leafDepth[best] + 1;
      const parentSlot = this.leafSlot[best];

      const node = this.leafNode[best];
      const leftNode = forest.addLeaf(lr * leafWeight(gl, leftCount, alpha, lambda), leftCount);
      const rightNode = forest.addLeaf(lr * leafWeight(gr, rightCount, alpha, lambda), rightCount);
      forest.feature[node] = f;
      forest.binThreshold[node] = bin;
      forest.left[node] = leftNode;
      forest.right[node] = rightNode;
      forest.gain[node] = this.splitGain[best];

      // The split leaf becomes the left child; the right child is a new leaf.
      const lLeaf = best;
      const rLeaf = nLeaves++;
      this.leafNode[lLeaf] = leftNode;
      this.leafEnd[lLeaf] = mid;
      this.leafDepth[lLeaf] = depth;
      this.leafG[lLeaf] = gl;
      this.leafNode[rLeaf] = rightNode;
      this.leafStart[rLeaf] = mid;
      this.leafEnd[rLeaf] = end;
      this.leafDepth[rLeaf] = depth;
      this.leafG[rLeaf] = gr;
      this.splitFeature[lLeaf] = -1;
      this.splitFeature[rLeaf] = -1;
      this.leafSlot[lLeaf] = -1;
      this.leafSlot[rLeaf] = -1;

      if (nLeaves >= o.numLeaves) {
        this.freeSlots.push(parentSlot);
        break;
      }
      const smallLeaf = leftCount <= rightCount ? lLeaf : rLeaf;
      const largeLeaf = smallLeaf === lLeaf ? rLeaf : lLeaf;
      const smallSplits = this.canSplit(depth, Math.min(leftCount, rightCount));
      const largeSplits = this.canSplit(depth, Math.max(leftCount, rightCount));
      if (smallSplits || largeSplits) {
        const smallSlot = this.takeSlot();
        this.build(smallSlot, smallLeaf, features, nFeatures);
        if (largeSplits) {
          subtractHistogram(
            this.pool[parentSlot],
            this.pool[smallSlot],
            this.offsets,
            features,
            nFeatures,
          );
          this.leafSlot[largeLeaf] = parentSlot;
          this.findSplit(largeLeaf, features, nFeatures);
        } else {
          this.freeSlots.push(parentSlot);
        }
        if (smallSplits) {
          this.leafSlot[smallLeaf] = smallSlot;
          this.findSplit(smallLeaf, features, nFeatures);
        } else {
          this.freeSlots.push(smallSlot);
        }
      } else {
        this.freeSlots.push(parentSlot);
      }
    }
    // Return every histogram still held by a leaf to the pool for the next tree.
    for (let l = 0; l < nLeaves; l++)
      if (this.leafSlot[l] >= 0) this.freeSlots.push(this.leafSlot[l]);
    forest.endTree();
    return root;
  }
}
