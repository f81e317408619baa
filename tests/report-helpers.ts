/** Report data for tests: built from the engine (compute task 'report') or by hand. */
import { compute, resolveTenant, type TenantSource } from '../src/app/compute.js';
import { tenantToCsv } from '../src/core/csv.js';
import type { TenantSeries } from '../src/core/types.js';
import type { Explanation, TenantResult, WeatherContrast } from '../src/phases/types.js';
import type { PhaseId } from '../src/phases/types.js';
import type { RunReportData, TenantReportData } from '../src/report/index.js';

export const TEST_CONFIG = {
  folds: 5,
  gap: 0,
  calendar: true,
  alphas: [0.01, 0.1, 1, 10, 100],
  passThreshold: 0.5,
  blend: 'rule' as const,
  seed: 0,
};

/** A built-in tenant's daily series summed into weeks (spend, revenue) with mean weather, as CSV. */
export function weeklyCsvOf(tenant: string): string {
  const { series } = resolveTenant({ kind: 'builtin', tenant });
  const weeks = Math.floor(series.dates.length / 7);
  const sumWeeks = (x: Float64Array, mean: boolean) =>
    Float64Array.from({ length: weeks }, (_, w) => {
      let s = 0;
      for (let t = 7 * w; t < 7 * w + 7; t++) s += x[t];
      return mean ? s / 7 : s;
    });
  const weekly: TenantSeries = {
    ...series,
    tenant: `${tenant}_weekly`,
    frequency: 'weekly',
    dates: Array.from({ length: weeks }, (_, w) => series.dates[7 * w]),
    spend: series.spend.map((x) => sumWeeks(x, false)),
    weather: series.weather.map((x) => sumWeeks(x, true)),
    controls: series.controls.map((x) => sumWeeks(x, true)),
    target: sumWeeks(series.target, false),
  };
  return tenantToCsv(weekly);
}

/** Report data of a tenant as the app gathers it, without the store (no run, gate or plan). */
export function engineReportData(
  source: TenantSource,
  phase: PhaseId,
  /** Bootstrap replicates of the intervals (0: none, the page without intervals). */
  replicates = 0,
): TenantReportData {
  const out = compute({ kind: 'report', phase, config: TEST_CONFIG, source, replicates });
  if (out.kind !== 'report') throw new Error('unexpected compute result');
  const { series, synthetic } = resolveTenant(source);
  const info = synthetic?.info;
  return {
    tenant: {
      id: source.tenant,
      source: info ? info.source : 'imported',
      frequency: series.frequency,
      rows: series.dates.length,
      start: series.dates[0],
      end: series.dates[series.dates.length - 1],
      channels: series.channels,
      weather: series.weatherNames,
      target: series.targetName,
      tier: info?.tier ?? 'custom',
      category: info?.category ?? 'imported',
      city: info?.city ?? '',
      driver: info?.driver ?? 'none',
    },
    phase,
    run: null,
    result: out.result,
    fit: out.fit,
    explanation: out.explanation,
    decomposition: out.decomposition,
    intervals: null,
    caveats: [],
    truth_decay: out.truthDecay,
    gate: null,
    plan: null,
    figures_of: null,
    version: 'test',
  };
}

/**
 * A small hand-made tenant report: two channels over 12 days, social returning 2.6x on hot days
 * and 1.3x on cold days, with intervals and a plan, so every optional chart has data.
 */
export function handMadeReportData(): TenantReportData {
  const dates = Array.from({ length: 12 }, (_, i) => `2024-07-${String(i + 1).padStart(2, '0')}`);
  const channels = ['social', 'search'];
  const fold = (k: number) => ({
    fold: k,
    dates: dates.slice(6 + 3 * k, 9 + 3 * k),
    actual: [100, 110, 120],
    predicted: [98, 112, 118],
    expected: null,
  });
  const folds = [0, 1].map((k) => ({
    fold: k,
    train_rows: 6 + 3 * k,
    test_rows: 3,
    test_start: dates[6 + 3 * k],
    test_end: dates[8 + 3 * k],
    r2: k === 0 ? 0.6 : 0.7,
    train_r2: 0.8,
    rmse: 2,
    mae: 2,
    mape: 2,
    nrmse: 0.1,
    oracle_r2: null,
    alpha: 1,
    model: 'ridge' as const,
    blend_weight: null,
    reason: null,
    gbm_trees: null,
    channel_params: null,
    fallback: null,
    dropped_terms: [],
    held_terms: [],
  }));
  const result = {
    tenant: 'hand',
    phase: 3,
    model_kind: 'ridge',
    fold_r2: [0.6, 0.7],
    mean_r2: 0.65,
    std_r2: 0.05,
    se_r2: 0.05,
    train_r2: 0.8,
    rmse: 2,
    rmse_pct: 2,
    mae: 2,
    mape: 2,
    nrmse: 0.1,
    alphas: [1, 1],
    feature_names: [],
    oracle_r2: null,
    oracle_gap: null,
    passes: true,
    checks: { fold_std_ok: true, rmse_pct_ok: true, enough_folds: false, beats_baselines: true },
    failures: [],
    baselines: {
      training_mean: { rmse: 5, error_ratio: 2.5 },
      same_weekday_last_week: { rmse: 5, error_ratio: 2.5 },
      spend_only_linear: { rmse: 5, error_ratio: 2.5 },
    },
    folds,
    top_features: null,
    protocol: null,
    seconds: 0.1,
  } as TenantResult;
  const stateChannels = (hot: number, cold: number) => ({ hot, cold });
  const roasBy = { social: stateChannels(2.6, 1.3), search: stateChannels(1.5, 1.4) };
  const explanation: Explanation = {
    tenant: 'hand',
    phase: 3,
    model_kind: 'ridge',
    rows: 12,
    start: dates[0],
    end: dates[11],
    channels: channels.map((c, i) => ({
      channel: c,
      spend: 1200 * (i + 1),
      contribution: 2400 * (i + 1),
      roas: 2,
      marginal_roas: 1.1 - 0.2 * i,
      share_of_predicted: 0.1,
      truth: null,
      roas_error: null,
      intervals: null,
    })),
    weather_states: (['hot', 'cold'] as const).map((s) => ({
      state: `temperature_c:${s}`,
      variable: 'temperature_c',
      definition: s === 'hot' ? 'temperature_c > 20' : 'temperature_c <= 20',
      rows: 6,
      channels: channels.map((c) => ({
        channel: c,
        spend: 600,
        contribution: 600 * roasBy[c as 'social' | 'search'][s],
        roas: roasBy[c as 'social' | 'search'][s],
        marginal_roas: 1,
        true_roas: null,
        roas_error: null,
        intervals: null,
      })),
    })),
    controls: [],
    response_curves: channels.map((c) => ({
      channel: c,
      spend_levels: [0, 100, 200, 300],
      contribution: [0, 150, 250, 300],
      by_state: {},
      true_contribution: null,
      contribution_interval: null,
    })),
    channel_params: {
      social: { decay: 0.5, k_mult: 1, k: 100, s: 1 },
      search: { decay: 0.2, k_mult: 1, k: 100, s: 1 },
    },
    caveats: [],
    validation: null,
    uncertainty: null,
    notes: ['hand-made data'],
  };
  const iv = (lo: number, hi: number) => ({ level: 0.8, lo, hi });
  return {
    tenant: {
      id: 'hand',
      source: 'imported',
      frequency: 'daily',
      rows: 12,
      start: dates[0],
      end: dates[11],
      channels,
      weather: ['temperature_c'],
      target: 'revenue',
      tier: 'custom',
      category: 'imported',
      city: '',
      driver: 'none',
    },
    phase: 3,
    run: { id: 4, finished_at: '2024-08-01T00:00:00Z' },
    result,
    fit: [fold(0), fold(1)],
    explanation,
    decomposition: {
      dates,
      predicted: dates.map(() => 100),
      baseline: dates.map(() => 60),
      weather: dates.map((_, i) => (i % 2 ? 5 : -5)),
      channels: channels.map((c, i) => ({
        channel: c,
        contribution: dates.map(() => (i === 0 ? 25 : 15)),
        truth: null,
      })),
    },
    intervals: {
      roas: { social: iv(1.5, 2.5), search: iv(1.2, 2.8) },
      marginal_roas: { social: iv(0.8, 1.4), search: iv(0.5, 1.3) },
      state_roas: {
        'temperature_c:hot': { social: iv(2, 3.2), search: iv(1, 2) },
        'temperature_c:cold': { social: iv(1, 1.6), search: iv(1, 1.8) },
      },
      response_curves: {
        social: { level: 0.8, lo: [0, 120, 200, 240], hi: [0, 180, 300, 360] },
        search: { level: 0.8, lo: [0, 120, 200, 240], hi: [0, 180, 300, 360] },
      },
    },
    caveats: ['the interval of search ROAS in cold weather spans zero (hand-made caveat)'],
    truth_decay: null,
    gate: null,
    plan: {
      id: 1,
      created_at: '2024-08-01T00:00:00Z',
      spend: ['2024-08-02', '2024-08-03'].flatMap((date, i) => [
        { date, channel: 'social', spend: 150 + 50 * i },
        { date, channel: 'search', spend: 100 },
      ]),
      outlook: [
        { date: '2024-08-02', variable: 'temperature_c', value: 24 },
        { date: '2024-08-03', variable: 'temperature_c', value: 29 },
      ],
      expected_revenue: 1200,
      carry_over_after: 180,
      notes: ['hand-made plan'],
    },
    figures_of: 'run 4',
    version: 'test',
  };
}

/** A run report's data over the hand-made tenant and a copy of it, with `config`. */
export function handMadeRunData(config: Record<string, unknown>): RunReportData {
  const r = handMadeReportData().result;
  return {
    run: {
      id: 7,
      phase: 3,
      status: 'done',
      created_at: 'c',
      finished_at: 'f',
      seconds: 1,
      config,
    },
    results: [r, { ...r, tenant: 'other', mean_r2: 0.2, passes: false }],
    pass_threshold: 0.5,
    gate: null,
    comparison: null,
    figures_of: 'run 7',
    version: 'test',
  };
}

/** A channel's ROAS on hot days over cold ones, with its intervals (intervals.ts weatherContrasts). */
export function hotOverCold(
  channel: string,
  ratio: number,
  p80: [number, number],
  p95: [number, number],
  trueRatio: number | null = null,
): WeatherContrast {
  return {
    channel,
    variable: 'temperature_c',
    state: 'temperature_c:hot',
    reference: 'temperature_c:cold',
    ratio,
    p80,
    p95,
    true_ratio: trueRatio,
  };
}
