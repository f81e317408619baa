/**
 * The MCP face adds a next-step hint to an app error only where it applies (a sweep found
 * "pass replace:true" after a cancelled run's refusal and "list_runs" after a missing lift test).
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/app/index.js';
import { errorResult } from '../src/mcp/results.js';
import { StoreBusyError, StoreError } from '../src/store/index.js';

const textOf = (tool: string, e: AppError): string => {
  const r = errorResult(tool, e, () => {});
  return (r.content[0] as { text: string }).text;
};

describe('MCP error hints', () => {
  it('tells an existing imported tenant to pass replace:true, nothing else', () => {
    expect(
      textOf('import_tenant_data', new AppError('tenant "acme" already exists', 'conflict')),
    ).toBe(
      'import_tenant_data: tenant "acme" already exists\nPass replace:true to overwrite the imported data.',
    );
    expect(
      textOf(
        'import_tenant_data',
        new AppError(
          "'extreme_ski_gear' is a built-in tenant and cannot be overwritten; choose another id",
          'conflict',
        ),
      ),
    ).not.toContain('replace:true');
    expect(
      textOf(
        'check_gates',
        new AppError(
          'run 9 is cancelled, not done; only finished runs can be judged: start it again with run_phase with phase 3',
          'conflict',
        ),
      ),
    ).not.toMatch(/replace:true|Call list/);
  });

  it('points to the lists for a missing tenant or run, not for a missing lift test or plan', () => {
    expect(textOf('get_run', new AppError('no run with id 42', 'not_found'))).toContain(
      'list_runs',
    );
    expect(
      textOf(
        'delete_lift_tests',
        new AppError(
          'none_kitchen has no lift tests (asked to delete #999); nothing was deleted',
          'not_found',
        ),
      ),
    ).not.toContain('list_runs');
  });
});

describe('MCP store error hints', () => {
  const textOfErr = (tool: string, e: unknown): string => {
    const r = errorResult(tool, e, () => {});
    return (r.content[0] as { text: string }).text;
  };

  it('a locked store says another process holds it and to retry, not "disk full"', () => {
    // SQLITE_BUSY read "disk full or read-only ... the operator must free space or set
    // WV_MMM_STATE_DIR", which sent the agent and its operator the wrong way.
    const t = textOfErr(
      'run_phase',
      new StoreBusyError(
        "cannot save the result of tenant a for run 1: another process holds the store's write lock (database is locked: a backup, a database browser or another long write); nothing of this write was kept, retry shortly",
      ),
    );
    expect(t).toContain("holds the store's write lock");
    expect(t).toContain('call the tool again in a few seconds');
    expect(t).not.toMatch(/disk full|free space/);
    expect(textOfErr('list_runs', new AppError('cannot finish run 1: locked', 'busy'))).toContain(
      'call the tool again in a few seconds',
    );
  });

  it('"disk full or read-only" only where the store said so', () => {
    expect(
      textOfErr(
        'run_phase',
        new StoreError(
          'cannot create run: disk I/O error; the state directory may be full or read-only (set WV_MMM_STATE_DIR to a writable directory)',
        ),
      ),
    ).toContain('the operator must free space');
    const other = textOfErr('run_phase', new StoreError('run 3 is already done'));
    expect(other).toContain('Stored runs and data are intact');
    expect(other).not.toMatch(/disk full|free space/);
    // Redis says what to do itself.
    expect(
      textOfErr(
        'run_phase',
        new AppError(
          'cannot reach Redis at redis://x:1 within 5 s; check the URL and that redis-server is running',
          'unavailable',
        ),
      ),
    ).not.toMatch(/disk full|Stored runs/);
  });
});
