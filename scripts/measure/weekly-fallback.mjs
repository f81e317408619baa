// Weekly phase 3 where its check fails or cannot be made (issue 13): the mean with phase 2's
// laddered model (today) against phase 2's model alone, per rule, with the shape suite's per-tenant
// targets. Rules: base (the mean), A (a failed or within-noise check falls back), B (an unchecked
// fold falls back), C (both). Tenants: the suite's weekly shapes drawn with each base seed, and
// two generated weekly shapes per seed (gw_s<seed>_<i>: 2-3 years, 2-8 channels, the other
// settings cycled by seed). Phases 0-2 do not depend on the rule and run once.
// Usage: node scripts/measure/weekly-fallback.mjs FIRST_SEED LAST_SEED [--suite-only] > out.jsonl
// (one JSON line per tenant); summary: node scripts/measure/weekly-fallback.mjs --sum out.jsonl
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const repo = new URL('../..', import.meta.url).pathname;
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);

const RULES = {
  base: {},
  A: { weeklyFailedFallsBack: true },
  B: { weeklyUncheckedFallsBack: true },
  C: { weeklyFailedFallsBack: true, weeklyUncheckedFallsBack: true },
};

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

async function run(first, last, suiteOnly) {
  const { SHAPE_SUITE, generateShape, shapeSpecOf } = await load('src/core/data/index.js');
  const { trainPhase } = await load('src/phases/index.js');
  const { trainPhase3 } = await load('src/phases/phase3.js');
  const { phaseFigures, shapeRow, meetsTargets } = await load('bench/shapes.js');
  const weekly = SHAPE_SUITE.filter((s) => s.frequency === 'weekly');
  for (let seed = first; seed <= last; seed++) {
    const specs = weekly.map((spec) => ({ spec, seed, kind: 'suite' }));
    if (!suiteOnly) {
      for (let i = 0; i < 2; i++) {
        const id = `gw_s${seed}_${i}`;
        specs.push({ spec: shapeSpecOf(id, seed, generatedOptions(seed, i)), seed, kind: 'gen' });
      }
    }
    for (const { spec, kind } of specs) {
      const tenant = generateShape(spec, { seed });
      const lower = [0, 1, 2].map((p) => phaseFigures(trainPhase(tenant.series, p, {}, tenant)));
      const rules = {};
      for (const [name, opts] of Object.entries(RULES)) {
        const p3 = trainPhase3(tenant.series, {
          oracle: { expected: tenant.truth.expected },
          ...opts,
        });
        const row = shapeRow(spec, tenant.series.dates.length, [...lower, phaseFigures(p3)]);
        rules[name] = {
          p3: p3.mean_r2,
          fold_r2: p3.folds.map((f) => f.r2),
          used: p3.folds.map((f) => f.fallback?.used_phase ?? 3),
          targets: row.targets,
          met: meetsTargets(row),
        };
      }
      const out = {
        seed,
        kind,
        tenant: spec.id,
        years: spec.years,
        channels: spec.channels,
        oracle: lower[2].oracle_mean_r2,
        p: lower.map((f) => f.mean_r2),
        oracle_fold: lower[2].oracle_fold_r2,
        rules,
      };
      console.log(JSON.stringify(out));
      process.stderr.write(
        `${seed} ${spec.id} ${Object.entries(rules)
          .map(([k, v]) => `${k} ${v.p3.toFixed(3)}${v.met ? '' : '*'}`)
          .join(' ')}\n`,
      );
    }
  }
}

function sum(files) {
  const rows = files.flatMap((f) =>
    fs
      .readFileSync(f, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  );
  const groups = {
    all: rows,
    suite: rows.filter((r) => r.kind === 'suite'),
    gen: rows.filter((r) => r.kind === 'gen'),
  };
  for (const [g, rs] of Object.entries(groups)) {
    if (!rs.length) continue;
    console.log(`${g}: ${rs.length} tenants`);
    for (const name of Object.keys(RULES)) {
      let met = 0,
        drop = 0,
        drop32 = 0,
        far = 0,
        neg = 0,
        p3 = 0,
        p2 = 0;
      for (const r of rs) {
        const x = r.rules[name];
        if (x.met) met++;
        if (x.targets.no_phase_drop === false) drop++;
        if (x.p3 < r.p[2] - 0.01) drop32++;
        if (x.targets.phase3_near_oracle === false) far++;
        if (!x.targets.no_negative_fold) neg++;
        p3 += x.p3;
        p2 += r.p[2];
      }
      const n = rs.length;
      console.log(
        `  ${name.padEnd(4)} all targets ${met}/${n}  phase drop ${drop} (p3<p2 ${drop32})  >=2y gap>0.10 ${far}  fold<0 (oracle>=0.5) ${neg}  mean p3 ${(p3 / n).toFixed(4)} p2 ${(p2 / n).toFixed(4)}`,
      );
    }
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--sum') sum(argv.slice(1));
else await run(Number(argv[0]), Number(argv[1]), argv.includes('--suite-only'));
