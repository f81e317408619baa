/** Record shapes read from and written to the store (public JSON: snake_case keys). */

import type { GroundTruth, TenantInfo } from '../core/types.js';
import type { GateDecision } from '../gates/types.js';
import type { PhaseId } from '../phases/types.js';

export type DatasetSource = TenantInfo['source'];
export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type FinalRunStatus = 'done' | 'failed' | 'cancelled';

export interface DatasetInput {
  info: TenantInfo;
  /** The tenant's canonical CSV text; its sha256 is the dataset's content hash. */
  csv: string;
  truth?: GroundTruth | null;
  /** Keep the CSV text in SQLite (default: yes unless the source is 'builtin', which regenerates). */
  storeCsv?: boolean;
  /**
   * Only create: a tenant already stored is left as it is and DatasetExistsError is thrown. Checked
   * inside the write, so of two processes importing the same new id at once one is refused.
   */
  onlyNew?: boolean;
}

export interface DatasetSummary {
  tenant: string;
  source: DatasetSource;
  content_hash: string;
  rows: number;
  frequency: TenantInfo['frequency'];
  start: string;
  end: string;
  channels: string[];
  info: TenantInfo;
  has_csv: boolean;
  has_truth: boolean;
  created_at: string;
  updated_at: string;
}

export interface DatasetRecord extends DatasetSummary {
  csv: string | null;
  truth: GroundTruth | null;
}

export interface CreateRunInput {
  key: string;
  phase: PhaseId;
  tenants: string[];
  config: unknown;
  codeVersion: string;
  seed: number;
  /** Default 'queued'; 'running' also sets started_at. */
  status?: 'queued' | 'running';
  /** Default: the number of tenants. */
  progressTotal?: number;
}

export interface RunRecord {
  id: number;
  key: string;
  phase: PhaseId;
  tenants: string[];
  config: unknown;
  config_hash: string;
  code_version: string;
  seed: number;
  status: RunStatus;
  progress_done: number;
  progress_total: number;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  seconds: number | null;
  summary: unknown;
  /** When the run was last served from the store for an identical request (null: never). */
  served_at: string | null;
}

export interface ListRunsOptions {
  /** 1..1000, default 50. */
  limit?: number;
  offset?: number;
  phase?: PhaseId;
  status?: RunStatus;
}

/** A fitted model to keep, so explain/predict can work later without retraining. */
export interface ModelInput {
  /** Fold index, or -1 for the final model fitted on all rows. */
  fold: number;
  kind: string;
  payload: unknown;
}

export interface ModelRecord extends ModelInput {
  run_id: number;
  tenant: string;
}

export interface FoldRow {
  run_id: number;
  tenant: string;
  fold: number;
  r2: number | null;
  rmse: number | null;
  alpha: number | null;
  model: string;
  /**
   * Model parameters of the fold: blend_weight, gbm_trees, channel_params, reason, fallback (the
   * per-fold phase fallback decision), dropped_terms (terms the window cannot identify: calendar terms, columns moving on one row)
   * and held_terms (terms held after the window: the trend at its last training value, one-off events at their common value), growth_trend (the log growth rate a year of the trend's curve, null for a straight trend).
   */
  params: Record<string, unknown>;
}

export interface SaveGateDecisionInput {
  /** The run the decision judged (null if none is stored). */
  runId: number | null;
  /** Which stored runs fed the decision, e.g. { results: 12, previous: 9, baseline: 4 }. */
  inputs: Record<string, number | null>;
  decision: GateDecision;
}

export interface GateDecisionRecord {
  id: number;
  run_id: number | null;
  phase: PhaseId;
  decision: GateDecision['decision'];
  inputs: Record<string, number | null>;
  result: GateDecision;
  created_at: string;
  escalation_id: number | null;
}

export interface EscalationRecord {
  id: number;
  gate_decision_id: number;
  phase: PhaseId;
  reason: string;
  evidence: string[];
  next_step: string;
  severity: string;
  created_at: string;
}

export interface SavePlanInput {
  tenant: string;
  /** The run whose stored all-rows model the plan used (null when it no longer exists). */
  modelRunId: number | null;
  /** The request as given (budget, horizon, outlook, bounds, objective). */
  inputs: unknown;
  /** The fitted model (final-model JSON) the plan was made from. */
  model: unknown;
  /** The plan (plan JSON). */
  result: unknown;
}

/** What a plan says of the data it was made on (the app compares it with the tenant's now). */
export interface PlanData {
  /** The data's identity its result keeps (`data_id`; null for plans stored before it was kept). */
  data_id: string | null;
  /** The dataset hash stored with its model run's result for the tenant (null: run gone, or older). */
  model_data_hash: string | null;
}

export interface PlanRecord extends PlanData {
  id: number;
  tenant: string;
  model_run_id: number | null;
  inputs: unknown;
  model: unknown;
  result: unknown;
  created_at: string;
}

/** A plan without its model and result payloads, for listings. */
export interface PlanHead extends PlanData {
  id: number;
  tenant: string;
  model_run_id: number | null;
  inputs: unknown;
  created_at: string;
  /** A few figures of the stored result, read in the query (PlanFigures; null fields when absent). */
  figures: PlanFigures;
}

/** The figures of a stored plan that a listing shows (from its result, without reading it whole). */
export interface PlanFigures {
  unit: string | null;
  outlook: string | null;
  budget: number | null;
  incremental_revenue: number | null;
  roas: number | null;
  /** The plan's incremental revenue minus baseline (a)'s (the historical split, even). */
  uplift_vs_historical: number | null;
  /** The plan's incremental revenue minus that of the spend plan given beside it (baseline (c)), else null. */
  uplift_vs_given: number | null;
  /** The name of that spend plan (its file, or the MCP argument), else null. */
  given_plan: string | null;
  /** The outlook of the plan compared with (--compare / compare_scenario), else null. */
  compare_outlook: string | null;
  compare_incremental_revenue: number | null;
  /** The codes of the plan's caveats in their order; null for plans stored before they were kept. */
  caveats: string[] | null;
  /**
   * True when the plan was made without refits (replicates 0, or too few planned): the model's
   * own optimum, unchecked (PlanResult.uncertainty null).
   */
  unchecked: boolean;
}

/** One stored lift test (experiment) of a tenant. */
export interface LiftTestRecord {
  id: number;
  tenant: string;
  channel: string;
  start: string;
  end: string;
  spend_change: number;
  incremental_revenue: number;
  standard_error: number;
  /** Where it came from: the CSV file name, or 'mcp'. */
  source: string;
  created_at: string;
}
