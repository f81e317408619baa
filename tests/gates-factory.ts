/** Small factory of TenantResult objects for the gate and store tests. */

import type { PhaseId, TenantResult } from '../src/phases/types.js';

export function makeResult(
  tenant: string,
  phase: PhaseId,
  meanR2: number,
  overrides: Partial<TenantResult> = {},
): TenantResult {
  const folds = [0, 1, 2, 3, 4];
  return {
    tenant,
    phase,
    model_kind: 'ridge',
    fold_r2: folds.map(() => meanR2),
    mean_r2: meanR2,
    std_r2: 0.05,
    se_r2: 0.025,
    train_r2: meanR2 + 0.1,
    rmse: 100,
    rmse_pct: 10,
    mae: 80,
    mape: 8,
    nrmse: 0.1,
    alphas: folds.map(() => 1),
    feature_names: ['meta_spend', 'temperature_c'],
    oracle_r2: null,
    oracle_gap: null,
    passes: meanR2 >= 0.5,
    checks: { fold_std_ok: true, rmse_pct_ok: true, enough_folds: true, beats_baselines: true },
    failures: [],
    baselines: {
      training_mean: { rmse: 200, error_ratio: 2 },
      same_weekday_last_week: { rmse: 150, error_ratio: 1.5 },
      spend_only_linear: { rmse: 120, error_ratio: 1.2 },
    },
    folds: folds.map((fold) => ({
      fold,
      train_rows: 100 + 20 * fold,
      test_rows: 20,
      test_start: '2024-01-01',
      test_end: '2024-01-20',
      r2: meanR2,
      train_r2: meanR2 + 0.1,
      rmse: 100,
      mae: 80,
      mape: 8,
      nrmse: 0.1,
      oracle_r2: null,
      alpha: 1,
      model: 'ridge',
      blend_weight: null,
      reason: null,
      gbm_trees: null,
      channel_params: null,
      fallback: null,
      dropped_terms: [],
      held_terms: [],
    })),
    top_features: null,
    protocol: null,
    seconds: 0.5,
    ...overrides,
  };
}

/** `total` tenants t00..tNN of which the first `passing` have mean R² `passR2`, the rest `failR2`. */
export function makeRun(
  phase: PhaseId,
  passing: number,
  total: number,
  passR2 = 0.6,
  failR2 = 0.3,
): TenantResult[] {
  const out: TenantResult[] = [];
  for (let i = 0; i < total; i++) {
    const name = `t${String(i).padStart(3, '0')}`;
    out.push(makeResult(name, phase, i < passing ? passR2 : failR2));
  }
  return out;
}
