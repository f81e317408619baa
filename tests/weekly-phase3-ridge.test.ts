/**
 * Weekly phase 3 keeps Ridge on windows under two years (phases/ladder.ts weeklyPhase3Ridge,
 * WEEKLY_PHASE3_RIDGE_ROWS; docs/modeling.md, "Weekly phase 3 keeps Ridge under two years"):
 * the inner split of a 52-103-week window validates on under 16 weeks, which cannot tell a GBM or
 * blend from the Ridge; the all-rows model of weekly data under two years follows the same rule.
 */
import { describe, expect, it } from 'vitest';
import { generateShape, shapeSpecOf } from '../src/core/data/index.js';
import { seriesPrefix } from '../src/core/folds.js';
import { r2 as r2Score } from '../src/core/metrics.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  PhaseLadder,
  predictFold,
  WEEKLY_PHASE3_RIDGE,
  WEEKLY_PHASE3_RIDGE_ROWS,
} from '../src/phases/ladder.js';

/** Two weekly years, four channels, canonical weather (drawn for this rule, seed 9220). */
function weatherWeekly() {
  const spec = {
    frequency: 'weekly',
    years: 2,
    channels: 4,
    correlation: 0,
    weather: 'canonical',
    events: false,
    saturation: 'hill',
    adstock: 'geometric',
  } as const;
  return generateShape(shapeSpecOf('x_s9220_0', 9220, spec), { seed: 9220 }).series;
}

describe('weekly phase 3 keeps Ridge under two years', () => {
  const series = weatherWeekly();
  const T = 70;
  const horizon = 17;
  const ridgeKept = new PhaseLadder(series, {});
  const byRule = new PhaseLadder(series, { weeklyPhase3Ridge: false });

  it('a 70-week window: Ridge with the rule, the GBM the inner split picks without it', () => {
    const own = ridgeKept.own(3, T);
    const free = byRule.own(3, T);
    expect(free.kind).toBe('gbm');
    expect(own.kind).toBe('ridge');
    expect(own.reason).toContain(WEEKLY_PHASE3_RIDGE);
    // Same search, same columns: only the estimator differs.
    expect(own.channelParams).toEqual(free.channelParams);
    expect(own.names).toEqual(free.names);
  });

  it('on the next 17 weeks the Ridge forecasts better than the GBM the rule replaces', () => {
    const y = series.target.subarray(T, T + horizon);
    const ridge = r2Score(y, predictFold({ ...ridgeKept.own(3, T), mixed: null }, T, T + horizon));
    const gbm = r2Score(y, predictFold({ ...byRule.own(3, T), mixed: null }, T, T + horizon));
    // Measured: GBM -2.75, Ridge above it by more than 1.
    expect(gbm).toBeLessThan(-1);
    expect(ridge).toBeGreaterThan(gbm + 1);
  });

  it('from two years of weeks the rule leaves the choice to the inner split', () => {
    const a = new PhaseLadder(series, {}).own(3, WEEKLY_PHASE3_RIDGE_ROWS);
    const b = new PhaseLadder(series, { weeklyPhase3Ridge: false }).own(
      3,
      WEEKLY_PHASE3_RIDGE_ROWS,
    );
    expect(a.kind).toBe(b.kind);
    expect(a.reason).toBe(b.reason);
  });

  it('the all-rows model of weekly data under two years keeps Ridge too', () => {
    const short = seriesPrefix(series, 78);
    const model = fitFinalModel(short, 3);
    expect(model.kind).toBe('ridge');
    expect(model.reason).toContain(WEEKLY_PHASE3_RIDGE);
    const full = fitFinalModel(series, 3);
    expect(full.reason ?? '').not.toContain(WEEKLY_PHASE3_RIDGE);
  });
});
