/**
 * Kept artefacts and run keys are tied to the model code that made them (src/app/version.ts
 * MODEL_CODE_ID, src/app/kept.ts): a figure stored by other code under the same package version
 * is made again, never served. The id covers every module the worker threads load to compute a
 * result (a worker whose app/compute.js differed was accepted by the queue).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, DEFAULT_CONFIG } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { WORKER_MODULE } from '../src/app/paths.js';
import {
  MODEL_CODE_ID,
  modelCodeFiles,
  modelCodeFingerprint,
  moduleGraph,
} from '../src/app/version.js';
import { openStore } from '../src/store/index.js';

const dirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = tempDir('wv-code-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('modelCodeFingerprint', () => {
  const base = {
    'core/a.js': 'export const a = 1;\n',
    'phases/b.js': 'export const b = 2;\n',
    'phases/deep/c.js': 'export const c = 3;\n',
  };

  it('is the same for the same files, whatever the line endings, declarations or maps', () => {
    const a = modelCodeFingerprint(tree(base), ['core', 'phases'], []);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    const crlf = Object.fromEntries(
      Object.entries(base).map(([k, v]) => [k, v.replace(/\n/g, '\r\n')]),
    );
    expect(modelCodeFingerprint(tree(crlf), ['core', 'phases'], [])).toBe(a);
    const more = {
      ...base,
      'core/a.d.ts': 'export declare const a: number;\n',
      'core/a.js.map': '{}',
    };
    expect(modelCodeFingerprint(tree(more), ['core', 'phases'], [])).toBe(a);
  });

  it('changes when a byte, a file name or a file set changes', () => {
    const a = modelCodeFingerprint(tree(base), ['core', 'phases'], []);
    const edited = { ...base, 'phases/deep/c.js': 'export const c = 4;\n' };
    expect(modelCodeFingerprint(tree(edited), ['core', 'phases'], [])).not.toBe(a);
    const { 'phases/b.js': b, ...rest } = base;
    expect(
      modelCodeFingerprint(tree({ ...rest, 'phases/b2.js': b }), ['core', 'phases'], []),
    ).not.toBe(a);
    expect(
      modelCodeFingerprint(tree({ ...base, 'core/z.js': '' }), ['core', 'phases'], []),
    ).not.toBe(a);
  });

  it('is part of the code id of this process', () => {
    expect(MODEL_CODE_ID).toMatch(/^\d+\.\d+\.\d+.*\+[0-9a-f]{16}$/);
  });
});

describe('the modules a worker executes', () => {
  const app = {
    'core/a.js': 'export const a = 1;\n',
    'app/worker.js': "import { compute } from './compute.js';\nexport default compute;\n",
    'app/compute.js':
      "import { a } from '../core/a.js';\nimport {\n  h,\n} from '../store/hash.js';\n" +
      "export * from './more.js';\nexport const compute = () => import('../lazy/l.js');\n",
    'app/more.js': 'export const more = 1;\n',
    'store/hash.js': 'export const h = 1;\n',
    'store/store.js': "import { h } from './hash.js';\n",
    'lazy/l.js': 'export const l = 1;\n',
  };
  const entry = ['app/worker.js'];

  it('are every file the entry loads: imports, re-exports and import(), over lines', () => {
    expect(moduleGraph(tree(app), 'app/worker.js')).toEqual([
      'app/compute.js',
      'app/more.js',
      'app/worker.js',
      'core/a.js',
      'lazy/l.js',
      'store/hash.js',
    ]);
    // Sources: './compute.js' is compute.ts.
    const sources = Object.fromEntries(
      Object.entries(app).map(([k, v]) => [k.replace(/\.js$/, '.ts'), v]),
    );
    expect(moduleGraph(tree(sources), 'app/worker.js')).toContain('store/hash.ts');
    expect(() => moduleGraph(tree(app), 'app/other.js')).toThrow(/app\/other\.js is not in/);
  });

  it('an edit in a module the worker loads changes the id; one in a module it does not, not', () => {
    const a = modelCodeFingerprint(tree(app), ['core'], entry);
    for (const file of ['app/compute.js', 'app/more.js', 'store/hash.js', 'lazy/l.js']) {
      const edited = { ...app, [file]: `${app[file as keyof typeof app]}// seed + 1\n` };
      expect(modelCodeFingerprint(tree(edited), ['core'], entry), file).not.toBe(a);
    }
    const unused = { ...app, 'store/store.js': '// changed\n' };
    expect(modelCodeFingerprint(tree(unused), ['core'], entry)).toBe(a);
  });

  it("this build's id covers the worker's own app and store modules", () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
    const files = modelCodeFiles(root);
    for (const f of ['app/worker.ts', 'app/compute.ts', 'app/plan-task.ts', 'store/hash.ts']) {
      expect(files).toContain(f);
    }
  });

  it('every module the TypeScript compiler sees the worker import is covered', () => {
    // An independent reading of the imports (the compiler's own), from the worker's entry.
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
    const covered = new Set(modelCodeFiles(root));
    const seen = new Set<string>();
    const todo = [WORKER_MODULE.replace(/\.js$/, '.ts')];
    for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      const info = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
      for (const { fileName } of info.importedFiles) {
        if (!fileName.startsWith('.')) continue; // a package
        todo.push(path.posix.join(path.posix.dirname(file), fileName).replace(/\.js$/, '.ts'));
      }
    }
    expect(seen.size).toBeGreaterThan(20);
    expect([...seen].filter((f) => !covered.has(f))).toEqual([]);
  });

  it('every module Node loads to compute a task in a worker is covered (the build)', () => {
    // What a worker thread really executes: the compiled entry run on a task under a module hook
    // that lists every file loaded.
    const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const dist = path.join(pkg, 'dist', 'src');
    const dir = tempDir('wv-loaded-');
    const log = path.join(dir, 'loaded.txt');
    writeFileSync(
      path.join(dir, 'hooks.mjs'),
      "import { appendFileSync } from 'node:fs';\n" +
        'export async function load(url, context, next) {\n' +
        "  if (url.startsWith('file:')) appendFileSync(process.env.WV_LOADED, url + '\\n');\n" +
        '  return next(url, context);\n}\n',
    );
    writeFileSync(
      path.join(dir, 'register.mjs'),
      "import { register } from 'node:module';\n" +
        `register(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});\n`,
    );
    const task = {
      kind: 'train',
      phase: 0,
      config: DEFAULT_CONFIG,
      source: { kind: 'builtin', tenant: 'none_books' },
    };
    writeFileSync(
      path.join(dir, 'run.mjs'),
      `const { default: run } = await import(${JSON.stringify(pathToFileURL(path.join(dist, WORKER_MODULE)).href)});\n` +
        // The pool posts the task with its cancel flag (worker.ts WorkerMessage).
        `const out = run({ task: ${JSON.stringify(task)}, cancel: new Int32Array(new SharedArrayBuffer(4)) });\n` +
        "if (out.kind !== 'train') throw new Error('no result');\n",
    );
    const child = spawnSync(
      process.execPath,
      ['--import', pathToFileURL(path.join(dir, 'register.mjs')).href, path.join(dir, 'run.mjs')],
      { env: { ...process.env, WV_LOADED: log }, encoding: 'utf8' },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const loaded = readFileSync(log, 'utf8')
      .split('\n')
      .filter((u) => u.startsWith(pathToFileURL(dist).href + '/'))
      .map((u) => path.relative(dist, fileURLToPath(u)).split(path.sep).join('/'));
    expect(loaded).toContain('app/compute.js');
    const covered = new Set(modelCodeFiles(dist));
    expect(loaded.filter((f) => !covered.has(f))).toEqual([]);
  }, 60_000);
});

describe('artefacts kept beside a run', () => {
  it('serves a stored explanation only to the code that made it', async () => {
    const stateDir = tempDir('wv-kept-');
    let app = createApp({ stateDir, workers: 1, log: silentLogger });
    const run = await app.startPhaseRun({ phase: 1, tenants: ['none_books'] }).done;
    expect(run.status).toBe('done');
    const first = await app.explainTenant({ tenant: 'none_books', phase: 1, replicates: 0 });
    const second = await app.explainTenant({ tenant: 'none_books', phase: 1, replicates: 0 });
    expect(second.notes.at(-1)).toMatch(/explanation and intervals stored with run/);
    await app.close();

    // The same rows as if another build of the same version had made them.
    const store = openStore(stateDir);
    const kept = store.getModels(run.id, 'none_books', -1);
    const explanation = kept.find((m) => m.kind === 'explanation')!;
    expect((explanation.payload as { code_id: string }).code_id).toBe(MODEL_CODE_ID);
    store.saveModel(run.id, 'none_books', {
      fold: -1,
      kind: 'explanation',
      payload: { ...(explanation.payload as object), code_id: 'other-build' },
    });
    store.close();

    app = createApp({ stateDir, workers: 1, log: silentLogger });
    const third = await app.explainTenant({ tenant: 'none_books', phase: 1, replicates: 0 });
    // Made again from the kept all-rows model (still this code's), and the same figures.
    expect(third.notes.join(' ')).not.toMatch(/explanation and intervals stored/);
    expect(third.notes.at(-1)).toMatch(/explained from the all-rows model stored with run/);
    expect(third.channels).toEqual(first.channels);
    const fourth = await app.explainTenant({ tenant: 'none_books', phase: 1, replicates: 0 });
    expect(fourth.notes.at(-1)).toMatch(/explanation and intervals stored with run/);
    await app.close();
  }, 120_000);
});
