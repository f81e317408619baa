/**
 * The revenue response a plan is optimized against, separable by channel:
 *   revenue_t = base_t + sum_c gain_c,t Hill(a_c,t; k_c, s_c),   a_c,t = x_c,t + decay_c a_c,t-1,
 * over the horizon (t < H, where spend x is planned) and a tail (H <= t < H + T, no spend, carry-over
 * only), with a_c,-1 = the adstock state left by the observed spend (start_c). Both the fitted
 * phase-3 Ridge model (gain = coefficient of the media column plus its weather interactions, so it
 * varies with the outlook's weather) and the data generator (gain = beta (1 + gamma driver_t)) have
 * this form, so one evaluator serves the plan and its ground-truth regret.
 */

export interface SeparableResponse {
  channels: string[];
  /** Periods with planned spend. */
  horizon: number;
  /** Periods after the horizon whose carry-over revenue counts. */
  tail: number;
  /** Revenue without media over horizon + tail (does not depend on the plan). */
  base: Float64Array;
  /** Per channel, revenue per unit of Hill output in each period (horizon + tail). */
  gain: Float64Array[];
  decay: number[];
  k: number[];
  s: number[];
  /** Adstock of each channel at the last observed period (carry-over into the plan). */
  start: number[];
  /**
   * Spend per period of each channel in the tail (spend going on after the horizon, the same for
   * every plan); absent: nothing is spent after the horizon.
   */
  tailSpend?: readonly number[];
}

/** Revenue per period (horizon + tail) and, when asked, its gradient in the horizon spend. */
export interface ResponseValue {
  /** Expected revenue per period, horizon + tail. */
  revenue: Float64Array;
  /** Sum of `revenue`. */
  total: number;
  /** d total / d spend[c][t] for t < horizon (null unless asked). */
  gradient: Float64Array[] | null;
}

/** dHill/da = s r / (a (1 + r)^2) with r = (a/k)^s; a is floored at 1e-9 k (infinite slope at 0 when s < 1). */
export function hillSlope(a: number, k: number, s: number): number {
  const v = Math.max(a, 1e-9 * k);
  const r = Math.pow(v / k, s);
  return (s * r) / (v * (1 + r) * (1 + r));
}

export function checkResponse(r: SeparableResponse): void {
  const n = r.horizon + r.tail;
  const C = r.channels.length;
  if (!(Number.isInteger(r.horizon) && r.horizon >= 1))
    throw new RangeError(`horizon must be an integer >= 1 (got ${r.horizon})`);
  if (!(Number.isInteger(r.tail) && r.tail >= 0))
    throw new RangeError(`tail must be an integer >= 0 (got ${r.tail})`);
  if (r.base.length !== n) throw new RangeError(`base must have ${n} periods`);
  for (const [name, v] of [
    ['gain', r.gain],
    ['decay', r.decay],
    ['k', r.k],
    ['s', r.s],
    ['start', r.start],
  ] as const) {
    if (v.length !== C) throw new RangeError(`${name} must have one entry per channel (${C})`);
  }
  r.gain.forEach((g, c) => {
    if (g.length !== n) throw new RangeError(`gain of ${r.channels[c]} must have ${n} periods`);
    if (!(r.decay[c] >= 0 && r.decay[c] < 1))
      throw new RangeError(`decay of ${r.channels[c]} must be in [0, 1)`);
    if (!(r.k[c] > 0 && r.s[c] > 0))
      throw new RangeError(`Hill k and s of ${r.channels[c]} must be > 0`);
  });
}

/**
 * Evaluates the response for a plan (spend[c] has `horizon` entries). The gradient is reverse
 * accumulation through the adstock recursion: d total / d x_t = sum_{u >= t} gain_u Hill'(a_u)
 * decay^(u - t), computed backwards in O(H + T) per channel, so spend late in the horizon is
 * credited with the carry-over it produces in the tail.
 */
export function evaluateResponse(
  r: SeparableResponse,
  spend: readonly ArrayLike<number>[],
  withGradient = false,
): ResponseValue {
  const H = r.horizon;
  const n = H + r.tail;
  const revenue = Float64Array.from(r.base);
  const gradient = withGradient ? r.channels.map(() => new Float64Array(H)) : null;
  const adstock = new Float64Array(n);
  // (a / k)^s of each period, kept for the gradient: hillSlope's power is the same one wherever
  // its floor 1e-9 k does not bind (the same bits as computing it again).
  const power = gradient ? new Float64Array(n) : null;
  for (let c = 0; c < r.channels.length; c++) {
    const x = spend[c];
    const g = r.gain[c];
    const d = r.decay[c];
    const k = r.k[c];
    const s = r.s[c];
    let a = r.start[c];
    const after = r.tailSpend?.[c] ?? 0;
    for (let t = 0; t < n; t++) {
      a = (t < H ? x[t] : after) + d * a;
      adstock[t] = a;
      // hill(a, k, s), with its power kept.
      if (!(a <= 0)) {
        const q = Math.pow(a / k, s);
        if (power) power[t] = q;
        revenue[t] += g[t] * (q / (1 + q));
      } else {
        revenue[t] += g[t] * 0;
      }
    }
    if (gradient && power) {
      const out = gradient[c];
      const floor = 1e-9 * k;
      let acc = 0;
      for (let t = n - 1; t >= 0; t--) {
        const at = adstock[t];
        let slope: number;
        if (at > 0 && at >= floor) {
          // hillSlope(at, k, s) with v = at.
          const q = power[t];
          slope = (s * q) / (at * (1 + q) * (1 + q));
        } else {
          slope = hillSlope(at, k, s);
        }
        acc = g[t] * slope + d * acc;
        if (t < H) out[t] = acc;
      }
    }
  }
  let total = 0;
  for (let t = 0; t < n; t++) total += revenue[t];
  return { revenue, total, gradient };
}

const zeroTotals = new WeakMap<SeparableResponse, number>();

/**
 * Total revenue of spending nothing over the horizon (evaluateResponse of zeroPlan), computed
 * once per response object: incremental revenue subtracts it from every plan evaluated (the
 * trust region's steps under every refit). A response is not changed after it is made.
 */
export function zeroTotal(r: SeparableResponse): number {
  let v = zeroTotals.get(r);
  if (v === undefined) zeroTotals.set(r, (v = evaluateResponse(r, zeroPlan(r)).total));
  return v;
}

/** Zero spend over the horizon, one array per channel. */
export function zeroPlan(r: SeparableResponse): Float64Array[] {
  return r.channels.map(() => new Float64Array(r.horizon));
}
