import { need, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { table } from '../format.js';
import type { PhaseId } from '../../app/index.js';

function ref(flag: string, v: string): { phase?: PhaseId; runId?: number } {
  const m = /^run:(\d+)$/.exec(v);
  if (m) return { runId: Number(m[1]) };
  if (/^[0-3]$/.test(v)) return { phase: Number(v) as PhaseId };
  throw new UsageError(`--${flag} takes a phase 0-3 or run:ID (got ${v})`);
}

/**
 * A delta in one format down the column: the table's default printed 0 as `0`, a tiny delta in 3
 * significant digits (`-0.000248`) and others in 3 decimals (`-0.004`). Four decimals show the
 * 0.01 regression tolerance and a drop of 0.0003 alike.
 */
const deltaText = (d: number): string => d.toFixed(4);

export const compare: Command = {
  name: 'compare',
  section: 'Modeling',
  summary: 'per-tenant R² deltas between two runs',
  usage: '--a A --b B [--json]',
  details:
    "A and B: a phase (0-3) or run:ID. Phases are matched as `wv-mmm gates` matches them: the higher phase's latest finished run, and the other phase's finished run over the same tenants.",
  options: {
    a: { type: 'string', value: 'A', help: 'the first run: a phase 0-3 or run:ID' },
    b: { type: 'string', value: 'B', help: 'the second run: a phase 0-3 or run:ID' },
  },
  json: true,
  jsonHelp: "the fields of the MCP tool compare_phases's result",
  async run({ app, flags, print }) {
    const c = app().comparePhases(
      ref('a', need(flags, 'a', 'a phase 0-3 or run:ID')),
      ref('b', need(flags, 'b', 'a phase 0-3 or run:ID')),
    );
    print(c, () =>
      [
        `A: run ${c.a.run_id} (phase ${c.a.phase}) mean R² ${c.a.mean_r2.toFixed(3)}, ${c.a.pass_count}/${c.a.total} pass`,
        `B: run ${c.b.run_id} (phase ${c.b.phase}) mean R² ${c.b.mean_r2.toFixed(3)}, ${c.b.pass_count}/${c.b.total} pass`,
        table(
          ['tenant', 'A R²', 'B R²', 'delta', 'A pass', 'B pass'],
          c.tenants.map((t) => [
            t.tenant,
            t.a_r2,
            t.b_r2,
            deltaText(t.delta),
            t.a_passes,
            t.b_passes,
          ]),
        ),
        `newly passing: ${c.newly_passing.join(', ') || '-'}`,
        `newly failing: ${c.newly_failing.join(', ') || '-'}`,
        `verdict: ${c.verdict}`,
        ...(c.chosen ? [`runs: ${c.chosen}`] : []),
      ].join('\n'),
    );
  },
};
