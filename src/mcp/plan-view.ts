/**
 * A stored plan as plan_budget answers it and `plan://{id}` serves it: sized for an agent's
 * context. Session 52 measured 137 KB of structured JSON (about 34,000 tokens, above the 25,000
 * Claude Code takes from a tool) for a 371-day plan of 12 channels: 85 KB of it the spend per day
 * of each channel at full precision, which `plan://{id}/spend` serves as CSV, 16 KB the
 * outlook's weather per day, and with compare_scenario the whole second plan again. The CLI's
 * `plan --json` keeps every field and every digit.
 */
import type { PlanResult, StoredPlan } from '../app/types.js';
import { FIGURE_DIGITS, roundFigures } from './results.js';

/**
 * Keys whose numbers stay exact: the money of the spend (the budget, each channel's total and
 * per-period spend, which sum to the budget as the summary says, the baselines', the model
 * optimum's and the truth's splits, the comparison's spend per channel) and each channel's
 * historical spend over the same span. Everything else numeric in the plan is an estimate or a
 * ratio (revenue, ROAS, shares, intervals, curve parameters, the outlook's weather) and is rounded.
 */
export const PLAN_EXACT_KEYS: ReadonlySet<string> = new Set([
  'budget',
  'spend',
  'spend_by_period',
  'historical_spend',
  'anchor_spend',
  'optimum_spend',
  'optimal_spend',
  'optimum_budget',
  'checked_budget',
  'spend_a',
  'spend_b',
  'difference',
]);

/** The per-period series of a plan, by path: left out unless per_period is asked. */
export const PER_PERIOD_FIELDS = [
  'channels[].spend_by_period',
  'outlook.dates',
  'outlook.weather',
  'outlook.controls',
] as const;

/** What the answer holds of the stored plan (plan_budget's `selection`, plan://{id}'s). */
export interface PlanSelection {
  /** Whether the per-period series are in the answer. */
  per_period: boolean;
  /** Paths (under plan, and comparison.plan) left out; empty with per_period. */
  left_out: string[];
  /** The CSV resources that hold the spend per period and the outlook's weather. */
  per_period_csv: string[];
  /**
   * Fields of comparison.plan left out because they are the same as plan's (the tenant, the
   * horizon, the model, the history's attribution ...); empty without a comparison.
   */
  comparison_same_as_plan: string[];
  /** How the numbers are given. */
  figures: string;
}

export type PlanView = Omit<StoredPlan, 'plan' | 'comparison'> & {
  plan: Record<string, unknown>;
  comparison: { plan: Record<string, unknown>; comparison: unknown } | null;
  selection: PlanSelection;
};

/** The CSV of the plan's spend per period, and of the compared plan's when there is one. */
export function perPeriodCsvUris(p: Pick<StoredPlan, 'id' | 'comparison'>): string[] {
  return [`plan://${p.id}/spend`, ...(p.comparison ? [`plan://${p.id}/comparison/spend`] : [])];
}

/**
 * The stored plan as an agent reads it: without the per-period series unless `perPeriod` (their
 * place, plan://{id}/spend, is named in `selection`), the compared plan without the fields it
 * shares with the plan, estimates to FIGURE_DIGITS significant digits (PLAN_EXACT_KEYS
 * exact). The plan's inputs, model_validation, caveats and text lines are as stored.
 */
export function planView(p: StoredPlan, opts: { perPeriod: boolean }): PlanView {
  const plan = figures(opts.perPeriod ? p.plan : withoutPerPeriod(p.plan));
  let comparison: PlanView['comparison'] = null;
  const same: string[] = [];
  if (p.comparison) {
    const other = figures(opts.perPeriod ? p.comparison.plan : withoutPerPeriod(p.comparison.plan));
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(other)) {
      // `outlook` differs in its source at least; the per-period parts are left out above.
      if (key in plan && sameJson(value, plan[key])) same.push(key);
      else kept[key] = value;
    }
    comparison = {
      plan: kept,
      comparison: roundFigures(p.comparison.comparison, FIGURE_DIGITS, PLAN_EXACT_KEYS),
    };
  }
  const leftOut = opts.perPeriod
    ? []
    : PER_PERIOD_FIELDS.filter((f) => f !== 'outlook.controls' || p.plan.outlook.controls).flatMap(
        (f) => [`plan.${f}`, ...(p.comparison ? [`comparison.plan.${f}`] : [])],
      );
  return {
    ...p,
    plan,
    comparison,
    selection: {
      per_period: opts.perPeriod,
      left_out: leftOut,
      per_period_csv: perPeriodCsvUris(p),
      comparison_same_as_plan: same,
      figures: `estimates to ${FIGURE_DIGITS} significant digits; the budget and spend amounts exact (${[...PLAN_EXACT_KEYS].join(', ')})`,
    },
  };
}

/**
 * The plan without its per-period series (PER_PERIOD_FIELDS); outlook keeps its weather's and its
 * controls' names.
 */
function withoutPerPeriod(plan: PlanResult): Record<string, unknown> {
  const { dates: _dates, weather, controls, ...outlook } = plan.outlook;
  return {
    ...plan,
    outlook: {
      ...outlook,
      weather_columns: Object.keys(weather),
      ...(controls ? { control_columns: Object.keys(controls) } : {}),
    },
    channels: plan.channels.map(({ spend_by_period: _series, ...rest }) => rest),
  };
}

function figures(plan: PlanResult | Record<string, unknown>): Record<string, unknown> {
  return roundFigures(plan, FIGURE_DIGITS, PLAN_EXACT_KEYS) as Record<string, unknown>;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One line of text: what the answer leaves out and where it is. */
export function planSelectionLine(s: PlanSelection, unit: 'day' | 'week'): string {
  const series = s.per_period
    ? 'per-period series included'
    : `the spend per ${unit} of each channel and the outlook's weather${s.left_out.includes('plan.outlook.controls') ? ' and controls' : ''} per ${unit} left out: ${s.per_period_csv.join(' and ')} ${s.per_period_csv.length > 1 ? 'hold' : 'holds'} them as CSV (per_period: true adds them)`;
  const same =
    s.comparison_same_as_plan.length > 0
      ? `; comparison.plan leaves out what it shares with plan (${s.comparison_same_as_plan.join(', ')})`
      : '';
  return `Shown: ${series}${same}; estimates to ${FIGURE_DIGITS} significant digits, the budget and spend amounts exact.`;
}
