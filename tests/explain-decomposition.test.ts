import { describe, expect, it } from 'vitest';
import { BUILTIN_TENANT_IDS, generateTenant } from '../src/core/data/index.js';
import { buildDesign } from '../src/core/features.js';
import {
  averageRidgeModels,
  DEFAULT_ALPHAS,
  fitRidge,
  selectPooledRidge,
} from '../src/core/ridge.js';
import {
  DAILY_POOLED_TREND_PENALTY,
  dailyPooledPenalty,
  dailyPooledWindow,
} from '../src/phases/ladder.js';
import type { TenantSeries } from '../src/core/types.js';
import { explainFinalModel, explainPhase, quantile, weatherStates } from '../src/phases/explain.js';
import { finalFromJSON, finalToJSON, fitFinalModel, predictFinal } from '../src/phases/final.js';
import type { PhaseId } from '../src/phases/types.js';
import { constructedTenant } from './phase3-helpers.js';

const constructed = constructedTenant(
  [
    { decay: 0.5, kMult: 1, s: 1.5, beta: 6000 },
    { decay: 0.2, kMult: 0.8, s: 1, beta: 3000 },
  ],
  { days: 500, noiseSd: 200, seed: 3 },
);
const series = constructed.series;
const relClose = (a: number, b: number, tol: number): void =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(Math.abs(a), Math.abs(b)));

describe('final models', () => {
  it('round-trip through JSON text with identical predictions, for every phase', () => {
    const spendUp: TenantSeries = {
      ...series,
      spend: series.spend.map((x) => x.map((v) => v * 1.3)),
    };
    // A temperature band Ridge cannot draw: with passThreshold 1 the Ridge fails the rule in
    // phases 2-3 and the GBM / blend beats it on inner validation, so a GBM is stored.
    const temp = series.weather[series.weatherNames.indexOf('temperature_c')];
    const banded: TenantSeries = {
      ...series,
      target: series.target.map((v, t) => v + (temp[t] > 10 && temp[t] < 16 ? 6000 : 0)),
    };
    for (const phase of [0, 1, 2, 3] as PhaseId[]) {
      const model = fitFinalModel(banded, phase, { passThreshold: 1, gbm: { nEstimators: 30 } });
      if (phase >= 2) expect(model.chosen?.gbm).not.toBeNull();
      const back = finalFromJSON(JSON.stringify(finalToJSON(model)));
      expect(predictFinal(back, series)).toEqual(predictFinal(model, series));
      expect(predictFinal(back, spendUp)).toEqual(predictFinal(model, spendUp));
      expect(finalToJSON(back)).toEqual(finalToJSON(model));
    }
  });

  it('phase 0 reproduces Ridge alpha 1 on all rows, averaged with the pooled Ridge (500 rows)', () => {
    const model = fitFinalModel(series, 0);
    const design = buildDesign(series, { interactions: false });
    const ridge = fitRidge(design.columns, series.target, { start: 0, end: 500 }, 1);
    // 500 daily rows are in the pooled window (ladder.ts dailyPooledWindow), as the fold models.
    expect(dailyPooledWindow(500)).toBe(true);
    const pooled = selectPooledRidge(
      design.columns,
      series.target,
      500,
      dailyPooledPenalty(series, design.names, design.columns, 500),
      DEFAULT_ALPHAS,
      undefined,
      DAILY_POOLED_TREND_PENALTY,
    )!.model;
    const want = averageRidgeModels(ridge, pooled);
    // Same arithmetic on the same rows, up to rounding (relative 1e-8).
    Array.from(model.ridge.coef).forEach((c, j) =>
      expect(Math.abs(c - want.coef[j])).toBeLessThan(1e-8 * (Math.abs(want.coef[j]) + 1)),
    );
    expect(model.ridge.intercept).toBeCloseTo(want.intercept, 2);
    expect(model.reason).toMatch(/averaged with the pooled Ridge/);
  });

  it('rejects a series whose columns differ from the model and malformed JSON', () => {
    const model = fitFinalModel(series, 1);
    expect(() => predictFinal(model, { ...series, channels: ['a', 'b'] })).toThrow(/channels/);
    const json = finalToJSON(model);
    expect(() => finalFromJSON({ ...json, format: 'x' as 'weathervane-final' })).toThrow(/format/);
    expect(() => finalFromJSON({ ...json, featureNames: ['x'] })).toThrow(/feature names/);
  });
});

describe('explain', () => {
  it('phase 0: contribution = coef x total spend and marginal ROAS = coef (closed form)', () => {
    const model = fitFinalModel(series, 0);
    const ex = explainFinalModel(series, model, null);
    series.channels.forEach((c, i) => {
      const coef = model.ridge.coef[model.featureNames.indexOf(`${c}_spend`)];
      const spend = series.spend[i].reduce((a, b) => a + b, 0);
      const d = ex.channels[i];
      relClose(d.contribution, coef * spend, 1e-6);
      relClose(d.roas, coef, 1e-6);
      relClose(d.marginal_roas, coef, 1e-6);
      expect(d.truth).toBeNull();
      expect(d.roas_error).toBeNull();
      // Linear response curve: contribution at level L = coef x L.
      const curve = ex.response_curves[i];
      curve.spend_levels.forEach((lvl, k) => {
        expect(Math.abs(curve.contribution[k] - coef * lvl)).toBeLessThanOrEqual(
          1e-6 * Math.abs(coef) * (lvl + 1),
        );
      });
    });
    expect(ex.notes.some((n) => n.includes('no carry-over'))).toBe(true);
  });

  it('weather states: temperature terciles and rain/dry partition the rows', () => {
    const states = weatherStates(series);
    expect(states.map((s) => s.state)).toEqual([
      'temperature_c:cold',
      'temperature_c:mild',
      'temperature_c:hot',
      'precipitation_mm:rain',
      'precipitation_mm:dry',
    ]);
    const count = (m: Uint8Array): number => m.reduce((a, b) => a + b, 0);
    const temps = states.slice(0, 3).map((s) => count(s.mask));
    expect(temps.reduce((a, b) => a + b, 0)).toBe(500);
    for (const c of temps) expect(Math.abs(c - 500 / 3)).toBeLessThanOrEqual(1);
    expect(count(states[3].mask) + count(states[4].mask)).toBe(500);
    expect(states[0].definition).toBe(
      `temperature_c <= ${Math.round(quantile(series.weather[0], 1 / 3) * 100) / 100}`,
    );
    expect(quantile([1, 2, 3, 4], 1 / 3)).toBeCloseTo(2, 12);
  });

  it('phase 3 on a Hill tenant: monotone response curves, positive contributions that add up by state', () => {
    const model = fitFinalModel(series, 3);
    expect(model.kind).toBe('ridge');
    const ex = explainFinalModel(series, model, null);
    expect(ex.channel_params).toEqual(model.channelParams);
    for (const curve of ex.response_curves) {
      expect(curve.spend_levels).toHaveLength(12);
      expect(curve.contribution[0]).toBe(0);
      for (let k = 1; k < curve.contribution.length; k++) {
        expect(curve.contribution[k]).toBeGreaterThanOrEqual(curve.contribution[k - 1]);
      }
      for (const values of Object.values(curve.by_state)) expect(values).toHaveLength(12);
    }
    ex.channels.forEach((ch) => {
      expect(ch.contribution).toBeGreaterThan(0);
      // Temperature states partition the rows: their contributions add up to the total.
      const parts = ex.weather_states
        .filter((s) => s.variable === 'temperature_c')
        .map((s) => s.channels.find((x) => x.channel === ch.channel)!.contribution);
      relClose(
        parts.reduce((a, b) => a + b, 0),
        ch.contribution,
        1e-9,
      );
    });
  });

  it('phase 3 ROAS of the extreme tier is within 25% of the truth on 8 of its 10 channels', () => {
    // Measured with the curves by profile least squares (final.ts profileCurves): 8 of 10
    // (extreme_ski_gear meta +31%, extreme_cooling google +45% beyond); with the pooled search's
    // curves 6 of 10 (extreme_heating meta -48%, google -65%; extreme_rain_gear meta -40%).
    let within = 0;
    for (const id of BUILTIN_TENANT_IDS.filter((t) => t.startsWith('extreme_'))) {
      const t = generateTenant(id);
      const ex = explainPhase(t.series, 3, {}, t);
      for (const ch of ex.channels) {
        expect(ch.truth).not.toBeNull();
        if (Math.abs(ch.roas_error!) < 0.25) within++;
        expect(ch.truth!.roas).toBeCloseTo(
          t.truth.channels[t.series.channels.indexOf(ch.channel)].roas,
          12,
        );
      }
      for (const s of ex.weather_states)
        for (const c of s.channels) expect(c.true_roas).not.toBeNull();
      for (const curve of ex.response_curves) expect(curve.true_contribution).toHaveLength(12);
    }
    expect(within).toBeGreaterThanOrEqual(8);
  }, 60_000);

  it('pools the adstock/Hill search over nested training prefixes so ROAS does not run away', () => {
    // One search on all rows picked google decay 0.9 with a saturated curve for this tenant
    // (ROAS 11.6 vs true 2.84, +308%); the median over the 5 fold prefixes and all rows gives
    // meta 2.73 vs 3.53 (-23%) and google 2.62 vs 2.84 (-8%).
    const t = generateTenant('high_winter_clothing');
    const ex = explainPhase(t.series, 3, {}, t);
    for (const ch of ex.channels) expect(Math.abs(ch.roas_error!)).toBeLessThan(0.25);
  });
});
