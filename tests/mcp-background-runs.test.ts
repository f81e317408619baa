/**
 * Background runs and the truth about them: run_phase {wait:false} says the run lives in the
 * server process; a server that exits records it as cancelled with that reason; a run whose
 * process died without a word is reported failed by get_run in another live process; a run another
 * process computes is followed, said so, and when it ends there without a result, get_run of it
 * names the run this server computes instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { createApp } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { openStore, STORE_FILE } from '../src/store/index.js';
import { tempStateDir } from './cli-helpers.js';
import { call, connect, text } from './mcp-helpers.js';

const ENTRY = path.resolve('dist/src/mcp/stdio.js');

describe('run_phase wait:false over a server that exits', () => {
  const state = tempStateDir();
  afterAll(() => state.remove());

  it('says the run ends with the server, and get_run later says it did', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [ENTRY],
      env: { ...process.env, WV_MMM_STATE_DIR: state.dir, WV_MMM_LOG_LEVEL: 'error' } as Record<
        string,
        string
      >,
      stderr: 'ignore',
    });
    const client = new Client({ name: 'test', version: '0' });
    await client.connect(transport);
    const tools = await client.listTools();
    const runPhase = tools.tools.find((t) => t.name === 'run_phase');
    expect(runPhase?.description).toContain('ends, recorded as cancelled, when the server exits');
    const r = (await client.callTool({
      name: 'run_phase',
      arguments: { phase: 3, wait: false },
    })) as { content: { type: string; text: string }[]; structuredContent: { run_id: number } };
    const text = r.content.map((c) => c.text).join('\n');
    expect(text).toContain('started in the background in this server process');
    expect(text).toContain('the run ends, recorded as cancelled; use wait:true there');
    const runId = r.structuredContent.run_id;
    // The client goes away (like `inspector --cli`): the server sees stdin close and exits.
    await client.close();
    const app = createApp({ stateDir: state.dir, workers: 1, log: silentLogger });
    try {
      let status = 'running';
      for (let i = 0; i < 100 && (status === 'running' || status === 'queued'); i++) {
        await new Promise((res) => setTimeout(res, 100));
        status = app.getRun(runId).status;
      }
      const run = app.getRun(runId);
      expect(run.status).toBe('cancelled');
      expect(run.error).toMatch(
        /^cancelled: the process running it .* shut down before it finished/,
      );
    } finally {
      await app.close();
    }
  }, 60_000);
});

describe('get_run in a live process about a run whose process died', () => {
  const state = tempStateDir();
  afterAll(() => state.remove());

  it('reports it failed (interrupted), not running', async () => {
    const app = createApp({ stateDir: state.dir, workers: 1, log: silentLogger });
    try {
      // A run left 'running' by a process that no longer exists (killed without a word).
      const store = openStore(state.dir);
      const id = store.createRun({
        key: 'k',
        phase: 0,
        tenants: ['none_books'],
        config: {},
        codeVersion: 'x',
        seed: 0,
        status: 'running',
      });
      store.close();
      const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
      const db = new Database(path.join(state.dir, STORE_FILE));
      db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(dead, id);
      db.close();
      const run = app.getRun(id);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/^interrupted/);
      // A run of this live process is left alone.
      const own = app.startPhaseRun({ phase: 0, tenants: ['none_books'] });
      expect(['running', 'queued', 'done']).toContain(app.getRun(own.runId).status);
      expect((await own.done).status).toBe('done');
    } finally {
      await app.close();
    }
  });
});

describe('run_phase wait:false for a run another process computes', () => {
  const state = tempStateDir();
  afterAll(() => state.remove());

  it('says so, and get_run of that run names the run this server took it over as', async () => {
    // The answer read "started in the background in this server process ... if the server exits
    // first, it ends as cancelled": the run was another process's, and when that process went
    // away this server silently computed the request as a new run that nothing named.
    const app = createApp({ stateDir: state.dir, workers: 1, log: silentLogger });
    // Another process on the store: a child that holds the store file open (what marks a run's
    // owner as alive), handed a run row of the same request.
    const holder = spawn(process.execPath, [
      '-e',
      `require('fs').openSync(${JSON.stringify(path.join(state.dir, STORE_FILE))}, 'r'); console.log('open'); setInterval(() => {}, 1000);`,
    ]);
    const c = await connect(app);
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('error', reject);
      });
      const req = { phase: 0 as const, tenants: ['none_books'] };
      const first = (await app.startPhaseRun(req).done).id;
      const db = new Database(path.join(state.dir, STORE_FILE));
      try {
        db.prepare(
          `UPDATE runs SET status = 'running', owner_pid = ?, summary = NULL, finished_at = NULL WHERE id = ?`,
        ).run(holder.pid, first);
        const r = await call(c, 'run_phase', { ...req, wait: false });
        expect(r.isError, text(r)).toBeFalsy();
        const s = r.structuredContent as { run_id: number; next_step: string };
        expect(s.run_id).toBe(first);
        expect(text(r)).toContain(
          'is already being computed by another process on this state directory',
        );
        expect(text(r)).toContain('Only that process can cancel it (cancel_run there)');
        expect(text(r)).not.toContain('in this server process:');
        expect(s.next_step).toContain('replaced_by');
        // That process stops before the run is done.
        db.prepare(
          `UPDATE runs SET status = 'cancelled', error = 'cancelled: gone' WHERE id = ?`,
        ).run(first);
      } finally {
        db.close();
      }
      let got = await call(c, 'get_run', { run_id: first });
      for (
        let i = 0;
        i < 100 && (got.structuredContent as { replaced_by: unknown }).replaced_by === null;
        i++
      ) {
        await new Promise((res) => setTimeout(res, 50));
        got = await call(c, 'get_run', { run_id: first });
      }
      const view = got.structuredContent as { status: string; replaced_by: number | null };
      expect(view.status).toBe('cancelled');
      expect(view.replaced_by).toBeGreaterThan(first);
      expect(text(got)).toContain(
        `this server computes the same request as run ${view.replaced_by}: poll get_run {"run_id": ${view.replaced_by}}`,
      );
      const listed = await call(c, 'list_runs', {});
      expect(text(listed)).toContain(`(computed again here as run ${view.replaced_by})`);
      let next = app.getRun(view.replaced_by as number);
      for (let i = 0; i < 100 && next.status !== 'done'; i++) {
        await new Promise((res) => setTimeout(res, 100));
        next = app.getRun(view.replaced_by as number);
      }
      expect(next.status).toBe('done');
    } finally {
      holder.kill();
      await c.close();
      await app.close();
    }
  }, 60_000);
});
