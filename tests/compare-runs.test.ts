/** compareRuns: the verdict and deltas of two runs, on the tenants both hold when they differ. */
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../src/app/compare.js';
import type { TenantResult } from '../src/phases/types.js';

const row = (tenant: string, r2: number): TenantResult =>
  ({ tenant, mean_r2: r2, passes: r2 >= 0.5 }) as TenantResult;
const side = (run_id: number, phase: 0 | 1 | 2 | 3, rows: TenantResult[]) => ({
  run_id,
  phase,
  results: rows,
});

describe('compareRuns', () => {
  it('runs over the same tenants: whole-run means, as before', () => {
    const c = compareRuns(
      side(1, 0, [row('x', 0.4), row('y', 0.6)]),
      side(2, 1, [row('x', 0.7), row('y', 0.6)]),
    );
    expect(c.mean_r2_delta).toBeCloseTo(0.15, 12);
    expect(c.pass_count_delta).toBe(1);
    expect(c.verdict).toBe(
      'phase 1 (run 2) improves on phase 0 (run 1): mean R² 0.500 -> 0.650 (+0.150), passing 1 -> 2 (+1)',
    );
  });

  it('runs over different tenants: judged on the tenants both hold, the others named', () => {
    // Run 1: six tenants (mean 0.696); run 3: one of them, unchanged. The verdict said "worse"
    // (0.696 -> 0.659, passing 6 -> 1) about a tenant whose R² had not moved.
    const a = [0.659, 0.86, 0.788, 0.755, 0.601, 0.514].map((r, i) => row(`t${i}`, r));
    const c = compareRuns(side(1, 3, a), side(3, 3, [row('t0', 0.659)]));
    expect(c.mean_r2_delta).toBe(0);
    expect(c.pass_count_delta).toBe(0);
    expect(c.common).toEqual({
      tenants: 1,
      a_mean_r2: 0.659,
      b_mean_r2: 0.659,
      a_pass_count: 1,
      b_pass_count: 1,
    });
    expect(c.a.mean_r2).toBeCloseTo((0.659 + 0.86 + 0.788 + 0.755 + 0.601 + 0.514) / 6, 12);
    expect(c.verdict).toBe(
      'on the 1 tenant(s) both runs hold, phase 3 (run 3) matches phase 3 (run 1): mean R² 0.659 -> 0.659 (+0.000), passing 1 -> 1 (+0); only in run 1: 5 (t1, t2, t3, t4, t5)',
    );
  });

  it('runs that share no tenant: nothing to compare, no delta', () => {
    const c = compareRuns(side(1, 0, [row('x', 0.4)]), side(2, 1, [row('y', 0.9)]));
    expect(c.mean_r2_delta).toBeNaN();
    expect(c.pass_count_delta).toBeNaN(); // null in JSON, beside the null R² delta (it read 0)
    expect(c.verdict).toBe(
      'phase 1 (run 2) and phase 0 (run 1) share no tenant, so there is nothing to compare (1 and 1 tenants); compare runs over the same tenants',
    );
  });
});
