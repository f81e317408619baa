/**
 * The data warnings a person sees at import and at train time (core/data-warnings.ts), for the
 * folds the run will actually use, in the words of the face that shows them.
 */
import { dataWarnings } from '../core/data-warnings.js';
import { timeSeriesFolds } from '../core/folds.js';
import type { TenantSeries } from '../core/types.js';
import type { OptionWords } from '../core/words.js';

/** Warnings for a series scored with `folds` folds and `gap` (the run's protocol). */
export function seriesWarnings(
  series: TenantSeries,
  protocol: { folds: number; gap: number },
  words: OptionWords,
): string[] {
  const n = series.target.length;
  const foldsFor = (k: number) => {
    try {
      return timeSeriesFolds(n, k, protocol.gap);
    } catch {
      return null;
    }
  };
  const folds = foldsFor(protocol.folds);
  if (folds === null) return []; // the phase itself refuses the data with its own message
  return dataWarnings(series, { folds, foldsFor, words }).map((w) => w.message);
}
