/**
 * A tenant with controls (events): the plan holds them at their means over the data and says so;
 * the plan model adds them to the revenue, so they cannot move the split (the note's claim).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, generateShape, suiteShape } from '../src/core/data/index.js';
import type { TenantSeries } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import { heldControlsNote, planCurveModel, revenueModelOf } from '../src/plan/index.js';

const id = 'shape_daily_3y_events';
const series = generateShape(suiteShape(id), { seed: DEFAULT_SEED }).series;

describe('controls in the horizon', () => {
  it('the note names each control and its mean over the data, computed here', () => {
    const means = series.controls.map((x) => x.reduce((a, b) => a + b, 0) / x.length);
    const note = heldControlsNote(series, series.controlNames)!;
    expect(note).toContain(
      `the controls are held at their means over the data in every period of the horizon (` +
        `promo ${Number(means[0].toPrecision(3))}, holiday ${Number(means[1].toPrecision(3))}): ` +
        `the plan does not know next days' events, promotions or prices`,
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
});
