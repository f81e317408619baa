/**
 * What the report builders take: plain data gathered by the app layer (src/app/report.ts). The
 * report layer computes nothing about models; it turns these figures into charts, readings and
 * one HTML page. Every field is JSON-safe (no typed arrays) so that the same shapes can be
 * written to the page as data.
 */
import type { GateDecision } from '../gates/types.js';
import type { Explanation, PhaseComparison, PhaseId, TenantResult } from '../phases/types.js';

/** A two-sided interval at a given level (0.8 = 80%). */
export interface Interval {
  level: number;
  lo: number;
  hi: number;
}

/** Out-of-sample predictions of one outer fold (its test rows only). */
export interface FoldFit {
  fold: number;
  dates: string[];
  actual: number[];
  predicted: number[];
  /** Noise-free expected target (synthetic tenants): what the oracle would predict. */
  expected: number[] | null;
}

/**
 * The all-rows model's prediction split into parts that add up to it, per period: each channel's
 * counterfactual contribution (prediction minus prediction with that channel's spend zeroed),
 * weather's (prediction minus prediction with every weather column at its mean), each control's,
 * and the remainder as baseline (trend, season, calendar and interactions not assigned above).
 */
export interface DecompositionOverTime {
  dates: string[];
  predicted: number[];
  baseline: number[];
  /** Null when the series has no weather columns. */
  weather: number[] | null;
  /**
   * Each control's part: prediction minus prediction with the control at its reference (0 when
   * it is 0 on at least half the rows, else its mean). Absent or empty without controls.
   */
  controls?: { control: string; reference: number; contribution: number[] }[];
  channels: { channel: string; contribution: number[]; truth: number[] | null }[];
}

/** Optional intervals for the explanation's figures, when the engine provides them. */
export interface ExplanationIntervals {
  /** By channel. */
  roas?: Record<string, Interval>;
  marginal_roas?: Record<string, Interval>;
  contribution?: Record<string, Interval>;
  /** By weather state then channel. */
  state_roas?: Record<string, Record<string, Interval>>;
  /** By channel: bounds of the response curve at each spend level. */
  response_curves?: Record<string, { level: number; lo: number[]; hi: number[] }>;
}

/** A budget plan: spend per period and channel, with the weather outlook it was made for. */
export interface PlanView {
  id: string | number;
  created_at: string;
  /** One row per period and channel. */
  spend: { date: string; channel: string; spend: number }[];
  /** Weather outlook per period (any of the weather columns), may be empty. */
  outlook: { date: string; variable: string; value: number }[];
  /**
   * The model's controls per period as the plan assumed them (a forecast's planned values, else
   * their typical year); absent or empty without controls and for plans stored before session 60.
   */
  controls?: { date: string; variable: string; value: number }[];
  /** Expected revenue in the plan's horizon, when the planner gives it. */
  expected_revenue?: number | null;
  /**
   * The plan's carry-over after the horizon (revenue its spend still adds there), read beside
   * expected_revenue; the report gave the horizon's and the carry-over's sum under the plan's
   * name for the horizon alone.
   */
  carry_over_after?: number | null;
  /** What the plan was asked: a budget to spend, or a target ROAS / marginal ROAS (absent: a budget). */
  objective?: { kind: 'revenue' } | { kind: 'target_roas' | 'target_marginal_roas'; value: number };
  /** The plan's incremental revenue and ROAS (its model's view; absent for plans drawn without them). */
  incremental_revenue?: number;
  roas?: number;
  /**
   * The 80% intervals of the plan's incremental revenue and of its expected revenue in the
   * horizon (checked plans; null or absent otherwise): the page gave the point alone, which a
   * probe's manager would have copied (a plan model reading ROAS 5.03 where explain read 2.4-2.9).
   */
  incremental_revenue_p80?: [number, number] | null;
  expected_revenue_p80?: [number, number] | null;
  /** The plan's uplift over baseline (a), the historical split spread evenly, with its 80% interval. */
  uplift_over_even?: { value: number; p80: [number, number] | null } | null;
  /** Lift tests the plan model was calibrated with (used); 0 or absent: none. */
  calibrated_with?: number;
  /**
   * False for a plan made without refits (replicates 0): the model's optimum, unchecked, with no
   * interval; absent: checked (or drawn without the flag).
   */
  checked?: boolean;
  /**
   * The plan at other budgets (plan --budget-curve): each budget's incremental revenue, its 80%
   * interval (checked plans) and, for synthetic tenants, the same plan's under the truth.
   */
  budget_curve?: {
    multiple: number;
    budget: number;
    incremental_revenue: number;
    p80: [number, number] | null;
    truth: number | null;
    /** The plan's own figure: what the slice from the previous budget returns per unit (null beside an infeasible one). */
    return_on_increment: number | null;
  }[];
  notes?: string[];
  /**
   * The plan's caveats (its `read_first`), which the page's "Read first" repeats under the plan's
   * name: beside the plan chart alone they sat as grey bullets near the bottom of the page.
   * Absent for plan views made before session 63.
   */
  read_first?: string[];
  /**
   * How many of `read_first` are things to read before the figures (caveats, the other-data and
   * other-lift-tests lines), the model's line after them not counted; absent: all of them.
   */
  read_first_caveats?: number;
}

export interface GateView {
  decision: GateDecision;
  run_id: number | null;
  decided_at: string | null;
  /** False when the decision was evaluated for the report and not stored. */
  stored: boolean;
}

export interface TenantReportData {
  tenant: {
    id: string;
    source: 'builtin' | 'generated' | 'imported';
    frequency: 'daily' | 'weekly';
    rows: number;
    start: string;
    end: string;
    channels: string[];
    weather: string[];
    target: string;
    tier: string;
    category: string;
    /** null: not known (imported data). */
    city: string | null;
    driver: string;
  };
  phase: PhaseId;
  /** The stored run the figures belong to (null: trained for the report only). */
  run: { id: number; finished_at: string | null } | null;
  result: TenantResult;
  fit: FoldFit[];
  explanation: Explanation;
  decomposition: DecompositionOverTime;
  intervals: ExplanationIntervals | null;
  /** What to read before trusting the figures (model below the bar, intervals spanning zero). */
  caveats: string[];
  /**
   * The data's warnings as `train` gives them (paused or launched channels, a level shift, events a
   * fold never saw in training...), listed in "Read first" under "The data"; absent in report data
   * made before session 63.
   */
  data_warnings?: string[];
  /** True adstock decay per channel (synthetic tenants). */
  truth_decay: Record<string, number> | null;
  gate: GateView | null;
  plan: PlanView | null;
  /**
   * Where the figures come from, e.g. "run 12 (finished 2026-12-01T05:00:00Z)"; null when trained
   * for the report. No clock is read: the same figures give the same page, byte for byte.
   */
  figures_of: string | null;
  /** Program version, shown in the footer. */
  version: string;
}

export interface RunReportData {
  run: {
    id: number;
    phase: PhaseId;
    status: string;
    created_at: string;
    finished_at: string | null;
    seconds: number | null;
    config: Record<string, unknown>;
  };
  /** Per-tenant results in the run's tenant order. */
  results: TenantResult[];
  pass_threshold: number;
  gate: GateView | null;
  /** The previous phase's latest finished run compared with this one (b = this run). */
  comparison: PhaseComparison | null;
  figures_of: string;
  version: string;
}
