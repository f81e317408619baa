// What one channel's calibration depends on (issue 15 item 6): the channel's test varied in its
// measured value (bench draw / exact), its standard error, its window (length, position) and a
// second window; each calibrated with the channel's tests alone (other channels held) and with
// the bench's test of every other channel too. Prints the calibrated ROAS error, the calibrated
// lift against the measured and true lift, the calibrated shape against the truth's.
// Usage: npm run build && node scripts/measure/lift-window.mjs TENANT CHANNEL
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const repo = resolve(process.cwd());
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { simulateLiftTest } = await load('src/core/data/index.js');
const { benchLiftTest, WINDOW_START_FROM_END, TEST_DAYS } = await load('bench/calibration.js');
const { tenantById } = await load('bench/intervals.js');
const { calibrateFinalModel } = await load('src/phases/calibration.js');
const { explainFinalModel } = await load('src/phases/explain.js');
const { fitFinalModel } = await load('src/phases/final.js');

const [id, channel] = process.argv.slice(2);
const tenant = tenantById(id);
const series = tenant.series;
const n = series.dates.length;
const ci = series.channels.indexOf(channel);
const truth = tenant.truth.channels[ci];
const model = fitFinalModel(series, 3, {});
const trueRoas = truth.roas;
const roasOf = (m) => explainFinalModel(series, m, null).channels[ci].roas;
const f = (x, d = 3) => x.toFixed(d);
const pct = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
console.log(
  `${id} ${channel}: truth decay ${truth.decay} hillK ${f(truth.hillK, 0)} s ${truth.hillS} gamma ${truth.gamma} ROAS ${f(trueRoas)}; ` +
    `uncalibrated ${JSON.stringify(model.channelParams[channel])} ROAS ${f(roasOf(model))} (${pct(roasOf(model) / trueRoas - 1)})`,
);
const others = series.channels
  .filter((c) => c !== channel)
  .map((c) => benchLiftTest(tenant, c).test);

function sim({ back, days = TEST_DAYS, relSe = 0.1, exact = false, seed = 0, factor = -1 }) {
  const from = n - back;
  const s = simulateLiftTest(tenant, {
    channel,
    start: series.dates[from],
    end: series.dates[Math.min(n - 1, from + days - 1)],
    spendFactor: factor,
    relativeSe: relSe,
    seed,
  });
  if (exact) s.test = { ...s.test, incremental_revenue: s.true_lift };
  return s;
}

function run(label, sims) {
  for (const [which, extra] of [
    ['alone', []],
    ['+others', others],
  ]) {
    const tests = [...sims.map((s) => s.test), ...extra];
    const r = calibrateFinalModel(series, model, tests);
    const mine = r.report.tests.filter((t) => t.channel === channel);
    const ch = r.report.channels.find((c) => c.channel === channel);
    const roas = roasOf(r.model);
    console.log(
      `${label.padEnd(34)} ${which.padEnd(7)} err ${pct(roas / trueRoas - 1).padStart(7)}  LR ${f(ch.lr, 2)}${ch.conflict ? ' CONFLICT' : ''}  ` +
        mine
          .map(
            (t, k) =>
              `[true ${f(sims[k].true_lift / 1e3, 0)}k meas ${f(t.incremental_revenue / 1e3, 0)}k unc ${f(t.uncalibrated_lift / 1e3, 0)}k cal ${f(t.calibrated_lift / 1e3, 0)}k; window ROAS true ${f(sims[k].true_lift / t.spend_change)}]`,
          )
          .join(' ') +
        `  shape d ${ch.calibrated_params.decay} kx ${f(ch.calibrated_params.k_mult, 2)} k ${f(ch.calibrated_params.k, 0)} s ${f(ch.calibrated_params.s, 2)}`,
    );
  }
}

const back0 = WINDOW_START_FROM_END[channel] ?? 330;
run('bench test', [benchLiftTest(tenant, channel)]);
run('exact value, SE 10%', [sim({ back: back0, exact: true })]);
run('exact value, SE 5%', [sim({ back: back0, exact: true, relSe: 0.05 })]);
run('exact value, SE 2%', [sim({ back: back0, exact: true, relSe: 0.02 })]);
for (const days of [28, 84, 112])
  run(`exact, ${days} days`, [sim({ back: Math.max(back0, days), days, exact: true })]);
for (const back of [60, 240, 330, 480, 600, 750, 900, 1050])
  run(`exact, 56 days from n-${back}`, [sim({ back, exact: true })]);
run('exact, +50% boost', [sim({ back: back0, exact: true, factor: 0.5 })]);
for (const seed of [1, 2, 3, 4, 5]) run(`noise seed ${seed}`, [sim({ back: back0, seed })]);
run('bench + exact n-330', [benchLiftTest(tenant, channel), sim({ back: 330, exact: true })]);
run('exact n-150 + exact n-330', [
  sim({ back: back0, exact: true }),
  sim({ back: 330, exact: true }),
]);
run('exact n-150 + n-330 + n-600', [
  sim({ back: back0, exact: true }),
  sim({ back: 330, exact: true }),
  sim({ back: 600, exact: true }),
]);
// The truth's own shape in the model: decay and Hill as generated (k in the adstock's units).
const trueParams = {
  ...model.channelParams,
  [channel]: { decay: truth.decay, k_mult: 1, k: truth.hillK, s: truth.hillS },
};
const mTrue = fitFinalModel(series, 3, { calendar: model.calendar, channelParams: trueParams });
console.log(
  `model at the true shape of ${channel}: ROAS ${f(roasOf(mTrue))} (${pct(roasOf(mTrue) / trueRoas - 1)})`,
);
