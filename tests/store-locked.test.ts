/**
 * Another process holds the store's write lock (a backup tool, a database browser, a long write;
 * held here by a second connection in BEGIN IMMEDIATE): a run's writes are tried again rather
 * than failing the run on the first, its end that could not be written is written by its own
 * process as soon as the lock goes (other processes saw it `running` for as long as the owner
 * lived), and a look at the runs neither waits on the lock nor shows a dead process's run as
 * running.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/app/context.js';
import { createApp } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { ComputePool } from '../src/app/pool.js';
import { RunManager } from '../src/app/runs.js';
import { AppError, knownAppError } from '../src/app/types.js';
import { wv } from './cli-helpers.js';
import { FACE_WORDS } from '../src/app/words.js';
import { INTERRUPTED_ERROR, openStore, STORE_FILE } from '../src/store/index.js';

const TENANTS = ['extreme_ski_gear', 'none_books', 'high_umbrella_rain'];
const dirs: string[] = [];
function tempState(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'wv-locked-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A second connection that takes the store's write lock and gives it back. */
function locker(stateDir: string) {
  const db = new Database(path.join(stateDir, STORE_FILE));
  let held = false;
  return {
    db,
    lock() {
      if (held) return;
      db.exec('BEGIN IMMEDIATE');
      held = true;
    },
    release() {
      if (!held) return;
      db.exec('ROLLBACK');
      held = false;
    },
    status(runId: number) {
      return db.prepare('SELECT status, error FROM runs WHERE id = ?').get(runId) as {
        status: string;
        error: string | null;
      };
    },
    close() {
      this.release();
      db.close();
    },
  };
}

describe('a store locked by another process during a run', () => {
  it('a lock of a few seconds delays the run; it still ends done with every tenant', async () => {
    // A lock over the busy timeout (5 s) failed the whole run on one tenant's result ("cannot
    // save the result of tenant ... : database is locked") and dropped the tenants computed.
    const stateDir = tempState();
    const app = createApp({ stateDir, workers: 1, log: silentLogger });
    const lock = locker(stateDir);
    try {
      let release: NodeJS.Timeout | undefined;
      const h = app.startPhaseRun(
        { phase: 0, tenants: TENANTS },
        {
          // After the first result is stored, the lock is taken for 6.5 s: the next result's
          // write waits the busy timeout, fails, and is tried again until the lock goes.
          onProgress: (e) => {
            if (e.done === 1 && release === undefined) {
              lock.lock();
              release = setTimeout(() => lock.release(), 6_500);
            }
          },
        },
      );
      const run = await h.done;
      expect(release).toBeDefined();
      expect(run.status).toBe('done');
      expect(run.results.map((r) => r.tenant).sort()).toEqual([...TENANTS].sort());
      expect(lock.status(h.runId).status).toBe('done');
    } finally {
      lock.close();
      await app.close();
    }
  }, 60_000);

  it("an end the lock kept out is written by the run's process once the lock goes", async () => {
    // The run's end could not be written: its process reported it failed from memory, but the
    // store (every other process) said `running` for as long as that process lived.
    const stateDir = tempState();
    const store = openStore(stateDir);
    const compute = new ComputePool(1);
    const ctx: AppContext = {
      stateDir,
      store,
      compute,
      log: silentLogger,
      closed: false,
      words: FACE_WORDS.mcp,
    };
    // No retry after the busy timeout: the lock outlasts every try.
    const runs = new RunManager(ctx, 0);
    const lock = locker(stateDir);
    try {
      const h = runs.start(
        { phase: 0, tenants: TENANTS },
        { onProgress: (e) => e.done === 1 && lock.lock() },
      );
      const err = await h.done.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('busy');
      // This process says failed, with why; the store still says running.
      const mine = runs.get(h.runId);
      expect(mine.status).toBe('failed');
      expect(mine.error).toMatch(/could not be recorded at once \(another process held/);
      expect(lock.status(h.runId).status).toBe('running');
      lock.release();
      // Written on a timer, without anyone asking this process.
      let stored = lock.status(h.runId);
      for (let i = 0; i < 60 && stored.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        stored = lock.status(h.runId);
      }
      expect(stored.status).toBe('failed');
      expect(stored.error).toBe(mine.error);
    } finally {
      lock.close();
      ctx.closed = true;
      await compute.close();
      store.close();
    }
  }, 60_000);

  it('a look at the runs does not wait on the lock, and shows a dead process’s run failed', async () => {
    // list_runs and get_run (read-only) each took 5 s under another connection's lock: the
    // recovery of interrupted runs took the write lock on every read.
    const stateDir = tempState();
    const app = createApp({ stateDir, workers: 1, log: silentLogger });
    const lock = locker(stateDir);
    try {
      const store = openStore(stateDir);
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
      lock.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(dead, id);
      lock.lock();
      const t0 = performance.now();
      const listed = app.listRuns().runs.find((r) => r.id === id);
      const got = app.getRun(id);
      expect(performance.now() - t0).toBeLessThan(2_000);
      expect(listed?.status).toBe('failed');
      expect(got.status).toBe('failed');
      expect(got.error).toBe(INTERRUPTED_ERROR);
      expect(lock.status(id).status).toBe('running');
      // Marked in the store at the first look after the lock.
      lock.release();
      expect(app.getRun(id).status).toBe('failed');
      expect(lock.status(id)).toEqual({ status: 'failed', error: INTERRUPTED_ERROR });
    } finally {
      lock.close();
      await app.close();
    }
  }, 60_000);

  it('opening a store of this version does not take the lock: a new app starts and reads', async () => {
    // Every command, `runs` included, and the MCP server failed to start after 5 s: the open's
    // migration step took the write lock even with nothing to migrate.
    const stateDir = tempState();
    openStore(stateDir).close();
    const lock = locker(stateDir);
    lock.lock();
    try {
      const store = openStore(stateDir);
      expect(store.listRuns()).toEqual([]);
      store.close();
      const app = createApp({ stateDir, workers: 1, log: silentLogger });
      try {
        expect(app.listRuns().runs).toEqual([]);
        expect(app.listTenants().length).toBe(20);
      } finally {
        await app.close();
      }
    } finally {
      lock.close();
    }
  }, 60_000);

  it('a write the lock keeps out exits 75 (try again) in the CLI, with the words of the store', () => {
    const stateDir = tempState();
    openStore(stateDir).close();
    const lock = locker(stateDir);
    lock.lock();
    try {
      const r = wv(stateDir, ['run-phase', '--phase', '0', '--tenants', 'none_books']);
      expect(r.stderr).toContain("another process holds the store's write lock");
      expect(r.stderr).not.toContain('unexpected error');
      expect(r.code).toBe(75);
    } finally {
      lock.close();
    }
    expect(wv(stateDir, ['run-phase', '--phase', '0', '--tenants', 'none_books']).code).toBe(0);
  }, 60_000);
});

describe('a state directory the CLI cannot use', () => {
  it('an empty WV_MMM_STATE_DIR is refused, not read as unset', () => {
    const r = wv('', ['runs']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^wv-mmm: WV_MMM_STATE_DIR is set but empty; set it to the state directory to use, or unset it to use \S+state\n$/,
    );
  });

  it("a store damaged after it opened is named as such (the app's words, which the CLI and MCP say)", () => {
    const e = Object.assign(new Error('database disk image is malformed'), {
      code: 'SQLITE_CORRUPT',
    });
    const known = knownAppError(e);
    expect(known?.code).toBe('unavailable');
    expect(known?.message).toBe(
      'the store (weathervane.sqlite in the state directory) is damaged: database disk image is malformed; move it away or set WV_MMM_STATE_DIR to another directory',
    );
  });
});
