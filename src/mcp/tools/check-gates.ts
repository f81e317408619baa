/** Tool `check_gates`: the plan's decision after a phase (proceed, sufficient, success, escalate). */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { shareText } from '../../app/index.js';
import type { GateDecision } from '../../app/types.js';
import type { ToolDeps } from '../deps.js';
import { resourcesChanged } from '../resources.js';
import { fmtR2, guarded, ok } from '../results.js';
import {
  gateDecisionOut,
  passThresholdInput,
  phaseInput,
  runIdInput,
  strictInput,
} from '../schemas.js';

const inputSchema = strictInput({
  phase: phaseInput.describe('Phase whose gate to evaluate (0 records the baseline)'),
  run_id: runIdInput
    .optional()
    .describe('A specific done run of that phase (default: its latest done run)'),
  pass_threshold: passThresholdInput
    .optional()
    .describe('Mean R² a tenant needs to pass, 0-1 (default 0.50)'),
  regression_mode: z
    .enum(['noise_aware', 'strict'], {
      error: "regression_mode must be 'noise_aware' or 'strict'",
    })
    .default('noise_aware')
    .describe(
      "How the no-regression rule judges a baseline passer below its floor: 'noise_aware' (default) counts it when either test at 0.05 finds the drop beyond its fold noise: a one-sided paired t-test on its per-fold R² differences (a small drop on every fold), or its mean below phase 0's one-sided lower confidence bound, mean - t(0.95, folds - 1) × SE (a large drop on one or two folds, which the t-test cannot see); below_floor says which fired (criteria_met) with the figures. 'strict' counts every drop (the plan read literally). Stored with the decision",
    ),
});

/** Short text of a decision: verdict, figures, failed criteria, escalation. */
export function gateText(g: GateDecision): string {
  const lines = [
    `Phase ${g.phase} gate${g.run_id !== undefined ? ` (run ${g.run_id})` : ''}: ${g.decision} — ${g.pass_count}/${g.total} pass (${shareText(g.pass_rate)}), mean R² ${fmtR2(g.mean_r2)}.`,
    `Next: ${g.next_step}`,
  ];
  if (g.next_actions && g.next_actions.length > 0)
    lines.push(
      `Next calls${g.needs_person ? ' (a person first)' : ''}: ${g.next_actions.map(actionText).join('; ')}`,
    );
  for (const r of g.reasons) lines.push(`- ${r}`);
  const unmet = g.success_criteria.filter((c) => c.passed === false);
  if (unmet.length)
    lines.push(`Unmet success criteria: ${unmet.map((c) => `${c.name} (${c.target})`).join(', ')}`);
  if (g.regression_test && g.regression_test.judged_noise.length)
    lines.push(
      `Within fold noise, not counted as regressions (${g.regression_test.test}, level ${g.regression_test.level}): ${g.regression_test.judged_noise.join(', ')}`,
    );
  if (g.escalation)
    lines.push(
      `ESCALATION (${g.escalation.severity}): ${g.escalation.reason} — ${g.escalation.recommended_next_step}`,
    );
  return lines.join('\n');
}

/** One next action as its call: 'run_phase {"phase":2,"tenants":["a"]}', 'ask_person (why)'. */
function actionText(a: NonNullable<GateDecision['next_actions']>[number]): string {
  if (a.action === 'ask_person') return `ask a person (${a.why})`;
  const args =
    a.action === 'explain_tenant'
      ? { tenant: a.tenant }
      : a.action === 'run_phase'
        ? { phase: a.phase, tenants: a.tenants }
        : { phase: a.phase };
  return `${a.action} ${JSON.stringify(args)}`;
}

export function registerCheckGates(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'check_gates',
    {
      title: 'Check a phase gate',
      description:
        "Apply the modeling plan's gate to a done phase run: the decision (e.g. PROCEED_TO_PHASE_2, PHASE_1_SUFFICIENT, SUCCESS, ESCALATE), the reasons, every success and escalation criterion with its figures, and the escalation if any. " +
        'A tenant passes at mean out-of-sample R² >= 0.50 (expanding-window time-series CV); count rules are scaled when there are not 20 tenants. ' +
        'Needs a done run of the phase (run_phase first). Phases 1-3 are judged against the phase before on the same tenants (phase 0 for phase 1), preferring the run whose results were computed on the same data (tenants whose result there was computed on other data, i.e. imported again between the runs, are left out and named; compared_runs and the reasons name the runs used): without such a run the decision is ESCALATE with missing_prerequisite_run, which is not a model failure; next_step names the run_phase call to make. borderline names the tenants within one standard error of the pass bar (which side they fall on is fold noise; the reasons say whether the decision rests on them), data_changed the tenants imported again since the judged run (its figures are of the previous data). The decision is recorded in the store once: asking again about the same runs in the same regression_mode returns it without recording it (or its escalation) again; the other mode is another decision, recorded (and its escalation logged, naming the mode) again.',
      inputSchema,
      outputSchema: gateDecisionOut,
      annotations: {
        title: 'Check a phase gate',
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args) =>
      guarded('check_gates', log, () => {
        const g: GateDecision = app.checkGates({
          phase: args.phase,
          runId: args.run_id,
          passThreshold: args.pass_threshold,
          regression: args.regression_mode,
        });
        // A recorded decision is listed as gates://latest/{phase}.
        resourcesChanged(server);
        return ok(g, gateText(g));
      }),
  );
}
