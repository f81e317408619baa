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
