/**
 * A column that moves on a single row of a window's training rows (support.ts movesOnOneRow,
 * singleRowTerms) is left out of that window's model with the terms built from it: its coefficient
 * is that row's residual, and a weekly one-year tenant's holiday control (2 event days in one of
 * its first 44 weeks) forecast the Black Friday week 94 % above the truth, fold R² -8.27 where the
 * oracle scores 0.79 (docs/modeling.md, "Short windows: a column that moves on one training row").
 * The expected values are those of the same series without the column, computed by the same code.
 */
import { describe, expect, it } from 'vitest';
import { generateShape, shapeSpecOf } from '../src/core/data/index.js';
import { r2 } from '../src/core/metrics.js';
import type { TenantSeries } from '../src/core/types.js';
import { trainPhase } from '../src/phases/index.js';
import { PhaseLadder, predictFold } from '../src/phases/ladder.js';
import {
  movesOnOneRow,
  singleRowTerms,
  windowColumns,
  windowPulses,
} from '../src/phases/support.js';

const spec = shapeSpecOf('ht_s11520_0', 11520, {
  frequency: 'weekly',
  years: 1,
  channels: 6,
  events: true,
});
const tenant = generateShape(spec, { seed: 11520 });
const series = tenant.series;
const holiday = series.controlNames.indexOf('holiday');
/** The series without its holiday control. */
const withoutHoliday: TenantSeries = {
  ...series,
  controlNames: series.controlNames.filter((_, k) => k !== holiday),
  controls: series.controls.filter((_, k) => k !== holiday),
};

describe('movesOnOneRow', () => {
  it('is true only for a column off its common value on exactly one of rows [0, T)', () => {
    const x = Float64Array.from([0, 0, 2, 0, 0, 3, 0]);
    expect(movesOnOneRow(x, 5)).toBe(true);
    expect(movesOnOneRow(x, 6)).toBe(false); // two rows move
    expect(movesOnOneRow(x, 2)).toBe(false); // too few rows to tell
    expect(movesOnOneRow(Float64Array.from([0, 0, 0, 0]), 4)).toBe(false); // constant
    expect(movesOnOneRow(Float64Array.from([5, 1, 1, 1]), 4)).toBe(true); // the first row
    expect(movesOnOneRow(Float64Array.from([1, 5, 1, 1]), 4)).toBe(true); // the second row
    // Rows at and after T are not read.
    expect(movesOnOneRow(Float64Array.from([1, 1, 1, 9, 7, 5]), 3)).toBe(false);
    expect(movesOnOneRow(Float64Array.from([1, 1, 9, 1, 7, 5]), 4)).toBe(true);
  });

  it('leaves out the moving column with the terms it heads or enters', () => {
    const n = 10;
    const one = Float64Array.from({ length: n }, (_, t) => (t === 3 ? 2 : 0));
    const w = Float64Array.from({ length: n }, (_, t) => t);
    const product = Float64Array.from(one, (v, t) => v * w[t]);
    const design = {
      names: ['tv_spend', 'temp', 'tv_spend_x_temp', 'temp_squared', 'promo'],
      columns: [one, w, product, w.map((v) => v * v), one],
    };
    expect(singleRowTerms(design, n)).toEqual(['tv_spend', 'tv_spend_x_temp', 'promo']);
  });
});

describe('a weekly one-year tenant whose holiday control moves on one training row', () => {
  it('the holiday moves on one row of every fold window of this tenant', () => {
    for (const T of [28, 36, 44]) expect(movesOnOneRow(series.controls[holiday], T)).toBe(true);
    // The Black Friday week (3 event days) is in the last fold's test block.
    expect(Math.max(...series.controls[holiday].subarray(44, 52))).toBe(3);
  });

  it('phase 0, last fold: the Black Friday week is no longer forecast far above the truth', () => {
    const ladder = new PhaseLadder(series, { horizon: 8 });
    const fit = ladder.fit(0, 44);
    expect(fit.ridge!.coef[fit.names.indexOf('holiday')]).toBe(0);
    const pred = predictFold(fit, 44, 52);
    const expected = tenant.truth.expected.subarray(44, 52);
    const week = series.controls[holiday].subarray(44, 52).indexOf(3);
    // Before the rule: 657,796 against an expected 338,933 (94 % above); now 364,122 (7 %).
    expect(Math.abs(pred[week] / expected[week] - 1)).toBeLessThan(0.2);
    // Fold R² -8.27 before the rule (oracle 0.79).
    expect(r2(series.target.subarray(44, 52), pred)).toBeGreaterThan(-1);
  });

  for (const phase of [0, 1, 2, 3] as const) {
    it(`phase ${phase}: every fold scores as the series without the holiday column`, () => {
      const a = trainPhase(withoutHoliday, phase, {}, null);
      const b = trainPhase(series, phase, {}, null);
      b.folds.forEach((f, i) => expect(f.r2).toBeCloseTo(a.folds[i].r2, 8));
    });
  }

  it("every phase's fold record lists the holiday with the terms it leaves out", () => {
    for (const phase of [0, 1, 2, 3] as const) {
      const res = trainPhase(series, phase, {}, null);
      const expected = res.folds.map((f) =>
        singleRowTerms(
          {
            names: series.controlNames,
            columns: series.controls,
          },
          f.train_rows,
        ),
      );
      res.folds.forEach((f, i) => {
        // The tenant's windows are under a year: the calendar terms are left out too.
        expect(f.dropped_terms).toEqual(expect.arrayContaining(['trend', ...expected[i]]));
        expect(f.dropped_terms).toContain('holiday');
      });
    }
    // The series without the column has nothing of it to leave out.
    for (const f of trainPhase(withoutHoliday, 0, {}, null).folds)
      expect(f.dropped_terms).not.toContain('holiday');
  });

  it('a control that moves on two training rows stays in the model', () => {
    const twice: TenantSeries = {
      ...series,
      controls: series.controls.map((c, k) =>
        k === holiday ? Float64Array.from(c, (v, t) => (t === 5 ? 1 : v)) : c,
      ),
    };
    const fit = new PhaseLadder(twice, { horizon: 8 }).fit(0, 44);
    expect(fit.ridge!.coef[fit.names.indexOf('holiday')]).not.toBe(0);
  });
});

describe('one-off events in windows of a year or more (support.ts windowPulses)', () => {
  // A weekly design of 60 rows: a control that is 1 on row 30 of the first 52 (and again from row
  // 55, after the window), a column that moves on row 30 only but is not a control (a hinge), and
  // a plain column.
  const n = 60;
  const later = Float64Array.from({ length: n }, (_, t) => (t === 30 || t >= 55 ? 1 : 0));
  const hinge = Float64Array.from({ length: n }, (_, t) => (t === 30 ? 2.5 : 0));
  const x = Float64Array.from({ length: n }, (_, t) => t % 7);
  const design = { names: ['x', 'launch', 'temp_above_30'], columns: [x, later, hinge] };

  it('keeps a control seen once in a year of rows, held at its common value after the window but where the event recurs', () => {
    expect(windowPulses(design, 52, 'weekly', ['launch'])).toEqual(['launch']);
    const cols = windowColumns(design, 52, 'weekly', true, ['launch']);
    // Rows before the window's end as they are (the event row included); after it the common value
    // 0, and 1 where the column takes the event row's value again (rows 55-59).
    expect(Array.from(cols[1].subarray(0, 52))).toEqual(Array.from(later.subarray(0, 52)));
    expect(Array.from(cols[1].subarray(52))).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
    // Any other value after the window (a count of event days the window never saw) is held.
    const counts = {
      ...design,
      columns: [x, Float64Array.from(later, (v, t) => (t === 56 ? 3 : t === 57 ? 0.5 : v)), hinge],
    };
    expect(
      Array.from(windowColumns(counts, 52, 'weekly', true, ['launch'])[1].subarray(52)),
    ).toEqual([0, 0, 0, 1, 0, 0, 1, 1]);
    // The hinge, not a control, is left out (zeroed) as before.
    expect(Array.from(cols[2])).toEqual(new Array(n).fill(0));
    expect(Array.from(cols[0])).toEqual(Array.from(x));
  });

  it('leaves it out under a year of rows, and without the control names', () => {
    expect(windowPulses(design, 51, 'weekly', ['launch'])).toEqual([]);
    expect(Array.from(windowColumns(design, 51, 'weekly', true, ['launch'])[1])).toEqual(
      new Array(n).fill(0),
    );
    expect(windowPulses(design, 52, 'weekly', [])).toEqual([]);
    // Daily windows: a year is 365 rows.
    const daily = {
      names: ['launch'],
      columns: [Float64Array.from({ length: 400 }, (_, t) => (t === 100 ? 1 : 0))],
    };
    expect(windowPulses(daily, 364, 'daily', ['launch'])).toEqual([]);
    expect(windowPulses(daily, 365, 'daily', ['launch'])).toEqual(['launch']);
  });

  it('decides from rows before the window end; a later row keeps only the event row value', () => {
    const garbage = {
      ...design,
      columns: design.columns.map((c) => Float64Array.from(c, (v, t) => (t >= 52 ? 1e9 - t : v))),
    };
    expect(windowPulses(garbage, 52, 'weekly', ['launch'])).toEqual(['launch']);
    const a = windowColumns(design, 52, 'weekly', true, ['launch']);
    const b = windowColumns(garbage, 52, 'weekly', true, ['launch']);
    expect(Array.from(b[1].subarray(0, 52))).toEqual(Array.from(a[1].subarray(0, 52)));
    // No later value is the event's 1: every later row held at 0.
    expect(Array.from(b[1].subarray(52))).toEqual(new Array(8).fill(0));
  });
});

describe('an event seen once in a window of a year or more, recurring after it', () => {
  // A weekly two-year tenant of our generator with its holiday column replaced by a 0/1 flag on
  // the week of Black Friday's Friday (as an `events` column of text categories reads): each
  // year's Black Friday week moves it on one row.
  const t = generateShape(
    shapeSpecOf('pw14910_2', 14910, { frequency: 'weekly', years: 2, channels: 2, events: true }),
    { seed: 14910 },
  );
  const s = t.series;
  const blackFriday = (monday: string): number => {
    const y = Number(monday.slice(0, 4));
    const nov1 = new Date(Date.UTC(y, 10, 1)).getUTCDay();
    const friday = Date.UTC(y, 10, 2 + ((4 - nov1 + 7) % 7) + 21);
    const start = Date.parse(monday);
    return friday >= start && friday < start + 7 * 86_400_000 ? 1 : 0;
  };
  const h = s.controlNames.indexOf('holiday');
  const flagged = (flag: Float64Array): TenantSeries => ({
    ...s,
    controlNames: [...s.controlNames.filter((_, k) => k !== h), 'black_friday'],
    controls: [...s.controls.filter((_, k) => k !== h), flag],
  });
  const flag = Float64Array.from(s.dates, blackFriday);
  const weeks = [...flag.keys()].filter((t) => flag[t] === 1);

  it("forecasts the next year's week with the window's estimate of it, not at 0", () => {
    expect(weeks.length).toBe(2);
    const T = weeks[1] - 10;
    expect(T).toBeGreaterThanOrEqual(52);
    const fit = new PhaseLadder(flagged(flag), { horizon: 20 }).fit(0, T);
    const pred = predictFold(fit, T, T + 20)[10];
    // The same window with the second week's flag cleared: what the rule forecast before (0).
    const cleared = Float64Array.from(flag, (v, k) => (k === weeks[1] ? 0 : v));
    const held = predictFold(
      new PhaseLadder(flagged(cleared), { horizon: 20 }).fit(0, T),
      T,
      T + 20,
    )[10];
    const expected = t.truth.expected[weeks[1]];
    // The holiday's lift (20-50% of the week's non-media revenue over its event days): held, the
    // forecast misses it; carried, it is within half of that miss.
    expect(expected - held).toBeGreaterThan(0.05 * expected);
    expect(Math.abs(pred - expected)).toBeLessThan(0.5 * Math.abs(held - expected));
  });
});
