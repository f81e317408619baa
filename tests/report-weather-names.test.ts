/**
 * The report's ROAS-by-weather reading under any weather column name: explain labels a
 * temperature column's states cold / mild / hot and a precipitation column's rain / dry whatever
 * the column is called, and the reading compares them. It knew only temperature_c and
 * precipitation_mm before: the same data imported as temp / rain_mm read "Weather states are too
 * few or ROAS is not positive in them: no comparison to read."
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/index.js';
import type { App } from '../src/app/types.js';
import { weatherRoasChart } from '../src/report/channel-charts.js';
import { handMadeReportData } from './report-helpers.js';

let dir: string;
let app: App;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wv-report-weather-'));
  app = createApp({ stateDir: dir, workers: 1, log: () => undefined, explainReplicates: 0 });
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The built-in tenant's data with its temperature and precipitation columns renamed. */
function renamed(tenant: string, temperature: string, precipitation: string): string {
  const { csv } = app.exportTenant(tenant);
  const nl = csv.indexOf('\n');
  const header = csv
    .slice(0, nl)
    .split(',')
    .map((h) =>
      h === 'temperature_c' ? temperature : h === 'precipitation_mm' ? precipitation : h,
    )
    .map((h) => (/[,"]/.test(h) ? `"${h}"` : h))
    .join(',');
  return header + csv.slice(nl);
}

async function reading(tenant: string): Promise<string> {
  const r = await app.writeReport({ tenant, phase: 1 });
  return r.charts.find((c) => c.id === 'roas-weather')!.reading;
}

describe('ROAS-by-weather reading under other weather names', () => {
  it.each([
    ['extreme_heating', 'temp', 'rain_mm'],
    ['high_umbrella_rain', 'Temp (°C)', 'Rain [mm]'],
  ])('%s imported with %s / %s reads as with the canonical names', async (src, t, p) => {
    app.importTenantData({
      tenant: `${src}_canon`,
      csv: renamed(src, 'temperature_c', 'precipitation_mm'),
    });
    app.importTenantData({ tenant: `${src}_renamed`, csv: renamed(src, t, p) });
    const canonical = await reading(`${src}_canon`);
    expect(canonical).toMatch(/^(Hot|Cold|Rainy|Dry) days return \d/);
    expect(await reading(`${src}_renamed`)).toBe(canonical);
  });
});

describe('ROAS-by-weather chart with weather columns of unrecognised names', () => {
  // Three marked columns of no listed name each give low / mid / high: the chart's x positions
  // were the labels without the column name, so 9 states' bars were drawn on 3 positions.
  it('keeps one x position per state, named by column where labels repeat', () => {
    const d = handMadeReportData();
    const template = d.explanation.weather_states[0];
    d.explanation.weather_states = ['t_max', 'wetness', 'sky'].flatMap((w) =>
      ['low', 'mid', 'high'].map((l) => ({
        ...template,
        state: `${w}:${l}`,
        variable: w,
        definition: `${l} ${w}`,
      })),
    );
    const chart = weatherRoasChart(d)!;
    const states = [...new Set(chart.rows.map((row) => row.state as string))];
    expect(states).toEqual(d.explanation.weather_states.map((s) => s.state));
    expect(chart.notes?.[0]).toBe('t_max:low: low t_max (6 days)');
  });

  it('keeps the short label where no other column shares it', () => {
    const d = handMadeReportData();
    const chart = weatherRoasChart(d)!;
    expect([...new Set(chart.rows.map((row) => row.state))]).toEqual(['hot', 'cold']);
  });
});
