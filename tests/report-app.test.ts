/**
 * Reports through the real app and both faces: CLI `wv-mmm report`, MCP `get_report` (a
 * resource_link plus a text summary) and the report:// resources (text/html), for built-in and
 * imported weekly tenants and for runs; the kept CV figures give the same page byte for byte.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/index.js';
import type { App } from '../src/app/types.js';
import { call, connect, text, type Connected } from './mcp-helpers.js';
import { weeklyCsvOf } from './report-helpers.js';

const run = promisify(execFile);
const CLI = path.resolve('dist/src/cli/main.js');
const TENANTS = ['extreme_cooling', 'none_books', 'weekly_shop'];

let dir: string;
let app: App;
let mcp: Connected;
let phase1Run: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'wv-report-app-'));
  app = createApp({ stateDir: dir, workers: 1, log: () => undefined });
  app.importTenantData({ tenant: 'weekly_shop', csv: weeklyCsvOf('high_outdoor_gear') });
  await app.startPhaseRun({ phase: 0, tenants: TENANTS }).done;
  phase1Run = (await app.startPhaseRun({ phase: 1, tenants: TENANTS }).done).id;
  mcp = await connect(app);
});

afterAll(async () => {
  await mcp?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('report use case', () => {
  it('tenant report: the latest phase with a run by default, kept figures give the same page', async () => {
    const first = await app.writeReport({ tenant: 'extreme_cooling' });
    expect(first.phase).toBe(1);
    expect(first.run_id).toBe(phase1Run);
    expect(first.file).toBe(path.join(dir, 'reports', 'tenant-extreme_cooling-phase1.html'));
    expect(first.uri).toBe('report://tenant/extreme_cooling');
    expect(first.warnings).toEqual([]);
    const html1 = readFileSync(first.file, 'utf8');
    expect(Buffer.byteLength(html1)).toBe(first.bytes);
    expect(html1).toContain(`figures of run ${phase1Run}`);
    // The run's gate was never checked: the report evaluates it and says it is not stored.
    expect(html1).toContain('not stored');
    // Second time: the CV predictions and the model come from the store, the page is identical.
    const second = await app.writeReport({ tenant: 'extreme_cooling' });
    expect(readFileSync(second.file, 'utf8')).toBe(html1);
    // explain finds the model the report kept (fold -1 stays the all-rows model).
    const e = await app.explainTenant({ tenant: 'extreme_cooling', phase: 1 });
    expect(e.notes.some((n) => n.includes(`stored with run ${phase1Run}`))).toBe(true);
  });

  it("tenant report of a tenant in no run of the phase: no other run's gate, what to run instead", async () => {
    const r = await app.writeReport({ tenant: 'extreme_heating', phase: 1 });
    expect(r.run_id).toBeNull();
    const html = readFileSync(r.file, 'utf8');
    expect(html).toContain(
      'No finished phase 1 run holds extreme_heating, so no gate has judged it',
    );
    expect(html).toContain('wv-mmm run-phase --phase 1 --tenants extreme_heating');
    // The phase-1 run of the other tenants has a gate; it is not this tenant's.
    expect(html).not.toContain('tenants pass');
  });

  it('writes the decomposition per date as CSV beside a tenant report', async () => {
    const r = await app.writeReport({ tenant: 'extreme_cooling', phase: 1 });
    const d = r.decomposition!;
    expect(d.file).toBe(
      path.join(dir, 'reports', 'tenant-extreme_cooling-phase1.decomposition.csv'),
    );
    expect(d.uri).toBe('report://tenant/extreme_cooling/decomposition');
    const lines = readFileSync(d.file, 'utf8').trimEnd().split('\n');
    const header = lines[0].split(',');
    expect(header).toEqual(d.columns);
    expect(header).toEqual([
      'date',
      'actual',
      'predicted',
      'baseline',
      'weather',
      'meta',
      'google',
      'true_meta',
      'true_google',
    ]);
    // One row per date of the data, the actual revenue as exported (independently of the model).
    const data = app.exportTenant('extreme_cooling');
    const rows = data.csv.trimEnd().split('\n').slice(1);
    expect(lines.length - 1).toBe(rows.length);
    expect(d.rows).toBe(rows.length);
    const revenue = data.csv.split('\n')[0].split(',').indexOf('revenue');
    let worst = 0;
    lines.slice(1).forEach((line, t) => {
      const v = line.split(',');
      const row = rows[t].split(',');
      expect(v[0]).toBe(row[0]);
      expect(Math.abs(Number(v[1]) - Number(row[revenue]))).toBeLessThanOrEqual(
        1e-7 * Math.abs(Number(row[revenue])),
      );
      // The parts add up to the prediction (each rounded to 8 significant digits).
      const [predicted, baseline, weather, meta, google] = v.slice(2, 7).map(Number);
      worst = Math.max(
        worst,
        Math.abs(baseline + weather + meta + google - predicted) / Math.abs(predicted),
      );
    });
    expect(worst).toBeLessThan(1e-6);
    // The true contributions are the generator's: over the rows, the model's and the truth's
    // channel totals are of the same order (a wrong column would be off by orders of magnitude).
    const total = (k: number) => lines.slice(1).reduce((a, l) => a + Number(l.split(',')[k]), 0);
    for (const k of [5, 6]) {
      const ratio = total(k) / total(k + 2);
      expect(ratio).toBeGreaterThan(0.2);
      expect(ratio).toBeLessThan(5);
    }
  });

  it('imported weekly tenant', async () => {
    const r = await app.writeReport({ tenant: 'weekly_shop', phase: 1 });
    const html = readFileSync(r.file, 'utf8');
    expect(html).toContain('weekly, 156 weeks');
    expect(html).toContain('imported data');
    expect(r.charts.map((c) => c.id)).not.toContain('truth');
  });

  it('shape tenants: 12 channels stay under 2 MB (monthly bars), weekly without weather', async () => {
    app.generateShapeSuite();
    const wide = await app.writeReport({ tenant: 'shape_daily_3y_12ch', phase: 1 });
    expect(wide.bytes).toBeLessThan(2 * 1024 * 1024);
    expect(wide.warnings).toEqual([]);
    expect(wide.charts.find((c) => c.id === 'contributions')!.title).toContain('per month');
    const dry = await app.writeReport({ tenant: 'shape_weekly_2y_noweather', phase: 1 });
    expect(dry.charts.map((c) => c.id)).not.toContain('roas-weather');
    expect(dry.charts.find((c) => c.id === 'contributions')!.reading).not.toContain('weather');
    expect(dry.warnings).toEqual([]);
  });

  it('run report: by id or latest of a phase; the stored gate once checked', async () => {
    const byPhase = await app.writeReport({ phase: 1 });
    expect(byPhase.kind).toBe('run');
    expect(byPhase.subject).toBe(String(phase1Run));
    expect(readFileSync(byPhase.file, 'utf8')).toContain('not stored');
    app.checkGates({ phase: 1 });
    const byId = await app.writeReport({ runId: phase1Run });
    const html = readFileSync(byId.file, 'utf8');
    expect(html).toContain(`stored for run ${phase1Run}`);
    expect(html).toContain('Change from phase 0');
    expect(byId.charts.map((c) => c.id)).toEqual(['r2-tenants', 'fold-heatmap', 'compare']);
    // Its own stored decision, in the mode it was asked in, also once another run of the phase
    // was judged later (the report re-evaluated it, noise-aware and "not stored").
    app.checkGates({ phase: 1, runId: phase1Run, regression: 'strict' });
    const other = await app.startPhaseRun({ phase: 1, tenants: ['extreme_cooling'] }).done;
    app.checkGates({ phase: 1, runId: other.id });
    const again = readFileSync((await app.writeReport({ runId: phase1Run })).file, 'utf8');
    expect(again).toContain(`stored for run ${phase1Run}`);
    expect(again).not.toContain('not stored');
    expect(again).toMatch(/strict/);
  });

  it('bad requests fail clearly and write nothing', async () => {
    await expect(app.writeReport({ tenant: 'extreme_cooling', runId: 1 })).rejects.toThrow(
      /not both/,
    );
    await expect(app.writeReport({})).rejects.toThrow(/say what to report/);
    await expect(app.writeReport({ tenant: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(app.writeReport({ runId: 999 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(app.writeReport({ phase: 3 })).rejects.toThrow(/no finished phase 3 run/);
    expect(existsSync(path.join(dir, 'reports', 'tenant-nope-phase3.html'))).toBe(false);
  });
});

describe('MCP face', () => {
  it('get_report returns a resource_link and a summary; the resource serves text/html', async () => {
    const r = await call(mcp, 'get_report', { run_id: phase1Run });
    expect(r.isError).toBeFalsy();
    const link = r.content.find((c) => c.type === 'resource_link');
    expect(link).toMatchObject({ uri: `report://run/${phase1Run}`, mimeType: 'text/html' });
    expect(text(r)).toMatch(/of 3 tenants pass/);
    expect(JSON.stringify(r.structuredContent)).not.toContain(dir); // no server paths
    const read = await mcp.client.readResource({ uri: `report://run/${phase1Run}` });
    expect(read.contents[0].mimeType).toBe('text/html');
    const html = (read.contents[0] as { text: string }).text;
    expect(html).toMatch(/^<!doctype html>/);
    // The page is for a person: the text said "read report://run/N", and an agent that did took
    // in 10k-230k tokens of HTML (session 52). It says where the figures are instead, and the
    // page's size in tokens (about 4 bytes each).
    const { bytes, charts } = r.structuredContent as { bytes: number; charts: unknown[] };
    expect(bytes).toBe(Buffer.byteLength(html));
    expect(text(r)).toContain(
      `Wrote the run ${phase1Run} (phase 1) report (${Math.round(bytes / 1024)} KB of HTML, ${charts.length} charts) as report://run/${phase1Run}: a page for a person to open in a browser, not to read into an agent's context (about ${Math.max(1, Math.round(bytes / 4000))}k tokens); the charts' readings are below and its figures are in get_run, check_gates and compare_phases.`,
    );
    expect(text(r)).not.toMatch(/\bread report:/);
    const tenant = await mcp.client.readResource({ uri: 'report://tenant/extreme_cooling' });
    expect((tenant.contents[0] as { text: string }).text).toContain('extreme_cooling');
  });

  it('a tenant report links its decomposition CSV, served as text/csv', async () => {
    const r = await call(mcp, 'get_report', { tenant: 'none_books', phase: 1 });
    expect(r.isError, text(r)).toBeFalsy();
    const links = r.content.filter((c) => c.type === 'resource_link');
    expect(links.map((l) => (l as { uri: string }).uri)).toEqual([
      'report://tenant/none_books',
      'report://tenant/none_books/decomposition',
    ]);
    expect(links[1]).toMatchObject({ mimeType: 'text/csv' });
    const sc = r.structuredContent as { decomposition: { columns: string[]; rows: number } };
    // none_books has weather columns of no driver; the data's weather is still decomposed.
    expect(sc.decomposition.columns.slice(0, 4)).toEqual([
      'date',
      'actual',
      'predicted',
      'baseline',
    ]);
    expect(JSON.stringify(sc)).not.toContain(dir);
    const read = await mcp.client.readResource({ uri: 'report://tenant/none_books/decomposition' });
    expect(read.contents[0].mimeType).toBe('text/csv');
    const csv = (read.contents[0] as { text: string }).text;
    expect(csv.split('\n')[0]).toBe(sc.decomposition.columns.join(','));
    expect(csv.trimEnd().split('\n').length).toBe(sc.decomposition.rows + 1);
    // The text says what the CSV is for and how large it is, and where the figures are.
    const kb = Math.round(Buffer.byteLength(csv) / 1024);
    const k = Math.max(1, Math.round(Buffer.byteLength(csv) / 4000));
    expect(text(r)).toContain(
      `The model split per date is report://tenant/none_books/decomposition (CSV, ${sc.decomposition.rows} rows x ${sc.decomposition.columns.length} columns, ${kb} KB, about ${k}k tokens): for a spreadsheet or a program; each channel's total contribution is in explain_tenant.`,
    );
    expect(text(r)).toMatch(
      /as report:\/\/tenant\/none_books: a page for a person .*its figures are explain_tenant's/,
    );
    await expect(
      mcp.client.readResource({ uri: 'report://tenant/nope/decomposition' }),
    ).rejects.toThrow(/unknown tenant 'nope'/);
  });

  it("get_report carries the tenant's caveats, explain_tenant's for that model, first in its text", async () => {
    const r = await call(mcp, 'get_report', { tenant: 'extreme_cooling', phase: 1 });
    expect(r.isError, text(r)).toBeFalsy();
    const sc = r.structuredContent as { caveats: { code: string; message: string }[] };
    const e = await call(mcp, 'explain_tenant', { tenant: 'extreme_cooling', phase: 1 });
    const expected = (e.structuredContent as { caveats: { code: string; message: string }[] })
      .caveats;
    // phases 0-2 leave out carry-over: explain says so first
    expect(expected.map((c) => c.code)).toContain('no_carry_over');
    expect(sc.caveats).toEqual(expected.map(({ code, message }) => ({ code, message })));
    const lines = text(r).trimStart().split('\n'); // after the resource_links
    expect(lines.slice(0, expected.length)).toEqual(
      expected.map((c) => `CAVEAT ${c.code}: ${c.message}`),
    );
    // Then the data's warnings, as the page's "Read first" lists them, then what was written.
    const warned = (r.structuredContent as { data_warnings: string[] }).data_warnings;
    expect(lines.slice(expected.length, expected.length + warned.length)).toEqual(
      warned.map((w) => `Data warning: ${w}`),
    );
    expect(lines[expected.length + warned.length]).toMatch(
      /^Wrote the extreme_cooling phase 1 report/,
    );
    // the page's "Read first" holds the same messages
    const html = (
      (await mcp.client.readResource({ uri: 'report://tenant/extreme_cooling' })).contents[0] as {
        text: string;
      }
    ).text;
    expect(html).toContain('Read first');
    // a run report has none
    const run = await call(mcp, 'get_report', { run_id: phase1Run });
    expect((run.structuredContent as { caveats: unknown[] }).caveats).toEqual([]);
  });

  it('argument errors name the tool arguments', async () => {
    const both = await call(mcp, 'get_report', { tenant: 'extreme_cooling', run_id: 1 });
    expect(both.isError).toBe(true);
    expect(text(both)).toMatch(/tenant .* or run_id .*not both/);
    const none = await call(mcp, 'get_report', {});
    expect(text(none)).toMatch(/tenant .*run_id.*phase/);
    await expect(mcp.client.readResource({ uri: 'report://run/x' })).rejects.toThrow(
      /positive integers/,
    );
  });
});

describe('CLI face', () => {
  it('wv-mmm report --tenant writes the file where --out says; --json gives the result', async () => {
    const out = path.join(dir, 'out', 'cooling.html');
    const env = { ...process.env, WV_MMM_STATE_DIR: dir };
    // Phase 2: the runs of this file were made by the app on the TypeScript sources, whose model
    // code id differs from the compiled CLI's, and a built-in tenant's data hash holds that id,
    // so the CLI reads no run of this file as the tenant's (kept.ts doneRunCovering) and trains
    // for the report; the app then does the same for a phase it has no run of.
    const { stdout } = await run(
      'node',
      [CLI, 'report', '--tenant', 'extreme_cooling', '--phase', '2', '--out', out, '--json'],
      { env },
    );
    const r = JSON.parse(stdout) as {
      file: string;
      charts: unknown[];
      decomposition: { file: string };
      caveats: { code: string; message: string }[];
    };
    expect(r.file).toBe(out);
    // phase 2 leaves out carry-over: the caveat is in the result, and first in the text
    expect(r.caveats.map((c) => c.code)).toContain('no_carry_over');
    const plain = await run(
      'node',
      [CLI, 'report', '--tenant', 'extreme_cooling', '--phase', '2', '--out', out],
      { env },
    );
    expect(plain.stdout.split('\n').slice(0, r.caveats.length)).toEqual(
      r.caveats.map((c) => `CAVEAT (${c.code}): ${c.message}`),
    );
    expect(r.decomposition.file).toBe(path.join(dir, 'out', 'cooling.decomposition.csv'));
    expect(existsSync(r.decomposition.file)).toBe(true);
    // The same page as the app writes for the same state (no run of phase 2: trained for both).
    const viaApp = await app.writeReport({ tenant: 'extreme_cooling', phase: 2 });
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(viaApp.file, 'utf8'));
    const bad = await run('node', [CLI, 'report', '--tenant', 'x', '--run', '1'], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toMatch(/--tenant .* or --run .*not both/);
  });
});

describe('the default phase of a tenant report', () => {
  it('is the highest phase with a finished run covering the tenant, not only its latest run', async () => {
    const own = mkdtempSync(path.join(tmpdir(), 'wv-report-phase-'));
    const a = createApp({ stateDir: own, workers: 1, log: () => undefined });
    try {
      await a.startPhaseRun({ phase: 0, tenants: ['none_books', 'extreme_cooling'] }).done;
      const mine = (await a.startPhaseRun({ phase: 1, tenants: ['extreme_cooling'] }).done).id;
      // Another tenant's phase 1 run comes after it: the report fell back to phase 0.
      await a.startPhaseRun({ phase: 1, tenants: ['none_books'] }).done;
      const r = await a.writeReport({ tenant: 'extreme_cooling' });
      expect([r.phase, r.run_id]).toEqual([1, mine]);
    } finally {
      await a.close();
      rmSync(own, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('report://tenant/{id} after the data under the id changed', () => {
  it("is written again for the new data, not served from the old data's report", async () => {
    const own = mkdtempSync(path.join(tmpdir(), 'wv-report-reimport-'));
    const a = createApp({ stateDir: own, workers: 1, log: () => undefined });
    try {
      const first = a.exportTenant('extreme_ski_gear').csv;
      const second = a.exportTenant('none_books').csv;
      /** The first data row's date and revenue of a CSV with a date and a revenue column. */
      const firstRevenue = (csv: string, column: string): [string, number] => {
        const [header, row] = csv.split('\n');
        const cells = row.split(',');
        return [cells[0], Number(cells[header.split(',').indexOf(column)])];
      };
      a.importTenantData({ tenant: 'shop', csv: first });
      const before = await a.readDecomposition('shop');
      expect(before.written).toBe(true);
      expect(firstRevenue(before.csv, 'actual')).toEqual(firstRevenue(first, 'revenue'));
      expect((await a.readDecomposition('shop')).written).toBe(false);
      a.importTenantData({ tenant: 'shop', csv: second, replace: true, acceptChanges: true });
      const after = await a.readDecomposition('shop');
      expect(after.written).toBe(true);
      expect(firstRevenue(after.csv, 'actual')).toEqual(firstRevenue(second, 'revenue'));
      expect(firstRevenue(second, 'revenue')).not.toEqual(firstRevenue(first, 'revenue'));
      // The report beside it is the one just written, served from now on.
      expect((await a.readReport('tenant', 'shop')).written).toBe(false);
      // A delete and an import under the same id: other data again.
      a.deleteTenant({ tenant: 'shop', runs: 'delete' });
      a.importTenantData({ tenant: 'shop', csv: first });
      expect((await a.readReport('tenant', 'shop')).written).toBe(true);
      expect(firstRevenue((await a.readDecomposition('shop')).csv, 'actual')).toEqual(
        firstRevenue(first, 'revenue'),
      );
    } finally {
      await a.close();
      rmSync(own, { recursive: true, force: true });
    }
  }, 120_000);
});

// Last: the plan adds a phase 3 run, which the tests above do not expect.
describe('a tenant report beside a budget plan', () => {
  it("a tenant report's result holds the latest plan's caveats and the data's warnings, as its page does", async () => {
    // The page counted the plan's caveats and the data's warnings in "Read first" while the
    // CLI, --json and MCP said none (probe s74).
    const plan = await app.planBudget({ tenant: 'extreme_cooling', days: 14, replicates: 0 });
    const r = await app.writeReport({ tenant: 'extreme_cooling', phase: 1 });
    expect(r.plan_caveats?.plan_id).toBe(plan.id);
    expect(r.plan_caveats?.caveats).toEqual(plan.caveats);
    // Which outlook the plan was made under (the latest plan may be a what-if: probe s76 N).
    expect(r.plan_caveats?.outlook).toBe('scenario:typical');
    expect(plan.plan.outlook.source).toBe('scenario:typical');
    const train = await app.trainTenant({ tenant: 'extreme_cooling', phase: 1 });
    expect(r.data_warnings).toEqual(train.warnings);
    const html = readFileSync(r.file, 'utf8');
    // The plan's model line is listed under the plan, not counted as a caveat.
    const n = r.caveats.length + plan.caveats.length + (r.data_warnings ?? []).length;
    expect(html).toMatch(new RegExp(`>${n} caveats? to read before these figures`));
  });
});
