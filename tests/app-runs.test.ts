/**
 * The app layer end to end on a temporary state directory: runs are stored, served from the
 * store when identical, cancelled promptly, recovered after a crash; gates and comparisons are
 * computed from stored runs; the plan's JSON artifact is byte-identical across runs.
 */
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { resolveTenant } from '../src/app/compute.js';
import { openStore, STORE_FILE } from '../src/store/index.js';
import type { AppContext } from '../src/app/context.js';
import { ComputePool } from '../src/app/pool.js';
import { RunManager } from '../src/app/runs.js';
import { FACE_WORDS } from '../src/app/words.js';

const TENANTS = ['extreme_ski_gear', 'high_umbrella_rain', 'none_books'];
const dirs: string[] = [];
function tempState(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'wv-app-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('phase runs through the app', () => {
  let app: App;
  let stateDir: string;
  beforeAll(() => {
    stateDir = tempState();
    app = createApp({ stateDir, workers: 2, log: silentLogger });
  });
  afterAll(async () => {
    await app.close();
  });

  it('runs a phase, stores it, and serves an identical rerun from the store', async () => {
    const first = app.startPhaseRun({ phase: 0, tenants: TENANTS });
    expect(first.cached).toBe(false);
    const run = await first.done;
    expect(run.status).toBe('done');
    expect(run.results.map((r) => r.tenant).sort()).toEqual([...TENANTS].sort());
    expect(run.summary?.total).toBe(3);
    const again = app.startPhaseRun({ phase: 0, tenants: TENANTS });
    expect(again.cached).toBe(true);
    expect(again.runId).toBe(first.runId);
    // the same tenants in another order are the same run
    const reordered = app.startPhaseRun({ phase: 0, tenants: [...TENANTS].reverse() });
    expect(reordered.cached).toBe(true);
    expect(reordered.runId).toBe(first.runId);
    const forced = app.startPhaseRun({ phase: 0, tenants: TENANTS, force: true });
    expect(forced.cached).toBe(false);
    expect(forced.runId).not.toBe(first.runId);
    const rerun = await forced.done;
    expect(rerun.results.map((r) => r.fold_r2)).toEqual(run.results.map((r) => r.fold_r2));
  });

  it('writes the plan artifact, byte-identical for the same run in a fresh state directory', async () => {
    const file = path.join(stateDir, 'analytics', 'phase0_results.json');
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    const parsed = JSON.parse(text) as Record<
      string,
      { mean_r2: number; fold_r2: number[]; passes: boolean }
    >;
    expect(Object.keys(parsed)).toEqual(TENANTS);
    for (const v of Object.values(parsed)) {
      expect(v.fold_r2).toHaveLength(5);
      expect(v.passes).toBe(v.mean_r2 >= 0.5);
    }
    const other = tempState();
    const app2 = createApp({ stateDir: other, workers: 1, log: silentLogger });
    try {
      await app2.startPhaseRun({ phase: 0, tenants: TENANTS }).done;
    } finally {
      await app2.close();
    }
    expect(readFileSync(path.join(other, 'analytics', 'phase0_results.json'), 'utf8')).toBe(text);
  });

  it('reports progress and checks gates and comparisons from stored runs', async () => {
    const events: number[] = [];
    const h = app.startPhaseRun(
      { phase: 1, tenants: TENANTS },
      { onProgress: (e) => events.push(e.done) },
    );
    const run = await h.done;
    expect(run.status).toBe('done');
    expect(events.at(-1)).toBe(3);
    const gate = app.checkGates({ phase: 1 });
    expect(gate.total).toBe(3);
    expect(gate.pass_count).toBe(run.results.filter((r) => r.passes).length);
    expect(gate.scaling_note).not.toBeNull();
    // A run of another phase: what it is and what to ask instead.
    expect(() => app.checkGates({ phase: 0, runId: run.id })).toThrow(
      /is a phase 1 run, not phase 0: judge it as phase 1 \(.*1.*\), or leave out the run to judge phase 0's latest run/,
    );
    const cmp = app.comparePhases({ phase: 0 }, { phase: 1 });
    expect(cmp.tenants).toHaveLength(3);
    const p0 = app.getRun(cmp.a.run_id).results;
    const p1 = run.results;
    const mean = (rs: typeof p0) => rs.reduce((s, r) => s + r.mean_r2, 0) / rs.length;
    expect(cmp.mean_r2_delta).toBeCloseTo(mean(p1) - mean(p0), 12);
    expect(app.listRuns({ limit: 2 }).runs).toHaveLength(2);
    expect(app.listRuns().total).toBeGreaterThanOrEqual(3);
  });

  it("judges a run against the previous phase's run that holds its tenants, not a later one-tenant run", async () => {
    // A phase 0 and a phase 1 run of the three tenants, then a later phase 0 run of one of them:
    // the gate of phase 1 still compares the three with the three (it took the newest phase 0
    // run, and judged three tenants on one).
    const p0 = await app.startPhaseRun({ phase: 0, tenants: TENANTS }).done;
    const p1 = await app.startPhaseRun({ phase: 1, tenants: TENANTS }).done;
    const before = app.checkGates({ phase: 1, runId: p1.id });
    expect(before.previous).toMatchObject({ phase: 0, total: 3 });
    const one = await app.startPhaseRun({ phase: 0, tenants: ['none_books'], config: { folds: 4 } })
      .done;
    expect(one.id).toBeGreaterThan(p0.id);
    const after = app.checkGates({ phase: 1, runId: p1.id });
    expect(after.previous).toEqual(before.previous);
    expect(after.baseline).toEqual(before.baseline);
    // A run of other tenants only is no comparison for it either.
    await app.startPhaseRun({ phase: 0, tenants: ['medium_beauty'] }).done;
    expect(app.checkGates({ phase: 1, runId: p1.id }).previous).toEqual(before.previous);
    // Nor a later run of all three on other folds: it was taken (the newest holding them all),
    // and every drop of the 5-fold run became "folds cannot be paired". Made later on the same
    // folds, the earlier run stays the one judged against: a decision does not change afterwards.
    await app.startPhaseRun({ phase: 0, tenants: TENANTS, force: true }).done;
    await app.startPhaseRun({ phase: 0, tenants: TENANTS, config: { folds: 3 } }).done;
    const later = app.checkGates({ phase: 1, runId: p1.id });
    expect(later.previous).toEqual(before.previous);
    expect(later.baseline).toEqual(before.baseline);
    expect(JSON.stringify(later)).not.toMatch(/cannot be paired/);
  });

  it('compare by phase matches the runs as check_gates does, not the latest run of each phase', async () => {
    // The probe's case on a fresh store: phase 0 and phase 1 over two built-in tenants, then phase
    // 0 over another tenant. compare {a: 0, b: 1} took the newest phase 0 run (the third) and said
    // "share no tenant, so there is nothing to compare", while the gate found the first.
    const fresh = createApp({ stateDir: tempState(), workers: 1, log: silentLogger });
    try {
      const two = ['extreme_ski_gear', 'none_books'];
      const p0 = await fresh.startPhaseRun({ phase: 0, tenants: two }).done;
      const p1 = await fresh.startPhaseRun({ phase: 1, tenants: two }).done;
      const other = await fresh.startPhaseRun({ phase: 0, tenants: ['medium_beauty'] }).done;
      expect(other.id).toBeGreaterThan(p1.id);
      const gate = fresh.checkGates({ phase: 1 });
      expect(gate.previous).toMatchObject({ phase: 0, total: 2 });
      const cmp = fresh.comparePhases({ phase: 0 }, { phase: 1 });
      expect([cmp.a.run_id, cmp.b.run_id]).toEqual([p0.id, p1.id]);
      expect(cmp.tenants).toHaveLength(2);
      expect(cmp.verdict).not.toMatch(/nothing to compare/);
      expect(cmp.chosen).toBe(
        `compared run ${p0.id} (the finished phase 0 run over the tenants of run ${p1.id}, picked as the gates pick theirs) with run ${p1.id} (the latest finished phase 1 run)`,
      );
      // The sides in the other order compare the same runs; a named run anchors the phase side.
      const back = fresh.comparePhases({ phase: 1 }, { phase: 0 });
      expect([back.a.run_id, back.b.run_id]).toEqual([p1.id, p0.id]);
      const named = fresh.comparePhases({ phase: 0 }, { runId: p1.id });
      expect(named.a.run_id).toBe(p0.id);
      expect(named.chosen).toMatch(new RegExp(`with run ${p1.id} \\(phase 1, as named\\)$`));
      // No phase 1 run holds the named run's tenant: the latest, and the result says so.
      const none = fresh.comparePhases({ phase: 1 }, { runId: other.id });
      expect(none.a.run_id).toBe(p1.id);
      expect(none.verdict).toMatch(/share no tenant/);
      expect(none.chosen).toBe(
        `compared run ${p1.id} (the latest finished phase 1 run; none holds a tenant of run ${other.id}) with run ${other.id} (phase 0, as named)`,
      );
    } finally {
      await fresh.close();
    }
  });

  it('gates://latest shows the decision asked last, also when it repeats an earlier one', async () => {
    // Noise-aware, then strict, then noise-aware again on the same run: the third repeats the
    // first, which was returned without being recorded again, so the latest stayed strict.
    const p1 = await app.startPhaseRun({ phase: 1, tenants: TENANTS, force: true }).done;
    app.checkGates({ phase: 1, runId: p1.id });
    expect(app.latestGate(1)?.decision.regression_test?.mode).toBe('noise_aware');
    app.checkGates({ phase: 1, runId: p1.id, regression: 'strict' });
    expect(app.latestGate(1)?.decision.regression_test?.mode).toBe('strict');
    app.checkGates({ phase: 1, runId: p1.id });
    expect(app.latestGate(1)?.decision.regression_test?.mode).toBe('noise_aware');
    // Asked again while it is the latest: not recorded twice.
    const recorded = (): number => {
      const db = new Database(path.join(stateDir, STORE_FILE), { readonly: true });
      try {
        const row = db
          .prepare('SELECT COUNT(*) AS n FROM gate_decisions WHERE run_id = ?')
          .get(p1.id) as { n: number };
        return row.n;
      } finally {
        db.close();
      }
    };
    expect(recorded()).toBe(3);
    app.checkGates({ phase: 1, runId: p1.id });
    expect(recorded()).toBe(3);
  });

  it('cancels a run promptly and records it as cancelled', async () => {
    const controller = new AbortController();
    const h = app.startPhaseRun(
      { phase: 3, tenants: TENANTS, force: true },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    const t0 = Date.now();
    const run = await h.done;
    expect(run.status).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(app.getRun(h.runId).status).toBe('cancelled');
  });

  it('keeps the all-rows model of an explanation with the run, and explains from it later', async () => {
    // Phase 1 run of TENANTS exists (previous test); the first explanation fits and stores the
    // model, the second loads it: same numbers, and a note that says so.
    const first = await app.explainTenant({ tenant: 'none_books', phase: 1, replicates: 10 });
    expect(first.notes.join(' ')).not.toMatch(/stored with run/);
    expect(first.uncertainty?.replicates).toBe(10);
    expect(first.validation?.mean_r2).toBeGreaterThan(0);
    const second = await app.explainTenant({ tenant: 'none_books', phase: 1, replicates: 10 });
    expect(second.notes.at(-1)).toMatch(
      /explanation and intervals stored with run \d+ \(no retraining, no bootstrap\)/,
    );
    expect(second.channels).toEqual(first.channels);
    expect(second.caveats).toEqual(first.caveats);
    // Other replicate counts reuse the stored model but bootstrap again.
    const third = await app.explainTenant({ tenant: 'none_books', phase: 1, replicates: 0 });
    expect(third.notes.at(-1)).toMatch(/stored with run \d+ \(no retraining\)/);
    expect(third.channels[0].intervals).toBeNull();
    expect(third.channels[0].roas).toBe(first.channels[0].roas);
    await expect(app.explainTenant({ tenant: 'none_books', replicates: 501 })).rejects.toThrow(
      /replicates must be 0 \(no intervals\) or a whole number from 10 to 500/,
    );
    expect(second.weather_states).toEqual(first.weather_states);
    expect(second.response_curves).toEqual(first.response_curves);
  });

  it('exports a tenant, imports it under a new id and exports the same bytes', () => {
    const first = app.exportTenant('extreme_rain_gear', { truth: true });
    expect(first.csv.split('\n')).toHaveLength(1095 + 2); // header, 1,095 rows, final newline
    expect(app.exportTenant('extreme_rain_gear', { truth: true })).toEqual(first);
    expect(JSON.parse(first.truth as string).tenant).toBe('extreme_rain_gear');
    // Channels by spend over the first 91 days, largest first: google spends more than meta there.
    expect(first.csv.split('\n')[0]).toMatch(/^date,google_spend,meta_spend,/);
    const imported = app.importTenantData({ tenant: 'rain_copy', csv: first.csv });
    expect(imported).toMatchObject({
      rows: 1095,
      frequency: 'daily',
      channels: ['google', 'meta'],
    });
    expect(app.exportTenant('rain_copy')).toEqual({ csv: first.csv, truth: null });
    expect(app.listTenants().map((t) => t.tenant)).toContain('rain_copy');
    expect(() => app.importTenantData({ tenant: 'extreme_rain_gear', csv: first.csv })).toThrow(
      /built-in tenant and cannot be overwritten/,
    );
    expect(() => app.importTenantData({ tenant: 'rain_copy', csv: first.csv })).toThrow(
      /already exists .*replace: true/,
    );
    // Replacing an imported tenant says nothing more; replacing a generated one says its truth is gone.
    const again = app.importTenantData({ tenant: 'rain_copy', csv: first.csv, replace: true });
    expect(again.warnings.some((w) => /was a generated tenant/.test(w))).toBe(false);
    const [gen] = app.generateTenants({ count: 1, seed: 31, days: 400, prefix: 'swap' }).tenants;
    const over = app.importTenantData({ tenant: gen, csv: first.csv, replace: true });
    expect(over.warnings[0]).toBe(
      `tenant '${gen}' was a generated tenant; it now holds the imported data and is imported: its ground truth (true ROAS, oracle R², plan regret) is gone with the generated data`,
    );
    expect(app.listTenants().find((t) => t.tenant === gen)?.source).toBe('imported');
  });

  it("does not serve a stale run after another process replaced a tenant's data", async () => {
    app.importTenantData({ tenant: 'shared_shop', csv: app.exportTenant('extreme_heating').csv });
    const before = await app.startPhaseRun({ phase: 0, tenants: ['shared_shop'] }).done;
    // A second app on the same state directory stands in for a CLI beside the MCP server.
    const other = createApp({ stateDir, workers: 1, log: silentLogger });
    try {
      other.importTenantData({
        tenant: 'shared_shop',
        csv: other.exportTenant('none_books').csv,
        replace: true,
      });
    } finally {
      await other.close();
    }
    const again = app.startPhaseRun({ phase: 0, tenants: ['shared_shop'] });
    expect(again.cached).toBe(false);
    const after = await again.done;
    // The same rows under another id than a built-in one (built-in ids keep the plan's protocol).
    app.importTenantData({ tenant: 'books_copy', csv: app.exportTenant('none_books').csv });
    const booksRun = await app.startPhaseRun({ phase: 0, tenants: ['books_copy'] }).done;
    expect(after.results[0].fold_r2).toEqual(booksRun.results[0].fold_r2);
    expect(after.results[0].fold_r2).not.toEqual(before.results[0].fold_r2);
  });

  it('resolves a generated tenant by its whole spec (days included), not only by id', () => {
    const spec = {
      kind: 'generated',
      tenant: 'gen_s7_0',
      seed: 7,
      index: 0,
      prefix: 'gen',
    } as const;
    expect(resolveTenant({ ...spec, days: 100 }).series.dates).toHaveLength(100);
    expect(resolveTenant({ ...spec, days: 120 }).series.dates).toHaveLength(120);
  });

  it('refuses bad requests up front with the limit named', () => {
    expect(() => app.startPhaseRun({ phase: 1, tenants: [] })).toThrow(/non-empty/);
    expect(() => app.startPhaseRun({ phase: 1, tenants: ['nope'] })).toThrow(
      /unknown tenant 'nope'/,
    );
    expect(() => app.startPhaseRun({ phase: 7 as 1 })).toThrow(/phase must be one of 0, 1, 2, 3/);
    expect(() => app.startPhaseRun({ phase: 1, config: { folds: 1 } })).toThrow(
      /folds must be an integer from 2 to 10/,
    );
    expect(() =>
      app.startPhaseRun({ phase: 1, tenants: Array.from({ length: 5001 }, (_, i) => `t${i}`) }),
    ).toThrow(/at most 5000 tenants/);
    expect(() => app.checkGates({ phase: 2 })).toThrow(/no finished phase 2 run/);
  });
});

describe('the analytics artifact', () => {
  const artifactOf = (dir: string, phase: number) =>
    readFileSync(path.join(dir, 'analytics', `phase${phase}_results.json`), 'utf8');
  // Typed out of id order: the artifact lists tenants as the run key does, by id.
  const TYPED = ['none_books', 'extreme_ski_gear', 'high_umbrella_rain'];

  it('holds the run the last request got (also served from the store), tenants by id', async () => {
    // The probe: run A (several tenants), run B (one), run A again served from the store left
    // B's artifact in place; and the same tenants typed in another order wrote other bytes.
    const dir = tempState();
    const app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    let textA: string;
    try {
      await app.startPhaseRun({ phase: 0, tenants: TYPED }).done;
      textA = artifactOf(dir, 0);
      expect(Object.keys(JSON.parse(textA) as object)).toEqual([...TYPED].sort());
      await app.startPhaseRun({ phase: 0, tenants: ['medium_beauty'] }).done;
      expect(Object.keys(JSON.parse(artifactOf(dir, 0)) as object)).toEqual(['medium_beauty']);
      const served = app.startPhaseRun({ phase: 0, tenants: TYPED });
      expect(served.cached).toBe(true);
      await served.done;
      expect(artifactOf(dir, 0)).toBe(textA);
      // Served in another order: the same bytes.
      await app.startPhaseRun({ phase: 0, tenants: ['medium_beauty'] }).done;
      const reversed = app.startPhaseRun({ phase: 0, tenants: [...TYPED].reverse() });
      expect(reversed.cached).toBe(true);
      expect(artifactOf(dir, 0)).toBe(textA);
    } finally {
      await app.close();
    }
    // Computed in a fresh state directory from the other order: the same bytes.
    const other = tempState();
    const app2 = createApp({ stateDir: other, workers: 2, log: silentLogger });
    try {
      await app2.startPhaseRun({ phase: 0, tenants: [...TYPED].reverse() }).done;
    } finally {
      await app2.close();
    }
    expect(artifactOf(other, 0)).toBe(textA);
  });

  it('holds a run followed to its end in another process', async () => {
    // Another process on the store is stood in for by a child that holds the store file open
    // (what marks a run's owner as alive) and a run row handed to it: the app follows that run,
    // and when the row says done, the artifact is that run's, not the one written since.
    const dir = tempState();
    const app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    const holder = spawn(process.execPath, [
      '-e',
      `require('fs').openSync(${JSON.stringify(path.join(dir, STORE_FILE))}, 'r'); console.log('open'); setInterval(() => {}, 1000);`,
    ]);
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('error', reject);
      });
      const a = await app.startPhaseRun({ phase: 0, tenants: TYPED }).done;
      const textA = artifactOf(dir, 0);
      await app.startPhaseRun({ phase: 0, tenants: ['medium_beauty'] }).done;
      const db = new Database(path.join(dir, STORE_FILE));
      try {
        db.prepare(`UPDATE runs SET status = 'running', owner_pid = ? WHERE id = ?`).run(
          holder.pid,
          a.id,
        );
        const h = app.startPhaseRun({ phase: 0, tenants: TYPED });
        expect(h.cached).toBe(false);
        expect(h.runId).toBe(a.id);
        db.prepare(`UPDATE runs SET status = 'done' WHERE id = ?`).run(a.id);
        const run = await h.done;
        expect(run.status).toBe('done');
      } finally {
        db.close();
      }
      expect(artifactOf(dir, 0)).toBe(textA);
    } finally {
      holder.kill();
      await app.close();
    }
  });
});

describe('following a run whose process has stalled', () => {
  it('says once that no tenant has finished for a while, with what to do, and goes on waiting', async () => {
    // A follower of a run whose owner was stopped (Ctrl-Z) waited without a word (CLI) or with
    // endless heartbeats (MCP).
    const dir = tempState();
    const store = openStore(dir);
    const compute = new ComputePool(1);
    const logged: string[] = [];
    const ctx: AppContext = {
      stateDir: dir,
      store,
      compute,
      log: (level, msg) => {
        if (level === 'warning') logged.push(msg);
      },
      closed: false,
      words: FACE_WORDS.cli,
    };
    const runs = new RunManager(ctx, 0, 600);
    const holder = spawn(process.execPath, [
      '-e',
      `require('fs').openSync(${JSON.stringify(path.join(dir, STORE_FILE))}, 'r'); console.log('open'); setInterval(() => {}, 1000);`,
    ]);
    const db = new Database(path.join(dir, STORE_FILE));
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('error', reject);
      });
      const a = await runs.start({ phase: 0, tenants: ['none_books'] }).done;
      db.prepare(`UPDATE runs SET status = 'running', owner_pid = ? WHERE id = ?`).run(
        holder.pid,
        a.id,
      );
      const messages: string[] = [];
      const h = runs.start(
        { phase: 0, tenants: ['none_books'] },
        { onProgress: (e) => messages.push(e.message ?? '') },
      );
      expect(h.elsewhere).toBe(true);
      await new Promise((r) => setTimeout(r, 1_500));
      const said = `run ${a.id}: no tenant has finished for`;
      expect(logged.filter((m) => m.startsWith(said))).toHaveLength(1);
      expect(logged[0]).toMatch(
        /in the process that computes it; it may be stopped or hung: stop waiting \(the run goes on there\), or end that process, and this one computes the run itself$/,
      );
      expect(messages.filter((m) => m.startsWith(said))).toHaveLength(1);
      db.prepare(`UPDATE runs SET status = 'done' WHERE id = ?`).run(a.id);
      expect((await h.done).status).toBe('done');
    } finally {
      db.close();
      holder.kill();
      ctx.closed = true;
      await compute.close();
      store.close();
    }
  });
});

describe('crash recovery', () => {
  it('a run killed mid-way is marked failed on restart, and rerunning completes', async () => {
    const stateDir = tempState();
    const cli = path.resolve('dist/src/cli/main.js');
    const child = spawn(process.execPath, [cli, 'run-phase', '--phase', '3', '--json'], {
      env: { ...process.env, WV_MMM_STATE_DIR: stateDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // Wait until the run exists and has started, then kill the process without warning.
    const app0 = createApp({ stateDir, workers: 1, log: silentLogger });
    await app0.close();
    let started = false;
    for (let i = 0; i < 200 && !started; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const probe = createApp({ stateDir, workers: 1, log: silentLogger });
      try {
        started = probe.listRuns().runs.some((r) => r.status === 'running');
      } finally {
        await probe.close();
      }
    }
    expect(started).toBe(true);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const app = createApp({ stateDir, workers: 2, log: silentLogger });
    try {
      const runs = app.listRuns().runs;
      expect(runs).toHaveLength(1);
      expect(runs[0].status).toBe('failed');
      expect(runs[0].error).toMatch(/interrupted/);
      expect(() => app.checkGates({ phase: 3 })).toThrow(/no finished phase 3 run/);
      const rerun = await app.startPhaseRun({ phase: 0, tenants: TENANTS }).done;
      expect(rerun.status).toBe('done');
    } finally {
      await app.close();
    }
  });
});
