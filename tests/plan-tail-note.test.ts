/**
 * The plan's note on the carry-over counted after the horizon speaks of the model's own
 * carry-over; the refits, which may set a longer tail, are given as a range.
 */
import { describe, expect, it } from 'vitest';
import { tailNote } from '../src/plan/plan.js';
import { tailLength } from '../src/plan/truth.js';

const media = (...decays: number[]) => decays.map((decay) => ({ decay, k: 1, s: 1 }));

describe('tailNote', () => {
  it("names the model's own fade and the refits' range when a refit sets the tail", () => {
    // 0.35^5 = 0.0053 < 1% <= 0.35^4 = 0.015; 0.9^44 = 0.0097 < 1% <= 0.9^43 = 0.0108.
    const model = { channels: ['meta', 'google'], media: media(0.025, 0.35) };
    const refits = [{ media: media(0, 0) }, { media: media(0.2, 0.9) }];
    const tail = tailLength([0.025, 0.35, 0, 0, 0.2, 0.9], 52);
    expect(tail).toBe(44);
    expect(tailNote(model, refits, tail, 52, 'week')).toBe(
      "carry-over: the model's fades below 1% within 5 weeks (its slowest channel, google, keeps 0.35 of its adstock from one week to the next); revenue is counted 44 weeks after the horizon so that the slowest refit of the model fades below 1% too (the refits' slowest decays range 0.00 to 0.90)",
    );
  });

  it('says only the model when it sets the tail, and nothing counted without carry-over', () => {
    const model = { channels: ['tv'], media: media(0.5) };
    // 0.5^7 = 0.0078 < 1% <= 0.5^6 = 0.0156
    expect(tailNote(model, [{ media: media(0.3) }], 7, 365, 'day')).toBe(
      "carry-over: the model's fades below 1% within 7 days (its slowest channel, tv, keeps 0.50 of its adstock from one day to the next); revenue is counted 7 days after the horizon",
    );
    expect(tailNote({ channels: ['tv'], media: media(0) }, [], 0, 365, 'day')).toBe(
      'carry-over: the model has none, so no revenue is counted after the horizon',
    );
  });

  it('says when the tail is capped at a year', () => {
    const model = { channels: ['tv'], media: media(0.995) };
    expect(tailNote(model, [], 52, 52, 'week')).toContain('within 52 weeks (capped at a year)');
  });

  it('leaves out a channel without spend in the data (its decay is the search start)', () => {
    // tv never spent: its 0.5 is not a carry-over; meta's 0.35 fades below 1% within 5 days.
    const model = { channels: ['tv', 'meta'], media: media(0.5, 0.35) };
    const refits = [{ media: media(0.5, 0.3) }];
    expect(tailNote(model, refits, 5, 365, 'day', [false, true])).toBe(
      "carry-over: the model's fades below 1% within 5 days (its slowest channel, meta, keeps 0.35 of its adstock from one day to the next); revenue is counted 5 days after the horizon",
    );
  });
});

describe('a plan on a tenant with a channel that never spent', () => {
  it('counts the carry-over after the horizon from the channels that spent', async () => {
    const { generateTenant } = await import('../src/core/data/index.js');
    const { fitFinalModel } = await import('../src/phases/final.js');
    const { makePlan, revenueModelOf, scenarioOutlook } = await import('../src/plan/index.js');
    // extreme_cooling's channels fade fast (model decays about 0.4 and 0.2): a never-spent
    // channel's search start (0.5) set the tail before.
    const base = generateTenant('extreme_cooling').series;
    const series = {
      ...base,
      channels: [...base.channels, 'tv'],
      spend: [...base.spend, new Float64Array(base.target.length)],
    };
    const model = revenueModelOf(fitFinalModel(series, 3));
    const outlook = scenarioOutlook(series, 'typical', model.weather, 400);
    const p = makePlan({ series, model, outlook }, { horizon: 7, budget: 20_000 });
    const spentDecays = model.media.slice(0, 2).map((m) => m.decay);
    expect(model.media[2].decay).toBeGreaterThan(Math.max(...spentDecays));
    const note = p.notes.find((n) => n.startsWith('carry-over:'))!;
    expect(note).toContain(
      `revenue is counted ${tailLength(spentDecays, 365)} days after the horizon`,
    );
    expect(note).not.toContain('tv');
  });
});
