/**
 * The stdio entry of the MCP server (`npm start`, `wv-mmm serve`). stdout carries JSON-RPC only;
 * every log line goes to stderr (and to the client as MCP log messages once connected).
 * Importing this module has no side effects unless it is the process's entry script.
 */
import { realpathSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { APP_LIMITS, CODE_VERSION, createApp, queueUrlFromEnv } from '../app/index.js';
import { stderrLogger } from '../app/log.js';
import { createMcpLog } from './logging.js';
import { createServer } from './server.js';

/**
 * Longest JSON-RPC line read from stdin, in bytes. A tool argument may hold a CSV of up to
 * APP_LIMITS.maxCsvChars characters (import_tenant_data csv, plan_budget forecast_csv), and each
 * character of a CSV takes at most 2 bytes in a JSON string (the escapes \n and \", and UTF-8 up to
 * U+07FF); the SDK's default (10 MiB) closed the connection on a 10.5 MB line.
 */
export const STDIN_MAX_LINE_BYTES = 2 * APP_LIMITS.maxCsvChars + 1024 * 1024;

/**
 * `input` passed on in pieces that end at a line end (the rest of a line is kept until its end
 * comes). The SDK's reader joins every piece it gets to all it holds (Buffer.concat) and searches
 * the whole for a line end: over 64 KiB pipe reads a message of n bytes cost O(n^2), and a 21 MB
 * import_tenant_data call took about 54 s to be read, the server answering nothing meanwhile.
 * Given whole lines it copies each message once. A line that outgrows `maxLineBytes` is passed on
 * unfinished, for the SDK to refuse as it does (transportErrorLine).
 */
export function wholeLines(input: Readable, maxLineBytes: number): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (): Buffer => {
    const out = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return out;
  };
  const lines = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const end = chunk.lastIndexOf(0x0a);
      if (end < 0) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes > maxLineBytes) this.push(take());
      } else {
        pending.push(chunk.subarray(0, end + 1));
        pendingBytes += end + 1;
        this.push(take());
        if (end + 1 < chunk.length) {
          pending.push(chunk.subarray(end + 1));
          pendingBytes = chunk.length - end - 1;
        }
      }
      done();
    },
    flush(done) {
      if (pendingBytes > 0) this.push(take());
      done();
    },
  });
  return input.pipe(lines);
}

export interface StdioServerHandle {
  /** Closes the server and the app (cancelling their work); resolves when done. */
  shutdown(reason: string): Promise<void>;
}

/**
 * Serves MCP over stdin/stdout until stdin closes or SIGINT/SIGTERM arrives. Resolves once the
 * transport is connected; the process exits by itself after shutdown.
 */
export async function serveStdio(): Promise<StdioServerHandle> {
  // A stray console.log from any module would corrupt the protocol stream: send it to stderr.
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;

  const stderr = stderrLogger();
  const mcpLog = createMcpLog(stderr);
  const log = mcpLog.log;
  const version = CODE_VERSION;
  // Queue mode when WV_MMM_REDIS_URL is set: tenant jobs go to `wv-mmm worker` processes.
  const app = createApp({ log, queueUrl: queueUrlFromEnv() });
  const server = createServer({ app, version, log });
  mcpLog.attach(server);
  const transport = new StdioServerTransport(
    wholeLines(process.stdin, STDIN_MAX_LINE_BYTES),
    undefined,
    { maxBufferSize: STDIN_MAX_LINE_BYTES },
  );
  // The SDK skips a stdin line it cannot read and answers nothing: say so on stderr only (the
  // client sent the line; a log notification about it could feed the same fault back).
  server.server.onerror = (err) => stderr('warning', transportErrorLine(err));

  let closing: Promise<void> | null = null;
  const shutdown = (reason: string): Promise<void> => {
    closing ??= (async () => {
      mcpLog.detach();
      log('info', `shutting down (${reason})`);
      try {
        await server.close();
      } catch (err) {
        log(
          'warning',
          `closing the MCP server: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      try {
        await app.close();
      } catch (err) {
        log('error', `closing the app: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
      // Anything still holding the event loop (a stuck worker) must not keep a dead server alive.
      setTimeout(() => process.exit(), 3000).unref();
    })();
    return closing;
  };

  // A host that died leaves broken pipes: a write to them (a log line on stderr, a message on
  // stdout) raised EPIPE as an uncaught error, and the server died before shutdown recorded its
  // runs' end (left 'running' until another process found them interrupted). A broken stderr
  // is only a lost log; a broken stdout is a client gone.
  process.stderr.on('error', () => {});
  process.stdout.on('error', () => void shutdown('stdout closed'));
  // The transport closes itself on a line over STDIN_MAX_LINE_BYTES: stop the app's work too.
  server.server.onclose = () => void shutdown('the MCP connection closed');
  process.stdin.once('end', () => void shutdown('stdin closed'));
  process.stdin.once('close', () => void shutdown('stdin closed'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await server.connect(transport);
  log(
    'info',
    `weathervane-mmm ${version} serving MCP over stdio (node ${process.versions.node}, state ${app.stateDir})`,
  );
  return { shutdown };
}

/**
 * One line for an error the SDK's transport or protocol reports (server.onerror): a stdin line
 * that is not JSON or not a JSON-RPC 2.0 message (both skipped, unanswered), else the error.
 */
export function transportErrorLine(err: Error): string {
  const firstLine = (text: string) => text.split('\n')[0].slice(0, 200);
  if (err instanceof SyntaxError) {
    return `ignored a line on stdin that is not JSON (${firstLine(err.message)}); each line must be one JSON-RPC 2.0 message`;
  }
  // The SDK's schema error is a union of the message kinds' errors: say what one needs instead.
  if (err.name === 'ZodError') {
    return 'ignored a JSON line on stdin that is not a JSON-RPC 2.0 message: one object with "jsonrpc": "2.0" and either a "method" (a request with an "id", or a notification) or an "id" with a "result" or an "error" (a response)';
  }
  if (/^ReadBuffer exceeded maximum size/.test(err.message)) {
    return `a message on stdin was longer than ${STDIN_MAX_LINE_BYTES} bytes (the limit of one JSON-RPC line); the connection is closed: send large CSV files by path (WV_MMM_IMPORT_DIRS)`;
  }
  return `MCP protocol error: ${firstLine(err.message)}`;
}

/** True when this module is the script node was started with (not imported by the CLI). */
function isEntryScript(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return (
      pathToFileURL(realpathSync(entry)).href ===
      pathToFileURL(realpathSync(fileURLToPath(import.meta.url))).href
    );
  } catch {
    return false;
  }
}

if (isEntryScript()) {
  serveStdio().catch((err: unknown) => {
    process.stderr.write(
      `[wv-mmm] error: the MCP server could not start: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  });
}
