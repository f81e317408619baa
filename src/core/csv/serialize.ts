/** Canonical text forms of tenant data: CSV for series, JSON for ground truth, and a summary. */
import type { Frequency, GroundTruth, TenantSeries } from '../types.js';
import { formatNumber } from './numbers.js';
import type { RoleOverrides } from './roles.js';
import { PROTOCOL_RULE } from '../folds.js';
import { byCodeUnits } from '../stats.js';
import { weatherKindOf, type WeatherKind } from '../weather-names.js';

/**
 * Canonical CSV `date,<channel>_spend...,<weather...>,<controls...>,<target>`, LF line ends and a
 * trailing newline. Numbers use their shortest round-trip text, so parseTenantCsv gives back the
 * same doubles bit for bit. Throws a RangeError on non-finite values or mismatched lengths.
 */
export function tenantToCsv(series: TenantSeries): string {
  const n = series.dates.length;
  const names = [
    ...series.channels.map((c) => `${c}_spend`),
    ...series.weatherNames,
    ...series.controlNames,
    series.targetName,
  ];
  const columns = [...series.spend, ...series.weather, ...series.controls, series.target];
  if (
    series.spend.length !== series.channels.length ||
    series.weather.length !== series.weatherNames.length ||
    series.controls.length !== series.controlNames.length
  ) {
    throw new RangeError(
      'tenantToCsv: each of channels, weatherNames, controlNames needs one array per name',
    );
  }
  columns.forEach((col, k) => {
    if (col.length !== n) {
      throw new RangeError(
        `tenantToCsv: column "${names[k]}" has ${col.length} values for ${n} dates`,
      );
    }
    for (let t = 0; t < n; t++) {
      if (!Number.isFinite(col[t])) {
        throw new RangeError(
          `tenantToCsv: column "${names[k]}" row ${t} (${series.dates[t]}) is ${col[t]}; CSV holds finite numbers only`,
        );
      }
    }
  });
  const parts = new Array<string>(n + 1);
  parts[0] = ['date', ...names].map(csvCell).join(',');
  const row = new Array<string>(columns.length + 1);
  for (let t = 0; t < n; t++) {
    row[0] = series.dates[t];
    for (let k = 0; k < columns.length; k++) row[k + 1] = formatNumber(columns[k][t]);
    parts[t + 1] = row.join(',');
  }
  return parts.join('\n') + '\n';
}

/**
 * The series tenantToCsv wrote, read back with the roles rolesOf gave it, without the checks and
 * role inference of parseTenantCsv (a tenth of its time: a 10 MB file read in 0.3 s, not 3.2 s);
 * null when the text is not in that form (then parse it). For comparing stored data with new data
 * at import, not for modeling.
 */
export function readCanonicalCsv(
  csv: string,
  roles: RoleOverrides,
  tenant: string,
  frequency: Frequency,
): TenantSeries | null {
  const lines = csv.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header = splitHeader(lines[0] ?? '');
  const spendNames = roles.spendColumns ?? [];
  const weatherNames = roles.weatherColumns ?? [];
  const controlNames = roles.controlColumns ?? [];
  const expected = ['date', ...spendNames, ...weatherNames, ...controlNames, roles.target];
  if (
    header === null ||
    header.length !== expected.length ||
    header.some((h, k) => h !== expected[k]) ||
    spendNames.some((c) => !c.endsWith('_spend'))
  ) {
    return null;
  }
  const n = lines.length - 1;
  const width = expected.length - 1;
  const columns = Array.from({ length: width }, () => new Float64Array(n));
  const dates = new Array<string>(n);
  for (let t = 0; t < n; t++) {
    const cells = lines[t + 1].split(',');
    if (cells.length !== width + 1) return null;
    dates[t] = cells[0];
    for (let k = 0; k < width; k++) {
      const x = Number(cells[k + 1]);
      if (!Number.isFinite(x) || cells[k + 1] === '') return null;
      columns[k][t] = x;
    }
  }
  const nc = spendNames.length;
  const nw = weatherNames.length;
  return {
    tenant,
    frequency,
    dates,
    channels: spendNames.map((c) => c.slice(0, -'_spend'.length)),
    spend: columns.slice(0, nc),
    weatherNames: [...weatherNames],
    weather: columns.slice(nc, nc + nw),
    controlNames: [...controlNames],
    controls: columns.slice(nc + nw, width - 1),
    targetName: roles.target as string,
    target: columns[width - 1],
  };
}

/** The cells of a header line as csvCell wrote them; null for a quote out of place. */
function splitHeader(line: string): string[] | null {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let cell = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        cell += line.slice(i, q);
        if (line[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      cells.push(cell);
    } else {
      const comma = line.indexOf(',', i);
      const cell = line.slice(i, comma < 0 ? line.length : comma);
      if (cell.includes('"')) return null;
      cells.push(cell);
      i = comma < 0 ? line.length : comma;
    }
    if (i >= line.length) return cells;
    if (line[i] !== ',') return null;
    i++;
  }
}

/** RFC 4180 quoting for header names that contain a comma, quote or line break. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Rows whose spend orders the channels (withChannelsBySpend): the least first training window
 * any protocol of the frequency allows (PROTOCOL_RULE.minFirstTrain, the floor chooseProtocol
 * refuses a user minTrain below: 91 days, 26 weeks). Folds expand from row 0, so these rows are
 * training rows of every fold of every protocol and never a fold's test rows: the order, and so
 * every fold's model, does not depend on rows a fold is tested on. Data shorter than that cannot
 * be trained at all (LEAST_ROWS_TO_TRAIN), and its channels are ordered by all its rows.
 */
export function channelOrderRows(series: TenantSeries): number {
  return Math.min(series.dates.length, PROTOCOL_RULE.minFirstTrain[series.frequency]);
}

/**
 * The series with its channels in a canonical order: spend over the first channelOrderRows rows,
 * largest first (ties, e.g. channels with no spend in those rows, by name in code units). Imports
 * store channels in this order, so that a model does not depend on the order of the file's spend
 * columns: the phase-3 search and the planner's curve fit visit channels in order and can end on
 * other optima of a flat surface for another order, and the GBM samples columns by index
 * (docs/modeling.md, "Units and column order"). A spend total does not change when columns are
 * moved or renamed. Until session 53 the totals ran over all rows, so spend in the last fold's
 * test block could reorder the channels and change the models of earlier folds. The same object
 * when the order is already canonical.
 */
export function withChannelsBySpend(series: TenantSeries): TenantSeries {
  const rows = channelOrderRows(series);
  const totals = series.spend.map((x) => {
    let total = 0;
    for (let t = 0; t < rows; t++) total += x[t];
    return total;
  });
  const order = series.channels
    .map((_, c) => c)
    .sort((a, b) => {
      if (totals[a] !== totals[b]) return totals[b] - totals[a];
      return byCodeUnits(series.channels[a], series.channels[b]);
    });
  if (order.every((c, i) => c === i)) return series;
  return {
    ...series,
    channels: order.map((c) => series.channels[c]),
    spend: order.map((c) => series.spend[c]),
  };
}

/** Rank of each recognised weather kind in the canonical order: the generator's column order. */
const WEATHER_KIND_RANK: Readonly<Record<WeatherKind, number>> = {
  temperature: 0,
  precipitation: 1,
  humidity: 2,
  wind: 3,
};

/**
 * The series in the column order an import stores and an export writes: channels by spend over
 * the rows every fold trains on (withChannelsBySpend); weather by recognised kind (temperature,
 * precipitation, humidity, wind: the built-in tenants' order), then columns marked as weather
 * without a recognised name, each group by name in code units; controls by name in code units.
 * Moving columns in a file then changes neither the stored data (its content hash) nor a figure,
 * to the last bit: the model sums over its columns in this order, and another order rounds
 * differently (about 1e-12 relative). The same object when the order is already canonical.
 */
export function withCanonicalColumns(series: TenantSeries): TenantSeries {
  const s = withChannelsBySpend(series);
  const rank = (name: string) => {
    const kind = weatherKindOf(name)?.kind;
    return kind === undefined ? 4 : WEATHER_KIND_RANK[kind];
  };
  const weatherOrder = s.weatherNames
    .map((_, j) => j)
    .sort((a, b) => {
      const ra = rank(s.weatherNames[a]);
      const rb = rank(s.weatherNames[b]);
      return ra !== rb ? ra - rb : byCodeUnits(s.weatherNames[a], s.weatherNames[b]);
    });
  const controlOrder = s.controlNames
    .map((_, j) => j)
    .sort((a, b) => byCodeUnits(s.controlNames[a], s.controlNames[b]));
  const same = (order: number[]) => order.every((j, i) => j === i);
  if (same(weatherOrder) && same(controlOrder)) return s;
  return {
    ...s,
    weatherNames: weatherOrder.map((j) => s.weatherNames[j]),
    weather: weatherOrder.map((j) => s.weather[j]),
    controlNames: controlOrder.map((j) => s.controlNames[j]),
    controls: controlOrder.map((j) => s.controls[j]),
  };
}

/**
 * Role overrides that make parseTenantCsv(tenantToCsv(series)) rebuild exactly these roles even
 * when names are not canonical (e.g. target "sales", a control named "x_spend").
 */
export function rolesOf(series: TenantSeries): RoleOverrides {
  return {
    dateColumn: 'date',
    target: series.targetName,
    spendColumns: series.channels.map((c) => `${c}_spend`),
    weatherColumns: [...series.weatherNames],
    controlColumns: [...series.controlNames],
  };
}

/**
 * Ground truth as JSON: keys sorted at every level, typed arrays as plain arrays, numbers in
 * their shortest round-trip form (JSON writes -0 as 0), 2-space indent, trailing newline.
 * Throws a RangeError on a non-finite number, which JSON cannot hold.
 */
export function truthToJson(truth: GroundTruth): string {
  return JSON.stringify(canonicalJson(truth, 'truth'), null, 2) + '\n';
}

function canonicalJson(value: unknown, path: string): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new RangeError(`truthToJson: ${path} is ${value}; JSON holds finite numbers only`);
    return value;
  }
  if (ArrayBuffer.isView(value)) {
    return canonicalJson(Array.from(value as unknown as ArrayLike<number>), path);
  }
  if (Array.isArray(value)) return value.map((v, i) => canonicalJson(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      out[key] = canonicalJson((value as Record<string, unknown>)[key], `${path}.${key}`);
    }
    return out;
  }
  return value;
}

/** What an imported series holds, for display. */
export interface CsvSummary {
  rows: number;
  start: string;
  end: string;
  frequency: Frequency;
  channels: string[];
  weather: string[];
  controls: string[];
  target: string;
  /** Arithmetic mean of the target over all rows. */
  meanTarget: number;
}

export function csvSummary(series: TenantSeries): CsvSummary {
  const n = series.dates.length;
  let sum = 0;
  for (let t = 0; t < n; t++) sum += series.target[t];
  return {
    rows: n,
    start: series.dates[0] ?? '',
    end: series.dates[n - 1] ?? '',
    frequency: series.frequency,
    channels: [...series.channels],
    weather: [...series.weatherNames],
    controls: [...series.controlNames],
    target: series.targetName,
    meanTarget: n > 0 ? sum / n : NaN,
  };
}
