import { describe, expect, it } from 'vitest';
import {
  dataWarnings,
  describePeriods,
  lowSpendChannels,
  tooShortWarning,
} from '../src/core/data-warnings.js';
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
    // Said of a built-in tenant (the app passes builtin): fewer folds change figures that the
    // gates and the README compare (probe s74 read the advice against the README's protocol).
    expect(w?.message).not.toContain('built-in');
    const said = dataWarnings(builtIn, {
      folds: protocolForSeries(builtIn, { folds: 5 }).folds,
      words: CLI_OPTION_WORDS,
      source: 'builtin',
    }).find((x) => x.code === 'short_history');
    expect(said?.message).toMatch(
      /or add history \(a built-in tenant keeps the plan's 5 folds by default so that its figures compare with the gates' and the README's; other folds give other figures\)$/,
    );
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
    // The fewest days whose first window is a year: 725 (min_train min(365, 362) = 362, blocks
    // floor(363 / 5) = 72, first window 725 - 360 = 365); 724 leaves 364. It said "about 1095".
    expect(w?.message).toContain('725 days give 5 folds that each train on at least a year');
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

  it('weather columns of no recognised name: says what they lose and the names to give them', () => {
    // t_max and sky were marked as weather: modeled, but without hinges, with low / mid / high
    // states, no hot / cold / wet / dry scenarios and no physical check of a forecast.
    const w = codes(
      series(1095, 'daily', { weather: ['t_max', 'precipitation_mm', 'sky', 'wind_kph'] }),
      2,
    );
    const unknown = w.filter((x) => x.code === 'weather_kind_unknown');
    expect(unknown).toHaveLength(1);
    expect(unknown[0].message).toBe(
      'weather columns "t_max", "sky" have no name docs/csv-format.md lists, so the model does not know what they measure: ' +
        'each is modeled as a plain weather term (the level, square and products with spend) without the temperature hinge terms a recognised temperature gets; ' +
        'explain splits each into low / mid / high by their own values, not cold / mild / hot or rain / dry; ' +
        'plan cannot rank days by them for the hot, cold, wet and dry scenarios, and does not check a forecast of them against what the weather can be; ' +
        'if one is temperature, name it temperature_c (temperature_f or temp_f for °F), precipitation precipitation_mm (precipitation_in for inches), humidity humidity_pct, and import the file again over this tenant',
    );
    const weekly = codes(series(156, 'weekly', { weather: ['t_max'] }), 2).find(
      (x) => x.code === 'weather_kind_unknown',
    );
    expect(weekly?.message).toContain('plan cannot rank weeks by it for the hot, cold');
    const one = codes(series(1095, 'daily', { weather: ['temperature_c', 'RelHum'] }), 2);
    expect(one.find((x) => x.code === 'weather_kind_unknown')?.message).toMatch(
      /^weather column "RelHum" has no name .* modeled as a plain weather term \(its level/,
    );
    // Recognised names (any alias or unit) and wind give no such warning.
    for (const weather of [
      ['temperature_c', 'precipitation_mm', 'humidity_pct'],
      ['temp', 'rain_mm', 'RH', 'wind_mph'],
      ['Temperature (°F)', 'precip_in', 'humidity'],
    ]) {
      expect(codes(series(1095, 'daily', { weather }), 2).map((x) => x.code)).not.toContain(
        'weather_kind_unknown',
      );
    }
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
    // The rule the planner and explain read: the same two channels and the one that never spends
    // (share 0; the CSV reader refuses such a column, a series built in code can hold one).
    const held = lowSpendChannels(s);
    expect(held.map((x) => x.channel)).toEqual(['tiny', 'rare', 'zero']);
    expect(held[0].share).toBeCloseTo(200 / 25_200, 12); // 20,000 + 200 + 5,000 in all
    expect(held[1]).toMatchObject({ active: 1, rows: 200 });
    expect(held[2]).toMatchObject({ share: 0, active: 0 });
    expect(lowSpendChannels(series(n, 'daily', { spend: [zero, zero] }))).toEqual([]);
  });

  it('a channel at exactly the thresholds is not flagged (2% of spend, 5% of rows)', () => {
    const n = 200;
    const a = new Float64Array(n).fill(98); // 19,600
    const b = new Float64Array(n); // 400 on 10 rows = 2% of 20,000, on 5% of the rows
    for (let i = 0; i < 10; i++) b[i * 20] = 40;
    const s = series(n, 'daily', { channels: ['a', 'b'], spend: [a, b] });
    expect(codes(s, 2).map((x) => x.code)).not.toContain('low_spend_channel');
  });

  it('a late launch is judged on its own span, and many channels lower the share (a tenth of an even split)', () => {
    // 12 channels: 11 at 100 a day from the first day, a 12th at 10 a day from day 801 of 1,000.
    // Over all rows it is 2,000 / 1,102,000 = 0.18% of spend; from its launch on 2,000 / 222,000 =
    // 0.90%, above the 12-channel threshold 0.1 / 12 = 0.83% (below the flat 2%): not flagged.
    const n = 1000;
    const full = Array.from({ length: 11 }, () => new Float64Array(n).fill(100));
    const late = new Float64Array(n);
    for (let t = 800; t < n; t++) late[t] = 10;
    const names = [...Array.from({ length: 11 }, (_, i) => `c${i + 1}`), 'late'];
    expect(
      lowSpendChannels(series(n, 'daily', { channels: names, spend: [...full, late] })),
    ).toEqual([]);
    // At 9 a day it is 1,800 / 221,800 = 0.81% of its span's spend: flagged, and said so.
    const lower = late.map((v) => (v > 0 ? 9 : 0));
    const s = series(n, 'daily', { channels: names, spend: [...full, lower] });
    const held = lowSpendChannels(s);
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ channel: 'late', active: 200, rows: n, first: 800 });
    expect(held[0].share).toBeCloseTo(1800 / 221_800, 12);
    const warning = codes(s, 2).find((x) => x.code === 'low_spend_channel')!;
    expect(warning.message).toContain(
      '(0.8% of all spend since its first spend (day 801), on 200 of 1000 days)',
    );
    // Two channels keep the flat 2%: a channel at 1.9% of the spend on every row is flagged.
    const two = series(n, 'daily', {
      spend: [new Float64Array(n).fill(98.1), new Float64Array(n).fill(1.9)],
    });
    expect(lowSpendChannels(two).map((x) => x.channel)).toEqual(['google']);
  });
});

/** Daily rows of meta at 100 a day beside a second channel's spend, and the warnings of one code. */
const beside = (name: string, spend: Float64Array) =>
  series(spend.length, 'daily', {
    channels: ['meta', name],
    spend: [new Float64Array(spend.length).fill(100), spend],
  });
const warningsOf = (s: TenantSeries, code: string, words = CLI_OPTION_WORDS) =>
  dataWarnings(s, { folds: protocolForSeries(s).folds, words }).filter((x) => x.code === code);

describe('a channel paused in the middle of the history (paused_channel)', () => {
  // 1095 daily rows, folds as below: training ends 367, 549, 731, 913; tests 182 rows each.
  const paused = (from: number, days: number, n = 1095) =>
    beside(
      'google',
      Float64Array.from({ length: n }, (_, t) => (t >= from && t < from + days ? 0 : 50)),
    );
  const warned = (s: TenantSeries, words = CLI_OPTION_WORDS) =>
    warningsOf(s, 'paused_channel', words);

  it('names the fold that never saw it stop while its test block holds the pause, and the window that fixes it', () => {
    // 91 days from row 500: fold 1 (train [0, 367), test [367, 549)) holds rows 500-548 of it and
    // never saw google stop; fold 2 trains on 49 of its days (>= 28); the pause ends at row 590,
    // so the first window that holds it is 591 rows.
    const w = warned(paused(500, 91));
    expect(w).toHaveLength(1);
    expect(w[0].message).toContain(
      'channel "google" spends nothing for 91 days (3 months) from d500 to d590 and spends again after: fold 1 of 4 trains on rows where it never stopped',
    );
    expect(w[0].message).toContain('--min-train 591 starts the first fold after the pause (');
    expect(warned(paused(500, 91), MCP_OPTION_WORDS)[0].message).toContain(
      'min_train: 591 starts the first fold after the pause (',
    );
    const s = paused(500, 91);
    const moved = protocolForSeries(s, { minTrain: 591 }).folds;
    expect(
      dataWarnings(s, { folds: moved, words: CLI_OPTION_WORDS }).map((x) => x.code),
    ).not.toContain('paused_channel');
  });

  it('a pause of 27 days is not one, 28 is; a pause every training window saw is not flagged', () => {
    expect(warned(paused(500, 27))).toEqual([]);
    expect(warned(paused(500, 28))).toHaveLength(1);
    // A pause in the first year: every fold's training rows hold it.
    expect(warned(paused(100, 91))).toEqual([]);
    // Two pauses, the first in fold 1's test block: both named, the second by its count.
    const twice = beside(
      'google',
      Float64Array.from({ length: 1095 }, (_, t) =>
        (t >= 400 && t < 440) || (t >= 800 && t < 830) ? 0 : 50,
      ),
    );
    expect(warned(twice)[0].message).toContain(
      'spends nothing for 40 days (1 month) from d400 to d439 and spends again after (and in 1 more pause of 28 days or more)',
    );
    // No spend at the start or the end is a launch or a stop, not a pause.
    expect(warned(paused(0, 400))).toEqual([]);
    expect(warned(paused(900, 195))).toEqual([]);
  });
});

describe('a channel launched during the history (late_start_channel)', () => {
  // 1095 daily rows: every fold trains on a year, 4 folds of 182 test rows (first window 367):
  // training ends 367, 549, 731, 913.
  const launched = (from: number, n = 1095) =>
    beside(
      'tv',
      Float64Array.from({ length: n }, (_, t) => (t >= from ? 50 : 0)),
    );
  const late = (s: TenantSeries, words = CLI_OPTION_WORDS) =>
    warningsOf(s, 'late_start_channel', words);

  it('names the fold that trains without it while its test block has it, and the window that fixes it', () => {
    // Launch at row 600: fold 1 (train [0, 367), test [367, 549)) has no spend on either side;
    // fold 2 (train 549 rows, none of them with spend; test [549, 731) with 131) is the one; fold
    // 3 trains on 131 days of it. 28 days of spend end at row 627, so min-train 628.
    const w = late(launched(600));
    expect(w).toHaveLength(1);
    expect(w[0].message).toContain('channel "tv" first spends on d600 (row 601 of 1095)');
    expect(w[0].message).toContain('fold 2 of 4 trains on none of its spend');
    expect(w[0].message).toContain('--min-train 628 starts the first fold after the launch (');
    expect(late(launched(600), MCP_OPTION_WORDS)[0].message).toContain(
      'min_train: 628 starts the first fold after the launch (',
    );
    // The suggested window does what it says: no fold then trains on fewer than 28 days of it.
    const s = launched(600);
    const moved = protocolForSeries(s, { minTrain: 628 }).folds;
    expect(moved[0].trainEnd).toBeGreaterThanOrEqual(628);
    expect(
      dataWarnings(s, { folds: moved, words: CLI_OPTION_WORDS }).map((x) => x.code),
    ).not.toContain('late_start_channel');
  });

  it('counts spend rows, not the launch date: 27 days of spend before a fold still flag it, 28 do not', () => {
    // Fold 2 trains on [0, 549): a launch at 522 gives it 27 days, at 521 28 days; both launches
    // fall in fold 1's test block [367, 549), whose training rows have none.
    // (Fold 1 trains on none of it, fold 2 on 27 days: "fewer than", said of both; "none" where
    // every fold named has none, as below.)
    expect(late(launched(522))[0].message).toContain('folds 1, 2 of 4 train on fewer than 28 days');
    expect(late(launched(522))[0].message).toContain('their test blocks have some, so those folds');
    expect(late(launched(521))[0].message).toContain('fold 1 of 4 trains on none of its spend');
  });

  it('is silent for a channel that spends from the start or whose launch no test block sees', () => {
    expect(late(launched(0))).toEqual([]);
    // Spend only on rows [0, 100): every fold trains on all of it.
    const early = series(1095, 'daily', {
      channels: ['meta', 'tv'],
      spend: [
        new Float64Array(1095).fill(100),
        Float64Array.from({ length: 1095 }, (_, t) => (t < 100 ? 50 : 0)),
      ],
    });
    expect(late(early)).toEqual([]);
  });

  it('several folds at once, and no suggestion when no protocol can start after the launch', () => {
    // Launch at row 1000 of 1095: only fold 4 (test [913, 1095)) sees it; a first window of 1028
    // rows leaves 67 for two test blocks. At row 1060, 28 days of spend end at 1087 and the 7 rows
    // after cannot make two folds: no suggestion.
    const w = late(launched(1000));
    expect(w[0].message).toContain('fold 4 of 4 trains on none of its spend');
    expect(w[0].message).toContain(
      '--min-train 1028 starts the first fold after the launch (2 folds; its test blocks are shorter and its R² lower and noisier, so keep the default protocol for the gates and plans)',
    );
    const end = late(launched(1060));
    expect(end[0].message).toContain('fold 4 of 4');
    expect(end[0].message).toContain(
      "read the other folds' R² (printed by train) rather than the mean",
    );
    // Launch at row 400: fold 1 (test has rows 400-548); fold 2 trains on 149 days of it.
    expect(late(launched(400))[0].message).toContain('fold 1 of 4 trains');
    // Weekly: 8 weeks of spend (156 weeks: 4 folds of 26, first window 52).
    const n = 156;
    const tv = Float64Array.from({ length: n }, (_, t) => (t >= 70 ? 50 : 0));
    const weekly = series(n, 'weekly', {
      channels: ['meta', 'tv'],
      spend: [new Float64Array(n).fill(100), tv],
    });
    const ww = late(weekly);
    expect(ww[0].message).toContain('fold 1 of 4 trains on none of its spend');
    expect(ww[0].message).toContain('--min-train 78 starts the first fold after the launch (');
  });
});

describe('controls that a fold cannot learn from, and controls that restate the calendar', () => {
  // 156 weekly rows from 2018-01-01 (a Monday): 4 folds of 26 test rows, training ends 52, 78,
  // 104, 130 (the year-window rule).
  const n = 156;
  const dates = Array.from({ length: n }, (_, t) =>
    new Date(Date.UTC(2018, 0, 1) + t * 7 * 86_400_000).toISOString().slice(0, 10),
  );
  const withControls = (controls: Record<string, Float64Array>) => ({
    ...series(n, 'weekly'),
    dates,
    controlNames: Object.keys(controls),
    controls: Object.values(controls),
  });
  const warned = (s: TenantSeries, code: string, words = CLI_OPTION_WORDS) =>
    dataWarnings(s, { folds: protocolForSeries(s).folds, words }).filter((x) => x.code === code);
  const pulse = (...rows: number[]) =>
    Float64Array.from({ length: n }, (_, t) => (rows.includes(t) ? 1 : 0));

  it('names the folds whose training rows never see an event their test block has', () => {
    expect(protocolForSeries(withControls({})).folds.map((f) => f.trainEnd)).toEqual([
      52, 78, 104, 130,
    ]);
    // Test blocks [52, 78), [78, 104), [104, 130), [130, 156). An event at row 90 only: fold 2
    // has it in its test block; folds 3 and 4 train on it; fold 1 sees none of it.
    const one = warned(withControls({ event_2: pulse(90) }), 'unseen_control');
    expect(one).toHaveLength(1);
    expect(one[0].message).toContain(
      `control "event_2" is 0 on every training row of fold 2 of 4 but not in its test block (from ${dates[90]})`,
    );
    expect(one[0].message).toContain("read the other folds' R²");
    // Rows 60 and 120: fold 1's test block has the first; the later folds train on it.
    const two = warned(withControls({ promo: pulse(60, 120) }), 'unseen_control');
    expect(two.map((x) => x.message.slice(0, 58))).toEqual([
      'control "promo" is 0 on every training row of fold 1 of 4 ',
    ]);
    // Seen in training (row 10), then again later: nothing to warn.
    expect(warned(withControls({ promo: pulse(10, 90) }), 'unseen_control')).toEqual([]);
    // A price step at row 110, inside fold 3's test block [104, 130): the value 1 on its training rows.
    const step = Float64Array.from({ length: n }, (_, t) => (t >= 110 ? 1.05 : 1));
    const stepWarning = warned(withControls({ price_index: step }), 'unseen_control')[0].message;
    expect(stepWarning).toContain(
      `control "price_index" is 1 on every training row of fold 3 of 4 but not in its test block (from ${dates[110]})`,
    );
    // It stays to the end: no earlier occurrence to give (a new store, a price change), so the
    // advice is a first fold that trains on 8 weeks of it: min-train 110 + 8.
    expect(stepWarning).toContain(
      'it is 1.05 from then to the end of the data, a step with no earlier occurrence, so read the folds that train after it',
    );
    expect(stepWarning).not.toContain('earlier occurrences (a past event');
    expect(stepWarning).toContain(
      'start the first fold 8 weeks after it with --min-train 118 (4 folds)',
    );
    // The window does what it says: the first fold trains on 8 weeks or more of the step.
    const moved = protocolForSeries(withControls({ price_index: step }), { minTrain: 118 }).folds;
    expect(moved.map((f) => f.trainEnd)).toEqual([120, 129, 138, 147]);
    // An event inside the first training window: every fold trains on it.
    expect(warned(withControls({ e: pulse(20) }), 'unseen_control')).toEqual([]);
  });

  it('flags a time index and the day, week or month of the year, in the words of the face', () => {
    const t = Float64Array.from({ length: n }, (_, i) => 3 + 2 * i);
    const index = warned(withControls({ t }), 'calendar_control');
    expect(index[0].message).toContain('control "t" is a time index');
    expect(index[0].message).toContain('--ignore t unless');
    expect(warned(withControls({ t }), 'calendar_control', MCP_OPTION_WORDS)[0].message).toContain(
      'roles.ignore_columns: ["t"]',
    );
    const day = 86_400_000;
    const doy = Float64Array.from(dates, (d) => {
      const y = Number(d.slice(0, 4));
      return (Date.parse(d) - Date.UTC(y, 0, 1)) / day + 1;
    });
    expect([doy[0], doy[52]]).toEqual([1, 365]); // 2018-01-01, 2018-12-31
    expect(warned(withControls({ dayofyear: doy }), 'calendar_control')[0].message).toContain(
      "is the date's day of the year: the model already has its own yearly season",
    );
    const doy0 = doy.map((v) => v - 1);
    expect(warned(withControls({ doy0 }), 'calendar_control')[0].message).toContain(
      'day of the year counted from 0',
    );
    const month = Float64Array.from(dates, (d) => Number(d.slice(5, 7)));
    expect(warned(withControls({ month }), 'calendar_control')[0].message).toContain(
      `control "month" is the date's month`,
    );
    // ISO 8601 weeks from their definition: week 1 starts on the Monday on or before 4 January.
    const isoWeek = (d: string) => {
      const t = Date.parse(d);
      for (const y of [
        Number(d.slice(0, 4)) + 1,
        Number(d.slice(0, 4)),
        Number(d.slice(0, 4)) - 1,
      ]) {
        const jan4 = Date.UTC(y, 0, 4);
        const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * day;
        if (t >= monday) return Math.floor((t - monday) / (7 * day)) + 1;
      }
      throw new Error(d);
    };
    expect(isoWeek('2018-12-31')).toBe(1); // in 2019's week 1
    expect(isoWeek('2020-12-28')).toBe(53);
    const week = Float64Array.from(dates, isoWeek);
    expect(warned(withControls({ week }), 'calendar_control')[0].message).toContain(
      `control "week" is the date's week of the year`,
    );
    // A week later (to 2020-12-28, ISO week 53 of 2020; 2019-12-30 in week 1 of 2020).
    const later = dates.map((d) => new Date(Date.parse(d) + 7 * day).toISOString().slice(0, 10));
    expect(later.at(-1)).toBe('2020-12-28');
    const laterWeek = Float64Array.from(later, isoWeek);
    expect(laterWeek.at(-1)).toBe(53);
    expect(
      warned({ ...withControls({ week: laterWeek }), dates: later }, 'calendar_control'),
    ).toHaveLength(1);
    // Off by one week on one row: not the calendar, no warning.
    const nearly = week.map((v, i) => (i === 40 ? v + 1 : v));
    expect(warned(withControls({ nearly }), 'calendar_control')).toEqual([]);
  });

  it('is silent for ordinary controls', () => {
    const promo = pulse(10, 30, 60, 90, 120, 150);
    const price = Float64Array.from({ length: n }, (_, t) => 1 + 0.01 * Math.sin(t));
    const s = withControls({ promo, price });
    expect(warned(s, 'calendar_control')).toEqual([]);
    expect(warned(s, 'unseen_control')).toEqual([]);
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
