/**
 * explain_tenant: contributions, ROAS and response curves of a tenant's all-rows model. The
 * fitted model is kept beside the latest finished run of the phase (default config) that covers
 * the tenant, so the next explanation of the same data needs no retraining.
 */
import type { FinalModelJSON } from '../phases/final-json.js';
import { INTERVALS_VERSION, MIN_REPLICATES } from '../phases/intervals.js';
import { modelKindWords, type Explanation, type PhaseId } from '../phases/types.js';
import { canonicalJson } from '../store/index.js';
import { normalizeConfig, parsePhase } from './config.js';
import { checkOpen, runTask, type AppContext } from './context.js';
import { checkTenantProtocol } from './warnings.js';
import { doneRunCovering, isKeptFor, keptFor, type KeptFor } from './kept.js';
import { liftTestsOf, unusableLiftTests } from './lift.js';
import { datasetHash, tenantSource } from './tenants.js';
import { AppError, type RunHandleOptions } from './types.js';

/** The phase explained when the caller names none: the full model (adstock + Hill). */
export const DEFAULT_EXPLAIN_PHASE: PhaseId = 3;

/** Largest bootstrap replicate count a caller may ask for. */
export const MAX_REPLICATES = 500;

/**
 * The fit in one clause for a face's header line: ', mean fold R² 0.654 ± 0.214 (SE)', and on
 * weekly phase 3 '(weekly mix; this model alone 0.687)'; where a fold's adstock/Hill model was
 * another kind than the all-rows model (the Ridge / GBM / blend rule on fewer rows), which folds
 * ('this kind of model alone 0.687, a GBM on fold 4'). '' without a validation.
 */
export function validationClause(e: Pick<Explanation, 'validation' | 'model_kind'>): string {
  const v = e.validation;
  if (!v) return '';
  const se = v.se_r2 === null ? '' : ` ± ${v.se_r2.toFixed(3)} (SE)`;
  let alone = '';
  if (v.explained_model_r2 !== undefined) {
    const kinds = v.explained_model_fold_models ?? [];
    const other = [...new Set(kinds.filter((k) => k !== e.model_kind))].map((k) => {
      const at = kinds.flatMap((x, i) => (x === k ? [i + 1] : []));
      return `${modelKindWords(k)} on fold${at.length > 1 ? 's' : ''} ${at.join(', ')}`;
    });
    alone =
      other.length === 0
        ? ` (weekly mix; this model alone ${v.explained_model_r2.toFixed(3)})`
        : ` (weekly mix; this kind of model alone ${v.explained_model_r2.toFixed(3)}, ${other.join(' and ')})`;
  }
  return `, mean fold R² ${v.mean_r2.toFixed(3)}${se}${alone}`;
}

/**
 * How an explanation's bootstrap replicates are refitted, for a face's intervals line: phase 3
 * searches its adstock/Hill parameters on every replicate, phases 0-2 have no carry-over to search.
 */
export function replicateWords(phase: PhaseId): string {
  return phase === 3
    ? 'refitted with its own adstock/Hill search'
    : `refitted as phase ${phase}'s model (no carry-over to search)`;
}

/** What is stored beside the holder run, per tenant (models table, fold -1). */
interface StoredFinal extends KeptFor {
  model: FinalModelJSON;
}
interface StoredExplanation extends KeptFor {
  /** Replicates asked for; null: the default for the tenant's channels (defaultReplicates). */
  replicates: number | null;
  /** canonicalJson of the lift tests it was calibrated with (absent: stored before lift tests). */
  lift_tests?: string;
  /** INTERVALS_VERSION it was computed with (absent: version 1). */
  intervals_version?: number;
  explanation: Explanation;
}

/**
 * The explanation kept beside a run's model for this data, replicates (null: the default) and
 * lift tests (canonicalJson), computed with this INTERVALS_VERSION; null when none is.
 */
export function keptExplanation(
  models: readonly { kind: string; payload: unknown }[],
  hash: string,
  replicates: number | null,
  liftKey: string,
): Explanation | null {
  const p = models
    .filter((m) => m.kind === 'explanation')
    .map((m) => m.payload as StoredExplanation)
    .find(
      (x) =>
        isKeptFor(x, hash) &&
        x.replicates === replicates &&
        (x.lift_tests ?? canonicalJson([])) === liftKey &&
        (x.intervals_version ?? 1) === INTERVALS_VERSION,
    );
  return p?.explanation ?? null;
}

/** The row keptExplanation reads: an explanation beside a run's model (fold -1). */
export function explanationRow(
  hash: string,
  replicates: number | null,
  liftKey: string,
  explanation: Explanation,
): { fold: number; kind: string; payload: StoredExplanation } {
  return {
    fold: -1,
    kind: 'explanation',
    payload: {
      ...keptFor(hash),
      replicates,
      lift_tests: liftKey,
      intervals_version: INTERVALS_VERSION,
      explanation,
    },
  };
}

export async function explainTenant(
  ctx: AppContext,
  req: { tenant: string; phase?: PhaseId; replicates?: number },
  opts: RunHandleOptions = {},
): Promise<Explanation> {
  checkOpen(ctx);
  const phase = parsePhase(req.phase ?? DEFAULT_EXPLAIN_PHASE);
  // null: the default count for the tenant's channels (intervals.ts defaultReplicates).
  const replicates = req.replicates ?? null;
  if (
    replicates !== null &&
    !(
      Number.isInteger(replicates) &&
      (replicates === 0 || (replicates >= MIN_REPLICATES && replicates <= MAX_REPLICATES))
    )
  ) {
    // 1-9 refits were accepted, computed, then gave no intervals ("only 5 of 5 refits succeeded").
    throw new AppError(
      `replicates must be 0 (no intervals) or a whole number from ${MIN_REPLICATES} to ${MAX_REPLICATES}: fewer than ${MIN_REPLICATES} refits give no intervals (got ${String(req.replicates)})`,
      'invalid_argument',
    );
  }
  const source = tenantSource(ctx, req.tenant);
  const progress = (done: number, message: string) =>
    opts.onProgress?.({ runId: null, done, total: 1, tenant: req.tenant, message });
  progress(0, `explaining ${req.tenant}`);
  const config = normalizeConfig({});
  checkTenantProtocol(ctx, req.tenant, config);
  // Lift tests calibrate the explanation, not the stored model: the model is reused as is.
  const liftTests = liftTestsOf(ctx, req.tenant);
  // A stored explanation is reused only for the same data, replicates and lift tests.
  const liftKey = canonicalJson(liftTests);
  const hash = datasetHash(source);
  // The newest finished run of the phase (default config) that covers the tenant: a later run
  // of other tenants does not take the stored model and explanation away.
  const holder = doneRunCovering(ctx, phase, req.tenant, hash, config);
  const kept = holder ? ctx.store.getModels(holder.id, req.tenant, -1) : [];
  const stored = kept
    .filter((m) => m.kind === 'final')
    .map((m) => m.payload as StoredFinal)
    .find((p) => isKeptFor(p, hash));
  const storedExplanation = keptExplanation(kept, hash, replicates, liftKey);
  if (storedExplanation) {
    const e = storedExplanation;
    e.notes.push(
      `explanation and intervals stored with run ${holder!.id} (no retraining, no bootstrap)`,
    );
    progress(1, `explained ${req.tenant}`);
    return e;
  }
  let out;
  try {
    out = await runTask(
      ctx,
      {
        kind: 'explain',
        phase,
        config,
        source,
        model: stored?.model,
        replicates: replicates ?? undefined,
        liftTests,
      },
      opts.signal,
    );
  } catch (e) {
    const unusable =
      liftTests.length > 0 && !opts.signal?.aborted ? unusableLiftTests(ctx, req.tenant) : [];
    if (unusable.length === 0) throw e;
    // The failure is the calibration's: say which stored tests and how to remove them.
    const ids = unusable.map((u) => u.id);
    throw new AppError(
      `explaining ${req.tenant} with its lift tests failed (${(e as Error).message}): ` +
        `${unusable.map((u) => `lift test #${u.id}: ${u.why}`).join('; ')} ` +
        `(recorded before such tests were refused); delete ${ids.length > 1 ? 'them' : 'it'} ` +
        `(${ctx.words.deleteLiftTests(req.tenant, ids)}) and record the test again with its figures in currency`,
      'invalid_argument',
    );
  }
  if (holder) {
    // The model and the explanation with its intervals are kept together (one transaction).
    try {
      ctx.store.saveModels(holder.id, req.tenant, [
        ...(stored
          ? []
          : [{ fold: -1, kind: 'final', payload: { ...keptFor(hash), model: out.model } }]),
        explanationRow(hash, replicates, liftKey, out.explanation),
      ]);
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
