/** Tool `plan_budget`: spend a budget over the days or weeks after a tenant's data, weather-aware. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import {
  APP_LIMITS,
  DEFAULT_PLAN_REPLICATES,
  MAX_PLAN_REPLICATES,
  MIN_PLAN_REPLICATES,
  SCENARIOS,
  AFTER_HORIZON,
  type ChannelBound,
} from '../../app/types.js';
import type { ToolDeps } from '../deps.js';
import { resourcesChanged } from '../resources.js';
import { forwardProgress } from '../progress.js';
import { planSelectionLine, planView } from '../plan-view.js';
import { guarded, ok, resourceLink } from '../results.js';
import {
  caveatOut,
  csvTextLimit,
  figureIntervalOut,
  metric,
  strictInput,
  tenantInput,
} from '../schemas.js';
import { runSignal } from './run-phase.js';

const positive = (name: string) =>
  z
    .number({ error: `${name} must be a number > 0` })
    .positive(`${name} must be a number > 0`)
    .max(APP_LIMITS.maxBudget, `${name} must be at most ${APP_LIMITS.maxBudget}`);
const whole = (name: string, max: number) =>
  z
    .number({ error: `${name} must be a whole number from 1 to ${max}` })
    .int(`${name} must be a whole number from 1 to ${max}`)
    .min(1, `${name} must be a whole number from 1 to ${max}`)
    .max(max, `${name} must be a whole number from 1 to ${max}`);
const scenario = (name: string) =>
  z.enum(SCENARIOS, { error: `${name} must be one of ${SCENARIOS.join(', ')}` });
const AMOUNT_MESSAGE = `bounds min and max must be numbers from 0 to ${APP_LIMITS.maxBudget} (currency, or multiples of historical spend with multiple_of_historical: true); omit one for no bound`;
const amount = z
  .number({ error: AMOUNT_MESSAGE })
  .min(0, AMOUNT_MESSAGE)
  .max(APP_LIMITS.maxBudget, AMOUNT_MESSAGE);
const BOUND_EXAMPLE = '{"channel": "meta", "min": 0.5, "max": 2, "multiple_of_historical": true}';
const CHANNEL_MESSAGE =
  'channel must be the name of one of the tenant\'s channels as in the data (e.g. "meta" for meta_spend; list_tenants lists them)';
const flag = (name: string) => z.boolean({ error: `${name} must be true or false` });

const boundInput = strictInput(
  {
    channel: z
      .string({ error: CHANNEL_MESSAGE })
      .min(1, CHANNEL_MESSAGE)
      .describe('Channel name as in the data (e.g. "meta")'),
    min: amount.optional().describe('Lower bound (omit for none)'),
    max: amount.optional().describe('Upper bound (omit for none)'),
    per_period: flag('per_period')
      .default(false)
      .describe('true: the bound holds in every day/week; false (default): for the horizon total'),
    multiple_of_historical: flag('multiple_of_historical')
      .default(false)
      .describe(
        "true: min/max are multiples of the channel's historical spend over the same span (1.5 = 150%); false (default): currency",
      ),
  },
  `each bound must be an object such as ${BOUND_EXAMPLE}`,
);

const inputSchema = strictInput({
  tenant: tenantInput.describe(
    'Tenant id; its newest finished phase 3 run holds the model (without one, phase 3 is run for it first)',
  ),
  budget: positive('budget')
    .optional()
    .describe(
      "Total budget for the horizon (default: the historical spend over it, the last year's mean per day or week times the horizon; a channel first spending inside that year: its mean since its first spend); with a target, the largest budget considered (default 3x historical)",
    ),
  days: whole('days', APP_LIMITS.maxPlanDays)
    .optional()
    .describe(
      `Horizon in days after the data (default 28 days / 4 weeks; at most ${APP_LIMITS.maxPlanDays}); or give weeks`,
    ),
  weeks: whole('weeks', APP_LIMITS.maxPlanWeeks)
    .optional()
    .describe(`Horizon in weeks (at most ${APP_LIMITS.maxPlanWeeks}: a 53-week retail year)`),
  scenario: scenario('scenario')
    .optional()
    .describe(
      "Weather outlook built from the tenant's own history: typical (same dates in past years), hot, cold, wet, dry. Default typical",
    ),
  forecast_csv: csvTextLimit(
    z.string({
      error:
        "forecast_csv must be the forecast as CSV text: a header with date and the model's weather columns, one row per period",
    }),
    'forecast_csv',
    'give forecast_path, or only the rows of the horizon',
  )
    .optional()
    .describe(
      "Forecast CSV text instead of a scenario: a date column (from the day/week after the data) and the model's weather columns; it may add the planned values of the tenant's controls (e.g. promo: 1 on next month's promotion days, 0 on the others), which the plan then uses instead of their typical year (a holiday that recurs on the calendar on its past years' dates, a step that has not ended or a walking price at its last value, the other controls at their means)",
    ),
  forecast_path: z
    .string({ error: 'forecast_path must be a string' })
    .min(1, 'forecast_path is empty')
    .max(4096, 'forecast_path is too long')
    .optional()
    .describe(
      "A forecast CSV file instead of forecast_csv: inside one of the directories in the server's WV_MMM_IMPORT_DIRS (a relative path is looked up there), as import_tenant_data's path",
    ),
  compare_scenario: scenario('compare_scenario')
    .optional()
    .describe('Plan the same budget under this scenario too and compare'),
  spend_plan_csv: csvTextLimit(
    z.string({
      error:
        'spend_plan_csv must be a spend plan as CSV text: a header with date and one <channel>_spend column per channel, one row per period from the period after the data',
    }),
    'spend_plan_csv',
    'give spend_plan_path, or one row per period of the horizon',
  )
    .optional()
    .describe(
      "A spend plan to compare with, as CSV text: a date column (one row per day/week from the period after the data) and one column per channel (<channel>_spend or the channel's name; plan://{id}/spend reads back as one). Scored beside the plan as baseline (c) given_plan with the same intervals. Without days/weeks the horizon is its rows; without budget the plan spends its total",
    ),
  spend_plan_path: z
    .string({ error: 'spend_plan_path must be a string' })
    .min(1, 'spend_plan_path is empty')
    .max(4096, 'spend_plan_path is too long')
    .optional()
    .describe(
      "A spend plan CSV file instead of spend_plan_csv: inside one of the directories in the server's WV_MMM_IMPORT_DIRS (a relative path is looked up there), as import_tenant_data's path",
    ),
  bounds: z
    .array(boundInput, {
      error: `bounds must be an array of bound objects such as [${BOUND_EXAMPLE}]`,
    })
    .max(200, 'bounds may hold at most 200 bounds')
    .optional()
    .describe('Per-channel spend bounds'),
  target_roas: positive('target_roas')
    .optional()
    .describe(
      'Instead of spending the budget: the largest budget whose plan has at least this ROAS',
    ),
  target_lower_end: flag('target_lower_end')
    .optional()
    .describe(
      "With target_roas: the target met by the lower end of the plan's ROAS 80% interval (the one the plan reports) instead of its point, so the budget is one the model's refits agree reaches it (default false; needs replicates above 0)",
    ),
  target_marginal_roas: positive('target_marginal_roas')
    .optional()
    .describe('The largest budget whose plan keeps marginal ROAS at or above this'),
  replicates: z
    .number({
      error: `replicates must be 0 or a whole number from ${MIN_PLAN_REPLICATES} to ${MAX_PLAN_REPLICATES}`,
    })
    .int('replicates must be a whole number')
    .min(0, 'replicates must be >= 0')
    .max(MAX_PLAN_REPLICATES, `replicates must be at most ${MAX_PLAN_REPLICATES}`)
    .optional()
    .describe(
      `Bootstrap refits of the model the plan is checked against: the plan moves from the historical split towards the model's optimum only as far as its uplift stays significantly positive, and carries 80%/95% intervals (default ${DEFAULT_PLAN_REPLICATES}; 0 = the unchecked optimum, faster; otherwise at least ${MIN_PLAN_REPLICATES})`,
    ),
  budget_curve: flag('budget_curve')
    .default(false)
    .describe(
      "Also plan 0.5x, 0.75x, 1.25x, 1.5x and 2x the budget, each checked against the refits as the plan is: plan.budget_curve gives each budget's incremental revenue (80%/95% intervals), ROAS and marginal ROAS, and return_on_increment, what the slice of budget from the previous point returns (default false; about one more plan's time per budget)",
    ),
  after_horizon: z
    .enum(AFTER_HORIZON, {
      error: `after_horizon must be one of ${AFTER_HORIZON.join(', ')}`,
    })
    .default('stop')
    .describe(
      "What is spent after the horizon while the plan's carry-over revenue is counted: stop (default: nothing, so spend on the last days is credited with carry-over that no later spend saturates) or continue (each channel goes on at its historical rate per day or week, the same for every plan; what a rolling plan's next month looks like)",
    ),
  per_period: flag('per_period')
    .default(false)
    .describe(
      "Add the per-period series to the answer: each channel's spend_by_period and the outlook's dates, weather and controls (default false: they are horizon x channels numbers, most of a long plan's answer; plan://{id}/spend holds them as CSV)",
    ),
});

const outputSchema = {
  id: z.number().int(),
  tenant: z.string(),
  created_at: z.string(),
  model_run_id: z.number().int().nullable(),
  inputs: z
    .looseObject({
      budget: z.number().nullable().optional(),
      horizon_periods: z.number().int().optional(),
      objective: z.looseObject({ kind: z.string() }).optional(),
      after_horizon: z.enum(AFTER_HORIZON).optional(),
    })
    .describe(
      'The request as stored: budget (null: the historical level, or a target chose it), horizon_periods, outlook, compare_scenario, bounds, objective (kind revenue, target_roas or target_marginal_roas, value, lowerEnd: met by the lower end of the ROAS 80% interval), after_horizon (plans stored before it lack it: stop), replicates, budget_curve and spend_plan when given',
    ),
  plan: z.looseObject({
    horizon: z
      .looseObject({
        periods: z.number().int(),
        unit: z.enum(['day', 'week']),
        start: z.string().describe("The horizon's first day"),
        end: z
          .string()
          .describe(
            "The date of the horizon's last period (weekly: the first day of its last week)",
          ),
        last_day: z
          .string()
          .optional()
          .describe("The horizon's last day (weekly: 6 days after end; daily: end)"),
        tail_periods: z.number().int(),
        after_horizon: z.enum(AFTER_HORIZON).optional(),
        after_horizon_spend: z.record(z.string(), z.number()).nullable().optional(),
      })
      .describe(
        "The periods planned; tail_periods: the periods after the horizon whose carry-over revenue is counted; after_horizon: what is spent then (stop: nothing; continue: each channel's after_horizon_spend per period, its historical rate; plans stored before it lack both)",
      ),
    budget: z.number(),
    bounds: z
      .string()
      .describe('The bounds the plan met, as wv-mmm plan --bounds writes them ("" without)'),
    historical: z
      .looseObject({
        budget: z.number(),
        reference_start: z.string(),
        reference_end: z.string(),
        split: z.record(z.string(), z.number()),
        launched: z
          .array(
            z.looseObject({ channel: z.string(), first_spend: z.string(), periods: z.number() }),
          )
          .optional(),
      })
      .describe(
        "The historical spend over the horizon (each channel's mean per period over the data's last year; a channel launched inside it: since its first spend) and its split: baseline (a)'s",
      ),
    channels: z.array(
      z.looseObject({
        channel: z.string(),
        spend: z.number(),
        share: z.number(),
        historical_spend: z.number(),
        incremental_revenue: metric,
        roas: metric,
        roas_interval: figureIntervalOut.nullable(),
        marginal_roas: metric.describe(
          'Return of the next unit of spend at the plan: near equal across channels not at a bound',
        ),
        at_bound: z.enum(['lower', 'upper']).nullable(),
      }),
    ),
    expected_revenue: z
      .looseObject({ horizon: metric, carry_over_after: metric, total: metric })
      .describe("Revenue in the horizon, and the plan's carry-over revenue after it"),
    incremental_revenue: metric,
    roas: metric,
    roas_interval: figureIntervalOut
      .nullable()
      .optional()
      .describe(
        "The plan's ROAS 80%/95% intervals over the refits (its incremental revenue's per unit of spend, lower ends widened for the optimizer's optimism); null for an unchecked plan",
      ),
    marginal_roas: metric,
    objective: z
      .looseObject({
        kind: z.enum(['revenue', 'target_roas', 'target_marginal_roas']),
        value: z.number().optional(),
        lowerEnd: z.boolean().optional(),
      })
      .optional()
      .describe(
        'What the plan optimizes: revenue at the budget, or the largest budget meeting a target ROAS (lowerEnd: by the lower end of the ROAS 80% interval) or marginal ROAS',
      ),
    target_search: z
      .looseObject({ optimum_budget: z.number(), checked_budget: z.number().nullable() })
      .nullable()
      .optional()
      .describe(
        "A target's searches: the largest budget whose model optimum meets it, and the largest whose checked plan does (the plan's budget)",
      ),
    target_cap: z
      .looseObject({
        budget: z.number(),
        multiple_of_historical: z.number(),
        held: z.literal(true).optional(),
      })
      .optional()
      .describe(
        "A target's largest budget considered: a plan at it may meet the target at larger budgets too (give budget to search further); held: true where the plan stays at baseline (a) (curves in doubt or a model below the bar), whose search goes no further than the historical budget",
      ),
    budget_curve: z
      .array(z.looseObject({ multiple: z.number(), budget: z.number() }))
      .optional()
      .describe('With budget_curve: the plan at 0.5x-2x its budget'),
    baselines: z.array(
      z.looseObject({
        name: z.enum(['historical_even', 'historical_calendar', 'given_plan']),
        description: z.string(),
        spend: z.record(z.string(), z.number()),
        expected_revenue: metric,
        incremental_revenue: metric,
        roas: metric,
        plan_uplift: metric.describe("The plan's incremental revenue minus this baseline's"),
        incremental_revenue_interval: figureIntervalOut.nullable(),
        plan_uplift_interval: figureIntervalOut.nullable(),
      }),
    ),
    weather_shift: z.array(z.looseObject({ channel: z.string(), text: z.string() })),
    losing_channels: z.array(z.looseObject({ channel: z.string(), text: z.string() })),
    uncertainty: z
      .looseObject({
        step: z.number(),
        step_cap: z.number(),
        doubt_hold: z.string().nullable().optional(),
        uplift: metric,
        uplift_interval: figureIntervalOut,
        expected_revenue_interval: figureIntervalOut
          .optional()
          .describe(
            "The expected revenue in the horizon: the refits' interval widened by level_error (the model's out-of-sample error in the level of revenue over as many periods)",
          ),
        level_error: z
          .looseObject({
            horizon: z.number(),
            origins: z.number(),
            bias: metric,
            rmse_observed: metric,
            noise_sd: metric,
            pooled_sd: metric,
            same_season: z.looseObject({ start: z.string(), error: metric, sd: metric }).nullable(),
            level_sd: metric,
            backtests: z.array(z.looseObject({ start: z.string(), error: metric })),
          })
          .nullable()
          .optional()
          .describe(
            "Backtests of the plan model at origins over the last year of the data (each fitted on the rows before it and scored on the horizon's length after it): their errors in revenue summed over the horizon (backtests), the noise of such a sum (noise_sd), the level error pooled over them (pooled_sd) and from the backtest of the same dates a year before the plan's (same_season); level_sd, the larger, widens the expected revenue interval; null when the data hold too few origins",
          ),
        incremental_revenue_interval: figureIntervalOut.optional(),
        text: z.string(),
      })
      .nullable()
      .describe(
        "The check against refits of the model: how far the plan goes from baseline (a) to the model's optimum (step), why it holds (doubt_hold), the uplift over (a) with its interval; null for an unchecked plan (replicates 0)",
      ),
    notes: z.array(z.string()),
    truth: z.looseObject({}).nullable(),
  }),
  comparison: z
    .looseObject({})
    .nullable()
    .describe(
      "The same budget planned under compare_scenario: plan (without the fields it shares with the plan's, named in selection.comparison_same_as_plan) and comparison (the two side by side)",
    ),
  selection: z
    .looseObject({
      per_period: z.boolean().describe('Whether the per-period series are in the answer'),
      left_out: z.array(z.string()).describe('Paths of the per-period series left out'),
      per_period_csv: z
        .array(z.string())
        .describe(
          'The CSV resources that hold them: plan://{id}/spend, and plan://{id}/comparison/spend with a comparison',
        ),
      comparison_same_as_plan: z
        .array(z.string())
        .describe("Fields of comparison.plan left out because they equal plan's"),
      figures: z.string().describe('How the numbers are given'),
    })
    .describe(
      'What the answer holds of the stored plan: metrics to 6 significant digits, the budget and spend amounts exact (wv-mmm plan --json prints every field and digit)',
    ),
  model_validation: z
    .looseObject({
      run_id: z.number().int(),
      mean_r2: z.number(),
      se_r2: z.number().nullable(),
      pass_threshold: z.number(),
      planned_model_r2: z.number().optional(),
      passes: z.boolean(),
      run_for_this_plan: z.boolean().optional(),
    })
    .nullable()
    .describe(
      "The phase 3 run's cross-validated fold R² for this tenant (weekly: also the planned adstock/Hill model's own); null for plans stored before it was kept",
    ),
  caveats: z
    .array(caveatOut)
    .describe(
      'Read first, in this order: units_mismatch (revenue and spend look like different units: every ROAS off by that factor), channels_not_separable (two channels with identical or r >= 0.99 spend: their split is arbitrary), level_shift (revenue at another level from one date on, with no term for it), model_fails_threshold (the plan rests on a model below the pass bar), ridge_form (the phase 3 model is a blend or GBM: the plan uses its Ridge form), lift_test_conflict (lift tests of the tenant in conflict with the data or the refits of the plan model: not used by the plan, check the experiment; the plan is calibrated with the others, plan.lift_calibration says which, and the summary says "calibrated with N lift tests"), lift_test_below_spend (a lift test used that the data cannot check: far from the reading of its window by the plan model, where that reading is mostly below the usual spend of the channel), lift_test_judged_differently (the calibrated explanation explain kept beside the run of the plan model used a lift test this plan leaves out, or left out one it uses), roas_moved_since_previous (the explanation kept with this model moved a channel\'s ROAS beyond both 80% intervals since the previous explanation on other data: check what changed before moving budget on it), cut_channel_not_identified (the plan cuts a channel below 90% of its spend in baseline (a) whose ROAS the explanation of these data cannot tell from zero: keep it near its history with a bound unless a lift test measures it), curve_fit_in_doubt (the curve fit of the planner stops at the bounds of its search or credits the media with more than the revenue: its claims are not to be moved on), convex_curve (channels whose modeled return rises faster and faster over nearly all the data: where they saturate is an extrapolation), media_loses_money (the plan model credits baseline (a) with no positive incremental revenue: the media as a whole read as losing money, so the returns of its channels carry sign errors; plan.media_loss holds the figures); with any of those three a checked plan stays at baseline (a) (plan.uncertainty.doubt_hold says why, plan.uncertainty.model_optimum keeps the optimum of the model), media_beyond_revenue (the plan model, or refits that carry the incremental revenue interval above the expected revenue, put the revenue without advertising below zero over the plan window: incremental figures overstated), revenue_below_zero (the 95% interval of the expected revenue in the horizon reaches below zero: the forecast is not stable under refits, or the backtests of the model over the last year missed by that much), interval_spans_zero (channels whose 95% ROAS interval at the plan includes zero), target_met_by_point (a target ROAS met by the point ROAS of the plan while the lower end of its 80% interval is below it: target_lower_end gives the largest budget whose lower end reaches it), forecast_beyond_history (a forecast weather column goes past the range of the history by more than its spread: the weather terms are extrapolated; check its units)',
    ),
  on_current_data: z
    .boolean()
    .nullable()
    .describe(
      'false when the tenant no longer has the data the plan was made on (imported or generated again, or deleted since; read_first then says so first); null when not known (a plan stored before plans kept their data, whose model run is gone or, for a generated tenant, was made by other code); a new plan: true',
    ),
  on_current_lift_tests: z
    .boolean()
    .describe(
      "false when the tenant's lift tests are not those the plan was made with (added, removed or changed since; read_first then says so): its calibration and conflict lines describe the tests it had",
    ),
  read_first: z.array(z.string()),
  summary: z.array(z.string()),
};

function toBound(b: z.infer<typeof boundInput>): ChannelBound {
  const v = (x: number | undefined) =>
    x === undefined ? undefined : { value: x, multiple: b.multiple_of_historical };
  return { channel: b.channel, min: v(b.min), max: v(b.max), perPeriod: b.per_period };
}

/**
 * A CSV given as text (named by its argument in messages) or as a file path (the app reads it
 * from the import directories and refuses both at once).
 */
function csvOrPath(
  csv: string | undefined,
  file: string | undefined,
  argument: string,
): { csv?: string; path?: string; fileName?: string } | undefined {
  if (csv !== undefined && file !== undefined) return { csv, path: file };
  if (csv !== undefined) return { csv, fileName: argument };
  return file !== undefined ? { path: file } : undefined;
}

export function registerPlanBudget(
  server: McpServer,
  { app, log, protocolVersion }: ToolDeps,
): void {
  server.registerTool(
    'plan_budget',
    {
      title: 'Plan a media budget with the weather',
      description:
        "Split a budget over channels and days (or weeks) after a tenant's data to maximize expected revenue under its phase 3 model and a weather outlook (a named scenario or a forecast), counting carry-over from past spend and after the horizon. " +
        'Returns the plan beside two baselines (historical split spread evenly / following the calendar), and beside a spend plan of yours when given (spend_plan_csv or spend_plan_path: baseline (c), what the plan gains over it with intervals), marginal ROAS per channel, the shift the weather causes, and for the built-in tenants and generated ones without shape options the regret under the ground truth. ' +
        'Uses the newest finished phase 3 run covering the tenant; without one it runs phase 3 for the tenant first (a stored run, as run_phase makes; seconds, with progress; it then is the latest phase 3 run, so pass run_id to check_gates to judge another run). With lift tests recorded (add_lift_test), the plan model is calibrated to them as the model of explain_tenant is (plan.lift_calibration lists each test, used or in conflict). A first plan of a large tenant (many channels or years) can take more than a minute: ask for progress, or run_phase first (cancelling the request stops the plan, but the steps it finished are kept: the phase 3 run and its model, and the curve fit and refits of a first checked plan, most of its time; so a retry after a timeout goes on from there). The plan is stored: the result links it (resource_link plan://{id}, JSON) and its spend per period as CSV (plan://{id}/spend; with compare_scenario also plan://{id}/comparison/spend), to read again as those resources (resources/list lists the stored plans with their headline figures). ' +
        "The answer is sized for an agent's context: the per-period series (each channel's spend per day or week, the outlook's dates and weather) are left out unless per_period: true (the CSV holds them), the compared plan leaves out what it shares with the plan, and the estimates are given to 6 significant digits, the budget and spend amounts exactly; `selection` says so. Sends progress when asked.",
      inputSchema,
      outputSchema,
      annotations: {
        title: 'Plan a media budget with the weather',
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    (args, extra) =>
      guarded('plan_budget', log, async () => {
        const progress = forwardProgress(extra);
        try {
          const p = await app.planBudget(
            {
              tenant: args.tenant,
              budget: args.budget,
              days: args.days,
              weeks: args.weeks,
              scenario: args.scenario,
              forecast: csvOrPath(args.forecast_csv, args.forecast_path, 'forecast_csv'),
              compareScenario: args.compare_scenario,
              budgetCurve: args.budget_curve,
              afterHorizon: args.after_horizon,
              spendPlan: csvOrPath(args.spend_plan_csv, args.spend_plan_path, 'spend_plan_csv'),
              bounds: args.bounds?.map(toBound),
              targetRoas: args.target_roas,
              targetMarginalRoas: args.target_marginal_roas,
              targetLowerEnd: args.target_lower_end,
              replicates: args.replicates,
            },
            // The phase 3 run a first plan starts records why it stopped, as run_phase's does
            // (it said 'cancelled by the caller' for a client's cancel and a closed connection).
            {
              onProgress: progress.onProgress,
              signal: runSignal(extra.signal, () => server.isConnected()),
            },
          );
          // plan://{id} is listed (and the phase 3 run a first plan made).
          resourcesChanged(server);
          const view = planView(p, { perPeriod: args.per_period });
          const result = ok(
            view,
            [
              `plan://${p.id}`,
              ...p.read_first,
              ...p.summary,
              planSelectionLine(view.selection, p.plan.horizon.unit),
            ].join('\n'),
          );
          // The stored plan as a resource the client can read again (resources/read plan://{id}).
          const name = `plan ${p.id} (${p.tenant})`;
          result.content.push(
            resourceLink(protocolVersion(), {
              uri: `plan://${p.id}`,
              name,
              title: name,
              mimeType: 'application/json',
              description: p.summary[0] ?? name,
            }),
          );
          result.content.push(
            resourceLink(protocolVersion(), {
              uri: `plan://${p.id}/spend`,
              name: `${name} spend`,
              title: `${name}: spend per ${p.plan.horizon.unit} (CSV)`,
              mimeType: 'text/csv',
              description: `${p.plan.horizon.periods} rows: date, ${p.plan.channels.map((c) => c.channel).join(', ')}, then the outlook's weather${p.plan.outlook.controls ? ' and the controls the plan assumed' : ''}`,
            }),
          );
          if (p.comparison) {
            result.content.push(
              resourceLink(protocolVersion(), {
                uri: `plan://${p.id}/comparison/spend`,
                name: `${name} comparison spend`,
                title: `${name}: spend per ${p.plan.horizon.unit} under ${p.comparison.comparison.b} (CSV)`,
                mimeType: 'text/csv',
                description: `The compared plan's ${p.comparison.plan.horizon.periods} rows, as plan://${p.id}/spend`,
              }),
            );
          }
          await progress.finish();
          return result;
        } finally {
          progress.stop();
        }
      }),
  );
}
