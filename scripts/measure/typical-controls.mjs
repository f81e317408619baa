// The controls' typical year against a held-out next year (issue 16; docs/planner.md "The
// controls' typical year"): generated event tenants (tc<seed>_<i>: daily or weekly, 1-4 years of
// history and one more year held out, two controls each, promo and holiday). Each control's
// typical year is chosen on the history alone (src/plan/typical-controls.ts) and scored on the
// held-out year: the mean absolute error of its sum over every 28-day (weekly: 4-week) window,
// beside the error of holding it at its mean. One line per control, frequency and history length;
// then controls of other kinds made here on random start dates ("made: ..."), 2-4 years each.
// Usage: npm run build && node scripts/measure/typical-controls.mjs SEED COUNT [--repo DIR]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const at = args.indexOf('--repo');
const repo = resolve(at >= 0 ? args[at + 1] : '.');
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { shapeSpecOf, generateShape } = await load('src/core/data/index.js');
const { SeededRandom, seedFromString } = await load('src/core/random.js');
const { typicalControl } = await load('src/plan/typical-controls.js');

/**
 * Mean absolute error of the control's sum over every `window` periods of the held-out year: the
 * typical year's and its mean's.
 */
function windowErrors(truth, typical, window) {
  let chosenError = 0;
  let meanError = 0;
  let windows = 0;
  for (let a = 0; a + window <= truth.length; a++) {
    let sumTruth = 0;
    let sumTypical = 0;
    for (let t = a; t < a + window; t++) {
      sumTruth += truth[t];
      sumTypical += typical.values[t];
    }
    chosenError += Math.abs(sumTruth - sumTypical);
    meanError += Math.abs(sumTruth - typical.mean * window);
    windows++;
  }
  return { chosenError: chosenError / windows, meanError: meanError / windows };
}

const seed = Number(args[0]);
const count = Number(args[1]);
const pick = (rng, xs) => xs[rng.int(xs.length)];
const sums = {};
for (let i = 0; i < count; i++) {
  const id = `tc${seed}_${i}`;
  const rng = new SeededRandom(seedFromString(`draw:${id}`, seed));
  const frequency = rng.uniform(0, 1) < 0.4 ? 'weekly' : 'daily';
  const years = pick(rng, [1, 2, 2, 3, 3, 4]);
  const spec = shapeSpecOf(id, seed, {
    frequency,
    years: years + 1,
    channels: 2,
    weather: 'none',
    events: true,
  });
  const s = generateShape(spec).series;
  const perYear = frequency === 'weekly' ? 52 : 365;
  const n = s.dates.length - perYear;
  const history = {
    ...s,
    dates: s.dates.slice(0, n),
    controls: s.controls.map((x) => x.slice(0, n)),
  };
  const future = s.dates.slice(n);
  const window = frequency === 'weekly' ? 4 : 28;
  for (const [j, name] of s.controlNames.entries()) {
    const typical = typicalControl(history, name, future);
    const { chosenError, meanError } = windowErrors(s.controls[j].slice(n), typical, window);
    const key = `${name} ${frequency} ${years}y`;
    sums[key] ??= { n: 0, aligned: {}, chosen: 0, mean: 0 };
    sums[key].n++;
    sums[key].aligned[typical.alignment] = (sums[key].aligned[typical.alignment] ?? 0) + 1;
    sums[key].chosen += chosenError;
    sums[key].mean += meanError;
  }
}
// Controls of other kinds on random start dates (made here, not by the generator): holidays on
// fixed dates, on weekdays (the n-th weekday of a month), one skipped in a year, a seasonal price;
// and of no calendar: random days at 1-20%, runs at random, a random-walk price, a step that
// has not ended (0, then 1 from a day in the history's 10-90% on).
const { isoFromDays, parseIsoDay } = await load('src/core/csv.js');
const kinds = ['fixed', 'weekday', 'skipped', 'seasonal', 'random', 'runs', 'walk', 'step'];
for (let i = 0; i < count; i++) {
  const rng = new SeededRandom(seedFromString(`kinds:${i}`, seed));
  const frequency = rng.uniform(0, 1) < 0.4 ? 'weekly' : 'daily';
  const years = pick(rng, [2, 2, 3, 3, 4]);
  const step = frequency === 'weekly' ? 7 : 1;
  const first = parseIsoDay('2019-01-01') + rng.int(700);
  const rows = Math.round(((years + 1) * 365) / step);
  const dates = Array.from({ length: rows }, (_, t) => isoFromDays(first + t * step));
  const daysOf = (t) => Array.from({ length: step }, (_, k) => isoFromDays(first + t * step + k));
  const fixed = Array.from({ length: 1 + rng.int(4) }, () => ({
    md: isoFromDays(parseIsoDay('2021-01-01') + rng.int(365)).slice(5),
    len: 1 + rng.int(3),
  }));
  const nth = {
    month: 1 + rng.int(12),
    weekday: rng.int(7),
    n: 1 + rng.int(4),
    len: 1 + rng.int(3),
  };
  const skipYear = Number(dates[0].slice(0, 4)) + 1 + rng.int(years);
  const isWeekdayHoliday = (d) => {
    const [y, m, day] = [Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10))];
    for (let k = 0; k < nth.len; k++) {
      const start = parseIsoDay(d) - k;
      const s0 = isoFromDays(start);
      if (Number(s0.slice(5, 7)) !== nth.month) continue;
      const wd = new Date(
        Date.UTC(Number(s0.slice(0, 4)), nth.month - 1, Number(s0.slice(8, 10))),
      ).getUTCDay();
      if (wd === nth.weekday && Math.ceil(Number(s0.slice(8, 10)) / 7) === nth.n) return 1;
    }
    void y;
    void m;
    void day;
    return 0;
  };
  const isFixed = (d) =>
    fixed.some(({ md, len }) =>
      Array.from({ length: len }, (_, k) =>
        isoFromDays(parseIsoDay(`${d.slice(0, 4)}-${md}`) + k),
      ).includes(d),
    );
  const density = pick(rng, [0.01, 0.05, 0.2]);
  // A step that has not ended (a new store): 0, then 1 from a day in the history's 10-90% on.
  const stepRng = new SeededRandom(seedFromString(`step:${i}`, seed));
  const stepDay =
    first + Math.round((0.1 + 0.8 * stepRng.uniform(0, 1)) * (rows - 365 / step) * step);
  let walk = 0;
  let runLeft = 0;
  const daily = {
    fixed: (d) => (isFixed(d) ? 1 : 0),
    weekday: isWeekdayHoliday,
    skipped: (d) => (isFixed(d) && Number(d.slice(0, 4)) !== skipYear ? 1 : 0),
    seasonal: (d) =>
      10 + Math.sin((2 * Math.PI * (parseIsoDay(d) % 365.25)) / 365.25) + rng.normal(0, 0.3),
    random: () => (rng.uniform(0, 1) < density ? 1 : 0),
    runs: () => {
      if (runLeft > 0) return runLeft-- > 0 ? 1 : 0;
      if (rng.uniform(0, 1) < 1 / 60) runLeft = 2 + rng.int(8);
      return 0;
    },
    walk: () => (walk += rng.normal(0, 0.1)),
    step: (d) => (parseIsoDay(d) >= stepDay ? 1 : 0),
  };
  for (const kind of kinds) {
    // Weekly rows sum the days (events) or average them (prices).
    const mean = kind === 'seasonal' || kind === 'walk';
    const x = Float64Array.from(dates, (_, t) => {
      const v = daysOf(t).map((d) => daily[kind](d));
      const sum = v.reduce((a, b) => a + b, 0);
      return mean ? sum / step : sum;
    });
    const n = rows - Math.round(365 / step);
    const history = {
      dates: dates.slice(0, n),
      frequency,
      controlNames: [kind],
      controls: [x.slice(0, n)],
    };
    const future = dates.slice(n);
    const typical = typicalControl(history, kind, future);
    const window = frequency === 'weekly' ? 4 : 28;
    const { chosenError, meanError } = windowErrors(x.subarray(n), typical, window);
    const key = `made: ${kind} ${frequency}`;
    sums[key] ??= { n: 0, aligned: {}, chosen: 0, mean: 0 };
    sums[key].n++;
    sums[key].aligned[typical.alignment] = (sums[key].aligned[typical.alignment] ?? 0) + 1;
    sums[key].chosen += chosenError;
    sums[key].mean += meanError;
  }
}
for (const [key, v] of Object.entries(sums).sort()) {
  console.log(
    `${key.padEnd(22)} tenants ${String(v.n).padStart(3)}  ` +
      `window |error|: typical year ${(v.chosen / v.n).toFixed(3)}, mean ${(v.mean / v.n).toFixed(3)}  ` +
      Object.entries(v.aligned)
        .sort()
        .map(([a, k]) => `${a} ${k}`)
        .join(', '),
  );
}
