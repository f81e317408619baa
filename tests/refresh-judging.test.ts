/**
 * What a monthly refresh needs to be told when runs are judged (probe s52 refresh):
 * - a tenant within one standard error of the pass bar is named borderline (one went SUCCESS at
 *   0.515, then ESCALATE at 0.492, the two 0.3 SE apart, with no word of noise);
 * - compare names tenants whose fold protocol changed between the two runs (all 10 probed tenants
 *   changed fold count within 12 weeks; compare called one "worse" 0.778 -> 0.562 for it);
 * - gates name the tenants imported again since the judged run (it judged old data, unsaid).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compareRuns } from '../src/app/compare.js';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { chooseProtocol } from '../src/core/folds.js';
import { decideGates } from '../src/gates/index.js';
import type { ProtocolRecord, TenantResult } from '../src/phases/types.js';
import { wv } from './cli-helpers.js';
import { makeResult } from './gates-factory.js';
import { call, connect, text } from './mcp-helpers.js';

describe('borderline tenants at the pass bar', () => {
  it('names a tenant within one SE of the bar, and that the decision rests on it', () => {
    const d = decideGates({
      phase: 3,
      results: [makeResult('rfx', 3, 0.492, { se_r2: 0.086 })],
      previous: { phase: 2, results: [makeResult('rfx', 2, 0.48)] },
    });
    expect(d.count_decision).toBe('ESCALATE');
    expect(d.borderline).toHaveLength(1);
    expect(d.borderline[0].tenant).toBe('rfx');
    expect(d.borderline[0].margin).toBeCloseTo(0.492 - 0.5, 12);
    expect(d.borderline[0]).toMatchObject({ mean_r2: 0.492, se_r2: 0.086, passes: false });
    expect(d.reasons).toContain(
      'Borderline (mean R² within one standard error of the bar, so fold noise or a refresh can move it across): ' +
        'rfx fails by 0.008, within its standard error 0.086; the pass-count decision (ESCALATE) rests on them: ' +
        'with the borderline failures passing, SUCCESS.',
    );
  });

  it('a passer within its SE, beside tenants far from the bar or without an SE: only it is named', () => {
    const d = decideGates({
      phase: 1,
      results: [
        makeResult('near', 1, 0.515, { se_r2: 0.082 }),
        makeResult('far', 1, 0.8, { se_r2: 0.05 }),
        makeResult('flat', 1, 0.49, { se_r2: 0 }),
        makeResult('low', 1, 0.3, { se_r2: 0.1 }),
      ],
      baseline: [
        makeResult('near', 0, 0.4),
        makeResult('far', 0, 0.4),
        makeResult('flat', 0, 0.4),
        makeResult('low', 0, 0.4),
      ],
    });
    expect(d.borderline.map((b) => b.tenant)).toEqual(['near']);
    const line = d.reasons.find((r) => r.startsWith('Borderline'));
    expect(line).toContain('near passes by 0.015, within its standard error 0.082');
    // 2 of 4 pass: PROCEED_TO_PHASE_2 needs ceil(0.50 x 4) = 2; with near failing, 1 of 4 is
    // below phase_1_sufficient too (ceil(0.35 x 4) = 2): ESCALATE.
    expect(d.thresholds.counts).toMatchObject({ proceed_to_phase_2: 2, phase_1_sufficient: 2 });
    expect(d.count_decision).toBe('PROCEED_TO_PHASE_2');
    expect(line).toContain(
      'the pass-count decision (PROCEED_TO_PHASE_2) rests on them: with the borderline passers failing it would be ESCALATE.',
    );
  });

  it('no tenant near the bar: no borderline reason, an empty list', () => {
    const d = decideGates({ phase: 0, results: [makeResult('a', 0, 0.9, { se_r2: 0.05 })] });
    expect(d.borderline).toEqual([]);
    expect(d.reasons.some((r) => r.startsWith('Borderline'))).toBe(false);
  });
});

const protocol = (folds: number, first: number, test: number): ProtocolRecord => ({
  rule: 'timeseriessplit',
  folds,
  test_rows: test,
  first_train_rows: first,
  min_train_rows: first,
  gap: 0,
  frequency: 'weekly',
  reason: '',
});
const row = (tenant: string, r2: number, p: ProtocolRecord | null): TenantResult =>
  ({ tenant, mean_r2: r2, passes: r2 >= 0.5, protocol: p }) as TenantResult;

describe('compare names a change of fold protocol', () => {
  it('per tenant (structured and in the verdict)', () => {
    const c = compareRuns(
      {
        run_id: 8,
        phase: 3,
        results: [row('rfw', 0.778, protocol(3, 104, 14)), row('same', 0.6, protocol(3, 52, 20))],
      },
      {
        run_id: 13,
        phase: 3,
        results: [row('rfw', 0.562, protocol(4, 52, 24)), row('same', 0.61, protocol(3, 52, 20))],
      },
    );
    expect(c.regressions).toEqual(['rfw']);
    expect(c.protocol_changed).toEqual([
      {
        tenant: 'rfw',
        a: { rule: 'timeseriessplit', folds: 3, first_train_rows: 104, test_rows: 14 },
        b: { rule: 'timeseriessplit', folds: 4, first_train_rows: 52, test_rows: 24 },
      },
    ]);
    expect(c.verdict).toContain(
      '; cross-validated with another fold protocol in the two runs (so their deltas compare other test blocks, not only two models): ' +
        'rfw (3 folds of 14 test rows, the first trained on 104 -> 4 folds of 24 test rows, the first trained on 52)',
    );
  });

  it('results without a protocol record are not compared', () => {
    const c = compareRuns(
      { run_id: 1, phase: 0, results: [row('x', 0.5, null)] },
      { run_id: 2, phase: 0, results: [row('x', 0.5, protocol(3, 52, 20))] },
    );
    expect(c.protocol_changed).toEqual([]);
    expect(c.verdict).not.toContain('fold protocol');
  });
});

describe('a refresh through the app', () => {
  let dir: string;
  let app: App;
  let lines: string[];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-refresh-judging-'));
    app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    lines = app.exportTenant('none_books').csv.split('\n');
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const rowsCsv = (n: number) => lines.slice(0, n + 1).join('\n') + '\n';

  it('compare of two phase 0 runs across the 730-row protocol bound names the change', async () => {
    // 729 daily rows: 5 folds; 730: 3 year-window folds (core/folds.ts chooseProtocol).
    const before = chooseProtocol(729, 'daily');
    const after = chooseProtocol(730, 'daily');
    expect(before.folds.length).not.toBe(after.folds.length);
    app.importTenantData({ tenant: 'grow', csv: rowsCsv(729) });
    const r1 = await app.startPhaseRun({ phase: 0, tenants: ['grow'] }).done;
    app.importTenantData({ tenant: 'grow', csv: rowsCsv(730), replace: true });
    const r2 = await app.startPhaseRun({ phase: 0, tenants: ['grow'] }).done;
    const c = app.comparePhases({ runId: r1.id }, { runId: r2.id });
    expect(c.protocol_changed.map((p) => [p.tenant, p.a.folds, p.b.folds])).toEqual([
      ['grow', before.folds.length, after.folds.length],
    ]);
    expect(c.protocol_changed[0].a.first_train_rows).toBe(before.folds[0].trainEnd);
    expect(c.protocol_changed[0].b.test_rows).toBe(
      after.folds[0].testEnd - after.folds[0].testStart,
    );
    expect(c.verdict).toContain(
      `cross-validated with another fold protocol in the two runs (so their deltas compare other test blocks, not only two models): grow (${before.folds.length} folds`,
    );
  });

  it('gates name the tenants imported again since the judged run (app, MCP, CLI)', async () => {
    app.importTenantData({ tenant: 'monthly', csv: rowsCsv(800) });
    const run = await app.startPhaseRun({ phase: 0, tenants: ['monthly', 'none_books'] }).done;
    const d0 = app.checkGates({ phase: 0, runId: run.id });
    expect(d0.data_changed).toEqual([]);
    expect(app.latestGate(0)?.data_changed_since).toEqual([]);
    expect(d0.reasons.some((r) => r.startsWith('Judged on data'))).toBe(false);
    // The judged run is named (an autopilot's probe could not tell whose run was judged).
    expect(d0.run_id).toBe(run.id);
    expect(app.checkGates({ phase: 0 }).run_id).toBe(run.id);
    expect(d0.next_step).not.toMatch(/^First run phase/);
    // The next month: 28 rows more.
    app.importTenantData({ tenant: 'monthly', csv: rowsCsv(828), replace: true });
    // gates://latest/0 says it before any check_gates (it served the old decision as it was).
    expect(app.latestGate(0)?.data_changed_since).toEqual(['monthly']);
    const d1 = app.checkGates({ phase: 0, runId: run.id });
    expect(d1.data_changed).toEqual(['monthly']);
    expect(d1.tenants_deleted).toEqual([]);
    // The next step is the run on the current data, first (it read "Record the baseline..." or
    // "Done" while the reasons said to run the phase again).
    expect(d1.next_step).toBe(
      'First run phase 0 again on the current data (monthly was imported again after this run): run_phase with phase 0 and tenants ["monthly","none_books"]; this decision is of the previous data. It said: ' +
        d0.next_step,
    );
    expect(d1.reasons).toContain(
      'Judged on data monthly no longer has: it was imported again with other data after this run, so its figures for it (and this decision) are of the previous data; ' +
        'run the phase again for a decision on the current data: run_phase with phase 0 and tenants ["monthly","none_books"].',
    );
    const c = await connect(app);
    try {
      const r = await call(c, 'check_gates', { phase: 0, run_id: run.id });
      expect(r.structuredContent?.data_changed).toEqual(['monthly']);
      expect(r.structuredContent?.run_id).toBe(run.id);
      expect(text(r)).toContain(`Phase 0 gate (run ${run.id}): `);
      expect(text(r)).toContain('- Judged on data monthly no longer has');
    } finally {
      await c.close();
    }
    await app.close();
    const cli = wv(dir, ['gates', '--phase', '0', '--run', String(run.id)]);
    app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(
      'run the phase again for a decision on the current data: wv-mmm run-phase --phase 0 --tenants monthly,none_books.',
    );
  });
});
