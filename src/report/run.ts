/** The run report: every tenant of a run beside its oracle, fold by fold, gate and comparison. */
import {
  CHART_WIDTH,
  FAIL_COLOR,
  PASS_COLOR,
  TRUTH_COLOR,
  topLevel,
  type ChartDef,
  type Row,
} from './chart.js';
import { escapeHtml, r2, sig } from './format.js';
import { gateHtml, gateTone } from './gate.js';
import { renderPage, tableHtml, type Card, type PageBlock } from './html.js';
import { renderCharts, type BuiltReport } from './tenant.js';
import type { RunReportData } from './types.js';
import { byCodeUnits } from '../core/stats.js';

/** A signed R² change with 3 decimals, or n/a (runs that share no tenant). */
function signed(x: number): string {
  return Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(3)}` : 'n/a';
}

/** Tenants drawn in the per-tenant charts; beyond this the lowest and highest halves are shown. */
export const MAX_TENANTS_DRAWN = 60;

/** Which tenants the charts draw (all rows stay in the data): the lowest and highest by R². */
function drawn(d: RunReportData): { tenants: Set<string>; note: string | null } {
  const all = d.results.map((r) => r.tenant);
  if (all.length <= MAX_TENANTS_DRAWN) return { tenants: new Set(all), note: null };
  const sorted = [...d.results].sort(
    (a, b) => a.mean_r2 - b.mean_r2 || byCodeUnits(a.tenant, b.tenant),
  );
  const half = MAX_TENANTS_DRAWN / 2;
  const keep = [...sorted.slice(0, half), ...sorted.slice(-half)].map((r) => r.tenant);
  return {
    tenants: new Set(keep),
    note: `The chart draws the ${half} lowest and ${half} highest of ${all.length} tenants; the CSV has all of them.`,
  };
}

/**
 * The drawn tenants, highest mean R² first: the charts' explicit sort. Only the drawn ones: vega
 * compiles an explicit sort into one nested expression, and with every tenant of a 1,000-tenant
 * run its parse overflowed the call stack.
 */
function drawnOrder(d: RunReportData, tenants: Set<string>): string[] {
  return [...d.results]
    .sort((a, b) => b.mean_r2 - a.mean_r2)
    .map((r) => r.tenant)
    .filter((t) => tenants.has(t));
}

export function r2Chart(d: RunReportData): ChartDef {
  const { tenants, note } = drawn(d);
  const rows: Row[] = d.results.map((r) => ({
    tenant: r.tenant,
    mean_r2: sig(r.mean_r2),
    std_r2: sig(r.std_r2),
    oracle_r2: r.oracle_r2 === null ? null : sig(r.oracle_r2),
    gap_to_oracle: r.oracle_gap === null ? null : sig(r.oracle_gap),
    result: r.passes ? 'pass' : 'fail',
    drawn: tenants.has(r.tenant),
  }));
  const hasOracle = rows.some((r) => r.oracle_r2 !== null);
  const y = { field: 'tenant', type: 'nominal', sort: drawnOrder(d, tenants), title: null };
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: {
        y,
        x: {
          field: 'mean_r2',
          type: 'quantitative',
          title: 'mean out-of-sample R² over folds (1 = perfect)',
        },
        color: {
          field: 'result',
          type: 'nominal',
          scale: { domain: ['pass', 'fail'], range: [PASS_COLOR, FAIL_COLOR] },
          title: `R² ≥ ${d.pass_threshold}`,
        },
        tooltip: [
          { field: 'tenant' },
          { field: 'mean_r2' },
          { field: 'oracle_r2' },
          { field: 'std_r2' },
        ],
      },
    },
    {
      data: { values: [{}] },
      mark: { type: 'rule', strokeDash: [4, 3], color: '#555555' },
      encoding: { x: { datum: d.pass_threshold } },
    },
  ];
  if (hasOracle) {
    layers.push({
      transform: [{ filter: 'datum.oracle_r2 != null' }],
      mark: { type: 'tick', color: TRUTH_COLOR, thickness: 3 },
      encoding: { y, x: { field: 'oracle_r2', type: 'quantitative' } },
    });
  }
  const n = d.results.length;
  const pass = d.results.filter((r) => r.passes).length;
  const mean = d.results.reduce((s, r) => s + r.mean_r2, 0) / Math.max(1, n);
  const withOracle = d.results.filter((r) => r.oracle_r2 !== null);
  let oracleText = '';
  if (withOracle.length === n && n > 0) {
    const meanOracle = withOracle.reduce((s, r) => s + (r.oracle_r2 as number), 0) / n;
    const far = withOracle.reduce((a, b) =>
      (b.oracle_gap as number) < (a.oracle_gap as number) ? b : a,
    );
    oracleText = ` vs the oracle's ${r2(meanOracle)}; furthest below its oracle: ${far.tenant} (${r2(far.mean_r2)} vs ${r2(far.oracle_r2)})`;
  }
  const title = `R² per tenant${hasOracle ? ' beside its oracle (black tick)' : ''}, pass bar dashed`;
  return {
    id: 'r2-tenants',
    title,
    reading: `${pass} of ${n} tenants pass (R² ≥ ${d.pass_threshold}); mean R² ${r2(mean)}${oracleText}.`,
    rows,
    spec: topLevel(title, rows, {
      width: CHART_WIDTH - 200,
      height: { step: 16 },
      transform: [{ filter: 'datum.drawn' }],
      layer: layers,
    }),
    notes: note ? [note] : [],
  };
}

export function foldHeatmap(d: RunReportData): ChartDef {
  const { tenants, note } = drawn(d);
  const rows: Row[] = [];
  for (const r of d.results) {
    for (const f of r.folds) {
      rows.push({
        tenant: r.tenant,
        fold: `fold ${f.fold + 1}`,
        r2: sig(f.r2),
        oracle_r2: f.oracle_r2 === null ? null : sig(f.oracle_r2),
        gap_to_oracle: f.oracle_r2 === null ? null : sig(f.r2 - f.oracle_r2),
        train_periods: f.train_rows,
        drawn: tenants.has(r.tenant),
      });
    }
  }
  const folds = [...new Set(rows.map((r) => r.fold as string))];
  const byFold = folds.map((f) => {
    const v = rows.filter((r) => r.fold === f).map((r) => r.r2 as number);
    return { f, tenants: v.length, mean: v.reduce((a, b) => a + b, 0) / Math.max(1, v.length) };
  });
  // Tenants of other protocols have other fold counts: a fold only a few tenants have (fold 5 of
  // one 5-fold tenant among 3- and 4-fold ones) is no fold "over tenants" to call hardest or
  // easiest; those held by fewer than half the tenants are left out of the comparison.
  const half = d.results.length / 2;
  const compared = byFold.filter((b) => b.tenants >= half);
  const pool = compared.length > 0 ? compared : byFold;
  const hard = pool.reduce((a, b) => (b.mean < a.mean ? b : a));
  const easy = pool.reduce((a, b) => (b.mean > a.mean ? b : a));
  const few = byFold.filter((b) => !pool.includes(b));
  const fewWords =
    few.length === 0
      ? ''
      : ` (${few.map((b) => `${b.f}, held by ${b.tenants} of ${d.results.length} tenants`).join('; ')}: not compared)`;
  const x = {
    field: 'fold',
    type: 'nominal',
    title: 'outer fold (training grows left to right)',
    axis: { labelAngle: 0, orient: 'top' },
  };
  const y = { field: 'tenant', type: 'nominal', sort: drawnOrder(d, tenants), title: null };
  const title = 'Out-of-sample R² per tenant and fold';
  return {
    id: 'fold-heatmap',
    title,
    reading: `${cap(hard.f)} is the hardest (mean R² ${r2(hard.mean)} over tenants), ${easy.f} the easiest (${r2(easy.mean)})${fewWords}.`,
    rows,
    spec: topLevel(title, rows, {
      width: { step: 70 },
      height: { step: 16 },
      transform: [{ filter: 'datum.drawn' }, { calculate: 'max(-0.5, datum.r2)', as: 'shown_r2' }],
      layer: [
        {
          mark: { type: 'rect' },
          encoding: {
            x,
            y,
            color: {
              field: 'shown_r2',
              type: 'quantitative',
              title: 'R² (below -0.5 shown as -0.5)',
              scale: { scheme: 'redyellowgreen', domain: [-0.5, 1], domainMid: d.pass_threshold },
              // The ends as they are: vega's default legend format labelled -0.5 as "−1".
              legend: { format: '.1f', values: [-0.5, 0, 0.5, 1] },
            },
            tooltip: [
              { field: 'tenant' },
              { field: 'fold' },
              { field: 'r2' },
              { field: 'oracle_r2' },
              { field: 'train_periods' },
            ],
          },
        },
        {
          mark: { type: 'text', fontSize: 10 },
          encoding: {
            x,
            y,
            text: { field: 'r2', format: '.2f' },
            // White on the scheme's dark ends (deep red below 0, deep green near 1): black there
            // read at 2.6:1 contrast, under WCAG's 4.5:1.
            color: {
              condition: { test: 'datum.shown_r2 < 0 || datum.shown_r2 > 0.9', value: '#ffffff' },
              value: '#1f2328',
            },
          },
        },
      ],
    }),
    notes: note ? [note] : [],
  };
}

export function comparisonChart(d: RunReportData): ChartDef | null {
  const c = d.comparison;
  if (!c || c.tenants.length === 0) return null;
  // Every tenant is drawn here: sorted on a numeric rank (1 = highest R² in this run), not on an
  // explicit list of tenant ids (vega parses that as one expression nested once per tenant).
  const rank = new Map(
    [...c.tenants].sort((a, b) => b.b_r2 - a.b_r2).map((t, i) => [t.tenant, i + 1]),
  );
  const rows: Row[] = c.tenants.map((t) => ({
    tenant: t.tenant,
    previous_r2: sig(t.a_r2),
    this_r2: sig(t.b_r2),
    delta: sig(t.delta),
    previous_passes: t.a_passes,
    this_passes: t.b_passes,
    rank_this_run: rank.get(t.tenant) ?? null,
  }));
  const prev = `phase ${c.a.phase} (run ${c.a.run_id})`;
  const cur = `phase ${c.b.phase} (run ${c.b.run_id})`;
  const y = {
    field: 'tenant',
    type: 'nominal',
    sort: { field: 'rank_this_run', op: 'min' },
    title: null,
  };
  const xTitle = 'mean out-of-sample R²';
  const title = `Change from ${prev} to ${cur}, per tenant`;
  const same = c.only_in_a.length === 0 && c.only_in_b.length === 0;
  const parts = [
    same
      ? `mean R² ${r2(c.a.mean_r2)} -> ${r2(c.b.mean_r2)} (${signed(c.mean_r2_delta)})`
      : `on the ${c.common.tenants} tenant(s) both runs hold, mean R² ${r2(c.common.a_mean_r2)} -> ${r2(c.common.b_mean_r2)} (${signed(c.mean_r2_delta)})`,
    same
      ? `${c.a.pass_count} -> ${c.b.pass_count} passing`
      : `${c.common.a_pass_count} -> ${c.common.b_pass_count} passing`,
  ];
  if (c.newly_passing.length) parts.push(`newly passing: ${c.newly_passing.join(', ')}`);
  if (c.regressions.length) parts.push(`lost more than 0.01: ${c.regressions.join(', ')}`);
  return {
    id: 'compare',
    title,
    reading: `${cap(parts.join('; '))}.`,
    rows: rows,
    spec: topLevel(title, rows, {
      width: CHART_WIDTH - 200,
      height: { step: 16 },
      layer: [
        {
          mark: { type: 'rule', color: '#999999' },
          encoding: {
            y,
            x: { field: 'previous_r2', type: 'quantitative', title: xTitle },
            x2: { field: 'this_r2' },
          },
        },
        {
          transform: [{ fold: ['previous_r2', 'this_r2'], as: ['which', 'r2'] }],
          mark: { type: 'point', filled: true, size: 60 },
          encoding: {
            y,
            x: { field: 'r2', type: 'quantitative', title: xTitle },
            color: {
              field: 'which',
              type: 'nominal',
              scale: { domain: ['previous_r2', 'this_r2'], range: ['#bab0ac', '#4c78a8'] },
              legend: {
                title: null,
                labelExpr: `datum.label == 'previous_r2' ? '${prev}' : '${cur}'`,
              },
            },
          },
        },
        {
          data: { values: [{}] },
          mark: { type: 'rule', strokeDash: [4, 3], color: '#555555' },
          encoding: { x: { datum: d.pass_threshold } },
        },
      ],
    }),
    notes: [c.verdict],
  };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function runCharts(d: RunReportData): ChartDef[] {
  return [r2Chart(d), foldHeatmap(d), comparisonChart(d)].filter((c): c is ChartDef => c !== null);
}

function resultsTable(d: RunReportData): string {
  const rows = [...d.results]
    .sort((a, b) => b.mean_r2 - a.mean_r2)
    .map((r) => [
      r.tenant,
      r2(r.mean_r2),
      r2(r.oracle_r2),
      r.fold_r2.map((x) => x.toFixed(2)).join(' '),
      r.model_kind,
      r.passes ? 'pass' : 'fail',
      r.failures.join('; ') || '-',
    ]);
  return tableHtml(
    ['tenant', 'mean R²', 'oracle R²', 'fold R²', 'model', 'result', 'failed checks'],
    rows,
    [false, true, true, false, false, false, false],
  );
}

/** Builds the run report page. */
export async function buildRunReport(d: RunReportData): Promise<BuiltReport> {
  const charts = runCharts(d);
  const { blocks, warnings } = await renderCharts(charts);
  const n = d.results.length;
  const pass = d.results.filter((r) => r.passes).length;
  const mean = d.results.reduce((s, r) => s + r.mean_r2, 0) / Math.max(1, n);
  const oracle =
    n > 0 && d.results.every((r) => r.oracle_r2 !== null)
      ? d.results.reduce((s, r) => s + (r.oracle_r2 as number), 0) / n
      : null;
  const cards: Card[] = [
    {
      label: 'tenants passing',
      value: `${pass} / ${n}`,
      detail: `R² ≥ ${d.pass_threshold}`,
      tone: pass === n ? 'good' : 'neutral',
    },
    {
      label: 'mean R²',
      value: r2(mean),
      detail: oracle !== null ? `oracle ${r2(oracle)}` : 'no oracle (real data)',
    },
  ];
  if (d.gate) {
    cards.push({
      label: 'gate decision',
      value: d.gate.decision.decision,
      detail: clip(d.gate.decision.next_step, 80),
      tone: gateTone(d.gate.decision.decision, d.gate.decision.escalation_criteria),
    });
  }
  if (d.comparison) {
    cards.push({
      label: `vs phase ${d.comparison.a.phase}`,
      value: signed(d.comparison.mean_r2_delta),
      detail: `mean R² ${r2(d.comparison.a.mean_r2)} -> ${r2(d.comparison.b.mean_r2)}`,
    });
  }
  const page: PageBlock[] = [];
  for (const id of ['r2-tenants', 'fold-heatmap']) {
    const b = blocks.get(id);
    if (b) page.push(b);
  }
  page.push({
    kind: 'html',
    id: 'gate',
    title: `Gate decision, phase ${d.run.phase}`,
    html: gateHtml(d.gate, d.run.phase),
  });
  const cmp = blocks.get('compare');
  if (cmp) page.push(cmp);
  else {
    page.push({
      kind: 'html',
      id: 'compare-none',
      title: 'Comparison with the previous phase',
      html:
        d.run.phase === 0
          ? '<p>Phase 0 is the baseline: there is no previous phase.</p>'
          : `<p>No finished phase ${d.run.phase - 1} run to compare with.</p>`,
    });
  }
  page.push({ kind: 'html', id: 'results', title: 'Every tenant', html: resultsTable(d) });
  const r = d.run;
  const html = renderPage(
    {
      title: `Run ${r.id}: phase ${r.phase} report`,
      heading: `Run ${r.id}: phase ${r.phase} over ${n} tenants`,
      subheading:
        `${r.status}${r.finished_at ? `, finished ${r.finished_at}` : ''}${r.seconds !== null ? ` in ${r.seconds.toFixed(1)} s` : ''} · ` +
        // Fields left unset (null: "testSize":null,"minTrain":null) are not printed.
        `config ${JSON.stringify(r.config, (_k, v: unknown) => (v === null ? undefined : v))}`,
      cards,
      blocks: page,
      footer:
        `weathervane-mmm ${escapeHtml(d.version)} · figures of ${escapeHtml(d.figures_of)} · ` +
        'charts are Vega-Lite specs rendered to SVG on the server; their data and specs are embedded in this file.',
    },
    `run-${r.id}`,
  );
  return {
    html,
    charts: charts.map((c) => ({
      id: c.id,
      title: c.title,
      reading: c.reading,
      rows: c.rows.length,
    })),
    warnings,
  };
}

/**
 * `text` in at most `max` characters, cut at a word with an ellipsis (a card cut it mid-word:
 * "... a phase 1 run of the same t"); the gate section below gives it whole.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, cut > max / 2 ? cut : max - 1).replace(/[\s,;:]+$/, '')}…`;
}
