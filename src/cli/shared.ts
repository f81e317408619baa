/**
 * Pieces several commands share: phase and config flags, input files, result tables, progress,
 * gates.
 */
import { APP_LIMITS, AppError, FileRefusedError, readFileBounded } from '../app/index.js';
import type {
  GateDecision,
  PhaseConfig,
  PhaseId,
  ProgressEvent,
  TenantResult,
} from '../app/index.js';
import { int, UsageError } from './args.js';
import type { Flags, OptionSpec } from './command.js';
import { table } from './format.js';

export const PHASE_OPTION: OptionSpec = {
  type: 'string',
  value: '0|1|2|3',
  help: 'the phase: 0 baseline Ridge, 1 + weather interactions, 2 + GBM, 3 + carry-over and saturation',
};

export const CONFIG_OPTIONS: Record<string, OptionSpec> = {
  folds: {
    type: 'string',
    value: 'K',
    help: `cross-validation folds, ${APP_LIMITS.minFolds}-${APP_LIMITS.maxFolds} (default 5)`,
  },
  'test-size': {
    type: 'string',
    value: 'ROWS',
    help: 'rows per test fold (default: the protocol rule, docs/modeling.md)',
  },
  'min-train': {
    type: 'string',
    value: 'ROWS',
    help: 'least rows of the first training window (default: a year, at most half the series; built-in tenants: half a year daily)',
  },
  'no-calendar': {
    type: 'boolean',
    help: 'leave out the calendar terms (day of week, yearly season, trend)',
  },
};

/**
 * The UTF-8 text of a file named on the command line by `flag`; a message naming it when it
 * cannot be read (`tooLarge`: what to do with one over the size limit). Opened once,
 * non-blocking, and checked on the descriptor (`readFileBounded`): a FIFO, a device or a socket
 * is refused without waiting for a writer or reading it whole (a FIFO with no writer hung the
 * CLI past SIGTERM and Ctrl-C; /dev/zero ran it out of memory), a directory or a file over the
 * limit before it is read, and no more than the limit + 1 bytes are ever read.
 */
export function readInputFile(
  file: string,
  tooLarge = 'check that this is the right file',
  flag = '--file',
): string {
  try {
    return readFileBounded(file, { limit: APP_LIMITS.maxCsvChars });
  } catch (e) {
    if (e instanceof FileRefusedError) {
      const r = e.refusal;
      if (r.kind === 'too_large') {
        throw new AppError(
          `${file} is ${r.size} bytes; the limit is ${APP_LIMITS.maxCsvChars} (CSV_LIMITS.maxChars, 20 MiB of text); ${tooLarge}`,
          'limit',
        );
      }
      throw new AppError(
        r.directory
          ? `${file} is a directory: give the path of a CSV file in it`
          : `${file} is not a regular file (a pipe, device or socket): ${flag} takes a CSV file saved on disk; save the data to a file and give its path`,
        'invalid_argument',
      );
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') {
      throw new AppError(
        `${file} is a directory: give the path of a CSV file in it`,
        'invalid_argument',
      );
    }
    throw new AppError(
      code === 'ENOENT'
        ? `no such file: ${file}`
        : code === 'EACCES'
          ? `cannot read ${file}: permission denied`
          : `cannot read ${file}: ${code ?? 'error'}`,
      'not_found',
    );
  }
}

export function phaseOf(flags: Flags, required = true): PhaseId | undefined {
  const p = int(flags, 'phase', 0, 3);
  if (p === undefined && required) throw new UsageError('--phase is required: one of 0, 1, 2, 3');
  return p as PhaseId | undefined;
}

export function configOf(flags: Flags): PhaseConfig {
  const c: PhaseConfig = {};
  const folds = int(flags, 'folds', APP_LIMITS.minFolds, APP_LIMITS.maxFolds);
  if (folds !== undefined) c.folds = folds;
  const testSize = int(flags, 'test-size', 1, APP_LIMITS.maxProtocolRows);
  if (testSize !== undefined) c.testSize = testSize;
  const minTrain = int(flags, 'min-train', 1, APP_LIMITS.maxProtocolRows);
  if (minTrain !== undefined) c.minTrain = minTrain;
  if (flags['no-calendar']) c.calendar = false;
  return c;
}

/**
 * The result table, with what its two spreads are: dividing std by √folds does not give the SE
 * (std is ddof 0 as the plan's numpy code, the SE's sd is ddof 1).
 */
export function resultRows(results: TenantResult[]): string {
  const rows = table(
    ['tenant', 'R²', '± SE', 'oracle R²', 'gap', 'std', 'model', 'pass'],
    results.map((r) => [
      r.tenant,
      r.mean_r2,
      r.se_r2 ?? null,
      r.oracle_r2,
      r.oracle_gap,
      r.std_r2,
      r.model_kind,
      r.passes,
    ]),
  );
  return `${rows}\n± SE: fold R² sample sd (n - 1) / √folds; std: fold R² population sd (n)`;
}

/**
 * The cross-validation protocol each tenant got, one line per distinct protocol: a run over
 * tenants of other lengths or frequencies cuts folds per tenant ("8 folds asked; the data holds
 * 6"), which `train` printed and `run-phase` did not.
 */
export function protocolLines(results: TenantResult[]): string[] {
  const groups = new Map<string, string[]>();
  for (const r of results) {
    if (!r.protocol) continue;
    const tenants = groups.get(r.protocol.reason) ?? [];
    tenants.push(r.tenant);
    groups.set(r.protocol.reason, tenants);
  }
  if (groups.size === 1 && [...groups.values()][0].length === results.length) {
    return [`protocol: ${[...groups.keys()][0]}`];
  }
  return [...groups].map(([reason, tenants]) => `protocol of ${tenants.join(', ')}: ${reason}`);
}

/** Progress on stderr when it is a terminal and the output is text. */
export function progressPrinter(flags: Flags): ((e: ProgressEvent) => void) | undefined {
  if (flags.json || !process.stderr.isTTY) return undefined;
  return (e) => {
    process.stderr.write(`\r  ${e.done}/${e.total} tenants`);
    if (e.done === e.total) process.stderr.write('\n');
  };
}

export function formatGate(d: GateDecision): string {
  return [
    `Gate after phase ${d.phase}: ${d.decision} — next: ${d.next_step}`,
    ...d.reasons.map((r) => `  - ${r}`),
    // The reasons carry the scaling note already (gates/decide.ts); a decision stored without it
    // there still shows it.
    ...(d.scaling_note && !d.reasons.includes(d.scaling_note) ? [`  (${d.scaling_note})`] : []),
    ...(d.success_criteria.length ? ['  success criteria:'] : []),
    ...d.success_criteria.map(
      (c) =>
        `    [${c.passed === null ? '?' : c.passed ? 'x' : ' '}] ${c.name}: ` +
        `${c.actual === null ? 'n/a' : Number.isInteger(c.actual) ? c.actual : c.actual.toFixed(3)} (target ${c.target})`,
    ),
    ...(d.escalation
      ? [`  ESCALATION: ${d.escalation.reason} -> ${d.escalation.recommended_next_step}`]
      : []),
  ].join('\n');
}

/** "0.42 s" for a duration in seconds. */
export function seconds(s: number): string {
  return `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
}
