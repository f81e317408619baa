/**
 * Plan notes about what the model cannot know: a channel's spend in a period above any period of
 * the data (an extrapolation of its response), and forecast columns the model does not read.
 * The largest observed spend is computed here from the series, not taken from the plan.
 */
import { describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import { fitFinalModel } from '../src/phases/final.js';
import { makePlan, revenueModelOf, scenarioOutlook } from '../src/plan/index.js';
import { shortMoney } from '../src/plan/summary.js';

const t = generateTenant('extreme_heating');
const model = revenueModelOf(fitFinalModel(t.series, 3));
const H = 7;
const outlook = scenarioOutlook(t.series, 'typical', model.weather, 60);
const largest = t.series.spend.map((x) => x.reduce((a, b) => Math.max(a, b), 0));

describe('plan notes on the range of the data', () => {
  it("names each channel whose spend in a period is above any period of the data, with the data's largest", () => {
    // Three times the two channels' largest days, every day: above the data whatever the split.
    const budget = 3 * H * (largest[0] + largest[1]);
    const p = makePlan({ series: t.series, model, outlook }, { horizon: H, budget });
    const note = p.notes.find((n) => n.startsWith('spend above any day in the data'));
    expect(note).toBeDefined();
    for (const ch of p.channels) {
      const c = t.series.channels.indexOf(ch.channel);
      const top = Math.max(...ch.spend_by_period);
      if (top > largest[c]) {
        expect(note).toContain(`${ch.channel} ${shortMoney(top)}`);
        expect(note).toContain(`(largest in the data ${shortMoney(largest[c])})`);
      }
    }
  });

  it('says nothing of the kind for a budget every day of the data could hold', () => {
    const budget = 0.2 * H * (largest[0] + largest[1]);
    const p = makePlan({ series: t.series, model, outlook }, { horizon: H, budget });
    for (const ch of p.channels) {
      expect(Math.max(...ch.spend_by_period)).toBeLessThanOrEqual(
        largest[t.series.channels.indexOf(ch.channel)],
      );
    }
    expect(p.notes.some((n) => n.startsWith('spend above any'))).toBe(false);
  });

  it('names the forecast columns it did not read', () => {
    const p = makePlan(
      { series: t.series, model, outlook: { ...outlook, ignored: ['cloud_cover', 'uv_index'] } },
      { horizon: H, budget: 50_000 },
    );
    expect(p.notes).toContain(
      `the forecast's columns cloud_cover, uv_index were not read: the model uses only ${model.weather.join(', ')}`,
    );
  });

  it("keeps the curve fit's doubt as a field beside its note (the app's caveat reads the field)", () => {
    const doubt = "curves at the search's bounds: meta";
    const p = makePlan(
      { series: t.series, model, outlook, curveDoubt: doubt },
      { horizon: H, budget: 50_000 },
    );
    expect(p.curve_doubt).toBe(doubt);
    expect(p.notes.some((n) => n.includes(`curve fit is in doubt (${doubt})`))).toBe(true);
    const plain = makePlan({ series: t.series, model, outlook }, { horizon: H, budget: 50_000 });
    expect(plain.curve_doubt).toBeNull();
  });
});
