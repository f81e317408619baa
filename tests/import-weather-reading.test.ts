/**
 * The import says how it read each weather column (probe s71: `avg_temp_f` and `rain_in` were read
 * as °F and inches with nothing saying so, and the user could not check the reading).
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { weatherReading } from '../src/core/weather-names.js';
import { tempStateDir, wv } from './cli-helpers.js';

describe('weatherReading', () => {
  it('kind and unit from the name, and what the model makes of it', () => {
    expect(weatherReading('avg_temp_f')).toBe('avg_temp_f: temperature in °F (modeled in °C)');
    expect(weatherReading('temperature_c')).toBe('temperature_c: temperature in °C');
    expect(weatherReading('rain_in')).toBe(
      'rain_in: precipitation in inches a day (rainy above 0.04 in)',
    );
    expect(weatherReading('precipitation_mm')).toBe(
      'precipitation_mm: precipitation in mm a day (rainy above 1 mm)',
    );
    expect(weatherReading('wind_kph')).toBe('wind_kph: wind in km/h (carried, not modeled)');
    expect(weatherReading('uv_index')).toBe(
      'uv_index: weather of no recognised kind, modeled as given (linear, and its terciles as states)',
    );
  });

  it('wv-mmm import prints it, and --json carries weather_read_as', () => {
    const state = tempStateDir();
    try {
      const rows = ['date,meta_spend,avg_temp_f,rain_in,revenue'];
      for (let i = 0; i < 120; i++) {
        const date = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
        rows.push(`${date},${100 + (i % 7) * 10},${40 + (i % 30)},${(i % 5) * 0.1},${1000 + i}`);
      }
      const file = `${state.dir}/shop.csv`;
      writeFileSync(file, rows.join('\n') + '\n');
      const text = wv(state.dir, ['import', '--tenant', 'shop', '--file', file]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain(
        'weather read as: avg_temp_f: temperature in °F (modeled in °C); rain_in: precipitation in inches a day (rainy above 0.04 in)',
      );
      const json = wv(state.dir, ['import', '--tenant', 'shop2', '--file', file, '--json']);
      expect(JSON.parse(json.stdout).weather_read_as).toEqual([
        'avg_temp_f: temperature in °F (modeled in °C)',
        'rain_in: precipitation in inches a day (rainy above 0.04 in)',
      ]);
    } finally {
      state.remove();
    }
  }, 60_000);
});
