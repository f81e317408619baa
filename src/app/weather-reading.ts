/**
 * The ROAS-by-weather-state table in one sentence, for faces that print it: which channels' ROAS
 * differs clearly between two states of one weather column (their 80% intervals apart), and that
 * the others' differences are within the model's noise. A new user's 18 months of daily data
 * read meta 4.24 hot vs 3.27 cold and google 2.77 vs 1.83 (the truth: meta's return 1.64x hot,
 * google's flat) with nothing to say that every one of those intervals overlapped; the report
 * already said so ("No weather state's ROAS differs clearly from another's"), by the same test.
 */
import type { Explanation } from '../phases/types.js';

type Interval = [number, number];

/**
 * Overlapping intervals do not make a difference noise: each state's interval also holds the
 * uncertainty of the channel's whole level, which moves every state together (three years of the
 * same file put meta's hot and cold ROAS at 2.79 and 1.56, the true ratio 1.79, with overlapping
 * intervals). The sentence says so rather than "within the noise".
 */
const OVERLAP_WHY =
  "each interval also holds the uncertainty of the channel's whole level, which moves every state together, so a ratio between states can be firmer than they show";

const apart = (a: Interval, b: Interval): boolean => a[0] > b[1] || b[0] > a[1];

/** Two significant figures or more, as the explanation's tables round ROAS (3.27, 12.3). */
const roasText = (v: number): string =>
  Math.abs(v) >= 10 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2);

/**
 * The sentence, or null without weather states or without intervals (replicates 0: nothing to
 * judge the differences by). Per channel the pair of one column's states whose ROAS differ most
 * (by ratio where both are positive, else by difference) among those whose intervals are apart.
 */
export function weatherStateReading(
  e: Pick<Explanation, 'weather_states' | 'channels'>,
): string | null {
  const states = e.weather_states;
  if (!states.some((s) => s.channels.some((c) => c.intervals !== null))) return null;
  const variables = [...new Set(states.map((s) => s.variable))];
  const clear: string[] = [];
  const overlapping: string[] = [];
  for (const channel of e.channels) {
    if (channel.no_spend) continue;
    let best: { text: string; score: number } | null = null;
    let judged = false;
    for (const variable of variables) {
      const own = states
        .filter((s) => s.variable === variable)
        .map((s) => ({ state: s.state, c: s.channels.find((x) => x.channel === channel.channel) }))
        .filter(
          (s): s is { state: string; c: NonNullable<typeof s.c> } =>
            s.c !== undefined && s.c.roas !== null && s.c.intervals !== null,
        );
      for (let a = 0; a < own.length; a++) {
        for (let b = a + 1; b < own.length; b++) {
          judged = true;
          const [x, y] = [own[a], own[b]];
          const [ix, iy] = [x.c.intervals!.roas.p80, y.c.intervals!.roas.p80];
          if (!apart(ix, iy)) continue;
          const [hi, lo] = x.c.roas! >= y.c.roas! ? [x, y] : [y, x];
          const score =
            hi.c.roas! > 0 && lo.c.roas! > 0
              ? Math.log(hi.c.roas! / lo.c.roas!)
              : hi.c.roas! - lo.c.roas!;
          const part = (s: typeof x) =>
            `${s.state} ${roasText(s.c.roas!)} (80% ${roasText(s.c.intervals!.roas.p80[0])} to ${roasText(s.c.intervals!.roas.p80[1])})`;
          if (!best || score > best.score) {
            best = { text: `${channel.channel} ${part(hi)} vs ${part(lo)}`, score };
          }
        }
      }
    }
    if (best) clear.push(best.text);
    else if (judged) overlapping.push(channel.channel);
  }
  if (clear.length === 0 && overlapping.length === 0) return null;
  if (clear.length === 0) {
    return `no channel's ROAS differs clearly between weather states: on every channel the 80% intervals of each column's states overlap, so read the table's differences as unconfirmed (${OVERLAP_WHY})`;
  }
  return (
    `ROAS differs clearly between weather states (80% intervals apart) on ${clear.join('; ')}` +
    (overlapping.length > 0
      ? `; on ${overlapping.join(', ')} the states' 80% intervals overlap: read ${overlapping.length === 1 ? 'its' : 'their'} differences as unconfirmed (${OVERLAP_WHY})`
      : '')
  );
}
