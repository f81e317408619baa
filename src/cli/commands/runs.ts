import { APP_LIMITS, namedList, type RunInfo } from '../../app/index.js';
import { int } from '../args.js';
import type { Command } from '../command.js';
import { table } from '../format.js';
import { phaseOf } from '../shared.js';

export const runs: Command = {
  name: 'runs',
  section: 'Modeling',
  summary: 'stored runs, newest first',
  usage: '[--phase N] [--limit N] [--offset N] [--json]',
  options: {
    phase: { type: 'string', value: 'N', help: 'only runs of this phase' },
    limit: {
      type: 'string',
      value: 'N',
      help: `how many (1-${APP_LIMITS.maxListRuns}, default 20)`,
    },
    offset: { type: 'string', value: 'N', help: 'skip this many newest runs first' },
  },
  json: true,
  jsonHelp:
    'runs (each with id, tenants, config, summary, ...) and total; the MCP tool list_runs gives the same runs in a shorter view (run_id, tenant_count, cached, next_offset)',
  async run({ app, flags, print }) {
    const res = app().listRuns({
      limit: int(flags, 'limit', 1, APP_LIMITS.maxListRuns) ?? 20,
      offset: int(flags, 'offset', 0, 1e9) ?? 0,
      phase: phaseOf(flags, false),
    });
    print(
      res,
      () =>
        table(
          ['run', 'phase', 'status', 'tenants', 'mean R²', 'pass', 'seconds', 'created'],
          res.runs.map((r) => [
            r.id,
            r.phase,
            r.status,
            r.tenants.length,
            r.summary?.mean_r2 ?? null,
            r.summary ? `${r.summary.pass_count}/${r.summary.total}` : null,
            r.seconds,
            r.created_at,
          ]),
        ) +
        `\n${res.runs.length} of ${res.total} runs` +
        res.runs
          .filter((r) => r.error !== null && r.status !== 'done')
          .map((r) => `\nrun ${r.id} ${r.status}: ${r.error}`)
          .join('') +
        res.runs.map((r) => sinceLine(r)).join(''),
    );
  },
};

/**
 * '\nrun N: data changed since for a, b (...)' for a finished run some of whose tenants were
 * imported again with other data or deleted since it computed on them; '' otherwise.
 */
function sinceLine(r: RunInfo): string {
  const parts: string[] = [];
  if (r.data_changed?.length)
    parts.push(
      `data changed since for ${namedList(r.data_changed)} (imported again: its figures for them are of the data they had then; run-phase again for current ones)`,
    );
  if (r.tenants_deleted?.length) parts.push(`deleted since: ${namedList(r.tenants_deleted)}`);
  return parts.length > 0 ? `\nrun ${r.id}: ${parts.join('; ')}` : '';
}
