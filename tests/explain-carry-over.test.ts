/**
 * Phases 0-2 have no carry-over (weekly: one week), so their ROAS misses revenue that spend
 * brings later and reads low; their bootstrap intervals cannot show that (on the built-in 20 the
 * 80% intervals of phases 0-2 covered the true ROAS for none of 40 channels: docs/intervals.md
 * "Phases 0-2"). explain says so first, in a `no_carry_over` caveat; phase 3 has none. The claim
 * is checked against the generator's truth, not against explain's own figures.
 */
import { describe, expect, it } from 'vitest';
import { generateShape, generateTenant, shapeSpecOf } from '../src/core/data/index.js';
import { fitFinalModel } from '../src/phases/final.js';
import { explainFinalModel } from '../src/phases/explain.js';

describe('no_carry_over caveat', () => {
  const heating = generateTenant('extreme_heating');

  for (const phase of [0, 1, 2] as const) {
    it(`daily phase ${phase}: the caveat comes first, and the ROAS it warns about is below the truth`, () => {
      const e = explainFinalModel(heating.series, fitFinalModel(heating.series, phase), heating);
      expect(e.caveats[0].code).toBe('no_carry_over');
      expect(e.caveats[0].message).toContain(`phase ${phase}'s model has no carry-over`);
      expect(e.caveats[0].message).toContain('explain phase 3');
      // What the caveat says, against the generator's true ROAS (carry-over included): every
      // channel's estimate is low, by more than a tenth.
      for (const ch of e.channels) {
        expect(ch.truth).not.toBeNull();
        expect(ch.roas).toBeLessThan(0.9 * ch.truth!.roas);
      }
    });
  }

  it('daily phase 3 (adstock and saturation): no such caveat', () => {
    const e = explainFinalModel(heating.series, fitFinalModel(heating.series, 3), heating);
    expect(e.caveats.map((c) => c.code)).not.toContain('no_carry_over');
  });

  it('weekly phase 1: the caveat names the one week its terms carry over', () => {
    const spec = { frequency: 'weekly', years: 2, channels: 2 } as const;
    const t = generateShape(shapeSpecOf('wk_carry_s4343_0', 4343, spec), { seed: 4343 });
    const e = explainFinalModel(t.series, fitFinalModel(t.series, 1), t);
    const caveat = e.caveats.find((c) => c.code === 'no_carry_over');
    expect(caveat?.message).toContain('carries spend over one week only');
  });
});
