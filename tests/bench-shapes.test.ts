/** The shape-suite report's target checks, on hand-made phase figures (no model is trained here). */
import { describe, expect, it } from 'vitest';
import {
  builtinReport,
  formatBuiltinReport,
  formatShapeReport,
  meetsTargets,
  shapeRow,
  type ShapePhaseFigures,
} from '../bench/shapes.js';
import { SHAPE_SUITE, generateTenant } from '../src/core/data/index.js';
import { trainPhase } from '../src/phases/index.js';
import type { PhaseId, TenantResult } from '../src/phases/types.js';

const fig = (phase: PhaseId, fold: number[], oracle: number[]): ShapePhaseFigures => ({
  phase,
  mean_r2: fold.reduce((a, b) => a + b, 0) / fold.length,
  fold_r2: fold,
  oracle_fold_r2: oracle,
  oracle_mean_r2: oracle.reduce((a, b) => a + b, 0) / oracle.length,
  train_rows: [100, 200],
  test_rows: [50, 50],
  protocol: null,
  used_phase: fold.map(() => phase),
  averaged: fold.map(() => false),
  seconds: 1,
});

const threeYears = SHAPE_SUITE.find((s) => s.years === 3)!;
const oneYear = SHAPE_SUITE.find((s) => s.years === 1)!;

describe('shape report targets', () => {
  it('flags a negative fold only where the oracle fold is >= 0.5', () => {
    const oracle = [0.4, 0.8];
    const ok = shapeRow(threeYears, 100, [fig(0, [-0.5, 0.7], oracle)]);
    expect(ok.min_fold_r2).toBe(0.7);
    expect(ok.targets.no_negative_fold).toBe(true);
    const bad = shapeRow(threeYears, 100, [fig(0, [0.3, -0.01], oracle)]);
    expect(bad.min_fold_r2).toBe(-0.01);
    expect(bad.min_fold_phase).toBe(0);
    expect(bad.targets.no_negative_fold).toBe(false);
    expect(meetsTargets(bad)).toBe(false);
  });

  it('checks phase 3 against its oracle (0.10) for >= 2 years and phase drops (0.01)', () => {
    const oracle = [0.8, 0.8];
    const phases = [
      fig(0, [0.6, 0.6], oracle),
      fig(1, [0.7, 0.7], oracle),
      fig(2, [0.695, 0.695], oracle),
      fig(3, [0.69, 0.71], oracle),
    ];
    const row = shapeRow(threeYears, 100, phases);
    expect(row.targets.phase3_near_oracle).toBe(true);
    expect(row.targets.no_phase_drop).toBe(true);
    expect(meetsTargets(row)).toBe(true);
    const far = shapeRow(threeYears, 100, [...phases.slice(0, 3), fig(3, [0.69, 0.6], oracle)]);
    expect(far.targets.phase3_near_oracle).toBe(false);
    expect(far.targets.no_phase_drop).toBe(false);
    const short = shapeRow(oneYear, 100, [...phases.slice(0, 3), fig(3, [0.1, 0.1], oracle)]);
    expect(short.targets.phase3_near_oracle).toBeNull();
    expect(short.targets.no_phase_drop).toBe(false);
    const table = formatShapeReport({
      kind: 'weathervane-mmm shape suite',
      seed: 20220101,
      phases: [0, 1, 2, 3],
      rows: [row, far],
      all_targets_met: 1,
      seconds: 1,
    });
    expect(table.split('\n')[0]).toContain('oracle');
    expect(table).toContain('| 0.800 | 0.600 | 0.700 | 0.695 | 0.700 |');
    expect(table).toContain('| 0/0/0 |');
    expect(table).toContain('1 of 2 tenants meet every target');
  });

  it("counts folds that fell back wholly apart from those averaged with the phase's own model", () => {
    const oracle = [0.8, 0.8, 0.8];
    const p2 = fig(2, [0.7, 0.7, 0.7], oracle);
    // Phase 3: fold 1 kept, fold 2 fell back to phase 2 wholly, fold 3 fell back and averaged.
    const p3 = { ...fig(3, [0.7, 0.7, 0.7], oracle), used_phase: [3, 2, 2] as PhaseId[] };
    p3.averaged = [false, false, true];
    const row = shapeRow(threeYears, 100, [fig(1, [0.7, 0.7, 0.7], oracle), p2, p3]);
    const table = formatShapeReport({
      kind: 'weathervane-mmm shape suite',
      seed: 20220101,
      phases: [1, 2, 3],
      rows: [row],
      all_targets_met: 1,
      seconds: 1,
    });
    expect(table).toContain('| 0/0/1+1 |');
  });
});

describe('built-in report', () => {
  it('puts each tenant beside its oracle and computes pass count, mean gap and drops from the results', () => {
    const tenants = ['extreme_ski_gear', 'none_books'].map((id) => generateTenant(id));
    const p0 = tenants.map((t) => trainPhase(t.series, 0, {}, t));
    const p1 = tenants.map((t) => trainPhase(t.series, 1, {}, t));
    const without3 = builtinReport([p0, p1]);
    expect(without3.phase3_pass_count).toBeNull();
    expect(without3.rows.map((r) => r.tenant)).toEqual(['extreme_ski_gear', 'none_books']);
    expect(without3.rows[0].oracle_mean_r2).toBeCloseTo(tenants[0].truth.oracleMeanR2, 12);
    expect(without3.rows[0].mean_r2.slice(0, 2)).toEqual([p0[0].mean_r2, p1[0].mean_r2]);
    // Phase 3 stand-in: the phase-1 results relabelled, one of them made to fail and to drop.
    const p3: TenantResult[] = [
      { ...p1[0], phase: 3 },
      { ...p1[1], phase: 3, passes: false, mean_r2: p1[1].mean_r2 - 0.2 },
    ];
    const r = builtinReport([p0, p1, p3]);
    expect(r.phase3_pass_count).toBe(p1[0].passes ? 1 : 0);
    const gap = (p3[0].mean_r2 - p3[0].oracle_r2! + p3[1].mean_r2 - p3[1].oracle_r2!) / 2;
    expect(r.phase3_mean_gap).toBeCloseTo(gap, 12);
    expect(r.phase_drops).toContain('none_books');
    expect(formatBuiltinReport(r)).toContain('phase drops > 0.01: ');
  });
});
