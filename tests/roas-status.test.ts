/**
 * roas_status (phases/roas-status.ts): how far each channel's ROAS reads as a measurement, from the
 * explanation's caveats and intervals. Probe s76 N ranked a chain's channels on `roas` and put a
 * small channel first (13.36, 95% interval 0 to 42, true 4.63).
 */
import { describe, expect, it } from 'vitest';
import { roasStatuses } from '../src/phases/roas-status.js';
import type { Caveat, Explanation } from '../src/phases/types.js';

const channel = (name: string, p95: [number, number] | null, noSpend = false) => ({
  channel: name,
  ...(noSpend ? { no_spend: true } : {}),
  intervals: p95 ? { roas: { p80: p95, p95 } } : null,
});

const explanation = (caveats: Caveat[]) =>
  ({
    caveats,
    channels: [
      channel('measured', [1.2, 3]),
      channel('zero', [0, 42]),
      channel('curve', [1, 2]),
      channel('refit', [2, 4]),
      channel('pair', [1, 5]),
      channel('none', null),
      channel('off', null, true),
    ],
  }) as unknown as Explanation;

const named = (code: string, channels: string[]): Caveat => ({ code, message: '', channels });

describe('roasStatuses', () => {
  it('takes the first that applies, per channel', () => {
    const s = roasStatuses(
      explanation([
        named('roas_below_spend_seen', ['curve', 'pair']),
        named('calibration_mostly_refit', ['refit']),
        named('channels_correlated', ['pair', 'zero']),
        named('interval_spans_zero', ['zero']),
      ]),
    );
    expect(Object.fromEntries(s)).toEqual({
      measured: 'measured',
      zero: 'not_identified',
      curve: 'read_off_curve',
      refit: 'refit_dominated',
      pair: 'not_identified',
      none: 'no_intervals',
      off: 'no_spend',
    });
    // Without the correlated pair, the interval at 0 speaks.
    expect(roasStatuses(explanation([])).get('zero')).toBe('spans_zero');
  });

  it('a caveat on the whole model makes every spending channel model_not_reliable', () => {
    for (const code of ['model_fails_threshold', 'revenue_outage', 'media_beyond_revenue']) {
      const s = roasStatuses(explanation([{ code, message: '' }]));
      expect([...s.values()].filter((v) => v !== 'model_not_reliable')).toEqual(['no_spend']);
    }
  });
});
