/**
 * import_tenant_data: CSV text or a file inside the operator's allowed directories (the path
 * sandbox: symlinks and .. resolved, nothing said about files elsewhere), parsed, checked and
 * stored in canonical form.
 */
import { existsSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { isBuiltinTenant } from '../core/data/index.js';
import {
  DataError,
  parseTenantCsv,
  readCanonicalCsv,
  rolesOf,
  type RoleOverrides,
  tenantToCsv,
  validateTenantId,
  withCanonicalColumns,
} from '../core/csv.js';
import type { TenantInfo, TenantSeries } from '../core/types.js';
import { changesText, diffSeries, type SeriesChanges } from '../core/series-diff.js';
import { HOLIDAY_SEASON_COLUMN, holidaySeasonColumn } from '../core/holiday-season.js';
import { median } from '../core/stats.js';
import { weatherReading } from '../core/weather-names.js';
import { usableLiftTests } from '../phases/calibration.js';
import { DatasetExistsError } from '../store/index.js';
import { APP_LIMITS, normalizeConfig } from './config.js';
import { checkOpen, type AppContext } from './context.js';
import { descriptorPath, FileRefusedError, readFileBounded, sameFile } from './files.js';
import { AppError, dataAppError } from './errors.js';
import { resolveTenant } from './compute.js';
import { tenantSource } from './tenants.js';
import type { DataChanges, ImportRequest, ImportResult } from './types.js';
import { rowsNeededToTrain, seriesWarnings } from './warnings.js';

/** The directories import may read from: $WV_MMM_IMPORT_DIRS, split on the path delimiter. */
export function importDirsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.WV_MMM_IMPORT_DIRS ?? '')
    .split(path.delimiter)
    .map((d) => d.trim())
    .filter((d) => d !== '');
}

/** True when `file` is strictly inside one of `dirs` (all absolute). */
function isInside(file: string, dirs: string[]): boolean {
  return dirs.some((d) => {
    const rel = path.relative(d, file);
    // '..x.csv' is a file inside; only '..' itself or a '../' prefix leaves the directory.
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
  });
}

/**
 * After the descriptor of `real` is open: refused unless the file it reads is inside `realDirs`.
 * On Linux the kernel names the descriptor's file (`/proc/self/fd/N`), which no swap of a path
 * can fool; elsewhere the checked path is resolved again and must name the same device and
 * inode as the descriptor. (The lexical and realpath checks came before the open; a swap between
 * them and the open is what this catches: a directory on the way replaced by a symlink out.)
 */
export function verifyOpenedInside(
  fd: number,
  st: Pick<Stats, 'dev' | 'ino'>,
  real: string,
  realDirs: string[],
  p: string,
  where: (fd: number) => string | undefined = descriptorPath,
): void {
  const kernel = where(fd);
  if (kernel !== undefined) {
    if (!isInside(kernel.replace(/ \(deleted\)$/, ''), realDirs)) throw outsideError();
    return;
  }
  let now: string;
  try {
    now = realpathSync(real);
  } catch {
    throw changedError(p);
  }
  if (!isInside(now, realDirs)) throw outsideError();
  let again: Stats;
  try {
    again = statSync(now);
  } catch {
    throw changedError(p);
  }
  if (!sameFile(again, st)) throw changedError(p);
}

function outsideError(): AppError {
  return new AppError(
    'that path is outside the directories allowed for import (WV_MMM_IMPORT_DIRS); symlinks and .. are resolved first',
    'invalid_argument',
  );
}

function notFoundError(p: string): AppError {
  return new AppError(
    `file not found: ${path.basename(p)}; give a file in one of the import directories (a relative path is read from them)`,
    'not_found',
  );
}

function changedError(p: string): AppError {
  return new AppError(
    `${path.basename(p)} was replaced or moved while it was being opened; give the path again once the file is complete and stays where it is`,
    'invalid_argument',
  );
}

/**
 * Reads a file to import, only from inside `importDirs`. The path is checked (lexically, then
 * with symlinks resolved), then opened once and everything else is checked on the descriptor
 * (see `readFileBounded`, `verifyOpenedInside`). `beforeOpen` is for tests: it runs between the
 * path checks and the open, where a swap would happen.
 */
export function readImportFile(
  importDirs: string[],
  p: string,
  beforeOpen?: (real: string) => void,
): string {
  if (importDirs.length === 0) {
    throw new AppError(
      'importing from a file path is disabled: the operator allows no directories (set WV_MMM_IMPORT_DIRS), or pass the CSV text instead',
      'invalid_argument',
    );
  }
  const dirs = importDirs.map((d) => path.resolve(d));
  const realDirs = dirs.flatMap((d) => {
    try {
      return [realpathSync(d)];
    } catch {
      return [];
    }
  });
  // A relative path names a file in an allowed directory (the server's cwd means nothing to a
  // client): the first directory where it exists, else the first directory.
  const candidates = path.isAbsolute(p) ? [path.resolve(p)] : dirs.map((d) => path.resolve(d, p));
  const lexical = candidates.find((c) => existsSync(c)) ?? candidates[0];
  // Refused before touching the file system, so that the answer says nothing about files
  // elsewhere (no "not found" vs "outside" oracle); checked again after symlinks resolve.
  if (!isInside(lexical, [...dirs, ...realDirs])) throw outsideError();
  let real: string;
  try {
    real = realpathSync(lexical);
  } catch {
    throw notFoundError(p);
  }
  if (!isInside(real, realDirs)) throw outsideError();
  beforeOpen?.(real);
  try {
    // O_NOFOLLOW: `real` has no symlink left, so one now is a swap; O_NONBLOCK: a FIFO swapped
    // in is opened without waiting for a writer, then refused by its fstat.
    return readFileBounded(real, {
      limit: APP_LIMITS.maxCsvChars,
      noFollow: true,
      verify: (fd, st) => verifyOpenedInside(fd, st, real, realDirs, p),
    });
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof FileRefusedError) {
      if (e.refusal.kind === 'not_regular') {
        throw new AppError('the import path is not a regular file', 'invalid_argument');
      }
      throw new AppError(
        `the file is ${e.refusal.size} bytes; the limit is ${APP_LIMITS.maxCsvChars} bytes (CSV_LIMITS.maxChars, 20 MiB); import a shorter period or aggregate daily rows to weekly`,
        'limit',
      );
    }
    const code = (e as NodeJS.ErrnoException).code;
    // A symlink where the resolved path had none (O_NOFOLLOW: ELOOP, EMLINK on BSD).
    if (code === 'ELOOP' || code === 'EMLINK') throw changedError(p);
    if (code === 'ENOENT') throw notFoundError(p);
    if (code === 'EISDIR') {
      throw new AppError('the import path is not a regular file', 'invalid_argument');
    }
    throw new AppError(
      `cannot read ${path.basename(p)}: ${code ?? 'read error'}`,
      'invalid_argument',
    );
  }
}

export function importTenantData(
  ctx: AppContext,
  importDirs: string[],
  req: ImportRequest,
): ImportResult {
  return prepareImport(ctx, importDirs, req).commit();
}

/**
 * importTenantData with a pause between reading the file and storing it, in which a Ctrl-C or
 * SIGTERM that came during the (synchronous, for a large file seconds-long) parse is seen: the
 * import is then cancelled with nothing stored. A probe's `import --replace` of a 20 MB file,
 * interrupted after a second, replaced the tenant and exited 0: the signal waited until the
 * command had returned, and its handler was gone by then.
 */
export async function importTenantDataCancellable(
  ctx: AppContext,
  importDirs: string[],
  req: ImportRequest,
  signal: AbortSignal,
): Promise<ImportResult> {
  signal.throwIfAborted();
  const prepared = prepareImport(ctx, importDirs, req);
  // A signal is read in the event loop's poll phase: a timer then an immediate passes one (a lone
  // immediate can run before it).
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setImmediate(resolve));
  signal.throwIfAborted();
  return prepared.commit();
}

/**
 * The series with the holiday-season control (core/holiday-season.ts) added: the import's
 * holidaySeason option, for data whose revenue climbs to Christmas (the holiday_season warning).
 */
function withHolidaySeason(ctx: AppContext, series: TenantSeries): TenantSeries {
  const taken = [
    series.targetName,
    ...series.channels.map((c) => `${c}_spend`),
    ...series.weatherNames,
    ...series.controlNames,
  ];
  if (taken.includes(HOLIDAY_SEASON_COLUMN)) {
    throw new AppError(
      `the data already have a column "${HOLIDAY_SEASON_COLUMN}"; drop ${ctx.words.holidaySeason} (the column is used as it is) or rename the column`,
      'invalid_argument',
    );
  }
  return {
    ...series,
    controlNames: [...series.controlNames, HOLIDAY_SEASON_COLUMN],
    controls: [...series.controls, holidaySeasonColumn(series.dates, series.frequency)],
  };
}

function tenantExists(ctx: AppContext, tenant: string, source: string): AppError {
  return new AppError(
    `tenant '${tenant}' already exists (${source}); pass ${ctx.words.replace} to overwrite it`,
    'conflict',
  );
}

/** Everything importTenantData checks and reads, and the write it then makes (commit). */
function prepareImport(
  ctx: AppContext,
  importDirs: string[],
  req: ImportRequest,
): { commit: () => ImportResult } {
  checkOpen(ctx);
  try {
    validateTenantId(req.tenant);
  } catch (e) {
    throw new AppError((e as Error).message, 'invalid_argument');
  }
  if (isBuiltinTenant(req.tenant)) {
    throw new AppError(
      `'${req.tenant}' is a built-in tenant and cannot be overwritten; choose another id`,
      'conflict',
    );
  }
  if ((req.csv === undefined) === (req.path === undefined)) {
    throw new AppError(
      'give exactly one of csv (the CSV text) or path (a file in an allowed directory)',
      'invalid_argument',
    );
  }
  const existing = ctx.store.getDatasetSummary(req.tenant);
  if (existing && !req.replace) throw tenantExists(ctx, req.tenant, existing.source);
  const text = req.csv ?? readImportFile(importDirs, req.path as string);
  let parsed;
  try {
    parsed = parseTenantCsv(text, {
      tenant: req.tenant,
      fileName: req.fileName ?? (req.path ? path.basename(req.path) : 'csv'),
      roles: req.roles,
      words: ctx.words,
    });
  } catch (e) {
    if (e instanceof DataError) throw dataAppError(e);
    throw e;
  }
  // Columns stored in a canonical order (withCanonicalColumns: channels by spend over rows every
  // fold trains on, weather by kind then name, controls by name): neither the stored data nor a
  // figure depends on the file's column order, nor a fold's model on another fold's test rows.
  const series = withCanonicalColumns(
    req.holidaySeason ? withHolidaySeason(ctx, parsed.series) : parsed.series,
  );
  const canonical = tenantToCsv(series);
  const info: TenantInfo = {
    tenant: req.tenant,
    tier: 'custom',
    category: 'imported',
    // A CSV says nothing of where the shop is: no place, rather than (0, 0), a real place at sea
    // (stored as 0, 0 and '' until store migration 6).
    city: null,
    latitude: null,
    longitude: null,
    // Which weather drives an imported tenant's sales is what the model is for, not known up front.
    driver: 'unknown',
    source: 'imported',
    rows: series.dates.length,
    start: series.dates[0],
    end: series.dates[series.dates.length - 1],
    frequency: series.frequency,
    channels: series.channels,
  };
  return { commit: () => commitImport(ctx, req, parsed, series, canonical, info, existing) };
}

function commitImport(
  ctx: AppContext,
  req: ImportRequest,
  parsed: ReturnType<typeof parseTenantCsv>,
  series: TenantSeries,
  canonical: string,
  info: TenantInfo,
  existing: ReturnType<AppContext['store']['getDatasetSummary']>,
): ImportResult {
  checkOpen(ctx);
  // Read before the store overwrites it: what this import changes against the stored data.
  const compared = existing ? changesAgainstStored(ctx, req.tenant, series) : null;
  const changes = compared?.changes ?? null;
  // A replace that loses what the stored data hold (a column, history, the revenue's scale) is
  // what a broken export pipeline makes: refused unless asked for, before anything is written.
  // Only over imported data: a generated tenant replaced with a file is the user's own choice
  // (the warning below says its truth is gone).
  const risky =
    compared && existing?.source === 'imported'
      ? riskyChanges(compared.changes, compared.before, series, ignoredByRequest(req))
      : [];
  if (risky.length > 0 && !req.acceptChanges) {
    throw new AppError(
      `the new data for ${req.tenant} would change what is stored in ways a refreshed export should not: ${risky.join('; ')}. Nothing was stored. ` +
        `If the export is wrong, fix it and import again; if the changes are intended, import again with ${ctx.words.acceptChanges}`,
      'conflict',
    );
  }
  // The canonical CSV keeps the imported names (a target called "sales", weather called "temp"):
  // the roles that read it back are stored beside it (tenants.ts tenantSource).
  // Without replace the store refuses a tenant stored since the check above (another server or
  // CLI on the same state directory importing the same id at once): it was overwritten, both
  // reported as imported.
  let saved;
  try {
    saved = ctx.store.upsertDataset({
      info: { ...info, roles: rolesOf(series) } as TenantInfo,
      csv: canonical,
      storeCsv: true,
      onlyNew: !req.replace,
    });
  } catch (e) {
    if (e instanceof DatasetExistsError) throw tenantExists(ctx, req.tenant, e.source);
    throw e;
  }
  return {
    tenant: req.tenant,
    rows: info.rows,
    frequency: info.frequency,
    start: info.start,
    end: info.end,
    channels: series.channels,
    weather: series.weatherNames,
    weather_read_as: series.weatherNames.map(weatherReading),
    controls: series.controlNames,
    target: series.targetName,
    content_hash: saved.content_hash,
    replaced: existing !== null,
    changes,
    rows_needed_to_train: rowsNeededToTrain({
      tenant: req.tenant,
      frequency: series.frequency,
      rows: series.dates.length,
    }),
    warnings: [
      ...(existing?.source === 'generated'
        ? [
            `tenant '${req.tenant}' was a generated tenant; it now holds the imported data and is imported: ` +
              `its ground truth (true ROAS, oracle R², plan regret) is gone with the generated data`,
          ]
        : []),
      ...parsed.warnings,
      ...seriesWarnings(series, normalizeConfig({}), ctx.words, 'import'),
      ...(existing ? staleLiftTestWarnings(ctx, req.tenant, series, changes) : []),
    ],
  };
}

/**
 * What the new series changes against the tenant's stored data (core/series-diff.ts), with a
 * sentence; null when the stored data cannot be read back (then the import says nothing of it
 * rather than failing). A refresh that revised past rows or renamed a channel was reported as
 * "replaced" alone: a probe's 8 revised past revenue values moved a channel's ROAS by 18%, unsaid.
 */
function changesAgainstStored(
  ctx: AppContext,
  tenant: string,
  series: TenantSeries,
): { changes: DataChanges; before: TenantSeries } | null {
  let before: TenantSeries | null = null;
  const stored = ctx.store.getDataset(tenant);
  const roles = (stored?.info as (TenantInfo & { roles?: RoleOverrides }) | undefined)?.roles;
  // Imported data are read back as tenantToCsv wrote them (a tenth of parseTenantCsv's time:
  // the full parse doubled the time of replacing a 10 MB file); other data the usual way.
  if (stored?.csv && roles) {
    before = readCanonicalCsv(stored.csv, roles, tenant, stored.frequency);
  }
  try {
    before ??= resolveTenant(tenantSource(ctx, tenant)).series;
  } catch {
    return null;
  }
  const c = diffSeries(before, series);
  const summary = c.identical
    ? `${changesText(c)}: its runs and plans still hold`
    : `${changesText(c)}. Runs, plans and explanations made before this import describe the previous data`;
  return { changes: { ...c, summary }, before };
}

/** Most of the stored rows a replace may remove without accept_changes (a rolling export's month). */
export const REPLACE_MAX_REMOVED_SHARE = 0.1;
/** The target's median ratio new / stored on shared dates outside [1 / this, this]: another scale. */
export const REPLACE_MAX_SCALE = 2;

/**
 * What a replace would lose or rescale, in words; empty when it only appends, prepends, revises
 * values or adds columns (a monthly refresh with corrections). An autopilot's probe replaced its
 * tenant with four broken exports (meta_spend renamed facebook_spend, the tiktok column missing,
 * the last 12 months only, revenue in thousands): each was stored and reported as imported, the
 * changes said after the write, and the only way back was the previous file.
 */
export function riskyChanges(
  c: SeriesChanges,
  before: TenantSeries,
  after: TenantSeries,
  /** Columns the request leaves out on purpose (their names as stored and as in the file). */
  ignored: ReadonlySet<string> = new Set(),
): string[] {
  const out: string[] = [];
  if (c.frequency_changed) {
    out.push(`the data go from ${c.frequency_changed.from} to ${c.frequency_changed.to} rows`);
  }
  const named = (role: string) =>
    role === 'channel' ? 'channel' : role === 'weather' ? 'weather column' : 'control';
  for (const r of c.renamed) {
    if (r.role === 'target') continue;
    out.push(
      `${named(r.role)} ${r.from} is gone and ${r.to} has its values (renamed in the export?)`,
    );
  }
  for (const r of c.columns_removed) {
    if (r.role === 'target') continue;
    // Left out by the request (--ignore tiktok_spend, roles.ignore_columns): asked for.
    if (ignored.has(r.column.toLowerCase()) || ignored.has(`${r.column}_spend`.toLowerCase()))
      continue;
    out.push(`${named(r.role)} ${r.column} is gone`);
  }
  const prev = c.previous.rows;
  if (prev > 0 && c.removed.rows > REPLACE_MAX_REMOVED_SHARE * prev) {
    out.push(
      `${c.removed.rows} of the ${prev} stored rows would be removed (${Math.round((100 * c.removed.rows) / prev)}%, ${c.removed.first}..${c.removed.last})`,
    );
  }
  const ratio = sharedTargetRatio(before, after);
  if (ratio !== null && (ratio > REPLACE_MAX_SCALE || ratio < 1 / REPLACE_MAX_SCALE)) {
    out.push(
      `"${after.targetName}" on the dates both hold is ${ratio >= 0.01 ? ratio.toFixed(2) : ratio.toPrecision(2)} times what is stored (median ratio), as another unit or scale would make it`,
    );
  }
  return out;
}

/** The columns an import request leaves out by name (roles.ignore_columns), lower-cased. */
function ignoredByRequest(req: ImportRequest): Set<string> {
  return new Set((req.roles?.ignoreColumns ?? []).map((c) => c.toLowerCase()));
}

/** Median of new / stored target over the dates both hold with a positive stored value (null: none). */
function sharedTargetRatio(before: TenantSeries, after: TenantSeries): number | null {
  const at = new Map(before.dates.map((d, t) => [d, before.target[t]]));
  const ratios: number[] = [];
  after.dates.forEach((d, t) => {
    const b = at.get(d);
    if (b !== undefined && b > 0 && Number.isFinite(after.target[t]))
      ratios.push(after.target[t] / b);
  });
  return ratios.length === 0 ? null : median(ratios);
}

/**
 * The tenant's stored lift tests that the new data cannot hold (a channel it lacks or that has no
 * spend, a window outside or partly past it; calibration.ts usableLiftTests): explain and plans
 * skip them, and `import --replace` said nothing of them.
 */
function staleLiftTestWarnings(
  ctx: AppContext,
  tenant: string,
  series: TenantSeries,
  changes: DataChanges | null = null,
): string[] {
  // The rule explain and the planner skip tests by (a window now partly past the data too).
  const stored = ctx.store.listLiftTests(tenant);
  const { usable } = usableLiftTests(series, stored);
  let stale = stored.filter((t) => !usable.includes(t));
  if (stale.length === 0) return [];
  // A test whose channel this import dropped or renamed: the export is the likelier fault, and
  // the test is used again once the channel is back (an autopilot's probe was told to delete a
  // valid test after an export renamed meta_spend to facebook_spend).
  const out: string[] = [];
  const lost = new Map<string, string | null>();
  for (const r of changes?.renamed ?? []) if (r.role === 'channel') lost.set(r.from, r.to);
  for (const r of changes?.columns_removed ?? [])
    if (r.role === 'channel') lost.set(r.column, null);
  const byChannel = stale.filter((t) => lost.has(t.channel));
  if (byChannel.length > 0) {
    const channels = [...new Set(byChannel.map((t) => t.channel))];
    const what = byChannel.map((t) => `${t.id} (${t.channel}, ${t.start}..${t.end})`).join(', ');
    const how = channels
      .map((c) => {
        const to = lost.get(c);
        return to ? `${c} is gone and ${to} has its values` : `${c} is gone`;
      })
      .join('; ');
    out.push(
      `lift test${byChannel.length === 1 ? '' : 's'} ${what} ${byChannel.length === 1 ? 'is' : 'are'} not used on these data: ${how}. ` +
        `If the export renamed or dropped the column, import it again with the column named as before (${channels.map((c) => `${c}_spend`).join(', ')}): the test${byChannel.length === 1 ? ' is' : 's are'} kept and used again; ` +
        `remove ${byChannel.length === 1 ? 'it' : 'them'} only if the channel is gone for good (${ctx.words.deleteLiftTests(
          tenant,
          byChannel.map((t) => t.id),
        )})`,
    );
    stale = stale.filter((t) => !lost.has(t.channel));
    if (stale.length === 0) return out;
  }
  const what = stale.map((t) => `${t.id} (${t.channel}, ${t.start}..${t.end})`).join(', ');
  return [
    ...out,
    `lift test${stale.length === 1 ? '' : 's'} ${what} ${stale.length === 1 ? 'names a channel or window' : 'name channels or windows'} the new data do not hold (a window partly past them, or a channel without spend in them): explain and plans leave ${stale.length === 1 ? 'it' : 'them'} out; remove with ${ctx.words.deleteLiftTests(
      tenant,
      stale.map((t) => t.id),
    )}`,
  ];
}
