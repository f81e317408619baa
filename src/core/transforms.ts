/** Media transforms: carry-over (adstock) and diminishing returns (Hill saturation). */

export interface AdstockOptions {
  /**
   * Divide by the geometric series sum 1 / (1 - decay) (truncated at maxLag when given),
   * so that a constant spend x adstocks to x instead of x / (1 - decay).
   */
  normalize?: boolean;
  /** Ignore spend more than maxLag periods back (a_t sums lags 0..maxLag). */
  maxLag?: number;
}

/**
 * Geometric adstock, causal and O(n) without maxLag: a_t = x_t + decay * a_(t-1), a_(-1) = 0
 * (Jin et al. 2017, "Bayesian Methods for Media Mix Modeling with Carryover and Shape Effects").
 * With maxLag L the window is truncated: a_t = sum_{l=0..L} decay^l x_(t-l), evaluated directly by
 * Horner's rule in O(n (L + 1)). (A running sum that subtracts the term leaving the window is O(n)
 * but cancels inexactly: after a large spend it leaves residues like 1e-11 where the window holds
 * only zeros, so dark periods would not adstock to exactly 0.)
 */
export function geometricAdstock(
  x: ArrayLike<number>,
  decay: number,
  options: AdstockOptions = {},
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  if (!(decay >= 0 && decay < 1)) throw new RangeError(`decay must be in [0, 1) (got ${decay})`);
  const n = x.length;
  const maxLag = options.maxLag;
  if (maxLag !== undefined && (!Number.isInteger(maxLag) || maxLag < 0)) {
    throw new RangeError(`maxLag must be an integer >= 0 (got ${maxLag})`);
  }
  if (maxLag === undefined) {
    let prev = 0;
    for (let t = 0; t < n; t++) {
      prev = x[t] + decay * prev;
      out[t] = prev;
    }
  } else {
    // Backwards so that `out` may alias `x`: row t reads rows <= t only, which are not yet written.
    for (let t = n - 1; t >= 0; t--) {
      const oldest = Math.max(0, t - maxLag);
      let acc = 0;
      for (let i = oldest; i <= t; i++) acc = acc * decay + x[i];
      out[t] = acc;
    }
  }
  if (options.normalize) {
    const sum =
      maxLag === undefined
        ? 1 / (1 - decay)
        : decay === 0
          ? 1
          : (1 - Math.pow(decay, maxLag + 1)) / (1 - decay);
    for (let t = 0; t < n; t++) out[t] /= sum;
  }
  return out;
}

/** Relative weight below which peakedAdstock's kernel is cut: decay^(d^2) < 1e-6 beyond d days. */
const PEAKED_CUT = 1e-6;

/**
 * Delayed adstock with its peak `peak` periods after the spend (Jin et al. 2017's delayed adstock,
 * eq. 3, without the normalization): a_t = sum_(l >= 0) w_l x_(t-l), w_l = decay^((l - peak)^2),
 * cut where w_l < 1e-6 (rows before the start count as 0). The effect builds up to the peak and
 * falls off symmetrically around it: decay sets the width (0.4: about a day either side, 0.8: about
 * three). decay 0 is a pure delay: the spend moves `peak` periods later, a fractional peak split
 * over its two neighbouring periods (weekly data sums days: a peak a few days after the spend falls
 * partly in the next week). The scale is
 * free (the Hill k is a multiple of the adstock's median). Why this form and not a lag before a
 * geometric tail: docs/modeling.md, "Delayed carry-over: the peaked form".
 */
export function peakedAdstock(
  x: ArrayLike<number>,
  decay: number,
  peak: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  if (!(peak >= 0 && Number.isFinite(peak))) {
    throw new RangeError(`peak must be a finite number >= 0 (got ${peak})`);
  }
  if (!(decay >= 0 && decay < 1)) throw new RangeError(`decay must be in [0, 1) (got ${decay})`);
  let w: Float64Array;
  if (decay === 0) {
    const m = Math.floor(peak);
    const f = peak - m;
    w = new Float64Array(m + 2);
    w[m] = 1 - f;
    w[m + 1] = f;
  } else {
    const half = Math.ceil(Math.sqrt(Math.log(PEAKED_CUT) / Math.log(decay)));
    const maxLag = Math.ceil(peak) + half;
    w = new Float64Array(maxLag + 1);
    for (let l = 0; l <= maxLag; l++) {
      const v = Math.pow(decay, (l - peak) * (l - peak));
      w[l] = v >= PEAKED_CUT ? v : 0;
    }
  }
  // lagConvolve over the nonzero weights only (the same sums in the same order: the search
  // computes this for every candidate decay and lag of every channel).
  let lo = 0;
  while (lo < w.length - 1 && w[lo] === 0) lo++;
  let hi = w.length - 1;
  while (hi > lo && w[hi] === 0) hi--;
  // Backwards so that `out` may alias `x`.
  for (let t = x.length - 1; t >= 0; t--) {
    let acc = 0;
    for (let l = Math.min(hi, t); l >= lo; l--) acc += w[l] * x[t - l];
    out[t] = acc;
  }
  return out;
}

/**
 * Hill saturation h(x) = x^s / (k^s + x^s), in [0, 1); h(k) = 1/2
 * (the Hill function used by Jin et al. 2017 and Google's Meridian). x <= 0 maps to 0.
 */
export function hillSaturation(
  x: ArrayLike<number>,
  k: number,
  s: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  if (!(k > 0)) throw new RangeError(`Hill k must be > 0 (got ${k})`);
  if (!(s > 0)) throw new RangeError(`Hill shape s must be > 0 (got ${s})`);
  const n = x.length;
  // (x/k)^s / (1 + (x/k)^s): one power per value and no overflow for large x. The shapes 1, 2
  // and 1/2 (a third of the searches' grids) skip Math.pow, whose fdlibm algorithm returns
  // exactly r, r * r and sqrt(r) for them (tests/transforms-media.test.ts checks the bits).
  const kind = s === 1 ? 1 : s === 2 ? 2 : s === 0.5 ? 3 : 0;
  // A value equal to the previous row's gets the previous result (the same operations on the
  // same input): a constant spend's adstock reaches its fixed point within a few hundred rows,
  // and explain's response curves transform eleven constant spends per channel.
  let last = Number.NaN;
  let lastOut = 0;
  for (let t = 0; t < n; t++) {
    const v = x[t];
    if (v <= 0) {
      out[t] = 0;
      continue;
    }
    if (v === last) {
      out[t] = lastOut;
      continue;
    }
    const q = v / k;
    const r = kind === 0 ? Math.pow(q, s) : kind === 1 ? q : kind === 2 ? q * q : Math.sqrt(q);
    last = v;
    lastOut = r / (1 + r);
    out[t] = lastOut;
  }
  return out;
}

/** Scalar Hill, for response curves and truth computations. */
export function hill(x: number, k: number, s: number): number {
  if (x <= 0) return 0;
  const r = Math.pow(x / k, s);
  return r / (1 + r);
}

/**
 * Lag weights of the delayed adstock of Jin et al. 2017 (eq. 3): w_l = decay^((l - theta)^2) for
 * l = 0..maxLag, divided by their sum so a constant spend x adstocks to x. The effect peaks theta
 * periods after the spend instead of on the day itself (TV, out-of-home, direct mail).
 */
export function delayedAdstockWeights(decay: number, theta: number, maxLag: number): Float64Array {
  if (!(decay > 0 && decay < 1)) throw new RangeError(`decay must be in (0, 1) (got ${decay})`);
  if (!Number.isInteger(maxLag) || maxLag < 0) {
    throw new RangeError(`maxLag must be an integer >= 0 (got ${maxLag})`);
  }
  if (!(theta >= 0 && theta <= maxLag)) {
    throw new RangeError(`theta must be in [0, maxLag = ${maxLag}] (got ${theta})`);
  }
  const w = new Float64Array(maxLag + 1);
  let sum = 0;
  for (let l = 0; l <= maxLag; l++) {
    w[l] = Math.pow(decay, (l - theta) * (l - theta));
    sum += w[l];
  }
  for (let l = 0; l <= maxLag; l++) w[l] /= sum;
  return w;
}

/** Causal convolution with lag weights: a_t = sum_{l=0..L} w_l x_(t-l), rows before the start count as 0. */
export function lagConvolve(
  x: ArrayLike<number>,
  weights: ArrayLike<number>,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  const n = x.length;
  const L = weights.length - 1;
  // Backwards so that `out` may alias `x`.
  for (let t = n - 1; t >= 0; t--) {
    let acc = 0;
    for (let l = Math.min(L, t); l >= 0; l--) acc += weights[l] * x[t - l];
    out[t] = acc;
  }
  return out;
}

/**
 * Negative-exponential saturation 1 - exp(-x / k) in [0, 1): concave from the first dollar, no
 * S-shape; h(k ln 2) = 1/2. x <= 0 maps to 0.
 */
export function exponentialSaturation(x: number, k: number): number {
  return x <= 0 ? 0 : -Math.expm1(-x / k);
}

/**
 * Logistic (S-shaped) saturation with inflection at k and steepness s, shifted and scaled so that
 * h(0) = 0 and h(infinity) = 1: (sigma(s (x/k - 1)) - sigma(-s)) / (1 - sigma(-s)), sigma the
 * logistic function. x <= 0 maps to 0.
 */
export function logisticSaturation(x: number, k: number, s: number): number {
  if (x <= 0) return 0;
  const sigma = (z: number): number => 1 / (1 + Math.exp(-z));
  const lo = sigma(-s);
  return (sigma(s * (x / k - 1)) - lo) / (1 - lo);
}
