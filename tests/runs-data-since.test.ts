/**
 * Runs whose tenants changed since: `runs`, list_runs and get_run name the tenants of a finished
 * run imported again with other data (its figures for them are of the old data) or deleted since.
 * Session 51's probe: after a monthly re-import, `runs` listed last month's run as the phase's
 * latest with nothing to tell its figures were of data the tenant no longer has (gates and compare
 * already said so).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { wv } from './cli-helpers.js';
import { call, connect, text } from './mcp-helpers.js';

describe('runs whose tenants changed since', () => {
  let dir: string;
  let app: App;
  let csv: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-data-since-'));
    app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    csv = app.exportTenant('extreme_heating').csv;
    app.importTenantData({ tenant: 'shop', csv });
    app.importTenantData({ tenant: 'shop2', csv: app.exportTenant('none_books').csv });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are marked in the app, over MCP and in the CLI; the same data imported again is not', async () => {
    const run = await app.startPhaseRun({ phase: 0, tenants: ['shop', 'shop2', 'none_books'] })
      .done;
    const listed = () => app.listRuns().runs.find((r) => r.id === run.id)!;
    expect(listed().data_changed).toBeUndefined();
    expect(listed().tenants_deleted).toBeUndefined();
    // The same bytes imported again: the run's figures are still of the tenant's data.
    app.importTenantData({ tenant: 'shop', csv, replace: true });
    expect(listed().data_changed).toBeUndefined();
    // One revenue figure corrected: other data.
    const lines = csv.split('\n');
    const cells = lines[5].split(',');
    cells[1] = String(Number(cells[1]) + 1000);
    lines[5] = cells.join(',');
    app.importTenantData({ tenant: 'shop', csv: lines.join('\n'), replace: true });
    app.deleteTenant({ tenant: 'shop2', runs: 'keep' });
    expect(listed()).toMatchObject({ data_changed: ['shop'], tenants_deleted: ['shop2'] });
    expect(app.getRun(run.id)).toMatchObject({
      data_changed: ['shop'],
      tenants_deleted: ['shop2'],
    });

    const c = await connect(app);
    try {
      const r = await call(c, 'list_runs', {});
      const view = (r.structuredContent as { runs: Record<string, unknown>[] }).runs.find(
        (x) => x.run_id === run.id,
      )!;
      expect(view).toMatchObject({ data_changed: ['shop'], tenants_deleted: ['shop2'] });
      expect(text(r)).toContain(
        '(data changed since for shop: its figures for them are of the data they had then; deleted since: shop2)',
      );
      const g = await call(c, 'get_run', { run_id: run.id });
      expect(text(g)).toContain('data changed since for shop');
    } finally {
      await c.close();
    }

    const cli = wv(dir, ['runs']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(
      `run ${run.id}: data changed since for shop (imported again: its figures for them are of the data they had then; run-phase again for current ones); deleted since: shop2`,
    );
  }, 120_000);
});
