/**
 * Per-channel spend bounds: totals over the horizon or per period, absolute (currency) or as
 * multiples of the channel's historical spend over the same span (mean spend per period in the
 * reference year x periods). Text form, as on the command line: `channel=lo:hi[/period]` items
 * separated by commas; either side may be empty; `x` after a number makes it a multiple:
 *   meta=0.5x:2x          meta's total between half and twice its historical spend for the span
 *   google=:3000/period   google at most 3,000 in every period (`/day` or `/week` also accepted,
 *                         when they name the data's period: `/week` on daily data is refused)
 */
import { canonicalChannel } from '../core/channel-names.js';
import { PlanInputError, type PlanConstraints } from './optimize.js';
import { moneyPair } from './summary.js';
import { PLAN_WORDS, type PlanWords } from './words.js';

export interface BoundValue {
  value: number;
  /** true: a multiple of historical spend; false: currency. */
  multiple: boolean;
}

export interface ChannelBound {
  channel: string;
  min?: BoundValue;
  max?: BoundValue;
  /** true: each period; false: the horizon total. */
  perPeriod: boolean;
}

function parseValue(text: string, item: string): BoundValue | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const multiple = /x$/i.test(t);
  const num = multiple ? t.slice(0, -1) : t;
  const value = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(num) ? Number(num) : NaN;
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new PlanInputError(
      `bound "${item}": "${t}" is not a number >= 0 (write 1500 for currency or 1.5x for a multiple of historical spend)`,
    );
  }
  return { value, multiple };
}

/**
 * The comma-separated items of a bounds text; a channel name in double quotes may hold commas
 * (`"search, brand"=0:1000`: a channel the import accepts could not be bounded).
 */
function splitItems(text: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items;
}

/**
 * Parses `channel=lo:hi[/period],...` (see the module comment; a name with a comma in double
 * quotes). With the data's `frequency`, a
 * per-period bound written `/day` on weekly data or `/week` on daily data is refused: the bound
 * holds for each period of the data, so `google=:3000/day` on weekly data was read as 3,000 a
 * week (7 times tighter than written) and `:3000/week` on daily data as 3,000 a day.
 */
export function parseBounds(text: string, frequency?: 'daily' | 'weekly'): ChannelBound[] {
  const out: ChannelBound[] = [];
  for (const raw of splitItems(text)) {
    const item = raw.trim();
    if (item === '') continue;
    const m = /^("[^"]+"|[^="]+)=([^:]*):([^/]*)(\/(period|day|week))?$/i.exec(item);
    if (!m) {
      throw new PlanInputError(
        `bound "${item}" is not channel=min:max (e.g. meta=0.5x:2x, ${frequency === 'weekly' ? 'google=:20000/week' : 'google=:3000/day'}; either side may be empty${item.includes('=') ? '' : '; a channel name with a comma goes in double quotes: "search, brand"=0:1000'})`,
      );
    }
    const unit = m[5]?.toLowerCase();
    const period = frequency === 'weekly' ? 'week' : 'day';
    if (frequency !== undefined && unit !== undefined && unit !== 'period' && unit !== period) {
      throw new PlanInputError(
        `bound "${item}": the data is ${frequency}, so a bound per period holds for each ${period}; write the amount per ${period} with /${period} (or /period), or leave the unit out for the horizon total`,
      );
    }
    const name = m[1].trim();
    out.push({
      channel: name.startsWith('"') ? name.slice(1, -1) : name,
      min: parseValue(m[2], item),
      max: parseValue(m[3], item),
      perPeriod: m[4] !== undefined,
    });
  }
  return out;
}

/**
 * The bounds with each channel named as the model names it, where the name given matches one of
 * the model's channels ignoring case (the import refuses two channels that differ in case only, so
 * the match is unique): `Facebook Ads=` for the channel `facebook ads` was refused as unknown.
 * Names that match none are left as given (resolveBounds refuses them, listing the channels).
 */
export function canonicalBounds(
  bounds: readonly ChannelBound[],
  channels: readonly string[],
): ChannelBound[] {
  return bounds.map((b) => {
    const channel = canonicalChannel(b.channel, channels);
    return channel === b.channel ? b : { ...b, channel };
  });
}

/**
 * Constraints for the budget and bounds. `historical[c]` is the channel's mean spend per period
 * in the reference window. Unknown channels and min > max are errors; feasibility against the
 * budget is checked by the optimizer (checkFeasible).
 */
export function resolveBounds(
  bounds: readonly ChannelBound[],
  channels: readonly string[],
  horizon: number,
  historical: readonly number[],
  budget: number,
  words: PlanWords = PLAN_WORDS,
): PlanConstraints {
  const c: PlanConstraints = {
    budget,
    lower: channels.map(() => new Float64Array(horizon)),
    upper: channels.map(() => new Float64Array(horizon).fill(Infinity)),
    totalLower: channels.map(() => 0),
    totalUpper: channels.map(() => Infinity),
  };
  const seen = new Set<string>();
  for (const b of bounds) {
    const ch = channels.indexOf(b.channel);
    if (ch < 0) {
      throw new PlanInputError(
        `bound for unknown channel "${b.channel}" (${words.bounds}); the model's channels are ${channels.join(', ')}`,
      );
    }
    const key = `${b.channel}/${b.perPeriod}`;
    if (seen.has(key)) {
      throw new PlanInputError(
        `two ${b.perPeriod ? 'per-period' : 'total'} bounds for ${b.channel} (${words.bounds}); give one`,
      );
    }
    seen.add(key);
    const unit = b.perPeriod ? historical[ch] : historical[ch] * horizon;
    const amount = (v: BoundValue | undefined, dflt: number): number =>
      v === undefined ? dflt : v.multiple ? v.value * unit : v.value;
    const lo = amount(b.min, 0);
    const hi = amount(b.max, Infinity);
    if (lo > hi) {
      const [least, most] = moneyPair(lo, hi);
      throw new PlanInputError(
        `bound for ${b.channel} (${words.bounds}): the minimum ${least} is above the maximum ${most}; lower the minimum or raise the maximum`,
      );
    }
    if (b.perPeriod) {
      c.lower[ch].fill(lo);
      c.upper[ch].fill(hi);
    } else {
      c.totalLower[ch] = lo;
      c.totalUpper[ch] = hi;
    }
  }
  return c;
}

/**
 * Notes for currency bounds that read like multiples: a total bound of at most 10 that is below
 * 1% of the channel's historical spend over the span (`meta=0.5:2` beside 1.13M of history gave
 * meta 2 of a 2M budget, silently). The bound is kept as written; the note says how to write a
 * multiple.
 */
export function multipleLikeBoundNotes(
  bounds: readonly ChannelBound[],
  channels: readonly string[],
  horizon: number,
  historical: readonly number[],
): string[] {
  const notes: string[] = [];
  for (const b of bounds) {
    const ch = channels.indexOf(b.channel);
    if (ch < 0) continue;
    const unit = b.perPeriod ? historical[ch] : historical[ch] * horizon;
    // 0 is 0 in currency and as a multiple (`meta=0:0` got the note "for multiples write
    // meta=0x:0x"): only the amounts above 0 can read like multiples.
    const values = [b.min, b.max].filter(
      (v): v is BoundValue => v !== undefined && !v.multiple && v.value > 0,
    );
    if (values.length === 0 || !(unit > 0)) continue;
    if (values.every((v) => v.value <= 10 && v.value < 0.01 * unit)) {
      const asMultiple = (v: BoundValue | undefined): BoundValue | undefined =>
        v === undefined ? undefined : { ...v, multiple: true };
      const multiple = { ...b, min: asMultiple(b.min), max: asMultiple(b.max) };
      notes.push(
        `the bound ${formatBounds([b])} is read as currency (its historical spend over the ${b.perPeriod ? 'period' : 'horizon'} is ${Math.round(unit).toLocaleString('en-US')}); for multiples of that write ${formatBounds([multiple])}`,
      );
    }
  }
  return notes;
}

/** The bounds in the text form of parseBounds (for stored plans and summaries). */
export function formatBounds(bounds: readonly ChannelBound[]): string {
  const v = (x: BoundValue | undefined): string =>
    x === undefined ? '' : `${x.value}${x.multiple ? 'x' : ''}`;
  return bounds
    .map(
      (b) =>
        `${/[,=]/.test(b.channel) ? `"${b.channel}"` : b.channel}=${v(b.min)}:${v(b.max)}${b.perPeriod ? '/period' : ''}`,
    )
    .join(',');
}
