/**
 * export --out and report --out naming a file or a directory where the other is wanted: exit 2
 * with what to do, before anything is computed (export was an "unexpected error" with a stack
 * trace; report failed after building the report with "EISDIR").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempStateDir, wv } from './cli-helpers.js';

describe('export and report destinations that cannot be written', () => {
  const state = tempStateDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'wv-dest-'));
  const file = path.join(dir, 'a-file');
  writeFileSync(file, 'x');
  afterAll(() => {
    state.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('export --out naming a file, or a path through one: exit 2 and what to do, no stack trace', () => {
    const r = wv(state.dir, ['export', '--tenant', 'high_umbrella_rain', '--out', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `wv-mmm: --out ${file} is a file; give a directory (created if needed)\n`,
    );
    const under = wv(state.dir, [
      'export',
      '--tenant',
      'high_umbrella_rain',
      '--out',
      `${file}/sub`,
    ]);
    expect(under.code).toBe(2);
    expect(under.stderr).toBe(
      `wv-mmm: cannot create --out ${file}/sub: a part of the path is a file, not a directory; give a directory that can be created or written\n`,
    );
  });

  it('report --out naming a directory, or a path through a file: refused before the report is built', () => {
    const r = wv(state.dir, ['report', '--tenant', 'high_umbrella_rain', '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `wv-mmm: cannot write the report to ${dir}: it is a directory; give a file path such as ${path.join(dir, 'report.html')}\n`,
    );
    const under = wv(state.dir, [
      'report',
      '--tenant',
      'high_umbrella_rain',
      '--out',
      `${file}/r.html`,
    ]);
    expect(under.code).toBe(2);
    expect(under.stderr).toBe(
      `wv-mmm: cannot write the report to ${file}/r.html: ${file} is a file, not a directory; give a file path in a directory\n`,
    );
    // Nothing was run or stored on the way.
    expect(JSON.parse(wv(state.dir, ['runs', '--json']).stdout).runs).toEqual([]);
  });
});
