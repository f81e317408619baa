/** Tool `explain_tenant`: channel contributions, ROAS by weather state and response curves. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolDeps } from '../deps.js';
import { forwardProgress } from '../progress.js';
import { fmtPct, guarded, ok } from '../results.js';
import { explanationOut, phaseInput, strictInput, tenantInput } from '../schemas.js';

const inputSchema = strictInput({
  tenant: tenantInput.describe('Tenant id, e.g. "extreme_ski_gear" (list_tenants shows all)'),
  phase: phaseInput
    .default(3)
    .describe('Phase whose model to explain (default 3, the adstock + Hill model)'),
});

export function registerExplainTenant(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'explain_tenant',
    {
      title: "Explain a tenant's model",
      description:
        "Decompose a tenant's fitted model: each channel's contribution, ROAS and marginal ROAS (with the truth and error for synthetic tenants), ROAS by weather state (cold/mild/hot, rain/dry) and spend response curves. " +
        'Use it after run_phase to understand why a tenant passes or fails and what weather does to media. Fits the model on all rows (seconds for phases 2-3); sends progress when asked.',
      inputSchema,
      outputSchema: explanationOut,
      annotations: {
        title: "Explain a tenant's model",
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args, extra) =>
      guarded('explain_tenant', log, async () => {
        const progress = forwardProgress(extra);
        try {
          const e = await app.explainTenant(
            { tenant: args.tenant, phase: args.phase },
            { onProgress: progress.onProgress, signal: extra.signal },
          );
          const ch = e.channels
            .map((c) => {
              const err = c.roas_error !== null ? `, error vs truth ${fmtPct(c.roas_error)}` : '';
              return `${c.channel} ROAS ${fmt2(c.roas)} (marginal ${fmt2(c.marginal_roas)}${err})`;
            })
            .join('; ');
          const lines = [
            `${e.tenant} phase ${e.phase} (${e.model_kind}), ${e.rows} rows ${e.start}..${e.end}: ${ch}.`,
          ];
          if (e.weather_states.length) {
            lines.push(`Weather states: ${e.weather_states.map((s) => s.state).join(', ')}.`);
          }
          lines.push(...e.notes);
          return ok(e, lines.join('\n'));
        } finally {
          progress.stop();
        }
      }),
  );
}

function fmt2(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : 'n/a';
}
