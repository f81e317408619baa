import { describe, expect, it } from 'vitest';
import { DataError, liftTestsToCsv, parseLiftCsv } from '../src/core/csv.js';
import { generateTenant, mediaEffect, simulateLiftTest } from '../src/core/data/index.js';
import {
  checkLiftPrecision,
  checkLiftTest,
  liftSpend,
  liftWindow,
  liftWindowOutsideData,
  type LiftTest,
} from '../src/core/lift.js';
import { isoFromDays, parseIsoDay } from '../src/core/csv/dates.js';
import { usableLiftTests } from '../src/phases/calibration.js';
import type { TenantSeries } from '../src/core/types.js';

function tinySeries(): TenantSeries {
  const dates = Array.from({ length: 10 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);
  return {
    tenant: 'tiny',
    frequency: 'daily',
    dates,
    channels: ['meta', 'google'],
    spend: [
      Float64Array.from([1, 2, 10, 20, 30, 4, 5, 6, 7, 8]),
      Float64Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]),
    ],
    weatherNames: [],
    weather: [],
    controlNames: [],
    controls: [],
    targetName: 'revenue',
    target: Float64Array.from({ length: 10 }, (_, i) => 100 + i),
  };
}

const test = (over: Partial<LiftTest> = {}): LiftTest => ({
  channel: 'meta',
  start: '2024-01-03',
  end: '2024-01-05',
  spend_change: -30,
  incremental_revenue: -60,
  standard_error: 10,
  ...over,
});

describe('lift window and counterfactual spend', () => {
  it('finds the rows of an inclusive window', () => {
    expect(liftWindow(tinySeries(), test())).toEqual({ from: 2, to: 5 });
    // a window reaching past the data is cut to the data
    expect(liftWindow(tinySeries(), test({ start: '2023-12-25', end: '2024-01-02' }))).toEqual({
      from: 0,
      to: 2,
    });
  });

  it('scales the window spend by 1 + change / window total (10, 20, 30 with -30 -> halves)', () => {
    const s = liftSpend(tinySeries(), test());
    expect(Array.from(s)).toEqual([1, 2, 5, 10, 15, 4, 5, 6, 7, 8]);
    const dark = liftSpend(tinySeries(), test({ spend_change: -60 }));
    expect(Array.from(dark.subarray(2, 5))).toEqual([0, 0, 0]);
  });

  it('spreads a boost evenly when the channel spent nothing in the window', () => {
    const s = liftSpend(tinySeries(), test({ channel: 'google', spend_change: 30 }));
    expect(Array.from(s.subarray(0, 6))).toEqual([0, 0, 10, 10, 10, 1]);
  });

  it('refuses a cut larger than the window spend, an unknown channel, a window outside the data', () => {
    expect(() => liftSpend(tinySeries(), test({ spend_change: -61 }))).toThrow(/cuts more than/);
    // Within the spend figures' rounding (half a cent a row, 3 rows): the whole window's spend.
    const dark = liftSpend(tinySeries(), test({ spend_change: -60.015 }));
    expect(Array.from(dark.subarray(2, 5))).toEqual([0, 0, 0]);
    expect(() => liftSpend(tinySeries(), test({ spend_change: -60.016 }))).toThrow(
      /cuts more than/,
    );
    expect(() => liftWindow(tinySeries(), test({ channel: 'tv' }))).toThrow(/not a channel/);
    expect(() =>
      liftWindow(tinySeries(), test({ start: '2025-01-01', end: '2025-01-31' })),
    ).toThrow(/holds no row/);
    expect(() => liftWindow(tinySeries(), test({ standard_error: 0 }))).toThrow(/standard_error/);
  });

  it('takes a weekly window up to the last day of its last week, refuses one past it, and says how windows inside the data are read', () => {
    // Weeks dated Mondays 2024-01-01 .. 2024-03-04 (10 rows): the data's days end 2024-03-10.
    const days = Array.from({ length: 10 }, (_, i) =>
      isoFromDays(parseIsoDay('2024-01-01') + 7 * i),
    );
    const weekly: TenantSeries = { ...tinySeries(), frequency: 'weekly', dates: days };
    const lastWeek = test({ start: '2024-03-04', end: '2024-03-10', spend_change: -4 });
    expect(liftWindowOutsideData(weekly, lastWeek)).toBeNull();
    const past = liftWindowOutsideData(weekly, { ...lastWeek, end: '2024-03-11' });
    expect(past?.column).toBe('end_date');
    expect(past?.message).toMatch(
      /ends after tenant tiny's data \(2024-01-01\.\.2024-03-10\): the model sees only the 1 week of it/,
    );
    expect(() => liftWindow(weekly, test({ start: '2024-01-09', end: '2024-01-13' }))).toThrow(
      /holds no row of tenant tiny \(data 2024-01-01\.\.2024-03-10\); the rows of this weekly data are weeks dated 2024-01-01, 2024-01-08, \.\.\.: give the window in whole weeks/,
    );
    // Daily data: no such hint.
    expect(() =>
      liftWindow(tinySeries(), test({ start: '2025-01-01', end: '2025-01-02' })),
    ).toThrow(/\(data 2024-01-01\.\.2024-01-10\)$/);
  });

  it('names the weeks a weekly over-cut reads, as the whole-weeks warning does', () => {
    const days = Array.from({ length: 10 }, (_, i) =>
      isoFromDays(parseIsoDay('2024-01-01') + 7 * i),
    );
    const weekly: TenantSeries = { ...tinySeries(), frequency: 'weekly', dates: days };
    // 2024-01-10..2024-01-30 holds the weeks dated 01-15, 01-22, 01-29: meta 10 + 20 + 30 = 60,
    // the spend of the days 01-15..02-04, not of the dates typed.
    expect(() =>
      liftSpend(weekly, test({ start: '2024-01-10', end: '2024-01-30', spend_change: -61 })),
    ).toThrow(
      'cuts more than the meta spend in 2024-01-10..2024-01-30, read as the 3 weeks dated 2024-01-15..2024-01-29 (2024-01-15..2024-02-04) (60.00)',
    );
    // Whole weeks and daily data: the window as typed.
    expect(() =>
      liftSpend(weekly, test({ start: '2024-01-15', end: '2024-02-04', spend_change: -61 })),
    ).toThrow(/cuts more than the meta spend in 2024-01-15\.\.2024-02-04 \(60\.00\)$/);
    expect(() => liftSpend(tinySeries(), test({ spend_change: -61 }))).toThrow(
      /cuts more than the meta spend in 2024-01-03\.\.2024-01-05 \(60\.00\)$/,
    );
  });

  it('skips a test whose window now runs past the data for that reason, not for its cut', () => {
    // 2024-01-08..2024-01-14 on data ending 01-10: the rows left hold meta 6 + 7 + 8 = 21 of the
    // test's cut of 22 over the whole window.
    const t = test({ start: '2024-01-08', end: '2024-01-14', spend_change: -22, id: 7 });
    const { usable, skipped } = usableLiftTests(tinySeries(), [t]);
    expect(usable).toEqual([]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(
      /^lift test #7 \(meta 2024-01-08\.\.2024-01-14\) skipped: the window 2024-01-08\.\.2024-01-14 ends after tenant tiny's data/,
    );
    expect(skipped[0]).not.toContain('cuts more');
  });

  it('refuses a date that is not on the calendar (2024-02-30 sorts between real dates)', () => {
    expect(() => checkLiftTest(test({ start: '2024-01-00' }))).toThrow(
      /start_date 2024-01-00 is not a calendar date/,
    );
    expect(() => checkLiftTest(test({ end: '2023-02-29' }))).toThrow(
      /end_date 2023-02-29 is not a calendar date/,
    );
    expect(() => checkLiftTest(test({ start: '2024-02-29', end: '2024-02-29' }))).not.toThrow();
  });

  it('refuses a standard error below 0.01% of the revenue in the window', () => {
    // window 2024-01-03..05: revenue 102 + 103 + 104 = 309, so the floor is 0.0309
    const s = tinySeries();
    expect(() => checkLiftPrecision(s, test({ standard_error: 0.0308 }))).toThrow(
      /standard_error 0\.0308 is below 0\.01% of the revenue in 2024-01-03\.\.2024-01-05 \(309\.00\).*at least 0\.0309/,
    );
    expect(() => checkLiftPrecision(s, test({ standard_error: 0.031 }))).not.toThrow();
  });
});

describe('simulateLiftTest (ground truth)', () => {
  const tenant = generateTenant('extreme_heating');
  const dates = tenant.series.dates;

  it('true lift of a go-dark test equals the channel media effect difference over the window', () => {
    const sim = simulateLiftTest(tenant, {
      channel: 'meta',
      start: dates[700],
      end: dates[755],
    });
    // Independent path: the DGP's media effect of meta with and without the window's spend.
    const c = 0;
    const ch = tenant.truth.channels[c];
    const params = {
      decay: ch.decay,
      hillK: ch.hillK,
      hillS: ch.hillS,
      beta: ch.beta,
      gamma: ch.gamma,
    };
    const spend = tenant.series.spend[c];
    const dark = Float64Array.from(spend, (x, t) => (t >= 700 && t <= 755 ? 0 : x));
    const before = mediaEffect(params, spend, tenant.truth.driverIndex);
    const after = mediaEffect(params, dark, tenant.truth.driverIndex);
    let expected = 0;
    let windowSpend = 0;
    for (let t = 700; t <= 755; t++) {
      expected += after[t] - before[t];
      windowSpend += spend[t];
    }
    expect(sim.true_lift).toBeLessThan(0);
    expect(Math.abs(sim.true_lift - expected)).toBeLessThan(1e-6 * Math.abs(expected));
    expect(sim.test.spend_change).toBeCloseTo(-windowSpend, 6);
    expect(sim.test.standard_error).toBeCloseTo(0.1 * Math.abs(expected), 6);
    expect(Math.abs(sim.test.incremental_revenue - expected)).toBeLessThan(
      4 * sim.test.standard_error,
    );
  });

  it('a biased test claims bias x the truth; the draw is seeded', () => {
    const o = { channel: 'google', start: dates[900], end: dates[955] };
    const biased = simulateLiftTest(tenant, { ...o, bias: 2, relativeSe: 0.01 });
    expect(biased.test.incremental_revenue / biased.true_lift).toBeGreaterThan(1.95);
    expect(biased.test.incremental_revenue / biased.true_lift).toBeLessThan(2.05);
    expect(simulateLiftTest(tenant, o)).toEqual(simulateLiftTest(tenant, o));
    expect(simulateLiftTest(tenant, { ...o, seed: 1 }).test.incremental_revenue).not.toBe(
      simulateLiftTest(tenant, o).test.incremental_revenue,
    );
  });
});

describe('parseLiftCsv', () => {
  const header = 'channel,start_date,end_date,spend_change,incremental_revenue,standard_error';
  const good = `${header}\nmeta,2024-01-03,2024-01-05,-30,-60,10\ngoogle,2024-01-06,2024-01-08,1.5e1,"40",5\n`;

  it('reads a valid file, in any column order and case, and round-trips through liftTestsToCsv', () => {
    const tests = parseLiftCsv(good, { series: tinySeries() });
    expect(tests).toEqual([
      test(),
      {
        channel: 'google',
        start: '2024-01-06',
        end: '2024-01-08',
        spend_change: 15,
        incremental_revenue: 40,
        standard_error: 5,
      },
    ]);
    expect(parseLiftCsv(liftTestsToCsv(tests))).toEqual(tests);
    const shuffled =
      'STANDARD_ERROR,channel,start_date,end_date,spend_change,incremental_revenue\n10,meta,2024-01-03,2024-01-05,-30,-60\n';
    expect(parseLiftCsv(shuffled)).toEqual([test()]);
  });

  const cases: [string, string, string, RegExp][] = [
    ['empty file', '', 'empty', /^f\.csv: file is empty/],
    [
      'missing column',
      'channel,start_date,end_date,spend_change,incremental_revenue\n',
      'missing_column',
      /^f\.csv, row 1: the header has no "standard_error" column/,
    ],
    [
      'unknown column',
      `${header},notes\n`,
      'unknown_column',
      /^f\.csv, row 1, column "notes": unknown column/,
    ],
    ['no rows', `${header}\n`, 'too_few_rows', /no test rows/],
    [
      'semicolons',
      `${header.replace(/,/g, ';')}\nmeta;2024-01-03;2024-01-05;-30;-60;10\n`,
      'not_csv',
      /^f\.csv, row 1: the header has a single column "channel;start_date;.*"; expected comma-separated columns channel,start_date,end_date,spend_change,incremental_revenue,standard_error; it looks separated by ";": save it with commas as separators$/,
    ],
    [
      'bad date',
      `${header}\nmeta,2024-01-03,2024-02-30,-30,-60,10\n`,
      'bad_date',
      /^f\.csv, row 2, column "end_date": "2024-02-30" is not a date/,
    ],
    [
      'end before start',
      `${header}\nmeta,2024-01-05,2024-01-03,-30,-60,10\n`,
      'bad_window',
      /row 2, column "end_date": end_date 2024-01-03 is before start_date/,
    ],
    [
      'not a number',
      `${header}\nmeta,2024-01-03,2024-01-05,"$30",-60,10\n`,
      'bad_number',
      /row 2, column "spend_change": "\$30" is not a number/,
    ],
    [
      'zero SE',
      `${header}\nmeta,2024-01-03,2024-01-05,-30,-60,0\n`,
      'bad_number',
      /row 2, column "standard_error": standard_error 0 must be > 0/,
    ],
    [
      'zero change',
      `${header}\nmeta,2024-01-03,2024-01-05,0,-60,10\n`,
      'bad_number',
      /spend_change is 0/,
    ],
    [
      'empty cell',
      `${header}\nmeta,2024-01-03,2024-01-05,-30,,10\n`,
      'empty_cell',
      /row 2, column "incremental_revenue": empty cell/,
    ],
    ['ragged', `${header}\nmeta,2024-01-03\n`, 'ragged_row', /row 2: this row has 2 cells/],
    [
      'unknown channel',
      `${header}\ntv,2024-01-03,2024-01-05,-30,-60,10\n`,
      'unknown_channel',
      /row 2, column "channel": "tv" is not a channel of tenant tiny/,
    ],
    [
      'outside the data',
      `${header}\nmeta,2025-01-03,2025-01-05,-30,-60,10\n`,
      'bad_window',
      /holds no date of tenant tiny's data \(2024-01-01\.\.2024-01-10\)/,
    ],
    // A window partly outside the data was stored, and its spend change and lift set against
    // the days inside only (the tiny data is 2024-01-01..2024-01-10).
    [
      'starts before the data',
      `${header}\nmeta,2023-12-30,2024-01-05,-30,-60,10\n`,
      'bad_window',
      /^f\.csv, row 2, column "start_date": the window 2023-12-30\.\.2024-01-05 starts before tenant tiny's data \(2024-01-01\.\.2024-01-10\): the model sees only the 5 days of it inside the data/,
    ],
    [
      'ends after the data',
      `${header}\nmeta,2024-01-08,2024-01-11,-3,-6,10\n`,
      'bad_window',
      /^f\.csv, row 2, column "end_date": the window 2024-01-08\.\.2024-01-11 ends after tenant tiny's data \(2024-01-01\.\.2024-01-10\): the model sees only the 3 days/,
    ],
    [
      'cut too large',
      `${header}\nmeta,2024-01-03,2024-01-05,-61,-60,10\n`,
      'bad_number',
      /row 2, column "spend_change": spend_change -61 cuts more than/,
    ],
    // google spent nothing on 2024-01-01..05: a hold-out there has no spend to remove (it was
    // refused as "cuts more than the google spend ... (0.00)").
    [
      'cut where nothing was spent',
      `${header}\ngoogle,2024-01-02,2024-01-04,-3,-6,10\n`,
      'bad_number',
      // ... and the way to record a go-dark the data already hold (a probe's analyst did not find it).
      /^f\.csv, row 2, column "spend_change": spend_change -3 cuts google's spend in 2024-01-02\.\.2024-01-04, but google spent nothing there in the data: a hold-out can only remove spend that ran\. If the data already hold the go-dark .*spend_change = the spend it held back and incremental_revenue = the revenue that cost, both positive/,
    ],
    [
      'third row',
      `${header}\nmeta,2024-01-03,2024-01-05,-30,-60,10\n\nmeta,2024-01-03,2024-01-05,-30,-60,nan\n`,
      'non_finite',
      /^f\.csv, row 4, column "standard_error"/,
    ],
  ];
  it('refuses a test on a channel with no spend in the data; keeps a boost where one that spent did not', () => {
    // tiktok: 0 on every day. A boost on it was recorded, and explain then called it a conflict
    // with the model's "0 +- 0" and told the user to check the experiment.
    const base = tinySeries();
    const series: TenantSeries = {
      ...base,
      channels: [...base.channels, 'tiktok'],
      spend: [...base.spend, new Float64Array(10)],
    };
    for (const change of ['500', '-5']) {
      let err: unknown;
      try {
        parseLiftCsv(`${header}\ntiktok,2024-01-02,2024-01-08,${change},900,200\n`, {
          fileName: 'f.csv',
          series,
        });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DataError);
      expect((err as DataError).code).toBe('no_spend_channel');
      expect((err as DataError).column).toBe('channel');
      expect((err as DataError).message).toBe(
        'f.csv, row 2, column "channel": tiktok has no spend anywhere in tenant tiny\'s data (2024-01-01..2024-01-10): the model has nothing to estimate its effect from, so a lift test on it can neither calibrate it nor be checked against it; import data in which the channel spends, then record the test',
      );
    }
    // google spent from 2024-01-06 on: a boost before that is a test of the model's curve there.
    expect(
      parseLiftCsv(`${header}\ngoogle,2024-01-02,2024-01-04,30,60,10\n`, { series }),
    ).toHaveLength(1);
  });

  it.each(cases)('%s -> %s', (_, text, code, message) => {
    let err: unknown;
    try {
      parseLiftCsv(text, { fileName: 'f.csv', series: tinySeries() });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).code).toBe(code);
    expect((err as DataError).message).toMatch(message);
  });
});
