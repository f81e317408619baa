import { int } from '../args.js';
import type { Command } from '../command.js';
import { formatGate, phaseOf } from '../shared.js';

export const gates: Command = {
  name: 'gates',
  section: 'Modeling',
  summary: "the plan's decision after a phase, with reasons, success and escalation criteria",
  usage: '--phase 0|1|2|3 [--run ID] [--strict-regression] [--json]',
  details:
    'Judges the latest finished run of the phase (or --run). Decisions are stored; an escalation\n' +
    'is appended to state/escalations.log once per mode (asking again about the same run in the\n' +
    'same mode adds nothing; the line names its regression_mode).\n' +
    'No regression: a phase 0 passer below min(0.70, its phase 0 R²) counts only when its drop\n' +
    'exceeds its fold noise, by either test at level 0.05: a one-sided paired t-test on the\n' +
    "per-fold R² differences (a small drop on every fold), or the mean below phase 0's one-sided\n" +
    'lower confidence bound, mean - t(0.95, folds - 1) × SE (a large drop on one or two folds,\n' +
    'which the t-test cannot see); drops within both are listed in the reasons.\n' +
    '--strict-regression counts every drop.',
  options: {
    phase: { type: 'string', value: '0|1|2|3', help: 'the phase to judge' },
    run: { type: 'string', value: 'ID', help: 'judge this run instead of the latest' },
    'strict-regression': {
      type: 'boolean',
      help: 'every drop below the regression floor is a regression (the plan read literally)',
    },
  },
  json: true,
  jsonHelp:
    "the fields of the MCP tool check_gates's result (next steps in the CLI's words: wv-mmm run-phase where MCP says run_phase)",
  async run({ app, flags, print }) {
    const runId = int(flags, 'run', 1, 2 ** 31);
    const d = app().checkGates({
      phase: phaseOf(flags)!,
      runId,
      regression: flags['strict-regression'] ? 'strict' : 'noise_aware',
    });
    print(d, () => formatGate(d));
  },
};
