/** Which channels' ROAS a report must not headline: the explanation calls them unreliable. */
import { UNRELIABLE_ROAS_CODES } from '../phases/roas-status.js';
import type { TenantReportData } from './types.js';

/**
 * Channels whose ROAS the explanation calls unreliable: no spend, or a caveat that names the channel
 * (`Caveat.channels`) for almost no spend (low_spend_channel), constant spend, a pair the data cannot
 * separate (channels_not_separable), or an effect held at zero or negative; and channels whose 95%
 * interval of ROAS itself includes zero (interval_spans_zero also names a channel for its marginal
 * ROAS or a weather state's alone, which leaves the ROAS standing).
 */
export function unreliableRoas(d: TenantReportData): Set<string> {
  const out = new Set<string>();
  for (const c of d.explanation.channels) {
    const p95 = c.intervals?.roas.p95;
    if (c.no_spend || (p95 !== undefined && p95[0] <= 0 && p95[1] >= 0)) out.add(c.channel);
  }
  for (const c of channelsNamedBy(d, UNRELIABLE_ROAS_CODES)) out.add(c);
  return out;
}

/** The channels the explanation's caveats of these codes name (`Caveat.channels`). */
function channelsNamedBy(d: TenantReportData, codes: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const cv of d.explanation.caveats ?? []) {
    if (codes.has(cv.code)) for (const c of cv.channels ?? []) out.add(c);
  }
  return out;
}

/**
 * Channels the model holds at 0 (the caveat media_effect_held_at_zero: a negative effect the data
 * do not identify, constrained to none): their ROAS of 0 means "not identified", and their
 * per-state and per-period parts, which sum to 0, are no measurement either. The report drew
 * tiktok's weather-state ROAS at -1.4 and 2.0 and tabled "0.00", which read as "does nothing".
 */
export function heldAtZeroChannels(d: TenantReportData): Set<string> {
  return channelsNamedBy(d, HELD_AT_ZERO);
}

const HELD_AT_ZERO: ReadonlySet<string> = new Set(['media_effect_held_at_zero']);
