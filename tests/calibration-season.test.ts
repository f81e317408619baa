// The seasonal-disagreement diagnostic's interval terms (bench/calibration-season.ts), against
// hand-computed widths.
import { describe, expect, it } from 'vitest';
import { seasonCoverage, seasonInterval, type SeasonRecord } from '../bench/calibration-season.js';
import { CALIBRATED_WINDOW_WIDTH_SCALE } from '../src/phases/intervals.js';

const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;

const record = (over: Partial<SeasonRecord>): SeasonRecord => ({
  tenant: 't',
  channel: 'meta',
  figure: 'roas',
  state: null,
  point: 2,
  truth: 2,
  replicates: [2, 2, 2, 2],
  windows: [],
  file: 'f.json',
  reading: 'every',
  window_rate: 1.5,
  relative_se: 0.1,
  ...over,
});

describe('seasonal-disagreement interval terms', () => {
  it('add z x beta x |p - w| in quadrature and floor at z x SE/|L| x |p|', () => {
    const r = record({});
    // a zero bootstrap and no windows: the season term alone, |p - w| = 0.5
    const season = seasonInterval(r, CALIBRATED_WINDOW_WIDTH_SCALE, { kind: 'season', beta: 0.4 });
    expect(season.p80[1] - 2).toBeCloseTo(Z80 * 0.4 * 0.5, 12);
    expect(2 - season.p95[0]).toBeCloseTo(Z95 * 0.4 * 0.5, 12);
    const floor = seasonInterval(r, CALIBRATED_WINDOW_WIDTH_SCALE, { kind: 'floor' });
    expect(floor.p80[1] - 2).toBeCloseTo(Z80 * 0.1 * 2, 12);
    // an untested channel (no window rate) keeps the bench's interval
    const untested = seasonInterval(
      record({ window_rate: null, relative_se: null }),
      CALIBRATED_WINDOW_WIDTH_SCALE,
      { kind: 'floor' },
    );
    expect(untested.p80).toEqual([2, 2]);
  });

  it('counts coverage per level', () => {
    // truth 2.5: 0.5 from the point; season half-widths 0.256 (80%) and 0.392 (95%) at beta 0.4
    // miss it, at beta 1 (0.64 / 0.98) both hold it
    const r = record({ truth: 2.5 });
    const narrow = seasonCoverage([r], CALIBRATED_WINDOW_WIDTH_SCALE, {
      kind: 'season',
      beta: 0.4,
    });
    expect([narrow.p80, narrow.p95]).toEqual([0, 0]);
    const wide = seasonCoverage([r], CALIBRATED_WINDOW_WIDTH_SCALE, { kind: 'season', beta: 1 });
    expect([wide.p80, wide.p95]).toEqual([1, 1]);
  });
});
