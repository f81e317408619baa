// Writes examples/outdoor-shop-weekly.csv: the walkthrough's example (docs/own-data.md), a
// spreadsheet-style weekly export made from the built-in synthetic tenant high_outdoor_gear
// (so the truth is known): Monday weeks, spend and sales summed, weather averaged (precipitation
// as the mean per day, as docs/csv-format.md asks of weekly rows), plus a small test channel with almost no spend that the generator gave no effect.
// Run after `npm run build`: node scripts/make-example-csv.mjs
import { writeFileSync } from 'node:fs';
import { generateTenant } from '../dist/src/core/data/index.js';

const { series } = generateTenant('high_outdoor_gear');
const meta = series.spend[series.channels.indexOf('meta')];
const google = series.spend[series.channels.indexOf('google')];
const w = (name) => series.weather[series.weatherNames.indexOf(name)];
const temp = w('temperature_c');
const rain = w('precipitation_mm');
const hum = w('humidity_pct');
const wind = w('wind_kph');
// 2022-01-01 is a Saturday: the first Monday is row 2.
const first = series.dates.indexOf('2022-01-03');
const weeks = Math.floor((series.dates.length - first) / 7);
// A test channel: spend in a handful of weeks only.
const tiktokWeeks = new Map([
  [40, 180],
  [41, 220],
  [90, 150],
  [91, 260],
  [140, 200],
]);
const r = (x, d) => (Math.round(x * 10 ** d) / 10 ** d).toFixed(d);
const lines = [
  'week,meta_spend,google_spend,tiktok_spend,temperature_c,precipitation_mm,humidity_pct,wind_kph,sales',
];
for (let k = 0; k < weeks; k++) {
  const s = first + 7 * k;
  let m = 0,
    g = 0,
    t = 0,
    p = 0,
    h = 0,
    wk = 0,
    y = 0;
  for (let d = s; d < s + 7; d++) {
    m += meta[d];
    g += google[d];
    t += temp[d];
    p += rain[d];
    h += hum[d];
    wk += wind[d];
    y += series.target[d];
  }
  lines.push(
    [
      series.dates[s],
      r(m, 2),
      r(g, 2),
      r(tiktokWeeks.get(k) ?? 0, 2),
      r(t / 7, 1),
      r(p / 7, 1),
      r(h / 7, 0),
      r(wk / 7, 1),
      r(y, 2),
    ].join(','),
  );
}
writeFileSync(
  new URL('../examples/outdoor-shop-weekly.csv', import.meta.url),
  lines.join('\n') + '\n',
);
console.log(`wrote ${weeks} weeks`);
