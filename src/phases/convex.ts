/**
 * Channels whose modeled curve rises faster and faster over nearly all the spend the data hold
 * (the plan model's, and explain's phase-3 model; docs/planner.md, "Channels whose curve does not
 * saturate in the data"): a Hill shape s above 1 whose inflection point, k ((s - 1) / (s + 1))^(1 / s) (where the second derivative of
 * x^s / (k^s + x^s) changes sign), lies above the CONVEX_QUANTILE quantile of the channel's
 * adstock over the data. Such a curve says each extra unit returns more than the last wherever the
 * data reached, and nothing in the data shows where it saturates, so a plan that moves spend to
 * the channel or bunches it in a few periods rests on an extrapolation. Measured: on 50 weekly
 * generated tenants (seeds 9700-9749, 13 weeks) 12 had such a channel and 5 of their plans lost to
 * baseline (a) under the truth, against 7 of the other 38; on 170 daily extreme- and high-tier
 * tenants 2 had one (both curves also at the search's bounds). The plan and the explanation say so
 * first (their `convex_curve` caveats); holding such channels alone at (a) was measured and not kept; a checked
 * plan with such a channel stays at baseline (a) as a whole (plan.ts doubtHoldReason).
 */
import { quantile } from '../core/stats.js';
import { geometricAdstock } from '../core/transforms.js';
import type { TenantSeries } from '../core/types.js';

/** Share of the data's periods whose adstock lies below a convex curve's inflection point. */
export const CONVEX_QUANTILE = 0.95;

export interface ConvexChannel {
  channel: string;
  /** Hill shape of the curve (> 1). */
  s: number;
  /** Adstocked spend where the curve turns from rising faster to rising slower. */
  inflection: number;
  /** The CONVEX_QUANTILE quantile of the channel's adstock over the data's periods. */
  adstock_quantile: number;
}

/** A channel's adstock decay and Hill k and shape. */
interface Curve {
  decay: number;
  k: number;
  s: number;
}

/** The channels (curves in `series.channels` order) convex over nearly all the data (module comment). */
export function convexChannels(series: TenantSeries, media: readonly Curve[]): ConvexChannel[] {
  return series.channels.flatMap((channel, c) => {
    const { decay, k, s } = media[c];
    if (!(s > 1) || !(k > 0)) return [];
    const inflection = k * ((s - 1) / (s + 1)) ** (1 / s);
    const adstock_quantile = quantile(geometricAdstock(series.spend[c], decay), CONVEX_QUANTILE);
    return adstock_quantile < inflection ? [{ channel, s, inflection, adstock_quantile }] : [];
  });
}
