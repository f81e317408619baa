/**
 * Runs: a phase over a list of tenants, recorded in the store. Identical requests in progress
 * share one run (dedup by run key) and a finished one is served from the store; tasks go to the
 * compute backend with bounded concurrency; a run is cancelled by cancel_run or when every caller
 * waiting on it gives up; how it ended is always recorded (or, if the disk refuses, reported as
 * failed from memory). Single-tenant training (train_tenant) is here too: the same task, no record.
 */
import { BUILTIN_TENANT_IDS } from '../core/data/index.js';
import type { PhaseId, PhaseSummary, TenantResult } from '../phases/types.js';
import {
  INTERRUPTED_ERROR,
  runKey,
  StoreBusyError,
  type RunRecord,
  type Store,
} from '../store/index.js';
import { summarize, writeAnalytics } from './analytics.js';
import { resolveTenant, type TenantSource } from './compute.js';
import { APP_LIMITS, normalizeConfig, parsePhase } from './config.js';
import { checkOpen, runTask, type AppContext } from './context.js';
import { AppError, mapComputeError } from './errors.js';
import { datasetHash, tenantSource } from './tenants.js';
import type {
  PhaseConfig,
  ProgressEvent,
  RunDetail,
  RunHandleOptions,
  RunInfo,
  TrainResult,
} from './types.js';
import {
  checkProtocol,
  checkProtocolOptions,
  checkTenantProtocol,
  seriesWarnings,
  warningSourceKind,
  tenantFrequency,
} from './warnings.js';
import { MODEL_CODE_ID } from './version.js';
import { dataSince } from './kept.js';

/**
 * Why a run ended with the process that ran it. Runs live in that process (the MCP server, or the
 * CLI): a background run (run_phase wait:false) ends when its server exits.
 */
export const SHUTDOWN_ERROR =
  'cancelled: the process running it (the MCP server or the CLI) shut down before it finished; ' +
  'a run lives in the process that started it, so start it again from a session that stays open';

/** The reason recorded for a cancelled run: the one the caller gave (an AppError), else generic. */
function cancelReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof AppError ? r.message : 'cancelled by the caller';
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

/** How often a run computed by another process is looked at (follow). */
const FOLLOW_POLL_MS = 250;
/**
 * A followed run whose progress has not moved for this long is said to be stalled, once until it
 * moves again: its process may be stopped (Ctrl-Z, SIGSTOP) or hung, and a follower waited on it
 * without a word (the CLI) or with endless heartbeats (MCP). Long enough for a slow tenant (a
 * 15-channel phase-3 fit with its search takes under a minute on two cores).
 */
export const FOLLOW_STALL_MS = 120_000;

/**
 * How long a run's write (a tenant's result, its progress, its end) that another process's lock
 * refused is tried again, after the busy timeout of the first try: a lock of a few seconds (a
 * backup, a database browser) no longer fails the whole run and drops the tenants computed.
 */
export const STORE_BUSY_RETRY_MS = 20_000;
/** First pause between those tries (doubled each time, up to STORE_BUSY_PAUSE_MAX_MS). */
const STORE_BUSY_PAUSE_MS = 100;
const STORE_BUSY_PAUSE_MAX_MS = 2_000;
/** First pause before a run's end that could not be written is tried again (then doubled). */
const UNRECORDED_RETRY_MS = 500;
const UNRECORDED_RETRY_MAX_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A run's end this process could not write: what it reported, to write when the store lets it. */
interface UnrecordedEnd {
  status: 'failed' | 'cancelled';
  error: string;
}

/** A run's stored tenant results in the run's tenant order (missing tenants left out). */
export function orderedResults(store: Store, runId: number, tenants: string[]): TenantResult[] {
  const byTenant = new Map(store.getTenantResults(runId).map((r) => [r.tenant, r]));
  return tenants.map((t) => byTenant.get(t)).filter((r): r is TenantResult => r !== undefined);
}

/** Trains one tenant through one phase on the compute backend; nothing is recorded. */
export async function trainTenant(
  ctx: AppContext,
  req: { tenant: string; phase: PhaseId; config?: PhaseConfig },
  opts: RunHandleOptions = {},
): Promise<TrainResult> {
  checkOpen(ctx);
  const phase = parsePhase(req.phase);
  const config = normalizeConfig(req.config);
  const source = tenantSource(ctx, req.tenant);
  // Data too short for any honest protocol is refused here, with the rows it would need.
  const { series } = resolveTenant(source);
  checkProtocol(
    { tenant: series.tenant, frequency: series.frequency, rows: series.target.length },
    config,
    ctx.words,
  );
  opts.onProgress?.({
    runId: null,
    done: 0,
    total: 1,
    tenant: req.tenant,
    message: `training ${req.tenant}`,
  });
  const out = await runTask(ctx, { kind: 'train', phase, config, source }, opts.signal);
  opts.onProgress?.({
    runId: null,
    done: 1,
    total: 1,
    tenant: req.tenant,
    message: `trained ${req.tenant}`,
  });
  return {
    ...out.result,
    warnings: [
      ...seriesWarnings(series, config, ctx.words, 'train', warningSourceKind(source)),
      // Far-off folds (phases/result.ts foldLevelGap): what their level says, in words.
      ...out.result.folds.flatMap((f) => (f.level_gap ? [f.level_gap.note] : [])),
    ],
  };
}

export class RunManager {
  private readonly active = new Map<number, AbortController>();
  /** Runs in progress by run key: identical concurrent requests share one run. */
  private readonly inFlight = new Map<string, InFlightRun>();
  /**
   * Runs whose end could not be written (the store locked by another process, a full disk):
   * reported from memory as they ended, and written as soon as the store lets it (flushUnrecorded:
   * at every look at the runs, on a timer, and at close), so that no other process sees them
   * running for as long as this one lives.
   */
  private readonly unrecorded = new Map<number, UnrecordedEnd>();
  private unrecordedTimer: NodeJS.Timeout | null = null;
  private unrecordedPause = UNRECORDED_RETRY_MS;
  /**
   * Runs of dead processes that the last look found but could not mark failed (another process
   * held the store's write lock): shown failed as interrupted until the mark is written.
   */
  private presumedInterrupted = new Set<number>();
  /** Runs of another process followed here that ended without a result, and the run started for them. */
  private readonly replacedBy = new Map<number, number>();
  /** A run's write found the store locked and has not got through since (retryBusy). */
  private storeLocked = false;

  constructor(
    private readonly ctx: AppContext,
    /** STORE_BUSY_RETRY_MS (tests shorten it). */
    private readonly busyRetryMs = STORE_BUSY_RETRY_MS,
    /** FOLLOW_STALL_MS (tests shorten it). */
    private readonly followStallMs = FOLLOW_STALL_MS,
  ) {}

  start(
    req: { phase: PhaseId; tenants?: string[]; config?: PhaseConfig; force?: boolean },
    opts: RunHandleOptions = {},
  ): { runId: number; cached: boolean; elsewhere?: boolean; done: Promise<RunDetail> } {
    const { ctx } = this;
    checkOpen(ctx);
    const phase = parsePhase(req.phase);
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
    const sources = tenants.map((t) => tenantSource(ctx, t));
    // Refused before the run exists: options a tenant's frequency cannot take (the caller's to
    // change), and a tenant too short for the folds (otherwise its worker fails the whole run
    // after the others were computed, and a failed run stays in the store).
    tenants.forEach((tenant) => {
      const frequency = tenantFrequency(ctx, tenant);
      const tell = (e: unknown, suffix: string): never => {
        if (!(e instanceof AppError)) throw e;
        throw new AppError(`tenant '${tenant}': ${e.message}${suffix}`, e.code);
      };
      try {
        if (frequency) checkProtocolOptions(frequency, config, ctx.words);
      } catch (e) {
        tell(e, '');
      }
      try {
        checkTenantProtocol(ctx, tenant, config);
      } catch (e) {
        tell(e, ', or run the phase without it');
      }
    });
    const hashes = sources.map((s) => datasetHash(s));
    const key = runKey({
      phase,
      tenants,
      datasetHashes: hashes,
      config,
      codeVersion: MODEL_CODE_ID,
    });
    if (!req.force) {
      // An identical run in progress is joined rather than started again: no duplicate runs,
      // no duplicate work, and every caller sees the same run id and result.
      const running = this.inFlight.get(key);
      if (running && !running.controller.signal.aborted) {
        this.attach(running, opts);
        ctx.log('info', `run ${running.runId}: joined by an identical request`);
        return { runId: running.runId, cached: false, done: running.done };
      }
    }
    const input = {
      key,
      phase,
      tenants,
      config,
      codeVersion: MODEL_CODE_ID,
      seed: config.seed,
      status: 'running' as const,
    };
    let runId: number;
    if (req.force) {
      runId = ctx.store.createRun(input);
    } else {
      // Done in the store, or in progress in another process on this store (a CLI beside the MCP
      // server): served or followed rather than computed twice. Looked up and created in one
      // transaction, so two processes starting it at once do not both compute it. (A done run
      // is looked up first without a write, so a cached run is served from a read-only store.)
      const found = ctx.store.findDoneRunByKey(key);
      this.recoverOrphans();
      const claim = found ? { done: found } : ctx.store.claimRun(input);
      if ('done' in claim) {
        this.markServed(claim.done.id);
        // The artifact is the served run's again (another run may have written it since).
        this.writeArtifact(claim.done.id, phase, claim.done.tenants);
        return {
          runId: claim.done.id,
          cached: true,
          done: Promise.resolve({ ...this.get(claim.done.id), cached: true }),
        };
      }
      if ('active' in claim) {
        const elsewhere = claim.active;
        ctx.log('info', `run ${elsewhere.id}: in progress in another process; following it`);
        return {
          runId: elsewhere.id,
          cached: false,
          elsewhere: true,
          done: this.follow(elsewhere.id, { ...req, tenants }, opts),
        };
      }
      runId = claim.created;
    }
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
    ctx.log('info', `run ${runId}: phase ${phase}, ${tenants.length} tenant(s) started`);
    const onProgress = (e: ProgressEvent) => {
      // A caller's listener that throws must not stop the run for everyone else.
      for (const l of entry.listeners) {
        try {
          l(e);
        } catch (err) {
          ctx.log('warning', `a progress listener failed: ${(err as Error)?.message ?? err}`);
        }
      }
    };
    // The tasks' key names the queue mode's jobs (one per tenant, kept an hour once done, so a
    // restarted coordinator collects them). A forced run computes again: its jobs are its own,
    // not the completed ones of the same key.
    const taskKey = req.force ? `${key}#run${runId}` : key;
    entry.done = this.execute(
      runId,
      taskKey,
      phase,
      config,
      tenants,
      sources,
      hashes,
      controller.signal,
      {
        onProgress,
      },
    )
      .catch((e: unknown) => {
        // Whatever failed after the run started, it must not stay 'running' while we live
        // (an end already kept to write later is written by flushUnrecorded).
        if (!this.unrecorded.has(runId)) {
          const error = (e as Error)?.message ?? String(e);
          try {
            const r = ctx.store.getRun(runId);
            if (r && (r.status === 'running' || r.status === 'queued')) {
              ctx.store.finishRun(runId, 'failed', null, error);
            }
          } catch {
            this.keepUnrecorded(runId, { status: 'failed', error });
          }
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

  /**
   * A run served from the store becomes its phase's latest (what check_gates, compare_phases and
   * get_report {phase} judge by default). Best effort: a store that refuses the write (read-only,
   * full) still serves the run; the default then stays the run it was.
   */
  private markServed(runId: number): void {
    try {
      this.ctx.store.markServed(runId);
    } catch (e) {
      this.ctx.log(
        'warning',
        `run ${runId}: served from the store, but could not record it as the latest: ${(e as Error).message}`,
      );
    }
  }

  /**
   * Writes the phase's analytics artifact (state/analytics/phaseN_results.json) from a done run's
   * stored results: when it finishes here, and when it is served from the store or followed to its
   * end in another process, so the artifact always holds the run the last request got. Best
   * effort: a state directory that refuses the write is logged, and the run is still returned.
   */
  private writeArtifact(
    runId: number,
    phase: PhaseId,
    tenants: string[],
    results: TenantResult[] = orderedResults(this.ctx.store, runId, tenants),
  ): void {
    try {
      writeAnalytics(this.ctx.stateDir, phase, results);
    } catch (e) {
      this.ctx.log(
        'warning',
        `run ${runId}: could not write analytics JSON: ${(e as Error).message}`,
      );
    }
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
      if (entry.holders === 0 && !entry.detached) entry.controller.abort(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    entry.cleanups.push(() => signal.removeEventListener('abort', onAbort));
  }

  private async execute(
    runId: number,
    key: string,
    phase: PhaseId,
    config: Required<PhaseConfig>,
    tenants: string[],
    sources: TenantSource[],
    /** datasetHash of each source (the run key's), stored with each result. */
    hashes: readonly string[],
    signal: AbortSignal,
    opts: RunHandleOptions,
  ): Promise<RunDetail> {
    const { ctx } = this;
    const started = performance.now();
    const total = tenants.length;
    let done = 0;
    let next = 0;
    let failure: Error | null = null;
    opts.onProgress?.({ runId, done: 0, total, message: `phase ${phase}: 0/${total} tenants` });
    // Bounded in-flight tasks: memory stays bounded by the pool, not by the number of tenants;
    // each result is written to SQLite as it arrives.
    const inFlight = Math.max(2, ctx.compute.size * 2);
    const worker = async () => {
      while (next < total && !signal.aborted && failure === null) {
        const i = next++;
        try {
          const out = await ctx.compute.run(
            { kind: 'train', phase, config, source: sources[i] },
            signal,
            { key: `${key}/${tenants[i]}` },
          );
          if (out.kind !== 'train' || signal.aborted) continue;
          await this.retryBusy(
            () => ctx.store.saveTenantResult(runId, out.result, [], hashes[i]),
            signal,
          );
          done++;
          const now = done;
          await this.retryBusy(() => ctx.store.updateProgress(runId, now, total), signal);
          opts.onProgress?.({
            runId,
            done,
            total,
            tenant: tenants[i],
            message: `phase ${phase}: ${done}/${total} tenants`,
          });
        } catch (e) {
          if (!signal.aborted && failure === null) failure = mapComputeError(e, ctx.log);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
    if (ctx.closed) {
      // Recorded here, while the store is still open: close() waits for the pool first (and
      // tries once more, in closeOutActive, an end the store refused here).
      try {
        ctx.store.finishRun(runId, 'cancelled', null, SHUTDOWN_ERROR);
      } catch (e) {
        ctx.log('warning', `run ${runId}: could not record the shutdown: ${(e as Error).message}`);
        this.keepUnrecorded(runId, { status: 'cancelled', error: SHUTDOWN_ERROR });
      }
      throw new AppError('the server is shutting down', 'cancelled');
    }
    if (signal.aborted) {
      await this.recordEnd(runId, 'cancelled', null, cancelReason(signal));
      ctx.log('info', `run ${runId} cancelled after ${done}/${total} tenants`);
      return this.get(runId);
    }
    if (failure !== null) {
      const f = failure as Error;
      await this.recordEnd(runId, 'failed', null, f.message);
      // Info, not a warning: the caller gets the error and says it (the CLI printed it twice).
      ctx.log('info', `run ${runId} failed: ${f.message}`);
      throw f;
    }
    const results = orderedResults(ctx.store, runId, tenants);
    const summary = summarize(phase, results);
    await this.recordEnd(runId, 'done', summary);
    this.writeArtifact(runId, phase, tenants, results);
    ctx.log('info', `run ${runId} done in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    return this.get(runId);
  }

  /**
   * A write of a run in progress, tried again while another process holds the store's write
   * lock: after the first try (which waits the busy timeout) for up to busyRetryMs, without
   * waiting on the lock (the thread stays free between tries). Other failures, and a lock held
   * longer, are thrown; a cancelled run stops trying.
   */
  private async retryBusy<T>(write: () => T, signal?: AbortSignal): Promise<T> {
    const { store } = this.ctx;
    try {
      // While another write of this process waits out a lock, the next ones do not block the
      // thread for the busy timeout each (4 results arriving would have stalled it 20 s).
      const out = this.storeLocked ? store.withoutWaiting(write) : write();
      this.storeLocked = false;
      return out;
    } catch (e) {
      if (!(e instanceof StoreBusyError)) throw e;
      this.storeLocked = true;
      const deadline = Date.now() + this.busyRetryMs;
      let pause = STORE_BUSY_PAUSE_MS;
      let last: unknown = e;
      while (Date.now() < deadline && !signal?.aborted && !this.ctx.closed) {
        await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
        pause = Math.min(pause * 2, STORE_BUSY_PAUSE_MAX_MS);
        try {
          const out = store.withoutWaiting(write);
          this.storeLocked = false;
          return out;
        } catch (again) {
          if (!(again instanceof StoreBusyError)) throw again;
          last = again;
        }
      }
      throw last;
    }
  }

  /**
   * Records how a run ended (tried again while the store is locked, retryBusy). When the store
   * still cannot be written (locked longer, disk full), the run is reported as failed from memory
   * (never as running, never as done), the error says why, and this process writes that end as
   * soon as the store lets it (flushUnrecorded); a restart marks it failed as interrupted.
   */
  private async recordEnd(
    runId: number,
    status: 'done' | 'failed' | 'cancelled',
    summary: PhaseSummary | null,
    error: string | null = null,
  ): Promise<void> {
    try {
      await this.retryBusy(() => this.ctx.store.finishRun(runId, status, summary, error));
    } catch (e) {
      const why =
        `${error ?? `the run finished (${status})`}; ` +
        (e instanceof StoreBusyError
          ? "its end could not be recorded at once (another process held the store's write lock)"
          : `recording it failed: ${(e as Error).message}`);
      this.keepUnrecorded(runId, { status: 'failed', error: why });
      this.ctx.log('error', `run ${runId}: ${why}`);
      throw mapComputeError(e, this.ctx.log);
    }
  }

  /** Keeps a run's end to write later (flushUnrecorded) and starts the timer that writes it. */
  private keepUnrecorded(runId: number, end: UnrecordedEnd): void {
    this.unrecorded.set(runId, end);
    this.unrecordedPause = UNRECORDED_RETRY_MS;
    this.scheduleUnrecorded();
  }

  private scheduleUnrecorded(): void {
    if (this.unrecordedTimer !== null || this.unrecorded.size === 0 || this.ctx.closed) return;
    this.unrecordedTimer = setTimeout(() => {
      this.unrecordedTimer = null;
      this.flushUnrecorded();
      this.unrecordedPause = Math.min(this.unrecordedPause * 2, UNRECORDED_RETRY_MAX_MS);
      this.scheduleUnrecorded();
    }, this.unrecordedPause);
    // The timer alone never keeps the process alive (close() makes a last try).
    this.unrecordedTimer.unref();
  }

  /**
   * Writes the ends kept by keepUnrecorded, as they were reported. Without waiting on the lock
   * (a look at the runs must not stall) unless `wait` (close). An end the store has already
   * (another writer closed the run) is dropped; one the store still refuses is kept.
   */
  private flushUnrecorded(wait = false): void {
    const { store } = this.ctx;
    for (const [runId, end] of [...this.unrecorded]) {
      try {
        const write = () => {
          const r = store.getRun(runId);
          if (r && (r.status === 'running' || r.status === 'queued')) {
            store.finishRun(runId, end.status, null, end.error);
          }
        };
        if (wait) write();
        else store.withoutWaiting(write);
        this.unrecorded.delete(runId);
        this.ctx.log('info', `run ${runId}: its end (${end.status}) is recorded now`);
      } catch (e) {
        if (wait || !(e instanceof StoreBusyError)) {
          this.ctx.log(
            'warning',
            `run ${runId}: its end (${end.status}) still cannot be recorded: ${(e as Error).message}`,
          );
        }
      }
    }
    if (this.unrecorded.size === 0 && this.unrecordedTimer !== null) {
      clearTimeout(this.unrecordedTimer);
      this.unrecordedTimer = null;
    }
  }

  cancel(runId: number): boolean {
    const c = this.active.get(runId);
    if (!c) return false;
    c.abort();
    return true;
  }

  private info(r: RunRecord): RunInfo {
    if (r.status === 'running' || r.status === 'queued') {
      const lost = this.unrecorded.get(r.id);
      if (lost !== undefined) r = { ...r, status: lost.status, error: lost.error };
      else if (this.presumedInterrupted.has(r.id))
        r = { ...r, status: 'failed', error: INTERRUPTED_ERROR };
    }
    const replaced = this.replacement(r.id);
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
      ...(replaced !== null ? { replaced_by: replaced } : {}),
    };
  }

  /**
   * The run this process started for a run of another process it followed that ended without a
   * result (follow), or null; a chain of such takeovers ends at the newest.
   */
  private replacement(runId: number): number | null {
    let id = this.replacedBy.get(runId);
    if (id === undefined) return null;
    for (let i = 0; i < 100; i++) {
      const next = this.replacedBy.get(id);
      if (next === undefined || next === id) break;
      id = next;
    }
    return id;
  }

  /**
   * A run another process computes, followed through the store until it ends: its progress is
   * passed on, and its result returned when done. Ended without one (cancelled there, failed, or
   * its process gone: recoverOrphans marks that failed), the run is started here. Cancelling
   * stops the wait only: the other process's run goes on.
   */
  private async follow(
    runId: number,
    req: { phase: PhaseId; tenants?: string[]; config?: PhaseConfig; force?: boolean },
    opts: RunHandleOptions,
  ): Promise<RunDetail> {
    let seen = -1;
    let movedAt = Date.now();
    let stallSaid = false;
    for (;;) {
      // The run's head only while it goes on (its results are read once, when it is done).
      this.recoverOrphans();
      const d = this.ctx.store.getRun(runId);
      if (!d) throw new AppError(`run ${runId} was deleted while it was followed`, 'not_found');
      if (d.status === 'done') {
        this.writeArtifact(runId, d.phase, d.tenants);
        return this.get(runId);
      }
      if (d.status === 'failed' || d.status === 'cancelled') {
        const again = this.start(req, opts);
        // get_run and list_runs of the followed run name the run that took it over (a
        // background caller polls the followed run's id and would see only how it ended).
        if (again.runId !== runId) this.replacedBy.set(runId, again.runId);
        this.ctx.log(
          'info',
          `run ${runId} ended ${d.status} in its process; computing it here as run ${again.runId}`,
        );
        return again.done;
      }
      if (d.progress_done !== seen) {
        seen = d.progress_done;
        movedAt = Date.now();
        stallSaid = false;
        opts.onProgress?.({
          runId,
          done: d.progress_done,
          total: d.progress_total,
          message: `phase ${d.phase}: ${d.progress_done}/${d.progress_total} tenants (computed by another process)`,
        });
      } else if (!stallSaid && Date.now() - movedAt >= this.followStallMs) {
        stallSaid = true;
        const stalled =
          `run ${runId}: no tenant has finished for ${Math.round((Date.now() - movedAt) / 1000)} s in the process that computes it; ` +
          `it may be stopped or hung: stop waiting (the run goes on there), or end that process, and this one computes the run itself`;
        this.ctx.log('warning', stalled);
        opts.onProgress?.({
          runId,
          done: d.progress_done,
          total: d.progress_total,
          message: stalled,
        });
      }
      if (opts.signal?.aborted || this.ctx.closed) {
        throw new AppError(
          `stopped waiting for run ${runId}, which another process computes (it goes on there; ${this.ctx.words.listRuns} shows it)`,
          'cancelled',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    }
  }

  /**
   * Runs of another process that died without recording their end are marked failed before
   * anyone reads them: get_run never shows a run as running that nothing runs. This process's
   * own ends that the store refused before are written first. Neither waits on another
   * process's write lock: while the store is locked, the runs to mark are shown failed from
   * memory (presumedInterrupted) and marked at a later look.
   */
  private recoverOrphans(): void {
    const { store } = this.ctx;
    if (this.unrecorded.size > 0) this.flushUnrecorded();
    try {
      store.withoutWaiting(() => store.recoverInterruptedRuns(undefined, { keepOwn: true }));
      this.presumedInterrupted.clear();
    } catch (e) {
      if (e instanceof StoreBusyError) {
        try {
          this.presumedInterrupted = new Set(store.interruptedRuns(undefined, { keepOwn: true }));
        } catch {
          this.presumedInterrupted.clear();
        }
        return;
      }
      this.ctx.log('warning', `could not check for interrupted runs: ${(e as Error).message}`);
    }
  }

  get(runId: number): RunDetail {
    this.recoverOrphans();
    const r = this.ctx.store.getRun(runId);
    if (!r)
      throw new AppError(
        `no run with id ${runId}; list runs with ${this.ctx.words.listRuns}`,
        'not_found',
      );
    const results = orderedResults(this.ctx.store, runId, r.tenants).sort(
      (a, b) => b.mean_r2 - a.mean_r2,
    );
    const since = this.since(r, this.ctx.store.datasetsUpdatedAt(), new Map());
    return { ...this.info(r), ...since, results };
  }

  /** data_changed and tenants_deleted of a finished run, present when not empty (dataSince). */
  private since(
    r: RunRecord,
    updatedAt: ReadonlyMap<string, string>,
    now: Map<string, string | null>,
  ): Pick<RunInfo, 'data_changed' | 'tenants_deleted'> {
    const d = dataSince(this.ctx, r, updatedAt, now);
    return {
      ...(d.changed.length > 0 ? { data_changed: d.changed } : {}),
      ...(d.deleted.length > 0 ? { tenants_deleted: d.deleted } : {}),
    };
  }

  list(q: { limit?: number; offset?: number; phase?: PhaseId; dataSince?: boolean } = {}): {
    runs: RunInfo[];
    total: number;
  } {
    const limit = q.limit ?? 20;
    const offset = q.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > APP_LIMITS.maxListRuns)
      throw new AppError(
        `limit must be an integer from 1 to ${APP_LIMITS.maxListRuns}`,
        'invalid_argument',
      );
    if (!Number.isInteger(offset) || offset < 0)
      throw new AppError('offset must be an integer >= 0', 'invalid_argument');
    if (q.phase !== undefined) parsePhase(q.phase);
    this.recoverOrphans();
    const updatedAt =
      q.dataSince === false ? new Map<string, string>() : this.ctx.store.datasetsUpdatedAt();
    const now = new Map<string, string | null>();
    const runs = this.ctx.store.listRuns({ limit, offset, phase: q.phase }).map((r) => ({
      ...this.info(r),
      ...(q.dataSince === false ? {} : this.since(r, updatedAt, now)),
    }));
    return { runs, total: this.ctx.store.countRuns({ phase: q.phase }) };
  }

  /** Shutdown, first half: stops every run in progress (their tasks end with the backend). */
  abortAll(): void {
    for (const c of this.active.values()) c.abort();
  }

  /**
   * Shutdown, second half: ends the store refused before are written (waiting on a lock this
   * once), and runs still marked running are closed out as cancelled.
   */
  closeOutActive(): void {
    if (this.unrecordedTimer !== null) clearTimeout(this.unrecordedTimer);
    this.unrecordedTimer = null;
    if (this.unrecorded.size > 0) this.flushUnrecorded(true);
    for (const id of this.active.keys()) {
      try {
        this.ctx.store.finishRun(id, 'cancelled', null, SHUTDOWN_ERROR);
      } catch {
        /* already finished */
      }
    }
  }
}
