/**
 * An escalation's next step for a user's own tenants below the bar names what the tools can do
 * (probe s71: an autopilot told "Stop and ask the modeling lead" had no lead and no call to make).
 */
import { describe, expect, it } from 'vitest';
import { withOwnTenantSteps } from '../src/app/judge.js';
import { FACE_WORDS } from '../src/app/words.js';
import { decideGates } from '../src/gates/index.js';
import { makeResult } from './gates-factory.js';

const phase3 = (tenant: string, r2: number) =>
  decideGates({
    phase: 3,
    results: [makeResult(tenant, 3, r2)],
    previous: { phase: 2, results: [makeResult(tenant, 2, r2 - 0.05)] },
    baseline: [makeResult(tenant, 0, r2 - 0.05)],
  });

describe('the next step of an escalation on own tenants', () => {
  it('names explain, the import again and lift tests in each face’s words', () => {
    const d = phase3('probe_shop', 0.37);
    expect(d.decision).toBe('ESCALATE');
    const mcp = withOwnTenantSteps(FACE_WORDS.mcp, d, ['probe_shop']);
    expect(mcp.next_step.startsWith(d.next_step)).toBe(true);
    expect(mcp.next_step).toContain('For your own tenants below the pass bar (probe_shop)');
    expect(mcp.next_step).toContain('explain_tenant with tenant "probe_shop"');
    expect(mcp.next_step).toContain('add_lift_test with tenant "probe_shop"');
    const cli = withOwnTenantSteps(FACE_WORDS.cli, d, ['probe_shop']);
    expect(cli.next_step).toContain('wv-mmm explain --tenant probe_shop');
    expect(cli.next_step).toContain('wv-mmm lift add --tenant probe_shop --file F');
    // The escalation itself keeps the plan's words.
    expect(cli.escalation).toEqual(d.escalation);
  });

  it('leaves built-in tenants, passing tenants and decisions without escalation as they are', () => {
    const builtin = phase3('extreme_ski_gear', 0.37);
    expect(withOwnTenantSteps(FACE_WORDS.mcp, builtin, ['extreme_ski_gear'])).toBe(builtin);
    const pass = phase3('probe_shop', 0.8);
    expect(pass.decision).not.toBe('ESCALATE');
    expect(withOwnTenantSteps(FACE_WORDS.mcp, pass, ['probe_shop'])).toBe(pass);
  });
});
