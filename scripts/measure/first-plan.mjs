// CPU time of the first checked 28-day plan on a model in a fresh process (issue 16, README
// "Speed"): the planner's curve fit of the phase-3 model (planCurveModel), the 20 bootstrap and
// window refits (planReplicateModels, as bench/planner.ts makes them) and the checked makePlan of
// a built-in 2-channel tenant, each timed by process.cpuUsage (user + system) on its first call.
// The phase-3 model's own fit comes before and is not timed. Run it in several fresh processes:
// the first call pays V8's compile time, which a second call in the same process does not.
// --lift: the plan calibrated with one simulated lift test per channel (bench/calibration.ts
// benchLiftTest; plan/calibrate.ts calibratedPlanModels: the uncalibrated refits for the
// conflict check, the calibration, the recalibrated refits), timed as the refits.
// Usage: npm run build && node scripts/measure/first-plan.mjs [tenant] [--lift] [--json]
//   for i in 1 2 3 4 5 6 7; do node scripts/measure/first-plan.mjs; done
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const load = (p) => import(pathToFileURL(`${resolve('dist')}/${p}`).href);
const { generateTenant } = await load('src/core/data/index.js');
const { fitFinalModel } = await load('src/phases/final.js');
const plan = await load('src/plan/index.js');
// As the app: with lift tests, explain's verdicts leave out the tests explain leaves out.
const { explainVerdicts } = await load('src/plan/calibrate.js');
const { normalizeConfig } = await load('src/app/config.js');

const args = process.argv.slice(2);
const id = args.find((a) => !a.startsWith('--')) ?? 'extreme_ski_gear';
const cpu = (f) => {
  const t0 = process.cpuUsage();
  const v = f();
  const d = process.cpuUsage(t0);
  return [v, (d.user + d.system) / 1e6];
};

const tenant = generateTenant(id);
const series = tenant.series;
const phase3 = fitFinalModel(series, 3);
const [model, curve] = cpu(() => plan.planCurveModel(series, phase3));
const lift = args.includes('--lift');
const { benchLiftTest } = lift ? await load('bench/calibration.js') : {};
const tests = lift ? series.channels.map((c) => benchLiftTest(tenant, c).test) : [];
let point = model;
const [reps, refits] = cpu(() => {
  if (lift) {
    const out = plan.calibratedPlanModels(
      series,
      model,
      tests,
      plan.DEFAULT_PLAN_REPLICATES,
      0,
      phase3,
      plan.planKeepRidge(phase3),
      explainVerdicts(series, phase3, normalizeConfig({})),
    );
    point = out.point;
    return plan.plannableRefits(out.models, out.roles);
  }
  const out = plan.planReplicateModels(
    series,
    model,
    plan.DEFAULT_PLAN_REPLICATES,
    0,
    'plan',
    phase3,
    plan.planKeepRidge(phase3),
  );
  return plan.plannableRefits(out.models, out.roles);
});
const [result, planS] = cpu(() => {
  const m = plan.revenueModelOf(point);
  const outlook = plan.scenarioOutlook(series, 'typical', m.weather, 28);
  return plan.makePlan({ series, model: m, outlook, ...reps }, { horizon: 28, budget: 250_000 });
});
const row = {
  tenant: id,
  lift_tests: tests.length,
  curve,
  refits,
  plan: planS,
  total: curve + refits + planS,
};
if (args.includes('--json')) process.stdout.write(`${JSON.stringify(row)}\n`);
else
  process.stdout.write(
    `${id}${lift ? ` (${tests.length} lift tests)` : ''}: curve fit ${curve.toFixed(3)} + refits ${refits.toFixed(3)} + plan ${planS.toFixed(3)} = ${row.total.toFixed(3)} CPU-s (plan ${result.channels.map((c) => `${c.channel} ${c.spend.toFixed(2)}`).join(', ')})\n`,
  );
