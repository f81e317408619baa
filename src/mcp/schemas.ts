/**
 * Zod pieces shared by the MCP tools: input parameters (with bounds and messages an agent can act
 * on) and output shapes (the JSON Schema a client validates `structuredContent` against).
 *
 * Shapes the app defines (TenantResult, Explanation, ...) are `looseObject`s so that a field the
 * app adds later does not make clients reject results; shapes this face builds are strict.
 * Metrics are `number | null`: JSON cannot carry NaN or Infinity, `jsonSafe` turns them into null.
 */
import { z } from 'zod';
import {
  APP_LIMITS,
  PASS_THRESHOLD,
  PHASE_MESSAGE,
  PHASES,
  TENANT_ID_PATTERN,
  overUtf8Limit,
} from '../app/types.js';

/** Largest CSV text accepted inline, in bytes of UTF-8: the CSV module's own limit (20 MiB). */
export const MAX_CSV_BYTES = APP_LIMITS.maxCsvChars;

/**
 * `schema` (CSV text) refused over MAX_CSV_BYTES bytes of UTF-8 with `message` (what to do). It
 * was zod's max(), which counts UTF-16 code units: 11 Mi "é", 22 MiB of UTF-8, passed.
 */
export function csvTextLimit(schema: z.ZodString, name: string, instead: string) {
  return schema.refine((s) => !overUtf8Limit(s, MAX_CSV_BYTES), {
    error: (issue) =>
      `${name} is ${Buffer.byteLength(issue.input as string, 'utf8')} bytes of UTF-8 text, over the ${MAX_CSV_BYTES / 1048576} MiB limit (${MAX_CSV_BYTES} bytes); ${instead}`,
  });
}
/** Largest tenant list a run may name (the app's limit). */
export const MAX_RUN_TENANTS = APP_LIMITS.maxTenantsPerRun;

export const PHASE_VALUES = PHASES;

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/** The phase message with what was given: missing, a string ("3" for 3), or another value. */
function phaseIssue(input: unknown): string {
  if (input === undefined) return `phase is required: ${PHASE_MESSAGE}`;
  if (typeof input === 'string') {
    return `${PHASE_MESSAGE}, as a number; got the string ${JSON.stringify(input)}${/^[0-3]$/.test(input) ? ` (pass ${input}, not "${input}")` : ''}`;
  }
  return `${PHASE_MESSAGE}; got ${JSON.stringify(input) ?? String(input)}`;
}

export const phaseInput = z.literal(PHASE_VALUES, { error: (iss) => phaseIssue(iss.input) });

/**
 * The error of a list parameter given another type: `message`, and where one string was sent for
 * the list (tenants: "atlas_daily"), what was given and the list to send instead, as phaseIssue
 * says it for "3". An autopilot's probe sent a string and read only "must list 1 to 5000 ids".
 */
export function listIssue(message: string): (issue: { input?: unknown }) => string {
  return (issue) =>
    typeof issue.input === 'string'
      ? `${message}; got the string ${JSON.stringify(issue.input)}, not a list (pass ${JSON.stringify([issue.input])})`
      : message;
}

export const tenantInput = z
  .string({ error: 'tenant must be a string tenant id such as "extreme_ski_gear"' })
  .regex(
    TENANT_ID_PATTERN,
    'tenant must be a tenant id of 1-64 characters from a-z, 0-9, "_" and "-" (e.g. "extreme_ski_gear"); call list_tenants for valid ids',
  );

export const runIdInput = z
  .number({ error: 'run_id must be a positive integer run id; call list_runs to find one' })
  .int('run_id must be a positive integer run id; call list_runs to find one')
  .min(1, 'run_id must be a positive integer run id; call list_runs to find one');

const FOLDS_MESSAGE = `folds must be an integer from ${APP_LIMITS.minFolds} to ${APP_LIMITS.maxFolds}`;
export const foldsInput = z
  .number({ error: FOLDS_MESSAGE })
  .int(FOLDS_MESSAGE)
  .min(APP_LIMITS.minFolds, FOLDS_MESSAGE)
  .max(APP_LIMITS.maxFolds, FOLDS_MESSAGE);

const PASS_THRESHOLD_MESSAGE = `pass_threshold must be a number from 0 to 1 (default ${PASS_THRESHOLD.toFixed(2)})`;
export const passThresholdInput = z
  .number({ error: PASS_THRESHOLD_MESSAGE })
  .min(0, PASS_THRESHOLD_MESSAGE)
  .max(1, PASS_THRESHOLD_MESSAGE);

/**
 * A strict object whose unknown keys are reported with the valid parameter names; `notObject`:
 * the message when the value is not an object at all (a nested parameter: say what it looks like).
 */
export function strictInput<S extends z.ZodRawShape>(shape: S, notObject?: string) {
  const valid = Object.keys(shape).join(', ') || '(none)';
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown parameter(s): ${issue.keys.join(', ')}; valid parameters: ${valid}`
        : issue.code === 'invalid_type'
          ? notObject
          : undefined,
  });
}

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

/** A figure (a number; null where JSON cannot hold it: NaN or infinite). */
export const metric = z.number().nullable();
const phaseOut = z.literal(PHASE_VALUES);
export const runStatusOut = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);

export const tenantRowOut = z
  .object({
    tenant: z.string(),
    mean_r2: metric.describe('Mean out-of-sample R² over the CV test folds'),
    se_r2: metric.describe(
      'Standard error of mean_r2 (sample standard deviation of fold R², n - 1 in the denominator, / sqrt(folds))',
    ),
    fold_r2: z
      .array(metric)
      .describe(
        "Each test fold's out-of-sample R², oldest first (mean_r2 is their mean; an outside autopilot had to call train_tenant per tenant and phase to read them, session 76)",
      ),
    oracle_r2: metric.describe(
      'Mean R² of the true expected revenue (synthetic tenants), else null',
    ),
    passes: z.boolean().describe('mean_r2 >= the pass threshold (0.50 by default)'),
    model: z.string().describe('Model kind used (ridge, gbm, blend, ...)'),
    fold_models: z
      .object({
        own: z.number().int(),
        mixed: z.number().int(),
        simpler: z.number().int(),
      })
      .describe(
        "The folds by the model they forecast with: this phase's own model alone, a mix of it and a simpler phase's (averaged or stacked), or a simpler phase's alone (fallen back: the phase added nothing the training rows supported there); train_tenant's folds[].fallback says why per fold",
      ),
  })
  .describe('Compact per-tenant result row');

export const summaryOut = z.object({
  total: z.number().int(),
  pass_count: z.number().int(),
  pass_rate: metric,
  mean_r2: metric,
  mean_oracle_r2: metric,
  mean_oracle_gap: metric,
});

export const progressOut = z.object({ done: z.number().int(), total: z.number().int() });

export const runInfoOut = z.object({
  run_id: z.number().int(),
  phase: phaseOut,
  status: runStatusOut,
  cached: z.boolean(),
  tenant_count: z.number().int(),
  progress: progressOut,
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  seconds: metric,
  error: z.string().nullable(),
  summary: summaryOut.nullable(),
  replaced_by: z
    .number()
    .int()
    .nullable()
    .describe(
      'A run of another process that this server followed (run_phase with the same request) and that ended there without a result: the run this server computes for the same request instead (poll that id). Null otherwise; only the server that took the run over knows it',
    ),
  data_changed: z
    .array(z.string())
    .describe(
      "A finished run's tenants imported again with other data since it computed on them: its figures for them are of data the tenant no longer has (run_phase again for current figures); empty when none",
    ),
  tenants_deleted: z
    .array(z.string())
    .describe("A finished run's tenants deleted since (their runs kept); empty when none"),
});

const baselineOut = z.looseObject({ rmse: metric, error_ratio: metric });
const channelParamsOut = z.looseObject({
  decay: metric,
  k_mult: metric,
  k: metric,
  s: metric,
  /** Phase 3: periods from the spend to the peak of its delayed (peaked) adstock (absent: 0). */
  lag: metric.optional(),
});

export const foldOut = z.looseObject({
  fold: z.number().int(),
  train_rows: z.number().int(),
  test_rows: z.number().int(),
  test_start: z.string(),
  test_end: z.string(),
  r2: metric,
  train_r2: metric,
  rmse: metric,
  mae: metric,
  mape: metric,
  nrmse: metric,
  oracle_r2: metric,
  alpha: metric,
  model: z.string(),
  blend_weight: metric,
  reason: z.string().nullable(),
  gbm_trees: z.number().nullable(),
  channel_params: z.record(z.string(), channelParamsOut).nullable(),
  /** Phases 1-3: the per-fold fallback decision (docs/modeling.md). Optional for older runs. */
  fallback: z
    .looseObject({
      used_phase: phaseOut,
      kept: z.boolean(),
      fell_back_to: phaseOut.optional(),
      averaged_with: z
        .looseObject({
          phase: phaseOut,
          model: z.enum(['own', 'laddered']),
          share: z.number(),
        })
        .optional()
        .describe(
          "The fold forecasts with the mean of used_phase's model and this one (its phase, its own or laddered model of the window, its share of each prediction); absent: one model",
        ),
      validation_rows: z.number().int(),
      validation_blocks: z.number().int().optional(),
      phase_r2: metric,
      previous_r2: metric,
      weight: z.number().optional(),
      gain_se: z.number().optional(),
      reason: z.string(),
    })
    .nullable()
    .optional(),
  dropped_terms: z.array(z.string()).optional(),
  held_terms: z.array(z.string()).optional(),
  /** Log growth rate a year of the fold's trend curve where revenue compounds; null: a straight trend. */
  growth_trend: z.number().nullable().optional(),
  /** A fold with R² below -0.5 (FAR_OFF_R2): its block's level against its forecast and training rows (phases/result.ts). */
  level_gap: z
    .looseObject({
      test_mean: metric,
      predicted_mean: metric,
      train_mean: metric,
      offset_share: metric,
      cause: z.enum(['level_offset', 'variation']),
      note: z.string(),
    })
    .optional(),
});

/** The cross-validation protocol of a result (docs/modeling.md). Optional for older runs. */
const protocolOut = z.looseObject({
  rule: z.enum(['timeseriessplit', 'year-window', 'min-window', 'user']),
  folds: z.number().int(),
  test_rows: z.number().int(),
  first_train_rows: z.number().int(),
  min_train_rows: z.number().int(),
  gap: z.number().int(),
  frequency: z.enum(['daily', 'weekly']),
  reason: z.string(),
});

export const tenantResultOut = z.looseObject({
  tenant: z.string(),
  phase: phaseOut,
  model_kind: z.string(),
  fold_r2: z.array(metric),
  mean_r2: metric,
  std_r2: metric.describe(
    'Population standard deviation of fold R² (n in the denominator, ddof 0, as numpy std in the plan): not se_r2 × sqrt(folds)',
  ),
  se_r2: metric
    .optional()
    .describe(
      'Standard error of mean_r2: sample standard deviation of fold R² (n - 1 in the denominator) / sqrt(folds)',
    ),
  train_r2: metric,
  rmse: metric,
  rmse_pct: metric,
  mae: metric,
  mape: metric,
  nrmse: metric,
  alphas: z.array(metric),
  feature_names: z.array(z.string()),
  oracle_r2: metric,
  oracle_gap: metric,
  passes: z.boolean(),
  checks: z.looseObject({
    fold_std_ok: z.boolean(),
    rmse_pct_ok: z.boolean(),
    enough_folds: z.boolean(),
    beats_baselines: z.boolean(),
  }),
  failures: z.array(z.string()),
  baselines: z.record(z.string(), baselineOut),
  folds: z.array(foldOut),
  top_features: z.array(z.looseObject({ feature: z.string(), gain: metric })).nullable(),
  protocol: protocolOut.nullable().optional(),
  explained_model: z
    .looseObject({
      model: z.string(),
      fold_r2: z.array(metric),
      fold_models: z.array(z.enum(['ridge', 'gbm', 'blend'])).optional(),
      forecast_with: z.string().optional(),
      mean_r2: metric,
      se_r2: metric,
      note: z.string(),
    })
    .optional()
    .describe(
      "Phase 3 where the folds above forecast with another model than explain's (weekly: its average with the log-spend model; daily: folds averaged with or replaced by phase 2's model, named in forecast_with): fold R² of the adstock/Hill model alone, the kind of model explain and the planner fit on all rows; fold_models: that model's kind on each fold (the Ridge / GBM / blend rule may pick another kind on a fold's rows than explain's all-rows model, whose kind is explain's model_kind)",
    ),
  seconds: metric,
});

export const tenantInfoOut = z.looseObject({
  tenant: z.string(),
  tier: z.enum(['extreme', 'high', 'medium', 'none', 'custom']),
  category: z.string(),
  city: z.string().nullable().describe('null when not known (imported data)'),
  latitude: metric.describe('null when not known (imported data)'),
  longitude: metric.describe('null when not known (imported data)'),
  driver: z.enum(['cold', 'heat', 'rain', 'mixed', 'none', 'unknown']),
  source: z.enum(['builtin', 'generated', 'imported']),
  rows: z.number().int(),
  start: z.string(),
  end: z.string(),
  frequency: z.enum(['daily', 'weekly']),
  channels: z.array(z.string()),
});

const comparisonSideOut = z.looseObject({
  run_id: z.number().int(),
  phase: phaseOut,
  mean_r2: metric,
  pass_count: z.number().int(),
  total: z.number().int(),
});

const protocolSideOut = z.looseObject({
  rule: z.string(),
  folds: z.number().int(),
  first_train_rows: z.number().int(),
  test_rows: z.number().int(),
});

export const phaseComparisonOut = {
  a: comparisonSideOut,
  b: comparisonSideOut,
  mean_r2_delta: metric.describe(
    'b minus a: over the whole runs when they hold the same tenants, else over the tenants both hold (common); null when they share none',
  ),
  pass_count_delta: z
    .number()
    .int()
    .nullable()
    .describe('b minus a, over the same tenants as mean_r2_delta; null when they share none'),
  common: z
    .looseObject({
      tenants: z.number().int(),
      a_mean_r2: metric,
      b_mean_r2: metric,
      a_pass_count: z.number().int(),
      b_pass_count: z.number().int(),
    })
    .optional()
    .describe(
      "The tenants both runs hold: how many, and each run's mean R² and pass count over them",
    ),
  tenants: z.array(
    z.looseObject({
      tenant: z.string(),
      a_r2: metric,
      b_r2: metric,
      delta: metric,
      a_passes: z.boolean(),
      b_passes: z.boolean(),
    }),
  ),
  newly_passing: z.array(z.string()),
  newly_failing: z.array(z.string()),
  regressions: z.array(z.string()),
  only_in_a: z.array(z.string()),
  only_in_b: z.array(z.string()),
  other_data: z
    .array(z.string())
    .describe(
      'Tenants in both runs whose results were computed on other data in each (imported again between the runs): their deltas compare two datasets, not two models; the verdict names them',
    ),
  protocol_changed: z
    .array(z.looseObject({ tenant: z.string(), a: protocolSideOut, b: protocolSideOut }))
    .optional()
    .describe(
      "Tenants in both runs cross-validated with another fold protocol in each (fold count, first training rows or test rows; a history grown past a protocol bound changes them), with each run's protocol: their deltas compare other test blocks, not only two models; the verdict names them",
    ),
  verdict: z.string(),
  chosen: z
    .string()
    .optional()
    .describe(
      "Which runs were compared and why: a phase side is the phase's run over the other side's tenants, as check_gates matches it",
    ),
};

/** A caveat of an explanation, report or plan: read before the figures (phases/types.ts Caveat). */
export const caveatOut = z.object({
  code: z.string(),
  message: z.string(),
  channels: z
    .array(z.string())
    .optional()
    .describe(
      'The channels the caveat is about, when it is about some channels and not the whole model or plan',
    ),
});

const boundsOut = z.tuple([metric, metric]);
export const figureIntervalOut = z
  .looseObject({ p80: boundsOut, p95: boundsOut })
  .describe('80% and 95% interval [lo, hi]');
const channelIntervalsOut = z
  .looseObject({
    contribution: figureIntervalOut,
    roas: figureIntervalOut,
    marginal_roas: figureIntervalOut,
  })
  .nullable()
  .describe('Intervals of contribution, ROAS and marginal ROAS (null when not computed)');
const bandOut = z.looseObject({ lo: z.array(metric), hi: z.array(metric) });

const decompositionTruthOut = z
  .looseObject({ contribution: metric, roas: metric, marginal_roas: metric })
  .nullable();

/** A channel and a weather column's two extreme states: what a weather contrast compares. */
const contrastPairOut = {
  channel: z.string(),
  variable: z.string(),
  state: z.string(),
  reference: z.string(),
};

export const explanationOut = {
  tenant: z.string(),
  phase: phaseOut,
  model_kind: z.string(),
  rows: z.number().int(),
  start: z.string(),
  end: z.string(),
  channels: z.array(
    z.looseObject({
      channel: z.string(),
      spend: metric,
      contribution: metric,
      roas: metric,
      marginal_roas: metric,
      share_of_predicted: metric,
      truth: decompositionTruthOut,
      roas_error: metric,
      intervals: channelIntervalsOut,
      no_spend: z
        .literal(true)
        .optional()
        .describe(
          'No spend in the data: nothing to estimate (contribution, ROAS and marginal ROAS 0 by construction; no response curve, carry-over, ROAS by weather state or intervals)',
        ),
      roas_status: z
        .enum([
          'model_not_reliable',
          'not_identified',
          'refit_dominated',
          'read_off_curve',
          'spans_zero',
          'no_intervals',
          'measured',
          'no_spend',
        ])
        .optional()
        .describe(
          'How far roas reads as a measurement, from the caveats and intervals (the first that applies): model_not_reliable (a caveat on the whole model: below the pass bar, not validated, units_mismatch, revenue_outage, media_beyond_revenue), not_identified (a caveat naming the channel: low or constant spend, channels not separable or correlated, spend_follows_baseline, an effect held at zero or negative), refit_dominated (calibration_mostly_refit), read_off_curve (roas_below_spend_seen: its marginal ROAS is firmer), spans_zero (its ROAS 95% interval includes 0), no_intervals, measured, no_spend. Rank channels on roas only where it is measured',
        ),
      uncalibrated_roas: metric.optional().describe('With lift tests: ROAS before calibration'),
      uncalibrated_roas_error: metric.optional(),
      refit_roas: metric
        .optional()
        .describe(
          'With lift tests, a calibrated channel: ROAS of the same all-rows refit of its curve without the tests; the tests moved the figure from here',
        ),
      pooled_roas: metric
        .optional()
        .describe(
          '4+ channels with intervals: the ROAS pooled with the other channels (James-Stein; roas_pooling)',
        ),
      pooled_roas_error: metric.optional(),
      pooled_marginal_roas: metric
        .optional()
        .describe('4+ channels with intervals: the marginal ROAS pooled with the other channels'),
      pooled_marginal_roas_error: metric.optional(),
    }),
  ),
  weather_states: z.array(
    z.looseObject({
      state: z.string(),
      variable: z.string(),
      definition: z.string(),
      rows: z.number().int(),
      channels: z.array(
        z.looseObject({
          channel: z.string(),
          spend: metric,
          contribution: metric,
          roas: metric.describe('Null when the channel has no spend in this state'),
          marginal_roas: metric.describe(
            "Per unit of the state's spend: null when the channel has no spend in this state",
          ),
          true_roas: metric,
          roas_error: metric,
          intervals: channelIntervalsOut,
        }),
      ),
    }),
  ),
  weather_contrasts: z
    .array(
      z.looseObject({
        ...contrastPairOut,
        ratio: metric,
        p80: boundsOut,
        p95: boundsOut,
        true_ratio: metric,
        phase1_ratio: metric
          .optional()
          .describe(
            "phase 3: the same ratio read by phase 1's model (no carry-over, no saturation); half its distance from ratio widens the intervals, as the refits share the model's form",
          ),
      }),
    )
    .optional()
    .describe(
      "With intervals: per channel and weather column, its ROAS in the column's hot (rain, high) state over its ROAS in the cold (dry, low) one, with 80%/95% intervals from the same refits' ratios (paired: firmer than the two states' own intervals, which both hold the channel's uncertain level); an interval above or below 1 is a clear weather effect on that channel",
    ),
  weather_contrasts_left_out: z
    .array(
      z.looseObject({
        ...contrastPairOut,
        reason: z.string(),
      }),
    )
    .optional()
    .describe(
      'With weather_contrasts: channels with spend that have no ratio for a weather column, and why (their ROAS is not above 0 in a state, or too many refits put it at or below 0): their weather effect is unknown, not absent',
    ),
  response_curves: z
    .array(
      z.looseObject({
        channel: z.string(),
        spend_levels: z.array(metric),
        contribution: z.array(metric),
        by_state: z.record(z.string(), z.array(metric)),
        true_contribution: z.array(metric).nullable(),
        contribution_interval: z
          .looseObject({ p80: bandOut, p95: bandOut })
          .nullable()
          .describe('80% and 95% bands of contribution, level by level'),
      }),
    )
    .optional()
    .describe('With curves: true only (explain_tenant); absent otherwise'),
  controls: z
    .array(
      z.looseObject({
        control: z.string(),
        reference: metric.describe(
          'The value the counterfactual moves the control to: 0 when it is 0 on at least half the rows (events), else its mean',
        ),
        active_rows: z.number().int().describe('Rows where the control is not at its reference'),
        contribution: metric.describe(
          'Sum over the rows of the prediction minus the prediction with the control at its reference',
        ),
        share_of_predicted: metric,
        effect_per_unit: metric.describe(
          "Revenue per row per unit of the control (the prediction's mean change when the control rises by one standard deviation, over that step): the figure to read for a control counted from its mean, whose contribution is near 0 for a linear effect",
        ),
        truth: z
          .looseObject({ contribution: metric })
          .nullable()
          .describe("Synthetic tenants with events: the revenue the generator's event added"),
        contribution_error: metric,
        intervals: z
          .looseObject({ contribution: figureIntervalOut, effect_per_unit: figureIntervalOut })
          .nullable()
          .describe(
            '80% and 95% intervals of the contribution and the effect per unit (null when not computed)',
          ),
      }),
    )
    .describe(
      'One per control column of the data (events, promotions, prices), whatever the channel selection; empty without controls',
    ),
  selection: z
    .looseObject({
      channels: z.array(z.string()).describe('The channels shown'),
      of_channels: z.number().int().describe("How many channels the tenant's data has"),
      response_curves: z.boolean().describe('Whether response_curves is in the answer'),
      caveats_left_out: z
        .number()
        .int()
        .describe('Caveats about channels outside the selection only, left out'),
    })
    .optional()
    .describe('What the answer holds of the explanation (explain_tenant channels and curves)'),
  channel_params: z
    .record(z.string(), channelParamsOut.nullable())
    .nullable()
    .describe('Per channel; null for a channel with no spend in the data (nothing to estimate)'),
  caveats: z
    .array(caveatOut)
    .describe(
      "Read first, in this order: model_fails_threshold or not_validated, cv_of_another_model, roas_moved_since_previous (a channel's ROAS moved beyond both explanations' 80% intervals since the previous explanation on other data: since_previous; check what changed before moving budget on it), lift_tests_ridge_form (phase 3's all-rows model is a GBM or blend, which lift tests cannot move: the figures are of the same design fitted as Ridge and calibrated with the tests, as a plan's are), lift_test_conflict (a lift test left out: in conflict with the data, or out of line with its channel's other tests; calibration.tests says which), lift_test_below_spend (a lift test used although it lies far from the model's own reading of its window, where that reading is mostly the part of the channel's effect below its lowest usual spend, which the data cannot check: check the experiment), lift_test_judged_differently (the newest plan on these data used a lift test this explanation leaves out, or left out one it uses: each judges tests against its own model), units_mismatch (revenue and spend in different units: every ROAS off by that factor), revenue_outage (a run of periods far below the level before it, a closure or lost figures, with no column marking it: the model reads the drop as the effect of the spend cut with it, so every ROAS can read far too high; the message names the dates and the 0/1 control to add), channels_not_separable (two channels with identical or r >= 0.99 spend: neither is identified), level_shift (revenue at another level from one date on, with no term for it), channels_correlated (channels whose spend correlates at |r| > 0.7: the split between them is uncertain beyond their intervals; the message gives their combined ROAS), no_carry_over, tree_model, low_spend_channel, constant_spend_channel, curve_not_estimated (a channel launched after every training window of the carry-over/saturation search: its curve is the search's start, only its level is fitted), media_effect_held_at_zero, negative_media_effect, media_beyond_revenue, convex_curve, media_split_below_spend (a quarter or more of the predicted revenue credited to the channels below the spend the data show: the baseline / media split is not measured), roas_below_spend_seen (a channel that never spent near zero whose modeled effect lies mostly below its lowest usual spend: its ROAS is read off the curve's shape there; its marginal ROAS is firmer), no_intervals, interval_beyond_revenue, no_spend_in_state, then interval_spans_zero per channel, then control_interval_spans_zero per control (its contribution's 95% interval includes zero)",
    ),
  validation: z
    .looseObject({
      mean_r2: metric,
      se_r2: metric,
      pass_threshold: metric,
      explained_model_r2: metric.optional(),
      explained_model_fold_models: z.array(z.enum(['ridge', 'gbm', 'blend'])).optional(),
    })
    .nullable()
    .describe(
      "The phase's cross-validated mean fold R² with its standard error; explained_model_r2 (weekly phase 3): the explained model's kind of model alone on the same folds, and explained_model_fold_models its kind on each fold (compare model_kind)",
    ),
  uncertainty: z
    .looseObject({
      method: z.string(),
      replicates: z.number().int(),
      failed_replicates: z.number().int(),
      block_length: z.number().int(),
      model_error: metric,
      width_scale: z.looseObject({
        p80: metric,
        p95: metric,
        window: metric.optional(),
        window95: metric.optional(),
        tests: metric.optional(),
        offset95: metric.optional(),
        data: metric.optional(),
        data95: metric.optional(),
      }),
      held_at_zero: z
        .looseObject({
          channels: z.array(z.string()),
          width_scale: z.looseObject({ p80: metric, p95: metric }),
        })
        .optional(),
      near_bound: z
        .array(
          z.looseObject({
            channel: z.string(),
            share_at_bound: metric,
            width_scale: z.looseObject({ p80: metric, p95: metric }),
          }),
        )
        .optional(),
      marginal_width_scale: z
        .looseObject({
          p80: metric,
          p95: metric,
          window: metric.optional(),
          window95: metric.optional(),
        })
        .optional(),
      window_refits: z.number().int().optional(),
      data_window_refits: z.number().int().optional(),
      kind_refit: z.literal('ridge').optional(),
      contrast_form_factor: z
        .number()
        .optional()
        .describe(
          "phase 3: the share of the log distance to phase 1's weather contrast added to each contrast's intervals at z",
        ),
      test_shifts: z.number().int().optional(),
      uncalibrated_intervals: z
        .looseObject({ channels: z.array(z.string()), method: z.string() })
        .optional()
        .describe(
          "with lift tests: the channels without a used test, whose intervals are the uncalibrated explanation's (as their figures are), and that method",
        ),
      information_floor: z
        .looseObject({
          method: z.string(),
          channels: z.array(
            z.looseObject({
              channel: z.string(),
              tests_information: metric,
              factor: metric,
              widened: z.number(),
            }),
          ),
        })
        .optional()
        .describe(
          'with lift tests: per calibrated channel, the floor that keeps its intervals as wide as the data and its tests together support (the uncalibrated half-widths times factor)',
        ),
      levels: z.array(z.number()),
    })
    .nullable()
    .describe('How the intervals were made (null when none were computed)'),
  notes: z.array(z.string()),
  roas_pooling: z
    .looseObject({
      channels: z.array(z.string()),
      marginal_channels: z.array(z.string()).optional(),
      factor: metric,
      mean_roas: metric,
      marginal_factor: metric,
      mean_marginal_roas: metric,
      text: z.string(),
    })
    .optional()
    .describe(
      '4+ channels with intervals: how pooled_roas (log scale, toward the geometric mean) and pooled_marginal_roas (toward the mean) were made (James-Stein)',
    ),
  since_previous: z
    .looseObject({
      run_id: z.number().int(),
      start: z.string(),
      end: z.string(),
      rows: z.number().int(),
      calibrated_then: z.boolean(),
      calibrated_now: z.boolean(),
      channels: z.array(
        z.looseObject({
          channel: z.string(),
          roas_then: metric,
          roas_now: metric,
          ratio: metric,
          roas_then_p80: boundsOut.nullable(),
          moved: z.boolean().nullable(),
        }),
      ),
    })
    .optional()
    .describe(
      "The tenant's previous explanation (same phase, kept with run run_id, on other data: the months before a new import) against this one, per channel: ROAS then and now, the ratio, and moved (each reading outside the other's 80% interval and a move of 25% or more either way; null without intervals). A moved channel is the caveat roas_moved_since_previous. Absent when there is no previous explanation",
    ),
  calibration: z
    .looseObject({
      applied: z.boolean(),
      method: z.string(),
      conflict_test: z.string(),
      conflict_level: metric,
      on_conflict: z.string(),
      channels: z.array(
        z.looseObject({
          channel: z.string(),
          tests: z.number().int(),
          lr: metric,
          p_value: metric,
          conflict: z.boolean(),
          sse_cost_pct: metric,
        }),
      ),
      tests: z.array(
        z.looseObject({
          channel: z.string(),
          start: z.string(),
          end: z.string(),
          spend_change: metric,
          incremental_revenue: metric,
          standard_error: metric,
          uncalibrated_lift: metric,
          calibrated_lift: metric,
          conflict: z.boolean(),
          conflict_with: z
            .enum(['data', 'tests'])
            .nullable()
            .optional()
            .describe(
              "why a test is left out: 'data' (in conflict with the data or the model's own interval), 'tests' (out of line with its channel's other tests, which are used); null when used",
            ),
          out_of_line_with: z.array(z.string()).optional(),
          used: z.boolean(),
        }),
      ),
      conflicts: z.array(z.string()),
      held_channels: z.array(z.string()),
      notes: z.array(z.string()),
    })
    .nullable()
    .optional()
    .describe(
      'With lift tests recorded (add_lift_test): each test, used or in conflict with the data, and per channel the likelihood-ratio test; absent without lift tests',
    ),
};

const dateSpanOut = {
  rows: z.number().int(),
  first: z.string().nullable(),
  last: z.string().nullable(),
};
const roleOut = z.enum(['channel', 'weather', 'control', 'target']);

const dataChangesOut = z
  .looseObject({
    previous: z.looseObject({
      rows: z.number().int(),
      start: z.string(),
      end: z.string(),
      frequency: z.string(),
    }),
    identical: z.boolean(),
    frequency_changed: z.looseObject({ from: z.string(), to: z.string() }).nullable(),
    appended: z.looseObject(dateSpanOut).describe('new dates after the previous end'),
    prepended: z.looseObject(dateSpanOut).describe('new dates before the previous start'),
    inserted: z
      .looseObject(dateSpanOut)
      .describe('new dates inside the previous range it did not hold'),
    removed: z.looseObject(dateSpanOut).describe('previous dates the new data do not hold'),
    revised: z
      .looseObject({
        ...dateSpanOut,
        columns: z.array(z.looseObject({ column: z.string(), role: roleOut, ...dateSpanOut })),
      })
      .describe(
        'dates both versions hold where a value changed, and per column (a channel by its name, without _spend) the rows changed',
      ),
    columns_added: z.array(z.looseObject({ column: z.string(), role: roleOut })),
    columns_removed: z.array(z.looseObject({ column: z.string(), role: roleOut })),
    renamed: z
      .array(
        z.looseObject({
          from: z.string(),
          to: z.string(),
          role: roleOut,
          basis: z.enum(['target', 'same_values']),
        }),
      )
      .describe(
        'the target under another name, or a column gone and a new one of the same role with the same values on every shared date (probably renamed; not listed as added and dropped)',
      ),
    roles_changed: z.array(z.looseObject({ column: z.string(), from: roleOut, to: roleOut })),
    summary: z.string().describe('the changes in one sentence'),
  })
  .nullable()
  .describe(
    'With replace over a stored tenant: what the new data change against the stored data; null for a new tenant',
  );

export const importResultOut = {
  tenant: z.string(),
  rows: z.number().int(),
  frequency: z.string(),
  start: z.string(),
  end: z.string(),
  channels: z
    .array(z.string())
    .describe(
      "the stored channel order, which every later answer follows: by spend over the rows every fold trains on, largest first (ties by name), not the file's column order; key figures by channel name",
    ),
  weather: z.array(z.string()),
  weather_read_as: z
    .array(z.string())
    .describe(
      'how each weather column was read from its name: kind and unit (a °F temperature is modeled in °C), or modeled as given when no kind is recognised',
    ),
  controls: z.array(z.string()),
  target: z.string(),
  content_hash: z.string(),
  replaced: z.boolean(),
  rows_needed_to_train: z
    .number()
    .int()
    .nullable()
    .describe(
      'null when the data can be trained; else the rows training needs (every phase refuses shorter data)',
    ),
  changes: dataChangesOut,
  warnings: z.array(z.string()),
};

const successCriterionOut = z.looseObject({
  name: z.string(),
  target: z.string(),
  actual: metric,
  passed: z.boolean().nullable(),
  detail: z.string(),
});

const escalationCriterionOut = z.looseObject({
  name: z.string(),
  triggered: z.boolean(),
  evidence: z.string(),
  tenants: z.array(z.string()),
  severity: z.enum(['high', 'medium']),
  recommended_next_step: z.string(),
});

export const escalationOut = z.looseObject({
  reason: z.string(),
  evidence: z.array(z.string()),
  recommended_next_step: z.string(),
  severity: z.enum(['high', 'medium']),
  criteria: z.array(z.string()),
});

const phaseFiguresOut = z
  .looseObject({
    phase: phaseOut,
    run_id: z.number().int().nullable().describe('The run the figures are from'),
    total: z.number().int(),
    pass_count: z.number().int(),
    mean_r2: metric,
  })
  .nullable();

const comparedRunOut = z
  .looseObject({
    run_id: z.number().int(),
    phase: phaseOut,
    other_data: z.array(z.string()),
  })
  .nullable();

/** The decisions a gate takes (src/gates/types.ts GateDecisionKind). */
const gateDecisionKind = z.enum([
  'BASELINE_RECORDED',
  'PROCEED_TO_PHASE_2',
  'PHASE_1_SUFFICIENT',
  'STOP_SUFFICIENT',
  'UNBLOCK_PRODUCT',
  'SUCCESS',
  'ESCALATE',
]);

/** The gate decision as the app returns it (src/gates/types.ts GateDecision). */
export const gateDecisionOut = z.looseObject({
  run_id: z
    .number()
    .int()
    .optional()
    .describe('The run judged (the given run_id, or the phase’s latest done run)'),
  phase: phaseOut,
  decision: gateDecisionKind.describe(
    'What the plan says to do after this phase (ESCALATE: a person must look; missing_prerequisite_run under escalation is not a model failure)',
  ),
  count_decision: gateDecisionKind.describe(
    'The decision from the pass counts alone, before the regression and prerequisite checks',
  ),
  next_step: z.string(),
  tenants_not_in_run: z
    .array(z.string())
    .optional()
    .describe(
      "Tenants of the runs compared with (the previous phase, the baseline) that this run leaves out: the decision, pass count and total are of this run's tenants only (a re-run of some tenants judges those alone)",
    ),
  next_actions: z
    .array(
      z.looseObject({
        action: z.enum(['run_phase', 'check_gates', 'explain_tenant', 'ask_person']),
        phase: phaseOut.optional(),
        tenants: z.array(z.string()).optional(),
        tenant: z.string().optional(),
        why: z.string(),
      }),
    )
    .optional()
    .describe(
      'next_step as calls, in order: run_phase {phase, tenants}, check_gates {phase}, explain_tenant {tenant}; ask_person is a decision or report for a person (no call). Empty when nothing is left to do (SUCCESS)',
    ),
  needs_person: z
    .boolean()
    .optional()
    .describe(
      'True when next_actions starts with ask_person: a person decides before any call (an escalation the tools cannot resolve)',
    ),
  phase3_needed_for_figures: z
    .boolean()
    .optional()
    .describe(
      "True before phase 3, whatever the decision (STOP_SUFFICIENT included): explain_tenant's ROAS and plan_budget use phase 3's model, so run_phase 3 before acting on figures. Absent from decisions recorded before it",
    ),
  reasons: z.array(z.string()),
  pass_count: z.number().int(),
  total: z.number().int(),
  pass_rate: metric,
  mean_r2: metric,
  passing_tenants: z.array(z.string()),
  thresholds: z.looseObject({
    pass_r2: metric,
    counts: z.record(z.string(), z.number()),
    rules: z.array(z.looseObject({ name: z.string(), count: z.number() })),
  }),
  scaling_note: z.string().nullable(),
  success_criteria: z.array(successCriterionOut),
  escalation_criteria: z.array(escalationCriterionOut),
  escalation: escalationOut.nullable(),
  extended_checks: z.looseObject({ note: z.string() }),
  previous: phaseFiguresOut,
  baseline: phaseFiguresOut,
  compared_runs: z
    .looseObject({
      previous: comparedRunOut,
      baseline: comparedRunOut,
    })
    .describe(
      "The runs the decision compared with (the previous phase's, phase 0's; null: none found). Picked among the done runs holding the judged run's tenants: the most tenants computed on the same data first. other_data: tenants left out because their result there was computed on other data (imported again between the runs); a run whose every shared tenant was left out counts as missing (missing_prerequisite_run), and previous/baseline are then null",
    ),
  regression_test: z
    .looseObject({
      mode: z.enum(['noise_aware', 'strict']),
      test: z.string().describe('The noise-aware rule, in words'),
      level: metric.describe('Level of each one-sided criterion (0.05)'),
      below_floor: z.array(
        z.looseObject({
          tenant: z.string(),
          before: metric.describe('Phase 0 mean R²'),
          after: metric.describe("This phase's mean R²"),
          floor: metric.describe('min(0.70, before)'),
          folds: z.number().int().describe('Paired folds (0: not paired, counted untested)'),
          mean_difference: metric.describe('Mean per-fold R² difference, this phase minus phase 0'),
          standard_error: metric.describe('Its standard error (paired t-test)'),
          t: metric,
          p_value: metric.describe('One-sided p of the paired t-test'),
          baseline_standard_error: metric.describe(
            "Phase 0's fold R² sample sd / sqrt(folds) over the paired folds",
          ),
          critical_t: metric.describe('t(1 - level, folds - 1)'),
          drop_bound: metric.describe(
            'critical_t × baseline_standard_error: a mean drop beyond it counts (mean_drop)',
          ),
          criteria_met: z
            .array(z.enum(['paired_t_test', 'mean_drop']))
            .describe(
              'The noise-aware criteria that found the drop beyond fold noise; empty: within fold noise (or not paired)',
            ),
          regression: z.boolean(),
          verdict: z.string(),
        }),
      ),
      judged_noise: z.array(z.string()),
    })
    .nullable()
    .describe(
      "How the no-regression rule was applied (null for phase 0 or without a phase 0 run): every phase 0 passer below its floor with both criteria's figures. noise_aware counts a drop when the paired t-test (p < level) or the mean drop beyond drop_bound (this phase's mean below phase 0's one-sided lower confidence bound) finds it; strict counts every drop",
    ),
  borderline: z
    .array(
      z.looseObject({
        tenant: z.string(),
        mean_r2: metric,
        se_r2: metric,
        margin: metric.describe('mean_r2 minus the pass bar (negative: fails)'),
        passes: z.boolean(),
      }),
    )
    .describe(
      'Tenants whose mean R² is within one standard error of the pass bar: which side they fall on is fold noise, and a refresh can flip them. The rule is unchanged; the reasons say whether the count decision rests on them',
    ),
  data_changed: z
    .array(z.string())
    .describe(
      'Tenants of the judged run imported again with other data since it ran: the decision judges figures of data they no longer have; run the phase again for the current data',
    ),
  tenants_deleted: z.array(z.string()).describe('Tenants of the judged run deleted since it ran'),
});
