/** One expanding-window split: train rows [0, trainEnd), test rows [testStart, testEnd). */
export interface Fold {
  index: number;
  trainEnd: number;
  testStart: number;
  testEnd: number;
}

/**
 * Expanding-window time-series folds with scikit-learn TimeSeriesSplit semantics:
 * test size = floor(n / (folds + 1)); fold i tests rows [n - (folds - i) * testSize, + testSize)
 * and trains on every earlier row except the `gap` rows just before the test block.
 */
export function timeSeriesFolds(n: number, folds = 5, gap = 0, testSize?: number): Fold[] {
  if (!Number.isInteger(folds) || folds < 2) {
    throw new RangeError(`folds must be an integer >= 2 (got ${folds})`);
  }
  if (!Number.isInteger(gap) || gap < 0)
    throw new RangeError(`gap must be an integer >= 0 (got ${gap})`);
  const size = testSize ?? Math.floor(n / (folds + 1));
  if (size < 1 || n - folds * size - gap < 1) {
    throw new RangeError(
      `${folds} folds need more rows: ${n} rows give test blocks of ${size} and leave no training rows`,
    );
  }
  const out: Fold[] = [];
  for (let i = 0; i < folds; i++) {
    const testStart = n - (folds - i) * size;
    out.push({ index: i, trainEnd: testStart - gap, testStart, testEnd: testStart + size });
  }
  return out;
}
