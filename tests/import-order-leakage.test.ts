/**
 * The stored channel order depends on the rows every fold trains on only (probe s53, finding 1).
 * Imports ordered channels by spend over ALL rows, so spend in the last fold's test block could
 * reorder them; the phase-3 search visits channels in order and the GBM samples columns by
 * index, so earlier folds' models changed though their rows had not (a generated daily year:
 * fold 3's R² -0.58 -> -0.08 from one cell of the last row). The order now comes from the least
 * first training window of the frequency (channelOrderRows: 91 days, 26 weeks).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { channelOrderRows, withChannelsBySpend } from '../src/core/csv.js';
import { chooseProtocol, LEAST_ROWS_TO_TRAIN } from '../src/core/folds.js';
import type { TenantSeries } from '../src/core/types.js';

/** A series of `rows` dates whose channel `name` spends spend(t) on row t. */
function seriesOf(
  frequency: 'daily' | 'weekly',
  rows: number,
  channels: Record<string, (t: number) => number>,
): TenantSeries {
  const names = Object.keys(channels);
  return {
    tenant: 'hand',
    frequency,
    dates: Array.from({ length: rows }, (_, t) => `d${t}`),
    channels: names,
    spend: names.map((c) => Float64Array.from({ length: rows }, (_, t) => channels[c](t))),
    weatherNames: [],
    weather: [],
    controlNames: [],
    controls: [],
    targetName: 'revenue',
    target: new Float64Array(rows),
  };
}

describe('channel order by the rows every fold trains on', () => {
  it('orders daily channels by their spend over the first 91 rows, not over all rows', () => {
    // Rows 0-90 (91 rows) and 91-119:
    //   big_late: 0.5 then 100 -> first 45.5, all 45.5 + 29 x 100 = 2945.5
    //   steady:   1 then 0     -> first 91,   all 91
    //   late:     0 then 5     -> first 0,    all 145
    // All rows: big_late, late, steady. First 91 rows: steady, big_late, late.
    const s = seriesOf('daily', 120, {
      big_late: (t) => (t < 91 ? 0.5 : 100),
      late: (t) => (t < 91 ? 0 : 5),
      steady: (t) => (t < 91 ? 1 : 0),
    });
    expect(channelOrderRows(s)).toBe(91);
    const ordered = withChannelsBySpend(s);
    expect(ordered.channels).toEqual(['steady', 'big_late', 'late']);
    ordered.channels.forEach((c, i) =>
      expect(ordered.spend[i]).toBe(s.spend[s.channels.indexOf(c)]),
    );
    // Spend after row 91 changes nothing, however large.
    const later = seriesOf('daily', 120, {
      big_late: (t) => (t < 91 ? 0.5 : 100),
      late: (t) => (t < 91 ? 0 : 1e9),
      steady: (t) => (t < 91 ? 1 : 0),
    });
    expect(withChannelsBySpend(later).channels).toEqual(['steady', 'big_late', 'late']);
    // Row 90 is the last one counted: 46 more on it for big_late passes steady (45.5 + 46 > 91).
    const lastCounted = seriesOf('daily', 120, {
      big_late: (t) => (t < 91 ? 0.5 + (t === 90 ? 46 : 0) : 100),
      late: (t) => (t < 91 ? 0 : 5),
      steady: (t) => (t < 91 ? 1 : 0),
    });
    expect(withChannelsBySpend(lastCounted).channels).toEqual(['big_late', 'steady', 'late']);
  });

  it('orders weekly channels by their first 26 rows', () => {
    // first 26: a 26 x 2 = 52, b 26 x 3 = 78; all 40 rows: a 52 + 14 x 10 = 192, b 78.
    const s = seriesOf('weekly', 40, { a: (t) => (t < 26 ? 2 : 10), b: (t) => (t < 26 ? 3 : 0) });
    expect(channelOrderRows(s)).toBe(26);
    expect(withChannelsBySpend(s).channels).toEqual(['b', 'a']);
  });

  it('breaks ties, e.g. no spend in those rows, by name in code units', () => {
    // beta and Gamma spend nothing in the first 91 rows (Gamma more afterwards): a tie, and
    // "Gamma" < "beta" in code units (G = 71, b = 98), though a locale puts beta first.
    const s = seriesOf('daily', 120, {
      beta: (t) => (t < 91 ? 0 : 1),
      Gamma: (t) => (t < 91 ? 0 : 50),
      alpha: () => 1,
    });
    expect(withChannelsBySpend(s).channels).toEqual(['alpha', 'Gamma', 'beta']);
  });

  it('orders data shorter than the first window by all its rows', () => {
    // 60 daily rows: a 60 x 1 = 60, b 30 x 0 + 30 x 3 = 90.
    const s = seriesOf('daily', 60, { a: () => 1, b: (t) => (t < 30 ? 0 : 3) });
    expect(channelOrderRows(s)).toBe(60);
    expect(withChannelsBySpend(s).channels).toEqual(['b', 'a']);
  });

  it('counts only rows that every fold of every protocol trains on', () => {
    // The premise of the rule: whatever the protocol, the first fold trains on at least
    // channelOrderRows rows, so they are never a fold's test rows.
    for (const frequency of ['daily', 'weekly'] as const) {
      const m = channelOrderRows(seriesOf(frequency, 10_000, {}));
      const least = LEAST_ROWS_TO_TRAIN[frequency];
      expect(() => chooseProtocol(least, frequency, { minTrain: m - 1 })).toThrow(/minTrain/);
      const options = [
        {},
        { planProtocol: true },
        { folds: 2 },
        { folds: 10 },
        { gap: 7 },
        { minTrain: m },
        { testSize: frequency === 'daily' ? 28 : 8 },
      ];
      for (let n = least; n <= least + 4 * 365; n += frequency === 'daily' ? 3 : 1) {
        for (const o of options) {
          let folds;
          try {
            folds = chooseProtocol(n, frequency, o).folds;
          } catch {
            continue; // too short for these options: nothing is trained
          }
          expect(folds[0].trainEnd).toBeGreaterThanOrEqual(m);
        }
      }
    }
  });
});

let dir: string;
let app: App;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wv-order-leak-'));
  app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Fields of a fold record computed on its test rows: the only ones its test rows may move. */
const TEST_ROW_FIELDS = ['r2', 'rmse', 'mae', 'mape', 'nrmse'];

describe('leakage through the import', () => {
  it("spend in the last fold's test rows changes no earlier fold and not the last fold's model", async () => {
    // The probe's tenant: a generated daily year, 3 channels, events, no weather.
    const [id] = app.generateTenants({
      count: 1,
      seed: 5302,
      prefix: 'leak',
      shape: { frequency: 'daily', years: 1, channels: 3, events: true, weather: 'none' },
    }).tenants;
    const csv = app.exportTenant(id).csv;
    const lines = csv.trimEnd().split('\n');
    const header = lines[0].split(',');
    const spendCols = header.map((h, i) => [h, i] as const).filter(([h]) => h.endsWith('_spend'));
    expect(spendCols).toHaveLength(3);
    const cells = lines.slice(1).map((l) => l.split(','));
    const allRows = (i: number) => cells.reduce((a, c) => a + Number(c[i]), 0);
    const byAllRows = (totals: Map<string, number>) =>
      [...totals].sort((a, b) => b[1] - a[1]).map(([h]) => h);
    // The channel of least spend over all rows gets, on the last row only, what lifts it past
    // the one above it: the all-row order (the import's order until session 53) flips.
    const totals = new Map(spendCols.map(([h, i]) => [h, allRows(i)]));
    const before = byAllRows(totals);
    const [above, least] = before.slice(-2);
    const extra = Math.ceil((totals.get(above) as number) - (totals.get(least) as number)) + 1000;
    const leastCol = header.indexOf(least);
    const last = cells[cells.length - 1];
    last[leastCol] = String(Number(last[leastCol]) + extra);
    totals.set(least, (totals.get(least) as number) + extra);
    expect(byAllRows(totals)).not.toEqual(before);
    const perturbed = [lines[0], ...cells.map((c) => c.join(','))].join('\n') + '\n';

    const roles = { controlColumns: ['holiday', 'promo'] };
    const a = app.importTenantData({ tenant: 'leak_base', csv, roles });
    const b = app.importTenantData({ tenant: 'leak_last_row', csv: perturbed, roles });
    const [ra, rb] = await Promise.all([
      app.trainTenant({ tenant: 'leak_base', phase: 3 }),
      app.trainTenant({ tenant: 'leak_last_row', phase: 3 }),
    ]);
    expect(ra.folds).toHaveLength(5);
    const lastRow = lines[lines.length - 1].split(',')[0];
    expect(ra.folds[4].test_end).toBe(lastRow);
    // Folds 0-3: their training and test rows are the same, so is every field.
    expect(rb.folds.slice(0, 4)).toEqual(ra.folds.slice(0, 4));
    // Fold 4: trained on the same rows, so the same model; only its test-row figures move.
    const modelOf = (f: (typeof ra.folds)[number]) =>
      Object.fromEntries(Object.entries(f).filter(([k]) => !TEST_ROW_FIELDS.includes(k)));
    expect(modelOf(rb.folds[4])).toEqual(modelOf(ra.folds[4]));
    expect(rb.folds[4].r2).not.toBe(ra.folds[4].r2);
    // The mechanism: the stored order did not flip.
    expect(b.channels).toEqual(a.channels);
  }, 120_000);
});
