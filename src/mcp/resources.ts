/**
 * Resources: `tenant://{id}` (data summary and ground truth), `run://{id}` (a stored run) and
 * `gates://latest/{phase}` (the latest gate decision recorded for a phase; reading evaluates nothing),
 * the visual reports `report://tenant/{id}` and `report://run/{id}` (text/html; written on
 * first read when get_report has not written them yet) and `plan://{id}` (a stored budget plan
 * with its inputs).
 */
import {
  McpServer,
  ResourceTemplate,
  type RegisteredResourceTemplate,
} from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  ErrorCode,
  ListResourcesRequestSchema,
  ReadResourceRequestSchema,
  McpError,
  type ListResourcesResult,
  type ReadResourceResult,
  type Resource,
} from '@modelcontextprotocol/sdk/types.js';
import {
  APP_LIMITS,
  AppError,
  PHASES,
  planSpendCsv,
  TENANT_ID_PATTERN,
  type PhaseId,
} from '../app/types.js';
import type { ToolDeps } from './deps.js';
import { planView } from './plan-view.js';
import { jsonSafe, runInfoView, scrubPaths, sortedRows } from './results.js';

/**
 * Sends notifications/resources/list_changed: the list (tenants, runs, gate decisions, plans, their
 * reports) changed. The SDK declares resources.listChanged for the server, and the tools that add
 * or remove listed resources sent nothing, so a client that keeps the list (as hosts do) never
 * saw a new run, plan or tenant. A client gone meanwhile is no error.
 */
export function resourcesChanged(server: McpServer): void {
  if (!server.isConnected()) return;
  server.server.sendResourceListChanged().catch(() => {});
}

/** What a run:// or report://run/ id that is not one gets told. */
const RUN_IDS = 'run ids are positive integers (list_runs shows them)';

/** Where a client that read a URI the server does not have can see what it has. */
const WHAT_EXISTS = "(resources/list and resources/templates/list show this server's resources)";
/** JSON-RPC code for a resource that does not exist (MCP spec). */
const RESOURCE_NOT_FOUND = -32002;
/** Plans in the resource list, newest first. */
export const LISTED_PLANS = 200;
/**
 * Entries of one resources/list page; nextCursor gives the next. The SDK's list answered every
 * entry at once (its template list callbacks never see the cursor): 1040 entries, 328 KB, for
 * 500 generated tenants.
 */
export const LIST_PAGE_SIZE = 100;

/** The opaque cursor of the page that starts at `offset`. */
function cursorAt(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

/** The offset a cursor of cursorAt names; anything else is refused (the spec's invalid params). */
function offsetOf(cursor: string): number {
  let offset: unknown;
  try {
    offset = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown })
      .offset;
  } catch {
    offset = undefined;
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new ReadFailure(
      ErrorCode.InvalidParams,
      'resources/list: cursor is not one this server gave (list again without a cursor)',
    );
  }
  return offset;
}

function json(uri: URL, value: unknown, indent: number): ReadResourceResult {
  return {
    contents: [
      {
        uri: uri.href,
        mimeType: 'application/json',
        text: JSON.stringify(jsonSafe(value), null, indent),
      },
    ],
  };
}

/**
 * A JSON-RPC error for a resource read: the SDK sends a thrown error's `code` and `message`. Not an
 * McpError, whose message carries "MCP error <code>: " already: the client adds the prefix again
 * when it rebuilds the error ("MCP error -32002: MCP error -32002: run://99: ...").
 */
class ReadFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ReadFailure';
  }
}

/** Resource reads fail with JSON-RPC errors (there is no isError for resources). */
function readError(uri: URL, err: unknown, deps: ToolDeps): Error {
  if (err instanceof ReadFailure) return err;
  if (err instanceof McpError) {
    return new ReadFailure(err.code, err.message.replace(/^MCP error -?\d+: /, ''));
  }
  if (err instanceof AppError && err.code !== 'internal') {
    // A well-formed URI whose object is not there, or not in a state to be read (the report of a
    // cancelled run: it was -32602, invalid params, though nothing in the request was wrong).
    const unavailable = err.code === 'not_found' || err.code === 'conflict';
    const code = unavailable ? RESOURCE_NOT_FOUND : ErrorCode.InvalidParams;
    return new ReadFailure(code, `${shownUri(uri)}: ${scrubPaths(err.message)}`);
  }
  deps.log(
    'error',
    `reading ${uri.href}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  return new ReadFailure(
    ErrorCode.InternalError,
    `${shownUri(uri)}: internal error; the server log has details`,
  );
}

function single(v: string | string[] | undefined): string {
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/**
 * The tenant id of a URI (tenant://{id}, report://tenant/{id}), percent-decoded. A malformed escape
 * (tenant://%ZZ) threw URIError, answered as an internal error with its stack in the server log.
 */
function tenantId(uri: URL, v: string | string[] | undefined): string {
  let id: string;
  try {
    id = decodeURIComponent(single(v));
  } catch {
    throw new ReadFailure(
      ErrorCode.InvalidParams,
      `${shownUri(uri)}: not a tenant id (a malformed %-escape); list_tenants shows the ids`,
    );
  }
  // An id of the wrong form is invalid params, as docs/mcp.md says (it was "unknown tenant",
  // -32002, echoing the decoded id with its newlines or NULs).
  if (!TENANT_ID_PATTERN.test(id)) {
    throw new ReadFailure(
      ErrorCode.InvalidParams,
      `${shownUri(uri)}: not a tenant id (1 to 64 characters from a-z, 0-9, "_" and "-"); list_tenants shows the ids`,
    );
  }
  return id;
}

/** Longest URI a message quotes (a 999,000-character URI came back twice in a 2 MB message). */
const SHOWN_URI_CHARS = 200;

/** The URI as messages quote it: cut to SHOWN_URI_CHARS. */
function shownUri(uri: URL): string {
  const href = uri.href;
  return href.length > SHOWN_URI_CHARS ? `${href.slice(0, SHOWN_URI_CHARS)}...` : href;
}

/** A positive integer id from a URI (run://12, plan://3); `refusal` says what ids look like. */
function positiveId(uri: URL, v: string | string[] | undefined, refusal: string): number {
  const raw = single(v);
  const id = Number(raw);
  if (!/^[1-9][0-9]{0,15}$/.test(raw) || !Number.isSafeInteger(id)) {
    throw new ReadFailure(ErrorCode.InvalidParams, `${shownUri(uri)}: ${refusal}`);
  }
  return id;
}

/** `indent` 0: one line (plan://, whose indentation was a fifth of a 15-channel plan). */
async function reading(
  uri: URL,
  deps: ToolDeps,
  body: () => unknown,
  indent = 2,
): Promise<ReadResourceResult> {
  try {
    return json(uri, await body(), indent);
  } catch (err) {
    throw readError(uri, err, deps);
  }
}

export function registerResources(server: McpServer, deps: ToolDeps): void {
  const { app } = deps;
  // Completions return every match (the SDK sends the first 100 with the true total and hasMore);
  // cut to 100 here, 286 tenants read as "100 in all, no more" (session 52).
  /** Completion of a tenant id: the ids that start with what was typed. */
  const tenantIdsStartingWith = (value: string): string[] =>
    app
      .listTenants()
      .map((t) => t.tenant)
      .filter((id) => id.startsWith(value));
  /** Completion of a run id (done runs only for reports): the newest 1000 runs' that start with it. */
  const runIdsStartingWith =
    (doneOnly: boolean) =>
    (value: string): string[] =>
      app
        .listRuns({ limit: APP_LIMITS.maxListRuns, dataSince: false })
        .runs.filter((r) => !doneOnly || r.status === 'done')
        .map((r) => String(r.id))
        .filter((id) => id.startsWith(value));
  /** Completion of a plan id: the newest 1000 plans' ids that start with it. */
  const planIdsStartingWith = (value: string): string[] =>
    app
      .listPlans({ limit: APP_LIMITS.maxListRuns })
      .plans.map((p) => String(p.id))
      .filter((id) => id.startsWith(value));

  /**
   * What resources/list names, in this order, from one call per template: the template's
   * description is in resources/templates/list once, not repeated in each entry.
   */
  const lists: (() => Resource[])[] = [];
  /** The templates in the order they were registered: the order resources/read tries them. */
  const templates: RegisteredResourceTemplate[] = [];

  lists.push(() =>
    app.listTenants().map((t) => ({
      uri: `tenant://${t.tenant}`,
      name: t.tenant,
      // An imported tenant has no city (it read "shop (custom, imported, )").
      title: `${t.tenant} (${[t.tier, t.category, t.city].filter((x) => x).join(', ')})`,
      mimeType: 'application/json',
    })),
  );
  templates.push(
    server.registerResource(
      'tenant',
      new ResourceTemplate('tenant://{id}', {
        list: undefined,
        complete: { id: tenantIdsStartingWith },
      }),
      {
        title: 'Tenant data summary',
        description:
          'Tenant metadata, a summary of its data (rows, dates, channels, spend), its recorded lift tests (lift_tests: id, channel, window, spend change, measured lift and standard error, source; add_lift_test and delete_lift_tests change them) and, for synthetic tenants, the ground truth (channel parameters, true ROAS, oracle R²).',
        mimeType: 'application/json',
      },
      // The lift tests here too: read-only, where an agent that lost its context can find them
      // without a write (add_lift_test) or a whole explanation (probe s70).
      (uri, vars) =>
        reading(uri, deps, () => {
          const id = tenantId(uri, vars.id);
          return { ...app.describeTenant(id), lift_tests: app.listLiftTests(id) };
        }),
    ),
  );

  lists.push(() =>
    app.listRuns({ limit: 20 }).runs.map((r) => ({
      uri: `run://${r.id}`,
      name: `run ${r.id}`,
      title: `Run ${r.id}: phase ${r.phase}, ${r.status}`,
      mimeType: 'application/json',
    })),
  );
  templates.push(
    server.registerResource(
      'run',
      new ResourceTemplate('run://{id}', {
        list: undefined,
        complete: { id: runIdsStartingWith(false) },
      }),
      {
        title: 'Phase run',
        description:
          'A stored phase run: status, progress, summary and per-tenant rows (tenant, mean_r2, oracle_r2, passes, model).',
        mimeType: 'application/json',
      },
      (uri, vars) =>
        reading(uri, deps, () => {
          const run = app.getRun(positiveId(uri, vars.id, RUN_IDS));
          return {
            ...runInfoView(run),
            config: run.config,
            tenants: run.tenants,
            results: sortedRows(run.results),
          };
        }),
    ),
  );

  // Only the phases with a decision: the others could not be read (not found) yet.
  lists.push(() =>
    PHASES.filter((p) => app.latestGate(p) !== null).map((p) => ({
      uri: `gates://latest/${p}`,
      name: `phase ${p} gate`,
      title: `Gate decision of phase ${p}'s latest done run`,
      mimeType: 'application/json',
    })),
  );
  templates.push(
    server.registerResource(
      'gates',
      new ResourceTemplate('gates://latest/{phase}', {
        list: undefined,
        complete: { phase: (value) => PHASES.map(String).filter((p) => p.startsWith(value)) },
      }),
      {
        title: 'Latest gate decision',
        description:
          'The latest gate decision recorded for a phase (by check_gates or run_phase), with the run it judged and when, as recorded (run_id null: that run was deleted since, so the decision is history and check_gates judges the runs there are now); tenants_deleted_since lists the tenants of that run deleted after it (its next step may name them; check_gates again names only the others), data_changed_since those imported again with other data after it (the decision is of their previous data: run the phase again). Reading it changes nothing.',
        mimeType: 'application/json',
      },
      (uri, vars) =>
        reading(uri, deps, () => {
          const raw = single(vars.phase);
          if (!/^[0-3]$/.test(raw)) {
            throw new ReadFailure(
              ErrorCode.InvalidParams,
              `${shownUri(uri)}: phase must be 0, 1, 2 or 3`,
            );
          }
          const phase = Number(raw) as PhaseId;
          const latest = app.latestGate(phase);
          if (latest === null) {
            throw new AppError(
              `no gate decision for phase ${phase} yet: call check_gates with phase ${phase}`,
              'not_found',
            );
          }
          return latest;
        }),
    ),
  );

  const html = async (uri: URL, body: () => Promise<string>): Promise<ReadResourceResult> => {
    try {
      return { contents: [{ uri: uri.href, mimeType: 'text/html', text: await body() }] };
    } catch (err) {
      throw readError(uri, err, deps);
    }
  };

  // Only the tenants whose report is written: every tenant was listed, and reading one with no
  // report trains its model (seconds for phase 3), so a host that reads what is listed (to offer
  // it as context) started that for every tenant.
  lists.push(() => {
    const known = new Set(app.listTenants().map((t) => t.tenant));
    return app
      .reportedTenants()
      .filter((t) => known.has(t))
      .map((t) => ({
        uri: `report://tenant/${t}`,
        name: `${t} report`,
        title: `Visual report of ${t}`,
        mimeType: 'text/html',
      }));
  });
  templates.push(
    server.registerResource(
      'tenant-report',
      new ResourceTemplate('report://tenant/{id}', {
        list: undefined,
        complete: { id: tenantIdsStartingWith },
      }),
      {
        title: 'Tenant report (HTML)',
        description:
          "A tenant's model in charts, one self-contained HTML page: the latest report written by get_report. Reading one not written yet writes it now for the default phase, which trains the tenant's model (seconds, more for phase 3 and long data; get_report does the same with progress): resources/list names only the tenants whose report is written.",
        mimeType: 'text/html',
      },
      (uri, vars) =>
        html(uri, async () => (await app.readReport('tenant', tenantId(uri, vars.id))).html),
    ),
  );

  templates.push(
    server.registerResource(
      'tenant-decomposition',
      new ResourceTemplate('report://tenant/{id}/decomposition', {
        list: undefined,
        complete: { id: tenantIdsStartingWith },
      }),
      {
        title: 'Tenant decomposition per date (CSV)',
        description:
          "The tenant's model split over its dates, as written beside its latest report (get_report), or written now with a report for the default phase: date, actual, predicted, baseline, weather, one column per channel (its contribution, carry-over included), and true_<channel> for synthetic tenants. predicted = baseline + weather + the channels.",
        mimeType: 'text/csv',
      },
      async (uri, vars) => {
        try {
          const { csv } = await app.readDecomposition(tenantId(uri, vars.id));
          return { contents: [{ uri: uri.href, mimeType: 'text/csv', text: csv }] };
        } catch (err) {
          throw readError(uri, err, deps);
        }
      },
    ),
  );

  lists.push(() =>
    app
      .listRuns({ limit: 20 })
      .runs.filter((r) => r.status === 'done')
      .map((r) => ({
        uri: `report://run/${r.id}`,
        name: `run ${r.id} report`,
        title: `Visual report of run ${r.id} (phase ${r.phase})`,
        mimeType: 'text/html',
      })),
  );
  templates.push(
    server.registerResource(
      'run-report',
      new ResourceTemplate('report://run/{id}', {
        list: undefined,
        complete: { id: runIdsStartingWith(true) },
      }),
      {
        title: 'Run report (HTML)',
        description:
          'Every tenant of a finished run in charts (R² beside the oracle, fold heatmap, gate decision, comparison with the previous phase), one self-contained HTML page.',
        mimeType: 'text/html',
      },
      (uri, vars) =>
        html(uri, async () => {
          const id = positiveId(uri, vars.id, RUN_IDS);
          return (await app.readReport('run', String(id))).html;
        }),
    ),
  );

  templates.push(
    server.registerResource(
      'plan-spend',
      new ResourceTemplate('plan://{id}/spend', {
        list: undefined,
        complete: { id: planIdsStartingWith },
      }),
      {
        title: 'Budget plan spend per period (CSV)',
        description:
          "A stored plan's spend per day or week as CSV: date, one column per channel (currency, to the cent), then the outlook's weather columns and the controls the plan assumed (a tenant with controls); one row per period of the horizon.",
        mimeType: 'text/csv',
      },
      async (uri, vars) => {
        try {
          const p = app.getPlan(positiveId(uri, vars.id, 'plan ids are positive integers'));
          return {
            contents: [{ uri: uri.href, mimeType: 'text/csv', text: planSpendCsv(p.plan) }],
          };
        } catch (err) {
          throw readError(uri, err, deps);
        }
      },
    ),
  );

  templates.push(
    server.registerResource(
      'plan-comparison-spend',
      new ResourceTemplate('plan://{id}/comparison/spend', {
        list: undefined,
        complete: { id: planIdsStartingWith },
      }),
      {
        title: 'Compared plan spend per period (CSV)',
        description:
          "A stored plan's comparison (plan_budget's compare_scenario: the same budget under another outlook) as plan://{id}/spend: date, one column per channel (currency, to the cent), then that outlook's weather columns and the controls it assumed; one row per period of the horizon.",
        mimeType: 'text/csv',
      },
      async (uri, vars) => {
        try {
          const id = positiveId(uri, vars.id, 'plan ids are positive integers');
          const p = app.getPlan(id);
          if (!p.comparison) {
            throw new AppError(
              `plan ${id} has no comparison (it was made without compare_scenario); plan://${id}/spend is its spend per period`,
              'not_found',
            );
          }
          return {
            contents: [
              { uri: uri.href, mimeType: 'text/csv', text: planSpendCsv(p.comparison.plan) },
            ],
          };
        } catch (err) {
          throw readError(uri, err, deps);
        }
      },
    ),
  );

  // No tool lists plans (the CLI's `plans`): the resource list is where an agent finds them. It
  // listed the newest 20 and, with no cursor in the SDK's template lists, older plans could only
  // be read by guessing their ids.
  lists.push(() =>
    app.listPlans({ limit: LISTED_PLANS }).plans.map((p) => ({
      uri: `plan://${p.id}`,
      name: `plan ${p.id}`,
      title: `Plan ${p.id}: ${p.tenant}, ${p.created_at}`,
      description: `${p.tenant}: ${p.on_current_data === false ? 'made on data the tenant no longer has; ' : ''}${p.headline}`,
      mimeType: 'application/json',
    })),
  );
  templates.push(
    server.registerResource(
      'plan',
      new ResourceTemplate('plan://{id}', {
        list: undefined,
        complete: { id: planIdsStartingWith },
      }),
      {
        title: 'Budget plan',
        description:
          "A stored budget plan (plan_budget): inputs (budget, horizon, outlook, compare_scenario, bounds, objective), model_run_id (the phase 3 run whose model made it), model_validation (that run's fold R² for the tenant, and whether it passes the bar), on_current_data (false when the tenant no longer has the data the plan was made on: imported or generated again, or deleted since; read_first then says so first), on_current_lift_tests (false when the tenant's lift tests were added, removed or changed since the plan: read_first says which) and caveats (read first: model_fails_threshold, ridge_form, lift_test_conflict, curve_fit_in_doubt, convex_curve, media_loses_money, media_beyond_revenue, revenue_below_zero, interval_spans_zero, forecast_beyond_history, target_met_by_point, and the data's own), plan (spend per channel, expected and incremental revenue with intervals (the incremental revenue and ROAS without the channels held for almost no or constant spend, which `held` reports apart), baselines (a) and (b), and (c) when a spend plan was given, with the plan's uplift over each, marginal ROAS, the weather shift, attribution (each channel's ROAS over the data under the plan's model and under the phase 3 model explain reports), notes and, for synthetic tenants, ground-truth regret), comparison (the same budget planned under compare_scenario's outlook, when asked, without the fields it shares with the plan; its `given` scores a given spend plan under both outlooks) and summary (the plan in lines of text). As plan_budget answers: the per-period series (each channel's spend per day or week, the outlook's dates and weather) are plan://{id}/spend's (and plan://{id}/comparison/spend's) as CSV, the estimates are given to 6 significant digits and the budget and spend amounts exactly; `selection` says so (wv-mmm plan --json prints every field and digit). JSON on one line. The resource list gives each plan's headline figures (after 'made on data the tenant no longer has' when so) and, when it has any, its caveats' codes, newest first (the newest " +
          `${LISTED_PLANS}).`,
        mimeType: 'application/json',
      },
      // As plan_budget answers (plan-view.ts): the per-period series are plan://{id}/spend's.
      (uri, vars) =>
        reading(
          uri,
          deps,
          () =>
            planView(app.getPlan(positiveId(uri, vars.id, 'plan ids are positive integers')), {
              perPeriod: false,
            }),
          0,
        ),
    ),
  );

  // Replaces the SDK's resources/read (set with resources/list), which tries the same templates in
  // the same order but answered a URI none of them matches with an McpError: invalid params
  // (-32602) where the spec says resource not found (-32002), and a message the client prefixed
  // twice ("MCP error -32602: MCP error -32602: Resource x not found"). A URI that does not parse
  // is invalid params (the SDK's TypeError was an internal error).
  server.server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    const raw = request.params.uri;
    let uri: URL;
    try {
      uri = new URL(raw);
    } catch {
      throw new ReadFailure(ErrorCode.InvalidParams, `${raw}: not a URI ${WHAT_EXISTS}`);
    }
    for (const template of templates) {
      if (!template.enabled) continue;
      const vars = template.resourceTemplate.uriTemplate.match(uri.toString());
      if (vars) return template.readCallback(uri, vars, extra);
    }
    throw new ReadFailure(RESOURCE_NOT_FOUND, `${shownUri(uri)}: no such resource ${WHAT_EXISTS}`);
  });

  // Replaces the SDK's resources/list (set when the first resource was registered), which
  // answered every entry in one page: pages of LIST_PAGE_SIZE, nextCursor to the next.
  server.server.setRequestHandler(ListResourcesRequestSchema, (request): ListResourcesResult => {
    const cursor = request.params?.cursor;
    const offset = cursor === undefined ? 0 : offsetOf(cursor);
    const all = lists.flatMap((list) => list());
    const end = offset + LIST_PAGE_SIZE;
    return {
      resources: all.slice(offset, end),
      ...(end < all.length ? { nextCursor: cursorAt(end) } : {}),
    };
  });
}
