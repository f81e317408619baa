/**
 * What a deleted tenant leaves behind. A monthly re-import probe found the deleted tenant's
 * results still in analytics/phase{N}_results.json after `tenants delete --delete-runs` (every
 * run gone), and its plans listed and drawn in the report of other data imported under its id.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyticsFile } from '../src/app/analytics.js';
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
