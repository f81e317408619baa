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
  if (typeof c === 'number') return Number.isInteger(c) ? String(c) : c.toFixed(3);
  return c;
}

function isNumeric(s: string): boolean {
  return /^-?\d+(\.\d+)?%?$/.test(s);
}

export function pct(x: number): string {
  return `${(100 * x).toFixed(0)}%`;
}
