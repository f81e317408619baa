/**
 * A channel without a used lift test keeps the uncalibrated explanation's intervals, as it keeps
 * its figures (intervals.ts completeCalibratedIntervals; docs/calibration.md). Before, one test on
 * another channel switched its intervals to the calibrated bootstrap's rule (probe s53: untested
 * meta's 80% width x4.4 after a google test, x0.47 on a weekly tenant).
 */
import { describe, expect, it } from 'vitest';
import { benchLiftTest } from '../bench/calibration.js';
import { liftTestsToCsv } from '../src/core/csv.js';
import { generateTenant } from '../src/core/data/index.js';
import { useTempApp } from './app-helpers.js';

const temp = useTempApp('held-intervals');

describe('a channel without a lift test, beside a calibrated one', () => {
  it("keeps the uncalibrated explanation's intervals; the tested channel gets the calibrated ones", async () => {
    const app = temp.app();
    const T = 'extreme_ski_gear';
    const before = await app.explainTenant({ tenant: T, phase: 3, replicates: 20 });
    const tenant = generateTenant(T);
    const test = benchLiftTest(tenant, 'meta').test;
    app.addLiftTests({ tenant: T, csv: liftTestsToCsv([test]), source: 'meta.csv' });
    const after = await app.explainTenant({ tenant: T, phase: 3, replicates: 20 });
    expect(after.calibration!.applied).toBe(true);
    expect(after.calibration!.held_channels).toEqual(['google']);
    const of = (e: typeof after, c: string) => e.channels.find((x) => x.channel === c)!;
    // google: the same point (held exactly) and now the same intervals, every figure of it.
    expect(of(after, 'google').roas).toBeCloseTo(of(before, 'google').roas, 12);
    expect(of(after, 'google').intervals).toEqual(of(before, 'google').intervals);
    after.weather_states.forEach((s, i) =>
      expect(s.channels.find((x) => x.channel === 'google')!.intervals).toEqual(
        before.weather_states[i].channels.find((x) => x.channel === 'google')!.intervals,
      ),
    );
    const curve = (e: typeof after) => e.response_curves.find((c) => c.channel === 'google');
    if (curve(before))
      expect(curve(after)!.contribution_interval).toEqual(curve(before)!.contribution_interval);
    // meta: calibrated figure, calibrated intervals around it.
    expect(of(after, 'meta').intervals).not.toEqual(of(before, 'meta').intervals);
    const iv = of(after, 'meta').intervals!.roas.p80;
    expect(iv[0]).toBeLessThanOrEqual(of(after, 'meta').roas);
    expect(iv[1]).toBeGreaterThanOrEqual(of(after, 'meta').roas);
    // Said where the method is recorded, and in the notes.
    expect(after.uncertainty!.uncalibrated_intervals?.channels).toEqual(['google']);
    expect(after.uncertainty!.uncalibrated_intervals?.width_scale).toEqual(
      before.uncertainty!.width_scale,
    );
    expect(after.notes.join('\n')).toContain(
      "the channels without a used lift test (google) keep the uncalibrated model's intervals",
    );
  }, 600_000);
});
