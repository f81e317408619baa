/**
 * The MCP server factory: tools, resources and a prompt over the application API. No transport
 * here: stdio.ts connects it to stdin/stdout, tests connect it in memory.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  InitializeRequestSchema,
  LATEST_PROTOCOL_VERSION,
  type InitializeRequest,
  type InitializeResult,
} from '@modelcontextprotocol/sdk/types.js';
import { stderrLogger, type LogFn } from '../app/log.js';
import type { App } from '../app/types.js';
import { wrapToolErrorResults, wrapToolInputErrors } from './input-errors.js';
import { SERVER_INSTRUCTIONS } from './instructions.js';
import { registerPrompts } from './prompts.js';
import { wrapRequestErrors } from './protocol-errors.js';
import { registerResources } from './resources.js';
import { nameRootInText } from './results.js';
import { registerTools, TOOL_NAMES } from './tools/index.js';

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
  // Tool text names the state directory by a label, whatever characters its path holds.
  nameRootInText(deps.app.stateDir, '<state dir>');
  const server = new McpServer(
    { name: SERVER_NAME, title: 'Weathervane MMM', version: deps.version ?? '0.0.0' },
    {
      instructions: SERVER_INSTRUCTIONS,
      capabilities: { logging: {}, tools: {}, resources: {}, prompts: {} },
    },
  );
  // The SDK's server agrees a protocol version at initialize but keeps none of it: its handler is
  // wrapped to remember the answer, so results can leave out what that version lacks (a client
  // of 2025-03-26 refuses a whole tool result that holds a resource_link item). Same answer.
  let protocolVersion: string = LATEST_PROTOCOL_VERSION;
  const sdkServer = server.server as unknown as {
    _oninitialize(request: InitializeRequest): Promise<InitializeResult>;
  };
  const initialize = sdkServer._oninitialize.bind(server.server);
  server.server.setRequestHandler(InitializeRequestSchema, async (request) => {
    const result = await initialize(request);
    protocolVersion = result.protocolVersion;
    return result;
  });
  // Argument errors once each, without a path the message already names (input-errors.ts).
  wrapToolInputErrors(server);
  // The SDK's own error results carry the machine-readable reason too (input-errors.ts).
  wrapToolErrorResults(server);
  const toolDeps = { app: deps.app, log, protocolVersion: () => protocolVersion };
  registerTools(server, toolDeps);
  registerResources(server, toolDeps);
  registerPrompts(server);
  // Every handler's errors as the client should read them (protocol-errors.ts).
  wrapRequestErrors(server.server, TOOL_NAMES);
  return server;
}
