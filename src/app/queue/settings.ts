/**
 * Queue mode's shared vocabulary: the queue name, Redis URL checks and connections, job ids and
 * the default job options (retries, retention). Used by the coordinator (backend.ts) and by
 * `wv-mmm worker` (worker.ts); nothing here runs a job.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ComputeTask } from '../compute.js';
import { AppError } from '../errors.js';
import { MODEL_CODE_ID } from '../version.js';

/** One queue for every tenant computation (train, explain); a job is one tenant x one task. */
export const QUEUE_NAME = 'wv-mmm-tenants';

/** The Redis URL the MCP server (and any app built without an explicit URL) sends work to. */
export function queueUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = env.WV_MMM_REDIS_URL?.trim();
  return url ? url : undefined;
}

/** Checks a Redis URL (redis:// or rediss://, host required) and returns it unchanged. */
export function checkRedisUrl(url: string, what = 'the Redis URL'): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError(
      `${what} '${url}' is not a URL; expected redis://host:port (or rediss:// for TLS)`,
      'invalid_argument',
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    // "localhost:6379" parses as the scheme "localhost:": say what to write instead.
    const hostPort = /^[\w.-]+:\d+$/.test(url) ? `; write redis://${url}` : '';
    throw new AppError(
      `${what} must start with redis:// or rediss:// (got '${url}'${hostPort})`,
      'invalid_argument',
    );
  }
  if (!parsed.hostname) throw new AppError(`${what} '${url}' names no host`, 'invalid_argument');
  // The path is the database number; anything else crashed in ioredis's SELECT with a stack trace.
  if (!/^\/?\d*$/.test(parsed.pathname)) {
    throw new AppError(
      `${what} '${redactUrl(url)}' names database '${decodeURIComponent(parsed.pathname.slice(1))}'; the path is a database number (redis://host:port/0), or leave it out for database 0`,
      'invalid_argument',
    );
  }
  return url;
}

/** The database number a checked Redis URL names (0 when it names none). */
export function redisDatabase(url: string): number {
  const path = new URL(url).pathname.slice(1);
  return path === '' ? 0 : Number(path);
}

/**
 * Refuses a database this Redis does not have: ioredis only warned ("DB index is out of range")
 * and went on in database 0, where the queue then shared its keys with whatever else used it.
 */
export async function checkDatabase(connection: Redis, url: string): Promise<void> {
  const db = redisDatabase(url);
  if (db === 0) return;
  try {
    await connection.select(db);
  } catch (e) {
    throw new AppError(
      `Redis at ${redactUrl(url)} has no database ${db} (${(e as Error).message}); name one it has (redis://host:port/0 .. its 'databases' setting minus 1)`,
      'invalid_argument',
    );
  }
}

/** The URL without its password, for log lines and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/**
 * A connection BullMQ can block on: `maxRetriesPerRequest: null` is required by workers and
 * queue-event readers (a blocking read must wait through reconnects, not fail after 20 tries).
 */
export async function redisConnection(url: string): Promise<Redis> {
  // Loaded on first use: the CLI and the MCP server start without ioredis unless in queue mode.
  const { Redis } = await import('ioredis');
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

/**
 * The connections BullMQ makes from `connection` (it blocks on duplicates of it), collected so
 * that they can be dropped on close: a duplicate left reconnecting keeps the process alive.
 */
export function trackDuplicates(connection: Redis): Redis[] {
  const duplicates: Redis[] = [];
  const duplicate = connection.duplicate.bind(connection);
  connection.duplicate = ((...args: Parameters<Redis['duplicate']>) => {
    const c = duplicate(...args);
    duplicates.push(c);
    return c;
  }) as Redis['duplicate'];
  return duplicates;
}

/**
 * The job id of a task: a hash of its identity (the run key and the tenant for a phase run), so
 * adding the same tenant of the same run twice, from one coordinator or two, is one job.
 * Hex only: BullMQ refuses custom ids with ':' and ids that look like integers.
 */
export function jobIdFor(identity: string): string {
  return `t${createHash('sha256').update(identity).digest('hex').slice(0, 40)}`;
}

/** A task in log lines and messages: `train shop phase 3`. */
export function describeTask(task: ComputeTask): string {
  return 'phase' in task
    ? `${task.kind} ${task.source.tenant} phase ${task.phase}`
    : `${task.kind} ${task.source.tenant}`;
}

/** A job's name: the task's kind and the model code that queued it (`phase@0.1.0+3f2a...`). */
export function jobName(kind: string, code: string = MODEL_CODE_ID): string {
  return `${kind}@${code}`;
}

/** The model code a job was queued by (null for a name without one). */
export function jobCode(name: string): string | null {
  const at = name.indexOf('@');
  return at < 0 ? null : name.slice(at + 1);
}

/**
 * A worker of other model code refusing a job puts it back in the queue (delayed by
 * REFUSAL_DELAY_MS, for a worker of the job's code) instead of failing it: one stale worker in
 * the fleet (a rolling deploy) failed every run although workers of the right code were there.
 * While a worker of the job's code is connected the job is put back every time, and the refusing
 * worker takes no job for REFUSAL_HOLD_OFF_MS (it refused instantly and took most of a run's
 * jobs); while none is, the job fails once it has been refused for REFUSAL_GRACE_MS.
 */
export const REFUSAL_DELAY_MS = 1_000;
export const REFUSAL_HOLD_OFF_MS = 5_000;
export const REFUSAL_GRACE_MS = 30_000;

/** Words every refusal's message holds (the coordinator tells a refusal from a failed computation). */
export const REFUSED_WORDS = "its figures would not be the coordinator's";

/** Whether a job's failure is a refusal by workers of other model code. */
export function isRefusal(reason: string): boolean {
  return reason.includes(REFUSED_WORDS);
}

/** A refused job's record, kept as the job's progress (the coordinator hears it as it happens). */
export interface Refusal {
  /** How many times workers of other code refused the job. */
  refused: number;
  /** When the first refusal was (Redis time, ms): the grace runs from it. */
  since: number;
  /** The last refusing worker and the model code it runs. */
  by: string;
  code: string;
  /** Whether a worker of the job's code was connected at the last refusal. */
  served: boolean;
  /** The grace the refusing worker gives the job (ms). */
  graceMs: number;
}

/** The refusal record a job's progress holds, or null (never refused, or reset by a retry). */
export function refusalOf(progress: unknown): Refusal | null {
  const p = progress as Partial<Refusal> | null;
  if (typeof p !== 'object' || p === null) return null;
  if (typeof p.refused !== 'number' || typeof p.since !== 'number') return null;
  return {
    refused: p.refused,
    since: p.since,
    by: String(p.by ?? ''),
    code: String(p.code ?? ''),
    served: p.served === true,
    graceMs: typeof p.graceMs === 'number' ? p.graceMs : REFUSAL_GRACE_MS,
  };
}

/**
 * A worker's name as Redis lists its connections (CLIENT SETNAME, through BullMQ): its own name
 * and the model codes whose jobs it computes, so that a worker refusing a job can tell whether a
 * worker of the job's code is connected.
 */
export function workerClientName(name: string, codes: Iterable<string>): string {
  return `${name}~codes=${[...codes].join(',')}`;
}

/** The model codes a connection name of a worker lists (none for a name without them). */
export function workerCodes(clientName: string): string[] {
  const m = /~codes=(\S*)$/.exec(clientName);
  return m ? m[1].split(',').filter((c) => c !== '') : [];
}

/** Times and retries; the defaults suit production, tests shorten the lock and stall check. */
export interface QueueTiming {
  /** How long a worker's lock on a job lasts before renewal (ms; renewed every half of it). */
  lockDuration?: number;
  /** How often workers look for jobs whose lock expired (a killed worker's jobs) (ms). */
  stalledInterval?: number;
}

export const DEFAULT_TIMING: Required<QueueTiming> = {
  lockDuration: 30_000,
  stalledInterval: 30_000,
};

/**
 * Attempts for transient failures (a worker thread that died, a lost connection), with
 * exponential backoff from 1 s. A data error fails at once (the worker throws UnrecoverableError).
 */
export const JOB_ATTEMPTS = 3;
export const JOB_BACKOFF_MS = 1_000;
/** Completed jobs stay an hour: a coordinator restarted within it collects their results. */
export const KEEP_COMPLETED_SECONDS = 3_600;
/** Failed jobs stay a week for inspection (docs/scaling.md: monitoring). */
export const KEEP_FAILED_SECONDS = 7 * 86_400;
