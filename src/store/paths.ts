/** Where the state lives: WV_MMM_STATE_DIR, else `<package root>/state` (never the cwd). */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreError } from './errors.js';

export const STATE_DIR_ENV = 'WV_MMM_STATE_DIR';
export const PACKAGE_NAME = 'weathervane-mmm';

/**
 * The package root: the nearest ancestor of `fromUrl`'s directory holding a package.json named
 * weathervane-mmm (else the nearest package.json at all). MCP hosts start servers with cwd '/',
 * so the cwd says nothing about where the package is.
 */
export function findPackageRoot(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  let firstFound: string | null = null;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      firstFound ??= dir;
      try {
        const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
        if (name === PACKAGE_NAME) return dir;
      } catch {
        // An unreadable manifest is not ours; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (firstFound !== null) return firstFound;
  throw new StoreError(
    `cannot find the ${PACKAGE_NAME} package root above ${fileURLToPath(fromUrl)}; set ${STATE_DIR_ENV}`,
  );
}

/**
 * WV_MMM_STATE_DIR when set (resolved to an absolute path), else `<packageRoot>/state`. Set but
 * empty (`export WV_MMM_STATE_DIR=$TYPO`, `"env": {"WV_MMM_STATE_DIR": ""}`) is refused: it was
 * read as unset, and a probe's commands then wrote into the package's own `state/` unsaid.
 */
export function resolveStateDir(
  env: Record<string, string | undefined> = process.env,
  packageRoot?: string,
): string {
  const fromEnv = env[STATE_DIR_ENV];
  if (fromEnv !== undefined) {
    if (fromEnv.trim() === '') {
      throw new StoreError(
        `${STATE_DIR_ENV} is set but empty; set it to the state directory to use, or unset it to use ${join(packageRoot ?? findPackageRoot(), 'state')}`,
      );
    }
    return resolve(fromEnv);
  }
  return join(packageRoot ?? findPackageRoot(), 'state');
}
