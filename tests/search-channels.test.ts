/**
 * The phase-3 search beyond JOINT_SEARCH_MAX_CHANNELS channels: each channel's candidates are
 * scored on a reduced design (the others as one column each). Deterministic, reads no row after
 * trainEnd, and finds a strong channel's carry-over as the joint search does.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../src/core/random.js';
import type { TenantSeries } from '../src/core/types.js';
import {
  JOINT_SEARCH_MAX_CHANNELS,
  LATER_SWEEP_CANDIDATES,
  MANY_CHANNEL_REFINE_ROUNDS,
  scoreMediaParams,
  searchMediaParams,
} from '../src/phases/search.js';
import { constructedTenant } from './phase3-helpers.js';

/** The constructed tenant with extra channels: noisy lagged copies that carry no revenue. */
function widen(series: TenantSeries, channels: number): TenantSeries {
  const rng = new SeededRandom(3);
  const n = series.target.length;
  const spend = [...series.spend];
  const names = [...series.channels];
  for (let c = series.channels.length; c < channels; c++) {
    const base = series.spend[c % series.channels.length];
    spend.push(
      Float64Array.from({ length: n }, (_, t) => base[(t + n - c) % n] * rng.uniform(0.5, 1.5)),
    );
    names.push(`extra${c}`);
  }
  return { ...series, channels: names, spend };
}

const { series } = constructedTenant(
  [
    { decay: 0.7, kMult: 1, s: 1.5, beta: 8000 },
    { decay: 0.1, kMult: 0.7, s: 1, beta: 3000 },
  ],
  { days: 600, noiseSd: 150, seed: 5 },
);
const wide = widen(series, JOINT_SEARCH_MAX_CHANNELS + 2);
const T = 450;

describe('search with many channels', () => {
  const result = searchMediaParams(wide, T);

  it('is deterministic and reports the joint design score of its choice', () => {
    expect(searchMediaParams(wide, T)).toEqual(result);
    expect(result.innerR2).toBe(scoreMediaParams(wide, T, result.params));
    expect(result.innerR2).toBeGreaterThanOrEqual(result.startR2);
  });

  it("finds the strong channel's long carry-over", () => {
    expect(Math.abs(result.params.ch0.decay - 0.7)).toBeLessThanOrEqual(0.15);
  });

  it('only sees training rows: garbage after trainEnd leaves the parameters identical', () => {
    const garbled: TenantSeries = {
      ...wide,
      target: Float64Array.from(wide.target, (v, t) => (t >= T ? -v * 3 + 1e5 : v)),
      spend: wide.spend.map((x) => Float64Array.from(x, (v, t) => (t >= T ? 1e6 - v : v))),
    };
    expect(searchMediaParams(garbled, T)).toEqual(result);
  });

  it("blocked scheme: a later sweep rescores only each channel's best grid candidates", () => {
    // First sweep: every channel's 150 grid candidates (less those out of range); a later sweep:
    // at most laterSweepCandidates of them per channel (default LATER_SWEEP_CANDIDATES), the
    // whole grid when asked, and always the whole grid in the expanding scheme.
    const C = wide.channels.length;
    const count = (o: Parameters<typeof searchMediaParams>[2]): number =>
      searchMediaParams(wide, T, { refineRounds: 0, ...o }).candidates;
    const blocked = { scheme: 'blocked' as const };
    const first = count({ ...blocked, sweeps: 1 });
    const later = count({ ...blocked, sweeps: 2 }) - first;
    expect(later).toBeGreaterThan(0);
    expect(later).toBeLessThanOrEqual(C * LATER_SWEEP_CANDIDATES);
    const whole = count({ ...blocked, sweeps: 2, laterSweepCandidates: 150 }) - first;
    expect(whole).toBeGreaterThan(C * LATER_SWEEP_CANDIDATES);
    const one = count({ ...blocked, sweeps: 2, laterSweepCandidates: 1 }) - first;
    expect(one).toBeLessThanOrEqual(C);
    const expandingFirst = count({ sweeps: 1 });
    expect(count({ sweeps: 2 }) - expandingFirst).toBeGreaterThan(C * LATER_SWEEP_CANDIDATES);
    expect(() => count({ ...blocked, laterSweepCandidates: 0 })).toThrow(/laterSweepCandidates/);
  });

  it('blocked scheme: MANY_CHANNEL_REFINE_ROUNDS local rounds by default, 2 in the expanding one', () => {
    const run = (o: Parameters<typeof searchMediaParams>[2]) => searchMediaParams(wide, T, o);
    const blocked = { scheme: 'blocked' as const };
    expect(MANY_CHANNEL_REFINE_ROUNDS).toBe(1);
    expect(run(blocked)).toEqual(run({ ...blocked, refineRounds: MANY_CHANNEL_REFINE_ROUNDS }));
    expect(run(blocked).candidates).toBeLessThan(run({ ...blocked, refineRounds: 2 }).candidates);
    expect(run({})).toEqual(run({ refineRounds: 2 }));
  });
});
