/**
 * The ROAS-by-weather-state table in one sentence, for faces that print it: which channels' ROAS
 * differs clearly between two states of one weather column (their 80% intervals apart), and that
 * the others' differences are within the model's noise. A new user's 18 months of daily data
 * read meta 4.24 hot vs 3.27 cold and google 2.77 vs 1.83 (the truth: meta's return 1.64x hot,
 * google's flat) with nothing to say that every one of those intervals overlapped; the report
 * already said so ("No weather state's ROAS differs clearly from another's"), by the same test.
 */
import { extremeStatePair } from '../core/weather-names.js';
import type { Explanation, WeatherContrast } from '../phases/types.js';

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

/** A channel with spend whose ROAS ratio between a weather column's extreme states is not given. */
export interface ContrastLeftOut {
  channel: string;
  variable: string;
  state: string;
  reference: string;
  /** Why, in words: the point's ROAS in a state is not above 0, or too many refits' are not. */
  reason: string;
}

const stateLabel = (state: string): string => state.slice(state.lastIndexOf(':') + 1);

/**
 * The channels with spend that the weather contrasts leave out of a column that has its two
 * extreme states (intervals.ts weatherContrasts forms a ratio only where the point's ROAS and at
 * least 9 in 10 refits' are above 0 in both states). An autopilot's probe read "hot / cold: search
 * 0.97x, tv 0.99x" as "the weather changes no channel's return", while the one channel with a true
 * heat effect (ratio 1.33) was missing without a word. Empty for explanations without contrasts
 * (no intervals, or kept before INTERVALS_VERSION 30).
 */
export function contrastsLeftOut(
  e: Pick<Explanation, 'weather_contrasts' | 'weather_states' | 'channels'>,
): ContrastLeftOut[] {
  const contrasts = e.weather_contrasts;
  if (contrasts === undefined) return [];
  const out: ContrastLeftOut[] = [];
  const variables = [...new Set(e.weather_states.map((s) => s.variable))];
  for (const variable of variables) {
    const pair = extremeStatePair(e.weather_states, variable);
    if (!pair) continue;
    const [hi, lo] = [e.weather_states[pair.high], e.weather_states[pair.low]];
    for (const ch of e.channels) {
      if (ch.no_spend) continue;
      if (contrasts.some((w) => w.variable === variable && w.channel === ch.channel)) continue;
      const [a, b] = [hi, lo].map((s) => s.channels.find((c) => c.channel === ch.channel)?.roas);
      const notPositive = [a, b].some((r) => r === undefined || r === null || !(r > 0));
      out.push({
        channel: ch.channel,
        variable,
        state: hi.state,
        reference: lo.state,
        reason: notPositive
          ? `its ROAS is not above 0 in both states (${pair.labels[0]} ${a == null ? 'none' : roasText(a)}, ${pair.labels[1]} ${b == null ? 'none' : roasText(b)}), so no ratio is formed`
          : `more than 1 in 10 of its refits put its ROAS at or below 0 in one of the two states, so the ratio is not estimated: its weather effect is unknown, not absent`,
      });
    }
  }
  return out;
}

/**
 * The weather contrasts (intervals.ts weatherContrasts: a channel's ROAS in a column's hot, rain
 * or high state over its cold, dry or low one, with the paired refits' interval) in words, per
 * column: "hot / cold (temperature_c): meta 1.86x (80% 1.45 to 2.40: higher when hot), google
 * 1.02x (80% 0.81 to 1.30: not clear)", and the channels left out with why (contrastsLeftOut).
 * Null without contrasts.
 */
export function weatherContrastReading(
  e: Pick<Explanation, 'weather_contrasts' | 'weather_states' | 'channels'>,
): string | null {
  const contrasts = e.weather_contrasts ?? [];
  const leftOut = contrastsLeftOut(e);
  if (contrasts.length === 0 && leftOut.length === 0) return null;
  const label = stateLabel;
  const groups = new Map<string, { ws: typeof contrasts; out: ContrastLeftOut[] }>();
  const group = (w: { state: string; reference: string; variable: string }) => {
    const key = `${label(w.state)} / ${label(w.reference)} (${w.variable})`;
    const g = groups.get(key) ?? { ws: [], out: [] };
    groups.set(key, g);
    return g;
  };
  for (const w of contrasts) group(w).ws.push(w);
  for (const o of leftOut) group(o).out.push(o);
  const parts = [...groups].map(([key, { ws, out }]) => {
    const items = ws.map((w) => {
      const verdict = contrastVerdict(w, label);
      const truth = w.true_ratio !== null ? `, true ${ratioText(w.true_ratio)}x` : '';
      return `${w.channel} ${ratioText(w.ratio)}x (80% ${ratioText(w.p80[0])} to ${ratioText(w.p80[1])}: ${verdict}${formWords(w)}${truth}${belowSpendWords(e, w.channel)})`;
    });
    items.push(...out.map((o) => `${o.channel} no ratio (${o.reason})`));
    return `${key}: ${items.join(', ')}`;
  });
  return `ROAS in one weather state over another, from the same refits (paired, firmer than the states' own intervals): ${parts.join('; ')}`;
}

/**
 * Phase 1's reading of a contrast where it lies on the other side of 1: the two models disagree
 * on the direction, which is why the interval is wide (intervals.ts CONTRAST_FORM_FACTOR).
 */
function formWords(w: Pick<WeatherContrast, 'ratio' | 'phase1_ratio'>): string {
  const r1 = w.phase1_ratio;
  if (r1 === undefined || r1 === null || r1 > 1 === w.ratio > 1 || r1 === 1) return '';
  return `; phase 1's model, without carry-over or saturation, reads ${ratioText(r1)}x`;
}

/**
 * What a contrast of a channel with a below_spend_share adds: most of its modeled effect lies below
 * its lowest usual spend, a level the same in every state, which pulls the ratio toward 1 if it
 * stands in for the baseline. An outside practitioner's rain x spend tenants: meta's true rain /
 * dry 1.39-1.47 read 0.94-1.11 with 80% intervals excluding the truth on all five draws, its effect
 * 86% below its usual spend (ROAS 15.0 for a true 1.13). On the generator's suite and random shapes
 * the same channels' contrasts held the truth (8 of 8 at 80%), so they are kept, and said.
 */
function belowSpendWords(e: Pick<Explanation, 'channels'>, channel: string): string {
  const share = e.channels.find((c) => c.channel === channel)?.below_spend_share;
  return share === undefined
    ? ''
    : `; ${Math.round(100 * share)}% of its effect lies below its usual spend (roas_below_spend_seen), a level the same in every state: if that level is the baseline's, the ratio is pulled toward 1`;
}

/**
 * A contrast's verdict: "higher when hot" where its 95% interval leaves 1; "possibly higher when
 * hot" where only its 80% interval does; else "not clear". The 80% interval alone made too many
 * claims: with about six contrasts per tenant each leaves 1 on the wrong side one time in ten, and
 * a new analyst's ten files without any weather effect on the ads printed 7 "higher when" claims,
 * 4 of them false (google 3.28x hot where the truth was 0.81x). At 95% such a claim is wrong one
 * time in forty per contrast.
 */
export function contrastVerdict(
  w: Pick<WeatherContrast, 'state' | 'reference' | 'p80' | 'p95'>,
  label: (state: string) => string = stateLabel,
): string {
  const side = (iv: [number, number]): string | null =>
    iv[0] > 1 ? label(w.state) : iv[1] < 1 ? label(w.reference) : null;
  const firm = side(w.p95);
  if (firm !== null) return `higher when ${firm}`;
  const likely = side(w.p80);
  return likely !== null ? `possibly higher when ${likely}, its 95% interval holds 1` : 'not clear';
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
