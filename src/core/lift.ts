/**
 * Lift tests (experiments) on a tenant's channels, and the counterfactual spend they describe.
 *
 * A lift test says: over the dates [start, end] (inclusive), the channel's spend was changed by
 * `spend_change` in total (negative for a hold-out or go-dark test, positive for a boost), and
 * the experiment measured `incremental_revenue` (same sign convention: revenue with the change
 * minus revenue without it, over the same dates) with standard error `standard_error`.
 * The model-implied lift of the same test is computed on the tenant's series: the channel's
 * daily spend in the window is scaled so that its total changes by spend_change (spread evenly
 * when the channel spent nothing there), and the predicted revenue difference is summed over
 * the window. Carry-over beyond the window is not counted on either side.
 */
import { canonicalChannel } from './channel-names.js';
import { isoFromDays, parseIsoDay } from './csv/dates.js';
import { channelOfSpendColumn } from './csv/roles.js';
import type { TenantSeries } from './types.js';

export interface LiftTest {
  channel: string;
  /** First day of the test, YYYY-MM-DD (inclusive). */
  start: string;
  /** Last day of the test, YYYY-MM-DD (inclusive). */
  end: string;
  /** Change in the channel's total spend over the window (currency; negative = hold-out). */
  spend_change: number;
  /** Measured incremental revenue over the window (revenue with the change minus without). */
  incremental_revenue: number;
  /** Standard error of incremental_revenue (> 0). */
  standard_error: number;
  /** The id it is stored under (`lift list`), for messages; absent for tests not stored. */
  id?: number;
}

/** Rows [from, to) of the series whose dates fall in [start, end]. */
export interface LiftWindow {
  from: number;
  to: number;
}

/** Checks one test's own fields (not against a series); throws a RangeError saying what is wrong. */
export function checkLiftTest(t: LiftTest): void {
  if (typeof t.channel !== 'string' || t.channel === '')
    throw new RangeError('channel must be a non-empty name');
  for (const [name, d] of [
    ['start', t.start],
    ['end', t.end],
  ] as const) {
    if (typeof d !== 'string' || Number.isNaN(parseIsoDay(d)))
      throw new RangeError(`${name}_date ${String(d)} is not a calendar date YYYY-MM-DD`);
  }
  if (!(t.start <= t.end))
    throw new RangeError(`start_date ${t.start} must not be after end_date ${t.end}`);
  if (!(Number.isFinite(t.spend_change) && t.spend_change !== 0))
    throw new RangeError(`spend_change must be a finite non-zero number (got ${t.spend_change})`);
  if (!Number.isFinite(t.incremental_revenue))
    throw new RangeError(`incremental_revenue must be finite (got ${t.incremental_revenue})`);
  if (!(Number.isFinite(t.standard_error) && t.standard_error > 0))
    throw new RangeError(`standard_error must be a finite number > 0 (got ${t.standard_error})`);
}

/**
 * The rows of a test's window. ISO dates compare as strings, so a binary search over the sorted
 * dates suffices. Throws when the channel is unknown or the window holds no row of the series.
 */
export function liftWindow(series: TenantSeries, t: LiftTest): LiftWindow {
  checkLiftTest(t);
  if (!series.channels.includes(t.channel)) {
    throw new RangeError(
      `channel "${t.channel}" is not a channel of tenant ${series.tenant} (${series.channels.join(', ')})${channelHint(t.channel, series.channels)}`,
    );
  }
  const lower = (d: string): number => {
    let lo = 0;
    let hi = series.dates.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (series.dates[mid] < d) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const from = lower(t.start);
  let to = lower(t.end);
  if (to < series.dates.length && series.dates[to] === t.end) to++;
  if (to <= from) {
    const { first, last } = dataSpan(series);
    throw new RangeError(
      `the window ${t.start}..${t.end} holds no row of tenant ${series.tenant} (data ${first}..${last})${weeklyRowsHint(series, t)}`,
    );
  }
  return { from, to };
}

/**
 * Where an unknown channel names a channel of the data as its spend column does (`meta_spend`,
 * `Meta Spend` for meta): which one was meant. Empty otherwise.
 */
export function channelHint(name: string, channels: readonly string[]): string {
  const stripped = channelOfSpendColumn(name);
  if (stripped === name) return '';
  const channel = canonicalChannel(stripped, channels);
  if (!channels.includes(channel)) return '';
  return `; did you mean ${channel}? A test names the channel, not its spend column`;
}

/**
 * The data's first and last day (a weekly row dated d covers d..d+6): every message about a
 * tenant's span names it so (the last week's row date was shown by some and its last day by
 * others, two spans for the same data).
 */
export function dataSpan(series: TenantSeries): { first: string; last: string } {
  const n = series.dates.length;
  const lastRow = series.dates[n - 1];
  const last = series.frequency === 'weekly' ? isoFromDays(parseIsoDay(lastRow) + 6) : lastRow;
  return { first: series.dates[0], last };
}

/**
 * On weekly data, for a window inside the data's days that holds no row's date (a Tuesday to a
 * Saturday over weeks dated Mondays): how windows are read. Empty otherwise.
 */
export function weeklyRowsHint(series: TenantSeries, t: LiftTest): string {
  if (series.frequency !== 'weekly') return '';
  const { first, last } = dataSpan(series);
  if (t.start < first || t.end > last) return '';
  return `; the rows of this weekly data are weeks dated ${series.dates[0]}, ${series.dates[1] ?? '...'}, ...: give the window in whole weeks (start_date a row's date, end_date 6 days after a row's)`;
}

/**
 * A window that runs past the data (starts before its first day or ends after its last): the
 * model's lift sums the window's rows inside the data only, while the test's spend change and
 * lift cover the whole window, so they would be set against part of the test's days, silently.
 * The column to blame and what to do, or null when the window lies inside the data.
 */
export function liftWindowOutsideData(
  series: TenantSeries,
  t: LiftTest,
  w = liftWindow(series, t),
): { column: 'start_date' | 'end_date'; message: string } | null {
  const { first, last } = dataSpan(series);
  const before = t.start < first;
  const after = t.end > last;
  if (!before && !after) return null;
  const rows = w.to - w.from;
  const unit = series.frequency === 'weekly' ? 'week' : 'day';
  const where =
    before && after ? 'starts before and ends after' : before ? 'starts before' : 'ends after';
  return {
    column: before ? 'start_date' : 'end_date',
    message:
      `the window ${t.start}..${t.end} ${where} tenant ${series.tenant}'s data (${first}..${last}): ` +
      `the model sees only the ${rows} ${unit}${rows === 1 ? '' : 's'} of it inside the data, while the test's spend change and lift cover the whole window; ` +
      'record a test whose window lies inside the data (or import data that covers the window)',
  };
}

/** A test takes the channel's spend (nearly) to zero in its window from this share of it on. */
export const GO_DARK_SHARE = 0.9;

/**
 * Whether a test is a go-dark: a cut of at least GO_DARK_SHARE of the channel's spend in its window,
 * or a go-dark the data already hold recorded as the spend it held back (a positive change where
 * the data's own spend in the window is at most 1 - GO_DARK_SHARE of it: docs/calibration.md). A
 * go-dark measures the window's average return; a boost or a part cut, the return at the margin.
 */
export function isGoDark(series: TenantSeries, t: LiftTest, w = liftWindow(series, t)): boolean {
  const spend = series.spend[series.channels.indexOf(t.channel)];
  if (!spend || t.spend_change === 0) return false;
  let inWindow = 0;
  for (let i = w.from; i < w.to; i++) inWindow += spend[i];
  return t.spend_change < 0
    ? -t.spend_change >= GO_DARK_SHARE * inWindow
    : inWindow <= (1 - GO_DARK_SHARE) * t.spend_change;
}

/**
 * A test the data give nothing to set against: a channel with no spend anywhere in the data (the
 * model has no effect of it to estimate, so its lift is 0 +- 0 whatever the test says: a boost on
 * such a channel was recorded, and explain then called it a conflict with the uncalibrated model's
 * own interval, "data LR = 0.0, p = 1.0e+0", and told the user to check the experiment), or a
 * spend cut in a window where the channel spent nothing (there was no spend to remove). The
 * column to blame and what to do, or null. A boost in a window without spend, of a channel that
 * spent elsewhere in the data, is a test of the model's curve there, and is kept.
 */
export function liftNoSpendProblem(
  series: TenantSeries,
  t: LiftTest,
  w = liftWindow(series, t),
): { column: 'channel' | 'spend_change'; message: string } | null {
  const spend = series.spend[series.channels.indexOf(t.channel)];
  let total = 0;
  for (let i = 0; i < spend.length; i++) total += spend[i];
  if (!(total > 0)) {
    const { first, last } = dataSpan(series);
    return {
      column: 'channel',
      message:
        `${t.channel} has no spend anywhere in tenant ${series.tenant}'s data (${first}..${last}): ` +
        'the model has nothing to estimate its effect from, so a lift test on it can neither calibrate ' +
        'it nor be checked against it; import data in which the channel spends, then record the test',
    };
  }
  if (t.spend_change > 0) return null;
  let inWindow = 0;
  for (let i = w.from; i < w.to; i++) inWindow += spend[i];
  if (inWindow > 0) return null;
  return {
    column: 'spend_change',
    message:
      `spend_change ${t.spend_change} cuts ${t.channel}'s spend in ${t.start}..${t.end}, but ${t.channel} ` +
      'spent nothing there in the data: a hold-out can only remove spend that ran. If the data already hold the ' +
      "go-dark (the test's own weeks without spend), record what the test took away as what the data lack: " +
      'spend_change = the spend it held back and incremental_revenue = the revenue that cost, both positive ' +
      '(docs/calibration.md, spend_change); otherwise check the window (dates inside the time the channel ran) and the channel',
  };
}

/**
 * Where a test's lift has the opposite sign of its spend change by more than two standard errors:
 * a cut that raised revenue, or a boost that lowered it, says the channel's return is negative,
 * which is more often a sign written the other way (docs/calibration.md: a hold-out that lost
 * revenue is negative). Null otherwise. Recorded as given: explain's conflict test judges it.
 */
export function liftSignNote(t: LiftTest): string | null {
  if (t.spend_change * t.incremental_revenue >= 0) return null;
  if (Math.abs(t.incremental_revenue) <= 2 * t.standard_error) return null;
  const what =
    t.spend_change < 0
      ? 'a spend cut that raised revenue'
      : 'a spend increase that lowered revenue';
  return (
    `${t.channel} ${t.start}..${t.end}: spend_change ${t.spend_change} with incremental_revenue ${t.incremental_revenue} is ${what} ` +
    `(a negative return); if the test lost revenue when spend was cut, incremental_revenue is negative: check the signs`
  );
}

/**
 * Bounds of a test's implied window ROAS, |incremental_revenue / spend_change|, outside which
 * `lift add` warns of a unit mix-up (docs/calibration.md). Below MIN_LIFT_ROAS (1 cent per unit
 * of spend) is what a ROAS typed as incremental_revenue gives (5.45 against a spend change of
 * -57334: 0.0001). Above MAX_LIFT_ROAS_MULTIPLE times the window's revenue per unit of all
 * channels' spend is what a per-day spend change for a multi-day window gives (-1023.8 per day for
 * a 56-day test: 24 times). 60 simulated honest tests on 10 generated tenants measured 0.10-0.55
 * times that ratio (0.80 for a test biased 2x).
 */
export const MIN_LIFT_ROAS = 0.01;
export const MAX_LIFT_ROAS_MULTIPLE = 10;

/**
 * Where a test's implied window ROAS is implausible against the data (MIN_LIFT_ROAS,
 * MAX_LIFT_ROAS_MULTIPLE): what it is and the likely mix-up. Null otherwise. Recorded as given (a
 * test that truly found next to no lift is legitimate): explain's conflict test judges it, but
 * only later, and until this note the first word of the mix-up came from there.
 */
export function liftRoasNote(
  series: TenantSeries,
  t: LiftTest,
  w = liftWindow(series, t),
): string | null {
  const roas = Math.abs(t.incremental_revenue / t.spend_change);
  const implied = `implies a window ROAS |incremental_revenue / spend_change| of ${roas.toPrecision(3)}`;
  const what = `${t.channel} ${t.start}..${t.end}: spend_change ${t.spend_change} with incremental_revenue ${t.incremental_revenue}`;
  if (roas < MIN_LIFT_ROAS) {
    return (
      `${what} ${implied}, below ${MIN_LIFT_ROAS}: if incremental_revenue is a ROAS (revenue per unit of spend), ` +
      `give the revenue over the window instead (ROAS x spend_change); if the test truly found next to no lift, keep it`
    );
  }
  let revenue = 0;
  let spend = 0;
  for (let i = w.from; i < w.to; i++) {
    revenue += Math.abs(series.target[i]);
    for (const x of series.spend) spend += x[i];
  }
  if (!(spend > 0)) return null;
  const blended = revenue / spend;
  if (roas <= MAX_LIFT_ROAS_MULTIPLE * blended) return null;
  const periods = w.to - w.from;
  const unit = series.frequency === 'weekly' ? 'week' : 'day';
  const perPeriod =
    periods > 1
      ? `; if spend_change is the change per ${unit}, give the change over the whole window (${periods} ${unit}s: ${periods} times larger)`
      : '';
  return (
    `${what} ${implied}, more than ${MAX_LIFT_ROAS_MULTIPLE} times the revenue per unit of all channels' spend in the window (${blended.toPrecision(3)})${perPeriod}; ` +
    'if incremental_revenue is in other units (cents, thousands) than spend_change, give both in the same currency'
  );
}

/**
 * How close a cut's |spend_change| must be to the channel's mean spend per period in the window
 * for liftPerPeriodNote to read it as a per-period figure (a relative tolerance).
 */
export const PER_PERIOD_TOLERANCE = 0.15;

/**
 * Where a cut over a window of three periods or more changes the channel's spend by about its mean
 * spend per period there (within PER_PERIOD_TOLERANCE): the change per day or week typed for the
 * change over the window. liftRoasNote catches that where the window is long enough to make the
 * window ROAS implausible (a 56-day test: 56 times), not on weekly windows of 4-8 weeks (probe s70:
 * -9,397, one week of an 8-week go-dark of -75,176, a window ROAS of 18.1 under its 10x bound),
 * which the data can show directly: the window's spend is in them. Null otherwise, and for a
 * boost (the data hold no spend that was added).
 */
export function liftPerPeriodNote(
  series: TenantSeries,
  t: LiftTest,
  w = liftWindow(series, t),
): string | null {
  const c = series.channels.indexOf(t.channel);
  const periods = w.to - w.from;
  // Two periods: a half cut is one period's spend, a test design too common to question.
  if (c < 0 || periods < 3 || !(t.spend_change < 0)) return null;
  let total = 0;
  for (let i = w.from; i < w.to; i++) total += series.spend[c][i];
  const perPeriod = total / periods;
  if (!(perPeriod > 0)) return null;
  if (Math.abs(-t.spend_change / perPeriod - 1) > PER_PERIOD_TOLERANCE) return null;
  const unit = series.frequency === 'weekly' ? 'week' : 'day';
  return (
    `${t.channel} ${t.start}..${t.end}: spend_change ${t.spend_change} is about ${t.channel}'s mean spend per ${unit} in the window ` +
    `(${perPeriod.toFixed(2)} of ${total.toFixed(2)} over its ${periods} ${unit}s): if it is the change per ${unit}, give the change over the whole window ` +
    `(a go-dark: -${total.toFixed(2)}); if the test truly cut about 1/${periods} of the spend, keep it`
  );
}

/**
 * On weekly data, where a test's window is not whole weeks: what it is read as. A row dated d is
 * the week d..d+6, and the window holds the rows dated in it (liftWindow), so a window from a
 * Saturday to a Thursday leaves out the week it starts in and takes the last week whole: the
 * spend change and lift are then set against other days than the test's, silently. Null on daily
 * data and for whole weeks.
 */
export function weeklyWindowNote(series: TenantSeries, t: LiftTest, w = liftWindow(series, t)) {
  const read = weeksRead(series, t, w);
  if (read === null) return null;
  const one = read.weeks === 1;
  return (
    `${t.channel} ${t.start}..${t.end} is not whole weeks of this weekly data: it is read as the ${read.text}, ` +
    `with the test's spend change and lift set against ${one ? 'that week' : 'those weeks'}; ` +
    `if the test ran on other days, give its window in whole weeks (start_date a row's date, end_date 6 days after a row's)`
  );
}

/**
 * The weeks a weekly window that is not whole weeks is read as (`week dated 2023-06-05
 * (2023-06-05..2023-06-11)`, `3 weeks dated 2023-06-05..2023-06-19 (2023-06-05..2023-06-25)`),
 * or null on daily data and whole weeks.
 */
function weeksRead(
  series: TenantSeries,
  t: LiftTest,
  w: LiftWindow,
): { weeks: number; text: string } | null {
  if (series.frequency !== 'weekly') return null;
  const first = series.dates[w.from];
  const last = isoFromDays(parseIsoDay(series.dates[w.to - 1]) + 6);
  if (first === t.start && last === t.end) return null;
  const weeks = w.to - w.from;
  return {
    weeks,
    text: `${weeks === 1 ? 'week' : `${weeks} weeks`} dated ${first}${weeks === 1 ? '' : `..${series.dates[w.to - 1]}`} (${first}..${last})`,
  };
}

/** ", read as the weeks dated ..." for a spend figure of other days than the ones typed (probe s53). */
const readAs = (read: { text: string } | null): string =>
  read ? `, read as the ${read.text}` : '';

/**
 * How far a cut may exceed the window's spend in the data and still be read as the whole of it:
 * half a cent per row, the rounding of spend figures written to the cent (an outside MCP probe,
 * session 70: a go-dark of -254,470.37 from unrounded spend against the CSV's 254,470.35 was
 * refused, and the call's other test with it).
 */
export const SPEND_ROUNDING_PER_ROW = 0.005;

/**
 * The channel's spend with the test applied: window spend scaled by 1 + spend_change / window
 * total (or spend_change spread evenly when the window total is 0). Throws when the cut is larger
 * than what was spent in the window beyond the spend figures' rounding (SPEND_ROUNDING_PER_ROW).
 */
export function liftSpend(
  series: TenantSeries,
  t: LiftTest,
  w = liftWindow(series, t),
): Float64Array {
  const c = series.channels.indexOf(t.channel);
  const spend = Float64Array.from(series.spend[c]);
  let total = 0;
  for (let i = w.from; i < w.to; i++) total += spend[i];
  const rounding = SPEND_ROUNDING_PER_ROW * (w.to - w.from);
  if (t.spend_change < 0 && -t.spend_change > total * (1 + 1e-9) + rounding) {
    throw new RangeError(
      `spend_change ${t.spend_change} cuts more than the ${t.channel} spend in ${t.start}..${t.end}${readAs(weeksRead(series, t, w))} (${total.toFixed(2)})`,
    );
  }
  if (total > 0) {
    const factor = Math.max(0, 1 + t.spend_change / total);
    for (let i = w.from; i < w.to; i++) spend[i] *= factor;
  } else {
    const each = t.spend_change / (w.to - w.from);
    for (let i = w.from; i < w.to; i++) spend[i] += each;
  }
  return spend;
}

/**
 * Smallest standard error accepted, as a share of the revenue in the test's window: 0.01%. No
 * experiment measures incremental revenue that precisely (revenue's own day-to-day noise is
 * larger), and calibration weights a test by 1/SE^2: a standard error of 1e-6 on a 28-day window
 * of 870k revenue made the calibrated Ridge system singular, so explain failed for the tenant.
 */
export const MIN_LIFT_SE_SHARE = 1e-4;

/**
 * Throws a RangeError when the test's standard error is below MIN_LIFT_SE_SHARE of the revenue
 * in its window (a standard error given as a share, or a typo, rather than in currency).
 */
export function checkLiftPrecision(
  series: TenantSeries,
  t: LiftTest,
  w = liftWindow(series, t),
): void {
  let revenue = 0;
  for (let i = w.from; i < w.to; i++) revenue += Math.abs(series.target[i]);
  const floor = MIN_LIFT_SE_SHARE * revenue;
  if (t.standard_error < floor) {
    throw new RangeError(
      `standard_error ${t.standard_error} is below 0.01% of the revenue in ${t.start}..${t.end} (${revenue.toFixed(2)}): no experiment measures incremental revenue that precisely; give the standard error in currency (at least ${roundedUp(floor)})`,
    );
  }
}

/**
 * A positive figure rounded up to three significant digits (whole numbers from 100 up), as plain
 * decimals: the floor shown must be accepted when given back (398.28 was shown as "398", which
 * the same check then refused).
 */
function roundedUp(x: number): string {
  const decimals = Math.max(0, 2 - Math.floor(Math.log10(x)));
  const scale = 10 ** decimals;
  let up = Math.ceil(x * scale) / scale;
  // x * scale can round down to a whole number below x's; one step more is still at most 1% over.
  if (up < x) up = (Math.round(up * scale) + 1) / scale;
  return up.toFixed(decimals);
}

/**
 * Largest size of a test's figures against the data, as a multiple: a spend boost's spend per
 * period against the largest spend per period any channel has in the data, and |incremental
 * revenue| or the standard error against the revenue in the test's window. Beyond it the figure
 * is a unit or typing mistake (a boost of 1e300 made the calibrated system singular, and explain
 * failed for the tenant until the test was deleted), and no model fitted on the data can say
 * what spend that far outside it would do.
 */
export const MAX_LIFT_MULTIPLE = 100;

/**
 * The first figure of a test out of scale with the data (MAX_LIFT_MULTIPLE), as the column to
 * blame and a message that says what to do; null when every figure is in scale.
 */
export function liftScaleProblem(
  series: TenantSeries,
  t: LiftTest,
  w = liftWindow(series, t),
): { column: 'spend_change' | 'incremental_revenue' | 'standard_error'; message: string } | null {
  const periods = w.to - w.from;
  let largestSpend = 0;
  for (const x of series.spend)
    for (let i = 0; i < x.length; i++) largestSpend = Math.max(largestSpend, x[i]);
  let revenue = 0;
  for (let i = w.from; i < w.to; i++) revenue += Math.abs(series.target[i]);
  const unit = series.frequency === 'weekly' ? 'week' : 'day';
  const perPeriod = t.spend_change / periods;
  if (t.spend_change > 0 && perPeriod > MAX_LIFT_MULTIPLE * largestSpend) {
    return {
      column: 'spend_change',
      message:
        `spend_change ${t.spend_change} adds ${perPeriod.toPrecision(3)} per ${unit} over the ${periods} ${unit}s of ${t.start}..${t.end}, ` +
        `more than ${MAX_LIFT_MULTIPLE} times the largest spend per ${unit} of any channel in the data (${largestSpend.toPrecision(3)}): ` +
        'check its units (currency, the change over the whole window); no model of these data can say what that much spend does',
    };
  }
  const limit = MAX_LIFT_MULTIPLE * revenue;
  for (const column of ['incremental_revenue', 'standard_error'] as const) {
    const v = t[column];
    if (Math.abs(v) > limit) {
      return {
        column,
        message:
          `${column} ${v} is more than ${MAX_LIFT_MULTIPLE} times the revenue in ${t.start}..${t.end} (${revenue.toPrecision(3)}): ` +
          'check its units (currency, over the whole window)',
      };
    }
  }
  return null;
}

/** The series with one channel's spend replaced (other arrays shared, not copied). */
export function withChannelSpend(
  series: TenantSeries,
  channel: string,
  spend: Float64Array,
): TenantSeries {
  const c = series.channels.indexOf(channel);
  return { ...series, spend: series.spend.map((x, j) => (j === c ? spend : x)) };
}
