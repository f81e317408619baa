/** The tenant report: data -> charts -> SVG -> one HTML page. */
import type { ChartDef } from './chart.js';
import {
  adstockChart,
  budgetCurveChart,
  planChart,
  responseChart,
  roasChart,
  truthChart,
  weatherRoasChart,
} from './channel-charts.js';
import {
  contributionTruthChart,
  contributionsChart,
  fitChart,
  foldR2Chart,
  totalsChart,
} from './fit-charts.js';
import { count, escapeHtml, num, pct, r2, ratio, signedPct } from './format.js';
import { gateHtml, gateTone } from './gate.js';
import { renderPage, tableHtml, type Card, type PageBlock } from './html.js';
import { renderSvg } from './render.js';
import type { TenantReportData } from './types.js';
import { heldAtZeroChannels, unreliableRoas } from './reliability.js';

export { unreliableRoas };

export interface BuiltReport {
  html: string;
  /** Chart ids, titles and readings, in page order (for summaries and tests). */
  charts: { id: string; title: string; reading: string; rows: number }[];
  /** vega warnings while rendering (empty for a clean report). */
  warnings: string[];
}

/** The charts of a tenant report, in page order; charts without data are left out. */
export function tenantCharts(d: TenantReportData): ChartDef[] {
  const charts: (ChartDef | null)[] = [
    fitChart(d),
    foldR2Chart(d),
    contributionsChart(d),
    totalsChart(d),
    contributionTruthChart(d),
    responseChart(d),
    roasChart(d),
    weatherRoasChart(d),
    adstockChart(d),
    truthChart(d),
    planChart(d),
    budgetCurveChart(d),
  ];
  return charts.filter((c): c is ChartDef => c !== null);
}

/** Renders chart specs one after the other (vega views are not shared between charts). */
export async function renderCharts(
  charts: ChartDef[],
): Promise<{ blocks: Map<string, PageBlock>; warnings: string[] }> {
  const blocks = new Map<string, PageBlock>();
  const warnings: string[] = [];
  for (const chart of charts) {
    // The page shows the title as a heading above the chart; the embedded spec keeps it.
    const { title: _title, ...untitled } = chart.spec as unknown as Record<string, unknown>;
    const out = await renderSvg(untitled as unknown as typeof chart.spec, chart.id);
    warnings.push(...out.warnings.map((w) => `${chart.id}: ${w}`));
    blocks.set(chart.id, { kind: 'chart', section: { chart, svg: out.svg } });
  }
  return { blocks, warnings };
}

function channelTable(d: TenantReportData): string {
  const truth = d.explanation.channels.some((c) => c.truth !== null);
  // With applied lift tests the figures are the calibrated model's; the uncalibrated ROAS sits beside them.
  const calibrated = d.explanation.calibration?.applied === true;
  const roasIv = d.intervals?.roas ?? {};
  const withIv = Object.keys(roasIv).length > 0;
  const pooled = d.explanation.channels.some((c) => c.pooled_roas !== undefined);
  const header = [
    'channel',
    'spend',
    'contribution',
    calibrated ? 'ROAS (calibrated)' : 'ROAS',
    ...(withIv ? ['ROAS 80% interval'] : []),
    // The calibration's refit without the tests' weight: the tests moved the figure from there
    // (explain.ts calibration_mostly_refit).
    ...(calibrated ? ['uncalibrated ROAS', 'ROAS refit, no tests'] : []),
    ...(pooled ? ['ROAS pooled with the other channels'] : []),
    'marginal ROAS',
    ...(pooled ? ['marginal ROAS pooled'] : []),
    ...(truth ? ['true ROAS', 'ROAS error'] : []),
  ];
  const held = heldAtZeroChannels(d);
  const rows = d.explanation.channels.map((c) => {
    const iv = roasIv[c.channel];
    // No spend: its ROAS figures are 0 by construction, not estimates.
    if (c.no_spend) {
      return header.map((h, i) =>
        i === 0 ? c.channel : i === 1 ? num(c.spend) : i === 2 ? num(c.contribution) : 'no spend',
      );
    }
    // Held at 0: its figures are not identified (its true ROAS stays beside them).
    if (held.has(c.channel)) {
      return header.map((h, i) =>
        i === 0
          ? c.channel
          : i === 1
            ? num(c.spend)
            : h === 'true ROAS'
              ? c.truth
                ? ratio(c.truth.roas)
                : 'n/a'
              : 'not identified',
      );
    }
    return [
      c.channel,
      num(c.spend),
      num(c.contribution),
      ratio(c.roas),
      ...(withIv ? [iv ? `${ratio(iv.lo)} to ${ratio(iv.hi)}` : 'n/a'] : []),
      ...(calibrated
        ? [
            c.uncalibrated_roas === null || c.uncalibrated_roas === undefined
              ? 'n/a'
              : ratio(c.uncalibrated_roas),
            c.refit_roas === null || c.refit_roas === undefined ? 'n/a' : ratio(c.refit_roas),
          ]
        : []),
      ...(pooled ? [c.pooled_roas === undefined ? 'n/a' : ratio(c.pooled_roas)] : []),
      ratio(c.marginal_roas),
      ...(pooled
        ? [c.pooled_marginal_roas === undefined ? 'n/a' : ratio(c.pooled_marginal_roas)]
        : []),
      ...(truth
        ? [c.truth ? ratio(c.truth.roas) : 'n/a', c.roas_error === null ? 'n/a' : pct(c.roas_error)]
        : []),
    ];
  });
  return tableHtml(header, rows, [false, ...header.slice(1).map(() => true)]);
}

/**
 * What each control added to the prediction against its reference, with its 80% interval (the
 * explanation's controls: the decomposition's control parts summed); null without controls.
 */
function controlTable(d: TenantReportData): string | null {
  const controls = d.explanation.controls;
  if (controls.length === 0) return null;
  const truth = controls.some((k) => k.truth !== null);
  const withIv = controls.some((k) => k.intervals !== null);
  const period = d.tenant.frequency === 'weekly' ? 'weeks' : 'days';
  const header = [
    'control',
    'reference',
    `${period} off it`,
    'contribution',
    ...(withIv ? ['80% interval'] : []),
    'share of predicted',
    ...(truth ? ['true contribution', 'error'] : []),
    `per ${period === 'weeks' ? 'week' : 'day'} per unit`,
    ...(withIv ? ['per unit 80% interval'] : []),
  ];
  const rows = controls.map((k) => {
    const iv = k.intervals?.contribution.p80;
    const unit = k.intervals?.effect_per_unit.p80;
    return [
      k.control,
      num(k.reference),
      count(k.active_rows),
      num(k.contribution),
      ...(withIv ? [iv ? `${num(iv[0])} to ${num(iv[1])}` : 'n/a'] : []),
      pct(k.share_of_predicted, 1),
      ...(truth
        ? [
            k.truth ? num(k.truth.contribution) : 'n/a',
            k.contribution_error === null ? 'n/a' : signedPct(k.contribution_error),
          ]
        : []),
      num(k.effect_per_unit),
      ...(withIv ? [unit ? `${num(unit[0])} to ${num(unit[1])}` : 'n/a'] : []),
    ];
  });
  return (
    tableHtml(header, rows, [false, ...header.slice(1).map(() => true)]) +
    `<p>A control's contribution is the prediction minus the prediction with the control at its reference (0 when it is 0 on at least half the ${period}, else its mean), summed over the ${period}; the decomposition CSV has it per ${period === 'weeks' ? 'week' : 'day'}. Counted from its mean, a control's contribution sums departures on both sides and is near 0 for a linear effect: read its effect per unit, the revenue a ${period === 'weeks' ? 'week' : 'day'} gains per unit of the control.</p>`
  );
}

/**
 * The explained model's own fold R² against the bar, where the result's folds forecast partly with
 * another model (Explanation.validation.explained_model_r2); null otherwise. The cards read it as
 * "Read first" does: a probe's card said a green "pass" over a first caveat "this phase 3 model
 * fails the pass bar: ... 0.384 < 0.5".
 */
function explainedVerdict(d: TenantReportData): { r2: number; passes: boolean } | null {
  const v = d.explanation.validation;
  if (!v || v.explained_model_r2 === undefined) return null;
  return { r2: v.explained_model_r2, passes: v.explained_model_r2 >= v.pass_threshold };
}

/** The line above the cards: how many caveats "Read first" holds, and the first one's opening. */
function noticeOf(
  caveats: readonly string[],
  planLines: readonly string[],
  data: readonly string[] = [],
  /** How many of planLines are caveats (the model's line after them is not one). */
  planCaveats: number = planLines.length,
): { text: string; href: string } | null {
  const plan = planLines.slice(0, planCaveats);
  const n = caveats.length + plan.length + data.length;
  if (n === 0) return null;
  const first = caveats[0] ?? plan[0] ?? data[0];
  const of = [
    ...(plan.length ? [`${plan.length} of the budget plan`] : []),
    ...(data.length ? [`${data.length} of the data`] : []),
  ];
  return {
    text: `${n} caveat${n === 1 ? '' : 's'} to read before these figures${of.length ? ` (${of.join(', ')})` : ''}, the first: ${firstWords(first)}`,
    href: '#caveats',
  };
}

/**
 * A caveat's first clause (to its first colon), at most 140 characters, for the notice line; a
 * plan's "CAVEAT code: " prefix left out, and a clause of a few words (a channel's name: "the
 * first: meta") carried on to the next. A probe's banner read "the first: model" and "the first:
 * meta".
 */
export function firstWords(caveat: string): string {
  const text = caveat.replace(/^CAVEAT [a-z_]+: /, '');
  let colon = text.indexOf(': ');
  while (colon > 0 && colon < 30) {
    const next = text.indexOf(': ', colon + 2);
    colon = next > 0 ? next : -1;
  }
  const head = colon > 0 ? text.slice(0, colon) : text;
  if (head.length <= 140) return head;
  const cut = head.lastIndexOf(' ', 139);
  return `${head.slice(0, cut > 60 ? cut : 139)}…`;
}

function cards(d: TenantReportData): Card[] {
  const res = d.result;
  const own = explainedVerdict(d);
  const passes = res.passes && (own?.passes ?? true);
  const alone = own ? `this model alone ${r2(own.r2)}` : null;
  const out: Card[] = [
    {
      label: 'out-of-sample R²',
      value: r2(res.mean_r2),
      detail: [
        alone,
        res.oracle_r2 !== null
          ? `oracle ${r2(res.oracle_r2)} (gap ${(res.mean_r2 - res.oracle_r2).toFixed(3)})`
          : `fold std ${res.std_r2.toFixed(3)}`,
      ]
        .filter((x) => x !== null)
        .join('; '),
      tone: passes ? 'good' : 'bad',
    },
    {
      label: 'pass bar',
      value: passes ? 'pass' : 'fail',
      detail:
        res.passes && own && !own.passes
          ? `the folds pass; ${alone} does not: its figures are the ones below`
          : res.failures.length
            ? res.failures[0]
            : 'every check met',
      tone: passes ? 'good' : 'bad',
    },
  ];
  // The best ROAS among channels the caveats do not call unreliable (the card named a channel
  // with no spend, almost none, an interval across zero or a split the data cannot make), and
  // none for a model that fails the bar or a channel whose ROAS is read below the spend the data
  // show (a probe's card read "best ROAS 9.39" under a first caveat "its ROAS and contributions are
  // not reliable").
  const unreliable = unreliableRoas(d);
  const best = passes
    ? d.explanation.channels
        .filter((c) => !unreliable.has(c.channel) && c.below_spend_share === undefined)
        .sort((a, b) => b.roas - a.roas)[0]
    : undefined;
  if (best) {
    out.push({
      label: 'best ROAS',
      value: `${ratio(best.roas)} ${best.channel}`,
      detail: best.truth
        ? `truth ${ratio(best.truth.roas)}`
        : `marginal ${ratio(best.marginal_roas)}`,
    });
  } else if (d.explanation.channels.length > 0) {
    out.push({
      label: 'best ROAS',
      value: 'none reliable',
      detail: passes
        ? "no channel's ROAS is reliable: see Read first"
        : 'the model fails the pass bar: see Read first',
    });
  }
  out.push({
    label: 'model',
    value: `phase ${d.phase} ${d.explanation.model_kind}`,
    detail: d.run ? `run ${d.run.id}` : 'trained for this report',
  });
  if (d.gate) {
    out.push({
      label: `phase ${d.phase} gate`,
      value: d.gate.decision.decision,
      detail: `${d.gate.decision.pass_count}/${d.gate.decision.total} tenants pass`,
      tone: gateTone(d.gate.decision.decision, d.gate.decision.escalation_criteria),
    });
  }
  return out;
}

/** Builds the tenant report page. Pure apart from rendering (no file, clock or network). */
export async function buildTenantReport(d: TenantReportData): Promise<BuiltReport> {
  const charts = tenantCharts(d);
  const { blocks, warnings } = await renderCharts(charts);
  const t = d.tenant;
  const period = t.frequency === 'weekly' ? 'weeks' : 'days';
  const page: PageBlock[] = [];
  const planFirst = d.plan?.read_first ?? [];
  const dataFirst = d.data_warnings ?? [];
  if (d.caveats.length || planFirst.length || dataFirst.length) {
    const list = (cs: readonly string[]) =>
      `<ul class="caveats">${cs.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>`;
    page.push({
      kind: 'html',
      id: 'caveats',
      title: 'Read first',
      html:
        (d.caveats.length ? list(d.caveats) : '') +
        (planFirst.length
          ? `<h3>The budget plan (plan ${escapeHtml(String(d.plan!.id))})</h3>${list(planFirst)}`
          : '') +
        (dataFirst.length ? `<h3>The data (as train warns)</h3>${list(dataFirst)}` : ''),
    });
  }
  const add = (id: string) => {
    const b = blocks.get(id);
    if (b) page.push(b);
  };
  add('fit');
  add('fold-r2');
  add('contributions');
  add('totals');
  add('contributions-truth');
  add('response');
  add('roas');
  page.push({ kind: 'html', id: 'channels', title: 'Channel figures', html: channelTable(d) });
  const controls = controlTable(d);
  if (controls !== null) {
    page.push({ kind: 'html', id: 'controls', title: 'Control figures', html: controls });
  }
  add('roas-weather');
  add('adstock');
  if (!blocks.has('adstock')) {
    page.push({
      kind: 'html',
      id: 'adstock-none',
      title: 'Carry-over (adstock)',
      html: `<p>The phase ${d.phase} model has no carry-over: spend acts on the same ${t.frequency === 'weekly' ? 'week' : 'day'} only. Phase 3 searches adstock and saturation per channel.</p>`,
    });
  }
  add('truth');
  add('plan');
  add('budget-curve');
  page.push({
    kind: 'html',
    id: 'gate',
    title: `Gate decision, phase ${d.phase}`,
    html:
      d.run === null
        ? `<p>No finished phase ${d.phase} run holds ${escapeHtml(d.tenant.id)}, so no gate has judged it: these figures were trained for this report. Run <code>wv-mmm run-phase --phase ${d.phase} --tenants ${escapeHtml(d.tenant.id)}</code> (MCP: <code>run_phase</code>), then <code>wv-mmm gates --phase ${d.phase}</code>.</p>`
        : gateHtml(d.gate, d.phase),
  });
  if (!blocks.has('plan')) {
    page.push({
      kind: 'html',
      id: 'plan-none',
      title: 'Budget plan',
      // A plan made on data since replaced is not drawn, and "no plan yet" read as if none existed.
      html: "<p>No plan has been made on this tenant's current data yet (plans made on data it no longer has are listed by <code>wv-mmm plans</code>, MCP <code>plan://</code> resources).</p>",
    });
  }
  page.push({
    kind: 'html',
    id: 'notes',
    title: 'What the model can and cannot say',
    html: `<ul class="notes">${d.explanation.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`,
  });
  const source =
    t.source === 'imported'
      ? 'imported data'
      : `${t.source === 'builtin' ? 'built-in' : 'generated'} synthetic tenant (${t.tier} tier, ${t.category}, ${t.city}, driver ${t.driver})`;
  const html = renderPage(
    {
      title: `${t.id}: phase ${d.phase} report`,
      heading: `${t.id}: what drives ${t.target}, and how well the model knows it`,
      subheading:
        `Phase ${d.phase} model${d.run ? ` (run ${d.run.id})` : ''} · ${source} · ${t.frequency}, ${count(t.rows)} ${period} ` +
        `${t.start} .. ${t.end} · channels ${t.channels.join(', ')} · weather ${t.weather.join(', ') || 'none'}`,
      cards: cards(d),
      notice: noticeOf(d.caveats, planFirst, dataFirst, d.plan?.read_first_caveats),
      blocks: page,
      footer:
        `weathervane-mmm ${escapeHtml(d.version)} · ` +
        (d.figures_of
          ? `figures of ${escapeHtml(d.figures_of)}`
          : 'figures trained for this report') +
        ' · ' +
        'charts are Vega-Lite specs rendered to SVG on the server; each chart&#39;s data and spec are embedded in this file ' +
        '(download buttons under each chart) and can be restyled by editing the spec&#39;s <code>config</code>.',
    },
    `tenant-${t.id}-phase${d.phase}`,
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
