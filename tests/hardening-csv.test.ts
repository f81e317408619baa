/**
 * CSV import through the MCP tool `import_tenant_data` against the real app: every file of the
 * broken-file corpus is refused with the corpus's exact message (as text and as a file path),
 * the accepted variants (BOM, CRLF, quoted commas, scientific notation, padded cells) import,
 * the size and row limits are named, and file paths cannot leave the allowed directories.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  openSync,
  closeSync,
  ftruncateSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CSV_LIMITS } from '../src/core/csv.js';
import { call, text } from './mcp-helpers.js';
import {
  connectReal,
  expectCleanError,
  removeTempDirs,
  serverPaths,
  tempDir,
  type RealServer,
} from './hardening-helpers.js';

const FIXTURES = new URL('./fixtures/csv/', import.meta.url);
const fixturePath = (name: string) => new URL(name, FIXTURES).pathname;
/** What a client sends as `csv`: the file's bytes decoded as UTF-8 (invalid bytes -> U+FFFD). */
const fixtureText = (name: string) => new TextDecoder().decode(readFileSync(fixturePath(name)));

interface Expected {
  file: string;
  refuse?: { code: string; message: string };
  accept?: {
    rows: number;
    start: string;
    end: string;
    frequency: string;
    channels: string[];
    weatherNames: string[];
    controlNames: string[];
    warnings: string[];
  };
}
const corpus = JSON.parse(fixtureText('corpus.json')) as Expected[];
const refused = corpus.filter((c) => c.refuse !== undefined);
const accepted = corpus.filter((c) => c.accept !== undefined);

let s: RealServer;
let importDir: string;
let outsideDir: string;
let forbidden: string[];

beforeAll(async () => {
  importDir = tempDir('import');
  outsideDir = tempDir('outside');
  for (const c of corpus) copyFileSync(fixturePath(c.file), path.join(importDir, c.file));
  s = await connectReal({ workers: 1, importDirs: [importDir] });
  forbidden = serverPaths(importDir, outsideDir, s.stateDir);
});
afterAll(async () => {
  await s.close();
  removeTempDirs();
});

let n = 0;
const freshId = () => `imp-${++n}`;

async function importCall(args: Record<string, unknown>): Promise<CallToolResult> {
  return call(s, 'import_tenant_data', { tenant: freshId(), ...args });
}

describe('the broken-file corpus through import_tenant_data', () => {
  it('covers wrong encodings, binary, huge numbers and malformed quoting', () => {
    const codes = new Set(refused.map((c) => c.refuse?.code));
    for (const code of ['utf16', 'not_utf8', 'binary', 'non_finite', 'malformed', 'not_csv'])
      expect(codes).toContain(code);
    expect(refused.length).toBeGreaterThanOrEqual(30);
  });

  it.each(refused)('refuses $file as a path with the exact message', async ({ file, refuse }) => {
    const r = await importCall({ path: file });
    const t = expectCleanError(r, forbidden);
    expect(t).toContain(refuse?.message);
  });

  it.each(refused)('refuses $file as CSV text with the same message', async ({ file, refuse }) => {
    const r = await importCall({ csv: fixtureText(file) });
    const t = expectCleanError(r, forbidden);
    // Inline text is called "csv" in messages instead of the file name.
    expect(t).toContain(`csv${(refuse?.message as string).slice(file.length)}`);
  });

  it.each(accepted)('accepts $file as a path and as text', async ({ file, accept }) => {
    for (const args of [{ path: file }, { csv: fixtureText(file) }]) {
      const r = await importCall(args);
      expect(r.isError, text(r)).toBeFalsy();
      s.checkOutput('import_tenant_data', r.structuredContent);
      const out = r.structuredContent as Record<string, unknown>;
      expect({
        rows: out.rows,
        start: out.start,
        end: out.end,
        frequency: out.frequency,
        channels: out.channels,
        weatherNames: out.weather,
        controlNames: out.controls,
        // The CSV reader's warnings first, then the data-shape warnings (data-warnings.test.ts).
        warnings: (out.warnings as string[]).slice(0, (accept?.warnings as string[]).length),
      }).toEqual(accept);
    }
  });

  it('names role arguments the tool accepts, and following the advice imports the file', async () => {
    // A message that says "pass roles.x" must name an argument of this tool, not the app's
    // TypeScript field (roles.dateColumn was refused as an unknown parameter).
    const schema = s.tools.get('import_tenant_data')?.inputSchema as unknown as {
      properties: { roles: { properties: Record<string, unknown> } };
    };
    const accepted = new Set(Object.keys(schema.properties.roles.properties));
    const named = new Set(
      refused.flatMap((c) =>
        [...(c.refuse?.message ?? '').matchAll(/roles\.(\w+)/g)].map((m) => m[1]),
      ),
    );
    expect(named.size).toBeGreaterThanOrEqual(3);
    for (const name of named) expect(accepted, name).toContain(name);
    const advised = await importCall({
      path: 'no-target-column.csv',
      roles: { target: 'turnover' },
    });
    expect(advised.isError, text(advised)).toBeFalsy();
  });

  it('stores nothing for a refused file', async () => {
    const r = await call(s, 'import_tenant_data', { tenant: 'never-there', path: 'nan.csv' });
    expect(r.isError).toBe(true);
    const list = await call(s, 'list_tenants', { tier: 'custom' });
    const ids = (list.structuredContent as { tenants: { tenant: string }[] }).tenants.map(
      (t) => t.tenant,
    );
    expect(ids).not.toContain('never-there');
  });
});

describe('size limits, named in the refusal and in the tool description', () => {
  it('documents the limits in the tool description', () => {
    const d = s.tools.get('import_tenant_data')?.description ?? '';
    expect(d).toContain('20 MiB');
    expect(d).toContain(String(CSV_LIMITS.maxRows));
    expect(d).toContain(String(CSV_LIMITS.maxColumns));
  });

  it('refuses 50 MB of CSV text', async () => {
    const big = 'date,meta_spend,revenue\n' + '2024-01-01,1,2\n'.repeat(Math.ceil(50e6 / 15));
    const t = expectCleanError(await importCall({ csv: big }), forbidden);
    expect(t).toContain('20 MiB limit');
  });

  it('refuses a 50 MB file by its size, before reading it', async () => {
    const file = path.join(importDir, 'fifty.csv');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 50 * 1024 * 1024); // sparse: no 50 MB written to disk
    closeSync(fd);
    const t = expectCleanError(await importCall({ path: 'fifty.csv' }), forbidden);
    expect(t).toContain(`the limit is ${CSV_LIMITS.maxChars} bytes (CSV_LIMITS.maxChars, 20 MiB)`);
  });

  it('refuses a file promising 10 million rows, by the row limit', async () => {
    const rows = 10_000_000;
    const body = 'date,meta_spend,revenue\n' + '1\n'.repeat(rows);
    expect(body.length).toBeLessThan(CSV_LIMITS.maxChars); // so the row limit, not size, fires
    writeFileSync(path.join(importDir, 'ten-million.csv'), body);
    const expected = `file has ${rows} data rows; the limit is ${CSV_LIMITS.maxRows} (CSV_LIMITS.maxRows)`;
    const byPath = expectCleanError(await importCall({ path: 'ten-million.csv' }), forbidden);
    expect(byPath).toContain(`ten-million.csv: ${expected}`);
    const byText = expectCleanError(await importCall({ csv: body }), forbidden);
    expect(byText).toContain(`csv: ${expected}`);
  });
});

describe('file paths stay inside the allowed directories', () => {
  let secret: string;
  beforeAll(() => {
    secret = path.join(outsideDir, 'secret.csv');
    copyFileSync(fixturePath('ok-daily.csv'), secret);
    mkdirSync(path.join(importDir, 'sub'));
    copyFileSync(fixturePath('ok-daily.csv'), path.join(importDir, 'sub', 'inner.csv'));
    copyFileSync(fixturePath('ok-daily.csv'), path.join(importDir, '..dots.csv'));
    symlinkSync(secret, path.join(importDir, 'link-out.csv'));
    symlinkSync(outsideDir, path.join(importDir, 'dir-out'));
    symlinkSync(path.join(importDir, 'sub', 'inner.csv'), path.join(importDir, 'link-in.csv'));
  });

  const refusedPaths = () => [
    '/etc/passwd',
    '/etc/shadow',
    '/nonexistent/dir/file.csv',
    secret,
    '../' + path.basename(outsideDir) + '/secret.csv',
    `${importDir}/../${path.basename(outsideDir)}/secret.csv`,
    'sub/../../' + path.basename(outsideDir) + '/secret.csv',
    'link-out.csv',
    'dir-out/secret.csv',
    `${importDir}/link-out.csv`,
    importDir,
    '..',
  ];

  it('refuses .., symlinks out, absolute paths elsewhere, without saying where things are', async () => {
    for (const p of refusedPaths()) {
      const r = await importCall({ path: p });
      const t = expectCleanError(r, forbidden);
      expect(t, p).toMatch(/outside the directories allowed for import|not a regular file/);
      expect(t, p).not.toContain('passwd');
    }
  });

  it('gives the same answer for a missing and an existing file outside (no existence oracle)', async () => {
    const a = text(await importCall({ path: '/etc/passwd' }));
    const b = text(await importCall({ path: '/etc/no-such-file-here' }));
    expect(a.replace('passwd', 'X')).toBe(b.replace('no-such-file-here', 'X'));
  });

  it('accepts files inside: relative, absolute, in a subdirectory, via an inside symlink, named ..x', async () => {
    for (const p of [
      'ok-daily.csv',
      path.join(importDir, 'ok-daily.csv'),
      'sub/inner.csv',
      'sub/../ok-weekly.csv',
      'link-in.csv',
      '..dots.csv',
    ]) {
      const r = await importCall({ path: p });
      expect(r.isError, `${p}: ${text(r)}`).toBeFalsy();
      s.checkOutput('import_tenant_data', r.structuredContent);
    }
  });

  it('refuses a directory and a FIFO inside without blocking', async () => {
    mkdirSync(path.join(importDir, 'adir.csv'));
    execFileSync('mkfifo', [path.join(importDir, 'pipe.csv')]);
    for (const p of ['adir.csv', 'pipe.csv']) {
      const t = expectCleanError(await importCall({ path: p }), forbidden);
      expect(t).toContain('not a regular file');
    }
  });

  it('says "not found" for a missing file inside, naming only its base name', async () => {
    const t = expectCleanError(await importCall({ path: 'sub/missing.csv' }), forbidden);
    expect(t).toContain('file not found: missing.csv');
  });
});

describe('data warnings in the words of the MCP face', () => {
  it('names a calendar control, an event a fold never saw and a negative target, with tool arguments', async () => {
    // 156 weeks from 2018-01-01 with a `t` index, a one-week event at row 90 (fold 2's test
    // block [78, 104) of the year-window protocol) and one negative week.
    const lines = ['date,meta_spend,promo,t,revenue'];
    for (let i = 0; i < 156; i++) {
      const d = new Date(Date.UTC(2018, 0, 1) + i * 7 * 86_400_000).toISOString().slice(0, 10);
      const revenue = i === 30 ? -20 : 1000 + 50 * Math.sin(i) + (i === 90 ? 300 : 0);
      lines.push(`${d},${100 + (i % 7) * 10},${i === 90 ? 1 : 0},${i},${revenue}`);
    }
    const r = await importCall({ csv: lines.join('\n') });
    expect(r.isError, text(r)).toBeFalsy();
    const warnings = (r.structuredContent as { warnings: string[] }).warnings;
    const find = (s: string) => warnings.find((w) => w.includes(s)) ?? '';
    expect(find('control "t"')).toContain('is a time index');
    expect(find('control "t"')).toContain('leave it out with roles.ignore_columns: ["t"]');
    expect(find('control "promo"')).toContain(
      'is 0 on every training row of fold 2 of 4 but not in its test block (from 2019-09-23)',
    );
    expect(find('below 0')).toContain('"revenue" is below 0 on 1 row (first 2018-07-30: -20)');
    expect(text(r)).toContain('control "t" is a time index');
  });
});
