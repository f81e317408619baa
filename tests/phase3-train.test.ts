import { describe, expect, it } from 'vitest';
import { chooseProtocol } from '../src/core/folds.js';
import { r2 } from '../src/core/metrics.js';
import type { TenantSeries } from '../src/core/types.js';
import { buildMediaDesign } from '../src/phases/media.js';
import { chooseAndFit, predictChosen } from '../src/phases/choose.js';
import { trainPhase3 } from '../src/phases/phase3.js';
import { searchMediaParams } from '../src/phases/search.js';
import { unsupportedTerms, windowColumns } from '../src/phases/support.js';
import { constructedTenant } from './phase3-helpers.js';

const { series, expected } = constructedTenant(
  [
    { decay: 0.6, kMult: 1, s: 1.5, beta: 6000 },
    { decay: 0.2, kMult: 0.7, s: 1, beta: 4000 },
  ],
  { days: 540, noiseSd: 300, seed: 11 },
);
const clock = (): number => 0;

// 540 daily rows: TimeSeriesSplit(5)'s first window (90 rows) is under the least first window,
// which the tests below set to half a year (the windows these cases were measured on): the test
// blocks shrink to floor((540 - 182) / 5) = 71 rows. The default aims for half the series (270).
const windows = { minTrain: 182 };
const folds = chooseProtocol(series.target.length, 'daily', windows).folds;

describe('trainPhase3', () => {
  const result = trainPhase3(series, { oracle: { expected }, clock, ...windows });
  // Every fold's own phase-3 model (no fallback to phase 2: tested in ladder.test.ts).
  const own = trainPhase3(series, { oracle: { expected }, clock, fallback: false, ...windows });

  it('follows the protocol rule', () => {
    expect(result.protocol).toMatchObject({ rule: 'user', folds: 5, test_rows: 71 });
    expect(chooseProtocol(series.target.length, 'daily').protocol).toMatchObject({
      rule: 'min-window',
      folds: 5,
      test_rows: 54,
    });
    expect(result.folds.map((f) => f.train_rows)).toEqual(folds.map((f) => f.trainEnd));
  });

  it('is deterministic: two runs give identical parameters and R²', () => {
    const again = trainPhase3(series, { oracle: { expected }, clock, ...windows });
    expect(again).toEqual(result);
  });

  it('records the chosen parameters of every fold, with k fixed on the training rows', () => {
    expect(own.phase).toBe(3);
    expect(own.folds).toHaveLength(5);
    own.folds.forEach((f, i) => {
      const dropTerms = unsupportedTerms(own.feature_names, folds[i].trainEnd, 'daily');
      expect(f.dropped_terms).toEqual(dropTerms);
      const search = searchMediaParams(series, folds[i].trainEnd, {
        dropTerms,
        scheme: 'blocked',
        temperatureHinges: true,
      });
      expect(f.channel_params).toEqual(search.params);
    });
  });

  it('scores each fold by chooseAndFit on the design built with the fold parameters', () => {
    const fold = folds[3];
    const params = own.folds[3].channel_params!;
    const design = buildMediaDesign(series, params, { temperatureHinges: true });
    // 398 rows: about one yearly cycle, so the trend is held after the window (support.ts).
    expect(own.folds[3].held_terms).toEqual(['trend']);
    const columns = windowColumns(design, fold.trainEnd, 'daily');
    const chosen = chooseAndFit(columns, series.target, fold.trainEnd, {});
    const pred = predictChosen(chosen, columns, {
      start: fold.testStart,
      end: fold.testEnd,
    });
    expect(own.folds[3].r2).toBe(r2(series.target.subarray(fold.testStart, fold.testEnd), pred));
    expect(own.folds[3].model).toBe(chosen.kind);
  });

  it('fits a strong adstock/Hill signal close to the oracle once a year of history is in', () => {
    // Folds under a year of rows leave out the yearly terms and the trend; the later folds are
    // held to the oracle.
    const later = result.folds.filter((f) => f.train_rows >= 365);
    expect(later.length).toBeGreaterThanOrEqual(2);
    for (const f of later) expect(f.r2).toBeGreaterThan(f.oracle_r2! - 0.05);
    expect(result.feature_names).toContain('ch0_adstock_hill');
    expect(result.feature_names).toContain('ch1_adstock_hill_x_temperature_c');
  });

  it('ignores the outer test rows: garbage after a fold training end leaves that fold unchanged', () => {
    const fold = folds[1];
    const garbled: TenantSeries = {
      ...series,
      target: Float64Array.from(series.target, (v, t) => (t >= fold.trainEnd ? -v * 7 + 1e5 : v)),
      spend: series.spend.map((x) =>
        Float64Array.from(x, (v, t) => (t >= fold.trainEnd ? 1e6 - v : v)),
      ),
    };
    const dirty = trainPhase3(garbled, { clock, ...windows });
    expect(dirty.folds[1].channel_params).toEqual(result.folds[1].channel_params);
    expect(dirty.folds[1].alpha).toBe(result.folds[1].alpha);
    expect(dirty.folds[1].train_r2).toBe(result.folds[1].train_r2);
    // The fallback decision is made on the fold's training rows too.
    expect(dirty.folds[1].fallback).toEqual(result.folds[1].fallback);
    expect(dirty.folds[1].model).toBe(result.folds[1].model);
  });

  it('rejects bad options', () => {
    expect(() => trainPhase3(series, { passThreshold: 2 })).toThrow(/passThreshold/);
    expect(() => trainPhase3(series, { oracle: { expected: new Float64Array(3) } })).toThrow(
      /oracle/,
    );
    expect(() => trainPhase3(series, { blend: 'x' as 'rule' })).toThrow(/blend/);
  });
});
