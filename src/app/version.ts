import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { packageRoot, WORKER_MODULE } from './paths.js';

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

/**
 * The modules whose import graphs are fingerprinted beside MODEL_CODE_DIRS: the worker threads'
 * entry (paths.ts WORKER_MODULE), so everything a worker executes to compute a result is in the
 * id wherever it lives (app/compute.ts: tenant resolution, the config passed to the phase, the
 * figures it drops; app/plan-task.ts; store/hash.ts). A worker whose app/compute.js differed was
 * accepted by the queue and its figures stored as the coordinator's.
 */
export const MODEL_CODE_ENTRIES: readonly string[] = [WORKER_MODULE];

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
 * Relative module specifiers in a module's text: `from '...'` (imports and re-exports, type-only
 * ones too), side-effect `import '...'` and `import('...')`. A match in a comment or a string
 * only adds a file (when one of that name exists): the id changes more often, never less.
 */
const RELATIVE_IMPORT = /\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"\n]+)['"]/g;

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The file `spec` names from the module `from` (both relative to `root`), or null when there is
 * none: './x.js' is x.js in a compiled tree and x.ts in the sources.
 */
function resolveModule(root: string, from: string, spec: string): string | null {
  const rel = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [rel, rel.replace(/\.js$/, '.ts')]) {
    if (isFile(path.join(root, candidate))) return candidate;
  }
  return null;
}

/**
 * Every module `entry` loads from `root`, itself included, following relative imports
 * transitively (paths relative to `root`, sorted). Packages (node_modules) are not followed.
 * Throws when `entry` is not in the tree.
 */
export function moduleGraph(root: string, entry: string): string[] {
  const start = resolveModule(root, '', `./${entry}`);
  if (start === null) throw new Error(`${entry} is not in ${root}`);
  const seen = new Set<string>([start]);
  const todo = [start];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(RELATIVE_IMPORT)) {
      const dep = resolveModule(root, file, m[1]);
      if (dep !== null && !seen.has(dep)) {
        seen.add(dep);
        todo.push(dep);
      }
    }
  }
  return [...seen].sort();
}

/**
 * The files a model code id covers under `root`: every source file of `dirs` and every module
 * `entries` load (sorted, each once).
 */
export function modelCodeFiles(
  root: string,
  dirs: readonly string[] = MODEL_CODE_DIRS,
  entries: readonly string[] = MODEL_CODE_ENTRIES,
): string[] {
  const files = new Set<string>();
  for (const dir of dirs) for (const rel of sourceFiles(root, dir)) files.add(rel);
  for (const entry of entries) for (const rel of moduleGraph(root, entry)) files.add(rel);
  return [...files].sort();
}

/**
 * SHA-256 of the model code's files (their paths and bytes) under `root` (the directory holding
 * core/, phases/, app/, ...): the same tree gives the same id on any machine.
 */
export function modelCodeFingerprint(
  root: string,
  dirs: readonly string[] = MODEL_CODE_DIRS,
  entries: readonly string[] = MODEL_CODE_ENTRIES,
): string {
  const h = createHash('sha256');
  for (const rel of modelCodeFiles(root, dirs, entries)) {
    // Line endings normalized: a Windows checkout of the same commit is the same code.
    const text = readFileSync(path.join(root, rel), 'utf8').replace(/\r\n/g, '\n');
    h.update(`${rel}\0${text.length}\0${text}\0`);
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * Identity of the code that computes figures: the package version plus the fingerprint of the
 * model code this process runs (dist's .js, or src's .ts under the tests): the model layers and
 * everything the worker threads load to compute a result. Run keys, stored
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
