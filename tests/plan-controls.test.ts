/**
 * A tenant with controls (events): the plan holds them at their means over the data (a holiday that
 * follows the calendar: its past years' dates, tests/typical-controls.test.ts) and says so,
 * unless a forecast file gives their planned values (a promotion's days); the plan model adds them
 * to the revenue, so they move the expected revenue and not the split (the note's claim).
 */
import { describe, expect, it } from 'vitest';
import { DataError } from '../src/core/csv/errors.js';
import { parseForecastCsv } from '../src/core/csv/forecast.js';
import { DEFAULT_SEED, generateShape, suiteShape } from '../src/core/data/index.js';
import type { TenantSeries } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import { forecastCategoryNote } from '../src/plan/plan.js';
import { planWithControl } from './plan-helpers.js';
import {
  extendSeries,
  futureDates,
  heldControlsNote,
  planCurveModel,
  revenueModelOf,
  scenarioOutlook,
  type Outlook,
  type PlanResult,
} from '../src/plan/index.js';

const id = 'shape_daily_3y_events';
const tenant = generateShape(suiteShape(id), { seed: DEFAULT_SEED });
const series = tenant.series;

describe('controls in the horizon', () => {
  it('the note names each control held at its mean over the data, computed here, and the one that follows its calendar', () => {
    const means = series.controls.map((x) => x.reduce((a, b) => a + b, 0) / x.length);
    // The promotions (every 35-90 days) have no calendar: held at their mean.
    expect(heldControlsNote(series, ['promo'])).toBe(
      `the control is held at its mean over the data in every period of the horizon (` +
        `promo ${Number(means[0].toPrecision(3))}): ` +
        `the plan does not know next days' events, promotions or prices (give their planned values as columns of a forecast file); ` +
        `it moves the expected revenue, not the split of the budget, and the incremental revenue and ROAS do not hold it`,
    );
    // The holiday (11-12 July, the Black Friday weekend) follows its calendar
    // (tests/typical-controls.test.ts).
    expect(heldControlsNote(series, series.controlNames)).toBe(
      `holiday follows its calendar, its mean on the same dates in the past years; ` +
        `promo is held at its mean over the data in every period of the horizon (promo ${Number(means[0].toPrecision(3))}): ` +
        `the plan does not know next days' events, promotions or prices (give their planned values as columns of a forecast file); ` +
        `they move the expected revenue, not the split of the budget, and the incremental revenue and ROAS do not hold them`,
    );
    expect(heldControlsNote(series, [])).toBeNull();
  });

  it("the plan model's revenue is additive in the controls: a spend change earns the same with or without an event", () => {
    const model = revenueModelOf(planCurveModel(series, fitFinalModel(series, 3, {})));
    expect(model.controls).toEqual(['promo', 'holiday']);
    const n = series.dates.length;
    const withControls = (value: number, spendFactor: number): TenantSeries => ({
      ...series,
      spend: series.spend.map((x) =>
        Float64Array.from(x, (v, t) => (t >= n - 60 ? v * spendFactor : v)),
      ),
      controls: series.controls.map((x) =>
        Float64Array.from(x, (v, t) => (t >= n - 60 ? value : v)),
      ),
    });
    const gain = (value: number): number => {
      const more = model.predict(withControls(value, 1.5));
      const base = model.predict(withControls(value, 1));
      let s = 0;
      for (let t = n - 60; t < n; t++) s += more[t] - base[t];
      return s;
    };
    const off = gain(0);
    const on = gain(1);
    expect(Math.abs(off)).toBeGreaterThan(0);
    expect(Math.abs(on - off)).toBeLessThan(1e-9 * Math.abs(off));
    // ... while the events themselves do move the revenue.
    const level = (value: number) => model.predict(withControls(value, 1))[n - 1];
    expect(Math.abs(level(1) - level(0))).toBeGreaterThan(1);
  });

  it("a forecast file may give the planned values of the model's controls, checked like its weather", () => {
    const first = futureDates(series, 1)[0];
    const dates = futureDates(series, 3);
    const base = {
      fileName: 'next.csv',
      required: ['temperature_c'],
      controls: ['promo', 'holiday'],
      firstDate: first,
      stepDays: 1 as const,
      minRows: 3,
    };
    const rows = (promo: string[]) =>
      'date,temperature_c,Promo,notes\n' +
      dates.map((d, i) => `${d},5,${promo[i]},x`).join('\n') +
      '\n';
    const f = parseForecastCsv(rows(['0', '1', '1']), base);
    expect(f.controlNames).toEqual(['promo']);
    expect(Array.from(f.controls[0])).toEqual([0, 1, 1]);
    expect(f.ignored).toEqual(['notes']);
    const bad = () => parseForecastCsv(rows(['0', '', '1']), base);
    expect(bad).toThrow(DataError);
    expect(bad).toThrow(
      /column "promo".*planned value in every period \(0 where there is no event\)/,
    );
    // Without weather, a control column is what makes a forecast: none is refused, saying which.
    const noWeather = { ...base, required: [] };
    expect(() =>
      parseForecastCsv(`date,other\n${dates.map((d) => `${d},1`).join('\n')}\n`, noWeather),
    ).toThrow(/none of the columns the model reads: .* its controls are promo, holiday/);
    const own = parseForecastCsv(
      `date,holiday\n${dates.map((d, i) => `${d},${i === 2 ? 1 : 0}`).join('\n')}\n`,
      noWeather,
    );
    expect(own.controlNames).toEqual(['holiday']);
  });

  it("a forecast's text column is read back into the model's 0/1 controls of its values", () => {
    const dates = futureDates(series, 4);
    const base = {
      fileName: 'next.csv',
      required: [],
      controls: ['events_launch', 'events_sale', 'price'],
      firstDate: dates[0],
      stepDays: 1 as const,
      minRows: 4,
    };
    const cells = ['sale', 'na', 'flash', 'launch'];
    const f = parseForecastCsv(
      `date,events\n${dates.map((d, i) => `${d},${cells[i]}`).join('\n')}\n`,
      base,
    );
    expect(f.controlNames).toEqual(['events_launch', 'events_sale']);
    expect(Array.from(f.controls[0])).toEqual([0, 0, 0, 1]);
    expect(Array.from(f.controls[1])).toEqual([1, 0, 0, 0]);
    expect(f.categories).toEqual([
      { column: 'events', controls: ['events_launch', 'events_sale'], unmatched: ['flash'] },
    ]);
    expect(f.ignored).toEqual([]);
    // Numbers under a name that prefixes a control (price for price_index) are not categories.
    const numbers = parseForecastCsv(
      `date,events,events_x\n${dates.map((d) => `${d},9.5,1`).join('\n')}\n`,
      { ...base, controls: ['events_launch', 'events_x'] },
    );
    expect(numbers.controlNames).toEqual(['events_x']);
    expect(numbers.categories).toEqual([]);
    expect(numbers.ignored).toEqual(['events']);
    expect(forecastCategoryNote(f.categories[0])).toBe(
      'the forecast\'s text column events was read as the model\'s 0/1 controls events_launch, events_sale (1 in the periods of that value); its value "flash" has no 0/1 control in the data (a value the data never had, or the one its other values were counted against) and was read as no event (every control 0)',
    );
  });

  it("a forecast's control values set the future rows they cover; the rest follow the typical year", () => {
    const model = revenueModelOf(fitFinalModel(series, 3, {}));
    const outlook: Outlook = {
      ...scenarioOutlook(series, 'typical', model.weather, 10),
      controlNames: ['holiday'],
      controls: [Float64Array.from([0, 1, 0, 1])],
    };
    const ext = extendSeries(series, model, outlook);
    const n = series.dates.length;
    const h = ext.controls[ext.controlNames.indexOf('holiday')];
    const p = ext.controls[ext.controlNames.indexOf('promo')];
    const meanOf = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;
    // The holiday follows its calendar: no past year had it on 4-9 January.
    expect(series.dates.at(-1)).toBe('2024-12-30');
    expect(Array.from(h.subarray(n, n + 10))).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
    const promoMean = meanOf(series.controls[series.controlNames.indexOf('promo')]);
    expect(Array.from(p.subarray(n))).toEqual(Array(10).fill(promoMean));
  });

  it("planned promotion days move the plan's expected revenue linearly, by about the true lift, and not its split", () => {
    const model = revenueModelOf(fitFinalModel(series, 3, {}));
    const H = 28;
    const typical = scenarioOutlook(series, 'typical', model.weather, H + 60);
    const promoMean = series.controls[series.controlNames.indexOf('promo')];
    const mean = promoMean.reduce((a, b) => a + b, 0) / promoMean.length;
    const planWith = (values: number[] | null): PlanResult =>
      planWithControl(series, model, typical, H, 'promo', values);
    const days = (on: number[]): number[] =>
      Array.from({ length: H }, (_, t) => (on.includes(t) ? 1 : 0));
    const none = planWith(null);
    const atMean = planWith(Array(H).fill(mean));
    const a = planWith(days([3, 4, 5]));
    const b = planWith(days([10, 11, 12, 13]));
    const ab = planWith(days([3, 4, 5, 10, 11, 12, 13]));
    const zero = planWith(days([]));
    const rev = (p: PlanResult) => p.expected_revenue.horizon;
    // The mean as planned values is the plan without them (the rows after H hold it too).
    expect(Math.abs(rev(atMean) - rev(none))).toBeLessThan(1e-9 * rev(none));
    // Additive and linear: each set of days adds its own amount, counted from no promotion.
    const d = (p: PlanResult) => rev(p) - rev(zero);
    expect(Math.abs(d(ab) - d(a) - d(b))).toBeLessThan(1e-9 * rev(none));
    expect(d(a)).toBeGreaterThan(0);
    // About the generator's promotion lift per day (its lift times the non-media revenue, here
    // the mean over its promotion days), within 35%: the model reads it from 3 years of days.
    const promo = tenant.truth.shape!.events.find((e) => e.column === 'promo')!;
    const x = series.controls[series.controlNames.indexOf('promo')];
    const activeDays = x.reduce((s, v) => s + v, 0);
    const truePerDay = promo.totalContribution / activeDays;
    expect(Math.abs(d(ab) / 7 / truePerDay - 1)).toBeLessThan(0.35);
    // Not the split: the same spend per channel and the same incremental revenue.
    for (const p of [a, b, ab, zero, atMean]) {
      // (equal up to rounding: the optimizer sums a revenue that differs by a constant)
      p.channels.forEach((c, i) =>
        expect(Math.abs(c.spend - none.channels[i].spend)).toBeLessThan(1e-6 * c.spend),
      );
      expect(p.incremental_revenue).toBeCloseTo(none.incremental_revenue, 6);
    }
    expect(ab.notes.join('\n')).not.toContain('planned controls leave the range');
    // A promotion of 3 where the data held 0 or 1: said, with both ranges.
    const three = planWith(days([]).map((v, t) => (t === 2 ? 3 : v)));
    expect(three.notes.join('\n')).toContain(
      "the forecast's planned controls leave the range of the data's history, where the model's control terms are extrapolations: promo 0 to 3 (history 0 to 1)",
    );
    expect(ab.notes.join('\n')).toContain(
      'the planned values of promo come from the forecast, for the 28 days of the horizon and its carry-over tail that it covers (held at its mean over the data after them)',
    );
  });
});
