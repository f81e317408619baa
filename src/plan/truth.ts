/**
 * The data generator's own response for future periods, for ground-truth regret: each channel's
 * true effect beta (1 + gamma driver_t) Hill(adstock_t; k, s) with the driver index computed from
 * the outlook's weather by the generator's formulas, starting from the true adstock left by the
 * observed spend. The non-media baseline is left at 0: it does not depend on the plan, so true
 * incremental revenue (plan minus no spend) is all that regret needs.
 */
import { driverIndexSeries, mediaEffect, type DriverMix } from '../core/data/index.js';
import { geometricAdstock } from '../core/transforms.js';
import type { SyntheticTenant } from '../core/types.js';
import { memberColumn, type Outlook } from './outlook.js';
import type { SeparableResponse } from './response.js';

function column(
  outlook: Outlook,
  name: string,
  names?: Readonly<Record<string, string>>,
  /** Past year m of the outlook's members (memberColumn); absent: the outlook's weather. */
  member?: number,
): Float64Array {
  const j = outlook.weatherNames.indexOf(names?.[name] ?? name);
  // A driver that needs a column the outlook lacks gets 0 weight from it only if its mix weight is 0.
  if (j < 0) return new Float64Array(outlook.dates.length);
  return member === undefined ? outlook.weather[j] : memberColumn(outlook, member, j);
}

/**
 * The true driver index per period: under the outlook's weather, or (past years kept apart,
 * Outlook.members) the mean of its value under each year's weather, as the true effect is linear
 * in the driver and the driver is not linear in the weather.
 */
function outlookDriver(
  mix: DriverMix,
  outlook: Outlook,
  names?: Readonly<Record<string, string>>,
  /** Each column as the driver reads it (weekly rows spread over their days); default as given. */
  perPeriod: (x: Float64Array) => Float64Array = (x) => x,
): Float64Array {
  const at = (member?: number): Float64Array =>
    driverIndexSeries(
      mix,
      perPeriod(column(outlook, 'temperature_c', names, member)),
      perPeriod(column(outlook, 'precipitation_mm', names, member)),
      perPeriod(column(outlook, 'humidity_pct', names, member)),
    );
  const count = outlook.members?.length ?? 0;
  if (count < 2) return at();
  let mean: Float64Array | null = null;
  for (let m = 0; m < count; m++) {
    const d = at(m);
    mean ??= new Float64Array(d.length);
    for (let t = 0; t < d.length; t++) mean[t] += d[t] / count;
  }
  return mean!;
}

/** Columns the true driver index reads for this mix. */
export function truthWeatherNames(mix: DriverMix): string[] {
  const out: string[] = [];
  if (mix.cold !== 0 || mix.heat !== 0) out.push('temperature_c');
  if (mix.rain !== 0) out.push('precipitation_mm', 'humidity_pct');
  return out;
}

export function truthResponse(
  tenant: SyntheticTenant,
  mix: DriverMix,
  outlook: Outlook,
  horizon: number,
  tail: number,
): SeparableResponse {
  const rows = horizon + tail;
  if (outlook.dates.length < rows) throw new RangeError(`outlook must have ${rows} rows`);
  const driver = outlookDriver(mix, outlook);
  const n = tenant.series.dates.length;
  const ch = tenant.truth.channels;
  return {
    channels: ch.map((c) => c.channel),
    horizon,
    tail,
    base: new Float64Array(rows),
    gain: ch.map((c) =>
      Float64Array.from({ length: rows }, (_, t) => c.beta * (1 + c.gamma * driver[t])),
    ),
    decay: ch.map((c) => c.decay),
    k: ch.map((c) => c.hillK),
    s: ch.map((c) => c.hillS),
    start: ch.map((c, i) => geometricAdstock(tenant.series.spend[i], c.decay)[n - 1]),
  };
}

/** Periods after the horizon until every channel's carry-over is below 1% (capped). */
export function tailLength(decays: readonly number[], cap: number): number {
  const d = Math.max(0, ...decays);
  if (d <= 0) return 0;
  return Math.min(cap, Math.ceil(Math.log(0.01) / Math.log(d)));
}

/** What weeklyTruth returns: the true incremental revenue of a weekly plan's spend. */
export interface WeeklyTruth {
  channels: string[];
  /** Weeks with planned spend. */
  horizon: number;
  /** Days after the horizon whose carry-over revenue counts. */
  tailDays: number;
  /** True incremental revenue of weekly spend (spend[c] has `horizon` entries). */
  incremental(spend: readonly ArrayLike<number>[]): number;
}

/** Days after the last spend until every channel's true carry-over is below 1% (a year at most). */
export function truthTailDays(tenant: SyntheticTenant): number {
  const ch = (tenant.daily ?? tenant).truth.channels;
  const lag = Math.max(0, ...ch.map((c) => (c.adstock === 'delayed' ? (c.maxLag ?? 0) : 0)));
  return Math.min(
    365,
    lag +
      tailLength(
        ch.map((c) => c.decay),
        365,
      ),
  );
}

/**
 * Ground truth of a plan on a weekly shape tenant (shapes.ts makes it from a daily draw and keeps
 * that draw as `tenant.daily`): the true incremental revenue of weekly spend. Each week's spend is
 * spread evenly over its 7 days and each outlook week's weather is every one of its days' weather;
 * the generator's own daily media effect (mediaEffect: its carry-over, saturation and weather
 * gain) then runs over the daily history followed by those days, so the plan starts from the state
 * the history left (delayed adstock too), and the effect of the days after the history is summed
 * (over the horizon and a tail of `tailDays(tenant)` days) less that of spending nothing.
 */
export function weeklyTruth(
  tenant: SyntheticTenant,
  mix: DriverMix,
  outlook: Outlook,
  horizon: number,
): WeeklyTruth {
  const daily = tenant.daily;
  if (tenant.series.frequency !== 'weekly' || !daily) {
    throw new RangeError('weeklyTruth needs a weekly shape tenant with its daily draw');
  }
  const tailDays = truthTailDays(tenant);
  const days = 7 * horizon + tailDays;
  const weeks = Math.ceil(days / 7);
  if (outlook.dates.length < weeks) throw new RangeError(`outlook must have ${weeks} rows`);
  const names = tenant.truth.shape?.weatherColumns;
  const perDay = (x: Float64Array): Float64Array =>
    Float64Array.from({ length: days }, (_, d) => x[Math.floor(d / 7)]);
  const future = outlookDriver(mix, outlook, names, perDay);
  const n = daily.series.dates.length;
  const driver = new Float64Array(n + days);
  driver.set(daily.truth.driverIndex);
  driver.set(future, n);
  const params = daily.truth.channels;
  // Revenue of the days after the history with the given daily spend after it, per channel.
  const after = (c: number, weekly: ArrayLike<number> | null): number => {
    const x = new Float64Array(n + days);
    x.set(daily.series.spend[c]);
    if (weekly) for (let d = 0; d < 7 * horizon; d++) x[n + d] = weekly[Math.floor(d / 7)] / 7;
    const effect = mediaEffect(params[c], x, driver);
    let s = 0;
    for (let t = n; t < n + days; t++) s += effect[t];
    return s;
  };
  const zero = params.map((_, c) => after(c, null));
  return {
    channels: params.map((c) => c.channel),
    horizon,
    tailDays,
    incremental: (spend) => params.reduce((acc, _, c) => acc + after(c, spend[c]) - zero[c], 0),
  };
}
