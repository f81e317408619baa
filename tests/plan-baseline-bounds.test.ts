/**
 * Baselines ignore the user's bounds: where (a) or (b) spends outside one, the plan says so, since
 * its difference from them then includes what the bound costs. An MCP probe read a bounded plan's
 * -88.3k against (a) as the plan's loss, where (a) put 49.7k on a channel held to 20k.
 */
import { describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import { fitFinalModel } from '../src/phases/final.js';
import { makePlan, parseBounds, revenueModelOf, scenarioOutlook } from '../src/plan/index.js';

const t = generateTenant('extreme_heating');
const model = revenueModelOf(fitFinalModel(t.series, 3));
const H = 14;
const outlook = scenarioOutlook(t.series, 'typical', model.weather, 60);
const budget = 100_000;

describe("baselines outside the user's bounds", () => {
  it("names the channel, its spend and the bound it breaks, by the baselines' own spend", () => {
    const free = makePlan({ series: t.series, model, outlook }, { horizon: H, budget });
    const even = free.baselines.find((b) => b.name === 'historical_even')!;
    expect(even.outside_bounds).toBeUndefined();
    // meta held to a third of what (a) gives it: (a) breaks the bound by construction.
    const cap = Math.round(even.spend.meta / 3);
    const p = makePlan(
      { series: t.series, model, outlook },
      { horizon: H, budget, bounds: parseBounds(`meta=:${cap}`) },
    );
    const a = p.baselines.find((b) => b.name === 'historical_even')!;
    expect(a.spend.meta).toBeCloseTo(even.spend.meta, 6); // the bound does not move (a)
    expect(a.outside_bounds).toEqual([
      { channel: 'meta', spend: a.spend.meta, min: null, max: cap },
    ]);
    expect(p.channels.find((c) => c.channel === 'meta')!.spend).toBeLessThanOrEqual(cap + 1e-6);
    const note = p.notes.find((n) => n.includes('your bounds'));
    expect(note).toMatch(
      /^baseline \(a\)( and baseline \(b\))? ignores? your bounds \(\(a\) spends .* on meta, above its upper bound .*\): the plan's difference from (it|them) includes what the bounds cost/,
    );
    // A bound (a) keeps: nothing said.
    const loose = makePlan(
      { series: t.series, model, outlook },
      { horizon: H, budget, bounds: parseBounds(`meta=:${Math.round(even.spend.meta * 3)}`) },
    );
    expect(
      loose.baselines.find((b) => b.name === 'historical_even')!.outside_bounds,
    ).toBeUndefined();
    expect(loose.notes.some((n) => n.includes('your bounds'))).toBe(false);
  });
});
