/** Plain-text readings of plans for both faces: one plan, and two plans under different outlooks. */
import { formatSignificant } from '../core/csv/numbers.js';
import { csvCell } from '../core/csv/serialize.js';
import { isoFromDays, parseIsoDay } from '../core/csv/dates.js';
import { figureInterval } from '../phases/intervals.js';
import type { FigureInterval } from '../phases/types.js';
import type { PlanBaseline, PlanResult } from './plan.js';
import { refitIncrementals } from './refit-incrementals.js';
import { MIN_PLAN_REPLICATES } from './replicates.js';

/** A baseline's letter in words: (a) historical_even, (b) historical_calendar, (c) given_plan. */
export function baselineLetter(name: PlanBaseline['name']): string {
  return name === 'historical_even' ? '(a)' : name === 'historical_calendar' ? '(b)' : '(c)';
}

/** The units of shortMoney, smallest first, with the decimals each shows. */
const MONEY_UNITS = [
  { scale: 1, suffix: '', digits: 0 },
  { scale: 1e3, suffix: 'k', digits: 1 },
  { scale: 1e6, suffix: 'M', digits: 2 },
  { scale: 1e9, suffix: 'B', digits: 2 },
  { scale: 1e12, suffix: 'T', digits: 2 },
] as const;

/**
 * The finest amount a plan's text shows: a cent, or finer where the revenue is counted in large
 * units (in millions, a spend of 0.0015 a day is 1,500 and read "0" to the cent): 1e-7 of `scale`
 * (the revenue of the horizon), as a power of ten, at most a cent. Below it an amount reads 0, so
 * the dust of floating-point sums does not print as a figure.
 */
export function moneyResolution(scale: number): number {
  if (!(Number.isFinite(scale) && scale > 0)) return 0.01;
  return Math.min(0.01, 10 ** (Math.floor(Math.log10(scale)) - 7));
}

/** Three significant figures, no finer than `resolution` (a power of ten). */
export function smallAmount(v: number, resolution = 0.01): string {
  const digits = Math.max(0, -Math.round(Math.log10(resolution)));
  return String(Number(Number(v.toPrecision(3)).toFixed(digits)) || 0);
}

/**
 * An amount in a few characters: 950, 12.3k, 4.56M, 7.89B, 1.00T (budgets go up to 1e12);
 * scientific from 1000T. The unit is the largest the amount reaches, one up when rounding would
 * show 1000 of it (999,999 is 1.00M, not 1000.0k). Below 100, three significant figures down to
 * `resolution` (default a cent; moneyResolution): a budget of 0.01 read "budget 0" when every
 * amount was rounded to a whole unit.
 */
export function shortMoney(v: number, resolution = 0.01): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) < 99.95) return smallAmount(v, resolution);
  let i = MONEY_UNITS.length - 1;
  while (i > 0 && Math.abs(v) < MONEY_UNITS[i].scale) i--;
  for (; i < MONEY_UNITS.length; i++) {
    const { scale, suffix, digits } = MONEY_UNITS[i];
    const text = (v / scale).toFixed(digits);
    if (Math.abs(Number(text)) < 1000) return text + suffix;
  }
  return v.toExponential(2);
}

/** The index in MONEY_UNITS of the unit shortMoney writes `v` in; -1 below 99.95 or beyond the units. */
function moneyUnitOf(v: number): number {
  if (!Number.isFinite(v) || Math.abs(v) < 99.95) return -1;
  let i = MONEY_UNITS.length - 1;
  while (i > 0 && Math.abs(v) < MONEY_UNITS[i].scale) i--;
  for (; i < MONEY_UNITS.length; i++) {
    const { scale, digits } = MONEY_UNITS[i];
    if (Math.abs(Number((v / scale).toFixed(digits))) < 1000) return i;
  }
  return -1;
}

/**
 * The two ends of an interval in one unit, the larger end's: "0.0286k to 26.2k", not "28.6 to
 * 26.2k" (a probe read "80% interval 9.23 to 1.3k" as a typo). The smaller end keeps the unit's
 * decimals, or as many more (up to 4) as show three significant figures of it; an end below
 * `resolution` reads 0. Ends shortMoney writes in the same unit, or both below 100, are
 * shortMoney's.
 */
export function moneyRange(lo: number, hi: number, resolution = 0.01): [lo: string, hi: string] {
  const unit = moneyUnitOf(Math.abs(lo) >= Math.abs(hi) ? lo : hi);
  const own = (v: number): string => shortMoney(v, resolution);
  if (unit <= 0) return [own(lo), own(hi)];
  const { scale, suffix, digits } = MONEY_UNITS[unit];
  const at = (v: number): string => {
    if (moneyUnitOf(v) === unit) return own(v);
    if (!Number.isFinite(v)) return String(v);
    if (Math.abs(v) < resolution) return '0';
    const x = v / scale;
    const d = Math.min(digits + 4, Math.max(digits, Math.ceil(-Math.log10(Math.abs(x))) + 2));
    const text = x.toFixed(d);
    return Number(text) === 0 ? '0' : text + suffix;
  };
  return [at(lo), at(hi)];
}

/**
 * Two amounts of one message (a total beside the budget it misses) in shortMoney's form, or to
 * the cent with thousands separators where that form would print them alike ("the minimum spends
 * add up to 259.6k, more than the budget 259.6k").
 */
export function moneyPair(a: number, b: number): [string, string] {
  const [x, y] = [shortMoney(a), shortMoney(b)];
  if (x !== y || a === b) return [x, y];
  const exact = (v: number): string =>
    v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return [exact(a), exact(b)];
}

/** shortMoney at the resolution of a plan's amounts (moneyResolution of its horizon's revenue). */
export function planMoney(p: Partial<Pick<PlanResult, 'expected_revenue'>>): (v: number) => string {
  // (a cent where the figure is missing: partial plans in tests, plans stored by old versions)
  const resolution = moneyResolution(Math.abs(p.expected_revenue?.horizon ?? 0));
  return (v) => shortMoney(v, resolution);
}

/** An amount formatter and its signed and range forms (a range's ends in one unit: moneyRange). */
function moneyWords(money: (v: number) => string, resolution = 0.01) {
  // An amount that rounds to zero reads "+0" whatever its sign: a given plan equal to baseline (a)
  // read "plan +0 (80% -0 to +0)", the -0 being a rounding error of 1e-10.
  const sign = (v: number, shown: string): string => (v >= 0 || ZERO_SHOWN.test(shown) ? '+' : '-');
  const signed = (v: number): string => {
    const shown = money(Math.abs(v));
    return `${sign(v, shown)}${shown}`;
  };
  return {
    money,
    signed,
    range: ([lo, hi]: readonly [number, number]): string => {
      const [a, b] = moneyRange(lo, hi, resolution);
      return `${a} to ${b}`;
    },
    signedRange: ([lo, hi]: readonly [number, number]): string => {
      const [a, b] = moneyRange(Math.abs(lo), Math.abs(hi), resolution);
      return `${sign(lo, a)}${a} to ${sign(hi, b)}${b}`;
    },
  };
}

/** An amount shown as zero ("0", "0.00", "0k"). */
const ZERO_SHOWN = /^0(?:\.0*)?[kMB]?$/;

/** The resolution of a plan's amounts (planMoney's). */
function planResolution(p: Partial<Pick<PlanResult, 'expected_revenue'>>): number {
  return moneyResolution(Math.abs(p.expected_revenue?.horizon ?? 0));
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

/**
 * A target's figure this close below it reads as reached: the checked plan is solved again at the
 * budget its search found, from another start, and lands within rounding of the same figure.
 */
export const TARGET_TOLERANCE = 1e-6;

/**
 * The horizon's last day from the date of its last period: a weekly row's date is the first day
 * of its week, so the header read "4 weeks from 2024-12-30 to 2025-01-20" of a horizon that runs
 * to 2025-01-26. From `end` rather than PlanResult.horizon.last_day, which plans stored before it
 * lack.
 */
export function horizonLastDay(end: string, unit: 'day' | 'week'): string {
  return unit === 'week' ? isoFromDays(parseIsoDay(end) + 6) : end;
}

/**
 * "32 refits of the model (20 on bootstrap replicates of the data, 5 on its training windows, 7
 * with the phase 3 search's window curves)": the count alone read as a mismatch with the 20
 * replicates asked for. Plans stored before the kinds were kept: the count alone.
 */
function refitWords(u: NonNullable<PlanResult['uncertainty']>): string {
  const head = `${u.used} refits of the model`;
  const k = u.used_by_kind;
  if (!k || k.bootstrap === u.used) return head;
  const parts = [
    k.bootstrap > 0 ? `${k.bootstrap} on bootstrap replicates of the data` : null,
    k.window > 0 ? `${k.window} on its training windows` : null,
    k.estimator > 0 ? `${k.estimator} with the phase 3 search's window curves` : null,
  ].filter((x): x is string => x !== null);
  return `${head} (${parts.join(', ')})`;
}

/**
 * What widened the expected revenue's interval beyond the refits (level-error.ts), naming the
 * source of the figure: " (with the model's error out of sample: its level off by 35.1k (sd) over
 * 28 days in its 14 backtests over the last year)", or, when the backtest of the same dates a year
 * before set it, that backtest with the pooled figure beside it (an outside probe read the pooled
 * wording over a figure that one backtest had set); or why it could not be measured. Plans stored
 * before it: nothing.
 */
export function levelErrorWords(
  u: NonNullable<PlanResult['uncertainty']>,
  money: (v: number) => string,
  unit: string,
): string {
  if (u.level_error === undefined) return '';
  if (u.level_error === null)
    return " (the refits' alone: the data hold too few periods before their end to measure the model's error out of sample)";
  const e = u.level_error;
  const span = `over ${e.horizon} ${unit}${e.horizon === 1 ? '' : 's'}`;
  const all = `its ${e.origins} backtests over the last year`;
  const same = e.same_season;
  if (same && same.sd > e.pooled_sd) {
    return ` (with the model's error out of sample: its level off by ${money(same.sd)} (sd) ${span}, set by its backtest on the same dates a year before, from ${same.start}: off by ${money(Math.abs(same.error))}, ${same.error < 0 ? 'low' : 'high'}; ${all} pooled: ${money(e.pooled_sd)})`;
  }
  if (e.pooled_sd === 0) {
    // Not "off by 0": the backtests missed, by no more than the revenue's own noise explains
    // (an outside probe read "its level off by 0 (sd)" beside backtests that missed by 18.8k).
    return ` (the model's error out of sample adds nothing: ${all} missed ${span} by ${money(e.rmse_observed)} (root mean square), no more than the revenue's own noise over that span explains (${money(e.noise_sd)}, sd)${same ? '' : '; none reaches the same dates a year before'})`;
  }
  return ` (with the model's error out of sample: its level off by ${money(e.pooled_sd)} (sd) ${span} in ${all}${same ? '' : '; none reaches the same dates a year before'})`;
}

/**
 * What the carry-over after the horizon was counted with (PlanRequest.afterHorizon), said beside
 * it: a stop plan's and a continued one's figures are not comparable (probe s72 D). Plans stored
 * before the option lack the field: nothing is said.
 */
function afterHorizonWords(p: PlanResult): string {
  const k = p.horizon.tail_periods;
  if (k === 0 || p.horizon.after_horizon === undefined) return '';
  const span = `${k} ${p.horizon.unit}${k === 1 ? '' : 's'}`;
  return p.horizon.after_horizon === 'continue'
    ? ` (${span}, with the spend going on)`
    : ` (${span}, with nothing more spent)`;
}

/** The lines a person reads first: budget split, revenue beside the baselines, marginal ROAS, weather shift, truth. */

/**
 * What the plan's lift tests did (PlanResult.lift_calibration): "calibrated with N lift tests"
 * and the tests in conflict or skipped, or null when the tenant has none.
 */
export function liftCalibrationLine(p: PlanResult): string | null {
  const c = p.lift_calibration ?? null;
  if (c === null) return null;
  const used = c.tests.filter((t) => t.used);
  const conflicting = c.tests.filter((t) => t.conflict && !t.used);
  const s = (n: number): string => (n === 1 ? '' : 's');
  const ids = (ts: typeof c.tests): string =>
    ts.map((t) => (t.id !== undefined ? `#${t.id} ` : '') + t.channel).join(', ');
  const head =
    used.length > 0
      ? `calibrated with ${used.length} lift test${s(used.length)} (${ids(used)}): the plan model and its refits match them as far as the data allow${c.held_channels.length > 0 ? `; ${c.held_channels.join(', ')} without a used test keep${c.held_channels.length === 1 ? 's' : ''} the uncalibrated curve` : ''} ` +
        // A probe's honest tv test: explain left it out as a conflict, the plan used it, and
        // neither said the two check it against different models.
        `(each test judged against the plan's own model and refits; explain judges it against the phase 3 model and may leave out a test used here)`
      : `not calibrated: none of the ${c.tests.length + c.skipped.length} lift test${s(c.tests.length + c.skipped.length)} could be used`;
  const parts = [head];
  // A test left out for being out of line with its channel's other tests (which are used) says
  // so, as explain's table does: "in conflict" alone read as a verdict on the data.
  const outOfLine = (t: (typeof c.tests)[number]): string =>
    t.conflict_with === 'tests' && (t.out_of_line_with ?? []).length > 0
      ? ` out of line with ${(t.out_of_line_with ?? []).join(', ')}`
      : '';
  if (conflicting.length > 0)
    parts.push(
      `${conflicting.length} in conflict with the data, the plan model's refits or the channel's other tests, not used (${conflicting.map((t) => ids([t]) + outOfLine(t)).join(', ')}): check the experiment`,
    );
  if (c.skipped.length > 0) parts.push(c.skipped.join('; '));
  return parts.join('; ');
}

export function planSummaryLines(p: PlanResult): string[] {
  const { money, signed, range, signedRange } = moneyWords(planMoney(p), planResolution(p));
  const unit = p.horizon.unit;
  const lines: string[] = [];
  // A target's budget is chosen with the model's optimum; when the checked plan at that budget
  // stops short of the target, the first line says so (it said "with ROAS >= 3.5" above a plan
  // whose ROAS was 3.49, and only a note at the end told).
  let goal = `budget ${money(p.budget)}`;
  if (p.objective.kind !== 'revenue') {
    const what = p.objective.kind === 'target_roas' ? 'ROAS' : 'marginal ROAS';
    const reached = p.objective.kind === 'target_roas' ? p.roas : p.marginal_roas;
    // The checked plan's budget is searched for the target itself (plan.ts
    // budgetForCheckedTarget); the model's optimum reaches it at a larger one, said beside it.
    const search = p.target_search ?? null;
    const optimum =
      search && search.checked_budget !== null && search.optimum_budget > p.budget
        ? ` (the model's own optimum reaches it up to ${money(search.optimum_budget)}; the plan, checked against the model's refits, up to this budget)`
        : '';
    // The target is met by the point estimate; the ROAS's own interval says how sure (probe s71:
    // ROAS 3 "met" at 350.1k, true 2.65, the model's incremental revenue 11-13% above the truth).
    const iv = p.uncertainty?.incremental_revenue_interval ?? null;
    const spent = p.budget - (p.held?.spend ?? 0);
    const sure =
      p.objective.kind === 'target_roas' && iv !== null && spent > 0
        ? `; met by the point estimate: the plan's ROAS ${p.roas.toFixed(2)}, 80% interval ${(iv.p80[0] / spent).toFixed(2)} to ${(iv.p80[1] / spent).toFixed(2)}${iv.p80[0] / spent < p.objective.value ? `, whose lower end is below ${p.objective.value}: a smaller budget meets the target with more certainty` : ''}`
        : '';
    // At the search's largest budget a larger one may reach the target too (probe s72 E: a
    // 12-channel plan "met" its target at exactly 3x the history, and said nothing of the cap).
    const capped =
      p.target_cap && p.budget >= p.target_cap.budget * (1 - 1e-9)
        ? p.target_cap.held
          ? '; this is the historical spend for the span, the largest budget searched on curves the plan does not move on (it stays at baseline (a)): a larger one would read them past the data (give a budget to search further anyway)'
          : `; this is the largest budget the search considers (${p.target_cap.multiple_of_historical.toFixed(1)}x the historical spend for the span): a larger one may reach the target too, give a larger budget to search further`
        : '';
    const lowerEnd =
      p.objective.kind === 'target_roas' &&
      p.objective.lowerEnd === true &&
      iv !== null &&
      spent > 0
        ? iv.p80[0] / spent
        : null;
    goal =
      lowerEnd !== null && p.objective.kind === 'target_roas'
        ? `largest budget whose ROAS has the lower end of its 80% interval >= ${p.objective.value}: ${money(p.budget)}${capped} (the plan's ROAS ${p.roas.toFixed(2)}, 80% interval ${lowerEnd.toFixed(2)} to ${(iv!.p80[1] / spent).toFixed(2)}${lowerEnd < p.objective.value * (1 - TARGET_TOLERANCE) ? `: the plan solved again at this budget ends below the target's ${p.objective.value}` : ''}${search && search.optimum_budget > p.budget ? `; the model's own optimum reaches ROAS ${p.objective.value} by its point up to ${money(search.optimum_budget)}` : ''})`
        : reached < p.objective.value * (1 - TARGET_TOLERANCE)
          ? `largest budget whose model-optimal plan has ${what} >= ${p.objective.value}: ${money(p.budget)} (the checked plan below reaches ${reached.toFixed(3)}${search && search.checked_budget === null ? '; no smaller budget, down to a tenth of it, makes a checked plan that reaches the target' : ''})`
          : `largest budget with ${what} >= ${p.objective.value}: ${money(p.budget)}${capped}${optimum}${sure}`;
  }
  lines.push(
    `${p.tenant}: ${p.horizon.periods} ${unit}${p.horizon.periods === 1 ? '' : 's'} from ${p.horizon.start} to ${horizonLastDay(p.horizon.end, p.horizon.unit)}, ${goal}, outlook ${p.outlook.source}`,
  );
  lines.push(
    `split: ${p.channels.map((c) => `${c.channel} ${money(c.spend)} (${pct(c.share)}, historical ${money(c.historical_spend)})`).join(', ')}`,
  );
  lines.push(
    `expected revenue ${money(p.expected_revenue.horizon)} in the horizon ${p.expected_revenue.carry_over_after < 0 ? '-' : '+'} ${money(Math.abs(p.expected_revenue.carry_over_after))} carry-over after it${afterHorizonWords(p)}; incremental ${money(p.incremental_revenue)} (ROAS ${p.roas.toFixed(2)})${beyondRevenueWords(p)}${p.held ? `, without ${p.held.channels.join(', ')} (held: ${money(p.held.spend)} of spend, ${money(p.held.incremental_revenue)} of modeled revenue, not counted)` : ''}`,
  );
  const lift = liftCalibrationLine(p);
  if (lift !== null) lines.push(lift);
  // Plans stored before version 2 have no uncertainty block.
  const u = p.uncertainty ?? null;
  if (u) {
    lines.push(
      `80% / 95% intervals over ${refitWords(u)}${u.selection_margin && u.selection_margin.p80 > 0 ? " (lower ends widened for the optimizer's optimism)" : ''}: expected revenue in the horizon ${range(u.expected_revenue_interval.p80)} / ${range(u.expected_revenue_interval.p95)}${levelErrorWords(u, money, unit)}, incremental ${range(u.incremental_revenue_interval.p80)} / ${range(u.incremental_revenue_interval.p95)}`,
    );
  }
  // A plan that stays at baseline (a) is (a): its uplift over it is no estimate, and "+0 (80% +0
  // to +0)" read as a certainty that there was nothing to gain (a probe's held plans, where the
  // truth's best split added 44-67%).
  const isA = u !== null && u.step === 0 && u.anchor === 'historical_even';
  for (const b of p.baselines) {
    const iv = b.plan_uplift_interval ?? null;
    const uplift =
      isA && b.name === 'historical_even'
        ? 'the plan is this baseline (it stays there: no uplift over it is claimed, none is measured)'
        : `plan ${signed(b.plan_uplift)}${iv ? ` (80% ${signedRange(iv.p80)}, 95% ${signedRange(iv.p95)})` : ''}`;
    lines.push(
      `  vs ${baselineLetter(b.name)} ${b.description}: ${b.name === 'given_plan' ? `spend ${money(Object.values(b.spend).reduce((a, v) => a + v, 0))}, expected revenue ${money(b.expected_revenue)}, ` : ''}incremental ${money(b.incremental_revenue)}${b.name === 'given_plan' ? ` (ROAS ${b.roas.toFixed(2)})` : ''}, ${uplift}`,
    );
  }
  if (p.budget_curve) lines.push(budgetCurveLine(p, money, range));
  lines.push(
    `marginal ROAS at the plan: ${p.channels.map((c) => `${c.channel} ${c.marginal_roas.toFixed(3)}${c.at_bound ? ` (at its ${c.at_bound} bound)` : ''}`).join(', ')}`,
  );
  // A model without weather columns moves no channel: one line says so for all of them.
  const noWeather =
    p.weather_shift.length > 0 && p.weather_shift.every((s) => s.effect === 'no_weather_in_model');
  if (noWeather) {
    lines.push(
      'weather: the model has no weather columns (the data has none it models), so the weather moves none of the budget',
    );
  } else for (const s of p.weather_shift) lines.push(`weather: ${s.text}`);
  if (p.truth) {
    const t = p.truth;
    lines.push(
      `ground truth: plan ${money(t.plan_incremental)}, (a) ${money(t.historical_even_incremental)}, (b) ${money(t.historical_calendar_incremental)}${t.given_plan_incremental !== undefined ? `, (c) ${money(t.given_plan_incremental)}` : ''}, truth-optimal ${money(t.optimal_incremental)}; captured ${t.captured_share === null ? '-' : pct(t.captured_share)} of the attainable uplift over (a)`,
    );
  }
  for (const n of p.notes) lines.push(`note: ${n}`);
  return lines;
}

/**
 * The budget curve in one line: each budget's incremental revenue (80% interval when checked) and
 * ROAS, then what each extra slice of budget returns.
 */
function budgetCurveLine(
  p: PlanResult,
  money: (v: number) => string,
  range: (iv: readonly [number, number]) => string,
): string {
  const curve = p.budget_curve ?? [];
  const points = curve.map((c) =>
    c.incremental_revenue === null
      ? `${c.multiple}x ${money(c.budget)}: bounds not met`
      : `${c.multiple}x ${money(c.budget)}: ${money(c.incremental_revenue)}${c.incremental_revenue_interval ? ` (80% ${range(c.incremental_revenue_interval.p80)})` : ''}, ROAS ${c.roas!.toFixed(2)}`,
  );
  const slices = curve
    .filter((c) => c.return_on_increment !== null)
    .map((c) => `${c.return_on_increment!.toFixed(2)} up to ${c.multiple}x`);
  const checked = curve.some((c) => c.step !== null);
  const truth = curve.every(
    (c) => c.incremental_revenue === null || c.true_incremental_revenue !== undefined,
  )
    ? curve
        .filter((c) => c.true_incremental_revenue !== undefined)
        .map((c) => `${c.multiple}x ${money(c.true_incremental_revenue!)}`)
    : [];
  return (
    `budget curve (incremental revenue of the plan at other budgets, each ${checked ? 'checked against the refits as this plan is' : "the model's optimum there"}): ${points.join('; ')}` +
    (slices.length > 0 ? `; each extra 1 of budget returns ${slices.join(', ')}` : '') +
    (truth.length > 0 ? `; under the ground truth the same plans make ${truth.join(', ')}` : '')
  );
}

/**
 * The headline's warning when the plan's incremental revenue exceeds its whole expected revenue
 * (horizon and carry-over): only a model that puts the revenue without advertising below zero can
 * say so. An outside probe's weekly 12-channel plan read "incremental 58.56M (ROAS 25.34)" beside
 * an expected revenue of 18.5M (true 4.74M, ROAS 2.05), the caveat far above it; empty otherwise.
 */
export function beyondRevenueWords(
  p: Pick<PlanResult, 'incremental_revenue' | 'expected_revenue'>,
): string {
  const whole = p.expected_revenue.horizon + p.expected_revenue.carry_over_after;
  return p.incremental_revenue > whole
    ? ': more than the whole expected revenue, which only a model that puts the revenue without advertising below zero can give (media_beyond_revenue), so neither figure is one to set a budget or a target ROAS by'
    : '';
}

export interface OutlookComparison {
  a: string;
  b: string;
  channels: { channel: string; spend_a: number; spend_b: number; difference: number }[];
  incremental_a: number;
  incremental_b: number;
  /**
   * 80% / 95% interval of incremental_b - incremental_a over the refits of the model, paired:
   * each refit scores each outlook's plan under its own outlook (plan.ts refitIncrementals), so
   * what the refits share cancels. Null without refits (replicates 0) or when the plans were not
   * made together. No allowance for the optimizer's optimism: both plans carry it.
   */
  difference_interval?: FigureInterval | null;
  /**
   * The spend plan given beside the plans (baseline (c)), the same spend under both outlooks: its
   * incremental revenue under each and each plan's uplift over it. Null when none was given.
   */
  given: {
    incremental_a: number;
    incremental_b: number;
    plan_uplift_a: number;
    plan_uplift_b: number;
  } | null;
  /**
   * incremental_b - incremental_a split in two, exactly: `weather`, what the historical split
   * (baseline (a), the same spend under both outlooks) earns more under b; `split`, by how much
   * more b's plan gains over (a) than a's does. The sentence in `lines` said it in words only
   * (probe s76 N: an agent had to rebuild it from the two plans' baselines). Null when a plan
   * lacks baseline (a); absent in comparisons stored before session 77.
   */
  parts?: { weather: number; split: number } | null;
  lines: string[];
}

/** The weather's part of an outlook comparison is "mostly" the difference from this share of it on. */
export const OUTLOOK_WEATHER_MOSTLY = 0.75;

/**
 * The difference in incremental revenue between two outlooks split in two, exactly: the weather's
 * (baseline (a), the same spend under both outlooks, earns that much more or less) and the
 * splits' (the plans' uplifts over (a) differ by the rest). "incremental revenue 1.24M vs 1.31M
 * (+65.4k)" read as "the cold plan earns 65k more" where the splits differed by 1.9k. Null when
 * a plan lacks baseline (a).
 */
function outlookDifference(
  a: PlanResult,
  b: PlanResult,
  money: (v: number) => string,
  signed: (v: number) => string,
): string | null {
  const parts = differenceParts(a, b);
  if (parts === null) return null;
  const { weather, split } = parts;
  const [ba, bb] = [a.baselines[0], b.baselines[0]];
  const size = Math.abs(weather) + Math.abs(split);
  if (!(size > 0)) return null;
  const share = Math.abs(weather) / size;
  const head =
    share >= OUTLOOK_WEATHER_MOSTLY
      ? "mostly the outlook's weather, not a better split"
      : share <= 1 - OUTLOOK_WEATHER_MOSTLY
        ? "mostly the plans' splits, not the weather"
        : "the weather and the plans' splits both";
  return `${head}: the historical split, the same spend under both, earns ${money(Math.abs(weather))} ${weather >= 0 ? 'more' : 'less'} under ${b.outlook.source}, and the plans' uplifts over it differ by ${signed(split)} (${signed(ba.plan_uplift)} vs ${signed(bb.plan_uplift)})`;
}

/** Two plans of the same tenant, budget and horizon under different outlooks. */
export function compareOutlooks(a: PlanResult, b: PlanResult): OutlookComparison {
  const channels = a.channels.map((c, i) => ({
    channel: c.channel,
    spend_a: c.spend,
    spend_b: b.channels[i].spend,
    difference: b.channels[i].spend - c.spend,
  }));
  const { money, signed } = moneyWords(planMoney(a));
  const reading = outlookDifference(a, b, money, signed);
  const interval = pairedDifference(a, b);
  const band = interval
    ? `, 80% ${signed(interval.iv.p80[0])} to ${signed(interval.iv.p80[1])} over the same ${interval.n} refits of the model${interval.iv.p80[0] <= 0 && interval.iv.p80[1] >= 0 ? ': not clear which outlook earns more' : ''}`
    : '';
  const [ga, gb] = [a, b].map((p) => p.baselines.find((x) => x.name === 'given_plan'));
  const given =
    ga && gb
      ? {
          incremental_a: ga.incremental_revenue,
          incremental_b: gb.incremental_revenue,
          plan_uplift_a: ga.plan_uplift,
          plan_uplift_b: gb.plan_uplift,
        }
      : null;
  const lines = [
    `${a.outlook.source} vs ${b.outlook.source}: incremental revenue ${money(a.incremental_revenue)} vs ${money(b.incremental_revenue)} (${signed(b.incremental_revenue - a.incremental_revenue)}${band}${reading ? `${band ? ';' : ','} ${reading}` : ''}); budget ${money(a.budget)} vs ${money(b.budget)}`,
    ...channels.map(
      (c) => `  ${c.channel}: ${money(c.spend_a)} vs ${money(c.spend_b)} (${signed(c.difference)})`,
    ),
    // The user's own spend plan does not change with the outlook; what it earns does.
    ...(given && ga
      ? [
          `  ${ga.description} (c), the same spend under both: incremental ${money(given.incremental_a)} vs ${money(given.incremental_b)} (${signed(given.incremental_b - given.incremental_a)}); each outlook's plan ${signed(given.plan_uplift_a)} vs ${signed(given.plan_uplift_b)} over it`,
        ]
      : []),
  ];
  return {
    a: a.outlook.source,
    b: b.outlook.source,
    channels,
    incremental_a: a.incremental_revenue,
    incremental_b: b.incremental_revenue,
    difference_interval: interval ? interval.iv : null,
    given,
    parts: differenceParts(a, b),
    lines,
  };
}

/** The weather's and the splits' parts of incremental_b - incremental_a (OutlookComparison.parts). */
function differenceParts(a: PlanResult, b: PlanResult): { weather: number; split: number } | null {
  const [ba, bb] = [a.baselines[0], b.baselines[0]];
  if (ba?.name !== 'historical_even' || bb?.name !== 'historical_even') return null;
  return {
    weather: bb.incremental_revenue - ba.incremental_revenue,
    split: bb.plan_uplift - ba.plan_uplift,
  };
}

/**
 * The difference of two plans' incremental revenue refit by refit (plan.ts refitIncrementals):
 * its 80% / 95% interval and the refits it pairs, or null with fewer than MIN_PLAN_REPLICATES
 * pairs. An autopilot's hot-versus-typical plan read -2.9k where the truth was +7.8k, a figure
 * given without any interval.
 */
function pairedDifference(a: PlanResult, b: PlanResult): { iv: FigureInterval; n: number } | null {
  const [ra, rb] = [refitIncrementals(a), refitIncrementals(b)];
  if (!ra || !rb || ra.length !== rb.length) return null;
  const d: number[] = [];
  ra.forEach((x, i) => {
    const y = rb[i];
    if (x !== null && y !== null) d.push(y - x);
  });
  if (d.length < MIN_PLAN_REPLICATES) return null;
  return { iv: figureInterval(b.incremental_revenue - a.incremental_revenue, d, 0), n: d.length };
}

/** What a listing of stored plans reads of each (store PlanFigures; null where absent). */
export interface PlanHeadlineFigures {
  unit: string | null;
  outlook: string | null;
  budget: number | null;
  incremental_revenue: number | null;
  roas: number | null;
  uplift_vs_historical: number | null;
  compare_outlook: string | null;
  compare_incremental_revenue: number | null;
  /** The plan's uplift over the spend plan given beside it (baseline (c)); null or absent: none given. */
  uplift_vs_given?: number | null;
  /** That spend plan's name (file or MCP argument). */
  given_plan?: string | null;
  /**
   * The codes of the plan's caveats (null or absent: stored before they were kept). A plan whose
   * forecast was in °F (forecast_beyond_history) listed the largest uplift of 43 plans, unmarked.
   */
  caveats?: string[] | null;
  /**
   * True for a plan made without refits (replicates 0): the model's own optimum, unchecked. Its
   * uplift led a listing like any other (probe s71: +247.7k vs the historical split, -176.5k under
   * the truth, nothing saying it was unchecked).
   */
  unchecked?: boolean;
  /**
   * From the plan's inputs: what is spent after the horizon, and the objective (probe s72 E: a
   * continue plan and a target plan read like budget plans counted with nothing after them).
   */
  after_horizon?: string;
  objective?: { kind: string; value?: number; lowerEnd?: boolean };
}

/** "1 caveat: forecast_beyond_history", "no caveats", or null when the plan kept none (stored before). */
export function caveatWords(codes: readonly string[] | null | undefined): string | null {
  if (codes === null || codes === undefined) return null;
  if (codes.length === 0) return 'no caveats';
  return `${codes.length} caveat${codes.length === 1 ? '' : 's'}: ${codes.join(', ')}`;
}

const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);

/**
 * A stored plan in one line: '600.0k over 8 weeks, scenario:hot: incremental 1.23M (ROAS 2.04),
 * +12.1k vs the historical split; under scenario:cold 1.10M (-125.0k); read its caveats first (1
 * caveat: forecast_beyond_history)'. Plans without caveats, or stored before they were
 * kept, end with the figures.
 */
export function planHeadline(f: PlanHeadlineFigures, periods: number): string {
  const { money, signed } = moneyWords((v) =>
    shortMoney(v, moneyResolution(Math.abs(f.budget ?? 0))),
  );
  const span = `${periods} ${f.unit ?? 'period'}${periods === 1 ? '' : 's'}${f.after_horizon === 'continue' ? ' (spend going on after them)' : ''}`;
  const o = f.objective;
  const target =
    o && o.kind !== 'revenue' && o.value !== undefined
      ? `${o.kind === 'target_roas' ? 'ROAS' : 'marginal ROAS'} >= ${o.value}${o.lowerEnd === true ? ' by its 80% lower end' : ''}: `
      : '';
  const parts = [
    `${target}${finite(f.budget) ? money(f.budget) : '?'} over ${span}, ${f.outlook ?? 'outlook ?'}`,
  ];
  const result: string[] = [];
  if (finite(f.incremental_revenue)) {
    result.push(
      `incremental ${money(f.incremental_revenue)}${finite(f.roas) ? ` (ROAS ${f.roas.toFixed(2)})` : ''}`,
    );
  }
  if (finite(f.uplift_vs_historical)) {
    result.push(`${signed(f.uplift_vs_historical)} vs the historical split`);
  }
  if (finite(f.uplift_vs_given ?? null)) {
    result.push(
      `${signed(f.uplift_vs_given!)} vs the given spend plan${f.given_plan ? ` (${f.given_plan})` : ''}`,
    );
  }
  if (f.unchecked) parts.push(' (unchecked: the model optimum, no refits)');
  let line = `${parts.join('')}${result.length ? `: ${result.join(', ')}` : ''}`;
  if (f.compare_outlook !== null && finite(f.compare_incremental_revenue)) {
    const d = finite(f.incremental_revenue)
      ? ` (${signed(f.compare_incremental_revenue - f.incremental_revenue)})`
      : '';
    line += `; under ${f.compare_outlook} ${money(f.compare_incremental_revenue)}${d}`;
  }
  if (f.caveats && f.caveats.length > 0)
    line += `; read its caveats first (${caveatWords(f.caveats)})`;
  return line;
}

/**
 * The plan's spend per period as CSV, one row per period of the horizon: `date,<channel>...` (spend
 * in currency, to the cent) then the outlook's weather columns and the controls the plan assumed
 * (8 significant digits), as a media buyer loads it into a spreadsheet. LF line ends, a trailing
 * newline.
 */
export function planSpendCsv(p: PlanResult): string {
  const H = p.horizon.periods;
  const weather = [
    ...Object.entries(p.outlook.weather),
    ...Object.entries(p.outlook.controls ?? {}),
  ];
  const header = ['date', ...p.channels.map((c) => c.channel), ...weather.map(([name]) => name)];
  // To the cent, or finer where the revenue is counted in large units (moneyResolution).
  const resolution = moneyResolution(Math.abs(p.expected_revenue?.horizon ?? 0));
  // (finer amounts by their decimals: x / 1e-7 * 1e-7 wrote 0.0034262999999999997)
  const digits = Math.max(0, -Math.round(Math.log10(resolution)));
  const cents = (x: number): string =>
    String((resolution >= 0.01 ? Math.round(x * 100) / 100 : Number(x.toFixed(digits))) || 0);
  const lines = [header.map(csvCell).join(',')];
  for (let t = 0; t < H; t++) {
    lines.push(
      [
        p.outlook.dates[t],
        ...p.channels.map((c) => cents(c.spend_by_period[t])),
        ...weather.map(([, values]) => formatSignificant(values[t], 8)),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}
