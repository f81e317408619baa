/**
 * Channels whose plan-model curve rises faster and faster over nearly all the data (plan/convex.ts):
 * the Hill curve's inflection point k ((s - 1) / (s + 1))^(1 / s) against the 95th percentile of
 * the channel's adstock, both computed here by hand, and the caveat the app puts first.
 */
import { describe, expect, it } from 'vitest';
import { planConvexCaveats } from '../src/app/plan.js';
import { FACE_WORDS } from '../src/app/words.js';
import { generateTenantSet } from '../src/core/data/index.js';
import { geometricAdstock } from '../src/core/transforms.js';
import type { TenantSeries } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  convexChannels,
  makePlan,
  planCurveFit,
  revenueModelOf,
  scenarioOutlook,
  type PlanResult,
} from '../src/plan/index.js';

// Spend 0, 1, ..., 99 with no carry-over: the 95th percentile (linear between order statistics)
// is 94 + 0.05 x (95 - 94) = 94.05.
const spend = Float64Array.from({ length: 100 }, (_, t) => t);
const series = { channels: ['meta'], spend: [spend] } as unknown as TenantSeries;

describe('convexChannels', () => {
  it('names a channel whose inflection point lies above 95% of its adstock', () => {
    // s = 2: the inflection is k / sqrt(3); k = 200 puts it at 115.47 > 94.05.
    const [c] = convexChannels(series, [{ decay: 0, k: 200, s: 2 }]);
    expect(c.channel).toBe('meta');
    expect(c.inflection).toBeCloseTo(200 / Math.sqrt(3), 10);
    expect(c.adstock_quantile).toBeCloseTo(94.05, 10);
    // s = 3: k ((3 - 1) / (3 + 1))^(1/3) = k x 0.7937; k = 120 puts it at 95.24 > 94.05.
    expect(convexChannels(series, [{ decay: 0, k: 120, s: 3 }])[0].inflection).toBeCloseTo(
      120 * 0.5 ** (1 / 3),
      10,
    );
  });

  it('leaves out curves that bend within the data, and concave ones (s <= 1)', () => {
    // k = 150, s = 2: the inflection 86.60 < 94.05.
    expect(convexChannels(series, [{ decay: 0, k: 150, s: 2 }])).toEqual([]);
    expect(convexChannels(series, [{ decay: 0, k: 1e9, s: 1 }])).toEqual([]);
    expect(convexChannels(series, [{ decay: 0, k: 1e9, s: 0.5 }])).toEqual([]);
  });
});

describe('the convex_curve caveat', () => {
  it('names each channel with its shape and the two adstock levels', () => {
    const plan = {
      channels: [],
      convex_channels: [
        { channel: 'tiktok', s: 2.12, inflection: 61_800, adstock_quantile: 29_000 },
      ],
    } as unknown as PlanResult;
    const [c] = planConvexCaveats(plan, FACE_WORDS.cli);
    expect(c.code).toBe('convex_curve');
    expect(c.channels).toEqual(['tiktok']);
    expect(c.message).toMatch(
      /^the plan model's return on tiktok \(Hill shape 2\.12, turning at 61\.8k of adstocked spend, above 29\.0k, where 95% of the data's periods stay\) rises faster and faster/,
    );
    expect(c.message).toContain('(--bounds tiktok=lo:hi)');
    // Over MCP the bound reads as plan_budget's argument (it read as the CLI's syntax there).
    expect(planConvexCaveats(plan, FACE_WORDS.mcp)[0].message).toContain(
      '(bounds [{"channel": "tiktok", "min": lo, "max": hi}])',
    );
  });

  it('says nothing without such channels, or for plans stored before the field', () => {
    expect(
      planConvexCaveats(
        { channels: [], convex_channels: [] } as unknown as PlanResult,
        FACE_WORDS.mcp,
      ),
    ).toEqual([]);
    expect(planConvexCaveats({ channels: [] } as unknown as PlanResult, FACE_WORDS.mcp)).toEqual(
      [],
    );
  });

  it("comes from the plan model's curves (generated tenant gen_s10501_23: meta at the k bound)", () => {
    const t = generateTenantSet(24, { seed: 10501 })[23];
    const fit = planCurveFit(t.series, fitFinalModel(t.series, 3));
    const model = revenueModelOf(fit.model);
    const outlook = scenarioOutlook(t.series, 'typical', model.weather, 28);
    const p = makePlan({ series: t.series, model, outlook }, { horizon: 28, budget: 140_000 });
    const meta = fit.model.channelParams!.meta;
    // By hand: the inflection of meta's curve and the 95th percentile of its adstock.
    const inflection = meta.k * ((meta.s - 1) / (meta.s + 1)) ** (1 / meta.s);
    const ad = Array.from(geometricAdstock(t.series.spend[0], meta.decay)).sort((a, b) => a - b);
    const h = 0.95 * (ad.length - 1);
    const q95 = ad[Math.floor(h)] + (h - Math.floor(h)) * (ad[Math.ceil(h)] - ad[Math.floor(h)]);
    expect(t.series.channels[0]).toBe('meta');
    expect(q95).toBeLessThan(inflection);
    expect(p.convex_channels).toHaveLength(1);
    expect(p.convex_channels![0].channel).toBe('meta');
    expect(p.convex_channels![0].inflection).toBeCloseTo(inflection, 6);
    expect(p.convex_channels![0].adstock_quantile).toBeCloseTo(q95, 6);
  });
});
