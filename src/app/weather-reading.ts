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
 * The weather contrasts (intervals.ts weatherContrasts: a channel's ROAS in a column's hot, rain
 * or high state over its cold, dry or low one, with the paired refits' interval) in words, per
 * column: "hot / cold (temperature_c): meta 1.86x (80% 1.45 to 2.40: higher when hot), google
 * 1.02x (80% 0.81 to 1.30: not clear)". Null without contrasts.
 */
export function weatherContrastReading(e: Pick<Explanation, 'weather_contrasts'>): string | null {
  const contrasts = e.weather_contrasts ?? [];
  if (contrasts.length === 0) return null;
  const label = (state: string): string => state.slice(state.lastIndexOf(':') + 1);
  const groups = new Map<string, typeof contrasts>();
  for (const w of contrasts) {
    const key = `${label(w.state)} / ${label(w.reference)} (${w.variable})`;
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  const parts = [...groups].map(([key, ws]) => {
    const items = ws.map((w) => {
      const verdict =
        w.p80[0] > 1
          ? `higher when ${label(w.state)}`
          : w.p80[1] < 1
            ? `higher when ${label(w.reference)}`
            : 'not clear';
      const truth = w.true_ratio !== null ? `, true ${ratioText(w.true_ratio)}x` : '';
      return `${w.channel} ${ratioText(w.ratio)}x (80% ${ratioText(w.p80[0])} to ${ratioText(w.p80[1])}: ${verdict}${truth})`;
    });
    return `${key}: ${items.join(', ')}`;
  });
  return `ROAS in one weather state over another, from the same refits (paired, firmer than the states' own intervals): ${parts.join('; ')}`;
}

/** A ratio to two decimals (1.86, 0.95). */
const ratioText = (v: number): string => v.toFixed(2);

/**
 * The sentence, or null without weather states or without intervals (replicates 0: nothing to
 * judge the differences by). The paired contrasts when the explanation has them
 * (weatherContrastReading), else the states' own intervals compared. Per channel the pair of one column's states whose ROAS differ most
 * (by ratio where both are positive, else by difference) among those whose intervals are apart.
 */
export function weatherStateReading(
  e: Pick<Explanation, 'weather_states' | 'channels' | 'weather_contrasts'>,
): string | null {
  const paired = weatherContrastReading(e);
  if (paired !== null) return paired;
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
