/**
 * The information floor of a calibrated channel's intervals (intervals.ts addInformationFloor;
 * docs/calibration.md "The information floor"): no interval of a tested channel is narrower than
 * the data and its tests support together, v_g / (1 + sum v_h / s^2) in relative terms. Probe s63
 * (another simulator): a lift test of no information (standard error 39x its lift) shrank google's
 * 95% ROAS interval from 0.58-2.51 to 1.60-2.10, and calibrated 80% intervals held the truth on
 * 12 of 21 tested channels. The figures below are computed by hand from the formula.
 */
import { describe, expect, it } from 'vitest';
import { benchLiftTest } from '../bench/calibration.js';
import { liftTestsToCsv } from '../src/core/csv.js';
import { generateTenant } from '../src/core/data/index.js';
import { addInformationFloor } from '../src/phases/intervals.js';
import type { ChannelIntervals, Explanation } from '../src/phases/types.js';
import { useTempApp } from './app-helpers.js';
import { hotOverCold } from './report-helpers.js';

/** z95 / z80 of the normal distribution (R: qnorm(0.975) / qnorm(0.9)). */
const Z = 1.959963984540054 / 1.2815515655446004;

const iv = (lo80: number, hi80: number, lo95: number, hi95: number) => ({
  p80: [lo80, hi80] as [number, number],
  p95: [lo95, hi95] as [number, number],
});

/** Every end of the intervals times k (a weather state's figures 1.2x the channel's). */
const scaled = (x: ChannelIntervals, k: number): ChannelIntervals => {
  const each = (f: ReturnType<typeof iv>) =>
    iv(f.p80[0] * k, f.p80[1] * k, f.p95[0] * k, f.p95[1] * k);
  return {
    contribution: each(x.contribution),
    roas: each(x.roas),
    marginal_roas: each(x.marginal_roas),
  };
};

/** A one-channel explanation with the given figures and intervals (the fields the floor reads). */
function explanation(
  roas: number,
  intervals: ChannelIntervals,
  tests: { se: number; measured: number; lift: number; sd: number; used?: boolean }[] = [],
): Explanation {
  return {
    channels: [
      {
        channel: 'meta',
        spend: 100,
        contribution: roas * 100,
        roas,
        marginal_roas: roas / 2,
        intervals,
      },
    ],
    weather_states: [
      {
        state: 'hot',
        channels: [
          {
            channel: 'meta',
            spend: 50,
            contribution: roas * 60,
            roas: roas * 1.2,
            marginal_roas: roas / 2,
            intervals: scaled(intervals, 1.2),
          },
        ],
      },
    ],
    response_curves: [],
    uncertainty: { method: 'test', levels: [0.8, 0.95] },
    notes: [],
    calibration: {
      applied: true,
      held_channels: [],
      tests: tests.map((t) => ({
        channel: 'meta',
        used: t.used ?? true,
        standard_error: t.se,
        incremental_revenue: t.measured,
        model_lift: { lift: t.lift, sd: t.sd },
      })),
    },
  } as unknown as Explanation;
}

describe('the information floor (unit)', () => {
  const plainIv: ChannelIntervals = {
    contribution: iv(120, 220, 100, 260),
    roas: iv(1.2, 2.2, 1.0, 2.6),
    marginal_roas: iv(0.6, 1.1, 0.5, 1.3),
  };
  const plain = explanation(1.6, plainIv);

  it('moves narrow ends out to the uncalibrated half-widths times (cal / uncal ROAS) / sqrt(1 + Q)', () => {
    // r_data = 16 / 80 = 0.2, r_test = 10 / 100 = 0.1: Q = 4; factor = (2 / 1.6) / sqrt(5).
    const narrow = iv(1.9, 2.1, 1.85, 2.15);
    const e = explanation(
      2,
      {
        contribution: iv(190, 210, 185, 215),
        roas: narrow,
        marginal_roas: iv(0.95, 1.05, 0.9, 1.1),
      },
      [{ se: 10, measured: -100, lift: -80, sd: 16 }],
    );
    addInformationFloor(e, plain);
    const f = 1.25 / Math.sqrt(5);
    const r = e.channels[0].intervals!.roas;
    expect(r.p80[0]).toBeCloseTo(2 - f * 0.4, 12);
    expect(r.p80[1]).toBeCloseTo(2 + f * 0.6, 12);
    // 95% from the 80% half-widths times z95 / z80 (the uncalibrated 95% ends are not read).
    expect(r.p95[0]).toBeCloseTo(2 - f * 0.4 * Z, 12);
    expect(r.p95[1]).toBeCloseTo(2 + f * 0.6 * Z, 12);
    // Contribution 200 (uncalibrated 160, interval 120-220 at 80%): the same factor.
    const c = e.channels[0].intervals!.contribution;
    expect(c.p80[0]).toBeCloseTo(200 - f * 40, 9);
    expect(c.p80[1]).toBeCloseTo(200 + f * 60, 9);
    // Marginal ROAS 1 (uncalibrated 0.8, 0.6-1.1).
    expect(e.channels[0].intervals!.marginal_roas.p80[0]).toBeCloseTo(1 - f * 0.2, 12);
    // A weather state's figures by its own uncalibrated interval: ROAS 2.4 (uncalibrated 1.92,
    // 1.44-2.64 at 80%).
    const s = e.weather_states[0].channels[0].intervals!.roas;
    expect(s.p80[0]).toBeCloseTo(2.4 - f * 1.2 * 0.4, 12);
    expect(s.p80[1]).toBeCloseTo(2.4 + f * 1.2 * 0.6, 12);
    const floor = e.uncertainty!.information_floor!;
    expect(floor.channels).toHaveLength(1);
    expect(floor.channels[0].tests_information).toBeCloseTo(4, 12);
    expect(floor.channels[0].factor).toBeCloseTo(f, 12);
    expect(floor.channels[0].widened).toBeGreaterThan(0);
  });

  it("moves a weather contrast's ends by its own ratio's change", () => {
    const contrast = (ratio: number, p80: [number, number], p95: [number, number]) =>
      hotOverCold('meta', ratio, p80, p95);
    const withContrast = (e: Explanation, c: ReturnType<typeof contrast>) =>
      Object.assign(e, { weather_contrasts: [c] });
    const before = withContrast(explanation(1.6, plainIv), contrast(1.5, [1.2, 2.0], [1.0, 2.4]));
    const e = withContrast(
      explanation(2, scaled(plainIv, 1.25), [{ se: 10, measured: -100, lift: -80, sd: 16 }]),
      contrast(1.2, [1.15, 1.25], [1.1, 1.3]),
    );
    addInformationFloor(e, before);
    // Q = 4; factor = (1.2 / 1.5) / sqrt(5), the channel's level left out.
    const f = 0.8 / Math.sqrt(5);
    const w = e.weather_contrasts![0];
    expect(w.p80[0]).toBeCloseTo(1.2 - f * 0.3, 12);
    expect(w.p80[1]).toBeCloseTo(1.2 + f * 0.5, 12);
    expect(w.p95[0]).toBeCloseTo(1.2 - f * 0.3 * Z, 12);
    expect(w.p95[1]).toBeCloseTo(1.2 + f * 0.5 * Z, 12);
  });

  it('keeps ends the calibrated bootstrap already puts farther out', () => {
    const wide = iv(1.0, 3.0, 0.5, 3.5);
    const e = explanation(
      2,
      { contribution: iv(100, 300, 50, 350), roas: wide, marginal_roas: iv(0.5, 1.5, 0.2, 1.8) },
      [{ se: 10, measured: -100, lift: -80, sd: 16 }],
    );
    addInformationFloor(e, plain);
    expect(e.channels[0].intervals!.roas).toEqual(iv(1.0, 3.0, 0.5, 3.5));
  });

  it('a test of no information (SE 40x its lift) leaves the uncalibrated relative widths', () => {
    const e = explanation(
      2,
      {
        contribution: iv(199, 201, 198, 202),
        roas: iv(1.99, 2.01, 1.98, 2.02),
        marginal_roas: iv(0.99, 1.01, 0.98, 1.02),
      },
      [{ se: 4000, measured: -100, lift: -80, sd: 16 }],
    );
    addInformationFloor(e, plain);
    // Q = (0.2 / 40)^2 = 2.5e-5: the floor is the uncalibrated interval scaled by 2 / 1.6.
    const r = e.channels[0].intervals!.roas;
    expect(r.p80[0]).toBeCloseTo(2 - 1.25 * 0.4, 4);
    expect(r.p80[1]).toBeCloseTo(2 + 1.25 * 0.6, 4);
    expect(r.p95[0]).toBeCloseTo(2 - 1.25 * 0.4 * Z, 4);
  });

  it('adds the information of several tests; tests not used add none', () => {
    const narrow = () => ({
      contribution: iv(199, 201, 198, 202),
      roas: iv(1.99, 2.01, 1.98, 2.02),
      marginal_roas: iv(0.99, 1.01, 0.98, 1.02),
    });
    const two = explanation(2, narrow(), [
      { se: 10, measured: -100, lift: -80, sd: 16 },
      { se: 20, measured: 100, lift: 50, sd: 5 },
      { se: 1, measured: 100, lift: 50, sd: 50, used: false },
    ]);
    addInformationFloor(two, plain);
    // Q = (0.2 / 0.1)^2 + (0.1 / 0.2)^2 = 4.25.
    expect(two.uncertainty!.information_floor!.channels[0].tests_information).toBeCloseTo(4.25, 12);
    const f = 1.25 / Math.sqrt(5.25);
    expect(two.channels[0].intervals!.roas.p80[0]).toBeCloseTo(2 - f * 0.4, 12);
  });
});

const temp = useTempApp('information-floor');

describe('the information floor (explain)', () => {
  it("a lift test of no information keeps the tested channel's interval about as wide as the data's", async () => {
    const app = temp.app();
    const T = 'extreme_ski_gear';
    const before = await app.explainTenant({ tenant: T, phase: 3, replicates: 20 });
    const meta0 = before.calibration ? null : before.channels.find((c) => c.channel === 'meta')!;
    expect(meta0?.intervals).toBeTruthy();
    // The bench's go-dark on meta, its standard error 40x its lift: it tells nothing.
    const test = benchLiftTest(generateTenant(T), 'meta').test;
    const vague = { ...test, standard_error: 40 * Math.abs(test.incremental_revenue) };
    app.addLiftTests({ tenant: T, csv: liftTestsToCsv([vague]), source: 'vague.csv' });
    const after = await app.explainTenant({ tenant: T, phase: 3, replicates: 20 });
    expect(after.calibration!.applied).toBe(true);
    const meta = after.channels.find((c) => c.channel === 'meta')!;
    const level = meta.roas! / meta0!.roas!;
    // Each end at least the uncalibrated 80% half-width on its side (z-scaled at 95%) times the
    // level over sqrt(1 + Q); Q here is at most (data's relative sd / 40)^2, so about the level.
    const [lo0, hi0] = meta0!.intervals!.roas.p80;
    for (const [k, z] of [
      ['p80', 1],
      ['p95', Z],
    ] as const) {
      const [lo, hi] = meta.intervals!.roas[k];
      expect(meta.roas! - lo).toBeGreaterThanOrEqual(0.99 * z * level * (meta0!.roas! - lo0));
      expect(hi - meta.roas!).toBeGreaterThanOrEqual(0.99 * z * level * (hi0 - meta0!.roas!));
    }
    const floor = after.uncertainty!.information_floor!.channels.find((c) => c.channel === 'meta')!;
    expect(floor.tests_information).toBeLessThan(0.01);
    expect(after.notes.join('\n')).toContain('(uncertainty.information_floor)');
  }, 600_000);
});
