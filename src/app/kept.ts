/**
 * Artefacts kept beside a run (all-rows models, explanations, plan refits, report fits) are
 * reused only for the same data and the same model code: a stored figure made by other code
 * under the same package version is never served (it is made again and kept anew).
 */
import type { PhaseId } from '../phases/types.js';
import { canonicalJson, type RunRecord } from '../store/index.js';
import type { AppContext } from './context.js';
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

/**
 * The newest finished run of the phase that covers the tenant (with `config` when given). Not
 * only the phase's latest run: runs over other tenants come after it in the usual workflow
 * (run phase 3 for one tenant, then for another).
 */
export function doneRunCovering(
  ctx: Pick<AppContext, 'store'>,
  phase: PhaseId,
  tenant: string,
  config?: unknown,
): RunRecord | null {
  const want = config === undefined ? null : canonicalJson(config);
  const page = 200;
  for (let offset = 0; ; offset += page) {
    const runs = ctx.store.listRuns({ phase, status: 'done', limit: page, offset });
    const hit = runs.find(
      (r) => r.tenants.includes(tenant) && (want === null || canonicalJson(r.config) === want),
    );
    if (hit) return hit;
    if (runs.length < page) return null;
  }
}
