// Recurring events seen once in a window (support.ts windowPulses, pulsesEnded; docs/modeling.md
// "One-off events ... recurring after the window"): generated event tenants (weekly, or daily with
// FREQ=daily; 2 and 3 years, 2-5 channels, no or canonical weather) with the holiday column replaced
// by one 0/1 flag per event (the week, or day, of Black Friday's Friday; of 11 July), as an
// `events` column of text categories reads: each moves on one row of a year's window. Phases 0-3
// with the oracle, one JSON line per tenant.
// Usage: npm run build && [FREQ=daily] node scripts/measure/recurring-events.mjs REPO FROM TO [YEARS]
import { pathToFileURL } from 'node:url';
const repo = process.argv[2];
const [from, to] = [Number(process.argv[3]), Number(process.argv[4])];
const years = process.argv[5] ? process.argv[5].split(',').map(Number) : [2, 3];
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { generateShape, shapeSpecOf } = await load('src/core/data/index.js');
const { trainPhase } = await load('src/phases/index.js');
const { parseIsoDay, isoFromDays } = await load('src/core/csv.js');
const rows = [];
for (let seed = from; seed <= to; seed++) {
  for (const y of years) {
    const id = `pw${seed}_${y}`;
    const t = generateShape(
      shapeSpecOf(id, seed, {
        frequency: process.env.FREQ ?? 'weekly',
        years: y,
        events: true,
        weather: seed % 2 ? 'none' : 'canonical',
        channels: 2 + (seed % 4),
      }),
      { seed },
    );
    const s = t.series;
    const span = (process.env.FREQ ?? 'weekly') === 'weekly' ? 7 : 1;
    const inWeek = (monday, test) => {
      for (let k = 0; k < span; k++) if (test(isoFromDays(parseIsoDay(monday) + k))) return 1;
      return 0;
    };
    const isBF = (d) => {
      const yy = Number(d.slice(0, 4));
      const nov1 = new Date(Date.UTC(yy, 10, 1)).getUTCDay();
      const th = 1 + ((4 - nov1 + 7) % 7) + 21;
      return d === `${yy}-11-${String(th + 1).padStart(2, '0')}`;
    };
    const bf = Float64Array.from(s.dates, (d) => inWeek(d, isBF));
    const july = Float64Array.from(s.dates, (d) => inWeek(d, (x) => x.slice(5) === '07-11'));
    const h = s.controlNames.indexOf('holiday');
    const series = {
      ...s,
      controlNames: [...s.controlNames.filter((_, j) => j !== h), 'bf', 'july'],
      controls: [...s.controls.filter((_, j) => j !== h), bf, july],
    };
    const rs = [0, 1, 2, 3].map((p) => trainPhase(series, p, {}, { ...t, series }));
    rows.push({
      id,
      years: y,
      oracle: rs[0].oracle_r2,
      oracleFolds: rs[0].folds.map((f) => f.oracle_r2),
      phases: rs.map((r) => r.mean_r2),
      folds: rs.map((r) => r.folds.map((f) => f.r2)),
    });
    console.log(JSON.stringify(rows.at(-1)));
  }
}
