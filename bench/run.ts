/**
 * `npm run bench`: our phases 0-3 against the Python peers on the 20 built-in tenants, in one run.
 *
 * 1. Exports the 20 built-in tenants to CSV in a temporary directory (the app's export).
 * 2. Runs our phases 0-3 single-threaded in-process (trainPhase, like-for-like with the
 *    single-threaded peer) and through the app layer with the worker pool (what a user gets).
 * 3. Runs the peer (bench_peers.py --calendar) on the same CSVs: phase0, phase1, gbm_xgb, gbm_hgb
 *    on all tenants; phase3 (10-20 s per tenant) on one tenant per tier unless --peer-phase3-all,
 *    its time scaled to all tenants.
 * 4. Micro-benchmarks (median of several runs): a Ridge fit with alpha search, a GBM fit
 *    (200 trees, depth 7), a phase-3 search for one tenant-fold and phase 3 for one tenant, with
 *    the peer's equivalents (bench/peer-phase3.py, tests/fixtures/gbm/bench_peer.py).
 * 5. Worker-pool speed-up: phase 1 and phase 3 over the 20 tenants with 1 and 2 workers.
 * 5b. With --scale: the scale cases (bench/scale.ts) and queue mode (bench/queue.ts).
 * 6. Shape suite (bench/shapes.ts): phases 0-3 on the issue-13 shape tenants beside their oracle,
 *    and on weekly files of another recipe than our generator's (bench/external.ts: PyMC-Marketing's
 *    public example recipe, three draws).
 *    Intervals (bench/intervals.ts): coverage of the true ROAS on the built-in 20 (and the shape
 *    suite with --intervals-suite) and the bootstrap's CPU time per tenant; --no-intervals skips.
 * 7. Prints the tables and writes state/bench/latest.json plus a dated copy.
 *
 * Ratios are ours / peer (below 1: we are faster). The machine may be shared: absolute times
 * move with its load, ratios measured in the same run are the figures that count.
 *
 * 7. With --calibration: lift-test calibration against the truth (bench/calibration.ts).
 *    With --plan-forecast: the plan's expected revenue interval against the truth out of sample
 *    (bench/plan-forecast.ts: the built-in 20, four cuts each).
 *
 * Usage: npm run bench [-- --quick] [--no-peer] [--peer-phase3-all] [--scale] [--no-shapes]
 *        [--no-intervals] [--intervals-suite] [--calibration] [--plan-forecast] [--python PATH]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApp } from '../src/app/index.js';
import { packageRoot } from '../src/app/paths.js';
import type { App } from '../src/app/types.js';
import { BUILTIN_TENANT_IDS, generateTenant } from '../src/core/data/index.js';
import { buildDesign } from '../src/core/features.js';
import { timeSeriesFolds } from '../src/core/folds.js';
import { trainGbm } from '../src/core/gbm/index.js';
import { fitRidge, selectAlpha } from '../src/core/ridge.js';
import type { SyntheticTenant } from '../src/core/types.js';
import { trainPhase } from '../src/phases/index.js';
import { searchMediaParams } from '../src/phases/search.js';
import type { PhaseId, TenantResult } from '../src/phases/types.js';
import {
  formatCalibrationReport,
  runCalibrationBench,
  type CalibrationBenchReport,
} from './calibration.js';
import { formatPlannerBench, runPlannerBench, type PlannerBench } from './planner.js';
import {
  formatPlanForecastBench,
  PLAN_FORECAST_BACKS,
  runPlanForecastBench,
  type PlanForecastBench,
} from './plan-forecast.js';
import { formatQueueBench, runQueueBench, type QueueBenchReport } from './queue.js';
import { runScale, widenChannels, type ScaleReport } from './scale.js';
import {
  builtinReport,
  formatBuiltinReport,
  formatShapeReport,
  runShapeSuite,
  type BuiltinReport,
  type ShapeReport,
} from './shapes.js';
import { formatIntervalsReport, runIntervalsBench, type IntervalsReport } from './intervals.js';
import { runExternalBench } from './external.js';

// ---- pure report builder ------------------------------------------------------------------------

/** The Debian packages the peer needs, and the command that installs them. */
export const PEER_INSTALL_HINT =
  'apt-get install -y python3-sklearn python3-xgboost python3-pandas';
export const DEFAULT_PYTHON = '/usr/bin/python3';
/** Pass bar on mean fold R², the same for ours and the peer (bench_peers.py summary). */
export const PASS_BAR = 0.5;

/** Which peer model each of our phases is compared with. */
export const COMPARISONS: readonly { phase: PhaseId; peerModel: string; note: string }[] = [
  { phase: 0, peerModel: 'phase0', note: 'Ridge(alpha=1), spend + weather + calendar' },
  { phase: 1, peerModel: 'phase1', note: '+ interactions, squares, alpha by inner CV' },
  {
    phase: 2,
    peerModel: 'gbm_xgb',
    note: 'ours: Ridge/GBM rule; peer: plain XGBoost (hist, 1 thread)',
  },
  {
    phase: 2,
    peerModel: 'gbm_hgb',
    note: 'ours: Ridge/GBM rule; peer: plain HistGradientBoosting (1 thread)',
  },
  { phase: 3, peerModel: 'phase3', note: 'adstock + Hill search, then the final model' },
];

/** The peer's JSON (bench_peers.py). */
export interface PeerJson {
  import_s?: number;
  seconds: Record<string, number>;
  tenants: Record<string, Record<string, { fold_r2: number[]; mean_r2: number }>>;
}

/** One of our phases over all tenants. */
export interface OurPhaseRun {
  phase: PhaseId;
  /** Single thread, in-process (trainPhase), wall and CPU seconds over all tenants. */
  singleSeconds: number;
  singleCpuSeconds: number;
  /** App layer with the worker pool, wall seconds (null when not run). */
  appSeconds: number | null;
  meanR2: Record<string, number>;
  /** The single-thread results (for the per-tenant table; not written to the JSON). */
  results?: TenantResult[];
}

export interface QualityFigures {
  tenants: number;
  mean_r2: number;
  pass_count: number;
  /** Mean over tenants of (mean fold R² - oracle fold-mean R²); negative: below the oracle. */
  mean_oracle_gap: number;
}

export interface PhaseComparisonRow {
  phase: PhaseId;
  peer_model: string;
  note: string;
  tenants_total: number;
  /** Tenants the peer ran this model on (the R² figures below are over these). */
  peer_tenants: number;
  ours_single_s: number;
  ours_single_cpu_s: number;
  ours_app_s: number | null;
  /** Peer seconds as measured, and scaled to all tenants (equal unless it ran a subset). */
  peer_s_measured: number | null;
  peer_s: number | null;
  peer_scaled: boolean;
  /** ours / peer wall time (below 1: ours is faster). */
  ratio_single: number | null;
  ratio_app: number | null;
  ours: QualityFigures;
  peer: QualityFigures | null;
  /** Ours over all tenants (differs from `ours` only when the peer ran a subset). */
  ours_all: QualityFigures;
}

export interface TimingFigure {
  wall_ms: number;
  cpu_ms: number | null;
  runs: number;
}

export interface MicroRow {
  name: string;
  what: string;
  ours: TimingFigure;
  peer_name: string | null;
  peer: TimingFigure | null;
  /** ours / peer: wall and CPU. */
  ratio: number | null;
  cpu_ratio: number | null;
}

export interface PoolRow {
  phase: PhaseId;
  tenants: number;
  workers1_s: number;
  workers2_s: number;
  /** workers1 / workers2: 2 would be perfect on 2 idle cores. */
  speedup: number;
}

export interface MachineFacts {
  cpu_model: string;
  cpus: number;
  available_parallelism: number;
  total_mem_gb: number;
  node: string;
  platform: string;
  load_average_start: number[];
  load_average_end: number[] | null;
}

export interface PeerStatus {
  available: boolean;
  python: string;
  peers_dir: string;
  detail: string;
  hint: string | null;
  phase3_tenants: string[];
}

export interface BenchReport {
  kind: 'weathervane-mmm bench';
  started_at: string;
  seconds: number;
  options: { quick: boolean; peer: boolean; peer_phase3_all: boolean; scale: boolean };
  machine: MachineFacts;
  note: string;
  tenants: string[];
  peer: PeerStatus;
  phases: PhaseComparisonRow[];
  /** The app layer's per-tenant mean R² equals the in-process figures (determinism check). */
  app_matches_single: boolean | null;
  micro: MicroRow[];
  pool: PoolRow[];
  scale: ScaleReport | null;
  /** Built-in tenants per tenant beside the oracle, with the issue-13 targets. */
  builtin?: BuiltinReport;
  /** Planner speed and ground-truth regret (bench/planner.ts); absent in older reports. */
  planner?: PlannerBench | null;
  /** Queue mode (bench/queue.ts), with --scale: 200 tenants (20 with --quick). */
  queue?: QueueBenchReport | null;
  /** Shape suite (issue 13); absent with --no-shapes. */
  shapes?: ShapeReport | null;
  /** Other recipes' files (weekly and daily) beside their oracle (bench/external.ts); absent with --no-shapes. */
  external?: ShapeReport | null;
  /** Interval coverage and cost (issue 15); absent with --no-intervals. */
  intervals?: IntervalsReport | null;
  /** Lift-test calibration against the truth (issue 15); only with --calibration. */
  calibration?: CalibrationBenchReport | null;
  /** The plan's expected revenue interval out of sample (issues 15, 16); only with --plan-forecast. */
  plan_forecast?: PlanForecastBench | null;
}

const mean = (xs: number[]): number =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;

/** Mean R², pass count (mean R² >= PASS_BAR) and mean gap to the oracle over the given tenants. */
export function qualityOf(
  meanR2: Record<string, number>,
  oracle: Record<string, number>,
  tenants: readonly string[],
): QualityFigures {
  const r = tenants.map((t) => {
    const v = meanR2[t];
    if (v === undefined) throw new RangeError(`no mean R² for tenant ${t}`);
    return v;
  });
  const gaps = tenants.map((t, i) => {
    const o = oracle[t];
    if (o === undefined) throw new RangeError(`no oracle R² for tenant ${t}`);
    return r[i] - o;
  });
  return {
    tenants: tenants.length,
    mean_r2: mean(r),
    pass_count: r.filter((v) => v >= PASS_BAR).length,
    mean_oracle_gap: mean(gaps),
  };
}

/** Finds the peer run holding a model (the peer runs phase3 separately, on a subset). */
function peerRunFor(peerRuns: readonly PeerJson[], model: string): PeerJson | null {
  return peerRuns.find((p) => p.seconds[model] !== undefined) ?? null;
}

/** ours / peer, null when either is missing or the peer's is not positive. */
export function ratio(ours: number | null, peer: number | null): number | null {
  if (ours === null || peer === null || !(peer > 0)) return null;
  return ours / peer;
}

/**
 * Builds the per-phase comparison rows: peer seconds scaled by tenants_total / peer_tenants when
 * the peer ran a subset; R² figures of both sides over the peer's tenants.
 */
export function comparePhases(
  tenants: readonly string[],
  oracle: Record<string, number>,
  ours: readonly OurPhaseRun[],
  peerRuns: readonly PeerJson[],
): PhaseComparisonRow[] {
  const rows: PhaseComparisonRow[] = [];
  for (const c of COMPARISONS) {
    const o = ours.find((r) => r.phase === c.phase);
    if (!o) continue;
    const peerRun = peerRunFor(peerRuns, c.peerModel);
    const peerTenants = peerRun
      ? tenants.filter((t) => peerRun.tenants[t]?.[c.peerModel] !== undefined)
      : [];
    const compared = peerTenants.length > 0 ? peerTenants : [...tenants];
    const measured = peerRun ? peerRun.seconds[c.peerModel] : null;
    const scaled =
      measured !== null && peerTenants.length > 0
        ? (measured * tenants.length) / peerTenants.length
        : null;
    const peerR2: Record<string, number> = {};
    for (const t of peerTenants) peerR2[t] = peerRun!.tenants[t][c.peerModel].mean_r2;
    rows.push({
      phase: c.phase,
      peer_model: c.peerModel,
      note: c.note,
      tenants_total: tenants.length,
      peer_tenants: peerTenants.length,
      ours_single_s: o.singleSeconds,
      ours_single_cpu_s: o.singleCpuSeconds,
      ours_app_s: o.appSeconds,
      peer_s_measured: measured,
      peer_s: scaled,
      peer_scaled: peerTenants.length > 0 && peerTenants.length !== tenants.length,
      ratio_single: ratio(o.singleSeconds, scaled),
      ratio_app: ratio(o.appSeconds, scaled),
      ours: qualityOf(o.meanR2, oracle, compared),
      peer: peerTenants.length > 0 ? qualityOf(peerR2, oracle, peerTenants) : null,
      ours_all: qualityOf(o.meanR2, oracle, tenants),
    });
  }
  return rows;
}

/** A micro-benchmark row from our and the peer's timings (ms). */
export function microRow(
  name: string,
  what: string,
  ours: TimingFigure,
  peerName: string | null,
  peer: TimingFigure | null,
): MicroRow {
  return {
    name,
    what,
    ours,
    peer_name: peer ? peerName : null,
    peer,
    ratio: peer ? ratio(ours.wall_ms, peer.wall_ms) : null,
    cpu_ratio: peer ? ratio(ours.cpu_ms, peer.cpu_ms) : null,
  };
}

export function poolRow(
  phase: PhaseId,
  tenants: number,
  workers1: number,
  workers2: number,
): PoolRow {
  return {
    phase,
    tenants,
    workers1_s: workers1,
    workers2_s: workers2,
    speedup: workers1 / workers2,
  };
}

const fx = (v: number | null | undefined, digits: number): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
const signed = (v: number | null | undefined, digits: number): string =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '-'
    : `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;

/** Left-aligned first column, right-aligned others, columns sized to their widest cell. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The human-readable report: machine, phase table, micro-benchmarks, pool, scale. */
export function formatReport(r: BenchReport): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `weathervane-mmm bench ${r.started_at} (${r.seconds.toFixed(0)} s)${r.options.quick ? ' [quick]' : ''}`,
    `machine: ${m.cpus} x ${m.cpu_model}, node ${m.node}, load average at start ${m.load_average_start
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}${m.load_average_end ? `, at end ${m.load_average_end.map((l) => l.toFixed(2)).join(' ')}` : ''}`,
    r.note,
    '',
  );
  if (!r.peer.available) {
    out.push(`Python peers not run: ${r.peer.detail}`);
    if (r.peer.hint) out.push(`  install them with: ${r.peer.hint}`);
    out.push('');
  }
  out.push(
    `Phases over ${r.tenants.length} tenants (seconds for all tenants; ratio = ours / peer, below 1 = ours faster):`,
  );
  const header = [
    'phase vs peer',
    'ours 1-thr s',
    'ours app s',
    'peer s',
    '1-thr/peer',
    'app/peer',
    'R² ours',
    'R² peer',
    'pass ours',
    'pass peer',
    'gap ours',
    'gap peer',
  ];
  const rows = r.phases.map((p) => [
    `${p.phase} vs ${p.peer_model}${p.peer_scaled ? '*' : ''}`,
    fx(p.ours_single_s, 2),
    fx(p.ours_app_s, 2),
    fx(p.peer_s, 2),
    fx(p.ratio_single, 3),
    fx(p.ratio_app, 3),
    fx(p.ours.mean_r2, 3),
    fx(p.peer?.mean_r2, 3),
    `${p.ours.pass_count}/${p.ours.tenants}`,
    p.peer ? `${p.peer.pass_count}/${p.peer.tenants}` : '-',
    signed(p.ours.mean_oracle_gap, 3),
    signed(p.peer?.mean_oracle_gap, 3),
  ]);
  out.push(textTable(header, rows));
  const scaled = r.phases.filter((p) => p.peer_scaled);
  for (const p of scaled) {
    out.push(
      `* peer ${p.peer_model} ran on ${p.peer_tenants} of ${p.tenants_total} tenants (${r.peer.phase3_tenants.join(', ')}): ` +
        `${fx(p.peer_s_measured, 1)} s measured, scaled x${(p.tenants_total / p.peer_tenants).toFixed(1)}; ` +
        `R², pass and gap columns are over those ${p.peer_tenants} tenants for both sides ` +
        `(ours over all ${p.tenants_total}: R² ${fx(p.ours_all.mean_r2, 3)}, pass ${p.ours_all.pass_count}/${p.tenants_total}, ` +
        `gap ${signed(p.ours_all.mean_oracle_gap, 3)}). Use --peer-phase3-all for all tenants.`,
    );
  }
  out.push(
    "Phase 2 is our Ridge/GBM choice rule (it may keep Ridge); the peer's gbm_* rows are plain GBMs on the phase-1 features.",
    `Pass = mean fold R² >= ${PASS_BAR}; gap = mean (R² - oracle fold-mean R²) from the generator's truth. ` +
      `Peer times exclude Python start-up and CSV reading (its own per-model seconds); HistGradientBoosting with OMP_NUM_THREADS=1. ` +
      `App times: warm worker pool, each tenant's result written to SQLite as it arrives.`,
  );
  if (r.app_matches_single !== null) {
    out.push(
      `App-layer results ${r.app_matches_single ? 'equal' : 'DIFFER FROM'} the in-process results (per-tenant mean R²).`,
    );
  }
  out.push('');
  if (r.micro.length > 0) {
    out.push('Micro-benchmarks (median; ratio = ours / peer):');
    out.push(
      textTable(
        [
          'benchmark',
          'ours ms',
          'ours CPU ms',
          'peer',
          'peer ms',
          'peer CPU ms',
          'ratio',
          'CPU ratio',
        ],
        r.micro.map((x) => [
          x.name,
          fx(x.ours.wall_ms, 2),
          fx(x.ours.cpu_ms, 2),
          x.peer_name ?? '-',
          fx(x.peer?.wall_ms, 2),
          fx(x.peer?.cpu_ms, 2),
          fx(x.ratio, 3),
          fx(x.cpu_ratio, 3),
        ]),
      ),
    );
    for (const x of r.micro) out.push(`  ${x.name}: ${x.what}`);
    out.push('');
  }
  if (r.pool.length > 0) {
    out.push('Worker pool (app layer, run_phase over the tenants, wall seconds):');
    out.push(
      textTable(
        ['phase', 'tenants', 'workers=1 s', 'workers=2 s', 'speed-up'],
        r.pool.map((p) => [
          String(p.phase),
          String(p.tenants),
          fx(p.workers1_s, 2),
          fx(p.workers2_s, 2),
          `${fx(p.speedup, 2)}x`,
        ]),
      ),
    );
    out.push('');
  }
  return out.join('\n');
}

// ---- peer ------------------------------------------------------------------------------------

/**
 * Whether the Python peer can run: the interpreter exists and imports sklearn, xgboost and
 * pandas, and bench_peers.py is in peersDir. Never throws.
 */
export function checkPeer(python: string, peersDir: string): PeerStatus {
  const base = { python, peers_dir: peersDir, phase3_tenants: [] as string[] };
  if (!existsSync(path.join(peersDir, 'bench_peers.py'))) {
    return {
      ...base,
      available: false,
      detail: `${path.join(peersDir, 'bench_peers.py')} not found`,
      hint: null,
    };
  }
  const r = spawnSync(python, ['-c', 'import sklearn, xgboost, pandas'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error || r.status !== 0) {
    const why = r.error
      ? `${python} cannot be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`
      : `${python} cannot import sklearn, xgboost and pandas (${(r.stderr || '').trim().split('\n').pop()})`;
    return {
      ...base,
      available: false,
      detail: why,
      hint: `${PEER_INSTALL_HINT}  (then run with ${DEFAULT_PYTHON})`,
    };
  }
  return { ...base, available: true, detail: 'ok', hint: null };
}

/** Checks the peer and, when it is missing, tells how to install it through `log`. */
export function peerStatus(
  python: string,
  peersDir: string,
  log: (line: string) => void,
): PeerStatus {
  const s = checkPeer(python, peersDir);
  if (!s.available) {
    log(`Python peers unavailable: ${s.detail}.`);
    if (s.hint) log(`Install them with: ${s.hint}`);
    log('Reporting our own figures only.');
  }
  return s;
}

function runPython(python: string, args: string[], what: string): string {
  const r = spawnSync(python, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (r.error || r.status !== 0) {
    throw new Error(
      `${what} failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr || '').trim().slice(-2000)}`,
    );
  }
  return r.stdout;
}

// ---- measuring -------------------------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Median wall and CPU milliseconds of fn() over `runs` calls, after `warm` untimed calls. */
function timeMedian(fn: () => void, runs: number, warm = 1, inner = 1): TimingFigure {
  for (let i = 0; i < warm; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    wall.push((performance.now() - t0) / inner);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000 / inner);
  }
  return { wall_ms: median(wall), cpu_ms: median(cpu), runs };
}

/**
 * Runs each function once to warm it, then `runs` rounds of all of them in turn; per function
 * the median wall and CPU times (TimingFigure) and the minimum CPU time.
 */
function timeInterleaved(
  fns: (() => void)[],
  runs: number,
): (TimingFigure & { min_cpu_ms: number })[] {
  for (const fn of fns) fn();
  const wall: number[][] = fns.map(() => []);
  const cpu: number[][] = fns.map(() => []);
  for (let r = 0; r < runs; r++) {
    fns.forEach((fn, i) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      fn();
      wall[i].push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[i].push((c.user + c.system) / 1000);
    });
  }
  return fns.map((_, i) => ({
    wall_ms: median(wall[i]),
    cpu_ms: median(cpu[i]),
    runs,
    min_cpu_ms: Math.min(...cpu[i]),
  }));
}

const quietLog = (): void => {};

function progress(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

/** Our phase over all tenants, single thread, in-process. */
function runSingle(tenants: SyntheticTenant[], phase: PhaseId): Omit<OurPhaseRun, 'appSeconds'> {
  const meanR2: Record<string, number> = {};
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const results = tenants.map((t) => trainPhase(t.series, phase, {}, t));
  for (const r of results) meanR2[r.tenant] = r.mean_r2;
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return {
    phase,
    singleSeconds: seconds,
    singleCpuSeconds: (c.user + c.system) / 1e6,
    meanR2,
    results,
  };
}

/** One run_phase through the app layer; wall seconds and per-tenant mean R². */
async function runApp(
  app: App,
  phase: PhaseId,
  tenants: string[],
): Promise<{ seconds: number; meanR2: Record<string, number> }> {
  const t0 = performance.now();
  const run = app.startPhaseRun({ phase, tenants, force: true });
  const detail = await run.done;
  const seconds = (performance.now() - t0) / 1000;
  if (detail.status !== 'done') throw new Error(`app run phase ${phase} ended ${detail.status}`);
  const meanR2: Record<string, number> = {};
  for (const r of detail.results) meanR2[r.tenant] = r.mean_r2;
  return { seconds, meanR2 };
}

export interface BenchOptions {
  quick: boolean;
  peer: boolean;
  peerPhase3All: boolean;
  scale: boolean;
  shapes: boolean;
  intervals: boolean;
  intervalsSuite: boolean;
  calibration: boolean;
  planForecast: boolean;
  python: string;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const known = new Set([
    '--quick',
    '--no-peer',
    '--peer-phase3-all',
    '--scale',
    '--no-shapes',
    '--no-intervals',
    '--intervals-suite',
    '--calibration',
    '--plan-forecast',
    '--python',
  ]);
  for (let i = 0; i < argv.length; i++) {
    if (!known.has(argv[i])) {
      throw new RangeError(
        `unknown option ${argv[i]}; valid: --quick, --no-peer, --peer-phase3-all, --scale, --no-shapes, --no-intervals, --intervals-suite, --calibration, --plan-forecast, --python PATH`,
      );
    }
    if (argv[i] === '--python') i++;
  }
  const p = argv.indexOf('--python');
  if (p >= 0 && !argv[p + 1]) throw new RangeError('--python needs a path to a Python interpreter');
  return {
    quick: argv.includes('--quick'),
    peer: !argv.includes('--no-peer'),
    peerPhase3All: argv.includes('--peer-phase3-all'),
    scale: argv.includes('--scale'),
    shapes: !argv.includes('--no-shapes'),
    intervals: !argv.includes('--no-intervals'),
    intervalsSuite: argv.includes('--intervals-suite'),
    calibration: argv.includes('--calibration'),
    planForecast: argv.includes('--plan-forecast'),
    python: p >= 0 ? argv[p + 1] : (process.env.WV_MMM_PYTHON ?? DEFAULT_PYTHON),
  };
}

/** The first tenant of each tier (the quick run takes the first and the last tier). */
export function phase3PeerSubset(ids: readonly string[], quick: boolean): string[] {
  const tiers = ['extreme', 'high', 'medium', 'none'];
  const firstOf = tiers
    .map((tier) => ids.find((id) => id.startsWith(`${tier}_`)))
    .filter((id): id is string => id !== undefined);
  return quick ? [firstOf[0], firstOf[firstOf.length - 1]] : firstOf;
}

function machineFacts(): MachineFacts {
  const c = cpus();
  return {
    cpu_model: c[0]?.model ?? 'unknown',
    cpus: c.length,
    available_parallelism: availableParallelism(),
    total_mem_gb: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${platform()} ${release()}`,
    load_average_start: loadavg(),
    load_average_end: null,
  };
}

/** state/ of the repository, or WV_MMM_STATE_DIR. */
export function benchStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.WV_MMM_STATE_DIR;
  if (fromEnv && fromEnv.trim() !== '') return path.resolve(fromEnv);
  return path.join(packageRoot(), 'state');
}

/** Writes latest.json and a dated copy (ISO date-time with ':' as '-', safe on every filesystem). */
export function writeReport(report: BenchReport, stateDir: string): string[] {
  const dir = path.join(stateDir, 'bench');
  mkdirSync(dir, { recursive: true });
  const text = JSON.stringify(report, null, 1) + '\n';
  const dated = path.join(dir, `${report.started_at.replace(/:/g, '-')}.json`);
  const latest = path.join(dir, 'latest.json');
  writeFileSync(dated, text);
  writeFileSync(latest, text);
  return [latest, dated];
}

async function main(): Promise<void> {
  const opts = parseBenchArgs(process.argv.slice(2));
  const started = new Date();
  const t0 = performance.now();
  const machine = machineFacts();
  const root = packageRoot();
  const peersDir = path.resolve(root, '..', 'shared', 'peers');
  const tmp = mkdtempSync(path.join(tmpdir(), 'wv-bench-'));
  const ids = [...BUILTIN_TENANT_IDS];
  const apps: App[] = [];
  try {
    // ---- data ----
    progress('exporting the 20 built-in tenants to CSV');
    const app = createApp({ stateDir: path.join(tmp, 'state'), log: quietLog });
    apps.push(app);
    const csvDir = path.join(tmp, 'csv');
    mkdirSync(csvDir, { recursive: true });
    const csvFiles = ids.map((id) => {
      const file = path.join(csvDir, `${id}.csv`);
      writeFileSync(file, app.exportTenant(id).csv);
      return file;
    });
    const tenants = ids.map((id) => generateTenant(id));
    const oracle: Record<string, number> = {};
    for (const t of tenants) oracle[t.info.tenant] = t.truth.oracleMeanR2;

    const peer = opts.peer
      ? peerStatus(opts.python, peersDir, (l) => progress(l))
      : {
          available: false,
          python: opts.python,
          peers_dir: peersDir,
          detail: 'skipped (--no-peer)',
          hint: null,
          phase3_tenants: [],
        };

    // ---- ours, single thread ----
    // JIT warm-up, as in a long-running server (the app rows below warm their pool the same way):
    // phases 0 and 1 take a few ms a tenant, so one tenant left most of their code unoptimized and
    // phase 0's timed pass cost 1.5x a warm one; phases 2-3 run long enough to warm up in their pass.
    for (const p of [0, 1] as PhaseId[]) for (const t of tenants) trainPhase(t.series, p, {}, t);
    trainPhase(tenants[0].series, 2, {}, tenants[0]);
    const ours: OurPhaseRun[] = [];
    for (const phase of [0, 1, 2, 3] as PhaseId[]) {
      progress(`ours, single thread: phase ${phase}`);
      ours.push({ ...runSingle(tenants, phase), appSeconds: null });
    }

    // ---- ours, app layer (default worker count) ----
    // Warm pool, as in a long-running server: untimed runs of phases 0 and 1, twice, start the
    // workers, load the tenants into both workers' caches and compile the common code (after one
    // phase-0 run phase 0's timed run cost about twice a warm pool's).
    for (let pass = 0; pass < 2; pass++)
      for (const p of [0, 1] as PhaseId[]) await runApp(app, p, ids);
    let appMatches = true;
    for (const o of ours) {
      progress(`ours, app layer (${availableParallelism()} workers): phase ${o.phase}`);
      const a = await runApp(app, o.phase, ids);
      o.appSeconds = a.seconds;
      for (const id of ids) if (a.meanR2[id] !== o.meanR2[id]) appMatches = false;
    }

    await app.close();
    apps.splice(0);

    // ---- worker pool speed-up ----
    const pool: PoolRow[] = [];
    const app1 = createApp({ stateDir: path.join(tmp, 'state-w1'), workers: 1, log: quietLog });
    const app2 = createApp({ stateDir: path.join(tmp, 'state-w2'), workers: 2, log: quietLog });
    apps.push(app1, app2);
    await runApp(app1, 0, ids); // warm pools (untimed), as above
    await runApp(app2, 0, ids);
    for (const phase of [1, 3] as PhaseId[]) {
      progress(`worker pool: phase ${phase}, workers=1 then workers=2`);
      const w1 = await runApp(app1, phase, ids);
      const w2 = await runApp(app2, phase, ids);
      pool.push(poolRow(phase, ids.length, w1.seconds, w2.seconds));
    }
    for (const a of apps.splice(0)) await a.close();

    // ---- peer, phases ----
    const peerRuns: PeerJson[] = [];
    if (peer.available) {
      const script = path.join(peersDir, 'bench_peers.py');
      progress('peer: phase0, phase1, gbm_xgb, gbm_hgb on all tenants');
      peerRuns.push(
        JSON.parse(
          runPython(
            opts.python,
            [script, '--calendar', '--models', 'phase0,phase1,gbm_xgb,gbm_hgb', ...csvFiles],
            'bench_peers.py',
          ),
        ) as PeerJson,
      );
      peer.phase3_tenants = opts.peerPhase3All ? ids : phase3PeerSubset(ids, opts.quick);
      progress(`peer: phase3 on ${peer.phase3_tenants.join(', ')}`);
      peerRuns.push(
        JSON.parse(
          runPython(
            opts.python,
            [
              script,
              '--calendar',
              '--models',
              'phase3',
              ...peer.phase3_tenants.map((id) => path.join(csvDir, `${id}.csv`)),
            ],
            'bench_peers.py phase3',
          ),
        ) as PeerJson,
      );
    }

    // ---- micro-benchmarks ----
    progress('micro-benchmarks');
    const micro = measureMicro(tenants[0], path.join(csvDir, `${ids[0]}.csv`), tmp, opts, peer);

    machine.load_average_end = loadavg();
    let scale: ScaleReport | null = null;
    if (opts.scale) {
      progress('scale');
      scale = runScale({ quick: opts.quick, log: progress });
    }
    let queue: QueueBenchReport | null = null;
    if (opts.scale) {
      progress('queue mode');
      queue = await runQueueBench({ tenants: opts.quick ? 20 : 200, log: progress });
    }
    const shapes = opts.shapes ? runShapeSuite({ log: progress }) : null;
    const external = opts.shapes ? runExternalBench({ log: progress }) : null;
    const calibration = opts.calibration ? runCalibrationBench(ids, progress) : null;
    const planner = runPlannerBench({ quick: opts.quick, log: progress });
    const planForecast = opts.planForecast
      ? runPlanForecastBench({ backs: PLAN_FORECAST_BACKS, log: progress })
      : null;
    const intervals = opts.intervals
      ? runIntervalsBench({ suite: opts.intervalsSuite, log: progress })
      : null;
    const report: BenchReport = {
      kind: 'weathervane-mmm bench',
      started_at: started.toISOString(),
      seconds: (performance.now() - t0) / 1000,
      options: {
        quick: opts.quick,
        peer: opts.peer,
        peer_phase3_all: opts.peerPhase3All,
        scale: opts.scale,
      },
      machine,
      note: 'The machine may be shared with other work: absolute times move with its load; ratios measured in the same run are what count.',
      tenants: ids,
      peer,
      phases: comparePhases(ids, oracle, ours, peerRuns),
      app_matches_single: appMatches,
      micro,
      pool,
      scale,
      builtin: builtinReport(ours.map((o) => o.results ?? [])),
      queue,
      shapes,
      external,
      calibration,
      planner,
      plan_forecast: planForecast,
      intervals,
    };
    console.log(formatReport(report));
    console.log(`\nBuilt-in tenants beside the oracle\n${formatBuiltinReport(report.builtin!)}`);
    console.log(formatPlannerBench(planner));
    if (shapes) console.log(`\nShape suite (issue 13)\n${formatShapeReport(shapes)}`);
    if (external) {
      console.log(
        `\nOther recipes: PyMC-Marketing's public example (weekly) and the CLI sweep's (daily, 10 channels) (issue 13)\n${formatShapeReport(external)}`,
      );
    }
    if (intervals) console.log(`\nIntervals (issue 15)\n${formatIntervalsReport(intervals)}`);
    if (calibration) {
      console.log(`\nLift-test calibration (issue 15)\n${formatCalibrationReport(calibration)}`);
    }
    if (planForecast) console.log(`\n${formatPlanForecastBench(planForecast)}`);
    if (scale) {
      const { formatScale } = await import('./scale.js');
      console.log(formatScale(scale));
    }
    if (queue) console.log(`\n${formatQueueBench(queue)}`);
    const files = writeReport(report, benchStateDir());
    console.log(`written: ${files.join(', ')}`);
  } finally {
    for (const a of apps) await a.close().catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Ridge, GBM and phase-3 micro-benchmarks on one tenant, with the peer's where it can run. */
function measureMicro(
  tenant: SyntheticTenant,
  csvFile: string,
  tmp: string,
  opts: BenchOptions,
  peer: PeerStatus,
): MicroRow[] {
  const { series } = tenant;
  const y = series.target;
  const n = y.length;
  const design = buildDesign(series, { interactions: true, calendar: true });
  const lastFold = timeSeriesFolds(n, 5)[4];
  const runs = opts.quick ? 3 : 7;

  const ridge = timeMedian(
    () => {
      const sel = selectAlpha(design.columns, y, n);
      fitRidge(design.columns, y, { start: 0, end: n }, sel.alpha);
    },
    runs,
    3,
    20,
  );
  const gbm = timeMedian(() => trainGbm(design.columns, y), runs, 1);
  const fold = timeMedian(() => searchMediaParams(series, lastFold.trainEnd), opts.quick ? 2 : 5);
  // Channels: the same tenant with 10 channels (8 lagged noisy copies; scale.ts widenChannels).
  // Both are warmed once, then run interleaved, so that load that comes and goes on a shared
  // machine and the JIT's first compilation of the many-channel path fall on neither side alone;
  // the ratio is of the minimum CPU times (the least disturbed run of each).
  const wide = widenChannels(series, 10);
  const [whole, wide10] = timeInterleaved(
    [() => trainPhase(series, 3, {}, tenant), () => trainPhase(wide, 3, {}, tenant)],
    opts.quick ? 3 : 5,
  );
  const channelRatio = whole.min_cpu_ms > 0 ? wide10.min_cpu_ms / whole.min_cpu_ms : Number.NaN;
  const channelMedianRatio = (wide10.cpu_ms ?? wide10.wall_ms) / (whole.cpu_ms ?? whole.wall_ms);

  let peerMicro: Record<string, { wall: number; cpu: number; runs: number }> = {};
  let peerGbm: Record<string, { wall: number; cpu: number }> = {};
  if (peer.available) {
    peerMicro = JSON.parse(
      runPython(
        opts.python,
        [
          path.join(packageRoot(), 'bench', 'peer-phase3.py'),
          '--peers',
          peer.peers_dir,
          '--csv',
          csvFile,
          '--runs',
          String(runs),
          '--fold-runs',
          opts.quick ? '1' : '3',
          '--tenant-runs',
          '1',
        ],
        'peer-phase3.py',
      ),
    ) as typeof peerMicro;
    const gbmCsv = path.join(tmp, 'gbm-micro.csv');
    const lines = [[...design.names, 'y'].join(',')];
    for (let i = 0; i < n; i++) {
      lines.push([...design.columns.map((c) => String(c[i])), String(y[i])].join(','));
    }
    writeFileSync(gbmCsv, lines.join('\n') + '\n');
    peerGbm = JSON.parse(
      runPython(
        opts.python,
        [
          path.join(packageRoot(), 'tests', 'fixtures', 'gbm', 'bench_peer.py'),
          gbmCsv,
          String(runs),
        ],
        'tests/fixtures/gbm/bench_peer.py',
      ),
    ) as typeof peerGbm;
  }
  const fromPy = (
    t: { wall: number; cpu: number; runs?: number } | undefined,
  ): TimingFigure | null =>
    t ? { wall_ms: t.wall * 1000, cpu_ms: t.cpu * 1000, runs: t.runs ?? runs } : null;
  const p = `${n} rows x ${design.names.length} phase-1 + calendar features (${tenant.info.tenant})`;
  return [
    microRow(
      'ridge + alpha search',
      `alpha grid of 5 by inner 3-fold CV, then the fit, ${p}; peer: GridSearchCV(StandardScaler+Ridge)`,
      ridge,
      'sklearn GridSearchCV',
      fromPy(peerMicro.ridge_alpha_search),
    ),
    microRow(
      'gbm fit vs xgboost',
      `200 trees, depth 7, lr 0.05, ${p}; XGBoost hist nthread=1`,
      gbm,
      'xgboost hist 1 thread',
      fromPy(peerGbm.xgboost_hist_1thread),
    ),
    microRow(
      'gbm fit vs sklearn hgb',
      `same fit; sklearn HistGradientBoostingRegressor, OMP_NUM_THREADS=1`,
      gbm,
      'sklearn HGB',
      fromPy(peerGbm.sklearn_hist_gbr),
    ),
    microRow(
      'phase-3 search, 1 fold',
      `adstock/Hill search on the last fold's ${lastFold.trainEnd} training rows (ours: search only; peer: fit_phase3 = search + its alpha-tuned Ridge)`,
      fold,
      'peer fit_phase3',
      fromPy(peerMicro.phase3_fold),
    ),
    microRow(
      'phase 3, 1 tenant',
      '5 outer folds: search + final model (ours chooses Ridge/GBM/blend and fits a GBM; peer fits Ridge)',
      whole,
      'peer phase3',
      fromPy(peerMicro.phase3_tenant),
    ),
    microRow(
      'phase 3, 1 tenant, 10 channels',
      `the same tenant with 10 channels (8 lagged noisy copies), single thread: CPU x${channelRatio.toFixed(2)} of its 2-channel time by the minima of ${wide10.runs} interleaved runs each after one warm-up (x${channelMedianRatio.toFixed(2)} by the medians; target <= 6)`,
      wide10,
      null,
      null,
    ),
  ];
}

const invokedAsScript =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedAsScript) {
  main().catch((e: unknown) => {
    console.error((e as Error)?.stack ?? String(e));
    process.exitCode = 1;
  });
}
