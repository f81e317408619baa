/**
 * An in-memory App for the MCP tests: canned but schema-valid results (deterministic per tenant
 * and phase), real gate decisions and comparisons computed from them, and hooks to observe what
 * the server passed to the app (signals, progress callbacks, requests).
 *
 * To run the MCP tests against the real app instead, build `createApp({ stateDir: tmp })` in
 * `makeApp()` of tests/mcp-helpers.ts.
 */
import { compareRuns } from '../src/app/compare.js';
import type { GenerateResult } from '../src/app/generate.js';
import {
  channelSelectionProblem,
  selectExplanation,
  type ExplanationView,
} from '../src/app/explain-view.js';
import {
  AppError,
  type AddLiftTestsRequest,
  type AddLiftTestsResult,
  type App,
  type ImportRequest,
  type LiftTest,
  type LiftTestRecord,
  type PlanListing,
  type RegressionMode,
  type ImportResult,
  type PhaseConfig,
  type ReportRequest,
  type ReportResult,
  type RunDetail,
  type RunHandleOptions,
  type RunInfo,
  type StoredGate,
  type TenantDetail,
} from '../src/app/types.js';
import { parseLiftCsv } from '../src/core/csv.js';
import { tenantCatalog } from '../src/core/data/catalog.js';
import type { TenantInfo } from '../src/core/types.js';
import { decideGates, type GateDecision } from '../src/gates/index.js';
import type { Explanation, PhaseComparison, PhaseId, TenantResult } from '../src/phases/types.js';

/** Deterministic value in [0, 1) from a string (FNV-1a). */
function unit(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 2 ** 32;
}

/** A schema-valid TenantResult whose R² rises with the phase. */
export function fakeResult(tenant: string, phase: PhaseId, folds = 5): TenantResult {
  const base = 0.15 + 0.6 * unit(tenant);
  const mean = Math.min(0.95, base + 0.06 * phase);
  const foldR2 = Array.from({ length: folds }, (_, i) => mean + 0.01 * (i - (folds - 1) / 2));
  const passes = mean >= 0.5;
  const model = phase >= 2 ? 'blend' : 'ridge';
  return {
    tenant,
    phase,
    model_kind: model,
    fold_r2: foldR2,
    mean_r2: mean,
    std_r2: 0.01,
    se_r2: 0.005,
    train_r2: mean + 0.05,
    rmse: 100 * (1 - mean),
    rmse_pct: 30 * (1 - mean),
    mae: 80 * (1 - mean),
    mape: 0.2,
    nrmse: 0.3,
    alphas: foldR2.map(() => (phase === 0 ? 1 : 10)),
    feature_names: ['meta_spend', 'google_spend', 'temperature_c'],
    oracle_r2: 0.9,
    oracle_gap: mean - 0.9,
    passes,
    checks: {
      fold_std_ok: true,
      rmse_pct_ok: !passes ? false : true,
      enough_folds: true,
      beats_baselines: true,
    },
    failures: passes ? [] : [`mean R² ${mean.toFixed(3)} < 0.50`],
    baselines: {
      training_mean: { rmse: 200, error_ratio: 2 },
      same_weekday_last_week: { rmse: 150, error_ratio: 1.5 },
      spend_only_linear: { rmse: 120, error_ratio: 1.2 },
    },
    folds: foldR2.map((r2, i) => ({
      fold: i + 1,
      train_rows: 365 + 100 * i,
      test_rows: 100,
      test_start: '2023-01-01',
      test_end: '2023-04-10',
      r2,
      train_r2: r2 + 0.05,
      rmse: 100,
      mae: 80,
      mape: 0.2,
      nrmse: 0.3,
      oracle_r2: 0.9,
      alpha: phase === 0 ? 1 : 10,
      model,
      blend_weight: phase >= 2 ? 0.5 : null,
      reason: phase >= 2 ? 'blend chosen on validation rows' : null,
      gbm_trees: phase >= 2 ? 120 : null,
      channel_params: phase === 3 ? { meta: { decay: 0.5, k_mult: 1, k: 1000, s: 1.5 } } : null,
      fallback: null,
      dropped_terms: [],
      held_terms: [],
    })),
    top_features: phase >= 2 ? [{ feature: 'temperature_c', gain: 12.5 }] : null,
    protocol: null,
    seconds: 0.01,
  };
}

interface FakeRun {
  info: RunInfo;
  results: TenantResult[];
  controller: AbortController;
}

/** A stored plan's listing as the app lists it (figures of a 1000 budget, 2000 incremental). */
export function fakePlanListing(id: number, tenant = 'extreme_heating'): PlanListing {
  return {
    id,
    tenant,
    created_at: '2026-01-01T00:00:00.000Z',
    model_run_id: 1,
    inputs: {},
    on_current_data: true,
    figures: {
      unit: 'day',
      outlook: 'typical',
      budget: 1000,
      incremental_revenue: 2000,
      roas: 2,
      uplift_vs_historical: 0.01,
      compare_outlook: null,
      compare_incremental_revenue: null,
    },
    headline: `plan ${id}`,
  };
}

export interface FakeAppOptions {
  /** Awaited before each tenant of a phase run (lets a test hold a run open). */
  beforeTenant?: (tenant: string) => Promise<void>;
}

export class FakeApp implements App {
  readonly stateDir = '/fake/state';
  readonly tenants: TenantInfo[] = tenantCatalog();
  readonly runs = new Map<number, FakeRun>();
  /** Signals the server passed to the app, per call. */
  readonly signals: AbortSignal[] = [];
  readonly startRequests: {
    phase: PhaseId;
    tenants?: string[];
    config?: PhaseConfig;
    force?: boolean;
  }[] = [];
  readonly imports: ImportRequest[] = [];
  /** Whether each trainTenant call got a progress callback. */
  readonly trainHadProgress: boolean[] = [];
  closed = false;
  private nextId = 1;

  constructor(private readonly options: FakeAppOptions = {}) {}

  private tenantInfo(tenant: string): TenantInfo {
    const info = this.tenants.find((t) => t.tenant === tenant);
    if (!info) {
      throw new AppError(
        `unknown tenant "${tenant}"; valid ids: ${this.tenants.map((t) => t.tenant).join(', ')}`,
        'not_found',
      );
    }
    return info;
  }

  listTenants(): TenantInfo[] {
    return this.tenants.map((t) => ({ ...t, channels: [...t.channels] }));
  }

  describeTenant(tenant: string): TenantDetail {
    const info = this.tenantInfo(tenant);
    return {
      info,
      summary: {
        rows: info.rows,
        start: info.start,
        end: info.end,
        channels: info.channels,
        weather: ['temperature_c', 'precipitation_mm', 'humidity_pct'],
        controls: [],
        target: 'revenue',
        mean_target: 10_000,
        total_spend: Object.fromEntries(info.channels.map((c) => [c, 1e6])),
      },
      truth:
        info.source === 'imported'
          ? null
          : {
              tenant,
              seed: 1,
              driver: info.driver,
              weatherAmplitude: 0.85,
              noiseSd: 100,
              channels: [],
              oracleR2: 0.9,
              oracleFoldR2: [0.9, 0.9, 0.9, 0.9, 0.9],
              oracleMeanR2: 0.9,
            },
    };
  }

  async trainTenant(
    req: { tenant: string; phase: PhaseId; config?: PhaseConfig },
    opts?: RunHandleOptions,
  ): Promise<TenantResult & { warnings: string[] }> {
    this.tenantInfo(req.tenant);
    if (opts?.signal) this.signals.push(opts.signal);
    this.trainHadProgress.push(opts?.onProgress !== undefined);
    const folds = req.config?.folds ?? 5;
    opts?.onProgress?.({
      runId: null,
      done: 0,
      total: folds,
      tenant: req.tenant,
      message: 'start',
    });
    for (let f = 1; f <= folds; f++) {
      await Promise.resolve();
      if (opts?.signal?.aborted) throw new AppError('training cancelled', 'cancelled');
      opts?.onProgress?.({
        runId: null,
        done: f,
        total: folds,
        tenant: req.tenant,
        message: `fold ${f}/${folds}`,
      });
    }
    return { ...fakeResult(req.tenant, req.phase, folds), warnings: [] };
  }

  startPhaseRun(
    req: { phase: PhaseId; tenants?: string[]; config?: PhaseConfig; force?: boolean },
    opts?: RunHandleOptions,
  ): { runId: number; cached: boolean; done: Promise<RunDetail> } {
    this.startRequests.push(req);
    const tenants = req.tenants ?? this.tenants.map((t) => t.tenant);
    for (const t of tenants) this.tenantInfo(t);
    if (opts?.signal) this.signals.push(opts.signal);
    const configKey = JSON.stringify(req.config ?? {});
    if (!req.force) {
      const hit = [...this.runs.values()].find(
        (r) =>
          r.info.status === 'done' &&
          r.info.phase === req.phase &&
          JSON.stringify(r.info.config) === configKey &&
          r.info.tenants.join() === tenants.join(),
      );
      if (hit)
        return { runId: hit.info.id, cached: true, done: Promise.resolve(this.detail(hit, true)) };
    }
    const id = this.nextId++;
    const run: FakeRun = {
      info: {
        id,
        phase: req.phase,
        tenants,
        status: 'queued',
        config: req.config ?? {},
        progress: { done: 0, total: tenants.length },
        created_at: new Date(Date.UTC(2024, 0, 1, 0, 0, id)).toISOString(),
        started_at: null,
        finished_at: null,
        seconds: null,
        error: null,
        summary: null,
      },
      results: [],
      controller: new AbortController(),
    };
    this.runs.set(id, run);
    opts?.signal?.addEventListener('abort', () => run.controller.abort(), { once: true });
    const done = this.execute(run, req.config?.folds ?? 5, opts?.onProgress);
    return { runId: id, cached: false, done };
  }

  private async execute(
    run: FakeRun,
    folds: number,
    onProgress?: RunHandleOptions['onProgress'],
  ): Promise<RunDetail> {
    const { info } = run;
    await Promise.resolve();
    info.status = 'running';
    info.started_at = info.created_at;
    onProgress?.({ runId: info.id, done: 0, total: info.tenants.length, message: 'started' });
    for (const tenant of info.tenants) {
      if (this.options.beforeTenant) {
        await Promise.race([
          this.options.beforeTenant(tenant),
          new Promise<void>((resolve) =>
            run.controller.signal.addEventListener('abort', () => resolve(), { once: true }),
          ),
        ]);
      } else {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (run.controller.signal.aborted) {
        info.status = 'cancelled';
        info.finished_at = info.created_at;
        info.error = 'cancelled';
        return this.detail(run);
      }
      run.results.push(fakeResult(tenant, info.phase, folds));
      info.progress = { done: run.results.length, total: info.tenants.length };
      onProgress?.({
        runId: info.id,
        done: run.results.length,
        total: info.tenants.length,
        tenant,
        message: `${tenant} done`,
      });
    }
    info.status = 'done';
    info.finished_at = info.created_at;
    info.seconds = 0.5;
    const n = run.results.length;
    const pass = run.results.filter((r) => r.passes).length;
    info.summary = {
      phase: info.phase,
      total: n,
      pass_count: pass,
      pass_rate: pass / n,
      mean_r2: run.results.reduce((s, r) => s + r.mean_r2, 0) / n,
      mean_oracle_r2: 0.9,
      mean_oracle_gap: run.results.reduce((s, r) => s + r.mean_r2, 0) / n - 0.9,
    };
    return this.detail(run);
  }

  private detail(run: FakeRun, cached = false): RunDetail {
    const results = [...run.results].sort((a, b) => b.mean_r2 - a.mean_r2);
    return {
      ...run.info,
      cached,
      progress: { ...run.info.progress },
      tenants: [...run.info.tenants],
      results,
    };
  }

  private run(runId: number): FakeRun {
    const run = this.runs.get(runId);
    if (!run) throw new AppError(`no run with id ${runId}`, 'not_found');
    return run;
  }

  cancelRun(runId: number): boolean {
    const run = this.run(runId);
    if (run.info.status !== 'queued' && run.info.status !== 'running') return false;
    run.controller.abort();
    return true;
  }

  getRun(runId: number): RunDetail {
    return this.detail(this.run(runId));
  }

  listRuns(q: { limit?: number; offset?: number; phase?: PhaseId; dataSince?: boolean } = {}): {
    runs: RunInfo[];
    total: number;
  } {
    const all = [...this.runs.values()]
      .filter((r) => q.phase === undefined || r.info.phase === q.phase)
      .sort((a, b) => b.info.id - a.info.id);
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 20;
    return {
      runs: all.slice(offset, offset + limit).map((r) => ({ ...r.info })),
      total: all.length,
    };
  }

  private latestDone(phase: PhaseId): FakeRun | null {
    const done = [...this.runs.values()].filter(
      (r) => r.info.phase === phase && r.info.status === 'done',
    );
    return done.length ? done[done.length - 1] : null;
  }

  private side(ref: { phase?: PhaseId; runId?: number }): FakeRun {
    if (ref.runId !== undefined) {
      const run = this.run(ref.runId);
      if (run.info.status !== 'done')
        throw new AppError(`run ${ref.runId} is ${run.info.status}, not done`, 'conflict');
      return run;
    }
    const run = this.latestDone(ref.phase ?? 0);
    if (!run)
      throw new AppError(`no done run of phase ${ref.phase}; call run_phase first`, 'not_found');
    return run;
  }

  comparePhases(
    a: { phase?: PhaseId; runId?: number },
    b: { phase?: PhaseId; runId?: number },
  ): PhaseComparison {
    const ra = this.side(a);
    const rb = this.side(b);
    return compareRuns(
      { run_id: ra.info.id, phase: ra.info.phase, results: ra.results },
      { run_id: rb.info.id, phase: rb.info.phase, results: rb.results },
    );
  }

  private readonly gates = new Map<PhaseId, StoredGate>();

  latestGate(phase: PhaseId) {
    return this.gates.get(phase) ?? null;
  }

  checkGates(req: {
    phase: PhaseId;
    runId?: number;
    passThreshold?: number;
    regression?: RegressionMode;
  }): GateDecision {
    const run = this.side(req.runId !== undefined ? { runId: req.runId } : { phase: req.phase });
    const prevPhase = (req.phase - 1) as PhaseId;
    const prev = req.phase > 0 ? this.latestDone(prevPhase) : null;
    const base = req.phase > 0 ? this.latestDone(0) : null;
    const decision = decideGates({
      phase: req.phase,
      results: run.results,
      previous: prev ? { phase: prevPhase, results: prev.results } : null,
      baseline: base ? base.results : null,
      passThreshold: req.passThreshold,
      regression: { mode: req.regression ?? 'noise_aware' },
    });
    this.gates.set(req.phase, {
      decision,
      run_id: run.info.id,
      decided_at: '2026-01-01T00:00:00.000Z',
      tenants_deleted_since: [],
      data_changed_since: [],
    });
    return decision;
  }

  async explainTenant(
    req: { tenant: string; phase?: PhaseId },
    opts?: RunHandleOptions,
  ): Promise<Explanation> {
    const info = this.tenantInfo(req.tenant);
    if (opts?.signal) this.signals.push(opts.signal);
    await Promise.resolve();
    const channel = (c: string) => ({
      channel: c,
      spend: 1e6,
      contribution: 2e6,
      roas: 2,
      marginal_roas: 1.2,
      share_of_predicted: 0.2,
      truth: { contribution: 2.1e6, roas: 2.1, marginal_roas: 1.3 },
      roas_error: -0.048,
      intervals: {
        contribution: {
          p80: [1.6e6, 2.4e6] as [number, number],
          p95: [1.3e6, 2.7e6] as [number, number],
        },
        roas: { p80: [1.6, 2.4] as [number, number], p95: [1.3, 2.7] as [number, number] },
        marginal_roas: { p80: [0.9, 1.5] as [number, number], p95: [0.7, 1.7] as [number, number] },
      },
    });
    return {
      tenant: info.tenant,
      phase: req.phase ?? 3,
      model_kind: 'ridge',
      rows: info.rows,
      start: info.start,
      end: info.end,
      channels: info.channels.map(channel),
      weather_states: [
        {
          state: 'temperature_c:cold',
          variable: 'temperature_c',
          definition: 'temperature_c <= 4.2',
          rows: 300,
          channels: info.channels.map((c) => ({
            channel: c,
            spend: 3e5,
            contribution: 9e5,
            roas: 3,
            marginal_roas: 1.5,
            true_roas: 3.1,
            roas_error: -0.03,
            intervals: null,
          })),
        },
      ],
      controls: [],
      response_curves: info.channels.map((c) => ({
        channel: c,
        spend_levels: [0, 1000, 2000],
        contribution: [0, 1500, 2500],
        by_state: { 'temperature_c:cold': [0, 2000, 3200] },
        true_contribution: [0, 1600, 2600],
        contribution_interval: null,
      })),
      channel_params: null,
      caveats: [
        {
          code: 'model_fails_threshold',
          message: 'this phase 3 model fails the pass bar: mean fold R² 0.420 ± 0.030 < 0.5',
        },
        {
          code: 'interval_spans_zero',
          message: `${info.channels[1]}: the 95% interval of ROAS includes zero`,
          channels: [info.channels[1]],
        },
      ],
      validation: { mean_r2: 0.42, se_r2: 0.03, pass_threshold: 0.5 },
      uncertainty: null,
      notes: ['fake explanation'],
    };
  }

  async explainTenantView(
    req: { tenant: string; phase?: PhaseId; channels?: readonly string[]; curves?: boolean },
    opts?: RunHandleOptions,
  ): Promise<ExplanationView> {
    const info = this.tenantInfo(req.tenant);
    if (req.channels !== undefined) {
      const problem = channelSelectionProblem('channels', req.tenant, info.channels, req.channels);
      if (problem !== null) throw new AppError(problem, 'invalid_argument');
    }
    const e = await this.explainTenant(req, opts);
    return selectExplanation(e, { channels: req.channels, curves: req.curves });
  }

  readonly liftTests: LiftTestRecord[] = [];

  addLiftTests(req: AddLiftTestsRequest): AddLiftTestsResult {
    this.tenantInfo(req.tenant);
    let tests: LiftTest[];
    try {
      tests = req.csv !== undefined ? parseLiftCsv(req.csv, { fileName: req.source }) : req.tests!;
    } catch (e) {
      throw new AppError((e as Error).message, 'invalid_argument');
    }
    const added = tests.map((t) => ({
      id: this.liftTests.length + 1,
      tenant: req.tenant,
      ...t,
      source: req.source ?? 'mcp',
      created_at: '2026-01-01T00:00:00.000Z',
    }));
    this.liftTests.push(...added);
    return {
      tenant: req.tenant,
      added,
      total: this.listLiftTests(req.tenant).length,
      warnings: [],
      rows: 1095,
      rows_needed_to_explain: null,
    };
  }

  listLiftTests(tenant: string): LiftTestRecord[] {
    this.tenantInfo(tenant);
    return this.liftTests.filter((t) => t.tenant === tenant);
  }

  deleteLiftTests(
    tenant: string,
    ids?: number[],
  ): { tenant: string; deleted: number; not_found: number[] } {
    const before = this.liftTests.length;
    const keep = this.liftTests.filter(
      (t) => t.tenant !== tenant || (ids !== undefined && !ids.includes(t.id)),
    );
    this.liftTests.splice(0, this.liftTests.length, ...keep);
    return { tenant, deleted: before - keep.length, not_found: [] };
  }

  importTenantDataCancellable(req: ImportRequest): Promise<ImportResult> {
    return Promise.resolve(this.importTenantData(req));
  }
  importTenantData(req: ImportRequest): ImportResult {
    this.imports.push(req);
    if (req.path !== undefined) {
      throw new AppError(
        `${req.path} is not inside an allowed import directory (WV_MMM_IMPORT_DIRS)`,
        'invalid_argument',
      );
    }
    const header = (req.csv ?? '').split('\n')[0].split(',');
    if (!header.includes('date'))
      throw new AppError('the CSV has no "date" column', 'invalid_argument');
    const existing = this.tenants.findIndex((t) => t.tenant === req.tenant);
    if (existing >= 0 && this.tenants[existing].source !== 'imported') {
      throw new AppError(`"${req.tenant}" is a built-in tenant and cannot be replaced`, 'conflict');
    }
    if (existing >= 0 && !req.replace)
      throw new AppError(`tenant "${req.tenant}" already exists`, 'conflict');
    const rows = (req.csv ?? '').trim().split('\n').length - 1;
    const info: TenantInfo = {
      tenant: req.tenant,
      tier: 'custom',
      category: 'imported',
      city: null,
      latitude: null,
      longitude: null,
      driver: 'none',
      source: 'imported',
      rows,
      start: '2024-01-01',
      end: '2024-03-01',
      frequency: 'daily',
      channels: ['meta'],
    };
    if (existing >= 0) this.tenants[existing] = info;
    else this.tenants.push(info);
    return {
      tenant: req.tenant,
      rows,
      frequency: 'daily',
      start: info.start,
      end: info.end,
      channels: ['meta'],
      weather: [],
      weather_read_as: [],
      controls: [],
      target: 'revenue',
      content_hash: 'abc123',
      replaced: existing >= 0,
      rows_needed_to_train: null,
      changes: null,
      warnings: [],
    };
  }

  exportTenant(tenant: string, opts?: { truth?: boolean }): { csv: string; truth: string | null } {
    const info = this.tenantInfo(tenant);
    return {
      csv: 'date,revenue,meta_spend,google_spend\n',
      truth: opts?.truth && info.source !== 'imported' ? '{}' : null,
    };
  }

  /** Tenants whose report was written (get_report or a read of report://tenant/{id}). */
  readonly reported = new Set<string>();

  reportedTenants(): string[] {
    return [...this.reported].sort();
  }

  async writeReport(req: ReportRequest): Promise<ReportResult> {
    if (req.tenant !== undefined) {
      this.tenantInfo(req.tenant);
      this.reported.add(req.tenant);
    }
    const kind = req.tenant !== undefined ? 'tenant' : 'run';
    const subject = req.tenant ?? String(req.runId ?? 1);
    return {
      kind,
      subject,
      phase: req.phase ?? 3,
      run_id: null,
      file: `/fake/state/reports/${kind}-${subject}.html`,
      uri: `report://${kind}/${subject}`,
      bytes: 100,
      seconds: 0.1,
      render_seconds: 0.05,
      charts: [{ id: 'fit', title: 'fake fit', reading: 'fake reading' }],
      summary: ['fake report'],
      caveats:
        kind === 'tenant'
          ? [{ code: 'no_carry_over', message: 'fake: this model has no carry-over' }]
          : [],
      warnings: [],
    };
  }

  async readReport(
    kind: 'tenant' | 'run',
    id: string,
  ): Promise<{ html: string; written: boolean }> {
    if (kind === 'tenant') {
      this.tenantInfo(id);
      this.reported.add(id);
    }
    return { html: `<!doctype html><title>${kind} ${id}</title>`, written: false };
  }

  async readDecomposition(tenant: string): Promise<{ csv: string; written: boolean }> {
    this.tenantInfo(tenant);
    return { csv: 'date,actual,predicted,baseline\n', written: false };
  }

  deleteTenant(req: { tenant: string }): {
    tenant: string;
    deleted: true;
    runs_deleted: number[];
    runs_kept: number[];
    lift_tests_deleted: number;
    plans_deleted: number;
  } {
    this.tenantInfo(req.tenant);
    return {
      tenant: req.tenant,
      deleted: true,
      runs_deleted: [],
      runs_kept: [],
      lift_tests_deleted: 0,
      plans_deleted: 0,
    };
  }

  generateTenants(req: {
    count: number;
    days?: number;
    seed: number;
    prefix?: string;
  }): GenerateResult {
    const prefix = req.prefix ?? 'gen';
    return {
      tenants: Array.from({ length: req.count }, (_, i) => `${prefix}_${i + 1}`),
      replaced: [],
      lift_tests_deleted: [],
    };
  }

  generateShapeSuite(): GenerateResult {
    return { tenants: ['shape_weekly_2y_noweather'], replaced: [], lift_tests_deleted: [] };
  }

  // Plans are tested against the real app (tests/plan-app.test.ts); the fake has none.
  async planBudget(): Promise<never> {
    throw new AppError('the fake app makes no plans', 'invalid_argument');
  }

  getPlan(id: number): never {
    throw new AppError(`plan ${id} does not exist`, 'not_found');
  }

  getLatestPlan(): null {
    return null;
  }

  /** Stored plans the fake lists, newest first (tests fill it). */
  readonly planListings: PlanListing[] = [];

  listPlans(q: { limit?: number } = {}): { plans: PlanListing[]; total: number } {
    return {
      plans: this.planListings.slice(0, q.limit ?? 50),
      total: this.planListings.length,
    };
  }

  async close(): Promise<void> {
    for (const r of this.runs.values()) r.controller.abort();
    this.closed = true;
  }
}
