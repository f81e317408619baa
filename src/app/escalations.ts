/**
 * Escalations: a gate decision that says STOP is stored with the decision (SQLite) and appended
 * to state/escalations.log, one JSON line each, for a human to read.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { GateDecision, RegressionMode } from '../gates/index.js';
import type { PhaseId } from '../phases/types.js';
import type { AppContext } from './context.js';

export const ESCALATIONS_LOG = 'escalations.log';

/** Appends one escalation; a failed append is logged, never fatal (the store has the record). */
export function appendEscalation(
  ctx: AppContext,
  entry: {
    escalationId: number | null;
    gateDecisionId: number;
    runId: number;
    phase: PhaseId;
    decision: GateDecision;
    /** The no-regression reading asked: another mode is another decision, logged again. */
    regressionMode: RegressionMode;
  },
): void {
  const { decision } = entry;
  if (!decision.escalation) return;
  try {
    appendFileSync(
      path.join(ctx.stateDir, ESCALATIONS_LOG),
      JSON.stringify({
        escalation_id: entry.escalationId,
        gate_decision_id: entry.gateDecisionId,
        run_id: entry.runId,
        phase: entry.phase,
        decision: decision.decision,
        regression_mode: entry.regressionMode,
        ...decision.escalation,
        at: new Date().toISOString(),
      }) + '\n',
    );
  } catch (e) {
    ctx.log('warning', `could not append to escalations.log: ${(e as Error).message}`);
  }
}
