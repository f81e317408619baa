/**
 * Gates and comparisons judge a run against runs computed on the same data. A monthly re-import
 * probe found phase 3 on October's data judged against the phase 0 run of September's data
 * ("Baseline (phase 0): R² 0.482") although a phase 0 run on October's data existed (0.472), the
 * reasons naming no run; and `compare` of two runs of a tenant imported again between them said
 * "1 tenant(s) lost more than 0.01 R²" with no word that the data differed.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { decideGates } from '../src/gates/index.js';
import { STORE_FILE } from '../src/store/index.js';
import { makeResult } from './gates-factory.js';
import { useTempApp } from './app-helpers.js';

const temp = useTempApp('samedata');

describe('check_gates on a tenant imported again', () => {
  it('prefers the baseline run on the same data, names it, and leaves out other data', async () => {
    const app = temp.app();
    const csvA = app.exportTenant('none_books').csv;
    const csvB = app.exportTenant('extreme_ski_gear').csv;
    app.importTenantData({ tenant: 'shop', csv: csvA });
    app.importTenantData({ tenant: 'steady', csv: csvA });
    const r1 = await app.startPhaseRun({ phase: 0, tenants: ['shop', 'steady'] }).done;
    app.importTenantData({ tenant: 'shop', csv: csvB, replace: true, acceptChanges: true });
    const r2 = await app.startPhaseRun({ phase: 1, tenants: ['shop', 'steady'] }).done;

    // Only run 1 holds them: steady is compared, shop (other data) left out and named.
    const d1 = app.checkGates({ phase: 1, runId: r2.id });
    expect(d1.compared_runs.baseline).toEqual({ run_id: r1.id, phase: 0, other_data: ['shop'] });
    expect(d1.baseline).toMatchObject({ run_id: r1.id, total: 1 });
    expect(d1.reasons).toContain(
      `Left out of the comparison with run ${r1.id} (phase 0): shop, whose result there was computed on other data than in this run (imported again between the runs; folds of two datasets are not paired).`,
    );
    expect(d1.reasons.some((r) => r.startsWith(`Baseline (phase 0, run ${r1.id}): `))).toBe(true);
    const noRegression = d1.success_criteria.find((c) => c.name === 'no_regression')!;
    expect(noRegression.detail).toContain(
      `computed on other data in the phase 0 baseline run (run ${r1.id}) (not checked: folds of two datasets are not paired): shop`,
    );

    // A phase 0 run on the same data, made after the judged run: it is the baseline now.
    const r3 = await app.startPhaseRun({ phase: 0, tenants: ['shop', 'steady'] }).done;
    const d2 = app.checkGates({ phase: 1, runId: r2.id });
    expect(d2.compared_runs.baseline).toEqual({ run_id: r3.id, phase: 0, other_data: [] });
    expect(d2.compared_runs.previous).toEqual({ run_id: r3.id, phase: 0, other_data: [] });
    expect(d2.baseline).toMatchObject({ run_id: r3.id, total: 2 });
    expect(d2.reasons.some((r) => r.startsWith('Left out'))).toBe(false);

    // Results saved before their data's hash was (schema 4): told apart by their runs' keys.
    const raw = new Database(path.join(temp.dir(), STORE_FILE));
    raw.prepare('UPDATE tenant_results SET dataset_hash = NULL').run();
    raw.close();
    const d3 = app.checkGates({ phase: 1, runId: r2.id });
    expect(d3.compared_runs).toEqual(d2.compared_runs);
    // Run 1's key hashes every tenant's data, shop's changed: none of its results is known to be on
    // the same data (steady's included), so none is compared as such.
    expect(app.comparePhases({ runId: r1.id }, { runId: r3.id }).other_data).toEqual([
      'shop',
      'steady',
    ]);
  });

  it('a previous run whose every shared tenant is on other data counts as missing, named', async () => {
    const app = temp.app();
    app.importTenantData({ tenant: 'solo', csv: app.exportTenant('none_books').csv });
    const p0 = await app.startPhaseRun({ phase: 0, tenants: ['solo'] }).done;
    app.importTenantData({
      tenant: 'solo',
      csv: app.exportTenant('extreme_ski_gear').csv,
      replace: true,
      acceptChanges: true,
    });
    const p1 = await app.startPhaseRun({ phase: 1, tenants: ['solo'] }).done;
    const d = app.checkGates({ phase: 1, runId: p1.id });
    expect(d.baseline).toBeNull();
    expect(d.previous).toBeNull();
    expect(d.compared_runs.baseline).toEqual({ run_id: p0.id, phase: 0, other_data: ['solo'] });
    const missing = d.escalation_criteria.find((c) => c.name === 'missing_prerequisite_run')!;
    expect(missing.triggered).toBe(true);
    expect(missing.evidence).toBe(
      `no phase 0 run: the phase 0 run of these tenants (run ${p0.id}) was computed on other data (solo imported again between the runs): the no-regression check against the baseline cannot be done`,
    );
    expect(missing.recommended_next_step).toMatch(
      /^Not a model failure: the gate judges phase 1 against a phase 0 run of the same tenants, and there is none computed on the same data\. Run run_phase with phase 0 and tenants \["solo"\]/,
    );
  });
});

describe('compare_phases on a tenant imported again', () => {
  it('names the tenants whose results were computed on other data', async () => {
    const app = temp.app();
    app.importTenantData({ tenant: 'cmp', csv: app.exportTenant('none_books').csv });
    const a = await app.startPhaseRun({ phase: 0, tenants: ['cmp'] }).done;
    app.importTenantData({
      tenant: 'cmp',
      csv: app.exportTenant('extreme_ski_gear').csv,
      replace: true,
      acceptChanges: true,
    });
    const b = await app.startPhaseRun({ phase: 0, tenants: ['cmp'] }).done;
    const c = app.comparePhases({ runId: a.id }, { runId: b.id });
    expect(c.other_data).toEqual(['cmp']);
    expect(c.verdict).toContain(
      'computed on other data in the two runs (imported again between them, so their deltas compare two datasets, not two models): 1 (cmp)',
    );
    const same = app.comparePhases({ runId: b.id }, { runId: b.id });
    expect(same.other_data).toEqual([]);
    expect(same.verdict).not.toContain('other data');
  });
});

describe('decideGates with the runs compared', () => {
  it('names the previous run and the baseline run in the reasons and the JSON', () => {
    const r = (phase: 0 | 1 | 2, t: string) => makeResult(t, phase, 0.6);
    const d = decideGates({
      phase: 2,
      results: [r(2, 'a'), r(2, 'b')],
      previous: { phase: 1, results: [r(1, 'a')] },
      baseline: [r(0, 'a'), r(0, 'b')],
      compared: {
        previous: { run_id: 7, other_data: ['b'] },
        baseline: { run_id: 4, other_data: [] },
      },
    });
    expect(d.previous).toMatchObject({ phase: 1, run_id: 7, total: 1 });
    expect(d.baseline).toMatchObject({ phase: 0, run_id: 4, total: 2 });
    expect(d.compared_runs).toEqual({
      previous: { run_id: 7, phase: 1, other_data: ['b'] },
      baseline: { run_id: 4, phase: 0, other_data: [] },
    });
    expect(d.reasons).toContain('Baseline (phase 0, run 4): R² 0.600, pass 2/2.');
    expect(d.reasons).toContain(
      'Phase 1 (run 7): R² 0.600, pass 1/1; phase 2: R² 0.600, pass 2/2.',
    );
    // Without ids (a pure caller): as before, with null ids.
    const plain = decideGates({
      phase: 2,
      results: [r(2, 'a')],
      previous: { phase: 1, results: [r(1, 'a')] },
    });
    expect(plain.previous?.run_id).toBeNull();
    expect(plain.compared_runs).toEqual({ previous: null, baseline: null });
    expect(plain.reasons).toContain('Phase 1: R² 0.600, pass 1/1; phase 2: R² 0.600, pass 1/1.');
  });
});
