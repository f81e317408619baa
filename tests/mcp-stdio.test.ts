/**
 * The built stdio server (dist/src/mcp/stdio.js, `npm test` builds first) with the real app in a
 * temporary state directory: phase 1 over the built-in tenants, its gate, and a stdout that holds
 * nothing but JSON-RPC lines. A small transport over the child process records every stdout line.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { TOOL_NAMES } from '../src/mcp/tools/index.js';
import {
  JSONRPCMessageSchema,
  type JSONRPCMessage,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';

const ENTRY = path.resolve('dist/src/mcp/stdio.js');

/** A client transport over a spawned server that keeps every raw stdout line. */
class RecordingStdioTransport implements Transport {
  readonly stdoutLines: string[] = [];
  stderr = '';
  exit: Promise<number | null>;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private buffer = '';

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  async start(): Promise<void> {
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (d: string) => (this.stderr += d));
    this.child.stdout.on('data', (d: string) => {
      this.buffer += d;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl).replace(/\r$/, '');
        this.buffer = this.buffer.slice(nl + 1);
        this.stdoutLines.push(line);
        try {
          this.onmessage?.(JSONRPCMessageSchema.parse(JSON.parse(line)));
        } catch (err) {
          this.onerror?.(err as Error);
        }
      }
    });
    this.child.once('exit', () => this.onclose?.());
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.child.stdin.write(JSON.stringify(message) + '\n');
  }

  async close(): Promise<void> {
    this.child.stdin.end();
  }
}

const stateDir = mkdtempSync(path.join(tmpdir(), 'wv-mmm-mcp-stdio-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/**
 * Starts the built server, runs `body` with a client and the recording transport, and kills the
 * server after; a failure carries the server's stderr (it says why, e.g. it could not start).
 */
async function withServer(
  logLevel: string,
  body: (client: Client, transport: RecordingStdioTransport) => Promise<void>,
): Promise<void> {
  const child = spawn(process.execPath, [ENTRY], {
    cwd: '/',
    env: { ...process.env, WV_MMM_STATE_DIR: stateDir, WV_MMM_LOG_LEVEL: logLevel },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const transport = new RecordingStdioTransport(child);
  const client = new Client({ name: 'stdio-test', version: '1.0.0' });
  try {
    await body(client, transport);
  } catch (err) {
    throw new Error(
      `${(err as Error).message}\n--- server stderr ---\n${transport.stderr.slice(-3000)}`,
      { cause: err },
    );
  } finally {
    child.kill();
  }
}

describe('stdio server (built)', () => {
  it('runs phase 1, checks its gate, writes only JSON-RPC to stdout and exits when stdin closes', async () => {
    await withServer('info', exercise);
  });

  it('says on stderr, not stdout, that it skipped a line that is not JSON or not JSON-RPC, and keeps serving', async () => {
    await withServer('warning', async (client, transport) => {
      await client.connect(transport);
      transport.child.stdin.write('not json\n{"jsonrpc":"2.0","foo":1}\n');
      const { tools } = await client.listTools();
      expect(tools.length).toBe(TOOL_NAMES.length);
      await transport.close();
      expect(await transport.exit).toBe(0);
      const warnings = transport.stderr.split('\n').filter((l) => l.includes('ignored a'));
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(
        /^\[wv-mmm\] warning: ignored a line on stdin that is not JSON \(Unexpected token .*\); each line must be one JSON-RPC 2\.0 message$/,
      );
      expect(warnings[1]).toMatch(
        /^\[wv-mmm\] warning: ignored a JSON line on stdin that is not a JSON-RPC 2\.0 message: one object with "jsonrpc": "2\.0" and either a "method"/,
      );
      // stdout: the initialize and tools/list responses only, JSON-RPC both.
      expect(transport.stdoutLines.map((l) => (JSON.parse(l) as { id?: number }).id)).toEqual([
        0, 1,
      ]);
    });
  });

  it('answers a tool call whose line is over the SDK default of 10 MiB (an inline CSV under the 20 MiB limit)', async () => {
    await withServer('warning', async (client, transport) => {
      await client.connect(transport);
      // 12.6 MB on the wire: it closed the connection (and the server exited) before.
      const csv = 'date,revenue\n' + '2020-01-01,1\n'.repeat(970_000);
      expect(csv.length).toBeGreaterThan(12_000_000);
      const r = await client.callTool(
        { name: 'import_tenant_data', arguments: { tenant: 'big_line', csv } },
        undefined,
        { timeout: 120_000 },
      );
      expect(r.isError).toBe(true);
      const text = (r.content as { type: string; text: string }[])[0].text;
      expect(text).toMatch(/^import_tenant_data: csv: file has 970000 data rows; the limit is/);
      // Still serving.
      expect((await client.listTools()).tools.length).toBe(TOOL_NAMES.length);
      expect(transport.stderr).not.toContain('ReadBuffer');
      await transport.close();
      expect(await transport.exit).toBe(0);
    });
  }, 180_000);

  it('SIGTERM during a waiting run_phase exits and records why the run was cancelled', async () => {
    await withServer('info', async (client, transport) => {
      await client.connect(transport);
      let resolveStarted: () => void;
      const started = new Promise<void>((r) => (resolveStarted = r));
      const pending = client
        .callTool({ name: 'run_phase', arguments: { phase: 3 } }, undefined, {
          onprogress: (p) => {
            if (p.progress >= 1) resolveStarted();
          },
          timeout: 600_000,
        })
        .catch((e: unknown) => e);
      await started;
      transport.child.kill('SIGTERM');
      expect(await transport.exit).toBe(0);
      await pending;
      expect(transport.stderr).toContain('shutting down (SIGTERM)');
    });
    // A new server on the same state reads the run as the first one recorded it.
    await withServer('warning', async (client, transport) => {
      await client.connect(transport);
      const runs = await client.callTool({ name: 'list_runs', arguments: { phase: 3 } });
      const run = (runs.structuredContent as { runs: { status: string; error: string }[] }).runs[0];
      expect(run.status).toBe('cancelled');
      // It said "cancelled by the caller", as if the client had cancelled the request. Which of
      // the two shutdown reasons is recorded depends on whether the run ended before the app closed.
      expect(run.error).toMatch(
        /^cancelled: (the MCP connection closed before the run finished \(the client went away or the server shut down\)|the process running it \(the MCP server or the CLI\) shut down before it finished)/,
      );
      await transport.close();
    });
  }, 180_000);

  it('a host that dies (its pipes broken) leaves a server that exits and records its background run', async () => {
    let runId = 0;
    await withServer('info', async (client, transport) => {
      await client.connect(transport);
      const started = await client.callTool({
        name: 'run_phase',
        arguments: { phase: 3, wait: false, force: true },
      });
      runId = (started.structuredContent as { run_id: number }).run_id;
      // The host is killed: every pipe end it held closes. The server's shutdown line on stderr
      // raised EPIPE, uncaught: it died with exit code 1 and left the run 'running'.
      const child = transport.child;
      child.stdout.destroy();
      child.stderr.destroy();
      child.stdin.destroy();
      expect(await transport.exit).toBe(0);
    });
    await withServer('warning', async (client, transport) => {
      await client.connect(transport);
      const r = await client.callTool({ name: 'get_run', arguments: { run_id: runId } });
      const run = r.structuredContent as { status: string; error: string };
      expect(run.status).toBe('cancelled');
      expect(run.error).toMatch(
        /^cancelled: the process running it \(the MCP server or the CLI\) shut down before it finished/,
      );
      await transport.close();
    });
  }, 180_000);
});

async function exercise(client: Client, transport: RecordingStdioTransport): Promise<void> {
  {
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());

    const progress: Progress[] = [];
    const run = await client.callTool({ name: 'run_phase', arguments: { phase: 1 } }, undefined, {
      onprogress: (p) => progress.push(p),
      resetTimeoutOnProgress: true,
      timeout: 600_000,
    });
    expect(run.isError, JSON.stringify(run.content)).toBeFalsy();
    const sc = run.structuredContent as {
      status: string;
      summary: { total: number; pass_count: number };
      rows: { passes: boolean }[];
      gate: { decision: string; pass_count: number };
    };
    expect(sc.status).toBe('done');
    expect(sc.summary.total).toBe(20);
    expect(sc.rows.filter((r) => r.passes).length).toBe(sc.summary.pass_count);
    expect(sc.gate.pass_count).toBe(sc.summary.pass_count);
    expect(progress.length).toBeGreaterThan(0);

    const gates = await client.callTool({ name: 'check_gates', arguments: { phase: 1 } });
    expect(gates.isError).toBeFalsy();
    expect((gates.structuredContent as { decision: string }).decision).toBe(sc.gate.decision);

    const bad = await client.callTool({
      name: 'train_tenant',
      arguments: { tenant: 'no_such_tenant', phase: 1 },
    });
    expect(bad.isError).toBe(true);

    await transport.close();
    expect(await transport.exit).toBe(0);

    expect(transport.stdoutLines.length).toBeGreaterThan(3);
    // Nothing (not even a log notification) before the initialize response.
    expect(JSON.parse(transport.stdoutLines[0])).toMatchObject({
      id: 0,
      result: { serverInfo: { name: 'weathervane-mmm' } },
    });
    for (const line of transport.stdoutLines) {
      const msg = JSON.parse(line) as { jsonrpc?: string };
      expect(msg.jsonrpc).toBe('2.0');
      expect(JSONRPCMessageSchema.safeParse(msg).success, line.slice(0, 200)).toBe(true);
    }
    expect(transport.stderr).toContain('serving MCP over stdio');
    expect(transport.stderr).toContain('shutting down (stdin closed)');
  }
}
