/**
 * A tenant the import accepts but cross-validation cannot take (60 daily rows; the least is 147):
 * every CLI command that trains refuses it as bad input (exit 2, the rows needed, no stack trace),
 * and run-phase stores no failed run for it.
 */
import { writeFileSync } from 'node:fs';
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

  it('run-phase names the tenant and stores no run', () => {
    const r = refusedAsInput(['run-phase', '--phase', '0', '--tenants', 'short']);
    expect(r.stderr).toContain("tenant 'short': ");
    const runs = wv(state.dir, ['runs', '--json']);
    expect(runs.code).toBe(0);
    expect(JSON.parse(runs.stdout).runs).toEqual([]);
  });
});
