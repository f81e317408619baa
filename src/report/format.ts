/** Small text helpers of the report: escaping, number formats, rounding for the page's data. */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside HTML elements and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON safe inside a <script type="application/json"> element: '<' is escaped so that no
 * '</script>' or '<!--' in the data can end the element early.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** x rounded to `digits` significant digits (plain numbers in the page's data; keeps it small). */
export function sig(x: number, digits = 6): number {
  if (!Number.isFinite(x) || x === 0) return Number.isFinite(x) ? 0 : x;
  return Number(x.toPrecision(digits));
}

/** 1234567 -> "1,234,567"; 12.345 -> "12.3"; 0.0123 -> "0.0123". */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a === 0) return '0';
  return x.toPrecision(2);
}

/** A count: 1234 -> "1,234" (never decimals). */
export function count(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

/**
 * A ratio such as a ROAS: 2.634 -> "2.63"; one 2 decimals would print as 0 in 3 significant
 * digits (revenue in millions over spend in units: 0.00000392 -> "0.00000392", not "0.00").
 * Never "-0.00".
 */
export function ratio(x: number): string {
  return Number.isFinite(x) ? fixedOrSignificant(x, 2) : 'n/a';
}

/**
 * x with `digits` decimals, or in 3 significant digits where those decimals would print a
 * non-zero x as 0; a negative that rounds to zero prints without its sign.
 */
export function fixedOrSignificant(x: number, digits: number): string {
  if (x !== 0 && Math.abs(x) < 0.5 * 10 ** -digits) return x.toPrecision(3);
  const s = x.toFixed(digits);
  return Number(s) === 0 ? (0).toFixed(digits) : s;
}

/**
 * The vega expression of fixedOrSignificant on a field: the bars' value labels read as the
 * page's text does ('.3r' is 3 significant digits; d3's format drops the sign of a -0.00).
 */
export function fixedOrSignificantExpr(field: string, digits: number): string {
  const v = `datum[${JSON.stringify(field)}]`;
  return `${v} != 0 && abs(${v}) < ${0.5 * 10 ** -digits} ? format(${v}, '.3r') : format(${v}, '.${digits}f')`;
}

/** R²: 0.6612 -> "0.661". */
export function r2(x: number | null): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(3);
}

/** A share: 0.123 -> "12%". */
export function pct(x: number, digits = 0): string {
  const s = (100 * x).toFixed(digits);
  return `${Number(s) === 0 ? (0).toFixed(digits) : s}%`;
}

/** Signed relative error: 0.253 -> "+25%". */
export function signedPct(x: number): string {
  const s = (100 * x).toFixed(0);
  return x >= 0 ? `+${s}%` : `${s}%`;
}

/** The unit of one row: "day" or "week". */
export function periodWord(frequency: 'daily' | 'weekly'): string {
  return frequency === 'weekly' ? 'week' : 'day';
}

/** A state's label ('hot', or an id such as 'temperature_c:hot') as words: "hot days" / "hot weeks". */
export function stateLabel(state: string, period: string): string {
  const name = state.includes(':') ? state.slice(state.indexOf(':') + 1) : state;
  if (name === 'rain') return `rainy ${period}s`;
  return `${name} ${period}s`;
}

/** Values as CSV cells (RFC 4180 quoting when needed). */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows of objects as CSV text, columns in first-seen key order. */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const lines = [cols.map(csvCell).join(',')];
  for (const r of rows) lines.push(cols.map((c) => csvCell(r[c])).join(','));
  return lines.join('\n') + '\n';
}
