/**
 * Lift tests against the part of a model's lift below the channel's lowest usual spend
 * (intervals.ts belowSpendLift, calibration.ts seen_check and below_spend; docs/calibration.md
 * "Tests below the spend the data show").
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import type { LiftTest } from '../src/core/lift.js';
import type { TenantSeries } from '../src/core/types.js';
import { calibrateFinalModel, explainBelowSpendCaveats } from '../src/phases/calibration.js';
import { explainCalibratedFit } from '../src/phases/explain.js';
import { fitFinalModel, type FinalModel } from '../src/phases/final.js';
import { belowSpendLift, modelImpliedLift } from '../src/phases/intervals.js';

/** extreme_ski_gear with google always on: its spend plus half its mean on every day. */
function alwaysOn(): TenantSeries {
  const s = generateTenant('extreme_ski_gear').series;
  const g = s.channels.indexOf('google');
  const mean = s.spend[g].reduce((a, b) => a + b, 0) / s.spend[g].length;
  const spend = s.spend.map((x, c) => (c === g ? x.map((v) => v + mean / 2) : x));
  return { ...s, spend };
}

/** A go-dark test of `channel` over rows [from, from + 56) claiming `claim`. */
function goDark(series: TenantSeries, channel: string, from: number, claim: number): LiftTest {
  const c = series.channels.indexOf(channel);
  let spend = 0;
  for (let t = from; t < from + 56; t++) spend += series.spend[c][t];
  return {
    channel,
    start: series.dates[from],
    end: series.dates[from + 55],
    spend_change: -spend,
    incremental_revenue: claim,
    standard_error: Math.abs(claim) * 0.05,
  };
}

describe('belowSpendLift', () => {
  let series: TenantSeries;
  let model: FinalModel;
  beforeAll(() => {
    series = alwaysOn();
    model = fitFinalModel(series, 3);
  });

  it('is part of a go-dark lift on an always-on channel, of the same sign', () => {
    const t = goDark(series, 'google', 800, -1);
    const lift = modelImpliedLift(series, model, t);
    const below = belowSpendLift(series, model, t);
    expect(lift).toBeLessThan(0);
    expect(below).toBeLessThan(0);
    expect(Math.abs(below)).toBeLessThan(Math.abs(lift));
  });

  it('is 0 for a channel with days of no spend, and for a test that raises the spend', () => {
    // meta has dark days (its 5th percentile of spend is 0): the data hold its low end.
    expect(belowSpendLift(series, model, goDark(series, 'meta', 800, -1))).toBe(0);
    const up = { ...goDark(series, 'google', 800, 1), spend_change: 50_000 };
    expect(belowSpendLift(series, model, up)).toBe(0);
  });
});

describe('the model check and the part below the usual spend', () => {
  let series: TenantSeries;
  let model: FinalModel;
  let test: LiftTest;
  let lift: number;
  beforeAll(() => {
    series = alwaysOn();
    model = fitFinalModel(series, 3);
    const probe = goDark(series, 'google', 800, -1);
    lift = modelImpliedLift(series, model, probe);
    test = goDark(series, 'google', 800, 1.3 * lift);
  });
  // A reference whose own spread is 5% of the lift; `below` the part below the usual spend.
  const reference = (below: number) => () => [
    { lift, sd: Math.hypot(0.05 * Math.abs(lift), below), ...(below !== 0 ? { below } : {}) },
  ];

  it('without such a part, a claim 1.3x the model lift is a conflict with its interval', () => {
    // The hand-made reference's statistics without the model's discrepancy (MODEL_DISCREPANCY).
    const r = calibrateFinalModel(series, model, [test], {
      modelLifts: reference(0),
      discrepancy: 0,
    });
    const google = r.report.channels.find((c) => c.channel === 'google')!;
    expect(google.conflict).toBe(true);
    expect(google.seen_check).toBeUndefined();
    expect(r.report.below_spend).toBeUndefined();
  });

  it('with most of the lift below the usual spend, the test is used and said to be unchecked', () => {
    const r = calibrateFinalModel(series, model, [test], {
      modelLifts: reference(0.8 * lift),
      discrepancy: 0,
    });
    const google = r.report.channels.find((c) => c.channel === 'google')!;
    // (0.3 lift)^2 / ((0.065 lift)^2 + (0.05 lift)^2 + (0.8 lift)^2) = 0.14: no conflict ...
    expect(google.model_check!.statistic).toBeCloseTo(0.09 / (0.065 ** 2 + 0.05 ** 2 + 0.64), 6);
    // ... but without the part below: 0.09 / (0.065^2 + 0.05^2) = 13.4, p < 0.005.
    expect(google.seen_check!.statistic).toBeCloseTo(0.09 / (0.065 ** 2 + 0.05 ** 2), 6);
    expect(google.conflict).toBe(false);
    expect(r.report.tests[0].used).toBe(true);
    expect(r.report.below_spend).toHaveLength(1);
    expect(r.report.below_spend![0]).toMatch(/^google: its lift test is far from/);
    expect(r.report.below_spend![0]).toContain('80% of the model');
    const caveats = explainBelowSpendCaveats(r.report);
    expect(caveats.map((c) => [c.code, c.channels])).toEqual([
      ['lift_test_below_spend', ['google']],
    ]);
  });
});

describe('roas_below_spend_seen of a channel whose used go-dark test measured that part', () => {
  it('says the calibration measured it, not that the figure is the curve shape alone', () => {
    const series = alwaysOn();
    const model = fitFinalModel(series, 3);
    const probe = goDark(series, 'google', 800, -1);
    const lift = modelImpliedLift(series, model, probe);
    const caveatOf = (tests: LiftTest[]) =>
      explainCalibratedFit(series, model, null, tests).explanation.caveats.find(
        (c) => c.code === 'roas_below_spend_seen' && c.channels?.[0] === 'google',
      )!;
    const plain = caveatOf([]);
    expect(plain.message).toContain(
      "its ROAS and contribution count that part from the curve's shape alone",
    );
    // A go-dark test at the model's own lift: used, and the caveat says what it measured.
    const dark = caveatOf([goDark(series, 'google', 800, lift)]);
    expect(dark.message).toContain(
      'its lift test, used, cut its spend below that level, so the calibration measured that part',
    );
    expect(dark.message).not.toContain("count that part from the curve's shape alone");
    expect(dark.message).not.toContain('with intervals, the lower ends');
    // A shallow cut (10% of the window's spend) leaves the caveat as it was.
    const shallow = goDark(series, 'google', 800, -1);
    const cut0 = { ...shallow, spend_change: 0.1 * shallow.spend_change };
    // Claiming the model's own lift for that cut, so that the test is used.
    const cut = { ...cut0, incremental_revenue: modelImpliedLift(series, model, cut0) };
    const fit = explainCalibratedFit(series, model, null, [cut]);
    expect(fit.explanation.calibration!.tests[0].used).toBe(true);
    expect(caveatOf([cut]).message).toContain("count that part from the curve's shape alone");
  });
});
