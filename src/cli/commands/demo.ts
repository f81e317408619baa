import type { GateDecision, PhaseId, RunDetail } from '../../app/index.js';

import { list } from '../args.js';
import type { Command } from '../command.js';
import { formatGate, progressPrinter, resultRows, seconds } from '../shared.js';

export const demo: Command = {
  name: 'demo',
  section: 'Other',
  summary: 'phases 0-3 and their gates on the 20 built-in tenants (the main job)',
  usage: '[--tenants a,b] [--json]',
  details:
    'Runs (or serves from the store) each phase, judges it, and compares phase 1 with phase 3.\n' +
    'With --json it prints {"phases": [{run, gate}...], "comparison": ...}.',
  options: {
    tenants: {
      type: 'string',
      value: 'a,b',
      help: 'only these tenants (default: the 20 built-in ones)',
    },
  },
  json: true,
  jsonHelp:
    'phases (each run with its gate) and the phase 1 -> 3 comparison; no MCP tool does it at once',
  async run({ app, flags, print, signal }) {
    const phases: {
      run: RunDetail;
      gate: GateDecision | null;
      cached: boolean;
      elapsed_seconds: number;
    }[] = [];
    for (const phase of [0, 1, 2, 3] as PhaseId[]) {
      const started = performance.now();
      const handle = app().startPhaseRun(
        { phase, tenants: list(flags.tenants) },
        { onProgress: progressPrinter(flags), signal },
      );
      const run = await handle.done;
      if (run.status !== 'done') {
        phases.push({ run, gate: null, cached: handle.cached, elapsed_seconds: 0 });
        if (!flags.json) print(null, () => phaseText(phases[phases.length - 1]));
        break;
      }
      const elapsed = (performance.now() - started) / 1000;
      phases.push({
        run,
        gate: app().checkGates({ phase }),
        cached: handle.cached,
        elapsed_seconds: elapsed,
      });
      // Each phase as it ends (it printed all four at the end): a reader that stops after the
      // first lines (`| head`) closes the pipe, and the next phase's run is cancelled (exit 141).
      if (!flags.json) print(null, () => phaseText(phases[phases.length - 1]));
      // A gate that says stop (STOP_SUFFICIENT after phase 2) read as the end, and the demo went
      // on to phase 3 without a word (probe s74).
      const decision = phases[phases.length - 1].gate?.decision;
      if (!flags.json && phase < 3 && decision !== undefined && !GOES_ON.has(decision)) {
        print(
          null,
          () =>
            `the demo goes on to phase ${phase + 1} whatever the gate decided (${decision}): it shows every phase\n`,
        );
      }
    }
    const done = phases.every((p) => p.run.status === 'done');
    const comparison = done
      ? app().comparePhases({ runId: phases[1].run.id }, { runId: phases[3].run.id })
      : null;
    print({ phases, comparison }, () =>
      comparison ? `phase 1 -> 3: ${comparison.verdict}` : 'stopped before phase 3',
    );
  },
};

/** Gate decisions after which the plan itself goes on to the next phase. */
const GOES_ON: ReadonlySet<string> = new Set(['BASELINE_RECORDED', 'PROCEED_TO_PHASE_2']);

/** One phase's block of the text output: its run, table, summary and gate. */
function phaseText({
  run,
  gate,
  cached,
  elapsed_seconds,
}: {
  run: RunDetail;
  gate: GateDecision | null;
  cached: boolean;
  elapsed_seconds: number;
}): string {
  const s = run.summary;
  const time = cached
    ? `from the store in ${seconds(elapsed_seconds)}`
    : seconds(run.seconds ?? elapsed_seconds);
  return [
    `=== Phase ${run.phase}: run ${run.id}, ${run.status}, ${time}`,
    resultRows(run.results),
    s ? `mean R² ${s.mean_r2.toFixed(3)}, ${s.pass_count}/${s.total} pass` : (run.error ?? ''),
    '',
    gate ? formatGate(gate) : '',
    '',
  ].join('\n');
}
