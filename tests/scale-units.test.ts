/**
 * Revenue and spend in other units (cents, thousands) give the same model: the GBM's L1 penalty
 * is in units of the target's training sd (choose.ts scaledL1), the other fits are equivariant.
 */
import { describe, expect, it } from 'vitest';
import { SHAPE_SUITE, generateShape } from '../src/core/data/index.js';
import { L1_REFERENCE_SD, scaledL1 } from '../src/phases/choose.js';
import { trainPhase } from '../src/phases/index.js';

describe('the same data in other units', () => {
  it('scaledL1: the plan penalty times the sd over the reference sd (population sd, by hand)', () => {
    // rows 0..3 of [1, 3, 5, 7, 100]: mean 4, sd sqrt(5)
    const y = Float64Array.from([1, 3, 5, 7, 100]);
    expect(scaledL1(0.1, y, 4)).toBeCloseTo((0.1 * Math.sqrt(5)) / L1_REFERENCE_SD, 15);
    expect(scaledL1(0.1, Float64Array.from([2, 2, 2]), 3)).toBe(0.1); // no spread: unchanged
  });

  it('phase 3 on revenue and spend at 1/1000 and x1000: the same fold R² (it moved by 1.5e-3)', () => {
    const spec = SHAPE_SUITE.find((s) => s.id === 'shape_daily_1y')!;
    const t = generateShape(spec);
    const scaled = (f: number) => ({
      ...t.series,
      target: t.series.target.map((v) => v * f),
      spend: t.series.spend.map((a) => a.map((v) => v * f)),
    });
    const base = trainPhase(t.series, 3, {}, null).fold_r2;
    for (const f of [0.001, 1000]) {
      const r2 = trainPhase(scaled(f), 3, {}, null).fold_r2;
      r2.forEach((v, i) => expect(Math.abs(v - base[i]), `x${f} fold ${i + 1}`).toBeLessThan(1e-4));
    }
  });
});
