/** Every MCP tool's happy path against the fake app; the client validates structuredContent. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeResult, type FakeApp } from './mcp-fake-app.js';
import { call, connect, makeApp, text, type Connected } from './mcp-helpers.js';
import { TOOL_NAMES } from '../src/mcp/tools/index.js';

let app: FakeApp;
let c: Connected;

beforeEach(async () => {
  app = makeApp();
  c = await connect(app);
});
afterEach(async () => {
  await c.close();
});

describe('tool listing', () => {
  it('lists every tool with a title, description, bounded input schema, output schema and annotations', async () => {
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
    for (const t of tools) {
      expect(t.title, t.name).toBeTruthy();
      expect((t.description ?? '').length, t.name).toBeGreaterThan(80);
      expect(t.outputSchema, t.name).toBeDefined();
      expect(t.annotations?.openWorldHint, t.name).toBe(false);
      expect(typeof t.annotations?.readOnlyHint, t.name).toBe('boolean');
      expect(typeof t.annotations?.idempotentHint, t.name).toBe('boolean');
      expect(typeof t.annotations?.destructiveHint, t.name).toBe('boolean');
      const props = (t.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
      for (const [k, p] of Object.entries(props))
        expect(p.description, `${t.name}.${k}`).toBeTruthy();
      expect(t.inputSchema.additionalProperties, t.name).toBe(false);
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('import_tenant_data')?.annotations?.destructiveHint).toBe(true);
    expect(byName.get('list_tenants')?.annotations?.readOnlyHint).toBe(true);
    expect(byName.get('run_phase')?.annotations?.readOnlyHint).toBe(false);
    const runProps = byName.get('run_phase')?.inputSchema.properties as Record<
      string,
      Record<string, unknown>
    >;
    expect(runProps.phase.enum).toEqual([0, 1, 2, 3]);
    expect((runProps.tenants as { maxItems?: number }).maxItems).toBe(5000);
    expect(runProps.folds).toMatchObject({ minimum: 2, maximum: 10 });
  });

  it('gives the workflow in the server instructions', () => {
    const instr = c.client.getInstructions() ?? '';
    for (const w of [
      'list_tenants',
      'run_phase',
      'check_gates',
      'compare_phases',
      'explain_tenant',
      'wait:false',
      'get_run',
      '0.50',
      'plan_budget',
      'missing_prerequisite_run',
    ]) {
      expect(instr).toContain(w);
    }
    expect(c.client.getServerVersion()).toMatchObject({
      name: 'weathervane-mmm',
      version: '9.9.9',
    });
  });
});

describe('happy paths', () => {
  it('list_tenants lists all tenants and filters by tier', async () => {
    const all = await call(c, 'list_tenants', {});
    expect(all.isError).toBeFalsy();
    expect((all.structuredContent as { total: number }).total).toBe(20);
    const extreme = await call(c, 'list_tenants', { tier: 'extreme' });
    const sc = extreme.structuredContent as {
      tenants: { tenant: string; tier: string }[];
      total: number;
    };
    expect(sc.total).toBe(5);
    expect(sc.tenants.every((t) => t.tier === 'extreme')).toBe(true);
    expect(text(extreme)).toContain('extreme_ski_gear');
  });

  it('list_tenants pages like list_runs: 2,228 tenants answer in well under 60 KB', async () => {
    // 2,228 tenants were one 580 KB answer, no limit or offset.
    const template = app.tenants[0];
    for (let i = 0; i < 2208; i++) {
      app.tenants.push({
        ...template,
        tenant: `big_s12_${String(i).padStart(4, '0')}`,
        tier: 'custom',
        channels: Array.from({ length: 6 }, (_, k) => `channel_${k}`),
      });
    }
    const first = await call(c, 'list_tenants', {});
    expect(first.isError, text(first)).toBeFalsy();
    expect(JSON.stringify(first).length).toBeLessThan(35_000);
    const sc = first.structuredContent as {
      tenants: { tenant: string }[];
      total: number;
      offset: number;
      next_offset: number | null;
    };
    expect([sc.tenants.length, sc.total, sc.offset, sc.next_offset]).toEqual([100, 2228, 0, 100]);
    expect(text(first)).toMatch(/^Tenants 1-100 of 2228 \(/);
    expect(text(first)).toContain(
      '2128 more: call list_tenants with offset 100 for the next page.',
    );
    const last = await call(c, 'list_tenants', { offset: 2200, limit: 200 });
    const lsc = last.structuredContent as typeof sc;
    expect([lsc.tenants.length, lsc.offset, lsc.next_offset]).toEqual([28, 2200, null]);
    expect(lsc.tenants[27].tenant).toBe('big_s12_2207');
    expect(text(last)).not.toContain('more:');
    // The largest page (200) stays near it.
    const big = await call(c, 'list_tenants', { offset: 100, limit: 200 });
    expect(JSON.stringify(big).length).toBeLessThan(80_000);
    // Pages of a tier, and the tier in the way to the next page.
    const custom = await call(c, 'list_tenants', { tier: 'custom', limit: 5 });
    expect((custom.structuredContent as typeof sc).total).toBe(2208);
    expect(text(custom)).toContain('call list_tenants with offset 5 and tier custom');
    const limitError = await call(c, 'list_tenants', { limit: 201 });
    expect(limitError.isError).toBe(true);
    expect(text(limitError)).toContain('limit must be an integer from 1 to 200');
  });

  it('train_tenant returns the TenantResult and passes options to the app', async () => {
    const r = await call(c, 'train_tenant', {
      tenant: 'extreme_ski_gear',
      phase: 1,
      options: { folds: 3 },
    });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual({ ...fakeResult('extreme_ski_gear', 1, 3), warnings: [] });
    expect(text(r)).toMatch(/extreme_ski_gear phase 1 \(ridge\): mean R² \d\.\d{3}/);
    // The folds behind the mean, beside the oracle's, in the text an agent reads.
    const res = fakeResult('extreme_ski_gear', 1, 3);
    expect(text(r).split('\n')[1]).toBe(
      `Folds R² ${res.fold_r2.map((x) => x.toFixed(3)).join(', ')} (oracle 0.900, 0.900, 0.900), trained on 365, 465, 565 rows.`,
    );
  });

  it('run_phase waits, returns summary, sorted rows and the gate decision', async () => {
    const r = await call(c, 'run_phase', { phase: 1 });
    expect(r.isError).toBeFalsy();
    const sc = r.structuredContent as {
      run_id: number;
      status: string;
      summary: { pass_count: number; total: number; mean_r2: number };
      rows: { tenant: string; mean_r2: number; passes: boolean }[];
      gate: { decision: string; phase: number };
    };
    expect(sc.status).toBe('done');
    expect(sc.rows).toHaveLength(20);
    const r2 = sc.rows.map((x) => x.mean_r2);
    expect(r2).toEqual([...r2].sort((a, b) => b - a));
    // Summary figures recomputed from the canned results.
    const expected = app.tenants.map((t) => fakeResult(t.tenant, 1));
    expect(sc.summary.pass_count).toBe(expected.filter((x) => x.mean_r2 >= 0.5).length);
    expect(sc.summary.mean_r2).toBeCloseTo(expected.reduce((s, x) => s + x.mean_r2, 0) / 20, 12);
    expect(sc.gate.phase).toBe(1);
    expect(sc.gate.decision).toMatch(/^[A-Z_0-9]+$/);
    expect(text(r)).toContain(`Gate: ${sc.gate.decision}`);
  });

  it('run_phase with a second identical call is served from the store unless force', async () => {
    await call(c, 'run_phase', { phase: 0, tenants: ['extreme_ski_gear', 'none_books'] });
    const again = await call(c, 'run_phase', {
      phase: 0,
      tenants: ['extreme_ski_gear', 'none_books'],
    });
    expect((again.structuredContent as { cached: boolean }).cached).toBe(true);
    const forced = await call(c, 'run_phase', {
      phase: 0,
      tenants: ['extreme_ski_gear', 'none_books'],
      force: true,
    });
    expect((forced.structuredContent as { cached: boolean }).cached).toBe(false);
    expect(app.startRequests.at(-1)).toMatchObject({ force: true });
  });

  it('get_run pages results and list_runs paginates', async () => {
    for (const phase of [0, 1, 2]) await call(c, 'run_phase', { phase });
    const g = await call(c, 'get_run', { run_id: 2, results_offset: 5, results_limit: 10 });
    const sc = g.structuredContent as {
      results: unknown[];
      results_total: number;
      next_results_offset: number | null;
      phase: number;
    };
    expect(sc.phase).toBe(1);
    expect(sc.results).toHaveLength(10);
    expect(sc.results_total).toBe(20);
    expect(sc.next_results_offset).toBe(15);
    // The text names the page's rows and the next page (a text-only client had one line).
    const rows = sc.results as { tenant: string; mean_r2: number; passes: boolean }[];
    const lines = text(g).split('\n');
    expect(lines).toHaveLength(1 + 10 + 1);
    expect(lines[1]).toMatch(
      new RegExp(`^6\\. ${rows[0].tenant}: R² ${rows[0].mean_r2.toFixed(3)}`),
    );
    expect(lines[1]).toContain(rows[0].passes ? ', passes, ' : ', fails, ');
    expect(lines[11]).toBe(
      'Rows 6-15 of 20 by mean R² (structured results); next page: results_offset 15.',
    );
    const page1 = await call(c, 'list_runs', { limit: 2 });
    const p1 = page1.structuredContent as {
      runs: { run_id: number }[];
      total: number;
      next_offset: number | null;
    };
    expect(p1.total).toBe(3);
    expect(p1.runs.map((r) => r.run_id)).toEqual([3, 2]);
    expect(p1.next_offset).toBe(2);
    const page2 = await call(c, 'list_runs', { limit: 2, offset: 2 });
    const p2 = page2.structuredContent as {
      runs: { run_id: number }[];
      next_offset: number | null;
    };
    expect(p2.runs.map((r) => r.run_id)).toEqual([1]);
    expect(p2.next_offset).toBeNull();
    const byPhase = await call(c, 'list_runs', { phase: 2 });
    expect((byPhase.structuredContent as { total: number }).total).toBe(1);
  });

  it('compare_phases accepts a bare phase, {phase} and {run_id}', async () => {
    await call(c, 'run_phase', { phase: 0 });
    await call(c, 'run_phase', { phase: 1 });
    const bare = await call(c, 'compare_phases', { a: 0, b: 1 });
    expect(bare.isError).toBeFalsy();
    const sc = bare.structuredContent as {
      mean_r2_delta: number;
      a: { phase: number };
      b: { phase: number };
    };
    expect(sc.a.phase).toBe(0);
    expect(sc.b.phase).toBe(1);
    // Every fake tenant gains 0.06 from phase 0 to 1 unless capped at 0.95.
    const delta =
      app.tenants.reduce(
        (s, t) => s + fakeResult(t.tenant, 1).mean_r2 - fakeResult(t.tenant, 0).mean_r2,
        0,
      ) / 20;
    expect(sc.mean_r2_delta).toBeCloseTo(delta, 12);
    const objects = await call(c, 'compare_phases', { a: { run_id: 1 }, b: { phase: 1 } });
    expect(objects.structuredContent).toEqual(bare.structuredContent);
    const strings = await call(c, 'compare_phases', { a: 'run:1', b: '1' });
    expect(strings.structuredContent).toEqual(bare.structuredContent);
  });

  it('check_gates returns decision, criteria with figures and escalation', async () => {
    await call(c, 'run_phase', { phase: 0 });
    await call(c, 'run_phase', { phase: 1 });
    const r = await call(c, 'check_gates', { phase: 1, pass_threshold: 0.5 });
    const g = r.structuredContent as {
      decision: string;
      reasons: string[];
      success_criteria: { name: string; actual: number | null }[];
      escalation_criteria: unknown[];
      escalation: unknown;
      pass_count: number;
    };
    const passCount = app.tenants.filter((t) => fakeResult(t.tenant, 1).mean_r2 >= 0.5).length;
    expect(g.pass_count).toBe(passCount);
    expect(g.reasons.length).toBeGreaterThan(0);
    expect(g.success_criteria.length).toBeGreaterThan(0);
    expect(Array.isArray(g.escalation_criteria)).toBe(true);
    expect(text(r)).toContain(`Phase 1 gate: ${g.decision} — ${passCount}/20 pass`);
  });

  it('explain_tenant defaults to phase 3', async () => {
    const r = await call(c, 'explain_tenant', { tenant: 'extreme_rain_gear' });
    expect(r.isError).toBeFalsy();
    const e = r.structuredContent as { phase: number; channels: { channel: string }[] };
    expect(e.phase).toBe(3);
    expect(e.channels.map((x) => x.channel)).toEqual(['meta', 'google']);
    expect(text(r)).toContain('meta ROAS 2.00 [1.60 to 2.40; 1.30 to 2.70]');
    expect(text(r)).toContain('mean fold R² 0.420 ± 0.030 (SE)');
    // Caveats come first, in the text and as a structured field.
    expect(text(r).split('\n')[0]).toMatch(/^CAVEAT model_fails_threshold: /);
    const caveats = (r.structuredContent as { caveats: { code: string; channels?: string[] }[] })
      .caveats;
    expect(caveats[0].code).toBe('model_fails_threshold');
    expect(caveats[0].channels).toBeUndefined();
    // A caveat about some channels names them (agents act on them without parsing the message).
    expect(caveats[1]).toMatchObject({ code: 'interval_spans_zero', channels: ['google'] });
  });

  it('import_tenant_data imports CSV text, maps roles, and replace is required to overwrite', async () => {
    const csv = 'date,revenue,meta_spend\n2024-01-01,100,10\n2024-01-02,110,12\n';
    const r = await call(c, 'import_tenant_data', {
      tenant: 'acme',
      csv,
      roles: { target: 'revenue', spend_columns: ['meta_spend'] },
    });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ tenant: 'acme', rows: 2, replaced: false });
    // The next step is the full model, as in the CLI (`next: wv-mmm train --tenant acme --phase 3`).
    expect(text(r)).toContain('Next: run_phase {"phase": 3, "tenants": ["acme"]} (stored:');
    // Phase 3 alone is judged ESCALATE by check_gates (no phase 2 run on the same data): an
    // autopilot's probe followed this line every month and escalated every month.
    expect(text(r)).toContain(
      'For check_gates, run phases 0, 1, 2 and 3 in turn on the same tenants: each phase is judged against the one before on the same data, so phase 3 alone is judged ESCALATE (missing_prerequisite_run).',
    );
    expect(app.imports[0].roles).toEqual({ target: 'revenue', spendColumns: ['meta_spend'] });
    const again = await call(c, 'import_tenant_data', { tenant: 'acme', csv });
    expect(again.isError).toBe(true);
    expect(text(again)).toContain('replace:true');
    const replaced = await call(c, 'import_tenant_data', { tenant: 'acme', csv, replace: true });
    expect(replaced.structuredContent).toMatchObject({ replaced: true });
    const listed = await call(c, 'list_tenants', { tier: 'custom' });
    expect((listed.structuredContent as { total: number }).total).toBe(1);
  });

  it('cancel_run reports a finished run as not cancelled', async () => {
    await call(c, 'run_phase', { phase: 0, tenants: ['none_books'] });
    const r = await call(c, 'cancel_run', { run_id: 1 });
    expect(r.structuredContent).toEqual({ run_id: 1, cancelled: false, status: 'done' });
    expect(text(r)).toContain('nothing to cancel');
  });
});
