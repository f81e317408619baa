/** Seeded synthetic tenants with known ground truth: weather -> spend -> expected revenue -> calibrated noise. */

import { timeSeriesFolds } from '../folds.js';
import { SeededRandom, seedFromString } from '../random.js';
import { medianPositive } from '../stats.js';
import { geometricAdstock } from '../transforms.js';
import { KNOWN_WEATHER } from '../types.js';
import type { ChannelTruth, GroundTruth, SyntheticTenant, TenantSeries } from '../types.js';
import { dailyCalendar, parseIsoDate } from './calendar.js';
import {
  builtinSpec,
  CHANNELS,
  CITIES,
  DEFAULT_DAYS,
  DEFAULT_SEED,
  DEFAULT_START,
  infoOf,
  TENANT_SPECS,
  TIER_AMPLITUDE,
  TIERS,
} from './catalog.js';
import type { TenantSpec } from './catalog.js';
import { driverIndexSeries } from './driver.js';
import {
  applyNoise,
  baselineRevenue,
  calibrateNoiseSd,
  drawBaselinePlan,
  mediaEffect,
  rSquared,
} from './revenue.js';
import type { MediaParams } from './revenue.js';
import { drawSpendPlan, generateSpend } from './spend.js';
import { generateWeather } from './weather.js';

export interface GenerateOptions {
  /** Base seed; the tenant's seed is seedFromString(id, seed). Default 20220101. */
  seed?: number;
  /** Number of daily rows, >= 30. Default 1095. */
  days?: number;
  /** First date, ISO YYYY-MM-DD. Default 2022-01-01. */
  start?: string;
  /**
   * Experiment overrides (all draws still happen, so everything else stays identical):
   * true ROAS per channel and the fold-mean oracle R² the noise is calibrated to.
   */
  trueRoas?: readonly number[];
  oracleR2Target?: number;
}

export interface TenantSetOptions {
  seed: number;
  days?: number;
  start?: string;
  /** Id prefix; ids are `<prefix>_s<seed>_<i>`. Default `gen`. */
  prefix?: string;
}

/** Search channels buy weekdays, social leans weekend: weekday tilt per channel. */
const WEEKDAY_TILT: Readonly<Record<string, number>> = { meta: -0.08, google: 0.1 };
/** Range of the weather modulation gamma of media effects per tier. */
const GAMMA_RANGE: Readonly<Record<TenantSpec['tier'], [number, number]>> = {
  extreme: [0.3, 0.6],
  high: [0.2, 0.5],
  medium: [0.1, 0.3],
  none: [0, 0],
};
/** Range the per-tenant fold-mean oracle R² target is drawn from (inside the required 0.55..0.95). */
const ORACLE_TARGET_RANGE: [number, number] = [0.66, 0.92];
const FOLDS = 5;
const MIN_DAYS = 30;

function checkOptions(o: GenerateOptions): { seed: number; days: number; start: string } {
  const seed = o.seed ?? DEFAULT_SEED;
  const days = o.days ?? DEFAULT_DAYS;
  const start = o.start ?? DEFAULT_START;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in [0, 4294967295] (got ${seed})`);
  }
  if (!Number.isInteger(days) || days < MIN_DAYS || days > 20_000) {
    throw new RangeError(`days must be an integer in [${MIN_DAYS}, 20000] (got ${days})`);
  }
  parseIsoDate(start);
  if (o.trueRoas !== undefined) {
    if (
      o.trueRoas.length !== CHANNELS.length ||
      o.trueRoas.some((r) => !(r > 0 && Number.isFinite(r)))
    ) {
      throw new RangeError(
        `trueRoas must hold ${CHANNELS.length} finite positive numbers (got ${JSON.stringify(o.trueRoas)})`,
      );
    }
  }
  if (o.oracleR2Target !== undefined && !(o.oracleR2Target > 0 && o.oracleR2Target < 1)) {
    throw new RangeError(`oracleR2Target must be in (0, 1) (got ${o.oracleR2Target})`);
  }
  return { seed, days, start };
}

/** Runs the DGP for one spec (see docs/data-generation.md for the formulas). */
export function generateFromSpec(
  spec: TenantSpec,
  source: 'builtin' | 'generated',
  options: GenerateOptions = {},
): SyntheticTenant {
  const { seed: baseSeed, days, start } = checkOptions(options);
  const seed = seedFromString(spec.id, baseSeed);
  // Independent streams: changing how revenue is drawn can never move weather or spend.
  const stream = (name: string): SeededRandom => new SeededRandom(seedFromString(name, seed));
  const cal = dailyCalendar(start, days);

  const weather = generateWeather(spec.city, cal, stream('weather'));
  const driver = driverIndexSeries(
    spec.mix,
    weather.temperature,
    weather.precipitation,
    weather.humidity,
  );

  const baselinePlan = drawBaselinePlan(stream('baseline'));
  const spend: Float64Array[] = CHANNELS.map((ch) => {
    const rng = stream(`spend:${ch}`);
    const share = rng.uniform(0.04, 0.11);
    return generateSpend(
      drawSpendPlan(rng, share * baselinePlan.level, WEEKDAY_TILT[ch] ?? 0),
      cal,
      rng,
    );
  });

  const mediaRng = stream('media');
  const [gLo, gHi] = GAMMA_RANGE[spec.tier];
  // effects[c] is first the unit effect (beta = 1), then scaled by beta: the effect is linear in beta.
  const effects: Float64Array[] = [];
  const media: MediaParams[] = CHANNELS.map((_, c) => {
    const decay = mediaRng.uniform(0.1, 0.8);
    const hillS = mediaRng.uniform(0.7, 2.5);
    const kMult = mediaRng.uniform(0.5, 1.5);
    const drawnRoas = mediaRng.uniform(1.8, 4.5);
    const gamma = gHi > 0 ? mediaRng.uniform(gLo, gHi) : 0;
    const roas = options.trueRoas?.[c] ?? drawnRoas;
    const hillK = kMult * medianPositive(geometricAdstock(spend[c], decay));
    const unit = mediaEffect({ decay, hillK, hillS, beta: 1, gamma }, spend[c], driver);
    let totalUnit = 0;
    let totalSpend = 0;
    for (let t = 0; t < days; t++) {
      totalUnit += unit[t];
      totalSpend += spend[c][t];
    }
    // beta makes total contribution / total spend equal the drawn ROAS.
    const beta = (roas * totalSpend) / totalUnit;
    for (let t = 0; t < days; t++) unit[t] *= beta;
    effects.push(unit);
    return { decay, hillK, hillS, beta, gamma };
  });

  const amplitude = TIER_AMPLITUDE[spec.tier];
  const nonMedia = baselineRevenue(baselinePlan, cal, amplitude, driver);
  const expected = Float64Array.from(nonMedia);
  for (const e of effects) for (let t = 0; t < days; t++) expected[t] += e[t];
  // The model is additive in the channels' effects, so "expected minus expected with channel c's spend zeroed"
  // (carry-over included) is exactly channel c's effect; tests check this against expectedRevenueFor.
  const contributions = effects;

  const noiseRng = stream('noise');
  const drawnTarget = noiseRng.uniform(ORACLE_TARGET_RANGE[0], ORACLE_TARGET_RANGE[1]);
  const target = options.oracleR2Target ?? drawnTarget;
  const shocks = new Float64Array(days);
  for (let t = 0; t < days; t++) shocks[t] = noiseRng.normal();
  const folds = timeSeriesFolds(days, FOLDS);
  const noiseSd = calibrateNoiseSd(expected, shocks, folds, target);
  const revenue = applyNoise(expected, shocks, noiseSd, true);

  const oracleFoldR2 = folds.map((f) => rSquared(revenue, expected, f.testStart, f.testEnd));
  const channels: ChannelTruth[] = CHANNELS.map((name, c) => {
    let totalSpend = 0;
    let totalContribution = 0;
    for (let t = 0; t < days; t++) {
      totalSpend += spend[c][t];
      totalContribution += contributions[c][t];
    }
    return {
      channel: name,
      ...media[c],
      totalSpend,
      totalContribution,
      roas: totalContribution / totalSpend,
    };
  });
  const truth: GroundTruth = {
    tenant: spec.id,
    seed,
    driver: spec.driver,
    weatherAmplitude: amplitude,
    noiseSd,
    channels,
    expected,
    contributions,
    driverIndex: driver,
    oracleR2: rSquared(revenue, expected),
    oracleFoldR2,
    oracleMeanR2: oracleFoldR2.reduce((a, b) => a + b, 0) / oracleFoldR2.length,
  };
  const series: TenantSeries = {
    tenant: spec.id,
    frequency: 'daily',
    dates: cal.dates,
    channels: [...CHANNELS],
    spend,
    weatherNames: [...KNOWN_WEATHER],
    weather: [weather.temperature, weather.precipitation, weather.humidity, weather.wind],
    controlNames: [],
    controls: [],
    targetName: 'revenue',
    target: revenue,
  };
  return { info: infoOf(spec, source, start, days), series, truth };
}

/**
 * One of the 20 built-in tenants (BUILTIN_TENANT_IDS). Same id + options -> identical arrays on any machine.
 * Throws an Error listing the valid ids for an unknown id.
 */
export function generateTenant(id: string, options: GenerateOptions = {}): SyntheticTenant {
  return generateFromSpec(builtinSpec(id), 'builtin', options);
}

/** Spec of the i-th extra tenant of a set: tier, driver family and city drawn from the built-in families. */
export function generatedSpec(i: number, seed: number, prefix = 'gen'): TenantSpec {
  const id = `${prefix}_s${seed}_${i}`;
  const rng = new SeededRandom(seedFromString(id, seed));
  const tier = TIERS[rng.int(TIERS.length)];
  const family = TENANT_SPECS.filter((s) => s.tier === tier);
  const template = family[rng.int(family.length)];
  const city = CITIES[rng.int(CITIES.length)];
  return { ...template, id, city };
}

/**
 * `count` extra synthetic tenants `<prefix>_s<seed>_<i>` (i = 0..count-1) for scale benchmarks; tenant i does not
 * depend on count, so a larger set extends a smaller one.
 */
export function generateTenantSet(count: number, options: TenantSetOptions): SyntheticTenant[] {
  if (!Number.isInteger(count) || count < 0 || count > 100_000) {
    throw new RangeError(`count must be an integer in [0, 100000] (got ${count})`);
  }
  if (options === undefined || options.seed === undefined)
    throw new RangeError('generateTenantSet needs options.seed');
  const prefix = options.prefix ?? 'gen';
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(prefix)) {
    throw new RangeError(
      `prefix must start with a letter and hold only letters, digits, _ or - (got ${JSON.stringify(prefix)})`,
    );
  }
  const genOptions: GenerateOptions = {
    seed: options.seed,
    days: options.days,
    start: options.start,
  };
  checkOptions(genOptions);
  const out: SyntheticTenant[] = [];
  for (let i = 0; i < count; i++) {
    out.push(generateFromSpec(generatedSpec(i, options.seed, prefix), 'generated', genOptions));
  }
  return out;
}
