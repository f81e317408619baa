import { int } from '../args.js';
import type { Command } from '../command.js';
import { formatGate, phaseOf } from '../shared.js';

export const gates: Command = {
  name: 'gates',
  section: 'Modeling',
  summary: "the plan's decision after a phase, with reasons, success and escalation criteria",
  usage: '--phase 0|1|2|3 [--run ID] [--json]',
  details:
    'Judges the latest finished run of the phase (or --run). Decisions are stored; an escalation\n' +
    'is appended to state/escalations.log once (asking again about the same run adds nothing).',
  options: {
    phase: { type: 'string', value: '0|1|2|3', help: 'the phase to judge' },
    run: { type: 'string', value: 'ID', help: 'judge this run instead of the latest' },
  },
  json: true,
  async run({ app, flags, print }) {
    const runId = int(flags, 'run', 1, 2 ** 31);
    const d = app().checkGates({ phase: phaseOf(flags)!, runId });
    print(d, () => formatGate(d));
  },
};
