/**
 * plan_budget that stops while it runs phase 3 for its tenant (a first plan): the run records
 * why, in the words run_phase's runs use (get_run tells an unattended client how it ended).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { connect, type Connected } from './mcp-helpers.js';

let dir: string;
let app: App;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wv-plan-cancel-'));
  app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
  const csv = app.exportTenant('extreme_ski_gear').csv;
  app.importTenantData({ tenant: 'shop', csv });
  app.importTenantData({ tenant: 'shop2', csv });
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts plan_budget for `tenant` with `signal`, calls `stop` once its phase 3 run has started,
 * and returns the error the run recorded once it ended.
 */
async function planStoppedDuringPhase3(
  c: Connected,
  tenant: string,
  signal: AbortSignal | undefined,
  stop: () => void,
): Promise<string | null> {
  let stopped = false;
  const pending = c.client.callTool(
    { name: 'plan_budget', arguments: { tenant, replicates: 0 } },
    undefined,
    {
      signal,
      onprogress: (p) => {
        if (!stopped && /running phase 3 for it first/.test(p.message ?? '')) {
          stopped = true;
          stop();
        }
      },
    },
  );
  await expect(pending).rejects.toThrow();
  expect(stopped).toBe(true);
  for (let i = 0; i < 600; i++) {
    const run = app.listRuns({ phase: 3 }).runs.find((r) => r.tenants[0] === tenant);
    if (run && run.status !== 'running' && run.status !== 'queued') {
      expect(run.status).toBe('cancelled');
      return run.error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the run never ended');
}

describe('plan_budget stopped during its phase 3 run', () => {
  it('records the client cancel with its reason (it said "cancelled by the caller")', async () => {
    const c = await connect(app);
    const controller = new AbortController();
    try {
      const error = await planStoppedDuringPhase3(c, 'shop', controller.signal, () =>
        controller.abort('the user stopped it'),
      );
      expect(error).toBe('cancelled by the client (notifications/cancelled: the user stopped it)');
    } finally {
      await c.close();
    }
  }, 60_000);

  it('says the connection closed when the client went away', async () => {
    const c = await connect(app);
    const error = await planStoppedDuringPhase3(c, 'shop2', undefined, () => void c.close());
    expect(error).toMatch(/^cancelled: the MCP connection closed before the run finished/);
    expect(app.listPlans().total).toBe(0);
  }, 60_000);
});
