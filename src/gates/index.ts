/** Gate decisions after each phase: public entry point of src/gates. */
export {
  decideGates,
  DEFAULT_PASS_THRESHOLD,
  DEFAULT_REGRESSION_LEVEL,
  REGRESSION_FLOOR,
} from './decide.js';
export {
  COUNT_RULES,
  PLAN_TENANTS,
  rateMeets,
  scaledCount,
  scaledThresholds,
} from './thresholds.js';
export type * from './types.js';
