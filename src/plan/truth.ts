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
import type { Outlook } from './outlook.js';
import type { SeparableResponse } from './response.js';

function column(
  outlook: Outlook,
  name: string,
  names?: Readonly<Record<string, string>>,
): Float64Array {
  const j = outlook.weatherNames.indexOf(names?.[name] ?? name);
  // A driver that needs a column the outlook lacks gets 0 weight from it only if its mix weight is 0.
  return j >= 0 ? outlook.weather[j] : new Float64Array(outlook.dates.length);
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
  const driver = driverIndexSeries(
    mix,
    column(outlook, 'temperature_c'),
    column(outlook, 'precipitation_mm'),
    column(outlook, 'humidity_pct'),
  );
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
  const future = driverIndexSeries(
    mix,
    perDay(column(outlook, 'temperature_c', names)),
    perDay(column(outlook, 'precipitation_mm', names)),
    perDay(column(outlook, 'humidity_pct', names)),
  );
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
