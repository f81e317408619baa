/**
 * Processes opening a new store at the same moment (a CLI beside the MCP server on a fresh state
 * directory): SQLite answered the WAL switch with SQLITE_BUSY without waiting, and one of them
 * failed "database is locked" (4 of 30 `run-phase` + `runs` pairs). openStore opens again.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = path.resolve('dist/src/cli/main.js');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `wv-mmm args` on the state directory `dir`: its exit code and stderr. */
function wvIn(dir: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, WV_MMM_STATE_DIR: dir, WV_MMM_LOG_LEVEL: 'warning' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a new store opened by several processes at once', () => {
  it('opens in every one of them', async () => {
    // A run that creates the store and writes to it, beside two readers starting with it.
    for (let round = 0; round < 10; round++) {
      const dir = mkdtempSync(path.join(tmpdir(), 'wv-open-race-'));
      dirs.push(dir);
      const results = await Promise.all([
        wvIn(dir, ['run-phase', '--phase', '0', '--tenants', 'none_books', '--json']),
        wvIn(dir, ['runs', '--json']),
        wvIn(dir, ['tenants', '--json']),
      ]);
      for (const r of results) expect(r.code, r.stderr).toBe(0);
    }
  }, 180_000);
});
