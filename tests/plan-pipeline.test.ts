import { beforeAll, describe, expect, it } from 'vitest';
import { planWeatherCaveats } from '../src/app/plan.js';
import { FACE_WORDS } from '../src/app/words.js';
import {
  driverIndexSeries,
  generateShape,
  generateTenant,
  suiteShape,
} from '../src/core/data/index.js';
import { builtinSpec } from '../src/core/data/catalog.js';
import { parseForecastCsv } from '../src/core/csv/forecast.js';
import type { SyntheticTenant, TenantSeries } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import { hill } from '../src/core/transforms.js';
import { shortMoney } from '../src/plan/summary.js';
import { forecastOutsideHistory, type PlanResult } from '../src/plan/index.js';
import { loweredGain, seriesHead } from './plan-helpers.js';
import {
  evaluateResponse,
  extendOutlook,
  flatOutlook,
  formatBounds,
  extendSeries,
  futureDates,
  makePlan,
  memberColumn,
  nonPositiveChannels,
  parseBounds,
  pastYearsOf,
  planSummaryLines,
  PlanInputError,
  responseOf,
  revenueModelOf,
  scenarioOutlook,
  truthResponse,
  type Outlook,
  type RevenueModel,
} from '../src/plan/index.js';

const ID = 'high_summer_clothing';
let tenant: SyntheticTenant;
let model: RevenueModel;

/** The model with predict only (no predictAfter): the tests' wrappers change what predict gives. */
let full: RevenueModel;

beforeAll(() => {
  tenant = generateTenant(ID);
  model = revenueModelOf(fitFinalModel(tenant.series, 3));
  const { predictAfter: _fast, ...rest } = model;
  full = rest;
});

describe('outlook scenarios', () => {
  it('typical is the mean of the same calendar dates in past years', () => {
    const s = tenant.series;
    const out = scenarioOutlook(s, 'typical', ['temperature_c', 'precipitation_mm'], 30);
    expect(out.dates[0]).toBe('2024-12-31');
    const temp = s.weather[s.weatherNames.indexOf('temperature_c')];
    for (const i of [0, 17, 29]) {
      const md = out.dates[i].slice(4);
      const rows = s.dates.map((d, r) => (d.slice(4) === md ? r : -1)).filter((r) => r >= 0);
      expect(rows.length).toBe(i === 0 ? 2 : 3);
      const mean = rows.reduce((a, r) => a + temp[r], 0) / rows.length;
      expect(out.weather[0][i]).toBeCloseTo(mean, 10);
    }
  });

  it("keeps the past years apart: one member per year, each date's own value, their mean the weather", () => {
    // A mean day rained lightly on most days (probe s76 N: 22 of 28 days above 1 mm where 49% of
    // the history's were), so the members carry each year's own weather.
    const s = tenant.series;
    const out = scenarioOutlook(s, 'typical', ['temperature_c', 'precipitation_mm'], 30);
    expect(out.members).toHaveLength(3);
    const precip = s.weather[s.weatherNames.indexOf('precipitation_mm')];
    for (const i of [0, 17, 29]) {
      const md = out.dates[i].slice(4);
      const rows = s.dates.map((d, r) => (d.slice(4) === md ? r : -1)).filter((r) => r >= 0);
      const mean = rows.reduce((a, r) => a + precip[r], 0) / rows.length;
      // Each year's value, in year order; a date with two past years gives the third its mean.
      const own = [0, 1, 2].map((m) => (m < rows.length ? precip[rows[m]] : mean));
      expect(out.members!.map((m) => m[1][i])).toEqual(own);
      expect(out.weather[1][i]).toBeCloseTo(mean, 12);
    }
    // Shifted scenarios shift every member and keep it in range; their mean is the weather.
    const dry = scenarioOutlook(s, 'dry', ['temperature_c', 'precipitation_mm'], 30);
    for (let i = 0; i < 30; i++) {
      const ms = dry.members!.map((m) => m[1][i]);
      ms.forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
      expect(dry.weather[1][i]).toBeCloseTo((ms[0] + ms[1] + ms[2]) / 3, 12);
      // The shift is the same for every member where none is held at 0.
      const shift = dry.members![0][0][i] - out.members![0][0][i];
      expect(dry.members![2][0][i] - out.members![2][0][i]).toBeCloseTo(shift, 10);
    }
    // The flat outlook (the weather shift's reference) has one path; a forecast's rows are the same
    // in every member after extendOutlook, the typical members after them.
    expect(flatOutlook(out, 28).members).toBeUndefined();
    const forecast: Outlook = {
      source: 'forecast:f.csv',
      dates: out.dates.slice(0, 5),
      weatherNames: out.weatherNames,
      weather: [new Float64Array(5).fill(4), new Float64Array(5).fill(7)],
      forecastRows: 5,
    };
    const joined = extendOutlook(s, forecast, 30);
    expect(joined.members).toHaveLength(3);
    for (let m = 0; m < 3; m++) {
      expect(Array.from(memberColumn(joined, m, 1).subarray(0, 5))).toEqual([7, 7, 7, 7, 7]);
      expect(memberColumn(joined, m, 1)[12]).toBe(out.members![m][1][12]);
    }
  });

  it('the truth under kept past years is the mean of its driver under each year', () => {
    const s = tenant.series;
    const w = ['temperature_c', 'precipitation_mm', 'humidity_pct'];
    const out = scenarioOutlook(s, 'typical', w, 28);
    const mix = builtinSpec(ID).mix;
    const r = truthResponse(tenant, mix, out, 28, 0);
    const drivers = out.members!.map((m) => driverIndexSeries(mix, m[0], m[1], m[2]));
    const ch = tenant.truth.channels[0];
    for (const t of [0, 9, 27]) {
      const d = drivers.reduce((a, x) => a + x[t], 0) / drivers.length;
      expect(r.gain[0][t]).toBeCloseTo(ch.beta * (1 + ch.gamma * d), 8);
    }
  });

  it('pastYearsOf: how many years, the rainy share of the mean and of the years, and the note', () => {
    const o: Outlook = {
      source: 'scenario:typical',
      dates: ['2025-01-01', '2025-01-02'],
      weatherNames: ['temperature_c', 'precipitation_mm'],
      // Years: (0, 3) and (2, 0) mm: the mean (1, 1.5) rains above 1 mm on 1 day of 2, the
      // years on 2 of 4 days.
      weather: [Float64Array.from([5, 5]), Float64Array.from([1, 1.5])],
      forecastRows: 0,
      members: [
        [Float64Array.from([5, 5]), Float64Array.from([0, 3])],
        [Float64Array.from([5, 5]), Float64Array.from([2, 0])],
      ],
    };
    const p = pastYearsOf(o, 2, 'day');
    expect(p.past_years).toBe(2);
    expect(p.rainy_share).toEqual({
      column: 'precipitation_mm',
      mean_weather: 0.5,
      past_years: 0.5,
    });
    expect(p.note).toBe(
      "the typical outlook's weather is each day's mean over 2 past years; the expected revenue averages the model's revenue under each year's own weather, not its revenue under the mean (the mean has precipitation_mm above 1 mm on 50% of the days, the years themselves on 50%)",
    );
    expect(pastYearsOf({ ...o, source: 'forecast:f.csv' }, 2, 'day').note).toBeNull();
  });

  it('hot is warmer than typical, cold colder; wet wetter, dry drier', () => {
    const s = tenant.series;
    const w = ['temperature_c', 'precipitation_mm', 'humidity_pct'];
    const mean = (o: Outlook, j: number): number => o.weather[j].reduce((a, b) => a + b, 0) / 28;
    const [typical, hot, cold, wet, dry] = (['typical', 'hot', 'cold', 'wet', 'dry'] as const).map(
      (n) => scenarioOutlook(s, n, w, 28),
    );
    expect(mean(hot, 0)).toBeGreaterThan(mean(typical, 0) + 1);
    expect(mean(cold, 0)).toBeLessThan(mean(typical, 0) - 1);
    expect(mean(wet, 1)).toBeGreaterThan(mean(typical, 1));
    expect(mean(dry, 1)).toBeLessThan(mean(typical, 1));
    for (const o of [hot, cold, wet, dry])
      for (const v of o.weather[1]) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('ranks by the recognised column under any name (temp, rain_mm)', () => {
    const s = { ...tenant.series, weatherNames: ['temp', 'rain_mm', 'humidity', 'wind_kph'] };
    const w = ['temp', 'rain_mm'];
    const mean = (o: Outlook, j: number): number => o.weather[j].reduce((a, b) => a + b, 0) / 28;
    const typical = scenarioOutlook(s, 'typical', w, 28);
    expect(mean(scenarioOutlook(s, 'hot', w, 28), 0)).toBeGreaterThan(mean(typical, 0) + 1);
    expect(mean(scenarioOutlook(s, 'wet', w, 28), 1)).toBeGreaterThan(mean(typical, 1));
    const none = { ...tenant.series, weatherNames: ['a', 'b', 'c', 'd'] };
    expect(() => scenarioOutlook(none, 'hot', ['a'], 28)).toThrow(
      /the hot scenario ranks days by temperature, and the data has no temperature column/,
    );
  });

  it('on weekly data the refusal ranks weeks, not days', () => {
    const weekly = generateShape(suiteShape('shape_weekly_2y_noweather')).series;
    expect(() => scenarioOutlook(weekly, 'hot', [], 4, FACE_WORDS.cli.plan)).toThrow(
      'the hot scenario ranks weeks by temperature, and the data has no temperature column; use --scenario typical or --forecast FILE',
    );
  });

  it('a refused scenario names the marked columns of unknown kind and the names that enable it', () => {
    // t_max, wetness and sky were marked as weather: the refusal said "the data has no
    // temperature column" as if the tenant had no weather.
    const s = { ...tenant.series, weatherNames: ['t_max', 'wetness', 'sky', 'wind_kph'] };
    expect(() => scenarioOutlook(s, 'hot', ['t_max'], 28, FACE_WORDS.cli.plan)).toThrow(
      'the hot scenario ranks days by temperature, and the data has no temperature column under a name it recognises: ' +
        'the weather columns t_max, wetness, sky were marked as weather under names of no known kind, and a column of unknown kind cannot be ranked as temperature; ' +
        'renaming one in the file to a temperature name (temperature_c, or temp_f for °F) enables hot and cold, ' +
        'to a precipitation name (precipitation_mm, or precipitation_in for inches) wet and dry, once the file is imported again; ' +
        'use --scenario typical or --forecast FILE',
    );
    const one = { ...tenant.series, weatherNames: ['temperature_c', 'wetness', 'humidity_pct'] };
    expect(() => scenarioOutlook(one, 'wet', ['wetness'], 28, FACE_WORDS.mcp.plan)).toThrow(
      'the wet scenario ranks days by precipitation, and the data has no precipitation column under a name it recognises: ' +
        'the weather column wetness was marked as weather under a name of no known kind, and a column of unknown kind cannot be ranked as precipitation; ' +
        'renaming it in the file to a precipitation name (precipitation_mm, or precipitation_in for inches) enables wet and dry, ' +
        'to a temperature name (temperature_c, or temp_f for °F) hot and cold, once the file is imported again; ' +
        'use scenario "typical" or forecast_csv',
    );
  });
});

describe('a forecast on a history shorter than a year', () => {
  it('covers the horizon; the carry-over tail holds its last week, as nothing earlier has those dates', () => {
    // 150 days: the typical scenario has no earlier year for any future date. A 10-day forecast
    // was refused ("the typical scenario needs history around 08-13") though it covered the plan.
    const full = generateTenant(ID).series;
    const series: TenantSeries = {
      ...full,
      dates: full.dates.slice(0, 150),
      spend: full.spend.map((v) => v.slice(0, 150)),
      weather: full.weather.map((v) => v.slice(0, 150)),
      controls: full.controls.map((v) => v.slice(0, 150)),
      target: full.target.slice(0, 150),
    };
    const names = ['temperature_c', 'precipitation_mm'];
    const dates = futureDates(series, 10);
    const temps = Array.from({ length: 10 }, (_, i) => 10 + i);
    const forecast: Outlook = {
      source: 'forecast:f.csv',
      dates,
      weatherNames: names,
      weather: [Float64Array.from(temps), new Float64Array(10).fill(2)],
      forecastRows: 10,
    };
    expect(() => scenarioOutlook(series, 'typical', names, 23)).toThrow(/no earlier year|has none/);
    const out = extendOutlook(series, forecast, 23);
    expect(out.dates).toEqual(futureDates(series, 23));
    expect(out.heldRows).toBe(13);
    expect(Array.from(out.weather[0].subarray(0, 10))).toEqual(temps);
    // mean of the last 7 forecast days, 13..19
    for (const v of out.weather[0].subarray(10)) expect(v).toBeCloseTo(16, 12);
    for (const v of out.weather[1].subarray(10)) expect(v).toBe(2);
  });
});

describe('forecast files', () => {
  const opts = {
    fileName: 'f.csv',
    required: ['temperature_c', 'precipitation_mm'],
    firstDate: '2025-01-01',
    stepDays: 1 as const,
    minRows: 2,
  };
  it('reads a valid forecast', () => {
    const f = parseForecastCsv(
      'date,temperature_c,precipitation_mm,wind_kph\n2025-01-01,3.5,0,10\n2025-01-02,4,1.2,3\n',
      opts,
    );
    expect(f.dates).toEqual(['2025-01-01', '2025-01-02']);
    expect(Array.from(f.weather[1])).toEqual([0, 1.2]);
    expect(f.ignored).toEqual(['wind_kph']);
  });
  it('refuses a forecast that lacks a model column, starts elsewhere, has gaps or bad numbers', () => {
    expect(() =>
      parseForecastCsv('date,temperature_c\n2025-01-01,3\n2025-01-02,4\n', opts),
    ).toThrow(
      /f\.csv, row 1: the forecast lacks the weather column precipitation_mm that the model uses/,
    );
    expect(() =>
      parseForecastCsv(
        'date,temperature_c,precipitation_mm\n2024-12-31,3,0\n2025-01-01,4,0\n',
        opts,
      ),
    ).toThrow(/starts on 2024-12-31, but the plan starts on 2025-01-01/);
    expect(() =>
      parseForecastCsv(
        'date,temperature_c,precipitation_mm\n2025-01-01,3,0\n2025-01-03,4,0\n',
        opts,
      ),
    ).toThrow(/row 3, column "date": after 2025-01-01 the next row must be 2025-01-02/);
    // A daily forecast for weekly data says how to make weeks of it; other steps do not.
    const weekly = { ...opts, firstDate: '2025-01-06', stepDays: 7 as const };
    expect(() =>
      parseForecastCsv(
        'date,temperature_c,precipitation_mm\n2025-01-06,3,0\n2025-01-07,4,0\n',
        weekly,
      ),
    ).toThrow(
      "after 2025-01-06 the next row must be 2025-01-13 (got 2025-01-07); one row per week, oldest first, no gaps: this forecast has a row per day and the tenant's data are weekly; make one row per week dated 2025-01-06, 2025-01-13, ... with temperature_c as the week's mean and precipitation_mm as the week's mean per day (its total / 7), as the data's weekly rows hold them",
    );
    expect(() =>
      parseForecastCsv(
        'date,temperature_c,precipitation_mm\n2025-01-06,3,0\n2025-01-27,4,0\n',
        weekly,
      ),
    ).not.toThrow(/a row per day/);
    expect(() =>
      parseForecastCsv(
        'date,temperature_c,precipitation_mm\n2025-01-01,3,0\n2025-01-02,warm,0\n',
        opts,
      ),
    ).toThrow(/row 3, column "temperature_c": "warm" is not a number; write plain numbers/);
    expect(() =>
      parseForecastCsv('date,temperature_c,precipitation_mm\n2025-01-01,3,0\n', opts),
    ).toThrow(/1 forecast rows; the plan needs at least 2/);
  });
  it('names the column of the same kind the forecast has instead: convert its unit or rename it', () => {
    // It said only "lacks the weather column temperature_c ... (the header has date, temperature_f, ...)".
    expect(() =>
      parseForecastCsv('date,temperature_f,rain_in\n2025-01-01,40,0\n2025-01-02,41,0.1\n', opts),
    ).toThrow(
      /lacks the weather columns temperature_c, precipitation_mm .*; temperature_f is in °F and the model reads temperature_c in °C: convert it \(°C = \(°F - 32\) \/ 1\.8\) and name the column temperature_c; rain_in is in inches and the model reads precipitation_mm in mm: convert it \(mm = inches x 25\.4\) and name the column precipitation_mm$/,
    );
    // Two temperature columns: which one the model's is, is not guessed.
    expect(() =>
      parseForecastCsv(
        'date,temp,tavg,precipitation_mm\n2025-01-01,4,4,0\n2025-01-02,5,5,0\n',
        opts,
      ),
    ).toThrow(/lacks the weather column temperature_c .*; rename temp to temperature_c$/);
  });

  it("reads a model column from the file's one column of the same kind and unit, and says so", () => {
    // A weather export's names for a model imported as temperature_c / precipitation_mm (an
    // outside probe was told to rename them, though the import reads these names).
    const f = parseForecastCsv(
      'date,Temperature (°C),Precipitation (mm),Notes\n2025-01-01,4,0,x\n2025-01-02,5,1.5,y\n',
      opts,
    );
    expect(f.weatherNames).toEqual(['temperature_c', 'precipitation_mm']);
    expect(Array.from(f.weather[0])).toEqual([4, 5]);
    expect(Array.from(f.weather[1])).toEqual([0, 1.5]);
    expect(f.readAs).toEqual([
      { column: 'Temperature (°C)', as: 'temperature_c' },
      { column: 'Precipitation (mm)', as: 'precipitation_mm' },
    ]);
    expect(f.ignored).toEqual(['Notes']);
    // By name, nothing is read as another column.
    expect(
      parseForecastCsv(
        'date,temperature_c,precipitation_mm\n2025-01-01,3,0\n2025-01-02,4,0\n',
        opts,
      ).readAs,
    ).toEqual([]);
    // Another unit is not read as the model's (°F for °C): converted by the user, as above.
    expect(() =>
      parseForecastCsv('date,temp_f,precipitation_mm\n2025-01-01,40,0\n2025-01-02,41,0\n', opts),
    ).toThrow(/temp_f is in °F and the model reads temperature_c in °C: convert it/);
  });

  it('says how far to shorten the horizon for a short forecast', () => {
    expect(() =>
      parseForecastCsv('date,temperature_c,precipitation_mm\n2025-01-01,3,0\n', opts),
    ).toThrow(
      /1 forecast rows; the plan needs at least 2 \(one per period of the horizon\); shorten the horizon to 1 day or extend the forecast$/,
    );
  });

  it('refuses weather no sky gives: negative rain, humidity above 100, Fahrenheit in a °C column', () => {
    const read = (row2: string, header = 'date,temperature_c,precipitation_mm') =>
      parseForecastCsv(`${header}\n2025-01-01,3,0\n2025-01-02,${row2}\n`, opts);
    expect(() => read('4,-0.5')).toThrow(
      /row 3, column "precipitation_mm": "-0\.5" is below 0; precipitation_mm cannot be negative/,
    );
    expect(() => read('77,0')).toThrow(
      /row 3, column "temperature_c": "77" is outside what temperature_c can be \(-90 to 60\); it looks like Fahrenheit/,
    );
    const humid = { ...opts, required: ['temperature_c', 'humidity_pct'] };
    expect(() =>
      parseForecastCsv(
        'date,temperature_c,humidity_pct\n2025-01-01,3,50\n2025-01-02,4,140\n',
        humid,
      ),
    ).toThrow(
      /row 3, column "humidity_pct": "140" is outside what humidity_pct can be \(0 to 100\)/,
    );
    // A Fahrenheit column keeps Fahrenheit figures; an unrecognised name is not judged.
    const fahrenheit = { ...opts, required: ['temp_f', 'precipitation_mm'] };
    expect(
      parseForecastCsv(
        'date,temp_f,precipitation_mm\n2025-01-01,77,0\n2025-01-02,95,0\n',
        fahrenheit,
      ).weather[0][1],
    ).toBe(95);
    const custom = { ...opts, required: ['pollen_index'] };
    expect(
      parseForecastCsv('date,pollen_index\n2025-01-01,-3\n2025-01-02,400\n', custom).weather[0][0],
    ).toBe(-3);
  });
});

describe('model and truth responses', () => {
  it('the probed response reproduces the model on the future rows, with carry-over from the observed spend', () => {
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 40);
    // Independent check: a spend path the probe did not use, through predictFinal on the extended
    // series, under one weather path.
    const plan = model.channels.map((_, c) =>
      Float64Array.from({ length: 28 }, (_, t) => 1_000 + 300 * ((t + c) % 5)),
    );
    const n = tenant.series.dates.length;
    const direct = (weather: Float64Array[]): Float64Array => {
      const ext = extendSeries(tenant.series, model, { ...outlook, weather });
      ext.spend = ext.spend.map((x, c) => {
        const y = Float64Array.from(x);
        y.set(plan[c], n);
        return y;
      });
      return model.predict(ext).slice(n, n + 40);
    };
    // One weather path (no past years kept apart): the model under the mean weather.
    const { members, ...mean } = outlook;
    const one = evaluateResponse(responseOf(model, tenant.series, mean, 28, 12), plan).revenue;
    const underMean = direct(outlook.weather);
    for (let t = 0; t < 40; t++) expect(one[t]).toBeCloseTo(underMean[t], 4);
    // The past years kept apart: the mean of the model under each year's own weather, which is
    // not the model under the mean (its squared weather and hinges), by more than the tolerance.
    // Three years of data before the plan's dates: three past years.
    expect(members?.length).toBe(3);
    const underEach = members!.map((m) => direct(m));
    const r = responseOf(model, tenant.series, outlook, 28, 12);
    const probed = evaluateResponse(r, plan).revenue;
    let apart = 0;
    for (let t = 0; t < 40; t++) {
      const avg = (underEach[0][t] + underEach[1][t] + underEach[2][t]) / 3;
      expect(probed[t]).toBeCloseTo(avg, 4);
      apart = Math.max(apart, Math.abs(avg - underMean[t]));
    }
    expect(apart).toBeGreaterThan(1);
    // Carry-over from the observed spend: with no future spend the first day still has media revenue.
    expect(r.start.every((a) => a > 0)).toBe(true);
    const zero = evaluateResponse(
      r,
      r.channels.map(() => new Float64Array(28)),
    ).revenue;
    expect(zero[0]).toBeGreaterThan(r.base[0] + 100);
  });

  it('probes the future rows alone (predictAfter) as it probes them after the whole history', () => {
    expect(model.predictAfter).toBeDefined();
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 90);
    const fast = responseOf(model, tenant.series, outlook, 28, 60);
    const slow = responseOf(full, tenant.series, outlook, 28, 60);
    // The same values but the trend's rounding: base to 1e-12, gains (differences of
    // predictions, divided by Hill differences that shrink in the tail) to 1e-8.
    fast.base.forEach((v, t) =>
      expect(Math.abs(v - slow.base[t])).toBeLessThan(1e-12 * Math.abs(v)),
    );
    fast.gain.forEach((g, c) =>
      g.forEach((v, t) =>
        expect(Math.abs(v - slow.gain[c][t])).toBeLessThan(1e-8 * Math.abs(slow.gain[c][t])),
      ),
    );
    expect(fast.start).toEqual(slow.start);
    // A model with a delayed carry-over has no such path (its adstock is not a recursion).
    const phase3 = fitFinalModel(tenant.series, 3);
    const lagged = {
      ...phase3,
      channelParams: Object.fromEntries(
        Object.entries(phase3.channelParams!).map(([c, p]) => [c, { ...p, lag: 2 }]),
      ),
    };
    expect(revenueModelOf(lagged).predictAfter).toBeUndefined();
  });

  it('accepts a separable model with large weather-varying gains through a long tail', () => {
    // Revenue = the fitted model + 1e7 per Hill unit of every channel, times a weather and
    // day-parity factor: separable by construction, the gain changing every day, coefficients
    // the size a weekly many-channel Ridge reaches. A stale gain where the probe has nearly
    // decayed failed the check with the old 1e-6 cut on Hill units (by ~1e-6 of revenue).
    const temp = model.weather[0];
    const big: RevenueModel = {
      ...full,
      predict: (s) => {
        const p = model.predict(s);
        const w = s.weather[s.weatherNames.indexOf(temp)];
        model.media.forEach((m, c) => {
          let a = 0;
          for (let t = 0; t < p.length; t++) {
            a = s.spend[c][t] + m.decay * a;
            p[t] += 1e7 * hill(a, m.k, m.s) * (1 + 0.02 * w[t] + 0.5 * (t % 2));
          }
        });
        return p;
      },
      describe: { kind: 'test' },
    };
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 28 + 120);
    expect(() => responseOf(big, tenant.series, outlook, 28, 120)).not.toThrow();
  });

  it('refuses a model that is not a baseline plus one adstock/Hill response per channel', () => {
    const product: RevenueModel = {
      ...full,
      // Channels multiply each other: not separable.
      predict: (s) => {
        const p = model.predict(s);
        return Float64Array.from(
          p,
          (v, t) => v * (1 + 1e-4 * Math.sqrt(s.spend[0][t] * s.spend[1][t])),
        );
      },
      describe: { kind: 'test' },
    };
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 30);
    expect(() => responseOf(product, tenant.series, outlook, 28, 2)).toThrow(PlanInputError);
  });

  it('the truth response reproduces the generator on known rows (carry-over included)', () => {
    const n = tenant.series.dates.length;
    const past = seriesHead(tenant.series, n - 28);
    const w = tenant.series.weatherNames;
    const outlook: Outlook = {
      source: 'test',
      dates: tenant.series.dates.slice(n - 28),
      weatherNames: [...w],
      weather: tenant.series.weather.map((x) => x.slice(n - 28)),
      forecastRows: 28,
    };
    const truncated: SyntheticTenant = { ...tenant, series: past };
    const r = truthResponse(truncated, builtinSpec(ID).mix, outlook, 28, 0);
    const plan = tenant.series.spend.map((x) => x.slice(n - 28));
    const media = evaluateResponse(r, plan).total;
    let expected = 0;
    for (const c of tenant.truth.contributions) for (let t = n - 28; t < n; t++) expected += c[t];
    expect(media).toBeCloseTo(expected, 3);
  });
});

describe('makePlan', () => {
  it('notes forecast weather outside the history, naming both ranges; none for the typical outlook', () => {
    // A January heat wave (typical + 30 °C) was planned with and nothing said so.
    const typical = scenarioOutlook(tenant.series, 'typical', model.weather, 28);
    const asForecast = (o: Outlook): Outlook => ({
      ...o,
      source: 'forecast:f.csv',
      forecastRows: 28,
    });
    const plan = (o: Outlook) =>
      makePlan({ series: tenant.series, model, outlook: o }, { horizon: 28, budget: 100_000 });
    const note = (p: PlanResult) => p.notes.find((n) => n.startsWith("the forecast's weather"));
    expect(note(plan(asForecast(typical)))).toBeUndefined();
    const j = model.weather.indexOf('temperature_c');
    const hot = asForecast({
      ...typical,
      weather: typical.weather.map((w, k) => (k === j ? w.map((v) => v + 30) : w)),
    });
    const temps = tenant.series.weather[tenant.series.weatherNames.indexOf('temperature_c')];
    const [lo, hi] = [Math.min(...temps), Math.max(...temps)];
    const f = hot.weather[j];
    const sig = (x: number) => String(Number(x.toPrecision(3)));
    const mean = temps.reduce((a, b) => a + b, 0) / temps.length;
    const sd = Math.sqrt(temps.reduce((a, b) => a + (b - mean) ** 2, 0) / (temps.length - 1));
    expect(Math.max(...f) - hi).toBeGreaterThan(sd); // 30 °C on a typical January: far outside
    expect(note(plan(hot))).toBe(
      "the forecast's weather leaves the range of the data's history, where the model's weather terms are extrapolations: " +
        `temperature_c ${sig(Math.min(...f))} to ${sig(Math.max(...f))} (history ${sig(lo)} to ${sig(hi)})` +
        (Math.max(...f) - hi > sd
          ? "; temperature_c goes past it by more than the history's spread (its standard deviation), where the plan's figures are not measurements: check the forecast's units and values"
          : ''),
    );
  });

  it('spends the budget, equalizes marginal ROAS of free channels and reports regret', () => {
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 28);
    const truth = { tenant, mix: builtinSpec(ID).mix };
    const p = makePlan(
      { series: tenant.series, model, outlook, truth },
      { horizon: 28, budget: 100_000 },
    );
    expect(p.channels.reduce((a, c) => a + c.spend, 0)).toBeCloseTo(100_000, 4);
    const free = p.channels.filter((c) => c.at_bound === null);
    expect(free.length).toBe(2);
    expect(
      Math.abs(free[0].marginal_roas - free[1].marginal_roas) / free[0].marginal_roas,
    ).toBeLessThan(0.01);
    // Under its own model the plan is at least as good as both baselines.
    for (const b of p.baselines)
      expect(p.incremental_revenue).toBeGreaterThanOrEqual(b.incremental_revenue - 1e-6);
    expect(p.truth).not.toBeNull();
    expect(p.truth!.optimal_incremental).toBeGreaterThanOrEqual(p.truth!.plan_incremental);
    expect(p.weather_shift).toHaveLength(2);
    expect(p.horizon).toMatchObject({ periods: 28, start: '2024-12-31', end: '2025-01-27' });
    expect(futureDates(tenant.series, 2)).toEqual(['2024-12-31', '2025-01-01']);
  });

  it('gives a channel whose modeled return is not positive only its lower bound, checked or not', () => {
    // google's gain lowered by 1e6 per Hill unit in every period: negative everywhere.
    const g = model.channels.indexOf('google');
    const lowered = (scale: number): RevenueModel =>
      loweredGain(full, model, model, g, scale * 1e6);
    const negative = lowered(1);
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 28);
    const r = responseOf(
      negative,
      tenant.series,
      scenarioOutlook(tenant.series, 'typical', model.weather, 68),
      28,
      40,
    );
    expect(nonPositiveChannels(r)).toEqual(model.channels.map((_, c) => c === g));
    const replicates = Array.from({ length: 12 }, (_, b) => lowered(0.8 + 0.03 * b));
    const p = makePlan(
      { series: tenant.series, model: negative, outlook },
      { horizon: 28, budget: 100_000 },
    );
    expect(p.channels[g].spend).toBe(0);
    expect(p.channels[g].at_bound).toBe('lower');
    expect(p.channels.reduce((a, c) => a + c.spend, 0)).toBeCloseTo(100_000, 4);
    expect(p.notes.some((n) => n.includes('google is not positive in any period'))).toBe(true);
    // A lower bound is kept, and nothing above it.
    const bounded = makePlan(
      { series: tenant.series, model: negative, outlook },
      { horizon: 28, budget: 100_000, bounds: parseBounds('google=1000:') },
    );
    expect(bounded.channels[g].spend).toBeCloseTo(1000, 6);
    // Checked, the same model reads baseline (a) as losing money as a whole (google's loss
    // outweighs meta's gain): the plan stays at (a) (doubtHoldReason), google's spend included;
    // without the hold the refits, which agree on the sign, let the pin through.
    const checked = makePlan(
      { series: tenant.series, model: negative, outlook, replicates },
      { horizon: 28, budget: 100_000 },
    );
    expect(checked.uncertainty!.doubt_hold).toMatch(/credits baseline \(a\)'s spend with -/);
    expect(checked.uncertainty!.anchor).toBe('historical_even');
    expect(checked.channels[g].spend).toBeCloseTo(100_000 * checked.historical.split.google, 4);
    const pinned = makePlan(
      { series: tenant.series, model: negative, outlook, replicates, doubtHold: false },
      { horizon: 28, budget: 100_000 },
    );
    expect(pinned.channels[g].spend).toBe(0);
    expect(pinned.uncertainty!.anchor).toBe('historical_even_within_bounds');
    // The same model without the lowering plans google as before: nothing is pinned.
    const plain = makePlan(
      { series: tenant.series, model, outlook },
      { horizon: 28, budget: 100_000 },
    );
    expect(plain.channels[g].spend).toBeGreaterThan(0);
    expect(plain.notes.some((n) => n.includes('is not positive'))).toBe(false);
  });

  it('a channel bounded to 0 has no spend, no incremental revenue and ROAS 0 (not projection dust)', () => {
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 28);
    const p = makePlan(
      { series: tenant.series, model, outlook },
      { horizon: 28, budget: 100_000, bounds: parseBounds('google=0:0') },
    );
    const google = p.channels[1];
    expect(google.spend).toBe(0);
    expect(google.spend_by_period.every((v) => v === 0)).toBe(true);
    expect(google.incremental_revenue).toBe(0);
    expect(google.roas).toBe(0);
    expect(p.channels[0].spend).toBeCloseTo(100_000, 4);
  });

  it('a currency bound that reads like a multiple is kept and noted, with the multiple written out', () => {
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 28);
    const p = makePlan(
      { series: tenant.series, model, outlook },
      { horizon: 28, budget: 100_000, bounds: parseBounds('meta=0.5:2') },
    );
    expect(p.channels[0].spend).toBeLessThanOrEqual(2 + 1e-9);
    const note = p.notes.find((n) => n.startsWith('the bound meta=0.5:2 is read as currency'));
    expect(note).toContain('for multiples of that write meta=0.5x:2x');
    // A side already a multiple is written as given (the note dropped its x).
    const mixed = makePlan(
      { series: tenant.series, model, outlook },
      { horizon: 28, budget: 100_000, bounds: parseBounds('meta=0x:2') },
    );
    expect(
      mixed.notes.find((n) => n.startsWith('the bound meta=0x:2 is read as currency')),
    ).toContain('write meta=0x:2x');
    // A real amount, or a multiple, gets no such note.
    for (const b of ['meta=1000:50000', 'meta=0.5x:2x']) {
      const q = makePlan(
        { series: tenant.series, model, outlook },
        { horizon: 28, budget: 100_000, bounds: parseBounds(b) },
      );
      expect(
        q.notes.some((n) => n.includes('is read as currency')),
        b,
      ).toBe(false);
    }
  });

  it('respects bounds given as multiples of historical spend', () => {
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 28);
    const p = makePlan(
      { series: tenant.series, model, outlook },
      { horizon: 28, budget: 100_000, bounds: parseBounds('meta=0.9x:1.1x,google=:2000/day') },
    );
    const meta = p.channels[0];
    expect(meta.spend).toBeGreaterThanOrEqual(0.9 * meta.historical_spend - 1e-6);
    expect(meta.spend).toBeLessThanOrEqual(1.1 * meta.historical_spend + 1e-6);
    for (const v of p.channels[1].spend_by_period) expect(v).toBeLessThanOrEqual(2000 + 1e-9);
  });

  it('finds the largest budget meeting a target ROAS', () => {
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 28);
    const p = makePlan(
      { series: tenant.series, model, outlook },
      { horizon: 28, objective: { kind: 'target_roas', value: 2.5 } },
    );
    expect(p.roas).toBeGreaterThanOrEqual(2.5 - 1e-9);
    const more = makePlan(
      { series: tenant.series, model, outlook },
      { horizon: 28, budget: p.budget * 1.02 },
    );
    expect(more.roas).toBeLessThan(2.5);
  });

  it('says that a model without weather columns has no weather to move spend', () => {
    // The same tenant with its weather columns dropped: the phase-3 model reads none.
    const dry: TenantSeries = { ...tenant.series, weatherNames: [], weather: [] };
    const plain = revenueModelOf(fitFinalModel(dry, 3));
    expect(plain.weather).toEqual([]);
    const p = makePlan(
      { series: dry, model: plain, outlook: scenarioOutlook(dry, 'typical', [], 28) },
      { horizon: 28, budget: 100_000 },
    );
    expect(p.weather_shift.map((w) => w.effect)).toEqual([
      'no_weather_in_model',
      'no_weather_in_model',
    ]);
    expect(p.weather_shift[0].text).toBe(
      'meta: the model has no weather columns (the data has none it models), so the weather moves none of its budget',
    );
    expect(p.weather_shift.every((w) => w.variable === null && w.moved === 0)).toBe(true);
    // With weather the effect is measured.
    const wet = makePlan(
      {
        series: tenant.series,
        model,
        outlook: scenarioOutlook(tenant.series, 'typical', model.weather, 28),
      },
      { horizon: 28, budget: 100_000 },
    );
    expect(wet.weather_shift.map((w) => w.effect)).toEqual(['weather_shift', 'weather_shift']);
  });

  it('rejects bad input with what to do', () => {
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 28);
    const ctx = { series: tenant.series, model, outlook };
    expect(() => makePlan(ctx, { horizon: 28, budget: 0 })).toThrow(/budget must be a number > 0/);
    expect(() => makePlan(ctx, { horizon: 28, budget: -5 })).toThrow(PlanInputError);
    expect(() =>
      makePlan(ctx, { horizon: 28, budget: 1_000, bounds: parseBounds('meta=800:,google=800:') }),
    ).toThrow(/minimum spends add up to 1\.6k, more than the budget 1\.0k/);
    expect(() =>
      makePlan(ctx, { horizon: 28, budget: 1_000, bounds: parseBounds('tv=0:1') }),
    ).toThrow(/unknown channel "tv" \(the bounds\); the model's channels are meta, google/);
    // A channel named in another case is the model's channel (it was refused as unknown), and
    // the bound holds: the same plan as the exact name.
    const exact = makePlan(ctx, {
      horizon: 28,
      budget: 100_000,
      bounds: parseBounds('meta=:0.5x'),
    });
    const cased = makePlan(ctx, {
      horizon: 28,
      budget: 100_000,
      bounds: parseBounds('META=:0.5x'),
    });
    expect(cased.channels).toEqual(exact.channels);
    expect(() => parseBounds('meta=lots')).toThrow(/not channel=min:max/);
    // A channel whose name holds a comma, in double quotes; formatted back the same way.
    const quoted = parseBounds('"search, brand"=0:1000,meta=1x:');
    expect(quoted.map((b) => b.channel)).toEqual(['search, brand', 'meta']);
    expect(quoted[0].max).toEqual({ value: 1000, multiple: false });
    expect(formatBounds(quoted)).toBe('"search, brand"=0:1000,meta=1x:');
    expect(() => parseBounds('search, brand=0:1000')).toThrow(
      /"search" is not channel=min:max .*a channel name with a comma goes in double quotes/,
    );
    expect(() => parseBounds('meta=2x:1x')).not.toThrow();
    expect(() =>
      makePlan(ctx, { horizon: 28, budget: 1_000, bounds: parseBounds('meta=2x:1x') }),
    ).toThrow(/minimum .* is above the maximum/);
  });
});

describe('amounts in the plan text', () => {
  it('shortMoney: the largest unit reached, one up when rounding shows 1000 of it', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [0.01, '0.01'],
      [-0.012345, '-0.01'],
      [6.14e-6, '0'],
      [-0.001, '0'],
      [12.345, '12.3'],
      [99.94, '99.9'],
      [99.96, '100'],
      [999.4, '999'],
      [999.6, '1.0k'],
      [12_345, '12.3k'],
      [999_949, '999.9k'],
      [999_999, '1.00M'],
      [-4_560_000, '-4.56M'],
      [7.891e9, '7.89B'],
      [1e12, '1.00T'],
      [999.996e12, '1.00e+15'],
      [Infinity, 'Infinity'],
    ];
    for (const [v, text] of cases) expect(shortMoney(v), String(v)).toBe(text);
  });

  it('a budget of 1e12 (the largest allowed) reads 1.00T in the summary, not 1000000.00M', () => {
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, 28);
    const p = makePlan({ series: tenant.series, model, outlook }, { horizon: 28, budget: 1e12 });
    expect(planSummaryLines(p)[0]).toContain(', budget 1.00T, ');
    expect(planSummaryLines(p).join('\n')).not.toMatch(/\d{4}\.\d+[kM]\b/);
  });
});

describe('forecast weather outside the history', () => {
  // History 0, 1, ..., 10: range 0 to 10, sample standard deviation sqrt(11) = 3.317.
  const history: TenantSeries = {
    tenant: 't',
    frequency: 'daily',
    dates: Array.from({ length: 11 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`),
    channels: ['meta'],
    spend: [new Float64Array(11).fill(1)],
    weatherNames: ['t_max', 'humidity_pct'],
    weather: [Float64Array.from({ length: 11 }, (_, i) => i), new Float64Array(11).fill(50)],
    controlNames: [],
    controls: [],
    targetName: 'revenue',
    target: new Float64Array(11).fill(1),
  };
  const planWith = (forecast: number[], rows = forecast.length) =>
    ({
      outlook: {
        weather: { t_max: forecast, humidity_pct: forecast.map(() => 50) },
        forecast_rows: rows,
      },
    }) as unknown as PlanResult;

  it('names the columns past the range, with both ranges; far past the spread is a caveat', () => {
    expect(forecastOutsideHistory(history, ['t_max'], [[0, 5, 10]], 3)).toEqual([]);
    // Past the range by a tenth of the spread (0.33) or less: not noted.
    expect(forecastOutsideHistory(history, ['t_max'], [[-0.3, 10.3]], 2)).toEqual([]);
    expect(forecastOutsideHistory(history, ['t_max'], [[0, 10.4]], 2)).toHaveLength(1);
    const near = forecastOutsideHistory(history, ['t_max'], [[2, 12]], 2);
    expect(near).toEqual([
      {
        column: 't_max',
        history: [0, 10],
        forecast: [2, 12],
        beyond: 2,
        spread: Math.sqrt(11),
        far: false,
      },
    ]);
    expect(planWeatherCaveats(history, planWith([2, 12]))).toEqual([]);
    const far = forecastOutsideHistory(history, ['t_max'], [[-4, 3]], 2);
    expect(far[0].far).toBe(true); // 4 below 0, more than 3.317
    // Rows after the forecast's (the typical tail) are not the forecast's.
    expect(planWeatherCaveats(history, planWith([5, 5, 40], 2))).toEqual([]);
    expect(planWeatherCaveats(history, planWith([5, 5, 40]))).toEqual([
      {
        code: 'forecast_beyond_history',
        message:
          "the forecast's weather goes far past the range of the data's history: t_max 5 to 40 (history 0 to 10), " +
          "more than the history's spread (its standard deviation) beyond it, so the model's weather terms are extrapolated where no data were fitted and the plan's split, revenue and ROAS are not measurements; " +
          "check the forecast's column (a unit such as °F for a °C column, a value in the wrong column), or plan with a scenario",
      },
    ]);
  });
});
