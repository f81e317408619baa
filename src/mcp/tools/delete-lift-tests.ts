/** Tool `delete_lift_tests`: removes recorded lift tests of a tenant (all, or by id). */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ToolDeps } from '../deps.js';
import { fail, guarded, ok } from '../results.js';
import { strictInput, tenantInput } from '../schemas.js';
import { liftTestOut } from './add-lift-test.js';

const IDS_MESSAGE =
  'ids must be an array of 1 to 200 lift test ids (positive integers, e.g. [3, 5]); add_lift_test lists each test with its id';

const inputSchema = strictInput({
  tenant: tenantInput.describe('Tenant id (list_tenants shows all)'),
  ids: z
    .array(z.number({ error: IDS_MESSAGE }).int(IDS_MESSAGE).min(1, IDS_MESSAGE), {
      error: IDS_MESSAGE,
    })
    .min(1, IDS_MESSAGE)
    .max(200, IDS_MESSAGE)
    .optional()
    .describe(
      'Ids of the tests to delete (add_lift_test returns every test of the tenant with its id)',
    ),
  all: z
    .literal(true, {
      error:
        'all must be true (delete every lift test of the tenant), or leave it out and give ids',
    })
    .optional()
    .describe('true: delete every lift test of the tenant. Give ids or all, not both'),
});

const outputSchema = {
  tenant: z.string(),
  deleted: z.number().int().describe('How many tests this call deleted'),
  not_found: z
    .array(z.number().int())
    .describe(
      'Ids asked for that the tenant does not have (deleted already, e.g. by the call this one retries, or never its tests): nothing to delete',
    ),
  tests: z.array(liftTestOut).describe('The lift tests of the tenant that remain'),
};

export function registerDeleteLiftTests(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'delete_lift_tests',
    {
      title: 'Delete lift tests',
      description:
        'Delete recorded lift tests of a tenant: those with the given ids, or all of them (all: true). ' +
        'Use it to correct a test recorded with wrong figures (delete it, then add_lift_test again) or to stop calibrating explain_tenant with them. ' +
        'An id the tenant does not have (deleted already: a retry after a lost answer, or never its test) is listed in not_found and the others are deleted; the result lists the tests that remain. Cannot be undone; add_lift_test records them again.',
      inputSchema,
      outputSchema,
      annotations: {
        title: 'Delete lift tests',
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args) =>
      guarded('delete_lift_tests', log, () => {
        if ((args.ids === undefined) === (args.all === undefined)) {
          return fail(
            'delete_lift_tests: pass exactly one of ids (the tests to delete, e.g. [3]) or all: true (every lift test of the tenant).',
            'invalid_argument',
          );
        }
        const res = app.deleteLiftTests(args.tenant, args.ids, { missingOk: true });
        const tests = app.listLiftTests(args.tenant);
        const gone =
          res.not_found.length === 0
            ? ''
            : ` Not there (deleted already, or never a test of ${res.tenant}): ${res.not_found.map((id) => `#${id}`).join(', ')}.`;
        return ok(
          { tenant: res.tenant, deleted: res.deleted, not_found: res.not_found, tests },
          `Deleted ${res.deleted} lift test(s) of ${res.tenant}; ${tests.length} remain${tests.length ? `: ${tests.map((t) => `#${t.id} ${t.channel} ${t.start}..${t.end}`).join('; ')}` : ''}.${gone}`,
        );
      }),
  );
}
