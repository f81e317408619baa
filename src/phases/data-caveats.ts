/**
 * Caveats that the data themselves call for, whatever the model: explain and the plan put them
 * first (phases/explain.ts, app/plan.ts), as the import and train warn of the same data
 * (core/data-warnings.ts). A warning said once at import was gone by the time explain printed a
 * ROAS of 0.00000392 (revenue in millions, spend in units) or gave two copies of one channel 81%
 * of the revenue.
 */
import {
  describeInseparable,
  describeOutages,
  inseparableChannels,
  outageAdvice,
  spendFollowsBaselineWords,
} from '../core/data-warnings.js';
import { revenueOutages } from '../core/revenue-outage.js';
import { spendFollowingBaseline } from '../core/spend-follows.js';
import { formatSignificant } from '../core/csv/numbers.js';
import { levelShift } from '../core/level-shift.js';
import type { TenantSeries } from '../core/types.js';
import { roughly, seriesUnitsMismatch } from '../core/units.js';
import type { Caveat } from './types.js';

/**
 * units_mismatch, revenue_outage, channels_not_separable, spend_follows_baseline and level_shift
 * of a series, in that order.
 */
export function dataCaveats(series: TenantSeries): Caveat[] {
  return [
    ...unitsMismatchCaveats(series),
    ...revenueOutageCaveats(series),
    ...inseparableCaveats(series),
    ...spendFollowsBaselineCaveats(series),
    ...levelShiftCaveats(series),
  ];
}

/**
 * Periods far below the level before them (core/revenue-outage.ts, the import's and train's
 * revenue_outage warning): a probe's 35-day closure, spend cut with it, read every ROAS 4-7 times
 * its truth and passed phase 3's gate; the caveats then named other causes (session 76, probe M).
 */
export function revenueOutageCaveats(series: TenantSeries): Caveat[] {
  const outages = revenueOutages(series);
  if (outages.length === 0) return [];
  return [
    {
      code: 'revenue_outage',
      message: `"${series.targetName}" falls ${describeOutages(series, outages)}, with no column marking it: ${outageAdvice(outages)}, then run again`,
    },
  ];
}

/**
 * Channels whose spend follows the baseline's columns (core/spend-follows.ts), one caveat each:
 * the import's warning was gone by the time explain called a demand-following search's marginal
 * ROAS "the firmer figure" (9.31 for a true 0.71, its 80% interval 8.88 to 9.60; probe s75).
 */
export function spendFollowsBaselineCaveats(series: TenantSeries): Caveat[] {
  return spendFollowingBaseline(series).map((f) => ({
    code: 'spend_follows_baseline',
    channels: [f.channel],
    message: spendFollowsBaselineWords(series, f),
  }));
}

/**
 * Revenue at another level from one date on (core/level-shift.ts, the import's and train's
 * level_shift warning): the model spans the change with no term for it, so its baseline is a
 * mix of both levels and whatever moved with the date (a channel launched then, the season) takes
 * part of the step. The report of a file whose revenue doubled showed a fold at R² -22.7 and its
 * ROAS with no word of it; a 0/1 step control silences it (the test regresses on the controls).
 */
export function levelShiftCaveats(series: TenantSeries): Caveat[] {
  const shift = levelShift(series);
  if (shift === null) return [];
  const sign = shift.step > 0 ? '+' : '-';
  return [
    {
      code: 'level_shift',
      message: `"${series.targetName}" runs at another level from about ${shift.date} on (${sign}${Math.round(Math.abs(shift.relative) * 100)}%, ${sign}${formatSignificant(Math.abs(shift.step), 3)} a ${series.frequency === 'weekly' ? 'week' : 'day'}) and the model has no term for the change: folds that train before it forecast the old level, and the baseline, contributions and ROAS mix both levels (what moved with the date may take part of the step); add a control column that is 0 before ${shift.date} and 1 from it on, or import only the rows from ${shift.date} on, and run again`,
    },
  ];
}

/**
 * Revenue and spend in different units (core/units.ts): every figure that divides revenue by spend
 * (ROAS, marginal ROAS, a plan's ROAS and its revenue per unit of budget) is off by that factor.
 */
export function unitsMismatchCaveats(series: TenantSeries): Caveat[] {
  const m = seriesUnitsMismatch(series);
  if (m === null) return [];
  const name = series.targetName;
  return [
    {
      code: 'units_mismatch',
      message: `"${name}" adds up to ${roughly(m.ratio)} times the total spend (${roughly(m.revenue)} against ${roughly(m.spend)}): revenue and spend look like different units (e.g. one in thousands or millions), so every ROAS and marginal ROAS (${name} per unit of spend), and a plan's ROAS and revenue per unit of budget, are off by that factor; contributions and shares of revenue are not; write both in the same currency unit and import again`,
    },
  ];
}

/**
 * Channels whose spend is identical or correlated at DUPLICATE_SPEND_CORRELATION or more
 * (core/data-warnings.ts inseparableChannels): their split is arbitrary, so neither one's figures
 * nor the media total are identified. Apart from explain's note on correlated channels (r above
 * 0.7), which says the split is uncertain; this one says it is not there at all.
 */
export function inseparableCaveats(series: TenantSeries): Caveat[] {
  return inseparableChannels(series).map((pair) => {
    const [a, b] = pair.channels;
    return {
      code: 'channels_not_separable',
      channels: [a, b],
      message: `${a} and ${b}: ${describeInseparable(pair)}, so the data cannot separate them at all: the model's split between them is arbitrary (one may be held at 0 and the other take the effect of both), so each one's contribution, ROAS, marginal ROAS, ROAS by weather state and response curve are not identified, and neither is the media total they are part of; add them into one channel, or leave one out, and import again`,
    };
  });
}
