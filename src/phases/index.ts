/** One entry point for training any phase: the app layer and the workers call it. */
import type { SyntheticTenant, TenantSeries } from '../core/types.js';
import { trainLinearPhase } from './linear.js';
import { trainPhase2 } from './phase2.js';
import { trainPhase3 } from './phase3.js';
import type { FoldEvaluation } from './result.js';
import { PHASE_MESSAGE, type PhaseId, type TenantResult } from './types.js';

export * from './types.js';

/** What a phase computes with: every option is part of a run's cache key in the app layer. */
export interface PhaseRunConfig {
  folds?: number;
  gap?: number;
  calendar?: boolean;
  alphas?: number[];
  passThreshold?: number;
  /** Phases 2/3: 'rule' = the plan's Ridge/GBM/blend rule; 'tuned' = blend weight chosen on inner validation. */
  blend?: 'rule' | 'tuned';
  seed?: number;
  /** Rows per test fold (null or absent: by the protocol rule, docs/modeling.md). */
  testSize?: number | null;
  /** Least rows of the first training window (null or absent: by the protocol rule). */
  minTrain?: number | null;
}

/**
 * Trains one tenant through one phase under time-series CV; oracle figures where the noise-free
 * expected revenue is known (a generated tenant, or data made by another recipe: bench/external.ts).
 */
export function trainPhase(
  series: TenantSeries,
  phase: PhaseId,
  config: PhaseRunConfig,
  synthetic: { truth: Pick<SyntheticTenant['truth'], 'expected'> } | null,
  hooks: { onEvaluations?: (evaluations: readonly FoldEvaluation[]) => void } = {},
): TenantResult {
  const oracle = synthetic ? { expected: synthetic.truth.expected } : undefined;
  const common = {
    onEvaluations: hooks.onEvaluations,
    folds: config.folds,
    gap: config.gap,
    calendar: config.calendar,
    alphas: config.alphas,
    passThreshold: config.passThreshold,
    testSize: config.testSize ?? undefined,
    minTrain: config.minTrain ?? undefined,
    oracle,
  };
  switch (phase) {
    case 0:
    case 1:
      return trainLinearPhase(series, { phase, ...common });
    case 2:
      return trainPhase2(series, { ...common, blend: config.blend, seed: config.seed });
    case 3:
      return trainPhase3(series, { ...common, blend: config.blend, seed: config.seed });
    default:
      throw new RangeError(`${PHASE_MESSAGE}; got ${String(phase)}`);
  }
}
