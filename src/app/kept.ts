/**
 * Artefacts kept beside a run (all-rows models, explanations, plan refits, report fits) are
 * reused only for the same data and the same model code: a stored figure made by other code
 * under the same package version is never served (it is made again and kept anew).
 */
import { MODEL_CODE_ID } from './version.js';

/** The part of a kept payload that says what it is valid for (code_id absent: kept before it). */
export interface KeptFor {
  dataset_hash: string;
  code_id?: string;
}

/** The validity stamp of an artefact made now from data with this hash. */
export function keptFor(hash: string): { dataset_hash: string; code_id: string } {
  return { dataset_hash: hash, code_id: MODEL_CODE_ID };
}

/** True when a kept payload was made from data with this hash by the code running now. */
export function isKeptFor(payload: KeptFor, hash: string): boolean {
  return payload.dataset_hash === hash && payload.code_id === MODEL_CODE_ID;
}
