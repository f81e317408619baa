// Where phase 3 loses to the oracle, by fold, on generated shape tenants (docs/modeling.md, "Daily
// data of two years: the gap is the short folds' level, not the media form"). Per fold, mean fold
// R² over the tenants of:
//   oracle     the noise-free expected revenue
//   p3         phase 3 as trained (the ladder's fold model)
//   p3-level   the same forecasts with their mean error on the test block removed (what is left
//              once the level is right: the level's share of the gap is p3-level - p3)
//   trueMedia  the phase-3 design with each channel's TRUE media response (the generator's carry-over
//              and saturation, beta 1) as its media column, our base; Ridge/GBM chosen as phase 3
//              does (the media form's share of the gap is trueMedia - p3)
//   +growth, +season, +holiday, +weather, +all   trueMedia with that factor of the generator's
//              multiplicative base known (taken out of the target before the fit, put back after)
// Diagnosis only: it reads the generator's truth, which no model may see.
// Usage: npm run build && node scripts/measure/foldparts.mjs [--repo DIR] --seed S --tenants N
//        [--prefix P] [--frequency daily] [--years Y] [--channels C] [--correlation R]
//        [--saturation F] [--adstock F] [--no-weather] [--renamed-weather] [--events]
//        [--min-train ROWS] (the user protocol option: each fold trains on at least ROWS rows)
//    or  node scripts/measure/foldparts.mjs [--repo DIR] --suite shape_daily_2y_delayed,...
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const repo = resolve(value('--repo') ?? process.cwd());
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { generateShape, shapeSpecOf, suiteShape, mediaEffect } =
  await load('src/core/data/index.js');
const { SeededRandom, seedFromString } = await load('src/core/random.js');
const { drawBaselinePlan, holidayShape } = await load('src/core/data/revenue.js');
const { dailyCalendar, yearPhase } = await load('src/core/data/calendar.js');
const { ladderOf, protocolOf } = await load('src/phases/phase2.js');
const { predictFold, temperatureHingesFor } = await load('src/phases/ladder.js');
const { FOLD_MODEL_LAGS } = await load('src/phases/search.js');
const { buildDesign } = await load('src/core/features.js');
const { windowColumns } = await load('src/phases/support.js');
const { chooseAndFit, predictChosen } = await load('src/phases/choose.js');
const { r2 } = await load('src/core/metrics.js');
const { DEFAULT_SEED } = await load('src/core/data/index.js');

const specs = [];
if (value('--suite')) {
  for (const id of value('--suite').split(',')) specs.push([suiteShape(id), DEFAULT_SEED]);
} else {
  const seed = Number(value('--seed'));
  const count = Number(value('--tenants') ?? 1);
  const options = {
    frequency: value('--frequency') ?? 'daily',
    years: value('--years') ? Number(value('--years')) : undefined,
    channels: value('--channels') ? Number(value('--channels')) : undefined,
    correlation: value('--correlation') ? Number(value('--correlation')) : undefined,
    saturation: value('--saturation'),
    adstock: value('--adstock'),
    events: flag('--events') || undefined,
    weather: flag('--no-weather') ? 'none' : flag('--renamed-weather') ? 'renamed' : undefined,
  };
  for (let i = 0; i < count; i++) {
    specs.push([shapeSpecOf(`${value('--prefix') ?? 'fp'}_s${seed}_${i}`, seed, options), seed]);
  }
}

const parts = ['+growth', '+season', '+holiday', '+weather', '+all'];
const columns = ['oracle', 'p3', 'p3-level', 'trueMedia', ...parts];
const sums = [];
for (const [spec, seed] of specs) {
  if (spec.frequency !== 'daily') throw new RangeError(`${spec.id}: daily shapes only`);
  const tenant = generateShape(spec, { seed });
  const s = tenant.series;
  const truth = tenant.truth;
  const y = s.target;
  const n = y.length;
  // The generator's base, factor by factor (core/data/revenue.ts baselineRevenue), from the same
  // random stream as shapes.ts drawDaily; checked against the truth below.
  const plan = drawBaselinePlan(
    new SeededRandom(seedFromString('baseline', seedFromString(spec.id, seed))),
  );
  const cal = dailyCalendar(spec.start ?? '2022-01-01', n);
  const factor = {
    '+growth': (t) => 1 + (plan.growth * t) / 365.25,
    '+season': (t) =>
      1 + plan.seasonalAmp * Math.cos(yearPhase(cal.dayOfYear[t], plan.seasonalPeak)),
    '+holiday': (t) => 1 + plan.holidayLift * holidayShape(cal.dayOfYear[t]),
    '+weather': (t) => 1 + truth.weatherAmplitude * truth.driverIndex[t],
  };
  factor['+all'] = (t) =>
    factor['+growth'](t) * factor['+season'](t) * factor['+holiday'](t) * factor['+weather'](t);
  const core = Float64Array.from(
    { length: n },
    (_, t) => plan.level * plan.weekday[cal.dayOfWeek[t]] * factor['+all'](t),
  );
  if (!spec.events) {
    for (let t = 0; t < n; t++) {
      if (Math.abs(core[t] - truth.shape.baseline[t]) > 1e-6 * truth.shape.baseline[t]) {
        throw new Error(`${spec.id}: the base no longer matches the generator's (row ${t})`);
      }
    }
  }
  const trueMedia = truth.channels.map((c, i) =>
    mediaEffect({ ...c, beta: 1, gamma: 0 }, s.spend[i], truth.driverIndex),
  );
  const design = buildDesign(s, {
    interactions: true,
    temperatureHinges: temperatureHingesFor('daily'),
    media: { names: s.channels.map((c) => `${c}_adstock_hill`), columns: trueMedia },
  });
  const protocolOptions = {
    minTrain: value('--min-train') ? Number(value('--min-train')) : undefined,
  };
  const { folds, protocol } = protocolOf(s, protocolOptions);
  const ladder = ladderOf(s, protocolOptions, protocol.test_rows, {
    search: { scheme: 'blocked', lags: FOLD_MODEL_LAGS.daily },
  });
  const withKnown = (offset, fold) => {
    const target = y.map((v, t) => v - offset[t]);
    const cols = windowColumns(design, fold.trainEnd, 'daily');
    const chosen = chooseAndFit(cols, target, fold.trainEnd, { featureNames: design.names });
    const rows = { start: fold.testStart, end: fold.testEnd };
    return predictChosen(chosen, cols, rows).map((v, i) => v + offset[fold.testStart + i]);
  };
  const offsets = Object.fromEntries(
    parts.map((p) => [p, Float64Array.from(core, (b, t) => b * (1 - 1 / factor[p](t)))]),
  );
  const rows = folds.map((fold) => {
    const actual = y.subarray(fold.testStart, fold.testEnd);
    const p3 = predictFold(ladder.fit(3, fold.trainEnd), fold.testStart, fold.testEnd);
    let bias = 0;
    for (let i = 0; i < p3.length; i++) bias += actual[i] - p3[i];
    bias /= p3.length;
    return [
      r2(actual, truth.expected.subarray(fold.testStart, fold.testEnd)),
      r2(actual, p3),
      r2(
        actual,
        p3.map((v) => v + bias),
      ),
      r2(actual, withKnown(new Float64Array(n), fold)),
      ...parts.map((p) => r2(actual, withKnown(offsets[p], fold))),
    ];
  });
  rows.forEach((row, i) => row.forEach((v, j) => ((sums[i] ??= columns.map(() => 0))[j] += v)));
  const mean = (j) => rows.reduce((a, r) => a + r[j], 0) / rows.length;
  console.log(spec.id.padEnd(32), columns.map((c, j) => `${c} ${mean(j).toFixed(3)}`).join('  '));
}
console.log(`\nmean fold R² over ${specs.length} tenants, by fold`);
console.log(['fold', ...columns].map((c) => c.padStart(9)).join(' '));
sums.forEach((row, i) =>
  console.log(
    [String(i + 1), ...row.map((v) => (v / specs.length).toFixed(3))]
      .map((c) => c.padStart(9))
      .join(' '),
  ),
);
