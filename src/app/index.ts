/**
 * createApp: the use cases shared by the CLI and the MCP server, over the SQLite store and the
 * worker pool. Compute happens in worker threads; this thread only validates, records and reports.
 */
import {
  appendFileSync,
  existsSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  BUILTIN_TENANT_IDS,
  isBuiltinTenant,
  tenantCatalog,
  generatedSpec,
} from '../core/data/index.js';
import { infoOf } from '../core/data/catalog.js';
import {
  CSV_LIMITS,
  DataError,
  csvSummary,
  parseTenantCsv,
  tenantToCsv,
  truthToJson,
  validateTenantId,
} from '../core/csv.js';
import type { TenantInfo } from '../core/types.js';
import { decideGates, type GateDecision } from '../gates/index.js';
import type { FinalModelJSON } from '../phases/final.js';
import { PHASES, type PhaseId, type PhaseSummary, type TenantResult } from '../phases/types.js';
import {
  canonicalJson,
  openStore,
  runKey,
  contentHash,
  makeDirs,
  StoreError,
  type Store,
  type RunRecord,
} from '../store/index.js';
import { compareRuns } from './compare.js';
import { compute, resolveTenant, type TenantSource } from './compute.js';
import { stderrLogger, type LogFn } from './log.js';
import { defaultStateDir, packageRoot } from './paths.js';
import { ComputePool } from './pool.js';
import {
  AppError,
  type App,
  type ImportRequest,
  type ImportResult,
  type PhaseConfig,
  type ProgressEvent,
  type RunDetail,
  type RunHandleOptions,
  type RunInfo,
  type TenantDetail,
} from './types.js';

export { AppError } from './types.js';
export type * from './types.js';

const SHUTDOWN_ERROR = 'cancelled: the server shut down';

/** Limits checked up front, before any work starts. */
export const APP_LIMITS = {
  maxTenantsPerRun: 5000,
  maxFolds: 20,
  minFolds: 2,
  maxGenerate: 5000,
  maxGenerateDays: 20000,
  maxAlphas: 20,
} as const;

export interface CreateAppOptions {
  stateDir?: string;
  /** Worker threads (default: available cores). */
  workers?: number;
  log?: LogFn;
  /** Directories from which import_tenant_data may read files (default: $WV_MMM_IMPORT_DIRS). */
  importDirs?: string[];
}

/** The package version: part of every run key (a new release recomputes). */
export const CODE_VERSION: string = (() => {
  const require = createRequire(import.meta.url);
  try {
    return String(
      (require(path.join(packageRoot(), 'package.json')) as { version: string }).version,
    );
  } catch {
    return '0.0.0';
  }
})();

const DEFAULT_CONFIG: Required<Omit<PhaseConfig, 'alphas'>> & { alphas: number[] } = {
  folds: 5,
  gap: 0,
  calendar: true,
  alphas: [0.01, 0.1, 1, 10, 100],
  passThreshold: 0.5,
  blend: 'rule',
  seed: 0,
};

/** Fills defaults and checks bounds; the normalized config is part of a run's key. */
export function normalizeConfig(c: PhaseConfig = {}): Required<PhaseConfig> {
  const out = {
    ...DEFAULT_CONFIG,
    ...Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)),
  };
  const bad = (msg: string) => new AppError(msg, 'invalid_argument');
  if (
    !Number.isInteger(out.folds) ||
    out.folds < APP_LIMITS.minFolds ||
    out.folds > APP_LIMITS.maxFolds
  ) {
    throw bad(
      `folds must be an integer from ${APP_LIMITS.minFolds} to ${APP_LIMITS.maxFolds} (got ${out.folds})`,
    );
  }
  if (!Number.isInteger(out.gap) || out.gap < 0 || out.gap > 365)
    throw bad(`gap must be an integer from 0 to 365 (got ${out.gap})`);
  if (
    !Array.isArray(out.alphas) ||
    out.alphas.length === 0 ||
    out.alphas.length > APP_LIMITS.maxAlphas
  ) {
    throw bad(`alphas must be a list of 1 to ${APP_LIMITS.maxAlphas} positive numbers`);
  }
  if (out.alphas.some((a) => !(typeof a === 'number' && a > 0 && Number.isFinite(a)))) {
    throw bad(`alphas must be positive finite numbers (got ${JSON.stringify(out.alphas)})`);
  }
  if (!(out.passThreshold > -1 && out.passThreshold <= 1))
    throw bad(`passThreshold must be in (-1, 1] (got ${out.passThreshold})`);
  if (out.blend !== 'rule' && out.blend !== 'tuned')
    throw bad(`blend must be 'rule' or 'tuned' (got ${String(out.blend)})`);
  if (!Number.isInteger(out.seed) || out.seed < 0 || out.seed > 2 ** 31 - 1)
    throw bad(`seed must be an integer from 0 to 2147483647`);
  return out as Required<PhaseConfig>;
}

function checkPhase(phase: unknown): PhaseId {
  if (!PHASES.includes(phase as PhaseId)) {
    throw new AppError(
      `phase must be one of 0, 1, 2, 3 (got ${String(phase)})`,
      'invalid_argument',
    );
  }
  return phase as PhaseId;
}

/** Mean of the tenant summaries; oracle figures only when every tenant has one. */
export function summarize(phase: PhaseId, results: TenantResult[]): PhaseSummary {
  const n = results.length;
  const mean = (f: (r: TenantResult) => number) => results.reduce((s, r) => s + f(r), 0) / n;
  const withOracle = results.every((r) => r.oracle_r2 !== null);
  const passCount = results.filter((r) => r.passes).length;
  return {
    phase,
    total: n,
    pass_count: passCount,
    pass_rate: n ? passCount / n : 0,
    mean_r2: n ? mean((r) => r.mean_r2) : 0,
    mean_oracle_r2: withOracle && n ? mean((r) => r.oracle_r2 as number) : null,
    mean_oracle_gap: withOracle && n ? mean((r) => r.oracle_gap as number) : null,
  };
}

/** True when `file` is strictly inside one of `dirs` (all absolute). */
function isInside(file: string, dirs: string[]): boolean {
  return dirs.some((d) => {
    const rel = path.relative(d, file);
    // '..x.csv' is a file inside; only '..' itself or a '../' prefix leaves the directory.
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
  });
}

/** Writes a file atomically (temp file + rename): readers never see half a file. */
function writeAtomic(file: string, text: string): void {
  makeDirs(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** The plan's artifact: tenant -> {mean_r2, std_r2, fold_r2, passes, ...}, in the run's tenant order. */
export function analyticsJson(results: TenantResult[]): string {
  const out: Record<string, unknown> = {};
  for (const r of results) {
    out[r.tenant] = {
      mean_r2: r.mean_r2,
      std_r2: r.std_r2,
      fold_r2: r.fold_r2,
      passes: r.passes,
      oracle_r2: r.oracle_r2,
      train_r2: r.train_r2,
      rmse: r.rmse,
      rmse_pct: r.rmse_pct,
      mae: r.mae,
      mape: r.mape,
      model_kind: r.model_kind,
      alphas: r.alphas,
      models: r.folds.map((f) => f.model),
      channel_params: r.folds.map((f) => f.channel_params),
      failures: r.failures,
    };
  }
  return JSON.stringify(out, null, 2) + '\n';
}

/**
 * A run in progress, shared by every caller that asked for the same run key while it runs.
 * It is cancelled when cancel_run names it, or when every caller that waits on it has given up
 * (a caller without a signal, i.e. a background run, keeps it alive).
 */
interface InFlightRun {
  runId: number;
  controller: AbortController;
  done: Promise<RunDetail>;
  /** Callers waiting with a signal that has not aborted yet. */
  holders: number;
  /** A caller without a signal joined: only cancel_run or shutdown stops the run. */
  detached: boolean;
  listeners: Set<(e: ProgressEvent) => void>;
  cleanups: (() => void)[];
}

class AppImpl implements App {
  private readonly active = new Map<number, AbortController>();
  /** Runs in progress by run key: identical concurrent requests share one run. */
  private readonly inFlight = new Map<string, InFlightRun>();
  /** Runs whose end could not be written (disk full): reported as failed until a restart records it. */
  private readonly unrecorded = new Map<number, string>();
  private closed = false;

  constructor(
    readonly stateDir: string,
    private readonly store: Store,
    private readonly pool: ComputePool,
    private readonly log: LogFn,
    private readonly importDirs: string[],
  ) {}

  // ---- tenants --------------------------------------------------------------------------

  listTenants(): TenantInfo[] {
    const stored = this.store.listDatasets().filter((d) => d.source !== 'builtin');
    return [...tenantCatalog(), ...stored.map((d) => d.info)];
  }

  private source(tenant: string): TenantSource {
    if (typeof tenant !== 'string' || tenant === '') {
      throw new AppError(
        'tenant must be a non-empty tenant id (see list_tenants)',
        'invalid_argument',
      );
    }
    if (isBuiltinTenant(tenant)) return { kind: 'builtin', tenant };
    const d = this.store.getDataset(tenant);
    if (d === null) {
      throw new AppError(
        `unknown tenant '${tenant}'. Built-in tenants: ${BUILTIN_TENANT_IDS.slice(0, 4).join(', ')}, ... ` +
          `(20 in all); list them with list_tenants (CLI: wv-mmm tenants), or import your own data first.`,
        'not_found',
      );
    }
    const gen = (
      d.info as TenantInfo & {
        generator?: { seed: number; index: number; days: number; prefix: string };
      }
    ).generator;
    if (d.source === 'generated' && gen) return { kind: 'generated', tenant, ...gen };
    if (d.csv === null)
      throw new AppError(`tenant '${tenant}' has no stored data; import it again`, 'not_found');
    return { kind: 'csv', tenant, csv: d.csv };
  }

  /**
   * Content hash of a tenant's data: CSV hash for imported data, spec hash for synthetic data.
   * Not cached by tenant id: another process on the same state directory may replace a tenant's
   * data, and a stale hash would serve the old data's run from the store.
   */
  private datasetHash(src: TenantSource): string {
    if (src.kind === 'csv') return contentHash(src.csv);
    return contentHash(JSON.stringify({ ...src, generator: CODE_VERSION }));
  }

  describeTenant(tenant: string): TenantDetail {
    const src = this.source(tenant);
    const { series, synthetic } = resolveTenant(src);
    const s = csvSummary(series);
    const info =
      synthetic?.info ??
      this.store.getDataset(tenant)?.info ??
      (this.listTenants().find((t) => t.tenant === tenant) as TenantInfo);
    const totalSpend: Record<string, number> = {};
    series.channels.forEach((c, i) => (totalSpend[c] = series.spend[i].reduce((a, b) => a + b, 0)));
    let truth: TenantDetail['truth'] = null;
    if (synthetic) {
      const { expected: _e, contributions: _c, driverIndex: _d, ...rest } = synthetic.truth;
      truth = rest;
    }
    return {
      info,
      summary: {
        rows: s.rows,
        start: s.start,
        end: s.end,
        channels: series.channels,
        weather: series.weatherNames,
        controls: series.controlNames,
        target: series.targetName,
        mean_target: s.meanTarget,
        total_spend: totalSpend,
      },
      truth,
    };
  }

  // ---- training -------------------------------------------------------------------------

  async trainTenant(
    req: { tenant: string; phase: PhaseId; config?: PhaseConfig },
    opts: RunHandleOptions = {},
  ): Promise<TenantResult> {
    this.checkOpen();
    const phase = checkPhase(req.phase);
    const config = normalizeConfig(req.config);
    const source = this.source(req.tenant);
    opts.onProgress?.({
      runId: null,
      done: 0,
      total: 1,
      tenant: req.tenant,
      message: `training ${req.tenant}`,
    });
    const out = await this.runTask({ kind: 'train', phase, config, source }, opts.signal);
    if (out.kind !== 'train') throw new AppError('internal: unexpected worker result', 'internal');
    opts.onProgress?.({
      runId: null,
      done: 1,
      total: 1,
      tenant: req.tenant,
      message: `trained ${req.tenant}`,
    });
    return out.result;
  }

  private async runTask(task: Parameters<typeof compute>[0], signal?: AbortSignal) {
    try {
      return await this.pool.run(task, signal);
    } catch (e) {
      throw this.mapComputeError(e, signal);
    }
  }

  private mapComputeError(e: unknown, signal?: AbortSignal): Error {
    if (signal?.aborted || (e as Error)?.name === 'AbortError')
      return new AppError('cancelled', 'cancelled');
    if (e instanceof AppError) return e;
    const msg = (e as Error)?.message ?? String(e);
    if (e instanceof StoreError) return new AppError(msg, 'unavailable');
    if (e instanceof RangeError || /must be|need more rows|folds/.test(msg))
      return new AppError(msg, 'invalid_argument');
    if (e instanceof DataError) return new AppError(msg, 'invalid_argument');
    this.log('error', `compute failed: ${(e as Error)?.stack ?? msg}`);
    return new AppError(`the computation failed: ${msg}`, 'internal');
  }

  startPhaseRun(
    req: { phase: PhaseId; tenants?: string[]; config?: PhaseConfig; force?: boolean },
    opts: RunHandleOptions = {},
  ): { runId: number; cached: boolean; done: Promise<RunDetail> } {
    this.checkOpen();
    const phase = checkPhase(req.phase);
    const config = normalizeConfig(req.config);
    const tenants = req.tenants ?? [...BUILTIN_TENANT_IDS];
    if (!Array.isArray(tenants) || tenants.length === 0) {
      throw new AppError(
        'tenants must be a non-empty list of tenant ids (omit it for the 20 built-in tenants)',
        'invalid_argument',
      );
    }
    if (tenants.length > APP_LIMITS.maxTenantsPerRun) {
      throw new AppError(
        `a run takes at most ${APP_LIMITS.maxTenantsPerRun} tenants (got ${tenants.length}); split the list into several runs`,
        'limit',
      );
    }
    const seen = new Set<string>();
    const dup = tenants.find((t) => seen.size === seen.add(t).size);
    if (dup !== undefined)
      throw new AppError(`tenant '${dup}' is listed twice`, 'invalid_argument');
    const sources = tenants.map((t) => this.source(t));
    const key = runKey({
      phase,
      tenants,
      datasetHashes: sources.map((s) => this.datasetHash(s)),
      config,
      codeVersion: CODE_VERSION,
    });
    if (!req.force) {
      // An identical run in progress is joined rather than started again: no duplicate runs,
      // no duplicate work, and every caller sees the same run id and result.
      const running = this.inFlight.get(key);
      if (running && !running.controller.signal.aborted) {
        this.attach(running, opts);
        this.log('info', `run ${running.runId}: joined by an identical request`);
        return { runId: running.runId, cached: false, done: running.done };
      }
      const found = this.store.findDoneRunByKey(key);
      if (found) {
        return {
          runId: found.id,
          cached: true,
          done: Promise.resolve({ ...this.getRun(found.id), cached: true }),
        };
      }
    }
    const runId = this.store.createRun({
      key,
      phase,
      tenants,
      config,
      codeVersion: CODE_VERSION,
      seed: config.seed,
      status: 'running',
    });
    const controller = new AbortController();
    const entry: InFlightRun = {
      runId,
      controller,
      done: Promise.resolve() as unknown as Promise<RunDetail>,
      holders: 0,
      detached: false,
      listeners: new Set(),
      cleanups: [],
    };
    this.attach(entry, opts);
    if (!entry.detached && entry.holders === 0) controller.abort();
    this.active.set(runId, controller);
    this.inFlight.set(key, entry);
    this.log('info', `run ${runId}: phase ${phase}, ${tenants.length} tenant(s) started`);
    const onProgress = (e: ProgressEvent) => {
      // A caller's listener that throws must not stop the run for everyone else.
      for (const l of entry.listeners) {
        try {
          l(e);
        } catch (err) {
          this.log('warning', `a progress listener failed: ${(err as Error)?.message ?? err}`);
        }
      }
    };
    entry.done = this.executeRun(runId, phase, config, tenants, sources, controller.signal, {
      onProgress,
    })
      .catch((e: unknown) => {
        // Whatever failed after the run started, it must not stay 'running' while we live.
        try {
          const r = this.store.getRun(runId);
          if (r && (r.status === 'running' || r.status === 'queued')) {
            this.store.finishRun(runId, 'failed', null, (e as Error)?.message ?? String(e));
          }
        } catch {
          /* the store itself failed; start-up recovery will close the run */
        }
        throw e;
      })
      .finally(() => {
        this.active.delete(runId);
        if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
        for (const c of entry.cleanups) c();
        entry.listeners.clear();
      });
    // The caller may not await (wait: false); failures are recorded in the store either way.
    entry.done.catch(() => {});
    return { runId, cached: false, done: entry.done };
  }

  /** Adds a caller to a run in progress: its progress listener, and its signal as a holder. */
  private attach(entry: InFlightRun, opts: RunHandleOptions): void {
    const listener = opts.onProgress;
    if (listener) entry.listeners.add(listener);
    const signal = opts.signal;
    if (!signal) {
      entry.detached = true;
      return;
    }
    if (signal.aborted) {
      if (listener) entry.listeners.delete(listener);
      return;
    }
    entry.holders++;
    const onAbort = () => {
      entry.holders--;
      if (listener) entry.listeners.delete(listener);
      if (entry.holders === 0 && !entry.detached) entry.controller.abort();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    entry.cleanups.push(() => signal.removeEventListener('abort', onAbort));
  }

  private async executeRun(
    runId: number,
    phase: PhaseId,
    config: Required<PhaseConfig>,
    tenants: string[],
    sources: TenantSource[],
    signal: AbortSignal,
    opts: RunHandleOptions,
  ): Promise<RunDetail> {
    const started = performance.now();
    const total = tenants.length;
    let done = 0;
    let next = 0;
    let failure: Error | null = null;
    opts.onProgress?.({ runId, done: 0, total, message: `phase ${phase}: 0/${total} tenants` });
    // Bounded in-flight tasks: memory stays bounded by the pool, not by the number of tenants;
    // each result is written to SQLite as it arrives.
    const inFlight = Math.max(2, this.pool.size * 2);
    const worker = async () => {
      while (next < total && !signal.aborted && failure === null) {
        const i = next++;
        try {
          const out = await this.pool.run(
            { kind: 'train', phase, config, source: sources[i] },
            signal,
          );
          if (out.kind !== 'train' || signal.aborted) continue;
          this.store.saveTenantResult(runId, out.result);
          done++;
          this.store.updateProgress(runId, done, total);
          opts.onProgress?.({
            runId,
            done,
            total,
            tenant: tenants[i],
            message: `phase ${phase}: ${done}/${total} tenants`,
          });
        } catch (e) {
          if (!signal.aborted && failure === null) failure = this.mapComputeError(e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
    if (this.closed) {
      // Recorded here, while the store is still open: close() waits for the pool first.
      try {
        this.store.finishRun(runId, 'cancelled', null, SHUTDOWN_ERROR);
      } catch (e) {
        this.log('warning', `run ${runId}: could not record the shutdown: ${(e as Error).message}`);
      }
      throw new AppError('the server is shutting down', 'cancelled');
    }
    if (signal.aborted) {
      this.recordEnd(runId, 'cancelled', null, 'cancelled by the caller');
      this.log('info', `run ${runId} cancelled after ${done}/${total} tenants`);
      return this.getRun(runId);
    }
    if (failure !== null) {
      const f = failure as Error;
      this.recordEnd(runId, 'failed', null, f.message);
      this.log('warning', `run ${runId} failed: ${f.message}`);
      throw f;
    }
    const results = this.orderedResults(runId, tenants);
    const summary = summarize(phase, results);
    this.recordEnd(runId, 'done', summary);
    try {
      writeAtomic(
        path.join(this.stateDir, 'analytics', `phase${phase}_results.json`),
        analyticsJson(results),
      );
    } catch (e) {
      this.log('warning', `could not write analytics JSON: ${(e as Error).message}`);
    }
    this.log('info', `run ${runId} done in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    return this.getRun(runId);
  }

  /**
   * Records how a run ended. When the store cannot be written (disk full), the run is reported
   * as failed from memory (never as running, never as done) and the error says why; on the next
   * start the store marks it failed as interrupted.
   */
  private recordEnd(
    runId: number,
    status: 'done' | 'failed' | 'cancelled',
    summary: PhaseSummary | null,
    error: string | null = null,
  ): void {
    try {
      this.store.finishRun(runId, status, summary, error);
    } catch (e) {
      const why = `${error ?? `the run finished (${status})`}; recording it failed: ${(e as Error).message}`;
      this.unrecorded.set(runId, why);
      this.log('error', `run ${runId}: ${why}`);
      throw this.mapComputeError(e);
    }
  }

  private orderedResults(runId: number, tenants: string[]): TenantResult[] {
    const byTenant = new Map(this.store.getTenantResults(runId).map((r) => [r.tenant, r]));
    return tenants.map((t) => byTenant.get(t)).filter((r): r is TenantResult => r !== undefined);
  }

  cancelRun(runId: number): boolean {
    const c = this.active.get(runId);
    if (!c) return false;
    c.abort();
    return true;
  }

  private runInfo(r: RunRecord): RunInfo {
    const lost =
      r.status === 'running' || r.status === 'queued' ? this.unrecorded.get(r.id) : undefined;
    if (lost !== undefined) r = { ...r, status: 'failed', error: lost };
    return {
      id: r.id,
      phase: r.phase,
      tenants: r.tenants,
      status: r.status,
      config: r.config as PhaseConfig,
      progress: { done: r.progress_done, total: r.progress_total },
      created_at: r.created_at,
      started_at: r.started_at,
      finished_at: r.finished_at,
      seconds: r.seconds,
      error: r.error,
      summary: (r.summary as PhaseSummary | null) ?? null,
    };
  }

  getRun(runId: number): RunDetail {
    const r = this.store.getRun(runId);
    if (!r)
      throw new AppError(
        `no run with id ${runId}; list runs with list_runs (CLI: wv-mmm runs)`,
        'not_found',
      );
    const results = this.orderedResults(runId, r.tenants).sort((a, b) => b.mean_r2 - a.mean_r2);
    return { ...this.runInfo(r), results };
  }

  listRuns(q: { limit?: number; offset?: number; phase?: PhaseId } = {}): {
    runs: RunInfo[];
    total: number;
  } {
    const limit = q.limit ?? 20;
    const offset = q.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new AppError('limit must be an integer from 1 to 1000', 'invalid_argument');
    if (!Number.isInteger(offset) || offset < 0)
      throw new AppError('offset must be an integer >= 0', 'invalid_argument');
    if (q.phase !== undefined) checkPhase(q.phase);
    const runs = this.store.listRuns({ limit, offset, phase: q.phase }).map((r) => this.runInfo(r));
    return { runs, total: this.store.countRuns({ phase: q.phase }) };
  }

  // ---- judging --------------------------------------------------------------------------

  private doneRun(ref: { phase?: PhaseId; runId?: number }, what: string): RunRecord {
    if (ref.runId !== undefined) {
      const r = this.store.getRun(ref.runId);
      if (!r)
        throw new AppError(`no run with id ${ref.runId}; list runs with list_runs`, 'not_found');
      if (r.status !== 'done') {
        throw new AppError(
          `run ${ref.runId} is ${r.status}, not done; only finished runs can be ${what}`,
          'conflict',
        );
      }
      return r;
    }
    const phase = checkPhase(ref.phase);
    const r = this.store.latestDoneRun(phase);
    if (!r)
      throw new AppError(
        `no finished phase ${phase} run yet; call run_phase with phase ${phase} first`,
        'not_found',
      );
    return r;
  }

  comparePhases(a: { phase?: PhaseId; runId?: number }, b: { phase?: PhaseId; runId?: number }) {
    const ra = this.doneRun(a, 'compared');
    const rb = this.doneRun(b, 'compared');
    return compareRuns(
      { run_id: ra.id, phase: ra.phase, results: this.orderedResults(ra.id, ra.tenants) },
      { run_id: rb.id, phase: rb.phase, results: this.orderedResults(rb.id, rb.tenants) },
    );
  }

  checkGates(req: { phase: PhaseId; runId?: number; passThreshold?: number }): GateDecision {
    const phase = checkPhase(req.phase);
    const run = this.doneRun(req.runId !== undefined ? { runId: req.runId } : { phase }, 'judged');
    if (run.phase !== phase) {
      throw new AppError(
        `run ${run.id} is a phase ${run.phase} run, not phase ${phase}`,
        'invalid_argument',
      );
    }
    const results = this.orderedResults(run.id, run.tenants);
    const prevRun = phase > 0 ? this.store.latestDoneRun((phase - 1) as PhaseId) : null;
    const baseRun = phase > 0 ? this.store.latestDoneRun(0) : null;
    let decision: GateDecision;
    try {
      decision = decideGates({
        phase,
        results,
        previous: prevRun
          ? { phase: prevRun.phase, results: this.orderedResults(prevRun.id, prevRun.tenants) }
          : null,
        baseline: baseRun ? this.orderedResults(baseRun.id, baseRun.tenants) : null,
        passThreshold: req.passThreshold,
      });
    } catch (e) {
      throw new AppError((e as Error).message, 'invalid_argument');
    }
    const saved = this.store.saveGateDecision({
      runId: run.id,
      inputs: { results: run.id, previous: prevRun?.id ?? null, baseline: baseRun?.id ?? null },
      decision,
    });
    if (decision.escalation) {
      try {
        appendFileSync(
          path.join(this.stateDir, 'escalations.log'),
          JSON.stringify({
            escalation_id: saved.escalation_id,
            gate_decision_id: saved.id,
            run_id: run.id,
            phase,
            decision: decision.decision,
            ...decision.escalation,
            at: new Date().toISOString(),
          }) + '\n',
        );
      } catch (e) {
        this.log('warning', `could not append to escalations.log: ${(e as Error).message}`);
      }
    }
    return decision;
  }

  latestGate(
    phase: PhaseId,
  ): { decision: GateDecision; run_id: number | null; decided_at: string } | null {
    const rec = this.store.latestGateDecision(checkPhase(phase));
    return rec ? { decision: rec.result, run_id: rec.run_id, decided_at: rec.created_at } : null;
  }

  async explainTenant(req: { tenant: string; phase?: PhaseId }, opts: RunHandleOptions = {}) {
    this.checkOpen();
    const phase = checkPhase(req.phase ?? 3);
    const source = this.source(req.tenant);
    const progress = (done: number, message: string) =>
      opts.onProgress?.({ runId: null, done, total: 1, tenant: req.tenant, message });
    progress(0, `explaining ${req.tenant}`);
    const config = normalizeConfig({});
    // The all-rows model is kept beside the latest finished run of the phase that covers the
    // tenant with the default config, so the next explanation of the same data needs no retraining.
    const hash = this.datasetHash(source);
    const run = this.store.latestDoneRun(phase);
    const holder =
      run && run.tenants.includes(req.tenant) && canonicalJson(run.config) === canonicalJson(config)
        ? run
        : null;
    const stored = holder
      ? this.store
          .getModels(holder.id, req.tenant, -1)
          .map((m) => m.payload as { dataset_hash: string; model: FinalModelJSON })
          .find((p) => p.dataset_hash === hash)
      : undefined;
    const out = await this.runTask(
      { kind: 'explain', phase, config, source, model: stored?.model },
      opts.signal,
    );
    if (out.kind !== 'explain')
      throw new AppError('internal: unexpected worker result', 'internal');
    if (holder && !stored) {
      try {
        this.store.saveModel(holder.id, req.tenant, {
          fold: -1,
          kind: 'final',
          payload: { dataset_hash: hash, model: out.model },
        });
      } catch (e) {
        this.log('warning', `could not keep the fitted model: ${(e as Error).message}`);
      }
    }
    if (stored) {
      out.explanation.notes.push(
        `explained from the all-rows model stored with run ${holder!.id} (no retraining)`,
      );
    }
    progress(1, `explained ${req.tenant}`);
    return out.explanation;
  }

  // ---- data -----------------------------------------------------------------------------

  private readImportFile(p: string): string {
    if (this.importDirs.length === 0) {
      throw new AppError(
        'importing from a file path is disabled: the operator allows no directories (set WV_MMM_IMPORT_DIRS), or pass the CSV text instead',
        'invalid_argument',
      );
    }
    const outside = () =>
      new AppError(
        'that path is outside the directories allowed for import (WV_MMM_IMPORT_DIRS); symlinks and .. are resolved first',
        'invalid_argument',
      );
    const dirs = this.importDirs.map((d) => path.resolve(d));
    const realDirs = dirs.flatMap((d) => {
      try {
        return [realpathSync(d)];
      } catch {
        return [];
      }
    });
    // A relative path names a file in an allowed directory (the server's cwd means nothing to a
    // client): the first directory where it exists, else the first directory.
    const candidates = path.isAbsolute(p) ? [path.resolve(p)] : dirs.map((d) => path.resolve(d, p));
    const lexical = candidates.find((c) => existsSync(c)) ?? candidates[0];
    // Refused before touching the file system, so that the answer says nothing about files
    // elsewhere (no "not found" vs "outside" oracle); checked again after symlinks resolve.
    if (!isInside(lexical, [...dirs, ...realDirs])) throw outside();
    let real: string;
    try {
      real = realpathSync(lexical);
    } catch {
      throw new AppError(`file not found: ${path.basename(p)}`, 'not_found');
    }
    if (!isInside(real, realDirs)) throw outside();
    let text: string;
    try {
      const st = statSync(real);
      if (!st.isFile())
        throw new AppError('the import path is not a regular file', 'invalid_argument');
      if (st.size > CSV_LIMITS.maxChars) {
        throw new AppError(
          `the file is ${st.size} bytes; the limit is ${CSV_LIMITS.maxChars} bytes (CSV_LIMITS.maxChars, 20 MiB); import a shorter period or aggregate daily rows to weekly`,
          'limit',
        );
      }
      text = readFileSync(real, 'utf8');
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw new AppError(
        `cannot read ${path.basename(p)}: ${(e as NodeJS.ErrnoException).code ?? 'read error'}`,
        'invalid_argument',
      );
    }
    return text;
  }

  importTenantData(req: ImportRequest): ImportResult {
    this.checkOpen();
    try {
      validateTenantId(req.tenant);
    } catch (e) {
      throw new AppError((e as Error).message, 'invalid_argument');
    }
    if (isBuiltinTenant(req.tenant)) {
      throw new AppError(
        `'${req.tenant}' is a built-in tenant and cannot be overwritten; choose another id`,
        'conflict',
      );
    }
    if ((req.csv === undefined) === (req.path === undefined)) {
      throw new AppError(
        'give exactly one of csv (the CSV text) or path (a file in an allowed directory)',
        'invalid_argument',
      );
    }
    const existing = this.store.getDatasetSummary(req.tenant);
    if (existing && !req.replace) {
      throw new AppError(
        `tenant '${req.tenant}' already exists (${existing.source}); pass replace: true (CLI: --replace) to overwrite it`,
        'conflict',
      );
    }
    const text = req.csv ?? this.readImportFile(req.path as string);
    let parsed;
    try {
      parsed = parseTenantCsv(text, {
        tenant: req.tenant,
        fileName: req.path ? path.basename(req.path) : 'csv',
        roles: req.roles,
      });
    } catch (e) {
      if (e instanceof DataError) throw new AppError(e.message, 'invalid_argument');
      throw e;
    }
    const series = parsed.series;
    const canonical = tenantToCsv(series);
    const info: TenantInfo = {
      tenant: req.tenant,
      tier: 'custom',
      category: 'imported',
      city: '',
      latitude: 0,
      longitude: 0,
      driver: 'none',
      source: 'imported',
      rows: series.dates.length,
      start: series.dates[0],
      end: series.dates[series.dates.length - 1],
      frequency: series.frequency,
      channels: series.channels,
    };
    const saved = this.store.upsertDataset({ info, csv: canonical, storeCsv: true });
    return {
      tenant: req.tenant,
      rows: info.rows,
      frequency: info.frequency,
      start: info.start,
      end: info.end,
      channels: series.channels,
      weather: series.weatherNames,
      controls: series.controlNames,
      target: series.targetName,
      content_hash: saved.content_hash,
      replaced: existing !== null,
      warnings: parsed.warnings,
    };
  }

  exportTenant(
    tenant: string,
    opts: { truth?: boolean } = {},
  ): { csv: string; truth: string | null } {
    const { series, synthetic } = resolveTenant(this.source(tenant));
    return {
      csv: tenantToCsv(series),
      truth: opts.truth && synthetic ? truthToJson(synthetic.truth) : null,
    };
  }

  generateTenants(req: { count: number; days?: number; seed: number; prefix?: string }): {
    tenants: string[];
  } {
    const { count, seed } = req;
    const days = req.days ?? 1095;
    const prefix = req.prefix ?? 'gen';
    if (!Number.isInteger(count) || count < 1 || count > APP_LIMITS.maxGenerate) {
      throw new AppError(
        `count must be an integer from 1 to ${APP_LIMITS.maxGenerate}`,
        'invalid_argument',
      );
    }
    if (!Number.isInteger(seed) || seed < 0)
      throw new AppError('seed must be an integer >= 0', 'invalid_argument');
    if (!Number.isInteger(days) || days < 60 || days > APP_LIMITS.maxGenerateDays) {
      throw new AppError(
        `days must be an integer from 60 to ${APP_LIMITS.maxGenerateDays}`,
        'invalid_argument',
      );
    }
    if (!/^[a-z][a-z0-9_-]{0,15}$/.test(prefix))
      throw new AppError(
        'prefix must be 1-16 lowercase letters, digits, _ or -',
        'invalid_argument',
      );
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const spec = generatedSpec(i, seed, prefix);
      const generator = { seed, index: i, days, prefix };
      const info = { ...infoOf(spec, 'generated', '2022-01-01', days), generator };
      // Synthetic data is regenerated from its spec on demand; the "csv" hashed is the spec.
      this.store.upsertDataset({
        info,
        csv: JSON.stringify({ generator, version: CODE_VERSION }),
        storeCsv: false,
      });
      ids.push(spec.id);
    }
    return { tenants: ids };
  }

  private checkOpen(): void {
    if (this.closed) throw new AppError('the app is closed', 'cancelled');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.active.values()) c.abort();
    await this.pool.close();
    // Runs still marked running are closed out as cancelled, never left to look alive.
    for (const id of this.active.keys()) {
      try {
        this.store.finishRun(id, 'cancelled', null, SHUTDOWN_ERROR);
      } catch {
        /* already finished */
      }
    }
    this.store.close();
  }
}

export function createApp(options: CreateAppOptions = {}): App {
  const log = options.log ?? stderrLogger();
  const stateDir = options.stateDir ?? defaultStateDir();
  let store: Store;
  try {
    store = openStore(stateDir);
  } catch (e) {
    if (e instanceof StoreError) throw new AppError(e.message, 'internal');
    throw e;
  }
  const recovered = store.recoverInterruptedRuns();
  if (recovered.length)
    log('warning', `marked interrupted run(s) ${recovered.join(', ')} as failed`);
  const importDirs =
    options.importDirs ??
    (process.env.WV_MMM_IMPORT_DIRS ?? '')
      .split(path.delimiter)
      .map((d) => d.trim())
      .filter((d) => d !== '');
  const pool = new ComputePool(options.workers, (err) =>
    log('warning', `worker pool: ${err.message.slice(0, 300)}`),
  );
  return new AppImpl(stateDir, store, pool, log, importDirs);
}
