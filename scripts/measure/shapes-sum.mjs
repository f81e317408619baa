// One line per `node dist/bench/shapes.js --json > F.json` file: means of the oracle and phases
// 0-3, phase drops > 0.01, tenants with a fold below 0 where the oracle's is >= 0.5, tenants of
// 2+ years more than 0.10 below the oracle, and the tenants meeting every target.
// Usage: node scripts/measure/shapes-sum.mjs F.json [G.json ...]
import fs from 'node:fs';

for (const file of process.argv.slice(2)) {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const n = report.rows.length;
  const sums = [0, 0, 0, 0];
  let oracle = 0;
  let drops = 0;
  let negative = 0;
  let far = 0;
  for (const row of report.rows) {
    const phases = row.phases;
    oracle += row.oracle_mean_r2;
    phases.forEach((p, i) => {
      sums[i] += p.mean_r2;
      if (i > 0 && p.mean_r2 < phases[i - 1].mean_r2 - 0.01) drops++;
    });
    const below = (p) => p.fold_r2.some((v, i) => v < 0 && p.oracle_fold_r2[i] >= 0.5);
    if (phases.some(below)) negative++;
    if (row.years >= 2 && row.oracle_mean_r2 - phases[3].mean_r2 > 0.1) far++;
  }
  const means = sums.map((s) => (s / n).toFixed(3)).join('/');
  const met = JSON.stringify(report.all_targets_met).slice(0, 80);
  console.log(
    `${file}: oracle ${(oracle / n).toFixed(3)} p0-3 ${means} drops ${drops}`,
    `tenants with fold<0 ${negative} >=2y gap>0.10 ${far} all_targets_met ${met}`,
  );
}
