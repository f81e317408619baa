/** Resources (tenant://, run://, gates://latest/), the phase_review prompt and MCP logging. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { createServer } from '../src/mcp/server.js';
import { createMcpLog } from '../src/mcp/logging.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { fakePlanListing, type FakeApp } from './mcp-fake-app.js';
import { call, connect, makeApp, type Connected } from './mcp-helpers.js';

let app: FakeApp;
let c: Connected;

beforeEach(async () => {
  app = makeApp();
  c = await connect(app);
});
afterEach(async () => {
  await c.close();
});

function json(r: { contents: ({ text: string } | { blob: string })[] }): unknown {
  const first = r.contents[0];
  return JSON.parse('text' in first ? first.text : '');
}

describe('resources', () => {
  it('lists the stored plans beyond the newest 20 (no tool lists them; older ones were out of reach)', async () => {
    for (let id = 30; id >= 1; id--) {
      app.planListings.push(fakePlanListing(id));
    }
    const { resources } = await c.client.listResources();
    const plans = resources.filter((r) => /^plan:\/\/\d+$/.test(r.uri));
    expect(plans).toHaveLength(30);
    expect(plans[0].uri).toBe('plan://30');
    expect(plans[29].uri).toBe('plan://1');
  });

  it('lists the templates and the tenant resources', async () => {
    const { resourceTemplates } = await c.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      'gates://latest/{phase}',
      'plan://{id}',
      'plan://{id}/comparison/spend',
      'plan://{id}/spend',
      'report://run/{id}',
      'report://tenant/{id}',
      'report://tenant/{id}/decomposition',
      'run://{id}',
      'tenant://{id}',
    ]);
    const { resources } = await c.client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain('tenant://extreme_ski_gear');
  });

  it('lists gates://latest/{phase} only for the phases with a decision (the others cannot be read)', async () => {
    const gateUris = async () =>
      (await c.client.listResources()).resources
        .map((r) => r.uri)
        .filter((u) => u.startsWith('gates://'));
    expect(await gateUris()).toEqual([]);
    await call(c, 'run_phase', { phase: 0 });
    await call(c, 'check_gates', { phase: 0 });
    expect(await gateUris()).toEqual(['gates://latest/0']);
    for (const uri of await gateUris()) {
      const r = await c.client.readResource({ uri });
      expect(r.contents[0].mimeType).toBe('application/json');
    }
  });

  it('tenant://{id} gives the data summary and truth, and the lift tests', async () => {
    const r = await c.client.readResource({ uri: 'tenant://extreme_ski_gear' });
    expect(r.contents[0].mimeType).toBe('application/json');
    expect(json(r)).toEqual({ ...app.describeTenant('extreme_ski_gear'), lift_tests: [] });
  });

  it('run://{id} gives the run with compact sorted rows; gates://latest/{phase} the decision', async () => {
    await call(c, 'run_phase', { phase: 0 });
    const run = json(await c.client.readResource({ uri: 'run://1' })) as {
      status: string;
      results: { mean_r2: number }[];
    };
    expect(run.status).toBe('done');
    expect(run.results).toHaveLength(20);
    expect(Object.keys(run.results[0]).sort()).toEqual([
      'fold_models',
      'fold_r2',
      'mean_r2',
      'model',
      'oracle_r2',
      'passes',
      'se_r2',
      'tenant',
    ]);
    const gate = json(await c.client.readResource({ uri: 'gates://latest/0' })) as {
      decision: unknown;
      run_id: number;
    };
    expect(gate.decision).toEqual(app.checkGates({ phase: 0 }));
    expect(gate.run_id).toBe(1);
  });

  it('unknown ids are protocol errors with a clear message', async () => {
    await expect(c.client.readResource({ uri: 'tenant://nope' })).rejects.toThrow(
      /unknown tenant "nope"/,
    );
    await expect(c.client.readResource({ uri: 'run://x1' })).rejects.toThrow(
      /run ids are positive integers/,
    );
    await expect(c.client.readResource({ uri: 'run://7' })).rejects.toThrow(/no run with id 7/);
    // One "MCP error <code>: " prefix, the client's, with the error's code: the server's message
    // carried one too ("MCP error -32002: MCP error -32002: run://7: ...").
    const failure = await c.client.readResource({ uri: 'run://7' }).then(
      () => null,
      (e: unknown) => e as { code: number; message: string },
    );
    expect(failure?.code).toBe(-32002);
    expect(failure?.message).toMatch(/^MCP error -32002: run:\/\/7: no run with id 7/);
    const badId = await c.client.readResource({ uri: 'run://x1' }).then(
      () => null,
      (e: unknown) => e as { code: number; message: string },
    );
    expect(badId?.code).toBe(-32602);
    expect(badId?.message).toMatch(/^MCP error -32602: run:\/\/x1: /);
    await expect(c.client.readResource({ uri: 'gates://latest/2' })).rejects.toThrow(
      /no gate decision for phase 2 yet: call check_gates/,
    );
  });

  it('completes tenant ids', async () => {
    const r = await c.client.complete({
      ref: { type: 'ref/resource', uri: 'tenant://{id}' },
      argument: { name: 'id', value: 'extreme_s' },
    });
    expect(r.completion.values.sort()).toEqual(['extreme_ski_gear', 'extreme_sunscreen']);
  });

  it('says there are more tenant ids than the 100 it sends, and how many', async () => {
    // Cut to 100 before the SDK counted, 286 tenants answered "total 100, hasMore false".
    const csv = 'date,revenue,meta_spend\n2024-01-01,100,10\n2024-01-02,110,12\n';
    for (let i = 0; i < 150; i++) app.importTenantData({ tenant: `bulk_${i}`, csv });
    const r = await c.client.complete({
      ref: { type: 'ref/resource', uri: 'tenant://{id}' },
      argument: { name: 'id', value: 'bulk_' },
    });
    expect(r.completion.values).toHaveLength(100);
    expect(r.completion.total).toBe(150);
    expect(r.completion.hasMore).toBe(true);
  });
});

describe('prompt', () => {
  it('phase_review walks through run, gates, compare with the previous phase and explain', async () => {
    const { prompts } = await c.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['phase_review']);
    const p = await c.client.getPrompt({ name: 'phase_review', arguments: { phase: '2' } });
    const t = (p.messages[0].content as { text: string }).text;
    expect(t).toContain('run_phase {"phase": 2');
    // The gate and the comparison judge the run the review made (the server instructions' advice).
    expect(t).toContain('check_gates {"phase": 2, "run_id": <that run_id>}');
    expect(t).toContain('compare_phases {"a": 1, "b": <that run_id>}');
    expect(t).toContain('explain_tenant');
    expect(t).toContain('for every built-in tenant');
    // With tenants (an imported tenant was reviewed as the 20 built-in ones: session 52 probe).
    const own = await c.client.getPrompt({
      name: 'phase_review',
      arguments: { phase: '3', tenants: 'shop, shop_eu' },
    });
    const ownText = (own.messages[0].content as { text: string }).text;
    expect(ownText).toContain('for the tenants shop, shop_eu');
    expect(ownText).toContain(
      'run_phase {"phase": 3, "tenants": ["shop","shop_eu"], "wait": false}',
    );
    expect(ownText).toContain('(run phase 2 for the same tenants first if it has no done run)');
    // zod's own text was 'Invalid option: expected one of "0"|"1"|"2"|"3"'.
    await expect(
      c.client.getPrompt({ name: 'phase_review', arguments: { phase: '5' } }),
    ).rejects.toThrow(/phase must be "0", "1", "2" or "3" \(0 = baseline Ridge.*\); got "5"/);
    await expect(c.client.getPrompt({ name: 'phase_review', arguments: {} })).rejects.toThrow(
      /phase must be "0", "1", "2" or "3" .*; got nothing/,
    );
  });
});

describe('logging', () => {
  it('forwards log lines to a connected client and always to the stderr sink', async () => {
    const lines: string[] = [];
    const mcpLog = createMcpLog((level, msg) => lines.push(`${level}:${msg}`));
    const server = createServer({ app, log: mcpLog.log });
    mcpLog.attach(server);
    mcpLog.log('info', 'before connect');
    const client = new Client({ name: 't', version: '1' });
    const got: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      got.push(`${n.params.level}:${String(n.params.data)}`);
    });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(b), client.connect(a)]);
    await client.ping(); // the initialized notification has reached the server
    mcpLog.log('warning', 'disk almost full');
    mcpLog.log('debug', 'noise');
    await client.ping();
    expect(lines).toEqual(['info:before connect', 'warning:disk almost full', 'debug:noise']);
    expect(got).toEqual(['warning:disk almost full']);
    mcpLog.detach();
    mcpLog.log('error', 'after detach');
    await client.ping();
    expect(got).toEqual(['warning:disk almost full']);
    expect(lines.at(-1)).toBe('error:after detach');
    await client.close();
    await server.close();
  });
});
