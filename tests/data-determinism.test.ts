import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateTenant, generateTenantSet } from '../src/core/data/index.js';
import type { SyntheticTenant } from '../src/core/types.js';

interface FixtureRow {
  [column: string]: number | string;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/data-first-rows.json', import.meta.url), 'utf8'),
) as {
  tenants: Record<string, { noiseSd: number; oracleMeanR2: number; rows: FixtureRow[] }>;
};

function allArrays(t: SyntheticTenant): ArrayLike<number>[] {
  return [
    ...t.series.spend,
    ...t.series.weather,
    t.series.target,
    t.truth.expected,
    ...t.truth.contributions,
    t.truth.driverIndex,
  ];
}

describe('determinism', () => {
  it('two generations of the same tenant are identical, value for value', () => {
    for (const id of ['extreme_rain_gear', 'medium_sports']) {
      const a = generateTenant(id);
      const b = generateTenant(id);
      expect(b.series.dates).toEqual(a.series.dates);
      const aa = allArrays(a);
      const bb = allArrays(b);
      for (let k = 0; k < aa.length; k++) expect(Array.from(bb[k])).toEqual(Array.from(aa[k]));
      expect(b.truth.channels).toEqual(a.truth.channels);
      expect(b.truth.noiseSd).toBe(a.truth.noiseSd);
    }
  });

  it('matches the committed first rows of two tenants (catches cross-machine / engine drift)', () => {
    for (const [id, want] of Object.entries(fixture.tenants)) {
      const t = generateTenant(id);
      const s = t.series;
      want.rows.forEach((row, i) => {
        expect(s.dates[i]).toBe(row.date);
        s.channels.forEach((c, j) => expect(s.spend[j][i]).toBe(row[`${c}_spend`]));
        s.weatherNames.forEach((w, j) => expect(s.weather[j][i]).toBe(row[w]));
        expect(s.target[i]).toBe(row.revenue);
        expect(t.truth.expected[i]).toBeCloseTo(row.expected as number, 6);
      });
      expect(t.truth.noiseSd).toBeCloseTo(want.noiseSd, 9);
      expect(t.truth.oracleMeanR2).toBeCloseTo(want.oracleMeanR2, 9);
    }
  });

  it('another base seed gives other data; the same base seed gives the same generated set', () => {
    const a = generateTenant('none_kitchen');
    const b = generateTenant('none_kitchen', { seed: 7 });
    expect(Array.from(b.series.target)).not.toEqual(Array.from(a.series.target));
    expect(Array.from(b.series.weather[0])).not.toEqual(Array.from(a.series.weather[0]));
    const s1 = generateTenantSet(2, { seed: 5, days: 90 });
    const s2 = generateTenantSet(2, { seed: 5, days: 90 });
    for (let i = 0; i < 2; i++) {
      const x = allArrays(s1[i]);
      const y = allArrays(s2[i]);
      for (let k = 0; k < x.length; k++) expect(Array.from(y[k])).toEqual(Array.from(x[k]));
    }
  });
});
