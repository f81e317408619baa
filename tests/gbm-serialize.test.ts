/** GBM JSON round trip (bit-identical predictions) and seeded determinism. */
import { describe, expect, it } from 'vitest';
import { gbmFromJSON, gbmToJSON, predictGbm, trainGbm } from '../src/core/gbm/index.js';
import { SeededRandom } from '../src/core/random.js';

const n = 400;
const rng = new SeededRandom(21);
const columns = Array.from({ length: 6 }, () =>
  Float64Array.from({ length: n }, () => rng.normal()),
);
const y = Float64Array.from(
  { length: n },
  (_, i) =>
    Math.exp(columns[0][i] / 3) * columns[1][i] + columns[2][i] ** 3 / 7 + rng.normal(0, 0.1),
);

describe('GBM serialization', () => {
  const model = trainGbm(columns, y, {
    nEstimators: 40,
    trainEnd: 300,
    valid: { columns, y, rows: Int32Array.from({ length: 100 }, (_, i) => 300 + i) },
    featureNames: ['a', 'b', 'c', 'd', 'e', 'f'],
  });

  it('round-trips through JSON text with identical predictions', () => {
    const text = JSON.stringify(gbmToJSON(model));
    const back = gbmFromJSON(text);
    expect(Array.from(predictGbm(back, columns))).toEqual(Array.from(predictGbm(model, columns)));
    expect(JSON.stringify(gbmToJSON(back))).toBe(text);
    expect(back.featureNames).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(back.validRmse).not.toBeNull();
    // Also from the object form.
    expect(gbmFromJSON(JSON.parse(text)).value).toEqual(model.value);
  });

  it('rejects malformed JSON models', () => {
    const json = gbmToJSON(model);
    expect(() => gbmFromJSON({ ...json, format: 'other' } as never)).toThrow(
      'GBM model JSON: expected format "weathervane-gbm" version 1',
    );
    expect(() => gbmFromJSON({ ...json, value: json.value.slice(1) })).toThrow(
      `GBM model JSON: value must be an array of ${json.value.length} finite numbers`,
    );
    const left = [...json.left];
    left[0] = 10_000_000;
    expect(() => gbmFromJSON({ ...json, left })).toThrow(
      'GBM model JSON: node 0 has children outside its tree',
    );
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const opts = { nEstimators: 30, seed: 7 };
    const a = JSON.stringify(gbmToJSON(trainGbm(columns, y, opts)));
    const b = JSON.stringify(gbmToJSON(trainGbm(columns, y, opts)));
    const c = JSON.stringify(gbmToJSON(trainGbm(columns, y, { ...opts, seed: 8 })));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('predicts a row subset exactly as the full batch', () => {
    const rows = Int32Array.of(5, 3, 399, 0);
    const all = predictGbm(model, columns);
    expect(Array.from(predictGbm(model, columns, rows))).toEqual(Array.from(rows, (r) => all[r]));
    expect(() => predictGbm(model, columns.slice(1))).toThrow(
      'model has 6 features but 5 columns were given',
    );
  });
});
