/**
 * A plan that cuts a channel whose ROAS the explanation of the same data cannot tell from zero
 * says so (cut_channel_not_identified): an outside autopilot's plan cut tiktok by 23% on a
 * marginal ROAS of 0.82 whose truth was 1.92, explain having said its interval spans zero, the
 * plan nothing (session 76, probe N).
 */
import { describe, expect, it } from 'vitest';
import { explanationRow, keptAnyExplanation } from '../src/app/explain.js';
import { cutUnidentifiedCaveats } from '../src/app/plan.js';
import { FACE_WORDS } from '../src/app/words.js';
import type { Explanation } from '../src/phases/types.js';
import type { PlanResult } from '../src/plan/index.js';

const iv = (lo: number, hi: number) => ({
  p80: [lo, hi] as [number, number],
  p95: [lo, hi] as [number, number],
});
const explanation = {
  tenant: 't',
  channels: [
    { channel: 'meta', roas: 2.1, intervals: { roas: iv(1.2, 3.0) } },
    { channel: 'tiktok', roas: 1.46, intervals: { roas: iv(0, 3.84) } },
    { channel: 'display', roas: 0.9, intervals: { roas: iv(0, 2.5) } },
  ],
} as unknown as Explanation;

const plan = (spend: Record<string, number>) =>
  ({
    expected_revenue: 500_000,
    channels: Object.entries(spend).map(([channel, s]) => ({ channel, spend: s })),
    baselines: [
      { name: 'historical_even', spend: { meta: 42_100, tiktok: 16_500, display: 17_000 } },
    ],
  }) as unknown as PlanResult;

/** As planBudget calls it: the explanation kept with the run for the data of hash `hash`. */
const cut = (rows: { kind: string; payload: unknown }[], hash: string, p: PlanResult) =>
  cutUnidentifiedCaveats(FACE_WORDS.cli, keptAnyExplanation(rows, hash), p);

describe('cut_channel_not_identified', () => {
  const kept = [explanationRow('h', null, '[]', explanation)];

  it('names a cut channel whose 95% interval reaches zero, not one cut less or identified', () => {
    // tiktok cut to 77% (interval at 0): named; display at 95% of (a): not cut; meta up.
    const [c] = cut(kept, 'h', plan({ meta: 49_900, tiktok: 12_700, display: 16_150 }));
    expect(c.code).toBe('cut_channel_not_identified');
    expect(c.channels).toEqual(['tiktok']);
    expect(c.message).toContain(
      "this plan cuts tiktok to 77% (12.7k against 16.5k; explain's ROAS 1.46, 95% interval 0.00 to 3.84) against baseline (a)",
    );
    expect(c.message).toContain('--bounds tiktok=lo:hi');
    // meta cut, but its interval is clear of zero: nothing.
    expect(cut(kept, 'h', plan({ meta: 30_000, tiktok: 16_500, display: 17_000 }))).toEqual([]);
  });

  it('says nothing without an explanation of these data', () => {
    const p = plan({ meta: 49_900, tiktok: 12_700, display: 16_150 });
    expect(cut([], 'h', p)).toEqual([]);
    expect(cut(kept, 'other data', p)).toEqual([]);
  });
});
