/**
 * A stored model that no longer fits the tenant's data (its columns or roles changed by a re-import
 * since it was fitted: "series controls wind_kph differ from the model's none") is no input
 * problem of the call. The plan task returned it as one ({ok: false}, then "Fix the argument and
 * call the tool again" over MCP, exit 2 "usage" in the CLI); it is a conflict whose message says
 * what to do.
 */
import { describe, expect, it } from 'vitest';
import { mapComputeError } from '../src/app/errors.js';
import { computePlan } from '../src/app/plan-task.js';
import { AppError } from '../src/app/types.js';
import { finalToJSON } from '../src/phases/final.js';
import { weeklyPlanTenant } from './plan-helpers.js';

describe('a stored model that does not fit the data', () => {
  it('is thrown by the plan task and reaches the caller as a conflict', () => {
    const w = weeklyPlanTenant(9702);
    // The model as stored before the re-import: fitted with a control the data no longer has.
    const stored = { ...finalToJSON(w.phase3), controls: ['wind_kph'] };
    let thrown: unknown;
    try {
      const out = computePlan(
        { kind: 'shape', tenant: w.id, seed: w.seed, shape: w.spec },
        w.series,
        w.tenant,
        stored,
        {
          horizon: 4,
          bounds: [],
          objective: { kind: 'revenue' },
          outlook: { scenario: 'typical' },
          replicates: 0,
        },
      );
      thrown = out.ok ? null : `returned as an input problem: ${out.error}`;
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(RangeError);
    expect((thrown as Error).message).toMatch(
      /^series controls .* differ from the model's wind_kph/,
    );
    const mapped = mapComputeError(thrown, () => {}) as AppError;
    expect(mapped.code).toBe('conflict');
    expect(mapped.message).toContain('run phase 3 for the tenant again with force');
    // The same words from a queue job (a plain Error with the job's failedReason).
    expect((mapComputeError(new Error((thrown as Error).message), () => {}) as AppError).code).toBe(
      'conflict',
    );
  });
});
