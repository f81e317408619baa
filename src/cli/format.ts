/** Plain-text tables for the human CLI. */

export function table(headers: string[], rows: (string | number | boolean | null)[][]): string {
  const cells = rows.map((r) => r.map((c) => fmtCell(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (isNumeric(c) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join(
    '\n',
  );
}

function fmtCell(c: string | number | boolean | null): string {
  if (c === null || c === undefined) return '-';
  if (typeof c === 'boolean') return c ? 'yes' : 'no';
  if (typeof c === 'number') return Number.isInteger(c) ? String(c) : fixed(c, 3);
  return c;
}

/**
 * x with `digits` decimals, or with 3 significant digits when that would print a non-zero figure
 * as 0 (a ROAS of 0.00008 where revenue is in thousands and spend in units reads "0.0000796",
 * not "0.000").
 */
export function fixed(x: number, digits: number): string {
  return x !== 0 && Math.abs(x) < 0.5 * 10 ** -digits ? x.toPrecision(3) : x.toFixed(digits);
}

function isNumeric(s: string): boolean {
  return /^-?\d+(\.\d+)?(e[-+]?\d+)?%?$/.test(s);
}

export function pct(x: number): string {
  return `${(100 * x).toFixed(0)}%`;
}
