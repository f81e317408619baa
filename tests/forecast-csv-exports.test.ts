/**
 * Forecast files (plan --forecast) as exported: separated by ";", columns in another case,
 * missing-value markers and thousands separators.
 */
import { describe, expect, it } from 'vitest';
import { DataError } from '../src/core/csv.js';
import { resolveTenant } from '../src/app/compute.js';
import { outlookOf } from '../src/app/plan-task.js';
import { parseForecastCsv } from '../src/core/csv/forecast.js';
import { PLAN_WORDS } from '../src/plan/words.js';

describe('forecast files as exported', () => {
  const opts = {
    fileName: 'f.csv',
    required: ['temperature_c', 'precipitation_mm'],
    firstDate: '2025-01-01',
    stepDays: 1 as const,
    minRows: 2,
  };
  const refused = (text: string): string => {
    try {
      parseForecastCsv(text, opts);
    } catch (e) {
      if (e instanceof DataError) return e.message;
      throw e;
    }
    throw new Error('the forecast was accepted');
  };

  it('says a file separated by ";" is (it said there was no "date" column)', () => {
    expect(refused('date;temperature_c;precipitation_mm\n2025-01-01;3,5;0\n2025-01-02;4;0\n')).toBe(
      'f.csv, row 1: the header has a single column "date;temperature_c;precipitation_mm"; expected comma-separated columns date,temperature_c,precipitation_mm; it looks separated by ";": save it with commas as separators',
    );
  });

  it('says a file of dates only lacks the weather columns (it said the file was not comma-separated)', () => {
    expect(refused('date\n2025-01-01\n2025-01-02\n')).toBe(
      'f.csv, row 1: the forecast has a date column only; add the weather columns the model uses: temperature_c, precipitation_mm (header date,temperature_c,precipitation_mm)',
    );
  });

  it('reads the model columns ignoring case, as the data import reads names', () => {
    const f = parseForecastCsv(
      'Date,Temperature_C,PRECIPITATION_MM,Notes\n2025-01-01,3.5,0,x\n2025-01-02,4,1.2,y\n',
      opts,
    );
    expect(f.weatherNames).toEqual(['temperature_c', 'precipitation_mm']);
    expect(Array.from(f.weather[0])).toEqual([3.5, 4]);
    expect(Array.from(f.weather[1])).toEqual([0, 1.2]);
    expect(f.ignored).toEqual(['Notes']);
  });

  it('says what a missing-value marker and a thousands separator are', () => {
    const cell = (v: string) =>
      `date,temperature_c,precipitation_mm\n2025-01-01,3,0\n2025-01-02,"${v}",0\n`;
    expect(refused(cell('NA'))).toBe(
      'f.csv, row 3, column "temperature_c": "NA" marks a missing value; every forecast cell needs a number (the forecast\'s figure for that period)',
    );
    expect(refused(cell('1,000'))).toBe(
      'f.csv, row 3, column "temperature_c": "1,000" is not a number; write plain numbers with "." for decimals and no thousands separators or units (e.g. 12.5)',
    );
    expect(refused(cell('Infinity'))).toContain('"Infinity" is not a finite number');
  });
});

describe('a forecast for a model without weather', () => {
  it('is refused as having nothing to change, in the face words (it asked for a header "date,")', () => {
    const { series } = resolveTenant({ kind: 'builtin', tenant: 'none_books' });
    const forecast = { forecast: { csv: 'date\n2027-01-01\n', fileName: 'f.csv' } };
    const words = {
      ...PLAN_WORDS,
      forecast: '--forecast FILE',
      typicalScenario: '--scenario typical',
    };
    expect(() => outlookOf(forecast, series, [], 28, words)).toThrow(
      "--forecast FILE was given, but this tenant's model uses no weather columns (none were imported as weather), so a forecast has nothing to change: plan without it (--scenario typical is then the outlook)",
    );
  });
});
