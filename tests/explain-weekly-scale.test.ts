/**
 * Weekly phases 0-2 put each channel's spend in as log(1 + spend / c) and last week's value of
 * that, with c the channel's median spend over the first 26 weeks. The model keeps the c of the
 * series it was fitted on: rebuilt from a counterfactual series, c moved with the spend and
 * cancelled it (every response-curve level gave log 2, the marginal ROAS was about 1e-13).
 * Expected values here come from the Ridge coefficients and the columns' formula, not from explain.
 */
import { describe, expect, it } from 'vitest';
import { generateShape, shapeSpecOf } from '../src/core/data/index.js';
import { weeklySpendScale } from '../src/core/features.js';
import {
  finalFromJSON,
  finalToJSON,
  fitFinalModel,
  withFitScales,
  type FinalModel,
} from '../src/phases/final.js';
import { explainFinalModel } from '../src/phases/explain.js';

const spec = { frequency: 'weekly', years: 2, channels: 3, correlation: 0.3 } as const;
const tenant = generateShape(shapeSpecOf('wk_scale_s4242_0', 4242, spec), { seed: 4242 });
const series = tenant.series;

/** The model's coefficient of a column (raw scale: prediction = intercept + sum coef x column). */
function coef(model: FinalModel, name: string): number {
  const j = model.featureNames.indexOf(name);
  if (j < 0) throw new Error(`no column ${name}`);
  return model.ridge.coef[j];
}

describe('weekly phases 0-1: the spend scale is the fitted series own', () => {
  for (const phase of [0, 1] as const) {
    it(`phase ${phase}: marginal ROAS and the response curve follow log(1 + spend / c) with the fitted c`, () => {
      const model = fitFinalModel(series, phase);
      expect(model.kind).toBe('ridge');
      expect(model.weeklyScales).toEqual(series.spend.map(weeklySpendScale));
      const ex = explainFinalModel(series, model, null);
      series.channels.forEach((ch, i) => {
        const c = model.weeklyScales![i];
        const spend = series.spend[i];
        const n = spend.length;
        const b = coef(model, `${ch}_log_spend`);
        const bLag = coef(model, `${ch}_log_spend_lag1`);
        const term = (x: number): number => Math.log1p(x / c);
        // Phase 0 has no spend x weather columns, so its counterfactual differences are exact.
        if (phase === 0) {
          let up = 0;
          let total = 0;
          for (let t = 0; t < n; t++) {
            const lagRow = t > 0 ? t - 1 : 0;
            up += b * (term(1.01 * spend[t]) - term(spend[t]));
            up += bLag * (term(1.01 * spend[lagRow]) - term(spend[lagRow]));
            total += spend[t];
          }
          const expected = up / (0.01 * total);
          const got = ex.channels.find((x) => x.channel === ch)!.marginal_roas;
          expect(Math.abs(got - expected)).toBeLessThan(1e-6 * Math.abs(expected));
          const curve = ex.response_curves.find((x) => x.channel === ch)!;
          curve.spend_levels.forEach((x, k) => {
            const want = (b + bLag) * term(x);
            expect(Math.abs(curve.contribution[k] - want)).toBeLessThan(
              1e-6 * (1 + Math.abs(want)),
            );
          });
        }
        // Both phases: a concave curve that keeps rising where the coefficients are positive.
        const curve = ex.response_curves.find((x) => x.channel === ch)!;
        if (b + bLag > 0) {
          const steps = curve.contribution.slice(1).map((v, k) => v - curve.contribution[k]);
          expect(steps.every((d) => d > 0)).toBe(true);
          const row = ex.channels.find((x) => x.channel === ch)!;
          expect(row.marginal_roas).toBeGreaterThan(0);
          expect(row.marginal_roas).toBeLessThan(row.roas);
        }
      });
    });
  }

  it('keeps the scales through JSON, and fills them from the fitted series for a model stored without them', () => {
    const model = fitFinalModel(series, 0);
    const back = finalFromJSON(JSON.stringify(finalToJSON(model)));
    expect(back.weeklyScales).toEqual(model.weeklyScales);
    const { weeklyScales: _drop, ...old } = finalToJSON(model);
    const restored = withFitScales(finalFromJSON(old), series);
    expect(restored.weeklyScales).toEqual(model.weeklyScales);
    const a = explainFinalModel(series, model, null);
    const b = explainFinalModel(series, restored, null);
    expect(b.channels.map((x) => x.marginal_roas)).toEqual(a.channels.map((x) => x.marginal_roas));
    // A daily or phase-3 model has no weekly terms and gets no scales.
    expect(fitFinalModel(series, 3).weeklyScales).toBeUndefined();
  });
});
