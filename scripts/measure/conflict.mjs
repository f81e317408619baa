// Conflict-test diagnostics (issue 15 item 6): per channel of each tenant, the bench's honest
// go-dark test and a biased one (2x, SE 5%), their LRs, what the calibration does with the biased
// test when applied anyway, and the uncalibrated model's own spread of the window's lift (bootstrap
// replicates and window refits), as JSON lines on stdout.
// Usage: npm run build && node scripts/measure/conflict.mjs [--tenants a,b | --seed S] [--reps R]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const repo = resolve(process.cwd());
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { BUILTIN_TENANT_IDS } = await load('src/core/data/index.js');
const { benchLiftTest, BIASED_SE } = await load('bench/calibration.js');
const { generatedTenants, tenantById } = await load('bench/intervals.js');
const { calibrateFinalModel } = await load('src/phases/calibration.js');
const { explainFinalModel } = await load('src/phases/explain.js');
const { fitFinalModel, predictFinal, poolSearchRuns } = await load('src/phases/final.js');
const { residualBootstrap, refitReplicate, blockLengthFor } = await load('src/phases/intervals.js');
const { liftSpend, liftWindow, withChannelSpend } = await load('src/core/lift.js');
const { SeededRandom, seedFromString } = await load('src/core/random.js');
const { buildMediaDesign, mediaTransform, mediaColumnName } = await load('src/phases/media.js');
const { momentsOf } = await load('src/core/standardize.js');
const { ridgeSystem, solveRidge } = await load('src/core/ridge.js');

/** The data's own variance of a test's implied lift at the model's shapes: sigma^2 g'(X'X + alpha I)^-1 g. */
function dataLiftVariance(series, model, test) {
  const n = series.target.length;
  const design = buildMediaDesign(series, model.channelParams, {
    calendar: model.calendar,
    weather: model.weather,
  });
  const sys = ridgeSystem(momentsOf(design.columns, series.target, { start: 0, end: n }));
  const alpha = model.alpha ?? model.ridge.alpha;
  const b = solveRidge(sys, alpha).coefStandardized;
  let m = 0;
  for (const y of series.target) m += y;
  m /= n;
  let yy = 0;
  for (const y of series.target) yy += (y - m) ** 2;
  const p = sys.p;
  let quad = 0,
    xb = 0;
  for (let j = 0; j < p; j++) {
    let row = 0;
    for (let k = 0; k < p; k++) row += sys.gram[j * p + k] * b[k];
    quad += b[j] * row;
    xb += b[j] * sys.xty[j];
  }
  const sse = yy - 2 * xb + quad;
  const sigma2 = sse / Math.max(1, n - p - 1);
  const w = liftWindow(series, test);
  const mc = mediaColumnName(test.channel);
  const jm = design.names.indexOf(mc);
  const before = design.columns[jm];
  const after = mediaTransform(liftSpend(series, test, w), model.channelParams[test.channel]);
  const g = new Float64Array(p);
  let s = 0;
  for (let r = w.from; r < w.to; r++) s += after[r] - before[r];
  g[jm] = s / sys.scales[jm];
  for (const name of model.weather) {
    const j = design.names.indexOf(`${mc}_x_${name}`);
    if (j < 0) continue;
    const col = series.weather[series.weatherNames.indexOf(name)];
    let sw = 0;
    for (let r = w.from; r < w.to; r++) sw += (after[r] - before[r]) * col[r];
    g[j] = sw / sys.scales[j];
  }
  const spread = solveRidge({ ...sys, xty: g }, alpha).coefStandardized;
  let v = 0;
  for (let j = 0; j < p; j++) v += g[j] * spread[j];
  return sigma2 * v;
}

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const reps = Number(arg('--reps') ?? 20);
const seed = arg('--seed');
const tenants = arg('--tenants')
  ? arg('--tenants').split(',').map(tenantById)
  : seed
    ? generatedTenants(Number(seed))
    : BUILTIN_TENANT_IDS.map(tenantById);

/** The lift a model implies for a test on the observed series (window rows only). */
function impliedLift(series, model, test) {
  const w = liftWindow(series, test);
  const base = predictFinal(model, series);
  const moved = predictFinal(
    model,
    withChannelSpend(series, test.channel, liftSpend(series, test, w)),
  );
  let s = 0;
  for (let r = w.from; r < w.to; r++) s += moved[r] - base[r];
  return s;
}

for (const tenant of tenants) {
  const series = tenant.series;
  const id = tenant.info.tenant;
  const model = fitFinalModel(series, 3, {});
  const plain = explainFinalModel(series, model, tenant);
  const sims = series.channels.map((c) => benchLiftTest(tenant, c));
  const biased = series.channels.map((c) =>
    benchLiftTest(tenant, c, { bias: 2, relativeSe: BIASED_SE }),
  );
  const joint = calibrateFinalModel(
    series,
    model,
    sims.map((s) => s.test),
  ).report;
  // The uncalibrated model's spread of each window's lift: window refits and bootstrap replicates.
  const windowModels = (model.searchRuns ?? []).map((run) =>
    fitFinalModel(series, 3, {
      calendar: model.calendar,
      channelParams: poolSearchRuns(series, [run]),
    }),
  );
  const world = residualBootstrap(
    series,
    model,
    blockLengthFor(series.target.length, series.frequency),
  );
  const rng = new SeededRandom(seedFromString(`conflict:${id}`, 0));
  const bootModels = [];
  for (let b = 0; b < reps; b++) {
    const target = world.draw(rng);
    try {
      bootModels.push(refitReplicate({ ...series, target }, model, {}, null, null));
    } catch {
      /* a failed replicate is left out */
    }
  }
  series.channels.forEach((c, ci) => {
    const sim = sims[ci];
    const bad = biased[ci];
    const alone = calibrateFinalModel(series, model, [sim.test]).report;
    const bRep = calibrateFinalModel(series, model, [bad.test]).report;
    const bApplied = calibrateFinalModel(series, model, [bad.test], { onConflict: 'apply' });
    const roasOf = (m) => explainFinalModel(series, m, null).channels[ci].roas;
    const honestApplied = calibrateFinalModel(series, model, [sim.test], { onConflict: 'apply' });
    const rec = {
      tenant: id,
      channel: c,
      true_roas: plain.channels[ci].truth.roas,
      roas: plain.channels[ci].roas,
      true_lift: sim.true_lift,
      se: sim.test.standard_error,
      measured: sim.test.incremental_revenue,
      claim: bad.test.incremental_revenue,
      biased_se: bad.test.standard_error,
      m0_report: alone.tests[0].uncalibrated_lift,
      m0: impliedLift(series, model, sim.test),
      v_data: dataLiftVariance(series, model, sim.test),
      lr_joint: joint.channels.find((x) => x.channel === c).lr,
      lr_alone: alone.channels[0].lr,
      lr_biased: bRep.channels[0].lr,
      roas_honest_alone: roasOf(honestApplied.model),
      roas_biased_applied: roasOf(bApplied.model),
      biased_calibrated_lift: bApplied.report.tests[0].calibrated_lift,
      windows: windowModels.map((m) => impliedLift(series, m, sim.test)),
      boot: bootModels.map((m) => impliedLift(series, m, sim.test)),
    };
    process.stdout.write(JSON.stringify(rec) + '\n');
  });
  process.stderr.write(`${id}\n`);
}
