/**
 * Kept artefacts and run keys are tied to the model code that made them (src/app/version.ts
 * MODEL_CODE_ID, src/app/kept.ts): a figure stored by other code under the same package version
 * is made again, never served.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { MODEL_CODE_ID, modelCodeFingerprint } from '../src/app/version.js';
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
    const a = modelCodeFingerprint(tree(base), ['core', 'phases']);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    const crlf = Object.fromEntries(
      Object.entries(base).map(([k, v]) => [k, v.replace(/\n/g, '\r\n')]),
    );
    expect(modelCodeFingerprint(tree(crlf), ['core', 'phases'])).toBe(a);
    const more = {
      ...base,
      'core/a.d.ts': 'export declare const a: number;\n',
      'core/a.js.map': '{}',
    };
    expect(modelCodeFingerprint(tree(more), ['core', 'phases'])).toBe(a);
  });

  it('changes when a byte, a file name or a file set changes', () => {
    const a = modelCodeFingerprint(tree(base), ['core', 'phases']);
    const edited = { ...base, 'phases/deep/c.js': 'export const c = 4;\n' };
    expect(modelCodeFingerprint(tree(edited), ['core', 'phases'])).not.toBe(a);
    const { 'phases/b.js': b, ...rest } = base;
    expect(modelCodeFingerprint(tree({ ...rest, 'phases/b2.js': b }), ['core', 'phases'])).not.toBe(
      a,
    );
    expect(modelCodeFingerprint(tree({ ...base, 'core/z.js': '' }), ['core', 'phases'])).not.toBe(
      a,
    );
  });

  it('is part of the code id of this process', () => {
    expect(MODEL_CODE_ID).toMatch(/^\d+\.\d+\.\d+.*\+[0-9a-f]{16}$/);
  });
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
