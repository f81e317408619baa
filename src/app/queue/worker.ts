/**
 * `wv-mmm worker`: takes tenant jobs from the BullMQ queue and computes them on a pool of worker
 * threads (pool.ts), so this process's event loop stays free to renew job locks while the CPU
 * works; a job whose lock is not renewed (this process killed) is found stalled by the other
 * workers and done again by one of them.
 *
 * Errors: a computation that throws is deterministic (the same task throws the same error), so
 * it is a data error and fails the job at once with its message (UnrecoverableError, no retry);
 * a thread that dies (out of memory, crash) or a lost connection is transient and is retried
 * with backoff (JOB_ATTEMPTS, JOB_BACKOFF_MS). A job queued by other model code is refused and
 * put back for a worker of that code (settings.ts REFUSAL_*), failing only when none takes it.
 */
import { hostname } from 'node:os';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { ComputeResult, ComputeTask } from '../compute.js';
import { AppError } from '../errors.js';
import { stderrLogger, type LogFn } from '../log.js';
import { ComputePool } from '../pool.js';
import { acceptedCodeIds, MODEL_CODE_ID } from '../version.js';
import {
  DEFAULT_TIMING,
  QUEUE_NAME,
  REFUSAL_DELAY_MS,
  REFUSAL_GRACE_MS,
  REFUSAL_HOLD_OFF_MS,
  REFUSED_WORDS,
  checkDatabase,
  checkRedisUrl,
  describeTask,
  jobCode,
  redactUrl,
  redisConnection,
  redisDatabase,
  refusalOf,
  trackDuplicates,
  workerClientName,
  workerCodes,
  type QueueTiming,
  type Refusal,
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
  /**
   * The model codes whose jobs this worker computes (default: version.ts acceptedCodeIds()).
   * Tests: a worker of other code in the same process.
   */
  acceptedCodes?: ReadonlySet<string>;
  /**
   * How long a job refused by workers of other code waits for a worker of its code while none is
   * connected before it fails (ms, default REFUSAL_GRACE_MS).
   */
  refusalGraceMs?: number;
}

export interface QueueWorkerHandle {
  readonly name: string;
  readonly concurrency: number;
  /**
   * Finishes the jobs in progress, then disconnects and stops the threads: 'closed'. With Redis
   * gone for REDIS_GONE_MS it stops without them: 'redis_gone' (BullMQ's own timers then still
   * run, waiting for Redis: the process must exit by itself).
   */
  close(): Promise<'closed' | 'redis_gone'>;
}

function unreachable(url: string, timeoutMs: number, lastError: string): AppError {
  return new AppError(
    `cannot reach Redis at ${redactUrl(url)} within ${timeoutMs / 1000} s` +
      (lastError ? ` (${lastError})` : '') +
      '; check the URL and that redis-server is running there, then start the worker again',
    'unavailable',
  );
}

/** True when `p` settles within `ms`, false when the time runs out first (rejections pass). */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** How long a closing worker waits for a lost Redis before it stops without its jobs in hand. */
const REDIS_GONE_MS = 10_000;

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
  /** Jobs whose lost lock was told (BullMQ reports it once per command it tried). */
  const lostJobs = new Set<string>();
  const onError = (err: Error) => {
    // BullMQ's words when a job's lock or key is gone (Redis restarted or away longer than the
    // lock): "Missing lock for job ID. moveToFinished", then "... moveToDelayed".
    const missing = /^Missing (lock|key) for job (\S+?)\.? (\w+)$/.exec(err.message);
    if (missing) {
      const [, what, id] = missing;
      if (lostJobs.has(id)) return;
      if (lostJobs.size >= 1_000) lostJobs.clear();
      lostJobs.add(id);
      log(
        'warning',
        what === 'lock'
          ? `job ${id}: its lock was lost (Redis restarted, or was away longer than the ${lockDuration / 1000} s lock): its result is not kept; the job is computed again`
          : `job ${id} is gone from Redis (restarted without its data): its result is not kept; the coordinator adds the job again`,
      );
      return;
    }
    if (err.message === lastError) return;
    lastError = err.message;
    log('warning', `queue (${redactUrl(options.url)}): ${err.message}`);
  };
  connection.on('error', onError);
  let started = false;
  connection.on('ready', () => {
    // After an outage: said, and the next outage's errors are said again.
    if (started && lastError !== '') log('info', `Redis at ${redactUrl(options.url)} is back`);
    lastError = '';
  });
  // BullMQ blocks on a duplicate of the connection: kept, so a worker whose Redis is gone can
  // drop it (its reconnect attempts kept the process alive after close).
  const duplicates = trackDuplicates(connection);

  // The database is checked before any job is taken (a missing one fell back to database 0).
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  try {
    const reached = await within(checkDatabase(connection, options.url), timeoutMs);
    if (!reached) throw unreachable(options.url, timeoutMs, lastError);
  } catch (e) {
    connection.disconnect();
    await pool?.close();
    throw e;
  }

  const accepted = options.acceptedCodes ?? acceptedCodeIds();
  const graceMs = options.refusalGraceMs ?? REFUSAL_GRACE_MS;
  const database = redisDatabase(options.url);
  /** BullMQ's connection names of this queue's workers: `bull:<base64 queue>:w:<name>`. */
  const workerPrefix = `bull:${Buffer.from(QUEUE_NAME).toString('base64')}:w:`;
  /** Model codes the workers connected to this queue compute, looked up at most once a second. */
  let served: { at: number; codes: Promise<Set<string> | null> } | null = null;
  const connectedCodes = (): Promise<Set<string> | null> => {
    if (served && Date.now() - served.at < 1_000) return served.codes;
    const codes = (async () => {
      try {
        const list = String(await connection.client('LIST'));
        const out = new Set<string>();
        for (const line of list.split(/\r?\n/)) {
          const name = /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '';
          const db = Number(/(?:^| )db=(\d+)/.exec(line)?.[1] ?? 0);
          if (name.startsWith(workerPrefix) && db === database) {
            for (const c of workerCodes(name)) out.add(c);
          }
        }
        return out;
      } catch (e) {
        // A Redis without CLIENT LIST (some managed ones): refused jobs wait out the grace.
        log('warning', `cannot list the workers connected (${(e as Error).message})`);
        return null;
      }
    })();
    served = { at: Date.now(), codes };
    return codes;
  };
  /** Redis's clock (ms): the grace is measured on one clock whichever worker refuses. */
  const redisNow = async (): Promise<number> => {
    const [seconds, micros] = await connection.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  };
  // A worker that refused a job while one of the job's code is there takes no job for a while:
  // refusing at once, it took most of a run's jobs from the workers that could compute them.
  let holdOff: NodeJS.Timeout | null = null;
  let closingWorker = false;
  const holdBack = async (): Promise<void> => {
    if (holdOff !== null || closingWorker) return;
    holdOff = setTimeout(() => {
      holdOff = null;
      if (!closingWorker) void worker.resume();
    }, REFUSAL_HOLD_OFF_MS);
    await worker.pause(true);
  };
  /** When each job code was last warned about (one warning a minute, not one per refusal). */
  const warned = new Map<string, number>();

  /**
   * A job queued by other model code: put back for a worker of its code while one is connected
   * or the grace runs; failed (with both codes and what to do) once the grace is over and none is.
   */
  const refuse = async (
    job: Job<ComputeTask, ComputeResult>,
    token: string | undefined,
    code: string,
    what: string,
  ): Promise<never> => {
    const why =
      `worker ${name} runs model code ${MODEL_CODE_ID}, and the job (${what}) was queued by code ${code}: ` +
      REFUSED_WORDS;
    const now = await redisNow();
    const before = refusalOf(job.progress);
    const codes = await connectedCodes();
    const record: Refusal = {
      refused: (before?.refused ?? 0) + 1,
      since: before?.since ?? now,
      by: name,
      code: MODEL_CODE_ID,
      served: codes?.has(code) ?? false,
      graceMs,
    };
    if (!record.served && now - record.since >= graceMs) {
      const msg =
        `${why}; no worker of that code took the job within ${graceMs / 1000} s ` +
        `(refused ${record.refused} time(s)); run workers built from the coordinator's code (the same commit, npm run build)`;
      log('warning', `job ${job.id} failed: ${msg}`);
      throw new UnrecoverableError(msg);
    }
    await job.updateProgress(record);
    await job.moveToDelayed(Date.now() + REFUSAL_DELAY_MS, token);
    if (Date.now() - (warned.get(code) ?? -Infinity) < 60_000) {
      log('info', `job ${job.id} refused (${record.refused} time(s)): put back`);
    } else {
      warned.set(code, Date.now());
      log(
        'warning',
        `job ${job.id} refused: ${why}; put back for a worker of that code` +
          (record.served
            ? ` (one is connected); this worker takes no job for ${REFUSAL_HOLD_OFF_MS / 1000} s`
            : `, but none is connected: the job fails if none takes it within ${graceMs / 1000} s; ` +
              "run workers built from the coordinator's code (the same commit, npm run build)"),
      );
    }
    if (record.served) await holdBack();
    throw new DelayedError();
  };

  const processor = async (
    job: Job<ComputeTask, ComputeResult>,
    token?: string,
  ): Promise<ComputeResult> => {
    const what = describeTask(job.data);
    const code = jobCode(job.name);
    if (code !== null && !accepted.has(code)) return refuse(job, token, code, what);
    log('info', `job ${job.id} started: ${what} (attempt ${job.attemptsMade + 1})`);
    try {
      return await compute(job.data);
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
    // The codes it computes are in its connection's name: a worker refusing a job looks for one.
    name: workerClientName(name, accepted),
  });
  worker.on('error', onError);
  // Done once Redis has the result (a job whose lock was lost meanwhile is not done: above).
  worker.on('completed', (job) => log('info', `job ${job.id} done: ${describeTask(job.data)}`));
  worker.on('stalled', (jobId) =>
    log('warning', `job ${jobId} stalled (its worker stopped renewing the lock): queued again`),
  );
  // Without Redis at start, say so and stop (a supervisor restarts the worker) rather than wait
  // in silence after one warning: a wrong --redis URL would look like a worker with no jobs.
  const ready = await within(worker.waitUntilReady(), timeoutMs);
  if (!ready) {
    await worker.close(true).catch(() => {});
    connection.disconnect();
    await pool?.close();
    throw unreachable(options.url, timeoutMs, lastError);
  }
  started = true;
  log(
    'info',
    `worker ${name}: ${concurrency} thread(s) on queue '${QUEUE_NAME}' at ${redactUrl(options.url)}`,
  );
  let closing: Promise<'closed' | 'redis_gone'> | null = null;
  return {
    name,
    concurrency,
    close() {
      closingWorker = true;
      if (holdOff !== null) clearTimeout(holdOff);
      holdOff = null;
      closing ??= (async () => {
        // The jobs in hand are finished first; with Redis gone that wait never ended (their
        // results cannot be stored, nor the connections closed), and SIGTERM left the worker
        // running. After REDIS_GONE_MS without Redis the worker stops without them: their
        // locks expire and they are queued again once Redis is back.
        let poll: NodeJS.Timeout | undefined;
        const gone = new Promise<'gone'>((resolve) => {
          let since: number | null = null;
          poll = setInterval(() => {
            if (connection.status === 'ready') since = null;
            else if (since === null) since = Date.now();
            else if (Date.now() - since >= REDIS_GONE_MS) resolve('gone');
          }, 250);
        });
        const how = await Promise.race([worker.close().then(() => 'closed' as const), gone]);
        clearInterval(poll);
        if (how === 'gone') {
          log(
            'warning',
            `worker ${name}: Redis at ${redactUrl(options.url)} is gone: stopping without the jobs in hand (they are queued again when it is back)`,
          );
          await Promise.race([
            worker.close(true).catch(() => {}),
            new Promise((resolve) => setTimeout(resolve, 1_000)),
          ]);
          for (const c of duplicates) c.disconnect();
          connection.disconnect();
          await pool?.close();
          return 'redis_gone';
        }
        await pool?.close();
        try {
          await connection.quit();
        } catch {
          connection.disconnect();
        }
        return 'closed';
      })();
      return closing;
    },
  };
}
