/**
 * A deleted run's report page is not served (src/app/report.ts readReport) and is removed with the
 * run (tenants.ts deleteTenant): report://run/{id} of a run deleted by delete_tenant {runs:
 * "delete"} served the deleted tenant's figures, also after a restart, while run://{id} said there
 * was no such run.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempApp } from './app-helpers.js';
import { connect } from './mcp-helpers.js';

const temp = useTempApp('report-deleted');

describe('the report of a deleted run', () => {
  it('goes with the run and its tenant, and a page left behind is refused', async () => {
    const app = temp.app();
    const dir = temp.dir();
    app.importTenantData({ tenant: 'life', csv: app.exportTenant('none_books').csv });
    const run = await app.startPhaseRun({ phase: 0, tenants: ['life'] }).done;
    const page = (await app.readReport('run', String(run.id))).html;
    expect(page).toContain('life');
    const tenantPage = await app.writeReport({ tenant: 'life', phase: 0 });
    const runFile = path.join(dir, 'reports', `run-${run.id}.html`);
    expect(existsSync(runFile)).toBe(true);
    expect(existsSync(tenantPage.file)).toBe(true);

    app.deleteTenant({ tenant: 'life', runs: 'delete' });
    expect(existsSync(runFile)).toBe(false);
    expect(existsSync(tenantPage.file)).toBe(false);
    await expect(app.readReport('run', String(run.id))).rejects.toThrow(
      new RegExp(`^no run with id ${run.id}`),
    );
    // A page another session left behind (or one written before this check) is refused too,
    // and removed.
    writeFileSync(runFile, '<html>stale</html>');
    await expect(app.readReport('run', String(run.id))).rejects.toThrow(/no run with id/);
    expect(existsSync(runFile)).toBe(false);
  });
});

describe('the report of a cancelled run', () => {
  it('is resource not found (-32002) over MCP, saying the run was cancelled and what to do', async () => {
    // It was -32602, invalid params, though report://run/<id> was well formed.
    const app = temp.app();
    const controller = new AbortController();
    const h = app.startPhaseRun(
      { phase: 2, tenants: ['none_books'], force: true },
      { signal: controller.signal },
    );
    controller.abort();
    expect((await h.done).status).toBe('cancelled');
    const c = await connect(app);
    try {
      const err = await c.client.readResource({ uri: `report://run/${h.runId}` }).then(
        () => undefined,
        (e: unknown) => e as { code?: number; message?: string },
      );
      expect(err?.code).toBe(-32002);
      expect(err?.message).toContain(
        `report://run/${h.runId}: run ${h.runId} was cancelled, so no report of it exists; start it again with run_phase with phase 2, then report that run`,
      );
    } finally {
      await c.close();
    }
  });
});
