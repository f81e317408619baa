import { describe, expect, it } from 'vitest';
import { liftCalibrationLine } from '../src/plan/summary.js';
import type { PlanResult } from '../src/plan/plan.js';

/** A plan result holding only the lift calibration the summary line reads. */
function planWith(tests: object[]): PlanResult {
  return {
    lift_calibration: { tests, held_channels: [], skipped: [] },
  } as unknown as PlanResult;
}

describe("the plan summary's lift-test line", () => {
  it('names a test left out as out of line with the channel tests it disagrees with', () => {
    const line = liftCalibrationLine(
      planWith([
        {
          id: 7,
          channel: 'meta',
          used: true,
          conflict: false,
          conflict_with: null,
          out_of_line_with: [],
        },
        {
          id: 8,
          channel: 'meta',
          used: false,
          conflict: true,
          conflict_with: 'tests',
          out_of_line_with: ['#7'],
        },
      ]),
    );
    expect(line).toBe(
      'calibrated with 1 lift test (#7 meta): the plan model and its refits match them as far as the data allow ' +
        "(each test judged against the plan's own model and refits; explain judges it against the phase 3 model and may leave out a test used here); " +
        "1 in conflict with the data, the plan model's refits or the channel's other tests, not used (#8 meta out of line with #7): check the experiment",
    );
  });

  it('names a test in conflict with the data without the out-of-line words', () => {
    const line = liftCalibrationLine(
      planWith([
        {
          id: 3,
          channel: 'google',
          used: false,
          conflict: true,
          conflict_with: 'data',
          out_of_line_with: [],
        },
      ]),
    );
    expect(line).toContain('not used (#3 google): check the experiment');
    expect(line).not.toContain('out of line');
  });
});
