/**
 * Weather values a recognised column cannot hold are refused at import as in a forecast (°F under
 * a °C name, negative precipitation, humidity above 100), and a °C column that reads like °F below
 * 60 is warned of. A marked column of unrecognised name is not range-checked (its unit is unknown).
 */
import { describe, expect, it } from 'vitest';
import { DataError, parseTenantCsv } from '../src/core/csv.js';
import { isoFromDays, parseIsoDay } from '../src/core/csv.js';

/** A daily CSV of 200 rows: date, meta_spend, the given weather column, revenue. */
function csv(column: string, value: (t: number) => number): string {
  const start = parseIsoDay('2024-01-01');
  const rows = Array.from(
    { length: 200 },
    (_, t) => `${isoFromDays(start + t)},${100 + (t % 7)},${value(t)},${1000 + 3 * t}`,
  );
  return [`date,meta_spend,${column},revenue`, ...rows].join('\n') + '\n';
}

/** The DataError parseTenantCsv throws, or null. */
function refusal(text: string, weather?: string[]): DataError | null {
  try {
    parseTenantCsv(text, {
      tenant: 'w',
      fileName: 'w.csv',
      roles: weather ? { weatherColumns: weather } : {},
    });
    return null;
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
}

// Fahrenheit over a year: 21.7 to 84.3 (day t is the file's row 2 + t).
const fahrenheit = (t: number): number =>
  Math.round((53 + 31.3 * Math.sin((2 * Math.PI * (t - 100)) / 365)) * 10) / 10;

describe("weather values out of their kind's range", () => {
  it('refuses °F values under a °C name at the first one above 60, with the rename advice', () => {
    const first = Array.from({ length: 200 }, (_, t) => t).find((t) => fahrenheit(t) > 60)!;
    const e = refusal(csv('temp', fahrenheit));
    expect(e).not.toBeNull();
    expect(e!.code).toBe('bad_number');
    expect(e!.message).toContain(`row ${first + 2}, column "temp"`);
    expect(e!.message).toContain(`"${fahrenheit(first)}" is outside what temp can be (-90 to 60)`);
    expect(e!.message).toContain(
      'it looks like Fahrenheit: rename the column to a °F name such as temp_f',
    );
    // the same values under a °F name are read (and converted)
    expect(refusal(csv('temp_f', fahrenheit))).toBeNull();
  });

  it('refuses a negative precipitation and a humidity above 100', () => {
    const rain = refusal(csv('precipitation_mm', (t) => (t === 37 ? -5 : t % 3)));
    expect(rain?.message).toContain('row 39');
    expect(rain?.message).toContain('"-5" is below 0; precipitation_mm cannot be negative');
    const humid = refusal(csv('humidity_pct', (t) => (t === 150 ? 140 : 50 + (t % 20))));
    expect(humid?.message).toContain('row 152');
    expect(humid?.message).toContain('"140" is outside what humidity_pct can be (0 to 100)');
  });

  it('leaves a marked column of unrecognised name alone', () => {
    expect(refusal(csv('t_max', fahrenheit), ['t_max'])).toBeNull();
  });

  it('warns of a °C column whose median is above 30, not of an ordinary one', () => {
    // A winter in °F (35 to 59): inside the °C range, median 47.
    const winter = (t: number) => 35 + (t % 25);
    const p = parseTenantCsv(csv('temperature_c', winter), { tenant: 'w', fileName: 'w.csv' });
    expect(p.warnings.filter((w) => w.includes('median is 47'))).toHaveLength(1);
    expect(p.warnings.join('\n')).toContain('rename it to a °F name such as temp_f');
    const ordinary = parseTenantCsv(
      csv('temperature_c', (t) => 5 + (t % 25)),
      {
        tenant: 'w',
        fileName: 'w.csv',
      },
    );
    expect(ordinary.warnings.join('\n')).not.toContain('median is');
  });
});
