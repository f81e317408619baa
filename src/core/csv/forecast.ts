/**
 * Weather forecast CSV: a `date` column and one column per weather variable, one row per period
 * after the data, validated like a tenant CSV (size, encoding, header, row shapes, strict dates
 * and numbers) with errors that name the file, row and column.
 */
import { CSV_LIMITS, DataError } from './errors.js';
import { periodCellNumber, readPeriodDates, readPeriodHeader, type CellWords } from './periods.js';
import { readSmallCsv } from './records.js';
import { UNIT_WORDS, weatherKindOf } from '../weather-names.js';
import { andList } from '../words.js';
import { isBlankCategory, looksCategorical } from './categories.js';
import { CONVERSIONS, weatherRangeProblem } from './weather-range.js';

export interface ParsedForecast {
  dates: string[];
  weatherNames: string[];
  weather: Float64Array[];
  /** The model's controls the file has a column for (in `controls` order), and their values. */
  controlNames: string[];
  controls: Float64Array[];
  /** Text columns read as the model's 0/1 controls of their values (an `events` column). */
  categories: ForecastCategory[];
  /** Columns present but not asked for (ignored). */
  ignored: string[];
  /**
   * Model weather columns read from a column of another name of the same kind and unit, the only
   * one of its kind in the file (`Temperature (°C)` for `tavg`); empty when every name matched.
   */
  readAs: { column: string; as: string }[];
}

export interface ParseForecastOptions {
  fileName: string;
  /** Weather columns the model uses: all must be present. */
  required: readonly string[];
  /**
   * Control columns the model uses (events, promotions, prices): each may be present, with the
   * planned value per period (the days of next month's promotion); absent, the plan holds it at
   * its mean. With no weather column required, at least one must be present.
   */
  controls?: readonly string[];
  /** The first date must be this one (the period after the data). */
  firstDate: string;
  /** Days between rows: 1 (daily) or 7 (weekly), as the data. */
  stepDays: 1 | 7;
  /** At least this many rows. */
  minRows: number;
}

const FORECAST_CELL_WORDS: CellWords = {
  empty: 'the cell is empty; every forecast cell needs a number',
  missing:
    "marks a missing value; every forecast cell needs a number (the forecast's figure for that period)",
  nonFinite: "is not a finite number; replace it with the forecast's figure",
  notNumber:
    'is not a number; write plain numbers with "." for decimals and no thousands separators or units (e.g. 12.5)',
};

const CONTROL_CELL_WORDS: CellWords = {
  empty:
    'the cell is empty; a control column needs the planned value in every period (0 where there is no event), or leave the column out to hold the control at its mean',
  missing:
    'marks a missing value; a control column needs the planned value in every period (0 where there is no event), or leave the column out to hold the control at its mean',
  nonFinite: 'is not a finite number; write the planned value of the control',
  notNumber:
    'is not a number; write plain numbers with "." for decimals (e.g. 1 on a promotion day, 0 on the others)',
};

/** Parses and validates forecast text; throws a DataError naming the first problem. */
export function parseForecastCsv(text: string, o: ParseForecastOptions): ParsedForecast {
  const file = o.fileName;
  const { cells, lines } = readSmallCsv(
    text,
    file,
    'expected a header line (date,temperature_c,...) and one row per period',
  );
  const header = cells[0];
  const wanted = o.controls ?? [];
  // The columns a header example names: the weather columns, or the controls without weather.
  const example = o.required.length > 0 ? o.required : wanted;
  if (o.required.length === 0 && wanted.length > 0) {
    const reads = (h: string): boolean =>
      wanted.some((c) => c.toLowerCase() === h.toLowerCase()) ||
      categoryControls(h, wanted).length > 0;
    if (!header.some(reads)) {
      throw new DataError(
        'missing_column',
        file,
        1,
        null,
        `the forecast has none of the columns the model reads: it uses no weather column, and its controls are ${wanted.join(', ')}; give the planned value of one or more of them per period (e.g. header date,${wanted[0]}), or plan without a forecast (the controls then take their typical year: a holiday its past years' dates, the others their means)`,
      );
    }
  }
  if (header.length === 1 && header[0].trim().toLowerCase() === 'date') {
    throw new DataError(
      'missing_column',
      file,
      1,
      null,
      `the forecast has a date column only; add the weather column${o.required.length > 1 ? 's' : ''} the model uses: ${o.required.join(', ')} (header date,${o.required.join(',')})`,
    );
  }
  const dateCol = readPeriodHeader(
    header,
    lines,
    file,
    example.join(','),
    o.required.length > 0
      ? `the weather columns (${o.required.join(', ')})`
      : `the controls (${wanted.join(', ')})`,
  );
  const lower = header.map((h) => h.toLowerCase());
  // A model column by its name, or else ignoring case, as the data import reads names.
  const byName = (w: string): number => {
    const j = header.indexOf(w);
    return j >= 0 ? j : lower.indexOf(w.toLowerCase());
  };
  // A weather column missing by name is read from the file's one column of the same kind and
  // unit that no other model column names (a weather export's `Temperature (°C)` for a tenant
  // imported as `tavg`, both read as temperature in °C: an outside probe was told to rename it,
  // though the import recognises the name). Two candidates, or another unit, are not guessed.
  const readAs = new Map<string, number>();
  for (const w of o.required) {
    if (byName(w) >= 0) continue;
    const want = weatherKindOf(w);
    if (want === null) continue;
    const same = header
      .map((h, j) => ({ h, j, kind: weatherKindOf(h) }))
      .filter(
        ({ h, j, kind }) =>
          kind !== null &&
          kind.kind === want.kind &&
          !o.required.some((r) => byName(r) === j) &&
          ![...readAs.values()].includes(j) &&
          h !== '',
      );
    const sameKind = same.length;
    const match = same.filter(({ kind }) => kind!.unit === want.unit);
    if (sameKind === 1 && match.length === 1) readAs.set(w, match[0].j);
  }
  const columnOf = (w: string): number => readAs.get(w) ?? byName(w);
  const missing = o.required.filter((w) => columnOf(w) < 0);
  if (missing.length > 0) {
    // A column of the same kind under another name or unit (temperature_f for temperature_c):
    // say how to turn it into the one the model reads.
    const hints = missing.flatMap((w) => {
      const want = weatherKindOf(w);
      const have = header.find(
        (h) => h !== w && want !== null && weatherKindOf(h)?.kind === want.kind,
      );
      if (!want || have === undefined) return [];
      const unit = weatherKindOf(have)!.unit;
      return [
        unit === want.unit
          ? `rename ${have} to ${w}`
          : `${have} is in ${UNIT_WORDS[unit]} and the model reads ${w} in ${UNIT_WORDS[want.unit]}: convert it${CONVERSIONS[`${unit}>${want.unit}`] ? ` (${CONVERSIONS[`${unit}>${want.unit}`]})` : ''} and name the column ${w}`,
      ];
    });
    throw new DataError(
      'missing_column',
      file,
      1,
      null,
      `the forecast lacks the weather column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that the model uses; add ${missing.length > 1 ? 'them' : 'it'} (the header has ${header.join(', ')})${hints.length ? `; ${hints.join('; ')}` : ''}`,
    );
  }
  const n = cells.length - 1;
  if (n > CSV_LIMITS.maxRows) {
    throw new DataError(
      'too_many_rows',
      file,
      null,
      null,
      `${n} rows; the limit is ${CSV_LIMITS.maxRows}`,
    );
  }
  const dates = readPeriodDates(cells, lines, header, dateCol, {
    file,
    noun: 'the forecast',
    firstDate: o.firstDate,
    stepDays: o.stepDays,
    weeklyRowHint: weeklyRowWords(o.required),
  });
  // After the dates: a forecast one row short because a date is missing says where the gap is.
  if (n < o.minRows) {
    throw new DataError(
      'too_few_rows',
      file,
      null,
      null,
      // An empty file: "shorten the horizon to 0 days" is no advice (a header-only forecast).
      n === 0
        ? `0 forecast rows; the plan needs at least ${o.minRows} (one per period of the horizon): the file has a header and no rows; add one row per ${o.stepDays === 7 ? 'week' : 'day'} from ${o.firstDate}`
        : `${n} forecast rows; the plan needs at least ${o.minRows} (one per period of the horizon); shorten the horizon to ${n} ${o.stepDays === 7 ? 'week' : 'day'}${n === 1 ? '' : 's'} or extend the forecast`,
    );
  }
  const weather = o.required.map((name) => {
    const j = columnOf(name);
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const text = cells[i + 1][j];
      const x = periodCellNumber(text, file, lines[i + 1], name, FORECAST_CELL_WORDS);
      const problem = weatherRangeProblem(
        name,
        x,
        text,
        `convert to °C (${CONVERSIONS['degF>degC']}), the model reads this column in °C`,
      );
      if (problem !== null) throw new DataError('bad_number', file, lines[i + 1], name, problem);
      col[i] = x;
    }
    return col;
  });
  const direct = wanted.filter((c) => columnOf(c) >= 0 && !o.required.includes(c));
  const controlNames = [...direct];
  const controls = direct.map((name) => {
    const j = columnOf(name);
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      col[i] = periodCellNumber(cells[i + 1][j], file, lines[i + 1], name, CONTROL_CELL_WORDS);
    }
    return col;
  });
  const used = new Set([...o.required, ...direct].map(columnOf));
  // A text column whose values name the model's 0/1 controls (`events` of "sale" for the
  // control events_sale: categories.ts made them so from the data) is read back into them.
  const categories: ForecastCategory[] = [];
  header.forEach((h, j) => {
    if (j === dateCol || used.has(j) || h === '') return;
    const indicators = categoryControls(h, wanted).filter((c) => !direct.includes(c.name));
    if (indicators.length === 0) return;
    // Text as the import reads categories (a `price` column of numbers beside a price_index
    // control is not one: left as a column not read).
    const texts = cells.slice(1).map((row) => (row[j] ?? '').trim());
    if (!looksCategorical(texts)) return;
    const unmatched = new Set<string>();
    const cols = indicators.map(() => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const cell = texts[i];
      const k = indicators.findIndex((c) => c.level === cell);
      if (k >= 0) cols[k][i] = 1;
      else if (!isBlankCategory(cell)) unmatched.add(cell);
    }
    indicators.forEach((c, k) => {
      controlNames.push(c.name);
      controls.push(cols[k]);
    });
    used.add(j);
    categories.push({
      column: h,
      controls: indicators.map((c) => c.name),
      unmatched: [...unmatched].sort(),
    });
  });
  const ignored = header.filter((h, j) => j !== dateCol && !used.has(j) && h !== '');
  return {
    dates,
    weatherNames: [...o.required],
    weather,
    controlNames,
    controls,
    categories,
    ignored,
    readAs: [...readAs].map(([as, j]) => ({ column: header[j], as })),
  };
}

/** A text column of a forecast read as the model's 0/1 controls of its values. */
export interface ForecastCategory {
  column: string;
  /** The controls it set (`<column>_<value>`). */
  controls: string[];
  /** Values with no control of their own: read as the baseline (every control 0). */
  unmatched: string[];
}

/** The model's controls named `<column>_<value>` (categories.ts), with their value. */
function categoryControls(
  column: string,
  controls: readonly string[],
): { name: string; level: string }[] {
  const prefix = `${column}_`;
  return controls
    .filter((c) => c.startsWith(prefix) && c.length > prefix.length)
    .map((name) => ({ name, level: name.slice(prefix.length) }));
}

/**
 * How a weekly forecast row holds the model's weather columns, named as the tenant has them (a
 * fixed sentence spoke of temperature and humidity to a tenant without humidity, probe s70):
 * precipitation as the week's mean per day, as csv-format.md asks of the data, the others as the
 * week's mean.
 */
export function weeklyRowWords(required: readonly string[]): string {
  const words = required.map((w) =>
    weatherKindOf(w)?.kind === 'precipitation'
      ? `${w} as the week's mean per day (its total / 7)`
      : `${w} as the week's mean`,
  );
  const list = andList(words);
  return `${list ? `with ${list}, ` : ''}as the data's weekly rows hold them`;
}
