/** train's fold lines: folds that say the same thing share one line, each figure kept. */
import { describe, expect, it } from 'vitest';
import { foldNumbers, groupedFoldLines, type FoldLine } from '../src/cli/commands/train.js';

const uses = (fold: number, rows: number, phase: number, reason: string): FoldLine => ({
  fold,
  rows,
  text: (n) => `use${n > 1 ? '' : 's'} phase ${phase}`,
  reason,
});

describe('train fold lines', () => {
  it('numbers folds from 1, runs of three or more as a range', () => {
    expect(foldNumbers([0, 1, 2, 3, 4])).toBe('1-5');
    expect(foldNumbers([1, 4])).toBe('2, 5');
    expect(foldNumbers([0, 1, 3, 4, 5])).toBe('1, 2, 4-6');
  });

  it("groups reasons that differ only in the fold's own row count, and keeps the others apart", () => {
    const keep = (fold: number, rows: number) =>
      uses(
        fold,
        rows,
        1,
        `phase 2 keeps ridge on the ${rows}-row window, which is phase 1's model`,
      );
    const lines = groupedFoldLines([
      keep(0, 56),
      keep(1, 76),
      uses(2, 96, 1, 'phase 2 validation R² 0.405, phase 1 0.405: fell back'),
      keep(3, 116),
      uses(4, 136, 1, 'phase 2 validation R² 0.300, phase 1 0.405: fell back'),
    ]);
    expect(lines).toEqual([
      "folds 1, 2, 4 use phase 1: phase 2 keeps ridge on each fold's window, which is phase 1's model",
      'fold 3 uses phase 1: phase 2 validation R² 0.405, phase 1 0.405: fell back',
      'fold 5 uses phase 1: phase 2 validation R² 0.300, phase 1 0.405: fell back',
    ]);
    // A single fold keeps its own words and row count.
    expect(groupedFoldLines([keep(2, 96)])).toEqual([
      "fold 3 uses phase 1: phase 2 keeps ridge on the 96-row window, which is phase 1's model",
    ]);
  });

  it('names the training rows when asked, as a range over a group', () => {
    const holds = (fold: number, rows: number): FoldLine => ({
      fold,
      rows,
      text: (n) => `hold${n > 1 ? '' : 's'} trend`,
    });
    expect(groupedFoldLines([holds(0, 56)], true)).toEqual([
      'fold 1 (56 training rows) holds trend',
    ]);
    expect(groupedFoldLines([holds(0, 56), holds(1, 60)], true)).toEqual([
      'folds 1, 2 (56-60 training rows) hold trend',
    ]);
  });
});
