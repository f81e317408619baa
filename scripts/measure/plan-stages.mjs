// CPU time of a first plan on a model, by stage (issue 16, README "Speed"): the phase-3 all-rows
// fit (fitFinalModel), the planner's curve fit (planCurveModel), its 20 bootstrap and window refits
// (planReplicateModels) and the checked makePlan (typical outlook, 28 days or 4 weeks, the budget
// of the last year's spend per period), each timed by process.cpuUsage on its first call; with
// short hashes of the plan model, the refits and the plan, to compare two builds' results.
// Tenants: a built-in id, or shape:YEARS:CHANNELS:SEED[:daily|weekly[:CORRELATION]] (a generated
// shape tenant `big_s<SEED>_0`, correlation 0.5 by default). Run in several fresh processes,
// alternating builds: the first call in a process pays V8's compile time.
// Usage: npm run build && node scripts/measure/plan-stages.mjs TENANT [--repo DIR]
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const at = args.indexOf('--repo');
const repo = resolve(at >= 0 ? args[at + 1] : '.');
const id = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--repo');
if (!id) throw new Error('usage: node scripts/measure/plan-stages.mjs TENANT [--repo DIR]');
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const data = await load('src/core/data/index.js');
const { fitFinalModel } = await load('src/phases/final.js');
const plan = await load('src/plan/index.js');
const cpu = (f) => {
  const t0 = process.cpuUsage();
  const v = f();
  const d = process.cpuUsage(t0);
  return [v, (d.user + d.system) / 1e6];
};

let tenant;
if (id.startsWith('shape:')) {
  const [, years, channels, seed, frequency = 'daily', correlation = '0.5'] = id.split(':');
  const spec = data.shapeSpecOf(`big_s${seed}_0`, Number(seed), {
    frequency,
    years: Number(years),
    channels: Number(channels),
    correlation: Number(correlation),
  });
  tenant = data.generateShape(spec, { seed: Number(seed) });
} else tenant = data.generateTenant(id);
const series = tenant.series;
const weekly = series.frequency === 'weekly';
const horizon = weekly ? 4 : 28;
const [phase3, fit] = cpu(() => fitFinalModel(series, 3));
const [model, curve] = cpu(() => plan.planCurveModel(series, phase3));
const [reps, refits] = cpu(() => {
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
const n = series.target.length;
const perYear = weekly ? 52 : 365;
let spent = 0;
for (const s of series.spend) for (let i = Math.max(0, n - perYear); i < n; i++) spent += s[i];
const budget = (spent / Math.min(perYear, n)) * horizon;
const [result, planS] = cpu(() => {
  const m = plan.revenueModelOf(model);
  const outlook = plan.scenarioOutlook(series, 'typical', m.weather, horizon);
  return plan.makePlan({ series, model: m, outlook, ...reps }, { horizon, budget });
});
const hash = (v) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
const round = (x) => Number(x.toFixed(3));
console.log(
  JSON.stringify({
    tenant: id,
    channels: series.channels.length,
    rows: n,
    cpu_s: {
      all_rows_fit: round(fit),
      curve_fit: round(curve),
      refits: round(refits),
      plan: round(planS),
      first_plan: round(fit + curve + refits + planS),
    },
    hashes: { plan_model: hash(model), refits: hash(reps), plan: hash(result) },
  }),
);
