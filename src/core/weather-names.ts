/**
 * Weather by any name: which kind of weather (temperature, precipitation, humidity, wind) and which unit a
 * column name stands for. Used to infer the weather role of CSV columns, to choose the modeled weather
 * columns and to build the weather-state explanations (see docs/csv-format.md for the list).
 */

export type WeatherKind = 'temperature' | 'precipitation' | 'humidity' | 'wind';

export interface WeatherKindInfo {
  kind: WeatherKind;
  /** Unit the name implies: deg C, deg F, mm, in, %, km/h, mph or m/s. */
  unit: 'degC' | 'degF' | 'mm' | 'in' | 'pct' | 'kph' | 'mph' | 'mps';
}

/** How a unit reads in a message (°C, inches, km/h, ...). */
export const UNIT_WORDS: Readonly<Record<WeatherKindInfo['unit'], string>> = {
  degC: '°C',
  degF: '°F',
  mm: 'mm',
  in: 'inches',
  pct: '%',
  kph: 'km/h',
  mph: 'mph',
  mps: 'm/s',
};

const entries = (
  kind: WeatherKind,
  unit: WeatherKindInfo['unit'],
  names: string[],
): [string, WeatherKindInfo][] => names.map((n) => [n, { kind, unit }]);

/** Recognised column names (lower case, spaces and hyphens as `_`), by kind and unit. */
export const WEATHER_NAMES: ReadonlyMap<string, WeatherKindInfo> = new Map([
  ...entries('temperature', 'degC', [
    'temperature_c',
    'temperature',
    'temp',
    'temp_c',
    'tavg',
    'tmean',
    'avg_temp',
    'mean_temp',
    'temperature_mean',
    'air_temperature',
    'temperature_2m',
  ]),
  ...entries('temperature', 'degF', ['temperature_f', 'temp_f', 'tavg_f', 'avg_temp_f']),
  ...entries('precipitation', 'mm', [
    'precipitation_mm',
    'precipitation',
    'precip',
    'precip_mm',
    'prcp',
    'rain',
    'rain_mm',
    'rainfall',
    'rainfall_mm',
    'precipitation_sum',
  ]),
  ...entries('precipitation', 'in', ['precipitation_in', 'precip_in', 'rain_in', 'rainfall_in']),
  ...entries('humidity', 'pct', [
    'humidity_pct',
    'humidity',
    'relative_humidity',
    'rh',
    'humidity_percent',
  ]),
  ...entries('wind', 'kph', [
    'wind_kph',
    'wind',
    'wind_speed',
    'windspeed',
    'wind_kmh',
    'wind_speed_kph',
  ]),
  ...entries('wind', 'mph', ['wind_mph', 'wind_speed_mph']),
  ...entries('wind', 'mps', ['wind_ms', 'wind_speed_ms']),
]);

/** Unit suffixes a name may end with (`_c`, or a spreadsheet's ` (°C)`), by the unit they mean. */
const UNIT_SUFFIXES: ReadonlyMap<string, WeatherKindInfo['unit']> = new Map([
  ['c', 'degC'],
  ['°c', 'degC'],
  ['degc', 'degC'],
  ['f', 'degF'],
  ['°f', 'degF'],
  ['degf', 'degF'],
  ['mm', 'mm'],
  // Per day, as docs/own-data.md asks weekly precipitation to be given (the mean per day).
  ['mm/day', 'mm'],
  ['mm/d', 'mm'],
  ['mmperday', 'mm'],
  ['in', 'in'],
  ['in/day', 'in'],
  ['in/d', 'in'],
  ['inperday', 'in'],
  ['inch', 'in'],
  ['inches', 'in'],
  ['%', 'pct'],
  ['pct', 'pct'],
  ['percent', 'pct'],
  ['kph', 'kph'],
  ['kmh', 'kph'],
  ['km/h', 'kph'],
  ['mph', 'mph'],
  ['ms', 'mps'],
  ['m/s', 'mps'],
]);

/** Words of a column name that suggest a kind of weather (for a hint, never to assign a role). */
const KIND_HINTS: ReadonlyMap<string, WeatherKind> = new Map([
  ...(
    ['temp', 'temperature', 'tmax', 'tmin', 'tempmax', 'tempmin', 'maxtemp', 'mintemp'] as const
  ).map((w) => [w, 'temperature'] as const),
  ...(['precip', 'precipitation', 'rain', 'rainfall', 'prcp'] as const).map(
    (w) => [w, 'precipitation'] as const,
  ),
  ...(['humidity', 'humid', 'rh'] as const).map((w) => [w, 'humidity'] as const),
]);

/**
 * The kind of weather a column name suggests by one of its words without being a recognised name
 * (`Precip (mm/week)`, `TempMax`), or null (`temperament`, `rainy_day_promo`): such a column is
 * read as a control, and the import says so.
 */
export function weatherKindHint(name: string): WeatherKind | null {
  if (weatherKindOf(name) !== null) return null;
  for (const word of nameWords(name)) {
    const kind = KIND_HINTS.get(word);
    if (kind !== undefined) return kind;
  }
  return null;
}

/** A name's words, lower case: split at non-letters and where a capital follows a small letter (`TempMax`). */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z%°]+/)
    .filter((w) => w.length > 0);
}

/** Words of a name that say its unit, beyond the suffixes (for the suggested name only). */
const UNIT_WORDS_IN_NAMES: ReadonlyMap<string, WeatherKindInfo['unit']> = new Map([
  ...UNIT_SUFFIXES,
  ['fahrenheit', 'degF'],
  ['celsius', 'degC'],
  ['centigrade', 'degC'],
  ['millimetres', 'mm'],
  ['millimeters', 'mm'],
]);

/** The listed name to suggest for a column of `kind` named `name`: in the unit its name says, else the default one. */
export function suggestedWeatherName(name: string, kind: WeatherKind): string {
  const units = KIND_UNITS[kind];
  const said = nameWords(name)
    .map((w) => UNIT_WORDS_IN_NAMES.get(w))
    .find((u) => u !== undefined && units.includes(u));
  const unit = said ?? units[0];
  for (const [listed, info] of WEATHER_NAMES)
    if (info.kind === kind && info.unit === unit) return listed;
  return kind;
}

/** The units each kind can be measured in. */
const KIND_UNITS: Record<WeatherKind, readonly WeatherKindInfo['unit'][]> = {
  temperature: ['degC', 'degF'],
  precipitation: ['mm', 'in'],
  humidity: ['pct'],
  wind: ['kph', 'mph', 'mps'],
};

/**
 * Kind and unit of a weather column name, or null when the name is not recognised. A unit in
 * brackets, as spreadsheets head their columns (`Temperature (°C)`, `Rain [mm]`), reads as the
 * `_c` / `_mm` suffix; a recognised name with a unit suffix of its kind (`avg_temp_f`,
 * `Mean temp (°F)`) takes that unit.
 */
export function weatherKindOf(name: string): WeatherKindInfo | null {
  const listed = listedWeatherKind(name);
  if (listed !== null) return listed;
  // `TempF`, `AvgTemp`, `PrecipMM`: a spreadsheet's run-together words, read as `temp_f`, ....
  const spaced = name.replace(/([a-z])([A-Z])/g, '$1_$2');
  return spaced === name ? null : listedWeatherKind(spaced);
}

function listedWeatherKind(name: string): WeatherKindInfo | null {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/\s*[([]\s*([^()[\]]+?)\s*[)\]]$/, (whole: string, unit: string) => {
      const u = unit.replace(/\s+/g, '');
      return UNIT_SUFFIXES.has(u) ? `_${u}` : whole;
    })
    .replace(/[\s-]+/g, '_');
  const known = WEATHER_NAMES.get(key);
  if (known) return known;
  const cut = key.lastIndexOf('_');
  if (cut <= 0) return null;
  const unit = UNIT_SUFFIXES.get(key.slice(cut + 1));
  const base = WEATHER_NAMES.get(key.slice(0, cut));
  if (unit === undefined || base === undefined || !KIND_UNITS[base.kind].includes(unit))
    return null;
  return { kind: base.kind, unit };
}

/**
 * Weather columns the models use by default: every weather column of the series except wind (carried, not
 * modeled, as the plan's wind_kph), in series order. Columns of unrecognised name that the user marked as
 * weather are modeled too.
 */
export function modeledWeather(weatherNames: readonly string[]): string[] {
  return weatherNames.filter((w) => weatherKindOf(w)?.kind !== 'wind');
}

/**
 * How the import reads a weather column, in words: its kind and unit from its name, what the
 * model makes of it (a °F temperature is modeled in °C; wind is carried, not modeled), or that a
 * name of no recognised kind is modeled as given. An import that read `avg_temp_f` and `rain_in`
 * right said nothing of it, so a user could not check the reading (probe s71).
 */
export function weatherReading(name: string): string {
  const info = weatherKindOf(name);
  if (info === null)
    return `${name}: weather of no recognised kind, modeled as given (linear, and its terciles as states)`;
  const unit = UNIT_WORDS[info.unit];
  switch (info.kind) {
    case 'temperature':
      return `${name}: temperature in ${unit}${info.unit === 'degF' ? ' (modeled in °C)' : ''}`;
    case 'precipitation':
      return `${name}: precipitation in ${unit} a day (rainy above ${rainThreshold(info)} ${info.unit === 'in' ? 'in' : 'mm'})`;
    case 'wind':
      return `${name}: wind in ${unit} (carried, not modeled)`;
    default:
      return `${name}: ${info.kind} in ${unit}`;
  }
}

/** Precipitation above which a row counts as rainy: 1 mm, or 0.04 in for inch columns. */
export function rainThreshold(info: WeatherKindInfo): number {
  return info.unit === 'in' ? 0.04 : 1;
}

/**
 * Values a weather column of this kind and unit can physically take, [min, max]: precipitation
 * and wind are >= 0, humidity is a percentage, and temperatures stay within the records on Earth
 * (-89.2 °C to 56.7 °C) with a margin, so that Fahrenheit figures in a Celsius column stand out.
 */
export function physicalRange(info: WeatherKindInfo): [number, number] {
  switch (info.kind) {
    case 'temperature':
      return info.unit === 'degF' ? [-130, 140] : [-90, 60];
    case 'humidity':
      return [0, 100];
    default:
      return [0, Infinity];
  }
}

/**
 * A weather column's two extreme states, the higher first, as explain labels them whatever the
 * column's name (temp, Temp (°F), rain_mm): a temperature column's cold / mild / hot, a
 * precipitation column's rain / dry, a column of unrecognised name's low / mid / high. The report's
 * weather reading and the weather contrasts compare these.
 */
export const EXTREME_STATE_PAIRS: readonly (readonly [string, string])[] = [
  ['hot', 'cold'],
  ['rain', 'dry'],
  ['high', 'low'],
];

/**
 * The indices in `states` of a weather column's two extreme states (EXTREME_STATE_PAIRS, explain's
 * `<column>:<label>` states), the higher first, with their labels; null when the column has
 * neither pair. What the weather contrasts compare, and what the faces name a channel without one by.
 */
export function extremeStatePair(
  states: readonly { variable: string; state: string }[],
  variable: string,
): { high: number; low: number; labels: readonly [string, string] } | null {
  const at = (label: string): number =>
    states.findIndex((s) => s.variable === variable && s.state === `${variable}:${label}`);
  for (const labels of EXTREME_STATE_PAIRS) {
    const [high, low] = [at(labels[0]), at(labels[1])];
    if (high >= 0 && low >= 0) return { high, low, labels };
  }
  return null;
}

/**
 * The labels of weather states (explain's `<column>:<label>`) as tables and charts show them: the
 * label without the column name ('cold', 'rain'), or the whole state where two columns share a
 * label (the low / mid / high of two columns of unrecognised name), so that no two states read
 * alike (a report's chart stacked the bars of t_max:low, wetness:low and sky:low on one "low").
 * The column name can be any header ('Temperature (°F)').
 */
export function weatherStateLabels(
  states: readonly { readonly state: string; readonly variable: string }[],
): string[] {
  const labels = states.map((s) =>
    s.state.startsWith(`${s.variable}:`) ? s.state.slice(s.variable.length + 1) : s.state,
  );
  return labels.map((l, i) => (labels.indexOf(l) === labels.lastIndexOf(l) ? l : states[i].state));
}
