/**
 * Micro-benchmark of the GBM engine: one fit of 200 trees (depth 7, the default options) on
 * 1,095 rows x 40 features, median wall and CPU time of several runs (CPU time is the steadier
 * figure on a shared machine). With --peer, the same data is
 * written to a temporary CSV and fitted by XGBoost hist (1 thread) and scikit-learn's
 * HistGradientBoostingRegressor through tests/fixtures/gbm/bench_peer.py (/usr/bin/python3),
 * and the time ratios are printed.
 *
 * Usage: npm run build && node dist/bench/gbm.js [--runs 7] [--peer]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { predictGbm, trainGbm } from '../src/core/gbm/index.js';
import { SeededRandom } from '../src/core/random.js';

const N_ROWS = 1095;
const N_FEATURES = 40;

/** Non-linear, interacting signal on the first 8 features plus noise; the rest are noise. */
function makeData(seed: number): { columns: Float64Array[]; y: Float64Array } {
  const rng = new SeededRandom(seed);
  const columns: Float64Array[] = [];
  for (let f = 0; f < N_FEATURES; f++) {
    const c = new Float64Array(N_ROWS);
    for (let i = 0; i < N_ROWS; i++) c[i] = f % 3 === 0 ? rng.normal() : rng.uniform(0, 10);
    columns.push(c);
  }
  const y = new Float64Array(N_ROWS);
  for (let i = 0; i < N_ROWS; i++) {
    const x = (f: number): number => columns[f][i];
    y[i] =
      10 * Math.sin(x(0)) +
      Math.sqrt(x(1)) * 3 +
      (x(2) > 5 ? 4 : 0) * (x(3) > 0 ? 1 : -1) +
      0.5 * x(4) * x(5) -
      2 * Math.tanh(x(6)) +
      0.2 * x(7) * x(7) +
      rng.normal(0, 1);
  }
  return { columns, y };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function main(): void {
  const args = process.argv.slice(2);
  const runsArg = args.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 7;
  const { columns, y } = makeData(42);

  trainGbm(columns, y); // warm-up (JIT)
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let trees = 0;
  let leaves = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const model = trainGbm(columns, y);
    const cpu = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    trees = model.nTrees;
    leaves = 0;
    for (let i = 0; i < model.feature.length; i++) if (model.feature[i] < 0) leaves++;
  }
  const model = trainGbm(columns, y);
  const predictTimes: number[] = [];
  for (let r = 0; r < runs + 1; r++) {
    const t0 = performance.now();
    predictGbm(model, columns);
    if (r > 0) predictTimes.push(performance.now() - t0); // the first call warms the JIT up
  }
  const predictMs = median(predictTimes);
  const fitMs = median(times);
  const fitCpuMs = median(cpuTimes);
  console.log(
    `gbm fit: ${N_ROWS} rows x ${N_FEATURES} features, ${trees} trees (${(leaves / trees).toFixed(1)} leaves/tree): ` +
      `median ${fitMs.toFixed(1)} ms wall (min ${Math.min(...times).toFixed(1)}), ` +
      `${fitCpuMs.toFixed(1)} ms CPU over ${runs} runs`,
  );
  console.log(`gbm predict: ${N_ROWS} rows x ${trees} trees: ${predictMs.toFixed(2)} ms`);

  if (args.includes('--peer')) {
    const dir = mkdtempSync(join(tmpdir(), 'gbm-bench-'));
    const csv = join(dir, 'bench.csv');
    const header = [...columns.map((_, f) => `x${f}`), 'y'].join(',');
    const lines = [header];
    for (let i = 0; i < N_ROWS; i++) {
      lines.push([...columns.map((c) => String(c[i])), String(y[i])].join(','));
    }
    writeFileSync(csv, lines.join('\n') + '\n');
    // One OpenMP thread: HistGradientBoosting would otherwise use both cores.
    const out = execFileSync(
      '/usr/bin/python3',
      ['tests/fixtures/gbm/bench_peer.py', csv, String(runs)],
      {
        encoding: 'utf8',
        env: { ...process.env, OMP_NUM_THREADS: '1' },
      },
    );
    const peer = JSON.parse(out) as Record<string, { wall: number; cpu: number }>;
    for (const [name, t] of Object.entries(peer)) {
      const wall = t.wall * 1000;
      const cpu = t.cpu * 1000;
      console.log(
        `${name}: median ${wall.toFixed(1)} ms wall, ${cpu.toFixed(1)} ms CPU; ` +
          `ours/peer = ${(fitMs / wall).toFixed(2)} wall, ${(fitCpuMs / cpu).toFixed(2)} CPU`,
      );
    }
  }
}

main();
