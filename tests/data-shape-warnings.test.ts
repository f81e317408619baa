/**
 * Data warnings and caveats of three data faults a probe pushed through the CLI without a word:
 * a level shift in revenue (level_shift; a far-off fold's level_gap), two channels with one spend
 * (duplicate_spend, channels_not_separable) and revenue and spend in different units
 * (units_mismatch, at train and in explain's and the plan's caveats).
 */
import { describe, expect, it } from 'vitest';
import { dataWarnings } from '../src/core/data-warnings.js';
import {
  BUILTIN_TENANT_IDS,
  generateShape,
  generateTenant,
  SHAPE_SUITE,
} from '../src/core/data/index.js';
import { levelShift, strongestLevelStep } from '../src/core/level-shift.js';
import { protocolForSeries } from '../src/core/protocol.js';
import type { TenantSeries } from '../src/core/types.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';
import { seriesWarnings } from '../src/app/warnings.js';
import { normalizeConfig } from '../src/app/config.js';
import { dataCaveats } from '../src/phases/data-caveats.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { fitFinalModel } from '../src/phases/final.js';
import { foldLevelGap } from '../src/phases/result.js';
// Pearson's r written out by hand (not core/stats.ts correlation, which the warning uses).
import { pearson } from './reference-stats.js';

const clothing = generateTenant('medium_clothing').series;
const codes = (s: TenantSeries) =>
  dataWarnings(s, { folds: protocolForSeries(s).folds, words: CLI_OPTION_WORDS });

/** The series with its target times `factor` from row `from` on. */
function stepped(s: TenantSeries, from: number, factor: number): TenantSeries {
  return { ...s, target: Float64Array.from(s.target, (y, t) => (t >= from ? y * factor : y)) };
}

describe('level_shift: a step in the target that spend, weather, season and trend do not explain', () => {
  it('finds a 50% step at its date, with its size', () => {
    const s = stepped(clothing, 600, 1.5);
    const shift = levelShift(s);
    expect(shift).not.toBeNull();
    expect(Math.abs(shift!.row - 600)).toBeLessThanOrEqual(3);
    // The step is half of the level after it: about half of the level before (no trend here).
    expect(shift!.relative).toBeGreaterThan(0.35);
    expect(shift!.relative).toBeLessThan(0.65);
    const w = codes(s).find((x) => x.code === 'level_shift');
    expect(w?.message).toContain(`from about ${shift!.date} on`);
    expect(w?.message).toContain(
      `a control column that is 0 before ${shift!.date} and 1 from it on`,
    );
    expect(w?.message).toContain(`import only the rows from ${shift!.date} on`);
  });

  it('a step column as a control explains it: no warning', () => {
    const s = stepped(clothing, 600, 1.5);
    const withStep: TenantSeries = {
      ...s,
      controlNames: ['relaunch'],
      controls: [Float64Array.from(s.target, (_, t) => (t >= 600 ? 1 : 0))],
    };
    expect(levelShift(withStep)).toBeNull();
  });

  it('is a caveat of explain and the plan (data caveats) until a step control explains it', () => {
    const s = stepped(clothing, 600, 1.5);
    const shift = levelShift(s)!;
    const caveat = dataCaveats(s).find((c) => c.code === 'level_shift');
    expect(caveat?.message).toContain(
      `runs at another level from about ${shift.date} on (+${Math.round(shift.relative * 100)}%`,
    );
    expect(caveat?.message).toContain(`0 before ${shift.date} and 1 from it on`);
    const withStep: TenantSeries = {
      ...s,
      controlNames: ['relaunch'],
      controls: [Float64Array.from(s.target, (_, t) => (t >= 600 ? 1 : 0))],
    };
    expect(dataCaveats(withStep).map((c) => c.code)).not.toContain('level_shift');
    expect(dataCaveats(clothing).map((c) => c.code)).not.toContain('level_shift');
    const e = explainFinalModel(s, fitFinalModel(s, 1), null);
    expect(e.caveats.map((c) => c.code)).toContain('level_shift');
  });

  it('is silent on the 20 built-in tenants and the shape suite', () => {
    for (const id of BUILTIN_TENANT_IDS) {
      const s = generateTenant(id).series;
      expect(levelShift(s), id).toBeNull();
      expect(strongestLevelStep(s)!.partialR2, id).toBeLessThan(0.15);
    }
    for (const spec of SHAPE_SUITE)
      expect(levelShift(generateShape(spec).series), spec.id).toBeNull();
  });
});

describe('a far-off fold says how far its level is (FoldResult.level_gap)', () => {
  it('means and the offset share, computed by hand', () => {
    const n = 20;
    const s: TenantSeries = {
      ...clothing,
      dates: clothing.dates.slice(0, n),
      target: Float64Array.from({ length: n }, (_, t) => (t < 10 ? 10 + (t % 2) : 30 + (t % 2))),
    };
    const fold = { index: 1, trainEnd: 10, testStart: 10, testEnd: 20 };
    const predicted = new Float64Array(10).fill(10.5);
    // Test block 30/31: mean 30.5, variance 0.25; forecast 10.5: MSE 400.25, offset 20 (400).
    const gap = foldLevelGap(s, fold, predicted, -1600);
    expect(gap?.test_mean).toBeCloseTo(30.5, 12);
    expect(gap?.predicted_mean).toBeCloseTo(10.5, 12);
    expect(gap?.train_mean).toBeCloseTo(10.5, 12);
    expect(gap?.offset_share).toBeCloseTo(400 / 400.25, 12);
    expect(gap?.cause).toBe('level_offset');
    expect(gap?.note).toContain('+190% against its forecast');
    expect(foldLevelGap(s, fold, predicted, -0.5)).toBeNull();
    expect(foldLevelGap(s, fold, predicted, -0.51)).not.toBeNull();
  });

  it('names a level shift only where the level_shift warning finds one before the block ends', () => {
    /** Fold 2 of a series testing rows [from, from + 90), forecast at 70% of the block. */
    const gapOf = (s: TenantSeries, from: number) => {
      const fold = { index: 1, trainEnd: from, testStart: from, testEnd: from + 90 };
      const predicted = Float64Array.from(s.target.subarray(from, from + 90), (y) => 0.7 * y);
      return foldLevelGap(s, fold, predicted, -3)!;
    };
    // No shift in the data (the block's level is the season, the trend or a forecast off): it
    // says so, neither "not the model" nor a date no warning names.
    expect(levelShift(clothing)).toBeNull();
    const none = gapOf(clothing, 700);
    expect(none.cause).toBe('level_offset');
    expect(none.note).toContain(
      'is mostly the block running at another level than the model forecast, more than its ups and downs within the block: ' +
        'the season, the trend or a change in revenue that the training rows do not show (no data warning finds a level shift)',
    );
    expect(none.note).not.toContain('not the model');
    expect(none.note).not.toContain('date');
    // A shift from row 600: a block after it is told its date; a block before it is not.
    const s = stepped(clothing, 600, 1.5);
    const shift = levelShift(s)!;
    const after = gapOf(s, 620);
    expect(after.note).toContain(
      `is the block running at another level than the training rows, not the model missing its ups and downs: ` +
        `the data warnings (import, train) find a level shift in revenue from about ${shift.date}`,
    );
    expect(after.note).toContain('a control column that is 0 before it and 1 from it on');
    expect(gapOf(s, 300).note).toContain('(no data warning finds a level shift)');
  });
});

describe('duplicate_spend and channels_not_separable', () => {
  const twin = (copy: (x: number, t: number) => number): TenantSeries => ({
    ...clothing,
    channels: [...clothing.channels, 'facebook'],
    spend: [...clothing.spend, Float64Array.from(clothing.spend[0], copy)],
  });

  it('identical and proportional spend: warned at import and train, a caveat in explain', () => {
    const same = twin((x) => x);
    const w = codes(same).find((x) => x.code === 'duplicate_spend');
    expect(w?.message).toContain(
      `channels "${clothing.channels[0]}" and "facebook" have the same spend on every row`,
    );
    expect(w?.message).toContain('--ignore facebook_spend');
    const train = seriesWarnings(same, normalizeConfig({}), CLI_OPTION_WORDS, 'train');
    expect(train.some((m) => m.includes('the same spend on every row'))).toBe(true);
    const half = twin((x) => x / 2);
    expect(codes(half).find((x) => x.code === 'duplicate_spend')?.message).toContain('(r = 1.000)');
    const caveats = explainFinalModel(same, fitFinalModel(same, 0), null).caveats;
    const c = caveats.find((x) => x.code === 'channels_not_separable');
    expect(c?.message).toContain('neither is the media total');
    expect(c?.channels).toEqual([clothing.channels[0], 'facebook']);
  });

  it('correlated but not one spend (r about 0.9): no warning; the built-in 20 none', () => {
    // Spend plus independent noise of a third of its spread.
    let u = 7;
    const noise = () => ((u = (u * 48271) % 2147483647) / 2147483647 - 0.5) * 2;
    const x = clothing.spend[0];
    const sd = Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
    const near = twin((v) => v + (sd / 2) * noise());
    expect(codes(near).map((w) => w.code)).not.toContain('duplicate_spend');
    for (const id of BUILTIN_TENANT_IDS)
      expect(dataCaveats(generateTenant(id).series), id).toEqual([]);
  });
});

describe('correlated_spend: two channels whose spend moves together at r >= 0.95 (below duplicate_spend)', () => {
  /** The clothing tenant with a second copy of its first channel: its spend plus noise of `k` of its RMS. */
  const near = (k: number): TenantSeries => {
    let u = 11;
    const noise = () => ((u = (u * 48271) % 2147483647) / 2147483647 - 0.5) * 2;
    const x = clothing.spend[0];
    const rms = Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
    return {
      ...clothing,
      channels: [...clothing.channels, 'meta_retargeting'],
      spend: [...clothing.spend, Float64Array.from(x, (v) => v + k * rms * noise())],
    };
  };

  it('names the two channels and r, says the split is weakly identified and to merge one campaign', () => {
    const s = near(0.2);
    const r = pearson(s.spend[0], s.spend[2]);
    expect(r).toBeGreaterThanOrEqual(0.95);
    expect(r).toBeLessThan(0.99);
    const w = codes(s).filter((x) => x.code === 'correlated_spend');
    expect(w.map((x) => x.message)).toEqual([
      `channels "${clothing.channels[0]}" and "meta_retargeting" have spend that moves together (r = ${r.toFixed(3)}): ` +
        `the data read their joint effect better than the split between them, so each one's ROAS and curve are weakly identified ` +
        `and can be off in opposite directions (explain gives their combined ROAS, the firmer figure); ` +
        `if they are one campaign, or one budget split in fixed shares, add them into one column`,
    ]);
    expect(codes(s).map((x) => x.code)).not.toContain('duplicate_spend');
    // At import only: train repeats what limits the result, and explain's caveat says it then.
    expect(seriesWarnings(s, normalizeConfig({}), CLI_OPTION_WORDS, 'import')).toContain(
      w[0].message,
    );
    expect(seriesWarnings(s, normalizeConfig({}), CLI_OPTION_WORDS, 'train')).not.toContain(
      w[0].message,
    );
  });

  it('not below 0.95, not twice with duplicate_spend, not on the built-in 20 or the shape suite', () => {
    const looser = near(0.6);
    expect(pearson(looser.spend[0], looser.spend[2])).toBeLessThan(0.95);
    expect(codes(looser).map((x) => x.code)).not.toContain('correlated_spend');
    const copy: TenantSeries = {
      ...clothing,
      channels: [...clothing.channels, 'facebook'],
      spend: [...clothing.spend, Float64Array.from(clothing.spend[0])],
    };
    expect(codes(copy).map((x) => x.code)).toContain('duplicate_spend');
    expect(codes(copy).map((x) => x.code)).not.toContain('correlated_spend');
    for (const id of BUILTIN_TENANT_IDS)
      expect(
        codes(generateTenant(id).series).map((x) => x.code),
        id,
      ).not.toContain('correlated_spend');
    // shape_daily_3y_correlated's budget factor of 0.8 among them.
    for (const spec of SHAPE_SUITE)
      expect(
        codes(generateShape(spec).series).map((x) => x.code),
        spec.id,
      ).not.toContain('correlated_spend');
  });
});

describe('units_mismatch: revenue and spend in different units', () => {
  const millions: TenantSeries = {
    ...clothing,
    target: Float64Array.from(clothing.target, (y) => y / 1e6),
  };

  it('said at train, once at import (the reader says it there), and as a caveat', () => {
    const config = normalizeConfig({});
    const train = seriesWarnings(millions, config, CLI_OPTION_WORDS, 'train');
    expect(train.filter((m) => m.includes('times the total spend'))).toHaveLength(1);
    const atImport = seriesWarnings(millions, config, CLI_OPTION_WORDS, 'import');
    expect(atImport.filter((m) => m.includes('times the total spend'))).toEqual([]);
    const caveats = dataCaveats(millions);
    expect(caveats.map((c) => c.code)).toEqual(['units_mismatch']);
    expect(caveats[0].message).toContain('off by that factor');
    const explained = explainFinalModel(millions, fitFinalModel(millions, 0), null).caveats;
    expect(explained[0].code).toBe('units_mismatch');
    expect(dataCaveats(clothing)).toEqual([]);
  });
});

describe('control_follows_spend: a control that measures a channel (its impressions)', () => {
  /** The clothing tenant with one control: `f` of the first channel's spend on each row. */
  const withControl = (name: string, f: (spend: number, t: number) => number): TenantSeries => ({
    ...clothing,
    controlNames: [name],
    controls: [Float64Array.from(clothing.spend[0], f)],
  });

  it('warns at r >= 0.9 with the channel, r and the flag; not below', () => {
    // Impressions: spend over a cost per mille that wobbles with the row (a fixed pattern).
    const impressions = withControl('meta_I', (x, t) => (x / 8) * (1 + 0.15 * Math.sin(t)));
    const r = pearson(impressions.controls[0], clothing.spend[0]);
    expect(r).toBeGreaterThan(0.9);
    const w = codes(impressions).find((x) => x.code === 'control_follows_spend');
    expect(w?.message).toBe(
      `control "meta_I" moves with the spend of channel "${clothing.channels[0]}" (r = ${r.toFixed(3)}): ` +
        `if it measures the channel itself (its impressions, clicks or a share of its budget), the model splits the channel's effect with it ` +
        `in a way the data cannot pin down, and "${clothing.channels[0]}"'s ROAS and contribution cannot be read; ` +
        `leave it out with --ignore meta_I unless it is something the spend does not drive`,
    );
    const train = seriesWarnings(impressions, normalizeConfig({}), CLI_OPTION_WORDS, 'train');
    expect(train.some((m) => m.startsWith('control "meta_I" moves with the spend'))).toBe(true);
    // A control that only partly follows the spend (half of it plus a pattern of its own).
    const sd = Math.sqrt(
      clothing.spend[0].reduce((a, v) => a + v * v, 0) / clothing.spend[0].length,
    );
    const partly = withControl('promo_depth', (x, t) => x / 2 + sd * Math.sin(t / 3));
    expect(pearson(partly.controls[0], clothing.spend[0])).toBeLessThan(0.9);
    expect(codes(partly).map((x) => x.code)).not.toContain('control_follows_spend');
  });

  it('none on the suite tenants with events', () => {
    for (const spec of SHAPE_SUITE.filter((s) => s.events)) {
      const s = generateShape(spec).series;
      expect(
        codes(s).map((x) => x.code),
        spec.id,
      ).not.toContain('control_follows_spend');
    }
  });
});
