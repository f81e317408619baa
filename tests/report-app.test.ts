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
    expect((read.contents[0] as { text: string }).text).toMatch(/^<!doctype html>/);
    const tenant = await mcp.client.readResource({ uri: 'report://tenant/extreme_cooling' });
    expect((tenant.contents[0] as { text: string }).text).toContain('extreme_cooling');
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
    const { stdout } = await run(
      'node',
      [CLI, 'report', '--tenant', 'extreme_cooling', '--phase', '1', '--out', out, '--json'],
      { env },
    );
    const r = JSON.parse(stdout) as { file: string; charts: unknown[] };
    expect(r.file).toBe(out);
    // The same page as the app writes for the same state (the gate is stored by now).
    const viaApp = await app.writeReport({ tenant: 'extreme_cooling', phase: 1 });
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
