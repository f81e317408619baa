/** Runs the built CLI (dist/src/cli/main.js) in a child process with its own state directory. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CLI = path.resolve('dist/src/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function tempStateDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wv-cli-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `wv-mmm args...` to completion. */
export function wv(stateDir: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, WV_MMM_STATE_DIR: stateDir, WV_MMM_LOG_LEVEL: 'warning', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `wv-mmm args...` without waiting (for signals). */
export function wvSpawn(stateDir: string, args: string[]) {
  return spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, WV_MMM_STATE_DIR: stateDir, WV_MMM_LOG_LEVEL: 'warning' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
