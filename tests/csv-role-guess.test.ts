/**
 * Files named in another tool's words: the date column found by its cells, and every missing role
 * said in one refusal (PyMC-Marketing's example is `date_week, y, x1, x2, event_1, event_2`).
 */
import { describe, expect, it } from 'vitest';
import { DataError, parseTenantCsv } from '../src/core/csv.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';

/** 60 weekly rows from 2021-01-04 under `header`, the row's cells made by `cells`. */
function csv(header: string, cells: (date: string, i: number) => string[]): string {
  const rows = [header];
  for (let i = 0; i < 60; i++) {
    const date = new Date(Date.UTC(2021, 0, 4 + 7 * i)).toISOString().slice(0, 10);
    rows.push(cells(date, i).join(','));
  }
  return rows.join('\n') + '\n';
}

const pymcLike = csv('date_week,y,x1,x2,event_1', (d, i) => [
  d,
  String(5000 + 10 * i + ((i * 37) % 100)),
  String(100 + ((i * 13) % 40)),
  String(i % 10 < 3 ? 50 : 0),
  i === 20 ? '1' : '0',
]);

function refusal(text: string, roles = {}): DataError {
  try {
    parseTenantCsv(text, { tenant: 'shop', fileName: 'f.csv', roles, words: CLI_OPTION_WORDS });
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('the date column by its cells', () => {
  it('takes the one column of dates when none is named "date", and says so', () => {
    const { series, warnings } = parseTenantCsv(pymcLike, {
      tenant: 'pymc',
      roles: { target: 'y', spendColumns: ['x1', 'x2'] },
      words: CLI_OPTION_WORDS,
    });
    expect(series.dates[0]).toBe('2021-01-04');
    expect(series.frequency).toBe('weekly');
    expect(series.controlNames).toEqual(['event_1']);
    expect(warnings).toContain(
      'no column is named "date"; column "date_week" holds dates on every row and is read as the date column (name another with --date if it is not)',
    );
  });

  it('takes none of two date columns, and names both', () => {
    const two = csv('week_start,week_end,meta_spend,revenue', (d, i) => [
      d,
      new Date(Date.parse(d) + 6 * 864e5).toISOString().slice(0, 10),
      String(100 + i),
      String(1000 + 3 * i),
    ]);
    const e = refusal(two);
    expect(e.code).toBe('no_date_column');
    expect(e.message).toBe(
      'f.csv, row 1: no date column; "week_start", "week_end" hold dates: pass --date with the one to use, or name it "date"; ' +
        'columns are "week_start", "week_end", "meta_spend", "revenue"',
    );
    const chosen = parseTenantCsv(two, { tenant: 'shop', roles: { dateColumn: 'week_start' } });
    expect(chosen.series.dates[0]).toBe('2021-01-04');
  });

  it('a column with one cell that is not a date is not taken', () => {
    const broken = pymcLike.replace('2021-03-01', 'March 1');
    expect(refusal(broken, { target: 'y', spendColumns: ['x1', 'x2'] }).message).toMatch(
      /^f\.csv, row 1: no date column; name it "date" \(values YYYY-MM-DD\) or pass --date; columns are/,
    );
  });
});

describe('every missing role in one refusal', () => {
  it('target and spend both missing: one message with both, the code of the first', () => {
    const e = refusal(pymcLike);
    expect(e.code).toBe('no_target_column');
    expect(e.message).toBe(
      'f.csv, row 1: no target column; name it "revenue" or pass --target; ' +
        'no spend column; name spend columns "<channel>_spend" (e.g. "meta_spend") or pass --spend; ' +
        'columns are "date_week", "y", "x1", "x2", "event_1"',
    );
  });
});

describe('rows of one date that differ in a text column (a geo-level file)', () => {
  it('names the column and the two values, and what to do', () => {
    const rows = ['geo,time,meta_spend,revenue'];
    for (const geo of ['north', 'south'])
      for (let i = 0; i < 60; i++) {
        const date = new Date(Date.UTC(2021, 0, 4 + 7 * i)).toISOString().slice(0, 10);
        rows.push(`${geo},${date},${100 + i},${1000 + 3 * i}`);
      }
    const e = refusal(rows.join('\n') + '\n');
    expect(e.code).toBe('duplicate_date');
    expect(e.message).toBe(
      'f.csv, row 62, column "time": date 2021-01-04 already appears on row 2 with another "geo" ("north" there, "south" here): ' +
        'the file holds one row per week and geo, and a tenant has one row per week; import each geo as its own tenant (a file each), ' +
        "or make one row of each week's rows (spend and revenue summed, weather averaged)",
    );
  });
});

describe("Robyn's spend columns (<channel>_S)", () => {
  const robyn = csv('DATE,revenue,tv_S,facebook_S,facebook_I,competitor_sales_B', (d, i) => [
    d,
    String(1000 + 3 * i),
    String(100 + i),
    String(50 + (i % 9)),
    String(5000 + i),
    String(9000 + i),
  ]);

  it('are named in the refusal with the role to pass, in the words of the face', () => {
    expect(refusal(robyn).message).toBe(
      'f.csv, row 1: no spend column; name spend columns "<channel>_spend" (e.g. "meta_spend") or pass --spend ' +
        '("tv_S", "facebook_S" read like Robyn\'s spend columns: --spend tv_S,facebook_S); ' +
        'columns are "DATE", "revenue", "tv_S", "facebook_S", "facebook_I", "competitor_sales_B"',
    );
    let mcp = '';
    try {
      parseTenantCsv(robyn, { tenant: 'shop' });
    } catch (e) {
      mcp = (e as Error).message;
    }
    expect(mcp).toContain('roles.spend_columns: ["tv_S", "facebook_S"]');
    const taken = parseTenantCsv(robyn, {
      tenant: 'shop',
      roles: { spendColumns: ['tv_S', 'facebook_S'] },
    });
    expect(taken.series.channels).toEqual(['tv_S', 'facebook_S']);
  });
});
