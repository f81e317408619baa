import path from 'node:path';
import { int, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { phaseOf } from '../shared.js';

export const report: Command = {
  name: 'report',
  section: 'Modeling',
  summary: "one self-contained HTML file: a tenant's model or a run, in pictures",
  usage:
    '--tenant ID [--phase N] [--out FILE] [--json]  |  report (--run ID | --phase N) [--out FILE] [--json]',
  details:
    'A tenant report: fit, contributions, response curves, ROAS by weather, carry-over, gate.\n' +
    'A run report: R² per tenant beside the oracle, fold heatmap, gate decision, comparison with\n' +
    'the previous phase. Written under <state>/reports/ unless --out.',
  options: {
    tenant: { type: 'string', value: 'ID', help: 'a tenant report' },
    phase: {
      type: 'string',
      value: '0|1|2|3',
      help: "the tenant's phase model (default: the highest phase with a finished run covering it, else 3), or alone the phase whose latest run to report",
    },
    run: { type: 'string', value: 'ID', help: 'a run report' },
    out: { type: 'string', value: 'FILE', help: 'where to write the HTML file' },
  },
  json: true,
  jsonHelp:
    "the fields of the MCP tool get_report's result, and the written files' paths (file, decomposition.file), which MCP leaves out",
  async run({ app, flags, print, signal }) {
    const tenant = typeof flags.tenant === 'string' ? flags.tenant : undefined;
    const runId = int(flags, 'run', 1, Number.MAX_SAFE_INTEGER);
    if (tenant !== undefined && runId !== undefined) {
      throw new UsageError('give --tenant (a tenant report) or --run (a run report), not both');
    }
    const phase = phaseOf(flags, false);
    if (tenant === undefined && runId === undefined && phase === undefined) {
      throw new UsageError(
        'report needs --tenant ID [--phase N], --run ID, or --phase N (its latest run)',
      );
    }
    if (runId !== undefined && phase !== undefined) {
      throw new UsageError('--run names one run: leave out --phase');
    }
    const out = typeof flags.out === 'string' ? path.resolve(flags.out) : undefined;
    const r = await app().writeReport({ tenant, runId, phase, out }, { signal });
    print(r, () =>
      [
        // Read first, as the page and explain put them.
        ...r.caveats.map((c) => `CAVEAT (${c.code}): ${c.message}`),
        // The latest plan's and the data's, as the page's "Read first" lists them.
        ...(r.plan_caveats?.caveats ?? []).map(
          (c) =>
            `CAVEAT (${c.code}) of plan ${r.plan_caveats!.plan_id} (${r.plan_caveats!.outlook ?? 'outlook not recorded'}): ${c.message}`,
        ),
        ...(r.data_warnings ?? []).map((w) => `data warning: ${w}`),
        `wrote ${r.file} (${(r.bytes / 1024).toFixed(0)} KB, ${r.charts.length} charts, ` +
          `${r.seconds.toFixed(2)} s of which rendering ${r.render_seconds.toFixed(2)} s)`,
        ...(r.decomposition
          ? [
              `wrote ${r.decomposition.file} (the decomposition per date, ${r.decomposition.rows} rows: ${r.decomposition.columns.slice(1).join(', ')})`,
            ]
          : []),
        ...r.summary.map((s) => `  ${s}`),
        ...r.warnings.map((w) => `warning: ${w}`),
      ].join('\n'),
    );
  },
};
