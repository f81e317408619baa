/**
 * The data generator's own response for future periods, for ground-truth regret: each channel's
 * true effect beta (1 + gamma driver_t) Hill(adstock_t; k, s) with the driver index computed from
 * the outlook's weather by the generator's formulas, starting from the true adstock left by the
 * observed spend. The non-media baseline is left at 0: it does not depend on the plan, so true
 * incremental revenue (plan minus no spend) is all that regret needs.
 */
import { driverIndexSeries, type DriverMix } from '../core/data/index.js';
import { geometricAdstock } from '../core/transforms.js';
import type { SyntheticTenant } from '../core/types.js';
import type { Outlook } from './outlook.js';
import type { SeparableResponse } from './response.js';

function column(outlook: Outlook, name: string): Float64Array {
  const j = outlook.weatherNames.indexOf(name);
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
