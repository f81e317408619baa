/**
 * Channels without a used lift test keep exactly their uncalibrated figures (docs/calibration.md,
 * "Channels without a test", session 48). Before: the held value was the data-only Ridge's
 * contribution (not the uncalibrated model's, whose non-negativity held a channel at 0), it was
 * held softly (0.1% of the data's SE) in total only, a test left out as a conflict still steered
 * the search and its channel was refitted freely: on extreme_ski_gear a conflicting google test
 * moved google 3.429 -> 3.182 and meta 3.879 -> 3.829; on a weekly tenant a channel held at 0
 * went to ROAS -0.307 with no test.
 */
import { describe, expect, it } from 'vitest';
import { benchLiftTest } from '../bench/calibration.js';
import { generateShape, generateTenant, shapeSpecOf } from '../src/core/data/index.js';
import { simulateLiftTest } from '../src/core/data/lift.js';
import { calibrateFinalModel } from '../src/phases/calibration.js';
import { explainCalibrated, explainFinalModel } from '../src/phases/explain.js';
import { fitFinalModel } from '../src/phases/final.js';
import type { Explanation } from '../src/phases/types.js';

/** Relative closeness of two figures (exact zeros compare exactly). */
function expectSame(a: number, b: number, what: string): void {
  if (b === 0) expect(a, what).toBe(0);
  else expect(Math.abs(a / b - 1), `${what}: ${a} vs ${b}`).toBeLessThan(1e-9);
}

/** Every figure of `channel` in `a` equal to those in `b` (ROAS, contribution, marginal, states). */
function expectChannelSame(a: Explanation, b: Explanation, channel: string): void {
  const x = a.channels.find((c) => c.channel === channel)!;
  const y = b.channels.find((c) => c.channel === channel)!;
  expectSame(x.contribution, y.contribution, `${channel} contribution`);
  expectSame(x.roas, y.roas, `${channel} ROAS`);
  expectSame(x.marginal_roas, y.marginal_roas, `${channel} marginal ROAS`);
  a.weather_states.forEach((s, i) => {
    const sx = s.channels.find((c) => c.channel === channel)!;
    const sy = b.weather_states[i].channels.find((c) => c.channel === channel)!;
    expectSame(sx.roas!, sy.roas!, `${channel} ROAS in ${s.state}`);
  });
}

const caveatCodes = (e: Explanation): string[] => e.caveats.map((c) => c.code).sort();

describe('a lift test left out as a conflict', () => {
  // The app's model (default options), one honest test on meta and a 5x claim on google
  // (LR 21: a conflict by the likelihood ratio alone, without the app's model check).
  const tenant = generateTenant('extreme_ski_gear');
  const model = fitFinalModel(tenant.series, 3, {});
  const honest = benchLiftTest(tenant, 'meta').test;
  const claim = benchLiftTest(tenant, 'google', { bias: 5, relativeSe: 0.05 }).test;

  it('changes nothing: the conflict channel keeps its uncalibrated figures, the other its calibration', () => {
    const plain = explainCalibrated(tenant.series, model, tenant, []);
    const metaOnly = explainCalibrated(tenant.series, model, tenant, [honest]);
    const both = explainCalibrated(tenant.series, model, tenant, [honest, claim]);
    const report = both.calibration!;
    // The premise: google's claim is a conflict and not used, meta's test is used.
    expect(report.tests.map((t) => [t.channel, t.used, t.conflict])).toEqual([
      ['meta', true, false],
      ['google', false, true],
    ]);
    expect(report.applied).toBe(true);
    expect(report.held_channels).toEqual(['google']);
    // google: the uncalibrated explanation's figures (was 3.429 -> 3.182 with the probe's test).
    expectChannelSame(both, plain, 'google');
    expect(both.channels[1].uncalibrated_roas).toBe(plain.channels[1].roas);
    // meta: the calibration with its own test alone (was 3.879 -> 3.829).
    expectChannelSame(both, metaOnly, 'meta');
    expect(both.channel_params).toEqual(metaOnly.channel_params);
    expect(both.channel_params!.google).toEqual(model.channelParams!.google);
    // google's test: its lift under the calibrated model is the uncalibrated one (held).
    const g = report.tests[1];
    expectSame(g.calibrated_lift, g.uncalibrated_lift, 'google test lift');
    // The same caveats, with the left-out test read first (session 53: it was a note).
    expect(caveatCodes(both)).toEqual(['lift_test_conflict', ...caveatCodes(metaOnly)]);
  }, 240_000);

  it('alone: the explanation is the uncalibrated one', () => {
    const plain = explainFinalModel(tenant.series, model, tenant);
    const e = explainCalibrated(tenant.series, model, tenant, [claim]);
    expect(e.calibration!.applied).toBe(false);
    expect(e.calibration!.tests[0].used).toBe(false);
    for (const c of tenant.series.channels) expectChannelSame(e, plain, c);
  }, 240_000);
});

/** A weekly tenant of 4 channels whose spend correlates at 0.9: the model holds some at 0. */
function correlatedWeekly() {
  return generateShape(
    shapeSpecOf('an_s203_0', 203, { frequency: 'weekly', years: 3, channels: 4, correlation: 0.9 }),
    { seed: 203 },
  );
}

/** The date `days` after an ISO date. */
function plusDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe('a channel held at 0 without a lift test', () => {
  const t = correlatedWeekly();
  const model = fitFinalModel(t.series, 3, {});
  const atZero = model.heldAtZero ?? [];
  const testedChannel = t.series.channels.find((c) => !atZero.includes(c))!;
  const dates = t.series.dates;
  // An 8-week go-dark test on a channel the model does not hold at 0 (whole weeks).
  const test = simulateLiftTest(t, {
    channel: testedChannel,
    start: dates[100],
    end: plusDays(dates[107], 6),
    spendFactor: -1,
    relativeSe: 0.1,
  }).test;

  it('stays at exactly 0 with its caveat, and every untested channel keeps its figures', () => {
    expect(atZero.length).toBeGreaterThan(0);
    const plain = explainFinalModel(t.series, model, t);
    const { report } = calibrateFinalModel(t.series, model, [test]);
    expect(report.applied).toBe(true);
    const e = explainCalibrated(t.series, model, t, [test]);
    expect(e.calibration!.held_channels).toEqual(
      t.series.channels.filter((c) => c !== testedChannel),
    );
    for (const c of t.series.channels.filter((x) => x !== testedChannel)) {
      expectChannelSame(e, plain, c);
      const ch = e.channels.find((x) => x.channel === c)!;
      const before = plain.channels.find((x) => x.channel === c)!;
      expect(ch.uncalibrated_roas).toBe(before.roas);
    }
    for (const c of atZero) {
      const ch = e.channels.find((x) => x.channel === c)!;
      // exactly 0, as the uncalibrated explanation reports it, not -2.6e-15
      expect(Object.is(ch.contribution, 0) && Object.is(ch.roas, 0)).toBe(true);
      expect(Object.is(ch.uncalibrated_roas, 0)).toBe(true);
    }
    const caveat = e.caveats.find((c) => c.code === 'media_effect_held_at_zero');
    expect(caveat?.message).toContain(atZero.join(', '));
    expect(caveat).toEqual(plain.caveats.find((c) => c.code === 'media_effect_held_at_zero'));
  }, 240_000);
});

describe('a lift test on a channel of constant spend', () => {
  it('calibrates its level, not its shape: the data never trace its curve', () => {
    // extreme_ski_gear with google at its mean every day: a go-dark test on it can be matched by
    // a steeper curve as well as by a larger coefficient, and the search took the curve (a probe's
    // radio: ROAS 18.98 against the test's 3 per unit in its window and 8.91 uncalibrated).
    const tenant = generateTenant('extreme_ski_gear');
    const g = tenant.series.channels.indexOf('google');
    const mean = tenant.series.spend[g].reduce((a, b) => a + b, 0) / tenant.series.target.length;
    const series = {
      ...tenant.series,
      spend: tenant.series.spend.map((x, c) =>
        c === g ? new Float64Array(x.length).fill(mean) : x,
      ),
    };
    const model = fitFinalModel(series, 3, {});
    const days = 28;
    const start = series.dates[series.dates.length - 200];
    const end = series.dates[series.dates.length - 200 + days - 1];
    const test = {
      channel: 'google',
      start,
      end,
      spend_change: -mean * days,
      incremental_revenue: -2 * mean * days,
      standard_error: 0.1 * 2 * mean * days,
    };
    const cal = calibrateFinalModel(series, model, [test]);
    expect(cal.report.tests[0].used).toBe(true);
    // The shape is the uncalibrated model's; the level follows the test.
    expect(cal.model.channelParams!.google).toEqual(model.channelParams!.google);
    expect(Math.abs(cal.report.tests[0].calibrated_lift - test.incremental_revenue)).toBeLessThan(
      2 * test.standard_error,
    );
  });
});
