/** The budget planner (pure): optimizer, outlooks, model response, baselines and regret. */
export { formatBounds, parseBounds, resolveBounds } from './bounds.js';
export { channelGuards, GUARD_MIN_R2, spendR2 } from './guard.js';
export { CONVEX_QUANTILE, convexChannels, type ConvexChannel } from './convex.js';
export type { ChannelGuard } from './guard.js';
export type { BoundValue, ChannelBound } from './bounds.js';
export { plannableRefits, revenueModelOf } from './final-model.js';
export {
  combineLevelError,
  horizonLevelError,
  MIN_LEVEL_ORIGINS,
  type LevelError,
} from './level-error.js';
export {
  BOOTSTRAP_LOCAL_ROUNDS,
  fitPlanCurves,
  PLAN_CURVE_SIMPLIFY,
  PlanCurveCache,
  planCurveDoubt,
  planCurveFit,
  planCurveModel,
  refitPlanCurveModel,
} from './curves.js';
export type { CurveFit, CurveFitOptions } from './curves.js';
export { extendSeries, responseOf } from './model.js';
export type { MediaTransform, RevenueModel } from './model.js';
export { checkFeasible, optimizePlan, PlanInputError, projectPlan } from './optimize.js';
export type { OptimizeResult, PlanConstraints } from './optimize.js';
export {
  futureDates,
  scenarioOutlook,
  SCENARIOS,
  extendOutlook,
  flatOutlook,
  memberColumn,
} from './outlook.js';
export type { Outlook, ScenarioName } from './outlook.js';
export { describeOutsideHistory, forecastOutsideHistory } from './outlook.js';
export {
  AFTER_HORIZON,
  BUDGET_CURVE_MULTIPLES,
  checkPlanRequest,
  CURVE_DOUBT_EVIDENCE,
  doubtHoldReason,
  FAILS_BAR_OPENING,
  historicalBaselines,
  heldControlsNote,
  largestPeriodSpend,
  losingNotes,
  makePlan,
  nonPositiveChannels,
  pastYearsOf,
} from './plan.js';
export { PLAN_WORDS } from './words.js';
export type { PlanWords } from './words.js';
export type {
  AfterHorizon,
  BudgetCurvePoint,
  GivenPlan,
  MediaLoss,
  PlanBaseline,
  PlanChannel,
  PlanContext,
  PlanObjective,
  PlanRequest,
  PlanResult,
  PlanTruth,
  PlanUncertainty,
  WeatherShift,
} from './plan.js';
export {
  DEFAULT_PLAN_REPLICATES,
  MAX_PLAN_REPLICATES,
  PLAN_REFIT_METHOD,
  MIN_PLAN_REPLICATES,
  planReplicateModels,
} from './replicates.js';
export type { ReplicateRole } from './replicates.js';
export { calibratedPlanModels } from './calibrate.js';
export type { CalibratedPlanModels, PlanLiftCalibration, PlanLiftTest } from './calibrate.js';
export {
  BOOTSTRAP_STEP_QUANTILE,
  incrementalRevenue,
  trustStep,
  TRUST_STEPS,
} from './uncertainty.js';
export type { TrustStep } from './uncertainty.js';
export { evaluateResponse } from './response.js';
export type { SeparableResponse } from './response.js';
export { tailLength, truthResponse } from './truth.js';
export {
  baselineLetter,
  caveatWords,
  compareOutlooks,
  moneyRange,
  planHeadline,
  planSpendCsv,
  moneyResolution,
  planMoney,
  planSummaryLines,
  beyondRevenueWords,
  shortMoney,
  smallAmount,
} from './summary.js';
export type { OutlookComparison, PlanHeadlineFigures } from './summary.js';
export {
  marginalAt,
  marginalShrinkage,
  MIN_SHRINK_CHANNELS,
  unpinnedByShrinkage,
  PLAN_NOISE_INFLATION,
} from './shrink.js';
export type { MarginalShrinkage } from './shrink.js';
export { RIDGE_FORM_REASON, planKeepRidge, planPointOf, ridgeFormOf } from './ridge-form.js';
