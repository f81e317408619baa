/** Result shapes of the phases: the public JSON shape (snake_case keys, as the plan's artifacts). */

export type PhaseId = 0 | 1 | 2 | 3;
export const PHASES: readonly PhaseId[] = [0, 1, 2, 3];

export type ModelKind = 'ridge' | 'gbm' | 'blend';

export interface BaselineComparison {
  /** RMSE of the baseline on the test folds (mean over folds). */
  rmse: number;
  /** baseline RMSE / model RMSE: > 1 means the model beats the baseline. */
  error_ratio: number;
}

export interface ChannelParams {
  decay: number;
  /** Hill k as a multiple of the channel's median positive adstocked training spend. */
  k_mult: number;
  /** Hill k in spend units. */
  k: number;
  s: number;
}

export interface FoldResult {
  fold: number;
  train_rows: number;
  test_rows: number;
  test_start: string;
  test_end: string;
  r2: number;
  train_r2: number;
  rmse: number;
  mae: number;
  mape: number;
  nrmse: number;
  oracle_r2: number | null;
  /** Ridge alpha used in this fold (phase 0: 1; phase 1+: tuned on training rows). */
  alpha: number | null;
  model: ModelKind;
  /** Weight of Ridge in a blend (1 = ridge only, 0 = GBM only). */
  blend_weight: number | null;
  /** Why this model was chosen (phase 2+). */
  reason: string | null;
  /** Early-stopped GBM tree count (phase 2+). */
  gbm_trees: number | null;
  /** Phase 3: chosen adstock/Hill parameters per channel. */
  channel_params: Record<string, ChannelParams> | null;
}

export interface ExtendedChecks {
  fold_std_ok: boolean;
  rmse_pct_ok: boolean;
  enough_folds: boolean;
  beats_baselines: boolean;
}

export interface TenantResult {
  tenant: string;
  phase: PhaseId;
  model_kind: string;
  fold_r2: number[];
  mean_r2: number;
  std_r2: number;
  train_r2: number;
  rmse: number;
  /** RMSE as % of mean revenue over the test folds. */
  rmse_pct: number;
  mae: number;
  mape: number;
  nrmse: number;
  alphas: (number | null)[];
  feature_names: string[];
  oracle_r2: number | null;
  /** mean_r2 minus oracle_r2 (negative: below the oracle). */
  oracle_gap: number | null;
  passes: boolean;
  checks: ExtendedChecks;
  /** Human-readable reasons for every failed check (pass bar and extended checks). */
  failures: string[];
  baselines: Record<'training_mean' | 'same_weekday_last_week' | 'spend_only_linear', BaselineComparison>;
  folds: FoldResult[];
  /** Phase 2+: top features by total gain of the GBM (when a GBM was fitted). */
  top_features: { feature: string; gain: number }[] | null;
  seconds: number;
}

export interface PhaseSummary {
  phase: PhaseId;
  total: number;
  pass_count: number;
  pass_rate: number;
  mean_r2: number;
  mean_oracle_r2: number | null;
  mean_oracle_gap: number | null;
}
