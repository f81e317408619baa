/** Daily calendar of a synthetic series: ISO dates plus the day-of-week / day-of-year indices the DGP uses. */

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface DailyCalendar {
  dates: string[];
  /** 0 = Sunday .. 6 = Saturday (UTC). */
  dayOfWeek: Int8Array;
  /** 1 .. 366. */
  dayOfYear: Int16Array;
  /** Months since the first row's month (0-based), for monthly budget factors. */
  monthIndex: Int16Array;
}

/** Milliseconds since the epoch of an ISO date YYYY-MM-DD at 00:00 UTC; throws on a malformed or impossible date. */
export function parseIsoDate(text: string): number {
  const m = ISO_DATE.exec(text);
  if (!m)
    throw new RangeError(`start must be an ISO date YYYY-MM-DD (got ${JSON.stringify(text)})`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`start is not a real calendar date (got ${text})`);
  }
  return ms;
}

// Calendars are immutable in practice and identical for every tenant of a run, so they are memoized
// (the 2,000-tenant benchmark would otherwise format two million date strings).
const cache = new Map<string, DailyCalendar>();

/** Consecutive daily calendar of `days` rows from `start` (UTC, no DST issues). The returned `dates` array is a fresh copy. */
export function dailyCalendar(start: string, days: number): DailyCalendar {
  const key = `${start}|${days}`;
  let cal = cache.get(key);
  if (!cal) {
    const t0 = parseIsoDate(start);
    const first = new Date(t0);
    const y0 = first.getUTCFullYear();
    const m0 = first.getUTCMonth();
    const dates: string[] = new Array(days);
    const dayOfWeek = new Int8Array(days);
    const dayOfYear = new Int16Array(days);
    const monthIndex = new Int16Array(days);
    for (let i = 0; i < days; i++) {
      const ms = t0 + i * DAY_MS;
      const d = new Date(ms);
      const y = d.getUTCFullYear();
      dates[i] = d.toISOString().slice(0, 10);
      dayOfWeek[i] = d.getUTCDay();
      dayOfYear[i] = Math.round((ms - Date.UTC(y, 0, 1)) / DAY_MS) + 1;
      monthIndex[i] = (y - y0) * 12 + d.getUTCMonth() - m0;
    }
    cal = { dates, dayOfWeek, dayOfYear, monthIndex };
    if (cache.size > 16) cache.clear();
    cache.set(key, cal);
  }
  return { ...cal, dates: cal.dates.slice() };
}

/** Phase of the year in radians for day-of-year d: 2*pi*(d - peak)/365.25. */
export function yearPhase(dayOfYear: number, peakDay: number): number {
  return (2 * Math.PI * (dayOfYear - peakDay)) / 365.25;
}
