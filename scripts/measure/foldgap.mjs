// Built-in 20 tenants: phase 3's gap to the oracle by fold (mean over tenants) and overall.
// Usage: npm run build && node scripts/measure/foldgap.mjs [repoDir]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const repo = resolve(process.argv[2] ?? process.cwd());
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { trainPhase } = await load('src/phases/index.js');
const { BUILTIN_TENANT_IDS, generateTenant } = await load('src/core/data/index.js');
const byFold = [];
const overall = [];
for (const id of BUILTIN_TENANT_IDS) {
  const tenant = generateTenant(id);
  const result = trainPhase(tenant.series, 3, {}, tenant);
  result.folds.forEach((f, i) => (byFold[i] ??= []).push(f.oracle_r2 - f.r2));
  overall.push(result.oracle_r2 - result.mean_r2);
}
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const folds = byFold.map((g) => mean(g).toFixed(3)).join(', ');
console.log(`gap by fold (oracle - phase 3): ${folds} | overall ${mean(overall).toFixed(3)}`);
