/**
 * A reader that stops reading: `wv-mmm tenants | head -0` closes the pipe before the command
 * writes. Node raised the write's EPIPE as an uncaught error (a stack trace on stderr, exit 1);
 * the CLI now stops writing quietly (exit 0 when the work was done).
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, tempStateDir, wv } from './cli-helpers.js';

const state = tempStateDir();
afterAll(() => state.remove());

function closedReader(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, WV_MMM_STATE_DIR: state.dir, WV_MMM_LOG_LEVEL: 'warning' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader goes away at once, before the command has written anything.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('output closed by its reader', () => {
  it.each([['tenants'], ['tenants', '--json'], ['--help'], ['runs']])(
    'wv-mmm %s exits quietly',
    async (...args) => {
      const r = await closedReader(args);
      expect(r.stderr).not.toMatch(/EPIPE|Unhandled|node:events/);
      expect(r.code).toBe(0);
    },
    60_000,
  );
});

describe('a reader gone while the command still works', () => {
  it('demo prints each phase as it ends: the next phase is cancelled, exit 141', async () => {
    // Before, demo printed all four phases at the end: the closed pipe went unseen until every
    // run was done, and it exited 0 (README said 141).
    const r = await closedReader(['demo', '--tenants', 'none_books']);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|node:events/);
    expect(r.code).toBe(141);
    const runs = wv(state.dir, ['runs', '--json']);
    const list = (JSON.parse(runs.stdout) as { runs: { phase: number; status: string }[] }).runs;
    expect(list.find((x) => x.phase === 0)?.status).toBe('done');
    expect(list.some((x) => x.status === 'cancelled')).toBe(true);
    expect(list.some((x) => x.phase === 3)).toBe(false);
  }, 120_000);
});
