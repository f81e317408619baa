/** The planner's own curve fit (src/plan/curves.ts): profile least squares on all rows. */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import { modelWeatherNames } from '../src/core/features.js';
import { fitRidge, predictRidge } from '../src/core/ridge.js';
import { SeededRandom } from '../src/core/random.js';
import { geometricAdstock } from '../src/core/transforms.js';
import type { SyntheticTenant, TenantSeries } from '../src/core/types.js';
import { finalToJSON, fitFinalModel, predictFinal, type FinalModel } from '../src/phases/final.js';
import { buildMediaDesign, hillKFor } from '../src/phases/media.js';
import type { ChannelParams } from '../src/phases/types.js';
import {
  fitPlanCurves,
  PlanCurveCache,
  planCurveModel,
  planReplicateModels,
  revenueModelOf,
} from '../src/plan/index.js';

const START = { decay: 0.5, k_mult: 1, s: 1 };

/** (n / 2) log(SSE / n) of the standardized Ridge (alpha 1) on all rows, refitted from scratch. */
function directScore(series: TenantSeries, params: Record<string, ChannelParams>): number {
  const d = buildMediaDesign(series, params, { weather: modelWeatherNames(series) });
  const n = series.target.length;
  const model = fitRidge(d.columns, series.target, { start: 0, end: n }, 1);
  const fitted = predictRidge(model, d.columns, { start: 0, end: n });
  let sse = 0;
  for (let t = 0; t < n; t++) sse += (series.target[t] - fitted[t]) ** 2;
  return (n / 2) * Math.log(sse / n);
}

describe('the planner curve fit', () => {
  let tenant: SyntheticTenant;
  let phase3: FinalModel;

  beforeAll(() => {
    tenant = generateTenant('high_winter_clothing');
    phase3 = fitFinalModel(tenant.series, 3);
  });

  it('scores by the all-rows fit of the design, the same as a direct refit', () => {
    const series = tenant.series;
    const fit = fitPlanCurves(series, phase3.channelParams!, { sweeps: 1 });
    // The incremental co-moments give the score of a fresh fit of the chosen parameters.
    expect(fit.score).toBeCloseTo(directScore(series, fit.params), 6);
    // Strict improvement only: never worse than where it started.
    expect(fit.score).toBeLessThanOrEqual(directScore(series, phase3.channelParams!) + 1e-9);
    for (const c of series.channels) {
      const p = fit.params[c];
      const i = series.channels.indexOf(c);
      expect(p.k).toBeCloseTo(
        hillKFor(geometricAdstock(series.spend[i], p.decay), series.target.length, p.k_mult),
        9,
      );
    }
  });

  it('recovers the curve parameters of a series made by the model form', () => {
    // The tenant's spend and weather with a target that is a phase-3 model of known curves plus
    // noise (0.5% of revenue): the fit should find those curves.
    const series = tenant.series;
    const n = series.target.length;
    const truth: Record<string, ChannelParams> = {};
    const chosen: [number, number, number][] = [
      [0.3, 1, 1.2],
      [0.6, 2, 2],
    ];
    series.channels.forEach((c, i) => {
      const [decay, kMult, s] = chosen[i];
      truth[c] = {
        decay,
        k_mult: kMult,
        s,
        k: hillKFor(geometricAdstock(series.spend[i], decay), n, kMult),
      };
    });
    const made = fitFinalModel(series, 3, { channelParams: truth });
    const rng = new SeededRandom(5);
    const clean = predictFinal(made, series);
    const sd = (0.005 * clean.reduce((a, b) => a + Math.abs(b), 0)) / n;
    const target = Float64Array.from(clean, (v) => v + sd * rng.normal());
    const noisy = { ...series, target };
    const start = Object.fromEntries(series.channels.map((c) => [c, START]));
    const fit = fitPlanCurves(noisy, start);
    // Decay within 0.05, Hill shape within 20% (the search's last refinement step is 2^(1/8)).
    // With more noise (2% of revenue) k and s trade off along a flat ridge of the fit: shapes 1.4
    // and 2 score within one log-likelihood unit of each other for the second channel.
    for (const c of series.channels) {
      expect(Math.abs(fit.params[c].decay - truth[c].decay)).toBeLessThanOrEqual(0.05);
      expect(fit.params[c].s / truth[c].s).toBeGreaterThan(0.8);
      expect(fit.params[c].s / truth[c].s).toBeLessThan(1.2);
    }
  });

  it('gives the same fits with a cache shared across targets as without one', () => {
    // Two targets on one design (as the bootstrap replicates), then a window of another design:
    // the shared cache must change no bit of the fits, and be rebound on the other design.
    const series = tenant.series;
    const rng = new SeededRandom(5);
    const other = { ...series, target: series.target.map((v) => v * (1 + 0.05 * rng.next())) };
    const window = { ...series, target: series.target.slice(0, 700) };
    const cache = new PlanCurveCache();
    for (const s of [series, other, series]) {
      const shared = fitPlanCurves(s, phase3.channelParams!, { sweeps: 1, cache });
      const alone = fitPlanCurves(s, phase3.channelParams!, { sweeps: 1 });
      expect(shared).toEqual(alone);
    }
    const windowSeries = {
      ...window,
      dates: series.dates.slice(0, 700),
      spend: series.spend.map((x) => x.slice(0, 700)),
      weather: series.weather.map((x) => x.slice(0, 700)),
      controls: series.controls.map((x) => x.slice(0, 700)),
    };
    expect(fitPlanCurves(windowSeries, phase3.channelParams!, { sweeps: 0, cache })).toEqual(
      fitPlanCurves(windowSeries, phase3.channelParams!, { sweeps: 0 }),
    );
  });

  it('is deterministic, and the plan-curve model carries 5 window fits for the check', () => {
    const series = tenant.series;
    const a = planCurveModel(series, phase3);
    const b = planCurveModel(series, phase3);
    expect(JSON.stringify(finalToJSON(a))).toBe(JSON.stringify(finalToJSON(b)));
    expect(a.searchRuns).toHaveLength(5); // the 5 standard folds' training rows
    expect(revenueModelOf(a).media).toHaveLength(series.channels.length);
    const out = planReplicateModels(series, a, 2, 0, 'plan');
    expect(out.windows).toBe(5);
    expect(out.models).toHaveLength(2 + 5 - out.failed);
    out.models.slice(-5).forEach((m, i) => expect(m.channelParams).toEqual(a.searchRuns![i]));
  });
});
