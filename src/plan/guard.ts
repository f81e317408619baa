/**
 * Default bounds for channels the history cannot tell apart (docs/planner.md, "Channels the
 * history cannot tell apart"). When the other channels' spend explains most of a channel's spend
 * over the data (R² of the channel's spend on the others' spend, with an intercept, at least
 * GUARD_MIN_R2), the model's split of revenue between it and the others rests on the little
 * variation that is its own, and every refit of the plan's check shares that split (the bootstrap
 * world is the fitted model; the windows see the same correlation). Such a channel's total over
 * the horizon is kept between R² and 1 / R² times its share of the budget in baseline (a): the
 * range narrows as the others explain more of the channel and is (a) itself at R² = 1.
 * Decided from the tenant's own spend alone (no revenue, no truth).
 *
 * A channel with almost no spend in the data (core/data-warnings.ts lowSpendChannels, the rule of
 * the import's warning) is held at its share of baseline (a) (both multiples 1): its curve rests
 * on a handful of periods, so any return the model gives it beyond them is an extrapolation the
 * refits cannot check (a shop's channel spent on 5 of 156 weeks came out at a marginal ROAS of
 * 5,000). A channel with the same spend on every row (core/data-warnings.ts
 * constantSpendChannels) is held the same way: its column is the intercept's, so the model's
 * return on it is not identified by the data at all. Bounds the user gives for such a channel
 * replace the hold.
 */
import { Matrix, solve } from 'ml-matrix';
import type { LowSpendChannel } from '../core/data-warnings.js';
import type { PlanConstraints } from './optimize.js';

/** Below this R² the data separate the channel well enough for the refits to judge it: no default. */
export const GUARD_MIN_R2 = 0.5;

export interface ChannelGuard {
  channel: string;
  /**
   * correlated_spend: the other channels' spend explains at least GUARD_MIN_R2 of it;
   * low_spend: almost no spend in the data (held at its share of baseline (a));
   * constant_spend: the same spend on every row of the data (held the same way);
   * spend_follows_baseline: the baseline's columns explain at least GUARD_MIN_R2 of it.
   */
  reason: 'correlated_spend' | 'low_spend' | 'constant_spend' | 'spend_follows_baseline';
  /**
   * Share of the channel's spend variance explained by the other channels' spend
   * (spend_follows_baseline: the adjusted R² of its spend on the baseline's columns).
   */
  r2: number;
  /**
   * low_spend: its share of all spend (from its first spend on), the periods it spends on, of all
   * periods, and the period of its first spend when after the first (0-based).
   */
  low_spend?: { share: number; active_periods: number; periods: number; first_period?: number };
  /** Least and most spend over the horizon as multiples of the channel's share of the budget in baseline (a). */
  min_multiple: number;
  max_multiple: number;
}

/**
 * R² of each channel's spend on the other channels' spend over all rows (least squares with an
 * intercept, from the channels' correlation matrix C: r' C_oo^+ r with r the channel's correlations
 * with the others; the pseudo-inverse, so exactly collinear channels give 1).
 * A channel without spend variance, or a single channel, gets 0 (no other channel explains it).
 */
export function spendR2(spend: readonly Float64Array[]): number[] {
  const n = spend[0]?.length ?? 0;
  const sd = spend.map((x) => {
    let m = 0;
    for (const v of x) m += v;
    m /= n;
    let s = 0;
    for (const v of x) s += (v - m) ** 2;
    return { m, s: Math.sqrt(s) };
  });
  const live = spend
    .map((_, c) => c)
    .filter((c) => sd[c].s > 1e-12 * Math.abs(sd[c].m) * Math.sqrt(n));
  const out = spend.map(() => 0);
  if (live.length < 2) return out;
  const corr = new Matrix(live.length, live.length);
  live.forEach((a, i) =>
    live.forEach((b, j) => {
      let s = 0;
      for (let t = 0; t < n; t++) s += (spend[a][t] - sd[a].m) * (spend[b][t] - sd[b].m);
      corr.set(i, j, s / (sd[a].s * sd[b].s));
    }),
  );
  live.forEach((c, i) => {
    const others = live.map((_, j) => j).filter((j) => j !== i);
    const a = corr.selection(others, others);
    const b = corr.selection(others, [i]);
    const beta = solve(a, b, true);
    let r2 = 0;
    others.forEach((_, k) => (r2 += b.get(k, 0) * beta.get(k, 0)));
    out[c] = Math.min(1, Math.max(0, r2));
  });
  return out;
}

/** Reasons a channel is held at its share of baseline (a): its return is not measured. */
export const HOLD_REASONS: readonly ChannelGuard['reason'][] = ['low_spend', 'constant_spend'];

/** Whether a guard holds its channel at its share of baseline (a) (low or constant spend). */
export function isHold(g: ChannelGuard): boolean {
  return HOLD_REASONS.includes(g.reason);
}

/**
 * The default bounds: the channels of almost no spend (`lowSpend`) and those of the same spend on
 * every row (`constantSpend`) held at their share of baseline (a), the others whose R² is at least
 * GUARD_MIN_R2 kept between R² and 1 / R² of it; none for a channel the user bounded.
 */
export function channelGuards(
  channels: readonly string[],
  spend: readonly Float64Array[],
  userBounded: ReadonlySet<string>,
  lowSpend: readonly LowSpendChannel[] = [],
  constantSpend: readonly string[] = [],
  /**
   * Adjusted R² of each channel's spend on the baseline's columns (core/spend-follows.ts
   * spendBaselineFits), by channel: at least GUARD_MIN_R2 keeps the channel between it and its
   * inverse times its share of (a), as correlated spend is (the tighter of the two when both);
   * an analyst's demand-following search (probe s75) got 40-80% of the model's optimum.
   */
  baselineR2: ReadonlyMap<string, number> = new Map(),
): ChannelGuard[] {
  const r2 = spendR2(spend);
  return channels.flatMap((channel, c): ChannelGuard[] => {
    if (userBounded.has(channel)) return [];
    const low = lowSpend.find((l) => l.channel === channel);
    if (low) {
      return [
        {
          channel,
          reason: 'low_spend',
          r2: r2[c],
          low_spend: {
            share: low.share,
            active_periods: low.active,
            periods: low.rows,
            ...(low.first !== undefined ? { first_period: low.first } : {}),
          },
          min_multiple: 1,
          max_multiple: 1,
        },
      ];
    }
    if (constantSpend.includes(channel)) {
      // r2 0: spendR2 gives a channel without spend variance 0 (no other channel explains it).
      return [{ channel, reason: 'constant_spend', r2: r2[c], min_multiple: 1, max_multiple: 1 }];
    }
    const follows = baselineR2.get(channel) ?? 0;
    if (follows >= GUARD_MIN_R2 && follows >= r2[c]) {
      return [
        {
          channel,
          reason: 'spend_follows_baseline',
          r2: follows,
          min_multiple: follows,
          max_multiple: 1 / follows,
        },
      ];
    }
    return r2[c] >= GUARD_MIN_R2
      ? [
          {
            channel,
            reason: 'correlated_spend',
            r2: r2[c],
            min_multiple: r2[c],
            max_multiple: 1 / r2[c],
          },
        ]
      : [];
  });
}

/**
 * The constraints with the guards' totals added (intersected with what is there). `split` is
 * baseline (a)'s channel shares. Null when the result is empty for a channel or cannot spend the
 * budget (the user's bounds elsewhere leave the guarded channels too little or too much room):
 * the caller then plans without the guards and says so.
 */
export function guardConstraints(
  cons: PlanConstraints,
  channels: readonly string[],
  guards: readonly ChannelGuard[],
  split: readonly number[],
): PlanConstraints | null {
  if (guards.length === 0) return cons;
  const totalLower = [...cons.totalLower];
  const totalUpper = [...cons.totalUpper];
  for (const g of guards) {
    const c = channels.indexOf(g.channel);
    const base = split[c] * cons.budget;
    totalLower[c] = Math.max(totalLower[c], g.min_multiple * base);
    totalUpper[c] = Math.min(totalUpper[c], g.max_multiple * base);
  }
  const periodSum = (v: Float64Array): number => v.reduce((a, b) => a + b, 0);
  let lo = 0;
  let hi = 0;
  for (let c = 0; c < channels.length; c++) {
    const l = Math.max(totalLower[c], periodSum(cons.lower[c]));
    const u = Math.min(totalUpper[c], periodSum(cons.upper[c]));
    if (l > u * (1 + 1e-12)) return null;
    lo += l;
    hi += u;
  }
  if (lo > cons.budget * (1 + 1e-12) || hi < cons.budget * (1 - 1e-12)) return null;
  return { ...cons, totalLower, totalUpper };
}
