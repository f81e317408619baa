/**
 * Plan requests the planner read other than they were written: per-period bounds in the other
 * frequency's unit, a forecast with a missing date.
 */
import { describe, expect, it } from 'vitest';
import { parseForecastCsv } from '../src/core/csv/forecast.js';
import { parseBounds } from '../src/plan/index.js';

describe('per-period bounds in the unit of the data', () => {
  it('refuses /day on weekly data and /week on daily data (they were read as per week / per day)', () => {
    // Until then google=:3000/day on weekly data capped google at 3,000 a week, 7 times tighter.
    expect(() => parseBounds('google=:3000/day', 'weekly')).toThrow(
      /bound "google=:3000\/day": the data is weekly, so a bound per period holds for each week; write the amount per week with \/week/,
    );
    expect(() => parseBounds('meta=0.5x:2x,google=:3000/week', 'daily')).toThrow(
      /bound "google=:3000\/week": the data is daily.*each day/,
    );
    // The data's own unit, /period and totals stay as they were.
    expect(parseBounds('google=:3000/week', 'weekly')).toEqual([
      { channel: 'google', min: undefined, max: { value: 3000, multiple: false }, perPeriod: true },
    ]);
    expect(parseBounds('google=1.5x:/PERIOD,meta=:2x', 'daily')).toEqual([
      { channel: 'google', min: { value: 1.5, multiple: true }, max: undefined, perPeriod: true },
      { channel: 'meta', min: undefined, max: { value: 2, multiple: true }, perPeriod: false },
    ]);
    // Without the data's frequency (the pure planner's callers) every unit is a period.
    expect(parseBounds('google=:3000/week')[0].perPeriod).toBe(true);
  });
});

describe('a forecast with a missing date', () => {
  const opts = {
    fileName: 'f.csv',
    required: ['temperature_c'],
    firstDate: '2025-01-01',
    stepDays: 1 as const,
    minRows: 3,
  };
  it('names the gap, not the row count the gap makes one short', () => {
    // It said "2 forecast rows; the plan needs at least 3", which sent the user to extend a
    // forecast that had every row but one.
    expect(() =>
      parseForecastCsv('date,temperature_c\n2025-01-01,3\n2025-01-03,4\n', opts),
    ).toThrow(/f\.csv, row 3, column "date": after 2025-01-01 the next row must be 2025-01-02/);
    // A forecast in order that is too short, or empty, is still told so.
    expect(() =>
      parseForecastCsv('date,temperature_c\n2025-01-01,3\n2025-01-02,4\n', opts),
    ).toThrow(/2 forecast rows; the plan needs at least 3/);
    expect(() => parseForecastCsv('date,temperature_c\n', opts)).toThrow(
      /0 forecast rows; the plan needs at least 3/,
    );
  });
});
