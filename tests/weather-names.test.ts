/** Weather by any name (issue 13 item 5): recognition, CSV roles, modeling in every phase, weather states. */
import { describe, expect, it } from 'vitest';
import { parseTenantCsv, tenantToCsv } from '../src/core/csv.js';
import { generateShape, suiteShape } from '../src/core/data/index.js';
import { buildDesign, modelWeatherNames } from '../src/core/features.js';
import type { TenantSeries } from '../src/core/types.js';
import { suggestedWeatherName, weatherKindHint, weatherKindOf } from '../src/core/weather-names.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';
import { weatherStates } from '../src/phases/explain.js';
import { trainPhase } from '../src/phases/index.js';
import type { PhaseId } from '../src/phases/types.js';

const renamed = generateShape(suiteShape('shape_daily_2y_renamed_weather'));
/** The same series under the canonical weather names. */
const canonical: TenantSeries = {
  ...renamed.series,
  weatherNames: ['temperature_c', 'precipitation_mm', 'humidity_pct', 'wind_kph'],
};

describe('weather names', () => {
  it('recognises common names with their kind and unit, ignoring case, spaces and hyphens', () => {
    const cases: [string, string, string][] = [
      ['temperature_c', 'temperature', 'degC'],
      ['Temperature', 'temperature', 'degC'],
      ['temp', 'temperature', 'degC'],
      ['TEMP_F', 'temperature', 'degF'],
      ['precipitation', 'precipitation', 'mm'],
      ['Rain mm', 'precipitation', 'mm'],
      ['precip', 'precipitation', 'mm'],
      ['rain_in', 'precipitation', 'in'],
      ['humidity', 'humidity', 'pct'],
      ['relative-humidity', 'humidity', 'pct'],
      ['wind_speed', 'wind', 'kph'],
      ['wind_mph', 'wind', 'mph'],
    ];
    for (const [name, kind, unit] of cases) expect(weatherKindOf(name)).toEqual({ kind, unit });
    // Spreadsheet headings with the unit in brackets, and a recognised name with its kind's unit.
    const headed: [string, string, string][] = [
      ['Temperature (°C)', 'temperature', 'degC'],
      ['Temp (°F)', 'temperature', 'degF'],
      ['Avg temp (°F)', 'temperature', 'degF'],
      ['tmean_f', 'temperature', 'degF'],
      ['Rain (mm)', 'precipitation', 'mm'],
      ['Precipitation [in]', 'precipitation', 'in'],
      ['Humidity (%)', 'humidity', 'pct'],
      ['Wind speed (km/h)', 'wind', 'kph'],
    ];
    for (const [name, kind, unit] of headed) expect(weatherKindOf(name)).toEqual({ kind, unit });
    // A unit of another kind, or a unit on a name that is not weather, is not weather.
    for (const name of ['temperature_in', 'rain_c', 'Humidity (mm)', 'promo (mm)', 'sales (c)']) {
      expect(weatherKindOf(name)).toBeNull();
    }
    for (const name of ['promo', 'temperament', 'rainy_day_promo', 'price', 'date']) {
      expect(weatherKindOf(name)).toBeNull();
    }
    // A spreadsheet's run-together words (`TempF` was read as a control without a word: probe s74).
    const joined: [string, string, string][] = [
      ['TempF', 'temperature', 'degF'],
      ['AvgTemp', 'temperature', 'degC'],
      ['PrecipMM', 'precipitation', 'mm'],
      ['RainIn', 'precipitation', 'in'],
      ['RelativeHumidity', 'humidity', 'pct'],
    ];
    for (const [name, kind, unit] of joined) expect(weatherKindOf(name)).toEqual({ kind, unit });
    for (const name of ['TempMax', 'iPhoneSpend', 'PromoDays'])
      expect(weatherKindOf(name)).toBeNull();
    // Precipitation per day, as weekly data should give it.
    expect(weatherKindOf('Precip (mm/day)')).toEqual({ kind: 'precipitation', unit: 'mm' });
    expect(weatherKindOf('rain [in / d]')).toEqual({ kind: 'precipitation', unit: 'in' });
    expect(weatherKindOf('Precip (mm/week)')).toBeNull(); // a weekly total is not per day
  });

  it('a column named with run-together words is weather at import, in its unit', () => {
    // TempF was read as a control without a word (probe s74): the role read the name lower-cased.
    const csv =
      'date,meta_spend,TempF,RainIn,revenue\n' +
      Array.from({ length: 70 }, (_, i) => {
        const d = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
        return `${d},${100 + (i % 7)},${50 + (i % 9)},${(i % 4) / 10},${1000 + i}`;
      }).join('\n');
    const { series } = parseTenantCsv(csv, { tenant: 'x', words: CLI_OPTION_WORDS });
    expect(series.weatherNames).toEqual(['TempF', 'RainIn']);
    expect(series.controlNames).toEqual([]);
    expect(modelWeatherNames(series)).toContain('TempF');
  });

  it('a control whose name suggests weather is named at import, with what to do', () => {
    expect(weatherKindHint('Precip (mm/week)')).toBe('precipitation');
    expect(weatherKindHint('TempMax')).toBe('temperature');
    // The name to rename to is in the unit the column's name says (a °F column renamed
    // temperature_c would be refused, or read 32 degrees too warm).
    expect(suggestedWeatherName('TempMax', 'temperature')).toBe('temperature_c');
    expect(suggestedWeatherName('high_temp_f', 'temperature')).toBe('temperature_f');
    expect(suggestedWeatherName('avg_temp_fahrenheit', 'temperature')).toBe('temperature_f');
    expect(suggestedWeatherName('MaxTempF', 'temperature')).toBe('temperature_f');
    expect(suggestedWeatherName('rain_total_in', 'precipitation')).toBe('precipitation_in');
    expect(suggestedWeatherName('Precip (mm/week)', 'precipitation')).toBe('precipitation_mm');
    for (const name of ['temperament', 'rainy_day_promo', 'promo', 'Temperature (°C)']) {
      expect(weatherKindHint(name), name).toBeNull();
    }
    const csv =
      'date,meta_spend,Precip (mm/week),revenue\n' +
      Array.from({ length: 70 }, (_, i) => {
        const d = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
        return `${d},${100 + (i % 7)},${i % 5},${1000 + i}`;
      }).join('\n');
    const { series, warnings } = parseTenantCsv(csv, { tenant: 'x', words: CLI_OPTION_WORDS });
    expect(series.controlNames).toEqual(['Precip (mm/week)']);
    expect(warnings.join('\n')).toContain(
      'column "Precip (mm/week)" looks like precipitation but its name is not one docs/csv-format.md lists, so it is read as a control',
    );
    expect(warnings.join('\n')).toContain('--weather "Precip (mm/week)"');
  });

  it('infers weather roles from recognised names instead of making them controls, and says so', () => {
    const csv = tenantToCsv(renamed.series)
      .replace('temp,', 'Temperature,')
      .replace('rain_mm,', 'precipitation,');
    const { series, warnings } = parseTenantCsv(csv, { tenant: 'x' });
    expect(series.weatherNames).toEqual(['Temperature', 'precipitation', 'humidity', 'wind']);
    expect(series.controlNames).toEqual([]);
    expect(warnings).toContain(
      'column "Temperature" is read as weather (temperature, °C); name it in roles.control_columns if it is not',
    );
    // Each face's own words: the CLI's flag, not the MCP argument.
    expect(parseTenantCsv(csv, { tenant: 'x', words: CLI_OPTION_WORDS }).warnings).toContain(
      'column "Temperature" is read as weather (temperature, °C); name it in --controls if it is not',
    );
    // No "missing weather" warning: every default kind is present under another name.
    expect(warnings.some((w) => w.includes('the model has no'))).toBe(false);
    // The canonical layout reads without any weather warning, as before.
    expect(parseTenantCsv(tenantToCsv(canonical), { tenant: 'y' }).warnings).toEqual([]);
  });

  it('models every weather column except wind, whatever its name, including ones the user marks', () => {
    expect(modelWeatherNames(renamed.series)).toEqual(['temp', 'rain_mm', 'humidity']);
    expect(modelWeatherNames(canonical)).toEqual([
      'temperature_c',
      'precipitation_mm',
      'humidity_pct',
    ]);
    const design = buildDesign(renamed.series, { interactions: true });
    expect(design.names).toContain('meta_spend_x_temp');
    expect(design.names).toContain('google_spend_x_rain_mm');
    expect(design.names).toContain('temp_squared');
    // A user-marked column of unknown name is weather (modeled, with interactions), not a control.
    const csv = tenantToCsv(renamed.series).replace(',temp,', ',outside,');
    const { series } = parseTenantCsv(csv, {
      tenant: 'z',
      roles: { weatherColumns: ['outside', 'rain_mm', 'humidity', 'wind'] },
    });
    expect(series.controlNames).toEqual([]);
    expect(modelWeatherNames(series)).toEqual(['outside', 'rain_mm', 'humidity']);
    expect(buildDesign(series, { interactions: true }).names).toContain('meta_spend_x_outside');
  });

  it('gives renamed weather exactly the fold R² of the canonical names in every phase', () => {
    for (const phase of [0, 1, 2, 3] as PhaseId[]) {
      const a = trainPhase(renamed.series, phase, {}, renamed);
      const b = trainPhase(canonical, phase, {}, renamed);
      expect(a.fold_r2).toEqual(b.fold_r2);
      expect(a.feature_names.length).toBe(b.feature_names.length);
    }
  });

  it('builds weather states from the temperature-like and precipitation-like columns', () => {
    const a = weatherStates(renamed.series);
    const b = weatherStates(canonical);
    expect(a.map((s) => s.state)).toEqual([
      'temp:cold',
      'temp:mild',
      'temp:hot',
      'rain_mm:rain',
      'rain_mm:dry',
    ]);
    a.forEach((s, i) => expect(Array.from(s.mask)).toEqual(Array.from(b[i].mask)));
    expect(a[3].definition).toBe('rain_mm > 1');
    // Inches: the rain threshold is 0.04 in; an unrecognised weather column gets low / mid / high terciles.
    const inches: TenantSeries = {
      ...renamed.series,
      weatherNames: ['outside', 'rain_in', 'humidity', 'wind'],
      weather: [
        renamed.series.weather[0],
        renamed.series.weather[1].map((mm) => mm / 25.4),
        ...renamed.series.weather.slice(2),
      ],
    };
    const c = weatherStates(inches);
    expect(c.map((s) => s.state)).toEqual([
      'rain_in:rain',
      'rain_in:dry',
      'outside:low',
      'outside:mid',
      'outside:high',
    ]);
    expect(c[0].definition).toBe('rain_in > 0.04');
    const rainyDays = (m: Uint8Array): number => m.reduce((s, v) => s + v, 0);
    // 0.04 in is 1.016 mm: the same days up to amounts between 1 and 1.016 mm (0.1 mm resolution: none).
    expect(rainyDays(c[0].mask)).toBe(rainyDays(a[3].mask));
  });

  it('splits an unrecognised column at a value that holds more than a third of its rows', () => {
    // 12 rows: 0 on 7 of them. Terciles cut inside the tie (q1 = q2 = 0 ... or a 1-row mid state:
    // the probe's wetness gave 711 / 19 / 365 days); split at the tie instead.
    const base: TenantSeries = { ...renamed.series, weatherNames: ['wetness'] };
    const n = 12;
    const cut = (values: number[]) => {
      const states = weatherStates({
        ...base,
        dates: base.dates.slice(0, n),
        spend: base.spend.map((x) => x.slice(0, n)),
        controls: [],
        controlNames: [],
        target: base.target.slice(0, n),
        weather: [Float64Array.from(values)],
      });
      return states.map((s) => [s.state, s.definition, s.mask.reduce((a, b) => a + b, 0)]);
    };
    expect(cut([0, 0, 0, 0, 0, 0, 0, 0.1, 0.3, 2, 5, 9])).toEqual([
      ['wetness:low', 'wetness <= 0', 7],
      ['wetness:high', 'wetness > 0', 5],
    ]);
    // The tie at the top: high holds it.
    expect(cut([1, 2, 3, 4, 5, 9, 9, 9, 9, 9, 9, 9])).toEqual([
      ['wetness:low', 'wetness < 9', 5],
      ['wetness:high', 'wetness >= 9', 7],
    ]);
    // In the middle: below, at and above it.
    expect(cut([1, 2, 3, 5, 5, 5, 5, 5, 7, 8, 9, 9])).toEqual([
      ['wetness:low', 'wetness < 5', 3],
      ['wetness:mid', 'wetness = 5', 5],
      ['wetness:high', 'wetness > 5', 4],
    ]);
    // Exactly a third (4 of 12) is not more: terciles, as before.
    expect(cut([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]).map((s) => s[0])).toEqual([
      'wetness:low',
      'wetness:mid',
      'wetness:high',
    ]);
  });
});
