/**
 * The report's carry-over reading names channels with the same decay together: a weekly model
 * whose lift tests gave two channels their own shapes printed eight lines of "decay 0.86,
 * half-life 4.7 weeks" for the others, which read as eight measurements (probe s71).
 */
import { describe, expect, it } from 'vitest';
import { groupedDecays } from '../src/report/channel-charts.js';

describe('groupedDecays', () => {
  it('groups the shared decay and names the channels with their own', () => {
    const params = {
      tv: { decay: 0.55 },
      search: { decay: 0.2 },
      social: { decay: 0.86 },
      video: { decay: 0.86 },
      email: null,
    };
    // half-life = ln 0.5 / ln decay: 0.55 -> 1.16, 0.2 -> 0.43, 0.86 -> 4.60.
    expect(groupedDecays(params, ['tv', 'search', 'social', 'video', 'email'], 'week', true)).toBe(
      'tv decay 0.55, half-life 1.2 weeks; search decay 0.20, half-life 0.4 weeks; social, video share decay 0.86, half-life 4.6 weeks (weekly models fit one shape for the channels; a used lift test gives its channel its own)',
    );
  });

  it('daily channels with their own decays: one each, no weekly note', () => {
    expect(groupedDecays({ a: { decay: 0.5 }, b: { decay: 0.3 } }, ['a', 'b'], 'day', false)).toBe(
      'a decay 0.50, half-life 1.0 days; b decay 0.30, half-life 0.6 days',
    );
  });
});
