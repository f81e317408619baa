/** Shared data shapes of the modeling core. Column-major typed arrays, rows in date order. */

export type Frequency = 'daily' | 'weekly';
export type WeatherDriver = 'cold' | 'heat' | 'rain' | 'mixed' | 'none';
export type Tier = 'extreme' | 'high' | 'medium' | 'none' | 'custom';

/** Default weather columns used as model features (wind_kph is carried but not modeled by default). */
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
}

/** Descriptive metadata of a tenant (built-in or imported). */
export interface TenantInfo {
  tenant: string;
  tier: Tier;
  category: string;
  city: string;
  latitude: number;
  longitude: number;
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
  decay: number;
  /** Hill half-saturation point, in the same units as the adstocked spend. */
  hillK: number;
  hillS: number;
  /** Scale of the media effect (currency per unit of Hill output). */
  beta: number;
  /** Weather modulation of the media effect: effect x (1 + gamma x driver index). */
  gamma: number;
  totalSpend: number;
  totalContribution: number;
  /** totalContribution / totalSpend. */
  roas: number;
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
}

export interface SyntheticTenant {
  info: TenantInfo;
  series: TenantSeries;
  truth: GroundTruth;
}
