/** A constructed tenant with known adstock/Hill media effects, for phase-3 and explain tests. */
import { SeededRandom } from '../src/core/random.js';
import { geometricAdstock, hillSaturation, peakedAdstock } from '../src/core/transforms.js';
import type { TenantSeries } from '../src/core/types.js';

export interface ConstructedChannel {
  decay: number;
  /** Hill k as a multiple of the median positive adstocked spend over all rows. */
  kMult: number;
  s: number;
  /** Revenue per unit of Hill output. */
  beta: number;
  /**
   * Periods from the spend to the peak of a delayed carry-over (peakedAdstock: weights
   * decay^((l - lag)^2)); default 0, geometric.
   */
  lag?: number;
}

export interface Constructed {
  series: TenantSeries;
  /** Noise-free revenue. */
  expected: Float64Array;
}

function isoDate(day: number): string {
  return new Date(Date.UTC(2022, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Daily tenant: bursty spend with dark periods per channel, temperature and precipitation,
 * revenue = 20000 + 2000 sin(2 pi t / 365) + sum_c beta_c Hill(adstock(spend_c; decay_c); k_c, s_c)
 * + Normal(0, noiseSd).
 */
export function constructedTenant(
  channels: ConstructedChannel[],
  options: { days?: number; noiseSd?: number; seed?: number } = {},
): Constructed {
  const n = options.days ?? 730;
  const rng = new SeededRandom(options.seed ?? 7);
  const names = channels.map((_, i) => `ch${i}`);
  const spend = channels.map(() => {
    const x = new Float64Array(n);
    let level = 1000;
    for (let t = 0; t < n; t++) {
      if (t % 7 === 0) level = rng.uniform(0, 1) < 0.15 ? 0 : rng.uniform(300, 3000);
      x[t] = level === 0 ? 0 : level * rng.uniform(0.7, 1.3);
    }
    return x;
  });
  const temperature = Float64Array.from(
    { length: n },
    (_, t) => 12 + 10 * Math.sin((2 * Math.PI * t) / 365) + rng.normal(0, 3),
  );
  const precipitation = Float64Array.from({ length: n }, () =>
    rng.next() < 0.3 ? rng.uniform(0, 10) : 0,
  );
  const expected = Float64Array.from(
    { length: n },
    (_, t) => 20000 + 2000 * Math.sin((2 * Math.PI * t) / 365),
  );
  channels.forEach((ch, i) => {
    const a = ch.lag
      ? peakedAdstock(spend[i], ch.decay, ch.lag)
      : geometricAdstock(spend[i], ch.decay);
    const pos = Array.from(a)
      .filter((v) => v > 0)
      .sort((u, v) => u - v);
    const k = ch.kMult * pos[pos.length >> 1];
    const h = hillSaturation(a, k, ch.s);
    for (let t = 0; t < n; t++) expected[t] += ch.beta * h[t];
  });
  const target = Float64Array.from(expected, (v) => v + rng.normal(0, options.noiseSd ?? 200));
  return {
    expected,
    series: {
      tenant: 'constructed',
      frequency: 'daily',
      dates: Array.from({ length: n }, (_, t) => isoDate(t)),
      channels: names,
      spend,
      weatherNames: ['temperature_c', 'precipitation_mm'],
      weather: [temperature, precipitation],
      controlNames: [],
      controls: [],
      targetName: 'revenue',
      target,
    },
  };
}
