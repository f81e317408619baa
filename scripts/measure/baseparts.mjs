// Where the gap to the oracle comes from on weekly (or daily) shape tenants: the base or the media
// (docs/modeling.md, "Weekly data: the gap is the base's level"). Per fold, mean fold R² over the
// tenants of:
//   oracle       the noise-free expected revenue
//   p0, p3       phases 0 and 3 as trained (trainPhase)
//   base         the TRUE media contributions known (taken out of the target, put back after), the
//                base fitted as our calendar does it: yearly Fourier(2) + trend (with the window
//                rules of support.ts windowColumns) + the weather columns (linear) + the controls,
//                Ridge with alpha by GCV
//   base-level   the same forecasts with their mean error on the test block removed (what is left
//                once the level is right: the level's share of the base's loss is the difference)
//   media        the TRUE base known, the channels' TRUE contribution shapes as columns (only their
//                coefficients estimated, Ridge with alpha by GCV): the media estimation's loss
//   trueForm     both at once: the base columns and the true contribution shapes, estimated jointly
//   +holiday     `base` with a holiday-season column (a Gaussian bump of sd 15 days around 10
//                December, averaged over the row's days) where the window holds a whole season
//                (16 October to 31 December) and 13 weeks after it
//   +fourier4    `base` with yearly Fourier terms up to order 4
// Diagnosis only: it reads the generator's truth, which no model may see.
// Usage: npm run build && node scripts/measure/baseparts.mjs [--repo DIR] --seed S --tenants N
//        [--frequency weekly] [--years Y] [--channels C] [--correlation R] [--saturation F]
//        [--adstock F] [--no-weather] [--renamed-weather] [--events]
//    or  node scripts/measure/baseparts.mjs [--repo DIR] --suite shape_weekly_2y_noweather,...
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
const { generateShape, shapeSpecOf, suiteShape, DEFAULT_SEED } =
  await load('src/core/data/index.js');
const { trainPhase } = await load('src/phases/index.js');
const { protocolOf } = await load('src/phases/phase2.js');
const { calendarColumns } = await load('src/core/features.js');
const { windowColumns } = await load('src/phases/support.js');
const { selectAlphaGcv, fitRidge, predictRidge } = await load('src/core/ridge.js');
const { r2 } = await load('src/core/metrics.js');

const specs = [];
if (value('--suite')) {
  for (const id of value('--suite').split(','))
    specs.push([suiteShape(id), value('--seed') ? Number(value('--seed')) : DEFAULT_SEED]);
} else {
  const seed = Number(value('--seed'));
  const options = {
    frequency: value('--frequency') ?? 'weekly',
    years: value('--years') ? Number(value('--years')) : undefined,
    channels: value('--channels') ? Number(value('--channels')) : undefined,
    correlation: value('--correlation') ? Number(value('--correlation')) : undefined,
    saturation: value('--saturation'),
    adstock: value('--adstock'),
    events: flag('--events') || undefined,
    weather: flag('--no-weather') ? 'none' : flag('--renamed-weather') ? 'renamed' : undefined,
  };
  for (let i = 0; i < Number(value('--tenants') ?? 1); i++) {
    specs.push([shapeSpecOf(`bp_s${seed}_${i}`, seed, options), seed]);
  }
}

const DAY = 86_400_000;
const utc = (date) => Date.parse(`${date}T00:00:00Z`);
const columns = [
  'oracle',
  'p0',
  'p3',
  'base',
  'base-level',
  'media',
  'trueForm',
  '+holiday',
  '+fourier4',
];
const sums = [];
for (const [spec, seed] of specs) {
  const tenant = generateShape(spec, { seed });
  const s = tenant.series;
  const truth = tenant.truth;
  const y = s.target;
  const n = y.length;
  const periodDays = s.frequency === 'weekly' ? 7 : 1;
  const media = new Float64Array(n);
  for (const c of truth.contributions) for (let t = 0; t < n; t++) media[t] += c[t];
  const base = truth.shape.baseline;
  const calendar = calendarColumns(s.dates, s.frequency === 'daily');
  const baseDesign = {
    names: [...calendar.names, ...s.weatherNames, ...s.controlNames],
    columns: [...calendar.columns, ...s.weather, ...s.controls],
  };
  // Mean over the row's days of exp(-d² / (2 15²)), d = days from the nearest 10 December.
  const holiday = Float64Array.from(s.dates, (date) => {
    let sum = 0;
    for (let k = 0; k < periodDays; k++) {
      const ms = utc(date) + k * DAY;
      const year = new Date(ms).getUTCFullYear();
      let d = Infinity;
      for (const yy of [year - 1, year, year + 1]) {
        const dd = (ms - Date.UTC(yy, 11, 10)) / DAY;
        if (Math.abs(dd) < Math.abs(d)) d = dd;
      }
      sum += Math.exp((-d * d) / (2 * 15 * 15));
    }
    return sum / periodDays;
  });
  const fourier = (k) => {
    const sin = new Float64Array(n);
    const cos = new Float64Array(n);
    s.dates.forEach((date, t) => {
      const ms = utc(date) + ((periodDays - 1) / 2) * DAY;
      const doy = (ms - Date.UTC(new Date(ms).getUTCFullYear(), 0, 0)) / DAY;
      sin[t] = Math.sin((2 * Math.PI * k * doy) / 365.25);
      cos[t] = Math.cos((2 * Math.PI * k * doy) / 365.25);
    });
    return [sin, cos];
  };
  const higher = [...fourier(3), ...fourier(4)];
  const perYear = s.frequency === 'weekly' ? 52 : 365;
  const holdsSeason = (trainEnd) => {
    const last = utc(s.dates[trainEnd - 1]);
    for (let t = 0; t < trainEnd; t++) {
      const d = new Date(utc(s.dates[t]));
      if (d.getUTCMonth() === 9 && d.getUTCDate() >= 16 - periodDays + 1 && d.getUTCDate() <= 16) {
        if (last >= Date.UTC(d.getUTCFullYear(), 11, 31) + 91 * DAY) return true;
      }
    }
    return false;
  };
  const { folds } = protocolOf(s, {});
  const p0 = trainPhase(s, 0, {}, tenant).fold_r2;
  const p3 = trainPhase(s, 3, {}, tenant).fold_r2;
  const forecast = (cols, target, fold) => {
    const { alpha } = selectAlphaGcv(cols, target, fold.trainEnd);
    const model = fitRidge(cols, target, { start: 0, end: fold.trainEnd }, alpha);
    return predictRidge(model, cols, { start: fold.testStart, end: fold.testEnd });
  };
  const plus = (pred, offset, fold) => pred.map((v, i) => v + offset[fold.testStart + i]);
  const rows = folds.map((fold, k) => {
    const actual = y.subarray(fold.testStart, fold.testEnd);
    const window = windowColumns(baseDesign, fold.trainEnd, s.frequency);
    const noMedia = y.map((v, t) => v - media[t]);
    const baseFit = plus(forecast(window, noMedia, fold), media, fold);
    let bias = 0;
    for (let i = 0; i < actual.length; i++) bias += actual[i] - baseFit[i];
    bias /= actual.length;
    const withHoliday = holdsSeason(fold.trainEnd)
      ? plus(forecast([...window, holiday], noMedia, fold), media, fold)
      : baseFit;
    const withFourier =
      fold.trainEnd >= perYear
        ? plus(forecast([...window, ...higher], noMedia, fold), media, fold)
        : baseFit;
    const mediaFit = plus(
      forecast(
        truth.contributions,
        y.map((v, t) => v - base[t]),
        fold,
      ),
      base,
      fold,
    );
    const both = forecast([...window, ...truth.contributions], y, fold);
    return [
      r2(actual, truth.expected.subarray(fold.testStart, fold.testEnd)),
      p0[k],
      p3[k],
      r2(actual, baseFit),
      r2(
        actual,
        baseFit.map((v) => v + bias),
      ),
      r2(actual, mediaFit),
      r2(actual, both),
      r2(actual, withHoliday),
      r2(actual, withFourier),
    ];
  });
  rows.forEach((row, i) => row.forEach((v, j) => ((sums[i] ??= columns.map(() => 0))[j] += v)));
  const mean = (j) => rows.reduce((a, r) => a + r[j], 0) / rows.length;
  console.log(spec.id.padEnd(34), columns.map((c, j) => `${c} ${mean(j).toFixed(3)}`).join('  '));
}
console.log(`\nmean fold R² over ${specs.length} tenants, by fold`);
console.log(['fold', ...columns].map((c) => c.padStart(10)).join(' '));
sums.forEach((row, i) =>
  console.log(
    [String(i + 1), ...row.map((v) => (v / specs.length).toFixed(3))]
      .map((c) => c.padStart(10))
      .join(' '),
  ),
);
const overall = columns.map(
  (_, j) => sums.reduce((a, r) => a + r[j], 0) / (sums.length * specs.length),
);
console.log(['all', ...overall.map((v) => v.toFixed(3))].map((c) => c.padStart(10)).join(' '));
