/**
 * Faults: the built stdio server killed with SIGKILL in the middle of a phase 3 run and
 * restarted; state directories that cannot be written (under a regular file, /proc, /sys, a
 * file-size limit standing in for a full disk) refused at start-up; a disk that fills in the middle
 * of a run; cancellation that never terminates a worker thread; and concurrent calls through one
 * connection (identical run_phase calls share one run, train_tenant calls queue), after which the
 * store passes PRAGMA integrity_check and every run has results for each of its tenants.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createApp } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { ComputePool } from '../src/app/pool.js';
import { BUILTIN_TENANT_IDS } from '../src/core/data/index.js';
import { call, text } from './mcp-helpers.js';
import {
  connectReal,
  expectCleanError,
  integrityCheck,
  removeTempDirs,
  serverPaths,
  tempDir,
} from './hardening-helpers.js';

const ENTRY = path.resolve('dist/src/mcp/stdio.js');
const CHEAP = ['extreme_ski_gear', 'none_books', 'high_umbrella_rain'];

afterAll(() => removeTempDirs());

interface StdioServer {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
}

/** The built server as a child process (optionally through `bash -c` for a ulimit). */
async function startStdio(stateDir: string, fileSizeKb?: number): Promise<StdioServer> {
  const env = { PATH: process.env.PATH ?? '', WV_MMM_STATE_DIR: stateDir };
  const transport =
    fileSizeKb === undefined
      ? new StdioClientTransport({ command: process.execPath, args: [ENTRY], env, stderr: 'pipe' })
      : new StdioClientTransport({
          command: 'bash',
          args: ['-c', `ulimit -f ${fileSizeKb}; exec "${process.execPath}" "${ENTRY}"`],
          env,
          stderr: 'pipe',
        });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const client = new Client({ name: 'hardening-faults', version: '1.0.0' });
  await client.connect(transport);
  await client.listTools();
  return { client, transport, stderr: () => err };
}

async function tool(s: StdioServer, name: string, args: Record<string, unknown>) {
  return (await s.client.callTool({ name, arguments: args })) as CallToolResult;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the built server with no client and returns its exit code and stderr. */
function startupFailure(
  stateDir: string,
  fileSizeKb?: number,
): Promise<{ code: number | null; stderr: string }> {
  const env = { ...process.env, WV_MMM_STATE_DIR: stateDir };
  const child =
    fileSizeKb === undefined
      ? spawn(process.execPath, [ENTRY], { env, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn('bash', ['-c', `ulimit -f ${fileSizeKb}; exec "${process.execPath}" "${ENTRY}"`], {
          env,
          stdio: ['pipe', 'pipe', 'pipe'],
        });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    // A hang (Node's recursive mkdir under /proc loops forever) fails the test instead of CI.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server neither started nor failed within 30 s: ${stderr}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('SIGKILL during a run, then restart', () => {
  it('marks the run failed, reports no partial result as done, and a rerun completes', async () => {
    const stateDir = tempDir('kill');
    const args = { phase: 3, tenants: CHEAP, folds: 3 };
    const first = await startStdio(stateDir);
    let runId: number;
    let doneBeforeKill: number;
    try {
      const started = await tool(first, 'run_phase', { ...args, wait: false });
      expect(started.isError, text(started)).toBeFalsy();
      runId = (started.structuredContent as { run_id: number }).run_id;
      // Kill once at least one tenant's result is stored but the run is not finished.
      for (;;) {
        const r = (await tool(first, 'get_run', { run_id: runId })).structuredContent as {
          status: string;
          progress: { done: number; total: number };
        };
        expect(r.status).toBe('running');
        if (r.progress.done >= 1) {
          doneBeforeKill = r.progress.done;
          break;
        }
        await sleep(25);
      }
    } finally {
      process.kill(first.transport.pid as number, 'SIGKILL');
      await first.client.close().catch(() => {});
    }
    expect(doneBeforeKill).toBeLessThan(CHEAP.length);
    expect(integrityCheck(stateDir)).toBe('ok');

    const second = await startStdio(stateDir);
    try {
      const forbidden = serverPaths(stateDir);
      const got = await tool(second, 'get_run', { run_id: runId });
      const run = got.structuredContent as {
        status: string;
        error: string;
        summary: unknown;
        results_total: number;
      };
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/interrupted/);
      expect(run.summary).toBeNull();
      // Tenants finished before the kill are kept as rows of the failed run, never as done.
      expect(run.results_total).toBeGreaterThanOrEqual(1);
      expect(existsSync(path.join(stateDir, 'analytics', 'phase3_results.json'))).toBe(false);
      const gates = expectCleanError(await tool(second, 'check_gates', { phase: 3 }), forbidden);
      expect(gates).toContain('no finished phase 3 run');
      const byId = expectCleanError(
        await tool(second, 'check_gates', { phase: 3, run_id: runId }),
        forbidden,
      );
      expect(byId).toContain(`run ${runId} is failed, not done`);
      expectCleanError(await tool(second, 'compare_phases', { a: 3, b: 3 }), forbidden);

      const rerun = await tool(second, 'run_phase', { ...args, wait: true });
      expect(rerun.isError, text(rerun)).toBeFalsy();
      const out = rerun.structuredContent as {
        run_id: number;
        status: string;
        cached: boolean;
        rows_total: number;
      };
      expect(out).toMatchObject({ status: 'done', cached: false, rows_total: CHEAP.length });
      expect(out.run_id).not.toBe(runId);
      expect(existsSync(path.join(stateDir, 'analytics', 'phase3_results.json'))).toBe(true);
      const gate = await tool(second, 'check_gates', { phase: 3 });
      expect(gate.isError, text(gate)).toBeFalsy();
    } finally {
      await second.client.close();
    }
    expect(integrityCheck(stateDir)).toBe('ok');
  });
});

describe('graceful shutdown during a run', () => {
  it('records the run as cancelled (not left running), and the store reopens cleanly', async () => {
    const stateDir = tempDir('close');
    const app = createApp({ stateDir, workers: 2, log: silentLogger });
    const h = app.startPhaseRun({ phase: 3, tenants: CHEAP, config: { folds: 3 } });
    h.done.catch(() => {});
    await sleep(100);
    await app.close();
    expect(integrityCheck(stateDir)).toBe('ok');
    const again = createApp({ stateDir, workers: 1, log: silentLogger });
    try {
      expect(again.getRun(h.runId)).toMatchObject({
        status: 'cancelled',
        error: expect.stringMatching(
          /^cancelled: the process running it .* shut down before it finished/,
        ),
      });
    } finally {
      await again.close();
    }
  });
});

describe('a state directory that cannot be written is refused at start-up', () => {
  const underFile = () => {
    const file = path.join(tempDir('file'), 'not-a-dir');
    writeFileSync(file, 'x');
    return path.join(file, 'state');
  };

  it.each([
    ['under a regular file', underFile, 'ENOTDIR'],
    ['under /proc (recursive mkdir used to hang here)', () => '/proc/forbidden', 'ENOENT'],
    ['under /sys', () => '/sys/wv-mmm-state', ''],
  ])('%s', async (_label, dir, code) => {
    const r = await startupFailure(dir());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the MCP server could not start');
    expect(r.stderr).toContain('is not writable');
    expect(r.stderr).toContain('set WV_MMM_STATE_DIR to a writable directory');
    expect(r.stderr).toContain(code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a full disk (file-size limit below the write probe) is refused before serving', async () => {
    const stateDir = path.join(tempDir('fsz'), 'state');
    const r = await startupFailure(stateDir, 2);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not writable: EFBIG/);
    // The half-written probe is removed.
    expect(existsSync(stateDir) ? readdirSync(stateDir) : []).toEqual([]);
  });
});

describe('a disk that fills during a run', () => {
  it('fails the run with a clear message, keeps serving, and the store stays intact', async () => {
    const stateDir = tempDir('full');
    const s = await startStdio(stateDir, 200);
    try {
      const r = await tool(s, 'run_phase', { phase: 1, tenants: [...BUILTIN_TENANT_IDS] });
      const t = expectCleanError(r, serverPaths(stateDir));
      expect(t).toMatch(/state directory may be full or read-only/);
      expect(t).toContain('Stored runs and data are intact');
      const runs = (await tool(s, 'list_runs', {})).structuredContent as {
        runs: { status: string }[];
      };
      expect(runs.runs.map((x) => x.status)).toEqual(['failed']);
      expect((await tool(s, 'list_tenants', {})).isError).toBeFalsy();
    } finally {
      await s.client.close();
    }
    expect(integrityCheck(stateDir)).toBe('ok');
    // With space again, the same request completes.
    const app = createApp({ stateDir, workers: 2, log: silentLogger });
    try {
      const run = await app.startPhaseRun({ phase: 1, tenants: CHEAP }).done;
      expect(run.status).toBe('done');
      expect(app.listRuns().runs.filter((x) => x.status === 'running')).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('cancellation never terminates a worker thread', () => {
  it('an aborted running task rejects at once; its thread survives and runs the next task', async () => {
    const pool = new ComputePool(1);
    try {
      const source = { kind: 'builtin' as const, tenant: 'extreme_ski_gear' };
      await pool.run({ kind: 'train', phase: 0, config: { folds: 3 }, source });
      const threads = pool.threadIds;
      expect(threads).toHaveLength(1);
      const controller = new AbortController();
      const slow = pool.run(
        { kind: 'train', phase: 3, config: { folds: 3 }, source },
        controller.signal,
      );
      const queued = pool.run(
        { kind: 'train', phase: 3, config: { folds: 3 }, source },
        controller.signal,
      );
      await sleep(20);
      controller.abort();
      await expect(slow).rejects.toMatchObject({ name: 'AbortError' });
      await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
      const next = await pool.run({ kind: 'train', phase: 0, config: { folds: 3 }, source });
      expect(next.kind).toBe('train');
      // Terminating a worker that is still loading its modules aborts the process in Node 20.
      expect(pool.threadIds).toEqual(threads);
    } finally {
      await pool.close();
    }
  });
});

describe('closing the pool while a task runs', () => {
  it('waits for the task instead of terminating its thread', async () => {
    const pool = new ComputePool(1);
    const source = { kind: 'builtin' as const, tenant: 'none_books' };
    const task = pool.run({ kind: 'train', phase: 1, config: { folds: 3 }, source });
    await sleep(20);
    const closing = pool.close();
    // Terminated mid-task, the task would reject (and in Node 20 a thread terminated while V8
    // compiles in the background can abort the process); drained, it completes.
    await expect(task).resolves.toMatchObject({ kind: 'train' });
    await closing;
    expect(pool.threadIds).toEqual([]);
  });
});

describe('concurrent calls through one connection', () => {
  it('10 identical run_phase calls share one run while 50 train_tenant calls queue', async () => {
    const s = await connectReal({ workers: 2 });
    const stateDir = s.stateDir;
    try {
      const runArgs = { phase: 1, tenants: CHEAP, folds: 3 };
      const trains = Array.from({ length: 50 }, (_, i) => ({
        tenant: CHEAP[i % 3],
        phase: i % 2,
        options: { folds: 3 },
      }));
      const results = await Promise.all([
        ...Array.from({ length: 10 }, () => call(s, 'run_phase', { ...runArgs, wait: true })),
        ...Array.from({ length: 5 }, () => call(s, 'run_phase', { ...runArgs, wait: false })),
        ...trains.map((a) => call(s, 'train_tenant', a)),
      ]);
      for (const r of results) expect(r.isError, text(r)).toBeFalsy();
      const runs = results.slice(0, 15).map((r) => r.structuredContent as Record<string, unknown>);
      const ids = new Set(runs.map((r) => r.run_id));
      expect(ids.size).toBe(1);
      for (const r of runs.slice(0, 10)) {
        s.checkOutput('run_phase', r);
        expect(r).toMatchObject({ status: 'done', rows_total: 3 });
      }
      // Identical train_tenant calls answered identically, whatever the interleaving.
      const byKey = new Map<string, string>();
      results.slice(15).forEach((r, i) => {
        s.checkOutput('train_tenant', r.structuredContent);
        const key = `${trains[i].tenant}/${trains[i].phase}`;
        const folds = JSON.stringify((r.structuredContent as { fold_r2: number[] }).fold_r2);
        expect(byKey.get(key) ?? folds, key).toBe(folds);
        byKey.set(key, folds);
      });
      expect(byKey.size).toBe(6);

      // Different run_phase requests at once: each its own run, all complete.
      const subsets = [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]].map((ix) =>
        ix.map((i) => CHEAP[i]),
      );
      const distinct = await Promise.all(
        subsets.map((tenants) => call(s, 'run_phase', { phase: 0, tenants, folds: 3 })),
      );
      for (const r of distinct) {
        expect(r.isError, text(r)).toBeFalsy();
        expect(r.structuredContent).toMatchObject({ status: 'done', cached: false });
      }
      expect(new Set(distinct.map((r) => r.structuredContent?.run_id)).size).toBe(7);

      const all = s.app.listRuns({ limit: 100 }).runs;
      expect(all).toHaveLength(8);
      for (const r of all) {
        expect(r.status).toBe('done');
        expect(
          s.app
            .getRun(r.id)
            .results.map((x) => x.tenant)
            .sort(),
        ).toEqual([...r.tenants].sort());
      }
    } finally {
      await s.close();
    }
    expect(integrityCheck(stateDir)).toBe('ok');
  });

  it('a shared run continues while one waiter remains, and is cancelled when the last gives up', async () => {
    const app = createApp({ stateDir: tempDir('share'), workers: 2, log: silentLogger });
    try {
      const req = { phase: 0 as const, tenants: CHEAP, config: { folds: 3 } };
      const a = new AbortController();
      const b = new AbortController();
      const first = app.startPhaseRun(req, { signal: a.signal });
      const second = app.startPhaseRun(req, { signal: b.signal });
      expect(second.runId).toBe(first.runId);
      a.abort(); // one waiter leaves; the other still wants the result
      expect((await second.done).status).toBe('done');

      const c = new AbortController();
      const d = new AbortController();
      const forced = app.startPhaseRun({ ...req, force: true }, { signal: c.signal });
      const joined = app.startPhaseRun(req, { signal: d.signal });
      expect(joined.runId).toBe(forced.runId); // force starts a run; identical requests join it
      c.abort();
      d.abort();
      expect((await forced.done).status).toBe('cancelled');
      expect(app.getRun(forced.runId).status).toBe('cancelled');

      // A background (signal-less) joiner keeps the run alive even if every waiter leaves.
      const e = new AbortController();
      const waited = app.startPhaseRun({ ...req, force: true }, { signal: e.signal });
      const background = app.startPhaseRun(req);
      expect(background.runId).toBe(waited.runId);
      e.abort();
      expect((await background.done).status).toBe('done');
    } finally {
      await app.close();
    }
  });
});
