/**
 * Revenue outages: a run of periods in which the target falls far below its level just before
 * (a store closed for a renovation, a lockdown, a site down, figures lost for some weeks). The
 * model has no term for it, and spend is usually cut at the same time, so the fit reads the drop
 * as the ads' effect: an outside probe's daily file with a 35-day closure (revenue at 3%, spend
 * at 5%) read every channel's ROAS 4-7 times its truth, none of the 80% intervals holding it,
 * and phase 3 passed its gate (0.73) because the spend explained the closure; with a 0/1 column
 * marking the closed days every interval held the truth (session 76, probe M). Nothing warned:
 * the spike test looks up, the level-shift test for a lasting step.
 *
 * The test is local: a period is low when its target is below OUTAGE_SHARE of the median of the
 * OUTAGE_REFERENCE periods before the run started, and a run of at least OUTAGE_MIN_RUN low
 * periods (one period inside it may be higher) is an outage. A season turns over weeks, so no
 * built-in, suite or generated tenant has such a run (tests/revenue-outage.test.ts). A run that
 * a 0/1 control column already marks (nonzero on most of its rows) is left out: the model has its
 * term.
 */
import { median } from './stats.js';
import type { TenantSeries } from './types.js';

/** A period whose target is below this share of the level before the run is low. */
export const OUTAGE_SHARE = 0.25;
/** Least low periods in a row: a week of days, or two weeks. */
export const OUTAGE_MIN_RUN = { daily: 7, weekly: 2 } as const;
/** Periods before a run whose median is its reference level (four weeks of days, or 8 weeks). */
export const OUTAGE_REFERENCE = { daily: 28, weekly: 8 } as const;
/** Share of a run's rows on which a control must be nonzero for the run to count as marked. */
const MARKED_SHARE = 0.8;

export interface RevenueOutage {
  /** First and last row of the run (inclusive). */
  startRow: number;
  endRow: number;
  start: string;
  end: string;
  /** Mean target over the run. */
  mean: number;
  /** Median target of the OUTAGE_REFERENCE periods before the run. */
  reference: number;
  /** Total spend per period in the run against the same reference periods' (null: no spend then). */
  spendRatio: number | null;
}

/** The target's outages (see the module's comment), in date order. */
export function revenueOutages(series: TenantSeries): RevenueOutage[] {
  const x = series.target;
  const n = x.length;
  const ref = OUTAGE_REFERENCE[series.frequency];
  const minRun = OUTAGE_MIN_RUN[series.frequency];
  const out: RevenueOutage[] = [];
  // The reference needs at least half its periods before the run.
  let t = Math.ceil(ref / 2);
  while (t < n) {
    const level = median(x.subarray(Math.max(0, t - ref), t));
    const low = (u: number) => x[u] < OUTAGE_SHARE * level;
    if (!(level > 0) || !low(t)) {
      t++;
      continue;
    }
    let end = t;
    // One higher period inside the run does not end it (a partial reopening, a stray figure).
    while (end + 1 < n && (low(end + 1) || (end + 2 < n && low(end + 2)))) {
      end += low(end + 1) ? 1 : 2;
    }
    if (end - t + 1 >= minRun && !markedByControl(series, t, end)) {
      out.push(outage(series, t, end, level));
    }
    t = end + 1;
  }
  return out;
}

function outage(series: TenantSeries, start: number, end: number, level: number): RevenueOutage {
  const ref = OUTAGE_REFERENCE[series.frequency];
  const from = Math.max(0, start - ref);
  const spendPerPeriod = (a: number, b: number) => {
    let s = 0;
    for (const v of series.spend) for (let u = a; u < b; u++) s += v[u];
    return s / (b - a);
  };
  const before = spendPerPeriod(from, start);
  let sum = 0;
  for (let u = start; u <= end; u++) sum += series.target[u];
  return {
    startRow: start,
    endRow: end,
    start: series.dates[start],
    end: series.dates[end],
    mean: sum / (end - start + 1),
    reference: level,
    spendRatio: before > 0 ? spendPerPeriod(start, end + 1) / before : null,
  };
}

/** True when a 0/1 control is nonzero on at least MARKED_SHARE of the rows start..end. */
function markedByControl(series: TenantSeries, start: number, end: number): boolean {
  return series.controls.some((c) => {
    if (!c.every((v) => v === 0 || v === 1)) return false;
    let on = 0;
    for (let u = start; u <= end; u++) if (c[u] !== 0) on++;
    return on >= MARKED_SHARE * (end - start + 1);
  });
}
