/** Importing a tenant's data through the app: what is stored and said about it. */
import { describe, expect, it } from 'vitest';
import { useTempApp } from './app-helpers.js';

const { app } = useTempApp('import');

/** A daily CSV of `days` rows from 2024-01-01: one channel, temperature, revenue. */
function dailyCsv(days: number): string {
  let c = 'date,meta_spend,temperature_c,revenue\n';
  for (let i = 0; i < days; i++) {
    const d = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
    c += `${d},${100 + ((i * 37) % 50)},${10 + (i % 7)},${1000 + ((i * 13) % 200)}\n`;
  }
  return c;
}

describe('an imported tenant', () => {
  it('has no location: city, latitude and longitude null, not "" at (0, 0)', () => {
    app().importTenantData({ tenant: 'shop', csv: dailyCsv(200) });
    const row = app()
      .listTenants()
      .find((t) => t.tenant === 'shop');
    expect(row).toMatchObject({ city: null, latitude: null, longitude: null });
    expect(app().describeTenant('shop').info).toMatchObject({
      city: null,
      latitude: null,
      longitude: null,
    });
    // Built-in tenants keep theirs.
    const ski = app()
      .listTenants()
      .find((t) => t.tenant === 'extreme_ski_gear');
    expect(ski?.latitude).toBeCloseTo(39.7, 0);
  });
});
