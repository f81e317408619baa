/** The phases' fitted all-rows model behind the planner's RevenueModel interface. */
import { predictFinal, type FinalModel } from '../phases/final.js';
import { DesignMemo } from '../phases/media.js';
import type { RevenueModel } from './model.js';
import { PlanInputError } from './optimize.js';

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
  return {
    channels: [...model.channels],
    weather: [...model.weather],
    controls: [...model.controls],
    media: model.channels.map((c) => ({ decay: params[c].decay, k: params[c].k, s: params[c].s })),
    predict: (series) => {
      if (shared?.dates !== series.dates) shared = { dates: series.dates, memo: new DesignMemo() };
      return predictFinal(model, series, shared.memo);
    },
    describe: {
      phase: model.phase,
      kind: model.kind,
      rows: model.rows,
      reason: model.reason,
      channel_params: params,
    },
  };
}
