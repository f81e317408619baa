/**
 * Lift-test calibration against the generator's truth on two tenants whose phase-3 ROAS is far
 * off today (docs/calibration.md; the full table: node dist/bench/calibration.js).
 */
import { describe, expect, it } from 'vitest';
import { benchLiftTest, MAX_WORSENING, TARGET_BELOW } from '../bench/calibration.js';
import { generateTenant } from '../src/core/data/index.js';
import { liftSpend, liftWindow, withChannelSpend } from '../src/core/lift.js';
import {
  calibrateFinalModel,
  MODEL_DISCREPANCY,
  REPLICATE_CANDIDATES,
  spanningCandidates,
  testShiftCalibration,
} from '../src/phases/calibration.js';
import { explainCalibrated, explainCalibratedFit } from '../src/phases/explain.js';
import chisqCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import {
  addIntervals,
  CALIBRATED_WINDOW_WIDTH_SCALE,
  calibratedWindowFigures,
  modelLiftSpread,
  testShiftFigures,
  windowFigures,
} from '../src/phases/intervals.js';
import { fitFinalModel, predictFinal } from '../src/phases/final.js';

/**
 * These scenarios need channels far from the truth before calibration: the all-rows model without
 * the delayed carry-over it decides on all rows since it follows the fold models' rules (that
 * brought extreme_heating google from 65% to 16% error and extreme_ski_gear meta from 26% to 22%),
 * and with the pooled search's curves instead of the profile fit on all rows (final.ts
 * profileCurves; that brought extreme_heating meta from 48% to 21% and google from 65% to 17%).
 */
const GEOMETRIC = { lags: [], profileCurves: false } as const;

describe.each([
  // tenant, channels above 25% error (geometric all-rows model)
  ['extreme_heating', ['meta', 'google']],
  ['high_umbrella_rain', ['meta']],
])('calibration on %s', (id, selected) => {
  const tenant = generateTenant(id);
  const model = fitFinalModel(tenant.series, 3, GEOMETRIC);
  const tests = tenant.series.channels.map((c) => benchLiftTest(tenant, c).test);

  it('brings the badly identified channels below 15% and worsens no other by 5 points', () => {
    const before = explainCalibrated(tenant.series, model, tenant, []);
    const after = explainCalibrated(tenant.series, model, tenant, tests);
    expect(after.calibration!.applied).toBe(true);
    for (const ch of after.channels) {
      const b = before.channels.find((x) => x.channel === ch.channel)!;
      expect(ch.uncalibrated_roas).toBeCloseTo(b.roas, 9);
      if (selected.includes(ch.channel)) {
        expect(Math.abs(b.roas_error!), `${ch.channel} before`).toBeGreaterThan(0.25);
        expect(Math.abs(ch.roas_error!), `${ch.channel} after`).toBeLessThan(TARGET_BELOW);
      } else {
        expect(Math.abs(ch.roas_error!) - Math.abs(b.roas_error!)).toBeLessThan(MAX_WORSENING);
      }
    }
    expect(after.calibration!.conflicts).toEqual([]);
  }, 240_000);

  it("reports the calibrated lift the model's own predictions give (independent path)", () => {
    const { model: cal, report } = calibrateFinalModel(tenant.series, model, tests);
    const base = predictFinal(cal, tenant.series);
    tests.forEach((t, i) => {
      const w = liftWindow(tenant.series, t);
      const changed = withChannelSpend(tenant.series, t.channel, liftSpend(tenant.series, t, w));
      const alt = predictFinal(cal, changed);
      let lift = 0;
      for (let r = w.from; r < w.to; r++) lift += alt[r] - base[r];
      expect(Math.abs(report.tests[i].calibrated_lift - lift)).toBeLessThan(1e-6 * Math.abs(lift));
      // and the calibrated model is closer to the measured lift than the uncalibrated one
      expect(Math.abs(lift - t.incremental_revenue)).toBeLessThan(
        Math.abs(report.tests[i].uncalibrated_lift - t.incremental_revenue),
      );
    });
  }, 240_000);
});

describe('calibration on extreme_ski_gear', () => {
  // Before the LR profiled the coefficients and charged each channel only its own tests, the
  // honest meta test (truth -791k, model -1159k) was flagged as a conflict (p 0.009) and unused.
  it('uses the honest meta test (no conflict) and brings meta below 15%', () => {
    const tenant = generateTenant('extreme_ski_gear');
    const model = fitFinalModel(tenant.series, 3, GEOMETRIC);
    const tests = tenant.series.channels.map((c) => benchLiftTest(tenant, c).test);
    const e = explainCalibrated(tenant.series, model, tenant, tests);
    expect(e.calibration!.conflicts).toEqual([]);
    const meta = e.channels.find((c) => c.channel === 'meta')!;
    expect(Math.abs(meta.uncalibrated_roas_error!)).toBeGreaterThan(0.25);
    expect(Math.abs(meta.roas_error!)).toBeLessThan(TARGET_BELOW);
    // one channel's LR does not carry the other's calibration: google alone vs both
    const google = calibrateFinalModel(tenant.series, model, [tests[1]]).report.channels[0];
    const both = e.calibration!.channels.find((c) => c.channel === 'google')!;
    expect(Math.abs(both.lr - google.lr)).toBeLessThan(1);
  }, 240_000);
});

describe('a channel without a lift test', () => {
  // Before its contribution was held, calibrating meta alone moved google (no test) from -0.6%
  // to -10.2% through the shared terms of the refit (docs/calibration.md).
  it('keeps its uncalibrated ROAS when another channel is calibrated (extreme_ski_gear)', () => {
    const tenant = generateTenant('extreme_ski_gear');
    const model = fitFinalModel(tenant.series, 3, GEOMETRIC);
    const plain = explainCalibrated(tenant.series, model, tenant, []);
    const fit = explainCalibratedFit(tenant.series, model, tenant, [
      benchLiftTest(tenant, 'meta').test,
    ]);
    const e = fit.explanation;
    expect(e.calibration!.applied).toBe(true);
    expect(e.calibration!.held_channels).toEqual(['google']);
    const meta = e.channels.find((c) => c.channel === 'meta')!;
    expect(Math.abs(meta.uncalibrated_roas_error!)).toBeGreaterThan(0.25);
    expect(Math.abs(meta.roas_error!)).toBeLessThan(TARGET_BELOW);
    const google = e.channels.find((c) => c.channel === 'google')!;
    const before = plain.channels.find((c) => c.channel === 'google')!;
    // held: its ROAS within 0.5% of the uncalibrated model's (computed without any test)
    expect(Math.abs(google.roas / before.roas - 1)).toBeLessThan(0.005);
    expect(Math.abs(google.roas_error!) - Math.abs(before.roas_error!)).toBeLessThan(MAX_WORSENING);
    // google's shape is that of the uncalibrated model
    expect(fit.model.channelParams!.google).toEqual(model.channelParams!.google);
  }, 240_000);
});

describe('intervals of a calibrated model', () => {
  it('come from the calibrated bootstrap and hold the true ROAS on extreme_heating', () => {
    const tenant = generateTenant('extreme_heating');
    const model = fitFinalModel(tenant.series, 3, GEOMETRIC);
    const tests = tenant.series.channels.map((c) => benchLiftTest(tenant, c).test);
    const fit = explainCalibratedFit(tenant.series, model, tenant, tests);
    expect(fit.replicate).not.toBeNull();
    const e = addIntervals(fit.explanation, tenant.series, fit.model, {
      calibration: fit.replicate,
      replicates: 30,
    });
    expect(e.uncertainty!.method).toMatch(/calibrated model/);
    for (const ch of e.channels) {
      const iv = ch.intervals!.roas;
      expect(iv.p80[0]).toBeLessThanOrEqual(ch.roas);
      expect(iv.p80[1]).toBeGreaterThanOrEqual(ch.roas);
      // the uncalibrated ROAS is 48-66% off on this tenant; the calibrated 95% interval holds the truth
      expect(iv.p95[0], ch.channel).toBeLessThanOrEqual(ch.truth!.roas);
      expect(iv.p95[1], ch.channel).toBeGreaterThanOrEqual(ch.truth!.roas);
      expect(ch.uncalibrated_roas!).toBeLessThan(iv.p95[0]);
    }
  }, 240_000);
});

describe("the test term of a calibrated model's intervals", () => {
  it('a test moved by one SE moves the calibrated lift toward it by at most one SE; the interval carries the ROAS move', () => {
    const tenant = generateTenant('extreme_heating');
    const model = fitFinalModel(tenant.series, 3, { profileCurves: false });
    const tests = tenant.series.channels.map((c) => benchLiftTest(tenant, c).test);
    const fit = explainCalibratedFit(tenant.series, model, tenant, tests);
    const rep = fit.replicate!;
    // independent path: the lift a model implies for test t, from its own predictions
    const impliedLift = (m: typeof model, t: (typeof tests)[number]): number => {
      const w = liftWindow(tenant.series, t);
      const changed = withChannelSpend(tenant.series, t.channel, liftSpend(tenant.series, t, w));
      const alt = predictFinal(m, changed);
      const base = predictFinal(m, tenant.series);
      let lift = 0;
      for (let r = w.from; r < w.to; r++) lift += alt[r] - base[r];
      return lift;
    };
    const shifts = testShiftFigures(tenant.series, fit.model, rep);
    expect(shifts.length).toBe(2 * rep.tests.length);
    rep.tests.forEach((t, i) => {
      const at = impliedLift(fit.model, t);
      [-1, 1].forEach((dir) => {
        const moved = rep.tests.map((u, k) =>
          k === i
            ? { ...u, incremental_revenue: u.incremental_revenue + dir * u.standard_error }
            : u,
        );
        const m = testShiftCalibration(tenant.series, fit.model, rep, moved);
        // Gaussian posterior: the calibrated lift follows a move of the measurement by a share in
        // [0, 1] of it (the test's weight against the data's), never away from it
        const follow = (dir * (impliedLift(m, t) - at)) / t.standard_error;
        expect(follow, `${t.channel} ${dir}`).toBeGreaterThan(0);
        expect(follow, `${t.channel} ${dir}`).toBeLessThan(1.05);
      });
    });
    const e = addIntervals(fit.explanation, tenant.series, fit.model, {
      calibration: rep,
      replicates: 10,
    });
    expect(e.uncertainty!.test_shifts).toBe(2 * rep.tests.length);
    expect(e.uncertainty!.width_scale.tests).toBe(1);
    e.channels.forEach((ch, c) => {
      // figureVector order: contribution, ROAS, marginal ROAS per channel
      const values = shifts.map((v) => v[3 * c + 1]);
      const down = Math.max(0, ...values.map((v) => ch.roas - v));
      const up = Math.max(0, ...values.map((v) => v - ch.roas));
      const iv = ch.intervals!.roas;
      expect(ch.roas - iv.p80[0]).toBeGreaterThanOrEqual(1.2815 * down - 1e-9);
      expect(iv.p80[1] - ch.roas).toBeGreaterThanOrEqual(1.2815 * up - 1e-9);
      expect(ch.roas - iv.p95[0]).toBeGreaterThanOrEqual(1.95996 * down - 1e-9);
      expect(iv.p95[1] - ch.roas).toBeGreaterThanOrEqual(1.95996 * up - 1e-9);
    });
  }, 240_000);
});

describe('window refits of a calibrated model', () => {
  it("give a channel without a test the uncalibrated window refits' figures (extreme_ski_gear)", () => {
    const tenant = generateTenant('extreme_ski_gear');
    const model = fitFinalModel(tenant.series, 3, {});
    const fit = explainCalibratedFit(tenant.series, model, tenant, [
      benchLiftTest(tenant, 'meta').test,
    ]);
    const calibrated = calibratedWindowFigures(tenant.series, fit.model, fit.replicate!);
    // independent path: the uncalibrated model refitted with each search run's shapes
    const plain = windowFigures(tenant.series, model);
    expect(calibrated.length).toBe(6);
    expect(plain.length).toBe(6);
    // figureVector order: contribution, ROAS, marginal ROAS per channel; google is the second
    calibrated.forEach((w, k) => {
      expect(Math.abs(w[4] / plain[k][4] - 1), `run ${k}`).toBeLessThan(0.01);
    });
    const e = addIntervals(fit.explanation, tenant.series, fit.model, {
      calibration: fit.replicate,
      replicates: 10,
    });
    expect(e.uncertainty!.window_refits).toBe(6);
    expect(e.uncertainty!.width_scale.window).toBe(CALIBRATED_WINDOW_WIDTH_SCALE.window);
  }, 240_000);
});

describe('a biased lift test', () => {
  it('is reported as in conflict with the data and not obeyed', () => {
    const tenant = generateTenant('high_umbrella_rain');
    const model = fitFinalModel(tenant.series, 3, {});
    const bad = benchLiftTest(tenant, 'meta', { bias: 2, relativeSe: 0.05 });
    const e = explainCalibrated(tenant.series, model, tenant, [bad.test]);
    const report = e.calibration!;
    expect(report.channels[0].conflict).toBe(true);
    expect(report.channels[0].p_value).toBeLessThan(report.conflict_level);
    expect(report.tests[0].used).toBe(false);
    expect(report.applied).toBe(false);
    // Read first: a caveat (it was the first note).
    expect(e.caveats[0].code).toBe('lift_test_conflict');
    expect(e.caveats[0].message).toMatch(
      /^lift tests in conflict, not used by this explanation \(meta: its lift test conflicts with the data/,
    );
    // not obeyed: the figures stay those of the uncalibrated model
    const plain = explainCalibrated(tenant.series, model, tenant, []);
    expect(e.channels.map((c) => c.roas)).toEqual(plain.channels.map((c) => c.roas));
    // with onConflict 'apply' the same test would move meta's ROAS far above the truth
    const forced = calibrateFinalModel(tenant.series, model, [bad.test], { onConflict: 'apply' });
    expect(forced.report.applied).toBe(true);
  }, 240_000);
});

describe('the model check of a lift test (medium_beauty meta)', () => {
  // The data's likelihood centres meta's February-March lift at 1.22x the truth, so the LR cannot
  // tell a 2x claim from the truth (LR 4.8, p 0.029: obeyed before the model check, ROAS 2.0x the
  // truth); the uncalibrated model's own interval for the window's lift excludes it.
  const tenant = generateTenant('medium_beauty');
  const model = fitFinalModel(tenant.series, 3, {});
  const check = { modelLifts: modelLiftSpread(tenant.series, model) };

  it('reports a 2x claim the likelihood ratio alone would obey as a conflict, and does not obey it', () => {
    const bad = benchLiftTest(tenant, 'meta', { bias: 2, relativeSe: 0.05 });
    const { report, model: out } = calibrateFinalModel(tenant.series, model, [bad.test], check);
    const ch = report.channels[0];
    expect(ch.p_value).toBeGreaterThan(report.conflict_level); // the LR alone: no conflict
    // each of the two tests at half the level (Bonferroni)
    expect(ch.model_check!.p_value).toBeLessThan(report.conflict_level / 2);
    expect(ch.conflict).toBe(true);
    expect(report.tests[0].used).toBe(false);
    expect(out).toBe(model);
    expect(report.conflicts[0]).toMatch(/conflicts with the uncalibrated model's own interval/);
    // The statistic by hand from the reported reference, whose lift is the model's own
    // prediction difference over the window (computed here independently).
    const ref = report.tests[0].model_lift!;
    const w = liftWindow(tenant.series, bad.test);
    const base = predictFinal(model, tenant.series);
    const moved = predictFinal(
      model,
      withChannelSpend(tenant.series, 'meta', liftSpend(tenant.series, bad.test, w)),
    );
    let lift = 0;
    for (let r = w.from; r < w.to; r++) lift += moved[r] - base[r];
    expect(Math.abs(ref.lift - lift)).toBeLessThan(1e-9 * Math.abs(lift));
    // With the model's discrepancy in the variance: (MODEL_DISCREPANCY x the model's lift)².
    const z =
      (bad.test.incremental_revenue - lift) ** 2 /
      (bad.test.standard_error ** 2 + ref.sd ** 2 + (MODEL_DISCREPANCY * lift) ** 2);
    expect(ch.model_check!.statistic).toBeCloseTo(z, 6);
    expect(ch.model_check!.p_value).toBeCloseTo(1 - chisqCdf(z, 1), 9);
  }, 240_000);

  it('uses the honest tests of both channels (no conflict)', () => {
    const tests = tenant.series.channels.map((c) => benchLiftTest(tenant, c).test);
    const { report } = calibrateFinalModel(tenant.series, model, tests, check);
    expect(report.conflicts).toEqual([]);
    for (const c of report.channels) expect(c.model_check!.p_value).toBeGreaterThan(0.01);
    expect(report.applied).toBe(true);
  }, 240_000);
});

describe('replicate candidates of a calibrated channel', () => {
  const shape = (decay: number) => ({ decay, k_mult: 1, k: 100, s: 1 });
  const keyOf = (p: { decay: number }) => String(p.decay);
  it('the calibrated shape first, then shapes at evenly spaced ranks of contribution, both ends', () => {
    // 31 distinct region shapes with contributions 0..30 (in a scrambled order), plus a duplicate
    // of the calibrated shape that must be skipped.
    const order = Array.from({ length: 31 }, (_, i) => (i * 17) % 31);
    const region = [
      { params: shape(0.5), contribution: 99 },
      ...order.map((c) => ({ params: shape(c / 100), contribution: c })),
    ];
    const out = spanningCandidates(shape(0.5), region, keyOf);
    expect(REPLICATE_CANDIDATES).toBe(16);
    expect(out.length).toBe(16);
    expect(out[0].decay).toBe(0.5);
    // 15 slots over ranks 0..30: round(i * 30 / 14), i = 0..14.
    expect(out.slice(1).map((p) => Math.round(p.decay * 100))).toEqual([
      0, 2, 4, 6, 9, 11, 13, 15, 17, 19, 21, 24, 26, 28, 30,
    ]);
  });
  it('fewer region shapes than slots: all of them, lowest contribution first', () => {
    const region = [3, 1, 2].map((c) => ({ params: shape(c / 100), contribution: c }));
    const out = spanningCandidates(shape(0.5), region, keyOf);
    expect(out.map((p) => p.decay)).toEqual([0.5, 0.01, 0.02, 0.03]);
  });
});
