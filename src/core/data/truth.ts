/** Questions later phases ask of the ground truth: conditional ROAS, response curves, counterfactual revenue. */

import { hill } from '../transforms.js';
import type { SyntheticTenant } from '../types.js';
import { expectedRevenue } from './revenue.js';

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
 * True response curve: for each constant daily spend x, the expected daily contribution of the channel in the
 * tenant's weather, mean over the (masked) rows of beta (1 + gamma driver_t) Hill(x / (1 - decay); k, s)
 * (x / (1 - decay) is the steady-state adstock of a sustained spend x).
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
    return ch.beta * weatherFactor * hill(x / (1 - ch.decay), ch.hillK, ch.hillS);
  });
}

/**
 * Noise-free expected revenue if the channels had spent `spend` instead (counterfactual): the tenant's non-media
 * revenue (expected minus all contributions) plus the true media effects of the given spend.
 */
export function expectedRevenueFor(
  t: SyntheticTenant,
  spend: readonly ArrayLike<number>[],
): Float64Array {
  const n = t.truth.expected.length;
  if (spend.length !== t.truth.channels.length || spend.some((x) => x.length !== n)) {
    throw new RangeError(`spend must hold ${t.truth.channels.length} arrays of ${n} rows`);
  }
  const nonMedia = Float64Array.from(t.truth.expected);
  for (const c of t.truth.contributions) for (let i = 0; i < n; i++) nonMedia[i] -= c[i];
  return expectedRevenue(nonMedia, t.truth.channels, spend, t.truth.driverIndex);
}
