/**
 * What a report says before its figures (session 63 report probe): the cards read the model's
 * verdict as "Read first" does, a line above them points there, channels held at 0 are not drawn
 * as measurements, a plan's caveats join "Read first", grouped periods of unequal length are
 * scaled to a whole period, and a gate that only lacks a prerequisite run is not red.
 */
import { describe, expect, it } from 'vitest';
import { buildTenantReport, tenantCharts } from '../src/report/index.js';
import { gateTone } from '../src/report/gate.js';
import { firstWords } from '../src/report/tenant.js';
import type { TenantReportData } from '../src/report/index.js';
import { handMadeReportData } from './report-helpers.js';

/** The text inside the page's header cards, in order: [label, value, detail] each. */
function cardsOf(html: string): string[][] {
  const header = html.slice(html.indexOf('<header>'), html.indexOf('</header>'));
  const out: string[][] = [];
  const re =
    /<div class="card[^"]*"><div class="label">([^<]*)<\/div><div class="value">([^<]*)<\/div>(?:<div class="detail">([^<]*)<\/div>)?/g;
  for (let m = re.exec(header); m !== null; m = re.exec(header)) out.push([m[1], m[2], m[3] ?? '']);
  return out;
}

/** The hand-made tenant whose folds pass (0.65) while the explained model alone does not (0.38). */
function explainedFails(): TenantReportData {
  const d = handMadeReportData();
  d.explanation.validation = {
    mean_r2: 0.65,
    se_r2: 0.05,
    pass_threshold: 0.5,
    explained_model_r2: 0.384,
  } as NonNullable<TenantReportData['explanation']['validation']>;
  d.caveats = [
    'this phase 3 model fails the pass bar: mean fold R² of this model alone 0.384 < 0.5; its ROAS and contributions are not reliable',
    ...d.caveats,
  ];
  return d;
}

describe('the header cards and the line above them', () => {
  it('read the explained model’s verdict: fail, and no best ROAS', async () => {
    const { html } = await buildTenantReport(explainedFails());
    const cards = cardsOf(html);
    expect(cards.length).toBeGreaterThan(0);
    const byLabel = new Map(cards.map((c) => [c[0], c]));
    expect(byLabel.get('pass bar')?.[1]).toBe('fail');
    expect(byLabel.get('pass bar')?.[2]).toBe(
      'the folds pass; this model alone 0.384 does not: its figures are the ones below',
    );
    expect(byLabel.get('out-of-sample R²')?.[2]).toMatch(/^this model alone 0\.384; /);
    expect(byLabel.get('best ROAS')?.slice(1)).toEqual([
      'none reliable',
      'the model fails the pass bar: see Read first',
    ]);
    // The line above the cards names the count and the first caveat's opening.
    expect(html).toContain(
      '<p class="notice" role="note"><a href="#caveats">2 caveats to read before these figures, the first: this phase 3 model fails the pass bar</a></p>',
    );
    expect(html.indexOf('class="notice"')).toBeLessThan(html.indexOf('class="cards"'));
  });

  it('keeps a passing model’s cards, and leaves a channel read below its usual spend off the best ROAS', async () => {
    const d = handMadeReportData();
    d.explanation.channels[0].roas = 3;
    const plain = new Map(cardsOf((await buildTenantReport(d)).html).map((c) => [c[0], c]));
    expect(plain.get('pass bar')?.[1]).toBe('pass');
    expect(plain.get('best ROAS')?.[1]).toMatch(/ social$/);
    d.explanation.channels[0].below_spend_share = 0.8;
    const below = new Map(cardsOf((await buildTenantReport(d)).html).map((c) => [c[0], c]));
    expect(below.get('best ROAS')?.[1]).toMatch(/ search$/);
  });
});

describe('channels held at 0', () => {
  it('are "not identified" in the table and have no bars in the ROAS and weather charts', async () => {
    const d = handMadeReportData();
    d.explanation.caveats = [
      { code: 'media_effect_held_at_zero', channels: ['search'], message: 'search held at 0' },
    ];
    const charts = new Map(tenantCharts(d).map((c) => [c.id, c]));
    const roasRows = charts.get('roas')!.rows;
    expect(roasRows.map((r) => r.channel)).not.toContain('search');
    expect(roasRows.map((r) => r.channel)).toContain('social');
    expect(charts.get('roas')!.reading).toMatch(
      / Held at 0, not identified \(no bars; Read first\): search\.$/,
    );
    const weather = charts.get('roas-weather')!;
    expect(weather.rows.map((r) => r.channel)).not.toContain('search');
    expect(weather.notes).toContain(
      'held at 0: search (its effect is not identified, so neither is its ROAS in any weather: no bars)',
    );
    const { html } = await buildTenantReport(d);
    const table = html.slice(html.indexOf('<table'), html.indexOf('</table>'));
    const searchRow = table.slice(table.indexOf('<td>search</td>'));
    expect(searchRow.slice(0, searchRow.indexOf('</tr>'))).toContain('not identified');
  });
});

describe('a plan’s caveats in "Read first"', () => {
  it('are listed there under the plan’s name and counted in the line above the cards', async () => {
    const d = handMadeReportData();
    d.plan = { ...d.plan!, read_first: ['the planner’s own curve fit is in doubt (hand-made)'] };
    const { html } = await buildTenantReport(d);
    const first = html.slice(html.indexOf('<section id="caveats">'));
    expect(first.slice(0, first.indexOf('</section>'))).toContain(
      '<h3>The budget plan (plan 1)</h3><ul class="caveats"><li>the planner’s own curve fit is in doubt (hand-made)</li></ul>',
    );
    expect(html).toContain('2 caveats to read before these figures (1 of the budget plan)');
  });
});

describe('the line above the cards', () => {
  it("counts a plan's caveats, not its model line, and opens the first with words that say something", async () => {
    // A probe's banner: "2 caveats ... (1 of the budget plan), the first: model", where the
    // plan's one line was its model line ("model: phase 3 run 4, ... passes the 0.5 bar").
    const d = handMadeReportData();
    d.caveats = [];
    d.plan = {
      ...d.plan!,
      read_first: [
        'CAVEAT curve_fit_in_doubt: the planner’s own curve fit is in doubt: media credited with 102% of the revenue',
        'model: phase 3 run 4, mean fold R² 0.745 ± 0.020 (SE); passes the 0.5 bar',
      ],
      read_first_caveats: 1,
    };
    const { html } = await buildTenantReport(d);
    expect(html).toContain(
      '1 caveat to read before these figures (1 of the budget plan), the first: the planner’s own curve fit is in doubt',
    );
    // Both lines are still listed under the plan's name.
    expect(html).toContain('<li>model: phase 3 run 4');
  });

  it('firstWords: to the first colon, past a few words before it, cut at a word', () => {
    expect(firstWords('this phase 3 model fails the pass bar: mean fold R² 0.384 < 0.5')).toBe(
      'this phase 3 model fails the pass bar',
    );
    expect(
      firstWords('meta: the 95% interval of marginal ROAS includes zero: read it as unknown'),
    ).toBe('meta: the 95% interval of marginal ROAS includes zero');
    expect(firstWords('CAVEAT level_shift: revenue at another level from 2024-03-01')).toBe(
      'revenue at another level from 2024-03-01',
    );
    const long = firstWords(`google: ${'word '.repeat(60)}`);
    expect(long.length).toBeLessThanOrEqual(140);
    expect(long.endsWith('word…')).toBe(true);
  });
});

describe('the data’s warnings in "Read first"', () => {
  it('are listed there as train gives them and counted in the line above the cards', async () => {
    const d = handMadeReportData();
    d.data_warnings = ['channel "tv" has no spend from 2023-03-01 to 2023-06-30 (hand-made)'];
    const { html } = await buildTenantReport(d);
    const first = html.slice(html.indexOf('<section id="caveats">'));
    expect(first.slice(0, first.indexOf('</section>'))).toContain(
      '<h3>The data (as train warns)</h3><ul class="caveats"><li>channel &quot;tv&quot; has no spend from 2023-03-01 to 2023-06-30 (hand-made)</li></ul>',
    );
    expect(html).toContain('2 caveats to read before these figures (1 of the data)');
  });
});

describe('contributions per grouped period', () => {
  it('scale each month of weeks to an average month, so 4- and 5-week months compare', () => {
    // 104 weeks from Monday 2024-01-01 with the same contribution every week: January 2024 holds
    // 5 week starts, February 4, December 2025 4 of its 5; scaled, every month reads 365.25 / 12 / 7
    // weeks of it.
    const d = handMadeReportData();
    const n = 104;
    const dates = Array.from({ length: n }, (_, i) =>
      new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10),
    );
    d.tenant.frequency = 'weekly';
    d.tenant.rows = n;
    // Many channels, so the chart groups the weeks into months (MAX_STACKED_BARS).
    const names = Array.from({ length: 12 }, (_, i) => `ch${i}`);
    d.decomposition = {
      dates,
      predicted: dates.map(() => 100 + 10 * names.length),
      baseline: dates.map(() => 100),
      weather: null,
      channels: names.map((channel) => ({
        channel,
        contribution: dates.map(() => 10),
        truth: null,
      })),
    };
    const chart = tenantCharts(d).find((c) => c.id === 'contributions')!;
    expect(chart.title).toMatch(/\(per month\)$/);
    const base = chart.rows.filter((r) => r.component === 'baseline');
    expect(base.slice(0, 3).map((r) => r.period_start)).toEqual([
      '2024-01-01',
      '2024-02-01',
      '2024-03-01',
    ]);
    expect(base).toHaveLength(24);
    const month = 365.25 / 12 / 7;
    for (const r of base) expect(r.contribution as number).toBeCloseTo(100 * month, 3);
    expect(chart.notes?.[0]).toMatch(/^Each month's bars are its weeks scaled to an average month/);
  });
});

describe('gateTone', () => {
  it('is neutral for an escalation that only lacks the prerequisite run, red for any other', () => {
    const missing = { name: 'missing_prerequisite_run', triggered: true };
    const drop = { name: 'regression', triggered: true };
    expect(gateTone('ESCALATE', [missing])).toBe('neutral');
    expect(gateTone('ESCALATE', [missing, drop])).toBe('bad');
    expect(gateTone('ESCALATE', [])).toBe('bad');
    expect(gateTone('SUCCESS', [])).toBe('good');
  });
});

describe('the ROAS chart of many channels', () => {
  it('is one row per channel, highest ROAS first, its axis cut at 1.5x the largest figure', () => {
    const d = handMadeReportData();
    const base = d.explanation.channels[0];
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    d.explanation.channels = names.map((channel, i) => ({
      ...base,
      channel,
      roas: 1 + i,
      marginal_roas: 0.5 + i / 2,
    }));
    d.intervals = {
      ...d.intervals!,
      roas: Object.fromEntries(
        names.map((c, i) => [c, { level: 0.8, lo: -1, hi: c === 'f' ? 50 : 2 + i }]),
      ),
    };
    const chart = tenantCharts(d).find((c) => c.id === 'roas')!;
    expect(chart.title).toBe('ROAS and marginal ROAS per channel, highest ROAS first');
    const spec = chart.spec as unknown as {
      layer: { encoding: Record<string, Record<string, unknown>> }[];
    };
    const point = spec.layer.find((l) => l.encoding.y?.field === 'channel' && !l.encoding.x2)!;
    expect(point.encoding.y.sort).toEqual(['f', 'e', 'd', 'c', 'b', 'a']);
    // The largest figure is f's ROAS 6: the axis stops at 9, and f's interval to 50 is cut there;
    // below zero down to the intervals' -1.
    expect((point.encoding.x.scale as { domain: number[] }).domain).toEqual([-1, 9]);
    expect(chart.notes).toContain(
      'The axis stops at 1.5 times the largest figure (9.00): longer intervals are cut at its edge; the reading gives their ends.',
    );
    expect(chart.reading).toMatch(
      /^Each 1 spent returned: f 6\.00 \[-1\.00, 50\.00\], marginal 3\.00; e 5\.00/,
    );
  });
});
