/**
 * explain_tenant: contributions, ROAS and response curves of a tenant's all-rows model. The
 * fitted model is kept beside the latest finished run of the phase (default config) that covers
 * the tenant, so the next explanation of the same data needs no retraining.
 */
import type { FinalModelJSON } from '../phases/final-json.js';
import { INTERVALS_VERSION, MIN_REPLICATES } from '../phases/intervals.js';
import {
  forecastWithWeeklyMix,
  modelKindWords,
  type Explanation,
  type PhaseId,
} from '../phases/types.js';
import { canonicalJson } from '../store/index.js';
import { normalizeConfig, parsePhase } from './config.js';
import { checkOpen, runTask, type AppContext } from './context.js';
import { checkTenantProtocol } from './warnings.js';
import { withSincePrevious } from './explain-history.js';
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
 * weekly phase 3 '(weekly mix; this model alone 0.687)' (daily folds hedged or fallen back:
 * "(folds partly phase 2's model; ...)"); where a fold's adstock/Hill model was
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
    const mix = forecastWithWeeklyMix(v.explained_model_forecast_with)
      ? 'weekly mix'
      : "folds partly phase 2's model";
    alone =
      other.length === 0
        ? ` (${mix}; this model alone ${v.explained_model_r2.toFixed(3)})`
        : ` (${mix}; this kind of model alone ${v.explained_model_r2.toFixed(3)}, ${other.join(' and ')})`;
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
 * The kind of the row that keeps an explanation beside a run's model: one per run and tenant (the
 * models table's key), the last explain's or report's, whatever its lift tests.
 */
export const EXPLANATION_KIND = 'explanation';
/**
 * The kind of the row that keeps the uncalibrated explanation (no lift tests) beside a calibrated
 * one, whose row replaces it under EXPLANATION_KIND: the intervals of the channels a calibration
 * holds are read from it (keptUncalibrated), so that explain and report with lift tests bootstrap
 * the uncalibrated model once per data, model and replicates, and not at all after an explain
 * without tests.
 */
export const UNCALIBRATED_EXPLANATION_KIND = 'explanation-uncalibrated';

/**
 * The uncalibrated explanation kept beside a run's model for this data and replicates: the
 * explanation row when it has no lift tests, else the row kept beside a calibrated one; with
 * where it was found (a row under EXPLANATION_KIND is replaced by the next calibrated one, so the
 * caller keeps it under UNCALIBRATED_EXPLANATION_KIND). null when neither holds one.
 */
export function keptUncalibrated(
  models: readonly { kind: string; payload: unknown }[],
  hash: string,
  replicates: number | null,
): { explanation: Explanation; kind: string } | null {
  for (const kind of [EXPLANATION_KIND, UNCALIBRATED_EXPLANATION_KIND]) {
    const e = keptExplanation(models, hash, replicates, canonicalJson([]), kind);
    if (e) return { explanation: e, kind };
  }
  return null;
}

/**
 * The row keeping the uncalibrated explanation after a calibrated explain or report, or null when
 * there is nothing to keep: the one computed for the held channels (`computed`), else the one
 * read from the explanation row (`kept`), which the calibrated explanation replaces there.
 */
export function uncalibratedRow(
  hash: string,
  replicates: number | null,
  kept: { explanation: Explanation; kind: string } | null,
  computed: Explanation | undefined,
): ReturnType<typeof explanationRow> | null {
  const e = computed ?? (kept?.kind === EXPLANATION_KIND ? kept.explanation : null);
  return e
    ? explanationRow(hash, replicates, canonicalJson([]), e, UNCALIBRATED_EXPLANATION_KIND)
    : null;
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
  kind: string = EXPLANATION_KIND,
): Explanation | null {
  return keptWhere(
    models,
    kind,
    (x) =>
      isKeptFor(x, hash) &&
      x.replicates === replicates &&
      (x.lift_tests ?? canonicalJson([])) === liftKey &&
      (x.intervals_version ?? 1) === INTERVALS_VERSION,
  );
}

/**
 * The explanation kept beside a run's model for this data, whatever its replicates and lift
 * tests (the last explain's or report's), or null.
 */
export function keptAnyExplanation(
  models: readonly { kind: string; payload: unknown }[],
  hash: string,
): Explanation | null {
  return keptWhere(models, EXPLANATION_KIND, (x) => isKeptFor(x, hash));
}

/** The explanation of the first row of `kind` whose stored payload `accept` takes, or null. */
function keptWhere(
  models: readonly { kind: string; payload: unknown }[],
  kind: string,
  accept: (x: StoredExplanation) => boolean,
): Explanation | null {
  const p = models
    .filter((m) => m.kind === kind)
    .map((m) => m.payload as StoredExplanation)
    .find(accept);
  return p?.explanation ?? null;
}

/**
 * The calibrated explanation kept beside a run's model for this data and these lift tests, with
 * any replicate count, or null. Its tests' verdicts are those of its own replicates (the model
 * check's interval comes from as many refits), so an explain with fewer than the default can
 * judge a test near the line otherwise than the plan, which runs explain's check at the default.
 */
export function keptCalibratedExplanation(
  models: readonly { kind: string; payload: unknown }[],
  hash: string,
  liftKey: string,
): Explanation | null {
  return keptWhere(
    models,
    EXPLANATION_KIND,
    (x) =>
      isKeptFor(x, hash) &&
      x.lift_tests === liftKey &&
      (x.intervals_version ?? 1) === INTERVALS_VERSION &&
      x.explanation.calibration?.applied !== undefined,
  );
}

/** The row keptExplanation reads: an explanation beside a run's model (fold -1). */
export function explanationRow(
  hash: string,
  replicates: number | null,
  liftKey: string,
  explanation: Explanation,
  kind: string = EXPLANATION_KIND,
): { fold: number; kind: string; payload: StoredExplanation } {
  return {
    fold: -1,
    kind,
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
  // With lift tests, the channels without a used test keep the uncalibrated explanation's
  // intervals: the one kept for this data, model and replicates without tests serves them
  // (compute.ts completeCalibratedIntervals), so that no bootstrap of the uncalibrated model is
  // repeated; it is kept beside the calibrated one below (computed when none was kept).
  const plain =
    liftTests.length > 0 && !storedExplanation ? keptUncalibrated(kept, hash, replicates) : null;
  if (storedExplanation) {
    const e = storedExplanation;
    e.notes.push(
      `explanation and intervals stored with run ${holder!.id} (no retraining, no bootstrap)`,
    );
    progress(1, `explained ${req.tenant}`);
    return withSincePrevious(ctx, e, hash, EXPLANATION_KIND);
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
        ...(plain ? { uncalibrated: plain.explanation } : {}),
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
    const uncalibrated = uncalibratedRow(hash, replicates, plain, out.uncalibrated);
    try {
      ctx.store.saveModels(holder.id, req.tenant, [
        ...(stored
          ? []
          : [{ fold: -1, kind: 'final', payload: { ...keptFor(hash), model: out.model } }]),
        explanationRow(hash, replicates, liftKey, out.explanation),
        ...(uncalibrated ? [uncalibrated] : []),
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
  return withSincePrevious(ctx, out.explanation, hash, EXPLANATION_KIND);
}
