/**
 * Explain and a plan say so when the other judged the same lift tests differently
 * (src/app/lift-verdicts.ts; probe s63 finding 4: a 2x biased test used by explain, display's ROAS
 * 1.35 -> 3.06 without a word, and flagged by the plan).
 */
import { describe, expect, it } from 'vitest';
import { benchLiftTest } from '../bench/calibration.js';
import { liftTestsToCsv } from '../src/core/csv.js';
import { generateTenant } from '../src/core/data/index.js';
import { judgedDifferentlyCaveat, type TestVerdict } from '../src/app/lift-verdicts.js';
import { useTempApp } from './app-helpers.js';

const test = (id: number, channel: string, used: boolean): TestVerdict => ({
  id,
  channel,
  start: '2024-01-01',
  end: '2024-02-25',
  spend_change: -1000,
  incremental_revenue: -2500,
  standard_error: 300,
  used,
});
const words = { here: 'this plan', there: 'explain', remedy: 'bound them' };

describe('judgedDifferentlyCaveat', () => {
  it('names the tests one uses and the other leaves out, both ways', () => {
    const c = judgedDifferentlyCaveat(
      [test(1, 'meta', true), test(2, 'google', false), test(3, 'tv', true)],
      [test(1, 'meta', false), test(2, 'google', true), test(3, 'tv', true)],
      words,
    )!;
    expect(c.code).toBe('lift_test_judged_differently');
    expect(c.channels).toEqual(['meta', 'google']);
    expect(c.message).toContain('explain leaves out #1 (meta), which this plan uses');
    expect(c.message).toContain('explain uses #2 (google), which this plan leaves out');
    expect(c.message).not.toContain('#3');
  });

  it('says nothing when the verdicts agree, or the two judged other tests', () => {
    const ours = [test(1, 'meta', true)];
    expect(judgedDifferentlyCaveat(ours, [test(1, 'meta', true)], words)).toBeNull();
    // The same id with other figures (removed and recorded again), or another set of tests.
    const refigured = { ...test(1, 'meta', false), standard_error: 301 };
    expect(judgedDifferentlyCaveat(ours, [refigured], words)).toBeNull();
    expect(
      judgedDifferentlyCaveat(ours, [test(1, 'meta', false), test(2, 'meta', true)], words),
    ).toBeNull();
    expect(judgedDifferentlyCaveat([], [], words)).toBeNull();
  });
});

const temp = useTempApp('lift-verdicts');

/** The historical spend of the tenant's last 28 days (a plan's budget). */
function lastMonthSpend(T: string): number {
  const series = generateTenant(T).series;
  const n = series.dates.length;
  return series.spend.reduce((a, s) => a + s.slice(n - 28).reduce((x, y) => x + y, 0), 0);
}

describe('a plan leaves out the lift tests explain leaves out', () => {
  it('extreme_sunscreen meta, a test 2x the truth: explain leaves it out, and so does the plan', async () => {
    const app = temp.app();
    const T = 'extreme_sunscreen';
    const run = await app.startPhaseRun({ phase: 3, tenants: [T] }).done;
    expect(run.status).toBe('done');
    // meta's go-dark claiming 2x its true lift, SE 5%: explain's model check leaves it out;
    // the plan model's own check (its refits) passed such tests before (docs/planner.md).
    const biased = benchLiftTest(generateTenant(T), 'meta', { bias: 2, relativeSe: 0.05 }).test;
    app.addLiftTests({ tenant: T, csv: liftTestsToCsv([biased]), source: 'biased.csv' });
    const e = await app.explainTenant({ tenant: T, phase: 3 });
    expect(e.calibration!.tests[0].used).toBe(false);
    const plan = await app.planBudget({ tenant: T, budget: lastMonthSpend(T) });
    const t = plan.plan.lift_calibration!.tests[0];
    expect(t.used).toBe(false);
    expect(t.conflict).toBe(true);
    expect(t.left_out_by_explain).toBe(true);
    expect(plan.plan.lift_calibration!.applied).toBe(false);
    const conflict = plan.caveats.find((c) => c.code === 'lift_test_conflict');
    expect(conflict?.channels).toEqual(['meta']);
    expect(conflict?.message).toContain('as explain judges it');
    // The same verdict in both: nothing judged differently.
    expect(plan.caveats.map((c) => c.code)).not.toContain('lift_test_judged_differently');
    const again = await app.explainTenant({ tenant: T, phase: 3 });
    expect(again.caveats.map((c) => c.code)).not.toContain('lift_test_judged_differently');
  }, 900_000);
});

describe('explain and a plan on a test they judge differently', () => {
  it('each names the other verdict (extreme_heating google, a test 1.7x the truth)', async () => {
    const app = temp.app();
    const T = 'extreme_heating';
    const run = await app.startPhaseRun({ phase: 3, tenants: [T] }).done;
    expect(run.status).toBe('done');
    // google's go-dark claiming 1.7x its true lift, SE 5%: explain with 20 replicates leaves it out
    // (its model check's interval from 20 refits), the plan, which judges it as explain does at the
    // default replicates, uses it (measured; 1.5x until the model's discrepancy joined the
    // conflict statistics, with which explain uses 1.5x too and neither uses 1.9x).
    const biased = benchLiftTest(generateTenant(T), 'google', { bias: 1.7, relativeSe: 0.05 }).test;
    app.addLiftTests({ tenant: T, csv: liftTestsToCsv([biased]), source: 'biased.csv' });
    const first = await app.explainTenant({ tenant: T, phase: 3, replicates: 20 });
    expect(first.calibration!.tests[0].used).toBe(false);
    const id = first.calibration!.tests[0].id!;
    // No plan yet: nothing to compare with.
    expect(first.caveats.map((c) => c.code)).not.toContain('lift_test_judged_differently');
    const plan = await app.planBudget({ tenant: T, budget: lastMonthSpend(T) });
    expect(plan.plan.lift_calibration!.tests[0].used).toBe(true);
    const inPlan = plan.caveats.find((c) => c.code === 'lift_test_judged_differently');
    expect(inPlan?.channels).toEqual(['google']);
    expect(inPlan?.message).toContain(
      `explain's calibrated explanation of this model (kept with run ${run.id}) leaves out #${id} (google), which this plan uses`,
    );
    expect(plan.read_first.join('\n')).toContain('lift_test_judged_differently');
    // Explain again (its explanation kept): the newest plan's verdict is named.
    const again = await app.explainTenant({ tenant: T, phase: 3, replicates: 20 });
    const inExplain = again.caveats.find((c) => c.code === 'lift_test_judged_differently');
    expect(inExplain?.message).toContain(
      `the newest plan on these data (plan ${plan.id}) uses #${id} (google), which this explanation leaves out`,
    );
  }, 900_000);
});
