/**
 * A plan's incremental revenue above its whole expected revenue (horizon and carry-over) is only
 * possible where the model puts the revenue without advertising below zero; the headline says so
 * (an outside probe's weekly 12-channel plan read "incremental 58.56M (ROAS 25.34)" beside an
 * expected revenue of 18.5M, true 4.74M). Values by hand.
 */
import { describe, expect, it } from 'vitest';
import { beyondRevenueWords } from '../src/plan/index.js';

describe('incremental revenue beyond the expected revenue', () => {
  it('is flagged in the headline only when it exceeds the horizon plus the carry-over', () => {
    const probe = {
      incremental_revenue: 58.56e6,
      expected_revenue: { horizon: 16.6e6, carry_over_after: 1.86e6, total: 18.46e6 },
    };
    expect(beyondRevenueWords(probe)).toBe(
      ': more than the whole expected revenue, which only a model that puts the revenue without advertising below zero can give (media_beyond_revenue), so neither figure is one to set a budget or a target ROAS by',
    );
    // 18.46M of expected revenue holds 18.46M of media revenue at most (a baseline of 0).
    expect(beyondRevenueWords({ ...probe, incremental_revenue: 16.6e6 + 1.86e6 })).toBe('');
    expect(beyondRevenueWords({ ...probe, incremental_revenue: 4.74e6 })).toBe('');
    // A negative carry-over counts against the whole.
    expect(
      beyondRevenueWords({
        incremental_revenue: 10,
        expected_revenue: { horizon: 12, carry_over_after: -3, total: 9 },
      }),
    ).not.toBe('');
  });
});
