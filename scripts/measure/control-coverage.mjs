// Coverage of the controls' contribution intervals against the generator's event revenue (issue
// 15; docs/intervals.md "Controls' contributions"): generated event tenants of random shapes
// (ev<seed>_<i>: daily 1-3 years or weekly 2-3 years, 2-8 channels, correlation, canonical /
// renamed / no weather, Hill / logistic / exponential, geometric / delayed; two controls each,
// promo and holiday), phase 3's all-rows model explained with intervals at the default
// replicates, one JSON line per control. `--part K` of 2 takes every other tenant (two processes).
// `--sum A.jsonl [B.jsonl ...]` sums: coverage at 80% / 95%, the truth above / below the 80%
// interval, median absolute error and 80% width over the truth, by frequency.
// Usage: npm run build && node scripts/measure/control-coverage.mjs SEED COUNT [--part 0|1] [--repo DIR] > out.jsonl
//        node scripts/measure/control-coverage.mjs --sum out.jsonl [more.jsonl]
import fs from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

if (args[0] === '--sum') {
  const rows = args
    .slice(1)
    .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map(JSON.parse))
    .filter((r) => r.truth !== null && r.p80);
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const inside = (r, k) => r[k][0] <= r.truth && r.truth <= r[k][1];
  const line = (name, rs) => {
    if (rs.length === 0) return;
    const pct = (x) => `${(100 * x).toFixed(1)}%`;
    console.log(
      `${name.padEnd(8)} n=${String(rs.length).padStart(3)}  80%: ${pct(rs.filter((r) => inside(r, 'p80')).length / rs.length)}` +
        `  95%: ${pct(rs.filter((r) => inside(r, 'p95')).length / rs.length)}` +
        `  above/below 80%: ${rs.filter((r) => r.truth > r.p80[1]).length}/${rs.filter((r) => r.truth < r.p80[0]).length}` +
        `  median |error| ${pct(median(rs.map((r) => Math.abs(r.est / r.truth - 1))))}` +
        `  median 80% width / truth ${pct(median(rs.map((r) => (r.p80[1] - r.p80[0]) / Math.abs(r.truth))))}`,
    );
  };
  line('all', rows);
  for (const f of ['daily', 'weekly'])
    line(
      f,
      rows.filter((r) => r.frequency === f),
    );
  process.exit(0);
}

const repo = resolve(option('--repo') ?? '.');
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { shapeSpecOf, generateShape } = await load('src/core/data/index.js');
const { SeededRandom, seedFromString } = await load('src/core/random.js');
const { fitFinalModel } = await load('src/phases/final.js');
const { explainFinalModel } = await load('src/phases/explain.js');
const { addIntervals } = await load('src/phases/intervals.js');

const seed = Number(args[0]);
const count = Number(args[1]);
const part = option('--part');
const pick = (rng, xs) => xs[rng.int(xs.length)];
for (let i = 0; i < count; i++) {
  if (part !== undefined && i % 2 !== Number(part)) continue;
  const id = `ev${seed}_${i}`;
  const rng = new SeededRandom(seedFromString(`draw:${id}`, seed));
  const frequency = rng.uniform(0, 1) < 0.4 ? 'weekly' : 'daily';
  const years = frequency === 'weekly' ? pick(rng, [2, 3, 3]) : pick(rng, [1, 2, 3, 3]);
  const channels = pick(rng, [2, 2, 3, 3, 4, 5, 6, 8]);
  const correlation = rng.uniform(0, 1) < 0.35 ? Math.round(rng.uniform(0.3, 0.9) * 100) / 100 : 0;
  const weather = pick(rng, ['canonical', 'canonical', 'renamed', 'none']);
  const saturation = pick(rng, ['hill', 'hill', 'logistic', 'exponential']);
  const adstock = rng.uniform(0, 1) < 0.25 ? 'delayed' : 'geometric';
  const spec = shapeSpecOf(id, seed, {
    frequency,
    years,
    channels,
    correlation,
    weather,
    events: true,
    saturation,
    adstock,
  });
  const t = generateShape(spec);
  const model = fitFinalModel(t.series, 3);
  const e = addIntervals(explainFinalModel(t.series, model, t), t.series, model, {});
  for (const k of e.controls) {
    const iv = k.intervals?.contribution;
    console.log(
      JSON.stringify({
        id,
        frequency,
        years,
        channels,
        weather,
        control: k.control,
        reference: k.reference,
        active: k.active_rows,
        est: k.contribution,
        truth: k.truth?.contribution ?? null,
        p80: iv?.p80,
        p95: iv?.p95,
      }),
    );
  }
}
