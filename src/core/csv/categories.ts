/**
 * Text control columns read as categories: an `events` column of "na" / "event1" / "event2" (the
 * shape of Robyn's simulated weekly data and of many exports) becomes one 0/1 control per value,
 * as pandas.get_dummies(prefix_sep="_", drop_first on the baseline) would make it. Such a file was
 * refused ("na" marks a missing value) or, when the column was not named, left out with a warning,
 * so the events never reached the model unless the person one-hot encoded them by hand.
 */
import { MISSING_MARKER, readNumber } from './numbers.js';

/** Most distinct values a text column may have to be read as categories (more is free text). */
export const MAX_CATEGORY_LEVELS = 20;

/** One 0/1 column of a category column: 1 on the rows whose cell is `level`. */
export interface CategoryIndicator {
  level: string;
  /** `<column>_<level>`, the column name the indicator is modeled, stored and exported under. */
  name: string;
  values: Float64Array;
}

/** How a text column reads as categories. */
export interface CategoryColumn {
  /** The values that get a column of their own, in code-unit order. */
  indicators: CategoryIndicator[];
  /**
   * What the rows without a column hold: "empty or missing" (empty cells, missing markers such as
   * "na", and 0), or the most frequent value when every row has one (its column would be the
   * intercept's: one of the levels must be left out, as drop_first does).
   */
  baseline: { kind: 'blank' } | { kind: 'level'; level: string; rows: number };
  /** Distinct values (baseline level included). */
  levels: number;
}

/** A cell that marks "no category on this row": empty, a missing marker ("na", "-", ...) or 0. */
export function isBlankCategory(cell: string): boolean {
  if (cell === '' || MISSING_MARKER.test(cell)) return true;
  const x = readNumber(cell);
  return x === 0;
}

/**
 * Whether the cells read as a category column: at least one cell of text that is not a number,
 * and every other cell blank (isBlankCategory). A column with any other number stays numeric (its
 * text cells are refused there, with the number reader's message).
 */
export function looksCategorical(cells: readonly string[]): boolean {
  let text = false;
  for (const cell of cells) {
    if (isBlankCategory(cell)) continue;
    const x = readNumber(cell);
    if (x !== 'not_number') return false;
    text = true;
  }
  return text;
}

/** Number of distinct non-blank values of the cells. */
export function categoryLevelCount(cells: readonly string[]): number {
  const seen = new Set<string>();
  for (const cell of cells) if (!isBlankCategory(cell)) seen.add(cell);
  return seen.size;
}

/**
 * The indicator columns of a category column (looksCategorical cells). Levels are the cells' exact
 * (trimmed) texts, compared by code units; the baseline is the blank rows, or, when no row is
 * blank, the most frequent level (ties: the first in code-unit order).
 */
export function categoryColumn(column: string, cells: readonly string[]): CategoryColumn {
  const counts = new Map<string, number>();
  let blank = 0;
  for (const cell of cells) {
    if (isBlankCategory(cell)) blank++;
    else counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  const levels = [...counts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let baseline: CategoryColumn['baseline'] = { kind: 'blank' };
  if (blank === 0) {
    let best = levels[0];
    for (const level of levels)
      if ((counts.get(level) ?? 0) > (counts.get(best) ?? 0)) best = level;
    baseline = { kind: 'level', level: best, rows: counts.get(best) ?? 0 };
  }
  const indicators = levels
    .filter((level) => baseline.kind === 'blank' || level !== baseline.level)
    .map((level) => {
      const values = new Float64Array(cells.length);
      cells.forEach((cell, i) => {
        if (cell === level) values[i] = 1;
      });
      return { level, name: `${column}_${level}`, values };
    });
  return { indicators, baseline, levels: levels.length };
}

const WEEKDAY_NAME =
  /^(mon(day)?|tue(s(day)?)?|wed(nesday)?|thu(r(s(day)?)?)?|fri(day)?|sat(urday)?|sun(day)?)$/i;
const MONTH_NAME =
  /^(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)$/i;

/**
 * What a category column restates of the calendar when every value is a weekday name
 * ("Monday", "tue") or a month name ("January", "sep"): the model has day-of-week terms and a
 * yearly season of its own, and one 0/1 column per name would only repeat them; else null.
 */
export function calendarCategory(levels: readonly string[]): 'weekday' | 'month' | null {
  if (levels.length < 2) return null;
  if (levels.every((l) => WEEKDAY_NAME.test(l))) return 'weekday';
  if (levels.every((l) => MONTH_NAME.test(l))) return 'month';
  return null;
}
