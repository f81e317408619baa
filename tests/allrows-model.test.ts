/**
 * The all-rows phase-3 model (explain, intervals, calibration, the planner's start) follows the
 * fold models' rules: the delayed carry-over decided on all rows by the fold models' lag scan and
 * one-standard-error rule, and media effects that cannot be negative (every channel's
 * contribution held >= 0 by a constrained Ridge); the bootstrap replicates follow the same
 * procedure.
 */
import { describe, expect, it } from 'vitest';
import { generateShape, shapeSpecOf } from '../src/core/data/index.js';
import { chooseProtocol } from '../src/core/folds.js';
import { r2 } from '../src/core/metrics.js';
import { SeededRandom } from '../src/core/random.js';
import {
  nonNegativeQuadratic,
  solveRidge,
  solveRidgeConstrained,
  type RidgeSystem,
} from '../src/core/ridge.js';
import { explainFinalModel } from '../src/phases/explain.js';
import {
  ALL_ROWS_LAGS,
  allRowsDelays,
  finalFromJSON,
  finalToJSON,
  fitFinalModel,
  predictFinal,
} from '../src/phases/final.js';
import { refitReplicate } from '../src/phases/intervals.js';
import { PhaseLadder, predictFold } from '../src/phases/ladder.js';
import { mediaColumnName } from '../src/phases/media.js';
import { trainPhase3 } from '../src/phases/phase3.js';
import { FOLD_MODEL_LAGS } from '../src/phases/search.js';
import { PASS_THRESHOLD } from '../src/phases/result.js';
import { constructedTenant } from './phase3-helpers.js';

/** A standardized Ridge system given by its Gram matrix and X~'y (means 0, scales 1). */
function systemOf(gram: number[][], xty: number[]): RidgeSystem {
  const p = xty.length;
  return {
    p,
    n: 10,
    means: new Float64Array(p),
    scales: new Float64Array(p).fill(1),
    yMean: 0,
    gram: Float64Array.from(gram.flat()),
    xty: Float64Array.from(xty),
  };
}

describe('solveRidgeConstrained', () => {
  it('holds a bound coefficient at 0 and refits the other (hand-computed)', () => {
    // (G + I) b = r with G = I: b0 = r / 2 = [1, -2]; b_2 >= 0 binds, and with G diagonal the
    // other coefficient keeps its value: b = [1, 0].
    const sys = systemOf(
      [
        [1, 0],
        [0, 1],
      ],
      [2, -4],
    );
    const { model, active } = solveRidgeConstrained(sys, 1, [Float64Array.from([0, 1])]);
    expect(model.coefStandardized[0]).toBeCloseTo(1, 14);
    expect(model.coefStandardized[1]).toBe(0);
    expect(active).toEqual([true]);
  });

  it('holds a sum at 0 as the equality-constrained closed form (hand-computed)', () => {
    // b0 = [1, -2], a = [1, 1], a'b0 = -1 < 0: b = b0 - H^-1 a (a'b0) / (a'H^-1 a) with H = 2I:
    // [1, -2] + [0.5, 0.5] = [1.5, -1.5].
    const sys = systemOf(
      [
        [1, 0],
        [0, 1],
      ],
      [2, -4],
    );
    const { model } = solveRidgeConstrained(sys, 1, [Float64Array.from([1, 1])]);
    expect(model.coefStandardized[0]).toBeCloseTo(1.5, 14);
    expect(model.coefStandardized[1]).toBeCloseTo(-1.5, 14);
  });

  it("returns solveRidge's model itself when every constraint holds", () => {
    const sys = systemOf(
      [
        [1, 0.5],
        [0.5, 1],
      ],
      [2, 1],
    );
    const { model, active } = solveRidgeConstrained(sys, 1, [Float64Array.from([0, 1])]);
    expect(model.coefStandardized).toEqual(solveRidge(sys, 1).coefStandardized);
    expect(active).toEqual([false]);
  });
});

describe('nonNegativeQuadratic', () => {
  it('finds the minimum that a search over every set of held coordinates finds', () => {
    const rng = new SeededRandom(11);
    for (let trial = 0; trial < 20; trial++) {
      const m = 4;
      // Q = B'B + 0.1 I (positive definite, correlated), r random.
      const b = Array.from({ length: m * m }, () => rng.normal());
      const q = new Float64Array(m * m);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < m; j++) {
          let s = i === j ? 0.1 : 0;
          for (let k = 0; k < m; k++) s += b[k * m + i] * b[k * m + j];
          q[i * m + j] = s;
        }
      const r = Float64Array.from({ length: m }, () => rng.normal());
      const objective = (x: ArrayLike<number>): number => {
        let v = 0;
        for (let i = 0; i < m; i++) {
          v -= r[i] * x[i];
          for (let j = 0; j < m; j++) v += 0.5 * x[i] * q[i * m + j] * x[j];
        }
        return v;
      };
      // Brute force: for each subset F of free coordinates, the unconstrained minimum on F (by
      // Gaussian elimination here); the best feasible one is the minimum.
      let best = Number.POSITIVE_INFINITY;
      for (let mask = 0; mask < 1 << m; mask++) {
        const free = [...Array(m).keys()].filter((i) => mask & (1 << i));
        const f = free.length;
        const a = free.map((i) => [...free.map((j) => q[i * m + j]), r[i]]);
        for (let c = 0; c < f; c++) {
          for (let row = c + 1; row < f; row++) {
            const w = a[row][c] / a[c][c];
            for (let k = c; k <= f; k++) a[row][k] -= w * a[c][k];
          }
        }
        const z = new Array<number>(f).fill(0);
        for (let row = f - 1; row >= 0; row--) {
          let s = a[row][f];
          for (let k = row + 1; k < f; k++) s -= a[row][k] * z[k];
          z[row] = s / a[row][row];
        }
        if (z.some((v) => v < 0)) continue;
        const x = new Array<number>(m).fill(0);
        free.forEach((i, u) => (x[i] = z[u]));
        best = Math.min(best, objective(x));
      }
      const x = nonNegativeQuadratic(q, r, m);
      for (const v of x) expect(v).toBeGreaterThanOrEqual(0);
      expect(objective(x)).toBeCloseTo(best, 10);
    }
  });
});

/** A weekly tenant of 4 channels whose spend correlates at 0.9 (unconstrained: 2 negative ROAS). */
function correlatedWeekly() {
  const id = 'an_s203_0';
  return generateShape(
    shapeSpecOf(id, 203, { frequency: 'weekly', years: 3, channels: 4, correlation: 0.9 }),
    { seed: 203 },
  );
}

describe('the all-rows phase-3 model: media effects that cannot be negative', () => {
  const t = correlatedWeekly();
  const free = fitFinalModel(t.series, 3, { nonNegativeMedia: false });
  const held = fitFinalModel(t.series, 3, {});
  const eFree = explainFinalModel(t.series, free, t);
  const eHeld = explainFinalModel(t.series, held, t);

  it('holds every contribution >= 0 where the unconstrained fit has negative ones', () => {
    // The unconstrained fit offsets correlated channels (measured on the old code: ROAS -18.2
    // and +53.1 against truths of 3.0 and 2.8).
    expect(eFree.channels.filter((c) => c.roas < 0).length).toBeGreaterThan(0);
    expect(held.channelParams).toEqual(free.channelParams);
    const scale = Math.max(...eHeld.channels.map((c) => Math.abs(c.contribution)));
    for (const c of eHeld.channels) expect(c.contribution).toBeGreaterThan(-1e-9 * scale);
    // The channels held at 0 are named, are at 0, and the explanation says so first.
    expect(held.heldAtZero!.length).toBeGreaterThan(0);
    for (const name of held.heldAtZero!) {
      const c = eHeld.channels.find((x) => x.channel === name)!;
      expect(Math.abs(c.contribution)).toBeLessThan(1e-9 * scale);
      // Reported as 0, not as the floating-point remainder of the sum (printed -5.49e-14).
      expect(Object.is(c.contribution, 0) && Object.is(c.roas, 0)).toBe(true);
    }
    const caveat = eHeld.caveats.find((c) => c.code === 'media_effect_held_at_zero');
    expect(caveat?.message).toContain(held.heldAtZero!.join(', '));
    expect(caveat?.channels).toEqual(held.heldAtZero);
    // Held at 0 in total only: its weather interactions still tilt the effect (one state above 0,
    // another below), so its marginal ROAS and weather-state figures are said to be unidentified.
    expect(caveat?.message).toMatch(
      /marginal ROAS, ROAS by weather state and response curve .* not identified either/,
    );
    expect(eFree.caveats.some((c) => c.code === 'media_effect_held_at_zero')).toBe(false);
  });

  it('is the least-squares Ridge fit under those constraints: no feasible small move fits better', () => {
    // Penalized objective on the standardized scale, evaluated independently from predictions.
    const y = t.series.target;
    const objective = (coefStd: Float64Array): number => {
      const m = { ...held.ridge, coefStandardized: coefStd };
      const model = {
        ...held,
        ridge: m,
        chosen: held.chosen ? { ...held.chosen, ridge: m } : null,
      };
      const pred = predictFinal(model, t.series);
      let sse = 0;
      for (let i = 0; i < y.length; i++) sse += (y[i] - pred[i]) ** 2;
      return sse + held.ridge.alpha * coefStd.reduce((a, b) => a + b * b, 0);
    };
    expect(held.kind).toBe('ridge');
    const base = objective(held.ridge.coefStandardized);
    const rng = new SeededRandom(5);
    const contributionOk = (coefStd: Float64Array): boolean => {
      const m = { ...held.ridge, coefStandardized: coefStd };
      const model = {
        ...held,
        ridge: m,
        chosen: held.chosen ? { ...held.chosen, ridge: m } : null,
      };
      const e = explainFinalModel(t.series, model, null);
      return e.channels.every((c) => c.contribution >= 0);
    };
    let tried = 0;
    for (let k = 0; k < 60 && tried < 15; k++) {
      const moved = Float64Array.from(
        held.ridge.coefStandardized,
        (v) => v + 1e-3 * Math.abs(v || 1) * rng.normal(),
      );
      if (!contributionOk(moved)) continue;
      tried++;
      expect(objective(moved)).toBeGreaterThan(base - 1e-9 * base);
    }
    expect(tried).toBeGreaterThan(0);
  });

  it('keeps the channels held at 0 and the delays through its JSON', () => {
    const back = finalFromJSON(JSON.stringify(finalToJSON(held)));
    expect(back.heldAtZero).toEqual(held.heldAtZero);
    expect(predictFinal(back, t.series)).toEqual(predictFinal(held, t.series));
    const lagged = { ...held, channelParams: { ...held.channelParams! } };
    const c0 = t.series.channels[0];
    lagged.channelParams[c0] = { ...lagged.channelParams[c0], lag: 2 };
    const json = finalToJSON(lagged);
    expect(json.delayForm).toBe('peaked');
    expect(finalFromJSON(JSON.stringify(json)).channelParams![c0].lag).toBe(2);
    // A model stored before the delay took its peaked form has lags without the marker: its
    // columns would now be computed differently, so it is refused rather than misread.
    const { delayForm: _, ...older } = json;
    expect(() => finalFromJSON(JSON.stringify(older))).toThrow(/earlier form.*train phase 3 again/);
    // Without a lag the marker is neither written nor needed.
    expect(finalToJSON(held).delayForm).toBeUndefined();
  });
});

// ch0's effect starts 3 days after its spend; ch1 is geometric (tests/search-delay.test.ts).
const delayed = constructedTenant(
  [
    { decay: 0.4, kMult: 1, s: 1, beta: 6000, lag: 3 },
    { decay: 0.3, kMult: 1, s: 1, beta: 4000 },
  ],
  { days: 600, noiseSd: 150 },
);

describe('the all-rows phase-3 model: delayed carry-over as the fold models decide it', () => {
  const model = fitFinalModel(delayed.series, 3, { lags: FOLD_MODEL_LAGS.daily });

  it('offers no delay by default (ALL_ROWS_LAGS)', () => {
    expect(ALL_ROWS_LAGS).toEqual([]);
    const byDefault = fitFinalModel(delayed.series, 3, {});
    expect(byDefault.channelParams!.ch0.lag).toBeUndefined();
    expect(byDefault.channelParams).toEqual(
      fitFinalModel(delayed.series, 3, { lags: [] }).channelParams,
    );
  });

  it("finds the delayed channel's 3-day delay on all rows and keeps the geometric channel exactly", () => {
    expect(model.channelParams!.ch0.lag).toBe(3);
    expect(model.channelParams!.ch1.lag).toBeUndefined();
    // Without candidate lags: the pooled geometric parameters, unchanged (before the profile
    // curve fit, which a model with a delay does not take: final.ts profileCurves).
    const plain = fitFinalModel(delayed.series, 3, { lags: [], profileCurves: false });
    expect(plain.channelParams!.ch0.lag).toBeUndefined();
    expect(model.channelParams!.ch1).toEqual(plain.channelParams!.ch1);
    // The delayed model fits the rows better (the truth has the delay).
    const sse = (m: typeof model): number => {
      const p = predictFinal(m, delayed.series);
      return delayed.expected.reduce((a, v, i) => a + (v - p[i]) ** 2, 0);
    };
    expect(sse(model)).toBeLessThan(sse(plain));
  });

  it('gives back the same parameters object when no lag clears the one-standard-error rule', () => {
    const geometricOnly = constructedTenant(
      [
        { decay: 0.4, kMult: 1, s: 1, beta: 6000 },
        { decay: 0.3, kMult: 1, s: 1, beta: 4000 },
      ],
      { days: 600, noiseSd: 150 },
    );
    const plain = fitFinalModel(geometricOnly.series, 3, { lags: [] });
    const out = allRowsDelays(geometricOnly.series, plain.channelParams!, {
      calendar: true,
      gap: 0,
    });
    expect(out).toBe(plain.channelParams);
  });

  it('a bootstrap replicate follows the same procedure (delay decided, contributions >= 0)', () => {
    const rng = new SeededRandom(3);
    const target = Float64Array.from(delayed.series.target, (v) => v + 150 * rng.normal());
    const replicate = refitReplicate({ ...delayed.series, target }, model, {}, null);
    expect(replicate.channelParams!.ch0.lag).toBe(3);
    const e = explainFinalModel(delayed.series, replicate, null);
    for (const c of e.channels) expect(c.contribution).toBeGreaterThanOrEqual(0);
  });

  it('is deterministic', () => {
    const again = fitFinalModel(delayed.series, 3, { lags: FOLD_MODEL_LAGS.daily });
    expect(finalToJSON(again)).toEqual(finalToJSON(model));
  });
});

describe("weekly explained_model: the folds' adstock/Hill models under the same constraint", () => {
  it('differs from the unconstrained models exactly on the folds where one has a negative contribution', () => {
    const t = correlatedWeekly();
    const res = trainPhase3(t.series);
    const em = res.explained_model!;
    const { folds, protocol } = chooseProtocol(t.series.target.length, 'weekly');
    // The unconstrained adstock/Hill model of each fold (tests/weekly-explained.test.ts).
    const alone = new PhaseLadder(t.series, {
      horizon: protocol.test_rows,
      weeklyMix: false,
      fallback: false,
      choose: { passBar: PASS_THRESHOLD },
      search: { scheme: 'blocked' },
    });
    let negativeFolds = 0;
    folds.forEach((f, i) => {
      const fit = alone.fit(3, f.trainEnd);
      const free = r2(
        t.series.target.subarray(f.testStart, f.testEnd),
        predictFold(fit, f.testStart, f.testEnd),
      );
      // Each channel's contribution on the training rows, from the raw coefficients; a fold whose
      // model is a GBM alone (ridge weight 0) has no Ridge contributions to hold (heldNonNegative).
      const negative =
        fit.chosen!.ridgeWeight > 0 &&
        t.series.channels.some((c) => {
          const m = mediaColumnName(c);
          let sum = 0;
          fit.names.forEach((name, j) => {
            if (name !== m && !name.startsWith(`${m}_x_`)) return;
            for (let r = 0; r < f.trainEnd; r++) sum += fit.ridge!.coef[j] * fit.columns[j][r];
          });
          return sum < 0;
        });
      if (negative) {
        negativeFolds++;
        expect(Math.abs(em.fold_r2[i] - free)).toBeGreaterThan(1e-9);
      } else expect(em.fold_r2[i]).toBeCloseTo(free, 12);
    });
    expect(negativeFolds).toBeGreaterThan(0);
  });
});
