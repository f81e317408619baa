/** Weather driver indices: smooth functions of the observed weather columns, roughly in [-1, 1]. */

import type { DriverMix } from './catalog.js';

/** Cold index: tanh((15 - T) / 15); positive below 15 deg C. */
export function coldIndex(temperatureC: number): number {
  return Math.tanh((15 - temperatureC) / 15);
}

/** Heat index: tanh((T - 18) / 12); positive above 18 deg C. */
export function heatIndex(temperatureC: number): number {
  return Math.tanh((temperatureC - 18) / 12);
}

/** Rain index: tanh(0.15 mm + 0.03 (humidity - 65)); about +0.9 on a 5 mm humid day, negative on dry air. */
export function rainIndex(precipitationMm: number, humidityPct: number): number {
  return Math.tanh(0.15 * precipitationMm + 0.03 * (humidityPct - 65));
}

/** Driver index per row: mix.cold x cold + mix.heat x heat + mix.rain x rain. */
export function driverIndexSeries(
  mix: DriverMix,
  temperature: ArrayLike<number>,
  precipitation: ArrayLike<number>,
  humidity: ArrayLike<number>,
): Float64Array {
  const n = temperature.length;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let d = 0;
    if (mix.cold !== 0) d += mix.cold * coldIndex(temperature[t]);
    if (mix.heat !== 0) d += mix.heat * heatIndex(temperature[t]);
    if (mix.rain !== 0) d += mix.rain * rainIndex(precipitation[t], humidity[t]);
    out[t] = d;
  }
  return out;
}
