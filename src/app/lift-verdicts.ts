/**
 * Explain and the planner judge each lift test against their own model's interval for its window
 * (explain: the phase-3 model's bootstrap, calibration.ts; a plan: its curve model's refits,
 * plan/calibrate.ts), so a test near the conflict line can be used by one and left out by the
 * other (docs/calibration.md "Limits"). Probe s63 (finding 4): a 2x biased test was used by
 * explain (display's ROAS 1.35 -> 3.06, no caveat) and flagged by the plan, and neither named the
 * other's verdict. Each now says so when the other's verdicts on the same tests and data are at
 * hand: a plan reads the calibrated explanation kept beside its model's run, explain the newest
 * plan on the tenant's current data.
 */
import type { LiftTest } from '../core/lift.js';
import type { Caveat, Explanation } from '../phases/types.js';

/** A lift test as one face judged it. */
export interface TestVerdict extends LiftTest {
  used: boolean;
}

/** The same stored test: its id and every figure. */
function sameTest(a: LiftTest, b: LiftTest): boolean {
  return (
    a.id === b.id &&
    a.channel === b.channel &&
    a.start === b.start &&
    a.end === b.end &&
    a.spend_change === b.spend_change &&
    a.incremental_revenue === b.incremental_revenue &&
    a.standard_error === b.standard_error
  );
}

/** Whether the two judged the same tests (none missing on either side). */
function sameTests(a: readonly LiftTest[], b: readonly LiftTest[]): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => sameTest(x, y)));
}

const label = (t: LiftTest): string =>
  `${t.id !== undefined ? `#${t.id}` : `the ${t.start}..${t.end} test`} (${t.channel})`;

/**
 * The caveat `lift_test_judged_differently` when `here` and `there` judged the same tests and
 * differ on some (used by one, left out by the other), else null. `words.here` names this output
 * ("this explanation", "this plan"), `words.there` the other ("the newest plan on these data
 * (plan 12)"), `words.remedy` what to do in this output's words.
 */
export function judgedDifferentlyCaveat(
  here: readonly TestVerdict[],
  there: readonly TestVerdict[],
  words: { here: string; there: string; remedy: string },
): Caveat | null {
  if (here.length === 0 || !sameTests(here, there)) return null;
  const verdictThere = (t: LiftTest): boolean => there.find((u) => sameTest(t, u))!.used;
  const usedOnlyHere = here.filter((t) => t.used && !verdictThere(t));
  const usedOnlyThere = here.filter((t) => !t.used && verdictThere(t));
  if (usedOnlyHere.length === 0 && usedOnlyThere.length === 0) return null;
  const channels = [...new Set([...usedOnlyHere, ...usedOnlyThere].map((t) => t.channel))];
  const parts = [
    ...(usedOnlyHere.length > 0
      ? [
          `${words.there} leaves out ${usedOnlyHere.map(label).join(', ')}, which ${words.here} uses`,
        ]
      : []),
    ...(usedOnlyThere.length > 0
      ? [
          `${words.there} uses ${usedOnlyThere.map(label).join(', ')}, which ${words.here} leaves out`,
        ]
      : []),
  ];
  return {
    code: 'lift_test_judged_differently',
    channels,
    message:
      `${parts.join('; ')}: each judges a test against its own model's interval for the window ` +
      `(explain: the phase-3 model's bootstrap; a plan: its curve model's refits), so a test near ` +
      `the line can fall on either side, and ${channels.join(', ')}'s figures rest on it in one ` +
      `and not in the other; check the experiment (window, spend change, units) before acting on ` +
      `them, and ${words.remedy} (docs/calibration.md "Limits")`,
  };
}

/**
 * Adds a caveat to an explanation's, before the per-figure ones (interval_spans_zero,
 * control_interval_spans_zero), as orderedCaveats places the explanation's own.
 */
export function withCaveat(e: Explanation, caveat: Caveat): void {
  const perFigure = new Set(['interval_spans_zero', 'control_interval_spans_zero']);
  const at = e.caveats.findIndex((c) => perFigure.has(c.code));
  e.caveats.splice(at < 0 ? e.caveats.length : at, 0, caveat);
}
