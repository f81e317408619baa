/**
 * explain_tenant: contributions, ROAS and response curves of a tenant's all-rows model. The
 * fitted model is kept beside the latest finished run of the phase (default config) that covers
 * the tenant, so the next explanation of the same data needs no retraining.
 */
import type { FinalModelJSON } from '../phases/final-json.js';
import type { Explanation, PhaseId } from '../phases/types.js';
import { canonicalJson } from '../store/index.js';
import { normalizeConfig, parsePhase } from './config.js';
import { checkOpen, runTask, type AppContext } from './context.js';
import { datasetHash, tenantSource } from './tenants.js';
import type { RunHandleOptions } from './types.js';

/** The phase explained when the caller names none: the full model (adstock + Hill). */
export const DEFAULT_EXPLAIN_PHASE: PhaseId = 3;

export async function explainTenant(
  ctx: AppContext,
  req: { tenant: string; phase?: PhaseId },
  opts: RunHandleOptions = {},
): Promise<Explanation> {
  checkOpen(ctx);
  const phase = parsePhase(req.phase ?? DEFAULT_EXPLAIN_PHASE);
  const source = tenantSource(ctx, req.tenant);
  const progress = (done: number, message: string) =>
    opts.onProgress?.({ runId: null, done, total: 1, tenant: req.tenant, message });
  progress(0, `explaining ${req.tenant}`);
  const config = normalizeConfig({});
  const hash = datasetHash(source);
  const run = ctx.store.latestDoneRun(phase);
  const holder =
    run && run.tenants.includes(req.tenant) && canonicalJson(run.config) === canonicalJson(config)
      ? run
      : null;
  const stored = holder
    ? ctx.store
        .getModels(holder.id, req.tenant, -1)
        .map((m) => m.payload as { dataset_hash: string; model: FinalModelJSON })
        .find((p) => p.dataset_hash === hash)
    : undefined;
  const out = await runTask(
    ctx,
    { kind: 'explain', phase, config, source, model: stored?.model },
    opts.signal,
  );
  if (holder && !stored) {
    try {
      ctx.store.saveModel(holder.id, req.tenant, {
        fold: -1,
        kind: 'final',
        payload: { dataset_hash: hash, model: out.model },
      });
    } catch (e) {
      ctx.log('warning', `could not keep the fitted model: ${(e as Error).message}`);
    }
  }
  if (stored) {
    out.explanation.notes.push(
      `explained from the all-rows model stored with run ${holder!.id} (no retraining)`,
    );
  }
  progress(1, `explained ${req.tenant}`);
  return out.explanation;
}
