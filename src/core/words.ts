/**
 * How a face names the options that messages point to. The same advice reads `--folds 2` in the
 * CLI and `folds: 2` over MCP; the core writes its messages with whichever words it is given.
 */
export interface OptionWords {
  /** The role overrides of an import (which column is the date, the target, ...). */
  dateColumn: string;
  target: string;
  spendColumns: string;
  weatherColumns: string;
  controlColumns: string;
  ignoreColumns: string;
  /** Number of cross-validation folds, written with a value: `folds(2)`. */
  folds: (k: number) => string;
  /** Leaving one column out of an import, written with the column: `ignore("tiktok_spend")`. */
  ignore: (column: string) => string;
  /** The least rows of the first training window, written with a value: `minTrain(400)`. */
  minTrain: (rows: number) => string;
  /** The rows of each test block, written with a value: `testSize(28)`. */
  testSize: (rows: number) => string;
  /** The import's holiday-season control (core/holiday-season.ts). */
  holidaySeason: string;
}

/** The MCP tools' argument names (import_tenant_data `roles`, train_tenant/run_phase `options`). */
export const MCP_OPTION_WORDS: OptionWords = {
  dateColumn: 'roles.date_column',
  target: 'roles.target',
  spendColumns: 'roles.spend_columns',
  weatherColumns: 'roles.weather_columns',
  controlColumns: 'roles.control_columns',
  ignoreColumns: 'roles.ignore_columns',
  folds: (k) => `folds: ${k}`,
  ignore: (column) => `roles.ignore_columns: ["${column}"]`,
  minTrain: (rows) => `min_train: ${rows}`,
  testSize: (rows) => `test_size: ${rows}`,
  holidaySeason: 'holiday_season: true',
};

/** The CLI's flags (wv-mmm import / train / run-phase). */
export const CLI_OPTION_WORDS: OptionWords = {
  dateColumn: '--date',
  target: '--target',
  spendColumns: '--spend',
  weatherColumns: '--weather',
  controlColumns: '--controls',
  ignoreColumns: '--ignore',
  folds: (k) => `--folds ${k}`,
  ignore: (column) => `--ignore ${column}`,
  minTrain: (rows) => `--min-train ${rows}`,
  testSize: (rows) => `--test-size ${rows}`,
  holidaySeason: '--holiday-season',
};

/** Items in words, "a, b and c" ("a" alone, "" for none). */
export function andList(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
