/** Tool `explain_tenant`: channel contributions, ROAS by weather state and response curves. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import {
  moneyRange,
  replicateWords,
  shortMoney,
  validationClause,
  weatherStateReading,
  type ExplanationView,
  type SelectionInfo,
} from '../../app/index.js';
import type { ToolDeps } from '../deps.js';
import { forwardProgress } from '../progress.js';
import { FIGURE_DIGITS, fmtPct, guarded, ok, roundFigures } from '../results.js';
import { explanationOut, listIssue, phaseInput, strictInput, tenantInput } from '../schemas.js';

const inputSchema = strictInput({
  tenant: tenantInput.describe('Tenant id, e.g. "extreme_ski_gear" (list_tenants shows all)'),
  phase: phaseInput
    .default(3)
    .describe('Phase whose model to explain (default 3, the adstock + Hill model)'),
  replicates: z
    .number({ error: 'replicates must be an integer from 0 to 500' })
    .int({ error: 'replicates must be an integer from 0 to 500' })
    .min(0, { error: 'replicates must be at least 0 (0 = no intervals)' })
    .max(500, { error: 'replicates must be at most 500' })
    .optional()
    .describe(
      'Bootstrap refits behind the 80%/95% intervals: 0 (no intervals) or 10-500 (default round(120 / channels) within 10-60: 60 for 2 channels, 10 for 12 or more)',
    ),
  channels: z
    .array(z.string({ error: 'channels must be a list of channel names' }), {
      error: listIssue('channels must be a list of channel names, e.g. ["meta", "google"]'),
    })
    .max(200, { error: 'channels names at most 200 channels' })
    .optional()
    .describe(
      'Only these channels (names as in the data, e.g. ["meta"]): their figures, ROAS by weather state, curves and caveats, plus the caveats about the whole model; default every channel. The figures are the same as with every channel shown. For tenants of many channels, where the whole answer is large (about 3 KB of JSON per channel, 4.5 KB with curves)',
    ),
  curves: z
    .boolean({ error: 'curves must be true or false' })
    .default(false)
    .describe(
      'Add response_curves: contribution at 12 spend levels per channel, in each weather state, with 80%/95% bands, for plotting (default false: about 40% of the answer; get_report draws them)',
    ),
});

export function registerExplainTenant(server: McpServer, { app, log }: ToolDeps): void {
  server.registerTool(
    'explain_tenant',
    {
      title: "Explain a tenant's model",
      description:
        "Decompose a tenant's fitted model: each channel's contribution, ROAS and marginal ROAS (with the truth and error for synthetic tenants), ROAS by weather state (cold/mild/hot, rain/dry), what each control column (events, promotions, prices) added to the prediction (`controls`, with the truth for synthetic event tenants) and, with curves: true, spend response curves, each with 80% and 95% intervals (block bootstrap that refits the whole model). For tenants of many channels name the ones you need in `channels` (each channel adds about 3 KB). " +
        "`caveats` come first: a model below the pass bar, roas_moved_since_previous (a channel's ROAS moved beyond both 80% intervals since the previous explanation of the tenant on other data, e.g. last month's: since_previous gives every channel then and now; check what changed before moving budget on it), figures whose interval includes zero, on phases 0-2 no_carry_over (their models leave out carry-over, so their ROAS reads low and its intervals do not show it: explain phase 3 for figures to act on), on weekly phase 3 cv_of_another_model (the folds forecast with a mix; validation.explained_model_r2 is the explained model alone), the data caveats units_mismatch and channels_not_separable, level_shift, channels_correlated (spend correlated at |r| > 0.7: the figures of each can be off in opposite directions; their combined ROAS is given), negative_media_effect (a negative contribution on phases 0-2: not identified), interval_beyond_revenue (a contribution interval above the revenue) and no_spend_in_state (a weather state where a channel never spent: its ROAS and marginal ROAS there are null); the output schema of `caveats` lists every code in order. With lift tests recorded (add_lift_test), phase 3 figures are calibrated to them and `calibration` lists each test, used or not and why; a test left out is the caveat lift_test_conflict; a test used that the data cannot check (mostly the part of the effect below the usual spend of the channel) is lift_test_below_spend. " +
        'Use it after run_phase to understand why a tenant passes or fails and what weather does to media. Fits the model on all rows and its bootstrap replicates (about 5-10 s of CPU for phase 3; stored for the next call); sends progress when asked. ' +
        'Annotated read-only although it stores that fit: what it stores is a cache (the all-rows model and this explanation, beside the phase run they came from, reused by later explain_tenant, get_report and plan_budget calls on the same data and code); it changes nothing you stored, and the figures are the same with or without it.',
      inputSchema,
      outputSchema: explanationOut,
      annotations: {
        title: "Explain a tenant's model",
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (args, extra) =>
      guarded('explain_tenant', log, async () => {
        const progress = forwardProgress(extra);
        try {
          const e = await app.explainTenantView(
            {
              tenant: args.tenant,
              phase: args.phase,
              replicates: args.replicates,
              channels: args.channels,
              curves: args.curves,
            },
            { onProgress: progress.onProgress, signal: extra.signal },
          );
          const ch = e.channels
            .map((c) => {
              if (c.no_spend) return `${c.channel}: no spend in the data, nothing to estimate`;
              const err = c.roas_error !== null ? `, error vs truth ${fmtPct(c.roas_error)}` : '';
              const uncal =
                c.uncalibrated_roas !== undefined && c.uncalibrated_roas !== null
                  ? `, uncalibrated ${fmt2(c.uncalibrated_roas)}${c.uncalibrated_roas_error != null ? ` (${fmtPct(c.uncalibrated_roas_error)})` : ''}` +
                    (c.refit_roas != null ? `, refit without the tests ${fmt2(c.refit_roas)}` : '')
                  : '';
              const pooled =
                c.pooled_roas !== undefined
                  ? `, pooled ${fmt2(c.pooled_roas)}${c.pooled_roas_error != null ? ` (${fmtPct(c.pooled_roas_error)})` : ''}` +
                    (c.pooled_marginal_roas !== undefined
                      ? `, pooled marginal ${fmt2(c.pooled_marginal_roas)}${c.pooled_marginal_roas_error != null ? ` (${fmtPct(c.pooled_marginal_roas_error)})` : ''}`
                      : '')
                  : '';
              const status =
                c.roas_status !== undefined && c.roas_status !== 'measured'
                  ? `, roas_status ${c.roas_status}`
                  : '';
              return (
                `${c.channel} ROAS ${fmt2(c.roas)}${calibrationMark(e.calibration, c.channel)}${range(c.intervals?.roas)} ` +
                `(marginal ${fmt2(c.marginal_roas)}${range(c.intervals?.marginal_roas)}${err}${uncal}${pooled}${status})`
              );
            })
            .join('; ');
          const lines = e.caveats.map((c) => `CAVEAT ${c.code}: ${c.message}`);
          const fit = validationClause(e);
          lines.push(
            `${e.tenant} phase ${e.phase} (${e.model_kind})${fit}, ${e.rows} rows ${e.start}..${e.end}: ${ch}.`,
          );
          if (e.roas_pooling) lines.push(`ROAS pooled: ${e.roas_pooling.text}.`);
          if (e.controls.length > 0) lines.push(controlsLine(e.controls));
          const reading = weatherStateReading(e);
          if (reading !== null) lines.push(`Weather states: ${reading}.`);
          if (e.uncertainty) {
            lines.push(
              `Intervals [80%; 95%]: ${e.uncertainty.replicates}-replicate moving-block bootstrap ` +
                `(blocks of ${e.uncertainty.block_length} rows), every replicate ${replicateWords(e.phase)}.`,
            );
          }
          lines.push(...e.notes);
          lines.push(selectionLine(e.selection));
          await progress.finish();
          return ok(compactFigures(e), lines.join('\n'));
        } finally {
          progress.stop();
        }
      }),
  );
}

/**
 * The answer's estimates (per channel, per weather state, curves, carry-over) to FIGURE_DIGITS
 * significant digits, which cuts a many-channel answer by a third; the data's spend and the
 * validation figures stay exact. `wv-mmm explain --json` prints every digit.
 */
function compactFigures(e: ExplanationView): ExplanationView {
  const keep = new Set(['spend']);
  return {
    ...e,
    channels: roundFigures(e.channels, FIGURE_DIGITS, keep),
    weather_states: roundFigures(e.weather_states, FIGURE_DIGITS, keep),
    ...(e.weather_contrasts
      ? { weather_contrasts: roundFigures(e.weather_contrasts, FIGURE_DIGITS, keep) }
      : {}),
    ...(e.response_curves
      ? { response_curves: roundFigures(e.response_curves, FIGURE_DIGITS, keep) }
      : {}),
    channel_params: roundFigures(e.channel_params, FIGURE_DIGITS, keep),
    controls: roundFigures(e.controls, FIGURE_DIGITS, new Set(['reference', 'active_rows'])),
  };
}

/** What the answer holds of the explanation: the channels shown, and whether curves are in. */
function selectionLine(sel: SelectionInfo): string {
  const shown =
    sel.channels.length === sel.of_channels
      ? `all ${sel.of_channels} channel(s)`
      : `${sel.channels.length} of ${sel.of_channels} channels (${sel.channels.join(', ')})` +
        (sel.caveats_left_out > 0
          ? `; ${sel.caveats_left_out} caveat(s) about the other channels only left out`
          : '');
  const curves = sel.response_curves
    ? 'response curves included'
    : 'response curves left out (curves: true adds them; get_report draws them)';
  return `Shown: ${shown}; ${curves}.`;
}

/** The controls' contributions against their references, with intervals and truth when known. */
function controlsLine(controls: ExplanationView['controls']): string {
  const parts = controls.map((k) => {
    const iv = k.intervals?.contribution;
    const band = iv ? ` [${moneyBand(iv.p80)}; ${moneyBand(iv.p95)}]` : '';
    const truth =
      k.truth !== null
        ? ` (true ${shortMoney(k.truth.contribution)}${k.contribution_error !== null ? `, ${fmtPct(k.contribution_error)}` : ''})`
        : '';
    const unit = k.intervals?.effect_per_unit;
    const perUnit = `, ${shortMoney(k.effect_per_unit)} per row per unit${unit ? ` [${moneyBand(unit.p80)}; ${moneyBand(unit.p95)}]` : ''}`;
    return `${k.control} ${shortMoney(k.contribution)}${band}${truth}${perUnit}`;
  });
  return `Controls (revenue each added against its reference: 0 for an event column, else its mean, where the sum of departures is near 0 and the effect per unit is the figure to read): ${parts.join('; ')}.`;
}

/** "lo to hi" of an interval of money, both ends in the larger end's unit (moneyRange). */
function moneyBand([lo, hi]: readonly [number, number]): string {
  const [a, b] = moneyRange(lo, hi);
  return `${a} to ${b}`;
}

/** " [lo80-hi80; lo95-hi95]" or nothing when there is no interval. */
function range(iv: { p80: [number, number]; p95: [number, number] } | undefined): string {
  if (!iv) return '';
  return ` [${fmt2(iv.p80[0])} to ${fmt2(iv.p80[1])}; ${fmt2(iv.p95[0])} to ${fmt2(iv.p95[1])}]`;
}

/**
 * Two decimals, or three significant digits where two decimals would print a figure that is not
 * 0 as 0 or '-0.00' (a 95% bound of -0.0046 reads '-0.00455', as in the CLI's tables).
 */
export function fmt2(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x !== 0 && Math.abs(x) < 0.005 ? x.toPrecision(3) : x.toFixed(2);
}

/** ' calibrated' for a channel of a calibrated model, or what it is when no lift test moved it. */
function calibrationMark(
  calibration:
    { applied: boolean; held_channels: string[]; tests: { channel: string }[] } | null | undefined,
  channel: string,
): string {
  if (!calibration?.applied) return '';
  if (!calibration.held_channels.includes(channel)) return ' calibrated';
  // Held: no test, or its tests left out as a conflict (calibration.ts).
  return calibration.tests.some((t) => t.channel === channel)
    ? ' (lift test not used: uncalibrated)'
    : ' (no lift test: uncalibrated)';
}
