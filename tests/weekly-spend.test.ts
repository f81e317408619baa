/**
 * Weekly spend terms (core/features.ts weeklySpendTerms) and the ladder rules that weekly data with
 * many correlated channels needs (phases/ladder.ts degreesOfFreedom, GAIN_ROUNDING); see
 * docs/modeling.md, "Weekly data".
 */
import { describe, expect, it } from 'vitest';
import { generateShape, generateTenant, shapeSpecOf } from '../src/core/data/index.js';
import {
  buildDesign,
  WEEKLY_SCALE_ROWS,
  weeklySpendTerms,
  type Design,
} from '../src/core/features.js';
import type { TenantSeries } from '../src/core/types.js';
import { trainLinearPhase } from '../src/phases/linear.js';
import {
  GAIN_ROUNDING,
  MIN_ROWS_PER_COEFFICIENT,
  PhaseLadder,
  predictFold,
  SEARCHED_PARAMETERS_PER_CHANNEL,
  WEEKLY_MIX_WEIGHT,
} from '../src/phases/ladder.js';
import { trainPhase3 } from '../src/phases/phase3.js';

/** The held-out shape of issue 13's last check, drawn with other seeds. */
const SHAPE = {
  frequency: 'weekly',
  years: 2,
  channels: 6,
  correlation: 0.7,
  weather: 'none',
  saturation: 'exponential',
  adstock: 'delayed',
} as const;

/** Tenant i of `wv-mmm generate --prefix P --seed S` with the options of SHAPE. */
function shapeTenant(prefix: string, seed: number, i: number) {
  return generateShape(shapeSpecOf(`${prefix}_s${seed}_${i}`, seed, SHAPE), { seed });
}

const column = (d: Design, name: string): Float64Array => {
  const j = d.names.indexOf(name);
  if (j < 0) throw new Error(`no column ${name} in ${d.names.join(', ')}`);
  return d.columns[j];
};

describe('weekly spend terms', () => {
  it('are log(1 + spend / c) and last week of it, c = median positive spend of the first 26 weeks', () => {
    const spend = Float64Array.from({ length: 40 }, (_, t) => (t % 5 === 0 ? 0 : 100 + 10 * t));
    const head = [...spend.subarray(0, WEEKLY_SCALE_ROWS)]
      .filter((v) => v > 0)
      .sort((a, b) => a - b);
    expect(head.length).toBe(20);
    const c = (head[9] + head[10]) / 2; // even count: mean of the two middle values
    // By hand: the 20 positive rows are t = 1-4, 6-9, 11-14, 16-19, 21-24; the 10th and 11th are
    // t = 12 and 13 (220 and 230).
    expect(c).toBe(225);
    const [log, lag] = weeklySpendTerms(spend);
    for (const t of [0, 1, 7, 39]) expect(log[t]).toBeCloseTo(Math.log1p(spend[t] / c), 14);
    expect(lag[0]).toBe(log[0]);
    for (let t = 1; t < 40; t++) expect(lag[t]).toBe(log[t - 1]);
  });

  it('replace the raw spend in weekly designs of phases 0-2 only (not daily, not parity, not phase 3)', () => {
    const wk = shapeTenant('d1', 101, 0).series;
    const d = buildDesign(wk, { interactions: false });
    expect(d.names.slice(0, 12)).toEqual([
      ...wk.channels.map((c) => `${c}_log_spend`),
      ...wk.channels.map((c) => `${c}_log_spend_lag1`),
    ]);
    expect(Array.from(column(d, 'meta_log_spend'))).toEqual(
      Array.from(weeklySpendTerms(wk.spend[0])[0]),
    );
    const raw = buildDesign(wk, { interactions: false, weeklySpend: false });
    expect(raw.names.slice(0, 6)).toEqual(wk.channels.map((c) => `${c}_spend`));
    expect(Array.from(column(raw, 'meta_spend'))).toEqual(Array.from(wk.spend[0]));
    const media = buildDesign(wk, {
      interactions: true,
      media: { names: wk.channels.map((c) => `${c}_m`), columns: wk.spend },
    });
    expect(media.names.some((n) => n.includes('log_spend'))).toBe(false);
    const daily = generateTenant('medium_sports').series;
    expect(buildDesign(daily, { interactions: false }).names.slice(0, 2)).toEqual([
      'meta_spend',
      'google_spend',
    ]);
  });

  it("read no row after a fold's training window: garbage there leaves the training rows bit-identical", () => {
    const wk = shapeTenant('d1', 101, 1).series;
    const T = 54; // the first fold of two weekly years
    const clean = buildDesign(wk, { interactions: true });
    const dirtySpend = wk.spend.map((x, c) => x.map((v, t) => (t >= T ? 1e7 * (c + 1) + t : v)));
    const dirty = buildDesign({ ...wk, spend: dirtySpend } as TenantSeries, { interactions: true });
    for (let j = 0; j < clean.columns.length; j++) {
      expect(Array.from(dirty.columns[j].subarray(0, T))).toEqual(
        Array.from(clean.columns[j].subarray(0, T)),
      );
    }
    // The check can fail: a change inside the scale rows moves every row of that channel.
    const early = wk.spend.map((x) => x.map((v, t) => (t < 10 ? v * 3 : v)));
    const moved = buildDesign({ ...wk, spend: early } as TenantSeries, { interactions: true });
    expect(column(moved, 'meta_log_spend')[60]).not.toBe(column(clean, 'meta_log_spend')[60]);
  });

  it('bring phases 0 and 1 of weekly 6-channel correlated tenants near the oracle (raw spend: far below 0)', () => {
    // Before (raw spend in phases 0-1): phase 0 mean fold R² -2.20 and 0.18, phase 1 -0.97 and
    // -0.02 against oracles 0.75 and 0.68.
    const gaps: number[][] = [];
    for (const i of [0, 1]) {
      const t = shapeTenant('d1', 101, i);
      const oracle = { expected: t.truth.expected };
      const r = [0, 1].map((phase) =>
        trainLinearPhase(t.series, { phase: phase as 0 | 1, oracle }),
      );
      const oracleMean = r[0].folds.reduce((a, f) => a + f.oracle_r2!, 0) / r[0].folds.length;
      gaps.push(r.map((x) => oracleMean - x.mean_r2));
    }
    const meanGap = (p: number) => (gaps[0][p] + gaps[1][p]) / 2;
    expect(meanGap(0)).toBeLessThan(0.65);
    expect(meanGap(1)).toBeLessThan(0.4);
  });
});

describe('ladder rules for weekly windows', () => {
  it("an unchecked fold counts phase 3's searched parameters: 6 channels on 54 weeks fall back", () => {
    const wk = shapeTenant('d3', 103, 0).series;
    // The adstock/Hill model alone (weeklyMix false): the count applies to it. Per-channel search
    // (weeklySharedMedia false); with one shared shape the count is 11 + 3 (tests/weekly-shared-media).
    const ladder = new PhaseLadder(wk, {
      horizon: 10,
      search: { scheme: 'blocked' },
      weeklyMix: false,
      weeklySharedMedia: false,
    });
    expect(ladder.validationBlocks(54).filter((b) => b.sameTerms)).toEqual([]);
    // By hand: phase 1 has 6 log spends + 6 lags + sin1, cos1, sin2, cos2, trend = 17 columns;
    // phase 3 has 6 transformed spends + 5 calendar columns + 3 x 6 searched parameters = 29.
    expect(ladder.degreesOfFreedom(1, 54)).toBe(17);
    expect(ladder.degreesOfFreedom(3, 54)).toBe(11 + SEARCHED_PARAMETERS_PER_CHANNEL * 6);
    expect(54 >= MIN_ROWS_PER_COEFFICIENT * 17).toBe(true);
    expect(54 >= MIN_ROWS_PER_COEFFICIENT * 29).toBe(false);
    expect(ladder.fit(1, 54).fallback).toMatchObject({ kept: true, used_phase: 1 });
    const p3 = ladder.fit(3, 54);
    expect(p3.fallback!.kept).toBe(false);
    expect(p3.fallback!.reason).toMatch(/fewer than 2 per coefficient \(29\)/);
    expect(predictFold(p3, 54, 64)).toEqual(predictFold(ladder.fit(2, 54), 54, 64));
  });

  it("weekly phase 3 averages its adstock/Hill model with phase 1's laddered model, and an unchecked fold keeps it", () => {
    const wk = shapeTenant('d3', 103, 0).series;
    const opts = { horizon: 10, search: { scheme: 'blocked' as const } };
    // weeklyHedge false: the fold forecasts with the mix itself (the mean of the kept mix and phase
    // 2's laddered model is tested in tests/weekly-hedge.test.ts).
    const mixed = new PhaseLadder(wk, { ...opts, weeklyHedge: false });
    const alone = new PhaseLadder(wk, { ...opts, weeklyMix: false });
    // The two models, each fitted on its own; the mix is their mean, row by row. The log-spend half
    // is phase 1's decision before its mean with phase 0: kept unchecked here, its own model.
    const hill = predictFold({ ...mixed.own(3, 54), mixed: null }, 54, 64);
    const logSpend = predictFold(alone.own(1, 54), 54, 64);
    expect(WEEKLY_MIX_WEIGHT).toBe(0.5);
    const mix = predictFold(mixed.own(3, 54), 54, 64);
    mix.forEach((v, i) => {
      const want = (hill[i] + logSpend[i]) / 2;
      expect(Math.abs(v - want)).toBeLessThanOrEqual(1e-9 * Math.abs(want));
    });
    expect(hill.some((v, i) => Math.abs(v - logSpend[i]) > 1)).toBe(true);
    expect(mixed.own(3, 54).reason).toMatch(/averaged with phase 1's \w+ model/);
    // The 54-week fold cannot be checked and has 29 coefficients for 54 rows: the adstock/Hill
    // model alone falls back to phase 2 (test above); the mix is kept, as phase 1 is.
    const fit = mixed.fit(3, 54);
    expect(fit.fallback).toMatchObject({ kept: true, used_phase: 3, validation_blocks: 0 });
    expect(fit.fallback!.reason).toMatch(/kept: weekly phase 3 is half phase 1's model/);
    expect(predictFold(fit, 54, 64)).toEqual(mix);
    // Daily data is left alone: no partner.
    const daily = new PhaseLadder(generateTenant('high_umbrella_rain').series, { horizon: 182 });
    expect(daily.own(3, 185).mixed).toBeNull();
  });

  it('weekly phase 3 reads no test row: garbage after a fold leaves its model and decision unchanged', () => {
    const wk = shapeTenant('d7', 107, 0).series;
    const clean = trainPhase3(wk);
    for (const f of [0, 2]) {
      const end = clean.folds[f].train_rows;
      const garbled: TenantSeries = {
        ...wk,
        target: Float64Array.from(wk.target, (v, t) => (t >= end ? -v * 7 + 1e5 : v)),
        spend: wk.spend.map((x) => Float64Array.from(x, (v, t) => (t >= end ? 1e6 - v : v))),
      };
      const dirty = trainPhase3(garbled);
      expect(dirty.folds[f].train_r2).toBe(clean.folds[f].train_r2);
      expect(dirty.folds[f].fallback).toEqual(clean.folds[f].fallback);
      expect(dirty.folds[f].reason).toBe(clean.folds[f].reason);
      expect(dirty.folds[f].channel_params).toEqual(clean.folds[f].channel_params);
    }
  });

  it('a phase whose validation candidates equal the simpler ones (gain within rounding) is not kept', () => {
    // Phase 2 keeps Ridge on each of the two blocks of this 74-week window (the same models as
    // phase 1's laddered ones up to the last bits) but takes a GBM on the whole window, which
    // nothing validated. Phase 1 as its own model (weeklyPhase1Mix false): averaged with phase 0
    // on the blocks it is kept on, phase 1's track is no longer the Ridge that phase 2 keeps there.
    const wk = shapeTenant('d7', 127, 1).series;
    // weeklyHedge false: weekly phase 2 may take a GBM (by default it keeps Ridge: tests/weekly-hedge.test.ts).
    // weeklyPooled false: the case arose with the phase-1 Ridge alone (its mean with the pooled
    // Ridge changes which blocks phase 1 wins: tests/weekly-pooled.test.ts).
    const ladder = new PhaseLadder(wk, {
      horizon: 10,
      weeklyPhase1Mix: false,
      weeklyHedge: false,
      weeklyPooled: false,
    });
    const rec = ladder.fit(2, 74).fallback!;
    expect(rec.validation_blocks).toBe(2);
    expect(Math.abs(rec.phase_r2! - rec.previous_r2!)).toBeLessThanOrEqual(GAIN_ROUNDING);
    expect(ladder.own(2, 74).kind).not.toBe('ridge');
    expect(rec.kept).toBe(false);
    // Phase 1's decision of the window (here phase 0's model, which won its blocks).
    expect(rec.used_phase).toBe(ladder.fit(1, 74).phase);
  });
});
