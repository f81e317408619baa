import { existsSync } from 'node:fs';
import path from 'node:path';
import { findPackageRoot, resolveStateDir } from '../store/paths.js';

/**
 * The package root (the store's lookup: walking up to weathervane-mmm's package.json). MCP hosts
 * start servers with cwd '/', so nothing may depend on the working directory.
 */
export function packageRoot(): string {
  return findPackageRoot();
}

/** State directory: WV_MMM_STATE_DIR when set, else <package root>/state. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolveStateDir(env);
}

/**
 * The module the pool's threads run (relative to src/ or dist/src/): the entry point of every
 * computation, whose imports version.ts fingerprints.
 */
export const WORKER_MODULE = 'app/worker.js';

/** The compiled worker module (tests run the TypeScript sources, workers always run dist). */
export function workerFile(): string {
  const file = path.join(packageRoot(), 'dist', 'src', ...WORKER_MODULE.split('/'));
  if (!existsSync(file)) {
    throw new Error('the compiled worker is missing: run `npm run build` first');
  }
  return file;
}

/** Why a file could not be written, in words (the system's code when it has no words here). */
const WRITE_ERROR_WORDS: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
};

export function writeErrorWords(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code !== undefined ? WRITE_ERROR_WORDS[code] : undefined) ?? code ?? (e as Error).message;
}
