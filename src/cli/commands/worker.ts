import { startQueueWorker, DEFAULT_QUEUE_TIMING } from '../../app/index.js';
import { int, need } from '../args.js';
import type { Command } from '../command.js';

export const worker: Command = {
  name: 'worker',
  section: 'Other',
  summary: 'queue mode: compute tenant jobs from a Redis queue until stopped (SIGTERM or Ctrl-C)',
  usage: '--redis redis://HOST:PORT [--concurrency N] [--lock-duration MS] [--stalled-interval MS]',
  details:
    'Takes the tenant jobs that `run-phase --queue URL` (or the MCP server with WV_MMM_REDIS_URL)\n' +
    'adds, N at a time on N worker threads, and sends the results back; needs no state directory.\n' +
    'A worker killed mid-job leaves its job to the others (found stalled). Logs go to stderr.\n' +
    'SIGTERM or Ctrl-C finishes the jobs in hand, then exits (with Redis gone: after 10 s, exit 1,\n' +
    'the jobs in hand queued again when it is back). Without Redis at start it says so and exits\n' +
    'after 10 s (exit 1). Jobs queued by other model code are refused and put back for a worker\n' +
    'of that code (deploy one build): such a job fails if none takes it within 30 s.\n' +
    'See docs/scaling.md (deploying).',
  options: {
    redis: { type: 'string', value: 'redis://HOST:PORT', help: 'the Redis to take jobs from' },
    concurrency: {
      type: 'string',
      value: 'N',
      help: 'jobs computed at once, one worker thread each (default 1; use the cores)',
    },
    'lock-duration': {
      type: 'string',
      value: 'MS',
      help: `how long a job's lock lasts between renewals (default ${DEFAULT_QUEUE_TIMING.lockDuration})`,
    },
    'stalled-interval': {
      type: 'string',
      value: 'MS',
      help: `how often to look for jobs of dead workers (default ${DEFAULT_QUEUE_TIMING.stalledInterval})`,
    },
  },
  json: false,
  async run({ flags, signal, note }) {
    const url = need(
      flags,
      'redis',
      'the Redis URL to take jobs from, e.g. redis://127.0.0.1:6379',
    );
    const handle = await startQueueWorker({
      url,
      concurrency: int(flags, 'concurrency', 1, 256) ?? 1,
      lockDuration: int(flags, 'lock-duration', 500, 3_600_000),
      stalledInterval: int(flags, 'stalled-interval', 500, 3_600_000),
    });
    const why = await new Promise<string>((resolve) => {
      if (signal.aborted) return resolve('Ctrl-C');
      signal.addEventListener('abort', () => resolve('Ctrl-C'), { once: true });
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    note(
      `wv-mmm worker: ${why}: finishing the jobs in hand` +
        (why === 'Ctrl-C' ? '; press Ctrl-C again to quit at once' : ''),
    );
    if ((await handle.close()) === 'redis_gone') {
      // BullMQ's lock and stall timers wait for Redis forever: they would keep the process alive.
      note(
        'wv-mmm worker: stopped without Redis; its jobs in hand are queued again when it is back',
      );
      process.exit(1);
    }
  },
};
