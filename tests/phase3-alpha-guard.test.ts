/**
 * Phase 3's refit alpha on windows whose inner alpha folds cannot identify the window's yearly
 * terms (phases/ladder.ts phase3RefitAlpha, phases/choose.ts refitAlpha 'gcvAtMax'; docs/modeling.md
 * "Phase 3's alpha on windows its inner folds cannot read"). The data are not the generator's: the
 * CLI sweep's recipe (bench/external.ts seasonalDaily: a strong yearly season and trend, ten channels
 * with geometric carry-over and Hill-type saturation), on which the first one-year fold collapsed.
 */
import { describe, expect, it } from 'vitest';
import { seasonalDaily } from '../bench/external.js';
import { r2 } from '../src/core/metrics.js';
import { SeededRandom } from '../src/core/random.js';
import { selectAlpha, selectAlphaGcv } from '../src/core/ridge.js';
import { chooseAndFit } from '../src/phases/choose.js';
import { trainPhase } from '../src/phases/index.js';
import { fitPhase3Folds } from '../src/phases/phase3.js';

describe('phase 3 alpha on windows its inner folds cannot read', () => {
  it("'gcvAtMax' keeps the inner folds' alpha below the grid's top and takes GCV's at the top", () => {
    const rng = new SeededRandom(5);
    const n = 120;
    const x = [new Float64Array(n), new Float64Array(n)];
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[0][i] = rng.normal();
      x[1][i] = rng.normal();
      y[i] = 2 * x[0][i] - x[1][i] + rng.normal(0, 0.5);
    }
    const grid = [0.01, 0.1, 1, 10, 100];
    const inner = selectAlpha(x, y, n, grid, 3).alpha;
    expect(inner).toBeLessThan(100);
    expect(chooseAndFit(x, y, n, { alphas: grid, refitAlpha: 'gcvAtMax' }).alpha).toBe(inner);
    // A grid whose top is the inner folds' choice: GCV decides.
    const top = [0.001, inner];
    const gcv = selectAlphaGcv(x, y, n, top).alpha;
    expect(selectAlpha(x, y, n, top, 3).alpha).toBe(inner);
    expect(chooseAndFit(x, y, n, { alphas: top, refitAlpha: 'gcvAtMax' }).alpha).toBe(gcv);
    expect(chooseAndFit(x, y, n, { alphas: top }).alpha).toBe(inner);
  });

  it('a first one-year fold of ten channels is not forecast below zero where phase 0 scores 0.3-0.6', () => {
    // Before the guard the inner folds (92-275 rows) chose alpha 100 to tame a yearly cycle they
    // could not identify, the refit shrank the window's own season, and this fold scored -0.27
    // (phase 3 mean -0.27 against phase 0's 0.51).
    const { series } = seasonalDaily(3);
    const p0 = trainPhase(series, 0, {}, null);
    const p2 = trainPhase(series, 2, {}, null);
    const p3 = trainPhase(series, 3, {}, null);
    expect(p3.folds[0].train_rows).toBe(367);
    expect(p0.folds[0].r2).toBeGreaterThan(0.3);
    expect(p3.folds[0].r2).toBeGreaterThan(0);
    expect(p3.mean_r2).toBeGreaterThan(p2.mean_r2 - 0.01);
    // The guard itself, on the geometric search's media (no delays offered): there the inner folds
    // chose the grid's largest alpha. With the delays' search (S-shapes and fractional peaks,
    // search.ts LAG_SCAN_SHAPES) this fold's inner folds choose alpha 0.1 and the guard has
    // nothing to refit (fold R² 0.548).
    const geometric = fitPhase3Folds(series, { search: { lags: [] } });
    expect(geometric.folds[0].evaluation.reason).toMatch(
      /refit alpha \d+(\.\d+)? by generalized cross-validation/,
    );
    const first = geometric.folds[0].evaluation;
    const actual = series.target.subarray(first.fold.testStart, first.fold.testEnd);
    expect(r2(actual, first.predicted)).toBeGreaterThan(0);
  });
});
