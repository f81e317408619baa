/**
 * The report's headline weather reading ranks only differences that stand out of the noise. With
 * many channels it headlined the largest ROAS ratio over all of them: "Cold days return 1.76x on
 * ch01 vs 0.95x on hot days" for a channel of no weather effect whose 80% intervals overlapped
 * (cold 1.39-2.83, hot 0.68-1.61), while the real effect (hot 3.24 [3.04-3.45] vs cold 2.35
 * [2.22-2.50]) was not shown.
 */
import { describe, expect, it } from 'vitest';
import { weatherRoasChart } from '../src/report/channel-charts.js';
import type { TenantReportData } from '../src/report/index.js';
import { handMadeReportData } from './report-helpers.js';

type Roas = Record<'hot' | 'cold', number | null>;
type Iv = Record<'hot' | 'cold', [number, number]>;

/** The hand-made tenant with social and search ROAS (and 80% intervals, if given) per state. */
function withStates(
  roas: { social: Roas; search: Roas },
  ivs: { social: Iv; search: Iv } | null,
): TenantReportData {
  const d = handMadeReportData();
  const iv = ([lo, hi]: [number, number]) => ({ level: 0.8, lo, hi });
  return {
    ...d,
    explanation: {
      ...d.explanation,
      weather_states: d.explanation.weather_states.map((s) => {
        const state = s.state === 'temperature_c:hot' ? 'hot' : 'cold';
        return {
          ...s,
          channels: s.channels.map((c) => ({
            ...c,
            roas: roas[c.channel as 'social' | 'search'][state],
          })),
        };
      }),
    },
    intervals: {
      ...d.intervals!,
      state_roas: ivs
        ? Object.fromEntries(
            (['hot', 'cold'] as const).map((s) => [
              `temperature_c:${s}`,
              { social: iv(ivs.social[s]), search: iv(ivs.search[s]) },
            ]),
          )
        : {},
    },
  };
}

const reading = (d: TenantReportData) => weatherRoasChart(d)!.reading;

const PROBE_ROAS = { social: { hot: 3.24, cold: 2.35 }, search: { hot: 0.95, cold: 1.76 } };
const PROBE_IVS: { social: Iv; search: Iv } = {
  social: { hot: [3.04, 3.45], cold: [2.22, 2.5] },
  search: { hot: [0.68, 1.61], cold: [1.39, 2.83] },
};

describe('the weather reading', () => {
  it('headlines the largest ratio among pairs whose 80% intervals do not overlap', () => {
    expect(reading(withStates(PROBE_ROAS, PROBE_IVS))).toBe(
      'Hot days return 3.24x on social vs 2.35x on cold days.',
    );
  });

  it('says no state differs clearly when every pair of intervals overlaps', () => {
    const ivs = { ...PROBE_IVS, social: { hot: [2.4, 3.6], cold: [2.0, 2.6] } as Iv };
    expect(reading(withStates(PROBE_ROAS, ivs))).toBe(
      "No weather state's ROAS differs clearly from another's: on every channel compared the 80% intervals overlap.",
    );
  });

  it('skips channels whose ROAS the explanation calls unreliable', () => {
    // search's intervals are apart here and its ratio the largest, but a caveat names it.
    const ivs = { ...PROBE_IVS, search: { hot: [0.8, 1.1], cold: [1.5, 2.0] } as Iv };
    const d = withStates(PROBE_ROAS, ivs);
    expect(reading(d)).toBe('Cold days return 1.76x on search vs 0.95x on hot days.');
    d.explanation.caveats = [
      { code: 'low_spend_channel', message: 'search has almost no spend', channels: ['search'] },
    ];
    expect(reading(d)).toBe('Hot days return 3.24x on social vs 2.35x on cold days.');
    d.explanation.caveats.push({
      code: 'media_effect_held_at_zero',
      message: 'social held at zero',
      channels: ['social'],
    });
    expect(reading(d)).toBe(
      "No weather comparison to read: every channel's ROAS is unreliable (see Read first).",
    );
  });

  it('skips a state without ROAS (no spend there)', () => {
    const roas = { social: { hot: 3.24, cold: 2.35 }, search: { hot: null, cold: 1.76 } };
    expect(reading(withStates(roas, null))).toBe(
      'Hot days return 3.24x on social vs 2.35x on cold days.',
    );
  });

  it('without intervals keeps the largest ratio', () => {
    expect(reading(withStates(PROBE_ROAS, null))).toBe(
      'Cold days return 1.76x on search vs 0.95x on hot days.',
    );
  });
});
