/** Planned daily media spend of one channel: seasonal plan, monthly budgets, bursts, dark periods, noise. */

import type { SeededRandom } from '../random.js';
import type { DailyCalendar } from './calendar.js';
import { yearPhase } from './calendar.js';

export interface SpendPlan {
  /** Average planned spend on a live day, USD. */
  level: number;
  /** Relative amplitude of the yearly plan and its peak day of year. */
  seasonalAmp: number;
  peakDay: number;
  /** Spend multiplier per weekday (0 = Sunday). */
  weekday: number[];
}

/** Draws a channel's plan; `weekdayTilt` > 0 favours weekdays (search), < 0 weekends (social). */
export function drawSpendPlan(rng: SeededRandom, level: number, weekdayTilt: number): SpendPlan {
  const weekday: number[] = [];
  for (let d = 0; d < 7; d++) {
    const isWeekend = d === 0 || d === 6;
    weekday.push(
      (isWeekend ? 1 - weekdayTilt : 1 + 0.4 * weekdayTilt) * (1 + rng.uniform(-0.04, 0.04)),
    );
  }
  return { level, seasonalAmp: rng.uniform(0.1, 0.35), peakDay: rng.uniform(0, 365), weekday };
}

/**
 * Daily spend, USD rounded to cents, computed only from the plan and the channel's own random stream
 * (never from revenue): spend_t = level x (1 + amp cos(2 pi (doy - peak)/365.25)) x month_m x weekday_d
 * x burst_t x live_t x exp(0.25 e_t - 0.25^2/2), month_m ~ LogNormal(0, 0.2), bursts of 5-20 days at
 * 1.5-3x every 25-70 days, dark periods (live_t = 0) of 3-12 days every 60-150 days, plus ~1% single off days.
 */
export function generateSpend(
  plan: SpendPlan,
  cal: DailyCalendar,
  rng: SeededRandom,
): Float64Array {
  const n = cal.dayOfYear.length;
  const months = n === 0 ? 0 : cal.monthIndex[n - 1] + 1;
  const monthFactor = new Float64Array(months);
  for (let m = 0; m < months; m++) monthFactor[m] = Math.exp(rng.normal(0, 0.2) - 0.02);
  const multiplier = new Float64Array(n).fill(1);
  // Campaign bursts.
  for (let t = Math.floor(rng.uniform(5, 40)); t < n; t += Math.floor(rng.uniform(25, 70))) {
    const len = Math.floor(rng.uniform(5, 21));
    const lift = rng.uniform(1.5, 3);
    for (let i = t; i < Math.min(n, t + len); i++) multiplier[i] *= lift;
  }
  // Dark periods: the first one within the first ~4 months so short series have zero days too.
  for (let t = Math.floor(rng.uniform(10, 120)); t < n; t += Math.floor(rng.uniform(60, 150))) {
    const len = Math.floor(rng.uniform(3, 13));
    for (let i = t; i < Math.min(n, t + len); i++) multiplier[i] = 0;
  }
  const noiseSd = 0.25;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const noise = Math.exp(noiseSd * rng.normal() - (noiseSd * noiseSd) / 2);
    const offDay = rng.next() < 0.01;
    if (multiplier[t] === 0 || offDay) continue;
    const seasonal = 1 + plan.seasonalAmp * Math.cos(yearPhase(cal.dayOfYear[t], plan.peakDay));
    const x =
      plan.level *
      seasonal *
      monthFactor[cal.monthIndex[t]] *
      plan.weekday[cal.dayOfWeek[t]] *
      multiplier[t] *
      noise;
    out[t] = Math.round(x * 100) / 100;
  }
  return out;
}
