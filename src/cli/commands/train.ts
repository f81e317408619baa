import { growthPercent, usedPhaseWords } from '../../app/index.js';
import { need } from '../args.js';
import type { Command } from '../command.js';
import { fixed } from '../format.js';
import { CONFIG_OPTIONS, PHASE_OPTION, configOf, phaseOf, resultRows } from '../shared.js';

export const train: Command = {
  name: 'train',
  section: 'Modeling',
  summary: "one tenant, one phase: cross-validated R² fold by fold, beside the tenant's oracle",
  usage:
    '--tenant ID --phase 0|1|2|3 [--folds K] [--test-size ROWS] [--min-train ROWS] [--no-calendar] [--json]',
  details:
    'Stores nothing (run-phase stores runs). Prints the warnings about the data that limit the\n' +
    'result (short history per fold, weekly data, weather not modeled, channels with almost no\n' +
    'spend, revenue at another level from a date on, channels with one spend, revenue and spend\n' +
    'in different units; docs/csv-format.md), each with what to do; a fold far below 0 says how\n' +
    "far its test block's level is from its forecast's.",
  options: {
    tenant: { type: 'string', value: 'ID', help: 'the tenant (see `wv-mmm tenants`)' },
    phase: PHASE_OPTION,
    ...CONFIG_OPTIONS,
  },
  json: true,
  jsonHelp: "the fields of the MCP tool train_tenant's result",
  async run({ app, flags, print, signal }) {
    const tenant = need(flags, 'tenant', 'a tenant id (see `wv-mmm tenants`)');
    const r = await app().trainTenant(
      { tenant, phase: phaseOf(flags)!, config: configOf(flags) },
      { signal },
    );
    print(r, () =>
      [
        resultRows([r]),
        '',
        `folds R²: ${r.fold_r2.map((x) => x.toFixed(3)).join(', ')}; train R² ${r.train_r2.toFixed(3)}; ` +
          `RMSE ${fixed(r.rmse, 1)} (${r.rmse_pct.toFixed(1)}% of mean); MAPE ${r.mape.toFixed(1)}%`,
        `models: ${r.folds.map((f) => f.model + (f.alpha !== null ? `(α=${f.alpha})` : '')).join(', ')}`,
        ...(r.protocol ? [`protocol: ${r.protocol.reason}`] : []),
        ...(r.explained_model ? [`explained model: ${r.explained_model.note}`] : []),
        ...groupedFoldLines(
          r.folds
            // A kept fold averaged with the phase below is named too: the explained-model line
            // counts it among the averaged folds.
            .filter((f) => f.fallback !== null && (!f.fallback.kept || f.fallback.averaged_with))
            .map((f) => ({
              fold: f.fold,
              rows: f.train_rows,
              text: (n) => `use${n > 1 ? '' : 's'} ${usedPhaseWords(f.fallback!)}`,
              reason: f.fallback!.reason,
            })),
        ),
        ...groupedFoldLines(
          r.folds
            .filter((f) => f.dropped_terms.length > 0)
            .map((f) => ({
              fold: f.fold,
              rows: f.train_rows,
              text: (n) => `leave${n > 1 ? '' : 's'} out ${f.dropped_terms.join(', ')}`,
            })),
          true,
        ),
        ...groupedFoldLines(
          r.folds
            .filter((f) => (f.held_terms ?? []).includes('trend'))
            .map((f) => ({
              fold: f.fold,
              rows: f.train_rows,
              text: (n) =>
                `hold${n > 1 ? '' : 's'} trend at ${n > 1 ? 'their' : 'its'} last training value after the window (about one yearly cycle: trend and season are confounded)`,
            })),
          true,
        ),
        ...groupedFoldLines(
          r.folds
            .filter((f) => typeof f.growth_trend === 'number')
            .map((f) => ({
              fold: f.fold,
              rows: f.train_rows,
              text: (n) =>
                `take${n > 1 ? '' : 's'} the trend as a growth curve of ${growthPercent(f.growth_trend!)} a year (revenue compounds on ${n > 1 ? 'their' : 'its'} training rows; a straight trend falls behind)`,
            })),
          true,
        ),
        // One-off events (support.ts windowPulses): the other held terms.
        ...groupedFoldLines(
          r.folds
            .filter((f) => (f.held_terms ?? []).some((t) => t !== 'trend'))
            .map((f) => {
              const events = f.held_terms.filter((t) => t !== 'trend');
              return {
                fold: f.fold,
                rows: f.train_rows,
                text: (n) =>
                  `fit${n > 1 ? '' : 's'} ${events.join(', ')} on the ${events.length > 1 ? 'single training row where each moves' : 'one training row where it moves'} and forecast${n > 1 ? '' : 's'} ${events.length > 1 ? 'each' : 'it'} after the window only where ${events.length > 1 ? 'it takes its' : 'it takes that'} row's value again (an event seen once in a year or more of rows: a one-off, or the first of a recurring one)`,
              };
            }),
          true,
        ),
        ...(r.failures.length
          ? [`checks failed: ${r.failures.join('; ')}`]
          : ['all checks passed']),
        ...r.warnings.map((w) => `warning: ${w}`),
      ].join('\n'),
    );
  },
};

/** One fold's line: what it does (in the singular or plural) and why, with its training rows. */
export interface FoldLine {
  /** 0-based fold index. */
  fold: number;
  rows: number;
  text: (folds: number) => string;
  reason?: string;
}

/** '1-5', '1, 3', '2-3, 5': 1-based fold numbers, runs of three or more as a range. */
export function foldNumbers(folds: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < folds.length) {
    let j = i;
    while (j + 1 < folds.length && folds[j + 1] === folds[j] + 1) j++;
    if (j - i >= 2) out.push(`${folds[i] + 1}-${folds[j] + 1}`);
    else for (let k = i; k <= j; k++) out.push(String(folds[k] + 1));
    i = j + 1;
  }
  return out.join(', ');
}

/**
 * Fold lines that say the same thing once: folds whose text and reason are the same once their own
 * training-row count is set aside ('the 56-row window' is 'the fold's window') share one line
 * ('folds 1-5 use phase 1: ...'). showRows: name the training rows, '(56 training rows)' or
 * '(56-136 training rows)'.
 */
export function groupedFoldLines(lines: readonly FoldLine[], showRows = false): string[] {
  const groups = new Map<string, FoldLine[]>();
  for (const l of lines) {
    const key = `${l.text(1)}\u0000${(l.reason ?? '').replaceAll(`${l.rows}-row`, 'N-row')}`;
    const g = groups.get(key);
    if (g) g.push(l);
    else groups.set(key, [l]);
  }
  return [...groups.values()].map((g) => {
    const first = g[0];
    const n = g.length;
    const rows = g.map((l) => l.rows);
    const rowWords =
      n === 1 || Math.min(...rows) === Math.max(...rows)
        ? `${first.rows}`
        : `${Math.min(...rows)}-${Math.max(...rows)}`;
    const who = n === 1 ? `fold ${first.fold + 1}` : `folds ${foldNumbers(g.map((l) => l.fold))}`;
    const reason =
      first.reason === undefined
        ? ''
        : `: ${n === 1 ? first.reason : first.reason.replaceAll(`the ${first.rows}-row window`, "each fold's window")}`;
    return `${who}${showRows ? ` (${rowWords} training rows)` : ''} ${first.text(n)}${reason}`;
  });
}
