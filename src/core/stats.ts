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
 */
export function medianPositive(values: ArrayLike<number>, end: number = values.length): number {
  let count = 0;
  for (let t = 0; t < end; t++) if (values[t] > 0) count++;
  if (count === 0) return Number.NaN;
  const pos = new Float64Array(count);
  for (let t = 0, i = 0; t < end; t++) if (values[t] > 0) pos[i++] = values[t];
  // Positive finite numbers only: the typed array's numeric sort orders them as median() does,
  // without a comparator call per comparison (the phase-3 search takes this per channel and decay).
  pos.sort();
  const mid = count >> 1;
  return count % 2 ? pos[mid] : (pos[mid - 1] + pos[mid]) / 2;
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
