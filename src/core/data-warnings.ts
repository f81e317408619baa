/**
 * Warnings about a tenant's data shape that the person should see before trusting a result:
 * too little history per cross-validation fold, weekly data, weather columns the phases will not
 * model, channels with almost no spend. Each says what it means and what to do. Pure: the app
 * shows them at import and at train time, in the words of the face (OptionWords).
 */
import { isoFromDays, parseIsoDay } from './csv/dates.js';
import { dayOfWeek, dayOfYear, modelWeatherNames } from './features.js';
import { periodsPerYear, type Fold, type ProtocolError } from './folds.js';
import { protocolForRows, protocolForSeries } from './protocol.js';
import {
  baselineColumnWords,
  spendFollowingBaseline,
  type SpendBaselineFit,
} from './spend-follows.js';
import type { Frequency, TenantSeries } from './types.js';
import { rainThreshold, weatherKindOf } from './weather-names.js';
import type { OptionWords } from './words.js';
import { formatSignificant } from './csv/numbers.js';
import { LEVEL_SHIFT_MIN_SEGMENT, levelShift } from './level-shift.js';
import { OUTAGE_REFERENCE, revenueOutages, type RevenueOutage } from './revenue-outage.js';
import { correlation, median } from './stats.js';
import { seriesUnitsMismatch, unitsMismatchWarning } from './units.js';
import { HOLIDAY_SEASON_COLUMN, holidaySeason } from './holiday-season.js';

export type DataWarningCode =
  | 'too_short'
  | 'short_history'
  | 'weekly_data'
  | 'weather_not_modeled'
  | 'no_modeled_weather'
  | 'weather_kind_unknown'
  | 'weekly_precipitation_total'
  | 'low_spend_channel'
  | 'late_start_channel'
  | 'paused_channel'
  | 'stopped_channel'
  | 'unseen_control'
  | 'calendar_control'
  | 'level_shift'
  | 'duplicate_spend'
  | 'correlated_spend'
  | 'control_follows_spend'
  | 'units_mismatch'
  | 'partial_last_period'
  | 'holiday_season'
  | 'spend_follows_baseline'
  | 'revenue_outage'
  | 'steady_spend_channel';

export interface DataWarning {
  code: DataWarningCode;
  /** What was found, what it does to the result, and what to do. */
  message: string;
}

/**
 * A channel below this share of all spend has almost no spend (with more than five channels the
 * smaller LOW_SPEND_EVEN_SPLIT of an even split's share: lowSpendThreshold).
 */
export const LOW_SPEND_SHARE = 0.02;
/**
 * ... or, with many channels, below this fraction of an even split's share (1 / channels that
 * spend): a 12-channel tenant's smallest channels spend 2-3% each as a matter of course (a long
 * tail), and one at 1.9% was among its best-estimated ROAS on an outside probe's data.
 */
export const LOW_SPEND_EVEN_SPLIT = 0.1;
/** ... as has a channel that spends on fewer than this share of the rows. */
export const LOW_SPEND_ACTIVE_ROWS = 0.05;

/**
 * A fold's training rows must hold at least this many periods of a channel's spend (4 weeks of
 * days, or 8 weeks: fewer weekly rows scored no better than none on a made-up launch) before the
 * fold can learn what the channel does.
 */
export const LATE_START_TRAIN_PERIODS = { daily: 28, weekly: 8 } as const;

/**
 * A channel without spend on this many periods in a row (4 weeks), with spend before and after,
 * was paused (pausedWarnings); a fold whose training rows hold fewer periods without its spend
 * never saw it stop.
 */
export const PAUSE_PERIODS = { daily: 28, weekly: 4 } as const;

/**
 * A channel that spent before but not on this many last periods (4 weeks) has stopped: its
 * figures describe the time it ran, and a plan that spends on it restarts it.
 */
export const STOPPED_PERIODS = { daily: 28, weekly: 4 } as const;

/** "185 days (6 months)", "26 weeks". */
export function describePeriods(rows: number, frequency: Frequency): string {
  if (frequency === 'weekly') return `${rows} week${rows === 1 ? '' : 's'}`;
  const months = Math.round(rows / 30.44);
  return `${rows} day${rows === 1 ? '' : 's'}${months >= 1 ? ` (${months} month${months === 1 ? '' : 's'})` : ''}`;
}

export interface DataWarningOptions {
  /** The folds the model will be scored on (the protocol in use: core/folds.ts chooseProtocol). */
  folds: readonly Fold[];
  /** The folds another fold count would give, or null when it cannot (default: chooseProtocol). */
  foldsFor?: (k: number) => readonly Fold[] | null;
  /** How the face names its options. */
  words: OptionWords;
  /** The spend column of each channel as the person named it (default `<channel>_spend`). */
  spendColumns?: readonly string[];
  /**
   * The folds the run's protocol makes with another first training window, or null when it
   * cannot (default: chooseProtocol with the run's fold count; given with foldsFor by the app so
   * that the run's gap and test size are kept).
   */
  foldsWithMinTrain?: (minTrain: number) => readonly Fold[] | null;
  /**
   * Where the series comes from (default imported). A built-in or generated tenant's data cannot
   * be imported again, so advice to re-import says to import them as a file of one's own (probe
   * s74: a built-in tenant was told to "import the file again with --holiday-season"); a built-in
   * tenant is scored with the plan's 5 folds so that gate figures stay comparable, which advice to
   * use fewer folds says it changes.
   */
  source?: SeriesSource;
}

/** Where a series comes from, for the words of advice that depend on it. */
export type SeriesSource = 'builtin' | 'generated' | 'imported';

/** The warnings of one series, in a fixed order (history, frequency, weather, channels). */
export function dataWarnings(series: TenantSeries, options: DataWarningOptions): DataWarning[] {
  return [
    ...historyWarnings(series, options),
    ...frequencyWarnings(series),
    ...weatherWarnings(series),
    ...weeklyPrecipitationWarnings(series),
    ...unknownKindWarnings(series),
    ...spendWarnings(series, options),
    ...steadySpendWarnings(series),
    ...lateStartWarnings(series, options),
    ...pausedWarnings(series, options),
    ...stoppedWarnings(series),
    ...unseenControlWarnings(series, options),
    ...calendarControlWarnings(series, options),
    ...levelShiftWarnings(series, options),
    ...revenueOutageWarnings(series),
    ...duplicateSpendWarnings(series, options),
    ...correlatedSpendWarnings(series),
    ...controlFollowsSpendWarnings(series, options),
    ...unitsMismatchWarnings(series),
    ...partialLastPeriodWarnings(series),
    ...holidaySeasonWarnings(series, options),
    ...spendFollowsBaselineWarnings(series),
  ];
}

/**
 * Channels whose spend the baseline's columns explain (core/spend-follows.ts): their effect cannot
 * be told from the demand they follow. An analyst's simulator (probe s75) whose search budget
 * followed same-day demand read search's ROAS 9-17 for a true 1.2 with no word of why.
 */
function spendFollowsBaselineWarnings(series: TenantSeries): DataWarning[] {
  return spendFollowingBaseline(series).map((f) => ({
    code: 'spend_follows_baseline' as const,
    message: spendFollowsBaselineWords(series, f),
  }));
}

/** The warning's and the caveat's sentence for one channel. */
export function spendFollowsBaselineWords(series: TenantSeries, f: SpendBaselineFit): string {
  return (
    `channel "${f.channel}"'s spend moves with what drives "${series.targetName}" without ads: ${baselineColumnWords(series)} explain ${Math.round(100 * f.r2)}% of its ${series.frequency === 'weekly' ? 'weekly' : 'daily'} variation (adjusted R²), ` +
    `as a budget that follows demand does (search or shopping ads that rise with traffic, ads booked with a promotion, a schedule by weekday): ` +
    `the model cannot tell what the channel causes from what it follows, so its ROAS, marginal ROAS and contribution can be far off (demand-following spend mostly reads too high) and their intervals do not show it; ` +
    `an experiment (a lift test with its spend changed for some weeks) is what measures it`
  );
}

/**
 * A holiday season the data show and the design cannot draw (holiday-season.ts holidaySeason):
 * what it does to the folds and the media, and the import option that adds it as a control.
 */
function holidaySeasonWarnings(series: TenantSeries, options: DataWarningOptions): DataWarning[] {
  const found = holidaySeason(series);
  if (found === null) return [];
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${Math.round(x * 100)}%`;
  return [
    {
      code: 'holiday_season',
      message:
        `"${series.targetName}" runs ${pct(found.relative)} above what the yearly season, trend, ${series.frequency === 'daily' ? 'weekdays, ' : ''}weather, spend and controls explain ` +
        `from 15 November to 24 December (${found.years.map((y) => `${y.year} ${pct(y.relative)}`).join(', ')}): a holiday season the model's yearly terms cannot draw, ` +
        `so folds that test on a December forecast it low and the media spent then take its credit; ` +
        ((options.source ?? 'imported') !== 'imported'
          ? `this tenant's data are the generator's and are not imported from a file, so to model the season import them as a file of your own (under a new id) with ${options.words.holidaySeason} (a control "${HOLIDAY_SEASON_COLUMN}": 0 until 15 November, rising to 1 on 24 December, 0 from 25 December)`
          : `import the file again with ${options.words.holidaySeason} (a control "${HOLIDAY_SEASON_COLUMN}": 0 until 15 November, rising to 1 on 24 December, 0 from 25 December), ` +
            `or add a column of your own that marks the season`),
    },
  ];
}

function historyWarnings(series: TenantSeries, options: DataWarningOptions): DataWarning[] {
  const { folds, words } = options;
  if (folds.length === 0) return [];
  const year = periodsPerYear(series.frequency);
  const first = folds[0].trainEnd;
  if (first >= year) return [];
  const n = series.target.length;
  const foldsFor = options.foldsFor ?? ((k: number) => defaultFolds(series, { folds: k }));
  let better: { k: number; first: number } | null = null;
  for (let k = folds.length - 1; k >= 2 && better === null; k--) {
    const alt = foldsFor(k);
    if (alt !== null && alt.length > 0 && alt[0].trainEnd >= year)
      better = { k, first: alt[0].trainEnd };
  }
  const unit = series.frequency === 'daily' ? 'days' : 'weeks';
  const what =
    `with ${folds.length} folds the first model trains on ${describePeriods(first, series.frequency)}, ` +
    `less than a year: folds trained on under a year leave out the yearly season and the trend ` +
    `(they cannot be learned from less; a daily trend that dominates the window's rows is kept), ` +
    `so they score lower and pull the mean R² down`;
  const todo = better
    ? `; use ${words.folds(better.k)} (the first model then trains on ${describePeriods(better.first, series.frequency)}` +
      `${better.k === 2 ? '; the mean then rests on two test blocks, which the checks flag' : ''}), or add history` +
      (options.source === 'builtin'
        ? ` (a built-in tenant keeps the plan's ${folds.length} folds by default so that its figures compare with the gates' and the README's; other folds give other figures)`
        : '')
    : `; add history if you have it (${n} ${unit} now${enoughHistory(series, year)}), ` +
      `and read the later folds' R² (printed by train) rather than the mean until then`;
  return [{ code: 'short_history', message: what + todo }];
}

/**
 * "; N days give K folds that each train on at least a year": the fewest rows with which the
 * default protocol's first fold trains on a year, asked of the protocol (it said "about 1095 give
 * 2 folds" where 730 days give 3).
 */
function enoughHistory(series: TenantSeries, year: number): string {
  const unit = series.frequency === 'daily' ? 'days' : 'weeks';
  for (let rows = series.target.length + 1; rows <= 4 * year; rows++) {
    try {
      const { folds } = protocolForRows({
        tenant: series.tenant,
        frequency: series.frequency,
        rows,
      });
      if (folds.length > 0 && folds[0].trainEnd >= year) {
        return `; ${rows} ${unit} give ${folds.length} folds that each train on at least a year`;
      }
    } catch {
      // too short for any protocol: more rows
    }
  }
  return '';
}

/** The folds of the default protocol with these options, or null when it cannot make any. */
function defaultFolds(
  series: TenantSeries,
  options: { folds?: number; minTrain?: number },
): Fold[] | null {
  try {
    return protocolForSeries(series, options).folds;
  } catch {
    return null;
  }
}

/** The data is too short for any honest protocol: the import accepts it, training will not. */
export function tooShortWarning(error: ProtocolError): DataWarning {
  return {
    code: 'too_short',
    message: `${error.message}; training will refuse it until you add history (at least ${error.neededRows} rows)`,
  };
}

function frequencyWarnings(series: TenantSeries): DataWarning[] {
  if (series.frequency !== 'weekly') return [];
  return [
    {
      code: 'weekly_data',
      message:
        `weekly data: each row is one week (${series.target.length} rows), so the model sees 52 rows a year instead of 365; ` +
        `there are no day-of-week effects, carry-over is counted in weeks, and ROAS and response curves are per week of spend; ` +
        `daily data, if you can export it, gives the model seven times more rows to learn from`,
    },
  ];
}

function weatherWarnings(series: TenantSeries): DataWarning[] {
  const modeled = modelWeatherNames(series);
  const unused = series.weatherNames.filter((w) => !modeled.includes(w));
  const out: DataWarning[] = [];
  if (unused.length > 0) {
    const list = unused.map((w) => `"${w}"`).join(', ');
    out.push({
      code: 'weather_not_modeled',
      message:
        `weather column${unused.length === 1 ? '' : 's'} ${list} will not be modeled: wind is kept with the data ` +
        `but the phases model temperature, precipitation, humidity and other weather columns, not wind; ` +
        `if the column measures something else, give it another name`,
    });
  }
  if (modeled.length === 0) {
    out.push({
      code: 'no_modeled_weather',
      message:
        `no weather column the model uses (temperature, precipitation, humidity; see docs/csv-format.md for the names): ` +
        `the model has no weather effects and explain shows no ROAS by weather state; ` +
        `add weather for the customers' location if you can`,
    });
  }
  return out;
}

/**
 * Median precipitation per row, in mm, above which a weekly precipitation column reads as the
 * week's total rather than its mean per day (docs/csv-format.md): a median day of 8 mm is a climate
 * among the world's wettest, while a median week of 8-40 mm is an ordinary one (probe s70's weekly
 * totals: medians of 14-15 mm). Inch columns: 8 mm in inches.
 */
export const WEEKLY_PRECIPITATION_MEDIAN_MM = 8;

/**
 * Weekly precipitation columns whose median reads as weekly totals (WEEKLY_PRECIPITATION_MEDIAN_MM):
 * the models fit either (they standardize each column), but explain's rain state is a day over 1
 * mm, so on totals it holds nearly every week and "dry" only the weeks without any rain, and a plan's
 * forecast file is read in the data's units. Said at import with the share of weeks called rain, so
 * that the user can divide by 7 (probe s70: 90-92% of the weeks read as rain, without a word).
 */
function weeklyPrecipitationWarnings(series: TenantSeries): DataWarning[] {
  if (series.frequency !== 'weekly') return [];
  return series.weatherNames.flatMap((w, j) => {
    const info = weatherKindOf(w);
    if (info?.kind !== 'precipitation') return [];
    const perMm = info.unit === 'in' ? 25.4 : 1;
    const values = Array.from(series.weather[j]).filter((x) => Number.isFinite(x));
    if (values.length === 0) return [];
    const mid = median(values);
    if (!(mid * perMm > WEEKLY_PRECIPITATION_MEDIAN_MM)) return [];
    const threshold = rainThreshold(info);
    const rainy = values.filter((x) => x > threshold).length / values.length;
    const unit = info.unit === 'in' ? 'in' : 'mm';
    return [
      {
        code: 'weekly_precipitation_total',
        message:
          `weekly "${w}" has a median of ${formatSignificant(mid, 3)} ${unit} per row: as the week's mean per day, which docs/csv-format.md asks of weekly rows, ` +
          `that is among the world's wettest climates; as the week's total, an ordinary one. The models fit either, but explain's rain state ` +
          `(over ${threshold} ${unit} a day) then holds ${Math.round(rainy * 100)}% of the weeks; if these are weekly totals, divide the column by 7 and import again ` +
          `(and give a plan's forecast the same way)`,
      },
    ];
  });
}

/**
 * Weather columns of no recognised name (weather because the person marked them: roles
 * weather_columns, --weather): the model does not know what they measure, so each is a plain
 * weather term (level, square, products with spend) without what its kind would give it, and
 * nothing said so (a daily file with temperature as t_max scored phase 3 R² 0.885 against 0.915
 * under temperature_c). Names what each loses and the names that give it its kind.
 */
function unknownKindWarnings(series: TenantSeries): DataWarning[] {
  const modeled = modelWeatherNames(series);
  const unknown = series.weatherNames.filter(
    (w) => weatherKindOf(w) === null && modeled.includes(w),
  );
  if (unknown.length === 0) return [];
  const one = unknown.length === 1;
  const list = unknown.map((w) => `"${w}"`).join(', ');
  return [
    {
      code: 'weather_kind_unknown',
      message:
        `weather column${one ? '' : 's'} ${list} ${one ? 'has' : 'have'} no name docs/csv-format.md lists, so the model does not know what ${one ? 'it measures' : 'they measure'}: ` +
        `${one ? 'it is' : 'each is'} modeled as a plain weather term (${one ? 'its' : 'the'} level, square and products with spend) without the temperature hinge terms a recognised temperature gets; ` +
        `explain splits ${one ? 'it' : 'each'} into low / mid / high by ${one ? 'its' : 'their'} own values, not cold / mild / hot or rain / dry; ` +
        `plan cannot rank ${series.frequency === 'weekly' ? 'weeks' : 'days'} by ${one ? 'it' : 'them'} for the hot, cold, wet and dry scenarios, and does not check a forecast of ${one ? 'it' : 'them'} against what the weather can be; ` +
        `if ${one ? 'it is' : 'one is'} temperature, name it temperature_c (temperature_f or temp_f for °F), precipitation precipitation_mm (precipitation_in for inches), humidity humidity_pct, and import the file again over this tenant`,
    },
  ];
}

/** A channel with almost no spend in the data (LOW_SPEND_SHARE, LOW_SPEND_ACTIVE_ROWS). */
export interface LowSpendChannel {
  channel: string;
  /**
   * Its share of all spend over the rows from its first spend on when it was launched late (spends
   * on at least half the rows from then on), else over all rows: a channel launched late is judged
   * on the rows it has been live.
   */
  share: number;
  /** Row of its first spend, when launched late (above). */
  first?: number;
  /** Rows on which it spends anything. */
  active: number;
  rows: number;
}

/**
 * The share of all spend under which a channel has almost no spend, among `spending` channels
 * that spend: LOW_SPEND_SHARE, or LOW_SPEND_EVEN_SPLIT / spending when that is smaller (more
 * than five channels).
 */
export function lowSpendThreshold(spending: number): number {
  return Math.min(LOW_SPEND_SHARE, LOW_SPEND_EVEN_SPLIT / Math.max(1, spending));
}

/**
 * The channels with almost no spend: under lowSpendThreshold of all spend (from their first spend
 * on, when launched late: LowSpendChannel.share), or spending on under LOW_SPEND_ACTIVE_ROWS of all rows (too few rows to
 * learn from, whenever they are). A channel that never spends is one of them (share 0); none is
 * when no channel spends. The import's warning, explain's caveat and the planner's hold
 * (plan/guard.ts) read the same rule.
 */
export function lowSpendChannels(series: TenantSeries): LowSpendChannel[] {
  const n = series.target.length;
  if (n === 0) return [];
  // Total spend of all channels up to each row, so a late channel's share covers its own span.
  const totalBefore = new Float64Array(n + 1);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (const x of series.spend) s += x[t];
    totalBefore[t + 1] = totalBefore[t] + s;
  }
  const all = totalBefore[n];
  if (!(all > 0)) return [];
  const spending = series.spend.filter((x) => x.some((v) => v > 0)).length;
  const threshold = lowSpendThreshold(spending);
  return series.channels.flatMap((channel, c) => {
    const x = series.spend[c];
    let first = -1;
    let active = 0;
    let own = 0;
    for (let t = 0; t < n; t++) {
      if (x[t] > 0) {
        active++;
        if (first < 0) first = t;
      }
      own += x[t];
    }
    // A launch: spend on at least half the rows from its first spend on. A channel spent on a few
    // scattered rows is judged on all rows (and by LOW_SPEND_ACTIVE_ROWS).
    const launched = first > 0 && active >= (n - first) / 2;
    const from = launched ? first : 0;
    const share = own / (all - totalBefore[from]);
    return share >= threshold && active / n >= LOW_SPEND_ACTIVE_ROWS
      ? []
      : [{ channel, share, active, rows: n, ...(launched ? { first } : {}) }];
  });
}

/**
 * Channels that spend the same amount, above 0, on every row (the CSV reader warns of them): a
 * constant column is the intercept's, so the model cannot tell the channel's effect from the
 * baseline, and any contribution it gives the channel is not identified by the data.
 */
export function constantSpendChannels(series: TenantSeries): string[] {
  return series.channels.filter((_, c) => {
    const x = series.spend[c];
    return x.length > 0 && x[0] > 0 && x.every((v) => v === x[0]);
  });
}

/**
 * "under 0.1% of all spend, on 5 of 156 weeks"; a late launch: "0.9% of all spend since its first
 * spend (day 801), on 295 of 1095 days".
 */
export function describeLowSpend(low: LowSpendChannel, frequency: Frequency): string {
  const unit = frequency === 'daily' ? 'days' : 'weeks';
  const pct = low.share < 0.001 ? 'under 0.1' : (100 * low.share).toFixed(1);
  const since =
    low.first !== undefined && low.first > 0
      ? ` since its first spend (${unit.slice(0, -1)} ${low.first + 1})`
      : '';
  return `${pct}% of all spend${since}, on ${low.active} of ${low.rows} ${unit}`;
}

function spendWarnings(series: TenantSeries, options: DataWarningOptions): DataWarning[] {
  return lowSpendChannels(series)
    .filter((low) => low.share > 0) // zero on every row: the CSV reader says so
    .map((low) => {
      const c = series.channels.indexOf(low.channel);
      const column = options.spendColumns?.[c] ?? `${low.channel}_spend`;
      return {
        code: 'low_spend_channel' as const,
        message:
          `channel "${low.channel}" has almost no spend (${describeLowSpend(low, series.frequency)}): ` +
          `the model cannot tell its effect from noise, so its ROAS will be unreliable; ` +
          `add its spend to a similar channel's column, or leave it out with ${options.words.ignore(column)}`,
      };
    });
}

/**
 * Coefficient of variation (sd / mean over the rows from a channel's first spend on) below which a
 * channel's spend is steady: the data hold almost no variation in it to measure its effect by. The
 * generator's 1,001 channels (the built-in 20, the suite, 100 generated and 100 random shapes)
 * vary by 0.39 or more; an outside probe's always-on channel at 600 a day, 1% apart, was imported
 * without a word and read ROAS 4.89 for a true 1.75, its 95% interval up to 1148 (session 76).
 */
export const STEADY_SPEND_CV = 0.05;

/** A channel whose spend barely varies (STEADY_SPEND_CV), with how much. */
export interface SteadySpend {
  channel: string;
  /** sd / mean of its spend over the rows from its first spend on. */
  cv: number;
}

/** Channels of steady spend (not constant: the reader and constantSpendChannels have those). */
export function steadySpendChannels(series: TenantSeries): SteadySpend[] {
  const out: SteadySpend[] = [];
  series.spend.forEach((x, c) => {
    const from = firstSpendRow(x);
    const n = x.length - from;
    if (n < 2) return;
    let m = 0;
    for (let t = from; t < x.length; t++) m += x[t];
    m /= n;
    let ss = 0;
    for (let t = from; t < x.length; t++) ss += (x[t] - m) ** 2;
    const cv = Math.sqrt(ss / n) / m;
    if (m > 0 && cv > 0 && cv < STEADY_SPEND_CV) out.push({ channel: series.channels[c], cv });
  });
  return out;
}

function steadySpendWarnings(series: TenantSeries): DataWarning[] {
  const unit = series.frequency === 'daily' ? 'day' : 'week';
  return steadySpendChannels(series).map(({ channel, cv }) => ({
    code: 'steady_spend_channel' as const,
    message:
      `channel "${channel}" spends nearly the same every ${unit} (its spend varies by ${(cv * 100).toFixed(1)}% of its mean, sd): ` +
      `the data hold almost no variation to measure its effect by, so its ROAS will be read off the curve's assumed shape below the spend it always has, not measured ` +
      `(its interval can run from 0 to many times the figure); vary its budget for some weeks, or run a lift test, to measure it`,
  }));
}

/**
 * What a later first fold costs, said with the min_train a launch or pause warning gives: two outside
 * probes followed it and read a lower mean R² on the same data (0.917 -> 0.877, 0.744 -> 0.558),
 * where the fold it left out had scored as well as the rest.
 */
const SHORTER_BLOCKS =
  'its test blocks are shorter and its R² lower and noisier, so keep the default protocol for the gates and plans';

/**
 * Channels that start spending late (launched during the history): folds whose training rows
 * hold fewer than LATE_START_TRAIN_PERIODS periods of the channel's spend while their test block
 * has some cannot learn its effect, so their R² measures the launch, not the model. Says which
 * folds, and the first training window (min-train) that would hold enough of its spend when the
 * protocol can still make folds with it (`foldsFor` asks the protocol, as historyWarnings does).
 */
function lateStartWarnings(series: TenantSeries, options: DataWarningOptions): DataWarning[] {
  const { folds, words } = options;
  if (folds.length === 0) return [];
  const need = LATE_START_TRAIN_PERIODS[series.frequency];
  const unit = series.frequency === 'daily' ? 'days' : 'weeks';
  const out: DataWarning[] = [];
  series.channels.forEach((channel, c) => {
    const spend = series.spend[c];
    const active: number[] = [];
    for (let t = 0; t < spend.length; t++) if (spend[t] > 0) active.push(t);
    if (active.length < need) return; // almost no spend: low_spend_channel says so
    const activeBefore = (end: number) => active.filter((t) => t < end).length;
    const late = folds.filter(
      (f) => activeBefore(f.trainEnd) < need && activeBefore(f.testEnd) > activeBefore(f.testStart),
    );
    if (late.length === 0) return;
    const minTrain = active[need - 1] + 1;
    const moved = minTrainFolds(series, options, minTrain);
    const list = late.map((f) => f.index + 1);
    const foldWord = `fold${list.length === 1 ? '' : 's'} ${list.join(', ')}`;
    out.push({
      code: 'late_start_channel',
      message:
        `channel "${channel}" first spends on ${series.dates[active[0]]} (row ${active[0] + 1} of ${spend.length}): ` +
        `${foldWord} of ${folds.length} train${list.length === 1 ? 's' : ''} on ${late.every((f) => activeBefore(f.trainEnd) === 0) ? 'none' : `fewer than ${need} ${unit}`} of its spend but ` +
        `${list.length === 1 ? 'its test block has' : 'their test blocks have'} some, so ${list.length === 1 ? 'that fold' : 'those folds'} cannot learn its effect ` +
        `and ${list.length === 1 ? 'its' : 'their'} R² may show the launch rather than the model` +
        (moved !== null
          ? `: compare it with the other folds' (printed by train); to score only folds that saw it, ${words.minTrain(minTrain)} starts the first fold after the launch (${moved} fold${moved === 1 ? '' : 's'}; ${SHORTER_BLOCKS})`
          : `: read the other folds' R² (printed by train) rather than the mean (no protocol starts its first fold after the launch and keeps two folds)`),
    });
  });
  return out;
}

/**
 * A channel paused in the middle of the data (no spend on PAUSE_PERIODS periods or more in a row,
 * with spend before and after): a fold whose training rows never saw it paused (fewer than
 * PAUSE_PERIODS periods without its spend) while its test block holds the pause forecasts the
 * pause by extrapolating the channel's response below the lowest spend it saw, which is the part
 * of a channel's total effect the data do not show until it stops: a new user's three years with
 * google paused for 91 days scored phase 3's first fold -0.17 where phase 0 scored 0.47, and
 * nothing said why.
 */
function pausedWarnings(series: TenantSeries, options: DataWarningOptions): DataWarning[] {
  const { folds, words } = options;
  if (folds.length === 0) return [];
  const need = PAUSE_PERIODS[series.frequency];
  const out: DataWarning[] = [];
  series.channels.forEach((channel, c) => {
    const spend = series.spend[c];
    const n = spend.length;
    let first = 0;
    while (first < n && !(spend[first] > 0)) first++;
    let last = n - 1;
    while (last >= 0 && !(spend[last] > 0)) last--;
    // Runs without spend between the first and the last spend (a launch and a stop have their own
    // warnings).
    const pauses: [number, number][] = [];
    for (let t = first; t <= last; t++) {
      if (spend[t] > 0) continue;
      let end = t;
      while (end + 1 <= last && !(spend[end + 1] > 0)) end++;
      if (end - t + 1 >= need) pauses.push([t, end]);
      t = end;
    }
    if (pauses.length === 0) return;
    const idleBefore = (end: number): number => {
      let k = 0;
      for (let t = first; t < Math.min(end, n); t++) if (!(spend[t] > 0)) k++;
      return k;
    };
    const [a, b] = pauses[0];
    const blind = folds.filter(
      (f) =>
        idleBefore(f.trainEnd) < need && pauses.some(([p, q]) => p < f.testEnd && q >= f.testStart),
    );
    if (blind.length === 0) return;
    const list = blind.map((f) => f.index + 1);
    const one = list.length === 1;
    // The first window that holds a whole pause.
    const minTrain = b + 1;
    const moved = minTrainFolds(series, options, minTrain);
    out.push({
      code: 'paused_channel',
      message:
        `channel "${channel}" spends nothing for ${describePeriods(b - a + 1, series.frequency)} from ${series.dates[a]} to ${series.dates[b]} and spends again after` +
        (pauses.length > 1
          ? ` (and in ${pauses.length - 1} more pause${pauses.length === 2 ? '' : 's'} of ${need} ${series.frequency === 'weekly' ? 'weeks' : 'days'} or more)`
          : '') +
        `: fold${one ? '' : 's'} ${list.join(', ')} of ${folds.length} train${one ? 's' : ''} on rows where it never stopped while ${one ? 'its test block holds' : 'their test blocks hold'} a pause, ` +
        `so ${one ? 'that fold forecasts' : 'those folds forecast'} the pause by extrapolating ${channel}'s response below the lowest spend ${one ? 'it' : 'they'} saw ` +
        `(the part of its total effect the data do not show until it stops) and ${one ? 'its' : 'their'} R² may show that rather than the model` +
        (moved !== null
          ? `: compare it with the other folds' (printed by train); to score only folds that saw it stop, ${words.minTrain(minTrain)} starts the first fold after the pause (${moved} fold${moved === 1 ? '' : 's'}; ${SHORTER_BLOCKS})`
          : `: read the other folds' R² (printed by train) rather than the mean (no protocol starts its first fold after the pause and keeps two folds)`),
    });
  });
  return out;
}

/**
 * How many folds the protocol makes with a first training window of at least minTrain rows, or
 * null when it cannot make two (default: the default protocol with that window).
 */
function minTrainFolds(
  series: TenantSeries,
  options: DataWarningOptions,
  minTrain: number,
): number | null {
  const make = options.foldsWithMinTrain ?? ((m: number) => defaultFolds(series, { minTrain: m }));
  const folds = make(minTrain);
  return folds !== null && folds.length >= 2 ? folds.length : null;
}

/** A channel that spends in the data but not on its last STOPPED_PERIODS periods or more. */
export interface StoppedChannel {
  channel: string;
  /** The date of its last period with spend. */
  last: string;
  /** Periods without spend at the end of the data. */
  idle: number;
}

/** The channels that stopped before the end of the data (STOPPED_PERIODS), in channel order. */
/** The first row with spend (-1 without any). */
export function firstSpendRow(spend: ArrayLike<number>): number {
  for (let t = 0; t < spend.length; t++) if (spend[t] > 0) return t;
  return -1;
}

/** Rows of [0, end) with spend. */
export function spendPeriods(spend: ArrayLike<number>, end: number): number {
  let count = 0;
  for (let t = 0; t < end; t++) if (spend[t] > 0) count++;
  return count;
}

export function stoppedChannels(series: TenantSeries): StoppedChannel[] {
  const need = STOPPED_PERIODS[series.frequency];
  return series.channels.flatMap((channel, c) => {
    const x = series.spend[c];
    let t = x.length - 1;
    while (t >= 0 && !(x[t] > 0)) t--;
    const idle = x.length - 1 - t;
    return t >= 0 && idle >= need ? [{ channel, last: series.dates[t], idle }] : [];
  });
}

function stoppedWarnings(series: TenantSeries): DataWarning[] {
  return stoppedChannels(series).map((s) => ({
    code: 'stopped_channel' as const,
    message:
      `channel "${s.channel}" has no spend on the last ${describePeriods(s.idle, series.frequency)} of the data ` +
      `(last on ${s.last}): its ROAS and response curve describe the time it ran, and a plan spends on it ` +
      `at its share of the last year's spend, restarting it; if it stays off, plan with a bound of 0 on it (${s.channel}=0:0)`,
  }));
}

/**
 * Controls that never move on a fold's training rows but do in its test block (an event or a
 * promotion that first happens there, a price change): the fold's model has no row to learn the
 * control's effect from, so that block's error is the change, not the model. At most one fold per
 * control: a later fold trains on the earlier one's test block.
 */
function unseenControlWarnings(series: TenantSeries, options: DataWarningOptions): DataWarning[] {
  const { folds } = options;
  const out: DataWarning[] = [];
  series.controls.forEach((values, c) => {
    const value = values[0];
    for (const f of folds) {
      let constant = true;
      for (let t = 1; t < f.trainEnd && constant; t++) constant = values[t] === value;
      if (!constant) return;
      let first = -1;
      for (let t = f.testStart; t < f.testEnd && first < 0; t++) if (values[t] !== value) first = t;
      if (first < 0) continue;
      // A step that stays to the end of the data (a new store, a price change) has no earlier
      // occurrence to give: the advice for it is a first fold that trains on some of its rows.
      let stays = true;
      for (let t = first + 1; t < values.length && stays; t++) stays = values[t] === values[first];
      const minTrain = first + LATE_START_TRAIN_PERIODS[series.frequency];
      const moved = stays ? minTrainFolds(series, options, minTrain) : null;
      const unit = series.frequency === 'daily' ? 'days' : 'weeks';
      out.push({
        code: 'unseen_control',
        message:
          `control "${series.controlNames[c]}" is ${value} on every training row of fold ${f.index + 1} of ${folds.length} ` +
          `but not in its test block (from ${series.dates[first]}): a model learns a control's effect only from ` +
          `training rows where it moves, so that fold cannot know what it does and its R² shows the change, not the model; ` +
          (stays
            ? `it is ${values[first]} from then to the end of the data, a step with no earlier occurrence, so read the folds that train after it` +
              (moved !== null
                ? `, or start the first fold ${LATE_START_TRAIN_PERIODS[series.frequency]} ${unit} after it with ${options.words.minTrain(minTrain)} (${moved} fold${moved === 1 ? '' : 's'})`
                : ' (no protocol starts its first fold after it and keeps two folds)')
            : `read the other folds' R², and give the model earlier occurrences (a past event of the same kind in the same column) if the history has them`),
      });
      return;
    }
  });
  return out;
}

/** A calendar counter: what it is, the period it counts, and its value on a YYYY-MM-DD date. */
type CalendarCounter = {
  what: string;
  unit: 'day' | 'week' | 'month';
  of: (date: string) => number;
};

/**
 * ISO 8601 week of the year (1-53): a week belongs to the year of its Thursday, and is that
 * Thursday's day of the year, counted in weeks (week 1 holds the year's first Thursday).
 */
function isoWeek(date: string): number {
  const thursday = isoFromDays(parseIsoDay(date) + 3 - dayOfWeek(date)); // dayOfWeek: Monday 0
  return Math.floor((dayOfYear(thursday) - 1) / 7) + 1;
}

const CALENDAR_COUNTERS: readonly CalendarCounter[] = [
  { what: "the date's day of the year", unit: 'day', of: dayOfYear },
  { what: "the date's day of the year counted from 0", unit: 'day', of: (d) => dayOfYear(d) - 1 },
  { what: "the date's week of the year", unit: 'week', of: isoWeek },
  { what: "the date's week of the year", unit: 'week', of: (d) => Math.ceil(dayOfYear(d) / 7) },
  { what: "the date's month", unit: 'month', of: (d) => Number(d.slice(5, 7)) },
];

/**
 * Controls that only restate the calendar: a time index (the same step every row) or the date's
 * day, week or month of the year. The model has its own trend and yearly terms, chosen for the
 * window they are fitted on (kept, held or left out); as a control the same information is one
 * straight line, extrapolated into every forecast, or a sawtooth that jumps back each new year.
 */
function calendarControlWarnings(series: TenantSeries, options: DataWarningOptions): DataWarning[] {
  const n = series.target.length;
  if (n < 3) return [];
  const isoDates = series.dates.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  const out: DataWarning[] = [];
  series.controls.forEach((values, c) => {
    const name = series.controlNames[c];
    const step = values[1] - values[0];
    let index = step !== 0;
    for (let t = 2; t < n && index; t++) {
      index = Math.abs(values[t] - values[0] - step * t) <= 1e-9 * (Math.abs(step) * n + 1);
    }
    const counter =
      index || !isoDates
        ? undefined
        : CALENDAR_COUNTERS.find((k) => series.dates.every((d, t) => values[t] === k.of(d)));
    if (!index && counter === undefined) return;
    const what = counter
      ? `${counter.what}: the model already has its own yearly season; as a control the column is a ` +
        `straight line in the ${counter.unit} that jumps back at each new year`
      : `a time index (it changes by the same step every row): the model already has its own trend, ` +
        `kept, held or left out as each training window supports it; as a control the column is a ` +
        `straight line carried into every forecast`;
    out.push({
      code: 'calendar_control',
      message:
        `control "${name}" is ${what}; ` +
        `leave it out with ${options.words.ignore(name)} unless it measures something else`,
    });
  });
  return out;
}

/**
 * A likely level shift in the target (level-shift.ts: a step from one date on that spend, weather,
 * controls, the yearly season, weekdays and a trend do not explain): folds that train before the
 * date and test after it forecast the old level. On a made-up daily file whose revenue doubles
 * from its 547th row, phase 3's folds scored 0.36, -22.7, -0.22, -0.14 with no word; with a 0/1
 * step control from that date, 0.35 in the mean. The advice names that control, or the rows to keep.
 */
function levelShiftWarnings(series: TenantSeries, options: DataWarningOptions): DataWarning[] {
  const shift = levelShift(series);
  if (shift === null) return [];
  const name = series.targetName;
  const per = series.frequency === 'weekly' ? 'a week' : 'a day';
  const sign = shift.step > 0 ? '+' : '-';
  const pct = `${sign}${Math.round(Math.abs(shift.relative) * 100)}%`;
  // Folds whose training rows hold less than a segment's worth of the new level while their test
  // block has some: they forecast the old level.
  const least = LEVEL_SHIFT_MIN_SEGMENT[series.frequency];
  const across = options.folds.filter(
    (f) => f.trainEnd - shift.row < least && f.testEnd > shift.row,
  );
  const folds =
    across.length === 0
      ? ''
      : `; fold${across.length === 1 ? '' : 's'} ${across.map((f) => f.index + 1).join(', ')} of ${options.folds.length} ` +
        `train${across.length === 1 ? 's' : ''} (almost) only before it and test${across.length === 1 ? 's' : ''} after it, so ${across.length === 1 ? 'its' : 'their'} R² can fall far below 0`;
  return [
    {
      code: 'level_shift',
      message:
        `"${name}" runs at another level from about ${shift.date} on: ${pct} (${sign}${formatSignificant(Math.abs(shift.step), 3)} ${per}) ` +
        `against the mean of the rows before it (${formatSignificant(shift.before, 3)}), beyond what spend, weather, controls, ` +
        `the yearly season, weekdays and a trend explain (the step takes ${Math.round(shift.partialR2 * 100)}% of the variation they leave): ` +
        `a relaunch, a new price, shop or market, or a change in what the column counts? A model fitted on rows before it forecasts the old level${folds}; ` +
        `if the change is real, add a control column that is 0 before ${shift.date} and 1 from it on (a 0/1 step), or import only the rows from ${shift.date} on`,
    },
  ];
}

/** Outages a sentence names by dates (the rest counted). */
const OUTAGES_NAMED = 3;

/**
 * The outages of a series in words, for the warning and explain's caveat: "to 3% of its level
 * (median 22.1k a day over the 28 days before) from 2023-03-17 to 2023-04-20 (35 days), while
 * spend was cut to 5%".
 */
export function describeOutages(series: TenantSeries, outages: readonly RevenueOutage[]): string {
  const unit = series.frequency === 'weekly' ? 'week' : 'day';
  const ref = `${OUTAGE_REFERENCE[series.frequency]} ${unit}s`;
  const one = (o: RevenueOutage) => {
    const rows = o.endRow - o.startRow + 1;
    const spend =
      o.spendRatio === null
        ? ''
        : o.spendRatio < 0.8
          ? `, while spend was cut to ${Math.round(o.spendRatio * 100)}%`
          : ', while spend went on';
    return (
      `to ${Math.round((o.mean / o.reference) * 100)}% of its level (median ${formatSignificant(o.reference, 3)} a ${unit} over the ${ref} before) ` +
      `from ${o.start} to ${o.end} (${rows} ${unit}s)${spend}`
    );
  };
  const named = outages.slice(0, OUTAGES_NAMED).map(one);
  const more = outages.length - named.length;
  return (
    named.join('; ') + (more > 0 ? `; and ${more} more such period${more === 1 ? '' : 's'}` : '')
  );
}

/** What the model does with an outage, and what to do (the warning's and the caveat's end). */
export function outageAdvice(outages: readonly RevenueOutage[]): string {
  const cut = outages.some((o) => o.spendRatio !== null && o.spendRatio < 0.8);
  return (
    'the model has no term for it and fits the drop with whatever moved then' +
    (cut
      ? " (the spend cut: every ROAS reads too high; an outside probe's 35-day closure read them 4-7 times the truth, none of the intervals holding it)"
      : ' (the season, the trend, the channels)') +
    '; if the shop was closed, add a control column that is 1 on those dates and 0 elsewhere (a 0/1 control) and import again; if the figures were lost, fill them in'
  );
}

/**
 * Runs of periods far below the level before them (core/revenue-outage.ts): a closure or lost
 * figures, which the model would read as the effect of the spend cut with it.
 */
function revenueOutageWarnings(series: TenantSeries): DataWarning[] {
  const outages = revenueOutages(series);
  if (outages.length === 0) return [];
  return [
    {
      code: 'revenue_outage',
      message:
        `"${series.targetName}" falls ${describeOutages(series, outages)}: a closure, a lockdown or figures lost? ` +
        outageAdvice(outages),
    },
  ];
}

/** Spend correlation at or above which two channels cannot be separated by the data at all. */
export const DUPLICATE_SPEND_CORRELATION = 0.99;

/** Two channels whose spend moves together so closely that the data cannot separate them. */
export interface InseparablePair {
  channels: [string, string];
  /** Spend correlation over the rows (1 for identical or proportional columns). */
  r: number;
  /** The same spend on every row. */
  identical: boolean;
}

/**
 * Pairs of channels with identical spend or spend correlated at DUPLICATE_SPEND_CORRELATION or
 * more (one channel exported twice, a channel and its sub-account, a fixed split of one budget):
 * the model can only split their joint effect arbitrarily (a made-up daily file with meta ==
 * facebook: facebook held at 0, meta ROAS 8.5, 83% of the revenue to media, and no word beyond the
 * "correlated" note). Channels with constant spend have no correlation and are left to their own
 * warning. Read by the import's warning and explain's and the plan's caveat.
 */
export function inseparableChannels(series: TenantSeries): InseparablePair[] {
  const out: InseparablePair[] = [];
  const C = series.channels.length;
  for (let i = 0; i < C; i++) {
    for (let j = i + 1; j < C; j++) {
      const a = series.spend[i];
      const b = series.spend[j];
      const identical = a.every((v, t) => v === b[t]);
      const r = correlation(a, b);
      if (identical ? a.some((v) => v !== a[0]) : r >= DUPLICATE_SPEND_CORRELATION) {
        out.push({ channels: [series.channels[i], series.channels[j]], r, identical });
      }
    }
  }
  return out;
}

/** "identical spend on every row" or "spend correlated at r = 0.995". */
export function describeInseparable(pair: InseparablePair): string {
  return pair.identical
    ? 'the same spend on every row'
    : `spend that moves together (r = ${pair.r >= 0.9995 ? '1.000' : pair.r.toFixed(3)})`;
}

function duplicateSpendWarnings(series: TenantSeries, options: DataWarningOptions): DataWarning[] {
  return inseparableChannels(series).map((pair) => {
    const [a, b] = pair.channels;
    const column = options.spendColumns?.[series.channels.indexOf(b)] ?? `${b}_spend`;
    return {
      code: 'duplicate_spend' as const,
      message:
        `channels "${a}" and "${b}" have ${describeInseparable(pair)}: the data cannot tell their effects apart, ` +
        `so the model's split of their joint effect between them is arbitrary, and neither one's figures nor the media total can be read; ` +
        `if they are one spend (a channel exported twice, or a channel and its sub-account), add them into one column, ` +
        `or leave one out with ${options.words.ignore(column)}`,
    };
  });
}

/**
 * Spend correlation at or above which (below DUPLICATE_SPEND_CORRELATION) two channels' split is
 * said at import: a probe's near-copy channel at r = 0.974 was silent until explain's
 * channels_correlated caveat, where its ROAS read 6.36 for a true 0.80 (session 62). The built-in
 * 20 and the shape suite stay below 0.86 (shape_daily_3y_correlated, budget factor 0.8).
 */
export const CORRELATED_SPEND_WARNING = 0.95;

/**
 * Pairs of channels whose spend correlates at CORRELATED_SPEND_WARNING or more but below
 * DUPLICATE_SPEND_CORRELATION (those are duplicate_spend's): the data read their joint effect
 * better than the split between them.
 */
function correlatedSpendWarnings(series: TenantSeries): DataWarning[] {
  const out: DataWarning[] = [];
  const C = series.channels.length;
  for (let i = 0; i < C; i++) {
    for (let j = i + 1; j < C; j++) {
      const a = series.spend[i];
      const b = series.spend[j];
      if (a.every((v) => v === a[0]) || b.every((v) => v === b[0])) continue;
      const r = correlation(a, b);
      if (!(r >= CORRELATED_SPEND_WARNING && r < DUPLICATE_SPEND_CORRELATION)) continue;
      const [x, y] = [series.channels[i], series.channels[j]];
      out.push({
        code: 'correlated_spend',
        message:
          `channels "${x}" and "${y}" have spend that moves together (r = ${r.toFixed(3)}): the data read their joint effect ` +
          `better than the split between them, so each one's ROAS and curve are weakly identified and can be off in opposite directions ` +
          `(explain gives their combined ROAS, the firmer figure); if they are one campaign, or one budget split in fixed shares, add them into one column`,
      });
    }
  }
  return out;
}

/**
 * Correlation of a control with a channel's spend at or above which the control is read as a
 * measure of the channel itself (its impressions, clicks or a share of its budget) rather than
 * something beside it. Impressions follow spend at 0.9-0.99 where the price per impression moves.
 */
export const CONTROL_FOLLOWS_SPEND_CORRELATION = 0.9;

/**
 * Controls that move with a channel's spend (CONTROL_FOLLOWS_SPEND_CORRELATION): Robyn's data carry
 * each channel's impressions beside its spend (`facebook_I` beside `facebook_S`), and read as a
 * control such a column is a second copy of the channel that the model splits the channel's effect
 * with, in a way the data cannot pin down (on a made-up weekly file with facebook impressions at
 * r = 0.98 to its spend, every channel's ROAS moved by 36-83%, facebook's from 3.40 to 4.61 for a
 * truth of 4, with no word).
 */
function controlFollowsSpendWarnings(
  series: TenantSeries,
  options: DataWarningOptions,
): DataWarning[] {
  const out: DataWarning[] = [];
  series.controls.forEach((x, k) => {
    if (x.every((v) => v === x[0])) return;
    let best = { c: -1, r: 0 };
    series.spend.forEach((s, c) => {
      if (s.every((v) => v === s[0])) return;
      const r = correlation(x, s);
      if (r > best.r) best = { c, r };
    });
    if (best.c < 0 || !(best.r >= CONTROL_FOLLOWS_SPEND_CORRELATION)) return;
    const name = series.controlNames[k];
    const channel = series.channels[best.c];
    out.push({
      code: 'control_follows_spend',
      message:
        `control "${name}" moves with the spend of channel "${channel}" (r = ${best.r >= 0.9995 ? '1.000' : best.r.toFixed(3)}): ` +
        `if it measures the channel itself (its impressions, clicks or a share of its budget), the model splits the channel's effect with it ` +
        `in a way the data cannot pin down, and "${channel}"'s ROAS and contribution cannot be read; leave it out with ${options.words.ignore(name)} ` +
        `unless it is something the spend does not drive`,
    });
  });
  return out;
}

/** Revenue and spend in different units (core/units.ts); the import's reader says it in its own words. */
function unitsMismatchWarnings(series: TenantSeries): DataWarning[] {
  const m = seriesUnitsMismatch(series);
  return m === null
    ? []
    : [{ code: 'units_mismatch', message: unitsMismatchWarning(series.targetName, m) }];
}

/**
 * The last row of weekly data is read as a partial week (an export made before the week ended)
 * when its target is below PARTIAL_LAST_PERIOD.share of the median of the PARTIAL_LAST_PERIOD.before
 * rows before it AND its total spend is too: a week cut after d of 7 days holds about d/7 of both,
 * so 0.6 catches a week cut after up to 4 days. Both must fall: a low week of revenue alone is
 * the season or the weather, and of spend alone a paused campaign; a week with no spend at all
 * is a dark week, not a cut one. Daily data is not checked:
 * a day's revenue and spend swing with the weekday, the weather and flighting far more than a
 * week's, and a day cut short is one row in hundreds.
 */
export const PARTIAL_LAST_PERIOD = { share: 0.6, before: 8 } as const;

/** A last row that looks like part of a week only, with its shares of the weeks before it. */
export interface PartialLastPeriod {
  date: string;
  target: number;
  targetMedian: number;
  spend: number;
  spendMedian: number;
}

/** The weekly series' last row when it looks like a partial week (PARTIAL_LAST_PERIOD), else null. */
export function partialLastPeriod(series: TenantSeries): PartialLastPeriod | null {
  const { before, share } = PARTIAL_LAST_PERIOD;
  const n = series.target.length;
  if (series.frequency !== 'weekly' || n < before + 1 || series.spend.length === 0) return null;
  const spendAt = (t: number) => series.spend.reduce((sum, x) => sum + x[t], 0);
  const rows = Array.from({ length: before }, (_, i) => n - 1 - before + i);
  const targetMedian = median(rows.map((t) => series.target[t]));
  const spendMedian = median(rows.map(spendAt));
  const target = series.target[n - 1];
  const spend = spendAt(n - 1);
  if (!(targetMedian > 0 && spendMedian > 0)) return null;
  // No spend at all is a dark week, not a cut one (an export cut short holds its days' spend).
  if (!(spend > 0 && target < share * targetMedian && spend < share * spendMedian)) return null;
  return { date: series.dates[n - 1], target, targetMedian, spend, spendMedian };
}

function partialLastPeriodWarnings(series: TenantSeries): DataWarning[] {
  const p = partialLastPeriod(series);
  if (p === null) return [];
  const pct = (x: number, of: number) => `${Math.round((100 * x) / of)}%`;
  return [
    {
      code: 'partial_last_period',
      message:
        `the last row (${p.date}) may be a partial week: its "${series.targetName}" ` +
        `(${formatSignificant(p.target, 3)}) is ${pct(p.target, p.targetMedian)} of the median of the ${PARTIAL_LAST_PERIOD.before} weeks before it ` +
        `(${formatSignificant(p.targetMedian, 3)}) and its total spend (${formatSignificant(p.spend, 3)}) ${pct(p.spend, p.spendMedian)} of theirs ` +
        `(${formatSignificant(p.spendMedian, 3)}), as in an export made before the week ended; the model reads it as a whole week ` +
        `of low spend and low revenue, and a plan's carry-over starts from it; if the week was not complete, drop the row, ` +
        `or import the file again once the week is complete`,
    },
  ];
}
