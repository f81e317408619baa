/**
 * explain's `convex_curve` caveat (src/phases/explain.ts, convex.ts): a phase-3 channel whose curve
 * rises faster and faster over nearly all the data. A calibrated model with google at k_mult 8 and
 * Hill shape 3 was explained without a word (the planner said it of its own model).
 */
import { describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import { geometricAdstock } from '../src/core/transforms.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { fitFinalModel } from '../src/phases/final.js';
import { hillKFor } from '../src/phases/media.js';

describe('convex_curve on an explanation', () => {
  const { series } = generateTenant('extreme_sunscreen');
  const n = series.target.length;
  const searched = fitFinalModel(series, 3);

  it('names a channel whose Hill curve turns above nearly all its adstocked spend', () => {
    const g = series.channels.indexOf('google');
    const decay = searched.channelParams!.google.decay;
    // k = 8 x the median positive adstock, shape 3: the turning point k (2/4)^(1/3) = 6.3 x the
    // median, above the 95th percentile of this channel's adstock.
    const k = hillKFor(geometricAdstock(series.spend[g], decay), n, 8);
    const params = {
      ...searched.channelParams!,
      google: { decay, k_mult: 8, s: 3, k },
    };
    const model = fitFinalModel(series, 3, { channelParams: params });
    const caveats = explainFinalModel(series, model, null).caveats;
    const convex = caveats.filter((c) => c.code === 'convex_curve');
    expect(convex).toHaveLength(1);
    expect(convex[0].channels).toEqual(['google']);
    expect(convex[0].message).toMatch(/^google \(Hill shape 3\.00\): the model's return rises/);
  });

  it('is not given for a channel without spend (explain says "no spend"; a probe’s radio got both)', () => {
    const g = series.channels.indexOf('google');
    const silent = {
      ...series,
      spend: series.spend.map((x, c) => (c === g ? new Float64Array(n) : x)),
    };
    const decay = searched.channelParams!.google.decay;
    const k = hillKFor(geometricAdstock(series.spend[g], decay), n, 8);
    const params = { ...searched.channelParams!, google: { decay, k_mult: 8, s: 3, k } };
    const model = fitFinalModel(silent, 3, { channelParams: params });
    const caveats = explainFinalModel(silent, model, null).caveats;
    expect(
      caveats.filter((c) => c.code === 'convex_curve').flatMap((c) => c.channels),
    ).not.toContain('google');
  });

  it('is not given for the searched model of a built-in tenant', () => {
    const caveats = explainFinalModel(series, searched, null).caveats;
    expect(caveats.some((c) => c.code === 'convex_curve')).toBe(false);
  });
});
