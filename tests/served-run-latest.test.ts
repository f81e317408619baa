/**
 * A run served from the store (an identical request) becomes its phase's latest run: check_gates,
 * compare_phases and get_report {phase} then judge the run run_phase just returned, not a run of
 * other tenants made in between. The probe's case: phases 0 and 1 on some tenants, then on
 * another; run_phase {phase: 1} on the first ones again was served (run 2, 2 tenants) while
 * check_gates {phase: 1} judged run 4 (1 tenant).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { Store, StoreError } from '../src/store/index.js';
import { call, connect, text } from './mcp-helpers.js';

const A = ['none_books', 'extreme_heating'];
const B = ['extreme_ski_gear'];
const dirs: string[] = [];
function tempState(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'wv-served-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs 1-4: phase 0 and 1 on A, then phase 0 and 1 on B. */
const FOUR_RUNS = [
  [0, A],
  [1, A],
  [0, B],
  [1, B],
] as const;

async function fourRuns(app: App): Promise<void> {
  for (const [phase, tenants] of FOUR_RUNS) {
    await app.startPhaseRun({ phase, tenants: [...tenants] }).done;
  }
}

describe('a run served from the store is its phase latest (app)', () => {
  it('check_gates, compare_phases and the run report judge the served run', async () => {
    const app = createApp({ stateDir: tempState(), workers: 1, log: silentLogger });
    try {
      await fourRuns(app);
      expect(app.checkGates({ phase: 1 }).total).toBe(1);
      const again = app.startPhaseRun({ phase: 1, tenants: [...A] });
      expect(again.cached).toBe(true);
      expect(again.runId).toBe(2);
      await again.done;
      expect(app.checkGates({ phase: 1 }).total).toBe(2);
      const cmp = app.comparePhases({ phase: 0 }, { phase: 1 });
      expect([cmp.a.run_id, cmp.b.run_id]).toEqual([1, 2]);
      const report = await app.writeReport({ phase: 1 });
      expect(report.run_id).toBe(2);
      // a run made afterwards is the latest again
      await app.startPhaseRun({ phase: 1, tenants: [...B], force: true }).done;
      expect(app.checkGates({ phase: 1 }).total).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('a store that refuses to record the serve still serves the run', async () => {
    const app = createApp({ stateDir: tempState(), workers: 1, log: silentLogger });
    try {
      await fourRuns(app);
      vi.spyOn(Store.prototype, 'markServed').mockImplementation(() => {
        throw new StoreError('attempt to write a readonly database');
      });
      const again = app.startPhaseRun({ phase: 1, tenants: [...A] });
      expect(again.cached).toBe(true);
      const run = await again.done;
      expect(run.status).toBe('done');
      expect(run.results.map((r) => r.tenant).sort()).toEqual([...A].sort());
      // the default stays the run it was
      expect(app.checkGates({ phase: 1 }).total).toBe(1);
    } finally {
      await app.close();
    }
  });
});

describe('a run served from the store is its phase latest (MCP)', () => {
  it('run_phase names the run it means; check_gates and get_report {phase} judge it', async () => {
    const app = createApp({ stateDir: tempState(), workers: 1, log: silentLogger });
    const c = await connect(app);
    try {
      for (const [phase, tenants] of FOUR_RUNS) {
        expect((await call(c, 'run_phase', { phase, tenants })).isError).toBeFalsy();
      }
      const r = await call(c, 'run_phase', { phase: 1, tenants: A });
      const sc = r.structuredContent as { run_id: number; cached: boolean; next_step: string };
      expect(sc.cached).toBe(true);
      expect(sc.run_id).toBe(2);
      expect(sc.next_step).toContain('check_gates {"phase": 1, "run_id": 2}');
      expect(text(r)).toContain('check_gates {"phase": 1, "run_id": 2}');
      const g = await call(c, 'check_gates', { phase: 1 });
      expect((g.structuredContent as { total: number }).total).toBe(2);
      const cmp = await call(c, 'compare_phases', { a: 0, b: 1 });
      const cs = cmp.structuredContent as { a: { run_id: number }; b: { run_id: number } };
      expect([cs.a.run_id, cs.b.run_id]).toEqual([1, 2]);
      const rep = await call(c, 'get_report', { phase: 1 });
      expect((rep.structuredContent as { run_id: number }).run_id).toBe(2);
      // in the background: served at once, and its next step names it too
      const bg = await call(c, 'run_phase', { phase: 0, tenants: A, wait: false });
      const bs = bg.structuredContent as { cached: boolean; next_step: string };
      expect(bs.cached).toBe(true);
      expect(bs.next_step).toBe('The run is done; call check_gates {"phase": 0, "run_id": 1}.');
      expect((await call(c, 'check_gates', { phase: 0 })).structuredContent).toMatchObject({
        total: 2,
      });
    } finally {
      await c.close();
      await app.close();
    }
  });
});
