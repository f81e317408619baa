import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  csvSummary,
  dateHint,
  daysFromCivil,
  formatNumber,
  formatSignificant,
  isoFromDays,
  isoWeekMonday,
  parseIsoDay,
  parseTenantCsv,
  readNumber,
  rolesOf,
  tenantToCsv,
  truthToJson,
  validateTenantId,
} from '../src/core/csv.js';
import type { GroundTruth, TenantSeries } from '../src/core/types.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';
import { syntheticSeries } from './fixtures/csv/series.js';

const FIXTURES = new URL('./fixtures/csv/', import.meta.url);
/** Reads a corpus file the way the app does: bytes decoded as UTF-8 (invalid bytes -> U+FFFD). */
const fixture = (name: string): string =>
  new TextDecoder().decode(readFileSync(new URL(name, FIXTURES)));

interface Accepted {
  file: string;
  accept: {
    rows: number;
    start: string;
    end: string;
    frequency: string;
    channels: string[];
    weatherNames: string[];
    controlNames: string[];
    warnings: string[];
  };
}
const corpus = JSON.parse(fixture('corpus.json')) as ({ file: string } & Partial<Accepted>)[];
const accepted = corpus.filter((c): c is Accepted => c.accept !== undefined);

/** Raw bytes of a Float64Array, so -0 vs 0 and every bit of every value is compared. */
const bits = (x: Float64Array): number[] =>
  Array.from(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));

function expectSameSeries(actual: TenantSeries, expected: TenantSeries): void {
  expect(actual.dates).toEqual(expected.dates);
  expect(actual.frequency).toBe(expected.frequency);
  expect(actual.channels).toEqual(expected.channels);
  expect(actual.weatherNames).toEqual(expected.weatherNames);
  expect(actual.controlNames).toEqual(expected.controlNames);
  expect(actual.targetName).toBe(expected.targetName);
  const columns = (s: TenantSeries): Float64Array[] => [
    ...s.spend,
    ...s.weather,
    ...s.controls,
    s.target,
  ];
  const a = columns(actual);
  const e = columns(expected);
  expect(a.length).toBe(e.length);
  a.forEach((col, k) => expect(bits(col)).toEqual(bits(e[k])));
}

describe('round trip tenantToCsv -> parseTenantCsv', () => {
  it('gives back a 100-row daily series bit for bit, including -0, subnormals and 1e308', () => {
    const series = syntheticSeries(7, 100);
    const text = tenantToCsv(series);
    const { series: back, warnings } = parseTenantCsv(text, { tenant: 'synthetic' });
    expect(warnings).toEqual([]);
    expectSameSeries(back, series);
    expect(Object.is(back.weather[0][5], -0)).toBe(true);
    expect(back.controls[0][1]).toBe(5e-324);
    expect(tenantToCsv(back)).toBe(text);
  });

  it('gives back a weekly series with frequency "weekly"', () => {
    const series = syntheticSeries(8, 80, 'weekly', '2022-12-26');
    const { series: back } = parseTenantCsv(tenantToCsv(series), { tenant: 'synthetic' });
    expectSameSeries(back, series);
  });

  it('keeps non-canonical names with rolesOf()', () => {
    const series = syntheticSeries(9, 70);
    series.channels[2] = 'TV';
    series.controlNames[1] = 'promo_spend';
    series.targetName = 'sales';
    const text = tenantToCsv(series);
    const { series: back } = parseTenantCsv(text, { tenant: 'synthetic', roles: rolesOf(series) });
    expectSameSeries(back, series);
  });

  it('writes the canonical layout with exact number text, LF and a trailing newline', () => {
    const series: TenantSeries = {
      tenant: 'tiny',
      frequency: 'daily',
      dates: ['2024-02-28', '2024-02-29', '2024-03-01'],
      channels: ['meta', 'TV'],
      spend: [Float64Array.of(0.1, 0, 1500), Float64Array.of(1e21, 2, 3)],
      weatherNames: ['temperature_c'],
      weather: [Float64Array.of(-0, -3.25, 1e-7)],
      controlNames: ['promo, flag'],
      controls: [Float64Array.of(1, 0, 5e-324)],
      targetName: 'revenue',
      target: Float64Array.of(0.1 + 0.2, 1.7976931348623157e308, -12),
    };
    expect(tenantToCsv(series)).toBe(
      'date,meta_spend,TV_spend,temperature_c,"promo, flag",revenue\n' +
        '2024-02-28,0.1,1e+21,-0,1,0.30000000000000004\n' +
        '2024-02-29,0,2,-3.25,0,1.7976931348623157e+308\n' +
        '2024-03-01,1500,3,1e-7,5e-324,-12\n',
    );
  });
});

describe('numbers', () => {
  it('reads plain and scientific decimals and nothing else', () => {
    expect(readNumber('1.5e3')).toBe(1500);
    expect(readNumber('1E-7')).toBe(1e-7);
    expect(readNumber('.5')).toBe(0.5);
    expect(readNumber('5.')).toBe(5);
    expect(readNumber('+3')).toBe(3);
    expect(readNumber('1e+21')).toBe(1e21);
    expect(readNumber('1e308')).toBe(1e308);
    expect(readNumber('1.7976931348623157e308')).toBe(Number.MAX_VALUE);
    expect(Object.is(readNumber('-0'), -0)).toBe(true);
    for (const bad of ['0x10', '1,5', '1 000', '$12', '12%', '1e', 'e5', '--1', '#N/A', 'true']) {
      expect(readNumber(bad)).toBe('not_number');
    }
    for (const inf of ['1e400', '-1e400', '1.8e308', 'NaN', 'nan', 'Infinity', '-inf']) {
      expect(readNumber(inf)).toBe('non_finite');
    }
    expect(readNumber('')).toBe('empty');
  });

  it('formats -0 as "-0" and everything else as its shortest round-trip text', () => {
    expect(formatNumber(-0)).toBe('-0');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(123456789012345680000)).toBe('123456789012345680000');
    expect(formatNumber(1e21)).toBe('1e+21');
    expect(formatNumber(2 ** -1074)).toBe('5e-324');
  });
});

describe('dates', () => {
  it('matches Date.UTC day numbers and inverts them', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [1969, 12, 31],
      [2000, 2, 29],
      [2024, 3, 1],
      [2100, 3, 1],
      [1600, 1, 1],
    ]) {
      const expected = Date.UTC(y, m - 1, d) / 86_400_000;
      expect(daysFromCivil(y, m, d)).toBe(expected);
      expect(isoFromDays(expected)).toBe(
        new Date(expected * 86_400_000).toISOString().slice(0, 10),
      );
    }
    for (let day = 10_000; day < 11_500; day++) {
      expect(isoFromDays(day)).toBe(new Date(day * 86_400_000).toISOString().slice(0, 10));
      expect(parseIsoDay(isoFromDays(day))).toBe(day);
    }
  });

  it('accepts real calendar dates only', () => {
    expect(parseIsoDay('2024-02-29')).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
    expect(parseIsoDay('2000-02-29')).toBe(Date.UTC(2000, 1, 29) / 86_400_000);
    for (const bad of [
      '2023-02-29',
      '1900-02-29',
      '2024-04-31',
      '2024-13-01',
      '2024-00-10',
      '2024-1-5',
      '01/05/2024',
      '2024-01-05T00:00:00',
    ]) {
      expect(parseIsoDay(bad)).toBeNaN();
    }
  });
});

describe('accepted corpus files (tests/fixtures/csv/corpus.json)', () => {
  it.each(accepted)('$file', ({ file, accept }) => {
    const { series, warnings } = parseTenantCsv(fixture(file), { tenant: 'acme', fileName: file });
    expect({
      rows: series.dates.length,
      start: series.dates[0],
      end: series.dates[series.dates.length - 1],
      frequency: series.frequency,
      channels: series.channels,
      weatherNames: series.weatherNames,
      controlNames: series.controlNames,
      warnings,
    }).toEqual(accept);
  });

  it('reads the values of ok-daily.csv as written by make-corpus.mjs', () => {
    const { series } = parseTenantCsv(fixture('ok-daily.csv'), { tenant: 'acme' });
    for (let i = 0; i < 70; i++) {
      const meta = 100 + ((i * 37) % 50);
      const google = 50 + ((i * 13) % 20);
      expect(series.spend[0][i]).toBe(meta);
      expect(series.spend[1][i]).toBe(google);
      expect(series.weather[0][i]).toBe(-5 + i * 0.5);
      expect(series.target[i]).toBe(1000 + 3 * meta + 2 * google + i);
    }
  });

  it('reads BOM + CRLF exactly like the plain file', () => {
    const plain = parseTenantCsv(fixture('ok-daily.csv'), { tenant: 'acme' }).series;
    const bomCrlf = parseTenantCsv(fixture('ok-bom-crlf.csv'), { tenant: 'acme' }).series;
    expectSameSeries(bomCrlf, plain);
  });

  it('reads scientific notation, 1e308, padded cells and quoted commas in ok-variants.csv', () => {
    const { series } = parseTenantCsv(fixture('ok-variants.csv'), { tenant: 'acme' });
    expect(series.spend[0][0]).toBe(150);
    expect(series.controls[0][2]).toBe(1e308);
    expect([
      series.spend[0][3],
      series.weather[0][3],
      series.target[3],
      series.controls[0][3],
    ]).toEqual([111, -3.5, 1474, 0]);
    expect(series.dates[3]).toBe('2024-01-04');
  });
});

describe('role inference and overrides', () => {
  const daily = fixture('ok-daily.csv');

  it('uses only the listed spend columns and warns about a _spend column left out', () => {
    const { series, warnings } = parseTenantCsv(daily, {
      tenant: 'acme',
      roles: { spendColumns: ['meta_spend'] },
    });
    expect(series.channels).toEqual(['meta']);
    expect(series.controlNames).toEqual([]);
    expect(warnings).toEqual([
      'column "google_spend" looks like a spend column but roles.spend_columns does not name it; it is ignored',
    ]);
  });

  it('takes renamed date, target and spend columns, keeping a spend name without _spend whole', () => {
    const text = daily
      .replace('date,', 'day,')
      .replace('google_spend', 'TV')
      .replace(',revenue', ',sales');
    const { series } = parseTenantCsv(text, {
      tenant: 'acme',
      roles: { dateColumn: 'day', target: 'sales', spendColumns: ['meta_spend', 'TV'] },
    });
    expect(series.channels).toEqual(['meta', 'TV']);
    expect(series.targetName).toBe('sales');
    expect(series.dates[0]).toBe('2024-01-01');
  });

  it('moves a column to controls or ignores it on request', () => {
    const { series, warnings } = parseTenantCsv(daily, {
      tenant: 'acme',
      roles: {
        controlColumns: ['google_spend'],
        ignoreColumns: ['humidity_pct'],
        spendColumns: ['meta_spend'],
      },
    });
    expect(series.controlNames).toEqual(['google_spend']);
    expect(series.weatherNames).toEqual(['temperature_c', 'precipitation_mm']);
    expect(warnings).toEqual([
      'no humidity_pct column (under any name docs/csv-format.md lists): the model has no humidity effects',
    ]);
  });

  it('a weather column the person marked counts: no "no humidity effects" beside it', () => {
    // humidity_pct under a name no list holds, marked as weather: modeled as humidity is
    const text = daily.replace('humidity_pct', 'RelHum');
    const marked = parseTenantCsv(text, {
      tenant: 'acme',
      roles: {
        spendColumns: ['meta_spend', 'google_spend'],
        weatherColumns: ['temperature_c', 'precipitation_mm', 'RelHum'],
      },
    });
    expect(marked.series.weatherNames).toContain('RelHum');
    expect(marked.warnings.filter((w) => /humidity/.test(w))).toEqual([]);
    // temperature and precipitation have their own treatment: a marked column stands in for
    // neither, and the warning says so, naming it
    const noRain = parseTenantCsv(text, {
      tenant: 'acme',
      roles: {
        spendColumns: ['meta_spend', 'google_spend'],
        weatherColumns: ['temperature_c', 'RelHum'],
        ignoreColumns: ['precipitation_mm'],
      },
    });
    expect(noRain.warnings).toEqual([
      'no precipitation_mm column (under any name docs/csv-format.md lists): the model has no precipitation effects; ' +
        '"RelHum", marked as weather, is modeled as weather of no named kind, with no precipitation treatment, until it is renamed ' +
        '(e.g. precipitation_mm; the warning on it says what it lacks)',
    ]);
  });

  it('canonicalizes weather names and warns about a zero-spend channel', () => {
    const text = daily
      .replace('temperature_c', 'Temperature_C')
      .replace(/^([^,]+,[^,]+),[^,]+,/gm, (line, head) =>
        line.startsWith('date') ? line : `${head},0,`,
      );
    const { series, warnings } = parseTenantCsv(text, { tenant: 'acme' });
    expect(series.weatherNames[0]).toBe('temperature_c');
    expect(warnings).toEqual([
      'channel "google" has zero spend on every row; its effect cannot be estimated: ' +
        'leave its column out with roles.ignore_columns: ["google_spend"], or give its real spend per row',
    ]);
    // In the CLI's words.
    expect(parseTenantCsv(text, { tenant: 'acme', words: CLI_OPTION_WORDS }).warnings).toEqual([
      'channel "google" has zero spend on every row; its effect cannot be estimated: ' +
        'leave its column out with --ignore google_spend, or give its real spend per row',
    ]);
  });
});

describe('a target below zero', () => {
  it('is read as it is, with a warning naming how many rows and the first', () => {
    const daily = fixture('ok-daily.csv');
    const rows = daily.trim().split('\n');
    const cols = rows[0].split(',');
    const y = cols.indexOf('revenue');
    const set = (line: string, v: string) => {
      const c = line.split(',');
      c[y] = v;
      return c.join(',');
    };
    const one = [rows[0], ...rows.slice(1).map((l, i) => (i === 2 ? set(l, '-500') : l))];
    const { series, warnings } = parseTenantCsv(one.join('\n'), { tenant: 'acme' });
    expect(series.target[2]).toBe(-500);
    expect(warnings).toContain(
      `"revenue" is below 0 on 1 row (first ${series.dates[2]}: -500); the model fits it as it is: check that row (returns netted against sales, a sign or export mistake)`,
    );
    const two = one.map((l, i) => (i === 4 ? set(l, '-1.5') : l));
    expect(parseTenantCsv(two.join('\n'), { tenant: 'acme' }).warnings).toContain(
      `"revenue" is below 0 on 2 rows (first ${series.dates[2]}: -500); the model fits them as they are: check those rows (returns netted against sales, a sign or export mistake)`,
    );
    expect(parseTenantCsv(daily, { tenant: 'acme' }).warnings.join()).not.toContain('below 0');
  });
});

describe('csvSummary', () => {
  it('summarizes ok-daily.csv', () => {
    const { series } = parseTenantCsv(fixture('ok-daily.csv'), { tenant: 'acme' });
    let sum = 0;
    for (let i = 0; i < 70; i++)
      sum += 1000 + 3 * (100 + ((i * 37) % 50)) + 2 * (50 + ((i * 13) % 20)) + i;
    expect(csvSummary(series)).toEqual({
      rows: 70,
      start: '2024-01-01',
      end: '2024-03-10',
      frequency: 'daily',
      channels: ['meta', 'google'],
      weather: ['temperature_c', 'precipitation_mm', 'humidity_pct'],
      controls: [],
      target: 'revenue',
      meanTarget: sum / 70,
    });
  });
});

describe('validateTenantId', () => {
  it('accepts lower-case ids of 1 to 64 characters', () => {
    for (const id of ['a', '7', 'acme-shoes', 'acme_2024', 'a'.repeat(64)])
      expect(validateTenantId(id)).toBe(id);
  });
  it('refuses anything else with the rule in the message', () => {
    const rule =
      ': use 1 to 64 characters from a-z, 0-9, "_" and "-", starting with a letter or digit (e.g. "acme-shoes")';
    expect(() => validateTenantId('Acme')).toThrowError(
      new RangeError(`invalid tenant id "Acme"${rule}`),
    );
    for (const id of ['', '-acme', '_a', 'a b', 'café', '../etc', 'a'.repeat(65)]) {
      expect(() => validateTenantId(id)).toThrowError(RangeError);
    }
    expect(() => validateTenantId('a'.repeat(65))).toThrowError(
      new RangeError(`invalid tenant id "${'a'.repeat(40)}..."${rule}`),
    );
  });
});

describe('truthToJson', () => {
  const truth: GroundTruth = {
    tenant: 't',
    seed: 3,
    driver: 'heat',
    weatherAmplitude: 0.25,
    noiseSd: 10,
    channels: [
      {
        channel: 'meta',
        decay: 0.5,
        hillK: 2,
        hillS: 1.5,
        beta: 100,
        gamma: 0.1,
        totalSpend: 10,
        totalContribution: 30,
        roas: 3,
      },
    ],
    expected: Float64Array.of(0.1 + 0.2, 1e21),
    contributions: [Float64Array.of(1, 2)],
    driverIndex: Float64Array.of(-0.5, 0.5),
    oracleR2: 0.9,
    oracleFoldR2: [0.8, 0.85],
    oracleMeanR2: 0.825,
  };

  it('writes sorted keys, plain arrays and exact numbers', () => {
    expect(truthToJson(truth)).toBe(
      `{
  "channels": [
    {
      "beta": 100,
      "channel": "meta",
      "decay": 0.5,
      "gamma": 0.1,
      "hillK": 2,
      "hillS": 1.5,
      "roas": 3,
      "totalContribution": 30,
      "totalSpend": 10
    }
  ],
  "contributions": [
    [
      1,
      2
    ]
  ],
  "driver": "heat",
  "driverIndex": [
    -0.5,
    0.5
  ],
  "expected": [
    0.30000000000000004,
    1e+21
  ],
  "noiseSd": 10,
  "oracleFoldR2": [
    0.8,
    0.85
  ],
  "oracleMeanR2": 0.825,
  "oracleR2": 0.9,
  "seed": 3,
  "tenant": "t",
  "weatherAmplitude": 0.25
}
`,
    );
  });

  it('refuses non-finite numbers, naming where they are', () => {
    expect(() => truthToJson({ ...truth, driverIndex: Float64Array.of(0, NaN) })).toThrowError(
      new RangeError('truthToJson: truth.driverIndex[1] is NaN; JSON holds finite numbers only'),
    );
  });
});

describe('what a date that is not YYYY-MM-DD should have been (dateHint)', () => {
  it('keeps the date of a timestamp, reads an unambiguous day/month order, names an ambiguous one', () => {
    expect(dateHint('2024-01-05 00:00:00')).toBe(
      '; it holds a time of day too: keep the date only (2024-01-05)',
    );
    expect(dateHint('2024-01-05T10:30:00Z')).toBe(
      '; it holds a time of day too: keep the date only (2024-01-05)',
    );
    expect(dateHint('2024-01-05T00:00:00.000+02:00')).toContain('(2024-01-05)');
    expect(dateHint('31/01/2024')).toBe('; read as day/month/year it is 2024-01-31');
    expect(dateHint('01/31/2024')).toBe('; read as month/day/year it is 2024-01-31');
    expect(dateHint('5.3.2024')).toBe(
      '; its day and month cannot be told apart (2024-03-05 or 2024-05-03)',
    );
    expect(dateHint('03/03/2024')).toBe('; read as day/month/year it is 2024-03-03');
    // Nothing to say: an impossible date, another form, or an impossible timestamp date.
    // ('Jan 5 2024' was one until month names were read: tests/csv-locale-exports.test.ts.)
    for (const t of ['2024-02-30', '31/31/2024', 'Jan 35 2024', '2024-02-30 00:00', '']) {
      expect(dateHint(t)).toBe('');
    }
  });

  it('names the Monday of an ISO week and the first date of a range, and still refuses them', () => {
    // Known ISO weeks (Python's date.fromisocalendar): week 1 holds the year's first Thursday.
    const mondays: [string, string][] = [
      ['2022-W01', '2022-01-03'],
      ['2022-W05', '2022-01-31'],
      ['2020-W53', '2020-12-28'],
      ['2021-W01', '2021-01-04'],
      ['2008-W01', '2007-12-31'],
      ['2015-W53', '2015-12-28'],
      ['2026-W53', '2026-12-28'],
    ];
    for (const [week, monday] of mondays) {
      expect(
        isoFromDays(isoWeekMonday(Number(week.slice(0, 4)), Number(week.slice(6)))),
        week,
      ).toBe(monday);
      expect(dateHint(week)).toBe(
        `; it is an ISO week, which starts on Monday ${monday}: write that date (date each row by its week's Monday)`,
      );
    }
    expect(dateHint('2022W05')).toContain('starts on Monday 2022-01-31: write that date');
    expect(dateHint('2022-w05')).toContain('starts on Monday 2022-01-31');
    expect(dateHint('2022-W05-1')).toBe(
      '; it is an ISO week date (the Monday of 2022-W05): write it 2022-01-31',
    );
    expect(dateHint('2022W053')).toBe(
      '; it is an ISO week date (the Wednesday of 2022-W05): write it 2022-02-02',
    );
    expect(isoWeekMonday(2021, 53)).toBeNaN();
    expect(isoWeekMonday(2021, 0)).toBeNaN();
    expect(dateHint('2021-W53')).toBe(
      '; it looks like an ISO week (2021-W53), but 2021 has ISO weeks 01 to 52',
    );
    for (const range of [
      '2022-01-03/2022-01-09',
      '2022-01-03 - 2022-01-09',
      '2022-01-03-2022-01-09',
      '2022-01-03 \u2013 2022-01-09',
      '2022-01-03 to 2022-01-09',
    ]) {
      expect(dateHint(range), range).toBe(
        '; it is a range of dates: keep its first date only (2022-01-03)',
      );
    }
    expect(dateHint('Week of 2022-01-03')).toBe('; keep the date only (2022-01-03)');
    expect(dateHint('week ending 2022-01-09')).toBe('; keep the date only (2022-01-09)');
    // Not a range: an impossible date, or an end before its start.
    expect(dateHint('2022-01-03/2022-02-30')).toBe('');
    expect(dateHint('2022-01-09/2022-01-03')).toBe('');
    // The import stays strict: the hint is in its refusal, nothing is read as a date.
    const weeks = Array.from({ length: 70 }, (_, i) => {
      const monday = isoFromDays(isoWeekMonday(2022, 1) + 7 * i);
      const year = Number(monday.slice(0, 4));
      const week = 1 + Math.floor((parseIsoDay(monday) - isoWeekMonday(year, 1)) / 7);
      return `${year}-W${String(week).padStart(2, '0')},${i % 5},${100 + i}`;
    });
    expect(() =>
      parseTenantCsv(['date,meta_spend,revenue', ...weeks].join('\n'), { tenant: 'acme' }),
    ).toThrow(
      '"2022-W01" is not a date; write dates as YYYY-MM-DD (e.g. 2024-01-31); it is an ISO week, which starts on Monday 2022-01-03: write that date',
    );
  });

  it('is appended to the refusal of the file', () => {
    const rows = Array.from({ length: 70 }, (_, i) => {
      const d = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
      return `${i === 0 ? `${d} 00:00:00` : d},${i % 5},${100 + i}`;
    });
    const text = ['date,meta_spend,revenue', ...rows].join('\n');
    expect(() => parseTenantCsv(text, { tenant: 'acme' })).toThrow(
      '"2024-01-01 00:00:00" is not a date; write dates as YYYY-MM-DD (e.g. 2024-01-31); it holds a time of day too: keep the date only (2024-01-01)',
    );
  });
});

describe('a date that appears twice (duplicate_date)', () => {
  /** 70 weekly (or daily) rows with row `at` (0-based) repeated, its revenue times `factor`. */
  const withRepeat = (step: number, at: number, factor: number): string => {
    const rows = Array.from({ length: 70 }, (_, i) => {
      const d = isoFromDays(daysFromCivil(2022, 1, 3) + step * i);
      return [d, String(100 + (i % 7) * 10), String(2000 + i * 3)];
    });
    const repeat = [...rows[at]];
    repeat[2] = String(Number(repeat[2]) * factor);
    rows.splice(at + 1, 0, repeat);
    return ['date,meta_spend,revenue', ...rows.map((r) => r.join(','))].join('\n');
  };

  it('an identical row is a row exported twice: delete one, not sum them', () => {
    expect(() =>
      parseTenantCsv(withRepeat(7, 50, 1), { tenant: 'acme', fileName: 'w.csv' }),
    ).toThrow(
      'w.csv, row 53, column "date": date 2022-12-19 already appears on row 52 with the same value in every column (a row exported twice?); delete one of the two: summing them would count that week twice',
    );
    expect(() =>
      parseTenantCsv(withRepeat(1, 0, 1), { tenant: 'acme', fileName: 'd.csv' }),
    ).toThrow(
      'date 2022-01-03 already appears on row 2 with the same value in every column (a row exported twice?); delete one of the two: summing them would count that day twice',
    );
  });

  it('rows that differ may be parts of one week, to sum, or a correction, to keep', () => {
    expect(() =>
      parseTenantCsv(withRepeat(7, 50, 1.1), { tenant: 'acme', fileName: 'w.csv' }),
    ).toThrow(
      'date 2022-12-19 already appears on row 52 with other values; keep one row per week: if the two rows are parts of one week (two campaigns or regions, say), sum them into one row; if one corrects the other, keep that one',
    );
    // The first row repeated: the period is read from the step out of the repeat.
    expect(() => parseTenantCsv(withRepeat(7, 0, 2), { tenant: 'acme' })).toThrow(
      'keep one row per week: if the two rows are parts of one week',
    );
  });
});

describe('formatSignificant', () => {
  it('rounds to significant digits, shortest text, zero without a sign', () => {
    expect(formatSignificant(-3.0999999999999996, 8)).toBe('-3.1');
    expect(formatSignificant(52263.72612345, 8)).toBe('52263.726');
    expect(formatSignificant(0.000123456789, 3)).toBe('0.000123');
    expect(formatSignificant(-0, 8)).toBe('0');
    expect(formatSignificant(-1e-20, 8)).toBe('-1e-20');
  });
});
