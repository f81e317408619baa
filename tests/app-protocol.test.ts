/** The protocol through the app: refused at train time with the rows needed; user settings kept. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';

describe('protocol in the app', () => {
  let app: App;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-protocol-'));
    app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    app.generateTenants({ count: 1, seed: 4, days: 100, prefix: 'short' });
    app.generateTenants({ count: 1, seed: 4, days: 400, prefix: 'year' });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses data too short for any honest protocol, saying how much is needed', async () => {
    await expect(app.trainTenant({ tenant: 'short_s4_0', phase: 1 })).rejects.toThrow(
      /100 days are too few .* so at least 147 days of data/,
    );
  });

  it('refuses a run holding a tenant too short for it before the run exists, naming the tenant', () => {
    expect(() => app.startPhaseRun({ phase: 1, tenants: ['year_s4_0', 'short_s4_0'] })).toThrow(
      /^tenant 'short_s4_0': 100 days are too few .* import a longer history \(at least 147 rows\), or run the phase without it$/,
    );
    expect(app.listRuns({}).total).toBe(0);
  });

  it('blames a test size or first window the data cannot hold on the option, with its largest value', async () => {
    // Before: "400 days are too few ...; import a longer history (at least 10200 rows)" for
    // test_size 5000 on data that holds the rule's protocol.
    const refusal = await app
      .trainTenant({ tenant: 'year_s4_0', phase: 0, config: { testSize: 5000 } })
      .then(
        () => '',
        (e: Error) => e.message,
      );
    const m =
      /^test_size: 5000 is more than 400 days of data allow with folds: 5: the largest is test_size: (\d+) \(or leave it out/.exec(
        refusal,
      );
    expect(m, refusal).not.toBeNull();
    const largest = Number(m![1]);
    // The value named is held, one more is not.
    const held = await app.trainTenant({
      tenant: 'year_s4_0',
      phase: 0,
      config: { testSize: largest },
    });
    expect(held.protocol).toMatchObject({ rule: 'user', test_rows: largest });
    await expect(
      app.trainTenant({ tenant: 'year_s4_0', phase: 0, config: { testSize: largest + 1 } }),
    ).rejects.toThrow(/is more than 400 days of data allow/);
    await expect(
      app.trainTenant({ tenant: 'year_s4_0', phase: 0, config: { minTrain: 399 } }),
    ).rejects.toThrow(
      /^min_train: 399 is more than 400 days of data allow with folds: 5: the largest is min_train: \d+ \(or leave it out/,
    );
  });

  it('refuses a test size a built-in tenant cannot hold before the run exists', () => {
    // It failed the run in its worker: the run stayed in the store as failed, and the CLI printed
    // the message twice (the run's warning, then the error).
    const before = app.listRuns({}).total;
    expect(() =>
      app.startPhaseRun({ phase: 1, tenants: ['none_books'], config: { testSize: 2000 } }),
    ).toThrow(
      /^tenant 'none_books': test_size: 2000 is more than 1095 days of data allow with folds: 5: the largest is test_size: \d+/,
    );
    expect(app.listRuns({}).total).toBe(before);
  });

  it('refuses test blocks and first windows below the rule before any run, in the tool words', async () => {
    // One-row blocks scored every fold R² 0 (no variation to explain) and passed the checks; a
    // built-in tenant's run with a 10-row window failed after it was stored.
    expect(() =>
      app.startPhaseRun({ phase: 1, tenants: ['extreme_ski_gear'], config: { testSize: 1 } }),
    ).toThrow(
      /^tenant 'extreme_ski_gear': test blocks of 1 rows are too short for daily data: .*fewer than 28 days hold too little of it; give test_size: 28 or more, or leave it out for the protocol rule$/,
    );
    expect(() =>
      app.startPhaseRun({ phase: 0, tenants: ['extreme_ski_gear'], config: { minTrain: 10 } }),
    ).toThrow(
      /a first training window of 10 rows is too short for daily data: .*give min_train: 91 or more/,
    );
    await expect(
      app.trainTenant({ tenant: 'year_s4_0', phase: 0, config: { testSize: 27 } }),
    ).rejects.toThrow(/test blocks of 27 rows are too short for daily data/);
    expect(app.listRuns({}).total).toBe(0);
    // The least block is accepted.
    const least = await app.trainTenant({
      tenant: 'year_s4_0',
      phase: 0,
      config: { testSize: 28 },
    });
    expect(least.protocol).toMatchObject({ rule: 'user', test_rows: 28 });
  });

  it('stores the protocol with the result and takes the user settings', async () => {
    const auto = await app.trainTenant({ tenant: 'year_s4_0', phase: 1 });
    // 400 days: the first window aims for min(a year, half the series) = 200 rows, 40-row blocks.
    expect(auto.protocol).toMatchObject({
      rule: 'min-window',
      folds: 5,
      test_rows: 40,
      first_train_rows: 200,
    });
    const user = await app.trainTenant({
      tenant: 'year_s4_0',
      phase: 1,
      config: { testSize: 30, minTrain: 250 },
    });
    expect(user.protocol).toMatchObject({ rule: 'user', folds: 5, test_rows: 30 });
    expect(user.folds[0].train_rows).toBe(250);
    expect(() => app.startPhaseRun({ phase: 1, config: { testSize: 0 } })).toThrow(
      /testSize \(test_size\) must be an integer from 1/,
    );
  });
});
