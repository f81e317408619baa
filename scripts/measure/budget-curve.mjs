// The budget curve against the truth (docs/planner.md "Budget curve: how much to spend"): for each
// tenant, a 28-day plan with --budget-curve (typical outlook, historical budget, checked as
// default) through the app in a fresh state directory, and per slice of budget the model's return
// (return_on_increment) beside the truth's (the same plans' true incremental revenue); then the
// median and 80th percentile of |model / truth - 1| over the slices, how often both put a slice on
// the same side of 1 (it pays for itself in revenue or not), and how many points' 80% interval of
// incremental revenue holds the truth.
// Usage (after `npm run build`): node scripts/measure/budget-curve.mjs [--repo DIR]
//        (--builtin | --seed S [--tenants N])
// --builtin: the extreme and high tiers of the built-in tenants; --seed S: generated tenants
// gen_sS_0..N-1 (default 10; `wv-mmm generate` without shape options: they have a truth).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    repo: { type: 'string', default: process.cwd() },
    builtin: { type: 'boolean', default: false },
    seed: { type: 'string' },
    tenants: { type: 'string', default: '10' },
  },
});
if (!o.builtin && o.seed === undefined) {
  console.error('usage: budget-curve.mjs [--repo DIR] (--builtin | --seed S [--tenants N])');
  process.exit(2);
}
const load = (p) => import(pathToFileURL(path.join(path.resolve(o.repo), 'dist', p)).href);
const { createApp } = await load('src/app/index.js');
const { BUILTIN_TENANT_IDS } = await load('src/core/data/index.js');

const dir = mkdtempSync(path.join(tmpdir(), 'wv-curve-'));
const app = createApp({ stateDir: path.join(dir, 'state'), workers: 1, log: () => undefined });
try {
  let ids;
  if (o.builtin) ids = BUILTIN_TENANT_IDS.filter((t) => /^(extreme|high)_/.test(t));
  else {
    const n = Number(o.tenants);
    app.generateTenants({ count: n, seed: Number(o.seed) });
    ids = Array.from({ length: n }, (_, i) => `gen_s${o.seed}_${i}`);
  }
  const ratios = [];
  let same = 0;
  let held = 0;
  let points = 0;
  for (const id of ids) {
    const { plan } = await app.planBudget({ tenant: id, budgetCurve: true });
    const c = plan.budget_curve;
    const cells = [];
    for (let i = 1; i < c.length; i++) {
      if (c[i].return_on_increment === null) continue;
      const model = c[i].return_on_increment;
      const truth =
        (c[i].true_incremental_revenue - c[i - 1].true_incremental_revenue) /
        (c[i].budget - c[i - 1].budget);
      ratios.push(Math.abs(model / truth - 1));
      if (model >= 1 === truth >= 1) same++;
      cells.push(`${c[i].multiple}x ${model.toFixed(2)}/${truth.toFixed(2)}`);
    }
    for (const p of c) {
      if (!p.incremental_revenue_interval || p.true_incremental_revenue === undefined) continue;
      points++;
      const [lo, hi] = p.incremental_revenue_interval.p80;
      if (p.true_incremental_revenue >= lo && p.true_incremental_revenue <= hi) held++;
    }
    console.log(`${id} (model / truth per slice) ${cells.join(' ')}`);
  }
  ratios.sort((a, b) => a - b);
  const q = (f) =>
    (100 * ratios[Math.min(ratios.length - 1, Math.floor(f * ratios.length))]).toFixed(1);
  console.log(
    `slices ${ratios.length}: median |model/truth - 1| ${q(0.5)}%, 80th percentile ${q(0.8)}%; ` +
      `same side of 1 ${same}/${ratios.length}; points whose 80% interval holds the truth ${held}/${points}`,
  );
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
