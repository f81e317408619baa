/**
 * Server logging: always to stderr (stdout belongs to the protocol), and, once a client is
 * connected, also as MCP `notifications/message` so that hosts can show it.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { LogFn, LogLevel } from '../app/log.js';
import { scrubPaths } from './results.js';

export const LOGGER_NAME = 'weathervane-mmm';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

export interface McpLog {
  log: LogFn;
  /**
   * Forwards to this server's client once the client has sent `notifications/initialized`
   * (the protocol allows no notifications before that; the app is created before the server).
   */
  attach(server: McpServer): void;
  /** Stops forwarding (shutting down: the client may be gone). */
  detach(): void;
}

/**
 * A log line as the client gets it: without stack frames and with absolute paths cut to their
 * last segment (file:// URLs too). stderr keeps the whole line; an unexpected error's stack (the
 * tools and resources log it) reached the client with the server's paths ("at decodeURIComponent
 * ... at file:///home/.../dist/src/mcp/resources.js:98:67").
 */
export function forClient(message: string): string {
  const lines = message.split('\n').filter((line) => !/^\s+at\s/.test(line));
  return scrubPaths(lines.join('\n').replace(/\bfile:\/\/(?=\/)/g, ''));
}

/**
 * @param stderr where every message goes first (filters its own level).
 * @param minClientLevel lowest level forwarded to the client (the client may raise it with
 *   logging/setLevel, the SDK filters that).
 */
export function createMcpLog(stderr: LogFn, minClientLevel: LogLevel = 'info'): McpLog {
  let server: McpServer | undefined;
  let initialized = false;
  const log: LogFn = (level, message) => {
    stderr(level, message);
    if (server && initialized && server.isConnected() && ORDER[level] >= ORDER[minClientLevel]) {
      const data = forClient(message);
      server.sendLoggingMessage({ level, logger: LOGGER_NAME, data }).catch(() => {
        // Logging must never break a tool call.
      });
    }
  };
  return {
    log,
    attach: (s) => {
      server = s;
      initialized = false;
      const previous = s.server.oninitialized;
      s.server.oninitialized = () => {
        initialized = true;
        previous?.();
      };
    },
    detach: () => {
      server = undefined;
    },
  };
}
