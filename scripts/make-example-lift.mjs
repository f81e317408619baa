// Writes examples/outdoor-shop-lift.csv: a lift test for the walkthrough (docs/own-data.md, step
// 10) on the example file's source, the built-in synthetic tenant high_outdoor_gear: google goes
// dark for 8 Monday-to-Sunday weeks, the window the calibration bench gives google (from 150 days
// before the end of the data, bench/calibration.ts WINDOW_START_FROM_END), moved to the Monday on
// or before it so that it covers whole weekly rows of examples/outdoor-shop-weekly.csv. The true
// lift comes from the generator (simulateLiftTest); the reported lift is that plus noise with a
// standard error of 10% of it (seed 0), as the bench's tests.
// Run after `npm run build`: node scripts/make-example-lift.mjs
import { writeFileSync } from 'node:fs';
import { generateTenant, simulateLiftTest } from '../dist/src/core/data/index.js';

const tenant = generateTenant('high_outdoor_gear');
const dates = tenant.series.dates;
let from = dates.length - 150;
while (new Date(`${dates[from]}T00:00:00Z`).getUTCDay() !== 1) from--;
const sim = simulateLiftTest(tenant, {
  channel: 'google',
  start: dates[from],
  end: dates[from + 8 * 7 - 1],
  spendFactor: -1,
  relativeSe: 0.1,
  seed: 0,
});
const t = sim.test;
// Whole currency units, as an experiment's report would give them; the cut rounded towards zero
// so that it stays within what google spent in the window.
const r = (x) => String(Math.trunc(x));
const csv = [
  'channel,start_date,end_date,spend_change,incremental_revenue,standard_error',
  [
    t.channel,
    t.start,
    t.end,
    r(t.spend_change),
    r(t.incremental_revenue),
    r(t.standard_error),
  ].join(','),
].join('\n');
writeFileSync('examples/outdoor-shop-lift.csv', csv + '\n');
console.log(csv);
console.log(`true lift ${sim.true_lift.toFixed(2)}`);
