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
import { evaluateResponse, type ResponseValue, type SeparableResponse } from './response.js';
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

/** The least total the constraints' minimums spend (each channel's total or per-period floor). */
export function minimumSpend(c: PlanConstraints): number {
  let s = 0;
  for (let ch = 0; ch < c.lower.length; ch++) s += channelRange(c, ch)[0];
  return s;
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

/** Newton or secant steps that bisect takes before its halvings, at most. */
const NARROW_STEPS = 30;

/**
 * Where bisect's f writes its slope (minus the number of cells whose value moves with nu): the
 * steps that narrow the bracket use it; it moves no result.
 */
interface Slope {
  value: number;
  /**
   * Where f stops being flat when its slope is 0: going down, the largest nu at which a cell below
   * its lower bound comes free; going up, the smallest at which one above its upper bound does
   * (NaN: not known).
   */
  down: number;
  up: number;
}

/**
 * The last number bisection from [lo, hi] keeps: halvings of [lo, hi] at their midpoint, mid kept
 * as lo when f(mid) > target, else as hi, until the midpoint is lo or hi (at most 200). f is
 * non-increasing on [lo, hi] with f(lo) >= target >= f(hi).
 *
 * The same number as those halvings with every f(mid) evaluated, with far fewer evaluations
 * (`monotone`): f as computed in floating point is itself non-increasing (projectPlan's sums: a
 * rounded difference, a clip, a rounded sum and a clamp are each non-decreasing in their
 * arguments), so once f(a) > target is known, every mid <= a goes to lo, and once f(b) <= target,
 * every mid >= b goes to hi, without evaluating f there. Newton steps on f's slope (f is
 * piecewise linear), safeguarded by secant steps and the bracket, first narrow (a, b) to a few
 * ulps around the crossing; then the halvings are replayed, f evaluated only at midpoints inside
 * (a, b).
 */
export function bisect(
  f: (v: number) => number,
  target: number,
  lo: number,
  hi: number,
  monotone: boolean,
  slope: Slope,
): number {
  if (!monotone) {
    for (let i = 0; i < 200; i++) {
      const mid = 0.5 * (lo + hi);
      if (mid === lo || mid === hi) break;
      if (f(mid) > target) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  }
  // Known: f(a) > target (a = -Infinity: none yet) and f(b) <= target (b = Infinity: none).
  let a = -Infinity;
  let b = Infinity;
  let ga = NaN;
  let gb = NaN;
  // The last point evaluated, f there less the target, and f's slope there.
  let x = lo;
  let gx = 0;
  let mx = 0;
  let up = NaN;
  let down = NaN;
  const evaluate = (at: number): void => {
    x = at;
    gx = f(at) - target;
    mx = slope.value;
    up = slope.up;
    down = slope.down;
  };
  evaluate(lo);
  if (gx > 0) {
    a = lo;
    ga = gx;
    evaluate(hi);
    if (gx > 0) {
      a = hi;
      ga = gx;
    } else {
      b = hi;
      gb = gx;
    }
  } else {
    b = lo;
    gb = gx;
  }
  let nudge = 0;
  // Which end the last step moved (-1: a, 1: b): an end that stays twice in a row has its value
  // halved for the secant (Illinois), so that a flat stretch (every cell at a bound) is left.
  let side = 0;
  for (let i = 0; i < NARROW_STEPS && a > -Infinity && b < Infinity; i++) {
    const width = 4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b), 1e-300);
    if (!(b - a > width)) break;
    // Newton from the last point (mx: f's slope there, <= 0); on a flat stretch the end of the
    // stretch towards the crossing; else the secant of the bracket.
    let next = mx < 0 ? x - gx / mx : gx > 0 ? up : down;
    if (next === x) {
      // Newton lands where it stands (f is a staircase at the scale of its sums' ulps): step
      // past the crossing by about an ulp of x or of the sum over the slope, twice as far each
      // time in a row.
      nudge =
        nudge > 0
          ? 2 * nudge
          : 2 * Number.EPSILON * Math.max(Math.abs(x), Math.abs(target) / Math.max(1, -mx), 1e-300);
      next = gx > 0 ? x + nudge : x - nudge;
    } else nudge = 0;
    if (!(next > a && next < b)) next = a + (ga * (b - a)) / (ga - gb);
    if (!(next > a && next < b)) next = 0.5 * (a + b);
    if (!(next > a && next < b)) break;
    evaluate(next);
    if (gx > 0) {
      a = x;
      ga = gx;
      if (side === -1) gb *= 0.5;
      side = -1;
    } else {
      b = x;
      gb = gx;
      if (side === 1) ga *= 0.5;
      side = 1;
    }
  }
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    let above: boolean;
    if (mid <= a) above = true;
    else if (mid >= b) above = false;
    else {
      above = f(mid) > target;
      if (above) a = mid;
      else b = mid;
    }
    if (above) lo = mid;
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
  // f's slope in nu (minus its cells strictly inside their bounds), for bisect's Newton steps.
  const slope: Slope = { value: 0, down: NaN, up: NaN };
  const f = (ch: number, nu: number): number => {
    const yc = y[ch];
    const lo = c.lower[ch];
    const hi = c.upper[ch];
    let s = 0;
    let free = 0;
    let down = -Infinity;
    let up = Infinity;
    for (let t = 0; t < H; t++) {
      const v = yc[t] - nu;
      if (v < lo[t]) {
        s += lo[t];
        down = Math.max(down, yc[t] - lo[t]);
      } else if (v > hi[t]) {
        s += hi[t];
        up = Math.min(up, yc[t] - hi[t]);
      } else {
        s += v;
        free++;
      }
    }
    slope.value = -free;
    slope.down = down;
    slope.up = up;
    return s;
  };
  // Bracket: at minNu every cell is at its upper bound or above the whole budget (upper bounds
  // may be infinite); at maxNu every cell is at its lower bound.
  let minNu = Infinity;
  let maxNu = -Infinity;
  // f (and the total) are non-increasing in nu as computed unless a cell's lower bound exceeds
  // its upper one or a value is NaN: bisect may then skip no evaluation.
  let monotone = true;
  for (let ch = 0; ch < C; ch++) {
    for (let t = 0; t < H; t++) {
      if (!(c.lower[ch][t] <= c.upper[ch][t]) || Number.isNaN(y[ch][t])) monotone = false;
      minNu = Math.min(minNu, y[ch][t] - Math.min(c.upper[ch][t], c.budget + 1));
      maxNu = Math.max(maxNu, y[ch][t] - c.lower[ch][t]);
    }
  }
  minNu -= 1;
  maxNu += 1;
  const clampTo = (v: number, range: [number, number]): number =>
    Math.min(range[1], Math.max(range[0], v));
  const total = (lambda: number): number => {
    let s = 0;
    let m = 0;
    // Where the total stops being flat, going down and going up: a channel's own flat stretch
    // ends, or (by its slope) its sum leaves the end of its range it is held at.
    let down = -Infinity;
    let up = Infinity;
    for (let ch = 0; ch < C; ch++) {
      const v = f(ch, lambda);
      const range = ranges[ch];
      s += clampTo(v, range);
      const mc = slope.value;
      if (v > range[0] && v < range[1]) {
        m += mc;
        if (mc === 0) {
          down = Math.max(down, slope.down);
          up = Math.min(up, slope.up);
        }
      } else if (v <= range[0]) {
        down = Math.max(down, mc < 0 ? lambda + (range[0] - v) / mc : slope.down);
      } else {
        up = Math.min(up, mc < 0 ? lambda + (range[1] - v) / mc : slope.up);
      }
    }
    slope.value = m;
    slope.down = down;
    slope.up = up;
    return s;
  };
  const lambda = bisect(total, c.budget, minNu, maxNu, monotone, slope);
  return y.map((yc, ch) => {
    const free = f(ch, lambda);
    const target = clampTo(free, ranges[ch]);
    const nu =
      free === target ? lambda : bisect((v) => f(ch, v), target, minNu, maxNu, monotone, slope);
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
  /**
   * Screen the starts (SCREEN_ITERATIONS, SCREEN_KEEP): only the best few after a short ascent
   * continue (default false: every start runs to the end).
   */
  screen?: boolean;
}

export interface OptimizeResult {
  spend: Float64Array[];
  total: number;
  iterations: number;
  /** Index of the start that won. */
  start: number;
  /** Iterations over all the starts (optimizePlan; ascend: its own). */
  work: number;
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

/**
 * Spectral projected gradient ascent from one start (projected first), resumable: `advance(n)`
 * iterates until n iterations in all (or convergence), and a later call continues the same
 * trajectory, so an ascent advanced in two calls ends where one call would have.
 */
class Ascent {
  private x: Float64Array[];
  private value: ResponseValue;
  private g: Float64Array[];
  private alpha: number;
  private readonly alphaMax: number;
  private readonly alphaMin: number;
  private readonly history: number[];
  iterations = 0;
  done = false;
  private readonly tolerance: number;

  constructor(
    private readonly r: SeparableResponse,
    private readonly c: PlanConstraints,
    start: readonly Float64Array[],
    options: OptimizeOptions,
  ) {
    this.tolerance = options.tolerance ?? 1e-11;
    this.x = projectPlan(start, c);
    this.value = evaluateResponse(r, this.x, true);
    this.g = this.value.gradient!;
    const scale = c.budget / (r.horizon * r.channels.length);
    let gMax = 0;
    for (const gc of this.g) for (const v of gc) gMax = Math.max(gMax, Math.abs(v));
    this.alphaMax = (1e6 * scale) / Math.max(gMax, 1e-12);
    this.alphaMin = (1e-12 * scale) / Math.max(gMax, 1e-12);
    this.alpha = gMax > 0 ? scale / gMax : 1;
    this.history = [this.value.total];
  }

  get total(): number {
    return this.value.total;
  }

  result(): OptimizeResult {
    return {
      spend: this.x,
      total: this.value.total,
      iterations: this.iterations,
      start: 0,
      work: this.iterations,
    };
  }

  /** Iterates until `until` iterations in all, or until the ascent stops (then `done`). */
  advance(until: number): void {
    const { r, c, tolerance, history } = this;
    const memory = 10;
    let { x, g, value, alpha } = this;
    let iterations = this.iterations;
    let done = this.done;
    for (; !done && iterations < until; iterations++) {
      const trial = projectPlan(axpy(x, alpha, g), c);
      const d = trial.map((tc, ch) => {
        const xc = x[ch];
        const out = new Float64Array(tc.length);
        for (let t = 0; t < tc.length; t++) out[t] = tc[t] - xc[t];
        return out;
      });
      const slope = dot(g, d);
      if (!(slope > 1e-14 * Math.max(1, Math.abs(value.total)))) {
        done = true;
        break;
      }
      const reference = Math.max(...history.slice(-memory));
      let theta = 1;
      let next = trial;
      let nextValue = evaluateResponse(r, next, true);
      while (nextValue.total < reference + 1e-4 * theta * slope && theta > 1e-12) {
        theta *= 0.5;
        next = axpy(x, theta, d);
        nextValue = evaluateResponse(r, next, true);
      }
      if (theta <= 1e-12) {
        done = true;
        break;
      }
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
      alpha = sy > 0 ? Math.min(this.alphaMax, Math.max(this.alphaMin, ss / sy)) : this.alphaMax;
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
        done = true;
        break;
      }
    }
    this.x = x;
    this.g = g;
    this.value = value;
    this.alpha = alpha;
    this.iterations = iterations;
    this.done = done;
  }
}

/** Spectral projected gradient ascent from one start (projected first). */
export function ascend(
  r: SeparableResponse,
  c: PlanConstraints,
  start: readonly Float64Array[],
  options: OptimizeOptions = {},
): OptimizeResult {
  const a = new Ascent(r, c, start, options);
  a.advance(options.maxIterations ?? 2000);
  return a.result();
}

/**
 * Screening of many starts (`OptimizeOptions.screen`): every start ascends SCREEN_ITERATIONS
 * iterations, and only the SCREEN_KEEP best by then (ties: the earlier start) continue to the
 * end. Each kept start ends exactly where it would have without the screen, so the plan is the
 * same whenever the start that would have won is among them (docs/planner.md "Speed").
 */
export const SCREEN_ITERATIONS = 100;
export const SCREEN_KEEP = 3;

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
  const maxIterations = options.maxIterations ?? 2000;
  let kept = starts.map((_, i) => i);
  let ascents: (Ascent | null)[] = starts.map(() => null);
  if (options.screen && starts.length > SCREEN_KEEP) {
    ascents = starts.map((s) => new Ascent(r, c, s, options));
    for (const a of ascents) a!.advance(Math.min(SCREEN_ITERATIONS, maxIterations));
    kept = kept
      .sort((i, j) => ascents[j]!.total - ascents[i]!.total || i - j)
      .slice(0, SCREEN_KEEP)
      .sort((i, j) => i - j);
  }
  let best: OptimizeResult | null = null;
  for (const i of kept) {
    const a = ascents[i] ?? new Ascent(r, c, starts[i], options);
    a.advance(maxIterations);
    ascents[i] = a;
    const out = a.result();
    if (!best || out.total > best.total * (1 + 1e-12)) best = { ...out, start: i };
  }
  let work = 0;
  for (const a of ascents) work += a ? a.iterations : 0;
  return { ...best!, work };
}
