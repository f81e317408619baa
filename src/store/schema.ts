/**
 * Schema migrations. Step i brings the database from user_version i to i + 1; each step runs in
 * its own transaction together with the user_version bump. Never edit a released step: append.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: initial schema
  `
  CREATE TABLE datasets (
    tenant        TEXT PRIMARY KEY,
    source        TEXT NOT NULL CHECK (source IN ('builtin', 'generated', 'imported')),
    content_hash  TEXT NOT NULL,
    rows          INTEGER NOT NULL CHECK (rows >= 0),
    frequency     TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    start_date    TEXT NOT NULL,
    end_date      TEXT NOT NULL,
    channels      TEXT NOT NULL,
    info          TEXT NOT NULL,
    csv           TEXT,
    truth         TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
  );

  CREATE TABLE runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    key             TEXT NOT NULL,
    phase           INTEGER NOT NULL CHECK (phase IN (0, 1, 2, 3)),
    tenants         TEXT NOT NULL,
    config          TEXT NOT NULL,
    config_hash     TEXT NOT NULL,
    code_version    TEXT NOT NULL,
    seed            INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    progress_done   INTEGER NOT NULL DEFAULT 0,
    progress_total  INTEGER NOT NULL DEFAULT 0,
    error           TEXT,
    created_at      TEXT NOT NULL,
    started_at      TEXT,
    finished_at     TEXT,
    seconds         REAL,
    summary         TEXT
  );
  CREATE INDEX runs_by_key ON runs (key, status, id);
  CREATE INDEX runs_by_phase ON runs (phase, status, id);

  CREATE TABLE tenant_results (
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    tenant      TEXT NOT NULL,
    mean_r2     REAL,
    std_r2      REAL,
    passes      INTEGER NOT NULL CHECK (passes IN (0, 1)),
    oracle_r2   REAL,
    result      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (run_id, tenant)
  );

  CREATE TABLE fold_results (
    run_id  INTEGER NOT NULL,
    tenant  TEXT NOT NULL,
    fold    INTEGER NOT NULL,
    r2      REAL,
    rmse    REAL,
    alpha   REAL,
    model   TEXT NOT NULL,
    params  TEXT NOT NULL,
    PRIMARY KEY (run_id, tenant, fold),
    FOREIGN KEY (run_id, tenant) REFERENCES tenant_results (run_id, tenant) ON DELETE CASCADE
  );

  CREATE TABLE models (
    run_id   INTEGER NOT NULL,
    tenant   TEXT NOT NULL,
    fold     INTEGER NOT NULL CHECK (fold >= -1),
    kind     TEXT NOT NULL,
    payload  TEXT NOT NULL,
    PRIMARY KEY (run_id, tenant, fold, kind),
    FOREIGN KEY (run_id, tenant) REFERENCES tenant_results (run_id, tenant) ON DELETE CASCADE
  );

  CREATE TABLE gate_decisions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id      INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    phase       INTEGER NOT NULL CHECK (phase IN (0, 1, 2, 3)),
    decision    TEXT NOT NULL,
    inputs      TEXT NOT NULL,
    result      TEXT NOT NULL,
    created_at  TEXT NOT NULL
  );
  CREATE INDEX gate_decisions_by_phase ON gate_decisions (phase, id);

  CREATE TABLE escalations (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    gate_decision_id  INTEGER NOT NULL REFERENCES gate_decisions (id) ON DELETE CASCADE,
    phase             INTEGER NOT NULL CHECK (phase IN (0, 1, 2, 3)),
    reason            TEXT NOT NULL,
    evidence          TEXT NOT NULL,
    next_step         TEXT NOT NULL,
    severity          TEXT NOT NULL,
    created_at        TEXT NOT NULL
  );
  CREATE INDEX escalations_by_phase ON escalations (phase, id);
  `,
  // 2: the process that owns a run, so start-up recovery only fails runs whose process is gone
  // (the CLI and the MCP server may share a state directory).
  `ALTER TABLE runs ADD COLUMN owner_pid INTEGER;`,
  // 3: budget plans, with the inputs and the model they were made from
  `
  CREATE TABLE plans (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant        TEXT NOT NULL,
    model_run_id  INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    inputs        TEXT NOT NULL,
    model         TEXT NOT NULL,
    result        TEXT NOT NULL,
    created_at    TEXT NOT NULL
  );
  CREATE INDEX plans_by_tenant ON plans (tenant, id);
  `,
  // 4: lift tests (experiments) per tenant, used to calibrate phase 3 explanations.
  `
  CREATE TABLE lift_tests (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant               TEXT NOT NULL,
    channel              TEXT NOT NULL,
    start_date           TEXT NOT NULL,
    end_date             TEXT NOT NULL CHECK (end_date >= start_date),
    spend_change         REAL NOT NULL CHECK (spend_change <> 0),
    incremental_revenue  REAL NOT NULL,
    standard_error       REAL NOT NULL CHECK (standard_error > 0),
    source               TEXT NOT NULL,
    created_at           TEXT NOT NULL
  );
  CREATE INDEX lift_tests_by_tenant ON lift_tests (tenant, id);
  `,
  // 5: the content hash of the data each tenant result was computed on, so a run is read as the
  // tenant's model only while the tenant still has that data (import --replace, or a delete with
  // --keep-runs and a new import under the same id, leave earlier runs on other data).
  `ALTER TABLE tenant_results ADD COLUMN dataset_hash TEXT;`,
  // 6: imported tenants have no location: their info said city '' at latitude 0, longitude 0 (a
  // real place, in the Gulf of Guinea); null now, as the import writes it.
  `UPDATE datasets
     SET info = json_set(info, '$.city', NULL, '$.latitude', NULL, '$.longitude', NULL)
   WHERE source = 'imported'
     AND json_extract(info, '$.latitude') = 0
     AND json_extract(info, '$.longitude') = 0
     AND json_extract(info, '$.city') = '';`,
  // 7: a run served from the store (an identical request) becomes its phase's latest run, the one
  // check_gates, compare_phases and get_report judge by default. \`recency\` orders runs as they
  // were created (id order before this step) or last served; \`served_at\` is when, for the record.
  // A counter rather than timestamps: a clock can repeat a value (tests, a coarse clock) and
  // ordering by finished_at would change which of two concurrent runs is the latest.
  `ALTER TABLE runs ADD COLUMN served_at TEXT;
   ALTER TABLE runs ADD COLUMN recency INTEGER;
   UPDATE runs SET recency = id;
   CREATE INDEX runs_by_recency ON runs (recency);
   CREATE INDEX runs_by_phase_recency ON runs (phase, status, recency);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
