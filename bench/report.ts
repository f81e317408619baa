/**
 * Report figures: size and build time of tenant and run reports, through the app (what the CLI
 * and get_report do) in a fresh state directory.
 *
 * - tenant reports (phase 3, built-in daily tenants, and an imported weekly tenant at phase 1):
 *   first report (trains the CV for the predictions and fits the all-rows model) and second report
 *   (figures kept with the run: gathering plus rendering only); the rendering alone, wall and CPU.
 * - run reports: the 20 built-in tenants (phase 1), and 200 generated tenants (phase 0) to show
 *   the size bound of large runs.
 *
 * Wall times move with the machine's load; CPU time of this process is given beside them.
 * Usage: npm run build && node dist/bench/report.js [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app/index.js';
import { resolveTenant } from '../src/app/compute.js';
import type { App, ReportResult } from '../src/app/types.js';
import { tenantToCsv } from '../src/core/csv.js';
import type { TenantSeries } from '../src/core/types.js';

interface Row {
  report: string;
  kb: number;
  charts: number;
  seconds: number;
  render_seconds: number;
  cpu_seconds: number;
}

async function timed(app: App, name: string, req: Parameters<App['writeReport']>[0]): Promise<Row> {
  const cpu = process.cpuUsage();
  const r: ReportResult = await app.writeReport(req);
  const u = process.cpuUsage(cpu);
  if (r.warnings.length) throw new Error(`${name}: vega warnings ${r.warnings.join('; ')}`);
  return {
    report: name,
    kb: Math.round(r.bytes / 1024),
    charts: r.charts.length,
    seconds: r.seconds,
    render_seconds: r.render_seconds,
    cpu_seconds: (u.user + u.system) / 1e6,
  };
}

function weeklyCsv(tenant: string): string {
  const { series } = resolveTenant({ kind: 'builtin', tenant });
  const weeks = Math.floor(series.dates.length / 7);
  const agg = (x: Float64Array, mean: boolean) =>
    Float64Array.from({ length: weeks }, (_, w) => {
      let s = 0;
      for (let t = 7 * w; t < 7 * w + 7; t++) s += x[t];
      return mean ? s / 7 : s;
    });
  const weekly: TenantSeries = {
    ...series,
    frequency: 'weekly',
    dates: Array.from({ length: weeks }, (_, w) => series.dates[7 * w]),
    spend: series.spend.map((x) => agg(x, false)),
    weather: series.weather.map((x) => agg(x, true)),
    controls: series.controls.map((x) => agg(x, true)),
    target: agg(series.target, false),
  };
  return tenantToCsv(weekly);
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const dir = mkdtempSync(path.join(tmpdir(), 'wv-bench-report-'));
  const app = createApp({ stateDir: dir, log: () => undefined });
  const rows: Row[] = [];
  try {
    const tenants = ['extreme_ski_gear', 'high_umbrella_rain', 'none_books'];
    await app.startPhaseRun({ phase: 3, tenants }).done;
    for (const t of tenants) {
      rows.push(await timed(app, `tenant ${t} phase 3, first`, { tenant: t, phase: 3 }));
      rows.push(await timed(app, `tenant ${t} phase 3, kept figures`, { tenant: t, phase: 3 }));
    }
    app.importTenantData({ tenant: 'weekly_shop', csv: weeklyCsv('high_outdoor_gear') });
    await app.startPhaseRun({ phase: 1, tenants: ['weekly_shop'] }).done;
    rows.push(
      await timed(app, 'tenant weekly_shop (imported weekly) phase 1, first', {
        tenant: 'weekly_shop',
        phase: 1,
      }),
    );
    await app.startPhaseRun({ phase: 0 }).done;
    const run20 = await app.startPhaseRun({ phase: 1 }).done;
    rows.push(
      await timed(app, `run ${run20.id}: 20 built-in tenants, phase 1`, { runId: run20.id }),
    );
    const gen = app.generateTenants({ count: 200, seed: 11, prefix: 'bench' });
    const run200 = await app.startPhaseRun({ phase: 0, tenants: gen.tenants }).done;
    rows.push(
      await timed(app, `run ${run200.id}: 200 generated tenants, phase 0`, { runId: run200.id }),
    );
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  if (json) {
    process.stdout.write(JSON.stringify({ load_average: load, rows }, null, 2) + '\n');
    return;
  }
  process.stdout.write(`load average ${load} (wall times move with it; CPU is this process)\n`);
  process.stdout.write(
    '| report | KB | charts | total s | render s | CPU s |\n|---|---:|---:|---:|---:|---:|\n',
  );
  for (const r of rows) {
    process.stdout.write(
      `| ${r.report} | ${r.kb} | ${r.charts} | ${r.seconds.toFixed(2)} | ${r.render_seconds.toFixed(2)} | ${r.cpu_seconds.toFixed(2)} |\n`,
    );
  }
}

await main();
