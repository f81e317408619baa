/** Long work: progress notifications, cancellation by the client, and background runs polled with get_run. */
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, Progress } from '@modelcontextprotocol/sdk/types.js';
import { createServer } from '../src/mcp/server.js';
import { call, connect, makeApp, text, type Connected } from './mcp-helpers.js';

let c: Connected | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

/** Yields to the event loop until `cond` holds (bounded by a count, not by time). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never happened: ${what}`);
}

describe('progress', () => {
  it('run_phase sends increasing progress up to the tenant count when the client asks', async () => {
    const app = makeApp();
    c = await connect(app);
    const seen: Progress[] = [];
    const r = await c.client.callTool({ name: 'run_phase', arguments: { phase: 1 } }, undefined, {
      onprogress: (p) => seen.push(p),
    });
    expect(r.isError).toBeFalsy();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((p) => p.total === 20)).toBe(true);
    for (let i = 1; i < seen.length; i++)
      expect(seen[i].progress).toBeGreaterThan(seen[i - 1].progress);
    expect(seen.at(-1)?.progress).toBe(20);
    expect(seen.at(-1)?.message).toMatch(/done/);
  });

  it('train_tenant forwards fold progress; without a token nothing is sent', async () => {
    const app = makeApp();
    c = await connect(app);
    const seen: Progress[] = [];
    await c.client.callTool(
      { name: 'train_tenant', arguments: { tenant: 'none_books', phase: 0 } },
      undefined,
      {
        onprogress: (p) => seen.push(p),
      },
    );
    expect(seen.map((p) => p.progress)).toEqual([0, 1, 2, 3, 4, 5]);
    const r = await call(c, 'train_tenant', { tenant: 'none_books', phase: 0 });
    expect(r.isError).toBeFalsy();
    expect(app.trainHadProgress).toEqual([true, false]);
  });
});

/**
 * The server's side of a pair whose messages reach the client in batches, one batch per 5 ms:
 * several lines in one stdio read, as a busy host reads them. The SDK's client handles a
 * notification a microtask later and a response at once, so a response in the same batch as the
 * last progress retires the token first and that progress is dropped ("unknown token").
 */
class BatchingTransport implements Transport {
  private queue: JSONRPCMessage[] = [];
  constructor(private readonly inner: InMemoryTransport) {}
  set onmessage(h: Transport['onmessage']) {
    this.inner.onmessage = h;
  }
  get onmessage(): Transport['onmessage'] {
    return this.inner.onmessage;
  }
  set onclose(h: Transport['onclose']) {
    this.inner.onclose = h;
  }
  get onclose(): Transport['onclose'] {
    return this.inner.onclose;
  }
  set onerror(h: Transport['onerror']) {
    this.inner.onerror = h;
  }
  get onerror(): Transport['onerror'] {
    return this.inner.onerror;
  }
  start(): Promise<void> {
    return this.inner.start();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  send(message: JSONRPCMessage): Promise<void> {
    this.queue.push(message);
    if (this.queue.length === 1) {
      setTimeout(() => {
        const batch = this.queue;
        this.queue = [];
        for (const m of batch) void this.inner.send(m);
      }, 5);
    }
    return Promise.resolve();
  }
}

describe('progress read in batches', () => {
  it('the last progress (= total) reaches the client before the result', async () => {
    // Before, train_tenant's notifications went in the result's batch: the client saw none of
    // them (over stdio with a busy client: 19 of 20 calls ended short of total).
    const server = createServer({ app: makeApp(), log: () => {} });
    const client = new Client({ name: 'batched', version: '1.0.0' });
    const unknown: string[] = [];
    client.onerror = (e) => {
      if (/unknown token/.test(e.message)) unknown.push(e.message);
    };
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await Promise.all([
      server.connect(new BatchingTransport(serverSide)),
      client.connect(clientSide),
    ]);
    try {
      for (let i = 0; i < 3; i++) {
        const seen: Progress[] = [];
        const r = await client.callTool(
          { name: 'train_tenant', arguments: { tenant: 'none_books', phase: 0 } },
          undefined,
          { onprogress: (p) => seen.push(p) },
        );
        expect(r.isError).toBeFalsy();
        expect(seen.at(-1)).toMatchObject({ progress: 5, total: 5 });
      }
      expect(unknown).toEqual([]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe('cancellation', () => {
  it('aborting a waiting run_phase passes the abort to the app, which records the run cancelled', async () => {
    let started = 0;
    const app = makeApp({
      beforeTenant: () => {
        started++;
        return new Promise<void>(() => {}); // hold every tenant until the run is aborted
      },
    });
    c = await connect(app);
    const controller = new AbortController();
    const pending = c.client.callTool({ name: 'run_phase', arguments: { phase: 2 } }, undefined, {
      signal: controller.signal,
    });
    await until(() => started > 0, 'the run started a tenant');
    expect(app.signals).toHaveLength(1);
    expect(app.signals[0].aborted).toBe(false);
    controller.abort('user stopped it');
    await expect(pending).rejects.toThrow();
    await until(() => app.signals[0].aborted, 'the app saw the abort');
    await until(() => app.getRun(1).status === 'cancelled', 'the run is cancelled');
    const r = await call(c, 'get_run', { run_id: 1 });
    expect(r.structuredContent).toMatchObject({ run_id: 1, status: 'cancelled', results: [] });
  });

  it('cancel_run stops a background run', async () => {
    const app = makeApp({ beforeTenant: () => new Promise<void>(() => {}) });
    c = await connect(app);
    const r = await call(c, 'run_phase', { phase: 3, wait: false });
    expect(r.isError).toBeFalsy();
    const id = (r.structuredContent as { run_id: number }).run_id;
    const cancel = await call(c, 'cancel_run', { run_id: id });
    expect((cancel.structuredContent as { cancelled: boolean }).cancelled).toBe(true);
    await until(() => app.getRun(id).status === 'cancelled', 'the run is cancelled');
  });
});

describe('background runs', () => {
  it('wait:false returns the run id at once and get_run polling sees it complete', async () => {
    const gates: (() => void)[] = [];
    const app = makeApp({
      beforeTenant: () => new Promise<void>((resolve) => gates.push(resolve)),
    });
    c = await connect(app);
    const r = await call(c, 'run_phase', {
      phase: 2,
      tenants: ['extreme_ski_gear', 'none_books', 'medium_beauty'],
      wait: false,
    });
    const sc = r.structuredContent as {
      run_id: number;
      status: string;
      rows: unknown[];
      gate: unknown;
      next_step: string;
    };
    expect(['queued', 'running']).toContain(sc.status);
    expect(sc.rows).toEqual([]);
    expect(sc.gate).toBeNull();
    expect(sc.next_step).toContain('get_run');
    expect(text(r)).toContain(`get_run {"run_id": ${sc.run_id}}`);
    // The background run gets no signal from the (finished) request.
    expect(app.signals).toHaveLength(0);

    const statuses: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const g = await call(c, 'get_run', { run_id: sc.run_id });
      const s = g.structuredContent as { status: string; progress: { done: number } };
      statuses.push(s.status);
      if (s.status === 'done') break;
      gates.shift()?.();
    }
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('done');
    const done = await call(c, 'get_run', { run_id: sc.run_id });
    const d = done.structuredContent as {
      results: { tenant: string }[];
      summary: { total: number };
    };
    expect(d.results.map((x) => x.tenant).sort()).toEqual([
      'extreme_ski_gear',
      'medium_beauty',
      'none_books',
    ]);
    expect(d.summary.total).toBe(3);
  });
});
