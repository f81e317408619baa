/**
 * How much of a calibrated move is the tests' (calibration.ts CalibrationResult.refit, explain.ts
 * calibration_mostly_refit): the calibration refits the tested channels' curves on all rows, and
 * the uncalibrated curves are the median of searches on nested windows, so a calibrated ROAS
 * moves by that refit as well as by the experiment. Probe s63: a test of standard error 39x its
 * lift moved a ROAS 1.55 -> 1.92 and "calibrated" credited the experiment with it.
 */
import { describe, expect, it } from 'vitest';
import { benchLiftTest } from '../bench/calibration.js';
import { generateTenant } from '../src/core/data/index.js';
import type { LiftTest } from '../src/core/lift.js';
import { calibrateFinalModel } from '../src/phases/calibration.js';
import { explainCalibrated, REFIT_MOVE } from '../src/phases/explain.js';
import { fitFinalModel } from '../src/phases/final.js';

/**
 * The pooled search's curves (final.ts profileCurves off): the caveat's case. The default daily
 * model's curves are the profile fit on all rows, the calibration refit's own criterion, so a
 * test without information moves nothing there (below).
 */
const GEOMETRIC = { lags: [], profileCurves: false } as const;

describe('the refit without the tests (extreme_heating)', () => {
  const tenant = generateTenant('extreme_heating');
  const { series } = tenant;
  const model = fitFinalModel(series, 3, GEOMETRIC);
  const honest = benchLiftTest(tenant, 'meta').test;
  // The same window and spend change, an error 1e6 times the lift: no information about meta.
  const vague: LiftTest = { ...honest, standard_error: 1e6 * Math.abs(honest.incremental_revenue) };

  it('is the calibration of a test without information (an independent route to the same search)', () => {
    const withRefit = calibrateFinalModel(series, model, [honest], { refit: true });
    const uninformed = calibrateFinalModel(series, model, [vague]);
    expect(withRefit.refit).not.toBeNull();
    expect(withRefit.refit!.channelParams!.meta).toEqual(uninformed.model.channelParams!.meta);
    expect(withRefit.report.channels[0].refit_params).toEqual(uninformed.model.channelParams!.meta);
    // Not fitted unless asked (the planner's calibrations do not pay for it).
    expect(calibrateFinalModel(series, model, [honest]).refit).toBeNull();
  }, 120_000);

  it('a test without information: ROAS moves, all of it the refit, and the caveat says so', () => {
    const e = explainCalibrated(series, model, tenant, [vague]);
    const meta = e.channels.find((c) => c.channel === 'meta')!;
    expect(Math.abs(meta.roas / meta.uncalibrated_roas! - 1)).toBeGreaterThan(REFIT_MOVE);
    expect(Math.abs(meta.refit_roas! / meta.roas - 1)).toBeLessThan(1e-6);
    const caveat = e.caveats.find((c) => c.code === 'calibration_mostly_refit');
    expect(caveat?.channels).toEqual(['meta']);
    expect(caveat!.message).toContain(`${meta.refit_roas!.toFixed(2)} -> ${meta.roas.toFixed(2)}`);
    // An untested channel has no refit figure.
    expect(e.channels.find((c) => c.channel === 'google')!.refit_roas).toBeUndefined();
  }, 120_000);

  it('the default model (curves by profile least squares): a test without information moves nothing', () => {
    const profile = fitFinalModel(series, 3, { lags: [] });
    expect(profile.curveFit).toBe('profile');
    const e = explainCalibrated(series, profile, tenant, [vague]);
    const meta = e.channels.find((c) => c.channel === 'meta')!;
    expect(Math.abs(meta.roas / meta.uncalibrated_roas! - 1)).toBeLessThan(REFIT_MOVE);
    expect(e.caveats.some((c) => c.code === 'calibration_mostly_refit')).toBe(false);
  }, 120_000);
});

describe('an honest test that moves the figure itself (high_umbrella_rain google)', () => {
  const tenant = generateTenant('high_umbrella_rain');
  const model = fitFinalModel(tenant.series, 3, GEOMETRIC);

  it('has its refit figure and no caveat: the test moved most of it', () => {
    const { test } = benchLiftTest(tenant, 'google');
    const e = explainCalibrated(tenant.series, model, tenant, [test]);
    const google = e.channels.find((c) => c.channel === 'google')!;
    const move = google.roas - google.uncalibrated_roas!;
    expect(Math.abs(move)).toBeGreaterThan(REFIT_MOVE * google.uncalibrated_roas!);
    expect(Math.abs(google.roas - google.refit_roas!)).toBeGreaterThan(0.5 * Math.abs(move));
    expect(e.caveats.some((c) => c.code === 'calibration_mostly_refit')).toBe(false);
  }, 120_000);
});

describe('the calibration search (none_office_supplies, meta tested)', () => {
  it("keeps every channel's Hill k within its largest adstocked spend, as the phase-3 search", () => {
    const tenant = generateTenant('none_office_supplies');
    const { series } = tenant;
    const model = fitFinalModel(series, 3, {});
    const tests = series.channels.map((c) => benchLiftTest(tenant, c).test);
    const { model: cal, report } = calibrateFinalModel(series, model, tests, { refit: true });
    expect(report.applied).toBe(true);
    for (const [c, p] of Object.entries(cal.channelParams!)) {
      // The largest adstocked spend, computed here from the spend (adstock a_t = x_t + d a_{t-1}).
      const x = series.spend[series.channels.indexOf(c)];
      let a = 0;
      let max = 0;
      for (const v of x) {
        a = v + p.decay * a;
        max = Math.max(max, a);
      }
      expect(p.k, c).toBeLessThanOrEqual(max * (1 + 1e-12));
    }
  }, 120_000);
});
