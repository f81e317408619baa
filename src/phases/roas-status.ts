/**
 * How far a channel's ROAS in an explanation can be read as a measurement, from the explanation's
 * own caveats and intervals, as one structured field per channel (`roas_status`). An autopilot
 * that ranks channels on `roas` had to parse the caveats' English: a small channel's ROAS 13.36
 * (95% interval 0 to 42, true 4.63) ranked first of a chain's 20 channels (session 76, probe N),
 * and a calibrated ROAS that the refit, not the lift test, had doubled was read as measured
 * (session 75, probe K).
 */
import type { Caveat, Explanation } from './types.js';

/**
 * Caveat codes that make the ROAS of the channels they name unidentified, or not readable alone:
 * almost no or constant spend, a pair the data cannot separate or whose split is uncertain,
 * spend that follows the baseline, an effect held at zero or negative. The report leaves such
 * channels off its best-ROAS card (report/reliability.ts).
 */
export const UNRELIABLE_ROAS_CODES: ReadonlySet<string> = new Set([
  'low_spend_channel',
  'constant_spend_channel',
  'channels_not_separable',
  'channels_correlated',
  'spend_follows_baseline',
  'media_effect_held_at_zero',
  'negative_media_effect',
]);

/** Caveats about the whole model that make every channel's ROAS unreliable. */
const MODEL_CODES: ReadonlySet<string> = new Set([
  'model_fails_threshold',
  'not_validated',
  'units_mismatch',
  'revenue_outage',
  'media_beyond_revenue',
]);

/**
 * - `model_not_reliable`: a caveat about the whole model (below the pass bar, not validated,
 *   units, a revenue outage, media beyond the revenue);
 * - `not_identified`: a caveat in UNRELIABLE_ROAS_CODES names the channel;
 * - `refit_dominated`: calibration_mostly_refit names it (the refit, not the tests, moved it);
 * - `read_off_curve`: roas_below_spend_seen names it (most of its effect lies below the spend the
 *   data show; its marginal ROAS is the firmer figure);
 * - `spans_zero`: its ROAS 95% interval includes 0;
 * - `no_intervals`: none of the above, and no interval to judge by;
 * - `measured`: none of the above, with an interval clear of 0;
 * - `no_spend`: the channel never spent.
 * The first that applies, in this order: rank channels on `roas` only where it is `measured`.
 */
export type RoasStatus =
  | 'model_not_reliable'
  | 'not_identified'
  | 'refit_dominated'
  | 'read_off_curve'
  | 'spans_zero'
  | 'no_intervals'
  | 'measured'
  | 'no_spend';

/** Each channel's RoasStatus in the explanation (by channel name). */
export function roasStatuses(
  e: Pick<Explanation, 'channels' | 'caveats'>,
): Map<string, RoasStatus> {
  const names = (codes: ReadonlySet<string>): Set<string> =>
    new Set(e.caveats.filter((c: Caveat) => codes.has(c.code)).flatMap((c) => c.channels ?? []));
  const model = e.caveats.some((c) => MODEL_CODES.has(c.code));
  const unidentified = names(UNRELIABLE_ROAS_CODES);
  const refit = names(new Set(['calibration_mostly_refit']));
  const curve = names(new Set(['roas_below_spend_seen']));
  const out = new Map<string, RoasStatus>();
  for (const c of e.channels) {
    const p95 = c.intervals?.roas.p95;
    out.set(
      c.channel,
      c.no_spend
        ? 'no_spend'
        : model
          ? 'model_not_reliable'
          : unidentified.has(c.channel)
            ? 'not_identified'
            : refit.has(c.channel)
              ? 'refit_dominated'
              : curve.has(c.channel)
                ? 'read_off_curve'
                : p95 === undefined
                  ? 'no_intervals'
                  : p95[0] <= 0 && p95[1] >= 0
                    ? 'spans_zero'
                    : 'measured',
    );
  }
  return out;
}
