/**
 * The pure report layer: charts, readings, embedded data, determinism and self-containment,
 * on engine data (built-in daily tenant, imported weekly tenant) and on hand-made data.
 */
import { describe, expect, it } from 'vitest';
import { resolveTenant } from '../src/app/compute.js';
import { explanationIntervals } from '../src/app/report.js';
import { r2 as r2Metric } from '../src/core/metrics.js';
import { decideGates } from '../src/gates/index.js';
import { DEFAULT_SEED, generateShape, suiteShape } from '../src/core/data/index.js';
import { buildRunReport, buildTenantReport, tenantCharts, toCsv } from '../src/report/index.js';
import { MAX_TENANTS_DRAWN, clip } from '../src/report/run.js';
import { compareRuns } from '../src/app/compare.js';
import { BASELINE_COLOR, WEATHER_COLOR, channelColors } from '../src/report/chart.js';
import { escapeHtml } from '../src/report/format.js';
import { renumberSvgIds } from '../src/report/render.js';
import { helveticaWidth } from '../src/report/text-metrics.js';
import type { BuiltReport, TenantReportData } from '../src/report/index.js';
import {
  engineReportData,
  handMadeReportData,
  handMadeRunData,
  hotOverCold,
  weeklyCsvOf,
} from './report-helpers.js';

/** The embedded spec of every chart, parsed back from the page. */
function embeddedSpecs(html: string): Map<string, { datasets: { table: unknown[] } }> {
  const out = new Map<string, { datasets: { table: unknown[] } }>();
  const re = /<script type="application\/json" id="spec-([\w-]+)">([\s\S]*?)<\/script>/g;
  for (let m = re.exec(html); m !== null; m = re.exec(html)) out.set(m[1], JSON.parse(m[2]));
  return out;
}

/** Checks every page must pass: one SVG per chart, axes titled, data embedded, nothing external. */
function checkPage(report: BuiltReport, maxBytes: number): void {
  const { html } = report;
  expect(report.warnings).toEqual([]);
  expect(Buffer.byteLength(html)).toBeLessThan(maxBytes);
  // Self-contained: no script, style, image or link fetched from anywhere.
  expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:|\/\/)/i);
  expect(html).not.toMatch(/url\(\s*["']?https?:/i);
  expect(html).not.toMatch(/@import/);
  expect(html).toContain("default-src 'none'");
  const specs = embeddedSpecs(html);
  expect([...specs.keys()]).toEqual(report.charts.map((c) => c.id));
  for (const c of report.charts) {
    expect(c.title.length).toBeGreaterThan(10);
    expect(c.reading.length).toBeGreaterThan(20);
    expect(c.reading).not.toMatch(/NaN|undefined|Infinity/);
    const figure = html.slice(html.indexOf(`id="chart-${c.id}"`));
    const svg = figure.slice(figure.indexOf('<svg'), figure.indexOf('</svg>'));
    expect(svg.length, c.id).toBeGreaterThan(500);
    // Axis titles are drawn (every chart here has at least one titled axis).
    expect(svg, c.id).toContain('role-axis-title');
    expect(specs.get(c.id)!.datasets.table.length).toBe(c.rows);
  }
}

describe('tenant report from the engine', () => {
  it('built-in daily tenant, phase 1: every chart, truth beside estimates, readings from the data', async () => {
    const d = engineReportData({ kind: 'builtin', tenant: 'extreme_cooling' }, 1);
    const report = await buildTenantReport(d);
    checkPage(report, 2 * 1024 * 1024);
    const ids = report.charts.map((c) => c.id);
    expect(ids).toEqual([
      'fit',
      'fold-r2',
      'contributions',
      'totals',
      'contributions-truth',
      'response',
      'roas',
      'roas-weather',
      'truth',
    ]);
    // Phase 1 has no carry-over: no adstock chart, a sentence instead.
    expect(report.html).toContain('has no carry-over');
    // No controls in the data: no control table.
    expect(report.html).not.toContain('Control figures');
    const reading = (id: string) => report.charts.find((c) => c.id === id)!.reading;
    expect(reading('fit')).toContain(`Mean ${d.result.mean_r2.toFixed(3)}`);
    expect(reading('fit')).toContain(`oracle's ${d.result.oracle_r2!.toFixed(3)}`);
    const meta = d.explanation.channels.find((c) => c.channel === 'meta')!;
    expect(reading('roas')).toContain(
      `meta ${meta.roas.toFixed(2)} (true ${meta.truth!.roas.toFixed(2)})`,
    );
  });

  it('the fit chart holds the predictions that were scored: fold R² recomputed from them', () => {
    const d = engineReportData({ kind: 'builtin', tenant: 'high_umbrella_rain' }, 1);
    expect(d.fit.map((f) => f.fold)).toEqual(d.result.folds.map((f) => f.fold));
    d.fit.forEach((f, i) => {
      expect(f.dates[0]).toBe(d.result.folds[i].test_start);
      const r2 = r2Metric(Float64Array.from(f.actual), Float64Array.from(f.predicted));
      expect(Math.abs(r2 - d.result.folds[i].r2)).toBeLessThan(1e-12);
      const oracle = r2Metric(Float64Array.from(f.actual), Float64Array.from(f.expected!));
      expect(Math.abs(oracle - d.result.folds[i].oracle_r2!)).toBeLessThan(1e-12);
    });
  });

  it('the decomposition adds up to the prediction, and channel totals match explain', () => {
    const d = engineReportData({ kind: 'builtin', tenant: 'extreme_cooling' }, 1);
    const dec = d.decomposition;
    for (let t = 0; t < dec.dates.length; t += 37) {
      const parts =
        dec.baseline[t] +
        (dec.weather ? dec.weather[t] : 0) +
        dec.channels.reduce((s, c) => s + c.contribution[t], 0);
      expect(Math.abs(parts - dec.predicted[t])).toBeLessThan(1e-6 * Math.abs(dec.predicted[t]));
    }
    for (const c of dec.channels) {
      const total = c.contribution.reduce((a, b) => a + b, 0);
      const explained = d.explanation.channels.find((e) => e.channel === c.channel)!.contribution;
      expect(Math.abs(total - explained)).toBeLessThan(1e-6 * Math.abs(explained));
      // The truth per row is the generator's: its sum is the true total contribution.
      const truthTotal = c.truth!.reduce((a, b) => a + b, 0);
      const trueTotal = d.explanation.channels.find((e) => e.channel === c.channel)!.truth!
        .contribution;
      expect(Math.abs(truthTotal - trueTotal)).toBeLessThan(1e-6 * trueTotal);
    }
  });

  it('controls are parts of their own: each event within 15% of the revenue the generator added', async () => {
    // The suite's event tenants (daily with weather, weekly without): promo and holiday columns,
    // 0 on most rows, so each is counted from 0; the truth is the generator's added revenue.
    for (const id of ['shape_daily_3y_events', 'shape_weekly_3y_events_noweather']) {
      const source = {
        kind: 'shape' as const,
        tenant: id,
        seed: DEFAULT_SEED,
        shape: suiteShape(id),
      };
      const d = engineReportData(source, 3);
      const dec = d.decomposition;
      expect(dec.controls!.map((k) => [k.control, k.reference])).toEqual([
        ['promo', 0],
        ['holiday', 0],
      ]);
      for (let t = 0; t < dec.dates.length; t += 11) {
        const parts =
          dec.baseline[t] +
          (dec.weather ? dec.weather[t] : 0) +
          dec.controls!.reduce((s, k) => s + k.contribution[t], 0) +
          dec.channels.reduce((s, c) => s + c.contribution[t], 0);
        expect(Math.abs(parts - dec.predicted[t])).toBeLessThan(1e-6 * Math.abs(dec.predicted[t]));
      }
      const truth = generateShape(suiteShape(id), { seed: DEFAULT_SEED }).truth.shape!.events;
      for (const k of dec.controls!) {
        const total = k.contribution.reduce((a, b) => a + b, 0);
        const trueTotal = truth.find((e) => e.column === k.control)!.totalContribution;
        expect(Math.abs(total / trueTotal - 1), `${id} ${k.control}`).toBeLessThan(0.15);
      }
      const contributions = tenantCharts(d).find((c) => c.id === 'contributions')!;
      expect(contributions.title).toContain(
        dec.weather
          ? 'baseline, weather, controls and each channel'
          : 'baseline, controls and each channel',
      );
      expect(contributions.reading).toMatch(/, controls \d+%/);
      // The totals chart's controls row carries the generator's event revenue as its truth tick.
      const totals = tenantCharts(d).find((c) => c.id === 'totals')!;
      const row = totals.rows.find((r) => r.component === 'controls')!;
      const trueEvents = truth.reduce((a, e) => a + e.totalContribution, 0);
      expect(Math.abs((row.truth as number) / trueEvents - 1)).toBeLessThan(1e-3);
      // The page's control table: each control's total, the explanation's (the parts summed).
      const report = await buildTenantReport(d);
      const table = report.html.slice(report.html.indexOf('Control figures'));
      expect(table.length).toBeLessThan(report.html.length);
      for (const k of d.explanation.controls) {
        const total = dec.controls!.find((c) => c.control === k.control)!.contribution;
        expect(Math.abs(k.contribution - total.reduce((a, b) => a + b, 0))).toBeLessThan(
          1e-6 * Math.abs(k.contribution),
        );
        expect(table).toContain(`<td>${k.control}</td>`);
      }
    }
  });

  it('imported weekly tenant, phase 3: no truth charts, adstock in weeks, units per week', async () => {
    const csv = weeklyCsvOf('high_summer_clothing');
    const d = engineReportData({ kind: 'csv', tenant: 'weekly_shop', csv }, 3);
    expect(d.tenant.frequency).toBe('weekly');
    const report = await buildTenantReport(d);
    checkPage(report, 2 * 1024 * 1024);
    const ids = report.charts.map((c) => c.id);
    expect(ids).toContain('adstock');
    expect(ids).not.toContain('truth');
    expect(ids).not.toContain('contributions-truth');
    expect(report.html).toContain('spend per week');
    const adstock = report.charts.find((c) => c.id === 'adstock')!;
    expect(adstock.reading).toMatch(/half-life [\d.]+ weeks/);
    // The weekly model fits one shape for all channels: the chart says it is one, once.
    expect(Object.values(d.explanation.channel_params!).map((p) => p?.decay)).toEqual([
      d.explanation.channel_params!.meta!.decay,
      d.explanation.channel_params!.meta!.decay,
    ]);
    expect(adstock.title).toBe('Carry-over (adstock) shape shared by the channels (one line)');
    // ... drawn once, in one colour, with no channel legend.
    const def = tenantCharts(d).find((c) => c.id === 'adstock')!;
    const layers = (def.spec as { layer: { encoding: Record<string, unknown> }[] }).layer;
    expect(layers[0].encoding.color).toBeUndefined();
    expect(adstock.reading).toMatch(
      /^One carry-over shape shared by the channels \(the model fits one for all on weekly data, not one per channel\): decay [\d.]+, half-life [\d.]+ weeks\.$/,
    );
    expect(report.html).toContain('imported data');
  });

  it('is byte-identical when built twice', async () => {
    const d = engineReportData({ kind: 'builtin', tenant: 'medium_beauty' }, 0);
    const a = await buildTenantReport(d);
    const b = await buildTenantReport(d);
    expect(a.html).toBe(b.html);
  });
});

describe('tenant report from hand-made data', () => {
  const d: TenantReportData = handMadeReportData();

  it('reads the weather chart as the issue asks', async () => {
    const charts = tenantCharts(d);
    const weather = charts.find((c) => c.id === 'roas-weather')!;
    expect(weather.reading).toBe('Hot days return 2.60x on social vs 1.30x on cold days.');
  });

  it('reads the weather chart from the paired contrasts when the explanation has them', () => {
    const contrast = (channel: string, ratio: number, p80: [number, number]) =>
      hotOverCold(channel, ratio, p80, [p80[0] * 0.9, p80[1] * 1.1]);
    const withContrasts = (social: [number, number], search: [number, number]) =>
      tenantCharts({
        ...d,
        explanation: {
          ...d.explanation,
          weather_contrasts: [contrast('social', 2, social), contrast('search', 1.5 / 1.4, search)],
        },
      } as TenantReportData).find((c) => c.id === 'roas-weather')!.reading;
    expect(withContrasts([1.5, 2.6], [0.8, 1.4])).toBe(
      'Hot days return 2.60x on social vs 1.30x on cold days, 2.00 times as much (80% 1.50 to 2.60, 95% 1.35 to 2.86 from the same refits).',
    );
    // Neither ratio's interval leaves 1: no reading of a difference.
    const none =
      "No weather state's ROAS differs clearly from another's: on every channel compared the 95% interval of the ratio, from the same refits, holds 1.";
    expect(withContrasts([0.9, 2.6], [0.8, 1.4])).toBe(none);
    // Its 80% interval leaves 1 and its 95% (1.1 x 0.9 = 0.99 to 2.86) does not: too weak to headline.
    expect(withContrasts([1.1, 2.6], [0.8, 1.4])).toBe(none);
  });

  it('draws intervals when they exist and the plan with its outlook', async () => {
    const report = await buildTenantReport(d);
    checkPage(report, 512 * 1024);
    const svgOf = (id: string) => {
      const f = report.html.slice(report.html.indexOf(`id="chart-${id}"`));
      return f.slice(f.indexOf('<svg'), f.indexOf('</svg>'));
    };
    expect(svgOf('response')).toContain('mark-area');
    // One interval rule per bar: 2 channels x 2 measures.
    const roasRules =
      svgOf('roas').match(/<g class="mark-rule role-mark[^"]*"[^>]*>(.*?)<\/g>/g) ?? [];
    expect(roasRules.join('').match(/<line/g)?.length).toBe(4);
    expect(report.charts.find((c) => c.id === 'plan')!.reading).toBe(
      'The plan spends 550 over 2 days: social 64%, search 36%; the most on 2024-08-03 (300); expected revenue 1,200 in the 2 days, + 180 carry-over after them.',
    );
    expect(svgOf('plan')).toContain('weather outlook');
    // Each chart is one image named by its title and reading (screen readers read tick labels).
    const svgs = report.html.match(/<svg\b[^>]*>/g) ?? [];
    expect(svgs.length).toBe(report.charts.length);
    for (const tag of svgs) expect(tag).toMatch(/^<svg role="img" aria-label="[^"]+\. /);
    // Beside figures calibrated by lift tests, the plan says it comes from the uncalibrated model.
    const calibrated = {
      ...d,
      explanation: { ...d.explanation, calibration: { applied: true } },
    } as unknown as TenantReportData;
    expect(tenantCharts(calibrated).find((c) => c.id === 'plan')!.reading).toBe(
      'The plan spends 550 over 2 days: social 64%, search 36%; the most on 2024-08-03 (300); expected revenue 1,200 in the 2 days, + 180 carry-over after them. Planned without the lift tests (made before they were recorded, or with every test in conflict): plan again to use them.',
    );
    // A flat plan has no peak day.
    const flat = {
      ...d,
      plan: { ...d.plan!, spend: d.plan!.spend.map((r) => ({ ...r, spend: 100 })) },
    } as TenantReportData;
    expect(tenantCharts(flat).find((c) => c.id === 'plan')!.reading).toContain(
      'The plan spends 400 over 2 days: social 50%, search 50%; the same each day (200); expected revenue 1,200',
    );
    // The budget plan says which plan it is, what it was asked and what it claims over (a).
    const plain = tenantCharts(d).find((c) => c.id === 'plan')!;
    expect(plain.title).toBe(
      'Latest budget plan (plan 1): spend per day and channel, with the weather outlook',
    );
    const target = {
      ...d,
      plan: {
        ...d.plan!,
        objective: { kind: 'target_roas', value: 4 },
        incremental_revenue: 2200,
        roas: 4,
        uplift_over_even: { value: 150, p80: [-20, 260] },
      },
    } as TenantReportData;
    const chart = tenantCharts(target).find((c) => c.id === 'plan')!;
    expect(chart.title).toBe(
      'Latest budget plan (plan 1, target ROAS 4): spend per day and channel, with the weather outlook',
    );
    expect(chart.reading).toMatch(
      / Incremental revenue 2,200 \(ROAS 4\.00\), \+150 over the historical split spread evenly \(80% interval -20 to \+260\)\.$/,
    );
    // A plan made with replicates 0 is the model's optimum unchecked: the chart says so, in its
    // title and beside the uplift it claims (it read like a checked plan's).
    const unchecked = tenantCharts({
      ...target,
      plan: { ...target.plan!, checked: false, uplift_over_even: { value: 150, p80: null } },
    } as TenantReportData).find((c) => c.id === 'plan')!;
    expect(unchecked.title).toBe(
      'Latest budget plan (plan 1, target ROAS 4, unchecked): spend per day and channel, with the weather outlook',
    );
    expect(unchecked.reading).toContain(
      "+150 over the historical split spread evenly. Unchecked: made with replicates 0, it is the model's optimum without a check",
    );
    expect(tenantCharts(target).find((c) => c.id === 'plan')!.reading).not.toContain('Unchecked');
    const roasReading = report.charts.find((c) => c.id === 'roas')!.reading;
    expect(roasReading).toContain('social 2.00 [1.50, 2.50]');
    expect(report.html).not.toContain('ROAS pooled with the other channels');
  });

  it('draws the controls a plan assumed below its spend and says them in its reading', async () => {
    // A holiday on the plan's second day (the typical year) and a price held at its mean.
    const withControls = {
      ...d,
      plan: {
        ...d.plan!,
        controls: [
          { date: '2024-08-02', variable: 'holiday', value: 0 },
          { date: '2024-08-03', variable: 'holiday', value: 1 },
          { date: '2024-08-02', variable: 'price', value: 9.5 },
          { date: '2024-08-03', variable: 'price', value: 9.5 },
        ],
      },
    } as TenantReportData;
    const chart = tenantCharts(withControls).find((c) => c.id === 'plan')!;
    expect(chart.title).toBe(
      'Latest budget plan (plan 1): spend per day and channel, with the weather outlook and the controls it assumed',
    );
    expect(chart.reading).toContain(
      ' Controls as the plan assumed them: holiday 1.00 in all, the most on 2024-08-03 (1.00); price 9.50 each day.',
    );
    expect(chart.rows.filter((r) => r.row_type === 'control')).toHaveLength(4);
    const report = await buildTenantReport(withControls);
    const f = report.html.slice(report.html.indexOf('id="chart-plan"'));
    const svg = f.slice(f.indexOf('<svg'), f.indexOf('</svg>'));
    expect(svg).toContain('control as assumed');
    expect(svg).toContain('holiday');
    // Without controls the chart is as before (no panel, no words).
    const plain = tenantCharts(d).find((c) => c.id === 'plan')!;
    expect(plain.reading).not.toContain('Controls');
    expect(plain.rows.some((r) => r.row_type === 'control')).toBe(false);
  });

  it("shows each channel's pooled ROAS beside the model's when the explanation has it", async () => {
    const pooled = {
      ...d,
      explanation: {
        ...d.explanation,
        channels: d.explanation.channels.map((c, i) => ({ ...c, pooled_roas: 1.25 + i })),
      },
    } as TenantReportData;
    const html = (await buildTenantReport(pooled)).html;
    expect(html).toContain('ROAS pooled with the other channels');
    expect(html).toContain('>1.25<');
    expect(html).toContain('>2.25<');
  });

  it('every chart CSV has a header and one line per row', () => {
    for (const c of tenantCharts(d)) {
      const lines = toCsv(c.rows).trimEnd().split('\n');
      expect(lines.length).toBe(c.rows.length + 1);
    }
  });
});

describe('run report', () => {
  it('tenants beside their oracle, fold heatmap, gate with reasons, comparison', async () => {
    const { engineRunResults } = await import('./report-run-helpers.js');
    const { r0, r1 } = engineRunResults(['extreme_cooling', 'none_books', 'medium_beauty']);
    const decision = decideGates({
      phase: 1,
      results: r1,
      previous: { phase: 0, results: r0 },
      baseline: r0,
    });
    const { compareRuns } = await import('../src/app/compare.js');
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
      gate: { decision, run_id: 2, decided_at: 'd', stored: true },
      comparison: compareRuns(
        { run_id: 1, phase: 0, results: r0 },
        { run_id: 2, phase: 1, results: r1 },
      ),
      figures_of: 'run 2',
      version: 'test',
    });
    checkPage(report, 5 * 1024 * 1024);
    expect(report.charts.map((c) => c.id)).toEqual(['r2-tenants', 'fold-heatmap', 'compare']);
    const pass = r1.filter((r) => r.passes).length;
    expect(report.charts[0].reading).toMatch(new RegExp(`^${pass} of 3 tenants pass`));
    expect(report.html).toContain(decision.decision);
    for (const reason of decision.reasons.slice(0, 3)) {
      expect(report.html).toContain(escapeHtml(reason));
    }
    // 3 tenants x 5 folds cells.
    const heat = report.html.slice(report.html.indexOf('id="chart-fold-heatmap"'));
    const cells = heat
      .slice(0, heat.indexOf('</svg>'))
      .match(/<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/);
    expect(cells![1].match(/<path/g)!.length).toBe(15);
  });
});

describe('run report of many tenants', () => {
  it("renders 1,200 tenants (an explicit sort of every id overflowed vega's stack)", async () => {
    const d = handMadeRunData({});
    const base = d.results[0];
    const n = 1200;
    const results = Array.from({ length: n }, (_, i) => ({
      ...base,
      tenant: `t${String(i).padStart(4, '0')}`,
      mean_r2: ((i * 37) % n) / n,
      passes: ((i * 37) % n) / n >= 0.5,
    }));
    const previous = results.map((r) => ({ ...r, mean_r2: r.mean_r2 * 0.9 }));
    const report = await buildRunReport({
      ...d,
      results,
      comparison: compareRuns(
        { run_id: 6, phase: 2, results: previous },
        { run_id: 7, phase: 3, results },
      ),
    });
    checkPage(report, 20 * 1024 * 1024);
    expect(report.charts.map((c) => c.id)).toEqual(['r2-tenants', 'fold-heatmap', 'compare']);
    const svg = (id: string) => {
      const f = report.html.slice(report.html.indexOf(`id="chart-${id}"`));
      return f.slice(f.indexOf('<svg'), f.indexOf('</svg>'));
    };
    // The drawn tenants, highest R² first: the lowest and highest halves.
    const labels = [...svg('r2-tenants').matchAll(/<text[^>]*>(t\d{4})<\/text>/g)].map((m) => m[1]);
    const byR2 = [...results].sort((a, b) => b.mean_r2 - a.mean_r2).map((r) => r.tenant);
    const half = MAX_TENANTS_DRAWN / 2;
    expect(labels).toEqual([...byR2.slice(0, half), ...byR2.slice(-half)]);
    // The comparison draws every tenant, in the same order.
    const compared = [...svg('compare').matchAll(/<text[^>]*>(t\d{4})<\/text>/g)].map((m) => m[1]);
    expect(compared).toEqual(byR2);
  });
});

describe('intervals from the engine', () => {
  it('maps 80% intervals of an explanation (trust fields) onto the charts, none when absent', () => {
    const d = engineReportData({ kind: 'builtin', tenant: 'extreme_cooling' }, 0);
    expect(explanationIntervals(d.explanation)).toBeNull();
    const iv = (lo: number, hi: number) => ({
      p80: [lo, hi] as [number, number],
      p95: [lo - 1, hi + 1] as [number, number],
    });
    const e = structuredClone(d.explanation) as typeof d.explanation & Record<string, unknown>;
    e.channels = e.channels.map((c) => ({
      ...c,
      intervals: { roas: iv(1, 2), marginal_roas: iv(0.5, 1), contribution: iv(10, 20) },
    }));
    e.response_curves = e.response_curves.map((r) => ({
      ...r,
      contribution_interval: {
        p80: { lo: r.contribution.map((x) => x * 0.9), hi: r.contribution.map((x) => x * 1.1) },
        p95: { lo: r.contribution, hi: r.contribution },
      },
    }));
    const mapped = explanationIntervals(e)!;
    expect(mapped.roas!.meta).toEqual({ level: 0.8, lo: 1, hi: 2 });
    expect(mapped.marginal_roas!.google).toEqual({ level: 0.8, lo: 0.5, hi: 1 });
    expect(mapped.response_curves!.meta.hi[1]).toBeCloseTo(
      e.response_curves[0].contribution[1] * 1.1,
      9,
    );
  });
});

describe('render helpers', () => {
  it('renumbers vega clip and gradient ids under the chart prefix, consistently', () => {
    const svg =
      '<clipPath id="clip7"><rect/></clipPath><g clip-path="url(#clip7)"></g>' +
      '<linearGradient id="gradient_3"></linearGradient><rect fill="url(#gradient_3)"/>';
    expect(renumberSvgIds(svg, 'fit')).toBe(
      '<clipPath id="fit-d0"><rect/></clipPath><g clip-path="url(#fit-d0)"></g>' +
        '<linearGradient id="fit-d1"></linearGradient><rect fill="url(#fit-d1)"/>',
    );
  });

  it('measures text with Helvetica advance widths', () => {
    // H 722 + e 556 + l 222 + l 222 + o 556 = 2278 units -> 22.78 px at 10 px.
    expect(helveticaWidth('Hello', 10)).toBeCloseTo(22.78, 10);
    expect(helveticaWidth('Hello', 10, true)).toBeCloseTo(22.78 * 1.06, 10);
  });

  it('the weekly CSV helper aggregates whole weeks', () => {
    const { series } = resolveTenant({ kind: 'builtin', tenant: 'high_summer_clothing' });
    const csv = weeklyCsvOf('high_summer_clothing');
    expect(csv.trimEnd().split('\n').length).toBe(Math.floor(series.dates.length / 7) + 1);
  });

  it('gives 15 channels 15 colours, none the baseline or weather colour', () => {
    const names = Array.from({ length: 15 }, (_, i) => `ch${i}`);
    const colors = Object.values(channelColors(names));
    expect(new Set(colors).size).toBe(15);
    expect(colors).not.toContain(BASELINE_COLOR);
    expect(colors).not.toContain(WEATHER_COLOR);
  });
});

describe('plan chart of a weekly tenant', () => {
  it('draws each week as one bar across the week, labelled by its first day', async () => {
    const d = handMadeReportData();
    const weeks = ['2024-08-05', '2024-08-12'];
    const weekly = {
      ...d,
      tenant: { ...d.tenant, frequency: 'weekly' },
      plan: {
        ...d.plan!,
        spend: weeks.flatMap((date, i) => [
          { date, channel: 'social', spend: 150 + 50 * i },
          { date, channel: 'search', spend: 100 },
        ]),
        outlook: weeks.map((date, i) => ({ date, variable: 'temperature_c', value: 24 + 5 * i })),
      },
    } as TenantReportData;
    const report = await buildTenantReport(weekly);
    expect(report.warnings).toEqual([]);
    const f = report.html.slice(report.html.indexOf('id="chart-plan"'));
    const svg = f.slice(f.indexOf('<svg'), f.indexOf('</svg>'));
    // The spend panel's bars: 2 weeks x 2 channels. The shared x axis runs from the first week's
    // Monday to the end of the last week (14 days over 720 px), so each bar is 360 px wide.
    const group = /<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/.exec(svg)![1];
    const widths = [...group.matchAll(/<path [^>]*d="M[-\d.]+,[-\d.]+h([\d.]+)/g)].map((m) =>
      Number(m[1]),
    );
    expect(widths.length).toBe(4);
    for (const w of widths) expect(w).toBeCloseTo(360, 0);
    // Tick labels: the weeks' first days only (not every other day of the weeks).
    const axis = /<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/.exec(svg)![1];
    const labels = [...axis.matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['05 Aug', '12 Aug']);
  });
});

describe('report titles and cards promise only what is there', () => {
  it('no oracle tick without an oracle, no weather without weather; a card cut at a word', () => {
    const d = handMadeReportData(); // real-data-like: no oracle R² in any fold
    const fold = tenantCharts(d).find((c) => c.id === 'fold-r2')!;
    expect(fold.title).toBe('Out-of-sample R² per fold (dashed: pass bar)');
    const noWeather = {
      ...d,
      decomposition: { ...d.decomposition, weather: null },
    } as unknown as TenantReportData;
    expect(tenantCharts(noWeather).find((c) => c.id === 'contributions')!.title).toMatch(
      /^Contributions over time: baseline, each channel \(per day\)$/,
    );
    expect(tenantCharts(d).find((c) => c.id === 'contributions')!.title).toContain(
      'baseline, weather and each channel',
    );
    const text =
      'Not a model failure: the gate judges phase 2 against a phase 1 run of the same tenants';
    expect(clip(text, 80)).toBe(
      'Not a model failure: the gate judges phase 2 against a phase 1 run of the same…',
    );
    expect(clip('short', 80)).toBe('short');
  });
});
