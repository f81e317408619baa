/**
 * `wv-mmm worker`: takes tenant jobs from the BullMQ queue and computes them on a pool of worker
 * threads (pool.ts), so this process's event loop stays free to renew job locks while the CPU
 * works; a job whose lock is not renewed (this process killed) is found stalled by the other
 * workers and done again by one of them.
 *
 * Errors: a computation that throws is deterministic (the same task throws the same error), so
 * it is a data error and fails the job at once with its message (UnrecoverableError, no retry);
 * a thread that dies (out of memory, crash) or a lost connection is transient and is retried
 * with backoff (JOB_ATTEMPTS, JOB_BACKOFF_MS).
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { ComputeResult, ComputeTask } from '../compute.js';
import { AppError } from '../errors.js';
import { stderrLogger, type LogFn } from '../log.js';
import { ComputePool } from '../pool.js';
import {
  DEFAULT_TIMING,
  QUEUE_NAME,
  checkRedisUrl,
  redactUrl,
  redisConnection,
  type QueueTiming,
} from './settings.js';

/** A failure worth retrying elsewhere or later (a dead thread, a lost connection). */
export class TransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientError';
  }
}

/** Whether an error from the pool is transient (retried) rather than a data error (not retried). */
export function isTransient(e: unknown): boolean {
  if (e instanceof TransientError) return true;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('ERR_WORKER')) return true;
  const msg = (e as Error)?.message ?? '';
  return /worker (thread )?(exited|terminated)|terminating worker|ECONNRESET|ECONNREFUSED/i.test(
    msg,
  );
}

export interface QueueWorkerOptions extends QueueTiming {
  url: string;
  /** Jobs computed at once, one worker thread each (default 1). */
  concurrency?: number;
  /** Where progress and warnings go (default: stderr). */
  log?: LogFn;
  /** Replaces the thread pool (tests: a computation that fails transiently first). */
  compute?: (task: ComputeTask) => Promise<ComputeResult>;
  /** How long to wait for Redis at start before giving up with what to check (ms, default 10 s). */
  connectTimeoutMs?: number;
}

export interface QueueWorkerHandle {
  readonly name: string;
  readonly concurrency: number;
  /** Finishes the jobs in progress, then disconnects and stops the threads. */
  close(): Promise<void>;
}

function describeTask(task: ComputeTask): string {
  return 'phase' in task
    ? `${task.kind} ${task.source.tenant} phase ${task.phase}`
    : `${task.kind} ${task.source.tenant}`;
}

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  const log = options.log ?? stderrLogger();
  checkRedisUrl(options.url);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new AppError('concurrency must be an integer from 1 to 256', 'invalid_argument');
  }
  const lockDuration = options.lockDuration ?? DEFAULT_TIMING.lockDuration;
  const stalledInterval = options.stalledInterval ?? DEFAULT_TIMING.stalledInterval;
  for (const [what, v] of [
    ['lock duration', lockDuration],
    ['stalled interval', stalledInterval],
  ] as const) {
    if (!Number.isInteger(v) || v < 500 || v > 3_600_000)
      throw new AppError(
        `the ${what} must be an integer from 500 to 3600000 ms`,
        'invalid_argument',
      );
  }
  const pool = options.compute
    ? null
    : new ComputePool(concurrency, (err) =>
        log('warning', `worker pool: ${err.message.slice(0, 300)}`),
      );
  const compute = options.compute ?? ((task: ComputeTask) => (pool as ComputePool).run(task));
  const name = `wv-mmm@${hostname()}:${process.pid}`;
  const connection = await redisConnection(options.url);
  let lastError = '';
  const onError = (err: Error) => {
    if (err.message === lastError) return;
    lastError = err.message;
    log('warning', `queue (${redactUrl(options.url)}): ${err.message}`);
  };
  connection.on('error', onError);

  const processor = async (job: Job<ComputeTask, ComputeResult>): Promise<ComputeResult> => {
    const what = describeTask(job.data);
    log('info', `job ${job.id} started: ${what} (attempt ${job.attemptsMade + 1})`);
    try {
      const out = await compute(job.data);
      log('info', `job ${job.id} done: ${what}`);
      return out;
    } catch (e) {
      const msg = (e as Error)?.message ?? String(e);
      if (isTransient(e)) {
        log('warning', `job ${job.id} (${what}) failed, will be retried: ${msg}`);
        throw e;
      }
      log('warning', `job ${job.id} (${what}) failed on its data: ${msg}`);
      throw new UnrecoverableError(msg);
    }
  };

  const worker = new Worker<ComputeTask, ComputeResult>(QUEUE_NAME, processor, {
    connection,
    concurrency,
    lockDuration,
    stalledInterval,
    // A job is moved back once when its worker dies; dying twice fails it (a poison job).
    maxStalledCount: 1,
    name,
  });
  worker.on('error', onError);
  worker.on('stalled', (jobId) =>
    log('warning', `job ${jobId} stalled (its worker stopped renewing the lock): queued again`),
  );
  // Without Redis at start, say so and stop (a supervisor restarts the worker) rather than wait
  // in silence after one warning: a wrong --redis URL would look like a worker with no jobs.
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    worker.waitUntilReady().then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  if (!ready) {
    await worker.close(true).catch(() => {});
    connection.disconnect();
    await pool?.close();
    throw new AppError(
      `cannot reach Redis at ${redactUrl(options.url)} within ${timeoutMs / 1000} s` +
        (lastError ? ` (${lastError})` : '') +
        '; check the URL and that redis-server is running there, then start the worker again',
      'unavailable',
    );
  }
  log(
    'info',
    `worker ${name}: ${concurrency} thread(s) on queue '${QUEUE_NAME}' at ${redactUrl(options.url)}`,
  );
  let closing: Promise<void> | null = null;
  return {
    name,
    concurrency,
    close() {
      closing ??= (async () => {
        await worker.close();
        await pool?.close();
        try {
          await connection.quit();
        } catch {
          connection.disconnect();
        }
      })();
      return closing;
    },
  };
}
