/**
 * Revenue outages (core/revenue-outage.ts): a run of periods far below the level before it (a
 * store closed, a lockdown). An outside probe's 35-day closure (revenue at 3%, spend cut to 5%)
 * was imported without a word and read every ROAS 4-7 times its truth (session 76, probe M).
 */
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_TENANT_IDS,
  generateShape,
  generateTenant,
  generateTenantSet,
  SHAPE_SUITE,
  shapeSpecOf,
} from '../src/core/data/index.js';
import { dataWarnings } from '../src/core/data-warnings.js';
import { protocolForSeries } from '../src/core/protocol.js';
import { OUTAGE_MIN_RUN, revenueOutages } from '../src/core/revenue-outage.js';
import type { TenantSeries } from '../src/core/types.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';
import { dataCaveats } from '../src/phases/data-caveats.js';

/** The series with rows from..to (inclusive) at `revenue` x their target and `spend` x spend. */
function closed(s: TenantSeries, from: number, to: number, revenue: number, spend = 0.05) {
  const target = Float64Array.from(s.target);
  const sp = s.spend.map((v) => Float64Array.from(v));
  for (let t = from; t <= to; t++) {
    target[t] *= revenue;
    for (const v of sp) v[t] *= spend;
  }
  return { ...s, target, spend: sp };
}

/** Spend per day on rows 440..474 (at 5%) against the 28 days before, by hand. */
function spendCut(s: TenantSeries): number {
  let run = 0;
  let before = 0;
  for (const v of s.spend) {
    for (let t = 440; t <= 474; t++) run += 0.05 * v[t];
    for (let t = 412; t < 440; t++) before += v[t];
  }
  return run / 35 / (before / 28);
}

const warningsOf = (s: TenantSeries) => {
  const p = protocolForSeries(s);
  return dataWarnings(s, {
    folds: 'error' in p ? [] : p.folds,
    words: CLI_OPTION_WORDS,
    source: 'imported',
  });
};

describe('revenueOutages', () => {
  it('finds a 35-day closure with its dates, level and spend cut', () => {
    const s = generateTenant('none_books').series;
    const o = revenueOutages(closed(s, 440, 474, 0.03));
    expect(o).toHaveLength(1);
    expect([o[0].startRow, o[0].endRow]).toEqual([440, 474]);
    expect([o[0].start, o[0].end]).toEqual([s.dates[440], s.dates[474]]);
    expect(o[0].spendRatio!).toBeCloseTo(spendCut(s), 9);
    // The mean over the run, by hand.
    let sum = 0;
    for (let t = 440; t <= 474; t++) sum += s.target[t] * 0.03;
    expect(o[0].mean).toBeCloseTo(sum / 35, 6);
  });

  it('a closure written as zeros, a partial day inside it, and a weekly one are found', () => {
    const s = generateTenant('high_umbrella_rain').series;
    const zeros = closed(s, 300, 320, 0);
    expect(revenueOutages(zeros).map((o) => [o.startRow, o.endRow])).toEqual([[300, 320]]);
    // One day at 60% inside the closure does not split it.
    const partial = closed(s, 300, 320, 0.02);
    partial.target[310] = s.target[310] * 0.6;
    expect(revenueOutages(partial).map((o) => [o.startRow, o.endRow])).toEqual([[300, 320]]);
    const weekly = generateShape(shapeSpecOf('w', 3, { frequency: 'weekly', years: 3 })).series;
    expect(revenueOutages(closed(weekly, 60, 63, 0.1)).map((o) => [o.startRow, o.endRow])).toEqual([
      [60, 63],
    ]);
  });

  it('is silent on runs shorter than a week, and on a run a 0/1 control marks', () => {
    const s = generateTenant('none_books').series;
    expect(revenueOutages(closed(s, 440, 440 + OUTAGE_MIN_RUN.daily - 2, 0.03))).toEqual([]);
    const c = closed(s, 440, 474, 0.03);
    const mark = Float64Array.from(c.target, (_, t) => (t >= 440 && t <= 474 ? 1 : 0));
    expect(revenueOutages({ ...c, controlNames: ['closed'], controls: [mark] })).toEqual([]);
  });

  it('is silent on the built-in 20, the shape suite and 60 generated tenants (daily and weekly)', () => {
    for (const id of BUILTIN_TENANT_IDS)
      expect(revenueOutages(generateTenant(id).series), id).toEqual([]);
    for (const spec of SHAPE_SUITE)
      expect(revenueOutages(generateShape(spec).series), spec.id).toEqual([]);
    for (const t of generateTenantSet(20, { seed: 7601 }))
      expect(revenueOutages(t.series), t.info.tenant).toEqual([]);
    for (let i = 0; i < 40; i++) {
      const spec = shapeSpecOf(`o${i}`, 7602, {
        frequency: i % 2 ? 'weekly' : 'daily',
        years: 1 + (i % 3),
        channels: 2 + (i % 5),
        events: i % 4 === 0,
        weather: (['canonical', 'renamed', 'none'] as const)[i % 3],
      });
      expect(revenueOutages(generateShape(spec).series), spec.id).toEqual([]);
    }
  });

  it('warns at import and is a caveat in explain and the plan, naming the dates and the fix', () => {
    const open = generateTenant('none_books').series;
    const s = closed(open, 440, 474, 0.03);
    const w = warningsOf(s).filter((x) => x.code === 'revenue_outage');
    expect(w).toHaveLength(1);
    expect(w[0].message).toContain(`from ${s.dates[440]} to ${s.dates[474]} (35 days)`);
    expect(w[0].message).toContain(`spend was cut to ${Math.round(spendCut(open) * 100)}%`);
    expect(warningsOf(open).some((x) => x.code === 'revenue_outage')).toBe(false);
    expect(w[0].message).toContain('add a control column that is 1 on those dates and 0 elsewhere');
    const c = dataCaveats(s).filter((x) => x.code === 'revenue_outage');
    expect(c).toHaveLength(1);
    expect(c[0].message).toContain(`${s.dates[440]} to ${s.dates[474]}`);
  });
});
