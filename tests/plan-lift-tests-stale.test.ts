/**
 * A stored plan says when the tenant's lift tests are no longer those it was made with (probe s71:
 * plans read back after a test was deleted still named it as in conflict, and nothing said it was
 * gone).
 */
import { describe, expect, it } from 'vitest';
import { benchLiftTest } from '../bench/calibration.js';
import { liftTestsToCsv } from '../src/core/csv.js';
import { generateTenant } from '../src/core/data/index.js';
import { useTempApp } from './app-helpers.js';

const temp = useTempApp('plan-lift-stale');

describe('a stored plan and the lift tests recorded since', () => {
  it('reads current while the tests are the same, and says first when they changed', async () => {
    const app = temp.app();
    const T = 'extreme_ski_gear';
    const before = await app.planBudget({ tenant: T, replicates: 0 });
    expect(app.getPlan(before.id).on_current_lift_tests).toBe(true);

    const test = benchLiftTest(generateTenant(T), 'meta').test;
    const [added] = app.addLiftTests({
      tenant: T,
      csv: liftTestsToCsv([test]),
      source: 'm.csv',
    }).added;
    // Made without tests, read with one: other tests.
    const old = app.getPlan(before.id);
    expect(old.on_current_lift_tests).toBe(false);
    expect(old.read_first[0]).toBe(
      `OTHER LIFT TESTS: plan ${before.id} was made with no lift tests; ${T} has #${added.id} meta ${test.start}..${test.end} now: ` +
        `its calibration, its conflict lines and its figures describe the tests it had; plan again for the tests it has now (plan_budget with tenant "${T}")`,
    );

    const calibrated = await app.planBudget({ tenant: T, replicates: 0 });
    expect(calibrated.plan.lift_calibration?.tests.length).toBe(1);
    expect(app.getPlan(calibrated.id).on_current_lift_tests).toBe(true);
    expect(app.getPlan(calibrated.id).read_first.join('\n')).not.toContain('OTHER LIFT TESTS');

    app.deleteLiftTests(T, [added.id]);
    const gone = app.getPlan(calibrated.id);
    expect(gone.on_current_lift_tests).toBe(false);
    expect(gone.read_first[0]).toContain(
      `was made with the lift tests #${added.id} meta ${test.start}..${test.end}; ${T} has none now`,
    );
    // The first plan is current again: no test then, none now.
    expect(app.getPlan(before.id).on_current_lift_tests).toBe(true);
  }, 120_000);
});
