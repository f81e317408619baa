import { beforeAll, describe, expect, it } from 'vitest';
import { generateTenant } from '../src/core/data/index.js';
import type { TenantSeries } from '../src/core/types.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { fitFinalModel, type FinalModel } from '../src/phases/final.js';
import {
  channelGuards,
  GUARD_MIN_R2,
  makePlan,
  parseBounds,
  revenueModelOf,
  scenarioOutlook,
  spendR2,
  type RevenueModel,
} from '../src/plan/index.js';
import { pearson } from './reference-stats.js';

/** Deterministic noise in [-0.5, 0.5) (no Math.random in tests either). */
const noise = (t: number, k: number): number => (((t + 1) * 7919 * k) % 1009) / 1009 - 0.5;

/** R² of y on x1, x2 with an intercept: least squares by Cramer's rule on the centred normal equations. */
function r2OnTwo(y: Float64Array, x1: Float64Array, x2: Float64Array): number {
  const n = y.length;
  const m = (v: Float64Array): number => v.reduce((s, u) => s + u, 0) / n;
  const [my, m1, m2] = [m(y), m(x1), m(x2)];
  let s11 = 0;
  let s12 = 0;
  let s22 = 0;
  let s1y = 0;
  let s2y = 0;
  let syy = 0;
  for (let t = 0; t < n; t++) {
    const [a, b, c] = [x1[t] - m1, x2[t] - m2, y[t] - my];
    s11 += a * a;
    s12 += a * b;
    s22 += b * b;
    s1y += a * c;
    s2y += b * c;
    syy += c * c;
  }
  const det = s11 * s22 - s12 * s12;
  const b1 = (s1y * s22 - s2y * s12) / det;
  const b2 = (s2y * s11 - s1y * s12) / det;
  let sse = 0;
  for (let t = 0; t < n; t++) {
    const e = y[t] - my - b1 * (x1[t] - m1) - b2 * (x2[t] - m2);
    sse += e * e;
  }
  return 1 - sse / syy;
}

describe('spendR2', () => {
  const n = 400;
  const a = Float64Array.from({ length: n }, (_, t) => 100 + 50 * noise(t, 1));
  const b = Float64Array.from({ length: n }, (_, t) => 0.5 * a[t] + 20 * noise(t, 3));
  const c = Float64Array.from({ length: n }, (_, t) => 30 + 10 * noise(t, 5) + 0.2 * b[t]);

  it('is the squared correlation for two channels', () => {
    const r2 = spendR2([a, b]);
    const rho = pearson(a, b);
    expect(r2[0]).toBeCloseTo(rho * rho, 10);
    expect(r2[1]).toBeCloseTo(rho * rho, 10);
  });

  it("is the least-squares R² on the other channels' spend for three", () => {
    const r2 = spendR2([a, b, c]);
    expect(r2[0]).toBeCloseTo(r2OnTwo(a, b, c), 9);
    expect(r2[1]).toBeCloseTo(r2OnTwo(b, a, c), 9);
    expect(r2[2]).toBeCloseTo(r2OnTwo(c, a, b), 9);
  });

  it('gives 0 to a channel without variance or alone, 1 to exactly collinear channels', () => {
    expect(spendR2([a, new Float64Array(n).fill(7)])).toEqual([0, 0]);
    expect(spendR2([a])).toEqual([0]);
    const twice = Float64Array.from(a, (v) => 2 * v);
    const r2 = spendR2([a, twice, c]);
    expect(r2[0]).toBeCloseTo(1, 6);
    expect(r2[1]).toBeCloseTo(1, 6);
  });

  it('guards only channels at or above the threshold that the user did not bound', () => {
    const weak = Float64Array.from({ length: n }, (_, t) => 100 + 50 * noise(t, 11));
    const g = channelGuards(['a', 'b', 'w'], [a, b, weak], new Set());
    expect(g.map((x) => x.channel)).toEqual(['a', 'b']);
    for (const x of g) {
      expect(x.r2).toBeGreaterThanOrEqual(GUARD_MIN_R2);
      expect(x.min_multiple).toBeCloseTo(x.r2, 12);
      expect(x.max_multiple).toBeCloseTo(1 / x.r2, 12);
    }
    expect(
      channelGuards(['a', 'b', 'w'], [a, b, weak], new Set(['a'])).map((x) => x.channel),
    ).toEqual(['b']);
  });

  it('keeps a channel whose spend follows the baseline near (a), by the tighter of the two R²', () => {
    const weak = Float64Array.from({ length: n }, (_, t) => 100 + 50 * noise(t, 11));
    const r2 = spendR2([a, b, weak]);
    // w: correlated with no channel, but the baseline explains 0.8 of it: [0.8, 1.25].
    // a: the baseline's 0.99 is tighter than the other channels' r2[0]; b: below both, by r2[1].
    const g = channelGuards(
      ['a', 'b', 'w'],
      [a, b, weak],
      new Set(),
      [],
      [],
      new Map([
        ['a', 0.99],
        ['b', 0.1],
        ['w', 0.8],
      ]),
    );
    expect(g.map((x) => [x.channel, x.reason])).toEqual([
      ['a', 'spend_follows_baseline'],
      ['b', 'correlated_spend'],
      ['w', 'spend_follows_baseline'],
    ]);
    expect(g[0].min_multiple).toBe(0.99);
    expect(g[1].r2).toBeCloseTo(r2[1], 12);
    expect([g[2].min_multiple, g[2].max_multiple]).toEqual([0.8, 1.25]);
    // Below GUARD_MIN_R2 (0.5): no bound from the baseline.
    expect(channelGuards(['w'], [weak], new Set(), [], [], new Map([['w', 0.49]]))).toEqual([]);
  });
});

describe('makePlan with channels the history cannot tell apart', () => {
  const ID = 'high_summer_clothing';
  let series: TenantSeries;
  let model: RevenueModel;
  let budget: number;

  beforeAll(() => {
    const tenant = generateTenant(ID);
    model = revenueModelOf(fitFinalModel(tenant.series, 3));
    // google's spend follows meta's (correlation ~0.9): the model stays the one fitted on the
    // original data, so its optimum is the same kind of move as on the tenant itself.
    const s = tenant.series;
    const [meta, google] = [s.channels.indexOf('meta'), s.channels.indexOf('google')];
    const mean = (v: Float64Array): number => v.reduce((x, y) => x + y, 0) / v.length;
    const scale = mean(s.spend[google]) / mean(s.spend[meta]);
    const spend = s.spend.map((x) => Float64Array.from(x));
    spend[google] = Float64Array.from(
      s.spend[meta],
      (v, t) => scale * v * (1 + 0.35 * noise(t, 13)),
    );
    series = { ...s, spend };
    budget =
      28 *
      mean(
        Float64Array.from(series.dates.slice(-365), (_, i) => {
          const t = series.dates.length - 365 + i;
          return spend.reduce((x, c) => x + c[t], 0);
        }),
      );
  });

  const outlook = (): ReturnType<typeof scenarioOutlook> =>
    scenarioOutlook(series, 'typical', model.weather, 28);

  it("keeps each channel's total within R² and 1/R² of baseline (a) and says so", () => {
    const p = makePlan({ series, model, outlook: outlook() }, { horizon: 28, budget });
    const rho = pearson(series.spend[0], series.spend[1]);
    expect(p.default_bounds.map((g) => g.channel)).toEqual(['meta', 'google']);
    for (const g of p.default_bounds) {
      expect(g.r2).toBeCloseTo(rho * rho, 10);
      const c = p.channels.find((x) => x.channel === g.channel)!;
      const base = p.historical.split[g.channel] * budget;
      expect(c.spend).toBeGreaterThanOrEqual(g.r2 * base * (1 - 1e-9));
      expect(c.spend).toBeLessThanOrEqual((base / g.r2) * (1 + 1e-9));
    }
    expect(p.notes.some((n) => n.startsWith('default bounds') && n.includes('meta 0.'))).toBe(true);
    expect(p.channels.reduce((a, c) => a + c.spend, 0)).toBeCloseTo(budget, 4);
    // Without the guard (wide user bounds replace it) the model's optimum leaves that range:
    // the guard is what holds the plan.
    const wide = makePlan(
      { series, model, outlook: outlook() },
      { horizon: 28, budget, bounds: parseBounds('meta=0x:100x,google=0x:100x') },
    );
    expect(wide.default_bounds).toEqual([]);
    const moved = wide.channels.some((c) => {
      const base = wide.historical.split[c.channel] * budget;
      const g = p.default_bounds.find((x) => x.channel === c.channel)!;
      return c.spend > (base / g.r2) * 1.01 || c.spend < g.r2 * base * 0.99;
    });
    expect(moved).toBe(true);
  });

  it("a user's bound outside the guard wins; guards that leave no room are dropped with a note", () => {
    // meta at 0.5x-0.6x of its history: outside its default range; google keeps its default but
    // cannot take the rest within it, so no default applies and the note says why.
    const p = makePlan(
      { series, model, outlook: outlook() },
      { horizon: 28, budget, bounds: parseBounds('meta=0.5x:0.6x') },
    );
    const meta = p.channels.find((c) => c.channel === 'meta')!;
    expect(meta.spend).toBeGreaterThanOrEqual(0.5 * meta.historical_spend - 1e-6);
    expect(meta.spend).toBeLessThanOrEqual(0.6 * meta.historical_spend + 1e-6);
    expect(p.default_bounds).toEqual([]);
    expect(p.notes.some((n) => n.includes('google') && n.includes('were not applied'))).toBe(true);
    // A user bound inside the room: meta's is the user's, google keeps its default.
    const q = makePlan(
      { series, model, outlook: outlook() },
      { horizon: 28, budget, bounds: parseBounds('meta=0.97x:1.03x') },
    );
    expect(q.default_bounds.map((g) => g.channel)).toEqual(['google']);
    const m = q.channels.find((c) => c.channel === 'meta')!;
    expect(m.spend).toBeGreaterThanOrEqual(0.97 * m.historical_spend - 1e-6);
    expect(m.spend).toBeLessThanOrEqual(1.03 * m.historical_spend + 1e-6);
    expect(q.bounds).toBe('meta=0.97x:1.03x');
  });
});

describe('a channel of almost no spend (core/data-warnings.ts lowSpendChannels)', () => {
  // extreme_sunscreen with a third channel spent on 8 of 1,095 days (0.4% of the rows, about 0.1%
  // of all spend), on the 8 days of highest revenue: the model credits it with a large return
  // that rests on those 8 days, as a shop's channel spent on 5 of 156 weeks came out at a marginal
  // ROAS of 5,000.
  let series: TenantSeries;
  let final: FinalModel;
  let model: RevenueModel;
  let budget: number;

  beforeAll(() => {
    const s = generateTenant('extreme_sunscreen').series;
    const n = s.target.length;
    const top = Array.from({ length: n }, (_, t) => t)
      .sort((x, y) => s.target[y] - s.target[x] || x - y)
      .slice(0, 8);
    const thin = new Float64Array(n);
    for (const t of top) thin[t] = 60;
    series = { ...s, channels: [...s.channels, 'tiktok'], spend: [...s.spend, thin] };
    final = fitFinalModel(series, 3);
    model = revenueModelOf(final);
    let last = 0;
    for (let t = n - 365; t < n; t++) for (const x of series.spend) last += x[t];
    budget = (28 * last) / 365;
  });

  const outlook = (): ReturnType<typeof scenarioOutlook> =>
    scenarioOutlook(series, 'typical', model.weather, 28);

  it("is held at its share of baseline (a) and the plan says why; the user's bounds replace the hold", () => {
    const p = makePlan({ series, model, outlook: outlook() }, { horizon: 28, budget });
    const held = p.default_bounds.find((g) => g.channel === 'tiktok');
    expect(held).toMatchObject({ reason: 'low_spend', min_multiple: 1, max_multiple: 1 });
    expect(held!.low_spend).toMatchObject({ active_periods: 8, periods: 1095 });
    const share = p.historical.split.tiktok;
    const tiktok = p.channels.find((c) => c.channel === 'tiktok')!;
    expect(Math.abs(tiktok.spend - share * budget)).toBeLessThanOrEqual(1e-6 * budget);
    expect(
      p.notes.some(
        (x) =>
          x.startsWith('held at its share of baseline (a): tiktok (') &&
          x.includes('on 8 of 1095 days'),
      ),
    ).toBe(true);
    expect(p.default_bounds.every((g) => g.channel === 'tiktok' || g.reason !== 'low_spend')).toBe(
      true,
    );
    // Bounds for it replace the hold, and then the model's optimum moves it: the hold is what
    // keeps it at (a)'s share.
    const free = makePlan(
      { series, model, outlook: outlook() },
      { horizon: 28, budget, bounds: parseBounds('tiktok=0x:1000x') },
    );
    expect(free.default_bounds.some((g) => g.channel === 'tiktok')).toBe(false);
    const moved = free.channels.find((c) => c.channel === 'tiktok')!.spend;
    expect(Math.abs(moved - share * budget)).toBeGreaterThan(0.5 * share * budget);
  });

  it('leaves its extrapolated revenue out of the headline and reports it apart', () => {
    const p = makePlan({ series, model, outlook: outlook() }, { horizon: 28, budget });
    const tiktok = p.channels.find((c) => c.channel === 'tiktok')!;
    const others = p.channels.filter((c) => c.channel !== 'tiktok');
    // The response is separable by channel: the headline is the other channels' own figures.
    const sum = others.reduce((acc, c) => acc + c.incremental_revenue, 0);
    expect(p.incremental_revenue).toBeCloseTo(sum, 4);
    expect(p.held).not.toBeNull();
    expect(p.held!.channels).toEqual(['tiktok']);
    expect(p.held!.spend).toBeCloseTo(tiktok.spend, 6);
    expect(p.held!.incremental_revenue).toBeCloseTo(tiktok.incremental_revenue, 4);
    expect(p.roas).toBeCloseTo(sum / (budget - tiktok.spend), 10);
    expect(p.notes.some((x) => x.startsWith('the incremental revenue and ROAS above'))).toBe(true);
    // Bounds for it: planned as any other channel, counted in the headline again.
    const free = makePlan(
      { series, model, outlook: outlook() },
      { horizon: 28, budget, bounds: parseBounds('tiktok=0x:1000x') },
    );
    expect(free.held).toBeNull();
    const all = free.channels.reduce((acc, c) => acc + c.incremental_revenue, 0);
    expect(free.incremental_revenue).toBeCloseTo(all, 4);
    expect(free.roas).toBeCloseTo(all / budget, 10);
  });

  it('bounded by the user (to 0, as the import advises for a stopped channel), its revenue still stays out of the headline and the uplift over (a)', () => {
    const p = makePlan({ series, model, outlook: outlook() }, { horizon: 28, budget });
    const off = makePlan(
      { series, model, outlook: outlook() },
      { horizon: 28, budget, bounds: parseBounds('tiktok=0:0') },
    );
    const tiktok = off.channels.find((c) => c.channel === 'tiktok')!;
    expect(tiktok.spend).toBe(0);
    // No weather line about a budget of 0 ("the 10 hottest days get 36% of it either way").
    expect(off.weather_shift.find((w) => w.channel === 'tiktok')).toMatchObject({
      effect: 'no_spend',
      text: 'tiktok: the plan spends nothing on it, so the weather has none of its budget to move',
    });
    // The other channels' figures alone: (a) keeps tiktok's share of the budget, whose
    // extrapolated revenue is left out of (a) as of the plan.
    const others = off.channels.filter((c) => c.channel !== 'tiktok');
    const sum = others.reduce((acc, c) => acc + c.incremental_revenue, 0);
    expect(off.incremental_revenue).toBeCloseTo(sum, 4);
    const a = off.baselines.find((b) => b.name === 'historical_even')!;
    expect(a.incremental_revenue).toBeCloseTo(
      p.baselines.find((b) => b.name === 'historical_even')!.incremental_revenue,
      4,
    );
    // tiktok's extrapolated revenue there is far from its spend (-20.3k for 9.2 of spend): the
    // equality above is not one of small numbers.
    expect(Math.abs(p.held!.incremental_revenue)).toBeGreaterThan(
      0.01 * a.incremental_revenue + 100 * p.held!.spend,
    );
    expect(off.notes.some((x) => x.startsWith('tiktok: set by the bounds given'))).toBe(true);
  });

  it('explain puts a low_spend_channel caveat on it and on no other channel', () => {
    const e = explainFinalModel(series, final, null);
    const low = e.caveats.filter((c) => c.code === 'low_spend_channel');
    expect(low).toHaveLength(1);
    expect(low[0].channels).toEqual(['tiktok']);
    expect(low[0].message).toMatch(
      /^tiktok: almost no spend in the data \(under 0\.1% of all spend, on 8 of 1095 days\)/,
    );
  });
});

describe('a channel with no spend at all', () => {
  it('explain says so, not "almost no spend (... on 0 of 1095 days)"', () => {
    const s = generateTenant('extreme_sunscreen').series;
    const series: TenantSeries = {
      ...s,
      channels: [...s.channels, 'radio'],
      spend: [...s.spend, new Float64Array(s.target.length)],
    };
    const e = explainFinalModel(series, fitFinalModel(series, 3), null);
    const low = e.caveats.filter((c) => c.code === 'low_spend_channel');
    expect(low.map((c) => c.message)).toEqual([
      'radio: no spend in the data: nothing to estimate (no_spend: its contribution, ROAS and marginal ROAS are 0 by construction, and it has no response curve, carry-over, ROAS by weather state or intervals); leave its column out of the import; the planner holds it at zero unless given bounds for it, and a lift test on it is refused',
    ]);
  });
});

describe('a channel of the same spend on every row (core/data-warnings.ts constantSpendChannels)', () => {
  // extreme_sunscreen with a third channel spending 1,500 every day (about a fifth of all spend):
  // a column the intercept's, whose return the data cannot identify.
  let series: TenantSeries;
  let model: RevenueModel;
  let budget: number;

  beforeAll(() => {
    const s = generateTenant('extreme_sunscreen').series;
    const n = s.target.length;
    series = {
      ...s,
      channels: [...s.channels, 'radio'],
      spend: [...s.spend, new Float64Array(n).fill(1500)],
    };
    model = revenueModelOf(fitFinalModel(series, 3));
    let last = 0;
    for (let t = n - 365; t < n; t++) for (const x of series.spend) last += x[t];
    budget = (28 * last) / 365;
  });

  it('is held at its share of baseline (a) with its own reason, apart from the headline', () => {
    const p = makePlan(
      { series, model, outlook: scenarioOutlook(series, 'typical', model.weather, 28) },
      { horizon: 28, budget },
    );
    const held = p.default_bounds.find((g) => g.channel === 'radio');
    expect(held).toMatchObject({ reason: 'constant_spend', min_multiple: 1, max_multiple: 1 });
    const radio = p.channels.find((c) => c.channel === 'radio')!;
    // Its share of the last year's spend: 1,500 a day against the others'.
    let all = 0;
    const n = series.target.length;
    for (let t = n - 365; t < n; t++) for (const x of series.spend) all += x[t];
    expect(radio.spend).toBeCloseTo(((1500 * 365) / all) * budget, 4);
    expect(
      p.notes.some(
        (x) =>
          x.startsWith('held at its share of baseline (a): radio (1.5k every day of the data)') &&
          x.includes('the same on every row'),
      ),
    ).toBe(true);
    expect(p.held?.channels).toEqual(['radio']);
    const others = p.channels.filter((c) => c.channel !== 'radio');
    expect(p.incremental_revenue).toBeCloseTo(
      others.reduce((acc, c) => acc + c.incremental_revenue, 0),
      4,
    );
  });
});
