/** In-process MCP client/server pair over the SDK's in-memory transport, for the MCP tests. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { LogLevel } from '../src/app/log.js';
import type { App } from '../src/app/types.js';
import { createServer } from '../src/mcp/server.js';
import { FakeApp, type FakeAppOptions } from './mcp-fake-app.js';

export interface Connected {
  client: Client;
  app: App;
  logs: { level: LogLevel; message: string }[];
  close(): Promise<void>;
}

/** The app under test: the fake (switch here to createApp({ stateDir: tmp }) for the real one). */
export function makeApp(options?: FakeAppOptions): FakeApp {
  return new FakeApp(options);
}

export async function connect(app: App): Promise<Connected> {
  const logs: Connected['logs'] = [];
  const server = createServer({
    app,
    version: '9.9.9',
    log: (level, message) => logs.push({ level, message }),
  });
  const client = new Client({ name: 'mcp-test', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  // Listing tools makes the client validate every structuredContent against its outputSchema.
  await client.listTools();
  return {
    client,
    app,
    logs,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

export function text(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

export async function call(
  c: Connected,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  return (await c.client.callTool({ name, arguments: args })) as CallToolResult;
}
