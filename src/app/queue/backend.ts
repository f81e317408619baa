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
 *
 * Cancelling: a cancelled caller's job that no worker has started is removed from the queue
 * (withdraw); one a worker computes is left to finish and its result kept for a rerun.
 */
import { setMaxListeners, type EventEmitter } from 'node:events';
import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ComputeResult, ComputeTask } from '../compute.js';
import type { ComputeBackend, TaskOptions } from '../context.js';
import { AppError, RemoteComputeError } from '../errors.js';
import type { LogFn } from '../log.js';
import { MODEL_CODE_ID } from '../version.js';
import {
  JOB_ATTEMPTS,
  JOB_BACKOFF_MS,
  KEEP_COMPLETED_SECONDS,
  KEEP_FAILED_SECONDS,
  QUEUE_NAME,
  checkDatabase,
  checkRedisUrl,
  describeTask,
  isRefusal,
  jobIdFor,
  jobName,
  redactUrl,
  redisConnection,
  refusalOf,
  trackDuplicates,
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
  /**
   * How long a lost connection may stay lost before every task in progress fails as unavailable
   * (ms, default 30 s). Back within it, each waiting task looks at its job again (a Redis restarted
   * without its data lost the job: it is added again).
   */
  reconnectTimeoutMs?: number;
  /**
   * How often a ready connection is asked PING (ms, default 5 s), and how long its answer may take
   * before Redis counts as lost (ms, default 10 s): a Redis that stops answering but keeps its
   * socket open (stopped, swapping, a network that drops packets) closes nothing, and a probe's
   * run waited on it forever, without a word.
   */
  pingEveryMs?: number;
  pingDeadlineMs?: number;
}

/** What waitFor returns when the job is gone before it finished. */
const REMOVED = Symbol('removed');
/** States of a job no worker holds: a cancelled caller's job in one of them is removed. */
const WITHDRAWABLE = new Set<string>(['waiting', 'delayed', 'prioritized', 'waiting-children']);
/** How long close() waits for Redis to say goodbye before it drops the connections. */
const CLOSE_TIMEOUT_MS = 2_000;
/** How long a cancel waits for Redis to remove its waiting job. */
const WITHDRAW_TIMEOUT_MS = 2_000;

/** `p`, or the outage's error when Redis is lost for good first (a command would wait forever). */
function untilLost<T>(p: Promise<T>, lost: AbortSignal): Promise<T> {
  p.catch(() => {}); // when the outage wins, p's own failure is no one's to handle
  if (lost.aborted) return Promise.reject(lost.reason as Error);
  let onLost = () => {};
  const gone = new Promise<never>((_, reject) => {
    onLost = () => reject(lost.reason as Error);
    lost.addEventListener('abort', onLost, { once: true });
  });
  return Promise.race([p, gone]).finally(() => lost.removeEventListener('abort', onLost));
}

/**
 * A job's failure reason as this process's error: a refusal by workers of other model code is the
 * operator's to fix (AppError 'unavailable', said as it is); anything else failed on a worker.
 */
function jobFailure(reason: string): Error {
  return isRefusal(reason) ? new AppError(reason, 'unavailable') : new RemoteComputeError(reason);
}

function abortError(): Error {
  const e = new Error('the task was cancelled');
  e.name = 'AbortError';
  return e;
}

/** The identity of a task not tied to a run (train_tenant, explain): its content and the code. */
function taskIdentity(task: ComputeTask): string {
  return JSON.stringify({ task, code: MODEL_CODE_ID });
}

interface Parts {
  connection: Redis;
  eventsConnection: Redis;
  queue: Queue<ComputeTask, ComputeResult>;
  events: QueueEvents;
  /** Connections BullMQ made from ours (QueueEvents reads on a duplicate): dropped on close. */
  duplicates: Redis[];
}

export class QueueBackend implements ComputeBackend {
  readonly size: number;
  /** Made on first use: bullmq and ioredis load only when queue mode runs a task. */
  private parts: Promise<Parts> | null = null;
  private ready: Promise<void> | null = null;
  private closed = false;
  /** Aborted by close(): every wait in progress ends. */
  private readonly shutdown = new AbortController();
  private lastError = '';
  /** Set once Redis answered: a connection closing after that is an outage, not a slow start. */
  private wasReady = false;
  /** Aborted (with the error) when Redis stays lost longer than reconnectTimeoutMs. */
  private outage = new AbortController();
  private outageTimer: NodeJS.Timeout | null = null;
  /** When the connection was lost (for the line that says it is back). */
  private lostAt = 0;
  /** The PING timer (heartbeat) and whether Redis was last found not answering. */
  private pinger: NodeJS.Timeout | null = null;
  private pingOutstanding = false;
  private silent = false;
  /** What each task waiting on its job does when the connection comes back. */
  private readonly rechecks = new Set<() => void>();
  /** Workers of other code whose refusals were told (once each, and again if none of this code is there). */
  private readonly refusalsTold = new Set<string>();

  constructor(private readonly options: QueueBackendOptions) {
    checkRedisUrl(options.url);
    this.size = options.size ?? 256;
    // Every wait in progress listens for close(): hundreds at once is expected.
    setMaxListeners(0, this.shutdown.signal);
    setMaxListeners(0, this.outage.signal);
  }

  private connect(): Promise<Parts> {
    this.parts ??= (async () => {
      const { Queue, QueueEvents } = await import('bullmq');
      const connection = await redisConnection(this.options.url);
      // QueueEvents blocks on a stream read: it needs a connection of its own.
      const eventsConnection = await redisConnection(this.options.url);
      const duplicates = trackDuplicates(eventsConnection);
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
      for (const c of [connection, eventsConnection]) {
        c.on('close', () => this.connectionLost());
        c.on('ready', () => {
          if (connection.status === 'ready' && eventsConnection.status === 'ready') {
            this.connectionBack();
          }
        });
      }
      return { connection, eventsConnection, queue, events, duplicates };
    })();
    return this.parts;
  }

  /**
   * A connection to Redis closed after it had worked: ioredis reconnects on its own; if it is not
   * back within reconnectTimeoutMs, every task in progress fails with an error that says so
   * (without this, a run would wait forever on jobs and events of a Redis that is gone).
   */
  private connectionLost(why = ''): void {
    if (this.closed || !this.wasReady || this.outageTimer !== null || this.outage.signal.aborted) {
      return;
    }
    const ms = this.options.reconnectTimeoutMs ?? 30_000;
    this.lostAt = Date.now();
    this.options.log(
      'warning',
      `queue: lost the connection to Redis at ${redactUrl(this.options.url)}${why}; waiting up to ${ms / 1000} s for it`,
    );
    this.outageTimer = setTimeout(() => {
      this.outageTimer = null;
      const e = new AppError(
        `lost the connection to Redis at ${redactUrl(this.options.url)}${why} and it was not back within ${ms / 1000} s` +
          (this.lastError ? ` (${this.lastError})` : '') +
          '; check that redis-server is running, then run again',
        'unavailable',
      );
      this.ready = null; // the next task waits for Redis (connectTimeoutMs) and fails if it is still gone
      this.outage.abort(e);
    }, ms);
  }

  /** Both connections are ready again: the outage is over; each waiting task looks at its job. */
  private connectionBack(): void {
    if (this.outageTimer !== null) {
      clearTimeout(this.outageTimer);
      this.outageTimer = null;
      // A warning like the loss it ends (the CLI shows warnings only: it said "lost", never "back").
      const lostFor = ((Date.now() - this.lostAt) / 1000).toFixed(1);
      this.options.log(
        'warning',
        `queue: the connection to Redis at ${redactUrl(this.options.url)} is back (lost for ${lostFor} s); the run goes on`,
      );
      this.lastError = ''; // the next outage's errors are said again
    }
    if (this.outage.signal.aborted) {
      this.outage = new AbortController();
      setMaxListeners(0, this.outage.signal);
    }
    for (const recheck of [...this.rechecks]) recheck();
  }

  /**
   * Asks Redis PING every pingEveryMs on the queue's connection once it has answered: an answer
   * later than pingDeadlineMs counts as a lost connection (connectionLost, the same 30 s window),
   * and the next answer as its return. ioredis sees a closed socket, not a silent one.
   */
  private startHeartbeat(connection: Redis): void {
    if (this.pinger !== null) return;
    const every = this.options.pingEveryMs ?? 5_000;
    const deadline = this.options.pingDeadlineMs ?? 10_000;
    this.pinger = setInterval(() => {
      if (this.closed || this.pingOutstanding || connection.status !== 'ready') return;
      this.pingOutstanding = true;
      const late = setTimeout(() => {
        this.silent = true;
        this.connectionLost(` (it has not answered PING for ${deadline / 1000} s)`);
      }, deadline);
      const answered = () => {
        clearTimeout(late);
        this.pingOutstanding = false;
        if (this.silent) {
          this.silent = false;
          this.connectionBack();
        }
      };
      connection.ping().then(answered, () => {
        clearTimeout(late);
        this.pingOutstanding = false;
      });
    }, every);
    // The heartbeat alone keeps no process alive.
    this.pinger.unref();
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
      await checkDatabase((await this.connect()).connection, this.options.url);
      this.wasReady = true;
      this.startHeartbeat((await this.connect()).connection);
      if (this.outage.signal.aborted) {
        this.outage = new AbortController();
        setMaxListeners(0, this.outage.signal);
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
    const lost = this.outage.signal;
    const jobId = jobIdFor(opts.key ?? taskIdentity(task));
    if (signal) {
      // A run waits on up to twice `size` jobs with one signal: that many listeners is expected.
      setMaxListeners(2 * this.size + 16, signal);
    }
    for (;;) {
      if (this.closed) throw abortError();
      await untilLost(this.addJob(queue, task, jobId), lost);
      try {
        const out = await this.waitFor(queue, events, jobId, describeTask(task), signal, lost);
        if (out !== REMOVED) return out;
        // Withdrawn by another caller whose run was cancelled (the same run on another
        // coordinator shares the job id): this caller still wants it, so it is added again.
      } catch (e) {
        if (signal?.aborted && !this.closed) await this.withdraw(queue, jobId);
        throw e;
      }
    }
  }

  /**
   * Adds the task's job (a no-op when a job of this id exists). A job of this id that failed
   * before (its transient retries spent, or a data error) is tried again; a completed one is
   * served as it is.
   */
  private async addJob(
    queue: Queue<ComputeTask, ComputeResult>,
    task: ComputeTask,
    jobId: string,
  ): Promise<void> {
    // The job's name carries the code that queued it: workers of other code refuse it (worker.ts).
    const job = await queue.add(jobName(task.kind), task, { jobId });
    if ((await job.getState()) === 'failed') {
      // Refused before (no worker of this code took it in time): its grace starts again.
      if (refusalOf(job.progress)) await job.updateProgress(0).catch(() => {});
      await job.retry('failed').catch(() => {
        /* another coordinator retried it first */
      });
    }
  }

  /**
   * The job's result, or REMOVED when the job is gone before it finished. Rejects with the job's
   * failure, or with an AbortError when `signal` aborts or the queue closes; every listener is
   * removed when it settles, so cancelled waits leave nothing behind.
   */
  private waitFor(
    queue: Queue<ComputeTask, ComputeResult>,
    events: QueueEvents,
    jobId: string,
    what: string,
    signal: AbortSignal | undefined,
    lost: AbortSignal,
  ): Promise<ComputeResult | typeof REMOVED> {
    return new Promise((resolve, reject) => {
      let settled = false;
      // The per-job events BullMQ emits (`completed:<id>`, as Job.waitUntilFinished uses them)
      // are not in its typed listener map.
      const bus = events as unknown as EventEmitter;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        bus.off(`completed:${jobId}`, onCompleted);
        bus.off(`failed:${jobId}`, onFailed);
        bus.off(`progress:${jobId}`, onProgress);
        bus.off('removed', onRemoved);
        this.shutdown.signal.removeEventListener('abort', onAbort);
        signal?.removeEventListener('abort', onAbort);
        lost.removeEventListener('abort', onLost);
        this.rechecks.delete(look);
        fn();
      };
      const onCompleted = (e: { returnvalue: unknown }) =>
        settle(() => resolve(e.returnvalue as ComputeResult));
      const onFailed = (e: { failedReason: string }) =>
        settle(() => reject(jobFailure(e.failedReason)));
      const onProgress = (e: { data: unknown }) => this.tellRefusal(e.data, what);
      const onRemoved = (e: { jobId: string }) => {
        if (e.jobId === jobId) settle(() => resolve(REMOVED));
      };
      const onAbort = () => settle(() => reject(abortError()));
      const onLost = () => settle(() => reject(lost.reason as Error));
      // The job may have finished or gone before the listeners were attached (or while Redis was
      // away): look at it. State first: a finished job's return value and failure are final
      // when it is read.
      const look = () => {
        queue
          .getJobState(jobId)
          .then(async (state) => {
            if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return;
            const job = state === 'unknown' ? undefined : await queue.getJob(jobId);
            if (!job) settle(() => resolve(REMOVED));
            else if (state === 'completed') settle(() => resolve(job.returnvalue));
            else settle(() => reject(jobFailure(job.failedReason)));
          })
          .catch((err: unknown) => settle(() => reject(err as Error)));
      };
      bus.on(`completed:${jobId}`, onCompleted);
      bus.on(`failed:${jobId}`, onFailed);
      bus.on(`progress:${jobId}`, onProgress);
      bus.on('removed', onRemoved);
      if (signal?.aborted || this.closed) return onAbort();
      if (lost.aborted) return onLost();
      this.shutdown.signal.addEventListener('abort', onAbort, { once: true });
      signal?.addEventListener('abort', onAbort, { once: true });
      lost.addEventListener('abort', onLost, { once: true });
      this.rechecks.add(look);
      look();
    });
  }

  /**
   * A worker of other model code refused a job of this process (its progress says so, worker.ts):
   * said at once, once per refusing worker (and again when no worker of this code is left), so
   * that a run waiting on a stale fleet is not silent until its jobs fail.
   */
  private tellRefusal(progress: unknown, what: string): void {
    const r = refusalOf(progress);
    if (r === null || this.closed) return;
    const told = `${r.by}|${r.served}`;
    if (this.refusalsTold.has(told)) return;
    this.refusalsTold.add(told);
    this.options.log(
      'warning',
      `queue: worker ${r.by} runs other model code (${r.code}) and refused the job (${what})` +
        (r.served
          ? `: it is put back for a worker of this process's code (${MODEL_CODE_ID}), one of which is connected`
          : `; no worker of this process's code (${MODEL_CODE_ID}) is connected: the run fails if none takes the job within ${r.graceMs / 1000} s; ` +
            'run workers built from this code (the same commit, npm run build)'),
    );
  }

  /**
   * Removes the job of a cancelled caller if no worker has started it: a waiting job would
   * otherwise still be computed for nobody. A job a worker holds (active, locked) is left to
   * finish, its result kept for a rerun (BullMQ refuses to remove a locked job anyway); another
   * caller still waiting on a removed job adds it again (run). Bounded in time: a cancel must
   * not hang on a Redis that is down.
   */
  private async withdraw(queue: Queue<ComputeTask, ComputeResult>, jobId: string): Promise<void> {
    const removal = (async () => {
      const state = await queue.getJobState(jobId);
      if (WITHDRAWABLE.has(state)) await queue.remove(jobId);
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, WITHDRAW_TIMEOUT_MS);
    });
    try {
      await Promise.race([removal, timeout]);
    } catch (err) {
      this.reportError(err as Error);
    } finally {
      clearTimeout(timer);
    }
    removal.catch(() => {});
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.outageTimer !== null) clearTimeout(this.outageTimer);
    if (this.pinger !== null) clearInterval(this.pinger);
    this.shutdown.abort();
    if (!this.parts) return;
    const { connection, eventsConnection, queue, events, duplicates } = await this.parts;
    // Bounded: with Redis gone, closing the queue and QUIT would wait for it forever (the
    // process would not exit after the run failed); then the connections are simply dropped.
    const graceful = (async () => {
      await Promise.allSettled([events.close(), queue.close()]);
      await Promise.allSettled([connection.quit(), eventsConnection.quit()]);
    })();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      graceful,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    for (const c of [connection, eventsConnection, ...duplicates]) c.disconnect();
  }
}
