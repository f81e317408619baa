/**
 * Shape-suite report (issue 13): phases 0-3 on every tenant of SHAPE_SUITE beside the noise-free oracle on
 * the same folds, and whether the targets hold per tenant:
 *   - no fold R² below 0 where the oracle's fold R² is >= 0.5 (every phase);
 *   - phase 3 within 0.10 of the oracle's mean fold R² for tenants with at least 2 years;
 *   - phase k never below phase k-1 by more than 0.01 (mean fold R²).
 * Part of `npm run bench`; alone: `node dist/bench/shapes.js [--phases 0,1] [--tenants a,b] [--seed S] [--json]`.
 * `--seed S` draws the same shapes with another base seed: data the suite's figures were not seen on (a check
 * against building for the suite instead of for the shapes).
 * Single thread, in-process (trainPhase), default phase options: what `wv-mmm train` runs.
 */
import { DEFAULT_SEED, SHAPE_SUITE, generateShape, shapeLabel } from '../src/core/data/index.js';
import type { ShapeSpec } from '../src/core/data/index.js';
import { trainPhase } from '../src/phases/index.js';
import type { PhaseId, TenantResult } from '../src/phases/types.js';
import { runAsScript } from './script.js';

/** Oracle fold R² from which a fold counts for the "no fold below 0" target. */
export const ORACLE_FOLD_FLOOR = 0.5;
/** Largest allowed gap of phase 3 below the oracle (tenants with >= 2 years). */
export const ORACLE_GAP_TARGET = 0.1;
/** Largest allowed drop of phase k below phase k-1. */
export const PHASE_DROP_TARGET = 0.01;
/** Round-off allowance of the comparisons (a gap of exactly 0.10 meets the target). */
const EPS = 1e-12;

/** One phase on one tenant, reduced to what the report needs. */
export interface ShapePhaseFigures {
  phase: PhaseId;
  mean_r2: number;
  fold_r2: number[];
  /** Oracle R² of each of this phase's folds (same test rows). */
  oracle_fold_r2: number[];
  oracle_mean_r2: number;
  train_rows: number[];
  test_rows: number[];
  /** CV protocol the result records (rule: folds, first training rows, test rows), null when none is recorded. */
  protocol: string | null;
  /** Per fold, the phase whose model the fold used when the result records a fallback (else this phase). */
  used_phase: PhaseId[];
  /**
   * Per fold, whether it forecasts with the mean of that model and another of the window (the
   * fallback record's averaged_with): such a fold fell back, or was kept, by half.
   */
  averaged: boolean[];
  seconds: number;
}

/** Fields a result may carry (CV protocol, per-fold fallback) read without depending on their exact types. */
type WithProtocol = TenantResult & {
  protocol?: { rule: string; folds: number; first_train_rows: number; test_rows: number } | null;
};
type WithFallback = TenantResult['folds'][number] & {
  fallback?: { used_phase: PhaseId; kept: boolean; averaged_with?: unknown } | null;
};

export interface ShapeRow {
  tenant: string;
  label: string;
  frequency: string;
  years: number;
  rows: number;
  channels: number;
  /** Oracle mean fold R² on the folds of the first phase run (every phase uses the same folds unless noted). */
  oracle_mean_r2: number;
  phases: ShapePhaseFigures[];
  /** Lowest fold R² over every phase's folds whose oracle fold R² >= 0.5 (null: no such fold). */
  min_fold_r2: number | null;
  /** Phase of that fold. */
  min_fold_phase: PhaseId | null;
  targets: {
    no_negative_fold: boolean;
    /** null when the tenant has less than 2 years or phase 3 was not run. */
    phase3_near_oracle: boolean | null;
    /** null when fewer than 2 consecutive phases were run. */
    no_phase_drop: boolean | null;
  };
}

export interface ShapeReport {
  kind: 'weathervane-mmm shape suite';
  /** Base seed of the data (the suite's: 20220101); null where each tenant's seed is in its id. */
  seed: number | null;
  phases: PhaseId[];
  rows: ShapeRow[];
  /** Tenants meeting every target that applies to them. */
  all_targets_met: number;
  seconds: number;
}

const mean = (xs: readonly number[]): number =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;

/** Figures of one phase result (oracle per fold from the result: the same folds as the model). */
export function phaseFigures(r: TenantResult): ShapePhaseFigures {
  const oracle = r.folds.map((f) => {
    if (f.oracle_r2 === null) throw new Error(`${r.tenant}: phase ${r.phase} has no oracle R²`);
    return f.oracle_r2;
  });
  return {
    phase: r.phase,
    mean_r2: r.mean_r2,
    fold_r2: r.folds.map((f) => f.r2),
    oracle_fold_r2: oracle,
    oracle_mean_r2: mean(oracle),
    train_rows: r.folds.map((f) => f.train_rows),
    test_rows: r.folds.map((f) => f.test_rows),
    protocol: protocolText(r),
    used_phase: r.folds.map((f) => (f as WithFallback).fallback?.used_phase ?? r.phase),
    averaged: r.folds.map((f) => (f as WithFallback).fallback?.averaged_with !== undefined),
    seconds: r.seconds,
  };
}

function protocolText(r: TenantResult): string | null {
  const p = (r as WithProtocol).protocol;
  return p
    ? `${p.rule}: ${p.folds} folds, first ${p.first_train_rows} rows, test ${p.test_rows}`
    : null;
}

/** What a row says about its tenant besides the figures. */
export type RowMeta = Pick<
  ShapeRow,
  'tenant' | 'label' | 'frequency' | 'years' | 'rows' | 'channels'
>;

/** Row of the report and the targets, from a tenant's spec and its phase figures (phases in increasing order). */
export function shapeRow(spec: ShapeSpec, rows: number, phases: ShapePhaseFigures[]): ShapeRow {
  return targetRow(
    {
      tenant: spec.id,
      label: shapeLabel(spec),
      frequency: spec.frequency,
      years: spec.years,
      rows,
      channels: spec.channels,
    },
    phases,
  );
}

/** Row of the report and the targets for any tenant (phases in increasing order). */
export function targetRow(meta: RowMeta, phases: ShapePhaseFigures[]): ShapeRow {
  let min: number | null = null;
  let minPhase: PhaseId | null = null;
  for (const p of phases) {
    p.fold_r2.forEach((r2, k) => {
      if (p.oracle_fold_r2[k] >= ORACLE_FOLD_FLOOR && (min === null || r2 < min)) {
        min = r2;
        minPhase = p.phase;
      }
    });
  }
  const p3 = phases.find((p) => p.phase === 3);
  let drops: boolean | null = null;
  for (const p of phases) {
    // The closest simpler phase that was run (phase k-1 when every phase ran).
    const prev = phases.filter((q) => q.phase < p.phase).at(-1);
    if (!prev) continue;
    const ok = p.mean_r2 >= prev.mean_r2 - PHASE_DROP_TARGET - EPS;
    drops = (drops ?? true) && ok;
  }
  return {
    ...meta,
    oracle_mean_r2: phases.length ? phases[0].oracle_mean_r2 : NaN,
    phases,
    min_fold_r2: min,
    min_fold_phase: minPhase,
    targets: {
      no_negative_fold: min === null || min >= 0,
      phase3_near_oracle:
        meta.years >= 2 && p3 ? p3.mean_r2 >= p3.oracle_mean_r2 - ORACLE_GAP_TARGET - EPS : null,
      no_phase_drop: drops,
    },
  };
}

/** True when every target that applies to the row holds. */
export function meetsTargets(row: ShapeRow): boolean {
  const t = row.targets;
  return t.no_negative_fold && t.phase3_near_oracle !== false && t.no_phase_drop !== false;
}

const f3 = (x: number | null): string => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(3));
const yn = (x: boolean | null): string => (x === null ? 'n/a' : x ? 'yes' : 'NO');

/** Markdown table of the report (also what the README shows). */
export function formatShapeReport(report: ShapeReport): string {
  const phaseCols = report.phases.map((p) => `phase ${p}`);
  const header = [
    'tenant',
    'shape',
    'rows',
    'ch',
    'folds (train..test)',
    'oracle',
    ...phaseCols,
    'min fold (oracle ≥ 0.5)',
    'fallbacks p1/p2/p3',
    'no fold < 0',
    'p3 ≥ oracle − 0.10',
    'no phase drop > 0.01',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of report.rows) {
    const first = r.phases[0];
    const folds = first
      ? `${first.protocol?.split(':')[0] ?? 'tss'} ${first.fold_r2.length} (${first.train_rows[0]}..${first.test_rows[0]})`
      : '-';
    // Folds whose model fell back to a simpler phase's, per phase 1-3; "+n" of them averaged with
    // the phase's own model (a daily phase-3 fold that fell back forecasts half with its own).
    const fallbacks = ([1, 2, 3] as PhaseId[])
      .map((p) => {
        const f = r.phases.find((q) => q.phase === p);
        if (!f) return '-';
        const fell = f.used_phase.map((u, i) => (u !== p ? i : -1)).filter((i) => i >= 0);
        const half = fell.filter((i) => f.averaged[i]).length;
        return half > 0 ? `${fell.length - half}+${half}` : String(fell.length);
      })
      .join('/');
    const cells = [
      r.tenant.replace(/^shape_/, ''),
      r.label,
      String(r.rows),
      String(r.channels),
      folds,
      f3(r.oracle_mean_r2),
      ...report.phases.map((p) => f3(r.phases.find((q) => q.phase === p)?.mean_r2 ?? null)),
      r.min_fold_r2 === null ? '-' : `${f3(r.min_fold_r2)} (p${r.min_fold_phase})`,
      fallbacks,
      yn(r.targets.no_negative_fold),
      yn(r.targets.phase3_near_oracle),
      yn(r.targets.no_phase_drop),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const means = report.phases.map((p) =>
    f3(mean(report.rows.map((r) => r.phases.find((q) => q.phase === p)?.mean_r2 ?? NaN))),
  );
  lines.push(
    `| mean | | | | | ${f3(mean(report.rows.map((r) => r.oracle_mean_r2)))} | ${means.join(' | ')} | | | | | |`,
  );
  const p3 = report.rows.flatMap((r) => r.phases.filter((p) => p.phase === 3));
  lines.push(
    '',
    `${report.all_targets_met} of ${report.rows.length} tenants meet every target that applies` +
      (report.seed === DEFAULT_SEED || report.seed === null
        ? '. '
        : ` (data drawn with base seed ${report.seed}). `) +
      "Folds: protocol rule (tss: TimeSeriesSplit, none recorded), count (first training rows..test rows); oracle: mean fold R² of the noise-free revenue on the same folds; fallbacks: folds whose model fell back to a simpler phase (a+b: a wholly, b averaged half and half with the phase's own model)." +
      (p3.length ? ` Phase 3: ${p3.reduce((a, p) => a + p.seconds, 0).toFixed(1)} s in all.` : ''),
  );
  return lines.join('\n');
}

/** Built-in 20 targets of issue 13 (gate figures, 5-fold protocol): */
/** mean gap of phase 3 to the oracle at most this. */
export const BUILTIN_GAP_TARGET = 0.06;

export interface BuiltinRow {
  tenant: string;
  oracle_mean_r2: number;
  mean_r2: (number | null)[];
  phase3_passes: boolean | null;
  no_phase_drop: boolean | null;
}

export interface BuiltinReport {
  rows: BuiltinRow[];
  phase3_pass_count: number | null;
  /** Mean over tenants of phase 3 mean R² minus the oracle's (negative: below it). */
  phase3_mean_gap: number | null;
  phase_drops: string[];
}

/** Per built-in tenant: phases 0-3 beside the oracle, phase 3 pass, phase drops (results per phase, any order). */
export function builtinReport(results: readonly TenantResult[][]): BuiltinReport {
  const byPhase = new Map<PhaseId, Map<string, TenantResult>>();
  for (const list of results) {
    for (const r of list) {
      if (!byPhase.has(r.phase)) byPhase.set(r.phase, new Map());
      byPhase.get(r.phase)!.set(r.tenant, r);
    }
  }
  const tenants = [...new Set(results.flatMap((l) => l.map((r) => r.tenant)))];
  const rows = tenants.map((tenant) => {
    const figures = ([0, 1, 2, 3] as PhaseId[])
      .map((p) => byPhase.get(p)?.get(tenant))
      .filter((r): r is TenantResult => r !== undefined)
      .map(phaseFigures);
    const row = targetRow(
      { tenant, label: '', frequency: 'daily', years: 3, rows: 0, channels: 0 },
      figures,
    );
    const p3 = byPhase.get(3)?.get(tenant);
    return {
      tenant,
      oracle_mean_r2: row.oracle_mean_r2,
      mean_r2: ([0, 1, 2, 3] as PhaseId[]).map((p) => byPhase.get(p)?.get(tenant)?.mean_r2 ?? null),
      phase3_passes: p3 ? p3.passes : null,
      no_phase_drop: row.targets.no_phase_drop,
    };
  });
  const p3 = byPhase.get(3);
  return {
    rows,
    phase3_pass_count: p3 ? [...p3.values()].filter((r) => r.passes).length : null,
    phase3_mean_gap: p3
      ? mean([...p3.values()].map((r) => r.mean_r2 - (r.oracle_r2 ?? Number.NaN)))
      : null,
    phase_drops: rows.filter((r) => r.no_phase_drop === false).map((r) => r.tenant),
  };
}

/** Markdown table of the built-in report. */
export function formatBuiltinReport(report: BuiltinReport): string {
  const header = [
    'tenant',
    'oracle',
    'phase 0',
    'phase 1',
    'phase 2',
    'phase 3',
    'p3 − oracle',
    'p3 passes',
    'no phase drop > 0.01',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of report.rows) {
    const p3 = r.mean_r2[3];
    lines.push(
      `| ${[
        r.tenant,
        f3(r.oracle_mean_r2),
        ...r.mean_r2.map(f3),
        p3 === null ? '-' : f3(p3 - r.oracle_mean_r2),
        yn(r.phase3_passes),
        yn(r.no_phase_drop),
      ].join(' | ')} |`,
    );
  }
  const means = [0, 1, 2, 3].map((p) =>
    f3(mean(report.rows.map((r) => r.mean_r2[p] ?? Number.NaN))),
  );
  lines.push(
    `| mean | ${f3(mean(report.rows.map((r) => r.oracle_mean_r2)))} | ${means.join(' | ')} | ${f3(report.phase3_mean_gap)} | | |`,
    '',
    `Targets (issue 13): phase 3 passes ${report.phase3_pass_count ?? '-'} of ${report.rows.length} (target all); ` +
      `mean gap to the oracle ${f3(report.phase3_mean_gap)} (target >= -${BUILTIN_GAP_TARGET}); ` +
      `phase drops > ${PHASE_DROP_TARGET}: ${report.phase_drops.length ? report.phase_drops.join(', ') : 'none'}.`,
  );
  return lines.join('\n');
}

export interface ShapeRunOptions {
  phases?: PhaseId[];
  tenants?: string[];
  /** Base seed (default DEFAULT_SEED, the committed suite). */
  seed?: number;
  log?: (msg: string) => void;
}

/** Runs the phases on the suite (or the named tenants of it). */
export function runShapeSuite(options: ShapeRunOptions = {}): ShapeReport {
  const phases = options.phases ?? [0, 1, 2, 3];
  const specs = options.tenants
    ? options.tenants.map((id) => {
        const s = SHAPE_SUITE.find((x) => x.id === id || x.id === `shape_${id}`);
        if (!s) throw new RangeError(`unknown shape tenant ${id}`);
        return s;
      })
    : SHAPE_SUITE;
  const seed = options.seed ?? DEFAULT_SEED;
  const t0 = performance.now();
  const rows = specs.map((spec) => {
    const tenant = generateShape(spec, { seed });
    const figures = phases.map((phase) => {
      options.log?.(`shapes: ${spec.id} phase ${phase}`);
      return phaseFigures(trainPhase(tenant.series, phase, {}, tenant));
    });
    return shapeRow(spec, tenant.series.dates.length, figures);
  });
  return {
    kind: 'weathervane-mmm shape suite',
    seed,
    phases,
    rows,
    all_targets_met: rows.filter(meetsTargets).length,
    seconds: (performance.now() - t0) / 1000,
  };
}

function parseList(argv: string[], flag: string): string[] | undefined {
  const i = argv.indexOf(flag);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (!v) throw new RangeError(`${flag} needs a comma-separated list`);
  return v.split(',').filter((x) => x !== '');
}

function main(): void {
  const argv = process.argv.slice(2);
  const phases = parseList(argv, '--phases')?.map((p) => {
    const n = Number(p);
    if (![0, 1, 2, 3].includes(n)) throw new RangeError(`--phases takes 0..3 (got ${p})`);
    return n as PhaseId;
  });
  const seedText = parseList(argv, '--seed')?.[0];
  const seed = seedText === undefined ? undefined : Number(seedText);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new RangeError(`--seed must be an integer from 0 to 4294967295 (got ${seedText})`);
  }
  const report = runShapeSuite({
    seed,
    phases,
    tenants: parseList(argv, '--tenants'),
    log: (m) => process.stderr.write(`[shapes] ${m}\n`),
  });
  if (argv.includes('--json')) console.log(JSON.stringify(report, null, 1));
  else console.log(formatShapeReport(report));
}

runAsScript(import.meta.url, main);
