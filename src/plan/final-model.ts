/** The phases' fitted all-rows model behind the planner's RevenueModel interface. */
import { geometricAdstock } from '../core/transforms.js';
import type { TenantSeries } from '../core/types.js';
import { predictFinal, type FinalModel } from '../phases/final.js';
import { DesignMemo } from '../phases/media.js';
import type { RevenueModel } from './model.js';
import { PlanInputError } from './optimize.js';
import type { ReplicateRole } from './replicates.js';

/**
 * The model's predictions for rows that follow a history, computed on those rows alone (the
 * planner's probes, model.ts responseOf): every column of the phase-3 design is a function of its
 * row, except the adstock, which carries the history's (geometric: a_t = x_t + decay a_(t-1), so
 * the first future row's spend plus decay x the history's last adstock gives that row's adstock
 * exactly, with the same operations), and the calendar trend t / rows, whose row index starts at
 * the history's length (so the trend column's mean in the Ridge moves by n / rows instead: the
 * same prediction, rounded differently in the last bits). Only for a Ridge (no GBM share) without
 * delayed carry-over; otherwise null and the planner predicts history and future together.
 */
function futurePredictor(model: FinalModel): RevenueModel['predictAfter'] {
  const params = model.channelParams;
  if (model.phase !== 3 || !params) return undefined;
  if (model.channels.some((c) => (params[c].lag ?? 0) > 0)) return undefined;
  if (model.chosen && model.chosen.ridgeWeight !== 1) return undefined;
  const trend = model.featureNames.indexOf('trend');
  // The history's last adstock per channel, by the history's spend arrays.
  let last: { spend: readonly ArrayLike<number>[]; state: number[] } | null = null;
  let shifted: { n: number; model: FinalModel } | null = null;
  // Adjusted spend columns by the caller's (so that unchanged channels keep one array: the memo).
  let adjusted = new WeakMap<ArrayLike<number>, Float64Array>();
  let shared: { dates: readonly string[]; memo: DesignMemo } | null = null;
  return (history, future) => {
    const n = history.dates.length;
    if (last?.spend !== history.spend) {
      last = {
        spend: history.spend,
        state: model.channels.map((c, i) =>
          n > 0 ? geometricAdstock(history.spend[i], params[c].decay)[n - 1] : 0,
        ),
      };
      adjusted = new WeakMap();
    }
    if (shifted?.n !== n) {
      const shift = (r: FinalModel['ridge']): FinalModel['ridge'] => {
        if (trend < 0) return r;
        const means = Float64Array.from(r.means);
        means[trend] -= n / model.rows;
        return { ...r, means };
      };
      const ridge = shift(model.ridge);
      const chosen = model.chosen
        ? {
            ...model.chosen,
            ridge: model.chosen.ridge === model.ridge ? ridge : shift(model.chosen.ridge),
          }
        : null;
      shifted = { n, model: { ...model, ridge, chosen } };
    }
    const state = last.state;
    const spend = future.spend.map((x, i) => {
      let col = adjusted.get(x);
      if (!col) {
        col = Float64Array.from(x);
        if (col.length > 0) col[0] = x[0] + params[model.channels[i]].decay * state[i];
        adjusted.set(x, col);
      }
      return col;
    });
    if (shared?.dates !== future.dates) shared = { dates: future.dates, memo: new DesignMemo() };
    return predictFinal(shifted.model, { ...future, spend }, shared.memo);
  };
}

export function revenueModelOf(model: FinalModel): RevenueModel {
  if (model.phase !== 3 || !model.channelParams) {
    throw new PlanInputError(
      `the planner needs a phase 3 model (adstock and saturation per channel); this is a phase ${model.phase} model`,
    );
  }
  const params = model.channelParams;
  // Predictions of one probe set (responseOf: one extended series, channels changed one at a
  // time) share the unchanged channels' columns and the calendar (media.ts DesignMemo, the same
  // values); a new dates array starts a new memo, so it never outlives one probe set.
  let shared: { dates: readonly string[]; memo: DesignMemo } | null = null;
  const predictAfter = futurePredictor(model);
  return {
    channels: [...model.channels],
    weather: [...model.weather],
    controls: [...model.controls],
    media: model.channels.map((c) => ({ decay: params[c].decay, k: params[c].k, s: params[c].s })),
    predict: (series: TenantSeries) => {
      if (shared?.dates !== series.dates) shared = { dates: series.dates, memo: new DesignMemo() };
      return predictFinal(model, series, shared.memo);
    },
    ...(predictAfter ? { predictAfter } : {}),
    describe: {
      phase: model.phase,
      kind: model.kind,
      rows: model.rows,
      reason: model.reason,
      channel_params: params,
    },
  };
}

/**
 * The refits the planner can plan with and their roles ('bootstrap' where none is given): a refit
 * that revenueModelOf refuses (not of the planner's form) is left out with its role.
 */
export function plannableRefits(
  models: readonly FinalModel[],
  roles: readonly (ReplicateRole | undefined)[],
): { replicates: RevenueModel[]; replicateRoles: ReplicateRole[] } {
  const replicates: RevenueModel[] = [];
  const replicateRoles: ReplicateRole[] = [];
  models.forEach((m, i) => {
    try {
      replicates.push(revenueModelOf(m));
      replicateRoles.push(roles[i] ?? 'bootstrap');
    } catch {
      // not of the planner's form
    }
  });
  return { replicates, replicateRoles };
}
