import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TenantInfo } from '../src/core/types.js';
import { decideGates } from '../src/gates/index.js';
import type { PhaseId } from '../src/phases/types.js';
import {
  INTERRUPTED_ERROR,
  MIGRATIONS,
  SCHEMA_VERSION,
  STORE_FILE,
  StoreError,
  contentHash,
  findPackageRoot,
  openStore,
  resolveStateDir,
  runKey,
  type Store,
} from '../src/store/index.js';
import { makeResult, makeRun } from './gates-factory.js';

let dir: string;
const opened: Store[] = [];

/** A clock that ticks one second per call from 2024-01-01T00:00:00Z. */
function tickingClock(): () => Date {
  let t = Date.UTC(2024, 0, 1);
  return () => {
    const d = new Date(t);
    t += 1000;
    return d;
  };
}

function open(clock = tickingClock()): Store {
  const s = openStore(dir, { clock });
  opened.push(s);
  return s;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wv-store-'));
});

afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  try {
    chmodSync(join(dir, 'ro'), 0o755);
  } catch {
    // only the read-only test makes it
  }
  rmSync(dir, { recursive: true, force: true });
});

function startRun(store: Store, tenants: string[], phase: PhaseId = 1, key = 'k1'): number {
  const id = store.createRun({ key, phase, tenants, config: { a: 1 }, codeVersion: 'v0', seed: 7 });
  store.markRunning(id);
  return id;
}

function info(tenant: string, source: TenantInfo['source']): TenantInfo {
  return {
    tenant,
    tier: 'high',
    category: 'outdoor',
    city: 'Oslo',
    latitude: 59.9,
    longitude: 10.7,
    driver: 'rain',
    source,
    rows: 3,
    start: '2024-01-01',
    end: '2024-01-03',
    frequency: 'daily',
    channels: ['meta', 'google'],
  };
}

describe('open and migrate', () => {
  it('creates the file, migrates from empty to the latest version, WAL, foreign keys', () => {
    const s = open();
    expect(s.path).toBe(join(dir, STORE_FILE));
    expect(s.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(s.journalMode()).toBe('wal');
    s.close();
    const raw = new Database(join(dir, STORE_FILE), { readonly: true });
    const tables = (
      raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    raw.close();
    for (const t of [
      'datasets',
      'runs',
      'tenant_results',
      'fold_results',
      'models',
      'gate_decisions',
      'escalations',
    ]) {
      expect(tables).toContain(t);
    }
  });

  it('reopening is idempotent and keeps data', () => {
    const s = open();
    const id = s.createRun({
      key: 'k',
      phase: 0,
      tenants: ['a'],
      config: {},
      codeVersion: 'v',
      seed: 1,
    });
    s.close();
    const again = open();
    expect(again.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(again.getRun(id)?.key).toBe('k');
    again.close();
    expect(open().schemaVersion()).toBe(SCHEMA_VERSION);
  });

  it('migration 6: an imported tenant stored at (0, 0) with city "" has no location (null)', () => {
    // A store at version 5 as the import wrote it: city '', latitude 0, longitude 0.
    const raw = new Database(join(dir, STORE_FILE));
    for (let v = 0; v < 5; v++) raw.exec(MIGRATIONS[v]);
    raw.pragma('user_version = 5');
    const insert = raw.prepare(
      `INSERT INTO datasets (tenant, source, content_hash, rows, frequency, start_date, end_date,
         channels, info, csv, created_at, updated_at)
       VALUES (?, ?, 'h', 3, 'daily', '2024-01-01', '2024-01-03', '["meta"]', ?, 'x', 't', 't')`,
    );
    const old = { ...info('shop', 'imported'), city: '', latitude: 0, longitude: 0 };
    insert.run('shop', 'imported', JSON.stringify(old));
    insert.run('gen', 'generated', JSON.stringify(info('gen', 'generated')));
    raw.close();
    const s = open();
    expect(s.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(s.getDatasetSummary('shop')?.info).toMatchObject({
      city: null,
      latitude: null,
      longitude: null,
      tier: 'high',
    });
    expect(s.getDatasetSummary('gen')?.info).toMatchObject({ city: 'Oslo', latitude: 59.9 });
  });

  it('migration 7: runs made before it keep their order (by id) as the latest of their phase', () => {
    const raw = new Database(join(dir, STORE_FILE));
    for (let v = 0; v < 6; v++) raw.exec(MIGRATIONS[v]);
    raw.pragma('user_version = 6');
    const insert = raw.prepare(
      `INSERT INTO runs (key, phase, tenants, config, config_hash, code_version, seed, status,
         created_at, finished_at)
       VALUES (?, 1, '["a"]', '{}', 'h', 'v', 1, 'done', 't', ?)`,
    );
    // run 2 finished before run 1: the latest is still the one made last
    insert.run('k1', '2024-01-02');
    insert.run('k2', '2024-01-01');
    raw.close();
    const s = open();
    expect(s.latestDoneRun(1)?.id).toBe(2);
    expect(s.getRun(1)?.served_at).toBeNull();
    const id = startRun(s, ['a'], 1, 'k3');
    s.saveTenantResult(id, makeResult('a', 1, 0.6));
    s.finishRun(id, 'done', null);
    expect(s.latestDoneRun(1)?.id).toBe(id);
  });

  it('refuses a database from a newer schema', () => {
    open().close();
    const raw = new Database(join(dir, STORE_FILE));
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => open()).toThrow(/newer than this code/);
  });

  it('refuses a file that is not a database, with a clear message', () => {
    writeFileSync(join(dir, STORE_FILE), 'this is not sqlite '.repeat(100));
    expect(() => open()).toThrow(StoreError);
    expect(() => open()).toThrow(/not a usable weathervane database/);
  });

  it('a non-writable state directory fails at open with a clear StoreError', () => {
    let target: string;
    if (process.getuid?.() === 0) {
      // root ignores chmod: a path under a regular file cannot be created by anyone
      const file = join(dir, 'plain-file');
      writeFileSync(file, 'x');
      target = join(file, 'sub');
    } else {
      target = join(dir, 'ro');
      mkdirSync(target);
      chmodSync(target, 0o555);
    }
    let err: unknown;
    try {
      openStore(target);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    const msg = (err as Error).message;
    expect(msg).toContain(`state directory ${target} is not writable`);
    expect(msg).toContain('set WV_MMM_STATE_DIR to a writable directory');
  });
});

describe('runs', () => {
  it('a finished run with its results and models survives close and reopen', () => {
    const s = open();
    const a = makeResult('a', 1, 0.62, { mape: Number.POSITIVE_INFINITY, oracle_r2: 0.7 });
    const b = makeResult('b', 1, 0.41);
    const id = startRun(s, ['a', 'b']);
    const coef = Float64Array.from([0.1, -2.5, 1e-300]);
    s.saveTenantResult(id, b);
    s.updateProgress(id, 1, 2);
    s.saveTenantResult(id, a, [
      { fold: -1, kind: 'ridge', payload: { coef, intercept: 3 } },
      { fold: 0, kind: 'ridge', payload: { coef: [1, 2] } },
    ]);
    s.updateProgress(id, 2, 2);
    s.finishRun(id, 'done', { pass_count: 1 });
    s.close();

    const r = open();
    const run = r.getRun(id)!;
    expect(run.status).toBe('done');
    expect(run.tenants).toEqual(['a', 'b']);
    expect(run.progress_done).toBe(2);
    expect(run.summary).toEqual({ pass_count: 1 });
    // one clock tick per write: created 0 s, running 1 s, b 2 s, a 3 s, finished 4 s
    expect(run.created_at).toBe('2024-01-01T00:00:00.000Z');
    expect(run.started_at).toBe('2024-01-01T00:00:01.000Z');
    expect(run.finished_at).toBe('2024-01-01T00:00:04.000Z');
    expect(run.seconds).toBe(3);
    // results come back in the run's tenant order, equal to what was saved (Infinity included)
    expect(r.getTenantResults(id)).toEqual([a, b]);
    expect(r.getTenantResults(id)[0].mape).toBe(Number.POSITIVE_INFINITY);
    const final = r.getModels(id, 'a', -1);
    expect(final).toHaveLength(1);
    const payload = final[0].payload as { coef: Float64Array; intercept: number };
    expect(payload.coef).toBeInstanceOf(Float64Array);
    expect(Array.from(payload.coef)).toEqual([0.1, -2.5, 1e-300]);
    expect(r.getModels(id, 'a')).toHaveLength(2);
    const folds = r.getFoldResults(id, 'a');
    expect(folds.map((f) => f.fold)).toEqual([0, 1, 2, 3, 4]);
    expect(folds[0]).toMatchObject({ r2: 0.62, rmse: 100, alpha: 1, model: 'ridge' });
    expect(r.latestDoneRun(1)?.id).toBe(id);
    expect(r.listRuns({ phase: 1 }).map((x) => x.id)).toEqual([id]);
  });

  it('a run served from the store becomes its phase latest; a run made after it is later', () => {
    const s = open();
    const done = (key: string, phase: PhaseId = 1): number => {
      const id = startRun(s, ['a'], phase, key);
      s.saveTenantResult(id, makeResult('a', phase, 0.6));
      s.finishRun(id, 'done', null);
      return id;
    };
    const first = done('k-first');
    const second = done('k-second');
    const other = done('k-other', 0);
    expect(s.latestDoneRun(1)?.id).toBe(second);
    expect(s.markServed(first)).toBe(true);
    expect(s.latestDoneRun(1)?.id).toBe(first);
    expect(s.getRun(first)?.served_at).toMatch(/^2024-01-01T00:00:\d\d\.000Z$/);
    expect(s.getRun(second)?.served_at).toBeNull();
    // the other phase is untouched; serving the latest again keeps it the latest
    expect(s.latestDoneRun(0)?.id).toBe(other);
    expect(s.markServed(first)).toBe(true);
    expect(s.latestDoneRun(1)?.id).toBe(first);
    // a run made after the serve is the latest again, and serving the older one again beats it
    const third = done('k-third');
    expect(s.latestDoneRun(1)?.id).toBe(third);
    s.markServed(second);
    expect(s.latestDoneRun(1)?.id).toBe(second);
    // a run that is not done is never marked
    const running = startRun(s, ['a'], 1, 'k-running');
    expect(s.markServed(running)).toBe(false);
    expect(s.getRun(running)?.served_at).toBeNull();
    // the record carries no ordering column
    expect(Object.keys(s.getRun(first)!)).not.toContain('recency');
  });

  it('a running (or queued) run is recovered as failed on reopen, never as done', () => {
    const s = open();
    const done = startRun(s, ['a'], 0, 'done-key');
    s.saveTenantResult(done, makeResult('a', 0, 0.6));
    s.finishRun(done, 'done', null);
    const running = startRun(s, ['a', 'b'], 0, 'k-running');
    s.saveTenantResult(running, makeResult('a', 0, 0.9));
    const queued = s.createRun({
      key: 'q',
      phase: 0,
      tenants: ['a'],
      config: {},
      codeVersion: 'v',
      seed: 1,
    });
    s.close(); // the process "dies" here

    const r = open();
    expect(r.recoverInterruptedRuns()).toEqual([running, queued]);
    for (const id of [running, queued]) {
      const run = r.getRun(id)!;
      expect(run.status).toBe('failed');
      expect(run.error).toBe(INTERRUPTED_ERROR);
      expect(run.finished_at).not.toBeNull();
    }
    expect(r.getRun(done)!.status).toBe('done');
    expect(r.latestDoneRun(0)!.id).toBe(done);
    expect(r.recoverInterruptedRuns()).toEqual([]);
    // a recovered run takes no more results
    expect(() => r.saveTenantResult(running, makeResult('b', 0, 0.5))).toThrow(/is failed/);
  });

  it.skipIf(!existsSync('/proc/self/fd'))(
    "a run whose owner's pid now belongs to an unrelated process is recovered; a live owner's is not",
    async () => {
      const s = open();
      const orphan = startRun(s, ['a'], 0, 'k-orphan');
      const owned = startRun(s, ['a'], 0, 'k-owned');
      // A process that does not hold the store open (the dead owner's pid reused by another
      // program), and one that does (a live server or CLI with a run of it), by another path.
      const link = `${dir}-link`;
      symlinkSync(dir, link);
      const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
      const owner = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import Database from 'better-sqlite3';
           const db = new Database(process.argv[1]);
           console.log('ready');
           setTimeout(() => db.close(), 30000);`,
          join(link, STORE_FILE),
        ],
        { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'ignore'] },
      );
      try {
        await new Promise<void>((res) => owner.stdout.once('data', () => res()));
        const db = new Database(s.path);
        const setOwner = db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?');
        setOwner.run(stranger.pid, orphan);
        setOwner.run(owner.pid, owned);
        db.close();
        expect(s.recoverInterruptedRuns(undefined, { keepOwn: true })).toEqual([orphan]);
        expect(s.getRun(orphan)!.error).toBe(INTERRUPTED_ERROR);
        expect(s.getRun(owned)!.status).toBe('running');
      } finally {
        stranger.kill();
        owner.kill();
        rmSync(link);
      }
    },
  );

  it('findDoneRunByKey returns the stored done run for an identical key only', () => {
    const key = runKey({
      phase: 1,
      tenants: ['a'],
      datasetHashes: [contentHash('csv-a')],
      config: { x: 1, y: [2] },
    });
    // the key does not depend on the order of config keys
    expect(
      runKey({
        phase: 1,
        tenants: ['a'],
        datasetHashes: [contentHash('csv-a')],
        config: { y: [2], x: 1 },
      }),
    ).toBe(key);
    expect(
      runKey({
        phase: 1,
        tenants: ['a'],
        datasetHashes: [contentHash('csv-b')],
        config: { x: 1, y: [2] },
      }),
    ).not.toBe(key);
    // nor on the order of the tenants, each kept with its own data's hash
    const two = (tenants: string[], hashes: string[]): string =>
      runKey({ phase: 1, tenants, datasetHashes: hashes.map((h) => contentHash(h)), config: {} });
    expect(two(['b', 'a'], ['csv-b', 'csv-a'])).toBe(two(['a', 'b'], ['csv-a', 'csv-b']));
    expect(two(['b', 'a'], ['csv-a', 'csv-b'])).not.toBe(two(['a', 'b'], ['csv-a', 'csv-b']));
    const s = open();
    const pending = startRun(s, ['a'], 1, key);
    expect(s.findDoneRunByKey(key)).toBeNull(); // running is not done
    s.saveTenantResult(pending, makeResult('a', 1, 0.55));
    s.finishRun(pending, 'done', { ok: true });
    const found = s.findDoneRunByKey(key)!;
    expect(found.id).toBe(pending);
    expect(found.summary).toEqual({ ok: true });
    expect(s.getTenantResults(found.id)[0].mean_r2).toBe(0.55);
    expect(s.findDoneRunByKey('other')).toBeNull();
  });

  it('two connections interleaving writes on the same file do not corrupt each other', () => {
    const one = open();
    const two = open();
    const tenants = makeRun(1, 5, 12).map((r) => r.tenant);
    const r1 = startRun(one, tenants, 1, 'one');
    const r2 = startRun(two, tenants, 1, 'two');
    tenants.forEach((t, i) => {
      one.saveTenantResult(r1, makeResult(t, 1, 0.01 * i), [
        { fold: -1, kind: 'ridge', payload: { run: 1, i } },
      ]);
      two.updateProgress(r2, i, tenants.length);
      two.saveTenantResult(r2, makeResult(t, 1, 0.5 + 0.01 * i), [
        { fold: -1, kind: 'ridge', payload: { run: 2, i } },
      ]);
      one.updateProgress(r1, i + 1, tenants.length);
    });
    two.finishRun(r2, 'done', { n: 2 });
    one.finishRun(r1, 'done', { n: 1 });
    one.close();
    two.close();

    const check = open();
    expect(check.getTenantResults(r1).map((r) => r.mean_r2)).toEqual(
      tenants.map((_, i) => 0.01 * i),
    );
    expect(check.getTenantResults(r2).map((r) => r.mean_r2)).toEqual(
      tenants.map((_, i) => 0.5 + 0.01 * i),
    );
    expect(check.getModels(r2, tenants[3], -1)[0].payload).toEqual({ run: 2, i: 3 });
    expect(check.getFoldResults(r1)).toHaveLength(5 * tenants.length);
    check.close();
    const raw = new Database(join(dir, STORE_FILE), { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    raw.close();
  });

  it('another process writing to the same file at the same time loses nothing', async () => {
    const s = open();
    // The child takes the write lock 300 times (BEGIN IMMEDIATE, as the store does) while this
    // process writes 300 runs; busy_timeout makes each side wait for the other.
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
         const db = new Database(process.argv[1]);
         db.pragma('busy_timeout = 5000');
         const ins = db.prepare("INSERT INTO runs (key, phase, tenants, config, config_hash, code_version, seed, status, created_at) VALUES (?, 0, '[]', '{}', 'h', 'v', 0, 'done', 'now')");
         const tx = db.transaction((i) => ins.run('child-' + i));
         console.log('ready');
         for (let i = 0; i < 300; i++) tx.immediate(i);
         db.close();`,
        s.path,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((res) => child.stdout.once('data', () => res()));
    for (let i = 0; i < 300; i++) {
      s.createRun({
        key: `parent-${i}`,
        phase: 0,
        tenants: ['a'],
        config: {},
        codeVersion: 'v',
        seed: i,
      });
    }
    const code = await new Promise<number | null>((res) => child.on('close', res));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const count = (prefix: string): number =>
      s.listRuns({ limit: 1000 }).filter((r) => r.key.startsWith(prefix)).length;
    expect(count('parent-')).toBe(300);
    expect(count('child-')).toBe(300);
  });

  it('claimRun: processes starting the same run at the same moment create it once', async () => {
    const s = open();
    const storeModule = join(process.cwd(), 'dist/src/store/index.js');
    // Eight processes open the store, wait for the same instant, and claim the same run; the
    // look-up and the insert are one transaction, so one creates it and seven find it.
    const at = Date.now() + 1500;
    const children = Array.from({ length: 8 }, () =>
      spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { openStore } = await import(process.argv[1]);
           const store = openStore(process.argv[2]);
           while (Date.now() < Number(process.argv[3])) {}
           const claim = store.claimRun({ key: 'same', phase: 3, tenants: ['a'], config: {},
             codeVersion: 'v', seed: 0, status: 'running' });
           console.log(Object.keys(claim)[0]);
           store.close();`,
          storeModule,
          dir,
          String(at),
        ],
        { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
    const outcomes = await Promise.all(
      children.map(
        (c) =>
          new Promise<string>((res) => {
            let out = '';
            let err = '';
            c.stdout.on('data', (d: Buffer) => (out += d.toString()));
            c.stderr.on('data', (d: Buffer) => (err += d.toString()));
            c.on('close', (code) => res(code === 0 ? out.trim() : `exit ${code}: ${err}`));
          }),
      ),
    );
    expect(outcomes.sort()).toEqual([...Array<string>(7).fill('active'), 'created']);
    expect(s.listRuns({ limit: 1000 }).filter((r) => r.key === 'same')).toHaveLength(1);
    // In this process (the owner of none of them) the run is found as active; once done, as done.
    const input = {
      key: 'same',
      phase: 3 as const,
      tenants: ['a'],
      config: {},
      codeVersion: 'v',
      seed: 0,
    };
    const claim = s.claimRun(input);
    expect('active' in claim && claim.active.status).toBe('running');
    const id = 'active' in claim ? claim.active.id : -1;
    s.saveTenantResult(id, makeResult('a', 3, 0.6));
    s.finishRun(id, 'done', null, null);
    expect(s.claimRun(input)).toMatchObject({ done: { id } });
    // a key nobody has is created, owned by this process
    expect(s.claimRun({ ...input, key: 'other' })).toHaveProperty('created');
  }, 30_000);

  it('a failure in the middle of saveTenantResult leaves nothing half-written', () => {
    const s = open();
    const id = startRun(s, ['a', 'b']);
    const a = makeResult('a', 1, 0.6);
    // the second model repeats (fold, kind): the insert fails after the tenant row and its 5
    // folds and the first model were written in the same transaction
    const dup = [
      { fold: -1, kind: 'ridge', payload: {} },
      { fold: -1, kind: 'ridge', payload: {} },
    ];
    expect(() => s.saveTenantResult(id, a, dup)).toThrow(StoreError);
    // a payload JSON cannot hold fails during the writes too
    expect(() => s.saveTenantResult(id, a, [{ fold: 0, kind: 'gbm', payload: { n: 1n } }])).toThrow(
      StoreError,
    );
    expect(s.getTenantResults(id)).toEqual([]);
    expect(s.getFoldResults(id, 'a')).toEqual([]);
    expect(s.getModels(id, 'a')).toEqual([]);
    // and the tenant can still be saved properly afterwards
    s.saveTenantResult(id, a, [{ fold: -1, kind: 'ridge', payload: {} }]);
    expect(s.getFoldResults(id, 'a')).toHaveLength(5);
    expect(() => s.saveTenantResult(id, a)).toThrow(/already has a result/);
  });

  it('guards the run life cycle with clear errors', () => {
    const s = open();
    const id = s.createRun({
      key: 'k',
      phase: 2,
      tenants: ['a', 'b'],
      config: {},
      codeVersion: 'v',
      seed: 1,
    });
    expect(() => s.saveTenantResult(id, makeResult('a', 2, 0.5))).toThrow(
      /queued; results can only be saved while it is running/,
    );
    s.markRunning(id);
    expect(() => s.markRunning(id)).toThrow(/only a queued run can start/);
    expect(() => s.saveTenantResult(id, makeResult('a', 1, 0.5))).toThrow(
      /phase 2, result is phase 1/,
    );
    expect(() => s.saveTenantResult(id, makeResult('zz', 2, 0.5))).toThrow(/not part of run/);
    s.saveTenantResult(id, makeResult('a', 2, 0.5));
    expect(() => s.finishRun(id, 'done', null)).toThrow(/results for 1 of 2 tenants/);
    expect(() => s.updateProgress(id, 3, 2)).toThrow(RangeError);
    s.finishRun(id, 'cancelled', null, 'user cancelled');
    expect(s.updateProgress(id, 1, 2)).toBe(false);
    expect(() => s.finishRun(id, 'done', null)).toThrow(/already cancelled/);
    expect(() => s.markRunning(999)).toThrow(/run 999 does not exist/);
    expect(() =>
      s.createRun({ key: '', phase: 1, tenants: ['a'], config: {}, codeVersion: 'v', seed: 1 }),
    ).toThrow(RangeError);
    expect(() => s.listRuns({ limit: 0 })).toThrow(/limit/);
  });
});

describe('datasets', () => {
  it('upserts, hashes the CSV, keeps imported CSV text and drops builtin CSV', () => {
    const s = open();
    const csv = 'date,revenue\n2024-01-01,1\n';
    const truth = { expected: Float64Array.from([1, 2, 3]) } as never;
    const first = s.upsertDataset({ info: info('imp', 'imported'), csv, truth });
    expect(first.content_hash).toBe(contentHash(csv));
    expect(first.has_csv).toBe(true);
    expect(first.has_truth).toBe(true);
    s.upsertDataset({ info: info('bi', 'builtin'), csv: 'x\n1\n' });
    const got = s.getDataset('imp')!;
    expect(got.csv).toBe(csv);
    expect(Array.from((got.truth as unknown as { expected: Float64Array }).expected)).toEqual([
      1, 2, 3,
    ]);
    expect(got.info).toEqual(info('imp', 'imported'));
    expect(s.getDataset('bi')!.csv).toBeNull();
    expect(s.listDatasets().map((d) => d.tenant)).toEqual(['bi', 'imp']);
    expect(s.listDatasets({ source: 'builtin' }).map((d) => d.tenant)).toEqual(['bi']);
    const updated = s.upsertDataset({ info: info('imp', 'imported'), csv: csv + '2024-01-02,2\n' });
    expect(updated.created_at).toBe(first.created_at);
    expect(updated.updated_at).not.toBe(first.updated_at);
    expect(updated.content_hash).not.toBe(first.content_hash);
    expect(s.deleteDataset('imp')).toBe(true);
    expect(s.getDataset('imp')).toBeNull();
  });

  it('contentHash is sha256 (FIPS 180-2 test vector for "abc")', () => {
    expect(contentHash('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('gate decisions and escalations', () => {
  it('stores a decision with its escalation in one go and reads them back', () => {
    const s = open();
    const id = startRun(s, ['a'], 2, 'p2');
    s.saveTenantResult(id, makeResult('a', 2, 0.6));
    s.finishRun(id, 'done', null);
    const decision = decideGates({ phase: 2, results: s.getTenantResults(id) }); // no phase 1: escalates
    expect(decision.escalation).not.toBeNull();
    const saved = s.saveGateDecision({
      runId: id,
      inputs: { results: id, previous: null },
      decision,
    });
    expect(saved.escalation_id).not.toBeNull();
    const back = s.latestGateDecision(2)!;
    expect(back.id).toBe(saved.id);
    expect(back.result).toEqual(decision);
    expect(back.inputs).toEqual({ results: id, previous: null });
    expect(back.escalation_id).toBe(saved.escalation_id);
    const esc = s.listEscalations({ phase: 2 });
    expect(esc).toHaveLength(1);
    expect(esc[0].gate_decision_id).toBe(saved.id);
    expect(esc[0].next_step).toBe(decision.escalation!.recommended_next_step);
    expect(esc[0].evidence).toEqual(decision.escalation!.evidence);
    expect(s.latestGateDecision(1)).toBeNull();

    const ok = decideGates({ phase: 0, results: [makeResult('a', 0, 0.6)] });
    expect(s.saveGateDecision({ runId: null, inputs: {}, decision: ok }).escalation_id).toBeNull();
    expect(s.listEscalations()).toHaveLength(1);
  });

  it('saveGateDecisionUnless asks about the latest inside the write: a second session sees the first', () => {
    const a = open();
    const b = open();
    const decision = decideGates({ phase: 2, results: [makeResult('a', 2, 0.6)] });
    const input = { runId: null, inputs: { results: 7 }, decision };
    const same = (latest: { result: unknown } | null) =>
      latest !== null && JSON.stringify(latest.result) === JSON.stringify(decision);
    const seen: (number | null)[] = [];
    const first = a.saveGateDecisionUnless(input, (latest) => {
      seen.push(latest?.id ?? null);
      return same(latest);
    });
    expect(first).not.toBeNull();
    // The other connection asks after the first committed: it sees it and saves nothing.
    const second = b.saveGateDecisionUnless(input, (latest) => {
      seen.push(latest?.id ?? null);
      return same(latest);
    });
    expect(second).toBeNull();
    expect(seen).toEqual([null, first!.id]);
    expect(b.listEscalations({ phase: 2 })).toHaveLength(1);
  });
});

describe('state directory resolution', () => {
  it('uses WV_MMM_STATE_DIR when set, else <package root>/state', () => {
    expect(resolveStateDir({ WV_MMM_STATE_DIR: '/tmp/wv-x' }, '/pkg')).toBe('/tmp/wv-x');
    expect(resolveStateDir({}, '/pkg')).toBe('/pkg/state');
    // Set but empty: refused, naming the directory an unset variable uses.
    for (const empty of ['', '  ']) {
      expect(() => resolveStateDir({ WV_MMM_STATE_DIR: empty }, '/pkg')).toThrow(
        'WV_MMM_STATE_DIR is set but empty; set it to the state directory to use, or unset it to use /pkg/state',
      );
    }
    const root = findPackageRoot();
    expect(root).toBe(join(import.meta.dirname, '..'));
    expect(resolveStateDir({})).toBe(join(root, 'state'));
  });
});
