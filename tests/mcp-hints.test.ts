/**
 * The MCP face adds a next-step hint to an app error only where it applies (a sweep found
 * "pass replace:true" after a cancelled run's refusal and "list_runs" after a missing lift test).
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/app/index.js';
import { errorResult } from '../src/mcp/results.js';

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
          'none_kitchen has no lift test #999; its lift tests are none; nothing was deleted',
          'not_found',
        ),
      ),
    ).not.toContain('list_runs');
  });
});
