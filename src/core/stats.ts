/**
 * Order statistics and correlation: one definition each for the whole code base (phases,
 * explanations and the synthetic data generator all use these).
 */

/** Median: the middle order statistic, or the mean of the two middle ones; NaN when empty. */
export function median(values: ArrayLike<number>): number {
  const v = Array.from(values).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * Median of the positive values among entries [0, end) (all entries by default); NaN when none
 * is positive. MMM uses it as the scale of a channel's spend (Hill k = k_mult x this median).
 * The middle order statistics are selected (selectInPlace) rather than sorted: the same values,
 * so the same median to the bit, in linear time (the phase-3 search takes this per channel, decay
 * and delay: a sort of every positive value was 3% of a 10-channel phase 3, docs/scaling.md).
 */
export function medianPositive(values: ArrayLike<number>, end: number = values.length): number {
  let count = 0;
  for (let t = 0; t < end; t++) if (values[t] > 0) count++;
  if (count === 0) return Number.NaN;
  const pos = new Float64Array(count);
  for (let t = 0, i = 0; t < end; t++) if (values[t] > 0) pos[i++] = values[t];
  const mid = count >> 1;
  const upper = selectInPlace(pos, mid);
  if (count % 2) return upper;
  // The lower middle value is the largest of those selectInPlace left before the upper one.
  let lower = pos[0];
  for (let i = 1; i < mid; i++) if (pos[i] > lower) lower = pos[i];
  return (lower + upper) / 2;
}

/**
 * The k-th smallest (0-based) of a's values, which a is rearranged around: entries before k are
 * <= it and entries after k are >= it (Hoare's selection with a median-of-three pivot, as
 * Numerical Recipes' select). For numbers without NaN (-0 and 0 count as equal); runs of equal
 * values are split between the two sides.
 */
export function selectInPlace(a: Float64Array, k: number): number {
  if (!(Number.isInteger(k) && k >= 0 && k < a.length)) {
    throw new RangeError(`selectInPlace needs 0 <= k < ${a.length} (got ${k})`);
  }
  // Swaps are written out: a closure per call measured ten times slower than the sort it replaces.
  let l = 0;
  let ir = a.length - 1;
  let t: number;
  for (;;) {
    if (ir <= l + 1) {
      if (ir === l + 1 && a[ir] < a[l]) {
        t = a[l];
        a[l] = a[ir];
        a[ir] = t;
      }
      return a[k];
    }
    const m = (l + ir) >> 1;
    t = a[m];
    a[m] = a[l + 1];
    a[l + 1] = t;
    if (a[l] > a[ir]) {
      t = a[l];
      a[l] = a[ir];
      a[ir] = t;
    }
    if (a[l + 1] > a[ir]) {
      t = a[l + 1];
      a[l + 1] = a[ir];
      a[ir] = t;
    }
    if (a[l] > a[l + 1]) {
      t = a[l];
      a[l] = a[l + 1];
      a[l + 1] = t;
    }
    // a[l] <= pivot <= a[ir] are the sentinels of the two scans.
    const pivot = a[l + 1];
    let i = l + 1;
    let j = ir;
    for (;;) {
      do i++;
      while (a[i] < pivot);
      do j--;
      while (a[j] > pivot);
      if (j < i) break;
      t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    a[l + 1] = a[j];
    a[j] = pivot;
    if (j >= k) ir = j - 1;
    if (j <= k) l = i;
  }
}

/**
 * Quantile with linear interpolation between order statistics, numpy's default ("linear",
 * Hyndman & Fan type 7): v[floor(h)] + (h - floor(h)) (v[floor(h)+1] - v[floor(h)]), h = p (n - 1).
 */
export function quantile(values: ArrayLike<number>, prob: number): number {
  const v = Array.from(values).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const pos = prob * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(v.length - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/**
 * Pearson correlation sum (a - ā)(b - b̄) / sqrt(sum (a - ā)² sum (b - b̄)²) of two equally long
 * columns; 0 when either is constant (no linear association can be measured).
 */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new RangeError(`correlation needs equal lengths (got ${a.length} and ${b.length})`);
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let t = 0; t < n; t++) {
    ma += a[t];
    mb += b[t];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let t = 0; t < n; t++) {
    sab += (a[t] - ma) * (b[t] - mb);
    saa += (a[t] - ma) ** 2;
    sbb += (b[t] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * Strings in code-unit order (-1, 0, 1), the same on every machine: `localeCompare` without a
 * locale follows LANG (under lt_LT 'y' sorts before 'iz').
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Linear interpolation of y at x on increasing xs, held at the ends (NaN without points). */
export function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (xs.length === 0) return Number.NaN;
  if (x <= xs[0]) return ys[0];
  for (let i = 1; i < xs.length; i++) {
    if (x <= xs[i]) {
      const w = xs[i] === xs[i - 1] ? 0 : (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
      return ys[i - 1] + w * (ys[i] - ys[i - 1]);
    }
  }
  return ys[ys.length - 1];
}
