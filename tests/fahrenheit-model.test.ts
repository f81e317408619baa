/**
 * A temperature in deg F is modeled as the same temperature in deg C. The squared weather and
 * media x weather terms are products of raw values, and standardizing a product does not undo an
 * offset of its factors: before modelWeatherColumn, one file in deg F and in deg C gave phase-3
 * fold R² 0.614 / 0.732 / 0.806 against 0.623 / 0.821 / 0.807. Expected values here are the
 * deg C tenant's own, computed by the same functions on the unconverted series.
 */
import { describe, expect, it } from 'vitest';
import { generateShape, shapeSpecOf } from '../src/core/data/index.js';
import { modelWeatherColumn, temperatureHingeColumns } from '../src/core/features.js';
import type { TenantSeries } from '../src/core/types.js';
import { trainPhase } from '../src/phases/index.js';
import { fitFinalModel } from '../src/phases/final.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { makePlan, planCurveModel, revenueModelOf, scenarioOutlook } from '../src/plan/index.js';

const spec = { frequency: 'daily', years: 1, channels: 2, events: true } as const;
const celsius = generateShape(shapeSpecOf('degf_s4545_0', 4545, spec), { seed: 4545 }).series;

/** The series with temperature_c written as temperature_f (9C / 5 + 32). */
function inFahrenheit(s: TenantSeries): TenantSeries {
  const j = s.weatherNames.indexOf('temperature_c');
  return {
    ...s,
    weatherNames: s.weatherNames.map((w, k) => (k === j ? 'temperature_f' : w)),
    weather: s.weather.map((w, k) => (k === j ? Float64Array.from(w, (c) => (c * 9) / 5 + 32) : w)),
  };
}
const fahrenheit = inFahrenheit(celsius);

describe('a temperature in deg F is modeled in deg C', () => {
  it('modelWeatherColumn converts deg F, keeps other columns as they are, and keeps one array per column', () => {
    const f = modelWeatherColumn(fahrenheit, 'temperature_f');
    const c = celsius.weather[celsius.weatherNames.indexOf('temperature_c')];
    f.forEach((v, t) => expect(v).toBeCloseTo(c[t], 10));
    expect(modelWeatherColumn(fahrenheit, 'temperature_f')).toBe(f);
    expect(modelWeatherColumn(celsius, 'temperature_c')).toBe(c);
    expect(() => modelWeatherColumn(celsius, 'nope')).toThrow(/no weather column nope/);
  });

  it('hinges keep their names in the column unit (32, 50, 68, 86 deg F) and the deg C values', () => {
    const h = temperatureHingeColumns(fahrenheit, ['temperature_f']);
    expect(h.names).toEqual([
      'temperature_f_above_32',
      'temperature_f_above_50',
      'temperature_f_above_68',
      'temperature_f_above_86',
    ]);
    const hc = temperatureHingeColumns(celsius, ['temperature_c']);
    h.columns.forEach((col, i) =>
      col.forEach((v, t) => expect(v).toBeCloseTo(hc.columns[i][t], 9)),
    );
  });

  for (const phase of [0, 1, 2] as const) {
    it(`phase ${phase}: the same fold R² as the deg C file`, () => {
      const rc = trainPhase(celsius, phase, {}, null);
      const rf = trainPhase(fahrenheit, phase, {}, null);
      rf.folds.forEach((f, i) => expect(f.r2).toBeCloseTo(rc.folds[i].r2, 8));
    });
  }

  it('phase 3: bit for bit the folds of the deg C values the conversion gives', () => {
    // Against the deg C file itself phase 3's second fold differs (0.0565 / 0.1415): (9C/5 + 32 -
    // 32) x 5/9 is C only to the last digit, and this fold's own model (Ridge or blend) turns on
    // such a digit (C x (1 + 1e-13) gives -0.0063): a fragility of the fold's model choice, not
    // of the units. The deg C values the conversion gives must give the same folds exactly.
    const j = celsius.weatherNames.indexOf('temperature_c');
    const roundTrip: TenantSeries = {
      ...celsius,
      weather: celsius.weather.map((w, k) =>
        k === j ? Float64Array.from(w, (c) => (((c * 9) / 5 + 32 - 32) * 5) / 9) : w,
      ),
    };
    const rc = trainPhase(roundTrip, 3, {}, null);
    const rf = trainPhase(fahrenheit, 3, {}, null);
    expect(rf.folds.map((f) => f.r2)).toEqual(rc.folds.map((f) => f.r2));
  });

  it('phase 3 explain and the planner: the same ROAS, curves and plan', () => {
    const mc = fitFinalModel(celsius, 3);
    const mf = fitFinalModel(fahrenheit, 3);
    const ec = explainFinalModel(celsius, mc, null);
    const ef = explainFinalModel(fahrenheit, mf, null);
    ef.channels.forEach((ch, i) => {
      expect(ch.roas).toBeCloseTo(ec.channels[i].roas, 8);
      expect(ch.marginal_roas).toBeCloseTo(ec.channels[i].marginal_roas, 8);
    });
    const pc = planCurveModel(celsius, mc);
    const pf = planCurveModel(fahrenheit, mf);
    expect(pf.channelParams).toEqual(pc.channelParams);
    const plan = (s: TenantSeries, m: typeof pc) => {
      const model = revenueModelOf(m);
      const outlook = scenarioOutlook(s, 'typical', model.weather, 28);
      return makePlan({ series: s, model, outlook }, { horizon: 28, budget: 50_000 });
    };
    const a = plan(celsius, pc);
    const b = plan(fahrenheit, pf);
    expect(b.expected_revenue.total).toBeCloseTo(a.expected_revenue.total, 4);
    b.channels.forEach((ch, i) => expect(ch.spend).toBeCloseTo(a.channels[i].spend, 4));
  });
});
