/**
 * The blocked-CV search scores a channel's candidates through the Schur complement of its column
 * group (src/phases/blocked-trial.ts). It must give the same scores as refitting the whole Ridge
 * system per candidate, and therefore the same search, on a random 10-channel problem.
 */
import { describe, expect, it } from 'vitest';
import { r2 } from '../src/core/metrics.js';
import { SeededRandom } from '../src/core/random.js';
import { fitRidge, predictRidge } from '../src/core/ridge.js';
import { geometricAdstock } from '../src/core/transforms.js';
import { buildMediaDesign, hillKFor } from '../src/phases/media.js';
import {
  JOINT_SEARCH_MAX_CHANNELS,
  scoreChannelCandidates,
  SearchTrialCache,
  searchMediaParams,
} from '../src/phases/search.js';
import type { ChannelParams } from '../src/phases/types.js';
import { constructedTenant } from './phase3-helpers.js';

type Rel = Pick<ChannelParams, 'decay' | 'k_mult' | 's'>;

const rng = new SeededRandom(20261201);
const randomRel = (): Rel => ({
  decay: Math.round(rng.uniform(0, 0.9) * 100) / 100,
  k_mult: Math.round(rng.uniform(0.25, 4) * 100) / 100,
  s: Math.round(rng.uniform(0.5, 2.5) * 100) / 100,
});

// Ten channels of random bursty spend, each with its own true carry-over and saturation.
const { series } = constructedTenant(
  Array.from({ length: 10 }, () => ({
    decay: rng.uniform(0, 0.8),
    kMult: rng.uniform(0.5, 2),
    s: rng.uniform(0.7, 2),
    beta: rng.uniform(500, 4000),
  })),
  { days: 520, noiseSd: 300, seed: 13 },
);
const T = 433;
const blocked = { scheme: 'blocked' } as const;
const params: Record<string, Rel> = Object.fromEntries(
  series.channels.map((c) => [c, randomRel()]),
);
const candidates = Array.from({ length: 12 }, randomRel);

/** Mean over 8 blocks of the R² of Ridge(alpha 1) refitted from the rows without the block. */
function directBlockedScore(rel: Record<string, Rel>): number {
  const withK: Record<string, ChannelParams> = {};
  series.channels.forEach((c, i) => {
    const r = rel[c];
    withK[c] = { ...r, k: hillKFor(geometricAdstock(series.spend[i], r.decay), T, r.k_mult) };
  });
  const design = buildMediaDesign(series, withK);
  let sum = 0;
  for (let k = 0; k < 8; k++) {
    const a = Math.floor((k * T) / 8);
    const b = Math.floor(((k + 1) * T) / 8);
    const rows: number[] = [];
    for (let t = 0; t < T; t++) if (t < a || t >= b) rows.push(t);
    const model = fitRidge(design.columns, series.target, rows, 1);
    sum += r2(
      series.target.subarray(a, b),
      predictRidge(model, design.columns, { start: a, end: b }),
    );
  }
  return sum / 8;
}

describe('blocked search: Schur-complement trials', () => {
  it('score every candidate of a channel as a full refit of the moments does (1e-9)', () => {
    for (const channel of ['ch0', 'ch4', 'ch9']) {
      const fast = scoreChannelCandidates(series, T, params, channel, candidates, blocked);
      const full = scoreChannelCandidates(series, T, params, channel, candidates, {
        ...blocked,
        fastTrials: false,
      });
      expect(fast).toHaveLength(candidates.length);
      fast.forEach((v, i) => {
        expect(Number.isFinite(v)).toBe(true);
        expect(Math.abs(v - full[i])).toBeLessThan(1e-9);
      });
      // The candidates differ: the check is not comparing one number with itself.
      expect(Math.max(...fast) - Math.min(...fast)).toBeGreaterThan(1e-3);
    }
  });

  it('equal a Ridge refitted directly on the rows without each block (1e-9)', () => {
    for (const cand of candidates.slice(0, 3)) {
      const [fast] = scoreChannelCandidates(series, T, params, 'ch4', [cand], blocked);
      expect(Math.abs(fast - directBlockedScore({ ...params, ch4: cand }))).toBeLessThan(1e-9);
    }
  });

  it('leave the search unchanged: same parameters and candidates on 10 and on 3 channels', () => {
    expect(series.channels.length).toBeGreaterThan(JOINT_SEARCH_MAX_CHANNELS); // reduced designs
    const three = {
      ...series,
      channels: series.channels.slice(0, 3),
      spend: series.spend.slice(0, 3),
    };
    for (const s of [series, three]) {
      const fast = searchMediaParams(s, T, { ...blocked, sweeps: 1, refineRounds: 1 });
      const full = searchMediaParams(s, T, {
        ...blocked,
        sweeps: 1,
        refineRounds: 1,
        fastTrials: false,
      });
      expect(fast.params).toEqual(full.params);
      expect(fast.candidates).toBe(full.candidates);
      expect(Math.abs(fast.innerR2 - full.innerR2)).toBeLessThan(1e-9);
      expect(Math.abs(fast.startR2 - full.startR2)).toBeLessThan(1e-9);
    }
  });

  it('score again from the saved parts of a candidate to the bit, over 2 and 3 sweeps', () => {
    // From the second sweep on, a 10-channel search rescores its grid candidates from what it
    // kept of them (reuseTrials); the result must be the one recomputing everything gives.
    // Later sweeps rescore each channel's best grid candidates (LATER_SWEEP_CANDIDATES, from
    // their saved parts) or, asked to, the whole grid.
    for (const [sweeps, later] of [
      [2, undefined],
      [3, undefined],
      [2, 150],
      [3, 150],
    ] as const) {
      const opts = { ...blocked, sweeps, refineRounds: 0, laterSweepCandidates: later };
      const reused = searchMediaParams(series, T, opts);
      const fresh = searchMediaParams(series, T, { ...opts, reuseTrials: false });
      expect(reused).toEqual(fresh);
      expect(Object.is(reused.innerR2, fresh.innerR2)).toBe(true);
      // The second sweep scored grid candidates again (not only the first).
      const first = searchMediaParams(series, T, { ...opts, sweeps: 1 }).candidates;
      expect(reused.candidates).toBeGreaterThan(first);
      if (later === 150) expect(reused.candidates).toBeGreaterThan(series.channels.length * 150);
      if (sweeps === 2) {
        const full = searchMediaParams(series, T, { ...opts, fastTrials: false });
        expect(reused.params).toEqual(full.params);
        expect(reused.candidates).toBe(full.candidates);
        expect(Math.abs(reused.innerR2 - full.innerR2)).toBeLessThan(1e-9);
      }
    }
  });

  it('give the same search from slabs another search used (the slab pool)', () => {
    // The second-sweep slabs come from a pool kept between searches: a search after others
    // (longer slabs, holding their numbers) must give what it gives with nothing kept.
    const opts = { ...blocked, sweeps: 2, refineRounds: 0 };
    searchMediaParams(series, T, opts);
    for (const end of [T - 40, T]) {
      const pooled = searchMediaParams(series, end, opts);
      const fresh = searchMediaParams(series, end, { ...opts, reuseTrials: false });
      expect(pooled).toEqual(fresh);
      expect(Object.is(pooled.innerR2, fresh.innerR2)).toBe(true);
    }
  });

  it('keep a channel without training spend at its starting point, as the full refit does', () => {
    const silent = {
      ...series,
      spend: series.spend.map((x, i) =>
        i === 2 ? Float64Array.from(x, (v, t) => (t < T ? 0 : v)) : x,
      ),
    };
    for (const s of [
      silent,
      { ...silent, channels: silent.channels.slice(0, 3), spend: silent.spend.slice(0, 3) },
    ]) {
      const opts = { ...blocked, sweeps: 1, refineRounds: 1 };
      const fast = searchMediaParams(s, T, opts);
      expect(fast.params.ch2).toMatchObject({ decay: 0.5, k_mult: 1, s: 1 });
      expect(fast.params).toEqual(searchMediaParams(s, T, { ...opts, fastTrials: false }).params);
    }
  });
});

describe('expanding search: candidates scored from the fold work of the other columns', () => {
  // The default (expanding) scheme keeps, per coordinate step, what the other columns give its
  // inner folds (expanding-trial.ts); every score must be the full computation's, to the bit.
  const three = {
    ...series,
    channels: series.channels.slice(0, 3),
    spend: series.spend.slice(0, 3),
  };
  const last = series.channels[series.channels.length - 1];

  it('score every candidate to the bit on the reduced (10) and the joint (3) design', () => {
    for (const [s, channels] of [
      [series, ['ch0', 'ch4', last]],
      [three, ['ch0', 'ch1', 'ch2']],
    ] as const) {
      for (const channel of channels) {
        const shared = scoreChannelCandidates(s, T, params, channel, candidates);
        const full = scoreChannelCandidates(s, T, params, channel, candidates, {
          expandingTrials: false,
        });
        shared.forEach((v, i) => expect(Object.is(v, full[i])).toBe(true));
        expect(Math.max(...shared) - Math.min(...shared)).toBeGreaterThan(1e-3);
      }
    }
  });

  it('leave the search unchanged to the bit (10 and 3 channels, two windows)', () => {
    for (const s of [series, three]) {
      for (const end of [T, 260]) {
        const opts = { sweeps: 2, refineRounds: 1 };
        const shared = searchMediaParams(s, end, opts);
        const full = searchMediaParams(s, end, { ...opts, expandingTrials: false });
        expect(shared).toEqual(full);
        expect(Object.is(shared.innerR2, full.innerR2)).toBe(true);
        expect(shared.candidates).toBeGreaterThan(s.channels.length * 100);
      }
    }
  });

  it('keep the reduced search the same to the bit with its grid trials kept and shared', () => {
    // A 10-channel expanding search keeps its grid candidates (in slabs of its own, read back in
    // the second sweep) and shares their design-only work between searches of the same design.
    const opts = { sweeps: 2, refineRounds: 1 };
    const fresh = searchMediaParams(series, T, {
      ...opts,
      reuseTrials: false,
      expandingTrials: false,
    });
    expect(searchMediaParams(series, T, opts)).toEqual(fresh);
    const cache = new SearchTrialCache();
    const noise = new SeededRandom(9);
    for (let b = 0; b < 3; b++) {
      const target = Float64Array.from(series.target, (v) => v + noise.normal(0, 600));
      const replicate = { ...series, target };
      const shared = searchMediaParams(replicate, T, { ...opts, trialCache: cache });
      const alone = searchMediaParams(replicate, T, { ...opts, reuseTrials: false });
      expect(shared).toEqual(alone);
      expect(Object.is(shared.innerR2, alone.innerR2)).toBe(true);
    }
    expect(cache.hits).toBeGreaterThan(cache.misses);
    // The kept trials' co-moments with the other channels' columns at the same points were read
    // back too (ReducedTrial.pairs), and the searches stayed those computed afresh above.
    expect(cache.pairReads).toBeGreaterThan(1000);
  });
});

describe('expanding reduced search: grid candidates kept in slabs (SavedGrid)', () => {
  // Without a shared cache the reduced expanding search keeps its grid candidates in slabs and a
  // later sweep sums again only the co-moments with the channels that moved since (the target is
  // the search's own). The reference sums them all, in a fresh scorer per visit.
  it('give the search of a fresh scorer and no kept trials to the bit (2 and 3 sweeps, two windows)', () => {
    for (const end of [T, 300]) {
      for (const sweeps of [2, 3]) {
        const opts = { sweeps, refineRounds: 2 };
        const kept = searchMediaParams(series, end, opts);
        const fresh = searchMediaParams(series, end, {
          ...opts,
          reuseTrials: false,
          expandingTrials: false,
        });
        expect(kept).toEqual(fresh);
        expect(Object.is(kept.innerR2, fresh.innerR2)).toBe(true);
        expect(kept.candidates).toBe(fresh.candidates);
      }
    }
  });

  it('start from a point that moves every channel in each sweep and stay the same', () => {
    // Every channel starts at the top of the grid: the sweeps move them, so the slab path
    // recomputes most co-moments and reads some back.
    const start = Object.fromEntries(
      series.channels.map((c) => [c, { decay: 0.9, k_mult: 4, s: 2 }]),
    );
    const opts = { sweeps: 3, refineRounds: 1, start };
    const kept = searchMediaParams(series, 260, opts);
    const fresh = searchMediaParams(series, 260, { ...opts, reuseTrials: false });
    expect(kept).toEqual(fresh);
    expect(Object.is(kept.innerR2, fresh.innerR2)).toBe(true);
  });
});

describe('searches of one design sharing a SearchTrialCache (bootstrap replicates)', () => {
  // Three channels (joint search) and four targets on the same design, as the planner's and the
  // intervals' replicates are: the series' target plus independent noise.
  const three = {
    ...series,
    channels: series.channels.slice(0, 3),
    spend: series.spend.slice(0, 3),
  };
  const noise = new SeededRandom(5);
  const targets = Array.from({ length: 4 }, (_, b) =>
    b === 0 ? series.target : Float64Array.from(series.target, (v) => v + noise.normal(0, 600)),
  );

  for (const scheme of ['expanding', 'blocked'] as const) {
    it(`give bit-identical searches to searching alone (${scheme} scheme)`, () => {
      const cache = new SearchTrialCache();
      const opts = { scheme, sweeps: 1, refineRounds: 1 };
      const chosen = new Set<string>();
      for (const target of targets) {
        const replicate = { ...three, target };
        const alone = searchMediaParams(replicate, T, opts);
        const shared = searchMediaParams(replicate, T, { ...opts, trialCache: cache });
        expect(shared.params).toEqual(alone.params);
        expect(shared.innerR2).toBe(alone.innerR2);
        expect(shared.startR2).toBe(alone.startR2);
        expect(shared.candidates).toBe(alone.candidates);
        chosen.add(JSON.stringify(alone.params));
      }
      // The targets lead to different searches (not one search compared with itself), and from
      // the second target on most trials are read back.
      expect(chosen.size).toBeGreaterThan(1);
      expect(cache.hits).toBeGreaterThan(cache.misses);
    });
  }

  it('refuse to serve another design', () => {
    const cache = new SearchTrialCache();
    searchMediaParams(three, T, { sweeps: 1, refineRounds: 0, trialCache: cache });
    const otherSpend = { ...three, spend: three.spend.map((x) => Float64Array.from(x)) };
    expect(() =>
      searchMediaParams(otherSpend, T, { sweeps: 1, refineRounds: 0, trialCache: cache }),
    ).toThrow(/one design/);
    expect(() =>
      searchMediaParams(three, T - 7, { sweeps: 1, refineRounds: 0, trialCache: cache }),
    ).toThrow(/one design/);
  });
});
