/**
 * What of an explanation a caller asked to see: some of the channels, with or without the
 * response curves. An explanation of 15 channels is about 100 KB of JSON, 40% of it response
 * curves (12 spend levels x 6 series per channel, for plotting); MCP clients cap what a tool
 * result may hold (Claude Code warns above 10,000 tokens and cuts above 25,000), and an agent
 * that acts on one channel needs that channel's figures. The explanation itself (stored with
 * its run, reused by plans and reports) is the same whatever is shown.
 */
import { roasStatuses } from '../phases/roas-status.js';
import type { Explanation } from '../phases/types.js';
import { tenantCatalog } from '../core/data/index.js';
import { canonicalChannel } from '../core/channel-names.js';
import type { AppContext } from './context.js';
import { tenantSource } from './tenants.js';
import { AppError } from './types.js';
import { contrastsLeftOut, type ContrastLeftOut } from './weather-reading.js';

export interface ExplanationSelection {
  /** The channels to show (all when absent). */
  channels?: readonly string[];
  /** Whether to keep the response curves (default true: the CLI's and the app's reading). */
  curves?: boolean;
}

/** What a selected explanation shows, beside its figures. */
export interface SelectionInfo {
  /** The channels shown, in the explanation's order. */
  channels: string[];
  /** How many channels the tenant has. */
  of_channels: number;
  /** Whether `response_curves` is in the answer. */
  response_curves: boolean;
  /** Caveats about channels only outside the selection, left out. */
  caveats_left_out: number;
}

export type ExplanationView = Omit<Explanation, 'response_curves'> & {
  response_curves?: Explanation['response_curves'];
  /**
   * With weather contrasts: the channels with spend that have none for a column that has its two
   * extreme states, and why (weather-reading.ts contrastsLeftOut); absent without contrasts.
   */
  weather_contrasts_left_out?: ContrastLeftOut[];
  selection: SelectionInfo;
};

/**
 * Checks a channel selection against the tenant's channels before anything is computed: an
 * unknown or repeated name is an argument error that lists the tenant's channels. Returns the
 * names as the data spell them (a name matching a channel but for case is that channel).
 */
export function checkChannelSelection(
  ctx: AppContext,
  tenant: string,
  channels: readonly string[] | undefined,
): string[] | undefined {
  if (channels === undefined) return undefined;
  tenantSource(ctx, tenant); // an unknown tenant is refused as explain refuses it
  // The channels as stored with the data (or the catalog's): no parse of the data for a check.
  const known =
    ctx.store.getDatasetSummary(tenant)?.channels ??
    tenantCatalog().find((t) => t.tenant === tenant)?.channels ??
    [];
  // Names read as plan bounds and lift tests read them: "Social" for the channel "social".
  const named = channels.map((c) => canonicalChannel(c, known));
  const problem = channelSelectionProblem(ctx.words.explainChannels, tenant, known, named);
  if (problem !== null) throw new AppError(problem, 'invalid_argument');
  return named;
}

/** What is wrong with a channel selection, in the words of its option; null when nothing. */
export function channelSelectionProblem(
  option: string,
  tenant: string,
  known: readonly string[],
  channels: readonly string[],
): string | null {
  if (channels.length === 0) {
    return `${option} names no channel: leave it out for every channel, or name one or more`;
  }
  const seen = new Set<string>();
  for (const c of channels) {
    if (seen.has(c)) return `${option} names "${c}" twice: name each channel once`;
    seen.add(c);
    if (!known.includes(c)) {
      return `${option}: "${c}" is not a channel of ${tenant}; its channels are ${known.join(', ')}`;
    }
  }
  return null;
}

/**
 * The explanation restricted to the selected channels (their decomposition, ROAS by weather
 * state, curves and carry-over; caveats about them or about the whole model), with or without
 * the response curves. Figures are not changed: a channel's ROAS is the same shown alone.
 */
export function selectExplanation(e: Explanation, sel: ExplanationSelection): ExplanationView {
  const all = e.channels.map((c) => c.channel);
  const chosen = sel.channels === undefined ? null : new Set(sel.channels);
  const shows = (channel: string) => chosen === null || chosen.has(channel);
  const curves = sel.curves ?? true;
  const caveats = e.caveats.filter((c) => c.channels === undefined || c.channels.some(shows));
  // From every caveat, not only those shown: a channel's status is the same shown alone.
  const status = roasStatuses(e);
  const { response_curves: responseCurves, ...rest } = e;
  return {
    ...rest,
    channels: e.channels
      .filter((c) => shows(c.channel))
      .map((c) => ({ ...c, roas_status: status.get(c.channel) })),
    weather_states: e.weather_states.map((s) => ({
      ...s,
      channels: s.channels.filter((c) => shows(c.channel)),
    })),
    ...(e.weather_contrasts
      ? {
          weather_contrasts: e.weather_contrasts.filter((w) => shows(w.channel)),
          weather_contrasts_left_out: contrastsLeftOut(e).filter((w) => shows(w.channel)),
        }
      : {}),
    ...(curves ? { response_curves: responseCurves.filter((c) => shows(c.channel)) } : {}),
    ...(e.since_previous
      ? {
          since_previous: {
            ...e.since_previous,
            channels: e.since_previous.channels.filter((c) => shows(c.channel)),
          },
        }
      : {}),
    channel_params:
      e.channel_params === null
        ? null
        : Object.fromEntries(Object.entries(e.channel_params).filter(([c]) => shows(c))),
    caveats,
    selection: {
      channels: all.filter(shows),
      of_channels: all.length,
      response_curves: curves,
      caveats_left_out: e.caveats.length - caveats.length,
    },
  };
}
