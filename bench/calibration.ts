/**
 * Lift-test calibration measured against the ground truth (issue 15, item 6).
 *
 * 1. Fits the phase-3 all-rows model of each built-in tenant (what `explain` uses) and measures
 *    each channel's ROAS error against the truth, uncalibrated.
 * 2. On the tenants with a channel whose |error| is above 25%, simulates one go-dark lift test
 *    per channel from the ground truth (8 weeks; meta from row n-330, google from row n-150, so
 *    the two tests sit in different seasons of the last year; measured lift = true lift + N(0,
 *    (10% of it)^2)), calibrates, and measures the errors again.
 * 2b. On the same tenants, tests on the channels above 25% only: the other channels are untested
 *    (calibration holds their contribution), and their errors must not grow by more than 5 points.
 * 3. On the same tenants, a deliberately biased test (2x the true lift, SE 5% of the truth) on
 *    the channel with the largest uncalibrated error must be reported as in conflict.
 *
 * Run alone: `npm run build && node dist/bench/calibration.js [--tenants a,b] [--heldout S]`
 * (--heldout S: the generated tenants gen_sS_0..19 instead of the built-in 20), or as part of
 * `npm run bench -- --calibration`. Diagnostics: `--power tenant:channel,...` (conflictPower),
 * `--noise-seeds tenant 0,1,2` (noiseSeedErrors), `--own-lift tenant:channel,...` (ownLiftErrors),
 * `--windows tenant:channel` (windowLiftRatios); tenants by id, gen_sS_i for generated ones.
 * `--conflict-rates [--heldout S]` (conflictRates): false alarms of the conflict test on honest
 * tests and its power on biased ones, on every channel of every tenant of the set.
 * The calibrations of steps 2-3 get the model check's reference (modelLiftSpread), as the app's.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { BUILTIN_TENANT_IDS, generateTenant, simulateLiftTest } from '../src/core/data/index.js';
import type { LiftTest } from '../src/core/lift.js';
import type { SyntheticTenant } from '../src/core/types.js';
import {
  calibrateFinalModel,
  CONFLICT_LEVEL,
  recalibrateReplicate,
  testShiftCalibration,
  type CalibrationOptions,
  type CalibrationReport,
} from '../src/phases/calibration.js';
import {
  explainCalibrated,
  explainCalibratedFit,
  explainFinalModel,
} from '../src/phases/explain.js';
import {
  completeCalibratedIntervals,
  addIntervalsFromFigures,
  uncalibratedExplanation,
  bootstrapFigures,
  modelLiftSpread,
} from '../src/phases/intervals.js';
import { fitFinalModel, type FinalModel } from '../src/phases/final.js';
import type { Explanation } from '../src/phases/types.js';
import { generatedTenants, tenantById, type FigureRecord } from './intervals.js';

/** Channels above this |ROAS error| get calibrated (the issue's 25%). */
export const SELECT_ABOVE = 0.25;
/** Target after calibration, and the most another channel may worsen (points). */
export const TARGET_BELOW = 0.15;
export const MAX_WORSENING = 0.05;
export const TEST_DAYS = 56;
export const RELATIVE_SE = 0.1;
export const BIASED_SE = 0.05;
/** First row of each channel's test window, counted back from the end of the data. */
export const WINDOW_START_FROM_END: Readonly<Record<string, number>> = { meta: 330, google: 150 };

export interface CalibrationRow {
  tenant: string;
  channel: string;
  true_roas: number;
  uncalibrated_roas: number;
  calibrated_roas: number;
  uncalibrated_error: number;
  calibrated_error: number;
  /** True when this channel's |uncalibrated error| was above SELECT_ABOVE. */
  selected: boolean;
  true_lift: number;
  measured_lift: number;
  lr: number;
  p_value: number;
  /** The model check's statistic and p-value (calibration.ts); null without one. */
  model_z: number | null;
  model_p: number | null;
  conflict: boolean;
  /** 80% and 95% intervals of the calibrated ROAS (null when not computed). */
  p80: [number, number] | null;
  p95: [number, number] | null;
}

export interface SelectedOnlyRow {
  tenant: string;
  channel: string;
  /** True when the channel was tested (its |uncalibrated error| was above SELECT_ABOVE). */
  tested: boolean;
  uncalibrated_error: number;
  calibrated_error: number;
  /** LR and conflict of the channel's test; null for an untested channel. */
  lr: number | null;
  conflict: boolean | null;
  true_roas: number;
  /** 80% and 95% intervals of the calibrated ROAS (null when not computed). */
  p80: [number, number] | null;
  p95: [number, number] | null;
}

export interface BiasedRow {
  tenant: string;
  channel: string;
  true_lift: number;
  claimed_lift: number;
  standard_error: number;
  lr: number;
  p_value: number;
  model_z: number | null;
  model_p: number | null;
  conflict: boolean;
  /** The uncalibrated model's lift of the window and its interval's SD (model check). */
  model_lift: number;
  model_lift_sd: number | null;
  /** Calibrated ROAS over the true ROAS were the test applied anyway (onConflict 'apply'). */
  applied_roas_over_truth: number;
}

export interface CalibrationBenchReport {
  tenants_measured: number;
  tenants_calibrated: string[];
  uncalibrated: {
    tenant: string;
    channel: string;
    true_roas: number;
    roas: number;
    error: number;
  }[];
  rows: CalibrationRow[];
  /**
   * The same tenants with tests on the selected channels only (the channels above SELECT_ABOVE);
   * the other channels are untested, and their errors must not grow by more than MAX_WORSENING.
   */
  selected_only: {
    rows: SelectedOnlyRow[];
    selected_below_target: number;
    max_other_worsening: number;
    others_within_limit: boolean;
    /** Share of these channels whose calibrated 80% / 95% ROAS interval holds the truth. */
    coverage80: number | null;
    coverage95: number | null;
    /** The same for the tested channels' ROAS by weather state (StateCoverage). */
    state_coverage: StateCoverage;
  };
  biased: BiasedRow[];
  summary: {
    selected_channels: number;
    selected_below_target: number;
    /** Largest increase of |error| among the other channels of the calibrated tenants (points). */
    max_other_worsening: number;
    others_within_limit: boolean;
    biased_flagged: number;
    /** Median seconds of one calibration (two tests) per tenant. */
    median_calibration_s: number;
    /** Share of calibrated-tenant channels whose calibrated 80% / 95% ROAS interval holds the truth. */
    coverage80: number | null;
    coverage95: number | null;
    /** The calibrated channels' ROAS by weather state against the truth (StateCoverage). */
    state_coverage: StateCoverage;
    /** Median and max CPU seconds of the calibrated model's intervals per tenant. */
    median_interval_cpu_s: number;
    max_interval_cpu_s: number;
  };
}

/**
 * Weather-state ROAS of the channels with a used test (not in conflict) against the generator's
 * truth: how many figures, and the share whose calibrated 80% / 95% interval holds it.
 */
export interface StateCoverage {
  figures: number;
  coverage80: number | null;
  coverage95: number | null;
}

/** StateCoverage of the tested channels of an explanation with intervals, added to `into`. */
function stateHits(e: Explanation, into: { p80: boolean; p95: boolean }[]): void {
  const used = new Set((e.calibration?.tests ?? []).filter((t) => t.used).map((t) => t.channel));
  for (const s of e.weather_states)
    for (const c of s.channels) {
      if (!used.has(c.channel) || c.true_roas === null || !c.intervals) continue;
      const t = c.true_roas;
      const within = (iv: [number, number]): boolean => iv[0] <= t && t <= iv[1];
      into.push({ p80: within(c.intervals.roas.p80), p95: within(c.intervals.roas.p95) });
    }
}

/** ", and the tested channels' ROAS by weather state on 80% / 95% of n" (nothing without any). */
function stateText(c: StateCoverage): string {
  return c.coverage80 === null
    ? ''
    : `, and the tested channels' ROAS by weather state on ${(100 * c.coverage80).toFixed(0)}% / ${(100 * c.coverage95!).toFixed(0)}% of ${c.figures}`;
}

function stateCoverage(hits: readonly { p80: boolean; p95: boolean }[]): StateCoverage {
  const share = (k: 'p80' | 'p95'): number | null =>
    hits.length === 0 ? null : hits.filter((h) => h[k]).length / hits.length;
  return { figures: hits.length, coverage80: share('p80'), coverage95: share('p95') };
}

/** The simulated test of one channel (go-dark over TEST_DAYS from its start row). */
export function benchLiftTest(
  tenant: SyntheticTenant,
  channel: string,
  options: { bias?: number; relativeSe?: number } = {},
): { test: LiftTest; true_lift: number } {
  const dates = tenant.series.dates;
  const from = dates.length - (WINDOW_START_FROM_END[channel] ?? 330);
  return simulateLiftTest(tenant, {
    channel,
    start: dates[from],
    end: dates[from + TEST_DAYS - 1],
    spendFactor: -1,
    relativeSe: options.relativeSe ?? RELATIVE_SE,
    bias: options.bias,
  });
}

/** Measured over uncalibrated-model lift of a channel's used tests; null without one. */
function liftRatio(report: CalibrationReport | null | undefined, channel: string): number | null {
  const used = (report?.tests ?? []).filter((t) => t.used && t.channel === channel);
  if (used.length === 0) return null;
  const sum = (f: (t: (typeof used)[number]) => number) => used.reduce((a, t) => a + f(t), 0);
  return sum((t) => t.incremental_revenue) / sum((t) => t.uncalibrated_lift);
}

const median = (xs: number[]): number => {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length === 0 ? NaN : a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};

export function runCalibrationBench(
  tenantIds: readonly string[] = BUILTIN_TENANT_IDS,
  log: (line: string) => void = () => {},
  options: {
    intervals?: boolean;
    tenants?: readonly SyntheticTenant[];
    /** Collects each calibrated channel's ROAS point, truth and bootstrap values. */
    records?: FigureRecord[];
    /** The same for the calibration with tests on the selected channels only. */
    selectedOnlyRecords?: FigureRecord[];
  } = {},
): CalibrationBenchReport {
  const given = new Map((options.tenants ?? []).map((t) => [t.info.tenant, t]));
  const intervalSeconds: number[] = [];
  const uncalibrated: CalibrationBenchReport['uncalibrated'] = [];
  const fitted = new Map<string, { tenant: SyntheticTenant; model: FinalModel }>();
  for (const id of tenantIds) {
    const tenant = given.get(id) ?? generateTenant(id);
    const model = fitFinalModel(tenant.series, 3, {});
    const e = explainCalibrated(tenant.series, model, tenant, []);
    for (const ch of e.channels) {
      uncalibrated.push({
        tenant: id,
        channel: ch.channel,
        true_roas: ch.truth!.roas,
        roas: ch.roas,
        error: ch.roas_error!,
      });
    }
    fitted.set(id, { tenant, model });
    log(`uncalibrated ${id}`);
  }
  const selectedTenants = tenantIds.filter((id) =>
    uncalibrated.some((u) => u.tenant === id && Math.abs(u.error) > SELECT_ABOVE),
  );
  const rows: CalibrationRow[] = [];
  const selectedOnly: SelectedOnlyRow[] = [];
  const biased: BiasedRow[] = [];
  const seconds: number[] = [];
  const statesAll: { p80: boolean; p95: boolean }[] = [];
  const statesOnly: { p80: boolean; p95: boolean }[] = [];
  for (const id of selectedTenants) {
    const { tenant, model } = fitted.get(id)!;
    const sims = tenant.series.channels.map((c) => benchLiftTest(tenant, c));
    let plain: Explanation | null = null;
    const t0 = performance.now();
    // The model check's reference (the uncalibrated model's bootstrap), as the app passes it.
    const check = { modelLifts: modelLiftSpread(tenant.series, model) };
    const fit = explainCalibratedFit(
      tenant.series,
      model,
      tenant,
      sims.map((s) => s.test),
      check,
    );
    const e = fit.explanation;
    seconds.push((performance.now() - t0) / 1000);
    // Intervals of the calibrated model (what explain shows), timed on one core.
    const c0 = process.cpuUsage();
    if (options.intervals !== false) {
      const intervalOptions = { calibration: fit.replicate };
      const boot = bootstrapFigures(tenant.series, fit.model, intervalOptions);
      addIntervalsFromFigures(e, boot, intervalOptions);
      // A channel whose test is in conflict is held: it keeps the uncalibrated intervals; the
      // tested ones get the information floor (the uncalibrated explanation computed once).
      plain ??= uncalibratedExplanation(tenant.series, model, tenant);
      completeCalibratedIntervals(e, tenant.series, model, tenant, {}, plain);
      stateHits(e, statesAll);
      // ROAS is the second figure of each channel in figureVector order (contribution, ROAS, mROAS).
      e.channels.forEach((ch, c) =>
        options.records?.push({
          tenant: id,
          channel: ch.channel,
          figure: 'roas',
          state: null,
          point: ch.roas,
          truth: ch.truth!.roas,
          replicates: boot.figures.map((f) => f[3 * c + 1]),
          windows: boot.windows.map((w) => w[3 * c + 1]),
          ...(fit.replicate ? { test_shifts: boot.testShifts.map((v) => v[3 * c + 1]) } : {}),
          uncalibrated: ch.uncalibrated_roas ?? ch.roas,
          lift_ratio: liftRatio(e.calibration, ch.channel),
        }),
      );
    }
    intervalSeconds.push((process.cpuUsage().user - c0.user) / 1e6);
    const report = e.calibration!;
    e.channels.forEach((ch, c) => {
      const before = uncalibrated.find((u) => u.tenant === id && u.channel === ch.channel)!;
      const cc = report.channels.find((x) => x.channel === ch.channel)!;
      rows.push({
        tenant: id,
        channel: ch.channel,
        true_roas: ch.truth!.roas,
        uncalibrated_roas: before.roas,
        calibrated_roas: ch.roas,
        uncalibrated_error: before.error,
        calibrated_error: ch.roas_error!,
        selected: Math.abs(before.error) > SELECT_ABOVE,
        true_lift: sims[c].true_lift,
        measured_lift: sims[c].test.incremental_revenue,
        lr: cc.lr,
        p_value: cc.p_value,
        model_z: cc.model_check?.statistic ?? null,
        model_p: cc.model_check?.p_value ?? null,
        conflict: cc.conflict,
        p80: ch.intervals?.roas.p80 ?? null,
        p95: ch.intervals?.roas.p95 ?? null,
      });
    });
    // Tests on the selected channels only: the others are untested (their contribution held).
    const befores = tenant.series.channels.map((c) =>
      uncalibrated.find((u) => u.tenant === id && u.channel === c)!,
    );
    const onlyFit = explainCalibratedFit(
      tenant.series,
      model,
      tenant,
      sims.filter((_, c) => Math.abs(befores[c].error) > SELECT_ABOVE).map((x) => x.test),
      check,
    );
    const only = onlyFit.explanation;
    if (options.intervals !== false) {
      const intervalOptions = { calibration: onlyFit.replicate };
      const boot = bootstrapFigures(tenant.series, onlyFit.model, intervalOptions);
      addIntervalsFromFigures(only, boot, intervalOptions);
      // The untested channels keep the uncalibrated intervals, as explain gives them.
      plain ??= uncalibratedExplanation(tenant.series, model, tenant);
      completeCalibratedIntervals(only, tenant.series, model, tenant, {}, plain);
      stateHits(only, statesOnly);
      only.channels.forEach((ch, c) =>
        options.selectedOnlyRecords?.push({
          tenant: id,
          channel: ch.channel,
          figure: 'roas',
          state: null,
          point: ch.roas,
          truth: ch.truth!.roas,
          replicates: boot.figures.map((f) => f[3 * c + 1]),
          windows: boot.windows.map((w) => w[3 * c + 1]),
          ...(onlyFit.replicate ? { test_shifts: boot.testShifts.map((v) => v[3 * c + 1]) } : {}),
          uncalibrated: ch.uncalibrated_roas ?? ch.roas,
          lift_ratio: liftRatio(only.calibration, ch.channel),
        }),
      );
    }
    only.channels.forEach((ch, c) => {
      const cc = only.calibration!.channels.find((x) => x.channel === ch.channel);
      selectedOnly.push({
        tenant: id,
        channel: ch.channel,
        tested: cc !== undefined,
        uncalibrated_error: befores[c].error,
        calibrated_error: ch.roas_error!,
        lr: cc?.lr ?? null,
        conflict: cc?.conflict ?? null,
        true_roas: ch.truth!.roas,
        p80: ch.intervals?.roas.p80 ?? null,
        p95: ch.intervals?.roas.p95 ?? null,
      });
    });
    const worst = uncalibrated
      .filter((u) => u.tenant === id)
      .reduce((a, b) => (Math.abs(b.error) > Math.abs(a.error) ? b : a));
    biased.push(biasedRow(tenant, model, worst.channel, check));
    log(`calibrated ${id}`);
  }
  const selected = rows.filter((r) => r.selected);
  const others = rows.filter((r) => !r.selected);
  const worsening = others.map(
    (r) => Math.abs(r.calibrated_error) - Math.abs(r.uncalibrated_error),
  );
  const maxWorse = worsening.length ? Math.max(...worsening) : 0;
  const onlyWorsening = selectedOnly
    .filter((r) => !r.tested)
    .map((r) => Math.abs(r.calibrated_error) - Math.abs(r.uncalibrated_error));
  const onlyMaxWorse = onlyWorsening.length ? Math.max(...onlyWorsening) : 0;
  const covered = (
    level: 'p80' | 'p95',
    of: readonly (CalibrationRow | SelectedOnlyRow)[] = rows,
  ): number | null => {
    const withIv = of.filter((r) => r[level] !== null);
    if (withIv.length === 0) return null;
    return (
      withIv.filter((r) => r[level]![0] <= r.true_roas && r.true_roas <= r[level]![1]).length /
      withIv.length
    );
  };
  return {
    tenants_measured: tenantIds.length,
    tenants_calibrated: selectedTenants,
    uncalibrated,
    rows,
    selected_only: {
      rows: selectedOnly,
      selected_below_target: selectedOnly.filter(
        (r) => r.tested && Math.abs(r.calibrated_error) < TARGET_BELOW,
      ).length,
      max_other_worsening: onlyMaxWorse,
      others_within_limit: onlyMaxWorse <= MAX_WORSENING,
      coverage80: covered('p80', selectedOnly),
      coverage95: covered('p95', selectedOnly),
      state_coverage: stateCoverage(statesOnly),
    },
    biased,
    summary: {
      selected_channels: selected.length,
      selected_below_target: selected.filter((r) => Math.abs(r.calibrated_error) < TARGET_BELOW)
        .length,
      max_other_worsening: maxWorse,
      others_within_limit: maxWorse <= MAX_WORSENING,
      biased_flagged: biased.filter((b) => b.conflict).length,
      median_calibration_s: median(seconds),
      coverage80: covered('p80'),
      coverage95: covered('p95'),
      state_coverage: stateCoverage(statesAll),
      median_interval_cpu_s: median(intervalSeconds),
      max_interval_cpu_s: intervalSeconds.length ? Math.max(...intervalSeconds) : NaN,
    },
  };
}

/**
 * A biased test (2x the true lift, SE BIASED_SE of it) on one channel alone: its LR, the model
 * check, whether it is reported as a conflict, and what the calibration would do with it applied.
 */
export function biasedRow(
  tenant: SyntheticTenant,
  model: FinalModel,
  channel: string,
  check: CalibrationOptions,
): BiasedRow {
  const bad = benchLiftTest(tenant, channel, { bias: 2, relativeSe: BIASED_SE });
  const report = calibrateFinalModel(tenant.series, model, [bad.test], check).report;
  const br = report.channels[0];
  const forced = calibrateFinalModel(tenant.series, model, [bad.test], {
    ...check,
    onConflict: 'apply',
  });
  const c = tenant.series.channels.indexOf(channel);
  const roas = explainFinalModel(tenant.series, forced.model, tenant).channels[c];
  return {
    tenant: tenant.info.tenant,
    channel,
    true_lift: bad.true_lift,
    claimed_lift: bad.test.incremental_revenue,
    standard_error: bad.test.standard_error,
    lr: br.lr,
    p_value: br.p_value,
    model_z: br.model_check?.statistic ?? null,
    model_p: br.model_check?.p_value ?? null,
    conflict: br.conflict,
    model_lift: report.tests[0].model_lift?.lift ?? report.tests[0].uncalibrated_lift,
    model_lift_sd: report.tests[0].model_lift?.sd ?? null,
    applied_roas_over_truth: roas.roas / roas.truth!.roas,
  };
}

/**
 * False alarms and power of the conflict test on every channel of the given tenants (not only
 * those with a channel above 25%): the bench's honest tests on every channel together (as a user
 * with one test per channel), and a biased test (2x, SE 5%) on each channel alone.
 */
export function conflictRates(
  tenants: readonly SyntheticTenant[],
  log: (line: string) => void = () => {},
): {
  honest: {
    tenant: string;
    channel: string;
    lr: number;
    model_z: number | null;
    conflict: boolean;
  }[];
  biased: BiasedRow[];
} {
  const honest: {
    tenant: string;
    channel: string;
    lr: number;
    model_z: number | null;
    conflict: boolean;
  }[] = [];
  const biased: BiasedRow[] = [];
  for (const tenant of tenants) {
    const model = fitFinalModel(tenant.series, 3, {});
    const check = { modelLifts: modelLiftSpread(tenant.series, model) };
    const tests = tenant.series.channels.map((c) => benchLiftTest(tenant, c).test);
    const report = calibrateFinalModel(tenant.series, model, tests, check).report;
    for (const c of report.channels) {
      honest.push({
        tenant: tenant.info.tenant,
        channel: c.channel,
        lr: c.lr,
        model_z: c.model_check?.statistic ?? null,
        conflict: c.conflict,
      });
    }
    for (const c of tenant.series.channels) biased.push(biasedRow(tenant, model, c, check));
    log(`conflict rates ${tenant.info.tenant}`);
  }
  return { honest, biased };
}

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;

const zp = (z: number | null, p: number | null): string =>
  z === null || p === null ? 'n/a' : `${z.toFixed(2)} (${p.toFixed(3)})`;

/** The biased tests' table (markdown lines). */
export function formatBiasedRows(rows: readonly BiasedRow[]): string[] {
  return [
    '| tenant | channel | true lift | biased claim (SE) | model lift (SD) | LR | p | model Z | p | reported as conflict | applied anyway: ROAS / truth |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (b) =>
        `| ${b.tenant} | ${b.channel} | ${b.true_lift.toFixed(0)} | ${b.claimed_lift.toFixed(0)} (${b.standard_error.toFixed(0)}) | ${b.model_lift.toFixed(0)} (${b.model_lift_sd === null ? 'n/a' : b.model_lift_sd.toFixed(0)}) | ${b.lr.toFixed(1)} | ${b.p_value.toExponential(1)} | ${b.model_z === null ? 'n/a' : b.model_z.toFixed(1)} | ${b.model_p === null ? 'n/a' : b.model_p.toExponential(1)} | ${b.conflict ? 'yes' : 'no'} | ${b.applied_roas_over_truth.toFixed(2)} |`,
    ),
  ];
}

/** Markdown tables of a calibration report (README / docs / notes). */
export function formatCalibrationReport(r: CalibrationBenchReport): string {
  const lines = [
    '| tenant | channel | true ROAS | uncalibrated | calibrated | calibrated 80% interval | error before | error after | LR (p) | model Z (p) | conflict |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const iv = (x: [number, number] | null): string =>
    x === null ? 'n/a' : `${x[0].toFixed(2)} to ${x[1].toFixed(2)}`;
  for (const x of r.rows) {
    lines.push(
      `| ${x.tenant} | ${x.channel}${x.selected ? ' *' : ''} | ${x.true_roas.toFixed(2)} | ${x.uncalibrated_roas.toFixed(2)} | ${x.calibrated_roas.toFixed(2)} | ${iv(x.p80)} | ${pct(x.uncalibrated_error)} | ${pct(x.calibrated_error)} | ${x.lr.toFixed(2)} (${x.p_value.toFixed(3)}) | ${zp(x.model_z, x.model_p)} | ${x.conflict ? 'yes' : 'no'} |`,
    );
  }
  const s = r.summary;
  lines.push(
    '',
    `\\* channel above ${(100 * SELECT_ABOVE).toFixed(0)}% error before calibration. ` +
      `${s.selected_below_target} of ${s.selected_channels} such channels end below ${(100 * TARGET_BELOW).toFixed(0)}%; ` +
      `largest worsening of another channel ${(100 * s.max_other_worsening).toFixed(1)} points (limit ${(100 * MAX_WORSENING).toFixed(0)}); ` +
      `median calibration time per tenant ${s.median_calibration_s.toFixed(1)} s.` +
      (s.coverage80 === null
        ? ''
        : ` Calibrated intervals hold the true ROAS on ${(100 * s.coverage80).toFixed(0)}% (80%) and ${(100 * s.coverage95!).toFixed(0)}% (95%) of these channels${stateText(s.state_coverage)}; intervals ${s.median_interval_cpu_s.toFixed(1)} CPU-s per tenant (median; max ${s.max_interval_cpu_s.toFixed(1)}).`),
    '',
    `Tests on the channels above ${(100 * SELECT_ABOVE).toFixed(0)}% only (the other channels untested; their contribution is held):`,
    '',
    '| tenant | channel | true ROAS | calibrated | calibrated 80% interval | error before | error after | LR | conflict |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.selected_only.rows.map(
      (x) =>
        `| ${x.tenant} | ${x.channel}${x.tested ? ' *' : ''} | ${x.true_roas.toFixed(2)} | ${(x.true_roas * (1 + x.calibrated_error)).toFixed(2)} | ${x.p80 ? `${x.p80[0].toFixed(2)} to ${x.p80[1].toFixed(2)}` : '-'} | ${pct(x.uncalibrated_error)} | ${pct(x.calibrated_error)} | ${x.lr === null ? 'untested' : x.lr.toFixed(2)} | ${x.conflict === null ? '' : x.conflict ? 'yes' : 'no'} |`,
    ),
    '',
    `\\* tested. ${r.selected_only.selected_below_target} of ${s.selected_channels} tested channels end below ${(100 * TARGET_BELOW).toFixed(0)}%; ` +
      `largest worsening of an untested channel ${(100 * r.selected_only.max_other_worsening).toFixed(1)} points (limit ${(100 * MAX_WORSENING).toFixed(0)}).` +
      (r.selected_only.coverage80 === null
        ? ''
        : ` Calibrated intervals hold the true ROAS on ${(100 * r.selected_only.coverage80).toFixed(0)}% (80%) and ${(100 * r.selected_only.coverage95!).toFixed(0)}% (95%) of these channels${stateText(r.selected_only.state_coverage)}.`),
    '',
    ...formatBiasedRows(r.biased),
  );
  lines.push('', `Biased tests reported as conflicts: ${s.biased_flagged} of ${r.biased.length}.`);
  return lines.join('\n');
}

/**
 * Power of the conflict test on one channel: the LR of an exact test (no noise, SE = BIASED_SE
 * of the truth) claiming each multiple of the true lift, and the uncalibrated model's own lift
 * over the truth (docs/calibration.md, "The two remaining calibration misses").
 */
export function conflictPower(
  tenant: SyntheticTenant,
  channel: string,
  multiples: readonly number[] = [0.5, 1, 1.5, 2, 3],
): { model_over_truth: number; lr: { multiple: number; lr: number }[] } {
  const model = fitFinalModel(tenant.series, 3, {});
  const sim = benchLiftTest(tenant, channel, { relativeSe: BIASED_SE });
  let modelOverTruth = NaN;
  const lr = multiples.map((k) => {
    const test = { ...sim.test, incremental_revenue: k * sim.true_lift };
    const r = calibrateFinalModel(tenant.series, model, [test]).report;
    modelOverTruth = r.tests[0].uncalibrated_lift / sim.true_lift;
    return { multiple: k, lr: r.channels[0].lr };
  });
  return { model_over_truth: modelOverTruth, lr };
}

/**
 * What a test that agrees with the model does: the channel's bench test with its measured lift
 * replaced by the uncalibrated model's own implied lift over the window (an experiment that
 * adds no information), and the calibrated ROAS errors of every channel. A calibration anchored
 * at the uncalibrated point would leave them unchanged.
 */
export function ownLiftErrors(
  tenant: SyntheticTenant,
  channel: string,
): { uncalibrated: Record<string, number>; calibrated: Record<string, number>; lr: number } {
  const model = fitFinalModel(tenant.series, 3, {});
  const sim = benchLiftTest(tenant, channel);
  const own = calibrateFinalModel(tenant.series, model, [sim.test]).report.tests[0]
    .uncalibrated_lift;
  const test = { ...sim.test, incremental_revenue: own };
  const e = explainCalibrated(tenant.series, model, tenant, [test]);
  const errors = (roas: (c: (typeof e.channels)[number]) => number) =>
    Object.fromEntries(e.channels.map((c) => [c.channel, roas(c) / c.truth!.roas - 1]));
  return {
    uncalibrated: errors((c) => c.uncalibrated_roas ?? c.roas),
    calibrated: errors((c) => c.roas),
    lr: e.calibration!.channels[0].lr,
  };
}

/**
 * The uncalibrated model's implied lift over the true lift for an 8-week go-dark of `channel`
 * starting at each of `backs` rows before the end of the data: how the model's error in a
 * window's lift depends on the season of the window.
 */
export function windowLiftRatios(
  tenant: SyntheticTenant,
  channel: string,
  backs: readonly number[] = [1050, 900, 750, 600, 480, 330, 240, 150, 60],
): { start: string; model_over_truth: number }[] {
  const model = fitFinalModel(tenant.series, 3, {});
  const dates = tenant.series.dates;
  return backs
    .filter((b) => b >= TEST_DAYS && b <= dates.length)
    .map((back) => {
      const from = dates.length - back;
      const sim = simulateLiftTest(tenant, {
        channel,
        start: dates[from],
        end: dates[from + TEST_DAYS - 1],
        spendFactor: -1,
        relativeSe: RELATIVE_SE,
      });
      const r = calibrateFinalModel(tenant.series, model, [sim.test]).report;
      return { start: dates[from], model_over_truth: r.tests[0].uncalibrated_lift / sim.true_lift };
    });
}

/**
 * Calibrated ROAS errors of a tenant's channels when the bench's tests (one per channel) are
 * drawn with other noise seeds of simulateLiftTest: how much of a result is the test's draw.
 */
export function noiseSeedErrors(
  tenant: SyntheticTenant,
  seeds: readonly number[],
): { seed: number; z: number[]; errors: Record<string, number> }[] {
  const model = fitFinalModel(tenant.series, 3, {});
  const dates = tenant.series.dates;
  return seeds.map((seed) => {
    const sims = tenant.series.channels.map((c) => {
      const from = dates.length - (WINDOW_START_FROM_END[c] ?? 330);
      return simulateLiftTest(tenant, {
        channel: c,
        start: dates[from],
        end: dates[from + TEST_DAYS - 1],
        spendFactor: -1,
        relativeSe: RELATIVE_SE,
        seed,
      });
    });
    const e = explainCalibrated(
      tenant.series,
      model,
      tenant,
      sims.map((x) => x.test),
    );
    return {
      seed,
      z: sims.map((x) => (x.test.incremental_revenue - x.true_lift) / x.test.standard_error),
      errors: Object.fromEntries(e.channels.map((c) => [c.channel, c.roas_error!])),
    };
  });
}

/**
 * How far a calibrated channel's ROAS moves when one bench test's measured lift moves by -1 or
 * +1 SE (every channel tested), by three estimators: the full calibration (calibrateFinalModel
 * from the uncalibrated model), a bootstrap replicate's recalibration on the observed series
 * (recalibrateReplicate: its candidates, one coordinate pass) and the interval's test term
 * (testShiftCalibration). Relative moves of each channel's ROAS (docs/calibration.md, "The lift
 * test's standard error carried into the calibrated intervals").
 */
export function testMoves(tenant: SyntheticTenant): {
  test: string;
  dir: number;
  full: number[];
  replicate: number[];
  shift: number[];
}[] {
  const series = tenant.series;
  const model = fitFinalModel(series, 3, {});
  const tests = series.channels.map((c) => benchLiftTest(tenant, c).test);
  const cal = calibrateFinalModel(series, model, tests);
  if (!cal.replicate) return [];
  const rep = cal.replicate;
  const roas = (m: FinalModel): number[] =>
    explainFinalModel(series, m, null).channels.map((c) => c.roas);
  const p = roas(cal.model);
  const rel = (xs: number[]): number[] => xs.map((x, c) => x / p[c] - 1);
  return rep.tests.flatMap((t, i) =>
    [-1, 1].map((dir) => {
      const moved = rep.tests.map((u, k) =>
        k === i ? { ...u, incremental_revenue: u.incremental_revenue + dir * u.standard_error } : u,
      );
      return {
        test: t.channel,
        dir,
        full: rel(roas(calibrateFinalModel(series, model, moved).model)),
        replicate: rel(
          roas(
            recalibrateReplicate(
              series,
              cal.model,
              cal.model.channelParams!,
              moved,
              rep.candidates,
            ),
          ),
        ),
        shift: rel(roas(testShiftCalibration(series, cal.model, rep, moved))),
      };
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // --test-moves tenant,...: ROAS moves per 1-SE move of each test, three estimators (testMoves).
  const tm = process.argv.indexOf('--test-moves');
  if (tm >= 0) {
    for (const id of process.argv[tm + 1].split(',')) {
      const tenant = tenantById(id);
      for (const r of testMoves(tenant)) {
        const f = (xs: number[]) =>
          xs.map((x, c) => `${tenant.series.channels[c]} ${pct(x)}`).join(' ');
        process.stdout.write(
          `${id} ${r.test} ${r.dir > 0 ? '+' : '-'}1 SE: full ${f(r.full)} | replicate ${f(r.replicate)} | test term ${f(r.shift)}\n`,
        );
      }
    }
    process.exit(0);
  }
  const i = process.argv.indexOf('--tenants');
  // --heldout S: generated tenants gen_sS_0..19 (other cities and seeds of the built-in templates).
  const h = process.argv.indexOf('--heldout');
  const heldout = h >= 0 ? generatedTenants(Number(process.argv[h + 1])) : [];
  const ids =
    i >= 0
      ? process.argv[i + 1].split(',')
      : h >= 0
        ? heldout.map((t) => t.info.tenant)
        : BUILTIN_TENANT_IDS;
  // --conflict-rates: false alarms (honest tests, every channel) and power (biased tests, each
  // channel alone) of the conflict test on every tenant of the set (conflictRates).
  if (process.argv.includes('--conflict-rates')) {
    const tenants = ids.map((id) => heldout.find((t) => t.info.tenant === id) ?? tenantById(id));
    const r = conflictRates(tenants, (l) => process.stderr.write(`${l}\n`));
    const flaggedHonest = r.honest.filter((x) => x.conflict);
    process.stdout.write(
      `honest tests reported as conflicts: ${flaggedHonest.length} of ${r.honest.length}` +
        (flaggedHonest.length
          ? ` (${flaggedHonest.map((x) => `${x.tenant} ${x.channel} LR ${x.lr.toFixed(1)} Z ${x.model_z?.toFixed(1) ?? 'n/a'}`).join('; ')})`
          : '') +
        `\nbiased tests reported as conflicts: ${r.biased.filter((x) => x.conflict).length} of ${r.biased.length}` +
        ` (by the LR alone: ${r.biased.filter((x) => x.p_value < CONFLICT_LEVEL).length})\n\n` +
        formatBiasedRows(r.biased).join('\n') +
        '\n',
    );
    if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(r) + '\n');
    process.exit(0);
  }
  // --power tenant:channel,...: LR of exact tests at multiples of the truth (conflictPower).
  const pw = process.argv.indexOf('--power');
  // --noise-seeds tenant 0,1,2: the bench's tests redrawn with other noise seeds (noiseSeedErrors).
  const ns = process.argv.indexOf('--noise-seeds');
  if (pw >= 0) {
    for (const pair of process.argv[pw + 1].split(',')) {
      const [id, channel] = pair.split(':');
      const r = conflictPower(tenantById(id), channel);
      process.stdout.write(
        `${id} ${channel}: model lift / truth ${r.model_over_truth.toFixed(2)}; ` +
          r.lr.map((x) => `${x.multiple}x LR ${x.lr.toFixed(1)}`).join(', ') +
          '\n',
      );
    }
    process.exit(0);
  }
  // --own-lift tenant:channel,...: a test at the model's own implied lift (ownLiftErrors).
  const ol = process.argv.indexOf('--own-lift');
  if (ol >= 0) {
    for (const pair of process.argv[ol + 1].split(',')) {
      const [id, channel] = pair.split(':');
      const r = ownLiftErrors(tenantById(id), channel);
      process.stdout.write(
        `${id} ${channel} tested at the model's own lift (LR ${r.lr.toFixed(2)}): ` +
          Object.keys(r.calibrated)
            .map((c) => `${c} ${pct(r.uncalibrated[c])} -> ${pct(r.calibrated[c])}`)
            .join(', ') +
          '\n',
      );
    }
    process.exit(0);
  }
  // --windows tenant:channel: the model's lift over the truth by test window (windowLiftRatios).
  const wi = process.argv.indexOf('--windows');
  if (wi >= 0) {
    const [id, channel] = process.argv[wi + 1].split(':');
    for (const r of windowLiftRatios(tenantById(id), channel)) {
      process.stdout.write(
        `${id} ${channel} ${r.start}: model lift / true lift ${r.model_over_truth.toFixed(3)}\n`,
      );
    }
    process.exit(0);
  }
  if (ns >= 0) {
    const tenant = tenantById(process.argv[ns + 1]);
    const seeds = (process.argv[ns + 2] ?? '0,1,2,3,4,5').split(',').map(Number);
    for (const r of noiseSeedErrors(tenant, seeds)) {
      process.stdout.write(
        `seed ${r.seed}: z ${r.z.map((z) => z.toFixed(2)).join(', ')}; calibrated error ` +
          Object.entries(r.errors)
            .map(([c, e]) => `${c} ${pct(e)}`)
            .join(', ') +
          '\n',
      );
    }
    process.exit(0);
  }
  const started = performance.now();
  const records: FigureRecord[] = [];
  const selectedOnlyRecords: FigureRecord[] = [];
  const report = runCalibrationBench(ids, (l) => process.stderr.write(`${l}\n`), {
    intervals: !process.argv.includes('--no-intervals'),
    tenants: heldout,
    records,
    selectedOnlyRecords,
  });
  // --out FILE: the calibrated channels' ROAS bootstrap records (node dist/bench/intervals.js
  // --from FILE); FILE with .selected-only before .json: those of the selected-only calibration.
  const o = process.argv.indexOf('--out');
  if (o >= 0) {
    const file = process.argv[o + 1];
    writeFileSync(file, JSON.stringify({ records }));
    writeFileSync(
      file.replace(/(\.json)?$/, '.selected-only.json'),
      JSON.stringify({ records: selectedOnlyRecords }),
    );
  }
  process.stdout.write(formatCalibrationReport(report) + '\n');
  process.stdout.write(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(report) + '\n');
}
