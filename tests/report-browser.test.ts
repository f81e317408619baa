/**
 * Reports in a real browser (headless Debian Chromium): no console error, no failed or outside
 * request, every chart drew its marks at a visible size, the CSV button downloads the chart's
 * rows, and a screenshot is saved. Skipped with a clear message only when Chromium is missing on
 * a developer machine; under CI (CI=true) a missing Chromium fails.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/index.js';
import type { App } from '../src/app/types.js';
import { buildRunReport, buildTenantReport, type BuiltReport } from '../src/report/index.js';
import { compareRuns } from '../src/app/compare.js';
import { CHROMIUM, checkInBrowser, chromiumAvailable } from './browser.js';
import { handMadeReportData, weeklyCsvOf } from './report-helpers.js';
import { engineRunResults } from './report-run-helpers.js';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const HAVE_CHROMIUM = chromiumAvailable();
const SKIP = !HAVE_CHROMIUM && !IN_CI;
if (SKIP) {
  console.warn(
    `SKIPPED tests/report-browser.test.ts: no Chromium at ${CHROMIUM} ` +
      '(apt-get install -y chromium, or set WV_MMM_CHROMIUM). CI installs it and never skips.',
  );
}

const dir = mkdtempSync(path.join(tmpdir(), 'wv-report-browser-'));
const shots = process.env.WV_MMM_SCREENSHOT_DIR ?? path.join(dir, 'screenshots');
mkdirSync(shots, { recursive: true });
afterAll(() => {
  // The screenshots are kept where the caller asked for them; otherwise the temporary directory
  // (pages, state, screenshots) goes, as every other test's does.
  if (process.env.WV_MMM_SCREENSHOT_DIR)
    console.warn(`report browser test: screenshots in ${shots}`);
  else rmSync(dir, { recursive: true, force: true });
});

async function checkReport(name: string, report: BuiltReport) {
  const file = path.join(dir, `${name}.html`);
  writeFileSync(file, report.html);
  const page = await checkInBrowser(file, path.join(shots, `${name}.png`));
  expect(page.errors).toEqual([]);
  // Only the file itself (and blob: URLs of downloads) is ever requested.
  expect(page.requests.filter((u) => !u.startsWith('file://') && !u.startsWith('blob:'))).toEqual(
    [],
  );
  expect(page.charts.map((c) => c.id)).toEqual(report.charts.map((c) => c.id));
  for (const c of page.charts) {
    expect(c.marks, `${name}: chart ${c.id} drew no marks`).toBeGreaterThan(0);
    expect(c.width, `${name}: chart ${c.id} width`).toBeGreaterThan(200);
    expect(c.height, `${name}: chart ${c.id} height`).toBeGreaterThan(60);
  }
  const first = report.charts[0];
  expect(page.csv).not.toBeNull();
  expect(page.csv!.trimEnd().split('\n').length).toBe(first.rows + 1);
  return page;
}

/** Reports as a user gets them: written by the app (what the CLI and get_report call). */
let app: App | null = null;
async function appWithRuns(): Promise<{ app: App; runId: number }> {
  const a = createApp({ stateDir: path.join(dir, 'state'), workers: 1, log: () => undefined });
  app = a;
  a.importTenantData({ tenant: 'weekly_shop', csv: weeklyCsvOf('high_outdoor_gear') });
  const tenants = ['extreme_cooling', 'none_books', 'medium_beauty', 'weekly_shop'];
  await a.startPhaseRun({ phase: 0, tenants }).done;
  const run = await a.startPhaseRun({ phase: 1, tenants }).done;
  return { app: a, runId: run.id };
}
afterAll(async () => {
  await app?.close();
});

function built(file: string, charts: { id: string }[], rows: number): BuiltReport {
  return {
    html: readFileSync(file, 'utf8'),
    charts: charts.map((c, i) => ({ id: c.id, title: '', reading: '', rows: i === 0 ? rows : 0 })),
    warnings: [],
  };
}

/** Rows of a page's first chart, from its embedded spec. */
function firstChartRows(html: string): number {
  const m = /<script type="application\/json" id="spec-[\w-]+">([\s\S]*?)<\/script>/.exec(html);
  return (JSON.parse(m![1]) as { datasets: { table: unknown[] } }).datasets.table.length;
}

describe.skipIf(SKIP)('reports in headless Chromium', () => {
  it('Chromium is installed (CI must not skip this file)', () => {
    expect(HAVE_CHROMIUM, `no Chromium at ${CHROMIUM}: apt-get install -y chromium`).toBe(true);
  });

  it('app reports: built-in daily tenant (phase 3), imported weekly tenant, run', async () => {
    const { app: a, runId } = await appWithRuns();
    const daily = await a.writeReport({ tenant: 'extreme_ski_gear', phase: 3 });
    const weekly = await a.writeReport({ tenant: 'weekly_shop', phase: 1 });
    const runReport = await a.writeReport({ runId });
    for (const [name, r] of [
      ['tenant-extreme_ski_gear', daily],
      ['tenant-weekly_shop', weekly],
      [`run-${runId}`, runReport],
    ] as const) {
      const html = readFileSync(r.file, 'utf8');
      const page = await checkReport(name, built(r.file, r.charts, firstChartRows(html)));
      expect(page.sections).toContain(`Gate decision, phase ${r.phase}`);
    }
  });

  it('tenant report with intervals and a plan (hand-made data)', async () => {
    const report = await buildTenantReport(handMadeReportData());
    const page = await checkReport('tenant-hand', report);
    expect(page.charts.map((c) => c.id)).toContain('plan');
    expect(page.sections).toContain('Read first');
  });

  it('run report drawn cell by cell', async () => {
    const { r0, r1 } = engineRunResults([
      'extreme_cooling',
      'none_books',
      'medium_beauty',
      'high_gym_activity',
    ]);
    const report = await buildRunReport({
      run: {
        id: 2,
        phase: 1,
        status: 'done',
        created_at: 'c',
        finished_at: 'f',
        seconds: 1,
        config: {},
      },
      results: r1,
      pass_threshold: 0.5,
      gate: null,
      comparison: compareRuns(
        { run_id: 1, phase: 0, results: r0 },
        { run_id: 2, phase: 1, results: r1 },
      ),
      figures_of: 'run 2',
      version: 'test',
    });
    const page = await checkReport('run-2-cells', report);
    // 4 tenants x 5 folds heatmap cells + their 20 labels.
    expect(page.charts.find((c) => c.id === 'fold-heatmap')!.marks).toBe(40);
    expect(page.charts.find((c) => c.id === 'r2-tenants')!.marks).toBeGreaterThanOrEqual(4);
  });
});
