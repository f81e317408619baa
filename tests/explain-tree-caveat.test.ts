/**
 * The tree_model caveat (phases/explain.ts treeModelCaveats; docs/intervals.md "Caveats"): an
 * explanation of a GBM or Ridge/GBM blend says its media figures read low, in the whole-model
 * caveats before the per-channel ones; a Ridge's does not.
 */
import { describe, expect, it } from 'vitest';
import {
  generateShape,
  generateTenant,
  shapeSpecOf,
  trueConditionalRoas,
} from '../src/core/data/index.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { fitFinalModel } from '../src/phases/final.js';

describe('tree_model caveat', () => {
  it('a GBM all-rows model (daily 1-year shape, seed 9609) carries it; its ROAS read below the truth', () => {
    const seed = 9609;
    const spec = shapeSpecOf('gen_s9609_0', seed, { frequency: 'daily', years: 1, channels: 4 });
    const t = generateShape(spec, { seed });
    const m = fitFinalModel(t.series, 3);
    expect(m.kind).toBe('gbm');
    const e = explainFinalModel(t.series, m, null);
    const codes = e.caveats.map((c) => c.code);
    expect(codes).toContain('tree_model');
    const caveat = e.caveats.find((c) => c.code === 'tree_model')!;
    expect(caveat.message).toMatch(/gradient-boosting model/);
    expect(caveat.message).toMatch(/uncertainty\.kind_refit/);
    // What the caveat claims, on this tenant: every channel's ROAS below its true ROAS.
    const all = t.series.dates.map(() => true);
    e.channels.forEach((ch, c) => {
      expect(ch.roas).toBeLessThan(trueConditionalRoas(t, c, all));
    });
  });

  it('a Ridge all-rows model (built-in tenant) does not', () => {
    const t = generateTenant('extreme_heating');
    const m = fitFinalModel(t.series, 3);
    expect(m.kind).toBe('ridge');
    expect(explainFinalModel(t.series, m, null).caveats.map((c) => c.code)).not.toContain(
      'tree_model',
    );
  });
});
