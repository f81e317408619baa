/** Tool `run_phase`: runs one phase over all (or some) tenants, optionally in the background. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import {
  APP_LIMITS,
  AppError,
  DEFAULT_CONFIG,
  type GateDecision,
  type RunDetail,
} from '../../app/types.js';
import type { ToolDeps } from '../deps.js';
import { resourcesChanged } from '../resources.js';
import { forwardProgress } from '../progress.js';
import { guarded, ok, runInfoView, sortedRows, summaryLine, type TenantRow } from '../results.js';
import { modelOptionsInput, toConfig } from './train-tenant.js';
import {
  foldsInput,
  gateDecisionOut,
  listIssue,
  MAX_RUN_TENANTS,
  phaseInput,
  progressOut,
  runStatusOut,
  strictInput,
  summaryOut,
  tenantInput,
  tenantRowOut,
} from '../schemas.js';

/**
 * The waiting caller's signal, aborted with the reason the run records (get_run's error): the
 * client cancelled the request (with its reason: the TypeScript SDK's is its timeout), or the
 * connection closed (the client went away, or the server is shutting down). The app recorded
 * "cancelled by the caller" for both, including a server told to stop by SIGTERM. The SDK aborts
 * a request's signal before it drops the transport on close, so the check waits a microtask.
 */
export function runSignal(signal: AbortSignal, connected: () => boolean): AbortSignal {
  const controller = new AbortController();
  const abort = () =>
    queueMicrotask(() =>
      controller.abort(new AppError(cancelWords(signal.reason, connected()), 'cancelled')),
    );
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  return controller.signal;
}

function cancelWords(reason: unknown, connected: boolean): string {
  if (!connected) {
    return 'cancelled: the MCP connection closed before the run finished (the client went away or the server shut down); start it again from a session that stays open';
  }
  const said = typeof reason === 'string' ? reason.trim().slice(0, 200) : '';
  return `cancelled by the client (notifications/cancelled${said ? `: ${said}` : ''})`;
}

/** Rows returned inline; get_run pages through the rest. */
export const INLINE_ROWS = 200;

const TENANTS_MESSAGE = `tenants must list 1 to ${MAX_RUN_TENANTS} tenant ids, or be omitted for all tenants`;

const inputSchema = strictInput({
  phase: phaseInput.describe(
    'Phase: 0 baseline Ridge, 1 tuned Ridge + weather features, 2 Ridge/GBM/blend, 3 adstock + Hill saturation',
  ),
  tenants: z
    .array(tenantInput, { error: listIssue(TENANTS_MESSAGE) })
    .min(1, TENANTS_MESSAGE)
    .max(MAX_RUN_TENANTS, TENANTS_MESSAGE)
    .optional()
    .describe(
      `Tenant ids to run (default: the 20 built-in tenants; name imported or generated tenants here), at most ${MAX_RUN_TENANTS}`,
    ),
  folds: foldsInput
    .optional()
    .describe(
      `Expanding-window CV folds, ${APP_LIMITS.minFolds}-${APP_LIMITS.maxFolds} (default ${DEFAULT_CONFIG.folds}, TimeSeriesSplit(${DEFAULT_CONFIG.folds}), which the protocol's rule cuts to 3-4 folds where that lets every fold train on a year (2-4 years of data: 4 folds on three daily years); the result's protocol says what was used, docs/modeling.md "Protocol"; the pass bar is defined for 5)`,
    ),
  test_size: modelOptionsInput.shape.test_size,
  min_train: modelOptionsInput.shape.min_train,
  force: z
    .boolean({ error: 'force must be true or false' })
    .default(false)
    .describe('Recompute even when the same run (phase, tenants, data, options) is stored'),
  wait: z
    .boolean({ error: 'wait must be true or false' })
    .default(true)
    .describe(
      'true: return when the run finishes (with progress notifications); false: return the run id at once and poll get_run (the run ends if this server exits)',
    ),
});

const outputSchema = {
  run_id: z.number().int(),
  phase: z.literal([0, 1, 2, 3]),
  status: runStatusOut,
  cached: z.boolean().describe('Served from the store without recomputing'),
  progress: progressOut,
  summary: summaryOut.nullable().describe('Null until the run is done'),
  rows: z.array(tenantRowOut).describe('Per-tenant rows sorted by mean R² descending (first 200)'),
  rows_total: z.number().int(),
  gate: gateDecisionOut.nullable().describe('Gate decision for a done run (see check_gates)'),
  error: z.string().nullable(),
  next_step: z
    .string()
    .describe(
      'What to call next, naming this run id (check_gates {phase, run_id}, or get_run while a background run goes on)',
    ),
};

export function registerRunPhase(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'run_phase',
    {
      title: 'Run a phase over tenants',
      description:
        'Cross-validate every tenant (or the listed ones) for one phase, store the run, and return the summary (mean R², pass count and rate), per-tenant rows and the gate decision. ' +
        'A tenant passes when its mean out-of-sample R² >= 0.50. Without force, an identical earlier run is served from the store, and becomes the latest run of the phase (the one check_gates, compare_phases and get_report {phase} read without a run id). `next_step` names the run id to pass on. ' +
        'Phase 3 over the 20 built-in tenants takes tens of seconds (more tenants take longer): pass wait:false to get the run id at once and poll get_run, or pass a progress token to get progress. ' +
        "A waiting call is held to the client's request timeout (60 s in the TypeScript SDK unless it resets the timeout on progress): a client that gives up cancels the request and with it the run, so use wait:false for runs that may take longer. " +
        'A background run (wait:false) runs inside this server process: it ends, recorded as cancelled, when the server exits, so use it from a session that stays open (a one-shot client such as the inspector --cli exits right after the call: use wait:true there). ' +
        'An identical run in progress in another process on the same state directory is followed, not computed twice: the answer says so, only that process can cancel it, and if it ends there without a result this server computes it again as a new run (get_run of the first id names it in replaced_by). ' +
        `Cancelling a waiting call cancels the run (unless another identical call is still waiting on it). At most ${MAX_RUN_TENANTS} tenants.`,
      inputSchema,
      outputSchema,
      annotations: {
        title: 'Run a phase over tenants',
        readOnlyHint: false,
        destructiveHint: false,
        // With force:true a repeated call stores a new run, so the call is not idempotent in general.
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    (args, extra) =>
      guarded('run_phase', log, async () => {
        const req = {
          phase: args.phase,
          tenants: args.tenants,
          config: toConfig({
            folds: args.folds,
            test_size: args.test_size,
            min_train: args.min_train,
          }),
          force: args.force,
        };
        if (!args.wait) {
          // Detached: the request's signal and progress token die with this response.
          const handle = app.startPhaseRun(req);
          handle.done.catch((err: unknown) => {
            log(
              'warning',
              `run ${handle.runId} ended with an error: ${err instanceof Error ? err.message : String(err)}`,
            );
          });
          if (!handle.cached) {
            // Listed now (run://{id}) and again when it ends (its status, report://run/{id}).
            resourcesChanged(server);
            const ended = () => resourcesChanged(server);
            handle.done.then(ended, ended);
          }
          const info = runInfoView(app.getRun(handle.runId));
          if (handle.elsewhere) return followedRun(handle.runId, args.phase, info);
          return ok(
            backgroundRunView(
              handle.runId,
              args.phase,
              info,
              handle.cached,
              handle.cached
                ? `The run is done; call ${gatesCall(args.phase, handle.runId)}.`
                : `Call get_run with run_id ${handle.runId} from this session until status is done, then ${gatesCall(args.phase, handle.runId)}. The run lives in this server process: if the server exits first, it ends as cancelled.`,
            ),
            handle.cached
              ? `Run ${handle.runId} (phase ${args.phase}) was served from the store: ${info.status}; ${gatesCall(args.phase, handle.runId)} judges it.`
              : `Run ${handle.runId} (phase ${args.phase}) started in the background in this server process: ${info.status}, ${info.progress.done}/${info.progress.total} tenants. ` +
                  `Poll get_run {"run_id": ${handle.runId}} from this session; if the server exits before the run is done (a one-shot client exits right after this call), the run ends, recorded as cancelled; use wait:true there.`,
          );
        }
        const progress = forwardProgress(extra);
        let detail: RunDetail;
        let cached = false;
        let started = false;
        try {
          const handle = app.startPhaseRun(req, {
            onProgress: progress.onProgress,
            signal: runSignal(extra.signal, () => server.isConnected()),
          });
          started = true;
          cached = handle.cached;
          detail = await handle.done;
          await progress.finish();
        } catch (err) {
          // The run is listed (run://{id}) with the status it ended with.
          if (started && !cached) resourcesChanged(server);
          throw err;
        } finally {
          progress.stop();
        }
        const result = finishedRun(detail, cached, { app, log });
        // The run, its report and the gate decision finishedRun records (gates://latest/{phase}).
        resourcesChanged(server);
        return result;
      }),
  );
}

/**
 * The answer to wait:false when the identical run is in progress in another process on the state
 * directory (another server, a CLI): this server follows it. It said "started in the background
 * in this server process ... ends as cancelled if the server exits", and neither holds: the run
 * lives in the other process, and only that process can cancel it. If that process stops before
 * the run is done, this server computes the request again as a new run, which get_run of this
 * id names (replaced_by).
 */
/** run_phase's structured answer for a run not waited for (wait:false): no rows or gate yet. */
function backgroundRunView(
  runId: number,
  phase: number,
  info: ReturnType<typeof runInfoView>,
  cached: boolean,
  nextStep: string,
) {
  return {
    run_id: runId,
    phase,
    status: info.status,
    cached,
    progress: info.progress,
    summary: info.summary,
    rows: [],
    rows_total: 0,
    gate: null,
    error: info.error,
    next_step: nextStep,
  };
}

function followedRun(runId: number, phase: number, info: ReturnType<typeof runInfoView>) {
  const poll = `get_run {"run_id": ${runId}}`;
  return ok(
    backgroundRunView(
      runId,
      phase,
      info,
      false,
      `Call ${poll} until status is done, then ${gatesCall(phase, runId)}. ` +
        `If run ${runId} ends without a result in the other process, this server computes the same request as a new run and get_run of ${runId} names it in replaced_by: poll that id instead.`,
    ),
    `Run ${runId} (phase ${phase}) with the same request is already being computed by another process on this state directory (another MCP server or a CLI): ${info.status}, ${info.progress.done}/${info.progress.total} tenants. ` +
      `This server follows it: poll ${poll}. Only that process can cancel it (cancel_run there). ` +
      `If that process stops before the run is done, this server computes the request again as a new run (in this server process), and get_run of ${runId} names that run (replaced_by).`,
  );
}

/**
 * check_gates on this very run: a bare {phase} judges the phase's latest run, which another call
 * (a run of other tenants, in this session or another process) may have replaced by then.
 */
function gatesCall(phase: number, runId: number): string {
  return `check_gates {"phase": ${phase}, "run_id": ${runId}}`;
}

/**
 * The run's folds by the model they forecast with (rows[].fold_models), summed over its tenants,
 * for phases 1-3 where some fold did not use the phase's own model alone: a phase 2 run whose
 * folds all fell back to phase 0 read as phase 2's result.
 */
function foldUseLine(phase: number, rows: readonly TenantRow[]): string | null {
  if (phase === 0) return null;
  const sum = { own: 0, mixed: 0, simpler: 0 };
  for (const r of rows) {
    sum.own += r.fold_models.own;
    sum.mixed += r.fold_models.mixed;
    sum.simpler += r.fold_models.simpler;
  }
  const total = sum.own + sum.mixed + sum.simpler;
  if (total === 0 || sum.own === total) return null;
  return (
    `Folds: phase ${phase}'s own model alone on ${sum.own} of ${total}, mixed with a simpler phase's on ${sum.mixed}, ` +
    `a simpler phase's alone on ${sum.simpler} (fallen back: the training rows did not support what phase ${phase} adds there; rows[].fold_models per tenant, train_tenant's folds[].fallback per fold)`
  );
}

/** The result of a run that has settled (done, failed or cancelled). */
function finishedRun(
  detail: RunDetail,
  cached: boolean,
  { app, log }: Pick<ToolDeps, 'app' | 'log'>,
) {
  const rows = sortedRows(detail.results);
  const info = runInfoView(detail);
  let gate: GateDecision | null = null;
  let gateNote = '';
  if (detail.status === 'done') {
    try {
      gate = app.checkGates({ phase: detail.phase, runId: detail.id });
    } catch (err) {
      log(
        'warning',
        `gates for run ${detail.id}: ${err instanceof Error ? err.message : String(err)}`,
      );
      gateNote = ' (gate decision unavailable: call check_gates)';
    }
  }
  const next =
    detail.status !== 'done'
      ? `The run is ${detail.status}; call run_phase again (force:true to recompute) or list_runs to see earlier runs.`
      : gate
        ? `${gate.next_step} (that is the gate of run ${detail.id}; ${gatesCall(detail.phase, detail.id)} returns it again)`
        : `Call ${gatesCall(detail.phase, detail.id)}.`;
  const lines = [
    `Run ${detail.id} phase ${detail.phase} ${detail.status}${cached ? ' (served from store)' : ''}: ${summaryLine(detail.summary)}.`,
  ];
  if (gate)
    lines.push(
      `Gate: ${gate.decision} — ${gate.next_step} (run ${detail.id}: ${gatesCall(detail.phase, detail.id)})`,
    );
  else if (gateNote) lines.push(gateNote.trim());
  if (detail.error) lines.push(`Error: ${info.error}`);
  const use = foldUseLine(detail.phase, rows);
  if (use) lines.push(use);
  const worst = rows.filter((r) => !r.passes).slice(-3);
  if (worst.length > 0) lines.push(`Lowest failing: ${worst.map((r) => r.tenant).join(', ')}`);
  return ok(
    {
      run_id: detail.id,
      phase: detail.phase,
      status: detail.status,
      cached: cached || info.cached,
      progress: info.progress,
      summary: info.summary,
      rows: rows.slice(0, INLINE_ROWS),
      rows_total: rows.length,
      gate,
      error: info.error,
      next_step: next,
    },
    lines.join('\n'),
  );
}
