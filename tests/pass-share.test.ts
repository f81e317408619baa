/**
 * Pass shares as people read them: 199 of 200 passing tenants read "199/200 pass (100%)" in
 * run_phase, list_runs, check_gates and the CLI. A share that is not all never reads 100%, and
 * one that is not none never reads 0%.
 */
import { describe, expect, it } from 'vitest';
import { shareText } from '../src/core/share.js';
import { decideGates } from '../src/gates/index.js';
import { summaryLine } from '../src/mcp/results.js';
import { makeRun } from './gates-factory.js';

describe('shareText', () => {
  it('whole percent, with one decimal where that would round to 0 or 100', () => {
    expect(shareText(7 / 20)).toBe('35%');
    expect(shareText(0)).toBe('0%');
    expect(shareText(1)).toBe('100%');
    expect(shareText(199 / 200)).toBe('99.5%');
    expect(shareText(1 / 200)).toBe('1%');
    expect(shareText(1 / 300)).toBe('0.3%');
    expect(shareText(199 / 201)).toBe('99%');
    // beyond one decimal: held at 99.9% / 0.1%
    expect(shareText(4999 / 5000)).toBe('99.9%');
    expect(shareText(1 / 5000)).toBe('0.1%');
    expect(shareText(Number.NaN)).toBe('n/a');
  });

  it('with one decimal asked for', () => {
    expect(shareText(7 / 20, 1)).toBe('35.0%');
    expect(shareText(1, 1)).toBe('100.0%');
    expect(shareText(1999 / 2000, 1)).toBe('99.9%');
    expect(shareText(1 / 2001, 1)).toBe('0.1%');
  });
});

describe('where pass shares are printed', () => {
  it('the MCP summary line (run_phase, list_runs, get_run)', () => {
    const s = {
      phase: 0 as const,
      total: 200,
      pass_count: 199,
      pass_rate: 199 / 200,
      mean_r2: 0.6,
      mean_oracle_r2: null,
      mean_oracle_gap: null,
    };
    expect(summaryLine(s)).toBe('mean R² 0.600, 199/200 pass (99.5%)');
    expect(summaryLine({ ...s, pass_count: 1, total: 300, pass_rate: 1 / 300 })).toContain(
      '1/300 pass (0.3%)',
    );
  });

  it("the gate's pass-rate criterion and reason", () => {
    const n = 2000;
    const d = decideGates({
      phase: 3,
      results: makeRun(3, n - 1, n, 0.75),
      previous: { phase: 2, results: makeRun(2, 0, n) },
      baseline: makeRun(0, 0, n),
    });
    const rate = d.success_criteria.find((c) => c.name === 'pass_rate')!;
    expect(rate.detail).toContain('1999/2000 = 99.9%');
    expect(d.reasons.join(' ')).not.toContain('100.0%');
  });
});
