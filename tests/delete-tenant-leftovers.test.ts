/**
 * What a deleted tenant leaves behind. A monthly re-import probe found the deleted tenant's
 * results still in analytics/phase{N}_results.json after `tenants delete --delete-runs` (every
 * run gone), and its plans listed and drawn in the report of other data imported under its id.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { analyticsFile } from '../src/app/analytics.js';
import type { App } from '../src/app/index.js';
import { plans } from '../src/cli/commands/plan.js';
import { tenants } from '../src/cli/commands/tenants.js';
import { STORE_FILE } from '../src/store/index.js';
import { fakePlanListing } from './mcp-fake-app.js';
import { useTempApp } from './app-helpers.js';

const temp = useTempApp('leftovers');

const inFile = (phase: 0 | 3): Record<string, unknown> | null => {
  const file = analyticsFile(temp.dir(), phase);
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : null;
};

describe('tenants delete', () => {
  it('takes the tenant out of the analytics artifacts when its runs go', async () => {
    const app = temp.app();
    const csv = app.exportTenant('none_books').csv;
    app.importTenantData({ tenant: 'gone', csv });
    app.importTenantData({ tenant: 'kept', csv });
    app.importTenantData({ tenant: 'alone', csv });
    await app.startPhaseRun({ phase: 0, tenants: ['gone', 'kept'] }).done;
    expect(Object.keys(inFile(0)!)).toEqual(['gone', 'kept']);

    // --keep-runs: the run stays readable, and so does its copy in the artifact.
    app.deleteTenant({ tenant: 'gone', runs: 'keep' });
    expect(Object.keys(inFile(0)!)).toEqual(['gone', 'kept']);

    // Imported again and deleted with its runs: no run holds it, nor does the artifact; the
    // other tenant's entry is left as written.
    app.importTenantData({ tenant: 'gone', csv });
    const before = inFile(0)!.kept;
    app.deleteTenant({ tenant: 'gone', runs: 'delete' });
    expect(inFile(0)).toEqual({ kept: before });

    // The last tenant of an artifact: the file goes.
    await app.startPhaseRun({ phase: 0, tenants: ['alone'] }).done;
    expect(Object.keys(inFile(0)!)).toEqual(['alone']);
    app.deleteTenant({ tenant: 'alone', runs: 'delete' });
    expect(inFile(0)).toBeNull();
  });
});

describe('plans made on data the tenant no longer has', () => {
  it('go with the tenant when it is deleted', async () => {
    const app = temp.app();
    const csv = app.exportTenant('none_books').csv;
    app.importTenantData({ tenant: 'planned', csv });
    const p = await app.planBudget({ tenant: 'planned', replicates: 0 });
    expect(p.on_current_data).toBe(true);
    const res = app.deleteTenant({ tenant: 'planned', runs: 'delete' });
    expect(res.plans_deleted).toBe(1);
    // Other data under the same id: none of the deleted tenant's plans is its own.
    app.importTenantData({ tenant: 'planned', csv: app.exportTenant('extreme_ski_gear').csv });
    expect(app.listPlans({ tenant: 'planned' }).total).toBe(0);
    expect(app.getLatestPlan('planned')).toBeNull();
    expect(() => app.getPlan(p.id)).toThrow(/does not exist/);
  });

  it('are marked after import --replace, and the report does not take them as the latest', async () => {
    const app = temp.app();
    const csvA = app.exportTenant('none_books').csv;
    const csvB = app.exportTenant('extreme_ski_gear').csv;
    app.importTenantData({ tenant: 'monthly', csv: csvA });
    const p = await app.planBudget({ tenant: 'monthly', replicates: 0 });
    expect(app.getLatestPlan('monthly')?.id).toBe(p.id);

    app.importTenantData({ tenant: 'monthly', csv: csvB, replace: true, acceptChanges: true });
    expect(app.getLatestPlan('monthly')).toBeNull();
    const listed = app.listPlans({ tenant: 'monthly' }).plans;
    expect(listed.map((x) => [x.id, x.on_current_data])).toEqual([[p.id, false]]);
    expect(listed[0]).not.toHaveProperty('dataset_hash');
    const read = app.getPlan(p.id);
    expect(read.on_current_data).toBe(false);
    expect(read.read_first[0]).toBe(
      `OTHER DATA: plan ${p.id} was made on data monthly no longer has (its data was imported again since): its spend, horizon and figures describe that data; plan again for the data it has now (plan_budget with tenant "monthly")`,
    );

    // A plan on the new data is the latest; the old data imported again makes the old plan
    // current again (the newest on that data).
    const q = await app.planBudget({ tenant: 'monthly', replicates: 0 });
    expect(app.getLatestPlan('monthly')?.id).toBe(q.id);
    app.importTenantData({ tenant: 'monthly', csv: csvA, replace: true, acceptChanges: true });
    expect(app.getLatestPlan('monthly')?.id).toBe(p.id);
    expect(app.getPlan(q.id).on_current_data).toBe(false);
    expect(app.getPlan(p.id).read_first.some((l) => l.startsWith('OTHER DATA'))).toBe(false);
  });

  it('a plan stored before plans kept their data hash is judged by its model run', async () => {
    const app = temp.app();
    const csvA = app.exportTenant('none_books').csv;
    app.importTenantData({ tenant: 'legacy', csv: csvA });
    const p = await app.planBudget({ tenant: 'legacy', replicates: 0 });
    const raw = new Database(path.join(temp.dir(), STORE_FILE));
    raw
      .prepare("UPDATE plans SET result = json_remove(result, '$.data_id') WHERE id = ?")
      .run(p.id);
    raw.close();
    expect(app.getPlan(p.id).on_current_data).toBe(true);
    app.importTenantData({
      tenant: 'legacy',
      csv: app.exportTenant('extreme_ski_gear').csv,
      replace: true,
      acceptChanges: true,
    });
    expect(app.getPlan(p.id).on_current_data).toBe(false);
    expect(app.getLatestPlan('legacy')).toBeNull();
  });
});

describe('plans of a generated tenant', () => {
  it('stay on its data when the code changes, and not when it is generated again otherwise', async () => {
    const app = temp.app();
    const gen = (years: number) =>
      app.generateTenants({
        count: 1,
        seed: 5151,
        prefix: 'gp',
        shape: { frequency: 'weekly', years, channels: 2, weather: 'none' },
      }).tenants[0];
    const tenant = gen(2);
    const p = await app.planBudget({ tenant, replicates: 0 });
    // Other model code: the dataset hash of a synthetic tenant (and of its runs' results) carries
    // the code id, the spec it was generated from does not.
    const raw = new Database(path.join(temp.dir(), STORE_FILE));
    raw.prepare("UPDATE tenant_results SET dataset_hash = 'made by other code'").run();
    expect(app.getPlan(p.id).on_current_data).toBe(true);
    expect(app.getLatestPlan(tenant)?.id).toBe(p.id);
    // A plan stored before plans kept their data: judged by its model run, whose hash no longer
    // matches; for a synthetic tenant that is not known to be other data.
    raw
      .prepare("UPDATE plans SET result = json_remove(result, '$.data_id') WHERE id = ?")
      .run(p.id);
    raw.close();
    expect(app.getPlan(p.id).on_current_data).toBeNull();
    expect(app.getLatestPlan(tenant)).toBeNull();

    const q = await app.planBudget({ tenant, replicates: 0 });
    gen(3);
    const read = app.getPlan(q.id);
    expect(read.on_current_data).toBe(false);
    expect(read.read_first[0]).toContain(
      `made on data ${tenant} no longer has (it was generated again with other options since)`,
    );
  });
});

describe('in the CLI', () => {
  const ctx = (
    app: unknown,
    flags: Record<string, string | boolean>,
    positionals: string[] = [],
  ) => {
    const out = { text: '' };
    return {
      out,
      ctx: {
        flags,
        positionals,
        app: () => app as App,
        signal: new AbortController().signal,
        print: (_d: unknown, text: () => string) => (out.text = text()),
        note: () => {},
      },
    };
  };

  it('tenants delete says how many plans went with the tenant', async () => {
    const app = {
      deleteTenant: () => ({
        tenant: 'shop',
        deleted: true,
        runs_deleted: [1, 2],
        runs_kept: [],
        lift_tests_deleted: 0,
        plans_deleted: 2,
      }),
    };
    const c = ctx(app, { 'delete-runs': true }, ['delete', 'shop']);
    await tenants.run(c.ctx);
    expect(c.out.text).toBe('deleted shop\ndeleted run(s) 1, 2\ndeleted 2 plan(s)');
  });

  it('plans marks a plan made on data the tenant no longer has', async () => {
    const listing = (id: number, on: boolean | null) => ({
      ...fakePlanListing(id, 'shop'),
      inputs: {
        budget: 1000,
        horizon_periods: 28,
        outlook: { scenario: 'typical' },
        objective: { kind: 'revenue' },
      },
      on_current_data: on,
    });
    const app = {
      listPlans: () => ({
        plans: [listing(3, true), listing(2, false), listing(1, null)],
        total: 3,
      }),
    };
    const c = ctx(app, {});
    await plans.run(c.ctx);
    const rows = c.out.text.split('\n');
    expect(rows[0]).toMatch(/^plan +tenant +data +budget/);
    expect(rows).toContainEqual(expect.stringMatching(/^ *3 +shop +current /));
    expect(rows).toContainEqual(expect.stringMatching(/^ *2 +shop +OTHER /));
    expect(rows).toContainEqual(expect.stringMatching(/^ *1 +shop +\? /));
    expect(c.out.text).toContain('OTHER when on data it no longer has');
  });
});
