/** Content hashes and canonical JSON, used for dataset identity and run cache keys. */

import { createHash } from 'node:crypto';

/** sha256 of the UTF-8 text, lowercase hex. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * JSON with object keys sorted at every level, so equal values give equal text (and hashes).
 * Rejects values JSON cannot represent faithfully (non-finite numbers, functions, bigint).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value, '$'));
}

function canonicalize(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError(`canonicalJson: ${path} is ${value}; only finite numbers can be hashed`);
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => canonicalize(v, `${path}[${i}]`));
  if (ArrayBuffer.isView(value)) {
    return Array.from(value as unknown as ArrayLike<number>, (v, i) =>
      canonicalize(v, `${path}[${i}]`),
    );
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonicalize(v, `${path}.${key}`);
    }
    return out;
  }
  throw new TypeError(`canonicalJson: ${path} has type ${typeof value}, which JSON cannot hold`);
}

export interface RunKeyParts {
  phase: number;
  /**
   * The run's tenants. Their order is not part of the key: each tenant's figures do not depend
   * on it and the run's table and summary do not either, so `--tenants a,b` after `b,a` is
   * served from the store (it computed everything again).
   */
  tenants: readonly string[];
  /** Content hash of each tenant's dataset, same order as tenants. */
  datasetHashes: readonly string[];
  config: unknown;
  /** Include it so that results computed by older code are not served from the cache. */
  codeVersion?: string;
}

/**
 * The canonical order of a run's tenants: by id, in UTF-16 code-unit order (what `<` compares;
 * no locale). The run key lists tenants in this order, and so does the analytics artifact.
 */
export function compareTenantIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Cache key of a run: sha256 of the canonical JSON of phase, tenants, dataset hashes and config. */
export function runKey(parts: RunKeyParts): string {
  if (parts.tenants.length !== parts.datasetHashes.length) {
    throw new RangeError(
      `runKey: ${parts.tenants.length} tenants but ${parts.datasetHashes.length} dataset hashes`,
    );
  }
  const order = parts.tenants
    .map((_, i) => i)
    .sort((a, b) => compareTenantIds(parts.tenants[a], parts.tenants[b]));
  return contentHash(
    canonicalJson({
      phase: parts.phase,
      tenants: order.map((i) => parts.tenants[i]),
      dataset_hashes: order.map((i) => parts.datasetHashes[i]),
      config: parts.config ?? null,
      code_version: parts.codeVersion ?? null,
    }),
  );
}
