/**
 * Weather outlooks for the periods after the data: named scenarios built from the tenant's own
 * history, or a forecast (parsed by forecast.ts). Construction of the scenarios (per future date D):
 *   typical: each weather column is the mean over the past years of its value on D's calendar
 *            date (the same month and day; 29 February uses 28 February; weekly data: the row of
 *            each past year within 3 days of that date). The past years are also kept apart
 *            (Outlook.members): a mean day has rain on more days, and lighter, than any year had,
 *            so the plan reads the model's revenue under each year's weather and averages it.
 *   hot / cold / wet / dry: typical plus a shift per column: the mean of the column over the
 *            hottest / coldest / wettest / driest third of the history days within 7 days of D's
 *            calendar date in every past year, minus the mean over all of those days. Every column
 *            is shifted, so a hot outlook is also as dry or humid as hot days there were.
 *            Precipitation is kept >= 0 and humidity in [0, 100]. Each past year's member is
 *            shifted alike (then kept in range), and the outlook's weather is their mean.
 * A forecast shorter than the plan needs (the tail after the horizon, where only carry-over
 * counts) is continued with the typical scenario.
 */
import type { ForecastCategory } from '../core/csv/forecast.js';
import { isoFromDays, parseIsoDay } from '../core/csv.js';
import type { TenantSeries } from '../core/types.js';
import { modeledWeather, weatherKindOf, type WeatherKind } from '../core/weather-names.js';
import { PlanInputError } from './optimize.js';
import { PLAN_WORDS, type PlanWords } from './words.js';

export const SCENARIOS = ['typical', 'hot', 'cold', 'wet', 'dry'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Days either side of the calendar date whose history defines hot/cold/wet/dry. */
export const SCENARIO_WINDOW_DAYS = 7;

export interface Outlook {
  /** 'scenario:typical', 'forecast:<file>' ... */
  source: string;
  /** Future period dates, starting with the period after the data. */
  dates: string[];
  weatherNames: string[];
  weather: Float64Array[];
  /** Rows that came from a forecast (the rest are the typical scenario). */
  forecastRows: number;
  /**
   * A named scenario's past years kept apart: members[m][j] is column j (as `weather[j]`) with
   * each date's m-th past year (weekly: the week nearest the date), shifted as the scenario
   * shifts; a date with fewer past years than members gives the missing ones its mean, so
   * `weather` is the members' mean. A forecast's rows are the same in every member. Absent: one
   * weather path (a forecast, or one past year).
   */
  members?: Float64Array[][];
  /**
   * Controls a forecast gives (the model's controls it has a column for) and their values over
   * its rows; a control not here, and every row after them, takes its typical year (a holiday
   * that follows the calendar its past years' dates, the others their mean over the data:
   * typical-controls.ts, model.ts extendSeries). Absent: none given.
   */
  controlNames?: string[];
  controls?: Float64Array[];
  /** Text columns of the forecast read as the model's 0/1 controls of their values. */
  controlCategories?: ForecastCategory[];
  /** Columns of a forecast file that the model does not use (not read). */
  ignored?: string[];
  /**
   * Forecast columns read as a model weather column of another name, the same kind and unit
   * (forecast.ts ParsedForecast.readAs); absent: none.
   */
  readAs?: { column: string; as: string }[];
  /**
   * Rows after the forecast held at its last week's mean, because the history has no earlier
   * year for their dates (the typical scenario's source); absent when none.
   */
  heldRows?: number;
}

export function periodDays(series: Pick<TenantSeries, 'frequency'>): number {
  return series.frequency === 'weekly' ? 7 : 1;
}

/** The `count` period dates after the series' last date. */
export function futureDates(series: TenantSeries, count: number): string[] {
  const last = parseIsoDay(series.dates[series.dates.length - 1]);
  const step = periodDays(series);
  return Array.from({ length: count }, (_, i) => isoFromDays(last + step * (i + 1)));
}

function monthDay(date: string): [number, number] {
  return [Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

/** Day number of D's calendar date in the given year (29 Feb -> 28 Feb in common years). */
export function sameDateIn(date: string, year: number): number {
  const [m, d] = monthDay(date);
  const day = parseIsoDay(
    `${String(year).padStart(4, '0')}-${date.slice(5, 7)}-${date.slice(8, 10)}`,
  );
  return Number.isNaN(day) && m === 2 && d === 29
    ? parseIsoDay(`${String(year).padStart(4, '0')}-02-28`)
    : day;
}

interface HistoryIndex {
  days: Float64Array;
  firstYear: number;
  lastYear: number;
  rowOfDay: Map<number, number>;
}

function indexHistory(series: TenantSeries): HistoryIndex {
  const days = Float64Array.from(series.dates, parseIsoDay);
  const rowOfDay = new Map<number, number>();
  days.forEach((d, i) => rowOfDay.set(d, i));
  return {
    days,
    firstYear: Number(series.dates[0].slice(0, 4)),
    lastYear: Number(series.dates[series.dates.length - 1].slice(0, 4)),
    rowOfDay,
  };
}

/** History rows within `window` days of D's calendar date, in every year of the history. */
function rowsNear(h: HistoryIndex, date: string, window: number): number[] {
  const out: number[] = [];
  for (let y = h.firstYear; y <= h.lastYear + 1; y++) {
    const centre = sameDateIn(date, y);
    for (let d = centre - window; d <= centre + window; d++) {
      const row = h.rowOfDay.get(d);
      if (row !== undefined) out.push(row);
    }
  }
  return out;
}

/**
 * History rows on D's calendar date in past years (one per year; weekly data: the row within 3
 * days). Falls back to a widening window when a year has no exact match.
 */
function sameDateRows(h: HistoryIndex, date: string, weekly: boolean): number[] {
  const out: number[] = [];
  const target = parseIsoDay(date);
  for (let y = h.firstYear; y <= h.lastYear + 1; y++) {
    const centre = sameDateIn(date, y);
    if (!(centre < target)) continue;
    const reach = weekly ? 3 : 0;
    for (let d = centre - reach; d <= centre + reach; d++) {
      const row = h.rowOfDay.get(d);
      if (row !== undefined) {
        out.push(row);
        break;
      }
    }
  }
  return out;
}

function columnIndex(series: TenantSeries, name: string): number {
  const j = series.weatherNames.indexOf(name);
  if (j < 0) {
    throw new PlanInputError(
      `the data has no weather column ${name}, which the model uses; re-import the data with it`,
    );
  }
  return j;
}

/** Keeps physically impossible values out of shifted scenarios (by the column's recognised kind). */
function clampWeather(name: string, v: number): number {
  const kind = weatherKindOf(name)?.kind;
  if (kind === 'precipitation' || kind === 'wind') return Math.max(0, v);
  if (kind === 'humidity') return Math.min(100, Math.max(0, v));
  return v;
}

/** The first weather column of the series of this kind (temperature_c, temp_f, rain_mm, ...), or null. */
function columnOfKind(series: TenantSeries, kind: WeatherKind): string | null {
  return series.weatherNames.find((w) => weatherKindOf(w)?.kind === kind) ?? null;
}

/**
 * Why the weather columns the person marked (under names no list holds: t_max) cannot be ranked,
 * and the names that let them: the refusal said "the data has no temperature column" of a tenant
 * with a marked t_max, as if the data had no weather.
 */
function unknownKindClause(series: TenantSeries, kind: WeatherKind): string {
  const unknown = modeledWeather(series.weatherNames).filter((w) => weatherKindOf(w) === null);
  if (unknown.length === 0) return '';
  const one = unknown.length === 1;
  const hot = 'a temperature name (temperature_c, or temp_f for °F) enables hot and cold';
  const wet = 'a precipitation name (precipitation_mm, or precipitation_in for inches) wet and dry';
  const names =
    kind === 'temperature'
      ? `${hot}, to ${wet}`
      : `${wet.replace(' wet and dry', ' enables wet and dry')}, to ${hot.replace(' enables hot', ' hot')}`;
  return (
    ` under a name it recognises: the weather column${one ? '' : 's'} ${unknown.join(', ')} ${one ? 'was' : 'were'} marked as weather under ${one ? 'a name' : 'names'} of no known kind, ` +
    `and a column of unknown kind cannot be ranked as ${kind}; renaming ${one ? 'it' : 'one'} in the file to ${names}, once the file is imported again`
  );
}

/** A named scenario for `count` future periods (see the module comment for the construction). */
export function scenarioOutlook(
  series: TenantSeries,
  name: ScenarioName,
  weatherNames: readonly string[],
  count: number,
  words: PlanWords = PLAN_WORDS,
  /** Rows before this one are left at 0 (a forecast gives them: extendOutlook). */
  from = 0,
): Outlook {
  if (!SCENARIOS.includes(name)) {
    throw new PlanInputError(
      `unknown scenario "${String(name)}"; use one of ${SCENARIOS.join(', ')}`,
    );
  }
  const dates = futureDates(series, count);
  const h = indexHistory(series);
  const weekly = series.frequency === 'weekly';
  const cols = weatherNames.map((w) => series.weather[columnIndex(series, w)]);
  const weather = cols.map(() => new Float64Array(count));
  const rankKind: WeatherKind | null =
    name === 'hot' || name === 'cold'
      ? 'temperature'
      : name === 'wet' || name === 'dry'
        ? 'precipitation'
        : null;
  const rankBy = rankKind === null ? null : columnOfKind(series, rankKind);
  if (rankKind !== null && rankBy === null) {
    throw new PlanInputError(
      `the ${name} scenario ranks ${weekly ? 'weeks' : 'days'} by ${rankKind}, and the data has no ${rankKind} column${unknownKindClause(series, rankKind)}; use ${words.typicalScenario} or ${words.forecast}`,
    );
  }
  const rankCol = rankBy === null ? null : series.weather[series.weatherNames.indexOf(rankBy)];
  const humidityName = columnOfKind(series, 'humidity');
  const humidity = humidityName === null ? -1 : series.weatherNames.indexOf(humidityName);
  // Each date's past years (same-date rows), kept apart for the members; a date without one
  // (history shorter than a year before it) has none and its members take its mean.
  const years = dates.map((date, i) => (i < from ? [] : sameDateRows(h, date, weekly)));
  const memberCount = Math.max(0, ...years.map((rows) => rows.length));
  const members =
    memberCount > 1
      ? Array.from({ length: memberCount }, () => cols.map(() => new Float64Array(count)))
      : null;
  dates.forEach((date, i) => {
    if (i < from) return;
    let rows = years[i];
    const sameDate = rows.length > 0;
    if (!sameDate) rows = rowsNear(h, date, 15).filter((r) => h.days[r] < parseIsoDay(date));
    if (rows.length === 0) {
      throw new PlanInputError(
        `the ${name} scenario needs history around ${date.slice(5)} in an earlier year, and the data has none; give ${words.forecast} instead`,
      );
    }
    const typical = cols.map((col) => rows.reduce((s, r) => s + col[r], 0) / rows.length);
    // The members of the date: its past years, shifted by `shift` and kept in range. The date's
    // weather is their mean: for the typical scenario (no shift) the past years' mean itself, for
    // a shifted one the mean of the members as kept in range (a dry outlook's members at 0 mm
    // where the shift took them below).
    const setMembers = (shift: readonly number[] | null): void => {
      cols.forEach((col, j) => {
        const d = shift?.[j] ?? 0;
        if (members === null) {
          weather[j][i] =
            shift === null ? typical[j] : clampWeather(weatherNames[j], typical[j] + d);
          return;
        }
        let sum = 0;
        members.forEach((m, k) => {
          const v = sameDate && k < rows.length ? col[rows[k]] : typical[j];
          m[j][i] = shift === null ? v : clampWeather(weatherNames[j], v + d);
          sum += m[j][i];
        });
        weather[j][i] = shift === null ? typical[j] : sum / members.length;
      });
    };
    if (rankCol === null) {
      setMembers(null);
      return;
    }
    const near = rowsNear(h, date, weekly ? 3 * SCENARIO_WINDOW_DAYS : SCENARIO_WINDOW_DAYS);
    // Rank by the column (ties: humidity, then date), take the top or bottom third.
    const sorted = [...near].sort(
      (a, b) =>
        rankCol[a] - rankCol[b] ||
        (humidity >= 0 ? series.weather[humidity][a] - series.weather[humidity][b] : 0) ||
        a - b,
    );
    const third = Math.max(1, Math.round(sorted.length / 3));
    const chosen = name === 'hot' || name === 'wet' ? sorted.slice(-third) : sorted.slice(0, third);
    setMembers(
      cols.map((col) => {
        const all = near.reduce((s, r) => s + col[r], 0) / near.length;
        const part = chosen.reduce((s, r) => s + col[r], 0) / chosen.length;
        return part - all;
      }),
    );
  });
  return {
    source: `scenario:${name}`,
    dates,
    weatherNames: [...weatherNames],
    weather,
    forecastRows: 0,
    ...(members ? { members } : {}),
  };
}

/** Member m's column j of the outlook: its own when it has that member, else the mean (weather[j]). */
export function memberColumn(outlook: Outlook, m: number, j: number): Float64Array {
  return outlook.members?.[m]?.[j] ?? outlook.weather[j];
}

/** The outlook's first `count` rows, continued with the typical scenario when it is shorter. */
export function extendOutlook(series: TenantSeries, outlook: Outlook, count: number): Outlook {
  if (outlook.dates.length >= count) {
    return {
      ...outlook,
      dates: outlook.dates.slice(0, count),
      weather: outlook.weather.map((w) => w.slice(0, count)),
      forecastRows: Math.min(outlook.forecastRows, count),
      ...(outlook.members
        ? { members: outlook.members.map((m) => m.map((w) => w.slice(0, count))) }
        : {}),
    };
  }
  const have = outlook.dates.length;
  // Only the rows after the forecast come from the typical scenario (it was built for every row,
  // so a short history refused a forecast that covered the dates it named). Without an earlier
  // year for them, they hold the forecast's last week's mean: only carry-over is counted there.
  let typical: Outlook;
  try {
    typical = scenarioOutlook(series, 'typical', outlook.weatherNames, count, PLAN_WORDS, have);
  } catch (e) {
    if (!(e instanceof PlanInputError)) throw e;
    const last = Math.min(have, series.frequency === 'weekly' ? 1 : 7);
    // Held at the mean: the members (if any) are dropped with the rows they lacked.
    const { members: _dropped, ...given } = outlook;
    return {
      ...given,
      dates: futureDates(series, count),
      weather: outlook.weather.map((w) => {
        const out = new Float64Array(count);
        out.set(w.subarray(0, have));
        let m = 0;
        for (let t = have - last; t < have; t++) m += w[t];
        out.fill(m / last, have);
        return out;
      }),
      heldRows: count - have,
    };
  }
  // Rows before `have` from the outlook (a forecast: the same in every member), the rest from
  // the typical scenario's members.
  const joined = (w: Float64Array, j: number, m: number): Float64Array => {
    const out = Float64Array.from(w);
    out.set(memberColumn(outlook, m, j).subarray(0, have));
    return out;
  };
  const memberCount = Math.max(outlook.members?.length ?? 0, typical.members?.length ?? 0);
  return {
    ...outlook,
    dates: typical.dates,
    weather: typical.weather.map((w, j) => {
      const out = Float64Array.from(w);
      out.set(outlook.weather[j].subarray(0, have));
      return out;
    }),
    ...(memberCount > 1
      ? {
          members: Array.from({ length: memberCount }, (_, m) =>
            typical.weather.map((_, j) => joined(memberColumn(typical, m, j), j, m)),
          ),
        }
      : {}),
  };
}

/** The outlook with every column held at its mean over the first `rows` periods (for the weather shift). */
export function flatOutlook(outlook: Outlook, rows: number): Outlook {
  const { members: _members, ...one } = outlook;
  return {
    ...one,
    source: `${outlook.source} (flat)`,
    weather: outlook.weather.map((w) => {
      let m = 0;
      for (let t = 0; t < rows; t++) m += w[t];
      return new Float64Array(w.length).fill(m / rows);
    }),
  };
}

/** A forecast weather column whose values leave the range of the tenant's history. */
export interface WeatherOutsideHistory {
  column: string;
  /** The history's lowest and highest value of the column. */
  history: [number, number];
  /** The forecast's lowest and highest value over the rows checked. */
  forecast: [number, number];
  /** How far the forecast goes past the history's range (in the column's unit). */
  beyond: number;
  /** The history's standard deviation of the column (its spread). */
  spread: number;
  /** Beyond the range by more than the spread (FAR_OUTSIDE_SPREADS): a caveat, not only a note. */
  far: boolean;
}

/**
 * A forecast value beyond the history's range by more than this many of the history's standard
 * deviations is far outside: the model's weather terms (squares, products with spend) are
 * extrapolated well past anything they were fitted on. A °F forecast of a °C history (ROAS 7.30
 * instead of 3.73) is many spreads out; a January forecast of 28-41 °C over a history of -9 to
 * 34 °C (spread 8.5) one.
 */
export const FAR_OUTSIDE_SPREADS = 1;

/**
 * A forecast within this many of the history's standard deviations past its range is not noted:
 * the weather terms move a little past the last value fitted, as between any two days of the
 * history (a probe's humidity forecast of 100 over a history of 41 to 99, spread about 12, got a
 * note).
 */
export const NOTED_OUTSIDE_SPREADS = 0.1;

/**
 * The forecast columns whose values on the first `rows` rows leave the history's range (by more
 * than NOTED_OUTSIDE_SPREADS of its standard deviation), in column order: the planner flags spend beyond the data, and a forecast outside the history's weather
 * (a °F t_max for a °C history, a heat wave in January) was planned with without a word. Columns
 * the history does not hold are skipped.
 */
export function forecastOutsideHistory(
  series: TenantSeries,
  names: readonly string[],
  columns: readonly ArrayLike<number>[],
  rows: number,
): WeatherOutsideHistory[] {
  return names.flatMap((column, j) => {
    const k = series.weatherNames.indexOf(column);
    const f = columns[j];
    const n = Math.min(rows, f?.length ?? 0);
    if (k < 0 || n === 0) return [];
    const h = series.weather[k];
    let lo = Infinity;
    let hi = -Infinity;
    let mean = 0;
    for (const v of h) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      mean += v / h.length;
    }
    let ss = 0;
    for (const v of h) ss += (v - mean) ** 2;
    const spread = h.length > 1 ? Math.sqrt(ss / (h.length - 1)) : 0;
    let flo = Infinity;
    let fhi = -Infinity;
    for (let t = 0; t < n; t++) {
      flo = Math.min(flo, f[t]);
      fhi = Math.max(fhi, f[t]);
    }
    const beyond = Math.max(0, lo - flo, fhi - hi);
    if (!(beyond > NOTED_OUTSIDE_SPREADS * spread)) return [];
    return [
      {
        column,
        history: [lo, hi] as [number, number],
        forecast: [flo, fhi] as [number, number],
        beyond,
        spread,
        far: beyond > FAR_OUTSIDE_SPREADS * spread,
      },
    ];
  });
}

/** "t_max 30.2 to 89.6 (history -8.1 to 33.9)", values to 3 significant digits. */
export function describeOutsideHistory(o: WeatherOutsideHistory): string {
  const v = (x: number) => String(Number(x.toPrecision(3)));
  return `${o.column} ${v(o.forecast[0])} to ${v(o.forecast[1])} (history ${v(o.history[0])} to ${v(o.history[1])})`;
}

/** The plan's note on forecast weather outside the history (forecastOutsideHistory). */
export function outsideHistoryNote(
  outside: readonly WeatherOutsideHistory[],
  /** A named scenario's (hot, cold, wet, dry) instead of a forecast file's. */
  scenario?: string,
): string {
  const far = outside.filter((o) => o.far);
  return (
    `${scenario ? `the ${scenario} outlook's` : "the forecast's"} weather leaves the range of the data's history, where the model's weather terms are extrapolations: ` +
    outside.map(describeOutsideHistory).join(', ') +
    (far.length > 0
      ? `; ${far.map((o) => o.column).join(', ')} ${far.length === 1 ? 'goes' : 'go'} past it by more than the history's spread (its standard deviation), where the plan's figures are not measurements` +
        (scenario ? '' : ": check the forecast's units and values")
      : '') +
    // A scenario's shift is added to the typical year: on the dates of the history's own
    // extremes it goes past them (a hot July at 40.7 °C where the history's hottest day was 37.3).
    (scenario
      ? `; the ${scenario} outlook adds the ${scenario} days' departure to the typical year, so it can go past the history where that year is already ${scenario}`
      : '')
  );
}
