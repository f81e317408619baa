import { describe, expect, it } from 'vitest';
import { timeSeriesFolds } from '../src/core/folds.js';
import { r2 } from '../src/core/metrics.js';
import type { TenantSeries } from '../src/core/types.js';
import { buildMediaDesign } from '../src/phases/media.js';
import { chooseAndFit, predictChosen } from '../src/phases/choose.js';
import { trainPhase3 } from '../src/phases/phase3.js';
import { searchMediaParams } from '../src/phases/search.js';
import { constructedTenant } from './phase3-helpers.js';

const { series, expected } = constructedTenant(
  [
    { decay: 0.6, kMult: 1, s: 1.5, beta: 6000 },
    { decay: 0.2, kMult: 0.7, s: 1, beta: 4000 },
  ],
  { days: 540, noiseSd: 300, seed: 11 },
);
const clock = (): number => 0;

describe('trainPhase3', () => {
  const result = trainPhase3(series, { oracle: { expected }, clock });

  it('is deterministic: two runs give identical parameters and R²', () => {
    const again = trainPhase3(series, { oracle: { expected }, clock });
    expect(again).toEqual(result);
  });

  it('records the chosen parameters of every fold, with k fixed on the training rows', () => {
    expect(result.phase).toBe(3);
    expect(result.folds).toHaveLength(5);
    const folds = timeSeriesFolds(series.target.length, 5);
    result.folds.forEach((f, i) => {
      const search = searchMediaParams(series, folds[i].trainEnd);
      expect(f.channel_params).toEqual(search.params);
    });
  });

  it('scores each fold by chooseAndFit on the design built with the fold parameters', () => {
    const fold = timeSeriesFolds(series.target.length, 5)[3];
    const params = result.folds[3].channel_params!;
    const design = buildMediaDesign(series, params);
    const chosen = chooseAndFit(design.columns, series.target, fold.trainEnd, {});
    const pred = predictChosen(chosen, design.columns, {
      start: fold.testStart,
      end: fold.testEnd,
    });
    expect(result.folds[3].r2).toBe(r2(series.target.subarray(fold.testStart, fold.testEnd), pred));
    expect(result.folds[3].model).toBe(chosen.kind);
  });

  it('fits a strong adstock/Hill signal close to the oracle once a year of history is in', () => {
    // Folds 0-1 train on 90 and 180 rows: the yearly Fourier terms and the trend cannot be pinned
    // down there, so only the later folds are held to the oracle.
    for (const f of result.folds.slice(2)) expect(f.r2).toBeGreaterThan(f.oracle_r2! - 0.05);
    expect(result.feature_names).toContain('ch0_adstock_hill');
    expect(result.feature_names).toContain('ch1_adstock_hill_x_temperature_c');
  });

  it('ignores the outer test rows: garbage after a fold training end leaves that fold unchanged', () => {
    const fold = timeSeriesFolds(series.target.length, 5)[1];
    const garbled: TenantSeries = {
      ...series,
      target: Float64Array.from(series.target, (v, t) => (t >= fold.trainEnd ? -v * 7 + 1e5 : v)),
      spend: series.spend.map((x) =>
        Float64Array.from(x, (v, t) => (t >= fold.trainEnd ? 1e6 - v : v)),
      ),
    };
    const dirty = trainPhase3(garbled, { clock });
    expect(dirty.folds[1].channel_params).toEqual(result.folds[1].channel_params);
    expect(dirty.folds[1].alpha).toBe(result.folds[1].alpha);
    expect(dirty.folds[1].train_r2).toBe(result.folds[1].train_r2);
  });

  it('rejects bad options', () => {
    expect(() => trainPhase3(series, { passThreshold: 2 })).toThrow(/passThreshold/);
    expect(() => trainPhase3(series, { oracle: { expected: new Float64Array(3) } })).toThrow(
      /oracle/,
    );
    expect(() => trainPhase3(series, { blend: 'x' as 'rule' })).toThrow(/blend/);
  });
});
