/**
 * Leakage tests' input: a series whose rows at and after T are replaced by garbage (the target
 * drawn uniformly in ±1e7, spend mirrored around 1e6, optionally weather times -50), so that a
 * model of rows [0, T) that reads any later row changes.
 */
import { SeededRandom } from '../src/core/random.js';
import type { TenantSeries } from '../src/core/types.js';

export function garbledAfter(
  s: TenantSeries,
  T: number,
  seed: number,
  options: { weather?: boolean } = {},
): TenantSeries {
  const rng = new SeededRandom(seed);
  return {
    ...s,
    target: Float64Array.from(s.target, (v, i) => (i >= T ? rng.uniform(-1e7, 1e7) : v)),
    spend: s.spend.map((x) => Float64Array.from(x, (v, i) => (i >= T ? 1e6 - v : v))),
    ...(options.weather
      ? { weather: s.weather.map((x) => Float64Array.from(x, (v, i) => (i >= T ? -v * 50 : v))) }
      : {}),
  };
}
