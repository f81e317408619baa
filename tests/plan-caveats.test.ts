/**
 * A plan says first which channels' ROAS it cannot tell from zero (the 95% interval of the ROAS at
 * the plan over the refits includes 0), as explain does for its figures (issue 15).
 */
import { describe, expect, it } from 'vitest';
import {
  movedFromBaselineWords,
  planBelowSpendCaveats,
  planCurveCaveats,
  planIntervalCaveats,
  planMediaLossCaveats,
  planSpendCaveats,
  planWindowRoasCaveats,
} from '../src/app/plan.js';
import { FACE_WORDS } from '../src/app/words.js';
import type { TenantSeries } from '../src/core/types.js';
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

describe('planSpendCaveats', () => {
  // Two days of history: channel a's largest day 100, b's 50.
  const series = {
    channels: ['a', 'b'],
    spend: [Float64Array.from([100, 20]), Float64Array.from([50, 10])],
  } as unknown as TenantSeries;
  const plan = (a: number[], b: number[]): PlanResult =>
    ({
      frequency: 'daily',
      budget: [...a, ...b].reduce((s, v) => s + v, 0),
      historical: { budget: 180 },
      expected_revenue: { horizon: 1000, carry_over_after: 0, total: 1000 },
      channels: [
        { ...channel('a', 2, null), spend_by_period: a },
        { ...channel('b', 2, null), spend_by_period: b },
      ],
    }) as unknown as PlanResult;

  it('says first when a quarter or more of the budget lies above the largest period in the data', () => {
    // By hand: a spends 160 and 100 (60 above its 100), b 50 and 90 (40 above its 50): 100 of 400.
    const [c] = planSpendCaveats(series, plan([160, 100], [50, 90]), FACE_WORDS.cli);
    expect(c.code).toBe('spend_beyond_history');
    expect(c.channels).toEqual(['a', 'b']);
    expect(c.message).toMatch(
      /^25% of the plan's budget \(100 of 400, 2\.2x the historical spend for the span\) is spend above its channel's largest day in the data \(a, b\), where the model's response is an extrapolation: .*plan a --budget nearer the history's, or bound the channels near their history with --bounds$/,
    );
    expect(planSpendCaveats(series, plan([160, 100], [50, 90]), FACE_WORDS.mcp)[0].message).toMatch(
      /plan a budget nearer the history's, or bound the channels near their history with bounds$/,
    );
  });

  it('says nothing below a quarter', () => {
    // 99 of 399 above: a 159 (59 above), b 90 (40 above).
    expect(planSpendCaveats(series, plan([159, 100], [50, 90]), FACE_WORDS.cli)).toEqual([]);
    expect(planSpendCaveats(series, plan([100, 20], [50, 10]), FACE_WORDS.cli)).toEqual([]);
  });
});

describe('planBelowSpendCaveats', () => {
  const plan = (objective: PlanResult['objective']): PlanResult =>
    ({
      frequency: 'weekly',
      objective,
      expected_revenue: { horizon: 1_000_000, carry_over_after: 0, total: 1_000_000 },
      below_spend_seen: [
        { channel: 'search', low_spend: 8_000, average_spend: 12_000, share: 0.76 },
      ],
    }) as unknown as PlanResult;

  it("names the channels, their shares and spends, and a target ROAS's reliance on them", () => {
    const [c] = planBelowSpendCaveats(plan({ kind: 'revenue' }), FACE_WORDS.cli);
    expect(c.code).toBe('roas_below_spend_seen');
    expect(c.channels).toEqual(['search']);
    expect(c.message).toMatch(
      /^search: most of its effect in the plan model lies below the spend the data show, where they have no rows \(search: 76% of the effect of its average week, 12\.0k, lies below 8\.0k, the spend it stayed above on 95% of its weeks\): the plan's ROAS and incremental revenue count that part/,
    );
    expect(c.message).not.toContain('target');
    const [t] = planBelowSpendCaveats(plan({ kind: 'target_roas', value: 2.5 }), FACE_WORDS.mcp);
    expect(t.message).toMatch(
      /; the budget was chosen for a target ROAS, which rests on that part too: target_marginal_roas is measured where the channels spent$/,
    );
    expect(
      planBelowSpendCaveats(
        { ...plan({ kind: 'revenue' }), below_spend_seen: [] } as PlanResult,
        FACE_WORDS.cli,
      ),
    ).toEqual([]);
  });
});

describe('planWindowRoasCaveats', () => {
  // 92 days from 2025-03-01; meta spends 163,500 over the test window 2025-03-14..04-24 (42 days).
  const dates = Array.from({ length: 92 }, (_, i) =>
    new Date(Date.UTC(2025, 2, 1 + i)).toISOString().slice(0, 10),
  );
  const series = {
    tenant: 't',
    frequency: 'daily',
    dates,
    channels: ['meta', 'google'],
    spend: [dates.map(() => 163_500 / 42), dates.map(() => 100)].map((v) => Float64Array.from(v)),
    weatherNames: [],
    weather: [],
    controlNames: [],
    controls: [],
    targetName: 'revenue',
    target: new Float64Array(dates.length),
  } as TenantSeries;
  const test = (
    channel: string,
    spend_change: number,
    incremental_revenue: number,
    used = true,
    id = 1,
  ) => ({
    id,
    channel,
    start: '2025-03-14',
    end: '2025-04-24',
    spend_change,
    incremental_revenue,
    standard_error: 0.1 * Math.abs(incremental_revenue),
    uncalibrated_lift: incremental_revenue,
    calibrated_lift: incremental_revenue,
    conflict: false,
    used,
  });
  const plan = (metaRoas: number, tests: ReturnType<typeof test>[], applied = true) =>
    ({
      lift_calibration: { applied, tests, conflicts: [], skipped: [], held_channels: ['google'] },
      attribution: {
        channels: [
          { channel: 'meta', plan_model_roas: metaRoas, explained_model_roas: 1 },
          { channel: 'google', plan_model_roas: 9, explained_model_roas: 1 },
        ],
        media_share: { plan_model: 0.3, explained_model: 0.3 },
        differs: false,
      },
    }) as unknown as PlanResult;
  const goDark = test('meta', -163_500, -97_900);

  it("names a calibrated channel whose ROAS over the data is beyond 2x its go-dark window's, either way", () => {
    // A probe's rain-season go-dark: -163.5k spend, -97.9k measured (window ROAS 0.60), meta 4.60.
    const [high] = planWindowRoasCaveats(series, plan(4.6, [goDark]));
    expect(high.code).toBe('calibrated_beyond_window');
    expect(high.channels).toEqual(['meta']);
    expect(high.message).toMatch(
      /^meta ROAS 4\.60 over the data under the calibrated plan model against 0\.60 measured by its go-dark lift test in its window \(#1: incremental_revenue \/ spend_change\), 7\.7 times it: /,
    );
    const [low] = planWindowRoasCaveats(series, plan(0.25, [goDark]));
    expect(low.message).toMatch(/, 1\/2\.4 of it: /);
  });

  it('reads go-darks only, and pools them with the lifts turned to a cut’s sign', () => {
    // A +50% boost measures the return at the margin, not the window's average: not read.
    const boost = test('meta', 81_750, 20_000, true, 2);
    expect(planWindowRoasCaveats(series, plan(4.6, [boost]))).toEqual([]);
    // With the go-dark it is left out (summed as signed figures the two read 1,000+ here).
    const [both] = planWindowRoasCaveats(series, plan(4.6, [goDark, boost]));
    expect(both.message).toMatch(
      /against 0\.60 measured by its go-dark lift test in its window \(#1:/,
    );
    // A go-dark the data already hold, recorded as the spend it held back (positive): read.
    const dark = {
      ...series,
      spend: [
        Float64Array.from(dates, (d) => (d >= '2025-03-14' && d <= '2025-04-24' ? 0 : 3_900)),
        series.spend[1],
      ],
    } as TenantSeries;
    const [restored] = planWindowRoasCaveats(
      dark,
      plan(4.6, [test('meta', 163_500, 97_900, true, 3)]),
    );
    expect(restored.message).toMatch(
      /against 0\.60 measured by its go-dark lift test in its window \(#3:/,
    );
    // A half cut is no go-dark either.
    expect(planWindowRoasCaveats(series, plan(4.6, [test('meta', -81_750, -60_000)]))).toEqual([]);
  });

  it('says nothing within 2x, for held channels, unused tests, or an uncalibrated plan', () => {
    expect(planWindowRoasCaveats(series, plan(1.19, [goDark]))).toEqual([]);
    expect(
      planWindowRoasCaveats(series, plan(4.6, [test('meta', -163_500, -97_900, false)])),
    ).toEqual([]);
    expect(planWindowRoasCaveats(series, plan(4.6, [test('google', -4_200, -10)]))).toEqual([]);
    expect(planWindowRoasCaveats(series, plan(4.6, [goDark], false))).toEqual([]);
  });
});

describe('how far a plan moves from baseline (a), in the failing model caveat', () => {
  const planOfSpend = (spend: Record<string, number>, even: Record<string, number>) =>
    ({
      budget: 100,
      channels: Object.entries(spend).map(([channel, s]) => ({ channel, spend: s })),
      baselines: [{ name: 'historical_even', spend: even }],
    }) as unknown as PlanResult;

  it('gives the share of the budget moved and the channel changed most (by ratio)', () => {
    const moves =
      '; this plan moves 30% of the budget away from baseline (a), the historical split';
    const cases: [Record<string, number>, Record<string, number>, string][] = [
      // (a) 60 / 40, the plan 30 / 70: 30 of 100 moved; meta at 0.5x (|log| 0.69) beats google
      // at 1.75x (|log| 0.56).
      [
        { meta: 30, google: 70 },
        { meta: 60, google: 40 },
        `${moves} (most: meta at 0.50x its spend there)`,
      ],
      [
        { meta: 60, google: 40 },
        { meta: 60, google: 40 },
        '; this plan is baseline (a), the historical split',
      ],
      // A channel cut to 0 is the largest change; one (a) does not fund, too.
      [
        { meta: 70, google: 0, tv: 30 },
        { meta: 40, google: 30, tv: 30 },
        `${moves} (most: google cut to 0)`,
      ],
      [{ meta: 70, tv: 30 }, { meta: 100, tv: 0 }, `${moves} (most: tv, which (a) does not fund)`],
    ];
    for (const [spend, even, words] of cases)
      expect(movedFromBaselineWords(planOfSpend(spend, even))).toBe(words);
  });
});
