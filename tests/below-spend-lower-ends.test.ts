/**
 * The below-spend lower ends (intervals.ts belowSpendLowerEnds) of a channel without a used lift
 * test stay when lift tests are recorded: only a used test measures its channel's level. An outside
 * MCP probe (session 70) recorded one test on social that was left out as a conflict; search, which
 * had no test, lost its lower end of 0.91 (2.07 instead) while its caveat still said 0.91. Values by
 * hand: point x (1 - share).
 */
import { describe, expect, it } from 'vitest';
import { belowSpendLowerEnds } from '../src/phases/intervals.js';
import type { Explanation } from '../src/phases/types.js';
import { handMadeReportData } from './report-helpers.js';

/** The hand-made explanation, its first channel at ROAS 2.5 (80% 2 to 3) with half its effect below its usual spend. */
function withBelowSpend(calibration: unknown): Explanation {
  const e = structuredClone(handMadeReportData().explanation);
  const ch = e.channels[0];
  ch.roas = 2.5;
  ch.uncalibrated_roas = 2.5;
  ch.below_spend_share = 0.5;
  ch.contribution = 1000;
  ch.intervals = {
    roas: { p80: [2, 3], p95: [1.8, 3.4] },
    contribution: { p80: [800, 1200], p95: [700, 1300] },
    marginal_roas: { p80: [1, 2], p95: [0.8, 2.2] },
  } as NonNullable<typeof ch.intervals>;
  e.weather_states = [];
  e.calibration = calibration as Explanation['calibration'];
  return e;
}

describe('below-spend lower ends with lift tests recorded', () => {
  const channel = handMadeReportData().explanation.channels[0].channel;
  const other = handMadeReportData().explanation.channels[1].channel;
  it('reach down to the part above usual spend where no used test measures the channel', () => {
    for (const calibration of [
      { applied: false, tests: [{ channel, used: false }] },
      { applied: true, tests: [{ channel: other, used: true }] },
      undefined,
    ]) {
      const e = withBelowSpend(calibration);
      belowSpendLowerEnds(e);
      expect(e.channels[0].intervals!.roas).toEqual({ p80: [1.25, 3], p95: [1.25, 3.4] });
      expect(e.channels[0].intervals!.contribution).toEqual({ p80: [500, 1200], p95: [500, 1300] });
    }
  });

  it('stay as they are where a used test measures the channel', () => {
    const e = withBelowSpend({ applied: true, tests: [{ channel, used: true }] });
    belowSpendLowerEnds(e);
    expect(e.channels[0].intervals!.roas).toEqual({ p80: [2, 3], p95: [1.8, 3.4] });
    expect(e.channels[0].intervals!.contribution).toEqual({ p80: [800, 1200], p95: [700, 1300] });
  });
});
