/**
 * What `lift add` says about a test's figures, in the core (src/core/lift.ts, csv/lift.ts): the
 * standard-error floor it asks for is one it accepts, an implausible window ROAS is named with its
 * likely mix-up, a spend column's name points at its channel, and a weekly tenant's span is named
 * the same way by every message (probe s53, findings 6, 7 and 9).
 */
import { describe, expect, it } from 'vitest';
import { parseLiftCsv } from '../src/core/csv.js';
import { isoFromDays, parseIsoDay } from '../src/core/csv/dates.js';
import {
  checkLiftPrecision,
  liftRoasNote,
  liftWindow,
  liftWindowOutsideData,
  type LiftTest,
} from '../src/core/lift.js';
import type { TenantSeries } from '../src/core/types.js';

const HEADER = 'channel,start_date,end_date,spend_change,incremental_revenue,standard_error';

/** Ten daily rows from 2024-01-01; meta spends 10, 20, 30 on days 3-5, google nothing there. */
function series(revenuePerDay = (i: number) => 100 + i): TenantSeries {
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
    target: Float64Array.from({ length: 10 }, (_, i) => revenuePerDay(i)),
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

/** The floor figure a precision error asks for ("at least X"). */
function askedFloor(fn: () => void): number {
  try {
    fn();
  } catch (e) {
    const m = /\(at least ([0-9.]+)\)$/.exec((e as Error).message);
    expect(m, (e as Error).message).not.toBeNull();
    return Number(m![1]);
  }
  throw new Error('expected the standard error to be refused');
}

describe('the standard-error floor', () => {
  it('asks for a figure the check then accepts (398.28 was shown as 398, refused again)', () => {
    // Window revenue 3 x 1,327,601.83 = 3,982,805.49: the floor is 0.01% of it, 398.280549.
    const s = series(() => 1_327_601.83);
    const asked = askedFloor(() => checkLiftPrecision(s, test({ standard_error: 398 })));
    expect(asked).toBe(399);
    expect(() => checkLiftPrecision(s, test({ standard_error: asked }))).not.toThrow();
  });

  it('rounds up at three significant digits, within 1% of the floor, at any scale', () => {
    for (const perDay of [0.0411, 1.234567, 41.1, 333.3337, 1e4 / 3, 987_654.321, 3.3e9]) {
      const s = series(() => perDay);
      const floor = 1e-4 * 3 * perDay;
      const asked = askedFloor(() => checkLiftPrecision(s, test({ standard_error: floor / 2 })));
      // Not below the floor (up to rounding in its last bit: 1e4 / 3 a day gives a floor of 1).
      expect(asked, `revenue ${perDay} a day`).toBeGreaterThanOrEqual(floor * (1 - 1e-12));
      expect(asked).toBeLessThanOrEqual(floor * 1.01);
      expect(() => checkLiftPrecision(s, test({ standard_error: asked }))).not.toThrow();
    }
  });
});

describe('the implied window ROAS', () => {
  // Window 2024-01-03..05: revenue 102 + 103 + 104 = 309, all spend 10 + 20 + 30 = 60 (google
  // spends nothing there): 5.15 of revenue per unit of spend, so the upper bound is 51.5.
  it('says nothing of a plausible test', () => {
    expect(liftRoasNote(series(), test())).toBeNull(); // ROAS 2
    expect(liftRoasNote(series(), test({ incremental_revenue: -1500 }))).toBeNull(); // 50
    expect(liftRoasNote(series(), test({ incremental_revenue: -0.3 }))).toBeNull(); // 0.01
  });

  it('names a ROAS typed as incremental revenue below 0.01', () => {
    const note = liftRoasNote(series(), test({ incremental_revenue: -0.2 })); // 0.00667
    expect(note).toMatch(
      /^meta 2024-01-03\.\.2024-01-05: spend_change -30 with incremental_revenue -0\.2 implies a window ROAS \|incremental_revenue \/ spend_change\| of 0\.00667, below 0\.01: if incremental_revenue is a ROAS/,
    );
  });

  it('names a per-day spend change above 10 times the window revenue per unit of spend', () => {
    const note = liftRoasNote(series(), test({ incremental_revenue: -1600 })); // 53.3 > 51.5
    expect(note).toMatch(
      /of 53\.3, more than 10 times the revenue per unit of all channels' spend in the window \(5\.15\); if spend_change is the change per day, give the change over the whole window \(3 days: 3 times larger\)/,
    );
  });
});

describe('channel names and data spans in messages', () => {
  it('points a spend column name at its channel', () => {
    expect(() => liftWindow(series(), test({ channel: 'meta_spend' }))).toThrow(
      /not a channel of tenant tiny \(meta, google\); did you mean meta\? A test names the channel, not its spend column$/,
    );
    expect(() => liftWindow(series(), test({ channel: 'Google Spend' }))).toThrow(
      /did you mean google\?/,
    );
    // No such channel behind the name: no guess.
    expect(() => liftWindow(series(), test({ channel: 'tv_spend' }))).toThrow(/\(meta, google\)$/);
    const csv = `${HEADER}\nmeta_spend,2024-01-03,2024-01-05,-30,-60,10\n`;
    expect(() => parseLiftCsv(csv, { fileName: 'f.csv', series: series() })).toThrow(
      /"meta_spend" is not a channel of tenant tiny; its channels are meta, google; did you mean meta\?/,
    );
  });

  it('names a weekly tenant by the same span (its last week included) in every message', () => {
    // Weeks dated Mondays 2024-01-01 .. 2024-03-04: the data's days end 2024-03-10.
    const dates = Array.from({ length: 10 }, (_, i) =>
      isoFromDays(parseIsoDay('2024-01-01') + 7 * i),
    );
    const weekly: TenantSeries = { ...series(), frequency: 'weekly', dates };
    const span = '2024-01-01..2024-03-10)';
    const messages: string[] = [];
    const messageOf = (fn: () => unknown): void => {
      try {
        fn();
      } catch (e) {
        messages.push((e as Error).message);
        return;
      }
      throw new Error('expected a refusal');
    };
    messageOf(() => liftWindow(weekly, test({ start: '2025-01-01', end: '2025-01-31' })));
    messageOf(() =>
      parseLiftCsv(`${HEADER}\nmeta,2025-01-06,2025-01-12,-3,-6,1\n`, { series: weekly }),
    );
    messages.push(
      liftWindowOutsideData(weekly, test({ start: '2024-03-04', end: '2024-03-17' }))!.message,
    );
    expect(messages).toHaveLength(3);
    for (const m of messages) expect(m).toContain(span);
  });
});
