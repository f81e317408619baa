import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ComputeResult, ComputeTask } from './compute.js';
import { workerFile } from './paths.js';
import type { WorkerMessage } from './worker.js';

interface Job {
  task: ComputeTask;
  signal: AbortSignal | undefined;
  /** The task's cancel flag, shared with the thread that computes it (core/cancel.ts). */
  cancel: Int32Array;
  resolve: (r: ComputeResult) => void;
  reject: (e: unknown) => void;
  cleanup: () => void;
}

function abortError(): Error {
  const e = new Error('the task was cancelled');
  e.name = 'AbortError';
  return e;
}

/**
 * Worker-thread pool for tenant computations, so that all cores work and the caller's event
 * loop stays free for progress notifications and cancellation.
 *
 * Cancelling: an aborted task's promise rejects at once and a queued task never starts. A task
 * already running on a thread is stopped through its cancel flag, memory the thread shares with
 * this one (a SharedArrayBuffer posted with the task): the abort raises it and the computation,
 * which looks at it between its fits (core/cancel.ts), throws within about a second (a plan's
 * refits and an explanation's bootstrap measured about 0.5 s at most on a loaded machine), so
 * its thread takes the next task instead of computing a result nobody waits for. A thread busy
 * with a task cannot receive a message, hence shared memory rather than a message.
 *
 * Workers are never terminated to cancel: terminating a worker thread while it is still loading
 * its ES modules (a fresh replacement worker) aborts the whole process in Node 20
 * (`Assertion failed: facade->InstantiateModule(...)` in require(esm)), and piscina emits an
 * "Unexpected message from Worker" error for results racing a termination. The pool hands piscina
 * at most one task per thread, so piscina never queues and nothing needs removing from its queue.
 */
/** Longest close() waits for tasks still running before it terminates the threads. */
export const CLOSE_DRAIN_MS = 5_000;

export class ComputePool {
  private pool: Piscina<WorkerMessage, ComputeResult> | null = null;
  private readonly queue: Job[] = [];
  private running = 0;
  /** Set while close() waits for the running tasks to finish. */
  private drained: (() => void) | null = null;

  constructor(
    private readonly threads = Math.max(1, availableParallelism()),
    /** Errors the pool reports outside any task (logged; never thrown). */
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  get size(): number {
    return this.threads;
  }

  /** Thread ids of the live workers (lets tests check that cancelling terminates none). */
  get threadIds(): number[] {
    return (this.pool?.threads ?? []).map((t) => t.threadId);
  }

  /**
   * Tasks computing on a thread, cancelled ones included until they have stopped (lets tests
   * check that a cancelled task frees its thread).
   */
  get busy(): number {
    return this.running;
  }

  run(task: ComputeTask, signal?: AbortSignal): Promise<ComputeResult> {
    if (signal?.aborted) return Promise.reject(abortError());
    return new Promise<ComputeResult>((resolve, reject) => {
      const cancel = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
      const job: Job = { task, signal, cancel, resolve, reject, cleanup: () => {} };
      if (signal) {
        const onAbort = () => {
          const i = this.queue.indexOf(job);
          if (i >= 0) this.queue.splice(i, 1);
          // A running task stops at its next check; its CancelledError is then ignored (the
          // promise is already settled here).
          Atomics.store(cancel, 0, 1);
          reject(abortError());
        };
        signal.addEventListener('abort', onAbort, { once: true });
        job.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.pump();
    });
  }

  private piscina(): Piscina<WorkerMessage, ComputeResult> {
    if (!this.pool) {
      this.pool = new Piscina<WorkerMessage, ComputeResult>({
        filename: workerFile(),
        minThreads: 1,
        maxThreads: this.threads,
        idleTimeout: 30_000,
      });
      // An 'error' event without a listener would be thrown and end the process.
      this.pool.on('error', (err: Error) => this.onError(err));
    }
    return this.pool;
  }

  private pump(): void {
    while (this.running < this.threads && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      if (job.signal?.aborted) continue;
      this.running++;
      let pending: Promise<ComputeResult>;
      try {
        pending = this.piscina().run({ task: job.task, cancel: job.cancel });
      } catch (err) {
        pending = Promise.reject(err);
      }
      pending.then(job.resolve, job.reject).finally(() => {
        job.cleanup();
        this.running--;
        this.pump();
        if (this.running === 0) this.drained?.();
      });
    }
  }

  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) {
      job.cleanup();
      job.reject(abortError());
    }
    // Tasks still running (a cancelled one finishes on its thread) are waited for, up to
    // CLOSE_DRAIN_MS: terminating a worker thread while V8 still compiles its hot code in the
    // background can abort the whole process in Node 20 (`Assertion failed: (data.first) !=
    // nullptr` in NodePlatform::ForIsolate, seen once in CI while hardening-faults closed its app
    // after a cancel; nodejs/node#56312 is of the same family). After the wait, destroy anyway.
    if (this.running > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_DRAIN_MS);
        timer.unref();
        this.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.drained = null;
    }
    const p = this.pool;
    this.pool = null;
    if (p) await p.destroy();
  }
}
