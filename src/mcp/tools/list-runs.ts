/** Tool `list_runs`: stored runs, newest first, paginated. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { APP_LIMITS } from '../../app/index.js';
import type { ToolDeps } from '../deps.js';

const LIMIT_MESSAGE = `limit must be an integer from 1 to ${APP_LIMITS.maxMcpListRuns}`;
import { dataSinceWords, guarded, ok, runInfoView, summaryLine } from '../results.js';
import { phaseInput, runInfoOut, strictInput } from '../schemas.js';

const inputSchema = strictInput({
  limit: z
    .number({ error: LIMIT_MESSAGE })
    .int(LIMIT_MESSAGE)
    .min(1, LIMIT_MESSAGE)
    .max(APP_LIMITS.maxMcpListRuns, LIMIT_MESSAGE)
    .default(20)
    .describe(`Runs per page, 1-${APP_LIMITS.maxMcpListRuns} (default 20)`),
  offset: z
    .number({ error: 'offset must be an integer >= 0' })
    .int('offset must be an integer >= 0')
    .min(0, 'offset must be an integer >= 0')
    .default(0)
    .describe('Runs to skip (use next_offset from the previous page)'),
  phase: phaseInput.optional().describe('Only runs of this phase (0-3)'),
});

const outputSchema = {
  runs: z.array(runInfoOut),
  total: z.number().int().describe('Runs matching the filter'),
  offset: z.number().int(),
  next_offset: z.number().int().nullable().describe('Offset of the next page, null at the end'),
};

export function registerListRuns(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'list_runs',
    {
      title: 'List runs',
      description:
        `Stored phase runs, newest first, with status and summary, paginated (limit 1-${APP_LIMITS.maxMcpListRuns}, offset) and optionally filtered by phase. ` +
        'Use it to find run ids for get_run, compare_phases or check_gates.',
      inputSchema,
      outputSchema,
      annotations: {
        title: 'List runs',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args) =>
      guarded('list_runs', log, () => {
        const { runs, total } = app.listRuns({
          limit: args.limit,
          offset: args.offset,
          phase: args.phase,
        });
        const end = args.offset + runs.length;
        const views = runs.map(runInfoView);
        const lines = views.map(
          (r, i) =>
            `#${r.run_id} phase ${r.phase} ${r.status}: ${r.status === 'done' ? summaryLine(runs[i].summary) : `${r.progress.done}/${r.progress.total}`}` +
            (r.replaced_by !== null ? ` (computed again here as run ${r.replaced_by})` : '') +
            dataSinceWords(runs[i]),
        );
        const head =
          `${runs.length} of ${total} runs${args.phase !== undefined ? ` for phase ${args.phase}` : ''}` +
          (end < total ? ` (next_offset ${end})` : '');
        return ok(
          { runs: views, total, offset: args.offset, next_offset: end < total ? end : null },
          [head, ...lines].join('\n'),
        );
      }),
  );
}
