import { describe, expect, it } from 'vitest';
import { pairedTTestLess } from '../src/core/paired-t.js';
import { decideGates } from '../src/gates/index.js';
import type { TenantResult } from '../src/phases/types.js';
import { makeResult } from './gates-factory.js';

/** Student t CDF for 4 degrees of freedom in closed form (e.g. Abramowitz & Stegun 26.7.3). */
function tCdf4(t: number): number {
  const q = 1 + (t * t) / 4;
  return 0.5 + (3 / 8) * (t / Math.sqrt(q)) * (1 - (t * t) / (12 * q));
}

/** Student t CDF for 2 degrees of freedom in closed form. */
const tCdf2 = (t: number): number => 0.5 + t / (2 * Math.sqrt(2 + t * t));

/** A result whose folds carry the given R² values (same test windows in every phase). */
function withFolds(tenant: string, phase: 0 | 1 | 2 | 3, foldR2: number[]): TenantResult {
  const mean = foldR2.reduce((a, b) => a + b, 0) / foldR2.length;
  const base = makeResult(tenant, phase, mean);
  return {
    ...base,
    fold_r2: foldR2,
    folds: base.folds.slice(0, foldR2.length).map((f, i) => ({ ...f, r2: foldR2[i] })),
  };
}

describe('pairedTTestLess (hand-computed)', () => {
  it('a consistent drop: d = [-.04 -.02 -.01 -.04 -.02], mean -0.026, sd 0.0134164, t = -4.3333', () => {
    const test = pairedTTestLess([0.7, 0.72, 0.68, 0.74, 0.71], [0.66, 0.7, 0.67, 0.7, 0.69]);
    // sum of squared deviations 0.00072 -> s² = 0.00018, s = 0.0134164, SE = s / √5 = 0.0060000
    expect(test.mean_difference).toBeCloseTo(-0.026, 12);
    expect(test.sd_difference).toBeCloseTo(Math.sqrt(0.00018), 12);
    expect(test.standard_error).toBeCloseTo(0.006, 12);
    expect(test.t).toBeCloseTo(-0.026 / 0.006, 9);
    expect(test.df).toBe(4);
    expect(test.p_value).toBeCloseTo(tCdf4(-0.026 / 0.006), 9);
    expect(test.p_value).toBeGreaterThan(0.005); // t(0.995, 4) = 4.604
    expect(test.p_value).toBeLessThan(0.01); // t(0.99, 4) = 3.747
  });

  it('a noisy drop: d = [-.08 .06 -.05 .02 -.08], mean -0.026, s² = 0.00398, t = -0.9215', () => {
    const test = pairedTTestLess([0.7, 0.6, 0.75, 0.65, 0.72], [0.62, 0.66, 0.7, 0.67, 0.64]);
    const se = Math.sqrt(0.00398 / 5);
    expect(test.standard_error).toBeCloseTo(se, 12);
    expect(test.t).toBeCloseTo(-0.026 / se, 9);
    expect(test.t).toBeCloseTo(-0.92154, 4);
    expect(test.p_value).toBeCloseTo(tCdf4(-0.026 / se), 9);
    expect(test.p_value).toBeGreaterThan(0.1); // t(0.90, 4) = 1.533
  });

  it('the 5% critical value for df = 4 is 2.1318 (table)', () => {
    expect(tCdf4(-2.131847)).toBeCloseTo(0.05, 6);
    const before = [0, 0, 0, 0, 0];
    // d = c·[-1, 1, 0, 0, 0] + m: choose mean and sd so that t = -2.131847
    const d = [-0.1, 0.1, 0, 0, 0].map((x) => x - 2.131847 * (Math.sqrt(0.02 / 4) / Math.sqrt(5)));
    const test = pairedTTestLess(before, d);
    expect(test.t).toBeCloseTo(-2.131847, 6);
    expect(test.p_value).toBeCloseTo(0.05, 6);
  });

  it('df = 2 against its closed form', () => {
    const test = pairedTTestLess([1, 2, 3], [0.5, 1.8, 2.4]); // d = [-.5 -.2 -.6]
    const m = -1.3 / 3;
    const s2 = ((-0.5 - m) ** 2 + (-0.2 - m) ** 2 + (-0.6 - m) ** 2) / 2;
    const t = m / Math.sqrt(s2 / 3);
    expect(test.t).toBeCloseTo(t, 10);
    expect(test.p_value).toBeCloseTo(tCdf2(t), 9);
  });

  it('equal differences are exact: p = 0 for a drop, 1 otherwise', () => {
    expect(pairedTTestLess([0.7, 0.7], [0.6, 0.6]).p_value).toBe(0);
    expect(pairedTTestLess([0.7, 0.7], [0.7, 0.7]).p_value).toBe(1);
    expect(pairedTTestLess([0.6, 0.6], [0.7, 0.7]).p_value).toBe(1);
  });

  it('rejects unequal lengths and a single pair', () => {
    expect(() => pairedTTestLess([1, 2], [1])).toThrow(/as many values/);
    expect(() => pairedTTestLess([1], [1])).toThrow(/at least 2 pairs/);
  });
});

describe('noise-aware no-regression rule', () => {
  const baseline = [
    withFolds('consistent', 0, [0.7, 0.72, 0.68, 0.74, 0.71]),
    withFolds('noisy', 0, [0.7, 0.6, 0.75, 0.65, 0.72]),
    withFolds('fine', 0, [0.8, 0.8, 0.8, 0.8, 0.8]),
  ];
  const results = [
    withFolds('consistent', 1, [0.66, 0.7, 0.67, 0.7, 0.69]), // 0.710 -> 0.684, p ≈ 0.006
    withFolds('noisy', 1, [0.62, 0.66, 0.7, 0.67, 0.64]), // 0.684 -> 0.658, p ≈ 0.20
    withFolds('fine', 1, [0.8, 0.8, 0.8, 0.8, 0.8]),
  ];

  it('counts only the drop beyond fold noise and lists the noisy one in the reasons', () => {
    const d = decideGates({ phase: 1, results, baseline });
    const crit = d.escalation_criteria.find((c) => c.name === 'phase_1_regression')!;
    expect(crit.triggered).toBe(true);
    expect(crit.tenants).toEqual(['consistent']);
    expect(crit.evidence).toContain('within fold noise (not counted): noisy 0.684 -> 0.658');
    expect(d.regression_test!.mode).toBe('noise_aware');
    expect(d.regression_test!.level).toBe(0.05);
    expect(d.regression_test!.test).toMatch(/one-sided paired t-test/);
    expect(d.regression_test!.judged_noise).toEqual(['noisy']);
    const noisy = d.regression_test!.below_floor.find((t) => t.tenant === 'noisy')!;
    expect(noisy.t).toBeCloseTo(-0.92154, 4);
    expect(noisy.p_value).toBeCloseTo(tCdf4(noisy.t!), 9);
    expect(noisy.regression).toBe(false);
    const consistent = d.regression_test!.below_floor.find((t) => t.tenant === 'consistent')!;
    expect(consistent.t).toBeCloseTo(-4.33333, 4);
    expect(consistent.regression).toBe(true);
    expect(d.reasons.join('\n')).toMatch(
      /Judged as noise, not a regression: noisy 0\.684 -> 0\.658/,
    );
    expect(d.reasons.join('\n')).toMatch(
      /No-regression rule: noise-aware: one-sided paired t-test.*level 0\.05/,
    );
  });

  it('strict mode counts every drop below the floor and is stored in the decision', () => {
    const d = decideGates({ phase: 1, results, baseline, regression: { mode: 'strict' } });
    const crit = d.escalation_criteria.find((c) => c.name === 'phase_1_regression')!;
    expect(crit.tenants).toEqual(['consistent', 'noisy']);
    expect(d.regression_test!.mode).toBe('strict');
    expect(d.regression_test!.judged_noise).toEqual([]);
  });

  it('a looser level (0.25) counts the noisy drop too; the level is validated', () => {
    const d = decideGates({ phase: 1, results, baseline, regression: { level: 0.25 } });
    expect(d.escalation_criteria.find((c) => c.name === 'phase_1_regression')!.tenants).toEqual([
      'consistent',
      'noisy',
    ]);
    expect(() => decideGates({ phase: 1, results, baseline, regression: { level: 0 } })).toThrow(
      /level must be in \(0, 0.5\]/,
    );
    expect(() =>
      decideGates({
        phase: 1,
        results,
        baseline,
        regression: { mode: 'lenient' as unknown as 'strict' },
      }),
    ).toThrow(/mode must be/);
  });

  it('folds tested on different windows cannot be paired: the drop counts (not tested)', () => {
    const moved = results.map((r) =>
      r.tenant === 'noisy'
        ? { ...r, folds: r.folds.map((f) => ({ ...f, test_start: '2025-01-01' })) }
        : r,
    );
    const d = decideGates({ phase: 1, results: moved, baseline });
    const noisy = d.regression_test!.below_floor.find((t) => t.tenant === 'noisy')!;
    expect(noisy.regression).toBe(true);
    expect(noisy.p_value).toBeNull();
    expect(noisy.verdict).toMatch(/cannot be paired/);
    // The evidence says the untested drop was not tested (it read "by more than their fold noise").
    const crit = d.escalation_criteria.find((c) => c.name === 'phase_1_regression')!;
    expect(crit.tenants).toEqual(['consistent', 'noisy']);
    expect(crit.evidence).toContain(
      '2 of 3 baseline passers fell below min(0.70, their baseline R²) by more than their fold noise or with folds that cannot be paired: consistent 0.710 -> 0.684, noisy 0.684 -> 0.658 (folds cannot be paired: not tested)',
    );
    const onlyMoved = decideGates({
      phase: 1,
      results: moved.filter((r) => r.tenant !== 'consistent'),
      baseline,
    });
    expect(
      onlyMoved.escalation_criteria.find((c) => c.name === 'phase_1_regression')!.evidence,
    ).toContain(
      '1 of 2 baseline passers fell below min(0.70, their baseline R²), with folds that cannot be paired with the baseline (counted, not tested): noisy 0.684 -> 0.658 (folds cannot be paired: not tested)',
    );
  });

  it('names the tenants of the run that the baseline run has no result for (they went unmentioned)', () => {
    const extra = withFolds('newcomer', 1, [0.3, 0.3, 0.3, 0.3, 0.3]);
    const d = decideGates({ phase: 1, results: [...results, extra], baseline });
    const crit = d.success_criteria.find((c) => c.name === 'no_regression')!;
    expect(crit.detail).toContain('no result in the phase 0 baseline run (not checked): newcomer');
    expect(crit.actual).toBe(1); // only 'consistent', as without the newcomer
    const without = decideGates({ phase: 1, results, baseline });
    expect(without.success_criteria.find((c) => c.name === 'no_regression')!.detail).not.toContain(
      'no result in the phase 0 baseline run',
    );
  });
});
