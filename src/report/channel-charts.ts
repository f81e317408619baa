/**
 * Charts of what each channel is worth: response curves, ROAS and marginal ROAS, ROAS by weather
 * state (the picture peers do not have), carry-over shape, estimates against the truth, and the
 * latest budget plan.
 */
import {
  CHART_WIDTH,
  TRUTH_COLOR,
  WEATHER_COLOR,
  CONTROLS_COLOR,
  channelColors,
  topLevel,
  type ChartDef,
  type Row,
} from './chart.js';
import {
  count,
  fixedOrSignificantExpr,
  num,
  pct,
  periodWord,
  ratio,
  sig,
  signedPct,
  stateLabel,
} from './format.js';
import { interpolate } from '../core/stats.js';
import { EXTREME_STATE_PAIRS, weatherStateLabels } from '../core/weather-names.js';
import { sharedMediaShape } from '../phases/shared-shape.js';
import { heldAtZeroChannels, unreliableRoas } from './reliability.js';
import type { Interval, TenantReportData } from './types.js';

const STATE_ORDER = ['cold', 'mild', 'hot', 'dry', 'rain'];
/** Bar charts print each bar's value only up to this many channels (beyond, labels overlap). */
const MAX_LABELLED_CHANNELS = 4;

function stateName(state: string): string {
  return state.includes(':') ? state.slice(state.indexOf(':') + 1) : state;
}

function intervalRow(iv: Interval | undefined): { lo: number | null; hi: number | null } {
  return iv ? { lo: sig(iv.lo), hi: sig(iv.hi) } : { lo: null, hi: null };
}

/**
 * Mean spend per period of each channel over all the explained rows: its average, not its
 * recent level (the report's data holds no spend per date); the chart calls it so.
 */
function meanSpend(d: TenantReportData): Record<string, number> {
  return Object.fromEntries(
    d.explanation.channels.map((c) => [c.channel, c.spend / Math.max(1, d.explanation.rows)]),
  );
}

/** Mean planned spend per period of each channel, when a plan exists. */
function plannedSpend(d: TenantReportData): Record<string, number> | null {
  if (!d.plan || d.plan.spend.length === 0) return null;
  const sums: Record<string, number> = {};
  const dates = new Set<string>();
  for (const r of d.plan.spend) {
    sums[r.channel] = (sums[r.channel] ?? 0) + r.spend;
    dates.add(r.date);
  }
  for (const k of Object.keys(sums)) sums[k] /= Math.max(1, dates.size);
  return sums;
}

/** Response curve per channel: mean contribution per period at a constant spend per period. */
export function responseChart(d: TenantReportData): ChartDef {
  const period = periodWord(d.tenant.frequency);
  const current = meanSpend(d);
  const planned = plannedSpend(d);
  const ivs = d.intervals?.response_curves ?? {};
  const rows: Row[] = [];
  const readings: string[] = [];
  for (const c of d.explanation.response_curves) {
    const iv = ivs[c.channel];
    c.spend_levels.forEach((x, i) => {
      rows.push({
        channel: c.channel,
        row_type: 'curve',
        spend: sig(x),
        estimate: sig(c.contribution[i]),
        truth: c.true_contribution ? sig(c.true_contribution[i]) : null,
        lo: iv ? sig(iv.lo[i]) : null,
        hi: iv ? sig(iv.hi[i]) : null,
        marker: null,
      });
    });
    const markers: [string, number][] = [['average', current[c.channel] ?? 0]];
    if (planned && planned[c.channel] !== undefined) markers.push(['planned', planned[c.channel]]);
    for (const [name, x] of markers) {
      rows.push({
        channel: c.channel,
        row_type: 'marker',
        spend: sig(x),
        estimate: sig(interpolate(c.spend_levels, c.contribution, x)),
        truth: null,
        lo: null,
        hi: null,
        marker: `${name} spend`,
      });
    }
    const ch = d.explanation.channels.find((e) => e.channel === c.channel);
    if (ch) {
      readings.push(
        `${c.channel} at ${num(current[c.channel] ?? 0)}/${period} returns ${ratio(ch.marginal_roas)} per extra 1` +
          (ch.truth && ch.truth.marginal_roas !== null
            ? ` (true ${ratio(ch.truth.marginal_roas)})`
            : ''),
      );
    }
  }
  const hasTruth = rows.some((r) => r.truth !== null);
  const hasIv = rows.some((r) => r.lo !== null);
  const markerNames = planned ? ['average spend', 'planned spend'] : ['average spend'];
  const x = {
    field: 'spend',
    type: 'quantitative',
    title: `constant spend per ${period} (currency)`,
  };
  const y = {
    field: 'estimate',
    type: 'quantitative',
    title: `mean contribution per ${period} (currency)`,
  };
  const layers: Record<string, unknown>[] = [];
  if (hasIv) {
    layers.push({
      transform: [{ filter: "datum.row_type == 'curve' && datum.lo != null" }],
      mark: { type: 'area', opacity: 0.2, color: '#4c78a8' },
      encoding: {
        x,
        y: { field: 'lo', type: 'quantitative', title: y.title },
        y2: { field: 'hi' },
      },
    });
  }
  layers.push({
    transform: [{ filter: "datum.row_type == 'curve'" }],
    mark: { type: 'line', color: '#4c78a8', point: { size: 20 } },
    encoding: { x, y },
  });
  if (hasTruth) {
    layers.push({
      transform: [{ filter: "datum.row_type == 'curve' && datum.truth != null" }],
      mark: { type: 'line', color: TRUTH_COLOR, strokeDash: [4, 3] },
      encoding: { x, y: { field: 'truth', type: 'quantitative', title: y.title } },
    });
  }
  layers.push({
    transform: [{ filter: "datum.row_type == 'marker'" }],
    mark: { type: 'point', filled: true, size: 110, stroke: '#ffffff', strokeWidth: 1 },
    encoding: {
      x,
      y,
      shape: {
        field: 'marker',
        type: 'nominal',
        scale: { domain: markerNames, range: ['circle', 'diamond'].slice(0, markerNames.length) },
        title: 'marker',
      },
      color: {
        field: 'marker',
        type: 'nominal',
        scale: { domain: markerNames, range: ['#e45756', '#54a24b'].slice(0, markerNames.length) },
        title: 'marker',
      },
    },
  });
  const legend = [
    'blue: estimate',
    ...(hasIv ? ['band: interval'] : []),
    ...(hasTruth ? ['dashed: truth'] : []),
  ].join(', ');
  const title = `Response curves: contribution per ${period} vs spend per ${period} (${legend})`;
  return {
    id: 'response',
    title,
    reading: `At its average spend over the data, ${readings.join('; ')}.`,
    rows,
    spec: topLevel(title, rows, {
      facet: {
        field: 'channel',
        type: 'nominal',
        sort: d.explanation.response_curves.map((c) => c.channel),
        title: null,
        header: { labelFontWeight: 'bold', labelFontSize: 13 },
      },
      columns: 2,
      resolve: { scale: { x: 'independent', y: 'independent' } },
      spec: { width: CHART_WIDTH / 2 - 60, height: 200, layer: layers },
    }),
    notes: [
      `Average spend: each channel's spend summed over all ${count(d.explanation.rows)} ${period}s of the data, divided by ${count(d.explanation.rows)}; ` +
        `not its recent level (a channel launched late or cut lately is marked where it seldom spent).`,
      'Curves above the largest observed spend are extrapolations of the fitted model.',
      'Each panel has its own spend and contribution scales: compare channels by the figures, not by the heights.',
      ...(hasIv ? [] : ['No intervals are available for these curves yet.']),
    ],
  };
}

/**
 * The layers of a bar chart of estimates grouped by channel (ROAS, ROAS by weather state): bars
 * in the channels' colours, value labels while they fit, the interval as a rule where there is
 * one and the truth as a black tick where it is known.
 */
function groupedBarLayers(
  rows: Row[],
  o: {
    x: Record<string, unknown>;
    xOffset: Record<string, unknown>;
    y: Record<string, unknown>;
    chans: string[];
    colors: Record<string, string>;
    tooltip: string[];
    /** Decimals of the value labels (3 significant digits where those would print 0). */
    labelDigits: number;
  },
): { layers: Record<string, unknown>[]; hasTruth: boolean } {
  const { x, xOffset, y, chans, colors } = o;
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'bar' },
      encoding: {
        x,
        xOffset,
        y,
        color: {
          field: 'channel',
          type: 'nominal',
          scale: { domain: chans, range: chans.map((c) => colors[c]) },
          title: 'channel',
        },
        tooltip: o.tooltip.map((field) => ({ field })),
      },
    },
  ];
  if (rows.some((r) => r.lo !== null)) {
    layers.push({
      transform: [{ filter: 'datum.lo != null' }],
      mark: { type: 'rule', color: '#333333', strokeWidth: 1.5 },
      encoding: { x, xOffset, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
    });
  }
  const hasTruth = rows.some((r) => r.truth !== null);
  if (hasTruth) {
    layers.push({
      transform: [{ filter: 'datum.truth != null' }],
      mark: { type: 'tick', color: TRUTH_COLOR, thickness: 3 },
      encoding: { x, xOffset, y: { field: 'truth', type: 'quantitative' } },
    });
  }
  // Value labels last (on top), while they fit, above whatever is drawn at the bar: the bar's
  // top, the interval's top, the truth tick (they sat on the bar's top, under the interval's
  // rule, which cut '1.0' into '1 0').
  if (chans.length <= MAX_LABELLED_CHANNELS) {
    const top = (f: string) => `datum.${f} != null ? datum.${f} : 0`;
    layers.push({
      transform: [
        { filter: 'datum.estimate != null' },
        { calculate: fixedOrSignificantExpr('estimate', o.labelDigits), as: 'label' },
        { calculate: `max(0, datum.estimate, ${top('hi')}, ${top('truth')})`, as: 'label_y' },
      ],
      mark: { type: 'text', dy: -6, fontSize: 10 },
      encoding: { x, xOffset, y: { ...y, field: 'label_y' }, text: { field: 'label' } },
    });
  }
  return { layers, hasTruth };
}

/** ROAS and marginal ROAS per channel, with the truth and intervals when known. */
export function roasChart(d: TenantReportData): ChartDef {
  const ivs = d.intervals ?? {};
  const rows: Row[] = [];
  // A channel with no spend has no ROAS (0 by construction): no bar, no label, the reading says so;
  // nor does one held at 0 (not identified: heldAtZeroChannels).
  const held = heldAtZeroChannels(d);
  const spent = d.explanation.channels.filter((c) => !c.no_spend && !held.has(c.channel));
  for (const c of spent) {
    rows.push({
      channel: c.channel,
      measure: 'ROAS',
      estimate: sig(c.roas),
      truth: c.truth ? sig(c.truth.roas) : null,
      ...intervalRow(ivs.roas?.[c.channel]),
    });
    rows.push({
      channel: c.channel,
      measure: 'marginal ROAS',
      estimate: sig(c.marginal_roas),
      truth: c.truth && c.truth.marginal_roas !== null ? sig(c.truth.marginal_roas) : null,
      ...intervalRow(ivs.marginal_roas?.[c.channel]),
    });
  }
  const chans = spent.map((c) => c.channel);
  // The reading and the notes, the same for either layout: channels by ROAS, highest first.
  const sorted = [...d.explanation.channels]
    .filter((c) => !held.has(c.channel))
    .sort((a, b) => b.roas - a.roas);
  const parts = sorted.map((c) => {
    if (c.no_spend) return `${c.channel}: no spend in the data, nothing to estimate`;
    const iv = ivs.roas?.[c.channel];
    const ivText = iv ? ` [${ratio(iv.lo)}, ${ratio(iv.hi)}]` : '';
    return `${c.channel} ${ratio(c.roas)}${ivText}${c.truth ? ` (true ${ratio(c.truth.roas)})` : ''}, marginal ${ratio(c.marginal_roas)}`;
  });
  const reading = `Each 1 spent returned: ${parts.join('; ')}.${heldWords(d, held)}`;
  const many = chans.length > MAX_LABELLED_CHANNELS;
  const notes = [
    'Marginal ROAS: extra revenue per extra 1 from a 1% spend increase on every period.',
    ...(Object.keys(ivs.roas ?? {}).length > 0
      ? [
          `${many ? 'Lines' : 'Interval bars'} are 80% intervals; the caveats in Read first judge the 95% ones, so a ${many ? 'line' : 'bar'} clear of zero can still belong to a channel whose 95% interval includes zero.`,
        ]
      : []),
  ];
  if (many) return manyChannelRoasChart(rows, sorted, reading, notes);
  const x = {
    field: 'measure',
    type: 'nominal',
    title: null,
    sort: ['ROAS', 'marginal ROAS'],
    axis: { labelAngle: 0 },
  };
  const y = { field: 'estimate', type: 'quantitative', title: 'revenue per 1 of spend (ratio)' };
  const xOffset = { field: 'channel', type: 'nominal', sort: chans };
  const { layers, hasTruth } = groupedBarLayers(rows, {
    x,
    xOffset,
    y,
    chans,
    colors: channelColors(d.tenant.channels),
    tooltip: ['channel', 'measure', 'estimate', 'truth', 'lo', 'hi'],
    labelDigits: 2,
  });
  const title = `ROAS and marginal ROAS per channel${hasTruth ? ' (black tick: truth)' : ''}`;
  return {
    id: 'roas',
    title,
    reading,
    rows,
    spec: topLevel(title, rows, { width: 420, height: 240, layer: layers }),
    notes,
  };
}

/** " Held at 0, not identified (no bars; Read first): a, b (true 1.20, 0.90)." or "". */
function heldWords(d: TenantReportData, held: ReadonlySet<string>): string {
  if (held.size === 0) return '';
  const names = d.explanation.channels.filter((c) => held.has(c.channel));
  const truths = names.every((c) => c.truth !== null)
    ? ` (true ${names.map((c) => ratio(c.truth!.roas)).join(', ')})`
    : '';
  return ` Held at 0, not identified (no bars; Read first): ${names.map((c) => c.channel).join(', ')}${truths}.`;
}

/**
 * The ROAS chart of more channels than bars can be labelled for: one row per channel, sorted by
 * ROAS, with its full name; a dot per figure (ROAS, marginal ROAS) and its interval as a line, the
 * truth as a tick. The axis stops at 1.5 times the largest figure or truth, and longer intervals
 * are cut at its edge (their ends are in the reading): a probe's 12 channels were 24 sliver bars
 * in 340 px, their names cut, one interval to 50.62 flattening every other channel.
 */
function manyChannelRoasChart(
  rows: Row[],
  sorted: readonly TenantReportData['explanation']['channels'][number][],
  reading: string,
  notes: readonly string[],
): ChartDef {
  const order = sorted.filter((c) => !c.no_spend).map((c) => c.channel);
  const figures = rows
    .flatMap((r) => [r.estimate, r.truth])
    .filter((v): v is number => typeof v === 'number');
  const hi = 1.5 * Math.max(0, ...figures);
  // Below zero as far as the figures go, and the intervals down to a quarter of the positive
  // range: an interval that crosses zero must be seen to.
  const lows = rows.map((r) => r.lo).filter((v): v is number => typeof v === 'number');
  const lo = Math.min(0, 1.5 * Math.min(0, ...figures), Math.max(Math.min(0, ...lows), -0.25 * hi));
  const cut = rows.some(
    (r) => (r.hi !== null && (r.hi as number) > hi) || (r.lo !== null && (r.lo as number) < lo),
  );
  const y = {
    field: 'channel',
    type: 'nominal',
    sort: order,
    title: null,
    axis: { labelLimit: 400 },
  };
  const yOffset = { field: 'measure', type: 'nominal', sort: ['ROAS', 'marginal ROAS'] };
  const scale = { domain: [lo, hi > lo ? hi : lo + 1], nice: false };
  const x = {
    field: 'estimate',
    type: 'quantitative',
    title: 'revenue per 1 of spend (ratio)',
    scale,
  };
  const color = {
    field: 'measure',
    type: 'nominal',
    sort: ['ROAS', 'marginal ROAS'],
    scale: { domain: ['ROAS', 'marginal ROAS'], range: ['#4c78a8', '#f58518'] },
    title: 'figure',
  };
  const layers: Record<string, unknown>[] = [
    { mark: { type: 'rule', color: '#888888' }, encoding: { x: { datum: 0, scale } } },
  ];
  if (rows.some((r) => r.lo !== null)) {
    layers.push({
      transform: [{ filter: 'datum.lo != null' }],
      mark: { type: 'rule', strokeWidth: 2, clip: true },
      encoding: {
        y,
        yOffset,
        x: { field: 'lo', type: 'quantitative', scale },
        x2: { field: 'hi' },
        color,
      },
    });
  }
  layers.push({
    mark: { type: 'point', filled: true, size: 60, clip: true },
    encoding: {
      y,
      yOffset,
      x,
      color,
      tooltip: ['channel', 'measure', 'estimate', 'truth', 'lo', 'hi'].map((field) => ({ field })),
    },
  });
  const hasTruth = rows.some((r) => r.truth !== null);
  if (hasTruth) {
    layers.push({
      transform: [{ filter: 'datum.truth != null' }],
      mark: { type: 'tick', color: TRUTH_COLOR, thickness: 2, clip: true },
      encoding: { y, yOffset, x: { field: 'truth', type: 'quantitative', scale } },
    });
  }
  const title = `ROAS and marginal ROAS per channel, highest ROAS first${hasTruth ? ' (black tick: truth)' : ''}`;
  return {
    id: 'roas',
    title,
    reading,
    rows,
    spec: topLevel(title, rows, { width: 460, height: { step: 26 }, layer: layers }),
    notes: [
      ...notes,
      ...(cut
        ? [
            `The axis stops at 1.5 times the largest figure (${ratio(hi)}): longer intervals are cut at its edge; the reading gives their ends.`,
          ]
        : []),
    ],
  };
}

/** ROAS of each channel within each weather state (temperature terciles, rain / dry). */
export function weatherRoasChart(d: TenantReportData): ChartDef | null {
  const states = d.explanation.weather_states;
  if (states.length === 0) return null;
  const period = periodWord(d.tenant.frequency);
  const ivs = d.intervals?.state_roas ?? {};
  // Unique labels: t_max:low, wetness:low and sky:low all read "low" without the column name,
  // and their bars were drawn on one position.
  const labels = weatherStateLabels(states);
  const rows: Row[] = [];
  const held = heldAtZeroChannels(d);
  const unspent = new Set(d.explanation.channels.filter((c) => c.no_spend).map((c) => c.channel));
  for (const [k, s] of states.entries()) {
    for (const c of s.channels) {
      // A channel with no spend at all, or held at 0: no slot among the bars, a note below the chart.
      if (unspent.has(c.channel) || held.has(c.channel)) continue;
      rows.push({
        state: labels[k],
        variable: s.variable,
        definition: s.definition,
        periods: s.rows,
        channel: c.channel,
        // No spend in the state: no ROAS (null), no bar (unspent.ts).
        estimate: c.roas === null ? null : sig(c.roas),
        truth: c.true_roas === null ? null : sig(c.true_roas),
        ...intervalRow(ivs[s.state]?.[c.channel]),
      });
    }
  }
  const colors = channelColors(d.tenant.channels);
  const chans = d.explanation.channels
    .map((c) => c.channel)
    .filter((c) => !unspent.has(c) && !held.has(c));
  const order = [...new Set(rows.map((r) => r.state as string))].sort(
    (a, b) => STATE_ORDER.indexOf(a) - STATE_ORDER.indexOf(b),
  );
  const x = {
    field: 'state',
    type: 'nominal',
    sort: order,
    title: `weather state of the ${period}`,
    axis: { labelAngle: 0 },
  };
  const xOffset = { field: 'channel', type: 'nominal', sort: chans };
  const y = {
    field: 'estimate',
    type: 'quantitative',
    title: 'ROAS in that weather (revenue per 1 spent)',
  };
  const { layers, hasTruth } = groupedBarLayers(rows, {
    x,
    xOffset,
    y,
    chans,
    colors,
    tooltip: ['state', 'definition', 'channel', 'estimate', 'truth', 'periods'],
    labelDigits: 1,
  });
  const title = `ROAS by weather state, per channel${hasTruth ? ' (black tick: truth)' : ''}`;
  return {
    id: 'roas-weather',
    title,
    reading: weatherReading(d, period),
    rows,
    spec: topLevel(title, rows, {
      width: Math.min(
        CHART_WIDTH,
        Math.max(360, (90 * order.length * Math.max(1, chans.length)) / 2),
      ),
      height: 240,
      layer: layers,
    }),
    notes: [
      ...states.map((s, k) => `${labels[k]}: ${s.definition} (${s.rows} ${period}s)`),
      ...unspentStateNotes(d, period),
      ...[...held].map(
        (c) =>
          `held at 0: ${c} (its effect is not identified, so neither is its ROAS in any weather: no bars)`,
      ),
    ],
  };
}

/**
 * "no spend: tiktok on hot days (no ROAS there)", per channel with states it never spent in; a
 * channel with no spend at all: "no spend: tiktok in the data".
 */
function unspentStateNotes(d: TenantReportData, period: string): string[] {
  const labels = weatherStateLabels(d.explanation.weather_states);
  return d.explanation.channels.flatMap((ch) => {
    if (ch.no_spend)
      return [`no spend: ${ch.channel} in the data (no ROAS in any weather, no bars)`];
    const states = d.explanation.weather_states
      .map((s, k) => ({ s, label: labels[k] }))
      .filter(({ s }) => s.channels.some((c) => c.channel === ch.channel && c.roas === null))
      .map(({ label }) => label);
    return states.length === 0
      ? []
      : [`no spend: ${ch.channel} on ${states.join(', ')} ${period}s (no ROAS there, no bar)`];
  });
}

/** A state's words in the reading: "hot days", "rainy weeks", "days of high RelHum". */
function readingLabel(state: { state: string; variable: string }, period: string): string {
  const label = state.state.startsWith(`${state.variable}:`)
    ? state.state.slice(state.variable.length + 1)
    : stateName(state.state);
  return label === 'high' || label === 'low'
    ? `${period}s of ${label} ${state.variable}`
    : stateLabel(label, period);
}

/**
 * "hot days return 2.6x on meta vs 1.3x on cold days": the channel and pair of states of one
 * weather column (cold vs hot, rain vs dry, low vs high) with the largest ROAS ratio. The pairs
 * are read off the states' labels per column, so a column named temp or Rain [mm] reads as
 * temperature_c or precipitation_mm does (the names were fixed to those two before).
 *
 * Only differences that stand out of the noise: channels whose ROAS the explanation calls
 * unreliable are not compared; with the paired weather contrasts (intervals.ts weatherContrasts:
 * the ratio's interval from the same refits) only pairs whose ratio's 95% interval leaves 1 are,
 * and the reading gives that interval; with intervals per weather state only (explanations kept
 * before INTERVALS_VERSION 30), only pairs whose 80% intervals do not overlap. The largest ratio over all channels otherwise
 * headlined noise (with 20 channels almost always a channel of no weather effect whose ROAS
 * was near zero in one state).
 */
function weatherReading(d: TenantReportData, period: string): string {
  const states = d.explanation.weather_states;
  const ivs = d.intervals?.state_roas ?? {};
  const hasIntervals = Object.values(ivs).some((row) => Object.keys(row).length > 0);
  const unreliable = unreliableRoas(d);
  const contrasts = d.explanation.weather_contrasts;
  const find = (variable: string, label: string) =>
    states.find((s) => s.variable === variable && s.state === `${variable}:${label}`);
  let best: { text: string; score: number } | null = null;
  let compared = 0;
  let skipped = 0;
  for (const variable of [...new Set(states.map((s) => s.variable))]) {
    for (const [high, low] of EXTREME_STATE_PAIRS) {
      const sa = find(variable, high);
      const sb = find(variable, low);
      if (!sa || !sb) continue;
      for (const ca of sa.channels) {
        const cb = sb.channels.find((c) => c.channel === ca.channel);
        if (!cb || ca.roas === null || cb.roas === null || ca.roas <= 0 || cb.roas <= 0) continue;
        if (unreliable.has(ca.channel)) {
          skipped++;
          continue;
        }
        compared++;
        // The paired contrast when the explanation has it (the ratio's interval from the same
        // refits; intervals.ts weatherContrasts), else the states' own intervals apart.
        const contrast = contrasts?.find(
          (w) => w.channel === ca.channel && w.state === sa.state && w.reference === sb.state,
        );
        if (contrasts) {
          // Its 95% interval: the largest of several ratios whose 80% interval left 1 was too often
          // noise (app/weather-reading.ts contrastVerdict).
          if (!contrast || !(contrast.p95[0] > 1 || contrast.p95[1] < 1)) continue;
        } else if (
          hasIntervals &&
          !apart(ivs[sa.state]?.[ca.channel], ivs[sb.state]?.[ca.channel])
        ) {
          continue;
        }
        const score = Math.abs(Math.log(ca.roas / cb.roas));
        const [hi, lo, hiState, loState] =
          ca.roas >= cb.roas
            ? [{ ...ca, roas: ca.roas }, { ...cb, roas: cb.roas }, sa, sb]
            : [{ ...cb, roas: cb.roas }, { ...ca, roas: ca.roas }, sb, sa];
        const truth =
          hi.true_roas !== null && lo.true_roas !== null
            ? ` (truth ${ratio(hi.true_roas)}x vs ${ratio(lo.true_roas)}x)`
            : '';
        // The ratio as hot over cold whichever is higher: its interval turned the same way.
        const turned = (iv: [number, number]): [number, number] =>
          ca.roas! >= cb.roas! ? iv : [1 / iv[1], 1 / iv[0]];
        const band = contrast ? turned(contrast.p80) : null;
        const band95 = contrast ? turned(contrast.p95) : null;
        const text =
          `${cap(readingLabel(hiState, period))} return ${ratio(hi.roas)}x on ${ca.channel} vs ${ratio(lo.roas)}x on ${readingLabel(loState, period)}` +
          (band
            ? `, ${ratio(hi.roas / lo.roas)} times as much (80% ${ratio(band[0])} to ${ratio(band[1])}, 95% ${ratio(band95![0])} to ${ratio(band95![1])} from the same refits)`
            : '') +
          truth;
        if (!best || score > best.score) best = { text, score };
      }
    }
  }
  if (best) return `${best.text}.`;
  const unreliableWords =
    skipped > 0 ? '; channels whose ROAS is unreliable (see Read first) are not compared' : '';
  if (compared > 0)
    return contrasts
      ? `No weather state's ROAS differs clearly from another's: on every channel compared the 95% interval of the ratio, from the same refits, holds 1${unreliableWords}.`
      : `No weather state's ROAS differs clearly from another's: on every channel compared the 80% intervals overlap${unreliableWords}.`;
  if (skipped > 0)
    return "No weather comparison to read: every channel's ROAS is unreliable (see Read first).";
  return 'Weather states are too few or ROAS is not positive in them: no comparison to read.';
}

/** Two intervals that do not overlap; false when either is missing. */
function apart(a: Interval | undefined, b: Interval | undefined): boolean {
  return a !== undefined && b !== undefined && (a.lo > b.hi || b.lo > a.hi);
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Half-life of a geometric carry-over in periods: decay^h = 1/2. */
export function halfLife(decay: number): number {
  return decay > 0 && decay < 1 ? Math.log(0.5) / Math.log(decay) : 0;
}

/**
 * The channels' decays, those with the same one named together: a weekly model's channels share
 * one shape unless a lift test gave a channel its own, and eight lines of "decay 0.86, half-life
 * 4.7 weeks" read as eight measurements (probe s71).
 */
export function groupedDecays(
  params: Record<string, { decay: number } | null>,
  channels: readonly string[],
  period: string,
  weekly: boolean,
): string {
  const groups = new Map<string, string[]>();
  for (const ch of channels) {
    const p = params[ch];
    if (!p) continue;
    const key = p.decay.toFixed(2);
    groups.set(key, [...(groups.get(key) ?? []), ch]);
  }
  const parts = [...groups].map(([decay, chs]) => {
    const words = `decay ${decay}, half-life ${halfLife(Number(decay)).toFixed(1)} ${period}s`;
    return chs.length === 1 ? `${chs[0]} ${words}` : `${chs.join(', ')} share ${words}`;
  });
  const shared = [...groups.values()].some((chs) => chs.length > 1);
  return (
    parts.join('; ') +
    (shared && weekly
      ? ' (weekly models fit one shape for the channels; a used lift test gives its channel its own)'
      : '')
  );
}

/** Share of a period's spend effect felt l periods later: (1 - decay) decay^l. */
export function adstockChart(d: TenantReportData): ChartDef | null {
  const params = d.explanation.channel_params;
  const period = periodWord(d.tenant.frequency);
  if (!params) return null;
  const maxLag = d.tenant.frequency === 'weekly' ? 8 : 14;
  const rows: Row[] = [];
  const parts: string[] = [];
  for (const ch of d.explanation.channels.map((c) => c.channel)) {
    const p = params[ch];
    if (!p) continue;
    const truth = d.truth_decay?.[ch];
    for (let l = 0; l <= maxLag; l++) {
      rows.push({
        channel: ch,
        lag: l,
        estimate: sig((1 - p.decay) * p.decay ** l),
        truth: truth === undefined ? null : sig((1 - truth) * truth ** l),
        decay: p.decay,
        true_decay: truth ?? null,
      });
    }
    const hl = halfLife(p.decay);
    parts.push(
      `${ch} decay ${p.decay.toFixed(2)}, half-life ${hl.toFixed(1)} ${period}s` +
        (truth !== undefined ? ` (true ${truth.toFixed(2)}, ${halfLife(truth).toFixed(1)})` : ''),
    );
  }
  const colors = channelColors(d.tenant.channels);
  const chans = [...new Set(rows.map((r) => r.channel as string))];
  const hasTruth = rows.some((r) => r.truth !== null);
  const x = {
    field: 'lag',
    type: 'quantitative',
    title: `${period}s after the spend`,
    scale: { domain: [0, maxLag] },
    // Lags are whole periods (ticks fell at half weeks).
    axis: { tickMinStep: 1, format: 'd' },
  };
  const color = {
    field: 'channel',
    type: 'nominal',
    scale: { domain: chans, range: chans.map((c) => colors[c]) },
    title: 'channel',
  };
  // Weekly models fit one shape for every channel: three equal lines read as three measurements
  // that agree (a weekly probe), so the chart says it is one, and draws it once, in one colour (a
  // 12-channel legend over one visible line before).
  const shared = sharedMediaShape(params);
  const y = {
    field: 'estimate',
    type: 'quantitative',
    title: 'share of the effect felt that period',
    axis: { format: '.0%' },
  };
  const layers: Record<string, unknown>[] = [
    shared && chans.length > 0
      ? {
          transform: [{ filter: `datum.channel == ${JSON.stringify(chans[0])}` }],
          mark: { type: 'line', point: true, color: '#1f2328' },
          encoding: { x, y },
        }
      : { mark: { type: 'line', point: true }, encoding: { x, y, color } },
  ];
  if (hasTruth) {
    layers.push({
      transform: [{ filter: 'datum.truth != null' }],
      mark: { type: 'line', strokeDash: [4, 3] },
      encoding: { x, y: { field: 'truth', type: 'quantitative' }, color },
    });
  }
  const first = Object.values(params).find((p) => p !== null);
  const sharedPart = first
    ? `decay ${first.decay.toFixed(2)}, half-life ${halfLife(first.decay).toFixed(1)} ${period}s`
    : '';
  const title = `Carry-over (adstock) shape ${shared ? 'shared by the channels (one line)' : 'per channel'}${hasTruth ? ' (dashed: truth)' : ''}`;
  return {
    id: 'adstock',
    title,
    reading: shared
      ? `One carry-over shape shared by the channels (the model fits one for all${d.tenant.frequency === 'weekly' ? ' on weekly data' : ''}, not one per channel): ` +
        (hasTruth ? `${parts.join('; ')}.` : `${sharedPart}.`)
      : hasTruth
        ? `${parts.join('; ')}.`
        : `${groupedDecays(
            params,
            d.explanation.channels.map((c) => c.channel),
            period,
            d.tenant.frequency === 'weekly',
          )}.`,
    rows,
    spec: topLevel(title, rows, { width: 460, height: 220, layer: layers }),
  };
}

/** Relative error of every estimate that has a truth (synthetic tenants), with a ±25% band. */
export function truthChart(d: TenantReportData): ChartDef | null {
  const rows: Row[] = [];
  const add = (figure: string, item: string, est: number, truth: number | null | undefined) => {
    if (truth === null || truth === undefined || !Number.isFinite(truth) || truth === 0) return;
    rows.push({
      figure,
      item,
      estimate: sig(est),
      truth: sig(truth),
      relative_error: sig((est - truth) / Math.abs(truth)),
    });
  };
  for (const c of d.explanation.channels) {
    if (!c.truth) continue;
    add('ROAS', c.channel, c.roas, c.truth.roas);
    add('marginal ROAS', c.channel, c.marginal_roas, c.truth.marginal_roas);
    add('contribution', c.channel, c.contribution, c.truth.contribution);
  }
  const stateLabels = weatherStateLabels(d.explanation.weather_states);
  for (const [k, s] of d.explanation.weather_states.entries()) {
    for (const c of s.channels)
      if (c.roas !== null)
        add('weather ROAS', `${c.channel} ${stateLabels[k]}`, c.roas, c.true_roas);
  }
  const params = d.explanation.channel_params;
  if (params && d.truth_decay) {
    for (const [ch, p] of Object.entries(params))
      if (p) add('decay', ch, p.decay, d.truth_decay[ch]);
  }
  if (rows.length === 0) return null;
  for (const r of rows) r.label = `${r.figure}: ${r.item}`;
  const within = rows.filter((r) => Math.abs(r.relative_error as number) <= 0.25).length;
  const worst = rows.reduce((a, b) =>
    Math.abs(b.relative_error as number) > Math.abs(a.relative_error as number) ? b : a,
  );
  const clampTo = 1.5;
  const y = { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } };
  const title = 'Estimate vs ground truth: relative error of each figure (band: ±25%)';
  return {
    id: 'truth',
    title,
    reading:
      `${within} of ${rows.length} estimates are within 25% of the truth; the furthest is ${worst.label} ` +
      `(${num(worst.estimate as number)} vs ${num(worst.truth as number)}, ${signedPct(worst.relative_error as number)}).`,
    rows,
    spec: topLevel(title, rows, {
      width: 460,
      height: { step: 16 },
      layer: [
        {
          mark: { type: 'rect', color: '#e8f5e9' },
          encoding: { x: { datum: -0.25 }, x2: { datum: 0.25 } },
        },
        {
          transform: [
            {
              calculate: `clamp(datum.relative_error, ${-clampTo}, ${clampTo})`,
              as: 'shown_error',
            },
          ],
          mark: { type: 'bar', height: { band: 0.7 } },
          encoding: {
            y,
            x: {
              field: 'shown_error',
              type: 'quantitative',
              title: `(estimate - truth) / truth (clipped at ±${clampTo * 100}%)`,
              axis: { format: '+.0%' },
              scale: { domain: [-clampTo, clampTo], nice: false },
            },
            color: {
              field: 'figure',
              type: 'nominal',
              title: 'figure',
              scale: { range: ['#4c78a8', '#f58518', '#54a24b', '#b279a2', WEATHER_COLOR] },
            },
            tooltip: [
              { field: 'label' },
              { field: 'estimate' },
              { field: 'truth' },
              { field: 'relative_error', format: '+.1%' },
            ],
          },
        },
        { mark: { type: 'rule', color: '#555555' }, encoding: { x: { datum: 0 } } },
      ],
    }),
  };
}

/** Milliseconds of an ISO date at 00:00 UTC (a temporal axis value). */
function utcMs(date: string): number {
  return Date.UTC(
    Number(date.slice(0, 4)),
    Number(date.slice(5, 7)) - 1,
    Number(date.slice(8, 10)),
  );
}

/** The latest plan: spend per period and channel, with the weather outlook below. */
export function planChart(d: TenantReportData): ChartDef | null {
  const plan = d.plan;
  if (!plan || plan.spend.length === 0) return null;
  const controls = plan.controls ?? [];
  const rows: Row[] = [
    ...plan.spend.map((r) => ({
      row_type: 'spend',
      date: r.date,
      channel: r.channel,
      value: sig(r.spend),
      variable: null,
    })),
    ...plan.outlook.map((r) => ({
      row_type: 'outlook',
      date: r.date,
      channel: null,
      value: sig(r.value),
      variable: r.variable,
    })),
    ...controls.map((r) => ({
      row_type: 'control',
      date: r.date,
      channel: null,
      value: sig(r.value),
      variable: r.variable,
    })),
  ];
  const colors = channelColors(d.tenant.channels);
  const chans = [...new Set(plan.spend.map((r) => r.channel))];
  const period = periodWord(d.tenant.frequency);
  const total = plan.spend.reduce((a, r) => a + r.spend, 0);
  const byChannel = chans.map((c) => ({
    c,
    s: plan.spend.filter((r) => r.channel === c).reduce((a, r) => a + r.spend, 0),
  }));
  const byDate = new Map<string, number>();
  for (const r of plan.spend) byDate.set(r.date, (byDate.get(r.date) ?? 0) + r.spend);
  const peak = [...byDate.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
  const low = Math.min(...byDate.values());
  // Each period's bar spans the period (a week's bar the whole week, from its first day), and
  // the outlook's points sit in its middle; weeks are labelled by their first days.
  const weekly = d.tenant.frequency === 'weekly';
  const days = weekly ? 7 : 1;
  const span = [
    { calculate: `utcOffset('date', toDate(datum.date), ${days})`, as: 'period_end' },
    { calculate: `utcOffset('hours', toDate(datum.date), ${12 * days})`, as: 'period_mid' },
  ];
  const x = {
    type: 'temporal',
    scale: { type: 'utc' },
    axis: weekly
      ? { format: '%d %b', values: [...byDate.keys()].map(utcMs), labelOverlap: true }
      : { format: '%d %b', labelOverlap: true, labelSeparation: 6 },
    title: weekly ? 'week (from its first day)' : period,
  };
  const panels: Record<string, unknown>[] = [
    {
      width: CHART_WIDTH,
      height: 200,
      transform: [
        { filter: "datum.row_type == 'spend'" },
        ...span,
        { calculate: `indexof(${JSON.stringify(chans)}, datum.channel)`, as: 'order' },
        {
          stack: 'value',
          groupby: ['date'],
          sort: [{ field: 'order', order: 'ascending' }],
          offset: 'zero',
          as: ['stack_lo', 'stack_hi'],
        },
      ],
      mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 0.5 },
      encoding: {
        x: { ...x, field: 'date' },
        x2: { field: 'period_end' },
        y: {
          field: 'stack_lo',
          type: 'quantitative',
          title: `planned spend per ${period} (currency)`,
        },
        y2: { field: 'stack_hi' },
        color: {
          field: 'channel',
          type: 'nominal',
          scale: { domain: chans, range: chans.map((c) => colors[c] ?? '#888888') },
          title: 'channel',
        },
      },
    },
  ];
  // One small panel per variable below the spend, each on its own scale (temperature, rain and
  // humidity differ in units; so do a holiday flag and a price), its points at the period's
  // middle and of the line's colour (the default blue read as a channel).
  const variablePanel = (
    rowType: 'outlook' | 'control',
    color: string,
    title: string,
    height: number,
    axis: Record<string, unknown> = {},
  ): Record<string, unknown> => ({
    width: CHART_WIDTH,
    height,
    transform: [{ filter: `datum.row_type == '${rowType}'` }, ...span],
    mark: { type: 'line', point: { color }, color },
    encoding: {
      x: { ...x, field: 'period_mid' },
      y: { field: 'value', type: 'quantitative', title, ...axis },
      row: { field: 'variable', type: 'nominal', title: null },
    },
    resolve: { scale: { y: 'independent' } },
  });
  if (plan.outlook.length)
    panels.push(variablePanel('outlook', WEATHER_COLOR, 'weather outlook', 110));
  // The controls (events, promotions, prices) the plan assumed: they move its expected revenue,
  // and a holiday in the horizon read from the typical year is worth seeing beside the spend.
  // "~g": a control held at 0 was labelled "0.000000" (a one-value domain's default format).
  if (controls.length) {
    panels.push(
      variablePanel('control', CONTROLS_COLOR, 'control as assumed', 80, {
        axis: { format: '~g', tickCount: 3 },
      }),
    );
  }
  // "Plan" alone also named the modeling plan's gates on the same page: the budget plan says
  // which one it is (its id, as plans / plan://{id} list it) and what it was asked.
  const objective =
    plan.objective === undefined || plan.objective.kind === 'revenue'
      ? ''
      : `, ${plan.objective.kind === 'target_roas' ? 'target ROAS' : 'target marginal ROAS'} ${plan.objective.value}`;
  // An unchecked plan (replicates 0) is the model's optimum as is: its uplift is the claim the
  // check exists to test (a weekly probe's read +2.27M over (a) where the plan truly lost 67%).
  const unchecked = plan.checked === false;
  const beside = [
    ...(plan.outlook.length ? ['the weather outlook'] : []),
    ...(controls.length ? ['the controls it assumed'] : []),
  ];
  const title = `Latest budget plan (plan ${plan.id}${objective}${unchecked ? ', unchecked' : ''}): spend per ${period} and channel${beside.length ? `, with ${beside.join(' and ')}` : ''}`;
  // Both ends of an interval at one precision (num alone wrote "-20.0 to +260").
  const signedAt =
    (scale: number) =>
    (v: number): string =>
      `${v < 0 ? '-' : '+'}${scale >= 100 ? Math.round(Math.abs(v)).toLocaleString('en-US') : num(Math.abs(v))}`;
  const signed = (v: number): string => signedAt(Math.abs(v))(v);
  const band = (lo: number, hi: number): string => {
    const at = signedAt(Math.max(Math.abs(lo), Math.abs(hi)));
    return `${at(lo)} to ${at(hi)}`;
  };
  const uplift = plan.uplift_over_even;
  const gains =
    plan.incremental_revenue !== undefined && plan.roas !== undefined
      ? ` Incremental revenue ${num(plan.incremental_revenue)} (${plan.incremental_revenue_p80 ? `80% interval ${num(plan.incremental_revenue_p80[0])} to ${num(plan.incremental_revenue_p80[1])}; ` : ''}ROAS ${plan.roas.toFixed(2)})` +
        (uplift
          ? `, ${signed(uplift.value)} over the historical split spread evenly` +
            (uplift.p80 ? ` (80% interval ${band(uplift.p80[0], uplift.p80[1])})` : '')
          : '') +
        '.'
      : '';
  return {
    id: 'plan',
    title,
    reading:
      `The plan spends ${num(total)} over ${byDate.size} ${period}s: ${byChannel.map((b) => `${b.c} ${pct(b.s / total)}`).join(', ')}; ` +
      // A plan spending the same in every period has no peak ("the most on" its first period).
      (peak[1] - low > 1e-9 * Math.max(1, peak[1])
        ? `the most on ${peak[0]} (${num(peak[1])})`
        : `the same each ${period} (${num(peak[1])})`) +
      (plan.expected_revenue !== undefined && plan.expected_revenue !== null
        ? `; expected revenue ${num(plan.expected_revenue)} in the ${byDate.size} ${period}s` +
          (plan.expected_revenue_p80
            ? ` (80% interval ${num(plan.expected_revenue_p80[0])} to ${num(plan.expected_revenue_p80[1])})`
            : '') +
          (plan.carry_over_after !== undefined && plan.carry_over_after !== null
            ? `, ${plan.carry_over_after < 0 ? '-' : '+'} ${num(Math.abs(plan.carry_over_after))} carry-over after them.`
            : '.')
        : '.') +
      gains +
      controlsReading(controls, period) +
      (unchecked
        ? " Unchecked: made with replicates 0, it is the model's optimum without a check against refits of the model and without intervals, and its gain over the historical split can be the model's error: plan again without --replicates 0 (plan_budget without replicates: 0) before acting on it."
        : '') +
      // Beside figures calibrated by lift tests, say whether the plan was calibrated too (plans
      // made before the tests were recorded, or before plans used them, were not).
      (d.explanation.calibration?.applied === true
        ? (plan.calibrated_with ?? 0) > 0
          ? ` Planned with the model calibrated to the lift tests (${plan.calibrated_with} used).`
          : ' Planned without the lift tests (made before they were recorded, or with every test in conflict): plan again to use them.'
        : ''),
    rows,
    spec: topLevel(title, rows, { vconcat: panels, resolve: { scale: { x: 'shared' } } }),
    notes: plan.notes ?? [],
  };
}

/**
 * The controls a plan assumed, in words: each one's value where it stays the same, else its sum
 * over the horizon and its highest period ("" without controls).
 */
function controlsReading(
  controls: readonly { date: string; variable: string; value: number }[],
  period: string,
): string {
  const names = [...new Set(controls.map((r) => r.variable))];
  if (names.length === 0) return '';
  const parts = names.map((name) => {
    const own = controls.filter((r) => r.variable === name);
    const top = own.reduce((a, b) => (b.value > a.value ? b : a));
    const low = Math.min(...own.map((r) => r.value));
    if (top.value - low <= 1e-9 * Math.max(1, Math.abs(top.value))) {
      return `${name} ${num(top.value)} each ${period}`;
    }
    const sum = own.reduce((a, r) => a + r.value, 0);
    return `${name} ${num(sum)} in all, the most on ${top.date} (${num(top.value)})`;
  });
  return ` Controls as the plan assumed them: ${parts.join('; ')}.`;
}

/**
 * The latest plan's budget curve (plan --budget-curve): incremental revenue against the budget,
 * the model's with its 80% band, the truth's dashed for synthetic tenants, and the diagonal where
 * revenue equals spend (a slice steeper than it returns more than it costs).
 */
export function budgetCurveChart(d: TenantReportData): ChartDef | null {
  const curve = d.plan?.budget_curve ?? [];
  if (curve.length < 2) return null;
  const rows: Row[] = curve.map((c) => ({
    multiple: c.multiple,
    budget: sig(c.budget),
    incremental_revenue: sig(c.incremental_revenue),
    p80_lo: c.p80 ? sig(c.p80[0]) : null,
    p80_hi: c.p80 ? sig(c.p80[1]) : null,
    truth: c.truth === null ? null : sig(c.truth),
  }));
  const x = { field: 'budget', type: 'quantitative', title: 'budget over the horizon (currency)' };
  const y = { type: 'quantitative', title: 'incremental revenue (currency)' };
  const layers: Record<string, unknown>[] = [];
  if (curve.some((c) => c.p80 !== null)) {
    layers.push({
      mark: { type: 'area', opacity: 0.2, color: '#4c78a8' },
      encoding: { x, y: { ...y, field: 'p80_lo' }, y2: { field: 'p80_hi' } },
    });
  }
  layers.push({
    mark: { type: 'line', point: true, color: '#4c78a8' },
    encoding: {
      x,
      y: { ...y, field: 'incremental_revenue' },
      tooltip: [
        { field: 'multiple', title: 'x the plan' },
        { field: 'budget' },
        { field: 'incremental_revenue' },
        { field: 'p80_lo', title: '80% from' },
        { field: 'p80_hi', title: '80% to' },
        { field: 'truth' },
      ],
    },
  });
  const truth = curve.every((c) => c.truth !== null);
  if (truth) {
    layers.push({
      mark: { type: 'line', point: true, strokeDash: [4, 3], color: TRUTH_COLOR },
      encoding: { x, y: { ...y, field: 'truth' } },
    });
  }
  // The slope of each slice, as the plan computed it: what the extra budget returns per unit
  // (none across a budget the bounds could not meet, which the curve leaves out).
  const slices = curve.flatMap((c) =>
    c.return_on_increment === null ? [] : [{ to: c.multiple, r: c.return_on_increment }],
  );
  const below = slices.find((s) => s.r < 1);
  // Every slice below 1: no budget of the curve pays for itself, which "the slice up to 0.75x
  // returns less" did not say (a probe's slices read -0.13 to 0.43).
  const none = slices.length > 1 && slices.every((s) => s.r < 1);
  // A line at the band's lower edge read as upside (a probe's curve); the band is the refits' spread.
  const bandNote = curve.some((c) => c.p80 !== null)
    ? ' The band is the 80% interval over the model’s refits, its lower end widened for the optimizer’s optimism: read the line, not the band’s top, as what to expect.'
    : '';
  const title = `Budget curve of plan ${d.plan!.id}: incremental revenue at ${curve[0].multiple}x to ${curve[curve.length - 1].multiple}x its budget${truth ? ' (dashed: the same plans under the truth)' : ''}`;
  return {
    id: 'budget-curve',
    title,
    reading:
      (slices.length === 0
        ? 'No two neighbouring budgets of the curve could both be planned, so no slice of budget is read.'
        : `Each extra 1 of budget returns ${slices.map((s) => `${s.r.toFixed(2)} up to ${s.to}x`).join(', ')}` +
          (none
            ? ': no slice returns as much revenue as it costs.'
            : below
              ? `: the slice up to ${below.to}x returns less revenue than it costs.`
              : ': every slice read returns more revenue than it costs.')) +
      bandNote +
      (truth
        ? ` Under the truth the same plans make ${curve.map((c) => `${num(c.truth!)} at ${c.multiple}x`).join(', ')}.`
        : ''),
    rows,
    spec: topLevel(title, rows, { width: 460, height: 240, layer: layers }),
  };
}
