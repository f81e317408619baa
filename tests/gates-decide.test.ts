import { describe, expect, it } from 'vitest';
import { decideGates, scaledCount, scaledThresholds } from '../src/gates/index.js';
import type { PhaseId } from '../src/phases/types.js';
import { makeResult, makeRun } from './gates-factory.js';

/** A phase 0 baseline where nobody passes: the no-regression check is vacuous (and met). */
const emptyBaseline = (n: number) => makeRun(0, 0, n);

const phase1 = (passing: number, n = 20) =>
  decideGates({ phase: 1, results: makeRun(1, passing, n, 0.75), baseline: emptyBaseline(n) });

/** Phase 2 with a phase 1 run whose mean R² (all tenants at 0.1) is below any phase 2 run here. */
const phase2 = (passing: number, n = 20) =>
  decideGates({
    phase: 2,
    results: makeRun(2, passing, n, 0.75),
    previous: { phase: 1, results: makeRun(1, 0, n, 0.75, 0.1) },
    baseline: emptyBaseline(n),
  });

const phase3 = (passing: number, n = 20) =>
  decideGates({
    phase: 3,
    results: makeRun(3, passing, n, 0.75),
    previous: { phase: 2, results: makeRun(2, 0, n) },
    baseline: emptyBaseline(n),
  });

describe('phase 1 gate (of 20)', () => {
  it.each([
    [6, 'ESCALATE'],
    [7, 'PHASE_1_SUFFICIENT'],
    [9, 'PHASE_1_SUFFICIENT'],
    [10, 'PROCEED_TO_PHASE_2'],
  ])('%i passing -> %s', (passing, expected) => {
    const d = phase1(passing);
    expect(d.pass_count).toBe(passing);
    expect(d.total).toBe(20);
    expect(d.decision).toBe(expected);
    expect(d.thresholds.counts).toEqual({ proceed_to_phase_2: 10, phase_1_sufficient: 7 });
    expect(d.scaling_note).toBeNull();
  });

  it('an insufficient pass count escalates with the plan next step (phase 2)', () => {
    const d = phase1(6);
    expect(d.escalation).not.toBeNull();
    expect(d.escalation!.criteria).toEqual(['insufficient_pass_count']);
    expect(d.escalation!.severity).toBe('medium');
    expect(d.escalation!.recommended_next_step).toMatch(/phase 2/);
    expect(d.next_step).toBe(d.escalation!.recommended_next_step);
  });

  it('no escalation when the count is sufficient and the baseline is there', () => {
    const d = phase1(7);
    expect(d.escalation).toBeNull();
    expect(d.escalation_criteria.every((c) => !c.triggered)).toBe(true);
  });
});

describe('phase 2 gate (of 20)', () => {
  it.each([
    [9, 'ESCALATE'],
    [10, 'UNBLOCK_PRODUCT'],
    [13, 'UNBLOCK_PRODUCT'],
    [14, 'STOP_SUFFICIENT'],
  ])('%i passing -> %s', (passing, expected) => {
    const d = phase2(passing);
    expect(d.decision).toBe(expected);
    expect(d.thresholds.counts).toEqual({ stop_sufficient: 14, unblock_product: 10 });
  });

  it('fewer than 10 passing recommends phase 3', () => {
    const d = phase2(9);
    expect(d.escalation!.recommended_next_step).toMatch(/phase 3/);
  });

  it('a decision that stops says explanations and plans still need phase 3', () => {
    // An autopilot followed "Stop" and never ran phase 3, which explain's ROAS and plans use.
    const needs =
      " Explanations' ROAS (with carry-over and saturation) and budget plans use phase 3's model: run phase 3 before acting on them.";
    expect(phase2(14).next_step).toBe(
      'Stop: the models are sufficient for product release (as forecasts).' + needs,
    );
    expect(phase2(10).next_step.endsWith(needs)).toBe(true);
    expect(phase1(9).next_step.endsWith(needs)).toBe(true);
  });
});

describe('phase 3 gate (of 20): pass rate > 95%', () => {
  it('19/20 = 95% is not above 95%', () => {
    const d = phase3(19);
    expect(d.decision).toBe('ESCALATE');
    expect(d.thresholds.counts).toEqual({ success: 20 });
    const rate = d.success_criteria.find((c) => c.name === 'pass_rate')!;
    expect(rate.actual).toBeCloseTo(0.95, 12);
    expect(rate.passed).toBe(false);
  });

  it('20/20 succeeds', () => {
    const d = phase3(20);
    expect(d.decision).toBe('SUCCESS');
    expect(d.escalation).toBeNull();
  });
});

describe('scaled thresholds', () => {
  // By hand: ceil(0.50 N), ceil(0.35 N), ceil(0.70 N), ceil(0.50 N), and for "> 95%" the
  // smallest c with c/N > 0.95.
  //   N = 7:   3.5 -> 4, 2.45 -> 3, 4.9 -> 5, 3.5 -> 4, 6.65 -> 7
  //   N = 3:   1.5 -> 2, 1.05 -> 2, 2.1 -> 3, 1.5 -> 2, 2.85 -> 3
  //   N = 200: 100, 70, 140, 100, 190 is exactly 95% -> 191
  //   N = 20:  10, 7, 14, 10, 20
  it.each([
    [7, [4, 3], [5, 4], 7],
    [3, [2, 2], [3, 2], 3],
    [200, [100, 70], [140, 100], 191],
    [20, [10, 7], [14, 10], 20],
  ])('N = %i', (n, p1, p2, p3) => {
    expect(scaledThresholds(1, n).map((t) => t.count)).toEqual(p1);
    expect(scaledThresholds(2, n).map((t) => t.count)).toEqual(p2);
    expect(scaledThresholds(3, n).map((t) => t.count)).toEqual([p3]);
  });

  it('decisions follow the scaled counts at N = 7', () => {
    expect(phase1(2, 7).decision).toBe('ESCALATE');
    expect(phase1(3, 7).decision).toBe('PHASE_1_SUFFICIENT');
    expect(phase1(4, 7).decision).toBe('PROCEED_TO_PHASE_2');
    expect(phase2(3, 7).decision).toBe('ESCALATE');
    expect(phase2(4, 7).decision).toBe('UNBLOCK_PRODUCT');
    expect(phase2(5, 7).decision).toBe('STOP_SUFFICIENT');
    expect(phase3(6, 7).decision).toBe('ESCALATE');
    expect(phase3(7, 7).decision).toBe('SUCCESS');
  });

  it('says in a field that figures need phase 3 until phase 3, a stop included', () => {
    // An agent branching on STOP_SUFFICIENT at phase 2 read "done" (probe s70); the text said it.
    const stop = phase2(5, 7);
    expect(stop.decision).toBe('STOP_SUFFICIENT');
    expect(stop.phase3_needed_for_figures).toBe(true);
    expect(stop.next_step).toContain('run phase 3 before acting on them');
    expect(phase1(4, 7).phase3_needed_for_figures).toBe(true);
    expect(phase3(7, 7).phase3_needed_for_figures).toBe(false);
    expect(phase3(6, 7).phase3_needed_for_figures).toBe(false);
  });

  it('decisions follow the scaled counts at N = 200 (phase 3: 190 is exactly 95%)', () => {
    expect(phase3(190, 200).decision).toBe('ESCALATE');
    expect(phase3(191, 200).decision).toBe('SUCCESS');
    expect(phase1(69, 200).decision).toBe('ESCALATE');
    expect(phase1(70, 200).decision).toBe('PHASE_1_SUFFICIENT');
  });

  it('a scaling note states the scaled counts when N != 20', () => {
    const d = phase1(3, 7);
    expect(d.scaling_note).toContain('7 tenants');
    expect(d.scaling_note).toContain('proceed_to_phase_2 >= 4');
    expect(d.scaling_note).toContain('phase_1_sufficient >= 3');
    expect(d.thresholds.counts).toEqual({ proceed_to_phase_2: 4, phase_1_sufficient: 3 });
    expect(phase3(3, 3).scaling_note).toContain('success needs 3');
  });

  it('is exact where floating point is not (0.07 x 100 = 7.000000000000001 in doubles)', () => {
    expect(scaledCount(7, '>=', 100)).toBe(7);
    expect(scaledCount(57, '>=', 100)).toBe(57);
    expect(scaledCount(7, '>', 100)).toBe(8);
  });

  it('rejects bad inputs to scaledCount', () => {
    expect(() => scaledCount(50, '>=', 0)).toThrow(RangeError);
    expect(() => scaledCount(50.5, '>=', 10)).toThrow(/integer/);
  });
});

describe('pass bar', () => {
  it('mean R² exactly at the threshold passes, just below fails; threshold is configurable', () => {
    const results = [makeResult('a', 0, 0.5), makeResult('b', 0, 0.4999), makeResult('c', 0, 0.65)];
    expect(decideGates({ phase: 0, results }).pass_count).toBe(2);
    expect(decideGates({ phase: 0, results, passThreshold: 0.6 }).pass_count).toBe(1);
  });

  it('judges by mean R², not by the stored `passes` flag', () => {
    const results = [
      makeResult('a', 0, 0.7, { passes: false }),
      makeResult('b', 0, 0.2, { passes: true }),
    ];
    const d = decideGates({ phase: 0, results });
    expect(d.pass_count).toBe(1);
    expect(d.passing_tenants).toEqual(['a']);
  });
});

describe('phase 0', () => {
  it('records the baseline and says so', () => {
    const d = decideGates({ phase: 0, results: makeRun(0, 3, 20) });
    expect(d.decision).toBe('BASELINE_RECORDED');
    expect(d.pass_count).toBe(3);
    expect(d.pass_rate).toBeCloseTo(0.15, 12);
    // mean = (3 x 0.6 + 17 x 0.3) / 20 = 6.9 / 20
    expect(d.mean_r2).toBeCloseTo(0.345, 12);
    expect(d.reasons.join(' ')).toMatch(/baseline for phase 1's regression check/);
    expect(d.success_criteria).toEqual([]);
    expect(d.escalation).toBeNull();
    expect(d.next_step).toMatch(/phase 1/);
  });
});

describe('regression (baseline passers must keep R² >= 0.70)', () => {
  const baseline = [
    makeResult('a', 0, 0.72),
    makeResult('b', 0, 0.55),
    makeResult('c', 0, 0.3),
    makeResult('d', 0, 0.6),
  ];

  it('detects a baseline passer below 0.70 in phase 1 and escalates (high)', () => {
    const results = [
      makeResult('a', 1, 0.65), // still passes 0.50, but below 0.70: regression
      makeResult('b', 1, 0.71),
      makeResult('c', 1, 0.1), // failed the baseline: not subject to the rule
      makeResult('d', 1, 0.7), // improved from 0.60: no loss
    ];
    const d = decideGates({ phase: 1, results, baseline });
    const crit = d.escalation_criteria.find((c) => c.name === 'phase_1_regression')!;
    expect(crit.triggered).toBe(true);
    expect(crit.tenants).toEqual(['a']);
    expect(crit.evidence).toContain('a 0.720 -> 0.650');
    expect(crit.evidence).toContain('1 of 3 baseline passers');
    expect(d.decision).toBe('ESCALATE');
    expect(d.count_decision).toBe('PROCEED_TO_PHASE_2'); // 3 of 4 pass: >= ceil(0.5 x 4) = 2
    expect(d.escalation!.severity).toBe('high');
    expect(d.escalation!.recommended_next_step).toMatch(/modeling lead/);
    const noReg = d.success_criteria.find((c) => c.name === 'no_regression')!;
    expect(noReg.passed).toBe(false);
    expect(noReg.actual).toBe(1);
  });

  it('does not count a passer below 0.70 that keeps or improves its baseline R² as a regression', () => {
    const results = [
      makeResult('a', 1, 0.7), // 0.72 -> 0.70: stays at the 0.70 floor
      makeResult('b', 1, 0.56), // 0.55 -> 0.56: gained, though below 0.70
      makeResult('c', 1, 0.1),
      makeResult('d', 1, 0.59), // 0.60 -> 0.59: lost R² below its floor of 0.60
    ];
    const d = decideGates({ phase: 1, results, baseline });
    const crit = d.escalation_criteria.find((c) => c.name === 'phase_1_regression')!;
    expect(crit.tenants).toEqual(['d']);
    expect(crit.evidence).toContain('d 0.600 -> 0.590');
  });

  it('accepts the baseline as `previous` (phase 0) too', () => {
    const results = baseline.map((b) => makeResult(b.tenant, 1, 0.8));
    const d = decideGates({ phase: 1, results, previous: { phase: 0, results: baseline } });
    expect(d.escalation).toBeNull();
    expect(d.decision).toBe('PROCEED_TO_PHASE_2');
    expect(d.success_criteria.find((c) => c.name === 'no_regression')!.passed).toBe(true);
  });

  it('is a success criterion (not an escalation) in phase 2', () => {
    const results = baseline.map((b) => makeResult(b.tenant, 2, b.tenant === 'b' ? 0.54 : 0.8));
    const previous = {
      phase: 1 as PhaseId,
      results: baseline.map((b) => makeResult(b.tenant, 1, 0.5)),
    };
    const d = decideGates({ phase: 2, results, previous, baseline });
    expect(d.success_criteria.find((c) => c.name === 'no_regression')!.passed).toBe(false);
    expect(d.decision).toBe('STOP_SUFFICIENT');
    // The reasons say why an unmet success criterion leaves the decision as it is.
    expect(d.reasons).toContain(
      'no_regression not met, and the decision is still STOP_SUFFICIENT: the plan decides phase 2 by its pass count and escalates only on its escalation criteria (a regression escalates in phase 1 alone); read the unmet criteria before acting on it.',
    );
  });
});

describe('phase 2 mean R² below phase 1', () => {
  it('escalates even when the pass count alone would stop', () => {
    const previous = { phase: 1 as PhaseId, results: makeRun(1, 15, 20, 0.8) };
    const results = makeRun(2, 15, 20, 0.78); // same count, lower mean
    const d = decideGates({ phase: 2, results, previous, baseline: emptyBaseline(20) });
    expect(d.count_decision).toBe('STOP_SUFFICIENT');
    expect(d.decision).toBe('ESCALATE');
    const crit = d.escalation_criteria.find((c) => c.name === 'phase_2_mean_r2_decreased')!;
    expect(crit.triggered).toBe(true);
    // phase 1 mean (15 x 0.8 + 5 x 0.3)/20 = 0.675; phase 2 (15 x 0.78 + 5 x 0.3)/20 = 0.66
    expect(crit.evidence).toContain('phase 2 mean R² 0.660 vs phase 1 0.675, change -0.015');
    expect(crit.evidence).toContain('0.675');
    expect(d.escalation!.severity).toBe('high');
    expect(d.reasons.join(' ')).toMatch(/pass-count rule alone gives STOP_SUFFICIENT/);
  });

  it('an equal mean is not a decrease', () => {
    const previous = { phase: 1 as PhaseId, results: makeRun(1, 15, 20, 0.8) };
    const d = decideGates({
      phase: 2,
      results: makeRun(2, 15, 20, 0.8),
      previous,
      baseline: emptyBaseline(20),
    });
    expect(d.decision).toBe('STOP_SUFFICIENT');
  });
});

describe('missing prerequisite runs', () => {
  it('phase 2 without a phase 1 run escalates, naming the missing run', () => {
    const d = decideGates({ phase: 2, results: makeRun(2, 18, 20), baseline: emptyBaseline(20) });
    expect(d.count_decision).toBe('STOP_SUFFICIENT');
    expect(d.decision).toBe('ESCALATE');
    expect(d.escalation!.criteria).toEqual(['missing_prerequisite_run']);
    expect(d.escalation!.evidence[0]).toMatch(/no phase 1 run/);
    expect(d.escalation!.recommended_next_step).toMatch(/Run phase 1/);
    expect(d.escalation!.severity).toBe('medium');
  });

  it('phase 1 without phase 0: the regression check cannot be done', () => {
    const d = decideGates({ phase: 1, results: makeRun(1, 12, 20) });
    expect(d.decision).toBe('ESCALATE');
    expect(d.escalation!.criteria).toEqual(['missing_prerequisite_run']);
    expect(d.escalation!.evidence[0]).toMatch(/no phase 0 run.*regression/);
    const noReg = d.success_criteria.find((c) => c.name === 'no_regression')!;
    expect(noReg.passed).toBeNull();
    expect(noReg.actual).toBeNull();
  });

  it('phase 3 without a phase 2 run escalates', () => {
    const d = decideGates({
      phase: 3,
      results: makeRun(3, 20, 20, 0.8),
      baseline: emptyBaseline(20),
    });
    expect(d.count_decision).toBe('SUCCESS');
    expect(d.escalation!.evidence[0]).toMatch(/no phase 2 run/);
    // Said as a missing run, not as a model failure, with what to run.
    expect(d.next_step).toBe(
      'Not a model failure: the gate judges phase 3 against a phase 2 run of the same tenants, and there is none. Run phase 2 for the same tenants, then check the phase 3 gates again.',
    );
  });

  it("phase 3 after a phase 2 run of other tenants: missing too, in the caller's words", () => {
    const others = [makeResult('x', 2, 0.9), makeResult('y', 2, 0.9)];
    const mine = [makeResult('shop-b', 3, 0.8), makeResult('shop-a', 3, 0.8)];
    const words = {
      runPhase: (p: PhaseId, t: readonly string[]) => `RUN(${p}:${t.join('+')})`,
      checkGates: (p: PhaseId) => `GATES(${p})`,
    };
    const d = decideGates({
      phase: 3,
      results: mine,
      previous: { phase: 2, results: others },
      words,
    });
    expect(d.escalation!.criteria).toEqual(['missing_prerequisite_run']);
    expect(d.escalation!.evidence[0]).toMatch(/phase 2 run shares no tenant/);
    expect(d.next_step).toMatch(/Run RUN\(2:shop-a\+shop-b\), then GATES\(3\) again\.$/);
    // One shared tenant is a phase 2 for them: no escalation.
    const some = decideGates({
      phase: 3,
      results: mine,
      previous: { phase: 2, results: [...others, makeResult('shop-a', 2, 0.7)] },
    });
    expect(some.escalation).toBeNull();
  });

  it('a missing run: the next step runs only the tenants not deleted since, and says so', () => {
    const mine = [makeResult('shop-b', 3, 0.8), makeResult('shop-a', 3, 0.8)];
    const words = {
      runPhase: (p: PhaseId, t: readonly string[]) => `RUN(${p}:${t.join('+')})`,
      checkGates: (p: PhaseId) => `GATES(${p})`,
    };
    const one = decideGates({ phase: 3, results: mine, words, deletedTenants: ['shop-b'] });
    expect(one.next_step).toMatch(
      / Run RUN\(2:shop-a\) \(shop-b has been deleted since this run\), then GATES\(3\) again\.$/,
    );
    const all = decideGates({
      phase: 3,
      results: mine,
      words,
      deletedTenants: ['shop-a', 'shop-b', 'elsewhere'],
    });
    expect(all.next_step).toMatch(
      / Every tenant of this run is gone \(shop-a, shop-b have been deleted since this run\), so no phase 2 run can be made for it; run phase 3 on tenants that exist, then judge that run\.$/,
    );
    expect(all.next_step).not.toContain('RUN(');
  });

  it('combines several triggered criteria; the highest severity picks the next step', () => {
    const baseline = [makeResult('a', 0, 0.9), makeResult('b', 0, 0.2), makeResult('c', 0, 0.2)];
    const results = [makeResult('a', 1, 0.1), makeResult('b', 1, 0.1), makeResult('c', 1, 0.1)];
    const d = decideGates({ phase: 1, results, baseline });
    expect(d.escalation!.criteria).toEqual(['phase_1_regression', 'insufficient_pass_count']);
    expect(d.escalation!.severity).toBe('high');
    expect(d.escalation!.recommended_next_step).toMatch(/modeling lead/);
  });
});

describe('success criteria figures', () => {
  it('phase 1: mean R² >= 0.25 and pass rate >= 25% at their boundaries', () => {
    // 5 of 20 at 0.5 and 15 at 1/6: mean = (2.5 + 2.5) / 20 = 0.25 (up to rounding)
    const at = makeRun(1, 5, 20, 0.5, 0.5 / 3);
    const d = decideGates({ phase: 1, results: at, baseline: emptyBaseline(20) });
    const rate = d.success_criteria.find((c) => c.name === 'pass_rate')!;
    expect(rate.passed).toBe(true); // 5/20 = 25%
    expect(rate.target).toBe('>= 25%');
    const mean = d.success_criteria.find((c) => c.name === 'mean_r2')!;
    expect(mean.actual).toBeCloseTo(0.25, 12);
    const below = decideGates({
      phase: 1,
      results: makeRun(1, 4, 20),
      baseline: emptyBaseline(20),
    });
    expect(below.success_criteria.find((c) => c.name === 'pass_rate')!.passed).toBe(false);
    // mean (4 x 0.6 + 16 x 0.3)/20 = 0.36 >= 0.25
    expect(below.success_criteria.find((c) => c.name === 'mean_r2')!.passed).toBe(true);
  });

  it('phase 2: 14/20 meets 70%, mean 0.44 misses 0.45', () => {
    const d = phase2(14);
    // (14 x 0.75 + 6 x 0.3)/20 = 0.615
    expect(d.mean_r2).toBeCloseTo(0.615, 12);
    expect(d.success_criteria.find((c) => c.name === 'pass_rate')!.passed).toBe(true);
    const low = decideGates({
      phase: 2,
      results: makeRun(2, 14, 20, 0.5, 0.3666666666666667), // (7 + 6 x 0.36667)/20 = 0.46
      previous: { phase: 1, results: makeRun(1, 0, 20, 0.5, 0.1) },
      baseline: emptyBaseline(20),
    });
    expect(low.mean_r2).toBeCloseTo(0.46, 12);
    expect(low.success_criteria.find((c) => c.name === 'mean_r2')!.passed).toBe(true);
    const lower = decideGates({
      phase: 2,
      results: makeRun(2, 14, 20, 0.5, 0.3),
      previous: { phase: 1, results: makeRun(1, 0, 20, 0.5, 0.1) },
      baseline: emptyBaseline(20),
    });
    expect(lower.mean_r2).toBeCloseTo(0.44, 12); // (7 + 1.8)/20
    expect(lower.success_criteria.find((c) => c.name === 'mean_r2')!.passed).toBe(false);
  });
});

describe('extended checks are counted but never change the pass count', () => {
  it('counts each check by hand', () => {
    const results = [
      makeResult('a', 1, 0.8), // all ok
      makeResult('b', 1, 0.8, { std_r2: 0.16 }), // std too high
      makeResult('c', 1, 0.8, { rmse_pct: 25, fold_r2: [0.8, 0.8] }), // rmse and folds fail
      makeResult('d', 1, 0.2, {
        baselines: {
          training_mean: { rmse: 2, error_ratio: 2 },
          same_weekday_last_week: { rmse: 1.09, error_ratio: 1.09 },
          spend_only_linear: { rmse: 2, error_ratio: 2 },
        },
      }),
    ];
    const d = decideGates({ phase: 1, results, baseline: [makeResult('z', 0, 0.1)] });
    const e = d.extended_checks;
    expect([e.fold_std_ok, e.rmse_pct_ok, e.enough_folds, e.beats_baselines]).toEqual([3, 3, 3, 3]);
    expect(e.all_ok).toBe(1);
    expect(e.passing_and_all_ok).toBe(1);
    expect(d.pass_count).toBe(3);
  });
});

describe('purity and validation', () => {
  it('same inputs in any order give the same output', () => {
    const results = makeRun(1, 11, 20, 0.7);
    const baseline = makeRun(0, 4, 20, 0.75);
    const a = decideGates({ phase: 1, results, baseline });
    const b = decideGates({
      phase: 1,
      results: [...results].reverse(),
      baseline: [...baseline].reverse(),
    });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('rejects bad inputs with clear messages', () => {
    expect(() => decideGates({ phase: 1, results: [] })).toThrow(/at least one/);
    expect(() => decideGates({ phase: 1, results: [makeResult('a', 2, 0.5)] })).toThrow(
      /phase 2 result, expected phase 1/,
    );
    expect(() =>
      decideGates({ phase: 1, results: [makeResult('a', 1, 0.5), makeResult('a', 1, 0.6)] }),
    ).toThrow(/appears twice/);
    expect(() => decideGates({ phase: 1, results: [makeResult('a', 1, NaN)] })).toThrow(
      /non-finite/,
    );
    expect(() =>
      decideGates({
        phase: 2,
        results: [makeResult('a', 2, 0.5)],
        previous: { phase: 0, results: [makeResult('a', 0, 0.5)] },
      }),
    ).toThrow(/must be phase 1/);
    expect(() => decideGates({ phase: 4 as PhaseId, results: [makeResult('a', 1, 0.5)] })).toThrow(
      RangeError,
    );
    expect(() =>
      decideGates({ phase: 0, results: [makeResult('a', 0, 0.5)], passThreshold: Number.NaN }),
    ).toThrow(/passThreshold/);
  });
});
