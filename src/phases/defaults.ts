/**
 * The one defaults table of a phase run: what a phase computes with when the caller says
 * nothing. The app's DEFAULT_CONFIG (part of every run key) is this table; the phases read it.
 */
import { DEFAULT_ALPHAS } from '../core/ridge.js';
import { PASS_THRESHOLD } from './result.js';

export const PHASE_DEFAULTS = Object.freeze({
  /** Expanding-window CV folds (the pass bar is defined for 5). */
  folds: 5,
  /** Rows left out between each training window and its test fold. */
  gap: 0,
  /** Calendar features (trend, day of week, month, holidays). */
  calendar: true,
  /** Ridge alpha grid (phase 1 on; phase 0 uses alpha 1). */
  alphas: DEFAULT_ALPHAS,
  /** Pass bar on mean test-fold R². */
  passThreshold: PASS_THRESHOLD,
  /** Phases 2-3: the plan's Ridge -> GBM -> blend rule. */
  blend: 'rule' as 'rule' | 'tuned',
  seed: 0,
  /** Rows per test fold; null: the protocol rule decides (core/folds.ts chooseProtocol). */
  testSize: null as number | null,
  /** Least rows of the first training window; null: the rule's (half a year daily, a year weekly). */
  minTrain: null as number | null,
});
