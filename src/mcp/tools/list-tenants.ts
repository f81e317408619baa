/** Tool `list_tenants`: the tenants the engine can model (built-in and imported), paginated. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { APP_LIMITS } from '../../app/index.js';
import type { ToolDeps } from '../deps.js';
import { guarded, ok } from '../results.js';
import { strictInput, tenantInfoOut } from '../schemas.js';

const TIERS = ['extreme', 'high', 'medium', 'none', 'custom'] as const;
const MAX = APP_LIMITS.maxMcpListTenants;
const DEFAULT = APP_LIMITS.defaultMcpListTenants;
const LIMIT_MESSAGE = `limit must be an integer from 1 to ${MAX}`;

const inputSchema = strictInput({
  tier: z
    .enum(TIERS, { error: `tier must be one of ${TIERS.join(', ')}` })
    .optional()
    .describe('Only tenants of this weather-sensitivity tier (custom = imported data)'),
  limit: z
    .number({ error: LIMIT_MESSAGE })
    .int(LIMIT_MESSAGE)
    .min(1, LIMIT_MESSAGE)
    .max(MAX, LIMIT_MESSAGE)
    .default(DEFAULT)
    .describe(`Tenants per page, 1-${MAX} (default ${DEFAULT})`),
  offset: z
    .number({ error: 'offset must be an integer >= 0' })
    .int('offset must be an integer >= 0')
    .min(0, 'offset must be an integer >= 0')
    .default(0)
    .describe('Tenants to skip (use next_offset from the previous page)'),
});

const outputSchema = {
  tenants: z.array(tenantInfoOut),
  total: z.number().int().describe('Tenants matching the filter'),
  offset: z.number().int(),
  next_offset: z.number().int().nullable().describe('Offset of the next page, null at the end'),
};

export function registerListTenants(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'list_tenants',
    {
      title: 'List tenants',
      description:
        'List the tenants the engine can model: id, weather-sensitivity tier (extreme, high, medium, none; custom for imported data), category, city (null for imported data), weather driver, rows, date range and channels. ' +
        `Paginated (limit 1-${MAX}, default ${DEFAULT}; offset; next_offset is null on the last page), optionally filtered by tier. ` +
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
        const matching = args.tier ? all.filter((t) => t.tier === args.tier) : all;
        const total = matching.length;
        const tenants = matching.slice(args.offset, args.offset + args.limit);
        const end = args.offset + tenants.length;
        const next = end < total ? end : null;
        const byTier = new Map<string, number>();
        for (const t of matching) byTier.set(t.tier, (byTier.get(t.tier) ?? 0) + 1);
        const counts = [...byTier].map(([k, n]) => `${n} ${k}`).join(', ');
        const ids = tenants
          .slice(0, 30)
          .map((t) => t.tenant)
          .join(', ');
        const head =
          tenants.length === total
            ? `${total} tenants`
            : tenants.length === 0
              ? `No tenants at offset ${args.offset} (${total} in all)`
              : `Tenants ${args.offset + 1}-${end} of ${total}`;
        const more =
          next === null
            ? ''
            : `\n${total - end} more: call list_tenants with offset ${next}${args.tier ? ` and tier ${args.tier}` : ''} for the next page.`;
        return ok(
          { tenants, total, offset: args.offset, next_offset: next },
          `${head}${counts ? ` (${counts})` : ''}${ids ? `: ${ids}` : ''}${tenants.length > 30 ? ', …' : ''}${more}`,
        );
      }),
  );
}
