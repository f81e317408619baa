/**
 * The stdio entry of the MCP server (`npm start`, `wv-mmm serve`). stdout carries JSON-RPC only;
 * every log line goes to stderr (and to the client as MCP log messages once connected).
 * Importing this module has no side effects unless it is the process's entry script.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CODE_VERSION, createApp, queueUrlFromEnv } from '../app/index.js';
import { stderrLogger } from '../app/log.js';
import { createMcpLog } from './logging.js';
import { createServer } from './server.js';

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

  const mcpLog = createMcpLog(stderrLogger());
  const log = mcpLog.log;
  const version = CODE_VERSION;
  // Queue mode when WV_MMM_REDIS_URL is set: tenant jobs go to `wv-mmm worker` processes.
  const app = createApp({ log, queueUrl: queueUrlFromEnv() });
  const server = createServer({ app, version, log });
  mcpLog.attach(server);
  const transport = new StdioServerTransport();

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
