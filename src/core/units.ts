/**
 * Revenue and spend in different units (revenue in thousands or millions, spend in units, or the
 * reverse): the target's total against the total spend. Every ROAS is then off by that factor (on
 * made-up files, 796254 or 0.000 for a true 0.8; explain gave meta a ROAS of 0.00000392 and the
 * plan 0.00 with the file's revenue in millions). A property of the data, read at import
 * (csv/parse.ts), at train (data-warnings.ts) and by the caveats of explain and plan.
 */
import type { TenantSeries } from './types.js';

/** Total revenue per unit of total spend outside these bounds means the two are in different units. */
export const REVENUE_PER_SPEND = { low: 0.1, high: 1000 };

export interface UnitsMismatch {
  /** Total target / total spend. */
  ratio: number;
  revenue: number;
  spend: number;
}

/** The totals when their ratio is outside REVENUE_PER_SPEND, else null (also without spend or revenue). */
export function unitsMismatch(
  target: ArrayLike<number>,
  spend: readonly ArrayLike<number>[],
): UnitsMismatch | null {
  let revenue = 0;
  let spent = 0;
  for (let t = 0; t < target.length; t++) revenue += target[t];
  for (const x of spend) for (let t = 0; t < x.length; t++) spent += x[t];
  if (!(spent > 0) || !(revenue > 0)) return null;
  const ratio = revenue / spent;
  if (ratio >= REVENUE_PER_SPEND.low && ratio <= REVENUE_PER_SPEND.high) return null;
  return { ratio, revenue, spend: spent };
}

/** unitsMismatch of a series. */
export function seriesUnitsMismatch(series: TenantSeries): UnitsMismatch | null {
  return unitsMismatch(series.target, series.spend);
}

/** Two significant digits, as a person reads a ratio. */
export function roughly(x: number): string {
  return String(Number(x.toPrecision(2)));
}

/** What a units mismatch does to the figures, for the import's and train's warning. */
export function unitsMismatchWarning(name: string, m: UnitsMismatch): string {
  return (
    `"${name}" adds up to ${roughly(m.ratio)} times the total spend (${roughly(m.revenue)} against ${roughly(m.spend)}): ` +
    `they look like different units (e.g. one in thousands); ROAS and plans are ${name} per unit of spend, ` +
    `so they would be off by that factor: write both in the same currency unit`
  );
}
