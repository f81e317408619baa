/**
 * SQLite persistence of datasets, runs, per-tenant results, fitted models, gate decisions and
 * escalations. One logical write = one IMMEDIATE transaction (taking the write lock up front, so
 * two connections on the same file wait on busy_timeout instead of failing on lock upgrade).
 * Above 450 lines on purpose: one class owns the connection, its transactions and the row
 * decoding of every table; the schema (schema.ts), records, hashes and paths are apart already.
 */

import { standardErrorOfMean } from '../core/metrics.js';
import Database from 'better-sqlite3';
import { readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LiftTest } from '../core/lift.js';
import { parsePhase, type PhaseId, type TenantResult } from '../phases/types.js';
import { makeDirs } from './dirs.js';
import { DatasetExistsError, StoreBusyError, StoreError, messageOf } from './errors.js';
import { canonicalJson, contentHash } from './hash.js';
import { decodeJson, decodeNullable, encodeJson, encodeNullable } from './json.js';
import { STATE_DIR_ENV } from './paths.js';
import type {
  CreateRunInput,
  DatasetInput,
  DatasetRecord,
  DatasetSource,
  DatasetSummary,
  EscalationRecord,
  FinalRunStatus,
  FoldRow,
  GateDecisionRecord,
  LiftTestRecord,
  ListRunsOptions,
  ModelInput,
  ModelRecord,
  PlanFigures,
  PlanHead,
  PlanRecord,
  RunRecord,
  RunStatus,
  SaveGateDecisionInput,
  SavePlanInput,
} from './records.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

/**
 * The figures of a plan's stored result that a listing shows, read by SQLite's JSON functions so
 * that listing plans does not parse each plan whole (outlook, spend per period, refits' figures).
 * A non-finite number is stored as a tagged object (json.ts) and comes back through decodeJson.
 */
const PLAN_FIGURES_SQL = `json_object(
  'unit', json_extract(result, '$.plan.horizon.unit'),
  'outlook', json_extract(result, '$.plan.outlook.source'),
  'budget', json_extract(result, '$.plan.budget'),
  'incremental_revenue', json_extract(result, '$.plan.incremental_revenue'),
  'roas', json_extract(result, '$.plan.roas'),
  'uplift_vs_historical', json_extract(result, '$.plan.baselines[0].plan_uplift'),
  'uplift_vs_given', (SELECT json_extract(b.value, '$.plan_uplift')
    FROM json_each(result, '$.plan.baselines') AS b
    WHERE json_extract(b.value, '$.name') = 'given_plan'),
  'given_plan', json_extract(inputs, '$.spend_plan'),
  'compare_outlook', json_extract(result, '$.comparison.comparison.b'),
  'compare_incremental_revenue', json_extract(result, '$.comparison.comparison.incremental_b'),
  'unchecked', CASE WHEN json_type(result, '$.plan.uncertainty') = 'null' THEN json('true') ELSE json('false') END,
  'caveats', CASE WHEN json_type(result, '$.caveats') = 'array' THEN json((
    SELECT json_group_array(json_extract(c.value, '$.code')) FROM json_each(result, '$.caveats') AS c
  )) END)`;

/**
 * What a plan says of the data it was made on: the identity its result keeps (`data_id`, plans
 * stored since session 51), and the hash stored with its model run's result for the tenant (null
 * when that run is gone or its result predates schema 5).
 */
const PLAN_DATA_SQL = `json_extract(plans.result, '$.data_id') AS data_id, (
  SELECT tr.dataset_hash FROM tenant_results tr
  WHERE tr.run_id = plans.model_run_id AND tr.tenant = plans.tenant) AS model_data_hash`;

export const STORE_FILE = 'weathervane.sqlite';
export const INTERRUPTED_ERROR = 'interrupted: the process stopped before the run finished';
const BUSY_TIMEOUT_MS = 5000;
/** What a write refused by another connection's lock says (after its `what`). */
const LOCKED_WORDS =
  "another process holds the store's write lock (database is locked: a backup, a database browser or another long write); nothing of this write was kept, retry shortly";
/** Pause before opening a new store again after SQLITE_BUSY (openStore). */
const OPEN_RETRY_MS = 25;

export interface StoreOptions {
  /** Source of created_at / started_at / finished_at (default: the system clock). */
  clock?: () => Date;
}

type Db = Database.Database;

interface DatasetRow {
  tenant: string;
  source: DatasetSource;
  content_hash: string;
  rows: number;
  frequency: 'daily' | 'weekly';
  start_date: string;
  end_date: string;
  channels: string;
  info: string;
  csv?: string | null;
  truth?: string | null;
  has_csv: number;
  has_truth: number;
  created_at: string;
  updated_at: string;
}

interface RunRow {
  id: number;
  key: string;
  phase: PhaseId;
  tenants: string;
  config: string;
  config_hash: string;
  code_version: string;
  seed: number;
  status: RunStatus;
  progress_done: number;
  progress_total: number;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  seconds: number | null;
  summary: string | null;
  served_at: string | null;
  recency?: number | null;
  owner_pid?: number | null;
}

interface GateRow {
  id: number;
  run_id: number | null;
  phase: PhaseId;
  decision: string;
  inputs: string;
  result: string;
  created_at: string;
  escalation_id: number | null;
}

interface LiftTestRow {
  id: number;
  tenant: string;
  channel: string;
  start_date: string;
  end_date: string;
  spend_change: number;
  incremental_revenue: number;
  standard_error: number;
  source: string;
  created_at: string;
}

interface EscalationRow {
  id: number;
  gate_decision_id: number;
  phase: PhaseId;
  reason: string;
  evidence: string;
  next_step: string;
  severity: string;
  created_at: string;
}

const SQLITE_NOT_WRITABLE = /^SQLITE_(READONLY|CANTOPEN|FULL|IOERR|PERM)/;
const SQLITE_NOT_A_DB = /^SQLITE_(NOTADB|CORRUPT)/;

function sqliteCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * Open (creating if needed) `<stateDir>/weathervane.sqlite`, migrated to the latest schema.
 * Fails here, with a StoreError naming the directory, if the directory cannot be written
 * (read-only, not a directory, disk full), rather than at the first write of a run.
 */
export function openStore(stateDir: string, options: StoreOptions = {}): Store {
  const dir = resolve(stateDir);
  const file = join(dir, STORE_FILE);
  const notWritable = (err: unknown): StoreError =>
    new StoreError(
      `state directory ${dir} is not writable: ${messageOf(err)}; set ${STATE_DIR_ENV} to a writable directory`,
      { cause: err },
    );
  try {
    makeDirs(dir);
    // A real write: catches read-only mounts, permissions and a full disk before SQLite does.
    const probe = join(dir, `.write-probe-${process.pid}`);
    try {
      writeFileSync(probe, Buffer.alloc(4096));
    } finally {
      // A failed write (disk full) may still leave a partial file behind.
      try {
        unlinkSync(probe);
      } catch {
        // never created
      }
    }
  } catch (err) {
    throw notWritable(err);
  }
  let db: Db | null = null;
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  try {
    for (;;) {
      try {
        db = new Database(file);
        db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
        db.pragma('journal_mode = WAL');
        db.pragma('foreign_keys = ON');
        migrate(db, file);
        return new Store(db, file, options.clock ?? (() => new Date()));
      } catch (err) {
        // Two processes opening a new store at once: SQLite answers the WAL switch (and the
        // WAL's first recovery) with SQLITE_BUSY without waiting on busy_timeout, and one of
        // them failed "database is locked" (4 of 30 `run-phase` + `runs` pairs on a fresh
        // directory). Opened again after a short pause, within the busy timeout.
        db?.close();
        db = null;
        if (!sqliteCode(err).startsWith('SQLITE_BUSY') || Date.now() > deadline) throw err;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, OPEN_RETRY_MS);
      }
    }
  } catch (err) {
    if (err instanceof StoreError) throw err;
    const code = sqliteCode(err);
    if (SQLITE_NOT_WRITABLE.test(code)) throw notWritable(err);
    if (SQLITE_NOT_A_DB.test(code)) {
      throw new StoreError(
        `${file} is not a usable weathervane database (${messageOf(err)}); move it away or set ${STATE_DIR_ENV} to another directory`,
        { cause: err },
      );
    }
    if (code.startsWith('SQLITE_BUSY')) {
      throw new StoreBusyError(`cannot open the store at ${file}: ${LOCKED_WORDS}`, {
        cause: err,
      });
    }
    throw new StoreError(`cannot open the store at ${file}: ${messageOf(err)}`, { cause: err });
  }
}

/**
 * Apply the pending migrations, one transaction each; safe if another connection races. A store
 * already at this code's version is only read: the write lock is taken when a migration is due
 * (a probe's database browser holding a write for 8 s made every command, `runs` included, and the
 * MCP server fail to start, each after the 5 s busy timeout).
 */
function migrate(db: Db, file: string): void {
  const version = (): number => Number(db.pragma('user_version', { simple: true }));
  const newer = (v: number): StoreError =>
    new StoreError(
      `${file} has schema version ${v}, newer than this code's ${SCHEMA_VERSION}; upgrade weathervane-mmm or set ${STATE_DIR_ENV} to another directory`,
    );
  const current = version();
  if (current > SCHEMA_VERSION) throw newer(current);
  if (current === SCHEMA_VERSION) return;
  const step = db.transaction((): boolean => {
    const v = version();
    if (v > SCHEMA_VERSION) throw newer(v);
    if (v === SCHEMA_VERSION) return false;
    db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${v + 1}`);
    return true;
  });
  while (step.immediate()) {
    // one migration per transaction
  }
}

function toRun(row: RunRow): RunRecord {
  // recency is the store's ordering of runs (latestDoneRun), not part of the record.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { recency, ...rest } = row;
  return {
    ...rest,
    tenants: decodeJson<string[]>(row.tenants),
    config: decodeJson(row.config),
    summary: decodeNullable(row.summary),
  };
}

function toDatasetSummary(row: DatasetRow): DatasetSummary {
  return {
    tenant: row.tenant,
    source: row.source,
    content_hash: row.content_hash,
    rows: row.rows,
    frequency: row.frequency,
    start: row.start_date,
    end: row.end_date,
    channels: decodeJson<string[]>(row.channels),
    info: decodeJson(row.info),
    has_csv: row.has_csv === 1,
    has_truth: row.has_truth === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function toGate(row: GateRow): GateDecisionRecord {
  return {
    id: row.id,
    run_id: row.run_id,
    phase: row.phase,
    decision: row.decision as GateDecisionRecord['decision'],
    inputs: decodeJson(row.inputs),
    result: decodeJson(row.result),
    created_at: row.created_at,
    escalation_id: row.escalation_id,
  };
}

function toEscalation(row: EscalationRow): EscalationRecord {
  return { ...row, evidence: decodeJson<string[]>(row.evidence) };
}

/** SQLite stores NaN as NULL; keep the real figure in the JSON column. */
const real = (x: number | null | undefined): number | null =>
  x === null || x === undefined || !Number.isFinite(x) ? null : x;

function checkPhase(phase: unknown): asserts phase is PhaseId {
  parsePhase(phase);
}

const DATASET_COLUMNS = `tenant, source, content_hash, rows, frequency, start_date, end_date, channels, info,
  created_at, updated_at, csv IS NOT NULL AS has_csv, truth IS NOT NULL AS has_truth`;
const GATE_SELECT = `SELECT g.*, (SELECT e.id FROM escalations e WHERE e.gate_decision_id = g.id
  ORDER BY e.id LIMIT 1) AS escalation_id FROM gate_decisions g`;

export class Store {
  private closed = false;
  private readonly tenantSets = new Map<number, Set<string>>();

  constructor(
    private readonly db: Db,
    /** Absolute path of the SQLite file. */
    readonly path: string,
    private readonly clock: () => Date,
  ) {}

  private now(): string {
    const d = this.clock();
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) {
      throw new StoreError('the store clock returned an invalid Date');
    }
    return d.toISOString();
  }

  /** The schema version of the open database (PRAGMA user_version). */
  schemaVersion(): number {
    return Number(this.db.pragma('user_version', { simple: true }));
  }

  /** SQLite journal mode actually in effect ('wal' unless the filesystem refused it). */
  journalMode(): string {
    return String(this.db.pragma('journal_mode', { simple: true }));
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
  }

  // ---- datasets -------------------------------------------------------------------------

  /** Insert or replace a tenant's dataset; content_hash = sha256 of the CSV text. */
  upsertDataset(input: DatasetInput): DatasetSummary {
    const { info } = input;
    const now = this.now();
    this.write(`cannot save dataset ${info.tenant}`, () => this.writeDataset(input, now));
    const saved = this.getDatasetSummary(info.tenant);
    if (saved === null) throw new StoreError(`dataset ${info.tenant} vanished after saving`);
    return saved;
  }

  /**
   * Stores generated datasets, all or none (one transaction). Where `sameData(stored)` says a
   * tenant's stored dataset holds other data than the new one (another generator spec under the
   * same id), its lift tests are deleted in the same transaction: they were measured on the old
   * data and would calibrate the new. Returns the tenants whose stored data were other data and
   * the lift-test ids deleted by tenant (tenants without any left out), in the order of `inputs`.
   */
  replaceDatasets(
    inputs: readonly DatasetInput[],
    sameData: (stored: DatasetRecord) => boolean,
  ): { otherData: string[]; liftTestsDeleted: { tenant: string; ids: number[] }[] } {
    const now = this.now();
    return this.write('cannot save the generated datasets', () => {
      const otherData: string[] = [];
      const liftTestsDeleted: { tenant: string; ids: number[] }[] = [];
      for (const input of inputs) {
        const tenant = input.info.tenant;
        const stored = this.getDataset(tenant);
        if (stored !== null && !sameData(stored)) {
          otherData.push(tenant);
          const rows = this.db
            .prepare('SELECT id FROM lift_tests WHERE tenant = ? ORDER BY id')
            .all(tenant) as { id: number }[];
          if (rows.length > 0) {
            this.db.prepare('DELETE FROM lift_tests WHERE tenant = ?').run(tenant);
            liftTestsDeleted.push({ tenant, ids: rows.map((r) => r.id) });
          }
        }
        this.writeDataset(input, now);
      }
      return { otherData, liftTestsDeleted };
    });
  }

  /** The insert or update of one dataset's row, inside the caller's transaction. */
  private writeDataset(input: DatasetInput, now: string): void {
    const { info, csv } = input;
    if (typeof csv !== 'string' || csv.length === 0) {
      throw new RangeError(`dataset ${info?.tenant}: csv text is required to compute its hash`);
    }
    const storeCsv = input.storeCsv ?? info.source !== 'builtin';
    const stored = this.db
      .prepare('SELECT source FROM datasets WHERE tenant = ?')
      .get(info.tenant) as { source: string } | undefined;
    const isNew = stored === undefined;
    if (!isNew && input.onlyNew) throw new DatasetExistsError(info.tenant, stored.source);
    // A new imported or generated tenant starts without lift tests: any left under its id
    // belong to a tenant deleted before its lift tests went with it, measured on other data.
    if (isNew && info.source !== 'builtin') {
      this.db.prepare('DELETE FROM lift_tests WHERE tenant = ?').run(info.tenant);
    }
    this.db
      .prepare(
        `INSERT INTO datasets (tenant, source, content_hash, rows, frequency, start_date, end_date,
           channels, info, csv, truth, created_at, updated_at)
         VALUES (@tenant, @source, @hash, @rows, @frequency, @start, @end, @channels, @info, @csv,
           @truth, @now, @now)
         ON CONFLICT (tenant) DO UPDATE SET source = excluded.source,
           content_hash = excluded.content_hash, rows = excluded.rows,
           frequency = excluded.frequency, start_date = excluded.start_date,
           end_date = excluded.end_date, channels = excluded.channels, info = excluded.info,
           csv = excluded.csv, truth = excluded.truth, updated_at = excluded.updated_at`,
      )
      .run({
        tenant: info.tenant,
        source: info.source,
        hash: contentHash(csv),
        rows: info.rows,
        frequency: info.frequency,
        start: info.start,
        end: info.end,
        channels: encodeJson(info.channels),
        info: encodeJson(info),
        csv: storeCsv ? csv : null,
        truth: encodeNullable(input.truth),
        now,
      });
  }

  /**
   * When each stored tenant's data was last written (imported, generated, replaced), by tenant:
   * one query for a list of runs to tell which of their tenants changed since.
   */
  datasetsUpdatedAt(): Map<string, string> {
    const rows = this.db.prepare('SELECT tenant, updated_at FROM datasets').all() as {
      tenant: string;
      updated_at: string;
    }[];
    return new Map(rows.map((r) => [r.tenant, r.updated_at]));
  }

  getDatasetSummary(tenant: string): DatasetSummary | null {
    const row = this.db
      .prepare(`SELECT ${DATASET_COLUMNS} FROM datasets WHERE tenant = ?`)
      .get(tenant) as DatasetRow | undefined;
    return row === undefined ? null : toDatasetSummary(row);
  }

  /** The dataset with its CSV text and ground truth (null when not kept). */
  getDataset(tenant: string): DatasetRecord | null {
    const row = this.db
      .prepare(`SELECT ${DATASET_COLUMNS}, csv, truth FROM datasets WHERE tenant = ?`)
      .get(tenant) as DatasetRow | undefined;
    if (row === undefined) return null;
    return {
      ...toDatasetSummary(row),
      csv: row.csv ?? null,
      truth: decodeNullable(row.truth ?? null),
    };
  }

  /** All datasets without their CSV text or truth (bounded memory), by tenant name. */
  listDatasets(options: { source?: DatasetSource } = {}): DatasetSummary[] {
    const rows = (
      options.source === undefined
        ? this.db.prepare(`SELECT ${DATASET_COLUMNS} FROM datasets ORDER BY tenant`).all()
        : this.db
            .prepare(`SELECT ${DATASET_COLUMNS} FROM datasets WHERE source = ? ORDER BY tenant`)
            .all(options.source)
    ) as DatasetRow[];
    return rows.map(toDatasetSummary);
  }

  deleteDataset(tenant: string): boolean {
    return this.deleteTenantAndRuns(tenant, []).dataset;
  }

  /**
   * Deletes a dataset, its lift tests, its plans and the given runs (their results, folds and
   * models cascade; gate decisions keep their record with run_id NULL) in one transaction. The
   * lift tests and plans go with the data: they were checked against it or made from it, and a
   * later import under the same id is other data that must not inherit them (its report drew the
   * deleted tenant's plan as its own). Returns whether there was a dataset and how many lift tests
   * and plans were deleted.
   */
  deleteTenantAndRuns(
    tenant: string,
    runIds: readonly number[],
  ): { dataset: boolean; liftTests: number; plans: number } {
    return this.write(`cannot delete dataset ${tenant}`, () => {
      const del = this.db.prepare('DELETE FROM runs WHERE id = ?');
      for (const id of runIds) del.run(id);
      const liftTests = this.db
        .prepare('DELETE FROM lift_tests WHERE tenant = ?')
        .run(tenant).changes;
      const plans = this.db.prepare('DELETE FROM plans WHERE tenant = ?').run(tenant).changes;
      const dataset =
        this.db.prepare('DELETE FROM datasets WHERE tenant = ?').run(tenant).changes > 0;
      return { dataset, liftTests, plans };
    });
  }

  /** Ids and statuses of the runs whose tenant list holds `tenant`, oldest first. */
  runsWithTenant(tenant: string): { id: number; status: RunRecord['status'] }[] {
    return this.db
      .prepare(
        `SELECT id, status FROM runs
         WHERE EXISTS (SELECT 1 FROM json_each(runs.tenants) WHERE json_each.value = ?)
         ORDER BY id`,
      )
      .all(tenant) as { id: number; status: RunRecord['status'] }[];
  }

  // ---- runs -----------------------------------------------------------------------------

  /** Create a run (default status 'queued'); returns its id. */
  createRun(input: CreateRunInput): number {
    const insert = this.runInsert(input);
    return this.write('cannot create run', insert);
  }

  /**
   * The run of this key that is done or queued/running in another process, or else a new one:
   * the look-up and the insert are one IMMEDIATE transaction, so two processes that start the
   * same run at the same moment do not both create it (the second finds the first's).
   */
  claimRun(
    input: CreateRunInput,
  ): { created: number } | { done: RunRecord } | { active: RunRecord } {
    const insert = this.runInsert(input);
    return this.write('cannot create run', () => {
      const done = this.findDoneRunByKey(input.key);
      if (done) return { done };
      const active = this.findActiveRunByKey(input.key);
      if (active) return { active };
      return { created: insert() };
    });
  }

  /** Checks a new run's fields and returns the insert of its row (to run in a transaction). */
  private runInsert(input: CreateRunInput): () => number {
    checkPhase(input.phase);
    if (typeof input.key !== 'string' || input.key === '') {
      throw new RangeError('createRun: key must be a non-empty string');
    }
    if (!Array.isArray(input.tenants) || input.tenants.length === 0) {
      throw new RangeError('createRun: tenants must be a non-empty array');
    }
    if (new Set(input.tenants).size !== input.tenants.length) {
      throw new RangeError(`createRun: duplicate tenants in ${input.tenants.join(', ')}`);
    }
    if (!Number.isSafeInteger(input.seed)) {
      throw new RangeError(`createRun: seed must be a safe integer, got ${input.seed}`);
    }
    const status = input.status ?? 'queued';
    if (status !== 'queued' && status !== 'running') {
      throw new RangeError(
        `createRun: status must be 'queued' or 'running', got ${String(status)}`,
      );
    }
    const total = input.progressTotal ?? input.tenants.length;
    if (!Number.isSafeInteger(total) || total < 0) {
      throw new RangeError(`createRun: progressTotal must be an integer >= 0, got ${total}`);
    }
    return () => {
      const now = this.now();
      return Number(
        this.db
          .prepare(
            `INSERT INTO runs (key, phase, tenants, config, config_hash, code_version, seed, status,
               progress_done, progress_total, created_at, started_at, owner_pid, recency)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?,
               (SELECT COALESCE(MAX(recency), 0) + 1 FROM runs))`,
          )
          .run(
            input.key,
            input.phase,
            encodeJson(input.tenants),
            encodeJson(input.config ?? null),
            contentHash(canonicalJson(input.config ?? null)),
            input.codeVersion,
            input.seed,
            status,
            total,
            now,
            status === 'running' ? now : null,
            process.pid,
          ).lastInsertRowid,
      );
    };
  }

  getRun(id: number): RunRecord | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row === undefined ? null : toRun(row);
  }

  /** Newest first. */
  listRuns(options: ListRunsOptions = {}): RunRecord[] {
    const limit = options.limit ?? 50;
    const offset = options.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new RangeError(`listRuns: limit must be an integer in [1, 1000], got ${limit}`);
    }
    if (!Number.isInteger(offset) || offset < 0) {
      throw new RangeError(`listRuns: offset must be an integer >= 0, got ${offset}`);
    }
    if (options.phase !== undefined) checkPhase(options.phase);
    const rows = this.db
      .prepare(
        `SELECT * FROM runs WHERE (@phase IS NULL OR phase = @phase)
           AND (@status IS NULL OR status = @status) ORDER BY id DESC LIMIT @limit OFFSET @offset`,
      )
      .all({
        phase: options.phase ?? null,
        status: options.status ?? null,
        limit,
        offset,
      }) as RunRow[];
    return rows.map(toRun);
  }

  /** The newest finished ('done') run with this cache key. */
  findDoneRunByKey(key: string): RunRecord | null {
    const row = this.db
      .prepare(`SELECT * FROM runs WHERE key = ? AND status = 'done' ORDER BY id DESC LIMIT 1`)
      .get(key) as RunRow | undefined;
    return row === undefined ? null : toRun(row);
  }

  /**
   * The newest queued or running run of this key that another process owns (or that no process
   * is recorded for), or null. Runs of dead owners are marked failed by recoverInterruptedRuns
   * first (the caller's to call), so what this finds is being computed.
   */
  findActiveRunByKey(key: string): RunRecord | null {
    const row = this.db
      .prepare(
        `SELECT * FROM runs WHERE key = ? AND status IN ('queued', 'running')
           AND (owner_pid IS NULL OR owner_pid != ?) ORDER BY id DESC LIMIT 1`,
      )
      .get(key, process.pid) as RunRow | undefined;
    return row === undefined ? null : toRun(row);
  }

  /**
   * The latest 'done' run of a phase: the one created last, or served last from the store
   * (markServed), whichever came later.
   */
  latestDoneRun(phase: PhaseId): RunRecord | null {
    checkPhase(phase);
    const row = this.db
      .prepare(
        `SELECT * FROM runs WHERE phase = ? AND status = 'done' ORDER BY recency DESC, id DESC LIMIT 1`,
      )
      .get(phase) as RunRow | undefined;
    return row === undefined ? null : toRun(row);
  }

  /**
   * A done run was served from the store for an identical request: it becomes its phase's latest
   * run (latestDoneRun) and served_at records when. Returns false (writing nothing) when the run
   * is not done.
   */
  markServed(id: number): boolean {
    const now = this.now();
    return this.write(`cannot record that run ${id} was served`, () => {
      const top = (
        this.db.prepare(`SELECT COALESCE(MAX(recency), 0) AS top FROM runs`).get() as {
          top: number;
        }
      ).top;
      return (
        this.db
          .prepare(
            `UPDATE runs SET served_at = ?,
               recency = CASE WHEN recency = ? THEN recency ELSE ? END
             WHERE id = ? AND status = 'done'`,
          )
          .run(now, top, top + 1, id).changes > 0
      );
    });
  }

  /** queued -> running; sets started_at. For runs created 'queued' (queue mode, issue 18). */
  markRunning(id: number): void {
    const now = this.now();
    this.write(`cannot start run ${id}`, () => {
      const run = this.requireRun(id);
      if (run.status !== 'queued') {
        throw new StoreError(`run ${id} is ${run.status}; only a queued run can start`);
      }
      this.db
        .prepare(`UPDATE runs SET status = 'running', started_at = ? WHERE id = ?`)
        .run(now, id);
    });
  }

  /** Record progress; returns false (and writes nothing) when the run is no longer active. */
  updateProgress(id: number, done: number, total: number): boolean {
    if (!Number.isSafeInteger(done) || !Number.isSafeInteger(total) || done < 0 || done > total) {
      throw new RangeError(
        `updateProgress: need integers 0 <= done <= total, got ${done}/${total}`,
      );
    }
    return this.write(`cannot update progress of run ${id}`, () => {
      this.runHead(id);
      return (
        this.db
          .prepare(
            `UPDATE runs SET progress_done = ?, progress_total = ?
             WHERE id = ? AND status IN ('queued', 'running')`,
          )
          .run(done, total, id).changes > 0
      );
    });
  }

  /**
   * Save one tenant's result with its folds and fitted models, in one transaction: either all of
   * it is stored or none. The run must be 'running', of the same phase, and list the tenant.
   */
  saveTenantResult(
    runId: number,
    result: TenantResult,
    models: ModelInput[] = [],
    /** Content hash of the data the result was computed on (tenantDatasetHash reads it back). */
    datasetHash: string | null = null,
  ): void {
    const now = this.now();
    this.write(`cannot save the result of tenant ${result.tenant} for run ${runId}`, () => {
      const run = this.runHead(runId);
      if (run.status !== 'running') {
        throw new StoreError(
          `run ${runId} is ${run.status}; results can only be saved while it is running`,
        );
      }
      if (result.phase !== run.phase) {
        throw new StoreError(`run ${runId} is phase ${run.phase}, result is phase ${result.phase}`);
      }
      if (!this.runTenantSet(runId).has(result.tenant)) {
        throw new StoreError(`tenant ${result.tenant} is not part of run ${runId}`);
      }
      const exists = this.db
        .prepare('SELECT 1 FROM tenant_results WHERE run_id = ? AND tenant = ?')
        .get(runId, result.tenant);
      if (exists !== undefined) {
        throw new StoreError(`tenant ${result.tenant} already has a result in run ${runId}`);
      }
      this.db
        .prepare(
          `INSERT INTO tenant_results (run_id, tenant, mean_r2, std_r2, passes, oracle_r2, result,
             created_at, dataset_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          runId,
          result.tenant,
          real(result.mean_r2),
          real(result.std_r2),
          result.passes ? 1 : 0,
          real(result.oracle_r2),
          encodeJson(result),
          now,
          datasetHash,
        );
      const insertFold = this.db.prepare(
        `INSERT INTO fold_results (run_id, tenant, fold, r2, rmse, alpha, model, params)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const f of result.folds) {
        insertFold.run(
          runId,
          result.tenant,
          f.fold,
          real(f.r2),
          real(f.rmse),
          real(f.alpha),
          f.model,
          encodeJson({
            blend_weight: f.blend_weight,
            gbm_trees: f.gbm_trees,
            channel_params: f.channel_params,
            reason: f.reason,
            fallback: f.fallback ?? null,
            dropped_terms: f.dropped_terms ?? [],
            held_terms: f.held_terms ?? [],
            growth_trend: f.growth_trend ?? null,
          }),
        );
      }
      const insertModel = this.db.prepare(
        'INSERT INTO models (run_id, tenant, fold, kind, payload) VALUES (?, ?, ?, ?, ?)',
      );
      for (const m of models) {
        if (!Number.isInteger(m.fold) || m.fold < -1) {
          throw new RangeError(
            `model fold must be an integer >= -1 (-1: final model), got ${m.fold}`,
          );
        }
        if (typeof m.kind !== 'string' || m.kind === '') {
          throw new RangeError('model kind must be a non-empty string');
        }
        insertModel.run(runId, result.tenant, m.fold, m.kind, encodeJson(m.payload));
      }
    });
  }

  /**
   * The content hash of the data a run's result for the tenant was computed on: undefined when the
   * run has no result for it, null when the result was saved without one (before schema 5).
   */
  tenantDatasetHash(runId: number, tenant: string): string | null | undefined {
    const row = this.db
      .prepare('SELECT dataset_hash FROM tenant_results WHERE run_id = ? AND tenant = ?')
      .get(runId, tenant) as { dataset_hash: string | null } | undefined;
    return row === undefined ? undefined : row.dataset_hash;
  }

  /**
   * tenantDatasetHash of every tenant with a result in the run (null: saved before schema 5), in
   * one query.
   */
  tenantDatasetHashes(runId: number): Map<string, string | null> {
    const rows = this.db
      .prepare('SELECT tenant, dataset_hash FROM tenant_results WHERE run_id = ?')
      .all(runId) as { tenant: string; dataset_hash: string | null }[];
    return new Map(rows.map((r) => [r.tenant, r.dataset_hash]));
  }

  /** Results of a run, in the run's tenant order. */
  getTenantResults(runId: number): TenantResult[] {
    const run = this.getRun(runId);
    if (run === null) return [];
    const rows = this.db
      .prepare('SELECT tenant, result FROM tenant_results WHERE run_id = ?')
      .all(runId) as { tenant: string; result: string }[];
    const order = new Map(run.tenants.map((t, i) => [t, i]));
    rows.sort((a, b) => (order.get(a.tenant) ?? 0) - (order.get(b.tenant) ?? 0));
    return rows.map((r) => withStandardError(decodeJson<TenantResult>(r.result)));
  }

  /** Per-fold rows of a run (or one tenant): what a fold heatmap or a fold-level query reads. */
  getFoldResults(runId: number, tenant?: string): FoldRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM fold_results WHERE run_id = @runId AND (@tenant IS NULL OR tenant = @tenant)
         ORDER BY tenant, fold`,
      )
      .all({ runId, tenant: tenant ?? null }) as (Omit<FoldRow, 'params'> & { params: string })[];
    return rows.map((r) => ({ ...r, params: decodeJson<Record<string, unknown>>(r.params) }));
  }

  /** Stored fitted models of a tenant in a run (one fold, or all when fold is omitted). */
  /**
   * Keep a fitted model of a tenant of a finished run (e.g. the all-rows model an explanation
   * fitted), replacing one of the same fold and kind. The tenant must have a result in the run.
   */
  saveModel(runId: number, tenant: string, model: ModelInput): void {
    this.saveModels(runId, tenant, [model]);
  }

  /**
   * saveModel for several models (e.g. the all-rows model and the explanation with its
   * intervals) in one transaction: all are kept or none.
   */
  saveModels(runId: number, tenant: string, models: readonly ModelInput[]): void {
    this.write(`cannot save a model of tenant ${tenant} for run ${runId}`, () =>
      this.insertModels(runId, tenant, models),
    );
  }

  /** The inserts of saveModels, inside the caller's transaction. */
  private insertModels(runId: number, tenant: string, models: readonly ModelInput[]): void {
    const insert = this.db.prepare(
      `INSERT OR REPLACE INTO models (run_id, tenant, fold, kind, payload)
       VALUES (?, ?, ?, ?, ?)`,
    );
    for (const m of models) insert.run(runId, tenant, m.fold, m.kind, encodeJson(m.payload));
  }

  /** The models kept for a run and tenant (of one fold, and of one kind, when given). */
  getModels(runId: number, tenant: string, fold?: number, kind?: string): ModelRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM models WHERE run_id = @runId AND tenant = @tenant
           AND (@fold IS NULL OR fold = @fold) AND (@kind IS NULL OR kind = @kind)
           ORDER BY fold, kind`,
      )
      .all({ runId, tenant, fold: fold ?? null, kind: kind ?? null }) as (Omit<
      ModelRecord,
      'payload'
    > & {
      payload: string;
    })[];
    return rows.map((r) => ({ ...r, payload: decodeJson(r.payload) }));
  }

  /**
   * Finish an active run. 'done' requires a stored result for every tenant of the run (a partial
   * run must not feed the gates as if complete); seconds = finished_at - started_at.
   */
  finishRun(
    id: number,
    status: FinalRunStatus,
    summary: unknown,
    error: string | null = null,
  ): void {
    if (status !== 'done' && status !== 'failed' && status !== 'cancelled') {
      throw new RangeError(
        `finishRun: status must be done, failed or cancelled, got ${String(status)}`,
      );
    }
    const now = this.now();
    const finishedMs = Date.parse(now);
    this.write(`cannot finish run ${id}`, () => {
      const run = this.requireRun(id);
      if (run.status !== 'queued' && run.status !== 'running') {
        throw new StoreError(`run ${id} is already ${run.status}`);
      }
      if (status === 'done') {
        const { n } = this.db
          .prepare('SELECT COUNT(*) AS n FROM tenant_results WHERE run_id = ?')
          .get(id) as { n: number };
        if (n !== run.tenants.length) {
          throw new StoreError(
            `run ${id} has results for ${n} of ${run.tenants.length} tenants; mark it failed, not done`,
          );
        }
      }
      const since = Date.parse(run.started_at ?? run.created_at);
      const seconds = Math.max(0, (finishedMs - since) / 1000);
      this.db
        .prepare(
          `UPDATE runs SET status = ?, summary = ?, error = ?, finished_at = ?, seconds = ?
           WHERE id = ?`,
        )
        .run(status, encodeNullable(summary), error, now, real(seconds), id);
    });
  }

  /**
   * Start-up recovery: a 'queued' or 'running' run whose owning process is gone (or unknown) is
   * marked failed, never left looking as if it could still finish. Runs owned by another live
   * process (a CLI beside the MCP server on the same state directory) are left alone. With
   * `keepOwn` (a reader in a live process) this process's own runs are left alone too.
   * Returns the ids marked failed.
   */
  recoverInterruptedRuns(
    isAlive?: (pid: number) => boolean,
    options: { keepOwn?: boolean } = {},
  ): number[] {
    const now = this.now();
    if (isAlive === undefined) {
      const file = fileId(this.path);
      isAlive = (pid) => ownerMayRun(pid, file);
    }
    const alive = isAlive;
    // Looked at first without a write: a reader takes the write lock only when there is a run
    // to mark (under another connection's lock, a read no longer waited 5 s for nothing).
    if (this.interruptedRuns(alive, options).length === 0) return [];
    return this.write('cannot recover interrupted runs', () => {
      const ids = this.interruptedRuns(alive, options);
      const mark = this.db.prepare(
        `UPDATE runs SET status = 'failed', error = ?, finished_at = ? WHERE id = ?`,
      );
      for (const id of ids) mark.run(INTERRUPTED_ERROR, now, id);
      return ids;
    });
  }

  /**
   * The runs recoverInterruptedRuns would mark failed (same arguments), without marking them:
   * 'queued' or 'running' runs whose owner is gone (or unknown).
   */
  interruptedRuns(
    isAlive?: (pid: number) => boolean,
    options: { keepOwn?: boolean } = {},
  ): number[] {
    if (isAlive === undefined) {
      const file = fileId(this.path);
      isAlive = (pid) => ownerMayRun(pid, file);
    }
    const alive = isAlive;
    const rows = this.db
      .prepare(`SELECT id, owner_pid FROM runs WHERE status IN ('queued', 'running') ORDER BY id`)
      .all() as { id: number; owner_pid: number | null }[];
    return rows
      .filter((r) =>
        r.owner_pid === process.pid
          ? !options.keepOwn
          : r.owner_pid === null || !alive(r.owner_pid),
      )
      .map((r) => r.id);
  }

  /** Number of runs (optionally of one phase), for pagination. */
  countRuns(options: { phase?: PhaseId } = {}): number {
    const row = (
      options.phase === undefined
        ? this.db.prepare('SELECT COUNT(*) AS n FROM runs').get()
        : this.db.prepare('SELECT COUNT(*) AS n FROM runs WHERE phase = ?').get(options.phase)
    ) as { n: number };
    return row.n;
  }

  // ---- gates ----------------------------------------------------------------------------

  /** Store a gate decision and, if it escalates, its escalation, in one transaction. */
  saveGateDecision(input: SaveGateDecisionInput): { id: number; escalation_id: number | null } {
    return this.saveGateDecisionUnless(input, () => false)!;
  }

  /**
   * saveGateDecision unless `same(latest)` holds for the phase's latest decision, asked inside the
   * write transaction (null then, nothing saved): two sessions recording the same decision at
   * once record it once (a probe: twice, with two escalations.log lines, in 9 of 15 rounds).
   */
  saveGateDecisionUnless(
    input: SaveGateDecisionInput,
    same: (latest: GateDecisionRecord | null) => boolean,
  ): { id: number; escalation_id: number | null } | null {
    const d = input.decision;
    checkPhase(d.phase);
    const now = this.now();
    return this.write(`cannot save the phase ${d.phase} gate decision`, () => {
      if (same(this.latestGateDecision(d.phase))) return null;
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO gate_decisions (run_id, phase, decision, inputs, result, created_at)
             VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(input.runId, d.phase, d.decision, encodeJson(input.inputs), encodeJson(d), now)
          .lastInsertRowid,
      );
      let escalationId: number | null = null;
      if (d.escalation !== null) {
        escalationId = Number(
          this.db
            .prepare(
              `INSERT INTO escalations (gate_decision_id, phase, reason, evidence, next_step,
                 severity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              id,
              d.phase,
              d.escalation.reason,
              encodeJson(d.escalation.evidence),
              d.escalation.recommended_next_step,
              d.escalation.severity,
              now,
            ).lastInsertRowid,
        );
      }
      return { id, escalation_id: escalationId };
    });
  }

  latestGateDecision(phase: PhaseId): GateDecisionRecord | null {
    checkPhase(phase);
    const row = this.db
      .prepare(`${GATE_SELECT} WHERE g.phase = ? ORDER BY g.id DESC LIMIT 1`)
      .get(phase) as GateRow | undefined;
    return row === undefined ? null : toGate(row);
  }

  /** The decisions recorded about one run, newest first. */
  gateDecisionsOfRun(runId: number): GateDecisionRecord[] {
    const rows = this.db
      .prepare(`${GATE_SELECT} WHERE g.run_id = ? ORDER BY g.id DESC`)
      .all(runId) as GateRow[];
    return rows.map(toGate);
  }

  /** Newest first. */
  listEscalations(options: { phase?: PhaseId; limit?: number } = {}): EscalationRecord[] {
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new RangeError(`listEscalations: limit must be an integer in [1, 1000], got ${limit}`);
    }
    if (options.phase !== undefined) checkPhase(options.phase);
    const rows = this.db
      .prepare(
        `SELECT * FROM escalations WHERE (@phase IS NULL OR phase = @phase)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({ phase: options.phase ?? null, limit }) as EscalationRow[];
    return rows.map(toEscalation);
  }

  // ---- plans ----------------------------------------------------------------------------

  /** Store a plan with its inputs and model; returns its id. */
  savePlan(input: SavePlanInput): number {
    const now = this.now();
    return this.write(`cannot save the plan for ${input.tenant}`, () =>
      this.insertPlan(input, encodePlan(input), now),
    );
  }

  /** The insert of savePlan and savePlanOnce, inside the caller's transaction. */
  private insertPlan(input: SavePlanInput, json: EncodedPlan, now: string): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO plans (tenant, model_run_id, inputs, model, result, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(input.tenant, input.modelRunId, json.inputs, json.model, json.result, now)
        .lastInsertRowid,
    );
  }

  /**
   * Store a plan unless the tenant's newest plan on the same model run has the same inputs, model
   * and result byte for byte (a plan is deterministic: a client retrying after a lost answer asks
   * for it again), in one transaction; returns the id and whether it was stored now. An outside
   * autopilot's retry stored a second plan identical but for its id and time (session 75, probe K).
   */
  savePlanOnce(input: SavePlanInput): { id: number; stored: boolean } {
    const now = this.now();
    return this.write(`cannot save the plan for ${input.tenant}`, () => {
      const json = encodePlan(input);
      const same = this.db
        .prepare(
          `SELECT id, inputs, model, result FROM plans WHERE tenant = ? AND model_run_id IS ?
           ORDER BY id DESC LIMIT 1`,
        )
        .get(input.tenant, input.modelRunId) as ({ id: number } & EncodedPlan) | undefined;
      if (
        same &&
        same.inputs === json.inputs &&
        same.model === json.model &&
        same.result === json.result
      ) {
        return { id: same.id, stored: false };
      }
      return { id: this.insertPlan(input, json, now), stored: true };
    });
  }

  getPlan(id: number): PlanRecord | null {
    const row = this.db.prepare(`SELECT *, ${PLAN_DATA_SQL} FROM plans WHERE id = ?`).get(id) as
      PlanRow | undefined;
    return row === undefined ? null : toPlan(row);
  }

  /** The newest plan of a tenant, or null. */
  latestPlan(tenant: string): PlanRecord | null {
    const row = this.db
      .prepare(`SELECT *, ${PLAN_DATA_SQL} FROM plans WHERE tenant = ? ORDER BY id DESC LIMIT 1`)
      .get(tenant) as PlanRow | undefined;
    return row === undefined ? null : toPlan(row);
  }

  /** Plans newest first (optionally of one tenant), without their payloads. */
  listPlans(options: { tenant?: string; limit?: number; offset?: number } = {}): {
    plans: PlanHead[];
    total: number;
  } {
    const limit = options.limit ?? 50;
    const offset = options.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new RangeError(`listPlans: limit must be an integer in [1, 1000], got ${limit}`);
    }
    if (!Number.isInteger(offset) || offset < 0) {
      throw new RangeError(`listPlans: offset must be an integer >= 0, got ${offset}`);
    }
    const where = '(@tenant IS NULL OR tenant = @tenant)';
    const params = { tenant: options.tenant ?? null, limit, offset };
    const rows = this.db
      .prepare(
        `SELECT id, tenant, model_run_id, inputs, created_at, ${PLAN_FIGURES_SQL} AS figures,
           ${PLAN_DATA_SQL}
         FROM plans WHERE ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`,
      )
      .all(params) as (Omit<PlanRow, 'model' | 'result'> & { figures: string })[];
    const total = (
      this.db
        .prepare(`SELECT COUNT(*) AS n FROM plans WHERE ${where}`)
        .get({ tenant: params.tenant }) as { n: number }
    ).n;
    return {
      plans: rows.map((r) => ({
        id: r.id,
        tenant: r.tenant,
        model_run_id: r.model_run_id,
        inputs: decodeJson(r.inputs),
        created_at: r.created_at,
        figures: decodeJson<PlanFigures>(r.figures),
        data_id: r.data_id,
        model_data_hash: r.model_data_hash,
      })),
      total,
    };
  }

  // ---- lift tests -----------------------------------------------------------------------

  /** Stores a tenant's lift tests, all or none (one transaction); returns them with their ids. */
  addLiftTests(tenant: string, tests: readonly LiftTest[], source: string): LiftTestRecord[] {
    if (tests.length === 0) throw new RangeError('addLiftTests: no test given');
    const now = this.now();
    return this.write(`cannot save the lift tests of ${tenant}`, () => {
      const insert = this.db.prepare(
        `INSERT INTO lift_tests (tenant, channel, start_date, end_date, spend_change,
           incremental_revenue, standard_error, source, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      return tests.map((t) => {
        const id = Number(
          insert.run(
            tenant,
            t.channel,
            t.start,
            t.end,
            t.spend_change,
            t.incremental_revenue,
            t.standard_error,
            source,
            now,
          ).lastInsertRowid,
        );
        return { id, tenant, ...t, source, created_at: now };
      });
    });
  }

  /** A tenant's lift tests, oldest first. */
  listLiftTests(tenant: string): LiftTestRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM lift_tests WHERE tenant = ? ORDER BY id')
      .all(tenant) as LiftTestRow[];
    return rows.map((r) => ({
      id: r.id,
      tenant: r.tenant,
      channel: r.channel,
      start: r.start_date,
      end: r.end_date,
      spend_change: r.spend_change,
      incremental_revenue: r.incremental_revenue,
      standard_error: r.standard_error,
      source: r.source,
      created_at: r.created_at,
    }));
  }

  /** Deletes a tenant's lift tests (all, or the given ids); returns how many were deleted. */
  deleteLiftTests(tenant: string, ids?: readonly number[]): number {
    return this.write(`cannot delete the lift tests of ${tenant}`, () => {
      if (ids === undefined)
        return this.db.prepare('DELETE FROM lift_tests WHERE tenant = ?').run(tenant).changes;
      const del = this.db.prepare('DELETE FROM lift_tests WHERE tenant = ? AND id = ?');
      let n = 0;
      for (const id of ids) n += del.run(tenant, id).changes;
      return n;
    });
  }

  // ---- helpers --------------------------------------------------------------------------

  private requireRun(id: number): RunRecord {
    const run = this.getRun(id);
    if (run === null) throw new StoreError(`run ${id} does not exist`);
    return run;
  }

  /**
   * Status and phase of a run without decoding its tenant list: the per-tenant writes of a run
   * call this, and decoding thousands of tenant ids each time made a run's writes quadratic.
   */
  private runHead(id: number): { status: RunStatus; phase: PhaseId } {
    const row = this.db.prepare('SELECT status, phase FROM runs WHERE id = ?').get(id) as
      { status: RunStatus; phase: PhaseId } | undefined;
    if (row === undefined) throw new StoreError(`run ${id} does not exist`);
    return row;
  }

  /** The tenant ids of a run as a set, cached (a run's tenant list never changes). */
  private runTenantSet(id: number): Set<string> {
    let set = this.tenantSets.get(id);
    if (set === undefined) {
      set = new Set(this.requireRun(id).tenants);
      if (this.tenantSets.size >= 16) this.tenantSets.clear();
      this.tenantSets.set(id, set);
    }
    return set;
  }

  /**
   * Runs `fn` (store calls) without waiting on another connection's write lock: a write that
   * finds the store locked fails at once with StoreBusyError instead of after the busy timeout
   * (5 s with the thread blocked). For writes that may be tried again later (a recovery on a
   * read, a run's end recorded late), so a lock held elsewhere never stalls a reader.
   */
  withoutWaiting<T>(fn: () => T): T {
    if (this.closed) throw new StoreError('the store is closed');
    this.db.pragma('busy_timeout = 0');
    try {
      return fn();
    } finally {
      if (!this.closed) this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  /**
   * Run `fn` in an IMMEDIATE transaction (rolled back if it throws). SQLite errors become
   * StoreErrors prefixed with `what`; StoreErrors and RangeErrors pass through unchanged.
   */
  private write<T>(what: string, fn: () => T): T {
    if (this.closed) throw new StoreError(`${what}: the store is closed`);
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      if (err instanceof StoreError || err instanceof RangeError) throw err;
      const code = sqliteCode(err);
      if (code.startsWith('SQLITE_BUSY')) {
        throw new StoreBusyError(`${what}: ${LOCKED_WORDS}`, { cause: err });
      }
      if (/^SQLITE_(FULL|READONLY|IOERR)/.test(code)) {
        throw new StoreError(
          `${what}: ${messageOf(err)}; the state directory may be full or read-only (set ${STATE_DIR_ENV} to a writable directory)`,
          { cause: err },
        );
      }
      throw new StoreError(`${what}: ${messageOf(err)}`, { cause: err });
    }
  }
}

interface PlanRow {
  id: number;
  tenant: string;
  model_run_id: number | null;
  inputs: string;
  model: string;
  result: string;
  created_at: string;
  /** PLAN_DATA_SQL, selected beside the row. */
  data_id: string | null;
  model_data_hash: string | null;
}

function toPlan(r: PlanRow): PlanRecord {
  return {
    id: r.id,
    tenant: r.tenant,
    model_run_id: r.model_run_id,
    inputs: decodeJson(r.inputs),
    model: decodeJson(r.model),
    result: decodeJson(r.result),
    created_at: r.created_at,
    data_id: r.data_id,
    model_data_hash: r.model_data_hash,
  };
}

/** True when a process with this id exists (signal 0 probes without sending anything). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when process `pid` may still be running a run of the store file `file` (its device and
 * inode): it exists and, where /proc tells (Linux), holds the file open, as every process with a
 * run of it does (by whatever path: a symlink or a bind mount). The pid alone was not enough: a
 * dead owner's pid taken by an unrelated process (ids are reused, 32768 of them by default) kept
 * its run 'running', its tenants undeletable, for as long as that process lived. Without /proc,
 * or when it may not be read (another user's process), the pid decides.
 */
function ownerMayRun(pid: number, file: { dev: number; ino: number } | null): boolean {
  if (!processIsAlive(pid)) return false;
  if (file === null) return true;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return true;
  }
  return fds.some((fd) => {
    try {
      const st = statSync(`/proc/${pid}/fd/${fd}`);
      return st.ino === file.ino && st.dev === file.dev;
    } catch {
      return false; // closed since the listing, or not a file
    }
  });
}

function fileId(path: string): { dev: number; ino: number } | null {
  try {
    const st = statSync(path);
    return { dev: st.dev, ino: st.ino };
  } catch {
    return null;
  }
}

/** Results stored before se_r2 existed get it from their fold R² (same formula as the phases). */
function withStandardError(r: TenantResult): TenantResult {
  return typeof r.se_r2 === 'number' ? r : { ...r, se_r2: standardErrorOfMean(r.fold_r2) };
}

/** A plan's payloads as stored (JSON text). */
interface EncodedPlan {
  inputs: string;
  model: string;
  result: string;
}

function encodePlan(input: SavePlanInput): EncodedPlan {
  return {
    inputs: encodeJson(input.inputs),
    model: encodeJson(input.model),
    result: encodeJson(input.result),
  };
}
