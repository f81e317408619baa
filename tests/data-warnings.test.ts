import { describe, expect, it } from 'vitest';
import { dataWarnings, describePeriods, tooShortWarning } from '../src/core/data-warnings.js';
import { chooseProtocol, periodsPerYear, ProtocolError } from '../src/core/folds.js';
import { protocolForSeries } from '../src/core/protocol.js';
import type { TenantSeries } from '../src/core/types.js';
import { CLI_OPTION_WORDS, MCP_OPTION_WORDS } from '../src/core/words.js';

function series(
  n: number,
  frequency: 'daily' | 'weekly',
  opts: { spend?: Float64Array[]; channels?: string[]; weather?: string[]; tenant?: string } = {},
): TenantSeries {
  const channels = opts.channels ?? ['meta', 'google'];
  const weatherNames = opts.weather ?? ['temperature_c', 'precipitation_mm', 'humidity_pct'];
  return {
    tenant: opts.tenant ?? 't',
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
  dataWarnings(s, { folds: protocolForSeries(s, { folds }).folds, words });

describe('short history per fold (folds by the protocol, core/folds.ts chooseProtocol)', () => {
  it('a built-in tenant (the plan protocol), 5 folds: the first model trains on 185 days; 2 folds give a year', () => {
    // TimeSeriesSplit(5): test floor(1095 / 6) = 182, first window 1095 - 5 * 182 = 185 (>= 182,
    // the plan's aim, so the protocol keeps it); TimeSeriesSplit(2): 1095 - 2 * 365 = 365.
    const builtIn = series(1095, 'daily', { tenant: 'none_books' });
    const w = codes(builtIn, 5).find((x) => x.code === 'short_history');
    expect(w?.message).toContain('with 5 folds the first model trains on 185 days (6 months)');
    expect(w?.message).toContain('leave out the yearly season and the trend');
    expect(w?.message).toContain('--folds 2 (the first model then trains on 365 days (12 months);');
    const mcp = codes(builtIn, 5, MCP_OPTION_WORDS).find((x) => x.code === 'short_history');
    expect(mcp?.message).toContain('use folds: 2 (');
  });

  it('three years of daily data of any other tenant: every fold trains on a year, no warning', () => {
    // min_train = min(365, 547) = 365: TimeSeriesSplit(5)'s 182-row blocks over 4 folds leave 367.
    const folds = protocolForSeries(series(1095, 'daily')).folds;
    expect(folds[0].trainEnd).toBe(367);
    expect(codes(series(1095, 'daily'), 5).map((x) => x.code)).not.toContain('short_history');
    expect(codes(series(730, 'daily'), 5).map((x) => x.code)).not.toContain('short_history');
  });

  it('400 days: the first window is half the series; no fold count gives a year', () => {
    // min_train = max(91, min(365, 200)) = 200; test blocks floor((400 - 200) / 5) = 40, so the
    // first window is 400 - 5 * 40 = 200.
    const w = codes(series(400, 'daily'), 5).find((x) => x.code === 'short_history');
    expect(w?.message).toContain('the first model trains on 200 days (');
    expect(w?.message).toContain('add history if you have it (400 days now;');
    expect(w?.message).not.toContain('--folds');
  });

  it('weekly data of two or three years: the protocol trains every fold on a year, no warning', () => {
    for (const n of [104, 156]) {
      expect(codes(series(n, 'weekly'), 5).map((x) => x.code)).not.toContain('short_history');
    }
    expect(codes(series(1095, 'daily'), 2).map((x) => x.code)).not.toContain('short_history');
  });

  it('too short for any protocol: says how much is needed', () => {
    let error: unknown;
    try {
      chooseProtocol(40, 'weekly');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    const w = tooShortWarning(error as ProtocolError);
    expect(w.code).toBe('too_short');
    expect(w.message).toContain('40 weeks are too few for an honest time-series validation');
    expect(w.message).toContain('training will refuse it until you add history (at least 42 rows)');
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
    const n = 200;
    const a = new Float64Array(n).fill(98); // 19,600
    const b = new Float64Array(n); // 400 on 10 rows = 2% of 20,000, on 5% of the rows
    for (let i = 0; i < 10; i++) b[i * 20] = 40;
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
