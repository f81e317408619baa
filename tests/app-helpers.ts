/** A real app on a fresh state directory for one test file, closed and removed after it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';

/**
 * Registers the file's beforeAll / afterAll: `app()` and `dir()` are the app (one worker, silent)
 * and its state directory once beforeAll has run.
 */
export function useTempApp(prefix: string): { app: () => App; dir: () => string } {
  let dir = '';
  let app: App | null = null;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), `wv-${prefix}-`));
    app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
  });
  afterAll(async () => {
    await app?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });
  return {
    app: () => {
      if (app === null) throw new Error('useTempApp: the app exists once beforeAll has run');
      return app;
    },
    dir: () => dir,
  };
}
