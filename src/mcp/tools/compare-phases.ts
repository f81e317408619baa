/** Tool `compare_phases`: per-tenant R² deltas between two phases or runs. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { PhaseId } from '../../app/types.js';
import type { ToolDeps } from '../deps.js';
import { guarded, ok } from '../results.js';
import { phaseComparisonOut, phaseInput, runIdInput } from '../schemas.js';

/** String forms some clients send (the Inspector CLI passes union-typed values as strings). */
const SIDE_STRING = /^(?:[0-3]|run:[1-9][0-9]{0,15})$/;

function sideInput(name: 'a' | 'b') {
  const msg = `${name} must be a phase number 0-3, {"phase": 0-3}, {"run_id": id} or "run:<id>" (list_runs shows ids)`;
  return z.union(
    [
      phaseInput,
      z.strictObject({
        phase: phaseInput.describe('A done run of this phase, matched as check_gates matches it'),
      }),
      z.strictObject({ run_id: runIdInput.describe('A specific run') }),
      z.string().regex(SIDE_STRING, msg).describe('"0".."3" for a phase, "run:12" for a run'),
    ],
    { error: msg },
  );
}

type Side = z.infer<ReturnType<typeof sideInput>>;

function toRef(s: Side): { phase?: PhaseId; runId?: number } {
  if (typeof s === 'number') return { phase: s };
  if (typeof s === 'string') {
    return s.startsWith('run:') ? { runId: Number(s.slice(4)) } : { phase: Number(s) as PhaseId };
  }
  if ('run_id' in s) return { runId: s.run_id };
  return { phase: s.phase };
}

const inputSchema = z.strictObject(
  {
    a: sideInput('a').describe(
      'The earlier side: a phase (1, "1" or {"phase": 1}) or a run ({"run_id": 12} or "run:12")',
    ),
    b: sideInput('b').describe('The later side, same forms; deltas are b - a'),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown parameter(s): ${issue.keys.join(', ')}; valid parameters: a, b`
        : undefined,
  },
);

export function registerComparePhases(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'compare_phases',
    {
      title: 'Compare two phases',
      description:
        'Compare two phase runs tenant by tenant: mean R² and pass-count deltas (b - a), newly passing and newly failing tenants, regressions (R² drop > 0.01) and a verdict. ' +
        "Each side is a phase or a run id. A phase is resolved as check_gates does: the higher phase's latest done run (or the run named on the other side), and the other phase's done run over the same tenants (so a run over other tenants does not get in the way); the result says which runs were compared (chosen). Tenants computed on other data (other_data) or with another fold protocol (protocol_changed: a history grown past a protocol bound) in the two runs are named in the verdict: their deltas are not two models' alone. Both runs must exist and be done: call run_phase first.",
      inputSchema,
      outputSchema: phaseComparisonOut,
      annotations: {
        title: 'Compare two phases',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args) =>
      guarded('compare_phases', log, () => {
        const c = app.comparePhases(toRef(args.a), toRef(args.b));
        // The app's verdict already states both sides' mean R² and pass counts.
        const lines = [c.verdict];
        if (c.chosen) lines.push(`Runs: ${c.chosen}`);
        if (c.newly_passing.length) lines.push(`Newly passing: ${c.newly_passing.join(', ')}`);
        if (c.newly_failing.length) lines.push(`Newly failing: ${c.newly_failing.join(', ')}`);
        if (c.regressions.length) lines.push(`Regressions: ${c.regressions.join(', ')}`);
        return ok(c, lines.join('\n'));
      }),
  );
}
