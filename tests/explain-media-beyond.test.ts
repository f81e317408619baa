/**
 * The `media_beyond_revenue` caveat (src/phases/explain.ts): channels credited with more than the
 * predicted revenue between them mean a negative baseline, which explain printed without a word
 * (a daily file with a channel launched mid-way: email 138%, baseline -77%).
 */
import { describe, expect, it } from 'vitest';
import { mediaBeyondRevenueCaveats } from '../src/phases/explain.js';
import type { ChannelDecomposition } from '../src/phases/types.js';

const channel = (name: string, share: number): ChannelDecomposition => ({
  channel: name,
  spend: 100,
  contribution: share * 1000,
  roas: share * 10,
  marginal_roas: share * 5,
  share_of_predicted: share,
  truth: null,
  roas_error: null,
  intervals: null,
});

describe('media_beyond_revenue caveat', () => {
  it('is given when the channels share more than the predicted revenue, with both shares', () => {
    const caveats = mediaBeyondRevenueCaveats([channel('email', 1.38), channel('google', 0.39)]);
    expect(caveats).toHaveLength(1);
    expect(caveats[0].code).toBe('media_beyond_revenue');
    // 1.38 + 0.39 = 1.77: 177% of the revenue, baseline 1 - 1.77 = -77%.
    expect(caveats[0].message).toContain('177% of the predicted revenue');
    expect(caveats[0].message).toContain('(-77%)');
    // Not "high by that much": an MCP probe's weekly tenant credited media with 120% where the
    // truth was 34% (3.5x); the message names no face's command (it said "(lift add)" over MCP).
    expect(caveats[0].message).not.toContain('by that much');
    expect(caveats[0].message).toContain(
      'by at least that shortfall and possibly several times over',
    );
    expect(caveats[0].message).not.toMatch(/lift add|add_lift_test/);
  });

  it('is not given at or below the whole revenue', () => {
    expect(mediaBeyondRevenueCaveats([channel('a', 0.6), channel('b', 0.4)])).toEqual([]);
    expect(mediaBeyondRevenueCaveats([channel('a', 0.3), channel('b', -0.1)])).toEqual([]);
    expect(mediaBeyondRevenueCaveats([])).toEqual([]);
  });
});
