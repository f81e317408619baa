/** Shape tenants through the app (what `wv-mmm generate --frequency ... / --suite` calls). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { generateShape, oracleFoldR2, shapeSpecOf, SHAPE_SUITE } from '../src/core/data/index.js';
import { chooseProtocol } from '../src/core/folds.js';

describe('shape tenants in the app', () => {
  let app: App;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-shapes-'));
    app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates shape tenants from options and serves the same data and truth as the core', async () => {
    const shape = { frequency: 'weekly', years: 2, channels: 3, weather: 'none' } as const;
    const { tenants } = app.generateTenants({ count: 2, seed: 11, prefix: 'wk', shape });
    expect(tenants).toEqual(['wk_s11_0', 'wk_s11_1']);
    const want = generateShape(shapeSpecOf('wk_s11_0', 11, shape), { seed: 11 });
    const d = app.describeTenant('wk_s11_0');
    expect(d.info.frequency).toBe('weekly');
    expect(d.summary.rows).toBe(104);
    expect(d.summary.channels).toEqual(['meta', 'google', 'tiktok']);
    expect(d.summary.weather).toEqual([]);
    expect(d.truth?.oracleMeanR2).toBe(want.truth.oracleMeanR2);
    expect(d.truth?.shape?.label).toBe('weekly 2y, 3 ch, no weather');
    expect(d.truth?.shape).not.toHaveProperty('baseline');
    const { csv, truth } = app.exportTenant('wk_s11_0', { truth: true });
    expect(csv.split('\n')[1].startsWith(`${want.series.dates[0]},`)).toBe(true);
    expect(JSON.parse(truth!).shape.baseline).toHaveLength(104);
    // Trained through the worker pool: the oracle is the truth's on the same folds. The truth's
    // figure is on TimeSeriesSplit(5); two years of weeks train on at least a year instead
    // (core/folds.ts chooseProtocol), and the result reports the oracle on those folds.
    const r = await app.trainTenant({ tenant: 'wk_s11_0', phase: 0 });
    const { folds } = chooseProtocol(104, 'weekly');
    expect(r.protocol).toMatchObject({ rule: 'year-window', first_train_rows: folds[0].trainEnd });
    const oracle = oracleFoldR2(want, folds);
    expect(r.oracle_r2).toBeCloseTo(oracle.reduce((a, b) => a + b, 0) / oracle.length, 12);
  });

  it('registers the suite and refuses bad shape options with the field named', () => {
    expect(app.generateShapeSuite().tenants).toEqual(SHAPE_SUITE.map((s) => s.id));
    expect(app.describeTenant('shape_daily_3y_12ch').summary.channels).toHaveLength(12);
    expect(() => app.generateTenants({ count: 1, seed: 1, shape: { channels: 16 } })).toThrow(
      /channels must be an integer from 1 to 15/,
    );
    expect(() =>
      app.generateTenants({ count: 1, seed: 1, days: 400, shape: { years: 2 } }),
    ).toThrow(/days cannot be combined/);
    // No shape option at all: the classic generated tenants, unchanged.
    expect(app.generateTenants({ count: 1, seed: 1, shape: {} }).tenants).toEqual(['gen_s1_0']);
    expect(app.describeTenant('gen_s1_0').truth?.shape).toBeUndefined();
  });
});
