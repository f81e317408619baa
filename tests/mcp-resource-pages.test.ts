/**
 * resources/list: paged by nextCursor, and report://tenant/{id} listed only where reading it only
 * reads a written page (reading one with no report trains the tenant's model).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type Resource } from '@modelcontextprotocol/sdk/types.js';
import { createApp, type App } from '../src/app/index.js';
import { LIST_PAGE_SIZE } from '../src/mcp/resources.js';
import { call, connect, makeApp, type Connected } from './mcp-helpers.js';

/** Every page of resources/list, in order. */
async function pages(c: Connected): Promise<Resource[][]> {
  const out: Resource[][] = [];
  let cursor: string | undefined;
  do {
    const r = await c.client.listResources(cursor === undefined ? undefined : { cursor });
    out.push(r.resources);
    cursor = r.nextCursor;
  } while (cursor !== undefined && out.length < 1000);
  return out;
}

describe('resources/list with 500 generated tenants (real app)', () => {
  let dir: string;
  let app: App;
  let c: Connected;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-pages-'));
    app = createApp({ stateDir: path.join(dir, 'state'), workers: 1, log: () => undefined });
    app.generateTenants({ count: 500, seed: 9800 });
    c = await connect(app);
  });
  afterAll(async () => {
    await c?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pages every tenant once and lists no report that reading would train', async () => {
    // Before: one answer of 1040 entries (328 KB), a report://tenant/ entry for each tenant.
    const all = await pages(c);
    const tenants = app.listTenants().map((t) => t.tenant);
    expect(tenants).toHaveLength(520);
    expect(all).toHaveLength(Math.ceil(520 / LIST_PAGE_SIZE));
    for (const page of all.slice(0, -1)) expect(page).toHaveLength(LIST_PAGE_SIZE);
    const uris = all.flat().map((r) => r.uri);
    expect(new Set(uris).size).toBe(uris.length);
    expect([...uris].sort()).toEqual(tenants.map((t) => `tenant://${t}`).sort());
    expect(JSON.stringify(all[0]).length).toBeLessThan(20_000);
  });

  it("lists a tenant's report once it is written, and reading it then trains nothing", async () => {
    const tenant = 'gen_s9800_7';
    const r = await call(c, 'get_report', { tenant, phase: 0 });
    expect(r.isError).toBeFalsy();
    const reports = (await pages(c)).flat().filter((x) => x.uri.startsWith('report://tenant/'));
    expect(reports.map((x) => x.uri)).toEqual([`report://tenant/${tenant}`]);
    expect(app.reportedTenants()).toEqual([tenant]);
    expect((await app.readReport('tenant', tenant)).written).toBe(false);
  });
});

describe('resources/list cursors (fake app)', () => {
  let c: Connected;
  beforeAll(async () => {
    c = await connect(makeApp());
  });
  afterAll(async () => {
    await c?.close();
  });

  it('refuses a cursor it did not give, with invalid params', async () => {
    for (const cursor of ['nope', Buffer.from('{"offset":-1}').toString('base64url'), '']) {
      await expect(c.client.listResources({ cursor })).rejects.toMatchObject({
        code: ErrorCode.InvalidParams,
        message: expect.stringMatching(/cursor is not one this server gave/),
      });
    }
  });

  it('answers an empty last page for a cursor past the end (the list shrank)', async () => {
    const cursor = Buffer.from(JSON.stringify({ offset: 10_000 })).toString('base64url');
    const r = await c.client.listResources({ cursor });
    expect(r.resources).toEqual([]);
    expect(r.nextCursor).toBeUndefined();
  });

  it('lists report://tenant/{id} only after get_report wrote it', async () => {
    const reportUris = async () =>
      (await pages(c))
        .flat()
        .map((r) => r.uri)
        .filter((u) => u.startsWith('report://tenant/'));
    expect(await reportUris()).toEqual([]);
    expect((await call(c, 'get_report', { tenant: 'extreme_ski_gear' })).isError).toBeFalsy();
    expect(await reportUris()).toEqual(['report://tenant/extreme_ski_gear']);
  });
});
