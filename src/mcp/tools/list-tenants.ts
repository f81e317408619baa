/** Tool `list_tenants`: the tenants the engine can model (built-in and imported). */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ToolDeps } from '../deps.js';
import { guarded, ok } from '../results.js';
import { strictInput, tenantInfoOut } from '../schemas.js';

const TIERS = ['extreme', 'high', 'medium', 'none', 'custom'] as const;

const inputSchema = strictInput({
  tier: z
    .enum(TIERS, { error: `tier must be one of ${TIERS.join(', ')}` })
    .optional()
    .describe('Only tenants of this weather-sensitivity tier (custom = imported data)'),
});

const outputSchema = {
  tenants: z.array(tenantInfoOut),
  total: z.number().int(),
};

export function registerListTenants(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'list_tenants',
    {
      title: 'List tenants',
      description:
        'List the tenants the engine can model: id, weather-sensitivity tier (extreme, high, medium, none; custom for imported data), category, city (null for imported data), weather driver, rows, date range and channels. ' +
        'Start here: the ids are what train_tenant, run_phase and explain_tenant take.',
      inputSchema,
      outputSchema,
      annotations: {
        title: 'List tenants',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args) =>
      guarded('list_tenants', log, () => {
        const all = app.listTenants();
        const tenants = args.tier ? all.filter((t) => t.tier === args.tier) : all;
        const byTier = new Map<string, number>();
        for (const t of tenants) byTier.set(t.tier, (byTier.get(t.tier) ?? 0) + 1);
        const counts = [...byTier].map(([k, n]) => `${n} ${k}`).join(', ');
        const ids = tenants
          .slice(0, 30)
          .map((t) => t.tenant)
          .join(', ');
        return ok(
          { tenants, total: tenants.length },
          `${tenants.length} tenants${counts ? ` (${counts})` : ''}: ${ids}${tenants.length > 30 ? ', …' : ''}`,
        );
      }),
  );
}
