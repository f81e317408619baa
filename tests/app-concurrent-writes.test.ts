/**
 * Writes that race another session on the same state directory: an import of the same new id,
 * and a delete_tenant while a plan of the tenant is computed. What another process does between
 * a use case's check and its write is played here by a second app on the same directory (or a
 * progress callback), at the moment the race would hit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { DatasetExistsError, Store, openStore } from '../src/store/index.js';

let dir: string;
let app: App;
let other: App;
let csvA: string;
let csvB: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wv-races-'));
  app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
  other = createApp({ stateDir: dir, workers: 1, log: silentLogger });
  csvA = app.exportTenant('extreme_ski_gear').csv;
  csvB = app.exportTenant('none_books').csv;
});

afterAll(async () => {
  vi.restoreAllMocks();
  await app?.close();
  await other?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('import of the same new tenant id by two sessions at once', () => {
  it('refuses the second (it overwrote the first and both said imported)', () => {
    other.importTenantData({ tenant: 'twin', csv: csvB });
    const stored = other.exportTenant('twin').csv;
    expect(stored).toBe(csvB);
    // This session looked before the other one wrote: the tenant was not there yet.
    const look = vi.spyOn(Store.prototype, 'getDatasetSummary').mockReturnValueOnce(null);
    expect(() => app.importTenantData({ tenant: 'twin', csv: csvA })).toThrow(
      "tenant 'twin' already exists (imported); pass replace: true to overwrite it",
    );
    expect(look).toHaveBeenCalled();
    look.mockRestore();
    expect(app.exportTenant('twin').csv).toBe(stored);
    // With replace the import is meant to overwrite, race or not.
    const replaced = app.importTenantData({
      tenant: 'twin',
      csv: csvA,
      replace: true,
      acceptChanges: true,
    });
    expect(replaced.replaced).toBe(true);
    expect(other.exportTenant('twin').csv).toBe(csvA);
  });

  it('the store refuses onlyNew on a stored tenant and leaves it as it was', () => {
    const s = openStore(dir);
    try {
      const before = s.getDataset('twin');
      const info = { ...before!.info, rows: 1 };
      let thrown: unknown;
      try {
        s.upsertDataset({ info, csv: 'date,revenue\n2024-01-01,1\n', onlyNew: true });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(DatasetExistsError);
      expect((thrown as DatasetExistsError).source).toBe('imported');
      expect(s.getDataset('twin')).toEqual(before);
      const fresh = s.upsertDataset({
        info: { ...info, tenant: 'fresh' },
        csv: 'date,revenue\n2024-01-01,1\n',
        onlyNew: true,
      });
      expect(fresh.tenant).toBe('fresh');
    } finally {
      s.close();
    }
  });
});

describe('delete_tenant while a plan of the tenant is computed', () => {
  beforeAll(async () => {
    app.importTenantData({ tenant: 'shop', csv: csvA });
    app.importTenantData({ tenant: 'shop2', csv: csvB });
    const run = await app.startPhaseRun({ phase: 3, tenants: ['shop', 'shop2'] }).done;
    expect(run.status).toBe('done');
  }, 120_000);

  /** Plans `tenant`, running `during` when the planner starts (after the model is loaded). */
  function planWhile(tenant: string, during: () => void) {
    let fired = false;
    return app.planBudget(
      { tenant, replicates: 0 },
      {
        onProgress: (e) => {
          if (!fired && e.message.startsWith('planning')) {
            fired = true;
            during();
          }
        },
      },
    );
  }

  it('refuses to store it when the run of its model is deleted (it read as a full disk)', async () => {
    const runId = app.listRuns({ phase: 3 }).runs[0].id;
    const plans = app.listPlans().total;
    await expect(
      planWhile('shop', () => other.deleteTenant({ tenant: 'shop2', runs: 'delete' })),
    ).rejects.toThrow(
      `the phase 3 run ${runId} that holds the model of 'shop' was deleted while the plan was computed; nothing was stored`,
    );
    expect(app.listPlans().total).toBe(plans);
  });

  it('refuses to store it when the tenant is deleted (it was stored after the delete)', async () => {
    // The previous test deleted the run: this plan runs phase 3 for the tenant first.
    const plans = app.listPlans().total;
    await expect(
      planWhile('shop', () => other.deleteTenant({ tenant: 'shop', runs: 'keep' })),
    ).rejects.toThrow(
      "tenant 'shop' was deleted while the plan was computed; nothing was stored (import its data again to plan it)",
    );
    expect(app.listPlans().total).toBe(plans);
    expect(app.listTenants().some((t) => t.tenant === 'shop')).toBe(false);
  }, 120_000);

  it('refuses to store it when the tenant is imported again meanwhile (it planned old data)', async () => {
    app.importTenantData({ tenant: 'shop', csv: csvA });
    const plans = app.listPlans().total;
    // The same data with the last two weeks cut: another session's re-import.
    const lines = csvA.trimEnd().split('\n');
    const shorter = lines.slice(0, -14).join('\n') + '\n';
    await expect(
      planWhile('shop', () =>
        other.importTenantData({
          tenant: 'shop',
          csv: shorter,
          replace: true,
          acceptChanges: true,
        }),
      ),
    ).rejects.toThrow(
      "tenant 'shop' was imported again (its data changed) while the plan was computed; nothing was stored (plan again: it plans on the new data)",
    );
    expect(app.listPlans().total).toBe(plans);
    // As the previous test left it, for the next.
    other.deleteTenant({ tenant: 'shop', runs: 'keep' });
  }, 120_000);

  it('stores the plan when nothing was deleted', async () => {
    app.importTenantData({ tenant: 'shop', csv: csvA });
    const plans = app.listPlans().total;
    const plan = await planWhile('shop', () => undefined);
    expect(plan.tenant).toBe('shop');
    expect(app.listPlans().total).toBe(plans + 1);
  }, 120_000);
});
