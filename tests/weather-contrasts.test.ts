/**
 * Weather contrasts (intervals.ts weatherContrasts): a channel's ROAS in a column's hot (rain,
 * high) state over its cold (dry, low) one, with intervals from the same refits' ratios. Values
 * by hand from made-up replicate vectors; the coverage of the true ratio is measured in
 * tests/intervals-coverage.test.ts and `node dist/bench/intervals.js --coverage`.
 */
import { describe, expect, it } from 'vitest';
import {
  CONTRAST_FORM_FACTOR,
  figureVector,
  LEVELS,
  weatherContrasts,
} from '../src/phases/intervals.js';
import { contrastClaims } from '../bench/intervals.js';
import { handMadeReportData, hotOverCold } from './report-helpers.js';

// Two channels (social, search), states temperature_c:hot then temperature_c:cold; figureVector
// order: 3 figures per channel, then 3 per state and channel (ROAS second), then the curves.
const e = handMadeReportData().explanation;
const length = figureVector(e).length;
const roasAt = (state: number, channel: number) => 3 * 2 + 3 * (state * 2 + channel) + 1;

/** 11 replicates: social's log ratio log 2 + (i - 5) / 10; search's cold ROAS `searchCold(i)`. */
function replicates(searchCold: (i: number) => number): number[][] {
  return Array.from({ length: 11 }, (_, i) => {
    const f = new Array<number>(length).fill(1);
    f[roasAt(0, 0)] = 2.6 * Math.exp((i - 5) / 10);
    f[roasAt(1, 0)] = 1.3;
    f[roasAt(0, 1)] = 1.5;
    f[roasAt(1, 1)] = searchCold(i);
    return f;
  });
}

describe('weather contrasts', () => {
  it('the ratio of the points and the percentiles of the refits’ ratios (linear interpolation)', () => {
    const [social, search] = weatherContrasts(
      e,
      replicates(() => 1.4),
    );
    expect(social).toMatchObject({
      channel: 'social',
      variable: 'temperature_c',
      state: 'temperature_c:hot',
      reference: 'temperature_c:cold',
      true_ratio: null,
    });
    expect(social.ratio).toBeCloseTo(2, 12);
    // 11 sorted logs log 2 - 0.5 ... log 2 + 0.5: the 10th percentile is the second (-0.4), the
    // 2.5th a quarter of the way from the first to the second (-0.475).
    expect(social.p80[0]).toBeCloseTo(2 * Math.exp(-0.4), 12);
    expect(social.p80[1]).toBeCloseTo(2 * Math.exp(0.4), 12);
    expect(social.p95[0]).toBeCloseTo(2 * Math.exp(-0.475), 12);
    expect(social.p95[1]).toBeCloseTo(2 * Math.exp(0.475), 12);
    // Every refit puts search's ratio at 1.5 / 1.4.
    expect(search.ratio).toBeCloseTo(1.5 / 1.4, 12);
    expect(search.p80[0]).toBeCloseTo(1.5 / 1.4, 12);
    expect(search.p95[1]).toBeCloseTo(1.5 / 1.4, 12);
  });

  it('holds its own point where every refit sits on one side of it', () => {
    // social's refits centred on 4 (log 4 + (i - 5) / 10), its point ratio 2: below every refit,
    // so the upper ends are the percentiles and the lower ends the point less the same distance
    // on the log scale, 2^2 / upper (probe s70: a point outside its own interval on 7 of 40
    // contrasts; probe s71: an end at the point itself, INTERVALS_VERSION 45).
    const shifted = replicates(() => 1.4).map((f) => {
      const g = [...f];
      g[roasAt(0, 0)] *= 2;
      return g;
    });
    const [social] = weatherContrasts(e, shifted);
    expect(social.ratio).toBeCloseTo(2, 12);
    expect(social.p80[1]).toBeCloseTo(4 * Math.exp(0.4), 12);
    expect(social.p95[1]).toBeCloseTo(4 * Math.exp(0.475), 12);
    expect(social.p80[0]).toBeCloseTo(Math.exp(-0.4), 12);
    expect(social.p95[0]).toBeCloseTo(Math.exp(-0.475), 12);
  });

  it('leaves out a channel whose refits put its ROAS at or below 0 in a state on more than a tenth of them', () => {
    // 1 of 11 refits (9%) keeps the contrast, 2 (18%) leave it out.
    const one = weatherContrasts(
      e,
      replicates((i) => (i === 0 ? -0.1 : 1.4)),
    );
    expect(one.map((w) => w.channel)).toEqual(['social', 'search']);
    const two = weatherContrasts(
      e,
      replicates((i) => (i < 2 ? 0 : 1.4)),
    );
    expect(two.map((w) => w.channel)).toEqual(['social']);
    // No ratio without a positive point in both states.
    const zero = structuredClone(e);
    zero.weather_states[1].channels[0].roas = 0;
    expect(
      weatherContrasts(
        zero,
        replicates(() => 1.4),
      ).map((w) => w.channel),
    ).toEqual(['search']);
  });

  it('adds half the log distance to phase 1’s ratio at z, in quadrature with the refits’ distance', () => {
    // Phase 1 reads social's hot / cold ROAS as 1 / 1.25 = 0.8 against the point's 2: a log
    // distance d = log 2.5. The 80% ends were 2 exp(-/+0.4); now 2 exp(-/+sqrt(0.4^2 + (0.5 z d)^2)).
    const form = new Array<number>(length).fill(1);
    form[roasAt(0, 0)] = 1;
    form[roasAt(1, 0)] = 1.25;
    form[roasAt(0, 1)] = 1.5;
    form[roasAt(1, 1)] = -0.2; // phase 1's search ROAS below 0 in cold: no reading, no term
    const [social, search] = weatherContrasts(
      e,
      replicates(() => 1.4),
      form,
    );
    expect(CONTRAST_FORM_FACTOR).toBe(0.5);
    const d = Math.log(2.5);
    const [z80, z95] = [1.2815515655446004, 1.959963984540054];
    expect([LEVELS[0].z, LEVELS[1].z]).toEqual([z80, z95]);
    const end = (q: number, z: number) => Math.sqrt(q * q + (0.5 * z * d) ** 2);
    expect(social.p80[0]).toBeCloseTo(2 * Math.exp(-end(0.4, z80)), 12);
    expect(social.p80[1]).toBeCloseTo(2 * Math.exp(end(0.4, z80)), 12);
    expect(social.p95[0]).toBeCloseTo(2 * Math.exp(-end(0.475, z95)), 12);
    expect(social.p95[1]).toBeCloseTo(2 * Math.exp(end(0.475, z95)), 12);
    // 0.97 to 4.1 at 80%: a clear 2x became unclear, as the two forms disagree on the side of 1.
    expect(social.p80[0]).toBeLessThan(1);
    expect(social.phase1_ratio).toBeCloseTo(0.8, 12);
    expect(search.phase1_ratio).toBeNull();
    expect(search.p80[0]).toBeCloseTo(1.5 / 1.4, 12);
    // Without phase 1's figures (phases 0-2): no field, the refits' percentiles alone.
    expect(
      'phase1_ratio' in
        weatherContrasts(
          e,
          replicates(() => 1.4),
        )[0],
    ).toBe(false);
  });

  it('reads the true ratio when the states have one', () => {
    const truth = structuredClone(e);
    truth.weather_states[0].channels[0].true_roas = 3;
    truth.weather_states[1].channels[0].true_roas = 1.5;
    expect(
      weatherContrasts(
        truth,
        replicates(() => 1.4),
      )[0].true_ratio,
    ).toBeCloseTo(2, 12);
  });
});

describe('contrastClaims (bench): sides claimed at 80% and 95%, right or not', () => {
  it('counts by hand', () => {
    const c = (p80: [number, number], p95: [number, number], truth: number | null) =>
      hotOverCold('x', 1, p80, p95, truth);
    const claims = contrastClaims([
      c([1.1, 1.5], [1.02, 1.7], 1.3), // both levels claim hot, truth hot
      c([1.1, 1.5], [0.9, 1.7], 0.98), // 80% claims hot, truth flat (and below 1)
      c([0.6, 0.9], [0.5, 0.95], 1.2), // both claim cold, truth hot
      c([0.8, 1.2], [0.7, 1.3], 1.01), // no claim, flat
      c([1.2, 1.4], [1.1, 1.5], null), // no truth: not counted
    ]);
    expect(claims).toEqual([
      { level: '80%', claims: 3, right: 1, flat: 2, flatClaims: 1 },
      { level: '95%', claims: 2, right: 1, flat: 2, flatClaims: 0 },
    ]);
  });
});
