// Weekly tenants against the shape suite's targets (issue 13): the suite's weekly shapes drawn with
// each seed and two generated weekly shapes per seed (gw_s<seed>_<i>: 2-3 years, 2-8 channels,
// correlation, weather, events, saturation and carry-over cycled by seed, as
// scripts/measure/weekly-fallback.mjs draws them), phases 0-3 through trainPhase with the oracle,
// one JSON line per tenant (mean fold R² per phase, phase 3's folds, the targets of
// bench/shapes.ts). `--sum A.jsonl [B.jsonl]` sums a file, or two runs of the same seeds paired
// (A the base, B the change): tenants meeting every target, with a phase drop > 0.01, of 2+ years
// more than 0.10 below the oracle, with a fold < 0 where the oracle's is >= 0.5, phase means.
// Usage: npm run build && node scripts/measure/weekly-targets.mjs FIRST_SEED LAST_SEED [--repo DIR] > out.jsonl
//        node scripts/measure/weekly-targets.mjs --sum out.jsonl [other.jsonl]
import fs from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const at = args.indexOf('--repo');
const repo = resolve(at >= 0 ? args[at + 1] : '.');
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);

function generatedOptions(seed, i) {
  const k = seed + 7 * i;
  return {
    frequency: 'weekly',
    years: 2 + (k % 2),
    channels: 2 + ((seed * 5 + i * 3) % 7),
    correlation: [0, 0.3, 0.6, 0.8][(seed + 2 * i) % 4],
    weather: ['canonical', 'renamed', 'none'][(seed * 3 + i) % 3],
    events: (seed + i) % 3 === 0,
    saturation: ['hill', 'logistic', 'exponential'][(seed * 2 + i) % 3],
    adstock: ['geometric', 'delayed'][Math.floor(seed / 2 + i) % 2],
  };
}

const read = (f) =>
  fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

function summary(rows) {
  const count = (f) => rows.filter(f).length;
  const mean = (k) => (rows.reduce((a, r) => a + r.p[k], 0) / rows.length).toFixed(4);
  return (
    `every target ${count((r) => r.met)}/${rows.length}, phase drop ${count((r) => !r.targets.no_phase_drop)}, ` +
    `>= 2y > 0.10 below the oracle ${count((r) => r.targets.phase3_near_oracle === false)}, ` +
    `fold < 0 (oracle >= 0.5) ${count((r) => !r.targets.no_negative_fold)}, ` +
    `phases 0-3 ${[0, 1, 2, 3].map(mean).join('/')}`
  );
}

if (args[0] === '--sum') {
  const a = read(args[1]);
  const b = args[2] ? read(args[2]) : null;
  const key = (r) => `${r.seed}:${r.tenant}`;
  const other = new Map((b ?? []).map((r) => [key(r), r]));
  for (const group of ['all', 'suite', 'gen']) {
    const rows = a.filter((r) => group === 'all' || r.kind === group);
    if (rows.length === 0) continue;
    console.log(`${group} (${rows.length}): ${summary(rows)}`);
    if (b) {
      const paired = rows.filter((r) => other.has(key(r)));
      console.log(`  against: ${summary(paired.map((r) => other.get(key(r))))}`);
    }
  }
} else {
  const { SHAPE_SUITE, generateShape, shapeSpecOf } = await load('src/core/data/index.js');
  const { trainPhase } = await load('src/phases/index.js');
  const { phaseFigures, shapeRow, meetsTargets } = await load('bench/shapes.js');
  const weekly = SHAPE_SUITE.filter((s) => s.frequency === 'weekly');
  for (let seed = Number(args[0]); seed <= Number(args[1]); seed++) {
    const specs = weekly.map((spec) => ({ spec, kind: 'suite' }));
    for (let i = 0; i < 2; i++) {
      const spec = shapeSpecOf(`gw_s${seed}_${i}`, seed, generatedOptions(seed, i));
      specs.push({ spec, kind: 'gen' });
    }
    for (const { spec, kind } of specs) {
      const tenant = generateShape(spec, { seed });
      const figures = [0, 1, 2, 3].map((p) =>
        phaseFigures(trainPhase(tenant.series, p, {}, tenant)),
      );
      const row = shapeRow(spec, tenant.series.dates.length, figures);
      const line = {
        seed,
        kind,
        tenant: spec.id,
        oracle: figures[3].oracle_mean_r2,
        p: figures.map((f) => f.mean_r2),
        fold3: figures[3].fold_r2,
        targets: row.targets,
        met: meetsTargets(row),
      };
      console.log(JSON.stringify(line));
    }
  }
}
