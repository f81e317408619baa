/**
 * A spend plan CSV: a `date` column and one spend column per channel of the tenant, one row per
 * period of the horizon from the period after the data, to be scored beside the planner's own
 * plan. Validated like a tenant CSV (size, encoding, header, row shapes, strict dates and
 * numbers), with errors that name the file, row and column. The planner's own `--csv` output
 * (date, one column per channel, the outlook's weather and controls) reads back as a spend plan.
 */
import { DataError, quoteValue } from './errors.js';
import { periodCellNumber, readPeriodDates, readPeriodHeader, type CellWords } from './periods.js';
import { readSmallCsv } from './records.js';
import { channelOfSpendColumn } from './roles.js';

export interface ParsedSpendPlan {
  dates: string[];
  /** Spend per channel (in `channels` order) per period. */
  spend: Float64Array[];
  /** Columns read as the tenant's weather or controls (the planner's `--csv` output holds them): ignored. */
  ignored: string[];
}

export interface ParseSpendPlanOptions {
  fileName: string;
  /** The tenant's channels: each needs a column, `<channel>_spend` or `<channel>`. */
  channels: readonly string[];
  /** The tenant's weather columns: present in the planner's own CSV output, ignored here. */
  weather: readonly string[];
  /** The tenant's controls: present in the planner's own CSV output too, ignored here. */
  controls?: readonly string[];
  /** The first date must be this one (the period after the data). */
  firstDate: string;
  /** Days between rows: 1 (daily) or 7 (weekly), as the data. */
  stepDays: 1 | 7;
  /** The rows must number exactly this (the horizon asked for), or at most maxRows when null. */
  rows: number | null;
  maxRows: number;
  /** How the face names the horizon, for "give ... to match": `--days or --weeks`. */
  horizonWords: string;
}

const SPEND_CELL_WORDS: CellWords = {
  empty: 'the cell is empty; every cell needs a number (0 for no spend)',
  missing: 'marks a missing value; every cell needs a number (0 for no spend)',
  nonFinite: 'is not a finite number',
  notNumber:
    'is not a number; write plain numbers with "." for decimals and no currency signs or thousands separators (e.g. 1234.5)',
};

/** Parses and validates spend plan text; throws a DataError naming the first problem. */
export function parseSpendPlanCsv(text: string, o: ParseSpendPlanOptions): ParsedSpendPlan {
  const file = o.fileName;
  const example = `date,${o.channels.map((c) => `${c}_spend`).join(',')}`;
  const { cells, lines } = readSmallCsv(
    text,
    file,
    `expected a header line (${example}) and one row per period`,
  );
  const header = cells[0];
  const dateCol = readPeriodHeader(
    header,
    lines,
    file,
    o.channels.map((c) => `${c}_spend`).join(','),
    `one spend column per channel (${example})`,
  );
  // Each column's channel, ignoring case: `meta_spend`, `Meta Spend ($)` and `meta` are meta.
  const channelLower = o.channels.map((c) => c.toLowerCase());
  const skippedLower = new Set([...o.weather, ...(o.controls ?? [])].map((w) => w.toLowerCase()));
  const columnOf = new Map<number, number>();
  const ignored: string[] = [];
  header.forEach((name, j) => {
    if (j === dateCol || name === '') return;
    const c = channelLower.indexOf(channelOfSpendColumn(name).toLowerCase());
    if (c >= 0) {
      const before = [...columnOf.entries()].find(([, k]) => k === c);
      if (before !== undefined) {
        throw new DataError(
          'duplicate_channel',
          file,
          1,
          name,
          `columns ${header[before[0]]} and ${name} both hold ${o.channels[c]}'s spend; keep one`,
        );
      }
      columnOf.set(j, c);
    } else if (skippedLower.has(name.toLowerCase())) {
      ignored.push(name);
    } else {
      throw new DataError(
        'unknown_channel',
        file,
        1,
        name,
        `${quoteValue(name)} is not a channel of this tenant (its channels: ${o.channels.join(', ')}); name each spend column <channel>_spend or <channel>, and leave other columns out`,
      );
    }
  });
  const missing = o.channels.filter((_, c) => ![...columnOf.values()].includes(c));
  if (missing.length > 0) {
    throw new DataError(
      'missing_column',
      file,
      1,
      null,
      `the spend plan has no column for ${missing.join(', ')}; add ${missing.map((c) => `${c}_spend`).join(', ')} (0 in every row for a channel the plan does not use)`,
    );
  }
  const n = cells.length - 1;
  if (o.rows === null && n > o.maxRows) {
    throw new DataError(
      'too_many_rows',
      file,
      null,
      null,
      `${n} rows; a plan covers at most ${o.maxRows} periods`,
    );
  }
  const dates = readPeriodDates(cells, lines, header, dateCol, {
    file,
    noun: 'the spend plan',
    firstDate: o.firstDate,
    stepDays: o.stepDays,
    weeklyRowHint: "with each channel's spend over the week, as the data's weekly rows hold it",
  });
  if (n === 0) {
    throw new DataError(
      'too_few_rows',
      file,
      null,
      null,
      `the spend plan has a header and no rows; give one row per ${o.stepDays === 1 ? 'day' : 'week'} from ${o.firstDate}`,
    );
  }
  if (o.rows !== null && n !== o.rows) {
    throw new DataError(
      n < o.rows ? 'too_few_rows' : 'too_many_rows',
      file,
      null,
      null,
      `${n} spend plan rows, but the horizon asked for is ${o.rows} ${o.stepDays === 1 ? 'days' : 'weeks'}; give one row per period of the horizon, or leave out ${o.horizonWords} (the plan then covers the file's ${n} rows)`,
    );
  }
  const spend = o.channels.map(() => new Float64Array(n));
  for (const [j, c] of columnOf) {
    const name = header[j];
    for (let i = 0; i < n; i++) {
      const cell = cells[i + 1][j];
      const x = periodCellNumber(cell, file, lines[i + 1], name, SPEND_CELL_WORDS);
      if (x < 0) {
        throw new DataError(
          'negative_spend',
          file,
          lines[i + 1],
          name,
          `spend ${cell} is negative; spend is 0 or more`,
        );
      }
      spend[c][i] = x;
    }
  }
  if (spend.every((s) => s.every((v) => v === 0))) {
    throw new DataError(
      'no_spend_channel',
      file,
      null,
      null,
      'the spend plan spends nothing on any channel; a plan to compare needs some spend',
    );
  }
  return { dates, spend, ignored };
}
