import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CSV_LIMITS,
  DataError,
  parseTenantCsv,
  tenantToCsv,
  type RoleOverrides,
} from '../src/core/csv.js';
import { syntheticSeries } from './fixtures/csv/series.js';

const FIXTURES = new URL('./fixtures/csv/', import.meta.url);
/** Reads a corpus file the way the app does: bytes decoded as UTF-8 (invalid bytes -> U+FFFD). */
const fixture = (name: string): string =>
  new TextDecoder().decode(readFileSync(new URL(name, FIXTURES)));

interface Refused {
  file: string;
  refuse: { code: string; row: number | null; column: string | null; message: string };
}
const corpus = JSON.parse(fixture('corpus.json')) as ({ file: string } & Partial<Refused>)[];
const refused = corpus.filter((c): c is Refused => c.refuse !== undefined);

/** Runs the parser and returns its DataError; fails the test if it returns or throws anything else. */
function dataErrorOf(text: string, fileName: string, roles?: RoleOverrides): DataError {
  try {
    parseTenantCsv(text, { tenant: 'acme', fileName, roles });
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error(`${fileName} was accepted`);
}

function expectRefused(
  text: string,
  fileName: string,
  expected: { code: string; row: number | null; column: string | null; message: string },
  roles?: RoleOverrides,
): void {
  const e = dataErrorOf(text, fileName, roles);
  expect({ code: e.code, row: e.row, column: e.column, message: e.message }).toEqual(expected);
  expect(e.file).toBe(fileName);
  // The exact full message, as the brief asks (toThrowError alone only checks a substring).
  expect(() => parseTenantCsv(text, { tenant: 'acme', fileName, roles })).toThrowError(
    new RegExp(`^${expected.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
  );
}

describe('broken-file corpus (tests/fixtures/csv/corpus.json)', () => {
  it('covers every refusal the brief lists', () => {
    const codes = new Set(refused.map((c) => c.refuse.code));
    for (const code of [
      'empty',
      'not_csv',
      'binary',
      'utf16',
      'not_utf8',
      'no_date_column',
      'no_target_column',
      'no_spend_column',
      'bad_date',
      'empty_cell',
      'bad_number',
      'non_finite',
      'negative_spend',
      'duplicate_date',
      'date_gap',
      'unsorted_dates',
      'too_few_rows',
      'constant_target',
      'mixed_frequency',
      'irregular_frequency',
    ]) {
      expect(codes).toContain(code);
    }
  });

  it.each(refused)('$file', ({ file, refuse }) => expectRefused(fixture(file), file, refuse));
});

describe('limits', () => {
  it('refuses a 50 MB string by its size before reading it', () => {
    const text = 'date,meta_spend,revenue\n' + 'x'.repeat(50 * 1024 * 1024);
    expectRefused(text, 'big.csv', {
      code: 'too_large',
      row: null,
      column: null,
      message: `big.csv: input is at least ${text.length} bytes of UTF-8 text; the limit is 20971520 bytes (CSV_LIMITS.maxChars, 20 MiB); import a shorter period or aggregate daily rows to weekly`,
    });
  });

  it('counts UTF-8 bytes, not characters: 11 Mi "é" (22 MiB of UTF-8) is over the limit', () => {
    // It counted UTF-16 code units: 11 Mi characters passed the 20 MiB check.
    const text = 'date,revenue\n' + 'é'.repeat(11 * 1024 * 1024);
    expect(text.length).toBeLessThan(CSV_LIMITS.maxChars);
    const bytes = Buffer.byteLength(text, 'utf8');
    expectRefused(text, 'accents.csv', {
      code: 'too_large',
      row: null,
      column: null,
      message: `accents.csv: input is ${bytes} bytes of UTF-8 text; the limit is 20971520 bytes (CSV_LIMITS.maxChars, 20 MiB); import a shorter period or aggregate daily rows to weekly`,
    });
    // A surrogate pair (two code units) is four bytes: 5.5 Mi emoji are 22 MiB.
    const emoji = 'date,revenue\n' + '😀'.repeat(5.5 * 1024 * 1024);
    expect(dataErrorOf(emoji, 'emoji.csv').code).toBe('too_large');
  });

  it('refuses a header followed by just over 20 MiB of rows (10 million rows declared)', () => {
    const header = 'date,meta_spend,revenue\n';
    const row = '2024-01-01,1,2\n';
    const text =
      header + row.repeat(Math.ceil((CSV_LIMITS.maxChars + 1 - header.length) / row.length));
    expect(text.length).toBeGreaterThan(CSV_LIMITS.maxChars);
    expect(dataErrorOf(text, 'promise.csv').code).toBe('too_large');
  });

  it('refuses more than 200000 data rows that fit in the size limit', () => {
    const text = 'date,meta_spend,revenue\n' + '2024-01-01,1,2\n'.repeat(CSV_LIMITS.maxRows + 1);
    expect(text.length).toBeLessThan(CSV_LIMITS.maxChars);
    expectRefused(text, 'rows.csv', {
      code: 'too_many_rows',
      row: null,
      column: null,
      message:
        'rows.csv: file has 200001 data rows; the limit is 200000 (CSV_LIMITS.maxRows); import a shorter period or aggregate daily rows to weekly',
    });
  });

  it('lets exactly 200000 data rows past the row limit', () => {
    // Tiny ragged rows keep csv-parse cheap; the error proves the row limit did not fire.
    const text = 'date,meta_spend,revenue\n\n' + 'x\n'.repeat(CSV_LIMITS.maxRows);
    expectRefused(text, 'rows.csv', {
      code: 'ragged_row',
      row: 3,
      column: null,
      message:
        'rows.csv, row 3: this row has 1 cell but the header has 3 columns; every row needs one cell per column',
    });
  });

  it('refuses a cell longer than CSV_LIMITS.maxCellChars', () => {
    const lines = fixture('ok-daily.csv').split('\n');
    lines[0] += ',notes';
    for (let i = 1; i < lines.length - 1; i++) lines[i] += i === 4 ? `,${'z'.repeat(1025)}` : ',ok';
    expectRefused(lines.join('\n'), 'long.csv', {
      code: 'cell_too_long',
      row: 5,
      column: 'notes',
      message: `long.csv, row 5, column "notes": a cell has 1025 characters; the limit is 1024 (CSV_LIMITS.maxCellChars); it starts "${'z'.repeat(40)}..."`,
    });
  });
});

describe('encodings not in the corpus files', () => {
  const daily = fixture('ok-daily.csv');

  it('refuses UTF-16 without a byte-order mark (NUL in every other character)', () => {
    const text = new TextDecoder().decode(Buffer.from(daily, 'utf16le'));
    expect(dataErrorOf(text, 'u16.csv').message).toBe(
      'u16.csv: file is UTF-16; save it as UTF-8 (in Excel: Save As > "CSV UTF-8 (Comma delimited)")',
    );
  });

  it('refuses UTF-16 decoded as Latin-1 (ÿþ mark)', () => {
    const text = Buffer.from('\uFEFF' + daily, 'utf16le').toString('latin1');
    expect(dataErrorOf(text, 'u16.csv').code).toBe('utf16');
  });
});

describe('roles', () => {
  const daily = fixture('ok-daily.csv');

  it('refuses an override naming a missing column', () => {
    expectRefused(
      daily,
      'roles.csv',
      {
        code: 'unknown_role_column',
        row: 1,
        column: null,
        message:
          'roles.csv, row 1: roles.spend_columns names "tv_spend" but the header has no such column; columns are "date", "meta_spend", "google_spend", "temperature_c", "precipitation_mm", "humidity_pct", "revenue"',
      },
      { spendColumns: ['meta_spend', 'tv_spend'] },
    );
  });

  it('says the target column was given another role (it said: name a column "revenue")', () => {
    expectRefused(
      daily,
      'roles.csv',
      {
        code: 'no_target_column',
        row: 1,
        column: null,
        message:
          'roles.csv, row 1: no target column: "revenue" is read as a spend column, so no column is left as the target; take it out of that role or name the target with roles.target',
      },
      { spendColumns: ['meta_spend', 'revenue'] },
    );
  });

  it('refuses a column given two roles', () => {
    expectRefused(
      daily,
      'roles.csv',
      {
        code: 'role_conflict',
        row: 1,
        column: 'google_spend',
        message:
          'roles.csv, row 1, column "google_spend": roles.spend_columns and roles.control_columns both name this column; give each column one role',
      },
      { spendColumns: ['google_spend'], controlColumns: ['google_spend'] },
    );
  });

  it('refuses two spend columns that give the same channel', () => {
    const text = daily.replace('google_spend', 'meta');
    expectRefused(
      text,
      'roles.csv',
      {
        code: 'duplicate_channel',
        row: 1,
        column: 'meta',
        message:
          'roles.csv, row 1, column "meta": spend columns "meta_spend" and "meta" both give channel "meta"; rename one of them',
      },
      { spendColumns: ['meta_spend', 'meta'] },
    );
  });

  it('refuses a channel named as a part of the decomposition (baseline, weather, ...)', () => {
    for (const [column, channel] of [
      ['baseline_spend', 'baseline'],
      ['Weather_spend', 'Weather'],
    ]) {
      const text = daily.replace('google_spend', column);
      expectRefused(text, 'roles.csv', {
        code: 'reserved_channel',
        row: 1,
        column,
        message: `roles.csv, row 1, column "${column}": spend column "${column}" gives channel "${channel}", the name of a part of the model's decomposition (date, actual, predicted, baseline, weather: the columns of explanations, reports and their CSV); rename the column, e.g. "${channel}_ads_spend"`,
      });
    }
  });

  it('refuses a bad tenant id before reading the text', () => {
    expect(() => parseTenantCsv(daily, { tenant: 'Acme Shoes' })).toThrowError(RangeError);
  });
});

describe('tenantToCsv refusals', () => {
  it('refuses a non-finite value and mismatched lengths', () => {
    const series = syntheticSeries(2, 60);
    series.target[3] = Infinity;
    expect(() => tenantToCsv(series)).toThrowError(
      new RangeError(
        'tenantToCsv: column "revenue" row 3 (2024-01-18) is Infinity; CSV holds finite numbers only',
      ),
    );
    const short = syntheticSeries(2, 60);
    short.spend[1] = short.spend[1].subarray(1);
    expect(() => tenantToCsv(short)).toThrowError(
      new RangeError('tenantToCsv: column "google_spend" has 59 values for 60 dates'),
    );
  });
});
