/** The shape-suite report's target checks, on hand-made phase figures (no model is trained here). */
import { describe, expect, it } from 'vitest';
import {
  formatShapeReport,
  meetsTargets,
  shapeRow,
  type ShapePhaseFigures,
} from '../bench/shapes.js';
import { SHAPE_SUITE } from '../src/core/data/index.js';
import type { PhaseId } from '../src/phases/types.js';

const fig = (phase: PhaseId, fold: number[], oracle: number[]): ShapePhaseFigures => ({
  phase,
  mean_r2: fold.reduce((a, b) => a + b, 0) / fold.length,
  fold_r2: fold,
  oracle_fold_r2: oracle,
  oracle_mean_r2: oracle.reduce((a, b) => a + b, 0) / oracle.length,
  train_rows: [100, 200],
  test_rows: [50, 50],
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
    expect(table).toContain('1 of 2 tenants meet every target');
  });
});
