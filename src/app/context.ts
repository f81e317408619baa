/**
 * What every use case works with: the state directory, the store, the compute backend and the
 * log. createApp (index.ts) builds one and hands it to each use-case module.
 */
import type { Store } from '../store/index.js';
import type { ComputeResult, ComputeTask } from './compute.js';
import { AppError, mapComputeError } from './errors.js';
import type { LogFn } from './log.js';
import type { FaceWords } from './words.js';

/** What a caller may tell the backend about a task beyond the task itself. */
export interface TaskOptions {
  /**
   * The task's identity when it belongs to a run (run key + tenant): the queue derives its job id
   * from it, so the same tenant of the same run is one job however often it is added.
   */
  key?: string;
}

/**
 * Where tasks run: the piscina pool in this process (pool.ts) or, in queue mode, BullMQ jobs
 * done by `wv-mmm worker` processes (queue/backend.ts). Nothing else in the app tells them apart.
 */
export interface ComputeBackend {
  /** How many tasks run at once: runs keep about twice this many in flight. */
  readonly size: number;
  run(task: ComputeTask, signal?: AbortSignal, options?: TaskOptions): Promise<ComputeResult>;
  close(): Promise<void>;
}

export interface AppContext {
  readonly stateDir: string;
  readonly store: Store;
  readonly compute: ComputeBackend;
  readonly log: LogFn;
  /** Set once close() starts: new work is refused, runs in progress record a shutdown. */
  closed: boolean;
  /** The words of the face this app serves (CLI flags or MCP arguments) for its messages. */
  readonly words: FaceWords;
}

/** Refuses new work once the app is closing. */
export function checkOpen(ctx: AppContext): void {
  if (ctx.closed) throw new AppError('the app is closed', 'cancelled');
}

/** Runs one task on the compute backend; whatever it throws comes back as an AppError. */
export async function runTask<K extends ComputeTask['kind']>(
  ctx: AppContext,
  task: ComputeTask & { kind: K },
  signal?: AbortSignal,
): Promise<Extract<ComputeResult, { kind: K }>> {
  let out: ComputeResult;
  try {
    out = await ctx.compute.run(task, signal);
  } catch (e) {
    throw mapComputeError(e, ctx.log, signal);
  }
  if (out.kind !== task.kind) throw new AppError('internal: unexpected worker result', 'internal');
  return out as Extract<ComputeResult, { kind: K }>;
}
