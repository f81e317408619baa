/**
 * A tenant report shows the explanation explain keeps beside the run's model (same data,
 * replicates and lift tests) instead of bootstrapping it again, and keeps the one it computes for
 * explain and the next report: a probe's 20-channel, 10-year tenant recomputed 30-35 s of
 * intervals on every report, with explain's already kept.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { weekly4 } from './weekly4-fixture.js';

const dirs: string[] = [];
const apps: App[] = [];
/** A fresh state directory with the weekly fixture imported and its phase 3 run done. */
async function freshApp(): Promise<App> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wv-report-kept-'));
  dirs.push(dir);
  const app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
  apps.push(app);
  app.importTenantData({ tenant: 'wk4', csv: weekly4().csv });
  await app.startPhaseRun({ phase: 3, tenants: ['wk4'] }).done;
  return app;
}
afterAll(async () => {
  for (const a of apps) await a.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const page = (file: string): string =>
  // The run's finishing time is the only thing two state directories differ in.
  readFileSync(file, 'utf8').replace(/finished [^)<]*/g, 'finished');

describe('the report and explain share the kept explanation', () => {
  it('a report keeps its explanation for explain, and shows the same page again from it', async () => {
    const app = await freshApp();
    const first = await app.writeReport({ tenant: 'wk4', phase: 3 });
    // explain reads what the report kept: no bootstrap, the same caveats.
    const e = await app.explainTenant({ tenant: 'wk4', phase: 3 });
    expect(e.notes.at(-1)).toMatch(
      /^explanation and intervals stored with run \d+ \(no retraining, no bootstrap\)$/,
    );
    expect(first.caveats).toEqual(e.caveats);
    // The next report shows the kept explanation: the same page, byte for byte.
    const second = await app.writeReport({ tenant: 'wk4', phase: 3 });
    expect(readFileSync(second.file, 'utf8')).toBe(readFileSync(first.file, 'utf8'));
  }, 240_000);

  it("explain first: the report shows explain's explanation, the page a fresh report draws", async () => {
    const app = await freshApp();
    const e = await app.explainTenant({ tenant: 'wk4', phase: 3 });
    expect(e.notes.join(' ')).not.toMatch(/no bootstrap/);
    const shown = await app.writeReport({ tenant: 'wk4', phase: 3 });
    expect(shown.caveats).toEqual(e.caveats);
    const fresh = await (await freshApp()).writeReport({ tenant: 'wk4', phase: 3 });
    expect(page(shown.file)).toBe(page(fresh.file));
  }, 240_000);
});
