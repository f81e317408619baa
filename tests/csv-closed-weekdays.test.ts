/**
 * Date gaps: a daily file without some weekdays (business days only, closed on Sundays) is told
 * so; other gaps are named all at once (probe s71: an export with four missing days in three gaps
 * took three round trips, one gap per error).
 */
import { describe, expect, it } from 'vitest';
import { parseTenantCsv } from '../src/core/csv.js';

/** Daily rows from Monday 2024-01-01 for `days` days, leaving out the weekdays in `closed` (0 = Monday). */
function dailyCsv(days: number, closed: number[], fill = false): string {
  const rows = ['date,meta_spend,revenue'];
  for (let i = 0; i < days; i++) {
    const date = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
    const isClosed = closed.includes(i % 7);
    if (isClosed && !fill) continue;
    rows.push(
      isClosed ? `${date},0,0` : `${date},${100 + ((i * 37) % 50)},${1000 + ((i * 53) % 300)}`,
    );
  }
  return rows.join('\n') + '\n';
}

/** Rows dated from `start` every `step` days, leaving out the row indices in `skip`. */
function datedCsv(start: string, rows: number, step: number, skip: number[]): string {
  const out = ['date,meta_spend,revenue'];
  const t0 = Date.parse(`${start}T00:00:00Z`);
  for (let i = 0; i < rows; i++) {
    if (skip.includes(i)) continue;
    const date = new Date(t0 + i * step * 86_400_000).toISOString().slice(0, 10);
    out.push(`${date},${100 + ((i * 37) % 50)},${1000 + ((i * 53) % 300)}`);
  }
  return out.join('\n') + '\n';
}

const refusal = (csv: string): string => {
  try {
    parseTenantCsv(csv, { tenant: 'shop', fileName: 'f.csv' });
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

describe('a daily file that never has some weekdays', () => {
  it('business days only: the refusal names the weekdays and what to write on them', () => {
    const message = refusal(dailyCsv(200, [5, 6]));
    // 2024-01-06 is the first Saturday; row 7 is 2024-01-08, the date after Friday's row 6.
    expect(message).toBe(
      'f.csv, row 7, column "date": daily dates have a gap: 2024-01-06 is missing (the date after 2024-01-05 on row 6 is 2024-01-08); ' +
        'add the missing days, with their revenue (and 0 spend where nothing ran). The file has no Saturdays or Sundays at all: if the business is closed then, ' +
        'add those days with 0 spend and the revenue of the day (0 if nothing sells); the model has day-of-week terms for them and counts carry-over across them. ' +
        'Or export the same period by week',
    );
    expect(refusal(dailyCsv(200, [6]))).toContain('The file has no Sundays at all');
    expect(refusal(dailyCsv(200, [0, 5, 6]))).toContain('no Mondays, Saturdays or Sundays at all');
  });

  it('a gap of a few days in a file with every weekday gets the plain message', () => {
    const csv = dailyCsv(200, [])
      .split('\n')
      .filter((line) => !line.startsWith('2024-02-1'))
      .join('\n');
    const message = refusal(csv);
    expect(message).toContain(
      'daily dates have a gap, 10 days missing: 2024-02-10..2024-02-19 (10 days) after 2024-02-09',
    );
    expect(message).not.toContain('at all');
  });

  it('filled as the message says, the file is imported without a word about its zeros', () => {
    const { series, warnings } = parseTenantCsv(dailyCsv(200, [5, 6], true), { tenant: 'shop' });
    expect(series.dates.length).toBe(200);
    expect(warnings.join('\n')).not.toMatch(/exactly 0/);
  });
});

describe('date gaps', () => {
  it('daily: every gap, the days missing in each and the row each follows', () => {
    // Rows 0-99 from 2024-01-01; left out: 2024-01-10 and 01-11 (9, 10), 2024-02-03 (33).
    expect(refusal(datedCsv('2024-01-01', 100, 1, [9, 10, 33]))).toBe(
      'f.csv, row 11, column "date": daily dates have 2 gaps, 3 days missing: ' +
        '2024-01-10..2024-01-11 (2 days) after 2024-01-09 on row 10; 2024-02-03 after 2024-02-02 on row 32; ' +
        'add the missing days, with their revenue (and 0 spend where nothing ran)',
    );
  });

  it('weekly: one gap of two weeks names both', () => {
    // Mondays from 2023-01-02; left out: 2023-03-06 and 03-13 (rows 9, 10).
    expect(refusal(datedCsv('2023-01-02', 60, 7, [9, 10]))).toBe(
      'f.csv, row 11, column "date": weekly dates have a gap, 2 weeks missing: ' +
        '2023-03-06..2023-03-13 (2 weeks) after 2023-02-27 on row 10; ' +
        'add the missing weeks, with their revenue (and 0 spend where nothing ran)',
    );
  });

  it('more than ten gaps: the first ten, and how many more', () => {
    const skip = Array.from({ length: 12 }, (_, k) => 5 + 7 * k);
    const message = refusal(datedCsv('2024-01-01', 120, 1, skip));
    expect(message).toContain('daily dates have 12 gaps, 12 days missing: 2024-01-06 after');
    expect(message).toContain('; and 2 more gaps; add the missing days');
  });

  it('a single missing day keeps its one-line message', () => {
    expect(refusal(datedCsv('2024-01-01', 60, 1, [20]))).toBe(
      'f.csv, row 22, column "date": daily dates have a gap: 2024-01-21 is missing ' +
        '(the date after 2024-01-20 on row 21 is 2024-01-22); add the missing days, with their revenue (and 0 spend where nothing ran)',
    );
  });
});
