/**
 * Column statistics for standardized regression: means and centered co-moments
 * C_jk = sum_t (z_tj - mean_j)(z_tk - mean_k) of feature columns and the target over a set of
 * rows, computed without the cancellation of raw sums (two-pass per block, pairwise merge of
 * blocks). The target is carried as the last coordinate, so one pass gives X'X, X'y and y'y
 * centered.
 */

/** Contiguous rows [start, end). */
export interface RowRange {
  start: number;
  end: number;
}

/** Rows to use: a contiguous range or explicit row indices. */
export type Rows = RowRange | ArrayLike<number>;

/** Mean and centered co-moments of p feature columns plus the target (coordinate p). */
export interface Moments {
  /** Number of rows accumulated. */
  n: number;
  /** Number of feature columns (the target is coordinate p). */
  p: number;
  /** Means of the p columns and, last, of the target. */
  mean: Float64Array;
  /** (p+1) x (p+1) row-major, symmetric: sum_t (z_tj - mean_j)(z_tk - mean_k). */
  comoment: Float64Array;
}

export function isRowRange(rows: Rows): rows is RowRange {
  return typeof (rows as RowRange).start === 'number' && typeof (rows as RowRange).end === 'number';
}

/** Number of rows in a Rows selection. */
export function rowCount(rows: Rows): number {
  return isRowRange(rows) ? rows.end - rows.start : rows.length;
}

function checkShapes(columns: readonly Float64Array[], y: ArrayLike<number>): void {
  for (let j = 0; j < columns.length; j++) {
    if (columns[j].length !== y.length) {
      throw new RangeError(
        `column ${j} has ${columns[j].length} rows but the target has ${y.length}`,
      );
    }
  }
}

/** sum_i a_i b_i over i < len, with four independent accumulators (shorter FP dependency chains). */
function dot(a: Float64Array, b: Float64Array, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < len; i++) s0 += a[i] * b[i];
  return s0 + s1 + (s2 + s3);
}

/**
 * Running moments merged block by block with the pairwise update of Chan, Golub & LeVeque (1979):
 * for blocks A (n_A, mean_A, C_A) and B, with delta = mean_B - mean_A and n = n_A + n_B,
 *   C = C_A + C_B + delta delta' n_A n_B / n,   mean = mean_A + delta n_B / n.
 * Each block's own moments are two-pass (means first, then centered dot products over contiguous
 * columns), which is both accurate and fast for column-major data.
 */
export class MomentAccumulator {
  readonly p: number;
  private readonly q: number;
  private n = 0;
  private readonly mean: Float64Array;
  private readonly upper: Float64Array;
  private readonly blockMean: Float64Array;
  private centered: Float64Array[] = [];

  constructor(p: number) {
    this.p = p;
    this.q = p + 1;
    this.mean = new Float64Array(this.q);
    this.upper = new Float64Array(this.q * this.q);
    this.blockMean = new Float64Array(this.q);
  }

  private scratch(len: number): Float64Array[] {
    if (this.centered.length === 0 || this.centered[0].length < len) {
      this.centered = Array.from({ length: this.q }, () => new Float64Array(len));
    }
    return this.centered;
  }

  /** Adds the contiguous rows [start, end) of the columns and the target. */
  addRange(
    columns: readonly Float64Array[],
    y: ArrayLike<number>,
    start: number,
    end: number,
  ): void {
    const len = end - start;
    if (len <= 0) return;
    const cen = this.scratch(len);
    for (let j = 0; j < this.q; j++) {
      const src = j < this.p ? columns[j] : y;
      const c = cen[j];
      for (let i = 0; i < len; i++) c[i] = src[start + i];
    }
    this.mergeScratch(len);
  }

  /** Adds the given rows (any order) of the columns and the target. */
  addRows(columns: readonly Float64Array[], y: ArrayLike<number>, rows: ArrayLike<number>): void {
    const len = rows.length;
    if (len === 0) return;
    const cen = this.scratch(len);
    for (let j = 0; j < this.q; j++) {
      const src = j < this.p ? columns[j] : y;
      const c = cen[j];
      for (let i = 0; i < len; i++) c[i] = src[rows[i]];
    }
    this.mergeScratch(len);
  }

  /** Two-pass moments of the block in the scratch columns, merged into the running moments. */
  private mergeScratch(len: number): void {
    const { q, mean, upper, blockMean } = this;
    const cen = this.centered;
    for (let j = 0; j < q; j++) {
      const c = cen[j];
      let s = 0;
      for (let i = 0; i < len; i++) s += c[i];
      const m = s / len;
      blockMean[j] = m;
      for (let i = 0; i < len; i++) c[i] -= m;
    }
    const nA = this.n;
    const nTot = nA + len;
    const w = (nA * len) / nTot;
    for (let j = 0; j < q; j++) {
      const cj = cen[j];
      const dj = blockMean[j] - mean[j];
      for (let k = j; k < q; k++) {
        const ck = cen[k];
        const s = dot(cj, ck, len);
        upper[j * q + k] += nA === 0 ? s : s + dj * (blockMean[k] - mean[k]) * w;
      }
    }
    for (let j = 0; j < q; j++) {
      mean[j] = nA === 0 ? blockMean[j] : mean[j] + ((blockMean[j] - mean[j]) * len) / nTot;
    }
    this.n = nTot;
  }

  /** A copy of the current moments with the full symmetric co-moment matrix. */
  snapshot(): Moments {
    const { q } = this;
    const comoment = new Float64Array(q * q);
    for (let j = 0; j < q; j++) {
      for (let k = j; k < q; k++) {
        const v = this.upper[j * q + k];
        comoment[j * q + k] = v;
        comoment[k * q + j] = v;
      }
    }
    return { n: this.n, p: this.p, mean: Float64Array.from(this.mean), comoment };
  }
}

/** Moments of the columns and target over the given rows. */
export function momentsOf(
  columns: readonly Float64Array[],
  y: ArrayLike<number>,
  rows: Rows,
): Moments {
  checkShapes(columns, y);
  const acc = new MomentAccumulator(columns.length);
  if (isRowRange(rows)) {
    if (rows.start < 0 || rows.end > y.length || rows.start >= rows.end) {
      throw new RangeError(
        `row range [${rows.start}, ${rows.end}) is empty or outside 0..${y.length}`,
      );
    }
    acc.addRange(columns, y, rows.start, rows.end);
  } else {
    if (rows.length === 0) throw new RangeError('no rows given');
    for (let i = 0; i < rows.length; i++) {
      const t = rows[i];
      if (!(Number.isInteger(t) && t >= 0 && t < y.length)) {
        throw new RangeError(`row ${t} outside 0..${y.length - 1}`);
      }
    }
    acc.addRows(columns, y, rows);
  }
  return acc.snapshot();
}

/**
 * Moments of every prefix [0, end) for a set of ends, in one pass over the rows. Expanding-window
 * training sets (outer folds and the inner folds of the alpha search) are all prefixes, so one
 * pass serves every fit of a tenant: the rows between consecutive ends form a block, and each
 * prefix is the merge of its blocks. A prefix snapshot depends on rows before `end` only.
 */
export class PrefixMoments {
  private readonly snapshots = new Map<number, Moments>();

  constructor(columns: readonly Float64Array[], y: ArrayLike<number>, ends: Iterable<number>) {
    checkShapes(columns, y);
    const sorted = [...new Set(ends)].sort((a, b) => a - b);
    if (sorted.length === 0) return;
    if (!(Number.isInteger(sorted[0]) && sorted[0] >= 1 && sorted[sorted.length - 1] <= y.length)) {
      throw new RangeError(
        `prefix ends must be integers in 1..${y.length} (got ${sorted.join(', ')})`,
      );
    }
    const acc = new MomentAccumulator(columns.length);
    let t = 0;
    for (const end of sorted) {
      acc.addRange(columns, y, t, end);
      t = end;
      this.snapshots.set(end, acc.snapshot());
    }
  }

  has(end: number): boolean {
    return this.snapshots.has(end);
  }

  /** Moments of rows [0, end); throws if that end was not requested. */
  at(end: number): Moments {
    const m = this.snapshots.get(end);
    if (!m) throw new RangeError(`no prefix moments for end ${end}`);
    return m;
  }
}

/**
 * Population (ddof = 0) standard deviation used as scale, as scikit-learn's StandardScaler:
 * a column whose variance is within the rounding error of the two-pass variance,
 * var <= n eps var + (n |mean| eps)^2 (Chan, Golub & LeVeque), is constant and gets scale 1.
 */
export function standardScale(variance: number, mean: number, n: number): number {
  const eps = Number.EPSILON;
  const bound = n * eps * variance + (n * mean * eps) ** 2;
  return variance <= bound ? 1 : Math.sqrt(variance);
}
