/** wv-mmm speaks CLI: help, version, exit codes, flag errors, --json everywhere, file names. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_LIMITS } from '../src/app/index.js';
import { COMMANDS } from '../src/cli/commands/index.js';
import { CLI, tempStateDir, wv } from './cli-helpers.js';

const state = tempStateDir();
afterAll(() => state.remove());
const run = (...args: string[]) => wv(state.dir, args);

describe('help, version and exit codes', () => {
  it('no command: the help on stderr, nothing on stdout, exit 2', () => {
    const r = run();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: wv-mmm <command> [options]');
    expect(r.stderr).toContain('no command given');
  });

  it('--version prints the package version', () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string })
      .version;
    for (const flag of ['--version', '-v']) {
      const r = run(flag);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`wv-mmm ${version}\n`);
    }
  });

  it('help lists every command; `help` exits 0', () => {
    const r = run('help');
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(`  ${c.name} `);
  });

  it.each(COMMANDS.map((c) => c.name))('`%s --help` is that command’s help', (name) => {
    const forms =
      name === 'train'
        ? [
            [name, '--help'],
            [name, '-h'],
            ['help', name],
          ]
        : [[name, '--help']];
    for (const args of forms) {
      const r = run(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout.startsWith(`wv-mmm ${name} — `)).toBe(true);
      expect(r.stdout).toContain(`Usage: wv-mmm ${name}`);
      expect(r.stdout).not.toContain('Modeling\n'); // not the general help
    }
  });

  it('unknown command: a suggestion and exit 2', () => {
    const r = run('trian');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "wv-mmm: unknown command 'trian' (did you mean train?). Run `wv-mmm help` for the list.\n",
    );
  });

  it('an option before the command is not taken for a command', () => {
    const r = run('--json', 'tenants');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('options go after the command');
  });
});

describe('flag errors in the CLI’s words', () => {
  it('unknown flag: names the command, suggests, lists the options; no Node parser text', () => {
    const r = run('train', '--tenat', 'x', '--phase', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('train has no option --tenat (did you mean --tenant?)');
    expect(r.stderr).toContain(
      '--tenant, --phase, --folds, --test-size, --min-train, --no-calendar, --json, --help',
    );
    expect(r.stderr).not.toMatch(/ERR_PARSE|positional argument|Unknown option/);
  });

  it('a flag without its value, a value on a switch, a flag twice, a stray word', () => {
    expect(run('train', '--tenant').stderr).toContain('--tenant needs a value (--tenant ID)');
    expect(run('train', '--tenant', '--phase', '1').stderr).toContain('--tenant needs a value');
    expect(run('tenants', '--json=yes').stderr).toContain('--json takes no value');
    expect(run('runs', '--limit', '1', '--limit', '2').stderr).toContain('--limit is given twice');
    const stray = run('runs', 'all');
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('runs takes no words after it, only options (got "all")');
    expect(run('tenants', 'all').stderr).toContain(
      'tenants takes the sub-command delete (wv-mmm tenants delete ID), got "all"',
    );
  });

  it('limits are the app’s (APP_LIMITS), as over MCP', () => {
    const r = run(
      'train',
      '--tenant',
      'extreme_ski_gear',
      '--phase',
      '1',
      '--folds',
      String(APP_LIMITS.maxFolds + 1),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `wv-mmm: --folds must be an integer from ${APP_LIMITS.minFolds} to ${APP_LIMITS.maxFolds} (got ${APP_LIMITS.maxFolds + 1})\n`,
    );
    expect(run('run-phase', '--help').stdout).toContain(`at most ${APP_LIMITS.maxTenantsPerRun}`);
  });

  it('bad values say the range', () => {
    const r = run('train', '--tenant', 'extreme_ski_gear', '--phase', '7');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('wv-mmm: --phase must be an integer from 0 to 3 (got 7)\n');
    expect(run('runs', '--limit', 'ten').stderr).toContain('--limit must be an integer');
  });
});

describe('--json on every command that prints data', () => {
  it('every command but the two servers (serve, worker) takes --json and says so in its help', () => {
    for (const c of COMMANDS) {
      expect(c.json, c.name).toBe(c.name !== 'serve' && c.name !== 'worker');
      if (c.json) expect(run(c.name, '--help').stdout, c.name).toContain('--json');
    }
  });

  it('generate, export and tenants print JSON', () => {
    const g = run('generate', '--tenants', '3', '--seed', '5', '--days', '120', '--json');
    expect(g.code, g.stderr).toBe(0);
    expect(JSON.parse(g.stdout)).toEqual({
      tenants: ['gen_s5_0', 'gen_s5_1', 'gen_s5_2'],
      replaced: [],
      lift_tests_deleted: [],
    });
    const out = path.join(state.dir, 'out');
    const e = run('export', '--tenant', 'gen_s5_1', '--out', out, '--json');
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout)).toEqual({
      written: 1,
      dir: out,
      files: [path.join(out, 'gen_s5_1.csv')],
    });
    const t = JSON.parse(run('tenants', '--tier', 'custom', '--json').stdout) as unknown[];
    expect(Array.isArray(t)).toBe(true);
  });

  it('generate says one tenant in the singular and refuses options --suite would ignore', () => {
    const one = run('generate', '--tenants', '1', '--seed', '6', '--days', '120');
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toBe('generated 1 tenant (gen_s6_0)\n');
    // --suite made the fixed suite and ignored --tenants and --seed without a word.
    const suite = run('generate', '--suite', '--tenants', '2', '--seed', '1');
    expect(suite.code).toBe(2);
    expect(suite.stderr).toContain(
      '--suite makes the fixed 16 shape-suite tenants; it takes no --tenants, --seed (leave them out, or generate without --suite)',
    );
  });

  it('demo --json prints JSON (phases 0-3 and their gates)', () => {
    const r = run('demo', '--tenants', 'extreme_ski_gear,none_books', '--json');
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as {
      phases: { run: { phase: number; status: string }; gate: { decision: string } }[];
      comparison: { verdict: string };
    };
    expect(d.phases.map((p) => [p.run.phase, p.run.status])).toEqual([
      [0, 'done'],
      [1, 'done'],
      [2, 'done'],
      [3, 'done'],
    ]);
    expect(d.phases[0].gate.decision).toBe('BASELINE_RECORDED');
    expect(typeof d.comparison.verdict).toBe('string');
    // In text (the same state: the runs are served from the store), a gate that does not go on
    // is followed by why the demo does (probe s74: UNBLOCK / STOP, then phase 3 without a word).
    const text = run('demo', '--tenants', 'extreme_ski_gear,none_books');
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n').filter((l) => l.startsWith('the demo goes on'));
    expect(lines).toEqual([
      `the demo goes on to phase 3 whatever the gate decided (${d.phases[2].gate.decision}): it shows every phase`,
    ]);
    expect(['BASELINE_RECORDED', 'PROCEED_TO_PHASE_2']).not.toContain(d.phases[2].gate.decision);
  }, 60_000);
});

describe('import in the CLI’s words', () => {
  it('names the real file and the CLI flag in CSV errors', () => {
    const file = path.join(state.dir, 'my sales.csv');
    // Days written as "Jan 1": no column holds YYYY-MM-DD dates, so none is taken as the date.
    const rows = Array.from({ length: 70 }, (_, i) => `Jan ${(i % 28) + 1},1,2`);
    writeFileSync(file, ['day,meta,turnover', ...rows].join('\n'));
    const r = run('import', '--file', file, '--tenant', 'shop');
    expect(r.code).toBe(2);
    // Every missing role in one message, each with its flag.
    expect(r.stderr).toBe(
      'wv-mmm: my sales.csv, row 1: no date column; name it "date" (values YYYY-MM-DD) or pass --date; ' +
        'no target column; name it "revenue" or pass --target; ' +
        'no spend column; name spend columns "<channel>_spend" (e.g. "meta_spend") or pass --spend; ' +
        'columns are "day", "meta", "turnover"\n',
    );
    expect(r.stderr).not.toMatch(/roles\.|wv-mmm: csv, row/);
  });

  it('a missing file is named', () => {
    const r = run('import', '--file', 'nowhere/x.csv', '--tenant', 'shop');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('wv-mmm: no such file: nowhere/x.csv\n');
  });

  it('a directory, or a file over the size limit, is refused before it is read', () => {
    const dir = run('import', '--file', state.dir, '--tenant', 'shop');
    expect(dir.code).toBe(2);
    expect(dir.stderr).toBe(
      `wv-mmm: ${state.dir} is a directory: give the path of a CSV file in it\n`,
    );
    const big = path.join(state.dir, 'big.csv');
    writeFileSync(big, '');
    truncateSync(big, APP_LIMITS.maxCsvChars + 1);
    const r = run('import', '--file', big, '--tenant', 'shop');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`is ${APP_LIMITS.maxCsvChars + 1} bytes; the limit is`);
    expect(r.stderr).toContain('aggregate daily rows to weekly');
    expect(run('tenants', '--json').stdout).not.toContain('"shop"');
  });

  it('a FIFO or a device is refused at once, naming the flag (it hung past SIGTERM, or ate memory)', () => {
    const fifo = path.join(state.dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    // A hard timeout: the old reader blocked in open() on a FIFO with no writer, deaf to SIGTERM.
    const timed = (...args: string[]) => {
      const r = spawnSync(process.execPath, [CLI, ...args], {
        env: { ...process.env, WV_MMM_STATE_DIR: state.dir, WV_MMM_LOG_LEVEL: 'warning' },
        encoding: 'utf8',
        timeout: 15_000,
        killSignal: 'SIGKILL',
      });
      expect(r.signal, `${args.join(' ')}: killed after the timeout`).toBeNull();
      return { code: r.status, stderr: r.stderr };
    };
    const notRegular = (file: string, flag: string) =>
      `${file} is not a regular file (a pipe, device or socket): ${flag} takes a CSV file saved on disk; save the data to a file and give its path`;
    for (const file of [fifo, '/dev/zero']) {
      const r = timed('import', '--file', file, '--tenant', 'shop');
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`wv-mmm: ${notRegular(file, '--file')}\n`);
    }
    const lift = timed('lift', 'add', '--tenant', 'none_books', '--file', fifo);
    expect(lift.code).toBe(2);
    expect(lift.stderr).toBe(`wv-mmm: ${notRegular(fifo, '--file')}\n`);
    const plan = timed('plan', '--tenant', 'none_books', '--forecast', '/dev/zero');
    expect(plan.code).toBe(2);
    expect(plan.stderr).toBe(`wv-mmm: --forecast: ${notRegular('/dev/zero', '--forecast')}\n`);
    expect(run('tenants', '--json').stdout).not.toContain('"shop"');
  });
});
