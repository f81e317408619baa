/**
 * A first checked plan makes the plan model's curve fit and refits as a step of its own and keeps
 * them at once (app/plan.ts): a call stopped after that step (a client's 60 s timeout on a large
 * tenant, Ctrl-C) stores no plan, and the same call afterwards goes on from the kept refits
 * instead of making them again; its plan is byte-identical to one made without the stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { ComputePool } from '../src/app/pool.js';
import { openStore } from '../src/store/index.js';

const T = 'extreme_ski_gear';
const REQUEST = { tenant: T, days: 14, replicates: 20 };

let dirs: string[] = [];
let apps: App[] = [];

function newApp(): { app: App; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wv-plan-resume-'));
  const app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
  dirs.push(dir);
  apps.push(app);
  return { app, dir };
}

beforeAll(() => {
  dirs = [];
  apps = [];
});

afterAll(async () => {
  for (const a of apps) await a.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('a first checked plan stopped after its refits', () => {
  it('keeps the refits, stores no plan, and the same call goes on from them to the same plan', async () => {
    const { app, dir } = newApp();
    await app.startPhaseRun({ phase: 3, tenants: [T] }).done;

    // Stopped when the plan itself starts, after the curve fit and the refits.
    const controller = new AbortController();
    const steps: string[] = [];
    await expect(
      app.planBudget(REQUEST, {
        signal: controller.signal,
        onProgress: (e) => {
          steps.push(e.message);
          if (/^planning /.test(e.message)) controller.abort('the test stops it');
        },
      }),
    ).rejects.toThrow();
    expect(steps.join('\n')).toMatch(/first checked plan on this model/);
    expect(app.listPlans().total).toBe(0);
    const runId = app.listRuns({ phase: 3 }).runs[0].id;
    const store = openStore(dir);
    try {
      const kept = store.getModels(runId, T, -1).filter((m) => m.kind === 'plan_refits:20');
      expect(kept).toHaveLength(1);
    } finally {
      store.close();
    }

    // The same call: only the plan is computed (no refits, no model fit), and no step says
    // it is a first checked plan.
    const runs = vi.spyOn(ComputePool.prototype, 'run');
    const again: string[] = [];
    let resumed;
    try {
      resumed = await app.planBudget(REQUEST, { onProgress: (e) => again.push(e.message) });
      expect(runs.mock.calls.map((c) => c[0].kind)).toEqual(['plan']);
    } finally {
      runs.mockRestore();
    }
    expect(again.join('\n')).not.toMatch(/first checked plan/);
    expect(app.listPlans().total).toBe(1);

    // The plan of a call never stopped, on a state directory of its own.
    const other = newApp().app;
    await other.startPhaseRun({ phase: 3, tenants: [T] }).done;
    const whole = await other.planBudget(REQUEST);
    expect(JSON.stringify(resumed.plan)).toBe(JSON.stringify(whole.plan));
    expect(JSON.stringify(resumed.caveats)).toBe(JSON.stringify(whole.caveats));
  }, 240_000);
});
