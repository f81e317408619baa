import { describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import { standardErrorOfMean } from '../src/core/metrics.js';
import { SeededRandom } from '../src/core/random.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { allRowsDelays, fitFinalModel, pooledSearchEnds } from '../src/phases/final.js';
import {
  addIntervals,
  blockLengthFor,
  explanationCaveats,
  figureInterval,
  zeroFloor,
  UNSCALED,
  WIDTH_SCALE,
  WINDOW_WIDTH_SCALE,
  MARGINAL_WINDOW_WIDTH_SCALE,
  WINDOW_95_STRETCH,
  addIntervalsFromFigures,
  bootstrapFigures,
  heldAtZeroScale,
  dataWindowFigures,
  nearBoundScale,
  boundShares,
  AT_BOUND,
  WEEKLY_OFFSET_95,
  WEEKLY_WIDTH_SCALE,
  defaultReplicates,
  figureVector,
  spentChannelCount,
  movingBlockResample,
  windowFigures,
} from '../src/phases/intervals.js';
import { hillKFor, peakedOrGeometric } from '../src/phases/media.js';
import type { ChannelParams } from '../src/phases/types.js';

describe('moving-block resample', () => {
  it('copies circular runs of blockLength consecutive values, deterministically', () => {
    const x = Float64Array.from({ length: 50 }, (_, i) => i);
    const a = movingBlockResample(x, 7, new SeededRandom(3));
    const b = movingBlockResample(x, 7, new SeededRandom(3));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.length).toBe(50);
    for (let start = 0; start < 50; start += 7) {
      for (let j = 1; j < 7 && start + j < 50; j++) {
        expect(a[start + j]).toBe((a[start + j - 1] + 1) % 50);
      }
    }
    const c = movingBlockResample(x, 7, new SeededRandom(4));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('block length: 4 weeks for daily rows, max(4, cbrt n) weeks for weekly, at most n / 2', () => {
    expect(blockLengthFor(1095, 'daily')).toBe(28);
    expect(blockLengthFor(156, 'weekly')).toBe(5);
    expect(blockLengthFor(30, 'weekly')).toBe(4);
    expect(blockLengthFor(40, 'daily')).toBe(20);
  });
});

describe('figure interval', () => {
  const reps = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  it('without model error: the bootstrap percentiles (linear interpolation)', () => {
    // q10 = 1 + 0.1 * 10 = 2, q90 = 10, q2.5 = 1.25, q97.5 = 10.75
    const iv = figureInterval(6, reps, 0);
    expect(iv.p80[0]).toBeCloseTo(2, 12);
    expect(iv.p80[1]).toBeCloseTo(10, 12);
    expect(iv.p95[0]).toBeCloseTo(1.25, 12);
    expect(iv.p95[1]).toBeCloseTo(10.75, 12);
  });
  it('model error adds z tau |p| in quadrature, and the point is always inside', () => {
    const iv = figureInterval(6, reps, 0.1);
    const m80 = 1.2815515655446004 * 0.1 * 6;
    expect(iv.p80[0]).toBeCloseTo(6 - Math.sqrt(16 + m80 * m80), 12);
    expect(iv.p80[1]).toBeCloseTo(6 + Math.sqrt(16 + m80 * m80), 12);
    const outside = figureInterval(20, reps, 0.1); // point above every replicate
    // The side without refits takes the other side's distance (INTERVALS_VERSION 45): 20 - q2.5.
    expect(outside.p95[1]).toBeCloseTo(20 + Math.hypot(20 - 1.25, 1.959963984540054 * 2), 12);
    expect(outside.p95[0]).toBeLessThan(outside.p80[0]);
    expect(outside.p80[0]).toBeLessThan(20);
  });
  it('a width scale multiplies the deviation on each side of the point, per level', () => {
    // deviations: 80% 6 - 2 = 4 and 10 - 6 = 4; 95% 6 - 1.25 = 4.75 and 10.75 - 6 = 4.75
    const iv = figureInterval(6, reps, 0, { p80: 0.5, p95: 1.5 });
    expect(iv.p80[0]).toBeCloseTo(6 - 0.5 * 4, 12);
    expect(iv.p80[1]).toBeCloseTo(6 + 0.5 * 4, 12);
    expect(iv.p95[0]).toBeCloseTo(6 - 1.5 * 4.75, 12);
    expect(iv.p95[1]).toBeCloseTo(6 + 1.5 * 4.75, 12);
    // A 95% scale that would end inside the 80% interval: the 95% interval holds the 80% one.
    const nested = figureInterval(6, reps, 0, { p80: 1.5, p95: 0.5 });
    expect(nested.p95).toEqual(nested.p80);
    // skew kept: a point at 3 has deviations 1 below and 7 above at 80%
    const skew = figureInterval(3, reps, 0, { p80: 2, p95: 1 });
    expect(skew.p80[0]).toBeCloseTo(3 - 2 * 1, 12);
    expect(skew.p80[1]).toBeCloseTo(3 + 2 * 7, 12);
  });
  it('the window term adds z b m in quadrature, m the median distance of the windows from the point', () => {
    // |w - 6| = 2, 0, 3, 1, 1, 2: median m = (1 + 2) / 2 = 1.5
    const windows = [4, 6, 9, 7, 5, 8];
    const iv = figureInterval(6, reps, 0, { p80: 0.5, p95: 0.25, window: 2 }, windows);
    const w80 = 1.2815515655446004 * 2 * 1.5;
    const w95 = 1.959963984540054 * 2 * 1.5;
    expect(iv.p80[0]).toBeCloseTo(6 - Math.hypot(0.5 * 4, w80), 12);
    expect(iv.p80[1]).toBeCloseTo(6 + Math.hypot(0.5 * 4, w80), 12);
    expect(iv.p95[0]).toBeCloseTo(6 - Math.hypot(0.25 * 4.75, w95), 12);
    expect(iv.p95[1]).toBeCloseTo(6 + Math.hypot(0.25 * 4.75, w95), 12);
    // without a window factor the windows change nothing
    expect(figureInterval(6, reps, 0, { p80: 0.5, p95: 0.25 }, windows)).toEqual(
      figureInterval(6, reps, 0, { p80: 0.5, p95: 0.25 }),
    );
  });
  it('window95 is the window factor of the 95% level; the 80% level keeps window', () => {
    const windows = [4, 6, 9, 7, 5, 8]; // m = 1.5 (above)
    const iv = figureInterval(6, reps, 0, { p80: 0.5, p95: 0.25, window: 2, window95: 3 }, windows);
    expect(iv.p80[1]).toBeCloseTo(6 + Math.hypot(0.5 * 4, 1.2815515655446004 * 2 * 1.5), 12);
    expect(iv.p95[0]).toBeCloseTo(6 - Math.hypot(0.25 * 4.75, 1.959963984540054 * 3 * 1.5), 12);
    expect(iv.p95[1]).toBeCloseTo(6 + Math.hypot(0.25 * 4.75, 1.959963984540054 * 3 * 1.5), 12);
  });
  it('the daily window scales stretch their 95% factors by WINDOW_95_STRETCH', () => {
    for (const s of [WINDOW_WIDTH_SCALE, MARGINAL_WINDOW_WIDTH_SCALE]) {
      // Rounded to three decimals (intervals.ts stretch95).
      expect(s.p95).toBe(Math.round(s.p80 * WINDOW_95_STRETCH * 1000) / 1000);
      expect(s.window95).toBe(Math.round(s.window! * WINDOW_95_STRETCH * 1000) / 1000);
    }
    expect(WINDOW_95_STRETCH).toBeGreaterThan(1);
  });
  it('a channel held at 0 takes the bootstrap-only factor, the 95% stretch kept', () => {
    const held = heldAtZeroScale({ p80: 0.2, p95: 0.3, window: 1, window95: 1.5 });
    const f = WIDTH_SCALE.p80 / 0.2;
    expect(held).toEqual({
      p80: WIDTH_SCALE.p80,
      p95: Math.round(0.3 * f * 1000) / 1000,
      window: 1,
      window95: 1.5,
    });
    // no window term, or a bootstrap factor already as large: unchanged
    expect(heldAtZeroScale({ p80: 0.2, p95: 0.2 })).toEqual({ p80: 0.2, p95: 0.2 });
    const wide = { p80: 1.5, p95: 1.5, window: 1 };
    expect(heldAtZeroScale(wide)).toBe(wide);
  });
  it("a channel near the bound takes the held channel's bootstrap factor at each level whose lower quantile is at the bound", () => {
    const scale = { p80: 0.2, p95: 0.3, window: 1, window95: 1.5 };
    const held = heldAtZeroScale(scale);
    // below 2.5% at the bound: unchanged (the same object)
    expect(nearBoundScale(scale, 0)).toBe(scale);
    expect(nearBoundScale(scale, 0.02)).toBe(scale);
    // 2.5% up to 10%: only the 95% level's lower quantile is at the bound
    expect(nearBoundScale(scale, 0.025)).toEqual({ ...scale, p95: held.p95 });
    expect(nearBoundScale(scale, 0.09)).toEqual({ ...scale, p95: held.p95 });
    // 10% and more: both levels
    expect(nearBoundScale(scale, 0.1)).toEqual({ ...scale, p80: held.p80, p95: held.p95 });
    expect(nearBoundScale(scale, 6 / 60)).toEqual({ ...scale, p80: held.p80, p95: held.p95 });
    // no window term (bootstrap-only or weekly scales): unchanged
    expect(nearBoundScale(WEEKLY_WIDTH_SCALE, 0.5)).toBe(WEEKLY_WIDTH_SCALE);
  });
  it('the weekly 95% offset term adds k |median(replicates) - p| to both sides; 80% unchanged', () => {
    // replicates 1..11: median 6; point 3: offset 3
    const plain = figureInterval(3, reps, 0, { p80: 0.98, p95: 0.98 });
    const iv = figureInterval(3, reps, 0, { p80: 0.98, p95: 0.98, offset95: 1 });
    expect(iv.p80).toEqual(plain.p80);
    // q2.5 = 1.25, q97.5 = 10.75
    expect(iv.p95[0]).toBeCloseTo(3 - Math.hypot(0.98 * 1.75, 3), 12);
    expect(iv.p95[1]).toBeCloseTo(3 + Math.hypot(0.98 * 7.75, 3), 12);
    // a point at the replicates' median: no offset, the same interval
    expect(figureInterval(6, reps, 0, { p80: 0.98, p95: 0.98, offset95: 1 })).toEqual(
      figureInterval(6, reps, 0, { p80: 0.98, p95: 0.98 }),
    );
    expect(WEEKLY_WIDTH_SCALE.offset95).toBe(WEEKLY_OFFSET_95);
  });
  it("the test term adds z t d in quadrature per side, d each test's largest move that way at -1 / +1 SE", () => {
    // test 1 at -1 / +1 SE: 5, 8 (down 1, up 2); test 2: 7, 6.5 (down 0, up 1, both above 6);
    // down = hypot(1, 0) = 1, up = hypot(2, 1) = sqrt 5
    const shifts = [5, 8, 7, 6.5];
    const iv = figureInterval(6, reps, 0, { p80: 0.5, p95: 0.5, tests: 1 }, [], shifts);
    const z80 = 1.2815515655446004;
    const z95 = 1.959963984540054;
    expect(iv.p80[0]).toBeCloseTo(6 - Math.hypot(0.5 * 4, z80 * 1), 12);
    expect(iv.p80[1]).toBeCloseTo(6 + Math.hypot(0.5 * 4, z80 * Math.sqrt(5)), 12);
    expect(iv.p95[0]).toBeCloseTo(6 - Math.hypot(0.5 * 4.75, z95 * 1), 12);
    expect(iv.p95[1]).toBeCloseTo(6 + Math.hypot(0.5 * 4.75, z95 * Math.sqrt(5)), 12);
    // a test twice as uncertain moves the figure twice as far (linear response): wider interval
    const wide = figureInterval(6, reps, 0, { p80: 0.5, p95: 0.25, tests: 1 }, [], [4, 10, 8, 7]);
    expect(wide.p80[1] - wide.p80[0]).toBeGreaterThan(iv.p80[1] - iv.p80[0]);
    // without a test factor the moves change nothing
    expect(figureInterval(6, reps, 0, { p80: 0.5, p95: 0.25 }, [], shifts)).toEqual(
      figureInterval(6, reps, 0, { p80: 0.5, p95: 0.25 }),
    );
  });
});

describe('window refits of a phase-3 model', () => {
  const t = generateTenant('extreme_heating');
  const model = fitFinalModel(t.series, 3);
  const n = t.series.target.length;

  it('one figure vector per pooled search run: the model refitted on all rows with that run', () => {
    const runs = model.searchRuns!;
    expect(runs.length).toBe(6);
    const windows = windowFigures(t.series, model);
    expect(windows.length).toBe(6);
    // Each run's delays decided on its own training rows as the point's were on all rows,
    // offered the point's delays.
    const lags = Object.fromEntries(
      t.series.channels.map((c) => {
        const lag = model.channelParams![c].lag ?? 0;
        return [c, lag > 0 ? [lag] : []];
      }),
    );
    const ends = pooledSearchEnds(n);
    runs.forEach((run, i) => {
      const decided = allRowsDelays(t.series, run, {
        calendar: true,
        gap: 0,
        lags,
        trainEnd: ends[i],
      });
      // Then the shape with k re-derived on all rows, computed here by hand.
      const delayed: Record<string, ChannelParams> = {};
      t.series.channels.forEach((c, j) => {
        const { decay, k_mult, s, lag } = decided[c];
        const a = peakedOrGeometric(t.series.spend[j], decay, lag);
        delayed[c] = { decay, k_mult, s, k: hillKFor(a, n, k_mult), ...(lag ? { lag } : {}) };
      });
      const e = explainFinalModel(
        t.series,
        fitFinalModel(t.series, 3, { channelParams: delayed }),
        null,
      );
      const v = figureVector(e);
      expect(windows[i].length).toBe(v.length);
      e.channels.forEach((ch, c) => {
        const k = 3 * c + 1; // figureVector: contribution, ROAS, marginal ROAS per channel
        expect(windows[i][k]).toBeCloseTo(ch.roas, 9);
      });
    });
    // The runs disagree somewhere, or the window term would be empty.
    expect(windows.some((w) => w.some((x, k) => x !== windows[0][k]))).toBe(true);
  });

  it("data-window refits: the point's parameters and Ridge alpha refitted on each fold's training rows", () => {
    const data = dataWindowFigures(t.series, model);
    const ends = pooledSearchEnds(n).slice(0, -1);
    expect(data.length).toBe(5);
    expect(model.kind).toBe('ridge');
    ends.forEach((end, i) => {
      const rows = {
        ...t.series,
        dates: t.series.dates.slice(0, end),
        target: t.series.target.slice(0, end),
        spend: t.series.spend.map((x) => x.slice(0, end)),
        weather: t.series.weather.map((x) => x.slice(0, end)),
        controls: t.series.controls.map((x) => x.slice(0, end)),
      };
      const m = fitFinalModel(rows, 3, {
        channelParams: model.channelParams!,
        alphas: [model.alpha!],
        keepRidge: 'held',
      });
      expect(m.rows).toBe(end);
      expect(m.alpha).toBe(model.alpha);
      expect(data[i]).toEqual(figureVector(explainFinalModel(t.series, m, null)));
    });
    // They move with the rows: not all equal to the point's figures.
    const point = figureVector(explainFinalModel(t.series, model, null));
    expect(data.some((v) => v[1] !== point[1])).toBe(true);
    // None for a model fitted with given parameters (no search runs).
    const given = fitFinalModel(t.series, 3, { channelParams: model.channelParams! });
    expect(dataWindowFigures(t.series, given)).toEqual([]);
  });

  it('phase-3 intervals: bootstrap quantiles scaled by WINDOW_WIDTH_SCALE, window spread added', () => {
    const e = addIntervals(explainFinalModel(t.series, model, t), t.series, model, {
      replicates: 12,
    });
    expect(e.uncertainty?.width_scale).toEqual(WINDOW_WIDTH_SCALE);
    expect(e.uncertainty?.window_refits).toBe(6);
    expect(e.uncertainty?.marginal_width_scale).toEqual(MARGINAL_WINDOW_WIDTH_SCALE);
    expect(e.uncertainty?.data_window_refits).toBe(5);
    const boot = bootstrapFigures(t.series, model, { replicates: 12 });
    const windows = windowFigures(t.series, model);
    const data = dataWindowFigures(t.series, model);
    // median of 5 distances: the third smallest
    const dataSpread = (k: number, p: number) =>
      data.map((w) => Math.abs(w[k] - p)).sort((x, y) => x - y)[2];
    e.channels.forEach((ch, c) => {
      const k = 3 * c + 1;
      const reps = boot.figures.map((f) => f[k]).sort((a, b) => a - b);
      const q = (p: number) => {
        const pos = p * (reps.length - 1);
        const lo = Math.floor(pos);
        return reps[lo] + (reps[Math.min(lo + 1, reps.length - 1)] - reps[lo]) * (pos - lo);
      };
      const dist = windows.map((w) => Math.abs(w[k] - ch.roas)).sort((a, b) => a - b);
      const m = (dist[2] + dist[3]) / 2;
      const a = WINDOW_WIDTH_SCALE.p80;
      const w80 = 1.2815515655446004 * WINDOW_WIDTH_SCALE.window! * m;
      const d80 = 1.2815515655446004 * WINDOW_WIDTH_SCALE.data! * dataSpread(k, ch.roas);
      expect(ch.intervals!.roas.p80[0]).toBeCloseTo(
        ch.roas - Math.hypot(a * Math.max(0, ch.roas - q(0.1)), w80, d80),
        9,
      );
      expect(ch.intervals!.roas.p80[1]).toBeCloseTo(
        ch.roas + Math.hypot(a * Math.max(0, q(0.9) - ch.roas), w80, d80),
        9,
      );
      // Marginal ROAS (figure 3c + 2) with its own factors.
      const mk = 3 * c + 2;
      const mreps = boot.figures.map((f) => f[mk]).sort((x, y) => x - y);
      const pos = 0.9 * (mreps.length - 1);
      const lo = Math.floor(pos);
      const q90 = mreps[lo] + (mreps[Math.min(lo + 1, mreps.length - 1)] - mreps[lo]) * (pos - lo);
      const md = windows.map((w) => Math.abs(w[mk] - ch.marginal_roas)).sort((x, y) => x - y);
      const mw = 1.2815515655446004 * MARGINAL_WINDOW_WIDTH_SCALE.window! * ((md[2] + md[3]) / 2);
      const mdw =
        1.2815515655446004 * MARGINAL_WINDOW_WIDTH_SCALE.data! * dataSpread(mk, ch.marginal_roas);
      expect(ch.intervals!.marginal_roas.p80[1]).toBeCloseTo(
        ch.marginal_roas +
          Math.hypot(
            MARGINAL_WINDOW_WIDTH_SCALE.p80 * Math.max(0, q90 - ch.marginal_roas),
            mw,
            mdw,
          ),
        9,
      );
    });
  });
  it("a held channel's figures take heldAtZeroScale, the others the default scale", () => {
    const boot = bootstrapFigures(t.series, model, { replicates: 12 });
    const [heldChannel] = t.series.channels;
    const e = addIntervalsFromFigures(explainFinalModel(t.series, model, t), {
      ...boot,
      heldAtZero: [heldChannel],
    });
    const heldScale = heldAtZeroScale(WINDOW_WIDTH_SCALE);
    expect(e.uncertainty?.held_at_zero).toEqual({
      channels: [heldChannel],
      width_scale: { p80: heldScale.p80, p95: heldScale.p95 },
    });
    const plain = addIntervalsFromFigures(explainFinalModel(t.series, model, t), boot);
    expect(plain.uncertainty?.held_at_zero).toBeUndefined();
    e.channels.forEach((ch, c) => {
      const k = 3 * c + 1; // ROAS
      const scale = ch.channel === heldChannel ? heldScale : WINDOW_WIDTH_SCALE;
      const iv = figureInterval(
        ch.roas,
        boot.figures.map((f) => f[k]),
        0,
        scale,
        boot.windows.map((w) => w[k]),
        [],
        boot.dataWindows!.map((w) => w[k]),
      );
      expect(ch.intervals!.roas).toEqual(iv);
      if (ch.channel !== heldChannel) expect(ch.intervals).toEqual(plain.channels[c].intervals);
    });
    // the held channel's weather-state ROAS too (figureVector: per state, 3 figures a channel)
    const C = e.channels.length;
    const h = e.channels.findIndex((ch) => ch.channel === heldChannel);
    e.weather_states.forEach((st, si) => {
      const k = 3 * C + si * 3 * C + 3 * h + 1;
      const mine = st.channels[h];
      expect(mine.channel).toBe(heldChannel);
      expect(mine.intervals!.roas).toEqual(
        figureInterval(
          mine.roas!,
          boot.figures.map((f) => f[k]),
          0,
          heldScale,
          boot.windows.map((w) => w[k]),
          [],
          boot.dataWindows!.map((w) => w[k]),
        ),
      );
    });
  });
});

describe('channels near the bound in the bootstrap', () => {
  const t = generateTenant('extreme_heating');
  const model = fitFinalModel(t.series, 3);
  it("share of replicates at 0 per channel; a channel at the bound at a level's lower quantile takes nearBoundScale there", () => {
    const boot = bootstrapFigures(t.series, model, { replicates: 20 });
    const plain = addIntervalsFromFigures(explainFinalModel(t.series, model, t), boot);
    expect(plain.uncertainty?.near_bound).toBeUndefined();
    // channel 0: 3 of 20 replicates moved to the bound (15%: both levels); channel 1: 1 of 20
    // (5%: the 95% level only)
    const moved = boot.figures.map((f, b) => {
      const g = [...f];
      if (b < 3) g[1] = 0;
      if (b === 5) g[4] = -AT_BOUND / 2;
      return g;
    });
    const e0 = explainFinalModel(t.series, model, t);
    expect([...boundShares(e0, moved)]).toEqual([
      [t.series.channels[0], 0.15],
      [t.series.channels[1], 0.05],
    ]);
    const e = addIntervalsFromFigures(e0, { ...boot, figures: moved });
    const s0 = nearBoundScale(WINDOW_WIDTH_SCALE, 0.15);
    const s1 = nearBoundScale(WINDOW_WIDTH_SCALE, 0.05);
    expect(s0.p80).toBeGreaterThan(WINDOW_WIDTH_SCALE.p80);
    expect(s1.p80).toBe(WINDOW_WIDTH_SCALE.p80);
    expect(s1.p95).toBeGreaterThan(WINDOW_WIDTH_SCALE.p95);
    expect(e.uncertainty?.near_bound).toEqual([
      {
        channel: t.series.channels[0],
        share_at_bound: 0.15,
        width_scale: { p80: s0.p80, p95: s0.p95 },
      },
      {
        channel: t.series.channels[1],
        share_at_bound: 0.05,
        width_scale: { p80: s1.p80, p95: s1.p95 },
      },
    ]);
    // Each figure's interval, its lower ends at 0 where no refit is below 0 (zeroFloor): channel
    // 0's ROAS replicates moved to exactly 0 are not.
    const expected = (point: number, k: number, scale: typeof s0) =>
      zeroFloor(
        figureInterval(
          point,
          moved.map((f) => f[k]),
          0,
          scale,
          boot.windows.map((w) => w[k]),
          [],
          boot.dataWindows!.map((w) => w[k]),
        ),
        point,
        [
          ...moved.map((f) => f[k]),
          ...boot.windows.map((w) => w[k]),
          ...boot.dataWindows!.map((w) => w[k]),
        ],
      );
    e.channels.forEach((ch, c) => {
      expect(ch.intervals!.roas).toEqual(expected(ch.roas!, 3 * c + 1, c === 0 ? s0 : s1));
      // contribution (figure 3c) with the same scale
      expect(ch.intervals!.contribution).toEqual(
        expected(ch.contribution, 3 * c, c === 0 ? s0 : s1),
      );
    });
    // channel 1's 80% interval is the plain one (only its 95% level is near the bound)
    expect(e.channels[1].intervals!.marginal_roas.p80).toEqual(
      plain.channels[1].intervals!.marginal_roas.p80,
    );
    // a channel held at 0 by the point model keeps the held scale, not listed as near the bound
    const heldToo = addIntervalsFromFigures(explainFinalModel(t.series, model, t), {
      ...boot,
      figures: moved,
      heldAtZero: [t.series.channels[0]],
    });
    expect(heldToo.uncertainty?.near_bound?.map((x) => x.channel)).toEqual([t.series.channels[1]]);
    // a given width scale: no bound rules
    const given = addIntervalsFromFigures(
      explainFinalModel(t.series, model, t),
      { ...boot, figures: moved },
      { widthScale: WINDOW_WIDTH_SCALE },
    );
    expect(given.uncertainty?.near_bound).toBeUndefined();
  });
});

describe('default replicates', () => {
  it('round(120 / channels) within 10..60', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 20].map(defaultReplicates)).toEqual([
      60, 60, 40, 30, 24, 20, 17, 12, 11, 10, 10,
    ]);
  });

  it('counts the channels with spend: an all-zero column has nothing to refit', () => {
    const spend = [
      [0, 0, 0],
      [1, 0, 2],
      [0, 0, 3],
      [0, 0, 0],
    ].map((x) => Float64Array.from(x));
    expect(spentChannelCount({ spend })).toBe(2);
    expect(defaultReplicates(spentChannelCount({ spend }))).toBe(60);
  });
});

describe('standard error of the mean', () => {
  it('matches the hand value', () => {
    // mean 0.6, deviations -0.2, 0, 0.2: sample var 0.04, SE sqrt(0.04 / 3)
    expect(standardErrorOfMean([0.4, 0.6, 0.8])).toBeCloseTo(Math.sqrt(0.04 / 3), 14);
    expect(standardErrorOfMean([0.5])).toBe(0);
  });
});

describe('addIntervals', () => {
  const t = generateTenant('high_summer_clothing');
  const model = fitFinalModel(t.series, 1);
  const run = () =>
    addIntervals(explainFinalModel(t.series, model, t), t.series, model, { replicates: 12 });

  it('gives every figure an interval that holds the point, 95% wider than 80%, deterministically', () => {
    const e = run();
    expect(e.uncertainty?.replicates).toBe(12);
    expect(e.uncertainty?.block_length).toBe(28);
    for (const ch of e.channels) {
      const iv = ch.intervals!;
      for (const [name, p] of [
        ['roas', ch.roas],
        ['contribution', ch.contribution],
        ['marginal_roas', ch.marginal_roas],
      ] as const) {
        const f = iv[name];
        expect(f.p95[0]).toBeLessThanOrEqual(f.p80[0]);
        expect(f.p80[0]).toBeLessThanOrEqual(p);
        expect(f.p80[1]).toBeGreaterThanOrEqual(p);
        expect(f.p95[1]).toBeGreaterThanOrEqual(f.p80[1]);
      }
      // Bootstrap spread is real: not a zero-width interval.
      expect(iv.roas.p95[1] - iv.roas.p95[0]).toBeGreaterThan(0);
    }
    for (const s of e.weather_states)
      for (const ch of s.channels) expect(ch.intervals).not.toBeNull();
    for (const c of e.response_curves) {
      expect(c.contribution_interval?.p80.lo).toHaveLength(c.contribution.length);
    }
    expect(JSON.stringify(run())).toBe(JSON.stringify(e));
  });

  it('scales the bootstrap deviations by WIDTH_SCALE and records it', () => {
    const scaled = run();
    const bare = addIntervals(explainFinalModel(t.series, model, t), t.series, model, {
      replicates: 12,
      widthScale: UNSCALED,
    });
    expect(scaled.uncertainty?.width_scale).toEqual(WIDTH_SCALE);
    expect(bare.uncertainty?.width_scale).toEqual(UNSCALED);
    scaled.channels.forEach((ch, c) => {
      const a = ch.intervals!.roas;
      const b = bare.channels[c].intervals!.roas;
      expect(ch.roas - a.p80[0]).toBeCloseTo(WIDTH_SCALE.p80 * (ch.roas - b.p80[0]), 9);
      expect(a.p95[1] - ch.roas).toBeCloseTo(WIDTH_SCALE.p95 * (b.p95[1] - ch.roas), 9);
    });
    expect(() =>
      addIntervals(explainFinalModel(t.series, model, t), t.series, model, {
        replicates: 12,
        widthScale: { p80: 0, p95: 1 },
      }),
    ).toThrow(/widthScale/);
  });

  it('figureVector covers channels, states and curve levels', () => {
    const e = explainFinalModel(t.series, model, null);
    const states = e.weather_states.reduce((a, s) => a + s.channels.length, 0);
    const levels = e.response_curves.reduce((a, c) => a + c.contribution.length, 0);
    expect(figureVector(e)).toHaveLength(3 * e.channels.length + 3 * states + levels);
  });
});

describe('caveats', () => {
  const t = generateTenant('none_books');
  const model = fitFinalModel(t.series, 0);
  const e = explainFinalModel(t.series, model, null);

  it('a model below the pass bar is said first; none when it passes', () => {
    const fail = explanationCaveats(e, { mean_r2: 0.31, se_r2: 0.04, pass_threshold: 0.5 });
    expect(fail[0].code).toBe('model_fails_threshold');
    expect(fail[0].message).toContain('0.310 ± 0.040 < 0.5');
    const ok = explanationCaveats(e, { mean_r2: 0.61, se_r2: 0.04, pass_threshold: 0.5 });
    expect(ok.map((c) => c.code)).not.toContain('model_fails_threshold');
    expect(explanationCaveats(e, null)[0].code).toBe('not_validated');
  });

  it('flags figures whose 95% interval includes zero, per channel', () => {
    const copy = structuredClone(e);
    const iv = { p80: [0.5, 1.5] as [number, number], p95: [-0.2, 2] as [number, number] };
    const tight = { p80: [0.9, 1.1] as [number, number], p95: [0.8, 1.2] as [number, number] };
    copy.channels[0].intervals = { contribution: iv, roas: iv, marginal_roas: tight };
    copy.channels[1].intervals = { contribution: tight, roas: tight, marginal_roas: tight };
    const cav = explanationCaveats(copy, { mean_r2: 0.7, se_r2: 0.02, pass_threshold: 0.5 });
    expect(cav).toHaveLength(1);
    expect(cav[0].code).toBe('interval_spans_zero');
    expect(cav[0].message).toContain(copy.channels[0].channel);
    expect(cav[0].channels).toEqual([copy.channels[0].channel]);
    expect(cav[0].message).toContain('ROAS');
  });
});
