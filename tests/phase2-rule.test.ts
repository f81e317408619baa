/**
 * Phase 2 model choice (src/phases/choose.ts) on constructed data: the Ridge / GBM / blend rule
 * on inner-validation R², the inner split, the refit with early-stopped trees, the tuned weight,
 * isolation from the test rows, JSON round trip and option validation.
 */
import { describe, expect, it } from 'vitest';
import { GBM_DEFAULTS, predictGbm, trainGbm } from '../src/core/gbm/index.js';
import { r2 } from '../src/core/metrics.js';
import { SeededRandom } from '../src/core/random.js';
import { fitRidge, predictRidge, selectAlpha } from '../src/core/ridge.js';
import {
  chooseAndFit,
  chosenFromJSON,
  chosenToJSON,
  predictChosen,
  type ChosenModel,
} from '../src/phases/choose.js';

const N = 700;
const TRAIN_END = 600;

interface Data {
  columns: Float64Array[];
  y: Float64Array;
}

/** Temperature-like x0 in [0, 30), three noise-like features, and y = f(x) + noise. */
function makeData(
  seed: number,
  f: (x0: number, x1: number, x2: number, x3: number) => number,
  noiseSd: number,
  n = N,
): Data {
  const rng = new SeededRandom(seed);
  const columns = [0, 1, 2, 3].map(() => new Float64Array(n));
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    columns[0][t] = rng.uniform(0, 30);
    columns[1][t] = rng.normal();
    columns[2][t] = rng.uniform(0, 100);
    columns[3][t] = rng.normal(5, 2);
    y[t] = f(columns[0][t], columns[1][t], columns[2][t], columns[3][t]) + rng.normal(0, noiseSd);
  }
  return { columns, y };
}

/** Linear in both informative features: Ridge explains almost everything. */
const linear = (): Data => makeData(1, (x0, x1) => 100 + 2 * x0 + 5 * x1, 2);
/** Revenue jumps inside a temperature band (12..20): no linear trend, trees find it at once. */
const band = (): Data => makeData(2, (x0) => 100 + (x0 > 12 && x0 < 20 ? 20 : 0), 2);
/** Weak signal under heavy noise: neither model reaches 0.5. */
const weak = (): Data => makeData(3, (x0, x1) => 100 + 0.1 * x0 + 0.3 * x1, 2);
/** The same signal on another draw, where the rule's blend does not beat Ridge (0.20 < 0.22). */
const weakNoGain = (): Data => makeData(13, (x0, x1) => 100 + 0.1 * x0 + 0.3 * x1, 2);
/** A faint band under heavy noise: neither model reaches 0.5, but the GBM adds to Ridge. */
const weakBand = (): Data =>
  makeData(5, (x0, x1) => 100 + 0.5 * x1 + (x0 > 12 && x0 < 20 ? 2 : 0), 2.5);
/** Linear part plus a small band: the best mix of the two models lies inside (0, 1). */
const mixed = (): Data =>
  makeData(
    4,
    (x0, x1, x2, x3) => 100 + 4 * x1 + 0.1 * x2 + 2 * x3 + (x0 > 12 && x0 < 20 ? 3 : 0),
    4,
  );

/** Inner split by hand: the last floor(0.15 x 600) = 90 training rows validate. */
const VALID_START = TRAIN_END - Math.floor(0.15 * TRAIN_END);

function range(start: number, end: number): Int32Array {
  return Int32Array.from({ length: end - start }, (_, i) => start + i);
}

/** Inner-split Ridge validation predictions computed independently of choose.ts. */
function innerRidge(d: Data): { pred: Float64Array; r2: number } {
  const alpha = selectAlpha(d.columns, d.y, VALID_START).alpha;
  const model = fitRidge(d.columns, d.y, { start: 0, end: VALID_START }, alpha);
  const pred = predictRidge(model, d.columns, { start: VALID_START, end: TRAIN_END });
  return { pred, r2: r2(d.y.subarray(VALID_START, TRAIN_END), pred) };
}

/**
 * The GBM's L1 penalty on rows [0, end): the plan's 0.1 in units of the target's training sd
 * over 2^14 (choose.ts scaledL1), computed here from the population sd.
 */
function l1(y: Float64Array, end: number): number {
  const v = Array.from(y.subarray(0, end));
  const mean = v.reduce((a, b) => a + b, 0) / end;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / end);
  return (GBM_DEFAULTS.lambdaL1 * sd) / 2 ** 14;
}

/** Inner-split GBM with early stopping on the validation rows, as the plan prescribes. */
function innerGbm(d: Data, seed = 0) {
  const rows = range(VALID_START, TRAIN_END);
  const model = trainGbm(d.columns, d.y, {
    ...GBM_DEFAULTS,
    lambdaL1: l1(d.y, VALID_START),
    seed,
    trainEnd: VALID_START,
    valid: { columns: d.columns, y: d.y, rows },
  });
  const pred = predictGbm(model, d.columns, rows);
  return { model, pred, r2: r2(d.y.subarray(VALID_START, TRAIN_END), pred) };
}

const fmt = (x: number): string => x.toFixed(2);

describe('the plan rule on inner-validation R²', () => {
  it('a linear tenant keeps Ridge and trains no GBM', () => {
    const d = linear();
    const m = chooseAndFit(d.columns, d.y, TRAIN_END);
    const ridge = innerRidge(d);
    expect(ridge.r2).toBeGreaterThan(0.5);
    expect(m.kind).toBe('ridge');
    expect(m.ridgeWeight).toBe(1);
    expect(m.gbm).toBeNull();
    expect(m.gbmTrees).toBeNull();
    expect(m.innerR2.ridge).toBeCloseTo(ridge.r2, 12);
    expect(m.innerR2.gbm).toBeNull();
    expect(m.reason).toBe(`ridge inner-validation R² ${fmt(ridge.r2)} >= 0.50`);
    // Refit on all 600 training rows with alpha re-selected there (as phase 1).
    const alpha = selectAlpha(d.columns, d.y, TRAIN_END).alpha;
    expect(m.alpha).toBe(alpha);
    const full = fitRidge(d.columns, d.y, { start: 0, end: TRAIN_END }, alpha);
    const test = { start: TRAIN_END, end: N };
    const ours = predictChosen(m, d.columns, test);
    const ref = predictRidge(full, d.columns, test);
    for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo(ref[i], 8);
  });

  it('a temperature-band tenant falls back to the GBM', () => {
    const d = band();
    const ridge = innerRidge(d);
    const gbm = innerGbm(d);
    expect(ridge.r2).toBeLessThan(0.5);
    expect(gbm.r2).toBeGreaterThanOrEqual(0.5);
    const m = chooseAndFit(d.columns, d.y, TRAIN_END);
    expect(m.kind).toBe('gbm');
    expect(m.ridgeWeight).toBe(0);
    expect(m.innerR2.ridge).toBeCloseTo(ridge.r2, 12);
    expect(m.innerR2.gbm).toBe(gbm.r2);
    expect(m.reason).toBe(
      `ridge ${fmt(ridge.r2)} < 0.50, gbm inner-validation R² ${fmt(gbm.r2)} >= 0.50; ` +
        `gbm early-stopped at ${gbm.model.nTrees} trees`,
    );
    // The GBM beats Ridge on the held-out test rows too.
    const actual = d.y.subarray(TRAIN_END, N);
    const test = { start: TRAIN_END, end: N };
    const ridgeOnly: ChosenModel = { ...m, ridgeWeight: 1, kind: 'ridge' };
    expect(r2(actual, predictChosen(m, d.columns, test))).toBeGreaterThan(
      r2(actual, predictChosen(ridgeOnly, d.columns, test)) + 0.3,
    );
  });

  it('when both are weak it blends 0.4 Ridge + 0.6 GBM (the blend beats Ridge on validation)', () => {
    const d = weakBand();
    const ridge = innerRidge(d);
    const gbm = innerGbm(d);
    expect(ridge.r2).toBeLessThan(0.5);
    expect(gbm.r2).toBeLessThan(0.5);
    const m = chooseAndFit(d.columns, d.y, TRAIN_END);
    expect(m.kind).toBe('blend');
    expect(m.ridgeWeight).toBe(0.4);
    const blendValid = new Float64Array(ridge.pred.length);
    for (let i = 0; i < blendValid.length; i++) {
      blendValid[i] = 0.4 * ridge.pred[i] + 0.6 * gbm.pred[i];
    }
    const blendR2 = r2(d.y.subarray(VALID_START, TRAIN_END), blendValid);
    expect(blendR2).toBeGreaterThan(ridge.r2);
    expect(m.innerR2.blend).toBeCloseTo(blendR2, 10);
    expect(m.reason).toBe(
      `ridge ${fmt(ridge.r2)} < 0.50, gbm ${fmt(gbm.r2)} < 0.50: blend 0.4 ridge + 0.6 gbm ` +
        `(inner-validation R² ${fmt(blendR2)}); gbm early-stopped at ${gbm.model.nTrees} trees`,
    );
    // Prediction = 0.4 x refitted Ridge + 0.6 x refitted GBM.
    const test = { start: TRAIN_END, end: N };
    const rp = predictRidge(m.ridge, d.columns, test);
    const gp = predictGbm(m.gbm!, d.columns, range(TRAIN_END, N));
    const bp = predictChosen(m, d.columns, test);
    for (let i = 0; i < bp.length; i++) expect(bp[i]).toBeCloseTo(0.4 * rp[i] + 0.6 * gp[i], 9);
  });

  it('a GBM or blend that does not beat Ridge on inner validation falls back to Ridge', () => {
    const d = weakNoGain();
    const ridge = innerRidge(d);
    const gbm = innerGbm(d);
    expect(ridge.r2).toBeLessThan(0.5);
    expect(gbm.r2).toBeLessThan(0.5);
    const blendValid = new Float64Array(ridge.pred.length);
    for (let i = 0; i < blendValid.length; i++) {
      blendValid[i] = 0.4 * ridge.pred[i] + 0.6 * gbm.pred[i];
    }
    const blendR2 = r2(d.y.subarray(VALID_START, TRAIN_END), blendValid);
    expect(blendR2).toBeLessThanOrEqual(ridge.r2);
    const m = chooseAndFit(d.columns, d.y, TRAIN_END);
    expect(m.kind).toBe('ridge');
    expect(m.ridgeWeight).toBe(1);
    expect(m.gbm).toBeNull();
    expect(m.reason).toBe(
      `ridge ${fmt(ridge.r2)} < 0.50, but the rule's blend (inner-validation R² ${fmt(blendR2)}) ` +
        `is not better: ridge kept; gbm early-stopped at ${gbm.model.nTrees} trees`,
    );
  });

  it('passBar and ruleWeight change the rule as documented', () => {
    const d = linear();
    const strict = chooseAndFit(d.columns, d.y, TRAIN_END, { passBar: 1 });
    expect(strict.innerR2.gbm).not.toBeNull();
    // Ridge misses the bar of 1, but the rule's GBM/blend does not beat it: Ridge is kept.
    expect(strict.kind).toBe('ridge');
    expect(strict.reason).toContain('is not better: ridge kept');
    const w = chooseAndFit(weakBand().columns, weakBand().y, TRAIN_END, { ruleWeight: 0.7 });
    expect(w.ridgeWeight).toBe(0.7);
    expect(w.reason).toContain('blend 0.7 ridge + 0.3 gbm');
  });
});

describe('refit on the full training fold', () => {
  it('uses the early-stopped tree count and no validation set', () => {
    const d = weak();
    const inner = innerGbm(d, 7);
    expect(inner.model.nTrees).toBeLessThan(GBM_DEFAULTS.nEstimators); // early stopping happened
    const m = chooseAndFit(d.columns, d.y, TRAIN_END, { seed: 7 });
    expect(m.gbmTrees).toBe(inner.model.bestIteration + 1);
    expect(m.gbm!.nTrees).toBe(m.gbmTrees);
    expect(m.gbm!.validRmse).toBeNull();
    expect(m.gbm!.trainRmse.length).toBe(m.gbmTrees);
    // Trained on all 600 rows: the same as an independent fit with that tree count.
    const ref = trainGbm(d.columns, d.y, {
      ...GBM_DEFAULTS,
      lambdaL1: l1(d.y, TRAIN_END),
      seed: 7,
      nEstimators: inner.model.nTrees,
      trainEnd: TRAIN_END,
    });
    expect(predictGbm(m.gbm!, d.columns)).toEqual(predictGbm(ref, d.columns));
  });
});

describe('the outer test rows never influence the fit', () => {
  it('garbage after trainEnd leaves the chosen model identical', () => {
    for (const make of [band, weak]) {
      const d = make();
      const spoiled: Data = {
        columns: d.columns.map((c) => Float64Array.from(c)),
        y: Float64Array.from(d.y),
      };
      const rng = new SeededRandom(99);
      for (let t = TRAIN_END; t < N; t++) {
        spoiled.y[t] = t % 2 === 0 ? Number.NaN : rng.uniform(-1e9, 1e9);
        for (const c of spoiled.columns) c[t] = rng.uniform(-1e6, 1e6);
      }
      const a = chooseAndFit(d.columns, d.y, TRAIN_END, { blend: 'tuned' });
      const b = chooseAndFit(spoiled.columns, spoiled.y, TRAIN_END, { blend: 'tuned' });
      expect(JSON.stringify(chosenToJSON(b))).toBe(JSON.stringify(chosenToJSON(a)));
      // Control: spoiling the last training row does change the model, so the check can fail.
      spoiled.y[TRAIN_END - 1] = 1e9;
      const c = chooseAndFit(spoiled.columns, spoiled.y, TRAIN_END, { blend: 'tuned' });
      expect(JSON.stringify(chosenToJSON(c))).not.toBe(JSON.stringify(chosenToJSON(a)));
    }
  });
});

describe("'tuned' blend", () => {
  it('picks the Ridge weight that maximizes inner-validation R² (ties: larger Ridge weight)', () => {
    for (const make of [mixed, weak, band, linear]) {
      const d = make();
      const ridge = innerRidge(d);
      const gbm = innerGbm(d);
      const actual = d.y.subarray(VALID_START, TRAIN_END);
      let bestW = -1;
      let best = -Infinity;
      for (let k = 0; k <= 10; k++) {
        const w = k / 10;
        const p = ridge.pred.map((r, i) => w * r + (1 - w) * gbm.pred[i]);
        const s = r2(actual, p);
        if (s >= best - 1e-12) {
          best = s;
          bestW = w;
        }
      }
      const m = chooseAndFit(d.columns, d.y, TRAIN_END, { blend: 'tuned' });
      expect(m.ridgeWeight).toBe(bestW);
      expect(m.innerR2.blend).toBeCloseTo(best, 9);
      expect(m.innerR2.gbm).toBe(gbm.r2);
      expect(m.kind).toBe(bestW === 1 ? 'ridge' : bestW === 0 ? 'gbm' : 'blend');
      expect(m.gbm === null).toBe(bestW === 1);
      expect(m.reason).toMatch(/^tuned: \d\.\d ridge \+ \d\.\d gbm maximizes inner-validation R²/);
    }
  });

  it('gives an interior weight when both models carry signal', () => {
    const m = chooseAndFit(mixed().columns, mixed().y, TRAIN_END, { blend: 'tuned' });
    expect(m.ridgeWeight).toBeGreaterThan(0);
    expect(m.ridgeWeight).toBeLessThan(1);
    expect(m.kind).toBe('blend');
  });
});

describe('serialization and determinism', () => {
  it('chosenToJSON round trip predicts identically', () => {
    for (const make of [linear, band, weak]) {
      const d = make();
      const m = chooseAndFit(d.columns, d.y, TRAIN_END, { seed: 3 });
      const back = chosenFromJSON(JSON.parse(JSON.stringify(chosenToJSON(m))));
      expect(back.kind).toBe(m.kind);
      expect(back.reason).toBe(m.reason);
      expect(predictChosen(back, d.columns, { start: 0, end: N })).toEqual(
        predictChosen(m, d.columns, { start: 0, end: N }),
      );
      expect(JSON.stringify(chosenToJSON(back))).toBe(JSON.stringify(chosenToJSON(m)));
      const rows = [650, 3, 599];
      expect(predictChosen(back, d.columns, rows)).toEqual(predictChosen(m, d.columns, rows));
    }
  });

  it('rejects broken JSON with clear errors', () => {
    const d = weakBand();
    const json = chosenToJSON(chooseAndFit(d.columns, d.y, TRAIN_END));
    expect(() => chosenFromJSON({ ...json, format: 'x' as 'weathervane-chosen' })).toThrow(
      /weathervane-chosen/,
    );
    expect(() => chosenFromJSON({ ...json, gbm: null })).toThrow(/needs a gbm/);
    expect(() => chosenFromJSON({ ...json, ridgeWeight: 2 })).toThrow(/ridgeWeight/);
  });

  it('same data and seed give the same model; another seed gives another GBM', () => {
    const d = band();
    const a = JSON.stringify(chosenToJSON(chooseAndFit(d.columns, d.y, TRAIN_END, { seed: 5 })));
    const b = JSON.stringify(chosenToJSON(chooseAndFit(d.columns, d.y, TRAIN_END, { seed: 5 })));
    const c = JSON.stringify(chosenToJSON(chooseAndFit(d.columns, d.y, TRAIN_END, { seed: 6 })));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});

describe('option validation', () => {
  const d = makeData(5, (x0) => x0, 1, 200);
  const fit = (o: Parameters<typeof chooseAndFit>[3], end = 150) =>
    chooseAndFit(d.columns, d.y, end, o);
  it('names the bad option and its valid range', () => {
    expect(() => fit({ blend: 'best' as 'rule' })).toThrow(/blend must be 'rule' or 'tuned'/);
    expect(() => fit({ ruleWeight: 1.5 })).toThrow(/ruleWeight must be in \[0, 1\]/);
    expect(() => fit({ passBar: Number.NaN })).toThrow(/passBar/);
    expect(() => fit({ validationFraction: 0 })).toThrow(/validationFraction must be in \(0, 1\)/);
    expect(() => fit({ gap: -1 })).toThrow(/gap must be an integer >= 0/);
    expect(() => fit({ alphas: [] })).toThrow(/alpha grid is empty/);
    expect(() => fit({ gbm: { maxDepth: 0 } })).toThrow(/maxDepth/);
    expect(() => fit({ gbm: { trees: 5 } as never })).toThrow(/unknown GBM option trees/);
    expect(() => fit({ seed: 1, gbm: { seed: 2 } })).toThrow(/conflicts with gbm.seed/);
    expect(() => fit({ featureNames: ['a'] })).toThrow(/featureNames has 1 names/);
    expect(() => fit({}, 0)).toThrow(/trainEnd must be an integer in 1..200/);
    expect(() => fit({}, 4)).toThrow(/inner-training rows/);
  });
});
