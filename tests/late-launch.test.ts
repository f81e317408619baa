/**
 * A channel launched late in the history (probe s66: tiktok's first spend 120 days before the end
 * of three daily years): the all-rows model's pooled search counts only the runs that saw its
 * spend, its Ridge / GBM choice is not made on inner-validation rows that hold the launch, and
 * explain says when the channel's curve could not be estimated.
 */
import { describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import type { TenantSeries } from '../src/core/types.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { fitFinalModel, poolSearchRuns, pooledSearchEnds } from '../src/phases/final.js';
import { launchInValidation } from '../src/phases/support.js';
import { SEARCH_START } from '../src/phases/search.js';
import type { ChannelParams } from '../src/phases/types.js';

/** The tenant's series with `channel`'s spend zeroed on the rows before `from`. */
function launchedAt(series: TenantSeries, channel: string, from: number): TenantSeries {
  const c = series.channels.indexOf(channel);
  const spend = series.spend.map((s, j) =>
    Float64Array.from(s, (v, t) => (j === c && t < from ? 0 : v)),
  );
  return { ...series, spend } as TenantSeries;
}

const params = (decay: number): ChannelParams => ({ decay, k_mult: 1, k: 1, s: 1 });

describe('the pooled search counts the runs that saw a channel spend', () => {
  const series = launchedAt(generateTenant('extreme_heating').series, 'google', 500);
  const ends = pooledSearchEnds(series.target.length);

  it('takes the median over the runs whose rows hold 28 days of its spend', () => {
    // Standard folds of 1,095 rows: runs end at 185, 367, 549, 731, 913 and 1,095; google spends
    // from row 500, so the first two runs hold none of it and the third 49 days.
    expect(ends).toEqual([185, 367, 549, 731, 913, 1095]);
    const decays = [0.5, 0.5, 0.2, 0.3, 0.4, 0.6];
    const runs = decays.map((d) => ({ meta: params(0.7), google: params(d) }));
    const pooled = poolSearchRuns(series, runs, ends);
    // Median of 0.2, 0.3, 0.4, 0.6 = 0.35 (all six: 0.45); meta spends from the start: all six.
    expect(pooled.google.decay).toBeCloseTo(0.35, 12);
    expect(pooled.meta.decay).toBe(0.7);
    expect(poolSearchRuns(series, runs).google.decay).toBeCloseTo(0.45, 12);
  });

  it('falls back to every run when none saw enough of it', () => {
    const late = launchedAt(series, 'google', 1090);
    const runs = [0.5, 0.5, 0.2, 0.3, 0.4, 0.6].map((d) => ({
      meta: params(0.7),
      google: params(d),
    }));
    expect(poolSearchRuns(late, runs, ends).google.decay).toBeCloseTo(0.45, 12);
  });
});

describe('a channel launched inside the all-rows model choice validation rows', () => {
  const base = generateTenant('extreme_heating').series;
  const n = base.target.length;
  // The last 15% of the rows (164 of 1,095) validate the choice; google starts 100 rows before the end.
  const series = launchedAt(base, 'google', n - 100);

  it('keeps Ridge and says why, and explain says the curve is not estimated', () => {
    const why = launchInValidation(series, n, 0)!;
    expect(why).toContain('google (first spend');
    expect(why).toContain("spends in the choice's inner-validation rows");
    for (const phase of [2, 3] as const) {
      const m = fitFinalModel(series, phase);
      expect(m.kind).toBe('ridge');
      expect(m.reason).toContain(why);
    }
    // The pooled search alone: no inner training window holds google's spend, so its curve is
    // the search's start, and explain says the curve is not estimated.
    const pooled = fitFinalModel(series, 3, { profileCurves: false });
    expect(pooled.channelParams!.google).toMatchObject(SEARCH_START);
    const e = explainFinalModel(series, pooled, null);
    const caveat = e.caveats.find((c) => c.code === 'curve_not_estimated');
    expect(caveat?.channels).toEqual(['google']);
    expect(caveat?.message).toContain(`google: its spend starts on ${series.dates[n - 100]}`);
    expect(e.caveats.filter((c) => c.code === 'curve_not_estimated')).toHaveLength(1);
    // The profile fit on all rows (the default) sees its 100 days: its curve is fitted there.
    const m = fitFinalModel(series, 3);
    expect(m.curveFit).toBe('profile');
    expect(m.channelParams!.google).not.toMatchObject(SEARCH_START);
    const fitted = explainFinalModel(series, m, null);
    expect(fitted.caveats.map((c) => c.code)).not.toContain('curve_not_estimated');
  });

  it('the profile fit says the curve is not estimated where the data hold under 28 days of it', () => {
    const late = launchedAt(base, 'google', n - 20);
    const m = fitFinalModel(late, 3);
    expect(m.curveFit).toBe('profile');
    const e = explainFinalModel(late, m, null);
    const caveat = e.caveats.find((c) => c.code === 'curve_not_estimated');
    expect(caveat?.channels).toEqual(['google']);
    const days = late.spend[late.channels.indexOf('google')].filter((v) => v > 0).length;
    expect(days).toBeLessThan(28);
    expect(caveat?.message).toContain(
      `google: its spend starts on ${late.dates[n - 20]}, ${days} days of it in the data (under 28)`,
    );
  });

  it('says nothing where every channel spends from the start', () => {
    expect(launchInValidation(base, n, 0)).toBeUndefined();
    const m = fitFinalModel(base, 3);
    const e = explainFinalModel(base, m, null);
    expect(e.caveats.map((c) => c.code)).not.toContain('curve_not_estimated');
  });
});
