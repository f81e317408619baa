/** Quantile binning of raw feature values into at most 255 bins (one byte per value). */

/** Bin upper bounds of one feature: value x falls in the first bin b with x <= upper[b]. */
export interface FeatureBins {
  /** Increasing; the last entry is +Infinity so every value has a bin. */
  upper: Float64Array;
}

/** Binned training matrix: column-major bytes over the training rows only (local indices). */
export interface BinnedMatrix {
  /** Number of training rows (local row r is original row rows[r]). */
  nRows: number;
  nFeatures: number;
  /** bins[f * nRows + r] = bin of feature f at local row r. */
  bins: Uint8Array;
  features: FeatureBins[];
  /** Number of bins of each feature (upper.length). */
  binCounts: Int32Array;
}

/** Midpoint of two consecutive distinct values, kept strictly below the upper one. */
function cutBetween(lo: number, hi: number): number {
  const mid = lo + (hi - lo) / 2;
  const cut = mid < hi ? mid : lo;
  return cut === 0 ? 0 : cut; // never -0, which JSON cannot carry
}

/**
 * Bin upper bounds for one feature from its training values, sorted ascending.
 * Fewer than maxBins distinct values: one bin per distinct value, bounds at midpoints.
 * Otherwise quantile bins: walking the distinct values in order, a bound is placed after
 * value i whenever the cumulative count crosses the next multiple of n / maxBins (as
 * LightGBM's equal-frequency binning), so ties never straddle a bound and there are at most
 * maxBins bins.
 */
export function featureBinsFromSorted(sorted: Float64Array, maxBins: number): FeatureBins {
  const n = sorted.length;
  const bounds: number[] = [];
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= maxBins) {
    for (let i = 1; i < n; i++) {
      if (sorted[i] !== sorted[i - 1]) bounds.push(cutBetween(sorted[i - 1], sorted[i]));
    }
  } else {
    let lastLevel = 0;
    for (let i = 0; i < n - 1; i++) {
      if (sorted[i + 1] === sorted[i]) continue;
      // i + 1 values are at or below sorted[i]; the level is the quantile slot that reaches.
      const level = Math.floor(((i + 1) * maxBins) / n);
      if (level > lastLevel) {
        bounds.push(cutBetween(sorted[i], sorted[i + 1]));
        lastLevel = level;
      }
    }
  }
  const upper = new Float64Array(bounds.length + 1);
  for (let b = 0; b < bounds.length; b++) upper[b] = bounds[b];
  upper[bounds.length] = Infinity;
  return { upper };
}

/** Bin of a raw value: first b with x <= upper[b] (binary search; NaN goes to the last bin). */
export function binOf(upper: Float64Array, x: number): number {
  let lo = 0;
  let hi = upper.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= upper[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Bins every feature on the given training rows only: thresholds come from those rows, and
 * the output matrix holds only those rows, in the order given.
 */
export function binTrainingRows(
  columns: Float64Array[],
  rows: Int32Array,
  maxBins: number,
): BinnedMatrix {
  const m = rows.length;
  const p = columns.length;
  const bins = new Uint8Array(m * p);
  const features: FeatureBins[] = [];
  const binCounts = new Int32Array(p);
  const values = new Float64Array(m);
  for (let f = 0; f < p; f++) {
    const col = columns[f];
    for (let r = 0; r < m; r++) {
      const x = col[rows[r]];
      if (Number.isNaN(x)) {
        throw new RangeError(
          `feature ${f} has NaN at row ${rows[r]}: missing values are not supported`,
        );
      }
      values[r] = x;
    }
    const fb = featureBinsFromSorted(values.slice().sort(), maxBins);
    features.push(fb);
    binCounts[f] = fb.upper.length;
    const out = bins.subarray(f * m, (f + 1) * m);
    for (let r = 0; r < m; r++) out[r] = binOf(fb.upper, values[r]);
  }
  return { nRows: m, nFeatures: p, bins, features, binCounts };
}
