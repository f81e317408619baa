/** Shapes of the gate decisions taken after each phase (public JSON: snake_case keys). */

import type { PhaseId, TenantResult } from '../phases/types.js';

export type GateDecisionKind =
  | 'BASELINE_RECORDED'
  | 'PROCEED_TO_PHASE_2'
  | 'PHASE_1_SUFFICIENT'
  | 'STOP_SUFFICIENT'
  | 'UNBLOCK_PRODUCT'
  | 'SUCCESS'
  | 'ESCALATE';

export type EscalationSeverity = 'high' | 'medium';

export interface PhaseRun {
  phase: PhaseId;
  results: TenantResult[];
}

export interface GateInput {
  /** The phase whose results are being judged. */
  phase: PhaseId;
  results: TenantResult[];
  /** Results of the phase before (phase 1 for phase 2, phase 2 for phase 3, phase 0 for phase 1). */
  previous?: PhaseRun | null;
  /** Phase 0 results: the tenants passing there must keep R² >= 0.70 later (no-regression rule). */
  baseline?: TenantResult[] | null;
  /** Mean R² a tenant needs to pass (default 0.50). */
  passThreshold?: number;
  /** How a drop below the regression floor is judged (default: noise-aware at level 0.05). */
  regression?: RegressionConfig;
  /**
   * The caller's words for the next step of a missing prerequisite run (the command or tool call
   * to paste); default: plain words ('Run phase 2 for the same tenants').
   */
  words?: GateWords;
  /**
   * Tenants of `results` whose data has been deleted since the run (the caller knows the store).
   * A next step names no run of them: no phase can run on a deleted tenant.
   */
  deletedTenants?: readonly string[];
  /**
   * Tenants of `results` whose data changed since the run computed on them (imported again with
   * other data; the caller knows the store): the decision judges figures of data they no longer
   * have, and says so.
   */
  dataChangedTenants?: readonly string[];
  /**
   * The stored runs behind `previous` and `baseline` (the caller knows the store): their ids, named
   * in the reasons and the JSON, and the tenants left out of them because their result there was
   * computed on other data than in `results` (the caller leaves those results out: folds of two
   * datasets are not paired). A run given here whose every shared tenant was left out is passed
   * as null `previous` / `baseline` and named in the missing-run evidence.
   */
  compared?: { previous?: ComparedRunInput | null; baseline?: ComparedRunInput | null };
}

/** A run compared with, as the caller gives it (GateInput.compared). */
export interface ComparedRunInput {
  run_id: number;
  /** Tenants of the judged results whose result in this run was computed on other data. */
  other_data: readonly string[];
}

/** A run the decision compared with: its id and phase, and the tenants left out of it. */
export interface ComparedRun {
  run_id: number;
  phase: PhaseId;
  /**
   * Tenants of the judged run this run also holds, left out of the comparison: their result here
   * was computed on other data (the tenant imported again between the runs), sorted.
   */
  other_data: string[];
}

/** A face's commands, as the next step of a missing prerequisite run names them. */
export interface GateWords {
  /** Running `phase` for `tenants` (the judged run's tenants). */
  runPhase(phase: PhaseId, tenants: readonly string[]): string;
  /** Judging `phase` again. */
  checkGates(phase: PhaseId): string;
}

/**
 * 'noise_aware': a baseline passer below its floor counts as a regression only when its drop is
 * beyond fold noise by either of two one-sided criteria at `level` (RegressionCriterion).
 * 'strict': any passer below its floor is a regression (the plan read literally).
 */
export type RegressionMode = 'noise_aware' | 'strict';

/**
 * The two noise-aware criteria. 'paired_t_test': a one-sided paired t-test on the per-fold R²
 * differences (this phase minus the baseline) rejects "no drop" (a small drop on every fold).
 * 'mean_drop': the mean fell by more than t(1 - level, folds - 1) baseline standard errors, i.e.
 * below the one-sided lower confidence bound of the baseline's mean (a large drop on few folds:
 * with the differences (d, 0, ..., 0) the paired t is -1 whatever d, so the test cannot see it).
 */
export type RegressionCriterion = 'paired_t_test' | 'mean_drop';

export interface RegressionConfig {
  mode?: RegressionMode;
  /** Level of each one-sided criterion (RegressionCriterion), in (0, 0.5] (default 0.05). */
  level?: number;
}

/** The figures of one tenant's regression check (a baseline passer below its floor). */
export interface RegressionTenant {
  tenant: string;
  /** Baseline (phase 0) mean R². */
  before: number;
  /** This phase's mean R². */
  after: number;
  /** min(0.70, before). */
  floor: number;
  /** Paired folds used by the test (0 when the folds could not be paired). */
  folds: number;
  /** Mean of the per-fold differences (after - before); null when not paired. */
  mean_difference: number | null;
  /** Standard error of that mean; null when not paired. */
  standard_error: number | null;
  /** t statistic (df = folds - 1); null when not paired. */
  t: number | null;
  /** One-sided p-value P(T <= t); null when not paired. */
  p_value: number | null;
  /**
   * The baseline's standard error over the paired folds: their R² sample sd (n - 1) / sqrt(folds);
   * null when not paired.
   */
  baseline_standard_error: number | null;
  /** t(1 - level, folds - 1), the one-sided critical value; null when not paired. */
  critical_t: number | null;
  /**
   * The fold noise the mean drop (-mean_difference) must exceed for 'mean_drop':
   * critical_t × baseline_standard_error; null when not paired.
   */
  drop_bound: number | null;
  /**
   * The noise-aware criteria that found the drop beyond fold noise, at the decision's level
   * (also in strict mode, where every drop counts). Empty: within fold noise, or not paired.
   */
  criteria_met: RegressionCriterion[];
  /** True when counted as a regression. */
  regression: boolean;
  /** Why it was or was not counted. */
  verdict: string;
}

/** How the no-regression rule was applied, stored with the decision. */
export interface RegressionTestSummary {
  mode: RegressionMode;
  /** The test, in words. */
  test: string;
  level: number;
  /** Every baseline passer found below its floor, with its test figures. */
  below_floor: RegressionTenant[];
  /** Tenants below their floor whose drop the test judged as fold noise (not regressions). */
  judged_noise: string[];
}

/** One scaled count rule: `pass_count >= count` (or, for '>', pass rate above the fraction). */
export interface CountThreshold {
  name: string;
  /** The plan's rule as a fraction of the tenants (e.g. 0.5 for 10 of 20). */
  fraction: number;
  rule: '>=' | '>';
  /** Smallest pass count that satisfies the rule for this number of tenants. */
  count: number;
}

export interface GateThresholds {
  pass_r2: number;
  /** Scaled counts by rule name, e.g. { proceed_to_phase_2: 10, phase_1_sufficient: 7 } at N = 20. */
  counts: Record<string, number>;
  rules: CountThreshold[];
}

export interface SuccessCriterion {
  name: string;
  /** The target as written, e.g. ">= 0.25" or ">= 25%". */
  target: string;
  /** The measured figure (a fraction for rates, a count for regressions); null when not measurable. */
  actual: number | null;
  /** null when the criterion cannot be evaluated (a prerequisite run is missing). */
  passed: boolean | null;
  detail: string;
}

/**
 * A next step as a call an agent can make (the tool or command of that name on its face), or a
 * decision only a person can take. An autopilot read the next step in prose only (probe s75 K:
 * "Proceed to phase 2 ... report the result to the modeling lead", both at once).
 */
export interface NextAction {
  /** run_phase, check_gates, explain_tenant; ask_person: a decision for a person (no call). */
  action: 'run_phase' | 'check_gates' | 'explain_tenant' | 'ask_person';
  /** run_phase and check_gates: the phase. */
  phase?: PhaseId;
  /** run_phase: the tenants. */
  tenants?: string[];
  /** explain_tenant: the tenant. */
  tenant?: string;
  /** Why, in a few words. */
  why: string;
}

export interface EscalationCriterion {
  name: string;
  triggered: boolean;
  /** Human-readable figures and tenants behind the verdict. */
  evidence: string;
  /** Tenants concerned (sorted), empty when not tenant-specific. */
  tenants: string[];
  severity: EscalationSeverity;
  /** What to do when this criterion is triggered. */
  recommended_next_step: string;
  /** The same as calls, when the tools can do it (absent: a person decides). */
  actions?: NextAction[];
}

export interface Escalation {
  /** The names of the triggered criteria, joined. */
  reason: string;
  /** One evidence line per triggered criterion. */
  evidence: string[];
  recommended_next_step: string;
  severity: EscalationSeverity;
  /** Names of the triggered criteria. */
  criteria: string[];
}

export interface ExtendedCheckCounts {
  /** Informational only: these never change pass_count or the decision. */
  note: string;
  limits: {
    max_fold_std: number;
    max_rmse_pct: number;
    min_folds: number;
    min_baseline_error_ratio: number;
  };
  fold_std_ok: number;
  rmse_pct_ok: number;
  enough_folds: number;
  beats_baselines: number;
  /** Tenants meeting all four extended checks. */
  all_ok: number;
  /** Tenants passing the R² bar and all four extended checks. */
  passing_and_all_ok: number;
}

export interface PhaseFigures {
  phase: PhaseId;
  /** The run the figures are from (null when the caller gave no run id). */
  run_id: number | null;
  total: number;
  pass_count: number;
  mean_r2: number;
}

/** A tenant whose mean R² is within one standard error of the pass bar (either side). */
export interface BorderlineTenant {
  tenant: string;
  mean_r2: number;
  /** Standard error of mean_r2 (TenantResult.se_r2). */
  se_r2: number;
  /** mean_r2 minus the pass bar: negative when it fails, by less than se_r2. */
  margin: number;
  passes: boolean;
}

export interface GateDecision {
  phase: PhaseId;
  decision: GateDecisionKind;
  /** What the pass-count rule alone says (before escalation criteria override it). */
  count_decision: GateDecisionKind;
  next_step: string;
  /**
   * Tenants of the runs compared with (previous phase, baseline) that this run leaves out, not
   * deleted: the decision is of this run's tenants only. Absent from decisions recorded before
   * session 76.
   */
  tenants_not_in_run?: string[];
  /**
   * next_step as calls, in order (ask_person: a decision for a person first); empty when nothing
   * is left to do. Absent from decisions recorded before session 76.
   */
  next_actions?: NextAction[];
  /**
   * True when next_actions starts with ask_person: a person decides before any call (an ask_person
   * after calls is a report that does not hold them).
   */
  needs_person?: boolean;
  /**
   * True before phase 3: whatever the decision (a stop included), explanations' ROAS and budget
   * plans use phase 3's model, so an agent that branches on `decision` alone still knows to run it
   * before acting on figures (probe s70: STOP_SUFFICIENT at phase 2 read as "done"). Absent from
   * decisions recorded before it.
   */
  phase3_needed_for_figures?: boolean;
  reasons: string[];
  pass_count: number;
  total: number;
  /** pass_count / total, in [0, 1]. */
  pass_rate: number;
  mean_r2: number;
  /** Tenants passing the R² bar, sorted. */
  passing_tenants: string[];
  thresholds: GateThresholds;
  /** Set when the number of tenants is not 20: how the plan's counts were scaled. */
  scaling_note: string | null;
  success_criteria: SuccessCriterion[];
  escalation_criteria: EscalationCriterion[];
  escalation: Escalation | null;
  extended_checks: ExtendedCheckCounts;
  previous: PhaseFigures | null;
  baseline: PhaseFigures | null;
  /**
   * The runs compared with (the previous phase's, phase 0's), named even when every shared tenant
   * was left out as computed on other data; null when none was found (or the caller gave no ids).
   */
  compared_runs: { previous: ComparedRun | null; baseline: ComparedRun | null };
  /** How the no-regression rule was judged (null when there is no baseline run to compare with). */
  regression_test: RegressionTestSummary | null;
  /**
   * Tenants within one standard error of the pass bar, sorted: which side of it they fall on is
   * fold noise (a refresh can flip them). The rule is unchanged; the reasons say whether the
   * count decision rests on them.
   */
  borderline: BorderlineTenant[];
  /**
   * Tenants of the judged run imported again with other data since it ran, sorted: the decision
   * judges figures of data they no longer have (run the phase again for the current data).
   */
  data_changed: string[];
  /** Tenants of the judged run deleted since it ran, sorted. */
  tenants_deleted: string[];
  /**
   * The judged run, as the app's checkGates returns the decision (the stored decision keeps it in
   * its own column: gates://latest/{phase} gives it beside the decision); absent in a decision
   * made without a run (decideGates alone).
   */
  run_id?: number;
}
