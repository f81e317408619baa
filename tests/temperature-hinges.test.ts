/**
 * Temperature as a piecewise-linear curve in the daily fold models (core/features.ts
 * temperatureHingeColumns, phases/support.ts windowHinges, ladder.ts temperatureHingesFor):
 * hand-computed columns, the support rule decided on training rows only, and a forecast of a
 * season the window has not seen against the generating curve.
 */
import { describe, expect, it } from 'vitest';
import { buildDesign, TEMPERATURE_KNOTS_C, temperatureHingeColumns } from '../src/core/features.js';
import { r2 } from '../src/core/metrics.js';
import { SeededRandom } from '../src/core/random.js';
import type { TenantSeries } from '../src/core/types.js';
import { generateShape, suiteShape } from '../src/core/data/index.js';
import { evaluateFoldFit, PhaseLadder, temperatureHingesFor } from '../src/phases/ladder.js';
import { searchMediaParams } from '../src/phases/search.js';
import {
  hingeSupport,
  isTemperatureHinge,
  MIN_HINGE_ROWS,
  bottomKnotHinge,
  topKnotHinge,
  windowColumns,
  windowHinges,
} from '../src/phases/support.js';

function isoDay(offset: number): string {
  return new Date(Date.UTC(2022, 0, 1 + offset)).toISOString().slice(0, 10);
}

/**
 * A year of daily rows whose demand does not move below 18 deg C and rises 60 a degree above it
 * (cooling demand), spend with a linear effect, small seeded noise. Temperature follows a yearly
 * cycle (3..27 deg C, warmest in late July) plus day-to-day noise.
 */
function coolingSeries(weatherName = 'temperature_c', fahrenheit = false): TenantSeries {
  const n = 365;
  const rng = new SeededRandom(17);
  const temp = new Float64Array(n);
  const spend = new Float64Array(n);
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const c = 15 - 12 * Math.cos((2 * Math.PI * (t - 25)) / 365) + rng.normal(0, 2);
    temp[t] = fahrenheit ? (c * 9) / 5 + 32 : c;
    spend[t] = 500 + rng.uniform(0, 1000);
    y[t] = 2000 + 60 * Math.max(0, c - 18) + 0.5 * spend[t] + rng.normal(0, 20);
  }
  return {
    tenant: 'cooling',
    frequency: 'daily',
    dates: Array.from({ length: n }, (_, t) => isoDay(t)),
    channels: ['meta'],
    spend: [spend],
    weatherNames: [weatherName],
    weather: [temp],
    controlNames: [],
    controls: [],
    targetName: 'revenue',
    target: y,
  };
}

/**
 * Daily rows from September 1: demand flat below 17 deg C and rising 300 a degree above it, a
 * temperature cycle of 3..23 deg C (warmest mid-July) plus day-to-day noise, so that a window from
 * September to early June has only a few weeks of days above the 20-degree knot.
 */
function autumnStartSeries(n: number): TenantSeries {
  const rng = new SeededRandom(29);
  const temp = new Float64Array(n);
  const spend = new Float64Array(n);
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    temp[t] = 13 + 10 * Math.sin(2 * Math.PI * ((t + 243) / 365 - 0.28)) + rng.normal(0, 3);
    spend[t] = 500 + rng.uniform(0, 1000);
    y[t] = 3000 + 300 * Math.max(0, temp[t] - 17) + 0.5 * spend[t] + rng.normal(0, 100);
  }
  return {
    tenant: 'autumn',
    frequency: 'daily',
    dates: Array.from({ length: n }, (_, t) =>
      new Date(Date.UTC(2023, 8, 1 + t)).toISOString().slice(0, 10),
    ),
    channels: ['meta'],
    spend: [spend],
    weatherNames: ['temperature_c'],
    weather: [temp],
    controlNames: [],
    controls: [],
    targetName: 'revenue',
    target: y,
  };
}

/**
 * The cold twin: daily rows from March 1, demand flat above 6 deg C and rising 300 a degree below
 * it (heating demand), a temperature cycle of 3..21 deg C (coldest mid-January) plus day-to-day
 * noise, so that a window from March to early December has few days at or below 0 deg C.
 */
function springStartSeries(n: number): TenantSeries {
  const rng = new SeededRandom(31);
  const temp = new Float64Array(n);
  const spend = new Float64Array(n);
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    temp[t] = 12 + 9 * Math.sin(2 * Math.PI * ((t + 59) / 365 - 0.28)) + rng.normal(0, 3);
    spend[t] = 500 + rng.uniform(0, 1000);
    y[t] = 3000 + 300 * Math.max(0, 6 - temp[t]) + 0.5 * spend[t] + rng.normal(0, 100);
  }
  return {
    ...autumnStartSeries(n),
    tenant: 'spring',
    dates: Array.from({ length: n }, (_, t) =>
      new Date(Date.UTC(2023, 2, 1 + t)).toISOString().slice(0, 10),
    ),
    spend: [spend],
    weather: [temp],
    target: y,
  };
}

const tiny = (temps: number[], name = 'temperature_c'): TenantSeries => ({
  tenant: 't',
  frequency: 'daily',
  dates: temps.map((_, t) => isoDay(t)),
  channels: ['meta'],
  spend: [new Float64Array(temps.length).fill(1)],
  weatherNames: [name],
  weather: [Float64Array.from(temps)],
  controlNames: [],
  controls: [],
  targetName: 'revenue',
  target: new Float64Array(temps.length),
});

describe('temperature hinges', () => {
  it('are max(0, T - k) at 0, 10, 20, 30 deg C, converted for a Fahrenheit column', () => {
    expect(TEMPERATURE_KNOTS_C).toEqual([0, 10, 20, 30]);
    const c = temperatureHingeColumns(tiny([-5, 5, 15, 25, 35]), ['temperature_c']);
    expect(c.names).toEqual([
      'temperature_c_above_0',
      'temperature_c_above_10',
      'temperature_c_above_20',
      'temperature_c_above_30',
    ]);
    expect(c.columns.map((x) => Array.from(x))).toEqual([
      [0, 5, 15, 25, 35],
      [0, 0, 5, 15, 25],
      [0, 0, 0, 5, 15],
      [0, 0, 0, 0, 5],
    ]);
    // 0/10/20/30 deg C = 32/50/68/86 deg F.
    const f = temperatureHingeColumns(tiny([23, 41, 59, 77, 95], 'temp_f'), ['temp_f']);
    expect(f.names).toEqual([
      'temp_f_above_32',
      'temp_f_above_50',
      'temp_f_above_68',
      'temp_f_above_86',
    ]);
    // Values in deg C, as the models read the column (modelWeatherColumn): 95 deg F = 35 deg C.
    expect(Array.from(f.columns[3])).toEqual([0, 0, 0, 0, 5]);
    // Only columns recognised as a temperature get hinges.
    expect(temperatureHingeColumns(tiny([1, 2, 3], 'rain_mm'), ['rain_mm']).names).toEqual([]);
  });

  it('enter a design only when asked, after the weather terms and before the controls', () => {
    const s = { ...coolingSeries(), controlNames: ['promo'], controls: [new Float64Array(365)] };
    expect(buildDesign(s, { interactions: true }).names.some(isTemperatureHinge)).toBe(false);
    const names = buildDesign(s, { interactions: true, temperatureHinges: true }).names;
    const first = names.findIndex(isTemperatureHinge);
    expect(names.slice(first, first + 4)).toEqual(
      [0, 10, 20, 30].map((k) => `temperature_c_above_${k}`),
    );
    expect(first).toBe(names.indexOf('temperature_c_squared') + 1);
    expect(names[first + 4]).toBe('promo');
    expect(temperatureHingesFor('daily')).toBe(true);
    expect(temperatureHingesFor('weekly')).toBe(false);
  });

  it('a window keeps a hinge only with a month of its own rows on each side of the knot', () => {
    // 29 of the first 60 rows above the knot: left out; 30: kept.
    const col = (above: number): Float64Array => {
      const c = new Float64Array(100);
      for (let t = 0; t < above; t++) c[t] = 1 + t;
      return c;
    };
    expect(MIN_HINGE_ROWS).toBe(30);
    expect(hingeSupport(col(29), 60)).toBe(29);
    expect(hingeSupport(col(30), 60)).toBe(30);
    // A knot under every training temperature (the hinge is the linear term): no rows below it.
    expect(
      hingeSupport(
        Float64Array.from({ length: 60 }, () => 5),
        60,
      ),
    ).toBe(0);
    const names = ['temperature_c', 'temperature_c_above_20'];
    expect(Array.from(windowHinges(names, [col(0), col(29)], 60)[1]).every((v) => v === 0)).toBe(
      true,
    );
    expect(Array.from(windowHinges(names, [col(0), col(30)], 60)[1])).toEqual(Array.from(col(30)));
    // Decided on the training rows only: hot rows after the window do not bring a hinge in.
    const late = col(29);
    for (let t = 60; t < 100; t++) late[t] = 50;
    expect(Array.from(windowHinges(names, [col(0), late], 60)[1]).every((v) => v === 0)).toBe(true);
  });

  it("forecast a summer the window has not seen from the window's bend (phase 0)", () => {
    // Trained on January to mid-July (200 rows; the yearly terms are left out under a year),
    // tested on mid-July to late October. The linear slope is the average over cold and warm days;
    // the hinged curve is flat below 18 deg C as the generating curve is.
    const s = coolingSeries();
    const T = 200;
    const fold = { index: 0, trainEnd: T, testStart: T, testEnd: T + 100 };
    const actual = s.target.subarray(T, T + 100);
    const score = (hinges: boolean): number => {
      const fit = new PhaseLadder(s, { horizon: 100, temperatureHinges: hinges }).own(0, T);
      return r2(actual, evaluateFoldFit(s, fold, fit).predicted);
    };
    const hinged = score(true);
    const linear = score(false);
    expect(hinged).toBeGreaterThan(0.8);
    expect(hinged - linear).toBeGreaterThan(0.1);
    // A Fahrenheit column gets the same knots in its unit, so the same forecast.
    const f = coolingSeries('temp_f', true);
    const fit = new PhaseLadder(f, { horizon: 100 }).own(0, T);
    expect(r2(actual, evaluateFoldFit(f, fold, fit).predicted)).toBeCloseTo(hinged, 6);
  });

  it("a fold's hinged model and search see nothing after the window", () => {
    const s = generateShape(suiteShape('shape_daily_2y_delayed'));
    const T = 294;
    const garbled = { ...s.series, target: Float64Array.from(s.series.target) };
    const rng = new SeededRandom(5);
    for (let t = T; t < garbled.target.length; t++) garbled.target[t] = rng.uniform(-1e7, 1e7);
    for (const k of [0, 1] as const) {
      const clean = new PhaseLadder(s.series, { horizon: 109 }).own(k, T);
      const dirty = new PhaseLadder(garbled, { horizon: 109 }).own(k, T);
      expect(clean.names.some(isTemperatureHinge)).toBe(true);
      expect(Array.from(dirty.ridge!.coef)).toEqual(Array.from(clean.ridge!.coef));
    }
    const opts = { scheme: 'blocked' as const, temperatureHinges: true, sweeps: 1 };
    const a = searchMediaParams(s.series, T, opts);
    const b = searchMediaParams(garbled, T, opts);
    expect(b.params).toEqual(a.params);
    expect(b.innerR2).toBe(a.innerR2);
    // The window's columns: rows before T are the design's own values, or the window's top knot
    // (read off the same garbled-free training rows: equal on both series).
    const design = buildDesign(s.series, { interactions: false, temperatureHinges: true });
    const cols = windowColumns(design, T, 'daily');
    const dirtyCols = windowColumns(
      buildDesign(garbled, { interactions: false, temperatureHinges: true }),
      T,
      'daily',
    );
    design.names.forEach((name, j) => {
      if (!isTemperatureHinge(name) || !cols[j].some((v) => v !== 0)) return;
      expect(Array.from(dirtyCols[j])).toEqual(Array.from(cols[j]));
      const own = Array.from(design.columns[j].subarray(0, T));
      const top = topKnotHinge(design.columns[design.names.indexOf('temperature_c')], T, T);
      expect([own, Array.from(top?.subarray(0, T) ?? [])]).toContainEqual(
        Array.from(cols[j].subarray(0, T)),
      );
    });
  });

  it("the window's top knot: the MIN_HINGE_ROWS-th hottest training row, with support below it", () => {
    // Temperatures 1..100 on the 100 training rows: 30 rows lie above the 30th hottest, 70.
    const temps = Float64Array.from({ length: 120 }, (_, t) => (t < 100 ? t + 1 : 500));
    const top = topKnotHinge(temps, 100, 60)!;
    expect(Array.from(top.subarray(0, 100))).toEqual(
      Array.from({ length: 100 }, (_, t) => Math.max(0, t + 1 - 70)),
    );
    // After the window the same hinge (430 at 500 deg), the knot read off the training rows only.
    expect(top[110]).toBe(430);
    // 29 rows between the kept knot and the top knot: no top knot.
    expect(topKnotHinge(temps, 100, 59)).toBeNull();
    // In windowHinges: the 20-degree knot has 20 rows above it, the 10-degree one 70; the top knot
    // (the 30th hottest, 17.9 deg) has 30 above it and 40 between it and 10 deg.
    const names = ['temperature_c', 'temperature_c_above_10', 'temperature_c_above_20'];
    const t = Float64Array.from({ length: 100 }, (_, i) =>
      i < 30 ? 5 + i / 10 : i < 80 ? 11 + i / 10 : 21 + i / 10,
    );
    const hinge = (k: number): Float64Array => t.map((v) => Math.max(0, v - k));
    const cols = windowHinges(names, [t, hinge(10), hinge(20)], 100);
    expect(Array.from(cols[1])).toEqual(Array.from(hinge(10)));
    expect(Array.from(cols[2])).toEqual(Array.from(topKnotHinge(t, 100, 100)!));
    expect(cols[2].filter((v) => v > 0).length).toBe(MIN_HINGE_ROWS);
    expect(cols[2][99]).toBeCloseTo(30.9 - 17.9, 12);
    // Without the temperature column itself in the design the thin hinge is zeroed as before.
    const alone = windowHinges(names.slice(1), [hinge(10), hinge(20)], 100);
    expect(alone[1].every((v) => v === 0)).toBe(true);
  });

  it('forecast the first summer of a window that starts in autumn (phase 0)', () => {
    // Trained on September to early June (278 rows: the 20-degree knot has under a month of rows
    // above it, so the fixed knots alone bend at 10 degrees), tested on the first summer. The
    // window's top knot bends near the generating 17 degrees.
    const s = autumnStartSeries(332);
    const T = 278;
    const above20 = s.weather[0].subarray(0, T).filter((v) => v > 20).length;
    expect(above20).toBeGreaterThan(0);
    expect(above20).toBeLessThan(MIN_HINGE_ROWS);
    const fold = { index: 0, trainEnd: T, testStart: T, testEnd: 332 };
    const actual = s.target.subarray(T, 332);
    const score = (windowKnots: boolean): number => {
      const fit = new PhaseLadder(s, { horizon: 54, windowKnots }).own(0, T);
      return r2(actual, evaluateFoldFit(s, fold, fit).predicted);
    };
    // 0.88 with the top knot; 0.09 with the fixed knots alone (bent at 10 deg only).
    expect(score(true)).toBeGreaterThan(0.8);
    expect(score(false)).toBeLessThan(0.3);
  });

  it("the window's bottom knot: the MIN_HINGE_ROWS-th coldest training row, with support above it", () => {
    // Temperatures 1..100 on the 100 training rows: 30 rows at or below the 30th coldest, 30.
    const temps = Float64Array.from({ length: 120 }, (_, t) => (t < 100 ? t + 1 : -500));
    const bottom = bottomKnotHinge(temps, 100, 60)!;
    expect(Array.from(bottom.subarray(0, 100))).toEqual(
      Array.from({ length: 100 }, (_, t) => Math.max(0, t + 1 - 30)),
    );
    // After the window the same hinge (0 at -500 deg), the knot read off the training rows only.
    expect(bottom[110]).toBe(0);
    expect(topKnotHinge(temps, 100, 60)).not.toBeNull();
    // 29 rows between the bottom knot and the kept knot above it: no bottom knot.
    expect(bottomKnotHinge(temps, 100, 59)).toBeNull();
    // In windowHinges: the 0-degree knot has 20 rows at or below it, the 10-degree one 70 (the top
    // knot is not placed: the 10-degree knot has 30 rows above it); the bottom knot (the 30th
    // coldest, 4.9 deg) has 40 rows between it and 10 deg.
    const names = ['temperature_c', 'temperature_c_above_0', 'temperature_c_above_10'];
    const t = Float64Array.from({ length: 100 }, (_, i) =>
      i < 20 ? -5 + i / 10 : i < 70 ? 2 + i / 10 : 11 + i / 10,
    );
    const hinge = (k: number): Float64Array => t.map((v) => Math.max(0, v - k));
    const cols = windowHinges(names, [t, hinge(0), hinge(10)], 100);
    expect(Array.from(cols[2])).toEqual(Array.from(hinge(10)));
    expect(Array.from(cols[1])).toEqual(Array.from(bottomKnotHinge(t, 100, 70)!));
    expect(cols[1].filter((v) => v === 0).length).toBe(MIN_HINGE_ROWS);
    expect(cols[1][99]).toBeCloseTo(20.9 - 4.9, 12);
    expect(windowHinges(names, [t, hinge(0), hinge(10)], 100, false)[1].every((v) => v === 0)).toBe(
      true,
    );
  });

  it('forecast the first winter of a window that starts in spring (phase 0)', () => {
    // Trained on March to early December (278 rows: the 0-degree knot has under a month of rows
    // at or below it, so the fixed knots alone bend at 10 degrees), tested on the first winter.
    const s = springStartSeries(332);
    const T = 278;
    const atOrBelow0 = s.weather[0].subarray(0, T).filter((v) => v <= 0).length;
    expect(atOrBelow0).toBeLessThan(MIN_HINGE_ROWS);
    const fold = { index: 0, trainEnd: T, testStart: T, testEnd: 332 };
    const actual = s.target.subarray(T, 332);
    const score = (windowKnots: boolean): number => {
      const fit = new PhaseLadder(s, { horizon: 54, windowKnots }).own(0, T);
      return r2(actual, evaluateFoldFit(s, fold, fit).predicted);
    };
    // 0.70 with the bottom knot; 0.35 with the fixed knots alone.
    expect(score(true)).toBeGreaterThan(0.6);
    expect(score(false)).toBeLessThan(0.45);
  });
});
