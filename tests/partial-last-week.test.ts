/**
 * A weekly export made before its last week ended (partial_last_period): the last row holds a
 * fraction of a week's spend and revenue, read as a whole week and the row a plan's carry-over
 * starts from. A probe imported such a file (3/7 of the week) without a word.
 */
import { describe, expect, it } from 'vitest';
import { dataWarnings, PARTIAL_LAST_PERIOD, partialLastPeriod } from '../src/core/data-warnings.js';
import {
  BUILTIN_TENANT_IDS,
  generateShape,
  generateTenant,
  SHAPE_SUITE,
  shapeSpecOf,
  type ShapeOptions,
} from '../src/core/data/index.js';
import { protocolForSeries } from '../src/core/protocol.js';
import type { TenantSeries } from '../src/core/types.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';
import { seriesWarnings } from '../src/app/warnings.js';
import { normalizeConfig } from '../src/app/config.js';

const weekly = (id: string, seed: number, options: ShapeOptions): TenantSeries =>
  generateShape(shapeSpecOf(id, seed, { frequency: 'weekly', ...options }), { seed }).series;

/** The series with its last row's target times `target` and every channel's spend times `spend`. */
function cutLast(s: TenantSeries, target: number, spend = target): TenantSeries {
  const n = s.target.length;
  const scale = (x: Float64Array, f: number) =>
    Float64Array.from(x, (v, t) => (t === n - 1 ? v * f : v));
  return { ...s, target: scale(s.target, target), spend: s.spend.map((x) => scale(x, spend)) };
}

const warned = (s: TenantSeries) =>
  dataWarnings(s, { folds: protocolForSeries(s).folds, words: CLI_OPTION_WORDS }).filter(
    (w) => w.code === 'partial_last_period',
  );

const base = weekly('wa_s11301_0', 11301, { years: 2, channels: 2, weather: 'none' });

describe('partial_last_period: the last week of a weekly export cut short', () => {
  it('a week cut after 3 of 7 days is named, with its shares and what to do', () => {
    expect(warned(base)).toEqual([]);
    const s = cutLast(base, 3 / 7);
    const p = partialLastPeriod(s)!;
    expect(p.date).toBe(s.dates.at(-1));
    expect(p.target / p.targetMedian).toBeLessThan(PARTIAL_LAST_PERIOD.share);
    const [w] = warned(s);
    const n = s.target.length;
    expect(w.message).toMatch(
      new RegExp(
        `^the last row \\(${s.dates[n - 1]}\\) may be a partial week: its "revenue" \\([0-9.e+]+\\) is \\d+% of the median of the 8 weeks before it`,
      ),
    );
    expect(w.message).toContain('and its total spend');
    expect(w.message).toContain(
      'if the week was not complete, drop the row, or import the file again once the week is complete',
    );
    // Said at import and at train.
    const config = normalizeConfig({});
    const at = (when: 'import' | 'train') =>
      seriesWarnings(s, config, CLI_OPTION_WORDS, when).some((m) => m.startsWith('the last row ('));
    expect(at('import')).toBe(true);
    expect(at('train')).toBe(true);
  });

  it('needs both revenue and spend low, some spend, weekly rows and 8 weeks before it', () => {
    // This last week holds 1.08 times the median revenue and 1.25 times the median spend of the
    // 8 before it: cut after 1 to 3 days it is flagged; after 4 (spend 71%) or 5 days it is not.
    for (const days of [1, 2, 3])
      expect(warned(cutLast(base, days / 7)), `${days}`).toHaveLength(1);
    for (const days of [4, 5]) expect(warned(cutLast(base, days / 7)), `${days}`).toEqual([]);
    expect(warned(cutLast(base, 0.4, 1))).toEqual([]); // revenue alone: the season or weather
    expect(warned(cutLast(base, 1, 0.2))).toEqual([]); // spend alone: a paused campaign
    expect(warned(cutLast(base, 0.3, 0))).toEqual([]); // no spend at all: a dark week
    const short = cutLast(
      {
        ...base,
        dates: base.dates.slice(0, 8),
        target: base.target.slice(0, 8),
        spend: base.spend.map((x) => x.slice(0, 8)),
        weather: [],
      },
      0.3,
    );
    expect(partialLastPeriod(short)).toBeNull();
    const daily = generateTenant('medium_clothing').series;
    expect(partialLastPeriod(cutLast(daily, 0.3))).toBeNull();
  });

  it('is silent on the built-in tenants, the shape suite and generated weekly tenants', () => {
    for (const id of BUILTIN_TENANT_IDS)
      expect(partialLastPeriod(generateTenant(id).series), id).toBeNull();
    for (const spec of SHAPE_SUITE)
      expect(partialLastPeriod(generateShape(spec).series), spec.id).toBeNull();
    // The shapes a weekly probe generated (seeds 11301-11312), and a few more.
    const shapes: [number, ShapeOptions][] = [
      [11301, { years: 2, channels: 2, weather: 'none' }],
      [11302, { years: 3, channels: 4, correlation: 0.8 }],
      [11303, { years: 3, channels: 3, events: true, weather: 'none' }],
      [11304, { years: 3, channels: 5, saturation: 'logistic' }],
      [11305, { years: 2, channels: 3, adstock: 'delayed', weather: 'renamed' }],
      [11306, { years: 3, channels: 8 }],
      [11310, { years: 3, channels: 3 }],
      [11311, { years: 2, channels: 6, correlation: 0.5 }],
      [11312, { years: 3, channels: 4, events: true, saturation: 'exponential' }],
      [11320, { years: 1, channels: 1 }],
    ];
    for (const [seed, options] of shapes) {
      for (let i = 0; i < 6; i++) {
        const id = `w_s${seed}_${i}`;
        expect(partialLastPeriod(weekly(id, seed, options)), id).toBeNull();
      }
    }
  });
});
