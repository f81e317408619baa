/**
 * Gradient histograms of a node: for feature f and bin b, grad[offsets[f] + b] is the sum of
 * the gradients and count[offsets[f] + b] the number of the node's rows in that bin (squared
 * error has hess = 1, so the count is also the hessian sum). Counts are kept as integers so the
 * split scan can index a 1 / (count + lambda) table. Only features sampled for the current
 * tree are written.
 */

export interface Histogram {
  grad: Float64Array;
  count: Int32Array;
}

/** Offsets of each feature's bins in a histogram; the last entry is the total number of bins. */
export function histogramOffsets(binCounts: Int32Array): Int32Array {
  const offsets = new Int32Array(binCounts.length + 1);
  for (let f = 0; f < binCounts.length; f++) offsets[f + 1] = offsets[f] + binCounts[f];
  return offsets;
}

export function newHistogram(totalBins: number): Histogram {
  return { grad: new Float64Array(totalBins), count: new Int32Array(totalBins) };
}

/**
 * Accumulates (grad, count)[f][bin(r)] += (g_r, 1) over the node's rows rows[start..end) for
 * each sampled feature. `orderedGrad[i]` is the gradient of rows[i] (gathered in node order so
 * the gradient read is sequential); `bins` is the column-major binned matrix with nRows rows.
 */
export function buildHistogram(
  hist: Histogram,
  offsets: Int32Array,
  bins: Uint8Array,
  nRows: number,
  features: Int32Array,
  nFeatures: number,
  rows: Int32Array,
  orderedGrad: Float64Array,
  start: number,
  end: number,
): void {
  const grad = hist.grad;
  const count = hist.count;
  // Two features per pass over the rows: each row's index and gradient are read once for both,
  // and the two scatters (disjoint bin ranges) overlap. Each bin still adds its rows' gradients in
  // row order, so every sum is the same to the bit as one feature per pass.
  let k = 0;
  for (; k + 1 < nFeatures; k += 2) {
    const f0 = features[k];
    const f1 = features[k + 1];
    const off0 = offsets[f0];
    const off1 = offsets[f1];
    grad.fill(0, off0, offsets[f0 + 1]);
    count.fill(0, off0, offsets[f0 + 1]);
    grad.fill(0, off1, offsets[f1 + 1]);
    count.fill(0, off1, offsets[f1 + 1]);
    const base0 = f0 * nRows;
    const base1 = f1 * nRows;
    for (let i = start; i < end; i++) {
      const r = rows[i];
      const g = orderedGrad[i];
      const b0 = off0 + bins[base0 + r];
      const b1 = off1 + bins[base1 + r];
      grad[b0] += g;
      count[b0]++;
      grad[b1] += g;
      count[b1]++;
    }
  }
  for (; k < nFeatures; k++) {
    const f = features[k];
    const off = offsets[f];
    grad.fill(0, off, offsets[f + 1]);
    count.fill(0, off, offsets[f + 1]);
    const base = f * nRows;
    for (let i = start; i < end; i++) {
      const b = off + bins[base + rows[i]];
      grad[b] += orderedGrad[i];
      count[b]++;
    }
  }
}

/** Subtraction trick: parent[f] -= child[f] in place, leaving the sibling's histogram. */
export function subtractHistogram(
  parent: Histogram,
  child: Histogram,
  offsets: Int32Array,
  features: Int32Array,
  nFeatures: number,
): void {
  const pg = parent.grad;
  const pc = parent.count;
  const cg = child.grad;
  const cc = child.count;
  for (let k = 0; k < nFeatures; k++) {
    const f = features[k];
    const endOff = offsets[f + 1];
    for (let i = offsets[f]; i < endOff; i++) {
      pg[i] -= cg[i];
      pc[i] -= cc[i];
    }
  }
}
