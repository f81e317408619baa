/** The 20 built-in retail tenants, their cities' climates and the per-tier weather amplitudes. */

import type { TenantInfo, Tier, WeatherDriver } from '../types.js';

/** Climate of a city, the inputs of the weather generator (see docs/data-generation.md). */
export interface CityClimate {
  city: string;
  latitude: number;
  longitude: number;
  /** Added to the latitude formula for the annual mean temperature (altitude, sea, desert), in deg C. */
  tempOffset: number;
  /** Multiplies the latitude formula for the seasonal temperature amplitude (< 1 maritime, ~1 continental). */
  continentality: number;
  /** Average fraction of wet days over the year. */
  wetFraction: number;
  /** Relative seasonal swing of the wet-day fraction, and the day of year where it peaks. */
  wetSeasonAmp: number;
  wetPeakDay: number;
  /** Mean precipitation on a wet day, mm. */
  wetDayMm: number;
  /** Typical relative humidity on a dry day, %. */
  humidityBase: number;
}

/** Weights of the basic driver indices (cold, heat, rain) in a tenant's driver index. */
export interface DriverMix {
  cold: number;
  heat: number;
  rain: number;
}

export interface TenantSpec {
  id: string;
  tier: Exclude<Tier, 'custom'>;
  category: string;
  driver: WeatherDriver;
  mix: DriverMix;
  city: CityClimate;
}

const c = (
  city: string,
  latitude: number,
  longitude: number,
  tempOffset: number,
  continentality: number,
  wetFraction: number,
  wetSeasonAmp: number,
  wetPeakDay: number,
  wetDayMm: number,
  humidityBase: number,
): CityClimate => ({
  city,
  latitude,
  longitude,
  tempOffset,
  continentality,
  wetFraction,
  wetSeasonAmp,
  wetPeakDay,
  wetDayMm,
  humidityBase,
});

/** US cities with offsets chosen so the generated normals match the real annual mean and Jan/Jul spread to ~1-2 deg C. */
export const CITIES: readonly CityClimate[] = [
  c('Denver, CO', 39.74, -104.99, -1.0, 0.85, 0.22, 0.3, 150, 5, 45),
  c('Phoenix, AZ', 33.45, -112.07, 8.0, 1.0, 0.08, 0.5, 210, 6, 28),
  c('Seattle, WA', 47.61, -122.33, 6.0, 0.42, 0.42, 0.55, 350, 5, 75),
  c('Minneapolis, MN', 44.98, -93.27, 0.0, 1.0, 0.28, 0.25, 170, 6, 66),
  c('Houston, TX', 29.76, -95.37, 3.0, 0.95, 0.28, 0.15, 160, 10, 74),
  c('Chicago, IL', 41.88, -87.63, 0.5, 0.93, 0.3, 0.2, 160, 7, 67),
  c('Miami, FL', 25.76, -80.19, 4.5, 0.6, 0.35, 0.5, 230, 10, 74),
  c('Portland, OR', 45.52, -122.68, 5.4, 0.5, 0.42, 0.5, 350, 5, 72),
  c('Atlanta, GA', 33.75, -84.39, 1.6, 0.9, 0.3, 0.15, 60, 9, 67),
  c('Salt Lake City, UT', 40.76, -111.89, 1.0, 0.95, 0.2, 0.35, 100, 5, 50),
  c('New York, NY', 40.71, -74.01, 2.5, 0.87, 0.32, 0.1, 120, 8, 64),
  c('Boston, MA', 42.36, -71.06, 1.6, 0.83, 0.32, 0.1, 100, 8, 66),
  c('Los Angeles, CA', 34.05, -118.24, 3.3, 0.45, 0.1, 0.8, 20, 9, 62),
  c('Dallas, TX', 32.78, -96.8, 3.4, 1.0, 0.22, 0.25, 130, 10, 62),
  c('Philadelphia, PA', 39.95, -75.17, 2.5, 0.9, 0.3, 0.1, 180, 8, 65),
  c('Columbus, OH', 39.96, -83.0, 0.5, 0.89, 0.33, 0.15, 150, 7, 68),
  c('San Jose, CA', 37.34, -121.89, 3.1, 0.43, 0.15, 0.8, 20, 7, 65),
  c('Nashville, TN', 36.16, -86.78, 1.8, 0.93, 0.3, 0.15, 60, 9, 68),
  c('Detroit, MI', 42.33, -83.05, 0.6, 0.87, 0.31, 0.15, 150, 6, 68),
  c('Pittsburgh, PA', 40.44, -79.99, 0.3, 0.85, 0.38, 0.15, 150, 6, 68),
];

function city(name: string): CityClimate {
  const found = CITIES.find((x) => x.city.startsWith(name));
  if (!found) throw new Error(`internal: unknown city ${name}`);
  return found;
}

const COLD: DriverMix = { cold: 1, heat: 0, rain: 0 };
const HEAT: DriverMix = { cold: 0, heat: 1, rain: 0 };
const RAIN: DriverMix = { cold: 0, heat: 0, rain: 1 };
const NONE: DriverMix = { cold: 0, heat: 0, rain: 0 };

const s = (
  id: string,
  tier: TenantSpec['tier'],
  category: string,
  driver: WeatherDriver,
  mix: DriverMix,
  cityName: string,
): TenantSpec => ({ id, tier, category, driver, mix, city: city(cityName) });

/** The 20 built-in tenants, in the canonical order (four tiers of five). */
export const TENANT_SPECS: readonly TenantSpec[] = [
  s('extreme_ski_gear', 'extreme', 'ski gear', 'cold', COLD, 'Denver'),
  s('extreme_sunscreen', 'extreme', 'sunscreen', 'heat', HEAT, 'Phoenix'),
  s('extreme_rain_gear', 'extreme', 'rain gear', 'rain', RAIN, 'Seattle'),
  s('extreme_heating', 'extreme', 'heating', 'cold', COLD, 'Minneapolis'),
  s('extreme_cooling', 'extreme', 'cooling', 'heat', HEAT, 'Houston'),
  s('high_winter_clothing', 'high', 'winter clothing', 'cold', COLD, 'Chicago'),
  s('high_summer_clothing', 'high', 'summer clothing', 'heat', HEAT, 'Miami'),
  s('high_umbrella_rain', 'high', 'umbrellas', 'rain', RAIN, 'Portland'),
  s('high_gym_activity', 'high', 'gym & activity', 'heat', HEAT, 'Atlanta'),
  s('high_outdoor_gear', 'high', 'outdoor gear', 'heat', HEAT, 'Salt Lake City'),
  s(
    'medium_clothing',
    'medium',
    'clothing',
    'mixed',
    { cold: 0.6, heat: 0, rain: 0.4 },
    'New York',
  ),
  s('medium_footwear', 'medium', 'footwear', 'rain', RAIN, 'Boston'),
  s('medium_accessories', 'medium', 'accessories', 'heat', HEAT, 'Los Angeles'),
  s('medium_beauty', 'medium', 'beauty', 'heat', HEAT, 'Dallas'),
  s(
    'medium_sports',
    'medium',
    'sports',
    'mixed',
    { cold: 0, heat: 0.6, rain: -0.4 },
    'Philadelphia',
  ),
  s('none_office_supplies', 'none', 'office supplies', 'none', NONE, 'Columbus'),
  s('none_electronics', 'none', 'electronics', 'none', NONE, 'San Jose'),
  s('none_home_decor', 'none', 'home decor', 'none', NONE, 'Nashville'),
  s('none_kitchen', 'none', 'kitchen', 'none', NONE, 'Detroit'),
  s('none_books', 'none', 'books', 'none', NONE, 'Pittsburgh'),
];

/** Weather amplitude A per tier: revenue baseline x (1 + A x driver index). */
export const TIER_AMPLITUDE: Readonly<Record<TenantSpec['tier'], number>> = {
  extreme: 0.85,
  high: 0.7,
  medium: 0.4,
  none: 0,
};

export const TIERS: readonly TenantSpec['tier'][] = ['extreme', 'high', 'medium', 'none'];

export const CHANNELS: readonly string[] = ['meta', 'google'];
export const DEFAULT_START = '2022-01-01';
export const DEFAULT_DAYS = 1095;
export const DEFAULT_SEED = 20220101;

/** The 20 built-in tenant ids, in canonical order. */
export const BUILTIN_TENANT_IDS: readonly string[] = Object.freeze(TENANT_SPECS.map((t) => t.id));

const BY_ID = new Map(TENANT_SPECS.map((t) => [t.id, t]));

export function isBuiltinTenant(id: string): boolean {
  return BY_ID.has(id);
}

/** Spec of a built-in tenant; throws listing the valid ids when unknown. */
export function builtinSpec(id: string): TenantSpec {
  const spec = BY_ID.get(id);
  if (!spec) {
    throw new Error(
      `unknown built-in tenant ${JSON.stringify(id)}; valid ids: ${BUILTIN_TENANT_IDS.join(', ')}`,
    );
  }
  return spec;
}

/** Last ISO date of a daily series of `days` rows from `start`. */
function endDate(start: string, days: number): string {
  const [y, m, d] = start.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + (days - 1) * 86_400_000).toISOString().slice(0, 10);
}

/** TenantInfo of a spec for a series of `days` rows from `start`. */
export function infoOf(
  spec: TenantSpec,
  source: TenantInfo['source'],
  start = DEFAULT_START,
  days = DEFAULT_DAYS,
): TenantInfo {
  return {
    tenant: spec.id,
    tier: spec.tier,
    category: spec.category,
    city: spec.city.city,
    latitude: spec.city.latitude,
    longitude: spec.city.longitude,
    driver: spec.driver,
    source,
    rows: days,
    start,
    end: endDate(start, days),
    frequency: 'daily',
    channels: [...CHANNELS],
  };
}

/** Catalog of the 20 built-in tenants with the default 1,095 daily rows from 2022-01-01. */
export function tenantCatalog(): TenantInfo[] {
  return TENANT_SPECS.map((spec) => infoOf(spec, 'builtin'));
}
