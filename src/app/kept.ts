/**
 * Artefacts kept beside a run (all-rows models, explanations, plan refits, report fits) are
 * reused only for the same data and the same model code: a stored figure made by other code
 * under the same package version is never served (it is made again and kept anew).
 */
import type { PhaseId } from '../phases/types.js';
import { canonicalJson, runKey, type RunRecord } from '../store/index.js';
import type { AppContext } from './context.js';
import { datasetHash, tenantSource } from './tenants.js';
import { isBuiltinTenant } from '../core/data/index.js';
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
 * The newest finished run of the phase that covers the tenant's current data (with `config` when
 * given). Not only the phase's latest run: runs over other tenants come after it in the usual
 * workflow (run phase 3 for one tenant, then for another). A run whose result for the tenant was
 * computed on other data (the tenant re-imported with --replace, or deleted with its runs kept and
 * imported anew) is not the tenant's: its fold figures and models describe data the tenant no
 * longer has. `hash` is datasetHash of the tenant's source now; a result saved before the hash was
 * stored with it (schema 5) is checked by its run's key instead, which hashes every tenant's data.
 */
export function doneRunCovering(
  ctx: Pick<AppContext, 'store'>,
  phase: PhaseId,
  tenant: string,
  hash: string,
  config?: unknown,
): RunRecord | null {
  const want = config === undefined ? null : canonicalJson(config);
  const page = 200;
  for (let offset = 0; ; offset += page) {
    const runs = ctx.store.listRuns({ phase, status: 'done', limit: page, offset });
    const hit = runs.find(
      (r) =>
        r.tenants.includes(tenant) &&
        (want === null || canonicalJson(r.config) === want) &&
        computedOn(ctx, r, tenant, hash),
    );
    if (hit) return hit;
    if (runs.length < page) return null;
  }
}

/** True when the run's result for the tenant was computed on the data whose hash is `hash`. */
function computedOn(
  ctx: Pick<AppContext, 'store'>,
  run: RunRecord,
  tenant: string,
  hash: string,
): boolean {
  const stored = ctx.store.tenantDatasetHash(run.id, tenant);
  if (stored !== null) return stored === hash;
  // Saved before schema 5: the run's key is the hash of every tenant's data with the phase,
  // config and code; it matches only if none of them changed (a tenant since deleted: no match).
  try {
    return keyHolds(
      run,
      run.tenants.map((t) =>
        t === tenant ? hash : datasetHash(tenantSource(ctx as AppContext, t)),
      ),
    );
  } catch {
    return false;
  }
}

/** True when the run's key is that of its phase, config and code on data of these hashes. */
function keyHolds(run: RunRecord, datasetHashes: string[]): boolean {
  return (
    runKey({
      phase: run.phase,
      tenants: run.tenants,
      datasetHashes,
      config: run.config,
      codeVersion: run.code_version,
    }) === run.key
  );
}

/**
 * The hash of the data each of a run's results was computed on, by tenant (tenants without a
 * result are absent). A result saved before schema 5 has the tenant's hash now when the run's key
 * still matches every tenant's data now (as computedOn checks it), else null: not known.
 */
export function resultHashes(
  ctx: Pick<AppContext, 'store'>,
  run: RunRecord,
  hashNow: (tenant: string) => string = (t) => datasetHash(tenantSource(ctx as AppContext, t)),
): Map<string, string | null> {
  const stored = ctx.store.tenantDatasetHashes(run.id);
  if (![...stored.values()].includes(null)) return stored;
  let now: string[] | null = null;
  try {
    now = run.tenants.map(hashNow);
    if (!keyHolds(run, now)) now = null;
  } catch {
    now = null; // a tenant deleted since: the key cannot match
  }
  const out = new Map(stored);
  run.tenants.forEach((t, i) => {
    if (out.get(t) === null) out.set(t, now === null ? null : now[i]);
  });
  return out;
}

/**
 * The tenants of `a` that `b` also holds whose results in the two runs were not computed on the
 * same data (the tenant imported again between the runs; or not known, for a result saved before
 * schema 5 on data that changed since), in `a`'s tenant order.
 */
export function onOtherData(
  ctx: Pick<AppContext, 'store'>,
  a: RunRecord,
  b: RunRecord,
  hashes: (run: RunRecord) => Map<string, string | null> = (r) => resultHashes(ctx, r),
): string[] {
  const ha = hashes(a);
  const hb = hashes(b);
  return a.tenants.filter((t) => {
    if (!ha.has(t) || !hb.has(t)) return false;
    const x = ha.get(t);
    return x === null || x !== hb.get(t);
  });
}

/** The tenants of a finished run whose data is not what the run computed on any more. */
export interface DataSince {
  /** Imported (or generated) again with other data since: the run's figures are of the old data. */
  changed: string[];
  /** Deleted since (their runs kept). */
  deleted: string[];
}

/**
 * Which of a finished run's tenants changed or were deleted since it computed on them. Only tenants
 * whose data was written after the run was created are hashed (`updatedAt`: store
 * datasetsUpdatedAt, read once for a list of runs); `now` memoizes the current hashes over runs.
 * Built-in tenants never change. A result saved before its data hash was stored (schema 5) on data
 * written since counts as changed.
 */
export function dataSince(
  ctx: Pick<AppContext, 'store'>,
  run: RunRecord,
  updatedAt: ReadonlyMap<string, string>,
  now: Map<string, string | null>,
): DataSince {
  const out: DataSince = { changed: [], deleted: [] };
  if (run.status !== 'done') return out;
  let stored: Map<string, string | null> | null = null;
  for (const t of run.tenants) {
    if (isBuiltinTenant(t)) continue;
    const updated = updatedAt.get(t);
    if (updated === undefined) {
      out.deleted.push(t);
      continue;
    }
    if (updated < run.created_at) continue;
    stored ??= ctx.store.tenantDatasetHashes(run.id);
    if (!stored.has(t)) continue; // no result for it in the run
    if (!now.has(t)) {
      try {
        now.set(t, datasetHash(tenantSource(ctx as AppContext, t)));
      } catch {
        now.set(t, null); // deleted between the two reads
      }
    }
    const current = now.get(t) ?? null;
    if (current === null) out.deleted.push(t);
    else if (stored.get(t) !== current) out.changed.push(t);
  }
  return out;
}
