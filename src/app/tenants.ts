/**
 * Tenants: where a tenant's data comes from (built-in, generated, imported), its content hash,
 * and the read-only use cases over it (list, describe, export).
 */
import {
  BUILTIN_TENANT_IDS,
  isBuiltinTenant,
  tenantCatalog,
  type ShapeSpec,
} from '../core/data/index.js';
import {
  csvSummary,
  tenantToCsv,
  truthToJson,
  withCanonicalColumns,
  type RoleOverrides,
} from '../core/csv.js';
import type { TenantInfo } from '../core/types.js';
import { canonicalJson, contentHash } from '../store/index.js';
import { removeFromAnalytics } from './analytics.js';
import { resolveTenant, type TenantSource } from './compute.js';
import { checkOpen, type AppContext } from './context.js';
import { AppError } from './errors.js';
import type { DeleteTenantRequest, DeleteTenantResult, TenantDetail } from './types.js';
import { MODEL_CODE_ID } from './version.js';

/** Tenant ids in natural order: gen_s7_2 before gen_s7_10 (digit runs compare as numbers). */
const naturalOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/** The 20 built-in tenants in catalog order, then stored ones in natural id order. */
export function listTenants(ctx: AppContext): TenantInfo[] {
  const stored = ctx.store
    .listDatasets()
    .filter((d) => d.source !== 'builtin')
    .map((d) => publicInfo(d.info))
    .sort((a, b) => naturalOrder.compare(a.tenant, b.tenant));
  return [...tenantCatalog(), ...stored];
}

/** TenantInfo without what the app keeps beside it (generator spec, import roles). */
function publicInfo(info: TenantInfo): TenantInfo {
  const {
    generator: _g,
    roles: _r,
    ...rest
  } = info as TenantInfo & {
    generator?: unknown;
    roles?: unknown;
  };
  return rest;
}

/**
 * The tenants of `tenants` that no longer exist (neither built in nor stored): deleted since a
 * run named them. A tenant imported again under the same id exists.
 */
export function deletedTenants(ctx: AppContext, tenants: readonly string[]): string[] {
  return tenants.filter((t) => !isBuiltinTenant(t) && ctx.store.getDatasetSummary(t) === null);
}

/** Where a tenant's data comes from; a clear error for an unknown or empty tenant id. */
export function tenantSource(ctx: AppContext, tenant: string): TenantSource {
  if (typeof tenant !== 'string' || tenant === '') {
    throw new AppError(
      `tenant must be a non-empty tenant id (see ${ctx.words.listTenants})`,
      'invalid_argument',
    );
  }
  if (isBuiltinTenant(tenant)) return { kind: 'builtin', tenant };
  const d = ctx.store.getDataset(tenant);
  if (d === null) {
    throw new AppError(
      `unknown tenant '${tenant}'. Built-in tenants: ${BUILTIN_TENANT_IDS.slice(0, 4).join(', ')}, ... ` +
        `(20 in all); list them with ${ctx.words.listTenants}, or import your own data first.`,
      'not_found',
    );
  }
  const gen = (
    d.info as TenantInfo & {
      generator?:
        | { seed: number; index: number; days: number; prefix: string }
        | { seed: number; shape: ShapeSpec };
    }
  ).generator;
  if (d.source === 'generated' && gen) {
    if ('shape' in gen) return { kind: 'shape', tenant, seed: gen.seed, shape: gen.shape };
    return { kind: 'generated', tenant, ...gen };
  }
  if (d.csv === null)
    throw new AppError(`tenant '${tenant}' has no stored data; import it again`, 'not_found');
  // Imports from before roles were stored have canonical names: they read back without roles.
  const roles = (d.info as TenantInfo & { roles?: RoleOverrides }).roles;
  return { kind: 'csv', tenant, csv: d.csv, ...(roles ? { roles } : {}) };
}

/**
 * Content hash of a tenant's data: for imported data the CSV with the roles that read it (which
 * columns are weather and which controls: the same file imported again with a column moved
 * between them is other data to the model; with the CSV alone its stored run, model and
 * explanation were served and plans failed on them), spec hash for synthetic data. Not cached
 * by tenant id: another process on the same state directory may replace a tenant's data, and a
 * stale hash would serve the old data's run from the store.
 */
export function datasetHash(src: TenantSource): string {
  if (src.kind === 'csv') return dataIdentity(src);
  return contentHash(JSON.stringify({ ...src, generator: MODEL_CODE_ID }));
}

/**
 * What the tenant's data is, whatever code generates it: for imported data the CSV with its roles
 * (datasetHash is this), the spec's hash for synthetic data (datasetHash adds the code id, which
 * changes with every model-code change although a spec names the same data). Plans keep it: a
 * plan of a built-in tenant is not "made on other data" after an upgrade, and one of a file
 * imported again with a column moved between weather and controls is.
 */
export function dataIdentity(src: TenantSource): string {
  if (src.kind === 'csv')
    return src.roles
      ? contentHash(`${src.csv}\n${canonicalJson(src.roles)}`)
      : contentHash(src.csv);
  return contentHash(JSON.stringify(src));
}

export function describeTenant(ctx: AppContext, tenant: string): TenantDetail {
  const src = tenantSource(ctx, tenant);
  const { series, synthetic } = resolveTenant(src);
  const s = csvSummary(series);
  const info =
    synthetic?.info ??
    ctx.store.getDataset(tenant)?.info ??
    (listTenants(ctx).find((t) => t.tenant === tenant) as TenantInfo);
  const totalSpend: Record<string, number> = {};
  series.channels.forEach((c, i) => (totalSpend[c] = series.spend[i].reduce((a, b) => a + b, 0)));
  let truth: TenantDetail['truth'] = null;
  if (synthetic) {
    const { expected: _e, contributions: _c, driverIndex: _d, shape, ...rest } = synthetic.truth;
    if (shape) {
      // The per-row baseline of shape tenants is data, not a summary (export --truth has it).
      const { baseline: _b, ...summary } = shape;
      truth = { ...rest, shape: summary };
    } else {
      truth = rest;
    }
  }
  return {
    info,
    summary: {
      rows: s.rows,
      start: s.start,
      end: s.end,
      channels: series.channels,
      weather: series.weatherNames,
      controls: series.controlNames,
      target: series.targetName,
      mean_target: s.meanTarget,
      total_spend: totalSpend,
    },
    truth,
  };
}

/** Canonical CSV of a tenant, and its ground truth as JSON for synthetic tenants when asked. */
export function exportTenant(
  ctx: AppContext,
  tenant: string,
  opts: { truth?: boolean } = {},
): { csv: string; truth: string | null } {
  const { series, synthetic } = resolveTenant(tenantSource(ctx, tenant));
  return {
    // In the order an import stores (withCanonicalColumns): export then import gives the same bytes.
    csv: tenantToCsv(withCanonicalColumns(series)),
    truth: opts.truth && synthetic ? truthToJson(synthetic.truth) : null,
  };
}

/**
 * Deletes an imported or generated tenant with its lift tests and plans (they describe its data
 * only: a later import under the id would show them as its own). Its
 * stored runs are kept or deleted as the caller says; when it has runs and the caller said
 * nothing, nothing is deleted and the error says how to choose. A built-in tenant, or one in a
 * run still in progress, is refused.
 */
export function deleteTenant(ctx: AppContext, req: DeleteTenantRequest): DeleteTenantResult {
  checkOpen(ctx);
  const { tenant } = req;
  const w = ctx.words;
  if (isBuiltinTenant(tenant)) {
    throw new AppError(`'${tenant}' is a built-in tenant and cannot be deleted`, 'conflict');
  }
  if (typeof tenant !== 'string' || ctx.store.getDatasetSummary(tenant) === null) {
    throw new AppError(
      `no imported or generated tenant '${String(tenant)}'; list them with ${w.listTenants}`,
      'not_found',
    );
  }
  const runs = ctx.store.runsWithTenant(tenant);
  const live = runs.filter((r) => r.status === 'running' || r.status === 'queued');
  if (live.length > 0) {
    throw new AppError(
      `tenant '${tenant}' is in run ${live.map((r) => r.id).join(', ')}, still ${live[0].status}; wait for it to end or cancel it, then delete`,
      'conflict',
    );
  }
  const ids = runs.map((r) => r.id);
  if (ids.length > 0 && req.runs === undefined) {
    throw new AppError(
      `tenant '${tenant}' is in ${ids.length} stored run${ids.length === 1 ? '' : 's'} (${ids.join(', ')}); ` +
        `say ${w.keepRuns} to keep them (their results stay readable) or ${w.deleteRuns} to delete them ` +
        `(whole runs, with the other tenants' results in them)`,
      'conflict',
    );
  }
  const deleteRuns = req.runs === 'delete' ? ids : [];
  const { liftTests, plans } = ctx.store.deleteTenantAndRuns(tenant, deleteRuns);
  // No stored run holds the tenant any more: its results leave the analytics artifacts too (with
  // --keep-runs they stay, as the runs they copy do). After the store's transaction, best effort.
  if (ctx.store.runsWithTenant(tenant).length === 0) {
    try {
      removeFromAnalytics(ctx.stateDir, tenant);
    } catch (e) {
      ctx.log(
        'warning',
        `could not remove ${tenant} from the analytics files: ${(e as Error).message}`,
      );
    }
  }
  return {
    tenant,
    deleted: true,
    runs_deleted: deleteRuns,
    runs_kept: req.runs === 'delete' ? [] : ids,
    lift_tests_deleted: liftTests,
    plans_deleted: plans,
  };
}
