/**
 * Planner benchmark (issue 16): speed of one plan, and ground-truth regret on the extreme and
 * high tiers of the built-in tenants.
 *
 * Speed: a 28-day plan for a built-in 2-channel tenant with its fitted phase-3 model, and a
 * 13-week plan for 10 channels (a weekly synthetic series whose model is an exact
 * baseline-plus-adstock/Hill response with weather-dependent gains: the planner probes and
 * optimizes it exactly as a fitted model), single thread, median of several runs.
 * Regret: for each tenant, the phase-3 all-rows model (fitFinalModel, as explain stores it), the
 * typical outlook and the historical budget for 28 days; the model's unchecked optimum (replicates
 * 0), the checked plan (DEFAULT_PLAN_REPLICATES bootstrap refits and the model's window refits,
 * the default), both baselines
 * and the truth-optimal plan are scored under the true data-generating process.
 * Held-out tenants: `--heldout S` scores the first 10 generated tenants gen_sS_* of the extreme
 * and high tiers instead of the built-in ones.
 *
 * Standalone: `node dist/bench/planner.js [--quick] [--heldout S] [--replicates N] [--analyze]
 * [--regret-only] [--json]`
 * (--analyze: also where the attainable uplift comes from and where the plan loses it,
 * planner-capture.ts; --json: the whole result as JSON instead of markdown); also part of `npm run bench`.
 */
import { builtinSpec } from '../src/core/data/catalog.js';
import {
  BUILTIN_TENANT_IDS,
  generatedSpec,
  generateTenant,
  generateTenantSet,
  type DriverMix,
} from '../src/core/data/index.js';
import { geometricAdstock, hill } from '../src/core/transforms.js';
import type { SyntheticTenant, TenantSeries } from '../src/core/types.js';
import {
  finalFromJSON,
  finalToJSON,
  fitFinalModel,
  type FinalModel,
  type FinalModelJSON,
} from '../src/phases/final.js';
import {
  calibratedPlanModels,
  DEFAULT_PLAN_REPLICATES,
  horizonLevelError,
  makePlan,
  planCurveFit,
  plannableRefits,
  planCurveModel,
  planKeepRidge,
  planPointOf,
  planReplicateModels,
  revenueModelOf,
  scenarioOutlook,
  type PlanResult,
  type ReplicateRole,
  type RevenueModel,
} from '../src/plan/index.js';
import { explainVerdicts } from '../src/plan/calibrate.js';
import { normalizeConfig } from '../src/app/config.js';
import { SeededRandom } from '../src/core/random.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { analyzeCapture, formatCaptureAnalysis, type CaptureAnalysis } from './planner-capture.js';
import { benchLiftTest, BIASED_SE } from './calibration.js';
import type { LiftTest } from '../src/core/lift.js';
import { isoFromDays, parseIsoDay } from '../src/core/csv.js';

export interface PlannerRegretRow {
  tenant: string;
  budget: number;
  plan_channels: Record<string, number>;
  optimal_channels: Record<string, number>;
  true_incremental: {
    historical_even: number;
    historical_calendar: number;
    /** The point model's optimum (replicates 0). */
    model_optimum: number;
    /** The checked plan (replicates as run). */
    plan: number;
    optimal: number;
  };
  /** Share of the truth-optimal uplift over (a): the model's optimum and the checked plan. */
  captured_share_optimum: number | null;
  captured_share: number | null;
  /** Trust-region step of the checked plan (null without replicates). */
  step: number | null;
  plan_minus_even_pct: number;
  /** The model's own view: its optimum's uplift over (a), and the checked plan's 80% interval. */
  model_uplift_pct: number;
  plan_uplift_p80_pct: [number, number] | null;
  /**
   * The checked plan's uplift over (a) in currency: under the truth, and as the plan claims it
   * (point, 80% and 95% intervals over the refits; null without replicates).
   */
  uplift: {
    true: number;
    claimed: number;
    p80: [number, number];
    p95: [number, number];
  } | null;
  /**
   * With spend going on after the horizon at each channel's historical rate (PlanRequest
   * afterHorizon 'continue'), under the truth with that same spend: (a), the truth's own optimum,
   * the plan above (planned as if nothing followed it), and the model's optimum and checked plan
   * planned with the spend going on; shares of the attainable uplift over (a).
   */
  continued: {
    historical_even: number;
    optimal: number;
    stop_plan: number;
    model_optimum: number;
    plan: number;
    captured_share_stop_plan: number | null;
    captured_share_optimum: number | null;
    captured_share: number | null;
    step: number | null;
  };
  /** Why the plan's curve fit is in doubt (plan.curve_doubt), or null. */
  curve_doubt: string | null;
  /** Channels whose plan-model curve is convex over nearly all the data (plan.convex_channels). */
  convex: string[];
  /**
   * With --lift: the plan calibrated with one honest simulated test per channel
   * (calibration.ts benchLiftTest), and with one biased test (2x the true lift, SE BIASED_SE of
   * it) on each channel alone.
   */
  lift?: { honest: LiftPlanRow; biased: LiftPlanRow[] };
}

/** A plan calibrated with lift tests, scored under the truth (bench --lift). */
export interface LiftPlanRow {
  /** The biased test's channel (null: one honest test per channel). */
  channel: string | null;
  tests_used: number;
  tests_in_conflict: number;
  /** True incremental revenue of the checked plan and of the calibrated model's optimum. */
  plan: number;
  model_optimum: number;
  captured_share: number | null;
  captured_share_optimum: number | null;
  step: number | null;
  plan_minus_even_pct: number;
  /** ROAS over the data of each channel under the calibrated plan model, and under the truth. */
  roas: Record<string, { uncalibrated: number; calibrated: number; truth: number }>;
}

export interface PlannerBench {
  speed: { name: string; channels: number; periods: number; median_ms: number; runs: number }[];
  tenants: string;
  replicates: number;
  regret: PlannerRegretRow[];
  /** Where the attainable uplift comes from and where the plan loses it (with --analyze). */
  analysis?: CaptureAnalysis[];
  summary: {
    tenants: number;
    captured_at_least_80pct: number;
    not_worse_than_even: number;
    median_captured_share: number | null;
    /** The same for the model's unchecked optimum (replicates 0). */
    optimum_captured_at_least_80pct: number;
    optimum_not_worse_than_even: number;
    optimum_median_captured_share: number | null;
    /**
     * Plans that move from (a): how often the true uplift over (a) lies inside the plan's 80% and
     * 95% intervals of it, how often below, and the median of true / claimed uplift.
     */
    uplift_intervals: {
      plans: number;
      inside_80: number;
      below_80: number;
      inside_95: number;
      below_95: number;
      median_true_over_claimed: number | null;
    };
    /** Under the truth with spend going on after the horizon (PlannerRegretRow.continued). */
    continued: {
      stop_plan: {
        captured_at_least_80pct: number;
        not_worse_than_even: number;
        median_captured_share: number | null;
      };
      optimum: {
        captured_at_least_80pct: number;
        not_worse_than_even: number;
        median_captured_share: number | null;
      };
      plan: {
        captured_at_least_80pct: number;
        not_worse_than_even: number;
        median_captured_share: number | null;
      };
    };
  };
}

function median(v: number[]): number {
  const a = [...v].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

const cpuMs = (f: () => void): number => {
  const t0 = process.cpuUsage();
  f();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
};

/** Median CPU time (user + system, ms) of `runs` calls after a warm-up: wall time on a shared machine measures the load. */
function timeRuns(runs: number, f: () => void): number {
  f(); // warm-up (JIT)
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push(cpuMs(f));
  return median(ms);
}

/** A weekly series with `channels` channels and 3 years of weather, plus an exact separable model of it. */
export function syntheticWeekly(channels: number): { series: TenantSeries; model: RevenueModel } {
  const rng = new SeededRandom(16);
  const n = 156;
  const start = parseIsoDay('2022-01-03');
  const dates = Array.from({ length: n }, (_, t) => isoFromDays(start + 7 * t));
  const temp = Float64Array.from(
    { length: n },
    (_, t) => 12 + 10 * Math.sin((2 * Math.PI * (t - 13)) / 52) + rng.normal() * 2,
  );
  const rain = Float64Array.from({ length: n }, () => Math.max(0, rng.normal() * 10 + 12));
  const names = Array.from({ length: channels }, (_, c) => `ch${c + 1}`);
  const spend = names.map(() =>
    Float64Array.from({ length: n }, () => Math.max(0, 20_000 * (1 + 0.3 * rng.normal()))),
  );
  const media = names.map(() => ({
    decay: rng.uniform(0.1, 0.6),
    k: rng.uniform(20_000, 50_000),
    s: rng.uniform(0.8, 2),
  }));
  const beta = names.map(() => rng.uniform(40_000, 120_000));
  const gamma = names.map(() => rng.uniform(-0.04, 0.04));
  const predict = (s: TenantSeries): Float64Array => {
    const t = s.weather[0];
    const out = Float64Array.from(t, (v, i) => 500_000 + 2_000 * v + 100 * i);
    media.forEach((p, c) => {
      const a = geometricAdstock(s.spend[c], p.decay);
      for (let i = 0; i < out.length; i++)
        out[i] += beta[c] * (1 + gamma[c] * (t[i] - 12)) * hill(a[i], p.k, p.s);
    });
    return out;
  };
  const series: TenantSeries = {
    tenant: 'bench_weekly_10',
    frequency: 'weekly',
    dates,
    channels: names,
    spend,
    weatherNames: ['temperature_c', 'precipitation_mm'],
    weather: [temp, rain],
    controlNames: [],
    controls: [],
    targetName: 'revenue',
    target: new Float64Array(n),
  };
  series.target = predict(series);
  return {
    series,
    model: {
      channels: names,
      weather: ['temperature_c', 'precipitation_mm'],
      controls: [],
      media,
      predict,
      describe: { kind: 'bench' },
    },
  };
}

const REGRET_TIERS = ['extreme', 'high'];

/**
 * Revenue models of the refits of a plan-curve model (bootstrap, its window refits and the
 * phase-3 model's window refits, as the app makes them; the separable ones: a blend or GBM refit
 * cannot be planned with) and their roles.
 */
function replicateModels(
  series: TenantSeries,
  point: FinalModel,
  count: number,
  phase3: FinalModel,
): { replicates: RevenueModel[]; replicateRoles: ReplicateRole[] } {
  const out = planReplicateModels(series, point, count, 0, 'plan', phase3, planKeepRidge(phase3));
  return plannableRefits(out.models, out.roles);
}

/** Regret tenants: the built-in extreme/high ones, or the first 10 gen_s<seed>_* of those tiers. */
function regretTenants(heldout: number | undefined): { tenant: SyntheticTenant; mix: DriverMix }[] {
  if (heldout === undefined) {
    return BUILTIN_TENANT_IDS.filter((id) => REGRET_TIERS.some((t) => id.startsWith(`${t}_`))).map(
      (id) => ({ tenant: generateTenant(id), mix: builtinSpec(id).mix }),
    );
  }
  const out: { tenant: SyntheticTenant; mix: DriverMix }[] = [];
  for (let i = 0; i < 200 && out.length < 10; i++) {
    const spec = generatedSpec(i, heldout);
    if (REGRET_TIERS.includes(spec.tier)) {
      out.push({ tenant: generateTenantSet(i + 1, { seed: heldout })[i], mix: spec.mix });
    }
  }
  return out;
}

export function runPlannerBench(
  options: {
    quick?: boolean;
    heldout?: number;
    replicates?: number;
    /** Also the capture analysis (planner-capture.ts) of each regret tenant. */
    analyze?: boolean;
    /** Skip the speed rows (the regret table alone). */
    regretOnly?: boolean;
    /** Also the plans calibrated with simulated lift tests (LiftPlanRow). */
    lift?: boolean;
    log?: (line: string) => void;
  } = {},
): PlannerBench {
  const log = options.log ?? (() => undefined);
  const runs = options.quick ? 3 : 7;
  const replicates = options.replicates ?? DEFAULT_PLAN_REPLICATES;
  const speed: PlannerBench['speed'] = [];

  // --regret-only: the regret table alone (the held-out seeds' runs).
  if (!options.regretOnly) {
    log('planner: speed of a 28-day 2-channel plan');
    const ski = generateTenant('extreme_ski_gear');
    const skiPhase3 = fitFinalModel(ski.series, 3);
    // The planner's own curve fit of the phase-3 model (curves.ts), made once per model like the refits.
    let skiFinal = skiPhase3;
    const curveMs = cpuMs(() => {
      skiFinal = planCurveModel(ski.series, skiPhase3);
    });
    const skiModel = revenueModelOf(skiFinal);
    const skiOutlook = scenarioOutlook(ski.series, 'typical', skiModel.weather, 28);
    const ms2 = timeRuns(runs, () => {
      makePlan(
        { series: ski.series, model: skiModel, outlook: skiOutlook },
        { horizon: 28, budget: 250_000 },
      );
    });
    speed.push({
      name: '28-day plan, 2 channels (fitted phase-3 model), replicates 0',
      channels: 2,
      periods: 28,
      median_ms: ms2,
      runs,
    });
    if (replicates > 0) {
      log(`planner: ${replicates} replicate refits of the 2-channel model`);
      const refitRuns = options.quick ? 1 : 3;
      let skiReps: ReturnType<typeof replicateModels> = { replicates: [], replicateRoles: [] };
      const refitMs = median(
        Array.from({ length: refitRuns }, () =>
          cpuMs(() => {
            skiReps = replicateModels(ski.series, skiFinal, replicates, skiPhase3);
          }),
        ),
      );
      // A checked plan also measures the model's level error over its horizon (the app's
      // plan-task.ts, every checked plan: backtests, plan/level-error.ts).
      const skiKeep = planKeepRidge(skiPhase3);
      const planMs = timeRuns(runs, () => {
        makePlan(
          {
            series: ski.series,
            model: skiModel,
            outlook: skiOutlook,
            ...skiReps,
            levelError: horizonLevelError(ski.series, skiFinal, 28, skiKeep),
          },
          { horizon: 28, budget: 250_000 },
        );
      });
      // What a second checked plan on the same model costs: the refits kept in the store beside
      // the model (their JSON text, as the app keeps them) are read back instead of refitted.
      const keptText = JSON.stringify(
        planReplicateModels(ski.series, skiFinal, replicates, 0, 'plan', skiPhase3).models.map(
          finalToJSON,
        ),
      );
      const keptMs = timeRuns(runs, () => {
        const kept = (JSON.parse(keptText) as FinalModelJSON[]).map((j) =>
          revenueModelOf(finalFromJSON(j)),
        );
        makePlan(
          {
            series: ski.series,
            model: skiModel,
            outlook: skiOutlook,
            replicates: kept,
            replicateRoles: skiReps.replicateRoles,
            levelError: horizonLevelError(ski.series, skiFinal, 28, skiKeep),
          },
          { horizon: 28, budget: 250_000 },
        );
      });
      speed.push(
        {
          name: `${replicates} bootstrap refits and the window refits of the 2-channel phase-3 model`,
          channels: 2,
          periods: 28,
          median_ms: refitMs,
          runs: refitRuns,
        },
        {
          name: `28-day plan, 2 channels, checked against the ${replicates} refits (planning only, with its level error's backtests)`,
          channels: 2,
          periods: 28,
          median_ms: planMs,
          runs,
        },
        {
          name: `28-day plan, 2 channels, checked, refits kept beside the model (read back from their JSON + level error's backtests + plan: every plan after the first on a model)`,
          channels: 2,
          periods: 28,
          median_ms: keptMs,
          runs,
        },
        {
          name: `the planner's curve fit of the 2-channel phase-3 model (profile fit on all rows and its 5 window fits)`,
          channels: 2,
          periods: 28,
          median_ms: curveMs,
          runs: 1,
        },
        {
          name: `28-day plan, 2 channels, checked, first plan on a model (curve fit + ${replicates} bootstrap + window refits + plan)`,
          channels: 2,
          periods: 28,
          median_ms: curveMs + refitMs + planMs,
          runs: refitRuns,
        },
      );
    }

    log('planner: speed of a 13-week 10-channel plan');
    const weekly = syntheticWeekly(10);
    const wOutlook = scenarioOutlook(weekly.series, 'typical', weekly.model.weather, 13);
    const ms10 = timeRuns(runs, () => {
      makePlan(
        { series: weekly.series, model: weekly.model, outlook: wOutlook },
        { horizon: 13, budget: 2_600_000 },
      );
    });
    speed.push({
      name: '13-week plan, 10 channels (weekly synthetic model), replicates 0',
      channels: 10,
      periods: 13,
      median_ms: ms10,
      runs,
    });
    if (replicates > 0) {
      // A phase-3 model fitted on the synthetic weekly series, refitted on its bootstrap replicates:
      // the whole cost of a checked 13-week 10-channel plan except the point model's own fit.
      log(`planner: 13-week 10-channel plan with ${replicates} replicate refits`);
      const wPhase3 = fitFinalModel(weekly.series, 3);
      const endToEndRuns = options.quick ? 1 : 3;
      let wFinal = wPhase3;
      const wCurveMs = median(
        Array.from({ length: endToEndRuns }, () =>
          cpuMs(() => {
            wFinal = planCurveModel(weekly.series, wPhase3);
          }),
        ),
      );
      const wModel = revenueModelOf(wFinal);
      const wOut = scenarioOutlook(weekly.series, 'typical', wModel.weather, 13);
      const endToEnd = endToEndRuns;
      const ms =
        wCurveMs +
        median(
          Array.from({ length: endToEnd }, () =>
            cpuMs(() => {
              makePlan(
                {
                  series: weekly.series,
                  model: wModel,
                  outlook: wOut,
                  ...replicateModels(weekly.series, wFinal, replicates, wPhase3),
                  levelError: horizonLevelError(weekly.series, wFinal, 13, planKeepRidge(wPhase3)),
                },
                { horizon: 13, budget: 2_600_000 },
              );
            }),
          ),
        );
      speed.push({
        name: `13-week plan, 10 channels (phase-3 model of that series), curve fit + ${replicates} bootstrap + window refits + level error's backtests + plan`,
        channels: 10,
        periods: 13,
        median_ms: ms,
        runs: endToEnd,
      });
    }
  }
  const all = regretTenants(options.heldout);
  const regret: PlannerRegretRow[] = [];
  const analysis: CaptureAnalysis[] = [];
  for (const { tenant: t, mix } of options.quick ? all.slice(0, 2) : all) {
    const id = t.series.tenant;
    log(`planner: regret on ${id}`);
    // A blend or GBM is planned with its Ridge form, as the app plans it (plan/ridge-form.ts).
    const phase3 = fitFinalModel(t.series, 3);
    const { model: final, doubt } = planCurveFit(t.series, planPointOf(t.series, phase3), {
      keepRidge: planKeepRidge(phase3),
    });
    const model = revenueModelOf(final);
    const outlook = scenarioOutlook(t.series, 'typical', model.weather, 28);
    // The curve fit's doubt as the app passes it (plan-task.ts).
    const ctx = { series: t.series, model, outlook, truth: { tenant: t, mix }, curveDoubt: doubt };
    // The historical budget for 28 days: mean daily spend over the last year x 28.
    const reference =
      t.series.spend.reduce((s, x) => s + x.slice(-365).reduce((a, b) => a + b, 0), 0) / 365;
    const request = { horizon: 28, budget: reference * 28 };
    const optimum: PlanResult = makePlan(ctx, request);
    const reps =
      replicates > 0
        ? replicateModels(t.series, final, replicates, phase3)
        : { replicates: [], replicateRoles: [] };
    const p: PlanResult = replicates > 0 ? makePlan({ ...ctx, ...reps }, request) : optimum;
    if (options.analyze)
      analysis.push(analyzeCapture(t, mix, model, reps.replicates, optimum, p, final));
    // The same budget planned with spend going on after the horizon, and judged with it.
    const goingOn = { ...request, afterHorizon: 'continue' as const };
    const cOptimum = makePlan(ctx, goingOn);
    const cChecked = replicates > 0 ? makePlan({ ...ctx, ...reps }, goingOn) : cOptimum;
    const cEven = cChecked.truth!.historical_even_incremental;
    const cOpt = Math.max(
      cChecked.truth!.optimal_incremental,
      cOptimum.truth!.optimal_incremental,
      p.truth!.other_after_horizon.optimal_incremental,
    );
    const cShare = (v: number): number | null =>
      cOpt - cEven > 1e-9 * Math.abs(cOpt) ? (v - cEven) / (cOpt - cEven) : null;
    const stopPlanContinued = p.truth!.other_after_horizon.plan_incremental;
    const continued: PlannerRegretRow['continued'] = {
      historical_even: cEven,
      optimal: cOpt,
      stop_plan: stopPlanContinued,
      model_optimum: cOptimum.truth!.plan_incremental,
      plan: cChecked.truth!.plan_incremental,
      captured_share_stop_plan: cShare(stopPlanContinued),
      captured_share_optimum: cShare(cOptimum.truth!.plan_incremental),
      captured_share: cShare(cChecked.truth!.plan_incremental),
      step: cChecked.uncertainty ? cChecked.uncertainty.step : null,
    };
    const tr = p.truth!;
    const even = optimum.baselines.find((b) => b.name === 'historical_even')!;
    const evenTrue = tr.historical_even_incremental;
    const optTrue = Math.max(tr.optimal_incremental, optimum.truth!.optimal_incremental);
    const share = (v: number): number | null =>
      optTrue - evenTrue > 1e-9 * Math.abs(optTrue) ? (v - evenTrue) / (optTrue - evenTrue) : null;
    const u = p.uncertainty;
    // ROAS over the data of each channel under a model, as explain reads it, and the truth's.
    const explainedOf = (m: FinalModel) => explainFinalModel(t.series, m, t).channels;
    const roasOf = (m: FinalModel): Record<string, number> =>
      Object.fromEntries(explainedOf(m).map((c) => [c.channel, c.roas]));
    const truthRoas = (): Record<string, number> =>
      Object.fromEntries(explainedOf(final).map((c) => [c.channel, c.truth?.roas ?? NaN]));
    const liftRow = (tests: LiftTest[], channel: string | null): LiftPlanRow => {
      const cal = calibratedPlanModels(
        t.series,
        final,
        tests,
        replicates,
        0,
        phase3,
        planKeepRidge(phase3),
        // As the app: the tests explain leaves out are left out (app/plan-task.ts refitsFor).
        explainVerdicts(t.series, phase3, normalizeConfig({})),
      );
      const cModel = revenueModelOf(cal.point);
      const cCtx = { ...ctx, model: cModel };
      const cOpt = makePlan(cCtx, request);
      const cReps = plannableRefits(cal.models, cal.roles);
      const cPlan = replicates > 0 ? makePlan({ ...cCtx, ...cReps }, request) : cOpt;
      const before = roasOf(final);
      const after = roasOf(cal.point);
      const truth = truthRoas();
      const used = cal.calibration?.tests.filter((x) => x.used).length ?? 0;
      return {
        channel,
        tests_used: used,
        tests_in_conflict: cal.calibration?.tests.filter((x) => x.conflict).length ?? 0,
        plan: cPlan.truth!.plan_incremental,
        model_optimum: cOpt.truth!.plan_incremental,
        captured_share: share(cPlan.truth!.plan_incremental),
        captured_share_optimum: share(cOpt.truth!.plan_incremental),
        step: cPlan.uncertainty ? cPlan.uncertainty.step : null,
        plan_minus_even_pct: (100 * (cPlan.truth!.plan_incremental - evenTrue)) / evenTrue,
        roas: Object.fromEntries(
          t.series.channels.map((c) => [
            c,
            { uncalibrated: before[c], calibrated: after[c], truth: truth[c] },
          ]),
        ),
      };
    };
    let lift: PlannerRegretRow['lift'];
    if (options.lift) {
      log(`planner: ${id} calibrated with lift tests`);
      const honest = liftRow(
        t.series.channels.map((c) => benchLiftTest(t, c).test),
        null,
      );
      const biased = t.series.channels.map((c) =>
        liftRow([benchLiftTest(t, c, { bias: 2, relativeSe: BIASED_SE }).test], c),
      );
      lift = { honest, biased };
    }
    regret.push({
      ...(lift ? { lift } : {}),
      tenant: id,
      budget: p.budget,
      plan_channels: Object.fromEntries(p.channels.map((c) => [c.channel, c.spend])),
      optimal_channels: tr.optimal_spend,
      true_incremental: {
        historical_even: evenTrue,
        historical_calendar: tr.historical_calendar_incremental,
        model_optimum: optimum.truth!.plan_incremental,
        plan: tr.plan_incremental,
        optimal: optTrue,
      },
      captured_share_optimum: share(optimum.truth!.plan_incremental),
      captured_share: share(tr.plan_incremental),
      step: u ? u.step : null,
      plan_minus_even_pct: (100 * (tr.plan_incremental - evenTrue)) / evenTrue,
      model_uplift_pct:
        (100 * (optimum.incremental_revenue - even.incremental_revenue)) / even.incremental_revenue,
      plan_uplift_p80_pct: u
        ? [
            (100 * u.uplift_interval.p80[0]) / even.incremental_revenue,
            (100 * u.uplift_interval.p80[1]) / even.incremental_revenue,
          ]
        : null,
      continued,
      curve_doubt: p.curve_doubt ?? null,
      convex: (p.convex_channels ?? []).map((c) => c.channel),
      uplift: u
        ? {
            true: tr.plan_incremental - evenTrue,
            claimed: u.uplift,
            p80: u.uplift_interval.p80,
            p95: u.uplift_interval.p95,
          }
        : null,
    });
  }
  const summarize = (
    pick: (r: PlannerRegretRow) => { share: number | null; value: number; even?: number },
  ): { at80: number; notWorse: number; median: number | null } => {
    const shares = regret.map((r) => pick(r).share).filter((v): v is number => v !== null);
    return {
      at80: shares.filter((s) => s >= 0.8).length,
      // Not worse: within 1e-9 of (a) counts (a plan that is (a) itself).
      notWorse: regret.filter((r) => {
        const even = pick(r).even ?? r.true_incremental.historical_even;
        return pick(r).value >= even - 1e-9 * Math.abs(even);
      }).length,
      median: shares.length ? median(shares) : null,
    };
  };
  const continuedSummary = (
    pick: (c: PlannerRegretRow['continued']) => { share: number | null; value: number },
  ) => {
    const s = summarize((r) => ({ ...pick(r.continued), even: r.continued.historical_even }));
    return {
      captured_at_least_80pct: s.at80,
      not_worse_than_even: s.notWorse,
      median_captured_share: s.median,
    };
  };
  const plan = summarize((r) => ({ share: r.captured_share, value: r.true_incremental.plan }));
  // The plan's claimed uplift against the truth, over the plans that move from (a) (step > 0).
  const moved = regret.flatMap((r) =>
    r.uplift && r.step !== null && r.step > 0 ? [r.uplift] : [],
  );
  const inside = (v: number, [lo, hi]: [number, number]): boolean => v >= lo && v <= hi;
  const opt = summarize((r) => ({
    share: r.captured_share_optimum,
    value: r.true_incremental.model_optimum,
  }));
  return {
    speed,
    tenants:
      options.heldout === undefined
        ? 'built-in, extreme and high tiers'
        : `generated gen_s${options.heldout}_*, extreme and high tiers (first 10)`,
    replicates,
    regret,
    ...(options.analyze ? { analysis } : {}),
    summary: {
      tenants: regret.length,
      captured_at_least_80pct: plan.at80,
      not_worse_than_even: plan.notWorse,
      median_captured_share: plan.median,
      optimum_captured_at_least_80pct: opt.at80,
      optimum_not_worse_than_even: opt.notWorse,
      optimum_median_captured_share: opt.median,
      uplift_intervals: {
        plans: moved.length,
        inside_80: moved.filter((m) => inside(m.true, m.p80)).length,
        below_80: moved.filter((m) => m.true < m.p80[0]).length,
        inside_95: moved.filter((m) => inside(m.true, m.p95)).length,
        below_95: moved.filter((m) => m.true < m.p95[0]).length,
        median_true_over_claimed: moved.length
          ? median(moved.map((m) => (m.claimed !== 0 ? m.true / m.claimed : 0)))
          : null,
      },
      continued: {
        stop_plan: continuedSummary((c) => ({
          share: c.captured_share_stop_plan,
          value: c.stop_plan,
        })),
        optimum: continuedSummary((c) => ({
          share: c.captured_share_optimum,
          value: c.model_optimum,
        })),
        plan: continuedSummary((c) => ({ share: c.captured_share, value: c.plan })),
      },
    },
  };
}

const k = (v: number): string => `${(v / 1000).toFixed(1)}k`;

const shareText = (v: number | null): string => (v === null ? '-' : `${(100 * v).toFixed(0)}%`);
const pctText = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(2)}%`;

export function formatPlannerBench(b: PlannerBench): string {
  const lines = [
    '',
    '## Planner',
    '',
    '| plan | channels x periods | median CPU ms |',
    '|---|---|---|',
  ];
  for (const s of b.speed)
    lines.push(`| ${s.name} | ${s.channels} x ${s.periods} | ${s.median_ms.toFixed(0)} |`);
  lines.push(
    '',
    `Ground-truth regret on ${b.tenants}, typical outlook, historical budget, 28 days, ${b.replicates} replicates (true incremental revenue over the horizon and its carry-over; "optimum" = the model's unchecked optimum, replicates 0):`,
    '',
    '| tenant | budget | (a) even | (b) calendar | optimum | plan | truth-optimal | captured: optimum | captured: plan | step | plan vs (a) | model: optimum vs (a) | model: plan vs (a), 80% | curve doubt / convex |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of b.regret) {
    const t = r.true_incremental;
    lines.push(
      `| ${r.tenant} | ${k(r.budget)} | ${k(t.historical_even)} | ${k(t.historical_calendar)} | ${k(t.model_optimum)} | ${k(t.plan)} | ${k(t.optimal)} | ${shareText(r.captured_share_optimum)} | ${shareText(r.captured_share)} | ${r.step === null ? '-' : r.step.toFixed(2)} | ${pctText(r.plan_minus_even_pct)} | ${pctText(r.model_uplift_pct)} | ${r.plan_uplift_p80_pct ? `${pctText(r.plan_uplift_p80_pct[0])} to ${pctText(r.plan_uplift_p80_pct[1])}` : '-'} | ${r.curve_doubt ?? '-'} / ${r.convex.join(', ') || '-'} |`,
    );
  }
  const s = b.summary;
  lines.push(
    '',
    `plan: captured >= 80%: ${s.captured_at_least_80pct}/${s.tenants}; not worse than (a) under the truth: ${s.not_worse_than_even}/${s.tenants}; median captured share ${shareText(s.median_captured_share)}`,
    `model's unchecked optimum: captured >= 80%: ${s.optimum_captured_at_least_80pct}/${s.tenants}; not worse than (a): ${s.optimum_not_worse_than_even}/${s.tenants}; median captured share ${shareText(s.optimum_median_captured_share)}`,
    `plan's uplift over (a) against the truth, ${s.uplift_intervals.plans} ${s.uplift_intervals.plans === 1 ? 'plan that moves' : 'plans that move'} from (a): inside the 80% interval ${s.uplift_intervals.inside_80} (below ${s.uplift_intervals.below_80}), inside the 95% interval ${s.uplift_intervals.inside_95} (below ${s.uplift_intervals.below_95}); median true / claimed uplift ${s.uplift_intervals.median_true_over_claimed === null ? '-' : s.uplift_intervals.median_true_over_claimed.toFixed(2)}`,
  );
  lines.push(formatContinuedRows(b));
  if (b.regret.some((r) => r.lift)) lines.push(formatLiftRows(b));
  if (b.analysis) lines.push(formatCaptureAnalysis(b.analysis));
  return lines.join('\n');
}

/** The regret with spend going on after the horizon (PlannerRegretRow.continued). */
function formatContinuedRows(b: PlannerBench): string {
  const lines = [
    '',
    "With spend going on after the horizon at each channel's historical rate (the truth counts the carry-over meeting it; `--after-horizon continue`): the plan above (planned as if nothing followed), and the model's optimum and checked plan planned with the spend going on:",
    '',
    '| tenant | (a) even | truth-optimal | plan above | captured | optimum (continue) | captured | plan (continue) | captured | step |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of b.regret) {
    const c = r.continued;
    lines.push(
      `| ${r.tenant} | ${k(c.historical_even)} | ${k(c.optimal)} | ${k(c.stop_plan)} | ${shareText(c.captured_share_stop_plan)} | ${k(c.model_optimum)} | ${shareText(c.captured_share_optimum)} | ${k(c.plan)} | ${shareText(c.captured_share)} | ${c.step === null ? '-' : c.step.toFixed(2)} |`,
    );
  }
  const line = (name: string, s: PlannerBench['summary']['continued']['plan']): string =>
    `${name}: captured >= 80%: ${s.captured_at_least_80pct}/${b.summary.tenants}; not worse than (a) under the truth: ${s.not_worse_than_even}/${b.summary.tenants}; median captured share ${shareText(s.median_captured_share)}`;
  const s = b.summary.continued;
  lines.push(
    '',
    line('plan above (after the horizon: stop)', s.stop_plan),
    line("model's optimum (after the horizon: continue)", s.optimum),
    line('plan (after the horizon: continue)', s.plan),
  );
  return lines.join('\n');
}

/** The --lift tables: plans calibrated with honest and with biased simulated lift tests. */
export function formatLiftRows(b: PlannerBench): string {
  const rows = b.regret.filter((r) => r.lift);
  const lines = [
    '',
    `Plans calibrated with simulated lift tests (${b.tenants}; one honest go-dark test per channel, SE 10% of the true lift; biased: one test at 2x the true lift, SE ${100 * BIASED_SE}% of it, on each channel alone), ${b.replicates} replicates:`,
    '',
    '| tenant | (a) even | truth-optimal | uncalibrated plan | captured | calibrated plan | captured | step | optimum captured | tests used / in conflict | ROAS uncal. -> cal. (truth) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const h = r.lift!.honest;
    const t = r.true_incremental;
    const roas = Object.entries(h.roas)
      .map(
        ([c, v]) =>
          `${c} ${v.uncalibrated.toFixed(2)} -> ${v.calibrated.toFixed(2)} (${v.truth.toFixed(2)})`,
      )
      .join(', ');
    lines.push(
      `| ${r.tenant} | ${k(t.historical_even)} | ${k(t.optimal)} | ${k(t.plan)} | ${shareText(r.captured_share)} | ${k(h.plan)} | ${shareText(h.captured_share)} | ${h.step === null ? '-' : h.step.toFixed(2)} | ${shareText(h.captured_share_optimum)} | ${h.tests_used} / ${h.tests_in_conflict} | ${roas} |`,
    );
  }
  lines.push(
    '',
    '| tenant | biased channel | in conflict (not used) | calibrated plan | captured | plan vs (a) | step |',
    '|---|---|---|---|---|---|---|',
  );
  for (const r of rows) {
    for (const x of r.lift!.biased) {
      lines.push(
        `| ${r.tenant} | ${x.channel} | ${x.tests_in_conflict > 0 ? 'yes' : 'no'} | ${k(x.plan)} | ${shareText(x.captured_share)} | ${pctText(x.plan_minus_even_pct)} | ${x.step === null ? '-' : x.step.toFixed(2)} |`,
      );
    }
  }
  const notWorse = (v: number, r: PlannerRegretRow): boolean =>
    v >= r.true_incremental.historical_even - 1e-9 * Math.abs(r.true_incremental.historical_even);
  const sum = (xs: { share: number | null; value: number; r: PlannerRegretRow }[]): string => {
    const shares = xs.map((x) => x.share).filter((v): v is number => v !== null);
    return `captured >= 80%: ${shares.filter((v) => v >= 0.8).length}/${xs.length}; not worse than (a): ${xs.filter((x) => notWorse(x.value, x.r)).length}/${xs.length}; median captured share ${shareText(shares.length ? median(shares) : null)}`;
  };
  const biased = rows.flatMap((r) => r.lift!.biased.map((x) => ({ x, r })));
  lines.push(
    '',
    `uncalibrated plan: ${sum(rows.map((r) => ({ share: r.captured_share, value: r.true_incremental.plan, r })))}`,
    `calibrated plan (honest tests): ${sum(rows.map((r) => ({ share: r.lift!.honest.captured_share, value: r.lift!.honest.plan, r })))}; honest tests reported in conflict: ${rows.reduce((a, r) => a + r.lift!.honest.tests_in_conflict, 0)} of ${rows.reduce((a, r) => a + Object.keys(r.lift!.honest.roas).length, 0)}`,
    `calibrated model's unchecked optimum (honest tests): ${sum(rows.map((r) => ({ share: r.lift!.honest.captured_share_optimum, value: r.lift!.honest.model_optimum, r })))}`,
    `biased test (each channel alone): reported in conflict ${biased.filter((b) => b.x.tests_in_conflict > 0).length}/${biased.length}; ${sum(biased.map(({ x, r }) => ({ share: x.captured_share, value: x.plan, r })))}`,
  );
  return lines.join('\n');
}

if (process.argv[1] && /bench[\\/]planner\.js$/.test(process.argv[1])) {
  const argv = process.argv;
  const flag = (name: string): number | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name} needs a whole number >= 0`);
    return v;
  };
  const b = runPlannerBench({
    quick: argv.includes('--quick'),
    heldout: flag('--heldout'),
    replicates: flag('--replicates'),
    analyze: argv.includes('--analyze'),
    regretOnly: argv.includes('--regret-only'),
    lift: argv.includes('--lift'),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(
    argv.includes('--json') ? JSON.stringify(b) + '\n' : formatPlannerBench(b) + '\n',
  );
}
