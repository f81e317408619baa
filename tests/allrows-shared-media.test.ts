/**
 * The weekly all-rows phase-3 model (explain, intervals, calibration, the planner's start) searches
 * one media shape shared by the channels, as the weekly fold models do (ladder.ts
 * weeklySharedMedia; final.ts allRowsSharedMedia), and so do its bootstrap replicates and window
 * refits; daily data and a search offered delays stay per channel. The peers are the searches
 * themselves, called directly on the pooled search's training prefixes.
 */
import { describe, expect, it } from 'vitest';
import { generateShape, shapeSpecOf } from '../src/core/data/index.js';
import { SeededRandom } from '../src/core/random.js';
import { median } from '../src/core/stats.js';
import { geometricAdstock } from '../src/core/transforms.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { fitFinalModel, pooledSearchEnds } from '../src/phases/final.js';
import {
  WEEKLY_MARGINAL_WIDTH_SCALE,
  WEEKLY_WIDTH_SCALE,
  addIntervals,
  refitReplicate,
} from '../src/phases/intervals.js';
import { hillKFor } from '../src/phases/media.js';
import { searchMediaParams, searchSharedMediaParams } from '../src/phases/search.js';
import type { ChannelParams } from '../src/phases/types.js';

function tenant(frequency: 'weekly' | 'daily', seed: number, years: number) {
  const id = `as_s${seed}_0`;
  return generateShape(shapeSpecOf(id, seed, { frequency, years, channels: 3, correlation: 0.5 }), {
    seed,
  });
}

const weekly = tenant('weekly', 5331, 3);
const n = weekly.series.target.length;
const searchOptions = { calendar: true, gap: 0 };

/** The shared search on each pooled training prefix, called directly. */
const sharedRuns = pooledSearchEnds(n).map(
  (end) => searchSharedMediaParams(weekly.series, end, searchOptions).params,
);

describe('the weekly all-rows phase-3 model: one media shape shared by the channels', () => {
  const model = fitFinalModel(weekly.series, 3);

  it("pools the shared search's runs on the six training prefixes", () => {
    expect(model.searchRuns).toEqual(sharedRuns);
    const first = weekly.series.channels[0];
    const decay = median(sharedRuns.map((r) => r[first].decay));
    const kMult = Math.exp(median(sharedRuns.map((r) => Math.log(r[first].k_mult))));
    const s = median(sharedRuns.map((r) => r[first].s));
    weekly.series.channels.forEach((c, i) => {
      const p = model.channelParams![c];
      expect(p.decay).toBe(decay);
      expect(p.k_mult).toBeCloseTo(kMult, 12);
      expect(p.s).toBe(s);
      // Each channel's k on its own adstocked spend.
      const k = hillKFor(geometricAdstock(weekly.series.spend[i], decay), n, kMult);
      expect(p.k).toBeCloseTo(k, 6);
    });
  });

  it('a bootstrap replicate runs the shared search on all rows', () => {
    const rng = new SeededRandom(11);
    const sd = 0.05 * median(weekly.series.target);
    const target = Float64Array.from(weekly.series.target, (v) => v + sd * rng.normal());
    const series = { ...weekly.series, target };
    const replicate = refitReplicate(series, model, {}, null);
    const peer = searchSharedMediaParams(series, n, searchOptions).params;
    expect(replicate.channelParams).toEqual(peer);
  });

  it('its intervals use the weekly width scale, without a window term', () => {
    const e = addIntervals(explainFinalModel(weekly.series, model, weekly), weekly.series, model, {
      replicates: 12,
    });
    expect(e.uncertainty!.width_scale).toEqual(WEEKLY_WIDTH_SCALE);
    expect(e.uncertainty!.marginal_width_scale).toEqual(WEEKLY_MARGINAL_WIDTH_SCALE);
    expect(e.uncertainty!.window_refits).toBe(0);
  });

  it('stays per channel where delays are offered (the shared search is geometric only)', () => {
    const lagged = fitFinalModel(weekly.series, 3, { lags: [0, 1] });
    const perChannel: Record<string, ChannelParams>[] = pooledSearchEnds(n).map(
      (end) => searchMediaParams(weekly.series, end, searchOptions).params,
    );
    expect(lagged.searchRuns).toEqual(perChannel);
  });
});

describe('the daily all-rows phase-3 model: unchanged, per channel', () => {
  it("pools the per-channel search's runs (the start of its profile curve fit)", () => {
    const daily = tenant('daily', 5333, 1);
    const model = fitFinalModel(daily.series, 3, { profileCurves: false });
    const runs = pooledSearchEnds(daily.series.target.length).map(
      (end) => searchMediaParams(daily.series, end, searchOptions).params,
    );
    expect(model.searchRuns).toEqual(runs);
  });
});
