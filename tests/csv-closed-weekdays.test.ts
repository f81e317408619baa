/** A daily file without some weekdays (business days only, closed on Sundays): the refusal says so. */
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
