/**
 * Benchmark of phase 3 over the built-in tenants x 5 folds, single thread: mean R² beside
 * phase 1, phase 2 and the oracle; where the time goes (adstock/Hill search vs the final
 * chooseAndFit model per fold), candidates scored and microseconds per candidate; and, with
 * --recovery, what the all-rows final models say per channel (decay, ROAS, weather-conditional
 * ROAS) beside the ground truth for the extreme and high tiers.
 *
 * Run: npx tsc -p tsconfig.build.json && node dist/bench/phase3.js [--no-compare] [--recovery] [tenant ...]
 */
import { BUILTIN_TENANT_IDS, generateTenant } from '../src/core/data/index.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { fitFinalModel } from '../src/phases/final.js';
import { trainLinearPhase } from '../src/phases/linear.js';
import { trainPhase2 } from '../src/phases/phase2.js';
import { runPhase3 } from '../src/phases/phase3.js';
import { searchMediaParams } from '../src/phases/search.js';

const args = process.argv.slice(2);
const compare = !args.includes('--no-compare');
const recovery = args.includes('--recovery');
const ids = args.filter((a) => !a.startsWith('--'));
const tenants = (ids.length > 0 ? ids : BUILTIN_TENANT_IDS).map((id) => generateTenant(id));

const f2 = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(2);
const f3 = (x: number): string => x.toFixed(3);

// Warm-up (JIT) on one tenant's fold, not timed.
searchMediaParams(tenants[0].series, 400);

let searchMs = 0;
let modelMs = 0;
let candidates = 0;
let foldCount = 0;
let phase3Ms = 0;
let phase3Cpu = 0;
const sums = { p1: 0, p2: 0, p3: 0, oracle: 0 };
const foldDecays = new Map<string, Record<string, number>>();
console.log('tenant                 phase1 phase2 phase3 oracle  phase-3 models');
for (const t of tenants) {
  const oracle = { expected: t.truth.expected };
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const { result: r3, folds } = runPhase3(t.series, { oracle });
  phase3Ms += performance.now() - w0;
  phase3Cpu += process.cpuUsage(c0).user / 1000;
  for (const f of folds) {
    searchMs += f.searchMs;
    modelMs += f.modelMs;
    candidates += f.search?.candidates ?? 0;
    foldCount++;
  }
  const decays: Record<string, number> = {};
  for (const c of t.series.channels) {
    const searched = folds.filter((f) => f.search !== null);
    decays[c] =
      searched.reduce((a, f) => a + (f.search?.params[c].decay ?? 0), 0) / searched.length;
  }
  foldDecays.set(t.info.tenant, decays);
  const r1 = compare ? trainLinearPhase(t.series, { phase: 1, oracle }) : null;
  const r2 = compare ? trainPhase2(t.series, { oracle }) : null;
  sums.p3 += r3.mean_r2;
  sums.p1 += r1?.mean_r2 ?? 0;
  sums.p2 += r2?.mean_r2 ?? 0;
  sums.oracle += r3.oracle_r2 ?? 0;
  console.log(
    `${t.info.tenant.padEnd(22)} ${r1 ? f3(r1.mean_r2) : '  -  '}  ${r2 ? f3(r2.mean_r2) : '  -  '}  ` +
      `${f3(r3.mean_r2)}  ${f3(r3.oracle_r2!)}   ${r3.model_kind}`,
  );
}
const n = tenants.length;
console.log(
  `mean R²: phase1 ${compare ? f3(sums.p1 / n) : '-'}  phase2 ${compare ? f3(sums.p2 / n) : '-'}  ` +
    `phase3 ${f3(sums.p3 / n)}  oracle ${f3(sums.oracle / n)}`,
);
console.log(
  `phase 3, ${n} tenants x 5 folds: wall ${(phase3Ms / 1000).toFixed(2)} s (CPU ${(phase3Cpu / 1000).toFixed(2)} s); ` +
    `search ${(searchMs / 1000).toFixed(2)} s, final models ${(modelMs / 1000).toFixed(2)} s; ` +
    `${candidates} candidates (${(candidates / foldCount).toFixed(0)} per fold, ` +
    `${((searchMs / candidates) * 1000).toFixed(0)} µs each)`,
);

if (recovery) {
  console.log(
    '\nrecovery (all-rows final models; est/true): tenant channel | decay fold-mean | ROAS p1 | ROAS p3 | mROAS p3 | state ROAS p3 | mean |state err| p1 -> p3',
  );
  for (const t of tenants.filter((x) => x.info.tier === 'extreme' || x.info.tier === 'high')) {
    const ex1 = explainFinalModel(t.series, fitFinalModel(t.series, 1), t);
    const model3 = fitFinalModel(t.series, 3);
    const ex3 = explainFinalModel(t.series, model3, t);
    t.series.channels.forEach((c, i) => {
      const tr = t.truth.channels[i];
      const d1 = ex1.channels[i];
      const d3 = ex3.channels[i];
      const stateErr = (ex: typeof ex3): number => {
        const errs = ex.weather_states.map((s) => Math.abs(s.channels[i].roas_error ?? Number.NaN));
        return errs.reduce((a, b) => a + b, 0) / errs.length;
      };
      const states = ex3.weather_states
        .map(
          (s) =>
            `${s.state.split(':')[1]} ${f2(s.channels[i].roas)}/${f2(s.channels[i].true_roas)}`,
        )
        .join(' ');
      console.log(
        `${t.info.tenant} ${c} | ${f2(foldDecays.get(t.info.tenant)![c])}/${f2(tr.decay)} ` +
          `(all rows ${f2(model3.channelParams![c].decay)}) | ${f2(d1.roas)}/${f2(tr.roas)} | ` +
          `${f2(d3.roas)}/${f2(tr.roas)} (${d3.roas_error! >= 0 ? '+' : ''}${(100 * d3.roas_error!).toFixed(0)}%) | ` +
          `${f2(d3.marginal_roas)}/${f2(d3.truth?.marginal_roas)} | ${states} | ${f2(stateErr(ex1))} -> ${f2(stateErr(ex3))} [${model3.kind}]`,
      );
    });
  }
}
