/**
 * Many channels: the plan's step no larger than the signal in the channels' marginal returns
 * (src/plan/shrink.ts, docs/planner.md). Responses here are Hill with s = 1, no carry-over and a
 * constant gain g per period: revenue x g / (x + k), so the marginal ROAS at a constant spend x is
 * g k / (x + k)^2, written out by hand below.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../src/core/random.js';
import { geometricAdstock, hill } from '../src/core/transforms.js';
import type { TenantSeries } from '../src/core/types.js';
import {
  makePlan,
  scenarioOutlook,
  type RevenueModel,
  marginalAt,
  marginalShrinkage,
  MIN_SHRINK_CHANNELS,
  PLAN_NOISE_INFLATION,
  nonPositiveChannels,
  unpinnedByShrinkage,
  trustStep,
  TRUST_STEPS,
  type SeparableResponse,
} from '../src/plan/index.js';

const H = 7;

function response(gains: readonly number[], k = 1): SeparableResponse {
  return {
    channels: gains.map((_, c) => `ch${c}`),
    horizon: H,
    tail: 0,
    base: new Float64Array(H),
    gain: gains.map((g) => new Float64Array(H).fill(g)),
    decay: gains.map(() => 0),
    k: gains.map(() => k),
    s: gains.map(() => 1),
    start: gains.map(() => 0),
  };
}

const even = (C: number, x: number): Float64Array[] =>
  Array.from({ length: C }, () => new Float64Array(H).fill(x));

describe('marginalAt', () => {
  it('is g k / (x + k)^2 for a Hill response with s = 1 and no carry-over', () => {
    const m = marginalAt(response([4, 8, 3], 2), even(3, 1));
    // g * 2 / 9
    expect(m[0]).toBeCloseTo(8 / 9, 12);
    expect(m[1]).toBeCloseTo(16 / 9, 12);
    expect(m[2]).toBeCloseTo(6 / 9, 12);
  });
});

describe('marginalShrinkage', () => {
  it('B = (K - 3) sigma^2 / sum (m - mean)^2 toward the spend-weighted mean', () => {
    // k = x = 1: m = g / 4 = 1, 2, 3, 4; equal spend: mean 2.5, sum of squares 5.
    const point = response([4, 8, 12, 16]);
    // Two refits at m +- 1 per channel: each channel's variance over them is 2 (n - 1 = 1).
    const reps = [response([8, 12, 16, 20]), response([0.0001, 4, 8, 12])];
    const s = marginalShrinkage(point, reps, even(4, 1))!;
    expect(s).not.toBeNull();
    expect(s.pool).toEqual(['ch0', 'ch1', 'ch2', 'ch3']);
    expect(s.mean).toBeCloseTo(2.5, 12);
    // variance: channels 1-3 exactly 2; channel 0's refits are at 2 and 0.000025 (not 0).
    const mid = (2 + 0.000025) / 2;
    const v0 = ((2 - mid) ** 2 + (0.000025 - mid) ** 2) / 1;
    const spread = (v0 + 2 + 2 + 2) / 4;
    // sigma^2 = PLAN_NOISE_INFLATION x the refits' variance.
    expect(PLAN_NOISE_INFLATION).toBe(1.75);
    expect(s.inflation).toBe(PLAN_NOISE_INFLATION);
    const b = (1.75 * spread) / 5;
    expect(s.factor).toBeCloseTo(b, 9);
    expect(s.maxStep).toBeCloseTo(1 - b, 9);
    expect(s.shrunk[3]).toBeCloseTo(4 - b * 1.5, 9);
    // Without the inflation: the refits' variance as sigma^2.
    const plain = marginalShrinkage(point, reps, even(4, 1), [], 1)!;
    expect(plain.factor).toBeCloseTo(spread / 5, 9);
    expect(plain.shrunk[3]).toBeCloseTo(4 - (spread / 5) * 1.5, 9);
  });

  it('refits equal to the model: no noise, no cap (B = 0)', () => {
    const point = response([4, 8, 12, 16]);
    const s = marginalShrinkage(point, [point, point], even(4, 1))!;
    expect(s.factor).toBe(0);
    expect(s.maxStep).toBe(1);
  });

  it('channels the model cannot tell apart: B = 1, no step', () => {
    const point = response([8, 8, 8, 8, 8]);
    const reps = [response([6, 10, 8, 9, 7]), response([10, 6, 8, 7, 9])];
    const s = marginalShrinkage(point, reps, even(5, 1))!;
    expect(s.factor).toBe(1);
    expect(s.maxStep).toBe(0);
  });

  it('needs 4 channels with a positive marginal return that are not excluded', () => {
    expect(MIN_SHRINK_CHANNELS).toBe(4);
    const reps = [response([5, 9, 13]), response([3, 7, 11])];
    expect(marginalShrinkage(response([4, 8, 12]), reps, even(3, 1))).toBeNull();
    const four = response([4, 8, 12, 16]);
    const reps4 = [response([5, 9, 13, 17]), response([3, 7, 11, 15])];
    expect(marginalShrinkage(four, reps4, even(4, 1))).not.toBeNull();
    // A pinned channel, or one without spend at (a), leaves 3 in the pool.
    expect(marginalShrinkage(four, reps4, even(4, 1), [false, true, false, false])).toBeNull();
    const noSpend = even(4, 1);
    noSpend[2].fill(0);
    expect(marginalShrinkage(four, reps4, noSpend)).toBeNull();
    // A channel whose marginal return is not positive is left out of the pool.
    const losing = response([4, 8, 12, -16]);
    expect(marginalShrinkage(losing, reps4, even(4, 1))).toBeNull();
  });
});

describe('unpinnedByShrinkage', () => {
  it('plans a pinned channel when its shrunk marginal return is positive, not when B = 0', () => {
    // ch4 has gain 0 (a channel the model left out): pinned; its marginal ROAS at (a) is 0.
    const point = response([4, 8, 12, 16, 0]);
    const pinned = nonPositiveChannels(point);
    expect(pinned).toEqual([false, false, false, false, true]);
    const noisy = [response([8, 12, 16, 20, 0]), response([0.0001, 4, 8, 12, 0])];
    const s = marginalShrinkage(point, noisy, even(5, 1), pinned)!;
    expect(s.pool).toEqual(['ch0', 'ch1', 'ch2', 'ch3']);
    // (1 - B) 0 + B 2.5 > 0 with B about 0.4.
    expect(s.factor).toBeGreaterThan(0.39);
    expect(unpinnedByShrinkage(s, pinned)).toEqual([false, false, false, false, true]);
    const sure = marginalShrinkage(point, [point, point], even(5, 1), pinned)!;
    expect(sure.factor).toBe(0);
    expect(unpinnedByShrinkage(sure, pinned)).toEqual([false, false, false, false, false]);
  });

  it('keeps a channel pinned whose own estimate is far enough below zero', () => {
    // m = -40 / 4 = -10 for ch4 (negative gain): (1 - 0.4) (-10) + 0.4 (2.5) < 0.
    const point = response([4, 8, 12, 16, -40]);
    const pinned = nonPositiveChannels(point);
    const noisy = [response([8, 12, 16, 20, -40]), response([0.0001, 4, 8, 12, -40])];
    const s = marginalShrinkage(point, noisy, even(5, 1), pinned)!;
    expect(unpinnedByShrinkage(s, pinned)[4]).toBe(false);
  });
});

describe('trustStep with a step cap', () => {
  it('goes no further than maxStep of the way to the optimum', () => {
    const point = response([4, 8, 12, 16], 100);
    const anchor = even(4, 50);
    const optimum = [10, 30, 70, 90].map((v) => new Float64Array(H).fill(v));
    // Refits equal to the model: without a cap the uplift grows all the way (concave, towards
    // the model's optimum direction), so the step is 1.
    const free = trustStep(point, Array(12).fill(point), anchor, optimum);
    expect(free.step).toBe(1);
    const capped = trustStep(point, Array(12).fill(point), anchor, optimum, [], 0.42);
    expect(capped.step_cap).toBeCloseTo(Math.round(TRUST_STEPS * 0.42) / TRUST_STEPS, 12);
    expect(capped.step).toBeLessThanOrEqual(0.42);
    expect(capped.step).toBeGreaterThan(0);
  });
});

/**
 * A weekly series of C channels (two years, one weather column) and exact separable models of it
 * whose channels' betas are the given ones: the point model and its 'refits'.
 */
function weekly(C: number): {
  series: TenantSeries;
  model: (beta: readonly number[]) => RevenueModel;
  beta: number[];
} {
  const rng = new SeededRandom(38);
  const n = 104;
  const dates = Array.from({ length: n }, (_, t) =>
    new Date(Date.UTC(2023, 0, 2) + 7 * t * 86_400_000).toISOString().slice(0, 10),
  );
  const temp = Float64Array.from(
    { length: n },
    (_, t) => 12 + 10 * Math.sin((2 * Math.PI * t) / 52),
  );
  const names = Array.from({ length: C }, (_, c) => `ch${c + 1}`);
  const spend = names.map(() =>
    Float64Array.from({ length: n }, () => Math.max(0, 20_000 * (1 + 0.3 * rng.normal()))),
  );
  const media = names.map(() => ({ decay: 0.3, k: 30_000, s: 1 }));
  const beta = names.map((_, c) => 60_000 + 10_000 * c);
  const model = (b: readonly number[]): RevenueModel => ({
    channels: names,
    weather: ['temperature_c'],
    controls: [],
    media,
    predict: (s: TenantSeries) => {
      const out = Float64Array.from(s.weather[0], () => 500_000);
      media.forEach((p, c) => {
        const a = geometricAdstock(s.spend[c], p.decay);
        for (let i = 0; i < out.length; i++) out[i] += b[c] * hill(a[i], p.k, p.s);
      });
      return out;
    },
    describe: { kind: 'test' },
  });
  const series: TenantSeries = {
    tenant: 'js_weekly',
    frequency: 'weekly',
    dates,
    channels: names,
    spend,
    weatherNames: ['temperature_c'],
    weather: [temp],
    controlNames: [],
    controls: [],
    targetName: 'revenue',
    target: new Float64Array(n),
  };
  series.target = model(beta).predict(series);
  return { series, model, beta };
}

describe('makePlan over many channels', () => {
  const H = 13;
  const plan = (C: number, noise: number) => {
    const w = weekly(C);
    const rng = new SeededRandom(7);
    // 12 refits whose betas scatter around the point's by +-noise (relative, uniform).
    const replicates = Array.from({ length: 12 }, () =>
      w.model(w.beta.map((b) => b * (1 + noise * (2 * rng.next() - 1)))),
    );
    return makePlan(
      {
        series: w.series,
        model: w.model(w.beta),
        outlook: scenarioOutlook(w.series, 'typical', ['temperature_c'], H + 60),
        replicates,
      },
      { horizon: H, budget: 20_000 * C * H },
    );
  };

  it('caps the step at 1 - B (to the nearest 5% step) and says so; agreeing refits leave it free', () => {
    const some = plan(6, 0.3);
    const js = some.uncertainty!.marginal_shrinkage!;
    expect(js.channels).toHaveLength(6);
    expect(js.factor).toBeGreaterThan(0.2);
    expect(js.factor).toBeLessThan(0.8);
    expect(js.max_step).toBeCloseTo(1 - js.factor, 12);
    expect(some.uncertainty!.step_cap).toBeLessThanOrEqual(js.max_step + 0.5 / TRUST_STEPS);
    expect(some.uncertainty!.step).toBeLessThanOrEqual(some.uncertainty!.step_cap);
    expect(some.uncertainty!.text).toMatch(
      /that the estimates' noise \(1\.75x their spread over the refits\) does not account for/,
    );
    // Refits scattered so widely that the spread is all noise: B = 1, the plan stays at (a).
    const noisy = plan(6, 0.6);
    expect(noisy.uncertainty!.marginal_shrinkage!.factor).toBe(1);
    expect(noisy.uncertainty!.step).toBe(0);
    expect(noisy.uncertainty!.text).toMatch(/no step is allowed/);
    const sure = plan(6, 0);
    expect(sure.uncertainty!.marginal_shrinkage!.factor).toBeCloseTo(0, 12);
    expect(sure.uncertainty!.step).toBeGreaterThan(some.uncertainty!.step);
  });

  it('has no shrinkage below 4 channels', () => {
    expect(plan(3, 0.6).uncertainty!.marginal_shrinkage).toBeNull();
  });
});
