/**
 * A plan says first which channels' ROAS it cannot tell from zero (the 95% interval of the ROAS at
 * the plan over the refits includes 0), as explain does for its figures (issue 15).
 */
import { describe, expect, it } from 'vitest';
import { planCurveCaveats, planIntervalCaveats, planMediaLossCaveats } from '../src/app/plan.js';
import type { PlanResult } from '../src/plan/index.js';

type Channel = PlanResult['channels'][number];

function channel(name: string, roas: number, p95: [number, number] | null): Channel {
  return {
    channel: name,
    spend: 1000,
    share: 0.5,
    historical_spend: 1000,
    spend_by_period: [500, 500],
    incremental_revenue: roas * 1000,
    roas,
    roas_interval: p95 ? { p80: [p95[0] / 2, p95[1] / 2], p95 } : null,
    marginal_roas: roas / 2,
    at_bound: null,
  };
}

const planOf = (channels: Channel[]): PlanResult => ({ channels }) as unknown as PlanResult;

describe('planIntervalCaveats', () => {
  it('names each channel whose 95% ROAS interval includes zero, with its figures, in one caveat', () => {
    const caveats = planIntervalCaveats(
      planOf([
        channel('meta', 2.5, [1.1, 3.9]),
        channel('tiktok', -14.41, [-41.04, 5.91]),
        channel('email', 4.92, [-0.78, 25.37]),
        channel('tv', 0.3, [0, 0.9]),
      ]),
    );
    expect(caveats).toHaveLength(1);
    expect(caveats[0].code).toBe('interval_spans_zero');
    expect(caveats[0].channels).toEqual(['tiktok', 'email', 'tv']);
    expect(caveats[0].message).toBe(
      'the 95% interval of the ROAS at the plan includes zero for tiktok -14.41 (95% -41.04 to 5.91), ' +
        'email 4.92 (95% -0.78 to 25.37), tv 0.30 (95% 0.00 to 0.90): the model cannot tell these ' +
        "channels' returns from none, so read their ROAS and marginal ROAS as unknown; their spend rests " +
        "on the bounds and the refits' check, not on those figures",
    );
  });

  it('says nothing when every interval excludes zero or the plan has no intervals', () => {
    expect(planIntervalCaveats(planOf([channel('meta', 2.5, [1.1, 3.9])]))).toEqual([]);
    expect(planIntervalCaveats(planOf([channel('meta', -1, [-3, -0.5])]))).toEqual([]);
    expect(planIntervalCaveats(planOf([channel('meta', 2.5, null)]))).toEqual([]);
  });

  it('leaves out the channels the plan holds (named in their own note, outside the headline)', () => {
    const plan = {
      ...planOf([channel('google', 1.2, [-0.2, 2.4]), channel('youtube', 1482.96, [-90, 4000])]),
      held: { channels: ['youtube'], spend: 22, incremental_revenue: 32_790 },
    } as unknown as PlanResult;
    const [c] = planIntervalCaveats(plan);
    expect(c.message).toContain('google 1.20');
    expect(c.message).not.toContain('youtube');
    const onlyHeld = {
      ...planOf([channel('youtube', 1482.96, [-90, 4000])]),
      held: { channels: ['youtube'], spend: 22, incremental_revenue: 32_790 },
    } as unknown as PlanResult;
    expect(planIntervalCaveats(onlyHeld)).toEqual([]);
  });

  it('speaks of one channel in the singular', () => {
    const [c] = planIntervalCaveats(planOf([channel('google', 1.2, [-0.2, 2.4])]));
    expect(c.message).toContain("the model cannot tell this channel's return from none");
    expect(c.message).toContain('its spend rests on the bounds');
  });
});

describe('planCurveCaveats', () => {
  it('puts a curve fit in doubt first, naming why', () => {
    const plan = {
      channels: [],
      curve_doubt: "curves at the search's bounds: meta",
    } as unknown as PlanResult;
    const caveats = planCurveCaveats(plan);
    expect(caveats).toHaveLength(1);
    expect(caveats[0].code).toBe('curve_fit_in_doubt');
    expect(caveats[0].message).toMatch(
      /^the planner's own curve fit is in doubt \(curves at the search's bounds: meta\), so the plan's claimed revenue/,
    );
  });

  it('says nothing when the fit is not in doubt, or for plans stored before the field', () => {
    expect(planCurveCaveats({ channels: [], curve_doubt: null } as unknown as PlanResult)).toEqual(
      [],
    );
    expect(planCurveCaveats(planOf([channel('meta', 2.5, null)]))).toEqual([]);
  });
});

describe('planMediaLossCaveats', () => {
  const lossPlan = (incremental: number, hold: string | null) =>
    ({
      channels: [],
      media_loss: { spend: 86_625, incremental_revenue: incremental, roas: incremental / 86_625 },
      uncertainty: { doubt_hold: hold },
    }) as unknown as PlanResult;

  it('says the media as a whole lose money, with (a) and its figures, and that the plan holds', () => {
    const caveats = planMediaLossCaveats(lossPlan(-131_800, 'the plan model credits ...'));
    expect(caveats).toEqual([
      {
        code: 'media_loses_money',
        message:
          "the plan model credits baseline (a)'s spend (86.6k, the historical split spread evenly " +
          'over the horizon) with -131.8k of incremental revenue (ROAS -1.52): it reads the media ' +
          "as a whole as losing money, which advertising does not do, so its channels' returns " +
          "carry sign errors (more often the fit's split between correlated channels, weather terms " +
          "and the baseline than the channels'), and the plan's incremental revenue and ROAS, and " +
          "each channel's, are not figures to move budget on; this plan therefore stays at " +
          "baseline (a) (the model's own optimum is in uncertainty.model_optimum; replicates 0 " +
          'plans it, unchecked)',
      },
    ]);
  });

  it('says "earning nothing" at exactly zero, and bounds without a hold (unchecked plans)', () => {
    const [c] = planMediaLossCaveats(lossPlan(0, null));
    expect(c.message).toContain('with 0 of incremental revenue (ROAS 0.00)');
    expect(c.message).toContain('as a whole as earning nothing');
    expect(c.message).toMatch(/move budget on this plan only with bounds near the history$/);
  });

  it('says nothing when (a) gains, or for plans stored before the field', () => {
    expect(
      planMediaLossCaveats({ channels: [], media_loss: null } as unknown as PlanResult),
    ).toEqual([]);
    expect(planMediaLossCaveats(planOf([channel('meta', 2.5, null)]))).toEqual([]);
  });
});
