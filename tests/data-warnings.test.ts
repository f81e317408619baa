import { describe, expect, it } from 'vitest';
import { dataWarnings, describePeriods, periodsPerYear } from '../src/core/data-warnings.js';
import { timeSeriesFolds } from '../src/core/folds.js';
import type { TenantSeries } from '../src/core/types.js';
import { CLI_OPTION_WORDS, MCP_OPTION_WORDS } from '../src/core/words.js';

function series(
  n: number,
  frequency: 'daily' | 'weekly',
  opts: { spend?: Float64Array[]; channels?: string[]; weather?: string[] } = {},
): TenantSeries {
  const channels = opts.channels ?? ['meta', 'google'];
  const weatherNames = opts.weather ?? ['temperature_c', 'precipitation_mm', 'humidity_pct'];
  return {
    tenant: 't',
    frequency,
    dates: Array.from({ length: n }, (_, i) => `d${i}`),
    channels,
    spend: opts.spend ?? channels.map(() => new Float64Array(n).fill(100)),
    weatherNames,
    weather: weatherNames.map(() => new Float64Array(n)),
    controlNames: [],
    controls: [],
    targetName: 'revenue',
    target: Float64Array.from({ length: n }, (_, i) => i),
  };
}

const codes = (s: TenantSeries, folds: number, words = CLI_OPTION_WORDS) =>
  dataWarnings(s, { folds: timeSeriesFolds(s.target.length, folds), words });

describe('short history per fold', () => {
  it('two years of weekly data with 5 folds: the first model trains on 19 weeks, and no fold count fixes it', () => {
    // TimeSeriesSplit: test = floor(104 / 6) = 17, first training window 104 - 5 * 17 = 19.
    const w = codes(series(104, 'weekly'), 5).find((x) => x.code === 'short_history');
    expect(w?.message).toContain(
      'with 5 folds the first model trains on 19 weeks, less than a year',
    );
    // 2 folds: test 34, first window 36 < 52: no fold count gives a year, so: add history.
    expect(w?.message).toContain('add history');
    expect(w?.message).not.toContain('--folds');
  });

  it('three years of weekly data: suggests the largest fold count whose first model sees a year', () => {
    // 156 rows: k=5 -> 156-130=26; k=4 -> 156-124=32; k=3 -> 156-117=39; k=2 -> 156-104=52.
    const cli = codes(series(156, 'weekly'), 5).find((x) => x.code === 'short_history');
    expect(cli?.message).toContain('trains on 26 weeks');
    expect(cli?.message).toContain(
      'use --folds 2 (the first model then trains on 52 weeks; the mean then rests on two test blocks',
    );
    const mcp = codes(series(156, 'weekly'), 5, MCP_OPTION_WORDS).find(
      (x) => x.code === 'short_history',
    );
    expect(mcp?.message).toContain('use folds: 2 (');
  });

  it('says nothing when the first model trains on a year or more', () => {
    expect(codes(series(156, 'weekly'), 2).map((x) => x.code)).not.toContain('short_history');
    // daily, 1095 rows, 2 folds: 1095 - 2 * 365 = 365 rows in the first window.
    expect(codes(series(1095, 'daily'), 2).map((x) => x.code)).not.toContain('short_history');
  });

  it('daily built-in shape with 5 folds: 185 days (6 months), suggest 2 folds (365 days)', () => {
    const w = codes(series(1095, 'daily'), 5).find((x) => x.code === 'short_history');
    expect(w?.message).toContain('trains on 185 days (6 months)');
    expect(w?.message).toContain('--folds 2 (the first model then trains on 365 days (12 months);');
  });
});

describe('weekly data, weather and spend', () => {
  it('weekly data is named as such; daily data is not', () => {
    expect(codes(series(156, 'weekly'), 2).map((x) => x.code)).toContain('weekly_data');
    expect(codes(series(400, 'daily'), 2).map((x) => x.code)).not.toContain('weekly_data');
  });

  it('wind columns are named as not modeled, and no modeled weather at all too', () => {
    const w = codes(series(400, 'daily', { weather: ['temperature_c', 'wind_kph', 'uv'] }), 2);
    const unused = w.find((x) => x.code === 'weather_not_modeled');
    // Unrecognised weather ("uv") is modeled; wind is not.
    expect(unused?.message).toContain(
      'weather column "wind_kph" will not be modeled: wind is kept',
    );
    expect(unused?.message).not.toContain('uv');
    const windOnly = codes(series(1095, 'daily', { weather: ['wind_kph'] }), 2).map((x) => x.code);
    expect(windOnly).toEqual(['weather_not_modeled', 'no_modeled_weather']);
    expect(w.map((x) => x.code)).not.toContain('no_modeled_weather');
    const none = codes(series(1095, 'daily', { weather: [] }), 2);
    expect(none.map((x) => x.code)).toEqual(['no_modeled_weather']);
  });

  it('flags a channel with a tiny share of spend or spend on few rows, not a zero or a normal one', () => {
    const n = 200;
    const meta = new Float64Array(n).fill(100); // 20,000
    const tiny = new Float64Array(n).fill(1); // 200 = 0.99% of 20,200: share below 2%
    const rare = new Float64Array(n);
    rare[3] = 5000; // 1 of 200 rows = 0.5% of rows, though 5000 is 20% of the total
    const zero = new Float64Array(n);
    const s = series(n, 'daily', {
      channels: ['meta', 'tiny', 'rare', 'zero'],
      spend: [meta, tiny, rare, zero],
    });
    const low = codes(s, 2).filter((x) => x.code === 'low_spend_channel');
    expect(low.map((x) => x.message.slice(0, 16))).toEqual([
      'channel "tiny" h',
      'channel "rare" h',
    ]);
    expect(low[0].message).toContain('(0.8% of all spend, on 200 of 200 days)');
    expect(low[1].message).toContain('on 1 of 200 days');
    expect(low[1].message).toContain('--ignore rare_spend');
  });

  it('a channel at exactly the thresholds is not flagged (2% of spend, 5% of rows)', () => {
    const n = 100;
    const a = new Float64Array(n).fill(98); // 9,800
    const b = new Float64Array(n); // 200 on 5 rows = 2% of 10,000
    for (let i = 0; i < 5; i++) b[i * 20] = 40;
    const s = series(n, 'daily', { channels: ['a', 'b'], spend: [a, b] });
    expect(codes(s, 2).map((x) => x.code)).not.toContain('low_spend_channel');
  });
});

describe('helpers', () => {
  it('periods per year and period text', () => {
    expect(periodsPerYear('daily')).toBe(365);
    expect(periodsPerYear('weekly')).toBe(52);
    expect(describePeriods(1, 'weekly')).toBe('1 week');
    expect(describePeriods(61, 'daily')).toBe('61 days (2 months)');
  });
});
