/**
 * What the report's reader sees on odd tenants: tiny ROAS in figures (not 0.00), labels clear of
 * the interval marks, legends, channels without spend, the headline card, narrow screens.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildRunReport, buildTenantReport, tenantCharts } from '../src/report/index.js';
import { ratio } from '../src/report/format.js';
import type { TenantReportData } from '../src/report/index.js';
import { foldHeatmap } from '../src/report/run.js';
import { CHROMIUM, CHROMIUM_FLAGS, chromiumAvailable } from './browser.js';
import { handMadeReportData, handMadeRunData } from './report-helpers.js';

/** The SVG of one chart of a page. */
function svgOf(html: string, id: string): string {
  const f = html.slice(html.indexOf(`id="chart-${id}"`));
  return f.slice(f.indexOf('<svg'), f.indexOf('</svg>'));
}

/** The texts of the marks of one role (e.g. 'mark-text') in an SVG, in drawing order. */
function markTexts(svg: string, cls: string): string[] {
  const groups =
    svg.match(new RegExp(`<g class="${cls} role-mark[^"]*"[^>]*>(.*?)</g>`, 'g')) ?? [];
  return groups.flatMap((g) => [...g.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]));
}

/** The hand-made tenant with revenue in millions over spend in units: ROAS near 4e-6. */
function tinyRoasData(): TenantReportData {
  const d = handMadeReportData();
  const scale = 1.96e-6;
  const iv = (lo: number, hi: number) => ({ level: 0.8, lo: lo * scale, hi: hi * scale });
  return {
    ...d,
    explanation: {
      ...d.explanation,
      channels: d.explanation.channels.map((c) => ({
        ...c,
        contribution: c.contribution * scale,
        roas: c.roas * scale,
        marginal_roas: c.marginal_roas * scale,
      })),
      weather_states: d.explanation.weather_states.map((s) => ({
        ...s,
        channels: s.channels.map((c) => ({
          ...c,
          roas: c.roas === null ? null : c.roas * scale,
          contribution: c.contribution * scale,
        })),
      })),
    },
    intervals: {
      ...d.intervals!,
      roas: { social: iv(1.5, 2.5), search: iv(1.2, 2.8) },
      marginal_roas: { social: iv(0.8, 1.4), search: iv(0.5, 1.3) },
      state_roas: {},
    },
  };
}

describe('ROAS far below 0.01 (revenue and spend in different units)', () => {
  it('ratio: 2 decimals, 3 significant digits where those read 0, never -0.00', () => {
    expect(ratio(2.634)).toBe('2.63');
    expect(ratio(0.005)).toBe('0.01');
    expect(ratio(0.00000392)).toBe('0.00000392');
    expect(ratio(-0.0042)).toBe('-0.00420');
    expect(ratio(-0)).toBe('0.00');
    expect(ratio(0)).toBe('0.00');
    expect(ratio(Number.NaN)).toBe('n/a');
  });

  it('prints 3.92e-6 as 0.00000392 in the reading, the table, the card and the bar labels', async () => {
    const d = tinyRoasData();
    const roas = tenantCharts(d).find((c) => c.id === 'roas')!;
    // social: ROAS 2 x 1.96e-6, interval [1.5, 2.5] x 1.96e-6, marginal 1.1 x 1.96e-6.
    expect(roas.reading).toContain(
      'social 0.00000392 [0.00000294, 0.00000490], marginal 0.00000216',
    );
    const weather = tenantCharts(d).find((c) => c.id === 'roas-weather')!;
    expect(weather.reading).toBe(
      'Hot days return 0.00000510x on social vs 0.00000255x on cold days.',
    );
    const { html } = await buildTenantReport(d);
    expect(html).not.toMatch(/>0\.00</);
    expect(html).toContain('>0.00000392<');
    expect(html).toContain('0.00000294 to 0.00000490');
    const labels = markTexts(svgOf(html, 'roas'), 'mark-text');
    expect(labels.sort()).toEqual(['0.00000216', '0.00000176', '0.00000392', '0.00000392'].sort());
    const wlabels = markTexts(svgOf(html, 'roas-weather'), 'mark-text');
    expect(wlabels.sort()).toEqual(['0.00000510', '0.00000255', '0.00000294', '0.00000274'].sort());
  });

  it('keeps the labels of ordinary ROAS as they were', async () => {
    const { html } = await buildTenantReport(handMadeReportData());
    expect(markTexts(svgOf(html, 'roas'), 'mark-text').sort()).toEqual(
      ['2.00', '2.00', '1.10', '0.90'].sort(),
    );
    expect(markTexts(svgOf(html, 'roas-weather'), 'mark-text').sort()).toEqual(
      ['2.6', '1.3', '1.5', '1.4'].sort(),
    );
  });
});

/** Each mark of one role as its translate (x, y) and, for a line, its y2. */
function markPositions(svg: string, cls: string): { x: number; y: number; y2: number }[] {
  const g = svg.match(new RegExp(`<g class="${cls} role-mark[^"]*"[^>]*>(.*?)</g>`))?.[1] ?? '';
  return [
    ...g.matchAll(/<(?:text|line)[^>]*transform="translate\(([-\d.e]+),([-\d.e]+)\)"[^>]*>/g),
  ].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    y2: Number(/y2="([-\d.e]+)"/.exec(m[0])?.[1] ?? 0),
  }));
}

describe('value labels of the ROAS charts', () => {
  it('are drawn last and above the top of their interval rule', async () => {
    const { html } = await buildTenantReport(handMadeReportData());
    for (const id of ['roas', 'roas-weather']) {
      const svg = svgOf(html, id);
      expect(svg.indexOf('class="mark-text role-mark'), id).toBeGreaterThan(
        svg.indexOf('class="mark-rule role-mark'),
      );
      const rules = markPositions(svg, 'mark-rule');
      const texts = markPositions(svg, 'mark-text');
      expect(texts.length, id).toBe(4);
      for (const t of texts) {
        const rule = rules.find((r) => Math.abs(r.x - t.x) < 0.5)!;
        // SVG y grows downwards: the label's baseline is above the rule's upper end.
        expect(t.y, `${id} label at x ${t.x}`).toBeLessThan(Math.min(rule.y, rule.y + rule.y2));
      }
    }
  });
});

describe('run report', () => {
  it('compares only the folds most tenants have (another protocol has a fifth)', () => {
    const d = handMadeRunData({});
    const r = d.results[0];
    const fold = (k: number, r2: number) => ({ ...r.folds[0], fold: k, r2 });
    // Two tenants with folds 1-2 (0.6, 0.7) and a third with a fifth fold at 0.99: fold 5 is the
    // best mean, but only one of three tenants has it.
    const third = {
      ...r,
      tenant: 'third',
      folds: [fold(0, 0.6), fold(1, 0.7), fold(4, 0.99)],
    };
    const both = { ...d, results: [d.results[0], d.results[1], third] };
    const reading = foldHeatmap(both).reading;
    expect(reading).toContain('fold 2 the easiest');
    expect(reading).toContain('fold 5, held by 1 of 3 tenants: not compared');
    // with every tenant on the same folds nothing is left out
    expect(foldHeatmap(d).reading).not.toContain('not compared');
  });

  it('labels the heatmap legend from -0.5 (its scale start), not -1', async () => {
    const { html } = await buildRunReport(handMadeRunData({}));
    const svg = svgOf(html, 'fold-heatmap');
    const legend = svg.match(/<g class="mark-text role-legend-label"[^>]*>(.*?)<\/g>/)![1];
    const labels = [...legend.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['\u22120.5', '0.0', '0.5', '1.0']);
  });
});

/** The hand-made tenant with search never spent on (explain's no_spend channel). */
function noSpendData(): TenantReportData {
  const d = handMadeReportData();
  const e = d.explanation;
  return {
    ...d,
    explanation: {
      ...e,
      channels: e.channels.map((c) =>
        c.channel === 'search'
          ? { ...c, spend: 0, contribution: 0, roas: 0, marginal_roas: 0, no_spend: true as const }
          : c,
      ),
      weather_states: e.weather_states.map((s) => ({
        ...s,
        channels: s.channels.map((c) =>
          c.channel === 'search' ? { ...c, spend: 0, contribution: 0, roas: null } : c,
        ),
      })),
      response_curves: e.response_curves.filter((c) => c.channel !== 'search'),
    },
    intervals: {
      roas: { social: d.intervals!.roas!.social },
      marginal_roas: { social: d.intervals!.marginal_roas!.social },
      state_roas: {
        'temperature_c:hot': { social: d.intervals!.state_roas!['temperature_c:hot'].social },
        'temperature_c:cold': { social: d.intervals!.state_roas!['temperature_c:cold'].social },
      },
      response_curves: { social: d.intervals!.response_curves!.social },
    },
  };
}

describe('a channel with no spend', () => {
  it('has no bar or label in the ROAS charts, "no spend" in the table and a weather note', async () => {
    const d = noSpendData();
    const charts = tenantCharts(d);
    const roas = charts.find((c) => c.id === 'roas')!;
    expect(roas.rows.map((r) => r.channel)).toEqual(['social', 'social']);
    expect(roas.reading).toContain('search: no spend in the data, nothing to estimate');
    const weather = charts.find((c) => c.id === 'roas-weather')!;
    expect(weather.rows.map((r) => r.channel)).toEqual(['social', 'social']);
    expect(weather.notes).toContain(
      'no spend: search in the data (no ROAS in any weather, no bars)',
    );
    const { html } = await buildTenantReport(d);
    expect(markTexts(svgOf(html, 'roas'), 'mark-text').sort()).toEqual(['1.10', '2.00']);
    expect(markTexts(svgOf(html, 'roas-weather'), 'mark-text').sort()).toEqual(['1.3', '2.6']);
    const table = html.slice(html.indexOf('id="channels"'));
    const searchRow = table.slice(
      table.indexOf('<td>search</td>'),
      table.indexOf('</tr>', table.indexOf('<td>search</td>')),
    );
    const cells = [...searchRow.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    // channel, spend, contribution, ROAS, ROAS 80% interval, marginal ROAS.
    expect(cells).toEqual(['search', '0', '0', 'no spend', 'no spend', 'no spend']);
  });
});

describe('the best ROAS card', () => {
  type Caveats = TenantReportData['explanation']['caveats'];
  // social's ROAS 3 (95% interval roas95), search's 2; a weather state's own interval of social.
  const data = (caveats: Caveats, roas95?: [number, number], state95?: [number, number]) => {
    const d = handMadeReportData();
    const band = (p95: [number, number]) => ({ p80: p95, p95 });
    const iv = (p95: [number, number]) => ({
      contribution: band([100, 900]),
      roas: band(p95),
      marginal_roas: band([0.5, 2]),
    });
    return {
      ...d,
      explanation: {
        ...d.explanation,
        channels: d.explanation.channels.map((c) => ({
          ...c,
          roas: c.channel === 'social' ? 3 : 2,
          intervals: c.channel === 'social' && roas95 ? iv(roas95) : null,
        })),
        weather_states: d.explanation.weather_states.map((s, i) => ({
          ...s,
          channels: s.channels.map((c) => ({
            ...c,
            intervals: c.channel === 'social' && i === 0 && state95 ? iv(state95) : c.intervals,
          })),
        })),
        caveats,
      },
    } satisfies TenantReportData;
  };
  const card = async (d: TenantReportData) => {
    const { html } = await buildTenantReport(d);
    const at = html.indexOf('<div class="label">best ROAS</div>');
    return /<div class="value">([^<]*)<\/div>/.exec(html.slice(at))![1];
  };
  // The messages say nothing a parser could use: the card reads the structured fields only.
  const caveat = (code: string, channels: string[]) => ({
    code,
    message: 'see the figures',
    channels,
  });

  it('names the best channel whose ROAS no caveat calls unreliable', async () => {
    expect(await card(data([]))).toBe('3.00 social');
    // Only a weather state's interval spans zero: the ROAS itself stands.
    expect(await card(data([caveat('interval_spans_zero', ['social'])], [1, 5], [-1, 4]))).toBe(
      '3.00 social',
    );
    expect(await card(data([caveat('interval_spans_zero', ['social'])], [-0.5, 6]))).toBe(
      '2.00 search',
    );
    expect(await card(data([caveat('low_spend_channel', ['social'])]))).toBe('2.00 search');
    expect(await card(data([caveat('constant_spend_channel', ['social'])]))).toBe('2.00 search');
    // A caveat of another kind about social leaves its ROAS standing.
    expect(await card(data([caveat('no_spend_in_state', ['social'])]))).toBe('3.00 social');
    expect(await card(noSpendData())).toBe('2.00 social');
  });

  it('says none is reliable when every channel has such a caveat', async () => {
    const inseparable = caveat('channels_not_separable', ['social', 'search']);
    expect(await card(data([inseparable]))).toBe('none reliable');
    const { html } = await buildTenantReport(data([inseparable]));
    expect(html).toContain('no channel&#39;s ROAS is reliable: see Read first');
  });
});

describe('the response chart', () => {
  it('calls the whole-data mean spend the average spend, not the current one', () => {
    const response = tenantCharts(handMadeReportData()).find((c) => c.id === 'response')!;
    // social: 1,200 spent over 12 days = 100/day; search 2,400 = 200/day.
    expect(response.reading).toMatch(
      /^At its average spend over the data, social at 100\/day returns 1\.10 per extra 1; search at 200\/day returns 0\.90 per extra 1\.$/,
    );
    expect(response.notes![0]).toBe(
      "Average spend: each channel's spend summed over all 12 days of the data, divided by 12; not its recent level (a channel launched late or cut lately is marked where it seldom spent).",
    );
    const markers = response.rows.filter((r) => r.row_type === 'marker').map((r) => r.marker);
    expect(markers).toEqual(['average spend', 'planned spend', 'average spend', 'planned spend']);
  });
});

describe('the run report header', () => {
  it('prints the run config without its unset (null) fields', async () => {
    const { html } = await buildRunReport(
      handMadeRunData({ folds: 5, testSize: null, minTrain: null, gap: 0, blend: 'rule' }),
    );
    const header = html.slice(html.indexOf('<h1'), html.indexOf('class="cards"'));
    expect(header).toContain(
      'config {&quot;folds&quot;:5,&quot;gap&quot;:0,&quot;blend&quot;:&quot;rule&quot;}',
    );
    expect(header).not.toContain('null');
  });
});

describe('a narrow screen (400 px)', () => {
  it('wraps tables in a sideways-scrolling box and keeps charts at >= 80% of their width', async () => {
    const { html } = await buildTenantReport(handMadeReportData());
    expect(html).toContain('<div class="scroll"><table>');
    expect(html).toMatch(/\.svg,\.scroll\{overflow-x:auto/);
    const tags = html.match(/<svg\b[^>]*>/g)!;
    expect(tags.length).toBeGreaterThan(5);
    for (const tag of tags) {
      const width = Number(/\swidth="([\d.]+)"/.exec(tag)![1]);
      expect(tag).toContain(`style="min-width:${Math.round(0.8 * width)}px"`);
    }
  });

  it.skipIf(!chromiumAvailable())(
    'in Chromium: no page-wide overflow, chart text >= 8 px',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'wv-narrow-'));
      const file = path.join(dir, 'hand.html');
      const d = handMadeReportData();
      writeFileSync(file, (await buildTenantReport(d)).html);
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
      try {
        const page = await (
          await browser.newContext({ viewport: { width: 400, height: 900 } })
        ).newPage();
        await page.goto(pathToFileURL(file).href);
        // A string: the tests compile without the DOM's types (as tests/browser.ts does).
        const m = (await page.evaluate(`({
        scrollWidth: document.documentElement.scrollWidth,
        scales: [...document.querySelectorAll('figure.chart svg')].map(
          (s) => s.getBoundingClientRect().width / Number(s.getAttribute('width')),
        ),
        boxes: [...document.querySelectorAll('div.svg, div.scroll')].map(
          (b) => b.getBoundingClientRect().right,
        ),
      })`)) as { scrollWidth: number; scales: number[]; boxes: number[] };
        expect(m.scrollWidth).toBe(400);
        expect(Math.min(...m.scales)).toBeGreaterThanOrEqual(0.79);
        for (const right of m.boxes) expect(right).toBeLessThanOrEqual(400);
      } finally {
        await browser.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
