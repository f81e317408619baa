// Channel ROAS over the data against the generator's truth, by three estimators of the curves:
// the phase-3 point (median of the pooled searches on nested windows), the calibration's refit on
// all rows without any test's weight (a test of no information on every channel), and the
// planner's own curve fit (plan/curves.ts planCurveModel); docs/calibration.md "How much of a
// calibrated move is the tests'" (session 64).
// Usage: npm run build && node scripts/measure/curve-estimators.mjs MODE SET [repoDir]
//   MODE roas      mean |error|, channels nearer than the point, channels within 25%
//   MODE coverage  the plan model's ROAS with the 10-90% / 2.5-97.5% percentiles of its refits
//                  (planReplicateModels 'plan', 20 bootstrap refits and its window fits)
//   MODE bench     the calibration bench's tests on the channels above 25%: calibrated, refit
//   SET builtin | a seed S (gen_sS_0..19) | suite-daily | tenant ids joined by commas
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [mode, set, repoArg] = process.argv.slice(2);
const repo = resolve(repoArg ?? process.cwd());
const load = (p) => import(pathToFileURL(`${repo}/dist/${p}`).href);
const { benchLiftTest } = await load('bench/calibration.js');
const { generatedTenants, tenantById } = await load('bench/intervals.js');
const { BUILTIN_TENANT_IDS, SHAPE_SUITE } = await load('src/core/data/index.js');
const { explainCalibrated, explainFinalModel } = await load('src/phases/explain.js');
const { fitFinalModel } = await load('src/phases/final.js');
const { modelLiftSpread } = await load('src/phases/intervals.js');
const { planCurveModel } = await load('src/plan/curves.js');
const { planReplicateModels } = await load('src/plan/replicates.js');

const tenants =
  set === 'builtin'
    ? BUILTIN_TENANT_IDS.map(tenantById)
    : set === 'suite-daily'
      ? SHAPE_SUITE.filter((s) => s.frequency !== 'weekly' && s.channels <= 6).map((s) =>
          tenantById(s.id),
        )
      : /^\d+$/.test(set ?? '')
        ? generatedTenants(Number(set))
        : (set ?? '').split(',').map(tenantById);
const err = (x, truth) => Math.abs(x / truth - 1);
const quantile = (xs, p) => {
  const a = [...xs].sort((x, y) => x - y);
  const h = (a.length - 1) * p;
  const l = Math.floor(h);
  return a[l] + (a[Math.min(l + 1, a.length - 1)] - a[l]) * (h - l);
};
/** A copy of each channel's simulated go-dark test with a standard error 1e6 times its lift. */
const vagueTests = (t, channels) =>
  channels.map((c) => {
    const x = benchLiftTest(t, c).test;
    return { ...x, standard_error: 1e6 * Math.abs(x.incremental_revenue) };
  });

if (mode === 'roas') {
  const sums = { n: 0, point: 0, refit: 0, plan: 0, refitNearer: 0, planNearer: 0 };
  const within = { point: 0, refit: 0, plan: 0 };
  for (const t of tenants) {
    const model = fitFinalModel(t.series, 3, {});
    const refit = explainCalibrated(t.series, model, t, vagueTests(t, t.series.channels));
    const plan = explainFinalModel(t.series, planCurveModel(t.series, model), t);
    refit.channels.forEach((c, i) => {
      const truth = c.truth.roas;
      const e = { point: err(c.uncalibrated_roas, truth), refit: err(c.refit_roas, truth) };
      e.plan = err(plan.channels[i].roas, truth);
      sums.n++;
      for (const k of ['point', 'refit', 'plan']) {
        sums[k] += e[k];
        within[k] += e[k] < 0.25;
      }
      sums.refitNearer += e.refit < e.point;
      sums.planNearer += e.plan < e.point;
      console.log(
        `${t.info.tenant} ${c.channel} truth ${truth.toFixed(2)} point ${c.uncalibrated_roas.toFixed(2)} refit ${c.refit_roas.toFixed(2)} plan model ${plan.channels[i].roas.toFixed(2)}`,
      );
    });
  }
  const m = (k) => (sums[k] / sums.n).toFixed(3);
  console.log(
    `${sums.n} channels: mean |error| point ${m('point')} refit ${m('refit')} plan model ${m('plan')}; nearer than the point: refit ${sums.refitNearer}, plan model ${sums.planNearer}; within 25%: ${within.point} / ${within.refit} / ${within.plan}`,
  );
} else if (mode === 'coverage') {
  let n = 0;
  let c80 = 0;
  let c95 = 0;
  let width = 0;
  for (const t of tenants) {
    const pm = planCurveModel(t.series, fitFinalModel(t.series, 3, {}));
    const point = explainFinalModel(t.series, pm, t);
    const refits = planReplicateModels(t.series, pm, 20, 0, 'plan').models.map((m) =>
      explainFinalModel(t.series, m, null, { figuresOnly: true }).channels.map((c) => c.roas),
    );
    point.channels.forEach((c, i) => {
      const xs = refits.map((r) => r[i]);
      const truth = c.truth.roas;
      const [lo80, hi80] = [quantile(xs, 0.1), quantile(xs, 0.9)];
      const [lo95, hi95] = [quantile(xs, 0.025), quantile(xs, 0.975)];
      n++;
      c80 += truth >= lo80 && truth <= hi80;
      c95 += truth >= lo95 && truth <= hi95;
      width += (hi80 - lo80) / Math.abs(c.roas);
    });
  }
  console.log(
    `${n} channels: coverage 80% ${(c80 / n).toFixed(3)}, 95% ${(c95 / n).toFixed(3)}; mean 80% width ${(width / n).toFixed(2)} of the ROAS`,
  );
} else if (mode === 'bench') {
  let n = 0;
  let calibrated = 0;
  let refitted = 0;
  let named = 0;
  for (const t of tenants) {
    const model = fitFinalModel(t.series, 3, {});
    const plain = explainFinalModel(t.series, model, t);
    const selected = plain.channels
      .filter((c) => err(c.roas, c.truth.roas) > 0.25)
      .map((c) => c.channel);
    if (selected.length === 0) continue;
    const tests = selected.map((c) => benchLiftTest(t, c).test);
    const e = explainCalibrated(t.series, model, t, tests, {
      modelLifts: modelLiftSpread(t.series, model),
    });
    const caveat = e.caveats.find((c) => c.code === 'calibration_mostly_refit');
    for (const c of e.channels.filter((x) => selected.includes(x.channel))) {
      n++;
      calibrated += err(c.roas, c.truth.roas) < 0.15;
      refitted += c.refit_roas != null && err(c.refit_roas, c.truth.roas) < 0.15;
      named += caveat?.channels.includes(c.channel) ?? false;
    }
  }
  console.log(
    `${n} tested channels: calibrated within 15% ${calibrated}, the refit alone ${refitted}; calibration_mostly_refit on ${named}`,
  );
} else {
  console.error(
    'usage: node scripts/measure/curve-estimators.mjs roas|coverage|bench SET [repoDir]',
  );
  process.exit(2);
}
