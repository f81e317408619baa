// Phases 0-3 on many draws of one data shape beside the oracle, and the issue-13 target counts:
// tenants with a fold R² < 0 where the oracle's is >= 0.5 (any phase) and with a phase more than
// 0.01 below the one before. In-process through trainPhase, single thread. Usage (after `npm run
// build`):
//   node scripts/measure/draws.mjs [--repo DIR] --from S --to S [--per N] [--prefix P]
//        [--spec JSON | --suite SHAPE_ID | --set] [--rows N] [--quiet]
// --spec: generator options as `wv-mmm generate` takes them, e.g.
//   '{"frequency":"daily","years":1,"channels":3,"events":true}' (ids P_sS_i, P default d1, the
//   CLI's); --suite: a shape of the suite drawn with each seed; --set: generateTenantSet(20, seed);
//   --rows N: the first N rows only (data of other lengths than whole years).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    repo: { type: 'string', default: process.cwd() },
    from: { type: 'string' },
    to: { type: 'string' },
    per: { type: 'string', default: '1' },
    prefix: { type: 'string', default: 'd1' },
    spec: { type: 'string' },
    suite: { type: 'string' },
    set: { type: 'boolean', default: false },
    rows: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});
if (o.from === undefined || o.to === undefined || (!o.spec && !o.suite && !o.set)) {
  console.error('usage: draws.mjs --from S --to S (--spec JSON | --suite SHAPE_ID | --set) [...]');
  process.exit(2);
}
const load = (p) => import(pathToFileURL(`${resolve(o.repo)}/dist/${p}`).href);
const { generateShape, shapeSpecOf, suiteShape, generateTenantSet } =
  await load('src/core/data/index.js');
const { trainPhase } = await load('src/phases/index.js');

/** The tenants of one seed. */
function draw(seed) {
  if (o.set) return generateTenantSet(20, { seed });
  if (o.suite) return [generateShape(suiteShape(o.suite), { seed })];
  const spec = JSON.parse(o.spec);
  return Array.from({ length: Number(o.per) }, (_, i) =>
    generateShape(shapeSpecOf(`${o.prefix}_s${seed}_${i}`, seed, spec), { seed }),
  );
}

/** The first n rows of a tenant and of its truth. */
function firstRows(t, n) {
  const cut = (a) => a.slice(0, n);
  const s = t.series;
  return {
    ...t,
    series: {
      ...s,
      dates: cut(s.dates),
      target: cut(s.target),
      spend: s.spend.map(cut),
      weather: s.weather.map(cut),
      controls: s.controls.map(cut),
    },
    truth: { ...t.truth, expected: cut(t.truth.expected) },
  };
}

const sums = [0, 0, 0, 0];
let oracle = 0;
let n = 0;
let negative = 0;
let drops = 0;
for (let seed = Number(o.from); seed <= Number(o.to); seed++) {
  for (let t of draw(seed)) {
    if (o.rows) t = firstRows(t, Number(o.rows));
    const rs = [0, 1, 2, 3].map((p) => trainPhase(t.series, p, {}, t));
    const oracleFolds = rs[0].folds.map((f) => f.oracle_r2);
    const below = rs.some((r) => r.folds.some((f, k) => f.r2 < 0 && oracleFolds[k] >= 0.5));
    const dropped = [1, 2, 3].filter((p) => rs[p].mean_r2 < rs[p - 1].mean_r2 - 0.01);
    n++;
    oracle += rs[0].oracle_r2;
    rs.forEach((r, p) => (sums[p] += r.mean_r2));
    if (below) negative++;
    if (dropped.length > 0) drops++;
    if (!o.quiet) {
      console.log(
        `${t.series.tenant}@${seed} oracle ${rs[0].oracle_r2.toFixed(3)} phases ${rs
          .map((r) => r.mean_r2.toFixed(3))
          .join(
            '/',
          )}${below ? ' fold<0' : ''}${dropped.length ? ` drop p${dropped.join(',p')}` : ''}`,
      );
    }
  }
}
const f3 = (x) => x.toFixed(3);
console.log(
  `tenants ${n}: oracle ${f3(oracle / n)}, phases 0-3 ${sums.map((s) => f3(s / n)).join('/')}; ` +
    `with a fold < 0 (oracle >= 0.5) ${negative}, with a phase drop > 0.01 ${drops}`,
);
