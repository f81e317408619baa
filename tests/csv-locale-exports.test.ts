/**
 * Files as spreadsheets in other locales and formats export them (session 62's new-analyst probe):
 * a European Excel file (";" between columns, decimal commas), a target headed with its currency,
 * accounting negatives, dates with a time of day, a two-digit year or a month name. Each was
 * refused with only the generic advice, or took two round trips; the messages now say what they see.
 */
import { describe, expect, it } from 'vitest';
import { csv, defaultCell, parse, refusal } from './csv-made-files.js';
import { isoFromDays, parseIsoDay } from '../src/core/csv.js';
import { dateHint } from '../src/core/csv/dates.js';

const HEADER = ['date', 'meta_spend', 'google_spend', 'price_index', 'revenue'];
/** The default cell with a decimal comma: 1650.37 -> "1650,37". */
const commaCell = (j: number, t: number) => defaultCell(HEADER, j, t).replace('.', ',');

describe('a European Excel file (";" between columns, decimal commas)', () => {
  it('is told both at once, with the first such number and its "." form', () => {
    const e = refusal(csv(HEADER, commaCell, ';'));
    expect(e.code).toBe('not_csv');
    // Row 2's meta_spend: 100 + 10 + 30 sin(0) = 110.00.
    expect(e.message).toBe(
      'f.csv, row 1: the header has a single column "date;meta_spend;google_spend;price_index..."; ' +
        'expected comma-separated columns date,<channel>_spend,...,revenue; it looks separated by ";" and writes decimals ' +
        'with a comma ("110,00" on row 2): save it with commas as separators and "." for decimals (110.00); ' +
        'replacing ";" with "," alone would split each such number in two',
    );
    // With "." decimals, only the separator.
    expect(refusal(csv(HEADER, undefined, ';')).message).toMatch(
      /; it looks separated by ";": save it with commas as separators$/,
    );
  });

  it('with ";" replaced by "," alone: the ragged row says the extra cells look like decimal commas', () => {
    const e = refusal(csv(HEADER, commaCell, ';').replace(/;/g, ','));
    expect(e.code).toBe('ragged_row');
    expect(e.message).toBe(
      'f.csv, row 2: this row has 9 cells but the header has 5 columns; every row needs one cell per column; ' +
        '"110,00" looks like a number with a decimal comma, read as two cells ("110" and "00"): write decimals with "." (110.00)',
    );
    // A row with one cell too many that is not a split number gets no such clause.
    const extra = csv(HEADER).replace(/\n2024-01-01,([^\n]*)/, '\n2024-01-01,$1,note');
    expect(refusal(extra).message).toMatch(/every row needs one cell per column$/);
  });

  it('with decimal commas kept in quotes: the number is given in "." form', () => {
    const quoted = csv(HEADER, (j, t) =>
      j === 0 ? defaultCell(HEADER, j, t) : `"${commaCell(j, t)}"`,
    );
    expect(refusal(quoted).message).toBe(
      'f.csv, row 2, column "meta_spend": "110,00" is not a number: it has a decimal comma, 110.00; ' +
        'write plain numbers with "." for decimals and no currency signs or thousands separators (e.g. 1234.5 or 1.5e3)',
    );
    // "1,650" may be a thousands separator: no reading is offered.
    const thousands = csv(HEADER, (j, t) =>
      j === 1 && t === 0 ? '"1,650"' : defaultCell(HEADER, j, t),
    );
    expect(refusal(thousands).message).toContain('"1,650" is not a number; write plain numbers');
  });
});

describe('a target headed with its unit', () => {
  it.each(['Revenue (USD)', 'Sales ($)', 'revenue [EUR]', 'sales'])(
    '"%s" is the target',
    (name) => {
      const header = [...HEADER.slice(0, -1), name];
      const { series, warnings } = parse(csv(header));
      expect(series.targetName).toBe(name);
      expect(warnings).toEqual([]);
    },
  );

  it('one target by name: revenue before sales; the other named column is left out, with how to choose it', () => {
    const header = ['date', 'meta_spend', 'Sales', 'price_index', 'Revenue (EUR)'];
    const { series, warnings } = parse(csv(header));
    expect(series.targetName).toBe('Revenue (EUR)');
    expect(series.controlNames).toEqual(['price_index']);
    expect(warnings).toContain(
      'column "Sales" also names the target, which is "Revenue (EUR)"; it is ignored (name the target with --target to model "Sales" instead)',
    );
  });
});

describe('an accounting negative, (350.00)', () => {
  it('in spend: the negative spend refusal and its advice', () => {
    const text = csv(HEADER, (j, t) =>
      j === 1 && t === 4 ? '"(1,350.00)"' : defaultCell(HEADER, j, t),
    );
    const e = refusal(text);
    expect(e.code).toBe('negative_spend');
    expect(e.message).toBe(
      'f.csv, row 6, column "meta_spend": spend is negative ("(1,350.00)", an accounting negative: -1350.00); spend must be >= 0: ' +
        'net a refund or credit against the spend of the rows it belongs to, or write 0',
    );
  });

  it('in another column: not a number, read as the negative it is', () => {
    const text = csv(HEADER, (j, t) =>
      j === 4 && t === 4 ? '(120.5)' : defaultCell(HEADER, j, t),
    );
    const e = refusal(text);
    expect(e.code).toBe('bad_number');
    expect(e.message).toBe(
      'f.csv, row 6, column "revenue": "(120.5)" is not a number: it is an accounting negative, -120.5; ' +
        'write plain numbers with "." for decimals and no currency signs or thousands separators (e.g. 1234.5 or 1.5e3)',
    );
  });
});

describe('dates with a time of day, a two-digit year or a month name', () => {
  const MONTHS = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  /** The file with its date column written by `write(year, month, day)`. */
  const dated = (write: (y: number, m: number, d: number) => string) =>
    csv(HEADER, (j, t) => {
      if (j !== 0) return defaultCell(HEADER, j, t);
      const [y, m, d] = isoFromDays(parseIsoDay('2024-01-01') + t)
        .split('-')
        .map(Number);
      return write(y, m, d);
    });
  const two = (n: number) => String(n).padStart(2, '0');

  it("Excel's US date-time: keep the date only, converted in the column's order", () => {
    expect(refusal(dated((y, m, d) => `${two(m)}/${two(d)}/${y} 0:00`)).message).toBe(
      'f.csv, row 2, column "date": "01/01/2024 0:00" is not a date; write dates as YYYY-MM-DD (e.g. 2024-01-31); ' +
        "it holds a time of day too: keep the date only; the column's dates are month/day/year " +
        '("01/13/2024 0:00" on row 14 can be read no other way): this one is 2024-01-01',
    );
    expect(dateHint('1/2/2024 12:00:00 AM')).toBe(
      '; it holds a time of day too: keep the date only; its day and month cannot be told apart (2024-02-01 or 2024-01-02)',
    );
  });

  it("a two-digit year: write it in four, converted in the column's order", () => {
    expect(refusal(dated((y, m, d) => `${two(d)}/${two(m)}/${String(y).slice(2)}`)).message).toBe(
      'f.csv, row 2, column "date": "01/01/24" is not a date; write dates as YYYY-MM-DD (e.g. 2024-01-31); ' +
        "its year has two digits: write years in four; the column's dates are day/month/year " +
        '("13/01/24" on row 14 can be read no other way): this one is 2024-01-01',
    );
    expect(dateHint('31.01.24')).toBe(
      '; its year has two digits: write years in four; read as day/month/year it is 2024-01-31',
    );
  });

  it('a month name: the date it names', () => {
    expect(refusal(dated((y, m, d) => `${two(d)}-${MONTHS[m - 1]}-${y}`)).message).toBe(
      'f.csv, row 2, column "date": "01-Jan-2024" is not a date; write dates as YYYY-MM-DD (e.g. 2024-01-31); ' +
        'write it 2024-01-01 (the month as a number)',
    );
    expect(dateHint('Jan 2, 2023')).toBe('; write it 2023-01-02 (the month as a number)');
    expect(dateHint('Monday, January 2, 2023')).toBe(
      '; write it 2023-01-02 (the month as a number)',
    );
    expect(dateHint('2 Sept 2023')).toBe('; write it 2023-09-02 (the month as a number)');
    expect(dateHint('02-Jan-23')).toBe(
      '; write it 2023-01-02 (the month as a number, the year in four digits)',
    );
    // Not a day of that month, or not a month: no reading.
    expect(dateHint('30-Feb-2023')).toBe('');
    expect(dateHint('02-Foo-2023')).toBe('');
  });
});
