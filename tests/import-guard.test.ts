/**
 * A replace that loses what the stored data hold is refused unless asked for (import.ts
 * riskyChanges): an autopilot's probe (s75 K) replaced its tenant with four broken monthly exports
 * (meta_spend renamed facebook_spend, the tiktok column missing, the last 12 months only, revenue
 * in thousands); each was stored and reported as imported.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/app/errors.js';
import { REPLACE_MAX_REMOVED_SHARE, REPLACE_MAX_SCALE } from '../src/app/import.js';
import { useTempApp } from './app-helpers.js';
import { tempStateDir, wv } from './cli-helpers.js';
import { call, connect, text } from './mcp-helpers.js';

const { app } = useTempApp('import-guard');

const day = (i: number): string => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);

/** Days 0..n-1: meta, google and tiktok spend, temperature, revenue (in `scale` units). */
function csv(
  n: number,
  o: { from?: number; meta?: string; tiktok?: boolean; scale?: number } = {},
): string {
  const meta = o.meta ?? 'meta_spend';
  const cols = [meta, 'google_spend', ...(o.tiktok === false ? [] : ['tiktok_spend'])];
  const lines = [`date,${cols.join(',')},temperature_c,revenue`];
  for (let i = o.from ?? 0; i < n; i++) {
    const spend = [
      100 + ((i * 37) % 50),
      80 + ((i * 11) % 40),
      ...(o.tiktok === false ? [] : [20 + (i % 9)]),
    ];
    lines.push(
      `${day(i)},${spend.join(',')},${10 + (i % 7)},${((1000 + ((i * 13) % 200)) * (o.scale ?? 1)).toFixed(3)}`,
    );
  }
  return lines.join('\n') + '\n';
}

const refused = (f: () => unknown): AppError => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('the import was accepted');
};

describe('a replace that drops, renames, cuts or rescales is refused unless accepted', () => {
  it('refuses each broken export with its changes named, and stores nothing', () => {
    const first = app().importTenantData({ tenant: 'shop', csv: csv(300) });
    expect(REPLACE_MAX_REMOVED_SHARE).toBe(0.1);
    expect(REPLACE_MAX_SCALE).toBe(2);
    const cases: [string, string][] = [
      [
        csv(330, { meta: 'facebook_spend' }),
        'channel meta is gone and facebook has its values (renamed in the export?)',
      ],
      [csv(330, { tiktok: false }), 'channel tiktok is gone'],
      // 300 stored rows, the new file from day 40: 40 removed, 13% (> 10%).
      [
        csv(330, { from: 40 }),
        '40 of the 300 stored rows would be removed (13%, 2024-01-01..2024-02-09)',
      ],
      [
        csv(330, { scale: 0.001 }),
        '"revenue" on the dates both hold is 0.0010 times what is stored (median ratio), as another unit or scale would make it',
      ],
    ];
    for (const [text, said] of cases) {
      const e = refused(() => app().importTenantData({ tenant: 'shop', csv: text, replace: true }));
      expect(e.code).toBe('conflict');
      expect(e.message).toContain(said);
      expect(e.message).toMatch(
        /Nothing was stored\. If the export is wrong, fix it and import again; if the changes are intended, import again with accept_changes: true$/,
      );
      const now = app()
        .listTenants()
        .find((t) => t.tenant === 'shop')!;
      expect([now.rows, now.end]).toEqual([300, day(299)]);
    }
    // The same month's export as it should be (30 rows more, one past value revised): stored.
    const good = csv(330)
      .replace(`${day(5)},`, `${day(5)},`)
      .split('\n');
    good[6] = good[6].replace(/,[\d.]+$/, ',1234.000');
    const ok = app().importTenantData({ tenant: 'shop', csv: good.join('\n'), replace: true });
    expect(ok.rows).toBe(330);
    expect(ok.content_hash).not.toBe(first.content_hash);
    // A rolling export that drops its oldest 10% (30 of 330 rows): not refused.
    expect(
      app().importTenantData({ tenant: 'shop', csv: csv(360, { from: 30 }), replace: true }).rows,
    ).toBe(330);
  });

  it('stores a refused change when accepted, and a column left out on purpose without it', () => {
    app().importTenantData({ tenant: 'asked', csv: csv(300) });
    const renamed = app().importTenantData({
      tenant: 'asked',
      csv: csv(330, { meta: 'facebook_spend' }),
      replace: true,
      acceptChanges: true,
    });
    expect(renamed.channels).toContain('facebook');
    expect(renamed.changes?.renamed).toEqual([
      { from: 'meta', to: 'facebook', role: 'channel', basis: 'same_values' },
    ]);
    // --ignore tiktok_spend (roles.ignore_columns) drops it on purpose.
    const ignored = app().importTenantData({
      tenant: 'asked',
      csv: csv(330, { meta: 'facebook_spend' }),
      replace: true,
      roles: { ignoreColumns: ['tiktok_spend'] },
    });
    expect(ignored.channels).not.toContain('tiktok');
  });

  it('a lift test of a renamed channel: re-import with the old name, the test is kept', () => {
    app().importTenantData({ tenant: 'tested', csv: csv(300) });
    const [t] = app().addLiftTests({
      tenant: 'tested',
      tests: [
        {
          channel: 'meta',
          start: day(100),
          end: day(127),
          spend_change: -1000,
          incremental_revenue: -2000,
          standard_error: 300,
        },
      ],
    }).added;
    const res = app().importTenantData({
      tenant: 'tested',
      csv: csv(330, { meta: 'facebook_spend' }),
      replace: true,
      acceptChanges: true,
    });
    const w = res.warnings.find((x) => x.startsWith(`lift test ${t.id} `))!;
    expect(w).toBe(
      `lift test ${t.id} (meta, ${day(100)}..${day(127)}) is not used on these data: meta is gone and facebook has its values. ` +
        'If the export renamed or dropped the column, import it again with the column named as before (meta_spend): the test is kept and used again; ' +
        `remove it only if the channel is gone for good (delete_lift_tests with tenant "tested" and ids [${t.id}])`,
    );
  });
});

describe('the faces', () => {
  it('CLI: exit 2, the flag named; --accept-changes stores it', () => {
    const state = tempStateDir();
    const a = path.join(state.dir, 'a.csv');
    const b = path.join(state.dir, 'b.csv');
    writeFileSync(a, csv(300));
    writeFileSync(b, csv(330, { tiktok: false }));
    expect(wv(state.dir, ['import', '--tenant', 'g', '--file', a]).code).toBe(0);
    const no = wv(state.dir, ['import', '--tenant', 'g', '--file', b, '--replace']);
    expect(no.code).toBe(2);
    expect(no.stderr).toContain('channel tiktok is gone');
    expect(no.stderr).toContain('import again with --accept-changes');
    const yes = wv(state.dir, [
      'import',
      '--tenant',
      'g',
      '--file',
      b,
      '--replace',
      '--accept-changes',
    ]);
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout).toContain('imported g (replaced): 330 daily rows');
    state.remove();
  });

  it('MCP: an error with code conflict and accept_changes named; with it, imported', async () => {
    const c = await connect(app());
    try {
      await call(c, 'import_tenant_data', { tenant: 'm', csv: csv(300) });
      const r = await call(c, 'import_tenant_data', {
        tenant: 'm',
        csv: csv(330, { scale: 1000 }),
        replace: true,
      });
      expect(r.isError).toBe(true);
      expect(text(r)).toContain('"revenue" on the dates both hold is 1000.00 times what is stored');
      expect(text(r)).toContain('import again with accept_changes: true');
      expect((r._meta?.['weathervane/error'] as { code: string }).code).toBe('conflict');
      // The request had replace: true: the generic conflict hint ("Pass replace:true") is not said.
      expect(text(r)).not.toContain('Pass replace:true');
      // A refused file's problem for a program: the reader's code, row and column (probe s75 K).
      const bad = await call(c, 'import_tenant_data', {
        tenant: 'm',
        csv: csv(330).replace(/\n(2024-01-02),(\d+)/, '\n$1,$$$2'),
        replace: true,
      });
      expect(bad.isError).toBe(true);
      expect(bad._meta?.['weathervane/error']).toEqual({
        code: 'invalid_argument',
        retryable: false,
        detail: { csv_code: 'bad_number', row: 3, column: 'meta_spend' },
      });
      const ok = await call(c, 'import_tenant_data', {
        tenant: 'm',
        csv: csv(330, { scale: 1000 }),
        replace: true,
        accept_changes: true,
      });
      expect(ok.isError).toBeFalsy();
    } finally {
      await c.close();
    }
  });
});
