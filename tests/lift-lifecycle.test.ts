/**
 * Lift tests through the app's lifecycle (probe s53, findings 3 and 9): generating other data
 * under a tenant's id deletes the lift tests measured on the old data and says so, the same data
 * again keeps them; a test with the window of a stored one is stored with a warning that it reads
 * as a correction; deleting from a tenant without tests says it has none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/app/types.js';
import { generateShape, shapeSpecOf, type ShapeOptions } from '../src/core/data/index.js';
import type { TenantInfo } from '../src/core/types.js';
import { openStore } from '../src/store/index.js';
import { useTempApp } from './app-helpers.js';

const temp = useTempApp('lift-lifecycle');
const HEADER = 'channel,start_date,end_date,spend_change,incremental_revenue,standard_error';

/**
 * A plausible go-dark test of the shape tenant's first channel (half its spend in 2023-03-01..
 * 2023-04-25 cut, ROAS 3, SE 10%), from the same generator the app stores.
 */
function halfCutTest(id: string, seed: number, shape: ShapeOptions): string {
  const { series } = generateShape(shapeSpecOf(id, seed, shape), { seed });
  let spend = 0;
  series.dates.forEach((d, i) => {
    if (d >= '2023-03-01' && d <= '2023-04-25') spend += series.spend[0][i];
  });
  const cut = -Math.round(spend / 2);
  return `${series.channels[0]},2023-03-01,2023-04-25,${cut},${3 * cut},${Math.round(-0.3 * cut)}`;
}

function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an AppError');
}

describe('generate over a tenant with lift tests', () => {
  it('keeps them for the same seed, prefix and options, deletes them with other data and says which', () => {
    const app = temp.app();
    const shape = { years: 2, channels: 4 } as const;
    const [id] = app.generateTenants({ count: 1, seed: 12008, prefix: 'lr', shape }).tenants;
    expect(id).toBe('lr_s12008_0');
    const row = halfCutTest(id, 12008, shape);
    const [first, second] = app.addLiftTests({
      tenant: id,
      csv: `${HEADER}\n${row}\n${row.replace('2023-03-01', '2023-03-02')}\n`,
    }).added;

    const same = app.generateTenants({ count: 1, seed: 12008, prefix: 'lr', shape });
    expect(same).toEqual({ tenants: [id], replaced: [], lift_tests_deleted: [] });
    expect(app.listLiftTests(id).map((t) => t.id)).toEqual([first.id, second.id]);

    // The probe's case: --correlation 0.6 draws other spend and revenue under the same id.
    const other = app.generateTenants({
      count: 1,
      seed: 12008,
      prefix: 'lr',
      shape: { ...shape, correlation: 0.6 },
    });
    expect(other).toEqual({
      tenants: [id],
      replaced: [id],
      lift_tests_deleted: [{ tenant: id, ids: [first.id, second.id] }],
    });
    expect(app.listLiftTests(id)).toEqual([]);
    // Replaced again without tests: replaced, nothing deleted.
    expect(app.generateTenants({ count: 1, seed: 12008, prefix: 'lr', shape })).toEqual({
      tenants: [id],
      replaced: [id],
      lift_tests_deleted: [],
    });
  });

  it('treats another length of a plain generated tenant as other data, tenant by tenant', () => {
    const app = temp.app();
    const ids = app.generateTenants({ count: 2, seed: 31, prefix: 'len', days: 730 }).tenants;
    const stored = app.addLiftTests({
      tenant: ids[1],
      tests: [
        {
          channel: app.describeTenant(ids[1]).info.channels[0],
          start: '2023-03-01',
          end: '2023-03-28',
          spend_change: 1000,
          incremental_revenue: 3000,
          standard_error: 800,
        },
      ],
    }).added;
    expect(app.generateTenants({ count: 2, seed: 31, prefix: 'len', days: 730 }).replaced).toEqual(
      [],
    );
    expect(app.generateTenants({ count: 2, seed: 31, prefix: 'len', days: 800 })).toEqual({
      tenants: ids,
      replaced: ids,
      lift_tests_deleted: [{ tenant: ids[1], ids: stored.map((t) => t.id) }],
    });
    expect(app.listLiftTests(ids[1])).toEqual([]);
  });
});

describe('the store write of generated datasets', () => {
  it('writes all or nothing: a failing dataset leaves the earlier ones and their lift tests as they were', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wv-lift-lifecycle-store-'));
    const store = openStore(dir);
    try {
      const info = (tenant: string, generator: unknown) =>
        ({
          tenant,
          source: 'generated',
          rows: 1,
          frequency: 'daily',
          start: '2024-01-01',
          end: '2024-01-01',
          channels: ['meta'],
          generator,
        }) as unknown as TenantInfo;
      const input = (tenant: string, generator: unknown) => ({
        info: info(tenant, generator),
        csv: JSON.stringify(generator),
        storeCsv: false,
      });
      const differs = (stored: { info: unknown }, generator: unknown) =>
        JSON.stringify((stored.info as { generator: unknown }).generator) !==
        JSON.stringify(generator);
      store.replaceDatasets([input('a', 1)], () => true);
      const [test] = store.addLiftTests(
        'a',
        [
          {
            channel: 'meta',
            start: '2024-01-01',
            end: '2024-01-01',
            spend_change: -1,
            incremental_revenue: -2,
            standard_error: 1,
          },
        ],
        'x.csv',
      );
      // 'a' with other data, then 'b' whose CSV text is missing: the write fails as a whole.
      expect(() =>
        store.replaceDatasets(
          [input('a', 2), { ...input('b', 2), csv: '' }],
          (s) => !differs(s, 2),
        ),
      ).toThrow(/csv text is required/);
      expect(store.getDataset('b')).toBeNull();
      expect((store.getDataset('a')!.info as unknown as { generator: unknown }).generator).toBe(1);
      expect(store.listLiftTests('a').map((t) => t.id)).toEqual([test.id]);
      // The same write without the failing dataset: done, and the test goes with the old data.
      expect(store.replaceDatasets([input('a', 2)], (s) => !differs(s, 2))).toEqual({
        otherData: ['a'],
        liftTestsDeleted: [{ tenant: 'a', ids: [test.id] }],
      });
      expect(store.listLiftTests('a')).toEqual([]);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('adding and deleting lift tests', () => {
  it('stores a test with a stored test’s channel and window, warning that it reads as a correction', () => {
    const app = temp.app();
    const shape = { years: 2, channels: 3 } as const;
    const [id] = app.generateTenants({ count: 1, seed: 12010, prefix: 'corr', shape }).tenants;
    const row = halfCutTest(id, 12010, shape);
    const first = app.addLiftTests({ tenant: id, csv: `${HEADER}\n${row}\n`, source: 'a.csv' });
    expect(first.warnings).toEqual([]);
    const cells = row.split(',');
    const corrected = [...cells.slice(0, 4), String(Number(cells[4]) * 0.9), cells[5]].join(',');
    const res = app.addLiftTests({
      tenant: id,
      csv: `${HEADER}\n${corrected}\n`,
      source: 'b.csv',
    });
    const [old, now] = [first.added[0].id, res.added[0].id];
    expect(res.total).toBe(2);
    expect(res.warnings).toEqual([
      `test 1 of b.csv: ${cells[0]} 2023-03-01..2023-04-25 (stored as #${now}) has the channel and window of lift test #${old} with other figures; both are kept, and calibration counts them as independent experiments; if it corrects that test, delete the old one: delete_lift_tests with tenant "${id}" and ids [${old}]`,
    ]);
    // A third time: it names both stored before it.
    const test = (window: [string, string], revenueFactor: number) => ({
      channel: cells[0],
      start: window[0],
      end: window[1],
      spend_change: Number(cells[3]) / 4,
      incremental_revenue: (Number(cells[4]) / 4) * revenueFactor,
      standard_error: Number(cells[5]) / 4,
    });
    const third = app.addLiftTests({
      tenant: id,
      tests: [test(['2023-03-01', '2023-04-25'], 0.8)],
    });
    expect(third.warnings).toHaveLength(1);
    expect(third.warnings[0]).toMatch(
      new RegExp(
        `^tests\\[0\\]: .* has the channel and window of lift tests #${old}, #${now} with other figures; all are kept, .* delete the old ones: delete_lift_tests with tenant "${id}" and ids \\[${old},${now}\\]$`,
      ),
    );
    // Two in one batch: the second names the first.
    const batch = app.addLiftTests({
      tenant: id,
      tests: [test(['2023-03-01', '2023-04-20'], 1), test(['2023-03-01', '2023-04-20'], 0.9)],
    });
    expect(batch.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^tests\\[1\\]: .* \\(stored as #${batch.added[1].id}\\) has the channel and window of lift test #${batch.added[0].id} with`,
        ),
      ),
    ]);
    // Another window of the same channel is another experiment: no warning.
    const other = row.replace('2023-03-01', '2023-03-08');
    expect(app.addLiftTests({ tenant: id, csv: `${HEADER}\n${other}\n` }).warnings).toEqual([]);
  });

  it('warns when a go-dark overlaps another go-dark of the channel (part cuts may add up)', () => {
    const app = temp.app();
    const shape = { years: 2, channels: 3 } as const;
    const [id] = app.generateTenants({ count: 1, seed: 12011, prefix: 'ovl', shape }).tenants;
    const { series } = generateShape(shapeSpecOf(id, 12011, shape), { seed: 12011 });
    const spendIn = (from: string, to: string) =>
      series.dates.reduce((a, d, i) => (d >= from && d <= to ? a + series.spend[0][i] : a), 0);
    const dark = (from: string, to: string) => {
      const cut = -spendIn(from, to);
      return `${series.channels[0]},${from},${to},${cut},${2 * cut},${-0.3 * cut}`;
    };
    const first = app.addLiftTests({
      tenant: id,
      csv: `${HEADER}\n${dark('2023-03-01', '2023-04-25')}\n`,
    });
    expect(first.warnings).toEqual([]);
    const second = app.addLiftTests({
      tenant: id,
      csv: `${HEADER}\n${dark('2023-04-01', '2023-05-15')}\n`,
      source: 'c.csv',
    });
    expect(second.warnings).toEqual([
      `test 1 of c.csv: ${series.channels[0]} 2023-04-01..2023-05-15 (stored as #${second.added[0].id}) is a go-dark in days that the go-dark #${first.added[0].id} (2023-03-01..2023-04-25) also covers: two go-darks cannot both remove that spend, and calibration counts them as independent experiments; if they are one experiment, keep one test for it`,
    ]);
    // A half cut overlapping them: no warning (part cuts may add up).
    const half = dark('2023-04-10', '2023-04-20').split(',');
    half[3] = String(Number(half[3]) / 2);
    expect(
      app.addLiftTests({ tenant: id, csv: `${HEADER}\n${half.join(',')}\n` }).warnings,
    ).toEqual([]);
  });

  it('says a tenant without lift tests has none when asked to delete one', () => {
    const app = temp.app();
    const e = appError(() => app.deleteLiftTests('none_books', [999]));
    expect(e.code).toBe('not_found');
    expect(e.message).toBe(
      'none_books has no lift tests (asked to delete #999); nothing was deleted',
    );
  });
});
