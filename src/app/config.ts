/**
 * Configuration: the one defaults table of a phase run, the one limits table both faces show
 * (the MCP zod schemas and the CLI flags read it too), and the checks of both.
 */
import { CSV_LIMITS } from '../core/csv.js';
import { PHASE_DEFAULTS } from '../phases/defaults.js';
import { PHASE_MESSAGE, isPhaseId, type PhaseId } from '../phases/types.js';
import { AppError } from './errors.js';
import type { PhaseConfig } from './types.js';

/**
 * Limits checked up front, before any work starts; the same numbers over MCP and in the CLI.
 * Folds 2-10: more folds leave too few rows per test fold on a year of data. 5,000 tenants per
 * run: the scale benchmark's largest run (bench/scale.ts); a longer list is split into runs.
 */
export const APP_LIMITS = {
  maxTenantsPerRun: 5000,
  minFolds: 2,
  maxFolds: 10,
  maxGap: 365,
  /** Largest test fold or first training window a caller may set, in rows. */
  maxProtocolRows: 20000,
  maxAlphas: 20,
  /** Each Ridge penalty: outside this range the standardized Ridge is numerically meaningless. */
  minAlpha: 1e-6,
  maxAlpha: 1e6,
  maxSeed: 2 ** 31 - 1,
  maxGenerate: 5000,
  minGenerateDays: 60,
  maxGenerateDays: 20000,
  /** Runs per page in the CLI and the app; MCP pages are smaller for a model's context (below). */
  maxListRuns: 1000,
  /** Per-face page sizes of MCP answers (list_runs runs, list_tenants tenants, get_run result rows). */
  maxMcpListRuns: 100,
  /** list_tenants: 100 a page by default (about 30 KB), at most 200 (2,228 tenants in one answer were 580 KB). */
  maxMcpListTenants: 200,
  defaultMcpListTenants: 100,
  maxMcpResultRows: 500,
  /**
   * Longest plan horizon: a year of weeks, 53 for a 53-week retail year (a 4-5-4 calendar's long
   * year), and the same span in days (7 x 53).
   */
  maxPlanDays: 371,
  maxPlanWeeks: 53,
  /** Largest budget or target a plan takes (currency units; beyond it doubles lose cents). */
  maxBudget: 1e12,
  /** Largest CSV text or file accepted for import, in characters (the CSV module's own limit). */
  maxCsvChars: CSV_LIMITS.maxChars,
} as const;

/** The alpha range as people write it: "1e-6 to 1e6". */
export const ALPHA_RANGE = `${APP_LIMITS.minAlpha.toExponential().replace('e+', 'e')} to ${APP_LIMITS.maxAlpha.toExponential().replace('e+', 'e')}`;

/** What a phase run computes with when the caller says nothing (the phases' table): part of every run key. */
export const DEFAULT_CONFIG: Required<Omit<PhaseConfig, 'alphas'>> & { alphas: number[] } = {
  ...PHASE_DEFAULTS,
  alphas: [...PHASE_DEFAULTS.alphas],
};

/** Fills defaults and checks bounds; the normalized config is part of a run's key. */
export function normalizeConfig(c: PhaseConfig = {}): Required<PhaseConfig> {
  const out = {
    ...DEFAULT_CONFIG,
    ...Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)),
  };
  const bad = (msg: string) => new AppError(msg, 'invalid_argument');
  if (
    !Number.isInteger(out.folds) ||
    out.folds < APP_LIMITS.minFolds ||
    out.folds > APP_LIMITS.maxFolds
  ) {
    throw bad(
      `folds must be an integer from ${APP_LIMITS.minFolds} to ${APP_LIMITS.maxFolds} (got ${out.folds})`,
    );
  }
  if (!Number.isInteger(out.gap) || out.gap < 0 || out.gap > APP_LIMITS.maxGap)
    throw bad(`gap must be an integer from 0 to ${APP_LIMITS.maxGap} (got ${out.gap})`);
  for (const [key, flag] of [
    ['testSize', 'test_size'],
    ['minTrain', 'min_train'],
  ] as const) {
    const v = out[key];
    if (v !== null && !(Number.isInteger(v) && v >= 1 && v <= APP_LIMITS.maxProtocolRows)) {
      throw bad(
        `${key} (${flag}) must be an integer from 1 to ${APP_LIMITS.maxProtocolRows} rows, or left out for the protocol rule (got ${String(v)})`,
      );
    }
  }
  if (
    !Array.isArray(out.alphas) ||
    out.alphas.length === 0 ||
    out.alphas.length > APP_LIMITS.maxAlphas
  ) {
    throw bad(`alphas must be a list of 1 to ${APP_LIMITS.maxAlphas} positive numbers`);
  }
  if (
    out.alphas.some(
      (a) => !(typeof a === 'number' && a >= APP_LIMITS.minAlpha && a <= APP_LIMITS.maxAlpha),
    )
  ) {
    throw bad(
      `each alpha must be a number from ${ALPHA_RANGE} (got ${JSON.stringify(out.alphas)})`,
    );
  }
  if (!(out.passThreshold > -1 && out.passThreshold <= 1))
    throw bad(`passThreshold must be in (-1, 1] (got ${out.passThreshold})`);
  if (out.blend !== 'rule' && out.blend !== 'tuned')
    throw bad(`blend must be 'rule' or 'tuned' (got ${String(out.blend)})`);
  if (!Number.isInteger(out.seed) || out.seed < 0 || out.seed > APP_LIMITS.maxSeed)
    throw bad(`seed must be an integer from 0 to ${APP_LIMITS.maxSeed}`);
  return out as Required<PhaseConfig>;
}

/** The phases' parsePhase with the app's error: PHASE_MESSAGE and the value given. */
export function parsePhase(phase: unknown): PhaseId {
  if (!isPhaseId(phase))
    throw new AppError(`${PHASE_MESSAGE}; got ${String(phase)}`, 'invalid_argument');
  return phase;
}
