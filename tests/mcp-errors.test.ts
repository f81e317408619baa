/** Invalid arguments, unknown ids and app failures come back as isError results with actionable text. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapComputeError, RemoteComputeError } from '../src/app/errors.js';
import { AppError } from '../src/app/types.js';
import { StoreBusyError, StoreError } from '../src/store/index.js';
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
    // One id sent where a list goes: what was given and the list to send.
    await expectError(
      'run_phase',
      { phase: 1, tenants: 'extreme_ski_gear' },
      'tenants must list 1 to 5000',
      'got the string "extreme_ski_gear", not a list (pass ["extreme_ski_gear"])',
    );
    await expectError(
      'explain_tenant',
      { tenant: 'extreme_ski_gear', channels: 'meta' },
      'channels must be a list of channel names',
      'got the string "meta", not a list (pass ["meta"])',
    );
    await expectError(
      'import_tenant_data',
      { tenant: 'x', csv: 'date,revenue\n', roles: { spend_columns: 'meta_spend' } },
      'spend_columns must be an array of column names',
      'got the string "meta_spend", not a list (pass ["meta_spend"])',
    );
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

  it('nested parameters of the wrong shape say what they should look like', async () => {
    // zod's own texts ("Invalid input: expected array, received object", "Unrecognized key")
    // named the path but not what to pass; every case below gave one of them.
    const cases: [string, Record<string, unknown>, string][] = [
      [
        'plan_budget',
        { tenant: 'acme', bounds: { meta: 1 } },
        'bounds must be an array of bound objects such as [{"channel": "meta"',
      ],
      [
        'plan_budget',
        { tenant: 'acme', bounds: ['meta=1:'] },
        'each bound must be an object such as {"channel": "meta"',
      ],
      [
        'plan_budget',
        { tenant: 'acme', bounds: [{ channel: 'meta', minimum: 1 }] },
        'unknown parameter(s): minimum; valid parameters: channel, min, max, per_period, multiple_of_historical at bounds[0]',
      ],
      [
        'plan_budget',
        { tenant: 'acme', bounds: [{ channel: 'meta', min: '5' }] },
        'bounds min and max must be numbers from 0 to',
      ],
      [
        'plan_budget',
        { tenant: 'acme', bounds: [{ channel: '' }] },
        "channel must be the name of one of the tenant's channels",
      ],
      [
        'plan_budget',
        { tenant: 'acme', bounds: [{ channel: 'meta', per_period: 'yes' }] },
        'per_period must be true or false',
      ],
      [
        'plan_budget',
        { tenant: 'acme', replicates: '10' },
        'replicates must be 0 or a whole number from 10 to 200',
      ],
      [
        'plan_budget',
        { tenant: 'acme', target_roas: 2, target_lower_end: 'yes' },
        'target_lower_end must be true or false',
      ],
      [
        'plan_budget',
        { tenant: 'acme', after_horizon: 'later' },
        'after_horizon must be one of stop, continue',
      ],
      [
        'plan_budget',
        { tenant: 'acme', forecast_csv: ['a'] },
        'forecast_csv must be the forecast as CSV text',
      ],
      [
        'add_lift_test',
        { tenant: 'acme', tests: { channel: 'meta' } },
        'tests must be an array of test objects, each with channel, start_date',
      ],
      [
        'add_lift_test',
        { tenant: 'acme', tests: ['meta'] },
        'each test must be an object with channel, start_date',
      ],
      [
        'train_tenant',
        { tenant: 'acme', phase: 1, options: 'fast' },
        'options must be an object such as {"folds": 5',
      ],
      [
        'train_tenant',
        { tenant: 'acme', phase: 1, options: { alphas: 5 } },
        'alphas must be an array of 1 to 20 numbers',
      ],
      [
        'import_tenant_data',
        { tenant: 'acme', csv: 'a', roles: 'x' },
        'roles must be an object such as {"spend_columns"',
      ],
      [
        'import_tenant_data',
        { tenant: 'acme', csv: 'a', roles: { spend_columns: 'fb' } },
        'spend_columns must be an array of column names',
      ],
      [
        'run_phase',
        { phase: 1, tenants: 'extreme_ski_gear' },
        'tenants must list 1 to 5000 tenant ids',
      ],
    ];
    for (const [tool, args, fragment] of cases) {
      const t = await expectError(tool, args, fragment);
      expect(t).not.toMatch(/Invalid input|Unrecognized key|Too small|expected \w+, received/);
    }
    expect(app.startRequests).toHaveLength(0);
    expect(app.imports).toHaveLength(0);
  });

  it('says each problem once, without an "at <path>" that repeats the name', async () => {
    // folds: 1e308 fails two checks with one message: it read "folds must be an integer from 2
    // to 10 at folds", twice, on two lines.
    const t = await expectError('run_phase', { phase: 0, folds: 1e308 });
    expect(t).toBe(
      'MCP error -32602: Input validation error: Invalid arguments for tool run_phase: folds must be an integer from 2 to 10',
    );
    // Two different problems stay two lines; a nested path that says more stays.
    const two = await expectError('run_phase', { phase: 9, folds: 1.5 });
    expect(two.split('\n')).toHaveLength(2);
    expect(two).not.toMatch(/ at (phase|folds)\b/);
    await expectError(
      'plan_budget',
      { tenant: 'extreme_ski_gear', budget: 1000, bounds: [{ channel: 'tv', minimum: 1 }] },
      ' at bounds[0]',
    );
  });

  it('the 20 MiB csv limit counts UTF-8 bytes, in one message', async () => {
    // 11 Mi "é" are 22 MiB of UTF-8: the check counted characters and let them through.
    const csv = 'date,revenue\n' + 'é'.repeat(11 * 1024 * 1024);
    const bytes = Buffer.byteLength(csv, 'utf8');
    const t = await expectError(
      'import_tenant_data',
      { tenant: 'big', csv },
      `csv is ${bytes} bytes of UTF-8 text, over the 20 MiB limit (20971520 bytes); save it to a file in an allowed directory and pass path instead`,
    );
    expect(t.split('over the 20 MiB limit').length - 1).toBe(1);
    await expectError(
      'plan_budget',
      { tenant: 'extreme_ski_gear', budget: 1000, forecast_csv: csv },
      `forecast_csv is ${bytes} bytes of UTF-8 text, over the 20 MiB limit`,
    );
    await expectError(
      'add_lift_test',
      { tenant: 'extreme_ski_gear', csv },
      `csv is ${bytes} bytes of UTF-8 text, over the 20 MiB limit`,
    );
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

  it("the engine's own RangeErrors (a stack overflow) are internal, not the arguments", async () => {
    // A 1,000-tenant run report overflowed vega's stack; the text said "Fix the argument".
    app.writeReport = () => Promise.reject(new RangeError('Maximum call stack size exceeded'));
    const t = await expectError(
      'get_report',
      { run_id: 1 },
      'get_report failed with an unexpected error (an internal error, not a problem with the arguments)',
    );
    expect(t).not.toContain('Fix the argument');
    expect(c.logs.some((l) => l.level === 'error' && l.message.includes('call stack'))).toBe(true);
    // the core's own RangeErrors stay input problems
    app.writeReport = () => Promise.reject(new RangeError('folds must be from 2 to 10'));
    await expectError(
      'get_report',
      { run_id: 1 },
      'folds must be from 2 to 10',
      'Fix the argument',
    );
  });

  it('a worker that overflowed its stack is an internal AppError, a bad option an input one', () => {
    const quiet = () => {};
    const code = (e: Error) => (mapComputeError(e, quiet) as AppError).code;
    expect(code(new RangeError('Maximum call stack size exceeded'))).toBe('internal');
    expect(code(new RangeError('Invalid array length'))).toBe('internal');
    expect(code(new RangeError('alpha must be positive'))).toBe('invalid_argument');
  });

  it('a failure reported by a queue worker is said without a stack; an unexpected one is logged with it', () => {
    const lines: string[] = [];
    const log = (_level: string, message: string) => lines.push(message);
    const remote = mapComputeError(new RemoteComputeError('worker thread exited'), log) as AppError;
    expect(remote.code).toBe('internal');
    expect(remote.message).toBe('the computation failed: worker thread exited');
    expect(lines).toEqual([]);
    const bug = mapComputeError(new TypeError('x is undefined'), log) as AppError;
    expect(bug.code).toBe('internal');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^compute failed: TypeError: x is undefined\n\s+at /);
  });

  it('a queue error says what to do without the state-directory hint', async () => {
    app.getRun = () => {
      throw new AppError(
        "worker w runs model code a, and the job (train x phase 0) was queued by code b: its figures would not be the coordinator's; no worker of that code took the job within 30 s (refused 3 time(s)); run workers built from the coordinator's code (the same commit, npm run build)",
        'unavailable',
      );
    };
    const t = await expectError('get_run', { run_id: 1 }, 'run workers built from');
    expect(t).not.toMatch(/disk full|state directory/);
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

  it('an unknown tool is a protocol error (-32602) naming the tools, not an error result', async () => {
    // The MCP spec lists an unknown tool among the protocol errors; it was an isError result
    // reading "MCP error -32602: Tool drop_everything not found".
    const err = await call(c, 'drop_everything', {}).then(
      () => undefined,
      (e: unknown) => e as { code?: number; message?: string },
    );
    expect(err?.code).toBe(-32602);
    expect(err?.message).toContain('unknown tool "drop_everything"; the tools are list_tenants, ');
    expect(err?.message).toContain('tools/list');
    expect(err?.message).not.toMatch(/-32602: MCP error/);
  });
});

describe('the machine-readable reason of every error result', () => {
  const reason = (r: { _meta?: Record<string, unknown> }) => r._meta?.['weathervane/error'];
  const errorOf = async (name: string, args: Record<string, unknown>) => {
    const r = await call(c, name, args);
    expect(r.isError, `${name} ${JSON.stringify(args).slice(0, 80)}`).toBe(true);
    return { reason: reason(r), text: text(r) };
  };

  it("carries the app's code and whether the same call can simply be made again", async () => {
    // The SDK's own refusal of an argument, before the tool runs.
    expect((await errorOf('run_phase', { phase: 1, folds: 1 })).reason).toEqual({
      code: 'invalid_argument',
      retryable: false,
    });
    // A tool's own check of its arguments.
    expect((await errorOf('import_tenant_data', { tenant: 'acme' })).reason).toEqual({
      code: 'invalid_argument',
      retryable: false,
    });
    expect((await errorOf('get_run', { run_id: 42 })).reason).toEqual({
      code: 'not_found',
      retryable: false,
    });
    app.getRun = () => {
      throw new AppError('SELECT * FROM runs failed', 'internal');
    };
    expect((await errorOf('get_run', { run_id: 1 })).reason).toEqual({
      code: 'internal',
      retryable: false,
    });
    app.listTenants = () => [{ tenant: 'x' }] as never;
    expect((await errorOf('list_tenants', {})).reason).toEqual({
      code: 'internal',
      retryable: false,
    });
  });

  it('a store locked by another process is busy and retryable, not "disk full"', async () => {
    // The store's words for SQLITE_BUSY ("database is locked"): it said "disk full or read-only
    // ... the operator must free space", which sent an agent and its operator the wrong way.
    app.listRuns = () => {
      throw new StoreBusyError(
        "cannot recover interrupted runs: another process holds the store's write lock (database is locked: a backup, a database browser or another long write); nothing of this write was kept, retry shortly",
      );
    };
    const busy = await errorOf('list_runs', {});
    expect(busy.reason).toEqual({ code: 'busy', retryable: true });
    expect(busy.text).toContain('call the tool again in a few seconds');
    expect(busy.text).not.toMatch(/disk full|free space/);
    // The same error as the app maps it (a run's write that failed).
    app.getRun = () => {
      throw new AppError('cannot finish run 3: database is locked', 'busy');
    };
    expect((await errorOf('get_run', { run_id: 3 })).reason).toEqual({
      code: 'busy',
      retryable: true,
    });
    // A full disk still says so.
    app.listRuns = () => {
      throw new StoreError(
        'cannot create run: database or disk is full; the state directory may be full or read-only (set WV_MMM_STATE_DIR to a writable directory)',
      );
    };
    const full = await errorOf('list_runs', {});
    expect(full.reason).toEqual({ code: 'unavailable', retryable: false });
    expect(full.text).toContain('the operator must free space');
    // Another refusal of the store is not called a full disk.
    app.listRuns = () => {
      throw new StoreError('run 3 is already done');
    };
    const other = await errorOf('list_runs', {});
    expect(other.reason).toEqual({ code: 'unavailable', retryable: false });
    expect(other.text).not.toMatch(/disk full|free space/);
  });

  it("a stored model that no longer fits the tenant's data is a conflict, not the caller's argument", async () => {
    // Re-imported with wind_kph moved from weather to controls, the plan read "series controls
    // wind_kph differ from the model's none / Fix the argument and call the tool again".
    const mismatch = new RangeError("series controls wind_kph differ from the model's none");
    app.getRun = () => {
      throw mismatch;
    };
    const direct = await errorOf('get_run', { run_id: 1 });
    expect(direct.reason).toEqual({ code: 'conflict', retryable: false });
    expect(direct.text).not.toContain('Fix the argument');
    expect(direct.text).toContain('run phase 3 for the tenant again with force');
    // The same through a worker (mapComputeError), as plan_budget and explain_tenant get it.
    const mapped = mapComputeError(mismatch, () => {}) as AppError;
    expect(mapped.code).toBe('conflict');
  });
});
