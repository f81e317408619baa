/**
 * wv-mmm end to end over the app: words of the CLI in app errors, tenants delete, natural order,
 * cached-run durations, Ctrl-C recorded as a cancellation, escalations logged once, weekly text.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { tempStateDir, wv, wvSpawn } from './cli-helpers.js';

const EXAMPLE = 'examples/outdoor-shop-weekly.csv';

describe('app errors in the CLI’s words', () => {
  const state = tempStateDir();
  afterAll(() => state.remove());
  const run = (...args: string[]) => wv(state.dir, args);

  it('unknown tenant points to `wv-mmm tenants`, not list_tenants', () => {
    const r = run('train', '--tenant', 'nobody', '--phase', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('list them with wv-mmm tenants, or import your own data first');
    expect(r.stderr).not.toMatch(/list_tenants|CLI:/);
  });

  it('importing over a tenant says --replace, not replace: true', () => {
    const args = ['import', '--file', EXAMPLE, '--tenant', 'shop', '--date', 'week'];
    expect(run(...args, '--target', 'sales').code).toBe(0);
    const again = run(...args, '--target', 'sales');
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      "wv-mmm: tenant 'shop' already exists (imported); pass --replace to overwrite it\n",
    );
  });

  it('a file too short to train: a warning with the rows needed, and no `next: wv-mmm train`', () => {
    let csv = 'date,meta_spend,temperature_c,revenue\n';
    for (let i = 0; i < 100; i++) {
      const d = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
      csv += `${d},${100 + ((i * 37) % 50)},${10 + (i % 7)},${1000 + ((i * 13) % 200)}\n`;
    }
    const file = path.join(state.dir, 'short.csv');
    writeFileSync(file, csv);
    const r = run('import', '--file', file, '--tenant', 'short');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('next: wv-mmm train');
    expect(r.stdout).toContain(
      'warning: too short to train: 100 daily rows, and every phase needs at least 147; wv-mmm train and run-phase refuse this tenant',
    );
    expect(r.stdout).toContain(
      'next: import a longer history (at least 147 daily rows): wv-mmm import --tenant short --file F --replace',
    );
  });

  it('no finished run points to `wv-mmm run-phase`, no run to `wv-mmm runs`', () => {
    expect(run('gates', '--phase', '2').stderr).toContain(
      'no finished phase 2 run yet; call wv-mmm run-phase --phase 2 first',
    );
    expect(run('gates', '--phase', '2', '--run', '99').stderr).toContain(
      'no run with id 99; list runs with wv-mmm runs',
    );
  });
});

describe('compare by phase', () => {
  const state = tempStateDir();
  afterAll(() => state.remove());
  const run = (...args: string[]) => wv(state.dir, args);

  it('matches the runs as gates does and says which runs it compared', () => {
    // Phase 0 and 1 over two tenants, then phase 0 over another: `compare --a 0 --b 1` took the
    // newest phase 0 run and said there was nothing to compare.
    expect(run('run-phase', '--phase', '0', '--tenants', 'extreme_ski_gear,none_books').code).toBe(
      0,
    );
    expect(run('run-phase', '--phase', '1', '--tenants', 'extreme_ski_gear,none_books').code).toBe(
      0,
    );
    expect(run('run-phase', '--phase', '0', '--tenants', 'medium_beauty').code).toBe(0);
    const r = run('compare', '--a', '0', '--b', '1');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('nothing to compare');
    // The delta column in one format (it read `0`, `-0.000248` and `-0.004` in one column).
    const rows = r.stdout.split('\n').filter((l) => /^(extreme_ski_gear|none_books) /.test(l));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.split(/ {2,}/)[3]).toMatch(/^-?\d\.\d{4}$/);
    expect(r.stdout).toContain(
      'runs: compared run 1 (the finished phase 0 run over the tenants of run 2, picked as the gates pick theirs) with run 2 (the latest finished phase 1 run)',
    );
  });
});

describe('tenants: natural order, driver of imported data, delete', () => {
  const state = tempStateDir();
  afterAll(() => state.remove());
  const run = (...args: string[]) => wv(state.dir, args);

  it('lists generated tenants in natural order and imported ones with driver unknown', () => {
    expect(run('generate', '--tenants', '12', '--seed', '7', '--days', '200').code).toBe(0);
    expect(
      run('import', '--file', EXAMPLE, '--tenant', 'shop', '--date', 'week', '--target', 'sales')
        .code,
    ).toBe(0);
    const list = JSON.parse(run('tenants', '--json').stdout) as {
      tenant: string;
      driver: string;
      source: string;
    }[];
    const mine = list.filter((t) => t.source !== 'builtin');
    expect(mine.map((t) => t.tenant)).toEqual([
      ...Array.from({ length: 12 }, (_, i) => `gen_s7_${i}`),
      'shop',
    ]);
    expect(mine.at(-1)?.driver).toBe('unknown');
    expect(Object.keys(mine[0]).sort()).toEqual(Object.keys(list[0]).sort()); // no internal fields
  });

  it('delete: refuses built-in tenants, asks about runs, keeps or deletes them as told', () => {
    expect(run('tenants', 'delete', 'extreme_ski_gear').stderr).toContain(
      "'extreme_ski_gear' is a built-in tenant and cannot be deleted",
    );
    expect(run('tenants', 'delete', 'gen_s7_0').code).toBe(0); // no runs: nothing to ask
    const r1 = run('run-phase', '--phase', '0', '--tenants', 'gen_s7_1,gen_s7_2', '--json');
    const r2 = run('run-phase', '--phase', '0', '--tenants', 'gen_s7_2', '--json');
    const id1 = (JSON.parse(r1.stdout) as { run_id: number }).run_id;
    const id2 = (JSON.parse(r2.stdout) as { run_id: number }).run_id;
    const ask = run('tenants', 'delete', 'gen_s7_2');
    expect(ask.code).toBe(2);
    expect(ask.stderr).toContain(
      `tenant 'gen_s7_2' is in 2 stored runs (${id1}, ${id2}); say --keep-runs to keep them`,
    );
    expect(run('tenants', 'delete', 'gen_s7_2', '--keep-runs', '--delete-runs').code).toBe(2);
    // Nothing was deleted by the refusals.
    expect(run('tenants', '--json').stdout).toContain('"gen_s7_2"');
    const del = run('tenants', 'delete', 'gen_s7_2', '--delete-runs', '--json');
    expect(del.code, del.stderr).toBe(0);
    expect(JSON.parse(del.stdout)).toEqual({
      tenant: 'gen_s7_2',
      deleted: true,
      runs_deleted: [id1, id2],
      runs_kept: [],
      lift_tests_deleted: 0,
      plans_deleted: 0,
    });
    const runs = JSON.parse(run('runs', '--json').stdout) as { runs: { id: number }[] };
    expect(runs.runs.map((r) => r.id)).not.toContain(id1);
    // --keep-runs: the run stays readable.
    const r3 = run('run-phase', '--phase', '0', '--tenants', 'gen_s7_3', '--json');
    const id3 = (JSON.parse(r3.stdout) as { run_id: number }).run_id;
    expect(run('tenants', 'delete', 'gen_s7_3', '--keep-runs').stdout).toBe(
      `deleted gen_s7_3\nkept run(s) ${id3}\n`,
    );
    expect(run('gates', '--phase', '0', '--run', String(id3)).code).toBe(0);
    const after = JSON.parse(run('tenants', '--json').stdout) as { tenant: string }[];
    expect(after.map((t) => t.tenant)).not.toContain('gen_s7_3');
    expect(run('tenants', 'delete', 'gen_s7_3').stderr).toContain(
      "no imported or generated tenant 'gen_s7_3'",
    );
  });
});

describe('runs: cached durations, Ctrl-C, escalations once', () => {
  const state = tempStateDir();
  afterAll(() => state.remove());
  const run = (...args: string[]) => wv(state.dir, args);

  it('a run served from the store says how long this call took, beside the original run', () => {
    const args = ['run-phase', '--phase', '0', '--tenants', 'none_books,extreme_heating'];
    const first = run(...args);
    expect(first.code).toBe(0);
    const again = run(...args);
    expect(again.stdout).toMatch(
      /^run \d+: phase 0, done, served from the store in \d+\.\d+ s \(computed in \d+\.\d+ s at \S+; --force reruns\)$/m,
    );
    // the run by id: a bare --phase judges the phase's latest run, which may be another by then
    const id = /^run (\d+):/m.exec(again.stdout)![1];
    expect(again.stdout).toMatch(new RegExp(`^judge it: wv-mmm gates --phase 0 --run ${id}$`, 'm'));
    // the protocol both tenants got, on one line (run-phase did not say which protocol it used)
    expect(again.stdout).toMatch(/^protocol: TimeSeriesSplit\(5\)/m);
    // folds the data cannot hold are cut per tenant, and the line says so
    const cut = run(
      'run-phase',
      '--phase',
      '0',
      '--tenants',
      'none_books',
      '--folds',
      '10',
      '--min-train',
      '900',
    );
    expect(cut.code).toBe(0);
    expect(cut.stdout).toMatch(
      /^protocol: .* over 6 folds .*\(10 folds asked; the data holds 6\)$/m,
    );
    const json = JSON.parse(run(...args, '--json').stdout) as {
      cached: boolean;
      elapsed_seconds: number;
      run_seconds: number;
    };
    expect(json.cached).toBe(true);
    expect(typeof json.elapsed_seconds).toBe('number');
    expect(typeof json.run_seconds).toBe('number');
  });

  /** Starts a phase-3 run-phase, sends `signal` once the run is running: exit code and runs. */
  async function interruptRunPhase(signal: 'SIGINT' | 'SIGTERM') {
    const child = wvSpawn(state.dir, ['run-phase', '--phase', '3', '--force']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Wait until the run is running, then interrupt.
    let running = false;
    for (let i = 0; i < 200 && !running; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const runs = JSON.parse(run('runs', '--phase', '3', '--json').stdout) as {
        runs: { status: string }[];
      };
      running = runs.runs.some((r) => r.status === 'running');
    }
    expect(running).toBe(true);
    child.kill(signal);
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    const after = run('runs', '--phase', '3', '--json');
    const runs = JSON.parse(after.stdout) as { runs: { status: string; error: string }[] };
    return { code, stderr, afterStderr: after.stderr, latest: runs.runs[0] };
  }

  it('Ctrl-C during run-phase: exit 130 and the run recorded as cancelled, not failed', async () => {
    const r = await interruptRunPhase('SIGINT');
    expect(r.code, r.stderr).toBe(130);
    expect(r.afterStderr).not.toContain('interrupted');
    expect(r.latest).toMatchObject({
      status: 'cancelled',
      error: 'cancelled by the user (Ctrl-C)',
    });
  }, 60_000);

  it('SIGTERM during run-phase: exit 143 and the run recorded as cancelled, not left running', async () => {
    const r = await interruptRunPhase('SIGTERM');
    expect(r.code, r.stderr).toBe(143);
    expect(r.latest).toMatchObject({
      status: 'cancelled',
      error: 'cancelled: the process was told to stop (SIGTERM)',
    });
  }, 60_000);

  it('a gate missing its prerequisite run says so and gives the commands, in each face', async () => {
    const fresh = tempStateDir();
    try {
      const r1 = wv(fresh.dir, ['run-phase', '--phase', '1', '--tenants', 'none_home_decor']);
      expect(r1.code, r1.stderr).toBe(0);
      const g = wv(fresh.dir, ['gates', '--phase', '1']);
      expect(g.code, g.stderr).toBe(0);
      expect(g.stdout.split('\n')[0]).toBe(
        'Gate after phase 1: ESCALATE — next: Not a model failure: the gate judges phase 1 against a phase 0 run of the same tenants, and there is none. Run wv-mmm run-phase --phase 0 --tenants none_home_decor, then wv-mmm gates --phase 1 again.',
      );
      // The scaling of the plan's counts to 1 tenant is said once (it is one of the reasons).
      expect(g.stdout.split("The plan's counts are for 20 tenants").length - 1).toBe(1);
      // Over MCP the same decision names the tool calls.
      const app = createApp({ stateDir: fresh.dir, workers: 1, log: silentLogger, face: 'mcp' });
      try {
        const d = app.checkGates({ phase: 1 });
        expect(d.next_step).toMatch(
          /Run run_phase with phase 0 and tenants \["none_home_decor"\], then check_gates with phase 1 again\.$/,
        );
      } finally {
        await app.close();
      }
    } finally {
      fresh.remove();
    }
  }, 60_000);

  it('a gate next step names no deleted tenant, in each face; the stored one read back says who went', async () => {
    const fresh = tempStateDir();
    try {
      const gen = wv(fresh.dir, ['generate', '--tenants', '2', '--seed', '7', '--days', '200']);
      expect(gen.code, gen.stderr).toBe(0);
      const r1 = wv(fresh.dir, ['run-phase', '--phase', '1', '--tenants', 'gen_s7_0,gen_s7_1']);
      expect(r1.code, r1.stderr).toBe(0);
      const before = wv(fresh.dir, ['gates', '--phase', '1', '--json']);
      expect((JSON.parse(before.stdout) as { next_step: string }).next_step).toContain(
        'Run wv-mmm run-phase --phase 0 --tenants gen_s7_0,gen_s7_1, then',
      );
      const del = wv(fresh.dir, ['tenants', 'delete', 'gen_s7_1', '--keep-runs']);
      expect(del.code, del.stderr).toBe(0);
      const app = createApp({ stateDir: fresh.dir, workers: 1, log: silentLogger, face: 'mcp' });
      try {
        // Read back as recorded: the old next step, with the tenant deleted since.
        const stored = app.latestGate(1);
        expect(stored?.decision.next_step).toContain('gen_s7_1');
        expect(stored?.tenants_deleted_since).toEqual(['gen_s7_1']);
        const g = wv(fresh.dir, ['gates', '--phase', '1', '--json']);
        expect((JSON.parse(g.stdout) as { next_step: string }).next_step).toMatch(
          / Run wv-mmm run-phase --phase 0 --tenants gen_s7_0 \(gen_s7_1 has been deleted since this run\), then wv-mmm gates --phase 1 again\.$/,
        );
        expect(app.checkGates({ phase: 1 }).next_step).toMatch(
          / Run run_phase with phase 0 and tenants \["gen_s7_0"\] \(gen_s7_1 has been deleted since this run\), then check_gates with phase 1 again\.$/,
        );
        expect(wv(fresh.dir, ['tenants', 'delete', 'gen_s7_0', '--keep-runs']).code).toBe(0);
        const none = app.checkGates({ phase: 1 }).next_step;
        expect(none).toContain(
          'Every tenant of this run is gone (gen_s7_0, gen_s7_1 have been deleted since this run), so no phase 0 run can be made for it',
        );
        expect(none).not.toContain('run_phase with phase 0');
        expect(app.latestGate(1)?.tenants_deleted_since).toEqual(['gen_s7_0', 'gen_s7_1']);
      } finally {
        await app.close();
      }
    } finally {
      fresh.remove();
    }
  }, 60_000);

  it('asking for the gates of the same run again logs its escalation once', () => {
    // Phase 1 on one tenant that fails the pass bar: 0 of 1 passes, so the gate escalates.
    expect(run('run-phase', '--phase', '0', '--tenants', 'none_home_decor').code).toBe(0);
    expect(run('run-phase', '--phase', '1', '--tenants', 'none_home_decor').code).toBe(0);
    const log = path.join(state.dir, 'escalations.log');
    const first = run('gates', '--phase', '1', '--json');
    expect(JSON.parse(first.stdout)).toMatchObject({ decision: 'ESCALATE' });
    expect(run('gates', '--phase', '1').code).toBe(0);
    expect(run('gates', '--phase', '1').code).toBe(0);
    expect(existsSync(log)).toBe(true);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    // The line names the regression mode: the strict reading is another decision, logged again,
    // and two identical lines of the same run said nothing of why.
    const firstLine = JSON.parse(lines[0]) as { run_id: number; regression_mode: string };
    expect(firstLine.regression_mode).toBe('noise_aware');
    expect(run('gates', '--phase', '1', '--strict-regression').code).toBe(0);
    const after = readFileSync(log, 'utf8').trim().split('\n');
    expect(after).toHaveLength(2);
    expect(JSON.parse(after[1])).toMatchObject({
      regression_mode: 'strict',
      run_id: firstLine.run_id,
    });
  });
});

describe('weekly data in text', () => {
  const state = tempStateDir();
  afterAll(() => state.remove());
  const run = (...args: string[]) => wv(state.dir, args);

  it('train and explain say week, name no weekday baseline, show thresholds and curves', () => {
    const imp = run(
      'import',
      '--file',
      EXAMPLE,
      '--tenant',
      'shop',
      '--date',
      'week',
      '--target',
      'sales',
      '--ignore',
      'tiktok_spend',
    );
    expect(imp.code, imp.stderr).toBe(0);
    const t = run('train', '--tenant', 'shop', '--phase', '0');
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).not.toMatch(/same_weekday|same weekday/);
    const e = run('explain', '--tenant', 'shop', '--phase', '1');
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).not.toMatch(/daily|same_weekday|per day/);
    expect(e.stdout).toContain('156 weekly rows');
    expect(e.stdout).toMatch(/temperature_c:cold\s+temperature_c <= -?\d/);
    expect(e.stdout).toMatch(/precipitation_mm:rain\s+precipitation_mm > 1\s/);
    expect(e.stdout).toContain('meta: revenue per week from a constant spend per week');
    expect(e.stdout).toContain('google: revenue per week from a constant spend per week');
  });

  it('train says once what every weekly phase-2 fold does alike', () => {
    const t = run('train', '--tenant', 'shop', '--phase', '2', '--json');
    expect(t.code, t.stderr).toBe(0);
    const r = JSON.parse(t.stdout) as {
      folds: { fallback: { kept: boolean; used_phase: number; reason: string } | null }[];
    };
    // Weekly phase 2 keeps Ridge on every fold here: phase 1's model, one reason for all.
    const used = r.folds.map((f) => f.fallback);
    expect(used.every((f) => f !== null && !f.kept && f.used_phase === 1)).toBe(true);
    const text = run('train', '--tenant', 'shop', '--phase', '2').stdout;
    const lines = text.split('\n').filter((l) => /^folds? \d/.test(l) && l.includes(' use'));
    expect(lines).toEqual([
      "folds 1-4 use phase 1: phase 2 keeps ridge on each fold's window, which is phase 1's model: phase 1's decision used (phase 1)",
    ]);
  });
});

describe('the same run from two processes', () => {
  const state = tempStateDir();
  afterAll(() => state.remove());

  it('the second follows the first through the store instead of computing it again', async () => {
    // Two processes on one store (a CLI beside the MCP server) each computed the run.
    const first = wvSpawn(state.dir, ['run-phase', '--phase', '3', '--json']);
    let out = '';
    let err = '';
    first.stdout.on('data', (d: Buffer) => (out += d.toString()));
    first.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => first.on('close', resolve));
    // Started when the store shows it running.
    for (let i = 0; i < 200; i++) {
      const r = wv(state.dir, ['runs', '--json']);
      const runs = (JSON.parse(r.stdout) as { runs: { status: string }[] }).runs;
      if (runs.some((x) => x.status === 'running')) break;
      await new Promise((r2) => setTimeout(r2, 100));
    }
    const second = wv(state.dir, ['run-phase', '--phase', '3', '--json']);
    expect(await exited, err).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    const a = JSON.parse(out) as { run_id: number; results: unknown };
    const b = JSON.parse(second.stdout) as { run_id: number; results: unknown; cached: boolean };
    expect(b.run_id).toBe(a.run_id);
    // Followed, and said so with what its Ctrl-C does.
    expect(b.cached).toBe(false);
    expect(second.stderr).toContain(
      `run ${a.run_id}: computed by another process on this state directory; following it (Ctrl-C stops following; the run goes on there)`,
    );
    expect(b.results).toEqual(a.results);
    const all = JSON.parse(wv(state.dir, ['runs', '--json']).stdout) as { total: number };
    expect(all.total).toBe(1);
  }, 180_000);
});
