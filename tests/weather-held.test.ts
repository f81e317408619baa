/**
 * Daily phase 3: weather terms held within the window's range on the forecast rows (phases/support.ts
 * clampedBeyondWindow, isWeatherTerm; ladder.ts weatherHeld): hand-computed columns, the fit left
 * unchanged, and forecasts that no longer follow weather beyond what the window saw.
 */
import { describe, expect, it } from 'vitest';
import { generateShape, suiteShape } from '../src/core/data/index.js';
import type { TenantSeries } from '../src/core/types.js';
import { PhaseLadder, predictFold } from '../src/phases/ladder.js';
import { clampedBeyondWindow, isWeatherTerm } from '../src/phases/support.js';

describe('weather held within the window', () => {
  it('clamps the named columns after the window to their range on the window, by hand', () => {
    const a = Float64Array.from([1, 5, 3, 9, -2, 4]);
    const b = Float64Array.from([7, 8, 9, 100, -100, 0]);
    const out = clampedBeyondWindow(['rain', 'dow_1'], [a, b], 3, (n) => n === 'rain');
    // Rows 0-2 (range 1..5) unchanged; 9 -> 5, -2 -> 1, 4 stays.
    expect(Array.from(out[0])).toEqual([1, 5, 3, 5, 1, 4]);
    expect(Array.from(a)).toEqual([1, 5, 3, 9, -2, 4]); // the design's own column untouched
    expect(out[1]).toBe(b); // not named: the same column
    // A window that covers every row leaves the column as it is.
    expect(clampedBeyondWindow(['rain'], [a], 6, () => true)[0]).toBe(a);
  });

  it('names weather, squares, hinges and spend x weather terms, not media, controls or calendar', () => {
    const weather = ['temp_f', 'rain'];
    const yes = ['temp_f', 'rain', 'rain_squared', 'temp_f_above_50', 'meta_spend_x_rain'];
    const no = ['meta_spend', 'meta_adstock_hill', 'promo', 'dow_1', 'sin1', 'trend', 'rainy_day'];
    for (const n of yes) expect(isWeatherTerm(n, weather)).toBe(true);
    for (const n of no) expect(isWeatherTerm(n, weather)).toBe(false);
  });

  it("a daily phase-3 forecast ignores weather beyond the window's range; the fit is unchanged", () => {
    const s = generateShape(suiteShape('shape_daily_1y')).series;
    const T = 185;
    // The forecast rows' weather far above anything the window saw, at two levels.
    const beyond = (level: number): TenantSeries => ({
      ...s,
      weather: s.weather.map((w) => {
        const out = Float64Array.from(w);
        out.fill(level, T);
        return out;
      }),
    });
    const forecast = (series: TenantSeries, weatherHeld: boolean) => {
      const fit = new PhaseLadder(series, { horizon: 36, weatherHeld }).own(3, T);
      return { fit, pred: Array.from(predictFold(fit, T, T + 36)) };
    };
    const held1 = forecast(beyond(1e6), true);
    const held2 = forecast(beyond(1e7), true);
    expect(held2.pred).toEqual(held1.pred);
    // Without the hold the same models follow the weather (the test can fail).
    const free1 = forecast(beyond(1e6), false);
    const free2 = forecast(beyond(1e7), false);
    expect(free2.pred).not.toEqual(free1.pred);
    // Rows before T are the same: the same search and the same coefficients.
    expect(held1.fit.channelParams).toEqual(free1.fit.channelParams);
    expect(Array.from(held1.fit.ridge!.coef)).toEqual(Array.from(free1.fit.ridge!.coef));
    // Held forecasts stay within the range of the window's own fitted values' scale.
    const fitted = Array.from(predictFold(held1.fit, 0, T));
    const span = Math.max(...fitted) - Math.min(...fitted);
    for (const p of held1.pred) {
      expect(p).toBeLessThan(Math.max(...fitted) + span);
      expect(p).toBeGreaterThan(Math.min(...fitted) - span);
    }
  });

  it('a daily phase-1 fold forecast holds its weather terms; rows after the window do not change its model', () => {
    const s = generateShape(suiteShape('shape_daily_1y')).series;
    const T = 185;
    const beyond = (level: number): TenantSeries => ({
      ...s,
      weather: s.weather.map((w) => {
        const out = Float64Array.from(w);
        out.fill(level, T);
        return out;
      }),
    });
    const forecast = (series: TenantSeries, phase1WeatherHeld: boolean) => {
      const fit = new PhaseLadder(series, { horizon: 36, phase1WeatherHeld }).own(1, T);
      return { fit, pred: Array.from(predictFold(fit, T, T + 36)) };
    };
    const held1 = forecast(beyond(1e6), true);
    const held2 = forecast(beyond(1e7), true);
    expect(held2.pred).toEqual(held1.pred);
    const free1 = forecast(beyond(1e6), false);
    const free2 = forecast(beyond(1e7), false);
    expect(free2.pred).not.toEqual(free1.pred);
    // The same alpha and coefficients whatever the rows after the window hold.
    expect(held1.fit.alpha).toBe(free1.fit.alpha);
    expect(Array.from(held1.fit.ridge!.coef)).toEqual(Array.from(free1.fit.ridge!.coef));
    expect(Array.from(held2.fit.ridge!.coef)).toEqual(Array.from(held1.fit.ridge!.coef));
    // Held columns: a weather column after T lies within its range on rows [0, T).
    const j = held1.fit.names.findIndex((n) => isWeatherTerm(n, ['temperature_c']));
    expect(j).toBeGreaterThanOrEqual(0);
    const col = held1.fit.columns[j];
    const hi = Math.max(...Array.from(col.subarray(0, T)));
    expect(col[T]).toBe(hi);
    // The check judges the unheld candidate (decision as before the hold).
    expect(held1.fit.unheldColumns![j][T]).toBe(1e6);
  });

  it('weekly data is unchanged', () => {
    const s = generateShape(suiteShape('shape_weekly_3y')).series;
    const T = 60;
    const a = new PhaseLadder(s, { horizon: 10 }).own(3, T);
    const b = new PhaseLadder(s, { horizon: 10, weatherHeld: false }).own(3, T);
    expect(Array.from(predictFold(a, T, T + 10))).toEqual(Array.from(predictFold(b, T, T + 10)));
  });
});
