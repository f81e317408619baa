/**
 * Lift tests (experiments) of a tenant: record (from CSV text or structured tests), list, delete.
 * Every test is checked against the tenant's data (channel, window inside the data, a cut no
 * larger than the window's spend) before anything is stored; a batch is stored all or none.
 * explain.ts reads them to calibrate phase 3 explanations (src/phases/calibration.ts).
 */
import { canonicalChannel } from '../core/channel-names.js';
import { DataError, parseLiftCsv } from '../core/csv.js';
import {
  checkLiftPrecision,
  liftScaleProblem,
  checkLiftTest,
  liftNoSpendProblem,
  liftSpend,
  isGoDark,
  liftWindow,
  liftWindowOutsideData,
  liftPerPeriodNote,
  liftRoasNote,
  liftSignNote,
  weeklyWindowNote,
  type LiftTest,
} from '../core/lift.js';
import type { TenantSeries } from '../core/types.js';
import type { LiftTestRecord } from '../store/index.js';
import { resolveTenant } from './compute.js';
import { checkOpen, type AppContext } from './context.js';
import { AppError, dataAppError } from './errors.js';
import { tenantSource } from './tenants.js';
import { rowsNeededToTrain } from './warnings.js';

export interface AddLiftTestsRequest {
  tenant: string;
  /** CSV text (channel,start_date,end_date,spend_change,incremental_revenue,standard_error). */
  csv?: string;
  /** Or the tests themselves. */
  tests?: LiftTest[];
  /** Name of the file in messages and stored as the tests' source (default 'csv' / 'mcp'). */
  source?: string;
}

export interface AddLiftTestsResult {
  tenant: string;
  added: LiftTestRecord[];
  /** Every lift test of the tenant after the addition. */
  total: number;
  /** What the tests were read as, where it may not be what was meant (weekly windows). */
  warnings: string[];
  /** The tenant's rows (days or weeks). */
  rows: number;
  /**
   * The rows explain needs before it can use the tests (the tenant's data are too short for any
   * honest validation: checkProtocol); null when explain can use them now.
   */
  rows_needed_to_explain: number | null;
}

/** Max tests of one tenant (a bound on the calibration's cost). */
export const MAX_LIFT_TESTS_PER_TENANT = 200;

const sameTest = (a: LiftTest, b: LiftTest): boolean =>
  a.channel === b.channel &&
  a.start === b.start &&
  a.end === b.end &&
  a.spend_change === b.spend_change &&
  a.incremental_revenue === b.incremental_revenue &&
  a.standard_error === b.standard_error;

export function addLiftTests(ctx: AppContext, req: AddLiftTestsRequest): AddLiftTestsResult {
  checkOpen(ctx);
  if ((req.csv === undefined) === (req.tests === undefined)) {
    throw new AppError('give exactly one of csv (the CSV text) or tests', 'invalid_argument');
  }
  const { series } = resolveTenant(tenantSource(ctx, req.tenant));
  let tests: LiftTest[];
  if (req.csv !== undefined) {
    try {
      tests = parseLiftCsv(req.csv, { fileName: req.source ?? 'csv', series });
    } catch (e) {
      if (e instanceof DataError) throw dataAppError(e);
      throw e;
    }
  } else {
    // Channel names in any case, stored as the data names them ("tv" for "TV"), as plan bounds
    // read them: the same name was taken by plan_budget and refused here.
    tests = req.tests!.map((t) => ({
      ...t,
      channel: canonicalChannel(t.channel, series.channels),
    }));
    if (tests.length === 0)
      throw new AppError('tests is empty: give at least one', 'invalid_argument');
    tests.forEach((t, i) => {
      try {
        checkLiftTest(t);
        const w = liftWindow(series, t);
        const outside = liftWindowOutsideData(series, t, w);
        if (outside) throw new RangeError(outside.message);
        const unspent = liftNoSpendProblem(series, t, w);
        if (unspent) throw new RangeError(unspent.message);
        liftSpend(series, t, w);
        const scale = liftScaleProblem(series, t, w);
        if (scale) throw new RangeError(scale.message);
        checkLiftPrecision(series, t, w);
      } catch (e) {
        throw new AppError(`tests[${i}]: ${(e as Error).message}`, 'invalid_argument');
      }
    });
  }
  const existing = ctx.store.listLiftTests(req.tenant);
  const where = (i: number): string =>
    req.csv !== undefined ? `test ${i + 1} of ${req.source ?? 'the CSV'}` : `tests[${i}]`;
  tests.forEach((t, i) => {
    const dup = existing.find((e) => sameTest(e, t));
    if (dup) {
      throw new AppError(
        `${where(i)} is already recorded as lift test #${dup.id} of ${req.tenant}; nothing was stored (to record it again with other figures, delete it first: ${ctx.words.deleteLiftTests(req.tenant, [dup.id])})`,
        'conflict',
      );
    }
    const j = tests.findIndex((u) => sameTest(u, t));
    if (j !== i) {
      throw new AppError(`${where(i)} repeats ${where(j)}; nothing was stored`, 'invalid_argument');
    }
  });
  if (existing.length + tests.length > MAX_LIFT_TESTS_PER_TENANT) {
    throw new AppError(
      `${req.tenant} would have ${existing.length + tests.length} lift tests; the limit is ${MAX_LIFT_TESTS_PER_TENANT}; nothing was stored`,
      'limit',
    );
  }
  const added = ctx.store.addLiftTests(
    req.tenant,
    tests,
    req.source ?? (req.csv !== undefined ? 'csv' : 'mcp'),
  );
  const warnings = tests.flatMap((t, i) => {
    const w = liftWindow(series, t);
    return [
      weeklyWindowNote(series, t, w),
      liftSignNote(t),
      liftRoasNote(series, t, w) ?? liftPerPeriodNote(series, t, w),
      correctionNote(ctx, req.tenant, t, added[i].id, [...existing, ...added.slice(0, i)]),
      overlapNote(series, t, added[i].id, [...existing, ...added.slice(0, i)]),
    ].flatMap((note) => (note === null ? [] : [`${where(i)}: ${note}`]));
  });
  const rows = series.target.length;
  return {
    tenant: req.tenant,
    added,
    total: existing.length + added.length,
    warnings,
    rows,
    rows_needed_to_explain: rowsNeededToTrain({
      tenant: req.tenant,
      frequency: series.frequency,
      rows,
    }),
  };
}

/**
 * Where a test has the channel and window of an earlier one (stored, or earlier in the same batch)
 * with other figures: it reads as a correction, but both are kept and calibration counts them as
 * two independent experiments, the same one weighted twice. Null otherwise.
 */
function correctionNote(
  ctx: AppContext,
  tenant: string,
  t: LiftTest,
  id: number,
  earlier: readonly LiftTestRecord[],
): string | null {
  const same = earlier.filter(
    (e) => e.channel === t.channel && e.start === t.start && e.end === t.end,
  );
  if (same.length === 0) return null;
  const ids = same.map((e) => e.id);
  const named = ids.map((i) => `#${i}`).join(', ');
  const one = ids.length === 1;
  return (
    `${t.channel} ${t.start}..${t.end} (stored as #${id}) has the channel and window of lift test${one ? '' : 's'} ${named} with other figures; ` +
    `${one ? 'both' : 'all'} are kept, and calibration counts them as independent experiments; if it corrects ${one ? 'that test' : 'them'}, delete the old ${one ? 'one' : 'ones'}: ${ctx.words.deleteLiftTests(tenant, ids)}`
  );
}

/**
 * Where a go-dark overlaps an earlier go-dark of the same channel in another window (stored, or
 * earlier in the same batch): two hold-outs cannot both remove the spend of the days they share,
 * yet calibration counts them as independent experiments (a probe's two meta go-darks sharing 31
 * days were stored without a word). Part cuts may add up, and same windows are correctionNote's.
 * Null otherwise.
 */
function overlapNote(
  series: TenantSeries,
  t: LiftTest,
  id: number,
  earlier: readonly LiftTestRecord[],
): string | null {
  if (!isGoDark(series, t)) return null;
  const over = earlier.filter(
    (e) =>
      e.channel === t.channel &&
      isGoDark(series, e) &&
      !(e.start === t.start && e.end === t.end) &&
      e.start <= t.end &&
      t.start <= e.end,
  );
  if (over.length === 0) return null;
  const named = over.map((e) => `#${e.id} (${e.start}..${e.end})`).join(', ');
  return (
    `${t.channel} ${t.start}..${t.end} (stored as #${id}) is a go-dark in days that the go-dark${over.length === 1 ? '' : 's'} ${named} also cover${over.length === 1 ? 's' : ''}: ` +
    'two go-darks cannot both remove that spend, and calibration counts them as independent experiments; if they are one experiment, keep one test for it'
  );
}

export function listLiftTests(ctx: AppContext, tenant: string): LiftTestRecord[] {
  checkOpen(ctx);
  tenantSource(ctx, tenant); // unknown tenant -> not_found, as everywhere else
  return ctx.store.listLiftTests(tenant);
}

/**
 * Deletes the tenant's lift tests `ids` (all without ids). An id the tenant does not have is an
 * error (`not_found`, naming the ids it has), unless `missingOk`: then the others are deleted and
 * the missing ones listed in `not_found`, as a retry after a lost answer (MCP's idempotent
 * delete_lift_tests) finds them gone; an outside autopilot's retry got an error (probe s75 K).
 */
export function deleteLiftTests(
  ctx: AppContext,
  tenant: string,
  ids?: number[],
  opts: { missingOk?: boolean } = {},
): { tenant: string; deleted: number; not_found: number[] } {
  checkOpen(ctx);
  tenantSource(ctx, tenant);
  let notFound: number[] = [];
  if (ids !== undefined) {
    const known = new Set(ctx.store.listLiftTests(tenant).map((t) => t.id));
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length > 0 && opts.missingOk) {
      notFound = [...new Set(missing)];
      ids = ids.filter((id) => known.has(id));
      if (ids.length === 0) return { tenant, deleted: 0, not_found: notFound };
    } else if (missing.length > 0) {
      throw new AppError(
        known.size === 0
          ? `${tenant} has no lift tests (asked to delete ${missing.map((m) => `#${m}`).join(', ')}); nothing was deleted`
          : `${tenant} has no lift test ${missing.map((m) => `#${m}`).join(', ')}; its lift tests are ${[...known].map((k) => `#${k}`).join(', ')}; nothing was deleted`,
        'not_found',
      );
    }
  }
  return { tenant, deleted: ctx.store.deleteLiftTests(tenant, ids), not_found: notFound };
}

/**
 * The tenant's stored lift tests that the checks of today refuse, with the reason: a standard
 * error below MIN_LIFT_SE_SHARE of the window's revenue, or a figure out of scale with the data
 * (liftScaleProblem); recorded before those checks, or kept through an import that replaced the
 * data. Such a test can make the calibration unsolvable.
 */
export function unusableLiftTests(ctx: AppContext, tenant: string): { id: number; why: string }[] {
  const { series } = resolveTenant(tenantSource(ctx, tenant));
  const out: { id: number; why: string }[] = [];
  for (const t of ctx.store.listLiftTests(tenant)) {
    const unspent = liftNoSpendProblem(series, t);
    if (unspent) {
      out.push({ id: t.id, why: unspent.message });
      continue;
    }
    const scale = liftScaleProblem(series, t);
    if (scale) {
      out.push({ id: t.id, why: scale.message });
      continue;
    }
    try {
      checkLiftPrecision(series, t);
    } catch (e) {
      out.push({ id: t.id, why: (e as Error).message });
    }
  }
  return out;
}

/** The tenant's lift tests as the engine takes them (oldest first), for explain and reports. */
export function liftTestsOf(ctx: AppContext, tenant: string): LiftTest[] {
  return ctx.store
    .listLiftTests(tenant)
    .map(({ id, channel, start, end, spend_change, incremental_revenue, standard_error }) => ({
      channel,
      start,
      end,
      spend_change,
      incremental_revenue,
      standard_error,
      id,
    }))
    .sort(byLiftTestContent);
}

/**
 * Lift tests in an order of what they say (window, channel, figures), not of their ids: the
 * calibration's searches take the tests in the order given, and near-equal candidates can then
 * tip one way or the other, so the same two tests recorded in the other order (a correction:
 * delete, add again) moved a calibrated interval's end by 0.16 (MCP probe s74). Ids last, for
 * exact repeats.
 */
export function byLiftTestContent(a: LiftTest, b: LiftTest): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    text(a.start, b.start) ||
    text(a.end, b.end) ||
    text(a.channel, b.channel) ||
    a.spend_change - b.spend_change ||
    a.incremental_revenue - b.incremental_revenue ||
    a.standard_error - b.standard_error ||
    (a.id ?? 0) - (b.id ?? 0)
  );
}
