/** wv-mmm lift add / list / remove and gates --strict-regression, over the built CLI. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempStateDir, wv } from './cli-helpers.js';

const HEADER = 'channel,start_date,end_date,spend_change,incremental_revenue,standard_error';

describe('wv-mmm lift', () => {
  const state = tempStateDir();
  afterAll(() => state.remove());
  const run = (...args: string[]) => wv(state.dir, args);
  const file = (name: string, text: string): string => {
    const p = path.join(state.dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('adds tests from a CSV, lists them, refuses a bad file naming row and column, removes', () => {
    const good = file('lift.csv', `${HEADER}\nmeta,2023-05-01,2023-05-28,-50000,-120000,20000\n`);
    const added = run('lift', 'add', '--tenant', 'none_books', '--file', good);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/recorded 1 lift test\(s\) for none_books \(1 in total\)/);

    const bad = file('bad.csv', `${HEADER}\nmeta,2023-05-01,2023-05-28,-50000,-120000,-5\n`);
    const refused = run('lift', 'add', '--tenant', 'none_books', '--file', bad);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'bad.csv, row 2, column "standard_error": standard_error -5 must be > 0',
    );

    const listed = JSON.parse(run('lift', 'list', '--tenant', 'none_books', '--json').stdout) as {
      tests: { id: number; source: string; spend_change: number }[];
    };
    expect(listed.tests.map((t) => [t.id, t.source, t.spend_change])).toEqual([
      [1, 'lift.csv', -50000],
    ]);

    const removed = run('lift', 'remove', '--tenant', 'none_books', '--id', '1');
    expect(removed.stdout).toContain('deleted 1 lift test(s) of none_books');
    expect(run('lift', 'list', '--tenant', 'none_books').stdout).toContain('has no lift tests');
  });

  it('generate over a tenant with lift tests: the same options keep them, others delete them and say so', () => {
    const gen = (...more: string[]) =>
      run(
        'generate',
        '--tenants',
        '1',
        '--seed',
        '12008',
        '--prefix',
        'lr',
        '--years',
        '2',
        '--channels',
        '4',
        ...more,
      );
    expect(gen().code).toBe(0);
    // meta's spend in 2023-03-01..2023-04-25 of lr_s12008_0 is 248012.78: a 50% cut (probe s53).
    const half = file(
      'lr_half.csv',
      `${HEADER}\nmeta,2023-03-01,2023-04-25,-124006.39,-399488.49,38344.86\n`,
    );
    const added = run('lift', 'add', '--tenant', 'lr_s12008_0', '--file', half, '--json');
    expect(added.code, added.stderr).toBe(0);
    const id = (JSON.parse(added.stdout) as { added: { id: number }[] }).added[0].id;
    const same = gen();
    expect(same.stdout).toBe('generated 1 tenant (lr_s12008_0)\n');
    const other = gen('--correlation', '0.6');
    expect(other.code, other.stderr).toBe(0);
    expect(other.stdout).toBe(
      'generated 1 tenant (lr_s12008_0)\n' +
        `replaced lr_s12008_0: it held data generated with other options; deleted its lift test #${id}, measured on the old data (record tests of the new data with wv-mmm lift add --tenant lr_s12008_0 --file F)\n`,
    );
    expect(run('lift', 'list', '--tenant', 'lr_s12008_0').stdout).toContain('has no lift tests');
  });

  it('a file naming a channel in another case: stored as the data names it', () => {
    const caps = file('caps.csv', `${HEADER}\nMeta,2023-05-01,2023-05-28,-50000,-120000,20000\n`);
    expect(run('lift', 'add', '--tenant', 'none_books', '--file', caps).code).toBe(0);
    const listed = JSON.parse(run('lift', 'list', '--tenant', 'none_books', '--json').stdout) as {
      tests: { channel: string }[];
    };
    expect(listed.tests.map((t) => t.channel)).toEqual(['meta']);
    expect(run('lift', 'remove', '--tenant', 'none_books').code).toBe(0);
  });

  it('refuses a test on a channel with no spend in the data, storing nothing', () => {
    // A shop whose tiktok column is 0 on every day (a boost on it was recorded before).
    const rows = [`date,meta_spend,tiktok_spend,temperature_c,revenue`];
    for (let t = 0; t < 200; t++) {
      const date = new Date(Date.UTC(2024, 0, 1 + t)).toISOString().slice(0, 10);
      const meta = 100 + 40 * Math.sin(t / 3);
      rows.push(
        `${date},${meta.toFixed(2)},0,${(12 + 9 * Math.sin(t / 58)).toFixed(1)},${(2000 + 3 * meta).toFixed(2)}`,
      );
    }
    const data = file('shop.csv', rows.join('\n') + '\n');
    expect(run('import', '--file', data, '--tenant', 'zero_shop').code).toBe(0);
    const lift = file('tiktok.csv', `${HEADER}\ntiktok,2024-03-01,2024-03-28,10000,18000,4500\n`);
    const refused = run('lift', 'add', '--tenant', 'zero_shop', '--file', lift);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'tiktok.csv, row 2, column "channel": tiktok has no spend anywhere in tenant zero_shop\'s data (2024-01-01..2024-07-18): the model has nothing to estimate its effect from',
    );
    const listed = JSON.parse(run('lift', 'list', '--tenant', 'zero_shop', '--json').stdout) as {
      tests: unknown[];
    };
    expect(listed.tests).toEqual([]);
  });

  it('says which sub-command it needs and which flag goes with which', () => {
    const none = run('lift', '--tenant', 'none_books');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('lift needs a sub-command: add, list, remove (got none)');
    expect(run('lift', 'list', '--tenant', 'none_books', '--id', '3').stderr).toContain(
      '--id goes with remove',
    );
  });

  it('gates --strict-regression is stored in the decision', () => {
    // The shape suite's daily_2y_delayed: a phase-0 passer whose phase 1 ends below its floor
    // within fold noise (README, "gates": 0.6076 -> 0.6063, one fold lower, p = 0.21).
    const tenant = 'shape_daily_2y_delayed';
    expect(run('generate', '--suite').code).toBe(0);
    expect(run('run-phase', '--phase', '0', '--tenants', tenant).code).toBe(0);
    expect(run('run-phase', '--phase', '1', '--tenants', tenant).code).toBe(0);
    const aware = JSON.parse(run('gates', '--phase', '1', '--json').stdout) as {
      regression_test: { mode: string; judged_noise: string[] };
    };
    expect(aware.regression_test).toMatchObject({
      mode: 'noise_aware',
      judged_noise: [tenant],
    });
    const strict = JSON.parse(
      run('gates', '--phase', '1', '--strict-regression', '--json').stdout,
    ) as { decision: string; regression_test: { mode: string } };
    expect(strict.regression_test.mode).toBe('strict');
    expect(strict.decision).toBe('ESCALATE');
  }, 120_000);
});
