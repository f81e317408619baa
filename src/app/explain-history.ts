/**
 * What moved since the tenant's previous explanation: an autopilot that explains every month and
 * moves budget on `roas` needs to know when a channel's figure jumped between two months' data
 * (an outside loop saw meta's ROAS go 4.29 -> 10.45 after a lift test and a month of rows, with
 * nothing comparing the two answers). The previous explanation is the one kept beside the newest
 * finished run of the same phase on other data of the tenant (explain.ts keeps one per run).
 */
import type {
  Caveat,
  ChannelSincePrevious,
  Explanation,
  PhaseId,
  SincePrevious,
} from '../phases/types.js';
import type { AppContext } from './context.js';

/**
 * A move is flagged only when it is at least this large as a ratio (either way): two tight
 * intervals can exclude each other over a few percent, which is no reason to hold a budget.
 */
export const MOVED_RATIO = 1.25;

interface StoredExplanationPayload {
  dataset_hash?: string;
  explanation?: Explanation;
}

/**
 * The explanation kept (as `kind`, explain.ts EXPLANATION_KIND) beside the newest finished run of
 * `phase` over the tenant whose data hash is not `hash` (the tenant's data now), with that run's
 * id; null when there is none.
 */
export function previousExplanation(
  ctx: Pick<AppContext, 'store'>,
  tenant: string,
  phase: PhaseId,
  hash: string,
  kind: string,
): { runId: number; explanation: Explanation } | null {
  const page = 200;
  for (let offset = 0; ; offset += page) {
    const runs = ctx.store.listRuns({ phase, status: 'done', limit: page, offset });
    for (const run of runs) {
      if (!run.tenants.includes(tenant)) continue;
      // A run on the current data is passed over without reading its models (a tenant run many
      // times on the same data would otherwise decode every run's kept models at each explain).
      if (ctx.store.tenantDatasetHash(run.id, tenant) === hash) continue;
      const row = ctx.store.getModels(run.id, tenant, -1, kind)[0]?.payload as
        StoredExplanationPayload | undefined;
      const e = row?.explanation;
      if (e && row.dataset_hash !== undefined && row.dataset_hash !== hash && e.phase === phase) {
        return { runId: run.id, explanation: e };
      }
    }
    if (runs.length < page) return null;
  }
}

const inside = (x: number, [lo, hi]: readonly [number, number]) => x >= lo && x <= hi;

/** Each channel with spend in both explanations: its ROAS then and now, and whether it moved. */
export function sincePrevious(now: Explanation, then: Explanation, runId: number): SincePrevious {
  const before = new Map(then.channels.filter((c) => !c.no_spend).map((c) => [c.channel, c]));
  const channels: ChannelSincePrevious[] = [];
  for (const c of now.channels) {
    const p = before.get(c.channel);
    if (c.no_spend || p === undefined) continue;
    const ratio = p.roas === 0 ? null : c.roas / p.roas;
    const thenP80 = p.intervals?.roas.p80 ?? null;
    const nowP80 = c.intervals?.roas.p80 ?? null;
    const big = ratio !== null && (ratio >= MOVED_RATIO || ratio <= 1 / MOVED_RATIO || ratio < 0);
    channels.push({
      channel: c.channel,
      roas_then: p.roas,
      roas_now: c.roas,
      ratio,
      roas_then_p80: thenP80 ? [thenP80[0], thenP80[1]] : null,
      moved:
        thenP80 === null || nowP80 === null
          ? null
          : (big || p.roas === 0) && !inside(c.roas, thenP80) && !inside(p.roas, nowP80),
    });
  }
  return {
    run_id: runId,
    start: then.start,
    end: then.end,
    rows: then.rows,
    calibrated_then: then.calibration?.applied === true,
    calibrated_now: now.calibration?.applied === true,
    channels,
  };
}

const two = (x: number) => x.toFixed(2);

/**
 * The caveat roas_moved_since_previous, or null when no channel moved: which channels, from what
 * to what, on which data, and what to check before acting on the new figure.
 */
export function movedCaveat(s: SincePrevious): Caveat | null {
  const moved = s.channels.filter((c) => c.moved === true);
  if (moved.length === 0) return null;
  const figures = moved
    .map(
      (c) =>
        `${c.channel} ${two(c.roas_then)}` +
        (c.roas_then_p80 ? ` (80% ${two(c.roas_then_p80[0])} to ${two(c.roas_then_p80[1])})` : '') +
        ` -> ${two(c.roas_now)}`,
    )
    .join(', ');
  const lift =
    s.calibrated_then === s.calibrated_now
      ? ''
      : s.calibrated_now
        ? ' This explanation is calibrated with lift tests and the previous one was not: read calibration (and calibration_mostly_refit) for what the tests did.'
        : ' The previous explanation was calibrated with lift tests and this one is not.';
  return {
    code: 'roas_moved_since_previous',
    message:
      `ROAS moved since the previous explanation of this tenant (run ${s.run_id}, data ${s.start} to ${s.end}, ${s.rows} rows): ${figures}; ` +
      `each reading lies outside the other's 80% interval, more than new rows alone usually move it.${lift} ` +
      'Before moving budget on the new figure, check what changed: lift tests added or deleted, past rows revised (the import lists them), a channel added, the model kind (model_kind).',
    channels: moved.map((c) => c.channel),
  };
}

/**
 * The explanation `e` (of the data whose hash is `hash`) against the tenant's previous one, and
 * the caveat when a channel moved; null when there is no previous explanation on other data.
 */
function againstPrevious(
  ctx: Pick<AppContext, 'store'>,
  e: Explanation,
  hash: string,
  kind: string,
): { since: SincePrevious; caveat: Caveat | null } | null {
  const previous = previousExplanation(ctx, e.tenant, e.phase, hash, kind);
  if (previous === null) return null;
  const since = sincePrevious(e, previous.explanation, previous.runId);
  return { since, caveat: movedCaveat(since) };
}

/**
 * The explanation with `since_previous` and, where a channel moved, the caveat
 * roas_moved_since_previous after the caveats about the model's quality (which come first); the
 * explanation itself unchanged when there is no previous explanation on other data.
 */
export function withSincePrevious(
  ctx: Pick<AppContext, 'store'>,
  e: Explanation,
  hash: string,
  kind: string,
): Explanation {
  const against = againstPrevious(ctx, e, hash, kind);
  if (against === null) return e;
  const caveats = [...e.caveats];
  if (against.caveat !== null) {
    const first = new Set(['model_fails_threshold', 'not_validated', 'cv_of_another_model']);
    let at = 0;
    while (at < caveats.length && first.has(caveats[at]!.code)) at++;
    caveats.splice(at, 0, against.caveat);
  }
  return { ...e, caveats, since_previous: against.since };
}

/**
 * The caveat roas_moved_since_previous for a plan: the explanation kept with the plan's model run
 * for these data (none before the first explain: nothing to compare) against the previous one.
 * An outside autopilot's plan moved budget to meta the month its ROAS doubled (session 75, probe
 * K); explain now says so, and the plan made on that model says it too.
 */
export function planMovedCaveats(
  ctx: Pick<AppContext, 'store'>,
  explained: Explanation | null,
  hash: string,
  kind: string,
): Caveat[] {
  const caveat = explained === null ? null : againstPrevious(ctx, explained, hash, kind)?.caveat;
  return caveat ? [caveat] : [];
}
