import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { packageRoot } from './paths.js';

/** The package version: what `wv-mmm --version` and the MCP server announce. */
export const CODE_VERSION: string = (() => {
  const require = createRequire(import.meta.url);
  try {
    return String(
      (require(path.join(packageRoot(), 'package.json')) as { version: string }).version,
    );
  } catch {
    return '0.0.0';
  }
})();

/**
 * The layers whose code decides a figure: the numerics and models, the phases and gates, the
 * planner and the report's fits. A change to any of them changes what a run, an explanation or a
 * plan computes, so their content (not only the package version, which a change inside a release
 * does not bump) is part of every cache key.
 */
export const MODEL_CODE_DIRS: readonly string[] = ['core', 'gates', 'phases', 'plan', 'report'];

/** Files of a tree, as paths relative to `root` with '/' separators, sorted (the same on every OS). */
function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(root, rel));
    // Compiled (dist: .js) or source (tests run the .ts files); declarations and maps say nothing new.
    else if (/\.(js|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out.sort();
}

/**
 * SHA-256 of the model code's files (their paths and bytes) under `root` (the directory holding
 * core/, phases/, ...): the same tree gives the same id on any machine.
 */
export function modelCodeFingerprint(
  root: string,
  dirs: readonly string[] = MODEL_CODE_DIRS,
): string {
  const h = createHash('sha256');
  for (const dir of dirs) {
    for (const rel of sourceFiles(root, dir)) {
      // Line endings normalized: a Windows checkout of the same commit is the same code.
      const text = readFileSync(path.join(root, rel), 'utf8').replace(/\r\n/g, '\n');
      h.update(`${rel}\0${text.length}\0${text}\0`);
    }
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * Identity of the code that computes figures: the package version plus the fingerprint of the
 * model code this process runs (dist's .js, or src's .ts under the tests). Run keys, stored
 * explanations, plan refits, report fits and the queue's task identities use it, so a figure
 * is never served from a store filled by other model code under the same version.
 */
export const MODEL_CODE_ID: string = (() => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  try {
    return `${CODE_VERSION}+${modelCodeFingerprint(root)}`;
  } catch {
    // Unreadable tree (a bundled build): the package version alone, as before fingerprints.
    return `${CODE_VERSION}+unfingerprinted`;
  }
})();

/**
 * The model code ids whose queued jobs this process may compute (queue/worker.ts): its own and,
 * inside a checkout, those of the checkout's sources and of its compiled tree (the test suite
 * runs a coordinator from the sources beside compiled workers, and the reverse; both come from the
 * same commit once it is built). A worker of other code computed jobs silently and its figures
 * were stored as the coordinator's. Fingerprinted on first use (a worker's first job).
 */
export function acceptedCodeIds(): ReadonlySet<string> {
  if (accepted) return accepted;
  const ids = new Set([MODEL_CODE_ID]);
  for (const tree of [path.join(packageRoot(), 'src'), path.join(packageRoot(), 'dist', 'src')]) {
    try {
      ids.add(`${CODE_VERSION}+${modelCodeFingerprint(tree)}`);
    } catch {
      // not in this installation (an installed package has no sources)
    }
  }
  accepted = ids;
  return ids;
}
let accepted: ReadonlySet<string> | null = null;
