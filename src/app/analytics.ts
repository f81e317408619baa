/**
 * A finished run's figures: the summary stored with the run and the plan's analytics artifact
 * (state/analytics/phaseN_results.json), written atomically.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PHASES, type PhaseId, type PhaseSummary, type TenantResult } from '../phases/types.js';
import { compareTenantIds, makeDirs } from '../store/index.js';

/** Mean of the tenant summaries; oracle figures only when every tenant has one. */
export function summarize(phase: PhaseId, results: TenantResult[]): PhaseSummary {
  const n = results.length;
  const mean = (f: (r: TenantResult) => number) => results.reduce((s, r) => s + f(r), 0) / n;
  const withOracle = results.every((r) => r.oracle_r2 !== null);
  const passCount = results.filter((r) => r.passes).length;
  return {
    phase,
    total: n,
    pass_count: passCount,
    pass_rate: n ? passCount / n : 0,
    mean_r2: n ? mean((r) => r.mean_r2) : 0,
    mean_oracle_r2: withOracle && n ? mean((r) => r.oracle_r2 as number) : null,
    mean_oracle_gap: withOracle && n ? mean((r) => r.oracle_gap as number) : null,
  };
}

/** Writes a file atomically (temp file + rename): readers never see half a file. */
export function writeAtomic(file: string, text: string): void {
  makeDirs(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * The plan's artifact: tenant -> {mean_r2, std_r2, se_r2, fold_r2, passes, ...}, tenants in the
 * run key's order (by id, compareTenantIds): a run is one run whatever order its tenants were
 * typed in, and its artifact is one text.
 */
export function analyticsJson(results: TenantResult[]): string {
  const out: Record<string, unknown> = {};
  const sorted = [...results].sort((a, b) => compareTenantIds(a.tenant, b.tenant));
  for (const r of sorted) {
    out[r.tenant] = {
      mean_r2: r.mean_r2,
      std_r2: r.std_r2,
      se_r2: r.se_r2,
      fold_r2: r.fold_r2,
      passes: r.passes,
      oracle_r2: r.oracle_r2,
      train_r2: r.train_r2,
      rmse: r.rmse,
      rmse_pct: r.rmse_pct,
      mae: r.mae,
      mape: r.mape,
      model_kind: r.model_kind,
      alphas: r.alphas,
      models: r.folds.map((f) => f.model),
      channel_params: r.folds.map((f) => f.channel_params),
      failures: r.failures,
    };
  }
  return JSON.stringify(out, null, 2) + '\n';
}

/** Path of a phase's analytics artifact under the state directory. */
export function analyticsFile(stateDir: string, phase: PhaseId): string {
  return path.join(stateDir, 'analytics', `phase${phase}_results.json`);
}

/**
 * Writes a phase's artifact for a run's results, unless the file already holds exactly that text
 * (a run served from a read-only state directory whose artifact is current writes nothing).
 * Returns whether it wrote.
 */
export function writeAnalytics(stateDir: string, phase: PhaseId, results: TenantResult[]): boolean {
  const file = analyticsFile(stateDir, phase);
  const text = analyticsJson(results);
  let current: string | null = null;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    /* none yet, or unreadable: written below */
  }
  if (current === text) return false;
  writeAtomic(file, text);
  return true;
}

/**
 * Takes a tenant out of every phase's artifact (a tenant deleted with its runs: its fold R² and
 * channel parameters stayed in the file after the store had let them go). The other tenants keep
 * their entries as written; a file left empty is removed. Returns the phases whose file changed.
 */
export function removeFromAnalytics(stateDir: string, tenant: string): PhaseId[] {
  const changed: PhaseId[] = [];
  for (const phase of PHASES) {
    const file = analyticsFile(stateDir, phase);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // no artifact for this phase
    }
    const out = JSON.parse(text) as Record<string, unknown>;
    if (!Object.prototype.hasOwnProperty.call(out, tenant)) continue;
    delete out[tenant];
    if (Object.keys(out).length === 0) rmSync(file, { force: true });
    else writeAtomic(file, JSON.stringify(out, null, 2) + '\n');
    changed.push(phase);
  }
  return changed;
}
