/** GBM option defaults and validation messages (option, bad value, valid range). */
import { describe, expect, it } from 'vitest';
import { GBM_DEFAULTS, trainGbm, validateGbmOptions } from '../src/core/gbm/index.js';

describe('GBM options', () => {
  it('has the documented defaults', () => {
    expect(validateGbmOptions()).toEqual({
      nEstimators: 200,
      maxDepth: 7,
      numLeaves: 31,
      learningRate: 0.05,
      subsample: 0.8,
      colsampleByTree: 0.8,
      lambdaL1: 0.1,
      lambdaL2: 1.0,
      minDataInLeaf: 20,
      minSumHessianInLeaf: 1e-3,
      minGainToSplit: 0,
      maxBins: 255,
      earlyStoppingRounds: 10,
      seed: 0,
    });
    expect(Object.isFrozen(GBM_DEFAULTS)).toBe(true);
    expect(validateGbmOptions({ maxDepth: 3 }).maxDepth).toBe(3);
  });

  const cases: [Record<string, unknown>, string][] = [
    [{ learningRate: 0 }, 'learningRate must be a finite number > 0 (got 0)'],
    [{ learningRate: -0.1 }, 'learningRate must be a finite number > 0 (got -0.1)'],
    [{ learningRate: NaN }, 'learningRate must be a finite number > 0 (got NaN)'],
    [{ maxDepth: 0 }, 'maxDepth must be an integer >= 1 (got 0)'],
    [{ maxDepth: 2.5 }, 'maxDepth must be an integer >= 1 (got 2.5)'],
    [{ numLeaves: 1 }, 'numLeaves must be an integer >= 2 (got 1)'],
    [{ subsample: 0 }, 'subsample must be in (0, 1] (got 0)'],
    [{ subsample: 1.5 }, 'subsample must be in (0, 1] (got 1.5)'],
    [{ colsampleByTree: 0 }, 'colsampleByTree must be in (0, 1] (got 0)'],
    [{ colsampleByTree: 1.01 }, 'colsampleByTree must be in (0, 1] (got 1.01)'],
    [{ nEstimators: 0 }, 'nEstimators must be an integer >= 1 (got 0)'],
    [{ lambdaL1: -1 }, 'lambdaL1 must be a finite number >= 0 (got -1)'],
    [{ lambdaL2: -0.5 }, 'lambdaL2 must be a finite number >= 0 (got -0.5)'],
    [{ minDataInLeaf: 0 }, 'minDataInLeaf must be an integer >= 1 (got 0)'],
    [{ minSumHessianInLeaf: -1 }, 'minSumHessianInLeaf must be a finite number >= 0 (got -1)'],
    [{ minGainToSplit: -1 }, 'minGainToSplit must be a finite number >= 0 (got -1)'],
    [{ maxBins: 256 }, 'maxBins must be an integer in [2, 255] (got 256)'],
    [{ earlyStoppingRounds: 0 }, 'earlyStoppingRounds must be an integer >= 1 (got 0)'],
    [{ seed: -1 }, 'seed must be an integer in [0, 4294967295] (got -1)'],
  ];
  for (const [bad, message] of cases) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      expect(() => validateGbmOptions(bad)).toThrow(new RangeError(message));
      expect(() => trainGbm([Float64Array.of(1, 2)], Float64Array.of(1, 2), bad)).toThrow(message);
    });
  }

  it('rejects unknown option names', () => {
    expect(() => validateGbmOptions({ max_depth: 3 } as never)).toThrow(
      /^unknown GBM option max_depth \(valid: nEstimators, maxDepth, /,
    );
  });

  it('rejects inconsistent inputs', () => {
    const cols = [Float64Array.of(1, 2, 3)];
    const y = Float64Array.of(1, 2, 3);
    expect(() => trainGbm([Float64Array.of(1, 2)], y)).toThrow(
      'training data column 0 has 2 rows but y has 3',
    );
    expect(() => trainGbm(cols, y, { featureNames: ['a', 'b'] })).toThrow(
      'featureNames has 2 names but there are 1 columns',
    );
    expect(() => trainGbm(cols, y, { trainEnd: 2, trainRows: Int32Array.of(0) })).toThrow(
      'give either trainRows or trainEnd, not both',
    );
    expect(() => trainGbm(cols, y, { trainEnd: 4 })).toThrow(
      'trainEnd must be an integer in [1, 3] (got 4)',
    );
    expect(() => trainGbm(cols, y, { trainRows: Int32Array.of(0, 3) })).toThrow(
      'training row index 3 is outside [0, 2]',
    );
    expect(() => trainGbm(cols, Float64Array.of(1, NaN, 3))).toThrow(
      'y at training row 1 is not finite (got NaN)',
    );
    expect(() => trainGbm([Float64Array.of(1, NaN, 3)], y)).toThrow(
      'feature 0 has NaN at row 1: missing values are not supported',
    );
    expect(() => trainGbm(cols, y, { valid: { columns: [], y } })).toThrow(
      'validation set has 0 columns but training has 1',
    );
  });
});
