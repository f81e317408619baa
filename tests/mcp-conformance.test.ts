/**
 * The protocol contract as a client sees it: resources/list_changed after the tools that change
 * the resource list (the server declares resources.listChanged), resource URIs with a malformed
 * %-escape refused as invalid params, log messages to the client without stack traces or the
 * server's paths, and completion of every template's and the prompt's argument.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  LoggingMessageNotificationSchema,
  ResourceListChangedNotificationSchema,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { createMcpLog, forClient } from '../src/mcp/logging.js';
import { createServer } from '../src/mcp/server.js';
import { fakePlanListing, type FakeApp } from './mcp-fake-app.js';
import { call, connect, makeApp, type Connected } from './mcp-helpers.js';

let app: FakeApp;
let c: Connected;
let changes: number;

beforeEach(async () => {
  app = makeApp();
  c = await connect(app);
  changes = 0;
  c.client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
    changes++;
  });
});
afterEach(async () => {
  await c.close();
});

/** Notifications sent before a result arrive before it; a ping flushes any sent after. */
async function changesAfter(body: () => Promise<unknown>): Promise<number> {
  const before = changes;
  await body();
  await c.client.ping();
  return changes - before;
}

const CSV = 'date,revenue,meta_spend\n2024-01-01,100,10\n';

describe('notifications/resources/list_changed', () => {
  it('is declared, and sent by the tools that add or remove listed resources', async () => {
    expect(c.client.getServerCapabilities()?.resources?.listChanged).toBe(true);
    const listed = async () => (await c.client.listResources()).resources.map((r) => r.uri);

    expect(await changesAfter(() => call(c, 'run_phase', { phase: 0 }))).toBe(1);
    expect(await listed()).toEqual(
      expect.arrayContaining(['run://1', 'report://run/1', 'gates://latest/0']),
    );
    expect(
      await changesAfter(() => call(c, 'import_tenant_data', { tenant: 'mine', csv: CSV })),
    ).toBe(1);
    expect(await listed()).toContain('tenant://mine');
    expect(await changesAfter(() => call(c, 'check_gates', { phase: 0 }))).toBe(1);
    expect(await changesAfter(() => call(c, 'delete_tenant', { tenant: 'mine' }))).toBe(1);
  });

  it('is sent when a background run starts and again when it ends', async () => {
    const r = await call(c, 'run_phase', { phase: 1, wait: false });
    const runId = (r.structuredContent as { run_id: number }).run_id;
    await c.client.ping();
    expect(changes).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 100 && changes < 2; i++) await new Promise((res) => setTimeout(res, 10));
    expect(changes).toBe(2);
    expect(app.getRun(runId).status).toBe('done');
  });

  it('is not sent by reading tools, nor by refused calls', async () => {
    await call(c, 'run_phase', { phase: 0 });
    expect(
      await changesAfter(async () => {
        await call(c, 'list_tenants', {});
        await call(c, 'list_runs', {});
        await call(c, 'get_run', { run_id: 1 });
        await call(c, 'import_tenant_data', { tenant: 'mine', csv: 'x,y\n1,2\n' });
        await call(c, 'run_phase', { phase: 0, tenants: ['nope'] });
        await c.client.readResource({ uri: 'run://1' });
      }),
    ).toBe(0);
  });
});
describe('the agreed protocol version', () => {
  /** A client that speaks JSON-RPC itself, asking for `version` at initialize. */
  async function rawClient(version: string) {
    const server = createServer({ app, log: () => {} });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const replies = new Map<number, { result?: Record<string, unknown> }>();
    clientSide.onmessage = (m: JSONRPCMessage) => {
      if ('id' in m && 'result' in m) replies.set(Number(m.id), { result: m.result });
    };
    await clientSide.start();
    let next = 1;
    const request = async (method: string, params: Record<string, unknown>) => {
      const id = next++;
      await clientSide.send({ jsonrpc: '2.0', id, method, params });
      for (let i = 0; i < 500 && !replies.has(id); i++) await new Promise((r) => setTimeout(r, 2));
      return replies.get(id)?.result ?? {};
    };
    const init = await request('initialize', {
      protocolVersion: version,
      capabilities: {},
      clientInfo: { name: 'raw', version: '1' },
    });
    await clientSide.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return { init, request, close: () => server.close() };
  }
  const report = { name: 'get_report', arguments: { tenant: 'extreme_ski_gear', phase: 0 } };
  type Item = { type: string; uri?: string; text?: string };

  it('before 2025-06-18 a link is a text item naming the URI (old clients refuse resource_link)', async () => {
    const old = await rawClient('2025-03-26');
    expect(old.init.protocolVersion).toBe('2025-03-26');
    const content = (await old.request('tools/call', report)).content as Item[];
    expect(content.map((i) => i.type)).toEqual(['text', 'text']);
    expect(content[0].text).toMatch(
      /^extreme_ski_gear phase 0 report: report:\/\/tenant\/extreme_ski_gear \(text\/html; read it with resources\/read\)/,
    );
    await old.close();
  });

  it('from 2025-06-18 on it is a resource_link item', async () => {
    const current = await rawClient('2025-06-18');
    expect(current.init.protocolVersion).toBe('2025-06-18');
    const content = (await current.request('tools/call', report)).content as Item[];
    expect(content.map((i) => i.type)).toEqual(['resource_link', 'text']);
    expect(content[0].uri).toBe('report://tenant/extreme_ski_gear');
    await current.close();
  });
});

describe('resource URIs', () => {
  it('a URI no resource template matches is resource not found (-32002), prefixed once', async () => {
    for (const uri of ['nothing://here', 'run://1/extra', 'gates://latest', 'plan://']) {
      const failure = await c.client.readResource({ uri }).then(
        () => null,
        (e: unknown) => e as { code: number; message: string },
      );
      expect(failure?.code, uri).toBe(-32002);
      expect(failure?.message, uri).toBe(
        `MCP error -32002: ${new URL(uri).href}: no such resource (resources/list and resources/templates/list show this server's resources)`,
      );
    }
  });

  it('a URI that does not parse is invalid params, not an internal error', async () => {
    const failure = await c.client.readResource({ uri: 'not a uri' }).then(
      () => null,
      (e: unknown) => e as { code: number; message: string },
    );
    expect(failure?.code).toBe(-32602);
    expect(failure?.message).toMatch(/^MCP error -32602: not a uri: not a URI/);
    expect(c.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('a malformed %-escape in a tenant id is invalid params, not an internal error', async () => {
    for (const uri of [
      'tenant://%ZZ',
      'report://tenant/%E0%A4%A',
      'report://tenant/%ZZ/decomposition',
    ]) {
      const failure = await c.client.readResource({ uri }).then(
        () => null,
        (e: unknown) => e as { code: number; message: string },
      );
      expect(failure?.code, uri).toBe(-32602);
      expect(failure?.message).toContain(
        'not a tenant id (a malformed %-escape); list_tenants shows the ids',
      );
    }
    expect(c.logs.filter((l) => l.level === 'error')).toEqual([]);
    // A well-formed escape still reads the tenant.
    const r = await c.client.readResource({ uri: 'tenant://extreme%5Fski_gear' });
    expect(r.contents[0].mimeType).toBe('application/json');
  });

  it('an id of the wrong form is invalid params; a huge URI is quoted cut short', async () => {
    const failed = (uri: string) =>
      c.client.readResource({ uri }).then(
        () => null,
        (e: unknown) => e as { code: number; message: string },
      );
    for (const uri of ['tenant://%2e%2e', 'tenant://shop%0A', 'report://tenant/Shop%20One']) {
      const failure = await failed(uri);
      expect(failure?.code, uri).toBe(-32602);
      expect(failure?.message).toContain('not a tenant id (1 to 64 characters from a-z');
      expect(failure?.message).not.toContain('\n');
    }
    const huge = await failed(`tenant://${'a'.repeat(100_000)}`);
    expect(huge?.code).toBe(-32602);
    expect(huge!.message.length).toBeLessThan(500);
  });
});
describe('log messages to the client', () => {
  const stack = [
    'reading tenant://x: URIError: URI malformed',
    '    at decodeURIComponent (<anonymous>)',
    '    at file:///home/me/weathervane-mmm/dist/src/mcp/resources.js:98:67',
    '    at async Promise.all (index 0)',
  ].join('\n');

  it('carry no stack frames and no absolute paths', () => {
    expect(forClient(stack)).toBe('reading tenant://x: URIError: URI malformed');
    expect(forClient('cannot open /home/me/state/wv.sqlite: disk full')).toBe(
      'cannot open …/wv.sqlite: disk full',
    );
    expect(forClient('loading file:///opt/app/dist/x.js failed')).toBe('loading …/x.js failed');
    expect(forClient('run 3 done in 2.1 s\nsecond line')).toBe('run 3 done in 2.1 s\nsecond line');
  });

  it('stderr keeps the whole message; the client gets it scrubbed', async () => {
    const lines: string[] = [];
    const mcpLog = createMcpLog((_level, msg) => lines.push(msg));
    const server = createServer({ app, log: mcpLog.log });
    mcpLog.attach(server);
    const client = new Client({ name: 't', version: '1' });
    const got: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      got.push(String(n.params.data));
    });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(b), client.connect(a)]);
    await client.ping();
    mcpLog.log('error', stack);
    await client.ping();
    expect(lines).toEqual([stack]);
    expect(got).toEqual(['reading tenant://x: URIError: URI malformed']);
    await client.close();
    await server.close();
  });
});

describe('completion/complete', () => {
  const complete = async (
    ref: { type: 'ref/resource'; uri: string } | { type: 'ref/prompt'; name: string },
    name: string,
    value: string,
  ) => (await c.client.complete({ ref, argument: { name, value } })).completion.values;

  it("completes the prompt's phase and run and plan ids (the server declares completions; they came back empty)", async () => {
    expect(await complete({ type: 'ref/prompt', name: 'phase_review' }, 'phase', '')).toEqual([
      '0',
      '1',
      '2',
      '3',
    ]);
    expect(await complete({ type: 'ref/prompt', name: 'phase_review' }, 'phase', '2')).toEqual([
      '2',
    ]);
    const { prompts } = await c.client.listPrompts();
    expect(prompts[0].arguments).toEqual([
      { name: 'phase', description: 'Phase to review: 0, 1, 2 or 3', required: true },
      {
        name: 'tenants',
        description:
          'Tenant ids separated by commas, e.g. "shop,shop_eu" (your imported tenants); default the 20 built-in tenants',
        required: false,
      },
    ]);

    for (let i = 0; i < 11; i++) await call(c, 'run_phase', { phase: 0, force: true });
    const r = await call(c, 'run_phase', { phase: 1, wait: false, force: true });
    const running = (r.structuredContent as { run_id: number }).run_id;
    app.cancelRun(running);
    expect(await complete({ type: 'ref/resource', uri: 'run://{id}' }, 'id', '1')).toEqual([
      '12',
      '11',
      '10',
      '1',
    ]);
    // A report exists for done runs only.
    expect(await complete({ type: 'ref/resource', uri: 'report://run/{id}' }, 'id', '1')).toEqual([
      '11',
      '10',
      '1',
    ]);

    for (const id of [12, 3]) {
      app.planListings.push(fakePlanListing(id));
    }
    expect(await complete({ type: 'ref/resource', uri: 'plan://{id}' }, 'id', '')).toEqual([
      '12',
      '3',
    ]);
    expect(await complete({ type: 'ref/resource', uri: 'plan://{id}/spend' }, 'id', '1')).toEqual([
      '12',
    ]);
    expect(
      await complete({ type: 'ref/resource', uri: 'plan://{id}/comparison/spend' }, 'id', '3'),
    ).toEqual(['3']);
  });
});

describe('phase_review', () => {
  it('asks for wait:false on the long phases only', async () => {
    const step1 = async (phase: string) =>
      (
        (await c.client.getPrompt({ name: 'phase_review', arguments: { phase } })).messages[0]
          .content as { text: string }
      ).text
        .split('\n')
        .find((l) => l.startsWith('1. '));
    expect(await step1('1')).toBe('1. Call run_phase {"phase": 1}. Keep its run_id.');
    expect(await step1('0')).toBe('1. Call run_phase {"phase": 0}. Keep its run_id.');
    expect(await step1('3')).toContain('run_phase {"phase": 3, "wait": false} and poll get_run');
  });
});
