// Table of a heldout.sh directory: oracle and phases 0-3 per tenant, phase 3's gap, the worst
// fold where the oracle's fold R² is >= 0.5, phase drops > 0.01; then the counts.
// Usage: node scripts/measure/heldout-table.mjs DIR
import fs from 'node:fs';

const dir = process.argv[2];
const phases = [0, 1, 2, 3].map(
  (p) => JSON.parse(fs.readFileSync(`${dir}/p${p}.json`, 'utf8')).results,
);
const ids = phases[0].map((r) => r.tenant);
const f = (x) => x.toFixed(3);
console.log('| tenant | oracle | p0 | p1 | p2 | p3 | gap p3 | worst fold (oracle>=0.5) | drops |');
console.log('|---|---|---|---|---|---|---|---|---|');
const sums = [0, 0, 0, 0, 0];
let drops = 0;
let negative = 0;
let far = 0;
for (const id of ids) {
  const rs = phases.map((r) => r.find((x) => x.tenant === id));
  const oracle = rs[3].oracle_r2;
  let worst = Infinity;
  let where = '';
  rs.forEach((r, p) => {
    // `wv-mmm run-phase --json` gives each fold's oracle R² in folds[i].oracle_r2.
    const oracleFolds = r.oracle_fold_r2 ?? r.folds?.map((f) => f.oracle_r2) ?? null;
    r.fold_r2.forEach((v, i) => {
      const counts = oracleFolds ? oracleFolds[i] >= 0.5 : true;
      if (counts && v < worst) {
        worst = v;
        where = `p${p} f${i + 1}`;
      }
    });
  });
  const tenantDrops = [];
  for (let p = 1; p < 4; p++) {
    const d = rs[p].mean_r2 - rs[p - 1].mean_r2;
    if (d < -0.01) tenantDrops.push(`p${p} ${d.toFixed(3)}`);
  }
  drops += tenantDrops.length;
  if (worst < 0) negative++;
  if (oracle - rs[3].mean_r2 > 0.1) far++;
  sums[0] += oracle;
  rs.forEach((r, p) => (sums[p + 1] += r.mean_r2));
  const cells = rs.map((r) => f(r.mean_r2)).join(' | ');
  const gap = f(rs[3].mean_r2 - oracle);
  console.log(
    `| ${id} | ${f(oracle)} | ${cells} | ${gap} | ${f(worst)} (${where}) | ${tenantDrops.join(', ') || '-'} |`,
  );
}
console.log(`| mean | ${sums.map((s) => f(s / ids.length)).join(' | ')} | | | |`);
console.log(
  `drops>0.01: ${drops}; tenants with a fold<0: ${negative}; tenants p3 > 0.10 below oracle: ${far}`,
);
