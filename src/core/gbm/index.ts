/** Histogram gradient-boosting engine (LightGBM-style leaf-wise trees, squared error). */

export { GBM_DEFAULTS, validateGbmOptions, type GbmOptions } from './options.js';
export {
  trainGbm,
  type GbmTrainOptions,
  type GbmTrainInput,
  type GbmValidationSet,
} from './train.js';
export { predictGbm, treeDepth, treeLeafCount, type GbmModel } from './model.js';
export { gbmToJSON, gbmFromJSON, type GbmModelJSON } from './serialize.js';
export { featureImportance, type GbmFeatureImportance } from './importance.js';
export { leafWeight, thresholdL1 } from './split.js';
export {
  binTrainingRows,
  featureBinsFromSorted,
  binOf,
  type BinnedMatrix,
  type FeatureBins,
} from './binning.js';
