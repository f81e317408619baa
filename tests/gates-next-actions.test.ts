/**
 * check_gates' next step as calls (next_actions, needs_person): an autopilot read the next step
 * in prose only, "Proceed to phase 2 ... report the result to the modeling lead" in one sentence
 * (probe s75 K).
 */
import { describe, expect, it } from 'vitest';
import { withOwnTenantSteps } from '../src/app/judge.js';
import { FACE_WORDS } from '../src/app/words.js';
import { decideGates } from '../src/gates/index.js';
import { makeResult } from './gates-factory.js';

const tenants = ['a', 'b'];
const results = (phase: 0 | 1 | 2 | 3, r2: number) => tenants.map((t) => makeResult(t, phase, r2));

describe('next_actions', () => {
  it('phase 0: run phase 1 on the same tenants, then judge it', () => {
    const d = decideGates({ phase: 0, results: results(0, 0.6) });
    expect(d.decision).toBe('BASELINE_RECORDED');
    expect(d.next_actions!.map((a) => [a.action, a.phase, a.tenants])).toEqual([
      ['run_phase', 1, tenants],
      ['check_gates', 1, undefined],
    ]);
    expect(d.needs_person).toBe(false);
  });

  it('a missing baseline run: make it and judge again, no person', () => {
    const d = decideGates({ phase: 1, results: results(1, 0.6), baseline: null });
    expect(d.decision).toBe('ESCALATE');
    expect(d.next_actions!.map((a) => [a.action, a.phase])).toEqual([
      ['run_phase', 0],
      ['check_gates', 1],
    ]);
    expect(d.needs_person).toBe(false);
  });

  it('phase 1 too few passing: phase 2, then the report the plan asks for, which holds nothing', () => {
    const d = decideGates({
      phase: 1,
      results: results(1, 0.3),
      baseline: results(0, 0.28),
    });
    expect(d.decision).toBe('ESCALATE');
    expect(d.next_actions!.map((a) => [a.action, a.phase])).toEqual([
      ['run_phase', 2],
      ['check_gates', 2],
      ['ask_person', undefined],
    ]);
    expect(d.needs_person).toBe(false);
  });

  it('phase 3 below the bar: a person first; own tenants add explain calls; SUCCESS: nothing', () => {
    const d = decideGates({
      phase: 3,
      results: results(3, 0.37),
      previous: { phase: 2, results: results(2, 0.33) },
      baseline: results(0, 0.3),
    });
    expect(d.decision).toBe('ESCALATE');
    expect(d.next_actions!.map((a) => a.action)).toEqual(['ask_person']);
    expect(d.needs_person).toBe(true);
    const own = withOwnTenantSteps(FACE_WORDS.mcp, d, tenants);
    expect(own.next_actions!.map((a) => [a.action, a.tenant])).toEqual([
      ['ask_person', undefined],
      ['explain_tenant', 'a'],
      ['explain_tenant', 'b'],
    ]);
    const ok = decideGates({
      phase: 3,
      results: results(3, 0.8),
      previous: { phase: 2, results: results(2, 0.75) },
      baseline: results(0, 0.7),
    });
    expect(ok.decision).toBe('SUCCESS');
    expect(ok.next_actions).toEqual([]);
    expect(ok.needs_person).toBe(false);
  });

  it('names the tenants of the compared runs that this run leaves out', () => {
    const d = decideGates({
      phase: 3,
      results: [makeResult('a', 3, 0.8)],
      previous: { phase: 2, results: results(2, 0.75) },
      baseline: [...results(0, 0.7), makeResult('c', 0, 0.6)],
    });
    expect([d.decision, d.pass_count, d.total]).toEqual(['SUCCESS', 1, 1]);
    expect(d.tenants_not_in_run).toEqual(['b', 'c']);
    expect(d.reasons).toContain(
      "Judged on this run's 1 tenant only: 2 tenants of the runs compared with are not in it (b, c; tenants_not_in_run); run the phase with them to judge them together.",
    );
    const all = decideGates({ phase: 0, results: results(0, 0.6) });
    expect(all.tenants_not_in_run).toEqual([]);
  });
});
