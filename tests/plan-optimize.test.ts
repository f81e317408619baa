import { describe, expect, it } from 'vitest';
import { hill } from '../src/core/transforms.js';
import { SeededRandom } from '../src/core/random.js';
import {
  bisect,
  checkFeasible,
  optimizePlan,
  PlanInputError,
  projectPlan,
  type PlanConstraints,
} from '../src/plan/optimize.js';
import { evaluateResponse, type SeparableResponse } from '../src/plan/response.js';

/** A 2-channel response with weather-like gains, carry-over from history and a tail. */
function smallResponse(horizon: number, tail: number): SeparableResponse {
  const n = horizon + tail;
  const driver = Array.from({ length: n }, (_, t) => Math.sin(1.3 * t) * 0.8);
  return {
    channels: ['social', 'search'],
    horizon,
    tail,
    base: new Float64Array(n).fill(20_000),
    gain: [
      Float64Array.from(driver, (d) => 9_000 * (1 + 0.6 * d)),
      Float64Array.from(driver, (d) => 6_000 * (1 - 0.3 * d)),
    ],
    decay: [0.5, 0.25],
    k: [3_000, 1_500],
    s: [1.6, 0.9],
    start: [2_500, 600],
  };
}

function unboundedConstraints(r: SeparableResponse, budget: number): PlanConstraints {
  return {
    budget,
    lower: r.channels.map(() => new Float64Array(r.horizon)),
    upper: r.channels.map(() => new Float64Array(r.horizon).fill(Infinity)),
    totalLower: r.channels.map(() => 0),
    totalUpper: r.channels.map(() => Infinity),
  };
}

const even = (r: SeparableResponse, budget: number): Float64Array[] =>
  r.channels.map(() => new Float64Array(r.horizon).fill(budget / (r.horizon * r.channels.length)));

/**
 * Best revenue of one channel for every count of grid steps: every choice of a level per day from
 * `levels[t]` (spend, steps) is enumerated depth-first, carrying the adstock, and the best value
 * and allocation are kept per total step count (offset by `offset` so that negative counts index).
 */
function channelTable(
  r: SeparableResponse,
  c: number,
  levels: { spend: number; steps: number }[][],
  maxSteps: number,
  offset: number,
): { value: number; spend: number[] }[] {
  const H = r.horizon;
  const g = r.gain[c];
  const d = r.decay[c];
  const best: { value: number; spend: number[] }[] = Array.from(
    { length: maxSteps + offset + 1 },
    () => ({
      value: -Infinity,
      spend: [],
    }),
  );
  const path = new Array<number>(H);
  const tailValue = (a: number): number => {
    let v = 0;
    for (let t = H; t < H + r.tail; t++) {
      a *= d;
      v += g[t] * hill(a, r.k[c], r.s[c]);
    }
    return v;
  };
  const walk = (t: number, steps: number, a: number, value: number): void => {
    if (steps + offset < 0 && t === H) return;
    if (t === H) {
      const v = value + tailValue(a);
      if (v > best[steps + offset].value) best[steps + offset] = { value: v, spend: [...path] };
      return;
    }
    for (const level of levels[t]) {
      if (steps + level.steps > maxSteps) continue;
      const next = level.spend + d * a;
      path[t] = level.spend;
      walk(t + 1, steps + level.steps, next, value + g[t] * hill(next, r.k[c], r.s[c]));
    }
  };
  walk(0, 0, r.start[c], 0);
  return best;
}

/**
 * Exhaustive grid search: every allocation of the budget in units of budget/units over the
 * channel-days (revenue is additive over channels, so each channel's table of best revenue per
 * unit count is enumerated and the two are combined over every split of the units), then
 * exhaustive refinement: every move of -1, 0 or +1 step per channel-day around the best allocation
 * that keeps the total, with the step halved when a round finds nothing better.
 */
function gridOptimum(r: SeparableResponse, budget: number, units: number, rounds: number): number {
  const H = r.horizon;
  const unit = budget / units;
  const coarse = r.channels.map((_, c) =>
    channelTable(
      r,
      c,
      Array.from({ length: H }, () =>
        Array.from({ length: units + 1 }, (_, j) => ({ spend: j * unit, steps: j })),
      ),
      units,
      0,
    ),
  );
  let value = -Infinity;
  let alloc: number[][] = [];
  for (let j = 0; j <= units; j++) {
    const v = coarse[0][j].value + coarse[1][units - j].value;
    if (v > value) {
      value = v;
      alloc = [coarse[0][j].spend, coarse[1][units - j].spend];
    }
  }
  let step = unit / 2;
  for (let round = 0; round < rounds; round++) {
    const before = value;
    const span = H;
    const tables = r.channels.map((_, c) =>
      channelTable(
        r,
        c,
        alloc[c].map((x) =>
          [-1, 0, 1]
            .filter((dlt) => x + dlt * step >= -1e-9)
            .map((dlt) => ({ spend: Math.max(0, x + dlt * step), steps: dlt })),
        ),
        span,
        span,
      ),
    );
    for (let j = -span; j <= span; j++) {
      const a = tables[0][j + span];
      const b = tables[1][-j + span];
      if (a.value + b.value > value + 1e-9) {
        value = a.value + b.value;
        alloc = [a.spend, b.spend];
      }
    }
    // Halve the step once a round finds nothing better at this step.
    if (value <= before + 1e-9) step /= 2;
  }
  let base = 0;
  for (const b of r.base) base += b;
  return base + value;
}

/** Plain bisection: every midpoint evaluated (the optimizer's projection before session 54). */
function plainBisect(f: (v: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** projectPlan as it was before session 54 (plain bisections), the reference for its bits. */
function plainProjection(y: readonly Float64Array[], c: PlanConstraints): Float64Array[] {
  const C = y.length;
  const H = y[0].length;
  const sum = (x: ArrayLike<number>): number => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i];
    return s;
  };
  const ranges = y.map((_, ch): [number, number] => [
    Math.max(c.totalLower[ch], sum(c.lower[ch])),
    Math.min(c.totalUpper[ch], sum(c.upper[ch])),
  ]);
  const f = (ch: number, nu: number): number => {
    let s = 0;
    for (let t = 0; t < H; t++) {
      const v = y[ch][t] - nu;
      s += v < c.lower[ch][t] ? c.lower[ch][t] : v > c.upper[ch][t] ? c.upper[ch][t] : v;
    }
    return s;
  };
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
  const lambda = plainBisect(total, c.budget, minNu, maxNu);
  return y.map((yc, ch) => {
    const free = f(ch, lambda);
    const target = clampTo(free, ranges[ch]);
    const nu = free === target ? lambda : plainBisect((v) => f(ch, v), target, minNu, maxNu);
    return Float64Array.from(yc, (v, t) =>
      Math.min(c.upper[ch][t], Math.max(c.lower[ch][t], v - nu)),
    );
  });
}

describe('plan optimizer', () => {
  it('projects to the same bits as plain bisection, evaluating far fewer midpoints', () => {
    // Session 54: bisect replays the halvings and evaluates f only at midpoints that Newton steps
    // did not already decide (f as computed is non-increasing). Random plans of 3-15 channels:
    // channel totals at their bounds, floors, finite and infinite caps, fixed cells.
    const rng = new SeededRandom(13_101);
    for (let trial = 0; trial < 150; trial++) {
      const C = 3 + (trial % 13);
      const H = 5 + (trial % 24);
      const budget = rng.uniform(1e3, 1e6);
      const share = budget / C;
      const lower = Array.from({ length: C }, (_, ch) =>
        Float64Array.from({ length: H }, () =>
          ch % 4 === 1 ? rng.uniform(0, share / (4 * H)) : 0,
        ),
      );
      const upper = Array.from({ length: C }, (_, ch) =>
        Float64Array.from({ length: H }, (_, t) =>
          ch % 3 === 0 ? Infinity : ch % 5 === 2 && t % 7 === 3 ? lower[ch][t] : (3 * share) / H,
        ),
      );
      const c: PlanConstraints = {
        budget,
        lower,
        upper,
        totalLower: Array.from({ length: C }, (_, ch) => (ch % 2 === 0 ? 0.6 * share : 0)),
        totalUpper: Array.from({ length: C }, (_, ch) => (ch % 2 === 0 ? 1.7 * share : Infinity)),
      };
      const y = Array.from({ length: C }, () =>
        Float64Array.from({ length: H }, () => rng.uniform(-2, 4) * (share / H)),
      );
      const got = projectPlan(y, c);
      const want = plainProjection(y, c);
      for (let ch = 0; ch < C; ch++)
        for (let t = 0; t < H; t++) expect(Object.is(got[ch][t], want[ch][t])).toBe(true);
    }
    // A staircase (rounded) function and a linear one: the same number, fewer evaluations.
    for (const [f, target] of [
      [(v: number) => Math.round(-v * 1e3) / 1e3, 12.3456],
      [(v: number) => 3 - 2 * v, 0.123],
      [(v: number) => Math.max(0, Math.min(50, 7 - v)), 50],
    ] as [(v: number) => number, number][]) {
      let calls = 0;
      const counted = (v: number): number => {
        calls++;
        return f(v);
      };
      let plainCalls = 0;
      const want = plainBisect(
        (v) => {
          plainCalls++;
          return f(v);
        },
        target,
        -1e5,
        1e5,
      );
      expect(
        Object.is(bisect(counted, target, -1e5, 1e5, true, { value: 0, down: NaN, up: NaN }), want),
      ).toBe(true);
      expect(plainCalls).toBeGreaterThan(50);
      expect(calls).toBeLessThan(plainCalls);
    }
    let linearCalls = 0;
    const slope = { value: 0, down: NaN, up: NaN };
    bisect(
      (v) => {
        linearCalls++;
        slope.value = -2;
        return 3 - 2 * v;
      },
      0.123,
      -1e5,
      1e5,
      true,
      slope,
    );
    expect(linearCalls).toBeLessThanOrEqual(12);
  });

  it('gradient matches central finite differences, carry-over into the tail included', () => {
    const r = smallResponse(7, 10);
    const x = even(r, 20_000);
    const { gradient } = evaluateResponse(r, x, true);
    for (let c = 0; c < 2; c++) {
      for (const t of [0, 3, 6]) {
        const h = 1e-3;
        const up = x.map((v) => Float64Array.from(v));
        const down = x.map((v) => Float64Array.from(v));
        up[c][t] += h;
        down[c][t] -= h;
        const fd = (evaluateResponse(r, up).total - evaluateResponse(r, down).total) / (2 * h);
        expect(gradient![c][t]).toBeCloseTo(fd, 4);
      }
    }
    // Without the tail the last day's spend loses the revenue it carries past the horizon.
    const short = {
      ...r,
      tail: 0,
      base: r.base.subarray(0, 7),
      gain: r.gain.map((g) => g.subarray(0, 7)),
    };
    const gShort = evaluateResponse(short, x, true).gradient!;
    expect(gShort[0][6]).toBeLessThan(gradient![0][6] * 0.9);
  });

  it('projection is feasible and satisfies the variational inequality', () => {
    const rng = new SeededRandom(7);
    const H = 9;
    const c: PlanConstraints = {
      budget: 1_000,
      lower: [new Float64Array(H).fill(5), new Float64Array(H)],
      upper: [new Float64Array(H).fill(80), new Float64Array(H).fill(200)],
      totalLower: [0, 300],
      totalUpper: [400, Infinity],
    };
    checkFeasible(c, ['a', 'b']);
    for (let trial = 0; trial < 20; trial++) {
      const y = [0, 1].map(() => Float64Array.from({ length: H }, () => rng.uniform(-100, 300)));
      const p = projectPlan(y, c);
      const total = p[0].reduce((a, b) => a + b, 0) + p[1].reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(1_000, 6);
      const s0 = p[0].reduce((a, b) => a + b, 0);
      const s1 = p[1].reduce((a, b) => a + b, 0);
      expect(s0).toBeLessThanOrEqual(400 + 1e-6);
      expect(s1).toBeGreaterThanOrEqual(300 - 1e-6);
      p.forEach((pc, ch) =>
        pc.forEach((v, t) => {
          expect(v).toBeGreaterThanOrEqual(c.lower[ch][t] - 1e-9);
          expect(v).toBeLessThanOrEqual(c.upper[ch][t] + 1e-9);
        }),
      );
      // (y - P(y)) . (z - P(y)) <= 0 for feasible z (here: projections of other random points).
      for (let k = 0; k < 5; k++) {
        const z = projectPlan(
          [0, 1].map(() => Float64Array.from({ length: H }, () => rng.uniform(0, 200))),
          c,
        );
        let ip = 0;
        for (let ch = 0; ch < 2; ch++)
          for (let t = 0; t < H; t++) ip += (y[ch][t] - p[ch][t]) * (z[ch][t] - p[ch][t]);
        expect(ip).toBeLessThanOrEqual(1e-6);
      }
    }
  });

  it('screens many starts: the kept ones end where they would have, the others stop early', () => {
    // Session 54: 10 channels, 12 starts (both baselines' stand-ins and one tilted per channel).
    const H = 28;
    const C = 10;
    const rng = new SeededRandom(13_109);
    const n = H + 40;
    const r: SeparableResponse = {
      channels: Array.from({ length: C }, (_, c) => `ch${c}`),
      horizon: H,
      tail: 40,
      base: new Float64Array(n).fill(5_000),
      gain: Array.from({ length: C }, () =>
        Float64Array.from({ length: n }, () => rng.uniform(2_000, 6_000)),
      ),
      decay: Array.from({ length: C }, () => rng.uniform(0.5, 0.95)),
      k: Array.from({ length: C }, () => rng.uniform(200, 800)),
      s: Array.from({ length: C }, (_, c) => (c % 3 === 0 ? 2.2 : rng.uniform(0.7, 1.4))),
      start: Array.from({ length: C }, () => rng.uniform(0, 300)),
    };
    const budget = 60_000;
    const cons = unboundedConstraints(r, budget);
    const starts = [
      even(r, budget),
      r.channels.map((_, c) => new Float64Array(H).fill((budget * (c + 1)) / (H * 55))),
      ...r.channels.map((_, c) =>
        r.channels.map((_, j) =>
          new Float64Array(H).fill((budget * (j === c ? 0.6 : 0.4 / (C - 1))) / H),
        ),
      ),
    ];
    // No stopping tolerance: every ascent runs to its cap unless it cannot move.
    const opts = { tolerance: 0, maxIterations: 400 };
    const all = optimizePlan(r, cons, starts, opts);
    const screened = optimizePlan(r, cons, starts, { ...opts, screen: true });
    // Every start ran to its end without the screen; with it, 3 did and 9 stopped at 100.
    expect(all.work).toBeGreaterThan(2 * screened.work);
    expect(screened.work).toBeLessThanOrEqual(9 * 100 + 3 * 400);
    // A kept start ends where its own ascent ends (resumed after the screen, the same bits).
    const own = optimizePlan(r, cons, [starts[screened.start]], opts);
    expect(screened.total).toBe(own.total);
    screened.spend.forEach((x, c) => x.forEach((v, t) => expect(v).toBe(own.spend[c][t])));
    // Here the starts the screen dropped end at the same optimum as the kept (to 1e-13).
    expect(Math.abs(screened.total - all.total)).toBeLessThan(1e-9 * all.total);
  });

  it('agrees with an exhaustive grid on 2 channels x 7 days within 0.5% of incremental revenue', () => {
    const r = smallResponse(7, 14);
    for (const budget of [8_000, 20_000, 45_000]) {
      const c = unboundedConstraints(r, budget);
      const zero = evaluateResponse(
        r,
        r.channels.map(() => new Float64Array(7)),
      ).total;
      const opt = optimizePlan(r, c, [even(r, budget)]);
      const grid = gridOptimum(r, budget, 14, 30);
      const incOpt = opt.total - zero;
      const incGrid = grid - zero;
      // The grid is a lower bound of the true optimum: the optimizer may beat it, but only by what
      // the grid's resolution can cost, and it must never fall below it.
      expect(incOpt).toBeGreaterThanOrEqual(incGrid * (1 - 0.005));
      expect(incOpt).toBeLessThanOrEqual(incGrid * (1 + 0.005));
    }
  });

  it('respects per-period and total bounds and reports unmeetable ones', () => {
    const r = smallResponse(7, 7);
    const c = unboundedConstraints(r, 20_000);
    c.totalUpper[0] = 5_000;
    c.upper[1].fill(2_500);
    const out = optimizePlan(r, c, [even(r, 20_000)]);
    const s0 = out.spend[0].reduce((a, b) => a + b, 0);
    expect(s0).toBeLessThanOrEqual(5_000 + 1e-6);
    for (const v of out.spend[1]) expect(v).toBeLessThanOrEqual(2_500 + 1e-9);
    expect(s0 + out.spend[1].reduce((a, b) => a + b, 0)).toBeCloseTo(20_000, 6);
    // Budget 20,000 but at most 5,000 + 7 x 2,000 can be spent.
    const tight = unboundedConstraints(r, 20_000);
    tight.totalUpper[0] = 5_000;
    tight.upper[1].fill(2_000);
    expect(() => optimizePlan(r, tight, [even(r, 20_000)])).toThrow(PlanInputError);
    expect(() => optimizePlan(r, tight, [even(r, 20_000)])).toThrow(
      /maximum spends add up to 19\.0k, less than the budget 20\.0k/,
    );
    const minimums = unboundedConstraints(r, 1_000);
    minimums.totalLower = [800, 800];
    expect(() => checkFeasible(minimums, r.channels)).toThrow(/minimum spends add up to 1\.6k/);
    expect(() => checkFeasible({ ...minimums, budget: 0 }, r.channels)).toThrow(/budget must be/);
  });

  it('is deterministic', () => {
    const r = smallResponse(14, 14);
    const c = unboundedConstraints(r, 30_000);
    const a = optimizePlan(r, c, [even(r, 30_000)]);
    const b = optimizePlan(r, c, [even(r, 30_000)]);
    expect(a.spend.map((x) => Array.from(x))).toEqual(b.spend.map((x) => Array.from(x)));
  });
});
