/**
 * What a training window can identify. A yearly cycle cannot be learned from less than a year of
 * rows: yearly Fourier terms fitted on six months are a curve through half a cycle, and
 * extrapolating them over the next months is where the first folds went wildly wrong; the same
 * holds for a trend fitted on part of a cycle. Such terms
 * are left out of a fold's model (their column is zeroed for that fold, which the standardized
 * Ridge turns into a zero coefficient and a GBM never splits on). Decided from the number of
 * training rows only.
 */
import { periodsPerYear } from '../core/folds.js';
import type { Design } from '../core/features.js';
import type { Frequency } from '../core/types.js';

/** Yearly Fourier columns of the calendar (features.ts calendarColumns). */
export const YEARLY_TERMS: readonly string[] = ['sin1', 'cos1', 'sin2', 'cos2'];

/**
 * Calendar terms that training rows [0, trainEnd) cannot identify, in design order: under a year
 * of rows, the yearly Fourier terms and the trend (a slope fitted on part of a yearly cycle is
 * mostly the season's slope, and extrapolating it over the next months adds the error back).
 */
export function unsupportedTerms(
  names: readonly string[],
  trainEnd: number,
  frequency: Frequency,
): string[] {
  if (trainEnd >= periodsPerYear(frequency)) return [];
  return names.filter((n) => YEARLY_TERMS.includes(n) || n === 'trend');
}

/** The design's columns with the named ones replaced by zeros (shared arrays otherwise). */
export function maskedColumns(design: Design, drop: readonly string[]): Float64Array[] {
  if (drop.length === 0) return design.columns;
  const set = new Set(drop);
  return design.columns.map((c, j) => (set.has(design.names[j]) ? new Float64Array(c.length) : c));
}
