/**
 * A stored explanation is kept beside the newest finished run of its phase that covers the
 * tenant (src/app/explain.ts, kept.ts doneRunCovering), as the report's figures are: a later run
 * of other tenants does not take it away. Before, explain looked at the phase's latest run only,
 * so after `run-phase --phase 3 --tenants other` every explanation of the earlier run's tenants
 * was recomputed on every call (a 12-channel tenant 11 s instead of 1 s) and never stored again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('explain: the stored explanation after a later run of other tenants', () => {
  it('is served from the run that covers the tenant, byte-identical', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'wv-holder-'));
    dirs.push(stateDir);
    const app = createApp({ stateDir, workers: 1, log: silentLogger });
    try {
      const covering = await app.startPhaseRun({ phase: 0, tenants: ['none_books'] }).done;
      const req = { tenant: 'none_books', phase: 0 as const, replicates: 10 };
      const first = await app.explainTenant(req);
      expect(first.notes.join(' ')).not.toMatch(/stored with run/);
      const second = await app.explainTenant(req);
      expect(second.notes.at(-1)).toBe(
        `explanation and intervals stored with run ${covering.id} (no retraining, no bootstrap)`,
      );
      // A later phase 0 run of another tenant only: the phase's latest run no longer covers it.
      const other = await app.startPhaseRun({ phase: 0, tenants: ['medium_beauty'] }).done;
      expect(other.id).toBeGreaterThan(covering.id);
      const third = await app.explainTenant(req);
      expect(third.notes.at(-1)).toBe(
        `explanation and intervals stored with run ${covering.id} (no retraining, no bootstrap)`,
      );
      expect(JSON.stringify(third)).toBe(JSON.stringify(second));
    } finally {
      await app.close();
    }
  });
});
