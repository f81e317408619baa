import { describe, expect, it } from 'vitest';
import { pairedTTestLess, studentTQuantile } from '../src/core/paired-t.js';
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

  it('differences within zeroBelow count as 0: a 1e-12 shift on every pair is no drop', () => {
    const before = [0.65, 0.66, 0.64, 0.67, 0.63];
    const after = before.map((x) => x - 1e-12);
    // Without the tolerance the equal shifts read as an exact drop (sd 0): p = 0.
    expect(pairedTTestLess(before, after).p_value).toBe(0);
    const test = pairedTTestLess(before, after, 1e-9);
    expect(test.mean_difference).toBe(0);
    expect(test.p_value).toBe(1);
    // Only the differences within the tolerance are zeroed: d = [-0.5, 0, 0, 0, 0] stays.
    const one = pairedTTestLess(before, [0.15, ...after.slice(1)], 1e-9);
    expect(one.mean_difference).toBeCloseTo(-0.1, 12);
    expect(one.t).toBeCloseTo(-1, 12);
  });

  it('the t quantile matches the table: t(0.95, 1..4), t(0.975, 4), t(0.99, 10)', () => {
    // NIST/SEMATECH e-Handbook 1.3.6.7.2, critical values of Student's t.
    const table: [number, number, number][] = [
      [0.95, 1, 6.314],
      [0.95, 2, 2.92],
      [0.95, 3, 2.353],
      [0.95, 4, 2.132],
      [0.975, 4, 2.776],
      [0.99, 10, 2.764],
    ];
    for (const [p, df, q] of table) expect(studentTQuantile(p, df)).toBeCloseTo(q, 3);
    expect(studentTQuantile(0.95, 4)).toBeCloseTo(2.131847, 6);
    expect(tCdf4(studentTQuantile(0.95, 4))).toBeCloseTo(0.95, 12);
    expect(studentTQuantile(0.05, 4)).toBeCloseTo(-2.131847, 6);
    expect(() => studentTQuantile(1, 4)).toThrow(/0 < prob < 1/);
    expect(() => studentTQuantile(0.95, 0)).toThrow(/degrees of freedom/);
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

  it('says the noise test is loose on 3 folds, with the bound a drop had to pass', () => {
    // Baseline folds 0.8, 0.5, 0.7 (mean 0.667, sample sd 0.15275, SE 0.08819); phase 1 loses
    // 0.3 on the first fold alone: mean drop 0.1 against t(0.95, 2) 2.91999 x 0.08819 = 0.2575,
    // paired t = -1 (p = 0.2113): noise by both criteria, and said to be a loose call.
    const short = decideGates({
      phase: 1,
      results: [withFolds('short', 1, [0.5, 0.5, 0.7])],
      baseline: [withFolds('short', 0, [0.8, 0.5, 0.7])],
    });
    const judged = short.regression_test!.below_floor[0];
    expect(judged.regression).toBe(false);
    expect(judged.p_value).toBeCloseTo(0.5 - 1 / (2 * Math.sqrt(3)), 9);
    expect(judged.drop_bound).toBeCloseTo(2.919986 * (Math.sqrt(0.07 / 3) / Math.sqrt(3)), 5);
    const evidence = short.escalation_criteria.find(
      (c) => c.name === 'phase_1_regression',
    )!.evidence;
    expect(evidence).toContain(
      'on 3 folds or fewer the noise test is loose, so a real loss can pass as noise',
    );
    expect(evidence).toContain('short (3 folds: bound 0.258)');
    expect(evidence).toContain('strict mode counts every drop below the floor');
    // Five folds: not said.
    const five = decideGates({ phase: 1, results, baseline });
    expect(
      five.escalation_criteria.find((c) => c.name === 'phase_1_regression')!.evidence,
    ).not.toContain('loose');
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

describe('noise-aware rule: a large drop on few folds, a small one on all, and the issue’s noise', () => {
  // Baseline folds 0.71 ± (−.01, .01, −.03, .03, 0): sample sd² = 0.002 / 4 = 0.0005, so its
  // SE = √(0.0005 / 5) = 0.01 and the bound on the mean drop is t(0.95, 4) × 0.01 = 0.02131847.
  const baseFolds = [0.7, 0.72, 0.68, 0.74, 0.71];
  const bound = 2.131847 * 0.01;
  const oneFold = (drop: number) => baseFolds.map((x, i) => (i === 2 ? x - drop : x));
  const judge = (tenant: string, before: number[], after: number[]) => {
    const d = decideGates({
      phase: 1,
      results: [withFolds(tenant, 1, after)],
      baseline: [withFolds(tenant, 0, before)],
    });
    return { d, t: d.regression_test!.below_floor.find((x) => x.tenant === tenant)! };
  };

  it('a collapse on one fold counts by the mean drop (its paired t is -1 whatever its size)', () => {
    // 0.71 -> 0.61: d = (0, 0, -0.5, 0, 0), mean -0.1, t = -1, p = F_4(-1) = 0.1870 (not < 0.05),
    // mean drop 0.1 > 0.02132.
    const { d, t } = judge('collapse', baseFolds, oneFold(0.5));
    expect(t.t).toBeCloseTo(-1, 12);
    expect(t.p_value).toBeCloseTo(tCdf4(-1), 9);
    expect(t.p_value).toBeGreaterThan(0.05);
    expect(t.regression).toBe(true);
    expect(t.baseline_standard_error).toBeCloseTo(0.01, 12);
    expect(t.critical_t).toBeCloseTo(2.131847, 6);
    expect(t.drop_bound).toBeCloseTo(bound, 6);
    expect(t.criteria_met).toEqual(['mean_drop']);
    expect(t.verdict).toBe(
      "regression: drop exceeds fold noise (mean drop 0.100 > the baseline's fold noise 0.021 = t(0.95, df = 4) 2.132 × its SE 0.010; paired t-test: mean fold difference -0.100 ± 0.100 (SE), t = -1.00, df = 4, one-sided p = 0.187 >= 0.05)",
    );
    expect(d.decision).toBe('ESCALATE');
    expect(d.escalation_criteria.find((c) => c.name === 'phase_1_regression')!.tenants).toEqual([
      'collapse',
    ]);
    // At the bound's edge: a one-fold drop of 0.10 moves the mean 0.020 (noise), 0.11 by 0.022.
    expect(judge('edge', baseFolds, oneFold(0.1)).t.regression).toBe(false);
    expect(judge('edge', baseFolds, oneFold(0.11)).t.criteria_met).toEqual(['mean_drop']);
  });

  it('a small drop on every fold counts by the paired t-test, below the mean-drop bound', () => {
    // Baseline 0.705 with the same spread (SE 0.01); d = -0.01 + (0, -.002, .002, -.001, .001):
    // mean -0.01, s² = 1e-5 / 4, SE = √(2.5e-6 / 5) = 0.00070711, t = -14.142; drop 0.01 < 0.0213.
    const before = baseFolds.map((x) => x - 0.005);
    const d = [-0.01, -0.012, -0.008, -0.011, -0.009];
    const { t } = judge(
      'consistent',
      before,
      before.map((x, i) => x + d[i]),
    );
    expect(t.mean_difference).toBeCloseTo(-0.01, 12);
    expect(t.t).toBeCloseTo(-0.01 / Math.sqrt(2.5e-6 / 5), 6);
    expect(t.p_value).toBeCloseTo(tCdf4(t.t!), 9);
    expect(t.drop_bound).toBeCloseTo(bound, 6);
    expect(t.criteria_met).toEqual(['paired_t_test']);
    expect(t.regression).toBe(true);
    expect(t.verdict).toMatch(
      /^regression: drop exceeds fold noise \(paired t-test: .* one-sided p = [\d.e-]+ < 0\.05; mean drop 0\.010 <= the baseline's fold noise 0\.021 = /,
    );
  });

  it('the issue’s examples stay noise: extreme_sunscreen 0.696 -> 0.668, medium_beauty 0.656 -> 0.644', () => {
    // Five folds with the issue's fold spread (population sd 0.081 / 0.099) and noisy differences.
    // sunscreen: baseline devs (-.1 .1 0 -.08 .08), s² = 0.0328 / 4, SE = 0.040497, bound
    // 2.131847 × 0.040497 = 0.08633 > 0.028; d = (-.09 .05 -.06 .03 -.07), s² = 0.01608 / 4,
    // t = -0.028 / √(0.00402 / 5) = -0.98748.
    const sunBefore = [0.596, 0.796, 0.696, 0.616, 0.776];
    const sunD = [-0.09, 0.05, -0.06, 0.03, -0.07];
    const sun = judge(
      'extreme_sunscreen',
      sunBefore,
      sunBefore.map((x, i) => x + sunD[i]),
    ).t;
    expect(sun.before).toBeCloseTo(0.696, 12);
    expect(sun.after).toBeCloseTo(0.668, 12);
    expect(sun.baseline_standard_error).toBeCloseTo(Math.sqrt(0.0328 / 4 / 5), 12);
    expect(sun.drop_bound).toBeCloseTo(2.131847 * Math.sqrt(0.0328 / 4 / 5), 6);
    expect(sun.t).toBeCloseTo(-0.028 / Math.sqrt(0.00402 / 5), 9);
    expect(sun.criteria_met).toEqual([]);
    expect(sun.regression).toBe(false);
    // beauty: baseline devs (-.12 .12 0 -.1 .1), s² = 0.0488 / 4, SE = 0.049396, bound 0.10531 >
    // 0.012; d = (-.05 .04 -.03 .02 -.04), s² = 0.00628 / 4, t = -0.012 / √(0.00157 / 5) = -0.67720.
    const beautyBefore = [0.536, 0.776, 0.656, 0.556, 0.756];
    const beautyD = [-0.05, 0.04, -0.03, 0.02, -0.04];
    const beauty = judge(
      'medium_beauty',
      beautyBefore,
      beautyBefore.map((x, i) => x + beautyD[i]),
    ).t;
    expect(beauty.before).toBeCloseTo(0.656, 12);
    expect(beauty.after).toBeCloseTo(0.644, 12);
    expect(beauty.drop_bound).toBeCloseTo(2.131847 * Math.sqrt(0.0488 / 4 / 5), 6);
    expect(beauty.t).toBeCloseTo(-0.012 / Math.sqrt(0.00157 / 5), 9);
    expect(beauty.criteria_met).toEqual([]);
    expect(beauty.regression).toBe(false);
    expect(beauty.verdict).toMatch(
      /^noise: drop within fold noise \(paired t-test: .*>= 0\.05; mean drop 0\.012 <= /,
    );
  });

  it('a rounding-level shift (1e-12 on every fold) below 0.70 is no drop, not p = 0', () => {
    const before = [0.65, 0.66, 0.64, 0.67, 0.63];
    const { d, t } = judge(
      'reordered',
      before,
      before.map((x) => x - 1e-12),
    );
    expect(t.after).toBeLessThan(t.floor);
    expect(t.regression).toBe(false);
    expect(t.mean_difference).toBe(0);
    expect(t.p_value).toBe(1);
    expect(t.criteria_met).toEqual([]);
    expect(d.regression_test!.judged_noise).toEqual(['reordered']);
  });

  it('strict mode still counts every drop; the criteria are reported beside it', () => {
    const d = decideGates({
      phase: 1,
      results: [
        withFolds(
          'quiet',
          1,
          [0.6, 0.62, 0.58, 0.64, 0.61].map((x, i) => x + [-0.02, 0.01, -0.01, 0.02, -0.01][i]),
        ),
      ],
      baseline: [withFolds('quiet', 0, [0.6, 0.62, 0.58, 0.64, 0.61])],
      regression: { mode: 'strict' },
    });
    const t = d.regression_test!.below_floor[0];
    expect(t.regression).toBe(true);
    expect(t.criteria_met).toEqual([]);
    expect(t.verdict).toMatch(
      /^regression \(strict mode: every drop below the floor counts; paired t-test: /,
    );
  });
});
