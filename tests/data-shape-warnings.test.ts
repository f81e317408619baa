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
