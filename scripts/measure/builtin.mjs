// Built-in 20 tenants, phases 0-3 beside the oracle: the README's built-in table (single thread).
// Usage: npm run build && node scripts/measure/builtin.mjs [repoDir]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const repo = resolve(process.argv[2] ?? process.cwd());
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { builtinReport, formatBuiltinReport } = await load('bench/shapes.js');
const { trainPhase } = await load('src/phases/index.js');
const { BUILTIN_TENANT_IDS, generateTenant } = await load('src/core/data/index.js');
const results = [];
for (const id of BUILTIN_TENANT_IDS) {
  const tenant = generateTenant(id);
  results.push([0, 1, 2, 3].map((phase) => trainPhase(tenant.series, phase, {}, tenant)));
}
console.log(formatBuiltinReport(builtinReport(results)));
