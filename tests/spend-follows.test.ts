/**
 * Spend that follows the baseline's columns (core/spend-follows.ts): the adjusted R² of a channel's
 * spend on the weekdays, yearly season, trend, weather and controls, against closed forms, and the
 * warning and caveat it gives (an analyst's simulator, probe s75: a search budget following
 * same-day demand read ROAS 9-17 for a true 1.2, with no word of why).
 */
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_TENANT_IDS,
  generateShape,
  generateTenant,
  SHAPE_SUITE,
} from '../src/core/data/index.js';
import { dataWarnings } from '../src/core/data-warnings.js';
import { protocolForSeries } from '../src/core/protocol.js';
import { SeededRandom } from '../src/core/random.js';
import {
  SPEND_FOLLOWS_BASELINE_R2,
  spendBaselineFits,
  spendFollowingBaseline,
} from '../src/core/spend-follows.js';
import type { TenantSeries } from '../src/core/types.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';
import { dataCaveats } from '../src/phases/data-caveats.js';

const day = (i: number): string => new Date(Date.UTC(2023, 0, 2 + i)).toISOString().slice(0, 10);

/** 728 days from a Monday; channels: a weekday schedule plus noise of sd `noise`, and pure noise. */
function series(noise: number): TenantSeries {
  const n = 728;
  const rng = new SeededRandom(7);
  // Weekends 100 above weekdays: over whole weeks its variance is 100^2 (2/7)(5/7).
  const schedule = Float64Array.from(
    { length: n },
    (_, t) => 200 + (t % 7 >= 5 ? 100 : 0) + noise * rng.normal(),
  );
  const other = Float64Array.from({ length: n }, () => 200 + 30 * rng.normal());
  return {
    tenant: 't',
    frequency: 'daily',
    dates: Array.from({ length: n }, (_, i) => day(i)),
    channels: ['email', 'display'],
    spend: [schedule, other],
    weatherNames: [],
    weather: [],
    controlNames: [],
    controls: [],
    targetName: 'revenue',
    target: Float64Array.from({ length: n }, (_, t) => 1000 + (t % 7) * 10),
  };
}

/** The rows of a series from row `from` on. */
function seriesFrom(s: TenantSeries, from: number): TenantSeries {
  return {
    ...s,
    dates: s.dates.slice(from),
    spend: s.spend.map((v) => v.slice(from)),
    weather: s.weather.map((v) => v.slice(from)),
    controls: s.controls.map((v) => v.slice(from)),
    target: s.target.slice(from),
  };
}

describe('spendBaselineFits', () => {
  it('a weekday schedule without noise: R² 1; independent noise: about 0', () => {
    const [email, display] = spendBaselineFits(series(0));
    expect(email.channel).toBe('email');
    expect(email.r2).toBeCloseTo(1, 9);
    // Pure noise on ~11 columns (trend, yearly terms, 6 weekdays): adjusted R² centred on 0.
    expect(Math.abs(display.r2)).toBeLessThan(0.02);
  });

  it('a schedule plus noise: the share of its variance the schedule holds', () => {
    // Closed form: var(schedule) = 100^2 (2/7)(5/7) = 2040.8; noise sd 45.18 (variance 2040.8)
    // makes R² 0.5 in expectation; the draw's sample variances move it by about 0.03.
    const v = 100 ** 2 * (2 / 7) * (5 / 7);
    const [email] = spendBaselineFits(series(Math.sqrt(v)));
    expect(email.r2).toBeGreaterThan(0.46);
    expect(email.r2).toBeLessThan(0.54);
    const [strong] = spendBaselineFits(series(Math.sqrt(v / 4)));
    expect(strong.r2).toBeCloseTo(0.8, 1);
  });

  it('says it as a data warning and an explanation caveat, at or above the threshold only', () => {
    expect(SPEND_FOLLOWS_BASELINE_R2).toBe(0.5);
    const s = series(20);
    expect(spendFollowingBaseline(s).map((f) => f.channel)).toEqual(['email']);
    const w = dataWarnings(s, {
      folds: protocolForSeries(s).folds,
      words: CLI_OPTION_WORDS,
    }).filter((x) => x.code === 'spend_follows_baseline');
    expect(w).toHaveLength(1);
    expect(w[0].message).toMatch(
      /^channel "email"'s spend moves with what drives "revenue" without ads: the weekdays, the yearly season and the trend explain \d+% of its daily variation \(adjusted R²\)/,
    );
    const c = dataCaveats(s).filter((x) => x.code === 'spend_follows_baseline');
    expect(c.map((x) => x.channels)).toEqual([['email']]);
    expect(c[0].message).toBe(w[0].message);
    expect(spendFollowingBaseline(series(200))).toEqual([]);
  });

  it('judges a channel launched part way on its rows since the launch; none below a year of rows', () => {
    // Probe M (s76): a channel launched after two thirds of the rows read 0.59 from its launch step.
    const s = generateTenant('none_books').series;
    const n = s.target.length;
    const from = Math.round(0.66 * n);
    const launched = {
      ...s,
      spend: s.spend.map((v, c) =>
        c === 0 ? Float64Array.from(v, (x, t) => (t < from ? 0 : x)) : v,
      ),
    };
    const since = seriesFrom(launched, from);
    const [meta] = spendBaselineFits(launched);
    // The same fit as on the rows since the launch alone (the columns span the same space there).
    expect(meta.r2).toBeCloseTo(spendBaselineFits(since)[0].r2, 9);
    expect(meta.r2).toBeLessThan(SPEND_FOLLOWS_BASELINE_R2);
    // Fewer rows than a year: the yearly season's columns would bend to fit campaign flights.
    expect(spendBaselineFits(seriesFrom(s, n - 364))).toEqual([]);
    expect(spendBaselineFits(seriesFrom(s, n - 365))).toHaveLength(2);
  });

  it('is silent on the built-in 20 tenants and the shape suite (their highest: about 0.36)', () => {
    for (const id of BUILTIN_TENANT_IDS)
      expect(spendFollowingBaseline(generateTenant(id).series), id).toEqual([]);
    for (const spec of SHAPE_SUITE)
      expect(spendFollowingBaseline(generateShape(spec).series), spec.id).toEqual([]);
  });
});
