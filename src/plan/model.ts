/**
 * The fitted model as the planner sees it: a small interface (predict revenue for every row of a
 * series whose spend, weather and calendar rows are given; plus the adstock/Hill parameters of
 * each channel), so changes inside the phases do not reach the planner. From it, responseOf
 * builds the SeparableResponse of the future periods by probing: with the Hill values h of two
 * spend paths known from the parameters, gain_c,t = (pred_1 - pred_0) / (h_1 - h_0) and
 * base_t = pred_0 - sum_c gain_c,t h_0. A Ridge model on the phase-3 design has exactly this form
 * (media columns and their weather interactions are linear in h); the probe is then checked on a
 * third spend path, and a model that is not of this form is refused rather than planned wrongly.
 */
import { geometricAdstock, hill } from '../core/transforms.js';
import type { TenantSeries } from '../core/types.js';
import { PlanInputError } from './optimize.js';
import type { Outlook } from './outlook.js';
import { typicalControl } from './typical-controls.js';
import { evaluateResponse, type SeparableResponse } from './response.js';

export interface MediaTransform {
  decay: number;
  k: number;
  s: number;
}

export interface RevenueModel {
  /** Channels in the series' order. */
  channels: string[];
  /** Weather columns the model reads. */
  weather: string[];
  /**
   * Control columns the model reads (future rows: a forecast's planned values, else the typical
   * year of typical-controls.ts: a recurring holiday on its dates, the rest at the mean).
   */
  controls: string[];
  /** Per channel adstock/Hill transform (phase 3). */
  media: MediaTransform[];
  /**
   * Expected revenue for every row of the series (rows after the data continue the calendar).
   * Calls with the same dates array may share work between them (a channel's transformed spend
   * by the identity of its spend array): the arrays of a series passed in are not changed after.
   */
  predict(series: TenantSeries): Float64Array;
  /**
   * Optional, the same values for the rows after a history, cheaper: predictions for the rows of
   * `future` (dates, spend, weather and controls of the periods right after `history`, whose
   * adstock they carry on), as predict on history + future would give them for those rows (up to
   * rounding in the last bits). responseOf uses it when given. Calls with the same arrays may
   * share work as predict's do.
   */
  predictAfter?(history: TenantSeries, future: TenantSeries): Float64Array;
  /** What the model is, for the stored plan (phase, kind, ...). */
  describe: Record<string, unknown>;
}

/** Relative error allowed between the probed response and the model's own prediction. */
export const PROBE_TOLERANCE = 1e-6;
/** Hill-unit difference below which a channel's probe has decayed away (responseOf). */
const DECAYED_HILL = 1e-12;

/**
 * The tenant's series followed by `outlook.dates.length` future rows: zero spend (the probes set
 * it), the outlook's weather for the model's columns, controls at the forecast's planned values
 * where it gives them (Outlook.controls) and at their historical mean elsewhere.
 */
export function extendSeries(
  series: TenantSeries,
  model: RevenueModel,
  outlook: Outlook,
): TenantSeries {
  const n = series.dates.length;
  const m = outlook.dates.length;
  const weather = model.weather.map((w) => {
    const hj = series.weatherNames.indexOf(w);
    const oj = outlook.weatherNames.indexOf(w);
    if (hj < 0 || oj < 0) {
      throw new PlanInputError(
        `the model uses weather column ${w}, which the ${hj < 0 ? 'data' : 'outlook'} lacks`,
      );
    }
    const col = new Float64Array(n + m);
    col.set(series.weather[hj]);
    col.set(outlook.weather[oj].subarray(0, m), n);
    return col;
  });
  const controls = model.controls.map((name) => {
    const j = series.controlNames.indexOf(name);
    if (j < 0) throw new PlanInputError(`the model uses control ${name}, which the data lacks`);
    const col = new Float64Array(n + m);
    col.set(series.controls[j]);
    // The typical year: a holiday where it fell in past years, the rest at the mean.
    col.set(typicalControl(series, name, outlook.dates.slice(0, m)).values, n);
    // A forecast's planned values (a promotion's days) where it has them.
    const k = outlook.controlNames?.indexOf(name) ?? -1;
    if (k >= 0) col.set(outlook.controls![k].subarray(0, m), n);
    return col;
  });
  const target = new Float64Array(n + m);
  target.set(series.target);
  return {
    ...series,
    dates: [...series.dates, ...outlook.dates],
    spend: series.spend.map((x) => {
      const col = new Float64Array(n + m);
      col.set(x);
      return col;
    }),
    weatherNames: [...model.weather],
    weather,
    controlNames: [...model.controls],
    controls,
    target,
  };
}

/** Rows [from, end) of an extended series (its future rows). */
function futureRows(ext: TenantSeries, from: number): TenantSeries {
  return {
    ...ext,
    dates: ext.dates.slice(from),
    spend: ext.spend.map((x) => x.slice(from)),
    weather: ext.weather.map((x) => x.slice(from)),
    controls: ext.controls.map((x) => x.slice(from)),
    target: ext.target.slice(from),
  };
}

/** Adstock of each channel at the last observed period. */
export function adstockState(series: TenantSeries, media: readonly MediaTransform[]): number[] {
  const n = series.dates.length;
  return media.map((p, c) => (n > 0 ? geometricAdstock(series.spend[c], p.decay)[n - 1] : 0));
}

/** Hill values over the future rows for a horizon spend path, continuing from `start`. */
function hillPath(
  p: MediaTransform,
  start: number,
  spend: ArrayLike<number>,
  rows: number,
): Float64Array {
  const out = new Float64Array(rows);
  let a = start;
  for (let t = 0; t < rows; t++) {
    a = (t < spend.length ? spend[t] : 0) + p.decay * a;
    out[t] = hill(a, p.k, p.s);
  }
  return out;
}

/**
 * The model's response over `horizon` planned periods and `tail` carry-over periods after them
 * (outlook rows: horizon + tail), starting from the adstock left by the observed spend.
 */
export function responseOf(
  model: RevenueModel,
  series: TenantSeries,
  outlook: Outlook,
  horizon: number,
  tail: number,
): SeparableResponse {
  const rows = horizon + tail;
  if (outlook.dates.length < rows) throw new RangeError(`outlook must have ${rows} rows`);
  const extended = extendSeries(series, model, { ...outlook, dates: outlook.dates.slice(0, rows) });
  // With predictAfter the probes predict the future rows alone (the history's adstock carried
  // into them); otherwise history and future together, of which the future rows are read.
  const after = model.predictAfter?.bind(model);
  const n = after ? 0 : series.dates.length;
  const ext = after ? futureRows(extended, series.dates.length) : extended;
  const predict = (s: TenantSeries): Float64Array => (after ? after(series, s) : model.predict(s));
  const start = adstockState(series, model.media);
  const C = model.channels.length;
  // A channel's spend column for a horizon path is made once and shared by the probes that
  // leave that channel at the same path (the same array), so that a model can tell unchanged
  // channels by identity (RevenueModel.predict).
  const columnsOf = model.channels.map(() => new Map<ArrayLike<number>, Float64Array>());
  const withSpend = (plan: readonly ArrayLike<number>[]): TenantSeries => ({
    ...ext,
    spend: ext.spend.map((x, c) => {
      let col = columnsOf[c].get(plan[c]);
      if (!col) {
        col = Float64Array.from(x);
        for (let t = 0; t < horizon; t++) col[n + t] = plan[c][t];
        columnsOf[c].set(plan[c], col);
      }
      return col;
    }),
  });
  const future = (pred: Float64Array): Float64Array => pred.slice(n, n + rows);
  const zero = model.channels.map(() => new Float64Array(horizon));
  const h0 = model.media.map((p, c) => hillPath(p, start[c], zero[c], rows));
  const pred0 = future(predict(withSpend(zero)));
  const gain: Float64Array[] = [];
  for (let c = 0; c < C; c++) {
    // A probe well up the Hill curve (3 k every period) keeps h_1 - h_0 large through the tail.
    const probe = zero.map((z, j) =>
      j === c ? new Float64Array(horizon).fill(3 * model.media[c].k) : z,
    );
    const h1 = hillPath(model.media[c], start[c], probe[c], rows);
    const pred1 = future(predict(withSpend(probe)));
    const g = new Float64Array(rows);
    let last = 0;
    for (let t = 0; t < rows; t++) {
      const dh = h1[t] - h0[c][t];
      // Far in the tail both paths have decayed to ~0: the gain no longer matters there, keep the
      // last one. The cut is on Hill units (0..1) and must be tiny: a stale gain times a Hill
      // value just under it is an error of coefficient x cut, and coefficients per Hill unit
      // reach 1e7 (a 1e-6 cut failed the check below on a weekly 8-channel tenant with a 44-week
      // tail, by 1.5e-6 of revenue). Rounding does not grow as dh shrinks: the gain's rounding
      // error scales as 1/dh while the Hill values it multiplies scale as dh.
      g[t] = Math.abs(dh) > DECAYED_HILL ? (pred1[t] - pred0[t]) / dh : last;
      last = g[t];
    }
    gain.push(g);
  }
  const base = Float64Array.from(pred0, (v, t) => {
    let s = v;
    for (let c = 0; c < C; c++) s -= gain[c][t] * h0[c][t];
    return s;
  });
  const response: SeparableResponse = {
    channels: [...model.channels],
    horizon,
    tail,
    base,
    gain,
    decay: model.media.map((p) => p.decay),
    k: model.media.map((p) => p.k),
    s: model.media.map((p) => p.s),
    start,
  };
  // Check on a spend path the probes did not use (uneven over time and channels).
  const check = model.channels.map((_, c) =>
    Float64Array.from(
      { length: horizon },
      (_, t) => model.media[c].k * (0.3 + ((t * 7 + c * 3) % 11) / 8),
    ),
  );
  const predicted = future(predict(withSpend(check)));
  const probed = evaluateResponse(response, check).revenue;
  let worst = 0;
  for (let t = 0; t < rows; t++) {
    worst = Math.max(
      worst,
      Math.abs(predicted[t] - probed[t]) / Math.max(1, Math.abs(predicted[t])),
    );
  }
  if (worst > PROBE_TOLERANCE) {
    throw new PlanInputError(
      `the planner needs a model whose revenue is a baseline plus one adstock/Hill response per channel (the phase-3 Ridge model); this model differs from that form by ${(worst * 100).toPrecision(2)}% of revenue (${String(model.describe.kind ?? 'unknown kind')}), so it cannot be planned reliably`,
    );
  }
  // An outlook whose past years are kept apart (Outlook.members): the revenue to expect is the
  // mean of the model's revenue under each year's weather, not its revenue under their mean day
  // (which rains lightly on most days). The media gain is linear in the weather (the Ridge's
  // media x weather products), so the mean weather's gain is the members' mean gain exactly;
  // the baseline is not (squared weather, temperature hinges), so it is read under each member
  // with zero spend and averaged.
  const members = outlook.members;
  if (members && members.length > 1) {
    for (const member of members) {
      const m = extendSeries(series, model, {
        ...outlook,
        dates: outlook.dates.slice(0, rows),
        weather: member.map((w) => w.subarray(0, rows)),
      });
      const pm = future(predict(after ? futureRows(m, series.dates.length) : m));
      for (let t = 0; t < rows; t++) base[t] += (pm[t] - pred0[t]) / members.length;
    }
  }
  return response;
}
