/**
 * Files as an analyst's tools export them (a sweep of the CLI on mangled exports of generated
 * tenants): spend columns headed `Meta Spend`, dates in one day-month order, dates without
 * leading zeros, a typo of 1e15 on one row.
 */
import { describe, expect, it } from 'vitest';
import { csv, defaultCell, parse, refusal, ROWS } from './csv-made-files.js';
import { parseTenantCsv, rolesOf, tenantToCsv } from '../src/core/csv.js';
import { slashedDateOrder } from '../src/core/csv/dates.js';

describe('spend columns as spreadsheets head them', () => {
  it('reads "Meta Spend", "TikTok Spend ($)" and "tv-spend" as spend (they were controls, silently)', () => {
    const header = [
      'date',
      'Meta Spend',
      'TikTok Spend ($)',
      'tv-spend',
      'google_spend',
      'revenue',
    ];
    const { series, warnings } = parse(csv(header));
    expect(series.channels).toEqual(['Meta', 'TikTok', 'tv', 'google']);
    expect(series.controlNames).toEqual([]);
    expect(warnings.filter((w) => w.includes('read as a control'))).toEqual([]);
    // The second column's values are the channel's spend, bit for bit.
    expect(series.spend[0][7]).toBe(Number(defaultCell(header, 1, 7)));
    // The canonical CSV and its roles read back to the same channels.
    const again = parseTenantCsv(tenantToCsv(series), { tenant: 'x', roles: rolesOf(series) });
    expect(again.series.channels).toEqual(series.channels);
  });

  it('names the channel of an explicit spend column without its " Spend" too', () => {
    const header = ['date', 'Meta Spend', 'revenue'];
    const { series } = parseTenantCsv(csv(header), {
      tenant: 'x',
      roles: { spendColumns: ['Meta Spend'] },
    });
    expect(series.channels).toEqual(['Meta']);
  });

  it('warns when a control is named like spend or cost, saying how to make it a channel', () => {
    const header = ['date', 'meta_spend', 'GoogleSpend', 'tv_cost', 'promo', 'revenue'];
    const { series, warnings } = parse(csv(header));
    expect(series.channels).toEqual(['meta']);
    expect(series.controlNames).toEqual(['GoogleSpend', 'tv_cost', 'promo']);
    expect(warnings).toContain(
      'column "GoogleSpend" is read as a control (a number that may move sales, not a channel); ' +
        'if it is a channel\'s spend, name it "<channel>_spend" or list it in --spend',
    );
    expect(warnings.some((w) => w.startsWith('column "tv_cost" is read as a control'))).toBe(true);
    expect(warnings.some((w) => w.startsWith('column "promo" is read as a control'))).toBe(false);
  });

  it('refuses "Meta Spend" beside "meta_spend": one channel twice, names compared ignoring case', () => {
    const e = refusal(csv(['date', 'Meta Spend', 'meta_spend', 'revenue']));
    expect(e.code).toBe('duplicate_channel');
    expect(e.message).toBe(
      'f.csv, row 1, column "meta_spend": spend columns "Meta Spend" and "meta_spend" both give channel "meta" (names compared ignoring case); rename one of them',
    );
  });
});

describe('dates in a day-month order, and without leading zeros', () => {
  const header = ['date', 'meta_spend', 'revenue'];
  /** The file with its dates written by `f` (the day's y, m, d). */
  const dated = (f: (y: string, m: string, d: string) => string) =>
    csv(header, (j, t) => {
      const cell = defaultCell(header, j, t);
      if (j !== 0) return cell;
      const [y, m, d] = cell.split('-');
      return f(y, m, d);
    });

  it("reads the column's order from a date that has one reading, and gives the row's date in it", () => {
    // Row 2 is 01/01/2024 (either order); row 14 is 01/13/2024, month first.
    expect(refusal(dated((y, m, d) => `${m}/${d}/${y}`)).message).toBe(
      'f.csv, row 2, column "date": "01/01/2024" is not a date; write dates as YYYY-MM-DD (e.g. 2024-01-31); ' +
        'the column\'s dates are month/day/year ("01/13/2024" on row 14 can be read no other way): this one is 2024-01-01',
    );
    expect(refusal(dated((y, m, d) => `${d}.${m}.${y}`)).message).toContain(
      'the column\'s dates are day/month/year ("13.01.2024" on row 14 can be read no other way): this one is 2024-01-01',
    );
  });

  it('says nothing of an order the cells disagree on or do not show', () => {
    expect(slashedDateOrder(['01/02/2024', '13/01/2024', '01/13/2024'], [2, 3, 4])).toBeNull();
    expect(slashedDateOrder(['01/02/2024', '02/01/2024'], [2, 3])).toBeNull();
    expect(slashedDateOrder(['01/02/2024', '2/13/2024'], [2, 3])).toEqual({
      order: 'month/day',
      example: '2/13/2024',
      row: 3,
    });
  });

  it('gives the padded date of 2024-1-5', () => {
    const e = refusal(dated((y, m, d) => `${y}-${Number(m)}-${Number(d)}`));
    expect(e.message).toBe(
      'f.csv, row 2, column "date": "2024-1-1" is not a date; write dates as YYYY-MM-DD (e.g. 2024-01-31); write it 2024-01-01',
    );
  });
});

describe('a figure far off its column', () => {
  const header = ['date', 'meta_spend', 'google_spend', 'revenue'];
  const outliers = (w: string[]) => w.filter((x) => x.includes('times its median'));

  it('names the row of a revenue or spend typo (it showed only as "different units")', () => {
    const text = csv(header, (j, t) => (j === 3 && t === 40 ? '1e15' : defaultCell(header, j, t)));
    const revenue = Array.from({ length: ROWS }, (_, t) => Number(defaultCell(header, 3, t)));
    revenue[40] = 1e15;
    const middle = [...revenue].sort((a, b) => a - b);
    const median = (middle[ROWS / 2 - 1] + middle[ROWS / 2]) / 2;
    expect(outliers(parse(text).warnings)).toEqual([
      `"revenue" is over 1000 times its median (${median}) on 1 row (first 2024-02-10: 1000000000000000): ` +
        'a typo, a pasted total or a figure in other units? The model fits it as it is, and one such row can swamp the fit: check that row',
    ]);
    const spend = csv(header, (j, t) =>
      j === 1 && (t === 3 || t === 90) ? '5e8' : defaultCell(header, j, t),
    );
    const [w] = outliers(parse(spend).warnings);
    expect(w).toMatch(
      /^"meta_spend" is over 1000 times its median \([\d.]+\) on 2 rows \(first 2024-01-04: 500000000\)/,
    );
  });

  it('says nothing of a column within 1000 times its median', () => {
    const text = csv(header, (j, t) => (j === 1 && t === 40 ? '90000' : defaultCell(header, j, t)));
    expect(outliers(parse(text).warnings)).toEqual([]);
  });
});
