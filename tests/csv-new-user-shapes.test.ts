/**
 * Files a new user brings that the corpus did not cover (a sweep of the CLI on made-up shapes):
 * empty cells that are not spend, monthly and weekday-shifted dates, spreadsheet weather headings,
 * revenue and spend in different units, isolated zero-revenue rows, constant columns, and a
 * tenant too short for cross-validation going through a pool worker.
 */
import { describe, expect, it } from 'vitest';
import { DataError, isoFromDays, parseIsoDay, parseTenantCsv } from '../src/core/csv.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';
import runWorkerTask from '../src/app/worker.js';
import { normalizeConfig } from '../src/app/config.js';
import { fixed, table } from '../src/cli/format.js';

interface Options {
  rows?: number;
  step?: number;
  start?: string;
  /** Revenue multiplier (units of revenue against spend). */
  scale?: number;
  cell?: (column: string, row: number, value: string) => string;
  header?: string[];
}

/** A made-up file: two channels, weather, a promo control and revenue that moves with them. */
function csv(o: Options = {}): string {
  const rows = o.rows ?? 120;
  const step = o.step ?? 1;
  const start = parseIsoDay(o.start ?? '2024-01-01');
  const header = o.header ?? [
    'date',
    'meta_spend',
    'google_spend',
    'temperature_c',
    'precipitation_mm',
    'promo',
    'revenue',
  ];
  const lines = [header.join(',')];
  for (let t = 0; t < rows; t++) {
    const meta = 100 + 40 * Math.sin(t / 3);
    const google = 80 + 30 * Math.cos(t / 5);
    const temp = 12 + 9 * Math.sin((2 * Math.PI * t * step) / 365);
    const rain = ((t * 7) % 11) / 2;
    const promo = t % 13 === 0 ? 1 : 0;
    const revenue =
      (2000 + 3 * meta + 2 * google + 20 * temp - 15 * rain + 300 * promo) * (o.scale ?? 1);
    const values = [
      isoFromDays(start + t * step),
      meta.toFixed(2),
      google.toFixed(2),
      temp.toFixed(1),
      rain.toFixed(1),
      String(promo),
      revenue.toFixed(6),
    ];
    lines.push(values.map((v, j) => (o.cell ? o.cell(header[j], t, v) : v)).join(','));
  }
  return lines.join('\n') + '\n';
}

function refusal(text: string): DataError {
  try {
    parseTenantCsv(text, { tenant: 'x', fileName: 'f.csv', words: CLI_OPTION_WORDS });
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('the file was accepted');
}

function warnings(text: string): string[] {
  return parseTenantCsv(text, { tenant: 'x', fileName: 'f.csv', words: CLI_OPTION_WORDS }).warnings;
}

describe('empty cells: the advice fits the column', () => {
  it('spend keeps "0 for no spend"; weather, controls and the target get their own fix', () => {
    const empty = (column: string) =>
      refusal(csv({ cell: (c, t, v) => (c === column && t === 9 ? '' : v) }));
    expect(empty('meta_spend').message).toContain('(0 for no spend)');
    const weather = empty('temperature_c');
    expect(weather.code).toBe('empty_cell');
    expect(weather.row).toBe(11);
    expect(weather.message).not.toContain('spend');
    expect(weather.message).toContain("fill in that row's weather");
    expect(weather.message).toContain('--ignore temperature_c');
    expect(empty('promo').message).toContain('0 where it does not apply');
    expect(empty('promo').message).toContain('--ignore promo');
    const target = empty('revenue');
    expect(target.message).not.toContain('spend');
    expect(target.message).toContain('every row needs its target value');
  });

  it("names the column's other empty or missing cells, so one pass fixes them all", () => {
    const gaps = new Set([9, 12, 13, 20]);
    const e = refusal(
      csv({
        cell: (c, t, v) => (c === 'temperature_c' && gaps.has(t) ? (t === 13 ? 'n/a' : '') : v),
      }),
    );
    expect(e.row).toBe(11);
    // Data rows t are file rows t + 2 (the header is row 1).
    expect(e.message).toContain('(the column has 3 more empty or missing cells: rows 14, 15, 22)');
    const one = refusal(csv({ cell: (c, t, v) => (c === 'temperature_c' && t === 9 ? '' : v) }));
    expect(one.message).not.toContain('more empty');
  });

  it("a missing-value marker (n/a, #N/A, NaN) gets the empty cell's advice", () => {
    const marked = (column: string, marker: string) =>
      refusal(csv({ cell: (c, t, v) => (c === column && t === 4 ? marker : v) }));
    const spend = marked('meta_spend', 'n/a');
    expect(spend.code).toBe('bad_number');
    expect(spend.message).toBe(
      'f.csv, row 6, column "meta_spend": "n/a" marks a missing value; every cell of a numeric column needs a number (0 for no spend)',
    );
    expect(marked('temperature_c', '#N/A').message).toContain(
      '"#N/A" marks a missing value; every cell of a weather column needs a number',
    );
    const nan = marked('revenue', 'NaN');
    expect(nan.code).toBe('non_finite');
    expect(nan.message).toContain('"NaN" marks a missing value; every row needs its target value');
  });

  it('negative spend says what to do with a refund', () => {
    const e = refusal(csv({ cell: (c, t, v) => (c === 'meta_spend' && t === 3 ? '-5' : v) }));
    expect(e.code).toBe('negative_spend');
    expect(e.message).toContain('net a refund or credit');
  });
});

describe('dates a spreadsheet writes', () => {
  it('refuses short monthly data for its frequency (more rows would not help), saying so', () => {
    const monthly = ['date,meta_spend,revenue'];
    for (let m = 0; m < 36; m++) {
      const month = String((m % 12) + 1).padStart(2, '0');
      monthly.push(`${2021 + Math.floor(m / 12)}-${month}-01,${100 + m},${1000 + 7 * m}`);
    }
    const e = refusal(monthly.join('\n'));
    expect(e.code).toBe('irregular_frequency');
    expect(e.message).toContain('these look like monthly rows');
    // Too few rows of a regular frequency still get the row count, with the daily minimum.
    const short = refusal(csv({ rows: 59 }));
    expect(short.code).toBe('too_few_rows');
    expect(short.message).toContain('59 days of data');
    expect(short.message).toContain('at least 147 days to train');
    expect(short.message).toContain('60 to import');
  });

  it('refuses biweekly rows and rows of any other step with the same advice as monthly rows', () => {
    // 80 rows 14 days apart from 2024-01-01 (a Monday): the first step (row 3) is 14 days.
    const biweekly = refusal(csv({ rows: 80, step: 14 }));
    expect(biweekly.code).toBe('irregular_frequency');
    expect(biweekly.row).toBe(3);
    expect(biweekly.message).toContain(
      'from 2024-01-01 on row 2 to 2024-01-15 is 14 days; only daily (every step 1 day) and weekly (every step 7 days) data are supported (these look like biweekly rows: export the same period by day or by week)',
    );
    // Rows 3 days apart: no name for the cadence, the same advice.
    const every3 = refusal(csv({ rows: 80, step: 3 }));
    expect(every3.code).toBe('irregular_frequency');
    expect(every3.message).toContain(
      'is 3 days; only daily (every step 1 day) and weekly (every step 7 days) data are supported (these look like rows 3 days apart: export the same period by day or by week)',
    );
    // Quarterly rows (2024-01-01, 2024-04-01: 91 days).
    const quarterly = ['date,meta_spend,revenue'];
    for (let q = 0; q < 12; q++) {
      const month = String((q % 4) * 3 + 1).padStart(2, '0');
      quarterly.push(`${2021 + Math.floor(q / 4)}-${month}-01,${100 + q},${1000 + 7 * q}`);
    }
    expect(refusal(quarterly.join('\n')).message).toContain(
      '(these look like quarterly rows: export the same period by day or by week)',
    );
  });

  it('imports a year of weekly rows (the protocol takes 42 weeks) and trains it; refuses 41 weeks, saying how many', () => {
    // The least weekly protocol: a 26-week first window and two 8-week test blocks (core/folds.ts).
    for (const rows of [52, 42]) {
      const { series } = parseTenantCsv(csv({ rows, step: 7 }), {
        tenant: 'w',
        words: CLI_OPTION_WORDS,
      });
      expect(series.frequency).toBe('weekly');
      expect(series.target.length).toBe(rows);
    }
    const task = {
      kind: 'train' as const,
      phase: 0 as const,
      config: normalizeConfig({}),
      source: { kind: 'csv' as const, tenant: 'year', csv: csv({ rows: 52, step: 7 }) },
    };
    const out = runWorkerTask({ task, cancel: new Int32Array(new SharedArrayBuffer(4)) });
    if (out.kind !== 'train') throw new Error(`expected a train result, got ${out.kind}`);
    expect(out.result.folds.length).toBeGreaterThanOrEqual(2);
    expect(out.result.folds[0].train_rows).toBeGreaterThanOrEqual(26);
    expect(out.result.folds.every((f) => Number.isFinite(f.r2))).toBe(true);
    const short = refusal(csv({ rows: 41, step: 7 }));
    expect(short.code).toBe('too_few_rows');
    expect(short.message).toContain('41 data rows');
    expect(short.message).toContain('weekly data needs at least 42 weeks');
    expect(short.message).toContain('daily data needs at least 147 days');
  });

  it('names the weekdays when weekly rows move from Monday to Sunday', () => {
    // 2024-01-01 is a Monday; from row 41 on, each week is dated a day earlier (a Sunday).
    const text = csv({
      rows: 80,
      step: 7,
      cell: (c, t, v) => (c === 'date' && t >= 40 ? isoFromDays(parseIsoDay(v) - 1) : v),
    });
    const e = refusal(text);
    expect(e.code).toBe('irregular_frequency');
    expect(e.row).toBe(42);
    expect(e.message).toContain('6 days');
    expect(e.message).toContain('Monday before, Sunday from here');
  });
});

describe('cells a spreadsheet writes', () => {
  it('gives the fix for day numbers, year-first slashes, a totals row and a % sign', () => {
    const dated = (f: (t: number, v: string) => string) =>
      refusal(csv({ cell: (c, t, v) => (c === 'date' ? f(t, v) : v) })).message;
    // 45292 is the spreadsheet day number of 2024-01-01 (days since 1899-12-30).
    expect(dated((t, v) => (t === 0 ? '45292' : v))).toContain(
      "it looks like a spreadsheet's day number (45292 is 2024-01-01): format the column as a date",
    );
    expect(dated((t, v) => (t === 0 ? '2024/01/01' : v))).toContain('; write it 2024-01-01');
    const totals = csv() + 'Total,1000,800,,,,99999\n';
    expect(refusal(totals).message).toContain('it looks like a totals row: remove it');
    const pct = refusal(csv({ cell: (c, t, v) => (c === 'promo' && t === 2 ? '5%' : v) }));
    expect(pct.code).toBe('bad_number');
    expect(pct.message).toContain('no % sign (write 5 for 5%)');
  });
});

describe('weather headings with units', () => {
  it('reads "Temperature (°C)" and "Rain (mm)" as weather, in the face’s words', () => {
    const header = [
      'date',
      'meta_spend',
      'google_spend',
      'Temperature (°C)',
      'Rain (mm)',
      'promo',
      'revenue',
    ];
    const { series, warnings: w } = parseTenantCsv(csv({ header }), {
      tenant: 'x',
      words: CLI_OPTION_WORDS,
    });
    expect(series.weatherNames).toEqual(['Temperature (°C)', 'Rain (mm)']);
    expect(series.controlNames).toEqual(['promo']);
    expect(w).toContain(
      'column "Temperature (°C)" is read as weather (temperature, °C); name it in --controls if it is not',
    );
  });
});

describe('warnings for figures that are plainly off', () => {
  it('says when revenue and spend look like different units, in either direction', () => {
    expect(warnings(csv()).filter((w) => w.includes('different units'))).toEqual([]);
    const big = warnings(csv({ scale: 1e6 })).find((w) => w.includes('different units'));
    // revenue / spend: about 2.6e3 / 180 x 1e6 = 1.4e7.
    expect(big).toMatch(/"revenue" adds up to 1[0-9]000000 times the total spend/);
    const small = warnings(csv({ scale: 1e-4 })).find((w) => w.includes('different units'));
    expect(small).toMatch(/"revenue" adds up to 0\.001[0-9] times the total spend/);
  });

  it('says when revenue is exactly 0 on a few rows of a series that otherwise sells', () => {
    const zeros = csv({ cell: (c, t, v) => (c === 'revenue' && t % 30 === 5 ? '0' : v) });
    const w = warnings(zeros).find((x) => x.includes('exactly 0'));
    expect(w).toContain('"revenue" is exactly 0 on 4 of 120 rows (first 2024-01-06)');
    // A median between two figures in cents reads in cents (it read 31341.010000000002: s76).
    const cents = csv({
      cell: (c, t, v) =>
        c !== 'revenue' ? v : t % 30 === 5 ? '0' : t < 58 ? '31341.00' : '31341.02',
    });
    expect(warnings(cents).find((x) => x.includes('exactly 0'))).toContain(
      'while its median is 31341.01:',
    );
    // A shop closed every Sunday (a seventh of the rows) is not flagged.
    const closed = csv({ cell: (c, t, v) => (c === 'revenue' && t % 7 === 6 ? '0' : v) });
    expect(warnings(closed).some((x) => x.includes('exactly 0'))).toBe(false);
  });

  it('says when a weather, control or spend column has the same value on every row', () => {
    const constant = csv({
      cell: (c, _t, v) => (c === 'temperature_c' ? '20' : c === 'google_spend' ? '50' : v),
    });
    const w = warnings(constant);
    expect(w).toContain(
      'column "temperature_c" has the same value (20) on every row: it cannot explain anything; leave it out with --ignore temperature_c, or give its real values per row',
    );
    expect(
      w.some((x) => x.startsWith('channel "google" has the same spend (50) on every row')),
    ).toBe(true);
  });
});

describe('a tenant too short for cross-validation, computed on a pool worker', () => {
  it('comes back as a RangeError that survives the structured clone to the main thread', () => {
    const task = {
      kind: 'train' as const,
      phase: 1 as const,
      config: normalizeConfig({}),
      source: { kind: 'csv' as const, tenant: 'short', csv: csv({ rows: 100 }) },
    };
    let thrown: unknown;
    try {
      runWorkerTask({ task, cancel: new Int32Array(new SharedArrayBuffer(4)) });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(RangeError);
    const cloned = structuredClone(thrown) as Error;
    expect(cloned).toBeInstanceOf(RangeError);
    expect(cloned.message).toContain('100 days are too few for an honest time-series validation');
  });
});

describe('printing figures of revenue in other units', () => {
  it('prints a small non-zero ROAS with significant digits, not as 0.000', () => {
    expect(fixed(0.0000796, 3)).toBe('0.0000796');
    expect(fixed(-0.00123, 2)).toBe('-0.00123');
    expect(fixed(0.796, 3)).toBe('0.796');
    expect(fixed(0, 2)).toBe('0.00');
    expect(fixed(796254.9744, 3)).toBe('796254.974');
    const printed = table(
      ['channel', 'ROAS'],
      [
        ['meta', 0.0000796],
        ['tv', 0.255],
      ],
    );
    expect(printed.split('\n')[2]).toBe('meta     0.0000796');
    expect(printed.split('\n')[3]).toBe('tv           0.255');
  });
});
