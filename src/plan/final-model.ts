/** The phases' fitted all-rows model behind the planner's RevenueModel interface. */
import { predictFinal, type FinalModel } from '../phases/final.js';
import type { RevenueModel } from './model.js';
import { PlanInputError } from './optimize.js';

export function revenueModelOf(model: FinalModel): RevenueModel {
  if (model.phase !== 3 || !model.channelParams) {
    throw new PlanInputError(
      `the planner needs a phase 3 model (adstock and saturation per channel); this is a phase ${model.phase} model`,
    );
  }
  const params = model.channelParams;
  return {
    channels: [...model.channels],
    weather: [...model.weather],
    controls: [...model.controls],
    media: model.channels.map((c) => ({ decay: params[c].decay, k: params[c].k, s: params[c].s })),
    predict: (series) => predictFinal(model, series),
    describe: {
      phase: model.phase,
      kind: model.kind,
      rows: model.rows,
      reason: model.reason,
      channel_params: params,
    },
  };
}
