/** Invalid arguments, unknown ids and app failures come back as isError results with actionable text. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../src/app/types.js';
import type { FakeApp } from './mcp-fake-app.js';
import { call, connect, makeApp, text, type Connected } from './mcp-helpers.js';

let app: FakeApp;
let c: Connected;

beforeEach(async () => {
  app = makeApp();
  c = await connect(app);
});
afterEach(async () => {
  await c.close();
});

async function expectError(name: string, args: Record<string, unknown>, ...fragments: string[]) {
  const r = await call(c, name, args);
  expect(r.isError, `${name} ${JSON.stringify(args).slice(0, 80)}`).toBe(true);
  const t = text(r);
  for (const f of fragments) expect(t).toContain(f);
  return t;
}

describe('invalid arguments', () => {
  it('names the parameter and its valid values', async () => {
    await expectError('run_phase', { phase: 7 }, 'phase must be one of 0, 1, 2, 3');
    await expectError('run_phase', { phase: 1, folds: 1 }, 'folds must be an integer from 2 to 10');
    await expectError(
      'run_phase',
      { phase: 1, folds: 11 },
      'folds must be an integer from 2 to 10',
    );
    await expectError(
      'run_phase',
      { phase: '1' },
      'phase must be one of 0, 1, 2, 3',
      'as a number; got the string "1" (pass 1, not "1")',
    );
    await expectError('run_phase', { phase: 7 }, '; got 7');
    await expectError(
      'train_tenant',
      { tenant: 'extreme_ski_gear' },
      'phase is required: phase must be one of',
    );
    await expectError('run_phase', { phase: 1, tenants: [] }, 'tenants must list 1 to 5000');
    await expectError(
      'run_phase',
      { phase: 1, tenants: Array.from({ length: 5001 }, (_, i) => `t${i}`) },
      'tenants must list 1 to 5000',
    );
    await expectError(
      'run_phase',
      { phase: 1, tenant: 'extreme_ski_gear' },
      'unknown parameter(s): tenant',
      'valid parameters: phase, tenants',
    );
    await expectError(
      'train_tenant',
      { tenant: '../etc/passwd', phase: 1 },
      'tenant must be a tenant id',
      'list_tenants',
    );
    await expectError(
      'train_tenant',
      { tenant: 'extreme_ski_gear', phase: 1, options: { alphas: [0] } },
      'each alpha must be a number from 1e-6 to 1e6',
    );
    await expectError('train_tenant', { phase: 1 }, 'tenant must be a string tenant id');
    await expectError('list_runs', { limit: 0 }, 'limit must be an integer from 1 to 100');
    await expectError('list_runs', { limit: 101 }, 'limit must be an integer from 1 to 100');
    await expectError('get_run', { run_id: -3 }, 'run_id must be a positive integer', 'list_runs');
    await expectError(
      'check_gates',
      { phase: 1, pass_threshold: 1.5 },
      'pass_threshold must be a number from 0 to 1',
    );
    await expectError('compare_phases', { a: 9, b: 1 }, 'a must be a phase number 0-3');
    await expectError('compare_phases', { a: 'run:x', b: 1 }, 'a must be a phase number 0-3');
    await expectError(
      'list_tenants',
      { tier: 'ultra' },
      'tier must be one of extreme, high, medium, none, custom',
    );
    // Nothing reached the app.
    expect(app.startRequests).toHaveLength(0);
  });

  it('import needs exactly one of csv or path', async () => {
    await expectError('import_tenant_data', { tenant: 'acme' }, 'exactly one of csv');
    await expectError(
      'import_tenant_data',
      { tenant: 'acme', csv: 'a', path: 'b.csv' },
      'exactly one of csv',
    );
    expect(app.imports).toHaveLength(0);
  });
});

describe('unknown ids and app errors', () => {
  it('an unknown tenant says so and points to list_tenants', async () => {
    const t = await expectError(
      'train_tenant',
      { tenant: 'no_such_tenant', phase: 1 },
      'unknown tenant "no_such_tenant"',
      'list_tenants',
    );
    expect(t).toContain('extreme_ski_gear');
    await expectError(
      'run_phase',
      { phase: 0, tenants: ['extreme_ski_gear', 'nope'] },
      'unknown tenant "nope"',
    );
    await expectError('explain_tenant', { tenant: 'nope' }, 'unknown tenant "nope"');
  });

  it('an unknown run and a phase without runs point to the tool to call', async () => {
    await expectError('get_run', { run_id: 42 }, 'no run with id 42', 'list_runs');
    await expectError('cancel_run', { run_id: 42 }, 'no run with id 42');
    await expectError('check_gates', { phase: 2 }, 'no done run of phase 2', 'run_phase');
    await expectError('compare_phases', { a: 1, b: 2 }, 'no done run of phase 1');
  });

  it('a rejected import path is reported without the absolute path', async () => {
    const t = await expectError(
      'import_tenant_data',
      { tenant: 'acme', path: '/home/someone/secret/data.csv' },
      'WV_MMM_IMPORT_DIRS',
      'data.csv',
    );
    expect(t).not.toContain('/home/someone');
  });

  it('unexpected errors give a generic message and are logged, without stack or internals', async () => {
    app.listTenants = () => {
      throw new Error('SQLITE_ERROR: no such table: tenants at /opt/wv/state/store.db');
    };
    const t = await expectError('list_tenants', {}, 'list_tenants failed with an unexpected error');
    expect(t).not.toMatch(/SQLITE|store\.db|\/opt|at .*\.ts/);
    expect(c.logs.some((l) => l.level === 'error' && l.message.includes('SQLITE_ERROR'))).toBe(
      true,
    );
  });

  it('internal AppErrors are hidden too', async () => {
    app.getRun = () => {
      throw new AppError('SELECT * FROM runs failed', 'internal');
    };
    const t = await expectError('get_run', { run_id: 1 }, 'internal error');
    expect(t).not.toContain('SELECT');
  });

  it('a result that breaks the output schema is an error, not silently passed on', async () => {
    app.listTenants = () => [{ tenant: 'x' }] as never;
    await expectError('list_tenants', {}, 'Output validation error');
  });

  it('an unknown tool is an error result', async () => {
    await expectError('drop_everything', {}, 'drop_everything not found');
  });
});
