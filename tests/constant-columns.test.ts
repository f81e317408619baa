/**
 * A weather column or control that holds one value on the rows a model is fitted on is left out of
 * that model with every term built from it (features.ts variedWeatherNames, support.ts
 * constantTerms): a constant explains nothing, but its products with the channels' spend are
 * copies of the spend columns, which changed the Ridge's penalty (a daily file with humidity 55 on
 * every row: meta's ROAS 8.32, 6.99 with the column left out). The expected values are those of
 * the same series without the column, computed by the same functions.
 */
import { describe, expect, it } from 'vitest';
import { generateShape, shapeSpecOf } from '../src/core/data/index.js';
import { modelWeatherNames, variedWeatherNames } from '../src/core/features.js';
import type { TenantSeries } from '../src/core/types.js';
import { trainPhase } from '../src/phases/index.js';
import { fitFinalModel } from '../src/phases/final.js';
import { explainFinalModel } from '../src/phases/explain.js';

const spec = { frequency: 'daily', years: 2, channels: 2 } as const;
const base = generateShape(shapeSpecOf('const_s4646_0', 4646, spec), { seed: 4646 }).series;
const h = base.weatherNames.indexOf('humidity_pct');

/** The series without its humidity column. */
const without: TenantSeries = {
  ...base,
  weatherNames: base.weatherNames.filter((_, k) => k !== h),
  weather: base.weather.filter((_, k) => k !== h),
};
/** The same with humidity 55 on rows [0, until) and the real values after. */
function constantHumidity(until = base.target.length): TenantSeries {
  return {
    ...base,
    weather: base.weather.map((w, k) =>
      k === h ? Float64Array.from(w, (v, t) => (t < until ? 55 : v)) : w,
    ),
  };
}
const constant = constantHumidity();

describe('a weather column constant on the fitted rows is left out with its terms', () => {
  it('variedWeatherNames: decided on the rows given', () => {
    expect(h).toBeGreaterThanOrEqual(0);
    expect(modelWeatherNames(base)).toContain('humidity_pct');
    expect(variedWeatherNames(constant)).toEqual(modelWeatherNames(without));
    expect(variedWeatherNames(constantHumidity(400), undefined, 400)).toEqual(
      modelWeatherNames(without),
    );
    expect(variedWeatherNames(constantHumidity(400), undefined, 401)).toEqual(
      modelWeatherNames(base),
    );
  });

  for (const phase of [0, 1, 2, 3] as const) {
    it(`phase ${phase}: the fold R² of the series without the column`, () => {
      const a = trainPhase(without, phase, {}, null);
      const b = trainPhase(constant, phase, {}, null);
      b.folds.forEach((f, i) => expect(f.r2).toBeCloseTo(a.folds[i].r2, 8));
    });
  }

  it('phase 3 all-rows model: the ROAS and marginal ROAS of the series without the column', () => {
    const ea = explainFinalModel(without, fitFinalModel(without, 3), null);
    const mb = fitFinalModel(constant, 3);
    expect(mb.weather).toEqual(modelWeatherNames(without));
    const eb = explainFinalModel(constant, mb, null);
    eb.channels.forEach((ch, i) => {
      expect(ch.roas).toBeCloseTo(ea.channels[i].roas, 8);
      expect(ch.marginal_roas).toBeCloseTo(ea.channels[i].marginal_roas, 8);
    });
  });

  it('per fold: constant on the first fold’s training rows only, that fold is the one without it', () => {
    const a = trainPhase(without, 3, {}, null);
    const T = a.folds[0].train_rows;
    const b = trainPhase(constantHumidity(T), 3, {}, null);
    expect(b.folds[0].r2).toBeCloseTo(a.folds[0].r2, 8);
  });
});

describe('a constant control changes nothing', () => {
  it('phase 1 folds and the phase 1 all-rows model: those of the series without it', () => {
    const withControl: TenantSeries = {
      ...without,
      controlNames: ['region'],
      controls: [new Float64Array(without.target.length).fill(3.7)],
    };
    const a = trainPhase(without, 1, {}, null);
    const b = trainPhase(withControl, 1, {}, null);
    b.folds.forEach((f, i) => expect(f.r2).toBeCloseTo(a.folds[i].r2, 8));
    const ea = explainFinalModel(without, fitFinalModel(without, 1), null);
    const eb = explainFinalModel(withControl, fitFinalModel(withControl, 1), null);
    eb.channels.forEach((ch, i) => expect(ch.roas).toBeCloseTo(ea.channels[i].roas, 8));
  });
});
