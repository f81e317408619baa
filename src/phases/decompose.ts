/**
 * The all-rows model's prediction split over time into parts that add up to it:
 *   channel_c,t = pred_t - pred(spend_c := 0)_t        (carry-over included)
 *   weather_t   = pred_t - pred(every weather column := its mean over the rows)_t
 *   control_k,t = pred_t - pred(control k := its reference)_t
 *   baseline_t  = pred_t - weather_t - sum_k control_k,t - sum_c channel_c,t
 * A control's reference is 0 when it is 0 on at least half of the rows (events, promotions,
 * discount depths: what the event added), else its mean (prices, competitor sales: what its
 * departure from the average added, as for weather). The baseline is the remainder (trend,
 * season, calendar, and whatever interactions the counterfactuals above do not assign), so the
 * parts add up to the prediction exactly. Robyn and PyMC-Marketing split the controls out too
 * (against 0 for every control: a price index's "contribution" from 0 is most of the revenue).
 * For synthetic tenants each channel's true contribution per row comes with it.
 */
import { formatSignificant } from '../core/csv/numbers.js';
import { csvCell } from '../core/csv/serialize.js';
import type { SyntheticTenant, TenantSeries } from '../core/types.js';
import { predictFinal, type FinalModel } from './final.js';

export interface DecompositionOverTime {
  dates: string[];
  predicted: number[];
  baseline: number[];
  /** Null when the series has no weather columns. */
  weather: number[] | null;
  /** One per control the series has (none: empty), in the series' order. */
  controls: { control: string; reference: number; contribution: number[] }[];
  channels: { channel: string; contribution: number[]; truth: number[] | null }[];
}

function minus(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let t = 0; t < a.length; t++) out[t] = a[t] - b[t];
  return out;
}

/** A control's reference in the decomposition: 0 when it is 0 on at least half the rows, else its mean. */
export function controlReference(x: ArrayLike<number>): number {
  let zeros = 0;
  let sum = 0;
  for (let t = 0; t < x.length; t++) {
    if (x[t] === 0) zeros++;
    sum += x[t];
  }
  return x.length === 0 || 2 * zeros >= x.length ? 0 : sum / x.length;
}

export function decomposeOverTime(
  series: TenantSeries,
  model: FinalModel,
  synthetic: SyntheticTenant | null,
): DecompositionOverTime {
  const n = series.target.length;
  const predicted = predictFinal(model, series);
  const truthOk =
    synthetic !== null &&
    synthetic.truth.expected.length === n &&
    synthetic.series.channels.length === series.channels.length &&
    synthetic.series.channels.every((c, i) => c === series.channels[i]);
  const channels = series.channels.map((channel, c) => {
    const zeroed = {
      ...series,
      spend: series.spend.map((x, j) => (j === c ? new Float64Array(n) : x)),
    };
    return {
      channel,
      contribution: minus(predicted, predictFinal(model, zeroed)),
      truth: truthOk ? Array.from(synthetic.truth.contributions[c]) : null,
    };
  });
  let weather: Float64Array | null = null;
  if (series.weatherNames.length > 0) {
    const average = series.weather.map((w) => {
      let s = 0;
      for (let t = 0; t < n; t++) s += w[t];
      return new Float64Array(n).fill(n > 0 ? s / n : 0);
    });
    weather = minus(predicted, predictFinal(model, { ...series, weather: average }));
  }
  const controls = series.controlNames.map((control, k) => {
    const reference = controlReference(series.controls[k]);
    const moved = {
      ...series,
      controls: series.controls.map((x, j) => (j === k ? new Float64Array(n).fill(reference) : x)),
    };
    return { control, reference, contribution: minus(predicted, predictFinal(model, moved)) };
  });
  const baseline = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let rest = predicted[t] - (weather ? weather[t] : 0);
    for (const k of controls) rest -= k.contribution[t];
    for (const ch of channels) rest -= ch.contribution[t];
    baseline[t] = rest;
  }
  return {
    dates: series.dates,
    predicted: Array.from(predicted),
    baseline: Array.from(baseline),
    weather: weather ? Array.from(weather) : null,
    controls: controls.map((k) => ({
      control: k.control,
      reference: k.reference,
      contribution: Array.from(k.contribution),
    })),
    channels: channels.map((c) => ({
      channel: c.channel,
      contribution: Array.from(c.contribution),
      truth: c.truth,
    })),
  };
}

/** Significant digits of the decomposition CSV's figures: cents of revenues up to 10^6 a row. */
export const DECOMPOSITION_DIGITS = 8;

const figure = (x: number): string => formatSignificant(x, DECOMPOSITION_DIGITS);

/** Whether every channel comes with its true contribution on every row (synthetic tenants). */
const hasTruth = (d: DecompositionOverTime): boolean =>
  d.channels.every((c) => c.truth !== null && c.truth.length === d.dates.length);

/** The decomposition CSV's header: what decompositionToCsv writes, and callers list. */
export function decompositionColumns(d: DecompositionOverTime): string[] {
  const truth = hasTruth(d);
  return [
    'date',
    'actual',
    'predicted',
    'baseline',
    ...(d.weather ? ['weather'] : []),
    ...d.controls.map((k) => `control_${k.control}`),
    ...d.channels.map((c) => c.channel),
    ...(truth ? d.channels.map((c) => `true_${c.channel}`) : []),
  ];
}

/**
 * The decomposition per date as CSV, one row per period: `date,actual,predicted,baseline,
 * weather,control_<control>...,<channel>...` (no `weather` column when the series has none, no
 * `control_` column without controls), then `true_<channel>` for synthetic tenants (the
 * generator's contribution). predicted = baseline + weather + the controls' and the channels'
 * sums, up to the rounding to DECOMPOSITION_DIGITS significant digits. LF line ends.
 */
export function decompositionToCsv(d: DecompositionOverTime, actual: ArrayLike<number>): string {
  const n = d.dates.length;
  if (actual.length !== n) {
    throw new RangeError(`decompositionToCsv: ${actual.length} actual values for ${n} dates`);
  }
  const header = decompositionColumns(d);
  const truth = hasTruth(d);
  const lines = [header.map(csvCell).join(',')];
  for (let t = 0; t < n; t++) {
    const row = [
      d.dates[t],
      figure(actual[t]),
      figure(d.predicted[t]),
      figure(d.baseline[t]),
      ...(d.weather ? [figure(d.weather[t])] : []),
      ...d.controls.map((k) => figure(k.contribution[t])),
      ...d.channels.map((c) => figure(c.contribution[t])),
      ...(truth ? d.channels.map((c) => figure(c.truth![t])) : []),
    ];
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}
