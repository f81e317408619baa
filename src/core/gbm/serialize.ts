/**
 * JSON form of a GbmModel. Typed arrays become plain number arrays; JSON.stringify writes each
 * double in its shortest round-trip form, so parsing restores every bit and predictions after
 * a round trip are identical.
 */

import type { GbmModel } from './model.js';
import { validateGbmOptions, type GbmOptions } from './options.js';

export interface GbmModelJSON {
  format: 'weathervane-gbm';
  version: 1;
  nFeatures: number;
  featureNames: string[] | null;
  baseScore: number;
  options: GbmOptions;
  nTrees: number;
  treeStart: number[];
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
  gain: number[];
  count: number[];
  bestIteration: number;
  trainRmse: number[];
  validRmse: number[] | null;
}

/** Plain-data copy of the model, ready for JSON.stringify. */
export function gbmToJSON(model: GbmModel): GbmModelJSON {
  return {
    format: model.format,
    version: model.version,
    nFeatures: model.nFeatures,
    featureNames: model.featureNames ? [...model.featureNames] : null,
    baseScore: model.baseScore,
    options: { ...model.options },
    nTrees: model.nTrees,
    treeStart: Array.from(model.treeStart),
    feature: Array.from(model.feature),
    threshold: Array.from(model.threshold),
    left: Array.from(model.left),
    right: Array.from(model.right),
    value: Array.from(model.value),
    gain: Array.from(model.gain),
    count: Array.from(model.count),
    bestIteration: model.bestIteration,
    trainRmse: Array.from(model.trainRmse),
    validRmse: model.validRmse ? Array.from(model.validRmse) : null,
  };
}

function numbers(json: Record<string, unknown>, key: string, length: number): number[] {
  const v = json[key];
  if (
    !Array.isArray(v) ||
    v.length !== length ||
    !v.every((x) => typeof x === 'number' && Number.isFinite(x))
  ) {
    throw new Error(`GBM model JSON: ${key} must be an array of ${length} finite numbers`);
  }
  return v as number[];
}

/** Model from gbmToJSON output (object or JSON text), with structural checks. */
export function gbmFromJSON(input: GbmModelJSON | string): GbmModel {
  const json = (typeof input === 'string' ? JSON.parse(input) : input) as Record<string, unknown>;
  if (
    json === null ||
    typeof json !== 'object' ||
    json.format !== 'weathervane-gbm' ||
    json.version !== 1
  ) {
    throw new Error('GBM model JSON: expected format "weathervane-gbm" version 1');
  }
  const nFeatures = json.nFeatures as number;
  const nTrees = json.nTrees as number;
  if (!Number.isInteger(nFeatures) || nFeatures < 1 || !Number.isInteger(nTrees) || nTrees < 1) {
    throw new Error('GBM model JSON: nFeatures and nTrees must be integers >= 1');
  }
  const treeStart = numbers(json, 'treeStart', nTrees + 1);
  const nNodes = treeStart[nTrees];
  const feature = Int32Array.from(numbers(json, 'feature', nNodes));
  const left = Int32Array.from(numbers(json, 'left', nNodes));
  const right = Int32Array.from(numbers(json, 'right', nNodes));
  for (let t = 0; t < nTrees; t++) {
    const lo = treeStart[t];
    const hi = treeStart[t + 1];
    for (let node = lo; node < hi; node++) {
      const f = feature[node];
      if (f >= nFeatures)
        throw new Error(`GBM model JSON: node ${node} uses feature ${f} of ${nFeatures}`);
      if (
        f >= 0 &&
        !(left[node] > node && left[node] < hi && right[node] > node && right[node] < hi)
      ) {
        throw new Error(`GBM model JSON: node ${node} has children outside its tree`);
      }
    }
  }
  const names = json.featureNames;
  if (names !== null && !(Array.isArray(names) && names.length === nFeatures)) {
    throw new Error(`GBM model JSON: featureNames must be null or ${nFeatures} names`);
  }
  const trainRmse = json.trainRmse as unknown[];
  const validRmse = json.validRmse as unknown[] | null;
  return {
    format: 'weathervane-gbm',
    version: 1,
    nFeatures,
    featureNames: names === null ? null : (names as string[]).map(String),
    baseScore: json.baseScore as number,
    options: validateGbmOptions(json.options as Partial<GbmOptions>),
    nTrees,
    treeStart: Int32Array.from(treeStart),
    feature,
    threshold: Float64Array.from(numbers(json, 'threshold', nNodes)),
    left,
    right,
    value: Float64Array.from(numbers(json, 'value', nNodes)),
    gain: Float64Array.from(numbers(json, 'gain', nNodes)),
    count: Int32Array.from(numbers(json, 'count', nNodes)),
    bestIteration: json.bestIteration as number,
    trainRmse: Float64Array.from(
      numbers(json, 'trainRmse', Array.isArray(trainRmse) ? trainRmse.length : -1),
    ),
    validRmse:
      validRmse === null
        ? null
        : Float64Array.from(
            numbers(json, 'validRmse', Array.isArray(validRmse) ? validRmse.length : -1),
          ),
  };
}
