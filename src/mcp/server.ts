/**
 * The MCP server factory: tools, resources and a prompt over the application API. No transport
 * here: stdio.ts connects it to stdin/stdout, tests connect it in memory.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { stderrLogger, type LogFn } from '../app/log.js';
import type { App } from '../app/types.js';
import { SERVER_INSTRUCTIONS } from './instructions.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { registerTools } from './tools/index.js';

export const SERVER_NAME = 'weathervane-mmm';

export interface ServerDeps {
  app: App;
  /** Reported in serverInfo (default 0.0.0). */
  version?: string;
  /** Where the server logs unexpected errors (default: stderr). */
  log?: LogFn;
}

export function createServer(deps: ServerDeps): McpServer {
  const log = deps.log ?? stderrLogger();
  const server = new McpServer(
    { name: SERVER_NAME, title: 'Weathervane MMM', version: deps.version ?? '0.0.0' },
    {
      instructions: SERVER_INSTRUCTIONS,
      capabilities: { logging: {}, tools: {}, resources: {}, prompts: {} },
    },
  );
  const toolDeps = { app: deps.app, log };
  registerTools(server, toolDeps);
  registerResources(server, toolDeps);
  registerPrompts(server);
  return server;
}
