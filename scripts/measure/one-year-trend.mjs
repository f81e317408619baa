// A daily window of one year (367 rows, where support.ts holds the trend after the window): the
// trend's slope as the window reads it, and the next 121 days forecast with the trend held or
// extrapolated (phase 0's columns, Ridge at alpha 1), on the noisy and on the noise-free revenue.
// Diagnosis only: it reads the generator's truth. Sets: the built-in 20, the shape suite's daily
// tenants, and draws of bench/external.ts seasonalDaily (an additive recipe, linear trend).
// Usage: npm run build && node scripts/measure/one-year-trend.mjs [repoDir]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const repo = resolve(process.argv[2] ?? process.cwd());
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { generateTenant, BUILTIN_TENANT_IDS, SHAPE_SUITE, generateShape } =
  await load('src/core/data/index.js');
const { seasonalDaily } = await load('bench/external.js');
const { buildDesign } = await load('src/core/features.js');
const { windowColumns, trendHeldFlat } = await load('src/phases/support.js');
const { fitRidge, predictRidge } = await load('src/core/ridge.js');

const T = 367;
const TEST = 121;
const sets = [];
for (const id of BUILTIN_TENANT_IDS) {
  const t = generateTenant(id);
  sets.push(['built-in', id, t.series, t.truth.expected]);
}
for (const spec of SHAPE_SUITE) {
  const t = generateShape(spec);
  if (t.series.frequency === 'daily') sets.push(['suite', spec.id, t.series, t.truth.expected]);
}
for (let seed = 1; seed <= 8; seed++) {
  const t = seasonalDaily(seed);
  sets.push(['seasonalDaily', `seasonal_daily_s${seed}`, t.series, t.expected]);
}

const r2 = (y, p, start, end) => {
  let mean = 0;
  for (let i = start; i < end; i++) mean += y[i] / (end - start);
  let sse = 0;
  let sst = 0;
  for (let i = start; i < end; i++) {
    sse += (y[i] - p[i - start]) ** 2;
    sst += (y[i] - mean) ** 2;
  }
  return 1 - sse / sst;
};

const groups = new Map();
for (const [group, id, series, expected] of sets) {
  if (series.dates.length < T + TEST || !trendHeldFlat(T, 'daily')) continue;
  const design = buildDesign(series, { interactions: false, calendar: true });
  const j = design.names.indexOf('trend');
  const extrapolated = windowColumns(design, T, 'daily', true, series.controlNames).slice();
  extrapolated[j] = design.columns[j];
  const held = extrapolated.slice();
  held[j] = Float64Array.from(design.columns[j]).fill(design.columns[j][T - 1], T);
  const step = design.columns[j][1] - design.columns[j][0];
  const row = { id };
  for (const [label, y] of [
    ['noisy', series.target],
    ['noise-free', expected],
  ]) {
    let mean = 0;
    for (let t = 0; t < T; t++) mean += y[t] / T;
    const fit = fitRidge(extrapolated, y, { start: 0, end: T }, 1);
    const unit = extrapolated.map(() => Float64Array.of(0, 0));
    unit[j] = Float64Array.of(0, 1);
    const [a, b] = predictRidge(fit, unit, { start: 0, end: 2 });
    row[`${label} slope %/yr`] = (((b - a) * step * 365) / mean) * 100;
    const rows = { start: T, end: T + TEST };
    row[`${label} held`] = r2(
      series.target,
      predictRidge(fitRidge(held, y, { start: 0, end: T }, 1), held, rows),
      T,
      T + TEST,
    );
    row[`${label} extrapolated`] = r2(
      series.target,
      predictRidge(fit, extrapolated, rows),
      T,
      T + TEST,
    );
  }
  // The slope the whole series reads (three years are enough to tell trend from season).
  let mean = 0;
  for (const v of expected) mean += v / expected.length;
  const all = fitRidge(design.columns, expected, { start: 0, end: expected.length }, 0.01);
  const unit = design.columns.map(() => Float64Array.of(0, 0));
  unit[j] = Float64Array.of(0, 1);
  const [a, b] = predictRidge(all, unit, { start: 0, end: 2 });
  row['all rows noise-free slope %/yr'] = (((b - a) * step * 365) / mean) * 100;
  if (!groups.has(group)) groups.set(group, []);
  groups.get(group).push(row);
  console.log(
    [
      id.padEnd(30),
      ...Object.entries(row)
        .slice(1)
        .map(([k, v]) => `${k} ${v.toFixed(k.includes('%') ? 1 : 3)}`),
    ].join(' | '),
  );
}
for (const [group, rows] of groups) {
  const avg = (k) => rows.reduce((s, r) => s + r[k], 0) / rows.length;
  const worse = rows.filter((r) => r['noisy extrapolated'] < r['noisy held'] - 0.01).length;
  const better = rows.filter((r) => r['noisy extrapolated'] > r['noisy held'] + 0.01).length;
  console.log(
    `${group} (${rows.length}): next ${TEST} days R² held ${avg('noisy held').toFixed(3)}, extrapolated ${avg('noisy extrapolated').toFixed(3)} (worse on ${worse}, better on ${better}); slope %/yr one year ${avg('noise-free slope %/yr').toFixed(1)} noise-free, all rows ${avg('all rows noise-free slope %/yr').toFixed(1)}`,
  );
}
