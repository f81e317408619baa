/**
 * Coverage of the true ROAS by the phase-3 intervals, against the generator's ground truth.
 * Fast (always): 8 built-in tenants (2 per tier, 16 channels) at 20 replicates. With 16 channels
 * at a nominal 80%, fewer than 9 covered has probability < 1% (binomial), so the floors below can
 * fail for a wrong method without failing for noise; the width bound stops an interval from
 * "covering" by being useless, and so does the upper bound on the 80% coverage. Slow (WV_MMM_SLOW_TESTS=1): all 20 at the default replicates,
 * with the targets (70-90% at 80%, 85-100% at 95%).
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_TENANT_IDS, generateTenant } from '../src/core/data/index.js';
import { MODEL_ERROR } from '../src/phases/intervals.js';
import { coverageOf, tenantRecords, type FigureRecord } from '../bench/intervals.js';

const FAST_TENANTS = [
  'extreme_ski_gear',
  'extreme_heating',
  'high_winter_clothing',
  'high_gym_activity',
  'medium_beauty',
  'medium_sports',
  'none_books',
  'none_home_decor',
];

function roasCoverage(ids: readonly string[], replicates: number | undefined) {
  const records: FigureRecord[] = [];
  for (const id of ids) records.push(...tenantRecords(generateTenant(id), replicates).records);
  return coverageOf(
    records.filter((r) => r.figure === 'roas'),
    MODEL_ERROR,
  )[0];
}

describe('interval coverage of the true ROAS', () => {
  it('8 built-in tenants, 20 replicates: coverage near nominal, intervals not uselessly wide', () => {
    for (const id of FAST_TENANTS) expect(BUILTIN_TENANT_IDS).toContain(id);
    const c = roasCoverage(FAST_TENANTS, 20);
    expect(c.n).toBe(16);
    expect(c.p80).toBeGreaterThanOrEqual(9 / 16);
    // Over-coverage fails too: all 16 inside at 80% has probability 0.8^16 < 3% for a calibrated
    // method (measured on main: 13 of 16, median width 78% of the estimate).
    expect(c.p80).toBeLessThanOrEqual(15 / 16);
    expect(c.p95).toBeGreaterThanOrEqual(12 / 16);
    expect(c.width80).toBeLessThan(1.0);
  }, 600_000);

  it.runIf(process.env.WV_MMM_SLOW_TESTS === '1')(
    'all 20 built-in tenants at the default replicates: the issue targets',
    () => {
      const c = roasCoverage(BUILTIN_TENANT_IDS, undefined);
      expect(c.n).toBe(40);
      expect(c.p80).toBeGreaterThanOrEqual(0.7);
      expect(c.p80).toBeLessThanOrEqual(0.9);
      expect(c.p95).toBeGreaterThanOrEqual(0.85);
    },
    900_000,
  );
});
