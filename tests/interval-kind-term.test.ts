import { describe, expect, it } from 'vitest';
import { generateShape, generateTenant, shapeSpecOf } from '../src/core/data/index.js';
import { explainFinalModel } from '../src/phases/explain.js';
import { fitFinalModel } from '../src/phases/final.js';
import {
  addIntervalsFromFigures,
  bootstrapFigures,
  figureInterval,
  figureVector,
  kindFigures,
} from '../src/phases/intervals.js';

const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;

describe('model-kind term (INTERVALS_VERSION 19)', () => {
  const reps = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  it('adds z |ridge - point| on both sides, in quadrature; absent, the interval is unchanged', () => {
    // bootstrap deviations: 80% 4 and 4, 95% 4.75 and 4.75 (linear-interpolation percentiles)
    const iv = figureInterval(6, reps, 0, undefined, [], [], [], 9);
    expect(iv.p80[0]).toBeCloseTo(6 - Math.hypot(4, Z80 * 3), 12);
    expect(iv.p80[1]).toBeCloseTo(6 + Math.hypot(4, Z80 * 3), 12);
    expect(iv.p95[0]).toBeCloseTo(6 - Math.hypot(4.75, Z95 * 3), 12);
    expect(iv.p95[1]).toBeCloseTo(6 + Math.hypot(4.75, Z95 * 3), 12);
    const without = figureInterval(6, reps, 0, undefined, [], [], []);
    expect(figureInterval(6, reps, 0, undefined, [], [], [], undefined)).toEqual(without);
    expect(without.p80).toEqual([2, 10]);
  });

  it('a Ridge point has no kind term (built-in tenant)', () => {
    const t = generateTenant('extreme_heating');
    const m = fitFinalModel(t.series, 3);
    expect(m.kind).toBe('ridge');
    expect(kindFigures(t.series, m)).toBeNull();
  });

  it('a GBM point: the Ridge refit of its design widens every interval to contain it', () => {
    // A daily 1-year 4-channel shape (seed 9609, tenant 0) whose phase-3 all-rows model is a GBM
    // (its Ridge misses the pass bar); every channel's GBM ROAS sits below the truth (0.19-0.56x).
    const seed = 9609;
    const spec = shapeSpecOf('gen_s9609_0', seed, { frequency: 'daily', years: 1, channels: 4 });
    const t = generateShape(spec, { seed });
    const m = fitFinalModel(t.series, 3);
    expect(m.kind).toBe('gbm');
    const kind = kindFigures(t.series, m)!;
    const ridge = fitFinalModel(t.series, 3, {
      calendar: m.calendar,
      channelParams: m.channelParams!,
      keepRidge: 'test',
    });
    expect(ridge.kind).toBe('ridge');
    expect(kind).toEqual(figureVector(explainFinalModel(t.series, ridge, null)));
    const boot = bootstrapFigures(t.series, m, { replicates: 10 });
    expect(boot.kindRefit).toEqual(kind);
    const e = addIntervalsFromFigures(explainFinalModel(t.series, m, t), boot, {});
    expect(e.uncertainty?.kind_refit).toBe('ridge');
    const plain = addIntervalsFromFigures(
      explainFinalModel(t.series, m, t),
      { ...boot, kindRefit: undefined },
      {},
    );
    const ridgeE = explainFinalModel(t.series, ridge, null);
    let widened = 0;
    e.channels.forEach((ch, i) => {
      const r = ridgeE.channels[i].roas;
      // z80 > 1: the 80% interval holds the Ridge refit's ROAS and the point
      expect(ch.intervals!.roas.p80[0]).toBeLessThanOrEqual(Math.min(r, ch.roas) + 1e-9);
      expect(ch.intervals!.roas.p80[1]).toBeGreaterThanOrEqual(Math.max(r, ch.roas) - 1e-9);
      const before = plain.channels[i].intervals!.roas.p80;
      expect(ch.intervals!.roas.p80[0]).toBeLessThanOrEqual(before[0]);
      expect(ch.intervals!.roas.p80[1]).toBeGreaterThanOrEqual(before[1]);
      if (ch.intervals!.roas.p80[1] > before[1] + 1e-6) widened++;
    });
    expect(widened).toBeGreaterThan(0);
  });
});
