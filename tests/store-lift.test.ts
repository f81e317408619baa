import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiftTest } from '../src/core/lift.js';
import type { TenantInfo } from '../src/core/types.js';
import { MIGRATIONS } from '../src/store/schema.js';
import {
  SCHEMA_VERSION,
  STORE_FILE,
  StoreError,
  openStore,
  type Store,
} from '../src/store/index.js';

let dir: string;
let store: Store | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wv-lift-'));
});
afterEach(() => {
  store?.close();
  store = null;
  rmSync(dir, { recursive: true, force: true });
});

const t = (over: Partial<LiftTest> = {}): LiftTest => ({
  channel: 'meta',
  start: '2024-03-04',
  end: '2024-03-31',
  spend_change: -42000,
  incremental_revenue: -96000,
  standard_error: 15000,
  ...over,
});

/** A one-row dataset of a tenant, so that it exists in the store. */
const CSV = 'date,revenue,meta_spend\n2024-03-04,1,1\n';
const datasetInfo = (tenant: string, source: 'imported' | 'builtin'): TenantInfo => ({
  tenant,
  tier: source === 'builtin' ? 'none' : 'custom',
  category: 'shop',
  city: '',
  latitude: 0,
  longitude: 0,
  driver: 'unknown',
  source,
  rows: 1,
  start: '2024-03-04',
  end: '2024-03-04',
  frequency: 'daily',
  channels: ['meta', 'google'],
});

describe('lift_tests table', () => {
  it('adds and lists a tenant’s tests, oldest first, with ids and source', () => {
    store = openStore(dir, { clock: () => new Date(Date.UTC(2024, 5, 1)) });
    const saved = store.addLiftTests('acme', [t(), t({ channel: 'google' })], 'tests.csv');
    expect(saved.map((s) => s.id)).toEqual([1, 2]);
    store.addLiftTests('other', [t()], 'mcp');
    const list = store.listLiftTests('acme');
    expect(list).toHaveLength(2);
    expect(list[1]).toEqual({
      id: 2,
      tenant: 'acme',
      ...t({ channel: 'google' }),
      source: 'tests.csv',
      created_at: '2024-06-01T00:00:00.000Z',
    });
    expect(store.listLiftTests('nobody')).toEqual([]);
    expect(store.deleteLiftTests('acme', [1])).toBe(1);
    expect(store.listLiftTests('acme').map((x) => x.id)).toEqual([2]);
    expect(store.deleteLiftTests('acme')).toBe(1);
    expect(store.listLiftTests('other')).toHaveLength(1);
  });

  it('go with their tenant when its dataset is deleted, and only its own', () => {
    store = openStore(dir);
    store.upsertDataset({ info: datasetInfo('acme', 'imported'), csv: CSV });
    store.addLiftTests('acme', [t(), t({ channel: 'google' })], 'tests.csv');
    store.addLiftTests('other', [t()], 'mcp');
    expect(store.deleteTenantAndRuns('acme', [])).toEqual({
      dataset: true,
      liftTests: 2,
      plans: 0,
    });
    expect(store.listLiftTests('acme')).toEqual([]);
    expect(store.listLiftTests('other')).toHaveLength(1);
    // No dataset left: nothing more to delete.
    expect(store.deleteTenantAndRuns('acme', [])).toEqual({
      dataset: false,
      liftTests: 0,
      plans: 0,
    });
  });

  it('a new imported tenant does not inherit tests left under its id; a replaced or built-in one keeps its own', () => {
    store = openStore(dir);
    // Left by a tenant deleted before deleting a tenant took its lift tests along.
    store.addLiftTests('acme', [t()], 'old.csv');
    store.upsertDataset({ info: datasetInfo('acme', 'imported'), csv: CSV });
    expect(store.listLiftTests('acme')).toEqual([]);
    // Its own tests survive a replace (the same tenant, new data).
    store.addLiftTests('acme', [t()], 'new.csv');
    store.upsertDataset({ info: datasetInfo('acme', 'imported'), csv: CSV + '2024-03-05,2,1\n' });
    expect(store.listLiftTests('acme').map((x) => x.source)).toEqual(['new.csv']);
    // Built-in tenants have lift tests before (or without) a dataset row: never touched.
    store.addLiftTests('bi', [t()], 'mcp');
    store.upsertDataset({ info: datasetInfo('bi', 'builtin'), csv: CSV });
    expect(store.listLiftTests('bi')).toHaveLength(1);
  });

  it('stores all or none: a bad row rolls back the rows before it', () => {
    store = openStore(dir);
    expect(() => store!.addLiftTests('acme', [t(), t({ standard_error: 0 })], 'bad.csv')).toThrow(
      StoreError,
    );
    expect(store.listLiftTests('acme')).toEqual([]);
  });

  it('migrates a version-2 database, keeping its data', () => {
    const raw = new Database(join(dir, STORE_FILE));
    raw.exec(MIGRATIONS[0]);
    raw.exec(MIGRATIONS[1]);
    raw.pragma('user_version = 2');
    raw.close();
    store = openStore(dir);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
    store.addLiftTests('acme', [t()], 'x.csv');
    expect(store.listLiftTests('acme')).toHaveLength(1);
  });
});
