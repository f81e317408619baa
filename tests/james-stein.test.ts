/**
 * Positive-part James-Stein toward an estimated mean (src/core/james-stein.ts) and its use on an
 * explanation's ROAS (intervals.ts poolRoas). Expected values are worked by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { columnVariances, jamesStein, JAMES_STEIN_MIN } from '../src/core/james-stein.js';
import { poolRoas } from '../src/phases/intervals.js';
import { jamesSteinLog } from '../src/core/james-stein.js';
import type { Explanation } from '../src/phases/types.js';

describe('jamesStein', () => {
  it('B = (K - 3) mean variance / sum of squares about the mean', () => {
    // values 1, 2, 3, 6: mean 3, squares 4 + 1 + 0 + 9 = 14; variances mean 2.8; B = 1 x 2.8 / 14 = 0.2.
    const js = jamesStein([1, 2, 3, 6], [2, 3, 3, 3.2])!;
    expect(js.mean).toBeCloseTo(3, 12);
    expect(js.factor).toBeCloseTo(0.2, 12);
    // 3 + 0.8 (x - 3)
    expect(js.shrunk).toEqual([1.4, 2.2, 3, 5.4].map((v) => expect.closeTo(v, 12)));
  });

  it('a weighted mean: the shrinkage target moves, the factor uses squares about it', () => {
    // weights 3, 1, 1, 1, 1 on 1, 2, 3, 4, 5: mean (3 + 2 + 3 + 4 + 5) / 7 = 17 / 7.
    const m = 17 / 7;
    const ss = [1, 2, 3, 4, 5].reduce((a, v) => a + (v - m) ** 2, 0);
    const js = jamesStein([1, 2, 3, 4, 5], [1, 1, 1, 1, 1], [3, 1, 1, 1, 1])!;
    expect(js.mean).toBeCloseTo(m, 12);
    expect(js.factor).toBeCloseTo((2 * 1) / ss, 12);
  });

  it('positive part: noise larger than the spread gives B = 1, equal values too', () => {
    expect(jamesStein([1, 1.1, 0.9, 1], [1, 1, 1, 1])!.factor).toBe(1);
    expect(jamesStein([2, 2, 2, 2], [0.1, 0.1, 0.1, 0.1])!.factor).toBe(1);
    expect(jamesStein([1, 2, 3, 4], [0, 0, 0, 0])!.factor).toBe(0);
  });

  it('needs 4 values; lengths must agree', () => {
    expect(JAMES_STEIN_MIN).toBe(4);
    expect(jamesStein([1, 2, 3], [1, 1, 1])).toBeNull();
    expect(() => jamesStein([1, 2, 3, 4], [1, 1, 1])).toThrow(RangeError);
    // not finite: no estimate
    expect(jamesStein([1, 2, NaN, 4], [1, 1, 1, 1])).toBeNull();
    expect(jamesStein([1, 2, 3, 4], [1, NaN, 1, 1])).toBeNull();
  });

  it('columnVariances: sample variances (n - 1) per column', () => {
    // column 0: 1, 3 -> mean 2, variance 2; column 1: 5, 5 -> 0.
    expect(
      columnVariances(
        [
          [1, 5],
          [3, 5],
        ],
        2,
      ),
    ).toEqual([2, 0]);
  });
});

describe('jamesSteinLog', () => {
  it('pools ratios on the log scale with the delta method, the geometric mean back on the ratio scale', () => {
    // log values k ln 2 (k = 0..3), variances 0.5 (ln 2)^2 r^2 -> on the log scale 0.5 (ln 2)^2
    // each; squares 5 (ln 2)^2: B = 0.1, shrunk 2^(1.5 + 0.9 (k - 1.5)).
    const r = [1, 2, 4, 8];
    const js = jamesSteinLog(
      r,
      r.map((x) => 0.5 * Math.LN2 ** 2 * x ** 2),
    )!;
    expect(js.factor).toBeCloseTo(0.1, 12);
    expect(js.mean).toBeCloseTo(2 ** 1.5, 12);
    r.forEach((_, k) => expect(js.shrunk[k]).toBeCloseTo(2 ** (1.5 + 0.9 * (k - 1.5)), 12));
    expect(jamesSteinLog([1, 2, 0, 8], [1, 1, 1, 1])).toBeNull();
  });
});

/** An explanation with only what poolRoas reads: channels (spend, ROAS, truth). */
function explanation(roas: number[], truth: (number | null)[], spend?: number[]): Explanation {
  return {
    channels: roas.map((r, c) => ({
      channel: `ch${c}`,
      spend: spend ? spend[c] : 100,
      contribution: r * 100,
      roas: r,
      marginal_roas: r / 2,
      share_of_predicted: 0.1,
      truth: truth[c] === null ? null : { contribution: 0, roas: truth[c]!, marginal_roas: null },
      roas_error: null,
      intervals: null,
    })),
  } as unknown as Explanation;
}

describe('poolRoas', () => {
  it("pools each channel's ROAS on the log scale toward their geometric mean", () => {
    const e = explanation([1, 2, 4, 8], [2, 2, 3, 4]);
    // Replicate vectors: per channel contribution, ROAS, marginal; ROAS at 3c + 1. Two replicates
    // at ROAS r (1 +- delta): variance 2 (r delta)^2, on the log scale (delta method) 2 delta^2.
    const delta = 0.5 * Math.LN2;
    const rep = (sign: number): number[] =>
      e.channels.flatMap((ch) => [0, ch.roas * (1 + sign * delta), 0]);
    poolRoas(e, [rep(1), rep(-1)]);
    // log ROAS k ln 2, k = 0..3: mean 1.5 ln 2, squares 5 (ln 2)^2; sigma^2 = 2 delta^2 =
    // 0.5 (ln 2)^2; B = (4 - 3) sigma^2 / squares = 0.1; pooled 2^(1.5 + 0.9 (k - 1.5)).
    expect(e.roas_pooling!.factor).toBeCloseTo(0.1, 12);
    expect(e.roas_pooling!.mean_roas).toBeCloseTo(2 ** 1.5, 12);
    [0, 1, 2, 3].forEach((k) =>
      expect(e.channels[k].pooled_roas).toBeCloseTo(2 ** (1.5 + 0.9 * (k - 1.5)), 12),
    );
    // truth 2: (pooled - 2) / 2
    expect(e.channels[1].pooled_roas_error).toBeCloseTo((2 ** 1.05 - 2) / 2, 12);
    // the model's own figures stay
    expect(e.channels.map((c) => c.roas)).toEqual([1, 2, 4, 8]);
    expect(e.roas_pooling!.text).toContain('their geometric mean 2.83 on the log scale');
  });

  it("one channel's wild ROAS does not draw the others up (a probe's five went to 9.66)", () => {
    const e = explanation([1, 1.2, 0.9, 36], [1, 1, 1, 3]);
    const rep = (sign: number): number[] =>
      e.channels.flatMap((ch) => [0, ch.roas * (1 + sign * 0.8), 0]);
    poolRoas(e, [rep(1), rep(-1)]);
    const geometric = (1 * 1.2 * 0.9 * 36) ** 0.25;
    expect(e.roas_pooling!.mean_roas).toBeCloseTo(geometric, 12);
    // On the linear scale every channel moved toward the mean 9.78.
    for (const k of [0, 1, 2]) expect(e.channels[k].pooled_roas!).toBeLessThan(geometric);
    expect(e.channels[3].pooled_roas!).toBeLessThan(36);
  });

  it('leaves a ROAS at or below 0 unpooled (no log) and pools its marginal ROAS', () => {
    const e = explanation([1, 2, 3, 4, -1], [1, 1, 1, 1, 1]);
    const reps = [0, 1].map((k) =>
      e.channels.flatMap((ch) => [0, ch.roas + k * 0.3, ch.marginal_roas + k]),
    );
    poolRoas(e, reps);
    expect(e.roas_pooling!.channels).toEqual(['ch0', 'ch1', 'ch2', 'ch3']);
    expect(e.channels[4].pooled_roas).toBeUndefined();
    expect(e.channels[4].pooled_marginal_roas).toBeDefined();
    expect(e.roas_pooling!.text).toContain(
      "not pooled: ch4's ROAS (at or below 0, which the log scale of the pooling cannot take; its marginal ROAS is pooled)",
    );
  });

  it('pools the marginal ROAS with its own factor from its own replicate spread', () => {
    // marginal ROAS = roas / 2 = 1, 2, 3, 4 (helper): mean 2.5, squares 5; replicates +-1: variance 2.
    const e = explanation([2, 4, 6, 8], [2, 4, 6, 8]);
    const rep = (sign: number): number[] =>
      e.channels.flatMap((ch) => [0, ch.roas, ch.marginal_roas + sign]);
    poolRoas(e, [rep(1), rep(-1)]);
    // ROAS replicates equal the point: B = 0 for ROAS; marginal B = 1 x 2 / 5 = 0.4.
    expect(e.roas_pooling!.factor).toBe(0);
    expect(e.roas_pooling!.marginal_factor).toBeCloseTo(0.4, 12);
    expect(e.roas_pooling!.mean_marginal_roas).toBeCloseTo(2.5, 12);
    expect(e.channels[0].pooled_roas).toBeCloseTo(2, 12);
    expect(e.channels[0].pooled_marginal_roas).toBeCloseTo(2.5 - 0.6 * 1.5, 12);
    expect(e.channels[3].pooled_marginal_roas).toBeCloseTo(2.5 + 0.6 * 1.5, 12);
    // truth marginal null in the helper: no error
    expect(e.channels[0].pooled_marginal_roas_error).toBeNull();
  });

  it('with fewer than 4 ROAS above 0 pools the marginal ROAS alone', () => {
    const e = explanation([1, 2, 3, -1, -2], [1, 1, 1, 1, 1]);
    const reps = [0, 1].map((k) =>
      e.channels.flatMap((ch) => [0, ch.roas + k * 0.3, ch.marginal_roas + k]),
    );
    poolRoas(e, reps);
    expect(e.roas_pooling!.factor).toBeNull();
    expect(e.roas_pooling!.mean_roas).toBeNull();
    expect(e.roas_pooling!.channels).toEqual([]);
    expect(e.roas_pooling!.marginal_channels).toEqual(['ch0', 'ch1', 'ch2', 'ch3', 'ch4']);
    expect(e.channels.every((ch) => ch.pooled_roas === undefined)).toBe(true);
    expect(e.channels.every((ch) => ch.pooled_marginal_roas !== undefined)).toBe(true);
    expect(e.roas_pooling!.text).toContain(
      'no pooled_roas (fewer than 4 channels with a ROAS above 0, which the log scale of the pooling needs)',
    );
  });

  it('leaves out channels without spend, and does nothing under 4 channels', () => {
    const e = explanation([1, 2, 3, 6, 9], [1, 1, 1, 1, 1], [100, 100, 0, 100, 100]);
    const reps = [0, 1].map((k) => e.channels.flatMap((ch) => [0, ch.roas + k, 0]));
    poolRoas(e, reps);
    expect(e.roas_pooling!.channels).toEqual(['ch0', 'ch1', 'ch3', 'ch4']);
    expect(e.channels[2].pooled_roas).toBeUndefined();
    const small = explanation([1, 2, 3], [1, 1, 1]);
    poolRoas(
      small,
      [0, 1].map((k) => small.channels.flatMap((ch) => [0, ch.roas + k, 0])),
    );
    expect(small.roas_pooling).toBeUndefined();
    expect(small.channels[0].pooled_roas).toBeUndefined();
  });
});
