/**
 * Tool `get_report`: writes a tenant or run report (one self-contained HTML file with charts) and
 * returns a `resource_link` to it (report://tenant/{id} or report://run/{id}, served as
 * text/html) plus a short text summary: the headline and one reading per chart.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ReportResult } from '../../app/index.js';
import type { ToolDeps } from '../deps.js';
import { forwardProgress } from '../progress.js';
import { fail, guarded, jsonSafe, resourceLink } from '../results.js';
import { caveatOut, phaseInput, runIdInput, strictInput, tenantInput } from '../schemas.js';

const inputSchema = strictInput({
  tenant: tenantInput
    .optional()
    .describe('Tenant id for a tenant report, e.g. "extreme_ski_gear" (list_tenants shows all)'),
  run_id: runIdInput.optional().describe('Run id for a run report (list_runs shows them)'),
  phase: phaseInput
    .optional()
    .describe(
      "With tenant: the phase whose model to show (default: the highest phase with a finished run covering the tenant, else 3). Alone: a report of that phase's latest finished run.",
    ),
});

const outputSchema = {
  kind: z.enum(['tenant', 'run']),
  subject: z.string().describe('The tenant id or the run id'),
  phase: z.number().int(),
  run_id: z.number().int().nullable().describe('The stored run the figures belong to'),
  uri: z.string().describe('Resource serving the HTML (text/html)'),
  bytes: z.number().int(),
  seconds: z.number(),
  render_seconds: z.number(),
  charts: z.array(z.object({ id: z.string(), title: z.string(), reading: z.string() })),
  summary: z.array(z.string()),
  caveats: z
    .array(caveatOut)
    .describe(
      'Read first (tenant reports): the explanation\'s caveats for the model shown, the same codes and messages explain_tenant gives (the page\'s "Read first"); empty for a run report',
    ),
  plan_caveats: z
    .object({
      plan_id: z.number().int(),
      outlook: z
        .string()
        .optional()
        .describe(
          "the plan's outlook (scenario:typical, scenario:hot, forecast:<file>): the latest plan may be a what-if",
        ),
      caveats: z.array(caveatOut),
    })
    .optional()
    .describe(
      "Tenant reports: the caveats of the tenant's latest budget plan, which the page's \"Read first\" lists under the plan's name (absent without a plan)",
    ),
  data_warnings: z
    .array(z.string())
    .optional()
    .describe(
      'Tenant reports: the data\'s warnings as train_tenant gives them, also in the page\'s "Read first"',
    ),
  warnings: z.array(z.string()),
  decomposition: z
    .object({ uri: z.string(), rows: z.number().int(), columns: z.array(z.string()) })
    .optional()
    .describe(
      'Tenant reports: the decomposition per date as CSV (text/csv): date, actual, predicted, baseline, weather, one column per channel, true_<channel> for synthetic tenants',
    ),
};

export function registerGetReport(
  server: McpServer,
  { app, log, protocolVersion }: ToolDeps,
): void {
  server.registerTool(
    'get_report',
    {
      title: 'Get a visual report',
      description:
        "Write a visual report as one self-contained HTML file and link to it. With tenant: the tenant's model in charts (out-of-sample fit fold by fold vs the oracle, contributions over time, response curves, ROAS and marginal ROAS, ROAS by weather state, carry-over, estimates vs truth for synthetic tenants, the gate decision). " +
        "With run_id, or phase alone: every tenant of a run beside its oracle, a fold heatmap, the gate decision with its reasons and the comparison with the previous phase. Returns a resource_link (report://tenant/{id} or report://run/{id}, text/html), for a tenant a second one to the decomposition per date as CSV (report://tenant/{id}/decomposition, text/csv: actual, predicted, baseline, weather and each channel's contribution), each chart's one-line reading, and a tenant report's caveats (`caveats`: the codes and messages explain_tenant gives for that model; they open the text, read them before the figures). A tenant report trains the phase's CV once (seconds for phase 3) and keeps the figures for next time; sends progress when asked.",
      inputSchema,
      outputSchema,
      annotations: {
        title: 'Get a visual report',
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args, extra) =>
      guarded('get_report', log, async () => {
        if (args.tenant !== undefined && args.run_id !== undefined) {
          return fail(
            'get_report: give tenant (a tenant report) or run_id (a run report), not both.',
            'invalid_argument',
          );
        }
        if (args.tenant === undefined && args.run_id === undefined && args.phase === undefined) {
          return fail(
            'get_report: say what to report: tenant (with an optional phase), run_id, or phase alone for its latest run. list_tenants and list_runs show the ids.',
            'invalid_argument',
          );
        }
        if (args.run_id !== undefined && args.phase !== undefined) {
          return fail('get_report: run_id names one run; leave out phase.', 'invalid_argument');
        }
        const progress = forwardProgress(extra);
        try {
          const r = await app.writeReport(
            { tenant: args.tenant, runId: args.run_id, phase: args.phase },
            { onProgress: progress.onProgress, signal: extra.signal },
          );
          // No server paths reach a client.
          const { file: _file, decomposition, ...rest } = r;
          const structured = decomposition
            ? {
                ...rest,
                decomposition: {
                  uri: decomposition.uri,
                  rows: decomposition.rows,
                  columns: decomposition.columns,
                },
              }
            : rest;
          const name =
            r.kind === 'tenant'
              ? `${r.subject} phase ${r.phase} report`
              : `run ${r.subject} (phase ${r.phase}) report`;
          const text = [
            ...r.caveats.map((c) => `CAVEAT ${c.code}: ${c.message}`),
            ...(r.plan_caveats?.caveats ?? []).map(
              (c) =>
                `CAVEAT ${c.code} (plan ${r.plan_caveats!.plan_id}, ${r.plan_caveats!.outlook ?? 'outlook not recorded'}): ${c.message}`,
            ),
            ...(r.data_warnings ?? []).map((w) => `Data warning: ${w}`),
            reportWords(r, name),
            ...(decomposition ? [decompositionWords(decomposition)] : []),
            ...r.summary,
          ].join('\n');
          await progress.finish();
          return {
            content: [
              resourceLink(protocolVersion(), {
                uri: r.uri,
                name,
                title: name,
                mimeType: 'text/html',
                description: r.summary[0] ?? name,
              }),
              ...(decomposition
                ? [
                    resourceLink(protocolVersion(), {
                      uri: decomposition.uri,
                      name: `${r.subject} decomposition`,
                      title: `${r.subject} phase ${r.phase} decomposition per date (CSV)`,
                      mimeType: 'text/csv',
                      description: `${decomposition.rows} rows: ${decomposition.columns.join(', ')}`,
                    }),
                  ]
                : []),
              { type: 'text', text },
            ],
            structuredContent: jsonSafe(structured) as Record<string, unknown>,
          };
        } finally {
          progress.stop();
        }
      }),
  );
}

/** About 4 bytes a token (English and markup). */
const tokens = (bytes: number): string => `${Math.max(1, Math.round(bytes / 4000))}k tokens`;

/**
 * Where the written page is, and that it is for a person: the text said "read report://...", and
 * an agent that did loaded 83k-230k tokens of HTML (session 52), most of it chart markup, whose
 * figures this result and the tools already give.
 */
function reportWords(r: ReportResult, name: string): string {
  const figures =
    r.kind === 'tenant'
      ? "its figures are explain_tenant's (the same model)"
      : 'its figures are in get_run, check_gates and compare_phases';
  return (
    `Wrote the ${name} (${Math.round(r.bytes / 1024)} KB of HTML, ${r.charts.length} charts) as ${r.uri}: ` +
    `a page for a person to open in a browser, not to read into an agent's context (about ${tokens(r.bytes)}); ` +
    `the charts' readings are below and ${figures}.`
  );
}

/** The decomposition CSV: for a spreadsheet or a program, with its size. */
function decompositionWords(d: NonNullable<ReportResult['decomposition']>): string {
  return (
    `The model split per date is ${d.uri} (CSV, ${d.rows} rows x ${d.columns.length} columns, ${Math.round(d.bytes / 1024)} KB, about ${tokens(d.bytes)}): ` +
    "for a spreadsheet or a program; each channel's total contribution is in explain_tenant."
  );
}
