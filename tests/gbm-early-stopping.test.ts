/** GBM early stopping on a validation set: keeps the argmin of the recorded validation curve. */
import { describe, expect, it } from 'vitest';
import { predictGbm, trainGbm } from '../src/core/gbm/index.js';
import { SeededRandom } from '../src/core/random.js';

function rmse(y: Float64Array, rows: Int32Array, pred: Float64Array): number {
  let s = 0;
  rows.forEach((r, i) => (s += (y[r] - pred[i]) ** 2));
  return Math.sqrt(s / rows.length);
}

/** First index of the minimum (an improvement must be strictly lower). */
function argmin(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return best;
}

describe('GBM early stopping', () => {
  // Weak signal under heavy noise, small leaves and a high learning rate: the model fits the
  // signal in a few rounds, then the training noise, so validation error turns up.
  const n = 500;
  const rng = new SeededRandom(9);
  const columns = Array.from({ length: 5 }, () =>
    Float64Array.from({ length: n }, () => rng.uniform(-1, 1)),
  );
  const y = Float64Array.from({ length: n }, (_, i) => 2 * columns[0][i] + rng.normal(0, 2));
  const validRows = Int32Array.from({ length: 250 }, (_, i) => 250 + i);
  const opts = { trainEnd: 250, learningRate: 0.3, minDataInLeaf: 3, earlyStoppingRounds: 10 };

  it('stops 10 rounds after the best and truncates to it', () => {
    const model = trainGbm(columns, y, { ...opts, valid: { columns, y, rows: validRows } });
    const curve = model.validRmse as Float64Array;
    expect(curve).not.toBeNull();
    const best = argmin(curve);
    expect(model.bestIteration).toBe(best);
    expect(best).toBeGreaterThan(0); // the curve first falls ...
    expect(curve.length).toBe(best + 11); // ... then rises for 10 rounds, and training stops
    expect(curve.length).toBeLessThan(200);
    expect(model.nTrees).toBe(best + 1);
    expect(model.trainRmse.length).toBe(curve.length);
    // The kept model scores exactly the recorded best validation RMSE.
    expect(rmse(y, validRows, predictGbm(model, columns, validRows))).toBe(curve[best]);
  });

  it('accepts the validation set as separate arrays', () => {
    const withRows = trainGbm(columns, y, { ...opts, valid: { columns, y, rows: validRows } });
    const separate = trainGbm(columns, y, {
      ...opts,
      valid: {
        columns: columns.map((c) => c.slice(250)),
        y: y.slice(250),
      },
    });
    expect(separate.bestIteration).toBe(withRows.bestIteration);
    expect(Array.from(separate.validRmse as Float64Array)).toEqual(
      Array.from(withRows.validRmse as Float64Array),
    );
  });

  it('runs every round and keeps all trees without a validation set', () => {
    const model = trainGbm(columns, y, { ...opts, nEstimators: 25 });
    expect(model.nTrees).toBe(25);
    expect(model.bestIteration).toBe(24);
    expect(model.validRmse).toBeNull();
    // Training error only falls.
    for (let t = 1; t < 25; t++) expect(model.trainRmse[t]).toBeLessThan(model.trainRmse[t - 1]);
  });
});
