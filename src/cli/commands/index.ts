/**
 * Every wv-mmm command, in help order. Adding one: write src/cli/commands/<name>.ts exporting a
 * Command (see ../command.ts: name, section, summary, usage, options with help lines, json,
 * run), add it to this list, and give it a test in tests/cli-*.test.ts. Parsing, --help,
 * --json, unknown-flag messages, exit codes and Ctrl-C are shared (main.ts, args.ts).
 */
import type { Command } from '../command.js';
import { compare } from './compare.js';
import { demo } from './demo.js';
import { explain } from './explain.js';
import { exportCommand } from './export.js';
import { gates } from './gates.js';
import { generate } from './generate.js';
import { importCommand } from './import.js';
import { plan, plans } from './plan.js';
import { lift } from './lift.js';
import { report } from './report.js';
import { runPhase } from './run-phase.js';
import { runs } from './runs.js';
import { serve } from './serve.js';
import { tenants } from './tenants.js';
import { train } from './train.js';
import { worker } from './worker.js';

export const COMMANDS: readonly Command[] = [
  tenants,
  importCommand,
  exportCommand,
  generate,
  lift,
  train,
  runPhase,
  runs,
  gates,
  compare,
  explain,
  plan,
  plans,
  report,
  demo,
  serve,
  worker,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
