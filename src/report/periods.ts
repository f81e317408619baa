/** Calendar helpers on ISO dates (UTC, no clock read): week starts and period sums. */

const DAY_MS = 86_400_000;

function utc(date: string): number {
  return Date.UTC(
    Number(date.slice(0, 4)),
    Number(date.slice(5, 7)) - 1,
    Number(date.slice(8, 10)),
  );
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The Monday on or before an ISO date. */
export function weekStart(date: string): string {
  const ms = utc(date);
  const dow = (new Date(ms).getUTCDay() + 6) % 7; // Monday = 0
  return iso(ms - dow * DAY_MS);
}

/** date + n days. */
export function addDays(date: string, n: number): string {
  return iso(utc(date) + n * DAY_MS);
}

/** "2023-01" -> "Jan 2023" style month label of a date. */
export function monthLabel(date: string): string {
  const names = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  return `${names[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}

/**
 * Groups row indices into display periods: calendar weeks (Monday start) for daily series with
 * more than `maxRows` rows, else one period per row. Returns each period's start, end (exclusive,
 * for bars) and row indices.
 */
export function displayPeriods(
  dates: readonly string[],
  frequency: 'daily' | 'weekly',
  maxRows = 180,
): { start: string; end: string; rows: number[] }[] {
  const out: { start: string; end: string; rows: number[] }[] = [];
  if (frequency === 'daily' && dates.length > maxRows) {
    for (let t = 0; t < dates.length; t++) {
      const w = weekStart(dates[t]);
      const last = out[out.length - 1];
      if (last && last.start === w) last.rows.push(t);
      else out.push({ start: w, end: addDays(w, 7), rows: [t] });
    }
    return out;
  }
  const step = frequency === 'weekly' ? 7 : 1;
  for (let t = 0; t < dates.length; t++) {
    out.push({ start: dates[t], end: addDays(dates[t], step), rows: [t] });
  }
  return out;
}

/** Calendar months of the rows (first day of the month to the first of the next). */
export function monthPeriods(
  dates: readonly string[],
): { start: string; end: string; rows: number[] }[] {
  const out: { start: string; end: string; rows: number[] }[] = [];
  for (let t = 0; t < dates.length; t++) {
    const start = `${dates[t].slice(0, 7)}-01`;
    const last = out[out.length - 1];
    if (last && last.start === start) last.rows.push(t);
    else {
      const y = Number(start.slice(0, 4));
      const m = Number(start.slice(5, 7));
      const end = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
      out.push({ start, end, rows: [t] });
    }
  }
  return out;
}
