/**
 * Forecast files (plan --forecast) as exported: separated by ";", columns in another case,
 * missing-value markers and thousands separators.
 */
import { describe, expect, it } from 'vitest';
import { DataError } from '../src/core/csv.js';
import { parseForecastCsv } from '../src/core/csv/forecast.js';

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
