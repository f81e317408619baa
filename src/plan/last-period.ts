/**
 * The plan's last period, well above the channel's typical one (docs/planner.md, "The last
 * period's burst"). Revenue is counted over a tail after the horizon, where nothing more is spent
 * (plan.ts; with PlanRequest.afterHorizon 'continue' spend goes on there and this note is not
 * given), so the adstock the last period leaves lands on periods the model sees unsaturated,
 * and the optimizer piles spend there: google 9,535 on the last day of a ski plan whose median day
 * was 4,235, 11,296 against 2,778 on an umbrella plan. The text named such a burst only when it
 * left the data's range, and never said why.
 */
import { median } from '../core/stats.js';
import { hillSlope, type SeparableResponse } from './response.js';

/** A last period above this multiple of the median of the other periods gets the note. */
export const LAST_PERIOD_BURST = 1.5;
/** ... when at least this share of the return on its spend is earned after the horizon. */
export const LAST_PERIOD_TAIL_SHARE = 0.1;

export interface LastPeriodBurst {
  channel: string;
  last: number;
  median: number;
  /** The largest of the other periods: a per-period bound at it caps the last period alone. */
  others_max: number;
  /** Share of the marginal return on the last period's spend earned in the tail. */
  tail_share: number;
}

/**
 * The share of d revenue / d spend in the horizon's last period that is earned after it, for
 * channel c under plan x: the reverse accumulation of evaluateResponse split at the horizon.
 */
export function tailShareOfLastPeriod(
  r: SeparableResponse,
  x: readonly ArrayLike<number>[],
  c: number,
): number {
  const H = r.horizon;
  const n = H + r.tail;
  if (r.tail === 0) return 0;
  const d = r.decay[c];
  const adstock = new Float64Array(n);
  let a = r.start[c];
  for (let t = 0; t < n; t++) {
    a = (t < H ? x[c][t] : 0) + d * a;
    adstock[t] = a;
  }
  let after = 0;
  for (let t = n - 1; t >= H; t--) {
    after = r.gain[c][t] * hillSlope(adstock[t], r.k[c], r.s[c]) + d * after;
  }
  const tail = d * after;
  const own = r.gain[c][H - 1] * hillSlope(adstock[H - 1], r.k[c], r.s[c]);
  const all = own + tail;
  return all > 0 && tail > 0 ? Math.min(1, tail / all) : 0;
}

/**
 * Channels whose last period of the plan gets more than LAST_PERIOD_BURST times the median of
 * their other periods while the tail earns at least LAST_PERIOD_TAIL_SHARE of the return on it
 * (a burst the weather makes is the weather line's). Needs 3 periods or more.
 */
export function lastPeriodBursts(
  r: SeparableResponse,
  x: readonly ArrayLike<number>[],
  dust: number,
): LastPeriodBurst[] {
  const H = r.horizon;
  if (H < 3 || r.tail === 0) return [];
  return r.channels.flatMap((channel, c) => {
    const others = Array.from({ length: H - 1 }, (_, t) => x[c][t]);
    const last = x[c][H - 1];
    const med = median(others);
    if (!(last > dust) || !(last > LAST_PERIOD_BURST * med)) return [];
    const share = tailShareOfLastPeriod(r, x, c);
    if (share < LAST_PERIOD_TAIL_SHARE) return [];
    return [
      {
        channel,
        last,
        median: med,
        others_max: Math.max(...others),
        tail_share: share,
      },
    ];
  });
}

/** A per-period cap in the bounds' text (rounded up to 3 significant figures). */
function capText(v: number): string {
  if (!(v > 0)) return '0';
  const p = 10 ** (Math.floor(Math.log10(v)) - 2);
  const up = Math.ceil(v / p - 1e-9) * p;
  return String(Number(up.toPrecision(3)));
}

/** The note on the bursts (null without any): what, why, and the bound that avoids them. */
export function lastPeriodNote(
  bursts: readonly LastPeriodBurst[],
  unit: 'day' | 'week',
  lastDate: string,
  tail: number,
  money: (v: number) => string,
): string | null {
  if (bursts.length === 0) return null;
  const one = bursts.length === 1;
  const list = bursts
    .map(
      (b) =>
        `${b.channel} ${money(b.last)}, ${b.median > 0 ? `${(b.last / b.median).toFixed(1)}x its median ${unit} of the plan (${money(b.median)})` : `its median ${unit} of the plan 0`}, ${Math.round(b.tail_share * 100)}% of the return on it earned after the horizon`,
    )
    .join('; ');
  // Both faces' syntax, as for the after-horizon option: the note is stored with the plan, which
  // either face may read (an MCP probe read the CLI's syntax alone and had to translate it).
  const cli = bursts.map((b) => `${b.channel}=:${capText(b.others_max)}/${unit}`).join(',');
  const mcp = bursts
    .map((b) => `{"channel": "${b.channel}", "max": ${capText(b.others_max)}, "per_period": true}`)
    .join(', ');
  return (
    `the last ${unit} of the horizon (${lastDate}) gets much more than a typical ${unit}: ${list}. ` +
    `The plan counts the revenue of the ${tail} ${unit}${tail === 1 ? '' : 's'} after the horizon as if nothing more were spent then, so the carry-over of the last ${unit}'s spend lands on ${unit}s the model sees unsaturated and earns more than the same spend earlier. ` +
    `It is not counted twice: the next plan starts from the adstock this one leaves. ` +
    `If you keep spending after the horizon, the burst earns less than the plan counts: plan with the spend going on after the horizon (after-horizon continue: CLI --after-horizon continue, MCP after_horizon "continue") to price that in, or cap ${one ? 'the channel' : 'the channels'} per ${unit} at ${one ? 'its' : 'their'} largest other ${unit} of the plan (bounds: CLI --bounds ${cli}; MCP bounds [${mcp}])`
  );
}
