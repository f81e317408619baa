/**
 * The coordinator's side of queue mode: a ComputeBackend that sends each task to the BullMQ
 * queue as one job and resolves with the result a `wv-mmm worker` sends back. Runs, tenants and
 * the faces use it exactly as they use the in-process pool (pool.ts); results are written to
 * SQLite by runs.ts as each job completes.
 *
 * Exactly-once results from at-least-once delivery: the job id is derived from the task's
 * identity (run key + tenant), so a repeated add is the same job; a job whose worker died is
 * found stalled by the other workers and finished by one of them; BullMQ refuses the completion
 * of a worker that lost its lock; and each run() resolves once, so the store sees one result per
 * tenant (and would refuse a second: Store.saveTenantResult).
 */
import { setMaxListeners } from 'node:events';
import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ComputeResult, ComputeTask } from '../compute.js';
import type { ComputeBackend, TaskOptions } from '../context.js';
import { AppError } from '../errors.js';
import type { LogFn } from '../log.js';
import { CODE_VERSION } from '../version.js';
import {
  JOB_ATTEMPTS,
  JOB_BACKOFF_MS,
  KEEP_COMPLETED_SECONDS,
  KEEP_FAILED_SECONDS,
  QUEUE_NAME,
  checkRedisUrl,
  jobIdFor,
  redactUrl,
  redisConnection,
} from './settings.js';

export interface QueueBackendOptions {
  url: string;
  log: LogFn;
  /**
   * Jobs a run keeps outstanding (runs.ts keeps twice `size` in flight). Workers on any number of
   * machines draw from them, so this bounds the coordinator's memory, not the parallelism.
   */
  size?: number;
  /** How long to wait for Redis before a run fails as unavailable (ms). */
  connectTimeoutMs?: number;
}

function abortError(): Error {
  const e = new Error('the task was cancelled');
  e.name = 'AbortError';
  return e;
}

/** The identity of a task not tied to a run (train_tenant, explain): its content and the code. */
function taskIdentity(task: ComputeTask): string {
  return JSON.stringify({ task, code: CODE_VERSION });
}

interface Parts {
  connection: Redis;
  eventsConnection: Redis;
  queue: Queue<ComputeTask, ComputeResult>;
  events: QueueEvents;
}

export class QueueBackend implements ComputeBackend {
  readonly size: number;
  /** Made on first use: bullmq and ioredis load only when queue mode runs a task. */
  private parts: Promise<Parts> | null = null;
  private ready: Promise<void> | null = null;
  private closed = false;
  private lastError = '';

  constructor(private readonly options: QueueBackendOptions) {
    checkRedisUrl(options.url);
    this.size = options.size ?? 256;
  }

  private connect(): Promise<Parts> {
    this.parts ??= (async () => {
      const { Queue, QueueEvents } = await import('bullmq');
      const connection = await redisConnection(this.options.url);
      // QueueEvents blocks on a stream read: it needs a connection of its own.
      const eventsConnection = await redisConnection(this.options.url);
      const queue = new Queue<ComputeTask, ComputeResult>(QUEUE_NAME, {
        connection,
        defaultJobOptions: {
          attempts: JOB_ATTEMPTS,
          backoff: { type: 'exponential', delay: JOB_BACKOFF_MS },
          removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
          removeOnFail: { age: KEEP_FAILED_SECONDS },
        },
      });
      const events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection });
      // Every waiting task listens for the queue closing: hundreds at once is expected.
      queue.setMaxListeners(0);
      events.setMaxListeners(0);
      // An 'error' event without a listener would be thrown and end the process.
      const onError = (err: Error) => this.reportError(err);
      queue.on('error', onError);
      events.on('error', onError);
      connection.on('error', onError);
      eventsConnection.on('error', onError);
      return { connection, eventsConnection, queue, events };
    })();
    return this.parts;
  }

  /** Logs a Redis error once per distinct message (ioredis repeats them on every reconnect). */
  private reportError(err: Error): void {
    if (this.closed || err.message === this.lastError) return;
    this.lastError = err.message;
    this.options.log('warning', `queue (${redactUrl(this.options.url)}): ${err.message}`);
  }

  /** Waits for Redis once (retried after a failure); warns when no worker is listening. */
  private ensureReady(): Promise<void> {
    if (this.ready) return this.ready;
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const attempt = (async () => {
      const { queue, events } = await this.connect();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new AppError(
                `cannot reach Redis at ${redactUrl(this.options.url)} within ${timeoutMs / 1000} s` +
                  (this.lastError ? ` (${this.lastError})` : '') +
                  '; check the URL and that redis-server is running',
                'unavailable',
              ),
            ),
          timeoutMs,
        );
      });
      try {
        await Promise.race([
          Promise.all([queue.waitUntilReady(), events.waitUntilReady()]),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
      const workers = await queue.getWorkersCount();
      if (workers === 0) {
        this.options.log(
          'warning',
          `no worker is connected to ${redactUrl(this.options.url)}: jobs wait until one starts (wv-mmm worker --redis URL)`,
        );
      }
    })();
    this.ready = attempt;
    attempt.catch(() => {
      if (this.ready === attempt) this.ready = null;
    });
    return attempt;
  }

  async run(
    task: ComputeTask,
    signal?: AbortSignal,
    opts: TaskOptions = {},
  ): Promise<ComputeResult> {
    if (signal?.aborted) throw abortError();
    if (this.closed) throw abortError();
    await this.ensureReady();
    const { queue, events } = await this.connect();
    const jobId = jobIdFor(opts.key ?? taskIdentity(task));
    const job = await queue.add(task.kind, task, { jobId });
    // A job of this id that failed before (its transient retries spent, or a data error) is
    // tried again; a completed one is served as it is.
    if ((await job.getState()) === 'failed') {
      await job.retry('failed').catch(() => {
        /* another coordinator retried it first */
      });
    }
    const finished = job.waitUntilFinished(events) as Promise<ComputeResult>;
    if (!signal) return finished;
    // Cancelling stops waiting; the job itself is left to finish (another coordinator may wait
    // on the same job id), its result is kept for KEEP_COMPLETED_SECONDS and a rerun collects it.
    finished.catch(() => {});
    // A run waits on up to twice `size` jobs with one signal: that many listeners is expected.
    setMaxListeners(2 * this.size + 16, signal);
    return new Promise<ComputeResult>((resolve, reject) => {
      const onAbort = () => reject(abortError());
      signal.addEventListener('abort', onAbort, { once: true });
      finished.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.parts) return;
    const { connection, eventsConnection, queue, events } = await this.parts;
    await Promise.allSettled([events.close(), queue.close()]);
    for (const c of [connection, eventsConnection]) {
      try {
        await c.quit();
      } catch {
        c.disconnect();
      }
    }
  }
}
