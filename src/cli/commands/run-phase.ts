import { APP_LIMITS, shareText } from '../../app/index.js';
import { list } from '../args.js';
import type { Command } from '../command.js';
import {
  CONFIG_OPTIONS,
  PHASE_OPTION,
  configOf,
  phaseOf,
  progressPrinter,
  protocolLines,
  resultRows,
  seconds,
} from '../shared.js';

export const runPhase: Command = {
  name: 'run-phase',
  section: 'Modeling',
  summary:
    'one phase over many tenants, stored as a run (an identical run is served from the store)',
  usage:
    '--phase 0|1|2|3 [--tenants a,b] [--folds K] [--test-size ROWS] [--min-train ROWS] [--no-calendar] [--force] [--queue URL] [--json]',
  details:
    'A run is keyed by phase, tenants, their data, the options and the code version: asking again\n' +
    "returns the stored run at once (the time printed is then this call's, beside the original\n" +
    "run's); the same run in progress in another process on this state directory is followed\n" +
    'until it ends rather than computed again. Ctrl-C cancels the run and records it as cancelled\n' +
    '(exit code 130; a followed run goes on in its process).',
  options: {
    phase: PHASE_OPTION,
    tenants: {
      type: 'string',
      value: 'a,b',
      help: `the tenants, at most ${APP_LIMITS.maxTenantsPerRun} (default: the 20 built-in ones)`,
    },
    ...CONFIG_OPTIONS,
    force: { type: 'boolean', help: 'compute again even if an identical run is stored' },
    queue: {
      type: 'string',
      value: 'redis://HOST:PORT',
      help: 'queue mode: one BullMQ job per tenant, computed by `wv-mmm worker` processes; results are stored here as they arrive',
    },
  },
  json: true,
  jsonHelp:
    'run_id, status, cached, elapsed_seconds, run_seconds, error, summary and results (every tenant in full); the MCP tool run_phase gives the same figures in another shape (rows of 6 fields, rows_total, progress, gate, next_step)',
  async run({ app, flags, print, signal, note, cancelling }) {
    const phase = phaseOf(flags)!;
    const started = performance.now();
    const handle = app().startPhaseRun(
      { phase, tenants: list(flags.tenants), config: configOf(flags), force: Boolean(flags.force) },
      { onProgress: progressPrinter(flags), signal },
    );
    if (handle.elsewhere) {
      // Followed: Ctrl-C stops this process's wait only (a probe's follower said "the run is
      // recorded as cancelled" while the run went on and ended done in its owner).
      note(
        `run ${handle.runId}: computed by another process on this state directory; following it (Ctrl-C stops following; the run goes on there)`,
      );
      cancelling?.(`this process stops following run ${handle.runId}; it goes on in its process`);
    }
    const run = await handle.done;
    const elapsed = (performance.now() - started) / 1000;
    print(
      {
        run_id: run.id,
        status: run.status,
        cached: handle.cached,
        elapsed_seconds: elapsed,
        run_seconds: run.seconds,
        error: run.error,
        summary: run.summary,
        results: run.results,
      },
      () => {
        const s = run.summary;
        const when = handle.cached
          ? `served from the store in ${seconds(elapsed)} (computed in ${run.seconds !== null ? seconds(run.seconds) : '?'} at ${run.finished_at ?? run.created_at}; --force reruns)`
          : run.seconds !== null
            ? seconds(run.seconds)
            : seconds(elapsed);
        return [
          `run ${run.id}: phase ${phase}, ${run.status}, ${when}`,
          resultRows(run.results),
          '',
          s
            ? `mean R² ${s.mean_r2.toFixed(3)} (oracle ${s.mean_oracle_r2?.toFixed(3) ?? '-'}), ` +
              `${s.pass_count}/${s.total} pass (${shareText(s.pass_rate)})`
            : `no summary: ${run.error ?? ''}`,
          ...protocolLines(run.results),
          // The run by id: a bare --phase judges the phase's latest run, which a later run (of
          // other tenants, or in another process) may be by then.
          ...(run.status === 'done'
            ? [`judge it: wv-mmm gates --phase ${phase} --run ${run.id}`]
            : []),
        ].join('\n');
      },
    );
  },
};
