/**
 * The data warnings a person sees at import and at train time (core/data-warnings.ts), for the
 * folds the run will actually use (core/folds.ts chooseProtocol, as the phases do), in the words
 * of the face that shows them.
 */
import {
  dataWarnings,
  tooShortWarning,
  type DataWarning,
  type DataWarningCode,
} from '../core/data-warnings.js';
import { chooseProtocol, ProtocolError } from '../core/folds.js';
import type { TenantSeries } from '../core/types.js';
import type { OptionWords } from '../core/words.js';

/**
 * At import every warning; at train only what limits that result (a wind column kept beside the
 * data is news once, at import, not at every train of a built-in tenant).
 */
const AT_TRAIN: ReadonlySet<DataWarningCode> = new Set([
  'too_short',
  'short_history',
  'weekly_data',
  'no_modeled_weather',
  'low_spend_channel',
]);

/** Warnings for a series scored with at most `folds` folds and `gap` (the run's protocol). */
export function seriesWarnings(
  series: TenantSeries,
  protocol: { folds: number; gap: number },
  words: OptionWords,
  at: 'import' | 'train',
): string[] {
  const keep = (w: DataWarning) => at === 'import' || AT_TRAIN.has(w.code);
  const n = series.target.length;
  const foldsFor = (k: number) => {
    try {
      return chooseProtocol(n, series.frequency, { folds: k, gap: protocol.gap }).folds;
    } catch {
      return null;
    }
  };
  let folds;
  try {
    folds = chooseProtocol(n, series.frequency, { folds: protocol.folds, gap: protocol.gap }).folds;
  } catch (e) {
    if (!(e instanceof ProtocolError)) return []; // a bad option: training says so itself
    return [tooShortWarning(e), ...dataWarnings(series, { folds: [], foldsFor, words })]
      .filter(keep)
      .map((w) => w.message);
  }
  return dataWarnings(series, { folds, foldsFor, words })
    .filter(keep)
    .map((w) => w.message);
}
