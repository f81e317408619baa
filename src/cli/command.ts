/**
 * What a wv-mmm command is: its name, one-line summary, usage, options (each with a help line)
 * and what it does. The registry (commands/index.ts) lists them; help, argument parsing and
 * error handling (main.ts, args.ts) are shared, so a new command is one module and one line.
 */
import type { App } from '../app/index.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Value placeholder shown in help, e.g. `ID` for `--tenant ID`. */
  value?: string;
  help: string;
}

export type Flags = Record<string, string | boolean | undefined>;

export interface CommandContext {
  flags: Flags;
  /** Words after the command name (`tenants delete ID` -> ['delete', 'ID']). */
  positionals: string[];
  /** The app, opened on first use (commands such as serve never open it). */
  app(): App;
  /** Aborted when the user presses Ctrl-C: pass it to long work so it is recorded as cancelled. */
  signal: AbortSignal;
  /** Prints `data` as JSON with --json, else `text()`. */
  print(data: unknown, text: () => string): void;
  /** A line on stderr (progress, warnings); never on stdout. */
  note(line: string): void;
  /**
   * What a Ctrl-C would cancel now, in words for its "cancelling (...)" line (default: a run
   * command's run, recorded as cancelled). Optional: tests' contexts leave it out.
   */
  cancelling?(what: string): void;
}

export interface Command {
  name: string;
  /** Section of the general help. */
  section: 'Data' | 'Modeling' | 'Other';
  summary: string;
  /** Argument synopsis after `wv-mmm <name>`, e.g. `--tenant ID --phase 0|1|2|3`. */
  usage: string;
  /** More lines for `wv-mmm <name> --help` (what it prints, examples). */
  details?: string;
  options: Record<string, OptionSpec>;
  /** Takes --json (every command that prints data does). */
  json: boolean;
  /**
   * What --json prints, said in its help line after "print the result as JSON instead of text":
   * which MCP tool's fields it shares, or how it differs (README, "The CLI"). Default: nothing more.
   */
  jsonHelp?: string;
  /** Positional words it accepts after its name (sub-commands, ids); default none. */
  positionals?: { max: number; usage: string };
  run(ctx: CommandContext): Promise<void>;
}
