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
  type SeriesSource,
} from '../core/data-warnings.js';
import { PROTOCOL_RULE, ProtocolError } from '../core/folds.js';
import { protocolForRows, protocolForSeries, type SeriesLength } from '../core/protocol.js';
import type { Frequency, TenantSeries } from '../core/types.js';
import type { OptionWords } from '../core/words.js';
import { DEFAULT_DAYS, isBuiltinTenant } from '../core/data/index.js';
import type { AppContext } from './context.js';
import { AppError } from './errors.js';

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
  'late_start_channel',
  'paused_channel',
  'unseen_control',
  'level_shift',
  'duplicate_spend',
  'control_follows_spend',
  'units_mismatch',
  'partial_last_period',
  'holiday_season',
  'spend_follows_baseline',
  'revenue_outage',
  'steady_spend_channel',
]);

/** Said at import by the CSV reader itself (core/csv/parse.ts), in the same words: not twice. */
const SAID_BY_READER: ReadonlySet<DataWarningCode> = new Set(['units_mismatch']);

/** What of a run's config decides its folds. */
type ProtocolConfig = {
  folds: number;
  gap: number;
  testSize?: number | null;
  minTrain?: number | null;
};

function protocolOptions(c: ProtocolConfig, folds: number) {
  return {
    folds,
    gap: c.gap,
    testSize: c.testSize ?? undefined,
    minTrain: c.minTrain ?? undefined,
  };
}

/**
 * The rows training needs when `series` is too short for any protocol (the rule's, which takes
 * the fewest: the figure checkProtocol's refusal names), else null.
 */
export function rowsNeededToTrain(series: SeriesLength): number | null {
  return tooShortToTrain(series)?.neededRows ?? null;
}

/**
 * Why `series` is too short for any protocol (the core's words, e.g. "100 days are too few for
 * an honest time-series validation: ... at least 147 days of data") and the rows it needs; null
 * when it can be trained. For callers that say what to do in their own words (a plan, a lift
 * test's next step), where checkProtocol's "import a longer history" is a run's.
 */
export function tooShortToTrain(
  series: SeriesLength,
): { reason: string; neededRows: number } | null {
  try {
    protocolForRows(series);
    return null;
  } catch (e) {
    if (e instanceof ProtocolError) return { reason: e.message, neededRows: e.neededRows };
    throw e;
  }
}

/**
 * Refuses, before any work, data too short for any honest protocol (or a protocol the caller set
 * that the data cannot hold): the message says how many rows are needed.
 */
export function checkProtocol(series: SeriesLength, c: ProtocolConfig, words: OptionWords): void {
  checkProtocolOptions(series.frequency, c, words);
  try {
    protocolForRows(series, protocolOptions(c, c.folds));
  } catch (e) {
    if (e instanceof ProtocolError) {
      const option = optionTooLarge(series, c, words);
      throw new AppError(
        option ?? `${e.message}; import a longer history (at least ${e.neededRows} rows)`,
        'invalid_argument',
      );
    }
    if (e instanceof RangeError) throw new AppError(e.message, 'invalid_argument');
    throw e;
  }
}

/**
 * When the protocol fails only because of a test size or a least first training window the caller
 * set (the data hold the documented rule's protocol), what to change, in the caller's words: the
 * largest value these rows allow. Null when the data are too short whatever those options say
 * (then a longer history is what is needed).
 */
function optionTooLarge(
  series: SeriesLength,
  c: ProtocolConfig,
  words: OptionWords,
): string | null {
  const fits = (testSize: number | null, minTrain: number | null): boolean => {
    try {
      protocolForRows(series, protocolOptions({ ...c, testSize, minTrain }, c.folds));
      return true;
    } catch (e) {
      if (e instanceof RangeError) return false;
      throw e;
    }
  };
  if (!fits(null, null)) return null;
  const rows = `${series.rows} ${series.frequency === 'weekly' ? 'weeks' : 'days'}`;
  // The largest value of one option that fits with the other as given (fits is monotone in each:
  // more test or training rows never make a protocol fit that did not).
  const largest = (fitsAt: (v: number) => boolean): number => {
    let lo = 0;
    let hi = series.rows;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fitsAt(mid)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const testSize = c.testSize ?? null;
  const minTrain = c.minTrain ?? null;
  // Each option the caller set that does not fit with the other left to the rule.
  const options = [
    { value: testSize, word: words.testSize, fitsAt: (v: number) => fits(v, null) },
    { value: minTrain, word: words.minTrain, fitsAt: (v: number) => fits(null, v) },
  ];
  const parts: string[] = [];
  for (const o of options) {
    if (o.value === null || o.fitsAt(o.value)) continue;
    const max = largest((v) => v >= 1 && o.fitsAt(v));
    parts.push(
      max >= 1
        ? `${o.word(o.value)} is more than ${rows} of data allow with ${words.folds(c.folds)}: the largest is ${o.word(max)}`
        : `${o.word(o.value)} cannot be held by ${rows} of data with ${words.folds(c.folds)}`,
    );
  }
  if (parts.length === 0) {
    parts.push(
      `${[testSize !== null ? words.testSize(testSize) : null, minTrain !== null ? words.minTrain(minTrain) : null].filter(Boolean).join(' with ')} together are more than ${rows} of data allow with ${words.folds(c.folds)}: lower one of them`,
    );
  }
  return `${parts.join('; ')} (or leave ${parts.length > 1 || (testSize !== null && minTrain !== null) ? 'them' : 'it'} out: the protocol is then chosen by the documented rule for these rows)`;
}

/**
 * checkProtocol for a tenant before its task goes to a worker: an error thrown there comes back
 * without its kind (a structured clone keeps only the built-in error classes), so a tenant too
 * short to train would read as an unexpected failure. From the stored row count and frequency,
 * without reading the data (a run may hold thousands of tenants); the built-in tenants hold
 * three years.
 */
export function checkTenantProtocol(ctx: AppContext, tenant: string, c: ProtocolConfig): void {
  // The built-in tenants hold DEFAULT_DAYS daily rows: their protocol is checked as any other's
  // (a test size they cannot hold failed the run in its worker and left it in the store).
  if (isBuiltinTenant(tenant))
    return checkProtocol({ tenant, frequency: 'daily', rows: DEFAULT_DAYS }, c, ctx.words);
  const d = ctx.store.getDatasetSummary(tenant);
  if (d === null) return; // unknown tenants are refused by tenantSource, in its words
  checkProtocol({ tenant, frequency: d.frequency, rows: d.rows }, c, ctx.words);
}

/** A tenant's frequency from the store (the built-in tenants are daily); null when unknown. */
export function tenantFrequency(ctx: AppContext, tenant: string): Frequency | null {
  if (isBuiltinTenant(tenant)) return 'daily';
  return ctx.store.getDatasetSummary(tenant)?.frequency ?? null;
}

/**
 * A first training window or test block the caller set below the least the protocol rule takes
 * for the data's frequency (core/folds.ts PROTOCOL_RULE), refused in the face's words before any
 * run exists (a built-in tenant's run failed and stayed in the store; one-row test blocks scored
 * every fold R² 0, passed the checks and then read as a regression in the gates).
 */
export function checkProtocolOptions(
  frequency: Frequency,
  c: ProtocolConfig,
  words: OptionWords,
): void {
  const unit = frequency === 'daily' ? 'days' : 'weeks';
  const floor = PROTOCOL_RULE.minFirstTrain[frequency];
  const minTest = PROTOCOL_RULE.minTest[frequency];
  const rule = 'or leave it out for the protocol rule';
  if (c.minTrain != null && c.minTrain < floor) {
    throw new AppError(
      `a first training window of ${c.minTrain} rows is too short for ${frequency} data: a fold needs at least ${floor} ${unit} to fit the model honestly; give ${words.minTrain(floor)} or more, ${rule}`,
      'invalid_argument',
    );
  }
  if (c.testSize != null && c.testSize < minTest) {
    throw new AppError(
      `test blocks of ${c.testSize} rows are too short for ${frequency} data: a fold's R² compares its errors with the variation inside its block, and fewer than ${minTest} ${unit} hold too little of it; give ${words.testSize(minTest)} or more, ${rule}`,
      'invalid_argument',
    );
  }
}

/** Warnings for a series scored under the run's protocol (folds at most, gap, test size, first window). */
export function seriesWarnings(
  series: TenantSeries,
  protocol: ProtocolConfig,
  words: OptionWords,
  at: 'import' | 'train',
  /** Where the series comes from (DataWarningOptions.source). */
  source: SeriesSource = 'imported',
): string[] {
  const keep = (w: DataWarning) =>
    at === 'import' ? !SAID_BY_READER.has(w.code) : AT_TRAIN.has(w.code);
  const foldsFor = (k: number) => {
    try {
      return protocolForSeries(series, protocolOptions(protocol, k)).folds;
    } catch {
      return null;
    }
  };
  const foldsWithMinTrain = (minTrain: number) => {
    try {
      return protocolForSeries(series, { ...protocolOptions(protocol, protocol.folds), minTrain })
        .folds;
    } catch {
      return null;
    }
  };
  let folds;
  try {
    folds = protocolForSeries(series, protocolOptions(protocol, protocol.folds)).folds;
  } catch (e) {
    if (!(e instanceof ProtocolError)) return []; // a bad option: training says so itself
    return [tooShortWarning(e), ...dataWarnings(series, { folds: [], foldsFor, words, source })]
      .filter(keep)
      .map((w) => w.message);
  }
  return dataWarnings(series, { folds, foldsFor, foldsWithMinTrain, words, source })
    .filter(keep)
    .map((w) => w.message);
}

/** The SeriesSource seriesWarnings takes, of a tenant source. */
export function warningSourceKind(source: {
  kind: 'builtin' | 'generated' | 'shape' | 'csv';
}): SeriesSource {
  return source.kind === 'csv' ? 'imported' : source.kind === 'builtin' ? 'builtin' : 'generated';
}
