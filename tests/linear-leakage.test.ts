/** No-leakage checks: what a fold's model sees must be its training rows only. */
import { describe, expect, it } from 'vitest';
import { buildDesign } from '../src/core/features.js';
import { timeSeriesFolds } from '../src/core/folds.js';
import { SeededRandom } from '../src/core/random.js';
import { fitLinearFolds, trainLinearPhase } from '../src/phases/linear.js';
import { loadPeerTenant } from './fixtures/peer/load.js';

describe('no leakage', () => {
  it('a randomly permuted target scores mean R² below 0.05 in phases 0 and 1', () => {
    const series = loadPeerTenant('peer_strong');
    const perm = new SeededRandom(2024).permutation(series.target.length);
    const shuffled = { ...series, target: Float64Array.from(perm, (i) => series.target[i]) };
    for (const phase of [0, 1] as const) {
      const res = trainLinearPhase(shuffled, { phase });
      expect(res.mean_r2).toBeLessThan(0.05);
    }
    // Control: the same tenant unshuffled is well above it, so the bar can fail.
    expect(trainLinearPhase(series, { phase: 1 }).mean_r2).toBeGreaterThan(0.8);
  });

  it("garbage in a fold's test rows leaves that fold's model and alpha bit-identical", () => {
    const series = loadPeerTenant('peer_interaction');
    const design = buildDesign(series, { interactions: true });
    const folds = timeSeriesFolds(series.target.length, 5);
    const config = { tuneAlpha: true };
    const clean = fitLinearFolds(design, series.target, folds, config);
    const k = 2;
    const { testStart, testEnd } = folds[k];
    const rng = new SeededRandom(99);
    const y = Float64Array.from(series.target);
    const columns = design.columns.map((c) => Float64Array.from(c));
    for (let t = testStart; t < testEnd; t++) {
      y[t] = rng.uniform(-1e7, 1e7);
      for (const c of columns) c[t] = rng.uniform(-1e5, 1e5);
    }
    const dirty = fitLinearFolds({ names: design.names, columns }, y, folds, config);
    for (let i = 0; i <= k; i++) {
      expect(dirty[i].alpha).toBe(clean[i].alpha);
      expect(dirty[i].alphaScores).toEqual(clean[i].alphaScores);
      expect(Array.from(dirty[i].model.coef)).toEqual(Array.from(clean[i].model.coef));
      expect(dirty[i].model.intercept).toBe(clean[i].model.intercept);
    }
    // The next fold trains on the garbage, so its model must change (the check can fail).
    expect(Array.from(dirty[k + 1].model.coef)).not.toEqual(Array.from(clean[k + 1].model.coef));
  });
});
