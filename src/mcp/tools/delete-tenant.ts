/** Tool `delete_tenant`: deletes an imported or generated tenant, keeping or deleting its runs. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { AppError } from '../../app/types.js';
import type { ToolDeps } from '../deps.js';
import { resourcesChanged } from '../resources.js';
import { fail, guarded, ok } from '../results.js';
import { strictInput, tenantInput } from '../schemas.js';

const RUNS_CHOICES = ['keep', 'delete'] as const;

const inputSchema = strictInput({
  tenant: tenantInput.describe(
    'Id of an imported or generated tenant (list_tenants shows them with source imported or generated); built-in tenants cannot be deleted',
  ),
  runs: z
    .enum(RUNS_CHOICES, {
      error: 'runs must be "keep" (stored runs stay readable) or "delete" (whole runs deleted)',
    })
    .optional()
    .describe(
      'What to do with the stored runs that include the tenant: "keep" keeps them (their results stay readable), "delete" deletes those whole runs (with the other tenants\' results in them). Required when there are any; without it such a call deletes nothing and lists the runs',
    ),
});

const outputSchema = {
  tenant: z.string(),
  deleted: z
    .boolean()
    .describe(
      'false when no imported or generated tenant had the id: nothing was deleted (a repeated delete, or a mistyped id)',
    ),
  runs_deleted: z.array(z.number().int()).describe('Ids of the runs deleted with the tenant'),
  runs_kept: z.array(z.number().int()).describe('Ids of the stored runs that include it and stay'),
  lift_tests_deleted: z
    .number()
    .int()
    .describe('How many of its lift tests (add_lift_test) were deleted with it'),
  plans_deleted: z
    .number()
    .int()
    .describe('How many of its budget plans (plan_budget, plan://{id}) were deleted with it'),
};

export function registerDeleteTenant(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'delete_tenant',
    {
      title: 'Delete a tenant',
      description:
        'Delete an imported or generated tenant (its data, its lift tests and its budget plans) from the store. Built-in tenants are refused, and so is a tenant in a run still queued or running. ' +
        'If stored runs include the tenant, say what to do with them: runs:"keep" keeps them readable, runs:"delete" deletes those whole runs; without runs such a call deletes nothing and names the runs. ' +
        'Cannot be undone; import the data again to restore the tenant. ' +
        'Idempotent: deleting a tenant that is not there (already deleted, e.g. a retry after a lost answer) succeeds with deleted:false and deletes nothing; list_tenants shows the ids there are.',
      inputSchema,
      outputSchema,
      annotations: {
        title: 'Delete a tenant',
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args) =>
      guarded('delete_tenant', log, () => {
        let res;
        try {
          res = app.deleteTenant({ tenant: args.tenant, runs: args.runs });
        } catch (e) {
          // The app's refusals (built-in tenant, run in progress, runs to keep or delete) say
          // what to do; the generic conflict hint (replace:true) would mislead here.
          if (e instanceof AppError && e.code === 'conflict')
            return fail(`delete_tenant: ${e.message}`, 'conflict');
          // Nothing there (deleted already: a retry after a lost answer): the effect asked for
          // holds, so the call succeeds, as idempotentHint promises, and says nothing was there.
          if (e instanceof AppError && e.code === 'not_found') {
            return ok(
              {
                tenant: args.tenant,
                deleted: false,
                runs_deleted: [],
                runs_kept: [],
                lift_tests_deleted: 0,
                plans_deleted: 0,
              },
              `No imported or generated tenant '${args.tenant}' is stored, so nothing was deleted (it may have been deleted already; list_tenants lists the tenants).`,
            );
          }
          throw e;
        }
        resourcesChanged(server);
        const parts = [`Deleted tenant ${res.tenant}.`];
        if (res.runs_deleted.length) parts.push(`Deleted run(s) ${res.runs_deleted.join(', ')}.`);
        if (res.runs_kept.length) parts.push(`Kept run(s) ${res.runs_kept.join(', ')}.`);
        if (res.lift_tests_deleted) parts.push(`Deleted ${res.lift_tests_deleted} lift test(s).`);
        if (res.plans_deleted) parts.push(`Deleted ${res.plans_deleted} plan(s).`);
        return ok(res, parts.join(' '));
      }),
  );
}
