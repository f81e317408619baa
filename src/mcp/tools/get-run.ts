/** Tool `get_run`: status, progress and (paged) results of one stored run. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { APP_LIMITS } from '../../app/index.js';
import type { ToolDeps } from '../deps.js';

const ROWS_MESSAGE = `results_limit must be an integer from 1 to ${APP_LIMITS.maxMcpResultRows}`;
import {
  dataSinceWords,
  fmtR2,
  guarded,
  ok,
  replacedWords,
  runInfoView,
  sortedRows,
  summaryLine,
  type TenantRow,
} from '../results.js';
import { runIdInput, runInfoOut, strictInput, tenantRowOut } from '../schemas.js';

const inputSchema = strictInput({
  run_id: runIdInput.describe('Run id from run_phase or list_runs'),
  results_offset: z
    .number({ error: 'results_offset must be an integer >= 0' })
    .int('results_offset must be an integer >= 0')
    .min(0, 'results_offset must be an integer >= 0')
    .default(0)
    .describe('First result row to return (rows are sorted by mean R² descending)'),
  results_limit: z
    .number({ error: ROWS_MESSAGE })
    .int(ROWS_MESSAGE)
    .min(1, ROWS_MESSAGE)
    .max(APP_LIMITS.maxMcpResultRows, ROWS_MESSAGE)
    .default(100)
    .describe(`How many result rows to return, 1-${APP_LIMITS.maxMcpResultRows} (default 100)`),
});

const outputSchema = {
  ...runInfoOut.shape,
  tenants: z.array(z.string()).describe('Tenants of the run (first 200)'),
  results: z.array(tenantRowOut).describe('One page of per-tenant rows (empty until done)'),
  results_total: z.number().int(),
  next_results_offset: z
    .number()
    .int()
    .nullable()
    .describe('Offset of the next page, null at the end'),
};

export function registerGetRun(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'get_run',
    {
      title: 'Get a run',
      description:
        'Status, progress and summary of one phase run, with its per-tenant rows (tenant, mean_r2, oracle_r2, passes, model) once done, paged by results_offset/results_limit. ' +
        "Use it to poll a run started with run_phase wait:false, or to reread an earlier run; train_tenant gives one tenant's full detail. " +
        'It always says how a run ended: a run whose server exited before it finished is cancelled, and one whose process died is failed, each with the reason in error. ' +
        'A run of another process that this server followed (run_phase with the same request) and that ended there without a result is computed again here as a new run: `replaced_by` names it.',
      inputSchema,
      outputSchema,
      annotations: {
        title: 'Get a run',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args) =>
      guarded('get_run', log, () => {
        const run = app.getRun(args.run_id);
        const rows = sortedRows(run.results);
        const page = rows.slice(args.results_offset, args.results_offset + args.results_limit);
        const end = args.results_offset + page.length;
        const info = runInfoView(run);
        const state =
          run.status === 'done'
            ? summaryLine(run.summary)
            : `${run.progress.done}/${run.progress.total} tenants${replacedWords(run)}${run.error ? ` — ${info.error}` : ''}`;
        return ok(
          {
            ...info,
            tenants: run.tenants.slice(0, 200),
            results: page,
            results_total: rows.length,
            next_results_offset: end < rows.length ? end : null,
          },
          [
            `Run ${run.id} phase ${run.phase}: ${run.status}, ${state}${dataSinceWords(run)}.` +
              (run.status === 'running' || run.status === 'queued' ? ' Poll again shortly.' : ''),
            ...rowLines(page, args.results_offset, rows.length, end),
          ].join('\n'),
        );
      }),
  );
}

/** Most rows the text names one by one; the structured page holds them all. */
const TEXT_ROWS = 50;

/**
 * The page's rows in words, for clients that show the model the text alone (the phase_review
 * prompt asks for the lowest-R² failing tenants from them), and where the next page starts.
 */
function rowLines(page: TenantRow[], offset: number, total: number, end: number): string[] {
  if (total === 0) return [];
  const shown = page.slice(0, TEXT_ROWS);
  const lines = shown.map(
    (r, i) =>
      `${offset + i + 1}. ${r.tenant}: R² ${fmtR2(r.mean_r2)}` +
      (r.se_r2 !== null && Number.isFinite(r.se_r2) ? ` ± ${fmtR2(r.se_r2)}` : '') +
      (r.oracle_r2 !== null && Number.isFinite(r.oracle_r2)
        ? ` (oracle ${fmtR2(r.oracle_r2)})`
        : '') +
      `, ${r.passes ? 'passes' : 'fails'}, ${r.model}`,
  );
  const more = page.length > shown.length ? `; the first ${shown.length} named here` : '';
  lines.push(
    `Rows ${offset + 1}-${end} of ${total} by mean R² (structured results${more})` +
      (end < total ? `; next page: results_offset ${end}.` : '.'),
  );
  return lines;
}
