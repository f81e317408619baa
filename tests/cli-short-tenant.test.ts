/**
 * A tenant the import accepts but cross-validation cannot take (60 daily rows; the least is 147):
 * every CLI command that trains refuses it as bad input (exit 2, the rows needed, no stack trace),
 * and run-phase stores no failed run for it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoFromDays, parseIsoDay } from '../src/core/csv.js';
import { tempStateDir, wv } from './cli-helpers.js';

describe('wv-mmm on a tenant too short to cross-validate', () => {
  const state = tempStateDir();
  const file = path.join(state.dir, 'short.csv');
  beforeAll(() => {
    const start = parseIsoDay('2024-01-01');
    const lines = ['date,meta_spend,temperature_c,revenue'];
    for (let t = 0; t < 60; t++) {
      const spend = 100 + 30 * Math.sin(t / 4);
      lines.push(
        `${isoFromDays(start + t)},${spend.toFixed(2)},${(10 + (t % 9)).toFixed(1)},${(1000 + 2 * spend + (t % 7) * 15).toFixed(2)}`,
      );
    }
    writeFileSync(file, lines.join('\n') + '\n');
    const imported = wv(state.dir, ['import', '--file', file, '--tenant', 'short']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('at least 147 rows');
  });
  afterAll(() => state.remove());

  const refusedAsInput = (args: string[]) => {
    const r = wv(state.dir, args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('60 days are too few for an honest time-series validation');
    expect(r.stderr).toContain('import a longer history (at least 147 rows)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    return r;
  };

  it('train, explain and report refuse it as bad input', () => {
    refusedAsInput(['train', '--tenant', 'short', '--phase', '3']);
    refusedAsInput(['explain', '--tenant', 'short', '--replicates', '0']);
    refusedAsInput(['report', '--tenant', 'short', '--phase', '0']);
  });

  it('plan says first, in planning words, that the history is too short', () => {
    for (const extra of [[], ['--scenario', 'hot']]) {
      const r = wv(state.dir, ['plan', '--tenant', 'short', ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        "tenant 'short' cannot be planned yet: a plan spends with the tenant's phase 3 model, fitted and validated on its history, and 60 days are too few",
      );
      expect(r.stderr).toContain(
        'import a longer history (at least 147 rows, 87 more than now: wv-mmm import --tenant short --file F --replace), then plan again',
      );
      expect(r.stderr).not.toMatch(/--forecast|run the phase without it/);
    }
    expect(JSON.parse(wv(state.dir, ['plans', '--json']).stdout).plans).toEqual([]);
  });

  it('lift add records the test and says how many rows explain needs first', () => {
    const lift = path.join(state.dir, 'lift.csv');
    writeFileSync(
      lift,
      'channel,start_date,end_date,spend_change,incremental_revenue,standard_error\n' +
        'meta,2024-01-10,2024-01-20,-500,-1500,500\n',
    );
    const r = wv(state.dir, ['lift', 'add', '--tenant', 'short', '--file', lift]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('recorded 1 lift test(s) for short');
    expect(r.stdout).toContain(
      'next: the tests are recorded, but wv-mmm explain cannot use them yet: short holds 60 rows and explain needs at least 147 (87 more)',
    );
    expect(r.stdout).toContain('wv-mmm import --tenant short --file F --replace');
  });

  it('import --weather naming a column of no listed name: no "no humidity effects"', () => {
    const withHumidity = path.join(state.dir, 'relhum.csv');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(
      withHumidity,
      lines.map((l, t) => `${l},${t === 0 ? 'RelHum' : 60 + (t % 13)}`).join('\n') + '\n',
    );
    const marked = wv(state.dir, [
      'import',
      '--file',
      withHumidity,
      '--tenant',
      'short_relhum',
      '--weather',
      'temperature_c,RelHum',
    ]);
    expect(marked.code).toBe(0);
    expect(marked.stdout).not.toContain('humidity effects');
    // precipitation is still missing, and the warning says the marked column does not stand in
    expect(marked.stdout).toContain(
      'no precipitation_mm column (under any name docs/csv-format.md lists): the model has no precipitation effects; "RelHum", marked as weather',
    );
  });

  it('run-phase names the tenant and stores no run', () => {
    const r = refusedAsInput(['run-phase', '--phase', '0', '--tenants', 'short']);
    expect(r.stderr).toContain("tenant 'short': ");
    const runs = wv(state.dir, ['runs', '--json']);
    expect(runs.code).toBe(0);
    expect(JSON.parse(runs.stdout).runs).toEqual([]);
  });
});
