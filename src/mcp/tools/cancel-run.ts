/** Tool `cancel_run`: stops a queued or running run. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ToolDeps } from '../deps.js';
import { guarded, ok } from '../results.js';
import { runIdInput, runStatusOut, strictInput } from '../schemas.js';

const inputSchema = strictInput({
  run_id: runIdInput.describe('Id of a queued or running run (run_phase wait:false, list_runs)'),
});

const outputSchema = {
  run_id: z.number().int(),
  cancelled: z.boolean().describe('True when this call stopped the run'),
  status: runStatusOut.describe('Status after the call'),
};

export function registerCancelRun(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'cancel_run',
    {
      title: 'Cancel a run',
      description:
        'Stop a queued or running phase run, whether started with run_phase wait:false or by a waiting call (which then returns the cancelled run). The run is recorded as cancelled (it may take a moment to stop: get_run shows the status). ' +
        'Has no effect on runs that already finished, or on runs executed by another server process on the same state directory.',
      inputSchema,
      outputSchema,
      annotations: {
        title: 'Cancel a run',
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args) =>
      guarded('cancel_run', log, () => {
        const before = app.getRun(args.run_id);
        const cancelled = app.cancelRun(args.run_id);
        const status = app.getRun(args.run_id).status;
        const text = cancelled
          ? status === 'cancelled'
            ? `Run ${args.run_id} cancelled.`
            : `Run ${args.run_id} is stopping after the tenants in flight (status ${status}); get_run shows when it is cancelled.`
          : before.status === 'running' || before.status === 'queued'
            ? `Run ${args.run_id} is ${before.status} in another server process; only that process can cancel it.`
            : `Run ${args.run_id} was not running (status ${before.status}); nothing to cancel.`;
        return ok({ run_id: args.run_id, cancelled, status }, text);
      }),
  );
}
