import { describe, expect, it } from 'vitest';
import {
  BUILTIN_TENANT_IDS,
  generateTenant,
  generateTenantSet,
  isBuiltinTenant,
  tenantCatalog,
} from '../src/core/data/index.js';

const EXPECTED_IDS = [
  'extreme_ski_gear',
  'extreme_sunscreen',
  'extreme_rain_gear',
  'extreme_heating',
  'extreme_cooling',
  'high_winter_clothing',
  'high_summer_clothing',
  'high_umbrella_rain',
  'high_gym_activity',
  'high_outdoor_gear',
  'medium_clothing',
  'medium_footwear',
  'medium_accessories',
  'medium_beauty',
  'medium_sports',
  'none_office_supplies',
  'none_electronics',
  'none_home_decor',
  'none_kitchen',
  'none_books',
];

// Drivers fixed by the brief for the extreme, high and none tiers.
const EXPECTED_DRIVER: Record<string, string> = {
  extreme_ski_gear: 'cold',
  extreme_heating: 'cold',
  high_winter_clothing: 'cold',
  extreme_sunscreen: 'heat',
  extreme_cooling: 'heat',
  high_summer_clothing: 'heat',
  high_gym_activity: 'heat',
  high_outdoor_gear: 'heat',
  extreme_rain_gear: 'rain',
  high_umbrella_rain: 'rain',
};

describe('tenant catalog', () => {
  it('lists the 20 ids in the canonical order', () => {
    expect([...BUILTIN_TENANT_IDS]).toEqual(EXPECTED_IDS);
    expect(tenantCatalog().map((t) => t.tenant)).toEqual(EXPECTED_IDS);
  });

  it('has four tiers of five, tier = id prefix, and the drivers of the brief', () => {
    const cat = tenantCatalog();
    for (const info of cat) {
      expect(info.tenant.startsWith(`${info.tier}_`)).toBe(true);
      if (info.tier === 'none') expect(info.driver).toBe('none');
      else if (info.tier === 'medium')
        expect(['cold', 'heat', 'rain', 'mixed']).toContain(info.driver);
      else expect(info.driver).toBe(EXPECTED_DRIVER[info.tenant]);
    }
    for (const tier of ['extreme', 'high', 'medium', 'none']) {
      expect(cat.filter((t) => t.tier === tier)).toHaveLength(5);
    }
  });

  it('places the named tenants in the named cities with plausible US coordinates', () => {
    const byId = new Map(tenantCatalog().map((t) => [t.tenant, t]));
    expect(byId.get('extreme_ski_gear')?.city).toMatch(/Denver/);
    expect(byId.get('extreme_sunscreen')?.city).toMatch(/Phoenix/);
    expect(byId.get('extreme_rain_gear')?.city).toMatch(/Seattle/);
    expect(byId.get('extreme_heating')?.city).toMatch(/Minneapolis/);
    expect(byId.get('extreme_cooling')?.city).toMatch(/Houston/);
    // Denver is at about 39.7 N, 105.0 W.
    expect(byId.get('extreme_ski_gear')?.latitude).toBeCloseTo(39.7, 0);
    expect(byId.get('extreme_ski_gear')?.longitude).toBeCloseTo(-105, 0);
    for (const t of byId.values()) {
      expect(t.latitude).toBeGreaterThan(24);
      expect(t.latitude).toBeLessThan(49.5);
      expect(t.longitude).toBeGreaterThan(-125);
      expect(t.longitude).toBeLessThan(-66);
      expect(t.channels).toEqual(['meta', 'google']);
      expect([t.rows, t.start, t.end, t.frequency, t.source]).toEqual([
        1095,
        '2022-01-01',
        '2024-12-30',
        'daily',
        'builtin',
      ]);
    }
  });

  it('recognises built-in ids only', () => {
    expect(isBuiltinTenant('extreme_heating')).toBe(true);
    expect(isBuiltinTenant('Extreme_Heating')).toBe(false);
    expect(isBuiltinTenant('gen_s1_0')).toBe(false);
  });
});

describe('generateTenant shape and validation', () => {
  it('gives 1,095 consecutive daily rows from 2022-01-01 to 2024-12-30 with the canonical columns', () => {
    const t = generateTenant('medium_beauty');
    const s = t.series;
    expect(s.dates).toHaveLength(1095);
    expect(s.dates[0]).toBe('2022-01-01');
    expect(s.dates[1094]).toBe('2024-12-30');
    expect(s.dates).toContain('2024-02-29');
    for (let i = 1; i < s.dates.length; i++) {
      expect(Date.parse(s.dates[i]) - Date.parse(s.dates[i - 1])).toBe(86_400_000);
    }
    expect(s.channels).toEqual(['meta', 'google']);
    expect(s.weatherNames).toEqual([
      'temperature_c',
      'precipitation_mm',
      'humidity_pct',
      'wind_kph',
    ]);
    expect(s.targetName).toBe('revenue');
    for (const a of [
      ...s.spend,
      ...s.weather,
      s.target,
      t.truth.expected,
      ...t.truth.contributions,
      t.truth.driverIndex,
    ]) {
      expect(a).toHaveLength(1095);
      expect(a.every((v) => Number.isFinite(v))).toBe(true);
    }
  });

  it('honours days and start', () => {
    const t = generateTenant('none_books', { days: 100, start: '2023-03-01' });
    expect(t.series.dates[0]).toBe('2023-03-01');
    expect(t.series.dates[99]).toBe('2023-06-08');
    expect(t.info.end).toBe('2023-06-08');
    expect(t.truth.oracleFoldR2).toHaveLength(5);
  });

  it('rejects an unknown id, listing the valid ids', () => {
    expect(() => generateTenant('extreme_snow')).toThrow(/unknown.*extreme_ski_gear.*none_books/);
  });

  it('rejects bad options with the valid range', () => {
    expect(() => generateTenant('none_books', { days: 10 })).toThrow(
      /days must be an integer in \[30/,
    );
    expect(() => generateTenant('none_books', { days: 100.5 })).toThrow(RangeError);
    expect(() => generateTenant('none_books', { seed: -1 })).toThrow(/seed must be an integer/);
    expect(() => generateTenant('none_books', { start: '2023-02-30' })).toThrow(
      /not a real calendar date/,
    );
    expect(() => generateTenant('none_books', { start: '01/02/2023' })).toThrow(/YYYY-MM-DD/);
    expect(() => generateTenant('none_books', { trueRoas: [1] })).toThrow(/trueRoas/);
    expect(() => generateTenant('none_books', { oracleR2Target: 1.2 })).toThrow(/oracleR2Target/);
    expect(() => generateTenantSet(-1, { seed: 1 })).toThrow(/count must be/);
    expect(() => generateTenantSet(1, { seed: 1, prefix: '1 bad' })).toThrow(/prefix/);
  });
});

describe('generateTenantSet', () => {
  it('names tenants <prefix>_s<seed>_<i>, draws tiers/drivers from the built-in families, and extends smaller sets', () => {
    const small = generateTenantSet(3, { seed: 11, days: 120 });
    const big = generateTenantSet(6, { seed: 11, days: 120 });
    expect(big.map((t) => t.info.tenant)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `gen_s11_${i}`));
    for (let i = 0; i < 3; i++) {
      expect(big[i].series.target).toEqual(small[i].series.target);
      expect(big[i].series.spend).toEqual(small[i].series.spend);
    }
    const families = new Map(tenantCatalog().map((t) => [t.tier, new Set<string>()]));
    for (const t of tenantCatalog()) families.get(t.tier)?.add(t.driver);
    for (const t of generateTenantSet(40, { seed: 3, days: 60, prefix: 'bench' })) {
      expect(t.info.tenant).toMatch(/^bench_s3_\d+$/);
      expect(t.info.source).toBe('generated');
      expect(families.get(t.info.tier)?.has(t.info.driver)).toBe(true);
      expect(t.series.dates).toHaveLength(60);
    }
  });
});
