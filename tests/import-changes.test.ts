/**
 * `import --replace` / import_tenant_data replace:true say what the new data change against the
 * stored data: a monthly refresh that also revised past rows or renamed a channel passed as
 * "replaced" alone (probe s52 refresh: 8 revised past revenue values moved google's ROAS by 18%).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTempApp } from './app-helpers.js';
import { tempStateDir, wv } from './cli-helpers.js';
import { call, connect, text } from './mcp-helpers.js';

const { app } = useTempApp('import-changes');

const day = (i: number): string => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);

interface Row {
  date: string;
  [column: string]: string | number;
}

/** Rows i = 0..days-1 from 2024-01-01: meta and google spend, temperature, promo, revenue. */
function rows(days: number): Row[] {
  return Array.from({ length: days }, (_, i) => ({
    date: day(i),
    meta_spend: 100 + ((i * 37) % 50),
    google_spend: 80 + ((i * 11) % 40),
    temperature_c: 10 + (i % 7),
    promo: i % 5 === 0 ? 1 : 0,
    revenue: 1000 + ((i * 13) % 200),
  }));
}

function csvOf(data: Row[], columns: string[]): string {
  return (
    `date,${columns.join(',')}\n` +
    data.map((r) => [r.date, ...columns.map((c) => r[c])].join(',')).join('\n') +
    '\n'
  );
}

const ALL = ['meta_spend', 'google_spend', 'temperature_c', 'promo', 'revenue'];

describe('import --replace names what changed against the stored data', () => {
  it('rows appended, past rows revised (count, columns, first and last date)', () => {
    app().importTenantData({ tenant: 'refresh', csv: csvOf(rows(200), ALL) });
    // The next month: 28 rows more; revenue revised on day 20 and on days 50-56 (8 rows), meta
    // spend on day 53 (a row already revised: still 8 rows revised in all).
    const next = rows(228);
    next[20].revenue = Number(next[20].revenue) * 1.3;
    for (let i = 50; i <= 56; i++) next[i].revenue = Number(next[i].revenue) - 10;
    next[53].meta_spend = 0;
    const res = app().importTenantData({
      tenant: 'refresh',
      csv: csvOf(next, ALL),
      replace: true,
    });
    const c = res.changes!;
    expect(c).not.toBeNull();
    expect(c.identical).toBe(false);
    expect(c.previous).toEqual({ rows: 200, start: day(0), end: day(199), frequency: 'daily' });
    expect(c.appended).toEqual({ rows: 28, first: day(200), last: day(227) });
    expect(c.removed.rows).toBe(0);
    expect(c.prepended.rows).toBe(0);
    expect(c.revised.rows).toBe(8);
    expect(c.revised.first).toBe(day(20));
    expect(c.revised.last).toBe(day(56));
    expect(c.revised.columns).toEqual([
      { column: 'meta', role: 'channel', rows: 1, first: day(53), last: day(53) },
      { column: 'revenue', role: 'target', rows: 8, first: day(20), last: day(56) },
    ]);
    expect(c.columns_added).toEqual([]);
    expect(c.columns_removed).toEqual([]);
    expect(c.renamed).toEqual([]);
    expect(c.roles_changed).toEqual([]);
    expect(c.summary).toBe(
      `against the stored data (200 daily rows ${day(0)}..${day(199)}): 28 rows appended after ${day(199)} (${day(200)}..${day(227)}); ` +
        `8 past rows revised between ${day(20)} and ${day(56)} (rows changed by column: meta spend 1, revenue 8). ` +
        'Runs, plans and explanations made before this import describe the previous data',
    );
  });

  it('the same data again (columns in another order): identical, nothing changed', () => {
    app().importTenantData({ tenant: 'same', csv: csvOf(rows(200), ALL) });
    const res = app().importTenantData({
      tenant: 'same',
      csv: csvOf(rows(200), [...ALL].reverse()),
      replace: true,
      acceptChanges: true,
    });
    expect(res.changes?.identical).toBe(true);
    expect(res.changes?.summary).toBe(
      `the same data as stored (200 daily rows ${day(0)}..${day(199)}): nothing changed: its runs and plans still hold`,
    );
  });

  it('a new tenant has no changes', () => {
    const res = app().importTenantData({ tenant: 'fresh', csv: csvOf(rows(200), ALL) });
    expect(res.changes).toBeNull();
  });

  it('rows removed at both ends, a channel renamed, a column added, a role changed', () => {
    app().importTenantData({ tenant: 'reshaped', csv: csvOf(rows(220), ALL) });
    // Days 10..209 only; meta_spend -> facebook_spend with the same values; a new tiktok channel;
    // promo read as weather now (roles).
    const next = rows(220)
      .slice(10, 210)
      .map((r, k) => ({ ...r, facebook_spend: r.meta_spend, tiktok_spend: 5 + (k % 3) }));
    const res = app().importTenantData({
      tenant: 'reshaped',
      csv: csvOf(next, [
        'facebook_spend',
        'google_spend',
        'tiktok_spend',
        'temperature_c',
        'promo',
        'revenue',
      ]),
      roles: { weatherColumns: ['temperature_c', 'promo'] },
      replace: true,
      acceptChanges: true,
    });
    const c = res.changes!;
    expect(c.removed).toEqual({ rows: 20, first: day(0), last: day(219) });
    expect(c.appended.rows).toBe(0);
    expect(c.revised.rows).toBe(0);
    expect(c.renamed).toEqual([
      { from: 'meta', to: 'facebook', role: 'channel', basis: 'same_values' },
    ]);
    expect(c.columns_added).toEqual([{ column: 'tiktok', role: 'channel' }]);
    expect(c.columns_removed).toEqual([]);
    expect(c.roles_changed).toEqual([{ column: 'promo', from: 'control', to: 'weather' }]);
    expect(c.summary).toContain(
      'channel meta -> facebook (probably renamed: the same values on every shared date)',
    );
    expect(c.summary).toContain('new columns: tiktok (channel)');
    expect(c.summary).toContain('promo was control, now weather');
    expect(c.summary).toContain(`20 previous rows removed between ${day(0)} and ${day(219)}`);
  });

  it('a channel dropped, not renamed, when no new column has its values', () => {
    app().importTenantData({ tenant: 'dropped', csv: csvOf(rows(200), ALL) });
    const res = app().importTenantData({
      tenant: 'dropped',
      csv: csvOf(rows(200), ['google_spend', 'temperature_c', 'promo', 'revenue']),
      replace: true,
      acceptChanges: true,
    });
    expect(res.changes?.columns_removed).toEqual([{ column: 'meta', role: 'channel' }]);
    expect(res.changes?.renamed).toEqual([]);
    expect(res.changes?.summary).toContain('columns dropped: meta (channel)');
  });

  it('over MCP: structured changes and a Changes line', async () => {
    const c = await connect(app());
    try {
      await call(c, 'import_tenant_data', { tenant: 'mcp_refresh', csv: csvOf(rows(200), ALL) });
      const next = rows(210);
      next[3].revenue = 5;
      const r = await call(c, 'import_tenant_data', {
        tenant: 'mcp_refresh',
        csv: csvOf(next, ALL),
        replace: true,
      });
      expect(r.isError).toBeFalsy();
      const changes = r.structuredContent?.changes as { revised: { rows: number } };
      expect(changes.revised.rows).toBe(1);
      expect(text(r)).toContain(
        `Changes: against the stored data (200 daily rows ${day(0)}..${day(199)}): 10 rows appended after ${day(199)} (${day(200)}..${day(209)}); 1 past row revised on ${day(3)} (rows changed by column: revenue 1).`,
      );
    } finally {
      await c.close();
    }
  });
});

describe('wv-mmm import --replace (built CLI)', () => {
  const state = tempStateDir();
  afterAll(() => state.remove());

  it('prints a changes line, and --json has the changes', () => {
    const a = path.join(state.dir, 'a.csv');
    const b = path.join(state.dir, 'b.csv');
    writeFileSync(a, csvOf(rows(200), ALL));
    const next = rows(200);
    next[7].google_spend = 1;
    writeFileSync(b, csvOf(next, ALL));
    expect(wv(state.dir, ['import', '--tenant', 'cli_r', '--file', a]).code).toBe(0);
    const out = wv(state.dir, [
      'import',
      '--tenant',
      'cli_r',
      '--file',
      b,
      '--replace',
      '--accept-changes',
    ]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(
      `changes: against the stored data (200 daily rows ${day(0)}..${day(199)}): 1 past row revised on ${day(7)} (rows changed by column: google spend 1)`,
    );
    const json = wv(state.dir, [
      'import',
      '--tenant',
      'cli_r',
      '--file',
      a,
      '--replace',
      '--accept-changes',
      '--json',
    ]);
    expect(json.code).toBe(0);
    const res = JSON.parse(json.stdout) as { changes: { revised: { columns: unknown[] } } };
    expect(res.changes.revised.columns).toEqual([
      { column: 'google', role: 'channel', rows: 1, first: day(7), last: day(7) },
    ]);
  });
});
