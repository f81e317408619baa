/**
 * The phase-3 design: per channel Hill(adstock(spend_c; decay_c); k_c, s_c), weather, the
 * transformed spend x weather, weather squared, controls and calendar, in the column order of
 * features.ts buildDesign (media, weather, media x weather channel-major, squared, controls,
 * calendar). Adstock is the unnormalized geometric a_t = x_t + decay a_(t-1) of the data
 * generator; normalizing would not change the model, because k is relative to the channel's own
 * adstocked spend (Hill(a / c; k / c, s) = Hill(a; k, s)).
 */
import { buildDesign, calendarColumns, type Design } from '../core/features.js';
import { medianPositive } from '../core/stats.js';
import { geometricAdstock, hillSaturation, peakedAdstock } from '../core/transforms.js';
import type { TenantSeries } from '../core/types.js';
import type { ChannelParams } from './types.js';

/** Options of the phase-3 design shared by search, fold models and final models. */
export interface MediaDesignSpec {
  /** Weather columns to model (default: every weather column except wind, modelWeatherNames). */
  weather?: readonly string[];
  /** Calendar controls (default true). */
  calendar?: boolean;
  /** Include the series' control columns (default true). */
  controls?: boolean;
  /** Temperature hinge columns (DesignSpec.temperatureHinges; default false). */
  temperatureHinges?: boolean;
  /** The trend as a growth curve (DesignSpec.growthLogRate; default the straight trend). */
  growthLogRate?: number | null;
}

/** Name of a channel's transformed spend column. */
export function mediaColumnName(channel: string): string {
  return `${channel}_adstock_hill`;
}

/**
 * Median of the positive values among rows [0, end) of an adstocked series (core/stats); NaN
 * when none is positive. k = k_mult x this median, so k is in the channel's own spend units.
 */
export { medianPositive };

/**
 * Hill k of a channel from its relative k_mult: k_mult x median positive adstocked spend over
 * rows [0, trainEnd). A channel with no positive spend there gets k = k_mult (its column is all
 * zeros in training anyway, as the peer's fallback median of 1).
 */
export function hillKFor(adstocked: ArrayLike<number>, trainEnd: number, kMult: number): number {
  const med = medianPositive(adstocked, trainEnd);
  return kMult * (Number.isFinite(med) && med > 0 ? med : 1);
}

/** Checks one channel's parameters: decay in [0, 1), k > 0, s > 0, k_mult > 0. */
export function checkChannelParams(channel: string, p: ChannelParams): void {
  if (!(p.decay >= 0 && p.decay < 1)) {
    throw new RangeError(`${channel}: decay must be in [0, 1) (got ${p.decay})`);
  }
  if (!(p.k > 0 && Number.isFinite(p.k))) {
    throw new RangeError(`${channel}: Hill k must be a finite number > 0 (got ${p.k})`);
  }
  if (!(p.k_mult > 0 && Number.isFinite(p.k_mult))) {
    throw new RangeError(`${channel}: k_mult must be a finite number > 0 (got ${p.k_mult})`);
  }
  if (!(p.s > 0 && Number.isFinite(p.s))) {
    throw new RangeError(`${channel}: Hill shape s must be a finite number > 0 (got ${p.s})`);
  }
  if (p.lag !== undefined && !(p.lag >= 0 && Number.isFinite(p.lag))) {
    throw new RangeError(`${channel}: lag must be a finite number >= 0 (got ${p.lag})`);
  }
}

/**
 * A channel's adstock: lag > 0, the delayed (peaked) adstock with its peak `lag` periods after the
 * spend (core/transforms.ts peakedAdstock); lag 0 or absent, the geometric adstock.
 */
export function peakedOrGeometric(
  spend: ArrayLike<number>,
  decay: number,
  lag: number | undefined,
): Float64Array {
  return lag ? peakedAdstock(spend, decay, lag) : geometricAdstock(spend, decay);
}

/** Hill(adstock(spend; decay, lag); k, s) of one channel, per row (peakedOrGeometric). */
export function mediaTransform(
  spend: ArrayLike<number>,
  p: Pick<ChannelParams, 'decay' | 'k' | 's' | 'lag'>,
): Float64Array {
  const a = peakedOrGeometric(spend, p.decay, p.lag);
  return hillSaturation(a, p.k, p.s, a);
}

/**
 * Builds the phase-3 design from the series and every channel's parameters (k in spend units,
 * already fixed on the training rows). Rows are the series' rows; each column is causal in
 * spend, so predictions for a row never depend on later spend.
 */
export function buildMediaDesign(
  series: TenantSeries,
  params: Readonly<Record<string, ChannelParams>>,
  spec: MediaDesignSpec = {},
  memo?: DesignMemo,
): Design {
  const media = series.channels.map((c, i) => {
    const p = params[c];
    if (!p) throw new RangeError(`no adstock/Hill parameters for channel ${c}`);
    checkChannelParams(c, p);
    return memo
      ? memo.media(i, series.spend[i], () => mediaTransform(series.spend[i], p))
      : mediaTransform(series.spend[i], p);
  });
  // The phase 1 design with the transformed spend in place of the raw spend: same column order
  // (media, weather, media x weather, weather², controls, calendar).
  return buildDesign(series, {
    interactions: true,
    weather: spec.weather,
    calendar: spec.calendar,
    controls: spec.controls,
    temperatureHinges: spec.temperatureHinges,
    growthLogRate: spec.growthLogRate,
    media: { names: series.channels.map(mediaColumnName), columns: media },
    calendarColumns: memo && (spec.calendar ?? true) ? memo.calendar(series) : undefined,
    productColumn: memo ? (a, b, make) => memo.product(a, b, make) : undefined,
  });
}

/**
 * Columns that repeated designs of ONE model's parameters can share when the series differ only
 * in some channels' spend (explain predicts about 13 counterfactuals per channel, each changing
 * one channel): a channel's media column by the identity of its spend array, its products with
 * the weather columns (and the weather squared) by the identities of the two columns, and the
 * calendar columns by the identity of the dates. The shared columns hold the values a rebuild would give
 * (same code on the same inputs), so predictions are bit-identical; a memo must not outlive its
 * model's parameters, and nothing may write into a shared column except rescaleTrend, which
 * writes the same t / rows for the same model.
 */
export class DesignMemo {
  private readonly columns = new Map<number, Map<ArrayLike<number>, Float64Array>>();
  private calendarOf: { dates: readonly string[]; design: Design } | null = null;
  private readonly products = new Map<ArrayLike<number>, Map<ArrayLike<number>, Float64Array>>();

  /** Channel `index`'s media column for this spend array (made by `make` once). */
  media(index: number, spend: ArrayLike<number>, make: () => Float64Array): Float64Array {
    let byChannel = this.columns.get(index);
    if (!byChannel) this.columns.set(index, (byChannel = new Map()));
    let col = byChannel.get(spend);
    if (!col) byChannel.set(spend, (col = make()));
    return col;
  }

  /**
   * The product column a * b (a media column by a weather column, or a weather column squared),
   * made by `make` once per pair of arrays: a channel's media column is kept by its spend array
   * (media()), so its products with the weather are too.
   */
  product(a: ArrayLike<number>, b: ArrayLike<number>, make: () => Float64Array): Float64Array {
    let byB = this.products.get(a);
    if (!byB) this.products.set(a, (byB = new Map()));
    let col = byB.get(b);
    if (!col) byB.set(b, (col = make()));
    return col;
  }

  /** The calendar columns of the series' dates (day-of-week dummies for daily data). */
  calendar(series: TenantSeries): Design {
    if (this.calendarOf?.dates !== series.dates) {
      const design = calendarColumns(series.dates, series.frequency === 'daily');
      this.calendarOf = { dates: series.dates, design };
    }
    return this.calendarOf.design;
  }
}

/**
 * Replaces a design's `trend` column (t / n of its own rows) by t / trendRows, in place. A stored
 * final model keeps its training row count so that predicting on a longer series continues the
 * trend instead of rescaling it (final.ts predictFinal).
 */
export function rescaleTrend(design: Design, trendRows: number): void {
  if (!(Number.isInteger(trendRows) && trendRows >= 1)) {
    throw new RangeError(`trendRows must be an integer >= 1 (got ${trendRows})`);
  }
  const j = design.names.indexOf('trend');
  if (j < 0) return;
  const col = design.columns[j];
  for (let t = 0; t < col.length; t++) col[t] = t / trendRows;
}
