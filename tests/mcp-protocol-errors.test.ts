/**
 * JSON-RPC errors as a client reads them (src/mcp/protocol-errors.ts): malformed request
 * parameters are -32602 in a sentence (they were -32603 with the validator's issues as a JSON
 * dump), and an McpError's message goes out without its "MCP error <code>: " prefix (clients add
 * it again: "MCP error -32602: MCP error -32602: Invalid arguments for prompt phase_review").
 * Raw messages over the in-memory transport, as a client that does not validate would send them.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/mcp/server.js';
import { makeApp } from './mcp-helpers.js';

type Reply = { id: number; error?: { code: number; message: string }; result?: unknown };

let client: InstanceType<typeof InMemoryTransport>;
let close: () => Promise<void>;
const waiting = new Map<number, (r: Reply) => void>();
let next = 1;

function request(method: string, params?: unknown): Promise<Reply> {
  const id = next++;
  const reply = new Promise<Reply>((resolve) => waiting.set(id, resolve));
  void client.send({ jsonrpc: '2.0', id, method, params } as JSONRPCMessage);
  return reply;
}

beforeAll(async () => {
  const server = createServer({ app: makeApp(), version: '9.9.9', log: () => undefined });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  client = clientSide;
  client.onmessage = (m) => {
    const r = m as unknown as Reply;
    if (typeof r.id === 'number') waiting.get(r.id)?.(r);
  };
  await server.connect(serverSide);
  await client.start();
  const init = await request('initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  });
  expect(init.error).toBeUndefined();
  await client.send({ jsonrpc: '2.0', method: 'notifications/initialized' } as JSONRPCMessage);
  close = async () => {
    await client.close();
    await server.close();
  };
});

afterAll(async () => {
  await close?.();
});

const noPrefix = (r: Reply) => expect(r.error?.message).not.toMatch(/^MCP error/);

describe('malformed request parameters', () => {
  it('are invalid params in a sentence naming the parameter, not an internal error', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['tools/call', { name: 'list_tenants', arguments: [1, 2] }, /params\.arguments: /],
      ['tools/call', { arguments: {} }, /params\.name: /],
      ['resources/read', {}, /params\.uri: /],
      ['resources/read', { uri: 5 }, /params\.uri: /],
      ['logging/setLevel', { level: 'verbose' }, /params\.level: /],
    ];
    for (const [method, params, where] of cases) {
      const r = await request(method, params);
      expect(r.error?.code, `${method} ${JSON.stringify(params)} ${r.error?.message}`).toBe(-32602);
      expect(r.error?.message).toMatch(new RegExp(`^invalid ${method} request: `));
      expect(r.error?.message).toMatch(where);
      expect(r.error?.message).not.toContain('[\n');
    }
    // The server answers as before afterwards.
    expect((await request('tools/list', {})).error).toBeUndefined();
  });
});

describe('tools/call for a tool the server does not have', () => {
  it('is invalid params naming the tools, not a tool result with isError', async () => {
    const r = await request('tools/call', { name: 'no_such_tool', arguments: {} });
    expect(r.result).toBeUndefined();
    expect(r.error?.code).toBe(-32602);
    noPrefix(r);
    expect(r.error?.message).toMatch(/^unknown tool "no_such_tool"; the tools are list_tenants, /);
    expect(r.error?.message).toContain('delete_tenant (tools/list gives their arguments)');
    // A known tool still answers.
    const ok = await request('tools/call', { name: 'list_tenants', arguments: {} });
    expect(ok.error).toBeUndefined();
  });
});

describe('errors the SDK raises as McpError', () => {
  it('go out without the "MCP error <code>: " prefix the client adds', async () => {
    const unknownPrompt = await request('prompts/get', { name: 'nope' });
    expect(unknownPrompt.error?.code).toBe(-32602);
    noPrefix(unknownPrompt);
    const badArgs = await request('prompts/get', {
      name: 'phase_review',
      arguments: { phase: '9' },
    });
    expect(badArgs.error?.code).toBe(-32602);
    noPrefix(badArgs);
    const badRef = await request('completion/complete', {
      ref: { type: 'ref/resource', uri: 'nope://{x}' },
      argument: { name: 'x', value: '' },
    });
    expect(badRef.error?.code).toBe(-32602);
    noPrefix(badRef);
    expect(badRef.error?.message).toMatch(/nope:\/\/\{x\}/);
  });
});
