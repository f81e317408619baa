/**
 * The plan's pass-count rules, written for 20 tenants, scaled to any number of tenants.
 * Fractions are kept as integer percents so that the arithmetic is exact for any percent and any
 * number of tenants (in floating point 0.07 × 100 is 7.000000000000001, whose ceiling would
 * wrongly be 8).
 */

import type { PhaseId } from '../phases/types.js';
import type { CountThreshold } from './types.js';

/** The plan's reference number of tenants. */
export const PLAN_TENANTS = 20;

interface CountRule {
  name: string;
  percent: number;
  rule: '>=' | '>';
}

/** Count rules per phase, strongest first. Phase 0 has no gate. */
export const COUNT_RULES: Record<PhaseId, readonly CountRule[]> = {
  0: [],
  1: [
    { name: 'proceed_to_phase_2', percent: 50, rule: '>=' },
    { name: 'phase_1_sufficient', percent: 35, rule: '>=' },
  ],
  2: [
    { name: 'stop_sufficient', percent: 70, rule: '>=' },
    { name: 'unblock_product', percent: 50, rule: '>=' },
  ],
  3: [{ name: 'success', percent: 95, rule: '>' }],
};

/**
 * Smallest count c with c >= ceil(percent/100 × n) (rule '>='), or with c/n > percent/100
 * (rule '>', i.e. c = floor(percent × n / 100) + 1). percent × n is an integer, so exact.
 */
export function scaledCount(percent: number, rule: '>=' | '>', n: number): number {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new RangeError(`percent must be an integer in [0, 100], got ${percent}`);
  }
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`number of tenants must be an integer >= 1, got ${n}`);
  }
  const product = percent * n;
  return rule === '>=' ? Math.ceil(product / 100) : Math.floor(product / 100) + 1;
}

/** The phase's count rules scaled to n tenants. */
export function scaledThresholds(phase: PhaseId, n: number): CountThreshold[] {
  return COUNT_RULES[phase].map((r) => ({
    name: r.name,
    fraction: r.percent / 100,
    rule: r.rule,
    count: scaledCount(r.percent, r.rule, n),
  }));
}

/** True when passCount/n meets `>= percent%` (or `> percent%`), compared in integers. */
export function rateMeets(
  passCount: number,
  n: number,
  percent: number,
  rule: '>=' | '>',
): boolean {
  const lhs = 100 * passCount;
  const rhs = percent * n;
  return rule === '>=' ? lhs >= rhs : lhs > rhs;
}
