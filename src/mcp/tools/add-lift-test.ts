/** Tool `add_lift_test`: records lift-test (experiment) results of a tenant for calibration. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import {
  LIFT_COLUMNS,
  MAX_LIFT_TESTS_PER_TENANT,
  type AddLiftTestsRequest,
} from '../../app/types.js';
import type { ToolDeps } from '../deps.js';
import { fail, guarded, ok } from '../results.js';
import { csvTextLimit, strictInput, tenantInput } from '../schemas.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/**
 * A field's type error, or that it is missing: "standard_error must be a number > 0" for a test
 * without one read as if the value were wrong (MCP probe s74).
 */
const typeOrMissing =
  (name: string, message: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? `${name} is missing: ${message}` : message;
const date = (name: string) =>
  z
    .string({ error: typeOrMissing(name, `${name} must be a date string YYYY-MM-DD`) })
    .regex(ISO_DATE, `${name} must be a date YYYY-MM-DD (e.g. 2024-03-31)`);
const finite = (name: string, what: string) =>
  z
    .number({ error: typeOrMissing(name, `${name} must be a number (${what})`) })
    .refine(Number.isFinite, `${name} must be a finite number`);

const testInput = strictInput(
  {
    channel: z
      .string({ error: typeOrMissing('channel', 'channel must be a channel name such as "meta"') })
      .min(1, 'channel is empty')
      .max(128, 'channel must be at most 128 characters')
      .describe(
        'The tested channel, as in the data (e.g. "meta" for the meta_spend column; any case, stored as the data names it)',
      ),
    start_date: date('start_date').describe('First day of the test window (included)'),
    end_date: date('end_date').describe('Last day of the test window (included)'),
    spend_change: finite(
      'spend_change',
      'the change of the channel’s total spend over the window; negative for a hold-out',
    )
      .refine((v) => v !== 0, 'spend_change must not be 0: a lift test changes spend')
      .describe(
        'Change of the channel’s total spend over the window, in currency: negative for a hold-out or go-dark test (e.g. -42000), positive for a boost. The model reads it as a change from the spend the data hold in the window (its lift: prediction with the change minus prediction on the data): the data should hold the spend without the test. Where they already hold a go-dark’s cut spend, give the amount restored as a positive spend_change and the revenue the spend brought as a positive incremental_revenue',
      ),
    incremental_revenue: finite(
      'incremental_revenue',
      'revenue with the change minus without, over the window',
    ).describe(
      'Measured incremental revenue over the window: revenue with the spend change minus revenue without it (negative for a hold-out that lost revenue)',
    ),
    standard_error: z
      .number({
        error: typeOrMissing('standard_error', 'standard_error must be a number > 0'),
      })
      .positive('standard_error must be > 0 (the standard error of incremental_revenue)')
      .refine(Number.isFinite, 'standard_error must be a finite number')
      .describe('Standard error of incremental_revenue, in currency (> 0)'),
  },
  `each test must be an object with ${LIFT_COLUMNS.join(', ')}`,
);

const inputSchema = strictInput({
  tenant: tenantInput.describe('Tenant id (list_tenants shows all)'),
  tests: z
    .array(testInput, {
      error: `tests must be an array of test objects, each with ${LIFT_COLUMNS.join(', ')}`,
    })
    .min(1, 'tests must hold at least one test')
    .max(MAX_LIFT_TESTS_PER_TENANT, `tests may hold at most ${MAX_LIFT_TESTS_PER_TENANT} tests`)
    .optional()
    .describe('The tests as objects. Give tests or csv, not both'),
  csv: csvTextLimit(
    z.string({ error: 'csv must be the CSV text as a string' }),
    'csv',
    'send the tests in several calls',
  )
    .optional()
    .describe(`The tests as CSV text with the header ${LIFT_COLUMNS.join(',')}. Give tests or csv`),
});

export const liftTestOut = z.object({
  id: z.number().int(),
  tenant: z.string(),
  channel: z.string(),
  start: z.string(),
  end: z.string(),
  spend_change: z.number(),
  incremental_revenue: z.number(),
  standard_error: z.number(),
  source: z.string(),
  created_at: z.string(),
});

const outputSchema = {
  tenant: z.string(),
  added: z.array(liftTestOut).describe('The tests stored by this call, with their ids'),
  tests: z.array(liftTestOut).describe('Every lift test of the tenant after this call'),
  warnings: z
    .array(z.string())
    .describe(
      'What a stored test may not mean as given: on weekly data a window that is not whole weeks; a lift of the opposite sign of the spend change; an implausible window ROAS (a ROAS typed as incremental_revenue, a per-day spend_change); the channel and window of another stored test (a correction: delete the old one)',
    ),
  rows_needed_to_explain: z
    .number()
    .int()
    .nullable()
    .describe(
      "The rows (days or weeks) the tenant's data must hold before explain_tenant can use the tests (too short for an honest validation now); null when it can use them now",
    ),
  next_step: z.string(),
};

export function registerAddLiftTest(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'add_lift_test',
    {
      title: 'Record lift tests',
      description:
        'Record the results of lift tests (experiments) on a tenant’s channels: channel, window, the change of spend in the window, the measured incremental revenue and its standard error. ' +
        'Each test is checked against the tenant’s data (known channel, window inside the data, a cut no larger than the window’s spend; a channel that never spent in the data, or a cut in a window where it spent nothing, is refused with the reason); one bad test stores nothing. ' +
        'explain_tenant (phase 3) then calibrates the model with them, weighting each by 1/SE², shows calibrated and uncalibrated ROAS side by side, and reports a test that conflicts with the data instead of obeying it. On a tenant too short to explain yet, the tests are stored and rows_needed_to_explain gives the rows its data must reach.',
      inputSchema,
      outputSchema,
      annotations: {
        title: 'Record lift tests',
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    (args) =>
      guarded('add_lift_test', log, () => {
        if ((args.tests === undefined) === (args.csv === undefined)) {
          return fail(
            `add_lift_test: pass exactly one of tests (an array of objects) or csv (text with the header ${LIFT_COLUMNS.join(',')}).`,
            'invalid_argument',
          );
        }
        const req: AddLiftTestsRequest = { tenant: args.tenant };
        if (args.csv !== undefined) {
          req.csv = args.csv;
          req.source = 'csv';
        } else {
          req.tests = args.tests!.map((t) => ({
            channel: t.channel,
            start: t.start_date,
            end: t.end_date,
            spend_change: t.spend_change,
            incremental_revenue: t.incremental_revenue,
            standard_error: t.standard_error,
          }));
          req.source = 'mcp';
        }
        const res = app.addLiftTests(req);
        const tests = app.listLiftTests(args.tenant);
        const lines = [
          `Recorded ${res.added.length} lift test(s) for ${res.tenant} (${tests.length} in total): ` +
            res.added
              .map(
                (t) =>
                  `#${t.id} ${t.channel} ${t.start}..${t.end} spend ${t.spend_change} -> revenue ${t.incremental_revenue} ± ${t.standard_error}`,
              )
              .join('; ') +
            '.',
          ...res.warnings.map((w) => `Warning: ${w}`),
        ];
        const explain = `explain_tenant {"tenant": "${res.tenant}", "phase": 3}`;
        const needed = res.rows_needed_to_explain;
        // A tenant too short to train: explain refuses it, so the next step is more data.
        const next =
          needed === null
            ? `${explain} shows calibrated and uncalibrated ROAS.`
            : `the tests are recorded, but explain_tenant cannot use them yet: ${res.tenant} holds ${res.rows} rows and explain needs at least ${needed} (${needed - res.rows} more) for an honest validation; import a longer history (import_tenant_data with tenant "${res.tenant}" and replace: true; the tests are kept), then ${explain} shows calibrated and uncalibrated ROAS.`;
        lines.push(`Next: ${next}`);
        return ok(
          {
            tenant: res.tenant,
            added: res.added,
            tests,
            warnings: res.warnings,
            rows_needed_to_explain: needed,
            next_step: next,
          },
          lines.join('\n'),
        );
      }),
  );
}
