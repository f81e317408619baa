/** Phase 0 and phase 1 results of a few built-in tenants, as a run report shows them. */
import { compute } from '../src/app/compute.js';
import type { TenantResult } from '../src/phases/types.js';
import { TEST_CONFIG } from './report-helpers.js';

export function engineRunResults(tenants: string[]): { r0: TenantResult[]; r1: TenantResult[] } {
  const run = (phase: 0 | 1) =>
    tenants.map((tenant) => {
      const out = compute({
        kind: 'train',
        phase,
        config: TEST_CONFIG,
        source: { kind: 'builtin', tenant },
      });
      if (out.kind !== 'train') throw new Error('unexpected compute result');
      return out.result;
    });
  return { r0: run(0), r1: run(1) };
}
