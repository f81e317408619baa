/**
 * Scale benchmark: how time and peak memory grow with the number of tenants (app layer, worker
 * pool, results streamed to SQLite), with the rows of one tenant (3, 10, 30 years of daily data)
 * and with the number of channels (2 and 10), and what one store write costs as runs grow.
 *
 * Every case runs in a fresh child process (this file with --child) so that its peak RSS
 * (process.resourceUsage().maxRSS: the whole process, worker threads included) is its own.
 * Phase 3 at 2,000 tenants is extrapolated linearly from 200 (said so in the output).
 *
 * Usage: npm run build && node dist/bench/scale.js [--quick]   (or npm run bench -- --scale)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createApp } from '../src/app/index.js';
import { packageRoot } from '../src/app/paths.js';
import { generateTenant } from '../src/core/data/index.js';
import { SeededRandom } from '../src/core/random.js';
import type { TenantSeries } from '../src/core/types.js';
import { trainPhase } from '../src/phases/index.js';
import type { PhaseId } from '../src/phases/types.js';
import { openStore } from '../src/store/index.js';

export type ScaleCase =
  | { kind: 'tenants'; phase: 1 | 3; tenants: number; workers: number }
  | { kind: 'rows'; phase: 1 | 3; days: number; channels: number }
  | { kind: 'store'; tenants: number };

export interface ScaleMeasurement {
  label: string;
  case: ScaleCase;
  /** Wall seconds of the measured part (the run, the fit, or all store writes). */
  seconds: number;
  /** Process CPU seconds (all threads) of the measured part. */
  cpu_seconds: number;
  /** Seconds spent preparing (generate tenants / generate the series), not in `seconds`. */
  setup_seconds: number;
  /** Peak RSS of the whole child process (MB), worker threads included. */
  peak_rss_mb: number;
  /** Highest RSS sampled while the measured part ran (tenants cases; null when not sampled). */
  sampled_peak_rss_mb: number | null;
  /** Highest main-thread V8 heap in use, sampled (tenants cases: the thread that writes SQLite). */
  main_heap_peak_mb: number | null;
  /** Milliseconds per tenant (tenants cases), per 1,000 rows (rows cases) or per write (store). */
  per_unit_ms: number;
  unit: 'tenant' | '1000 rows' | 'write';
  mean_r2: number | null;
  extrapolated: boolean;
}

export interface ScaleFinding {
  what: string;
  /** Growth exponent b in CPU time ~ size^b between the two largest sizes (1 = linear). */
  exponent: number | null;
  ok: boolean;
  detail: string;
}

export interface ScaleReport {
  workers: number;
  measurements: ScaleMeasurement[];
  findings: ScaleFinding[];
}

export const mb = (bytes: number): number => bytes / 2 ** 20;

/** Exponent b of time ~ size^b from two points: ln(t2/t1) / ln(n2/n1). */
export function growthExponent(n1: number, t1: number, n2: number, t2: number): number {
  if (!(n1 > 0 && n2 > 0 && t1 > 0 && t2 > 0) || n1 === n2) {
    throw new RangeError(`growthExponent needs positive sizes and times with n1 != n2`);
  }
  return Math.log(t2 / t1) / Math.log(n2 / n1);
}

/**
 * A series with `channels` spend channels for timing only: the extra channels are lagged,
 * rescaled copies of the generator's two channels with multiplicative day noise (seeded); the
 * target is unchanged. The generator itself has 2 channels.
 */
export function widenChannels(series: TenantSeries, channels: number, seed = 11): TenantSeries {
  const have = series.channels.length;
  if (!(Number.isInteger(channels) && channels >= have)) {
    throw new RangeError(`channels must be an integer >= ${have} (got ${channels})`);
  }
  const rng = new SeededRandom(seed);
  const n = series.target.length;
  const names = [...series.channels];
  const spend = [...series.spend];
  for (let c = have; c < channels; c++) {
    const base = series.spend[c % have];
    const factor = rng.uniform(0.3, 1.5);
    const lag = 1 + c;
    const out = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      out[t] = factor * base[(t - lag + n) % n] * Math.exp(rng.normal(0, 0.3));
    }
    names.push(`ch${c + 1}`);
    spend.push(out);
  }
  return { ...series, channels: names, spend };
}

function labelOf(c: ScaleCase): string {
  if (c.kind === 'tenants') return `phase ${c.phase}, ${c.tenants} tenants`;
  if (c.kind === 'rows') {
    return `phase ${c.phase}, 1 tenant, ${c.days} days, ${c.channels} channels`;
  }
  return `store: ${c.tenants}-tenant run, one write per tenant`;
}

// ---- child: one case ------------------------------------------------------------------------

async function measureTenants(
  c: Extract<ScaleCase, { kind: 'tenants' }>,
): Promise<ScaleMeasurement> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wv-scale-'));
  const app = createApp({ stateDir: dir, workers: c.workers, log: () => {} });
  try {
    const s0 = performance.now();
    const { tenants } = app.generateTenants({
      count: c.tenants,
      days: 1095,
      seed: 7,
      prefix: 'scale',
    });
    await app.trainTenant({ tenant: tenants[0], phase: 0 }); // start a worker (not timed)
    const setup = (performance.now() - s0) / 1000;
    let sampled = process.memoryUsage().rss;
    let heap = process.memoryUsage().heapUsed;
    const timer = setInterval(() => {
      const m = process.memoryUsage();
      sampled = Math.max(sampled, m.rss);
      heap = Math.max(heap, m.heapUsed);
    }, 50);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const run = await app.startPhaseRun({ phase: c.phase, tenants, force: true }).done;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    clearInterval(timer);
    if (run.status !== 'done') throw new Error(`run ended ${run.status}: ${run.error}`);
    return {
      label: labelOf(c),
      case: c,
      seconds,
      cpu_seconds: (cpu.user + cpu.system) / 1e6,
      setup_seconds: setup,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
      sampled_peak_rss_mb: mb(sampled),
      main_heap_peak_mb: mb(heap),
      per_unit_ms: (seconds * 1000) / c.tenants,
      unit: 'tenant',
      mean_r2: run.summary?.mean_r2 ?? null,
      extrapolated: false,
    };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function measureRows(c: Extract<ScaleCase, { kind: 'rows' }>): ScaleMeasurement {
  const id = 'extreme_ski_gear';
  // JIT warm-up on a short series, not timed.
  const warm = generateTenant(id, { days: 365 });
  trainPhase(widenChannels(warm.series, c.channels), c.phase as PhaseId, {}, null);
  const s0 = performance.now();
  const t = generateTenant(id, { days: c.days });
  const series = widenChannels(t.series, c.channels);
  const setup = (performance.now() - s0) / 1000;
  const repeats = c.phase === 1 ? 3 : 1;
  const wall: number[] = [];
  const cpuS: number[] = [];
  let r2 = 0;
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    r2 = trainPhase(series, c.phase as PhaseId, {}, null).mean_r2;
    wall.push((performance.now() - t0) / 1000);
    const cpu = process.cpuUsage(c0);
    cpuS.push((cpu.user + cpu.system) / 1e6);
  }
  const seconds = median(wall);
  return {
    label: labelOf(c),
    case: c,
    seconds,
    cpu_seconds: median(cpuS),
    setup_seconds: setup,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    sampled_peak_rss_mb: null,
    main_heap_peak_mb: null,
    per_unit_ms: (seconds * 1000) / (c.days / 1000),
    unit: '1000 rows',
    mean_r2: r2,
    extrapolated: false,
  };
}

function measureStore(c: Extract<ScaleCase, { kind: 'store' }>): ScaleMeasurement {
  const dir = mkdtempSync(path.join(tmpdir(), 'wv-scale-store-'));
  const store = openStore(dir);
  try {
    const s0 = performance.now();
    const t = generateTenant('none_books');
    const template = trainPhase(t.series, 1, {}, t);
    const ids = Array.from({ length: c.tenants }, (_, i) => `scale_s7_${i}`);
    const runId = store.createRun({
      key: `bench-store-${c.tenants}`,
      phase: 1,
      tenants: ids,
      config: {},
      codeVersion: 'bench',
      seed: 0,
      status: 'running',
    });
    const setup = (performance.now() - s0) / 1000;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < ids.length; i++) {
      store.saveTenantResult(runId, { ...template, tenant: ids[i] });
      store.updateProgress(runId, i + 1, ids.length);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    return {
      label: labelOf(c),
      case: c,
      seconds,
      cpu_seconds: (cpu.user + cpu.system) / 1e6,
      setup_seconds: setup,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
      sampled_peak_rss_mb: null,
      main_heap_peak_mb: null,
      per_unit_ms: (seconds * 1000) / c.tenants,
      unit: 'write',
      mean_r2: null,
      extrapolated: false,
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function child(c: ScaleCase): Promise<void> {
  let m: ScaleMeasurement;
  if (c.kind === 'tenants') m = await measureTenants(c);
  else if (c.kind === 'rows') m = measureRows(c);
  else m = measureStore(c);
  process.stdout.write(JSON.stringify(m) + '\n');
}

// ---- parent ---------------------------------------------------------------------------------

export function scaleCases(quick: boolean, workers: number): ScaleCase[] {
  const tenants = (phase: 1 | 3, sizes: number[]): ScaleCase[] =>
    sizes.map((n) => ({ kind: 'tenants', phase, tenants: n, workers }));
  const rows = (phase: 1 | 3, days: number[]): ScaleCase[] => [
    ...days.map((d): ScaleCase => ({ kind: 'rows', phase, days: d, channels: 2 })),
    { kind: 'rows', phase, days: 1095, channels: 10 },
  ];
  const store = (sizes: number[]): ScaleCase[] => sizes.map((n) => ({ kind: 'store', tenants: n }));
  return quick
    ? [
        ...tenants(1, [20, 200]),
        ...tenants(3, [4, 20]),
        ...rows(1, [1095, 3650, 10950]),
        ...rows(3, [1095, 3650]),
        ...store([20, 200, 2000]),
      ]
    : [
        ...tenants(1, [20, 200, 2000, 5000]),
        ...tenants(3, [20, 200]),
        ...rows(1, [1095, 3650, 10950]),
        ...rows(3, [1095, 3650, 10950]),
        ...store([20, 200, 2000, 5000]),
      ];
}

/** Phase-3 time at `target` tenants, linear in tenants from the largest measured size. */
export function extrapolateTenants(m: ScaleMeasurement, target: number): ScaleMeasurement {
  if (m.case.kind !== 'tenants') throw new RangeError('extrapolateTenants needs a tenants case');
  const f = target / m.case.tenants;
  return {
    ...m,
    label: `phase ${m.case.phase}, ${target} tenants (extrapolated x${f} from ${m.case.tenants})`,
    case: { ...m.case, tenants: target },
    seconds: m.seconds * f,
    cpu_seconds: m.cpu_seconds * f,
    setup_seconds: m.setup_seconds * f,
    extrapolated: true,
  };
}

/** Growth exponents, the 60 s target and the memory bound, from the measurements (pure). */
export function analyzeScale(ms: readonly ScaleMeasurement[]): ScaleFinding[] {
  const findings: ScaleFinding[] = [];
  const measured = ms.filter((m) => !m.extrapolated);
  const pair = (what: string, points: { n: number; m: ScaleMeasurement }[], unit: string): void => {
    if (points.length < 2) return;
    const sorted = [...points].sort((a, b) => a.n - b.n);
    const a = sorted[sorted.length - 2];
    const b = sorted[sorted.length - 1];
    // Judged on CPU seconds (all threads): on a shared machine wall time also measures the
    // other processes' load, CPU time measures our work.
    const e = growthExponent(a.n, a.m.cpu_seconds, b.n, b.m.cpu_seconds);
    const ok = e <= 1.15;
    findings.push({
      what,
      exponent: e,
      ok,
      detail:
        `${a.n} -> ${b.n} ${unit}: CPU ${a.m.cpu_seconds.toFixed(2)} s -> ${b.m.cpu_seconds.toFixed(2)} s ` +
        `(x${(b.m.cpu_seconds / a.m.cpu_seconds).toFixed(2)} for x${(b.n / a.n).toFixed(1)}; exponent ${e.toFixed(2)}` +
        `${ok ? '' : ', NON-LINEAR'}; wall x${(b.m.seconds / a.m.seconds).toFixed(2)}); ` +
        `peak RSS ${a.m.peak_rss_mb.toFixed(0)} -> ${b.m.peak_rss_mb.toFixed(0)} MB`,
    });
  };
  for (const phase of [1, 3] as const) {
    const t = measured.filter((m) => m.case.kind === 'tenants' && m.case.phase === phase);
    pair(
      `phase ${phase}: time vs tenants`,
      t.map((m) => ({ n: (m.case as { tenants: number }).tenants, m })),
      'tenants',
    );
    const r = measured.filter(
      (m) => m.case.kind === 'rows' && m.case.phase === phase && m.case.channels === 2,
    );
    pair(
      `phase ${phase}: time vs rows (one tenant)`,
      r.map((m) => ({ n: (m.case as { days: number }).days, m })),
      'rows',
    );
    const ch = measured.filter(
      (m) => m.case.kind === 'rows' && m.case.phase === phase && m.case.days === 1095,
    );
    pair(
      `phase ${phase}: time vs channels (1,095 rows)`,
      ch.map((m) => ({ n: (m.case as { channels: number }).channels, m })),
      'channels',
    );
  }
  const st = measured.filter((m) => m.case.kind === 'store');
  if (st.length >= 2) {
    const sorted = [...st].sort(
      (a, b) => (a.case as { tenants: number }).tenants - (b.case as { tenants: number }).tenants,
    );
    const a = sorted[0];
    const b = sorted[sorted.length - 1];
    const growth = b.per_unit_ms / a.per_unit_ms;
    const na = (a.case as { tenants: number }).tenants;
    const nb = (b.case as { tenants: number }).tenants;
    findings.push({
      what: 'store: cost of one result write vs run size',
      exponent: growthExponent(na, a.cpu_seconds, nb, b.cpu_seconds),
      ok: growth < 2,
      detail:
        `${a.per_unit_ms.toFixed(3)} ms per write in a ${na}-tenant run, ${b.per_unit_ms.toFixed(3)} ms in a ${nb}-tenant run ` +
        `(x${growth.toFixed(1)}; constant would be x1)`,
    });
  }
  const p1 = measured.find(
    (m) => m.case.kind === 'tenants' && m.case.phase === 1 && m.case.tenants === 2000,
  );
  if (p1) {
    findings.push({
      what: 'target: 2,000 tenants through phase 1 in under 60 s',
      exponent: null,
      ok: p1.seconds < 60,
      detail: `${p1.seconds.toFixed(1)} s (${p1.per_unit_ms.toFixed(1)} ms per tenant, ${p1.cpu_seconds.toFixed(1)} CPU s)`,
    });
  }
  const tenantsP1 = measured
    .filter((m) => m.case.kind === 'tenants' && m.case.phase === 1)
    .sort(
      (a, b) => (a.case as { tenants: number }).tenants - (b.case as { tenants: number }).tenants,
    );
  if (tenantsP1.length >= 2) {
    // The pool's warm-up (worker heaps, allocator arenas) fills the first few hundred tenants;
    // a bound shows as a flat peak between the two largest runs.
    const first = tenantsP1[0];
    const a = tenantsP1[tenantsP1.length - 2];
    const b = tenantsP1[tenantsP1.length - 1];
    const n = (m: ScaleMeasurement): number => (m.case as { tenants: number }).tenants;
    const growth = b.peak_rss_mb / a.peak_rss_mb;
    findings.push({
      what: 'target: memory bounded by the worker pool, not by tenants',
      exponent: null,
      ok: growth < 1.3,
      detail:
        `peak RSS ${first.peak_rss_mb.toFixed(0)} MB at ${n(first)} tenants, ${a.peak_rss_mb.toFixed(0)} MB at ${n(a)}, ` +
        `${b.peak_rss_mb.toFixed(0)} MB at ${n(b)} (x${growth.toFixed(2)} for x${(n(b) / n(a)).toFixed(1)} tenants); ` +
        `main-thread heap peak ${a.main_heap_peak_mb?.toFixed(0) ?? '-'} -> ${b.main_heap_peak_mb?.toFixed(0) ?? '-'} MB`,
    });
  }
  return findings;
}

/** Runs every case in its own child process; adds the phase-3 extrapolation to 2,000 tenants. */
export function runScale(opts: { quick: boolean; log?: (msg: string) => void }): ScaleReport {
  const log = opts.log ?? ((m: string) => process.stderr.write(`[scale] ${m}\n`));
  const workers = availableParallelism();
  const file = fileURLToPath(import.meta.url);
  const measurements: ScaleMeasurement[] = [];
  for (const c of scaleCases(opts.quick, workers)) {
    log(`scale: ${labelOf(c)}`);
    const r = spawnSync(process.execPath, [file, '--child', JSON.stringify(c)], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (r.error || r.status !== 0) {
      throw new Error(
        `scale case '${labelOf(c)}' failed: ${r.error?.message ?? `exit ${r.status}`}`,
      );
    }
    const m = JSON.parse(r.stdout.trim().split('\n').pop() as string) as ScaleMeasurement;
    log(`  ${m.seconds.toFixed(2)} s, peak RSS ${m.peak_rss_mb.toFixed(0)} MB`);
    measurements.push(m);
  }
  const p3 = measurements
    .filter((m) => m.case.kind === 'tenants' && m.case.phase === 3)
    .sort(
      (a, b) => (b.case as { tenants: number }).tenants - (a.case as { tenants: number }).tenants,
    )[0];
  if (p3) measurements.push(extrapolateTenants(p3, 2000));
  return { workers, measurements, findings: analyzeScale(measurements) };
}

export function formatScale(r: ScaleReport): string {
  const rows = r.measurements.map((m) => [
    m.label,
    m.seconds.toFixed(2),
    m.cpu_seconds.toFixed(2),
    `${m.per_unit_ms.toFixed(m.unit === 'write' ? 3 : 1)} /${m.unit}`,
    m.extrapolated ? '-' : m.peak_rss_mb.toFixed(0),
    m.sampled_peak_rss_mb === null || m.extrapolated ? '-' : m.sampled_peak_rss_mb.toFixed(0),
    m.main_heap_peak_mb === null || m.extrapolated ? '-' : m.main_heap_peak_mb.toFixed(0),
    m.mean_r2 === null ? '-' : m.mean_r2.toFixed(3),
  ]);
  const header = [
    'case',
    'wall s',
    'CPU s',
    'per unit ms',
    'peak RSS MB',
    'sampled MB',
    'main heap MB',
    'mean R²',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [
    `Scale (app layer with ${r.workers} workers for tenant runs; rows/channels single-thread in-process; each case in a fresh process):`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    'Rows cases: 10 channels = the 2 generated channels plus 8 lagged, rescaled, noisy copies (the generator has 2; timing only).',
    'Extrapolated rows are linear in tenants from the largest measured size; their memory is not measured.',
    ...r.findings.map((f) => `${f.ok ? 'ok  ' : 'FAIL'} ${f.what}: ${f.detail}`),
  ];
  return out.join('\n');
}

const invokedAsScript =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedAsScript) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--child');
  const go = async (): Promise<void> => {
    if (i >= 0) {
      await child(JSON.parse(argv[i + 1]) as ScaleCase);
      return;
    }
    const report = runScale({ quick: argv.includes('--quick') });
    console.log(formatScale(report));
    // Same state directory rule as bench/run.ts: WV_MMM_STATE_DIR, else <repo>/state.
    const dir = path.join(
      process.env.WV_MMM_STATE_DIR?.trim()
        ? path.resolve(process.env.WV_MMM_STATE_DIR)
        : path.join(packageRoot(), 'state'),
      'bench',
    );
    mkdirSync(dir, { recursive: true });
    const text =
      JSON.stringify({ started_at: new Date().toISOString(), ...report }, null, 1) + '\n';
    writeFileSync(path.join(dir, 'scale-latest.json'), text);
    console.log(`written: ${path.join(dir, 'scale-latest.json')}`);
  };
  go().catch((e: unknown) => {
    console.error((e as Error)?.stack ?? String(e));
    process.exitCode = 1;
  });
}
