/**
 * createApp: the composition root. It opens the store and the compute backend, builds the
 * context every use case works with, and wires the use-case modules into the App both faces
 * hold. Each module is one concern:
 *   config.ts      defaults, limits and their checks (parsePhase, normalizeConfig)
 *   tenants.ts     tenant sources, content hashes, list / describe / export
 *   runs.ts        phase runs (dedup, concurrency, cancel, recording) and single-tenant training
 *   judge.ts       compare runs, gate decisions (escalations.ts: the escalations log)
 *   explain.ts     explain_tenant and its model cache
 *   import.ts      import path sandbox and import
 *   lift.ts        lift tests (experiments) per tenant: add, list, delete
 *   generate.ts    synthetic tenant generation
 *   analytics.ts   run summary and the analytics artifact
 *   plan.ts        budget plans (plan-task.ts: the planning a worker does) and their store
 * Compute happens on the backend (pool.ts: worker threads; queue/: BullMQ jobs done by
 * `wv-mmm worker` processes); this thread validates, records and reports.
 */
import path from 'node:path';
import { openStore, StoreBusyError, StoreError, type Store } from '../store/index.js';
import { APP_LIMITS } from './config.js';
import type { AppContext } from './context.js';
import { AppError } from './errors.js';
import { generateShapeSuite, generateTenants } from './generate.js';
import {
  importDirsFromEnv,
  importTenantData,
  importTenantDataCancellable,
  readImportFile,
} from './import.js';
import { explainTenant } from './explain.js';
import {
  readDecomposition,
  readReport,
  removeReports,
  reportedTenants,
  writeReport,
} from './report.js';
import { checkGates, comparePhases, latestGate } from './judge.js';
import { addLiftTests, deleteLiftTests, listLiftTests } from './lift.js';
import { stderrLogger, type LogFn } from './log.js';
import { defaultStateDir } from './paths.js';
import { ComputePool } from './pool.js';
import { QueueBackend } from './queue/backend.js';
import { checkRedisUrl } from './queue/settings.js';
import type { QueueWorkerHandle, QueueWorkerOptions } from './queue/worker.js';
import { RunManager, trainTenant } from './runs.js';
import { checkChannelSelection, selectExplanation } from './explain-view.js';
import {
  getLatestPlan,
  getPlan,
  listPlans,
  planBudget,
  withPlanVerdicts,
  type PlanBudgetRequest,
} from './plan.js';
import { deleteTenant, describeTenant, exportTenant, listTenants } from './tenants.js';
import type { App } from './types.js';
import { FACE_WORDS, type Face } from './words.js';

export * from './types.js';
export { normalizeConfig, DEFAULT_CONFIG } from './config.js';
export { summarize, analyticsJson } from './analytics.js';
export { CODE_VERSION } from './version.js';
export { replicateWords, validationClause } from './explain.js';
export { weatherStateReading } from './weather-reading.js';
export type { ExplanationSelection, ExplanationView, SelectionInfo } from './explain-view.js';
export { channelSelectionProblem, selectExplanation } from './explain-view.js';
export { stderrLogger, type LogLevel } from './log.js';
export type { Face } from './words.js';
export type { GenerateResult } from './generate.js';
export { namedList, usedPhaseWords } from './words.js';
export { growthPercent } from '../core/growth.js';
export { shareText } from '../core/share.js';
export { writeErrorWords } from './paths.js';
export { FileRefusedError, readFileBounded } from './files.js';
export { APP_LIMITS };
export {
  queueUrlFromEnv,
  checkRedisUrl,
  DEFAULT_TIMING as DEFAULT_QUEUE_TIMING,
} from './queue/settings.js';
export type { QueueWorkerHandle, QueueWorkerOptions };

/** `wv-mmm worker` (queue/worker.ts), loaded on first use: bullmq stays out of every other start. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  const { startQueueWorker: start } = await import('./queue/worker.js');
  return start(options);
}

export interface CreateAppOptions {
  stateDir?: string;
  /** Worker threads (default: available cores). */
  workers?: number;
  log?: LogFn;
  /**
   * Queue mode: a Redis URL (redis://host:port). Tenant tasks become BullMQ jobs done by
   * `wv-mmm worker` processes instead of this process's threads; results still land here.
   */
  queueUrl?: string;
  /** Directories from which import_tenant_data may read files (default: $WV_MMM_IMPORT_DIRS). */
  importDirs?: string[];
  /** The face this app serves: its messages name that face's commands and options (default mcp). */
  face?: Face;
  /** Bootstrap replicates of an explanation when the caller names none (default: intervals.ts defaultReplicates). */
  explainReplicates?: number;
}

export function createApp(options: CreateAppOptions = {}): App {
  const log = options.log ?? stderrLogger();
  // A bad Redis URL is refused before anything is opened.
  if (options.queueUrl !== undefined) checkRedisUrl(options.queueUrl, 'the queue URL');
  let stateDir: string;
  let store: Store;
  try {
    stateDir = options.stateDir ?? defaultStateDir();
    store = openStore(stateDir);
  } catch (e) {
    if (e instanceof StoreBusyError) throw new AppError(e.message, 'busy');
    if (e instanceof StoreError) throw new AppError(e.message, 'internal');
    throw e;
  }
  try {
    const recovered = store.recoverInterruptedRuns();
    if (recovered.length)
      log('warning', `marked interrupted run(s) ${recovered.join(', ')} as failed`);
  } catch (e) {
    // Another process holds the store's write lock: every later look at the runs marks them.
    if (!(e instanceof StoreBusyError)) throw e;
    log('warning', `could not mark interrupted runs yet: ${e.message}`);
  }
  const importDirs = options.importDirs ?? importDirsFromEnv();
  const compute = options.queueUrl
    ? new QueueBackend({ url: options.queueUrl, log })
    : new ComputePool(options.workers, (err) =>
        log('warning', `worker pool: ${err.message.slice(0, 300)}`),
      );
  const words = FACE_WORDS[options.face ?? 'mcp'];
  const ctx: AppContext = { stateDir, store, compute, log, closed: false, words };
  const runs = new RunManager(ctx);
  return {
    stateDir,
    listTenants: () => listTenants(ctx),
    describeTenant: (tenant) => describeTenant(ctx, tenant),
    exportTenant: (tenant, opts) => exportTenant(ctx, tenant, opts),
    importTenantData: (req) => importTenantData(ctx, importDirs, req),
    importTenantDataCancellable: (req, signal) =>
      importTenantDataCancellable(ctx, importDirs, req, signal),
    deleteTenant: (req) => {
      const out = deleteTenant(ctx, req);
      removeReports(ctx, out.tenant, out.runs_deleted);
      return out;
    },
    generateTenants: (req) => generateTenants(ctx, req),
    generateShapeSuite: () => generateShapeSuite(ctx),
    trainTenant: (req, opts) => trainTenant(ctx, req, opts),
    startPhaseRun: (req, opts) => runs.start(req, opts),
    cancelRun: (runId) => runs.cancel(runId),
    getRun: (runId) => runs.get(runId),
    listRuns: (q) => runs.list(q),
    comparePhases: (a, b) => comparePhases(ctx, a, b),
    checkGates: (req) => checkGates(ctx, req),
    latestGate: (phase) => latestGate(ctx, phase),
    explainTenant: async (req, opts) =>
      withPlanVerdicts(
        ctx,
        await explainTenant(
          ctx,
          { ...req, replicates: req.replicates ?? options.explainReplicates },
          opts,
        ),
      ),
    explainTenantView: async ({ channels, curves, ...req }, opts) => {
      // A selection the tenant cannot have is refused before the fit and its refits.
      const named = checkChannelSelection(ctx, req.tenant, channels);
      const e = await explainTenant(
        ctx,
        { ...req, replicates: req.replicates ?? options.explainReplicates },
        opts,
      );
      return selectExplanation(withPlanVerdicts(ctx, e), { channels: named, curves });
    },
    writeReport: (req, opts) => writeReport(ctx, req, opts, options.explainReplicates),
    readReport: (kind, id) => readReport(ctx, kind, id, options.explainReplicates),
    readDecomposition: (tenant) => readDecomposition(ctx, tenant, options.explainReplicates),
    reportedTenants: () => reportedTenants(ctx),
    planBudget: (req, opts) =>
      planBudget(ctx, withForecastFile(req, importDirs), opts ?? {}, async (tenant, runOpts) => {
        const handle = runs.start({ phase: 3, tenants: [tenant] }, runOpts);
        const run = await handle.done;
        if (run.status === 'cancelled') throw new AppError('the plan was cancelled', 'cancelled');
        if (run.status !== 'done') {
          throw new AppError(
            `phase 3 for tenant '${tenant}' failed (run ${handle.runId}): ${run.error ?? 'no reason recorded'}`,
            'internal',
          );
        }
        return handle.runId;
      }),
    getPlan: (id) => getPlan(ctx, id),
    getLatestPlan: (tenant) => getLatestPlan(ctx, tenant),
    listPlans: (q) => listPlans(ctx, q),
    addLiftTests: (req) => addLiftTests(ctx, req),
    listLiftTests: (tenant) => listLiftTests(ctx, tenant),
    deleteLiftTests: (tenant, ids, opts) => deleteLiftTests(ctx, tenant, ids, opts),
    async close() {
      if (ctx.closed) return;
      ctx.closed = true;
      runs.abortAll();
      await compute.close();
      // Runs still marked running are closed out as cancelled, never left to look alive.
      runs.closeOutActive();
      store.close();
    },
  };
}

/**
 * A forecast or a spend plan given as a file path (MCP forecast_path, spend_plan_path) read as an
 * import is: only from inside the import directories. The plan then sees its text, named by the
 * file's base name.
 */
function withForecastFile(req: PlanBudgetRequest, importDirs: string[]): PlanBudgetRequest {
  const read = (
    f: { csv?: string; path?: string; fileName?: string } | undefined,
    what: string,
  ): { csv?: string; path?: string; fileName?: string } | undefined => {
    if (f?.path === undefined) return f;
    if (f.csv !== undefined) {
      throw new AppError(
        `give the ${what} as CSV text or as a file path, not both`,
        'invalid_argument',
      );
    }
    return { csv: readImportFile(importDirs, f.path), fileName: path.basename(f.path) };
  };
  const forecast = read(req.forecast, 'forecast');
  const spendPlan = read(req.spendPlan, 'spend plan');
  return forecast === req.forecast && spendPlan === req.spendPlan
    ? req
    : { ...req, forecast, spendPlan };
}
