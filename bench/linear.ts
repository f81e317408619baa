/**
 * Micro-benchmark of the linear phases: phase 1 (calendar on, alpha search by inner 3-fold CV)
 * over the peer fixture tenants repeated to 20 tenants x 5 folds, and one Ridge fit with its
 * alpha search; compared with the Python peer's seconds from tests/fixtures/peer/peer_cal.json
 * (bench_peers.py --calendar --models phase0,phase1 on the same three CSVs).
 *
 * Run: npx tsc -p tsconfig.build.json && node dist/bench/linear.js
 */
import { readFileSync } from 'node:fs';
import { buildDesign } from '../src/core/features.js';
import { fitRidge, selectAlpha } from '../src/core/ridge.js';
import { KNOWN_WEATHER, type TenantSeries } from '../src/core/types.js';
import { trainLinearPhase } from '../src/phases/linear.js';

const FIXTURES = new URL('../../tests/fixtures/peer/', import.meta.url);
const NAMES = ['peer_interaction', 'peer_noisy', 'peer_strong'];
const TENANTS = 20;

/** Minimal numeric CSV reader for the fixture layout (the product CSV module lives elsewhere). */
function loadFixture(name: string): TenantSeries {
  const lines = readFileSync(new URL(`${name}.csv`, FIXTURES), 'utf8')
    .trim()
    .split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const col = (h: string): Float64Array =>
    Float64Array.from(rows, (r) => Number(r[header.indexOf(h)]));
  const spend = header.filter((h) => h.endsWith('_spend'));
  const weatherNames = header.filter((h) => (KNOWN_WEATHER as readonly string[]).includes(h));
  return {
    tenant: name,
    frequency: 'daily',
    dates: rows.map((r) => r[0]),
    channels: spend.map((h) => h.replace(/_spend$/, '')),
    spend: spend.map(col),
    weatherNames,
    weather: weatherNames.map(col),
    controlNames: [],
    controls: [],
    targetName: 'revenue',
    target: col('revenue'),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, repeats: number): number {
  fn(); // warm-up (JIT)
  const ms: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const base = NAMES.map(loadFixture);
const tenants = Array.from({ length: TENANTS }, (_, i) => ({
  ...base[i % base.length],
  tenant: `t${i}`,
}));

const phase1Ms = time(() => {
  for (const s of tenants) trainLinearPhase(s, { phase: 1, calendar: true });
}, 7);
const phase0Ms = time(() => {
  for (const s of tenants) trainLinearPhase(s, { phase: 0, calendar: true });
}, 7);
const three1Ms = time(() => {
  for (const s of base) trainLinearPhase(s, { phase: 1, calendar: true, parity: true });
}, 7);

const one = base[2];
const design = buildDesign(one, { interactions: true, calendar: true });
const trainEnd = 913;
const fitMs =
  time(() => {
    for (let i = 0; i < 100; i++) {
      const sel = selectAlpha(design.columns, one.target, trainEnd);
      fitRidge(design.columns, one.target, { start: 0, end: trainEnd }, sel.alpha);
    }
  }, 5) / 100;
const plainFitMs =
  time(() => {
    for (let i = 0; i < 100; i++)
      fitRidge(design.columns, one.target, { start: 0, end: trainEnd }, 1);
  }, 5) / 100;

// A 1,095 x 40 fit: the 25 phase-1 columns plus 15 squares of them.
const wide = [
  ...design.columns,
  ...design.columns.slice(0, 15).map((c) => Float64Array.from(c, (v) => v * v)),
];
const wideFitMs =
  time(() => {
    for (let i = 0; i < 100; i++)
      fitRidge(wide, one.target, { start: 0, end: one.target.length }, 1);
  }, 5) / 100;

const peer = JSON.parse(readFileSync(new URL('peer_cal.json', FIXTURES), 'utf8')) as {
  seconds: Record<string, number>;
};
const peerPhase1PerTenantS = peer.seconds.phase1 / NAMES.length;
const peerPhase0PerTenantS = peer.seconds.phase0 / NAMES.length;

const out = {
  features: design.names.length,
  phase1_20_tenants_ms: +phase1Ms.toFixed(2),
  phase0_20_tenants_ms: +phase0Ms.toFixed(2),
  phase1_3_fixture_tenants_ms: +three1Ms.toFixed(2),
  ridge_fit_with_alpha_search_ms: +fitMs.toFixed(3),
  ridge_fit_only_ms: +plainFitMs.toFixed(3),
  ridge_fit_1095x40_ms: +wideFitMs.toFixed(3),
  peer_phase1_3_tenants_s: peer.seconds.phase1,
  peer_phase1_20_tenants_s_scaled: +(peerPhase1PerTenantS * TENANTS).toFixed(3),
  peer_phase0_20_tenants_s_scaled: +(peerPhase0PerTenantS * TENANTS).toFixed(3),
  speedup_phase1_vs_peer: +((peerPhase1PerTenantS * TENANTS * 1000) / phase1Ms).toFixed(1),
};
console.log(JSON.stringify(out, null, 1));
