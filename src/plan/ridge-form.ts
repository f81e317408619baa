/**
 * The Ridge form of a phase-3 blend or GBM, which the planner plans with (its response must be a
 * baseline plus one adstock/Hill curve per channel). Used by the app (plan-task.ts) and the
 * planner benchmark alike.
 */
import { fitFinalModel, type FinalModel } from '../phases/final.js';
import type { TenantSeries } from '../core/types.js';

/** Why a plan's models are Ridge fits when the phase-3 model is a blend or GBM (ridgeFormOf). */
export const RIDGE_FORM_REASON =
  "Ridge form: the planner needs a baseline plus one adstock/Hill response per channel, so it fits the phase-3 model's Ridge with the same curves (its blend or GBM is not of that form)";

/**
 * The Ridge form of a phase-3 blend or GBM: the same adstock/Hill curves, the Ridge fitted on all
 * rows without the Ridge / GBM / blend choice (the inner split had found the Ridge below the pass
 * bar). The plan then carries the ridge_form caveat (app/plan.ts). Before, such a tenant was
 * refused; on generated shapes that was about one tenant in five, some whose fold models (Ridge
 * on each fold's rows) passed at 0.72.
 */
export function ridgeFormOf(series: TenantSeries, model: FinalModel): FinalModel {
  if (!model.channelParams)
    throw new RangeError('the Ridge form needs a phase-3 model with curves');
  return fitFinalModel(series, 3, {
    calendar: model.calendar,
    channelParams: model.channelParams,
    keepRidge: RIDGE_FORM_REASON,
  });
}

/**
 * The keepRidge reason the plan model and its refits are fitted with: RIDGE_FORM_REASON when the
 * phase-3 model is a blend or GBM (planned with its Ridge form), else undefined.
 */
export function planKeepRidge(phase3: FinalModel): string | undefined {
  return phase3.kind === 'ridge' ? undefined : RIDGE_FORM_REASON;
}

/** The model a plan starts from: a Ridge phase-3 model as it is, a blend or GBM's Ridge form. */
export function planPointOf(series: TenantSeries, phase3: FinalModel): FinalModel {
  return phase3.kind === 'ridge' ? phase3 : ridgeFormOf(series, phase3);
}
