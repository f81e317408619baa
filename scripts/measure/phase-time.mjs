// Wall seconds of one phase over the built-in 20 tenants, one thread, in-process: the first (cold)
// pass, the second, then the minimum and median of 10 warm passes. Run two builds alternately on
// a quiet machine to compare them; `npm run bench` gives the ratios against the peers.
// Usage: npm run build && node scripts/measure/phase-time.mjs [repoDir] [phase, default 0]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repo = resolve(process.argv[2] ?? process.cwd());
const phase = Number(process.argv[3] ?? 0);
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { BUILTIN_TENANT_IDS, generateTenant } = await load('src/core/data/index.js');
const { trainPhase } = await load('src/phases/index.js');
const tenants = BUILTIN_TENANT_IDS.map((id) => generateTenant(id));
const seconds = [];
for (let pass = 0; pass < 12; pass++) {
  const t0 = performance.now();
  for (const t of tenants) trainPhase(t.series, phase, {}, t);
  seconds.push((performance.now() - t0) / 1000);
}
const warm = seconds.slice(2).sort((a, b) => a - b);
const median = (warm[4] + warm[5]) / 2;
console.log(
  `${repo} phase ${phase}: first ${seconds[0].toFixed(3)} s, second ${seconds[1].toFixed(3)} s, warm min ${warm[0].toFixed(3)} s, median ${median.toFixed(3)} s`,
);
