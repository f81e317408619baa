#!/usr/bin/env node
/**
 * wv-mmm: the human face of weathervane-mmm. Same use cases as the MCP server (src/app), printed
 * as tables or as JSON (--json). One module per command (commands/); this file dispatches, maps
 * errors to messages and exit codes, and turns Ctrl-C into a recorded cancellation.
 */
import { CODE_VERSION, createApp, stderrLogger, type LogLevel } from '../app/index.js';
import { AppError, knownAppError, type App } from '../app/index.js';
import { closest, parseCommandArgs, UsageError } from './args.js';
import type { CommandContext } from './command.js';
import { COMMANDS, findCommand } from './commands/index.js';
import { commandHelp, generalHelp } from './help.js';

/** Exit codes: documented in the general help and the README. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  cancelled: 130,
  /** The output was closed by its reader (`wv-mmm runs | head -1`): 128 + SIGPIPE, as a shell's. */
  outputClosed: 141,
  terminated: 143,
  /**
   * Another process holds the store's write lock past the busy timeout: try again shortly
   * (sysexits' EX_TEMPFAIL, as mail and backup tools use it).
   */
  busy: 75,
} as const;

/** Commands whose Ctrl-C cancels a stored run (plan runs phase 3 first when there is none). */
const RUN_COMMANDS = new Set(['run-phase', 'demo', 'plan']);

/**
 * A reader that stops reading (`wv-mmm runs | head -1`) closes the pipe: the next write fails with
 * EPIPE, which Node raised as an uncaught error (a stack trace, exit 1). Writes then stop, and a
 * command still working is cancelled as by a signal (a run is recorded as cancelled); serve
 * handles its own stdout (stdio.ts). `outputClosed` is set for main's exit code.
 */
const closed = { stdout: false, stderr: false, onStdout: (): void => undefined };
const out = (s: string) => {
  if (!closed.stdout) process.stdout.write(s + '\n');
};
const err = (s: string) => {
  if (!closed.stderr) process.stderr.write(s + '\n');
};
function watchPipes(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    if (closed.stdout) return;
    closed.stdout = true;
    closed.onStdout();
  });
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closed.stderr = true;
  });
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first !== 'serve') watchPipes();
  if (first === undefined) {
    err(generalHelp());
    err('\nwv-mmm: no command given; pick one of the commands above.');
    return EXIT.usage;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    out(`wv-mmm ${CODE_VERSION}`);
    return EXIT.ok;
  }
  if (first === 'help' || first === '--help' || first === '-h') {
    const c = rest[0] !== undefined ? findCommand(rest[0]) : undefined;
    if (rest[0] !== undefined && c === undefined) return unknownCommand(rest[0]);
    out(c ? commandHelp(c) : generalHelp());
    return EXIT.ok;
  }
  if (first.startsWith('-')) {
    err(
      `wv-mmm: ${first} is not a command; options go after the command: wv-mmm <command> [options]. Run \`wv-mmm help\` for the commands.`,
    );
    return EXIT.usage;
  }
  const command = findCommand(first);
  if (command === undefined) return unknownCommand(first);

  let app: App | undefined;
  const controller = new AbortController();
  let interrupts = 0;
  // What the command says a Ctrl-C cancels now (CommandContext.cancelling); plan says whether
  // its phase 3 run is running or only the plan is.
  let cancelWhat: string | null = RUN_COMMANDS.has(command.name)
    ? 'the run is recorded as cancelled'
    : null;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.cancelled);
    // A worker says itself what it does (it has no run); commands that start runs record them.
    if (command.name !== 'worker') {
      err(
        `\nwv-mmm: cancelling${cancelWhat === null ? '' : ` (${cancelWhat})`}; press Ctrl-C again to quit at once`,
      );
    }
    controller.abort(new AppError('cancelled by the user (Ctrl-C)', 'cancelled'));
  };
  // SIGTERM (`timeout`, a scheduler, kill) cancels as Ctrl-C does: without it the process died
  // with its run still recorded as running, until the next start marked it failed.
  let terminated = false;
  const onSigterm = () => {
    if (terminated) return;
    terminated = true;
    err('\nwv-mmm: SIGTERM: cancelling');
    controller.abort(
      new AppError('cancelled: the process was told to stop (SIGTERM)', 'cancelled'),
    );
  };
  closed.onStdout = () =>
    controller.abort(new AppError('cancelled: the output was closed by its reader', 'cancelled'));
  const cancelledExit = () =>
    closed.stdout ? EXIT.outputClosed : terminated ? EXIT.terminated : EXIT.cancelled;
  try {
    const { flags, positionals } = parseCommandArgs(command, rest);
    if (flags.help) {
      out(commandHelp(command));
      return EXIT.ok;
    }
    if (command.name !== 'serve') process.on('SIGINT', onSigint);
    // serve and worker stop on SIGTERM in their own way (they finish or cancel what they hold).
    if (command.name !== 'serve' && command.name !== 'worker') process.on('SIGTERM', onSigterm);
    const ctx: CommandContext = {
      flags,
      positionals,
      signal: controller.signal,
      // The run log (run started, done) is for servers; the CLI prints results and warnings only,
      // unless WV_MMM_LOG_LEVEL asks for more. --queue (run-phase): queue mode, tenant jobs go to
      // `wv-mmm worker` processes.
      app: () =>
        (app ??= createApp({
          face: 'cli',
          log: stderrLogger((process.env.WV_MMM_LOG_LEVEL as LogLevel | undefined) || 'warning'),
          queueUrl: typeof flags.queue === 'string' ? flags.queue : undefined,
        })),
      print: (data, text) => out(flags.json ? JSON.stringify(data, null, 2) : text()),
      note: err,
      cancelling: (what) => {
        cancelWhat = what;
      },
    };
    await command.run(ctx);
    if (controller.signal.aborted) return cancelledExit();
    return EXIT.ok;
  } catch (e) {
    if (controller.signal.aborted) {
      if (!closed.stdout) err('wv-mmm: cancelled');
      return cancelledExit();
    }
    // The store's and the core's known failures read as the app says them (a damaged store, an
    // empty WV_MMM_STATE_DIR), not as an unexpected error with its stack.
    const known = e instanceof AppError ? e : knownAppError(e);
    if (known) {
      err(`wv-mmm: ${known.message}`);
      if (known.code === 'busy') return EXIT.busy;
      return known instanceof UsageError ||
        ['invalid_argument', 'not_found', 'conflict', 'limit'].includes(known.code)
        ? EXIT.usage
        : EXIT.failure;
    }
    err(`wv-mmm: unexpected error: ${(e as Error).stack ?? String(e)}`);
    return EXIT.failure;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    await app?.close();
  }
}

function unknownCommand(name: string): number {
  const near = closest(
    name,
    COMMANDS.map((c) => c.name),
  );
  err(
    `wv-mmm: unknown command '${name}'${near ? ` (did you mean ${near}?)` : ''}. ` +
      'Run `wv-mmm help` for the list.',
  );
  return EXIT.usage;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // Only app.close() can get here (main catches everything else).
    err(`wv-mmm: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = EXIT.failure;
  },
);
