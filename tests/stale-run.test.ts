/**
 * A run is the tenant's model only while the tenant still has the data the run was computed on
 * (src/app/kept.ts doneRunCovering). Before, after `import --replace` (or a delete with
 * --keep-runs and a new import under the same id) `plan` reported the old run's fold figures
 * ("mean fold R² 0.801 ... passes") for a model refitted on data that scored -0.01, `explain` said
 * its figures came from the old run, and the report took the old run's phase.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { doneRunCovering } from '../src/app/kept.js';
import { dataIdentity, datasetHash, tenantSource } from '../src/app/tenants.js';
import { STORE_FILE, openStore } from '../src/store/index.js';
import { useTempApp } from './app-helpers.js';

const temp = useTempApp('stale');
let csvA: string;
let csvB: string;

beforeAll(() => {
  csvA = temp.app().exportTenant('extreme_ski_gear').csv;
  csvB = temp.app().exportTenant('none_books').csv;
});

const storedWith = (notes: readonly string[], runId: number): boolean =>
  notes.some((n) => n.includes(`stored with run ${runId}`));

describe('runs on data the tenant no longer has', () => {
  it('are not read as the tenant model after import --replace (explain, plan)', async () => {
    const app = temp.app();
    app.importTenantData({ tenant: 'shop', csv: csvA });
    const p0 = await app.startPhaseRun({ phase: 0, tenants: ['shop'] }).done;
    const req = { tenant: 'shop', phase: 0 as const, replicates: 0 };
    await app.explainTenant(req);
    expect(storedWith((await app.explainTenant(req)).notes, p0.id)).toBe(true);

    const p3 = await app.startPhaseRun({ phase: 3, tenants: ['shop'] }).done;
    const before = await app.planBudget({ tenant: 'shop', replicates: 0 });
    expect(before.model_validation?.run_id).toBe(p3.id);
    expect(before.model_validation?.run_for_this_plan).toBeUndefined();

    app.importTenantData({ tenant: 'shop', csv: csvB, replace: true, acceptChanges: true });
    expect(storedWith((await app.explainTenant(req)).notes, p0.id)).toBe(false);
    const after = await app.planBudget({ tenant: 'shop', replicates: 0 });
    // A phase-3 run of the new data was made for the plan; its figures are the ones reported.
    expect(after.model_validation?.run_id).not.toBe(p3.id);
    expect(after.model_validation?.run_for_this_plan).toBe(true);
    const fresh = app.getRun(after.model_validation!.run_id);
    const row = fresh.results.find((r) => r.tenant === 'shop')!;
    expect(after.model_validation?.mean_r2).toBe(row.mean_r2);
    const old = app.getRun(p3.id).results.find((r) => r.tenant === 'shop')!;
    expect(row.mean_r2).not.toBe(old.mean_r2);

    // The same data imported again (under a delete that keeps the runs): the earlier runs on it
    // are the tenant's again.
    app.deleteTenant({ tenant: 'shop', runs: 'keep' });
    app.importTenantData({ tenant: 'shop', csv: csvA });
    const again = await app.planBudget({ tenant: 'shop', replicates: 0 });
    expect(again.model_validation?.run_id).toBe(p3.id);
  });

  it('results saved before the hash was stored with them are checked by their run key', () => {
    const dir = temp.dir();
    const hashOf = (tenant: string) => {
      const store = openStore(dir);
      try {
        return datasetHash(tenantSource({ store } as never, tenant));
      } finally {
        store.close();
      }
    };
    // As a store of schema 4 left them: no hash beside the results.
    const raw = new Database(path.join(dir, STORE_FILE));
    raw.prepare('UPDATE tenant_results SET dataset_hash = NULL').run();
    raw.close();
    const store = openStore(dir);
    try {
      const ctx = { store };
      const runs = store.listRuns({ phase: 3, status: 'done' });
      const onA = runs.find((r) => r.id === Math.min(...runs.map((x) => x.id)))!;
      // The tenant has csvA again: its first phase-3 run (on csvA) covers it, the later one (on
      // csvB) does not.
      expect(runs.length).toBe(2);
      expect(doneRunCovering(ctx, 3, 'shop', hashOf('shop'))?.id).toBe(onA.id);
      // Data neither run saw: no run's key matches.
      expect(doneRunCovering(ctx, 3, 'shop', `${hashOf('shop')}x`)).toBeNull();
    } finally {
      store.close();
    }
  });

  it('the same file with a column moved between weather and controls is other data', async () => {
    const app = temp.app();
    app.importTenantData({ tenant: 'roles', csv: csvB });
    const hashOf = () => {
      const store = openStore(temp.dir());
      try {
        return datasetHash(tenantSource({ store } as never, 'roles'));
      } finally {
        store.close();
      }
    };
    const hashA = hashOf();
    const first = app.startPhaseRun({ phase: 0, tenants: ['roles'] });
    await first.done;
    const req = { tenant: 'roles', phase: 0 as const, replicates: 0 };
    expect(storedWith((await app.explainTenant(req)).notes, first.runId)).toBe(false);
    expect(storedWith((await app.explainTenant(req)).notes, first.runId)).toBe(true);
    // wind_kph, read as weather by its name, moved to the controls: the canonical CSV is the
    // same text, and its stored run, model and explanation were served for it.
    const moved = app.importTenantData({
      tenant: 'roles',
      csv: csvB,
      roles: {
        weatherColumns: ['temperature_c', 'precipitation_mm', 'humidity_pct'],
        controlColumns: ['wind_kph'],
      },
      replace: true,
      acceptChanges: true,
    });
    expect(moved.controls).toEqual(['wind_kph']);
    expect(hashOf()).not.toBe(hashA);
    // A plan's data identity is the same thing for imported data: its plans read as other data.
    const csvOnly = { kind: 'csv' as const, tenant: 'roles', csv: csvB };
    const withRoles = { ...csvOnly, roles: { controlColumns: ['wind_kph'] } };
    expect(dataIdentity(withRoles)).toBe(datasetHash(withRoles));
    expect(dataIdentity(withRoles)).not.toBe(dataIdentity(csvOnly));
    const again = app.startPhaseRun({ phase: 0, tenants: ['roles'] });
    expect(again.cached).toBe(false);
    expect(again.runId).not.toBe(first.runId);
    await again.done;
    const after = await app.explainTenant(req);
    expect(storedWith(after.notes, first.runId)).toBe(false);
  });
});
