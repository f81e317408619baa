import type { TenantSeries } from './types.js';

/** One expanding-window split: train rows [0, trainEnd), test rows [testStart, testEnd). */
export interface Fold {
  index: number;
  trainEnd: number;
  testStart: number;
  testEnd: number;
}

/**
 * Expanding-window time-series folds with scikit-learn TimeSeriesSplit semantics:
 * test size = floor(n / (folds + 1)); fold i tests rows [n - (folds - i) * testSize, + testSize)
 * and trains on every earlier row except the `gap` rows just before the test block.
 */
export function timeSeriesFolds(n: number, folds = 5, gap = 0, testSize?: number): Fold[] {
  if (!Number.isInteger(folds) || folds < 2) {
    throw new RangeError(`folds must be an integer >= 2 (got ${folds})`);
  }
  if (!Number.isInteger(gap) || gap < 0)
    throw new RangeError(`gap must be an integer >= 0 (got ${gap})`);
  const size = testSize ?? Math.floor(n / (folds + 1));
  if (size < 1 || n - folds * size - gap < 1) {
    throw new RangeError(
      `${folds} folds need more rows: ${n} rows give test blocks of ${size} and leave no training rows`,
    );
  }
  const out: Fold[] = [];
  for (let i = 0; i < folds; i++) {
    const testStart = n - (folds - i) * size;
    out.push({ index: i, trainEnd: testStart - gap, testStart, testEnd: testStart + size });
  }
  return out;
}

/** Rows [0, end) of a series: a fold's training rows as a series of their own. */
export function seriesPrefix(series: TenantSeries, end: number): TenantSeries {
  return {
    ...series,
    dates: series.dates.slice(0, end),
    target: series.target.slice(0, end),
    spend: series.spend.map((x) => x.slice(0, end)),
    weather: series.weather.map((x) => x.slice(0, end)),
    controls: series.controls.map((x) => x.slice(0, end)),
  };
}

/** Rows per year of a frequency (a yearly cycle needs this many training rows to be identified). */
export function periodsPerYear(frequency: 'daily' | 'weekly'): number {
  return frequency === 'daily' ? 365 : 52;
}

/** What the protocol rule aims for and accepts, per frequency (see docs/modeling.md). */
export const PROTOCOL_RULE = {
  /** First training window the default rule aims for: a year of rows (at most half the series),
   *  so that every fold has seen each season once before it is tested on one. */
  targetFirstTrain: { daily: 365, weekly: 52 },
  /** The modeling plan's aim (half a year of days): with three daily years it keeps
   *  TimeSeriesSplit(5) as is. Only the 20 built-in tenants use it (`planProtocol`). */
  planFirstTrain: { daily: 182, weekly: 52 },
  /** Least first training window any protocol may use: a quarter of days, half a year of weeks. */
  minFirstTrain: { daily: 91, weekly: 26 },
  /** Least test block: four weeks of days, eight weeks. */
  minTest: { daily: 28, weekly: 8 },
  /** Least number of folds. */
  minFolds: 2,
} as const;

/**
 * The least rows any protocol takes (chooseProtocol refuses fewer whatever the options: a first
 * window of minFirstTrain and minFolds test blocks of minTest): 147 days, 42 weeks.
 */
export const LEAST_ROWS_TO_TRAIN = {
  daily: PROTOCOL_RULE.minFirstTrain.daily + PROTOCOL_RULE.minFolds * PROTOCOL_RULE.minTest.daily,
  weekly:
    PROTOCOL_RULE.minFirstTrain.weekly + PROTOCOL_RULE.minFolds * PROTOCOL_RULE.minTest.weekly,
} as const;

export interface ProtocolOptions {
  /** Outer folds, at most (default 5): fewer, down to 2, when the data cannot fill them. */
  folds?: number;
  /** Rows dropped between training and test blocks (default 0). */
  gap?: number;
  /** Rows per test block (default: TimeSeriesSplit's floor(n / (folds + 1)) when it fits the rule). */
  testSize?: number;
  /** Least rows of the first training window (default by frequency: PROTOCOL_RULE). */
  minTrain?: number;
  /** Aim for the modeling plan's first window (PROTOCOL_RULE.planFirstTrain) instead of a year:
   *  the 20 built-in tenants, whose gate figures stay comparable with the plan's. */
  planProtocol?: boolean;
}

/** The cross-validation protocol a result was computed under (stored and shown with it). */
export interface Protocol {
  /** 'timeseriessplit': scikit-learn TimeSeriesSplit(folds) as is; 'year-window': its test blocks
   *  over fewer folds (down to 3) so that every fold trains on at least a year; 'min-window': test
   *  blocks shrunk (or folds dropped) so that the first training window has at least min_train rows. */
  rule: 'timeseriessplit' | 'year-window' | 'min-window' | 'user';
  folds: number;
  test_rows: number;
  first_train_rows: number;
  min_train_rows: number;
  gap: number;
  frequency: 'daily' | 'weekly';
  /** One sentence: why these folds. */
  reason: string;
}

/** Raised when a series is too short for any honest protocol: says how many rows are needed. */
export class ProtocolError extends RangeError {
  constructor(
    message: string,
    readonly neededRows: number,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

function unit(frequency: 'daily' | 'weekly', rows: number): string {
  return frequency === 'daily' ? `${rows} days` : `${rows} weeks`;
}

/** Least folds the year-window rule keeps before it shrinks the test blocks instead. */
const YEAR_WINDOW_MIN_FOLDS = 3;

/** Folds (down to 3) of TimeSeriesSplit(wanted)'s block size that leave minTrain rows, or null
 *  (also when that block is shorter than the least test block). */
function fewerFolds(
  n: number,
  gap: number,
  minTrain: number,
  wanted: number,
  minTest: number,
): number | null {
  const size = Math.floor(n / (wanted + 1));
  if (size < minTest) return null;
  for (let k = wanted; k >= YEAR_WINDOW_MIN_FOLDS; k--)
    if (n - k * size - gap >= minTrain) return k;
  return null;
}

/**
 * The outer folds of a series by the documented rule (docs/modeling.md, "Protocol"):
 * 1. TimeSeriesSplit(folds) (test = floor(n / (folds + 1))) when its first training window has at
 *    least min_train rows (default a year of rows, but at most half the series and never below a
 *    quarter of days / half a year of weeks). The built-in tenants (`planProtocol`) aim for half a
 *    year of days, so their three daily years keep the plan's TimeSeriesSplit(5) unchanged.
 * 1b. 'year-window': where min_train is a full year (two years of data or more), the same test
 *    blocks over fewer folds (down to 3) so that the first window has a year.
 * 2. Otherwise the test blocks shrink to floor((n - gap - min_train) / folds) rows, dropping folds
 *    (down to 2) while a block would be shorter than four weeks (daily) / eight weeks (weekly).
 * 3. Otherwise the series is refused (ProtocolError) with the number of rows it would need.
 * A user testSize or minTrain replaces the rule's value (rule 'user'); the checks still apply.
 */
export function chooseProtocol(
  n: number,
  frequency: 'daily' | 'weekly',
  options: ProtocolOptions = {},
): { folds: Fold[]; protocol: Protocol } {
  const wanted = options.folds ?? 5;
  const gap = options.gap ?? 0;
  if (!Number.isInteger(wanted) || wanted < 2) {
    throw new RangeError(`folds must be an integer >= 2 (got ${wanted})`);
  }
  if (!Number.isInteger(gap) || gap < 0)
    throw new RangeError(`gap must be an integer >= 0 (got ${gap})`);
  const floor = PROTOCOL_RULE.minFirstTrain[frequency];
  const minTest = PROTOCOL_RULE.minTest[frequency];
  if (options.minTrain !== undefined) {
    if (!Number.isInteger(options.minTrain) || options.minTrain < floor) {
      throw new RangeError(
        `minTrain must be an integer >= ${floor} for ${frequency} data (got ${options.minTrain}): ` +
          `fewer training rows than ${unit(frequency, floor)} cannot fit the model honestly`,
      );
    }
  }
  if (options.testSize !== undefined) {
    if (!Number.isInteger(options.testSize) || options.testSize < minTest) {
      throw new RangeError(
        `testSize must be an integer >= ${minTest} for ${frequency} data (got ${options.testSize}): ` +
          `a fold's R² compares its errors with the variation inside its test block, and a block of fewer than ${unit(frequency, minTest)} holds too little of it`,
      );
    }
  }
  const minTrain =
    options.minTrain ??
    Math.max(
      floor,
      Math.min(
        (options.planProtocol ? PROTOCOL_RULE.planFirstTrain : PROTOCOL_RULE.targetFirstTrain)[
          frequency
        ],
        Math.floor(n / 2),
      ),
    );
  const user = options.minTrain !== undefined || options.testSize !== undefined;
  const foldsNeeded = Math.min(wanted, PROTOCOL_RULE.minFolds);
  const needed = minTrain + gap + foldsNeeded * (options.testSize ?? minTest);
  const refuse = (): never => {
    throw new ProtocolError(
      `${unit(frequency, n)} are too few for an honest time-series validation: it needs a first ` +
        `training window of at least ${unit(frequency, minTrain)} and ${foldsNeeded} test ` +
        `blocks of at least ${unit(frequency, options.testSize ?? minTest)}` +
        (gap ? ` (gap ${gap})` : '') +
        `, so at least ${unit(frequency, needed)} of data`,
      needed,
    );
  };
  const leastFolds = foldsNeeded;
  let folds = wanted;
  let size: number;
  let rule: Protocol['rule'];
  let reason: string;
  if (options.testSize !== undefined) {
    size = options.testSize;
    while (folds > leastFolds && n - folds * size - gap < minTrain) folds--;
    if (n - folds * size - gap < minTrain) refuse();
    rule = 'user';
    reason = `user test blocks of ${size} rows; ${folds} folds leave a first training window of at least ${minTrain} rows`;
  } else {
    size = Math.floor(n / (folds + 1));
    if (size >= 1 && n - folds * size - gap >= minTrain && options.minTrain === undefined) {
      rule = 'timeseriessplit';
      // What the split gives (blocks, first window) beside what the rule needs: "the first
      // training window (365 rows) is at least 365 rows" read as a tautology on six daily years.
      const first = n - folds * size - gap;
      reason =
        `TimeSeriesSplit(${folds}) as is: test blocks of ${size} rows, the first fold trains on ${first} rows` +
        (first === minTrain
          ? `, exactly the least the protocol needs`
          : ` (the protocol needs at least ${minTrain})`);
    } else if (
      options.minTrain === undefined &&
      minTrain >= periodsPerYear(frequency) &&
      fewerFolds(n, gap, minTrain, wanted, minTest) !== null
    ) {
      // Two years or more: every fold sees each season once before it is tested on one, and the
      // test blocks keep TimeSeriesSplit's length (shorter blocks make a fold's R² mostly noise).
      folds = fewerFolds(n, gap, minTrain, wanted, minTest) as number;
      rule = 'year-window';
      reason =
        `TimeSeriesSplit(${wanted})'s test blocks of ${size} rows over ${folds} folds so that every ` +
        `fold trains on at least a year (${unit(frequency, minTrain)})`;
    } else {
      size = Math.floor((n - gap - minTrain) / folds);
      while (folds > leastFolds && size < minTest) {
        folds--;
        size = Math.floor((n - gap - minTrain) / folds);
      }
      if (size < minTest) refuse();
      rule = user ? 'user' : 'min-window';
      reason =
        `test blocks shrunk to ${size} rows over ${folds} folds so that no fold trains on fewer than ` +
        `${minTrain} rows (${frequency === 'daily' ? 'days' : 'weeks'})`;
    }
  }
  if (folds < wanted && rule !== 'year-window')
    reason += ` (${wanted} folds asked; the data holds ${folds})`;
  const out = timeSeriesFolds(n, folds, gap, size);
  return {
    folds: out,
    protocol: {
      rule,
      folds,
      test_rows: size,
      first_train_rows: out[0].trainEnd,
      min_train_rows: minTrain,
      gap,
      frequency,
      reason,
    },
  };
}
