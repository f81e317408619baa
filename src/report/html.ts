/**
 * The page: one self-contained HTML string. Charts are inline SVG (readable with scripts off);
 * each chart's Vega-Lite spec, with its rows, sits beside it as JSON; a few lines of inline
 * script turn those rows into a CSV or the spec into a JSON file on request. A Content Security
 * Policy forbids every network request, so the page cannot depend on one by mistake.
 */
import type { ChartDef } from './chart.js';
import { escapeHtml, scriptJson } from './format.js';

export interface RenderedSection {
  chart: ChartDef;
  svg: string;
}

/** A block of the page: a rendered chart, or trusted HTML built by this layer. */
export type PageBlock =
  | { kind: 'chart'; section: RenderedSection }
  | { kind: 'html'; id: string; title: string; html: string };

export interface Card {
  label: string;
  value: string;
  detail?: string;
  tone?: 'good' | 'bad' | 'neutral';
}

export interface Page {
  title: string;
  heading: string;
  subheading: string;
  cards: Card[];
  /**
   * A line above the cards pointing to a section read first (the caveats): on a phone the cards
   * filled the first screen and a green card sat above "this model fails the pass bar".
   */
  notice?: { text: string; href: string } | null;
  blocks: PageBlock[];
  footer: string;
}

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d8dee4;--good:#2e7d32;--bad:#c62828;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 Helvetica,Arial,sans-serif;color:var(--fg);background:#fff}
header{padding:24px 32px 12px;border-bottom:1px solid var(--line);background:var(--bg)}
h1{margin:0 0 4px;font-size:24px}
.sub{margin:0;color:var(--muted);overflow-wrap:anywhere}
section p,section li{overflow-wrap:anywhere}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 8px}
.notice{margin:12px 0 0;padding:8px 12px;border:1px solid #b26a00;border-radius:6px;background:#fff4e5;color:#4d2e00}
.notice a{color:inherit;font-weight:bold}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px}
.card .label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:22px;font-weight:bold}
.card .detail{font-size:12px;color:var(--muted)}
.card.good .value{color:var(--good)}.card.bad .value{color:var(--bad)}
nav{padding:8px 32px;border-bottom:1px solid var(--line);font-size:13px}
nav a{margin-right:14px;color:#0969da;text-decoration:none}
main{padding:8px 32px 32px;max-width:1100px}
section,figure{margin:28px 0;padding:0}
h2{font-size:18px;margin:0 0 4px}
.reading{margin:0 0 10px;font-size:16px}
.svg,.scroll{overflow-x:auto;max-width:100%}
.chart svg{max-width:100%;height:auto}
@media (max-width:640px){header,nav,main,footer{padding-left:12px;padding-right:12px}}
.notes{color:var(--muted);font-size:13px;margin:6px 0;padding-left:18px}
.actions{display:none;gap:8px;margin-top:6px}
.js .actions{display:flex}
button{font:inherit;font-size:13px;padding:4px 10px;border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer}
button:hover{background:var(--bg)}
table{border-collapse:collapse;font-size:14px;margin:8px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:bold;color:#fff;background:#57606a}
.badge.good{background:var(--good)}.badge.bad{background:var(--bad)}
footer{padding:16px 32px;color:var(--muted);font-size:12px;border-top:1px solid var(--line)}
code{font-size:13px}
.caveats{background:#fff8e1;border-left:4px solid #f9a825;padding:8px 12px 8px 28px;margin:0}
`;

/** Turns the embedded rows of a chart into CSV, and the spec into a JSON file, on click. */
const SCRIPT = `
(function(){
document.documentElement.classList.add('js');
function spec(id){return JSON.parse(document.getElementById('spec-'+id).textContent);}
function cell(v){if(v===null||v===undefined)return '';var s=String(v);return /[",\\n\\r]/.test(s)?'"'+s.replace(/"/g,'""')+'"':s;}
function csv(rows){var cols=[];rows.forEach(function(r){Object.keys(r).forEach(function(k){if(cols.indexOf(k)<0)cols.push(k);});});
var out=[cols.map(cell).join(',')];rows.forEach(function(r){out.push(cols.map(function(c){return cell(r[c]);}).join(','));});return out.join('\\n')+'\\n';}
function save(name,text,type){var a=document.createElement('a');a.href=URL.createObjectURL(new Blob([text],{type:type}));a.download=name;
document.body.appendChild(a);a.click();setTimeout(function(){URL.revokeObjectURL(a.href);a.remove();},0);}
document.addEventListener('click',function(e){var b=e.target.closest&&e.target.closest('button[data-chart]');if(!b)return;
var id=b.getAttribute('data-chart'),s=spec(id),base=document.body.getAttribute('data-report')+'-'+id;
if(b.getAttribute('data-format')==='csv')save(base+'.csv',csv(s.datasets.table),'text/csv');
else save(base+'.vl.json',JSON.stringify(s,null,2),'application/json');});
})();
`;

function cardHtml(c: Card): string {
  const tone = c.tone && c.tone !== 'neutral' ? ` ${c.tone}` : '';
  return (
    `<div class="card${tone}"><div class="label">${escapeHtml(c.label)}</div>` +
    `<div class="value">${escapeHtml(c.value)}</div>` +
    (c.detail ? `<div class="detail">${escapeHtml(c.detail)}</div>` : '') +
    '</div>'
  );
}

/**
 * The chart's SVG as one image named by its title and reading: screen readers named it from its
 * tick labels ("ROAS marginal ROAS 0 1 2 3 ..."), as the SVG had no role or label of its own.
 */
export function labelledSvg(svg: string, label: string): string {
  return svg.replace(/<svg\b/, `<svg role="img" aria-label="${escapeHtml(label)}"`);
}

/**
 * The smallest share of its drawn width a chart is shrunk to on a narrow screen: below it, its
 * container scrolls sideways (at 400 px wide charts shrank to 4-6 px text).
 */
export const MIN_CHART_SCALE = 0.8;

/** The SVG with a min-width of MIN_CHART_SCALE of its width (its 10-13 px text stays >= 8 px). */
export function readableSvg(svg: string): string {
  const width = /^<svg\b[^>]*?\swidth="([\d.]+)"/.exec(svg);
  if (!width) return svg;
  const min = Math.round(MIN_CHART_SCALE * Number(width[1]));
  return svg.replace(/^<svg\b/, `<svg style="min-width:${min}px"`);
}

function chartHtml(s: RenderedSection): string {
  const c = s.chart;
  const notes = c.notes?.length
    ? `<ul class="notes">${c.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`
    : '';
  return (
    `<figure class="chart" id="chart-${c.id}" data-chart-id="${c.id}" data-rows="${c.rows.length}">` +
    `<figcaption><h2>${escapeHtml(c.title)}</h2><p class="reading">${escapeHtml(c.reading)}</p></figcaption>` +
    `<div class="svg">${labelledSvg(readableSvg(s.svg), `${c.title}. ${c.reading}`)}</div>${notes}` +
    `<div class="actions"><button type="button" data-chart="${c.id}" data-format="csv">Download data (CSV, ${c.rows.length} rows)</button>` +
    `<button type="button" data-chart="${c.id}" data-format="spec">Download Vega-Lite spec (JSON)</button></div>` +
    `<script type="application/json" id="spec-${c.id}">${scriptJson(c.spec)}</script>` +
    '</figure>'
  );
}

function blockId(b: PageBlock): string {
  return b.kind === 'chart' ? `chart-${b.section.chart.id}` : b.id;
}

/** Short names of the charts in the page's contents line. */
const NAV: Record<string, string> = {
  fit: 'Fit',
  'fold-r2': 'R² per fold',
  contributions: 'Contributions',
  totals: 'Totals',
  'contributions-truth': 'Contributions vs truth',
  response: 'Response curves',
  roas: 'ROAS',
  'roas-weather': 'ROAS by weather',
  adstock: 'Carry-over',
  truth: 'Estimates vs truth',
  plan: 'Plan',
  'r2-tenants': 'R² per tenant',
  'fold-heatmap': 'Fold heatmap',
  compare: 'vs previous phase',
};

function blockTitle(b: PageBlock): string {
  if (b.kind === 'html') return b.title;
  return NAV[b.section.chart.id] ?? b.section.chart.title.split(' (')[0];
}

/** The whole page. `reportId` names downloaded files (e.g. 'tenant-extreme_ski_gear-phase3'). */
export function renderPage(page: Page, reportId: string): string {
  const nav = page.blocks
    .map((b) => `<a href="#${blockId(b)}">${escapeHtml(blockTitle(b))}</a>`)
    .join('');
  const body = page.blocks
    .map((b) =>
      b.kind === 'chart'
        ? chartHtml(b.section)
        : `<section id="${b.id}"><h2>${escapeHtml(b.title)}</h2>${b.html}</section>`,
    )
    .join('\n');
  return (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${escapeHtml(page.title)}</title>\n<style>${CSS}</style>\n</head>\n` +
    `<body data-report="${escapeHtml(reportId)}">\n` +
    `<header><h1>${escapeHtml(page.heading)}</h1><p class="sub">${escapeHtml(page.subheading)}</p>` +
    (page.notice
      ? `<p class="notice" role="note"><a href="${escapeHtml(page.notice.href)}">${escapeHtml(page.notice.text)}</a></p>`
      : '') +
    `<div class="cards">${page.cards.map(cardHtml).join('')}</div></header>\n` +
    `<nav>${nav}</nav>\n<main>\n${body}\n</main>\n` +
    `<footer>${page.footer}</footer>\n` +
    `<noscript><p style="padding:0 32px">Scripts are off: every chart is drawn, and each chart's data and Vega-Lite spec are in this file as JSON (script elements with id spec-&lt;chart&gt;).</p></noscript>\n` +
    `<script>${SCRIPT}</script>\n</body>\n</html>\n`
  );
}

/** A simple HTML table; cells are escaped, numeric columns right-aligned. */
export function tableHtml(
  header: string[],
  rows: (string | number)[][],
  numeric: boolean[] = [],
): string {
  const th = header
    .map((h, i) => `<th${numeric[i] ? ' class="n"' : ''}>${escapeHtml(h)}</th>`)
    .join('');
  const trs = rows
    .map(
      (r) =>
        '<tr>' +
        r
          .map((v, i) => `<td${numeric[i] ? ' class="n"' : ''}>${escapeHtml(String(v))}</td>`)
          .join('') +
        '</tr>',
    )
    .join('');
  // In a container that scrolls sideways: on a narrow screen a wide table ran off the page.
  return `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table></div>`;
}
