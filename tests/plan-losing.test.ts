/**
 * Channels the plan funds although the model's ROAS on them is not positive, with a gain positive
 * in some period (so nonPositiveChannels does not pin them): docs/planner.md "Channels the plan
 * funds at a loss". The model is a built-in tenant's phase-3 fit with google's response lowered in
 * the history and the horizon only (its gain stays positive in the carry-over tail), and a window
 * refit whose meta loses money holds the trust region at baseline (a), which keeps google's
 * historical spend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import { loweredGain } from './plan-helpers.js';
import type { SyntheticTenant } from '../src/core/types.js';
import { fitFinalModel } from '../src/phases/final.js';
import { figureInterval } from '../src/phases/intervals.js';
import {
  evaluateResponse,
  losingNotes,
  makePlan,
  nonPositiveChannels,
  parseBounds,
  responseOf,
  revenueModelOf,
  scenarioOutlook,
  type ReplicateRole,
  type RevenueModel,
  type SeparableResponse,
} from '../src/plan/index.js';

const ID = 'high_summer_clothing';
const H = 28;
const BUDGET = 100_000;
let tenant: SyntheticTenant;
let model: RevenueModel;
let full: RevenueModel;
let g: number;
let m: number;
/** The largest gain per Hill unit of each channel over the horizon and tail (unchanged model). */
let maxGain: number[];

beforeAll(() => {
  tenant = generateTenant(ID);
  model = revenueModelOf(fitFinalModel(tenant.series, 3));
  const { predictAfter: _fast, ...rest } = model;
  full = rest;
  g = model.channels.indexOf('google');
  m = model.channels.indexOf('meta');
  const r = responseOf(model, tenant.series, outlookOf(H + 60), H, 60);
  maxGain = r.gain.map((v) => Math.max(...v));
});

const outlookOf = (rows: number) => scenarioOutlook(tenant.series, 'typical', model.weather, rows);

/**
 * The model with channel c's gain lowered by `by` per Hill unit in the rows before `until` (all
 * rows when undefined): still a baseline plus one adstock/Hill response per channel.
 */
const lowered = (
  base: RevenueModel,
  c: number,
  by: number,
  until?: (n: number) => number,
): RevenueModel =>
  loweredGain(full, base, model, c, by, until ? until(tenant.series.dates.length) : undefined);

/** google loses money in the history and the horizon, gains in the tail after it. */
const losingGoogle = (scale: number, base: RevenueModel = model): RevenueModel =>
  lowered(base, g, 2 * scale * maxGain[g], (n) => n + H);

/** A refit whose meta loses money everywhere: its own best step towards more meta is 0. */
const hatesMeta = (base: RevenueModel): RevenueModel => lowered(base, m, 20 * maxGain[m]);

/** Channel c's incremental revenue per unit of its spend in plan x (the others spending nothing). */
function roasOf(r: SeparableResponse, x: readonly number[][], c: number): number {
  const only = x.map((v, j) =>
    Float64Array.from(j === c ? v : new Array<number>(v.length).fill(0)),
  );
  const none = x.map((v) => new Float64Array(v.length));
  const spend = x[c].reduce((a, b) => a + b, 0);
  return (evaluateResponse(r, only).total - evaluateResponse(r, none).total) / spend;
}

describe('channels the plan funds at a loss', () => {
  it('says in words and JSON why a channel whose ROAS interval is below zero keeps spend', () => {
    const point = losingGoogle(1);
    const r = responseOf(point, tenant.series, outlookOf(H + 60), H, 60);
    // The rule of nonPositiveChannels does not see it: the gain is positive in the tail.
    expect(nonPositiveChannels(r)).toEqual([false, false]);
    expect(Math.max(...r.gain[g].subarray(0, H))).toBeLessThan(0);
    expect(Math.max(...r.gain[g].subarray(H))).toBeGreaterThan(0);

    const replicates = [
      ...Array.from({ length: 11 }, (_, b) => losingGoogle(0.8 + 0.04 * b)),
      hatesMeta(losingGoogle(1)),
    ];
    const replicateRoles: ReplicateRole[] = [
      ...new Array<ReplicateRole>(11).fill('bootstrap'),
      'window',
    ];
    const ctx = {
      series: tenant.series,
      model: point,
      outlook: outlookOf(H),
      replicates,
      replicateRoles,
    };
    const p = makePlan(ctx, { horizon: H, budget: BUDGET });
    // The window refit holds the trust region at baseline (a), google's historical spend with it.
    expect(p.uncertainty!.step).toBe(0);
    expect(p.uncertainty!.anchor).toBe('historical_even');
    const google = p.channels[g];
    expect(google.spend).toBeCloseTo(p.baselines[0].spend.google, 4);
    // Its ROAS at the plan under the model and every refit, computed here from the responses.
    const tail = p.horizon.tail_periods;
    const rr = (mm: RevenueModel) => responseOf(mm, tenant.series, outlookOf(H + tail), H, tail);
    const x = p.channels.map((c) => c.spend_by_period);
    const pointRoas = roasOf(rr(point), x, g);
    const iv = figureInterval(
      pointRoas,
      replicates.map((q) => roasOf(rr(q), x, g)),
      0,
    );
    expect(google.roas).toBeCloseTo(pointRoas, 6);
    expect(pointRoas).toBeLessThan(0);
    expect(iv.p80[1]).toBeLessThan(0);
    for (const k of ['p80', 'p95'] as const)
      for (const e of [0, 1]) expect(google.roas_interval![k][e]).toBeCloseTo(iv[k][e], 6);

    expect(p.losing_channels).toHaveLength(1);
    const l = p.losing_channels[0];
    expect(l).toMatchObject({
      channel: 'google',
      refits_agree: true,
      roas_interval: google.roas_interval,
    });
    expect(l.spend).toBe(google.spend);
    expect(l.roas).toBe(google.roas);
    expect(l.anchor_spend).toBeCloseTo(p.baselines[0].spend.google, 4);
    expect(l.optimum_spend).toBeCloseTo(p.uncertainty!.model_optimum.spend.google, 6);
    expect(l.optimum_spend).toBeLessThan(l.spend);
    expect(l.text).toContain(
      `google gets ${(google.spend / 1e3).toFixed(1)}k though the model's ROAS on it is ${google.roas.toFixed(2)}`,
    );
    expect(l.text).toContain(`below zero in ${H} of the ${H} periods of the horizon`);
    expect(l.text).toContain('a hedge');
    expect(l.text).toContain('is below zero too');
    // The plan model credits (a) with a loss from the media as a whole: a doubt hold, whose
    // reason is that the model's signs are not to be acted on, so no maximum of 0 is suggested.
    expect(p.uncertainty!.doubt_hold).toContain('a loss from the media as a whole');
    expect(l.text).toContain('check google first');
    expect(l.text).not.toContain('maximum of 0 in the bounds');
    expect(p.notes).toContain(l.text);

    // Following the model with a bound: nothing above it, nothing to explain.
    const bounded = makePlan(ctx, { horizon: H, budget: BUDGET, bounds: parseBounds('google=:0') });
    expect(bounded.channels[g].spend).toBe(0);
    expect(bounded.losing_channels).toEqual([]);
    expect(bounded.channels.reduce((a, c) => a + c.spend, 0)).toBeCloseTo(BUDGET, 4);
  });

  it('under a doubt hold, does not invite a maximum of 0 on the curve the hold distrusts', () => {
    const point = losingGoogle(1);
    const replicates = Array.from({ length: 12 }, (_, b) => losingGoogle(0.8 + 0.04 * b));
    const p = makePlan(
      {
        series: tenant.series,
        model: point,
        outlook: outlookOf(H),
        replicates,
        curveDoubt: 'google: its Hill shape at the search bound',
      },
      { horizon: H, budget: BUDGET },
    );
    expect(p.uncertainty!.doubt_hold).toContain('curve fit is in doubt');
    expect(p.uncertainty!.step).toBe(0);
    expect(p.losing_channels.map((l) => l.channel)).toEqual(['google']);
    const text = p.losing_channels[0].text;
    expect(text).toContain('the plan stays at baseline (a) (');
    expect(text).not.toContain('maximum of 0 in the bounds');
    expect(text).toContain(
      'The negative return comes from the same model the plan does not move on, so a maximum of 0 would act on it: check google first',
    );
    // Several channels, one note: the same words.
    const held = { step: 0, doubt_hold: 'the curves are in doubt' } as Parameters<
      typeof losingNotes
    >[1];
    const many = ['meta', 'google', 'tiktok'].map((c) => ({ ...p.losing_channels[0], channel: c }));
    const [note] = losingNotes(many, held);
    expect(note).toContain('check them first (a lift test, or their spend');
    expect(note).not.toContain('To follow the model there');
  });

  it('says when the refits do not agree that the spend loses money', () => {
    const point = losingGoogle(0.75);
    // Half the bootstrap refits see google as the unchanged model does (it earns), half as the
    // point model: the 80% interval of its ROAS reaches above zero.
    const replicates = [
      ...Array.from({ length: 11 }, (_, b) => (b % 2 === 0 ? model : losingGoogle(0.75))),
      hatesMeta(point),
    ];
    const replicateRoles: ReplicateRole[] = [
      ...new Array<ReplicateRole>(11).fill('bootstrap'),
      'window',
    ];
    const p = makePlan(
      { series: tenant.series, model: point, outlook: outlookOf(H), replicates, replicateRoles },
      { horizon: H, budget: BUDGET },
    );
    expect(p.uncertainty!.step).toBe(0);
    const google = p.channels[g];
    expect(google.roas).toBeLessThan(0);
    expect(google.roas_interval!.p80[1]).toBeGreaterThan(0);
    expect(p.losing_channels.map((l) => [l.channel, l.refits_agree])).toEqual([['google', false]]);
    expect(p.losing_channels[0].text).toContain('reaches above zero, so the refits do not agree');
    // No doubt hold: following the model there is a bound.
    expect(p.uncertainty!.doubt_hold).toBeNull();
    expect(p.losing_channels[0].text).toContain(
      'To follow the model there, give google a maximum of 0 in the bounds',
    );
  });

  it('lists nothing where every channel earns, and gives every ROAS its interval', () => {
    const replicates = Array.from({ length: 12 }, (_, b) => losingGoogle(-0.02 * b));
    const p = makePlan(
      { series: tenant.series, model, outlook: outlookOf(H), replicates },
      { horizon: H, budget: BUDGET },
    );
    expect(p.losing_channels).toEqual([]);
    for (const c of p.channels) {
      expect(c.roas).toBeGreaterThan(0);
      expect(c.roas_interval!.p80[0]).toBeLessThanOrEqual(c.roas);
      expect(c.roas_interval!.p80[1]).toBeGreaterThanOrEqual(c.roas);
    }
    // Unchecked: no interval.
    const unchecked = makePlan(
      { series: tenant.series, model, outlook: outlookOf(H) },
      { horizon: H, budget: BUDGET },
    );
    expect(unchecked.channels.map((c) => c.roas_interval)).toEqual([null, null]);
  });
});

describe('notes on channels funded at a loss', () => {
  const losing = (channel: string, roas: number, agree: boolean) => ({
    channel,
    spend: 3_300,
    anchor_spend: 3_300,
    optimum_spend: 0,
    incremental_revenue: roas * 3_300,
    roas,
    roas_interval: null,
    refits_agree: agree,
    text: `${channel}: its own words`,
  });
  const hedge = { step: 0 } as Parameters<typeof losingNotes>[1];

  it('gives up to two channels their own note, and more one note naming them all', () => {
    const two = [losing('meta', -0.5, false), losing('google', -0.3, false)];
    expect(losingNotes(two, hedge)).toEqual(['meta: its own words', 'google: its own words']);
    const three = [...two, losing('tiktok', -38.93, true)];
    const notes = losingNotes(three, hedge);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toBe(
      "3 channels get spend though the model's ROAS on their spend is at most 0: meta 3.3k (ROAS -0.50, optimum 0), google 3.3k (ROAS -0.30, optimum 0), tiktok 3.3k (ROAS -38.93, optimum 0): a hedge: the model's optimum gives them less, but no step from baseline (a) towards it has an uplift whose 80% interval is above zero, so the plan stays at baseline (a); the refits put the 80% interval of the ROAS below zero for tiktok too, but they share the model's estimator and so its errors (losing_channels has each one's figures). To follow the model there, give them a maximum of 0 in the bounds",
    );
  });
});
