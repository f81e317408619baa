// Channel cost of phase 3: CPU of extreme_ski_gear (2 channels) and its 10-channel widening,
// N interleaved runs per build; prints minima, medians and their ratios (the README's "Many
// channels" figures). Give two builds to compare them in the same runs.
// Usage: npm run build && node scripts/measure/chan-ab.mjs N [repoDir ...]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const runs = Number(process.argv[2]);
const repos = process.argv.length > 3 ? process.argv.slice(3) : [process.cwd()];
const cpuMs = (f) => {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const builds = [];
for (const dir of repos) {
  const load = (p) => import(pathToFileURL(`${resolve(dir)}/dist/${p}`).href);
  const { generateTenant } = await load('src/core/data/index.js');
  const { trainPhase } = await load('src/phases/index.js');
  const { widenChannels } = await load('bench/scale.js');
  const tenant = generateTenant('extreme_ski_gear');
  const wide = widenChannels(tenant.series, 10);
  const two = () => trainPhase(tenant.series, 3, {}, tenant);
  const ten = () => trainPhase(wide, 3, {}, tenant);
  two(); // warm-up (JIT), not counted
  ten();
  builds.push({ dir, two, ten, a: [], b: [] });
}
for (let i = 0; i < runs; i++) {
  for (const b of builds) {
    b.a.push(cpuMs(b.two));
    b.b.push(cpuMs(b.ten));
  }
}
for (const b of builds) {
  b.a.sort((x, y) => x - y);
  b.b.sort((x, y) => x - y);
  const h = runs >> 1;
  const ms = (x) => x.toFixed(0);
  console.log(
    `${b.dir}: 2ch min/med ${ms(b.a[0])} ${ms(b.a[h])}, 10ch min/med ${ms(b.b[0])} ${ms(b.b[h])},`,
    `ratio min ${(b.b[0] / b.a[0]).toFixed(2)} med ${(b.b[h] / b.a[h]).toFixed(2)}`,
  );
}
