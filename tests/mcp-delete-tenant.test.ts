/**
 * delete_tenant over MCP against the real app: refuses built-in tenants in the tool's words, asks
 * about stored runs before deleting anything, keeps or deletes them as told; a tenant that is not
 * there (deleted already) is a success that deleted nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectReal, removeTempDirs, type RealServer } from './hardening-helpers.js';
import { call, text } from './mcp-helpers.js';

let s: RealServer;
let a: string, b: string, c: string, d: string;

beforeAll(async () => {
  s = await connectReal({ workers: 2 });
  [a, b, c, d] = s.app.generateTenants({ count: 4, seed: 7, prefix: 'del' }).tenants;
});
afterAll(async () => {
  await s.close();
  removeTempDirs();
});

const tenantIds = () => s.app.listTenants().map((t) => t.tenant);

describe('delete_tenant over MCP', () => {
  it('refuses a built-in tenant, naming what to do; an unknown one deletes nothing', async () => {
    const builtin = await call(s, 'delete_tenant', { tenant: 'extreme_ski_gear' });
    expect(builtin.isError).toBe(true);
    expect(text(builtin)).toBe(
      "delete_tenant: 'extreme_ski_gear' is a built-in tenant and cannot be deleted",
    );
    expect(builtin._meta).toEqual({ 'weathervane/error': { code: 'conflict', retryable: false } });
    // An id with nothing stored is no error (idempotentHint): nothing was there to delete.
    const unknown = await call(s, 'delete_tenant', { tenant: 'no_such_shop' });
    expect(unknown.isError).toBeFalsy();
    s.checkOutput('delete_tenant', unknown.structuredContent);
    expect(unknown.structuredContent).toMatchObject({ tenant: 'no_such_shop', deleted: false });
    expect(text(unknown)).toBe(
      "No imported or generated tenant 'no_such_shop' is stored, so nothing was deleted (it may have been deleted already; list_tenants lists the tenants).",
    );
    const badRuns = await call(s, 'delete_tenant', { tenant: a, runs: 'drop' });
    expect(badRuns.isError).toBe(true);
    expect(text(badRuns)).toMatch(/runs must be "keep" .* or "delete"/);
    expect(tenantIds()).toContain(a);
  });

  it('deletes a tenant without runs at once', async () => {
    const r = await call(s, 'delete_tenant', { tenant: a });
    expect(r.isError, text(r)).toBeFalsy();
    s.checkOutput('delete_tenant', r.structuredContent);
    expect(r.structuredContent).toEqual({
      tenant: a,
      deleted: true,
      runs_deleted: [],
      runs_kept: [],
      lift_tests_deleted: 0,
      plans_deleted: 0,
    });
    expect(text(r)).toBe(`Deleted tenant ${a}.`);
    expect(tenantIds()).not.toContain(a);
    // A repeat (a retry after a lost answer) succeeds and says nothing was there: the tenant
    // stays gone. It was an error result, though the tool is annotated idempotent.
    const again = await call(s, 'delete_tenant', { tenant: a });
    expect(again.isError, text(again)).toBeFalsy();
    expect(again.structuredContent).toEqual({
      tenant: a,
      deleted: false,
      runs_deleted: [],
      runs_kept: [],
      lift_tests_deleted: 0,
      plans_deleted: 0,
    });
    expect(text(again)).toContain(`No imported or generated tenant '${a}' is stored`);
    expect(tenantIds()).not.toContain(a);
  });

  it('asks about stored runs, then keeps or deletes them as told', async () => {
    const both = (await s.app.startPhaseRun({ phase: 0, tenants: [b, c] }).done).id;
    const one = (await s.app.startPhaseRun({ phase: 0, tenants: [c] }).done).id;

    const ask = await call(s, 'delete_tenant', { tenant: c });
    expect(ask.isError).toBe(true);
    expect(text(ask)).toBe(
      `delete_tenant: tenant '${c}' is in 2 stored runs (${both}, ${one}); say runs: "keep" to keep them ` +
        `(their results stay readable) or runs: "delete" to delete them (whole runs, with the other tenants' results in them)`,
    );
    expect(tenantIds()).toContain(c); // the question deleted nothing

    const del = await call(s, 'delete_tenant', { tenant: c, runs: 'delete' });
    expect(del.isError, text(del)).toBeFalsy();
    s.checkOutput('delete_tenant', del.structuredContent);
    expect(del.structuredContent).toEqual({
      tenant: c,
      deleted: true,
      runs_deleted: [both, one],
      runs_kept: [],
      lift_tests_deleted: 0,
      plans_deleted: 0,
    });
    expect(text(del)).toBe(`Deleted tenant ${c}. Deleted run(s) ${both}, ${one}.`);
    const left = s.app.listRuns({ limit: 100 }).runs.map((r) => r.id);
    expect(left).not.toContain(both);
    expect(left).not.toContain(one);

    const own = (await s.app.startPhaseRun({ phase: 0, tenants: [b] }).done).id;
    const keep = await call(s, 'delete_tenant', { tenant: b, runs: 'keep' });
    expect(keep.structuredContent).toEqual({
      tenant: b,
      deleted: true,
      runs_deleted: [],
      runs_kept: [own],
      lift_tests_deleted: 0,
      plans_deleted: 0,
    });
    expect(text(keep)).toBe(`Deleted tenant ${b}. Kept run(s) ${own}.`);
    expect(s.app.getRun(own).status).toBe('done'); // still readable
    expect(tenantIds()).not.toContain(b);
  }, 120_000);

  it('deletes the tenant’s lift tests with it; the same id generated again starts with none', async () => {
    /** A 4-week boost of the tenant's first channel at the start of its data. */
    const boost = (tenant: string, incremental_revenue: number) => {
      const { summary } = s.app.describeTenant(tenant);
      const end = new Date(Date.parse(`${summary.start}T00:00:00Z`) + 27 * 86_400_000);
      return {
        channel: summary.channels[0],
        start: summary.start,
        end: end.toISOString().slice(0, 10),
        spend_change: 1000,
        incremental_revenue,
        standard_error: 500,
      };
    };
    s.app.addLiftTests({ tenant: d, tests: [boost(d, 2000), boost(d, 2500)] });
    s.app.addLiftTests({ tenant: 'none_books', tests: [boost('none_books', 3000)] });
    expect(s.app.listLiftTests(d)).toHaveLength(2);

    const r = await call(s, 'delete_tenant', { tenant: d });
    expect(r.isError, text(r)).toBeFalsy();
    s.checkOutput('delete_tenant', r.structuredContent);
    expect(r.structuredContent).toMatchObject({ tenant: d, lift_tests_deleted: 2 });
    expect(text(r)).toBe(`Deleted tenant ${d}. Deleted 2 lift test(s).`);

    // Same id again (same generator call): other data as far as the store knows, and no tests.
    expect(s.app.generateTenants({ count: 4, seed: 7, prefix: 'del' }).tenants[3]).toBe(d);
    expect(s.app.listLiftTests(d)).toEqual([]);
    // Another tenant's tests are untouched.
    expect(s.app.listLiftTests('none_books')).toHaveLength(1);
  });
});
