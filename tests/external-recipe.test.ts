/**
 * Data of another recipe than our generator (bench/external.ts: PyMC-Marketing's public example
 * recipe): the recipe as its comment states it, the warnings a person gets, and phases 0-3 that
 * stay near the noise-free truth on it. When the issue was filed the public file of this shape
 * scored -17.8 on a fold (phase 1 mean -3.0).
 */
import { describe, expect, it } from 'vitest';
import { pymcShapedWeekly } from '../bench/external.js';
import { dataWarnings } from '../src/core/data-warnings.js';
import { protocolForSeries } from '../src/core/protocol.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';
import { trainPhase } from '../src/phases/index.js';

describe('a weekly file of the PyMC-Marketing example recipe', () => {
  const { series, expected } = pymcShapedWeekly(1);

  it('is the recipe: 179 weeks from 2018-04-02, the events on their weeks, y by hand on a row', () => {
    expect(series.dates.length).toBe(179);
    expect(series.dates[0]).toBe('2018-04-02');
    expect(series.dates[178]).toBe('2021-08-30');
    expect(series.dates[series.controls[0].indexOf(1)]).toBe('2019-05-13');
    expect(series.dates[series.controls[1].indexOf(1)]).toBe('2020-09-14');
    expect(series.controls.map((c) => c.reduce((a, b) => a + b, 0))).toEqual([1, 1]);
    // x2 is off on most weeks (0 where its draw is <= 0.8).
    const off = series.spend[1].filter((v) => v === 0).length;
    expect(off / 179).toBeGreaterThan(0.7);
    expect(off / 179).toBeLessThan(0.9);
    // Row 2 by hand: 2018-04-16 is day 106; the adstock of each channel over rows 0-2 with
    // weights decay^l / sum_(l<8) decay^l.
    const t = 2;
    const x = (c: number, l: number) => series.spend[c][t - l] / 1000;
    const norm = (d: number) => (1 - d ** 8) / (1 - d);
    const a1 = (x(0, 0) + 0.4 * x(0, 1) + 0.16 * x(0, 2)) / norm(0.4);
    const a2 = (x(1, 0) + 0.2 * x(1, 1) + 0.04 * x(1, 2)) / norm(0.2);
    const sat = (a: number, lam: number) => Math.tanh((lam * a) / 2); // (1 - e^-u) / (1 + e^-u)
    const trend = ((50 * 2) / 178 + 10) ** 0.25 - 1;
    const season =
      0.5 * (Math.cos((2 * Math.PI * 106) / 365.5) - Math.sin((4 * Math.PI * 106) / 365.5));
    const byHand = 1000 * (2 + trend + season + 3 * sat(a1, 4) + 2 * sat(a2, 3));
    expect(Math.abs(expected[t] - byHand)).toBeLessThan(1e-9 * byHand);
    // The noise is N(0, 0.25) x 1000: the residual sd over the file near 250.
    let ss = 0;
    for (let i = 0; i < 179; i++) ss += (series.target[i] - expected[i]) ** 2;
    expect(Math.sqrt(ss / 179)).toBeGreaterThan(200);
    expect(Math.sqrt(ss / 179)).toBeLessThan(300);
  });

  it('warns that the fold whose test block holds the second event never saw it in training', () => {
    const folds = protocolForSeries(series).folds;
    const w = dataWarnings(series, { folds, words: CLI_OPTION_WORDS });
    const unseen = w.filter((x) => x.code === 'unseen_control');
    expect(unseen.map((x) => x.message.slice(0, 63))).toEqual([
      'control "event_2" is 0 on every training row of fold 3 of 4 but',
    ]);
  });

  it('phases 0-3: no fold below 0.5, each mean within 0.15 of the oracle on the same folds', () => {
    for (const phase of [0, 1, 2, 3] as const) {
      const r = trainPhase(series, phase, {}, { truth: { expected } });
      const oracle = r.folds.map((f) => f.oracle_r2 as number);
      expect(r.folds).toHaveLength(4);
      expect(Math.min(...r.fold_r2)).toBeGreaterThan(0.5);
      const oracleMean = oracle.reduce((a, b) => a + b, 0) / oracle.length;
      expect(oracleMean - r.mean_r2).toBeLessThan(0.15);
    }
  }, 60_000);

  it('phase 3 within 0.10 of the oracle on the three benchmark draws: the one-week events kept in the fit', () => {
    // The target for data of two years or more. Before the one-off events were kept in
    // windows of a year (support.ts windowPulses) the three draws were 0.109, 0.108 and 0.128 below.
    for (const seed of [1, 2, 3]) {
      const draw = pymcShapedWeekly(seed);
      const r = trainPhase(draw.series, 3, {}, { truth: { expected: draw.expected } });
      const oracle = r.folds.map((f) => f.oracle_r2 as number);
      const oracleMean = oracle.reduce((a, b) => a + b, 0) / oracle.length;
      expect(oracleMean - r.mean_r2, `draw ${seed}`).toBeLessThan(0.1);
      // Every window is a year or more (63-150 weeks): the events it saw once are held at 0 after it.
      r.folds.forEach((f, i) => {
        const seen = draw.series.controls.map((c) =>
          c.subarray(0, f.train_rows).some((v) => v !== 0),
        );
        draw.series.controlNames.forEach((name, k) => {
          if (seen[k]) expect(f.held_terms, `draw ${seed} fold ${i + 1}`).toContain(name);
          expect(f.dropped_terms).not.toContain(name);
        });
      });
    }
  }, 60_000);
});
