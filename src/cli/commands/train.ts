import { need } from '../args.js';
import type { Command } from '../command.js';
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
    'spend), each with what to do.',
  options: {
    tenant: { type: 'string', value: 'ID', help: 'the tenant (see `wv-mmm tenants`)' },
    phase: PHASE_OPTION,
    ...CONFIG_OPTIONS,
  },
  json: true,
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
          `RMSE ${r.rmse.toFixed(1)} (${r.rmse_pct.toFixed(1)}% of mean); MAPE ${r.mape.toFixed(1)}%`,
        `models: ${r.folds.map((f) => f.model + (f.alpha !== null ? `(α=${f.alpha})` : '')).join(', ')}`,
        ...(r.protocol ? [`protocol: ${r.protocol.reason}`] : []),
        ...(r.explained_model ? [`explained model: ${r.explained_model.note}`] : []),
        ...r.folds
          .filter((f) => f.fallback !== null && !f.fallback.kept)
          .map(
            (f) => `fold ${f.fold + 1} uses phase ${f.fallback!.used_phase}: ${f.fallback!.reason}`,
          ),
        ...r.folds
          .filter((f) => f.dropped_terms.length > 0)
          .map(
            (f) =>
              `fold ${f.fold + 1} (${f.train_rows} training rows) leaves out ${f.dropped_terms.join(', ')}`,
          ),
        ...r.folds
          .filter((f) => (f.held_terms ?? []).length > 0)
          .map(
            (f) =>
              `fold ${f.fold + 1} (${f.train_rows} training rows) holds ${f.held_terms.join(', ')} at its last training value after the window (about one yearly cycle: trend and season are confounded)`,
          ),
        ...(r.failures.length
          ? [`checks failed: ${r.failures.join('; ')}`]
          : ['all checks passed']),
        ...r.warnings.map((w) => `warning: ${w}`),
      ].join('\n'),
    );
  },
};
