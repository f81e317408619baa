/**
 * `generate` does not replace imported data (src/app/generate.ts): `generate --prefix shop --seed 1`
 * replaced the imported tenant shop_s1_0 without a word (its lift tests stayed, for dates the new
 * data did not have). Generated tenants of the same prefix and seed are still replaced, as
 * documented.
 */
import { describe, expect, it } from 'vitest';
import { useTempApp } from './app-helpers.js';

const temp = useTempApp('generate');

describe('generate over an imported tenant', () => {
  it('is refused before anything is written, with either kind of generated tenant', () => {
    const app = temp.app();
    const csv = app.exportTenant('none_books').csv;
    app.importTenantData({ tenant: 'shop_s1_1', csv });
    const tenantsBefore = app.listTenants().length;
    expect(() => app.generateTenants({ count: 3, seed: 1, prefix: 'shop' })).toThrow(
      /^tenant 'shop_s1_1' holds imported data, which generating would replace: choose another prefix or seed, or delete it first/,
    );
    expect(() =>
      app.generateTenants({ count: 2, seed: 1, prefix: 'shop', shape: { frequency: 'weekly' } }),
    ).toThrow(/'shop_s1_1' holds imported data/);
    // Nothing written: not even shop_s1_0, which came before the imported one.
    expect(app.listTenants().length).toBe(tenantsBefore);
    expect(app.exportTenant('shop_s1_1').csv).toBe(csv);
  });

  it('still replaces generated tenants of the same prefix and seed', () => {
    const app = temp.app();
    const first = app.generateTenants({ count: 1, seed: 2, prefix: 'gen' }).tenants;
    const again = app.generateTenants({
      count: 1,
      seed: 2,
      prefix: 'gen',
      shape: { frequency: 'weekly', years: 2 },
    }).tenants;
    expect(again).toEqual(first);
    expect(app.describeTenant(first[0]).info.frequency).toBe('weekly');
  });
});
