/** Creating the state directory without `mkdirSync(..., { recursive: true })`. */

import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` that always terminates. Node 20's recursive mkdirSync loops forever when a parent
 * exists but cannot hold children and mkdir reports ENOENT (e.g. `/proc/forbidden`, a path under
 * a dangling symlink): it steps back on ENOENT and forward on EEXIST without end. Here the
 * missing components are found first (at most one stat per component), then created one by one,
 * so any failure is thrown as the system reported it (ENOENT, ENOTDIR, EACCES, EROFS, ENOSPC).
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let current = resolve(dir);
  for (;;) {
    let isDir: boolean | null = null;
    try {
      isDir = statSync(current).isDirectory();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (isDir === true) break;
    if (isDir === false) {
      const err: NodeJS.ErrnoException = new Error(`ENOTDIR: not a directory, mkdir '${current}'`);
      err.code = 'ENOTDIR';
      throw err;
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i]);
    } catch (err) {
      // Another process may have created it meanwhile; anything else is final.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(missing[i]).isDirectory())
        throw err;
    }
  }
}
