/** Questions later phases ask of the ground truth: conditional ROAS, response curves, counterfactual revenue. */

import { hill } from '../transforms.js';
import type { SyntheticTenant } from '../types.js';
import { expectedRevenue, saturate, steadyStateGain } from './revenue.js';

function checkChannel(t: SyntheticTenant, channelIndex: number): void {
  if (
    !Number.isInteger(channelIndex) ||
    channelIndex < 0 ||
    channelIndex >= t.truth.channels.length
  ) {
    throw new RangeError(
      `channelIndex must be an integer in [0, ${t.truth.channels.length - 1}] (got ${channelIndex})`,
    );
  }
}

function checkMask(t: SyntheticTenant, mask: ArrayLike<boolean>): void {
  if (mask.length !== t.truth.expected.length) {
    throw new RangeError(
      `mask must have one entry per row (${t.truth.expected.length}, got ${mask.length})`,
    );
  }
}

/**
 * True ROAS of a channel over the rows where mask is true: sum_mask contribution_t / sum_mask spend_t
 * (contribution includes carry-over of earlier spend into those rows). NaN when the channel spent nothing there.
 */
export function trueConditionalRoas(
  t: SyntheticTenant,
  channelIndex: number,
  mask: ArrayLike<boolean>,
): number {
  checkChannel(t, channelIndex);
  checkMask(t, mask);
  const contrib = t.truth.contributions[channelIndex];
  const spend = t.series.spend[channelIndex];
  let c = 0;
  let s = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) {
      c += contrib[i];
      s += spend[i];
    }
  }
  return s > 0 ? c / s : NaN;
}

/**
 * True response curve: for each constant spend x per row, the expected contribution per row of the channel in
 * the tenant's weather, mean over the (masked) rows of beta (1 + gamma driver_t) Hill(x / (1 - decay); k, s)
 * (x / (1 - decay) is the steady-state adstock of a sustained spend x). Other carry-over / saturation forms
 * use their own steady state and curve; on weekly rows x is spread evenly over the week's 7 days.
 */
export function trueResponseCurve(
  t: SyntheticTenant,
  channelIndex: number,
  levels: readonly number[],
  mask?: ArrayLike<boolean>,
): number[] {
  checkChannel(t, channelIndex);
  if (mask) checkMask(t, mask);
  const ch = t.truth.channels[channelIndex];
  const d = t.truth.driverIndex;
  // The curve is beta * hill(level) * mean(1 + gamma d) over the rows, so one pass over the rows suffices.
  let sum = 0;
  let count = 0;
  for (let i = 0; i < d.length; i++) {
    if (!mask || mask[i]) {
      sum += 1 + ch.gamma * d[i];
      count++;
    }
  }
  const weatherFactor = count > 0 ? sum / count : NaN;
  return levels.map((x) => {
    if (!(x >= 0 && Number.isFinite(x)))
      throw new RangeError(`spend levels must be finite and >= 0 (got ${x})`);
    if (ch.adstock === undefined && ch.saturation === undefined) {
      return ch.beta * weatherFactor * hill(x / (1 - ch.decay), ch.hillK, ch.hillS);
    }
    const days = t.truth.shape?.periodDays ?? 1;
    return days * ch.beta * weatherFactor * saturate(ch, (x / days) * steadyStateGain(ch));
  });
}

/**
 * Noise-free expected revenue if the channels had spent `spend` instead (counterfactual): the tenant's non-media
 * revenue (expected minus all contributions) plus the true media effects of the given spend. On weekly tenants
 * each week's new spend is spread over its days in proportion to the original daily spend (evenly when the week
 * had none), and the daily counterfactual is summed back into weeks: exact for a per-week scaling of the spend
 * (zeroing a channel, +1 %), an assumption otherwise.
 */
export function expectedRevenueFor(
  t: SyntheticTenant,
  spend: readonly ArrayLike<number>[],
): Float64Array {
  const n = t.truth.expected.length;
  if (spend.length !== t.truth.channels.length || spend.some((x) => x.length !== n)) {
    throw new RangeError(`spend must hold ${t.truth.channels.length} arrays of ${n} rows`);
  }
  if (t.daily) return weeklyCounterfactual(t, t.daily, spend);
  const nonMedia = Float64Array.from(t.truth.expected);
  for (const c of t.truth.contributions) for (let i = 0; i < n; i++) nonMedia[i] -= c[i];
  return expectedRevenue(nonMedia, t.truth.channels, spend, t.truth.driverIndex);
}

/** expectedRevenueFor of a weekly tenant through its daily twin (see expectedRevenueFor). */
function weeklyCounterfactual(
  t: SyntheticTenant,
  daily: SyntheticTenant,
  spend: readonly ArrayLike<number>[],
): Float64Array {
  const days = t.truth.shape?.periodDays ?? 7;
  const n = t.truth.expected.length;
  const dailySpend = daily.series.spend.map((orig, c) => {
    const out = new Float64Array(orig.length);
    for (let w = 0; w < n; w++) {
      const week = t.series.spend[c][w];
      for (let d = w * days; d < (w + 1) * days; d++) {
        out[d] = week > 0 ? (orig[d] * spend[c][w]) / week : spend[c][w] / days;
      }
    }
    return out;
  });
  const perDay = expectedRevenueFor(daily, dailySpend);
  const out = new Float64Array(n);
  for (let w = 0; w < n; w++) {
    let s = 0;
    for (let d = w * days; d < (w + 1) * days; d++) s += perDay[d];
    out[w] = s;
  }
  return out;
}
