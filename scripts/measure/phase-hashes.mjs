// One sha256 per tenant of every phase's full result (JSON, timings left out) on the built-in 20
// and the shape suite, and one over all: two builds that should give the same bits (a speed-up, a
// refactor) print the same lines. Diagnosis only.
// Usage: npm run build && node scripts/measure/phase-hashes.mjs [repoDir] [phases, default 0,1,2,3]
//        SEED=S node scripts/measure/phase-hashes.mjs ...   the shape suite drawn with seed S alone
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repo = resolve(process.argv[2] ?? process.cwd());
const phases = (process.argv[3] ?? '0,1,2,3').split(',').map(Number);
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { trainPhase } = await load('src/phases/index.js');
const { BUILTIN_TENANT_IDS, generateTenant, SHAPE_SUITE, generateShape, DEFAULT_SEED } =
  await load('src/core/data/index.js');
const seed = process.env.SEED ? Number(process.env.SEED) : null;
const tenants = [
  ...(seed === null ? BUILTIN_TENANT_IDS.map((id) => generateTenant(id)) : []),
  ...SHAPE_SUITE.map((s) => generateShape(s, { seed: seed ?? DEFAULT_SEED })),
];
const timing = new Set(['seconds', 'fit_seconds', 'ms']);
const all = createHash('sha256');
for (const t of tenants) {
  const h = createHash('sha256');
  for (const p of phases) {
    const r = trainPhase(t.series, p, {}, t);
    h.update(JSON.stringify(r, (k, v) => (timing.has(k) ? undefined : v)));
  }
  const digest = h.digest('hex').slice(0, 12);
  all.update(digest);
  console.log(t.info.tenant, digest);
}
console.log('ALL', all.digest('hex').slice(0, 16));
