/**
 * The JSON form of a chosen model (choose.ts): plain data with typed arrays as arrays, doubles in
 * shortest round-trip form, and structural checks on the way back in.
 */
import { gbmFromJSON, gbmToJSON, type GbmModelJSON } from '../core/gbm/index.js';
import type { RidgeModel } from '../core/ridge.js';
import type { ChosenModel } from './choose.js';
import type { ModelKind } from './types.js';

/** Plain-data form of a Ridge model (typed arrays as arrays; doubles round-trip exactly). */
export function ridgeToJSON(r: RidgeModel): RidgeModelJSON {
  return {
    alpha: r.alpha,
    n: r.n,
    means: Array.from(r.means),
    scales: Array.from(r.scales),
    coefStandardized: Array.from(r.coefStandardized),
    coef: Array.from(r.coef),
    intercept: r.intercept,
    yMean: r.yMean,
  };
}

export interface RidgeModelJSON {
  alpha: number;
  n: number;
  means: number[];
  scales: number[];
  coefStandardized: number[];
  coef: number[];
  intercept: number;
  yMean: number;
}

export interface ChosenModelJSON {
  format: 'weathervane-chosen';
  version: 1;
  kind: ModelKind;
  ridge: RidgeModelJSON;
  gbm: GbmModelJSON | null;
  ridgeWeight: number;
  alpha: number;
  gbmTrees: number | null;
  reason: string;
  innerR2: { ridge: number; gbm: number | null; blend: number | null };
}

/**
 * Plain-data copy for JSON.stringify. Doubles are written in shortest round-trip form, so
 * chosenFromJSON(JSON.parse(JSON.stringify(x))) predicts bit-identically.
 */
export function chosenToJSON(m: ChosenModel): ChosenModelJSON {
  return {
    format: 'weathervane-chosen',
    version: 1,
    kind: m.kind,
    ridge: ridgeToJSON(m.ridge),
    gbm: m.gbm ? gbmToJSON(m.gbm) : null,
    ridgeWeight: m.ridgeWeight,
    alpha: m.alpha,
    gbmTrees: m.gbmTrees,
    reason: m.reason,
    innerR2: { ...m.innerR2 },
  };
}

function finiteArray(v: unknown, what: string, length?: number): Float64Array {
  if (
    !Array.isArray(v) ||
    (length !== undefined && v.length !== length) ||
    !v.every((x) => typeof x === 'number' && Number.isFinite(x))
  ) {
    const len = length === undefined ? '' : ` of ${length}`;
    throw new Error(`chosen model JSON: ${what} must be an array${len} finite numbers`);
  }
  return Float64Array.from(v as number[]);
}

function finiteNumber(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`chosen model JSON: ${what} must be a finite number (got ${String(v)})`);
  }
  return v;
}

function nullableNumber(v: unknown, what: string): number | null {
  return v === null ? null : finiteNumber(v, what);
}

/** Model from chosenToJSON output (object or JSON text), with structural checks. */
export function chosenFromJSON(input: ChosenModelJSON | string): ChosenModel {
  const json = (typeof input === 'string' ? JSON.parse(input) : input) as ChosenModelJSON;
  if (
    json === null ||
    typeof json !== 'object' ||
    json.format !== 'weathervane-chosen' ||
    json.version !== 1
  ) {
    throw new Error('chosen model JSON: expected format "weathervane-chosen" version 1');
  }
  if (json.kind !== 'ridge' && json.kind !== 'gbm' && json.kind !== 'blend') {
    throw new Error(
      `chosen model JSON: kind must be ridge, gbm or blend (got ${String(json.kind)})`,
    );
  }
  const r = json.ridge;
  if (r === null || typeof r !== 'object') throw new Error('chosen model JSON: ridge is missing');
  const coef = finiteArray(r.coef, 'ridge.coef');
  const p = coef.length;
  const ridge: RidgeModel = {
    alpha: finiteNumber(r.alpha, 'ridge.alpha'),
    n: finiteNumber(r.n, 'ridge.n'),
    means: finiteArray(r.means, 'ridge.means', p),
    scales: finiteArray(r.scales, 'ridge.scales', p),
    coefStandardized: finiteArray(r.coefStandardized, 'ridge.coefStandardized', p),
    coef,
    intercept: finiteNumber(r.intercept, 'ridge.intercept'),
    yMean: finiteNumber(r.yMean, 'ridge.yMean'),
  };
  const ridgeWeight = finiteNumber(json.ridgeWeight, 'ridgeWeight');
  if (!(ridgeWeight >= 0 && ridgeWeight <= 1)) {
    throw new Error(`chosen model JSON: ridgeWeight must be in [0, 1] (got ${ridgeWeight})`);
  }
  const gbm = json.gbm === null ? null : gbmFromJSON(json.gbm);
  if (ridgeWeight < 1 && !gbm) {
    throw new Error(`chosen model JSON: ridgeWeight ${ridgeWeight} < 1 needs a gbm`);
  }
  if (gbm && gbm.nFeatures !== p) {
    throw new Error(`chosen model JSON: gbm has ${gbm.nFeatures} features, ridge has ${p}`);
  }
  if (typeof json.reason !== 'string')
    throw new Error('chosen model JSON: reason must be a string');
  const inner = json.innerR2 ?? ({} as ChosenModelJSON['innerR2']);
  return {
    kind: json.kind,
    ridge,
    gbm,
    ridgeWeight,
    alpha: finiteNumber(json.alpha, 'alpha'),
    gbmTrees: nullableNumber(json.gbmTrees, 'gbmTrees'),
    reason: json.reason,
    innerR2: {
      ridge: finiteNumber(inner.ridge, 'innerR2.ridge'),
      gbm: nullableNumber(inner.gbm, 'innerR2.gbm'),
      blend: nullableNumber(inner.blend, 'innerR2.blend'),
    },
  };
}
