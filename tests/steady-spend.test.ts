/**
 * Channels of steady spend (core/data-warnings.ts steadySpendChannels): an outside probe's
 * always-on channel, 600 a day and 1% apart, was imported without a word and read ROAS 4.89 for a
 * true 1.75, its 95% interval up to 1148 (session 76, probe M).
 */
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_TENANT_IDS,
  generateShape,
  generateTenant,
  SHAPE_SUITE,
} from '../src/core/data/index.js';
import { dataWarnings, steadySpendChannels } from '../src/core/data-warnings.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';

describe('steadySpendChannels', () => {
  it('names a channel 1% apart with its variation; not a constant one; not the generator', () => {
    const s = generateTenant('none_books').series;
    // 600 +- 1% on alternate days: sd exactly 6 (an even count of rows), 1% of the mean.
    const n = s.target.length - (s.target.length % 2);
    const steady = Float64Array.from({ length: s.target.length }, (_, t) =>
      t < n ? (t % 2 ? 606 : 594) : 600,
    );
    const t = { ...s, spend: [s.spend[0], steady] };
    const [one] = steadySpendChannels(t);
    expect(one.channel).toBe(s.channels[1]);
    // The last row at the mean (an odd count) adds nothing to the sum of squares.
    expect(one.cv).toBeCloseTo(Math.sqrt((36 * n) / s.target.length) / 600, 12);
    const w = dataWarnings(t, { folds: [], words: CLI_OPTION_WORDS, source: 'imported' }).filter(
      (x) => x.code === 'steady_spend_channel',
    );
    expect(w.map((x) => x.message.slice(0, 82))).toEqual([
      `channel "${s.channels[1]}" spends nearly the same every day (its spend varies by 1.0% of its`,
    ]);
    const constant = { ...s, spend: [s.spend[0], new Float64Array(s.target.length).fill(600)] };
    expect(steadySpendChannels(constant)).toEqual([]);
    for (const id of BUILTIN_TENANT_IDS)
      expect(steadySpendChannels(generateTenant(id).series), id).toEqual([]);
    for (const spec of SHAPE_SUITE)
      expect(steadySpendChannels(generateShape(spec).series), spec.id).toEqual([]);
  });
});
