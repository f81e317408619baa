/**
 * Figures an explanation cannot have, taken out after its intervals are computed (so no other
 * figure moves):
 *
 * - a channel's ROAS and marginal ROAS in a weather state where it did not spend: both are per
 *   unit of the state's spend, and with none they are x / 0. explain printed them as 0 with an
 *   interval of 0.00 to 0.00 and counted them in `interval_spans_zero` (a channel launched in
 *   November had "ROAS 0" on hot days, while its response curve gave 971 a day there). They
 *   become null with no interval, and one `no_spend_in_state` caveat per channel names the states
 *   and says that its response curve there is the model's extrapolation. The state's contribution
 *   (carry-over from spend on other days) stays.
 * - a channel with no spend in the data at all: its response curve (a curve of zeros), carry-over
 *   (the search's starting decay, read as "decay 0.50, half-life 1.0 days" in the report) and
 *   intervals are not estimates. The curve is left out, its `channel_params` entry and intervals
 *   are null, and the channel is marked `no_spend: true`; its contribution is 0 and its ROAS and
 *   marginal ROAS stay 0 by construction (numbers throughout the engine: the calibration, the
 *   planner's attribution and the benches read them). The low_spend_channel caveat says so once.
 */
import type { Caveat, Explanation } from './types.js';

/** The explanation without the figures of spend that did not happen (module comment), in place. */
export function withoutUnspentFigures(e: Explanation): Explanation {
  const none = new Set(e.channels.filter((c) => !(c.spend > 0)).map((c) => c.channel));
  for (const ch of e.channels) {
    if (!none.has(ch.channel)) continue;
    ch.intervals = null;
    ch.no_spend = true;
  }
  const unspentStates = new Map<string, string[]>();
  for (const s of e.weather_states) {
    for (const row of s.channels) {
      if (row.spend > 0) continue;
      row.roas = null;
      row.marginal_roas = null;
      row.roas_error = null;
      row.intervals = null;
      if (!none.has(row.channel)) {
        unspentStates.set(row.channel, [...(unspentStates.get(row.channel) ?? []), s.state]);
      }
    }
  }
  if (none.size > 0) {
    e.response_curves = e.response_curves.filter((c) => !none.has(c.channel));
    if (e.channel_params) {
      e.channel_params = Object.fromEntries(
        Object.entries(e.channel_params).map(([c, p]) => [c, none.has(c) ? null : p]),
      );
    }
  }
  e.caveats.push(...[...unspentStates].map(([channel, states]) => stateCaveat(e, channel, states)));
  return e;
}

function stateCaveat(e: Explanation, channel: string, states: string[]): Caveat {
  const period = e.rows > 1 && isWeekly(e) ? 'weeks' : 'days';
  const one = states.length === 1;
  return {
    code: 'no_spend_in_state',
    channels: [channel],
    message:
      `${channel}: no spend on ${states.join(', ')} ${period}, so its ROAS and marginal ROAS ` +
      `${one ? 'there have' : 'in those states have'} nothing to be measured on and are left empty ` +
      `(null, "no spend"); its response curve in ${one ? 'that state' : 'those states'} is the ` +
      `model's extrapolation to weather the channel never ran in, not a measurement`,
  };
}

/** Weekly data: every step 7 days (cli/commands/explain.ts periodOf). */
function isWeekly(e: Pick<Explanation, 'rows' | 'start' | 'end'>): boolean {
  const days = (Date.parse(e.end) - Date.parse(e.start)) / 86_400_000;
  return days === 7 * (e.rows - 1);
}
