/**
 * delete_tenant over MCP against the real app: refuses built-in and unknown tenants in the tool's
 * words, asks about stored runs before deleting anything, keeps or deletes them as told.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectReal, removeTempDirs, type RealServer } from './hardening-helpers.js';
import { call, text } from './mcp-helpers.js';

let s: RealServer;
let a: string, b: string, c: string;

beforeAll(async () => {
  s = await connectReal({ workers: 2 });
  [a, b, c] = s.app.generateTenants({ count: 3, seed: 7, prefix: 'del' }).tenants;
});
afterAll(async () => {
  await s.close();
  removeTempDirs();
});

const tenantIds = () => s.app.listTenants().map((t) => t.tenant);

describe('delete_tenant over MCP', () => {
  it('refuses a built-in tenant and an unknown one, naming what to do', async () => {
    const builtin = await call(s, 'delete_tenant', { tenant: 'extreme_ski_gear' });
    expect(builtin.isError).toBe(true);
    expect(text(builtin)).toBe(
      "delete_tenant: 'extreme_ski_gear' is a built-in tenant and cannot be deleted",
    );
    const unknown = await call(s, 'delete_tenant', { tenant: 'no_such_shop' });
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toBe(
      "delete_tenant: no imported or generated tenant 'no_such_shop'; list them with list_tenants",
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
    });
    expect(text(r)).toBe(`Deleted tenant ${a}.`);
    expect(tenantIds()).not.toContain(a);
    // A repeat finds nothing to delete: the tenant stays gone.
    const again = await call(s, 'delete_tenant', { tenant: a });
    expect(text(again)).toContain(`no imported or generated tenant '${a}'`);
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
    });
    expect(text(keep)).toBe(`Deleted tenant ${b}. Kept run(s) ${own}.`);
    expect(s.app.getRun(own).status).toBe('done'); // still readable
    expect(tenantIds()).not.toContain(b);
  }, 120_000);
});
