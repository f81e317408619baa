/** Tool `train_tenant`: cross-validates one tenant's model for one phase. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ALPHA_RANGE, APP_LIMITS, DEFAULT_CONFIG, type PhaseConfig } from '../../app/types.js';
import { usedPhaseWords } from '../../app/index.js';
import type { ToolDeps } from '../deps.js';
import { forwardProgress } from '../progress.js';
import { fmtR2, guarded, ok } from '../results.js';
import { foldsInput, phaseInput, strictInput, tenantInput, tenantResultOut } from '../schemas.js';

const ALPHA_MESSAGE = `each alpha must be a number from ${ALPHA_RANGE}`;

export const alphasInput = z
  .array(
    z
      .number({ error: ALPHA_MESSAGE })
      .min(APP_LIMITS.minAlpha, ALPHA_MESSAGE)
      .max(APP_LIMITS.maxAlpha, ALPHA_MESSAGE),
    {
      error: `alphas must be an array of 1 to ${APP_LIMITS.maxAlphas} numbers from ${ALPHA_RANGE}`,
    },
  )
  // The app's own bound: a schema that let more through would promise what the app refuses.
  .min(1, `alphas must list 1 to ${APP_LIMITS.maxAlphas} Ridge penalties`)
  .max(APP_LIMITS.maxAlphas, `alphas must list 1 to ${APP_LIMITS.maxAlphas} Ridge penalties`);

const TEST_SIZE_MESSAGE = `test_size must be an integer from 1 to ${APP_LIMITS.maxProtocolRows} rows`;
const MIN_TRAIN_MESSAGE = `min_train must be an integer from 1 to ${APP_LIMITS.maxProtocolRows} rows`;

export const modelOptionsInput = strictInput(
  {
    folds: foldsInput
      .optional()
      .describe(
        `Number of expanding-window CV folds, ${APP_LIMITS.minFolds}-${APP_LIMITS.maxFolds} (default ${DEFAULT_CONFIG.folds}, TimeSeriesSplit(${DEFAULT_CONFIG.folds}), which the protocol's rule cuts to 3-4 folds where that lets every fold train on a year (2-4 years of data: 4 folds on three daily years); the result's protocol says what was used, docs/modeling.md "Protocol"; the pass bar is defined for 5)`,
      ),
    test_size: z
      .number({ error: TEST_SIZE_MESSAGE })
      .int(TEST_SIZE_MESSAGE)
      .min(1, TEST_SIZE_MESSAGE)
      .max(APP_LIMITS.maxProtocolRows, TEST_SIZE_MESSAGE)
      .optional()
      .describe(
        'Rows per test fold (default: the protocol rule — TimeSeriesSplit(5) where its first training window has min_train rows; with two years of data or more its test blocks over 3-5 folds so that every fold trains on a year; otherwise blocks shrunk to fit)',
      ),
    min_train: z
      .number({ error: MIN_TRAIN_MESSAGE })
      .int(MIN_TRAIN_MESSAGE)
      .min(1, MIN_TRAIN_MESSAGE)
      .max(APP_LIMITS.maxProtocolRows, MIN_TRAIN_MESSAGE)
      .optional()
      .describe(
        'Least rows of the first training window (default: a year — 365 daily / 52 weekly — at most half the series; the built-in tenants 182 daily, the plan protocol; at least 91 daily / 26 weekly)',
      ),
    calendar: z
      .boolean({ error: 'calendar must be true or false' })
      .optional()
      .describe('Add calendar features (day of week, yearly Fourier terms, trend); default true'),
    alphas: alphasInput
      .optional()
      .describe(
        `Ridge penalty grid to tune over on training rows (phase 1+), 1-${APP_LIMITS.maxAlphas} values from ${ALPHA_RANGE}`,
      ),
  },
  'options must be an object such as {"folds": 5, "calendar": true}',
);

/** Phase options as the app wants them. */
export function toConfig(
  o: z.infer<typeof modelOptionsInput> | undefined,
): PhaseConfig | undefined {
  if (!o) return undefined;
  const config: PhaseConfig = {};
  if (o.folds !== undefined) config.folds = o.folds;
  if (o.test_size !== undefined) config.testSize = o.test_size;
  if (o.min_train !== undefined) config.minTrain = o.min_train;
  if (o.calendar !== undefined) config.calendar = o.calendar;
  if (o.alphas !== undefined) config.alphas = o.alphas;
  return config;
}

const inputSchema = strictInput({
  tenant: tenantInput.describe('Tenant id, e.g. "extreme_ski_gear" (list_tenants shows all)'),
  phase: phaseInput.describe(
    'Phase: 0 baseline Ridge, 1 tuned Ridge + weather features, 2 Ridge/GBM/blend, 3 adstock + Hill saturation',
  ),
  options: modelOptionsInput
    .optional()
    .describe('Optional modeling options; omit for the phase defaults'),
});

export function registerTrainTenant(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'train_tenant',
    {
      title: 'Train one tenant',
      description:
        "Cross-validate one tenant's model for one phase (expanding-window time-series CV by the protocol rule: 5 folds on the built-in tenants, 3-5 each trained on a year with two years of data or more) and return the full result: per-fold R², RMSE, baselines, checks and why it fails. " +
        'Use it to look at a single tenant in depth; use run_phase for all tenants and to record results (train_tenant stores nothing, and the same call always gives the same result). ' +
        'Phases 2-3 take seconds per tenant. Sends progress when a progress token is given; cancelling the request stops the work.',
      inputSchema,
      outputSchema: tenantResultOut.extend({
        warnings: z
          .array(z.string())
          .describe(
            'What about the data limits this result (short history per fold, weekly data, weather not modeled, channels with almost no spend), each with what to do',
          ),
      }),
      annotations: {
        title: 'Train one tenant',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args, extra) =>
      guarded('train_tenant', log, async () => {
        const progress = forwardProgress(extra);
        try {
          const r = await app.trainTenant(
            { tenant: args.tenant, phase: args.phase, config: toConfig(args.options) },
            { onProgress: progress.onProgress, signal: extra.signal },
          );
          const verdict = r.passes ? 'PASS' : 'FAIL';
          const lines = [
            `${r.tenant} phase ${r.phase} (${r.model_kind}): mean R² ${fmtR2(r.mean_r2)} ± ${fmtR2(r.se_r2)} (SE; fold std ${fmtR2(r.std_r2)}) over ${r.fold_r2.length} folds, oracle ${fmtR2(r.oracle_r2)} — ${verdict}`,
          ];
          // The folds behind the mean, as the CLI prints them: where the model is weak, by what
          // rule the folds were cut, and which folds fell back to a simpler phase.
          const oracle = r.folds.every((f) => f.oracle_r2 !== null && f.oracle_r2 !== undefined)
            ? ` (oracle ${r.folds.map((f) => fmtR2(f.oracle_r2)).join(', ')})`
            : '';
          lines.push(
            `Folds R² ${r.fold_r2.map((x) => fmtR2(x)).join(', ')}${oracle}, trained on ${r.folds.map((f) => f.train_rows).join(', ')} rows.`,
          );
          if (r.protocol) lines.push(`Protocol: ${r.protocol.reason}.`);
          const fellBack = r.folds.filter(
            (f) => f.fallback !== null && (!f.fallback.kept || f.fallback.averaged_with),
          );
          if (fellBack.length > 0) {
            lines.push(
              `Fallbacks: ${fellBack.map((f) => `fold ${f.fold + 1} uses ${usedPhaseWords(f.fallback!)}`).join(', ')} (structured folds[].fallback.reason says why).`,
            );
          }
          if (r.failures.length > 0) lines.push(`Failures: ${r.failures.join('; ')}`);
          for (const w of r.warnings) lines.push(`Warning: ${w}`);
          await progress.finish();
          return ok(r, lines.join('\n'));
        } finally {
          progress.stop();
        }
      }),
  );
}
