import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  comparePhases,
  formatReport,
  microRow,
  parseBenchArgs,
  PEER_INSTALL_HINT,
  peerStatus,
  phase3PeerSubset,
  poolRow,
  qualityOf,
  type BenchReport,
  type OurPhaseRun,
  type PeerJson,
} from '../bench/run.js';
import {
  analyzeScale,
  extrapolateTenants,
  growthExponent,
  widenChannels,
  type ScaleFinding,
  type ScaleMeasurement,
} from '../bench/scale.js';
import { BUILTIN_TENANT_IDS, generateTenant } from '../src/core/data/index.js';

const TENANTS = ['a', 'b', 'c'];
const ORACLE = { a: 0.8, b: 0.7, c: 0.6 };

const ours: OurPhaseRun[] = [
  {
    phase: 0,
    singleSeconds: 1.5,
    singleCpuSeconds: 1.4,
    appSeconds: 0.75,
    meanR2: { a: 0.6, b: 0.4, c: 0.5 },
  },
  {
    phase: 3,
    singleSeconds: 12,
    singleCpuSeconds: 11,
    appSeconds: 6,
    meanR2: { a: 0.7, b: 0.65, c: 0.2 },
  },
];
const peerMain: PeerJson = {
  seconds: { phase0: 3 },
  tenants: {
    a: { phase0: { fold_r2: [0.5, 0.7], mean_r2: 0.6 } },
    b: { phase0: { fold_r2: [0.3], mean_r2: 0.3 } },
    c: { phase0: { fold_r2: [0.5], mean_r2: 0.5 } },
  },
};
const peerPhase3: PeerJson = {
  seconds: { phase3: 10 },
  tenants: { b: { phase3: { fold_r2: [0.55], mean_r2: 0.55 } } },
};

describe('bench report builder', () => {
  it('computes quality figures by hand', () => {
    const q = qualityOf({ a: 0.6, b: 0.4, c: 0.5 }, ORACLE, TENANTS);
    expect(q.tenants).toBe(3);
    expect(q.mean_r2).toBeCloseTo(0.5, 12);
    expect(q.pass_count).toBe(2); // 0.6 and 0.5 reach the 0.5 bar
    expect(q.mean_oracle_gap).toBeCloseTo((-0.2 - 0.3 - 0.1) / 3, 12);
    expect(() => qualityOf({ a: 1 }, ORACLE, ['a', 'b'])).toThrow(/no mean R² for tenant b/);
  });

  it('compares each phase with its peer model, scaling a peer subset to all tenants', () => {
    const rows = comparePhases(TENANTS, ORACLE, ours, [peerMain, peerPhase3]);
    expect(rows.map((r) => `${r.phase}:${r.peer_model}`)).toEqual(['0:phase0', '3:phase3']);
    const [p0, p3] = rows;
    expect(p0.peer_s).toBe(3);
    expect(p0.peer_scaled).toBe(false);
    expect(p0.ratio_single).toBeCloseTo(0.5, 12);
    expect(p0.ratio_app).toBeCloseTo(0.25, 12);
    expect(p0.peer!.mean_r2).toBeCloseTo(1.4 / 3, 12);
    expect(p0.peer!.pass_count).toBe(2);
    expect(p0.ours.pass_count).toBe(2);

    // Peer phase 3 ran 1 of 3 tenants in 10 s: 30 s for all three.
    expect(p3.peer_tenants).toBe(1);
    expect(p3.peer_s_measured).toBe(10);
    expect(p3.peer_s).toBeCloseTo(30, 12);
    expect(p3.peer_scaled).toBe(true);
    expect(p3.ratio_single).toBeCloseTo(12 / 30, 12);
    expect(p3.ratio_app).toBeCloseTo(6 / 30, 12);
    // Both sides' R² over the peer's tenant (b); ours_all over all three.
    expect(p3.ours.tenants).toBe(1);
    expect(p3.ours.mean_r2).toBeCloseTo(0.65, 12);
    expect(p3.ours.mean_oracle_gap).toBeCloseTo(-0.05, 12);
    expect(p3.peer!.mean_oracle_gap).toBeCloseTo(-0.15, 12);
    expect(p3.ours_all.mean_r2).toBeCloseTo(1.55 / 3, 12);
    expect(p3.ours_all.pass_count).toBe(2);
  });

  it('leaves peer columns empty without a peer', () => {
    const [p0] = comparePhases(TENANTS, ORACLE, ours, []);
    expect(p0.peer).toBeNull();
    expect(p0.peer_s).toBeNull();
    expect(p0.ratio_single).toBeNull();
    expect(p0.ours.tenants).toBe(3);
  });

  it('computes micro and pool ratios', () => {
    const m = microRow('gbm', 'what', { wall_ms: 300, cpu_ms: 200, runs: 7 }, 'xgb', {
      wall_ms: 1200,
      cpu_ms: 1000,
      runs: 7,
    });
    expect(m.ratio).toBeCloseTo(0.25, 12);
    expect(m.cpu_ratio).toBeCloseTo(0.2, 12);
    const none = microRow('gbm', 'what', { wall_ms: 300, cpu_ms: 200, runs: 7 }, 'xgb', null);
    expect(none.ratio).toBeNull();
    expect(none.peer_name).toBeNull();
    expect(poolRow(3, 20, 30, 20).speedup).toBeCloseTo(1.5, 12);
  });

  it('formats the table and the JSON from given numbers', () => {
    const report: BenchReport = {
      kind: 'weathervane-mmm bench',
      started_at: '2025-01-01T00:00:00.000Z',
      seconds: 12,
      options: { quick: true, peer: true, peer_phase3_all: false, scale: false },
      machine: {
        cpu_model: 'cpu',
        cpus: 2,
        available_parallelism: 2,
        total_mem_gb: 8,
        node: 'v20',
        platform: 'linux',
        load_average_start: [1, 2, 3],
        load_average_end: null,
      },
      note: 'note',
      tenants: TENANTS,
      peer: {
        available: true,
        python: '/usr/bin/python3',
        peers_dir: '/x',
        detail: 'ok',
        hint: null,
        phase3_tenants: ['b'],
      },
      phases: comparePhases(TENANTS, ORACLE, ours, [peerMain, peerPhase3]),
      app_matches_single: true,
      micro: [],
      pool: [poolRow(1, 3, 2, 1)],
      scale: null,
    };
    const text = formatReport(report);
    expect(text).toMatch(
      /^0 vs phase0 +1\.50 +0\.75 +3\.00 +0\.500 +0\.250 +0\.500 +0\.467 +2\/3 +2\/3/m,
    );
    expect(text).toMatch(/^3 vs phase3\* +12\.00 +6\.00 +30\.00 +0\.400 +0\.200/m);
    expect(text).toContain('peer phase3 ran on 1 of 3 tenants (b)');
    expect(text).toMatch(/^1 +3 +2\.00 +1\.00 +2\.00x$/m);
    const json = JSON.parse(JSON.stringify(report)) as BenchReport;
    expect(Object.keys(json.phases[0])).toEqual(
      expect.arrayContaining(['ours_single_s', 'ours_app_s', 'peer_s', 'ratio_single', 'ours']),
    );
  });

  it('picks one peer phase-3 tenant per tier (two when quick)', () => {
    expect(phase3PeerSubset(BUILTIN_TENANT_IDS, false)).toEqual([
      'extreme_ski_gear',
      'high_winter_clothing',
      'medium_clothing',
      'none_office_supplies',
    ]);
    expect(phase3PeerSubset(BUILTIN_TENANT_IDS, true)).toEqual([
      'extreme_ski_gear',
      'none_office_supplies',
    ]);
  });

  it('validates its options', () => {
    expect(parseBenchArgs(['--quick', '--python', '/p']).python).toBe('/p');
    expect(parseBenchArgs(['--no-peer']).peer).toBe(false);
    expect(parseBenchArgs(['--no-intervals']).intervals).toBe(false);
    expect(parseBenchArgs(['--intervals-suite']).intervalsSuite).toBe(true);
    expect(parseBenchArgs([]).intervals).toBe(true);
    expect(parseBenchArgs(['--plan-forecast']).planForecast).toBe(true);
    expect(parseBenchArgs([]).planForecast).toBe(false);
    expect(() => parseBenchArgs(['--fast'])).toThrow(RangeError);
    expect(() => parseBenchArgs(['--python'])).toThrow(/needs a path/);
  });
});

describe('bench peer-missing path', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wv-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the install hint when the Python interpreter does not exist', () => {
    writeFileSync(path.join(dir, 'bench_peers.py'), '# stand-in\n');
    const lines: string[] = [];
    const s = peerStatus(path.join(dir, 'no-such-python3'), dir, (l) => lines.push(l));
    expect(s.available).toBe(false);
    expect(s.hint).toContain(PEER_INSTALL_HINT);
    expect(lines.join('\n')).toContain(
      'apt-get install -y python3-sklearn python3-xgboost python3-pandas',
    );
    expect(lines.join('\n')).toContain('Reporting our own figures only');
  });
});

describe('scale helpers', () => {
  const m = (tenants: number, seconds: number, rss: number): ScaleMeasurement => ({
    label: `${tenants}`,
    case: { kind: 'tenants', phase: 1, tenants, workers: 2 },
    seconds,
    cpu_seconds: seconds,
    setup_seconds: 0,
    peak_rss_mb: rss,
    sampled_peak_rss_mb: rss,
    main_heap_peak_mb: 10,
    per_unit_ms: (seconds * 1000) / tenants,
    unit: 'tenant',
    mean_r2: 0.5,
    extrapolated: false,
  });

  it('computes growth exponents and linear extrapolation', () => {
    expect(growthExponent(10, 1, 100, 10)).toBeCloseTo(1, 12);
    expect(growthExponent(10, 1, 100, 100)).toBeCloseTo(2, 12);
    const e = extrapolateTenants(m(200, 40, 100), 2000);
    expect(e.seconds).toBeCloseTo(400, 12);
    expect(e.extrapolated).toBe(true);
  });

  it('flags non-linear growth, the 60 s target and unbounded memory', () => {
    const linear = analyzeScale([m(20, 1, 100), m(200, 8, 120), m(2000, 80, 125)]);
    const byWhat = (f: ScaleFinding[], w: string): ScaleFinding =>
      f.find((x) => x.what.includes(w))!;
    expect(byWhat(linear, 'time vs tenants').ok).toBe(true);
    expect(byWhat(linear, 'under 60 s').ok).toBe(false); // 80 s
    expect(byWhat(linear, 'memory bounded').ok).toBe(true);
    const quadratic = analyzeScale([m(200, 4, 100), m(2000, 400, 400)]);
    expect(byWhat(quadratic, 'time vs tenants').ok).toBe(false);
    expect(byWhat(quadratic, 'time vs tenants').exponent).toBeCloseTo(2, 12);
    expect(byWhat(quadratic, 'memory bounded').ok).toBe(false);
  });

  it('widens a series to 10 channels deterministically, spend >= 0', () => {
    const { series } = generateTenant('none_books', { days: 120 });
    const w = widenChannels(series, 10);
    expect(w.channels).toHaveLength(10);
    expect(w.spend).toHaveLength(10);
    expect(w.spend[0]).toBe(series.spend[0]);
    for (const s of w.spend) expect(s.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
    expect(widenChannels(series, 10).spend[7]).toEqual(w.spend[7]);
    expect(() => widenChannels(series, 1)).toThrow(RangeError);
  });
});
