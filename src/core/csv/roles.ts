/** Column roles of a tenant CSV: inferred from header names, overridable by the caller. */
import { KNOWN_WEATHER } from '../types.js';
import { UNIT_WORDS, weatherKindOf } from '../weather-names.js';
import { MCP_OPTION_WORDS, type OptionWords } from '../words.js';
import { DataError, type DataErrorCode } from './errors.js';

/**
 * Names a channel may not take: the decomposition's other columns (phases/decompose.ts
 * decompositionColumns) and the report's components. A channel named "baseline" wrote the CSV
 * header `date,actual,predicted,baseline,weather,baseline,...` and shared the baseline's colour.
 */
export const RESERVED_CHANNEL_NAMES: readonly string[] = [
  'date',
  'actual',
  'predicted',
  'baseline',
  'weather',
];

/** Explicit column roles. A role given here replaces inference for that role only. */
export interface RoleOverrides {
  dateColumn?: string;
  target?: string;
  spendColumns?: string[];
  weatherColumns?: string[];
  controlColumns?: string[];
  ignoreColumns?: string[];
}

/** Column indexes per role, in header order. */
export interface ColumnRoles {
  date: number;
  target: number;
  spend: number[];
  /** Channel name of each spend column. */
  channels: string[];
  weather: number[];
  /** Weather name of each weather column (recognized names are written lower case). */
  weatherNames: string[];
  controls: number[];
  /** Controls found by inference: a column with no number in it is ignored, not an error. */
  inferredControls: Set<number>;
  warnings: string[];
}

type Role = 'date' | 'target' | 'spend' | 'weather' | 'control' | 'ignore';

const OVERRIDE_KEYS: { key: keyof RoleOverrides; role: Role }[] = [
  { key: 'dateColumn', role: 'date' },
  { key: 'target', role: 'target' },
  { key: 'spendColumns', role: 'spend' },
  { key: 'weatherColumns', role: 'weather' },
  { key: 'controlColumns', role: 'control' },
  { key: 'ignoreColumns', role: 'ignore' },
];

const KNOWN_WEATHER_SET: ReadonlySet<string> = new Set(KNOWN_WEATHER);
const SPEND_SUFFIX = /_spend$/i;
/**
 * A spend column as spreadsheets head it: `Meta Spend`, `meta-spend`, with a currency in brackets
 * or not (`Meta Spend ($)`, `tv_spend [EUR]`). Until it was recognised, `Meta Spend` was read as a
 * control, with no warning: its spend modeled as a plain number, no ROAS, no plan.
 */
const SPEND_WORDS = /^(.*\S)[\s-]+spend(?:\s*[([][^()[\]]*[)\]])?$/i;
const SPEND_BRACKETED = /^(.+)_spend\s*[([][^()[\]]*[)\]]$/i;

/**
 * Channel of a spend column: its name without `_spend` (` Spend`, `-spend`, and a bracketed
 * currency after them), or the full name if it has no such suffix.
 */
export function channelOfSpendColumn(name: string): string {
  if (SPEND_SUFFIX.test(name) && name.length > 6) return name.slice(0, -6);
  const m = SPEND_BRACKETED.exec(name) ?? SPEND_WORDS.exec(name);
  return m === null ? name : m[1].trim();
}

/** Whether a column's name says it holds spend (channelOfSpendColumn finds a channel in it). */
function isSpendName(name: string): boolean {
  return channelOfSpendColumn(name) !== name;
}

/**
 * Names the target is recognised by, in order of preference, each also with a unit in brackets
 * as spreadsheets head their columns (`Revenue (USD)`, `Sales ($)`, `revenue [EUR]`), as spend and
 * weather names take one: `Revenue (USD)` was refused with "no target column; name it revenue".
 */
const TARGET_NAMES: readonly string[] = ['revenue', 'sales'];

/** The target name a column's name gives (TARGET_NAMES, its bracketed unit left out), or null. */
function targetNameOf(name: string): string | null {
  const base = name
    .replace(/\s*[([][^()[\]]*[)\]]$/, '')
    .trim()
    .toLowerCase();
  return TARGET_NAMES.includes(base) ? base : null;
}

/** An inferred control whose name suggests spend or cost under a name not recognised as spend. */
const SPEND_LIKE = /spend|cost/i;

/** Role a column name suggests by itself (no overrides). */
function inferRole(name: string): Role {
  const lower = name.toLowerCase();
  if (lower === 'date') return 'date';
  if (targetNameOf(name) !== null) return 'target';
  if (isSpendName(name)) return 'spend';
  if (weatherKindOf(name) !== null) return 'weather';
  return 'control';
}

/** The spend role given these columns, in the face's words: `--spend a,b` or `roles.spend_columns: ["a", "b"]`. */
function spendList(words: OptionWords, columns: readonly string[]): string {
  return words.spendColumns.startsWith('--')
    ? `${words.spendColumns} ${columns.join(',')}`
    : `${words.spendColumns}: [${columns.map((c) => JSON.stringify(c)).join(', ')}]`;
}

/**
 * Assigns a role to each header column; throws a DataError on unknown or conflicting overrides,
 * and one DataError naming every missing role (date, target, spend) at once: a file named in
 * another tool's words (PyMC-Marketing's `date_week, y, x1, x2`) took three refusals to import.
 * `datedColumns` are the columns whose every cell is a date, named in the missing date's advice.
 */
export function assignRoles(
  header: string[],
  overrides: RoleOverrides,
  file: string,
  words: OptionWords = MCP_OPTION_WORDS,
  datedColumns: readonly string[] = [],
): ColumnRoles {
  const roles: (Role | undefined)[] = new Array<Role | undefined>(header.length);
  const overridden = new Set<Role>();
  const overrideKey = new Map<number, string>();
  const list = header.map((h) => `"${h}"`).join(', ');

  for (const { key, role } of OVERRIDE_KEYS) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (role !== 'ignore') overridden.add(role);
    const names = Array.isArray(value) ? value : [value];
    for (const name of names) {
      const j = header.indexOf(name);
      if (j < 0) {
        throw new DataError(
          'unknown_role_column',
          file,
          1,
          null,
          `${words[key]} names "${name}" but the header has no such column; columns are ${list}`,
        );
      }
      const previous = overrideKey.get(j);
      if (previous !== undefined) {
        throw new DataError(
          'role_conflict',
          file,
          1,
          name,
          `${words[previous as keyof RoleOverrides]} and ${words[key]} both name this column; give each column one role`,
        );
      }
      overrideKey.set(j, key);
      roles[j] = role;
    }
  }

  const warnings: string[] = [];
  const inferredControls = new Set<number>();
  for (let j = 0; j < header.length; j++) {
    if (roles[j] !== undefined) continue;
    const name = header[j];
    if (name === '') {
      roles[j] = 'ignore';
      warnings.push(`column ${j + 1} has no name in the header; it is ignored`);
      continue;
    }
    let role = inferRole(name);
    if (overridden.has(role)) {
      if (role !== 'control') {
        const key = OVERRIDE_KEYS.find((o) => o.role === role)?.key;
        warnings.push(
          `column "${name}" looks like a ${role} column but ${words[key as keyof RoleOverrides]} does not name it; it is ignored`,
        );
      }
      role = 'ignore';
    }
    if (role === 'control') {
      inferredControls.add(j);
      if (SPEND_LIKE.test(name)) {
        warnings.push(
          `column "${name}" is read as a control (a number that may move sales, not a channel); ` +
            `if it is a channel's spend, name it "<channel>_spend" or list it in ${words.spendColumns}`,
        );
      }
    }
    if (role === 'weather' && !KNOWN_WEATHER_SET.has(name.toLowerCase())) {
      const info = weatherKindOf(name);
      warnings.push(
        `column "${name}" is read as weather (${info?.kind}, ${UNIT_WORDS[info?.unit ?? 'pct']}); ` +
          `name it in ${words.controlColumns} if it is not`,
      );
    }
    roles[j] = role;
  }

  // One target by name: the first column of the most preferred name (revenue before sales); any
  // other column that names the target is left out, as it would be modeled as a control that is
  // the target itself in other words or units.
  if (!overridden.has('target')) {
    const named = header.flatMap((h, j) =>
      roles[j] === 'target' && !overrideKey.has(j) ? [j] : [],
    );
    const rank = (j: number) => TARGET_NAMES.indexOf(targetNameOf(header[j]) ?? '');
    const chosen = named.reduce((a, j) => (rank(j) < rank(a) ? j : a), named[0]);
    for (const j of named) {
      if (j === chosen) continue;
      roles[j] = 'ignore';
      warnings.push(
        `column "${header[j]}" also names the target, which is "${header[chosen]}"; it is ignored ` +
          `(name the target with ${words.target} to model "${header[j]}" instead)`,
      );
    }
  }

  const pick = (role: Role): number[] => {
    const out: number[] = [];
    for (let j = 0; j < roles.length; j++) if (roles[j] === role) out.push(j);
    return out;
  };
  const date = roles.indexOf('date');
  const target = roles.indexOf('target');
  const spend = pick('spend');
  const missing: { code: DataErrorCode; problem: string }[] = [];
  if (date < 0) {
    const dated = datedColumns.map((c) => `"${c}"`).join(', ');
    missing.push({
      code: 'no_date_column',
      problem:
        datedColumns.length > 0
          ? `no date column; ${dated} hold${datedColumns.length === 1 ? 's' : ''} dates: pass ${words.dateColumn} with the one to use, or name it "date"`
          : `no date column; name it "date" (values YYYY-MM-DD) or pass ${words.dateColumn}`,
    });
  }
  if (target < 0) {
    // A column that would be the target by its name but was given another role: say so (the
    // message told the user to name a column "revenue" that was there, listed as spend).
    const taken = header.findIndex((h, j) => roles[j] !== 'target' && targetNameOf(h) !== null);
    missing.push({
      code: 'no_target_column',
      problem:
        taken >= 0
          ? `no target column: "${header[taken]}" is read as a ${roles[taken] === 'ignore' ? 'column to ignore' : `${roles[taken]} column`}, so no column is left as the target; take it out of that role or name the target with ${words.target}`
          : `no target column; name it "revenue" or pass ${words.target}`,
    });
  }
  if (spend.length === 0) {
    // Robyn's data name spend `<channel>_S` (tv_S, facebook_S; impressions _I, clicks _P).
    const robyn = header.filter((h, j) => roles[j] === 'control' && /^.+_S$/.test(h));
    missing.push({
      code: 'no_spend_column',
      problem:
        `no spend column; name spend columns "<channel>_spend" (e.g. "meta_spend") or pass ${words.spendColumns}` +
        (robyn.length > 0
          ? ` (${robyn.map((h) => `"${h}"`).join(', ')} read${robyn.length === 1 ? 's' : ''} like Robyn's spend column${robyn.length === 1 ? '' : 's'}: ${spendList(words, robyn)})`
          : ''),
    });
  }
  if (missing.length > 0) {
    // The header is listed once, after every problem (each message ended with it).
    const listed = missing.some((m) => !m.problem.startsWith('no target column: "'));
    throw new DataError(
      missing[0].code,
      file,
      1,
      null,
      missing.map((m) => m.problem).join('; ') + (listed ? `; columns are ${list}` : ''),
    );
  }
  const channels = spend.map((j) => channelOfSpendColumn(header[j]));
  const seen = new Map<string, number>();
  channels.forEach((c, k) => {
    // Compared ignoring case: "Meta Spend" and "meta_spend" are one channel twice.
    const other = seen.get(c.toLowerCase());
    if (other !== undefined) {
      throw new DataError(
        'duplicate_channel',
        file,
        1,
        header[spend[k]],
        `spend columns "${header[other]}" and "${header[spend[k]]}" both give channel "${c}"${c === channelOfSpendColumn(header[other]) ? '' : ' (names compared ignoring case)'}; rename one of them`,
      );
    }
    seen.set(c.toLowerCase(), spend[k]);
  });
  channels.forEach((c, k) => {
    if (RESERVED_CHANNEL_NAMES.includes(c.toLowerCase())) {
      throw new DataError(
        'reserved_channel',
        file,
        1,
        header[spend[k]],
        `spend column "${header[spend[k]]}" gives channel "${c}", the name of a part of the model's decomposition ` +
          `(${RESERVED_CHANNEL_NAMES.join(', ')}: the columns of explanations, reports and their CSV); ` +
          `rename the column, e.g. "${c}_ads_spend"`,
      );
    }
  });
  const weather = pick('weather');
  const weatherNames = weather.map((j) =>
    KNOWN_WEATHER_SET.has(header[j].toLowerCase()) ? header[j].toLowerCase() : header[j],
  );
  return {
    date,
    target,
    spend,
    channels,
    weather,
    weatherNames,
    controls: pick('control'),
    inferredControls,
    warnings,
  };
}
