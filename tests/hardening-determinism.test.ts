/**
 * Determinism end to end: the same run_phase request, run twice in one state directory and once
 * in a fresh state directory with a different number of worker threads, writes byte-identical
 * state/analytics/phase{N}_results.json for phases 0-3.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, text } from './mcp-helpers.js';
import { connectReal, removeTempDirs, type RealServer } from './hardening-helpers.js';

afterAll(() => removeTempDirs());

/** Phases 0/1 are cheap: three tenants, default folds; phases 2/3 two tenants and 3 folds. */
const REQUESTS: Record<number, Record<string, unknown>> = {
  0: { phase: 0, tenants: ['extreme_ski_gear', 'high_umbrella_rain', 'none_books'] },
  1: { phase: 1, tenants: ['extreme_ski_gear', 'high_umbrella_rain', 'none_books'] },
  2: { phase: 2, tenants: ['extreme_ski_gear', 'none_books'], folds: 3 },
  3: { phase: 3, tenants: ['high_umbrella_rain', 'none_books'], folds: 3 },
};

async function artifact(s: RealServer, phase: number, force: boolean): Promise<string> {
  const r = await call(s, 'run_phase', { ...REQUESTS[phase], force, wait: true });
  expect(r.isError, text(r)).toBeFalsy();
  expect(r.structuredContent).toMatchObject({ status: 'done', cached: false });
  return readFileSync(path.join(s.stateDir, 'analytics', `phase${phase}_results.json`), 'utf8');
}

const sha = (t: string) => createHash('sha256').update(t).digest('hex');

describe('byte-identical analytics artifacts', () => {
  it('phases 0-3: rerun in place and fresh state directory with other worker counts', async () => {
    const first: string[] = [];
    const again: string[] = [];
    const a = await connectReal({ workers: 2 });
    try {
      for (const phase of [0, 1, 2, 3]) {
        first[phase] = await artifact(a, phase, false);
        again[phase] = await artifact(a, phase, true);
      }
    } finally {
      await a.close();
    }
    const fresh: string[] = [];
    const b = await connectReal({ workers: 1 });
    try {
      for (const phase of [0, 1, 2, 3]) fresh[phase] = await artifact(b, phase, false);
    } finally {
      await b.close();
    }
    for (const phase of [0, 1, 2, 3]) {
      const tenants = REQUESTS[phase].tenants as string[];
      const parsed = JSON.parse(first[phase]) as Record<string, { fold_r2: number[] }>;
      // Tenants by id, as the run key sorts them (not in the request's order).
      expect(Object.keys(parsed), `phase ${phase}`).toEqual([...tenants].sort());
      for (const t of tenants)
        expect(parsed[t].fold_r2).toHaveLength((REQUESTS[phase].folds as number) ?? 5);
      expect(sha(again[phase]), `phase ${phase} rerun`).toBe(sha(first[phase]));
      expect(sha(fresh[phase]), `phase ${phase} fresh state dir`).toBe(sha(first[phase]));
    }
  });
});
