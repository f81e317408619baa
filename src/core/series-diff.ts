/**
 * What a re-import changes against the stored data (rows appended, removed, revised; columns
 * added, removed, renamed; roles changed), so that a monthly refresh that also revises history or
 * renames a channel says so instead of passing as "replaced". One walk over the two date lists and
 * one comparison per shared cell: linear in the data, no hashing of rows needed.
 */
import type { Frequency, TenantSeries } from './types.js';

export type ColumnRole = 'channel' | 'weather' | 'control' | 'target';

/** Rows by date: how many, and the first and last date (null when none). */
export interface DateSpan {
  rows: number;
  first: string | null;
  last: string | null;
}

/** A column whose values changed on dates both versions hold. */
export interface RevisedColumn extends DateSpan {
  /** The column's name (a channel's name without `_spend`). */
  column: string;
  role: ColumnRole;
}

export interface SeriesChanges {
  /** The stored data before the import. */
  previous: { rows: number; start: string; end: string; frequency: Frequency };
  /** True when the new data are the stored data, value for value, with the same roles. */
  identical: boolean;
  /** The frequency changed (daily <-> weekly); null when it did not. */
  frequency_changed: { from: Frequency; to: Frequency } | null;
  /** New dates after the previous end. */
  appended: DateSpan;
  /** New dates before the previous start. */
  prepended: DateSpan;
  /** New dates inside the previous range that it did not hold (another week anchor, say). */
  inserted: DateSpan;
  /** Previous dates the new data do not hold. */
  removed: DateSpan;
  /** Dates both hold where a value of a column both hold changed, with each such column. */
  revised: DateSpan & { columns: RevisedColumn[] };
  /** Columns only in the new data (renamed ones are in `renamed`, not here). */
  columns_added: { column: string; role: ColumnRole }[];
  /** Columns only in the previous data (renamed ones are in `renamed`, not here). */
  columns_removed: { column: string; role: ColumnRole }[];
  /**
   * A column gone and one new of the same role: the target (whatever its name), or a channel,
   * weather or control column with the same values on every shared date (a rename, probably).
   */
  renamed: { from: string; to: string; role: ColumnRole; basis: 'target' | 'same_values' }[];
  /** Columns both hold under another role (a control now read as weather, say). */
  roles_changed: { column: string; from: ColumnRole; to: ColumnRole }[];
}

interface Column {
  name: string;
  role: ColumnRole;
  values: Float64Array;
}

function columnsOf(s: TenantSeries): Column[] {
  return [
    ...s.channels.map((name, k) => ({ name, role: 'channel' as const, values: s.spend[k] })),
    ...s.weatherNames.map((name, k) => ({ name, role: 'weather' as const, values: s.weather[k] })),
    ...s.controlNames.map((name, k) => ({
      name,
      role: 'control' as const,
      values: s.controls[k],
    })),
    { name: s.targetName, role: 'target' as const, values: s.target },
  ];
}

class SpanBuilder {
  rows = 0;
  first: string | null = null;
  last: string | null = null;
  add(date: string): void {
    this.rows++;
    this.first ??= date;
    this.last = date;
  }
  span(): DateSpan {
    return { rows: this.rows, first: this.first, last: this.last };
  }
}

/** The changes from `before` (the stored data) to `after` (the data being imported). */
export function diffSeries(before: TenantSeries, after: TenantSeries): SeriesChanges {
  const bd = before.dates;
  const ad = after.dates;
  const bStart = bd[0];
  const bEnd = bd[bd.length - 1];
  // Shared dates as index pairs; one merge walk (both lists are strictly increasing ISO dates).
  const shared: [number, number][] = [];
  const appended = new SpanBuilder();
  const prepended = new SpanBuilder();
  const inserted = new SpanBuilder();
  const removed = new SpanBuilder();
  let i = 0;
  let j = 0;
  while (i < bd.length || j < ad.length) {
    if (j >= ad.length || (i < bd.length && bd[i] < ad[j])) {
      removed.add(bd[i++]);
    } else if (i >= bd.length || ad[j] < bd[i]) {
      const d = ad[j++];
      if (d > bEnd) appended.add(d);
      else if (d < bStart) prepended.add(d);
      else inserted.add(d);
    } else {
      shared.push([i++, j++]);
    }
  }

  const bCols = columnsOf(before);
  const aCols = columnsOf(after);
  const bByName = new Map(bCols.map((c) => [c.name, c]));
  const bTarget = bCols[bCols.length - 1];
  const aTarget = aCols[aCols.length - 1];
  const renamed: SeriesChanges['renamed'] = [];
  // Pairs compared cell by cell: the same name in both, and the target with the target.
  const pairs: { b: Column; a: Column }[] = [];
  for (const a of aCols) {
    const b = bByName.get(a.name);
    if (b !== undefined) pairs.push({ b, a });
  }
  if (bTarget.name !== aTarget.name) {
    pairs.push({ b: bTarget, a: aTarget });
    renamed.push({ from: bTarget.name, to: aTarget.name, role: 'target', basis: 'target' });
  }
  const paired = (c: Column, side: 'a' | 'b') => pairs.some((p) => p[side] === c);
  let gone = bCols.filter((c) => !paired(c, 'b'));
  let fresh = aCols.filter((c) => !paired(c, 'a'));
  // A column gone and one new of the same role with the same values on every shared date (and
  // some non-zero value there: two empty channels are not one channel renamed).
  const sameValues = (b: Column, a: Column): boolean => {
    if (shared.length === 0) return false;
    let nonZero = false;
    for (const [x, y] of shared) {
      if (b.values[x] !== a.values[y]) return false;
      if (b.values[x] !== 0) nonZero = true;
    }
    return nonZero;
  };
  for (const b of [...gone]) {
    const a = fresh.find((c) => c.role === b.role && sameValues(b, c));
    if (a === undefined) continue;
    renamed.push({ from: b.name, to: a.name, role: b.role, basis: 'same_values' });
    gone = gone.filter((c) => c !== b);
    fresh = fresh.filter((c) => c !== a);
  }

  const roles_changed = pairs
    .filter((p) => p.a.role !== p.b.role)
    .map((p) => ({ column: p.a.name, from: p.b.role, to: p.a.role }));
  // Revised cells: counted once per column and once per row (a row with two columns changed is
  // one revised row).
  const perColumn = pairs.map(() => new SpanBuilder());
  const revised = new SpanBuilder();
  for (const [x, y] of shared) {
    let rowChanged = false;
    for (let k = 0; k < pairs.length; k++) {
      // -0 and 0 are one value; every stored value is finite (tenantToCsv refuses others).
      if (pairs[k].b.values[x] !== pairs[k].a.values[y]) {
        perColumn[k].add(ad[y]);
        rowChanged = true;
      }
    }
    if (rowChanged) revised.add(ad[y]);
  }
  const revisedColumns: RevisedColumn[] = pairs
    .map((p, k) => ({ column: p.a.name, role: p.a.role, ...perColumn[k].span() }))
    .filter((c) => c.rows > 0);

  const frequency_changed =
    before.frequency === after.frequency ? null : { from: before.frequency, to: after.frequency };
  const changes: SeriesChanges = {
    previous: { rows: bd.length, start: bStart, end: bEnd, frequency: before.frequency },
    identical: false,
    frequency_changed,
    appended: appended.span(),
    prepended: prepended.span(),
    inserted: inserted.span(),
    removed: removed.span(),
    revised: { ...revised.span(), columns: revisedColumns },
    columns_added: fresh.map((c) => ({ column: c.name, role: c.role })),
    columns_removed: gone.map((c) => ({ column: c.name, role: c.role })),
    renamed,
    roles_changed,
  };
  changes.identical =
    frequency_changed === null &&
    appended.rows + prepended.rows + inserted.rows + removed.rows + revised.rows === 0 &&
    fresh.length + gone.length + renamed.length + roles_changed.length === 0;
  return changes;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const range = (s: DateSpan): string =>
  s.first === s.last ? `${s.first}` : `${s.first}..${s.last}`;
const where = (s: DateSpan): string =>
  s.first === s.last ? `on ${s.first}` : `between ${s.first} and ${s.last}`;
const columnWords = (c: { column: string; role: ColumnRole }): string =>
  c.role === 'channel' ? `${c.column} spend` : c.column;

/** The changes in one sentence for people (both faces: it names no command). */
export function changesText(c: SeriesChanges): string {
  const p = c.previous;
  const was = `${p.rows} ${p.frequency} rows ${p.start}..${p.end}`;
  if (c.identical) return `the same data as stored (${was}): nothing changed`;
  const parts: string[] = [];
  if (c.frequency_changed) {
    parts.push(`frequency ${c.frequency_changed.from} -> ${c.frequency_changed.to}`);
  }
  if (c.appended.rows > 0) {
    parts.push(`${plural(c.appended.rows, 'row')} appended after ${p.end} (${range(c.appended)})`);
  }
  if (c.prepended.rows > 0) {
    parts.push(
      `${plural(c.prepended.rows, 'row')} added before ${p.start} (${range(c.prepended)})`,
    );
  }
  if (c.inserted.rows > 0) {
    parts.push(
      `${plural(c.inserted.rows, 'new date')} inside the previous range (${range(c.inserted)})`,
    );
  }
  if (c.removed.rows > 0) {
    parts.push(`${plural(c.removed.rows, 'previous row')} removed ${where(c.removed)}`);
  }
  if (c.revised.rows > 0) {
    const cols = c.revised.columns.map((k) => `${columnWords(k)} ${k.rows}`).join(', ');
    parts.push(
      `${plural(c.revised.rows, 'past row')} revised ${where(c.revised)} (rows changed by column: ${cols})`,
    );
  }
  for (const r of c.renamed) {
    parts.push(
      r.basis === 'target'
        ? `target ${r.from} -> ${r.to}`
        : `${r.role} ${r.from} -> ${r.to} (probably renamed: the same values on every shared date)`,
    );
  }
  const byRole = (cols: { column: string; role: ColumnRole }[]) =>
    cols.map((k) => `${k.column} (${k.role})`).join(', ');
  if (c.columns_added.length > 0) parts.push(`new columns: ${byRole(c.columns_added)}`);
  if (c.columns_removed.length > 0) parts.push(`columns dropped: ${byRole(c.columns_removed)}`);
  for (const r of c.roles_changed) parts.push(`${r.column} was ${r.from}, now ${r.to}`);
  return `against the stored data (${was}): ${parts.join('; ')}`;
}
