/**
 * Budget allocation: maximize the expected revenue of a SeparableResponse over spend x_c,t >= 0
 * subject to
 *   lower_c,t <= x_c,t <= upper_c,t            (per-period bounds)
 *   totalLower_c <= sum_t x_c,t <= totalUpper_c (per-channel totals)
 *   sum_c,t x_c,t = budget.
 * Method: spectral projected gradient (Birgin, Martinez & Raydan 2000, "Nonmonotone spectral
 * projected gradient methods on convex sets") with the exact Euclidean projection onto that
 * polytope, from several deterministic starts (the response is not concave when a Hill shape
 * exceeds 1, so a local optimum is kept only if no other start beats it).
 */
import { evaluateResponse, type SeparableResponse } from './response.js';
import { moneyPair } from './summary.js';
import { PLAN_WORDS, type PlanWords } from './words.js';

export interface PlanConstraints {
  budget: number;
  /** Per channel, per period (horizon entries). */
  lower: Float64Array[];
  upper: Float64Array[];
  /** Per channel totals over the horizon. */
  totalLower: number[];
  totalUpper: number[];
}

/** Input that cannot be planned (budget, bounds); the message says what to change. */
export class PlanInputError extends Error {
  override readonly name = 'PlanInputError';
}

const sumOf = (x: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
};

/** Channel totals the box allows: [max(totalLower, sum lower), min(totalUpper, sum upper)]. */
function channelRange(c: PlanConstraints, ch: number): [number, number] {
  return [
    Math.max(c.totalLower[ch], sumOf(c.lower[ch])),
    Math.min(c.totalUpper[ch], sumOf(c.upper[ch])),
  ];
}

/** Throws PlanInputError when no plan meets the budget and the bounds. */
export function checkFeasible(
  c: PlanConstraints,
  channels: readonly string[],
  words: PlanWords = PLAN_WORDS,
): void {
  const problem = feasibilityProblem(c, channels, words);
  if (problem !== null) throw new PlanInputError(problem);
}

/**
 * What makes the constraints unmeetable, in the face's words (a budget that is not positive,
 * bounds that contradict each other, minimums above the budget, maximums below it), or null
 * when a plan can meet them.
 */
export function feasibilityProblem(
  c: PlanConstraints,
  channels: readonly string[],
  words: PlanWords = PLAN_WORDS,
): string | null {
  if (!(Number.isFinite(c.budget) && c.budget > 0)) {
    return `the budget must be a number > 0 (got ${c.budget})`;
  }
  let minTotal = 0;
  let maxTotal = 0;
  for (let ch = 0; ch < channels.length; ch++) {
    const [lo, hi] = channelRange(c, ch);
    if (lo > hi * (1 + 1e-12) + 1e-9) {
      const [least, most] = moneyPair(lo, hi);
      return `the bounds of ${channels[ch]} contradict each other: it must get at least ${least} but at most ${most}; widen them in ${words.bounds}`;
    }
    minTotal += lo;
    maxTotal += hi;
  }
  const eps = 1e-9 * Math.max(1, c.budget);
  if (minTotal > c.budget + eps) {
    const [sum, budget] = moneyPair(minTotal, c.budget);
    return `the minimum spends add up to ${sum}, more than the budget ${budget}; raise ${words.budget} or lower the minimums in ${words.bounds}`;
  }
  if (maxTotal < c.budget - eps) {
    const [sum, budget] = moneyPair(maxTotal, c.budget);
    return `the maximum spends add up to ${sum}, less than the budget ${budget}; lower ${words.budget} or raise the maximums in ${words.bounds}`;
  }
  return null;
}

function bisect(f: (v: number) => number, target: number, lo: number, hi: number): number {
  // f is non-increasing on [lo, hi] with f(lo) >= target >= f(hi).
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Euclidean projection onto the feasible set. KKT: x_c,t = clip(y_c,t - nu_c, lower, upper) with
 * nu_c = lambda + mu_c, where mu_c != 0 only when channel c's total sits at a bound. With
 * f_c(nu) = sum_t clip(y_c,t - nu) non-increasing, lambda solves sum_c clamp(f_c(lambda), range_c)
 * = budget, and nu_c solves f_c(nu_c) = clamp(f_c(lambda), range_c); both by bisection.
 */
export function projectPlan(y: readonly Float64Array[], c: PlanConstraints): Float64Array[] {
  const C = y.length;
  const H = y[0].length;
  const ranges = y.map((_, ch) => channelRange(c, ch));
  const f = (ch: number, nu: number): number => {
    const yc = y[ch];
    const lo = c.lower[ch];
    const hi = c.upper[ch];
    let s = 0;
    for (let t = 0; t < H; t++) {
      const v = yc[t] - nu;
      s += v < lo[t] ? lo[t] : v > hi[t] ? hi[t] : v;
    }
    return s;
  };
  // Bracket: at minNu every cell is at its upper bound or above the whole budget (upper bounds
  // may be infinite); at maxNu every cell is at its lower bound.
  let minNu = Infinity;
  let maxNu = -Infinity;
  for (let ch = 0; ch < C; ch++) {
    for (let t = 0; t < H; t++) {
      minNu = Math.min(minNu, y[ch][t] - Math.min(c.upper[ch][t], c.budget + 1));
      maxNu = Math.max(maxNu, y[ch][t] - c.lower[ch][t]);
    }
  }
  minNu -= 1;
  maxNu += 1;
  const clampTo = (v: number, [lo, hi]: [number, number]): number => Math.min(hi, Math.max(lo, v));
  const total = (lambda: number): number => {
    let s = 0;
    for (let ch = 0; ch < C; ch++) s += clampTo(f(ch, lambda), ranges[ch]);
    return s;
  };
  const lambda = bisect(total, c.budget, minNu, maxNu);
  return y.map((yc, ch) => {
    const free = f(ch, lambda);
    const target = clampTo(free, ranges[ch]);
    const nu = free === target ? lambda : bisect((v) => f(ch, v), target, minNu, maxNu);
    const lo = c.lower[ch];
    const hi = c.upper[ch];
    const out = new Float64Array(yc.length);
    for (let t = 0; t < yc.length; t++) out[t] = Math.min(hi[t], Math.max(lo[t], yc[t] - nu));
    return out;
  });
}

export interface OptimizeOptions {
  /** Iteration cap per start (default 2000). */
  maxIterations?: number;
  /** Stop when the relative gain over 10 iterations is below this (default 1e-11). */
  tolerance?: number;
}

export interface OptimizeResult {
  spend: Float64Array[];
  total: number;
  iterations: number;
  /** Index of the start that won. */
  start: number;
}

const dot = (a: readonly Float64Array[], b: readonly Float64Array[]): number => {
  let s = 0;
  for (let c = 0; c < a.length; c++) for (let t = 0; t < a[c].length; t++) s += a[c][t] * b[c][t];
  return s;
};

/** x + a y, channel by channel (loops: the same sums as Float64Array.from with a callback). */
function axpy(x: readonly Float64Array[], a: number, y: readonly Float64Array[]): Float64Array[] {
  return x.map((xc, ch) => {
    const yc = y[ch];
    const out = new Float64Array(xc.length);
    for (let t = 0; t < xc.length; t++) out[t] = xc[t] + a * yc[t];
    return out;
  });
}

/** Spectral projected gradient ascent from one start (projected first). */
export function ascend(
  r: SeparableResponse,
  c: PlanConstraints,
  start: readonly Float64Array[],
  options: OptimizeOptions = {},
): OptimizeResult {
  const maxIterations = options.maxIterations ?? 2000;
  const tolerance = options.tolerance ?? 1e-11;
  const memory = 10;
  let x = projectPlan(start, c);
  let value = evaluateResponse(r, x, true);
  let g = value.gradient!;
  const scale = c.budget / (r.horizon * r.channels.length);
  let gMax = 0;
  for (const gc of g) for (const v of gc) gMax = Math.max(gMax, Math.abs(v));
  const alphaMax = (1e6 * scale) / Math.max(gMax, 1e-12);
  const alphaMin = (1e-12 * scale) / Math.max(gMax, 1e-12);
  let alpha = gMax > 0 ? scale / gMax : 1;
  const history: number[] = [value.total];
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const trial = projectPlan(axpy(x, alpha, g), c);
    const d = trial.map((tc, ch) => {
      const xc = x[ch];
      const out = new Float64Array(tc.length);
      for (let t = 0; t < tc.length; t++) out[t] = tc[t] - xc[t];
      return out;
    });
    const slope = dot(g, d);
    if (!(slope > 1e-14 * Math.max(1, Math.abs(value.total)))) break;
    const reference = Math.max(...history.slice(-memory));
    let theta = 1;
    let next = trial;
    let nextValue = evaluateResponse(r, next, true);
    while (nextValue.total < reference + 1e-4 * theta * slope && theta > 1e-12) {
      theta *= 0.5;
      next = axpy(x, theta, d);
      nextValue = evaluateResponse(r, next, true);
    }
    if (theta <= 1e-12) break;
    const gNext = nextValue.gradient!;
    // Barzilai-Borwein step for the minimization of -revenue: alpha = s.s / s.(g_old - g_new).
    let ss = 0;
    let sy = 0;
    for (let ch = 0; ch < x.length; ch++) {
      for (let t = 0; t < x[ch].length; t++) {
        const s = next[ch][t] - x[ch][t];
        ss += s * s;
        sy += s * (g[ch][t] - gNext[ch][t]);
      }
    }
    alpha = sy > 0 ? Math.min(alphaMax, Math.max(alphaMin, ss / sy)) : alphaMax;
    x = next;
    g = gNext;
    value = nextValue;
    history.push(value.total);
    const back = history.length > memory ? history[history.length - 1 - memory] : history[0];
    if (
      history.length > memory &&
      value.total - back <= tolerance * Math.max(1, Math.abs(value.total))
    ) {
      iterations++;
      break;
    }
  }
  return { spend: x, total: value.total, iterations, start: 0 };
}

/**
 * Best plan over the given starts (each run by `ascend`); ties keep the earlier start, so the
 * answer is deterministic. Throws PlanInputError when the constraints cannot be met.
 */
export function optimizePlan(
  r: SeparableResponse,
  c: PlanConstraints,
  starts: readonly (readonly Float64Array[])[],
  options: OptimizeOptions = {},
): OptimizeResult {
  checkFeasible(c, r.channels);
  if (starts.length === 0) throw new RangeError('optimizePlan needs at least one start');
  let best: OptimizeResult | null = null;
  starts.forEach((s, i) => {
    const out = ascend(r, c, s, options);
    if (!best || out.total > best.total * (1 + 1e-12)) best = { ...out, start: i };
  });
  return best!;
}
