/**
 * Shape tenants: synthetic tenants of other shapes than the 20 built-in ones (weekly, 1-3 years, 2-12
 * channels, correlated spend, no or renamed weather columns, event/promo controls, delayed adstock, logistic
 * or exponential saturation), each with exact ground truth and the oracle fold R². Everything is generated
 * per day; weekly tenants are the daily tenant summed into weeks (see docs/data-generation.md).
 */

import { timeSeriesFolds } from '../folds.js';
import { SeededRandom, seedFromString } from '../random.js';
import { correlation, medianPositive } from '../stats.js';
import { KNOWN_WEATHER } from '../types.js';
import type {
  ChannelTruth,
  EventTruth,
  Frequency,
  GroundTruth,
  ShapeTruth,
  SyntheticTenant,
  TenantInfo,
  TenantSeries,
} from '../types.js';
import { dailyCalendar, parseIsoDate } from './calendar.js';
import type { DailyCalendar } from './calendar.js';
import {
  BUILTIN_TENANT_IDS,
  builtinSpec,
  CITIES,
  DEFAULT_SEED,
  TIER_AMPLITUDE,
} from './catalog.js';
import type { CityClimate, TenantSpec } from './catalog.js';
import { driverIndexSeries } from './driver.js';
import {
  adstockOf,
  applyNoise,
  baselineRevenue,
  calibrateNoiseSd,
  drawBaselinePlan,
  mediaEffect,
  rSquared,
} from './revenue.js';
import type { AdstockForm, MediaParams, SaturationForm } from './revenue.js';
import { drawSpendPlan, generateSpend } from './spend.js';
import { generateWeather } from './weather.js';

/** Which weather columns a shape tenant's series has. */
export type WeatherLayout = 'canonical' | 'renamed' | 'none';

/** Everything that makes a shape tenant; with `seed` it determines every value. */
export interface ShapeSpec {
  /** Tenant id; with the base seed it seeds every random stream. */
  id: string;
  frequency: Frequency;
  /** Whole years: 365 days a year when daily, 52 weeks when weekly. */
  years: number;
  /** Number of media channels, 1..15 (names from SHAPE_CHANNELS, in order). */
  channels: number;
  /** Strength of the budget factor all channels share, 0 (independent) .. 0.95. */
  correlation: number;
  /** canonical: temperature_c, precipitation_mm, humidity_pct, wind_kph; renamed: temp, rain_mm, humidity, wind; none: no weather column and no weather effect. */
  weather: WeatherLayout;
  /** Adds the controls `promo` and `holiday` and their true lifts. */
  events: boolean;
  saturation: SaturationForm;
  adstock: AdstockForm;
  /** Built-in tenant whose weather sensitivity (tier, driver mix, category) the shape borrows. */
  template: string;
  /** Built-in city (prefix of its name, e.g. `Portland`) whose climate the weather follows. */
  city: string;
  /** First date (daily: that day; weekly: the first week's Monday). Default 2022-01-01 / 2022-01-03. */
  start?: string;
  /** Fold-mean oracle R² the noise is calibrated to; default drawn from [0.66, 0.92] like the built-in tenants. */
  oracleR2Target?: number;
}

/** Channel names in the order channels are added. */
export const SHAPE_CHANNELS: readonly string[] = [
  'meta',
  'google',
  'tiktok',
  'youtube',
  'tv',
  'display',
  'email',
  'affiliate',
  'pinterest',
  'snapchat',
  'radio',
  'print',
  'podcast',
  'ooh',
  'influencer',
];
/** Weekday tilt of each channel's spend (> 0 favours weekdays), as the built-in generator's meta / google. */
const CHANNEL_TILT: readonly number[] = [
  -0.08, 0.1, -0.12, -0.05, 0.02, 0.06, 0.12, 0.04, -0.1, -0.14, 0.08, 0.1, -0.06, 0.03, -0.09,
];
/** Column names of the `renamed` layout, by canonical weather name. */
export const RENAMED_WEATHER: Readonly<Record<string, string>> = {
  temperature_c: 'temp',
  precipitation_mm: 'rain_mm',
  humidity_pct: 'humidity',
  wind_kph: 'wind',
};
export const SATURATION_FORMS: readonly SaturationForm[] = ['hill', 'logistic', 'exponential'];
export const ADSTOCK_FORMS: readonly AdstockForm[] = ['geometric', 'delayed'];
export const WEATHER_LAYOUTS: readonly WeatherLayout[] = ['canonical', 'renamed', 'none'];

const GAMMA_RANGE: Readonly<Record<TenantSpec['tier'], [number, number]>> = {
  extreme: [0.3, 0.6],
  high: [0.2, 0.5],
  medium: [0.1, 0.3],
  none: [0, 0],
};
const ORACLE_TARGET_RANGE: [number, number] = [0.66, 0.92];
const FOLDS = 5;
/** Longest lag of the delayed adstock, days. */
const DELAYED_MAX_LAG = 21;

const shape = (
  id: string,
  frequency: Frequency,
  years: number,
  channels: number,
  template: string,
  city: string,
  more: Partial<ShapeSpec> = {},
): ShapeSpec => ({
  id,
  frequency,
  years,
  channels,
  correlation: 0,
  weather: 'canonical',
  events: false,
  saturation: 'hill',
  adstock: 'geometric',
  template,
  city,
  ...more,
});

/**
 * The committed shape suite: what the shape tests and the benchmark's suite report run on. Each entry
 * differs from the built-in tenants in at least one way a real tenant does.
 */
export const SHAPE_SUITE: readonly ShapeSpec[] = [
  shape('shape_weekly_2y_noweather', 'weekly', 2, 2, 'none_books', 'Columbus', {
    weather: 'none',
  }),
  shape('shape_weekly_3y', 'weekly', 3, 3, 'high_winter_clothing', 'Chicago'),
  shape('shape_weekly_3y_events_noweather', 'weekly', 3, 4, 'none_electronics', 'Atlanta', {
    weather: 'none',
    events: true,
  }),
  shape('shape_daily_1y', 'daily', 1, 2, 'extreme_sunscreen', 'Phoenix'),
  shape('shape_daily_2y', 'daily', 2, 3, 'high_umbrella_rain', 'Seattle'),
  shape('shape_daily_3y_6ch', 'daily', 3, 6, 'medium_clothing', 'New York'),
  shape('shape_daily_3y_10ch', 'daily', 3, 10, 'high_summer_clothing', 'Houston'),
  shape('shape_daily_3y_12ch', 'daily', 3, 12, 'medium_beauty', 'Dallas'),
  shape('shape_daily_3y_correlated', 'daily', 3, 4, 'extreme_heating', 'Minneapolis', {
    correlation: 0.8,
  }),
  shape('shape_daily_3y_events', 'daily', 3, 3, 'medium_sports', 'Philadelphia', {
    events: true,
  }),
  shape('shape_daily_3y_logistic', 'daily', 3, 3, 'high_gym_activity', 'Nashville', {
    saturation: 'logistic',
  }),
  shape('shape_daily_3y_exponential', 'daily', 3, 2, 'extreme_cooling', 'Miami', {
    saturation: 'exponential',
  }),
  shape('shape_daily_2y_delayed', 'daily', 2, 3, 'high_outdoor_gear', 'Salt Lake City', {
    adstock: 'delayed',
  }),
  shape('shape_daily_3y_noweather', 'daily', 3, 4, 'none_kitchen', 'Detroit', { weather: 'none' }),
  shape('shape_daily_3y_renamed_weather', 'daily', 3, 3, 'extreme_rain_gear', 'Portland', {
    weather: 'renamed',
  }),
  shape('shape_daily_2y_renamed_weather', 'daily', 2, 2, 'extreme_ski_gear', 'Denver', {
    weather: 'renamed',
  }),
];

/** Names of the suite's shapes, in order. */
export const SHAPE_SUITE_IDS: readonly string[] = Object.freeze(SHAPE_SUITE.map((s) => s.id));

/** Human label of a shape, e.g. `weekly 2y, 2 ch, no weather`. */
export function shapeLabel(spec: ShapeSpec): string {
  const parts = [`${spec.frequency} ${spec.years}y`, `${spec.channels} ch`];
  if (spec.weather === 'none') parts.push('no weather');
  if (spec.weather === 'renamed') parts.push('renamed weather');
  if (spec.correlation > 0) parts.push(`corr ${spec.correlation}`);
  if (spec.events) parts.push('events');
  if (spec.saturation !== 'hill') parts.push(spec.saturation);
  if (spec.adstock !== 'geometric') parts.push(`${spec.adstock} adstock`);
  return parts.join(', ');
}

function findCity(name: string): CityClimate {
  const c = CITIES.find((x) => x.city.startsWith(name));
  if (!c) {
    throw new RangeError(
      `unknown city ${JSON.stringify(name)}; valid: ${CITIES.map((x) => x.city).join('; ')}`,
    );
  }
  return c;
}

/** Throws a RangeError naming the first invalid field of a shape spec. */
export function checkShapeSpec(spec: ShapeSpec): void {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(spec.id)) {
    throw new RangeError(
      `id must start with a letter and hold only letters, digits, _ or - (got ${JSON.stringify(spec.id)})`,
    );
  }
  if (spec.frequency !== 'daily' && spec.frequency !== 'weekly') {
    throw new RangeError(`frequency must be daily or weekly (got ${String(spec.frequency)})`);
  }
  if (!Number.isInteger(spec.years) || spec.years < 1 || spec.years > 10) {
    throw new RangeError(`years must be an integer from 1 to 10 (got ${spec.years})`);
  }
  if (
    !Number.isInteger(spec.channels) ||
    spec.channels < 1 ||
    spec.channels > SHAPE_CHANNELS.length
  ) {
    throw new RangeError(
      `channels must be an integer from 1 to ${SHAPE_CHANNELS.length} (got ${spec.channels})`,
    );
  }
  if (!(spec.correlation >= 0 && spec.correlation <= 0.95)) {
    throw new RangeError(`correlation must be in [0, 0.95] (got ${spec.correlation})`);
  }
  if (!WEATHER_LAYOUTS.includes(spec.weather)) {
    throw new RangeError(
      `weather must be one of ${WEATHER_LAYOUTS.join(', ')} (got ${spec.weather})`,
    );
  }
  if (!SATURATION_FORMS.includes(spec.saturation)) {
    throw new RangeError(
      `saturation must be one of ${SATURATION_FORMS.join(', ')} (got ${spec.saturation})`,
    );
  }
  if (!ADSTOCK_FORMS.includes(spec.adstock)) {
    throw new RangeError(
      `adstock must be one of ${ADSTOCK_FORMS.join(', ')} (got ${spec.adstock})`,
    );
  }
  if (!BUILTIN_TENANT_IDS.includes(spec.template)) {
    throw new RangeError(
      `template must be a built-in tenant id (got ${JSON.stringify(spec.template)})`,
    );
  }
  findCity(spec.city);
  if (spec.start !== undefined) parseIsoDate(spec.start);
  if (spec.oracleR2Target !== undefined && !(spec.oracleR2Target > 0 && spec.oracleR2Target < 1)) {
    throw new RangeError(`oracleR2Target must be in (0, 1) (got ${spec.oracleR2Target})`);
  }
}

/** Mean pairwise Pearson correlation of the channels' spend rows (0 with one channel). */
export function meanPairwiseCorrelation(spend: readonly ArrayLike<number>[]): number {
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < spend.length; a++) {
    for (let b = a + 1; b < spend.length; b++) {
      sum += correlation(spend[a], spend[b]);
      pairs++;
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}

/**
 * Shared budget pattern of correlated channels, mean 1 over live days: exp of a slow AR(1) (lag-1 0.97, sd 0.5)
 * plus shared campaign pushes (+0.7 for 7-28 days every 30-90 days), and 0 on shared budget freezes (3-12 days
 * every 60-150 days) when every channel goes dark together.
 */
function sharedBudget(cal: DailyCalendar, rng: SeededRandom): Float64Array {
  const n = cal.dates.length;
  const g = new Float64Array(n);
  const phi = 0.97;
  const innov = 0.5 * Math.sqrt(1 - phi * phi);
  let a = rng.normal(0, 0.5);
  for (let t = 0; t < n; t++) {
    if (t > 0) a = phi * a + innov * rng.normal();
    g[t] = a;
  }
  for (let t = Math.floor(rng.uniform(5, 40)); t < n; t += Math.floor(rng.uniform(30, 90))) {
    const len = Math.floor(rng.uniform(7, 29));
    for (let i = t; i < Math.min(n, t + len); i++) g[i] += 0.7;
  }
  const s = g.map(Math.exp);
  const m = sumOf(s) / n;
  for (let t = 0; t < n; t++) s[t] /= m;
  for (let t = Math.floor(rng.uniform(20, 120)); t < n; t += Math.floor(rng.uniform(60, 150))) {
    const len = Math.floor(rng.uniform(3, 13));
    for (let i = t; i < Math.min(n, t + len); i++) s[i] = 0;
  }
  return s;
}

function variance(x: ArrayLike<number>): number {
  const m = sumOf(x) / x.length;
  let ss = 0;
  for (let t = 0; t < x.length; t++) ss += (x[t] - m) ** 2;
  return ss / x.length;
}

/**
 * Correlated spend: x_t becomes mean(x) ((1 - w) x_t / mean(x) + w shared_t), with the weight w that gives the
 * shared part a share `correlation` of the variance (w / (1 - w) = sqrt(rho v_own / ((1 - rho) v_shared))), so
 * two channels correlate at about `correlation`. A channel's own dark days keep the shared part (it runs at a
 * lower level); shared freezes (shared_t = 0) stop every channel.
 */
function mixShared(x: Float64Array, shared: Float64Array, correlation: number): Float64Array {
  const m = sumOf(x) / x.length;
  if (!(m > 0)) return x;
  const own = x.map((v) => v / m);
  const r = Math.sqrt((correlation * variance(own)) / ((1 - correlation) * variance(shared)));
  const w = r / (1 + r);
  return x.map((_, t) =>
    shared[t] > 0 ? Math.round(m * ((1 - w) * own[t] + w * shared[t]) * 100) / 100 : 0,
  );
}

/** 1 on Black Friday through Cyber Monday and on a mid-July sale (11-12 July), else 0. */
function holidayEvents(cal: DailyCalendar): Float64Array {
  const out = new Float64Array(cal.dates.length);
  cal.dates.forEach((d, t) => {
    const y = Number(d.slice(0, 4));
    const md = d.slice(5);
    // Thanksgiving: the fourth Thursday of November.
    const nov1 = new Date(Date.UTC(y, 10, 1)).getUTCDay();
    const thanksgiving = 1 + ((4 - nov1 + 7) % 7) + 21;
    const doyNov = Date.UTC(y, 10, thanksgiving + 1);
    const ms = Date.UTC(y, Number(md.slice(0, 2)) - 1, Number(md.slice(3)));
    const sinceBlackFriday = Math.round((ms - doyNov) / 86_400_000);
    if ((sinceBlackFriday >= 0 && sinceBlackFriday <= 3) || md === '07-11' || md === '07-12') {
      out[t] = 1;
    }
  });
  return out;
}

/** 1 on promotion days: runs of 3-10 days starting every 35-90 days, else 0. */
function promoDays(n: number, rng: SeededRandom): Float64Array {
  const out = new Float64Array(n);
  for (let t = Math.floor(rng.uniform(10, 60)); t < n; t += Math.floor(rng.uniform(35, 90))) {
    const len = Math.floor(rng.uniform(3, 11));
    for (let i = t; i < Math.min(n, t + len); i++) out[i] = 1;
  }
  return out;
}

/** Sums (or means) of consecutive blocks of `days` rows. */
function blocks(x: ArrayLike<number>, days: number, mean: boolean): Float64Array {
  const n = Math.floor(x.length / days);
  const out = new Float64Array(n);
  for (let w = 0; w < n; w++) {
    let s = 0;
    for (let d = w * days; d < (w + 1) * days; d++) s += x[d];
    out[w] = mean ? s / days : s;
  }
  return out;
}

const round = (x: Float64Array, digits: number): Float64Array => {
  const f = 10 ** digits;
  return x.map((v) => Math.round(v * f) / f);
};

interface DailyDraw {
  cal: DailyCalendar;
  channels: string[];
  spend: Float64Array[];
  weather: Float64Array[];
  driver: Float64Array;
  media: MediaParams[];
  effects: Float64Array[];
  baseline: Float64Array;
  eventNames: string[];
  eventColumns: Float64Array[];
  eventLifts: number[];
  eventEffects: Float64Array[];
}

/** The noise-free daily DGP of a shape (weather, spend, media, events); see docs/data-generation.md. */
function drawDaily(spec: ShapeSpec, seed: number): DailyDraw {
  const template = builtinSpec(spec.template);
  const hasWeather = spec.weather !== 'none';
  const tier = hasWeather ? template.tier : 'none';
  const days = spec.frequency === 'weekly' ? spec.years * 52 * 7 : spec.years * 365;
  const start = spec.start ?? (spec.frequency === 'weekly' ? '2022-01-03' : '2022-01-01');
  const stream = (name: string): SeededRandom => new SeededRandom(seedFromString(name, seed));
  const cal = dailyCalendar(start, days);

  const w = generateWeather(findCity(spec.city), cal, stream('weather'));
  const mix = hasWeather ? template.mix : { cold: 0, heat: 0, rain: 0 };
  const driver = driverIndexSeries(mix, w.temperature, w.precipitation, w.humidity);

  const baselinePlan = drawBaselinePlan(stream('baseline'));
  const channels = SHAPE_CHANNELS.slice(0, spec.channels);
  // Total media budget 8-22 % of the baseline level, split unevenly over the channels.
  const budget = stream('budget');
  const total = budget.uniform(0.08, 0.22);
  const weights = channels.map(() => budget.uniform(0.4, 1));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const shared = spec.correlation > 0 ? sharedBudget(cal, stream('shared-budget')) : null;
  const spend = channels.map((ch, c) => {
    const rng = stream(`spend:${ch}`);
    const x = generateSpend(
      drawSpendPlan(rng, ((total * weights[c]) / wsum) * baselinePlan.level, CHANNEL_TILT[c]),
      cal,
      rng,
    );
    return shared ? mixShared(x, shared, spec.correlation) : x;
  });

  const [gLo, gHi] = GAMMA_RANGE[tier];
  const effects: Float64Array[] = [];
  const media: MediaParams[] = channels.map((ch, c) => {
    const rng = stream(`media:${ch}`);
    // Every draw happens whatever the forms, so switching a form leaves the other parameters as they were.
    const u = {
      decay: rng.uniform(0.1, 0.8),
      s: rng.uniform(0.7, 2.5),
      kMult: rng.uniform(0.5, 1.5),
      roas: rng.uniform(1.8, 4.5),
      gamma: rng.uniform(gLo, gHi),
      theta: rng.uniform(1, 6),
      delayedDecay: rng.uniform(0.55, 0.85),
      steepness: rng.uniform(2, 5),
    };
    const form: Pick<MediaParams, 'adstock' | 'theta' | 'maxLag' | 'saturation'> =
      spec.adstock === 'delayed'
        ? {
            adstock: 'delayed',
            theta: u.theta,
            maxLag: DELAYED_MAX_LAG,
            saturation: spec.saturation,
          }
        : { adstock: 'geometric', saturation: spec.saturation };
    const decay = spec.adstock === 'delayed' ? u.delayedDecay : u.decay;
    const hillS =
      spec.saturation === 'hill' ? u.s : spec.saturation === 'logistic' ? u.steepness : 1;
    const gamma = gHi > 0 ? u.gamma : 0;
    const probe: MediaParams = { decay, hillK: 1, hillS, beta: 1, gamma, ...form };
    const hillK = u.kMult * medianPositive(adstockOf(probe, spend[c]));
    const params: MediaParams = { ...probe, hillK };
    const unit = mediaEffect(params, spend[c], driver);
    let totalUnit = 0;
    let totalSpend = 0;
    for (let t = 0; t < days; t++) {
      totalUnit += unit[t];
      totalSpend += spend[c][t];
    }
    // beta makes total contribution / total spend equal the drawn ROAS.
    const beta = (u.roas * totalSpend) / totalUnit;
    for (let t = 0; t < days; t++) unit[t] *= beta;
    effects.push(unit);
    return { ...params, beta };
  });

  const core = baselineRevenue(baselinePlan, cal, TIER_AMPLITUDE[tier], driver);
  const eventNames: string[] = [];
  const eventColumns: Float64Array[] = [];
  const eventLifts: number[] = [];
  if (spec.events) {
    const rng = stream('events');
    eventNames.push('promo', 'holiday');
    eventColumns.push(promoDays(days, rng), holidayEvents(cal));
    eventLifts.push(rng.uniform(0.08, 0.25), rng.uniform(0.2, 0.5));
  }
  // Events lift the non-media revenue of their days: baseline_t (1 + sum_e lift_e event_e,t).
  const eventEffects = eventColumns.map((col, e) => core.map((b, t) => b * eventLifts[e] * col[t]));
  const baseline = Float64Array.from(core);
  for (const eff of eventEffects) for (let t = 0; t < days; t++) baseline[t] += eff[t];

  return {
    cal,
    channels,
    spend,
    weather: [w.temperature, w.precipitation, w.humidity, w.wind],
    driver,
    media,
    effects,
    baseline,
    eventNames,
    eventColumns,
    eventLifts,
    eventEffects,
  };
}

const sumOf = (x: ArrayLike<number>): number => {
  let s = 0;
  for (let t = 0; t < x.length; t++) s += x[t];
  return s;
};

function channelTruths(
  channels: string[],
  media: MediaParams[],
  spend: Float64Array[],
  contributions: Float64Array[],
): ChannelTruth[] {
  return channels.map((name, c) => {
    const totalSpend = sumOf(spend[c]);
    const totalContribution = sumOf(contributions[c]);
    return {
      channel: name,
      ...media[c],
      totalSpend,
      totalContribution,
      roas: totalContribution / totalSpend,
    };
  });
}

/** Oracle R² of a tenant on any folds: R² of the noise-free expected revenue against the observed one per fold. */
export function oracleFoldR2(
  t: SyntheticTenant,
  folds: readonly { testStart: number; testEnd: number }[],
): number[] {
  return folds.map((f) => rSquared(t.series.target, t.truth.expected, f.testStart, f.testEnd));
}

function infoFor(
  spec: ShapeSpec,
  template: TenantSpec,
  city: CityClimate,
  series: TenantSeries,
): TenantInfo {
  const hasWeather = spec.weather !== 'none';
  return {
    tenant: spec.id,
    tier: hasWeather ? template.tier : 'none',
    category: template.category,
    city: city.city,
    latitude: city.latitude,
    longitude: city.longitude,
    driver: hasWeather ? template.driver : 'none',
    source: 'generated',
    rows: series.dates.length,
    start: series.dates[0],
    end: series.dates[series.dates.length - 1],
    frequency: spec.frequency,
    channels: [...series.channels],
  };
}

/**
 * Generates a shape tenant. Same spec and seed -> identical arrays on any machine. Weekly tenants carry their
 * noise-free daily twin in `daily` (counterfactuals in truth.ts go through it).
 */
export function generateShape(spec: ShapeSpec, options: { seed?: number } = {}): SyntheticTenant {
  checkShapeSpec(spec);
  const baseSeed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(baseSeed) || baseSeed < 0 || baseSeed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in [0, 4294967295] (got ${baseSeed})`);
  }
  const seed = seedFromString(spec.id, baseSeed);
  const template = builtinSpec(spec.template);
  const city = findCity(spec.city);
  const d = drawDaily(spec, seed);
  const days = spec.frequency === 'weekly' ? 7 : 1;
  const dailyExpected = Float64Array.from(d.baseline);
  for (const e of d.effects)
    for (let t = 0; t < dailyExpected.length; t++) dailyExpected[t] += e[t];

  // Rows at the reporting frequency: weeks are sums of their 7 days (means for weather and the driver).
  const agg = (x: Float64Array, mean = false): Float64Array =>
    days === 1 ? x : blocks(x, days, mean);
  const spend = d.spend.map((x) => (days === 1 ? x : round(agg(x), 2)));
  const contributions = d.effects.map((x) => agg(x));
  const baseline = agg(d.baseline);
  const expected = agg(dailyExpected);
  const driver = agg(d.driver, true);
  const dates = days === 1 ? d.cal.dates : d.cal.dates.filter((_, t) => t % days === 0);
  const n = dates.length;

  const noiseRng = new SeededRandom(seedFromString('noise', seed));
  const target = spec.oracleR2Target ?? noiseRng.uniform(...ORACLE_TARGET_RANGE);
  const shocks = new Float64Array(n);
  for (let t = 0; t < n; t++) shocks[t] = noiseRng.normal();
  const folds = timeSeriesFolds(n, FOLDS);
  const noiseSd = calibrateNoiseSd(expected, shocks, folds, target);
  const revenue = applyNoise(expected, shocks, noiseSd, true);
  const foldR2 = folds.map((f) => rSquared(revenue, expected, f.testStart, f.testEnd));

  const names: Record<string, string> = {};
  const weatherNames: string[] = [];
  const weather: Float64Array[] = [];
  if (spec.weather !== 'none') {
    KNOWN_WEATHER.forEach((canonical, k) => {
      const name = spec.weather === 'renamed' ? RENAMED_WEATHER[canonical] : canonical;
      names[canonical] = name;
      weatherNames.push(name);
      weather.push(days === 1 ? d.weather[k] : round(agg(d.weather[k], true), 2));
    });
  }
  const events: EventTruth[] = d.eventNames.map((column, e) => ({
    column,
    lift: d.eventLifts[e],
    totalContribution: sumOf(d.eventEffects[e]),
  }));
  const series: TenantSeries = {
    tenant: spec.id,
    frequency: spec.frequency,
    dates,
    channels: [...d.channels],
    spend,
    weatherNames,
    weather,
    controlNames: [...d.eventNames],
    // Weekly: the number of event days in the week.
    controls: d.eventColumns.map((x) => agg(x)),
    targetName: 'revenue',
    target: revenue,
  };
  const shapeTruth: ShapeTruth = {
    shape: spec.id,
    label: shapeLabel(spec),
    frequency: spec.frequency,
    periodDays: days,
    years: spec.years,
    correlation: spec.correlation,
    spendCorrelation: meanPairwiseCorrelation(spend),
    weatherColumns: names,
    events,
    baseline,
  };
  const truth: GroundTruth = {
    tenant: spec.id,
    seed,
    driver: spec.weather === 'none' ? 'none' : template.driver,
    weatherAmplitude: TIER_AMPLITUDE[spec.weather === 'none' ? 'none' : template.tier],
    noiseSd,
    channels: channelTruths(d.channels, d.media, spend, contributions),
    expected,
    contributions,
    driverIndex: driver,
    oracleR2: rSquared(revenue, expected),
    oracleFoldR2: foldR2,
    oracleMeanR2: foldR2.reduce((a, b) => a + b, 0) / foldR2.length,
    shape: shapeTruth,
  };
  const tenant: SyntheticTenant = { info: infoFor(spec, template, city, series), series, truth };
  if (days > 1) tenant.daily = dailyTwin(spec, d, dailyExpected, template, city);
  return tenant;
}

/** The noise-free daily tenant a weekly one is summed from (target = expected; oracle figures are 1). */
function dailyTwin(
  spec: ShapeSpec,
  d: DailyDraw,
  expected: Float64Array,
  template: TenantSpec,
  city: CityClimate,
): SyntheticTenant {
  const series: TenantSeries = {
    tenant: spec.id,
    frequency: 'daily',
    dates: d.cal.dates,
    channels: [...d.channels],
    spend: d.spend,
    weatherNames: spec.weather === 'none' ? [] : [...KNOWN_WEATHER],
    weather: spec.weather === 'none' ? [] : d.weather,
    controlNames: [...d.eventNames],
    controls: d.eventColumns,
    targetName: 'revenue',
    target: expected,
  };
  const truth: GroundTruth = {
    tenant: spec.id,
    seed: 0,
    driver: spec.weather === 'none' ? 'none' : template.driver,
    weatherAmplitude: TIER_AMPLITUDE[spec.weather === 'none' ? 'none' : template.tier],
    noiseSd: 0,
    channels: channelTruths(d.channels, d.media, d.spend, d.effects),
    expected,
    contributions: d.effects,
    driverIndex: d.driver,
    oracleR2: 1,
    oracleFoldR2: [],
    oracleMeanR2: 1,
  };
  return {
    info: { ...infoFor(spec, template, city, series), frequency: 'daily' },
    series,
    truth,
  };
}

/** Shape of the suite by id; throws listing the valid ids when unknown. */
export function suiteShape(id: string): ShapeSpec {
  const spec = SHAPE_SUITE.find((s) => s.id === id);
  if (!spec) {
    throw new RangeError(
      `unknown shape ${JSON.stringify(id)}; valid: ${SHAPE_SUITE_IDS.join(', ')}`,
    );
  }
  return spec;
}

/** The options of a user-made shape (wv-mmm generate); the rest is drawn from the tenant's id. */
export type ShapeOptions = Partial<
  Pick<
    ShapeSpec,
    | 'frequency'
    | 'years'
    | 'channels'
    | 'correlation'
    | 'weather'
    | 'events'
    | 'saturation'
    | 'adstock'
  >
>;

/**
 * Spec of the i-th tenant of a generated set of shape `options` (defaults: daily, 3 years, 2 channels, no
 * correlation, canonical weather, no events, Hill, geometric): template and city are drawn from the id like
 * generatedSpec's, so tenant i does not depend on how many are generated.
 */
export function shapeSpecOf(id: string, seed: number, options: ShapeOptions): ShapeSpec {
  const rng = new SeededRandom(seedFromString(`shape:${id}`, seed));
  const template = BUILTIN_TENANT_IDS[rng.int(BUILTIN_TENANT_IDS.length)];
  const city = CITIES[rng.int(CITIES.length)].city.split(',')[0];
  const spec = shape(
    id,
    options.frequency ?? 'daily',
    options.years ?? 3,
    options.channels ?? 2,
    template,
    city,
    {
      correlation: options.correlation ?? 0,
      weather: options.weather ?? 'canonical',
      events: options.events ?? false,
      saturation: options.saturation ?? 'hill',
      adstock: options.adstock ?? 'geometric',
    },
  );
  checkShapeSpec(spec);
  return spec;
}
