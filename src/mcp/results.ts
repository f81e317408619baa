/**
 * Building tool results: structured content plus a short text summary, and error results whose
 * text tells the agent what was wrong and what to call next. Nothing internal (stack traces,
 * SQL, absolute paths) reaches a client.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { namedList, shareText } from '../app/index.js';
import { AppError, foldModelUse, knownAppError, type FoldModelUse } from '../app/types.js';
import type { LogFn } from '../app/log.js';
import type { PhaseSummary, RunDetail, RunInfo, TenantResult } from '../app/types.js';

/**
 * Deep copy that JSON can carry: non-finite numbers become null, typed arrays become arrays,
 * undefined object fields are dropped.
 */
export function jsonSafe<T>(value: T): T {
  return convert(value) as T;
}

function convert(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>, (x) => convert(x));
  }
  if (Array.isArray(value)) return value.map((x) => convert(x));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = convert(v);
  }
  return out;
}

/**
 * Significant digits of estimates in the structured answers of explain_tenant and plan_budget
 * (and plan://{id}): a many-channel answer is mostly the 16th digits of figures whose intervals
 * span tens of percent. The CLI's --json prints every digit.
 */
export const FIGURE_DIGITS = 6;

/**
 * Deep copy with every non-integer number to `digits` significant digits (Number(x.toPrecision)),
 * except under the keys in `exact`. Estimates whose intervals span tens of percent carry no
 * meaning in their 16th digit, and a many-channel answer is mostly such digits.
 */
export function roundFigures<T>(value: T, digits: number, exact: ReadonlySet<string>): T {
  return round(value, digits, exact) as T;
}

function round(value: unknown, digits: number, exact: ReadonlySet<string>): unknown {
  if (typeof value === 'number') {
    return Number.isFinite(value) && !Number.isInteger(value)
      ? Number(value.toPrecision(digits))
      : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((x) => round(x, digits, exact));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = exact.has(k) ? v : round(v, digits, exact);
  return out;
}

/** A successful result: `structuredContent` and a short human summary. */
export function ok(structured: object, summary: string): CallToolResult {
  return {
    content: [{ type: 'text', text: summary }],
    structuredContent: jsonSafe(structured) as Record<string, unknown>,
  };
}

/** The machine-readable reason of an error result: `_meta["weathervane/error"]`. */
export type ErrorCode = AppError['code'];

/** The `_meta` key of an error result's machine-readable reason (docs/mcp.md "Errors"). */
export const ERROR_META_KEY = 'weathervane/error';

/**
 * Whether the same call, made again unchanged, can succeed without anything else changing:
 * after a short pause for `busy` (another process holds the store's write lock), at once for
 * `cancelled`. Every other code needs something changed first (an argument, the data, a run
 * that ends, the operator).
 */
export function isRetryable(code: ErrorCode): boolean {
  return code === 'busy' || code === 'cancelled';
}

/**
 * An error result with actionable text and its reason for a program: `code` (the app's error
 * codes) and `retryable` in `_meta` (structuredContent would be checked against the tool's
 * output schema by the SDK client, even on an error result, and refused).
 */
export function fail(text: string, code: ErrorCode, detail?: AppError['detail']): CallToolResult {
  return {
    content: [{ type: 'text', text: scrubPaths(text) }],
    isError: true,
    _meta: {
      [ERROR_META_KEY]: { code, retryable: isRetryable(code), ...(detail ? { detail } : {}) },
    },
  };
}

/** Next-step hints per AppError code, appended to the app's message. */
const HINTS: Record<AppError['code'], string> = {
  invalid_argument: 'Fix the argument and call the tool again.',
  not_found:
    'Call list_tenants for valid tenant ids, or list_runs for run ids (a phase needs a finished run_phase before it can be compared, gated or explained).',
  conflict: 'Pass replace:true to overwrite the imported data.',
  limit: 'Reduce the request (fewer tenants, smaller CSV, fewer folds) and try again.',
  cancelled: 'The work was cancelled; call the tool again to restart it.',
  unavailable:
    'The server cannot write its state directory (disk full or read-only). Stored runs and data are intact; the operator must free space or set WV_MMM_STATE_DIR, then retry.',
  busy: "Another process on this state directory holds the store's write lock (a backup, a database browser, another long write). Stored runs and data are intact; call the tool again in a few seconds.",
  internal: '',
};

/** `unavailable` that is not about room or permission (a store refusal such as a run already finished). */
const OTHER_UNAVAILABLE =
  'Stored runs and data are intact. Call the tool again; if it fails the same way, the server log has details.';

/**
 * The next-step hint for an app error, or '' where it would not apply: the app's messages often
 * name the tool to call already; a missing lift test, plan or file is not found by listing
 * tenants or runs; replace:true is the answer to an existing imported tenant only (not to a
 * built-in id, nor to a run that is busy or ended without results); "disk full or read-only"
 * only where the store said so.
 */
function hintFor(tool: string, err: AppError): string {
  const m = err.message;
  if (
    /\b(list_tenants|list_runs|run_phase|get_run|check_gates|import_tenant_data|delete_lift_tests)\b/.test(
      m,
    )
  )
    return '';
  if (err.code === 'not_found' && /lift test|\bplan \d|file not found/.test(m)) return '';
  // Queue mode's (Redis gone, no worker of this code): the message says what to do, and it is
  // not the state directory.
  if (err.code === 'unavailable' && /\bRedis\b|run workers built/.test(m)) return '';
  if (err.code === 'conflict')
    return tool === 'import_tenant_data' && !/built-in|replace|accept_changes/.test(m)
      ? HINTS.conflict
      : '';
  if (err.code === 'unavailable') {
    // Redis and a report's destination: the message says what to do already.
    if (/\bRedis\b|give another place/.test(m)) return '';
    if (!/full|read-only|not writable/.test(m)) return OTHER_UNAVAILABLE;
  }
  return HINTS[err.code];
}

/**
 * Maps an error thrown by the app (or anything else) to a tool error result. The store's and the
 * core's errors get the app's code first (knownAppError): a locked store is `busy`, a full or
 * read-only one `unavailable`, a stored model that no longer fits the tenant's data a `conflict`
 * (not "fix the argument"), the core's refusals of an option or a file's data
 * `invalid_argument`.
 */
export function errorResult(tool: string, err: unknown, log: LogFn): CallToolResult {
  if (isAbort(err)) {
    return fail(`${tool}: cancelled by the client. ${HINTS.cancelled}`, 'cancelled');
  }
  const known = knownAppError(err);
  if (known !== null) {
    if (known.code === 'internal') {
      log('error', `${tool}: internal error: ${known.message}`);
      return fail(`${tool} failed with an internal error; the server log has details.`, 'internal');
    }
    if (known.code === 'busy' || known.code === 'unavailable') {
      // The store's messages say what could not be saved and why (no SQL, paths are scrubbed).
      log(known.code === 'busy' ? 'warning' : 'error', `${tool}: store error: ${known.message}`);
    }
    const hint = hintFor(tool, known);
    return fail(`${tool}: ${known.message}${hint ? `\n${hint}` : ''}`, known.code, known.detail);
  }
  log(
    'error',
    `${tool}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  return fail(
    `${tool} failed with an unexpected error (an internal error, not a problem with the arguments); the server log has details.`,
    'internal',
  );
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'CancelledError');
}

/**
 * Directories whose paths tool text names by a label (the state directory), longest first: the
 * path pattern below stops at a space, so a state directory such as "/Users/jane doe/Library/
 * Application Support/wv" was shown nearly whole ("…/jane doe/Library/...").
 */
const namedRoots: { root: string; label: string }[] = [];

/** Names `root` by `label` in every scrubbed text from now on (createServer: the state directory). */
export function nameRootInText(root: string, label: string): void {
  const clean = root.replace(/[\\/]+$/, '');
  if (clean === '' || namedRoots.some((r) => r.root === clean)) return;
  namedRoots.push({ root: clean, label });
  namedRoots.sort((a, b) => b.root.length - a.root.length);
}

/**
 * Replaces absolute filesystem paths by their last segment so that tool text never discloses
 * the machine's layout (an app message might quote a path the user gave); the state directory
 * by its label first (nameRootInText).
 */
export function scrubPaths(text: string): string {
  let named = text;
  for (const { root, label } of namedRoots) {
    // The whole directory only: "/tmp/a" is not the start of "/tmp/ab".
    const escaped = root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    named = named.replace(new RegExp(`${escaped}(?![\\w.-])`, 'g'), label);
  }
  return named
    .replace(
      /(^|[\s'"`(=:])(\/(?:[^\s'"`():/]+\/)+([^\s'"`():/]*))/g,
      (_m, pre: string, _p, last: string) => `${pre}…/${last}`,
    )
    .replace(
      /(^|[\s'"`(=])([A-Za-z]:\\(?:[^\s'"`():\\]+\\)+([^\s'"`():\\]*))/g,
      (_m, pre: string, _p, last: string) => `${pre}…\\${last}`,
    );
}

/** Runs a tool body, turning any throw into an error result. */
export async function guarded(
  tool: string,
  log: LogFn,
  body: () => Promise<CallToolResult> | CallToolResult,
): Promise<CallToolResult> {
  try {
    return await body();
  } catch (err) {
    return errorResult(tool, err, log);
  }
}

// ---------------------------------------------------------------------------------------------
// Compact views
// ---------------------------------------------------------------------------------------------

export interface TenantRow {
  tenant: string;
  mean_r2: number;
  se_r2: number;
  /** R² of each test fold, oldest first (3-5 numbers). */
  fold_r2: number[];
  oracle_r2: number | null;
  passes: boolean;
  model: string;
  fold_models: FoldModelUse;
}

export function tenantRow(r: TenantResult): TenantRow {
  return {
    tenant: r.tenant,
    mean_r2: r.mean_r2,
    se_r2: r.se_r2,
    fold_r2: r.fold_r2,
    oracle_r2: r.oracle_r2,
    passes: r.passes,
    model: r.model_kind,
    fold_models: foldModelUse(r),
  };
}

/** Rows sorted by mean R² descending (non-finite last), ties by tenant id. */
export function sortedRows(results: TenantResult[]): TenantRow[] {
  const key = (x: number) => (Number.isFinite(x) ? x : -Infinity);
  return results
    .map(tenantRow)
    .sort(
      (a, b) =>
        key(b.mean_r2) - key(a.mean_r2) || (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0),
    );
}

export function summaryView(s: PhaseSummary | null) {
  if (!s) return null;
  return {
    total: s.total,
    pass_count: s.pass_count,
    pass_rate: s.pass_rate,
    mean_r2: s.mean_r2,
    mean_oracle_r2: s.mean_oracle_r2,
    mean_oracle_gap: s.mean_oracle_gap,
  };
}

export function runInfoView(r: RunInfo | RunDetail) {
  return {
    run_id: r.id,
    phase: r.phase,
    status: r.status,
    cached: r.cached ?? false,
    tenant_count: r.tenants.length,
    progress: { done: r.progress.done, total: r.progress.total },
    created_at: r.created_at,
    started_at: r.started_at,
    finished_at: r.finished_at,
    seconds: r.seconds,
    error: r.error === null ? null : scrubPaths(r.error),
    summary: summaryView(r.summary),
    replaced_by: r.replaced_by ?? null,
    data_changed: r.data_changed ?? [],
    tenants_deleted: r.tenants_deleted ?? [],
  };
}

/**
 * ' (data changed since for a, b: ...; deleted since: c)' for a finished run some of whose tenants
 * are not what it computed on any more, else ''.
 */
export function dataSinceWords(r: Pick<RunInfo, 'data_changed' | 'tenants_deleted'>): string {
  const parts: string[] = [];
  if (r.data_changed?.length)
    parts.push(
      `data changed since for ${namedList(r.data_changed)}: its figures for them are of the data they had then`,
    );
  if (r.tenants_deleted?.length) parts.push(`deleted since: ${namedList(r.tenants_deleted)}`);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** ' — taken over by run N here: poll get_run {"run_id": N}' for a run another took over, else ''. */
export function replacedWords(r: RunInfo | RunDetail): string {
  return r.replaced_by === undefined
    ? ''
    : `; this server computes the same request as run ${r.replaced_by}: poll get_run {"run_id": ${r.replaced_by}}`;
}

/** '-0.000' and '-0' (a negative figure that rounds to 0) read as 0. */
const unsignedZero = (s: string): string => (/^-0(\.0+)?$/.test(s) ? s.slice(1) : s);

export function fmtR2(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? unsignedZero(x.toFixed(3)) : 'n/a';
}

export function fmtPct(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x)
    ? `${unsignedZero((100 * x).toFixed(0))}%`
    : 'n/a';
}

/** One line about a finished summary: "mean R² 0.412, 7/20 pass (35%)". */
export function summaryLine(s: PhaseSummary | null): string {
  if (!s) return 'no summary yet';
  return `mean R² ${fmtR2(s.mean_r2)}, ${s.pass_count}/${s.total} pass (${shareText(s.pass_rate)})`;
}

/** The first protocol version with resource_link content items. */
export const RESOURCE_LINK_VERSION = '2025-06-18';

/**
 * A link to a resource in a tool result: a resource_link item, or for a client of an older
 * protocol version (which refuses the whole result over an item type it does not know) a text
 * item that names the URI to read. Versions are ISO dates, so they compare as strings.
 */
export function resourceLink(
  protocolVersion: string,
  link: { uri: string; name: string; title: string; mimeType: string; description: string },
): CallToolResult['content'][number] {
  if (protocolVersion >= RESOURCE_LINK_VERSION) return { type: 'resource_link', ...link };
  return {
    type: 'text',
    text: `${link.title}: ${link.uri} (${link.mimeType}; read it with resources/read). ${link.description}`,
  };
}
