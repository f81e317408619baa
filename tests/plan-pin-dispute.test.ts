/**
 * nonPositiveChannels' pin gives way when the refits dispute it (docs/planner.md "Channels whose
 * return is not positive"): a channel whose modeled gain is not positive in any period is held at
 * its lower bound only when the upper end of the 80% interval of its ROAS at baseline (a) over the
 * refits is at most 0.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import { loweredGain } from './plan-helpers.js';
import type { SyntheticTenant } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import { figureInterval } from '../src/phases/intervals.js';
import {
  evaluateResponse,
  makePlan,
  nonPositiveChannels,
  responseOf,
  revenueModelOf,
  scenarioOutlook,
  type RevenueModel,
} from '../src/plan/index.js';

const H = 28;
const BUDGET = 100_000;
let tenant: SyntheticTenant;
let model: RevenueModel;
let full: RevenueModel;
let g: number;

beforeAll(() => {
  tenant = generateTenant('high_summer_clothing');
  model = revenueModelOf(fitFinalModel(tenant.series, 3));
  const { predictAfter: _fast, ...rest } = model;
  full = rest;
  g = model.channels.indexOf('google');
});

/** The model with google's gain lowered by scale x 1e6 per Hill unit in every row. */
const lowered = (scale: number): RevenueModel => loweredGain(full, model, model, g, scale * 1e6);

describe('a pin the refits dispute', () => {
  it('plans a non-positive channel whose ROAS interval at baseline (a) reaches above zero', () => {
    const point = lowered(1);
    const outlook = scenarioOutlook(tenant.series, 'typical', model.weather, H);
    // Half the refits see google as the unchanged model does (it earns), half as the point model.
    const replicates = Array.from({ length: 12 }, (_, b) => (b % 2 === 0 ? model : lowered(1)));
    // google's lowered gain makes the point model read baseline (a) as losing money as a whole,
    // which alone holds a checked plan at (a) (plan.ts doubtHoldReason); the dispute is what this
    // test is about, so the hold is off.
    const p = makePlan(
      { series: tenant.series, model: point, outlook, replicates, doubtHold: false },
      { horizon: H, budget: BUDGET },
    );
    const tail = p.horizon.tail_periods;
    const rOf = (m: RevenueModel) =>
      responseOf(
        m,
        tenant.series,
        scenarioOutlook(tenant.series, 'typical', model.weather, H + tail),
        H,
        tail,
      );
    expect(nonPositiveChannels(rOf(point))).toEqual(model.channels.map((_, c) => c === g));
    // google's ROAS at baseline (a) of the historical budget, computed here from the responses.
    const hist = p.historical.budget;
    const a = model.channels.map((ch) =>
      new Array<number>(H).fill((p.historical.split[ch] * hist) / H),
    );
    const roasAtA = (m: RevenueModel): number => {
      const r = rOf(m);
      const only = a.map((v, j) => Float64Array.from(j === g ? v : v.map(() => 0)));
      const none = a.map((v) => new Float64Array(v.length));
      return (
        (evaluateResponse(r, only).total - evaluateResponse(r, none).total) /
        a[g].reduce((s, v) => s + v, 0)
      );
    };
    const iv = figureInterval(roasAtA(point), replicates.map(roasAtA), 0);
    expect(roasAtA(point)).toBeLessThan(0);
    expect(iv.p80[1]).toBeGreaterThan(0);
    // Not pinned: the trust region starts from baseline (a) itself, google's spend with it.
    expect(p.uncertainty!.anchor).toBe('historical_even');
    expect(p.channels[g].at_bound).toBeNull();
    expect(p.channels[g].spend).toBeGreaterThan(0.05 * p.baselines[0].spend.google);
    expect(p.channels.reduce((s, c) => s + c.spend, 0)).toBeCloseTo(BUDGET, 4);
    expect(p.notes.some((n) => n.includes('not held at its lower bound'))).toBe(true);
    expect(p.notes.some((n) => n.includes('so it gets only its lower bound'))).toBe(false);
  });
});
