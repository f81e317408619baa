/** Hyper-parameters of the histogram gradient-boosting engine, their defaults and validation. */

export interface GbmOptions {
  /** Number of boosting rounds (trees) before early stopping. */
  nEstimators: number;
  /** Maximum depth of a leaf (the root is depth 0, so 1 gives stumps). */
  maxDepth: number;
  /** Maximum number of leaves per tree (best-first growth, as LightGBM's num_leaves). */
  numLeaves: number;
  /** Shrinkage applied to every leaf value. */
  learningRate: number;
  /** Fraction of training rows drawn (without replacement) for each tree. */
  subsample: number;
  /** Fraction of features drawn (without replacement) for each tree. */
  colsampleByTree: number;
  /** L1 penalty alpha on leaf values (XGBoost reg_alpha, LightGBM lambda_l1). */
  lambdaL1: number;
  /** L2 penalty lambda on leaf values (XGBoost reg_lambda, LightGBM lambda_l2). */
  lambdaL2: number;
  /** Minimum number of (sampled) rows in each child of a split. */
  minDataInLeaf: number;
  /** Minimum sum of hessians in each child of a split. */
  minSumHessianInLeaf: number;
  /** A split is made only when its gain is strictly greater than this. */
  minGainToSplit: number;
  /** Maximum number of bins per feature (at most 255, so a bin fits in a byte). */
  maxBins: number;
  /** Stop after this many rounds without a lower validation RMSE (only with a validation set). */
  earlyStoppingRounds: number;
  /** Seed of the row and feature sampling. */
  seed: number;
}

export const GBM_DEFAULTS: Readonly<GbmOptions> = Object.freeze({
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

const OPTION_NAMES = Object.keys(GBM_DEFAULTS) as (keyof GbmOptions)[];

function intAtLeast(name: string, value: number, min: number, max?: number): void {
  const ok = Number.isInteger(value) && value >= min && (max === undefined || value <= max);
  if (!ok) {
    const range = max === undefined ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${name} must be an integer ${range} (got ${value})`);
  }
}

function fraction(name: string, value: number): void {
  if (!(typeof value === 'number' && value > 0 && value <= 1)) {
    throw new RangeError(`${name} must be in (0, 1] (got ${value})`);
  }
}

function nonNegative(name: string, value: number): void {
  if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
    throw new RangeError(`${name} must be a finite number >= 0 (got ${value})`);
  }
}

/**
 * Merges `options` over GBM_DEFAULTS and checks every value; throws a RangeError naming the
 * option, the bad value and the valid range (unknown option names are rejected too, so typos
 * do not silently fall back to defaults).
 */
export function validateGbmOptions(options: Partial<GbmOptions> = {}): GbmOptions {
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as string[]).includes(key)) {
      throw new RangeError(`unknown GBM option ${key} (valid: ${OPTION_NAMES.join(', ')})`);
    }
  }
  const o: GbmOptions = { ...GBM_DEFAULTS };
  for (const key of OPTION_NAMES) {
    const v = options[key];
    if (v !== undefined) o[key] = v;
  }
  intAtLeast('nEstimators', o.nEstimators, 1);
  intAtLeast('maxDepth', o.maxDepth, 1);
  intAtLeast('numLeaves', o.numLeaves, 2);
  if (!(
    typeof o.learningRate === 'number' &&
    o.learningRate > 0 &&
    Number.isFinite(o.learningRate)
  )) {
    throw new RangeError(`learningRate must be a finite number > 0 (got ${o.learningRate})`);
  }
  fraction('subsample', o.subsample);
  fraction('colsampleByTree', o.colsampleByTree);
  nonNegative('lambdaL1', o.lambdaL1);
  nonNegative('lambdaL2', o.lambdaL2);
  intAtLeast('minDataInLeaf', o.minDataInLeaf, 1);
  nonNegative('minSumHessianInLeaf', o.minSumHessianInLeaf);
  nonNegative('minGainToSplit', o.minGainToSplit);
  intAtLeast('maxBins', o.maxBins, 2, 255);
  intAtLeast('earlyStoppingRounds', o.earlyStoppingRounds, 1);
  intAtLeast('seed', o.seed, 0, 0xffffffff);
  return o;
}
