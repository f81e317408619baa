import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found by walking up from this module to package.json. MCP hosts start
 * servers with cwd '/', so nothing may depend on the working directory.
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('weathervane-mmm: package.json not found above the module');
    dir = up;
  }
}

/** State directory: WV_MMM_STATE_DIR when set, else <package root>/state. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.WV_MMM_STATE_DIR;
  if (fromEnv && fromEnv.trim() !== '') return path.resolve(fromEnv);
  return path.join(packageRoot(), 'state');
}

/** The compiled worker module (tests run the TypeScript sources, workers always run dist). */
export function workerFile(): string {
  const file = path.join(packageRoot(), 'dist', 'src', 'app', 'worker.js');
  if (!existsSync(file)) {
    throw new Error('the compiled worker is missing: run `npm run build` first');
  }
  return file;
}
