import { describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import type { TenantSeries } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  attributionNote,
  historicalAttribution,
  modelAttribution,
  modelsDiffer,
} from '../src/plan/attribution.js';
import { makePlan, revenueModelOf, scenarioOutlook } from '../src/plan/index.js';

/** A linear model: revenue_t = 1000 + sum_c coef_c spend_c,t. */
const linear =
  (coef: number[]) =>
  (s: TenantSeries): Float64Array =>
    Float64Array.from(s.target, (_, t) =>
      coef.reduce((acc, b, c) => acc + b * s.spend[c][t], 1000),
    );

describe('historicalAttribution', () => {
  const n = 50;
  const series = {
    ...generateTenant('extreme_sunscreen').series,
  };
  const small: TenantSeries = {
    ...series,
    dates: series.dates.slice(0, n),
    target: series.target.slice(0, n),
    channels: ['a', 'b', 'c'],
    spend: [
      Float64Array.from({ length: n }, (_, t) => 100 + t),
      Float64Array.from({ length: n }, (_, t) => 40 + (t % 7)),
      new Float64Array(n),
    ],
  };

  it("is each channel's coefficient on a linear model, and the media's share of its revenue", () => {
    const a = historicalAttribution(small, linear([2, 0.5, 3]));
    expect(a.roas[0]).toBeCloseTo(2, 12);
    expect(a.roas[1]).toBeCloseTo(0.5, 12);
    expect(a.roas[2]).toBeNull(); // no spend
    // By hand: media = 2 sum(a) + 0.5 sum(b); revenue = 1000 n + media.
    let sa = 0;
    let sb = 0;
    for (let t = 0; t < n; t++) [sa, sb] = [sa + 100 + t, sb + 40 + (t % 7)];
    const media = 2 * sa + 0.5 * sb;
    expect(a.media_share).toBeCloseTo(media / (1000 * n + media), 12);
  });

  it('tells two readings apart only when they differ by much', () => {
    expect(modelsDiffer([[2.07, 13.2]], [0.15, 0.2])).toBe(true);
    expect(modelsDiffer([[2.0, 2.9]], [0.3, 0.32])).toBe(false); // < 1 apart
    expect(modelsDiffer([[10, 14]], [0.3, 0.32])).toBe(false); // within half
    expect(modelsDiffer([[null, 14]], [0.3, 0.32])).toBe(false);
    expect(modelsDiffer([[2, 2]], [0.15, 0.95])).toBe(true); // the media's share
    const m = modelAttribution(small, linear([2, 0.5, 0]), linear([2, 0.5, 0]));
    expect(m.differs).toBe(false);
    expect(attributionNote(m)).toBeNull();
    const d = modelAttribution(small, linear([9, 0.5, 0]), linear([2, 0.5, 0]));
    expect(d.differs).toBe(true);
    expect(attributionNote(d)).toContain(
      "a with ROAS 9.00, marginal 9.00 (explain's model 2.00, marginal 2.00)",
    );
    // The tenant has lift tests: explain shows its calibrated model, these figures are before it
    // (probe s63: "explain's model 1.35" beside explain's calibrated 3.06).
    const c = modelAttribution(small, linear([9, 0.5, 0]), linear([2, 0.5, 0]), true);
    expect(c.explained_model_uncalibrated).toBe(true);
    expect(attributionNote(c)).toContain(
      "a with ROAS 9.00, marginal 9.00 (explain's model before calibration 2.00, marginal 2.00)",
    );
    expect(d.explained_model_uncalibrated).toBeUndefined();
  });

  it('compares the marginal ROAS too: the same average return, another return on the next unit', () => {
    // a: 3 per unit, linear (marginal 3); b: k x^(1/4) with the same ROAS over the data, whose
    // marginal ROAS is a quarter of it (d/dx of k x^(1/4) is (1/4) k x^(1/4) / x).
    const a = small.spend[0];
    let root = 0;
    let spend = 0;
    for (const v of a) [root, spend] = [root + v ** 0.25, spend + v];
    const k = (3 * spend) / root;
    const quarter = (s: TenantSeries): Float64Array =>
      Float64Array.from(s.target, (_, t) => 1000 + k * s.spend[0][t] ** 0.25);
    const lin = linear([3, 0, 0]);
    const m = modelAttribution(small, lin, quarter);
    expect(m.channels[0].plan_model_roas).toBeCloseTo(3, 10);
    expect(m.channels[0].explained_model_roas).toBeCloseTo(3, 10);
    expect(m.channels[0].plan_model_marginal_roas).toBeCloseTo(3, 10);
    // (1.01^(1/4) - 1) / 0.01 = 0.2491 of the ROAS, by the finite step explain uses.
    expect(m.channels[0].explained_model_marginal_roas).toBeCloseTo(
      (3 * (1.01 ** 0.25 - 1)) / 0.01,
      9,
    );
    expect(m.differs).toBe(true);
    expect(attributionNote(m)).toContain(
      "a with ROAS 3.00, marginal 3.00 (explain's model 3.00, marginal 0.75)",
    );
  });
});

describe('makePlan with the explained model beside its own', () => {
  it('reports both readings of the history and a note only when they differ', () => {
    const series = generateTenant('extreme_sunscreen').series;
    const model = revenueModelOf(fitFinalModel(series, 3));
    const outlook = scenarioOutlook(series, 'typical', model.weather, 14);
    const same = makePlan(
      { series, model, outlook, explained: (s) => model.predict(s) },
      { horizon: 14 },
    );
    expect(same.attribution?.differs).toBe(false);
    expect(same.notes.some((x) => x.includes('reads the history differently'))).toBe(false);
    // An explained model without media: every channel's ROAS 0 there.
    const flat = makePlan(
      {
        series,
        model,
        outlook,
        explained: (s) =>
          model.predict({ ...s, spend: s.spend.map((x) => new Float64Array(x.length)) }),
      },
      { horizon: 14 },
    );
    expect(flat.attribution?.differs).toBe(true);
    for (const c of flat.attribution!.channels) expect(c.explained_model_roas).toBe(0);
    expect(flat.attribution!.media_share.explained_model).toBe(0);
    expect(flat.notes.some((x) => x.includes('reads the history differently'))).toBe(true);
    // The plan's figures are its own model's either way.
    expect(flat.incremental_revenue).toBe(same.incremental_revenue);
    const none = makePlan({ series, model, outlook }, { horizon: 14 });
    expect(none.attribution).toBeNull();
  });
});
