/**
 * The typical year of a control in the periods after the data (plan/typical-controls.ts): a
 * control that follows the calendar (a holiday) takes its past years' mean on each date, one of no
 * calendar pattern (promotions on random dates) its mean over the data. Expected values are
 * written from the dates by hand.
 */
import { describe, expect, it } from 'vitest';
import { isoFromDays, parseIsoDay } from '../src/core/csv.js';
import { DEFAULT_SEED, generateShape, suiteShape } from '../src/core/data/index.js';
import { SeededRandom } from '../src/core/random.js';
import type { TenantSeries } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  extendSeries,
  heldControlsNote,
  planSpendCsv,
  revenueModelOf,
  scenarioOutlook,
  type PlanResult,
} from '../src/plan/index.js';
import { controlAlignment, typicalControl } from '../src/plan/typical-controls.js';
import { planWithControl, seriesHead } from './plan-helpers.js';

/** Every `step`-th day from `first` to `last` inclusive. */
function dateRange(first: string, last: string, step = 1): string[] {
  const out: string[] = [];
  for (let d = parseIsoDay(first); d <= parseIsoDay(last); d += step) out.push(isoFromDays(d));
  return out;
}

function seriesOf(
  dates: string[],
  controls: Record<string, (date: string, t: number) => number>,
  frequency: 'daily' | 'weekly' = 'daily',
): TenantSeries {
  const names = Object.keys(controls);
  return {
    tenant: 'typical-controls',
    frequency,
    dates,
    channels: [],
    spend: [],
    weatherNames: [],
    weather: [],
    controlNames: names,
    controls: names.map((k) => Float64Array.from(dates, (d, t) => controls[k](d, t))),
    targetName: 'revenue',
    target: new Float64Array(dates.length),
  };
}

/** The day after the fourth Thursday of November and the three days after it (a Black Friday weekend). */
function blackFridayWeekend(year: number): string[] {
  const nov1 = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  const thanksgiving = 1 + ((4 - nov1 + 7) % 7) + 21;
  const friday = parseIsoDay(`${year}-11-${String(thanksgiving + 1).padStart(2, '0')}`);
  return [0, 1, 2, 3].map((k) => isoFromDays(friday + k));
}

describe('the typical year of a control', () => {
  const history = dateRange('2021-01-01', '2023-12-31');
  const weekends = [2021, 2022, 2023].flatMap(blackFridayWeekend);
  const rng = new SeededRandom(14900);
  const randomDays = new Set(Array.from({ length: 40 }, () => rng.int(history.length)));
  const series = seriesOf(history, {
    christmas: (d) => (['12-24', '12-25', '12-26'].includes(d.slice(5)) ? 1 : 0),
    black_friday: (d) => (weekends.includes(d) ? 1 : 0),
    promo: (_, t) => (randomDays.has(t) ? 1 : 0),
  });
  const future = dateRange('2024-11-15', '2024-12-31');
  const at = (values: Float64Array, date: string) => values[future.indexOf(date)];

  it('a holiday on fixed dates falls on them again', () => {
    const c = typicalControl(series, 'christmas', future);
    expect(c.alignment).toBe('calendar');
    for (const d of ['2024-12-24', '2024-12-25', '2024-12-26']) expect(at(c.values, d)).toBe(1);
    for (const d of ['2024-12-23', '2024-12-27', '2024-11-28']) expect(at(c.values, d)).toBe(0);
  });

  it('a holiday on moving dates is spread as the share of past years it fell on each date', () => {
    const c = typicalControl(series, 'black_friday', future);
    expect(c.alignment).toBe('calendar');
    // 2021: 26-29 Nov, 2022: 25-28 Nov, 2023: 24-27 Nov.
    const expected: Record<string, number> = {
      '2024-11-24': 1 / 3,
      '2024-11-25': 2 / 3,
      '2024-11-26': 1,
      '2024-11-27': 1,
      '2024-11-28': 2 / 3,
      '2024-11-29': 1 / 3,
    };
    future.forEach((d, i) => expect(c.values[i]).toBeCloseTo(expected[d] ?? 0, 12));
    // The four days a year, placed, not added: the horizon holds what one year held.
    expect(c.values.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 12);
  });

  it("the plan's note groups the calendar controls that fall on no day of the horizon", () => {
    const january = dateRange('2025-01-01', '2025-01-28');
    const note = heldControlsNote(series, ['christmas', 'black_friday', 'promo'], {
      dates: january,
    })!;
    const held = (days: number) => Number(((days / history.length) * 28).toPrecision(3));
    expect(note).toContain(
      `christmas, black_friday follow their calendar, their mean on the same dates in the past years, ` +
        `and fall on none of the 28 days of the horizon (${held(9)}, ${held(12)} if held at their means over the data); ` +
        `promo is held at its mean over the data in every period of the horizon`,
    );
  });

  it('promotions on dates of no pattern are held at their mean', () => {
    const c = typicalControl(series, 'promo', future);
    expect(c.alignment).toBe('mean');
    const mean = randomDays.size / history.length;
    expect(c.mean).toBeCloseTo(mean, 15);
    for (const v of c.values) expect(v).toBe(c.mean);
  });

  it('the calendar must predict the left-out year better than the mean does (two years, by hand)', () => {
    const twoYears = dateRange('2022-01-01', '2023-12-31');
    const same = seriesOf(twoYears, { x: (d) => (d.slice(5) === '01-10' ? 1 : 0) });
    // Predicted exactly from the other year: error 0 against the mean's about 2.
    expect(controlAlignment(same, same.controls[0])).toBe('calendar');
    // 10 January in one year and 10 June in the other: the calendar misses both days and
    // predicts both wrong days (error 4); the other year's mean, 1/365, errs about 2 x (364/365)^2
    // on the event days and 728 (1/365)^2 elsewhere: 1.99, and 4 > 0.9 x 1.99.
    const moved = seriesOf(twoYears, {
      x: (d) => (d === '2022-01-10' || d === '2023-06-10' ? 1 : 0),
    });
    expect(controlAlignment(moved, moved.controls[0])).toBe('mean');
  });

  it('weekly rows: a sale on 1-7 July every year is placed on the weeks that held it', () => {
    const weeks = dateRange('2021-01-04', '2023-12-25', 7);
    // The number of the week's days in 1-7 July (weekly data counts event days).
    const saleDays = (monday: string) =>
      dateRange(monday, isoFromDays(parseIsoDay(monday) + 6)).filter((d) =>
        ['07-01', '07-02', '07-03', '07-04', '07-05', '07-06', '07-07'].includes(d.slice(5)),
      ).length;
    const weekly = seriesOf(weeks, { sale: saleDays }, 'weekly');
    const next = dateRange('2024-06-17', '2024-07-22', 7);
    const c = typicalControl(weekly, 'sale', next);
    expect(c.alignment).toBe('calendar');
    // Each future week takes the week of each past year that holds its Thursday's date:
    // 24 June 2024 (Thursday 27 June): 2021 21-27 June 0, 2022 27 June-3 July 3, 2023 26 June-
    // 2 July 2; 1 July (Thursday 4 July): 28 June-4 July 4, 4-10 July 4, 3-9 July 5; 8 July
    // (Thursday 11 July): 5-11 July 3, 11-17 July 0, 10-16 July 0.
    const expected = [0, 5 / 3, 13 / 3, 1, 0, 0];
    c.values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    expect(c.values.reduce((a, b) => a + b, 0)).toBeCloseTo(7, 12);
  });

  it('a week that straddles the new year does not predict itself', () => {
    // Weeks dated on Fridays: the week of 30 December 2022 holds 2 January 2023, the date its own
    // middle aligns to in 2023. A one-off event on it has no calendar.
    const fridays = dateRange('2021-01-01', '2023-12-29', 7);
    for (const one of ['2021-12-31', '2022-12-30']) {
      const x = Float64Array.from(fridays, (d) => (d === one ? 1 : 0));
      expect(controlAlignment({ dates: fridays, frequency: 'weekly' }, x)).toBe('mean');
    }
  });

  it('a step that has not ended is held at its last value, and so is a walk; pulses keep their mean', () => {
    // A new store from 2022-06-01 on (its 0/1 column 1 for the last 19 months), a price that walks.
    const walk = new SeededRandom(15001);
    let price = 10;
    const prices = history.map(() => (price += walk.normal(0, 0.05)));
    const s = seriesOf(history, {
      store: (d) => (d >= '2022-06-01' ? 1 : 0),
      price: (_, t) => prices[t],
      promo: (_, t) => (randomDays.has(t) ? 1 : 0),
    });
    const store = typicalControl(s, 'store', future);
    expect(store.alignment).toBe('last');
    expect(store.last).toBe(1);
    for (const v of store.values) expect(v).toBe(1);
    const walked = typicalControl(s, 'price', future);
    expect(walked.alignment).toBe('last');
    for (const v of walked.values) expect(v).toBe(prices.at(-1));
    expect(typicalControl(s, 'promo', future).alignment).toBe('mean');
    const days = history.length - history.indexOf('2022-06-01');
    expect(heldControlsNote(s, ['store'], { dates: future })).toBe(
      `store is held at its last value, 1, its value for the last ${days} days of the data: it stayed where it ended in the history, a step or a walk rather than a calendar or pulses ` +
        `(${Number((days / history.length).toPrecision(3))} if held at its mean over the data); ` +
        `the plan does not know next days' events, promotions or prices beyond that (give their planned values as columns of a forecast file); ` +
        `it moves the expected revenue, not the split of the budget, and the incremental revenue and ROAS do not hold it`,
    );
    // A step in the history's last month is not told from a pulse: its mean.
    const late = seriesOf(history, { store: (d) => (d >= '2023-12-01' ? 1 : 0) });
    expect(typicalControl(late, 'store', future).alignment).toBe('mean');
  });

  it('one year of history cannot show a calendar: the mean', () => {
    const oneYear = dateRange('2023-01-01', '2023-12-31');
    const s = seriesOf(oneYear, { x: (d) => (d.slice(5) === '12-25' ? 1 : 0) });
    const c = typicalControl(s, 'x', ['2024-12-25']);
    expect(c.alignment).toBe('mean');
    expect(c.values[0]).toBeCloseTo(1 / 365, 15);
  });
});

describe('the plan places a recurring holiday of the history', () => {
  // The suite's event tenant cut before its last Black Friday: the horizon's 28 days hold it.
  const full = generateShape(suiteShape('shape_daily_3y_events'), { seed: DEFAULT_SEED }).series;
  const n = full.dates.indexOf('2024-11-10') + 1;
  const series = seriesHead(full, n);
  const holiday = series.controls[series.controlNames.indexOf('holiday')];
  const model = revenueModelOf(fitFinalModel(series, 3, {}));
  const H = 28;
  const typical = scenarioOutlook(series, 'typical', model.weather, H + 60);

  it("the future rows hold the holiday's past years on their dates", () => {
    // The generator's holiday: 11-12 July and the Black Friday weekend (2022: 25-28 November,
    // 2023: 24-27 November); 2024's weekend is after the cut.
    expect(series.dates.filter((_, t) => holiday[t] === 1).slice(-6)).toEqual([
      '2023-11-24',
      '2023-11-25',
      '2023-11-26',
      '2023-11-27',
      '2024-07-11',
      '2024-07-12',
    ]);
    const ext = extendSeries(series, model, { ...typical, dates: typical.dates.slice(0, H) });
    const h = ext.controls[ext.controlNames.indexOf('holiday')].subarray(n);
    const expected: Record<string, number> = {
      '2024-11-24': 0.5,
      '2024-11-25': 1,
      '2024-11-26': 1,
      '2024-11-27': 1,
      '2024-11-28': 0.5,
    };
    typical.dates.slice(0, H).forEach((d, i) => expect(h[i]).toBe(expected[d] ?? 0));
    // The promotions (every 35-90 days, no calendar) stay at their mean.
    const promo = series.controls[series.controlNames.indexOf('promo')];
    const promoMean = promo.reduce((a, b) => a + b, 0) / n;
    for (const v of ext.controls[ext.controlNames.indexOf('promo')].subarray(n))
      expect(v).toBeCloseTo(promoMean, 15);
  });

  it('the expected revenue counts the 4 holiday days, linearly, and the note says so', () => {
    const planWith = (values: number[] | null): PlanResult =>
      planWithControl(series, model, typical, H, 'holiday', values);
    const mean = holiday.reduce((a, b) => a + b, 0) / n;
    const rev = (p: PlanResult) => p.expected_revenue.horizon;
    const calendar = planWith(null);
    // A forecast of the holiday at its mean over the whole horizon and tail (the earlier reading).
    const atMean = planWith(Array(H + 60).fill(mean));
    const none = planWith(Array(H + 60).fill(0));
    const oneDay = planWith(Array.from({ length: H + 60 }, (_, t) => (t === 5 ? 1 : 0)));
    const perDay = rev(oneDay) - rev(none);
    expect(perDay).toBeGreaterThan(0);
    // Linear up to the optimizer's tolerance (each plan is optimized anew): 1e-6 relative.
    const linear = perDay * (4 - H * mean);
    expect(Math.abs(rev(calendar) - rev(atMean) - linear)).toBeLessThan(1e-6 * Math.abs(linear));
    // The plan records what it assumed, per day of the horizon, and its spend CSV carries it.
    const holidayDays = calendar.outlook.dates.flatMap((d, t) =>
      calendar.outlook.controls!.holiday[t] !== 0
        ? [`${d} ${calendar.outlook.controls!.holiday[t]}`]
        : [],
    );
    expect(holidayDays).toEqual([
      '2024-11-24 0.5',
      '2024-11-25 1',
      '2024-11-26 1',
      '2024-11-27 1',
      '2024-11-28 0.5',
    ]);
    expect(new Set(calendar.outlook.controls!.promo).size).toBe(1);
    expect(oneDay.outlook.controls!.holiday.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 1, 0]);
    const csv = planSpendCsv(calendar).split('\n');
    expect(csv[0]).toBe(
      'date,meta,google,tiktok,temperature_c,precipitation_mm,humidity_pct,promo,holiday',
    );
    expect(csv[1 + calendar.outlook.dates.indexOf('2024-11-28')].split(',').at(-1)).toBe('0.5');
    // The split does not move.
    calendar.channels.forEach((c, i) =>
      expect(Math.abs(c.spend - atMean.channels[i].spend)).toBeLessThan(1e-6 * c.spend),
    );
    expect(calendar.notes.join('\n')).toContain(
      `holiday follows its calendar, its mean on the same dates in the past years: not 0 in 5 of the 28 days of the horizon, 4 in all (${Number((mean * H).toPrecision(3))} if held at its mean over the data); promo is held at its mean over the data in every period of the horizon`,
    );
  });
});

describe('the plan holds a step that has not ended at its last value', () => {
  // The suite's event tenant with a new store from 2023-12-02 on: a 0/1 column and 20,000 more
  // revenue a day from then (the helper's finding: held at its mean, 0.36, the plan forecast
  // revenue 11% low).
  const base = generateShape(suiteShape('shape_daily_3y_events'), { seed: DEFAULT_SEED }).series;
  const k = base.dates.indexOf('2023-12-02');
  const store = Float64Array.from(base.dates, (_, t) => (t >= k ? 1 : 0));
  const series: TenantSeries = {
    ...base,
    controlNames: [...base.controlNames, 'store'],
    controls: [...base.controls, store],
    target: Float64Array.from(base.target, (y, t) => y + (t >= k ? 20_000 : 0)),
  };
  const model = revenueModelOf(fitFinalModel(series, 3, {}));
  const H = 28;
  const typical = scenarioOutlook(series, 'typical', model.weather, H + 60);

  it('as a forecast of 1 on every day would, and the store is worth about its 20,000 a day', () => {
    const planWith = (values: number[] | null): PlanResult =>
      planWithControl(series, model, typical, H, 'store', values);
    const rev = (p: PlanResult) => p.expected_revenue.horizon;
    const held = planWith(null);
    const open = planWith(Array(H + 60).fill(1));
    expect(Math.abs(rev(held) - rev(open))).toBeLessThan(1e-9 * rev(open));
    expect(held.outlook.controls!.store).toEqual(Array(H).fill(1));
    const closed = planWith(Array(H + 60).fill(0));
    // The model's store effect, per day, against the 20,000 put in (within 10%).
    const perDay = (rev(open) - rev(closed)) / H;
    expect(Math.abs(perDay - 20_000)).toBeLessThan(2_000);
    const mean = (series.dates.length - k) / series.dates.length;
    const atMean = planWith(Array(H + 60).fill(mean));
    // Linear in the control (additive controls): to floating-point rounding.
    const gain = perDay * H * (1 - mean);
    expect(Math.abs(rev(held) - rev(atMean) - gain)).toBeLessThan(1e-6 * gain);
    expect(held.notes.join('\n')).toContain(
      'store is held at its last value, 1, its value for the last',
    );
  });
});
