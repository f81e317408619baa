/**
 * The application API shared by both faces (CLI and MCP server). Every use case of the product
 * goes through `App`; the faces only parse arguments and format results.
 */
import type { RoleOverrides } from '../core/csv.js';
import { ADSTOCK_FORMS, SATURATION_FORMS, type ShapeOptions } from '../core/data/index.js';
import type { TenantInfo, GroundTruth, ShapeTruth } from '../core/types.js';
import type { SeriesChanges } from '../core/series-diff.js';
import type {
  Caveat,
  Explanation,
  PhaseComparison,
  PhaseId,
  PhaseSummary,
  TenantResult,
} from '../phases/types.js';
import type { GateDecision, RegressionMode } from '../gates/index.js';
import type { LiftTestRecord } from '../store/index.js';
import type { AddLiftTestsRequest, AddLiftTestsResult } from './lift.js';
import type { GenerateResult } from './generate.js';
import type { ExplanationSelection, ExplanationView } from './explain-view.js';
import type { PhaseRunConfig } from '../phases/index.js';
import type { PlanBudgetRequest, PlanListing, StoredPlan } from './plan.js';

export type { ShapeOptions };
/** The values of the shape options of generateTenants (the faces validate their flags against these). */
export const SHAPE_CHOICES = {
  frequency: ['daily', 'weekly'],
  saturation: SATURATION_FORMS,
  adstock: ADSTOCK_FORMS,
} as const;

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** Options that change what a phase computes (part of a run's cache key). */
export type PhaseConfig = PhaseRunConfig;

export interface ProgressEvent {
  runId: number | null;
  done: number;
  total: number;
  tenant?: string;
  message: string;
}

export interface RunHandleOptions {
  onProgress?: (e: ProgressEvent) => void;
  signal?: AbortSignal;
}

export interface RunInfo {
  id: number;
  phase: PhaseId;
  tenants: string[];
  status: RunStatus;
  config: PhaseConfig;
  progress: { done: number; total: number };
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  seconds: number | null;
  error: string | null;
  summary: PhaseSummary | null;
  /** True when the run was served from the store (same phase, tenants, data and config). */
  cached?: boolean;
  /**
   * A run of another process that this process followed (an identical request) and that ended
   * there without a result: the run this process started for the same request. Known only to
   * the process that took it over.
   */
  replaced_by?: number;
  /**
   * A finished run's tenants imported again with other data since it computed on them: its
   * figures for them are of data the tenant no longer has (list and get; absent when none).
   */
  data_changed?: string[];
  /** A finished run's tenants deleted since, their runs kept (list and get; absent when none). */
  tenants_deleted?: string[];
}

export interface RunDetail extends RunInfo {
  /** Per-tenant rows sorted by mean R² descending. */
  results: TenantResult[];
}

export interface TenantDetail {
  info: TenantInfo;
  summary: {
    rows: number;
    start: string;
    end: string;
    channels: string[];
    weather: string[];
    controls: string[];
    target: string;
    mean_target: number;
    total_spend: Record<string, number>;
  };
  /** Ground truth summary for synthetic tenants (parameters, ROAS, oracle R²), null for imported. */
  truth:
    | (Omit<GroundTruth, 'expected' | 'contributions' | 'driverIndex' | 'shape'> & {
        /** Shape tenants: the shape's truth without its per-row baseline. */
        shape?: Omit<ShapeTruth, 'baseline'>;
      })
    | null;
}

export interface ImportRequest {
  tenant: string;
  /** CSV text (size-limited) or a file path inside an allowed directory: exactly one. */
  csv?: string;
  path?: string;
  /** The file's name, for messages about the CSV text (default: the path's base name, else "csv"). */
  fileName?: string;
  /** Column roles when the header names are not the standard ones (the CSV module's type). */
  roles?: RoleOverrides;
  /** Replace an existing imported tenant of the same id. */
  replace?: boolean;
  /**
   * Replace it even when the new data drop or rename a column, change the frequency, remove more
   * than a tenth of the stored rows or put the target on another scale (import.ts riskyChanges):
   * without it such a replace is refused and nothing is stored.
   */
  acceptChanges?: boolean;
  /**
   * Add the control `holiday_season` (core/holiday-season.ts: 0 until 15 November, rising to 1 on
   * 24 December, 0 from 25 December), for revenue that climbs to Christmas.
   */
  holidaySeason?: boolean;
}

export interface ImportResult {
  tenant: string;
  rows: number;
  frequency: string;
  start: string;
  end: string;
  channels: string[];
  weather: string[];
  /** How each weather column was read (core/weather-names.ts weatherReading), in their order. */
  weather_read_as: string[];
  controls: string[];
  target: string;
  content_hash: string;
  replaced: boolean;
  /**
   * Null when the data can be trained; else the rows training needs (the data are too short for
   * any phase's protocol, and train/run refuse them until a longer history is imported).
   */
  rows_needed_to_train: number | null;
  /**
   * With replace over a stored tenant: what the new data change against the stored data (rows
   * appended, removed, revised with their columns and dates; columns added, removed, renamed;
   * roles changed) and `summary`, one sentence of it; null for a new tenant (or stored data that
   * cannot be read back).
   */
  changes: DataChanges | null;
  warnings: string[];
}

/** ImportResult.changes: core/series-diff.ts SeriesChanges with a sentence. */
export type DataChanges = SeriesChanges & { summary: string };

/** What to report: a tenant (optional phase), a run by id, or a phase's latest run. */
export interface ReportRequest {
  tenant?: string;
  runId?: number;
  phase?: PhaseId;
  /** Where to write the HTML (default: <state>/reports/tenant-<id>-phase<N>.html or run-<id>.html). */
  out?: string;
}

export interface ReportResult {
  kind: 'tenant' | 'run';
  /** The tenant id or the run id. */
  subject: string;
  phase: PhaseId;
  /** The stored run the figures belong to (null: a tenant trained for the report only). */
  run_id: number | null;
  /** Absolute path of the written HTML file. */
  file: string;
  /** The MCP resource that serves it: report://tenant/{id} or report://run/{id}. */
  uri: string;
  bytes: number;
  /** Gathering the figures (training when nothing is kept) plus rendering. */
  seconds: number;
  /** Building the page alone: charts, SVG, HTML. */
  render_seconds: number;
  charts: { id: string; title: string; reading: string }[];
  /** The headline and one reading per chart. */
  summary: string[];
  /**
   * What to read before trusting the figures: a tenant report's are its explanation's (the same
   * codes and messages explain gives for that model, the page's "Read first"); a run report has
   * none.
   */
  caveats: Caveat[];
  /**
   * Tenant reports: the caveats of the tenant's latest budget plan, which the page's "Read first"
   * lists under the plan's name (absent without a plan). The page counted them while the CLI, the
   * JSON and MCP said none (probe s74).
   */
  plan_caveats?: {
    plan_id: number;
    /**
     * The plan's outlook (`scenario:typical`, `scenario:hot`, `forecast:<file>`): the latest plan
     * may be a what-if (an autopilot's report showed its hot-week forecast plan, with nothing
     * structured saying so; probe s76 N). Absent in answers before session 77.
     */
    outlook?: string;
    caveats: Caveat[];
  };
  /** Tenant reports: the data's warnings as train gives them, also in the page's "Read first". */
  data_warnings?: string[];
  /** vega warnings while rendering (empty for a clean report). */
  warnings: string[];
  /**
   * Tenant reports: the decomposition per date as CSV beside the page (date, actual, predicted,
   * baseline, weather, one column per channel; true_<channel> for synthetic tenants).
   */
  decomposition?: { file: string; uri: string; rows: number; columns: string[]; bytes: number };
}

export { AppError, isEngineRangeError, knownAppError } from './errors.js';

// ---- the vocabulary of both faces --------------------------------------------------------
// MCP and the CLI import only from src/app: what they need of the layers below is re-exported
// here, so that a face never reaches past the app.
export type {
  Caveat,
  Explanation,
  FigureInterval,
  PhaseComparison,
  PhaseId,
  PhaseSummary,
  TenantResult,
  FoldResult,
  ModelKind,
} from '../phases/types.js';
export { PHASES, PHASE_MESSAGE, isPhaseId } from '../phases/types.js';
export { PASS_THRESHOLD, foldModelUse, type FoldModelUse } from '../phases/result.js';
export type { GateDecision, RegressionMode } from '../gates/index.js';

/** A gate decision read back from the store. */
export interface StoredGate {
  decision: GateDecision;
  /** The judged run (null when it was deleted since). */
  run_id: number | null;
  decided_at: string;
  /**
   * Tenants of the judged run deleted since the decision: its next step may name them, and no
   * phase can run on them now (empty when the run itself is gone).
   */
  tenants_deleted_since: string[];
  /**
   * The judged run's tenants imported again with other data since it ran: the decision is of their
   * previous data (check_gates again names the run to make).
   */
  data_changed_since: string[];
}
export type { LiftTest } from '../core/lift.js';
export type { LiftTestRecord } from '../store/index.js';
export type { CalibrationReport } from '../phases/calibration.js';
export type { AddLiftTestsRequest, AddLiftTestsResult } from './lift.js';
export { LIFT_COLUMNS } from '../core/csv.js';
export { MAX_LIFT_TESTS_PER_TENANT } from './lift.js';
export type { TenantInfo, GroundTruth } from '../core/types.js';
export type { RoleOverrides } from '../core/csv.js';
export { CSV_LIMITS, TENANT_ID_PATTERN, overUtf8Limit } from '../core/csv.js';
export { LEAST_ROWS_TO_TRAIN } from '../core/folds.js';
export { weatherStateLabels } from '../core/weather-names.js';
export { ALPHA_RANGE, APP_LIMITS, DEFAULT_CONFIG, parsePhase } from './config.js';
export { makeDirs } from '../store/index.js';
export { defaultStateDir } from './paths.js';
export type { PlanBudgetRequest, PlanListing, StoredPlan } from './plan.js';
export type {
  ChannelBound,
  OutlookComparison,
  PlanResult,
  PlanChannel,
  PlanBaseline,
  PlanTruth,
  WeatherShift,
  ScenarioName,
  AfterHorizon,
} from '../plan/index.js';
export {
  AFTER_HORIZON,
  DEFAULT_PLAN_REPLICATES,
  MAX_PLAN_REPLICATES,
  MIN_PLAN_REPLICATES,
  SCENARIOS,
  caveatWords,
  moneyRange,
  moneyResolution,
  planSpendCsv,
  shortMoney,
  smallAmount,
} from '../plan/index.js';

export interface DeleteTenantRequest {
  tenant: string;
  /** What to do with the stored runs that include the tenant; required when there are any. */
  runs?: 'keep' | 'delete';
}

export interface DeleteTenantResult {
  tenant: string;
  deleted: true;
  runs_deleted: number[];
  runs_kept: number[];
  /** How many lift tests of the tenant were deleted with it. */
  lift_tests_deleted: number;
  /** How many budget plans of the tenant were deleted with it (they were made from its data). */
  plans_deleted: number;
}

/** A trained tenant with the warnings about its data that limit the result (what to do included). */
export type TrainResult = TenantResult & { warnings: string[] };

/** The use cases. Both faces hold one App; it owns the store and the worker pool. */
export interface App {
  readonly stateDir: string;
  listTenants(): TenantInfo[];
  describeTenant(tenant: string): TenantDetail;
  trainTenant(
    req: { tenant: string; phase: PhaseId; config?: PhaseConfig },
    opts?: RunHandleOptions,
  ): Promise<TrainResult>;
  /** Starts (or serves from the store) a phase run; `done` settles when it finishes. */
  startPhaseRun(
    req: { phase: PhaseId; tenants?: string[]; config?: PhaseConfig; force?: boolean },
    opts?: RunHandleOptions,
  ): {
    runId: number;
    cached: boolean;
    /** The run is computed by another process on the state directory; this one follows it. */
    elsewhere?: boolean;
    done: Promise<RunDetail>;
  };
  cancelRun(runId: number): boolean;
  getRun(runId: number): RunDetail;
  /**
   * Stored runs, newest first; each finished run with the tenants changed or deleted since
   * (data_changed, tenants_deleted) unless `dataSince` is false (an id completion needs only ids).
   */
  listRuns(q?: { limit?: number; offset?: number; phase?: PhaseId; dataSince?: boolean }): {
    runs: RunInfo[];
    total: number;
  };
  comparePhases(
    a: { phase?: PhaseId; runId?: number },
    b: { phase?: PhaseId; runId?: number },
  ): PhaseComparison;
  /** Gate decision for a phase (latest done run, or a given run); computed, stored, returned. */
  checkGates(req: {
    phase: PhaseId;
    runId?: number;
    passThreshold?: number;
    /**
     * 'noise_aware' (default: a paired t-test on fold R², or the mean below the baseline's lower
     * confidence bound, at 0.05) or 'strict' (plan read literally).
     */
    regression?: RegressionMode;
  }): GateDecision;
  /** The latest stored gate decision of a phase, without evaluating anything (null if none). */
  latestGate(phase: PhaseId): StoredGate | null;
  /**
   * Decomposition of a tenant's all-rows model with 80%/95% intervals (`replicates` bootstrap
   * refits, default round(120 / channels) within 10..60, 0 = none, at most 500) and caveats
   * first; kept with the phase's run.
   */
  explainTenant(
    req: { tenant: string; phase?: PhaseId; replicates?: number },
    opts?: RunHandleOptions,
  ): Promise<Explanation>;
  /**
   * explainTenant shown for some channels (checked against the tenant's before anything is
   * computed), with or without the response curves (default with), and what was shown.
   */
  explainTenantView(
    req: { tenant: string; phase?: PhaseId; replicates?: number } & ExplanationSelection,
    opts?: RunHandleOptions,
  ): Promise<ExplanationView>;
  importTenantData(req: ImportRequest): ImportResult;
  /**
   * importTenantData that a signal aborted while the file was read cancels before anything is
   * stored (the CLI's Ctrl-C and SIGTERM; app/import.ts importTenantDataCancellable).
   */
  importTenantDataCancellable(req: ImportRequest, signal: AbortSignal): Promise<ImportResult>;
  /** Deletes an imported or generated tenant, its runs kept or deleted as asked. */
  deleteTenant(req: DeleteTenantRequest): DeleteTenantResult;
  /** Canonical CSV of a tenant, and its ground truth as JSON for synthetic tenants when asked. */
  exportTenant(tenant: string, opts?: { truth?: boolean }): { csv: string; truth: string | null };
  /** Writes a tenant or run report (self-contained HTML) and says where and what it shows. */
  writeReport(req: ReportRequest, opts?: RunHandleOptions): Promise<ReportResult>;
  /** The HTML behind report://tenant/{id} or report://run/{id} (written first when missing). */
  readReport(kind: 'tenant' | 'run', id: string): Promise<{ html: string; written: boolean }>;
  /** The CSV of report://tenant/{id}/decomposition (beside the latest report, or written now). */
  readDecomposition(tenant: string): Promise<{ csv: string; written: boolean }>;
  /**
   * The tenants whose report is written for their current data (readReport only reads the file),
   * in code-unit order; the others' first read trains their model.
   */
  reportedTenants(): string[];
  /**
   * Creates synthetic tenants beyond the built-in 20 with the same generator, stored like imported data;
   * with `shape` options, shape tenants (weekly, years, channels, ...; src/core/data/shapes.ts).
   */
  generateTenants(req: {
    count: number;
    days?: number;
    seed: number;
    prefix?: string;
    shape?: ShapeOptions;
  }): GenerateResult;
  /** Registers the committed shape suite (ids `shape_*`) as generated tenants. */
  generateShapeSuite(): GenerateResult;
  /** Plans a budget over the periods after the data with the tenant's phase-3 model; stores the plan. */
  planBudget(req: PlanBudgetRequest, opts?: RunHandleOptions): Promise<StoredPlan>;
  getPlan(id: number): StoredPlan;
  /** The newest plan of a tenant, or null (for reports). */
  getLatestPlan(tenant: string): StoredPlan | null;
  listPlans(q?: { tenant?: string; limit?: number; offset?: number }): {
    plans: PlanListing[];
    total: number;
  };
  /** Records lift tests of a tenant (CSV text or tests), checked against its data, all or none. */
  addLiftTests(req: AddLiftTestsRequest): AddLiftTestsResult;
  /** A tenant's recorded lift tests, oldest first. */
  listLiftTests(tenant: string): LiftTestRecord[];
  /** Deletes a tenant's lift tests (all, or the given ids). */
  /**
   * Deletes lift tests (all without ids); an id the tenant lacks is `not_found` unless
   * `missingOk` (then listed in `not_found`: a retry finds them gone).
   */
  deleteLiftTests(
    tenant: string,
    ids?: number[],
    opts?: { missingOk?: boolean },
  ): { tenant: string; deleted: number; not_found: number[] };
  close(): Promise<void>;
}
