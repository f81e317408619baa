/** Prompt `phase_review`: walks an agent through reviewing one phase. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { z } from 'zod';

export function phaseReviewText(phase: number, tenants: readonly string[] = []): string {
  const prev = phase > 0 ? phase - 1 : null;
  // Without tenants a run takes the 20 built-in tenants; an imported tenant is reviewed by name.
  const which = tenants.length > 0 ? `, "tenants": ${JSON.stringify(tenants)}` : '';
  const whom = tenants.length > 0 ? `the tenants ${tenants.join(', ')}` : 'every built-in tenant';
  const steps = [
    `Review phase ${phase} of the weather-aware MMM for ${whom}.`,
    '',
    // Phases 0 and 1 read "(for phases 2-3 prefer {"phase": 1, "wait": false} ...)".
    phase >= 2
      ? `1. Call run_phase {"phase": ${phase}${which}, "wait": false} and poll get_run until status is done (phase ${phase} takes longer), or run_phase {"phase": ${phase}${which}} with a progress token. Keep its run_id.`
      : `1. Call run_phase {"phase": ${phase}${which}}. Keep its run_id.`,
    `2. Call check_gates {"phase": ${phase}, "run_id": <that run_id>}. Report the decision, the pass count against the rules (a tenant passes at mean out-of-sample R² >= 0.50 under expanding-window time-series CV), every unmet success criterion and any escalation with its evidence.`,
    prev !== null
      ? `3. Call compare_phases {"a": ${prev}, "b": <that run_id>} (run phase ${prev}${tenants.length > 0 ? ' for the same tenants' : ''} first if it has no done run). Name the newly passing and newly failing tenants and every regression.`
      : '3. Phase 0 is the baseline: note the tenants that already pass, later phases must not regress them.',
    '4. Take the three lowest-R² failing tenants from the run rows (get_run with that run_id) and call explain_tenant for each with this phase; say what limits them (weak weather signal, saturation, noise close to the oracle R²).',
    '5. Finish with a short verdict: proceed, stop or escalate, and the next concrete step.',
    '',
    'Quote figures from the tool results only; do not estimate numbers that no tool returned.',
  ];
  return steps.join('\n');
}

const PHASE_ARGS = ['0', '1', '2', '3'] as const;

export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    'phase_review',
    {
      title: 'Review a phase',
      description:
        'Step-by-step review of one phase: run it, check the gate, compare with the phase before and explain the worst tenants.',
      argsSchema: {
        // Completed (completion/complete) like the gates://latest/{phase} template's phase.
        phase: completable(
          z
            .enum(PHASE_ARGS, {
              error: (iss) =>
                `phase must be "0", "1", "2" or "3" (0 = baseline Ridge, 1 = tuned Ridge, 2 = GBM/blend, 3 = adstock+Hill); got ${JSON.stringify(iss.input) ?? 'nothing'}`,
            })
            .describe('Phase to review: 0, 1, 2 or 3'),
          (value) => PHASE_ARGS.filter((p) => p.startsWith(value ?? '')),
        ),
        tenants: z
          .string({ error: 'tenants must be tenant ids separated by commas' })
          .max(10_000, { error: 'tenants must be at most 10,000 characters' })
          .optional()
          .describe(
            'Tenant ids separated by commas, e.g. "shop,shop_eu" (your imported tenants); default the 20 built-in tenants',
          ),
      },
    },
    ({ phase, tenants }) => {
      const ids = (tenants ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');
      return {
        description: `Review of phase ${phase}${ids.length > 0 ? ` for ${ids.join(', ')}` : ''}`,
        messages: [
          { role: 'user', content: { type: 'text', text: phaseReviewText(Number(phase), ids) } },
        ],
      };
    },
  );
}
