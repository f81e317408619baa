/**
 * Which model a run's folds forecast with, counted per tenant (phases/result.ts foldModelUse) and
 * given in run_phase's rows and text: an MCP probe (session 66) read a phase 2 run whose folds all
 * fell back to phase 0 as a phase 2 model "sufficient for product release".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { foldModelUse } from '../src/phases/result.js';
import type { FallbackRecord, FoldResult, PhaseId } from '../src/phases/types.js';
import { call, connect, type Connected } from './mcp-helpers.js';

const fold = (fallback: Partial<FallbackRecord> | null): FoldResult =>
  ({
    fallback:
      fallback === null
        ? null
        : {
            kept: true,
            validation_rows: 100,
            phase_r2: null,
            previous_r2: null,
            reason: '',
            ...fallback,
          },
  }) as FoldResult;

describe('foldModelUse', () => {
  it('counts own, mixed and simpler folds from their fallback records', () => {
    const folds = [
      fold(null), // no record: the phase's own
      fold({ used_phase: 3 }), // kept
      fold({ used_phase: 3, averaged_with: { phase: 2, model: 'laddered', share: 0.5 } }),
      fold({ used_phase: 2, kept: false, averaged_with: { phase: 3, model: 'own', share: 0.5 } }),
      fold({ used_phase: 0, kept: false, fell_back_to: 2 }), // a simpler phase's alone
    ];
    expect(foldModelUse({ phase: 3, folds })).toEqual({ own: 2, mixed: 2, simpler: 1 });
    // Phase 0 has nothing simpler: every fold is its own.
    expect(foldModelUse({ phase: 0, folds })).toEqual({ own: 5, mixed: 0, simpler: 0 });
  });

  it('reads a stacked share: 1 own, 0 simpler, between mixed', () => {
    const stacked = (weight: number) => fold({ used_phase: 1 as PhaseId, weight });
    expect(foldModelUse({ phase: 1, folds: [stacked(1), stacked(0), stacked(0.4)] })).toEqual({
      own: 1,
      mixed: 1,
      simpler: 1,
    });
  });
});

describe('run_phase rows and text say where a phase fell back (real app)', () => {
  let dir: string;
  let app: App;
  let c: Connected;
  afterAll(async () => {
    await c?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a phase 2 run gives each tenant its folds by model, and the text sums them', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-fold-use-'));
    app = createApp({ stateDir: path.join(dir, 'state'), workers: 1, log: () => undefined });
    c = await connect(app);
    const tenants = ['extreme_ski_gear', 'extreme_sunscreen'];
    const r = await call(c, 'run_phase', { phase: 2, tenants });
    expect(r.isError).toBeFalsy();
    const out = r.structuredContent as {
      run_id: number;
      rows: { tenant: string; fold_models: { own: number; mixed: number; simpler: number } }[];
    };
    // Each row counts every fold once; the totals go into the text.
    const sum = { own: 0, mixed: 0, simpler: 0 };
    for (const row of out.rows) {
      const t = await app.trainTenant({ tenant: row.tenant, phase: 2 });
      expect(row.fold_models.own + row.fold_models.mixed + row.fold_models.simpler).toBe(
        t.folds.length,
      );
      // Each fold's R² in the row, as train_tenant gives it (probe s76 N had to call it per tenant).
      expect((row as unknown as { fold_r2: number[] }).fold_r2).toEqual(t.folds.map((f) => f.r2));
      sum.own += row.fold_models.own;
      sum.mixed += row.fold_models.mixed;
      sum.simpler += row.fold_models.simpler;
    }
    const text = (r.content as { type: string; text: string }[])[0].text;
    const total = sum.own + sum.mixed + sum.simpler;
    if (sum.own < total)
      expect(text).toContain(
        `Folds: phase 2's own model alone on ${sum.own} of ${total}, mixed with a simpler phase's on ${sum.mixed}, a simpler phase's alone on ${sum.simpler}`,
      );
    else expect(text).not.toContain('Folds: phase 2');
    // The probe's case: every phase 2 fold of extreme_sunscreen forecasts with phase 0's model
    // alone (train_tenant's fallback records), so all are counted simpler.
    const sunscreen = await app.trainTenant({ tenant: 'extreme_sunscreen', phase: 2 });
    expect(sunscreen.folds.map((f) => f.fallback?.used_phase)).toEqual([0, 0, 0, 0, 0]);
    expect(out.rows.find((x) => x.tenant === 'extreme_sunscreen')!.fold_models).toEqual({
      own: 0,
      mixed: 0,
      simpler: 5,
    });
  }, 300_000);
});
