/**
 * Reports: a tenant's model in pictures (out-of-sample fit, contributions, response curves, ROAS
 * by weather, carry-over, truth, gate, plan) and a run's tenants side by side, each one
 * self-contained HTML file written under <state>/reports/ (or where the CLI says). This module
 * gathers the figures (store, worker pool) and writes the file; src/report builds the page.
 *
 * What a tenant report costs: the phase's CV is trained again to get the out-of-sample
 * predictions (runs store fold scores, not predictions), and the all-rows model is fitted. Both
 * are kept beside the latest finished run of the phase that covers the tenant (like explain), so
 * the next report of the same data only renders.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { GateDecision } from '../gates/index.js';
import type { FinalModelJSON } from '../phases/final.js';
import {
  PHASES,
  type Caveat,
  type Explanation,
  type PhaseId,
  type TenantResult,
} from '../phases/types.js';
import { byCodeUnits } from '../core/stats.js';
import { CLI_OPTION_WORDS } from '../core/words.js';
import type {
  BuiltReport,
  ExplanationIntervals,
  GateView,
  Interval,
  PlanView,
  TenantReportData,
} from '../report/index.js';
import { decompositionColumns, decompositionToCsv } from '../phases/decompose.js';
import { canonicalJson, makeDirs, type RunRecord } from '../store/index.js';
import { writeAtomic } from './analytics.js';
import { compareRuns } from './compare.js';
import { resolveTenant, type FoldPredictions } from './compute.js';
import { normalizeConfig, parsePhase } from './config.js';
import { checkOpen, runTask, type AppContext } from './context.js';
import { checkTenantProtocol, seriesWarnings, warningSourceKind } from './warnings.js';
import { AppError } from './errors.js';
import { comparisonRun, decideForRun } from './judge.js';
import { explanationRow, keptExplanation, keptUncalibrated, uncalibratedRow } from './explain.js';
import { doneRunCovering, isKeptFor, keptFor, onOtherData, type KeptFor } from './kept.js';
import { liftTestsOf } from './lift.js';
import { getLatestPlan, withPlanVerdicts, type StoredPlan } from './plan.js';
import { orderedResults } from './runs.js';
import { datasetHash, describeTenant, tenantSource } from './tenants.js';
import { writeErrorWords } from './paths.js';
import type { ReportRequest, ReportResult, RunHandleOptions } from './types.js';
import { CODE_VERSION } from './version.js';

/**
 * Where a tenant report keeps its CV predictions beside a run: models row (fold 0, kind
 * 'report-fit'). Fold -1 holds the all-rows model that explain and the planner look up by hash;
 * CV runs store no per-fold models, and the kind keeps this row apart from any that would.
 */
const REPORT_FIT = { fold: 0, kind: 'report-fit' } as const;

export function reportsDir(ctx: AppContext): string {
  return path.join(ctx.stateDir, 'reports');
}

function tenantFile(ctx: AppContext, tenant: string, phase: PhaseId): string {
  return path.join(reportsDir(ctx), `tenant-${tenant}-phase${phase}.html`);
}

function runFile(ctx: AppContext, runId: number): string {
  return path.join(reportsDir(ctx), `run-${runId}.html`);
}

const bad = (msg: string) => new AppError(msg, 'invalid_argument');

/**
 * The page builders, loaded on first use: vega and vega-lite take a few hundred milliseconds to
 * load, which no other command and no server start should pay.
 */
function pages(): Promise<typeof import('../report/index.js')> {
  return import('../report/index.js');
}

/** Writes the report a request names: a tenant's, or a run's (by id, or the latest of a phase). */
export async function writeReport(
  ctx: AppContext,
  req: ReportRequest,
  opts: RunHandleOptions = {},
  replicates?: number,
): Promise<ReportResult> {
  checkOpen(ctx);
  if (req.tenant !== undefined && req.runId !== undefined) {
    throw bad('give a tenant or a run id, not both (a run report covers all its tenants)');
  }
  if (req.tenant === undefined && req.runId === undefined && req.phase === undefined) {
    throw bad(
      'say what to report: a tenant (with an optional phase), a run id, or a phase (its latest run)',
    );
  }
  if (req.out !== undefined && (typeof req.out !== 'string' || req.out.trim() === '')) {
    throw bad('out must be a file path');
  }
  // Where the report goes, checked before the seconds of building it: a directory, or a path
  // through a file, failed after them as "cannot write the report to ...: EISDIR".
  if (req.out !== undefined) checkReportPath(path.resolve(req.out));
  return req.tenant !== undefined
    ? tenantReport(ctx, { tenant: req.tenant, phase: req.phase, out: req.out, replicates }, opts)
    : runReport(ctx, { runId: req.runId, phase: req.phase, out: req.out });
}

/**
 * The HTML of `report://tenant/{id}` or `report://run/{id}`: the latest report written for it,
 * written first when there is none (tenant: its default phase; run: that run).
 */
export async function readReport(
  ctx: AppContext,
  kind: 'tenant' | 'run',
  id: string,
  replicates?: number,
): Promise<{ html: string; written: boolean }> {
  if (kind === 'run') {
    const runId = Number(id);
    if (!/^\d+$/.test(id) || !Number.isSafeInteger(runId)) {
      throw bad(`a run report is named by its run id, a positive integer (got '${id}')`);
    }
    const file = runFile(ctx, runId);
    if (ctx.store.getRun(runId) === null) {
      // The run was deleted (delete_tenant with its runs, from any session): its page, which
      // holds the deleted tenants' figures, goes with it.
      rmSync(file, { force: true });
      throw new AppError(
        `no run with id ${runId}; list runs with ${ctx.words.listRuns}`,
        'not_found',
      );
    }
    const html = readIfExists(file);
    if (html !== null) return { html, written: false };
    await runReport(ctx, { runId });
    return { html: readFileSync(file, 'utf8'), written: true };
  }
  tenantSource(ctx, id); // unknown tenants fail here, before any file is looked at
  const latest = latestTenantFile(ctx, id);
  if (latest !== null) return { html: readFileSync(latest, 'utf8'), written: false };
  const out = await tenantReport(ctx, { tenant: id, replicates });
  return { html: readFileSync(out.file, 'utf8'), written: true };
}

/**
 * Removes the report pages of a deleted tenant and of the runs deleted with it (delete_tenant):
 * they hold the deleted figures. Best effort after the store's transaction; a run page left behind
 * is refused on read (readReport).
 */
export function removeReports(ctx: AppContext, tenant: string, runIds: readonly number[]): void {
  for (const id of runIds) rmSync(runFile(ctx, id), { force: true });
  for (const phase of PHASES) {
    const file = tenantFile(ctx, tenant, phase);
    rmSync(file, { force: true });
    rmSync(decompositionFile(file), { force: true });
  }
}

function readIfExists(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** The files in the reports directory (none when it does not exist yet). */
function reportNames(ctx: AppContext): string[] {
  try {
    return readdirSync(reportsDir(ctx));
  } catch {
    return [];
  }
}

/**
 * The tenants with a report written for their current data: reading report://tenant/{id} of one
 * only reads the file, where the others' first read trains the model (seconds for phase 3). One
 * directory listing, then the tenants that have a file checked as readReport would find it.
 */
export function reportedTenants(ctx: AppContext): string[] {
  checkOpen(ctx);
  const names = reportNames(ctx);
  const candidates = new Set<string>();
  for (const n of names) {
    const m = /^tenant-(.+)-phase[0-3]\.html$/.exec(n);
    if (m) candidates.add(m[1]);
  }
  return [...candidates].filter((t) => latestTenantFile(ctx, t, names) !== null).sort(byCodeUnits);
}

/**
 * The most recently written report of a tenant, any phase, written since its data was (a report
 * of data imported before, under the same id, is not the tenant's: after an import with replace,
 * or a delete and an import, report://tenant/{id} and its decomposition served the old data's).
 */
function latestTenantFile(
  ctx: AppContext,
  tenant: string,
  names = reportNames(ctx),
): string | null {
  const updated = ctx.store.getDatasetSummary(tenant)?.updated_at;
  const since = updated === undefined ? -Infinity : Date.parse(updated);
  const mine = names
    .filter((n) => n.startsWith(`tenant-${tenant}-phase`) && n.endsWith('.html'))
    .map((n) => path.join(reportsDir(ctx), n))
    .map((f) => ({ f, t: statSync(f).mtimeMs }))
    .filter(({ t }) => !(t < since))
    .sort((a, b) => b.t - a.t || byCodeUnits(a.f, b.f));
  return mine.length ? mine[0].f : null;
}

/**
 * The newest finished run of the phase, with the default config, that covers the tenant's data
 * (whose hash is `hash`).
 */
function holderRun(
  ctx: AppContext,
  phase: PhaseId,
  tenant: string,
  hash: string,
): RunRecord | null {
  return doneRunCovering(ctx, phase, tenant, hash, normalizeConfig({}));
}

/** The highest phase with a finished run covering the tenant's data; 3 when there is none. */
function defaultPhase(ctx: AppContext, tenant: string, hash: string): PhaseId {
  for (const p of [...PHASES].reverse()) {
    if (doneRunCovering(ctx, p, tenant, hash)) return p;
  }
  return 3;
}

/**
 * The gate decision of a run: the newest one stored for it (in the mode it was asked in), else
 * evaluated for the report without storing. Not the phase's latest alone: once another run of the
 * phase was judged, a run's own stored (say strict) decision was re-evaluated noise-aware.
 */
function gateFor(ctx: AppContext, run: RunRecord | null, phase: PhaseId): GateView | null {
  const rec =
    run === null ? ctx.store.latestGateDecision(phase) : ctx.store.gateDecisionsOfRun(run.id)[0];
  if (rec) {
    return { decision: rec.result, run_id: rec.run_id, decided_at: rec.created_at, stored: true };
  }
  if (run === null) return null;
  try {
    const decision: GateDecision = decideForRun(ctx, run);
    return { decision, run_id: run.id, decided_at: null, stored: false };
  } catch (e) {
    ctx.log(
      'warning',
      `report: could not evaluate the gate of run ${run.id}: ${(e as Error).message}`,
    );
    return null;
  }
}

function interval(p: unknown, level: number): Interval | undefined {
  if (!Array.isArray(p) || p.length !== 2) return undefined;
  const [lo, hi] = p as number[];
  return Number.isFinite(lo) && Number.isFinite(hi) ? { level, lo, hi } : undefined;
}

type WithIntervals = {
  intervals?: {
    roas?: { p80?: unknown };
    marginal_roas?: { p80?: unknown };
    contribution?: { p80?: unknown };
  } | null;
};

/** 80% intervals of the explanation, when the engine computed them (null otherwise). */
export function explanationIntervals(e: Explanation): ExplanationIntervals | null {
  const out: ExplanationIntervals = {};
  let any = false;
  const put = (target: Record<string, Interval>, key: string, p: unknown) => {
    const iv = interval(p, 0.8);
    if (iv) {
      target[key] = iv;
      any = true;
    }
  };
  out.roas = {};
  out.marginal_roas = {};
  out.contribution = {};
  for (const c of e.channels as (Explanation['channels'][number] & WithIntervals)[]) {
    put(out.roas, c.channel, c.intervals?.roas?.p80);
    put(out.marginal_roas, c.channel, c.intervals?.marginal_roas?.p80);
    put(out.contribution, c.channel, c.intervals?.contribution?.p80);
  }
  out.state_roas = {};
  for (const s of e.weather_states) {
    const row: Record<string, Interval> = {};
    for (const c of s.channels as ((typeof s.channels)[number] & WithIntervals)[]) {
      put(row, c.channel, c.intervals?.roas?.p80);
    }
    out.state_roas[s.state] = row;
  }
  out.response_curves = {};
  for (const r of e.response_curves as (Explanation['response_curves'][number] & {
    contribution_interval?: { p80?: { lo: number[]; hi: number[] } } | null;
  })[]) {
    const b = r.contribution_interval?.p80;
    if (b && b.lo.length === r.spend_levels.length && b.hi.length === r.spend_levels.length) {
      out.response_curves[r.channel] = { level: 0.8, lo: b.lo, hi: b.hi };
      any = true;
    }
  }
  return any ? out : null;
}

/** Caveats the engine asks to be read first (when it gives them). */
function caveatsOf(e: Explanation): Caveat[] {
  const c = (e as Partial<Explanation>).caveats;
  return Array.isArray(c)
    ? c.map((x) => ({
        code: x.code,
        message: x.message,
        ...(x.channels ? { channels: x.channels } : {}),
      }))
    : [];
}

type ReportPayload = KeptFor & { result: TenantResult; fit: FoldPredictions[] };

async function tenantReport(
  ctx: AppContext,
  req: { tenant: string; phase?: PhaseId; out?: string; replicates?: number },
  opts: RunHandleOptions = {},
): Promise<ReportResult> {
  const started = performance.now();
  const source = tenantSource(ctx, req.tenant);
  const hash = datasetHash(source);
  const phase =
    req.phase === undefined ? defaultPhase(ctx, req.tenant, hash) : parsePhase(req.phase);
  const progress = (done: number, message: string) =>
    opts.onProgress?.({ runId: null, done, total: 2, tenant: req.tenant, message });
  progress(0, `gathering the figures of ${req.tenant} (phase ${phase})`);
  const config = normalizeConfig({});
  checkTenantProtocol(ctx, req.tenant, config);
  const holder = holderRun(ctx, phase, req.tenant, hash);
  const kept = holder ? ctx.store.getModels(holder.id, req.tenant) : [];
  const storedModel = kept
    .filter((m) => m.fold === -1 && m.kind === 'final')
    .map((m) => m.payload as KeptFor & { model: FinalModelJSON })
    .find((p) => isKeptFor(p, hash));
  const storedFit = kept
    .filter((m) => m.fold === REPORT_FIT.fold && m.kind === REPORT_FIT.kind)
    .map((m) => m.payload as ReportPayload)
    .find((p) => isKeptFor(p, hash));
  // The explanation explain (or an earlier report) kept for this data, replicates and tests: its
  // bootstrap is the report's cost (30-35 s on a 20-channel, 10-year tenant, every time). Only an
  // uncalibrated one: the decomposition needs the model it describes, and a calibrated model is
  // not kept.
  const liftTests = liftTestsOf(ctx, req.tenant);
  const liftKey = canonicalJson(liftTests);
  const replicates = req.replicates ?? null;
  const keptShown = keptExplanation(
    kept.filter((m) => m.fold === -1),
    hash,
    replicates,
    liftKey,
  );
  const reused = keptShown?.calibration?.applied === true ? null : keptShown;
  // A calibrated one is computed again, but its held channels' intervals come from the
  // uncalibrated explanation kept without tests when there is one (as explain: compute.ts).
  const plain =
    liftTests.length > 0 && !reused
      ? keptUncalibrated(
          kept.filter((m) => m.fold === -1),
          hash,
          replicates,
        )
      : null;
  const out = await runTask(
    ctx,
    {
      kind: 'report',
      phase,
      config,
      source,
      model: storedModel?.model,
      cached: storedFit ? { result: storedFit.result, fit: storedFit.fit } : undefined,
      liftTests,
      replicates: req.replicates,
      explanation: reused ?? undefined,
      ...(plain ? { uncalibrated: plain.explanation } : {}),
    },
    opts.signal,
  );
  if (holder) {
    try {
      if (!storedModel) {
        ctx.store.saveModel(holder.id, req.tenant, {
          fold: -1,
          kind: 'final',
          payload: { ...keptFor(hash), model: out.model },
        });
      }
      if (!storedFit) {
        ctx.store.saveModel(holder.id, req.tenant, {
          ...REPORT_FIT,
          payload: { ...keptFor(hash), result: out.result, fit: out.fit } satisfies ReportPayload,
        });
      }
      // Kept as explain keeps it (explain and the next report read it); not a calibrated one.
      const replaces = !keptShown && out.explanation.calibration?.applied !== true;
      if (replaces) {
        ctx.store.saveModel(
          holder.id,
          req.tenant,
          explanationRow(hash, replicates, liftKey, out.explanation),
        );
      }
      // The uncalibrated explanation of the held channels, kept for explain and the next report.
      const row = uncalibratedRow(hash, replicates, replaces ? plain : null, out.uncalibrated);
      if (row) ctx.store.saveModel(holder.id, req.tenant, row);
    } catch (e) {
      ctx.log('warning', `could not keep the report's figures: ${(e as Error).message}`);
    }
  }
  // As explain says it (app/index.ts): where the newest plan judged the same lift tests otherwise,
  // the page's "Read first" names it too (the page showed a calibrated ROAS resting on a test the
  // plan beside it left out, without a word).
  const explanation = withPlanVerdicts(ctx, out.explanation);
  const detail = describeTenant(ctx, req.tenant);
  const info = detail.info;
  const gathered = performance.now();
  progress(1, `rendering the report of ${req.tenant}`);
  const latest = getLatestPlan(ctx, req.tenant);
  const data: TenantReportData = {
    tenant: {
      id: req.tenant,
      source: info.source,
      frequency: info.frequency,
      rows: detail.summary.rows,
      start: detail.summary.start,
      end: detail.summary.end,
      channels: detail.summary.channels,
      weather: detail.summary.weather,
      target: detail.summary.target,
      tier: info.tier,
      category: info.category,
      city: info.city,
      driver: info.driver,
    },
    phase,
    run: holder ? { id: holder.id, finished_at: holder.finished_at } : null,
    result: out.result,
    fit: out.fit,
    explanation,
    decomposition: out.decomposition,
    intervals: explanationIntervals(explanation),
    caveats: caveatsOf(explanation).map((c) => c.message),
    // The data's own warnings, as train gives them (a level shift, a paused channel, an event no
    // fold's training rows saw): the import said them, the page did not. In the CLI's words, as the
    // page's other next steps are, whichever face wrote it (the page is the same file).
    data_warnings: seriesWarnings(
      resolveTenant(source).series,
      config,
      CLI_OPTION_WORDS,
      'train',
      warningSourceKind(source),
    ),
    truth_decay: out.truthDecay,
    // The gate of the run these figures are from: the phase's latest run may not hold the tenant
    // (it showed another run's "7/8 tenants pass" for a tenant in none of them).
    gate: holder ? gateFor(ctx, holder, phase) : null,
    plan: latestPlanView(latest),
    figures_of: holder
      ? `run ${holder.id}${holder.finished_at ? ` (finished ${holder.finished_at})` : ''}`
      : null,
    version: CODE_VERSION,
  };
  const built = await (await pages()).buildTenantReport(data);
  const file = writeHtml(
    req.out ?? tenantFile(ctx, req.tenant, phase),
    built.html,
    req.out === undefined,
  );
  // The same decomposition per date as a CSV beside the page, for spreadsheets and agents.
  const csv = decompositionToCsv(out.decomposition, resolveTenant(source).series.target);
  const csvFile = writeHtml(decompositionFile(file), csv, req.out === undefined);
  progress(2, `wrote the report of ${req.tenant}`);
  const r = out.result;
  const summary = [
    `${req.tenant}, phase ${phase} (${out.explanation.model_kind}): out-of-sample R² ${r.mean_r2.toFixed(3)}` +
      (r.oracle_r2 !== null ? ` vs oracle ${r.oracle_r2.toFixed(3)}` : '') +
      ` (${r.passes ? 'passes' : 'fails'} the bar).`,
    ...calibrationLine(out.explanation),
    ...built.charts.map((c) => c.reading),
  ];
  return {
    ...result(
      ctx,
      'tenant',
      req.tenant,
      phase,
      holder?.id ?? null,
      file,
      built,
      summary,
      started,
      gathered,
    ),
    caveats: caveatsOf(explanation),
    ...(latest
      ? {
          plan_caveats: {
            plan_id: latest.id,
            outlook: latest.plan.outlook.source,
            caveats: latest.caveats,
          },
        }
      : {}),
    // In the words of the face that asked (the page keeps the CLI's: it is one file for both).
    data_warnings: seriesWarnings(
      resolveTenant(source).series,
      config,
      ctx.words,
      'train',
      warningSourceKind(source),
    ),
    decomposition: {
      file: csvFile,
      uri: `report://tenant/${req.tenant}/decomposition`,
      rows: out.decomposition.dates.length,
      columns: decompositionColumns(out.decomposition),
      bytes: Buffer.byteLength(csv),
    },
  };
}

/**
 * The decomposition CSV written beside a tenant report: `tenant-x-phase3.html` ->
 * `tenant-x-phase3.decomposition.csv` (an --out without .html gets the suffix appended).
 */
export function decompositionFile(htmlFile: string): string {
  const base = htmlFile.endsWith('.html') ? htmlFile.slice(0, -'.html'.length) : htmlFile;
  return `${base}.decomposition.csv`;
}

/**
 * The decomposition CSV of `report://tenant/{id}/decomposition`: the one beside the tenant's
 * latest report, written with a report first when there is none.
 */
export async function readDecomposition(
  ctx: AppContext,
  tenant: string,
  replicates?: number,
): Promise<{ csv: string; written: boolean }> {
  tenantSource(ctx, tenant);
  const latest = latestTenantFile(ctx, tenant);
  if (latest !== null) {
    const csv = readIfExists(decompositionFile(latest));
    if (csv !== null) return { csv, written: false };
  }
  const out = await tenantReport(ctx, { tenant, replicates });
  return { csv: readFileSync(decompositionFile(out.file), 'utf8'), written: true };
}

/** With applied lift tests: the figures shown are the calibrated model's, beside the uncalibrated ROAS. */
function calibrationLine(e: Explanation): string[] {
  const cal = e.calibration;
  if (!cal?.applied) return [];
  const used = cal.tests.filter((t) => t.used).length;
  const roas = e.channels
    .map((c) => {
      const before = c.uncalibrated_roas;
      return `${c.channel} ${c.roas.toFixed(2)}${before === null || before === undefined ? '' : ` (uncalibrated ${before.toFixed(2)})`}`;
    })
    .join(', ');
  return [`Calibrated with ${used} lift test(s): ROAS ${roas}.`];
}

async function runReport(
  ctx: AppContext,
  req: { runId?: number; phase?: PhaseId; out?: string },
): Promise<ReportResult> {
  const started = performance.now();
  let run: RunRecord | null;
  if (req.runId !== undefined) {
    if (!Number.isSafeInteger(req.runId) || req.runId < 1) {
      throw bad(`run id must be a positive integer (got ${String(req.runId)})`);
    }
    run = ctx.store.getRun(req.runId);
    if (!run)
      throw new AppError(
        `no run with id ${req.runId}; list runs with ${ctx.words.listRuns}`,
        'not_found',
      );
    if (run.status !== 'done') {
      const pending = run.status === 'running' || run.status === 'queued';
      throw new AppError(
        pending
          ? `run ${run.id} is ${run.status}, not done, so it has no report yet; report it once it has finished`
          : `run ${run.id} ${run.status === 'cancelled' ? 'was cancelled' : 'failed'}, so no report of it exists; start it again with ${ctx.words.runPhase(run.phase)}, then report that run`,
        'conflict',
      );
    }
  } else {
    const phase = parsePhase(req.phase);
    run = ctx.store.latestDoneRun(phase);
    if (!run) {
      throw new AppError(
        `no finished phase ${phase} run yet; call ${ctx.words.runPhase(phase)} first`,
        'not_found',
      );
    }
  }
  const results = orderedResults(ctx.store, run.id, run.tenants);
  const prev = run.phase > 0 ? comparisonRun(ctx, (run.phase - 1) as PhaseId, run) : null;
  const comparison = prev
    ? compareRuns(
        {
          run_id: prev.id,
          phase: prev.phase,
          results: orderedResults(ctx.store, prev.id, prev.tenants),
        },
        { run_id: run.id, phase: run.phase, results },
        onOtherData(ctx, prev, run),
      )
    : null;
  const config = run.config as Record<string, unknown>;
  const gathered = performance.now();
  const built = await (
    await pages()
  ).buildRunReport({
    run: {
      id: run.id,
      phase: run.phase,
      status: run.status,
      created_at: run.created_at,
      finished_at: run.finished_at,
      seconds: run.seconds,
      config,
    },
    results,
    pass_threshold: typeof config.passThreshold === 'number' ? config.passThreshold : 0.5,
    gate: gateFor(ctx, run, run.phase),
    comparison,
    figures_of: `run ${run.id}${run.finished_at ? ` (finished ${run.finished_at})` : ''}`,
    version: CODE_VERSION,
  });
  const file = writeHtml(req.out ?? runFile(ctx, run.id), built.html, req.out === undefined);
  const summary = built.charts.map((c) => c.reading);
  return result(
    ctx,
    'run',
    String(run.id),
    run.phase,
    run.id,
    file,
    built,
    summary,
    started,
    gathered,
  );
}

/**
 * Refuses a report file that is a directory, or whose nearest existing ancestor is a file (the
 * directories still missing are created when it is written).
 */
function checkReportPath(abs: string): void {
  const kind = (p: string): 'dir' | 'file' | null => {
    try {
      return statSync(p).isDirectory() ? 'dir' : 'file';
    } catch {
      return null;
    }
  };
  if (kind(abs) === 'dir') {
    throw bad(
      `cannot write the report to ${abs}: it is a directory; give a file path such as ${path.join(abs, 'report.html')}`,
    );
  }
  for (let dir = path.dirname(abs); ; dir = path.dirname(dir)) {
    const k = kind(dir);
    if (k === 'file') {
      throw bad(
        `cannot write the report to ${abs}: ${dir} is a file, not a directory; give a file path in a directory`,
      );
    }
    if (k === 'dir' || path.dirname(dir) === dir) return;
  }
}

/**
 * Writes a report file. `inStateDir`: the path is the state directory's, not the caller's (no
 * --out; MCP has no path argument), so any failure is the operator's to fix, not an argument to
 * change (it read "give a file path ... Fix the argument" over MCP).
 */
function writeHtml(file: string, html: string, inStateDir: boolean): string {
  const abs = path.resolve(file);
  try {
    makeDirs(path.dirname(abs));
    writeAtomic(abs, html);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    if (inStateDir) {
      throw new AppError(
        `cannot write the report into the state directory (${path.basename(abs)}): ${writeErrorWords(e)}`,
        'unavailable',
      );
    }
    const unavailable = code === 'ENOSPC' || code === 'EROFS';
    throw new AppError(
      `cannot write the report to ${abs}: ${writeErrorWords(e)}; ` +
        (unavailable
          ? 'free space or give another place'
          : 'give a file path in a writable directory'),
      unavailable ? 'unavailable' : 'invalid_argument',
    );
  }
  return abs;
}

function result(
  _ctx: AppContext,
  kind: 'tenant' | 'run',
  subject: string,
  phase: PhaseId,
  runId: number | null,
  file: string,
  built: BuiltReport,
  summary: string[],
  started: number,
  gathered: number,
): ReportResult {
  const done = performance.now();
  return {
    kind,
    subject,
    phase,
    run_id: runId,
    file,
    uri: `report://${kind}/${subject}`,
    bytes: Buffer.byteLength(built.html),
    seconds: (done - started) / 1000,
    render_seconds: (done - gathered) / 1000,
    charts: built.charts.map((c) => ({ id: c.id, title: c.title, reading: c.reading })),
    summary,
    caveats: [],
    warnings: built.warnings,
  };
}

/** The tenant's latest budget plan as the report draws it (null when none). */
function latestPlanView(stored: StoredPlan | null): PlanView | null {
  if (!stored) return null;
  const p = stored.plan;
  const dates = p.outlook.dates;
  const even = p.baselines.find((b) => b.name === 'historical_even');
  return {
    id: stored.id,
    created_at: stored.created_at,
    spend: p.channels.flatMap((c) =>
      c.spend_by_period.map((spend, t) => ({ date: dates[t], channel: c.channel, spend })),
    ),
    outlook: Object.entries(p.outlook.weather).flatMap(([variable, values]) =>
      values.map((value, t) => ({ date: dates[t], variable, value })),
    ),
    controls: Object.entries(p.outlook.controls ?? {}).flatMap(([variable, values]) =>
      values.map((value, t) => ({ date: dates[t], variable, value })),
    ),
    expected_revenue: p.expected_revenue.horizon,
    carry_over_after: p.expected_revenue.carry_over_after,
    objective: p.objective,
    calibrated_with: (p.lift_calibration?.tests ?? []).filter((t) => t.used).length,
    checked: p.uncertainty !== null,
    incremental_revenue: p.incremental_revenue,
    roas: p.roas,
    incremental_revenue_p80: p.uncertainty?.incremental_revenue_interval.p80 ?? null,
    expected_revenue_p80: p.uncertainty?.expected_revenue_interval.p80 ?? null,
    uplift_over_even: even
      ? { value: even.plan_uplift, p80: even.plan_uplift_interval?.p80 ?? null }
      : null,
    ...(p.budget_curve
      ? {
          budget_curve: p.budget_curve.flatMap((c) =>
            c.incremental_revenue === null
              ? []
              : [
                  {
                    multiple: c.multiple,
                    budget: c.budget,
                    incremental_revenue: c.incremental_revenue,
                    p80: c.incremental_revenue_interval?.p80 ?? null,
                    truth: c.true_incremental_revenue ?? null,
                    return_on_increment: c.return_on_increment,
                  },
                ],
          ),
        }
      : {}),
    // Every note the CLI prints after the summary (a last-day burst's, the carry-over's, the
    // step's): the report had dropped them, and a 27.4k last-day spike stood without its reason.
    notes: [
      ...new Set([
        ...stored.read_first,
        ...stored.summary.slice(1, 3),
        ...p.weather_shift.map((w) => w.text),
        ...p.notes,
      ]),
    ],
    read_first: stored.read_first,
    read_first_caveats:
      stored.caveats.length +
      (stored.on_current_data === false ? 1 : 0) +
      (stored.on_current_lift_tests ? 0 : 1),
  };
}
