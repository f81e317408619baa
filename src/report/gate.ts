/** The gate decision as an HTML block: the decision, its reasons, the criteria and their figures. */
import { escapeHtml } from './format.js';
import { tableHtml } from './html.js';
import type { GateView } from './types.js';

const GOOD = new Set(['PROCEED_TO_PHASE_2', 'PHASE_1_SUFFICIENT', 'STOP_SUFFICIENT', 'SUCCESS']);

/**
 * The gate's colour: an ESCALATE whose only triggered criterion is missing_prerequisite_run (no run
 * of the phase before: "not a model failure") is neutral, not red; a run of 16 passing tenants
 * read as a red failure.
 */
export function gateTone(
  decision: string,
  criteria: readonly { name: string; triggered: boolean }[] = [],
): 'good' | 'bad' | 'neutral' {
  if (decision === 'ESCALATE') {
    const triggered = criteria.filter((c) => c.triggered);
    return triggered.length > 0 && triggered.every((c) => c.name === 'missing_prerequisite_run')
      ? 'neutral'
      : 'bad';
  }
  return GOOD.has(decision) ? 'good' : 'neutral';
}

export function gateHtml(g: GateView | null, phase: number): string {
  if (!g) {
    return `<p>No gate decision is stored for phase ${phase} yet. Decide it with <code>wv-mmm gates --phase ${phase}</code> (MCP: <code>check_gates</code>).</p>`;
  }
  const d = g.decision;
  const where = g.stored
    ? `stored${g.run_id !== null ? ` for run ${g.run_id}` : ''}${g.decided_at ? ` at ${escapeHtml(g.decided_at)}` : ''}`
    : `evaluated for this report from run ${g.run_id ?? '?'} (not stored; <code>wv-mmm gates --phase ${phase}</code> records it)`;
  const reasons = d.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('');
  const criteria = tableHtml(
    ['success criterion', 'target', 'measured', 'met', 'detail'],
    d.success_criteria.map((c) => [
      c.name,
      c.target,
      c.actual === null ? 'n/a' : Number.isInteger(c.actual) ? c.actual : c.actual.toFixed(3),
      c.passed === null ? 'n/a' : c.passed ? 'yes' : 'no',
      c.detail,
    ]),
  );
  const escalations = d.escalation_criteria
    .filter((c) => c.triggered)
    .map(
      (c) =>
        `<li><strong>${escapeHtml(c.name)}</strong> (${c.severity}): ${escapeHtml(c.evidence)} - next: ${escapeHtml(c.recommended_next_step)}</li>`,
    )
    .join('');
  return (
    `<p><span class="badge ${gateTone(d.decision, d.escalation_criteria)}">${escapeHtml(d.decision)}</span> ` +
    `phase ${d.phase}: ${d.pass_count} of ${d.total} tenants pass, mean R² ${d.mean_r2.toFixed(3)} (${where}).</p>` +
    `<p><strong>Next step:</strong> ${escapeHtml(d.next_step)}</p>` +
    `<ul>${reasons}</ul>` +
    (escalations ? `<p><strong>Escalation triggered by:</strong></p><ul>${escalations}</ul>` : '') +
    criteria
  );
}
