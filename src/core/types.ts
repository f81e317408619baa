/** Shared data shapes of the modeling core. Column-major typed arrays, rows in date order. */

export type Frequency = 'daily' | 'weekly';
/** `unknown`: an imported tenant, whose weather sensitivity is what the model is to find. */
export type WeatherDriver = 'cold' | 'heat' | 'rain' | 'mixed' | 'none' | 'unknown';
export type Tier = 'extreme' | 'high' | 'medium' | 'none' | 'custom';

/**
 * Canonical weather columns used as model features (wind_kph is carried but not modeled by default). Other names
 * of the same weather are recognised too (src/core/weather-names.ts).
 */
export const DEFAULT_WEATHER = ['temperature_c', 'precipitation_mm', 'humidity_pct'] as const;
export const KNOWN_WEATHER = [
  'temperature_c',
  'precipitation_mm',
  'humidity_pct',
  'wind_kph',
] as const;

/** One tenant's time series, as the models see it. */
export interface TenantSeries {
  tenant: string;
  frequency: Frequency;
  /** ISO dates YYYY-MM-DD, strictly increasing. */
  dates: string[];
  /** Channel names without the `_spend` suffix, e.g. `meta`, `google`. Column `<channel>_spend`. */
  channels: string[];
  /** spend[c][t] in currency per period, >= 0. */
  spend: Float64Array[];
  /** Weather column names present, e.g. temperature_c. */
  weatherNames: string[];
  weather: Float64Array[];
  /** Other numeric columns that are neither spend, weather nor target. */
  controlNames: string[];
  controls: Float64Array[];
  targetName: string;
  target: Float64Array;
  /**
   * What bootstrap draws are seeded by, when not the tenant id (randomKeyOf): imported data sets
   * it to its content hash, so the same file under two ids draws the same replicates (its
   * intervals, lift checks and plan checks). Built-in and generated tenants keep their id, which
   * fixes their data.
   */
  seedKey?: string;
}

/** Descriptive metadata of a tenant (built-in or imported). */
export interface TenantInfo {
  tenant: string;
  tier: Tier;
  category: string;
  /** Where the tenant sells; null when not known (imported data carries no location). */
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  driver: WeatherDriver;
  source: 'builtin' | 'generated' | 'imported';
  rows: number;
  start: string;
  end: string;
  frequency: Frequency;
  channels: string[];
}

/** Ground-truth parameters of one channel in the data-generating process. */
export interface ChannelTruth {
  channel: string;
  /** Geometric adstock decay (delayed adstock: the decay of its lag weights). */
  decay: number;
  /**
   * Saturation scale in the units of the adstocked daily spend: Hill half-saturation point (logistic:
   * inflection point; exponential: k of 1 - exp(-x/k)).
   */
  hillK: number;
  /** Saturation shape: Hill exponent (logistic: steepness; exponential: 1, unused). */
  hillS: number;
  /** Scale of the media effect (currency per unit of Hill output). */
  beta: number;
  /** Weather modulation of the media effect: effect x (1 + gamma x driver index). */
  gamma: number;
  totalSpend: number;
  totalContribution: number;
  /** totalContribution / totalSpend. */
  roas: number;
  /** Shape tenants: carry-over form (absent on the built-in tenants: geometric). */
  adstock?: 'geometric' | 'delayed';
  /** Delayed adstock: lag of the peak effect and longest lag, in days. */
  theta?: number;
  maxLag?: number;
  /** Shape tenants: saturation form (absent on the built-in tenants: Hill). */
  saturation?: 'hill' | 'logistic' | 'exponential';
}

/** True effect of one event/promo control column: revenue x (1 + lift x value) on the day. */
export interface EventTruth {
  column: string;
  lift: number;
  /** Sum over the rows of the revenue the event added. */
  totalContribution: number;
}

/** What a shape tenant (src/core/data/shapes.ts) adds to the ground truth. */
export interface ShapeTruth {
  /** Name of the shape in the suite, or `custom`. */
  shape: string;
  /** Human label, e.g. `weekly 2y, 2 ch, no weather`. */
  label: string;
  frequency: Frequency;
  /** Days in one row: 1 (daily) or 7 (weekly: generated daily, then summed into weeks). */
  periodDays: number;
  years: number;
  /** Correlation the spend was generated with, and the measured mean pairwise Pearson correlation of the rows' spend. */
  correlation: number;
  spendCorrelation: number;
  /** Weather columns of the series by the DGP's canonical name (none when the tenant has no weather). */
  weatherColumns: Record<string, string>;
  events: EventTruth[];
  /** Noise-free non-media revenue per row (expected minus every channel's contribution). */
  baseline: Float64Array;
}

/** Everything the generator knows about a synthetic tenant. */
export interface GroundTruth {
  tenant: string;
  seed: number;
  driver: WeatherDriver;
  weatherAmplitude: number;
  noiseSd: number;
  channels: ChannelTruth[];
  /** Noise-free expected revenue per row. */
  expected: Float64Array;
  /** Per channel, true contribution per row (expected minus expected with the channel's spend zeroed). */
  contributions: Float64Array[];
  /** Weather driver index per row, in [-1, 1]-ish units, the signal weather works through. */
  driverIndex: Float64Array;
  /** R² of `expected` against observed revenue over all rows. */
  oracleR2: number;
  /** Same on each of the 5 standard time-series test folds, and their mean. */
  oracleFoldR2: number[];
  oracleMeanR2: number;
  /** Shape tenants only. */
  shape?: ShapeTruth;
}

export interface SyntheticTenant {
  info: TenantInfo;
  series: TenantSeries;
  truth: GroundTruth;
  /**
   * Weekly shape tenants: the daily tenant the weeks were summed from (noise-free truth exact per day),
   * used for counterfactuals. Absent for daily tenants.
   */
  daily?: SyntheticTenant;
}
